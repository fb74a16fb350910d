/* test_scratch.c: a strategy and a workload added in a scratch copy of the tree are picked up everywhere a
 * registry entry should be (membench list and run, the docs checks, the shard plan, the parametrized tests),
 * or fail naming what went stale (tests/scratch_build.sh builds the copy). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/helpers.h"

#define SRC MB_SOURCE_DIR

/* cmd's stdout and stderr into out (cut at n - 1 bytes); its exit status, or -1. */
static int capture(const char *cmd, char *out, size_t n) {
    FILE *p = popen(cmd, "r");
    if (!p) return -1;
    size_t got = fread(out, 1, n - 1, p);
    out[got] = '\0';
    while (fgetc(p) != EOF) {}
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The build flavour of the binary under test ("", "debug", "stress", "sanitize"), from $MEMBENCH's path. */
static const char *flavour(void) {
    const char *m = getenv("MEMBENCH");
    static const char *const kinds[] = {"debug", "stress", "sanitize"};
    for (size_t i = 0; m && i < sizeof kinds / sizeof *kinds; i++) {
        char part[32];
        snprintf(part, sizeof part, "/%s/", kinds[i]);
        if (strstr(m, part)) return kinds[i];
    }
    return "";
}

static char dir[] = "/tmp/membench-scratch-XXXXXX";  /* the scratch tree */

/* The scratch tree removed, whether the test passed or not. */
static void remove_scratch(void) {
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (strchr(dir, 'X') == NULL && system(cmd) != 0) fprintf(stderr, "cannot remove %s\n", dir);
}

Test(scratch, dummy_strategy_and_workload, .timeout = 600, .fini = remove_scratch) {
    if (system("{ command -v cc && command -v make && command -v tar && command -v sed; } >/dev/null 2>&1") != 0)
        cr_skip_test("no compiler, make, tar or sed on PATH: the scratch build cannot be made");
    char cmd[16384], bin[512], out[1 << 16];
    cr_assert_not_null(mkdtemp(dir));
    const char *kind = flavour();
    snprintf(bin, sizeof bin, "%s/build%s%s", dir, *kind ? "/" : "", kind);
    snprintf(cmd, sizeof cmd, "'%s/tests/scratch_build.sh' '%s' '%s' %s 2>&1", SRC, SRC, dir, kind);
    int st = capture(cmd, out, sizeof out);
    cr_assert_eq(st, 0, "the scratch build with a dummy strategy and workload failed (status %d):\n%s", st, out);

    /* membench list and run know them by name */
    snprintf(cmd, sizeof cmd, "'%s/membench' list 2>&1", bin);
    cr_assert_eq(capture(cmd, out, sizeof out), 0, "%s", out);
    cr_assert(strstr(out, "\n  dummy ") && strstr(out, "\n  dummy-chain "), "membench list misses the dummies:\n%s", out);
    snprintf(cmd, sizeof cmd, "'%s/membench' run -s dummy -w dummy-chain -n 100 -i off -r 1 -f csv 2>&1", bin);
    cr_assert_eq(capture(cmd, out, sizeof out), 0, "%s", out);
    cr_assert(strstr(out, "dummy-chain/dummy/interning:off"), "run does not run the dummies:\n%s", out);

    /* the shard plan places the new workload in a shard */
    bool placed = false;
    for (int k = 0; k < 2; k++) {
        snprintf(cmd, sizeof cmd, "'%s/membench' run -s dummy -w dummy-chain,long-chain -n 100 -i off -r 1 -f csv "
                 "--shard %d/2 -o /dev/null 2>&1", bin, k);
        cr_assert_eq(capture(cmd, out, sizeof out), 0, "%s", out);
        placed |= strstr(out, "dummy-chain") != NULL;
    }
    cr_assert(placed, "no shard of `run --shard I/2` has dummy-chain");

    /* the parametrized tests run once more per strategy: the seed suite is 3 tests a strategy (a clean
     * environment: Criterion's own variables would make the inner test binary one of this one's workers) */
    snprintf(cmd, sizeof cmd, "cd '%s' && env -i PATH=\"$PATH\" MEMBENCH='%s/membench' '%s/membench-tests' --filter 'seed/*' 2>&1", dir, bin,
             bin);
    cr_assert_eq(capture(cmd, out, sizeof out), 0, "%s", out);
    char want[96];
    size_t n = mb_strategy_count() + 1;
    snprintf(want, sizeof want, "Tested: %zu | Passing: %zu | Failing: 0", 3 * n, 3 * n);
    cr_assert(strstr(out, want), "seed/* with the dummy strategy: expected \"%s\":\n%s", want, out);

    /* the docs checks name what the docs lack: the dummies are not in docs/strategies.md, docs/workloads.md */
    snprintf(cmd, sizeof cmd, "cd '%s' && env -i PATH=\"$PATH\" MEMBENCH='%s/membench' '%s/membench-tests' --filter 'docs/*' 2>&1", dir, bin,
             bin);
    st = capture(cmd, out, sizeof out);
    cr_assert_neq(st, 0, "the docs checks passed with an undocumented strategy and workload:\n%s", out);
    cr_assert(strstr(out, "strategy dummy is not in docs/strategies.md") &&
              strstr(out, "workload dummy-chain is not in docs/workloads.md"),
              "the docs checks do not name the undocumented dummies:\n%s", out);
}
