/* refcount.c: the reference-counting mechanism shared by rc, rc-cycle and rc-gen: release at zero, iteratively. */
#include <stdlib.h>

#include "runtime/strategy.h"

/*
 * Counts themselves are kept by the mutator (mutator.h, MB_ATTR_COUNTS):
 * it increments on every store and decrements the value overwritten,
 * calling the strategy's dec_nonzero when a count falls but stays above
 * zero and release (this function by default) when it reaches zero.
 *
 * Release frees the object and everything that its death brings to zero.
 * It never recurses, so a 10,000,000-long chain is freed in constant C
 * stack, as CPython's trashcan does: while a cascade runs (rt->releasing),
 * objects that reach zero are pushed on rt->pending and freed by the loop
 * below, never by a nested call.
 *
 * Finalizers: an object with a finalizer that has not run is finalized
 * before its references are dropped. If the finalizer resurrected it (the
 * count is above zero afterwards), the object is not freed, and stays
 * MB_F_FINALIZED so its finalizer never runs again (PEP 442).
 *
 * Pauses: a cascade that starts at a container and can free at least
 * MB_CASCADE_PAUSE_MIN objects (rc_may_pause) is reported as events
 * (events.h); the listener counts one that did as a pause ("refcount
 * cascades count as pauses too"). Smaller cascades are part of the
 * mutator's ordinary work, and leaves are never reported (a clock read
 * would cost more than their free).
 */

/* Can releasing o (count zero) free MB_CASCADE_PAUSE_MIN objects or more?
 * Not if o is a container with fewer slots, no finalizer, and no child that
 * dies with it (count 1) is a container or has a finalizer: then at most
 * 1 + len objects die and no mutator code runs. Only a cascade that can be a
 * pause is reported (a clock read costs more than freeing a few objects);
 * leaves are never reported. */
static bool rc_may_pause(const mb_obj_t *o) {
    if (o->kind != MB_LIST) return false;
    if ((o->flags & MB_F_FINALIZER) || o->len >= MB_CASCADE_PAUSE_MIN - 1) return true;
    mb_obj_t *const *slots = mb_obj_slots((mb_obj_t *)o);
    for (uint32_t i = 0; i < o->len; i++) {
        const mb_obj_t *c = slots[i];
        if (c && !mb_obj_immortal(c) && c->rc == 1 && (c->kind == MB_LIST || (c->flags & MB_F_FINALIZER)))
            return true;
    }
    return false;
}

void mb_rc_release(mb_rt_t *rt, mb_obj_t *o) {
    if (rt->releasing) {
        MB_VEC_PUSH(&rt->pending, o);
        return;
    }
    rt->releasing = true;
    bool timed = rc_may_pause(o);
    if (timed) mb_ev_cascade_begin(rt);
    uint64_t freed = 0, decs = 0;
    void (*dec_nonzero)(mb_rt_t *, mb_obj_t *) = rt->S->dec_nonzero;
    /* The last child to reach zero is freed next without passing through
     * `pending` (it would be popped first anyway): the same order, less
     * vector traffic. */
    for (mb_obj_t *x = o;;) {
        mb_obj_t *last = NULL;
        if (mb__needs_finalize(x)) {
            mb__finalize(rt, x);
            if (x->rc > 0) goto next;   /* resurrected: it lives on, finalized */
        }
        if (x->kind == MB_LIST) {
            mb_obj_t **slots = mb_obj_slots(x);
            mb__prefetch_slots(x);
            for (uint32_t i = 0; i < x->len; i++) {
                mb_obj_t *c = slots[i];
                if (!c || mb_obj_immortal(c)) continue;
                slots[i] = NULL;
                MB_CHECK(c->rc > 0, "reference count underflow on object %p in a cascade", (void *)c);
                decs++;
                if (--c->rc == 0) {
                    if (last) MB_VEC_PUSH(&rt->pending, last);
                    last = c;
                } else if (dec_nonzero) {
                    dec_nonzero(rt, c);
                }
            }
        }
        mb__free_obj(rt, x);
        freed++;
    next:
        if (last) {
            x = last;
            continue;
        }
        if (rt->pending.n == 0) break;
        x = rt->pending.v[--rt->pending.n];
    }
    rt->releasing = false;
    rt->mut.stats.rc_decrements += decs;
    if (timed) mb_ev_cascade_end(rt, freed);
}

/*
 * Disposing of cyclic garbage found by a counting collector (rc-cycle and
 * rc-gen share this, as they share release). The collector has found `set`
 * unreachable; here the finalizer semantics (rt->opt.finalizers) are
 * applied and the garbage is freed. MB_F_MARK means "member of the set and
 * still to be freed" for the duration of the call; the caller uses no
 * MB_F_MARK of its own.
 *
 * legacy (Python < 3.4): if members need finalizing, those members are put
 *   in `garbage` (mb__make_uncollectable) and everything in the set that
 *   they reach is kept with them; the rest of the set is freed.
 * modern (PEP 442): every member is held (count + 1), the finalizers of the
 *   members that need one run (each once, MB_F_FINALIZED), then liveness is
 *   recomputed on the set by trial deletion (gc = count - hold - references
 *   from members): a member with gc > 0 was resurrected, and it and every
 *   member it reaches survive intact. The holds are dropped and the rest is
 *   freed.
 * Freeing: references from freed members to objects outside the freed part
 *   are dropped through the ordinary mechanism (dec_nonzero, or release at
 *   zero, after the freed members are gone and the survivors re-homed).
 */
static inline bool rc_member(const mb_obj_t *o) { return o && (o->flags & MB_F_MARK); }

/* Unmark (keep) every member reachable from the objects on `stack`; empties it. */
static void rc_keep_reachable(mb_ptrvec_t *stack) {
    while (stack->n) {
        mb_obj_t *x = stack->v[--stack->n];
        mb_obj_t **slots = mb_obj_slots(x);
        for (uint32_t i = 0; x->kind == MB_LIST && i < x->len; i++) {
            mb_obj_t *c = slots[i];
            if (!rc_member(c)) continue;
            c->flags &= (uint8_t)~MB_F_MARK;
            MB_VEC_PUSH(stack, (void *)c);
        }
    }
}

/* After: every member needing a finalizer has been finalized once; members
 * resurrected (and what they reach in the set) are unmarked; holds dropped. */
static void rc_finalize_set(mb_rt_t *rt, mb_ptrvec_t *set, mb_ptrvec_t *stack) {
    size_t n = set->n;
    for (size_t i = 0; i < n; i++) ((mb_obj_t *)set->v[i])->rc++;          /* hold */
    rt->mut.stats.rc_increments += n;
    for (size_t i = 0; i < n; i++) mb__finalize(rt, set->v[i]);
    /* Trial deletion on the set as it is now: aux is borrowed as the index
     * (no mutator code runs until it is restored). */
    uint32_t *saved = malloc(n * sizeof *saved);
    int64_t *gc = malloc(n * sizeof *gc);
    if (!saved || !gc) mb_oom("finalizer resurrection check");
    for (size_t i = 0; i < n; i++) {
        mb_obj_t *o = set->v[i];
        saved[i] = o->aux;
        o->aux = (uint32_t)i;
        gc[i] = (int64_t)o->rc - 1;
    }
    for (size_t i = 0; i < n; i++) {
        mb_obj_t *o = set->v[i];
        mb_obj_t **slots = mb_obj_slots(o);
        for (uint32_t s = 0; s < o->len; s++)
            if (rc_member(slots[s])) gc[slots[s]->aux]--;
    }
    for (size_t i = 0; i < n; i++) {
        mb_obj_t *o = set->v[i];
        if (gc[i] > 0 && rc_member(o)) {            /* referenced from outside: resurrected */
            o->flags &= (uint8_t)~MB_F_MARK;
            MB_VEC_PUSH(stack, (void *)o);
            rc_keep_reachable(stack);
        }
    }
    for (size_t i = 0; i < n; i++) {
        mb_obj_t *o = set->v[i];
        o->aux = saved[i];
        o->rc--;                                     /* drop the hold, without a release */
    }
    rt->mut.stats.rc_decrements += n;
    free(saved);
    free(gc);
}

void mb_rc_dispose(mb_rt_t *rt, mb_ptrvec_t *set, void (*keep)(mb_rt_t *rt, mb_obj_t *o)) {
    size_t n = set->n;
    if (!n) return;
    bool fin = false;
    for (size_t i = 0; i < n; i++) {
        mb_obj_t *o = set->v[i];
        MB_ASSERT(o->kind == MB_LIST && !(o->flags & MB_F_MARK));
        o->flags |= MB_F_MARK;
        if (mb__needs_finalize(o)) fin = true;
    }
    mb_ptrvec_t stack = {0};
    if (fin && rt->opt.finalizers == MB_FIN_LEGACY) {
        for (size_t i = 0; i < n; i++) {
            mb_obj_t *o = set->v[i];
            if (!mb__needs_finalize(o)) continue;
            mb__make_uncollectable(rt, o);
            o->flags &= (uint8_t)~MB_F_MARK;
            MB_VEC_PUSH(&stack, (void *)o);
        }
        rc_keep_reachable(&stack);
    } else if (fin) {
        rc_finalize_set(rt, set, &stack);
    }
    /* Drop the references from the freed part to everything else. */
    mb_ptrvec_t zeros = {0};
    void (*dec_nonzero)(mb_rt_t *, mb_obj_t *) = rt->S->dec_nonzero;
    for (size_t i = 0; i < n; i++) {
        mb_obj_t *o = set->v[i];
        if (!rc_member(o)) continue;
        mb_obj_t **slots = mb_obj_slots(o);
        for (uint32_t s = 0; s < o->len; s++) {
            mb_obj_t *c = slots[s];
            if (!c || mb_obj_immortal(c) || rc_member(c)) continue;
            slots[s] = NULL;
            MB_CHECK(c->rc > 0, "reference count underflow on object %p freeing cyclic garbage", (void *)c);
            rt->mut.stats.rc_decrements++;
            if (--c->rc == 0) MB_VEC_PUSH(&zeros, (void *)c);
            else if (dec_nonzero) dec_nonzero(rt, c);
        }
    }
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        mb_obj_t *o = set->v[i];
        if (rc_member(o)) {
            o->flags &= (uint8_t)~MB_F_MARK;
            mb__free_obj(rt, o);
        } else {
            MB_CHECK(o->rc > 0, "a surviving member of cyclic garbage %p has count 0", (void *)o);
            set->v[kept++] = o;
            if (keep) keep(rt, o);
        }
    }
    set->n = kept;
    /* Outside objects whose last reference was from the garbage: ordinary release. */
    for (size_t i = 0; i < zeros.n; i++) mb_rc_release(rt, zeros.v[i]);
    MB_VEC_FREE(&zeros);
    MB_VEC_FREE(&stack);
}
