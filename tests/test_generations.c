/* test_generations.c: rc-gen's generations, counted exactly: collections of each generation and promotions. */
#include "tests/helpers.h"

/*
 * CPython's scheme (strategies/rc_gen.c): a container allocation adds one to
 * count[0]; passing threshold0 asks for a collection at the next allocation;
 * the oldest generation whose count passes its threshold is collected, its
 * younger generations merged into it, and every survivor moves one
 * generation up (the oldest keeps its own). Here every container stays alive
 * (a chain), thresholds 2, 1, 100, ten allocations. By hand:
 *   allocations 1-3: count[0] reaches 3 > 2: a collection is asked for;
 *   allocation 4:  generation 0 collected (count[1] = 1): 3 promoted to 1;
 *   allocation 7:  generation 0 again (count[1] = 2): 3 more promoted to 1;
 *   allocation 10: count[1] = 2 > 1: generation 1 collected, generation 0
 *                  (allocations 7-9) merged into it: 9 promoted to 2.
 * So before the 10th allocation's own object: 2, 1 and 0 collections of
 * generations 0, 1, 2 and 15 promotions. A full collection (gc.collect())
 * then moves the one young object (allocation 10) into generation 2: 16.
 */
Test(generations, rc_gen_counts_by_hand) {
#ifdef MB_STRESS
    cr_skip_test("the stress build collects at every allocation: the counts are not CPython's schedule");
#endif
    const mb_strategy_t *s = mb_find_strategy("rc-gen");
    cr_assert_not_null(s);
    mb_options_t opt = {.census = true, .params = "threshold0=2,threshold1=1,threshold2=100"};
    mb_rt_t *rt = mb_rt_new(s, &opt);
    cr_assert_not_null(rt);
    enum { HEAD, T, N };
    mb_push(rt, N);
    for (int i = 0; i < 10; i++) {
        mb_new_list(rt, T, 1);
        mb_store(rt, T, 0, HEAD);
        mb_assign(rt, HEAD, T);
    }
    const mb_stats_t *st = mb_rt_stats(rt);
    cr_assert_eq(st->gen0_collections, 2, "generation 0: %llu", (unsigned long long)st->gen0_collections);
    cr_assert_eq(st->gen1_collections, 1, "generation 1: %llu", (unsigned long long)st->gen1_collections);
    cr_assert_eq(st->gen2_collections, 0, "generation 2: %llu", (unsigned long long)st->gen2_collections);
    cr_assert_eq(st->promoted_objects, 15, "promoted: %llu", (unsigned long long)st->promoted_objects);
    cr_assert_eq(st->collections, 3);
    mb_collect(rt);
    cr_assert_eq(st->gen2_collections, 1);
    cr_assert_eq(st->promoted_objects, 16, "promoted: %llu", (unsigned long long)st->promoted_objects);
    mb_collect(rt);                     /* nothing younger left: nothing promoted */
    cr_assert_eq(st->gen2_collections, 2);
    cr_assert_eq(st->promoted_objects, 16);
    cr_assert_eq(mb_census(rt), 10, "every container is alive");
    mb_pop(rt);
    mb_rt_free(rt);
}

/* Garbage is not promoted: a young cycle that dies is freed by the
 * generation-0 collection, and only the live containers move up. */
Test(generations, rc_gen_garbage_not_promoted) {
#ifdef MB_STRESS
    cr_skip_test("the stress build collects at every allocation: the counts are not CPython's schedule");
#endif
    const mb_strategy_t *s = mb_find_strategy("rc-gen");
    mb_options_t opt = {.census = true, .params = "threshold0=1000000"};
    mb_rt_t *rt = mb_rt_new(s, &opt);
    cr_assert_not_null(rt);
    enum { A, B, KEEP, N };
    mb_push(rt, N);
    mb_new_list(rt, KEEP, 1);           /* one live container */
    test_new_pair(rt, A, B, 1);              /* A <-> B, then dropped: garbage */
    mb_none(rt, A);
    mb_none(rt, B);
    mb_collect(rt);                     /* full: generation 2 */
    const mb_stats_t *st = mb_rt_stats(rt);
    cr_assert_eq(st->gen2_collections, 1);
    cr_assert_eq(st->promoted_objects, 1, "only KEEP moved up, not the dead cycle: %llu",
                 (unsigned long long)st->promoted_objects);
    cr_assert_eq(mb_census(rt), 1);
    mb_pop(rt);
    mb_rt_free(rt);
}
