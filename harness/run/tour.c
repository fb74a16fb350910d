/* tour.c: `membench tour` replays the seed tutorial's examples (docs/design.md section 9) on one strategy. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "harness/run/tour.h"

/* Print one line as the tutorial writes it: code, then "# what it yields". */
static void say(const char *code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(const char *code, const char *fmt, ...) {
    char buf[256] = "";
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(buf, sizeof buf, fmt, ap);
        va_end(ap);
    }
    if (*buf) printf("%-34s # %s\n", code, buf);
    else printf("%s\n", code);
}

static void say_rc(mb_rt_t *rt, const char *code, long c) {
    if (c == MB_RC_FREED) say(code, "object freed: no count to read");
    else if (c == MB_RC_NONE) say(code, "%s keeps no reference counts", mb_rt_strategy(rt)->name);
    else if (c == MB_RC_IMMORTAL) say(code, "immortal (interned, as CPython 3.12+ makes them, PEP 683): its count never changes");
    else if (mb_rt_strategy(rt)->attrs & MB_ATTR_DEFERRED)
        say(code, "%ld (slot references only: %s counts no variable)", c, mb_rt_strategy(rt)->name);
    else say(code, "%ld", c);
}

static void say_count(mb_rt_t *rt, const char *code, mb_var_t v) { say_rc(rt, code, mb_refcount(rt, v)); }

static void say_exists(mb_rt_t *rt, const char *code, uint64_t id) {
    say(code, "%s", mb_exists(rt, id) ? "object exists" : "not found");
}

/* 1. x = [1, 2, 3]; a = x: one object, two names, count 2. */
static void scenario1(mb_rt_t *rt) {
    enum { X, A, T, N };
    printf("\n## 1. Names share objects: a = x\n");
    mb_push(rt, N);
    mb_new_list(rt, X, 3);
    for (uint32_t i = 0; i < 3; i++) {
        mb_new_int(rt, T, i + 1);
        mb_store(rt, X, i, T);
    }
    mb_none(rt, T);
    say("x = [1, 2, 3]", NULL);
    mb_assign(rt, A, X);
    say("a = x", NULL);
    say("a is x", "%s", mb_is(rt, A, X) ? "True" : "False");
    say("id(a) == id(x)", "%s", mb_id(rt, A) == mb_id(rt, X) ? "True" : "False");
    say_count(rt, "ref_count(id(x))", X);
    if (mb_refcount(rt, X) >= 0 && !(mb_rt_strategy(rt)->attrs & MB_ATTR_DEFERRED))
        say("sys.getrefcount(x)", "%ld (the call itself holds one more)", mb_refcount(rt, X) + 1);
    mb_pop(rt);
}

/* 2. A <-> B held by my_var, automatic collection off. */
static void scenario2(mb_rt_t *rt) {
    enum { MY_VAR, B, N };
    printf("\n## 2. A reference cycle: A.b = B, B.a = A\n");
    mb_push(rt, N);
    mb_auto_collect(rt, false);
    say("gc.disable()", NULL);
    mb_new_list(rt, MY_VAR, 1);
    mb_new_list(rt, B, 1);
    mb_store(rt, MY_VAR, 0, B);
    mb_store(rt, B, 0, MY_VAR);
    mb_none(rt, B);
    say("my_var = A()", "A() sets self.b = B(self), B sets self.a = a");
    uint64_t a_id = mb_id(rt, MY_VAR);
    mb_load(rt, B, MY_VAR, 0);
    uint64_t b_id = mb_id(rt, B);
    say("a_id, b_id = id(my_var), id(my_var.b)", NULL);
    mb_none(rt, B);                     /* only my_var names an object now */
    say_rc(rt, "ref_count(a_id)", mb_refcount_id(rt, a_id));
    say_rc(rt, "ref_count(b_id)", mb_refcount_id(rt, b_id));
    say_exists(rt, "object_by_id(a_id)", a_id);
    mb_none(rt, MY_VAR);
    say("my_var = None", NULL);
    mb_pop(rt);
    /* Counts are read without holding a reference: the object is looked up
     * by id in the census, as the tutorial's ctypes reads an address. */
    say_rc(rt, "ref_count(a_id)", mb_refcount_id(rt, a_id));
    say_rc(rt, "ref_count(b_id)", mb_refcount_id(rt, b_id));
    say_exists(rt, "object_by_id(a_id)", a_id);
    say_exists(rt, "object_by_id(b_id)", b_id);
    mb_collect(rt);
    say("gc.collect()", NULL);
    say_exists(rt, "object_by_id(a_id)", a_id);
    say_exists(rt, "object_by_id(b_id)", b_id);
    if (mb_exists(rt, a_id)) {
        unsigned attrs = mb_rt_strategy(rt)->attrs;
        say("", NULL);
        say(!(attrs & MB_ATTR_FREES) ? "# this strategy never frees anything"
                                     : "# counting alone cannot free a cycle: this is the leak", NULL);
    }
    mb_auto_collect(rt, true);
}

/* A __del__ that says it ran, as the tutorial's print in __del__ does. */
static void tour_del(mb_rt_t *rt, void *ctx) {
    (void)rt;
    printf("%-34s # %s.__del__ runs\n", "", (const char *)ctx);
}

/* 3. Objects with finalizers in a cycle: kept aside in `garbage` (legacy),
 * or finalized once and collected (modern, PEP 442). */
static void scenario3(const mb_strategy_t *s, mb_finalizer_mode_t mode) {
    enum { A, B, N };
    mb_options_t opt = {.census = true, .finalizers = mode};
    mb_rt_t *rt = mb_rt_new(s, &opt);
    if (!rt) return;
    printf("\n## 3. Finalizers in a cycle (%s semantics%s)\n", mode == MB_FIN_LEGACY ? "legacy" : "modern",
           mode == MB_FIN_LEGACY ? ", Python < 3.4" : ", PEP 442");
    mb_push(rt, N);
    mb_auto_collect(rt, false);
    say("gc.disable()", NULL);
    mb_new_list(rt, A, 1);
    mb_new_list(rt, B, 1);
    mb_set_finalizer(rt, A, tour_del, "A");
    mb_set_finalizer(rt, B, tour_del, "B");
    mb_store(rt, A, 0, B);
    mb_store(rt, B, 0, A);
    say("a = A(); b = B(); a.b = b; b.a = a", "A and B define __del__");
    uint64_t a_id = mb_id(rt, A), b_id = mb_id(rt, B);
    say("a_id, b_id = id(a), id(b)", NULL);
    mb_pop(rt);
    say("del a, b", NULL);
    say("gc.collect()", NULL);
    mb_collect(rt);
    say_exists(rt, "object_by_id(a_id)", a_id);
    say_exists(rt, "object_by_id(b_id)", b_id);
    say("len(gc.garbage)", "%zu", rt->garbage.n);
    bool kept = mode == MB_FIN_MODERN && rt->mut.stats.finalizers_run > 0 && mb_exists(rt, a_id);
    /* bdwgc collects again after running finalizers, yet a conservative
     * collector keeps whatever a stale word (a register or stack slot the
     * finalizer call left) still points to: freed at its next collection. */
    if (kept)
        say("", "finalized but not yet freed: a conservative collector keeps what a stale word still points to; "
                "its next collection frees them");
    say("gc.collect()", "again");
    uint64_t ran = rt->mut.stats.finalizers_run;
    mb_collect(rt);
    say("finalizers run by the second collect", "%llu (each runs at most once)",
        (unsigned long long)(rt->mut.stats.finalizers_run - ran));
    if (kept) {
        say_exists(rt, "object_by_id(a_id)", a_id);
        say_exists(rt, "object_by_id(b_id)", b_id);
    }
    say("finalizers run in all", "%llu", (unsigned long long)rt->mut.stats.finalizers_run);
    if (!(s->attrs & MB_ATTR_CYCLES) && mb_exists(rt, a_id))
        say("", !(s->attrs & MB_ATTR_FREES) ? "this strategy never frees anything"
                                           : "counting alone never finds the cycle: no finalizer runs, it leaks");
    else if (mode == MB_FIN_LEGACY)
        say("", "uncollectable: kept in gc.garbage, finalizers never called");
    mb_rt_free(rt);
}

/* 4. Interning: a = 10; b = 10 and a = "hello"; b = "hello". */
static void scenario4(mb_rt_t *rt, bool interning) {
    enum { A, B, L1, L2, T, N };
    printf("\n## 4. Interning (%s): small ints and strings\n", interning ? "on" : "off");
    mb_push(rt, N);
    mb_new_int(rt, A, 10);
    mb_new_int(rt, B, 10);
    say("a = 10; b = 10", NULL);
    say("a is b", "%s", mb_is(rt, A, B) ? "True: one object" : "False: two objects");
    /* Built at run time: CPython shares equal constants within one code
     * object (`a = 1000; b = 1000` in one script gives True), so the
     * tutorial's point, that only small ints are interned, needs ints the
     * program computes. */
    mb_new_int(rt, A, 1000);
    mb_new_int(rt, B, 1000);
    say("a = int(\"1000\"); b = int(\"1000\")", "built at run time, not constants");
    say("a is b", "%s", mb_is(rt, A, B) ? "True: one object" : "False: two objects (not a small int)");
    mb_new_str(rt, A, "hello");
    mb_new_str(rt, B, "hello");
    say("a = \"hello\"; b = \"hello\"", NULL);
    say("a is b", "%s", mb_is(rt, A, B) ? "True: one object" : "False: two objects");
    say_count(rt, "ref_count(id(a))", A);
    mb_new_list(rt, L1, 3);
    mb_new_list(rt, L2, 3);
    for (uint32_t i = 0; i < 3; i++) {
        mb_new_int(rt, T, i + 1);
        mb_store(rt, L1, i, T);
        mb_new_int(rt, T, i + 1);
        mb_store(rt, L2, i, T);
    }
    say("l1 = [1, 2, 3]; l2 = [1, 2, 3]", NULL);
    say("l1 is l2", "%s", mb_is(rt, L1, L2) ? "True" : "False: lists are never shared");
    mb_pop(rt);
}

int mb_tour(const mb_strategy_t *s, int interning, int finalizers) {
    for (int on = 0; on <= 1; on++) {
        if (interning >= 0 && on != interning) continue;
        mb_options_t opt = {.interning = on, .census = true};
        mb_rt_t *rt = mb_rt_new(s, &opt);
        if (!rt) return -1;
        printf("# membench tour: strategy %s, interning %s\n", s->name, on ? "on" : "off");
        if (on == (interning >= 0 ? interning : 0)) {
            scenario1(rt);
            scenario2(rt);
            for (int m = MB_FIN_MODERN; m <= MB_FIN_LEGACY; m++)
                if (finalizers < 0 || finalizers == m) scenario3(s, (mb_finalizer_mode_t)m);
        }
        scenario4(rt, on);
        printf("\n");
        mb_rt_free(rt);
    }
    return 0;
}
