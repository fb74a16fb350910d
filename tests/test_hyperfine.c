/* test_hyperfine.c: import-hyperfine keeps a command's --heap-multiplier only inside run's range from the options table. */
#include <jansson.h>
#include <stdio.h>

#include "harness/cli/options.h"
#include "harness/results/hyperfine.h"
#include "tests/helpers.h"

/* The context's heap_multiplier after importing one run of `membench run --heap-multiplier X`, or -1 if none. */
static double imported_heap_multiplier(double x) {
    char buf[512], err[512];
    snprintf(buf, sizeof buf, "{\"results\": [{\"command\": \"membench run -s rc -w cycle-pairs --heap-multiplier "
             "%.17g\", \"times\": [0.5]}]}", x);
    mb_suite_t s = {0};
    cr_assert_eq(mb_hyperfine_import_buffer(buf, strlen(buf), "test", &s, err, sizeof err), 0, "%s", err);
    const json_t *hm = json_object_get(s.context, "heap_multiplier");
    double got = hm ? json_number_value(hm) : -1;
    mb_suite_free(&s);
    return got;
}

Test(hyperfine, heap_multiplier_range_is_run_s) {
    const mb_optdef_t *d = mb_opt_find(MB_CMD_RUN, MB_O_HEAPMUL);
    cr_assert_not_null(d);
    double lo = (double)d->min, hi = (double)d->max;
    cr_assert_float_eq(imported_heap_multiplier(lo), lo, 1e-9);
    cr_assert_float_eq(imported_heap_multiplier(hi), hi, 1e-9);
    cr_assert_eq(imported_heap_multiplier(hi * 2), -1, "%g is beyond run's --heap-multiplier range", hi * 2);
    cr_assert_eq(imported_heap_multiplier(lo / 2), -1, "%g is below run's --heap-multiplier range", lo / 2);
}
