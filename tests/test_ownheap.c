/* test_ownheap.c: --allocator own (ownheap.h): counting strategies and the explicit twin on the size-class heap, no counter changed. */
#include <string.h>

#include "harness/run/twins.h"
#include "runtime/strategy.h"
#include "tests/helpers.h"

/* A small size of w: a fiftieth of its quick size (half for the small
 * ones); in stress builds (a collection at every allocation) a 500th, and 2
 * for the small ones (cycle-rings' third ring has 10,000 nodes). */
static uint64_t small_n(const mb_workload_t *w) {
    uint64_t q = w->size_quick, n = q >= 100 ? q / test_size(50, 500) : test_size(q / 2, 2);
    return n ? n : 1;
}

static mb_result_t run_on(const mb_workload_t *w, const mb_strategy_t *s, uint64_t n, bool interning,
                          mb_allocator_t a) {
    mb_case_t c = {.workload = w, .strategy = s, .args = {.n = n, .seed = 7, .interning = interning},
                   .opt = {.allocator = a}};
    return test_case_run(&c);
}

/* Every workload at a small size, interning on and off: every counter
 * (times aside) and the checksum are the same on libc and on the own heap. */
STRATEGY_TEST(ownheap, counters_independent_of_allocator) {
    for (size_t i = 0; mb_workloads[i]; i++) {
        const mb_workload_t *w = mb_workloads[i];
        uint64_t n = small_n(w);
        for (int on = 0; on <= 1; on++) {
            mb_result_t a = run_on(w, s, n, on, MB_ALLOC_LIBC), b = run_on(w, s, n, on, MB_ALLOC_OWN);
            cr_assert_eq(a.checksum, b.checksum, "%s/%s: checksum", w->name, s->name);
#define SAME(f, d) \
    if (!strstr(#f, "_time_ns")) /* times: gc_time_ns, cascade_time_ns */ \
        cr_assert_eq(a.stats.f, b.stats.f, "%s/%s interning %d: %s %llu on libc, %llu on own", w->name, s->name, \
                     on, #f, (unsigned long long)a.stats.f, (unsigned long long)b.stats.f);
            MB_STATS(SAME)
#undef SAME
        }
    }
}

/* Object memory really comes from the own heap where the strategy has none
 * of its own: a freed cell is the next one handed out (a free-list push,
 * then a pop), inside a heap page. Sanitizer builds keep libc (ASan). */
STRATEGY_TEST(ownheap, strategies_without_a_heap_use_it) {
    mb_options_t opt = {.allocator = MB_ALLOC_OWN};
    mb_rt_t *rt = mb_rt_new(s, &opt);
    cr_assert_not_null(rt);
    bool heapless = !s->alloc && !s->refill && !s->free;
#ifdef MB_SANITIZE
    heapless = false;
#endif
    cr_assert_eq(rt->own_heap != NULL, heapless, "%s: own heap %p", s->name, (void *)rt->own_heap);
    if (heapless && has(s, MB_ATTR_FREES) && !has(s, MB_ATTR_DEFERRED)) {
        mb_push(rt, 1);
        mb_new_list(rt, 0, 3);
        mb_obj_t *first = rt->mut.fp[0];
        mb_none(rt, 0);                 /* freed at once: count 0 */
        mb_new_list(rt, 0, 3);
        cr_assert_eq(rt->mut.fp[0], first, "%s: the freed cell is reused first", s->name);
        mb_page_t *pg = mb_heap_page_of(first);
        cr_assert_eq(pg->cls, (mb_obj_size(MB_LIST, 3) + 15) / 16, "%s: in a page of its class", s->name);
        mb_pop(rt);
    }
    mb_rt_free(rt);
}

/* The explicit twin on the own heap builds the same objects to the same checksum. */
Test(ownheap, explicit_twin_same_counters) {
    const char *wls[] = {"binary-trees", "shared-refs", "cycle-pairs"};
    for (size_t i = 0; i < 3; i++) {
        const mb_workload_t *w = mb_find_workload(wls[i]);
        cr_assert(mb_twin_has(w, &mb_twin_explicit));
        mb_case_t c = {.workload = w, .strategy = &mb_twin_explicit, .args = {.n = small_n(w), .seed = 3}};
        mb_result_t a, b;
        cr_assert_eq(mb_case_run(&c, &a), 0);
        c.opt.allocator = MB_ALLOC_OWN;
        cr_assert_eq(mb_case_run(&c, &b), 0);
        cr_assert_eq(a.checksum, b.checksum, "%s", wls[i]);
        cr_assert_eq(a.stats.objects_allocated, b.stats.objects_allocated, "%s", wls[i]);
        cr_assert_eq(a.stats.objects_freed, b.stats.objects_freed, "%s", wls[i]);
        cr_assert_eq(a.stats.peak_live_bytes, b.stats.peak_live_bytes, "%s", wls[i]);
    }
}

/* The report says where each row's objects came from: the --allocator choice for strategies
 * without a heap of their own, their own heap for the others. */
Test(ownheap, report_names_each_rows_allocator) {
    static char out[1 << 16];
    static const struct { const char *opt, *want; } cases[] = {
        {"libc", "objects: rc from libc malloc (--allocator); mark-sweep from their own heaps"},
        {"own", "objects: rc from the suite's size-class heap (--allocator); mark-sweep from their own heaps"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char args[256];
        snprintf(args, sizeof args, "run -s rc,mark-sweep -w cycle-pairs -i off --scale quick -r 1 --allocator %s "
                 "2>/dev/null", cases[i].opt);
        cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s", out);
        cr_assert(strstr(out, cases[i].want), "--allocator %s: no line '%s' in:\n%s", cases[i].opt, cases[i].want, out);
    }
}
