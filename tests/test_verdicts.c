/* test_verdicts.c: the console and Markdown reports' header (machine, build, noise warnings) and their hyperfine-style verdicts. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/helpers.h"

/* cycle-pairs: mark-sweep ~100 us, rc-cycle ~150 us, rc ~275 us, 5 repetitions each, rc leaks 100000;
 * shared-refs: rc and mark-sweep with identical times and peak RSS. No compiler/kernel keys (an older file). */
#define FIXTURE "tests/data/results-verdicts.json"

static char out[1 << 16];

/* The line of text that contains a (and b, if not NULL), copied into line; false if none. */
static bool line_with(const char *text, const char *a, const char *b, char *line, size_t n) {
    for (const char *l = text; l && *l;) {
        const char *e = strchr(l, '\n');
        size_t len = e ? (size_t)(e - l) : strlen(l);
        snprintf(line, n, "%.*s", (int)(len < n ? len : n - 1), l);
        if (strstr(line, a) && (!b || strstr(line, b))) return true;
        l = e ? e + 1 : NULL;
    }
    return false;
}

/* The fastest strategy against each other one, hyperfine's wording, the ratio of the means with its
 * propagated stddev, and the direction: the faster one first, a ratio above 1. */
Test(verdicts, line_format_and_direction) {
    cr_assert_eq(run_cli("report " FIXTURE, out, sizeof out), 0, "%s", out);
    char line[1024];
    cr_assert(line_with(out, "cycle-pairs: mark-sweep ran 2.72 ± 0.04 times faster than rc (wall time, p = 0.0079)", NULL,
                        line, sizeof line), "%s", out);
    cr_assert(line_with(out, "cycle-pairs: mark-sweep ran 1.49 ± 0.03 times faster than rc-cycle (wall time", NULL, line,
                        sizeof line), "%s", out);
    cr_assert(line_with(out, "cycle-pairs: mark-sweep ran 2.72 ± 0.05 times faster than rc (CPU time", NULL, line,
                        sizeof line), "%s", out);
    cr_assert(!strstr(out, "faster than mark-sweep"), "the fastest is compared against the others, not the reverse: %s", out);
    cr_assert(line_with(out, "cycle-pairs: leaks: mark-sweep 0, rc-cycle 0, rc 100000", NULL, line, sizeof line), "%s", out);
    cr_assert(line_with(out, "cycle-pairs: rc used 0.44 ± 0.00 times the peak RSS of mark-sweep (p = 0.0079)", NULL, line,
                        sizeof line), "%s", out);
    /* the verdicts come after the table */
    cr_assert_lt(strstr(out, "cycle-pairs/rc/interning:off"), strstr(out, "cycle-pairs: mark-sweep ran"));
    cr_assert(strstr(out, "Mann-Whitney U test"), "the footnote says how p was computed: %s", out);
}

/* Identical distributions: no claim, "not significant (p = 1)", for times and memory alike. */
Test(verdicts, identical_distributions_not_significant) {
    cr_assert_eq(run_cli("report " FIXTURE, out, sizeof out), 0, "%s", out);
    char line[1024];
    cr_assert(line_with(out, "shared-refs: wall time: rc vs mark-sweep: not significant (p = 1)", NULL, line, sizeof line),
              "%s", out);
    cr_assert(line_with(out, "shared-refs: CPU time: rc vs mark-sweep: not significant (p = 1)", NULL, line, sizeof line),
              "%s", out);
    cr_assert(line_with(out, "shared-refs: peak RSS:", "not significant (p = 1)", line, sizeof line), "%s", out);
    cr_assert(!line_with(out, "shared-refs:", "faster", line, sizeof line), "no claim: %s", line);
    cr_assert(!line_with(out, "shared-refs:", "times the peak", line, sizeof line), "no claim: %s", line);
}

/* Markdown: the same verdicts as a list after the table. */
Test(verdicts, markdown) {
    cr_assert_eq(run_cli("report " FIXTURE " -f markdown", out, sizeof out), 0, "%s", out);
    cr_assert(strstr(out, "**Verdicts**"), "%s", out);
    cr_assert(strstr(out, "\n- cycle-pairs: mark-sweep ran 2.72 ± 0.04 times faster than rc (wall time, p = 0.0079)\n"),
              "%s", out);
    cr_assert(strstr(out, "\n- shared-refs: wall time: rc vs mark-sweep: not significant (p = 1)\n"), "%s", out);
    cr_assert_lt(strstr(out, "| `cycle-pairs/rc/interning:off` |"), strstr(out, "**Verdicts**"));
    cr_assert(strstr(out, "**Machine:** host fixture-host, 2 CPUs, 2400 MHz, load average 0.41 0.30 0.22"), "%s", out);
}

/* One repetition: nothing is claimed; the report says there are too few to judge. */
Test(verdicts, one_repetition_too_few) {
    setenv("MB_QUIET", "1", 1);
    cr_assert_eq(run_cli("run -w cycle-pairs -s rc,mark-sweep -i off -n 300 -r 1", out, sizeof out), 0, "%s", out);
    char line[1024];
    cr_assert(line_with(out, "cycle-pairs: too few repetitions to judge", NULL, line, sizeof line), "%s", out);
    cr_assert(!strstr(out, "times faster"), "%s", out);
    cr_assert(line_with(out, "cycle-pairs: leaks: mark-sweep 0, rc ", NULL, line, sizeof line),
              "leaks are exact: ranked even from one run: %s", out);
}

/* Both interning settings: each strategy twice, named by its setting; 3 repetitions cannot reach p < 0.05. */
Test(verdicts, interning_candidates_and_few_repetitions) {
    setenv("MB_QUIET", "1", 1);
    cr_assert_eq(run_cli("run -w cycle-pairs -s rc,mark-sweep -i both -n 300 -r 3", out, sizeof out), 0, "%s", out);
    char line[1024];
    cr_assert(line_with(out, "cycle-pairs: leaks:", "mark-sweep (interning on) 0", line, sizeof line), "%s", out);
    cr_assert(strstr(line, "mark-sweep (interning off) 0") && strstr(line, "rc (interning on)") &&
              strstr(line, "rc (interning off)"), "%s", line);
    cr_assert(!strstr(out, "times faster"), "3 against 3 repetitions: p is at least 0.1: %s", out);
    cr_assert(line_with(out, "cycle-pairs: wall time:", "not significant (p = ", line, sizeof line), "%s", out);
    cr_assert(strstr(out, "use -r 4 or more"), "%s", out);
}

/* The header names the machine and the build. */
Test(verdicts, header_names_machine) {
    setenv("MB_QUIET", "1", 1);
    cr_assert_eq(run_cli("run -w cycle-pairs -s rc,mark-sweep -i off -n 300 -r 2", out, sizeof out), 0, "%s", out);
    char line[1024];
    cr_assert(line_with(out, "machine: host ", "CPUs", line, sizeof line), "%s", out);
    cr_assert(strstr(line, "MHz") || strstr(line, "load average"), "%s", line);
    cr_assert(strstr(line, "load average"), "%s", line);
    cr_assert(line_with(out, "build: ", "kernel", line, sizeof line), "%s", out);
    cr_assert(strstr(line, "bdwgc ") && strstr(line, "jemalloc "), "%s", line);
    cr_assert_lt(strstr(out, "machine: "), strstr(out, "cycle-pairs/rc/interning:off"), "the header comes first");
    /* a file read back shows its own machine, not this one */
    cr_assert_eq(run_cli("report " FIXTURE, out, sizeof out), 0, "%s", out);
    cr_assert(line_with(out, "machine: host fixture-host, 2 CPUs, 2400 MHz, load average 0.41 0.30 0.22", NULL, line,
                        sizeof line), "%s", out);
    cr_assert(!strstr(out, "build: "), "an older file without the build fields: no build line: %s", out);
    cr_assert(!strstr(out, "warning:"), "a quiet machine and cv of 1%%: no warning: %s", out);
}

/* Warnings: a load average above the CPU count, and a case whose wall time varies more than 5%. */
Test(verdicts, noise_warnings) {
    char dir[64], path[128], args[512];
    tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/noisy.json", dir);
    json_error_t je;
    json_t *root = json_load_file(FIXTURE, 0, &je);
    cr_assert_not_null(root, "%s", je.text);
    json_t *ctx = json_object_get(root, "context");
    json_object_set_new(ctx, "load_avg", json_pack("[f,f,f]", 5.5, 3.0, 2.0));
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(root, "benchmarks"), i, e)
        if (!strcmp(json_string_value(json_object_get(e, "name")), "shared-refs/rc/interning:off") &&
            json_integer_value(json_object_get(e, "repetition_index")) == 4)
            json_object_set_new(e, "real_time", json_real(400000));
    cr_assert_eq(json_dump_file(root, path, 0), 0);
    json_decref(root);
    snprintf(args, sizeof args, "report %s", path);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s", out);
    char line[1024];
    cr_assert(line_with(out, "warning: the 1-minute load average 5.50 exceeds the 2 CPUs", NULL, line, sizeof line), "%s", out);
    cr_assert(line_with(out, "warning: the wall time of 1 of 5 cases varies by more than 5% (cv; worst "
                        "shared-refs/rc/interning:off", NULL, line, sizeof line), "%s", out);
}

/* Three repetitions against three: the exact U test cannot go below p = 0.1,
 * so no claim, even where ties (peak RSS in whole pages) would let the
 * normal approximation say p < 0.05. */
Test(verdicts, three_against_three_never_claims) {
    char dir[512], args[1024];
    tmpdir(dir, sizeof dir);
    /* (stress builds collect at every allocation: a small size there) */
    snprintf(args, sizeof args, "run -s rc,mark-sweep,none -w cycle-pairs,dlist -i off -n %s -r 3 -f json -o %s/r.json",
             getenv("MB_TEST_SMALL") ? "300" : "20000", dir);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s", out);
    snprintf(args, sizeof args, "report %s/r.json", dir);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s", out);
    char line[1024];
    cr_assert(!line_with(out, "times faster than", NULL, line, sizeof line), "a claim from 3 against 3: %s", line);
    cr_assert(!line_with(out, "times the peak", NULL, line, sizeof line), "a claim from 3 against 3: %s", line);
    cr_assert(strstr(out, "cannot reach p < 0.05"), "%s", out);
}

/* A file of aggregates only has no repetitions: its mean, median, stddev and
 * cv are not four samples, and no verdict is drawn from them. */
Test(verdicts, aggregates_are_not_samples) {
    char dir[512], args[1024];
    tmpdir(dir, sizeof dir);
    snprintf(args, sizeof args,
             "run -s rc,mark-sweep -w cycle-pairs -i off -n %s -r 5 --aggregates-only -f json -o %s/r.json",
             getenv("MB_TEST_SMALL") ? "300" : "20000", dir);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s", out);
    snprintf(args, sizeof args, "report %s/r.json", dir);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s", out);
    char line[1024];
    cr_assert(!line_with(out, "cycle-pairs: ", "p =", line, sizeof line), "a verdict from aggregates: %s", line);
    cr_assert(!line_with(out, "cycle-pairs: ", "too few", line, sizeof line), "a verdict from aggregates: %s", line);
}
