/* mark_sweep.c: precise tracing from the root frames, explicit mark stack, sweep; triggered by the shared policy. */
#include <stdlib.h>

#include "strategy.h"

/*
 * State: every object the strategy owns is in `objects` (8 bytes a object,
 * counted in side_bytes). MB_F_MARK in the header is the mark bit.
 * Invariant outside a collection: no object carries MB_F_MARK.
 *
 * A collection:
 *   mark     every object reachable from the roots (mb__each_root) is marked;
 *            the mark stack is explicit, so depth costs heap, not C stack.
 *   finalize unmarked objects with a finalizer that has not run are
 *            finalized (PEP 442, each exactly once); then marking resumes
 *            from the roots: whatever a finalizer resurrected is now marked.
 *   sweep    unmarked objects are freed; marks are cleared on the survivors.
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
    mb_ptrvec_t objects;                /* every object, in allocation order after compaction */
    mb_ptrvec_t stack;                  /* the mark stack */
} ms_state_t;

static void ms_on_alloc(mb_rt_t *rt, mb_obj_t *o) {
    ms_state_t *st = rt->state;
    if (rt->in_collect) o->flags |= MB_F_MARK;
    MB_VEC_PUSH(&st->objects, (void *)o);
}

static inline void ms_grey(ms_state_t *st, mb_obj_t *o) {
    if (o && !(o->flags & MB_F_MARK) && !mb_obj_immortal(o)) {
        o->flags |= MB_F_MARK;
        if (o->kind == MB_LIST && o->len) MB_VEC_PUSH(&st->stack, (void *)o);
    }
}

static void ms_root(mb_rt_t *rt, mb_obj_t *o, void *ctx) {
    (void)ctx;
    ms_grey(rt->state, o);
}

/* After: everything reachable from the roots is marked; the stack is empty. */
static void ms_mark(mb_rt_t *rt) {
    ms_state_t *st = rt->state;
    mb__each_root(rt, ms_root, NULL);
    while (st->stack.n) {
        mb_obj_t *o = st->stack.v[--st->stack.n];
        mb_obj_t **slots = mb_obj_slots(o);
        for (uint32_t i = 0; i < o->len; i++) ms_grey(st, slots[i]);
    }
}

/* After: every unmarked object that needed finalizing has been finalized
 * once; returns whether any finalizer ran. */
static bool ms_finalize(mb_rt_t *rt) {
    ms_state_t *st = rt->state;
    mb_ptrvec_t todo = {0};
    for (size_t i = 0; i < st->objects.n; i++) {
        mb_obj_t *o = st->objects.v[i];
        if (!(o->flags & MB_F_MARK) && mb__needs_finalize(o)) MB_VEC_PUSH(&todo, (void *)o);
    }
    for (size_t i = 0; i < todo.n; i++) mb__finalize(rt, todo.v[i]);
    bool ran = todo.n > 0;
    MB_VEC_FREE(&todo);
    return ran;
}

/* After: unmarked objects are freed, survivors unmarked, `objects` compacted. */
static void ms_sweep(mb_rt_t *rt) {
    ms_state_t *st = rt->state;
    size_t keep = 0;
    for (size_t i = 0; i < st->objects.n; i++) {
        mb_obj_t *o = st->objects.v[i];
        if (o->flags & MB_F_MARK) {
            o->flags &= (uint8_t)~MB_F_MARK;
            st->objects.v[keep++] = o;
        } else {
            mb__free_obj(rt, o);
        }
    }
    st->objects.n = keep;
}

/* Legacy: after, every unmarked object needing a finalizer is in `garbage`;
 * returns whether there was any. */
static bool ms_keep_finalizable(mb_rt_t *rt) {
    ms_state_t *st = rt->state;
    bool any = false;
    for (size_t i = 0; i < st->objects.n; i++) {
        mb_obj_t *o = st->objects.v[i];
        if (!(o->flags & MB_F_MARK) && mb__needs_finalize(o)) {
            mb__make_uncollectable(rt, o);
            any = true;
        }
    }
    return any;
}

static void ms_collect(mb_rt_t *rt, bool full) {
    (void)full;                         /* every collection is full */
    ms_mark(rt);
    if (rt->opt.finalizers == MB_FIN_LEGACY) {
        if (ms_keep_finalizable(rt)) ms_mark(rt);   /* `garbage` is a root */
    } else if (ms_finalize(rt)) {
        ms_mark(rt);                    /* resurrection: mark again from the roots */
    }
    ms_sweep(rt);
}

static void ms_finish(mb_rt_t *rt) {
    ms_state_t *st = rt->state;
    MB_VEC_FREE(&st->objects);
    MB_VEC_FREE(&st->stack);
}

static void ms_verify(mb_rt_t *rt) {
    ms_state_t *st = rt->state;
    for (size_t i = 0; i < st->objects.n; i++) {
        mb_obj_t *o = st->objects.v[i];
        MB_CHECK(!(o->flags & MB_F_MARK), "mark-sweep verify: object %p still marked", (void *)o);
    }
    MB_CHECK(st->objects.n + rt->stats.immortal_objects == rt->stats.live_objects,
             "mark-sweep verify: %zu objects owned, %llu live", st->objects.n,
             (unsigned long long)(rt->stats.live_objects - rt->stats.immortal_objects));
}

const mb_strategy_t mb_strategy_mark_sweep = {
    .name = "mark-sweep",
    .description = "precise tracing from the root frames: mark with an explicit stack, then sweep",
    .attrs = MB_ATTR_FREES | MB_ATTR_CYCLES | MB_ATTR_TRACES | MB_ATTR_POLICY,
    .side_bytes = sizeof(void *),       /* its entry in `objects` */
    .state_size = sizeof(ms_state_t),
    .on_alloc = ms_on_alloc,
    .collect = ms_collect,
    .finish = ms_finish,
    .verify = ms_verify,
};
