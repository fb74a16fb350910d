/* mark_sweep.c: precise tracing from the root frames on a size-class heap (heap.h): bitmap marks, bitmap sweep. */
#include <stdlib.h>

#include "runtime/heap.h"
#include "runtime/strategy.h"

/*
 * Objects live in the size-class heap of heap.h: pages of one size class,
 * mark and alloc bits in side bitmaps (large objects: MB_F_MARK in the
 * header). Invariant outside a collection: no object is marked (heap.h).
 *
 * A collection:
 *   mark     every object reachable from the roots (mb__each_root) is marked;
 *            the mark stack is explicit, so depth costs heap, not C stack.
 *            The marked objects and their bytes are counted as they are
 *            marked.
 *   finalize unmarked objects with a finalizer that has not run are
 *            finalized (PEP 442, each exactly once); then marking resumes
 *            from the roots: whatever a finalizer resurrected is now marked.
 *   sweep    unmarked objects are reclaimed. When no object has a finalizer
 *            and the census is off (benchmark runs), nothing is visited per
 *            dead object: the accounting takes the marked counts
 *            (the reclaimed event) and the sweep is heap.h's bitmap copy (alloc =
 *            mark), so its cost is per page, not per object. Otherwise
 *            (tests, debug builds, finalizers) every dead object is freed
 *            through mb__free_obj first, so the census, the finalizer table
 *            and the debug poison see each one.
 * Under legacy finalizers (--finalizers legacy) the finalize step is
 * replaced: unmarked objects needing a finalizer are put in `garbage`
 * (uncollectable, never finalized) and marking resumes from the roots, so
 * they and everything they reach are kept. A tracer cannot tell cyclic from
 * acyclic garbage, so this applies to every unreachable object with a
 * finalizer, where Python 2 kept only those in or reachable from a cycle
 * (strategies/README.md).
 * Objects allocated during a collection (by finalizers) are born marked.
 */
typedef struct ms_state {
    mb_heap_t heap;                     /* every object (heap.h) */
    mb_ptrvec_t stack;                  /* the mark stack */
    uint64_t marked;                    /* objects marked by this collection */
    uint64_t marked_bytes;              /* their accounted bytes */
} ms_state_t;

static void *ms_alloc(mb_rt_t *rt, size_t bytes) {
    ms_state_t *st = rt->state;
    return mb_heap_alloc(&st->heap, bytes);
}

/* The mutator's free lists (mutator.h): a page's free slots at a time. */
static void *ms_refill(mb_rt_t *rt, uint32_t cls) {
    ms_state_t *st = rt->state;
    return mb_heap_refill(&st->heap, cls);
}

static void ms_unreserve(mb_rt_t *rt, void *cell) {
    (void)rt;
    mb_heap_unreserve(cell);
}

static void ms_free(mb_rt_t *rt, void *p, size_t bytes) {
    ms_state_t *st = rt->state;
    mb_heap_free(&st->heap, p, bytes);
}

/* Mark o if it is not yet; returns whether it was newly marked. */
static inline bool ms_set_mark(ms_state_t *st, mb_obj_t *o) {
    if (!mb_heap_mark(o)) return false;
    st->marked++;
    st->marked_bytes += mb_obj_size((mb_kind_t)o->kind, o->len);
    return true;
}

/* Slow-path allocations only (objects from free-list cells are small and
 * never allocated during a collection): large objects, and objects a
 * finalizer allocates during a collection (born marked). */
static void ms_on_alloc(mb_rt_t *rt, mb_obj_t *o) {
    ms_state_t *st = rt->state;
    if (mb_obj_size((mb_kind_t)o->kind, o->len) > MB_HEAP_MAX_SMALL) o->flags |= MB_F_LARGE;
    if (rt->in_collect) ms_set_mark(st, o);
}

static void ms_root(mb_rt_t *rt, mb_obj_t *o, void *ctx) {
    (void)ctx;
    ms_state_t *st = rt->state;
    MB_VEC_PUSH(&st->stack, (void *)o);
}

/* After: everything reachable from the roots is marked; the stack is empty. */
static void ms_mark(mb_rt_t *rt) {
    ms_state_t *st = rt->state;
    mb__each_root(rt, ms_root, NULL);
    mb_heap_trace(&st->stack, &st->marked, &st->marked_bytes);
}

static void ms_free_dead(void *ctx, mb_obj_t *o) { mb__free_obj(ctx, o); }

/* After: unmarked objects are reclaimed and accounted, marks are clear. */
static void ms_sweep(mb_rt_t *rt) {
    ms_state_t *st = rt->state;
    if (rt->opt.census || rt->finalizers.n) {
        mb_heap_each_unmarked(&st->heap, ms_free_dead, rt);
    } else {
        uint64_t owned = rt->mut.stats.live_objects - rt->mut.stats.immortal_objects;
        uint64_t owned_bytes = rt->mut.stats.live_bytes - mb__immortal_bytes(rt);
        MB_CHECK(st->marked <= owned && st->marked_bytes <= owned_bytes, "mark-sweep: marked more than allocated");
        mb_ev_reclaimed(rt, owned - st->marked, owned_bytes - st->marked_bytes);
    }
    mb_heap_sweep(&st->heap);
}

static void ms_collect(mb_rt_t *rt, bool full) {
    (void)full;                         /* every collection is full */
    ms_state_t *st = rt->state;
    st->marked = st->marked_bytes = 0;
    ms_mark(rt);
    if (mb__finalize_unmarked(rt, &st->heap)) ms_mark(rt);   /* resurrection, or `garbage` (a root): mark again */
    ms_sweep(rt);
}

static void ms_finish(mb_rt_t *rt) {
    ms_state_t *st = rt->state;
    mb_heap_destroy(&st->heap);
    MB_VEC_FREE(&st->stack);
}

typedef struct ms_census {
    uint64_t objects;                   /* objects in the heap */
    uint64_t marked;                    /* of which marked (must be 0) */
} ms_census_t;

static void ms_count(void *ctx, mb_obj_t *o) {
    ms_census_t *c = ctx;
    c->objects++;
    if (mb_heap_marked(o)) c->marked++;
}

static void ms_verify(mb_rt_t *rt) {
    ms_state_t *st = rt->state;
    ms_census_t c = {0};
    mb_heap_each(&st->heap, ms_count, &c);
    MB_CHECK(c.marked == 0, "mark-sweep verify: %llu objects still marked", (unsigned long long)c.marked);
    MB_CHECK(c.objects + rt->mut.stats.immortal_objects == rt->mut.stats.live_objects,
             "mark-sweep verify: %llu objects in the heap, %llu live", (unsigned long long)c.objects,
             (unsigned long long)(rt->mut.stats.live_objects - rt->mut.stats.immortal_objects));
}

const mb_strategy_t mb_strategy_mark_sweep = {
    .name = "mark-sweep",
    .description = "precise tracing from the root frames on a size-class heap: bitmap marks, bitmap sweep",
    .attrs = MB_ATTR_FREES | MB_ATTR_CYCLES | MB_ATTR_TRACES | MB_ATTR_POLICY | MB_ATTR_OWN_HEAP,
    .side_bytes = 0,                    /* marks and alloc bits: 2 bits per 16 bytes, in page headers */
    .state_size = sizeof(ms_state_t),
    .alloc = ms_alloc,
    .refill = ms_refill,
    .unreserve = ms_unreserve,
    .free = ms_free,
    .on_alloc = ms_on_alloc,
    .collect = ms_collect,
    .finish = ms_finish,
    .verify = ms_verify,
};
