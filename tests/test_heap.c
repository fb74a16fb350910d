/* test_heap.c: the size-class heap of mark-sweep (runtime/heap.h): bitmap allocation, sweep, footprint. */
#include <string.h>

#include "runtime/heap.h"
#include "tests/helpers.h"

enum { N = 100000 };

static mb_obj_t *node(mb_heap_t *h) {
    mb_obj_t *o = mb_heap_alloc(h, mb_obj_size(MB_LIST, 2));
    cr_assert_not_null(o);
    memset(o, 0, sizeof *o);
    o->kind = MB_LIST;
    o->len = 2;
    return o;
}

static void count(void *ctx, mb_obj_t *o) { (void)o; ++*(size_t *)ctx; }

/* The real per-object footprint of a 32-byte node: the slot plus the page
 * header and bitmaps amortized, under 2 bytes: mark-sweep's overhead is its
 * 16-byte header (overhead_bytes 16, side_bytes 0). */
Test(heap, footprint_of_nodes) {
    mb_heap_t h = {0};
    for (int i = 0; i < N; i++) node(&h);
    double per = (double)h.npages * (double)MB_HEAP_PAGE / N;
    cr_assert(per >= 32 && per < 34, "a 32-byte node takes %.2f bytes of pages", per);
    cr_assert_eq(mb_find_strategy("mark-sweep")->side_bytes, 0);
    mb_heap_destroy(&h);
}

/* Sweep: the unmarked become free slots (reused before any new page), the
 * marked survive unmarked, an empty page is released. */
Test(heap, sweep_frees_the_unmarked_and_reuses_them) {
    mb_heap_t h = {0};
    static mb_obj_t *v[N];
    for (int i = 0; i < N; i++) v[i] = node(&h);
    size_t pages = h.npages;
    for (int i = 0; i < N; i += 2) cr_assert(mb_heap_mark(v[i]));
    cr_assert(!mb_heap_mark(v[0]), "marking twice reports already marked");
    size_t dead = 0;
    mb_heap_each_unmarked(&h, count, &dead);
    cr_assert_eq(dead, N / 2);
    mb_heap_sweep(&h);
    size_t all = 0;
    mb_heap_each(&h, count, &all);
    cr_assert_eq(all, N / 2, "half survived");
    cr_assert(!mb_heap_marked(v[0]), "marks are cleared by the sweep");
    for (int i = 0; i < N / 2; i++) node(&h);
    cr_assert_eq(h.npages, pages, "freed slots are reused before a page is added");
    mb_heap_sweep(&h);                  /* nothing marked: every page empties */
    all = 0;
    mb_heap_each(&h, count, &all);
    cr_assert_eq(all, 0);
    cr_assert(h.nfree > 0, "empty pages are kept for reuse");
    mb_heap_destroy(&h);
}

/* Explicit free (census and finalizer paths) returns one slot at once. */
Test(heap, explicit_free) {
    mb_heap_t h = {0};
    mb_obj_t *a = node(&h), *b = node(&h);
    mb_heap_free(&h, a, mb_obj_size(MB_LIST, 2));
    size_t all = 0;
    mb_heap_each(&h, count, &all);
    cr_assert_eq(all, 1);
    cr_assert_eq(node(&h), a, "the freed slot is the next one handed out");
    (void)b;
    mb_heap_destroy(&h);
}
