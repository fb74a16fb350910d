/* gbjson.c: Google Benchmark JSON (our section 8 contract) read back with jansson. */
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "gbjson.h"
#include "json_read.h"
#include "registry.h"

static char gb_scale[64], gb_alloc[64], gb_exe[512];

/* Where each counter of metrics.h goes in a result (items_per_second is
 * derived from ops and real time, so it is stored as ops). A counter written
 * as a JSON integer is read as one (jansson's integer type): a double would
 * turn 6296949671375805 into ...806. A real (e.g. an aggregate's mean) is
 * rounded; negatives and NaN as 0, huge values saturated (never UB). */
static uint64_t to_u64(double v) {
    if (!(v > 0)) return 0;
    if (v >= 18446744073709549568.0) return UINT64_MAX;
    return (uint64_t)(v + 0.5);
}

static void set_counter(mb_result_t *r, const char *name, const json_t *jv) {
    double v = json_number_value(jv);
    uint64_t u = json_is_integer(jv) ? (json_integer_value(jv) > 0 ? (uint64_t)json_integer_value(jv) : 0) : to_u64(v);
    if (!strcmp(name, "items_per_second")) r->ops = to_u64(v * (double)r->real_ns / 1e9);
    else if (!strcmp(name, "objects_allocated")) r->stats.objects_allocated = u;
    else if (!strcmp(name, "objects_freed")) r->stats.objects_freed = u;
    else if (!strcmp(name, "leaked_objects")) r->stats.leaked_objects = u;
    else if (!strcmp(name, "leaked_bytes")) r->stats.leaked_bytes = u;
    else if (!strcmp(name, "uncollectable_objects")) r->stats.uncollectable_objects = u;
    else if (!strcmp(name, "peak_live_bytes")) r->stats.peak_live_bytes = u;
    else if (!strcmp(name, "peak_rss_bytes")) r->peak_rss_bytes = u;
    else if (!strcmp(name, "collections")) r->stats.collections = u;
    else if (!strcmp(name, "gc_time_ns")) r->stats.gc_time_ns = u;
    else if (!strcmp(name, "pause_p50_ns")) r->pause_p50_ns = u;
    else if (!strcmp(name, "pause_p99_ns")) r->pause_p99_ns = u;
    else if (!strcmp(name, "pause_max_ns")) r->pause_max_ns = u;
    else if (!strcmp(name, "checksum")) r->checksum = u;
    else if (!strcmp(name, "max_bytes_used")) { r->max_bytes_used = u; r->have_jemalloc = true; }
    else if (!strcmp(name, "total_allocated_bytes")) { r->total_allocated_bytes = u; r->have_jemalloc = true; }
}

/* Nanoseconds per time_unit (Google Benchmark's ns, us, ms, s); 0 for anything else. */
static double unit_ns(const char *unit) {
    if (!unit || !strcmp(unit, "ns")) return 1;
    if (!strcmp(unit, "us")) return 1e3;
    if (!strcmp(unit, "ms")) return 1e6;
    if (!strcmp(unit, "s")) return 1e9;
    return 0;
}

/* An optional non-negative integer field below `max` (absent: *v unchanged). */
static bool index_ok(const json_t *b, const char *key, double *v, double max) {
    if (!json_object_get(b, key)) return true;
    return mb_json_num(b, key, v) && *v >= 0 && *v < max && *v == floor(*v);
}

static int read_entry(mb_suite_t *s, const json_t *b, size_t idx, char *err, size_t errsz) {
    const char *name = mb_json_str(b, "name"), *rt = mb_json_str(b, "run_type");
    double fam = 0, rep = 0, reps = 1, real = 0, cpu = 0;
    if (!name) { snprintf(err, errsz, "benchmarks[%zu] has no \"name\"", idx); return -1; }
    if (rt && strcmp(rt, "iteration")) return 0;           /* aggregates are recomputed */
    if (!mb_json_num(b, "real_time", &real) || !mb_json_num(b, "cpu_time", &cpu)) {
        snprintf(err, errsz, "benchmarks[%zu] (%s) has no real_time/cpu_time", idx, name);
        return -1;
    }
    const char *unit = mb_json_str(b, "time_unit");
    double per = unit_ns(unit);
    if (per == 0) {
        snprintf(err, errsz, "benchmarks[%zu] (%s) has time_unit '%s' (ns, us, ms or s expected)", idx, name, unit);
        return -1;
    }
    real *= per;
    cpu *= per;
    /* Times up to 10^18 ns (about 31 years); beyond is not a measurement. */
    if (!(real >= 0 && real <= 1e18) || !(cpu >= 0 && cpu <= 1e18)) {
        snprintf(err, errsz, "benchmarks[%zu] (%s) has a time out of range", idx, name);
        return -1;
    }
    if (!index_ok(b, "family_index", &fam, 1e9) || !index_ok(b, "repetition_index", &rep, 1e9) ||
        !index_ok(b, "repetitions", &reps, 1e9)) {
        snprintf(err, errsz, "benchmarks[%zu] (%s) has a bad family_index, repetition_index or repetitions", idx, name);
        return -1;
    }
    /* the case from the name <workload>/<strategy>/interning:<on|off> */
    mb_case_t c = {0};
    char buf[160];
    snprintf(buf, sizeof buf, "%s", name);
    char *slash1 = strchr(buf, '/'), *slash2 = slash1 ? strchr(slash1 + 1, '/') : NULL;
    if (slash1 && slash2) {
        *slash1 = *slash2 = '\0';
        c.workload = mb_find_workload(buf);
        c.strategy = mb_find_strategy(slash1 + 1);
        c.args.interning = !strcmp(slash2 + 1, "interning:on");
    }
    if (s->n == s->cap) mb_vec_grow_((void **)&s->v, &s->cap, sizeof *s->v, s->n + 1);
    mb_entry_t *e = &s->v[s->n++];
    memset(e, 0, sizeof *e);
    e->c = c;
    snprintf(e->name, sizeof e->name, "%s", name);
    e->family = (unsigned)fam;
    e->repetition = (unsigned)rep;
    e->repetitions = reps >= 1 ? (unsigned)reps : 1;
    e->res.real_ns = (uint64_t)llround(real);
    e->res.cpu_ns = (uint64_t)llround(cpu);
    json_t *eo = json_object_get(b, "error_occurred");
    e->error = json_is_true(eo);
    const char *msg = mb_json_str(b, "error_message");
    if (msg) snprintf(e->message, sizeof e->message, "%s", msg);
    const char *label = mb_json_str(b, "label");
    if (label) snprintf(e->label, sizeof e->label, "%s", label);
    e->measured = !e->error || json_object_get(b, "checksum") != NULL;
    e->counters = json_object_get(b, "checksum") != NULL;
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)b, key, v)
        if (json_is_number(v)) set_counter(&e->res, key, v);
    return 0;
}

int mb_gbjson_read(const char *path, mb_suite_t *s, char *err, size_t errsz) {
    char jerr[512];
    json_t *root = mb_json_load_file(path, jerr, sizeof jerr);
    if (!root) {
        snprintf(err, errsz, "cannot read %s", jerr);
        return -1;
    }
    json_t *b = mb_json_array(root, "benchmarks");
    int rc = 0;
    if (!b) {
        snprintf(err, errsz, "%s has no \"benchmarks\" array (not Google Benchmark JSON?)", path);
        rc = -1;
    }
    for (size_t i = 0; rc == 0 && i < json_array_size(b); i++) {
        char e2[400];
        if (read_entry(s, json_array_get(b, i), i, e2, sizeof e2) != 0) {
            snprintf(err, errsz, "%s: %s", path, e2);
            rc = -1;
        }
    }
    if (rc == 0) {
        json_t *ctx = json_object_get(root, "context");
        const char *v;
        double d;
        if ((v = mb_json_str(ctx, "scale"))) { snprintf(gb_scale, sizeof gb_scale, "%s", v); s->scale = gb_scale; }
        if ((v = mb_json_str(ctx, "allocator"))) { snprintf(gb_alloc, sizeof gb_alloc, "%s", v); s->allocator = gb_alloc; }
        if ((v = mb_json_str(ctx, "executable"))) { snprintf(gb_exe, sizeof gb_exe, "%s", v); s->executable = gb_exe; }
        const json_t *seed = json_object_get(ctx, "seed");
        if (json_is_integer(seed) && json_integer_value(seed) >= 0) s->seed = (unsigned long long)json_integer_value(seed);
        if (mb_json_num(ctx, "heap_multiplier", &d)) s->heap_multiplier = d;
        s->planned = s->n;
        if (json_is_true(json_object_get(ctx, "incomplete"))) {   /* an interrupted run */
            s->interrupted = SIGINT;
            if ((v = mb_json_str(ctx, "interrupted_by")))
                for (int sig = 1; sig < 32; sig++)
                    if (sigabbrev_np(sig) && !strncmp(v, "SIG", 3) && !strcmp(v + 3, sigabbrev_np(sig))) s->interrupted = sig;
            if (mb_json_num(ctx, "runs_planned", &d) && d >= (double)s->n && d < 1e12) s->planned = (size_t)d;
        }
    } else {
        mb_suite_free(s);
    }
    json_decref(root);
    return rc;
}
