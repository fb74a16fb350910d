/* perm.c: perm9 (Hansen, Clinger, Luks): all permutations of 1..n as lists sharing structure, summed, then mergesorted in place. */
#include <stdio.h>
#include <stdlib.h>

#include "workloads/workload.h"

/*
 * The Larceny/Gambit perm9 benchmark with n elements (9 is perm9):
 *   - one..n builds the list (1 2 ... n): n pairs and n ints;
 *   - permutations, Zaks's generator (Gene Luks' pancake-flip grey code):
 *     P(n) = n-1 times { P(n-1); F(n) }, then P(n-1); F(n) reverses the
 *     first n elements of the current permutation x onto its shared tail
 *     (n new pairs) and conses the result onto the list of permutations
 *     (one pair), which starts as (list x). So every permutation shares
 *     structure with the one before it and nothing becomes garbage:
 *     pairs(n) = 1 + f(n), f(1) = 0, f(n) = n f(n-1) + (n-1)(n+1):
 *     149,912 at n = 8 and 1,349,280 at n = 9 (perm9's comment says
 *     1,349,288; its own algorithm, run here, allocates 1,349,280);
 *   - sumperms walks every element of every permutation;
 *   - mergesort! sorts the list of permutations lexicographically in place:
 *     it rewrites the spine's cdr slots and allocates nothing.
 * A pair is a list of two slots (0 car, 1 cdr). Acyclic: every strategy
 * that frees leaks 0. The checksum mixes the sums and every permutation, in
 * sorted order, as a number in base n + 1.
 */
#define PERM_MAX 11u
#define PERM_REG 0u                     /* global passing a list into or out of a sort call */
enum { X, PERMS, Y, T, V, NP, NVARS };  /* the workload's frame */
enum { S_A, S_B, S_H, S_T, S_P, S_Q, S_E, S_NIL, S_NVARS }; /* a sort call's frame; S_NIL is None */

static uint64_t perm_pairs(uint64_t n) {
    uint64_t f = 0;
    for (uint64_t k = 2; k <= n; k++) f = k * f + (k - 1) * (k + 1);
    return 1 + f;
}

/* dst = a new pair (car, cdr), through NP. */
static void cons(mb_rt_t *rt, mb_var_t dst, mb_var_t car, mb_var_t cdr) {
    mb_new_list(rt, NP, 2);
    mb_store(rt, NP, 0, car);
    mb_store(rt, NP, 1, cdr);
    mb_assign(rt, dst, NP);
    mb_none(rt, NP);
}

/* F(n): x = the first n elements of x reversed onto its (n)th tail; push x onto perms. */
static void flip(mb_rt_t *rt, uint64_t n) {
    mb_assign(rt, Y, X);
    for (uint64_t i = 0; i < n; i++) mb_load(rt, Y, Y, 1);
    mb_assign(rt, T, X);
    for (uint64_t i = 0; i < n; i++) {
        mb_load(rt, V, T, 0);
        cons(rt, Y, V, Y);
        mb_load(rt, T, T, 1);
    }
    mb_assign(rt, X, Y);
    cons(rt, PERMS, X, PERMS);
}

static uint64_t perm_count(uint64_t n) {
    uint64_t c = 1;
    for (uint64_t k = 2; k <= n; k++) c *= k;
    return c;
}

static void zaks(mb_rt_t *rt, uint64_t n) {
    if (n <= 1) return;
    for (uint64_t j = n - 1; j > 0; j--) {
        zaks(rt, n - 1);
        flip(rt, n);
    }
    zaks(rt, n - 1);
}

/* Sum of every element of every permutation in PERMS. */
static uint64_t sumperms(mb_rt_t *rt) {
    uint64_t sum = 0;
    for (mb_assign(rt, T, PERMS); !mb_is_none(rt, T); mb_load(rt, T, T, 1)) {
        mb_load(rt, Y, T, 0);
        for (; !mb_is_none(rt, Y); mb_load(rt, Y, Y, 1)) {
            mb_load(rt, V, Y, 0);
            sum += (uint64_t)mb_int_value(rt, V);
        }
    }
    return sum;
}

/* Lexicographic: is the permutation in spine pair a before the one in b? */
static bool perm_less(mb_rt_t *rt, mb_var_t a, mb_var_t b) {
    mb_load(rt, S_P, a, 0);
    mb_load(rt, S_Q, b, 0);
    while (!mb_is_none(rt, S_P) && !mb_is_none(rt, S_Q)) {
        mb_load(rt, S_E, S_P, 0);
        int64_t x = mb_int_value(rt, S_E);
        mb_load(rt, S_E, S_Q, 0);
        int64_t y = mb_int_value(rt, S_E);
        if (x != y) return x < y;
        mb_load(rt, S_P, S_P, 1);
        mb_load(rt, S_Q, S_Q, 1);
    }
    return mb_is_none(rt, S_P) && !mb_is_none(rt, S_Q);
}

/* Append the head of list `from` to the merged list (S_H, S_T); advance `from`. */
static void take(mb_rt_t *rt, mb_var_t from) {
    if (mb_is_none(rt, S_H)) mb_assign(rt, S_H, from);
    else mb_store(rt, S_T, 1, from);
    mb_assign(rt, S_T, from);
    mb_load(rt, from, from, 1);
}

/* mergesort!: pre: PERM_REG holds a spine of len pairs; post: PERM_REG holds
 * the same pairs in lexicographic order (stable), relinked in place. */
static void msort(mb_rt_t *rt, uint64_t len) {
    if (len <= 1) return;
    mb_push(rt, S_NVARS);
    mb_gget(rt, S_A, PERM_REG);
    mb_gset(rt, PERM_REG, S_NIL);
    mb_assign(rt, S_T, S_A);
    for (uint64_t i = 1; i < len / 2; i++) mb_load(rt, S_T, S_T, 1);
    mb_load(rt, S_B, S_T, 1);
    mb_store_none(rt, S_T, 1);              /* cut after the first half */
    mb_gset(rt, PERM_REG, S_A);
    msort(rt, len / 2);
    mb_gget(rt, S_A, PERM_REG);
    mb_gset(rt, PERM_REG, S_B);
    msort(rt, len - len / 2);
    mb_gget(rt, S_B, PERM_REG);
    mb_gset(rt, PERM_REG, S_NIL);
    mb_none(rt, S_T);
    while (!mb_is_none(rt, S_A) && !mb_is_none(rt, S_B)) take(rt, perm_less(rt, S_B, S_A) ? S_B : S_A);
    mb_store(rt, S_T, 1, mb_is_none(rt, S_A) ? S_B : S_A);
    mb_gset(rt, PERM_REG, S_H);
    mb_pop(rt);
}

/* Every permutation of PERMS in order, as a number in base n + 1, mixed in;
 * *sorted gets whether each is below the next. */
static uint64_t perms_digest(mb_rt_t *rt, uint64_t n, bool *sorted) {
    uint64_t sum = 0, prev = 0, k = 0;
    *sorted = true;
    for (mb_assign(rt, T, PERMS); !mb_is_none(rt, T); mb_load(rt, T, T, 1), k++) {
        uint64_t code = 0;
        for (mb_load(rt, Y, T, 0); !mb_is_none(rt, Y); mb_load(rt, Y, Y, 1)) {
            mb_load(rt, V, Y, 0);
            code = code * (n + 1) + (uint64_t)mb_int_value(rt, V);
        }
        if (k > 0 && code <= prev) *sorted = false;
        prev = code;
        sum = mb_wl_mix(sum, code);
    }
    return mb_wl_mix(sum, k);
}

static uint64_t perm_run(mb_rt_t *rt, const mb_wl_args_t *a) {
    uint64_t n = a->n, sum = 0;
    if (n > PERM_MAX) {
        fprintf(stderr, "membench: perm: the size is the number of elements, at most %u, not %llu\n", PERM_MAX,
                (unsigned long long)n);
        exit(2);
    }
    mb_push(rt, NVARS);
    for (uint64_t k = n; k >= 1; k--) {     /* one..n */
        mb_new_int(rt, V, (int64_t)k);
        cons(rt, X, V, X);
    }
    cons(rt, PERMS, X, PERMS);              /* perms = (list x) */
    zaks(rt, n);
    sum = mb_wl_mix(sum, sumperms(rt));
    mb_gset(rt, PERM_REG, PERMS);
    mb_none(rt, PERMS);
    msort(rt, perm_count(n));
    mb_gget(rt, PERMS, PERM_REG);
    mb_none(rt, T);
    mb_gset(rt, PERM_REG, T);
    bool sorted;
    sum = mb_wl_mix(sum, perms_digest(rt, n, &sorted));
    sum = mb_wl_mix(sum, sorted);
    mb_pop(rt);
    return sum;
}

/* Pairs that permutations allocates (one..n's excluded). */
static uint64_t perm_ops(const mb_wl_args_t *a) { return perm_pairs(a->n > PERM_MAX ? PERM_MAX : a->n); }

static uint64_t perm_leaks(const mb_wl_args_t *a) { (void)a; return 0; }

const mb_workload_t mb_workload_perm = {
    .name = "perm",
    .description = "perm9: the n! permutations of 1..n as shared lists (Zaks), summed, then mergesorted in place (n = 9 is perm9)",
    .unit = "pairs",
    .size_quick = 6,
    .size_default = 9,
    .size_large = 10,
    .size_max = PERM_MAX,
    .ops = perm_ops,
    .leaks_acyclic = perm_leaks,
    .run = perm_run,
    .shard_seconds = 1.0435,
};
