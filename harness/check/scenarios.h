/* scenarios.h: the seed tutorial's and the finalizers' scenarios, the one source `membench check` and the tests run. */
#ifndef MB_SCENARIOS_H
#define MB_SCENARIOS_H

#include <stddef.h>

#include "runtime/strategy.h"

/*
 * Each scenario runs in-process on a fresh runtime of s and returns
 * MB_SC_PASS, MB_SC_FAIL with one line in err saying what was wrong, or
 * MB_SC_RETAINED when a conservative strategy kept the garbage alive (a
 * stale word): nothing to check in that run. `membench check` runs them in
 * a child process (check.c); tests/test_seed.c and tests/test_finalizers.c
 * run them on every built-in strategy.
 */
enum { MB_SC_PASS = 0, MB_SC_FAIL = -1, MB_SC_RETAINED = 1 };

/* docs/design.md section 9, scenario 1: x = [1, 2, 3]; a = x (interning off and on). */
int mb_sc_seed_aliasing(const mb_strategy_t *s, char *err, size_t errsz);
/* Scenario 2: A <-> B held by my_var, automatic collection off, then collect(). */
int mb_sc_seed_cycle(const mb_strategy_t *s, char *err, size_t errsz);
/* Scenario 4: interning of small ints and strings, never of lists; immortals are not leaks. */
int mb_sc_seed_interning(const mb_strategy_t *s, char *err, size_t errsz);
/* Scenario 3: a garbage cycle whose members have finalizers, under mode m: exact counts, at most once. */
int mb_sc_fin_cycle(const mb_strategy_t *s, mb_finalizer_mode_t m, char *err, size_t errsz);
/* Resurrection (modern finalizers, cycle collectors): A's finalizer stores A in a global. */
int mb_sc_fin_resurrection(const mb_strategy_t *s, char *err, size_t errsz);
/* A <-> B, A with finalizer fa, B with fb (NULL: none), both given ctx, A[1] = the int 5555;
 * every name dropped, the ids in *a and *b. */
void mb_sc_garbage_pair(mb_rt_t *rt, mb_finalizer_fn fa, mb_finalizer_fn fb, void *ctx, uint64_t *a, uint64_t *b);
/* Why the finalizer scenarios do not apply to s under `membench check`, or NULL. */
const char *mb_sc_fin_skip(const mb_strategy_t *s);

#endif
