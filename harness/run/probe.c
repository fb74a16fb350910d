/* probe.c: times one collection of a heap built for it (probe.h). */
#include <stdio.h>
#include <string.h>

#include "harness/run/probe.h"

enum { P_CYCLES, P_FULL, P_RING, P_FIN };

static const struct {
    const char *name;
    int kind;
    uint64_t ring;                      /* members of a ring (P_RING) */
} probes[] = {
    {"cycles", P_CYCLES, 2}, {"full", P_FULL, 0},         {"ring3", P_RING, 3},
    {"ring100", P_RING, 100}, {"ring10000", P_RING, 10000}, {"fin-cycles", P_FIN, 2},
};
const char mb_probe_names[] = "cycles, full, ring3, ring100, ring10000 or fin-cycles";

static int find_probe(const char *probe, char *err, size_t errsz) {
    for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++)
        if (!strcmp(probe, probes[i].name)) return (int)i;
    snprintf(err, errsz, "unknown probe '%s' (%s)", probe, mb_probe_names);
    return -1;
}

static uint64_t owned(const mb_rt_t *rt) { return rt->mut.stats.live_objects - rt->mut.stats.immortal_objects; }

/* The finalizer of fin-cycles: counts its calls (ctx: the counter). */
static void count_call(mb_rt_t *rt, void *ctx) {
    (void)rt;
    ++*(uint64_t *)ctx;
}

int mb_probe(const char *probe, const mb_strategy_t *s, uint64_t n, uint64_t *ns, uint64_t *cpu_ns, char *err,
             size_t errsz) {
    int pi = find_probe(probe, err, errsz);
    if (pi < 0) return -1;
    int kind = probes[pi].kind;
    uint64_t k = probes[pi].ring, rings = kind == P_RING ? (n / k ? n / k : 1) : n;
    mb_options_t opt = {0};
    mb_rt_t *rt = mb_rt_new(s, &opt);
    if (!rt) {
        snprintf(err, errsz, "could not create a runtime for %s", s->name);
        return -1;
    }
    mb_auto_collect(rt, false);
    enum { A, B, C, NV };
    uint64_t finalized = 0;
    mb_push(rt, NV);
    for (uint64_t i = 0; i < rings; i++) {
        if (kind == P_FULL) {           /* B = [B]: the new head holds the chain */
            mb_new_list(rt, A, 1);
            mb_store(rt, A, 0, B);
            mb_assign(rt, B, A);
            mb_none(rt, A);
            continue;
        }
        /* A ring of k (a pair: A <-> B): A -> ... -> B -> A, then dropped. */
        mb_new_list(rt, A, 1);
        if (kind == P_FIN) mb_set_finalizer(rt, A, count_call, &finalized);
        mb_assign(rt, B, A);
        for (uint64_t j = 1; j < k; j++) {
            mb_new_list(rt, C, 1);
            if (kind == P_FIN) mb_set_finalizer(rt, C, count_call, &finalized);
            mb_store(rt, B, 0, C);
            mb_assign(rt, B, C);
        }
        mb_store(rt, B, 0, A);
        mb_none(rt, A);
        mb_none(rt, B);
        mb_none(rt, C);
    }
    uint64_t built = kind == P_FULL ? n : rings * k;
    uint64_t before = owned(rt);
    uint64_t t0 = mb_now_ns(), c0 = mb_cpu_ns();
    mb_collect(rt);
    *ns = mb_now_ns() - t0;
    *cpu_ns = mb_cpu_ns() - c0;
    uint64_t after = owned(rt);
    int rc = 0;
    /* A conservative collector may keep a little, and one stale word keeps a whole ring. */
    bool conservative = (s->attrs & MB_ATTR_CONSERVATIVE) != 0;
    if (kind != P_FULL && (s->attrs & MB_ATTR_CYCLES) && (conservative ? after > built / 100 + k : after != 0)) {
        snprintf(err, errsz, "%s: %llu of %llu objects left after collecting the cycles", s->name,
                 (unsigned long long)after, (unsigned long long)before);
        rc = -1;
    }
    if (kind == P_FIN && (s->attrs & MB_ATTR_CYCLES) &&
        (conservative ? finalized + built / 100 + k < built : finalized != built)) {
        snprintf(err, errsz, "%s: %llu of %llu finalizers ran", s->name, (unsigned long long)finalized,
                 (unsigned long long)built);
        rc = -1;
    }
    if (kind == P_FULL && after != n) {
        snprintf(err, errsz, "%s: %llu of %llu live containers left", s->name, (unsigned long long)after,
                 (unsigned long long)n);
        rc = -1;
    }
    mb_pop(rt);
    mb_rt_free(rt);
    return rc;
}

#ifdef MB_SANITIZE                      /* bdwgc scans memory ASan poisons (twins.c) */
int mb_probe_direct(const char *probe, uint64_t n, uint64_t *ns, uint64_t *cpu_ns, char *err, size_t errsz) {
    (void)probe, (void)n, (void)ns, (void)cpu_ns;
    snprintf(err, errsz, "no %s probes in the sanitizer build", MB_PROBE_DIRECT);
    return -1;
}
#else
#define GC_THREADS                      /* as strategies/boehm.c: Debian's libgc is threaded */
#include <gc/gc.h>

/* A node: one pointer slot and room for a second word, as a one-slot list
 * of the suite's (header aside). */
typedef struct pd_node {
    struct pd_node *next;
    uintptr_t word;
} pd_node_t;

static void pd_final(void *obj, void *ctx) {
    (void)obj;
    ++*(uint64_t *)ctx;
}

/* Builds the shape with bdwgc disabled; the caller collects. Out of line, so
 * the garbage's last pointers leave the registers and this frame. */
static __attribute__((noinline)) pd_node_t *pd_build(int kind, uint64_t k, uint64_t rings, uint64_t *finalized) {
    pd_node_t *head = NULL;
    for (uint64_t i = 0; i < rings; i++) {
        if (kind == P_FULL) {
            pd_node_t *a = GC_MALLOC(sizeof *a);
            a->next = head;
            head = a;
            continue;
        }
        pd_node_t *first = GC_MALLOC(sizeof *first), *prev = first;
        if (kind == P_FIN) GC_register_finalizer_no_order(first, pd_final, finalized, NULL, NULL);
        for (uint64_t j = 1; j < k; j++) {
            pd_node_t *c = GC_MALLOC(sizeof *c);
            if (kind == P_FIN) GC_register_finalizer_no_order(c, pd_final, finalized, NULL, NULL);
            prev->next = c;
            prev = c;
        }
        prev->next = first;
    }
    return head;
}

static __attribute__((noinline)) uint64_t pd_count(const pd_node_t *p) {
    uint64_t c = 0;
    for (; p; p = p->next) c++;
    return c;
}

int mb_probe_direct(const char *probe, uint64_t n, uint64_t *ns, uint64_t *cpu_ns, char *err, size_t errsz) {
    int pi = find_probe(probe, err, errsz);
    if (pi < 0) return -1;
    int kind = probes[pi].kind;
    uint64_t k = probes[pi].ring, rings = kind == P_RING ? (n / k ? n / k : 1) : n;
    if (!GC_is_init_called()) {         /* the boehm strategy's settings (strategies/boehm.c) */
        GC_set_all_interior_pointers(0);
        GC_set_finalize_on_demand(1);
        GC_set_no_dls(1);
        GC_INIT();
        GC_clear_roots();
    }
    GC_disable();
    static volatile uint64_t finalized; /* static: the finalizers' counter is not a root on the stack */
    finalized = 0;
    pd_node_t *volatile head = pd_build(kind, k, rings, (uint64_t *)&finalized);
    GC_enable();
    uint64_t t0 = mb_now_ns(), c0 = mb_cpu_ns();
    GC_gcollect();
    if (kind == P_FIN) GC_invoke_finalizers();
    *ns = mb_now_ns() - t0;
    *cpu_ns = mb_cpu_ns() - c0;
    uint64_t built = kind == P_FULL ? n : rings * k;
    if (kind == P_FULL && pd_count(head) != n) {
        snprintf(err, errsz, "%s: the live chain lost nodes", MB_PROBE_DIRECT);
        return -1;
    }
    if (kind == P_FIN && finalized + built / 100 + k < built) {     /* conservative: a few may be kept */
        snprintf(err, errsz, "%s: %llu of %llu finalizers ran", MB_PROBE_DIRECT, (unsigned long long)finalized,
                 (unsigned long long)built);
        return -1;
    }
    head = NULL;
    return 0;
}
#endif
