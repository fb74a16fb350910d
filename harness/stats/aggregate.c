/* aggregate.c: mean, median, sample standard deviation and coefficient of variation. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness/stats/aggregate.h"
#include "harness/base/oom.h"

const char *const mb_agg_names[MB_NAGG] = {"mean", "median", "stddev", "cv"};

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double mean(const double *v, size_t n) {
    double s = 0;
    for (size_t i = 0; i < n; i++) s += v[i];
    return s / (double)n;
}

static double stddev(const double *v, size_t n) {
    if (n < 2) return 0;
    double m = mean(v, n), s = 0;
    for (size_t i = 0; i < n; i++) s += (v[i] - m) * (v[i] - m);
    return sqrt(s / (double)(n - 1));
}

double mb_aggregate(mb_agg_t which, const double *v, size_t n) {
    switch (which) {
    case MB_AGG_MEAN: return mean(v, n);
    case MB_AGG_MEDIAN: {
        double *c = malloc(n * sizeof *c);
        if (!c) mb_harness_oom("aggregates");
        memcpy(c, v, n * sizeof *c);
        qsort(c, n, sizeof *c, cmp_double);
        double m = n % 2 ? c[n / 2] : (c[n / 2 - 1] + c[n / 2]) / 2;
        free(c);
        return m;
    }
    case MB_AGG_STDDEV: return stddev(v, n);
    case MB_AGG_CV: {
        double m = mean(v, n);
        return m == 0 ? 0 : stddev(v, n) / m;
    }
    default: return 0;
    }
}
