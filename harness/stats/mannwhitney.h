/* mannwhitney.h: the two-sided Mann-Whitney U test, computed as scipy.stats.mannwhitneyu (scipy 1.10, method 'auto'). */
#ifndef MB_UTEST_H
#define MB_UTEST_H

#include <stddef.h>

/*
 * Two-sided p-value of the Mann-Whitney U test of samples x (nx values) and
 * y (ny values), as scipy 1.10's mannwhitneyu(x, y, alternative='two-sided')
 * computes it (Google Benchmark's compare.py calls it that way):
 *   - method: exact when either sample has 8 values or fewer and the pooled
 *     values have no ties; otherwise the normal approximation with the tie
 *     correction and the continuity correction;
 *   - U = max(U1, U2), p = 2 * P(U' >= U) (exact) or 2 * sf(z), clipped to 1.
 * Both samples need at least one value; returns NaN if one is empty.
 * *u1 (if not NULL) gets scipy's statistic U1 (the one for x);
 * *exact (if not NULL) says which method was used.
 */
double mb_utest_p(const double *x, size_t nx, const double *y, size_t ny, double *u1, int *exact);

#endif
