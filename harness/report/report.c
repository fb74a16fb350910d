/* report.c: what every reporter shares (formats, human units, family aggregates, summary rows) and `list`. */
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "harness/report/report.h"
#include "harness/stats/mannwhitney.h"

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
    case MB_M_cascade_time_ns: *u = r->stats.cascade_time_ns; return true;
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

void mb_report_list_json(FILE *out) {
    fprintf(out, "{\n  \"strategies\": [");
    for (size_t i = 0; mb_strategies[i]; i++) {
        const mb_strategy_t *s = mb_strategies[i];
        fprintf(out, "%s\n    {\"name\": ", i ? "," : "");
        mb_json_write_str(out, s->name);
        fprintf(out, ", \"description\": ");
        mb_json_write_str(out, s->description);
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
        mb_json_write_str(out, w->name);
        fprintf(out, ", \"description\": ");
        mb_json_write_str(out, w->description);
        fprintf(out, ", \"sizes\": {\"quick\": %" PRIu64 ", \"default\": %" PRIu64 ", \"large\": %" PRIu64 "}}",
                w->size_quick, w->size_default, w->size_large);
    }
    fprintf(out, "\n  ]\n}\n");
}

/* ------------------------------------------------------------------------ */
/* The header of the console and Markdown reports: the machine and the build
 * the numbers come from, and warnings about conditions that make them noisy. */

/* Wall-time cv above this in a case is noise worth a warning: on an idle
 * machine our cases repeat within 1-3%; 5% is where differences between
 * strategies of a few percent stop meaning anything. */
#define MB_CV_WARN 0.05

/* Text from a file (a host or case name) on one line: Markdown escaped, control characters as spaces. */
static void hdr_text(FILE *out, bool md, const char *t) {
    if (md) {
        mb_md_text(out, t);
        return;
    }
    for (; *t; t++) fputc((unsigned char)*t < 0x20 || *t == 0x7f ? ' ' : *t, out);
}

/* A merged file (membench merge): which hosts ran which shards, and that
 * times are compared only within a shard (a workload's strategies all ran on
 * one host; the verdicts compare strategies of one workload). */
static void shards_line(FILE *out, const mb_suite_t *s, bool md) {
    const json_t *sh = s->context ? json_object_get(s->context, "shards") : NULL;
    if (!json_is_array(sh) || !json_array_size(sh)) return;
    char line[1024];
    size_t l = 0;
    const json_t *cnt = json_object_get(s->context, "shard_count");
    l += (size_t)snprintf(line, sizeof line, "%zu of %lld shards merged:", json_array_size(sh),
                          json_is_integer(cnt) ? (long long)json_integer_value(cnt) : (long long)json_array_size(sh));
    size_t i;
    const json_t *e;
    json_array_foreach(sh, i, e) {
        const json_t *h = json_object_get(e, "host_name"), *ix = json_object_get(e, "index");
        if (l < sizeof line)
            l += (size_t)snprintf(line + l, sizeof line - l, "%s shard %lld on %s", i ? "," : "",
                                  (long long)json_integer_value(ix), json_is_string(h) ? json_string_value(h) : "?");
    }
    fputs(md ? "**Shards:** " : "shards: ", out);
    hdr_text(out, md, line);
    fputs(md ? "; times from different hosts are compared only within a shard (each workload ran whole on one host)  \n"
             : "; times from different hosts are compared only within a shard (each workload ran whole on one host)\n", out);
}

void mb_incomplete_words(const mb_suite_t *s, char *buf, size_t n) {
    const json_t *miss = s->context ? json_object_get(s->context, "shards_missing") : NULL;
    const json_t *cnt = s->context ? json_object_get(s->context, "shard_count") : NULL;
    if (json_is_array(miss) && json_array_size(miss)) {
        size_t l = (size_t)snprintf(buf, n, "shard%s", json_array_size(miss) > 1 ? "s" : "");
        size_t i;
        const json_t *e;
        json_array_foreach(miss, i, e)
            if (l < n) l += (size_t)snprintf(buf + l, n - l, "%s %lld/%lld", i ? "," : "", (long long)json_integer_value(e),
                                             (long long)json_integer_value(cnt));
        if (l < n) snprintf(buf + l, n - l, " missing (merged with --allow-partial)");
        return;
    }
    snprintf(buf, n, "interrupted by SIG%s after %zu of %zu runs",
             sigabbrev_np(s->interrupted) ? sigabbrev_np(s->interrupted) : "?", s->n, s->planned);
}

void mb_report_header(FILE *out, const mb_suite_t *s, const mb_context_t *run_ctx, bool md) {
    mb_context_t file_ctx;
    const mb_context_t *c = run_ctx;
    if (s->context) {                   /* a file read back: its own machine, not this one */
        mb_context_from_json(&file_ctx, s->context);
        c = &file_ctx;
    }
    if (!c) return;
    char line[1024];
    size_t l = 0;
#define ADD(...) do { if (l < sizeof line) l += (size_t)snprintf(line + l, sizeof line - l, __VA_ARGS__); } while (0)
    if (c->host_name[0]) ADD("host %s", c->host_name);
    if (c->num_cpus) ADD("%s%d CPUs", l ? ", " : "", c->num_cpus);
    if (c->cpu_model[0]) ADD("%s%s", l ? ", " : "", c->cpu_model);
    if (c->mhz_per_cpu > 0) ADD("%s%.0f MHz", l ? ", " : "", c->mhz_per_cpu);
    if (c->have_load) ADD("%sload average %.2f %.2f %.2f", l ? ", " : "", c->load_avg[0], c->load_avg[1], c->load_avg[2]);
    if (l) {
        fputs(md ? "**Machine:** " : "machine: ", out);
        hdr_text(out, md, line);
        fputs(md ? "  \n" : "\n", out);
    }
    l = 0;
    if (c->compiler[0]) ADD("%s", c->compiler);
    if (c->kernel[0]) ADD("%skernel %s", l ? ", " : "", c->kernel);
    if (c->bdwgc_version[0]) ADD("%sbdwgc %s", l ? ", " : "", c->bdwgc_version);
    if (c->jemalloc_version[0]) ADD("%sjemalloc %s", l ? ", " : "", c->jemalloc_version);
#undef ADD
    if (l) {
        fputs(md ? "**Build:** " : "build: ", out);
        hdr_text(out, md, line);
        fputc('\n', out);
    }
    shards_line(out, s, md);
    const char *warn = md ? "\n> **Warning:** " : "warning: ";
    if (c->have_load && c->num_cpus > 0 && c->load_avg[0] > c->num_cpus)
        fprintf(out, "%sthe 1-minute load average %.2f exceeds the %d CPUs: other processes competed with the "
                "cases, so times are inflated and noisy\n", warn, c->load_avg[0], c->num_cpus);
    size_t noisy = 0, cases = 0, worst = 0;
    double worst_cv = 0;
    for (size_t i = 0; i < s->n;) {
        size_t end = mb_family_end(s, i);
        mb_agg_row_t cv;
        if (mb_family_agg(s, i, end, MB_AGG_CV, &cv)) {
            cases++;
            if (cv.real_ns > MB_CV_WARN) {
                noisy++;
                if (cv.real_ns > worst_cv) { worst_cv = cv.real_ns; worst = i; }
            }
        }
        i = end;
    }
    if (noisy) {
        fprintf(out, "%sthe wall time of %zu of %zu cases varies by more than %.0f%% (cv; worst ", warn, noisy, cases,
                MB_CV_WARN * 100);
        if (md) mb_md_code(out, s->v[worst].name);
        else hdr_text(out, false, s->v[worst].name);
        fprintf(out, ", %.1f%%): differences that small are noise\n", worst_cv * 100);
    }
    if (md) fputc('\n', out);
}

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
        hdr_text(o->f, false, buf);
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
void mb_report_verdicts(FILE *out, const mb_suite_t *s, bool md) {
    size_t nf = 0;
    for (size_t i = 0; i < s->n; i = mb_family_end(s, i)) nf++;
    vd_cand_t *cand = calloc(nf ? nf : 1, sizeof *cand);
    double *store = calloc(s->n ? 5 * s->n : 1, sizeof *store);
    bool *done = calloc(nf ? nf : 1, sizeof *done);
    vd_cand_t **grp = calloc(nf ? nf : 1, sizeof *grp);
    if (!cand || !store || !done || !grp) mb_harness_oom("verdicts");
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
    vd_out_t o = {.f = out, .md = md};
    for (size_t g = 0; g < k; g++) {
        if (done[g]) continue;
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
        if (ng < 2) continue;
        for (size_t j = 0; j < ng; j++) {
            if (on && off) snprintf(grp[j]->name, sizeof grp[j]->name, "%s (interning %s)", grp[j]->strategy,
                                    grp[j]->interning ? "on" : "off");
            else snprintf(grp[j]->name, sizeof grp[j]->name, "%s", grp[j]->strategy);
        }
        char wl[200];
        if (other_size && cand[g].label[0]) snprintf(wl, sizeof wl, "%s %s", cand[g].workload, cand[g].label);
        else snprintf(wl, sizeof wl, "%s", cand[g].workload);
        size_t most = 0;
        bool rss = true;
        for (size_t j = 0; j < ng; j++) {
            if (grp[j]->n > most) most = grp[j]->n;
            for (size_t r = 0; r < grp[j]->n; r++) rss &= grp[j]->rss[r] > 0;
            rss &= grp[j]->counters;
        }
        if (most < 2) {
            vd_line(&o, "%s: too few repetitions to judge times or memory (1 each; the U test needs 2 a side)", wl);
            o.few = true;
        } else {
            vd_rank(&o, wl, grp, ng, 0, "wall time");
            vd_rank(&o, wl, grp, ng, 1, "CPU time");
        }
        vd_leaks(&o, wl, grp, ng);
        if (most >= 2) {
            bool counters = true;
            for (size_t j = 0; j < ng; j++) counters &= grp[j]->counters;
            if (counters) vd_rank(&o, wl, grp, ng, rss ? 2 : 3, rss ? "peak RSS" : "peak live bytes");
        }
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
