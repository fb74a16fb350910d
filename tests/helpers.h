/* helpers.h: shared test fixtures: the strategy parameter list, sizes, runtimes, running the CLI. */
#ifndef MB_TEST_HELPERS_H
#define MB_TEST_HELPERS_H

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <jansson.h>
#include <stdlib.h>

#include "harness/run/case.h"
#include "harness/run/registry.h"

/*
 * STRATEGY_TEST(suite, name) { ... s ... } defines a test run once for every
 * registered strategy (`s` is the strategy), so a new strategy gets every
 * assertion without a new line here. The parameter is an index into
 * mb_strategies.
 */
#define STRATEGY_TEST(suite, name, ...) \
    ParameterizedTestParameters(suite, name) { \
        static int idx[64]; \
        size_t n = mb_strategy_count(); \
        for (size_t i = 0; i < n; i++) idx[i] = (int)i; \
        return cr_make_param_array(int, idx, n); \
    } \
    static void suite##_##name##_body(const mb_strategy_t *s); \
    ParameterizedTest(int *param, suite, name, .description = #name, ##__VA_ARGS__) { \
        suite##_##name##_body(mb_strategies[*param]); \
    } \
    static void suite##_##name##_body(const mb_strategy_t *s)

/* Stress builds (collect at every allocation) run the same assertions at a
 * smaller size; MB_TEST_SMALL is set by `make test-stress`. */
static inline uint64_t test_size(uint64_t full, uint64_t small) {
    return getenv("MB_TEST_SMALL") ? small : full;
}

static inline mb_rt_t *test_rt(const mb_strategy_t *s, bool interning) {
    mb_options_t opt = {.interning = interning, .census = true};
    mb_rt_t *rt = mb_rt_new(s, &opt);
    cr_assert_not_null(rt, "runtime for %s", s->name);
    return rt;
}

static inline bool has(const mb_strategy_t *s, unsigned attr) { return (s->attrs & attr) != 0; }

/* Counting that frees an object the moment its count reaches zero (rc,
 * rc-cycle, rc-gen). Deferred counting (rc-deferred) frees it at the next
 * reconciliation, a collection: tests of "freed at once" collect first. */
static inline bool frees_at_zero(const mb_strategy_t *s) {
    return has(s, MB_ATTR_COUNTS) && !has(s, MB_ATTR_DEFERRED);
}

/* The count of an object that `roots` variables or globals and `slots`
 * object slots refer to: deferred counting leaves the roots out. */
static inline long want_count(const mb_strategy_t *s, long roots, long slots) {
    return has(s, MB_ATTR_DEFERRED) ? slots : roots + slots;
}

/* Objects left (leaked, or still in the census) after a collection: exactly
 * `want`, or for a conservative strategy (boehm: a word that looks like a
 * pointer keeps garbage alive) at least `want`: never fewer. */
static inline bool left_ok(const mb_strategy_t *s, uint64_t got, uint64_t want) {
    return has(s, MB_ATTR_CONSERVATIVE) ? got >= want : got == want;
}

/* Variables a and b: two new lists of `slots` slots each, each the other's
 * slot 0 (a two-object cycle). */
static inline void test_new_pair(mb_rt_t *rt, mb_var_t a, mb_var_t b, uint32_t slots) {
    mb_new_list(rt, a, slots);
    mb_new_list(rt, b, slots);
    mb_store(rt, a, 0, b);
    mb_store(rt, b, 0, a);
}

/* A chain of count one-slot lists from variable head to variable tail,
 * each list's slot 0 the next; variable tmp is scratch. */
static inline void test_build_chain(mb_rt_t *rt, uint64_t count, mb_var_t head, mb_var_t tail, mb_var_t tmp) {
    mb_new_list(rt, head, 1);
    mb_assign(rt, tail, head);
    for (uint64_t i = 1; i < count; i++) {
        mb_new_list(rt, tmp, 1);
        mb_store(rt, tail, 0, tmp);
        mb_assign(rt, tail, tmp);
    }
}

/* A comma list of every workload whose size may be n (binary-trees' size is
 * a depth), for `run -w ... -n n`; *count gets how many. */
const char *test_workloads_upto(uint64_t n, size_t *count);

/* A fresh directory for one test's files (/tmp/membench-test-XXXXXX). */
void tmpdir(char *dir, size_t n);
/* tmpdir(), with the paths dir/a.json in a and dir/b.json in b. */
void test_tmpdir_ab(char *dir, size_t n, char *a, size_t an, char *b, size_t bn);
/* Remove a test's directory and everything in it, asserting it went. */
void test_rmtree(const char *dir);
/* The JSON document in the file at path, asserting it parses. */
json_t *test_load_json(const char *path);
/* Write text to the file at path (replacing it), asserting it opened. */
void test_write_file(const char *path, const char *text);
/* Run cmd with popen: its output (cut at outsz - 1 bytes) into out; its exit
 * status, or 128 + the signal that ended it. */
int test_capture(const char *cmd, char *out, size_t outsz);

/* Wait until the file at path contains needle (60 s at most); buf gets the
 * file's text as last read, for the failure message. */
bool wait_for_text(const char *path, const char *needle, char *buf, size_t n);

/*
 * Tests of cases run with a time limit of their own: a
 * case that hangs (a mark loop that never ends) fails its test with a
 * message instead of hanging the suite until CI's step limit. The limit is
 * a few times the slowest expected case: 60 s in a release build, 300 s in
 * debug, stress and sanitizer builds; MB_TEST_CASE_TIMEOUT (seconds)
 * overrides it. run_cli passes it to `membench run` as --timeout.
 */
double test_case_timeout(void);
/* The case in a child process (the harness's isolated runner), killed after
 * limit_s: 0 and *r, or -1 with err ("timed out after ... s (killed)", a crash). */
int test_case_isolated(const mb_case_t *c, double limit_s, mb_result_t *r, char *err, size_t errsz);
/* The same, asserting success within test_case_timeout(). */
mb_result_t test_case_run(const mb_case_t *c);

/* Run the membench binary (path in $MEMBENCH) with a shell command tail;
 * returns the exit status, captures stdout+stderr into out. */
int run_cli(const char *args, char *out, size_t outsz);

#endif
