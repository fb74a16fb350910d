/* test_seed.c: the seed tutorial's scenarios (docs/design.md section 9, harness/check/scenarios.c) on every strategy. */
#include "harness/check/scenarios.h"
#include "tests/helpers.h"

/* One scenario on s: passes, or fails with the scenario's own message. */
#define SCENARIO(fn) do { \
        char err_[1024] = ""; \
        cr_assert_eq(fn(s, err_, sizeof err_), MB_SC_PASS, "%s: %s", s->name, err_); \
    } while (0)

/* 1. x = [1,2,3]; a = x: one object, count 2 where counts are kept. */
STRATEGY_TEST(seed, aliasing) { SCENARIO(mb_sc_seed_aliasing); }

/* 2. A <-> B held by my_var, automatic collection off. */
STRATEGY_TEST(seed, cycle) { SCENARIO(mb_sc_seed_cycle); }

/* 4. Interning: one object each with interning on, two with it off; lists always two. */
STRATEGY_TEST(seed, interning) { SCENARIO(mb_sc_seed_interning); }
