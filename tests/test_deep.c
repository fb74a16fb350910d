/* test_deep.c: 10,000,000-long chains freed and traced without overflowing the C stack. */
#include "tests/helpers.h"

/* Build head -> n1 -> n2 -> ... -> n_count, holding only the head. */
static void build_chain(mb_rt_t *rt, uint64_t count) {
    enum { HEAD, TAIL, NEW };
    test_build_chain(rt, count, HEAD, TAIL, NEW);
    mb_none(rt, TAIL);
    mb_none(rt, NEW);
}

STRATEGY_TEST(deep, chain_10m) {
    if (!has(s, MB_ATTR_FREES)) cr_skip_test("%s frees nothing", s->name);        /* none: nothing to free or trace */
    uint64_t count = test_size(10000000, 2000);
    mb_options_t opt = {0};                    /* no census: 10M entries would only slow this */
    mb_rt_t *rt = mb_rt_new(s, &opt);
    mb_push(rt, 3);
    /* Automatic collection off while building: this test is about depth;
     * debug builds verify the whole heap after each collection, and the
     * counting cycle collectors would otherwise run thousands of them. */
    mb_auto_collect(rt, false);
    build_chain(rt, count);
    mb_auto_collect(rt, true);
    if (has(s, MB_ATTR_TRACES)) {
        mb_collect(rt);                        /* trace the whole chain: all of it is live */
        cr_assert_eq(rt->mut.stats.live_objects, count, "tracing must keep the live chain");
    }
    mb_none(rt, 0);                            /* drop the head: a 10M cascade for counting strategies */
    if (frees_at_zero(s)) cr_assert_eq(rt->mut.stats.live_objects, 0, "rc frees the chain at once");
    if (has(s, MB_ATTR_DEFERRED)) cr_assert_eq(rt->mut.stats.live_objects, count, "%s: not before a reconciliation", s->name);
    mb_collect(rt);
    cr_assert(left_ok(s, rt->mut.stats.live_objects, 0));
    cr_assert(left_ok(s, count, rt->mut.stats.objects_freed), "never more freed than allocated");
    mb_pop(rt);
    mb_rt_free(rt);
}

/* The cascade that freed the chain is recorded as a pause under counting
 * strategies: at once, or (deferred counting) as the reconciliation that
 * freed it. */
STRATEGY_TEST(deep, cascade_is_a_pause) {
    if (!has(s, MB_ATTR_COUNTS)) cr_skip_test("%s keeps no reference counts", s->name);
    mb_rt_t *rt = test_rt(s, false);
    mb_push(rt, 3);
    build_chain(rt, 5000);
    size_t before = rt->pauses.n;
    mb_none(rt, 0);
    if (has(s, MB_ATTR_DEFERRED)) {
        cr_assert_eq(rt->pauses.n, before, "%s: nothing is freed before the reconciliation", s->name);
        mb_collect(rt);
        cr_assert_eq(rt->mut.stats.live_objects, 0, "%s: one reconciliation frees the chain", s->name);
    }
    cr_assert_eq(rt->pauses.n, before + 1, "a 5000-object cascade is one pause");
    mb_pop(rt);
    mb_rt_free(rt);
}

/* Rings of 10,000,000: traced while rooted, then collected unbroken by every
 * strategy that reclaims cycles; plain counting frees one only once it is
 * broken (then it is a 10M cascade). Never a C stack overflow. */
STRATEGY_TEST(deep, ring_10m) {
    if (!has(s, MB_ATTR_FREES)) cr_skip_test("%s frees nothing", s->name);
    uint64_t count = test_size(10000000, 2000);
    mb_options_t opt = {0};
    mb_rt_t *rt = mb_rt_new(s, &opt);
    mb_push(rt, 3);
    mb_auto_collect(rt, false);
    build_chain(rt, count);             /* head -> ... -> tail, then close the ring */
    mb_assign(rt, 1, 0);
    for (uint64_t i = 1; i < count; i++) mb_load(rt, 1, 1, 0);
    mb_store(rt, 1, 0, 0);
    mb_none(rt, 1);
    mb_auto_collect(rt, true);
    mb_collect(rt);
    cr_assert_eq(rt->mut.stats.live_objects, count, "%s: a rooted ring is live", s->name);
    if (!has(s, MB_ATTR_CYCLES)) {
        mb_store(rt, 0, 0, 2);          /* slot 2 is None: break the ring after the head */
        if (has(s, MB_ATTR_DEFERRED)) mb_collect(rt);   /* the cascade runs in the reconciliation */
        cr_assert_eq(rt->mut.stats.live_objects, 1, "%s: the broken ring cascades", s->name);
    }
    mb_none(rt, 0);
    mb_collect(rt);
    /* A conservative collector (boehm) may retain garbage, never free the live. */
    cr_assert(left_ok(s, rt->mut.stats.live_objects, 0), "%s left %llu of the ring", s->name,
              (unsigned long long)rt->mut.stats.live_objects);
    cr_assert(left_ok(s, count, rt->mut.stats.objects_freed));
    mb_pop(rt);
    mb_rt_free(rt);
}

/* A fan-out of 1,000,000 children under one list; with back_edges every
 * child points back to the parent (a million two-object cycles sharing one
 * member). Wide, not deep: the mark stack, the cascade and the candidate
 * scans must all take it. */
static void fanout(const mb_strategy_t *s, bool back_edges) {
    uint32_t width = (uint32_t)test_size(1000000, 2000);
    mb_options_t opt = {0};
    mb_rt_t *rt = mb_rt_new(s, &opt);
    enum { ROOT, CHILD, N };
    mb_push(rt, N);
    mb_auto_collect(rt, false);
    mb_new_list(rt, ROOT, width);
    for (uint32_t i = 0; i < width; i++) {
        mb_new_list(rt, CHILD, 1);
        if (back_edges) mb_store(rt, CHILD, 0, ROOT);
        mb_store(rt, ROOT, i, CHILD);
    }
    mb_none(rt, CHILD);
    mb_auto_collect(rt, true);
    mb_collect(rt);
    cr_assert_eq(rt->mut.stats.live_objects, (uint64_t)width + 1, "%s: a rooted fan-out is live", s->name);
    mb_none(rt, ROOT);
    mb_collect(rt);
    cr_assert(left_ok(s, rt->mut.stats.live_objects, 0), "%s left %llu of the fan-out", s->name,
              (unsigned long long)rt->mut.stats.live_objects);
    cr_assert(left_ok(s, (uint64_t)width + 1, rt->mut.stats.objects_freed));
    mb_pop(rt);
    mb_rt_free(rt);
}

STRATEGY_TEST(deep, fanout_1m) {
    if (!has(s, MB_ATTR_FREES)) cr_skip_test("%s frees nothing", s->name);
    fanout(s, false);
}

STRATEGY_TEST(deep, fanout_1m_cyclic) {
    if (!has(s, MB_ATTR_FREES) || !has(s, MB_ATTR_CYCLES)) cr_skip_test("%s does not free cycles", s->name);
    fanout(s, true);
}
