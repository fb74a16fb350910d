/* mannwhitney.c: the Mann-Whitney U test (two-sided), exact distribution or normal approximation, as scipy 1.10. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness/base/oom.h"
#include "harness/stats/mannwhitney.h"

typedef struct {
    double v;                           /* the value */
    int side;                           /* 0: from x, 1: from y */
} ut_item_t;

static int cmp_item(const void *a, const void *b) {
    double x = ((const ut_item_t *)a)->v, y = ((const ut_item_t *)b)->v;
    return x < y ? -1 : x > y;
}

/*
 * Number of arrangements of m x-values and n y-values whose U statistic
 * (pairs with the x-value above the y-value) is k, for k = 0..m*n: the
 * coefficients of the Gaussian binomial [m+n choose m]_q, built as
 * prod_{i=1..m} (1 - q^(n+i)) / (1 - q^i). After step i, c holds [n+i choose i]_q.
 * Dividing by (1 - q^i) is a running sum with stride i; m is the smaller sample,
 * so the cost is m^2 n. Counts are long doubles (they pass 2^53 for n > ~400).
 */
static long double *u_counts(size_t m, size_t n) {
    size_t top = m * n;
    long double *c = calloc(top + m + 1, sizeof *c);     /* a product has degree up to top + m */
    if (!c) mb_harness_oom("the U test");
    c[0] = 1;
    size_t deg = 0;                                      /* c's degree: (i - 1) n before step i */
    for (size_t i = 1; i <= m; i++) {
        size_t sh = n + i, pd = deg + sh;
        for (size_t k = pd; k >= sh; k--) c[k] -= c[k - sh];     /* times (1 - q^sh) */
        for (size_t k = i; k <= pd; k++) c[k] += c[k - i];       /* over (1 - q^i): exact */
        deg += n;
        for (size_t k = deg + 1; k <= pd; k++) c[k] = 0;         /* the zero remainder */
    }
    return c;
}

/* P(U >= u) under the null hypothesis, exact. */
static double exact_sf(size_t nx, size_t ny, double u) {
    size_t m = nx < ny ? nx : ny, n = nx < ny ? ny : nx;
    long double *c = u_counts(m, n);
    if (!c) mb_harness_oom("the U test");
    size_t top = m * n, k0 = (size_t)u;
    long double tail = 0, total = 0;
    for (size_t k = 0; k <= top; k++) {
        total += c[k];
        if (k >= k0) tail += c[k];
    }
    free(c);
    return (double)(tail / total);
}

double mb_utest_p(const double *x, size_t nx, const double *y, size_t ny, double *u1out, int *exact_out) {
    if (!nx || !ny) return NAN;
    size_t n = nx + ny;
    ut_item_t *it = malloc(n * sizeof *it);
    if (!it) mb_harness_oom("the U test");
    for (size_t i = 0; i < nx; i++) it[i] = (ut_item_t){x[i], 0};
    for (size_t i = 0; i < ny; i++) it[nx + i] = (ut_item_t){y[i], 1};
    qsort(it, n, sizeof *it, cmp_item);
    /* average ranks (1-based), the sum of x's ranks, and the tie term sum(t^3 - t) */
    double r1 = 0, tie_term = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j + 1 < n && it[j + 1].v == it[i].v) j++;
        double t = (double)(j - i + 1), rank = ((double)i + (double)j) / 2.0 + 1.0;
        for (size_t k = i; k <= j; k++)
            if (it[k].side == 0) r1 += rank;
        tie_term += t * t * t - t;
        i = j + 1;
    }
    free(it);
    double fx = (double)nx, fy = (double)ny, fn = (double)n;
    double u1 = r1 - fx * (fx + 1) / 2, u2 = fx * fy - u1, u = u1 > u2 ? u1 : u2;
    if (u1out) *u1out = u1;
    int exact = !(nx > 8 && ny > 8) && tie_term == 0;
    if (exact_out) *exact_out = exact;
    double p;
    if (exact) {
        p = 2 * exact_sf(nx, ny, u);
    } else {
        double mu = fx * fy / 2;
        double s = sqrt(fx * fy / 12 * ((fn + 1) - tie_term / (fn * (fn - 1))));
        double num = u - mu - 0.5;      /* continuity correction */
        if (!(s > 0)) p = num > 0 ? 0 : 2;  /* every value tied: scipy's z is -inf */
        else p = erfc(num / s / sqrt(2.0));  /* 2 * sf(z) */
    }
    if (p > 1) p = 1;
    if (p < 0) p = 0;
    return p;
}
