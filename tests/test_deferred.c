/* test_deferred.c: rc-deferred's own rules: uncounted roots, the zero-count table, its threshold, reconciliation. */
#include <string.h>

#include "tests/helpers.h"

static const mb_strategy_t *deferred(void) {
    const mb_strategy_t *s = mb_find_strategy("rc-deferred");
    cr_assert_not_null(s, "rc-deferred is registered");
    return s;
}

static mb_rt_t *deferred_rt(const char *params) {
    mb_options_t opt = {.census = true, .params = params};
    mb_rt_t *rt = mb_rt_new(deferred(), &opt);
    cr_assert_not_null(rt);
    return rt;
}

/* The attributes say what the mutator does: slot writes counted, root
 * writes not; the leak oracle expects rc's leaks (no cycles). */
Test(deferred, attributes_and_barrier) {
    const mb_strategy_t *s = deferred();
    cr_assert(has(s, MB_ATTR_COUNTS) && has(s, MB_ATTR_DEFERRED) && has(s, MB_ATTR_FREES));
    cr_assert(!has(s, MB_ATTR_CYCLES) && !has(s, MB_ATTR_TRACES));
    cr_assert_eq(mb_attr_barrier(s->attrs), MB_BAR_HEAP);
    cr_assert_eq(mb_attr_barrier(mb_find_strategy("rc")->attrs), MB_BAR_ROOTS | MB_BAR_HEAP);
    cr_assert_eq(mb_attr_barrier(mb_find_strategy("mark-sweep")->attrs), 0);
    mb_rt_t *rt = deferred_rt(NULL);
    cr_assert_eq(rt->mut.barrier, MB_BAR_HEAP);
    mb_rt_free(rt);
}

/* Counts are references from slots only: two variables, a global and two
 * slots refer to X; its count is 2, and stays right through reconciliations
 * (the debug build's verifier checks every count after each one). */
Test(deferred, counts_are_slot_references) {
    mb_rt_t *rt = deferred_rt(NULL);
    enum { X, A, L, M, N };
    mb_push(rt, N);
    mb_new_list(rt, X, 1);
    cr_assert_eq(mb_refcount(rt, X), 0, "a new object: no slot refers to it");
    mb_assign(rt, A, X);
    mb_gset(rt, 0, X);
    cr_assert_eq(mb_refcount(rt, X), 0, "variables and globals are not counted");
    mb_new_list(rt, L, 2);
    mb_new_list(rt, M, 1);
    mb_store(rt, L, 0, X);
    mb_store(rt, L, 1, X);
    cr_assert_eq(mb_refcount(rt, X), 2, "two slots");
    mb_store(rt, M, 0, X);
    mb_store_none(rt, L, 1);
    cr_assert_eq(mb_refcount(rt, X), 2);
    uint64_t x = mb_id(rt, X);
    mb_pop(rt);                         /* pops nothing counted */
    cr_assert_eq(mb_refcount_id(rt, x), 2);
    mb_collect(rt);                     /* L and M die; X is held by the global */
    cr_assert_eq(mb_refcount_id(rt, x), 0, "the slots that referred to X are gone");
    cr_assert(mb_exists(rt, x), "the global keeps X");
    cr_assert_eq(mb_census(rt), 1);
    mb_rt_free(rt);
}

/* An object only a variable refers to survives reconciliations, and is
 * freed at the first reconciliation after the variable is cleared, not
 * before. */
Test(deferred, variable_only_object) {
    mb_rt_t *rt = deferred_rt(NULL);
    mb_auto_collect(rt, false);
    mb_push(rt, 2);
    mb_new_list(rt, 0, 3);
    uint64_t id = mb_id(rt, 0);
    for (int i = 0; i < 3; i++) {
        mb_collect(rt);
        cr_assert(mb_exists(rt, id), "reconciliation %d: a variable refers to it", i);
    }
    mb_push(rt, 1);                     /* a deeper frame's variable is a root too */
    mb_gget(rt, 0, 5);                  /* (global 5 is None) */
    mb_pop(rt);
    mb_assign(rt, 1, 0);
    mb_none(rt, 0);
    mb_collect(rt);
    cr_assert(mb_exists(rt, id), "variable 1 still refers to it");
    mb_none(rt, 1);
    cr_assert(mb_exists(rt, id), "not freed before the reconciliation");
    uint64_t colls = rt->mut.stats.collections;
    mb_collect(rt);
    cr_assert(!mb_exists(rt, id), "freed at the next reconciliation");
    cr_assert_eq(rt->mut.stats.collections, colls + 1);
    cr_assert_eq(mb_census(rt), 0);
    mb_pop(rt);
    mb_rt_free(rt);
}

/*
 * The threshold `zct=100`: each allocation enters the table; the one that
 * takes it past the limit (100 entries added since the last reconciliation)
 * asks for a reconciliation, which the next allocation runs. Allocating
 * into one variable, so each object is garbage once the next is made:
 * allocation 101 takes the table to 101 > 100, allocation 102 reconciles
 * (100 freed, the one in the variable stays: limit 1 + 100), allocation 202
 * takes it to 102 > 101, 203 reconciles, ...: reconciliations at
 * allocations 1 + 101k. 1000 allocations: k = 1..9, the last at 910, after
 * which the 909th object and 91 more are live.
 */
Test(deferred, threshold_counts_reconciliations) {
    if (getenv("MB_TEST_SMALL")) cr_skip_test("stress build: a reconciliation at every allocation");
    mb_options_t opt = {.params = "zct=100"};
    mb_rt_t *rt = mb_rt_new(deferred(), &opt);
    cr_assert_not_null(rt);
    mb_push(rt, 1);
    for (int i = 1; i <= 1000; i++) {
        mb_new_list(rt, 0, 1);
        uint64_t want = i >= 102 ? (uint64_t)(i - 1) / 101 : 0;
        cr_assert_eq(rt->mut.stats.collections, want, "after allocation %d: %llu reconciliations, want %llu", i,
                     (unsigned long long)rt->mut.stats.collections, (unsigned long long)want);
    }
    cr_assert_eq(rt->mut.stats.collections, 9);
    cr_assert_eq(rt->mut.stats.live_objects, 92);
    cr_assert_eq(rt->mut.stats.objects_freed, 908);
    mb_pop(rt);
    mb_rt_free(rt);
    /* the default and bad values */
    opt.params = "zct=0";
    cr_assert_null(mb_rt_new(deferred(), &opt), "zct=0 is refused");
    opt.params = "threshold=5";
    cr_assert_null(mb_rt_new(deferred(), &opt), "an unknown key is refused");
}

/* `--params zct=N` through the command line; 0 and other keys are bad usage. */
Test(deferred, params_on_the_command_line) {
    char out[8192];
    cr_assert_eq(run_cli("run -s rc-deferred -w shared-refs -n 2000 -i off -r 1 --params zct=64", out, sizeof out), 0,
                 "%s", out);
    int st = run_cli("run -s rc-deferred -w shared-refs -n 10 -i off -r 1 --params zct=0", out, sizeof out);
    cr_assert_eq(st, 2, "exit %d: %s", st, out);
    cr_assert(strstr(out, "membench: --params zct must be an integer from 1 to 1000000000000 for rc-deferred, not '0'"), "%s", out);
    st = run_cli("run -s rc-deferred -w shared-refs -n 10 -i off -r 1 --params threshold=5", out, sizeof out);
    cr_assert_eq(st, 2, "exit %d: %s", st, out);
}

/* Build a chain of `n` one-slot lists in variable 0. head_first: the head
 * is allocated first (every child enters the table after its parent);
 * otherwise the tail is (every child before its parent). */
static void chain(mb_rt_t *rt, int n, bool head_first) {
    if (head_first) {
        mb_new_list(rt, 0, 1);
        mb_assign(rt, 1, 0);
        for (int i = 1; i < n; i++) {
            mb_new_list(rt, 2, 1);
            mb_store(rt, 1, 0, 2);
            mb_assign(rt, 1, 2);
        }
    } else {
        for (int i = 0; i < n; i++) {
            mb_new_list(rt, 2, 1);
            mb_store(rt, 2, 0, 0);
            mb_assign(rt, 0, 2);
        }
    }
    mb_none(rt, 1);
    mb_none(rt, 2);
}

/* Dropping the head of a chain frees the whole chain in one
 * reconciliation, whichever order its members entered the table. */
Test(deferred, cascade_frees_a_chain_in_one_reconciliation) {
    for (int order = 0; order <= 1; order++) {
        mb_rt_t *rt = deferred_rt(NULL);
        mb_auto_collect(rt, false);
        mb_push(rt, 3);
        chain(rt, 3000, order);
        mb_collect(rt);
        cr_assert_eq(mb_census(rt), 3000, "order %d: the chain is live", order);
        mb_none(rt, 0);
        uint64_t colls = rt->mut.stats.collections, freed = rt->mut.stats.objects_freed;
        size_t pauses = rt->pauses.n;
        mb_collect(rt);
        cr_assert_eq(rt->mut.stats.collections, colls + 1);
        cr_assert_eq(rt->mut.stats.objects_freed - freed, 3000, "order %d: all of it in one reconciliation", order);
        cr_assert_eq(mb_census(rt), 0);
        cr_assert_eq(rt->pauses.n, pauses + 1, "the reconciliation is one pause");
        mb_pop(rt);
        mb_rt_free(rt);
    }
}

/* A cascade stops at an object a root refers to: it stays, in the table,
 * until the root lets go. */
Test(deferred, cascade_stops_at_a_root) {
    mb_rt_t *rt = deferred_rt(NULL);
    mb_auto_collect(rt, false);
    enum { A, B, C, N };
    mb_push(rt, N);
    mb_new_list(rt, A, 1);              /* A -> B -> C; variable B holds B */
    mb_new_list(rt, B, 1);
    mb_new_list(rt, C, 1);
    mb_store(rt, A, 0, B);
    mb_store(rt, B, 0, C);
    mb_none(rt, C);
    uint64_t b = mb_id(rt, B);
    mb_none(rt, A);
    mb_collect(rt);
    cr_assert_eq(mb_census(rt), 2, "A freed; B (a root) and C (B's) stay");
    cr_assert(mb_exists(rt, b));
    cr_assert_eq(mb_refcount(rt, B), 0);
    mb_load(rt, C, B, 0);
    cr_assert_eq(mb_refcount(rt, C), 1);
    mb_none(rt, C);
    mb_none(rt, B);
    mb_collect(rt);
    cr_assert_eq(mb_census(rt), 0, "then B and C at the next one");
    mb_pop(rt);
    mb_rt_free(rt);
}

/* Cycles leak exactly as under rc: a ring of 3 with an acyclic tail, and
 * acyclic garbage beside it. */
static void cycle_and_garbage(mb_rt_t *rt) {
    enum { A, B, C, T, N };
    mb_push(rt, N);
    mb_new_list(rt, A, 2);
    mb_new_list(rt, B, 1);
    mb_new_list(rt, C, 1);
    mb_store(rt, A, 0, B);
    mb_store(rt, B, 0, C);
    mb_store(rt, C, 0, A);
    mb_new_int(rt, T, 123456);          /* the ring's tail: kept with it */
    mb_store(rt, A, 1, T);
    for (int i = 0; i < 10; i++) {      /* acyclic garbage: freed */
        mb_new_list(rt, T, 1);
        mb_store(rt, T, 0, B);
        mb_none(rt, T);
    }
    mb_pop(rt);
}

Test(deferred, cycles_leak_as_under_rc) {
    uint64_t leaked[2], freed[2];
    const char *names[2] = {"rc", "rc-deferred"};
    for (int k = 0; k < 2; k++) {
        mb_options_t opt = {.census = true};
        mb_rt_t *rt = mb_rt_new(mb_find_strategy(names[k]), &opt);
        cycle_and_garbage(rt);
        mb_teardown(rt);
        leaked[k] = rt->mut.stats.leaked_objects;
        freed[k] = rt->mut.stats.objects_freed;
        mb_rt_free(rt);
    }
    cr_assert_eq(leaked[0], 4, "rc keeps the ring and its tail");
    cr_assert_eq(leaked[1], leaked[0], "rc-deferred leaks what rc leaks");
    cr_assert_eq(freed[1], freed[0]);
}

/* Finalizers run when the reconciliation frees the object. This one
 * stores its object's child in global 1 (through global 2 and a frame of
 * its own, since its frame has one variable) and lets go of the object. */
static void fin_child_to_global(mb_rt_t *rt, void *ctx) {
    (void)ctx;
    mb_gset(rt, 2, 0);                  /* global 2 = self */
    mb_push(rt, 2);
    mb_gget(rt, 0, 2);
    mb_load(rt, 1, 0, 0);               /* self[0] */
    mb_gset(rt, 1, 1);                  /* global 1 = the child */
    mb_none(rt, 0);
    mb_gset(rt, 2, 0);                  /* global 2 = None */
    mb_pop(rt);
}

/* The roots are marked again after every finalizer: the child the
 * finalizer put in a global survives its parent's death in the same
 * reconciliation, and is freed once the global lets go. */
Test(deferred, finalizer_stores_a_child_in_a_global) {
    mb_rt_t *rt = deferred_rt(NULL);
    mb_auto_collect(rt, false);
    enum { A, C, N };
    mb_push(rt, N);
    mb_new_list(rt, A, 1);
    mb_new_list(rt, C, 1);
    mb_store(rt, A, 0, C);
    uint64_t a = mb_id(rt, A), c = mb_id(rt, C);
    mb_none(rt, C);
    mb_set_finalizer(rt, A, fin_child_to_global, NULL);
    mb_none(rt, A);
    cr_assert_eq(rt->mut.stats.finalizers_run, 0, "not before the reconciliation");
    mb_collect(rt);
    cr_assert_eq(rt->mut.stats.finalizers_run, 1);
    cr_assert(!mb_exists(rt, a), "the finalized object is freed");
    cr_assert(mb_exists(rt, c), "the child is in global 1");
    cr_assert_eq(mb_refcount_id(rt, c), 0);
    mb_gget(rt, C, 1);
    cr_assert_eq(mb_id(rt, C), c);
    mb_none(rt, C);
    mb_gset(rt, 1, C);
    mb_collect(rt);
    cr_assert(!mb_exists(rt, c), "freed once the global lets go");
    cr_assert_eq(rt->mut.stats.finalizers_run, 1);
    mb_pop(rt);
    mb_rt_free(rt);
}

/* The table's growth passes the fault-injection point: failing it is out
 * of memory (exit status and message), not a crash. Allocation 1 is the
 * first object, 2 the table's first growth. */
Test(deferred, table_growth_fails_as_out_of_memory) {
    char out[1 << 14];
    setenv("MB_FAIL_ALLOC", "2", 1);
    int st = run_cli("run -s rc-deferred -w shared-refs -n 10 -i off -r 1", out, sizeof out);
    unsetenv("MB_FAIL_ALLOC");
    cr_assert_eq(st, 1, "the case fails, the run goes on: %s", out);
    cr_assert(strstr(out, "out of memory (zero-count table)"), "%s", out);
    cr_assert(strstr(out, "out of memory"), "%s", out);
}
