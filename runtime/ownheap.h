/* ownheap.h: --allocator own: objects of up to 256 bytes from the size-class heap (heap.h) through inline free lists. */
#ifndef MB_OWNHEAP_H
#define MB_OWNHEAP_H

#include "runtime/heap.h"
#include "runtime/mem.h"
#include "runtime/mutator.h"

/*
 * A segregated-fits allocator over the tracing strategies' pages (heap.h):
 * one free list per 16-byte size class (the mutator's free_list array, or
 * the explicit twin's), linked through each cell's first word. Allocation
 * pops; a free pushes the cell back onto its class's list (nothing is
 * swept: the heap's bitmaps say "reserved" for every cell handed out, and
 * pages are never returned before the heap is destroyed, so memory per
 * class stays at that class's peak, as a free-list malloc without
 * coalescing). An empty list takes a fresh page: every slot of it, in
 * address order (mb_heap_refill_new). Larger objects come from libc, as
 * with --allocator libc.
 */

/* Memory for `bytes`; NULL when the system has none. */
static inline void *mb_own_alloc(mb_heap_t *h, void **lists, size_t bytes) {
    size_t cls = (bytes + MB_FL_GRANULE - 1) / MB_FL_GRANULE;
    if (cls >= MB_FL_CLASSES) return mb_mem_alloc(bytes);
    void *p = lists[cls];
    if (MB_UNLIKELY(!p) && !(p = mb_heap_refill_new(h, (uint32_t)cls))) return NULL;
    lists[cls] = *(void **)p;
    return p;
}

/* Give back memory from mb_own_alloc; bytes as asked for. */
static inline void mb_own_free(void **lists, void *p, size_t bytes) {
    size_t cls = (bytes + MB_FL_GRANULE - 1) / MB_FL_GRANULE;
    if (MB_UNLIKELY(cls >= MB_FL_CLASSES)) {
        mb_mem_free(p, bytes);
        return;
    }
    *(void **)p = lists[cls];
    lists[cls] = p;
}

#endif
