/* sweep_dist.c - what a distribution (sweep_design.h) says about a value
 * besides its quantile: the log-density (with truncation), the probability
 * mass of a truncation, the beta distribution's CDF and quantile, and
 * copying. Params declare these distributions as priors; sweeps sample
 * them, fits evaluate them. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sweep_design.h"

static double norm_cdf(double z)
{
    return 0.5 * erfc(-z / sqrt(2.0));
}

/* One step of the modified Lentz algorithm: updates c, d with the
 * coefficient aa and returns the factor d * c. */
static double lentz(double aa, double *c, double *d)
{
    const double tiny = 1e-300;
    *d = 1 + aa * *d;
    if (fabs(*d) < tiny)
        *d = tiny;
    *c = 1 + aa / *c;
    if (fabs(*c) < tiny)
        *c = tiny;
    *d = 1 / *d;
    return *d * *c;
}

/* Continued fraction of the regularised incomplete beta function (modified
 * Lentz; Press et al., Numerical Recipes, 2nd ed., section 6.4). */
static double beta_cf(double a, double b, double x)
{
    double qab = a + b, qap = a + 1, qam = a - 1, c = 1, d = 1 - qab * x / qap;
    if (fabs(d) < 1e-300)
        d = 1e-300;
    d = 1 / d;
    double h = d;
    for (int m = 1; m <= 1000; m++) {
        int m2 = 2 * m;
        h *= lentz(m * (b - m) * x / ((qam + m2) * (a + m2)), &c, &d);
        double del = lentz(-(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)), &c, &d);
        h *= del;
        if (fabs(del - 1) < 1e-16)
            break;
    }
    return h;
}

static double log_beta_fn(double a, double b)
{
    return lgamma(a) + lgamma(b) - lgamma(a + b);
}

double sweep_beta_cdf(double x, double a, double b)
{
    if (!(x > 0))
        return 0;
    if (!(x < 1))
        return 1;
    double front = exp(a * log(x) + b * log1p(-x) - log_beta_fn(a, b));
    if (x < (a + 1) / (a + b + 2))
        return front * beta_cf(a, b, x) / a;
    return 1 - front * beta_cf(b, a, 1 - x) / b;
}

double sweep_beta_quantile(double p, double a, double b)
{
    if (!(p > 0))
        return 0;
    if (!(p < 1))
        return 1;
    /* Bisection to 2^-60 of the unit interval: monotone and always converges
     * (about 60 CDF evaluations; quantiles are drawn once per sample). */
    double lo = 0, hi = 1;
    for (int i = 0; i < 60; i++) {
        double mid = 0.5 * (lo + hi);
        if (sweep_beta_cdf(mid, a, b) < p)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

void sweep_dist_trunc_probs(const sweep_dist *d, double *plo, double *phi)
{
    double lo = d->lo, hi = d->hi;
    if (d->kind == DIST_BETA) {
        *plo = sweep_beta_cdf(lo, d->a, d->b);
        *phi = sweep_beta_cdf(hi, d->a, d->b);
        return;
    }
    if (d->kind == DIST_LOGNORMAL) {
        lo = lo > 0 ? log(lo) : -INFINITY;
        hi = hi > 0 ? log(hi) : -INFINITY;
    }
    *plo = isinf(lo) ? (lo < 0 ? 0.0 : 1.0) : norm_cdf((lo - d->a) / d->b);
    *phi = isinf(hi) ? (hi < 0 ? 0.0 : 1.0) : norm_cdf((hi - d->a) / d->b);
}

double sweep_dist_logpdf(const sweep_dist *d, double x)
{
    if (isnan(x))
        return -INFINITY;
    switch (d->kind) {
    case DIST_UNIFORM:
        if (x < d->a || x > d->b)
            return -INFINITY;
        return d->b > d->a ? -log(d->b - d->a) : 0.0;
    case DIST_NORMAL:
    case DIST_LOGNORMAL:
    case DIST_BETA: {
        if (x < d->lo || x > d->hi)
            return -INFINITY;
        double plo, phi, lp;
        sweep_dist_trunc_probs(d, &plo, &phi);
        if (d->kind == DIST_BETA) {
            if (x < 0 || x > 1)
                return -INFINITY;
            /* The endpoints, where the density is 0 or unbounded, are
             * outside the support (they have no probability). */
            if ((x == 0 && d->a != 1) || (x == 1 && d->b != 1))
                return -INFINITY;
            lp = (d->a - 1) * (x > 0 ? log(x) : 0) + (d->b - 1) * (x < 1 ? log1p(-x) : 0) - log_beta_fn(d->a, d->b);
        } else {
            double y = x;
            if (d->kind == DIST_LOGNORMAL) {
                if (!(x > 0))
                    return -INFINITY;
                y = log(x);
            }
            double z = (y - d->a) / d->b;
            lp = -0.5 * z * z - log(d->b) - 0.5 * log(2 * M_PI);
            if (d->kind == DIST_LOGNORMAL)
                lp -= y;
        }
        return lp - log(phi - plo);
    }
    case DIST_TRIANGULAR: {
        double lo = d->a, mode = d->b, hi = d->c, w = hi - lo;
        if (x < lo || x > hi)
            return -INFINITY;
        if (!(w > 0))
            return 0.0;
        if (x < mode)
            return log(2 * (x - lo) / (w * (mode - lo)));
        if (x > mode)
            return log(2 * (hi - x) / (w * (hi - mode)));
        return log(2 / w);
    }
    case DIST_DISCRETE: {
        double p = 0;
        for (int i = 0; i < d->n; i++)
            if (d->values[i] == x)
                p += d->cum[i] - (i ? d->cum[i - 1] : 0);
        return p > 0 ? log(p) : -INFINITY;
    }
    }
    return -INFINITY;
}

int sweep_dist_copy(sweep_dist *dst, const sweep_dist *src, demob_error *err)
{
    *dst = *src;
    dst->values = dst->cum = NULL;
    if (src->kind == DIST_DISCRETE && src->n > 0) {
        size_t sz = (size_t)src->n * sizeof(double);
        dst->values = malloc(sz);
        dst->cum = malloc(sz);
        if (!dst->values || !dst->cum) {
            sweep_dist_free(dst);
            return demob_error_set(err, DEMOB_ERUN, "out of memory");
        }
        memcpy(dst->values, src->values, sz);
        memcpy(dst->cum, src->cum, sz);
    }
    return 0;
}

const char *sweep_dist_name(sweep_dist_kind k)
{
    static const char *const names[] = {"uniform", "normal", "lognormal", "triangular", "discrete", "beta"};
    return (unsigned)k < sizeof names / sizeof *names ? names[k] : "?";
}
