/* test_events.c: the collector-event boundary: every strategy reports through the listener, none reads a clock. */
#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "tests/helpers.h"

/* A listener that counts the events and forwards them to the basic-stats one. */
static struct {
    uint64_t begins, ends, cascades_open, cascades, cascade_freed, reclaimed, finalizers, generations;
    bool nested;
} seen;

static void t_begin(mb_rt_t *rt, bool full) {
    if (seen.begins != seen.ends) seen.nested = true;
    seen.begins++;
    mb_basic_stats.collection_begin(rt, full);
}
static void t_end(mb_rt_t *rt) {
    seen.ends++;
    mb_basic_stats.collection_end(rt);
}
static void t_cbegin(mb_rt_t *rt) {
    seen.cascades_open++;
    mb_basic_stats.cascade_begin(rt);
}
static void t_cend(mb_rt_t *rt, uint64_t freed) {
    seen.cascades++;
    seen.cascade_freed += freed;
    mb_basic_stats.cascade_end(rt, freed);
}
static void t_reclaimed(mb_rt_t *rt, uint64_t objects, uint64_t bytes) {
    seen.reclaimed += objects;
    mb_basic_stats.reclaimed(rt, objects, bytes);
}
static void t_fin(mb_rt_t *rt) {
    seen.finalizers++;
    mb_basic_stats.finalizer_run(rt);
}
static void t_gen(mb_rt_t *rt, int gen, bool oldest, uint64_t promoted, uint64_t promoted_bytes) {
    seen.generations++;
    mb_basic_stats.generation_collected(rt, gen, oldest, promoted, promoted_bytes);
}
static const mb_listener_t counting = {t_begin, t_end, t_cbegin, t_cend, t_reclaimed, t_fin, t_gen};

/*
 * A workload with cycles, chains and finalizers under a counting listener:
 * every collection is bracketed by one begin and one end, never nested; the
 * statistics the basic listener keeps agree with the events; and every
 * object freed is accounted exactly once, by a free or a reclaimed event.
 */
STRATEGY_TEST(events, listener_sees_every_event) {
    const char *wls[] = {"cycle-pairs", "finalizer-cycles", "long-chain"};
    for (size_t w = 0; w < sizeof wls / sizeof *wls; w++) {
        memset(&seen, 0, sizeof seen);
        const mb_workload_t *wl = mb_find_workload(wls[w]);
        mb_options_t opt = {0};             /* no census: the bulk accounting paths run */
        mb_rt_t *rt = mb_rt_new(s, &opt);
        cr_assert_not_null(rt);
        rt->listener = &counting;
        mb_wl_args_t a = {.n = test_size(3000, 300), .seed = 7, .finalizers = true};
        wl->run(rt, &a);
        mb_teardown(rt);
        const mb_stats_t *st = mb_rt_stats(rt);
        cr_assert(!seen.nested, "%s/%s: a collection began inside another", wls[w], s->name);
        cr_assert_eq(seen.begins, seen.ends, "%s/%s: begins and ends pair", wls[w], s->name);
        cr_assert_eq(seen.ends, st->collections, "%s/%s: %llu ends, %llu collections", wls[w], s->name,
                     (unsigned long long)seen.ends, (unsigned long long)st->collections);
        cr_assert_eq(seen.cascades_open, seen.cascades, "%s/%s: cascades pair", wls[w], s->name);
        cr_assert_eq(seen.finalizers, st->finalizers_run, "%s/%s", wls[w], s->name);
        cr_assert_leq(seen.reclaimed, st->objects_freed, "%s/%s", wls[w], s->name);
        /* A generational collector reports which generation each collection took. */
        cr_assert(seen.generations == 0 || seen.generations == st->collections, "%s/%s", wls[w], s->name);
        cr_assert_eq(st->gen0_collections + st->gen1_collections + st->gen2_collections, seen.generations);
        if (!has(s, MB_ATTR_COUNTS)) cr_assert_eq(seen.cascades, 0, "%s: no cascades without counts", s->name);
        if (frees_at_zero(s) && !strcmp(wls[w], "long-chain"))
            cr_assert_gt(seen.cascades, 0, "%s: freeing a chain is a cascade", s->name);
        /* Deferred counting cascades inside its reconciliations, which are collections. */
        if (has(s, MB_ATTR_DEFERRED)) cr_assert_eq(seen.cascades, 0, "%s: cascades are reconciliations", s->name);
        if (has(s, MB_ATTR_DEFERRED) && !strcmp(wls[w], "long-chain"))
            cr_assert_gt(seen.begins, 0, "%s: the chain is freed by a reconciliation", s->name);
        if (has(s, MB_ATTR_TRACES)) cr_assert_gt(seen.begins, 0, "%s/%s: the teardown collects", wls[w], s->name);
        /* A pause per collection, plus one per cascade of 1,000 objects or more. */
        cr_assert_geq(rt->pauses.n, st->collections, "%s/%s", wls[w], s->name);
        mb_rt_free(rt);
    }
}

/* No runtime or strategy file reads a clock: timing belongs to the listener (events.c). */
Test(events, no_clock_in_strategies) {
    static const char *const dirs[] = {MB_SOURCE_DIR "/runtime", MB_SOURCE_DIR "/strategies"};
    unsigned files = 0;
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++) {
        DIR *d = opendir(dirs[i]);
        cr_assert_not_null(d, "%s", dirs[i]);
        struct dirent *de;
        while ((de = readdir(d))) {
            size_t l = strlen(de->d_name);
            if (l < 3 || strcmp(de->d_name + l - 2, ".c") != 0) continue;
            if (!strcmp(de->d_name, "events.c") || !strcmp(de->d_name, "util.c")) continue;
            char path[512], line[1024];
            snprintf(path, sizeof path, "%s/%s", dirs[i], de->d_name);
            FILE *f = fopen(path, "r");
            cr_assert_not_null(f, "%s", path);
            files++;
            for (unsigned n = 1; fgets(line, sizeof line, f); n++)
                cr_assert(!strstr(line, "mb_now_ns") && !strstr(line, "mb_cpu_ns") && !strstr(line, "clock_gettime"),
                          "%s:%u reads a clock: report an event instead (events.h)", path, n);
            fclose(f);
        }
        closedir(d);
    }
    cr_assert_gt(files, 10, "read the strategy sources");
}
