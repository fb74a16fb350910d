/* test_rc_counts.c: the count-operation counters (rc_increments, rc_decrements) are exact. */
#include "runtime/strategy.h"
#include "tests/helpers.h"

/* A small size of w: a fiftieth of its quick size (half for the small
 * ones); in stress builds (a collection at every allocation) a 500th, and 2
 * for the small ones (cycle-rings' third ring has 10,000 nodes). */
static uint64_t small_n(const mb_workload_t *w) {
    uint64_t q = w->size_quick, n = q >= 100 ? q / test_size(50, 500) : test_size(q / 2, 2);
    return n ? n : 1;
}

static mb_result_t run_wl(const mb_workload_t *w, const mb_strategy_t *s, uint64_t n) {
    mb_case_t c = {.workload = w, .strategy = s, .args = {.n = n, .seed = 7}};
    return test_case_run(&c);
}

/* Known count operations: a list in a variable, a second list stored in
 * its slot, then the frame popped. Counted roots (rc, rc-cycle, rc-gen):
 * 2 root writes + 1 slot write = 3 increments; the pop drops 2 roots and
 * the cascade 1 slot = 3 decrements. rc-deferred counts the slot only.
 * Strategies that keep no counts perform none. */
STRATEGY_TEST(rc_counts, count_operations_exact) {
    mb_rt_t *rt = test_rt(s, false);
    mb_auto_collect(rt, false);
    mb_push(rt, 2);
    mb_new_list(rt, 0, 1);
    mb_new_list(rt, 1, 1);
    mb_store(rt, 0, 0, 1);
    mb_pop(rt);
    mb_collect(rt);
    const mb_stats_t *st = mb_rt_stats(rt);
    uint64_t want = !has(s, MB_ATTR_COUNTS) ? 0 : has(s, MB_ATTR_DEFERRED) ? 1 : 3;
    cr_assert_eq(st->rc_increments, want, "%s: %llu increments, want %llu", s->name,
                 (unsigned long long)st->rc_increments, (unsigned long long)want);
    cr_assert_eq(st->rc_decrements, want, "%s: %llu decrements, want %llu", s->name,
                 (unsigned long long)st->rc_decrements, (unsigned long long)want);
    mb_rt_free(rt);
}

/* On every workload, a counting strategy that leaks nothing brings every
 * count it raised back down: increments = decrements after teardown. */
STRATEGY_TEST(rc_counts, count_operations_balance) {
    for (size_t i = 0; mb_workloads[i]; i++) {
        const mb_workload_t *w = mb_workloads[i];
        uint64_t n = small_n(w);
        mb_result_t r = run_wl(w, s, n);
        if (!has(s, MB_ATTR_COUNTS)) {
            /* A strategy with a logging barrier (rc-immix) counts in its own header bits, and its
             * backup trace recomputes counts, so no balance holds; every other one counts nothing. */
            if (!s->log)
                cr_assert_eq(r.stats.rc_increments + r.stats.rc_decrements, 0, "%s/%s", w->name, s->name);
            continue;
        }
        /* a cycle collector frees members of cyclic garbage without a
         * decrement for the references among them */
        if (r.stats.leaked_objects || r.stats.uncollectable_objects || has(s, MB_ATTR_CYCLES)) {
            cr_assert_geq(r.stats.rc_increments, r.stats.rc_decrements, "%s/%s", w->name, s->name);
            continue;
        }
        cr_assert_eq(r.stats.rc_increments, r.stats.rc_decrements, "%s/%s: %llu increments, %llu decrements",
                     w->name, s->name, (unsigned long long)r.stats.rc_increments,
                     (unsigned long long)r.stats.rc_decrements);
        cr_assert_gt(r.stats.rc_increments, 0, "%s/%s", w->name, s->name);
    }
}

/* Deferred counting removes the root operations: fewer than rc on binary-trees. */
Test(rc_counts, deferred_counts_fewer) {
    const mb_workload_t *w = mb_find_workload("binary-trees");
    mb_result_t a = run_wl(w, mb_find_strategy("rc"), 6);
    mb_result_t b = run_wl(w, mb_find_strategy("rc-deferred"), 6);
    cr_assert_lt(b.stats.rc_increments, a.stats.rc_increments);
    cr_assert_lt(b.stats.rc_decrements, a.stats.rc_decrements);
}
