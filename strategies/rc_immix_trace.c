/* rc_immix_trace.c: rc-immix's backup trace (cycles, stuck counts) and its debug verifier. */
#include <stdlib.h>
#include <string.h>

#include "strategies/rc_immix.h"

/* --- the backup trace ------------------------------------------------------ */

/* c is referenced from a traced slot (or, from_root, a root): mark it and
 * recompute its count, one reference at a time. */
static inline void rci_trace_ref(mb_rt_t *rt, rci_state_t *st, mb_obj_t *c, bool from_root) {
    if (!from_root) rt->mut.stats.rc_increments++;
    if (mb_heap_mark(c)) {
        st->marked++;
        st->marked_bytes += rci_size(c);
        c->color = (uint8_t)(RCI_OLD | (from_root ? 0 : 1));
        if (c->kind == MB_LIST) {
            c->flags |= MB_F_UNLOGGED;
            MB_VEC_PUSH(&st->stack, (void *)c);
        }
    } else if (!from_root && (c->color & RCI_CNT) != RCI_STUCK) {
        c->color++;
    }
}

static void rci_trace_root(mb_rt_t *rt, mb_obj_t *o, void *ctx) {
    if (!mb_obj_immortal(o)) rci_trace_ref(rt, ctx, o, true);
}

/* Mark what the roots reach; every marked object's count is the number of
 * marked slots referring to it (sticky at 7). */
static void rci_mark(mb_rt_t *rt, rci_state_t *st) {
    st->marked = st->marked_bytes = 0;
    mb__each_root(rt, rci_trace_root, st);
    mb_ptrvec_t *stk = &st->stack;
    while (stk->n) {
        mb_obj_t *x = stk->v[--stk->n];
        mb_obj_t **s = mb_obj_slots(x);
        for (uint32_t i = 0; i < x->len; i++)
            if (s[i] && !mb_obj_immortal(s[i])) rci_trace_ref(rt, st, s[i], false);
    }
}

/* Marks cleared without a sweep: a trace to run again. */
static void rci_unmark(rci_state_t *st) {
    for (uint32_t c = 0; c < MB_HEAP_CLASSES; c++)
        for (mb_page_t *pg = st->heap.pages[c]; pg; pg = pg->next) {
            memset(pg->mark, 0, sizeof pg->mark);
            pg->live = 0;
        }
    for (size_t i = 0; i < st->heap.large.n; i++) ((mb_obj_t *)st->heap.large.v[i])->flags &= (uint8_t)~MB_F_MARK;
}

static void rci_free_dead(void *ctx, mb_obj_t *o) { mb__free_obj(ctx, o); }

static void rci_root_count(mb_rt_t *rt, mb_obj_t *o, void *ctx) {
    rci_state_t *st = ctx;
    if (mb_obj_immortal(o)) return;
    rt->mut.stats.rc_increments++;
    MB_VEC_PUSH(&st->roots, (void *)o);
    if ((o->color & RCI_CNT) != RCI_STUCK) o->color++;
}

/* Trace, finalize and trace again while finalizers ran, sweep; then every
 * survivor is counted, unlogged, with its true count (or stuck), and the
 * buffers are empty. */
void rci_backup(mb_rt_t *rt, rci_state_t *st) {
    rci_unmark(st);                     /* the pages' free counts */
    rci_mark(rt, st);
    while (mb__finalize_unmarked(rt, &st->heap)) {       /* resurrection, or `garbage` (a root): from scratch */
        rci_unmark(st);
        rci_mark(rt, st);
    }
    for (size_t i = 0; i < st->zct.n; i++) ((mb_obj_t *)st->zct.v[i])->flags &= (uint8_t)~MB_F_BUFFERED;
    st->zct.n = st->work.n = st->modbuf.n = st->decbuf.n = 0;
    rci_flogs_drop(st);
    st->roots.n = st->roots_prev.n = 0;
    rci_young_reset(rt, st);
    if (!st->plain) {
        mb_heap_each_unmarked(&st->heap, rci_free_dead, rt);
    } else {
        uint64_t owned = rt->mut.stats.live_objects - rt->mut.stats.immortal_objects;
        uint64_t owned_bytes = rt->mut.stats.live_bytes - mb__immortal_bytes(rt);
        MB_CHECK(st->marked <= owned && st->marked_bytes <= owned_bytes, "rc-immix: marked more than allocated");
        mb_ev_reclaimed(rt, owned - st->marked, owned_bytes - st->marked_bytes);
    }
    mb_heap_sweep(&st->heap);
    mb__each_root(rt, rci_root_count, st);
    st->trace_limit = mb_policy_limit(rt, rt->mut.stats.live_bytes);
}

/* --- debug verification ------------------------------------------------------ */

typedef struct rci_census {
    rci_state_t *st;                    /* the state */
    uint64_t objects;                   /* objects in the heap */
    uint64_t pass;                      /* 0: census, 1: clear aux, 2: count references, 3: compare */
} rci_census_t;

static void rci_check(void *ctx, mb_obj_t *o) {
    rci_census_t *c = ctx;
    if (c->pass <= 1) {
        c->objects++;
        if (c->pass == 1) o->aux = 0;
        MB_CHECK(!mb_heap_marked(o), "rc-immix verify: object %p left marked", (void *)o);
        return;
    }
    if (c->pass == 3) {
        unsigned n = o->color & RCI_CNT;
        MB_CHECK(!rci_counted(o) || n == RCI_STUCK || n == o->aux,
                 "rc-immix verify: object %p (kind %d) has count %u, %u references", (void *)o, o->kind, n, o->aux);
        o->aux = 0;
        return;
    }
    if (!rci_counted(o) || o->kind != MB_LIST) return;
    MB_CHECK((o->flags & MB_F_UNLOGGED) || c->st->modbuf.n, "rc-immix verify: counted list %p not unlogged", (void *)o);
    mb_obj_t **s = mb_obj_slots(o);
    for (uint32_t i = 0; i < o->len; i++) {
        if (!s[i] || mb_obj_immortal(s[i])) continue;
        MB_CHECK(rci_counted(s[i]) || !(o->flags & MB_F_UNLOGGED),
                 "rc-immix verify: counted %p refers to young %p", (void *)o, (void *)s[i]);
        s[i]->aux++;
    }
}

/* Outside a collection, with no container logged since: every count that
 * is not stuck is exact (the invariant at the top), nothing is marked. */
void rci_verify(mb_rt_t *rt) {
    rci_state_t *st = rt->state;
    rci_census_t c = {.st = st};
    mb_heap_each(&st->heap, rci_check, &c);
    MB_CHECK(c.objects + rt->mut.stats.immortal_objects == rt->mut.stats.live_objects,
             "rc-immix verify: %llu objects in the heap, %llu live", (unsigned long long)c.objects,
             (unsigned long long)(rt->mut.stats.live_objects - rt->mut.stats.immortal_objects));
    if (st->modbuf.n || st->flogs.n) return;   /* logged since the epoch (aux holds field-log indices) */
    c.pass = 1;
    mb_heap_each(&st->heap, rci_check, &c);
    c.pass = 2;
    mb_heap_each(&st->heap, rci_check, &c);
    for (size_t i = 0; i < st->roots.n; i++) ((mb_obj_t *)st->roots.v[i])->aux++;
    c.pass = 3;
    mb_heap_each(&st->heap, rci_check, &c);
}

