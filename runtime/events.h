/* events.h: the collector-event boundary: strategies and the runtime report events; a listener makes the metrics. */
#ifndef MB_EVENTS_H
#define MB_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "runtime/mb.h"

/*
 * As whippet's gc-event-listener.h: what a collector does is reported as
 * events, and one listener turns them into statistics. No strategy reads a
 * clock or computes a reported metric; the basic-stats listener (events.c)
 * owns every clock read, the pause list and the collection counters.
 *
 *   collection_begin/end  one collection (the runtime brackets S->collect)
 *   cascade_begin/end     a counting release that started at a container,
 *                         with the number of objects it freed (a pause when
 *                         it freed MB_CASCADE_PAUSE_MIN or more)
 *   reclaimed             objects and bytes a collector freed in bulk,
 *                         without a free per object (live accounting)
 *   finalizer_run         one finalizer was called
 *   generation_collected  a generational collector collected generations
 *                         0..`gen` (`oldest`: gen is the oldest, the whole
 *                         heap) and moved `promoted` survivors (their bytes,
 *                         metadata included) to an older one
 */
typedef struct mb_listener {
    void (*collection_begin)(mb_rt_t *rt, bool full);
    void (*collection_end)(mb_rt_t *rt);
    void (*cascade_begin)(mb_rt_t *rt);
    void (*cascade_end)(mb_rt_t *rt, uint64_t freed);
    void (*reclaimed)(mb_rt_t *rt, uint64_t objects, uint64_t bytes);
    void (*finalizer_run)(mb_rt_t *rt);
    void (*generation_collected)(mb_rt_t *rt, int gen, bool oldest, uint64_t promoted, uint64_t promoted_bytes);
} mb_listener_t;

#define MB_CASCADE_PAUSE_MIN 1000       /* a cascade that frees this many objects is a pause */

/* The default listener: counters in rt's stats, pauses in rt->pauses. */
extern const mb_listener_t mb_basic_stats;

/* Reporting an event (the listener rt was made with). */
void mb_ev_collection_begin(mb_rt_t *rt, bool full);
void mb_ev_collection_end(mb_rt_t *rt);
void mb_ev_cascade_begin(mb_rt_t *rt);
void mb_ev_cascade_end(mb_rt_t *rt, uint64_t freed);
void mb_ev_reclaimed(mb_rt_t *rt, uint64_t objects, uint64_t bytes);
void mb_ev_finalizer_run(mb_rt_t *rt);
void mb_ev_generation_collected(mb_rt_t *rt, int gen, bool oldest, uint64_t promoted, uint64_t promoted_bytes);

#endif
