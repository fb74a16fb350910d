/* test_moving.c: moving collectors: objects move, their identity and contents stay, the verifier sees stale references. */
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/strategy.h"
#include "tests/helpers.h"

enum { A, B, C, BIG, T, NV };

static mb_obj_t *addr(mb_rt_t *rt, mb_var_t v) { return *mb__var(rt, v); }

/* A list A = [B, A, "moved"] (a self cycle), B an int, a large list BIG
 * holding B in its last slot, and garbage between collections. *a0 and *b0
 * get A's and B's addresses at birth (a stress build collects at every
 * allocation, so they may move before build returns). */
static void build(mb_rt_t *rt, mb_obj_t **a0, mb_obj_t **b0) {
    mb_new_list(rt, A, 3);
    *a0 = addr(rt, A);
    mb_new_int(rt, B, 1000003);
    *b0 = addr(rt, B);
    mb_store(rt, A, 0, B);
    mb_store(rt, A, 1, A);
    mb_new_str(rt, C, "moved");
    mb_store(rt, A, 2, C);
    mb_new_list(rt, BIG, 4000);         /* 32 KiB: a large object where a strategy has such a space */
    mb_store(rt, BIG, 3999, B);
}

static void garbage(mb_rt_t *rt, int n) {
    for (int i = 0; i < n; i++) {
        mb_new_list(rt, T, 2);
        mb_store(rt, T, 0, T);          /* cyclic garbage too */
    }
    mb_none(rt, T);
}

STRATEGY_TEST(moving, identity_and_contents_survive_moves) {
    if (!has(s, MB_ATTR_MOVES)) cr_skip_test("%s does not move objects", s->name);
    for (int census = 0; census < 2; census++) {
        mb_options_t opt = {.census = census};
        mb_rt_t *rt = mb_rt_new(s, &opt);
        cr_assert_not_null(rt);
        mb_push(rt, NV);
        mb_obj_t *a0, *b0;
        build(rt, &a0, &b0);
        uint64_t ida = mb_id(rt, A), idb = mb_id(rt, B), idbig = mb_id(rt, BIG);
        bool a_moved = addr(rt, A) != a0, b_moved = addr(rt, B) != b0;
        for (int k = 0; k < 4; k++) {
            garbage(rt, 1000);
            mb_new_list(rt, T, 1);      /* made just before the collection: young, or in the current semispace */
            mb_obj_t *a1 = addr(rt, A), *b1 = addr(rt, B), *t0 = addr(rt, T);
            mb_collect(rt);
            cr_assert_neq(addr(rt, T), t0, "%s census %d: a new object did not move in a collection", s->name, census);
            a_moved = a_moved || addr(rt, A) != a1;
            b_moved = b_moved || addr(rt, B) != b1;
            cr_assert(a_moved && b_moved, "%s census %d: A or B never moved", s->name, census);
            cr_assert_eq(mb_id(rt, A), ida, "%s census %d, collection %d: id(A) changed", s->name, census, k);
            cr_assert_eq(mb_id(rt, B), idb, "%s census %d, collection %d: id(B) changed", s->name, census, k);
            cr_assert_eq(mb_id(rt, BIG), idbig, "%s census %d: id(BIG) changed", s->name, census);
            mb_load(rt, C, A, 0);
            cr_assert(mb_is(rt, C, B), "%s: A[0] is not B after a move", s->name);
            cr_assert_eq(mb_int_value(rt, C), 1000003);
            mb_load(rt, C, A, 1);
            cr_assert(mb_is(rt, C, A), "%s: A[1] is not A after a move", s->name);
            mb_load(rt, C, A, 2);
            cr_assert_str_eq(mb_str_value(rt, C), "moved");
            mb_load(rt, C, BIG, 3999);
            cr_assert(mb_is(rt, C, B), "%s: BIG[3999] is not B after a move", s->name);
            cr_assert_eq(mb_len(rt, BIG), 4000);
            if (census) {
                cr_assert(mb_exists(rt, ida) && mb_exists(rt, idb) && mb_exists(rt, idbig));
                cr_assert_eq(mb_census(rt), 5, "%s: %zu objects in the census, want A, B, \"moved\", BIG, T", s->name,
                             mb_census(rt));
            }
        }
        /* a new object's identity is new, whatever address it takes */
        mb_new_list(rt, T, 2);
        uint64_t idt = mb_id(rt, T);
        cr_assert(idt != ida && idt != idb && idt != idbig, "%s: a new object took an old identity", s->name);
        mb_none(rt, A);
        mb_collect(rt);
        if (census) cr_assert(!mb_exists(rt, ida), "%s: A is unreachable but still exists", s->name);
        mb_pop(rt);
        mb_rt_free(rt);
    }
}

/* A reference to an object's old copy, stored by hand after a collection,
 * is what a missed root or a missed slot would leave: the verifier must
 * reject it (abort with a message naming the space). The object is made
 * just before the collection, so it is young (or in the current semispace)
 * even in a stress build. */
STRATEGY_TEST(moving, verifier_rejects_a_stale_reference) {
    if (!has(s, MB_ATTR_MOVES)) cr_skip_test("%s does not move objects", s->name);
    fflush(NULL);
    pid_t pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        mb_options_t opt = {.census = true};
        mb_rt_t *rt = mb_rt_new(s, &opt);
        mb_push(rt, NV);
        mb_obj_t *a0, *b0;
        build(rt, &a0, &b0);
        mb_new_int(rt, T, 77);
        mb_store(rt, A, 2, T);
        mb_verify(rt);                  /* sound so far */
        mb_obj_t *stale = addr(rt, T);
        mb_collect(rt);
        mb_verify(rt);                  /* still sound: the collector updated every reference */
        if (addr(rt, T) == stale) _exit(3);
        mb_obj_slots(addr(rt, A))[0] = stale;
        freopen("/dev/null", "w", stderr);
        mb_verify(rt);
        _exit(0);                       /* not caught */
    }
    int st;
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    cr_assert(!(WIFEXITED(st) && WEXITSTATUS(st) == 3), "%s: a new object did not move in a collection", s->name);
    cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT, "%s: the verifier accepted a reference to an old copy (status %d)",
              s->name, st);
}
