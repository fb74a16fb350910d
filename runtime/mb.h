/* mb.h: the mutator API, the only header a workload includes (docs/design.md section 3). */
#ifndef MB_H
#define MB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Rules of the mutator (stated once here; the runtime layer and the debug
 * verifier check them where they can):
 *
 *  R1. References live only in root frames (variables of the topmost frame,
 *      or the globals frame) and in object slots. A workload never holds a
 *      raw object pointer: it names variables by index and never sees an
 *      mb_obj_t at all (the inline fast paths of mutator.h do, on its
 *      behalf; a workload calls them, never their internals).
 *  R2. Every store into a variable or a slot goes through this API, so
 *      reference counts and barriers stay right.
 *  R3. Any allocation may run a collection. Anything the workload still
 *      needs must be in a variable or reachable from one.
 *  R4. Variable indices are relative to the topmost frame pushed with
 *      mb_push(); mb_pop() drops every reference the frame holds.
 */

typedef struct mb_rt mb_rt_t;           /* one runtime: a strategy, its heap, its statistics */
typedef struct mb_strategy mb_strategy_t;
typedef uint32_t mb_var_t;              /* index of a variable in the topmost frame */

/* Finalizer semantics for cyclic garbage (docs/design.md section 9, scenario 3). */
typedef enum mb_finalizer_mode {
    MB_FIN_MODERN = 0,                  /* PEP 442: run once, then free unless resurrected */
    MB_FIN_LEGACY = 1                   /* before Python 3.4: cycles with finalizers go to `garbage` */
} mb_finalizer_mode_t;

typedef enum mb_allocator {
    MB_ALLOC_LIBC = 0,                  /* malloc/free from the C library */
    MB_ALLOC_JEMALLOC = 1,              /* jemalloc's je_malloc/je_free, with its statistics */
    MB_ALLOC_OWN = 2                    /* the suite's size-class heap (heap.h), inline free lists; libc beyond 256 bytes */
} mb_allocator_t;

/* The collection policy's heap multiplier when none is given: collect when
 * the heap reaches this many times the bytes live after the last collection.
 * Written here only; --heap-multiplier's default and the reports read it. */
#define MB_DEFAULT_HEAP_MULTIPLIER 2.0
/* The range a heap multiplier may take (run's option and anything read back). */
#define MB_HEAP_MULTIPLIER_MIN 1
#define MB_HEAP_MULTIPLIER_MAX 1000
/* The multiplier in effect for a given one (an option, a suite's): 0 means
 * the default. The one place that rule is applied. */
static inline double mb_heap_multiplier(double given) { return given > 0 ? given : MB_DEFAULT_HEAP_MULTIPLIER; }

/* Options of a runtime; zero-initialise, then set what differs. */
typedef struct mb_options {
    bool interning;                     /* small ints -5..256 and strings interned, immortal */
    bool census;                        /* keep a table of live objects (ids, exists, census) */
    double heap_multiplier;             /* collection policy; 0 means MB_DEFAULT_HEAP_MULTIPLIER */
    mb_finalizer_mode_t finalizers;     /* modern (default) or legacy */
    mb_allocator_t allocator;           /* where object memory comes from (0: libc; the CLI's default is own) */
    uint32_t globals;                   /* number of global variables; 0 means 64 */
    const char *params;                 /* strategy parameters "key=value,..." or NULL */
} mb_options_t;

/* Finalizer callback (the seed's __del__). The object being finalized is in
 * variable 0 of a fresh one-variable frame; the callback may store it (or
 * anything it reaches) into a global to resurrect it. */
typedef void (*mb_finalizer_fn)(mb_rt_t *rt, void *ctx);

#define MB_RC_NONE     (-1L)            /* mb_refcount: the strategy keeps no counts */
#define MB_RC_IMMORTAL (-2L)            /* mb_refcount: the object is immortal (interned) */
#define MB_RC_FREED    (-3L)            /* mb_refcount_id: no object with that id is allocated */

/* --- runtime ------------------------------------------------------------ */
mb_rt_t *mb_rt_new(const mb_strategy_t *strategy, const mb_options_t *opts);
void mb_rt_free(mb_rt_t *rt);           /* teardown (if not done) and release everything */
const mb_strategy_t *mb_rt_strategy(const mb_rt_t *rt);

/* --- frames and variables, allocation, slots, inspection --------------------
 * Inline (mutator.h, included below):
 *   void mb_push(rt, nvars)            new frame of nvars variables, all None
 *   void mb_pop(rt)                    drop the topmost frame and its references
 *   void mb_none(rt, dst)              dst = None
 *   void mb_assign(rt, dst, src)       dst = src
 *   void mb_gset(rt, global, src)      globals[global] = src
 *   void mb_gget(rt, dst, global)      dst = globals[global]
 *   void mb_new_list(rt, dst, nslots)  container, slots None       (may collect, R3)
 *   void mb_new_int(rt, dst, value)                                 (may collect)
 *   void mb_new_str(rt, dst, s)                                     (may collect)
 *   void mb_store(rt, obj, slot, src)  obj[slot] = src
 *   void mb_store_none(rt, obj, slot)  obj[slot] = None
 *   void mb_load(rt, dst, obj, slot)   dst = obj[slot]
 *   bool mb_is(rt, a, b)               identity: a is b
 *   bool mb_is_none / mb_is_int / mb_is_str / mb_is_list (rt, v)
 *   int64_t mb_int_value(rt, v)
 *   const char *mb_str_value(rt, v)    valid until the next allocation
 *   uint32_t mb_len(rt, v)             slots of a list, bytes of a string
 */
/* The object's count, MB_RC_NONE or MB_RC_IMMORTAL. Under deferred counting
 * (rc-deferred) the count is of references from object slots only (and
 * the legacy `garbage` list): variables and globals are not counted. */
long mb_refcount(mb_rt_t *rt, mb_var_t v);
uint64_t mb_id(mb_rt_t *rt, mb_var_t v);               /* stable identity, like id(); 0 is None */

/* --- collection ---------------------------------------------------------- */
void mb_collect(mb_rt_t *rt);                  /* gc.collect(): a full collection now */
void mb_auto_collect(mb_rt_t *rt, bool on);    /* gc.enable() / gc.disable() */
void mb_freeze(mb_rt_t *rt);                   /* gc.freeze(): what exists now is never collected (rc-gen; else no-op) */
void mb_set_finalizer(mb_rt_t *rt, mb_var_t v, mb_finalizer_fn fn, void *ctx);

/* --- census (needs options.census; like gc.get_objects()) ----------------- */
bool mb_exists(mb_rt_t *rt, uint64_t id);      /* is an object with this id still allocated? */
size_t mb_census(mb_rt_t *rt);                 /* objects allocated now, immortal ones excluded */
/* The count of the object with this id without holding a reference to it,
 * as the tutorial's ctypes ref_count(address): a count (as mb_refcount's),
 * MB_RC_NONE, MB_RC_IMMORTAL or MB_RC_FREED. Under deferred counting an
 * object no slot refers to exists until the next reconciliation (a
 * collection), so mb_exists and mb_census still see it until then. */
long mb_refcount_id(mb_rt_t *rt, uint64_t id);

#include "runtime/mutator.h"

#endif
