/* fuzz.h: differential fuzzing of a strategy against a reachability oracle (harness/check/fuzz.c). */
#ifndef MB_FUZZ_H
#define MB_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "harness/run/registry.h"

/* Run one seeded random program of `steps` steps on strategy s, checking it
 * against the oracle. Returns 0, or -1 with a message in err that names the
 * strategy, the seed and the step, and how to reproduce it. */
int mb_fuzz_run(const mb_strategy_t *s, uint64_t seed, uint64_t steps, char *err, size_t errsz);
/* The same with strategy parameters (--params), e.g. a small nursery. */
int mb_fuzz_run_params(const mb_strategy_t *s, const char *params, uint64_t seed, uint64_t steps, char *err,
                       size_t errsz);

#endif
