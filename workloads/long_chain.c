/* long_chain.c: a chain of n objects, walked once and then dropped at once: the refcount cascade is a pause too. */
#include "workloads/workload.h"

/*
 * The chain is built by prepending: node k (a list of one slot) points to
 * node k - 1, so HEAD reaches all n nodes and nothing else does. It is
 * walked once (the checksum is its length), then HEAD is dropped: under
 * counting, one decrement frees all n nodes in one cascade (iterative, so
 * the C stack stays flat; runtime/refcount.c reports it as a cascade event
 * and the statistics listener, runtime/events.c, records a cascade of at
 * least MB_CASCADE_PAUSE_MIN objects as a pause); a
 * tracing collector frees them at its next collection. Acyclic: nothing
 * leaks. Every object is a chain node.
 */
enum { HEAD, NODE, NVARS };

static uint64_t lc_run(mb_rt_t *rt, const mb_wl_args_t *a) {
    uint64_t sum = 0, len = 0;
    mb_push(rt, NVARS);
    for (uint64_t k = 0; k < a->n; k++) {
        mb_new_list(rt, NODE, 1);
        mb_store(rt, NODE, 0, HEAD);    /* node.next = head */
        mb_assign(rt, HEAD, NODE);
    }
    mb_none(rt, NODE);
    for (mb_assign(rt, NODE, HEAD); !mb_is_none(rt, NODE); mb_load(rt, NODE, NODE, 0)) len++;
    sum = mb_wl_mix(sum, len);
    mb_none(rt, HEAD);                  /* the whole chain dies at once */
    mb_pop(rt);
    return sum;
}

static uint64_t lc_ops(const mb_wl_args_t *a) { return a->n; }
static uint64_t lc_leaks(const mb_wl_args_t *a) { (void)a; return 0; }

const mb_workload_t mb_workload_long_chain = {
    .name = "long-chain",
    .description = "a chain of n objects walked once and dropped at once: under counting, one cascade frees them all",
    .unit = "nodes",
    .size_quick = 200000,
    .size_default = 1000000,
    .size_large = 10000000,
    .shard_seconds = 0.2278,
    .ops = lc_ops,
    .leaks_acyclic = lc_leaks,
    .run = lc_run,
};
