/* events.c: the event boundary (events.h) and the basic-stats listener: every clock read of a runtime is here. */
#include "runtime/strategy.h"

static void bs_collection_begin(mb_rt_t *rt, bool full) {
    (void)full;
    rt->collect_t0 = mb_now_ns();
}

static void bs_collection_end(mb_rt_t *rt) {
    uint64_t dt = mb_now_ns() - rt->collect_t0;
    rt->mut.stats.collections++;
    rt->mut.stats.gc_time_ns += dt;
    MB_VEC_PUSH(&rt->pauses, dt);
}

static void bs_cascade_begin(mb_rt_t *rt) { rt->cascade_t0 = mb_now_ns(); }

static void bs_cascade_end(mb_rt_t *rt, uint64_t freed) {
    uint64_t dt = mb_now_ns() - rt->cascade_t0;
    rt->mut.stats.cascade_time_ns += dt;    /* every cascade: the memory manager's time (LBO) */
    if (freed >= MB_CASCADE_PAUSE_MIN) MB_VEC_PUSH(&rt->pauses, dt);
}

static void bs_reclaimed(mb_rt_t *rt, uint64_t objects, uint64_t bytes) {
    mb_stats_t *s = &rt->mut.stats;
    MB_CHECK(objects <= s->live_objects && bytes <= s->live_bytes, "reclaimed %llu objects of %llu live",
             (unsigned long long)objects, (unsigned long long)s->live_objects);
    s->objects_freed += objects;
    s->live_objects -= objects;
    s->live_bytes -= bytes;
}

static void bs_finalizer_run(mb_rt_t *rt) { rt->mut.stats.finalizers_run++; }

static void bs_generation_collected(mb_rt_t *rt, int gen, bool oldest, uint64_t promoted, uint64_t promoted_bytes) {
    mb_stats_t *s = &rt->mut.stats;
    MB_CHECK(gen >= 0 && gen <= 2, "generation %d collected (0..2)", gen);
    if (gen == 0) s->gen0_collections++;
    else if (gen == 1) s->gen1_collections++;
    else s->gen2_collections++;
    if (gen == 0 && !oldest) s->minor_collections++;
    if (oldest) s->major_collections++;
    s->promoted_objects += promoted;
    s->promoted_bytes += promoted_bytes;
}

const mb_listener_t mb_basic_stats = {
    .collection_begin = bs_collection_begin,
    .collection_end = bs_collection_end,
    .cascade_begin = bs_cascade_begin,
    .cascade_end = bs_cascade_end,
    .reclaimed = bs_reclaimed,
    .finalizer_run = bs_finalizer_run,
    .generation_collected = bs_generation_collected,
};

void mb_ev_collection_begin(mb_rt_t *rt, bool full) { rt->listener->collection_begin(rt, full); }
void mb_ev_collection_end(mb_rt_t *rt) { rt->listener->collection_end(rt); }
void mb_ev_cascade_begin(mb_rt_t *rt) { rt->listener->cascade_begin(rt); }
void mb_ev_cascade_end(mb_rt_t *rt, uint64_t freed) { rt->listener->cascade_end(rt, freed); }
void mb_ev_reclaimed(mb_rt_t *rt, uint64_t objects, uint64_t bytes) { rt->listener->reclaimed(rt, objects, bytes); }
void mb_ev_finalizer_run(mb_rt_t *rt) { rt->listener->finalizer_run(rt); }
void mb_ev_generation_collected(mb_rt_t *rt, int gen, bool oldest, uint64_t promoted, uint64_t promoted_bytes) {
    rt->listener->generation_collected(rt, gen, oldest, promoted, promoted_bytes);
}
