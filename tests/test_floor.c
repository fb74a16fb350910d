/* test_floor.c: the explicit floor builds the workload's shapes: same checksum, same objects, same peak. */
#include "../harness/twins.h"
#include "helpers.h"

/* binary-trees: the floor's checksum and node count equal the workload's
 * under rc (which frees each tree the moment it dies, like the floor), and
 * so does the peak of live bytes (a floor node is a suite node's size). */
Test(floor, binary_trees_matches_workload) {
    const mb_workload_t *w = mb_find_workload("binary-trees");
    cr_assert(mb_twin_has(w, &mb_twin_explicit));
    for (uint64_t n = 4; n <= test_size(10, 6); n += 2) {
        mb_case_t rc = {.workload = w, .strategy = mb_find_strategy("rc"), .args = {.n = n, .seed = 1}};
        mb_case_t fl = {.workload = w, .strategy = &mb_twin_explicit, .args = {.n = n, .seed = 1}};
        mb_result_t a, b;
        cr_assert_eq(mb_case_run(&rc, &a), 0);
        cr_assert_eq(mb_case_run(&fl, &b), 0);
        cr_assert_eq(b.checksum, a.checksum, "n=%llu: floor checksum", (unsigned long long)n);
        cr_assert_eq(b.stats.objects_allocated, a.stats.objects_allocated, "n=%llu: same nodes", (unsigned long long)n);
        cr_assert_eq(b.stats.objects_freed, b.stats.objects_allocated, "the floor frees every node");
        cr_assert_eq(b.stats.peak_live_bytes, a.stats.peak_live_bytes, "n=%llu: same peak", (unsigned long long)n);
    }
    cr_assert(!mb_twin_has(mb_find_workload("long-chain"), &mb_twin_explicit));
}

/* run --floor adds one row per workload that has a floor, and it passes the
 * checksum check against the strategies' rows. */
Test(floor, cli_row) {
    static char out[1 << 15];
    int st = run_cli("run -w binary-trees,cycle-pairs -s rc -i off -n 6 -r 1 --floor -f csv", out, sizeof out);
    cr_assert_eq(st, 0, "%s", out);
    cr_assert(strstr(out, "binary-trees/explicit-floor/interning:off"), "%s", out);
    cr_assert(strstr(out, "cycle-pairs/explicit-floor/interning:off"), "%s", out);
}
