/* testhooks.c: the test-only switches, read once when a runtime is made, never on a fast path. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/mem.h"
#include "runtime/strategy.h"

/*
 *   MB_TEST_SLOW=<strategy>  real work on that strategy's allocation path
 *                            (docs/gate.md: the gate's tests)
 *   MB_TEST_LEAK=<strategy>  teardown leaks one object held by a root
 *   MB_FAIL_ALLOC=N          the Nth object allocation of a case fails,
 *                            and every one after it (mem.h); checked by
 *                            `run` before anything runs, armed by the
 *                            runner in each case's process
 *   MB_TEST_CRASH=W/S[:how]  the case of workload W under strategy S
 *                            crashes (segv, abort, exit, hang) before its
 *                            runtime exists (the runner's containment tests)
 * Each armed allocation hook sends every allocation to the slow path
 * (alloc.c), where it acts; none costs anything when unset.
 */
int mb_test_fail_alloc(uint64_t *nth, char *err, size_t errsz) {
    const char *v = getenv("MB_FAIL_ALLOC");
    *nth = 0;
    if (!v || !*v) return 0;
    char *end;
    errno = 0;
    unsigned long long n = strtoull(v, &end, 10);
    if (*v == '-' || *v == '+' || *end || errno || !n || n > (unsigned long long)INT64_MAX) {
        snprintf(err, errsz, "MB_FAIL_ALLOC must be an allocation number from 1 to %lld, not '%s'",
                 (long long)INT64_MAX, v);
        return -1;
    }
    *nth = n;
    return 1;
}

void mb_test_crash(const char *workload, const char *strategy) {
    const char *spec = getenv("MB_TEST_CRASH");
    if (!spec || !*spec) return;
    size_t lw = strlen(workload), ls = strlen(strategy);
    if (strncmp(spec, workload, lw) != 0 || spec[lw] != '/' || strncmp(spec + lw + 1, strategy, ls) != 0) return;
    const char *rest = spec + lw + 1 + ls;
    if (*rest != '\0' && *rest != ':') return;
    const char *how = *rest == ':' ? rest + 1 : "segv";
    signal(SIGSEGV, SIG_DFL);           /* a real crash, even under a sanitizer's handler */
    signal(SIGABRT, SIG_DFL);
    if (!strcmp(how, "abort")) abort();
    if (!strcmp(how, "exit")) _exit(3);
    if (!strcmp(how, "hang")) for (;;) pause();
#ifdef MB_SANITIZE
    raise(SIGSEGV);                     /* UBSan would stop a NULL store before it faults */
#else
    volatile int *volatile p = NULL;
    *p = 1;                             /* a real segmentation fault */
#endif
    abort();
}
void mb__test_hooks_install(mb_rt_t *rt) {
    const char *t = getenv("MB_TEST_SLOW");
    rt->test_slow = t && !strcmp(t, rt->S->name);
    t = getenv("MB_TEST_LEAK");
    rt->test_leak = t && !strcmp(t, rt->S->name);
    rt->test_fail = mb_mem_fail_armed();
}

/* MB_TEST_SLOW: about a microsecond of real work, so the regression gate's
 * tests measure a real slowdown of one strategy, not an edited number. It is
 * large next to every allocation path, the debug build's included, so the
 * slowdown stands above the noise of a loaded 2-core machine. */
__attribute__((noinline)) void mb__test_slow_work(void) {
    static volatile uint64_t sink;
    uint64_t x = sink + 0x9e3779b97f4a7c15u;
    for (int i = 0; i < 256; i++) {
        x ^= x >> 31;
        x *= 0xbf58476d1ce4e5b9u;
    }
    sink = x;
}
