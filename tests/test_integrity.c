/* test_integrity.c: data integrity under hostile conditions: closed
 * standard streams, integers that must round-trip, killed parents, symlinks,
 * concurrent writers, malformed imports. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/helpers.h"

static char out[1 << 16];

static const char *membench(void) {
    const char *bin = getenv("MEMBENCH");
    return bin ? bin : "build/membench";
}

/* Run a shell command line in which every "@" is the membench binary; its
 * stdout+stderr into out (unless the command redirects them itself). */
static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...) {
    char line[4096], cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    size_t k = 0;
    for (const char *p = line; *p && k < sizeof cmd - 600; p++) {
        if (*p == '@') k += (size_t)snprintf(cmd + k, sizeof cmd - k, "%s", membench());
        else cmd[k++] = *p;
    }
    cmd[k] = '\0';
    char full[8300];
    snprintf(full, sizeof full, "{ %s ; } 2>&1", cmd);
    return test_capture(full, out, sizeof out);
}

/* A run started with stderr (or stdout) closed: the output file
 * must not take fd 2 and receive the progress lines. */
Test(integrity, closed_standard_streams) {
    char dir[64], path[128];
    tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/out.json", dir);
    int st = sh("env -u MB_QUIET @ run -s rc -w cycle-pairs -i off -n 100 -r 2 -f json -o %s 2>&-", path);
    cr_assert_eq(st, 0, "exit %d: %s", st, out);
    json_decref(test_load_json(path));
    st = sh("env -u MB_QUIET @ run -s rc -w cycle-pairs -i off -n 100 -r 2 -f json -o %s 1>&- 2>&- 0<&-", path);
    cr_assert_eq(st, 0, "exit %d: %s", st, out);
    json_decref(test_load_json(path));
    test_rmtree(dir);
}

/* Every exact counter survives run -> report -> compare as the integer it is. */
static long long checksum_of(const char *path) {
    json_t *j = test_load_json(path), *b = json_object_get(j, "benchmarks");
    json_t *c = json_object_get(json_array_get(b, 0), "checksum");
    cr_assert(json_is_integer(c), "%s: checksum is not a JSON integer", path);
    long long v = (long long)json_integer_value(c);
    json_decref(j);
    return v;
}

Test(integrity, integers_round_trip) {
    char dir[64], a[128], b[128];
    test_tmpdir_ab(dir, sizeof dir, a, sizeof a, b, sizeof b);
    int st = sh("MB_QUIET=1 @ run -w random-graph -s rc -i off -n 1000 -r 1 -f json -o %s", a);
    cr_assert_eq(st, 0, "%s", out);
    long long sum = checksum_of(a);
    cr_assert(sum > (1LL << 52) && sum % 2, "the checksum %lld must be odd and past 2^52 for this test", sum);
    cr_assert_eq(sh("@ report %s -f json -o %s", a, b), 0, "%s", out);
    cr_assert_eq(checksum_of(b), sum, "report -f json changed the checksum: %lld -> %lld", sum, checksum_of(b));
    char want[32];
    snprintf(want, sizeof want, "%lld", sum);
    cr_assert_eq(sh("@ report %s -f csv", a), 0, "%s", out);
    cr_assert(strstr(out, want), "report -f csv lost checksum %s: %s", want, out);
    cr_assert_eq(sh("@ report %s", a), 0, "%s", out);
    cr_assert(strstr(out, want), "report (console) lost checksum %s: %s", want, out);
    test_rmtree(dir);
}

/* compare tells 2^53 from 2^53 + 1 (equal as doubles). */
Test(integrity, compare_counters_exact_past_2_53) {
    char dir[64], a[128], b[128];
    test_tmpdir_ab(dir, sizeof dir, a, sizeof a, b, sizeof b);
    const char *row = "{\"benchmarks\": [{\"name\": \"w/s/interning:off\", \"run_type\": \"iteration\", "
                      "\"real_time\": 1, \"cpu_time\": 1, \"time_unit\": \"ns\", \"checksum\": %s}]}";
    FILE *f = fopen(a, "w");
    fprintf(f, row, "9007199254740992");
    fclose(f);
    f = fopen(b, "w");
    fprintf(f, row, "9007199254740993");
    fclose(f);
    int st = sh("@ compare %s %s --no-times --no-memory", a, b);
    cr_assert_eq(st, 1, "a checksum 2^53 -> 2^53+1 must fail the gate (exit %d): %s", st, out);
    cr_assert(strstr(out, "checksum changed"), "%s", out);
    cr_assert(strstr(out, "9007199254740993"), "the table shows the exact value: %s", out);
    cr_assert_eq(sh("@ compare %s %s --no-times --no-memory", a, a), 0, "%s", out);
    test_rmtree(dir);
}

/* The first child pid of process pid (from /proc), or 0. */
static pid_t first_child(pid_t pid) {
    char p[96];
    snprintf(p, sizeof p, "/proc/%d/task/%d/children", (int)pid, (int)pid);
    FILE *f = fopen(p, "r");
    if (!f) return 0;
    int c = 0;
    if (fscanf(f, "%d", &c) != 1) c = 0;
    fclose(f);
    return (pid_t)c;
}

/* pid is gone (or a zombie: dead, waiting for a reaper). */
static bool dead(pid_t pid) {
    char p[64], st[512];
    snprintf(p, sizeof p, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(p, "r");
    if (!f) return true;
    size_t n = fread(st, 1, sizeof st - 1, f);
    fclose(f);
    st[n] = '\0';
    char *rp = strrchr(st, ')');
    return rp && rp[1] == ' ' && (rp[2] == 'Z' || rp[2] == 'X');
}

static size_t count_files(const char *dir) {
    DIR *d = opendir(dir);
    cr_assert_not_null(d);
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d)))
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) n++;
    closedir(d);
    return n;
}

/* Start `membench run -o path` on a case that hangs (cycle-pairs/rc), its
 * stderr to /dev/null if asked; wait until it has started the case's child
 * (*child). Returns membench's pid. */
static pid_t start_hung_run(const char *path, bool no_stderr, pid_t *child) {
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        setenv("MB_TEST_CRASH", "cycle-pairs/rc:hang", 1);
        setenv("MB_QUIET", "1", 1);
        if (no_stderr) dup2(open("/dev/null", O_WRONLY), 2);
        execl(membench(), "membench", "run", "-w", "cycle-pairs", "-s", "rc", "-i", "off", "-n", "100", "-r", "1",
              "--timeout", "600", "-f", "json", "-o", path, (char *)NULL);
        _exit(127);
    }
    *child = 0;
    for (int i = 0; i < 500 && !*child; i++) {
        usleep(10000);
        *child = first_child(pid);
    }
    cr_assert_neq(*child, 0, "membench started no child");
    return pid;
}

/* Kill -9 of membench: the case's child dies with it, and the next
 * run into the same directory removes the dead run's temporary file. */
Test(integrity, kill9_parent) {
    char dir[64], path[128];
    tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/o.json", dir);
    pid_t child, pid = start_hung_run(path, false, &child);
    usleep(100000);
    kill(pid, SIGKILL);
    int st;
    waitpid(pid, &st, 0);
    bool gone = false;
    for (int i = 0; i < 300 && !(gone = dead(child)); i++) usleep(10000);
    if (!gone) kill(child, SIGKILL);
    cr_assert(gone, "the case's child %d outlived its killed parent", (int)child);
    cr_assert_eq(sh("MB_QUIET=1 @ run -w cycle-pairs -s rc -i off -n 100 -r 1 -f json -o %s", path), 0, "%s", out);
    cr_assert_eq(count_files(dir), 1, "the dead run's temporary file is still in %s", dir);
    test_rmtree(dir);
}

/* -o through a symlink writes the link's target; the link stays a link. */
Test(integrity, out_through_symlink) {
    char dir[64], cmd[1024], link[160], target[160];
    tmpdir(dir, sizeof dir);
    snprintf(target, sizeof target, "%s/sub/t.json", dir);
    snprintf(link, sizeof link, "%s/l.json", dir);
    snprintf(cmd, sizeof cmd, "mkdir %s/sub && echo old > %s && ln -s sub/t.json %s", dir, target, link);
    cr_assert_eq(system(cmd), 0);
    cr_assert_eq(sh("MB_QUIET=1 @ run -w cycle-pairs -s rc -i off -n 100 -r 1 -f json -o %s", link), 0, "%s", out);
    struct stat st;
    cr_assert_eq(lstat(link, &st), 0);
    cr_assert(S_ISLNK(st.st_mode), "-o replaced the symlink %s with a regular file", link);
    json_decref(test_load_json(target));
    /* a dangling link: its target is created */
    snprintf(cmd, sizeof cmd, "rm %s %s && ln -s %s/sub/new.json %s", target, link, dir, link);
    cr_assert_eq(system(cmd), 0);
    cr_assert_eq(sh("MB_QUIET=1 @ run -w cycle-pairs -s rc -i off -n 100 -r 1 -f json -o %s", link), 0, "%s", out);
    cr_assert_eq(lstat(link, &st), 0);
    cr_assert(S_ISLNK(st.st_mode), "-o replaced the dangling symlink");
    snprintf(target, sizeof target, "%s/sub/new.json", dir);
    json_decref(test_load_json(target));
    cr_assert_eq(count_files(dir), 2, "only sub/ and the link in %s", dir);
    test_rmtree(dir);
}

/* A second run into the same -o while the first runs fails (exit 2, naming the other writer). */
Test(integrity, concurrent_writers) {
    char dir[64], path[128];
    tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/o.json", dir);
    pid_t child, pid = start_hung_run(path, true, &child);
    int st = sh("MB_QUIET=1 @ run -w cycle-pairs -s rc -i off -n 100 -r 1 -f json -o %s", path);
    char want[64];
    snprintf(want, sizeof want, "pid %d", (int)pid);
    kill(pid, SIGTERM);
    int ws;
    waitpid(pid, &ws, 0);
    cr_assert_eq(st, 2, "the second writer exits %d: %s", st, out);
    cr_assert(strstr(out, "another membench") && strstr(out, want), "names the other writer: %s", out);
    /* the first run wrote what finished (nothing, marked incomplete); nothing else is left */
    cr_assert_eq(count_files(dir), 1, "files left in %s", dir);
    cr_assert_eq(sh("MB_QUIET=1 @ run -w cycle-pairs -s rc -i off -n 100 -r 1 -f json -o %s", path), 0, "%s", out);
    cr_assert_eq(count_files(dir), 1, "files left in %s", dir);
    test_rmtree(dir);
}

/* Import-hyperfine keeps to what the file says: a null exit code is a
 * failed run, and the context has no invented scale, seed, allocator or commit. */
Test(integrity, hyperfine_context_not_invented) {
    char dir[64], hf[128], gb[128];
    tmpdir(dir, sizeof dir);
    snprintf(hf, sizeof hf, "%s/hf.json", dir);
    snprintf(gb, sizeof gb, "%s/gb.json", dir);
    test_write_file(hf, "{\"results\": [{\"command\": \"sleep 0.1\", \"user\": 0.001, \"system\": 0.001, \"stddev\": null,"
                        " \"times\": [0.1, 0.1], \"exit_codes\": [0, null]}]}");
    int st = sh("@ import-hyperfine %s -o %s", hf, gb);
    cr_assert_eq(st, 1, "a run without an exit status failed: exit %d: %s", st, out);
    json_t *root = test_load_json(gb), *ctx = json_object_get(root, "context");
    static const char *const invented[] = {"scale", "seed", "allocator", "git_commit", "membench_version", "heap_multiplier"};
    for (size_t i = 0; i < sizeof invented / sizeof *invented; i++)
        cr_assert_null(json_object_get(ctx, invented[i]), "context invents \"%s\"", invented[i]);
    json_t *b = json_array_get(json_object_get(root, "benchmarks"), 1);
    cr_assert(json_is_true(json_object_get(b, "error_occurred")), "the run with a null exit code is an error");
    json_decref(root);
    test_rmtree(dir);
}

/* The entry of root named name (the n-th with that name, 0-based), or NULL. */
static json_t *named(json_t *root, const char *name, size_t nth) {
    json_t *b = json_object_get(root, "benchmarks"), *x;
    size_t i;
    json_array_foreach(b, i, x) {
        const char *n = json_string_value(json_object_get(x, "name"));
        if (n && !strcmp(n, name) && nth-- == 0) return x;
    }
    return NULL;
}

/* Report reads Google Benchmark's own files: two benchmarks of one
 * family stay two cases, user counters, iterations, fractional times and the
 * file's context are kept. */
Test(integrity, report_reads_real_google_benchmark) {
    char dir[64], path[128];
    tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/r.json", dir);
    int st = sh("@ report tests/data/gbench-real.json -f json -o %s", path);
    cr_assert_eq(st, 1, "BM_fails failed: exit %d: %s", st, out);
    json_t *root = test_load_json(path), *src = test_load_json("tests/data/gbench-real.json");
    static const char *const cases[2] = {"BM_vector_push/64", "BM_vector_push/256"};
    for (int k = 0; k < 2; k++) {
        char med[64];
        snprintf(med, sizeof med, "%s_median", cases[k]);
        json_t *mine = named(root, med, 0), *theirs = named(src, med, 0);
        cr_assert_not_null(mine, "%s is missing from report -f json", med);
        double a = json_number_value(json_object_get(mine, "real_time")),
               b = json_number_value(json_object_get(theirs, "real_time"));
        cr_assert(fabs(a - b) < 1e-6 * b, "%s real_time %.17g, Google Benchmark says %.17g", med, a, b);
        cr_assert(json_object_get(mine, "pushed"), "%s lost the user counter \"pushed\"", med);
        json_t *it = named(root, cases[k], 8), *it0 = named(src, cases[k], 8);
        cr_assert_not_null(it, "%s: 9 repetitions", cases[k]);
        cr_assert_eq(json_integer_value(json_object_get(it, "iterations")),
                     json_integer_value(json_object_get(it0, "iterations")), "iterations kept");
        cr_assert(json_equal(json_object_get(it, "real_time"), json_object_get(it0, "real_time")) ||
                  fabs(json_number_value(json_object_get(it, "real_time")) -
                       json_number_value(json_object_get(it0, "real_time"))) < 1e-9,
                  "%s: real_time with its fraction", cases[k]);
    }
    cr_assert(json_equal(json_object_get(root, "context"), json_object_get(src, "context")),
              "report -f json replaced the file's context");
    json_decref(root);
    json_decref(src);
    cr_assert_eq(sh("@ report tests/data/gbench-real.json"), 1, "%s", out);
    cr_assert(strstr(out, "BM_vector_push/256"), "the console report lost BM_vector_push/256: %s", out);
    test_rmtree(dir);
}

/* Under memory pressure the harness says "out of memory" and exits 2
 * (no crash, no empty reason, no exit 12). A results file of 20,000 entries
 * cannot be read in 16 MiB of address space. */
Test(integrity, out_of_memory_says_so) {
#ifdef MB_SANITIZE
    cr_skip_test("ASan reserves terabytes of address space: ulimit -v cannot apply");
#endif
    char dir[64], path[128];
    tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/big.json", dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("{\"context\": {}, \"benchmarks\": [", f);
    for (int i = 0; i < 20000; i++)
        fprintf(f, "%s{\"name\": \"w%d/s/interning:off\", \"run_type\": \"iteration\", \"real_time\": %d, \"cpu_time\": %d, "
                "\"time_unit\": \"ns\", \"checksum\": %d, \"objects_allocated\": %d}", i ? ",\n" : "", i, i + 1, i + 1, i, i);
    fputs("]}\n", f);
    fclose(f);
    static const char *const cmds[] = {"compare %s %s", "report %s -o %s.out", "import-hyperfine %s -o %s.out"};
    for (size_t k = 0; k < sizeof cmds / sizeof *cmds; k++) {
        char cmd[512];
        snprintf(cmd, sizeof cmd, cmds[k], path, path);
        int st = sh("ulimit -v 16384; @ %s", cmd);
        if (k == 2 && st == 2 && strstr(out, "no \"results\" array")) continue;   /* read whole: not hyperfine */
        cr_assert_eq(st, 2, "%s under 16 MiB: exit %d: %s", cmd, st, out);
        cr_assert(strstr(out, "out of memory"), "%s under 16 MiB says: %s", cmd, out);
    }
    test_rmtree(dir);
}

/* Unescaped '|' in a line (a Markdown table's cell separators). */
static int pipes(const char *line, size_t len) {
    int n = 0;
    for (size_t i = 0; i < len; i++)
        if (line[i] == '|' && (i == 0 || line[i - 1] != '\\')) n++;
    return n;
}

/* Every line of out that starts with '|' has exactly `want` separators. */
static void table_shape(const char *what, int want) {
    int rows = 0;
    for (const char *p = out; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (*p == '|') {
            rows++;
            cr_assert_eq(pipes(p, len), want, "%s: a table row with %d separators, not %d: %.*s", what, pipes(p, len),
                         want, (int)len, p);
        }
        p += len + (nl ? 1 : 0);
    }
    cr_assert_geq(rows, 3, "%s: no table: %s", what, out);
}

/* Names with '|', backticks and newlines keep Markdown tables whole. */
Test(integrity, markdown_escapes_names) {
    char dir[64], a[128];
    tmpdir(dir, sizeof dir);
    snprintf(a, sizeof a, "%s/a.json", dir);
    FILE *f = fopen(a, "w");
    fputs("{\"benchmarks\": [", f);
    for (int r = 0; r < 3; r++)
        fprintf(f, "%s{\"name\": \"odd|name`x`\\nnext\", \"run_type\": \"iteration\", \"real_time\": %d, \"cpu_time\": 1,"
                " \"time_unit\": \"ns\"}", r ? "," : "", 10 + r);
    fputs(",{\"name\": \"bad|one\", \"error_occurred\": true, \"error_message\": \"line1\\nline2 | x\"}]}", f);
    fclose(f);
    sh("@ report %s -f markdown", a);
    table_shape("report -f markdown", 22);
    cr_assert(!strstr(out, "\nnext"), "a newline of a name ends a line: %s", out);
    cr_assert(!strstr(out, "\nline2"), "a newline of a message ends a line: %s", out);
    sh("@ compare %s %s --format markdown --no-memory", a, a);
    table_shape("compare --format markdown", 8);
    cr_assert(!strstr(out, "\nnext"), "a newline of a name ends a line: %s", out);
    test_rmtree(dir);
}

/* A test that does not apply to a strategy is skipped (cr_skip_test),
 * not passed, and scripts/test-summary counts the skips from the TAP report. */
Test(integrity, skipped_tests_are_skipped) {
    char exe[4096];
    ssize_t l = readlink("/proc/self/exe", exe, sizeof exe - 1);
    cr_assert_gt(l, 0);
    exe[l] = '\0';
    sh("env -i PATH=\"$PATH\" %s --filter 'finalizers/at_most_once_rc' --tap=- 2>&1 | grep -c '# SKIP none keeps no reference counts'", exe);
    cr_assert_eq(atoi(out), 1, "finalizers::at_most_once_rc passes for none instead of being skipped: %s", out);
    char dir[64], cmd[512];
    tmpdir(dir, sizeof dir);
    snprintf(cmd, sizeof cmd,
             "printf '[====] Synthesis: Tested: 6 | Passing: 5 | Failing: 1 | Crashing: 0 \\n' > %s/test-a.log && "
             "printf 'ok - a::b b # SKIP none lacks it\\nok - a::c c # SKIP test was skipped\\nok - a::d d (0.1s)\\n"
             "ok - a::e e # SKIP rc lacks it\\n' > %s/test-a.tap", dir, dir);
    cr_assert_eq(system(cmd), 0);
    cr_assert_eq(sh("scripts/test-summary %s/test-a.log", dir), 0, "%s", out);
    cr_assert(strstr(out, "5 passed, 1 failed, 2 skipped"), "test-summary says: %s", out);
    test_rmtree(dir);
}

/* A case that hangs fails its test, with a message, within the
 * tests' own time limit (in-process helpers and `membench run` alike). */
Test(integrity, hung_case_fails_in_time) {
    setenv("MB_TEST_CRASH", "cycle-pairs/rc:hang", 1);
    mb_case_t c = {.workload = mb_find_workload("cycle-pairs"), .strategy = mb_find_strategy("rc"), .args = {.n = 10}};
    mb_result_t r;
    char err[256];
    uint64_t t0 = mb_now_ns();
    int st = test_case_isolated(&c, 1, &r, err, sizeof err);
    cr_assert_eq(st, -1, "a hung case returned");
    cr_assert(strstr(err, "timed out after 1 s"), "%s", err);
    setenv("MB_TEST_CASE_TIMEOUT", "1", 1);
    st = run_cli("run -w cycle-pairs -s rc -i off -n 10 -r 1", out, sizeof out);
    unsetenv("MB_TEST_CASE_TIMEOUT");
    unsetenv("MB_TEST_CRASH");
    cr_assert_eq(st, 1, "exit %d: %s", st, out);
    cr_assert(strstr(out, "timed out after 1 s"), "%s", out);
    cr_assert_lt(mb_now_ns() - t0, 20000000000ull, "the hung cases took more than 20 s to fail");
}

/* A test run leaves no directory behind, even from tests that keep theirs. */
Test(integrity, test_run_leaves_no_tmpdirs) {
    char exe[4096], dir[64];
    ssize_t l = readlink("/proc/self/exe", exe, sizeof exe - 1);
    cr_assert_gt(l, 0);
    exe[l] = '\0';
    tmpdir(dir, sizeof dir);
    int st = sh("env -i PATH=\"$PATH\" TMPDIR=%s MEMBENCH=%s %s --filter 'harness/bad_input_leaves_no_file' >/dev/null 2>&1; "
                "echo $?; ls -A %s | wc -l", dir, membench(), exe, dir);
    cr_assert_eq(st, 0);
    int rc = -1, left = -1;
    cr_assert_eq(sscanf(out, "%d %d", &rc, &left), 2, "%s", out);
    cr_assert_eq(rc, 0, "the nested run failed: %s", out);
    cr_assert_eq(left, 0, "the test run left %d entries in its TMPDIR %s", left, dir);
    test_rmtree(dir);
}

/* Binary-trees' size is a depth (2^n nodes): the memory guard covers
 * it too, and -n 28 (about 70 GB) is refused before anything runs. */
Test(integrity, memory_guard_covers_depths) {
    double phys = (double)sysconf(_SC_PHYS_PAGES) * (double)sysconf(_SC_PAGESIZE);
    if (phys > 60e9) cr_skip_test("this machine has %.0f GB: binary-trees at depth 28 might fit", phys / 1e9);
    uint64_t t0 = mb_now_ns();
    int st = run_cli("run -w binary-trees -s rc -i off -n 28 -r 1", out, sizeof out);
    cr_assert_eq(st, 2, "exit %d: %s", st, out);
    cr_assert(strstr(out, "--size 28 is beyond this machine's memory"), "%s", out);
    cr_assert_lt(mb_now_ns() - t0, 30000000000ull, "the guard took more than 30 s");
    cr_assert_eq(run_cli("run -w binary-trees -s rc -i off -n 16 -r 1 -f json -o /dev/null", out, sizeof out), 0, "%s", out);
}
