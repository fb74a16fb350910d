/* verdicts.c: hyperfine-style verdicts per workload after the console and Markdown tables (times, leaks, peak memory, the U test). */
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "harness/report/report.h"
#include "harness/stats/mannwhitney.h"

/* ------------------------------------------------------------------------ */
/* Verdicts: hyperfine's "Summary" for each workload, plus leaks and peak memory. */

#define MB_VERDICT_ALPHA 0.05           /* as compare's default (and Google Benchmark's compare.py) */

/* One candidate of a workload: a family of <workload>/<strategy>/interning:<on|off>. */
typedef struct vd_cand {
    char workload[160], strategy[72], label[128];
    bool interning;
    bool counters;
    size_t n;                           /* error-free measured repetitions */
    double *real, *cpu, *leaked, *rss, *live;
    char name[160];                     /* as the verdicts call it */
} vd_cand_t;

static bool vd_parse(const char *name, vd_cand_t *c) {
    return mb_case_split(name, c->workload, sizeof c->workload, c->strategy, sizeof c->strategy, &c->interning);
}

static double vd_mean(const double *v, size_t n) { return mb_aggregate(MB_AGG_MEAN, v, n); }
static double vd_sd(const double *v, size_t n) { return n > 1 ? mb_aggregate(MB_AGG_STDDEV, v, n) : 0; }

/* The smallest two-sided p the U test can give for samples of n and m
 * values (no ties, exact method): 2 / C(n + m, n). */
static double vd_min_p(size_t n, size_t m) {
    double c = 1;
    for (size_t k = 1; k <= n; k++) c = c * (double)(m + k) / (double)k;
    return 2 / c;
}

typedef struct vd_out {
    FILE *f;
    bool md;
    size_t lines;
    bool few;                           /* a pair had fewer than 2 repetitions on a side */
    bool powerless;                     /* a pair had too few for the U test to ever reach alpha */
} vd_out_t;

static void vd_line(vd_out_t *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void vd_line(vd_out_t *o, const char *fmt, ...) {
    if (!o->lines++) fputs(o->md ? "\n**Verdicts**\n\n" : "\n", o->f);
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (o->md) {
        fputs("- ", o->f);
        mb_md_text(o->f, buf);
        fputc('\n', o->f);
    } else {
        mb_line_text(o->f, false, buf);
        fputc('\n', o->f);
    }
}

/* p as the verdicts write it: "0.31", "0.0079", "1". */
static void vd_p(char *b, size_t n, double p) { snprintf(b, n, "%.2g", p); }

/*
 * The best candidate (the smallest mean of the metric) against each other
 * one, as hyperfine's Summary: "X ran R ± E times faster than Y", R the
 * ratio of the means and E its standard deviation propagated from the two
 * samples' (hyperfine's formula); or for memory "X used R ± E times the
 * peak RSS of Y". A claim needs the U test over the repetitions at p <
 * 0.05; otherwise the line says "not significant (p = ...)".
 */
static void vd_rank(vd_out_t *o, const char *wl, vd_cand_t **c, size_t nc, int metric, const char *what) {
    size_t *ord = malloc(nc * sizeof *ord);
    double *mean = malloc(nc * sizeof *mean);
    if (!ord || !mean) mb_harness_oom("verdicts");
    for (size_t i = 0; i < nc; i++) {
        const double *v = metric == 0 ? c[i]->real : metric == 1 ? c[i]->cpu : metric == 2 ? c[i]->rss : c[i]->live;
        mean[i] = vd_mean(v, c[i]->n);
        ord[i] = i;
    }
    for (size_t i = 1; i < nc; i++)       /* by mean, ties in report order */
        for (size_t j = i; j && mean[ord[j - 1]] > mean[ord[j]]; j--) {
            size_t t = ord[j]; ord[j] = ord[j - 1]; ord[j - 1] = t;
        }
    const vd_cand_t *best = c[ord[0]];
    const double *bv = metric == 0 ? best->real : metric == 1 ? best->cpu : metric == 2 ? best->rss : best->live;
    double bm = mean[ord[0]], bsd = vd_sd(bv, best->n);
    for (size_t k = 1; k < nc; k++) {
        const vd_cand_t *y = c[ord[k]];
        const double *yv = metric == 0 ? y->real : metric == 1 ? y->cpu : metric == 2 ? y->rss : y->live;
        if (best->n < 2 || y->n < 2) {
            vd_line(o, "%s: %s: %s vs %s: too few repetitions to judge (%zu and %zu; the U test needs 2 a side)", wl,
                    what, best->name, y->name, best->n, y->n);
            o->few = true;
            continue;
        }
        double p = mb_utest_p(bv, best->n, yv, y->n, NULL, NULL);
        char ps[32];
        vd_p(ps, sizeof ps, p);
        double ym = mean[ord[k]], ysd = vd_sd(yv, y->n);
        /* With ties (peak RSS in whole pages) the normal approximation can
         * give p below what the exact test could ever reach at these
         * sizes (0.1 at 3 against 3): no claim the exact test forbids. */
        if (!(p < MB_VERDICT_ALPHA) || vd_min_p(best->n, y->n) >= MB_VERDICT_ALPHA || !(bm > 0) || !(ym > 0)) {
            vd_line(o, "%s: %s: %s vs %s: not significant (p = %s)", wl, what, best->name, y->name, ps);
            if (vd_min_p(best->n, y->n) >= MB_VERDICT_ALPHA) o->powerless = true;
            continue;
        }
        if (metric <= 1) {
            double r = ym / bm, e = r * sqrt((bsd / bm) * (bsd / bm) + (ysd / ym) * (ysd / ym));
            vd_line(o, "%s: %s ran %.2f ± %.2f times faster than %s (%s, p = %s)", wl, best->name, r, e, y->name, what, ps);
        } else {
            double r = bm / ym, e = r * sqrt((bsd / bm) * (bsd / bm) + (ysd / ym) * (ysd / ym));
            vd_line(o, "%s: %s used %.2f ± %.2f times the %s of %s (p = %s)", wl, best->name, r, e, what, y->name, ps);
        }
    }
    free(ord);
    free(mean);
}

/* Leaked objects, exact: every candidate, fewest first (ties in report order). */
static void vd_leaks(vd_out_t *o, const char *wl, vd_cand_t **c, size_t nc) {
    size_t *ord = malloc(nc * sizeof *ord);
    double *med = malloc(nc * sizeof *med);
    if (!ord || !med) mb_harness_oom("verdicts");
    size_t k = 0;
    for (size_t i = 0; i < nc; i++)
        if (c[i]->counters) {
            med[i] = mb_aggregate(MB_AGG_MEDIAN, c[i]->leaked, c[i]->n);
            ord[k++] = i;
        }
    if (k >= 2) {
        for (size_t i = 1; i < k; i++)
            for (size_t j = i; j && med[ord[j - 1]] > med[ord[j]]; j--) {
                size_t t = ord[j]; ord[j] = ord[j - 1]; ord[j - 1] = t;
            }
        char buf[900];
        size_t l = 0;
        for (size_t i = 0; i < k && l < sizeof buf; i++)
            l += (size_t)snprintf(buf + l, sizeof buf - l, "%s%s %.0f", i ? ", " : "", c[ord[i]]->name, med[ord[i]]);
        vd_line(o, "%s: leaks: %s", wl, buf);
    }
    free(ord);
    free(med);
}

/*
 * Candidates are the families of one workload at one size (label). The two
 * interning settings of a strategy are two candidates, named "rc (interning
 * on)" and "rc (interning off)" when the workload has both, so one ranking
 * covers every choice a user could make (interning is one of them, and its
 * cost is what a reader wants to see next to the strategies'); with one
 * setting only, the strategy's name alone.
 */
/* The candidates of the suite: each family named <workload>/<strategy>/interning:<on|off>
 * with an error-free measured repetition, its samples in store (5 per entry). Returns their count. */
static size_t vd_candidates(const mb_suite_t *s, vd_cand_t *cand, double *store) {
    size_t k = 0;
    double *p = store;
    for (size_t i = 0; i < s->n;) {
        size_t end = mb_family_end(s, i);
        vd_cand_t *c = &cand[k];
        if (vd_parse(s->v[i].name, c)) {
            snprintf(c->label, sizeof c->label, "%s", s->v[i].label);
            c->real = p; c->cpu = p + (end - i); c->leaked = p + 2 * (end - i);
            c->rss = p + 3 * (end - i); c->live = p + 4 * (end - i);
            p += 5 * (end - i);
            c->counters = true;
            for (size_t j = i; j < end; j++) {
                const mb_entry_t *e = &s->v[j];
                if (!e->measured || e->error || e->aggregate) continue;  /* aggregates are not samples */
                c->real[c->n] = mb_entry_real_ns(e);
                c->cpu[c->n] = mb_entry_cpu_ns(e);
                c->leaked[c->n] = (double)e->res.stats.leaked_objects;
                c->rss[c->n] = (double)e->res.peak_rss_bytes;
                c->live[c->n] = (double)e->res.stats.peak_live_bytes;
                c->counters &= e->counters;
                c->n++;
            }
            if (c->n) k++;
        }
        i = end;
    }
    return k;
}

/* The verdicts of one group: the candidates in grp[ng], of workload wl. */
static void vd_group(vd_out_t *o, const char *wl, vd_cand_t **grp, size_t ng) {
    size_t most = 0;
    bool rss = true;
    for (size_t j = 0; j < ng; j++) {
        if (grp[j]->n > most) most = grp[j]->n;
        for (size_t r = 0; r < grp[j]->n; r++) rss &= grp[j]->rss[r] > 0;
        rss &= grp[j]->counters;
    }
    if (most < 2) {
        vd_line(o, "%s: too few repetitions to judge times or memory (1 each; the U test needs 2 a side)", wl);
        o->few = true;
    } else {
        vd_rank(o, wl, grp, ng, 0, "wall time");
        vd_rank(o, wl, grp, ng, 1, "CPU time");
    }
    vd_leaks(o, wl, grp, ng);
    if (most >= 2) {
        bool counters = true;
        for (size_t j = 0; j < ng; j++) counters &= grp[j]->counters;
        if (counters) vd_rank(o, wl, grp, ng, rss ? 2 : 3, rss ? "peak RSS" : "peak live bytes");
    }
}

/* The group of candidate g: every not yet judged candidate of its workload
 * and size, named, into grp; returns their count, and the workload's name
 * (with its size when the workload ran at more than one) in wl. */
static size_t vd_gather(vd_cand_t *cand, size_t k, size_t g, bool *done, vd_cand_t **grp, char *wl, size_t wln) {
    size_t ng = 0;
    bool on = false, off = false, other_size = false;
    for (size_t j = g; j < k; j++) {
        if (strcmp(cand[j].workload, cand[g].workload)) continue;
        if (strcmp(cand[j].label, cand[g].label)) { other_size |= !done[j]; continue; }
        done[j] = true;
        grp[ng++] = &cand[j];
        if (cand[j].interning) on = true;
        else off = true;
    }
    for (size_t j = 0; j < g; j++)
        other_size |= !strcmp(cand[j].workload, cand[g].workload) && strcmp(cand[j].label, cand[g].label);
    for (size_t j = 0; j < ng; j++) {
        if (on && off) snprintf(grp[j]->name, sizeof grp[j]->name, "%s (interning %s)", grp[j]->strategy,
                                grp[j]->interning ? "on" : "off");
        else snprintf(grp[j]->name, sizeof grp[j]->name, "%s", grp[j]->strategy);
    }
    if (other_size && cand[g].label[0]) snprintf(wl, wln, "%s %s", cand[g].workload, cand[g].label);
    else snprintf(wl, wln, "%s", cand[g].workload);
    return ng;
}

void mb_report_verdicts(FILE *out, const mb_suite_t *s, bool md) {
    size_t nf = 0;
    for (size_t i = 0; i < s->n; i = mb_family_end(s, i)) nf++;
    vd_cand_t *cand = calloc(nf ? nf : 1, sizeof *cand);
    double *store = calloc(s->n ? 5 * s->n : 1, sizeof *store);
    bool *done = calloc(nf ? nf : 1, sizeof *done);
    vd_cand_t **grp = calloc(nf ? nf : 1, sizeof *grp);
    if (!cand || !store || !done || !grp) mb_harness_oom("verdicts");
    size_t k = vd_candidates(s, cand, store);
    vd_out_t o = {.f = out, .md = md};
    for (size_t g = 0; g < k; g++) {
        if (done[g]) continue;
        char wl[200];
        size_t ng = vd_gather(cand, k, g, done, grp, wl, sizeof wl);
        if (ng >= 2) vd_group(&o, wl, grp, ng);
    }
    size_t need = 2;                    /* the fewest repetitions a side that can reach p < alpha */
    while (vd_min_p(need, need) >= MB_VERDICT_ALPHA) need++;
    if (o.few || o.powerless)
        fprintf(out, "%s(%s: use -r %zu or more to judge differences)\n", md ? "\n" : "",
                o.few ? "too few repetitions" : "with this few repetitions the U test cannot reach p < 0.05", need);
    if (o.lines)
        fprintf(out, "%s(ratios: the means of the repetitions, ± the standard deviation propagated from both, as "
                "hyperfine; p: two-sided Mann-Whitney U test over the repetitions, a claim only if p < %g)\n",
                md ? "\n" : "", MB_VERDICT_ALPHA);
    free(cand);
    free(store);
    free(done);
    free(grp);
}
