/* progress.c: the progress line of `membench run` (stderr; results go to stdout or --out). */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "progress.h"
#include "report.h"
#include "runner.h"

void mb_progress_begin(mb_progress_t *p, size_t total) {
    p->total = total;
    p->t0 = mb_now_ns();
    p->tty = isatty(STDERR_FILENO) != 0;
    p->quiet = getenv("MB_QUIET") != NULL;
}

void mb_progress_case(mb_progress_t *p, size_t i, const char *name, unsigned rep, unsigned reps) {
    if (p->quiet || !p->tty) return;
    char el[32];
    mb_fmt_ns(el, sizeof el, (double)(mb_now_ns() - p->t0));
    fprintf(stderr, "\r\033[K[%zu/%zu %s] %s (repetition %u of %u)", i + 1, p->total, el, name, rep + 1, reps);
    fflush(stderr);
}

void mb_progress_done(mb_progress_t *p, size_t i, const mb_entry_t *e) {
    if (p->quiet) return;
    char el[32], t[32];
    mb_fmt_ns(el, sizeof el, (double)(mb_now_ns() - p->t0));
    if (e->error) {
        if (p->tty) fputs("\r\033[K", stderr);
        fprintf(stderr, "membench: [%zu/%zu] %s #%u FAILED: %s\n", i + 1, p->total, e->name, e->repetition, e->message);
    } else if (!p->tty) {
        mb_fmt_ns(t, sizeof t, (double)e->res.real_ns);
        fprintf(stderr, "membench: [%zu/%zu %s] %s #%u: %s\n", i + 1, p->total, el, e->name, e->repetition, t);
    }
}

void mb_progress_end(mb_progress_t *p) {
    if (p->quiet || !p->tty) return;
    char el[32];
    mb_fmt_ns(el, sizeof el, (double)(mb_now_ns() - p->t0));
    fprintf(stderr, "\r\033[K%zu cases in %s\n", p->total, el);
}
