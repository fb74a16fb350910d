/* lbo.h: lower-bound overhead (Cai, Blackburn, Bond and Maas, ISPASS 2022) of each strategy on each workload of a suite. */
#ifndef MB_LBO_H
#define MB_LBO_H

#include <stdbool.h>
#include <stdio.h>

#include "harness/run/runner.h"

/*
 * For a workload (and interning setting), a strategy's distilled cost is its
 * total cost (the median over repetitions) minus the time its memory manager
 * spent: collections and reconciliations (gc_time_ns) and every timed
 * counting cascade (cascade_time_ns). The minimum distilled cost over the
 * strategies (MDC) is the baseline; LBO = total - MDC, normalised LBO =
 * LBO / MDC, for wall time and for CPU time (the memory manager's times are
 * wall times: its CPU time is taken as that times the case's cpu/wall). Twins (explicit-floor,
 * bdwgc-direct) are not strategies here, and entries without counters
 * (hyperfine imports) have no memory-manager time: both are left out.
 */
typedef struct mb_lbo {
    size_t nrows, ncols;                /* workloads (with interning), strategies */
    char (*row)[96];                    /* "<workload>" or "<workload>/interning:<on|off>" */
    char (*col)[64];                    /* strategy names, in order of first appearance */
    double *wall, *cpu;                 /* normalised LBO [row * ncols + col]; NAN where the case is missing */
    double *mdc_wall, *mdc_cpu;         /* each row's MDC, ns */
} mb_lbo_t;

/* The LBO table of a suite (rows with one strategy only are kept, at 0). */
void mb_lbo_compute(const mb_suite_t *s, mb_lbo_t *t);
void mb_lbo_free(mb_lbo_t *t);
/* Geometric mean over the rows of column col of 1 + LBO, minus 1 (NAN if none). */
double mb_lbo_geomean(const mb_lbo_t *t, size_t col, bool cpu);
/* The table, console or Markdown; nothing when no workload ran under two strategies. */
void mb_report_lbo(FILE *out, const mb_suite_t *s, bool markdown);

#endif
