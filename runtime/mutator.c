/* mutator.c: the mutator's out-of-line slow paths (mutator.h): root stack growth, falling counts, interning. */
#include <stdlib.h>

#include "runtime/strategy.h"

/* Room for a frame of nvars more variables and one more saved frame base. */
void mb__frames_grow(mb_rt_t *rt, uint32_t nvars) {
    mb_mut_t *m = &rt->mut;
    if (m->sp + nvars > m->cap) {
        mb_vec_grow_((void **)&m->stack, &m->cap, sizeof *m->stack, m->sp + nvars);
        m->fp = m->stack + m->frame_base;
    }
    if (m->nframes == m->frames_cap)
        mb_vec_grow_((void **)&m->frames, &m->frames_cap, sizeof *m->frames, m->nframes + 1);
}

/* A count fell: to zero (release), or above zero while the strategy watches. */
/* The generational barrier's slow path (mutator.h): o is old, not yet
 * remembered, and one of its slots now holds a young object. */
void mb__remember(mb_rt_t *rt, mb_obj_t *o) {
    MB_CHECK(rt->S->remember != NULL, "%s has a young space but no remembered set", rt->S->name);
    o->flags |= MB_F_BUFFERED;
    rt->S->remember(rt, o);
}

/* The coalescing barrier's slow path (mutator.h): o carries MB_F_UNLOGGED
 * and its slot `slot` is about to be written; the strategy logs it. */
void mb__log(mb_rt_t *rt, mb_obj_t *o, mb_obj_t **slot) {
    MB_CHECK(rt->S->log != NULL, "%s flags objects unlogged but has no log", rt->S->name);
    rt->S->log(rt, o, slot);
}

void mb__dec_slow(mb_rt_t *rt, mb_obj_t *o) {
    if (o->rc == 0) {
        if (rt->S->release) rt->S->release(rt, o);
        else mb_rc_release(rt, o);
    } else if (rt->S->dec_nonzero) {
        rt->S->dec_nonzero(rt, o);
#ifdef MB_STRESS
        /* Stress builds honour a strategy's request right at the decrement
         * that made it (a safe point: the store is complete and every
         * reference is in a root or a slot), unless a cascade is running. */
        if (rt->collect_requested && rt->auto_collect && !rt->releasing && !rt->in_collect)
            mb__collect_now(rt, false);
#endif
    }
}

void mb__on_alloc(mb_rt_t *rt, mb_obj_t *o) { rt->S->on_alloc(rt, o); }

mb_obj_t *mb__intern_int(mb_rt_t *rt, int64_t v) {
    mb_obj_t *o = mb_intern_int(rt, v);
    MB_ASSERT(o != NULL);
    return o;
}

mb_obj_t *mb__new_str_slow(mb_rt_t *rt, const char *s, size_t len) {
    mb_obj_t *o = mb_intern_str(rt, s, len);
    if (!o) {
        o = mb__alloc(rt, MB_STR, (uint32_t)len);
        memcpy(mb_obj_chars(o), s, len + 1);
    }
    return o;
}

long mb_refcount(mb_rt_t *rt, mb_var_t v) {
    mb_obj_t *o = *mb__var(rt, v);
    MB_CHECK(o != NULL, "refcount of None (variable %u)", v);
    if (mb_obj_immortal(o)) return MB_RC_IMMORTAL;
    if (!(rt->S->attrs & MB_ATTR_COUNTS)) return MB_RC_NONE;
    return (long)o->rc;
}
