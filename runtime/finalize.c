/* finalize.c: finalizers (PEP 442 and legacy `garbage`), the census (ids, exists, counts by id) and the roots. */
#include <stdlib.h>

#include "runtime/heap.h"
#include "runtime/strategy.h"

void mb_set_finalizer(mb_rt_t *rt, mb_var_t v, mb_finalizer_fn fn, void *ctx) {
    mb_obj_t *o = *mb__var(rt, v);
    MB_CHECK(o != NULL, "finalizer on None (variable %u)", v);
    MB_CHECK(!mb_obj_immortal(o), "finalizer on an immortal object (variable %u)", v);
    uint64_t old;
    if (mb_ptrmap_get(&rt->finalizers, o, &old)) free((void *)(uintptr_t)old);
    mb_fin_t *f = malloc(sizeof *f);
    if (!f) mb_oom("finalizer");
    f->fn = fn;
    f->ctx = ctx;
    mb_ptrmap_put(&rt->finalizers, o, (uint64_t)(uintptr_t)f);
    o->flags |= MB_F_FINALIZER;
    o->flags &= (uint8_t)~MB_F_FINALIZED;
    if (rt->S->on_finalizer) rt->S->on_finalizer(rt, o);
}

bool mb__finalize(mb_rt_t *rt, mb_obj_t *o) {
    if (!mb__needs_finalize(o)) return false;
    uint64_t rec;
    o->flags |= MB_F_FINALIZED;
    if (!mb_ptrmap_get(&rt->finalizers, o, &rec)) return false;
    mb_fin_t *f = (mb_fin_t *)(uintptr_t)rec;
    /* Hold o in a temporary frame without counting that reference: the
     * frame is torn down by hand below, so no release can start from it.
     * The count is raised by one for the duration of the call, so that a
     * finalizer that copies o and drops the copy cannot start a second
     * release of an object whose release is under way. */
    mb_mut_t *m = &rt->mut;
    bool counts = (m->barrier & MB_BAR_HEAP) != 0;   /* any counting strategy, deferred ones too */
    mb_push(rt, 1);
    m->fp[0] = o;
    if (counts) {
        o->rc++;
        m->stats.rc_increments++;
    }
    mb_ev_finalizer_run(rt);
    f->fn(rt, f->ctx);
    MB_CHECK(m->fp[0] == o, "a finalizer overwrote its own variable 0");
    if (counts) {
        o->rc--;
        m->stats.rc_decrements++;
    }
    m->fp[0] = NULL;
    mb_pop(rt);
    return true;
}

void mb__make_uncollectable(mb_rt_t *rt, mb_obj_t *o) {
    if (o->flags & MB_F_UNCOLLECTABLE) return;
    o->flags |= MB_F_UNCOLLECTABLE;
    if ((rt->mut.barrier & MB_BAR_HEAP) && !mb_obj_immortal(o)) {
        o->rc++;                        /* a strategy-held reference (I3) */
        rt->mut.stats.rc_increments++;
    }
    MB_VEC_PUSH(&rt->garbage, o);
    rt->mut.stats.uncollectable_objects++;
}

static void push_finalizable(void *ctx, mb_obj_t *o) {
    if (mb__needs_finalize(o)) MB_VEC_PUSH((mb_ptrvec_t *)ctx, (void *)o);
}

bool mb__finalize_unmarked(mb_rt_t *rt, mb_heap_t *h) {
    if (rt->finalizers.n == 0) return false;
    mb_ptrvec_t todo = {0};
    mb_heap_each_unmarked(h, push_finalizable, &todo);
    for (size_t i = 0; i < todo.n; i++) {
        if (rt->opt.finalizers == MB_FIN_LEGACY) mb__make_uncollectable(rt, todo.v[i]);
        else mb__finalize(rt, todo.v[i]);
    }
    bool any = todo.n > 0;
    MB_VEC_FREE(&todo);
    return any;
}

void mb__each_root(mb_rt_t *rt, mb_root_fn fn, void *ctx) {
    mb_mut_t *m = &rt->mut;
    for (size_t i = 0; i < m->sp; i++)
        if (m->stack[i]) fn(rt, m->stack[i], ctx);
    for (size_t i = 0; i < rt->garbage.n; i++) fn(rt, rt->garbage.v[i], ctx);
    if (rt->test_leaked) fn(rt, rt->test_leaked, ctx);
}

void mb__each_root_slot(mb_rt_t *rt, mb_root_slot_fn fn, void *ctx) {
    mb_mut_t *m = &rt->mut;
    for (size_t i = 0; i < m->sp; i++)
        if (m->stack[i]) fn(rt, &m->stack[i], ctx);
    for (size_t i = 0; i < rt->garbage.n; i++) fn(rt, (mb_obj_t **)&rt->garbage.v[i], ctx);
    if (rt->test_leaked) fn(rt, &rt->test_leaked, ctx);
}

/* An object's identity: its census id; without the census its address,
 * which is stable unless the strategy moves objects: then an id is handed
 * out on first request and kept in `ids`, which follows the object (as a
 * JVM's identity hash is kept in the header once asked for). */
uint64_t mb_id(mb_rt_t *rt, mb_var_t v) {
    mb_obj_t *o = *mb__var(rt, v);
    if (!o) return 0;
    uint64_t id;
    if (rt->opt.census && mb_ptrmap_get(&rt->census, o, &id)) return id;
    if (!(rt->S->attrs & MB_ATTR_MOVES) || mb_obj_immortal(o)) return (uint64_t)(uintptr_t)o;
    if (!mb_ptrmap_get(&rt->ids, o, &id)) {
        id = ++rt->next_id;
        mb_ptrmap_put(&rt->ids, o, id);
    }
    return id;
}

bool mb_exists(mb_rt_t *rt, uint64_t id) {
    MB_CHECK(rt->opt.census, "mb_exists needs the census option");
    for (size_t i = 0; i < rt->census.cap; i++)
        if (mb_ptrmap_live(&rt->census, i) && rt->census.vals[i] == id) return true;
    return false;
}

long mb_refcount_id(mb_rt_t *rt, uint64_t id) {
    MB_CHECK(rt->opt.census, "mb_refcount_id needs the census option");
    for (size_t i = 0; i < rt->census.cap; i++) {
        if (!mb_ptrmap_live(&rt->census, i) || rt->census.vals[i] != id) continue;
        mb_obj_t *o = rt->census.keys[i];
        if (mb_obj_immortal(o)) return MB_RC_IMMORTAL;
        if (!(rt->S->attrs & MB_ATTR_COUNTS)) return MB_RC_NONE;
        return (long)o->rc;
    }
    return MB_RC_FREED;
}

size_t mb_census(mb_rt_t *rt) {
    MB_CHECK(rt->opt.census, "mb_census needs the census option");
    size_t n = 0;
    for (size_t i = 0; i < rt->census.cap; i++)
        if (mb_ptrmap_live(&rt->census, i) && !mb_obj_immortal(rt->census.keys[i])) n++;
    return n;
}
