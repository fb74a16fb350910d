/* shard.c: `run --shard I/N`: parsing, the cost model, a previous results
 * file's times as costs, and the LPT assignment (docs/sharding.md). */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/base/gbench_read.h"
#include "harness/base/oom.h"
#include "harness/run/registry.h"
#include "harness/run/runner.h"
#include "harness/run/shard.h"

int mb_shard_parse(const char *text, unsigned *index, unsigned *count, char *err, size_t errsz) {
    const char *form = "I/N: two integers, N from 1 to " "10000" " shards and I from 0 to N-1";
    const char *slash = strchr(text, '/');
    unsigned long long v[2];
    const char *part[2] = {text, slash ? slash + 1 : NULL};
    for (int k = 0; k < 2; k++) {
        const char *p = part[k];
        char *end;
        if (!p || !*p || *p < '0' || *p > '9') goto bad;
        errno = 0;
        v[k] = strtoull(p, &end, 10);
        if (errno || end == p || (k == 0 ? end != slash : *end != '\0')) goto bad;
    }
    if (v[1] < 1 || v[1] > MB_SHARD_MAX) {
        snprintf(err, errsz, "--shard '%s': N must be from 1 to %d (the number of shards)", text, MB_SHARD_MAX);
        return -1;
    }
    if (v[0] >= v[1]) {
        snprintf(err, errsz, "--shard '%s': I must be from 0 to %llu (shards are numbered from 0)", text, v[1] - 1);
        return -1;
    }
    *index = (unsigned)v[0];
    *count = (unsigned)v[1];
    return 0;
bad:
    snprintf(err, errsz, "--shard must be %s, not '%s'", form, text);
    return -1;
}

/* A workload's own cost (its shard_seconds) at the default size; one
 * without (a trace) costs the mean over the registered workloads. Scaled
 * linearly by size, geometrically for a size that is a depth. */
double mb_shard_model_seconds(const mb_workload_t *w, uint64_t n) {
    double base = w->shard_seconds, mean = 0;
    size_t nm = mb_workload_count();
    for (size_t i = 0; i < nm; i++) mean += mb_workloads[i]->shard_seconds / (double)nm;
    if (base <= 0) base = mean;
    double d = (double)w->size_default, x = (double)n;
    /* A size that is an exponent (binary-trees' depth): each step doubles the work. */
    bool exponent = w->size_max && w->size_max <= 64;
    double scale = exponent ? pow(2.0, x - d) : d > 0 ? x / d : 1;
    return base * scale + MB_SHARD_OVERHEAD_S;
}

typedef struct costs_acc {
    json_t *sum, *count;
} costs_acc_t;

static int costs_row(void *arg, const mb_gb_row_t *r) {
    costs_acc_t *a = arg;
    if (r->aggregate || r->error || !r->has_times) return 0;
    json_t *s = json_object_get(a->sum, r->run_name), *c = json_object_get(a->count, r->run_name);
    double sv = s ? json_real_value(s) : 0;
    json_int_t cv = c ? json_integer_value(c) : 0;
    if (json_object_set_new(a->sum, r->run_name, json_real(sv + r->real_ns / 1e9)) != 0) return -1;
    if (json_object_set_new(a->count, r->run_name, json_integer(cv + 1)) != 0) return -1;
    return 0;
}

json_t *mb_shard_costs_read(const char *path, char *err, size_t errsz) {
    costs_acc_t a = {json_object(), json_object()};
    if (!a.sum || !a.count) {
        snprintf(err, errsz, "%s: out of memory", path);
        goto fail;
    }
    char rerr[900];
    if (mb_gb_read(path, costs_row, &a, NULL, rerr, sizeof rerr) != 0) {
        snprintf(err, errsz, "--shard-costs: cannot read %s", rerr);
        goto fail;
    }
    const char *k;
    json_t *v;
    json_object_foreach(a.sum, k, v) {
        json_int_t c = json_integer_value(json_object_get(a.count, k));
        json_real_set(v, json_real_value(v) / (double)(c > 0 ? c : 1));
    }
    json_decref(a.count);
    return a.sum;
fail:
    if (a.sum) json_decref(a.sum);
    if (a.count) json_decref(a.count);
    return NULL;
}

void mb_shard_assign(const double *cost, size_t n, unsigned count, unsigned *shard_of, double *load) {
    size_t *order = malloc((n ? n : 1) * sizeof *order);
    if (!order) {
        fprintf(stderr, "membench: out of memory (the shard plan)\n");
        exit(2);
    }
    for (size_t i = 0; i < n; i++) order[i] = i;
    /* costliest first; equal costs in plan order (insertion sort: stable, n is small) */
    for (size_t i = 1; i < n; i++) {
        size_t x = order[i], j = i;
        while (j > 0 && cost[order[j - 1]] < cost[x]) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = x;
    }
    for (unsigned k = 0; k < count; k++) load[k] = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned best = 0;
        for (unsigned k = 1; k < count; k++)
            if (load[k] < load[best]) best = k;
        shard_of[order[i]] = best;
        load[best] += cost[order[i]];
    }
    free(order);
}

json_t *mb_shard_plan(mb_suite_t *suite, unsigned index, unsigned count, const json_t *costs, const char *costs_path) {
    size_t nu = 0;
    const mb_workload_t **unit = malloc((suite->n + 1) * sizeof *unit);
    double *cost = calloc(suite->n + 1, sizeof *cost);
    unsigned *shard_of = malloc((suite->n + 1) * sizeof *shard_of);
    double *load = calloc(count, sizeof *load);
    if (!unit || !cost || !shard_of || !load) mb_harness_oom("the shard plan");
    size_t from_file = 0;
    for (size_t e = 0; e < suite->n; e++) {
        const mb_entry_t *x = &suite->v[e];
        if (!nu || unit[nu - 1] != x->c.workload) unit[nu++] = x->c.workload;
        const json_t *c = costs ? json_object_get(costs, x->name) : NULL;
        if (c) from_file++;
        cost[nu - 1] += c ? json_real_value(c) + MB_SHARD_OVERHEAD_S : mb_shard_model_seconds(x->c.workload, x->c.args.n);
    }
    mb_shard_assign(cost, nu, count, shard_of, load);
    size_t kept = 0;
    for (size_t e = 0, u = 0; e < suite->n; e++) {
        if (e && suite->v[e - 1].c.workload != suite->v[e].c.workload) u++;
        if (shard_of[u] == index) suite->v[kept++] = suite->v[e];
    }
    double total = 0, max = 0;
    for (unsigned k = 0; k < count; k++) {
        total += load[k];
        if (load[k] > max) max = load[k];
    }
    json_t *o = json_object(), *mine = json_array(), *plan = json_array();
    if (!o || !mine || !plan) mb_harness_oom("the shard plan");
    char names[2048] = "";
    size_t nmine = 0;
    for (size_t u = 0; u < nu; u++) {
        json_t *p = json_pack("{s:s, s:i, s:f}", "unit", unit[u]->name, "shard", (json_int_t)shard_of[u],
                              "estimated_seconds", round(cost[u] * 1000) / 1000);
        if (!p || json_array_append_new(plan, p) != 0) mb_harness_oom("the shard plan");
        if (shard_of[u] != index) continue;
        if (json_array_append_new(mine, json_string(unit[u]->name)) != 0) mb_harness_oom("the shard plan");
        size_t l = strlen(names);
        snprintf(names + l, sizeof names - l, "%s%s", nmine++ ? "," : "", unit[u]->name);
    }
    json_object_set_new(o, "index", json_integer(index));
    json_object_set_new(o, "count", json_integer(count));
    json_object_set_new(o, "units", mine);
    json_object_set_new(o, "estimated_seconds", json_real(round(load[index] * 1000) / 1000));
    json_object_set_new(o, "largest_over_mean", json_real(total > 0 ? round(max / (total / count) * 1000) / 1000 : 1));
    json_object_set_new(o, "costs", json_string(costs ? costs_path : "model"));
    json_object_set_new(o, "plan", plan);
    fprintf(stderr, "membench: shard %u/%u: %zu of %zu workloads (%s), estimated %.1f s of %.1f s; "
            "largest shard %.2fx the mean%s\n", index, count, nmine, nu, nmine ? names : "none", load[index], total,
            total > 0 ? max / (total / count) : 1.0, costs && from_file < suite->n ? " (some cases not in the costs file: model)" : "");
    suite->n = kept;
    free(unit);
    free(cost);
    free(shard_of);
    free(load);
    return o;
}
