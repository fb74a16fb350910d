/* case_spec.h: what one benchmark case is (workload x strategy x arguments x options), for every layer that names one. */
#ifndef MB_CASE_SPEC_H
#define MB_CASE_SPEC_H

#include "runtime/strategy.h"
#include "workloads/workload.h"

/* Running it is harness/run/case.h's; recording its trace is harness/trace/trace.h's. */
typedef struct mb_case {
    const mb_workload_t *workload;      /* what runs */
    const mb_strategy_t *strategy;      /* how memory is managed */
    mb_wl_args_t args;                  /* n, seed, interning, finalizers */
    mb_options_t opt;                   /* runtime options (interning mirrors args) */
} mb_case_t;

#endif
