/* test_generational.c: the copying nursery: minor and major collections, promotion, the remembered set, exact counters. */
#include "harness/check/fuzz.h"
#include "runtime/strategy.h"
#include "tests/helpers.h"

/*
 * Hand-computed sequences on a 64 KiB nursery. Every object below is a list
 * of two slots (16 + 16 = 32 bytes, a multiple of 16: eden holds exactly
 * 65536 / 32 = 2048 of them). KEEP is a list of 512 slots (4,112 bytes):
 * larger than a young object may be, so it is allocated old, and every
 * young object stored into it passes the store barrier. The allocation that
 * finds eden full is placed in the old space and asks for a collection,
 * which the next allocation runs.
 */
enum { KEEP, T, NV };

static mb_rt_t *gen_rt(const char *params) {
    const mb_strategy_t *s = mb_find_strategy("generational");
    cr_assert_not_null(s);
    mb_options_t opt = {.params = params};
    mb_rt_t *rt = mb_rt_new(s, &opt);
    cr_assert_not_null(rt, "generational with %s", params);
    return rt;
}

#ifdef MB_STRESS
#define SKIP_STRESS() cr_skip_test("the stress build collects at every allocation: other counts by design")
#else
#define SKIP_STRESS() ((void)0)
#endif

/* Only KEEP refers to the survivors: without the barrier's remembered set
 * the minor collection would not find them (none promoted), and their
 * identities would not follow them. */
Test(generational, remembered_set_promotes_exactly_the_survivors) {
    SKIP_STRESS();
    mb_rt_t *rt = gen_rt("nursery=65536,promote_age=1");
    mb_push(rt, NV);
    mb_new_list(rt, KEEP, 512);
    uint64_t ids[512] = {0};
    for (uint32_t i = 0; i < 4096; i++) {
        mb_new_list(rt, T, 2);
        if (i % 8 == 0) {
            mb_store(rt, KEEP, i / 8, T);
            ids[i / 8] = mb_id(rt, T);
        }
    }
    const mb_stats_t *st = mb_rt_stats(rt);
    /* one minor collection, at allocation 2050: the 256 young objects KEEP
     * holds were promoted (allocation 2049, in T then, was allocated old) */
    cr_assert_eq(st->minor_collections, 1, "minor: %llu", (unsigned long long)st->minor_collections);
    cr_assert_eq(st->major_collections, 0);
    cr_assert_eq(st->promoted_objects, 256, "promoted: %llu", (unsigned long long)st->promoted_objects);
    cr_assert_eq(st->promoted_bytes, 256 * 32, "promoted bytes: %llu", (unsigned long long)st->promoted_bytes);
    mb_collect(rt);
    /* the full collection promotes what is young and reachable: KEEP's 255
     * stores since (i = 2056 .. 4088) and T (i = 4095), then marks and sweeps */
    cr_assert_eq(st->minor_collections, 1);
    cr_assert_eq(st->major_collections, 1);
    cr_assert_eq(st->collections, 2);
    cr_assert_eq(st->promoted_objects, 512, "promoted: %llu", (unsigned long long)st->promoted_objects);
    cr_assert_eq(st->promoted_bytes, 512 * 32);
    /* KEEP, its 512 lists and T's: nothing else survived */
    cr_assert_eq(st->live_objects - st->immortal_objects, 1 + 512 + 1, "live: %llu",
                 (unsigned long long)(st->live_objects - st->immortal_objects));
    for (uint32_t k = 0; k < 512; k++) {
        mb_load(rt, T, KEEP, k);
        cr_assert_eq(mb_len(rt, T), 2, "KEEP[%u] is not a list of 2 after the moves", k);
        cr_assert_eq(mb_id(rt, T), ids[k], "KEEP[%u] changed identity", k);
    }
    mb_pop(rt);
    mb_rt_free(rt);
}

/* promote_age=2: a survivor waits one minor collection in a survivor space
 * (KEEP stays remembered, as it refers to it), and is promoted at the next. */
Test(generational, promote_age_two_keeps_survivors_young_once) {
    SKIP_STRESS();
    mb_rt_t *rt = gen_rt("nursery=65536,promote_age=2");
    mb_push(rt, NV);
    mb_new_list(rt, KEEP, 512);
    const mb_stats_t *st = mb_rt_stats(rt);
    for (uint32_t i = 0; i < 4099; i++) {
        mb_new_list(rt, T, 2);
        if (i < 2048 && i % 16 == 0) mb_store(rt, KEEP, i / 16, T);
        if (i == 2050) {
            /* after the first minor collection (at allocation 2050): 128 survivors, none promoted */
            cr_assert_eq(st->minor_collections, 1);
            cr_assert_eq(st->promoted_objects, 0, "promoted at age 1: %llu", (unsigned long long)st->promoted_objects);
        }
    }
    /* the second (allocation 4099: 2048 after the first's 2051st, eden full
     * at 4098, placed old): the 128 are promoted now */
    cr_assert_eq(st->minor_collections, 2, "minor: %llu", (unsigned long long)st->minor_collections);
    cr_assert_eq(st->promoted_objects, 128, "promoted: %llu", (unsigned long long)st->promoted_objects);
    cr_assert_eq(st->promoted_bytes, 128 * 32);
    for (uint32_t k = 0; k < 128; k++) {
        mb_load(rt, T, KEEP, k);
        cr_assert_eq(mb_len(rt, T), 2, "KEEP[%u] lost after two moves", k);
    }
    mb_pop(rt);
    mb_rt_free(rt);
}

/* Cyclic garbage that reached the old space goes at a major collection;
 * young cyclic garbage at the minor one, never copied. */
Test(generational, garbage_young_and_old) {
    SKIP_STRESS();
    mb_rt_t *rt = gen_rt("nursery=65536");
    enum { A, B, N };
    mb_push(rt, N);
    for (int i = 0; i < 1500; i++) {     /* 1500 pairs of 32-byte lists: 96,000 bytes, past eden once */
        test_new_pair(rt, A, B, 2);
    }
    mb_none(rt, A);
    mb_none(rt, B);
    const mb_stats_t *st = mb_rt_stats(rt);
    cr_assert_eq(st->minor_collections, 1, "minor: %llu", (unsigned long long)st->minor_collections);
    cr_assert_eq(st->promoted_objects, 2, "only B and its A, held at the collection, were promoted: %llu",
                  (unsigned long long)st->promoted_objects);
    mb_collect(rt);
    cr_assert_eq(st->live_objects - st->immortal_objects, 0, "everything is garbage");
    cr_assert_eq(st->objects_freed, st->objects_allocated - st->immortal_objects);
    mb_pop(rt);
    mb_rt_free(rt);
}

Test(generational, bad_parameters_are_refused) {
    const mb_strategy_t *s = mb_find_strategy("generational");
    const char *bad[] = {"nursery=100", "nursery=4095", "nursery=-65536", "nursery=2147483648", "nursery=64k", "nursery=",
                         "promote_age=0", "promote_age=16", "promote_age=x", "promote=1", "nursery"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        mb_options_t opt = {.params = bad[i]};
        freopen("/dev/null", "w", stderr);
        mb_rt_t *rt = mb_rt_new(s, &opt);
        cr_assert_null(rt, "generational accepted %s", bad[i]);
    }
    mb_options_t ok = {.params = "nursery=1048576,promote_age=15"};
    mb_rt_t *rt = mb_rt_new(s, &ok);
    cr_assert_not_null(rt);
    mb_rt_free(rt);
}

/* The differential fuzzer on a tiny nursery: a minor collection every few
 * dozen allocations, each checked (reachable objects exist, moved objects
 * read back as the model says), with survivor spaces that overflow. */
Test(generational, fuzz_small_nursery) {
    const mb_strategy_t *s = mb_find_strategy("generational");
    const char *params[] = {"nursery=4096", "nursery=4096,promote_age=3", "nursery=8192,promote_age=15"};
    char err[1024];
    for (size_t p = 0; p < sizeof params / sizeof *params; p++)
        for (uint64_t seed = 1; seed <= test_size(20, 3); seed++) {
            int rc = mb_fuzz_run_params(s, params[p], seed, 3000, err, sizeof err);
            cr_assert_eq(rc, 0, "%s seed %llu: %s", params[p], (unsigned long long)seed, err);
        }
}
