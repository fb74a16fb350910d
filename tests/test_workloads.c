/* test_workloads.c: exact leak counts and agreeing checksums of every workload under every strategy. */
#include "tests/helpers.h"

static mb_result_t run_case(const mb_workload_t *w, const mb_strategy_t *s, uint64_t n, bool interning) {
    mb_case_t c = {.workload = w, .strategy = s, .args = {.n = n, .seed = 7, .interning = interning}};
    return test_case_run(&c);
}

/* Every workload: leaks equal the expectation, checksums equal the reference
 * run's (rc, interning off) under every strategy and interning setting. */
STRATEGY_TEST(workloads, leaks_and_checksums) {
    for (size_t i = 0; mb_workloads[i]; i++) {
        const mb_workload_t *w = mb_workloads[i];
        uint64_t n = test_size(w->size_quick, w->size_quick / 100 + 1);
        mb_result_t ref = run_case(w, mb_strategies[0], n, false);
        for (int on = 0; on <= 1; on++) {
            mb_result_t r = run_case(w, s, n, on);
            cr_assert_eq(r.checksum, ref.checksum, "%s/%s/interning:%d checksum", w->name, s->name, on);
            cr_assert(left_ok(s, r.stats.leaked_objects, r.expected_leaks), "%s/%s/interning:%d leaked %llu, expected %llu",
                         w->name, s->name, on, (unsigned long long)r.stats.leaked_objects,
                         (unsigned long long)r.expected_leaks);
            cr_assert_eq(r.stats.objects_allocated, r.stats.objects_freed + r.stats.leaked_objects +
                         r.stats.immortal_objects + r.stats.uncollectable_objects, "%s/%s: every object accounted for",
                         w->name, s->name);
        }
    }
}

/* cycle-pairs: rc leaks exactly 2n, cycle collectors 0, none everything. */
STRATEGY_TEST(workloads, cycle_pairs_exact) {
    const mb_workload_t *w = mb_find_workload("cycle-pairs");
    uint64_t n = test_size(5000, 50);
    mb_result_t r = run_case(w, s, n, false);
    uint64_t want = !has(s, MB_ATTR_FREES) ? 2 * n : has(s, MB_ATTR_CYCLES) ? 0 : 2 * n;
    cr_assert(left_ok(s, r.stats.leaked_objects, want), "%s leaked %llu", s->name, (unsigned long long)r.stats.leaked_objects);
    cr_assert_eq(r.stats.objects_allocated, 2 * n);
}

/* shared-refs has no cycles: nothing leaks under any strategy that frees. */
STRATEGY_TEST(workloads, shared_refs_no_leaks) {
    const mb_workload_t *w = mb_find_workload("shared-refs");
    for (int on = 0; on <= 1; on++) {
        mb_result_t r = run_case(w, s, test_size(20000, 500), on);
        if (has(s, MB_ATTR_FREES)) cr_assert(left_ok(s, r.stats.leaked_objects, 0), "%s interning %d", s->name, on);
        cr_assert_gt(r.stats.objects_allocated, 0);
    }
}

/* Same seed, same checksum; another seed, another checksum. */
Test(workloads, seed_determinism) {
    const mb_workload_t *w = mb_find_workload("shared-refs");
    mb_case_t c = {.workload = w, .strategy = mb_strategies[0], .args = {.n = 5000, .seed = 1}};
    mb_result_t a, b, d;
    char err[256];
    cr_assert_eq(test_case_isolated(&c, test_case_timeout(), &a, err, sizeof err), 0, "seed 1, first run: %s", err);
    cr_assert_eq(test_case_isolated(&c, test_case_timeout(), &b, err, sizeof err), 0, "seed 1, second run: %s", err);
    c.args.seed = 2;
    cr_assert_eq(test_case_isolated(&c, test_case_timeout(), &d, err, sizeof err), 0, "seed 2: %s", err);
    cr_assert_eq(a.checksum, b.checksum);
    cr_assert_neq(a.checksum, d.checksum);
}
