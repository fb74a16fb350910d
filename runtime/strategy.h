/* strategy.h: the strategy interface, the runtime record, and the services strategies share. */
#ifndef MB_STRATEGY_H
#define MB_STRATEGY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "runtime/mb.h"
#include "include/membench/object.h"
#include "runtime/events.h"
#include "runtime/ownheap.h"
#include "runtime/stats.h"
#include "runtime/util.h"

/* What a strategy can do, declared as data (MMTk's constraints), not probed:
 * X(ID, bit, name shown by `membench list` and reports, meaning). */
#define MB_ATTR_LIST(X) \
    X(COUNTS, 0, "counts", "keeps reference counts: the mutator (mutator.h) maintains rc") \
    X(FREES, 1, "frees", "reclaims memory at all (none does not)") \
    X(CYCLES, 2, "cycles", "reclaims cyclic garbage") \
    X(TRACES, 3, "traces", "traces from the roots") \
    X(POLICY, 4, "heap-policy", "collections triggered by the shared heap policy (policy.c)") \
    X(CONSERVATIVE, 5, "conservative", "scans some memory conservatively: may retain garbage (leaks >= expected)") \
    X(ZEROED, 6, "zeroed", "cells from refill (and alloc) are zero past their first word") \
    X(DEFERRED, 7, "deferred", "counting: references from root frames are not counted (only object slots are); " \
                               "a zero count is reconciled against the roots at a collection") \
    X(MOVES, 8, "moves", "a collection moves objects: ids and the runtime's address-keyed tables follow them (move.c)") \
    X(OWN_HEAP, 9, "own-heap", "object memory comes from the strategy's own heap (mmap'd pages, bdwgc), not from " \
                               "--allocator: jemalloc's max_bytes_used and total_allocated_bytes do not measure it")

enum mb_attr {
#define MB_ATTR_ENUM(id, bit, name, doc) MB_ATTR_##id = 1u << (bit),
    MB_ATTR_LIST(MB_ATTR_ENUM)
#undef MB_ATTR_ENUM
};

/* The attributes as data, in bit order, ending with {0}: for listings. */
typedef struct mb_attr_info {
    unsigned bit;                       /* the MB_ATTR_* value */
    const char *name;                   /* as `membench list` shows it */
    const char *doc;                    /* what it means */
} mb_attr_info_t;
extern const mb_attr_info_t mb_attr_info[];

/* The mutator's barrier bits (mutator.h MB_BAR_*) for a strategy's attributes. */
static inline uint8_t mb_attr_barrier(unsigned attrs) {
    if (!(attrs & MB_ATTR_COUNTS)) return 0;
    return (uint8_t)(MB_BAR_HEAP | ((attrs & MB_ATTR_DEFERRED) ? 0 : MB_BAR_ROOTS));
}

/*
 * A strategy is one constant struct of function pointers (MPS pool class,
 * MMTk plan). The mutator's fast paths (mutator.h) are inline and call no
 * strategy method; every slow path reaches the strategy through the runtime
 * layer (runtime.c, alloc.c, mutator.c, finalize.c), which checks the
 * contract and does the accounting, so a strategy only manages its own
 * metadata, and reports what its collector did as events (events.h). NULL methods take the documented
 * default. strategies/README.md states every method's pre- and
 * postconditions; the one-line summaries here are reminders.
 */
/* A strategy parameter (--params KEY=VALUE): an integer in [min, max],
 * declared once here; the runtime checks the name and range before calling
 * the strategy's param method, and help, the man page and `list` show it. */
typedef struct mb_param_def {
    const char *name;                   /* NULL ends a table */
    uint64_t def, min, max;             /* default (what init sets), range, inclusive */
    const char *doc;                    /* one line */
} mb_param_def_t;

/* The parameter of S named key, or NULL. */
const mb_param_def_t *mb_param_find(const mb_strategy_t *S, const char *key);
/* Check "KEY=VALUE,..." against S's declared parameters: 0, or -1 with err. */
int mb_params_check(const mb_strategy_t *S, const char *params, char *err, size_t errsz);

struct mb_strategy {
    const char *name;                   /* command-line name, e.g. "rc-cycle" */
    const char *description;            /* one line for `membench list` */
    unsigned attrs;                     /* mb_attr bits */
    size_t side_bytes;                  /* per-object metadata outside the 16-byte header */
    size_t state_size;                  /* bytes of private state, zeroed, at rt->state */
    int (*init)(mb_rt_t *rt);           /* post: ready for alloc; nonzero = failure (NULL: nothing) */
    void *(*alloc)(mb_rt_t *rt, size_t bytes);    /* object memory; NULL result = out of memory (NULL: mb_mem_alloc) */
    /* Free lists (optional): a chain of free cells of cls * 16 bytes, linked
     * through their first word, for the inline allocation fast path (NULL
     * result: out of memory). Cells still on a free list at a collection are
     * handed back one by one to unreserve (NULL: dropping the chain is
     * enough). Objects from cells never reach on_alloc: only slow-path ones. */
    void *(*refill)(mb_rt_t *rt, uint32_t cls);
    void (*unreserve)(mb_rt_t *rt, void *cell);
    uint32_t header_aux;                /* aux of every new object's header (a tag; usually 0) */
    void (*free)(mb_rt_t *rt, void *p, size_t bytes); /* return object memory (NULL: mb_mem_free) */
    void (*finish)(mb_rt_t *rt);        /* pre: no object is allocated any more; free private tables */
    void (*on_alloc)(mb_rt_t *rt, mb_obj_t *o);   /* o is new, rc 0, not yet referenced */
    void (*on_free)(mb_rt_t *rt, mb_obj_t *o);    /* o is about to be freed: forget it */
    void (*dec_nonzero)(mb_rt_t *rt, mb_obj_t *o);/* counting: rc decremented and still > 0 */
    void (*on_finalizer)(mb_rt_t *rt, mb_obj_t *o); /* o was just given a finalizer (NULL: nothing) */
    void (*release)(mb_rt_t *rt, mb_obj_t *o);    /* counting: rc reached 0 (NULL: mb_rc_release) */
    void (*collect)(mb_rt_t *rt, bool full);      /* reclaim garbage; NULL: never collects */
    void (*remember)(mb_rt_t *rt, mb_obj_t *o);   /* generational: old o now refers to a young object (mut.young_*) */
    void (*log)(mb_rt_t *rt, mb_obj_t *o, mb_obj_t **slot); /* coalescing: o carries MB_F_UNLOGGED, *slot is written next (MB_BAR_LOG) */
    void (*freeze)(mb_rt_t *rt);        /* move every object to a permanent generation (NULL: no-op) */
    const mb_param_def_t *params;       /* its parameters (NULL: none) */
    int (*param)(mb_rt_t *rt, const char *key, uint64_t value); /* set a declared parameter, in range; 0 = ok */
    void (*verify)(mb_rt_t *rt);        /* debug: check private invariants (NULL: none) */
};

/* The runtime: everything one run of one workload under one strategy owns. */
struct mb_rt {
    mb_mut_t mut;                       /* the fast paths' state, first (mutator.h): root frames, counters, free lists */
    const mb_strategy_t *S;             /* the strategy */
    void *state;                        /* its private state (state_size bytes) */
    mb_options_t opt;                   /* options, defaults filled in */
    /* statistics listener (events.h): pauses, clocks */
    const mb_listener_t *listener;      /* receives the collector's events */
    mb_u64vec_t pauses;                 /* every collector pause, ns (the listener's) */
    uint64_t collect_t0, cascade_t0;    /* the listener's clock at the open collection, cascade */
    /* collection policy (policy.c) */
    size_t heap_limit;                  /* collect when live_bytes passes this */
    bool auto_collect;                  /* gc.enable() state */
    bool collect_requested;             /* a strategy asked for a collection at the next safe point */
    bool in_collect;                    /* a collection is running (no nested collections) */
    /* shared reference-counting mechanism (refcount.c) */
    mb_ptrvec_t pending;                /* objects whose count reached zero, not yet freed */
    bool releasing;                     /* a cascade is running: new zeros go to pending */
    /* interning (intern.c) */
    mb_obj_t **small_ints;              /* -5..256, created on first use */
    mb_ptrmap_t strings;                /* interned strings by hash -> object chain */
    /* census and finalizers (finalize.c) */
    mb_ptrmap_t census;                 /* object -> id, when opt.census */
    mb_ptrmap_t ids;                    /* object -> id handed out by mb_id, for a moving strategy without census */
    uint64_t next_id;                   /* last id handed out */
    mb_ptrmap_t finalizers;             /* object -> mb_fin_t*, for MB_F_FINALIZER objects */
    mb_ptrvec_t garbage;                /* legacy: uncollectable cyclic garbage (a root) */
    bool torn_down;                     /* mb_teardown has run */
    bool free_plain;                    /* mb__free_obj's inline path applies (strategy.h) */
    mb_heap_t *own_heap;                /* --allocator own for a strategy without a heap: the pages (ownheap.h), else NULL */
    /* test hooks (testhooks.c), installed once when the runtime is made */
    bool test_slow;                     /* MB_TEST_SLOW names this strategy: extra work per allocation */
    bool test_leak;                     /* MB_TEST_LEAK names this strategy: teardown leaks one object */
    bool test_fail;                     /* MB_FAIL_ALLOC is armed: every allocation passes the injection point */
    mb_obj_t *test_leaked;              /* that object: a root nobody drops (mb__each_root reports it) */
};

/* A finalizer record in rt->finalizers. */
typedef struct mb_fin {
    mb_finalizer_fn fn;                 /* the callback */
    void *ctx;                          /* its argument */
} mb_fin_t;

/* --- services of the runtime layer for strategies --------------------------- */

/* Free one object: strategy on_free, accounting, census, poison, memory.
 * Inline when nothing but the accounting and free() (or, on the own heap,
 * a push onto the class's free list) is to do (free_plain: no on_free, no
 * strategy heap, no census, not a debug build) and the object is neither
 * immortal nor has a finalizer; else out of line. */
void mb__free_obj_slow(mb_rt_t *rt, mb_obj_t *o);
static inline void mb__free_obj(mb_rt_t *rt, mb_obj_t *o) {
    if (MB_LIKELY(rt->free_plain && !(o->flags & (MB_F_IMMORTAL | MB_F_FINALIZER)))) {
        MB_CHECK(o->kind != MB_FREED, "double free of object %p", (void *)o);
        mb_stats_t *s = &rt->mut.stats;
        s->objects_freed++;
        s->live_objects--;
        size_t bytes = mb_obj_size((mb_kind_t)o->kind, o->len);
        s->live_bytes -= bytes;
        o->kind = MB_FREED;
        if (rt->own_heap) mb_own_free(rt->mut.free_list, o, bytes);
        else free(o);                   /* malloc's, as mutator.h's malloc_direct allocated it */
        return;
    }
    mb__free_obj_slow(rt, o);
}
/* A cascade is about to read the headers of o's children: ask for the
 * first few at once, so that their cache misses overlap instead of
 * following one another (the profile of a cascade freeing binary-trees'
 * nodes: most of its time on the load of a child's header). */
static inline void mb__prefetch_slots(const mb_obj_t *o) {
    if (o->kind != MB_LIST) return;
    mb_obj_t *const *slots = mb_obj_slots((mb_obj_t *)o);
    for (uint32_t i = 0, n = o->len < 8 ? o->len : 8; i < n; i++)
        if (slots[i]) __builtin_prefetch(slots[i]);
}
/* Run o's finalizer once (marks it MB_F_FINALIZED). o is held by a temporary
 * frame during the call; its count is restored afterwards without a release.
 * Returns true if the object had a finalizer that ran. */
bool mb__finalize(mb_rt_t *rt, mb_obj_t *o);
static inline bool mb__needs_finalize(const mb_obj_t *o) {
    return (o->flags & (MB_F_FINALIZER | MB_F_FINALIZED)) == MB_F_FINALIZER;
}
/* Move o into the legacy `garbage` list (a root): counted as uncollectable. */
void mb__make_uncollectable(mb_rt_t *rt, mb_obj_t *o);
/* Between the mark and the sweep of a tracing collection on a size-class heap:
 * finalize (modern) or put in `garbage` (legacy) every unmarked object of h
 * that needs it. Returns whether there was any; then the caller marks again
 * (a resurrected object, or `garbage`, is a root now). */
struct mb_heap;
bool mb__finalize_unmarked(mb_rt_t *rt, struct mb_heap *h);
/* Ask for a collection at the next allocation (a safe point): the
 * allocation fast path is closed until it has run. */
static inline void mb__request_collect(mb_rt_t *rt) {
    rt->collect_requested = true;
    rt->mut.alloc_limit = 0;
}
/* Bytes held by immortal (interned) objects now. */
uint64_t mb__immortal_bytes(const mb_rt_t *rt);
/* Apply fn to every root slot: variables of every frame, globals, garbage. */
typedef void (*mb_root_fn)(mb_rt_t *rt, mb_obj_t *o, void *ctx);
void mb__each_root(mb_rt_t *rt, mb_root_fn fn, void *ctx);
/* The same root slots, by address, non-NULL ones only: a moving collector
 * stores each object's new address back (finalize.c). */
typedef void (*mb_root_slot_fn)(mb_rt_t *rt, mb_obj_t **slot, void *ctx);
void mb__each_root_slot(mb_rt_t *rt, mb_root_slot_fn fn, void *ctx);
/* After a moving collection, before the old copies are reused (move.c): the
 * runtime's tables keyed by object address (census, finalizers, ids) follow
 * the objects. where(o) is o's address now (o itself if it did not move),
 * or NULL if o is dead; an entry of a dead object is dropped (a finalizer
 * record freed). Immortal objects never move and are not asked about.
 * `moved` (n old addresses, or NULL) lists every object that moved, when
 * the census and finalizer table hold no dead object (each was freed
 * through mb__free_obj): then only their entries are touched. */
typedef mb_obj_t *(*mb_where_fn)(mb_rt_t *rt, mb_obj_t *o);
void mb__objects_moved(mb_rt_t *rt, mb_where_fn where, mb_obj_t *const *moved, size_t n);

/* The shared reference-counting mechanism (refcount.c). */
void mb_rc_release(mb_rt_t *rt, mb_obj_t *o);
/* Dispose of cyclic garbage a counting collector found (refcount.c).
 * Pre: `set` holds distinct containers unreachable from the roots, counts
 * real (I3), none carrying MB_F_MARK; the strategy's on_free does not edit
 * `set`. Post: the finalizer semantics of rt->opt.finalizers applied; every
 * member freed except those kept (legacy `garbage` and what it reaches) or
 * resurrected (modern), which remain in `set` (compacted) and were passed to
 * `keep` before any other object was released; counts real. */
void mb_rc_dispose(mb_rt_t *rt, mb_ptrvec_t *set, void (*keep)(mb_rt_t *rt, mb_obj_t *o));

/* Collection policy (policy.c): when the shared heap trigger fires. */
void mb_policy_init(mb_rt_t *rt);
void mb_policy_after_collect(mb_rt_t *rt);
/* The trigger the policy sets over `live` bytes surviving a collection, for
 * a strategy that applies it to a space of its own (generational: the
 * mature space after a major collection). */
uint64_t mb_policy_limit(const mb_rt_t *rt, uint64_t live);
static inline bool mb_policy_due(const mb_rt_t *rt) {
#ifdef MB_STRESS
    (void)rt;
    return true;                        /* stress build: collect at every allocation */
#else
    return rt->mut.stats.live_bytes > rt->heap_limit;
#endif
}

/* Interning (intern.c). */
mb_obj_t *mb_intern_int(mb_rt_t *rt, int64_t v);       /* NULL if v is not a small int */
mb_obj_t *mb_intern_str(mb_rt_t *rt, const char *s, size_t len); /* NULL if not interned */
void mb_intern_free(mb_rt_t *rt);

/* An immortal (interned) object: from the allocator, never the strategy's (alloc.c). */
mb_obj_t *mb__alloc_immortal(mb_rt_t *rt, mb_kind_t kind, uint32_t len);
/* The allocation fast path's limit, recomputed after anything that moves it (alloc.c). */
void mb__alloc_limit_update(mb_rt_t *rt);
/* Hand every cell on the free lists back to the strategy (alloc.c). */
void mb__free_lists_flush(mb_rt_t *rt);
/* A collection now, at a safe point (alloc.c); full for mb_collect. */
void mb__collect_now(mb_rt_t *rt, bool full);

/* Debug heap verification (verify.c): shared invariants, then the strategy's. */
void mb_verify(mb_rt_t *rt);

/* Teardown (runtime.c): drop every root, final collection, count the leaks. */
void mb_teardown(mb_rt_t *rt);
/* The runtime's counters now (stats.h). */
static inline const mb_stats_t *mb_rt_stats(const mb_rt_t *rt) { return &rt->mut.stats; }

/* Test hooks (testhooks.c), all in one place: read from the environment
 * once per runtime (install), or once per case by the runner. */
void mb__test_hooks_install(mb_rt_t *rt);
void mb__test_slow_work(void);
/* MB_FAIL_ALLOC: 0 unset, 1 set (*nth), -1 bad value (message in err). */
int mb_test_fail_alloc(uint64_t *nth, char *err, size_t errsz);
/* MB_TEST_CRASH: crash now if it names this case. */
void mb_test_crash(const char *workload, const char *strategy);


#endif
