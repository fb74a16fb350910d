/* metrics.c: the counters of metrics.h by name, and read from a result. */
#include "harness/run/metrics.h"

const char *const mb_metric_names[MB_NMETRICS] = {
#define MB_METRIC_NAME(name, expr) #name,
    MB_METRICS(MB_METRIC_NAME)
#undef MB_METRIC_NAME
};

void mb_metrics_of(const mb_result_t *r, double *v) {
    size_t i = 0;
#define MB_METRIC_VAL(name, expr) v[i++] = (expr);
    MB_METRICS(MB_METRIC_VAL)
#undef MB_METRIC_VAL
}

bool mb_metric_u64(const mb_result_t *r, size_t j, uint64_t *u) {
    switch (j) {
    case MB_M_objects_allocated: *u = r->stats.objects_allocated; return true;
    case MB_M_objects_freed: *u = r->stats.objects_freed; return true;
    case MB_M_leaked_objects: *u = r->stats.leaked_objects; return true;
    case MB_M_leaked_bytes: *u = r->stats.leaked_bytes; return true;
    case MB_M_uncollectable_objects: *u = r->stats.uncollectable_objects; return true;
    case MB_M_peak_live_bytes: *u = r->stats.peak_live_bytes; return true;
    case MB_M_peak_rss_bytes: *u = r->peak_rss_bytes; return true;
    case MB_M_collections: *u = r->stats.collections; return true;
    case MB_M_gc_time_ns: *u = r->stats.gc_time_ns; return true;
    case MB_M_pause_p50_ns: *u = r->pause_p50_ns; return true;
    case MB_M_pause_p99_ns: *u = r->pause_p99_ns; return true;
    case MB_M_pause_max_ns: *u = r->pause_max_ns; return true;
    case MB_M_checksum: *u = r->checksum; return true;
    case MB_M_cascade_time_ns: *u = r->stats.cascade_time_ns; return true;
    default: return false;
    }
}
