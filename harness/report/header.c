/* header.c: the header of the console and Markdown reports: the machine, the build, the shards, and warnings of noise. */
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "harness/report/report.h"

/* ------------------------------------------------------------------------ */
/* The header of the console and Markdown reports: the machine and the build
 * the numbers come from, and warnings about conditions that make them noisy. */

/* Wall-time cv above this in a case is noise worth a warning: on an idle
 * machine our cases repeat within 1-3%; 5% is where differences between
 * strategies of a few percent stop meaning anything. */
#define MB_CV_WARN 0.05

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
    mb_line_text(out, md, line);
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

/* Where each strategy's objects came from, so a row's peak RSS can be read: the --allocator choice for
 * the strategies without a heap of their own, their own heap for the others (attribute own-heap). */
static void objects_line(FILE *out, const mb_suite_t *s, bool md) {
    const char *alloc = s->allocator;
    if (s->context) alloc = json_string_value(json_object_get(s->context, "allocator"));
    char from[2][512] = {"", ""};
    size_t len[2] = {0, 0};
    for (size_t i = 0; i < s->n; i++) {
        const mb_strategy_t *st = s->v[i].c.strategy;
        bool first = true;
        for (size_t k = 0; k < i && first; k++) first = s->v[k].c.strategy != st;
        if (!st || !first) continue;
        int own = (st->attrs & MB_ATTR_OWN_HEAP) != 0;
        if (len[own] < sizeof from[own])
            len[own] += (size_t)snprintf(from[own] + len[own], sizeof from[own] - len[own], "%s%s",
                                         len[own] ? ", " : "", st->name);
    }
    if (!len[0] && !len[1]) return;
    char line[1200];
    const char *what = !alloc ? "the allocator of the run" : !strcmp(alloc, "own") ? "the suite's size-class heap"
                       : !strcmp(alloc, "jemalloc") ? "jemalloc" : "libc malloc";
    snprintf(line, sizeof line, "%s%s%s%s%s%s", len[0] ? from[0] : "", len[0] ? " from " : "", len[0] ? what : "",
             len[0] && len[1] ? " (--allocator); " : len[0] ? " (--allocator)" : "", from[1],
             len[1] ? " from their own heaps" : "");
    fputs(md ? "**Objects:** " : "objects: ", out);
    mb_line_text(out, md, line);
    fputs(md ? "  \n" : "\n", out);
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
        mb_line_text(out, md, line);
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
        mb_line_text(out, md, line);
        fputs(md ? "  \n" : "\n", out);
    }
    objects_line(out, s, md);
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
        else mb_line_text(out, false, s->v[worst].name);
        fprintf(out, ", %.1f%%): differences that small are noise\n", worst_cv * 100);
    }
    if (md) fputc('\n', out);
}
