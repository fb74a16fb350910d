/* refcount.c: the reference-counting mechanism shared by rc, rc-cycle and rc-gen: release at zero, iteratively. */
#include "strategy.h"

/*
 * Counts themselves are kept by the dispatch layer (MB_ATTR_COUNTS): it
 * increments on every store and decrements the value overwritten, calling
 * the strategy's dec_nonzero when a count falls but stays above zero and
 * release (this function by default) when it reaches zero.
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
 * Pauses: a cascade that starts at a container and frees at least
 * MB_CASCADE_PAUSE_MIN objects is recorded as a pause (DESIGN.md section 6:
 * "refcount cascades count as pauses too"). Smaller cascades are part of
 * the mutator's ordinary work, and leaves are never timed (a clock read
 * would cost more than their free).
 */
#define MB_CASCADE_PAUSE_MIN 1000

void mb_rc_release(mb_rt_t *rt, mb_obj_t *o) {
    if (rt->releasing) {
        MB_VEC_PUSH(&rt->pending, o);
        return;
    }
    rt->releasing = true;
    uint64_t t0 = o->kind == MB_LIST ? mb_now_ns() : 0;
    uint64_t freed = 0;
    void (*dec_nonzero)(mb_rt_t *, mb_obj_t *) = rt->S->dec_nonzero;
    for (mb_obj_t *x = o;;) {
        if (mb__needs_finalize(x)) {
            mb__finalize(rt, x);
            if (x->rc > 0) goto next;   /* resurrected: it lives on, finalized */
        }
        if (x->kind == MB_LIST) {
            mb_obj_t **slots = mb_obj_slots(x);
            for (uint32_t i = 0; i < x->len; i++) {
                mb_obj_t *c = slots[i];
                if (!c || mb_obj_immortal(c)) continue;
                slots[i] = NULL;
                MB_CHECK(c->rc > 0, "reference count underflow on object %p in a cascade", (void *)c);
                if (--c->rc == 0) MB_VEC_PUSH(&rt->pending, c);
                else if (dec_nonzero) dec_nonzero(rt, c);
            }
        }
        mb__free_obj(rt, x);
        freed++;
    next:
        if (rt->pending.n == 0) break;
        x = rt->pending.v[--rt->pending.n];
    }
    rt->releasing = false;
    if (t0 && freed >= MB_CASCADE_PAUSE_MIN) mb__record_pause(rt, mb_now_ns() - t0);
}
