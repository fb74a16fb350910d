/* suite_read.c: a Google Benchmark JSON file (ours or Google Benchmark's own) read back into a suite, for `membench report`. */
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "harness/base/gbench_read.h"
#include "harness/results/suite_read.h"
#include "harness/base/json_read.h"
#include "harness/run/registry.h"
#include "harness/report/report.h"

static char gb_scale[64], gb_alloc[64], gb_exe[512];

/* A counter as an integer: a JSON integer exactly (jansson's integer type:
 * a double would turn 6296949671375805 into ...806); a real rounded,
 * negatives and NaN as 0, huge values saturated (never UB). */
static uint64_t to_u64(double v) {
    if (!(v > 0)) return 0;
    if (v >= 18446744073709549568.0) return UINT64_MAX;
    return (uint64_t)(v + 0.5);
}

static uint64_t counter_u64(const mb_gb_counter_t *c) {
    if (c->integer) return c->ival > 0 ? (uint64_t)c->ival : 0;
    return to_u64(c->value);
}

/* Counter c into r if it is one of metrics.h (or jemalloc's); false if it is a user counter. */
static bool set_counter(mb_result_t *r, const mb_gb_counter_t *c, double real_ns) {
    const char *name = c->name;
    uint64_t u = counter_u64(c);
    if (!strcmp(name, "items_per_second")) r->ops = to_u64(c->value * real_ns / 1e9);
    else if (!strcmp(name, "objects_allocated")) r->stats.objects_allocated = u;
    else if (!strcmp(name, "objects_freed")) r->stats.objects_freed = u;
    else if (!strcmp(name, "leaked_objects")) r->stats.leaked_objects = u;
    else if (!strcmp(name, "leaked_bytes")) r->stats.leaked_bytes = u;
    else if (!strcmp(name, "uncollectable_objects")) r->stats.uncollectable_objects = u;
    else if (!strcmp(name, "peak_live_bytes")) r->stats.peak_live_bytes = u;
    else if (!strcmp(name, "peak_rss_bytes")) r->peak_rss_bytes = u;
    else if (!strcmp(name, "collections")) r->stats.collections = u;
    else if (!strcmp(name, "rc_increments")) r->stats.rc_increments = u;
    else if (!strcmp(name, "rc_decrements")) r->stats.rc_decrements = u;
    else if (!strcmp(name, "gc_time_ns")) r->stats.gc_time_ns = u;
    else if (!strcmp(name, "pause_p50_ns")) r->pause_p50_ns = u;
    else if (!strcmp(name, "pause_p99_ns")) r->pause_p99_ns = u;
    else if (!strcmp(name, "pause_max_ns")) r->pause_max_ns = u;
    else if (!strcmp(name, "checksum")) r->checksum = u;
    else if (!strcmp(name, "cascade_time_ns")) r->stats.cascade_time_ns = u;
    else if (!strcmp(name, "max_bytes_used")) { r->max_bytes_used = u; r->have_jemalloc = true; }
    else if (!strcmp(name, "total_allocated_bytes")) { r->total_allocated_bytes = u; r->have_jemalloc = true; }
    else return false;
    return true;
}

/* The row carries every counter of metrics.h: a membench case (else a
 * Google Benchmark or hyperfine row, whose numbers are user counters).
 * The count-operation counters are not required: files written before
 * they existed (results/baseline.json) read as 0 for them. */
static bool has_our_counters(const mb_gb_row_t *r) {
    for (size_t j = 0; j < MB_NMETRICS; j++)
        if (j != MB_M_cascade_time_ns && j != MB_M_rc_increments && j != MB_M_rc_decrements &&
            !mb_gb_counter_get(r, mb_metric_names[j]))
            return false;
    return true;
}

static void grow(mb_suite_t *s) {
    if (s->n < s->cap) return;
    size_t ncap = s->cap ? 2 * s->cap : 16;
    mb_entry_t *v = realloc(s->v, ncap * sizeof *v);
    if (!v) mb_harness_oom("the results read");
    s->v = v;
    s->cap = ncap;
}

/* A row into a new entry of family fam, named name (an iteration row's
 * name, an aggregate row's run_name); -1 on out of memory. */
static int add_entry(mb_suite_t *s, const mb_gb_row_t *r, const char *name, unsigned fam) {
    grow(s);
    mb_entry_t *e = &s->v[s->n];
    memset(e, 0, sizeof *e);
    /* the case from the name <workload>/<strategy>/interning:<on|off> */
    char wname[160], sname[160];
    bool interning;
    if (mb_case_split(name, wname, sizeof wname, sname, sizeof sname, &interning)) {
        e->c.workload = mb_find_workload(wname);
        e->c.strategy = mb_find_strategy(sname);
        e->c.args.interning = interning;
    }
    snprintf(e->name, sizeof e->name, "%s", name);
    e->family = fam;
    e->repetition = r->repetition_index >= 0 ? (unsigned)(r->repetition_index > 1000000000 ? 1000000000 : r->repetition_index) : 0;
    e->repetitions = r->repetitions >= 1 ? (unsigned)(r->repetitions > 1000000000 ? 1000000000 : r->repetitions) : 1;
    e->iterations = r->iterations > 0 ? (uint64_t)r->iterations : 1;
    e->ftimes = true;
    e->real_f = r->real_ns;
    e->cpu_f = r->cpu_ns;
    e->res.real_ns = (uint64_t)llround(r->real_ns);
    e->res.cpu_ns = (uint64_t)llround(r->cpu_ns);
    e->error = r->error;
    if (r->error) snprintf(e->message, sizeof e->message, "%s", r->error_message);
    if (r->label) snprintf(e->label, sizeof e->label, "%s", r->label);
    e->counters = has_our_counters(r);
    e->measured = !e->error || e->counters;
    for (size_t i = 0; i < r->ncounters; i++) {
        const mb_gb_counter_t *c = &r->counters[i];
        if (e->counters && set_counter(&e->res, c, r->real_ns)) continue;
        if (!e->extra && !(e->extra = json_object())) return -1;
        json_t *v = c->integer ? json_integer(c->ival) : json_real(c->value);
        if (!v || json_object_set_new(e->extra, c->name, v) != 0) return -1;
    }
    s->n++;
    return 0;
}

/* The aggregate a row is, from its name: <run_name>_<mean|median|stddev|cv>;
 * false for another (a user-defined statistic). */
static bool agg_of(const mb_gb_row_t *r, mb_agg_t *a) {
    size_t n = strlen(r->run_name);
    if (strncmp(r->name, r->run_name, n) || r->name[n] != '_') return false;
    for (int k = 0; k < MB_NAGG; k++)
        if (!strcmp(r->name + n + 1, mb_agg_names[k])) {
            *a = (mb_agg_t)k;
            return true;
        }
    return false;
}

/* Entries in family order (first appearance of each run_name), file order within a family. */
static int by_family(const void *a, const void *b) {
    const mb_entry_t *x = a, *y = b;
    if (x->family != y->family) return x->family < y->family ? -1 : 1;
    return x->harness_ns < y->harness_ns ? -1 : x->harness_ns > y->harness_ns;   /* the file position */
}

/* The family of run_name: the one it has in fams, else the next one (recorded). -1: out of memory. */
static long long family_of(json_t *fams, const char *run_name) {
    json_t *fj = json_object_get(fams, run_name);
    if (fj) return json_integer_value(fj);
    size_t fam = json_object_size(fams);
    return json_object_set_new(fams, run_name, json_integer((json_int_t)fam)) == 0 ? (long long)fam : -1;
}

/* The iteration rows of f as entries; families by run_name (Google Benchmark puts BM_Alloc/64 and
 * BM_Alloc/4096 in one family_index; each is its own case here); runs: the run_names with a successful run. */
static int read_iterations(mb_suite_t *s, const mb_gb_file_t *f, json_t *fams, json_t *runs) {
    for (size_t i = 0; i < f->n; i++) {
        const mb_gb_row_t *r = &f->rows[i];
        if (r->aggregate) continue;                      /* recomputed from the repetitions */
        long long fam = family_of(fams, r->run_name);
        if (fam < 0) return -1;
        if (!r->error && json_object_set_new(runs, r->run_name, json_true()) != 0) return -1;
        if (add_entry(s, r, r->name, (unsigned)fam) != 0) return -1;
        s->v[s->n - 1].harness_ns = (double)i;          /* sort key only, reset below */
    }
    return 0;
}

/* A case with aggregate rows and no successful repetition (run --aggregates-only keeps only the failed ones):
 * its aggregates as they are, one entry each (mb_entry_t.aggregate), after its failed runs. */
static int read_lone_aggregates(mb_suite_t *s, const mb_gb_file_t *f, json_t *fams, const json_t *runs) {
    for (size_t i = 0; i < f->n; i++) {
        const mb_gb_row_t *r = &f->rows[i];
        mb_agg_t a;
        if (!r->aggregate || !agg_of(r, &a)) continue;
        if (json_object_get(runs, r->run_name)) continue;         /* recomputed from the repetitions */
        long long fam = family_of(fams, r->run_name);
        if (fam < 0 || add_entry(s, r, r->run_name, (unsigned)fam) != 0) return -1;
        mb_entry_t *e = &s->v[s->n - 1];
        e->harness_ns = (double)i;
        e->aggregate = true;
        e->agg = a;
        e->repetition = (unsigned)a;
        for (size_t j = 0; j < MB_NMETRICS; j++) {
            double v;
            if (mb_gb_counter(r, mb_metric_names[j], &v)) e->agg_m[j] = v;
        }
        mb_gb_counter(r, "max_bytes_used", &e->agg_je[0]);
        mb_gb_counter(r, "total_allocated_bytes", &e->agg_je[1]);
    }
    return 0;
}

/* The file's own context (written back as it is by report -f json), and what the suite takes from it. */
static int read_context(mb_suite_t *s, json_t *ctx) {
    s->context = json_is_object(ctx) ? json_incref(ctx) : json_object();
    if (!s->context) return -1;
    const char *v;
    if ((v = mb_json_str(ctx, "scale"))) { snprintf(gb_scale, sizeof gb_scale, "%s", v); s->scale = gb_scale; }
    if ((v = mb_json_str(ctx, "allocator"))) { snprintf(gb_alloc, sizeof gb_alloc, "%s", v); s->allocator = gb_alloc; }
    if ((v = mb_json_str(ctx, "executable"))) { snprintf(gb_exe, sizeof gb_exe, "%s", v); s->executable = gb_exe; }
    const json_t *seed = json_object_get(ctx, "seed");
    if (json_is_integer(seed) && json_integer_value(seed) >= 0) s->seed = (unsigned long long)json_integer_value(seed);
    double d;
    if (mb_json_num(ctx, "heap_multiplier", &d)) s->heap_multiplier = d;
    s->planned = s->n;
    if (json_is_true(json_object_get(ctx, "incomplete"))) {   /* an interrupted run */
        s->interrupted = SIGINT;
        if ((v = mb_json_str(ctx, "interrupted_by")))
            for (int sig = 1; sig < 32; sig++)
                if (sigabbrev_np(sig) && !strncmp(v, "SIG", 3) && !strcmp(v + 3, sigabbrev_np(sig))) s->interrupted = sig;
        const json_t *rp = json_object_get(ctx, "runs_planned");
        if (json_is_integer(rp) && json_integer_value(rp) >= (json_int_t)s->n && json_integer_value(rp) < 1000000000000LL)
            s->planned = (size_t)json_integer_value(rp);
    }
    return 0;
}

int mb_gbjson_read(const char *path, mb_suite_t *s, char *err, size_t errsz) {
    mb_gb_file_t f;
    char gerr[900];
    if (mb_gb_load(path, &f, gerr, sizeof gerr) != 0) {
        snprintf(err, errsz, "cannot read %s", gerr);
        return -1;
    }
    json_t *fams = json_object(), *runs = json_object();   /* run_name -> family; those with a successful run */
    int rc = fams && runs && read_iterations(s, &f, fams, runs) == 0 && read_lone_aggregates(s, &f, fams, runs) == 0
                 ? 0 : -1;
    json_decref(runs);
    json_decref(fams);
    if (rc == 0) {
        if (s->n) qsort(s->v, s->n, sizeof *s->v, by_family);
        for (size_t i = 0; i < s->n; i++) s->v[i].harness_ns = 0;
        rc = read_context(s, f.context);
    }
    mb_gb_free(&f);
    if (rc != 0) {
        mb_suite_free(s);
        snprintf(err, errsz, "%s: out of memory", path);
    }
    return rc;
}
