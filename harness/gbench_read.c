/* gbench_read.c: Google Benchmark JSON read with jansson and validated field by field (names the file and the problem). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gbench_read.h"
#include "json_read.h"

/* Google Benchmark's own numeric fields: bookkeeping, never counters. */
static const char *const gb_std_fields[] = {
    "family_index", "per_family_instance_index", "repetitions", "repetition_index",
    "threads", "iterations", "real_time", "cpu_time", NULL};

static bool is_std_field(const char *k) {
    for (size_t i = 0; gb_std_fields[i]; i++)
        if (!strcmp(gb_std_fields[i], k)) return true;
    return false;
}

static const char *type_name(const json_t *v) {
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: case JSON_REAL: return "a number";
    case JSON_TRUE: case JSON_FALSE: return "a boolean";
    default: return "null";
    }
}

/* Multiplier from time_unit to ns; 0 if the unit is unknown. */
static double unit_ns(const char *u) {
    if (!strcmp(u, "ns")) return 1;
    if (!strcmp(u, "us")) return 1e3;
    if (!strcmp(u, "ms")) return 1e6;
    if (!strcmp(u, "s")) return 1e9;
    return 0;
}

/* An optional string field: absent is fine (*out = dflt); present must be a string. */
static int opt_str(const json_t *b, const char *key, const char *dflt, const char **out, char *why, size_t wsz) {
    const json_t *v = json_object_get(b, key);
    if (!v) { *out = dflt; return 0; }
    if (!json_is_string(v)) { snprintf(why, wsz, "\"%s\" is %s, not a string", key, type_name(v)); return -1; }
    *out = json_string_value(v);
    return 0;
}

/* One element of "benchmarks" into r; -1 with why (the caller adds where). */
static int read_row(json_t *b, mb_gb_row_t *r, char *why, size_t wsz) {
    memset(r, 0, sizeof *r);
    if (!json_is_object(b)) { snprintf(why, wsz, "is %s, not an object", type_name(b)); return -1; }
    const char *rt, *unit;
    if (opt_str(b, "name", NULL, &r->name, why, wsz) != 0) return -1;
    if (!r->name || !*r->name) { snprintf(why, wsz, "has no \"name\""); return -1; }
    if (opt_str(b, "run_name", r->name, &r->run_name, why, wsz) != 0) return -1;
    if (opt_str(b, "run_type", "iteration", &rt, why, wsz) != 0) return -1;
    if (strcmp(rt, "iteration") && strcmp(rt, "aggregate")) {
        snprintf(why, wsz, "has run_type \"%.40s\", not \"iteration\" or \"aggregate\"", rt);
        return -1;
    }
    r->aggregate = !strcmp(rt, "aggregate");
    const json_t *eo = json_object_get(b, "error_occurred");
    if (eo && !json_is_boolean(eo)) { snprintf(why, wsz, "\"error_occurred\" is %s, not a boolean", type_name(eo)); return -1; }
    r->error = json_is_true(eo);
    if (opt_str(b, "error_message", "", &r->error_message, why, wsz) != 0) return -1;
    if (opt_str(b, "label", NULL, &r->label, why, wsz) != 0) return -1;
    if (opt_str(b, "time_unit", "ns", &unit, why, wsz) != 0) return -1;
    double mul = unit_ns(unit);
    if (mul == 0) { snprintf(why, wsz, "has time_unit \"%.20s\", not ns, us, ms or s", unit); return -1; }
    const json_t *rtv = json_object_get(b, "real_time"), *ctv = json_object_get(b, "cpu_time");
    for (int k = 0; k < 2; k++) {
        const json_t *v = k ? ctv : rtv;
        const char *key = k ? "cpu_time" : "real_time";
        if (!v) {
            if (r->error) continue;
            snprintf(why, wsz, "has no \"%s\"", key);
            return -1;
        }
        if (!json_is_number(v)) { snprintf(why, wsz, "\"%s\" is %s, not a number", key, type_name(v)); return -1; }
        double ns = json_number_value(v) * mul;
        if (!isfinite(ns) || ns < 0 || ns > 1e18) {
            snprintf(why, wsz, "\"%s\" is %g %s, not a time from 0 to 1e18 ns", key, json_number_value(v), unit);
            return -1;
        }
        if (k) r->cpu_ns = ns;
        else r->real_ns = ns;
    }
    r->has_times = rtv && ctv;
    static const char *const int_keys[4] = {"iterations", "family_index", "repetition_index", "repetitions"};
    long long *int_out[4] = {&r->iterations, &r->family_index, &r->repetition_index, &r->repetitions};
    for (int k = 0; k < 4; k++) {
        const json_t *v = json_object_get(b, int_keys[k]);
        *int_out[k] = -1;
        if (!v) continue;
        long long lo = k == 3 ? 1 : 0;
        if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > 1000000000000000000LL) {
            if (json_is_integer(v)) snprintf(why, wsz, "\"%s\" is %lld, not an integer from %lld to 1e18", int_keys[k],
                                             (long long)json_integer_value(v), lo);
            else snprintf(why, wsz, "\"%s\" is %s, not an integer from %lld to 1e18", int_keys[k],
                          json_is_real(v) ? "a real number" : type_name(v), lo);
            return -1;
        }
        *int_out[k] = (long long)json_integer_value(v);
    }
    size_t cap = json_object_size(b);
    r->counters = cap ? calloc(cap, sizeof *r->counters) : NULL;
    if (cap && !r->counters) { snprintf(why, wsz, "out of memory reading it"); return -1; }
    const char *key;
    json_t *v;
    json_object_foreach(b, key, v) {
        if (!json_is_number(v) || is_std_field(key)) continue;
        r->counters[r->ncounters++] = (mb_gb_counter_t){key, json_number_value(v), json_is_integer(v),
                                                         json_is_integer(v) ? (long long)json_integer_value(v) : 0};
    }
    return 0;
}

void mb_gb_free(mb_gb_file_t *f) {
    for (size_t i = 0; i < f->n; i++) free(f->rows[i].counters);
    free(f->rows);
    if (f->root) json_decref(f->root);
    f->rows = NULL;
    f->root = NULL;
    f->n = 0;
}

/* The parsed root into f: the structure checked, every row read. */
static int read_root(json_t *root, mb_gb_file_t *f, char *err, size_t errsz) {
    const char *p = f->path;
    f->root = root;
    if (!json_is_object(root)) {
        snprintf(err, errsz, "%s: not Google Benchmark JSON: the top level is %s, not an object", p, type_name(root));
        goto fail;
    }
    const json_t *ctx = json_object_get(root, "context");
    if (ctx && !json_is_object(ctx)) {
        snprintf(err, errsz, "%s: \"context\" is %s, not an object", p, type_name(ctx));
        goto fail;
    }
    json_t *bs = json_object_get(root, "benchmarks");
    if (!bs) {
        snprintf(err, errsz, "%s: not Google Benchmark JSON: no \"benchmarks\" array", p);
        goto fail;
    }
    if (!json_is_array(bs)) {
        snprintf(err, errsz, "%s: \"benchmarks\" is %s, not an array", p, type_name(bs));
        goto fail;
    }
    size_t n = json_array_size(bs);
    f->rows = n ? calloc(n, sizeof *f->rows) : NULL;
    if (n && !f->rows) { snprintf(err, errsz, "%s: out of memory reading it", p); goto fail; }
    for (size_t i = 0; i < n; i++) {
        char why[256];
        json_t *b = json_array_get(bs, i);
        if (read_row(b, &f->rows[i], why, sizeof why) != 0) {
            free(f->rows[i].counters);
            const char *nm = json_is_object(b) ? json_string_value(json_object_get(b, "name")) : NULL;
            if (nm) snprintf(err, errsz, "%s: benchmarks[%zu] (%.100s) %s", p, i, nm, why);
            else snprintf(err, errsz, "%s: benchmarks[%zu] %s", p, i, why);
            goto fail;
        }
        f->n = i + 1;
    }
    return 0;
fail:
    mb_gb_free(f);
    return -1;
}

int mb_gb_load(const char *path, mb_gb_file_t *f, char *err, size_t errsz) {
    memset(f, 0, sizeof *f);
    snprintf(f->path, sizeof f->path, "%s", path);
    json_error_t je;
    mb_json_oom_reset();
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        if (mb_json_oom() || json_error_code(&je) == json_error_out_of_memory || !je.text[0])
            snprintf(err, errsz, "%s: out of memory reading it", path);
        else if (je.line > 0) snprintf(err, errsz, "%s: malformed JSON at line %d, column %d: %s", path, je.line, je.column, je.text);
        else snprintf(err, errsz, "%s: %s", path, je.text);
        return -1;
    }
    return read_root(root, f, err, errsz);
}

int mb_gb_parse(const char *buf, size_t len, const char *name, mb_gb_file_t *f, char *err, size_t errsz) {
    memset(f, 0, sizeof *f);
    snprintf(f->path, sizeof f->path, "%s", name);
    json_error_t je;
    mb_json_oom_reset();
    json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        if (mb_json_oom() || json_error_code(&je) == json_error_out_of_memory || !je.text[0]) {
            snprintf(err, errsz, "%s: out of memory reading it", name);
            return -1;
        }
        snprintf(err, errsz, "%s: malformed JSON at line %d, column %d: %s", name, je.line, je.column, je.text);
        return -1;
    }
    return read_root(root, f, err, errsz);
}

bool mb_gb_counter(const mb_gb_row_t *r, const char *name, double *v) {
    for (size_t i = 0; i < r->ncounters; i++)
        if (!strcmp(r->counters[i].name, name)) {
            *v = r->counters[i].value;
            return true;
        }
    return false;
}

const mb_gb_counter_t *mb_gb_counter_get(const mb_gb_row_t *r, const char *name) {
    for (size_t i = 0; i < r->ncounters; i++)
        if (!strcmp(r->counters[i].name, name)) return &r->counters[i];
    return NULL;
}
