/* test_programs.c: the classic GC benchmark programs' own facts (perm9's pairs, gc-traversal's empty collections, Richards' counts). */
#include <string.h>

#include "runtime/strategy.h"
#include "tests/helpers.h"
#include "workloads/workload.h"

/* objects_freed at the open collection's begin, and what collections freed. */
static struct {
    uint64_t freed_at_begin, freed_in_collections, collections;
} seen;

static void p_begin(mb_rt_t *rt, bool full) {
    seen.freed_at_begin = mb_rt_stats(rt)->objects_freed;
    mb_basic_stats.collection_begin(rt, full);
}
static void p_end(mb_rt_t *rt) {
    seen.freed_in_collections += mb_rt_stats(rt)->objects_freed - seen.freed_at_begin;
    seen.collections++;
    mb_basic_stats.collection_end(rt);
}
static const mb_listener_t freed_in_collections = {
    p_begin, p_end, NULL, NULL, NULL, NULL, NULL,
};

/* The workload run in this process under a listener that counts what each
 * collection frees; the stats before teardown. */
static mb_stats_t run_watched(const mb_strategy_t *s, const char *name, uint64_t n, bool interning) {
    mb_listener_t l = mb_basic_stats;
    l.collection_begin = freed_in_collections.collection_begin;
    l.collection_end = freed_in_collections.collection_end;
    memset(&seen, 0, sizeof seen);
    mb_options_t opt = {.interning = interning};
    mb_rt_t *rt = mb_rt_new(s, &opt);
    cr_assert_not_null(rt);
    rt->listener = &l;
    mb_wl_args_t a = {.n = n, .seed = 7, .interning = interning};
    mb_find_workload(name)->run(rt, &a);
    mb_stats_t st = *mb_rt_stats(rt);
    rt->listener = &mb_basic_stats;         /* the teardown's collections are not the workload's */
    mb_rt_free(rt);
    return st;
}

/* gc-traversal: everything it allocates is live until it returns, so every
 * collection (its 100 gc.collect() calls, and any the allocations start)
 * frees nothing, under every strategy. */
STRATEGY_TEST(programs, gc_traversal_collections_find_nothing) {
    mb_stats_t st = run_watched(s, "gc-traversal", test_size(300, 60), false);
    cr_assert_eq(seen.freed_in_collections, 0, "%s: collections freed %llu objects", s->name,
                 (unsigned long long)seen.freed_in_collections);
    if (has(s, MB_ATTR_TRACES)) cr_assert_geq(seen.collections, 100, "%s: %llu collections", s->name,
                                              (unsigned long long)seen.collections);
    cr_assert_eq(st.objects_allocated, test_size(300, 60) + 1, "%s: the lists and the holder", s->name);
}

/* gc-collect, by contrast: its collections free every ring under a strategy
 * that collects cycles (the listener above sees it: not a vacuous count). */
STRATEGY_TEST(programs, gc_collect_collections_free_the_rings) {
    if (!has(s, MB_ATTR_CYCLES) || has(s, MB_ATTR_CONSERVATIVE)) return;
    run_watched(s, "gc-collect", 1000, false);
    cr_assert_geq(seen.freed_in_collections, 9 * 2100, "%s: collections freed %llu", s->name,
                  (unsigned long long)seen.freed_in_collections);
}

/* perm: Zaks's generator allocates exactly perm8's published 149,912 pairs
 * at n = 8, and 1,349,280 at n = 9 (perm9's comment says 1,349,288; the
 * algorithm it ships allocates these), plus one..n's n pairs and n ints.
 * Stress builds (a collection at every allocation) count 5 and 6 instead. */
Test(programs, perm_allocates_the_published_pairs) {
    const mb_strategy_t *ms = mb_find_strategy("mark-sweep");
    static const uint64_t full[][2] = {{8, 149912}, {9, 1349280}}, small[][2] = {{5, 440}, {6, 2670}};
    const uint64_t(*want)[2] = getenv("MB_TEST_SMALL") ? small : full;
    for (int i = 0; i < 2; i++) {
        uint64_t n = want[i][0];
        mb_stats_t st = run_watched(ms, "perm", n, false);
        cr_assert_eq(st.objects_allocated, want[i][1] + 2 * n, "perm %llu: %llu objects", (unsigned long long)n,
                     (unsigned long long)st.objects_allocated);
        cr_assert_eq(seen.freed_in_collections, 0, "perm %llu makes no garbage: %llu freed", (unsigned long long)n,
                     (unsigned long long)seen.freed_in_collections);
        mb_wl_args_t a = {.n = n};
        cr_assert_eq(mb_find_workload("perm")->ops(&a), want[i][1]);
    }
}

/* richards: bench.c's own check at Count = 10,000 (23,246 packets queued,
 * 9,297 holds) and bench100's at 1,000,000 (2,326,410 and 930,563): the
 * checksum is exactly those two counts mixed. */
Test(programs, richards_counts_are_bench_c_s) {
    static const uint64_t want[][3] = {{10000, 23246, 9297}, {1000000, 2326410, 930563}};
    for (int i = 0; i < (getenv("MB_TEST_SMALL") ? 1 : 2); i++) {   /* stress builds: bench.c's size only */
        mb_case_t c = {.workload = mb_find_workload("richards"), .strategy = mb_find_strategy("rc"),
                       .args = {.n = want[i][0], .seed = 7}};
        mb_result_t r = test_case_run(&c);
        cr_assert_eq(r.checksum, mb_wl_mix(want[i][1], want[i][2]), "Count %llu: checksum %llu",
                     (unsigned long long)want[i][0], (unsigned long long)r.checksum);
    }
}

/* deltablue: the solver computes the values the benchmark checks, in rounds
 * of 100 variables (the last smaller): the chain's last variable follows the
 * edits 0..99; projection gives 1170, then 5, then 1000 + 5i and 2000 + 5i
 * for all but the last destination; and no required constraint is left
 * unsatisfied. The checksum is exactly those values mixed. */
Test(programs, deltablue_solves_the_benchmark_s_checks) {
    static const uint64_t sizes[] = {100, 250};
    for (int k = 0; k < 2; k++) {
        uint64_t want = 0;
        for (uint64_t done = 0; done < sizes[k]; done += 100) {
            uint64_t m = sizes[k] - done < 100 ? sizes[k] - done : 100;
            for (uint64_t i = 0; i < 100; i++) want = mb_wl_mix(want, i);
            want = mb_wl_mix(mb_wl_mix(want, 1170), 5);
            for (uint64_t i = 0; i + 1 < m; i++) want = mb_wl_mix(want, 1000 + 5 * i);
            for (uint64_t i = 0; i + 1 < m; i++) want = mb_wl_mix(want, 2000 + 5 * i);
        }
        want = mb_wl_mix(want, 0);
        mb_case_t c = {.workload = mb_find_workload("deltablue"), .strategy = mb_find_strategy("mark-sweep"),
                       .args = {.n = sizes[k], .seed = 7}};
        mb_result_t r = test_case_run(&c);
        cr_assert_eq(r.checksum, want, "n = %llu: checksum %llu, want %llu", (unsigned long long)sizes[k],
                     (unsigned long long)r.checksum, (unsigned long long)want);
    }
}
