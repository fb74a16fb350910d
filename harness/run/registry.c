/* registry.c: the one place that names concrete strategies and workloads (one line each). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/plugin/plugin.h"
#include "harness/run/registry.h"
#include "harness/trace/trace.h"

extern const mb_strategy_t mb_strategy_rc, mb_strategy_mark_sweep, mb_strategy_none;
extern const mb_strategy_t mb_strategy_rc_cycle, mb_strategy_rc_gen, mb_strategy_rc_deferred, mb_strategy_boehm,
    mb_strategy_semispace, mb_strategy_generational, mb_strategy_rc_immix;
extern const mb_workload_t mb_workload_shared_refs, mb_workload_cycle_pairs;
extern const mb_workload_t mb_workload_cycle_rings, mb_workload_dlist, mb_workload_parent_trees,
    mb_workload_binary_trees, mb_workload_interned_values, mb_workload_random_graph, mb_workload_long_chain,
    mb_workload_large_live_heap;
extern const mb_workload_t mb_workload_finalizer_cycles;
extern const mb_workload_t mb_workload_gc_traversal, mb_workload_gc_collect, mb_workload_perm,
    mb_workload_richards, mb_workload_gcold, mb_workload_deltablue;

const mb_strategy_t *const mb_strategies[] = {
    &mb_strategy_rc,
    &mb_strategy_rc_cycle,
    &mb_strategy_rc_gen,
    &mb_strategy_rc_deferred,
    &mb_strategy_rc_immix,
    &mb_strategy_mark_sweep,
    &mb_strategy_semispace,
    &mb_strategy_generational,
    &mb_strategy_none,
#ifndef MB_SANITIZE
    &mb_strategy_boehm,                 /* bdwgc scans memory ASan poisons: not in sanitizer builds */
#endif
    NULL
};

const mb_workload_t *const mb_workloads[] = {
    &mb_workload_shared_refs,
    &mb_workload_cycle_pairs,
    &mb_workload_cycle_rings,
    &mb_workload_dlist,
    &mb_workload_parent_trees,
    &mb_workload_binary_trees,
    &mb_workload_interned_values,
    &mb_workload_random_graph,
    &mb_workload_long_chain,
    &mb_workload_large_live_heap,
    &mb_workload_finalizer_cycles,
    &mb_workload_gc_traversal,
    &mb_workload_gc_collect,
    &mb_workload_perm,
    &mb_workload_richards,
    &mb_workload_gcold,
    &mb_workload_deltablue,
    NULL
};

static const mb_strategy_t *find_builtin(const char *name) {
    for (size_t i = 0; mb_strategies[i]; i++)
        if (strcmp(mb_strategies[i]->name, name) == 0) return mb_strategies[i];
    return NULL;
}

/* A built-in by name; "plugin:SPEC" loads a plug-in (plugin.h: exit 2 if it
 * cannot); a loaded plug-in by its strategy's name. */
const mb_strategy_t *mb_find_strategy(const char *name) {
    if (strncmp(name, "plugin:", 7) == 0) return mb_plugin_load(name + 7, find_builtin);
    const mb_strategy_t *s = find_builtin(name);
    return s ? s : mb_plugin_find(name);
}

/* A built-in by name; "trace:FILE" replays a recorded trace, validated
 * whole first (exit 2 naming the byte offset and the problem if it is not). */
const mb_workload_t *mb_find_workload(const char *name) {
    if (strncmp(name, "trace:", 6) == 0) return mb_trace_opened(name + 6);
    for (size_t i = 0; mb_workloads[i]; i++)
        if (strcmp(mb_workloads[i]->name, name) == 0) return mb_workloads[i];
    return NULL;
}

const mb_workload_t *mb_open_workload(const char *name) {
    if (strncmp(name, "trace:", 6) == 0) {
        char err[1024];
        const mb_workload_t *w = mb_trace_workload(name + 6, err, sizeof err);
        if (!w) {
            fprintf(stderr, "membench: %s\n", err);
            exit(2);
        }
        return w;
    }
    return mb_find_workload(name);
}

size_t mb_strategy_count(void) {
    size_t n = 0;
    while (mb_strategies[n]) n++;
    return n;
}

size_t mb_workload_count(void) {
    size_t n = 0;
    while (mb_workloads[n]) n++;
    return n;
}
