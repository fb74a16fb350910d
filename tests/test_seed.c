/* test_seed.c: the seed tutorial's scenarios (docs/design.md section 9) on every strategy where they apply. */
#include "tests/helpers.h"

/* 1. x = [1,2,3]; a = x: one object, count 2 where counts are kept. */
STRATEGY_TEST(seed, aliasing) {
    for (int on = 0; on <= 1; on++) {
        mb_rt_t *rt = test_rt(s, on);
        enum { X, A, T, N };
        mb_push(rt, N);
        mb_new_list(rt, X, 3);
        for (uint32_t i = 0; i < 3; i++) {
            mb_new_int(rt, T, i + 1);
            mb_store(rt, X, i, T);
        }
        mb_none(rt, T);
        mb_assign(rt, A, X);
        cr_assert(mb_is(rt, A, X));
        cr_assert_eq(mb_id(rt, A), mb_id(rt, X));
        if (has(s, MB_ATTR_COUNTS)) cr_assert_eq(mb_refcount(rt, X), want_count(s, 2, 0), "count of x under %s", s->name);
        else cr_assert_eq(mb_refcount(rt, X), MB_RC_NONE, "%s must say it keeps no counts", s->name);
        mb_none(rt, A);
        if (has(s, MB_ATTR_COUNTS)) cr_assert_eq(mb_refcount(rt, X), want_count(s, 1, 0));
        mb_pop(rt);
        mb_rt_free(rt);
    }
}

/* 2. A <-> B held by my_var, automatic collection off. */
STRATEGY_TEST(seed, cycle) {
    mb_rt_t *rt = test_rt(s, false);
    enum { MY_VAR, B, N };
    mb_auto_collect(rt, false);
    mb_push(rt, N);
    mb_new_list(rt, MY_VAR, 1);
    mb_new_list(rt, B, 1);
    mb_store(rt, MY_VAR, 0, B);
    mb_store(rt, B, 0, MY_VAR);
    uint64_t a_id = mb_id(rt, MY_VAR), b_id = mb_id(rt, B);
    mb_none(rt, B);
    if (has(s, MB_ATTR_COUNTS)) {
        cr_assert_eq(mb_refcount_id(rt, a_id), want_count(s, 1, 1), "A: my_var and B.a");
        cr_assert_eq(mb_refcount_id(rt, b_id), want_count(s, 0, 1), "B: A.b");
    } else {
        cr_assert_eq(mb_refcount_id(rt, a_id), MB_RC_NONE);
    }
    cr_assert(mb_exists(rt, a_id) && mb_exists(rt, b_id));
    mb_none(rt, MY_VAR);                /* my_var = None */
    mb_pop(rt);
    if (has(s, MB_ATTR_COUNTS)) {
        cr_assert_eq(mb_refcount_id(rt, a_id), 1);
        cr_assert_eq(mb_refcount_id(rt, b_id), 1);
    }
    cr_assert(mb_exists(rt, a_id), "%s: A must survive until collect() with gc disabled", s->name);
    cr_assert(mb_exists(rt, b_id));
    cr_assert_eq(mb_census(rt), 2);
    mb_collect(rt);
    bool freed = has(s, MB_ATTR_CYCLES);
    /* A conservative collector (boehm) may keep the pair if a stale word
     * still looks like a pointer to it; it must never free it early. */
    if (!has(s, MB_ATTR_CONSERVATIVE)) {
        cr_assert_eq(mb_exists(rt, a_id), !freed, "%s after collect()", s->name);
        cr_assert_eq(mb_exists(rt, b_id), !freed, "%s after collect()", s->name);
    }
    cr_assert(left_ok(s, mb_census(rt), freed ? 0 : 2), "%s: census %llu", s->name, (unsigned long long)mb_census(rt));
    mb_rt_free(rt);
}

/* 4. Interning: one object each with interning on, two with it off; lists always two. */
STRATEGY_TEST(seed, interning) {
    for (int on = 0; on <= 1; on++) {
        mb_rt_t *rt = test_rt(s, on);
        enum { A, B, C, D, N };
        mb_push(rt, N);
        mb_new_int(rt, A, 10);
        mb_new_int(rt, B, 10);
        cr_assert_eq(mb_is(rt, A, B), on, "a = 10; b = 10 under %s, interning %d", s->name, on);
        if (on) cr_assert_eq(mb_refcount(rt, A), MB_RC_IMMORTAL);
        mb_new_int(rt, A, -5);
        mb_new_int(rt, B, -5);
        cr_assert_eq(mb_is(rt, A, B), on, "-5 is the smallest cached int");
        mb_new_int(rt, A, 257);
        mb_new_int(rt, B, 257);
        cr_assert(!mb_is(rt, A, B), "257 is not a small int");
        mb_new_str(rt, A, "hello");
        mb_new_str(rt, B, "hello");
        cr_assert_eq(mb_is(rt, A, B), on, "a = \"hello\"; b = \"hello\"");
        cr_assert_str_eq(mb_str_value(rt, A), "hello");
        mb_new_str(rt, C, "world");
        cr_assert(!mb_is(rt, A, C));
        mb_new_list(rt, C, 3);
        mb_new_list(rt, D, 3);
        cr_assert(!mb_is(rt, C, D), "l1 = [1,2,3]; l2 = [1,2,3] are two objects");
        mb_pop(rt);
        mb_teardown(rt);
        cr_assert(left_ok(s, rt->mut.stats.leaked_objects, has(s, MB_ATTR_FREES) ? 0 : rt->mut.stats.objects_allocated - rt->mut.stats.immortal_objects),
                     "immortal objects are not leaks");
        cr_assert_eq(rt->mut.stats.immortal_objects, on ? 4 : 0, "10, -5, \"hello\", \"world\"");
        mb_rt_free(rt);
    }
}
