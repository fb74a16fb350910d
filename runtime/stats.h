/* stats.h: every statistic of a runtime, listed once (an X-macro, as mimalloc's stats). */
#ifndef MB_STATS_H
#define MB_STATS_H

#include <stdint.h>

/* X(name, meaning). Peaks are updated where their current value is. */
#define MB_STATS(X) \
    X(objects_allocated, "objects created, interned ones included") \
    X(objects_freed, "objects reclaimed") \
    X(immortal_objects, "interned objects created (never freed, not leaks)") \
    X(bytes_allocated, "total bytes of objects created, metadata included") \
    X(live_objects, "objects allocated now") \
    X(live_bytes, "bytes of objects allocated now, metadata included") \
    X(peak_live_bytes, "maximum of live_bytes") \
    X(collections, "collections run") \
    X(rc_increments, "counting: reference-count increments performed") \
    X(rc_decrements, "counting: reference-count decrements performed") \
    X(gen0_collections, "generational: collections of generation 0 (the youngest)") \
    X(gen1_collections, "generational: collections of generation 1") \
    X(gen2_collections, "generational: collections of generation 2 (full)") \
    X(minor_collections, "generational: collections of the youngest generation only") \
    X(major_collections, "generational: collections of the oldest generation (the whole heap)") \
    X(promoted_objects, "generational: survivors moved to an older generation") \
    X(promoted_bytes, "generational: bytes of those survivors, metadata included") \
    X(gc_time_ns, "total time in collections, ns") \
    X(finalizers_run, "finalizers called") \
    X(uncollectable_objects, "legacy finalizers: objects put in `garbage`; after teardown, all that `garbage` reaches") \
    X(leaked_objects, "objects still allocated after teardown, immortal and uncollectable excluded") \
    X(leaked_bytes, "bytes of those objects")

typedef struct mb_stats {
#define MB_STAT_FIELD(name, doc) uint64_t name;
    MB_STATS(MB_STAT_FIELD)
#undef MB_STAT_FIELD
} mb_stats_t;

#endif
