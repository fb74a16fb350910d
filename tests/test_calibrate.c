/* test_calibrate.c: the probes of `make calibrate` (harness/run/probe.c) on every
 * strategy and bdwgc direct, and its driver (scripts/calibrate): bad input
 * is exit 2 with one line, a missing runtime is skipped and said, and the
 * JSON it writes is read by `membench report` and `membench compare`. The
 * figures themselves are a benchmark (docs/calibration.md), not tested. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "harness/run/probe.h"
#include "tests/helpers.h"

#define SRC MB_SOURCE_DIR

static const char *const shapes[] = {"cycles", "full", "ring3", "ring100", "ring10000", "fin-cycles"};

STRATEGY_TEST(calibrate, probes_collect_their_shapes) {
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        bool big = !strcmp(shapes[i], "ring10000");
        if (big && getenv("MB_TEST_SMALL")) continue;   /* a 10,000-node ring, collected at every allocation */
        uint64_t n = big ? 20000 : test_size(3000, 300), ns = 0, cpu = 0;
        char err[256] = "";
        cr_assert_eq(mb_probe(shapes[i], s, n, &ns, &cpu, err, sizeof err), 0, "%s %s: %s", shapes[i], s->name, err);
        cr_assert_gt(ns, 0, "%s %s: a collection takes some time", shapes[i], s->name);
    }
}

Test(calibrate, probe_unknown_said) {
    uint64_t ns, cpu;
    char err[256] = "";
    cr_assert_eq(mb_probe("rings", mb_find_strategy("rc"), 10, &ns, &cpu, err, sizeof err), -1);
    cr_assert(strstr(err, "unknown probe 'rings'") && strstr(err, "ring10000"), "%s", err);
    cr_assert_eq(mb_probe_direct("rings", 10, &ns, &cpu, err, sizeof err), -1);
}

Test(calibrate, probe_direct) {
    uint64_t ns = 0, cpu = 0;
    char err[256] = "";
#ifdef MB_SANITIZE
    cr_assert_eq(mb_probe_direct("cycles", 100, &ns, &cpu, err, sizeof err), -1);
    cr_assert(strstr(err, "sanitizer"), "%s", err);
#else
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
        cr_assert_eq(mb_probe_direct(shapes[i], 20000, &ns, &cpu, err, sizeof err), 0, "%s: %s", shapes[i], err);
#endif
}

/* The CLI: `membench probe SHAPE -s bdwgc-direct` prints its line. */
Test(calibrate, probe_cli) {
    char out[4096];
    cr_assert_eq(run_cli("probe ring3 -s rc-gen -n 300 -r 2", out, sizeof out), 0, "%s", out);
    cr_assert(!strncmp(out, "rc-gen ring3 300 ", 17) && strstr(strchr(out, '\n') + 1, "rc-gen ring3 300 "), "%s", out);
    cr_assert_eq(run_cli("probe ring3 -s nosuch -n 300", out, sizeof out), 2, "%s", out);
    cr_assert(strstr(out, "bdwgc-direct"), "%s", out);
}

static int sh(const char *cmd, char *out, size_t outsz) {
    return test_capture(cmd, out, outsz);
}

static const char *membench(void) { return getenv("MEMBENCH") ? getenv("MEMBENCH") : "build/membench"; }

/* Bad input: exit 2 and one line. */
Test(calibrate, driver_bad_input) {
    static const char *const bad[] = {"--shapes cycle-pairs,nosuch", "--rounds 0", "--rounds x", "--scale huge",
                                      "--bogus", "--rounds"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char cmd[1024], out[4096];
        snprintf(cmd, sizeof cmd, "'" SRC "/scripts/calibrate' --membench '%s' %s 2>&1", membench(), bad[i]);
        cr_assert_eq(sh(cmd, out, sizeof out), 2, "%s: %s", bad[i], out);
        char *nl = strchr(out, '\n');
        cr_assert(nl && nl[1] == '\0' && !strncmp(out, "calibrate: ", 11), "%s: one line: %s", bad[i], out);
    }
}

/* Two rounds of two shapes at quick sizes, PHP made missing: skipped and
 * said; the JSON names (shape, system) and is read by report and compare. */
Test(calibrate, driver_quick_run, .timeout = 300) {
    if (getenv("MB_TEST_SMALL")) cr_skip_test("stress build: the probes collect at every allocation");
    if (getenv("MB_TEST_NO_JEMALLOC")) cr_skip_test("sanitizer build: no bdwgc-direct probes");
    char dir[128], cmd[2048], out[1 << 15], a[256];
    tmpdir(dir, sizeof dir);
    snprintf(cmd, sizeof cmd,
             "CALIB_PHP=/nonexistent/php '" SRC "/scripts/calibrate' --membench '%s' --rounds 2 --scale quick "
             "--shapes cycle-pairs,ring-3 --no-plot --out '%s' 2>&1",
             membench(), dir);
    cr_assert_eq(sh(cmd, out, sizeof out), 0, "%s", out);
    cr_assert(strstr(out, "php: not installed, skipped"), "%s", out);
    cr_assert(strstr(out, "rc-gen / cpython") || strstr(out, "cpython: not installed, skipped"), "%s", out);
    snprintf(a, sizeof a, "%s/calibrate.json", dir);
    FILE *f = fopen(a, "r");
    cr_assert_not_null(f, "%s", a);
    static char json[1 << 20];
    size_t n = fread(json, 1, sizeof json - 1, f);
    json[n] = '\0';
    fclose(f);
    cr_assert(strstr(json, "\"calibrate/cycle-pairs/rc-gen\"") && strstr(json, "\"calibrate/ring-3/bdwgc-direct\""),
              "%.2000s", json);
    cr_assert_null(strstr(json, "calibrate/cycle-pairs/php"), "a missing runtime has no entries");
    snprintf(cmd, sizeof cmd, "report '%s'", a);
    cr_assert_eq(run_cli(cmd, out, sizeof out), 0, "%s", out);
    cr_assert(strstr(out, "calibrate/ring-3/mark-sweep"), "%s", out);
    snprintf(cmd, sizeof cmd, "compare '%s' '%s'", a, a);
    int st = run_cli(cmd, out, sizeof out);
    cr_assert(st == 0 || st == 1, "compare reads it (exit %d): %s", st, out);
    cr_assert(strstr(out, "calibrate/cycle-pairs/rc-cycle"), "%s", out);
    snprintf(a, sizeof a, "%s/calibrate.md", dir);
    cr_assert_eq(access(a, R_OK), 0, "%s", a);
}
