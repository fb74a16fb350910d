/* shared_refs.c: the seed's `a = x` aliasing: many variables and slots share objects; random reassignments, no cycles. */
#include "workloads/workload.h"

/*
 * A population of NVARS variables. Each list has LIST_SLOTS slots; slot 0
 * holds its level (an int). A list may only point to lists of a strictly
 * lower level, so no cycle can form: everything is reclaimable by counting
 * alone. Each step draws one of: alias a variable (a = x), store a variable
 * into a slot, load a slot into a variable, allocate a new list, int or
 * string, or drop a variable. Every draw depends on the seed and on values
 * the workload reads, never on the strategy, so all strategies do the same.
 */
enum { NVARS = 64, TMP = NVARS, TMP2, FRAME };
#define LIST_SLOTS 4
#define MAX_LEVEL 1000

static int64_t level_of(mb_rt_t *rt, mb_var_t v) {
    if (!mb_is_list(rt, v)) return -1;
    mb_load(rt, TMP2, v, 0);
    int64_t lv = mb_int_value(rt, TMP2);
    mb_none(rt, TMP2);
    return lv;
}

static uint64_t sr_run(mb_rt_t *rt, const mb_wl_args_t *a) {
    static const char *const words[] = {"hello", "world", "spam", "eggs", "membench"};
    uint64_t rng = a->seed ^ 0x5eed0001u, sum = 0;
    mb_push(rt, FRAME);
    for (uint64_t i = 0; i < a->n; i++) {
        uint64_t r = mb_wl_rand(&rng);
        mb_var_t x = (mb_var_t)(r % NVARS), y = (mb_var_t)((r >> 8) % NVARS);
        uint32_t slot = 1 + (uint32_t)((r >> 16) % (LIST_SLOTS - 1));
        switch ((r >> 24) % 8) {
        case 0: case 1:                 /* x = y */
            mb_assign(rt, x, y);
            break;
        case 2: case 3: {               /* x.slot = y, if y is lower than x */
            int64_t lx = level_of(rt, x), ly = mb_is_list(rt, y) ? level_of(rt, y) : -1;
            if (lx >= 0 && (ly < lx)) mb_store(rt, x, slot, y);
            sum = mb_wl_mix(sum, (uint64_t)(lx + 2));
            break;
        }
        case 4:                         /* x = y.slot */
            if (mb_is_list(rt, y)) mb_load(rt, x, y, slot);
            break;
        case 5: {                       /* x = [level, ...] */
            int64_t lv = (int64_t)((r >> 32) % MAX_LEVEL);
            mb_new_list(rt, x, LIST_SLOTS);
            mb_new_int(rt, TMP, lv);
            mb_store(rt, x, 0, TMP);
            mb_none(rt, TMP);
            break;
        }
        case 6:                         /* x = int or string */
            if ((r >> 40) & 1) mb_new_int(rt, x, (int64_t)((r >> 41) % 512) - 5);
            else mb_new_str(rt, x, words[(r >> 41) % 5]);
            break;
        default:                        /* x = None */
            mb_none(rt, x);
            break;
        }
    }
    /* Checksum what is left: each variable's kind and value, one level deep. */
    for (mb_var_t v = 0; v < NVARS; v++) {
        if (mb_is_int(rt, v)) sum = mb_wl_mix(sum, (uint64_t)mb_int_value(rt, v) + 10);
        else if (mb_is_str(rt, v)) sum = mb_wl_mix(sum, mb_len(rt, v) + 1000);
        else if (mb_is_list(rt, v)) {
            for (uint32_t s = 0; s < LIST_SLOTS; s++) {
                mb_load(rt, TMP, v, s);
                sum = mb_wl_mix(sum, mb_is_none(rt, TMP) ? 1 : mb_is_int(rt, TMP) ? (uint64_t)mb_int_value(rt, TMP) + 7 : 3);
            }
        } else sum = mb_wl_mix(sum, 2);
    }
    mb_pop(rt);
    return sum;
}

static uint64_t sr_ops(const mb_wl_args_t *a) { return a->n; }
static uint64_t sr_leaks(const mb_wl_args_t *a) { (void)a; return 0; }

const mb_workload_t mb_workload_shared_refs = {
    .name = "shared-refs",
    .description = "the seed's a = x: objects shared by many variables and slots, random reassignment, no cycles",
    .unit = "steps",
    .size_quick = 200000,
    .size_default = 5000000,
    .size_large = 50000000,
    .shard_seconds = 0.1997,
    .ops = sr_ops,
    .leaks_acyclic = sr_leaks,
    .run = sr_run,
};
