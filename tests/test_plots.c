/* test_plots.c: scripts/mb-plotdata and the plots/ gnuplot scripts on the fixtures in tests/data: pictures, their numbers, what is skipped. */
#include <math.h>
#include <stdio.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "tests/helpers.h"

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
    test_rmtree(dir);
}

Test(plots, data_files_hold_the_input) {
    char dir[64], args[256];
    tmpdir(dir, sizeof dir);
    snprintf(args, sizeof args, "plots " FIXTURE " --out %s --no-gnuplot", dir);
    cr_assert_eq(plotdata(dir, args), 0, "%s", slurp2(dir, "stderr"));
    /* column 1 is x; throughput: relative values and their intervals, then the medians (column 8: wall);
     * the others: median and stddev of each counter of the picture */
    assert_close(dat_value(dir, "throughput.dat", "cycle-pairs mark-sweep on", 8),
                 json_counter(FIXTURE, "cycle-pairs/mark-sweep/interning:on_median", "items_per_second"), "throughput median");
    assert_close(dat_value(dir, "memory.dat", "shared-refs rc-cycle off", 3),
                 json_counter(FIXTURE, "shared-refs/rc-cycle/interning:off_stddev", "peak_live_bytes"), "peak live stddev");
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
    test_rmtree(dir);
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
        "skipped pauses: no case has pause data: picture not drawn",
    };
    for (size_t i = 0; i < sizeof said / sizeof *said; i++) cr_assert(strstr(err, said[i]), "says '%s': %s", said[i], err);
    assert_png(dir, "throughput");
    assert_png(dir, "memory");
    assert_png(dir, "leaks");
    cr_assert(!exists(dir, "pauses.png"), "no pauses picture without pause data, not even an old one");
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
    assert_close(dat_value(dir, "throughput.dat", "cycle-pairs rc off", 8), median, "median of the repetitions");
    cr_assert(isnan(dat_value(dir, "memory.dat", "shared-refs rc off", 4)), "a missing counter is NaN in the .dat");
    test_rmtree(dir);
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
    test_rmtree(dir);
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
    test_rmtree(dir);
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
    test_rmtree(dir);
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
    test_rmtree(dir);
}

/* ---------------------------------------------------------------- a run of every workload and strategy */

static const char *const WIDE_W[] = {"shared-refs", "cycle-pairs", "cycle-rings", "dlist", "parent-trees", "binary-trees",
                                     "interned-values", "random-graph", "long-chain", "large-live-heap", "finalizer-cycles"};
static const char *const WIDE_S[] = {"rc", "rc-cycle", "rc-gen", "rc-deferred", "mark-sweep", "semispace", "generational",
                                     "none", "boehm"};
#define NWIDE_W (sizeof WIDE_W / sizeof *WIDE_W)
#define NWIDE_S (sizeof WIDE_S / sizeof *WIDE_S)
/* The repetitions' factors, out of order: sorted 0.97 0.99 1.00 1.02 1.05, median 1.00. */
static const double REP[5] = {1.02, 0.97, 1.00, 1.05, 0.99};

/* Median operations per wall second of strategy j (j == NWIDE_S: the explicit-floor twin) on workload k:
 * boehm with interning on is the fastest, mark-sweep off the median case (the 9th of 18: 1, 1.1, 2, 2.2,
 * 3, 3.3, 4, 4.4, 5); the twin, slower than boehm, is binary-trees' reference. */
static double wide_ips(size_t k, size_t j, bool on) {
    if (j == NWIDE_S) return 2e6 * (1 + 0.1 * k);
    return 1e6 * (double)(1 + j) * (1 + 0.1 * k) * (on ? 1.1 : 1.0);
}
/* cpu_time / real_time of strategy j. */
static double wide_cpu(size_t j) { return 0.5 + 0.05 * (double)j; }

/* Eleven workloads x nine strategies x interning, five repetitions each (no aggregate rows), plus
 * binary-trees' explicit-floor twin. rc never collects but pauses on long-chain and large-live-heap
 * (cascades, 184 ms the longest); boehm retains 2 objects on cycle-pairs, rc leaks 40000 there. */
static void write_wide(const char *path) {
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    fputs("{\"context\": {\"scale\": \"quick\", \"allocator\": \"libc\", \"git_commit\": \"abc\", \"heap_multiplier\": 2}, "
          "\"benchmarks\": [\n", f);
    bool first = true;
    for (size_t k = 0; k < NWIDE_W; k++)
        for (size_t j = 0; j <= NWIDE_S; j++)
            for (int on = 0; on < 2; on++) {
                if (j == NWIDE_S && (on || strcmp(WIDE_W[k], "binary-trees") != 0)) continue;
                const char *s = j == NWIDE_S ? "explicit-floor" : WIDE_S[j];
                bool rc = strcmp(s, "rc") == 0, none = strcmp(s, "none") == 0 || j == NWIDE_S;
                bool cascades = rc && (strcmp(WIDE_W[k], "long-chain") == 0 || strcmp(WIDE_W[k], "large-live-heap") == 0);
                long leaked = strcmp(WIDE_W[k], "cycle-pairs") != 0 ? (none && j < NWIDE_S ? 1000 : 0)
                              : rc ? 40000 : strcmp(s, "boehm") == 0 ? 2 : none && j < NWIDE_S ? 1000 : 0;
                int colls = rc || none ? 0 : 3;
                double p50 = cascades ? 1e6 : colls ? 2e5 : 0, p99 = cascades ? 1.5e6 : colls ? 3e5 : 0,
                       pmax = cascades ? 184e6 : colls ? 4e5 : 0;
                for (int r = 0; r < 5; r++) {
                    double ips = wide_ips(k, j, on) * REP[r], rt = 1e5 / ips * 1e9;
                    fprintf(f, "%s{\"name\": \"%s/%s/interning:%s\", \"run_name\": \"%s/%s/interning:%s\", "
                               "\"run_type\": \"iteration\", \"repetitions\": 5, \"repetition_index\": %d, \"iterations\": 1, "
                               "\"real_time\": %.17g, \"cpu_time\": %.17g, \"time_unit\": \"ns\", \"items_per_second\": %.17g, "
                               "\"leaked_objects\": %ld, \"uncollectable_objects\": 0, \"peak_live_bytes\": %zu, "
                               "\"peak_rss_bytes\": 2000000, \"collections\": %d, \"pause_p50_ns\": %.17g, "
                               "\"pause_p99_ns\": %.17g, \"pause_max_ns\": %.17g, \"label\": \"n=1000\"}\n",
                            first ? "" : ",", WIDE_W[k], s, on ? "on" : "off", WIDE_W[k], s, on ? "on" : "off", r, rt,
                            rt * wide_cpu(j), ips, leaked, (size_t)4096 * (j + 1), colls, p50, p99, pmax);
                    first = false;
                }
            }
    fputs("]}\n", f);
    fclose(f);
}

/* Column `col` of the line for `names` in any page of picture `pic` (pic.dat, pic-1.dat, ...). */
/* A fresh folder with the wide results in it, plotted with the given flag. */
static void plot_wide(char *dir, size_t size, const char *flag) {
    char path[256], args[1024];
    tmpdir(dir, size);
    snprintf(path, sizeof path, "%s/wide.json", dir);
    write_wide(path);
    snprintf(args, sizeof args, "plots %s --out %s %s", path, dir, flag);
    cr_assert_eq(plotdata(dir, args), 0, "%s", slurp2(dir, "stderr"));
}

static double page_value(const char *dir, const char *pic, const char *names, int col) {
    char name[128], pat[256];
    snprintf(pat, sizeof pat, " %s\n", names);
    for (int k = 0; k < 100; k++) {
        if (k) snprintf(name, sizeof name, "%s-%d.dat", pic, k);
        else snprintf(name, sizeof name, "%s.dat", pic);
        if (exists(dir, name) && strstr(slurp2(dir, name), pat)) return dat_value(dir, name, names, col);
    }
    cr_assert_fail("no page of %s has a line for '%s'", pic, names);
    return NAN;
}

/* The width in the IHDR chunk of a PNG (bytes 16..19, big-endian). */
static unsigned long png_width(const char *path) {
    unsigned char h[24];
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    cr_assert_eq(fread(h, 1, 24, f), 24u, "%s is truncated", path);
    fclose(f);
    cr_assert(memcmp(h + 12, "IHDR", 4) == 0, "%s does not start with IHDR", path);
    return (unsigned long)h[16] << 24 | (unsigned long)h[17] << 16 | (unsigned long)h[18] << 8 | h[19];
}

/* A setting `KEY = N` of a .meta, or dflt when the .meta does not set it. */
static int meta_int(const char *meta, const char *key, int dflt) {
    char pat[64];
    snprintf(pat, sizeof pat, "\n%s = ", key);
    const char *p = strstr(meta, pat);
    return p ? atoi(p + strlen(pat)) : dflt;
}

/* Every picture read at a page width of 800 px: no text under 8 px (the fonts of its .meta, 14 and 12
 * points when it sets none: common.gp's), no empty legend entry, and no .gp of a picture with a font
 * size of its own instead of FONT or SMALL. */
Test(plots, every_picture_readable_at_800_px) {
    char dir[64], path[256], args[1024];
    plot_wide(dir, sizeof dir, "--no-svg");
    /* the sweeps' pictures too */
    int len = snprintf(args, sizeof args, "scaling --out %s --no-svg", dir);
    unsigned long sizes[] = {1000, 10000, 100000};
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/run%d.json", dir, i);
        write_run(path, sizes[i], 2.0, 1e6);
        len += snprintf(args + len, sizeof args - len, " %s", path);
    }
    cr_assert_eq(plotdata(dir, args), 0, "%s", slurp2(dir, "stderr"));
    snprintf(args, sizeof args, "heap --out %s --no-svg %s/run0.json %s/run1.json", dir, dir, dir);
    cr_assert_eq(plotdata(dir, args), 0, "%s", slurp2(dir, "stderr"));
    snprintf(args, sizeof args, "report %s/wide.json --pictures %s --out %s/report.md", dir, dir, dir);
    cr_assert_eq(plotdata(dir, args), 0, "%s", slurp2(dir, "stderr"));
    static char report[1 << 20];
    snprintf(report, sizeof report, "%s", slurp2(dir, "report.md"));
    DIR *d = opendir(dir);
    cr_assert_not_null(d);
    int pngs = 0;
    const char *pics[] = {"throughput", "memory", "leaks", "pauses"};
    int per_pic[4] = {0};
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 4, ".png") != 0) continue;
        snprintf(path, sizeof path, "%s/%.100s", dir, e->d_name);
        unsigned long w = png_width(path);
        snprintf(path, sizeof path, "%s/%.*s.meta", dir, (int)n - 4, e->d_name);
        const char *m = slurp(path);
        int font = meta_int(m, "FONT", 14), small = meta_int(m, "SMALL", 12), least = font < small ? font : small;
        cr_expect_geq(least * 800.0 / (double)w, 8.0, "%s: %d-point text on %lu pixels is under 8 px at 800", e->d_name, least, w);
        cr_expect_null(strstr(m, "title \\\"\\\""), "%s: an empty legend entry", e->d_name);
        char ref[300];
        snprintf(ref, sizeof ref, "/%s)", e->d_name);
        cr_expect(strstr(report, ref), "the report shows %s", e->d_name);
        for (int i = 0; i < 4; i++)
            if (strncmp(e->d_name, pics[i], strlen(pics[i])) == 0) per_pic[i]++;
        pngs++;
    }
    closedir(d);
    for (int i = 0; i < 4; i++) cr_expect_gt(per_pic[i], 0, "a %s picture", pics[i]);
    cr_assert_geq(pngs, 6, "only %d pictures", pngs);
    cr_assert_neq(system("grep -nE 'font \"[a-z]*,[0-9]' plots/common.gp plots/panels.gp plots/throughput.gp plots/memory.gp "
                         "plots/leaks.gp plots/pauses.gp plots/scaling.gp plots/heap.gp"), 0, "a font size not from FONT or SMALL");
    test_rmtree(dir);
}

Test(plots, pauses_include_rc_without_collections) {
    char dir[64];
    plot_wide(dir, sizeof dir, "--no-gnuplot");
    /* columns: x p50 p99 max */
    assert_close(page_value(dir, "pauses", "large-live-heap rc off", 4), 184e6, "rc's longest cascade");
    assert_close(page_value(dir, "pauses", "long-chain rc on", 2), 1e6, "rc's median pause");
    assert_close(page_value(dir, "pauses", "large-live-heap mark-sweep off", 4), 4e5, "mark-sweep's longest pause");
    /* rc without pauses (shared-refs) and none stay out */
    char name[64];
    for (int k = 0; k < 10; k++) {
        if (k) snprintf(name, sizeof name, "pauses-%d.dat", k);
        else snprintf(name, sizeof name, "pauses.dat");
        if (!exists(dir, name)) continue;
        const char *t = slurp2(dir, name);
        cr_assert_null(strstr(t, " shared-refs rc off\n"), "%s", name);
        cr_assert_null(strstr(t, " none "), "%s", name);
    }
    test_rmtree(dir);
}

Test(plots, throughput_relative_to_reference_with_ci) {
    char dir[64], names[128];
    plot_wide(dir, sizeof dir, "--no-gnuplot");
    /* columns: x wall_rel wall_lo wall_hi cpu_rel cpu_lo cpu_hi wall_ips cpu_ips on */
    for (size_t k = 0; k < NWIDE_W; k++) {
        bool twin = strcmp(WIDE_W[k], "binary-trees") == 0;
        size_t rj = twin ? NWIDE_S : 4;        /* the twin, else the median case: mark-sweep, interning off */
        bool ron = false;
        snprintf(names, sizeof names, "%s %s %s", WIDE_W[k], twin ? "explicit-floor" : "mark-sweep", ron ? "on" : "off");
        assert_close(page_value(dir, "throughput", names, 2), 1.0, "the reference's wall throughput");
        assert_close(page_value(dir, "throughput", names, 5), 1.0, "the reference's CPU throughput");
        for (size_t j = 0; j < NWIDE_S; j++)
            for (int on = 0; on < 2; on++) {
                snprintf(names, sizeof names, "%s %s %s", WIDE_W[k], WIDE_S[j], on ? "on" : "off");
                double rel = wide_ips(k, j, on) / wide_ips(k, rj, ron);
                double cpu = rel * wide_cpu(rj) / wide_cpu(j);
                double v[10];
                for (int c = 2; c <= 7; c++) v[c] = page_value(dir, "throughput", names, c);
                assert_close(v[2], rel, names);
                assert_close(v[5], cpu, names);
                /* five repetitions: the interval is min..max (93.75% coverage), it brackets the median */
                assert_close(v[3], 0.97 * rel, "wall interval low");
                assert_close(v[4], 1.05 * rel, "wall interval high");
                assert_close(v[6], 0.97 * cpu, "CPU interval low");
                cr_assert(v[3] <= v[2] && v[2] <= v[4], "%s: wall whisker %g..%g brackets %g", names, v[3], v[4], v[2]);
                cr_assert(v[6] <= v[5] && v[5] <= v[7], "%s: CPU whisker %g..%g brackets %g", names, v[6], v[7], v[5]);
            }
    }
    /* the picture says which interval it draws */
    const char *m = slurp2(dir, "throughput-1.meta");
    cr_assert(strstr(m, "min..max of the repetitions (94% confidence interval of the median)"), "%s", m);
    test_rmtree(dir);
}

Test(plots, leaks_mark_conservative_retention) {
    char dir[64];
    plot_wide(dir, sizeof dir, "--no-gnuplot");
    /* columns: x leaked_median leaked_stddev uncollectable_median uncollectable_stddev conservative on */
    assert_close(page_value(dir, "leaks", "cycle-pairs boehm off", 2), 2, "boehm's retained objects");
    cr_assert_eq(page_value(dir, "leaks", "cycle-pairs boehm off", 6), 1.0, "boehm is marked conservative");
    cr_assert_eq(page_value(dir, "leaks", "shared-refs boehm on", 6), 1.0, "boehm is marked conservative");
    assert_close(page_value(dir, "leaks", "cycle-pairs rc off", 2), 40000, "rc's leaked cycles");
    cr_assert_eq(page_value(dir, "leaks", "cycle-pairs rc off", 6), 0.0, "rc's leak is not conservative retention");
    cr_assert_eq(page_value(dir, "leaks", "cycle-pairs none on", 6), 0.0, "none's leak is not conservative retention");
    bool said = false;
    for (int k = 0; k < 10 && !said; k++) {
        char name[64];
        if (k) snprintf(name, sizeof name, "leaks-%d.meta", k);
        else snprintf(name, sizeof name, "leaks.meta");
        said = exists(dir, name) && strstr(slurp2(dir, name), "\"conservative retention (boehm");
    }
    cr_assert(said, "the leaks legend names boehm's conservative retention");
    /* boehm retains only on cycle-pairs (page 1): the other page's legend has no such entry */
    cr_assert_null(strstr(slurp2(dir, "leaks-2.meta"), "conservative retention"), "a legend lists its own page's series");
    test_rmtree(dir);
}

/* A run with interning off only and no conservative collector or uncollectable garbage: the legends name
 * only what is drawn, and each strategy's one bar stands on its label (x = its index). */
Test(plots, legends_list_only_series_present_bars_centred) {
    char dir[64], path[128], args[512];
    tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/off.json", dir);
    write_run(path, 1000, 2.0, 1e6);
    snprintf(args, sizeof args, "plots %s --out %s --no-svg", path, dir);
    cr_assert_eq(plotdata(dir, args), 0, "%s", slurp2(dir, "stderr"));
    const char *pics[] = {"throughput.meta", "memory.meta"};
    for (size_t i = 0; i < 2; i++) {
        const char *m = slurp2(dir, pics[i]);
        cr_assert(strstr(m, "interning off"), "%s names interning off: %s", pics[i], m);
        cr_assert_null(strstr(m, "interning on"), "%s names no interning on: %s", pics[i], m);
        cr_assert_null(strstr(m, "conservative"), "%s names no conservative retention: %s", pics[i], m);
    }
    cr_assert_eq(dat_value(dir, "throughput.dat", "w rc off", 1), 0.0, "rc's bar on its label");
    cr_assert_eq(dat_value(dir, "memory.dat", "w mark-sweep off", 1), 1.0, "mark-sweep's bars around its label");
    cr_assert_null(strstr(slurp2(dir, "memory.meta"), "standard deviation"), "one repetition: no whisker, no entry");
    /* with both interning values, the two cases sit symmetrically around the label */
    snprintf(args, sizeof args, "plots " FIXTURE " --out %s --no-gnuplot", dir);
    cr_assert_eq(plotdata(dir, args), 0, "%s", slurp2(dir, "stderr"));
    double off = dat_value(dir, "memory.dat", "shared-refs rc-cycle off", 1), on = dat_value(dir, "memory.dat", "shared-refs rc-cycle on", 1);
    cr_assert(fabs((off + on) / 2 - round(off)) < 1e-9 && on > off, "centred on the label: %g %g", off, on);
    test_rmtree(dir);
}

/* Pauses: a box with at least 5 collections a repetition or a cascade (rc), each pause a point with fewer;
 * "no pauses" where a strategy has none; memory on a linear axis in KiB or MiB; leaks without zero labels. */
Test(plots, pauses_boxes_or_points_memory_linear) {
    char dir[64];
    plot_wide(dir, sizeof dir, "--no-gnuplot");
    /* columns: x p50 p99 max on collections lowest_p50 longest box */
    cr_assert_eq(page_value(dir, "pauses", "long-chain rc on", 9), 1.0, "rc's cascades: a box");
    cr_assert_eq(page_value(dir, "pauses", "long-chain mark-sweep off", 9), 0.0, "3 collections: points");
    const char *d = slurp2(dir, "pauses-1.dat");
    cr_assert(strstr(d, " 200000.0 0 shared-refs mark-sweep off point\n") && strstr(d, " 400000.0 0 shared-refs mark-sweep off point\n"),
              "each repetition's pauses as points: %s", d);
    const char *m = slurp2(dir, "pauses-1.meta");
    cr_assert(strstr(m, "no pauses"), "\"no pauses\" where a strategy has none: %s", m);
    cr_assert(strstr(m, "a pause (under 5 a run)"), "the points are in the legend: %s", m);
    m = slurp2(dir, "memory-1.meta");
    cr_assert(strstr(m, "set ylabel \\\"MiB\\\"") && !strstr(m, "KiB"), "one unit a panel: %s", m);
    cr_assert_null(strstr(slurp("plots/memory.gp"), "logscale"), "memory on a linear axis");
    cr_assert_null(strstr(slurp("plots/leaks.gp"), "\"0\""), "no zero labels on the leaks");
    test_rmtree(dir);
}
