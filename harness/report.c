/* report.c: what every reporter shares (formats, human units, family aggregates, summary rows) and `list`. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

void mb_harness_oom(const char *what) {
    fprintf(stderr, "membench: out of memory (%s)\n", what);
    exit(2);
}

static void md_chars(FILE *out, const char *s) {
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '|') fputs("\\|", out);
        else if (c < 0x20 || c == 0x7f) fputc(' ', out);
        else fputc(c, out);
    }
}

void mb_md_text(FILE *out, const char *s) {
    for (; *s; s++) {                   /* plain text: a backtick would open a code span */
        unsigned char c = (unsigned char)*s;
        if (c == '\\' || c == '`') { fputc('\\', out); fputc(c, out); }
        else if (c == '|') fputs("\\|", out);
        else if (c < 0x20 || c == 0x7f) fputc(' ', out);
        else fputc(c, out);
    }
}

void mb_md_code(FILE *out, const char *s) {
    size_t longest = 0, run = 0;
    for (const char *p = s; *p; p++) {
        run = *p == '`' ? run + 1 : 0;
        if (run > longest) longest = run;
    }
    size_t len = strlen(s);
    bool pad = len && (s[0] == '`' || s[len - 1] == '`' || s[0] == ' ');
    for (size_t i = 0; i <= longest; i++) fputc('`', out);
    if (pad) fputc(' ', out);
    md_chars(out, s);
    if (pad) fputc(' ', out);
    for (size_t i = 0; i <= longest; i++) fputc('`', out);
}

char *mb_fmt_ns(char *buf, size_t n, double ns) {
    if (ns < 1e3) snprintf(buf, n, "%.0f ns", ns);
    else if (ns < 1e6) snprintf(buf, n, "%.2f us", ns / 1e3);
    else if (ns < 1e9) snprintf(buf, n, "%.2f ms", ns / 1e6);
    else snprintf(buf, n, "%.2f s", ns / 1e9);
    return buf;
}

char *mb_fmt_bytes(char *buf, size_t n, double b) {
    if (b < 1024) snprintf(buf, n, "%.0f B", b);
    else if (b < 1024.0 * 1024) snprintf(buf, n, "%.1f KiB", b / 1024);
    else if (b < 1024.0 * 1024 * 1024) snprintf(buf, n, "%.1f MiB", b / (1024.0 * 1024));
    else snprintf(buf, n, "%.2f GiB", b / (1024.0 * 1024 * 1024));
    return buf;
}

char *mb_fmt_count(char *buf, size_t n, double v) {
    if (v < 1e4) snprintf(buf, n, "%.0f", v);
    else if (v < 1e6) snprintf(buf, n, "%.1fk", v / 1e3);
    else if (v < 1e9) snprintf(buf, n, "%.2fM", v / 1e6);
    else snprintf(buf, n, "%.2fG", v / 1e9);
    return buf;
}

const char *const mb_metric_names[MB_NMETRICS] = {
#define MB_METRIC_NAME(name, expr) #name,
    MB_METRICS(MB_METRIC_NAME)
#undef MB_METRIC_NAME
};

void mb_metrics_of(const mb_result_t *r, double *v) {
    size_t i = 0;
#define MB_METRIC_VAL(name, expr) v[i++] = (expr);
    MB_METRICS(MB_METRIC_VAL)
#undef MB_METRIC_VAL
}

bool mb_metric_u64(const mb_result_t *r, size_t j, uint64_t *u) {
    switch (j) {
    case MB_M_objects_allocated: *u = r->stats.objects_allocated; return true;
    case MB_M_objects_freed: *u = r->stats.objects_freed; return true;
    case MB_M_leaked_objects: *u = r->stats.leaked_objects; return true;
    case MB_M_leaked_bytes: *u = r->stats.leaked_bytes; return true;
    case MB_M_uncollectable_objects: *u = r->stats.uncollectable_objects; return true;
    case MB_M_peak_live_bytes: *u = r->stats.peak_live_bytes; return true;
    case MB_M_peak_rss_bytes: *u = r->peak_rss_bytes; return true;
    case MB_M_collections: *u = r->stats.collections; return true;
    case MB_M_gc_time_ns: *u = r->stats.gc_time_ns; return true;
    case MB_M_pause_p50_ns: *u = r->pause_p50_ns; return true;
    case MB_M_pause_p99_ns: *u = r->pause_p99_ns; return true;
    case MB_M_pause_max_ns: *u = r->pause_max_ns; return true;
    case MB_M_checksum: *u = r->checksum; return true;
    default: return false;
    }
}

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
    case MB_FMT_MARKDOWN: mb_report_markdown(out, s); break;
    case MB_FMT_BMF: mb_report_bmf(out, s); break;
    default: mb_report_console(out, s); break;
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
    "peak live", "peak RSS", "colls", "gc time", "pause p50", "pause p99", "pause max", "checksum"};

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
            mb_fmt_ns(c, 64, v); break;
        case MB_M_checksum: case MB_M_collections: snprintf(c, 64, "%.0f", v); break;
        default: mb_fmt_count(c, 64, v); break;
        }
    }
    return true;
}

static void attrs_text(unsigned a, char *buf, size_t n) {
    size_t l = 0;
    buf[0] = '\0';
    for (const mb_attr_info_t *ai = mb_attr_info; ai->name; ai++)
        if ((a & ai->bit) && l < n) l += (size_t)snprintf(buf + l, n - l, "%s%s", l ? " " : "", ai->name);
    if (!l) snprintf(buf, n, "-");
}

void mb_report_list_console(FILE *out) {
    fprintf(out, "Strategies:\n  %-12s %-61s %9s  %s\n", "name", "attributes", "overhead", "description");
    for (size_t i = 0; mb_strategies[i]; i++) {
        const mb_strategy_t *s = mb_strategies[i];
        char a[128];
        attrs_text(s->attrs, a, sizeof a);
        fprintf(out, "  %-12s %-61s %7zu B  %s\n", s->name, a, sizeof(mb_obj_t) + s->side_bytes, s->description);
    }
    fprintf(out, "\nWorkloads:\n  %-18s %10s %10s %10s  %s\n", "name", "quick", "default", "large", "description");
    for (size_t i = 0; mb_workloads[i]; i++) {
        const mb_workload_t *w = mb_workloads[i];
        fprintf(out, "  %-18s %10" PRIu64 " %10" PRIu64 " %10" PRIu64 "  %s\n", w->name, w->size_quick,
                w->size_default, w->size_large, w->description);
    }
}

/* JSON string: the names and descriptions are ours, but escape anyway. */
static void json_str(FILE *out, const char *s) {
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') fprintf(out, "\\%c", *s);
        else if ((unsigned char)*s < 0x20) fprintf(out, "\\u%04x", *s);
        else fputc(*s, out);
    }
    fputc('"', out);
}

void mb_report_list_json(FILE *out) {
    fprintf(out, "{\n  \"strategies\": [");
    for (size_t i = 0; mb_strategies[i]; i++) {
        const mb_strategy_t *s = mb_strategies[i];
        fprintf(out, "%s\n    {\"name\": ", i ? "," : "");
        json_str(out, s->name);
        fprintf(out, ", \"description\": ");
        json_str(out, s->description);
        fprintf(out, ", \"attributes\": [");
        int first = 1;
        for (const mb_attr_info_t *ai = mb_attr_info; ai->name; ai++)
            if (s->attrs & ai->bit) {
                fprintf(out, "%s\"%s\"", first ? "" : ", ", ai->name);
                first = 0;
            }
        fprintf(out, "], \"overhead_bytes\": %zu}", sizeof(mb_obj_t) + s->side_bytes);
    }
    fprintf(out, "\n  ],\n  \"workloads\": [");
    for (size_t i = 0; mb_workloads[i]; i++) {
        const mb_workload_t *w = mb_workloads[i];
        fprintf(out, "%s\n    {\"name\": ", i ? "," : "");
        json_str(out, w->name);
        fprintf(out, ", \"description\": ");
        json_str(out, w->description);
        fprintf(out, ", \"sizes\": {\"quick\": %" PRIu64 ", \"default\": %" PRIu64 ", \"large\": %" PRIu64 "}}",
                w->size_quick, w->size_default, w->size_large);
    }
    fprintf(out, "\n  ]\n}\n");
}
