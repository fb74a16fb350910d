/* gcold.c: GCOld (Detlefs and Clinger): a live set of height-14 trees, young garbage, the oldest trees replaced, subtrees swapped. */
#include "workloads/workload.h"
#include "workloads/gcold.h"

/*
 * GCOld as in Detlefs' Java program and Larceny's gcold.scm, counted in
 * nodes rather than bytes. Its five knobs:
 *   live size    n nodes: n / 16,383 trees of height GO_HEIGHT (14), or
 *                below 16,383 one tree of the largest height that fits;
 *                built first and kept to the end;
 *   steps        n / GO_NODES_PER_STEP (at least one);
 *   work         GO_WORK short-lived arrays of GO_DEAD slots per step,
 *                each dropped as soon as it is made;
 *   ratio        GO_RATIO short:long: per step GO_WORK * GO_DEAD / GO_RATIO
 *                slots (a node is 3) of long-lived trees are owed; whole
 *                trees replace the oldest (round-robin `where`), and the
 *                rest is made as partial trees (the largest height owed, at
 *                least GO_MIN_PARTIAL) that replaceTree hangs into the next
 *                oldest tree in place of a subtree not taller; what is owed
 *                and not made carries to the next step (GCOld drops it);
 *   mutation     GO_MUT pointer writes per step: GO_MUT / 2 swaps of the
 *                subtrees at the same random path of two random old trees
 *                (old-to-young stores once partial trees are hung in).
 * A node is a list of three slots: left, right, and its height as an int
 * (the val of the original; at most 14, so immortal with interning on).
 * Replaced subtrees and arrays become garbage; no cycles: every strategy
 * that frees leaks 0. The checksum mixes each tree's node count and the sum
 * of its heights at the end, after every step's random choices (the seed).
 */
#define GO_REG 0u                       /* global passing a tree out of a make_tree call */
enum { TREES, FULL, PART, T1, T2, TMP, NVARS };          /* the workload's frame */
enum { M_NODE, M_KID, M_NIL, M_NVARS };                  /* a make_tree call's frame; M_NIL is None */
enum { L_LEFT, L_RIGHT, L_VAL, L_SLOTS };

static uint64_t height_nodes(uint64_t h) { return h ? (UINT64_C(1) << h) - 1 : 0; }

/* Post: GO_REG holds a new perfect tree of height h (None for 0). */
static void make_tree(mb_rt_t *rt, uint32_t h) {
    mb_push(rt, M_NVARS);
    if (h > 0) {
        mb_new_list(rt, M_NODE, L_SLOTS);
        mb_new_int(rt, M_KID, h);
        mb_store(rt, M_NODE, L_VAL, M_KID);
        for (uint32_t side = 0; side < 2; side++) {
            make_tree(rt, h - 1);
            mb_gget(rt, M_KID, GO_REG);
            mb_gset(rt, GO_REG, M_NIL);
            mb_store(rt, M_NODE, side, M_KID);
        }
    }
    mb_gset(rt, GO_REG, M_NODE);
    mb_pop(rt);
}

static int64_t val_of(mb_rt_t *rt, mb_var_t node) {
    mb_load(rt, TMP, node, L_VAL);
    int64_t v = mb_int_value(rt, TMP);
    mb_none(rt, TMP);
    return v;
}

/* Can the walk go down `side` of FULL: is that child taller than PART? */
static bool can_go(mb_rt_t *rt, uint32_t side, int64_t pval) {
    mb_load(rt, TMP, FULL, side);
    if (mb_is_none(rt, TMP)) return false;
    return val_of(rt, TMP) > pval;
}

/* GCOld's replaceTree: hang PART into the tree at FULL, in place of the
 * first subtree on the alternating path that is not taller than it. */
static void replace_tree(mb_rt_t *rt) {
    int64_t pval = val_of(rt, PART);
    for (bool dir = false;; dir = !dir) {
        bool left = can_go(rt, L_LEFT, pval), right = can_go(rt, L_RIGHT, pval);
        if (left && right) {
            mb_load(rt, FULL, FULL, dir ? L_LEFT : L_RIGHT);
            continue;
        }
        uint32_t side = !left && !right ? (dir ? L_LEFT : L_RIGHT) : !left ? L_LEFT : L_RIGHT;
        mb_store(rt, FULL, side, PART);
        return;
    }
}

typedef struct gcold {
    mb_rt_t *rt;                        /* the runtime */
    uint64_t rng;                       /* splitmix64 state, from the seed */
    uint32_t ntrees;                    /* trees in the live set */
    uint32_t height;                    /* their height */
    uint32_t where;                     /* the oldest tree: the next to replace */
    uint64_t owed;                      /* nodes of long-lived trees owed, not yet made */
} gcold_t;

/* GCOld's oldGenAlloc: make what is owed of long-lived trees. */
static void old_alloc(gcold_t *g) {
    mb_rt_t *rt = g->rt;
    for (; g->owed >= height_nodes(g->height); g->owed -= height_nodes(g->height)) {
        make_tree(rt, g->height);
        mb_gget(rt, T1, GO_REG);
        mb_store(rt, TREES, g->where, T1);
        g->where = (g->where + 1) % g->ntrees;
    }
    mb_none(rt, T1);
    mb_gset(rt, GO_REG, T1);
    while (g->owed >= GO_MIN_PARTIAL) {
        uint32_t h = 1;
        while (height_nodes(h + 1) <= g->owed) h++;
        make_tree(rt, h);
        mb_gget(rt, PART, GO_REG);
        mb_gset(rt, GO_REG, T1);
        mb_load(rt, FULL, TREES, g->where);
        g->where = (g->where + 1) % g->ntrees;
        replace_tree(rt);
        g->owed -= height_nodes(h);
    }
    mb_none(rt, PART);
    mb_none(rt, FULL);
}

/* GCOld's oldGenSwapSubtrees: two random trees, one random path. */
static void swap_subtrees(gcold_t *g) {
    mb_rt_t *rt = g->rt;
    uint64_t r = mb_wl_rand(&g->rng), path = mb_wl_rand(&g->rng);
    uint64_t nt = g->ntrees;
    mb_load(rt, T1, TREES, (uint32_t)(r % nt));
    mb_load(rt, T2, TREES, (uint32_t)(r / nt % nt));
    for (uint64_t depth = r / nt / nt % g->height; depth > 0; depth--, path >>= 1) {
        mb_load(rt, TMP, T1, path & 1);
        if (mb_is_none(rt, TMP)) break;
        mb_load(rt, TMP, T2, path & 1);
        if (mb_is_none(rt, TMP)) break;
        mb_load(rt, T1, T1, path & 1);
        mb_load(rt, T2, T2, path & 1);
    }
    mb_load(rt, TMP, T1, path & 1);
    mb_load(rt, FULL, T2, path & 1);
    mb_store(rt, T1, path & 1, FULL);
    mb_store(rt, T2, path & 1, TMP);
    mb_none(rt, TMP);
    mb_none(rt, FULL);
    mb_none(rt, T1);
    mb_none(rt, T2);
}

/* Nodes of the tree in T1 (walked with an explicit stack of lists); adds heights to *vals. */
static uint64_t tree_nodes(mb_rt_t *rt, uint64_t *vals) {
    uint64_t n = 0;
    mb_new_list(rt, PART, 2);               /* the stack: [node, rest] pairs */
    mb_store(rt, PART, 0, T1);
    while (!mb_is_none(rt, PART)) {
        mb_load(rt, FULL, PART, 0);
        mb_load(rt, PART, PART, 1);
        if (mb_is_none(rt, FULL)) continue;
        n++;
        *vals += (uint64_t)val_of(rt, FULL);
        for (uint32_t side = 0; side < 2; side++) {
            mb_new_list(rt, T2, 2);
            mb_load(rt, TMP, FULL, side);
            mb_store(rt, T2, 0, TMP);
            mb_store(rt, T2, 1, PART);
            mb_assign(rt, PART, T2);
        }
    }
    mb_none(rt, FULL);
    mb_none(rt, T2);
    mb_none(rt, TMP);
    return n;
}

/* The live set for n nodes: trees of height 14, or one smaller tree. */
static void go_shape(uint64_t n, uint32_t *ntrees, uint32_t *height) {
    *ntrees = n >= height_nodes(GO_HEIGHT) ? (uint32_t)(n / height_nodes(GO_HEIGHT)) : 1;
    for (*height = 1; *height < GO_HEIGHT && height_nodes(*height + 1) <= n;) ++*height;
}

static uint64_t go_steps(uint64_t n) { return n / GO_NODES_PER_STEP ? n / GO_NODES_PER_STEP : 1; }

static uint64_t go_run(mb_rt_t *rt, const mb_wl_args_t *a) {
    gcold_t g = {.rt = rt, .rng = a->seed, .ntrees = 1, .height = 1};
    uint64_t sum = 0;
    go_shape(a->n, &g.ntrees, &g.height);
    mb_push(rt, NVARS);
    mb_new_list(rt, TREES, g.ntrees);
    g.owed = g.ntrees * height_nodes(g.height);
    old_alloc(&g);
    for (uint64_t step = 0; step < go_steps(a->n); step++) {
        for (uint32_t i = 0; i < GO_WORK; i++) mb_new_list(rt, TMP, GO_DEAD);     /* young garbage */
        mb_none(rt, TMP);
        g.owed += GO_WORK * GO_DEAD / GO_RATIO / L_SLOTS;
        old_alloc(&g);
        for (uint32_t i = 0; i < GO_MUT / 2; i++) swap_subtrees(&g);
    }
    for (uint32_t t = 0; t < g.ntrees; t++) {
        uint64_t vals = 0;
        mb_load(rt, T1, TREES, t);
        sum = mb_wl_mix(sum, tree_nodes(rt, &vals));
        sum = mb_wl_mix(sum, vals);
    }
    mb_pop(rt);
    return sum;
}

static uint64_t go_ops(const mb_wl_args_t *a) { return go_steps(a->n); }

static uint64_t go_leaks(const mb_wl_args_t *a) { (void)a; return 0; }

const mb_workload_t mb_workload_gcold = {
    .name = "gcold",
    .description = "GCOld: n live nodes as trees of height 14; n/100 steps of young garbage, old trees replaced, subtrees swapped",
    .unit = "steps",
    .size_quick = 16383,
    .size_default = 262128,
    .size_large = 2097024,
    .size_max = 4294967295,
    .ops = go_ops,
    .leaks_acyclic = go_leaks,
    .run = go_run,
    .shard_seconds = 0.2701,
};
