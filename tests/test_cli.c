/* test_cli.c: the command line: list, run, tour, and bad input (exit 2 with a message naming it). */
#include <string.h>

#include "tests/helpers.h"

static char out[1 << 16];

Test(cli, list_names_everything) {
    cr_assert_eq(run_cli("list", out, sizeof out), 0);
    for (size_t i = 0; mb_strategies[i]; i++) cr_assert(strstr(out, mb_strategies[i]->name), "%s", mb_strategies[i]->name);
    for (size_t i = 0; mb_workloads[i]; i++) cr_assert(strstr(out, mb_workloads[i]->name), "%s", mb_workloads[i]->name);
    cr_assert_eq(run_cli("list --format json", out, sizeof out), 0);
    cr_assert(strstr(out, "\"overhead_bytes\": 16"), "rc's overhead is its 16-byte header");
    cr_assert(strstr(out, "\"sizes\": {\"quick\""));
}

Test(cli, run_prints_table) {
    cr_assert_eq(run_cli("run -s rc,mark-sweep -w cycle-pairs -i off -n 100", out, sizeof out), 0, "%s", out);
    cr_assert(strstr(out, "cycle-pairs/rc/interning:off"));
    cr_assert(strstr(out, "cycle-pairs/mark-sweep/interning:off"));
}

Test(cli, tour_tells_the_story) {
    cr_assert_eq(run_cli("tour -s rc -i off", out, sizeof out), 0, "%s", out);
    cr_assert(strstr(out, "ref_count(a_id)                    # 2"), "%s", out);
    cr_assert(strstr(out, "this is the leak"), "%s", out);
    cr_assert_eq(run_cli("tour -s mark-sweep -i off", out, sizeof out), 0);
    cr_assert(strstr(out, "mark-sweep keeps no reference counts"), "%s", out);
    cr_assert(strstr(out, "object_by_id(a_id)                 # not found"), "%s", out);
    cr_assert_eq(run_cli("tour -s none -i on", out, sizeof out), 0);
    cr_assert(strstr(out, "True: one object"), "%s", out);
    /* -s all: one tour per registered strategy, in registry order */
    cr_assert_eq(run_cli("tour -s all -i off --finalizers modern", out, sizeof out), 0, "%s", out);
    const char *at = out;
    for (size_t i = 0; mb_strategies[i]; i++) {
        char head[128];
        snprintf(head, sizeof head, "# membench tour: strategy %s, interning off", mb_strategies[i]->name);
        const char *h = strstr(at, head);
        cr_assert_not_null(h, "no tour of %s after the previous one", mb_strategies[i]->name);
        at = h + 1;
    }
}

/* Fixed arrays, not pointers: Criterion passes parameters to a new process. */
struct bad { char args[128]; char msg[80]; };
static const struct bad bad_inputs[] = {
    {"run -s nosuch -n 10", "unknown strategy 'nosuch'"},
    {"run -w nosuch -n 10", "unknown workload 'nosuch'"},
    {"run --frobnicate", "bad option '--frobnicate'"},
    {"run -n abc", "--size must be a non-negative integer, not 'abc'"},
    {"run -w binary-trees -n 300", "--size 300 is beyond binary-trees's maximum of 28"},
    {"run -n 0", "--size must be at least 1"},
    {"run -n -5", "--size must be a non-negative integer, not '-5'"},
    {"run -i maybe", "--interning must be on, off or both"},
    {"run --scale huge", "--scale must be quick, default or large"},
    {"run --heap-multiplier x", "--heap-multiplier must be a number"},
    {"run --allocator tcmalloc", "--allocator must be libc, jemalloc or own"},
    {"run --finalizers never", "--finalizers must be modern or legacy"},
    {"list --format yaml", "--format must be console or json"},
    {"run -f yaml", "--format must be console, json, csv, markdown or bmf"},
    {"run -r 0", "--repetitions must be at least 1"},
    {"run --timeout soon", "--timeout must be a number"},
    {"run -n 0 -o /tmp/x.json", "--size must be at least 1"},
    {"run -w cycle-pairs -n 10 -o /nonexistent-dir/x.json", "cannot write '/nonexistent-dir/x.json'"},
    {"report", "report: expected one results JSON file"},
    {"tour -s nosuch", "unknown strategy 'nosuch'"},
    {"frobnicate", "unknown command 'frobnicate'"},
    {"", "missing command"},
    /* values out of range name the range */
    {"run --timeout inf -w cycle-pairs -i off -n 9 -r 1", "--timeout must be a number from 0.001 to 1e+07, not 'inf'"},
    {"run --timeout 1e308 -w cycle-pairs -i off -n 9 -r 1", "--timeout must be a number from 0.001 to 1e+07, not '1e308'"},
    {"run --timeout 2e10 -w cycle-pairs -i off -n 9 -r 1", "--timeout must be a number from 0.001 to 1e+07, not '2e10'"},
    {"run --heap-multiplier inf -w cycle-pairs -i off -n 9 -r 1", "--heap-multiplier must be a number from 1 to 1000, not 'inf'"},
    {"run --heap-multiplier nan -w cycle-pairs -i off -n 9 -r 1", "--heap-multiplier must be a number from 1 to 1000, not 'nan'"},
    {"run -s rc-cycle --params threshold=18446744073709551616 -w cycle-pairs -i off -n 9 -r 1", "threshold must be an integer from 0 to 1000000000000"},
    {"run -s rc-cycle --params threshold=1,threshold=2 -w cycle-pairs -i off -n 9 -r 1", "--params gives threshold twice"},
    {"run -s rc --params threshold=1 -w cycle-pairs -i off -n 9 -r 1", "bad --params 'threshold=1' for strategy rc"},
    {"run -s rc,rc -w cycle-pairs -i off -n 9 -r 1", "strategy 'rc' is given twice in 'rc,rc'"},
    {"run -s all,none -w cycle-pairs -i off -n 9 -r 1", "strategy 'none' is given twice"},
    {"run -w cycle-pairs,dlist,cycle-pairs -s rc -i off -n 9 -r 1", "workload 'cycle-pairs' is given twice"},
    {"run --seed 18446744073709551615 -w cycle-pairs -i off -n 9 -r 1", "--seed must be from 0 to 9223372036854775807"},
};

ParameterizedTestParameters(cli, bad_input) {
    return cr_make_param_array(struct bad, (struct bad *)bad_inputs, sizeof bad_inputs / sizeof *bad_inputs);
}

ParameterizedTest(struct bad *b, cli, bad_input) {
    int st = run_cli(b->args, out, sizeof out);
    cr_assert_eq(st, 2, "'%s' exits %d, want 2", b->args, st);
    cr_assert(strstr(out, b->msg), "'%s' says: %s", b->args, out);
    cr_assert(strstr(out, "usage: membench"), "'%s' prints the usage", b->args);
    cr_assert(!strncmp(out, "membench: ", 10) && !strncmp(strchr(out, '\n') + 1, "usage: ", 7),
              "'%s': one line naming the problem, then the usage: %s", b->args, out);
}

/* MB_FAIL_ALLOC that is not a positive allocation number: exit 2 once, before any case runs. */
Test(cli, bad_fail_alloc) {
    static const char *const bad[] = {"-1", "0", "abc", "99999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        setenv("MB_FAIL_ALLOC", bad[i], 1);
        int st = run_cli("run -s rc,none -w cycle-pairs -i off -n 10 -r 2", out, sizeof out);
        unsetenv("MB_FAIL_ALLOC");
        cr_assert_eq(st, 2, "MB_FAIL_ALLOC=%s: exit %d: %s", bad[i], st, out);
        cr_assert(strstr(out, "MB_FAIL_ALLOC must be an allocation number from 1 to"), "%s", out);
        const char *second = strstr(strstr(out, "MB_FAIL_ALLOC") + 1, "MB_FAIL_ALLOC must");
        cr_assert_null(second, "MB_FAIL_ALLOC=%s: said more than once: %s", bad[i], out);
    }
}
