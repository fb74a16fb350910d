/* rc_immix.c: reference counting as RC Immix / LXR: deferred, coalesced, born-dead young objects, sticky counts, a backup trace. */
#include <stdlib.h>
#include <string.h>

#include "runtime/heap.h"
#include "runtime/strategy.h"

/*
 * Objects live in the size-class heap of heap.h (as mark-sweep's). Counts
 * are kept by the strategy, not by the mutator, in three bits of the
 * header's `color` byte; they change only at an epoch boundary (a
 * collection), never in a store.
 *
 * The mutator's barrier is MB_BAR_LOG (mutator.h): a store into a counted
 * container that carries MB_F_UNLOGGED first calls `log`, which records the
 * container (the modified buffer) and its slots as they are (the decrement
 * buffer), and clears the flag, so later stores to it in the same epoch are
 * plain (coalescing, Levanoni & Petrank 2001; object logging as in RC
 * Immix). Root writes are plain stores (deferral, Deutsch & Bobrow).
 *
 * Object states (the `color` byte, strategy-private):
 *   young    RCI_OLD clear: allocated since the last epoch, never counted,
 *            never logged (stores into it are free): born dead;
 *   counted  RCI_OLD set, count in RCI_CNT (0..7, 7 = stuck: never changed
 *            again until a backup trace recomputes it).
 * Invariant outside a collection: every slot of a counted container that is
 * not in the modified buffer refers to a counted object (or None, or an
 * immortal one); its count is the number of such slots referring to it
 * plus its entries in `roots` (the root referents of the last epoch), for
 * a count below 7.
 *
 * An epoch (a collection requested every `epoch` KiB of allocation, the
 * heap policy's trigger, or gc.collect()) runs:
 *   1. increments: every root referent (recorded in `roots`) and every
 *      current slot of every logged container. An increment to a young
 *      object promotes it (counted, 1) and increments its own slots, so the
 *      survivors of an epoch are exactly the young objects reachable from
 *      the roots or from counted objects;
 *   2. young objects not promoted are dead: freed wholesale from the pages
 *      refilled in the epoch (a young dead object with a finalizer is first
 *      promoted with count 0 and held, below), with no count operation;
 *   3. decrements: the previous epoch's root referents and the logged old
 *      slot values; a count reaching 0 frees the object and decrements its
 *      slots, with an explicit stack;
 *   4. held objects (MB_F_BUFFERED, in `zct`) of the previous epoch whose
 *      count is still 0 are freed.
 * Finalizers (PEP 442) run at the end of the collection: an object found
 * dead that needs one is held in `zct` with count 0 instead of being freed
 * (its slots stay counted), and finalized; the next epoch frees it unless
 * the finalizer stored it somewhere (the barrier and the root scan see it).
 *
 * The backup trace (when live bytes pass the shared policy's limit over
 * what survived the last trace, at gc.collect() and at teardown) marks
 * from the roots in the heap's bitmaps, recomputing every count from the
 * references it traces (stuck counts come unstuck), finalizes unreachable
 * objects that need it and traces again, then sweeps: cyclic garbage and
 * everything else unreachable is reclaimed. It empties every buffer.
 */
#define RCI_CNT 0x07u                   /* color: the count */
#define RCI_STUCK 0x07u                 /* a count that stays until a backup trace */
#define RCI_OLD 0x08u                   /* color: counted (survived an epoch) */
#ifdef MB_DEBUG
#define RCI_DEFAULT_EPOCH 4096          /* KiB; debug builds verify per collection (see rci_epoch_due) */
#else
#define RCI_DEFAULT_EPOCH 1024
#endif
#define RCI_STRESS_TRACE 4              /* stress build: every 4th collection traces */
#define RCI_WHOLE_LOG 16                /* containers of up to 16 slots are logged whole, longer ones by field */

/* Cells a refill handed out: one bitmap word of a page (bits set at each cell's first granule). */
typedef struct rci_cells {
    mb_page_t *pg;                      /* the page */
    uint32_t w;                         /* the word of its alloc bitmap */
    uint64_t mask;                      /* the cells handed out in it */
} rci_cells_t;

/* A long container logged field by field in this epoch (its header's aux is its index + 1 in `flogs`). */
typedef struct rci_flog {
    mb_obj_t *o;                        /* the container */
    uint64_t bits[];                    /* slots logged: their old referents are in the decrement buffer */
} rci_flog_t;

typedef struct rci_state {
    mb_heap_t heap;                     /* every object (heap.h) */
    rci_cells_t *cells;                 /* the cells refills handed out this epoch: young ones among them */
    size_t ncells, cells_cap;           /* entries, room */
    mb_ptrvec_t young;                  /* young objects from alloc (not from free lists) this epoch */
    mb_ptrvec_t modbuf;                 /* containers logged whole this epoch */
    mb_ptrvec_t flogs;                  /* rci_flog_t of the containers logged by field this epoch */
    mb_ptrvec_t decbuf;                 /* their slots' referents when logged: decrements due */
    mb_ptrvec_t roots;                  /* root referents incremented at the last epoch */
    mb_ptrvec_t roots_prev;             /* the epoch before's: decrements due */
    mb_ptrvec_t zct;                    /* held objects with count 0 (MB_F_BUFFERED): decided next epoch */
    mb_ptrvec_t work;                   /* the previous epoch's zct while it is decided */
    mb_ptrvec_t finq;                   /* held objects to finalize at the end of this collection */
    mb_ptrvec_t stack;                  /* work stack: promotion, cascade, trace */
    uint64_t epoch_bytes;               /* param `epoch` in bytes */
    uint64_t epoch_start;               /* bytes_allocated at the last epoch */
    uint64_t trace_limit;               /* backup trace when live bytes pass this */
    uint64_t freed, freed_bytes;        /* bulk frees of this collection, not yet accounted */
    uint64_t marked, marked_bytes;      /* objects marked by this trace */
    uint64_t ncollect;                  /* collections run (stress: which trace) */
    bool plain;                         /* this collection frees without mb__free_obj (no census, no finalizers) */
} rci_state_t;

static const mb_param_def_t rci_params[] = {
    {"epoch", RCI_DEFAULT_EPOCH, 16, 1u << 30, "KiB allocated between epochs (count processing, young sweep)"},
    {NULL, 0, 0, 0, NULL}};

static int rci_init(mb_rt_t *rt) {
    rci_state_t *st = rt->state;
    st->epoch_bytes = (uint64_t)RCI_DEFAULT_EPOCH << 10;
    st->trace_limit = mb_policy_limit(rt, 0);
    return 0;
}

static int rci_param(mb_rt_t *rt, const char *key, uint64_t value) {
    rci_state_t *st = rt->state;
    (void)key;                          /* the only one */
    st->epoch_bytes = value << 10;
    return 0;
}

static inline bool rci_counted(const mb_obj_t *o) { return (o->color & RCI_OLD) != 0; }
static inline size_t rci_size(const mb_obj_t *o) { return mb_obj_size((mb_kind_t)o->kind, o->len); }

/* Has this epoch allocated enough? (debug: at least the live heap, so the
 * verifier's cost per allocation stays bounded, as rc-deferred's). */
static bool rci_epoch_due(const mb_rt_t *rt, const rci_state_t *st) {
    uint64_t lim = st->epoch_bytes;
#ifdef MB_DEBUG
    if (rt->mut.stats.live_bytes > lim) lim = rt->mut.stats.live_bytes;
#else
    (void)rt;
#endif
    return rt->mut.stats.bytes_allocated - st->epoch_start > lim;
}

static void *rci_alloc(mb_rt_t *rt, size_t bytes) {
    rci_state_t *st = rt->state;
    void *p = mb_heap_alloc(&st->heap, bytes);
    if (p) MB_VEC_PUSH(&st->young, p);
    return p;
}

/* A page's free slots for a free list, recorded as young cells (the
 * chain was just written: walking it again reads cached lines). */
static void *rci_refill(mb_rt_t *rt, uint32_t cls) {
    rci_state_t *st = rt->state;
    void *chain = mb_heap_refill(&st->heap, cls);
    if (!chain) return NULL;
    mb_page_t *pg = mb_heap_page_of(chain);
    rci_cells_t *last = NULL;
    for (void *c = chain; c; c = *(void **)c) {
        size_t g = mb_heap_granule(pg, c);
        if (!last || last->w != g >> 6) {
            if (st->ncells == st->cells_cap)
                mb_vec_grow_((void **)&st->cells, &st->cells_cap, sizeof *st->cells, st->ncells + 1);
            last = &st->cells[st->ncells++];
            *last = (rci_cells_t){.pg = pg, .w = (uint32_t)(g >> 6), .mask = 0};
        }
        last->mask |= UINT64_C(1) << (g & 63);
    }
    if (rci_epoch_due(rt, st) && !rt->in_collect) mb__request_collect(rt);
    return chain;
}

static void rci_unreserve(mb_rt_t *rt, void *cell) {
    (void)rt;
    mb_heap_unreserve(cell);
}

/* Between traces a page's `live` (heap.h: marks, during a collection)
 * counts the cells freed in it since it was last recycled. */
static void rci_free(mb_rt_t *rt, void *p, size_t bytes) {
    rci_state_t *st = rt->state;
    if (bytes <= MB_HEAP_MAX_SMALL) mb_heap_page_of(p)->live++;
    mb_heap_free(&st->heap, p, bytes);
}

/* After an epoch: pages where at least a quarter of the cells were freed
 * since they were last recycled go first in their class, cursor 0, so the
 * next refills reuse their cells (Immix's recyclable blocks); the others
 * wait for more frees or the next trace's sweep. */
static void rci_recycle(rci_state_t *st) {
    for (uint32_t c = 0; c < MB_HEAP_CLASSES; c++) {
        mb_page_t *hot = NULL, **hot_tail = &hot, *rest = NULL, **rest_tail = &rest;
        for (mb_page_t *pg = st->heap.pages[c], *next; pg; pg = next) {
            next = pg->next;
            if (pg->live >= pg->slots / 4) {
                pg->live = 0;
                pg->cursor = 0;
                *hot_tail = pg;
                hot_tail = &pg->next;
            } else {
                *rest_tail = pg;
                rest_tail = &pg->next;
            }
        }
        *rest_tail = NULL;
        *hot_tail = rest;
        st->heap.pages[c] = st->heap.current[c] = hot;
    }
}

static void rci_on_alloc(mb_rt_t *rt, mb_obj_t *o) {
    (void)rt;
    if (rci_size(o) > MB_HEAP_MAX_SMALL) o->flags |= MB_F_LARGE;
}

/* The barrier's slow path: the old referents of o's slots, before their
 * first write in the epoch. A short container is logged whole at once
 * (RC Immix) and its flag cleared; a long one slot by slot (LXR's field
 * logging), its flag kept, a bitmap saying which slots are logged. */
static void rci_log(mb_rt_t *rt, mb_obj_t *o, mb_obj_t **slot) {
    rci_state_t *st = rt->state;
    mb_obj_t **s = mb_obj_slots(o);
    if (o->len <= RCI_WHOLE_LOG) {
        o->flags &= (uint8_t)~MB_F_UNLOGGED;
        MB_VEC_PUSH(&st->modbuf, (void *)o);
        for (uint32_t i = 0; i < o->len; i++)
            if (s[i] && !mb_obj_immortal(s[i])) MB_VEC_PUSH(&st->decbuf, (void *)s[i]);
        return;
    }
    rci_flog_t *f;
    if (o->aux) {
        f = st->flogs.v[o->aux - 1];
    } else {
        f = calloc(1, sizeof *f + ((size_t)o->len + 63) / 64 * sizeof(uint64_t));
        if (!f) mb_oom("rc-immix field log");
        f->o = o;
        MB_VEC_PUSH(&st->flogs, (void *)f);
        o->aux = (uint32_t)st->flogs.n;
    }
    size_t i = (size_t)(slot - s);
    if ((f->bits[i >> 6] >> (i & 63)) & 1) return;
    f->bits[i >> 6] |= UINT64_C(1) << (i & 63);
    if (*slot && !mb_obj_immortal(*slot)) MB_VEC_PUSH(&st->decbuf, (void *)*slot);
}

/* Forget the field logs (their objects are allocated). */
static void rci_flogs_drop(rci_state_t *st) {
    for (size_t i = 0; i < st->flogs.n; i++) {
        rci_flog_t *f = st->flogs.v[i];
        f->o->aux = 0;
        free(f);
    }
    st->flogs.n = 0;
}

/* o becomes counted with count n; every young object its slots reach is
 * promoted too, every slot referent incremented. */
static void rci_promote(mb_rt_t *rt, rci_state_t *st, mb_obj_t *o, uint8_t n) {
    uint64_t incs = 0;
    o->color = (uint8_t)(RCI_OLD | n);
    if (o->kind != MB_LIST) return;
    o->flags |= MB_F_UNLOGGED;
    mb_ptrvec_t *stk = &st->stack;
    MB_VEC_PUSH(stk, (void *)o);
    while (stk->n) {
        mb_obj_t *x = stk->v[--stk->n];
        mb_obj_t **s = mb_obj_slots(x);
        for (uint32_t i = 0; i < x->len; i++) {
            mb_obj_t *c = s[i];
            if (!c || mb_obj_immortal(c)) continue;
            incs++;
            if (rci_counted(c)) {
                if ((c->color & RCI_CNT) != RCI_STUCK) c->color++;
                continue;
            }
            c->color = RCI_OLD | 1;
            if (c->kind != MB_LIST) continue;
            c->flags |= MB_F_UNLOGGED;
            MB_VEC_PUSH(stk, (void *)c);
        }
    }
    rt->mut.stats.rc_increments += incs;
}

static inline void rci_inc(mb_rt_t *rt, rci_state_t *st, mb_obj_t *o) {
    if (!rci_counted(o)) {
        rt->mut.stats.rc_increments++;
        rci_promote(rt, st, o, 1);
    } else if ((o->color & RCI_CNT) != RCI_STUCK) {
        rt->mut.stats.rc_increments++;
        o->color++;
    } else {
        rt->mut.stats.rc_increments++;
    }
}

/* Return a dead object's memory: in bulk (accounted at the end of the
 * collection) when nothing else must see it, else through the runtime. */
static void rci_reclaim(mb_rt_t *rt, rci_state_t *st, mb_obj_t *o) {
    if (!st->plain) {
        mb__free_obj(rt, o);
        return;
    }
    size_t bytes = rci_size(o);
    st->freed++;
    st->freed_bytes += bytes;
    if (o->flags & MB_F_LARGE) {
        mb_heap_free(&st->heap, o, bytes);
        return;
    }
    o->kind = MB_FREED;
    mb_page_t *pg = mb_heap_page_of(o);
    mb_heap_clear(pg->alloc, mb_heap_granule(pg, o));     /* reused when the page is recycled */
    pg->live++;
}

/* Hold o (count 0, dead, needing its finalizer): kept, its slots still
 * counted, finalized at the end of this collection, decided next epoch. */
static void rci_hold(rci_state_t *st, mb_obj_t *o) {
    o->flags |= MB_F_BUFFERED;
    MB_VEC_PUSH(&st->zct, (void *)o);
    MB_VEC_PUSH(&st->finq, (void *)o);
}

/* o (counted) has count 0 and no entry in zct: free it and whatever its
 * death brings to 0. */
static void rci_cascade(mb_rt_t *rt, rci_state_t *st, mb_obj_t *o) {
    mb_ptrvec_t *stk = &st->stack;
    MB_VEC_PUSH(stk, (void *)o);
    while (stk->n) {
        mb_obj_t *x = stk->v[--stk->n];
        if (mb__needs_finalize(x)) {
            rci_hold(st, x);
            continue;
        }
        if (x->kind == MB_LIST) {
            mb_obj_t **s = mb_obj_slots(x);
            for (uint32_t i = 0; i < x->len; i++) {
                mb_obj_t *c = s[i];
                if (!c || mb_obj_immortal(c)) continue;
                rt->mut.stats.rc_decrements++;
                uint8_t n = c->color & RCI_CNT;
                MB_CHECK(rci_counted(c) && n > 0, "rc-immix: count underflow on object %p (kind %d)", (void *)c,
                         c->kind);
                if (n == RCI_STUCK) continue;
                c->color--;
                if (n == 1 && !(c->flags & MB_F_BUFFERED)) MB_VEC_PUSH(stk, (void *)c);
            }
        }
        rci_reclaim(rt, st, x);
    }
}

static void rci_dec(mb_rt_t *rt, rci_state_t *st, mb_obj_t *o) {
    rt->mut.stats.rc_decrements++;
    uint8_t n = o->color & RCI_CNT;
    MB_CHECK(rci_counted(o) && n > 0, "rc-immix: count underflow on object %p (kind %d)", (void *)o, o->kind);
    if (n == RCI_STUCK) return;
    o->color--;
    if (n == 1 && !(o->flags & MB_F_BUFFERED)) rci_cascade(rt, st, o);
}

static void rci_root_inc(mb_rt_t *rt, mb_obj_t *o, void *ctx) {
    rci_state_t *st = ctx;
    if (mb_obj_immortal(o)) return;
    MB_VEC_PUSH(&st->roots, (void *)o);
    rci_inc(rt, st, o);
}

/* Step 1: root referents and the logged containers' slots now. */
static void rci_increments(mb_rt_t *rt, rci_state_t *st) {
    mb_ptrvec_t t = st->roots_prev;
    st->roots_prev = st->roots;
    st->roots = t;
    st->roots.n = 0;
    mb__each_root(rt, rci_root_inc, st);
    for (size_t i = 0; i < st->modbuf.n; i++) {
        mb_obj_t *m = st->modbuf.v[i];
        mb_obj_t **s = mb_obj_slots(m);
        for (uint32_t j = 0; j < m->len; j++)
            if (s[j] && !mb_obj_immortal(s[j])) rci_inc(rt, st, s[j]);
        m->flags |= MB_F_UNLOGGED;
    }
    st->modbuf.n = 0;
    for (size_t i = 0; i < st->flogs.n; i++) {
        rci_flog_t *f = st->flogs.v[i];
        mb_obj_t **s = mb_obj_slots(f->o);
        for (uint32_t w = 0; w < (f->o->len + 63) / 64; w++)
            for (uint64_t b = f->bits[w]; b; b &= b - 1) {
                mb_obj_t *c = s[w * 64 + (uint32_t)__builtin_ctzll(b)];
                if (c && !mb_obj_immortal(c)) rci_inc(rt, st, c);
            }
    }
    rci_flogs_drop(st);
}

/* Apply fn to every young object of this epoch that is still allocated:
 * the slow path's first, then the refilled pages' cells (a cell may hold a
 * slow-path object; fn has promoted or freed it by then). */
static void rci_each_young(mb_rt_t *rt, rci_state_t *st, void (*fn)(mb_rt_t *, rci_state_t *, mb_obj_t *)) {
    for (size_t i = 0; i < st->young.n; i++) {
        mb_obj_t *o = st->young.v[i];
        if (o->kind != MB_FREED && !rci_counted(o)) fn(rt, st, o);
    }
    for (size_t i = 0; i < st->ncells; i++) {
        rci_cells_t *c = &st->cells[i];
        for (uint64_t b = c->mask & c->pg->alloc[c->w]; b; b &= b - 1) {   /* unreserved cells are clear */
            mb_obj_t *o = (mb_obj_t *)((char *)c->pg + ((size_t)c->w * 64 + (size_t)__builtin_ctzll(b)) * MB_HEAP_GRANULE);
            if (!rci_counted(o)) fn(rt, st, o);
        }
    }
}

/* A young dead object that needs its finalizer: held, what it reaches counted. */
static void rci_young_hold(mb_rt_t *rt, rci_state_t *st, mb_obj_t *o) {
    if (!mb__needs_finalize(o)) return;
    rci_promote(rt, st, o, 0);
    rci_hold(st, o);
}

static void rci_young_free(mb_rt_t *rt, rci_state_t *st, mb_obj_t *o) { rci_reclaim(rt, st, o); }

/* Steps 2 to 4. */
static void rci_reclaim_dead(mb_rt_t *rt, rci_state_t *st) {
    if (rt->finalizers.n) rci_each_young(rt, st, rci_young_hold);
    rci_each_young(rt, st, rci_young_free);
    st->young.n = st->ncells = 0;
    st->epoch_start = rt->mut.stats.bytes_allocated;
    for (size_t i = 0; i < st->roots_prev.n; i++) rci_dec(rt, st, st->roots_prev.v[i]);
    st->roots_prev.n = 0;
    for (size_t i = 0; i < st->decbuf.n; i++) rci_dec(rt, st, st->decbuf.v[i]);
    st->decbuf.n = 0;
    for (size_t i = 0; i < st->work.n; i++) {
        mb_obj_t *o = st->work.v[i];
        o->flags &= (uint8_t)~MB_F_BUFFERED;
        if ((o->color & RCI_CNT) == 0) rci_cascade(rt, st, o);
    }
    st->work.n = 0;
}

static void rci_epoch(mb_rt_t *rt, rci_state_t *st) {
    mb_ptrvec_t t = st->work;           /* the held objects to decide; new holds go to a fresh zct */
    st->work = st->zct;
    st->zct = t;
    st->zct.n = 0;
    rci_increments(rt, st);
    rci_reclaim_dead(rt, st);
}

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

static void rci_collect_finalizable(void *ctx, mb_obj_t *o) {
    if (mb__needs_finalize(o)) MB_VEC_PUSH((mb_ptrvec_t *)ctx, (void *)o);
}

/* Finalize (modern) or keep in `garbage` (legacy) every unmarked object that
 * needs it; returns whether there was any. */
static bool rci_trace_finalize(mb_rt_t *rt, rci_state_t *st) {
    if (rt->finalizers.n == 0) return false;
    mb_ptrvec_t todo = {0};
    mb_heap_each_unmarked(&st->heap, rci_collect_finalizable, &todo);
    for (size_t i = 0; i < todo.n; i++) {
        if (rt->opt.finalizers == MB_FIN_LEGACY) mb__make_uncollectable(rt, todo.v[i]);
        else mb__finalize(rt, todo.v[i]);
    }
    bool any = todo.n > 0;
    MB_VEC_FREE(&todo);
    return any;
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
static void rci_backup(mb_rt_t *rt, rci_state_t *st) {
    rci_unmark(st);                     /* the pages' free counts */
    rci_mark(rt, st);
    while (rci_trace_finalize(rt, st)) {       /* resurrection, or `garbage` (a root): from scratch */
        rci_unmark(st);
        rci_mark(rt, st);
    }
    for (size_t i = 0; i < st->zct.n; i++) ((mb_obj_t *)st->zct.v[i])->flags &= (uint8_t)~MB_F_BUFFERED;
    st->zct.n = st->work.n = st->modbuf.n = st->decbuf.n = 0;
    rci_flogs_drop(st);
    st->young.n = st->ncells = st->roots.n = st->roots_prev.n = 0;
    st->epoch_start = rt->mut.stats.bytes_allocated;
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

/* --- collections ----------------------------------------------------------- */

static bool rci_trace_due(const mb_rt_t *rt, const rci_state_t *st) {
#ifdef MB_STRESS
    (void)rt;
    return st->ncollect % RCI_STRESS_TRACE == 0;
#else
    return rt->mut.stats.live_bytes > st->trace_limit;
#endif
}

static void rci_collect(mb_rt_t *rt, bool full) {
    rci_state_t *st = rt->state;
    st->plain = !rt->opt.census && rt->finalizers.n == 0;
    st->ncollect++;
    if (!full) {
        rci_epoch(rt, st);
        if (st->freed) mb_ev_reclaimed(rt, st->freed, st->freed_bytes);
        st->freed = st->freed_bytes = 0;
        rci_recycle(st);
        for (size_t i = 0; i < st->finq.n; i++) mb__finalize(rt, st->finq.v[i]);
        st->finq.n = 0;
        if (!rci_trace_due(rt, st)) return;
        st->plain = !rt->opt.census && rt->finalizers.n == 0;
    }
    rci_backup(rt, st);
}

static void rci_finish(mb_rt_t *rt) {
    rci_state_t *st = rt->state;
    mb_heap_destroy(&st->heap);
    rci_flogs_drop(st);
    free(st->cells);
    mb_ptrvec_t *v[] = {&st->flogs, &st->young, &st->modbuf, &st->decbuf, &st->roots, &st->roots_prev,
                        &st->zct, &st->work, &st->finq, &st->stack};
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) MB_VEC_FREE(v[i]);
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
static void rci_verify(mb_rt_t *rt) {
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

const mb_strategy_t mb_strategy_rc_immix = {
    .name = "rc-immix",
    .description = "reference counting as RC Immix/LXR: deferred, coalesced, born-dead young, sticky counts, backup trace",
    .attrs = MB_ATTR_FREES | MB_ATTR_CYCLES | MB_ATTR_TRACES | MB_ATTR_POLICY | MB_ATTR_OWN_HEAP,
    .side_bytes = 0,                    /* counts in the header; buffers bounded by an epoch's writes */
    .state_size = sizeof(rci_state_t),
    .init = rci_init,
    .alloc = rci_alloc,
    .refill = rci_refill,
    .unreserve = rci_unreserve,
    .free = rci_free,
    .on_alloc = rci_on_alloc,
    .log = rci_log,
    .collect = rci_collect,
    .finish = rci_finish,
    .params = rci_params,
    .param = rci_param,
    .verify = rci_verify,
};
