/* cycle_pairs.c: the seed's A <-> B pair (A.b = B; B.a = A), created and dropped n times. */
#include "workloads/workload.h"

enum { A, B, T, NVARS };

static uint64_t cp_run(mb_rt_t *rt, const mb_wl_args_t *a) {
    uint64_t sum = 0;
    mb_push(rt, NVARS);
    for (uint64_t i = 0; i < a->n; i++) {
        mb_new_list(rt, A, 1);
        mb_new_list(rt, B, 1);
        mb_store(rt, A, 0, B);          /* A.b = B */
        mb_store(rt, B, 0, A);          /* B.a = A */
        mb_load(rt, T, B, 0);           /* B.a is A */
        sum = mb_wl_mix(sum, mb_is(rt, T, A) ? i : 0);
        mb_none(rt, T);
        mb_none(rt, A);                 /* drop both names: only the cycle holds them */
        mb_none(rt, B);
    }
    mb_pop(rt);
    return sum;
}

static uint64_t cp_ops(const mb_wl_args_t *a) { return a->n; }
static uint64_t cp_leaks(const mb_wl_args_t *a) { return 2 * a->n; }

const mb_workload_t mb_workload_cycle_pairs = {
    .name = "cycle-pairs",
    .description = "the seed's A <-> B pair, created and dropped n times (rc leaks 2n)",
    .unit = "pairs",
    .size_quick = 20000,
    .size_default = 1000000,
    .size_large = 10000000,
    .shard_seconds = 0.0984,
    .ops = cp_ops,
    .leaks_acyclic = cp_leaks,
    .run = cp_run,
};
