/* twin_gcold.c: the explicit twin of gcold (workloads/gcold.c): the same trees, arrays and swaps with malloc and free by hand. */
#include <stdlib.h>

#include "harness/run/twins.h"
#include "workloads/gcold.h"

/*
 * As workloads/gcold.c runs it, knob for knob (its constants are shared,
 * workloads/gcold.h; tests/test_floor.c checks that the checksum, objects and bytes are
 * the workload's): a node is a block of a 3-slot list's size (left, right,
 * its height's int) and its height an int's block; a young array a 100-slot
 * list's block, freed at once; a replaced tree or subtree is freed by hand
 * when it is unhooked, as counting frees it. The final walk allocates the
 * same stack cells the workload's does, so the counts agree.
 */

typedef struct go_int {
    mb_obj_t hdr;                       /* an int object's header, unused */
    int64_t v;                          /* the height */
} go_int_t;

typedef struct go_node {
    mb_obj_t hdr;                       /* a list object's header, unused */
    struct go_node *kid[2];             /* left, right; NULL at the bottom */
    go_int_t *val;                      /* its height */
} go_node_t;

_Static_assert(sizeof(go_node_t) == sizeof(mb_obj_t) + 3 * sizeof(void *), "a twin node is a 3-slot list's size");
_Static_assert(sizeof(go_int_t) == sizeof(mb_obj_t) + sizeof(int64_t), "a twin int is an int's size");

typedef struct go_twin {
    mb_stats_t *st;                     /* counters */
    uint64_t rng;                       /* splitmix64, from the seed */
    uint32_t ntrees, height, where;     /* the live set, as the workload's */
    uint64_t owed;                      /* nodes of long-lived trees owed */
    go_node_t **trees;                  /* the trees */
} go_twin_t;

static void *born(go_twin_t *g, size_t bytes) {
    void *p = malloc(bytes);
    if (!p) mb_oom("explicit floor");
    g->st->objects_allocated++;
    g->st->bytes_allocated += bytes;
    g->st->live_objects++;
    g->st->live_bytes += bytes;
    if (g->st->live_bytes > g->st->peak_live_bytes) g->st->peak_live_bytes = g->st->live_bytes;
    return p;
}
static void died(go_twin_t *g, void *p, size_t bytes) {
    free(p);
    g->st->objects_freed++;
    g->st->live_objects--;
    g->st->live_bytes -= bytes;
}

static uint64_t height_nodes(uint64_t h) { return h ? (UINT64_C(1) << h) - 1 : 0; }

/* A perfect tree of height h, allocated in the workload's order. */
static go_node_t *make_tree(go_twin_t *g, uint32_t h) {
    if (!h) return NULL;
    go_node_t *n = born(g, sizeof *n);
    n->val = born(g, sizeof *n->val);
    n->val->v = h;
    n->kid[0] = make_tree(g, h - 1);
    n->kid[1] = make_tree(g, h - 1);
    return n;
}
static void free_tree(go_twin_t *g, go_node_t *n) {
    if (!n) return;
    free_tree(g, n->kid[0]);
    free_tree(g, n->kid[1]);
    died(g, n->val, sizeof *n->val);
    died(g, n, sizeof *n);
}
/* Store t into *slot, freeing what it held (counting frees it there). */
static void hang(go_twin_t *g, go_node_t **slot, go_node_t *t) {
    go_node_t *old = *slot;
    *slot = t;
    free_tree(g, old);
}

static void replace_tree(go_twin_t *g, go_node_t *full, go_node_t *part) {
    for (bool dir = false;; dir = !dir) {
        bool left = full->kid[0] && full->kid[0]->val->v > part->val->v;
        bool right = full->kid[1] && full->kid[1]->val->v > part->val->v;
        if (left && right) {
            full = full->kid[dir ? 0 : 1];
            continue;
        }
        hang(g, &full->kid[!left && !right ? (dir ? 0 : 1) : !left ? 0 : 1], part);
        return;
    }
}

static void old_alloc(go_twin_t *g) {
    for (; g->owed >= height_nodes(g->height); g->owed -= height_nodes(g->height)) {
        hang(g, &g->trees[g->where], make_tree(g, g->height));
        g->where = (g->where + 1) % g->ntrees;
    }
    while (g->owed >= GO_MIN_PARTIAL) {
        uint32_t h = 1;
        while (height_nodes(h + 1) <= g->owed) h++;
        go_node_t *part = make_tree(g, h);
        replace_tree(g, g->trees[g->where], part);
        g->where = (g->where + 1) % g->ntrees;
        g->owed -= height_nodes(h);
    }
}

static void swap_subtrees(go_twin_t *g) {
    uint64_t r = mb_wl_rand(&g->rng), path = mb_wl_rand(&g->rng), nt = g->ntrees;
    go_node_t *a = g->trees[r % nt], *b = g->trees[r / nt % nt];
    for (uint64_t depth = r / nt / nt % g->height; depth > 0; depth--, path >>= 1) {
        if (!a->kid[path & 1] || !b->kid[path & 1]) break;
        a = a->kid[path & 1];
        b = b->kid[path & 1];
    }
    go_node_t *t = a->kid[path & 1];
    a->kid[path & 1] = b->kid[path & 1];
    b->kid[path & 1] = t;
}

/* The workload's final walk: a stack of 2-slot cells, two pushed per node. */
static uint64_t tree_nodes(go_twin_t *g, go_node_t *root, uint64_t *vals) {
    size_t cell = mb_obj_size(MB_LIST, 2), n = 0, sp = 0, cap = 64;
    go_node_t **stack = malloc(cap * sizeof *stack);
    void **cells = malloc(cap * sizeof *cells);
    if (!stack || !cells) mb_oom("explicit floor");
    stack[sp] = root, cells[sp++] = born(g, cell);
    while (sp) {
        go_node_t *x = stack[--sp];
        died(g, cells[sp], cell);
        if (!x) continue;
        n++;
        *vals += (uint64_t)x->val->v;
        for (int side = 0; side < 2; side++) {
            if (sp == cap) {
                cap *= 2;
                stack = realloc(stack, cap * sizeof *stack);
                cells = realloc(cells, cap * sizeof *cells);
                if (!stack || !cells) mb_oom("explicit floor");
            }
            stack[sp] = x->kid[side], cells[sp++] = born(g, cell);
        }
    }
    free(stack);
    free(cells);
    return n;
}

uint64_t mb_twin_gcold(const mb_case_t *c, mb_stats_t *st) {
    uint64_t n = c->args.n, sum = 0;
    go_twin_t g = {.st = st, .rng = c->args.seed, .ntrees = 1, .height = 1};
    g.ntrees = n >= height_nodes(GO_HEIGHT) ? (uint32_t)(n / height_nodes(GO_HEIGHT)) : 1;
    while (g.height < GO_HEIGHT && height_nodes(g.height + 1) <= n) g.height++;
    size_t holder = mb_obj_size(MB_LIST, g.ntrees);
    g.trees = born(&g, holder);
    for (uint32_t t = 0; t < g.ntrees; t++) g.trees[t] = NULL;
    g.owed = g.ntrees * height_nodes(g.height);
    old_alloc(&g);
    uint64_t steps = n / GO_NODES_PER_STEP ? n / GO_NODES_PER_STEP : 1;
    size_t array = mb_obj_size(MB_LIST, GO_DEAD);
    for (uint64_t step = 0; step < steps; step++) {
        for (uint32_t i = 0; i < GO_WORK; i++) died(&g, born(&g, array), array);
        g.owed += GO_WORK * GO_DEAD / GO_RATIO / 3;
        old_alloc(&g);
        for (uint32_t i = 0; i < GO_MUT / 2; i++) swap_subtrees(&g);
    }
    for (uint32_t t = 0; t < g.ntrees; t++) {
        uint64_t vals = 0;
        sum = mb_wl_mix(sum, tree_nodes(&g, g.trees[t], &vals));
        sum = mb_wl_mix(sum, vals);
    }
    for (uint32_t t = 0; t < g.ntrees; t++) free_tree(&g, g.trees[t]);
    died(&g, g.trees, holder);
    return sum;
}
