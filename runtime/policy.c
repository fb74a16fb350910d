/* policy.c: when to collect, the one shared decision (MPS policy.c); strategies only decide how. */
#include "runtime/strategy.h"

/*
 * The heap trigger: a strategy with MB_ATTR_POLICY collects when the bytes
 * held by allocated objects (live or garbage, metadata included) pass
 *
 *     heap_limit = max(MB_POLICY_MIN_HEAP, heap_multiplier * live_after)
 *
 * where live_after is what survived the last collection. heap_multiplier
 * (--heap-multiplier, default MB_DEFAULT_HEAP_MULTIPLIER in mb.h) is the time-space knob: larger means
 * fewer collections and a bigger heap. Stress builds (MB_STRESS) ignore it
 * and collect at every allocation (strategy.h, mb_policy_due).
 */
#define MB_POLICY_MIN_HEAP ((size_t)1 << 20)   /* 1 MiB: no collection storms on tiny heaps */

uint64_t mb_policy_limit(const mb_rt_t *rt, uint64_t live) {
    double limit = rt->opt.heap_multiplier * (double)live;
    return limit < (double)MB_POLICY_MIN_HEAP ? MB_POLICY_MIN_HEAP : (uint64_t)limit;
}

static void set_limit(mb_rt_t *rt) { rt->heap_limit = (size_t)mb_policy_limit(rt, rt->mut.stats.live_bytes); }

void mb_policy_init(mb_rt_t *rt) { set_limit(rt); }
void mb_policy_after_collect(mb_rt_t *rt) { set_limit(rt); }
