/* generational.c: a copying nursery over a mark-sweep mature space, with a remembered set kept by a store barrier. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "runtime/heap.h"
#include "runtime/strategy.h"

/*
 * Two generations (Ungar's generation scavenging, 1984; OpenJDK's serial
 * collector; whippet's generational `mmc`, MMTk's GenImmix in shape):
 *
 *   young   one contiguous region: eden (the `nursery` parameter, default
 *           4 MiB), where the mutator allocates by bumping a pointer (the
 *           mutator's bump region), and, when promote_age > 1, two survivor
 *           spaces of nursery/8 each, where objects that survived fewer
 *           than promote_age minor collections wait (their age in the
 *           header's `gen` byte). Young objects are at most 1 KiB; larger
 *           ones are allocated old.
 *   old     the size-class heap of heap.c (mark bitmaps, bitmap sweep), as
 *           mark-sweep's: objects never move once there.
 *
 * The write barrier (mutator.h): after a store of object v into a slot of
 * object o, if v is young (an address-range test, no load) and o is old and
 * not yet remembered, o is marked remembered (MB_F_BUFFERED) and pushed on
 * the remembered set: a sequential store buffer of objects, each entered
 * once (Ungar's remembered set; Lua 5.4's "touched" objects). Chosen over
 * card marking because every old object here is small and found by address
 * without a card-to-object map, and the buffer is exact: a minor collection
 * scans just the remembered objects, never a card's worth of neighbours.
 *
 * A minor collection (when eden is full: the allocation that finds it full
 * is placed in the old space and asks for a collection at the next safe
 * point) evacuates every young object reachable from the roots and from the
 * slots of remembered objects: an object copied for the first time goes to
 * the old space (promoted) when its age reaches promote_age, else to the
 * other survivor space (promoted anyway when that space is full); copies are
 * scanned from a gray stack, so everything young they reach follows. The
 * old copy becomes a forwarding record (a flag, the new address over `len`
 * and `aux`). Young objects with a finalizer still to run are kept (promoted
 * or copied) even when unreachable: their finalizer runs when a major
 * collection finds them dead. Afterwards eden is empty, the remembered set
 * holds exactly the old objects still referring to survivors, and dead
 * young objects were never touched (with no census and no finalizer: the
 * reclaimed event takes young allocated minus copied). Old objects are not
 * traced: a minor collection costs the survivors plus the remembered set.
 *
 * A major collection is a minor one that promotes every survivor, then
 * mark-sweep of the old space (mark from the roots, finalize, mark again,
 * bitmap sweep). It runs on collect() and teardown, and when the old space
 * has grown past the shared heap policy's limit over what the last major
 * collection left (heap_multiplier x live, at least 1 MiB).
 *
 * Parameters: nursery=BYTES (4 KiB .. 1 GiB), promote_age=N (1 .. 15).
 */
#define GN_F_FWD MB_F_SPARE7            /* a young object's forwarding record */
#define GN_F_REMEMBERED MB_F_BUFFERED   /* an old object in the remembered set (set by the runtime's barrier) */
#define GN_DEFAULT_NURSERY ((size_t)4 << 20)
#define GN_MIN_NURSERY ((size_t)4 << 10)     /* tiny: for tests and fuzzing, many minor collections */
#define GN_MAX_NURSERY ((size_t)1 << 30)
#define GN_MAX_AGE 15u
#define GN_MAX_YOUNG MB_HEAP_MAX_SMALL  /* larger objects are allocated old */

typedef struct gn_state {
    mb_heap_t heap;                     /* the old space */
    mb_ptrvec_t stack;                  /* minor: copies to scan; major: the mark stack */
    mb_ptrvec_t remset;                 /* old objects that may refer to young ones (GN_F_REMEMBERED) */
    mb_ptrvec_t promoted;               /* minor, with survivors kept young: this collection's promotions */
    mb_ptrvec_t moved;                  /* minor, with the census or finalizers: old addresses of the copied */
    bool track_moves;                   /* fill `moved` */
    void *promo_fl[MB_HEAP_CLASSES];    /* minor: free cells of the old space, per size class (heap.h refill) */
    void *region;                       /* the young region: eden, then two survivor spaces */
    size_t region_size;
    uintptr_t eden_lo, eden_hi;
    uintptr_t surv_lo[2];               /* the survivor spaces */
    size_t surv_size;                   /* bytes of each (0 when promote_age is 1) */
    int from;                           /* the survivor space holding survivors now */
    uintptr_t surv_top;                 /* end of the objects in survivor space `from` */
    uintptr_t to_top;                   /* during a minor collection: allocation point in the other */
    size_t nursery;                     /* eden bytes (param nursery) */
    unsigned promote_age;               /* minor collections survived before promotion (param promote_age) */
    uint64_t old_objects, old_bytes;    /* objects in the old space (live, or dead and not swept) */
    uint64_t major_limit;               /* a major collection when old_bytes passes this */
    bool promote_all;                   /* this minor collection promotes every survivor */
    bool marking;                       /* a major collection is between mark and sweep */
    uint64_t marked, marked_bytes;      /* major: old objects marked */
    uint64_t promoted_n, promoted_bytes;/* minor: survivors moved to the old space */
    uint64_t survived, survived_bytes;  /* minor: survivors kept young */
    uint64_t minors;                    /* minor collections so far */
} gn_state_t;

static inline size_t gn_round(size_t n) { return (n + 15) & ~(size_t)15; }
static inline size_t gn_size(const mb_obj_t *o) { return mb_obj_size((mb_kind_t)o->kind, o->len); }
static inline bool gn_young(const mb_rt_t *rt, const void *p) {
    return (uintptr_t)p - rt->mut.young_lo < rt->mut.young_size;
}
static inline mb_obj_t **gn_fwd_slot(mb_obj_t *o) { return (mb_obj_t **)(void *)((char *)o + 8); }

/* (Re)make the young region for the current parameters; before any allocation. */
static int gn_layout(mb_rt_t *rt) {
    gn_state_t *st = rt->state;
    if (st->region) munmap(st->region, st->region_size);
    st->surv_size = st->promote_age > 1 ? gn_round(st->nursery / 8) : 0;
    st->region_size = st->nursery + 2 * st->surv_size;
    st->region = mmap(NULL, st->region_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (st->region == MAP_FAILED) {
        st->region = NULL;
        return -1;
    }
    st->eden_lo = (uintptr_t)st->region;
    st->eden_hi = st->eden_lo + st->nursery;
    st->surv_lo[0] = st->eden_hi;
    st->surv_lo[1] = st->eden_hi + st->surv_size;
    st->from = 0;
    st->surv_top = st->surv_lo[0];
    mb_mut_t *m = &rt->mut;
    m->young_lo = st->eden_lo;
    m->young_size = st->region_size;
    m->bump = st->eden_lo;
    m->bump_end = st->eden_hi;
    return 0;
}

static const mb_param_def_t gn_params[] = {
    {"nursery", GN_DEFAULT_NURSERY, GN_MIN_NURSERY, GN_MAX_NURSERY, "eden bytes (rounded up to 4 KiB)"},
    {"promote_age", 1, 1, GN_MAX_AGE, "minor collections survived before promotion (1: no survivor spaces)"},
    {NULL, 0, 0, 0, NULL}};

static int gn_init(mb_rt_t *rt) {
    gn_state_t *st = rt->state;
    st->nursery = (size_t)gn_params[0].def;
    st->promote_age = (unsigned)gn_params[1].def;
    st->major_limit = mb_policy_limit(rt, 0);
    return gn_layout(rt);
}

static int gn_param(mb_rt_t *rt, const char *key, uint64_t v) {
    gn_state_t *st = rt->state;
    if (!strcmp(key, "nursery")) st->nursery = gn_round((size_t)v);
    else st->promote_age = (unsigned)v;
    MB_CHECK(rt->mut.stats.objects_allocated == 0, "generational: parameters after allocation");
    return gn_layout(rt);
}

/* The slow path's memory: eden while it has room (and this is not a
 * collection), else the old space; eden full asks for a minor collection at
 * the next allocation. */
static void *gn_alloc(mb_rt_t *rt, size_t bytes) {
    gn_state_t *st = rt->state;
    mb_mut_t *m = &rt->mut;
    if (!rt->in_collect && bytes <= GN_MAX_YOUNG) {
#ifdef MB_STRESS
        mb__request_collect(rt);        /* stress build: collect at every allocation */
#endif
        size_t sz = gn_round(bytes);
        if (m->bump_end - m->bump >= sz) {
            void *p = (void *)m->bump;
            m->bump += sz;
            return p;
        }
        mb__request_collect(rt);
    }
    return mb_heap_alloc(&st->heap, bytes);
}

static inline void gn_old_mark(gn_state_t *st, mb_obj_t *o) {
    if (mb_heap_mark(o)) {
        st->marked++;
        st->marked_bytes += gn_size(o);
    }
}

/* Objects of the slow path: an old one is counted (and, allocated by a
 * finalizer during a major collection, born marked). */
static void gn_on_alloc(mb_rt_t *rt, mb_obj_t *o) {
    gn_state_t *st = rt->state;
    if (gn_young(rt, o)) return;
    size_t bytes = gn_size(o);
    if (bytes > MB_HEAP_MAX_SMALL) o->flags |= MB_F_LARGE;
    st->old_objects++;
    st->old_bytes += bytes + rt->mut.side_bytes;
    if (st->marking) gn_old_mark(st, o);
}

static void gn_on_free(mb_rt_t *rt, mb_obj_t *o) {
    gn_state_t *st = rt->state;
    if (gn_young(rt, o)) return;
    st->old_objects--;
    st->old_bytes -= gn_size(o) + rt->mut.side_bytes;
}

static void gn_free(mb_rt_t *rt, void *p, size_t bytes) {
    gn_state_t *st = rt->state;
    if (!gn_young(rt, p)) mb_heap_free(&st->heap, p, bytes);   /* young memory is reused whole */
}

static void gn_remember(mb_rt_t *rt, mb_obj_t *o) {
    gn_state_t *st = rt->state;
    MB_VEC_PUSH(&st->remset, (void *)o);
}

/* --- minor collection -------------------------------------------------------- */
/* A cell of sz bytes (a multiple of 16, young: at most GN_MAX_YOUNG) in the
 * old space: a page's free cells are taken at once (heap.h refill), so a
 * promotion is a pop, not a bitmap search. */
static inline mb_obj_t *gn_promo_cell(gn_state_t *st, size_t sz) {
    size_t cls = sz / 16;
    void *c = st->promo_fl[cls];
    if (MB_UNLIKELY(!c)) {
        c = mb_heap_refill(&st->heap, (uint32_t)cls);
        if (!c) mb_oom("generational old space");
    }
    st->promo_fl[cls] = *(void **)c;
    return c;
}

/* Cells taken for promotion and not used are free again. */
static void gn_promo_release(gn_state_t *st) {
    for (size_t c = 0; c < MB_HEAP_CLASSES; c++) {
        for (void *cell = st->promo_fl[c], *next; cell; cell = next) {
            next = *(void **)cell;
            mb_heap_unreserve(cell);
        }
        st->promo_fl[c] = NULL;
    }
}

/* Young o's address after this collection: copied on first reach. */
static mb_obj_t *gn_evacuate(mb_rt_t *rt, mb_obj_t *o) {
    if (o->flags & GN_F_FWD) return *gn_fwd_slot(o);
    gn_state_t *st = rt->state;
    size_t bytes = gn_size(o), sz = gn_round(bytes);
    unsigned age = o->gen;
    int to = 1 - st->from;
    mb_obj_t *n;
    if (!st->promote_all && age + 1 < st->promote_age && st->to_top + sz <= st->surv_lo[to] + st->surv_size) {
        n = (mb_obj_t *)st->to_top;
        st->to_top += sz;
        memcpy(n, o, bytes);
        n->gen = (uint8_t)(age + 1);
        st->survived++;
        st->survived_bytes += bytes + rt->mut.side_bytes;
    } else {
        n = gn_promo_cell(st, sz);
        memcpy(n, o, bytes);
        n->gen = 0;
        st->old_objects++;
        st->old_bytes += bytes + rt->mut.side_bytes;
        st->promoted_n++;
        st->promoted_bytes += bytes + rt->mut.side_bytes;
        if (st->surv_size && !st->promote_all) MB_VEC_PUSH(&st->promoted, (void *)n);
    }
    o->flags |= GN_F_FWD;
    *gn_fwd_slot(o) = n;
    if (st->track_moves) MB_VEC_PUSH(&st->moved, (void *)o);
    MB_VEC_PUSH(&st->stack, (void *)n);
    return n;
}

/*
 * Slots holding young objects wait in a FIFO of GN_PREFETCH before their
 * object is evacuated, the object prefetched as its slot enters: reading a
 * young object's header (is it forwarded?) is the miss that dominated the
 * profile (perf: 90% of gn_evacuate's samples on the instruction after that
 * load, binary-trees), and the FIFO overlaps GN_PREFETCH of them.
 */
#define GN_PREFETCH 8u
typedef struct gn_fifo {
    mb_obj_t **q[GN_PREFETCH];
    unsigned head, count;
} gn_fifo_t;

static inline void gn_fifo_take(mb_rt_t *rt, gn_fifo_t *f) {
    mb_obj_t **s = f->q[f->head];
    f->head = (f->head + 1) % GN_PREFETCH;
    f->count--;
    *s = gn_evacuate(rt, *s);
}

/* Pre: *slot is young. */
static inline void gn_fifo_put(mb_rt_t *rt, gn_fifo_t *f, mb_obj_t **slot) {
    if (f->count == GN_PREFETCH) gn_fifo_take(rt, f);
    __builtin_prefetch(*slot);
    f->q[(f->head + f->count++) % GN_PREFETCH] = slot;
}

static inline void gn_scan_slots(mb_rt_t *rt, gn_fifo_t *f, mb_obj_t *o) {
    if (o->kind != MB_LIST) return;
    mb_obj_t **s = mb_obj_slots(o);
    for (uint32_t i = 0, n = o->len; i < n; i++)
        if (gn_young(rt, s[i])) gn_fifo_put(rt, f, &s[i]);
}

static void gn_root(mb_rt_t *rt, mb_obj_t **slot, void *ctx) {
    if (gn_young(rt, *slot)) gn_fifo_put(rt, ctx, slot);
}

/* After: every slot in the FIFO and every copy on the stack was processed,
 * and all they reach. */
static void gn_drain(mb_rt_t *rt, gn_fifo_t *f) {
    gn_state_t *st = rt->state;
    for (;;) {
        while (st->stack.n) gn_scan_slots(rt, f, st->stack.v[--st->stack.n]);
        if (!f->count) return;
        gn_fifo_take(rt, f);
    }
}

static bool gn_refers_young(mb_rt_t *rt, mb_obj_t *o) {
    if (o->kind != MB_LIST) return false;
    for (uint32_t i = 0; i < o->len; i++)
        if (gn_young(rt, mb_obj_slots(o)[i])) return true;
    return false;
}

static mb_obj_t *gn_where(mb_rt_t *rt, mb_obj_t *o) {
    if (!gn_young(rt, o)) return o;
    return (o->flags & GN_F_FWD) ? *gn_fwd_slot(o) : NULL;
}

/* Every object in [lo, hi) of the young region, in order (forwarded ones
 * sized by their copy); fn may free the object it is given. */
static void gn_each_young(mb_rt_t *rt, uintptr_t lo, uintptr_t hi, void (*fn)(mb_rt_t *, mb_obj_t *)) {
    for (uintptr_t p = lo; p < hi;) {
        mb_obj_t *o = (mb_obj_t *)p;
        p += gn_round(gn_size((o->flags & GN_F_FWD) ? *gn_fwd_slot(o) : o));
        fn(rt, o);
    }
}

static void gn_free_dead(mb_rt_t *rt, mb_obj_t *o) {
    if (!(o->flags & GN_F_FWD)) mb__free_obj(rt, o);
}

static void gn_minor(mb_rt_t *rt, bool promote_all) {
    gn_state_t *st = rt->state;
    mb_mut_t *m = &rt->mut;
    bool per_object = rt->opt.census || rt->finalizers.n;
    uint64_t owned = m->stats.live_objects - m->stats.immortal_objects;
    uint64_t owned_bytes = per_object ? 0 : m->stats.live_bytes - mb__immortal_bytes(rt);
    uint64_t young_n = owned - st->old_objects, young_b = owned_bytes - st->old_bytes;
    uintptr_t eden_top = m->bump;
    m->bump = m->bump_end = 0;
    int to = 1 - st->from;
    st->to_top = st->surv_lo[to];
    st->promote_all = promote_all;
    st->promoted_n = st->promoted_bytes = st->survived = st->survived_bytes = 0;
    st->promoted.n = 0;
    st->moved.n = 0;
    st->track_moves = per_object;       /* then the census and finalizer table hold no dead young object */
    /* roots, then the remembered old objects' slots, then what the copies reach */
    gn_fifo_t fifo = {0};
    mb__each_root_slot(rt, gn_root, &fifo);
    for (size_t i = 0; i < st->remset.n; i++) gn_scan_slots(rt, &fifo, st->remset.v[i]);
    gn_drain(rt, &fifo);
    /* young objects whose finalizer is still to run stay, for a major collection to decide */
    if (rt->finalizers.n) {
        for (size_t i = 0; i < rt->finalizers.cap; i++) {
            if (!mb_ptrmap_live(&rt->finalizers, i)) continue;
            mb_obj_t *o = rt->finalizers.keys[i];
            if (gn_young(rt, o) && !(o->flags & GN_F_FWD) && mb__needs_finalize(o)) gn_evacuate(rt, o);
        }
        gn_drain(rt, &fifo);
    }
    gn_promo_release(st);
    /* the remembered set: exactly the old objects that still refer to young ones */
    size_t kept = 0;
    if (st->survived) {
        for (size_t i = 0; i < st->remset.n; i++) {
            mb_obj_t *o = st->remset.v[i];
            if (gn_refers_young(rt, o)) st->remset.v[kept++] = o;
            else o->flags &= (uint8_t)~GN_F_REMEMBERED;
        }
        st->remset.n = kept;
        for (size_t i = 0; i < st->promoted.n; i++) {
            mb_obj_t *o = st->promoted.v[i];
            if (!(o->flags & GN_F_REMEMBERED) && gn_refers_young(rt, o)) {
                o->flags |= GN_F_REMEMBERED;
                MB_VEC_PUSH(&st->remset, (void *)o);
            }
        }
    } else {
        for (size_t i = 0; i < st->remset.n; i++)
            ((mb_obj_t *)st->remset.v[i])->flags &= (uint8_t)~GN_F_REMEMBERED;
        st->remset.n = 0;
    }
    /* the dead: untouched, or each freed where the census or finalizers must see it */
    if (per_object) {
        gn_each_young(rt, st->eden_lo, eden_top, gn_free_dead);
        gn_each_young(rt, st->surv_lo[st->from], st->surv_top, gn_free_dead);
    } else {
        uint64_t kept_n = st->promoted_n + st->survived, kept_b = st->promoted_bytes + st->survived_bytes;
        MB_CHECK(kept_n <= young_n && kept_b <= young_b, "generational: copied more than was young");
        mb_ev_reclaimed(rt, young_n - kept_n, young_b - kept_b);
    }
    mb__objects_moved(rt, gn_where, per_object ? (mb_obj_t *const *)st->moved.v : NULL, st->moved.n);
    st->from = to;
    st->surv_top = st->to_top;
    m->bump = st->eden_lo;
    m->bump_end = st->eden_hi;
    st->minors++;
}

/* --- major collection -------------------------------------------------------- */
static void gn_mark_root(mb_rt_t *rt, mb_obj_t *o, void *ctx) {
    (void)ctx;
    gn_state_t *st = rt->state;
    MB_VEC_PUSH(&st->stack, (void *)o);
}

static void gn_mark(mb_rt_t *rt) {
    gn_state_t *st = rt->state;
    mb__each_root(rt, gn_mark_root, NULL);
    mb_heap_trace(&st->stack, &st->marked, &st->marked_bytes);
}

static void gn_free_unmarked(void *ctx, mb_obj_t *o) { mb__free_obj(ctx, o); }

/* Pre: nothing is young (a promote-all minor collection just ran). */
static void gn_major(mb_rt_t *rt) {
    gn_state_t *st = rt->state;
    for (size_t i = 0; i < st->remset.n; i++) ((mb_obj_t *)st->remset.v[i])->flags &= (uint8_t)~GN_F_REMEMBERED;
    st->remset.n = 0;
    st->marked = st->marked_bytes = 0;
    st->marking = true;
    gn_mark(rt);
    if (mb__finalize_unmarked(rt, &st->heap)) gn_mark(rt);   /* resurrection, or `garbage` (a root): mark again */
    if (rt->opt.census || rt->finalizers.n) {
        mb_heap_each_unmarked(&st->heap, gn_free_unmarked, rt);
        MB_CHECK(st->old_objects == st->marked, "generational: %llu old objects after the sweep, %llu marked",
                 (unsigned long long)st->old_objects, (unsigned long long)st->marked);
    } else {
        MB_CHECK(st->marked <= st->old_objects && st->marked_bytes <= st->old_bytes, "generational: marked more than old");
        mb_ev_reclaimed(rt, st->old_objects - st->marked, st->old_bytes - st->marked_bytes);
        st->old_objects = st->marked;
        st->old_bytes = st->marked_bytes;
    }
    mb_heap_sweep(&st->heap);
    st->marking = false;
    st->major_limit = mb_policy_limit(rt, st->old_bytes);
}

static void gn_collect(mb_rt_t *rt, bool full) {
    gn_state_t *st = rt->state;
    bool major = full || st->old_bytes > st->major_limit;
#ifdef MB_STRESS
    major = major || st->minors % 8 == 7;  /* stress build: a major collection now and then too */
#endif
    gn_minor(rt, major);
    uint64_t promoted = st->promoted_n, promoted_bytes = st->promoted_bytes;
    if (major) gn_major(rt);
    mb_ev_generation_collected(rt, major ? 1 : 0, major, promoted, promoted_bytes);
}

static void gn_finish(mb_rt_t *rt) {
    gn_state_t *st = rt->state;
    mb_heap_destroy(&st->heap);
    if (st->region) munmap(st->region, st->region_size);
    st->region = NULL;
    rt->mut.young_lo = rt->mut.young_size = 0;
    rt->mut.bump = rt->mut.bump_end = 0;
    MB_VEC_FREE(&st->stack);
    MB_VEC_FREE(&st->remset);
    MB_VEC_FREE(&st->promoted);
    MB_VEC_FREE(&st->moved);
}

/* --- verification (debug builds, after every collection) ------------------- */
typedef struct gn_check {
    mb_rt_t *rt;
    uint64_t old, remembered;
} gn_check_t;

/* A reference held by an object or a root: to nothing freed or forwarded,
 * and into the young region only where young objects are now. */
static void gn_check_ref(mb_rt_t *rt, const mb_obj_t *t, const char *what, const void *holder) {
    gn_state_t *st = rt->state;
    if (!t || mb_obj_immortal(t)) return;
    if (gn_young(rt, t)) {
        uintptr_t a = (uintptr_t)t;
        bool in_eden = a >= st->eden_lo && a < rt->mut.bump;
        bool in_surv = a >= st->surv_lo[st->from] && a < st->surv_top;
        MB_CHECK(in_eden || in_surv, "generational verify: %s %p refers to %p, in the young region but not a young object",
                 what, holder, (const void *)t);
    }
    MB_CHECK(!(t->flags & GN_F_FWD), "generational verify: %s %p refers to a forwarded object %p", what, holder,
             (const void *)t);
    MB_CHECK(t->kind >= MB_LIST && t->kind <= MB_STR, "generational verify: %s %p refers to %p of kind %d", what, holder,
             (const void *)t, t->kind);
}

static void gn_check_slots(mb_rt_t *rt, mb_obj_t *o) {
    for (uint32_t i = 0; o->kind == MB_LIST && i < o->len; i++) gn_check_ref(rt, mb_obj_slots(o)[i], "object", o);
}

static void gn_check_old(void *ctx, mb_obj_t *o) {
    gn_check_t *c = ctx;
    c->old++;
    MB_CHECK(!mb_heap_marked(o), "generational verify: old object %p still marked", (void *)o);
    gn_check_slots(c->rt, o);
    if (o->flags & GN_F_REMEMBERED) c->remembered++;
    else MB_CHECK(!gn_refers_young(c->rt, o), "generational verify: old object %p refers to a young one and is not remembered",
                  (void *)o);
}

static uint64_t gn_check_young(mb_rt_t *rt, uintptr_t lo, uintptr_t hi) {
    uint64_t n = 0;
    for (uintptr_t p = lo; p < hi; n++) {
        mb_obj_t *o = (mb_obj_t *)p;
        MB_CHECK(!(o->flags & GN_F_FWD) && o->kind >= MB_LIST && o->kind <= MB_STR,
                 "generational verify: young object %p is forwarded or of kind %d", (void *)o, o->kind);
        gn_check_slots(rt, o);
        p += gn_round(gn_size(o));
    }
    return n;
}

static void gn_verify(mb_rt_t *rt) {
    gn_state_t *st = rt->state;
    gn_check_t c = {.rt = rt};
    mb_heap_each(&st->heap, gn_check_old, &c);
    uint64_t young = gn_check_young(rt, st->eden_lo, rt->mut.bump) +
                     gn_check_young(rt, st->surv_lo[st->from], st->surv_top);
    for (size_t i = 0; i < rt->mut.sp; i++) gn_check_ref(rt, rt->mut.stack[i], "root", &rt->mut.stack[i]);
    MB_CHECK(c.remembered == st->remset.n, "generational verify: %llu objects flagged remembered, %zu in the set",
             (unsigned long long)c.remembered, st->remset.n);
    for (size_t i = 0; i < st->remset.n; i++) {
        const mb_obj_t *o = st->remset.v[i];
        MB_CHECK(!gn_young(rt, o) && (o->flags & GN_F_REMEMBERED), "generational verify: remembered set entry %p", (void *)o);
    }
    MB_CHECK(c.old == st->old_objects, "generational verify: %llu objects in the old space, %llu counted",
             (unsigned long long)c.old, (unsigned long long)st->old_objects);
    MB_CHECK(c.old + young + rt->mut.stats.immortal_objects == rt->mut.stats.live_objects,
             "generational verify: %llu old + %llu young objects, %llu live", (unsigned long long)c.old,
             (unsigned long long)young, (unsigned long long)(rt->mut.stats.live_objects - rt->mut.stats.immortal_objects));
}

const mb_strategy_t mb_strategy_generational = {
    .name = "generational",
    .description = "copying nursery (bump allocation, promote_age) over a mark-sweep old space; remembered set by store barrier",
    .attrs = MB_ATTR_FREES | MB_ATTR_CYCLES | MB_ATTR_TRACES | MB_ATTR_MOVES | MB_ATTR_OWN_HEAP,
    .side_bytes = 0,                    /* forwarding and the remembered flag use the header */
    .state_size = sizeof(gn_state_t),
    .init = gn_init,
    .alloc = gn_alloc,
    .free = gn_free,
    .on_alloc = gn_on_alloc,
    .on_free = gn_on_free,
    .remember = gn_remember,
    .collect = gn_collect,
    .params = gn_params,
    .param = gn_param,
    .finish = gn_finish,
    .verify = gn_verify,
};
