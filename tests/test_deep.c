/* test_deep.c: 10,000,000-long chains freed and traced without overflowing the C stack. */
#include "helpers.h"

/* Build head -> n1 -> n2 -> ... -> n_count, holding only the head. */
static void build_chain(mb_rt_t *rt, uint64_t count) {
    enum { HEAD, TAIL, NEW };
    mb_new_list(rt, HEAD, 1);
    mb_assign(rt, TAIL, HEAD);
    for (uint64_t i = 1; i < count; i++) {
        mb_new_list(rt, NEW, 1);
        mb_store(rt, TAIL, 0, NEW);
        mb_assign(rt, TAIL, NEW);
    }
    mb_none(rt, TAIL);
    mb_none(rt, NEW);
}

STRATEGY_TEST(deep, chain_10m, .timeout = 120) {
    if (!has(s, MB_ATTR_FREES)) return;        /* none: nothing to free or trace */
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
        cr_assert_eq(rt->stats.live_objects, count, "tracing must keep the live chain");
    }
    mb_none(rt, 0);                            /* drop the head: a 10M cascade for counting strategies */
    if (has(s, MB_ATTR_COUNTS)) cr_assert_eq(rt->stats.live_objects, 0, "rc frees the chain at once");
    mb_collect(rt);
    cr_assert(left_ok(s, rt->stats.live_objects, 0));
    cr_assert(left_ok(s, count, rt->stats.objects_freed), "never more freed than allocated");
    mb_pop(rt);
    mb_rt_free(rt);
}

/* The cascade that freed the chain is recorded as a pause under counting strategies. */
STRATEGY_TEST(deep, cascade_is_a_pause) {
    if (!has(s, MB_ATTR_COUNTS)) return;
    mb_rt_t *rt = test_rt(s, false);
    mb_push(rt, 3);
    build_chain(rt, 5000);
    size_t before = rt->pauses.n;
    mb_none(rt, 0);
    cr_assert_eq(rt->pauses.n, before + 1, "a 5000-object cascade is one pause");
    mb_pop(rt);
    mb_rt_free(rt);
}
