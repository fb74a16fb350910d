/* helpers.c: running the membench binary from tests. */
#include <criterion/hooks.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/helpers.h"
#include "harness/run/runner.h"

/* Every test's directory lives in one directory of the whole run,
 * $TMPDIR/membench-tests-XXXXXX (/tmp by default; made before the first test, its path in
 * MB_TEST_TMP for the test processes), removed after the last one: a run
 * leaves nothing in /tmp, whatever its tests do. */
static char run_tmp[64];

ReportHook(PRE_ALL)(struct criterion_test_set *set) {
    (void)set;
    if (getenv("MB_TEST_TMP")) return;              /* a run inside a run (tests of the tests) */
    const char *t = getenv("TMPDIR");
    if (!t || !*t || strlen(t) > 30) t = "/tmp";
    snprintf(run_tmp, sizeof run_tmp, "%s/membench-tests-XXXXXX", t);
    if (!mkdtemp(run_tmp)) run_tmp[0] = '\0';
    else setenv("MB_TEST_TMP", run_tmp, 1);
}

ReportHook(POST_ALL)(struct criterion_global_stats *stats) {
    (void)stats;
    if (!run_tmp[0]) return;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", run_tmp);
    if (system(cmd) != 0) fprintf(stderr, "membench-tests: could not remove %s\n", run_tmp);
    unsetenv("MB_TEST_TMP");
}

void tmpdir(char *dir, size_t n) {
    const char *parent = getenv("MB_TEST_TMP");
    snprintf(dir, n, "%s/membench-test-XXXXXX", parent && *parent ? parent : "/tmp");
    cr_assert_not_null(mkdtemp(dir), "mkdtemp %s", dir);
}

void test_tmpdir_ab(char *dir, size_t n, char *a, size_t an, char *b, size_t bn) {
    tmpdir(dir, n);
    snprintf(a, an, "%s/a.json", dir);
    snprintf(b, bn, "%s/b.json", dir);
}

void test_rmtree(const char *dir) {
    char cmd[PATH_MAX + 16];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0, "rm -rf %s", dir);
}

void test_write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    fputs(text, f);
    fclose(f);
}

json_t *test_load_json(const char *path) {
    json_error_t e;
    json_t *j = json_load_file(path, 0, &e);
    cr_assert_not_null(j, "%s is not JSON: line %d: %s", path, e.line, e.text);
    return j;
}

bool wait_for_text(const char *path, const char *needle, char *buf, size_t n) {
    for (int i = 0; i < 6000; i++) {
        FILE *f = fopen(path, "r");
        if (f) {
            size_t got = fread(buf, 1, n - 1, f);
            buf[got] = '\0';
            fclose(f);
            if (strstr(buf, needle)) return true;
        }
        usleep(10000);
    }
    return false;
}

double test_case_timeout(void) {
    const char *e = getenv("MB_TEST_CASE_TIMEOUT");
    if (e && atof(e) > 0) return atof(e);
#if defined(MB_DEBUG) || defined(MB_SANITIZE)
    return 300;
#else
    return 60;
#endif
}

int test_case_isolated(const mb_case_t *c, double limit_s, mb_result_t *r, char *err, size_t errsz) {
    return mb_run_isolated(c, limit_s, r, err, errsz);
}

mb_result_t test_case_run(const mb_case_t *c) {
    mb_result_t r;
    char err[256];
    int st = mb_run_isolated(c, test_case_timeout(), &r, err, sizeof err);
    cr_assert_eq(st, 0, "%s/%s n=%llu interning:%d: %s", c->workload->name, c->strategy->name,
                 (unsigned long long)c->args.n, c->args.interning, err);
    return r;
}

int run_cli(const char *args, char *out, size_t outsz) {
    const char *bin = getenv("MEMBENCH");
    if (!bin) bin = "build/membench";
    char cmd[4096];
    if (!strncmp(args, "run ", 4) && !strstr(args, "--timeout"))     /* a hung case fails, not hangs */
        snprintf(cmd, sizeof cmd, "%s run --timeout %g %s 2>&1", bin, test_case_timeout(), args + 4);
    else
        snprintf(cmd, sizeof cmd, "%s %s 2>&1", bin, args);
    return test_capture(cmd, out, outsz);
}

int test_capture(const char *cmd, char *out, size_t outsz) {
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p, "popen %s", cmd);
    size_t n = fread(out, 1, outsz - 1, p);
    out[n] = '\0';
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Stress builds collect (and verify the heap) at every allocation, so a run
 * costs about objects x live objects: there a workload joins a CLI matrix
 * only if it allocates at most STRESS_OBJECTS at this n (counted by a run
 * under `none`, which never collects; cycle-rings builds 10,000-node rings
 * whatever n is). test_workloads.c still runs every workload in-process at
 * a small size. */
enum { STRESS_OBJECTS = 5000 };
static bool small_enough(const mb_workload_t *w, uint64_t n) {
    if (!getenv("MB_TEST_SMALL")) return true;
    mb_case_t c = {.workload = w, .strategy = mb_find_strategy("none"), .args = {.n = n, .seed = 1}};
    mb_result_t r;
    return c.strategy && mb_case_run(&c, &r) == 0 && r.stats.objects_allocated <= STRESS_OBJECTS;
}

const char *test_workloads_upto(uint64_t n, size_t *count) {
    static char wl[1024];
    size_t k = 0;
    wl[0] = '\0';
    for (size_t i = 0; mb_workloads[i]; i++)
        if ((!mb_workloads[i]->size_max || mb_workloads[i]->size_max >= n) && small_enough(mb_workloads[i], n)) {
            snprintf(wl + strlen(wl), sizeof wl - strlen(wl), "%s%s", k ? "," : "", mb_workloads[i]->name);
            k++;
        }
    if (count) *count = k;
    return wl;
}

#ifdef MB_SANITIZE
/*
 * The runner's main in the sanitizer build: Criterion's own (its
 * src/entry/entry.c), ending with _exit. The runner process, which runs no
 * test, leaks 48 bytes of its sandbox library's bookkeeping now and then
 * when tests with a time limit run in parallel (no frame of ours in the
 * stack; never with -j1), and LeakSanitizer's check at exit would turn the
 * suite's status into a failure. _exit skips that check in the runner
 * alone: the tests run in worker processes, whose leak reports are as
 * before, and every membench the tests start is checked in full.
 */
int main(int argc, char *argv[]) {
    struct criterion_test_set *tests = criterion_initialize();
    int result = 0;
    if (criterion_handle_args(argc, argv, true)) result = !criterion_run_all_tests(tests);
    criterion_finalize(tests);
    fflush(NULL);
    _exit(result);
}
#endif
