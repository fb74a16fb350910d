/* test_lbo.c: lower-bound overhead (harness/report/lbo.c) from a hand-made suite, and in a run's report. */
#include <math.h>
#include <string.h>

#include "harness/report/lbo.h"
#include "tests/helpers.h"

static void entry(mb_entry_t *e, unsigned family, const char *name, uint64_t ns, uint64_t gc, uint64_t cascades) {
    memset(e, 0, sizeof *e);
    snprintf(e->name, sizeof e->name, "%s", name);
    e->family = family;
    e->repetitions = 1;
    e->measured = e->counters = true;
    e->res.real_ns = ns;
    e->res.cpu_ns = ns + ns / 10;
    e->res.stats.gc_time_ns = gc;
    e->res.stats.cascade_time_ns = cascades;
}

/* Distilled cost = total - collections - cascades; MDC the least of them;
 * twins are not strategies (an explicit-floor case cheaper than every
 * strategy would otherwise be the baseline). */
Test(lbo, normalised_by_the_minimum_distilled_cost) {
    mb_entry_t v[5];
    entry(&v[0], 0, "w1/a/interning:off", 200, 50, 0);     /* distilled 150: the MDC */
    entry(&v[1], 1, "w1/b/interning:off", 180, 0, 0);
    entry(&v[2], 2, "w1/explicit-floor/interning:off", 100, 0, 0);
    entry(&v[3], 3, "w2/a/interning:off", 100, 0, 20);     /* distilled 80: cascades count */
    entry(&v[4], 4, "w2/b/interning:off", 120, 0, 0);
    mb_suite_t s = {.v = v, .n = 5};
    mb_lbo_t t;
    mb_lbo_compute(&s, &t);
    cr_assert_eq(t.nrows, 2);
    cr_assert_eq(t.ncols, 2, "the twin is not a column: %zu", t.ncols);
    cr_assert_float_eq(t.mdc_wall[0], 150, 1e-9);
    cr_assert_float_eq(t.wall[0], 50.0 / 150, 1e-9);
    cr_assert_float_eq(t.wall[1], 30.0 / 150, 1e-9);
    cr_assert_float_eq(t.wall[2], 20.0 / 80, 1e-9);
    cr_assert_float_eq(t.wall[3], 40.0 / 80, 1e-9);
    /* CPU: 1.1 x the wall time here, less the memory manager's time at the same share (1.1 x) */
    cr_assert_float_eq(t.mdc_cpu[0], 220 - 55, 1e-9);
    cr_assert_float_eq(t.cpu[1], (198.0 - 165) / 165, 1e-9);
    cr_assert_float_eq(mb_lbo_geomean(&t, 0, false), sqrt(200.0 / 150 * 100.0 / 80) - 1, 1e-9);
    cr_assert_float_eq(mb_lbo_geomean(&t, 1, false), sqrt(180.0 / 150 * 120.0 / 80) - 1, 1e-9);
    mb_lbo_free(&t);
}

/* A run of two strategies prints the table with a geometric mean; one strategy prints none. */
Test(lbo, in_the_console_report) {
    char out[65536];
    int st = run_cli("run -w long-chain,gc-collect -s rc,mark-sweep -i off -n 2000 -r 1", out, sizeof out);
    cr_assert_eq(st, 0, "%s", out);
    cr_assert(strstr(out, "lower-bound overhead"), "%s", out);
    cr_assert(strstr(out, "geometric mean"), "%s", out);
    cr_assert(strstr(out, "gc-collect/interning:off"), "%s", out);
    st = run_cli("run -w long-chain -s rc -i off -n 2000 -r 1", out, sizeof out);
    cr_assert_eq(st, 0, "%s", out);
    cr_assert(!strstr(out, "lower-bound overhead"), "%s", out);
}
