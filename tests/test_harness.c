/* test_harness.c: the harness: isolated cases, error entries, the JSON contract, every counter, compare.py, hyperfine import, atomic output. */
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/run/runner.h"
#include "tests/helpers.h"

static char out[1 << 17];

static const char *str(json_t *o, const char *k) {
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static double num(json_t *o, const char *k) {
    json_t *v = json_object_get(o, k);
    cr_assert(json_is_number(v), "field %s is a number in %s", k, str(o, "name"));
    return json_number_value(v);
}

/* The iteration entry of a name and repetition, or NULL. */
static json_t *entry(json_t *root, const char *name, int rep) {
    json_t *b = json_object_get(root, "benchmarks"), *e;
    size_t i;
    json_array_foreach(b, i, e) {
        if (!strcmp(str(e, "name"), name) && !strcmp(str(e, "run_type"), "iteration") &&
            (rep < 0 || num(e, "repetition_index") == rep))
            return e;
    }
    return NULL;
}

static const char *const counters[] = {
    "items_per_second", "objects_allocated", "objects_freed", "leaked_objects", "leaked_bytes",
    "uncollectable_objects", "peak_live_bytes", "peak_rss_bytes", "collections", "gc_time_ns",
    "pause_p50_ns", "pause_p99_ns", "pause_max_ns", "checksum"};
#define NCOUNTERS (sizeof counters / sizeof *counters)

/* The contract of docs/design.md section 8, field by field. */
Test(harness, json_schema_and_aggregates) {
    char dir[64], file[128], args[512];
    tmpdir(dir, sizeof dir);
    snprintf(file, sizeof file, "%s/a.json", dir);
    uint64_t n = test_size(300, 40);
    size_t nw;
    const char *wl = test_workloads_upto(n, &nw);
    snprintf(args, sizeof args, "run -w %s -s all -i both -n %d -r 3 --seed 9 -f json -o %s", wl, (int)n, file);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s", out);
    json_t *root = test_load_json(file), *ctx = json_object_get(root, "context");
    static const char *const ctx_fields[] = {"date", "host_name", "executable", "num_cpus", "mhz_per_cpu",
        "cpu_scaling_enabled", "caches", "load_avg", "library_build_type", "membench_version", "git_commit",
        "allocator", "heap_multiplier", "seed", "scale"};
    for (size_t i = 0; i < sizeof ctx_fields / sizeof *ctx_fields; i++)
        cr_assert_not_null(json_object_get(ctx, ctx_fields[i]), "context.%s", ctx_fields[i]);
    cr_assert_eq(num(ctx, "seed"), 9);
    cr_assert_str_eq(str(ctx, "allocator"), "own");  /* the default (docs/strategies.md) */
    json_t *b = json_object_get(root, "benchmarks"), *e;
    size_t ns = mb_strategy_count();
    /* per family: 3 iterations + 4 aggregates */
    cr_assert_eq(json_array_size(b), nw * ns * 2 * 7);
    size_t i;
    json_array_foreach(b, i, e) {
        static const char *const fields[] = {"name", "family_index", "per_family_instance_index", "run_name",
            "run_type", "repetitions", "threads", "iterations", "real_time", "cpu_time", "time_unit", "label"};
        for (size_t k = 0; k < sizeof fields / sizeof *fields; k++)
            cr_assert_not_null(json_object_get(e, fields[k]), "%s has %s", str(e, "name"), fields[k]);
        for (size_t k = 0; k < NCOUNTERS; k++) num(e, counters[k]);
        cr_assert_str_eq(str(e, "time_unit"), "ns");
        cr_assert_eq(num(e, "repetitions"), 3);
        size_t fam = i / 7, pos = i % 7;
        cr_assert_eq(num(e, "family_index"), (double)fam);
        if (pos < 3) {
            cr_assert_str_eq(str(e, "run_type"), "iteration");
            cr_assert_eq(num(e, "repetition_index"), (double)pos);
            cr_assert_str_eq(str(e, "name"), str(e, "run_name"));
        } else {
            static const char *const agg[] = {"mean", "median", "stddev", "cv"};
            cr_assert_str_eq(str(e, "run_type"), "aggregate");
            cr_assert_str_eq(str(e, "aggregate_name"), agg[pos - 3]);
            cr_assert_str_eq(str(e, "aggregate_unit"), pos == 6 ? "percentage" : "time");
            char want[256];
            snprintf(want, sizeof want, "%s_%s", str(e, "run_name"), agg[pos - 3]);
            cr_assert_str_eq(str(e, "name"), want);
            cr_assert_null(json_object_get(e, "repetition_index"));
        }
    }
    /* the mean aggregate is the mean of the three repetitions */
    const char *name = "cycle-pairs/rc/interning:off";
    double sum = 0;
    for (int r = 0; r < 3; r++) sum += num(entry(root, name, r), "real_time");
    json_array_foreach(b, i, e)
        if (!strcmp(str(e, "name"), "cycle-pairs/rc/interning:off_mean"))
            cr_assert_float_eq(num(e, "real_time"), sum / 3, 1.0);
    json_decref(root);
}

/* Every counter of section 6 against values known from the workload:
 * cycle-pairs of n builds 2n one-slot lists (16-byte header + one 8-byte
 * slot, plus the strategy's side bytes) and leaks them all unless the
 * strategy collects cycles. */
Test(harness, counters_have_known_values) {
    char dir[64], file[128], args[512];
    tmpdir(dir, sizeof dir);
    snprintf(file, sizeof file, "%s/c.json", dir);
    int n = (int)test_size(1000, 100);
    snprintf(args, sizeof args, "run -w cycle-pairs -s all -i off -n %d -r 1 -f json -o %s", n, file);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s", out);
    json_t *root = test_load_json(file);
    double checksum = -1;
    for (size_t si = 0; mb_strategies[si]; si++) {
        const mb_strategy_t *s = mb_strategies[si];
        char name[128];
        snprintf(name, sizeof name, "cycle-pairs/%s/interning:off", s->name);
        json_t *e = entry(root, name, 0);
        cr_assert_not_null(e, "%s", name);
        double obj = 24.0 + (double)s->side_bytes;
        bool leaks = !has(s, MB_ATTR_FREES) || !has(s, MB_ATTR_CYCLES);
        cr_assert_eq(num(e, "objects_allocated"), 2.0 * n, "%s", name);
        if (has(s, MB_ATTR_CONSERVATIVE)) {  /* may retain a few: the sum still holds */
            cr_assert_eq(num(e, "objects_freed") + num(e, "leaked_objects"), 2.0 * n, "%s", name);
        } else {
            cr_assert_eq(num(e, "leaked_objects"), leaks ? 2.0 * n : 0, "%s", name);
            cr_assert_eq(num(e, "leaked_bytes"), leaks ? 2.0 * n * obj : 0, "%s", name);
            cr_assert_eq(num(e, "objects_freed"), leaks ? 0 : 2.0 * n, "%s", name);
        }
        cr_assert_eq(num(e, "uncollectable_objects"), 0, "%s", name);
        if (leaks) cr_assert_eq(num(e, "peak_live_bytes"), 2.0 * n * obj, "%s: every pair live at the end", name);
        else cr_assert(num(e, "peak_live_bytes") >= 2 * obj && num(e, "peak_live_bytes") <= 2.0 * n * obj, "%s", name);
        cr_assert_gt(num(e, "peak_rss_bytes"), num(e, "peak_live_bytes"), "%s: RSS holds the live objects", name);
        double ips = (double)n / (num(e, "real_time") / 1e9);
        cr_assert_float_eq(num(e, "items_per_second"), ips, ips * 1e-9, "%s", name);
        double p50 = num(e, "pause_p50_ns"), p99 = num(e, "pause_p99_ns"), pmax = num(e, "pause_max_ns");
        cr_assert(p50 <= p99 && p99 <= pmax && pmax <= num(e, "gc_time_ns"), "%s: pauses ordered", name);
        if (s->collect || has(s, MB_ATTR_TRACES)) {
            cr_assert_geq(num(e, "collections"), 1, "%s: at least the teardown collection", name);
            cr_assert_gt(pmax, 0, "%s", name);
        } else {
            cr_assert_eq(num(e, "collections"), 0, "%s", name);
            cr_assert_eq(pmax, 0, "%s", name);
        }
        if (checksum < 0) checksum = num(e, "checksum");
        cr_assert_eq(num(e, "checksum"), checksum, "%s: same checksum", name);
    }
    json_decref(root);
}

/* A crashing case becomes an error entry; the other cases still run; exit 1. */
struct crash { char how[16]; char msg[64]; char extra[32]; };
static const struct crash crashes[] = {
    {"segv", "killed by signal 11", ""},
    {"abort", "killed by signal 6", ""},
    {"exit", "exited with status 3", ""},
    {"hang", "timed out after 0.5 s", "--timeout 0.5"},
};
ParameterizedTestParameters(harness, crash_is_an_error_entry) {
    return cr_make_param_array(struct crash, (struct crash *)crashes, sizeof crashes / sizeof *crashes);
}
ParameterizedTest(struct crash *c, harness, crash_is_an_error_entry) {
    char dir[64], file[128], args[512];
    tmpdir(dir, sizeof dir);
    snprintf(file, sizeof file, "%s/x.json", dir);
    snprintf(args, sizeof args, "run -w cycle-pairs -s rc,mark-sweep -i off -n 100 -r 2 %s -f json -o %s", c->extra, file);
    char env[64];
    snprintf(env, sizeof env, "cycle-pairs/rc:%s", c->how);
    setenv("MB_TEST_CRASH", env, 1);
    int st = run_cli(args, out, sizeof out);
    unsetenv("MB_TEST_CRASH");
    cr_assert_eq(st, 1, "exit status %d: %s", st, out);
    json_t *root = test_load_json(file);
    for (int r = 0; r < 2; r++) {
        json_t *bad = entry(root, "cycle-pairs/rc/interning:off", r);
        cr_assert(json_is_true(json_object_get(bad, "error_occurred")));
        cr_assert(strstr(str(bad, "error_message"), c->msg), "%s", str(bad, "error_message"));
        json_t *good = entry(root, "cycle-pairs/mark-sweep/interning:off", r);
        cr_assert_null(json_object_get(good, "error_occurred"), "the other case ran");
        cr_assert_eq(num(good, "leaked_objects"), 0);
    }
    json_decref(root);
}

/* Google Benchmark's compare.py reads two of our files and prints U-test p-values. */
Test(harness, compare_py_reads_our_files) {
    const char *py = "/usr/bin/python3", *cmp = "/usr/share/benchmark/compare.py";
    if (access(py, X_OK) != 0 || access(cmp, R_OK) != 0) cr_skip_test("libbenchmark-tools is not installed");
    char dir[64], a[128], b[128], args[512];
    test_tmpdir_ab(dir, sizeof dir, a, sizeof a, b, sizeof b);
    const char *size = getenv("MB_TEST_SMALL") ? "-n 40" : "--scale quick";
    const char *wl = getenv("MB_TEST_SMALL") ? test_workloads_upto(40, NULL) : "all";
    snprintf(args, sizeof args, "run -w %s -s all -i both %s -r 3 -f json -o %s", wl, size, a);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s", out);
    snprintf(args, sizeof args, "run -w %s -s all -i both %s -r 3 --seed 43 -f json -o %s", wl, size, b);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s", out);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s %s benchmarks %s %s 2>&1", py, cmp, a, b);
    FILE *p = popen(cmd, "r");
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    char sink[4096];                    /* read the rest, so compare.py never meets a closed pipe */
    while (fread(sink, 1, sizeof sink, p) > 0) {}
    int st = pclose(p);
    cr_assert_eq(st, 0, "compare.py failed: %s", out);
    cr_assert_null(strstr(out, "Traceback"), "%s", out);
    cr_assert(strstr(out, "cycle-pairs/rc/interning:off_pvalue"), "%s", out);
    cr_assert(strstr(out, "U Test, Repetitions: 3 vs 3"), "%s", out);
}

static void write_file(const char *path, const char *text) {
    test_write_file(path, text);
}

/* hyperfine's export (the shape hyperfine 1.15 writes) becomes Google Benchmark entries. */
Test(harness, import_hyperfine) {
    char dir[64], hf[128], gb[128], args[512];
    tmpdir(dir, sizeof dir);
    snprintf(hf, sizeof hf, "%s/hf.json", dir);
    snprintf(gb, sizeof gb, "%s/gb.json", dir);
    write_file(hf, "{\"results\": [\n"
        " {\"command\": \"build/membench run -w cycle-pairs -s rc -i off --scale quick -r 1\", \"mean\": 0.02,"
        "  \"stddev\": 0.001, \"median\": 0.02, \"user\": 0.015, \"system\": 0.003, \"min\": 0.019, \"max\": 0.021,"
        "  \"times\": [0.019, 0.02, 0.021], \"exit_codes\": [0, 0, 0], \"parameters\": {\"strategy\": \"rc\"}},\n"
        " {\"command\": \"build/membench run -w cycle-pairs -s none -i off --scale quick -r 1\", \"mean\": 0.03,"
        "  \"stddev\": 0.001, \"median\": 0.03, \"user\": 0.02, \"system\": 0.004, \"min\": 0.029, \"max\": 0.031,"
        "  \"times\": [0.029, 0.03, 0.031], \"exit_codes\": [0, 0, 1], \"parameters\": {\"strategy\": \"none\"}}]}\n");
    snprintf(args, sizeof args, "import-hyperfine %s -o %s", hf, gb);
    cr_assert_eq(run_cli(args, out, sizeof out), 1, "a run exited 1: status 1; %s", out);
    json_t *root = test_load_json(gb);
    json_t *e = entry(root, "cycle-pairs/rc/interning:off", 1);
    cr_assert_not_null(e);
    cr_assert_float_eq(num(e, "real_time"), 0.02e9, 1.0);
    cr_assert_float_eq(num(e, "cpu_time"), 0.018e9, 1.0);
    cr_assert_str_eq(str(json_object_get(root, "context"), "scale"), "quick");
    json_t *bad = entry(root, "cycle-pairs/none/interning:off", 2);
    cr_assert(json_is_true(json_object_get(bad, "error_occurred")));
    /* 3 + 4 aggregates for rc, 3 + 4 for none (two error-free runs still aggregate) */
    cr_assert_eq(json_array_size(json_object_get(root, "benchmarks")), 14);
    json_decref(root);
}

/* Bad input: exit 2, one line naming the problem, and no file (not even a temporary one) left behind. */
struct badfile { char args[128]; char content[160]; char msg[96]; };
static const struct badfile badfiles[] = {
    {"run -w nosuch -o OUT", "", "unknown workload 'nosuch'"},
    {"run -w cycle-pairs -s none -i off -n 100000000000 -o OUT", "", "beyond this machine's memory"},
    {"run -w cycle-pairs -n 10 -o /nonexistent-dir/x.json", "", "cannot write '/nonexistent-dir/x.json'"},
    {"run -f yaml -o OUT", "", "--format must be console, json, csv, markdown or bmf"},
    {"import-hyperfine IN -o OUT", "{\"results\": [", "malformed hyperfine file"},
    {"import-hyperfine IN -o OUT", "{\"results\": 3}", "no \"results\" array"},
    {"import-hyperfine IN -o OUT", "{\"results\": [{\"command\": \"x\"}]}", "no \"times\" array"},
    {"import-hyperfine IN -o OUT", "{\"results\": [{\"command\": \"x\", \"times\": [\"a\"]}]}", "times[0] is a string, not a number"},
    {"import-hyperfine /nonexistent.json -o OUT", "", "malformed hyperfine file /nonexistent.json"},
    {"report IN -o OUT", "{\"benchmarks\": 1}", "\"benchmarks\" is a number, not an array"},
    {"report /nonexistent.json -o OUT", "", "cannot read /nonexistent.json"},
    {"report IN -o OUT", " ", "'[' or '{' expected"},                               /* empty */
    {"report IN -o OUT", "{\"benchmarks\": [{\"name\": \"a\", \"real_", "premature end of input"},    /* truncated */
    {"report IN -o OUT", "[1, 2]", "not Google Benchmark JSON: the top level is an array"},                    /* not Google Benchmark */
    {"report IN -o OUT", "{\"benchmarks\": [{\"name\": 3}]}", "\"name\" is a number, not a string"},  /* wrong types */
    {"report IN -o OUT", "{\"benchmarks\": [{\"name\": \"a\", \"real_time\": \"1\", \"cpu_time\": 1}]}",
     "\"real_time\" is a string, not a number"},
    {"report IN -o OUT", "{\"benchmarks\": [{\"name\": \"a\", \"real_time\": 1e999, \"cpu_time\": 1}]}",
     "real number overflow"},                                                     /* huge numbers */
    {"report IN -o OUT", "{\"benchmarks\": [{\"name\": \"a\", \"real_time\": 1e300, \"cpu_time\": 1}]}",
     "\"real_time\" is 1e+300 ns, not a time from 0 to 1e18 ns"},
    {"report IN -o OUT", "{\"benchmarks\": [{\"name\": \"a\", \"real_time\": 1, \"cpu_time\": 1, \"repetitions\": -4}]}",
     "\"repetitions\" is -4, not an integer from 1 to 1e18"},
    {"report IN -o OUT", "{\"benchmarks\": [{\"name\": \"a\", \"real_time\": 1, \"cpu_time\": 1, \"time_unit\": \"fortnights\"}]}",
     "time_unit \"fortnights\", not ns, us, ms or s"},
    {"import-hyperfine IN -o OUT", " ", "'[' or '{' expected"},
    {"import-hyperfine IN -o OUT", "{\"results\": [{\"command\": \"x\", \"times\": [1e999]}]}", "real number overflow"},
    /* report and compare read with one set of rules */
    {"report IN -o OUT", "{\"benchmarks\": [{\"name\": \"a\", \"run_type\": \"bogus\", \"real_time\": 1, \"cpu_time\": 1}]}",
     "run_type \"bogus\", not \"iteration\" or \"aggregate\""},
    {"report IN -o OUT", "{\"benchmarks\": [{\"name\": \"a\", \"error_occurred\": \"yes\", \"real_time\": 1, \"cpu_time\": 1}]}",
     "\"error_occurred\" is a string, not a boolean"},
    /* out of range, negative, mistyped */
    {"import-hyperfine IN -o OUT", "{\"results\": [{\"command\": \"x\", \"times\": [1e300]}]}",
     "results[0].times[0] is 1e+300, not a time from 0 to 1000000000 s"},
    {"import-hyperfine IN -o OUT", "{\"results\": [{\"command\": \"x\", \"times\": [-1]}]}", "times[0] is -1, not a time"},
    {"import-hyperfine IN -o OUT", "{\"results\": [{\"command\": \"x\", \"times\": [1], \"user\": -5}]}",
     "results[0].user is -5, not a time from 0"},
    {"import-hyperfine IN -o OUT", "{\"results\": [{\"command\": \"x\", \"times\": [1], \"system\": \"fast\"}]}",
     "results[0].system is a string, not a number of seconds"},
    {"import-hyperfine IN -o OUT", "{\"results\": [{\"command\": \"x\", \"times\": [1], \"mean\": \"fast\"}]}",
     "results[0].mean is a string, not a number of seconds"},
    {"import-hyperfine IN -o OUT", "{\"results\": [{\"command\": \"x\", \"times\": [1,1,1], \"exit_codes\": [\"boom\", null, 2.5]}]}",
     "results[0].exit_codes[0] is a string, not an integer exit status"},
    {"import-hyperfine IN -o OUT", "{\"results\": [{\"command\": \"x\", \"times\": [1,1], \"exit_codes\": [0, 2.5]}]}",
     "results[0].exit_codes[1] is 2.5, not an integer exit status"},
    {"import-hyperfine IN -o OUT", "{\"results\": [{\"command\": \"x\", \"times\": [1,1], \"exit_codes\": [0]}]}",
     "results[0].exit_codes has 1 entries for 2 times"},
};
ParameterizedTestParameters(harness, bad_input_leaves_no_file) {
    return cr_make_param_array(struct badfile, (struct badfile *)badfiles, sizeof badfiles / sizeof *badfiles);
}
ParameterizedTest(struct badfile *b, harness, bad_input_leaves_no_file) {
    char dir[64], args[1024], in[128], outp[128];
    tmpdir(dir, sizeof dir);
    snprintf(in, sizeof in, "%s/in.json", dir);
    snprintf(outp, sizeof outp, "%s/out.json", dir);
    if (b->content[0]) write_file(in, b->content);
    /* substitute IN and OUT */
    args[0] = '\0';
    for (const char *q = b->args; *q;) {
        const char *word = !strncmp(q, "IN ", 3) ? in : !strncmp(q, "OUT", 3) ? outp : NULL;
        size_t l = strlen(args);
        cr_assert_lt(l + 200, sizeof args);
        if (word) { strcat(args, word); q += !strncmp(q, "IN ", 3) ? 2 : 3; }
        else { args[l] = *q++; args[l + 1] = '\0'; }
    }
    int st = run_cli(args, out, sizeof out);
    cr_assert_eq(st, 2, "'%s' exits %d: %s", args, st, out);
    cr_assert(strstr(out, b->msg), "'%s' says: %s", args, out);
    /* one line naming the problem (then, for bad usage, the usage) */
    const char *nl = strchr(out, '\n');
    cr_assert(!strncmp(out, "membench: ", 10) && nl, "'%s': not one \"membench: ...\" line: %s", args, out);
    char first[1024];
    snprintf(first, sizeof first, "%.*s", (int)(nl - out), out);
    cr_assert(strstr(first, b->msg), "'%s': the first line does not name the problem: %s", args, out);
    cr_assert(!nl[1] || !strncmp(nl + 1, "usage: ", 7), "'%s': more than one line: %s", args, out);
    DIR *d = opendir(dir);
    struct dirent *de;
    while ((de = readdir(d)))
        cr_assert(de->d_name[0] == '.' && (!de->d_name[1] || (de->d_name[1] == '.' && !de->d_name[2])) ? 1 :
                  !strcmp(de->d_name, "in.json"), "'%s' left %s behind", args, de->d_name);
    closedir(d);
}

/* CSV: a header naming every counter, then one row per run; Markdown: a table with every case. */
Test(harness, csv_and_markdown) {
    setenv("MB_QUIET", "1", 1);         /* no progress lines in the captured output */
    cr_assert_eq(run_cli("run -w cycle-pairs -s rc,mark-sweep -i off -n 100 -r 2 -f csv", out, sizeof out), 0, "%s", out);
    char *nl = strchr(out, '\n');
    cr_assert_not_null(nl);
    *nl = '\0';
    for (size_t k = 0; k < NCOUNTERS; k++) cr_assert(strstr(out, counters[k]), "csv header has %s: %s", counters[k], out);
    size_t rows = 0;
    for (char *q = nl + 1; (q = strchr(q, '\n')); q++) rows++;
    cr_assert_eq(rows, 2 * (2 + 4), "2 cases x (2 repetitions + 4 aggregates)");
    cr_assert_eq(run_cli("run -w cycle-pairs -s rc,mark-sweep -i off -n 100 -r 2 -f markdown", out, sizeof out), 0);
    cr_assert(strstr(out, "| `cycle-pairs/rc/interning:off` |"), "%s", out);
    for (size_t k = 0; k < NCOUNTERS; k++) cr_assert(strstr(out, counters[k]), "markdown has %s", counters[k]);
}

/* The isolated runner in-process API: peak RSS of the child, results equal to an in-process run. */
Test(harness, isolated_equals_in_process) {
    mb_case_t c = {.workload = mb_find_workload("cycle-pairs"), .strategy = mb_find_strategy("rc"),
                   .args = {.n = 500, .seed = 3}};
    mb_result_t a, b;
    char err[256];
    cr_assert_eq(mb_run_isolated(&c, 60, &a, err, sizeof err), 0, "%s", err);
    cr_assert_eq(mb_case_run(&c, &b), 0);
    cr_assert_eq(a.checksum, b.checksum);
    cr_assert_eq(a.stats.leaked_objects, b.stats.leaked_objects);
    cr_assert_gt(a.peak_rss_bytes, 0);
}

/* --allocator jemalloc: Google Benchmark's memory-manager fields from jemalloc's statistics. */
Test(harness, jemalloc_statistics) {
    if (access("/usr/lib/x86_64-linux-gnu/libjemalloc.so.2", R_OK) != 0 && access("/usr/lib/libjemalloc.so.2", R_OK) != 0)
        cr_skip_test("libjemalloc2 is not installed");
    char dir[64], file[128], args[512];
    tmpdir(dir, sizeof dir);
    snprintf(file, sizeof file, "%s/j.json", dir);
    int n = (int)test_size(2000, 100);
    snprintf(args, sizeof args, "run -w cycle-pairs -s rc -i off -n %d -r 1 --allocator jemalloc -f json -o %s", n, file);
    int st = run_cli(args, out, sizeof out);
    if (strstr(out, "ASan runtime does not come first")) cr_skip_test("jemalloc cannot be preloaded under AddressSanitizer");
    cr_assert_eq(st, 0, "%s", out);
    json_t *root = test_load_json(file);
    cr_assert_str_eq(str(json_object_get(root, "context"), "allocator"), "jemalloc");
    json_t *e = entry(root, "cycle-pairs/rc/interning:off", 0);
    /* rc leaks every pair, so everything allocated in the region is still in use at its end */
    cr_assert_geq(num(e, "max_bytes_used"), num(e, "peak_live_bytes"));
    cr_assert_geq(num(e, "total_allocated_bytes"), 2.0 * n * 24);
    json_decref(root);
}

/* `membench report` reads a results file back: the same aggregates in every format. */
Test(harness, report_reads_results_back) {
    setenv("MB_QUIET", "1", 1);
    char dir[64], file[128], args[512], csv1[1 << 14];
    tmpdir(dir, sizeof dir);
    snprintf(file, sizeof file, "%s/r.json", dir);
    snprintf(args, sizeof args, "run -w cycle-pairs -s rc,none -i off -n 100 -r 3 -f json -o %s", file);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s", out);
    snprintf(args, sizeof args, "report %s -f json -o %s/r2.json", file, dir);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s", out);
    snprintf(args, sizeof args, "report %s -f csv", file);
    cr_assert_eq(run_cli(args, csv1, sizeof csv1), 0);
    snprintf(args, sizeof args, "report %s/r2.json -f csv", dir);
    cr_assert_eq(run_cli(args, out, sizeof out), 0);
    cr_assert_str_eq(out, csv1, "a file read back and written again is the same");
    cr_assert(strstr(csv1, "cycle-pairs/none/interning:off_median"), "%s", csv1);
}

/* make hyperfine's pipeline, small: hyperfine's own export imported and read by compare.py. */
Test(harness, hyperfine_round_trip) {
    if (access("/usr/bin/hyperfine", X_OK) != 0) cr_skip_test("hyperfine is not installed");
    char dir[64], cmd[2048];
    tmpdir(dir, sizeof dir);
    const char *mb = getenv("MEMBENCH") ? getenv("MEMBENCH") : "build/membench";
    snprintf(cmd, sizeof cmd, "hyperfine -N --warmup 1 --runs 3 -L strategy rc,none --export-json %s/hf.json "
             "'%s run -w cycle-pairs -s {strategy} -i off -n 200 -r 1 -f json -o /dev/null' >/dev/null 2>&1", dir, mb);
    cr_assert_eq(system(cmd), 0, "%s", cmd);
    char args[512];
    snprintf(args, sizeof args, "import-hyperfine %s/hf.json -o %s/gb.json", dir, dir);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s", out);
    char path[128];
    snprintf(path, sizeof path, "%s/gb.json", dir);
    json_t *root = test_load_json(path);
    cr_assert_not_null(entry(root, "cycle-pairs/rc/interning:off", 2));
    cr_assert_not_null(entry(root, "cycle-pairs/none/interning:off", 0));
    json_decref(root);
    if (access("/usr/share/benchmark/compare.py", R_OK) == 0) {
        snprintf(cmd, sizeof cmd, "/usr/bin/python3 /usr/share/benchmark/compare.py benchmarks %s/gb.json %s/gb.json >/dev/null 2>&1", dir, dir);
        cr_assert_eq(system(cmd), 0, "compare.py reads the import");
    }
}
