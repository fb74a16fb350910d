/* scenarios.c: the seed tutorial's and the finalizers' scenarios as plain code with messages (scenarios.h). */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "harness/check/scenarios.h"

static int fail(char *err, size_t errsz, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errsz, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errsz, fmt, ap);
    va_end(ap);
    return MB_SC_FAIL;
}

static bool has(const mb_strategy_t *s, unsigned a) { return (s->attrs & a) != 0; }
static long want_count(const mb_strategy_t *s, long roots, long slots) {
    return has(s, MB_ATTR_DEFERRED) ? slots : roots + slots;
}
/* Exactly `want` left, or for a conservative strategy at least `want`. */
static bool left_ok(const mb_strategy_t *s, uint64_t got, uint64_t want) {
    return has(s, MB_ATTR_CONSERVATIVE) ? got >= want : got == want;
}

static mb_rt_t *new_rt(const mb_strategy_t *s, bool interning, mb_finalizer_mode_t fin) {
    mb_options_t opt = {.interning = interning, .census = true, .finalizers = fin};
    return mb_rt_new(s, &opt);
}

#define NEW_RT(interning, fin) \
    mb_rt_t *rt = new_rt(s, interning, fin); \
    if (!rt) return fail(err, errsz, "the runtime could not be created")
#define NEED(cond, ...) \
    do { if (!(cond)) { int r_ = fail(err, errsz, __VA_ARGS__); mb_rt_free(rt); return r_; } } while (0)

/* --- the seed tutorial (docs/design.md section 9) ---------------------------- */

int mb_sc_seed_aliasing(const mb_strategy_t *s, char *err, size_t errsz) {
    bool counts = has(s, MB_ATTR_COUNTS);
    for (int on = 0; on <= 1; on++) {
        NEW_RT(on, MB_FIN_MODERN);
        enum { X, A, T, N };
        mb_push(rt, N);
        mb_new_list(rt, X, 3);
        for (uint32_t i = 0; i < 3; i++) {
            mb_new_int(rt, T, i + 1);
            mb_store(rt, X, i, T);
        }
        mb_none(rt, T);
        mb_assign(rt, A, X);
        NEED(mb_is(rt, A, X) && mb_id(rt, A) == mb_id(rt, X), "scenario 1: a = x are not one object");
        long want = counts ? want_count(s, 2, 0) : MB_RC_NONE;
        NEED(mb_refcount(rt, X) == want, "scenario 1: count of x is %ld, expected %ld (%s)", mb_refcount(rt, X), want,
             counts ? "two names" : "MB_RC_NONE: no counts kept");
        mb_new_int(rt, T, 0);
        mb_load(rt, T, X, 2);
        NEED(mb_is_int(rt, T) && mb_int_value(rt, T) == 3, "scenario 1: x[2] is not 3");
        mb_none(rt, A);
        want = counts ? want_count(s, 1, 0) : MB_RC_NONE;
        NEED(mb_refcount(rt, X) == want, "scenario 1: after a = None, count of x is %ld, expected %ld",
             mb_refcount(rt, X), want);
        mb_pop(rt);
        mb_rt_free(rt);
    }
    return MB_SC_PASS;
}

int mb_sc_seed_cycle(const mb_strategy_t *s, char *err, size_t errsz) {
    NEW_RT(false, MB_FIN_MODERN);
    enum { MY_VAR, B, N };
    mb_auto_collect(rt, false);
    mb_push(rt, N);
    mb_new_list(rt, MY_VAR, 1);
    mb_new_list(rt, B, 1);
    mb_store(rt, MY_VAR, 0, B);
    mb_store(rt, B, 0, MY_VAR);
    uint64_t a = mb_id(rt, MY_VAR), b = mb_id(rt, B);
    mb_none(rt, B);
    bool counts = has(s, MB_ATTR_COUNTS);
    long want_a = counts ? want_count(s, 1, 1) : MB_RC_NONE, want_b = counts ? want_count(s, 0, 1) : MB_RC_NONE;
    NEED(mb_refcount_id(rt, a) == want_a, "scenario 2: count of A is %ld, expected %ld", mb_refcount_id(rt, a), want_a);
    NEED(mb_refcount_id(rt, b) == want_b, "scenario 2: count of B is %ld, expected %ld", mb_refcount_id(rt, b), want_b);
    mb_none(rt, MY_VAR);                /* my_var = None */
    mb_pop(rt);
    if (counts)
        NEED(mb_refcount_id(rt, a) == 1 && mb_refcount_id(rt, b) == 1, "scenario 2: after my_var = None, counts "
             "%ld and %ld, expected 1 and 1 (each held by the other)", mb_refcount_id(rt, a), mb_refcount_id(rt, b));
    NEED(mb_exists(rt, a) && mb_exists(rt, b), "scenario 2: the cycle was freed with automatic collection off, "
         "before collect()");
    NEED(mb_census(rt) == 2, "scenario 2: census %zu, expected 2", mb_census(rt));
    mb_collect(rt);
    bool freed = has(s, MB_ATTR_CYCLES);
    /* A conservative collector may keep the pair through a stale word; it must never free it early. */
    if (!has(s, MB_ATTR_CONSERVATIVE))
        NEED(mb_exists(rt, a) == !freed && mb_exists(rt, b) == !freed,
             "scenario 2: after collect() the cycle %s, but the strategy %s cycles", freed ? "still exists" : "is gone",
             freed ? "declares it collects" : "does not declare it collects");
    NEED(left_ok(s, mb_census(rt), freed ? 0 : 2), "scenario 2: census %zu after collect(), expected %d",
         mb_census(rt), freed ? 0 : 2);
    mb_rt_free(rt);
    return MB_SC_PASS;
}

/* a = v; b = v for two equal values made by mk: one object exactly when `one`. */
#define SAME(mk, v, one, what) \
    do { mk(rt, A, v); mk(rt, B, v); \
         NEED(mb_is(rt, A, B) == (one), "scenario 4: %s %s one object with interning %s", what, \
              (one) ? "are not" : "are", on ? "on" : "off"); } while (0)

int mb_sc_seed_interning(const mb_strategy_t *s, char *err, size_t errsz) {
    for (int on = 0; on <= 1; on++) {
        NEW_RT(on, MB_FIN_MODERN);
        enum { A, B, C, D, N };
        mb_push(rt, N);
        SAME(mb_new_int, 10, on, "a = 10; b = 10");
        if (on) NEED(mb_refcount(rt, A) == MB_RC_IMMORTAL, "scenario 4: an interned int is not immortal");
        SAME(mb_new_int, -5, on, "-5, the smallest cached int, twice");
        SAME(mb_new_int, 257, false, "257, not a small int, twice");
        SAME(mb_new_int, 1000, false, "int(\"1000\") twice");
        SAME(mb_new_str, "hello", on, "a = \"hello\"; b = \"hello\"");
        NEED(!strcmp(mb_str_value(rt, A), "hello"), "scenario 4: the string reads back as '%s'", mb_str_value(rt, A));
        mb_new_str(rt, C, "world");
        NEED(!mb_is(rt, A, C), "scenario 4: \"hello\" and \"world\" are one object");
        mb_new_list(rt, C, 3);
        mb_new_list(rt, D, 3);
        NEED(!mb_is(rt, C, D), "scenario 4: two lists are one object");
        mb_pop(rt);
        mb_teardown(rt);
        const mb_stats_t *st = mb_rt_stats(rt);
        uint64_t want = has(s, MB_ATTR_FREES) ? 0 : st->objects_allocated - st->immortal_objects;
        NEED(left_ok(s, st->leaked_objects, want), "scenario 4: %" PRIu64 " objects leaked after teardown, expected %"
             PRIu64 " (immortal objects are not leaks)", st->leaked_objects, want);
        NEED(st->immortal_objects == (on ? 4u : 0u), "scenario 4: %" PRIu64 " immortal objects, expected %d "
             "(10, -5, \"hello\", \"world\")", st->immortal_objects, on ? 4 : 0);
        mb_rt_free(rt);
    }
    return MB_SC_PASS;
}

/* --- finalizers (scenario 3) ---------------------------------------------------- */

/* A finalizer sees its object in variable 0; *ctx counts the calls that did not. */
static void fin_nop(mb_rt_t *rt, void *ctx) {
    if (!mb_is_list(rt, 0)) ++*(unsigned *)ctx;
}
/* globals[0] = self: the finalizer resurrects its object. */
static void fin_resurrect(mb_rt_t *rt, void *ctx) { (void)ctx; mb_gset(rt, 0, 0); }

void mb_sc_garbage_pair(mb_rt_t *rt, mb_finalizer_fn fa, mb_finalizer_fn fb, void *ctx, uint64_t *a, uint64_t *b) {
    enum { A, B, T, N };
    mb_push(rt, N);
    mb_new_list(rt, A, 2);
    mb_new_list(rt, B, 2);
    mb_store(rt, A, 0, B);
    mb_store(rt, B, 0, A);
    mb_new_int(rt, T, 5555);
    mb_store(rt, A, 1, T);
    if (fa) mb_set_finalizer(rt, A, fa, ctx);
    if (fb) mb_set_finalizer(rt, B, fb, ctx);
    *a = mb_id(rt, A);
    *b = mb_id(rt, B);
    mb_pop(rt);
}

const char *mb_sc_fin_skip(const mb_strategy_t *s) {
    if (!has(s, MB_ATTR_FREES)) return "never frees: no finalizer ever runs";
    if (has(s, MB_ATTR_CONSERVATIVE)) return "conservative: a stale word may keep the garbage, so counts are not exact";
    return NULL;
}

/* What collect() must have done to the pair: run both finalizers and free it
 * (modern), keep it in `garbage` (legacy), or nothing (no cycle collection). */
static int fin_first_collect(const mb_strategy_t *s, mb_rt_t *rt, bool legacy, uint64_t a, uint64_t b, char *err,
                             size_t errsz) {
    const mb_stats_t *st = mb_rt_stats(rt);
    if (has(s, MB_ATTR_CYCLES) && !legacy) {
        NEED(st->finalizers_run == 2, "cycle with finalizers: %" PRIu64 " finalizers ran at collect(), expected 2",
             st->finalizers_run);
        NEED(!mb_exists(rt, a) && !mb_exists(rt, b), "cycle with finalizers: not freed after its finalizers ran");
        NEED(mb_census(rt) == 0, "cycle with finalizers: census %zu after collect(), expected 0", mb_census(rt));
        NEED(rt->garbage.n == 0, "cycle with finalizers: %zu objects in garbage, expected none", rt->garbage.n);
    } else if (has(s, MB_ATTR_CYCLES)) {
        NEED(st->finalizers_run == 0, "legacy: %" PRIu64 " finalizers ran, expected none", st->finalizers_run);
        NEED(mb_exists(rt, a) && mb_exists(rt, b), "legacy: the cycle was freed instead of kept in garbage");
        NEED(rt->garbage.n == 2, "legacy: %zu objects in garbage, expected the 2 with finalizers", rt->garbage.n);
    } else {
        NEED(st->finalizers_run == 0, "%s does not collect cycles, yet %" PRIu64 " finalizers ran", s->name,
             st->finalizers_run);
        NEED(mb_exists(rt, a) && mb_exists(rt, b), "%s does not collect cycles, yet the cycle was freed", s->name);
    }
    return MB_SC_PASS;
}

int mb_sc_fin_cycle(const mb_strategy_t *s, mb_finalizer_mode_t m, char *err, size_t errsz) {
    bool cyc = has(s, MB_ATTR_CYCLES), legacy = m == MB_FIN_LEGACY;
    NEW_RT(false, m);
    mb_auto_collect(rt, false);
    uint64_t a, b;
    unsigned blind = 0;
    mb_sc_garbage_pair(rt, fin_nop, fin_nop, &blind, &a, &b);
    mb_collect(rt);
    if (fin_first_collect(s, rt, legacy, a, b, err, errsz) != MB_SC_PASS) return MB_SC_FAIL;   /* rt freed */
    NEED(blind == 0, "%u finalizers did not see their object in variable 0", blind);
    const mb_stats_t *st = mb_rt_stats(rt);
    mb_collect(rt);
    NEED(st->finalizers_run == (cyc && !legacy ? 2u : 0u), "a second collect() ran a finalizer again (%" PRIu64
         " in all)", st->finalizers_run);
    mb_teardown(rt);
    uint64_t unc = cyc && legacy ? 3 : 0, leaked = cyc ? 0 : 3;
    NEED(st->uncollectable_objects == unc, "%" PRIu64 " uncollectable objects after teardown, expected %" PRIu64,
         st->uncollectable_objects, unc);
    NEED(st->leaked_objects == leaked, "%" PRIu64 " objects leaked after teardown, expected %" PRIu64,
         st->leaked_objects, leaked);
    mb_rt_free(rt);
    return MB_SC_PASS;
}

/* The resurrected pair is intact: A[0] is B, B[0] is A, A[1] the int 5555, and counts where kept. */
static int pair_intact(const mb_strategy_t *s, mb_rt_t *rt, uint64_t a, uint64_t b, char *err, size_t errsz) {
    enum { A, B, T, N };
    mb_push(rt, N);
    mb_gget(rt, A, 0);
    NEED(mb_id(rt, A) == a && mb_len(rt, A) == 2, "resurrection: the global does not hold A, of length 2");
    mb_load(rt, B, A, 0);
    NEED(mb_id(rt, B) == b, "resurrection: A[0] is no longer B");
    mb_load(rt, T, B, 0);
    NEED(mb_is(rt, T, A), "resurrection: B[0] is no longer A");
    mb_load(rt, T, A, 1);
    NEED(mb_is_int(rt, T) && mb_int_value(rt, T) == 5555, "resurrection: A[1] no longer holds the int 5555");
    if (has(s, MB_ATTR_COUNTS))
        NEED(mb_refcount(rt, A) == 3 && mb_refcount(rt, B) == 2, "resurrection: counts of A and B are %ld and %ld, "
             "expected 3 (global, B[0], variable) and 2 (A[0], variable)", mb_refcount(rt, A), mb_refcount(rt, B));
    mb_pop(rt);
    return MB_SC_PASS;
}

int mb_sc_fin_resurrection(const mb_strategy_t *s, char *err, size_t errsz) {
    NEW_RT(false, MB_FIN_MODERN);
    const mb_stats_t *st = mb_rt_stats(rt);
    mb_auto_collect(rt, false);
    uint64_t a, b;
    unsigned blind = 0;
    mb_sc_garbage_pair(rt, fin_resurrect, fin_nop, &blind, &a, &b);
    mb_collect(rt);
    if (has(s, MB_ATTR_CONSERVATIVE) && st->finalizers_run == 0) {
        mb_rt_free(rt);
        snprintf(err, errsz, "%s kept the garbage alive conservatively (a stale word)", s->name);
        return MB_SC_RETAINED;
    }
    NEED(st->finalizers_run == 2, "resurrection: %" PRIu64 " finalizers ran, expected 2", st->finalizers_run);
    NEED(mb_exists(rt, a) && mb_exists(rt, b), "resurrection: an object its finalizer resurrected was freed");
    if (pair_intact(s, rt, a, b, err, errsz) != MB_SC_PASS) return MB_SC_FAIL;     /* rt freed */
    mb_collect(rt);
    NEED(mb_exists(rt, a) && st->finalizers_run == 2, "resurrection: still held by the global, yet freed or "
         "finalized again");
    mb_push(rt, 1);
    mb_gset(rt, 0, 0);                  /* globals[0] = None: garbage again */
    mb_pop(rt);
    mb_collect(rt);
    NEED(st->finalizers_run == 2, "resurrection: a finalizer ran twice (%" PRIu64 " in all)", st->finalizers_run);
    if (!has(s, MB_ATTR_CONSERVATIVE))
        NEED(!mb_exists(rt, a) && !mb_exists(rt, b), "resurrection: dropped again, the pair was not freed");
    NEED(mb_census(rt) == 0, "resurrection: census %zu after the pair was dropped again", mb_census(rt));
    mb_rt_free(rt);
    return MB_SC_PASS;
}
