/* heap.c: the size-class heap of heap.h: pages from mmap, bitmap allocation and sweeping. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "runtime/heap.h"
#include "runtime/mem.h"

#define MB_HEAP_KEEP_FREE 1024          /* empty pages kept for reuse (64 MiB); more are unmapped */

/* A fresh aligned page from the system (mmap twice the size, trim). */
static mb_page_t *page_map(void) {
    size_t sz = MB_HEAP_PAGE;
    char *p = mmap(NULL, 2 * sz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return NULL;
    uintptr_t a = ((uintptr_t)p + sz - 1) & ~(uintptr_t)(sz - 1);
    size_t head = a - (uintptr_t)p;
    if (head) munmap(p, head);
    munmap((char *)a + sz, sz - head);
    return (mb_page_t *)a;
}

static mb_page_t *page_new(mb_heap_t *h, uint32_t cls) {
    mb_page_t *pg = h->free_pages;
    if (pg) {
        h->free_pages = pg->next;
        h->nfree--;
    } else {
        pg = page_map();
        if (!pg) return NULL;
        h->npages++;
    }
    memset(pg, 0, sizeof *pg);          /* a mapped page is zero; a reused one has clear bitmaps */
    pg->cls = cls;
    pg->slots = (uint32_t)((MB_HEAP_PAGE - MB_HEAP_HDR) / (cls * MB_HEAP_GRANULE));
    pg->next = h->pages[cls];
    h->pages[cls] = pg;
    return pg;
}

static void page_release(mb_heap_t *h, mb_page_t *pg) {
    if (h->nfree < MB_HEAP_KEEP_FREE) {
        pg->next = h->free_pages;
        h->free_pages = pg;
        h->nfree++;
    } else {
        munmap(pg, MB_HEAP_PAGE);
        h->npages--;
    }
}

/* Next free slot of pg at or after its cursor, or NULL. */
static inline void *page_take(mb_page_t *pg) {
    uint32_t step = pg->cls;            /* granules per slot */
    size_t g0 = MB_HEAP_HDR / MB_HEAP_GRANULE;
    while (pg->cursor < pg->slots) {
        size_t g = g0 + (size_t)pg->cursor * step;
        pg->cursor++;
        if (!mb_heap_bit(pg->alloc, g)) {
            mb_heap_set(pg->alloc, g);
            return (char *)pg + g * MB_HEAP_GRANULE;
        }
    }
    return NULL;
}

void *mb_heap_alloc(mb_heap_t *h, size_t bytes) {
    if (bytes > MB_HEAP_MAX_SMALL) {
        mb_obj_t *o = mb_mem_alloc(bytes);
        if (!o) return NULL;
        o->flags = MB_F_LARGE;
        MB_VEC_PUSH(&h->large, (void *)o);
        return o;
    }
    uint32_t cls = (uint32_t)((bytes + MB_HEAP_GRANULE - 1) / MB_HEAP_GRANULE);
    if (!cls) cls = 1;
    for (mb_page_t *pg = h->current[cls]; pg; pg = pg->next) {
        void *p = page_take(pg);
        if (p) {
            h->current[cls] = pg;
            return p;
        }
    }
    mb_page_t *pg = page_new(h, cls);
    if (!pg) return NULL;
    h->current[cls] = pg;
    return page_take(pg);
}

/* Reserve every free slot of pg from its cursor on; returns the chain. */
static void *page_take_all(mb_page_t *pg) {
    uint32_t step = pg->cls;
    size_t g0 = MB_HEAP_HDR / MB_HEAP_GRANULE;
    void *head = NULL, **link = &head;
    for (uint32_t s = pg->cursor; s < pg->slots; s++) {
        size_t g = g0 + (size_t)s * step;
        if (mb_heap_bit(pg->alloc, g)) continue;
        mb_heap_set(pg->alloc, g);
        void *cell = (char *)pg + g * MB_HEAP_GRANULE;
        *link = cell;
        link = (void **)cell;
    }
    *link = NULL;
    pg->cursor = pg->slots;
    return head;
}

void *mb_heap_refill(mb_heap_t *h, uint32_t cls) {
    if (!cls) cls = 1;
    for (mb_page_t *pg = h->current[cls]; pg; pg = pg->next) {
        void *chain = page_take_all(pg);
        if (chain) {
            h->current[cls] = pg->next ? pg->next : pg;
            return chain;
        }
    }
    mb_page_t *pg = page_new(h, cls);
    if (!pg) return NULL;
    h->current[cls] = pg;
    return page_take_all(pg);
}

void *mb_heap_refill_new(mb_heap_t *h, uint32_t cls) {
    if (!cls) cls = 1;
    mb_page_t *pg = page_new(h, cls);
    if (!pg) return NULL;
    h->current[cls] = pg;
    return page_take_all(pg);
}

void mb_heap_unreserve(void *cell) {
    mb_page_t *pg = mb_heap_page_of(cell);
    size_t g = mb_heap_granule(pg, cell);
    mb_heap_clear(pg->alloc, g);
    size_t slot = (g - MB_HEAP_HDR / MB_HEAP_GRANULE) / pg->cls;
    if (slot < pg->cursor) pg->cursor = (uint32_t)slot;
}

void mb_heap_free(mb_heap_t *h, void *p, size_t bytes) {
    if (bytes > MB_HEAP_MAX_SMALL) {
        for (size_t i = 0; i < h->large.n; i++)
            if (h->large.v[i] == p) {
                h->large.v[i] = h->large.v[--h->large.n];
                break;
            }
        mb_mem_free(p, bytes);
        return;
    }
    mb_page_t *pg = mb_heap_page_of(p);
    size_t g = mb_heap_granule(pg, p);
    mb_heap_clear(pg->alloc, g);
    mb_heap_clear(pg->mark, g);
    size_t slot = (g - MB_HEAP_HDR / MB_HEAP_GRANULE) / pg->cls;
    if (slot < pg->cursor) pg->cursor = (uint32_t)slot;
}

/* Every object of pg whose alloc bit is set and (if only_unmarked) mark clear. */
static void page_each(mb_page_t *pg, bool only_unmarked, void (*fn)(void *, mb_obj_t *), void *ctx) {
    for (size_t w = 0; w < MB_HEAP_GRANULES / 64; w++) {
        uint64_t bits = pg->alloc[w] & (only_unmarked ? ~pg->mark[w] : ~UINT64_C(0));
        while (bits) {
            size_t g = w * 64 + (size_t)__builtin_ctzll(bits);
            bits &= bits - 1;
            fn(ctx, (mb_obj_t *)((char *)pg + g * MB_HEAP_GRANULE));
        }
    }
}

static void heap_each(mb_heap_t *h, bool only_unmarked, void (*fn)(void *, mb_obj_t *), void *ctx) {
    for (uint32_t c = 0; c < MB_HEAP_CLASSES; c++)
        for (mb_page_t *pg = h->pages[c]; pg; pg = pg->next) page_each(pg, only_unmarked, fn, ctx);
    /* large objects: a copy, so fn may free them */
    mb_ptrvec_t l = {0};
    for (size_t i = 0; i < h->large.n; i++) {
        mb_obj_t *o = h->large.v[i];
        if (!only_unmarked || !(o->flags & MB_F_MARK)) MB_VEC_PUSH(&l, (void *)o);
    }
    for (size_t i = 0; i < l.n; i++) fn(ctx, l.v[i]);
    MB_VEC_FREE(&l);
}

void mb_heap_each_unmarked(mb_heap_t *h, void (*fn)(void *, mb_obj_t *), void *ctx) { heap_each(h, true, fn, ctx); }
void mb_heap_each(mb_heap_t *h, void (*fn)(void *, mb_obj_t *), void *ctx) { heap_each(h, false, fn, ctx); }

void mb_heap_sweep(mb_heap_t *h) {
    for (uint32_t c = 0; c < MB_HEAP_CLASSES; c++) {
        mb_page_t **pp = &h->pages[c];
        h->current[c] = NULL;
        while (*pp) {
            mb_page_t *pg = *pp;
            if (pg->live == 0) {        /* nothing survived: the whole page is free */
                *pp = pg->next;
                page_release(h, pg);
                continue;
            }
            memcpy(pg->alloc, pg->mark, sizeof pg->alloc);   /* the dead become free slots */
            memset(pg->mark, 0, sizeof pg->mark);
            pg->live = 0;
            pg->cursor = 0;
            pp = &pg->next;
        }
        h->current[c] = h->pages[c];
    }
    size_t keep = 0;
    for (size_t i = 0; i < h->large.n; i++) {
        mb_obj_t *o = h->large.v[i];
        if (o->flags & MB_F_MARK) {
            o->flags &= (uint8_t)~MB_F_MARK;
            h->large.v[keep++] = o;
        } else {
            mb_mem_free(o, mb_obj_size((mb_kind_t)o->kind, o->len));
        }
    }
    h->large.n = keep;
}

void mb_heap_destroy(mb_heap_t *h) {
    for (uint32_t c = 0; c < MB_HEAP_CLASSES; c++)
        while (h->pages[c]) {
            mb_page_t *pg = h->pages[c];
            h->pages[c] = pg->next;
            munmap(pg, MB_HEAP_PAGE);
        }
    while (h->free_pages) {
        mb_page_t *pg = h->free_pages;
        h->free_pages = pg->next;
        munmap(pg, MB_HEAP_PAGE);
    }
    for (size_t i = 0; i < h->large.n; i++) {
        mb_obj_t *o = h->large.v[i];
        mb_mem_free(o, mb_obj_size((mb_kind_t)o->kind, o->len));
    }
    MB_VEC_FREE(&h->large);
    memset(h, 0, sizeof *h);
}

/* The stack holds references not yet examined (each edge is pushed once).
 * Between the stack and the examination sits a FIFO of TRACE_PREFETCH
 * references, each prefetched as it enters: an object's header is read
 * TRACE_PREFETCH objects after its prefetch, so the cache misses overlap.
 * (The profile before: 80% of marking stalled on the load of a popped
 * object's header; a prefetch at push time did not help, as a stack pops
 * the last push at once.) */
#define TRACE_PREFETCH 8u
void mb_heap_trace(mb_ptrvec_t *s, uint64_t *marked, uint64_t *bytes) {
    mb_obj_t *fifo[TRACE_PREFETCH];
    unsigned head = 0, count = 0;
    uint64_t nm = 0, nb = 0;
    for (;;) {
        while (count < TRACE_PREFETCH && s->n) {
            mb_obj_t *c = s->v[--s->n];
            __builtin_prefetch(c);
            fifo[(head + count++) % TRACE_PREFETCH] = c;
        }
        if (!count) break;
        mb_obj_t *o = fifo[head];
        head = (head + 1) % TRACE_PREFETCH;
        count--;
        if (mb_obj_immortal(o) || !mb_heap_mark(o)) continue;
        nm++;
        if (o->kind != MB_LIST) {
            nb += mb_obj_size((mb_kind_t)o->kind, o->len);
            continue;
        }
        uint32_t len = o->len;
        nb += sizeof(mb_obj_t) + (size_t)len * sizeof(mb_obj_t *);
        mb_obj_t **slots = mb_obj_slots(o);
        if (s->cap - s->n < len) mb_vec_grow_((void **)&s->v, &s->cap, sizeof *s->v, s->n + len);
        for (uint32_t i = 0; i < len; i++)
            if (slots[i]) s->v[s->n++] = slots[i];
    }
    *marked += nm;
    *bytes += nb;
}
