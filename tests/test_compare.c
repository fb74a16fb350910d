/* test_compare.c: `membench compare` (the regression gate): the U test against scipy, real Google Benchmark input, deliberate regressions, malformed files. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/results/compare.h"
#include "harness/stats/mannwhitney.h"
#include "tests/helpers.h"

#define REAL "tests/data/gbench-real.json"           /* Google Benchmark 1.7: 9 reps, aggregates, counters, label, an error row */
#define REAL_SLOWER "tests/data/gbench-real-slower.json"  /* the same program, BM_vector_push/256 doing 3x the work */

static char out[1 << 17];

/* The lines of out that contain both a and b (b may be NULL); how many. */
static int lines_with(const char *text, const char *a, const char *b) {
    int k = 0;
    for (const char *l = text; l && *l;) {
        const char *e = strchr(l, '\n');
        size_t n = e ? (size_t)(e - l) : strlen(l);
        char line[1024];
        snprintf(line, sizeof line, "%.*s", (int)(n < sizeof line ? n : sizeof line - 1), l);
        if (strstr(line, a) && (!b || strstr(line, b))) k++;
        l = e ? e + 1 : NULL;
    }
    return k;
}

/* ------------------------------------------------------------------------ */
/* The U test. */

/* Every stored case of scripts/utest-reference (scipy's own p-values) to 1e-6. */
Test(compare, utest_matches_scipy) {
    FILE *f = fopen("tests/data/utest-reference.txt", "r");
    cr_assert_not_null(f, "tests/data/utest-reference.txt (run from the repository root)");
    char line[1 << 14];
    int cases = 0, exact = 0, asym = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#') continue;
        char *p = line, *end;
        size_t nx = strtoul(p, &end, 10), ny = strtoul(end, &end, 10);
        cr_assert(nx > 0 && ny > 0 && nx + ny <= 256, "case %d sizes", cases);
        double v[256];
        for (size_t i = 0; i < nx + ny; i++) v[i] = strtod(end, &end);
        double want = strtod(end, &end);
        int ex;
        double got = mb_utest_p(v, nx, v + nx, ny, NULL, &ex);
        cr_assert(fabs(got - want) <= 1e-6, "case %d (%zu vs %zu, %s): p %.10g, scipy %.10g", cases, nx, ny,
                  ex ? "exact" : "asymptotic", got, want);
        ex ? exact++ : asym++;
        cases++;
    }
    fclose(f);
    cr_assert_geq(cases, 60, "the reference file has its cases");
    cr_assert(exact >= 10 && asym >= 10, "both methods are checked (%d exact, %d asymptotic)", exact, asym);
}

/* The U statistic and symmetry: swapping the samples keeps p; identical samples give p = 1. */
Test(compare, utest_basics) {
    double a[] = {1, 2, 3, 4, 5}, b[] = {6, 7, 8, 9, 10};
    double u1, u1r;
    double p = mb_utest_p(a, 5, b, 5, &u1, NULL), q = mb_utest_p(b, 5, a, 5, &u1r, NULL);
    cr_assert_float_eq(p, q, 1e-12);
    cr_assert_float_eq(u1, 0, 1e-12);
    cr_assert_float_eq(u1r, 25, 1e-12);
    cr_assert_float_eq(p, 2.0 / 252, 1e-12, "2 / C(10,5): the only arrangements as extreme");
    cr_assert_float_eq(mb_utest_p(a, 5, a, 5, NULL, NULL), 1.0, 1e-12);
    cr_assert(isnan(mb_utest_p(a, 0, b, 5, NULL, NULL)));
}

/* ------------------------------------------------------------------------ */
/* Reading real Google Benchmark output and ours. */

/* Aggregates are not samples; counters and labels are read; an error row is an error row. */
Test(compare, reads_real_google_benchmark) {
    mb_gb_file_t f;
    char err[512];
    cr_assert_eq(mb_gb_load(REAL, &f, err, sizeof err), 0, "%s", err);
    size_t iter = 0, agg = 0, errors = 0, labelled = 0;
    double v;
    for (size_t i = 0; i < f.n; i++) {
        const mb_gb_row_t *r = &f.rows[i];
        r->aggregate ? agg++ : iter++;
        errors += r->error;
        labelled += r->label && !strcmp(r->label, "vector<int>");
        if (!r->aggregate && !r->error) cr_assert(mb_gb_counter(r, "pushed", &v) && v > 0, "user counter of %s", r->name);
        cr_assert(!mb_gb_counter(r, "iterations", &v), "bookkeeping fields are not counters");
    }
    cr_assert_eq(iter, 27, "9 repetitions of 3 benchmarks");
    cr_assert_eq(agg, 8, "mean, median, stddev, cv of the two benchmarks without errors");
    cr_assert_eq(errors, 9);
    cr_assert_geq(labelled, 18);
    mb_gb_free(&f);
}

/* Identical inputs: no regression (real Google Benchmark output). */
Test(compare, identical_real_files_pass) {
    int st = run_cli("compare " REAL " " REAL, out, sizeof out);
    cr_assert_eq(st, 0, "%s", out);
    cr_assert(strstr(out, "3 passed, 0 failed"), "%s", out);
    cr_assert_eq(lines_with(out, "FAIL", NULL), 0, "%s", out);
}

/* Real Google Benchmark output with a real slowdown of one benchmark: that one fails, only it. */
Test(compare, real_google_benchmark_slowdown) {
    int st = run_cli("compare " REAL " " REAL_SLOWER, out, sizeof out);
    cr_assert_eq(st, 1, "%s", out);
    cr_assert_geq(lines_with(out, "BM_vector_push/256", "FAIL: slower"), 1, "%s", out);
    cr_assert_eq(lines_with(out, "FAIL", NULL), lines_with(out, "BM_vector_push/256", "FAIL"), "%s", out);
    cr_assert(strstr(out, "2 passed, 1 failed"), "%s", out);
    cr_assert(strstr(out, "note: fails in both"), "an error row in both files is noted, not failed: %s", out);
}

/* Markdown for a pull-request comment: a table, failures in bold, the summary line. */
Test(compare, markdown) {
    int st = run_cli("compare " REAL " " REAL_SLOWER " --format markdown", out, sizeof out);
    cr_assert_eq(st, 1, "%s", out);
    cr_assert(strstr(out, "| benchmark | metric | old | new | change | p-value | verdict |"), "%s", out);
    cr_assert(strstr(out, "**FAIL: slower**"), "%s", out);
    cr_assert(strstr(out, "**2 passed, 1 failed**"), "%s", out);
}

/* ------------------------------------------------------------------------ */
/* Our own files: same build, deliberate leaks, changed checksum. */

static void run_json(const char *env, const char *args, const char *path) {
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s %s run %s -f json -o %s 2>/dev/null", env, getenv("MEMBENCH") ? getenv("MEMBENCH")
             : "build/membench", args, path);
    int st = system(cmd);
    cr_assert(access(path, R_OK) == 0, "%s wrote %s (status %d)", cmd, path, st);
}

/* The five exact strategies, interning on and off, 2 repetitions: 20 entries (10 in
 * stress builds, which collect at every allocation and so run one small workload).
 * Not boehm: a conservative collector's leak counts depend on addresses (ASLR). */
#define EXACT "-s rc,rc-cycle,rc-gen,mark-sweep,none"
#define SMALL_SUITE (getenv("MB_TEST_SMALL") ? EXACT " -w cycle-pairs -i both -n 50 -r 2" \
                                              : EXACT " -w cycle-pairs,dlist -i both -n 300 -r 2")
static int small_entries(void) { return getenv("MB_TEST_SMALL") ? 10 : 20; }

/* Two runs of the same build: no counter regression (counters are exact, so this is deterministic). */
Test(compare, same_build_no_counter_regression) {
    char dir[64], a[128], b[128], args[512];
    test_tmpdir_ab(dir, sizeof dir, a, sizeof a, b, sizeof b);
    run_json("", SMALL_SUITE, a);
    run_json("", SMALL_SUITE, b);
    int n = small_entries();
    char want[128];
    snprintf(args, sizeof args, "compare %s %s --no-times --no-memory", a, b);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s", out);
    snprintf(want, sizeof want, "%d passed, 0 failed", n);
    cr_assert(strstr(out, want), "%s", out);
    cr_assert_eq(lines_with(out, "counters", "7 exact"), n, "every entry has its 7 counters equal: %s", out);
    snprintf(args, sizeof args, "compare %s %s", a, a);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "identical inputs: %s", out);
    snprintf(want, sizeof want, "warning: %d entries had fewer than 9 repetitions", n);
    cr_assert(strstr(out, want), "2 repetitions warn: %s", out);
}

/* MB_TEST_LEAK: one object really leaked by one strategy fails the gate on that strategy's entries only. */
Test(compare, deliberate_leak_fails) {
    char dir[64], a[128], b[128], c[128], args[512];
    test_tmpdir_ab(dir, sizeof dir, a, sizeof a, b, sizeof b);
    snprintf(c, sizeof c, "%s/c.json", dir);
    run_json("", SMALL_SUITE, a);
    run_json("MB_TEST_LEAK=mark-sweep", SMALL_SUITE, b);
    int per = small_entries() / 5;      /* entries of one strategy */
    char want[128];
    snprintf(args, sizeof args, "compare %s %s --no-times --no-memory", a, b);
    cr_assert_eq(run_cli(args, out, sizeof out), 1, "%s", out);
    cr_assert_eq(lines_with(out, "leaked_objects", "FAIL: more leaked"), per, "workloads x interning: %s", out);
    cr_assert_eq(lines_with(out, "FAIL", NULL), lines_with(out, "/mark-sweep/", "FAIL"), "only mark-sweep: %s", out);
    snprintf(want, sizeof want, "%d passed, %d failed", 4 * per, per);
    cr_assert(strstr(out, want), "%s", out);
    /* none leaks everything by design, so its run does not fail: only the gate sees the extra object */
    run_json("MB_TEST_LEAK=none", SMALL_SUITE, c);
    snprintf(args, sizeof args, "compare %s %s --no-times --no-memory", a, c);
    cr_assert_eq(run_cli(args, out, sizeof out), 1, "%s", out);
    cr_assert_eq(lines_with(out, "/none/", "FAIL: more leaked"), per, "%s", out);
    cr_assert_eq(lines_with(out, "error", "FAIL"), 0, "no error rows under none: %s", out);
}

/* A changed checksum fails, whatever the direction; a changed allocation count is only reported. */
Test(compare, changed_checksum_fails) {
    char dir[64], a[128], b[128], args[512];
    test_tmpdir_ab(dir, sizeof dir, a, sizeof a, b, sizeof b);
    run_json("", "-s rc,mark-sweep -w cycle-pairs -i off -n 300 -r 2", a);
    json_error_t je;
    json_t *root = json_load_file(a, 0, &je);
    cr_assert_not_null(root, "%s", je.text);
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(root, "benchmarks"), i, e) {
        const char *name = json_string_value(json_object_get(e, "name"));
        if (strstr(name, "cycle-pairs/rc/")) {
            json_object_set_new(e, "checksum", json_integer(json_integer_value(json_object_get(e, "checksum")) - 1));
        } else if (strstr(name, "cycle-pairs/mark-sweep/")) {
            json_object_set_new(e, "objects_allocated", json_integer(1));
        }
    }
    cr_assert_eq(json_dump_file(root, b, 0), 0);
    json_decref(root);
    snprintf(args, sizeof args, "compare %s %s --no-times --no-memory", a, b);
    cr_assert_eq(run_cli(args, out, sizeof out), 1, "%s", out);
    cr_assert_eq(lines_with(out, "cycle-pairs/rc/", "FAIL: checksum changed"), 1, "%s", out);
    cr_assert_eq(lines_with(out, "objects_allocated", "changed"), 1, "reported: %s", out);
    cr_assert_eq(lines_with(out, "objects_allocated", "FAIL"), 0, "but not a failure: %s", out);
    cr_assert(strstr(out, "1 passed, 1 failed"), "%s", out);
    snprintf(args, sizeof args, "compare %s %s --no-times --no-memory --strict-counters", a, b);
    cr_assert_eq(run_cli(args, out, sizeof out), 1, "%s", out);
    cr_assert(strstr(out, "0 passed, 2 failed"), "--strict-counters fails any change: %s", out);
}

/* MB_TEST_SLOW: real work added to rc's allocation path is caught on rc's entries and only there,
 * through scripts/mb-gate (base and head interleaved, flagged entries confirmed by a second run),
 * the path docs/gate.md recommends for a pull request. The slowdown is large (+260% or more at quick
 * sizes, release and debug builds) and the test asks for +100%, so noise on a loaded machine (seen:
 * +55% on an untouched entry, p = 0.03, while two builds ran beside it) neither hides it nor lifts
 * other entries above it. */
Test(compare, real_slowdown_caught) {
    if (getenv("MB_TEST_SMALL")) cr_skip_test("stress builds collect at every allocation: the added work is lost in it");
    const char *mb = getenv("MEMBENCH") ? getenv("MEMBENCH") : "build/membench";
    if (strstr(mb, "sanitize")) cr_skip_test("sanitizer builds time the instrumentation, not the strategy");
    char dir[64], head[128], cmd[2048];
    tmpdir(dir, sizeof dir);
    snprintf(head, sizeof head, "%s/slow-membench", dir);
    FILE *f = fopen(head, "w");
    cr_assert_not_null(f);
    fprintf(f, "#!/bin/sh\nMB_TEST_SLOW=rc exec %s \"$@\"\n", mb);
    fclose(f);
    cr_assert_eq(chmod(head, 0755), 0);
    snprintf(cmd, sizeof cmd, "scripts/mb-gate --base %s --head %s -s rc,mark-sweep -w shared-refs,binary-trees "
             "-i off --rounds 9 --keep %s -- --threshold 100 --no-memory 2>&1", mb, head, dir);
    FILE *p = popen(cmd, "r");
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    int st = pclose(p);
    cr_assert_eq(WEXITSTATUS(st), 1, "%s", out);
    cr_assert(strstr(out, "regression: shared-refs/rc/interning:off"), "%s", out);
    cr_assert(strstr(out, "regression: binary-trees/rc/interning:off"), "%s", out);
    cr_assert(strstr(out, "2 confirmed"), "only the two rc entries: %s", out);
    cr_assert_eq(lines_with(out, "regression:", "mark-sweep"), 0, "%s", out);
    cr_assert_geq(lines_with(out, "/rc/", "cpu_time"), 2, "the table shows them: %s", out);
}

/* Files a and b with times, 9 repetitions a side, b's real time slower by
 * half; each with the given context, or none where it is NULL. */
static void write_timed(const char *a, const char *b, const char *ctx_a, const char *ctx_b) {
    FILE *fa = fopen(a, "w"), *fb = fopen(b, "w");
    cr_assert(fa && fb);
    if (ctx_a) fprintf(fa, "{\"context\": %s, \"benchmarks\": [", ctx_a);
    else fputs("{\"benchmarks\": [", fa);
    if (ctx_b) fprintf(fb, "{\"context\": %s, \"benchmarks\": [", ctx_b);
    else fputs("{\"benchmarks\": [", fb);
    for (int k = 0; k < 9; k++) {
        fprintf(fa, "%s{\"name\": \"x\", \"real_time\": %d, \"cpu_time\": %d}", k ? "," : "", 1000 + k, 1000 + k);
        fprintf(fb, "%s{\"name\": \"x\", \"real_time\": %d, \"cpu_time\": %d}", k ? "," : "", 1500 + k, 1000 + k);
    }
    fputs("]}", fa);
    fputs("]}", fb);
    fclose(fa);
    fclose(fb);
}

/* The time rule: a slowdown of real_time alone fails under either and real, not under both or cpu. */
Test(compare, time_rule) {
    char dir[64], a[128], b[128], args[512];
    test_tmpdir_ab(dir, sizeof dir, a, sizeof a, b, sizeof b);
    write_timed(a, b, NULL, NULL);
    static const char *const rule[] = {"either", "real", "both", "cpu"};
    for (int k = 0; k < 4; k++) {
        snprintf(args, sizeof args, "compare %s %s --time-rule %s", a, b, rule[k]);
        cr_assert_eq(run_cli(args, out, sizeof out), k < 2 ? 1 : 0, "%s: %s", rule[k], out);
        if (k >= 2) cr_assert_eq(lines_with(out, "real_time", "not gating"), 1, "%s: %s", rule[k], out);
    }
}

/* ------------------------------------------------------------------------ */
/* Entries that cannot be judged, and bad input. */

/* Fewer than 2 repetitions on a side fails the entry (times asked); missing entries fail, new ones pass. */
Test(compare, repetitions_and_missing_entries) {
    char dir[64], a[128], b[128], args[512];
    test_tmpdir_ab(dir, sizeof dir, a, sizeof a, b, sizeof b);
    run_json("", "-s rc,none -w cycle-pairs -i off -n 300 -r 1", a);
    run_json("", "-s rc,mark-sweep -w cycle-pairs -i off -n 300 -r 1", b);
    snprintf(args, sizeof args, "compare %s %s", a, b);
    cr_assert_eq(run_cli(args, out, sizeof out), 1, "%s", out);
    cr_assert_eq(lines_with(out, "cycle-pairs/rc/", "the U test needs 2"), 2, "real and cpu: %s", out);
    cr_assert_eq(lines_with(out, "cycle-pairs/none/", "FAIL: missing from the contender"), 1, "%s", out);
    cr_assert_eq(lines_with(out, "cycle-pairs/mark-sweep/", "new: not in the baseline"), 1, "%s", out);
    cr_assert(strstr(out, "1 passed, 2 failed"), "%s", out);
}

/* Malformed, truncated, wrongly typed, non-Google-Benchmark and huge-number files: status 2, a message naming the file. */
Test(compare, malformed_inputs_exit_2) {
    static const char *const bad[] = {
        "malformed-empty", "malformed-truncated", "malformed-wrong-type", "malformed-no-benchmarks",
        "malformed-huge-real", "malformed-huge-integer", "malformed-overflow-time", "malformed-name-number",
        "malformed-benchmarks-object", "malformed-top-array", "malformed-negative-time", "malformed-unit",
        "malformed-error-type", "malformed-hyperfine", "no-such-file"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char args[1024], path[256];
        snprintf(path, sizeof path, "tests/data/%s.json", bad[i]);
        for (int side = 0; side < 2; side++) {
            snprintf(args, sizeof args, "compare %s %s", side ? REAL : path, side ? path : REAL);
            int st = run_cli(args, out, sizeof out);
            cr_assert_eq(st, 2, "%s: status %d: %s", args, st, out);
            cr_assert(strstr(out, path), "the message names %s: %s", path, out);
            const char *nl = strchr(out, '\n');
            cr_assert(!strncmp(out, "membench: ", 10) && nl && !nl[1], "%s: one line, \"membench: ...\": %s", args, out);
        }
    }
}

/* A whole file into a new buffer (NUL-terminated); its length into *n. */
static char *slurp(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    rewind(f);
    char *b = malloc((size_t)len + 1);
    cr_assert_not_null(b);
    cr_assert_eq(fread(b, 1, (size_t)len, f), (size_t)len);
    b[len] = '\0';
    fclose(f);
    if (n) *n = (size_t)len;
    return b;
}

/* Entries whose rows are spread over a file of more than a megabyte (the
 * reader holds a part at a time): IL_NAMES names x IL_REPS repetitions. */
enum { IL_NAMES = 800, IL_REPS = 9 };
#define IL_HEAD "{\"benchmarks\": ["

/* One iteration row of entry i, repetition r. The contender's il3 is 300 ns
 * slower; its il5 has one repetition with another checksum. */
static void il_row(FILE *f, int i, int r, bool contender) {
    int t = 1000 + 10 * i + r + (contender && i == 3 ? 300 : 0);
    long ck = 1000000 + i + (contender && i == 5 && r == 2);
    fprintf(f, "%s\n{\"name\": \"il%d/s/interning:off\", \"run_name\": \"il%d/s/interning:off\", \"run_type\": \"iteration\", "
            "\"repetitions\": %d, \"repetition_index\": %d, \"real_time\": %d, \"cpu_time\": %d, \"time_unit\": \"ns\", "
            "\"checksum\": %ld, \"objects_allocated\": %d, \"peak_rss_bytes\": %d}", ftell(f) > (long)strlen(IL_HEAD) ? "," : "", i, i, IL_REPS, r,
            t, t, ck, 100 + i,
            (1 << 20) + 4096 * i);
}

/* An aggregate row of entry i: never a sample (its time and checksum would show if it were). */
static void il_aggregate(FILE *f, int i) {
    fprintf(f, ",\n{\"name\": \"il%d/s/interning:off_mean\", \"run_name\": \"il%d/s/interning:off\", \"run_type\": "
            "\"aggregate\", \"aggregate_name\": \"mean\", \"repetitions\": %d, \"real_time\": 1e9, \"cpu_time\": 1e9, "
            "\"time_unit\": \"ns\", \"checksum\": 7}", i, i, IL_REPS);
}

/* The rows grouped by entry, repetitions in order, aggregates after them; or interleaved: one
 * repetition of every entry at a time, the repetitions backwards, the entries in another order each
 * time (but the first, so that entries first appear in the same order), aggregates in the middle. */
static void il_write(const char *path, bool interleaved, bool contender) {
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    fputs(IL_HEAD, f);
    if (!interleaved) {
        for (int i = 0; i < IL_NAMES; i++) {
            for (int r = 0; r < IL_REPS; r++) il_row(f, i, r, contender);
            il_aggregate(f, i);
        }
    } else {
        for (int pass = 0; pass < IL_REPS; pass++)
            for (int k = 0; k < IL_NAMES; k++) {
                int i = pass ? (int)((k * 7919L + pass * 31L) % IL_NAMES) : k;     /* 7919 is prime: a permutation */
                il_row(f, i, IL_REPS - 1 - pass, contender);
                if (pass == 4) il_aggregate(f, i);
            }
    }
    fputs("\n], \"context\": {\"note\": [1, {\"x\": \"y\"}]}}\n", f);
    fclose(f);
}

/* Each entry's samples are its own rows, wherever they are in the file: the
 * interleaved files give the table the grouped ones give, line for line. */
Test(compare, interleaved_rows_aggregate_by_name) {
    char dir[64], bg[128], bi[128], cg[128], ci[128], o[3][128], args[1024];
    tmpdir(dir, sizeof dir);
    snprintf(bg, sizeof bg, "%s/base-grouped.json", dir);
    snprintf(bi, sizeof bi, "%s/base-interleaved.json", dir);
    snprintf(cg, sizeof cg, "%s/cont-grouped.json", dir);
    snprintf(ci, sizeof ci, "%s/cont-interleaved.json", dir);
    il_write(bg, false, false);
    il_write(bi, true, false);
    il_write(cg, false, true);
    il_write(ci, true, true);
    struct stat stt;
    cr_assert(stat(bi, &stt) == 0 && stt.st_size > 1048576, "the file spans several reads");
    const char *pairs[3][2] = {{bg, cg}, {bi, ci}, {bg, ci}};
    char *text[3];
    for (int k = 0; k < 3; k++) {
        snprintf(o[k], sizeof o[k], "%s/out%d.txt", dir, k);
        snprintf(args, sizeof args, "compare %s %s -o %s", pairs[k][0], pairs[k][1], o[k]);
        cr_assert_eq(run_cli(args, out, sizeof out), 1, "%s: %s", args, out);
        text[k] = slurp(o[k], NULL);
    }
    const char *g = text[0];
    char want[64];
    snprintf(want, sizeof want, "%d passed, 2 failed", IL_NAMES - 2);
    cr_assert(strstr(g, want), "%s", g);
    cr_assert_eq(lines_with(g, "il3/s/interning:off ", "FAIL: slower"), 2, "real and cpu time: %s", g);
    cr_assert_eq(lines_with(g, "il3/s/interning:off ", "1.03 us"), 2, "the median of 1030..1038 ns: %s", g);
    cr_assert_eq(lines_with(g, "il3/s/interning:off ", "1.33 us"), 2, "... and 300 ns more: %s", g);
    cr_assert_eq(lines_with(g, "il5/s/interning:off ", "FAIL: checksum changed (varies between repetitions)"), 1,
                 "%s", g);
    cr_assert_eq(lines_with(g, "FAIL", NULL), 3, "no other failure: %s", g);
    cr_assert_eq(lines_with(g, "il7/s/interning:off ", "1.07 us"), 2, "the median of 1070..1078 ns: %s", g);
    cr_assert_eq(lines_with(g, "counters", "2 exact"), IL_NAMES - 1, "%s", g);
    cr_assert(!strstr(g, "fewer than 9 repetitions"), "every entry has its 9 repetitions a side: %s", g);
    for (int k = 1; k < 3; k++) {
        const char *a = strchr(g, '\n'), *b = strchr(text[k], '\n');   /* the first line names the files */
        cr_assert(a && b && !strcmp(a, b), "%s and %s vs %s and %s: the tables differ", bg, cg, pairs[k][0], pairs[k][1]);
    }
    for (int k = 0; k < 3; k++) free(text[k]);
}

/* A file cut in the middle of a row, a megabyte and more into it, at several
 * places of the row: status 2 and one line, which names the file and says
 * what jansson says of the whole file (line, column and all). */
Test(compare, truncated_mid_row) {
    char dir[64], full[128], cut[128], args[512];
    tmpdir(dir, sizeof dir);
    snprintf(full, sizeof full, "%s/full.json", dir);
    snprintf(cut, sizeof cut, "%s/cut.json", dir);
    FILE *f = fopen(full, "w");
    cr_assert_not_null(f);
    fputs("{\"context\": {\"date\": \"today\"},\n  \"benchmarks\": [", f);
    for (int i = 0; i < 10000; i++)
        fprintf(f, "%s\n    {\"name\": \"w%d/s/interning:off\", \"run_type\": \"iteration\", \"error_occurred\": false, "
                "\"real_time\": %d.25, \"cpu_time\": %d.5, \"time_unit\": \"ns\", \"checksum\": %d}", i ? "," : "", i,
                1000 + i, 990 + i, 7 * i);
    fputs("\n  ]\n}\n", f);
    fclose(f);
    size_t n;
    char *text = slurp(full, &n);
    cr_assert_gt(n, 1048576);
    const char *row = strstr(text, "{\"name\": \"w9123/s/interning:off\"");
    cr_assert_not_null(row);
    /* where to cut: after the brace, in a key, in a name, after a colon, in a literal, in a number, before the closing brace */
    static const char *const after[] = {"{", "{\"na", "\"w9123/s/inter", "\"run_type\":", "\"error_occurred\": fa",
                                        "\"real_time\": 101", "\"real_time\": 10123.2", "\"checksum\": 63861"};
    for (size_t k = 0; k < sizeof after / sizeof *after; k++) {
        const char *at = strstr(row, after[k]);
        cr_assert_not_null(at, "%s", after[k]);
        size_t len = (size_t)(at - text) + strlen(after[k]);
        f = fopen(cut, "wb");
        cr_assert_eq(fwrite(text, 1, len, f), len);
        fclose(f);
        json_error_t je;
        json_t *j = json_load_file(cut, JSON_REJECT_DUPLICATES, &je);
        cr_assert_null(j, "cut after %s: still JSON", after[k]);
        char want[512];
        snprintf(want, sizeof want, "membench: %s: malformed JSON at line %d, column %d: %s\n", cut, je.line, je.column,
                 je.text);
        for (int side = 0; side < 2; side++) {
            snprintf(args, sizeof args, "compare %s %s", side ? REAL : cut, side ? cut : REAL);
            int st = run_cli(args, out, sizeof out);
            cr_assert_eq(st, 2, "%s: status %d: %s", args, st, out);
            cr_assert_str_eq(out, want, "cut after %s", after[k]);
        }
    }
    free(text);
}

/* Usage errors: status 2. */
Test(compare, usage_errors) {
    static const char *const bad[] = {"compare", "compare " REAL, "compare " REAL " " REAL " " REAL,
                                      "compare " REAL " " REAL " --alpha 1.5", "compare " REAL " " REAL " --format csv",
                                      "compare " REAL " " REAL " --metric cycles", "compare " REAL " " REAL " --bogus",
                                      "compare " REAL " " REAL " --threshold -3",
                                      "compare " REAL " " REAL " --time-rule sometimes"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        cr_assert_eq(run_cli(bad[i], out, sizeof out), 2, "%s: %s", bad[i], out);
}

/* --metric instructions: the "instructions" counter by median, 1% by default; entries without it fail. */
Test(compare, instructions_metric) {
    char dir[64], a[128], b[128], args[512];
    test_tmpdir_ab(dir, sizeof dir, a, sizeof a, b, sizeof b);
    test_write_file(a, "{\"benchmarks\": [{\"name\": \"x\", \"real_time\": 5, \"cpu_time\": 5, \"instructions\": 1000000},"
                       "{\"name\": \"y\", \"real_time\": 5, \"cpu_time\": 5, \"instructions\": 1000000}]}");
    test_write_file(b, "{\"benchmarks\": [{\"name\": \"x\", \"real_time\": 9, \"cpu_time\": 9, \"instructions\": 1009000},"
                       "{\"name\": \"y\", \"real_time\": 5, \"cpu_time\": 5, \"instructions\": 1020000}]}");
    snprintf(args, sizeof args, "compare %s %s --metric instructions", a, b);
    cr_assert_eq(run_cli(args, out, sizeof out), 1, "%s", out);
    cr_assert_eq(lines_with(out, "x ", "FAIL"), 0, "+0.9%% passes: %s", out);
    cr_assert_eq(lines_with(out, "y ", "FAIL: more instructions"), 1, "+2%% fails: %s", out);
    snprintf(args, sizeof args, "compare %s %s --metric instructions --threshold 3", a, b);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s", out);
}

/* Instruction counts (scripts/mb-callgrind, valgrind): two runs agree within 1%, and MB_TEST_SLOW=rc
 * makes rc's count grow past it while mark-sweep's does not move. */
Test(compare, instructions_by_callgrind) {
    const char *mb = getenv("MEMBENCH") ? getenv("MEMBENCH") : "build/membench";
    if (strstr(mb, "sanitize")) cr_skip_test("valgrind cannot run an ASan binary");
    if (system("valgrind --version >/dev/null 2>&1") != 0) cr_skip_test("no valgrind (make deps installs it)");
    char dir[64], cmd[1024], args[512];
    tmpdir(dir, sizeof dir);
    const char *cases = "cycle-pairs/rc/interning:off cycle-pairs/mark-sweep/interning:off";
    const char *size = getenv("MB_TEST_SMALL") ? "-n 300" : "-n 3000";
    const char *env[3] = {"", "", "MB_TEST_SLOW=rc"};
    for (int k = 0; k < 3; k++) {
        snprintf(cmd, sizeof cmd, "%s scripts/mb-callgrind --membench %s -o %s/i%d.json %s -- %s --seed 42 2>/dev/null",
                 env[k], mb, dir, k, cases, size);
        cr_assert_eq(system(cmd), 0, "%s", cmd);
        if (k == 1 && getenv("MB_TEST_SMALL")) break;   /* stress: collections dwarf the added work */
    }
    snprintf(args, sizeof args, "compare %s/i0.json %s/i1.json --metric instructions", dir, dir);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "two runs of one build: %s", out);
    cr_assert_eq(lines_with(out, "instructions", "ok"), 2, "%s", out);
    if (getenv("MB_TEST_SMALL")) return;
    snprintf(args, sizeof args, "compare %s/i0.json %s/i2.json --metric instructions", dir, dir);
    cr_assert_eq(run_cli(args, out, sizeof out), 1, "%s", out);
    cr_assert_eq(lines_with(out, "cycle-pairs/rc/", "FAIL: more instructions"), 1, "%s", out);
    cr_assert_eq(lines_with(out, "FAIL", NULL), 1, "only rc: %s", out);
}

/* ------------------------------------------------------------------------ */
/* Runs made differently, and the hint after a sequential regression. */

/* The first line of text into line. */
static void first_line(const char *text, char *line, size_t n) {
    size_t len = strcspn(text, "\n");
    snprintf(line, n, "%.*s", (int)(len < n ? len : n - 1), text);
}

/* Different sizes (-n) and a different scale or seed are said first, before the table; the comparison goes on. */
Test(compare, mismatch_said_first) {
    char dir[64], a[128], b[128], c[128], args[512], line[1024];
    test_tmpdir_ab(dir, sizeof dir, a, sizeof a, b, sizeof b);
    snprintf(c, sizeof c, "%s/c.json", dir);
    run_json("", "-w cycle-pairs -s rc,mark-sweep -n 1000 -r 3", a);
    run_json("", "-w cycle-pairs -s rc,mark-sweep -n 300 -r 3", b);
    snprintf(args, sizeof args, "compare %s %s", a, b);
    int st = run_cli(args, out, sizeof out);
    cr_assert_eq(st, 1, "the checksums differ, as before: %s", out);
    first_line(out, line, sizeof line);
    cr_assert(strstr(line, "NOT COMPARABLE: sizes differ in 4 entries: cycle-pairs n=1000 in the baseline, n=300 in "
                           "the contender"), "%s", out);
    cr_assert(strstr(out, "FAIL: checksum changed"), "the table still follows: %s", out);
    cr_assert_lt(strstr(out, "NOT COMPARABLE"), strstr(out, "benchmark "), "%s", out);
    /* a context that differs: the same sizes, another scale and seed */
    json_error_t je;
    json_t *root = json_load_file(a, 0, &je);
    cr_assert_not_null(root, "%s", je.text);
    json_object_set_new(json_object_get(root, "context"), "scale", json_string("quick"));
    json_object_set_new(json_object_get(root, "context"), "seed", json_integer(7));
    cr_assert_eq(json_dump_file(root, c, 0), 0);
    json_decref(root);
    snprintf(args, sizeof args, "compare %s %s --no-times --no-memory", a, c);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "the exit status is the table's: %s", out);
    first_line(out, line, sizeof line);
    cr_assert_str_eq(line, "NOT COMPARABLE: baseline scale default, contender scale quick; baseline seed 42, contender seed 7",
                     "%s", out);
    cr_assert_eq(lines_with(out, "FAIL", NULL), 0, "scripts/mb-gate takes any FAIL line as a flagged entry: %s", out);
    snprintf(args, sizeof args, "compare %s %s --no-times --no-memory --format markdown", a, c);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s", out);
    cr_assert(!strncmp(out, "> **NOT COMPARABLE:** baseline scale default", 44), "%s", out);
    /* runs made alike: nothing said */
    snprintf(args, sizeof args, "compare %s %s --no-times --no-memory", a, a);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s", out);
    cr_assert(!strstr(out, "NOT COMPARABLE"), "%s", out);
    /* Google Benchmark's own files record none of these: nothing said */
    cr_assert_eq(run_cli("compare " REAL " " REAL, out, sizeof out), 0, "%s", out);
    cr_assert(!strstr(out, "NOT COMPARABLE"), "%s", out);
}

/* Two files with times, 9 repetitions a side, the contender's real time slower by half; context as given. */
static void timed_pair(const char *dir, const char *ctx_a, const char *ctx_b, char *a, char *b, size_t n) {
    snprintf(a, n, "%s/ta.json", dir);
    snprintf(b, n, "%s/tb.json", dir);
    write_timed(a, b, ctx_a, ctx_b);
}

/* The last line of text into line. */
static void last_line(const char *text, char *line, size_t n) {
    size_t len = strlen(text);
    while (len && text[len - 1] == '\n') len--;
    const char *s = text + len;
    while (s > text && s[-1] != '\n') s--;
    snprintf(line, n, "%.*s", (int)(text + len - s), s);
}

/* A time regression between two sequential runs on one host: a last line points to scripts/mb-gate;
 * not after interleaved runs, not across hosts, not without a regression. */
Test(compare, sequential_regression_hint) {
    char dir[64], a[128], b[128], args[512], line[2048];
    tmpdir(dir, sizeof dir);
    timed_pair(dir, "{\"host_name\": \"vm\"}", "{\"host_name\": \"vm\"}", a, b, sizeof a);
    snprintf(args, sizeof args, "compare %s %s", a, b);
    cr_assert_eq(run_cli(args, out, sizeof out), 1, "%s", out);
    last_line(out, line, sizeof line);
    cr_assert(!strncmp(line, "hint: both files come from host vm", 34) && strstr(line, "scripts/mb-gate") &&
              strstr(line, "interleaved"), "%s", out);
    cr_assert_eq(lines_with(out, "FAIL", NULL), 1, "the hint is no FAIL line (scripts/mb-gate reads them): %s", out);
    snprintf(args, sizeof args, "compare %s %s", b, a);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "faster: %s", out);
    cr_assert(!strstr(out, "hint:"), "no regression, no hint: %s", out);
    timed_pair(dir, "{\"host_name\": \"vm\"}", "{\"host_name\": \"other\"}", a, b, sizeof a);
    snprintf(args, sizeof args, "compare %s %s", a, b);
    cr_assert_eq(run_cli(args, out, sizeof out), 1, "%s", out);
    cr_assert(!strstr(out, "hint:"), "two machines: %s", out);
    timed_pair(dir, "{\"host_name\": \"vm\", \"interleaved_runs\": 18}", "{\"host_name\": \"vm\", \"interleaved_runs\": 18}",
               a, b, sizeof a);
    snprintf(args, sizeof args, "compare %s %s", a, b);
    cr_assert_eq(run_cli(args, out, sizeof out), 1, "%s", out);
    cr_assert(!strstr(out, "hint:"), "already interleaved (scripts/mb-interleave): %s", out);
}
