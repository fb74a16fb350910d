/* hyperfine.c: hyperfine's JSON export read with jansson and turned into Google Benchmark entries. */
#include <stdlib.h>
#include <string.h>

#include "hyperfine.h"
#include "json_read.h"
#include "registry.h"

/* The value of option short_opt / long_opt in a shell command line, or NULL.
 * Understands "-w X", "-wX", "--workload X" and "--workload=X". */
static const char *opt_value(const char *cmd, const char *short_opt, const char *long_opt, char *buf, size_t n) {
    char *copy = strdup(cmd), *save = NULL;
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

static int import_result(mb_suite_t *s, const json_t *res, size_t idx, char *err, size_t errsz) {
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
    json_t *codes = mb_json_array(res, "exit_codes");
    double user = 0, sys = 0;
    mb_json_num(res, "user", &user);
    mb_json_num(res, "system", &sys);
    const json_t *params = json_object_get(res, "parameters");
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
    size_t nt = json_array_size(times);
    char label[160];
    snprintf(label, sizeof label, "hyperfine: %.140s", cmd);
    size_t first = s->n;
    mb_suite_add(s, &c, (unsigned)nt, label);
    for (size_t k = 0; k < nt; k++) {
        mb_entry_t *e = &s->v[first + k];
        if (w && st) snprintf(e->name, sizeof e->name, "%s/%s/interning:%s", w, st, c.args.interning ? "on" : "off");
        else snprintf(e->name, sizeof e->name, "%.159s", cmd);
        json_t *t = json_array_get(times, k);
        if (!json_is_number(t) || json_number_value(t) < 0) {
            snprintf(err, errsz, "results[%zu].times[%zu] is not a non-negative number", idx, k);
            return -1;
        }
        e->counters = false;
        e->measured = true;
        e->res.real_ns = (uint64_t)(json_number_value(t) * 1e9 + 0.5);
        e->res.cpu_ns = (uint64_t)((user + sys) * 1e9 + 0.5);
        json_t *code = codes ? json_array_get(codes, k) : NULL;
        if (json_is_integer(code) && json_integer_value(code) != 0) {
            e->error = true;
            snprintf(e->message, sizeof e->message, "the command exited with status %lld",
                     (long long)json_integer_value(code));
        }
    }
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
        const char *cmd = mb_json_str(json_array_get(results, 0), "command");
        static char scale[32], alloc[32];
        char buf[64];
        s->scale = opt_value(cmd, "--scale", "--scale", scale, sizeof scale) ? scale : "default";
        s->allocator = opt_value(cmd, "--allocator", "--allocator", alloc, sizeof alloc) ? alloc : "libc";
        s->seed = opt_value(cmd, "--seed", "--seed", buf, sizeof buf) ? strtoull(buf, NULL, 10) : 42;
        s->heap_multiplier = opt_value(cmd, "--heap-multiplier", "--heap-multiplier", buf, sizeof buf) ? atof(buf) : 2.0;
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
    json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        snprintf(err, errsz, "malformed hyperfine file %s: line %d, column %d: %s", name, je.line, je.column, je.text);
        return -1;
    }
    int rc = import_root(root, name, s, err, errsz);
    json_decref(root);
    return rc;
}
