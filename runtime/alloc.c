/* alloc.c: object memory and its accounting: the allocation slow path, frees, free lists, when to collect. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/mem.h"
#include "runtime/strategy.h"

/*
 * The fast path (mutator.h, mb__alloc) takes a cell from a free list while
 * live bytes stay at or below mut.alloc_limit. The limit is the least of:
 *   - the peak of live bytes so far (a new peak is recorded here);
 *   - the policy's heap limit, for a strategy collecting by it with
 *     automatic collection on (the trigger is tested here, before the
 *     allocation, exactly as if every allocation tested it);
 *   - 0 when every allocation must come here: a collection was requested
 *     or is running, the census is kept (ids), a test hook is armed, or a
 *     stress build collects at every allocation.
 * So the counters (allocations, collections, peaks) are what a slow path at
 * every allocation would give.
 */

void mb__alloc_limit_update(mb_rt_t *rt) {
    mb_mut_t *m = &rt->mut;
    uint64_t lim = m->stats.peak_live_bytes;
    if ((rt->S->attrs & MB_ATTR_POLICY) && rt->auto_collect && rt->heap_limit < lim) lim = rt->heap_limit;
#ifdef MB_STRESS
    lim = 0;
#endif
    if (rt->collect_requested || rt->in_collect || rt->opt.census || rt->test_slow || rt->test_fail) lim = 0;
    m->alloc_limit = lim;
}

void mb__free_lists_flush(mb_rt_t *rt) {
    mb_mut_t *m = &rt->mut;
    if (rt->own_heap) return;           /* the own heap's lists are its free memory, kept across collections */
    for (uint32_t c = 0; c < MB_FL_CLASSES; c++) {
        void *cell = m->free_list[c];
        m->free_list[c] = NULL;
        if (!rt->S->unreserve) continue;
        while (cell) {
            void *next = *(void **)cell;
            rt->S->unreserve(rt, cell);
            cell = next;
        }
    }
}

void mb__collect_now(mb_rt_t *rt, bool full) {
    if (!rt->S->collect || rt->in_collect) return;
    rt->in_collect = true;
    rt->collect_requested = false;
    mb__free_lists_flush(rt);
    mb__alloc_limit_update(rt);
    mb_ev_collection_begin(rt, full);
    rt->S->collect(rt, full);
    mb_ev_collection_end(rt);
    mb_policy_after_collect(rt);
    rt->in_collect = false;
    mb__alloc_limit_update(rt);
#ifdef MB_DEBUG
    mb_verify(rt);
#endif
}

static inline void maybe_collect(mb_rt_t *rt) {
    if (!rt->auto_collect || rt->in_collect || rt->releasing) return;
    if (rt->collect_requested || ((rt->S->attrs & MB_ATTR_POLICY) && mb_policy_due(rt))) mb__collect_now(rt, false);
}

static _Noreturn void object_oom(size_t bytes) {
    fprintf(stderr, "membench: out of memory: could not allocate an object of %zu bytes\n", bytes);
    fflush(NULL);
    _exit(MB_EXIT_OOM);
}

/* Memory for one object of the strategy's: the own heap's (--allocator own),
 * else a free-list cell (refilled when empty), else the strategy's alloc,
 * else the allocator. Every object
 * allocation passes the fault-injection point once. */
static void *obj_mem(mb_rt_t *rt, size_t bytes) {
    if (rt->test_fail && mb_mem_inject()) return NULL;
    if (rt->own_heap) return mb_own_alloc(rt->own_heap, rt->mut.free_list, bytes);
    const mb_strategy_t *S = rt->S;
    size_t cls = (bytes + MB_FL_GRANULE - 1) / MB_FL_GRANULE;
    if (S->refill && cls < MB_FL_CLASSES && !rt->in_collect) {   /* lists stay empty in a collection */
        void **fl = &rt->mut.free_list[cls];
        if (!*fl) *fl = S->refill(rt, (uint32_t)cls);
        void *p = *fl;
        if (p) *fl = *(void **)p;
        return p;
    }
    return S->alloc ? S->alloc(rt, bytes) : mb_mem_alloc(bytes);
}

static void account_new(mb_rt_t *rt, uint64_t acct) {
    mb_stats_t *s = &rt->mut.stats;
    s->objects_allocated++;
    s->live_objects++;
    s->bytes_allocated += acct;
    s->live_bytes += acct;
    if (s->live_bytes > s->peak_live_bytes) s->peak_live_bytes = s->live_bytes;
}

mb_obj_t *mb__alloc_slow(mb_rt_t *rt, mb_kind_t kind, uint32_t len) {
    if (rt->test_slow) mb__test_slow_work();
    maybe_collect(rt);
    size_t bytes = mb_obj_size(kind, len);
    mb_obj_t *o = obj_mem(rt, bytes);
    if (!o) {
        mb__collect_now(rt, true);      /* as runtimes do: collect, then retry once */
        o = obj_mem(rt, bytes);
        if (!o) object_oom(bytes);
    }
    mb_mut_t *m = &rt->mut;
    *o = (mb_obj_t){.kind = (uint8_t)kind, .len = len, .aux = m->header_aux};
    account_new(rt, bytes + m->side_bytes);
    if (rt->opt.census) mb_ptrmap_put(&rt->census, o, ++rt->next_id);
    if (rt->S->on_alloc) rt->S->on_alloc(rt, o);
    mb__alloc_limit_update(rt);
    return o;
}

/* Interned objects: from the allocator, never the strategy's; no strategy
 * metadata and never seen by the strategy (object.h I2). */
mb_obj_t *mb__alloc_immortal(mb_rt_t *rt, mb_kind_t kind, uint32_t len) {
    maybe_collect(rt);
    size_t bytes = mb_obj_size(kind, len);
    mb_obj_t *o = (rt->test_fail && mb_mem_inject()) ? NULL : mb_mem_alloc(bytes);
    if (!o) object_oom(bytes);
    *o = (mb_obj_t){.kind = (uint8_t)kind, .len = len, .flags = MB_F_IMMORTAL};
    rt->mut.stats.immortal_objects++;
    account_new(rt, bytes);
    if (rt->opt.census) mb_ptrmap_put(&rt->census, o, ++rt->next_id);
    mb__alloc_limit_update(rt);
    return o;
}

void mb__free_obj_slow(mb_rt_t *rt, mb_obj_t *o) {
    MB_CHECK(o->kind != MB_FREED, "double free of object %p", (void *)o);
    bool immortal = mb_obj_immortal(o);    /* read before the debug poison overwrites the flags */
    MB_CHECK(!immortal || rt->torn_down, "free of immortal object %p", (void *)o);
    if (rt->S->on_free && !immortal) rt->S->on_free(rt, o);
    size_t bytes = mb_obj_size((mb_kind_t)o->kind, o->len);
    size_t acct = bytes + (immortal ? 0 : rt->mut.side_bytes);
    if (o->flags & MB_F_FINALIZER) {
        uint64_t rec;
        if (mb_ptrmap_del(&rt->finalizers, o, &rec)) free((void *)(uintptr_t)rec);
    }
    if (rt->opt.census) mb_ptrmap_del(&rt->census, o, NULL);
    if (rt->ids.n) mb_ptrmap_del(&rt->ids, o, NULL);
    mb_stats_t *s = &rt->mut.stats;
    s->objects_freed++;
    s->live_objects--;
    s->live_bytes -= acct;
#ifdef MB_DEBUG
    memset(o, 0xdb, bytes);             /* poison: a stale reference reads kind 0xdb, not a valid kind */
#endif
    o->kind = MB_FREED;
    if (immortal) mb_mem_free(o, bytes);
    else if (rt->S->free) rt->S->free(rt, o, bytes);
    else if (rt->own_heap) mb_own_free(rt->mut.free_list, o, bytes);
    else mb_mem_free(o, bytes);
}

uint64_t mb__immortal_bytes(const mb_rt_t *rt) {
    uint64_t b = 0;
    for (size_t i = 0; rt->small_ints && i < 262; i++)
        if (rt->small_ints[i]) b += mb_obj_size(MB_INT, 0);
    for (size_t i = 0; i < rt->strings.cap; i++)
        if (mb_ptrmap_live(&rt->strings, i)) {
            mb_obj_t *s = (mb_obj_t *)(uintptr_t)rt->strings.vals[i];
            b += mb_obj_size(MB_STR, s->len);
        }
    return b;
}

void mb_collect(mb_rt_t *rt) { mb__collect_now(rt, true); }

void mb_auto_collect(mb_rt_t *rt, bool on) {
    rt->auto_collect = on;
    mb__alloc_limit_update(rt);
}

void mb_freeze(mb_rt_t *rt) {
    if (rt->S->freeze) rt->S->freeze(rt);
}
