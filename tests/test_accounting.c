/* test_accounting.c: live bytes, peaks, object counts and the collection policy, on known structures. */
#include <string.h>

#include "tests/helpers.h"

/* A list of 10 slots holding 10 distinct ints: exact live bytes. */
STRATEGY_TEST(accounting, live_bytes_of_known_structure) {
    mb_rt_t *rt = test_rt(s, false);
    mb_auto_collect(rt, false);
    mb_push(rt, 2);
    mb_new_list(rt, 0, 10);
    for (uint32_t i = 0; i < 10; i++) {
        mb_new_int(rt, 1, 1000 + i);
        mb_store(rt, 0, i, 1);
    }
    mb_none(rt, 1);
    size_t per = s->side_bytes;
    uint64_t want = (16 + 10 * 8 + per) + 10 * (16 + 8 + per);
    cr_assert_eq(rt->mut.stats.live_bytes, want, "%s: live %llu, want %llu", s->name,
                 (unsigned long long)rt->mut.stats.live_bytes, (unsigned long long)want);
    cr_assert_eq(rt->mut.stats.peak_live_bytes, want);
    cr_assert_eq(rt->mut.stats.objects_allocated, 11);
    mb_pop(rt);
    mb_collect(rt);
    if (has(s, MB_ATTR_FREES) && !has(s, MB_ATTR_CONSERVATIVE)) {
        cr_assert_eq(rt->mut.stats.live_bytes, 0);
        cr_assert_eq(rt->mut.stats.objects_freed, 11);
    } else if (has(s, MB_ATTR_FREES)) {     /* boehm may keep what a stale word points to, never free more */
        cr_assert_leq(rt->mut.stats.objects_freed, 11);
        cr_assert(rt->mut.stats.objects_freed == 11 ? rt->mut.stats.live_bytes == 0 : rt->mut.stats.live_bytes > 0,
                  "%s: %llu objects freed, %llu bytes live", s->name, (unsigned long long)rt->mut.stats.objects_freed,
                  (unsigned long long)rt->mut.stats.live_bytes);
    }
    cr_assert_eq(rt->mut.stats.peak_live_bytes, want, "the peak stays");
    mb_rt_free(rt);
}

/* Strategies on the shared policy collect when the heap passes its limit,
 * and a larger multiplier means fewer collections. */
STRATEGY_TEST(accounting, heap_policy) {
    if (!has(s, MB_ATTR_POLICY)) cr_skip_test("%s has no heap policy", s->name);
    if (getenv("MB_TEST_SMALL")) cr_skip_test("stress build: a collection at every allocation");
    uint64_t colls[2];
    double mult[2] = {1.5, 4.0};
    for (int k = 0; k < 2; k++) {
        mb_options_t opt = {.heap_multiplier = mult[k]};
        mb_rt_t *rt = mb_rt_new(s, &opt);
        mb_push(rt, 2);
        mb_new_list(rt, 0, 1);
        for (int i = 0; i < 200000; i++) {      /* a growing live list plus garbage */
            mb_new_list(rt, 1, 2);
            if (i % 4 == 0) {
                mb_store(rt, 1, 0, 0);
                mb_assign(rt, 0, 1);
            }
        }
        colls[k] = rt->mut.stats.collections;
        cr_assert_gt(colls[k], 0, "%s must collect under the policy", s->name);
        cr_assert_leq(rt->mut.stats.peak_live_bytes, (uint64_t)(mult[k] * 200000 / 4 * (16 + 16 + s->side_bytes)) + (2u << 20),
                      "the heap stays within the multiplier of the live data");
        mb_pop(rt);
        mb_rt_free(rt);
    }
    cr_assert_gt(colls[0], colls[1], "multiplier 1.5 collects more often than 4.0");
}

/* Both allocators run a workload to the same checksum (the CLI preloads jemalloc). */
Test(accounting, allocators) {
    static char a[1 << 14], b[1 << 14];
    if (getenv("MB_TEST_NO_JEMALLOC")) cr_skip_test("sanitizer build: ASan must be the only malloc");
    cr_assert_eq(run_cli("run -s rc -w shared-refs -i off -n 3000 --allocator libc", a, sizeof a), 0, "%s", a);
    cr_assert_eq(run_cli("run -s rc -w shared-refs -i off -n 3000 --allocator jemalloc", b, sizeof b), 0, "%s", b);
    /* the table's row (a line of its own; progress lines on stderr start with "membench:") */
    char *ra = strstr(a, "\nshared-refs/rc"), *rb = strstr(b, "\nshared-refs/rc");
    cr_assert(ra && rb, "%s\n%s", a, b);
    ra++;
    rb++;
    /* same checksum: the last column */
    char *ea = strchr(ra, '\n'), *eb = strchr(rb, '\n');
    *ea = *eb = '\0';
    cr_assert_str_eq(strrchr(ra, ' '), strrchr(rb, ' '));
}
