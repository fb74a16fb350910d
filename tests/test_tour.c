/* test_tour.c: what `membench tour` claims matches what CPython shows: ints
 * built at run time, names assigned before use, finalized objects that a
 * collector frees only at its next collection said so. */
#include <string.h>

#include "tests/helpers.h"

static char out[1 << 18];

/* `a = 1000; b = 1000` in one script is True in CPython 3.11 (shared
 * constants); the tour shows runtime-built ints, which are two objects. */
Test(tour, runtime_built_ints_not_shared) {
    cr_assert_eq(run_cli("tour -s rc -i on", out, sizeof out), 0, "%s", out);
    cr_assert_null(strstr(out, "a = 1000; b = 1000"), "constants would be shared by CPython: %s", out);
    const char *at = strstr(out, "a = int(\"1000\"); b = int(\"1000\")");
    cr_assert_not_null(at, "%s", out);
    cr_assert(!strncmp(strstr(at, "a is b"), "a is b                             # False", 42), "%s", at);
}

/* Every name the tour reads was assigned on an earlier line. */
Test(tour, ids_assigned_before_use) {
    cr_assert_eq(run_cli("tour -s all -i off", out, sizeof out), 0, "%s", out);
    for (const char *sec = strstr(out, "## 3."); sec; sec = strstr(sec + 1, "## 3.")) {
        const char *def = strstr(sec, "a_id, b_id = id(a), id(b)"), *use = strstr(sec, "object_by_id(a_id)");
        cr_assert(def && use && def < use, "scenario 3 assigns a_id before it reads it: %.600s", sec);
    }
}

/* A collector that keeps finalized objects past the collect that finalized
 * them (conservatively) says so, and they are gone after the second; none
 * does. */
Test(tour, finalized_objects_freed_later_said) {
    int seen = 0;
    for (size_t i = 0; mb_strategies[i]; i++) {
        char args[128];
        snprintf(args, sizeof args, "tour -s %s -i off --finalizers modern", mb_strategies[i]->name);
        cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s", out);
        const char *sec = strstr(out, "## 3."), *first = strstr(sec, "object_by_id(a_id)");
        bool exists = first && !strncmp(first + 35, "# object exists", 15);
        bool finalized = strstr(sec, "A.__del__ runs") && strstr(sec, "A.__del__ runs") < first;
        const char *note = strstr(sec, "finalized but not yet freed");
        if (exists && finalized) {
            seen++;
            cr_assert_not_null(note, "%s: finalized objects still exist, unexplained: %s", mb_strategies[i]->name, sec);
            const char *again = strstr(note, "object_by_id(a_id)");
            cr_assert(again && !strncmp(again + 35, "# not found", 11), "%s: freed by the next collect: %s",
                      mb_strategies[i]->name, note);
        } else {
            cr_assert_null(note, "%s: %s", mb_strategies[i]->name, sec);
        }
    }
    /* boehm too frees them in the first collect: bdwgc no longer scans
     * words that earlier calls left in the collecting frame (boehm.c,
     * bw_gcollect_here), which kept them in release builds, and in others
     * forever, depending on the compiler's frame layout */
    cr_assert_eq(seen, 0, "finalized objects kept past the collect");
}
