/* rc_gen.c: reference counting plus CPython-style generational trial deletion over every tracked container. */
#include <stdlib.h>
#include <string.h>

#include "runtime/strategy.h"

/*
 * Counts are the shared mechanism's (mutator.h, refcount.c). Every
 * container is tracked in one of three generations (CPython's gc lists),
 * or in the permanent generation after mb_freeze; leaves are untracked, as
 * CPython leaves atomic objects untracked (they cannot be on a cycle, I4).
 *
 * Header fields:
 *   gen    0, 1, 2, RCG_PERM (tracked: in gens[gen] at index aux),
 *          RCG_UNTRACKED (leaves), RCG_UNREACH (during a collection: found
 *          unreachable, in the set handed to mb_rc_dispose).
 *   aux    index in gens[gen] while tracked.
 *   color  during a collection, RCG_REACH for the young objects found
 *          reachable from outside; 0 otherwise.
 * gc_refs is a scratch array, one uint32 per object of the collected
 * generation, indexed by aux, allocated for the collection only. Real
 * counts are never changed by a collection.
 *
 * Invariant outside a collection: gens[g].v[i]->gen == g and ->aux == i for
 * every generation g and index i; every tracked container is in exactly
 * one generation; color is 0.
 *
 * When (CPython 3.13's default generational scheme): count[0] counts
 * containers allocated minus freed since the last collection; passing
 * threshold0 requests a collection at the next allocation. A collection of
 * generation g adds one to count[g+1] and zeroes count[0..g]. The collector
 * collects the oldest generation whose count passes its threshold, except
 * that the full (oldest) one also needs long_lived_pending (objects
 * promoted into it since the last full collection) above long_lived_total
 * (objects that survived the last full one) / 4.
 */
enum { RCG_NGEN = 3, RCG_PERM = 3, RCG_NLISTS = 4, RCG_UNREACH = 0xfe, RCG_UNTRACKED = 0xff };
enum { RCG_REACH = 1 };
#define RCG_F_PROMOTING MB_F_SPARE7     /* in this collection: moves to an older generation if it survives */

typedef struct rcg_state {
    mb_ptrvec_t gens[RCG_NLISTS];       /* generations 0, 1, 2 and the permanent one */
    uint64_t count[RCG_NGEN];           /* CPython's generation counts */
    uint64_t threshold[RCG_NGEN];       /* params threshold0/1/2; threshold0 0 = no automatic collection */
    uint64_t long_lived_total;          /* objects that survived the last full collection */
    uint64_t long_lived_pending;        /* objects promoted into the oldest generation since */
    int target;                         /* generation receiving the survivors of this collection */
    uint64_t promoted;                  /* survivors of this collection moved to an older generation */
    uint64_t promoted_bytes;            /* their bytes, metadata included */
    int last_gen;                       /* generation the last collection collected; -1 once the mutator allocates */
    uint64_t born_in_collect;           /* containers allocated (by finalizers) during the last collection */
    mb_ptrvec_t stack;                  /* explicit stack of the reachability walk */
    mb_ptrvec_t unreachable;            /* the garbage of this collection */
} rcg_state_t;

/* CPython 3.13: gc.get_threshold() == (2000, 10, 10). */
static const mb_param_def_t rcg_params[RCG_NGEN + 1] = {
    {"threshold0", 2000, 0, 1000000000000ULL, "allocations minus frees of containers before a young collection (0: none)"},
    {"threshold1", 10, 0, 1000000000000ULL, "young collections before generation 1 is collected"},
    {"threshold2", 10, 0, 1000000000000ULL, "generation-1 collections before a full collection"},
    {NULL, 0, 0, 0, NULL}};

static int rcg_init(mb_rt_t *rt) {
    rcg_state_t *st = rt->state;
    st->last_gen = -1;
    for (int g = 0; g < RCG_NGEN; g++) st->threshold[g] = rcg_params[g].def;
    return 0;
}

static int rcg_param(mb_rt_t *rt, const char *key, uint64_t v) {
    rcg_state_t *st = rt->state;
    for (int g = 0; g < RCG_NGEN; g++)
        if (!strcmp(key, rcg_params[g].name)) st->threshold[g] = v;
    return 0;
}

static void rcg_track(rcg_state_t *st, mb_obj_t *o, int g) {
    o->gen = (uint8_t)g;
    o->aux = (uint32_t)st->gens[g].n;
    MB_VEC_PUSH(&st->gens[g], (void *)o);
}

static void rcg_on_alloc(mb_rt_t *rt, mb_obj_t *o) {
    rcg_state_t *st = rt->state;
    if (o->kind != MB_LIST) {
        o->gen = RCG_UNTRACKED;
        return;
    }
    rcg_track(st, o, 0);
    st->count[0]++;
    if (rt->in_collect) st->born_in_collect++;
    else st->last_gen = -1;
#ifdef MB_STRESS
    mb__request_collect(rt);            /* stress build: collect at every allocation */
#else
    if (st->threshold[0] && st->count[0] > st->threshold[0]) mb__request_collect(rt);
#endif
}

static void rcg_on_free(mb_rt_t *rt, mb_obj_t *o) {
    rcg_state_t *st = rt->state;
    if (o->gen >= RCG_NLISTS) return;   /* untracked, or in this collection's unreachable set */
    mb_ptrvec_t *v = &st->gens[o->gen];
    MB_ASSERT(o->aux < v->n && v->v[o->aux] == o);
    mb_obj_t *last = v->v[--v->n];
    v->v[o->aux] = last;
    last->aux = o->aux;
    if (o->gen == 0 && st->count[0] > 0) st->count[0]--;
    o->gen = RCG_UNTRACKED;
}

static inline bool rcg_in(const mb_obj_t *c, int g) {
    return c && c->kind == MB_LIST && !mb_obj_immortal(c) && c->gen == g;
}

/* o survived and moves to an older generation: counted. */
static inline void rcg_promoted(mb_rt_t *rt, rcg_state_t *st, const mb_obj_t *o) {
    st->promoted++;
    st->promoted_bytes += mb_obj_size((mb_kind_t)o->kind, o->len) + rt->mut.side_bytes;
}

/* A survivor of disposal (resurrected, or kept under legacy): tracked again. */
static void rcg_keep(mb_rt_t *rt, mb_obj_t *o) {
    rcg_state_t *st = rt->state;
    if (o->flags & RCG_F_PROMOTING) {
        o->flags &= (uint8_t)~RCG_F_PROMOTING;
        rcg_promoted(rt, st, o);
    }
    rcg_track(st, o, st->target);
}

/* Collect generation g. After: the younger generations are empty; what was
 * reachable from outside generation g is in generation min(g + 1, 2); the
 * rest was handed to mb_rc_dispose (freed, or kept/resurrected into the
 * same older generation). Returns the number of survivors promoted. */
static size_t rcg_collect_gen(mb_rt_t *rt, int g) {
    rcg_state_t *st = rt->state;
    int target = g + 1 < RCG_NGEN ? g + 1 : g;
    /* Every object from a generation younger than the target is promoted
     * if it survives (generation g itself too, unless it is the oldest). */
    for (int y = 0; y <= g; y++) {
        mb_ptrvec_t *v = &st->gens[y];
        if (y < target)
            for (size_t i = 0; i < v->n; i++) ((mb_obj_t *)v->v[i])->flags |= RCG_F_PROMOTING;
    }
    /* Merge the younger generations into g. */
    for (int y = 0; y < g; y++) {
        mb_ptrvec_t *v = &st->gens[y];
        for (size_t i = 0; i < v->n; i++) rcg_track(st, v->v[i], g);
        v->n = 0;
    }
    mb_ptrvec_t *young = &st->gens[g];
    size_t n = young->n;
    uint32_t *gc_refs = malloc((n ? n : 1) * sizeof *gc_refs);
    if (!gc_refs) mb_oom("gc_refs");
    /* update_refs: gc_refs = the real count. */
    for (size_t i = 0; i < n; i++) gc_refs[i] = ((mb_obj_t *)young->v[i])->rc;
    /* subtract_refs: after, gc_refs counts only references from outside the generation. */
    for (size_t i = 0; i < n; i++) {
        mb_obj_t *o = young->v[i];
        mb_obj_t **slots = mb_obj_slots(o);
        for (uint32_t s = 0; s < o->len; s++) {
            if (!rcg_in(slots[s], g)) continue;
            MB_ASSERT(gc_refs[slots[s]->aux] > 0);
            gc_refs[slots[s]->aux]--;
        }
    }
    /* move_unreachable: after, RCG_REACH marks exactly the objects reachable
     * from one with gc_refs > 0 (referenced from outside) within g. */
    for (size_t i = 0; i < n; i++) {
        mb_obj_t *o = young->v[i];
        if (gc_refs[i] == 0 || o->color == RCG_REACH) continue;
        o->color = RCG_REACH;
        MB_VEC_PUSH(&st->stack, (void *)o);
        while (st->stack.n) {
            mb_obj_t *x = st->stack.v[--st->stack.n];
            mb_obj_t **slots = mb_obj_slots(x);
            for (uint32_t s = 0; s < x->len; s++) {
                mb_obj_t *c = slots[s];
                if (!rcg_in(c, g) || c->color == RCG_REACH) continue;
                c->color = RCG_REACH;
                MB_VEC_PUSH(&st->stack, (void *)c);
            }
        }
    }
    free(gc_refs);
    /* Split: survivors promoted, the unreachable set apart. */
    st->target = target;
    mb_ptrvec_t all = *young;           /* take the vector; g is rebuilt from survivors */
    memset(young, 0, sizeof *young);
    st->unreachable.n = 0;
    size_t promoted = 0;
    for (size_t i = 0; i < all.n; i++) {
        mb_obj_t *o = all.v[i];
        if (o->color == RCG_REACH) {
            o->color = 0;
            rcg_track(st, o, target);
            promoted++;
            if (o->flags & RCG_F_PROMOTING) {
                o->flags &= (uint8_t)~RCG_F_PROMOTING;
                rcg_promoted(rt, st, o);
            }
        } else {
            o->gen = RCG_UNREACH;
            MB_VEC_PUSH(&st->unreachable, (void *)o);
        }
    }
    MB_VEC_FREE(&all);
    /* Finalizers, resurrection, legacy `garbage`, freeing. */
    mb_rc_dispose(rt, &st->unreachable, rcg_keep);
    promoted += st->unreachable.n;
    st->unreachable.n = 0;
    return promoted;
}

/* Which generation CPython's collect_generations would collect now. */
static int rcg_pick(rcg_state_t *st) {
    for (int g = RCG_NGEN - 1; g >= 0; g--) {
        if (st->count[g] <= st->threshold[g]) continue;
        if (g == RCG_NGEN - 1 && st->long_lived_pending < st->long_lived_total / 4) continue;
        return g;
    }
    return 0;                           /* requested without a count due (stress build): the youngest */
}

static void rcg_collect(mb_rt_t *rt, bool full) {
    rcg_state_t *st = rt->state;
    int g = full ? RCG_NGEN - 1 : rcg_pick(st);
    if (g + 1 < RCG_NGEN) st->count[g + 1]++;
    for (int i = 0; i <= g; i++) st->count[i] = 0;
    st->promoted = st->promoted_bytes = 0;
    st->born_in_collect = 0;
    size_t survivors = rcg_collect_gen(rt, g);
    st->last_gen = g;
    mb_ev_generation_collected(rt, g, g == RCG_NGEN - 1, st->promoted, st->promoted_bytes);
    if (g == RCG_NGEN - 2) st->long_lived_pending += survivors;
    if (g == RCG_NGEN - 1) {
        st->long_lived_total = st->gens[RCG_NGEN - 1].n;
        st->long_lived_pending = 0;
    }
}

/* gc.freeze(): after, every tracked container is in the permanent
 * generation, which no collection examines. */
static void rcg_freeze(mb_rt_t *rt) {
    rcg_state_t *st = rt->state;
    for (int g = 0; g < RCG_NGEN; g++) {
        mb_ptrvec_t *v = &st->gens[g];
        for (size_t i = 0; i < v->n; i++) rcg_track(st, v->v[i], RCG_PERM);
        v->n = 0;
    }
    st->count[0] = 0;
}

static void rcg_verify(mb_rt_t *rt) {
    rcg_state_t *st = rt->state;
    size_t tracked = 0;
    /* Generation membership right after a collection of g: every survivor
     * of a generation younger than the target moved there, so those
     * generations hold only what finalizers allocated meanwhile (gen 0). */
    if (st->last_gen >= 0) {
        int g = st->last_gen, target = g + 1 < RCG_NGEN ? g + 1 : g;
        for (int y = 0; y <= g && y < target; y++) {
            size_t want = y == 0 ? st->born_in_collect : 0;
            MB_CHECK(st->gens[y].n <= want, "rc-gen verify: generation %d holds %zu objects after a collection of "
                     "generation %d (survivors must move to %d; %zu at most were allocated meanwhile)", y, st->gens[y].n, g, target, want);
        }
    }
    for (int g = 0; g < RCG_NLISTS; g++) {
        for (size_t i = 0; i < st->gens[g].n; i++) {
            mb_obj_t *o = st->gens[g].v[i];
            MB_CHECK(o->kind == MB_LIST && o->gen == g && o->aux == i && o->color == 0 &&
                         !(o->flags & RCG_F_PROMOTING),
                     "rc-gen verify: generation %d entry %zu (%p) inconsistent", g, i, (void *)o);
            tracked++;
        }
    }
    if (rt->opt.census) {
        size_t lists = 0;
        for (size_t i = 0; i < rt->census.cap; i++) {
            if (!mb_ptrmap_live(&rt->census, i)) continue;
            mb_obj_t *o = rt->census.keys[i];
            if (o->kind == MB_LIST) lists++;
            else MB_CHECK(mb_obj_immortal(o) || o->gen == RCG_UNTRACKED, "rc-gen verify: leaf %p tracked", (void *)o);
        }
        MB_CHECK(lists == tracked, "rc-gen verify: %zu containers, %zu tracked", lists, tracked);
    }
}

static void rcg_finish(mb_rt_t *rt) {
    rcg_state_t *st = rt->state;
    for (int g = 0; g < RCG_NLISTS; g++) MB_VEC_FREE(&st->gens[g]);
    MB_VEC_FREE(&st->stack);
    MB_VEC_FREE(&st->unreachable);
}

const mb_strategy_t mb_strategy_rc_gen = {
    .name = "rc-gen",
    .description = "reference counting + CPython-style generational trial deletion (3 generations, freeze)",
    .attrs = MB_ATTR_COUNTS | MB_ATTR_FREES | MB_ATTR_CYCLES,
    .side_bytes = sizeof(void *),       /* a container's entry in its generation (charged to every object) */
    .state_size = sizeof(rcg_state_t),
    .init = rcg_init,
    .finish = rcg_finish,
    .on_alloc = rcg_on_alloc,
    .on_free = rcg_on_free,
    .collect = rcg_collect,
    .freeze = rcg_freeze,
    .params = rcg_params,
    .param = rcg_param,
    .verify = rcg_verify,
};
