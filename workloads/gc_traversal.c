/* gc_traversal.c: pyperformance's gc_traversal: n lists, list k holding k references to list k-1, collected while all live. */
#include "workloads/workload.h"

/*
 * pyperformance bm_gc_traversal: list 0 is empty; list k (1 <= k < n) has k
 * slots, every one referring to list k-1; a holder list of n slots keeps
 * every list. That is n(n-1)/2 edges (499,500 at n = 1,000, the benchmark's
 * size), all live: a full collection traces them all and finds nothing.
 * GC_ROUNDS full collections are run (gc.collect()), each followed by a
 * walk of every edge that checks it points where it should. Only lists are
 * allocated (n + 1 of them) and nothing becomes garbage before the end;
 * acyclic: every strategy that frees leaks 0.
 */
#define GC_ROUNDS 100u
enum { HOLD, PREV, CUR, KID, NVARS };

/* Every edge of every list: slot j of list k is list k-1. Returns edges seen. */
static uint64_t walk(mb_rt_t *rt, uint64_t n) {
    uint64_t edges = 0;
    for (uint32_t k = 1; k < n; k++) {
        mb_load(rt, CUR, HOLD, k);
        mb_load(rt, PREV, HOLD, k - 1);
        for (uint32_t j = 0; j < mb_len(rt, CUR); j++) {
            mb_load(rt, KID, CUR, j);
            edges += mb_is(rt, KID, PREV);
        }
    }
    return edges;
}

static uint64_t gt_run(mb_rt_t *rt, const mb_wl_args_t *a) {
    uint64_t n = a->n, sum = 0;
    mb_push(rt, NVARS);
    mb_new_list(rt, HOLD, (uint32_t)n);
    for (uint32_t k = 0; k < n; k++) {
        mb_new_list(rt, CUR, k);
        for (uint32_t j = 0; j < k; j++) mb_store(rt, CUR, j, PREV);
        mb_store(rt, HOLD, k, CUR);
        mb_assign(rt, PREV, CUR);
    }
    for (uint32_t r = 0; r < GC_ROUNDS; r++) {
        mb_collect(rt);
        sum = mb_wl_mix(sum, walk(rt, n) + r);
    }
    mb_pop(rt);
    return sum;
}

static uint64_t gt_ops(const mb_wl_args_t *a) { return a->n * (a->n ? a->n - 1 : 0) / 2; }

static uint64_t gt_leaks(const mb_wl_args_t *a) { (void)a; return 0; }

const mb_workload_t mb_workload_gc_traversal = {
    .name = "gc-traversal",
    .description = "pyperformance gc_traversal: n lists, list k holds k references to list k-1, all live; 100 full collections",
    .unit = "edges",
    .size_quick = 100,
    .size_default = 1000,
    .size_large = 3000,
    .size_max = 100000,
    .ops = gt_ops,
    .leaks_acyclic = gt_leaks,
    .run = gt_run,
    .shard_seconds = 0.1641,
};
