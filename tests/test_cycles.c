/* test_cycles.c: cycle collection on every strategy: rings of many lengths, live structure never freed, garbage in pieces, freeze, deep rings. */
#include "tests/helpers.h"

/* Build a ring of `len` containers (2 slots: next, payload) in variable
 * `head`, node i's payload an int 1000 + i; uses variables tail and tmp. */
static void build_ring(mb_rt_t *rt, uint64_t len, mb_var_t head, mb_var_t tail, mb_var_t tmp) {
    mb_new_list(rt, head, 2);
    mb_new_int(rt, tmp, 1000);
    mb_store(rt, head, 1, tmp);
    mb_assign(rt, tail, head);
    for (uint64_t i = 1; i < len; i++) {
        mb_new_list(rt, tmp, 2);
        mb_store(rt, tail, 0, tmp);
        mb_assign(rt, tail, tmp);
        mb_new_int(rt, tmp, 1000 + (int64_t)i);
        mb_store(rt, tail, 1, tmp);
    }
    mb_store(rt, tail, 0, head);        /* close the ring */
    mb_none(rt, tail);
    mb_none(rt, tmp);
}

/* Walk the ring from `head`, checking every payload; returns the length. */
static uint64_t check_ring(mb_rt_t *rt, mb_var_t head, mb_var_t cur, mb_var_t tmp) {
    uint64_t n = 0;
    mb_assign(rt, cur, head);
    do {
        mb_load(rt, tmp, cur, 1);
        cr_assert(mb_is_int(rt, tmp), "ring node %llu lost its payload", (unsigned long long)n);
        cr_assert_eq(mb_int_value(rt, tmp), 1000 + (int64_t)n, "ring node %llu payload", (unsigned long long)n);
        mb_load(rt, cur, cur, 0);
        n++;
    } while (!mb_is(rt, cur, head));
    mb_none(rt, cur);
    mb_none(rt, tmp);
    return n;
}

/* Rings of length 1, 2, 100 and 100,000 (lists + payloads) become garbage
 * and are freed by one collection where cycles are collected. */
STRATEGY_TEST(cycles, ring_lengths) {
    const uint64_t lens[] = {1, 2, 100, test_size(100000, 300)};
    for (size_t k = 0; k < 4; k++) {
        mb_rt_t *rt = test_rt(s, false);
        mb_auto_collect(rt, false);
        mb_push(rt, 3);
        build_ring(rt, lens[k], 0, 1, 2);
        cr_assert_eq(check_ring(rt, 0, 1, 2), lens[k]);
        cr_assert_eq(mb_census(rt), 2 * lens[k]);
        mb_pop(rt);
        mb_collect(rt);
        uint64_t want = has(s, MB_ATTR_CYCLES) ? 0 : 2 * lens[k];
        cr_assert(left_ok(s, mb_census(rt), want), "%s ring of %llu: %zu objects left", s->name,
                     (unsigned long long)lens[k], mb_census(rt));
        mb_rt_free(rt);
    }
}

/* A ring hanging off a live object is never freed, however many of its
 * members were possible roots, and it stays intact; once the live object
 * drops it, it is collected. */
STRATEGY_TEST(cycles, ring_off_live_object) {
    mb_rt_t *rt = test_rt(s, false);
    enum { LIVE, RING, T1, T2, N };
    mb_auto_collect(rt, false);
    mb_push(rt, N);
    mb_new_list(rt, LIVE, 1);
    build_ring(rt, 50, RING, T1, T2);
    mb_store(rt, LIVE, 0, RING);
    mb_none(rt, RING);                  /* the ring's head count falls: a candidate root */
    for (int round = 0; round < 3; round++) {
        mb_collect(rt);
        cr_assert_eq(mb_census(rt), 1 + 100, "%s freed part of a live ring", s->name);
        mb_load(rt, RING, LIVE, 0);
        cr_assert_eq(check_ring(rt, RING, T1, T2), 50);
        if (has(s, MB_ATTR_COUNTS)) cr_assert_eq(mb_refcount(rt, RING), want_count(s, 1, 2), "LIVE[0], the last node, RING");
        mb_none(rt, RING);
    }
    mb_store_none(rt, LIVE, 0);
    mb_collect(rt);
    cr_assert(left_ok(s, mb_census(rt), has(s, MB_ATTR_CYCLES) ? 1 : 101));
    mb_pop(rt);
    mb_rt_free(rt);
}

/* The classic trial-deletion bug: a garbage cycle points to objects that
 * are still referenced from outside (X, itself on a live cycle with Y, and
 * a leaf). They must survive with correct counts and contents. */
STRATEGY_TEST(cycles, garbage_points_to_live) {
    mb_rt_t *rt = test_rt(s, false);
    enum { G1, G2, X, Y, LEAF, T, N };
    mb_auto_collect(rt, false);
    mb_push(rt, N);
    mb_new_list(rt, X, 2);
    mb_new_list(rt, Y, 2);
    mb_store(rt, X, 0, Y);
    mb_store(rt, Y, 0, X);              /* X <-> Y, held by variable X */
    mb_new_int(rt, LEAF, 77777);
    mb_store(rt, Y, 1, LEAF);
    test_new_pair(rt, G1, G2, 3);
    mb_store(rt, G1, 1, X);             /* garbage -> live cycle */
    mb_store(rt, G2, 1, Y);
    mb_store(rt, G2, 2, LEAF);          /* garbage -> live leaf */
    mb_none(rt, Y);
    mb_none(rt, G1);
    mb_none(rt, G2);
    mb_collect(rt);
    bool cyc = has(s, MB_ATTR_CYCLES);
    cr_assert(left_ok(s, mb_census(rt), cyc ? 3 : 5), "%s: %zu objects", s->name, mb_census(rt));
    mb_load(rt, Y, X, 0);
    mb_load(rt, T, Y, 0);
    cr_assert(mb_is(rt, T, X), "X <-> Y intact");
    mb_load(rt, T, Y, 1);
    cr_assert(mb_is(rt, T, LEAF));
    cr_assert_eq(mb_int_value(rt, T), 77777);
    if (has(s, MB_ATTR_COUNTS) && cyc) {
        cr_assert_eq(mb_refcount(rt, X), 2, "Y[0] and variable X (the garbage's reference is gone)");
        cr_assert_eq(mb_refcount(rt, Y), 2, "X[0] and variable Y");
        cr_assert_eq(mb_refcount(rt, LEAF), 3, "Y[1], LEAF, T");
    }
    mb_none(rt, T);
    mb_none(rt, Y);
    mb_none(rt, LEAF);
    mb_none(rt, X);
    mb_collect(rt);
    cr_assert(left_ok(s, mb_census(rt), cyc ? 0 : 5), "%s: %zu objects", s->name, mb_census(rt));
    mb_pop(rt);
    mb_rt_free(rt);
}

/* Cycles that become garbage in pieces: rings R0 -> R1 -> ... -> R4, each
 * held only by its predecessor after the first; cutting off one ring at a
 * time frees exactly that ring at each collection. */
STRATEGY_TEST(cycles, garbage_in_pieces) {
    if (!has(s, MB_ATTR_CYCLES)) cr_skip_test("%s collects no cycles", s->name);
    enum { HEAD, T1, T2, NEXT, TMP, N };
    const int pieces = 5, len = 20;
    mb_rt_t *rt = test_rt(s, false);
    mb_auto_collect(rt, false);
    mb_push(rt, N);
    mb_new_list(rt, HEAD, 1);           /* HEAD[0] = R0 */
    mb_assign(rt, NEXT, HEAD);
    for (int p = 0; p < pieces; p++) {
        build_ring(rt, len, T1, T2, TMP);
        mb_new_list(rt, T2, 1);         /* a link from this ring to the next */
        mb_store(rt, T1, 1, T2);        /* replaces node 0's payload: node 0 -> link */
        mb_store(rt, NEXT, 0, T1);
        mb_assign(rt, NEXT, T2);
        mb_none(rt, T1);
        mb_none(rt, T2);
    }
    mb_none(rt, NEXT);
    size_t per = 2 * len;               /* len lists + (len - 1) payloads + 1 link */
    mb_collect(rt);                     /* (frees the replaced payloads under mark-sweep) */
    cr_assert_eq(mb_census(rt), 1 + pieces * per, "everything is still reachable");
    /* Cut the chain of rings after ring p, from the last cut backwards. */
    for (int p = pieces - 1; p >= 0; p--) {
        mb_assign(rt, NEXT, HEAD);
        for (int q = 0; q < p; q++) {   /* walk to ring q's link */
            mb_load(rt, NEXT, NEXT, 0);
            mb_load(rt, NEXT, NEXT, 1);
        }
        mb_store_none(rt, NEXT, 0);     /* ring p and all after it are garbage */
        mb_none(rt, NEXT);
        mb_collect(rt);
        cr_assert(left_ok(s, mb_census(rt), 1 + (size_t)p * per), "%s after cutting at ring %d: %zu", s->name, p,
                     mb_census(rt));
    }
    mb_pop(rt);
    mb_rt_free(rt);
}

/* Automatic collection: with collection enabled, dropped pairs do not pile
 * up under a cycle collector (the candidate buffer, generation counts or
 * the heap policy trigger collections). */
STRATEGY_TEST(cycles, automatic_collection) {
    if (!has(s, MB_ATTR_CYCLES)) cr_skip_test("%s collects no cycles", s->name);
    uint64_t n = test_size(100000, 20000);  /* 6 MiB of pairs: past the heap policy's 1 MiB and a 4 MiB nursery */
    mb_options_t opt = {0};
    mb_rt_t *rt = mb_rt_new(s, &opt);
    enum { A, B, N };
    mb_push(rt, N);
    for (uint64_t i = 0; i < n; i++) {
        test_new_pair(rt, A, B, 1);
        mb_none(rt, A);
        mb_none(rt, B);
    }
    cr_assert_gt(rt->mut.stats.collections, 0, "%s never collected automatically", s->name);
    cr_assert_lt(rt->mut.stats.live_objects, 2 * n, "%s: garbage piled up", s->name);
    mb_pop(rt);
    mb_rt_free(rt);
}

/* gc.freeze(): what exists at the freeze is never collected by a strategy
 * with a permanent generation; elsewhere freeze changes nothing. */
STRATEGY_TEST(cycles, freeze) {
    mb_rt_t *rt = test_rt(s, false);
    enum { A, B, N };
    mb_auto_collect(rt, false);
    mb_push(rt, N);
    test_new_pair(rt, A, B, 1);
    mb_freeze(rt);
    uint64_t a_id = mb_id(rt, A);
    mb_none(rt, A);
    mb_none(rt, B);
    mb_new_list(rt, A, 1);              /* a young cycle, made after the freeze */
    mb_store(rt, A, 0, A);
    mb_none(rt, A);
    mb_collect(rt);
    bool cyc = has(s, MB_ATTR_CYCLES);
    if (s->freeze) {
        cr_assert(mb_exists(rt, a_id), "%s collected a frozen cycle", s->name);
        cr_assert_eq(mb_census(rt), 2, "only the young cycle is collected");
    } else {
        /* a conservative collector may keep the cycle (a stale word on the stack) */
        if (!has(s, MB_ATTR_CONSERVATIVE)) cr_assert_eq(mb_exists(rt, a_id), !cyc);
        cr_assert(left_ok(s, mb_census(rt), cyc ? 0 : 3), "%s: census %llu", s->name,
                  (unsigned long long)mb_census(rt));
    }
    mb_pop(rt);
    mb_rt_free(rt);
}

/* A 10,000,000-member ring collected in one collection, without C stack
 * overflow (every phase uses an explicit stack). */
STRATEGY_TEST(cycles, ring_10m) {
    if (!has(s, MB_ATTR_CYCLES) || !has(s, MB_ATTR_COUNTS)) cr_skip_test("%s does not count and collect cycles", s->name);
    uint64_t count = test_size(10000000, 2000);
    mb_options_t opt = {0};
    mb_rt_t *rt = mb_rt_new(s, &opt);
    enum { HEAD, TAIL, NEW, N };
    mb_push(rt, N);
    mb_auto_collect(rt, false);         /* one collection, after the ring is garbage */
    test_build_chain(rt, count, HEAD, TAIL, NEW);
    mb_store(rt, TAIL, 0, HEAD);
    mb_pop(rt);
    cr_assert_eq(rt->mut.stats.live_objects, count, "counting alone frees no member of a ring");
    mb_collect(rt);
    cr_assert_eq(rt->mut.stats.live_objects, 0, "%s left %llu of the ring", s->name,
                 (unsigned long long)rt->mut.stats.live_objects);
    cr_assert_eq(rt->mut.stats.objects_freed, count);
    mb_rt_free(rt);
}

/* Strategy parameters: rc-cycle's `threshold` and rc-gen's thresholds are
 * accepted through --params; unknown keys and bad values are refused. */
Test(cycles, params) {
    char out[8192];
    cr_assert_eq(run_cli("run -s rc-cycle -w cycle-pairs -n 2000 -i off --params threshold=5", out, sizeof out), 0, "%s", out);
    cr_assert_eq(run_cli("run -s rc-gen -w cycle-pairs -n 2000 -i off --params threshold0=100,threshold1=2,threshold2=2",
                         out, sizeof out), 0, "%s", out);
    /* bad parameters are bad usage (exit 2, a message), not any nonzero exit (a crash is 139) */
    int st = run_cli("run -s rc-cycle -w cycle-pairs -n 10 -i off --params threshold=x", out, sizeof out);
    cr_assert_eq(st, 2, "exit %d: %s", st, out);
    cr_assert(strstr(out, "membench: --params threshold must be an integer"), "%s", out);
    st = run_cli("run -s rc-gen -w cycle-pairs -n 10 -i off --params bogus=1", out, sizeof out);
    cr_assert_eq(st, 2, "exit %d: %s", st, out);
    cr_assert(strstr(out, "membench: bad --params 'bogus=1' for strategy rc-gen"), "%s", out);
}

/* rc-cycle's buffer threshold decides how often it collects: a smaller
 * threshold, more collections (deterministic counts, not timing). */
Test(cycles, rc_cycle_threshold) {
    if (getenv("MB_TEST_SMALL")) cr_skip_test("stress build: a collection at every allocation");
    const mb_strategy_t *s = mb_find_strategy("rc-cycle");
    uint64_t colls[2];
    const char *params[2] = {"threshold=100", "threshold=5000"};
    for (int k = 0; k < 2; k++) {
        mb_options_t opt = {.params = params[k]};
        mb_rt_t *rt = mb_rt_new(s, &opt);
        cr_assert_not_null(rt);
        mb_push(rt, 2);
        for (int i = 0; i < 20000; i++) {
            test_new_pair(rt, 0, 1, 1);
            mb_none(rt, 0);
            mb_none(rt, 1);
        }
        colls[k] = rt->mut.stats.collections;
        mb_pop(rt);
        mb_rt_free(rt);
    }
    cr_assert_gt(colls[0], colls[1], "threshold 100: %llu collections, 5000: %llu", (unsigned long long)colls[0],
                 (unsigned long long)colls[1]);
}

/* Objects freed while they are candidate roots: rc-cycle's buffer must
 * forget them (the debug verifier checks every buffer entry is a live
 * container after each collection; freed memory is poisoned there). */
STRATEGY_TEST(cycles, candidate_freed_before_collection) {
    mb_rt_t *rt = test_rt(s, false);
    enum { X, Y, N };
    mb_push(rt, N);
    for (int i = 0; i < 5000; i++) {
        mb_new_list(rt, X, 1);
        mb_assign(rt, Y, X);
        mb_none(rt, Y);                 /* count 2 -> 1: a possible root */
        mb_none(rt, X);                 /* count 1 -> 0: freed while buffered */
    }
    mb_collect(rt);
    cr_assert(left_ok(s, mb_census(rt), has(s, MB_ATTR_FREES) ? 0 : 5000));
    mb_pop(rt);
    mb_rt_free(rt);
}

/* rc-gen's young-generation trigger, as CPython's: a collection is requested
 * when count0 passes threshold0 and runs at the next allocation. 10,000 live
 * containers with threshold0 = 2000 mean collections at allocations 2002,
 * 4003, 6004 and 8005. */
Test(cycles, rc_gen_threshold0) {
    if (getenv("MB_TEST_SMALL")) cr_skip_test("stress build: a collection at every allocation");
    mb_options_t opt = {0};
    mb_rt_t *rt = mb_rt_new(mb_find_strategy("rc-gen"), &opt);
    mb_push(rt, 2);
    mb_new_list(rt, 0, 9999);           /* allocation 1 */
    for (uint32_t i = 0; i < 9999; i++) {
        mb_new_list(rt, 1, 0);
        mb_store(rt, 0, i, 1);
    }
    cr_assert_eq(rt->mut.stats.collections, 4, "%llu collections", (unsigned long long)rt->mut.stats.collections);
    cr_assert_eq(rt->mut.stats.live_objects, 10000, "nothing live is collected");
    mb_pop(rt);
    mb_rt_free(rt);
}
