/* workload.h: the workload interface (docs/design.md section 5). A workload includes this and mb.h only. */
#ifndef MB_WORKLOAD_H
#define MB_WORKLOAD_H

#include <stdbool.h>
#include <stdint.h>

#include "runtime/mb.h"
#include "runtime/util.h"

/* Settings a workload may read; it never learns which strategy runs it. */
typedef struct mb_wl_args {
    uint64_t n;                         /* the size parameter */
    uint64_t seed;                      /* for workloads that draw random numbers (splitmix64) */
    bool interning;                     /* for leak formulas only: ints in -5..256 are then immortal */
    bool finalizers;                    /* attach finalizers where the workload has them */
} mb_wl_args_t;

typedef struct mb_workload {
    const char *name;                   /* command-line name, e.g. "cycle-pairs" */
    const char *description;            /* one line for `membench list` */
    const char *unit;                   /* what one operation is, e.g. "pairs" */
    uint64_t size_quick;                /* n for --scale quick (tests, CI) */
    uint64_t size_default;              /* n for --scale default */
    uint64_t size_large;                /* n for --scale large */
    uint64_t size_max;                  /* largest meaningful n (0: no limit); larger is bad usage */
    /* Seconds one repetition of one case takes at size_default, the mean
     * over the strategies and both interning settings (the CPU time of
     * `membench run -s all -w all -i both -r 1`, release build, on the
     * 2-core development VM): run --shard's cost model, where only the
     * ratios between workloads matter (harness/run/shard.c). Every
     * registered workload has one (tests/test_shard.c); a trace has 0. */
    double shard_seconds;
    uint64_t (*ops)(const mb_wl_args_t *a);       /* operations done, for items_per_second */
    /* Objects a counting strategy that cannot reclaim cycles (rc) leaks,
     * immortal objects excluded. Strategies that collect cycles leak 0;
     * `none` leaks everything it allocated. */
    uint64_t (*leaks_acyclic)(const mb_wl_args_t *a);
    /* Optional (NULL = 0): objects a strategy that collects cycles keeps as
     * uncollectable under legacy finalizers (--finalizers legacy): the
     * garbage its finalizers keep, counted as harness/run/case.c's teardown does
     * (objects in `garbage` and everything they reach). */
    uint64_t (*uncollectable_legacy)(const mb_wl_args_t *a);
    /* Run the workload on rt; return its checksum (below 2^53), which must be
     * the same under every strategy and interning setting. */
    uint64_t (*run)(mb_rt_t *rt, const mb_wl_args_t *a);
} mb_workload_t;

#define MB_CHECKSUM_MASK ((UINT64_C(1) << 53) - 1)

/* The deterministic generator of workloads: runtime/util.h's splitmix64 under the workload's name. */
static inline uint64_t mb_wl_rand(uint64_t *state) { return mb_splitmix64(state); }
/* Fold a value into a checksum. */
static inline uint64_t mb_wl_mix(uint64_t sum, uint64_t v) {
    return (sum * 1000003u + v) & MB_CHECKSUM_MASK;
}

#endif
