/* interned_values.c: small ints and repeated strings made in a loop and stored into containers: what interning saves. */
#include <stdio.h>

#include "workloads/workload.h"

/*
 * n values, each drawn from the seed: a small int in -5..256 (half of them),
 * a larger int 1000..100999, a word from a 16-word vocabulary, or a
 * formatted key "key0".."key99" (made with snprintf, as a program builds a
 * string at run time). Value i is stored in slot i % BOX_SLOTS of the
 * current box (a new box every BOX_SLOTS values; the old one dies) and,
 * every fourth value, also in one of TABLE_SLOTS slots of a long-lived
 * table (the seed's `a = 10; b = 10`: two names, one or two objects).
 * Each stored value is read back through the API for the checksum.
 * With interning off every value is a new object: n + ceil(n / BOX_SLOTS)
 * + 1 objects in all. With interning on, small ints and strings are one
 * immortal object per distinct value: only the large ints and containers
 * are new. Acyclic: nothing leaks.
 */
enum { TABLE, BOX, VAL, NVARS };
#define BOX_SLOTS 64u
#define TABLE_SLOTS 16u

static const char *const WORDS[16] = {
    "hello", "world", "spam", "eggs", "foo", "bar", "baz", "qux",
    "alpha", "beta", "gamma", "delta", "name", "value", "key", "membench"};

static uint64_t iv_run(mb_rt_t *rt, const mb_wl_args_t *a) {
    uint64_t rng = a->seed ^ 0x17e57ed5u, sum = 0;
    char buf[32];
    mb_push(rt, NVARS);
    mb_new_list(rt, TABLE, TABLE_SLOTS);
    for (uint64_t i = 0; i < a->n; i++) {
        uint32_t slot = (uint32_t)(i % BOX_SLOTS);
        if (slot == 0) mb_new_list(rt, BOX, BOX_SLOTS);
        uint64_t r = mb_wl_rand(&rng);
        uint32_t pick = (uint32_t)(r % 20), v = (uint32_t)(r >> 16);
        if (pick < 10) mb_new_int(rt, VAL, (int64_t)(v % 262) - 5);
        else if (pick < 13) mb_new_int(rt, VAL, 1000 + (int64_t)(v % 100000));
        else if (pick < 18) mb_new_str(rt, VAL, WORDS[v % 16]);
        else {
            snprintf(buf, sizeof buf, "key%u", v % 100);
            mb_new_str(rt, VAL, buf);
        }
        mb_store(rt, BOX, slot, VAL);
        if (i % 4 == 0) mb_store(rt, TABLE, (uint32_t)(r >> 48) % TABLE_SLOTS, VAL);
        mb_load(rt, VAL, BOX, slot);    /* read it back */
        if (mb_is_int(rt, VAL)) {
            sum = mb_wl_mix(sum, (uint64_t)(mb_int_value(rt, VAL) + 5));
        } else {
            const char *s = mb_str_value(rt, VAL);
            uint64_t h = 0;
            for (; *s; s++) h = h * 31 + (unsigned char)*s;
            sum = mb_wl_mix(sum, h & 0xffffffu);
        }
    }
    /* The table at the end: kinds and values. */
    for (uint32_t t = 0; t < TABLE_SLOTS; t++) {
        mb_load(rt, VAL, TABLE, t);
        sum = mb_wl_mix(sum, mb_is_none(rt, VAL) ? 1 : mb_is_int(rt, VAL) ? (uint64_t)mb_int_value(rt, VAL) + 10
                                                                           : mb_len(rt, VAL) + 7);
    }
    mb_pop(rt);
    return sum;
}

static uint64_t iv_ops(const mb_wl_args_t *a) { return a->n; }
static uint64_t iv_leaks(const mb_wl_args_t *a) { (void)a; return 0; }

const mb_workload_t mb_workload_interned_values = {
    .name = "interned-values",
    .description = "small ints and repeated strings made in a loop and stored into containers: interning makes them one object each",
    .unit = "values",
    .size_quick = 200000,
    .size_default = 5000000,
    .size_large = 50000000,
    .shard_seconds = 0.3417,
    .ops = iv_ops,
    .leaks_acyclic = iv_leaks,
    .run = iv_run,
};
