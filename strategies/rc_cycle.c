/* rc_cycle.c: reference counting plus synchronous cycle collection over a buffer of possible roots (Bacon & Rajan, ECOOP 2001). */
#include <stdlib.h>
#include <string.h>

#include "runtime/strategy.h"

/*
 * Counts are the shared mechanism's (mutator.h keeps rc, refcount.c frees
 * at zero). This file adds the candidate buffer and the collector.
 *
 * Header fields, per state:
 *   color  BLACK outside a collection (in use or free), PURPLE while in the
 *          buffer (a possible root: its count fell to a non-zero value);
 *          during a collection GRAY (trial-decremented), WHITE (garbage
 *          candidate), MEMBER (in the set handed to mb_rc_dispose).
 *   flags  MB_F_BUFFERED: in `roots`, exactly once; aux is then its index.
 *   rc     real outside a collection (I3); between MarkRoots and the end of
 *          CollectRoots, gray and white objects' counts exclude references
 *          from gray objects (trial deletion). No mutator code runs then.
 * Leaves (ints, strings) cannot be on a cycle (I4): they are never buffered
 * or traced ("green", the paper's acyclic objects); they die through the
 * ordinary count when the garbage that held them is freed.
 *
 * Invariant outside a collection: every object in `roots` is a live
 * container, PURPLE, MB_F_BUFFERED, with aux = its index; no other object
 * carries MB_F_BUFFERED (verify checks the buffer side).
 */
enum { RCC_BLACK = 0, RCC_GRAY = 1, RCC_WHITE = 2, RCC_PURPLE = 3, RCC_MEMBER = 4 };

#define RCC_DEFAULT_THRESHOLD 10000     /* roots, as PHP's collector (GC_THRESHOLD_DEFAULT) */

typedef struct rcc_state {
    mb_ptrvec_t roots;                  /* the candidate buffer (possible roots) */
    size_t threshold;                   /* collect when roots.n passes this (param `threshold`) */
    mb_ptrvec_t stack;                  /* explicit stack of every phase */
    mb_ptrvec_t work;                   /* the roots a collection works on */
    mb_ptrvec_t white;                  /* garbage found, handed to mb_rc_dispose */
} rcc_state_t;

static const mb_param_def_t rcc_params[] = {
    {"threshold", RCC_DEFAULT_THRESHOLD, 0, 1000000000000ULL,
     "possible roots buffered before a collection (0: collect only when asked)"},
    {NULL, 0, 0, 0, NULL}};

static int rcc_init(mb_rt_t *rt) {
    rcc_state_t *st = rt->state;
    st->threshold = (size_t)rcc_params[0].def;
    return 0;
}

static int rcc_param(mb_rt_t *rt, const char *key, uint64_t v) {
    rcc_state_t *st = rt->state;
    (void)key;                          /* the only one */
    st->threshold = (size_t)v;
    return 0;
}

#ifdef MB_STRESS
static void rcc_on_alloc(mb_rt_t *rt, mb_obj_t *o) {
    (void)o;
    mb__request_collect(rt);            /* stress build: collect at every allocation */
}
#endif

/* A count fell and stayed above zero: o may now be the root of a garbage cycle. */
static void rcc_possible_root(mb_rt_t *rt, mb_obj_t *o) {
    rcc_state_t *st = rt->state;
    if (o->kind != MB_LIST || o->color == RCC_MEMBER) return;   /* green, or being disposed */
    o->color = RCC_PURPLE;
#ifdef MB_STRESS
    mb__request_collect(rt);            /* stress build: cycle-collect at every decrement to nonzero */
#endif
    if (o->flags & MB_F_BUFFERED) return;
    o->flags |= MB_F_BUFFERED;
    o->aux = (uint32_t)st->roots.n;
    MB_VEC_PUSH(&st->roots, (void *)o);
    if (st->roots.n > st->threshold) mb__request_collect(rt);  /* never collect inside a cascade */
}

/* o is about to be freed: take it out of the buffer (swap with the last entry). */
static void rcc_on_free(mb_rt_t *rt, mb_obj_t *o) {
    rcc_state_t *st = rt->state;
    if (!(o->flags & MB_F_BUFFERED)) return;
    MB_ASSERT(o->aux < st->roots.n && st->roots.v[o->aux] == o);
    mb_obj_t *last = st->roots.v[--st->roots.n];
    st->roots.v[o->aux] = last;
    last->aux = o->aux;
    o->flags &= (uint8_t)~MB_F_BUFFERED;
}

static inline bool rcc_traced(const mb_obj_t *c) {
    return c && c->kind == MB_LIST && !mb_obj_immortal(c);
}

/* MarkGray(s): after, s and every container it reaches are GRAY, and each
 * edge from a gray object to a container has been subtracted once. */
static void rcc_mark_gray(rcc_state_t *st, mb_obj_t *s) {
    if (s->color == RCC_GRAY) return;
    s->color = RCC_GRAY;
    MB_VEC_PUSH(&st->stack, (void *)s);
    while (st->stack.n) {
        mb_obj_t *t = st->stack.v[--st->stack.n];
        mb_obj_t **slots = mb_obj_slots(t);
        for (uint32_t i = 0; i < t->len; i++) {
            mb_obj_t *c = slots[i];
            if (!rcc_traced(c)) continue;
            MB_ASSERT(c->rc > 0);
            c->rc--;
            if (c->color != RCC_GRAY) {
                c->color = RCC_GRAY;
                MB_VEC_PUSH(&st->stack, (void *)c);
            }
        }
    }
}

/* ScanBlack(s): after, s and every container it reaches are BLACK, and the
 * edges out of each newly blackened object are restored. */
static void rcc_scan_black(rcc_state_t *st, mb_obj_t *s, size_t base) {
    s->color = RCC_BLACK;
    MB_VEC_PUSH(&st->stack, (void *)s);
    while (st->stack.n > base) {
        mb_obj_t *t = st->stack.v[--st->stack.n];
        mb_obj_t **slots = mb_obj_slots(t);
        for (uint32_t i = 0; i < t->len; i++) {
            mb_obj_t *c = slots[i];
            if (!rcc_traced(c)) continue;
            c->rc++;
            if (c->color != RCC_BLACK) {
                c->color = RCC_BLACK;
                MB_VEC_PUSH(&st->stack, (void *)c);
            }
        }
    }
}

/* Scan(s): after, every gray object reachable from s is BLACK if it is
 * reachable from an object with a count above zero (referenced from outside
 * the gray graph), else WHITE. A white object later reached by ScanBlack is
 * blackened, so the visiting order does not matter. */
static void rcc_scan(rcc_state_t *st, mb_obj_t *s) {
    MB_VEC_PUSH(&st->stack, (void *)s);
    while (st->stack.n) {
        mb_obj_t *t = st->stack.v[--st->stack.n];
        if (t->color != RCC_GRAY) continue;
        if (t->rc > 0) {
            rcc_scan_black(st, t, st->stack.n);
            continue;
        }
        t->color = RCC_WHITE;
        mb_obj_t **slots = mb_obj_slots(t);
        for (uint32_t i = 0; i < t->len; i++)
            if (rcc_traced(slots[i]) && slots[i]->color == RCC_GRAY) MB_VEC_PUSH(&st->stack, (void *)slots[i]);
    }
}

/* CollectWhite(s), gathering: after, every white object reachable from s is
 * MEMBER and in st->white. */
static void rcc_gather_white(rcc_state_t *st, mb_obj_t *s) {
    if (s->color != RCC_WHITE) return;
    s->color = RCC_MEMBER;
    MB_VEC_PUSH(&st->white, (void *)s);
    MB_VEC_PUSH(&st->stack, (void *)s);
    while (st->stack.n) {
        mb_obj_t *t = st->stack.v[--st->stack.n];
        mb_obj_t **slots = mb_obj_slots(t);
        for (uint32_t i = 0; i < t->len; i++) {
            mb_obj_t *c = slots[i];
            if (!rcc_traced(c) || c->color != RCC_WHITE) continue;
            c->color = RCC_MEMBER;
            MB_VEC_PUSH(&st->white, (void *)c);
            MB_VEC_PUSH(&st->stack, (void *)c);
        }
    }
}

/* A member that survived disposal (resurrected or kept): an ordinary object again. */
static void rcc_keep(mb_rt_t *rt, mb_obj_t *o) {
    (void)rt;
    o->color = RCC_BLACK;
}

static void rcc_collect(mb_rt_t *rt, bool full) {
    (void)full;                         /* every collection examines the whole buffer */
    rcc_state_t *st = rt->state;
    /* Take the buffer: the roots of this collection leave it (no longer
     * BUFFERED), so frees during disposal never touch `work`. */
    mb_ptrvec_t tmp = st->work;
    st->work = st->roots;
    st->roots = tmp;
    st->roots.n = 0;
    mb_ptrvec_t *work = &st->work;
    for (size_t i = 0; i < work->n; i++) {
        mb_obj_t *o = work->v[i];
        /* Catches a buffer entry left pointing at a freed object (freed
         * memory is poisoned in debug builds) or at its reused memory. */
        MB_ASSERT(o->kind == MB_LIST && (o->flags & MB_F_BUFFERED) && o->aux == i);
        o->flags &= (uint8_t)~MB_F_BUFFERED;
    }

    /* MarkRoots: after, every object reachable from a purple root is gray
     * with its internal references subtracted; non-purple roots dropped. */
    size_t k = 0;
    for (size_t i = 0; i < work->n; i++) {
        mb_obj_t *s = work->v[i];
        if (s->color == RCC_PURPLE) {
            rcc_mark_gray(st, s);
            work->v[k++] = s;
        } else if (s->color != RCC_GRAY) {
            s->color = RCC_BLACK;
        }
    }
    work->n = k;
    /* ScanRoots: after, gray objects are black (externally reachable, counts
     * restored) or white (garbage). */
    for (size_t i = 0; i < work->n; i++) rcc_scan(st, work->v[i]);
    /* CollectRoots: gather the white, restore the counts of the references
     * out of white objects (so every count is real again), dispose. */
    st->white.n = 0;
    for (size_t i = 0; i < work->n; i++) rcc_gather_white(st, work->v[i]);
    work->n = 0;
    for (size_t i = 0; i < st->white.n; i++) {
        mb_obj_t *w = st->white.v[i];
        mb_obj_t **slots = mb_obj_slots(w);
        for (uint32_t j = 0; j < w->len; j++)
            if (rcc_traced(slots[j])) slots[j]->rc++;
    }
    mb_rc_dispose(rt, &st->white, rcc_keep);
    st->white.n = 0;
}

static void rcc_verify(mb_rt_t *rt) {
    rcc_state_t *st = rt->state;
    for (size_t i = 0; i < st->roots.n; i++) {
        mb_obj_t *o = st->roots.v[i];
        MB_CHECK(o->kind == MB_LIST, "rc-cycle verify: buffered object %p is not a live container", (void *)o);
        MB_CHECK((o->flags & MB_F_BUFFERED) && o->aux == i && o->color == RCC_PURPLE,
                 "rc-cycle verify: buffer entry %zu (%p) inconsistent", i, (void *)o);
        MB_CHECK(o->rc > 0, "rc-cycle verify: buffered object %p has count 0", (void *)o);
    }
    if (rt->opt.census) {
        for (size_t i = 0; i < rt->census.cap; i++) {
            if (!mb_ptrmap_live(&rt->census, i)) continue;
            mb_obj_t *o = rt->census.keys[i];
            MB_CHECK(o->color == RCC_BLACK || o->color == RCC_PURPLE,
                     "rc-cycle verify: object %p left with colour %d after a collection", (void *)o, o->color);
            MB_CHECK(!(o->flags & MB_F_MARK), "rc-cycle verify: object %p left marked", (void *)o);
        }
    }
}

static void rcc_finish(mb_rt_t *rt) {
    rcc_state_t *st = rt->state;
    MB_VEC_FREE(&st->roots);
    MB_VEC_FREE(&st->stack);
    MB_VEC_FREE(&st->work);
    MB_VEC_FREE(&st->white);
}

const mb_strategy_t mb_strategy_rc_cycle = {
    .name = "rc-cycle",
    .description = "reference counting + synchronous trial deletion over a buffer of possible roots (Bacon & Rajan 2001)",
    .attrs = MB_ATTR_COUNTS | MB_ATTR_FREES | MB_ATTR_CYCLES,
    .side_bytes = 0,                    /* colour and buffer index live in the header; the buffer is bounded by `threshold` */
    .state_size = sizeof(rcc_state_t),
    .init = rcc_init,
    .finish = rcc_finish,
#ifdef MB_STRESS
    .on_alloc = rcc_on_alloc,
#endif
    .on_free = rcc_on_free,
    .dec_nonzero = rcc_possible_root,
    .collect = rcc_collect,
    .params = rcc_params,
    .param = rcc_param,
    .verify = rcc_verify,
};
