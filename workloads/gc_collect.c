/* gc_collect.c: pyperformance's gc_collect: 100 doubly linked rings of 21 nodes per round, dropped, then collected. */
#include "workloads/workload.h"

/*
 * pyperformance bm_gc_collect with n rings in all, made in rounds of CYCLES
 * (the last round may have fewer): a round builds its rings of LINKS + 1
 * nodes (a node is a list of two slots: 0 the next node, 1 the previous),
 * kept by a holder list of CYCLES slots; each ring is walked forward and
 * back, then the holder is dropped and gc.collect() runs. The
 * rings are cycles: a counting strategy without cycle collection leaks every
 * node (the holder itself is freed); no ints are allocated.
 */
#define CYCLES 100u
#define LINKS 20u
enum { HOLD, HEAD, CUR, NEXT, NVARS };

/* Steps from HEAD along slot `dir` until back at HEAD (at most LINKS + 2). */
static uint64_t lap(mb_rt_t *rt, uint32_t dir) {
    uint64_t steps = 0;
    mb_assign(rt, CUR, HEAD);
    do {
        mb_load(rt, CUR, CUR, dir);
        steps++;
    } while (!mb_is(rt, CUR, HEAD) && steps <= LINKS + 1);
    return steps;
}

static uint64_t gcc_run(mb_rt_t *rt, const mb_wl_args_t *a) {
    uint64_t sum = 0;
    mb_push(rt, NVARS);
    for (uint64_t done = 0; done < a->n; done += CYCLES) {
        uint32_t rings = a->n - done < CYCLES ? (uint32_t)(a->n - done) : CYCLES;
        mb_new_list(rt, HOLD, CYCLES);
        for (uint32_t c = 0; c < rings; c++) {
            mb_new_list(rt, HEAD, 2);
            mb_store(rt, HOLD, c, HEAD);
            mb_assign(rt, CUR, HEAD);
            for (uint32_t l = 0; l < LINKS; l++) {
                mb_new_list(rt, NEXT, 2);
                mb_store(rt, CUR, 0, NEXT);
                mb_store(rt, NEXT, 1, CUR);
                mb_assign(rt, CUR, NEXT);
            }
            mb_store(rt, CUR, 0, HEAD);
            mb_store(rt, HEAD, 1, CUR);
        }
        for (uint32_t c = 0; c < rings; c++) {
            mb_load(rt, HEAD, HOLD, c);
            sum = mb_wl_mix(sum, lap(rt, 0) * 64 + lap(rt, 1) + c);
        }
        mb_none(rt, HOLD);
        mb_none(rt, HEAD);
        mb_none(rt, CUR);
        mb_none(rt, NEXT);
        mb_collect(rt);
    }
    mb_pop(rt);
    return sum;
}

static uint64_t gcc_ops(const mb_wl_args_t *a) { return a->n * (LINKS + 1); }

static uint64_t gcc_leaks(const mb_wl_args_t *a) { return a->n * (LINKS + 1); }

const mb_workload_t mb_workload_gc_collect = {
    .name = "gc-collect",
    .description = "pyperformance gc_collect: n doubly linked rings of 21 nodes, 100 at a time, dropped, then gc.collect()",
    .unit = "nodes",
    .size_quick = 2000,
    .size_default = 1000000,
    .size_large = 4000000,
    .ops = gcc_ops,
    .leaks_acyclic = gcc_leaks,
    .run = gcc_run,
    .shard_seconds = 0.6974,
};
