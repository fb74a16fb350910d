/* test_rc_immix.c: rc-immix's own rules: the logging barrier, born-dead young objects, coalescing, sticky counts. */
#include "runtime/strategy.h"
#include "tests/helpers.h"

static mb_rt_t *immix_rt(const char *params) {
    const mb_strategy_t *s = mb_find_strategy("rc-immix");
    cr_assert_not_null(s, "rc-immix is registered");
    mb_options_t opt = {.census = true, .params = params};
    mb_rt_t *rt = mb_rt_new(s, &opt);
    cr_assert_not_null(rt);
    return rt;
}

static uint64_t count_ops(mb_rt_t *rt) { return mb_rt_stats(rt)->rc_increments + mb_rt_stats(rt)->rc_decrements; }

/* The mutator keeps no count (no `counts`): the barrier is the logging one alone. */
Test(rc_immix, attributes_and_barrier) {
    mb_rt_t *rt = immix_rt(NULL);
    cr_assert(!has(rt->S, MB_ATTR_COUNTS) && has(rt->S, MB_ATTR_CYCLES) && has(rt->S, MB_ATTR_TRACES));
    cr_assert_eq(rt->mut.barrier, MB_BAR_LOG);
    mb_rt_free(rt);
}

/* Objects that die within an epoch are never counted: 20,000 lists, each
 * given a new int, each dropped at the next iteration, across many epochs
 * (16 KiB each), cost a few count operations an epoch (the roots), not
 * one per store or per object. */
Test(rc_immix, young_objects_die_without_count_operations) {
    mb_rt_t *rt = immix_rt("epoch=16");
    enum { L, V, N };
    mb_push(rt, N);
    for (int i = 0; i < 20000; i++) {
        mb_new_list(rt, L, 2);
        mb_new_int(rt, V, 1000 + i);
        mb_store(rt, L, 0, V);
        mb_store(rt, L, 1, V);
    }
    const mb_stats_t *st = mb_rt_stats(rt);
    cr_assert_geq(st->collections, 10, "epochs ran (%llu)", (unsigned long long)st->collections);
    cr_assert_lt(count_ops(rt), 20 * st->collections, "%llu count operations for %llu epochs",
                 (unsigned long long)count_ops(rt), (unsigned long long)st->collections);
    mb_pop(rt);
    mb_rt_free(rt);
}

/* Coalescing: 2,000 stores into one slot of a counted list in an epoch
 * cost one decrement of the slot's old referent and one increment of its
 * last, not a pair per store; the values are right. */
Test(rc_immix, stores_into_a_counted_container_coalesce) {
    mb_rt_t *rt = immix_rt("epoch=16");
    enum { L, A, B, T, N };
    mb_push(rt, N);
    mb_new_list(rt, L, 2);
    mb_new_int(rt, A, 1001);
    mb_new_int(rt, B, 1002);
    mb_collect(rt);                     /* L, A and B are counted now */
    uint64_t before = count_ops(rt), epochs = mb_rt_stats(rt)->collections;
    for (int i = 0; i < 2000; i++) mb_store(rt, L, 0, i % 2 ? A : B);
    for (int i = 0; i < 4000; i++) mb_new_int(rt, T, 5000 + i);   /* young garbage: epochs pass */
    epochs = mb_rt_stats(rt)->collections - epochs;
    cr_assert_geq(epochs, 2, "epochs ran (%llu)", (unsigned long long)epochs);
    uint64_t ops = count_ops(rt) - before;
    cr_assert_lt(ops, 12 * epochs + 4, "%llu count operations for 2,000 stores and %llu epochs", (unsigned long long)ops,
                 (unsigned long long)epochs);
    mb_load(rt, T, L, 0);
    cr_assert_eq(mb_int_value(rt, T), 1001);
    mb_pop(rt);
    mb_rt_free(rt);
}

/* A count stuck at 7 is never decremented: the object outlives its last
 * reference until the backup trace (gc.collect()) recomputes the count. */
Test(rc_immix, stuck_counts_wait_for_the_backup_trace) {
    mb_rt_t *rt = immix_rt("epoch=16");
    enum { H, P, T, N };
    mb_push(rt, N);
    mb_new_list(rt, P, 10);
    mb_new_int(rt, H, 4242);
    for (uint32_t i = 0; i < 10; i++) mb_store(rt, P, i, H);   /* 10 references: stuck at 7 */
    uint64_t id = mb_id(rt, H);
    mb_none(rt, H);
    for (int i = 0; i < 4000; i++) mb_new_int(rt, T, 5000 + i);   /* epochs: P and H counted */
    mb_none(rt, P);
    for (int i = 0; i < 4000; i++) mb_new_int(rt, T, 5000 + i);   /* epochs: P freed, H's count stuck */
#ifndef MB_STRESS                      /* stress builds trace every 4th collection */
    cr_assert(mb_exists(rt, id), "an object whose count stuck outlives its references until a trace");
#endif
    mb_collect(rt);
    cr_assert_not(mb_exists(rt, id), "the backup trace reclaims it");
    mb_pop(rt);
    mb_rt_free(rt);
}
