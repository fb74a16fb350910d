/* merge.c: `membench merge`: the shards of one `run --shard I/N` plan into one
 * results file (merge.h, docs/sharding.md). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/base/gbench_read.h"
#include "harness/base/json_read.h"
#include "harness/results/merge.h"
#include "harness/run/shard.h"

/* Options that may differ between shards: which shard, and where and how it was written. */
static bool option_may_differ(const char *k) {
    return !strcmp(k, "shard") || !strcmp(k, "shard-costs") || !strcmp(k, "out") || !strcmp(k, "format");
}

typedef struct shard_file {
    const char *path;
    json_t *doc, *ctx, *shard;
    unsigned index, count;
} shard_file_t;

/* One option's value as text, for a message: a string as it is, else JSON. */
static void value_text(const json_t *v, char *buf, size_t n) {
    if (!v) snprintf(buf, n, "(not given)");
    else if (json_is_string(v)) snprintf(buf, n, "'%s'", json_string_value(v));
    else {
        char *t = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
        snprintf(buf, n, "%s", t ? t : "?");
        free(t);
    }
}

/* The first option whose value differs between a and b (either side), or NULL. */
static const char *options_differ(const json_t *a, const json_t *b, const json_t **va, const json_t **vb) {
    for (int side = 0; side < 2; side++) {
        const json_t *x = side ? b : a, *y = side ? a : b;
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)x, k, v) {
            if (option_may_differ(k)) continue;
            const json_t *w = json_object_get(y, k);
            if (!w || !json_equal(v, (json_t *)w)) {
                *va = side ? w : v;
                *vb = side ? v : w;
                return k;
            }
        }
    }
    return NULL;
}

static int load_shard(const char *path, shard_file_t *s, char *err, size_t errsz) {
    memset(s, 0, sizeof *s);
    s->path = path;
    mb_gb_file_t f;
    char gerr[900];
    if (mb_gb_load(path, &f, gerr, sizeof gerr) != 0) {   /* the rules of report and compare */
        snprintf(err, errsz, "merge: %s is not a results file: %s", path, gerr);
        return -1;
    }
    mb_gb_free(&f);
    if (!(s->doc = mb_json_load_file(path, gerr, sizeof gerr))) {
        snprintf(err, errsz, "merge: cannot read %s", gerr);
        return -1;
    }
    s->ctx = json_object_get(s->doc, "context");
    if (!mb_json_str(s->ctx, "membench_version") || !mb_json_str(s->ctx, "git_commit") ||
        !json_is_object(json_object_get(s->ctx, "options"))) {
        snprintf(err, errsz, "merge: %s is not a membench run's results file (its context has no membench_version, "
                 "git_commit or options)", path);
        return -1;
    }
    s->shard = json_object_get(s->ctx, "shard");
    if (!s->shard) {
        snprintf(err, errsz, "merge: %s is not a shard: it was run without --shard I/N", path);
        return -1;
    }
    const json_t *i = json_object_get(s->shard, "index"), *c = json_object_get(s->shard, "count");
    if (!json_is_integer(i) || !json_is_integer(c) || json_integer_value(c) < 1 ||
        json_integer_value(c) > MB_SHARD_MAX || json_integer_value(i) < 0 || json_integer_value(i) >= json_integer_value(c) ||
        !json_is_array(json_object_get(s->shard, "plan"))) {
        snprintf(err, errsz, "merge: %s: its context's shard is not {\"index\": I, \"count\": N, \"plan\": [...]} "
                 "with 0 <= I < N <= %d", path, MB_SHARD_MAX);
        return -1;
    }
    s->index = (unsigned)json_integer_value(i);
    s->count = (unsigned)json_integer_value(c);
    return 0;
}

/* Check s against the first shard f and the shards before it. */
static int check_shard(const shard_file_t *v, int k, char *err, size_t errsz) {
    const shard_file_t *s = &v[k], *f = &v[0];
    for (int j = 0; j < k; j++) {
        char a[PATH_MAX], b[PATH_MAX];
        if (realpath(v[j].path, a) && realpath(s->path, b) && !strcmp(a, b)) {
            snprintf(err, errsz, "merge: %s is given twice", s->path);
            return -1;
        }
        if (v[j].index == s->index) {
            snprintf(err, errsz, "merge: %s: shard %u/%u is given twice (also %s)", s->path, s->index, s->count, v[j].path);
            return -1;
        }
    }
    if (k == 0) return 0;
    const char *ca = mb_json_str(f->ctx, "git_commit"), *cb = mb_json_str(s->ctx, "git_commit");
    if (strcmp(ca, cb)) {
        snprintf(err, errsz, "merge: %s was built from commit %s, but %s from %s: every shard must come from one commit",
                 s->path, cb, f->path, ca);
        return -1;
    }
    const char *ba = mb_json_str(f->ctx, "library_build_type"), *bb = mb_json_str(s->ctx, "library_build_type");
    if ((ba || bb) && (!ba || !bb || strcmp(ba, bb))) {
        snprintf(err, errsz, "merge: %s is a %s build's, but %s a %s build's", s->path, bb ? bb : "?", f->path, ba ? ba : "?");
        return -1;
    }
    if (s->count != f->count) {
        snprintf(err, errsz, "merge: %s is shard %u/%u, but %s is shard %u/%u: every shard must have the same N",
                 s->path, s->index, s->count, f->path, f->index, f->count);
        return -1;
    }
    const json_t *va, *vb;
    const char *key = options_differ(json_object_get(f->ctx, "options"), json_object_get(s->ctx, "options"), &va, &vb);
    if (key) {
        char ta[256], tb[256];
        value_text(vb, tb, sizeof tb);
        value_text(va, ta, sizeof ta);
        snprintf(err, errsz, "merge: %s was run with --%s %s, but %s with --%s %s: every shard needs the same options "
                 "but --shard", s->path, key, tb, f->path, key, ta);
        return -1;
    }
    if (!json_equal(json_object_get(f->shard, "plan"), json_object_get(s->shard, "plan"))) {
        snprintf(err, errsz, "merge: %s planned its shards otherwise than %s (a different --shard-costs file?): "
                 "the shards may overlap", s->path, f->path);
        return -1;
    }
    return 0;
}

typedef struct mentry {
    json_t *e;
    unsigned shard;
    long long family;
    size_t pos;
} mentry_t;

static int by_plan(const void *a, const void *b) {
    const mentry_t *x = a, *y = b;
    if (x->family != y->family) return x->family < y->family ? -1 : 1;
    if (x->shard != y->shard) return x->shard < y->shard ? -1 : 1;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* What each shard's machine was, for the merged context. */
/* The runs a shard finished (its entries that are not aggregates), and the
 * runs it planned: its runs_planned when it was interrupted, else those. */
static void shard_runs(const shard_file_t *s, json_int_t *finished, json_int_t *planned) {
    json_t *e;
    size_t i;
    *finished = 0;
    json_array_foreach(json_object_get(s->doc, "benchmarks"), i, e) {
        const char *t = mb_json_str(e, "run_type");
        if (!t || strcmp(t, "aggregate")) ++*finished;
    }
    const json_t *rp = json_object_get(s->ctx, "runs_planned");
    *planned = json_is_true(json_object_get(s->ctx, "incomplete")) && json_is_integer(rp) &&
                       json_integer_value(rp) >= *finished ? json_integer_value(rp) : *finished;
}

static json_t *shard_summary(const shard_file_t *s) {
    static const char *const keys[] = {"host_name", "date", "num_cpus", "mhz_per_cpu", "cpu_model", "cpu_scaling_enabled",
                                       "load_avg", "kernel", "executable", "incomplete", "interrupted_by"};
    json_t *o = json_object();
    if (!o) return NULL;
    json_object_set_new(o, "index", json_integer(s->index));
    json_object_set_new(o, "file", json_string(s->path));
    for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
        json_t *v = json_object_get(s->ctx, keys[k]);
        if (v) json_object_set(o, keys[k], v);
    }
    json_t *u = json_object_get(s->shard, "units"), *e = json_object_get(s->shard, "estimated_seconds");
    if (u) json_object_set(o, "units", u);
    if (e) json_object_set(o, "estimated_seconds", e);
    return o;
}

/* Which of the plan's count shards were given (have[i]), and how many are missing (*missing); -1 with err when
 * some are and allow_partial is not given. */
static int find_missing(const shard_file_t *v, int n, unsigned count, bool *have, bool allow_partial,
                        unsigned *missing, char *err, size_t errsz) {
    for (int k = 0; k < n; k++) have[v[k].index] = true;
    char list[512] = "";
    for (unsigned i = 0; i < count; i++)
        if (!have[i]) {
            size_t l = strlen(list);
            if (l < sizeof list - 16) snprintf(list + l, sizeof list - l, "%s%u/%u", *missing ? ", " : "", i, count);
            ++*missing;
        }
    if (*missing && !allow_partial) {
        snprintf(err, errsz, "merge: shard%s %s missing (%d of %u given; --allow-partial merges without %s)",
                 *missing > 1 ? "s" : "", list, n, count, *missing > 1 ? "them" : "it");
        return -1;
    }
    return 0;
}

/* Every entry, with its shard and the whole plan's family index, into m (*nm of them), sorted in the unsharded
 * run's order; where: run_name -> the file it came from. 0, -1 with err (the shards overlap), -2 out of memory. */
static int gather_entries(const shard_file_t *v, int n, json_t *where, mentry_t *m, size_t *nm, char *err,
                          size_t errsz) {
    *nm = 0;
    for (int k = 0; k < n; k++) {
        json_t *b = json_object_get(v[k].doc, "benchmarks"), *e;
        size_t pos;
        json_array_foreach(b, pos, e) {
            const char *rn = mb_json_str(e, "run_name") ? mb_json_str(e, "run_name") : mb_json_str(e, "name");
            const char *other = mb_json_str(where, rn);
            if (other && strcmp(other, v[k].path)) {
                snprintf(err, errsz, "merge: %s: case %s is in %s too: the shards overlap", v[k].path, rn, other);
                return -1;
            }
            if (!other && json_object_set_new(where, rn, json_string(v[k].path)) != 0) return -2;
            json_t *fi = json_object_get(e, "family_index");
            m[(*nm)++] = (mentry_t){e, v[k].index, json_is_integer(fi) ? json_integer_value(fi) : 0, pos};
        }
    }
    if (*nm) qsort(m, *nm, sizeof *m, by_plan);
    return 0;
}

/* Into ctx: the hosts, the plan, every shard's summary in shard order, and what was missing or interrupted. */
static void shards_context(json_t *ctx, const shard_file_t *v, int n, unsigned count, const bool *have,
                           unsigned missing, json_t *plan, json_t *shards) {
    char hosts[1024] = "";
    json_t *interrupted = json_array();
    json_int_t runs_finished = 0, runs_planned = 0;    /* over the shards given */
    for (unsigned i = 0; i < count; i++)
        for (int k = 0; k < n; k++) {
            if (v[k].index != i) continue;
            json_array_append_new(shards, shard_summary(&v[k]));
            json_int_t f, p;
            shard_runs(&v[k], &f, &p);
            runs_finished += f;
            runs_planned += p;
            const char *h = mb_json_str(v[k].ctx, "host_name");
            if (h && !strstr(hosts, h)) {
                size_t l = strlen(hosts);
                snprintf(hosts + l, sizeof hosts - l, "%s%s", l ? ", " : "", h);
            }
            if (json_is_true(json_object_get(v[k].ctx, "incomplete"))) json_array_append_new(interrupted, json_integer(i));
        }
    if (hosts[0]) json_object_set_new(ctx, "host_name", json_string(hosts));
    json_object_set_new(ctx, "shard_count", json_integer(count));
    json_object_set(ctx, "shard_plan", plan);
    json_object_set_new(ctx, "shards", shards);
    if (missing || json_array_size(interrupted)) {
        json_t *miss = json_array();
        for (unsigned i = 0; i < count; i++)
            if (!have[i]) json_array_append_new(miss, json_integer(i));
        json_object_set_new(ctx, "incomplete", json_true());
        json_object_set_new(ctx, "shards_missing", miss);
        if (json_array_size(interrupted)) {
            const char *by = NULL;
            for (int k = 0; k < n && !by; k++) by = mb_json_str(v[k].ctx, "interrupted_by");
            if (by) json_object_set_new(ctx, "interrupted_by", json_string(by));
            json_object_set(ctx, "shards_interrupted", interrupted);
            json_object_set_new(ctx, "runs_planned", json_integer(runs_planned));
            json_object_set_new(ctx, "runs_finished", json_integer(runs_finished));
        }
    }
    json_decref(interrupted);
}

/* The merged context: the lowest shard's, its own "shard" replaced by every shard's. NULL: out of memory. */
static json_t *merged_context(const shard_file_t *v, int n, unsigned count, const bool *have, unsigned missing) {
    const shard_file_t *lo = &v[0];
    for (int k = 1; k < n; k++)
        if (v[k].index < lo->index) lo = &v[k];
    json_t *ctx = json_deep_copy(lo->ctx), *shards = json_array();
    if (!ctx || !shards) {
        json_decref(ctx);
        json_decref(shards);
        return NULL;
    }
    static const char *const drop[] = {"shard", "incomplete", "interrupted_by", "runs_planned", "runs_finished"};
    for (size_t i = 0; i < sizeof drop / sizeof *drop; i++) json_object_del(ctx, drop[i]);
    shards_context(ctx, v, n, count, have, missing, json_object_get(lo->shard, "plan"), shards);
    return ctx;
}

/* The entries in the unsharded run's order into bench, families numbered 0, 1, ... -1: out of memory. */
static int renumber(const mentry_t *m, size_t nm, json_t *bench) {
    long long fam = -1, prev = LLONG_MIN;
    unsigned prev_shard = 0;
    for (size_t i = 0; i < nm; i++) {
        if (m[i].family != prev || m[i].shard != prev_shard) fam++;
        prev = m[i].family;
        prev_shard = m[i].shard;
        json_t *e = m[i].e;
        json_object_set_new(e, "family_index", json_integer(fam));
        json_object_set_new(e, "shard", json_integer(m[i].shard));
        if (json_array_append(bench, e) != 0) return -1;
    }
    return 0;
}

int mb_merge(char *const *paths, int n, bool allow_partial, json_t **out, unsigned *missing, char *err, size_t errsz) {
    *out = NULL;
    *missing = 0;
    int rc = -1;
    shard_file_t *v = calloc((size_t)n, sizeof *v);
    mentry_t *m = NULL;
    bool *have = NULL;
    json_t *where = json_object(), *merged = NULL, *ctx = NULL, *bench = NULL;  /* where: run_name -> its file */
    if (!v || !where) goto oom;
    for (int k = 0; k < n; k++)
        if (load_shard(paths[k], &v[k], err, errsz) != 0 || check_shard(v, k, err, errsz) != 0) goto done;
    unsigned count = v[0].count;
    if (!(have = calloc(count, sizeof *have))) goto oom;
    if (find_missing(v, n, count, have, allow_partial, missing, err, errsz) != 0) goto done;
    size_t total = 0, nm;
    for (int k = 0; k < n; k++) total += json_array_size(json_object_get(v[k].doc, "benchmarks"));
    if (!(m = calloc(total ? total : 1, sizeof *m))) goto oom;
    int g = gather_entries(v, n, where, m, &nm, err, errsz);
    if (g == -1) goto done;
    if (g != 0 || !(ctx = merged_context(v, n, count, have, *missing)) || !(bench = json_array()) ||
        !(merged = json_object()))
        goto oom;
    json_object_set_new(merged, "context", ctx);
    ctx = NULL;
    if (renumber(m, nm, bench) != 0) goto oom;
    json_object_set_new(merged, "benchmarks", bench);
    bench = NULL;
    *out = merged;
    merged = NULL;
    rc = 0;
    goto done;
oom:
    snprintf(err, errsz, "out of memory (merging)");
done:
    json_decref(merged);
    json_decref(ctx);
    json_decref(bench);
    json_decref(where);
    free(m);
    free(have);
    for (int k = 0; v && k < n; k++)
        if (v[k].doc) json_decref(v[k].doc);
    free(v);
    return rc;
}
