/* metrics.h: the counters every report carries (docs/design.md section 6), listed once, in report order. */
#ifndef MB_METRICS_H
#define MB_METRICS_H

#include "harness/run/case.h"

/*
 * X(name, value of an mb_result_t *r as a double). Every reporter (JSON,
 * CSV, Markdown, console) and the aggregates iterate this list, so a counter
 * added here appears in every output. items_per_second is workload
 * operations over wall seconds of the measured region.
 */
#define MB_METRICS(X) \
    X(items_per_second, (r)->real_ns ? (double)(r)->ops / ((double)(r)->real_ns / 1e9) : 0.0) \
    X(objects_allocated, (double)(r)->stats.objects_allocated) \
    X(objects_freed, (double)(r)->stats.objects_freed) \
    X(leaked_objects, (double)(r)->stats.leaked_objects) \
    X(leaked_bytes, (double)(r)->stats.leaked_bytes) \
    X(uncollectable_objects, (double)(r)->stats.uncollectable_objects) \
    X(peak_live_bytes, (double)(r)->stats.peak_live_bytes) \
    X(peak_rss_bytes, (double)(r)->peak_rss_bytes) \
    X(collections, (double)(r)->stats.collections) \
    X(rc_increments, (double)(r)->stats.rc_increments) \
    X(rc_decrements, (double)(r)->stats.rc_decrements) \
    X(gc_time_ns, (double)(r)->stats.gc_time_ns) \
    X(cascade_time_ns, (double)(r)->stats.cascade_time_ns) \
    X(pause_p50_ns, (double)(r)->pause_p50_ns) \
    X(pause_p99_ns, (double)(r)->pause_p99_ns) \
    X(pause_max_ns, (double)(r)->pause_max_ns) \
    X(checksum, (double)(r)->checksum)

enum {
#define MB_METRIC_ENUM(name, expr) MB_M_##name,
    MB_METRICS(MB_METRIC_ENUM)
#undef MB_METRIC_ENUM
    MB_NMETRICS
};

extern const char *const mb_metric_names[MB_NMETRICS];

/* Fill v[MB_NMETRICS] from a result. */
void mb_metrics_of(const mb_result_t *r, double *v);
/* Metric j of a result as the exact integer it is (every counter but
 * items_per_second): true and *u, or false for a real-valued metric. */
bool mb_metric_u64(const mb_result_t *r, size_t j, uint64_t *u);

#endif
