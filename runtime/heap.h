/* heap.h: a size-class heap with side bitmaps (pages of one size class), for tracing strategies. */
#ifndef MB_HEAP_H
#define MB_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "include/membench/object.h"
#include "runtime/util.h"

/*
 * Objects of up to MB_HEAP_MAX_SMALL bytes live in pages of MB_HEAP_PAGE
 * bytes (aligned, so an object's page is its address rounded down), each
 * page holding objects of one size class (multiples of 16 bytes). A page
 * header carries two bitmaps with one bit per 16-byte granule of the page,
 * set at an object's first granule:
 *   alloc  the slot holds an object (live, or dead and not yet reclaimed);
 *   mark   the object was reached by the current collection.
 * Invariant outside a collection: mark bits are all clear, and a slot is
 * free iff its alloc bit is clear. Sweeping is a bitmap operation: after
 * marking, alloc = mark for every page (dead objects become free slots
 * without being touched), then the marks are cleared. Allocation scans a
 * page's alloc bits from a cursor for the next free slot.
 * Larger objects come from malloc, one at a time, kept in `large` and
 * carrying MB_F_LARGE in their header; their mark bit is MB_F_MARK.
 * The heap's metadata is the bitmaps (2 bits per granule) and one page
 * header (2 KiB) per 64 KiB page: about 3% of the heap, nothing per object.
 */
#define MB_HEAP_PAGE ((size_t)64 << 10)        /* bytes in a page, and its alignment */
#define MB_HEAP_GRANULE 16u                     /* size classes are multiples of this */
#define MB_HEAP_GRANULES (MB_HEAP_PAGE / MB_HEAP_GRANULE)   /* bits in each bitmap */
#define MB_HEAP_HDR ((size_t)2 << 10)          /* page header bytes (bitmaps, fields), objects follow */
#define MB_HEAP_MAX_SMALL 1024u                 /* larger objects are "large" */
#define MB_HEAP_CLASSES (MB_HEAP_MAX_SMALL / MB_HEAP_GRANULE + 1)
#define MB_F_LARGE MB_F_SPARE6                  /* object flag: a large object (not in a page) */

typedef struct mb_page {
    uint64_t alloc[MB_HEAP_GRANULES / 64];      /* alloc bits, one per granule */
    uint64_t mark[MB_HEAP_GRANULES / 64];       /* mark bits, one per granule */
    struct mb_page *next;                       /* next page of the same class (or free) */
    uint32_t cls;                               /* size class: slot size / 16 */
    uint32_t slots;                             /* slots in the page */
    uint32_t cursor;                            /* allocation: next slot to look at */
    uint32_t live;                              /* marked objects (during a collection) */
} mb_page_t;

_Static_assert(sizeof(mb_page_t) <= MB_HEAP_HDR, "the page header fits");

typedef struct mb_heap {
    mb_page_t *pages[MB_HEAP_CLASSES];          /* pages of each class */
    mb_page_t *current[MB_HEAP_CLASSES];        /* the page each class allocates from */
    mb_page_t *free_pages;                      /* empty pages kept for reuse */
    size_t nfree;                               /* how many */
    size_t npages;                              /* pages mapped (in classes or free) */
    mb_ptrvec_t large;                          /* every large object */
} mb_heap_t;

static inline mb_page_t *mb_heap_page_of(const void *p) {
    return (mb_page_t *)((uintptr_t)p & ~(uintptr_t)(MB_HEAP_PAGE - 1));
}
static inline size_t mb_heap_granule(const mb_page_t *pg, const void *p) {
    return ((uintptr_t)p - (uintptr_t)pg) / MB_HEAP_GRANULE;
}
static inline bool mb_heap_bit(const uint64_t *bm, size_t g) { return (bm[g >> 6] >> (g & 63)) & 1; }
static inline void mb_heap_set(uint64_t *bm, size_t g) { bm[g >> 6] |= UINT64_C(1) << (g & 63); }
static inline void mb_heap_clear(uint64_t *bm, size_t g) { bm[g >> 6] &= ~(UINT64_C(1) << (g & 63)); }

/* Memory for an object of `bytes` (NULL when the system has none); large
 * objects get MB_F_LARGE set in the header word (the caller keeps flags). */
void *mb_heap_alloc(mb_heap_t *h, size_t bytes);
/* Free cells for the mutator's free list of class cls (cls * 16 bytes, at
 * most MB_HEAP_MAX_SMALL): every free slot of one page from its cursor on,
 * reserved (alloc bit set) and linked through their first word; NULL when
 * the system has no page. */
void *mb_heap_refill(mb_heap_t *h, uint32_t cls);
/* The same from a page taken now (never one in use): the whole page's
 * cells in address order. For --allocator own (ownheap.h), whose pages are
 * never swept, so older pages have no free slot to look for. */
void *mb_heap_refill_new(mb_heap_t *h, uint32_t cls);
/* A reserved cell that was never used: free again. */
void mb_heap_unreserve(void *cell);
/* Return one object's memory now (not through a sweep); bytes as allocated
 * (the header may already be poisoned). */
void mb_heap_free(mb_heap_t *h, void *p, size_t bytes);
/* Is o marked? Mark it; returns whether it was unmarked before. */
static inline bool mb_heap_mark(mb_obj_t *o) {
    if (o->flags & MB_F_LARGE) {
        if (o->flags & MB_F_MARK) return false;
        o->flags |= MB_F_MARK;
        return true;
    }
    mb_page_t *pg = mb_heap_page_of(o);
    size_t g = mb_heap_granule(pg, o);
    uint64_t bit = UINT64_C(1) << (g & 63), *w = &pg->mark[g >> 6];
    if (*w & bit) return false;
    *w |= bit;
    pg->live++;
    return true;
}
static inline bool mb_heap_marked(const mb_obj_t *o) {
    if (o->flags & MB_F_LARGE) return (o->flags & MB_F_MARK) != 0;
    const mb_page_t *pg = mb_heap_page_of(o);
    return mb_heap_bit(pg->mark, mb_heap_granule(pg, o));
}
/* Mark everything reachable from the objects on `stack` (immortal ones are
 * skipped: they are not in the heap), counting the newly marked objects and
 * their bytes into *marked and *bytes; the stack is empty after. Every
 * object reached must be in this heap (or immortal). */
void mb_heap_trace(mb_ptrvec_t *stack, uint64_t *marked, uint64_t *bytes);
/* Apply fn to every allocated object whose mark bit is clear (dead after a
 * marking). fn may free the object (mb_heap_free). */
void mb_heap_each_unmarked(mb_heap_t *h, void (*fn)(void *ctx, mb_obj_t *o), void *ctx);
/* Apply fn to every allocated object. */
void mb_heap_each(mb_heap_t *h, void (*fn)(void *ctx, mb_obj_t *o), void *ctx);
/* The sweep: unmarked objects' slots become free, marks are cleared,
 * empty pages are released. Large unmarked objects are freed. */
void mb_heap_sweep(mb_heap_t *h);
/* Release every page and large object. */
void mb_heap_destroy(mb_heap_t *h);

#endif
