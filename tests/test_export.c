/* test_export.c: exports for tools that key by name: aggregates only, Bencher Metric Format, jemalloc's counters where they apply. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "harness/report/report.h"
#include "tests/helpers.h"

static char out[1 << 17];

static const char *str(json_t *o, const char *k) {
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : "";
}

/* A suite of cycle-pairs under rc and none, 3 repetitions each, run (each in a child). */
static void small_suite(mb_suite_t *s) {
    memset(s, 0, sizeof *s);
    s->executable = "membench-tests";
    s->scale = "custom";
    s->allocator = "libc";
    s->timeout_s = test_case_timeout();
    const char *strategies[] = {"rc", "none"};
    for (int i = 0; i < 2; i++) {
        mb_case_t c = {.workload = mb_find_workload("cycle-pairs"), .strategy = mb_find_strategy(strategies[i]),
                       .args = {.n = 200, .seed = 42, .finalizers = true}};
        mb_suite_add(s, &c, 3, "n=200");
    }
    setenv("MB_QUIET", "1", 1);
    cr_assert_eq(mb_suite_run(s), 0);
}

/* Write the suite as JSON into path. */
static void write_json(const mb_suite_t *s, const char *path) {
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    mb_context_t ctx;
    mb_context_read(&ctx);
    mb_report_json(f, s, &ctx);
    cr_assert_eq(fclose(f), 0);
}

/* Aggregates only: no iteration entries, one entry per aggregate and case,
 * every name once (what tools keying by name need). */
static void check_aggregates_only(json_t *root) {
    static const char *const cases[] = {"cycle-pairs/rc/interning:off", "cycle-pairs/none/interning:off"};
    static const char *const aggs[] = {"mean", "median", "stddev", "cv"};
    json_t *b = json_object_get(root, "benchmarks"), *e;
    cr_assert_eq(json_array_size(b), 8, "4 aggregates of 2 cases, got %zu entries", json_array_size(b));
    size_t i;
    json_array_foreach(b, i, e) {
        cr_assert_str_eq(str(e, "run_type"), "aggregate", "%s", str(e, "name"));
        char want[128];
        snprintf(want, sizeof want, "%s_%s", cases[i / 4], aggs[i % 4]);
        cr_assert_str_eq(str(e, "name"), want);
        cr_assert_str_eq(str(e, "run_name"), cases[i / 4]);
        cr_assert_str_eq(str(e, "aggregate_name"), aggs[i % 4]);
        cr_assert(json_is_number(json_object_get(e, "leaked_objects")), "%s has its counters", want);
    }
}

Test(export, aggregates_only_json) {
    mb_suite_t s;
    small_suite(&s);
    char dir[64], file[128], all[128];
    tmpdir(dir, sizeof dir);
    snprintf(all, sizeof all, "%s/all.json", dir);
    write_json(&s, all);                /* without the field: every repetition, then the aggregates */
    json_t *root = test_load_json(all);
    cr_assert_eq(json_array_size(json_object_get(root, "benchmarks")), 14);
    json_decref(root);
    s.aggregates_only = true;
    snprintf(file, sizeof file, "%s/agg.json", dir);
    write_json(&s, file);
    root = test_load_json(file);
    check_aggregates_only(root);
    /* the aggregates are those of the full file */
    json_t *full = test_load_json(all), *e;
    size_t i;
    json_array_foreach(json_object_get(root, "benchmarks"), i, e) {
        json_t *f = json_array_get(json_object_get(full, "benchmarks"), (i / 4) * 7 + 3 + i % 4);
        cr_assert_str_eq(str(f, "name"), str(e, "name"));
        cr_assert(json_equal(json_object_get(f, "real_time"), json_object_get(e, "real_time")));
        cr_assert(json_equal(json_object_get(f, "leaked_objects"), json_object_get(e, "leaked_objects")));
    }
    json_decref(full);
    json_decref(root);
    mb_suite_free(&s);
}

/* CSV follows the same field: aggregate rows only. */
Test(export, aggregates_only_csv) {
    mb_suite_t s;
    small_suite(&s);
    s.aggregates_only = true;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    mb_report_csv(f, &s);
    fclose(f);
    size_t lines = 0;
    for (char *p = buf; *p; p++) lines += *p == '\n';
    cr_assert_eq(lines, 1 + 8, "a header and 8 aggregate rows:\n%s", buf);
    cr_assert_null(strstr(buf, ",iteration,"), "%s", buf);
    free(buf);
    mb_suite_free(&s);
}

/* An aggregates-only file read back: report writes it again as it was, its
 * table shows every case, BMF takes the medians; compare says it cannot test
 * aggregates. */
Test(export, aggregates_only_file_read_back) {
    mb_suite_t s;
    small_suite(&s);
    s.aggregates_only = true;
    char dir[64], file[128], args[512];
    tmpdir(dir, sizeof dir);
    snprintf(file, sizeof file, "%s/agg.json", dir);
    write_json(&s, file);
    mb_suite_free(&s);
    snprintf(args, sizeof args, "report %s -f json -o %s/again.json", file, dir);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s", out);
    char again[160];
    snprintf(again, sizeof again, "%s/again.json", dir);
    json_t *a = test_load_json(file), *b = test_load_json(again);
    check_aggregates_only(b);
    cr_assert(json_equal(json_object_get(a, "benchmarks"), json_object_get(b, "benchmarks")),
              "read back and written again, the same entries");
    json_decref(a);
    json_decref(b);
    snprintf(args, sizeof args, "report %s", file);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s", out);
    cr_assert(strstr(out, "cycle-pairs/none/interning:off "), "%s", out);
    cr_assert_null(strstr(out, "no successful run"), "%s", out);
    snprintf(args, sizeof args, "report %s -f bmf -o %s/agg.bmf", file, dir);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s", out);
    snprintf(again, sizeof again, "%s/agg.bmf", dir);
    json_t *bmf = test_load_json(again);
    json_t *rc = json_object_get(bmf, "cycle-pairs/rc/interning:off");
    cr_assert_not_null(rc, "%s", out);
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(rc, "leaked-objects"), "value")), 400);
    json_decref(bmf);
    snprintf(args, sizeof args, "compare %s %s", file, file);
    int st = run_cli(args, out, sizeof out);
    cr_assert_neq(st, 0, "%s", out);
    cr_assert(strstr(out, "aggregates are not samples"), "%s", out);
}

/* One BMF measure: {value, lower_value <= value <= upper_value}. */
static json_t *bmf_measure(json_t *bench, const char *slug, bool bounds) {
    json_t *m = json_object_get(bench, slug);
    cr_assert(json_is_object(m), "measure %s", slug);
    json_t *v = json_object_get(m, "value");
    cr_assert(json_is_number(v), "%s: value", slug);
    if (bounds) {
        double lo = json_number_value(json_object_get(m, "lower_value"));
        double hi = json_number_value(json_object_get(m, "upper_value"));
        cr_assert(lo <= json_number_value(v) && json_number_value(v) <= hi, "%s: %g <= %g <= %g", slug, lo,
                  json_number_value(v), hi);
    }
    return m;
}

/* -f bmf: valid JSON, keyed by case name, the measures of each case, leaks exact. */
Test(export, bmf_run_and_report) {
    setenv("MB_QUIET", "1", 1);
    char dir[64], args[512], path[160];
    tmpdir(dir, sizeof dir);
    snprintf(args, sizeof args, "run -w cycle-pairs -s rc,mark-sweep,none -i off -n 300 -r 3 -f bmf -o %s/r.bmf", dir);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s", out);
    snprintf(path, sizeof path, "%s/r.bmf", dir);
    json_t *root = test_load_json(path);
    cr_assert(json_is_object(root));
    cr_assert_eq(json_object_size(root), 3);
    /* cycle-pairs leaks every pair under rc and none, nothing under mark-sweep */
    static const struct { const char *name; json_int_t leaked; } want[] = {
        {"cycle-pairs/rc/interning:off", 600}, {"cycle-pairs/mark-sweep/interning:off", 0},
        {"cycle-pairs/none/interning:off", 600}};
    static const char *const slugs[] = {"latency", "throughput", "peak-rss-bytes", "peak-live-bytes",
                                        "leaked-objects"};
    for (size_t i = 0; i < 3; i++) {
        json_t *b = json_object_get(root, want[i].name);
        cr_assert(json_is_object(b), "%s", want[i].name);
        for (size_t k = 0; k < 5; k++) bmf_measure(b, slugs[k], true);
        json_t *leaked = json_object_get(bmf_measure(b, "leaked-objects", true), "value");
        cr_assert(json_is_integer(leaked), "leaks as an exact integer");
        cr_assert_eq(json_integer_value(leaked), want[i].leaked, "%s", want[i].name);
        cr_assert_null(json_object_get(b, "max-bytes-used"), "libc: no jemalloc counters");
    }
    json_decref(root);
    /* report FILE.json -f bmf: the same leaks from a results file */
    snprintf(args, sizeof args, "run -w cycle-pairs -s rc -i off -n 300 -r 1 -f json -o %s/r.json", dir);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s", out);
    snprintf(args, sizeof args, "report %s/r.json -f bmf", dir);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s", out);
    json_error_t e;
    root = json_loads(out, 0, &e);
    cr_assert_not_null(root, "%s: %s", e.text, out);
    json_t *b = json_object_get(root, "cycle-pairs/rc/interning:off");
    json_t *m = bmf_measure(b, "leaked-objects", false);
    cr_assert_eq(json_integer_value(json_object_get(m, "value")), 600);
    cr_assert_null(json_object_get(m, "lower_value"), "one run: no bounds");
    json_decref(root);
}

/* A Google Benchmark file of another program: latency for every benchmark
 * that ran, no counters of ours; the one whose every repetition failed is
 * left out (the exit status says so). */
Test(export, bmf_of_google_benchmark_file) {
    char args[512];
    snprintf(args, sizeof args, "report %s/tests/data/gbench-real.json -f bmf 2>/dev/null", MB_SOURCE_DIR);
    cr_assert_eq(run_cli(args, out, sizeof out), 1, "%s", out);
    json_error_t e;
    json_t *root = json_loads(out, 0, &e);
    cr_assert_not_null(root, "%s: %s", e.text, out);
    cr_assert_gt(json_object_size(root), 0);
    const char *k;
    json_t *b;
    json_object_foreach(root, k, b) {
        bmf_measure(b, "latency", false);
        cr_assert_null(json_object_get(b, "leaked-objects"), "%s", k);
    }
    cr_assert(json_object_get(root, "BM_vector_push/64"));
    cr_assert_null(json_object_get(root, "BM_fails"));
    json_decref(root);
}

/* Object memory of a strategy comes from --allocator exactly when it has no
 * heap of its own: the own-heap attribute says which (jemalloc's counters
 * depend on it), so it must match what the strategy declares as methods. */
STRATEGY_TEST(export, own_heap_attribute_matches_methods) {
    bool own = s->alloc || s->refill;
    cr_assert_eq(has(s, MB_ATTR_OWN_HEAP), own, "%s: own-heap is %d, alloc/refill %d", s->name,
                 has(s, MB_ATTR_OWN_HEAP), own);
}

/* --allocator jemalloc: max_bytes_used only where jemalloc sees the memory. */
Test(export, jemalloc_counters_only_where_they_apply) {
#ifdef MB_SANITIZE
    cr_skip_test("jemalloc cannot be preloaded under AddressSanitizer (and boehm is not in sanitizer builds)");
#endif
    if (access("/usr/lib/x86_64-linux-gnu/libjemalloc.so.2", R_OK) != 0 && access("/usr/lib/libjemalloc.so.2", R_OK) != 0)
        cr_skip_test("libjemalloc2 is not installed");
    setenv("MB_QUIET", "1", 1);
    char dir[64], args[512], file[128];
    tmpdir(dir, sizeof dir);
    snprintf(file, sizeof file, "%s/j.json", dir);
    snprintf(args, sizeof args, "run -w cycle-pairs -s rc,mark-sweep,boehm -i off -n 300 -r 2 --allocator jemalloc "
             "-f json -o %s", file);
    int st = run_cli(args, out, sizeof out);
    if (strstr(out, "ASan runtime does not come first")) cr_skip_test("jemalloc cannot be preloaded under AddressSanitizer");
    cr_assert_eq(st, 0, "%s", out);
    json_t *root = test_load_json(file), *e;
    size_t i, with = 0;
    json_array_foreach(json_object_get(root, "benchmarks"), i, e) {
        const char *name = str(e, "name");
        bool rc = !strncmp(name, "cycle-pairs/rc/", 15);
        cr_assert_eq(json_object_get(e, "max_bytes_used") != NULL, rc, "%s: max_bytes_used", name);
        cr_assert_eq(json_object_get(e, "total_allocated_bytes") != NULL, rc, "%s: total_allocated_bytes", name);
        with += rc;
    }
    cr_assert_eq(with, 2 + 4, "rc's repetitions and aggregates carry them");
    json_decref(root);
    /* read back: the table says n/a and names them; CSV leaves them empty; BMF only for rc */
    snprintf(args, sizeof args, "report %s", file);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s", out);
    cr_assert(strstr(out, "n/a for mark-sweep, boehm"), "%s", out);
    snprintf(args, sizeof args, "report %s -f csv", file);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s", out);
    cr_assert(strstr(out, ",max_bytes_used,total_allocated_bytes,"), "%s", out);
    for (char *line = strstr(out, "\ncycle-pairs/mark-sweep/"); line; line = strstr(line + 1, "\ncycle-pairs/mark-sweep/"))
        cr_assert(strstr(line, ",,,n=300,") && strstr(line, ",,,n=300,") < strchr(line + 1, '\n'), "%.200s", line);
    snprintf(args, sizeof args, "report %s -f bmf", file);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s", out);
    json_error_t je;
    root = json_loads(out, 0, &je);
    cr_assert_not_null(root, "%s", out);
    bmf_measure(json_object_get(root, "cycle-pairs/rc/interning:off"), "max-bytes-used", true);
    cr_assert_null(json_object_get(json_object_get(root, "cycle-pairs/mark-sweep/interning:off"), "max-bytes-used"));
    cr_assert_null(json_object_get(json_object_get(root, "cycle-pairs/boehm/interning:off"), "max-bytes-used"));
    json_decref(root);
    /* compare reads it (the counter absent on both sides) */
    snprintf(args, sizeof args, "compare %s %s", file, file);
    st = run_cli(args, out, sizeof out);
    cr_assert(st == 0 || st == 1, "%s", out);
    cr_assert_null(strstr(out, "cannot read"), "%s", out);
}
