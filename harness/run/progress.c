/* progress.c: the progress line of `membench run` (stderr; results go to stdout or --out). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness/run/progress.h"
#include "harness/base/units.h"
#include "harness/run/runner.h"

void mb_progress_begin(mb_progress_t *p, size_t total) {
    p->total = total;
    p->t0 = mb_now_ns();
    p->tty = isatty(STDERR_FILENO) != 0;
    p->quiet = getenv("MB_QUIET") != NULL;
    p->suite = NULL;
    p->left_ns = -1;
}

/* The time left after run i: each run to come is estimated by the mean wall
 * time (fork to reaped child) of its case's finished repetitions; for a case
 * not started, by the mean of the finished runs of its workload at its size,
 * else by the mean of every finished run. O(runs^2) over a suite: a
 * thousand runs cost a millisecond per estimate. */
static double estimate_left(const mb_progress_t *p, size_t i) {
    const mb_suite_t *s = p->suite;
    if (!s || i + 1 >= s->n) return 0;
    double all = 0;
    size_t nall = 0;
    for (size_t k = 0; k <= i; k++) {
        all += s->v[k].harness_ns;
        nall++;
    }
    if (!nall) return -1;
    double left = 0;
    const mb_entry_t *prev = NULL;
    double est = all / (double)nall;
    for (size_t k = i + 1; k < s->n; k++) {
        const mb_entry_t *e = &s->v[k];
        if (!prev || prev->family != e->family) {   /* a new case: find what is known of it */
            double fam = 0, wl = 0;
            size_t nfam = 0, nwl = 0;
            for (size_t j = 0; j <= i; j++) {
                const mb_entry_t *d = &s->v[j];
                if (d->family == e->family) fam += d->harness_ns, nfam++;
                if (d->c.workload == e->c.workload && d->c.args.n == e->c.args.n) wl += d->harness_ns, nwl++;
            }
            est = nfam ? fam / (double)nfam : nwl ? wl / (double)nwl : all / (double)nall;
        }
        left += est;
        prev = e;
    }
    return left;
}

/* ", about 3 min 12 s left", or "" before the first estimate. */
static const char *left_text(const mb_progress_t *p, char *buf, size_t n) {
    if (p->left_ns <= 0) return "";
    double s = p->left_ns / 1e9;
    if (s < 1) snprintf(buf, n, ", under 1 s left");
    else if (s < 60) snprintf(buf, n, ", about %.0f s left", s);
    else if (s < 3600) snprintf(buf, n, ", about %.0f min %02.0f s left", floor(s / 60), fmod(s, 60));
    else snprintf(buf, n, ", about %.0f h %02.0f min left", floor(s / 3600), floor(fmod(s, 3600) / 60));
    return buf;
}

void mb_progress_case(mb_progress_t *p, size_t i, const char *name, unsigned rep, unsigned reps) {
    if (p->quiet || !p->tty) return;
    char el[32];
    mb_fmt_ns(el, sizeof el, (double)(mb_now_ns() - p->t0));
    char left[64];
    fprintf(stderr, "\r\033[K[%zu/%zu %s%s] %s (repetition %u of %u)", i + 1, p->total, el,
            left_text(p, left, sizeof left), name, rep + 1, reps);
    fflush(stderr);
}

void mb_progress_done(mb_progress_t *p, size_t i, const mb_entry_t *e) {
    if (p->quiet) return;
    p->left_ns = estimate_left(p, i);
    char el[32], t[32], left[64];
    mb_fmt_ns(el, sizeof el, (double)(mb_now_ns() - p->t0));
    if (e->error) {
        if (p->tty) fputs("\r\033[K", stderr);
        fprintf(stderr, "membench: [%zu/%zu] %s #%u FAILED: %s\n", i + 1, p->total, e->name, e->repetition, e->message);
    } else if (!p->tty) {
        mb_fmt_ns(t, sizeof t, (double)e->res.real_ns);
        fprintf(stderr, "membench: [%zu/%zu %s%s] %s #%u: %s\n", i + 1, p->total, el, left_text(p, left, sizeof left),
                e->name, e->repetition, t);
    }
}

void mb_progress_end(mb_progress_t *p) {
    if (p->quiet || !p->tty) return;
    char el[32];
    mb_fmt_ns(el, sizeof el, (double)(mb_now_ns() - p->t0));
    fprintf(stderr, "\r\033[K%zu runs in %s\n", p->total, el);
}
