/* finalizer_cycles.c: three-member rings whose members all have finalizers (the seed's __del__ in a cycle), built and dropped n times. */
#include "workloads/workload.h"

enum { A, B, C, T, NVARS };

/* The finalizer reads its object, as a __del__ would look at self. */
static void fc_del(mb_rt_t *rt, void *ctx) {
    (void)ctx;
    (void)mb_len(rt, 0);
}

/* Each iteration: A -> B -> C -> A, A[1] = an int that no interning table
 * holds (1,000,000 + i), finalizers on A, B and C when a->finalizers; then
 * every name is dropped, leaving 4 objects reachable only from the ring. */
static uint64_t fc_run(mb_rt_t *rt, const mb_wl_args_t *a) {
    uint64_t sum = 0;
    mb_push(rt, NVARS);
    for (uint64_t i = 0; i < a->n; i++) {
        mb_new_list(rt, A, 2);
        mb_new_list(rt, B, 2);
        mb_new_list(rt, C, 2);
        mb_store(rt, A, 0, B);
        mb_store(rt, B, 0, C);
        mb_store(rt, C, 0, A);
        mb_new_int(rt, T, 1000000 + (int64_t)i);
        mb_store(rt, A, 1, T);
        if (a->finalizers) {
            mb_set_finalizer(rt, A, fc_del, NULL);
            mb_set_finalizer(rt, B, fc_del, NULL);
            mb_set_finalizer(rt, C, fc_del, NULL);
        }
        mb_load(rt, T, C, 0);           /* C.next is A */
        sum = mb_wl_mix(sum, mb_is(rt, T, A) ? i : 0);
        mb_none(rt, T);
        mb_none(rt, A);
        mb_none(rt, B);
        mb_none(rt, C);
    }
    mb_pop(rt);
    return sum;
}

static uint64_t fc_ops(const mb_wl_args_t *a) { return a->n; }
static uint64_t fc_leaks(const mb_wl_args_t *a) { return 4 * a->n; }
/* Legacy: every ring has finalizers, so all 4 objects of each are kept. */
static uint64_t fc_uncollectable(const mb_wl_args_t *a) { return a->finalizers ? 4 * a->n : 0; }

const mb_workload_t mb_workload_finalizer_cycles = {
    .name = "finalizer-cycles",
    .description = "rings of 3 containers with finalizers (+1 int), built and dropped n times (legacy keeps 4n)",
    .unit = "rings",
    .size_quick = 10000,
    .size_default = 300000,
    .size_large = 3000000,
    .shard_seconds = 0.7333,
    .ops = fc_ops,
    .leaks_acyclic = fc_leaks,
    .uncollectable_legacy = fc_uncollectable,
    .run = fc_run,
};
