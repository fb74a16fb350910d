/* twins.h: direct twins: a workload's shapes written straight against an allocator, no mutator API, no strategy. */
#ifndef MB_TWINS_H
#define MB_TWINS_H

#include "harness/run/case.h"

/*
 * A twin builds the same objects as its workload, in the same order, into
 * the same checksum, with plain C pointers, so the instrument's overhead
 * (the mutator API, frames, dispatch, accounting) is measured in every run:
 *
 *   explicit-floor  malloc/free, each object freed by the program the moment
 *                   it dies: the lower bound of memory-management cost (Cai
 *                   et al., "Understanding and Improving the Cost of Garbage
 *                   Collection", ISPASS 2022). Every strategy's time over
 *                   it is its overhead over explicit management.
 *   bdwgc-direct    GC_MALLOC and bdwgc's own trigger, roots found by
 *                   scanning the C stack (twin_bdwgc.c): the boehm
 *                   strategy's collector without the suite around it, at
 *                   the same heap multiplier. Not in sanitizer builds.
 *
 * A twin is a pseudo-strategy, never in the registry (`-s all` does not
 * include it); `membench run --twins` (alias `--floor`) adds a row
 * <workload>/<twin>/interning:off for every twin of every selected workload.
 * Its checksum must equal the workload's; it reports no leaks.
 */
extern const mb_strategy_t mb_twin_explicit;    /* "explicit-floor" */
extern const mb_strategy_t mb_twin_bdwgc;       /* "bdwgc-direct" */

/* The twins of w, in report order, into out (at most max); returns how many. */
size_t mb_twins_of(const mb_workload_t *w, const mb_strategy_t **out, size_t max);
/* Does workload w have twin s (in this build)? */
bool mb_twin_has(const mb_workload_t *w, const mb_strategy_t *s);
/* Is s a twin pseudo-strategy? */
bool mb_is_twin(const mb_strategy_t *s);
/* Run c (c->strategy a twin of c->workload): the measured region is the
 * twin's body alone; fills the counters it can and the checksum. Returns 0. */
int mb_twin_run(const mb_case_t *c, mb_result_t *r);

/* For twin implementations: time body(c, &r->stats) as the measured region
 * and set r's checksum, times and ops. */
typedef uint64_t (*mb_twin_body_fn)(const mb_case_t *c, mb_stats_t *st);
void mb_twin_measure(const mb_case_t *c, mb_result_t *r, mb_twin_body_fn body);

/* twin_gcold.c: gcold with malloc and free by hand (an explicit twin's body). */
uint64_t mb_twin_gcold(const mb_case_t *c, mb_stats_t *st);

#ifndef MB_SANITIZE
/* twin_bdwgc.c: binary-trees on bdwgc. */
int mb_twin_bdwgc_binary_trees(const mb_case_t *c, mb_result_t *r);
#endif

#endif
