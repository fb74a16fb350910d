/* json.c: the JSON reporter, Google Benchmark 1.7's schema (docs/design.md section 8). */
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness/report/report.h"

/* A JSON number: integers exactly (every counter is below 2^53), others with
 * 17 significant digits (a double round-trips); never NaN or Infinity. */
void mb_json_num_text(char buf[MB_JSON_NUM_LEN], double v) {
    if (!isfinite(v)) v = 0;
    if (v == floor(v) && fabs(v) < 9007199254740992.0) snprintf(buf, MB_JSON_NUM_LEN, "%.0f", v);
    else snprintf(buf, MB_JSON_NUM_LEN, "%.17g", v);
}

static void jnum(FILE *out, double v) {
    char buf[MB_JSON_NUM_LEN];
    mb_json_num_text(buf, v);
    fputs(buf, out);
}

static void kv_str(FILE *out, const char *k, const char *v) {
    fprintf(out, ",\n      \"%s\": ", k);
    mb_json_write_str(out, v);
}
static void kv_num(FILE *out, const char *k, double v) {
    fprintf(out, ",\n      \"%s\": ", k);
    jnum(out, v);
}

/* An exact counter, as the integer it is: readers (jansson, Python) read
 * it back exactly. Values past 2^63 (not a real count) are clamped, as a
 * JSON reader's integer type could not hold them. */
static void kv_u64(FILE *out, const char *k, uint64_t v) {
    fprintf(out, ",\n      \"%s\": %" PRIu64, k, v > (uint64_t)INT64_MAX ? (uint64_t)INT64_MAX : v);
}

/* A file's own context (report, import-hyperfine), written back as it was. */
static void file_context(FILE *out, const json_t *ctx) {
    char *text = json_dumps(ctx, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
    if (!text) mb_harness_oom("the report's context");
    fputs("{\n  \"context\": ", out);
    for (const char *p = text; *p; p++) {
        fputc(*p, out);
        if (*p == '\n') fputs("  ", out);
    }
    free(text);
    fprintf(out, ",\n  \"benchmarks\": [");
}

static void context(FILE *out, const mb_suite_t *s, const mb_context_t *c) {
    if (s->context) {
        file_context(out, s->context);
        return;
    }
    fprintf(out, "{\n  \"context\": {\n    \"date\": ");
    mb_json_write_str(out, c->date);
    fprintf(out, ",\n    \"host_name\": ");
    mb_json_write_str(out, c->host_name);
    fprintf(out, ",\n    \"executable\": ");
    mb_json_write_str(out, s->executable ? s->executable : "membench");
    fprintf(out, ",\n    \"num_cpus\": %d,\n    \"mhz_per_cpu\": %.0f,\n    \"cpu_scaling_enabled\": %s,\n    \"caches\": [",
            c->num_cpus, c->mhz_per_cpu, c->cpu_scaling_enabled ? "true" : "false");
    for (int i = 0; i < c->ncaches; i++)
        fprintf(out, "%s\n      {\n        \"type\": \"%s\",\n        \"level\": %d,\n        \"size\": %lld,\n"
                "        \"num_sharing\": %d\n      }", i ? "," : "", c->caches[i].type, c->caches[i].level,
                c->caches[i].size, c->caches[i].num_sharing);
    fprintf(out, "\n    ],\n    \"load_avg\": [%g,%g,%g],\n", c->load_avg[0], c->load_avg[1], c->load_avg[2]);
#ifdef MB_DEBUG
    fprintf(out, "    \"library_build_type\": \"debug\",\n");
#else
    fprintf(out, "    \"library_build_type\": \"release\",\n");
#endif
    fprintf(out, "    \"membench_version\": ");
    mb_json_write_str(out, mb_version);
    fprintf(out, ",\n    \"git_commit\": ");
    mb_json_write_str(out, mb_git_commit);
    fprintf(out, ",\n    \"allocator\": ");
    mb_json_write_str(out, s->allocator ? s->allocator : "libc");
    fprintf(out, ",\n    \"heap_multiplier\": ");
    jnum(out, mb_heap_multiplier(s->heap_multiplier));
    fprintf(out, ",\n    \"seed\": %llu,\n    \"scale\": ", s->seed);
    mb_json_write_str(out, s->scale ? s->scale : "default");
    if (s->n) {                         /* every case of a run shares its options: the first one's */
        const mb_options_t *o = &s->v[0].c.opt;
        fprintf(out, ",\n    \"finalizers\": ");
        mb_json_write_str(out, o->finalizers == MB_FIN_LEGACY ? "legacy" : "modern");
        fprintf(out, ",\n    \"params\": ");
        mb_json_write_str(out, o->params ? o->params : "");
    }
    fprintf(out, ",\n    \"compiler\": ");
    mb_json_write_str(out, c->compiler);
    fprintf(out, ",\n    \"kernel\": ");
    mb_json_write_str(out, c->kernel);
    fprintf(out, ",\n    \"cpu_model\": ");
    mb_json_write_str(out, c->cpu_model);
    fprintf(out, ",\n    \"bdwgc_version\": ");
    mb_json_write_str(out, c->bdwgc_version);
    fprintf(out, ",\n    \"jemalloc_version\": ");
    mb_json_write_str(out, c->jemalloc_version);
    if (s->options_json)                /* every option of run, given or default, from the table */
        fprintf(out, ",\n    \"options\": %s", s->options_json);
    if (s->shard) {                     /* run --shard I/N: which share of the plan this is */
        char *text = json_dumps(s->shard, JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
        if (!text) mb_harness_oom("the report's context");
        fprintf(out, ",\n    \"shard\": %s", text);
        free(text);
    }
    if (s->interrupted) {               /* only what finished before the signal */
        fprintf(out, ",\n    \"incomplete\": true,\n    \"interrupted_by\": \"SIG%s\",\n"
                "    \"runs_planned\": %zu,\n    \"runs_finished\": %zu",
                sigabbrev_np(s->interrupted) ? sigabbrev_np(s->interrupted) : "?", s->planned, s->n);
    }
    fprintf(out, "\n  },\n  \"benchmarks\": [");
}

/* The fields every entry starts with, up to and including "threads". */
static void head(FILE *out, const mb_entry_t *e, const char *suffix, const char *run_type, bool first) {
    fprintf(out, "%s\n    {\n      \"name\": ", first ? "" : ",");
    char name[200];
    snprintf(name, sizeof name, "%s%s", e->name, suffix);
    mb_json_write_str(out, name);
    fprintf(out, ",\n      \"family_index\": %u,\n      \"per_family_instance_index\": 0", e->family);
    kv_str(out, "run_name", e->name);
    kv_str(out, "run_type", run_type);
    fprintf(out, ",\n      \"repetitions\": %u", e->repetitions);
}

static void iteration(FILE *out, const mb_entry_t *e, bool first) {
    head(out, e, "", "iteration", first);
    fprintf(out, ",\n      \"repetition_index\": %u,\n      \"threads\": 1", e->repetition);
    if (e->error) {
        fprintf(out, ",\n      \"error_occurred\": true");
        kv_str(out, "error_message", e->message);
    }
    fprintf(out, ",\n      \"iterations\": %" PRIu64, e->iterations ? e->iterations : 1);
    kv_num(out, "real_time", e->measured ? mb_entry_real_ns(e) : 0);
    kv_num(out, "cpu_time", e->measured ? mb_entry_cpu_ns(e) : 0);
    kv_str(out, "time_unit", "ns");
    if (e->measured && e->counters) {
        double m[MB_NMETRICS];
        mb_metrics_of(&e->res, m);
        for (size_t j = 0; j < MB_NMETRICS; j++) {
            uint64_t u;
            if (mb_metric_u64(&e->res, j, &u)) kv_u64(out, mb_metric_names[j], u);
            else kv_num(out, mb_metric_names[j], m[j]);
        }
    }
    if (mb_entry_je(e)) {               /* absent where it does not apply (own-heap) */
        kv_u64(out, "max_bytes_used", e->res.max_bytes_used);
        kv_u64(out, "total_allocated_bytes", e->res.total_allocated_bytes);
    }
    if (e->measured && e->extra) {      /* user counters of a Google Benchmark file, as they were */
        const char *k;
        json_t *v;
        json_object_foreach(e->extra, k, v) {
            if (json_is_integer(v)) {
                fprintf(out, ",\n      ");
                mb_json_write_str(out, k);
                fprintf(out, ": %lld", (long long)json_integer_value(v));
            } else {
                fprintf(out, ",\n      ");
                mb_json_write_str(out, k);
                fputs(": ", out);
                jnum(out, json_number_value(v));
            }
        }
    }
    if (e->measured && (e->label[0] || !e->ftimes)) kv_str(out, "label", e->label);
    fprintf(out, "\n    }");
}

/* The aggregate `a` of each user counter of the family's first entry, over its error-free repetitions. */
static void extra_aggregates(FILE *out, const mb_suite_t *s, size_t first, size_t end, mb_agg_t a) {
    const json_t *x = s->v[first].extra;
    if (!x) return;
    double *v = malloc((end - first) * sizeof *v);
    if (!v) mb_harness_oom("aggregates");
    const char *k;
    json_t *jv;
    json_object_foreach((json_t *)x, k, jv) {
        size_t n = 0;
        for (size_t i = first; i < end; i++) {
            const mb_entry_t *e = &s->v[i];
            const json_t *c = e->measured && !e->error && e->extra ? json_object_get(e->extra, k) : NULL;
            if (json_is_number(c)) v[n++] = json_number_value(c);
        }
        if (n < 2) continue;
        fprintf(out, ",\n      ");
        mb_json_write_str(out, k);
        fputs(": ", out);
        jnum(out, mb_aggregate(a, v, n));
    }
    free(v);
}

static void aggregate(FILE *out, const mb_suite_t *s, size_t first, size_t end, mb_agg_t a, const mb_agg_row_t *r,
                      bool first_entry) {
    const mb_entry_t *e = mb_family_head(s, first, end);
    char suffix[16];
    snprintf(suffix, sizeof suffix, "_%s", mb_agg_names[a]);
    head(out, e, suffix, "aggregate", first_entry);
    fprintf(out, ",\n      \"threads\": 1");
    kv_str(out, "aggregate_name", mb_agg_names[a]);
    kv_str(out, "aggregate_unit", a == MB_AGG_CV ? "percentage" : "time");
    fprintf(out, ",\n      \"iterations\": %zu", r->runs);
    kv_num(out, "real_time", r->real_ns);
    kv_num(out, "cpu_time", r->cpu_ns);
    kv_str(out, "time_unit", "ns");
    if (e->counters)
        for (size_t j = 0; j < MB_NMETRICS; j++) kv_num(out, mb_metric_names[j], r->m[j]);
    if (r->je) {
        kv_num(out, "max_bytes_used", r->max_bytes_used);
        kv_num(out, "total_allocated_bytes", r->total_allocated_bytes);
    }
    if (e->aggregate) {                 /* read from an aggregates-only file: its user counters as they were */
        for (size_t i = first; i < end; i++)
            if (s->v[i].aggregate && s->v[i].agg == a && s->v[i].extra) {
                const char *k;
                json_t *v;
                json_object_foreach(s->v[i].extra, k, v) {
                    fprintf(out, ",\n      ");
                    mb_json_write_str(out, k);
                    fputs(": ", out);
                    jnum(out, json_number_value(v));
                }
            }
    } else {
        extra_aggregates(out, s, first, end, a);
    }
    if (e->label[0] || !e->ftimes) kv_str(out, "label", e->label);
    fprintf(out, "\n    }");
}

void mb_report_json(FILE *out, const mb_suite_t *s, const mb_context_t *ctx) {
    context(out, s, ctx);
    bool first = true;
    for (size_t i = 0; i < s->n;) {
        size_t end = mb_family_end(s, i);
        mb_agg_row_t r[MB_NAGG];
        bool have[MB_NAGG], any = false;
        for (mb_agg_t a = 0; a < MB_NAGG; a++) any |= have[a] = mb_family_agg(s, i, end, a, &r[a]);
        /* Aggregates only: the repetitions of a family that has aggregates are
         * left out, but not its failed ones (a failure never goes unwritten);
         * a family without aggregates (one repetition) keeps its runs, as in
         * Google Benchmark. A family read as aggregates has no runs. */
        bool aggs_only = mb_family_read_as_aggregates(s, i, end) || (s->aggregates_only && any);
        for (size_t k = i; k < end; k++)
            if (!aggs_only || (s->v[k].error && !s->v[k].aggregate)) {
                iteration(out, &s->v[k], first);
                first = false;
            }
        for (mb_agg_t a = 0; a < MB_NAGG; a++)
            if (have[a]) {
                aggregate(out, s, i, end, a, &r[a], first);
                first = false;
            }
        i = end;
    }
    fprintf(out, "\n  ]\n}\n");
}
