/* report.c: what every reporter shares: the formats, family aggregates, summary rows. */
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "harness/report/report.h"

int mb_format_parse(const char *s, mb_format_t *f) {
    static const char *const names[] = {"console", "json", "csv", "markdown", "bmf"};
    for (int i = 0; i < 5; i++)
        if (!strcmp(s, names[i])) {
            *f = (mb_format_t)i;
            return 0;
        }
    return -1;
}

void mb_report_suite(FILE *out, mb_format_t f, const mb_suite_t *s, const mb_context_t *ctx) {
    switch (f) {
    case MB_FMT_JSON: mb_report_json(out, s, ctx); break;
    case MB_FMT_CSV: mb_report_csv(out, s); break;
    case MB_FMT_MARKDOWN: mb_report_markdown(out, s, ctx); break;
    case MB_FMT_BMF: mb_report_bmf(out, s); break;
    default: mb_report_console(out, s, ctx); break;
    }
}

size_t mb_family_end(const mb_suite_t *s, size_t first) {
    size_t e = first + 1;
    while (e < s->n && s->v[e].family == s->v[first].family) e++;
    return e;
}

/* A family read from an aggregates-only file: its aggregate `which`, as read. */
static bool read_agg(const mb_suite_t *s, size_t first, size_t end, mb_agg_t which, mb_agg_row_t *out) {
    for (size_t i = first; i < end; i++) {
        const mb_entry_t *e = &s->v[i];
        if (!e->aggregate || e->agg != which) continue;
        out->runs = e->iterations ? e->iterations : e->repetitions;
        out->real_ns = mb_entry_real_ns(e);
        out->cpu_ns = mb_entry_cpu_ns(e);
        memcpy(out->m, e->agg_m, sizeof out->m);
        out->je = mb_entry_je(e);
        out->max_bytes_used = e->agg_je[0];
        out->total_allocated_bytes = e->agg_je[1];
        return true;
    }
    return false;
}

bool mb_family_read_as_aggregates(const mb_suite_t *s, size_t first, size_t end) {
    for (size_t i = first; i < end; i++)
        if (s->v[i].aggregate) return true;
    return false;
}

const mb_entry_t *mb_family_head(const mb_suite_t *s, size_t first, size_t end) {
    for (size_t i = first; i < end; i++)
        if (s->v[i].aggregate) return &s->v[i];
    return &s->v[first];
}

bool mb_family_agg(const mb_suite_t *s, size_t first, size_t end, mb_agg_t which, mb_agg_row_t *out) {
    if (mb_family_read_as_aggregates(s, first, end)) return read_agg(s, first, end, which, out);
    size_t n = end - first, k = 0;
    if (n < 2) return false;
    double *rt = calloc(n, sizeof *rt), *ct = calloc(n, sizeof *ct), *mv = calloc(n * MB_NMETRICS, sizeof *mv);
    double *jv = calloc(2 * n, sizeof *jv);
    if (!rt || !ct || !mv || !jv) mb_harness_oom("aggregates");
    bool je = true;
    for (size_t i = first; i < end; i++) {
        const mb_entry_t *e = &s->v[i];
        if (!e->measured || e->error) continue;
        rt[k] = mb_entry_real_ns(e);
        ct[k] = mb_entry_cpu_ns(e);
        double m[MB_NMETRICS];
        mb_metrics_of(&e->res, m);
        for (size_t j = 0; j < MB_NMETRICS; j++) mv[j * n + k] = m[j];
        je &= mb_entry_je(e);
        jv[k] = (double)e->res.max_bytes_used;
        jv[n + k] = (double)e->res.total_allocated_bytes;
        k++;
    }
    bool ok = k >= 2;
    if (ok) {
        out->runs = k;
        out->real_ns = mb_aggregate(which, rt, k);
        out->cpu_ns = mb_aggregate(which, ct, k);
        for (size_t j = 0; j < MB_NMETRICS; j++) out->m[j] = mb_aggregate(which, mv + j * n, k);
        out->je = je;
        out->max_bytes_used = je ? mb_aggregate(which, jv, k) : 0;
        out->total_allocated_bytes = je ? mb_aggregate(which, jv + n, k) : 0;
    }
    free(rt);
    free(ct);
    free(mv);
    free(jv);
    return ok;
}

void mb_report_jemalloc_note(FILE *out, const mb_suite_t *s, const char *prefix) {
    if (!s->allocator || strcmp(s->allocator, "jemalloc")) return;
    const mb_strategy_t *seen[64];
    size_t n = 0;
    for (size_t i = 0; i < s->n; i++) {
        const mb_strategy_t *st = s->v[i].c.strategy;
        if (!st || !(st->attrs & MB_ATTR_OWN_HEAP)) continue;
        size_t k = 0;
        while (k < n && seen[k] != st) k++;
        if (k == n && n < 64) seen[n++] = st;
    }
    if (!n) return;
    fprintf(out, "%smax_bytes_used, total_allocated_bytes: n/a for ", prefix);
    for (size_t k = 0; k < n; k++) fprintf(out, "%s%s", k ? ", " : "", seen[k]->name);
    fprintf(out, " (attribute own-heap: objects from the strategy's own heap, which jemalloc does not see)\n");
}

const char *const mb_summary_header[MB_SUM_COLS] = {
    "case", "time", "cpu", "cv", "items/s", "allocated", "freed", "leaked", "leaked B", "uncollect.",
    "peak live", "peak RSS", "colls", "gc time", "cascades", "pause p50", "pause p99", "pause max", "checksum"};

bool mb_summary_cells(const mb_suite_t *s, size_t first, size_t end, char cells[][64]) {
    mb_agg_row_t med, cv;
    const mb_entry_t *one = NULL;
    for (size_t i = first; i < end; i++)
        if (s->v[i].measured && !s->v[i].error) { one = &s->v[i]; break; }
    if (!one) return false;
    bool agg = mb_family_agg(s, first, end, MB_AGG_MEDIAN, &med);
    if (agg) mb_family_agg(s, first, end, MB_AGG_CV, &cv);
    else {
        med.real_ns = mb_entry_real_ns(one);
        med.cpu_ns = mb_entry_cpu_ns(one);
        mb_metrics_of(&one->res, med.m);
    }
    snprintf(cells[0], 64, "%.63s", one->name);
    mb_fmt_ns(cells[1], 64, med.real_ns);
    mb_fmt_ns(cells[2], 64, med.cpu_ns);
    if (agg) snprintf(cells[3], 64, "%.1f%%", cv.real_ns * 100);
    else snprintf(cells[3], 64, "-");
    for (size_t j = 0; j < MB_NMETRICS; j++) {
        char *c = cells[4 + j];
        double v = med.m[j];
        if (!one->counters) { snprintf(c, 64, "-"); continue; }
        switch (j) {
        case MB_M_leaked_bytes: case MB_M_peak_live_bytes: case MB_M_peak_rss_bytes: mb_fmt_bytes(c, 64, v); break;
        case MB_M_gc_time_ns: case MB_M_pause_p50_ns: case MB_M_pause_p99_ns: case MB_M_pause_max_ns:
        case MB_M_cascade_time_ns: mb_fmt_ns(c, 64, v); break;
        case MB_M_checksum: case MB_M_collections: snprintf(c, 64, "%.0f", v); break;
        default: mb_fmt_count(c, 64, v); break;
        }
    }
    return true;
}
