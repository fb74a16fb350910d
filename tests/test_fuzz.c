/* test_fuzz.c: the differential fuzzer on a fixed set of seeds, for every strategy. */
#include "harness/check/fuzz.h"
#include "tests/helpers.h"

STRATEGY_TEST(fuzz, fixed_seeds) {
    char err[1024];
    uint64_t seeds = test_size(40, 8), steps = test_size(3000, 400);
    for (uint64_t seed = 1; seed <= seeds; seed++) {
        int rc = mb_fuzz_run(s, seed, steps, err, sizeof err);
        cr_assert_eq(rc, 0, "%s", err);
    }
}
