/* twins.c: the twin table, the measured region, and the explicit twins (malloc/free) of twins.h. */
#include <stdlib.h>
#include <string.h>

#include "harness/run/twins.h"
#include "runtime/ownheap.h"

const mb_strategy_t mb_twin_explicit = {
    .name = "explicit-floor",
    .description = "the workload's shapes built and freed with malloc/free, no strategy (harness/run/twins.c)",
    .attrs = MB_ATTR_FREES | MB_ATTR_CYCLES,   /* frees everything: expected leaks 0 */
};

const mb_strategy_t mb_twin_bdwgc = {
    .name = "bdwgc-direct",
    .description = "the workload's shapes on GC_MALLOC and bdwgc's own trigger, no strategy (harness/run/twin_bdwgc.c)",
    /* conservative, and no census: it reports 0 leaked, which it cannot count */
    .attrs = MB_ATTR_FREES | MB_ATTR_CYCLES | MB_ATTR_TRACES | MB_ATTR_CONSERVATIVE | MB_ATTR_OWN_HEAP,
};

/* Memory of an explicit twin: malloc/free, or with --allocator own the
 * suite's size-class heap through the same inline free lists as the
 * counting strategies (ownheap.h), so that rc / explicit-floor compares
 * like with like. Set for one run by mb_twin_run. */
static bool ex_own;                     /* this run allocates from ex_heap */
static mb_heap_t ex_heap;               /* its pages */
static void *ex_lists[MB_FL_CLASSES];   /* its free lists */

static inline void *ex_alloc(size_t bytes) {
    void *p = ex_own ? mb_own_alloc(&ex_heap, ex_lists, bytes) : malloc(bytes);
    if (!p) mb_oom("explicit floor");
    return p;
}

static inline void ex_free(void *p, size_t bytes) {
    if (ex_own) mb_own_free(ex_lists, p, bytes);
    else free(p);
}

/* Counters of an explicit twin: every object is counted at malloc and free,
 * as the suite's accounting counts them. */
static void ex_born(mb_stats_t *st, size_t bytes) {
    st->objects_allocated++;
    st->bytes_allocated += bytes;
    st->live_objects++;
    st->live_bytes += bytes;
    if (st->live_bytes > st->peak_live_bytes) st->peak_live_bytes = st->live_bytes;
}

static void ex_died(mb_stats_t *st, size_t bytes) {
    st->objects_freed++;
    st->live_objects--;
    st->live_bytes -= bytes;
}

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
    fl_node_t *n = ex_alloc(sizeof *n);
    n->left = n->right = NULL;
    n->i = n->j = 0;
    ex_born(c->st, sizeof *n);
    return n;
}

static void fl_free_tree(fl_ctx_t *c, fl_node_t *n) {
    if (!n) return;
    fl_free_tree(c, n->left);
    fl_free_tree(c, n->right);
    ex_free(n, sizeof *n);
    ex_died(c->st, sizeof *n);
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

static uint64_t fl_binary_trees(const mb_case_t *cs, mb_stats_t *st) {
    uint64_t n = cs->args.n;
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


/*
 * shared-refs, as workloads/shared_refs.c runs it: the same draws from the
 * same generator, the same objects (lists of 4 slots, ints, strings) of the
 * suite's layout and sizes (mb_obj_t header + payload, mb_obj_size), the same
 * checksum. Its aliasing is random, so no variable owns an object: a C
 * program frees one when its last reference goes, which takes a count. The
 * count is the header's rc, kept inline (increment the new referent, then
 * decrement the old; free at zero, children first), the way hand-written C
 * shares objects (CPython's C code, GObject): no API, no frames, no dispatch.
 * Objects die at the same moments as under rc, so the peak is rc's too. The
 * release recursion is at most MAX_LEVEL lists deep (a list only points to
 * lower levels).
 */
enum { SR_NVARS = 64, SR_SLOTS = 4, SR_MAX_LEVEL = 1000 };

typedef struct sr_ctx {
    mb_stats_t *st;                     /* counters */
    mb_obj_t *var[SR_NVARS];            /* the workload's variables */
} sr_ctx_t;

static mb_obj_t *sr_new(sr_ctx_t *c, mb_kind_t kind, uint32_t len) {
    size_t bytes = mb_obj_size(kind, len);
    mb_obj_t *o = ex_alloc(bytes);
    *o = (mb_obj_t){.kind = (uint8_t)kind, .len = len};
    ex_born(c->st, bytes);
    return o;
}

static void sr_release(sr_ctx_t *c, mb_obj_t *o) {
    if (!o || --o->rc) return;
    if (o->kind == MB_LIST)
        for (uint32_t s = 0; s < o->len; s++) sr_release(c, mb_obj_slots(o)[s]);
    size_t bytes = mb_obj_size((mb_kind_t)o->kind, o->len);
    ex_died(c->st, bytes);
    ex_free(o, bytes);
}

/* *ref = o: count the new referent, then release the old one. */
static void sr_set(sr_ctx_t *c, mb_obj_t **ref, mb_obj_t *o) {
    if (o) o->rc++;
    mb_obj_t *old = *ref;
    *ref = o;
    sr_release(c, old);
}

static int64_t sr_level(const mb_obj_t *o) {
    return o && o->kind == MB_LIST ? *mb_obj_intp(mb_obj_slots((mb_obj_t *)o)[0]) : -1;
}

static uint64_t sr_shared_refs(const mb_case_t *cs, mb_stats_t *st) {
    static const char *const words[] = {"hello", "world", "spam", "eggs", "membench"};
    sr_ctx_t c = {.st = st};
    mb_obj_t **var = c.var;
    uint64_t rng = cs->args.seed ^ 0x5eed0001u, sum = 0;
    for (uint64_t i = 0; i < cs->args.n; i++) {
        uint64_t r = mb_wl_rand(&rng);
        unsigned x = (unsigned)(r % SR_NVARS), y = (unsigned)((r >> 8) % SR_NVARS);
        uint32_t slot = 1 + (uint32_t)((r >> 16) % (SR_SLOTS - 1));
        switch ((r >> 24) % 8) {
        case 0: case 1:                 /* x = y */
            sr_set(&c, &var[x], var[y]);
            break;
        case 2: case 3: {               /* x.slot = y, if y is lower than x */
            int64_t lx = sr_level(var[x]), ly = sr_level(var[y]);
            if (lx >= 0 && ly < lx) sr_set(&c, &mb_obj_slots(var[x])[slot], var[y]);
            sum = mb_wl_mix(sum, (uint64_t)(lx + 2));
            break;
        }
        case 4:                         /* x = y.slot */
            if (var[y] && var[y]->kind == MB_LIST) sr_set(&c, &var[x], mb_obj_slots(var[y])[slot]);
            break;
        case 5: {                       /* x = [level, ...] */
            mb_obj_t *l = sr_new(&c, MB_LIST, SR_SLOTS);
            memset(mb_obj_slots(l), 0, SR_SLOTS * sizeof(mb_obj_t *));
            sr_set(&c, &var[x], l);
            mb_obj_t *v = sr_new(&c, MB_INT, 0);
            *mb_obj_intp(v) = (int64_t)((r >> 32) % SR_MAX_LEVEL);
            sr_set(&c, &mb_obj_slots(l)[0], v);
            break;
        }
        case 6: {                       /* x = int or string */
            mb_obj_t *o;
            if ((r >> 40) & 1) {
                o = sr_new(&c, MB_INT, 0);
                *mb_obj_intp(o) = (int64_t)((r >> 41) % 512) - 5;
            } else {
                const char *w = words[(r >> 41) % 5];
                size_t len = strlen(w);
                o = sr_new(&c, MB_STR, (uint32_t)len);
                memcpy(mb_obj_chars(o), w, len + 1);
            }
            sr_set(&c, &var[x], o);
            break;
        }
        default:                        /* x = None */
            sr_set(&c, &var[x], NULL);
            break;
        }
    }
    for (unsigned v = 0; v < SR_NVARS; v++) {
        mb_obj_t *o = var[v];
        if (!o) sum = mb_wl_mix(sum, 2);
        else if (o->kind == MB_INT) sum = mb_wl_mix(sum, (uint64_t)*mb_obj_intp(o) + 10);
        else if (o->kind == MB_STR) sum = mb_wl_mix(sum, (uint64_t)o->len + 1000);
        else
            for (uint32_t s = 0; s < SR_SLOTS; s++) {
                mb_obj_t *e = mb_obj_slots(o)[s];
                sum = mb_wl_mix(sum, !e ? 1 : e->kind == MB_INT ? (uint64_t)*mb_obj_intp(e) + 7 : 3);
            }
    }
    for (unsigned v = 0; v < SR_NVARS; v++) sr_set(&c, &var[v], NULL);
    return sum;
}

/* cycle-pairs, as workloads/cycle_pairs.c runs it: A and B, lists of one
 * slot (the suite's 24 bytes each), point at each other; both are freed by
 * hand when the iteration drops them. */
static uint64_t cp_cycle_pairs(const mb_case_t *cs, mb_stats_t *st) {
    uint64_t sum = 0;
    size_t bytes = mb_obj_size(MB_LIST, 1);
    for (uint64_t i = 0; i < cs->args.n; i++) {
        mb_obj_t *a = ex_alloc(bytes), *b = ex_alloc(bytes);
        *a = (mb_obj_t){.kind = MB_LIST, .len = 1};
        ex_born(st, bytes);
        *b = (mb_obj_t){.kind = MB_LIST, .len = 1};
        ex_born(st, bytes);
        mb_obj_slots(a)[0] = b;         /* A.b = B */
        mb_obj_slots(b)[0] = a;         /* B.a = A */
        sum = mb_wl_mix(sum, mb_obj_slots(b)[0] == a ? i : 0);
        ex_free(a, bytes);
        ex_died(st, bytes);
        ex_free(b, bytes);
        ex_died(st, bytes);
    }
    return sum;
}

/* ------------------------------------------------------------------------ */
/* The twin table. */

typedef struct twin {
    const char *workload;               /* the workload's name */
    const mb_strategy_t *strategy;      /* which twin */
    mb_twin_body_fn body;               /* an explicit twin: the measured region */
    int (*run)(const mb_case_t *, mb_result_t *);   /* or a whole run (set-up, region, counters) */
} twin_t;

static const twin_t twins[] = {
    {"binary-trees", &mb_twin_explicit, fl_binary_trees, NULL},
#ifndef MB_SANITIZE                     /* bdwgc scans memory ASan poisons, as for the boehm strategy */
    {"binary-trees", &mb_twin_bdwgc, NULL, mb_twin_bdwgc_binary_trees},
#endif
    {"shared-refs", &mb_twin_explicit, sr_shared_refs, NULL},
    {"cycle-pairs", &mb_twin_explicit, cp_cycle_pairs, NULL},
    {"gcold", &mb_twin_explicit, mb_twin_gcold, NULL},
};
enum { NTWINS = sizeof twins / sizeof twins[0] };

static const twin_t *twin_find(const mb_workload_t *w, const mb_strategy_t *s) {
    for (size_t i = 0; i < NTWINS; i++)
        if (twins[i].strategy == s && strcmp(twins[i].workload, w->name) == 0) return &twins[i];
    return NULL;
}

size_t mb_twins_of(const mb_workload_t *w, const mb_strategy_t **out, size_t max) {
    size_t k = 0;
    for (size_t i = 0; i < NTWINS && k < max; i++)
        if (strcmp(twins[i].workload, w->name) == 0) out[k++] = twins[i].strategy;
    return k;
}

bool mb_twin_has(const mb_workload_t *w, const mb_strategy_t *s) { return twin_find(w, s) != NULL; }

bool mb_is_twin(const mb_strategy_t *s) { return s == &mb_twin_explicit || s == &mb_twin_bdwgc; }

/* The measured region of a twin: its body alone, as mb_case_region is the
 * workload alone. */
void mb_twin_measure(const mb_case_t *c, mb_result_t *r, mb_twin_body_fn body) {
    uint64_t t0 = mb_now_ns(), c0 = mb_cpu_ns();
    r->checksum = body(c, &r->stats);
    uint64_t t1 = mb_now_ns(), c1 = mb_cpu_ns();
    r->real_ns = t1 - t0;
    r->cpu_ns = c1 - c0;
    r->ops = c->workload->ops(&c->args);
}

int mb_twin_run(const mb_case_t *c, mb_result_t *r) {
    const twin_t *t = twin_find(c->workload, c->strategy);
    if (!t) mb_panic("no %s twin for %s", c->strategy->name, c->workload->name);
    memset(r, 0, sizeof *r);
    if (t->run) return t->run(c, r);
#ifndef MB_SANITIZE                     /* as the runtime: libc under ASan, which must see every free */
    ex_own = c->opt.allocator == MB_ALLOC_OWN;
#endif
    mb_twin_measure(c, r, t->body);
    if (ex_own) {
        mb_heap_destroy(&ex_heap);
        memset(ex_lists, 0, sizeof ex_lists);
        ex_own = false;
    }
    return 0;
}
