/* probe.c: times one collection of a heap built for it (probe.h). */
#include <stdio.h>
#include <string.h>

#include "probe.h"

static uint64_t owned(const mb_rt_t *rt) { return rt->mut.stats.live_objects - rt->mut.stats.immortal_objects; }

int mb_probe(const char *probe, const mb_strategy_t *s, uint64_t n, uint64_t *ns, uint64_t *cpu_ns, char *err,
             size_t errsz) {
    bool cycles = !strcmp(probe, "cycles"), full = !strcmp(probe, "full");
    if (!cycles && !full) {
        snprintf(err, errsz, "unknown probe '%s' (cycles or full)", probe);
        return -1;
    }
    mb_options_t opt = {0};
    mb_rt_t *rt = mb_rt_new(s, &opt);
    if (!rt) {
        snprintf(err, errsz, "could not create a runtime for %s", s->name);
        return -1;
    }
    mb_auto_collect(rt, false);
    enum { A, B, NV };
    mb_push(rt, NV);
    for (uint64_t i = 0; i < n; i++) {
        if (cycles) {                   /* A <-> B, then dropped */
            mb_new_list(rt, A, 1);
            mb_new_list(rt, B, 1);
            mb_store(rt, A, 0, B);
            mb_store(rt, B, 0, A);
            mb_none(rt, A);
            mb_none(rt, B);
        } else {                        /* B = [B]: the new head holds the chain */
            mb_new_list(rt, A, 1);
            mb_store(rt, A, 0, B);
            mb_assign(rt, B, A);
            mb_none(rt, A);
        }
    }
    uint64_t before = owned(rt);
    uint64_t t0 = mb_now_ns(), c0 = mb_cpu_ns();
    mb_collect(rt);
    *ns = mb_now_ns() - t0;
    *cpu_ns = mb_cpu_ns() - c0;
    uint64_t after = owned(rt);
    int rc = 0;
    bool conservative = (s->attrs & MB_ATTR_CONSERVATIVE) != 0;
    if (cycles && (s->attrs & MB_ATTR_CYCLES) && (conservative ? after > n / 100 : after != 0)) {
        snprintf(err, errsz, "%s: %llu of %llu objects left after collecting the cycles", s->name,
                 (unsigned long long)after, (unsigned long long)before);
        rc = -1;
    }
    if (full && after != n) {
        snprintf(err, errsz, "%s: %llu of %llu live containers left", s->name, (unsigned long long)after,
                 (unsigned long long)n);
        rc = -1;
    }
    mb_pop(rt);
    mb_rt_free(rt);
    return rc;
}
