/* cycle_rings.c: rings of 3, 100 and 10,000 nodes, each created, walked once and dropped. */
#include "workloads/workload.h"

/*
 * Ring i (0 <= i < n) has RING_LEN[i % 3] nodes. A node is a list of two
 * slots: slot 0 the next node, slot 1 an int, the node's position j in its
 * ring (0..len-1). The last node points back to the first, so every ring is
 * one cycle that pure counting never frees: rc leaks every node, and every
 * position int that is not immortal (with interning on, 0..256 are).
 * The ring is walked once after it is closed (the checksum mixes the
 * positions in walk order and checks the walk comes back to the head).
 */
enum { HEAD, CUR, NEXT, VAL, NVARS };
static const uint32_t RING_LEN[3] = {3, 100, 10000};

static uint64_t ring_nodes(uint64_t n) {
    uint64_t total = 0;
    for (int k = 0; k < 3; k++) total += (n / 3 + (n % 3 > (uint64_t)k)) * RING_LEN[k];
    return total;
}

static uint64_t cr_run(mb_rt_t *rt, const mb_wl_args_t *a) {
    uint64_t sum = 0;
    mb_push(rt, NVARS);
    for (uint64_t i = 0; i < a->n; i++) {
        uint32_t len = RING_LEN[i % 3];
        /* Build: HEAD is node 0; CUR is the last node built. */
        mb_new_list(rt, HEAD, 2);
        mb_new_int(rt, VAL, 0);
        mb_store(rt, HEAD, 1, VAL);
        mb_assign(rt, CUR, HEAD);
        for (uint32_t j = 1; j < len; j++) {
            mb_new_list(rt, NEXT, 2);
            mb_new_int(rt, VAL, j);
            mb_store(rt, NEXT, 1, VAL);
            mb_store(rt, CUR, 0, NEXT);
            mb_assign(rt, CUR, NEXT);
        }
        mb_store(rt, CUR, 0, HEAD);     /* close the ring: now it is a cycle */
        /* Walk once round: positions in order, back at HEAD after len steps. */
        mb_assign(rt, CUR, HEAD);
        uint32_t steps = 0;
        do {
            mb_load(rt, VAL, CUR, 1);
            sum = mb_wl_mix(sum, (uint64_t)mb_int_value(rt, VAL) + steps);
            mb_load(rt, CUR, CUR, 0);
            steps++;
        } while (!mb_is(rt, CUR, HEAD) && steps <= len);
        sum = mb_wl_mix(sum, steps);
        mb_none(rt, HEAD);              /* drop every name: only the cycle holds the ring */
        mb_none(rt, CUR);
        mb_none(rt, NEXT);
        mb_none(rt, VAL);
    }
    mb_pop(rt);
    return sum;
}

static uint64_t cr_ops(const mb_wl_args_t *a) { return ring_nodes(a->n); }

/* Every node, plus every position int that interning does not make immortal. */
static uint64_t cr_leaks(const mb_wl_args_t *a) {
    uint64_t leaks = 0;
    for (int k = 0; k < 3; k++) {
        uint64_t rings = a->n / 3 + (a->n % 3 > (uint64_t)k);
        uint64_t ints = a->interning ? (RING_LEN[k] > 257 ? RING_LEN[k] - 257 : 0) : RING_LEN[k];
        leaks += rings * (RING_LEN[k] + ints);
    }
    return leaks;
}

const mb_workload_t mb_workload_cycle_rings = {
    .name = "cycle-rings",
    .description = "n rings of 3, 100 or 10,000 nodes (ring i by i mod 3), each built, walked once round, dropped",
    .unit = "nodes",
    .size_quick = 60,
    .size_default = 3000,
    .size_large = 30000,
    .shard_seconds = 1.3674,
    .ops = cr_ops,
    .leaks_acyclic = cr_leaks,
    .run = cr_run,
};
