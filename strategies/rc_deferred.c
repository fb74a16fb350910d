/* rc_deferred.c: deferred reference counting (Deutsch & Bobrow 1976): root references are not counted; a zero-count table is reconciled against the roots. */
#include <stdlib.h>
#include <string.h>

#include "runtime/mem.h"
#include "runtime/strategy.h"

/*
 * The mutator counts references from object slots only (MB_ATTR_DEFERRED:
 * barrier MB_BAR_HEAP, not MB_BAR_ROOTS): a write to a variable or a global
 * is a plain store and mb_pop drops nothing. So a count of zero no longer
 * means dead, only "no slot refers to it": such an object goes into the
 * zero-count table (ZCT), as does every new object (count 0 at birth).
 *
 * Reconciliation (`collect`: when the table has grown by `zct` entries
 * (default 1024) since the last one, at gc.collect() and at teardown):
 * mark every object a root refers to (MB_F_MARK: every variable of every
 * frame, every global, the legacy `garbage` list), then take each entry
 * in turn: one whose count rose above zero since it entered is dropped
 * (stale); one with count 0 that a root refers to stays in the table; one
 * with count 0 and no root is freed, and its death cascades as rc's does
 * (each child's count falls; a child reaching zero is freed in the same
 * reconciliation unless a root refers to it, in which case it goes into
 * the table). Then the marks are cleared. With an explicit stack: no
 * recursion.
 *
 * Header fields:
 *   flags  MB_F_BUFFERED: the object has exactly one entry in the table
 *          (outside a reconciliation: in `zct`; during one: in `zct`, or in
 *          the part of `work` not yet taken). A cascade never frees an
 *          object with an entry: its entry does, or keeps it.
 *          MB_F_MARK: a root refers to it (during a reconciliation only).
 *   rc     references from object slots and the `garbage` list (I3 as the
 *          verifier checks it for this strategy); mb_refcount reports it.
 * Invariant outside a reconciliation: every live, non-immortal object with
 * count 0 is in `zct`; every entry of `zct` is a live object carrying
 * MB_F_BUFFERED (verify checks both).
 *
 * Finalizers run when the object is freed, inside the reconciliation (as
 * rc's run at count zero, in both finalizer modes: legacy `garbage` is only
 * for cyclic garbage, which this strategy never finds). mb__finalize holds
 * the object (count + 1) during the call. A finalizer is mutator code: it
 * may store references into roots, so the roots are marked again after
 * each; an object it stored in a slot (count above zero) or a root survives,
 * finalized. Objects that finalizers allocate or bring to zero enter the
 * table for the next reconciliation; a full collection (gc.collect(),
 * teardown) reconciles again while a pass ran a finalizer.
 *
 * Cost of a reconciliation: the root slots plus the table's entries plus
 * what is freed, never the live heap. The table is 8 bytes an entry, at
 * most `zct` + the objects roots refer to between reconciliations (more
 * while automatic collection is off): a bounded table, like rc-cycle's
 * buffer, not charged per object (side_bytes 0).
 */

/* Entries added between reconciliations. CPython's threshold0 is 2000
 * container allocations; entries here are every allocation plus counts
 * that fall to zero. A reconciliation visits every entry's header and
 * frees in a batch, so a table larger than the caches costs misses: CPU
 * time on shared-refs, binary-trees, random-graph, large-live-heap and
 * interned-values is lowest between 256 and 1024 and grows beyond (at
 * 16384, 1.5 to 3 times that of 1024); a smaller table scans the roots
 * more often. docs/performance.md has the figures. */
#ifndef MB_DEBUG
#define RCD_DEFAULT_ZCT 1024
#else
/* Debug builds verify the whole heap after every collection (verify.c), a
 * cost in the live heap per reconciliation: at 1024, cycle-rings' quick
 * size takes a minute of CPU. A larger table there, and one at least as
 * large as the live heap (rcd_next_limit), keeps the verifier's cost per
 * allocation bounded, as the other collectors' is; every path still runs
 * (the stress build reconciles at every allocation; tests that count
 * reconciliations set `zct` and keep the heap smaller). */
#define RCD_DEFAULT_ZCT 16384
#endif

typedef struct rcd_state {
    mb_ptrvec_t zct;                    /* the zero-count table (MB_F_BUFFERED objects) */
    mb_ptrvec_t work;                   /* the table a reconciliation takes */
    mb_ptrvec_t pending;                /* the cascade's stack */
    mb_ptrvec_t marked;                 /* objects marked MB_F_MARK in this reconciliation */
    size_t threshold;                   /* param `zct`: entries added between reconciliations */
    size_t limit;                       /* request a reconciliation when zct.n passes this */
    bool fin_ran;                       /* a finalizer ran in this pass */
} rcd_state_t;

/* The table's size at which the next reconciliation is asked for. */
static size_t rcd_next_limit(const mb_rt_t *rt, const rcd_state_t *st) {
    size_t add = st->threshold;
#ifdef MB_DEBUG
    if (rt->mut.stats.live_objects > add) add = (size_t)rt->mut.stats.live_objects;   /* see RCD_DEFAULT_ZCT */
#else
    (void)rt;
#endif
    return st->zct.n + add;
}

/*
 * The allocation fast path appends new objects to the table inline
 * (mutator.h, mut.zlog): the mutator holds [zlog, zlog_end), the room left
 * in `zct` before its capacity or `limit`, so the allocation that passes
 * the limit still takes on_alloc and asks for the reconciliation at the
 * same allocation as before. Every method takes the table back first
 * (rcd_in: zct.n from zlog, and the mutator's room closed) and hands the
 * room back last (rcd_out), except during a collection: it is closed from
 * the start of a reconciliation to its end (nested calls, from
 * finalizers, then use `zct` directly).
 */
static void rcd_in(mb_rt_t *rt, rcd_state_t *st) {
    mb_mut_t *m = &rt->mut;
    if (!m->zlog) return;
    st->zct.n = (size_t)(m->zlog - st->zct.v);
    m->zlog = m->zlog_end = NULL;
}

static void rcd_open(mb_rt_t *rt, rcd_state_t *st) {
#ifndef MB_STRESS                       /* stress: every allocation takes on_alloc, which reconciles */
    mb_mut_t *m = &rt->mut;
    size_t room = st->zct.cap < st->limit ? st->zct.cap : st->limit;
    if (!st->zct.v || st->zct.n >= room) return;
    m->zlog = st->zct.v + st->zct.n;
    m->zlog_end = st->zct.v + room;
#else
    (void)rt, (void)st;
#endif
}

static void rcd_out(mb_rt_t *rt, rcd_state_t *st) {
    if (!rt->in_collect) rcd_open(rt, st);
}

static const mb_param_def_t rcd_params[] = {
    {"zct", RCD_DEFAULT_ZCT, 1, 1000000000000ULL, "zero-count table entries added between reconciliations"},
    {NULL, 0, 0, 0, NULL}};

static int rcd_init(mb_rt_t *rt) {
    rcd_state_t *st = rt->state;
    st->threshold = (size_t)rcd_params[0].def;
    st->limit = st->threshold;
    return 0;                           /* no room yet: the first on_alloc grows the table and opens it */
}

static int rcd_param(mb_rt_t *rt, const char *key, uint64_t v) {
    rcd_state_t *st = rt->state;
    (void)key;                          /* the only one */
    rcd_in(rt, st);
    st->threshold = (size_t)v;
    st->limit = rcd_next_limit(rt, st);
    rcd_out(rt, st);
    return 0;
}

/* Room for one more entry: growth passes the fault-injection point and
 * fails as out of memory (MB_FAIL_ALLOC), never a crash. */
static void rcd_grow(mb_rt_t *rt, mb_ptrvec_t *v) {
    if (rt->test_fail && mb_mem_inject()) mb_oom("zero-count table");
    mb_vec_grow_((void **)&v->v, &v->cap, sizeof *v->v, v->n + 1);
}

/* o gets its one entry in the table. */
static inline void rcd_enter(mb_rt_t *rt, rcd_state_t *st, mb_obj_t *o) {
    o->flags |= MB_F_BUFFERED;
    if (st->zct.n == st->zct.cap) rcd_grow(rt, &st->zct);
    st->zct.v[st->zct.n++] = o;
}

/* Never inside a store or a cascade: the next allocation reconciles. */
static inline void rcd_check_limit(mb_rt_t *rt, rcd_state_t *st) {
    if (st->zct.n > st->limit && !rt->in_collect) mb__request_collect(rt);
}

/* Every new object: count 0, so in the table. */
static void rcd_on_alloc(mb_rt_t *rt, mb_obj_t *o) {
    rcd_state_t *st = rt->state;
    rcd_in(rt, st);
    rcd_enter(rt, st, o);
#ifdef MB_STRESS
    mb__request_collect(rt);            /* stress build: reconcile at every allocation */
#else
    rcd_check_limit(rt, st);
#endif
    rcd_out(rt, st);
}

/* A slot's reference was the last one counted: into the table (once). */
static void rcd_release(mb_rt_t *rt, mb_obj_t *o) {
    rcd_state_t *st = rt->state;
    if (o->flags & MB_F_BUFFERED) return;
    rcd_in(rt, st);
    rcd_enter(rt, st, o);
    rcd_check_limit(rt, st);
    rcd_out(rt, st);
}

static void rcd_mark(mb_rt_t *rt, mb_obj_t *o, void *ctx) {
    (void)rt;
    rcd_state_t *st = ctx;
    if (mb_obj_immortal(o) || (o->flags & MB_F_MARK)) return;
    o->flags |= MB_F_MARK;
    MB_VEC_PUSH(&st->marked, (void *)o);
}

/* x, about to be freed, needs finalizing: run its finalizer; true if x
 * survives it (resurrected into a slot or a root). */
static bool rcd_resurrected(mb_rt_t *rt, rcd_state_t *st, mb_obj_t *x) {
    mb__finalize(rt, x);
    st->fin_ran = true;
    mb__each_root(rt, rcd_mark, st);                /* it may have stored references in roots */
    if (x->rc > 0) return true;                     /* resurrected into a slot: alive, finalized */
    if (!(x->flags & MB_F_MARK)) return false;
    if (!(x->flags & MB_F_BUFFERED)) rcd_enter(rt, st, x);   /* resurrected into a root */
    return true;
}

/* Free o (count 0, no root, no entry) and everything its death brings to
 * zero that has no root and no entry of its own. The last child to reach
 * zero is freed next without passing through `pending` (it would be
 * popped first anyway): the same order, less vector traffic. */
static void rcd_free(mb_rt_t *rt, rcd_state_t *st, mb_obj_t *o) {
    mb_ptrvec_t *pend = &st->pending;
    uint64_t decs = 0;
    for (mb_obj_t *x = o;;) {
        mb_obj_t *last = NULL;
        if (!mb__needs_finalize(x) || !rcd_resurrected(rt, st, x)) {
            mb_obj_t **slots = mb_obj_slots(x);
            mb__prefetch_slots(x);
            for (uint32_t i = 0; x->kind == MB_LIST && i < x->len; i++) {
                mb_obj_t *c = slots[i];
                if (!c || mb_obj_immortal(c)) continue;
                slots[i] = NULL;
                MB_CHECK(c->rc > 0, "reference count underflow on object %p in a reconciliation", (void *)c);
                decs++;
                if (--c->rc != 0 || (c->flags & MB_F_BUFFERED)) continue;  /* alive, or its entry decides */
                if (c->flags & MB_F_MARK) {
                    rcd_enter(rt, st, c);                   /* a root holds it */
                    continue;
                }
                if (last) MB_VEC_PUSH(pend, (void *)last);
                last = c;
            }
            mb__free_obj(rt, x);
        }
        if (last) {
            x = last;
            continue;
        }
        if (!pend->n) break;
        x = pend->v[--pend->n];
    }
    rt->mut.stats.rc_decrements += decs;
}

/* One reconciliation of the whole table. */
static void rcd_reconcile(mb_rt_t *rt, rcd_state_t *st) {
    /* Take the table: entries made during the pass (survivors, objects a
     * finalizer allocated or brought to zero) go into the new one. */
    mb_ptrvec_t tmp = st->work;
    st->work = st->zct;
    st->zct = tmp;
    st->zct.n = 0;
    mb__each_root(rt, rcd_mark, st);
    for (size_t i = 0; i < st->work.n; i++) {
        mb_obj_t *o = st->work.v[i];
        MB_ASSERT(o->kind != MB_FREED && (o->flags & MB_F_BUFFERED));
        o->flags &= (uint8_t)~MB_F_BUFFERED;
        if (o->rc > 0) continue;                        /* stale: a slot refers to it now */
        if (o->flags & MB_F_MARK) rcd_enter(rt, st, o); /* only roots refer to it: it stays */
        else rcd_free(rt, st, o);
    }
    st->work.n = 0;
    for (size_t i = 0; i < st->marked.n; i++) ((mb_obj_t *)st->marked.v[i])->flags &= (uint8_t)~MB_F_MARK;
    st->marked.n = 0;
}

static void rcd_collect(mb_rt_t *rt, bool full) {
    rcd_state_t *st = rt->state;
    rcd_in(rt, st);
    do {
        st->fin_ran = false;
        rcd_reconcile(rt, st);
    } while (full && st->fin_ran);      /* what finalizers dropped or made is reconciled too */
    st->limit = rcd_next_limit(rt, st);
    rcd_open(rt, st);
}

static void rcd_verify_table(mb_rt_t *rt, rcd_state_t *st) {
    for (size_t i = 0; i < st->zct.n; i++) {
        mb_obj_t *o = st->zct.v[i];
        MB_CHECK(o->kind == MB_LIST || o->kind == MB_INT || o->kind == MB_STR,
                 "rc-deferred verify: table entry %zu (%p) is not a live object", i, (void *)o);
        MB_CHECK((o->flags & MB_F_BUFFERED) && !mb_obj_immortal(o),
                 "rc-deferred verify: table entry %zu (%p) not marked as an entry", i, (void *)o);
    }
    MB_CHECK(st->work.n == 0 && st->pending.n == 0 && st->marked.n == 0, "rc-deferred verify: a reconciliation left work");
    if (!rt->opt.census) return;
    size_t flagged = 0;
    for (size_t i = 0; i < rt->census.cap; i++) {
        if (!mb_ptrmap_live(&rt->census, i)) continue;
        mb_obj_t *o = rt->census.keys[i];
        if (mb_obj_immortal(o)) continue;
        MB_CHECK(!(o->flags & MB_F_MARK), "rc-deferred verify: object %p left marked", (void *)o);
        MB_CHECK(o->rc > 0 || (o->flags & MB_F_BUFFERED),
                 "rc-deferred verify: object %p (kind %d) has count 0 and is not in the zero-count table", (void *)o,
                 o->kind);
        if (o->flags & MB_F_BUFFERED) flagged++;
    }
    MB_CHECK(flagged == st->zct.n, "rc-deferred verify: %zu objects flagged, %zu table entries", flagged, st->zct.n);
}

static void rcd_verify(mb_rt_t *rt) {
    rcd_state_t *st = rt->state;
    rcd_in(rt, st);
    rcd_verify_table(rt, st);
    rcd_out(rt, st);
}

static void rcd_finish(mb_rt_t *rt) {
    rcd_state_t *st = rt->state;
    rcd_in(rt, st);
    MB_VEC_FREE(&st->zct);
    MB_VEC_FREE(&st->work);
    MB_VEC_FREE(&st->pending);
    MB_VEC_FREE(&st->marked);
}

const mb_strategy_t mb_strategy_rc_deferred = {
    .name = "rc-deferred",
    .description = "deferred reference counting: roots uncounted, a zero-count table reconciled against them (Deutsch & Bobrow 1976)",
    .attrs = MB_ATTR_COUNTS | MB_ATTR_DEFERRED | MB_ATTR_FREES,
    .side_bytes = 0,                    /* the table is bounded (see above); the flags live in the header */
    .state_size = sizeof(rcd_state_t),
    .init = rcd_init,
    .finish = rcd_finish,
    .on_alloc = rcd_on_alloc,
    .release = rcd_release,
    .collect = rcd_collect,
    .params = rcd_params,
    .param = rcd_param,
    .verify = rcd_verify,
};
