/* fit_diag.c - convergence diagnostics of MCMC draws: rank-normalised
 * split-R-hat and bulk effective sample size (Vehtari, Gelman, Simpson,
 * Carpenter and Buerkner 2021, "Rank-normalization, folding, and
 * localization: an improved R-hat", Bayesian Analysis 16(2)), and
 * quantiles. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fit.h"

double fit_quantile_sorted(const double *v, long n, double q)
{
    if (n < 1)
        return NAN;
    double h = (double)(n - 1) * q;
    long i = (long)floor(h);
    if (i >= n - 1)
        return v[n - 1];
    return v[i] + (h - (double)i) * (v[i + 1] - v[i]);
}

typedef struct ranked {
    double v;
    long i;
} ranked;

static int by_value(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->v < y->v)
        return -1;
    if (x->v > y->v)
        return 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

/* The split chains (2 * chains of half = n / 2 draws; the middle draw of
 * an odd n dropped) rank-normalised into z: z = Phi^-1((r - 3/8) / (S + 1/4))
 * with average ranks for ties; fold: |x - median| first. */
static double *split_normalised(const double *x, int chains, long n, long stride, int fold, long *half)
{
    long h = n / 2, S = 2L * chains * h;
    *half = h;
    double *z = malloc((size_t)(S > 0 ? S : 1) * sizeof *z);
    ranked *r = malloc((size_t)(S > 0 ? S : 1) * sizeof *r);
    if (!z || !r || S == 0) {
        free(z);
        free(r);
        return NULL;
    }
    long k = 0;
    for (int c = 0; c < chains; c++)
        for (int part = 0; part < 2; part++)
            for (long i = 0; i < h; i++) {
                long src = part ? n - h + i : i;
                r[k].v = x[((size_t)c * (size_t)n + (size_t)src) * (size_t)stride];
                r[k].i = k;
                k++;
            }
    if (fold) {
        double *tmp = malloc((size_t)S * sizeof *tmp);
        if (!tmp) {
            free(z);
            free(r);
            return NULL;
        }
        for (long i = 0; i < S; i++)
            tmp[i] = r[i].v;
        qsort(r, (size_t)S, sizeof *r, by_value);
        double med = 0.5 * (r[(S - 1) / 2].v + r[S / 2].v);
        for (long i = 0; i < S; i++) {
            r[i].v = fabs(tmp[i] - med);
            r[i].i = i;
        }
        free(tmp);
    }
    qsort(r, (size_t)S, sizeof *r, by_value);
    for (long a = 0; a < S;) {
        long b = a;
        while (b + 1 < S && r[b + 1].v == r[a].v)
            b++;
        double rank = 0.5 * (double)(a + b) + 1;
        for (long i = a; i <= b; i++)
            z[r[i].i] = sweep_norm_quantile((rank - 0.375) / ((double)S + 0.25));
        a = b + 1;
    }
    free(r);
    return z;
}

/* The mean of each of m chains of h draws (row-major), malloc'ed. */
static double *chain_means(const double *z, int m, long h)
{
    double *mean = malloc((size_t)m * sizeof *mean);
    for (int c = 0; mean && c < m; c++) {
        double s = 0;
        for (long i = 0; i < h; i++)
            s += z[(size_t)c * (size_t)h + (size_t)i];
        mean[c] = s / (double)h;
    }
    return mean;
}

/* Plain R-hat of m chains of h draws each (row-major). */
static double rhat_of(const double *z, int m, long h, double *w_out, double *var_out)
{
    double grand = 0, W = 0, B = 0;
    double *mean = chain_means(z, m, h);
    if (!mean)
        return NAN;
    for (int c = 0; c < m; c++)
        grand += mean[c] / m;
    for (int c = 0; c < m; c++) {
        double s = 0;
        for (long i = 0; i < h; i++) {
            double d = z[(size_t)c * (size_t)h + (size_t)i] - mean[c];
            s += d * d;
        }
        W += s / (double)(h - 1) / m;
        B += (mean[c] - grand) * (mean[c] - grand) * (double)h / (m - 1);
    }
    free(mean);
    double var = (double)(h - 1) / (double)h * W + B / (double)h;
    if (w_out)
        *w_out = W;
    if (var_out)
        *var_out = var;
    return W > 0 ? sqrt(var / W) : NAN;
}

double fit_rhat(const double *x, int chains, long n, long stride)
{
    long h;
    double out = NAN;
    for (int fold = 0; fold < 2; fold++) {
        double *z = split_normalised(x, chains, n, stride, fold, &h);
        if (!z || h < 2) {
            free(z);
            return NAN;
        }
        double r = rhat_of(z, 2 * chains, h, NULL, NULL);
        free(z);
        if (isnan(out) || r > out)
            out = r;
    }
    return out;
}

double fit_ess_bulk(const double *x, int chains, long n, long stride)
{
    long h;
    double *z = split_normalised(x, chains, n, stride, 0, &h);
    if (!z || h < 4) {
        free(z);
        return NAN;
    }
    int m = 2 * chains;
    double W, var;
    rhat_of(z, m, h, &W, &var);
    double *mean = chain_means(z, m, h);
    if (!mean || !(var > 0)) {
        free(z);
        free(mean);
        return NAN;
    }
    /* rho_t = 1 - (W - mean over chains of acov_t) / var; Geyer's initial
     * positive and monotone sequence of pair sums. */
    double tau = -1, prev_pair = INFINITY;
    for (long t = 0; t + 1 < h; t += 2) {
        double rho[2];
        for (int q = 0; q < 2; q++) {
            long lag = t + q;
            double ac = 0;
            for (int c = 0; c < m; c++) {
                const double *zc = z + (size_t)c * (size_t)h;
                double s = 0;
                for (long i = 0; i + lag < h; i++)
                    s += (zc[i] - mean[c]) * (zc[i + lag] - mean[c]);
                ac += s / (double)h / m;
            }
            rho[q] = 1 - (W * (double)(h - 1) / (double)h - ac) / var;
        }
        double pair = rho[0] + rho[1];
        if (pair < 0)
            break;
        if (pair > prev_pair)
            pair = prev_pair;
        prev_pair = pair;
        tau += 2 * pair;
    }
    free(z);
    free(mean);
    double S = (double)m * (double)h;
    if (tau < 1.0 / log10(S))
        tau = 1.0 / log10(S);
    return S / tau;
}
