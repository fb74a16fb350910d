/* large_live_heap.c: a large long-lived structure of n records plus steady churn: tracing pauses grow with live data. */
#include "workloads/workload.h"

/*
 * The live structure is a table of ceil(n / PAGE) pages, each a list of PAGE
 * slots holding records; a record is a list of two slots, an int value and
 * an int tag (-1 for the original records, the step number for a churned
 * one), so n records hold 3n objects besides the pages.
 * Values are drawn from the seed in 1000..1000999 (never interned).
 * Churn: CHURN_PER_RECORD * n steps, each allocating one short-lived record
 * (a list and two ints); one step in REPLACE_EVERY stores it over a random
 * live record (which dies), the others read it and drop it. The live
 * structure keeps its size throughout, so a tracing collector's pauses grow
 * with n while counting frees each dead record at once. Acyclic: nothing
 * leaks. At the end the whole table is walked for the checksum.
 */
enum { TABLE, PAGEV, REC, VAL, NVARS };
#define PAGE 256u
#define CHURN_PER_RECORD 4u
#define REPLACE_EVERY 8u

static uint64_t pages_of(uint64_t n) { return (n + PAGE - 1) / PAGE; }

/* REC = a new record (value, tag). */
static void new_record(mb_rt_t *rt, int64_t value, int64_t tag) {
    mb_new_list(rt, REC, 2);
    mb_new_int(rt, VAL, value);
    mb_store(rt, REC, 0, VAL);
    mb_new_int(rt, VAL, tag);
    mb_store(rt, REC, 1, VAL);
    mb_none(rt, VAL);
}

static uint64_t record_sum(mb_rt_t *rt, uint64_t sum) {
    mb_load(rt, VAL, REC, 0);
    sum = mb_wl_mix(sum, (uint64_t)mb_int_value(rt, VAL));
    mb_load(rt, VAL, REC, 1);
    sum = mb_wl_mix(sum, (uint64_t)mb_int_value(rt, VAL));
    mb_none(rt, VAL);
    return sum;
}

static uint64_t lh_run(mb_rt_t *rt, const mb_wl_args_t *a) {
    uint64_t rng = a->seed ^ 0x1a53e11u, sum = 0, n = a->n, np = pages_of(n);
    mb_push(rt, NVARS);
    /* Build: the table and every page, filled with records. */
    mb_new_list(rt, TABLE, (uint32_t)np);
    for (uint64_t p = 0; p < np; p++) {
        uint32_t len = (uint32_t)(p + 1 < np ? PAGE : n - p * PAGE);
        mb_new_list(rt, PAGEV, len);
        mb_store(rt, TABLE, (uint32_t)p, PAGEV);
        for (uint32_t s = 0; s < len; s++) {
            new_record(rt, 1000 + (int64_t)(mb_wl_rand(&rng) % 1000000), -1);
            mb_store(rt, PAGEV, s, REC);
        }
    }
    /* Churn. */
    uint64_t steps = CHURN_PER_RECORD * n;
    for (uint64_t i = 0; i < steps; i++) {
        uint64_t r = mb_wl_rand(&rng);
        new_record(rt, 1000 + (int64_t)(r % 1000000), (int64_t)i + 1000);
        if ((r >> 32) % REPLACE_EVERY == 0) {
            uint64_t at = (r >> 20) % n;
            mb_load(rt, PAGEV, TABLE, (uint32_t)(at / PAGE));
            mb_store(rt, PAGEV, (uint32_t)(at % PAGE), REC);
        } else {
            sum = record_sum(rt, sum);
        }
        mb_none(rt, REC);
    }
    /* Walk the table. */
    for (uint64_t p = 0; p < np; p++) {
        mb_load(rt, PAGEV, TABLE, (uint32_t)p);
        for (uint32_t s = 0; s < mb_len(rt, PAGEV); s++) {
            mb_load(rt, REC, PAGEV, s);
            sum = record_sum(rt, sum);
        }
    }
    mb_pop(rt);
    return sum;
}

static uint64_t lh_ops(const mb_wl_args_t *a) { return CHURN_PER_RECORD * a->n; }
static uint64_t lh_leaks(const mb_wl_args_t *a) { (void)a; return 0; }

const mb_workload_t mb_workload_large_live_heap = {
    .name = "large-live-heap",
    .description = "n long-lived records (3 objects each) in a paged table, then 4n churn steps replacing one in 8",
    .unit = "churn steps",
    .size_quick = 20000,
    .size_default = 1000000,
    .size_large = 5000000,
    .shard_seconds = 2.9980,
    .ops = lh_ops,
    .leaks_acyclic = lh_leaks,
    .run = lh_run,
};
