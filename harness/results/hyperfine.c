/* hyperfine.c: hyperfine's JSON export read with jansson and turned into Google Benchmark entries. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "harness/results/hyperfine.h"
#include "harness/base/json_read.h"
#include "harness/run/registry.h"
#include "harness/report/report.h"

/* The value of option short_opt / long_opt in a shell command line, or NULL.
 * Understands "-w X", "-wX", "--workload X" and "--workload=X". */
static const char *opt_value(const char *cmd, const char *short_opt, const char *long_opt, char *buf, size_t n) {
    char *copy = strdup(cmd), *save = NULL;
    if (!copy) mb_harness_oom("import-hyperfine");
    const char *found = NULL;
    bool take_next = false;
    size_t ll = strlen(long_opt);
    for (char *t = strtok_r(copy, " \t", &save); t && !found; t = strtok_r(NULL, " \t", &save)) {
        if (take_next) { snprintf(buf, n, "%s", t); found = buf; break; }
        if (!strcmp(t, short_opt) || !strcmp(t, long_opt)) take_next = true;
        else if (!strncmp(t, long_opt, ll) && t[ll] == '=') { snprintf(buf, n, "%s", t + ll + 1); found = buf; }
        else if (!strncmp(t, short_opt, 2) && t[2] && short_opt[1] != '-') { snprintf(buf, n, "%s", t + 2); found = buf; }
    }
    free(copy);
    return found;
}

static const char *type_name(const json_t *v) {
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_TRUE: case JSON_FALSE: return "a boolean";
    case JSON_NULL: return "null";
    default: return "a number";
    }
}

/* Seconds, as hyperfine writes them: a finite number from 0 to 1e9 s (about
 * 31 years; beyond is not a measurement, and 1e300 s does not fit in ns). */
enum { HF_MAX_S = 1000000000 };
static int seconds_ok(const json_t *v, const char *field, double *out, char *err, size_t errsz) {
    if (!json_is_number(v)) {
        snprintf(err, errsz, "%s is %s, not a number of seconds", field, type_name(v));
        return -1;
    }
    double d = json_number_value(v);
    if (!(d >= 0 && d <= HF_MAX_S)) {
        snprintf(err, errsz, "%s is %g, not a time from 0 to %d s", field, d, HF_MAX_S);
        return -1;
    }
    *out = d;
    return 0;
}

/* user and system (mean CPU seconds per run) make cpu_time: numbers, 0..1e9 s. The summary
 * statistics are not used, but a mistyped one means a file we misread. */
static int cpu_and_stats(const json_t *res, size_t idx, double *user, double *sys, char *err, size_t errsz) {
    char field[96];
    static const char *const cpu_keys[2] = {"user", "system"};
    for (int k = 0; k < 2; k++) {
        const json_t *v = json_object_get(res, cpu_keys[k]);
        snprintf(field, sizeof field, "results[%zu].%s", idx, cpu_keys[k]);
        if (v && seconds_ok(v, field, k ? sys : user, err, errsz) != 0) return -1;
    }
    static const char *const stat_keys[] = {"mean", "stddev", "median", "min", "max"};
    for (size_t k = 0; k < sizeof stat_keys / sizeof *stat_keys; k++) {
        const json_t *v = json_object_get(res, stat_keys[k]);
        double d;
        snprintf(field, sizeof field, "results[%zu].%s", idx, stat_keys[k]);
        if (v && !json_is_null(v) && seconds_ok(v, field, &d, err, errsz) != 0) return -1;
    }
    return 0;
}

/* exit_codes (optional): one per run, each an integer, or null (hyperfine's "no exit code": killed by a signal). */
static int exit_codes_ok(const json_t *codes, size_t idx, size_t nt, char *err, size_t errsz) {
    if (codes && !json_is_array(codes)) {
        snprintf(err, errsz, "results[%zu].exit_codes is %s, not an array", idx, type_name(codes));
        return -1;
    }
    if (codes && json_array_size(codes) != nt) {
        snprintf(err, errsz, "results[%zu].exit_codes has %zu entries for %zu times", idx, json_array_size(codes), nt);
        return -1;
    }
    for (size_t k = 0; codes && k < nt; k++) {
        const json_t *code = json_array_get(codes, k);
        if (json_is_integer(code) || json_is_null(code)) continue;
        if (json_is_real(code))
            snprintf(err, errsz, "results[%zu].exit_codes[%zu] is %g, not an integer exit status", idx, k,
                     json_real_value(code));
        else
            snprintf(err, errsz, "results[%zu].exit_codes[%zu] is %s, not an integer exit status", idx, k,
                     type_name(code));
        return -1;
    }
    return 0;
}

/* The entries from first, one per time: named <w>/<st>/interning:<in> (w or st NULL: after the
 * command), hyperfine's wall time of each run, cpu the mean CPU seconds, a nonzero or missing exit
 * code an error. */
static void name_runs(mb_suite_t *s, size_t first, const char *w, const char *st, bool in, const char *cmd,
                      const json_t *times, const json_t *codes, double cpu) {
    size_t nt = json_array_size(times);
    for (size_t k = 0; k < nt; k++) {
        mb_entry_t *e = &s->v[first + k];
        if (w && st) snprintf(e->name, sizeof e->name, "%.60s/%.60s/interning:%s", w, st, in ? "on" : "off");
        else snprintf(e->name, sizeof e->name, "%.159s", cmd);
        e->counters = false;
        e->measured = true;
        e->res.real_ns = (uint64_t)(json_number_value(json_array_get(times, k)) * 1e9 + 0.5);
        e->res.cpu_ns = (uint64_t)(cpu * 1e9 + 0.5);
        const json_t *code = codes ? json_array_get(codes, k) : NULL;
        if (json_is_null(code)) {
            e->error = true;
            snprintf(e->message, sizeof e->message, "the command ended without an exit status (killed by a signal)");
        } else if (json_is_integer(code) && json_integer_value(code) != 0) {
            e->error = true;
            snprintf(e->message, sizeof e->message, "the command exited with status %lld",
                     (long long)json_integer_value(code));
        }
    }
}

static int import_result(mb_suite_t *s, const json_t *res, size_t idx, char *err, size_t errsz) {
    if (!json_is_object(res)) {
        snprintf(err, errsz, "results[%zu] is %s, not an object", idx, type_name(res));
        return -1;
    }
    const char *cmd = mb_json_str(res, "command");
    if (!cmd) {
        snprintf(err, errsz, "results[%zu] has no \"command\" string", idx);
        return -1;
    }
    json_t *times = mb_json_array(res, "times");
    if (!times || json_array_size(times) == 0) {
        snprintf(err, errsz, "results[%zu] has no \"times\" array of run times", idx);
        return -1;
    }
    size_t nt = json_array_size(times);
    if (nt > 1000000) {
        snprintf(err, errsz, "results[%zu].times has %zu runs, more than 1000000", idx, nt);
        return -1;
    }
    double user = 0, sys = 0;
    if (cpu_and_stats(res, idx, &user, &sys, err, errsz) != 0) return -1;
    const json_t *codes = json_object_get(res, "exit_codes");
    if (exit_codes_ok(codes, idx, nt, err, errsz) != 0) return -1;
    const json_t *params = json_object_get(res, "parameters");
    if (params && !json_is_object(params)) {
        snprintf(err, errsz, "results[%zu].parameters is %s, not an object", idx, type_name(params));
        return -1;
    }
    char wb[128], sb[128], ib[16];
    const char *w = mb_json_str(params, "workload"), *st = mb_json_str(params, "strategy");
    const char *in = mb_json_str(params, "interning");
    if (!w) w = opt_value(cmd, "-w", "--workload", wb, sizeof wb);
    if (!st) st = opt_value(cmd, "-s", "--strategy", sb, sizeof sb);
    if (!in) in = opt_value(cmd, "-i", "--interning", ib, sizeof ib);
    mb_case_t c = {0};
    c.workload = w ? mb_find_workload(w) : NULL;
    c.strategy = st ? mb_find_strategy(st) : NULL;
    c.args.interning = in && !strcmp(in, "on");
    double secs[1];
    char field[96];
    for (size_t k = 0; k < nt; k++) {           /* every time checked before anything is added */
        snprintf(field, sizeof field, "results[%zu].times[%zu]", idx, k);
        if (seconds_ok(json_array_get(times, k), field, secs, err, errsz) != 0) return -1;
    }
    char label[160];
    snprintf(label, sizeof label, "hyperfine: %.140s", cmd);
    size_t first = s->n;
    mb_suite_add(s, &c, (unsigned)nt, label);
    name_runs(s, first, w, st, c.args.interning, cmd, times, codes, user + sys);
    return 0;
}

/* The parsed export (root, owned by the caller) into s. */
static int import_root(json_t *root, const char *path, mb_suite_t *s, char *err, size_t errsz) {
    json_t *results = mb_json_array(root, "results");
    int rc = 0;
    if (!results || json_array_size(results) == 0) {
        snprintf(err, errsz, "malformed hyperfine file %s: no \"results\" array (not hyperfine --export-json output?)", path);
        rc = -1;
    }
    for (size_t i = 0; rc == 0 && i < json_array_size(results); i++) {
        char e2[400];
        if (import_result(s, json_array_get(results, i), i, e2, sizeof e2) != 0) {
            snprintf(err, errsz, "malformed hyperfine file %s: %s", path, e2);
            rc = -1;
        }
    }
    if (rc == 0) {
        /* The context says what the file says and nothing more: hyperfine
         * records no machine, date or commit, so only the executable and
         * the options the (first) command line names. */
        const char *cmd = mb_json_str(json_array_get(results, 0), "command");
        char buf[64];
        json_t *ctx = json_object();
        if (!ctx || json_object_set_new(ctx, "executable", json_string("hyperfine")) != 0) goto oom;
        if (opt_value(cmd, "--scale", "--scale", buf, sizeof buf) &&
            json_object_set_new(ctx, "scale", json_string(buf)) != 0) goto oom;
        if (opt_value(cmd, "--allocator", "--allocator", buf, sizeof buf) &&
            json_object_set_new(ctx, "allocator", json_string(buf)) != 0) goto oom;
        if (opt_value(cmd, "--heap-multiplier", "--heap-multiplier", buf, sizeof buf)) {
            char *end;
            double hm = strtod(buf, &end);
            if (!*end && hm >= MB_HEAP_MULTIPLIER_MIN && hm <= MB_HEAP_MULTIPLIER_MAX &&     /* run's range */
                json_object_set_new(ctx, "heap_multiplier", json_real(hm)) != 0) goto oom;
        }
        if (opt_value(cmd, "--seed", "--seed", buf, sizeof buf)) {
            char *end;
            errno = 0;
            long long seed = strtoll(buf, &end, 10);
            if (!errno && !*end && seed >= 0 && json_object_set_new(ctx, "seed", json_integer(seed)) != 0) goto oom;
        }
        s->context = ctx;
        s->executable = "hyperfine";
        if (0) {
        oom:
            json_decref(ctx);
            snprintf(err, errsz, "%s: out of memory", path);
            rc = -1;
            mb_suite_free(s);
        }
    } else {
        mb_suite_free(s);
    }
    return rc;
}

int mb_hyperfine_import(const char *path, mb_suite_t *s, char *err, size_t errsz) {
    char jerr[512];
    json_t *root = mb_json_load_file(path, jerr, sizeof jerr);
    if (!root) {
        snprintf(err, errsz, "malformed hyperfine file %s", jerr);
        return -1;
    }
    int rc = import_root(root, path, s, err, errsz);
    json_decref(root);
    return rc;
}

int mb_hyperfine_import_buffer(const char *buf, size_t len, const char *name, mb_suite_t *s, char *err, size_t errsz) {
    json_error_t je;
    mb_json_oom_reset();
    json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        if (mb_json_oom() || json_error_code(&je) == json_error_out_of_memory || !je.text[0]) {
            snprintf(err, errsz, "malformed hyperfine file %s: out of memory reading it", name);
            return -1;
        }
        snprintf(err, errsz, "malformed hyperfine file %s: line %d, column %d: %s", name, je.line, je.column, je.text);
        return -1;
    }
    int rc = import_root(root, name, s, err, errsz);
    json_decref(root);
    return rc;
}
