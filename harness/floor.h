/* floor.h: the explicit-management floor: a workload's shapes built and freed with plain malloc/free, no strategy. */
#ifndef MB_FLOOR_H
#define MB_FLOOR_H

#include "case.h"

/*
 * The lower bound of memory-management cost (Cai et al., "Understanding and
 * Improving the Cost of Garbage Collection", ISPASS 2022): the same objects
 * the workload allocates, each freed by the program the moment it dies, with
 * no mutator API, no counts, no barriers, no collector. Every strategy's
 * time over the floor's is its overhead over explicit management.
 *
 * It is reported as one more row, <workload>/explicit-floor/interning:off,
 * run by the pseudo-strategy below (never in the registry, so `-s all` does
 * not include it; `membench run --floor` adds it for each workload that has
 * one). Its checksum must equal the workload's under every strategy.
 */
extern const mb_strategy_t mb_floor_strategy;

/* Does this workload have an explicit version? */
bool mb_floor_has(const mb_workload_t *w);
/* Run the explicit version of c->workload (c->strategy is mb_floor_strategy);
 * fills the counters it can (objects allocated and freed, peak live bytes)
 * and returns the checksum. */
uint64_t mb_floor_run(const mb_case_t *c, mb_stats_t *stats);

#endif
