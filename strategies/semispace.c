/* semispace.c: Cheney copying between two semispaces with bump-pointer allocation, and a large-object space. */
#include <stdlib.h>
#include <string.h>

#include "runtime/mem.h"
#include "runtime/strategy.h"

/*
 * Objects are allocated by bumping a pointer through blocks of SS_BLOCK
 * bytes (the mutator's bump region, mutator.h); the blocks allocated since
 * the last collection are the current semispace. A collection (Cheney,
 * 1970; whippet's `semi`, MMTk's SemiSpace):
 *   flip     the current blocks become from-space; to-space starts empty;
 *   copy     every root slot (mb__each_root_slot) is evacuated: the object
 *            is copied to the end of to-space and the old copy is left as a
 *            forwarding record (SS_F_FWD, new address over its len and aux
 *            words); to-space is then scanned from its start, evacuating the
 *            referents of each copied object, until the scan meets the
 *            allocation point: breadth-first, no mark stack;
 *   finalize unreached objects with a finalizer that has not run are
 *            evacuated too (kept for their finalizer, PEP 442), and after the
 *            collection their finalizers run and a second copy reclaims
 *            whatever was not resurrected; under legacy finalizers they go
 *            to `garbage` instead (uncollectable, with what they reach);
 *   reclaim  from-space is dropped whole: its blocks return to a pool.
 *            With no census and no finalizer (benchmark runs) no dead object
 *            is touched: the accounting takes the copied counts (the
 *            reclaimed event). Otherwise from-space is walked object by object
 *            (it is parseable: sizes follow from the headers) and each dead
 *            one freed through mb__free_obj, so the census, the finalizer
 *            table and the debug poison see it.
 * The tables keyed by address (census, finalizers, ids) follow the moved
 * objects (move.c): identity is stable across moves.
 * Objects over SS_LARGE bytes are never copied: they are malloc'd one by one
 * into a large-object space, marked (MB_F_MARK) when reached, scanned from a
 * gray stack, and freed when unmarked (MMTk's large object space).
 * One collection costs time in proportion to the live objects (copied) plus
 * the large objects, and nothing per dead small object; the price is space:
 * during a collection both semispaces exist, and the bump region wastes the
 * tail of each block.
 */
#define SS_BLOCK ((size_t)256 << 10)   /* bytes per block (header included) */
#define SS_LARGE ((size_t)8 << 10)      /* objects over this are in the large-object space */
#define SS_F_FWD MB_F_SPARE7            /* a from-space object's forwarding record */
#define SS_ALIGN 16u

typedef struct ss_block {
    struct ss_block *next;              /* next block of the same space, in allocation order */
    uintptr_t top;                      /* end of its objects (the tail block: the mutator's bump) */
    uintptr_t end;                      /* end of the block */
    uintptr_t pad;
} ss_block_t;

typedef struct ss_state {
    ss_block_t *head, *tail;            /* the current semispace's blocks (tail: bump region) */
    ss_block_t *pool;                   /* empty blocks kept for reuse */
    size_t npool;
    mb_ptrvec_t large;                  /* every large object */
    mb_ptrvec_t gray;                   /* large objects reached, not yet scanned */
    uint64_t copied, copied_bytes;      /* survivors of this collection (large ones included) */
} ss_state_t;

static inline uintptr_t ss_data(ss_block_t *b) { return (uintptr_t)b + sizeof(ss_block_t); }
static inline size_t ss_round(size_t n) { return (n + SS_ALIGN - 1) & ~(size_t)(SS_ALIGN - 1); }
static inline size_t ss_size(const mb_obj_t *o) { return mb_obj_size((mb_kind_t)o->kind, o->len); }
static inline bool ss_large(size_t bytes) { return bytes > SS_LARGE; }
static inline mb_obj_t **ss_fwd_slot(mb_obj_t *o) { return (mb_obj_t **)(void *)((char *)o + 8); }

/* The tail block's objects end at the mutator's bump pointer: record it. */
static void ss_retire(mb_rt_t *rt, ss_state_t *st) {
    if (st->tail) st->tail->top = rt->mut.bump;
    rt->mut.bump = rt->mut.bump_end = 0;
}

/* A new tail block for the current space; false when the system has none. */
static bool ss_new_block(mb_rt_t *rt, ss_state_t *st) {
    ss_block_t *b = st->pool;
    if (b) {
        st->pool = b->next;
        st->npool--;
    } else {
        void *p = NULL;
        if (posix_memalign(&p, SS_ALIGN, SS_BLOCK) != 0) return false;
        b = p;
    }
    ss_retire(rt, st);
    b->next = NULL;
    b->end = (uintptr_t)b + SS_BLOCK;
    b->top = ss_data(b);
    if (st->tail) st->tail->next = b;
    else st->head = b;
    st->tail = b;
    rt->mut.bump = ss_data(b);
    rt->mut.bump_end = b->end;
    return true;
}

/* sz bytes (rounded) at the end of the current space; NULL when out of memory. */
static inline void *ss_bump(mb_rt_t *rt, ss_state_t *st, size_t sz) {
    mb_mut_t *m = &rt->mut;
    if (MB_UNLIKELY(m->bump_end - m->bump < sz) && !ss_new_block(rt, st)) return NULL;
    void *p = (void *)m->bump;
    m->bump += sz;
    return p;
}

static void *ss_alloc(mb_rt_t *rt, size_t bytes) {
    ss_state_t *st = rt->state;
    if (ss_large(bytes)) {
        void *p = mb_mem_alloc(bytes);
        if (p) MB_VEC_PUSH(&st->large, p);
        return p;
    }
    return ss_bump(rt, st, ss_round(bytes));
}

/* Object memory back, one object (census path, teardown): a large object's
 * is freed; a block object's stays in its block until the space is dropped. */
static void ss_free(mb_rt_t *rt, void *p, size_t bytes) {
    ss_state_t *st = rt->state;
    if (!ss_large(bytes)) return;
    for (size_t i = 0; i < st->large.n; i++)
        if (st->large.v[i] == p) {
            st->large.v[i] = st->large.v[--st->large.n];
            break;
        }
    mb_mem_free(p, bytes);
}

static inline void ss_count(ss_state_t *st, size_t bytes) {
    st->copied++;
    st->copied_bytes += bytes;
}

/* o's address after this collection: copies it on first reach. */
static mb_obj_t *ss_evacuate(mb_rt_t *rt, mb_obj_t *o) {
    if (mb_obj_immortal(o)) return o;
    if (o->flags & SS_F_FWD) return *ss_fwd_slot(o);
    ss_state_t *st = rt->state;
    size_t bytes = ss_size(o);
    if (ss_large(bytes)) {
        if (!(o->flags & MB_F_MARK)) {
            o->flags |= MB_F_MARK;
            ss_count(st, bytes);
            MB_VEC_PUSH(&st->gray, (void *)o);
        }
        return o;
    }
    mb_obj_t *n = ss_bump(rt, st, ss_round(bytes));
    if (!n) mb_oom("semispace to-space");
    memcpy(n, o, bytes);
    o->flags |= SS_F_FWD;
    *ss_fwd_slot(o) = n;
    ss_count(st, bytes);
    return n;
}

static void ss_root(mb_rt_t *rt, mb_obj_t **slot, void *ctx) {
    (void)ctx;
    *slot = ss_evacuate(rt, *slot);
}

static inline void ss_scan_obj(mb_rt_t *rt, mb_obj_t *o) {
    if (o->kind != MB_LIST) return;
    mb_obj_t **s = mb_obj_slots(o);
    for (uint32_t i = 0, n = o->len; i < n; i++)
        if (s[i]) s[i] = ss_evacuate(rt, s[i]);
}

/* Cheney's scan from (*blk, *pos) to the allocation point, and the large
 * objects' gray stack, until both are exhausted. */
static void ss_scan(mb_rt_t *rt, ss_block_t **blk, uintptr_t *pos) {
    ss_state_t *st = rt->state;
    for (;;) {
        while (*blk) {
            ss_block_t *b = *blk;
            uintptr_t limit = b == st->tail ? rt->mut.bump : b->top;
            if (*pos < limit) {
                mb_obj_t *o = (mb_obj_t *)*pos;
                *pos += ss_round(ss_size(o));
                ss_scan_obj(rt, o);
            } else if (b != st->tail) {
                *blk = b->next;
                *pos = *blk ? ss_data(*blk) : 0;
            } else {
                break;
            }
        }
        if (!st->gray.n) return;
        while (st->gray.n) ss_scan_obj(rt, st->gray.v[--st->gray.n]);
    }
}

/* Where a from-space (or large) object is after the copy (move.c). */
static mb_obj_t *ss_where(mb_rt_t *rt, mb_obj_t *o) {
    (void)rt;
    if (o->flags & SS_F_FWD) return *ss_fwd_slot(o);
    if (ss_large(ss_size(o))) return (o->flags & MB_F_MARK) ? o : NULL;
    return NULL;
}

/* Every object of the blocks from b on, in order. */
static void ss_each_in(ss_block_t *b, void (*fn)(mb_rt_t *rt, mb_obj_t *o), mb_rt_t *rt) {
    for (; b; b = b->next)
        for (uintptr_t p = ss_data(b); p < b->top;) {
            mb_obj_t *o = (mb_obj_t *)p;
            mb_obj_t *live = (o->flags & SS_F_FWD) ? *ss_fwd_slot(o) : o;
            p += ss_round(ss_size(live));
            fn(rt, o);
        }
}

static void ss_free_dead(mb_rt_t *rt, mb_obj_t *o) {
    if (!(o->flags & SS_F_FWD)) mb__free_obj(rt, o);
}

static void ss_collect_finalizable(mb_rt_t *rt, mb_ptrvec_t *todo) {
    for (size_t i = 0; i < rt->finalizers.cap; i++) {
        if (!mb_ptrmap_live(&rt->finalizers, i)) continue;
        mb_obj_t *o = rt->finalizers.keys[i];
        if (!mb_obj_immortal(o) && !ss_where(rt, o) && mb__needs_finalize(o)) MB_VEC_PUSH(todo, (void *)o);
    }
}

/* One copying collection. Finalizers of unreached objects run after it, and
 * then (outermost call only) one more collection reclaims what they did not
 * resurrect. */
static void ss_copy(mb_rt_t *rt, bool outermost) {
    ss_state_t *st = rt->state;
    mb_mut_t *m = &rt->mut;
    bool per_object = rt->opt.census || rt->finalizers.n;
    uint64_t owned = m->stats.live_objects - m->stats.immortal_objects;
    uint64_t owned_bytes = per_object ? 0 : m->stats.live_bytes - mb__immortal_bytes(rt);
    /* flip */
    ss_retire(rt, st);
    ss_block_t *from = st->head;
    st->head = st->tail = NULL;
    st->copied = st->copied_bytes = 0;
    /* copy */
    ss_block_t *blk = NULL;
    uintptr_t pos = 0;
    mb__each_root_slot(rt, ss_root, NULL);
    blk = st->head;
    pos = blk ? ss_data(blk) : 0;
    ss_scan(rt, &blk, &pos);
    /* finalize: keep unreached objects that need their finalizer run */
    mb_ptrvec_t todo = {0};
    if (rt->finalizers.n) ss_collect_finalizable(rt, &todo);
    if (todo.n) {
        if (rt->opt.finalizers == MB_FIN_LEGACY) {
            size_t first = rt->garbage.n;
            for (size_t i = 0; i < todo.n; i++) mb__make_uncollectable(rt, todo.v[i]);
            for (size_t i = first; i < rt->garbage.n; i++) rt->garbage.v[i] = ss_evacuate(rt, rt->garbage.v[i]);
            todo.n = 0;
        } else {
            for (size_t i = 0; i < todo.n; i++) todo.v[i] = ss_evacuate(rt, todo.v[i]);
        }
        if (!blk) {
            blk = st->head;
            pos = blk ? ss_data(blk) : 0;
        }
        ss_scan(rt, &blk, &pos);
    }
    /* reclaim: dead block objects, then dead large objects */
    if (per_object) ss_each_in(from, ss_free_dead, rt);
    size_t kept = 0, nlarge = st->large.n;
    mb_ptrvec_t dead = {0};
    for (size_t i = 0; i < nlarge; i++) {
        mb_obj_t *o = st->large.v[i];
        if (o->flags & MB_F_MARK) st->large.v[kept++] = o;
        else MB_VEC_PUSH(&dead, (void *)o);
    }
    st->large.n = kept;
    mb__objects_moved(rt, ss_where, NULL, 0);
    for (size_t i = 0; i < dead.n; i++) {
        mb_obj_t *o = dead.v[i];
        if (per_object) mb__free_obj(rt, o);
        else mb_mem_free(o, ss_size(o));
    }
    MB_VEC_FREE(&dead);
    for (size_t i = 0; i < st->large.n; i++) ((mb_obj_t *)st->large.v[i])->flags &= (uint8_t)~MB_F_MARK;
    if (!per_object) {
        MB_CHECK(st->copied <= owned && st->copied_bytes <= owned_bytes, "semispace: copied more than allocated");
        mb_ev_reclaimed(rt, owned - st->copied, owned_bytes - st->copied_bytes);
    }
    /* drop from-space: blocks to the pool, up to about one heap limit */
    size_t keep = rt->heap_limit / SS_BLOCK + 2;
    while (from) {
        ss_block_t *next = from->next;
        if (st->npool < keep) {
            from->next = st->pool;
            st->pool = from;
            st->npool++;
        } else {
            free(from);
        }
        from = next;
    }
    /* finalizers of the objects kept for them, then reclaim what they left */
    for (size_t i = 0; i < todo.n; i++) mb__finalize(rt, todo.v[i]);
    bool ran = todo.n > 0;
    MB_VEC_FREE(&todo);
    if (ran && outermost) ss_copy(rt, false);
}

static void ss_collect(mb_rt_t *rt, bool full) {
    (void)full;                         /* every collection is full */
    ss_copy(rt, true);
}

static void ss_free_blocks(ss_block_t *b) {
    while (b) {
        ss_block_t *next = b->next;
        free(b);
        b = next;
    }
}

static void ss_finish(mb_rt_t *rt) {
    ss_state_t *st = rt->state;
    ss_retire(rt, st);
    ss_free_blocks(st->head);
    ss_free_blocks(st->pool);
    st->head = st->tail = st->pool = NULL;
    for (size_t i = 0; i < st->large.n; i++) {
        mb_obj_t *o = st->large.v[i];
        mb_mem_free(o, ss_size(o));
    }
    MB_VEC_FREE(&st->large);
    MB_VEC_FREE(&st->gray);
}

/* --- verification (debug builds, after every collection) ------------------- */
typedef struct ss_range {
    uintptr_t lo, hi;
} ss_range_t;

static int ss_range_cmp(const void *a, const void *b) {
    uintptr_t x = ((const ss_range_t *)a)->lo, y = ((const ss_range_t *)b)->lo;
    return x < y ? -1 : x > y;
}

typedef struct ss_check {
    ss_range_t *r;                      /* to-space blocks' object ranges, sorted */
    size_t nr;
    mb_ptrmap_t large;                  /* the large objects */
    uint64_t objects;
} ss_check_t;

static bool ss_in_space(const ss_check_t *c, const mb_obj_t *p) {
    size_t lo = 0, hi = c->nr;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if ((uintptr_t)p < c->r[mid].lo) hi = mid;
        else if ((uintptr_t)p >= c->r[mid].hi) lo = mid + 1;
        else return true;
    }
    return false;
}

static void ss_check_obj(const ss_check_t *c, mb_obj_t *o) {
    MB_CHECK(o->kind >= MB_LIST && o->kind <= MB_STR, "semispace verify: object %p has kind %d", (void *)o, o->kind);
    MB_CHECK(!(o->flags & (SS_F_FWD | MB_F_MARK)), "semispace verify: object %p is forwarded or marked", (void *)o);
    if (o->kind != MB_LIST) return;
    for (uint32_t i = 0; i < o->len; i++) {
        mb_obj_t *t = mb_obj_slots(o)[i];
        MB_CHECK(!t || mb_obj_immortal(t) || ss_in_space(c, t) || mb_ptrmap_get(&c->large, t, NULL),
                 "semispace verify: slot %u of %p refers to %p, outside the current space", i, (void *)o, (void *)t);
    }
}

static void ss_verify(mb_rt_t *rt) {
    ss_state_t *st = rt->state;
    ss_check_t c = {0};
    size_t nb = 0;
    for (ss_block_t *b = st->head; b; b = b->next) nb++;
    c.r = calloc(nb ? nb : 1, sizeof *c.r);
    if (!c.r) mb_oom("semispace verify");
    for (ss_block_t *b = st->head; b; b = b->next)
        c.r[c.nr++] = (ss_range_t){ss_data(b), b == st->tail ? rt->mut.bump : b->top};
    qsort(c.r, c.nr, sizeof *c.r, ss_range_cmp);
    for (size_t i = 0; i < st->large.n; i++) mb_ptrmap_put(&c.large, st->large.v[i], 1);
    for (ss_block_t *b = st->head; b; b = b->next) {
        uintptr_t top = b == st->tail ? rt->mut.bump : b->top;
        for (uintptr_t p = ss_data(b); p < top; c.objects++) {
            mb_obj_t *o = (mb_obj_t *)p;
            ss_check_obj(&c, o);
            p += ss_round(ss_size(o));
        }
    }
    for (size_t i = 0; i < st->large.n; i++) ss_check_obj(&c, st->large.v[i]);
    for (size_t i = 0; i < rt->mut.sp; i++) {
        mb_obj_t *t = rt->mut.stack[i];
        MB_CHECK(!t || mb_obj_immortal(t) || ss_in_space(&c, t) || mb_ptrmap_get(&c.large, t, NULL),
                 "semispace verify: root %zu refers to %p, outside the current space", i, (void *)t);
    }
    uint64_t objects = c.objects + st->large.n;
    MB_CHECK(objects + rt->mut.stats.immortal_objects == rt->mut.stats.live_objects,
             "semispace verify: %llu objects in the space, %llu live", (unsigned long long)objects,
             (unsigned long long)(rt->mut.stats.live_objects - rt->mut.stats.immortal_objects));
    free(c.r);
    mb_ptrmap_free(&c.large);
}

const mb_strategy_t mb_strategy_semispace = {
    .name = "semispace",
    .description = "Cheney copying between two semispaces, bump-pointer allocation, large-object space",
    .attrs = MB_ATTR_FREES | MB_ATTR_CYCLES | MB_ATTR_TRACES | MB_ATTR_POLICY | MB_ATTR_MOVES | MB_ATTR_OWN_HEAP,
    .side_bytes = 0,                    /* forwarding uses the header; blocks have a 32-byte header */
    .state_size = sizeof(ss_state_t),
    .alloc = ss_alloc,
    .free = ss_free,
    .collect = ss_collect,
    .finish = ss_finish,
    .verify = ss_verify,
};
