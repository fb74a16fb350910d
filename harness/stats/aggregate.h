/* aggregate.h: Google Benchmark's repetition aggregates (mean, median, stddev, cv) over doubles. */
#ifndef MB_AGGREGATE_H
#define MB_AGGREGATE_H

#include <stddef.h>

typedef enum mb_agg {
    MB_AGG_MEAN, MB_AGG_MEDIAN, MB_AGG_STDDEV, MB_AGG_CV, MB_NAGG
} mb_agg_t;

extern const char *const mb_agg_names[MB_NAGG];     /* "mean", "median", "stddev", "cv" */

/* The aggregate of v[0..n) as Google Benchmark 1.7 computes it (statistics.cc):
 * stddev is the sample standard deviation (n - 1), cv = stddev / mean as a
 * fraction. Differences from it: cv of a zero mean is 0 (Google Benchmark
 * writes NaN, which is not JSON). n must be at least 1; v is not changed. */
double mb_aggregate(mb_agg_t which, const double *v, size_t n);

#endif
