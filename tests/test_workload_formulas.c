/* test_workload_formulas.c: each workload's subtle counts (rc leaks, GCBench node count, interning savings) derived independently. */
#include "tests/helpers.h"

static mb_result_t run_wl(const char *name, const mb_strategy_t *s, uint64_t n, uint64_t seed, bool interning) {
    const mb_workload_t *w = mb_find_workload(name);
    cr_assert_not_null(w, "workload %s registered", name);
    mb_case_t c = {.workload = w, .strategy = s, .args = {.n = n, .seed = seed, .interning = interning}};
    return test_case_run(&c);
}

/* What strategy s must leak, given what a counting strategy without cycle
 * collection leaks (derived by the test, not taken from the workload). */
static uint64_t want_leaks(const mb_strategy_t *s, const mb_result_t *r, uint64_t acyclic) {
    if (!has(s, MB_ATTR_FREES)) return r->stats.objects_allocated - r->stats.immortal_objects;
    return has(s, MB_ATTR_CYCLES) ? 0 : acyclic;
}

static void check_leaks(const char *name, const mb_strategy_t *s, uint64_t n, bool on, uint64_t acyclic) {
    mb_result_t r = run_wl(name, s, n, 7, on);
    uint64_t want = want_leaks(s, &r, acyclic);
    cr_assert(left_ok(s, r.stats.leaked_objects, want), "%s/%s n=%llu interning:%d leaked %llu, want %llu", name, s->name,
                 (unsigned long long)n, on, (unsigned long long)r.stats.leaked_objects, (unsigned long long)want);
    cr_assert_eq(r.expected_leaks, want, "%s/%s n=%llu interning:%d: the workload's formula says %llu, want %llu",
                 name, s->name, (unsigned long long)n, on, (unsigned long long)r.expected_leaks,
                 (unsigned long long)want);
}

/* cycle-rings: ring i has 3, 100 or 10,000 nodes (i mod 3), each node with a
 * position int 0..len-1; rc keeps every node and every position above 256
 * when interning is on (0..256 are immortal). */
static uint64_t rings_expect(uint64_t n, bool on) {
    static const uint64_t len[3] = {3, 100, 10000};
    uint64_t leaks = 0;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t l = len[i % 3];
        leaks += l;                                 /* the nodes */
        leaks += on ? (l > 257 ? l - 257 : 0) : l;  /* positions not interned */
    }
    return leaks;
}

STRATEGY_TEST(formulas, cycle_rings_leaks) {
    /* Sizes with every remainder mod 3 (a formula wrong only for some ring
     * lengths fails here); the stress build (collect at every allocation)
     * skips the 10,000-node ring: remainders 1 and 2 only. */
    uint64_t sizes[3] = {test_size(2, 1), test_size(3, 2), test_size(4, 2)};
    for (int i = 0; i < 3; i++)
        for (int on = 0; on <= 1; on++) check_leaks("cycle-rings", s, sizes[i], on, rings_expect(sizes[i], on));
    cr_assert_eq(rings_expect(4, false), 2 * (3 + 100 + 10000 + 3));
    cr_assert_eq(rings_expect(4, true), (3 + 100 + 10000 + 3) + (10000 - 257));
}

/* parent-trees: tree i is a complete ternary tree of 1 + i mod 5 levels
 * (1, 4, 13, 40, 121 nodes), node k holding the int 3k. A one-node tree has
 * no cycle and is freed; every larger tree is kept with its ints, of which
 * 3k <= 256 (k <= 85) are immortal with interning on. */
STRATEGY_TEST(formulas, parent_trees_leaks) {
    check_leaks("parent-trees", s, 2, false, 2 * 4);
    check_leaks("parent-trees", s, 2, true, 4);
    uint64_t nodes = 4 + 13 + 40 + 121;
    check_leaks("parent-trees", s, 5, false, 2 * nodes);
    check_leaks("parent-trees", s, 5, true, nodes + (121 - 86));
    check_leaks("parent-trees", s, 7, false, 2 * nodes + 2 * 4);   /* trees 5 and 6: 1 and 4 nodes */
    /* every size mod 5 (tree shapes) and mod 3, from the rule itself */
    for (uint64_t n = 1; n <= test_size(11, 6); n++)
        for (int on = 0; on <= 1; on++) {
            uint64_t want = 0;
            for (uint64_t i = 0; i < n; i++) {
                uint64_t levels = 1 + i % 5, size = 0, p = 1;
                for (uint64_t l = 0; l < levels; l++, p *= 3) size += p;
                if (levels == 1) continue;                      /* no cycle: freed */
                want += size + (on ? (size > 86 ? size - 86 : 0) : size);
            }
            check_leaks("parent-trees", s, n, on, want);
        }
}

/* dlist, per round: A (values 3j) keeps 70 nodes after 30 are spliced into
 * B (values 300 + 3j), which then has 130 nodes in the order B0..B50,
 * A30..A59, B51..B99; every tenth position (0, 10, ..., 120) is pruned and
 * freed: positions 60, 70, 80 are A39, A49, A59, the other ten B nodes. So rc
 * keeps 70 + 117 = 187 nodes and their ints. With interning on the ints
 * <= 256 are immortal: A's 3j for j <= 85 (A kept 0..29 and 60..85: 56 of
 * its 70; the 27 A nodes left in B are all small), none of B's own 90. */
STRATEGY_TEST(formulas, dlist_leaks) {
    uint64_t off = 187 * 2, on = 187 + (70 - 56) + 90;
    check_leaks("dlist", s, 1, false, off);
    check_leaks("dlist", s, 1, true, on);
    check_leaks("dlist", s, 3, false, 3 * off);
    check_leaks("dlist", s, 3, true, 3 * on);
}

/* binary-trees allocates exactly GCBench's node count for kMaxTreeDepth n:
 * stretch tree (depth n+2), long-lived tree (depth n), and for each depth
 * d = 4, 6, .., n, NumIters(d) trees top-down and NumIters(d) bottom-up. */
static uint64_t gcbench_nodes(uint64_t max_depth) {
    uint64_t stretch = max_depth + 2, total = 0;
    uint64_t tree_size_stretch = (UINT64_C(1) << (stretch + 1)) - 1;
    total += tree_size_stretch + ((UINT64_C(1) << (max_depth + 1)) - 1);
    for (uint64_t d = 4; d <= max_depth; d += 2) {
        uint64_t size = (UINT64_C(1) << (d + 1)) - 1;
        uint64_t num_iters = 2 * tree_size_stretch / size;
        total += 2 * num_iters * size;
    }
    return total;
}

STRATEGY_TEST(formulas, binary_trees_gcbench_count) {
    /* odd and even depths: the loop over d = 4, 6, ... stops differently */
    uint64_t depths[3] = {test_size(8, 4), test_size(9, 5), test_size(10, 5)};
    for (int i = 0; i < 3; i++) {
        for (int on = 0; on <= 1; on++) {
            mb_result_t r = run_wl("binary-trees", s, depths[i], 7, on);
            cr_assert_eq(r.stats.objects_allocated, gcbench_nodes(depths[i]), "%s depth %llu: %llu nodes",
                         s->name, (unsigned long long)depths[i], (unsigned long long)r.stats.objects_allocated);
            cr_assert_eq(r.ops, r.stats.objects_allocated, "ops are the nodes allocated");
            cr_assert(left_ok(s, r.stats.leaked_objects, want_leaks(s, &r, 0)));
        }
    }
    /* GCBench's own configuration is n = 16; check the formula (not a run). */
    const mb_workload_t *w = mb_find_workload("binary-trees");
    mb_wl_args_t a = {.n = 16};
    cr_assert_eq(w->ops(&a), gcbench_nodes(16));
    cr_assert_eq(w->size_default, 16, "the default preset is GCBench's shape");
}

/* interned-values: with interning off every value is a new object (n values,
 * one box per 64, the table); with it on, far fewer. */
STRATEGY_TEST(formulas, interned_values_saves) {
    uint64_t n = test_size(20000, 3000);
    mb_result_t off = run_wl("interned-values", s, n, 7, false);
    mb_result_t on = run_wl("interned-values", s, n, 7, true);
    cr_assert_eq(off.stats.objects_allocated, n + (n + 63) / 64 + 1);
    cr_assert_eq(off.stats.immortal_objects, 0);
    cr_assert_lt(on.stats.objects_allocated * 2, off.stats.objects_allocated, "%s: on %llu, off %llu", s->name,
                 (unsigned long long)on.stats.objects_allocated, (unsigned long long)off.stats.objects_allocated);
    cr_assert_gt(on.stats.immortal_objects, 0);
    cr_assert_eq(on.checksum, off.checksum);
    cr_assert(left_ok(s, on.stats.leaked_objects, want_leaks(s, &on, 0)));
}

/* random-graph: the shadow model's count holds for other sizes and seeds,
 * and the graph really forms cycles (rc leaks some, not all). */
STRATEGY_TEST(formulas, random_graph_leaks_seeds) {
    const mb_workload_t *w = mb_find_workload("random-graph");
    uint64_t sizes[2] = {test_size(3000, 1500), test_size(20000, 3000)};
    for (int i = 0; i < 2; i++) {
        for (uint64_t seed = 1; seed <= 3; seed++) {
            for (int on = 0; on <= 1; on++) {
                mb_result_t r = run_wl("random-graph", s, sizes[i], seed, on);
                cr_assert(left_ok(s, r.stats.leaked_objects, r.expected_leaks), "%s n=%llu seed=%llu on=%d: %llu vs %llu",
                             s->name, (unsigned long long)sizes[i], (unsigned long long)seed, on,
                             (unsigned long long)r.stats.leaked_objects, (unsigned long long)r.expected_leaks);
                mb_wl_args_t a = {.n = sizes[i], .seed = seed, .interning = on};
                uint64_t acyclic = w->leaks_acyclic(&a);
                cr_assert_gt(acyclic, 0, "cycles form");
                cr_assert_lt(acyclic, r.stats.objects_allocated - r.stats.immortal_objects, "not everything leaks");
            }
        }
    }
}

/* long-chain: n nodes, nothing leaks; under counting the drop is one cascade, a pause. */
STRATEGY_TEST(formulas, long_chain_cascade) {
    uint64_t n = test_size(50000, 2000);
    mb_result_t r = run_wl("long-chain", s, n, 7, false);
    cr_assert_eq(r.stats.objects_allocated, n);
    cr_assert(left_ok(s, r.stats.leaked_objects, want_leaks(s, &r, 0)));
    if (has(s, MB_ATTR_COUNTS)) cr_assert_geq(r.pauses, 1, "%s: the cascade is a pause", s->name);
}

/* large-live-heap: the table, ceil(n/256) pages, 3n records' objects, then
 * 4n churned records of 3 objects each (interning off: every int is new). */
STRATEGY_TEST(formulas, large_live_heap_counts) {
    /* pages of 256: sizes on, before and after a page boundary, and odd ones */
    uint64_t sizes[5] = {test_size(3000, 300), 255, 256, 257, test_size(769, 10)};
    for (int i = 0; i < 5; i++) {
        uint64_t n = sizes[i];
        mb_result_t r = run_wl("large-live-heap", s, n, 7, false);
        cr_assert_eq(r.stats.objects_allocated, 1 + (n + 255) / 256 + 3 * n + 3 * 4 * n, "n=%llu", (unsigned long long)n);
        cr_assert(left_ok(s, r.stats.leaked_objects, want_leaks(s, &r, 0)));
        cr_assert_eq(r.ops, 4 * n);
    }
}

/* The seeded workloads: the same seed gives the same checksum (and, for
 * random-graph, the same leak count); another seed another checksum. */
Test(formulas, seeded_workloads_follow_the_seed) {
    static const char *const names[] = {"random-graph", "interned-values", "large-live-heap"};
    const mb_strategy_t *rc = mb_find_strategy("rc");
    for (size_t i = 0; i < 3; i++) {
        uint64_t n = test_size(5000, 500);
        mb_result_t a = run_wl(names[i], rc, n, 1, false), b = run_wl(names[i], rc, n, 1, false);
        mb_result_t c = run_wl(names[i], rc, n, 2, false);
        cr_assert_eq(a.checksum, b.checksum, "%s: same seed", names[i]);
        cr_assert_eq(a.stats.leaked_objects, b.stats.leaked_objects, "%s: same seed", names[i]);
        cr_assert_neq(a.checksum, c.checksum, "%s: another seed", names[i]);
    }
}
