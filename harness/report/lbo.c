/* lbo.c: lower-bound overhead of each strategy on each workload (lbo.h), and its table in the console and Markdown reports. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness/report/lbo.h"
#include "harness/report/report.h"
#include "harness/run/twins.h"

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, size_t n) {
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Medians over a family's measured repetitions: c[0] wall, c[1] cpu,
 * c[2] distilled wall, c[3] distilled cpu (ns). False if none counts. */
static bool family_costs(const mb_suite_t *s, size_t first, size_t end, double c[4]) {
    size_t n = 0, cap = end - first;
    double *v = malloc(4 * cap * sizeof *v);
    if (!v) mb_harness_oom("LBO");
    for (size_t k = first; k < end; k++) {
        const mb_entry_t *e = &s->v[k];
        if (e->error || !e->measured || !e->counters || e->aggregate) continue;
        double mm = (double)e->res.stats.gc_time_ns + (double)e->res.stats.cascade_time_ns;
        double w = mb_entry_real_ns(e), u = mb_entry_cpu_ns(e);
        double mm_cpu = w > 0 ? mm * u / w : mm;     /* wall time measured: its CPU share is the run's */
        v[n] = w, v[cap + n] = u, v[2 * cap + n] = w > mm ? w - mm : 0, v[3 * cap + n] = u > mm_cpu ? u - mm_cpu : 0;
        n++;
    }
    for (int j = 0; n && j < 4; j++) c[j] = median(v + j * cap, n);
    free(v);
    return n > 0;
}

/* Split "<workload>/<strategy>/interning:<x>" into row key and strategy. */
static bool split_name(const char *name, char row[96], char strat[64]) {
    const char *a = strchr(name, '/'), *b = strrchr(name, '/');
    if (!a || a == b) return false;
    snprintf(row, 96, "%.*s%s", (int)(a - name), name, b);
    snprintf(strat, 64, "%.*s", (int)(b - a - 1), a + 1);
    return strcmp(strat, mb_twin_explicit.name) != 0 && strcmp(strat, mb_twin_bdwgc.name) != 0;
}

/* The index of name among n names of `width` bytes each from base, or SIZE_MAX. */
static size_t index_of(const char *base, size_t n, const char *name, size_t width) {
    for (size_t i = 0; i < n; i++)
        if (!strncmp(base + i * width, name, width)) return i;
    return SIZE_MAX;
}

/* Row and column of the case called name (added when new); false for a twin or an odd name. */
static bool place(mb_lbo_t *t, const char *name, size_t *r, size_t *k) {
    char row[96], strat[64];
    if (!split_name(name, row, strat)) return false;
    *r = index_of(t->row[0], t->nrows, row, sizeof *t->row);
    if (*r == SIZE_MAX) memcpy(t->row[*r = t->nrows++], row, sizeof row);
    *k = index_of(t->col[0], t->ncols, strat, sizeof *t->col);
    if (*k == SIZE_MAX) memcpy(t->col[*k = t->ncols++], strat, sizeof strat);
    return true;
}

static void *lbo_alloc(size_t n, size_t size) {
    void *p = calloc(n ? n : 1, size);
    if (!p) mb_harness_oom("LBO");
    return p;
}

void mb_lbo_compute(const mb_suite_t *s, mb_lbo_t *t) {
    memset(t, 0, sizeof *t);
    t->row = lbo_alloc(s->n, sizeof *t->row);
    t->col = lbo_alloc(s->n, sizeof *t->col);
    size_t r, k;
    for (size_t i = 0; i < s->n; i = mb_family_end(s, i)) place(t, s->v[i].name, &r, &k);
    size_t nc = t->ncols, cells = t->nrows * nc;
    double *cost = lbo_alloc(4 * cells, sizeof *cost);
    for (size_t i = 0; i < 4 * cells; i++) cost[i] = NAN;
    for (size_t i = 0; i < s->n; i = mb_family_end(s, i)) {
        double c[4];
        if (place(t, s->v[i].name, &r, &k) && family_costs(s, i, mb_family_end(s, i), c))
            memcpy(&cost[4 * (r * nc + k)], c, sizeof c);
    }
    t->wall = lbo_alloc(cells, sizeof *t->wall);
    t->cpu = lbo_alloc(cells, sizeof *t->cpu);
    t->mdc_wall = lbo_alloc(t->nrows, sizeof *t->mdc_wall);
    t->mdc_cpu = lbo_alloc(t->nrows, sizeof *t->mdc_cpu);
    for (r = 0; r < t->nrows; r++) {
        double mw = INFINITY, mc = INFINITY;
        for (k = 0; k < nc; k++) {
            const double *c = &cost[4 * (r * nc + k)];
            if (!isnan(c[0])) mw = fmin(mw, c[2]), mc = fmin(mc, c[3]);
        }
        t->mdc_wall[r] = mw, t->mdc_cpu[r] = mc;
        for (k = 0; k < nc; k++) {
            const double *c = &cost[4 * (r * nc + k)];
            t->wall[r * nc + k] = isnan(c[0]) || !(mw > 0) || isinf(mw) ? NAN : (c[0] - mw) / mw;
            t->cpu[r * nc + k] = isnan(c[0]) || !(mc > 0) || isinf(mc) ? NAN : (c[1] - mc) / mc;
        }
    }
    free(cost);
}

void mb_lbo_free(mb_lbo_t *t) {
    free(t->row), free(t->col), free(t->wall), free(t->cpu), free(t->mdc_wall), free(t->mdc_cpu);
    memset(t, 0, sizeof *t);
}

double mb_lbo_geomean(const mb_lbo_t *t, size_t col, bool cpu) {
    double sum = 0;
    size_t n = 0;
    for (size_t r = 0; r < t->nrows; r++) {
        double v = (cpu ? t->cpu : t->wall)[r * t->ncols + col];
        if (isnan(v) || v <= -1) continue;
        sum += log1p(v), n++;
    }
    return n ? expm1(sum / (double)n) : NAN;
}

static void cell(char *b, size_t n, double wall, double cpu) {
    if (isnan(wall) || isnan(cpu)) snprintf(b, n, "-");
    else snprintf(b, n, "%.0f%%/%.0f%%", 100 * wall, 100 * cpu);
}

/* The table as the console shows it; in Markdown, the same inside a fenced
 * block (a report's tables of '|' rows are the summary's alone). */
void mb_report_lbo(FILE *out, const mb_suite_t *s, bool markdown) {
    mb_lbo_t t;
    mb_lbo_compute(s, &t);
    if (t.ncols < 2) {
        mb_lbo_free(&t);
        return;
    }
    fprintf(out, "\n%s (LBO, Cai et al., ISPASS 2022): (total - MDC) / MDC, wall time/CPU time; MDC = the least "
                 "distilled cost (total minus collection, reconciliation and cascade time) of any strategy on the "
                 "workload\n%s", markdown ? "**Lower-bound overhead**" : "lower-bound overhead", markdown ? "\n```\n" : "");
    fprintf(out, "%-44s", "workload");
    for (size_t k = 0; k < t.ncols; k++) fprintf(out, " %13s", t.col[k]);
    fputc('\n', out);
    char b[32];
    for (size_t r = 0; r <= t.nrows; r++) {
        fprintf(out, "%-44s", r < t.nrows ? t.row[r] : "geometric mean");
        for (size_t k = 0; k < t.ncols; k++) {
            if (r < t.nrows) cell(b, sizeof b, t.wall[r * t.ncols + k], t.cpu[r * t.ncols + k]);
            else cell(b, sizeof b, mb_lbo_geomean(&t, k, false), mb_lbo_geomean(&t, k, true));
            fprintf(out, " %13s", b);
        }
        fputc('\n', out);
    }
    if (markdown) fputs("```\n", out);
    mb_lbo_free(&t);
}
