/* rc_immix.c: reference counting as RC Immix / LXR: deferred, coalesced, born-dead young objects, sticky counts, a backup trace. */
#include <stdlib.h>
#include <string.h>

#include "strategies/rc_immix.h"

/*
 * Objects live in the size-class heap of heap.h. Counts are the strategy's,
 * in three bits of the header's `color` (RCI_CNT, 7 = stuck until a backup
 * trace), changed only at an epoch boundary (a collection), never in a
 * store. Root writes are plain (deferral); a store into a counted container
 * carrying MB_F_UNLOGGED first calls `log` (MB_BAR_LOG, mutator.h), which
 * records the old referents once per epoch (coalescing): a short container
 * whole (modbuf), a long one field by field (flogs). Objects allocated
 * since the last epoch are young (RCI_OLD clear): never counted, never
 * logged. An epoch: (1) increments of the root referents (kept in `roots`)
 * and of the logged containers' current slots; an increment of a young
 * object promotes it, incrementing its own slots, so exactly the young
 * objects reachable from the roots or from counted objects survive;
 * (2) every young object not promoted is freed wholesale (born dead);
 * (3) decrements of the previous epoch's roots and of the logged old
 * referents, a count reaching 0 freeing the object and decrementing its
 * slots; (4) held objects (MB_F_BUFFERED, in `zct`) still at 0 are freed.
 * An object found dead that needs a finalizer is held (count 0, slots still
 * counted) and finalized at the end of the collection; the next epoch frees
 * it unless the finalizer stored it somewhere. Invariant outside a
 * collection: every slot of a counted, unlogged container refers to a
 * counted object, and every count below 7 is the number of such slots
 * plus entries in `roots` (rci_verify). The backup trace (policy.c's
 * trigger over the bytes live after the last trace, gc.collect(),
 * teardown) marks from the roots recomputing every count, finalizes
 * unreachable objects and marks again, and sweeps: cycles and stuck
 * objects are reclaimed. strategies/README.md has the whole story.
 */
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


/* Has this epoch allocated enough? (debug: at least the heap at the last epoch, so the
 * verifier's cost per allocation stays bounded, as rc-deferred's). */
static bool rci_epoch_due(const mb_rt_t *rt, const rci_state_t *st) {
    uint64_t lim = st->epoch_bytes;
#ifdef MB_DEBUG
    if (st->live_after > lim) lim = st->live_after;
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

static void rci_cells_add(rci_state_t *st, mb_page_t *pg, size_t w, uint64_t mask) {
    if (st->ncells == st->cells_cap) mb_vec_grow_((void **)&st->cells, &st->cells_cap, sizeof *st->cells, st->ncells + 1);
    st->cells[st->ncells++] = (rci_cells_t){.pg = pg, .w = (uint32_t)w, .mask = mask};
}

/* Reserve every free slot of pg from its cursor on, as heap.c's refill
 * does, recording them as young cells; returns the chain. */
static void *rci_take_all(rci_state_t *st, mb_page_t *pg) {
    size_t step = pg->cls, g0 = MB_HEAP_HDR / MB_HEAP_GRANULE, w = SIZE_MAX;
    uint64_t mask = 0;
    void *head = NULL, **link = &head;
    for (size_t g = g0 + (size_t)pg->cursor * step, end = g0 + (size_t)pg->slots * step; g < end; g += step) {
        if (mb_heap_bit(pg->alloc, g)) continue;
        mb_heap_set(pg->alloc, g);
        if (g >> 6 != w) {
            if (mask) rci_cells_add(st, pg, w, mask);
            w = g >> 6;
            mask = 0;
        }
        mask |= UINT64_C(1) << (g & 63);
        *link = (char *)pg + g * MB_HEAP_GRANULE;
        link = (void **)*link;
    }
    if (mask) rci_cells_add(st, pg, w, mask);
    *link = NULL;
    pg->cursor = pg->slots;
    return head;
}

/* Free cells for a free list: from the class's pages, else a new page. */
static void *rci_refill(mb_rt_t *rt, uint32_t cls) {
    rci_state_t *st = rt->state;
    if (rci_epoch_due(rt, st) && !rt->in_collect) mb__request_collect(rt);
    for (mb_page_t *pg = st->heap.current[cls]; pg; pg = pg->next) {
        void *chain = rci_take_all(st, pg);
        if (chain) {
            st->heap.current[cls] = pg->next ? pg->next : pg;
            return chain;
        }
    }
    void *chain = mb_heap_refill(&st->heap, cls);          /* a new page, every cell reserved: again, recorded */
    if (!chain) return NULL;
    mb_page_t *pg = mb_heap_page_of(chain);
    memset(pg->alloc, 0, sizeof pg->alloc);
    pg->cursor = 0;
    return rci_take_all(st, pg);
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
void rci_flogs_drop(rci_state_t *st) {
    for (size_t i = 0; i < st->flogs.n; i++) {
        rci_flog_t *f = st->flogs.v[i];
        f->o->aux = 0;
        free(f);
    }
    st->flogs.n = 0;
}

/* A young object becomes counted: its bit in the page's mark bitmap says
 * so to the young sweep (cleared by it), and its bytes are counted. */
static inline void rci_promoted(rci_state_t *st, mb_obj_t *o, uint8_t color) {
    o->color = color;
    st->prom++;
    st->prom_bytes += rci_size(o);
    if (o->flags & MB_F_LARGE) return;
    mb_page_t *pg = mb_heap_page_of(o);
    mb_heap_set(pg->mark, mb_heap_granule(pg, o));
}

/* o becomes counted with count n, and so does every young object its
 * slots reach; every slot referent is incremented. */
static void rci_promote(mb_rt_t *rt, rci_state_t *st, mb_obj_t *o, uint8_t n) {
    uint64_t incs = 0;
    rci_promoted(st, o, (uint8_t)(RCI_OLD | n));
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
            rci_promoted(st, c, RCI_OLD | 1);
            if (c->kind != MB_LIST) continue;
            c->flags |= MB_F_UNLOGGED;
            MB_VEC_PUSH(stk, (void *)c);
        }
    }
    rt->mut.stats.rc_increments += incs;
}

static inline void rci_inc(mb_rt_t *rt, rci_state_t *st, mb_obj_t *o) {
    rt->mut.stats.rc_increments++;
    if (!rci_counted(o)) rci_promote(rt, st, o, 1);
    else if ((o->color & RCI_CNT) != RCI_STUCK) o->color++;
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

/* x (counted) has count 0 and no entry in zct: held if it needs its
 * finalizer, else freed, its slots' referents pushed for decrements. */
static void rci_die(mb_rt_t *rt, rci_state_t *st, mb_obj_t *x) {
    if (mb__needs_finalize(x)) {
        rci_hold(st, x);
        return;
    }
    mb_obj_t **s = mb_obj_slots(x);
    for (uint32_t i = 0; x->kind == MB_LIST && i < x->len; i++)
        if (s[i] && !mb_obj_immortal(s[i])) MB_VEC_PUSH(&st->stack, (void *)s[i]);
    rci_reclaim(rt, st, x);
}

/* Decrement every object on the stack; what reaches 0 dies, cascading. */
static void rci_drain(mb_rt_t *rt, rci_state_t *st) {
    mb_ptrvec_t *stk = &st->stack;
    while (stk->n) {
        mb_obj_t *x = stk->v[--stk->n];
        rt->mut.stats.rc_decrements++;
        uint8_t n = x->color & RCI_CNT;
        MB_CHECK(rci_counted(x) && n > 0, "rc-immix: count underflow on object %p (kind %d)", (void *)x, x->kind);
        if (n == RCI_STUCK) continue;
        x->color--;
        if (n == 1 && !(x->flags & MB_F_BUFFERED)) rci_die(rt, st, x);
    }
}

static void rci_dec(mb_rt_t *rt, rci_state_t *st, mb_obj_t *o) {
    MB_VEC_PUSH(&st->stack, (void *)o);
    rci_drain(rt, st);
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

/* Objects and bytes allocated so far, immortal ones left out. */
static void rci_allocated(mb_rt_t *rt, rci_state_t *st, uint64_t *objs, uint64_t *bytes) {
    const mb_stats_t *s = &rt->mut.stats;
    if (s->immortal_objects != st->imm_objs) {
        st->imm_objs = s->immortal_objects;
        st->imm_bytes = mb__immortal_bytes(rt);
    }
    *objs = s->objects_allocated - st->imm_objs;
    *bytes = s->bytes_allocated - st->imm_bytes;
}

/* The next epoch starts: its young objects are those allocated from now. */
void rci_young_reset(mb_rt_t *rt, rci_state_t *st) {
    st->young.n = st->ncells = 0;
    st->prom = st->prom_bytes = 0;
    st->epoch_start = rt->mut.stats.bytes_allocated;
    st->live_after = rt->mut.stats.live_bytes;
    rci_allocated(rt, st, &st->ep_objs, &st->ep_bytes);
}

/* Step 2: every young object not promoted is freed. Without census and
 * finalizers, wholesale: a cell's alloc bit is cleared when its mark bit
 * (promoted) is not, word by word, no header read, and the accounting is
 * what was allocated less what was promoted. */
static void rci_sweep_young(mb_rt_t *rt, rci_state_t *st) {
    if (rt->finalizers.n) rci_each_young(rt, st, rci_young_hold);
    for (size_t i = 0; i < st->young.n; i++) {
        mb_obj_t *o = st->young.v[i];
        if (!rci_counted(o)) {
            if (st->plain) mb_heap_free(&st->heap, o, rci_size(o));
            else mb__free_obj(rt, o);
        } else if (!(o->flags & MB_F_LARGE)) {
            mb_heap_clear(mb_heap_page_of(o)->mark, mb_heap_granule(mb_heap_page_of(o), o));
        }
    }
    for (size_t i = 0; i < st->ncells; i++) {
        rci_cells_t *c = &st->cells[i];
        uint64_t dead = c->mask & c->pg->alloc[c->w] & ~c->pg->mark[c->w];
        if (!st->plain)
            for (uint64_t b = dead; b; b &= b - 1)
                mb__free_obj(rt, (mb_obj_t *)((char *)c->pg + (c->w * 64 + (size_t)__builtin_ctzll(b)) * MB_HEAP_GRANULE));
        c->pg->alloc[c->w] &= ~dead;
        c->pg->mark[c->w] &= ~c->mask;
        c->pg->live += (uint32_t)__builtin_popcountll(dead);
    }
    if (st->plain) {
        uint64_t objs, bytes;
        rci_allocated(rt, st, &objs, &bytes);
        objs -= st->ep_objs + st->prom;
        bytes -= st->ep_bytes + st->prom_bytes;
        st->freed += objs;
        st->freed_bytes += bytes;
    }
    rci_young_reset(rt, st);
}

/* Steps 2 to 4. */
static void rci_reclaim_dead(mb_rt_t *rt, rci_state_t *st) {
    rci_sweep_young(rt, st);
    for (size_t i = 0; i < st->roots_prev.n; i++) rci_dec(rt, st, st->roots_prev.v[i]);
    st->roots_prev.n = 0;
    for (size_t i = 0; i < st->decbuf.n; i++) rci_dec(rt, st, st->decbuf.v[i]);
    st->decbuf.n = 0;
    for (size_t i = 0; i < st->work.n; i++) {
        mb_obj_t *o = st->work.v[i];
        o->flags &= (uint8_t)~MB_F_BUFFERED;
        if ((o->color & RCI_CNT) == 0) {
            rci_die(rt, st, o);
            rci_drain(rt, st);
        }
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
