/* fit_mcmc.c - adaptive random-walk Metropolis (Haario, Saksman and
 * Tamminen 2001, "An adaptive Metropolis algorithm", Bernoulli 7(2)) on
 * the deterministic model's log-likelihood plus the log-prior; one chain
 * per task on the workers (see fit.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/rng.h"
#include "fit.h"

#define ADAPT_AFTER 100      /* steps of the initial diagonal proposal */

static double open_uniform(rng *r)
{
    return ((double)(rng_next(r) >> 11) + 0.5) * 0x1.0p-53;
}

/* Lower Cholesky factor of the n x n matrix a into l; 0 if not positive
 * definite. */
static int cholesky(const double *a, double *l, int n)
{
    memset(l, 0, (size_t)n * (size_t)n * sizeof *l);
    for (int i = 0; i < n; i++)
        for (int j = 0; j <= i; j++) {
            double s = a[i * n + j];
            for (int k = 0; k < j; k++)
                s -= l[i * n + k] * l[j * n + k];
            if (i == j) {
                if (!(s > 0))
                    return 0;
                l[i * n + i] = sqrt(s);
            } else {
                l[i * n + j] = s / l[j * n + j];
            }
        }
    return 1;
}

typedef struct mcmc_ctx {
    const fit_problem *p;
    long iterations, warmup, kept;
    double *draws;
    double *accept;
    long *evals;
    demob_error *fails;
} mcmc_ctx;

/* A scale for each param: a tenth of its prior's central 90%. */
static double scale_of(const fit_param *pp)
{
    double a = sweep_dist_quantile(pp->prior, 0.05), b = sweep_dist_quantile(pp->prior, 0.95);
    double s = (b - a) / 10;
    return s > 0 ? s : 1e-3 * (fabs(a) + 1);
}

static int chain_task(void *ud, fit_eval *ev, long c, demob_error *err)
{
    mcmc_ctx *m = ud;
    const fit_problem *p = m->p;
    int n = p->n_params, w = n + 2;
    rng r;
    rng_seed(&r, p->seed, ((uint64_t)1 << 63) + (uint64_t)c);
    double x[64], y[64], mean[64], cov[64 * 64], prop[64 * 64], chol[64 * 64], base[64];
    long e0 = ev->evals;
    ev->skip_pred = 1;   /* a chain reads log-likelihoods alone */
    /* Run indices (the particle filter's streams; the deterministic model
     * ignores them): 200 for the start, then one per iteration. */
    long run0 = c * (m->iterations + 200) + 1;
    /* Start: a draw from the prior with a finite likelihood. */
    double ll = -INFINITY, lp = -INFINITY;
    for (int tries = 0; tries < 200 && !(isfinite(ll) && isfinite(lp)); tries++) {
        for (int k = 0; k < n; k++)
            x[k] = sweep_dist_quantile(p->params[k].prior, open_uniform(&r));
        lp = fit_log_prior(p, x);
        ll = isfinite(lp) ? fit_eval_loglik(ev, x, run0 + tries) : -INFINITY;
    }
    if (!(isfinite(ll) && isfinite(lp))) {
        m->fails[c] = ev->last;
        return demob_error_set(err, DEMOB_EINPUT, "chain %ld: the likelihood is -inf at 200 draws from the prior: %s",
                               c + 1, ev->last.message);
    }
    for (int k = 0; k < n; k++) {
        base[k] = scale_of(&p->params[k]);
        mean[k] = x[k];
    }
    memset(cov, 0, sizeof cov);
    memset(chol, 0, sizeof chol);
    for (int k = 0; k < n; k++)
        chol[k * n + k] = base[k];
    double sd = 2.38 * 2.38 / n;
    long accepted = 0;
    for (long t = 0; t < m->iterations; t++) {
        double z[64];
        for (int k = 0; k < n; k++)
            z[k] = sweep_norm_quantile(open_uniform(&r));
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j <= i; j++)
                s += chol[i * n + j] * z[j];
            y[i] = x[i] + s;
        }
        double lpy = fit_log_prior(p, y);
        double lly = isfinite(lpy) ? fit_eval_loglik(ev, y, run0 + 200 + t) : -INFINITY;
        double u = open_uniform(&r);
        if (isfinite(lly) && log(u) < (lly + lpy) - (ll + lp)) {
            memcpy(x, y, (size_t)n * sizeof *x);
            ll = lly;
            lp = lpy;
            if (t >= m->warmup)
                accepted++;
        }
        if (t < m->warmup) {
            /* Running mean and covariance of the chain (Welford). */
            double k1 = (double)(t + 2), dx[64];
            for (int i = 0; i < n; i++) {
                dx[i] = x[i] - mean[i];
                mean[i] += dx[i] / k1;
            }
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                    cov[i * n + j] += (dx[i] * (x[j] - mean[j]) - cov[i * n + j]) / k1;
            if (t + 1 >= ADAPT_AFTER) {
                for (int i = 0; i < n; i++)
                    for (int j = 0; j < n; j++)
                        prop[i * n + j] = sd * (cov[i * n + j] + (i == j ? 1e-10 * base[i] * base[i] : 0));
                if (!cholesky(prop, chol, n)) {
                    memset(chol, 0, sizeof chol);
                    for (int k = 0; k < n; k++)
                        chol[k * n + k] = base[k];
                }
            }
        } else {
            double *d = m->draws + ((size_t)c * (size_t)m->kept + (size_t)(t - m->warmup)) * (size_t)w;
            memcpy(d, x, (size_t)n * sizeof *x);
            d[n] = ll;
            d[n + 1] = lp;
        }
    }
    m->accept[c] = m->kept > 0 ? (double)accepted / (double)m->kept : 0;
    m->evals[c] = ev->evals - e0;
    return 0;
}

void fit_mcmc_result_free(fit_mcmc_result *r)
{
    free(r->draws);
    free(r->accept);
    memset(r, 0, sizeof *r);
}

int fit_mcmc(const fit_problem *p, int n_chains, long iterations, long warmup, fit_mcmc_result *out,
             demob_error *err)
{
    memset(out, 0, sizeof *out);
    int n = p->n_params;
    if (n < 1 || n > 64)
        return demob_error_set(err, DEMOB_EINPUT, "--params: give 1 to 64 params");
    if (warmup < 0 || warmup >= iterations)
        return demob_error_set(err, DEMOB_EINPUT, "--warmup %ld must be below --iterations %ld", warmup, iterations);
    out->kept = iterations - warmup;
    out->draws = malloc((size_t)n_chains * (size_t)out->kept * (size_t)(n + 2) * sizeof *out->draws);
    out->accept = calloc((size_t)n_chains, sizeof *out->accept);
    long *evals = calloc((size_t)n_chains, sizeof *evals);
    demob_error *fails = calloc((size_t)n_chains, sizeof *fails);
    int rc = 0;
    if (!out->draws || !out->accept || !evals || !fails)
        rc = demob_error_set(err, DEMOB_ERUN, "out of memory");
    mcmc_ctx m = {p, iterations, warmup, out->kept, out->draws, out->accept, evals, fails};
    if (rc == 0)
        rc = fit_parallel(p, n_chains, chain_task, &m, err);
    for (int c = 0; rc == 0 && c < n_chains; c++)
        out->evals += evals[c];
    free(evals);
    free(fails);
    if (rc)
        fit_mcmc_result_free(out);
    return rc;
}
