/* history_suite.c: a run's own results into the history (mb_hist_append_suite, history.h): the rows its JSON
 * results file would be read back as (json.c writes it, gbench_read.h reads it), built from the suite's entries,
 * not parsed back; only the content hash and the context come from the file's text, written in memory. */
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/base/gbench_read.h"
#include "harness/base/oom.h"
#include "harness/stats/aggregate.h"
#include "harness/run/context.h"
#include "harness/run/metrics.h"
#include "harness/run/runner.h"
#include "harness/report/report.h"
#include "harness/results/history_int.h"

/* The rows built; each row's name and counters are its own allocations. */
typedef struct rows {
    mb_gb_row_t *v;
    size_t n, cap;
} rows_t;

static void rows_free(rows_t *rs) {
    for (size_t i = 0; i < rs->n; i++) {
        free((char *)rs->v[i].name);
        free(rs->v[i].counters);
    }
    free(rs->v);
}

/* A number as the JSON reporter writes it (mb_json_num_text) and the reader reads it back: a token without
 * '.', 'e' or 'E' is an integer (strtoll, as jansson), any other a real (strtod). */
static mb_gb_counter_t num(const char *name, double v) {
    char t[MB_JSON_NUM_LEN];
    mb_json_num_text(t, v);
    bool integer = !strpbrk(t, ".eE");
    long long i = integer ? strtoll(t, NULL, 10) : 0;
    return (mb_gb_counter_t){name, integer ? (double)i : strtod(t, NULL), integer, i};
}

/* An exact counter (json.c's kv_u64): an integer, clamped at INT64_MAX. */
static mb_gb_counter_t u64(const char *name, uint64_t u) {
    long long i = u > (uint64_t)INT64_MAX ? INT64_MAX : (long long)u;
    return (mb_gb_counter_t){name, (double)i, true, i};
}

/* A new row of entry e's family (json.c's head): name e->name + suffix, room for ncounters counters. */
static mb_gb_row_t *row_new(rows_t *rs, const mb_entry_t *e, const char *suffix, size_t ncounters) {
    if (rs->n == rs->cap) {
        size_t ncap = rs->cap ? 2 * rs->cap : 64;
        mb_gb_row_t *nv = realloc(rs->v, ncap * sizeof *nv);
        if (!nv) mb_harness_oom("the history");
        rs->v = nv;
        rs->cap = ncap;
    }
    mb_gb_row_t *r = &rs->v[rs->n];
    memset(r, 0, sizeof *r);
    char name[200];                     /* as json.c cuts it */
    snprintf(name, sizeof name, "%s%s", e->name, suffix);
    r->name = strdup(name);
    r->counters = calloc(ncounters ? ncounters : 1, sizeof *r->counters);
    if (!r->name || !r->counters) mb_harness_oom("the history");
    rs->n++;
    r->run_name = e->name;
    r->error_message = "";
    r->family_index = e->family;
    r->repetitions = e->repetitions;
    r->repetition_index = -1;
    return r;
}

static void set_times(mb_gb_row_t *r, double real, double cpu) {
    r->has_times = true;                /* time_unit ns: read back times 1 */
    r->real_ns = num(NULL, real).value;
    r->cpu_ns = num(NULL, cpu).value;
}

/* One repetition (json.c's iteration). */
static void iteration_row(rows_t *rs, const mb_entry_t *e) {
    size_t nx = e->measured && e->extra ? json_object_size(e->extra) : 0;
    mb_gb_row_t *r = row_new(rs, e, "", MB_NMETRICS + 2 + nx);
    r->repetition_index = e->repetition;
    r->error = e->error;
    if (e->error) r->error_message = e->message;
    r->iterations = e->iterations ? (long long)e->iterations : 1;
    set_times(r, e->measured ? mb_entry_real_ns(e) : 0, e->measured ? mb_entry_cpu_ns(e) : 0);
    if (e->measured && e->counters) {
        double m[MB_NMETRICS];
        mb_metrics_of(&e->res, m);
        for (size_t j = 0; j < MB_NMETRICS; j++) {
            uint64_t u;
            r->counters[r->ncounters++] =
                mb_metric_u64(&e->res, j, &u) ? u64(mb_metric_names[j], u) : num(mb_metric_names[j], m[j]);
        }
    }
    if (mb_entry_je(e)) {
        r->counters[r->ncounters++] = u64("max_bytes_used", e->res.max_bytes_used);
        r->counters[r->ncounters++] = u64("total_allocated_bytes", e->res.total_allocated_bytes);
    }
    const char *k;
    json_t *v;
    if (nx)
        json_object_foreach(e->extra, k, v) {
            long long i = json_is_integer(v) ? (long long)json_integer_value(v) : 0;
            r->counters[r->ncounters++] =
                json_is_integer(v) ? (mb_gb_counter_t){k, (double)i, true, i} : num(k, json_number_value(v));
        }
    if (e->measured && (e->label[0] || !e->ftimes)) r->label = e->label;
}

/* The aggregate a of each user counter of the family's first entry (json.c's extra_aggregates). */
static void extra_aggregates(mb_gb_row_t *r, const mb_suite_t *s, size_t first, size_t end, mb_agg_t a) {
    json_t *x = s->v[first].extra;
    if (!x) return;
    double *v = malloc((end - first) * sizeof *v);
    if (!v) mb_harness_oom("the history");
    const char *k;
    json_t *jv;
    json_object_foreach(x, k, jv) {
        size_t n = 0;
        for (size_t i = first; i < end; i++) {
            const mb_entry_t *e = &s->v[i];
            const json_t *c = e->measured && !e->error && e->extra ? json_object_get(e->extra, k) : NULL;
            if (json_is_number(c)) v[n++] = json_number_value(c);
        }
        if (n >= 2) r->counters[r->ncounters++] = num(k, mb_aggregate(a, v, n));
    }
    free(v);
}

/* The aggregate a of the family [first, end) (json.c's aggregate). */
static void aggregate_row(rows_t *rs, const mb_suite_t *s, size_t first, size_t end, mb_agg_t a,
                          const mb_agg_row_t *ar) {
    const mb_entry_t *e = mb_family_head(s, first, end);
    char suffix[16];
    snprintf(suffix, sizeof suffix, "_%s", mb_agg_names[a]);
    size_t nx = 0;
    for (size_t i = first; i < end; i++) nx += s->v[i].extra ? json_object_size(s->v[i].extra) : 0;
    mb_gb_row_t *r = row_new(rs, e, suffix, MB_NMETRICS + 2 + nx);
    r->aggregate = true;
    r->iterations = (long long)ar->runs;
    set_times(r, ar->real_ns, ar->cpu_ns);
    if (e->counters)
        for (size_t j = 0; j < MB_NMETRICS; j++) r->counters[r->ncounters++] = num(mb_metric_names[j], ar->m[j]);
    if (ar->je) {
        r->counters[r->ncounters++] = num("max_bytes_used", ar->max_bytes_used);
        r->counters[r->ncounters++] = num("total_allocated_bytes", ar->total_allocated_bytes);
    }
    if (e->aggregate) {                 /* read from an aggregates-only file: its user counters as they were */
        for (size_t i = first; i < end; i++)
            if (s->v[i].aggregate && s->v[i].agg == a && s->v[i].extra) {
                const char *k;
                json_t *v;
                json_object_foreach(s->v[i].extra, k, v) r->counters[r->ncounters++] = num(k, json_number_value(v));
            }
    } else {
        extra_aggregates(r, s, first, end, a);
    }
    if (e->label[0] || !e->ftimes) r->label = e->label;
}

/* Every row of the suite in the JSON reporter's order, every repetition kept (as aggregates_only were false). */
static void suite_rows(rows_t *rs, const mb_suite_t *s) {
    for (size_t i = 0; i < s->n;) {
        size_t end = mb_family_end(s, i);
        mb_agg_row_t ar[MB_NAGG];
        bool have[MB_NAGG];
        for (mb_agg_t a = 0; a < MB_NAGG; a++) have[a] = mb_family_agg(s, i, end, a, &ar[a]);
        bool aggs_only = mb_family_read_as_aggregates(s, i, end);
        for (size_t k = i; k < end; k++)
            if (!aggs_only || (s->v[k].error && !s->v[k].aggregate)) iteration_row(rs, &s->v[k]);
        for (mb_agg_t a = 0; a < MB_NAGG; a++)
            if (have[a]) aggregate_row(rs, s, i, end, a, &ar[a]);
        i = end;
    }
}

int mb_hist_append_suite(mb_hist_t *h, mb_suite_t *s, const mb_context_t *ctx, const char *name, bool *dup,
                         long long *run_id, size_t *nrows, char *err, size_t errsz) {
    *dup = false;
    *run_id = 0;
    *nrows = 0;
    /* The results file with every repetition, in memory: its content hash and its context. */
    char *buf = NULL;
    size_t len = 0;
    FILE *ms = open_memstream(&buf, &len);
    if (!ms) mb_harness_oom("the history");
    bool agg = s->aggregates_only;
    s->aggregates_only = false;
    mb_report_json(ms, s, ctx);
    if (fclose(ms) != 0) mb_harness_oom("the history");
    json_error_t je;
    json_t *doc = json_loadb(buf, len, 0, &je);
    free(buf);
    char hash[40];
    rows_t rs = {0};
    int rc = hist_doc_hash(doc, hash);
    if (rc != 0) {
        rc = hist_fail(err, errsz, -1, "%s: its results cannot be read as JSON", name);
    } else {
        suite_rows(&rs, s);
        mb_gb_file_t f = {.context = json_object_get(doc, "context"), .rows = rs.v, .n = rs.n};
        rc = hist_insert_file(h, &f, hash, name, dup, run_id, err, errsz);
        if (rc == 0 && !*dup) *nrows = rs.n;
    }
    s->aggregates_only = agg;
    rows_free(&rs);
    json_decref(doc);
    return rc;
}
