/* testhooks.c: the test-only switches, read once when a runtime is made, never on a fast path. */
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "strategy.h"

/*
 *   MB_TEST_SLOW=<strategy>  real work on that strategy's allocation path
 *                            (README: the regression gate's tests)
 *   MB_TEST_LEAK=<strategy>  teardown leaks one object held by a root
 *   MB_FAIL_ALLOC=N          (set by the runner, mem.h): the Nth object
 *                            allocation fails, and every one after it
 * Each armed hook sends every allocation to the slow path (alloc.c), where
 * it acts; none costs anything when unset. MB_TEST_CRASH is the runner's
 * (harness/runner.c): it crashes a case before the runtime exists.
 */
void mb__test_hooks_install(mb_rt_t *rt) {
    const char *t = getenv("MB_TEST_SLOW");
    rt->test_slow = t && !strcmp(t, rt->S->name);
    t = getenv("MB_TEST_LEAK");
    rt->test_leak = t && !strcmp(t, rt->S->name);
    rt->test_fail = mb_mem_fail_armed();
}

/* MB_TEST_SLOW: a few hundred ns of real work, so the regression gate's
 * tests measure a real slowdown of one strategy, not an edited number. */
__attribute__((noinline)) void mb__test_slow_work(void) {
    static volatile uint64_t sink;
    uint64_t x = sink + 0x9e3779b97f4a7c15u;
    for (int i = 0; i < 64; i++) {
        x ^= x >> 31;
        x *= 0xbf58476d1ce4e5b9u;
    }
    sink = x;
}
