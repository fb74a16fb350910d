/* random_graph.c: seeded random mutation of a graph (allocate, link, unlink, walk, drop roots); cycles form and break. */
#include <stdio.h>
#include <stdlib.h>

#include "workloads/workload.h"

/*
 * A graph of nodes, each a list of 1 + EDGES slots: slot 0 the node's label
 * (an int, the node's creation number k = 0, 1, ...), slots 1..EDGES its
 * out-edges. ROOTS variables hold nodes. Each of n steps draws one of:
 *   alloc   r = a new node (half the time linked to the node in another root)
 *   link    r.e = the node in root r2 (a self-loop or a cycle may form)
 *   unlink  r.e = None (a cycle may break)
 *   move    r = r.e (a root walks along an edge; what it held may die)
 *   copy    r = r2
 *   drop    r = None
 * What each step does is decided by the seed and a shadow model of the graph
 * kept in plain C arrays of node indices (rg_model_t), never by the
 * strategy: every strategy runs the same program.
 *
 * Exact leaks of rc. At the end every root is dropped. A node that counting
 * frees has no cycle through it: a cycle's nodes keep each other's counts
 * above zero, and edges of unreachable nodes never change again. So rc keeps
 * exactly the nodes on or under a cycle of the final shadow graph (all
 * nodes ever allocated, each with its last edges), which is what remains
 * after repeatedly peeling nodes with no incoming edge: the peel is counting
 * replayed on the shadow. leaks_acyclic replays the n steps from (n, seed)
 * without a runtime, peels, and adds each kept node's label int unless it is
 * immortal (interning on and label <= 256).
 */
#define ROOTS 16u
#define EDGES 3u
#define RG_NONE UINT32_MAX
enum { TMP = ROOTS, LBL, NVARS };       /* variables 0..ROOTS-1 are the roots */

typedef enum { OP_ALLOC, OP_ALLOC_LINK, OP_LINK, OP_UNLINK, OP_MOVE, OP_COPY, OP_DROP, OP_NOP } rg_kind_t;

typedef struct rg_op {
    rg_kind_t kind;                     /* what the step does */
    uint32_t r, r2;                     /* root acted on, other root */
    uint32_t e;                         /* edge index 0..EDGES-1 */
} rg_op_t;

/* The shadow graph. Invariant: after each step it equals the runtime's graph
 * restricted to reachable nodes, and holds the frozen last edges of every
 * unreachable one. */
typedef struct rg_model {
    uint32_t *edge;                     /* edge[k * EDGES + e]: target node or RG_NONE */
    uint32_t nodes;                     /* nodes allocated so far (labels 0..nodes-1) */
    uint32_t cap;                       /* nodes the edge array has room for */
    uint32_t root[ROOTS];               /* node in each root, or RG_NONE */
    uint64_t rng;                       /* the seeded generator */
} rg_model_t;

static void model_init(rg_model_t *m, uint64_t seed) {
    m->edge = NULL;
    m->nodes = m->cap = 0;
    for (uint32_t r = 0; r < ROOTS; r++) m->root[r] = RG_NONE;
    m->rng = seed ^ 0x96a9f00du;
}

static uint32_t model_new_node(rg_model_t *m) {
    if (m->nodes == m->cap) {
        uint32_t ncap = m->cap ? m->cap * 2 : 1024;
        uint32_t *e = realloc(m->edge, (size_t)ncap * EDGES * sizeof *e);
        if (!e) {
            fprintf(stderr, "membench: random-graph: out of memory for the shadow graph\n");
            exit(3);
        }
        m->edge = e;
        m->cap = ncap;
    }
    uint32_t k = m->nodes++;
    for (uint32_t e = 0; e < EDGES; e++) m->edge[(size_t)k * EDGES + e] = RG_NONE;
    return k;
}

/* Draw one step and apply it to the shadow. Post: op says what the runtime must do. */
static void model_step(rg_model_t *m, rg_op_t *op) {
    uint64_t x = mb_wl_rand(&m->rng);
    uint32_t pick = (uint32_t)(x % 16);
    op->r = (uint32_t)(x >> 8) % ROOTS;
    op->r2 = (uint32_t)(x >> 16) % ROOTS;
    op->e = (uint32_t)(x >> 24) % EDGES;
    uint32_t a = m->root[op->r], b = m->root[op->r2];
    if (pick < 5) {
        op->kind = ((x >> 32) & 1) && b != RG_NONE ? OP_ALLOC_LINK : OP_ALLOC;
        uint32_t k = model_new_node(m);
        if (op->kind == OP_ALLOC_LINK) m->edge[(size_t)k * EDGES + op->e] = b;
        m->root[op->r] = k;
    } else if (pick < 9) {
        op->kind = a == RG_NONE ? OP_NOP : OP_LINK;
        if (a != RG_NONE) m->edge[(size_t)a * EDGES + op->e] = b;
    } else if (pick < 11) {
        op->kind = a == RG_NONE ? OP_NOP : OP_UNLINK;
        if (a != RG_NONE) m->edge[(size_t)a * EDGES + op->e] = RG_NONE;
    } else if (pick < 13) {
        op->kind = a == RG_NONE ? OP_NOP : OP_MOVE;
        if (a != RG_NONE) m->root[op->r] = m->edge[(size_t)a * EDGES + op->e];
    } else if (pick < 14) {
        op->kind = OP_COPY;
        m->root[op->r] = b;
    } else {
        op->kind = OP_DROP;
        m->root[op->r] = RG_NONE;
    }
}

static uint64_t rg_run(mb_rt_t *rt, const mb_wl_args_t *a) {
    rg_model_t m;
    model_init(&m, a->seed);
    uint64_t sum = 0;
    mb_push(rt, NVARS);
    for (uint64_t i = 0; i < a->n; i++) {
        rg_op_t op;
        model_step(&m, &op);
        switch (op.kind) {
        case OP_ALLOC:
        case OP_ALLOC_LINK:
            mb_new_list(rt, TMP, 1 + EDGES);
            mb_new_int(rt, LBL, (int64_t)(m.nodes - 1));
            mb_store(rt, TMP, 0, LBL);
            if (op.kind == OP_ALLOC_LINK) mb_store(rt, TMP, 1 + op.e, op.r2);
            mb_assign(rt, op.r, TMP);
            mb_none(rt, TMP);
            break;
        case OP_LINK: mb_store(rt, op.r, 1 + op.e, op.r2); break;
        case OP_UNLINK: mb_store_none(rt, op.r, 1 + op.e); break;
        case OP_MOVE: mb_load(rt, op.r, op.r, 1 + op.e); break;
        case OP_COPY: mb_assign(rt, op.r, op.r2); break;
        case OP_DROP: mb_none(rt, op.r); break;
        case OP_NOP: break;
        }
        /* Read the label of the root acted on: the checksum follows the graph. */
        if (mb_is_none(rt, op.r)) {
            sum = mb_wl_mix(sum, 1);
        } else {
            mb_load(rt, LBL, op.r, 0);
            int64_t label = mb_int_value(rt, LBL);
            if ((uint32_t)label != m.root[op.r]) {
                fprintf(stderr, "membench: random-graph: the graph diverged from its shadow at step %llu\n",
                        (unsigned long long)i);
                abort();
            }
            sum = mb_wl_mix(sum, (uint64_t)label + 2);
        }
        mb_none(rt, LBL);
    }
    mb_pop(rt);
    free(m.edge);
    return sum;
}

static uint64_t rg_ops(const mb_wl_args_t *a) { return a->n; }

/* Replay the steps, then peel (counting replayed); count what stays. */
static uint64_t rg_leaks(const mb_wl_args_t *a) {
    rg_model_t m;
    model_init(&m, a->seed);
    rg_op_t op;
    for (uint64_t i = 0; i < a->n; i++) model_step(&m, &op);
    uint32_t *indeg = calloc((size_t)m.nodes + 1, sizeof *indeg);
    uint32_t *queue = malloc(((size_t)m.nodes + 1) * sizeof *queue);
    if (!indeg || !queue) {
        fprintf(stderr, "membench: random-graph: out of memory for the leak count\n");
        exit(3);
    }
    for (uint64_t k = 0; k < (uint64_t)m.nodes * EDGES; k++)
        if (m.edge[k] != RG_NONE) indeg[m.edge[k]]++;
    uint32_t head = 0, tail = 0;
    for (uint32_t k = 0; k < m.nodes; k++)
        if (indeg[k] == 0) queue[tail++] = k;
    while (head < tail) {               /* each node freed drops its out-edges */
        uint32_t k = queue[head++];
        for (uint32_t e = 0; e < EDGES; e++) {
            uint32_t t = m.edge[(size_t)k * EDGES + e];
            if (t != RG_NONE && --indeg[t] == 0) queue[tail++] = t;
        }
    }
    /* queue[0..tail) were freed: the rest is on or under a cycle. */
    uint64_t freed_immortal_labels = 0, freed = tail;
    for (uint32_t i = 0; i < tail; i++) freed_immortal_labels += a->interning && queue[i] <= 256;
    uint64_t kept = m.nodes - freed;
    uint64_t kept_immortal = (a->interning ? (m.nodes < 257 ? m.nodes : 257) : 0) - freed_immortal_labels;
    free(indeg);
    free(queue);
    free(m.edge);
    return kept + (kept - kept_immortal);
}

const mb_workload_t mb_workload_random_graph = {
    .name = "random-graph",
    .description = "seeded random graph mutation: allocate, link, unlink, walk and drop roots; cycles form and break",
    .unit = "steps",
    .size_quick = 100000,
    .size_default = 2000000,
    .size_large = 20000000,
    .shard_seconds = 0.1266,
    .ops = rg_ops,
    .leaks_acyclic = rg_leaks,
    .run = rg_run,
};
