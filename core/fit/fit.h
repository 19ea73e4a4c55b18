/* fit.h - a calibration problem: which params a fit varies (with their
 * priors and bounds), the observations, and the model the runs are built
 * on; the evaluator that runs the model at a point and scores it; running
 * tasks on worker threads with results in task order (so every output is
 * byte-identical for any number of workers).
 *
 * The model is run in deterministic mode by mle and mcmc. Lua hooks come
 * through run's runner_hooks: each worker opens its own context, as the
 * runner does. */
#ifndef DEMOB_FIT_H
#define DEMOB_FIT_H
#include <stdint.h>

#include "demob.h"
#include "fit_obs.h"
#include "run/runner.h"
#include "sweep/sweep_design.h"

typedef struct fit_param {
    const char *name;
    demob_value slot;
    const sweep_dist *prior;  /* the declared prior (scenario_param_prior) */
    double lo, hi;            /* its support (may be infinite)             */
} fit_param;

typedef struct fit_problem {
    const demob_model *model;     /* frozen                                 */
    const fit_obs *obs;
    const fit_param *params;
    int n_params;
    const runner_hooks *hooks;    /* contexts and attach; model as above    */
    int workers;                  /* >= 1                                   */
    uint64_t seed;
    int progress;                 /* "k/n tasks" on stderr (a terminal)     */
    int particles;                /* > 0: the stochastic model's likelihood
                                   * estimated by a particle filter (pmcmc) */
    int pf_general;               /* 1: the filter steps demob_sims even
                                   * where the lean path could (for tests:
                                   * both give the same numbers)            */
} fit_problem;

/* Fills p->lo, p->hi from the prior's support; fails (DEMOB_EINPUT) for a
 * discrete prior, or with need_bounds for an unbounded one. */
int fit_param_bounds(fit_param *p, int need_bounds, demob_error *err);

/* The log-prior of x (sum over params). */
double fit_log_prior(const fit_problem *p, const double *x);

typedef struct fit_eval {
    const fit_problem *p;
    void *ctx;
    int own_ctx;
    demob_sim *sim;
    double *values, *raw, *pred;
    int skip_pred;                /* 1: the caller reads the log-likelihood
                                   * alone; a particle filter leaves pred 0 */
    long evals;
    demob_error last;             /* the last failed run's error           */
    struct fit_pf *pf;            /* particles > 0: the filter's buffers    */
    fit_obs_steps ix;             /* the observations by step              */
} fit_eval;

/* Opens an evaluator on the calling thread (main: use the main context). */
int fit_eval_open(fit_eval *e, const fit_problem *p, int main, demob_error *err);
void fit_eval_close(fit_eval *e);
/* Runs the model at x (run index `run`: its random stream) and returns
 * the log-likelihood; e->pred holds the predictions. A run that fails (a
 * value out of range, a rate expression outside [0, 1]) scores -inf, with
 * its message in e->last. */
double fit_eval_loglik(fit_eval *e, const double *x, long run);

/* fit_pf.c: a bootstrap particle filter (systematic resampling at the
 * observation times) over p->particles runs of the stochastic model at
 * e->values: an unbiased estimate of the likelihood, returned as its log.
 * Particle i of run `run` starts from the stream (run - 1) * P + i + 1;
 * after resampling at step t, particle j continues from the stream
 * 2^61 + ((run - 1) * (T + 1) + t) * P + j. e->pred gets the mean of the
 * particles' predictions. The sims must have no hooks (a hook's state
 * cannot be copied with a run). A plain model (lean_supported) is stepped
 * lean, a particle being its integers and stream; others step a demob_sim
 * per particle and copy whole runs. Both draw the same numbers. */
int fit_pf_open(fit_eval *e, const demob_model *m, demob_error *err);
/* "lean" when the filter steps m lean, else why not (for the manifest). */
const char *fit_pf_path(const fit_problem *p, const demob_model *m);
/* Systematic resampling's offspring counts: kids[i] for weights w[0..P-1]
 * (>= 0, summing to 1) and the points u + spacing[j], spacing[j] = j / P;
 * exactly the counts of assigning each point in turn to the first particle
 * whose cumulative weight (w[0] + w[1] + ..., added in that order) is at
 * least the point, or to the last particle. */
void fit_pf_offspring(const double *w, int P, double u, const double *spacing, int *kids);
void fit_pf_close(fit_eval *e);
double fit_pf_loglik(fit_eval *e, long run);

/* Runs task(ud, ev, i) for i in 0..n-1 on p->workers threads, each with
 * its own evaluator. The first failing task (lowest i) gives the error. */
typedef int (*fit_task_fn)(void *ud, fit_eval *ev, long i, demob_error *err);
int fit_parallel(const fit_problem *p, long n, fit_task_fn task, void *ud, demob_error *err);

/* Maximum likelihood: multistart from the defaults and a Latin hypercube
 * of the bounds (n_starts in all), each maximised by NLopt (BOBYQA;
 * Sbplx for one param); 95% intervals from the profile likelihood (where
 * it falls 1.92 below the maximum). */
typedef struct fit_mle_result {
    double *est, *ci_lo, *ci_hi;  /* [n_params]                            */
    int *lo_at_bound, *hi_at_bound;
    double loglik;
    int best_start, n_starts, n_failed;
    double *start_loglik;         /* [n_starts]                            */
    long evals;
} fit_mle_result;
int fit_mle(const fit_problem *p, int n_starts, fit_mle_result *out, demob_error *err);
void fit_mle_result_free(fit_mle_result *r);

/* Adaptive random-walk Metropolis (Haario, Saksman and Tamminen 2001) on
 * log-likelihood + log-prior: n_chains chains (tasks on the workers, chain
 * c from the random stream (seed, 2^63 + c)), each `iterations` long; the
 * first `warmup` adapt the proposal (2.38^2 / d times the chain's
 * covariance, after 100 steps of a diagonal one) and are dropped; the
 * proposal is fixed after them. draws: [n_chains][kept][n_params + 2]
 * (params, log_likelihood, log_prior), kept = iterations - warmup. */
typedef struct fit_mcmc_result {
    long kept;
    double *draws;
    double *accept;               /* [n_chains] acceptance rate after warmup */
    long evals;
} fit_mcmc_result;
int fit_mcmc(const fit_problem *p, int n_chains, long iterations, long warmup, fit_mcmc_result *out,
             demob_error *err);
void fit_mcmc_result_free(fit_mcmc_result *r);

/* fit_posterior.c: the row (0..n_rows-1) of a posterior file that run
 * `run` (1-based) draws: uniform, from the stream (seed, 2^62 + run). */
long fit_posterior_row(uint64_t seed, long run, long n_rows);

/* fit_diag.c: diagnostics of x[c * stride * n + i * stride] (chain c,
 * draw i of n): rank-normalised split-R-hat (the larger of bulk and
 * folded) and bulk effective sample size (Vehtari, Gelman, Simpson,
 * Carpenter and Buerkner 2021). */
double fit_rhat(const double *x, int chains, long n, long stride);
double fit_ess_bulk(const double *x, int chains, long n, long stride);
/* Quantile (type 7) of a sorted array. */
double fit_quantile_sorted(const double *v, long n, double q);
#endif
