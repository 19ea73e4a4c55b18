/* fit_mle.c - maximum likelihood with NLopt: bounded derivative-free
 * maximisation (BOBYQA) from several starts (the defaults, then a Latin
 * hypercube of the bounds), run on the workers; then the profile
 * likelihood of each param, whose crossings of max - 1.92 (half the 0.95
 * quantile of chi-square with one degree of freedom) bound its 95%
 * interval. Every start and every profile is a task with its own result
 * slot, so the result does not depend on the number of workers. */
#include <math.h>
#include <nlopt.h>
#include <stdlib.h>
#include <string.h>

#include "fit.h"

#define PROFILE_DROP 1.9207294103470984  /* qchisq(0.95, 1) / 2 */
#define FLOOR (-1e300)                   /* NLopt's stand-in for -inf */

typedef struct objective {
    fit_eval *ev;
    const fit_problem *p;
    int fixed;                 /* profile: index of the fixed param, or -1 */
    double fixed_value;
    double *x;                 /* the full point                          */
} objective;

static double nl_objective(unsigned n, const double *y, double *grad, void *ud)
{
    (void)n;
    (void)grad;
    objective *o = ud;
    for (int k = 0, j = 0; k < o->p->n_params; k++)
        o->x[k] = k == o->fixed ? o->fixed_value : y[j++];
    double ll = fit_eval_loglik(o->ev, o->x, 1);
    return isfinite(ll) ? ll : FLOOR;
}

/* Maximises over the free params from y (updated in place); returns the
 * maximum. */
static double maximise(objective *o, double *y)
{
    const fit_problem *p = o->p;
    int n = p->n_params - (o->fixed >= 0);
    if (n == 0)
        return nl_objective(0, y, NULL, o);
    double lb[64], ub[64];
    for (int k = 0, j = 0; k < p->n_params; k++)
        if (k != o->fixed) {
            lb[j] = p->params[k].lo;
            ub[j] = p->params[k].hi;
            j++;
        }
    nlopt_opt opt = nlopt_create(NLOPT_LN_BOBYQA, (unsigned)n);
    double best = FLOOR;
    if (!opt)
        return best;
    nlopt_set_lower_bounds(opt, lb);
    nlopt_set_upper_bounds(opt, ub);
    nlopt_set_max_objective(opt, nl_objective, o);
    nlopt_set_xtol_rel(opt, 1e-8);
    nlopt_set_ftol_abs(opt, 1e-9);
    nlopt_set_maxeval(opt, 400 * (n + 1));
    /* Initial steps: a tenth of each range. */
    double step[64];
    for (int j = 0; j < n; j++)
        step[j] = 0.1 * (ub[j] - lb[j]);
    nlopt_set_initial_step(opt, step);
    nlopt_result r = nlopt_optimize(opt, y, &best);
    if (r < 0)
        best = nl_objective((unsigned)n, y, NULL, o);
    nlopt_destroy(opt);
    return best;
}

typedef struct mle_ctx {
    const fit_problem *p;
    const double *starts;     /* [n_starts * n_params]                     */
    double *ends;             /* [n_starts * n_params]                     */
    double *ll;               /* [n_starts]                                */
    const double *est;        /* profiles: the maximum                     */
    double best;
    double *bound;            /* [2 * n_params]                            */
    int *at_bound;            /* [2 * n_params]                            */
    long *evals;              /* per task                                  */
    demob_error *fails;       /* per start: why it scored -inf             */
} mle_ctx;

static int start_task(void *ud, fit_eval *ev, long i, demob_error *err)
{
    (void)err;
    mle_ctx *c = ud;
    int n = c->p->n_params;
    double x[64];
    objective o = {ev, c->p, -1, 0, x};
    double *y = c->ends + i * n;
    memcpy(y, c->starts + i * n, (size_t)n * sizeof *y);
    long e0 = ev->evals;
    c->ll[i] = maximise(&o, y);
    if (c->ll[i] <= FLOOR) {
        c->ll[i] = -INFINITY;
        c->fails[i] = ev->last;
    }
    c->evals[i] = ev->evals - e0;
    return 0;
}

/* The profile log-likelihood at param k = v, from the maximum's others. */
static double profile(mle_ctx *c, fit_eval *ev, int k, double v)
{
    int n = c->p->n_params;
    double x[64], y[64];
    for (int i = 0, j = 0; i < n; i++)
        if (i != k)
            y[j++] = c->est[i];
    objective o = {ev, c->p, k, v, x};
    return maximise(&o, y);
}

/* Task 2k (lower) or 2k + 1 (upper): where the profile of param k crosses
 * the maximum - PROFILE_DROP, by bisection between the estimate and the
 * bound (the bound itself when the profile stays above). */
static int profile_task(void *ud, fit_eval *ev, long i, demob_error *err)
{
    (void)err;
    mle_ctx *c = ud;
    int k = (int)(i / 2), upper = (int)(i % 2);
    const fit_param *pp = &c->p->params[k];
    double target = c->best - PROFILE_DROP, in = c->est[k], out = upper ? pp->hi : pp->lo;
    long e0 = ev->evals;
    if (profile(c, ev, k, out) >= target) {
        c->bound[i] = out;
        c->at_bound[i] = 1;
    } else {
        double tol = 1e-7 * (pp->hi - pp->lo);
        while (fabs(out - in) > tol) {
            double mid = 0.5 * (in + out);
            if (profile(c, ev, k, mid) >= target)
                in = mid;
            else
                out = mid;
        }
        c->bound[i] = 0.5 * (in + out);
    }
    c->evals[i] = ev->evals - e0;
    return 0;
}

void fit_mle_result_free(fit_mle_result *r)
{
    free(r->est);
    free(r->ci_lo);
    free(r->ci_hi);
    free(r->lo_at_bound);
    free(r->hi_at_bound);
    free(r->start_loglik);
    memset(r, 0, sizeof *r);
}

/* The starts: the defaults (clamped into the bounds), then a Latin
 * hypercube of the bounds drawn from the fit's seed. */
static int make_starts(const fit_problem *p, int n_starts, double *starts, demob_error *err)
{
    int n = p->n_params;
    for (int k = 0; k < n; k++) {
        double d = demob_model_value_default(p->model, p->params[k].slot);
        starts[k] = d < p->params[k].lo ? p->params[k].lo : d > p->params[k].hi ? p->params[k].hi : d;
    }
    if (n_starts < 2)
        return 0;
    sweep_spec s;
    sweep_spec_init(&s);
    int rc = 0;
    for (int k = 0; k < n && rc == 0; k++) {
        sweep_dist d;
        memset(&d, 0, sizeof d);
        d.kind = DIST_UNIFORM;
        d.a = p->params[k].lo;
        d.b = p->params[k].hi;
        rc = sweep_spec_add_sampled(&s, "fit starts", p->params[k].name, FACTOR_LHS, &d, err);
    }
    s.samples = n_starts - 1;
    sweep_design des;
    if (rc == 0 && (rc = sweep_design_build(&s, p->seed, &des, err)) == 0) {
        for (long i = 0; i < des.n_points; i++)
            for (int k = 0; k < n; k++)
                starts[(i + 1) * n + k] = sweep_design_at(&des, i, k);
        sweep_design_free(&des);
    }
    sweep_spec_free(&s);
    return rc;
}

int fit_mle(const fit_problem *p, int n_starts, fit_mle_result *out, demob_error *err)
{
    memset(out, 0, sizeof *out);
    int n = p->n_params;
    if (n < 1 || n > 64)
        return demob_error_set(err, DEMOB_EINPUT, "--params: give 1 to 64 params");
    if (n_starts < 1)
        n_starts = 1;
    size_t ns = (size_t)n_starts;
    double *starts = malloc(ns * (size_t)n * sizeof *starts), *ends = malloc(ns * (size_t)n * sizeof *ends);
    long *evals = calloc(ns > 2 * (size_t)n ? ns : 2 * (size_t)n, sizeof *evals);
    demob_error *fails = calloc(ns, sizeof *fails);
    out->est = calloc((size_t)n, sizeof *out->est);
    out->ci_lo = calloc((size_t)n, sizeof *out->ci_lo);
    out->ci_hi = calloc((size_t)n, sizeof *out->ci_hi);
    out->lo_at_bound = calloc((size_t)n, sizeof *out->lo_at_bound);
    out->hi_at_bound = calloc((size_t)n, sizeof *out->hi_at_bound);
    out->start_loglik = calloc(ns, sizeof *out->start_loglik);
    double *bound = calloc(2 * (size_t)n, sizeof *bound);
    int *at_bound = calloc(2 * (size_t)n, sizeof *at_bound);
    int rc = 0;
    if (!starts || !ends || !evals || !fails || !out->est || !out->ci_lo || !out->ci_hi || !out->lo_at_bound ||
        !out->hi_at_bound || !out->start_loglik || !bound || !at_bound)
        rc = demob_error_set(err, DEMOB_ERUN, "out of memory");
    if (rc == 0)
        rc = make_starts(p, n_starts, starts, err);
    mle_ctx c = {p, starts, ends, out->start_loglik, NULL, 0, bound, at_bound, evals, fails};
    if (rc == 0)
        rc = fit_parallel(p, n_starts, start_task, &c, err);
    if (rc == 0) {
        out->n_starts = n_starts;
        int best = -1;
        for (int i = 0; i < n_starts; i++) {
            out->evals += evals[i];
            if (out->start_loglik[i] == -INFINITY)
                out->n_failed++;
            else if (best < 0 || out->start_loglik[i] > out->start_loglik[best])
                best = i;
        }
        if (best < 0) {
            rc = demob_error_set(err, DEMOB_EINPUT, "the likelihood is -inf at every start (%d): %s", n_starts,
                                 fails[0].message[0] ? fails[0].message : "no run succeeded");
        } else {
            out->best_start = best;
            out->loglik = out->start_loglik[best];
            memcpy(out->est, ends + (size_t)best * (size_t)n, (size_t)n * sizeof *out->est);
        }
    }
    if (rc == 0) {
        c.est = out->est;
        c.best = out->loglik;
        memset(evals, 0, 2 * (size_t)n * sizeof *evals);
        rc = fit_parallel(p, 2 * (long)n, profile_task, &c, err);
        for (int k = 0; rc == 0 && k < n; k++) {
            out->ci_lo[k] = bound[2 * k];
            out->ci_hi[k] = bound[2 * k + 1];
            out->lo_at_bound[k] = at_bound[2 * k];
            out->hi_at_bound[k] = at_bound[2 * k + 1];
            out->evals += evals[2 * k] + evals[2 * k + 1];
        }
    }
    free(starts);
    free(ends);
    free(evals);
    free(fails);
    free(bound);
    free(at_bound);
    if (rc)
        fit_mle_result_free(out);
    return rc;
}
