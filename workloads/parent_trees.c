/* parent_trees.c: ternary trees whose nodes point to their parent (a cycle at every edge), built, walked, dropped. */
#include "workloads/workload.h"

/*
 * Tree i (0 <= i < n) is a complete ternary tree of 1 + i % 5 levels:
 * 1, 4, 13, 40 or 121 nodes. A node is a list of 2 + ARITY slots: slot 0 its
 * parent, slot 1 an int value (3k for the node's index k in breadth-first
 * order), slots 2.. its children. Every parent/child pair is a cycle, so rc
 * leaks every tree of two or more nodes with its value ints (unless
 * interned: 0..256); a one-node tree has no cycle and is freed.
 * The tree is built breadth-first through a temporary index list (acyclic:
 * counting frees it), then walked depth-first without a stack, climbing
 * back up by the parent pointers, as such trees are walked.
 */
enum { ROOT, IDX, NODE, PAR, CUR, VAL, NVARS };
#define ARITY 3u
#define LEVELS 5u
#define PT_PARENT 0u
#define PT_VALUE 1u
#define PT_CHILD 2u

static uint32_t tree_size(uint32_t levels) {
    uint32_t s = 0, w = 1;
    for (uint32_t l = 0; l < levels; l++, w *= ARITY) s += w;
    return s;
}

/* Objects of one tree of `levels` levels that rc leaks. */
static uint64_t tree_leaks(uint32_t levels, bool interning) {
    uint32_t s = tree_size(levels);
    if (s < 2) return 0;
    uint64_t leaks = s;
    for (uint32_t k = 0; k < s; k++) leaks += !(interning && 3 * k <= 256);
    return leaks;
}

static void build(mb_rt_t *rt, uint32_t size) {
    mb_new_list(rt, IDX, size);
    for (uint32_t k = 0; k < size; k++) {
        mb_new_list(rt, NODE, PT_CHILD + ARITY);
        mb_new_int(rt, VAL, 3 * (int64_t)k);
        mb_store(rt, NODE, PT_VALUE, VAL);
        if (k > 0) {
            mb_load(rt, PAR, IDX, (k - 1) / ARITY);
            mb_store(rt, NODE, PT_PARENT, PAR);
            mb_store(rt, PAR, PT_CHILD + (k - 1) % ARITY, NODE);
        }
        mb_store(rt, IDX, k, NODE);
    }
    mb_load(rt, ROOT, IDX, 0);
    mb_none(rt, IDX);                   /* the index list dies; the tree holds itself */
    mb_none(rt, NODE);
    mb_none(rt, PAR);
    mb_none(rt, VAL);
}

/* Depth-first, pre-order, with no stack: go down to the first child, else
 * climb by parent pointers to the first ancestor with a next sibling. */
static uint64_t walk(mb_rt_t *rt, uint64_t sum) {
    uint64_t depth = 0;
    mb_assign(rt, CUR, ROOT);
    for (;;) {
        mb_load(rt, VAL, CUR, PT_VALUE);
        sum = mb_wl_mix(sum, (uint64_t)mb_int_value(rt, VAL) * 8 + depth);
        mb_load(rt, NODE, CUR, PT_CHILD);
        if (!mb_is_none(rt, NODE)) {        /* down */
            mb_assign(rt, CUR, NODE);
            depth++;
            continue;
        }
        /* up until a next sibling exists */
        for (;;) {
            if (mb_is(rt, CUR, ROOT)) goto done;
            mb_load(rt, PAR, CUR, PT_PARENT);
            uint32_t c = 0;
            for (;;) {                      /* which child of PAR is CUR? */
                mb_load(rt, NODE, PAR, PT_CHILD + c);
                if (mb_is(rt, NODE, CUR)) break;
                c++;
            }
            mb_none(rt, NODE);
            if (c + 1 < ARITY) mb_load(rt, NODE, PAR, PT_CHILD + c + 1);
            if (!mb_is_none(rt, NODE)) {
                mb_assign(rt, CUR, NODE);
                break;
            }
            mb_assign(rt, CUR, PAR);
            depth--;
        }
    }
done:
    mb_none(rt, CUR);
    mb_none(rt, NODE);
    mb_none(rt, PAR);
    mb_none(rt, VAL);
    return sum;
}

static uint64_t pt_run(mb_rt_t *rt, const mb_wl_args_t *a) {
    uint64_t sum = 0;
    mb_push(rt, NVARS);
    for (uint64_t i = 0; i < a->n; i++) {
        build(rt, tree_size(1 + (uint32_t)(i % LEVELS)));
        sum = walk(rt, sum);
        mb_none(rt, ROOT);              /* drop the tree: parent pointers hold it */
    }
    mb_pop(rt);
    return sum;
}

static uint64_t pt_ops(const mb_wl_args_t *a) {
    uint64_t nodes = 0;
    for (uint32_t l = 0; l < LEVELS; l++) nodes += (a->n / LEVELS + (a->n % LEVELS > l)) * tree_size(l + 1);
    return nodes;
}

static uint64_t pt_leaks(const mb_wl_args_t *a) {
    uint64_t leaks = 0;
    for (uint32_t l = 0; l < LEVELS; l++)
        leaks += (a->n / LEVELS + (a->n % LEVELS > l)) * tree_leaks(l + 1, a->interning);
    return leaks;
}

const mb_workload_t mb_workload_parent_trees = {
    .name = "parent-trees",
    .description = "n ternary trees of 1 + (i mod 5) levels whose nodes point to their parent, walked by parent pointers, dropped",
    .unit = "nodes",
    .size_quick = 1000,
    .size_default = 25000,
    .size_large = 250000,
    .shard_seconds = 0.1349,
    .ops = pt_ops,
    .leaks_acyclic = pt_leaks,
    .run = pt_run,
};
