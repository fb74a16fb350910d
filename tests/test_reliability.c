/* test_reliability.c: allocation-failure injection (SQLite style) and interrupted suites. */
#include <dirent.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/helpers.h"

static char out[1 << 16];

/* The only files in dir are `keep` (and . and ..): nothing temporary left behind. */
static void only_file(const char *dir, const char *keep) {
    DIR *d = opendir(dir);
    cr_assert_not_null(d);
    struct dirent *de;
    while ((de = readdir(d)))
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
            cr_assert_str_eq(de->d_name, keep, "%s left behind in %s", de->d_name, dir);
    closedir(d);
}

/*
 * One run with the Nth object allocation failing (and every one after it).
 * Checks the contract of an injected failure: exit 0 (the run needed fewer
 * than N allocations) or 1 (some case ran out of memory), never a crash or
 * a usage error; the results file is whole, valid JSON with one entry per
 * strategy, each either clean or failed with "out of memory". Returns the
 * number of failed entries; per_strategy[i] counts those of mb_strategies[i].
 */
static unsigned run_failing(const char *wl, uint64_t n, const char *interning, uint64_t nth, const char *dir,
                            unsigned *per_strategy) {
    char args[512], path[256], env[32];
    snprintf(path, sizeof path, "%s/r.json", dir);
    snprintf(args, sizeof args, "run -w %s -n %llu -s all -i %s -r 1 -f json -o %s", wl, (unsigned long long)n,
             interning, path);
    snprintf(env, sizeof env, "%llu", (unsigned long long)nth);
    setenv("MB_FAIL_ALLOC", env, 1);
    int st = run_cli(args, out, sizeof out);
    unsetenv("MB_FAIL_ALLOC");
    cr_assert(st == 0 || st == 1, "%s, allocation %llu failing: exit %d: %s", args, (unsigned long long)nth, st, out);
    cr_assert_null(strstr(out, "Sanitizer"), "%s, allocation %llu failing: %s", args, (unsigned long long)nth, out);
    json_error_t e;
    json_t *root = json_load_file(path, 0, &e);
    cr_assert_not_null(root, "allocation %llu failing: %s is not JSON: %s", (unsigned long long)nth, path, e.text);
    json_t *b = json_object_get(root, "benchmarks"), *x;
    cr_assert_eq(json_array_size(b), mb_strategy_count(), "%s: one entry per strategy", args);
    unsigned failed = 0;
    size_t i;
    json_array_foreach(b, i, x) {
        if (!json_is_true(json_object_get(x, "error_occurred"))) continue;
        const char *msg = json_string_value(json_object_get(x, "error_message"));
        cr_assert(msg && strstr(msg, "out of memory"), "%s, allocation %llu failing: %s", args,
                  (unsigned long long)nth, msg ? msg : "(no message)");
        const char *name = json_string_value(json_object_get(x, "name"));
        size_t hits = 0;
        for (size_t k = 0; name && mb_strategies[k]; k++) {
            char part[96];
            snprintf(part, sizeof part, "/%s/", mb_strategies[k]->name);
            if (strstr(name, part)) {
                per_strategy[k]++;
                hits++;
            }
        }
        cr_assert_eq(hits, 1, "%s: entry %s names one strategy", args, name ? name : "(none)");
        failed++;
    }
    cr_assert_eq(st, failed ? 1 : 0, "exit status %d with %u failed entries", st, failed);
    json_decref(root);
    only_file(dir, "r.json");
    return failed;
}

/* Workloads at sizes that allocate a few objects to a few hundred. */
struct inj { char wl[32]; uint64_t n; char interning[4]; };
static const struct inj injections[] = {
    {"cycle-pairs", 4, "off"},   {"cycle-rings", 1, "off"},      {"dlist", 2, "off"},
    {"parent-trees", 2, "off"},  {"binary-trees", 4, "off"},     {"shared-refs", 10, "off"},
    {"random-graph", 10, "off"}, {"long-chain", 20, "off"},      {"large-live-heap", 10, "off"},
    {"finalizer-cycles", 4, "off"}, {"interned-values", 10, "on"},
};

ParameterizedTestParameters(reliability, allocation_failures) {
    return cr_make_param_array(struct inj, (struct inj *)injections, sizeof injections / sizeof *injections);
}

/*
 * SQLite's loop: fail allocation 1, then 2, then 3 ... until the run
 * completes without meeting a failure. Every allocation of small runs is
 * tried; beyond 60 the step grows by a quarter (setup and early failures
 * are where handling differs; the rest repeats the same paths). Every
 * strategy that allocates objects must meet injected failures: an
 * allocation path that bypasses the injection point fails the test.
 */
ParameterizedTest(struct inj *t, reliability, allocation_failures) {
    char dir[64];
    tmpdir(dir, sizeof dir);
    unsigned survived = 0, runs = 0, per_strategy[64] = {0};
    uint64_t nth = 1;
    for (;; runs++) {
        cr_assert_lt(nth, 1000000, "%s: the run never completed", t->wl);
        unsigned f = run_failing(t->wl, t->n, t->interning, nth, dir, per_strategy);
        if (!f) break;
        survived += f;
        nth = nth < 60 ? nth + 1 : nth + nth / 4;
    }
    cr_assert_gt(survived, 0, "%s: the first allocation must fail", t->wl);
    for (size_t k = 0; mb_strategies[k]; k++)
        cr_assert_gt(per_strategy[k], 0, "%s: no injected failure reached %s", t->wl, mb_strategies[k]->name);
    cr_log_info("%s: %u runs, %u injected failures survived", t->wl, runs + 1, survived);
    printf("membench-reliability: %s: %u runs, %u injected failures survived\n", t->wl, runs + 1, survived);
    test_rmtree(dir);
}

/* A bad MB_FAIL_ALLOC is a clean error of the case, not a crash. */
Test(reliability, bad_fail_alloc_value) {
    setenv("MB_FAIL_ALLOC", "many", 1);
    int st = run_cli("run -w cycle-pairs -n 4 -s rc -i off -r 1", out, sizeof out);
    unsetenv("MB_FAIL_ALLOC");
    cr_assert_eq(st, 2, "bad usage, before any case runs: %s", out);
    cr_assert(strstr(out, "MB_FAIL_ALLOC must be an allocation number from 1 to"), "%s", out);
}

static bool wait_for(const char *path, const char *needle) { return wait_for_text(path, needle, out, sizeof out); }

struct intr { int sig; char name[8]; };
static const struct intr intrs[] = {{SIGINT, "SIGINT"}, {SIGTERM, "SIGTERM"}};
ParameterizedTestParameters(reliability, interrupted_suite) {
    return cr_make_param_array(struct intr, (struct intr *)intrs, sizeof intrs / sizeof *intrs);
}

/*
 * A suite interrupted while its 7th run (mark-sweep's first, made to hang)
 * is under way: the results file replaces the old one whole, holds the six
 * runs that finished, says it is incomplete and why, and no temporary file
 * is left; the exit status is 128 + the signal, as a shell reports it.
 */
ParameterizedTest(struct intr *t, reliability, interrupted_suite) {
    char dir[64], path[128], errp[128];
    tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/r.json", dir);
    snprintf(errp, sizeof errp, "%s/stderr", dir);
    FILE *old = fopen(path, "w");
    fputs("{\"previous\": true}\n", old);
    fclose(old);
    const char *bin = getenv("MEMBENCH") ? getenv("MEMBENCH") : "build/membench";
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        int fd = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(fd, 2);
        setenv("MB_TEST_CRASH", "cycle-pairs/mark-sweep:hang", 1);
        execl(bin, bin, "run", "-w", "cycle-pairs", "-n", "20", "-s", "rc,rc-cycle,rc-gen,mark-sweep,none", "-i", "off",
              "-r", "2", "-f", "json", "-o", path, (char *)NULL);
        _exit(127);
    }
    cr_assert(wait_for(errp, "[6/10"), "the first six runs finish: %s", out);
    usleep(200000);                     /* the 7th is under way, hanging */
    old = fopen(path, "r");
    cr_assert_not_null(old);
    cr_assert_not_null(fgets(out, sizeof out, old));
    fclose(old);
    cr_assert_str_eq(out, "{\"previous\": true}\n", "the old results stay whole while the suite runs");
    kill(pid, t->sig);
    int st;
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 128 + t->sig, "exit status %d", WEXITSTATUS(st));
    json_error_t e;
    json_t *root = json_load_file(path, 0, &e);
    cr_assert_not_null(root, "%s: %s", path, e.text);
    json_t *ctx = json_object_get(root, "context");
    cr_assert(json_is_true(json_object_get(ctx, "incomplete")));
    cr_assert_str_eq(json_string_value(json_object_get(ctx, "interrupted_by")), t->name);
    cr_assert_eq(json_integer_value(json_object_get(ctx, "runs_planned")), 10);
    cr_assert_eq(json_integer_value(json_object_get(ctx, "runs_finished")), 6);
    json_t *b = json_object_get(root, "benchmarks"), *x;
    size_t i, iterations = 0;
    json_array_foreach(b, i, x) {
        if (strcmp(json_string_value(json_object_get(x, "run_type")), "iteration")) continue;
        iterations++;
        cr_assert_null(strstr(json_string_value(json_object_get(x, "name")), "mark-sweep"), "no unfinished run");
        cr_assert(!json_is_true(json_object_get(x, "error_occurred")), "finished runs are whole");
    }
    cr_assert_eq(iterations, 6);
    json_decref(root);
    cr_assert(wait_for(errp, "marked incomplete"), "stderr says so: %s", out);
    remove(errp);
    only_file(dir, "r.json");
    /* `report` reads the file back and says it is incomplete. */
    char args[256];
    snprintf(args, sizeof args, "report %s", path);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s", out);
    cr_assert(strstr(out, "INCOMPLETE: interrupted by"), "%s", out);
    test_rmtree(dir);
}
