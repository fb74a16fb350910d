/* case.c: runs one case in this process: setup, the measured region (the workload alone), teardown and census. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/mem.h"
#include "harness/run/case.h"
#include "harness/run/twins.h"

uint64_t mb_expected_leaks(const mb_case_t *c, uint64_t allocated) {
    unsigned a = c->strategy->attrs;
    if (!(a & MB_ATTR_FREES)) return allocated;
    if (a & MB_ATTR_CYCLES) return 0;
    return c->workload->leaks_acyclic(&c->args);
}

uint64_t mb_expected_uncollectable(const mb_case_t *c) {
    unsigned a = c->strategy->attrs;
    if (!(a & MB_ATTR_FREES) || !(a & MB_ATTR_CYCLES) || c->opt.finalizers != MB_FIN_LEGACY) return 0;
    return c->workload->uncollectable_legacy ? c->workload->uncollectable_legacy(&c->args) : 0;
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of a sorted array. */
static uint64_t percentile(const uint64_t *v, size_t n, double p) {
    if (!n) return 0;
    size_t rank = (size_t)(p / 100.0 * (double)n + 0.999999999);
    if (rank < 1) rank = 1;
    if (rank > n) rank = n;
    return v[rank - 1];
}

/* The measured region: the workload alone. A function of its own (never
 * inlined) so valgrind's callgrind can count exactly its instructions
 * (--toggle-collect=mb_case_region, scripts/mb-callgrind). */
__attribute__((noinline)) uint64_t mb_case_region(const mb_case_t *c, mb_rt_t *rt) {
    return c->workload->run(rt, &c->args);
}

char *mb_case_name(char *buf, size_t n, const mb_workload_t *w, const mb_strategy_t *s, bool interning) {
    snprintf(buf, n, "%s/%s/interning:%s", w ? w->name : "?", s ? s->name : "?", interning ? "on" : "off");
    return buf;
}

bool mb_case_split(const char *name, char *w, size_t wn, char *s, size_t sn, bool *interning) {
    const char *b = strrchr(name, '/');
    if (!b || b == name) return false;
    if (strcmp(b + 1, "interning:on") && strcmp(b + 1, "interning:off")) return false;
    const char *a = b - 1;
    while (a > name && *a != '/') a--;
    if (*a != '/' || a == name || b - a - 1 < 1) return false;
    size_t wl = (size_t)(a - name), sl = (size_t)(b - a - 1);
    if (wl >= wn || sl >= sn) return false;
    snprintf(w, wn, "%.*s", (int)wl, name);
    snprintf(s, sn, "%.*s", (int)sl, a + 1);
    *interning = !strcmp(b + 1, "interning:on");
    return true;
}

int mb_case_run(const mb_case_t *c, mb_result_t *r) {
    memset(r, 0, sizeof *r);
    if (mb_is_twin(c->strategy)) return mb_twin_run(c, r);     /* no runtime (twins.h) */
    mb_options_t opt = c->opt;
    opt.interning = c->args.interning;
    mb_rt_t *rt = mb_rt_new(c->strategy, &opt);
    if (!rt) return -1;
    /* jemalloc: peak reset and allocation counter read just before the region. */
    uint64_t je_peak0 = 0, je_alloc0 = 0, je_peak1 = 0, je_alloc1 = 0;
    mb_mem_jemalloc_reset_peak();
    bool je = mb_mem_jemalloc_stats(&je_peak0, &je_alloc0);
    uint64_t t0 = mb_now_ns(), c0 = mb_cpu_ns();
    r->checksum = mb_case_region(c, rt);
    uint64_t t1 = mb_now_ns(), c1 = mb_cpu_ns();
    /* Not for a strategy with its own heap (own-heap): jemalloc sees only its
     * odd large object, so the counters would mean nothing (not applicable). */
    if (je && !(c->strategy->attrs & MB_ATTR_OWN_HEAP) && mb_mem_jemalloc_stats(&je_peak1, &je_alloc1)) {
        r->have_jemalloc = true;
        r->max_bytes_used = je_peak1;
        r->total_allocated_bytes = je_alloc1 - je_alloc0;
    }
    r->real_ns = t1 - t0;
    r->cpu_ns = c1 - c0;
    r->ops = c->workload->ops(&c->args);
    mb_teardown(rt);
    r->stats = rt->mut.stats;
    r->expected_leaks = mb_expected_leaks(c, rt->mut.stats.objects_allocated - rt->mut.stats.immortal_objects);
    r->expected_uncollectable = mb_expected_uncollectable(c);
    size_t np = rt->pauses.n;
    if (np) {
        qsort(rt->pauses.v, np, sizeof *rt->pauses.v, cmp_u64);
        r->pause_p50_ns = percentile(rt->pauses.v, np, 50);
        r->pause_p99_ns = percentile(rt->pauses.v, np, 99);
        r->pause_max_ns = rt->pauses.v[np - 1];
    }
    r->pauses = np;
    mb_rt_free(rt);
    return 0;
}
