/* stats.c - mean, sd, type-7 quantiles, mid-ranks, Spearman and
 * partial rank correlation (see stats.h for the definitions). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

/* Below this times the largest, an eigenvalue of the others' correlation
 * matrix counts as zero (its pseudo-inverse drops it). */
#define PRCC_PIVOT_EPS 1e-10
/* A residual variance (a share of 1) below this is 0: the others determine
 * the column. */
#define PRCC_RESIDUAL_EPS 1e-9

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

/* Pseudo-inverse of the symmetric p x p matrix a (row-major) into pinv,
 * by Jacobi rotations (a is destroyed; v holds p x p). Eigenvalues below
 * PRCC_PIVOT_EPS times the largest are taken as 0. */
static void pinv_sym(double *a, int p, double *v, double *pinv)
{
    for (int i = 0; i < p; i++)
        for (int j = 0; j < p; j++)
            v[i * p + j] = i == j;
    for (int sweep = 0; sweep < 100; sweep++) {
        double off = 0, diag = 0;
        for (int i = 0; i < p; i++) {
            diag += a[i * p + i] * a[i * p + i];
            for (int j = i + 1; j < p; j++)
                off += a[i * p + j] * a[i * p + j];
        }
        if (off <= 1e-30 * diag || off == 0)
            break;
        for (int i = 0; i < p; i++)
            for (int j = i + 1; j < p; j++) {
                double aij = a[i * p + j];
                if (aij == 0)
                    continue;
                double th = (a[j * p + j] - a[i * p + i]) / (2 * aij);
                double t = (th >= 0 ? 1 : -1) / (fabs(th) + sqrt(th * th + 1));
                double c = 1 / sqrt(t * t + 1), s = t * c;
                for (int k = 0; k < p; k++) {   /* columns i, j */
                    double x = a[k * p + i], y = a[k * p + j];
                    a[k * p + i] = c * x - s * y;
                    a[k * p + j] = s * x + c * y;
                }
                for (int k = 0; k < p; k++) {   /* rows i, j */
                    double x = a[i * p + k], y = a[j * p + k];
                    a[i * p + k] = c * x - s * y;
                    a[j * p + k] = s * x + c * y;
                }
                for (int k = 0; k < p; k++) {
                    double x = v[k * p + i], y = v[k * p + j];
                    v[k * p + i] = c * x - s * y;
                    v[k * p + j] = s * x + c * y;
                }
            }
    }
    double top = 0;
    for (int i = 0; i < p; i++)
        top = fabs(a[i * p + i]) > top ? fabs(a[i * p + i]) : top;
    for (int i = 0; i < p; i++)
        for (int j = 0; j < p; j++) {
            double sum = 0;
            for (int k = 0; k < p; k++) {
                double l = a[k * p + k];
                if (l > PRCC_PIVOT_EPS * top)
                    sum += v[i * p + k] * v[j * p + k] / l;
            }
            pinv[i * p + j] = sum;
        }
}

/* c(a, b) = R[a][b] - R[a][O] P R[O][b] for the m x m matrix r, the others
 * o[0 .. p-1] and P = pinv (p x p). */
static double residual_cov(const double *r, int m, const int *o, int p, const double *pinv, int a, int b)
{
    double s = r[a * m + b];
    for (int i = 0; i < p; i++)
        for (int j = 0; j < p; j++)
            s -= r[a * m + o[i]] * pinv[i * p + j] * r[o[j] * m + b];
    return s;
}

int stats_prcc(const double *const *xr, int k, const double *yr, size_t n, double *out, int *why)
{
    for (int i = 0; i < k; i++) {
        out[i] = NAN;
        if (why)
            why[i] = STATS_PRCC_FEW_POINTS;
    }
    /* Partial correlations controlling for k - 1 others need n > k + 1. */
    if (k < 1 || n < (size_t)k + 2)
        return 0;
    int m = k + 1, p = k - 1;
    size_t pp = (size_t)(p > 0 ? p : 1);
    double *r = malloc((size_t)m * (size_t)m * sizeof *r);
    double *sub = malloc(pp * pp * sizeof *sub), *v = malloc(pp * pp * sizeof *v);
    double *pinv = malloc(pp * pp * sizeof *pinv);
    int *o = malloc(pp * sizeof *o);
    char *flat = malloc((size_t)m);   /* constant (or not finite) columns */
    int rc = r && sub && v && pinv && o && flat ? 0 : -1;
    for (int i = 0; i < m && rc == 0; i++) {
        const double *a = i < k ? xr[i] : yr;
        flat[i] = isnan(stats_pearson(a, a, n));
        r[i * m + i] = 1;
        for (int j = 0; j < i; j++) {
            const double *b = j < k ? xr[j] : yr;
            r[i * m + j] = r[j * m + i] = stats_pearson(a, b, n);
        }
    }
    /* A constant column is undefined alone: it explains nothing, so it is
     * left out of the others of every other param. */
    for (int i = 0; i < k && rc == 0; i++) {
        if (flat[i] || flat[k]) {
            if (why)
                why[i] = STATS_PRCC_CONSTANT;
            continue;
        }
        p = 0;
        for (int j = 0; j < k; j++)
            if (j != i && !flat[j])
                o[p++] = j;
        for (int a = 0; a < p; a++)
            for (int b = 0; b < p; b++)
                sub[a * p + b] = r[o[a] * m + o[b]];
        pinv_sym(sub, p, v, pinv);
        double cxx = residual_cov(r, m, o, p, pinv, i, i);
        double cyy = residual_cov(r, m, o, p, pinv, k, k);
        double cxy = residual_cov(r, m, o, p, pinv, i, k);
        /* The diagonal of r is 1: residual variances are shares of it. */
        if (!(cyy > PRCC_RESIDUAL_EPS)) {
            if (why)
                why[i] = STATS_PRCC_OUTCOME_FIXED;
        } else if (!(cxx > PRCC_RESIDUAL_EPS)) {
            if (why)
                why[i] = STATS_PRCC_PARAM_FIXED;
        } else {
            double x = cxy / sqrt(cxx * cyy);
            out[i] = x > 1 ? 1 : x < -1 ? -1 : x;
            if (why)
                why[i] = STATS_PRCC_OK;
        }
    }
    free(r);
    free(sub);
    free(v);
    free(pinv);
    free(o);
    free(flat);
    return rc;
}
