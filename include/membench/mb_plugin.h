/* mb_plugin.h: the plug-in strategy ABI, the one header a strategy built outside the tree includes
 * (installed as <membench/mb_plugin.h>, with <membench/object.h>; docs/plugins.md). */
#ifndef MB_PLUGIN_H
#define MB_PLUGIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "object.h"

/*
 * A plug-in is a shared object that exports one function,
 *
 *     const mb_plugin_t *membench_plugin(unsigned host_abi_version);
 *
 * (MB_PLUGIN_EXPORT(var) defines it), returning a constant mb_plugin_t whose
 * first field is the ABI version it was built for. membench loads it with
 * `-s plugin:PATH.so` (or `plugin:NAME`, found as NAME.so on
 * MEMBENCH_PLUGIN_PATH) and refuses, with exit status 2, a file that is not
 * a shared object, one without the entry symbol and one built for another
 * ABI version.
 *
 * The object model is object.h's (the 16-byte header, kinds, flags, the
 * slots of a list). The strategy contract is strategies/README.md's, method
 * by method, for the methods below; the runtime calls them exactly as it
 * calls a built-in strategy's, and a NULL method takes the same default.
 * A plug-in reaches the runtime only through the mb_plugin_* services
 * declared here, which the membench executable exports.
 *
 * Versioning: MB_PLUGIN_ABI_VERSION changes whenever mb_plugin_t, the
 * object header or a service's meaning changes; a service added at the end
 * does not change it. Version 1 has no support for moving collectors
 * (MB_PLUGIN_ATTR_MOVES is refused), for free lists or bump regions of the
 * strategy's own, or for generational remembered sets.
 */
#define MB_PLUGIN_ABI_VERSION 1u
#define MB_PLUGIN_ENTRY "membench_plugin"

typedef struct mb_rt mb_rt_t;           /* the runtime: opaque to a plug-in */

/* Attributes (strategy.h MB_ATTR_LIST; the same bits). */
#define MB_PLUGIN_ATTR_COUNTS       (1u << 0)   /* keeps reference counts: the mutator maintains o->rc */
#define MB_PLUGIN_ATTR_FREES        (1u << 1)   /* reclaims memory at all */
#define MB_PLUGIN_ATTR_CYCLES       (1u << 2)   /* reclaims cyclic garbage */
#define MB_PLUGIN_ATTR_TRACES       (1u << 3)   /* traces from the roots */
#define MB_PLUGIN_ATTR_POLICY       (1u << 4)   /* collect is called when the shared heap policy says */
#define MB_PLUGIN_ATTR_CONSERVATIVE (1u << 5)   /* may retain garbage: leaks >= expected are accepted */
#define MB_PLUGIN_ATTR_ZEROED       (1u << 6)   /* memory from alloc is zero past its first word */
#define MB_PLUGIN_ATTR_DEFERRED     (1u << 7)   /* counting: root references are not counted */
#define MB_PLUGIN_ATTR_MOVES        (1u << 8)   /* refused by ABI version 1 */
#define MB_PLUGIN_ATTR_OWN_HEAP     (1u << 9)   /* object memory from alloc, not malloc (jemalloc figures do not apply) */

/* Finalizer semantics of a runtime (mb_plugin_finalizer_mode). */
#define MB_PLUGIN_FIN_MODERN 0          /* PEP 442: finalize unreachable objects once, then free unless resurrected */
#define MB_PLUGIN_FIN_LEGACY 1          /* before Python 3.4: unreachable objects with finalizers go to `garbage` */

/* A declared parameter (--params KEY=VALUE), checked against its range before param is called. */
typedef struct mb_plugin_param {
    const char *name;                   /* NULL ends a table */
    uint64_t def, min, max;             /* default (what init sets), range, inclusive */
    const char *doc;                    /* one line */
} mb_plugin_param_t;

typedef struct mb_plugin {
    unsigned abi_version;               /* MB_PLUGIN_ABI_VERSION: first, in every version */
    const char *name;                   /* the strategy's name in results; must not be a built-in's */
    const char *description;            /* one line for `membench list` */
    unsigned attrs;                     /* MB_PLUGIN_ATTR_* bits */
    size_t side_bytes;                  /* per-object metadata outside the header, counted in byte figures */
    size_t state_size;                  /* bytes of private state, zeroed: mb_plugin_state(rt) */
    int (*init)(mb_rt_t *rt);                               /* nonzero = failure */
    void *(*alloc)(mb_rt_t *rt, size_t bytes);              /* object memory (NULL method: malloc) */
    void (*free)(mb_rt_t *rt, void *p, size_t bytes);       /* return alloc's memory (NULL method: free) */
    void (*finish)(mb_rt_t *rt);                            /* no object is allocated any more */
    void (*on_alloc)(mb_rt_t *rt, mb_obj_t *o);             /* o is new (every object when alloc is NULL) */
    void (*on_free)(mb_rt_t *rt, mb_obj_t *o);              /* o is about to be freed, by any path */
    void (*dec_nonzero)(mb_rt_t *rt, mb_obj_t *o);          /* counting: o's count fell and is above zero */
    void (*on_finalizer)(mb_rt_t *rt, mb_obj_t *o);         /* o was just given a finalizer */
    void (*release)(mb_rt_t *rt, mb_obj_t *o);              /* counting: count reached zero (NULL: mb_plugin_rc_release) */
    void (*collect)(mb_rt_t *rt, bool full);                /* a safe point: reclaim garbage (NULL: never collects) */
    void (*freeze)(mb_rt_t *rt);                            /* gc.freeze() (NULL: no-op) */
    const mb_plugin_param_t *params;                        /* declared parameters (NULL: none) */
    int (*param)(mb_rt_t *rt, const char *key, uint64_t value);  /* set one, in range; 0 = ok */
    void (*verify)(mb_rt_t *rt);                            /* debug builds: check private invariants */
} mb_plugin_t;

/* The entry point, exported with default visibility. */
#if defined(__GNUC__)
#define MB_PLUGIN_VISIBLE __attribute__((visibility("default")))
#else
#define MB_PLUGIN_VISIBLE
#endif
#define MB_PLUGIN_EXPORT(var) \
    MB_PLUGIN_VISIBLE const mb_plugin_t *membench_plugin(unsigned host_abi_version); \
    MB_PLUGIN_VISIBLE const mb_plugin_t *membench_plugin(unsigned host_abi_version) { \
        (void)host_abi_version; \
        return &(var); \
    }

/* --- services of the runtime (exported by the membench executable) --------- */

/* The strategy's private state (state_size bytes, zeroed before init). */
void *mb_plugin_state(mb_rt_t *rt);
/* MB_PLUGIN_FIN_MODERN or MB_PLUGIN_FIN_LEGACY. */
int mb_plugin_finalizer_mode(const mb_rt_t *rt);
/* A collection is running (objects a finalizer allocates now reach on_alloc). */
bool mb_plugin_in_collect(const mb_rt_t *rt);
/* The one way to free an object: on_free, accounting, census, memory. */
void mb_plugin_free_obj(mb_rt_t *rt, mb_obj_t *o);
/* Every root: variables of every frame, globals, the legacy `garbage` list.
 * Immortal (interned) objects are reported too: they are never freed, and
 * are leaves (ints and strings). */
typedef void (*mb_plugin_root_fn)(mb_rt_t *rt, mb_obj_t *o, void *ctx);
void mb_plugin_each_root(mb_rt_t *rt, mb_plugin_root_fn fn, void *ctx);
/* Run o's finalizer once (PEP 442), with o held; true if it ran. */
bool mb_plugin_finalize(mb_rt_t *rt, mb_obj_t *o);
/* Legacy finalizers: o goes to `garbage` (a root), uncollectable. */
void mb_plugin_make_uncollectable(mb_rt_t *rt, mb_obj_t *o);
/* Collect at the next allocation (a safe point). */
void mb_plugin_request_collect(mb_rt_t *rt);
/* Objects and bytes (metadata included) a collector reclaimed in bulk
 * without mb_plugin_free_obj on each (its own heap): live accounting. */
void mb_plugin_reclaimed(mb_rt_t *rt, uint64_t objects, uint64_t bytes);
/* Counting: the shared release at zero (iterative; finalizers; frees). */
void mb_plugin_rc_release(mb_rt_t *rt, mb_obj_t *o);
/* A broken invariant: "membench: <message>" on stderr, then abort. */
_Noreturn void mb_plugin_panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Does o have a finalizer that has not run yet? */
static inline bool mb_plugin_needs_finalize(const mb_obj_t *o) {
    return (o->flags & (MB_F_FINALIZER | MB_F_FINALIZED)) == MB_F_FINALIZER;
}

#endif
