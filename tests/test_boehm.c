/* test_boehm.c: the boehm strategy's accounting without the census equals mark-sweep's exact one. */
#include "tests/helpers.h"

/*
 * Without the census (release runs) boehm learns what survived a collection
 * by counting the objects bdwgc marked: by bdwgc's sizes alone while no
 * object has padding (binary-trees: every node 32 bytes), else by reading
 * each header (cycle-pairs: one-slot lists of 24 bytes in 32-byte cells).
 * Either way its counters must be the exact ones mark-sweep reaches by
 * marking: the same collections at the same heap multiplier, the same peak
 * of live bytes, every object freed. (Conservative scanning could keep a
 * stray object; the precise roots leave none on these two workloads.)
 */
static void run_one(const char *wl, const char *s, uint64_t n, mb_result_t *r) {
    mb_case_t c = {.workload = mb_find_workload(wl), .strategy = mb_find_strategy(s), .args = {.n = n, .seed = 1},
                   .opt = {.heap_multiplier = 2.0}};
    cr_assert_not_null(c.workload);
    cr_assert_not_null(c.strategy, "%s", s);
    cr_assert_eq(mb_case_run(&c, r), 0, "%s/%s", wl, s);
}

static void same_counters(const char *wl, uint64_t n) {
    mb_result_t b, m;
    run_one(wl, "boehm", n, &b);
    run_one(wl, "mark-sweep", n, &m);
    cr_assert_eq(b.checksum, m.checksum, "%s", wl);
    cr_assert_geq(m.stats.collections, 3, "%s: enough collections to tell", wl);
    cr_assert_eq(b.stats.collections, m.stats.collections, "%s: collections", wl);
    cr_assert_eq(b.stats.peak_live_bytes, m.stats.peak_live_bytes, "%s: peak live bytes", wl);
    cr_assert_eq(b.stats.objects_freed, b.stats.objects_allocated, "%s: every object freed", wl);
    cr_assert_eq(b.stats.leaked_objects, 0, "%s", wl);
}

Test(boehm, census_free_counts_are_exact) {
#ifdef MB_SANITIZE
    cr_skip_test("boehm is not in sanitizer builds");
#endif
#ifdef MB_STRESS
    cr_skip_test("the stress build collects at every allocation");
#endif
    same_counters("binary-trees", 13);  /* first in this process: no padding, sizes from bdwgc */
    same_counters("cycle-pairs", 100000);   /* padded: headers read from then on */
}
