/* test_plots.c: scripts/mb-plotdata and the plots/ gnuplot scripts on the fixtures in tests/data: pictures, their numbers, what is skipped. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "helpers.h"

#define FIXTURE "tests/data/results-small.json"      /* 3 workloads x 4 strategies x interning, 3 reps, one failed case */
#define DEGRADED "tests/data/results-degraded.json"  /* rc only; a failed workload, a missing counter, no aggregates */

static char text[1 << 20];     /* a file or a command's output */

/* Run mb-plotdata with arguments; stderr goes to DIR/stderr; returns the exit status. */
static int plotdata(const char *dir, const char *args) {
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 scripts/mb-plotdata %s 2> %s/stderr", args, dir);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

/* Remove a passing test's directory (a failing one stays for a look). */
static void cleanup(const char *dir) {
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

static const char *slurp(const char *path) {
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot open %s", path);
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    return text;
}

static const char *slurp2(const char *dir, const char *name) {
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return slurp(p);
}

static bool exists(const char *dir, const char *name) {
    char p[512];
    struct stat st;
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return stat(p, &st) == 0;
}

/* A valid PNG: the 8 signature bytes, an IHDR chunk first, and more than a blank canvas's bytes. */
static void assert_png(const char *dir, const char *pic) {
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    char p[512];
    unsigned char head[16];
    snprintf(p, sizeof p, "%s/%s.png", dir, pic);
    FILE *f = fopen(p, "rb");
    cr_assert_not_null(f, "%s was not drawn (stderr: %s)", p, slurp2(dir, "stderr"));
    cr_assert_eq(fread(head, 1, 16, f), 16u, "%s is truncated", p);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fclose(f);
    cr_assert(memcmp(head, sig, 8) == 0, "%s has no PNG signature", p);
    cr_assert(memcmp(head + 12, "IHDR", 4) == 0, "%s does not start with IHDR", p);
    cr_assert_gt(size, 20000, "%s is only %ld bytes: an empty picture?", p, size);
}

/* The number after `"counter": ` in the JSON entry named `name` (the fixture's layout: one field a line). */
static double json_counter(const char *path, const char *name, const char *counter) {
    char key[256], ckey[128];
    static char doc[1 << 21];
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    doc[fread(doc, 1, sizeof doc - 1, f)] = '\0';
    fclose(f);
    snprintf(key, sizeof key, "\"name\": \"%s\",", name);
    snprintf(ckey, sizeof ckey, "\"%s\": ", counter);
    const char *e = strstr(doc, key);
    cr_assert_not_null(e, "%s has no entry %s", path, name);
    const char *end = strstr(e + 1, "\"name\": ");
    const char *c = strstr(e, ckey);
    cr_assert(c && (!end || c < end), "%s: entry %s has no %s", path, name, counter);
    return strtod(c + strlen(ckey), NULL);
}

/* Column `col` (1-based) of the .dat line whose trailing names are "workload strategy interning". */
static double dat_value(const char *dir, const char *dat, const char *names, int col) {
    const char *t = slurp2(dir, dat);
    char pat[256];
    snprintf(pat, sizeof pat, " %s\n", names);
    const char *hit = strstr(t, pat);
    cr_assert_not_null(hit, "%s has no line for '%s'", dat, names);
    const char *line = hit;
    while (line > t && line[-1] != '\n') line--;
    char *p = (char *)line;
    double v = NAN;
    for (int i = 1; i <= col; i++) v = strtod(p, &p);
    return v;
}

static void assert_close(double got, double want, const char *what) {
    cr_assert(fabs(got - want) <= 1e-9 * fabs(want) + 1e-9, "%s: .dat holds %.17g, the JSON %.17g", what, got, want);
}

Test(plots, fixture_draws_every_picture) {
    char dir[64];
    tmpdir(dir, sizeof dir);
    char args[256];
    snprintf(args, sizeof args, "plots " FIXTURE " --out %s --no-svg", dir);
    cr_assert_eq(plotdata(dir, args), 0, "%s", slurp2(dir, "stderr"));
    const char *pics[] = {"throughput", "memory", "leaks", "pauses"};
    for (size_t i = 0; i < 4; i++) assert_png(dir, pics[i]);
    cr_assert(strstr(slurp2(dir, "stderr"), "skipped deep-chain/rc-cycle/interning:on: failed: checksum"),
              "the failed case is reported: %s", text);
    cleanup(dir);
}

Test(plots, data_files_hold_the_input) {
    char dir[64], args[256];
    tmpdir(dir, sizeof dir);
    snprintf(args, sizeof args, "plots " FIXTURE " --out %s --no-gnuplot", dir);
    cr_assert_eq(plotdata(dir, args), 0, "%s", slurp2(dir, "stderr"));
    /* column 1 is x, then median and stddev of each counter of the picture */
    assert_close(dat_value(dir, "throughput.dat", "cycle-pairs mark-sweep on", 2),
                 json_counter(FIXTURE, "cycle-pairs/mark-sweep/interning:on_median", "items_per_second"), "throughput median");
    assert_close(dat_value(dir, "throughput.dat", "shared-refs rc-cycle off", 3),
                 json_counter(FIXTURE, "shared-refs/rc-cycle/interning:off_stddev", "items_per_second"), "throughput stddev");
    assert_close(dat_value(dir, "memory.dat", "deep-chain none on", 4),
                 json_counter(FIXTURE, "deep-chain/none/interning:on_median", "peak_rss_bytes"), "peak rss");
    assert_close(dat_value(dir, "memory.dat", "shared-refs rc off", 2),
                 json_counter(FIXTURE, "shared-refs/rc/interning:off_median", "peak_live_bytes"), "peak live");
    assert_close(dat_value(dir, "leaks.dat", "cycle-pairs rc off", 2),
                 json_counter(FIXTURE, "cycle-pairs/rc/interning:off_median", "leaked_objects"), "leaked");
    assert_close(dat_value(dir, "leaks.dat", "cycle-pairs rc-cycle on", 4),
                 json_counter(FIXTURE, "cycle-pairs/rc-cycle/interning:on_median", "uncollectable_objects"), "uncollectable");
    assert_close(dat_value(dir, "pauses.dat", "cycle-pairs mark-sweep off", 2),
                 json_counter(FIXTURE, "cycle-pairs/mark-sweep/interning:off_median", "pause_p50_ns"), "pause p50");
    /* the failed case has no line; `none` never collects, so it has no pause line */
    cr_assert_null(strstr(slurp2(dir, "throughput.dat"), "deep-chain rc-cycle on\n"));
    cr_assert_null(strstr(slurp2(dir, "pauses.dat"), " none "));
    cleanup(dir);
}

Test(plots, degraded_results_plot_what_they_can) {
    char dir[64], args[256];
    tmpdir(dir, sizeof dir);
    /* first a full run into the same directory: its pauses picture must not survive as if it were this run's */
    snprintf(args, sizeof args, "plots " FIXTURE " --out %s --no-svg", dir);
    cr_assert_eq(plotdata(dir, args), 0, "%s", slurp2(dir, "stderr"));
    assert_png(dir, "pauses");
    snprintf(args, sizeof args, "plots " DEGRADED " --out %s --no-svg", dir);
    cr_assert_eq(plotdata(dir, args), 0, "%s", slurp2(dir, "stderr"));
    const char *err = slurp2(dir, "stderr");
    const char *said[] = {
        "skipped deep-chain/rc/interning:off: failed: leaked 7 objects",
        "skipped only one strategy (rc)",
        "skipped memory: shared-refs/rc/interning:on has no peak_rss_bytes",
        "skipped pauses: no case collected: picture not drawn",
    };
    for (size_t i = 0; i < sizeof said / sizeof *said; i++) cr_assert(strstr(err, said[i]), "says '%s': %s", said[i], err);
    assert_png(dir, "throughput");
    assert_png(dir, "memory");
    assert_png(dir, "leaks");
    cr_assert(!exists(dir, "pauses.png"), "no pauses picture without a collecting case, not even an old one");
    /* cycle-pairs has repetitions but no aggregate rows: the median is computed from them */
    double v[3];
    const char *doc = slurp(DEGRADED);
    const char *p = doc;
    for (int i = 0; i < 3; i++) {
        p = strstr(p, "\"name\": \"cycle-pairs/rc/interning:off\",");
        cr_assert_not_null(p, "repetition %d", i);
        p = strstr(p, "\"items_per_second\": ");
        v[i] = strtod(p + 20, NULL);
    }
    double lo = fmin(v[0], fmin(v[1], v[2])), hi = fmax(v[0], fmax(v[1], v[2]));
    double median = v[0] + v[1] + v[2] - lo - hi;
    assert_close(dat_value(dir, "throughput.dat", "cycle-pairs rc off", 2), median, "median of the repetitions");
    cr_assert(isnan(dat_value(dir, "memory.dat", "shared-refs rc off", 4)), "a missing counter is NaN in the .dat");
    cleanup(dir);
}

Test(plots, report_is_readable_alone) {
    char dir[64], args[512];
    tmpdir(dir, sizeof dir);
    snprintf(args, sizeof args, "plots " FIXTURE " --out %s --no-svg --no-gnuplot", dir);
    cr_assert_eq(plotdata(dir, args), 0, "%s", slurp2(dir, "stderr"));
    snprintf(args, sizeof args, "report " FIXTURE " --pictures %s --out %s/report.md", dir, dir);
    cr_assert_eq(plotdata(dir, args), 0, "%s", slurp2(dir, "stderr"));
    const char *r = slurp2(dir, "report.md");
    const char *want[] = {"| scale | quick |", "| git_commit | 3bcbb2c |", "## Failed cases",
                          "`deep-chain/rc-cycle/interning:on`: checksum", "### `items_per_second`",
                          "| cycle-pairs | rc | ", "### `pause_p99_ns`", "### `leaked_objects`"};
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) cr_assert(strstr(r, want[i]), "report has '%s':\n%s", want[i], r);
    cleanup(dir);
}

Test(plots, unreadable_input_is_exit_2) {
    char dir[64];
    tmpdir(dir, sizeof dir);
    char args[256];
    snprintf(args, sizeof args, "plots %s/nosuch.json --out %s", dir, dir);
    cr_assert_eq(plotdata(dir, args), 2);
    cr_assert(strstr(slurp2(dir, "stderr"), "cannot read"), "%s", text);
    snprintf(args, sizeof args, "plots tests/data --out %s", dir);
    cr_assert_eq(plotdata(dir, args), 2);
    cleanup(dir);
}

/* A minimal results file: strategies rc and mark-sweep on workload w, one repetition each,
 * rc's time 50 ns x n and both live sizes constant, so the fitted slopes are known exactly. */
static void write_run(const char *path, unsigned long n, double heap_multiplier, double ips) {
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    fprintf(f, "{\"context\": {\"scale\": \"quick\", \"allocator\": \"libc\", \"git_commit\": \"abc\", "
               "\"heap_multiplier\": %g}, \"benchmarks\": [\n", heap_multiplier);
    const char *s[] = {"rc", "mark-sweep"};
    for (int i = 0; i < 2; i++)
        fprintf(f, "%s{\"name\": \"w/%s/interning:off\", \"run_name\": \"w/%s/interning:off\", \"run_type\": \"iteration\", "
                   "\"repetitions\": 1, \"repetition_index\": 0, \"iterations\": 1, \"real_time\": %lu, \"time_unit\": \"ns\", "
                   "\"items_per_second\": %g, \"peak_live_bytes\": 4096, \"peak_rss_bytes\": %lu, \"label\": \"n=%lu\"}\n",
                i ? "," : "", s[i], s[i], (i ? 7 : 50) * n * (i ? n : 1), ips * (i + 1), 1000000 + 100 * n, n);
    fputs("]}\n", f);
    fclose(f);
}

Test(plots, scaling_fits_the_slope) {
    char dir[64], path[128], args[1024];
    tmpdir(dir, sizeof dir);
    unsigned long sizes[] = {1000, 10000, 100000, 1000000};
    int len = snprintf(args, sizeof args, "scaling --out %s --no-svg", dir);
    for (int i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s/run%d.json", dir, i);     /* the size comes from the label, not the name */
        write_run(path, sizes[i], 2.0, 1e6);
        len += snprintf(args + len, sizeof args - len, " %s", path);
    }
    cr_assert_eq(plotdata(dir, args), 0, "%s", slurp2(dir, "stderr"));
    const char *m = slurp2(dir, "scaling-w.meta");
    cr_assert(strstr(m, "\"rc (slope 1.00)\""), "rc's time is linear in n: %s", m);
    cr_assert(strstr(m, "\"mark-sweep (slope 2.00)\""), "mark-sweep's time is quadratic: %s", m);
    cr_assert(strstr(m, "array T2[2] = [\"rc (slope 0.00)\", \"mark-sweep (slope 0.00)\"]"), "live is constant: %s", m);
    assert_png(dir, "scaling-w");
    const char *d = slurp2(dir, "scaling-w.dat");
    const char *line = strstr(d, "\n1000 ");
    cr_assert_not_null(line, "%s", d);
    char *p = (char *)line + 1;
    cr_assert_eq(strtod(p, &p), 1000.0);
    assert_close(strtod(p, &p), 50e-9 * 1000, "rc's time at n=1000 in seconds");
    cleanup(dir);
}

Test(plots, heap_sweep_reads_the_multiplier) {
    char dir[64], path[128], args[1024];
    tmpdir(dir, sizeof dir);
    double hm[] = {1.25, 3, 6};
    int len = snprintf(args, sizeof args, "heap --out %s --no-svg", dir);
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/m%d.json", dir, i);
        write_run(path, 1000, hm[i], 1e6 * (i + 1));
        len += snprintf(args + len, sizeof args - len, " %s", path);
    }
    cr_assert_eq(plotdata(dir, args), 0, "%s", slurp2(dir, "stderr"));
    assert_png(dir, "heap-w");
    const char *d = slurp2(dir, "heap-w.dat");
    const char *line = strstr(d, "\n3 ");
    cr_assert_not_null(line, "a line at multiplier 3: %s", d);
    char *p = (char *)line + 1;
    cr_assert_eq(strtod(p, &p), 3.0);
    assert_close(strtod(p, &p), 2e6, "rc's throughput at multiplier 3");
    cr_assert_null(strstr(slurp2(dir, "heap-w.meta"), "heap x"), "the title does not claim one multiplier");
    cleanup(dir);
}
