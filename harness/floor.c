/* floor.c: binary-trees built and freed with plain malloc/free (the explicit floor of floor.h). */
#include <stdlib.h>
#include <string.h>

#include "floor.h"

const mb_strategy_t mb_floor_strategy = {
    .name = "explicit-floor",
    .description = "the workload's shapes built and freed with malloc/free, no strategy (harness/floor.c)",
    .attrs = MB_ATTR_FREES | MB_ATTR_CYCLES,   /* frees everything: expected leaks 0 */
};

/*
 * binary-trees, as workloads/binary_trees.c builds it (GCBench): the same
 * trees in the same order, built the same ways (top-down Populate, bottom-up
 * MakeTree), the same paths walked into the same checksum. A node is the
 * size of the suite's node (a 16-byte header's worth of fields and two
 * slots: GCBench's Node of left, right, i, j), so the floor allocates the
 * same bytes. Recursion is C recursion; depth is at most 30.
 */
typedef struct fl_node {
    struct fl_node *left, *right;       /* children, NULL at the leaves */
    int64_t i, j;                       /* GCBench's two fields; unused */
} fl_node_t;

typedef struct fl_ctx {
    mb_stats_t *st;                     /* counters */
} fl_ctx_t;

_Static_assert(sizeof(fl_node_t) == sizeof(mb_obj_t) + 2 * sizeof(void *), "a floor node is a suite node's size");

static fl_node_t *fl_new(fl_ctx_t *c) {
    fl_node_t *n = malloc(sizeof *n);
    if (!n) mb_oom("explicit floor");
    n->left = n->right = NULL;
    n->i = n->j = 0;
    c->st->objects_allocated++;
    c->st->bytes_allocated += sizeof *n;
    c->st->live_objects++;
    c->st->live_bytes += sizeof *n;
    if (c->st->live_bytes > c->st->peak_live_bytes) c->st->peak_live_bytes = c->st->live_bytes;
    return n;
}

static void fl_free_tree(fl_ctx_t *c, fl_node_t *n) {
    if (!n) return;
    fl_free_tree(c, n->left);
    fl_free_tree(c, n->right);
    free(n);
    c->st->objects_freed++;
    c->st->live_objects--;
    c->st->live_bytes -= sizeof *n;
}

static fl_node_t *fl_make(fl_ctx_t *c, uint64_t d) {
    if (d == 0) return fl_new(c);
    fl_node_t *l = fl_make(c, d - 1), *r = fl_make(c, d - 1);
    fl_node_t *n = fl_new(c);
    n->left = l;
    n->right = r;
    return n;
}

static void fl_populate(fl_ctx_t *c, uint64_t d, fl_node_t *n) {
    if (d == 0) return;
    n->left = fl_new(c);
    fl_populate(c, d - 1, n->left);
    n->right = fl_new(c);
    fl_populate(c, d - 1, n->right);
}

static uint64_t fl_path(const fl_node_t *n, int side) {
    uint64_t len = 0;
    for (; n; n = side ? n->right : n->left) len++;
    return len;
}

static uint64_t fl_count(const fl_node_t *n) {
    return n ? 1 + fl_count(n->left) + fl_count(n->right) : 0;
}

static uint64_t tree_size(uint64_t d) { return (UINT64_C(2) << d) - 1; }

static uint64_t fl_binary_trees(uint64_t n, mb_stats_t *st) {
    fl_ctx_t c = {.st = st};
    uint64_t sum = 0;
    fl_node_t *t = fl_make(&c, n + 2);
    sum = mb_wl_mix(sum, fl_path(t, 0));
    fl_free_tree(&c, t);
    fl_node_t *lng = fl_new(&c);
    fl_populate(&c, n, lng);
    for (uint64_t d = 4; d <= n; d += 2) {
        uint64_t it = 2 * tree_size(n + 2) / tree_size(d);
        for (uint64_t i = 0; i < it; i++) {
            t = fl_new(&c);
            fl_populate(&c, d, t);
            sum = mb_wl_mix(sum, fl_path(t, 0));
            fl_free_tree(&c, t);
        }
        for (uint64_t i = 0; i < it; i++) {
            t = fl_make(&c, d);
            sum = mb_wl_mix(sum, fl_path(t, 1));
            fl_free_tree(&c, t);
        }
    }
    sum = mb_wl_mix(sum, fl_count(lng));
    fl_free_tree(&c, lng);
    return sum;
}

bool mb_floor_has(const mb_workload_t *w) { return strcmp(w->name, "binary-trees") == 0; }

uint64_t mb_floor_run(const mb_case_t *c, mb_stats_t *stats) {
    memset(stats, 0, sizeof *stats);
    if (!mb_floor_has(c->workload)) mb_panic("no explicit floor for %s", c->workload->name);
    return fl_binary_trees(c->args.n, stats);
}
