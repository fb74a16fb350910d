/* dlist.c: doubly linked lists built, walked both ways, partly spliced and pruned, then dropped. */
#include "workloads/workload.h"

/*
 * One round builds two lists, A and B, of LEN nodes each. A list header is a
 * list of two slots (first, last); a node is a list of three slots
 * (prev, next, value int). A holds the values 3j, B the values 3j + 300
 * (j = 0..LEN-1). Then:
 *   1. walk A and B forwards and backwards (checksum of the values in order);
 *   2. splice: cut A's nodes SPLICE_AT .. SPLICE_AT+SPLICE_LEN-1 out of A and
 *      insert them into B after B's node SPLICE_AFTER;
 *   3. prune: unlink every PRUNE_EVERY-th node of the new B (positions 0,
 *      PRUNE_EVERY, ...), clearing its prev and next, so it is garbage with
 *      no cycle and counting frees it;
 *   4. walk both again both ways, then drop both headers.
 * Headers are acyclic (nothing points back to them) and freed by counting;
 * every node still linked to a neighbour is on a prev/next cycle, so rc
 * leaks those nodes and their value ints (unless interned: 0..256).
 */
enum { HA, HB, CUR, NEXT, PREV, VAL, T1, T2, NVARS };
#define LEN 100u
#define SPLICE_AT 30u
#define SPLICE_LEN 30u
#define SPLICE_AFTER 50u
#define PRUNE_EVERY 10u

static int64_t value_of(int list, uint32_t j) { return (int64_t)(3 * j + (list ? 300 : 0)); }

/* Build a list of LEN nodes into header variable h. */
static void build(mb_rt_t *rt, mb_var_t h, int list) {
    mb_new_list(rt, h, 2);
    for (uint32_t j = 0; j < LEN; j++) {
        mb_new_list(rt, NEXT, 3);
        mb_new_int(rt, VAL, value_of(list, j));
        mb_store(rt, NEXT, 2, VAL);
        if (j == 0) {
            mb_store(rt, h, 0, NEXT);
        } else {
            mb_store(rt, CUR, 1, NEXT);     /* cur.next = new */
            mb_store(rt, NEXT, 0, CUR);     /* new.prev = cur */
        }
        mb_assign(rt, CUR, NEXT);
    }
    mb_store(rt, h, 1, CUR);
    mb_none(rt, CUR);
    mb_none(rt, NEXT);
    mb_none(rt, VAL);
}

/* Walk forwards then backwards; returns the checksum folded with the values. */
static uint64_t walk(mb_rt_t *rt, mb_var_t h, uint64_t sum) {
    for (int dir = 0; dir <= 1; dir++) {
        uint32_t count = 0;
        mb_load(rt, CUR, h, (uint32_t)dir);           /* first or last */
        while (!mb_is_none(rt, CUR)) {
            mb_load(rt, VAL, CUR, 2);
            sum = mb_wl_mix(sum, (uint64_t)mb_int_value(rt, VAL));
            mb_load(rt, CUR, CUR, dir ? 0u : 1u);      /* next or prev */
            count++;
        }
        sum = mb_wl_mix(sum, count);
    }
    mb_none(rt, VAL);
    return sum;
}

/* CUR = the node at position pos of list h (from the first). */
static void seek(mb_rt_t *rt, mb_var_t h, uint32_t pos) {
    mb_load(rt, CUR, h, 0);
    for (uint32_t i = 0; i < pos; i++) mb_load(rt, CUR, CUR, 1);
}

/* Splice A[SPLICE_AT .. SPLICE_AT+SPLICE_LEN) into B after B[SPLICE_AFTER]. */
static void splice(mb_rt_t *rt) {
    seek(rt, HA, SPLICE_AT);
    mb_assign(rt, T1, CUR);                     /* T1 = first moved */
    for (uint32_t i = 1; i < SPLICE_LEN; i++) mb_load(rt, CUR, CUR, 1);
    mb_assign(rt, T2, CUR);                     /* T2 = last moved */
    /* Close the gap in A: prev(T1) <-> next(T2). */
    mb_load(rt, PREV, T1, 0);
    mb_load(rt, NEXT, T2, 1);
    mb_store(rt, PREV, 1, NEXT);
    mb_store(rt, NEXT, 0, PREV);
    /* Insert between B[SPLICE_AFTER] and its successor. */
    seek(rt, HB, SPLICE_AFTER);
    mb_load(rt, NEXT, CUR, 1);
    mb_store(rt, CUR, 1, T1);
    mb_store(rt, T1, 0, CUR);
    mb_store(rt, T2, 1, NEXT);
    mb_store(rt, NEXT, 0, T2);
    mb_none(rt, T1);
    mb_none(rt, T2);
    mb_none(rt, PREV);
    mb_none(rt, NEXT);
    mb_none(rt, CUR);
}

/* Unlink every PRUNE_EVERY-th node of B and clear its links. Returns nodes removed. */
static uint32_t prune(mb_rt_t *rt, mb_var_t h) {
    uint32_t pos = 0, removed = 0;
    mb_load(rt, CUR, h, 0);
    while (!mb_is_none(rt, CUR)) {
        mb_load(rt, T1, CUR, 1);                /* remember the successor */
        if (pos % PRUNE_EVERY == 0) {
            mb_load(rt, PREV, CUR, 0);
            if (mb_is_none(rt, PREV)) mb_store(rt, h, 0, T1); else mb_store(rt, PREV, 1, T1);
            if (mb_is_none(rt, T1)) mb_store(rt, h, 1, PREV); else mb_store(rt, T1, 0, PREV);
            mb_store_none(rt, CUR, 0);
            mb_store_none(rt, CUR, 1);
            removed++;
        }
        mb_assign(rt, CUR, T1);
        pos++;
    }
    mb_none(rt, T1);
    mb_none(rt, PREV);
    return removed;
}

static uint64_t dl_run(mb_rt_t *rt, const mb_wl_args_t *a) {
    uint64_t sum = 0;
    mb_push(rt, NVARS);
    for (uint64_t i = 0; i < a->n; i++) {
        build(rt, HA, 0);
        build(rt, HB, 1);
        sum = walk(rt, HA, sum);
        sum = walk(rt, HB, sum);
        splice(rt);
        sum = mb_wl_mix(sum, prune(rt, HB));
        sum = walk(rt, HA, sum);
        sum = walk(rt, HB, sum);
        mb_none(rt, HA);                /* drop both headers: the nodes hold each other */
        mb_none(rt, HB);
    }
    mb_pop(rt);
    return sum;
}

static uint64_t dl_ops(const mb_wl_args_t *a) { return 2 * a->n; }

/* Per round: every node still linked (A minus the moved, B plus the moved,
 * minus the pruned), and its value int unless interned. A shadow of B's
 * order after the splice says which values the pruned nodes held. */
static uint64_t dl_leaks(const mb_wl_args_t *a) {
    int64_t b[LEN + SPLICE_LEN];
    uint32_t nb = 0;
    for (uint32_t j = 0; j <= SPLICE_AFTER; j++) b[nb++] = value_of(1, j);
    for (uint32_t j = SPLICE_AT; j < SPLICE_AT + SPLICE_LEN; j++) b[nb++] = value_of(0, j);
    for (uint32_t j = SPLICE_AFTER + 1; j < LEN; j++) b[nb++] = value_of(1, j);
    uint64_t per = 0;
    for (uint32_t j = 0; j < LEN; j++)                 /* A's nodes that stayed */
        if (j < SPLICE_AT || j >= SPLICE_AT + SPLICE_LEN)
            per += 1 + !(a->interning && value_of(0, j) <= 256);
    for (uint32_t k = 0; k < nb; k++)                  /* B's nodes that were not pruned */
        if (k % PRUNE_EVERY != 0) per += 1 + !(a->interning && b[k] <= 256);
    return a->n * per;
}

const mb_workload_t mb_workload_dlist = {
    .name = "dlist",
    .description = "n rounds of two 100-node doubly linked lists: built, walked both ways, spliced, pruned, dropped",
    .unit = "lists",
    .size_quick = 500,
    .size_default = 50000,
    .size_large = 500000,
    .shard_seconds = 1.4145,
    .ops = dl_ops,
    .leaks_acyclic = dl_leaks,
    .run = dl_run,
};
