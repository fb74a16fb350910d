/* twin_bdwgc.c: the bdwgc-direct twin: binary-trees on GC_MALLOC and plain C pointers, collected by bdwgc's own trigger. */
#ifndef MB_SANITIZE                     /* bdwgc scans memory ASan poisons: no twin there (twins.c) */
#define GC_THREADS                      /* as strategies/boehm.c: Debian's libgc is threaded */
#include <gc/gc.h>
#include <stdlib.h>
#include <string.h>

#include "harness/run/twins.h"

/*
 * GCBench as a C programmer writes it against bdwgc: the same trees in the
 * same order and the same checksum as workloads/binary_trees.c, nodes of the
 * explicit floor's size (32 bytes) from GC_MALLOC (zeroed), never freed.
 * The roots are whatever bdwgc finds conservatively on this thread's C stack
 * and in its registers; collections come from bdwgc's own trigger inside
 * GC_MALLOC. So bdwgc must be enabled for the run: the boehm strategy keeps
 * it disabled (GC_disable in its init; its collections are the shared
 * policy's), so the run enables it as many times as it is disabled and
 * disables it as many times again after.
 *
 * The time-space point. The boehm strategy collects when its accounted heap
 * passes max(1 MiB, m x live after the last collection) (policy.c). bdwgc
 * collects only when its heap has no free block left for an allocation (it
 * splits free blocks freely while only small objects are allocated:
 * allchblk.c GC_allochblk, 8.2), and then only if min_bytes_allocd() =
 * (2 x pointer-holding bytes in use + roots) / GC_free_space_divisor were
 * allocated since the last one (alloc.c), else it grows the heap by
 * heapsize / divisor. Its heap never shrinks, and GCBench's stretch tree
 * (16 MiB live at n = 16) leaves one at least that big, all of which it
 * fills between collections. So the divisor sets the heap, the heap sets the
 * collections, and no setting reaches the boehm strategy's count at m <= 2.
 * The twin is therefore held at the boehm strategy's space, the usual way
 * collectors are compared (at equal heap size): the divisor is calibrated so
 * its peak RSS matches boehm's at the same m, and its collections are
 * reported as they come. Fit: divisor = 16 / (m - 1)^3, rounded, within
 * [1, 64] (the theory's 2 / (m - 1), which would hold if the heap were
 * always full, gives twice boehm's RSS at m = 2); min_bytes_allocd's floor is
 * 1 MiB, policy.c's minimum heap. Both knobs are restored after the run.
 *
 * Calibration: release build, 2-core VM shared with other jobs, binary-trees
 * n = 16, `membench run -w binary-trees -s boehm -i off -r 1 -n 16
 * --heap-multiplier M --twins -f json` (divisor forced for the sweep):
 *     boehm  M = 1.5: 220 collections, peak RSS 20 MiB
 *            M = 2:   112 collections, 19 MiB
 *            M = 3:    56 collections, 31 MiB
 *            M = 4:    40 collections, 36 MiB
 *     direct divisor 1: 19 coll., 37 MiB;  2: 25, 29;  3: 26, 30;  4: 31, 26;
 *            8: 38, 23;  16: 49, 20;  32: 51, 20;  64: 52, 20.
 * So M = 1.5 -> 64 (52 collections vs 220), M = 2 -> 16 (49 vs 112),
 * M = 3 -> 2 (25 vs 56), M = 4 -> 1 (19 vs 40). At n = 14: boehm 182, 94,
 * 46 collections at M = 1.5, 2, 3; direct 39, 33, 17 (RSS 6-7, 6, 10-11 MiB
 * for both).
 *
 * Counters: collections (GC_get_gc_no() over the region), gc_time_ns and the
 * pauses (GC_EVENT_START to GC_EVENT_END of each collection, timed in the
 * collection-event callback: it includes finishing the previous lazy sweep;
 * what is swept lazily during allocation afterwards is mutator time, as for
 * the boehm strategy), objects_allocated and bytes_allocated (32 per node).
 * peak_live_bytes is the suite's accounting (policy.c's live_bytes): nodes
 * reachable at the end of the last collection plus nodes allocated since,
 * its maximum (at a collection's start or the run's end); reachable is the
 * twin's own exact count, not bdwgc's marks (which may hold a little more:
 * conservative). objects_freed, live and leaked are 0: bdwgc counts no
 * objects it frees, and there is no census (like the boehm strategy, it can
 * only retain more than the program holds, never less).
 */
typedef struct bd_node {
    struct bd_node *left, *right;       /* children, NULL at the leaves */
    int64_t i, j;                       /* GCBench's two fields; unused */
} bd_node_t;

_Static_assert(sizeof(bd_node_t) == 32, "a bdwgc-direct node is the explicit floor's size");

#define BD_MIN_ALLOCD ((size_t)1 << 20)  /* policy.c's MB_POLICY_MIN_HEAP */

/* The run's counters. Globals: the collection callback reads them. */
static struct {
    uint64_t nodes;                     /* allocated */
    uint64_t reachable;                 /* reachable from the twin's variables now */
    uint64_t live_after;                /* reachable at the end of the last collection */
    uint64_t nodes_at_gc;               /* allocated at the end of the last collection */
    uint64_t peak;                      /* max of live_after + allocated since, nodes */
    uint64_t gc_t0, gc_time;            /* start of the collection under way; total ns */
    uint64_t *pauses;                   /* each collection's ns */
    size_t npauses, cap;
    GC_on_collection_event_proc prev;   /* the callback installed before the run */
} bd;

static void bd_note_peak(void) {
    uint64_t held = bd.live_after + (bd.nodes - bd.nodes_at_gc);
    if (held > bd.peak) bd.peak = held;
}

/* Called by bdwgc with its lock held: no GC allocation here. */
static void GC_CALLBACK bd_event(GC_EventType e) {
    if (e == GC_EVENT_START) {
        bd_note_peak();
        bd.gc_t0 = mb_now_ns();
    } else if (e == GC_EVENT_END) {
        uint64_t p = mb_now_ns() - bd.gc_t0;
        bd.gc_time += p;
        if (bd.npauses == bd.cap) {
            size_t cap = bd.cap ? 2 * bd.cap : 256;
            uint64_t *v = realloc(bd.pauses, cap * sizeof *v);
            if (!v) mb_oom("bdwgc-direct pauses");
            bd.pauses = v;
            bd.cap = cap;
        }
        bd.pauses[bd.npauses++] = p;
        bd.live_after = bd.reachable;
        bd.nodes_at_gc = bd.nodes;
    }
    if (bd.prev) bd.prev(e);
}

static bd_node_t *bd_new(void) {
    bd_node_t *n = GC_MALLOC(sizeof *n);
    if (!n) mb_oom("bdwgc-direct");
    bd.nodes++;
    bd.reachable++;
    return n;
}

static uint64_t tree_size(uint64_t d) { return (UINT64_C(2) << d) - 1; }

static bd_node_t *bd_make(uint64_t d) {
    bd_node_t *n;
    if (d == 0) return bd_new();
    bd_node_t *l = bd_make(d - 1), *r = bd_make(d - 1);
    n = bd_new();
    n->left = l;
    n->right = r;
    return n;
}

static void bd_populate(uint64_t d, bd_node_t *n) {
    if (d == 0) return;
    n->left = bd_new();
    bd_populate(d - 1, n->left);
    n->right = bd_new();
    bd_populate(d - 1, n->right);
}

static uint64_t bd_path(const bd_node_t *n, int side) {
    uint64_t len = 0;
    for (; n; n = side ? n->right : n->left) len++;
    return len;
}

static uint64_t bd_count(const bd_node_t *n) {
    return n ? 1 + bd_count(n->left) + bd_count(n->right) : 0;
}

/* The measured region. A tree is dropped by forgetting its pointer. */
static uint64_t bd_binary_trees(const mb_case_t *c, mb_stats_t *st) {
    (void)st;
    uint64_t n = c->args.n, sum = 0;
    bd_node_t *t = bd_make(n + 2);
    sum = mb_wl_mix(sum, bd_path(t, 0));
    t = NULL;
    bd.reachable -= tree_size(n + 2);
    bd_node_t *lng = bd_new();
    bd_populate(n, lng);
    for (uint64_t d = 4; d <= n; d += 2) {
        uint64_t it = 2 * tree_size(n + 2) / tree_size(d);
        for (uint64_t i = 0; i < it; i++) {
            t = bd_new();
            bd_populate(d, t);
            sum = mb_wl_mix(sum, bd_path(t, 0));
            bd.reachable -= tree_size(d);
        }
        for (uint64_t i = 0; i < it; i++) {
            t = bd_make(d);
            sum = mb_wl_mix(sum, bd_path(t, 1));
            bd.reachable -= tree_size(d);
        }
    }
    t = NULL;
    sum = mb_wl_mix(sum, bd_count(lng));
    bd_note_peak();
    return sum;
}

/* bdwgc's set-up, if nobody did it: the boehm strategy's settings before
 * GC_INIT (strategies/boehm.c bw_init), so the two behave alike in one
 * process whichever runs first, and its cleared static roots. Not its
 * GC_disable: the strategy disables bdwgc when it starts, and an extra one
 * here would make its GC_gcollect calls do nothing. */
static void bd_gc_init(void) {
    if (GC_is_init_called()) return;
    GC_set_all_interior_pointers(0);
    GC_set_finalize_on_demand(1);
    GC_set_handle_fork(1);
    GC_set_no_dls(1);
    GC_INIT();
    GC_clear_roots();
}

/* GC_free_space_divisor for heap multiplier m: 16 / (m - 1)^3 rounded,
 * within [1, 64] (calibrated above). */
static GC_word bd_divisor(double m) {
    double d = m > 1 ? 16 / ((m - 1) * (m - 1) * (m - 1)) : 64;
    return d < 1 ? 1 : d > 64 ? 64 : (GC_word)(d + 0.5);
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of a sorted array (as case.c). */
static uint64_t pct(const uint64_t *v, size_t n, double p) {
    size_t rank = (size_t)(p / 100.0 * (double)n + 0.999999999);
    return v[(rank < 1 ? 1 : rank > n ? n : rank) - 1];
}

int mb_twin_bdwgc_binary_trees(const mb_case_t *c, mb_result_t *r) {
    bd_gc_init();
    double m = mb_heap_multiplier(c->opt.heap_multiplier);
    unsigned disabled = 0;
    while (GC_is_disabled()) {
        GC_enable();
        disabled++;
    }
    GC_word div0 = GC_get_free_space_divisor();
    size_t min0 = GC_get_min_bytes_allocd();
    GC_set_free_space_divisor(bd_divisor(m));
    GC_set_min_bytes_allocd(BD_MIN_ALLOCD);
    GC_gcollect();                      /* start from a clean heap (in-process: earlier cases' garbage) */
    memset(&bd, 0, sizeof bd);
    bd.prev = GC_get_on_collection_event();
    GC_set_on_collection_event(bd_event);
    GC_word gc0 = GC_get_gc_no();

    mb_twin_measure(c, r, bd_binary_trees);

    GC_word gc1 = GC_get_gc_no();
    GC_set_on_collection_event(bd.prev);
    GC_set_free_space_divisor(div0);
    GC_set_min_bytes_allocd(min0);
    while (disabled--) GC_disable();

    mb_stats_t *st = &r->stats;
    st->objects_allocated = bd.nodes;
    st->bytes_allocated = bd.nodes * sizeof(bd_node_t);
    st->peak_live_bytes = bd.peak * sizeof(bd_node_t);
    st->collections = gc1 - gc0;
    st->gc_time_ns = bd.gc_time;
    if (bd.npauses) {
        qsort(bd.pauses, bd.npauses, sizeof *bd.pauses, cmp_u64);
        r->pause_p50_ns = pct(bd.pauses, bd.npauses, 50);
        r->pause_p99_ns = pct(bd.pauses, bd.npauses, 99);
        r->pause_max_ns = bd.pauses[bd.npauses - 1];
    }
    r->pauses = bd.npauses;
    free(bd.pauses);
    bd.pauses = NULL;
    return 0;
}

#else
typedef int mb_twin_bdwgc_absent;      /* ISO C: no empty translation unit */
#endif
