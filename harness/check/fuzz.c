/* fuzz.c: differential fuzzing of the collectors against an independent reachability oracle. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/check/fuzz.h"
#include "harness/plugin/plugin.h"

/*
 * A seeded random program of allocations, stores, loads, drops and
 * collections runs through the mutator API, while a shadow model (plain C
 * arrays, no strategy code) records the object graph it builds. At each
 * check the oracle computes from the model alone which objects must exist:
 *
 *   collects cycles (after a full collection): exactly the reachable ones;
 *   counts without cycle collection (at any time): the reachable ones plus
 *     the unreachable ones on a cycle or reachable from one (what counting
 *     cannot free); deferred counting (rc-deferred) frees that same set
 *     after a full collection (a reconciliation), and between collections
 *     may still hold garbage it has not reconciled yet, never less;
 *   never frees: every object ever allocated.
 *
 * and compares with mb_exists() on every object the program ever made. Any
 * difference is a bug: an object freed while reachable (the worst kind),
 * or garbage the strategy should have freed. Values of reachable objects
 * are also read back and compared with the model (an int, a string, the
 * identity of what each slot holds). The program never depends on what the
 * strategy did, so a seed is a complete reproduction recipe.
 */

#define FZ_VARS 12                      /* variables of the one frame */
#define FZ_SLOTS 4                      /* most slots of a list */
#define FZ_SCRATCH FZ_VARS              /* a variable for reading slots back */

typedef struct fz_node {
    uint64_t id;                        /* mb_id of the object */
    int64_t value;                      /* int value, or string length */
    int32_t edge[FZ_SLOTS];             /* node index held by each slot, -1 = None */
    uint8_t kind;                       /* MB_LIST, MB_INT or MB_STR */
    uint8_t nslots;                     /* slots of a list */
    uint8_t freed;                      /* the oracle has seen it freed */
    uint8_t mark;                       /* scratch of the oracle */
} fz_node_t;

typedef struct fz {
    mb_rt_t *rt;                        /* the runtime under test */
    const mb_strategy_t *s;             /* its strategy */
    fz_node_t *nodes;                   /* every object the program made */
    size_t n, cap;                      /* nodes in use, allocated */
    int32_t var[FZ_VARS];               /* node held by each variable, -1 = None */
    uint64_t seed;                      /* for the report */
    uint64_t step;                      /* for the report */
    char *err;                          /* first failure, for the caller */
    size_t errsz;                       /* its buffer size */
    uint64_t collections;               /* the runtime's collections at the last check */
    const char *params;                 /* strategy parameters, or NULL */
} fz_t;

static int fz_fail(fz_t *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#include <stdarg.h>
static int fz_fail(fz_t *f, const char *fmt, ...) {
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    char spec[4200];
    snprintf(f->err, f->errsz, "fuzz: strategy %s, seed %" PRIu64 ", step %" PRIu64 ": %s "
             "(reproduce: membench fuzz -s %s --seed %" PRIu64 " --seeds 1%s%s)",
             f->s->name, f->seed, f->step, msg, mb_strategy_spec(f->s, spec, sizeof spec), f->seed,
             f->params ? " --params " : "",
             f->params ? f->params : "");
    return -1;
}

static int32_t fz_new_node(fz_t *f, uint8_t kind, uint8_t nslots, int64_t value) {
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 1024;
        f->nodes = realloc(f->nodes, f->cap * sizeof *f->nodes);
        if (!f->nodes) mb_oom("fuzz model");
    }
    fz_node_t *nd = &f->nodes[f->n];
    memset(nd, 0, sizeof *nd);
    nd->kind = kind;
    nd->nslots = nslots;
    nd->value = value;
    for (int i = 0; i < FZ_SLOTS; i++) nd->edge[i] = -1;
    return (int32_t)f->n++;
}

/* Oracle: mark (mark = 1) every node reachable from the variables. */
static void fz_reach(fz_t *f, int32_t *stack) {
    size_t sp = 0;
    for (size_t i = 0; i < f->n; i++) f->nodes[i].mark = 0;
    for (int v = 0; v < FZ_VARS; v++)
        if (f->var[v] >= 0 && !f->nodes[f->var[v]].mark) {
            f->nodes[f->var[v]].mark = 1;
            stack[sp++] = f->var[v];
        }
    while (sp) {
        fz_node_t *nd = &f->nodes[stack[--sp]];
        for (int i = 0; i < nd->nslots; i++) {
            int32_t t = nd->edge[i];
            if (t >= 0 && !f->nodes[t].mark) {
                f->nodes[t].mark = 1;
                stack[sp++] = t;
            }
        }
    }
}

/* Oracle for counting: among unreachable nodes not freed, mark (mark = 2)
 * those on a cycle or reachable from one: what reference counting keeps.
 * A node is on a cycle iff it can reach itself through unreachable nodes. */
static void fz_cyclic_garbage(fz_t *f, int32_t *stack, uint8_t *seen) {
    for (size_t u = 0; u < f->n; u++) {
        fz_node_t *nu = &f->nodes[u];
        if (nu->mark || nu->freed || nu->kind != MB_LIST) continue;
        /* Does u reach itself? Search from u's targets within the garbage. */
        memset(seen, 0, f->n);
        size_t sp = 0;
        bool cyc = false;
        for (int i = 0; i < nu->nslots; i++)
            if (nu->edge[i] >= 0 && !seen[nu->edge[i]]) { seen[nu->edge[i]] = 1; stack[sp++] = nu->edge[i]; }
        while (sp && !cyc) {
            int32_t x = stack[--sp];
            if ((size_t)x == u) { cyc = true; break; }
            fz_node_t *nx = &f->nodes[x];
            if (nx->mark == 1) continue;
            for (int i = 0; i < nx->nslots; i++)
                if (nx->edge[i] >= 0 && !seen[nx->edge[i]]) { seen[nx->edge[i]] = 1; stack[sp++] = nx->edge[i]; }
        }
        if (!cyc) continue;
        /* Everything u reaches is kept alive by the cycle. */
        sp = 0;
        if (nu->mark != 2) { nu->mark = 2; stack[sp++] = (int32_t)u; }
        while (sp) {
            fz_node_t *nx = &f->nodes[stack[--sp]];
            for (int i = 0; i < nx->nslots; i++) {
                int32_t t = nx->edge[i];
                if (t >= 0 && f->nodes[t].mark == 0) { f->nodes[t].mark = 2; stack[sp++] = t; }
            }
        }
    }
}

/* Compare the runtime with the oracle. `collected`: a full collection just
 * ran. After any other collection of a strategy that moves objects (a
 * minor one: not everything unreachable is gone), the reachable objects
 * must exist and read back as the model says: moved, not changed. */
static int fz_check(fz_t *f, bool collected) {
    unsigned a = f->s->attrs;
    uint64_t colls = mb_rt_stats(f->rt)->collections;
    bool moved = (a & MB_ATTR_MOVES) && colls != f->collections;
    f->collections = colls;
    if ((a & MB_ATTR_CYCLES) && !collected && !moved) return 0;   /* tracing frees only at collections */
    bool partial = (a & MB_ATTR_CYCLES) && !collected;   /* a collection, not a full one */
    /* Deferred counting between collections: nothing rc keeps may be freed,
     * but garbage may wait for the next reconciliation. */
    bool may_retain = (a & MB_ATTR_CONSERVATIVE) || ((a & MB_ATTR_DEFERRED) && !collected);
    int32_t *stack = malloc((f->n * FZ_SLOTS + FZ_VARS + 1) * sizeof *stack);
    uint8_t *seen = malloc(f->n + 1);
    if (!stack || !seen) mb_oom("fuzz oracle");
    fz_reach(f, stack);
    if ((a & MB_ATTR_COUNTS) && !(a & MB_ATTR_CYCLES)) fz_cyclic_garbage(f, stack, seen);
    int rc = 0;
    for (size_t i = 0; i < f->n && rc == 0; i++) {
        fz_node_t *nd = &f->nodes[i];
        if (nd->freed) {
            if (mb_exists(f->rt, nd->id)) rc = fz_fail(f, "object %zu came back after being freed", i);
            continue;
        }
        bool want = !(a & MB_ATTR_FREES) || nd->mark != 0;
        bool have = mb_exists(f->rt, nd->id);
        if (partial) {                  /* only: nothing reachable was freed */
            if (nd->mark == 1 && !have) rc = fz_fail(f, "object %zu (kind %d) was freed while reachable", i, nd->kind);
            continue;
        }
        if (want && !have)
            rc = fz_fail(f, "object %zu (kind %d) was freed while %s", i, nd->kind,
                         nd->mark == 1 ? "reachable" : "on or under an unreachable cycle (rc cannot free it)");
        else if (!want && have && !may_retain)
            rc = fz_fail(f, "object %zu (kind %d) is garbage but still allocated", i, nd->kind);
        else if (!have)
            nd->freed = 1;
    }
    /* Values: every variable's object reads back as the model says. */
    for (int v = 0; v < FZ_VARS && rc == 0; v++) {
        int32_t x = f->var[v];
        if (x < 0) {
            if (!mb_is_none(f->rt, (mb_var_t)v)) rc = fz_fail(f, "variable %d should be None", v);
            continue;
        }
        fz_node_t *nd = &f->nodes[x];
        if (mb_id(f->rt, (mb_var_t)v) != nd->id) { rc = fz_fail(f, "variable %d holds the wrong object", v); break; }
        if (nd->kind == MB_INT && mb_int_value(f->rt, (mb_var_t)v) != nd->value)
            rc = fz_fail(f, "variable %d: int changed", v);
        if (nd->kind == MB_STR && (int64_t)mb_len(f->rt, (mb_var_t)v) != nd->value)
            rc = fz_fail(f, "variable %d: string changed", v);
        if (nd->kind == MB_LIST)
            for (int s = 0; s < nd->nslots && rc == 0; s++) {
                mb_load(f->rt, FZ_SCRATCH, (mb_var_t)v, (uint32_t)s);
                uint64_t want_id = nd->edge[s] >= 0 ? f->nodes[nd->edge[s]].id : 0;
                if (mb_id(f->rt, FZ_SCRATCH) != want_id) rc = fz_fail(f, "variable %d slot %d holds the wrong object", v, s);
                mb_none(f->rt, FZ_SCRATCH);
            }
    }
    free(stack);
    free(seen);
    return rc;
}

/* One step's operation, drawn from r, on the runtime and the model alike; true if it was a collect(). */
static bool fz_step(fz_t *f, uint64_t r) {
    static const char *const words[] = {"", "a", "spam", "membench"};
    mb_var_t x = (mb_var_t)(r % FZ_VARS), y = (mb_var_t)((r >> 8) % FZ_VARS);
    unsigned slot = (unsigned)((r >> 16) % FZ_SLOTS);
    int32_t nx = f->var[x], ny = f->var[y];
    bool in_list = nx >= 0 && f->nodes[nx].kind == MB_LIST && slot < f->nodes[nx].nslots;
    switch ((r >> 24) % 16) {
    case 0: case 1: case 2: {           /* x = [None] * k */
        uint8_t k = (uint8_t)(1 + (r >> 32) % FZ_SLOTS);
        mb_new_list(f->rt, x, k);
        f->var[x] = fz_new_node(f, MB_LIST, k, 0);
        break;
    }
    case 3: {                           /* x = an int */
        int64_t val = (int64_t)(r >> 33) + 1000;
        mb_new_int(f->rt, x, val);
        f->var[x] = fz_new_node(f, MB_INT, 0, val);
        break;
    }
    case 4: {                           /* x = a string */
        const char *w = words[(r >> 33) % 4];
        mb_new_str(f->rt, x, w);
        f->var[x] = fz_new_node(f, MB_STR, 0, (int64_t)strlen(w));
        break;
    }
    case 5: case 6:                     /* x = y */
        mb_assign(f->rt, x, y);
        f->var[x] = ny;
        return false;
    case 7: case 8: case 9:             /* x[slot] = y */
        if (in_list) {
            mb_store(f->rt, x, slot, y);
            f->nodes[nx].edge[slot] = ny;
        }
        return false;
    case 10:                            /* x[slot] = None */
        if (in_list) {
            mb_store_none(f->rt, x, slot);
            f->nodes[nx].edge[slot] = -1;
        }
        return false;
    case 11:                            /* y = x[slot] */
        if (in_list) {
            mb_load(f->rt, y, x, slot);
            f->var[y] = f->nodes[nx].edge[slot];
        }
        return false;
    case 12: case 13:                   /* x = None */
        mb_none(f->rt, x);
        f->var[x] = -1;
        return false;
    case 14:                            /* gc.collect() */
        if ((r >> 40) % 4 != 0) return false;
        mb_collect(f->rt);
        return true;
    default:                            /* gc.disable() / gc.enable() */
        mb_auto_collect(f->rt, (r >> 40) & 1);
        return false;
    }
    f->nodes[f->var[x]].id = mb_id(f->rt, x);   /* a new object */
    return false;
}

static int fz_one(const mb_strategy_t *s, const char *params, uint64_t seed, uint64_t steps, char *err,
                  size_t errsz) {
    mb_options_t opt = {.census = true, .params = params};
    fz_t f = {.s = s, .seed = seed, .err = err, .errsz = errsz, .params = params};
    f.rt = mb_rt_new(s, &opt);
    if (!f.rt) return fz_fail(&f, "runtime could not be created");
    for (int v = 0; v < FZ_VARS; v++) f.var[v] = -1;
    mb_push(f.rt, FZ_VARS + 1);
    uint64_t rng = seed * 0x2545f4914f6cdd1dull + 1;
    int rc = 0;
    for (f.step = 0; f.step < steps && rc == 0; f.step++) {
        uint64_t r = mb_splitmix64(&rng);
        bool collected = fz_step(&f, r);
        bool moved = (s->attrs & MB_ATTR_MOVES) && mb_rt_stats(f.rt)->collections != f.collections;
        if (collected || moved || (r >> 48) % 16 == 0) rc = fz_check(&f, collected);
    }
    if (rc == 0) {
        mb_collect(f.rt);
        rc = fz_check(&f, true);
    }
    mb_pop(f.rt);
    mb_rt_free(f.rt);
    free(f.nodes);
    return rc;
}

int mb_fuzz_run(const mb_strategy_t *s, uint64_t seed, uint64_t steps, char *err, size_t errsz) {
    return fz_one(s, NULL, seed, steps, err, errsz);
}

int mb_fuzz_run_params(const mb_strategy_t *s, const char *params, uint64_t seed, uint64_t steps, char *err,
                       size_t errsz) {
    return fz_one(s, params, seed, steps, err, errsz);
}
