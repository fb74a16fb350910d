/* binary_trees.c: GCBench's shape: a stretch tree, a long-lived tree, then batches of short-lived perfect binary trees. */
#include <stdio.h>
#include <stdlib.h>

#include "workloads/workload.h"

/*
 * Boehm's GCBench (after John Ellis and Pete Kovac), with n the maximum
 * tree depth (GCBench's kMaxTreeDepth):
 *   - a stretch tree of depth n + 2 is built and dropped;
 *   - a long-lived tree of depth n is built and kept alive throughout;
 *   - for d = 4, 6, ..., n: iters(d) = 2 * size(n + 2) / size(d) trees of
 *     depth d are built top-down (each node allocated, then its children
 *     filled in: GCBench's Populate) and iters(d) bottom-up (children first:
 *     MakeTree), each built completely and then dropped;
 *   - finally the long-lived tree is walked.
 * size(d) = 2^(d+1) - 1 nodes (depth 0 is one node). A node is a list of two
 * slots (left, right); GCBench's two int fields and its 500,000-double array
 * are left out, so every object is a tree node and the node count is exact:
 * size(n+2) + size(n) + sum over d of 2 * iters(d) * size(d).
 * n = 16 is GCBench's own configuration (stretch 18, long-lived 16, trees
 * 4..16): the default preset. Acyclic: every strategy that frees leaks 0.
 *
 * The build functions are recursive, one root frame per call as a
 * program's locals; a node passes into or out of a call through global
 * BT_REG, which is cleared as soon as it is read (a frame sees only its own
 * variables, and no allocation happens while the node is only there).
 */
#define MIN_DEPTH 4u
#define MAX_N 28u                       /* a stretch tree of depth 30 is 2^31 nodes: enough */
#define BT_REG 0u                       /* global passing a node into or out of a call */
enum { LONG, TREE, CUR, NIL, NVARS };   /* the workload's frame; NIL is always None */
enum { F_NODE, F_KID, F_NIL, F_NVARS }; /* a build call's frame; F_NIL is always None */

static uint64_t tree_size(uint64_t d) { return (UINT64_C(2) << d) - 1; }
static uint64_t iters(uint64_t n, uint64_t d) { return 2 * tree_size(n + 2) / tree_size(d); }

/* dst = the node in BT_REG; BT_REG = None (nil is a None variable). */
static void reg_take(mb_rt_t *rt, mb_var_t dst, mb_var_t nil) {
    mb_gget(rt, dst, BT_REG);
    mb_gset(rt, BT_REG, nil);
}

/* Bottom-up (MakeTree). Post: BT_REG holds a new perfect tree of depth d. */
static void make_tree(mb_rt_t *rt, uint64_t d) {
    mb_push(rt, F_NVARS);
    if (d == 0) {
        mb_new_list(rt, F_NODE, 2);
    } else {
        make_tree(rt, d - 1);
        reg_take(rt, F_KID, F_NIL);     /* left, held here while right is built */
        make_tree(rt, d - 1);
        mb_new_list(rt, F_NODE, 2);
        mb_store(rt, F_NODE, 0, F_KID);
        reg_take(rt, F_KID, F_NIL);
        mb_store(rt, F_NODE, 1, F_KID);
    }
    mb_gset(rt, BT_REG, F_NODE);
    mb_pop(rt);
}

/* Top-down (Populate). Pre: BT_REG holds a fresh node. Post: that node has
 * two perfect subtrees of depth d - 1 (none for d = 0); BT_REG is None. */
static void populate(mb_rt_t *rt, uint64_t d) {
    mb_push(rt, F_NVARS);
    reg_take(rt, F_NODE, F_NIL);
    for (uint32_t side = 0; d > 0 && side < 2; side++) {
        mb_new_list(rt, F_KID, 2);
        mb_store(rt, F_NODE, side, F_KID);
        mb_gset(rt, BT_REG, F_KID);
        populate(rt, d - 1);
    }
    mb_pop(rt);
}

/* Pre: BT_REG holds a tree. Returns its node count, every path walked. */
static uint64_t count_nodes(mb_rt_t *rt) {
    mb_push(rt, F_NVARS);
    reg_take(rt, F_NODE, F_NIL);
    uint64_t c = 1;
    for (uint32_t side = 0; side < 2; side++) {
        mb_load(rt, F_KID, F_NODE, side);
        if (mb_is_none(rt, F_KID)) continue;
        mb_gset(rt, BT_REG, F_KID);
        c += count_nodes(rt);
    }
    mb_pop(rt);
    return c;
}

/* Nodes along the path from TREE that always takes `side`: depth + 1. */
static uint64_t path_len(mb_rt_t *rt, uint32_t side) {
    uint64_t len = 0;
    mb_assign(rt, CUR, TREE);
    while (!mb_is_none(rt, CUR)) {
        len++;
        mb_load(rt, CUR, CUR, side);
    }
    return len;
}

static uint64_t bt_run(mb_rt_t *rt, const mb_wl_args_t *a) {
    uint64_t n = a->n, sum = 0;
    if (n > MAX_N) {
        fprintf(stderr, "membench: binary-trees: the size is the maximum tree depth, at most %u, not %llu\n",
                MAX_N, (unsigned long long)n);
        exit(2);
    }
    mb_push(rt, NVARS);
    /* The stretch tree: built, measured, dropped. */
    make_tree(rt, n + 2);
    reg_take(rt, TREE, NIL);
    sum = mb_wl_mix(sum, path_len(rt, 0));
    mb_none(rt, TREE);
    /* The long-lived tree, built top-down, kept until the end. */
    mb_new_list(rt, LONG, 2);
    mb_gset(rt, BT_REG, LONG);
    populate(rt, n);
    for (uint64_t d = MIN_DEPTH; d <= n; d += 2) {
        uint64_t it = iters(n, d);
        for (uint64_t i = 0; i < it; i++) {     /* top-down */
            mb_new_list(rt, TREE, 2);
            mb_gset(rt, BT_REG, TREE);
            populate(rt, d);
            sum = mb_wl_mix(sum, path_len(rt, 0));
            mb_none(rt, TREE);
        }
        for (uint64_t i = 0; i < it; i++) {     /* bottom-up */
            make_tree(rt, d);
            reg_take(rt, TREE, NIL);
            sum = mb_wl_mix(sum, path_len(rt, 1));
            mb_none(rt, TREE);
        }
    }
    mb_gset(rt, BT_REG, LONG);
    sum = mb_wl_mix(sum, count_nodes(rt));
    mb_none(rt, CUR);
    mb_pop(rt);
    return sum;
}

/* Tree nodes allocated: GCBench's count for max depth n. */
static uint64_t bt_ops(const mb_wl_args_t *a) {
    uint64_t n = a->n > MAX_N ? MAX_N : a->n, nodes = tree_size(n + 2) + tree_size(n);
    for (uint64_t d = MIN_DEPTH; d <= n; d += 2) nodes += 2 * iters(n, d) * tree_size(d);
    return nodes;
}

static uint64_t bt_leaks(const mb_wl_args_t *a) { (void)a; return 0; }

const mb_workload_t mb_workload_binary_trees = {
    .name = "binary-trees",
    .description = "GCBench: stretch tree of depth n+2, long-lived tree of depth n, short-lived trees of depths 4..n (n = max depth; 16 is GCBench)",
    .unit = "nodes",
    .size_quick = 10,
    .size_default = 16,
    .size_large = 18,
    .size_max = MAX_N,
    .shard_seconds = 1.4421,
    .ops = bt_ops,
    .leaks_acyclic = bt_leaks,
    .run = bt_run,
};
