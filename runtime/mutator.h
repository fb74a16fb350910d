/* mutator.h: the mutator's fast paths, inline (included by mb.h): variables, frames, loads, stores, allocation. */
#ifndef MB_MUTATOR_H
#define MB_MUTATOR_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "include/membench/object.h"
#include "runtime/stats.h"

/*
 * Everything a fast path touches is in mb_mut_t, the first member of the
 * runtime (strategy.h), so a workload compiled against mb.h reaches it with
 * no call. What is out of line (mutator.c, alloc.c) is a slow path only:
 * growing the root stack, a count that reaches zero or falls while the
 * strategy watches (dec_hook), an allocation when a free list is empty, a
 * collection is due, a new peak is reached or a test hook is armed.
 *
 * One barrier test per store: `barrier` is a byte of MB_BAR_* bits next to
 * the frame pointer, derived from the strategy when the runtime is made and
 * the same for the whole run, so the branch is predicted. A write to a root
 * slot (variable, global) tests MB_BAR_ROOTS, a write to an object slot
 * MB_BAR_HEAP | MB_BAR_REMEMBER. MB_BAR_REMEMBER is the generational
 * barrier: after the store, is the stored object in the young space (an
 * address range, no load from it) and the container old and not yet
 * remembered? Only then does the store reach the slow path (mb__remember).
 * Other tracing strategies need no barrier: they collect neither
 * incrementally nor by generation, and a copying one finds every reference
 * the mutator holds in a root slot (variables, globals), which it updates
 * when the object moves: workloads hold no raw pointers.
 *
 * Range checks on variable and slot indices are made in debug builds only
 * (MB_DEBUG); a release build trusts the workload, as an interpreter trusts
 * its compiler.
 */

#define MB_FL_CLASSES 17u               /* free lists for cells of 16..256 bytes (index: bytes / 16) */
#define MB_FL_GRANULE 16u

typedef struct mb_mut {
    mb_obj_t **fp;                      /* variables of the topmost frame (stack + frame_base) */
    mb_obj_t **stack;                   /* root slots: [0, nglobals) the globals, then the frames */
    size_t sp;                          /* slots in use */
    size_t cap;                         /* slots allocated */
    size_t frame_base;                  /* first slot of the topmost frame */
    size_t *frames;                     /* saved frame_base of each pushed frame */
    size_t nframes, frames_cap;         /* frames pushed; room */
    uint32_t nglobals;                  /* globals at the bottom of the stack */
    uint32_t header_aux;                /* aux of a new object's header (the strategy's tag) */
    uint8_t barrier;                    /* MB_BAR_* bits: which writes are counted */
    bool dec_hook;                      /* counting: a count that falls and stays above 0 is reported */
    bool alloc_hook;                    /* the strategy's on_alloc sees every object */
    void **zlog, **zlog_end;            /* deferred counting: room in the zero-count table, filled inline (else NULL) */
    bool zeroed;                        /* free-list cells come zeroed past their first word */
    bool interning;                     /* small ints and strings are interned */
    bool malloc_direct;                 /* no free lists: object memory is malloc's, called inline */
    size_t side_bytes;                  /* accounted per object beyond its size */
    uint64_t alloc_limit;               /* the fast path runs while live_bytes stays at or below this */
    mb_stats_t stats;                   /* the counters (stats.h) */
    void *free_list[MB_FL_CLASSES];     /* cells ready for objects, linked through their first word */
    uintptr_t bump, bump_end;           /* a copying strategy's allocation region: [bump, bump_end) (else 0, 0) */
    uintptr_t young_lo, young_size;     /* a generational strategy's young space (else 0, 0): the store barrier's filter */
} mb_mut_t;

#define MB_MUT(rt) ((mb_mut_t *)(void *)(rt))

/*
 * Barrier bits (mb_mut_t.barrier), derived from the strategy's attributes
 * and methods (runtime.c):
 *   MB_BAR_ROOTS  writes to root slots (variables, globals) are counted, and
 *                 mb_pop drops the counts its frame held: rc, rc-cycle, rc-gen
 *                 (MB_ATTR_COUNTS without MB_ATTR_DEFERRED);
 *   MB_BAR_HEAP   writes to object slots are counted: every counting
 *                 strategy, rc-deferred included (MB_ATTR_COUNTS).
 *   MB_BAR_REMEMBER  after a write to an object slot, an old container
 *                 that now refers to a young object (young_lo, young_size)
 *                 is remembered once: generational (its `remember`).
 *   MB_BAR_LOG    before a write to an object slot, a container carrying
 *                 MB_F_UNLOGGED is logged (its `log`, told the slot): the
 *                 strategy sees each slot's value before the first write of
 *                 an epoch (coalescing counting: rc-immix), clearing the
 *                 flag when it logged the whole container.
 */
#define MB_BAR_ROOTS 0x1u
#define MB_BAR_HEAP 0x2u
#define MB_BAR_REMEMBER 0x4u
#define MB_BAR_LOG 0x8u
#define MB_F_UNLOGGED MB_F_SPARE7       /* object flag under MB_BAR_LOG: the next slot write logs it first */

/* The barrier byte. MB_BARRIER_FIXED=B compiles every store for the one
 * barrier value B (0: tracing and none; 3 = ROOTS|HEAP: rc, rc-cycle,
 * rc-gen; 2 = HEAP: rc-deferred; 4 = REMEMBER: generational; 8 = LOG:
 * rc-immix) with no test at all: a build for measuring
 * what the test costs (docs/performance.md), whose binary runs only the
 * strategies with that value (mb_rt_new refuses the others). */
#ifdef MB_BARRIER_FIXED
#define MB_BARRIER(m) ((void)(m), (unsigned)(MB_BARRIER_FIXED))
#else
#define MB_BARRIER(m) ((unsigned)(m)->barrier)
#endif

#if defined(__GNUC__)
#define MB_INLINE static inline __attribute__((always_inline))
#define MB_LIKELY(x) __builtin_expect(!!(x), 1)
#define MB_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define MB_INLINE static inline
#define MB_LIKELY(x) (x)
#define MB_UNLIKELY(x) (x)
#endif

/* Out-of-line slow paths (mutator.c, alloc.c). */
void mb__frames_grow(mb_rt_t *rt, uint32_t nvars);
void mb__dec_slow(mb_rt_t *rt, mb_obj_t *o);
void mb__remember(mb_rt_t *rt, mb_obj_t *o);
void mb__log(mb_rt_t *rt, mb_obj_t *o, mb_obj_t **slot);
mb_obj_t *mb__alloc_slow(mb_rt_t *rt, mb_kind_t kind, uint32_t len);
void mb__on_alloc(mb_rt_t *rt, mb_obj_t *o);
mb_obj_t *mb__intern_int(mb_rt_t *rt, int64_t v);
mb_obj_t *mb__new_str_slow(mb_rt_t *rt, const char *s, size_t len);
_Noreturn void mb_panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));   /* util.h */

#ifdef MB_DEBUG
#define MB_DCHECK(cond, ...) do { if (!(cond)) mb_panic(__VA_ARGS__); } while (0)
#else
#define MB_DCHECK(cond, ...) ((void)0)
#endif

/* --- variables ------------------------------------------------------------ */
MB_INLINE mb_obj_t **mb__var(mb_rt_t *rt, mb_var_t v) {
    mb_mut_t *m = MB_MUT(rt);
    MB_DCHECK(m->nframes > 0, "variable %u used with no frame pushed", v);
    MB_DCHECK(m->frame_base + v < m->sp, "variable %u out of range (frame has %zu)", v, m->sp - m->frame_base);
    return &m->fp[v];
}

MB_INLINE mb_obj_t **mb__global(mb_rt_t *rt, uint32_t g) {
    mb_mut_t *m = MB_MUT(rt);
    MB_DCHECK(g < m->nglobals, "global %u out of range (%u globals)", g, m->nglobals);
    return &m->stack[g];
}

MB_INLINE mb_obj_t *mb__list(mb_rt_t *rt, mb_var_t v, uint32_t slot) {
    mb_obj_t *o = *mb__var(rt, v);
    MB_DCHECK(o != NULL, "variable %u is None, not a list", v);
    MB_DCHECK(o->kind == MB_LIST, "variable %u is not a list (kind %d)", v, o->kind);
    MB_DCHECK(slot < o->len, "slot %u out of range (list of %u)", slot, o->len);
    (void)slot;
    return o;
}

/* --- reference writes: the barriers --------------------------------------- */
/* *slot = v, keeping counts: increment first, so storing an object over
 * itself never frees it. Immortal objects are never counted (I2). */
MB_INLINE void mb__write_counted(mb_rt_t *rt, mb_obj_t **slot, mb_obj_t *v) {
    mb_mut_t *m = MB_MUT(rt);
    mb_obj_t *old = *slot;
    if (v && !mb_obj_immortal(v)) {
        v->rc++;
        m->stats.rc_increments++;
    }
    *slot = v;
    if (old && !mb_obj_immortal(old)) {
        m->stats.rc_decrements++;
        MB_DCHECK(old->rc > 0, "reference count underflow on object %p (kind %d)", (void *)old, old->kind);
        if (--old->rc == 0 || m->dec_hook) mb__dec_slow(rt, old);
    }
}

/* A root slot (a variable or a global) = v: counted under MB_BAR_ROOTS. */
MB_INLINE void mb__write_root(mb_rt_t *rt, mb_obj_t **slot, mb_obj_t *v) {
    if (!(MB_BARRIER(MB_MUT(rt)) & MB_BAR_ROOTS)) {
        *slot = v;
        return;
    }
    mb__write_counted(rt, slot, v);
}

/* Slot `slot` of object `obj` = v: counted under MB_BAR_HEAP; under
 * MB_BAR_REMEMBER (never with a counting bit), an old obj that now refers
 * to a young v is remembered once (MB_F_BUFFERED marks it); under
 * MB_BAR_LOG, an obj carrying MB_F_UNLOGGED is logged before the write. */
MB_INLINE void mb__write_heap(mb_rt_t *rt, mb_obj_t *obj, mb_obj_t **slot, mb_obj_t *v) {
    mb_mut_t *m = MB_MUT(rt);
    unsigned b = MB_BARRIER(m);
    if (!(b & (MB_BAR_HEAP | MB_BAR_REMEMBER | MB_BAR_LOG))) {
        *slot = v;
        return;
    }
    if (b & MB_BAR_HEAP) {
        mb__write_counted(rt, slot, v);
        return;
    }
    if (b & MB_BAR_LOG) {
        if (MB_UNLIKELY(obj->flags & MB_F_UNLOGGED)) mb__log(rt, obj, slot);
        *slot = v;
        return;
    }
    *slot = v;
    if ((uintptr_t)v - m->young_lo < m->young_size && (uintptr_t)obj - m->young_lo >= m->young_size &&
        !(obj->flags & MB_F_BUFFERED))
        mb__remember(rt, obj);
}

/* --- frames --------------------------------------------------------------- */
MB_INLINE void mb_push(mb_rt_t *rt, uint32_t nvars) {
    mb_mut_t *m = MB_MUT(rt);
    if (MB_UNLIKELY(m->sp + nvars > m->cap || m->nframes == m->frames_cap)) mb__frames_grow(rt, nvars);
    m->frames[m->nframes++] = m->frame_base;
    m->frame_base = m->sp;
    mb_obj_t **f = m->stack + m->sp;
    for (uint32_t i = 0; i < nvars; i++) f[i] = NULL;
    m->sp += nvars;
    m->fp = f;
}

MB_INLINE void mb_pop(mb_rt_t *rt) {
    mb_mut_t *m = MB_MUT(rt);
    MB_DCHECK(m->nframes > 0, "mb_pop with no frame pushed");
    if (MB_BARRIER(m) & MB_BAR_ROOTS) {
        /* Drop references from the top down; a finalizer run by a drop may
         * push and pop frames of its own above, which leaves sp where it
         * was, and may move the stack: it is read again at every step. */
        size_t sp = m->sp;
        while (sp > m->frame_base) {
            mb_obj_t **slot = &m->stack[sp - 1];
            mb_obj_t *o = *slot;
            *slot = NULL;
            sp--;
            if (o && !mb_obj_immortal(o)) {
                m->stats.rc_decrements++;
                MB_DCHECK(o->rc > 0, "reference count underflow on object %p (kind %d)", (void *)o, o->kind);
                if (--o->rc == 0 || m->dec_hook) {
                    m->sp = sp + 1;     /* the slow path may run code that pushes frames: above this slot */
                    mb__dec_slow(rt, o);
                }
            }
        }
        m->sp = sp;
    } else {
        m->sp = m->frame_base;          /* uncounted roots: slots above sp are no roots, no need to clear them */
    }
    m->frame_base = m->frames[--m->nframes];
    m->fp = m->stack + m->frame_base;
}

MB_INLINE void mb_none(mb_rt_t *rt, mb_var_t dst) { mb__write_root(rt, mb__var(rt, dst), NULL); }
MB_INLINE void mb_assign(mb_rt_t *rt, mb_var_t dst, mb_var_t src) {
    mb__write_root(rt, mb__var(rt, dst), *mb__var(rt, src));
}
MB_INLINE void mb_gset(mb_rt_t *rt, uint32_t g, mb_var_t src) {
    mb__write_root(rt, mb__global(rt, g), *mb__var(rt, src));
}
MB_INLINE void mb_gget(mb_rt_t *rt, mb_var_t dst, uint32_t g) {
    mb__write_root(rt, mb__var(rt, dst), *mb__global(rt, g));
}

/* --- slots ---------------------------------------------------------------- */
MB_INLINE void mb_store(mb_rt_t *rt, mb_var_t obj, uint32_t slot, mb_var_t src) {
    mb_obj_t *o = mb__list(rt, obj, slot);
    mb__write_heap(rt, o, &mb_obj_slots(o)[slot], *mb__var(rt, src));
}
MB_INLINE void mb_store_none(mb_rt_t *rt, mb_var_t obj, uint32_t slot) {
    mb_obj_t *o = mb__list(rt, obj, slot);
    mb__write_heap(rt, o, &mb_obj_slots(o)[slot], NULL);
}
MB_INLINE void mb_load(mb_rt_t *rt, mb_var_t dst, mb_var_t obj, uint32_t slot) {
    mb_obj_t *o = mb__list(rt, obj, slot);
    mb__write_root(rt, mb__var(rt, dst), mb_obj_slots(o)[slot]);
}

/* --- allocation ------------------------------------------------------------ */
/* A new object, header set, accounted (not yet referenced). The fast path:
 * a cell from the size class's free list (or, for a strategy that has none,
 * malloc itself: the allocator every explicit program calls; for a copying
 * strategy, the next bytes of its bump region), while live
 * bytes stay at or below alloc_limit (below the policy's trigger and the
 * peak so far); anything else, the slow path (alloc.c), which may collect
 * (rule R3). */
MB_INLINE mb_obj_t *mb__alloc(mb_rt_t *rt, mb_kind_t kind, uint32_t len) {
    mb_mut_t *m = MB_MUT(rt);
    size_t bytes = mb_obj_size(kind, len);
    uint64_t acct = bytes + m->side_bytes;
    size_t cls = (bytes + MB_FL_GRANULE - 1) / MB_FL_GRANULE;
    if (MB_LIKELY(cls < MB_FL_CLASSES && m->stats.live_bytes + acct <= m->alloc_limit)) {
        mb_obj_t *o = m->free_list[cls];
        if (MB_LIKELY(o != NULL)) m->free_list[cls] = *(void **)o;
        else if (m->malloc_direct) o = malloc(bytes);
        else if (m->bump_end - m->bump >= cls * MB_FL_GRANULE) {   /* bump allocation (copying strategies) */
            o = (mb_obj_t *)m->bump;
            m->bump += cls * MB_FL_GRANULE;
        }
        if (MB_LIKELY(o != NULL)) {
            *o = (mb_obj_t){.kind = (uint8_t)kind, .len = len, .aux = m->header_aux};
            m->stats.objects_allocated++;
            m->stats.live_objects++;
            m->stats.bytes_allocated += acct;
            m->stats.live_bytes += acct;
            if (m->alloc_hook) {
                if (m->zlog < m->zlog_end) {    /* rc-deferred: into its table, as its on_alloc would */
                    o->flags = MB_F_BUFFERED;
                    *m->zlog++ = o;
                } else {
                    mb__on_alloc(rt, o);
                }
            }
            return o;
        }
    }
    return mb__alloc_slow(rt, kind, len);
}

MB_INLINE void mb_new_list(mb_rt_t *rt, mb_var_t dst, uint32_t nslots) {
    MB_DCHECK(nslots <= MB_MAX_SLOTS, "list of %u slots is too large", nslots);
    (void)mb__var(rt, dst);             /* checked before allocating */
    mb_obj_t *o = mb__alloc(rt, MB_LIST, nslots);
    if (!MB_MUT(rt)->zeroed) memset(mb_obj_slots(o), 0, (size_t)nslots * sizeof(mb_obj_t *));
#ifdef MB_DEBUG
    for (uint32_t i = 0; i < nslots; i++)       /* the strategy's claim of zeroed memory, checked */
        MB_DCHECK(mb_obj_slots(o)[i] == NULL, "slot %u of a new list is not None (MB_ATTR_ZEROED)", i);
#endif
    mb__write_root(rt, mb__var(rt, dst), o);   /* after the allocation: a finalizer may have moved the stack */
}

MB_INLINE void mb_new_int(mb_rt_t *rt, mb_var_t dst, int64_t value) {
    (void)mb__var(rt, dst);
    mb_obj_t *o;
    if (MB_MUT(rt)->interning && value >= -5 && value <= 256) {
        o = mb__intern_int(rt, value);
    } else {
        o = mb__alloc(rt, MB_INT, 0);
        *mb_obj_intp(o) = value;
    }
    mb__write_root(rt, mb__var(rt, dst), o);
}

MB_INLINE void mb_new_str(mb_rt_t *rt, mb_var_t dst, const char *s) {
    (void)mb__var(rt, dst);
    size_t len = strlen(s);
    MB_DCHECK(len <= MB_MAX_SLOTS, "string of %zu bytes is too long", len);
    mb_obj_t *o;
    if (MB_MUT(rt)->interning) {
        o = mb__new_str_slow(rt, s, len);
    } else {
        o = mb__alloc(rt, MB_STR, (uint32_t)len);
        memcpy(mb_obj_chars(o), s, len + 1);
    }
    mb__write_root(rt, mb__var(rt, dst), o);
}

/* --- inspection ------------------------------------------------------------ */
MB_INLINE bool mb_is(mb_rt_t *rt, mb_var_t a, mb_var_t b) { return *mb__var(rt, a) == *mb__var(rt, b); }
MB_INLINE bool mb_is_none(mb_rt_t *rt, mb_var_t v) { return *mb__var(rt, v) == NULL; }
MB_INLINE bool mb__is_kind(mb_rt_t *rt, mb_var_t v, mb_kind_t k) {
    mb_obj_t *o = *mb__var(rt, v);
    return o && o->kind == k;
}
MB_INLINE bool mb_is_int(mb_rt_t *rt, mb_var_t v) { return mb__is_kind(rt, v, MB_INT); }
MB_INLINE bool mb_is_str(mb_rt_t *rt, mb_var_t v) { return mb__is_kind(rt, v, MB_STR); }
MB_INLINE bool mb_is_list(mb_rt_t *rt, mb_var_t v) { return mb__is_kind(rt, v, MB_LIST); }

MB_INLINE int64_t mb_int_value(mb_rt_t *rt, mb_var_t v) {
    mb_obj_t *o = *mb__var(rt, v);
    MB_DCHECK(o && o->kind == MB_INT, "variable %u is not an int", v);
    return *mb_obj_intp(o);
}
MB_INLINE const char *mb_str_value(mb_rt_t *rt, mb_var_t v) {
    mb_obj_t *o = *mb__var(rt, v);
    MB_DCHECK(o && o->kind == MB_STR, "variable %u is not a string", v);
    return mb_obj_chars(o);
}
MB_INLINE uint32_t mb_len(mb_rt_t *rt, mb_var_t v) {
    mb_obj_t *o = *mb__var(rt, v);
    MB_DCHECK(o != NULL, "len() of None (variable %u)", v);
    return o->len;
}

#endif
