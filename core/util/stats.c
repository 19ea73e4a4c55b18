/* stats.c - mean, sd, type-7 quantiles, mid-ranks, Spearman and
 * partial rank correlation (see stats.h for the definitions). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

/* Below this, a pivot of the correlation matrix counts as zero: the
 * params' ranks are collinear and the PRCC is undefined. */
#define PRCC_PIVOT_EPS 1e-10

/* Below this many values, insertion sort. */
#define SORT_SMALL 16

static void insertion_sort(double *x, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        double v = x[i];
        size_t j = i;
        while (j > 0 && x[j - 1] > v) {
            x[j] = x[j - 1];
            j--;
        }
        x[j] = v;
    }
}

/* Quicksort with median-of-three pivots, recursing into the smaller part
 * (stack depth O(log n)), insertion sort for short runs. Inline
 * comparisons: qsort's callback per comparison dominated the cost of the
 * quantiles of a sweep (one sort per point, step, origin and state). */
void stats_sort(double *x, size_t n)
{
    while (n > SORT_SMALL) {
        size_t mid = n / 2;
        double a = x[0], b = x[mid], c = x[n - 1];
        double pivot = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
        size_t i = 0, j = n - 1;
        for (;;) {
            while (x[i] < pivot)
                i++;
            while (x[j] > pivot)
                j--;
            if (i >= j)
                break;
            double t = x[i];
            x[i] = x[j];
            x[j] = t;
            i++;
            j--;
        }
        /* x[0..j] <= pivot <= x[j+1..n-1] */
        size_t left = j + 1;
        if (left < n - left) {
            stats_sort(x, left);
            x += left;
            n -= left;
        } else {
            stats_sort(x + left, n - left);
            n = left;
        }
    }
    insertion_sort(x, n);
}

double stats_quantile_sorted(const double *x, size_t n, double p)
{
    if (n == 0)
        return NAN;
    double h = (double)(n - 1) * p;
    size_t lo = (size_t)floor(h);
    if (lo >= n - 1)
        return x[n - 1];
    double frac = h - (double)lo;
    /* x[lo] + frac * (x[lo+1] - x[lo]) is exact when both are equal. */
    return x[lo] + frac * (x[lo + 1] - x[lo]);
}

void stats_mean_sd(const double *x, size_t n, double *mean, double *sd)
{
    if (n == 0) {
        *mean = NAN;
        *sd = NAN;
        return;
    }
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += x[i];
    double m = s / (double)n, ss = 0;
    /* Two passes: the sum of squared deviations does not cancel. */
    for (size_t i = 0; i < n; i++)
        ss += (x[i] - m) * (x[i] - m);
    *mean = m;
    *sd = n > 1 ? sqrt(ss / (double)(n - 1)) : 0.0;
}

static int cmp_pair(const void *a, const void *b)
{
    const stats_pair *x = a, *y = b;
    if (x->v != y->v)
        return x->v < y->v ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

void stats_ranks(const double *x, size_t n, double *rank, stats_pair *scratch)
{
    for (size_t i = 0; i < n; i++) {
        scratch[i].v = x[i];
        scratch[i].i = i;
    }
    qsort(scratch, n, sizeof *scratch, cmp_pair);
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && scratch[j].v == scratch[i].v)
            j++;
        /* Positions i..j-1 (ranks i+1..j) share their mean rank. */
        double r = ((double)(i + 1) + (double)j) / 2.0;
        for (size_t k = i; k < j; k++)
            rank[scratch[k].i] = r;
        i = j;
    }
}

double stats_pearson(const double *x, const double *y, size_t n)
{
    if (n < 2)
        return NAN;
    double mx = 0, my = 0;
    for (size_t i = 0; i < n; i++) {
        mx += x[i];
        my += y[i];
    }
    mx /= (double)n;
    my /= (double)n;
    double sxy = 0, sxx = 0, syy = 0;
    for (size_t i = 0; i < n; i++) {
        double dx = x[i] - mx, dy = y[i] - my;
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    if (!(sxx > 0) || !(syy > 0))
        return NAN;
    double r = sxy / sqrt(sxx * syy);
    return r > 1 ? 1 : r < -1 ? -1 : r;
}

/* Inverts the m x m matrix a in place (Gauss-Jordan, partial pivoting).
 * Returns -1 when a pivot is (numerically) zero. */
static int invert(double *a, int m)
{
    double *inv = calloc((size_t)m * (size_t)m, sizeof *inv);
    if (!inv)
        return -2;
    for (int i = 0; i < m; i++)
        inv[i * m + i] = 1;
    for (int c = 0; c < m; c++) {
        int piv = c;
        for (int r = c + 1; r < m; r++)
            if (fabs(a[r * m + c]) > fabs(a[piv * m + c]))
                piv = r;
        if (fabs(a[piv * m + c]) < PRCC_PIVOT_EPS) {
            free(inv);
            return -1;
        }
        if (piv != c)
            for (int k = 0; k < m; k++) {
                double t = a[c * m + k];
                a[c * m + k] = a[piv * m + k];
                a[piv * m + k] = t;
                t = inv[c * m + k];
                inv[c * m + k] = inv[piv * m + k];
                inv[piv * m + k] = t;
            }
        double p = a[c * m + c];
        for (int k = 0; k < m; k++) {
            a[c * m + k] /= p;
            inv[c * m + k] /= p;
        }
        for (int r = 0; r < m; r++) {
            if (r == c)
                continue;
            double f = a[r * m + c];
            if (f == 0)
                continue;
            for (int k = 0; k < m; k++) {
                a[r * m + k] -= f * a[c * m + k];
                inv[r * m + k] -= f * inv[c * m + k];
            }
        }
    }
    memcpy(a, inv, (size_t)m * (size_t)m * sizeof *a);
    free(inv);
    return 0;
}

int stats_prcc(const double *const *xr, int k, const double *yr, size_t n, double *out)
{
    for (int i = 0; i < k; i++)
        out[i] = NAN;
    /* Partial correlations controlling for k - 1 others need n > k + 1. */
    if (k < 1 || n < (size_t)k + 2)
        return 0;
    int m = k + 1;
    double *c = malloc((size_t)m * (size_t)m * sizeof *c);
    if (!c)
        return -1;
    for (int i = 0; i < m; i++) {
        const double *a = i < k ? xr[i] : yr;
        c[i * m + i] = 1;
        for (int j = 0; j < i; j++) {
            const double *b = j < k ? xr[j] : yr;
            double r = stats_pearson(a, b, n);
            if (isnan(r)) {
                free(c);
                return 0;
            }
            c[i * m + j] = c[j * m + i] = r;
        }
    }
    int rc = invert(c, m);
    if (rc == -2) {
        free(c);
        return -1;
    }
    if (rc == 0)
        for (int i = 0; i < k; i++) {
            double d = c[i * m + i] * c[k * m + k];
            if (d > 0) {
                double r = -c[i * m + k] / sqrt(d);
                out[i] = r > 1 ? 1 : r < -1 ? -1 : r;
            }
        }
    free(c);
    return 0;
}
