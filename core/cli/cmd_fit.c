/* cmd_fit.c - `demob fit`: calibrates params to the scenario's observe { }
 * series. mle: maximum likelihood (NLopt, multistart, profile-likelihood
 * intervals); mcmc: adaptive Metropolis chains on the workers with split
 * R-hat and bulk ESS. Writes estimates.csv, fitted.csv, posterior.csv
 * (mcmc) and manifest.json; every CSV is byte-identical for any -j (each
 * start, profile and chain is one task with its own random stream). */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "fit/fit.h"
#include "run/manifest.h"
#include "util/csv_write.h"
#include "util/strbuf.h"

#define MAX_FIT_PARAMS 64

typedef struct fit_args {
    cli_args a;
    const char *params;
    const char *method;
    long starts, chains, iterations, warmup, particles;
} fit_args;

#define FA(field) offsetof(fit_args, field)

static const cli_option fit_options[] = {
    {"--params", 0, "A,B,...", 0, CLI_STRING, FA(params), 0, 0, NULL,
     "the params to fit (each with a declared range or prior)", {0}, NULL},
    {"--method", 0, "METHOD", 0, CLI_STRING, FA(method), 0, 0, NULL, "mle, mcmc or pmcmc (default %s)", {0}, "mle"},
    {"--starts", 0, "N", 0, CLI_LONG, FA(starts), 1, 100000, NULL,
     "mle: starts (the defaults, then a Latin hypercube of the bounds; default %g)", {8, 0}, NULL},
    {"--chains", 0, "K", 0, CLI_LONG, FA(chains), 1, 1000, NULL, "mcmc, pmcmc: chains (default %g)", {4, 0}, NULL},
    {"--iterations", 0, "N", 0, CLI_LONG, FA(iterations), 10, 100000000L, NULL,
     "mcmc, pmcmc: iterations per chain, warmup included (default %g)", {4000, 0}, NULL},
    {"--warmup", 0, "N", 0, CLI_LONG, FA(warmup), 0, 100000000L, NULL,
     "mcmc, pmcmc: adaptive iterations dropped from each chain (default: half the iterations)", {0}, NULL},
    {"--particles", 0, "P", 0, CLI_LONG, FA(particles), 0, 1000000L, NULL,
     "pmcmc: particles of the filter (default %g)", {100, 0}, NULL},
    {0},
};

static const cli_command fit_cmd = {
    "fit", "SCENARIO.lua --params A,B,... [--method mle|mcmc|pmcmc] [options]",
    "Fits the params to the scenario's observe { } series (mle, mcmc: the deterministic model;\n"
    "pmcmc: the stochastic one, through a particle filter) and writes estimates.csv, fitted.csv,\n"
    "posterior.csv (mcmc, pmcmc) and manifest.json into the output folder.\n"
    "The CSV files are byte-identical for any -j.\n",
    {{"fit options:", fit_options, 0},
     {"options:", cli_output_options, FA(a)},
     {NULL, cli_scenario_options, FA(a)}},
    "exit codes: 0 ok, 1 the fit failed, 2 bad usage or bad input\n",
    NULL,
};

static int fit_positional(void *ctx, const char *arg, demob_error *err)
{
    return cli_scenario_arg((char *)ctx + FA(a), arg, err);
}

/* --params into fit_params (names point into buf). */
static int parse_params(const scenario *sc, char *buf, fit_param *fp, int *n, demob_error *err)
{
    const demob_model *m = scenario_model(sc);
    const char *names[MAX_FIT_PARAMS + 1];
    int k = cli_split(buf, names, 0, MAX_FIT_PARAMS + 1);
    if (k < 1 || k > MAX_FIT_PARAMS)
        return demob_error_set(err, DEMOB_EINPUT, "--params: give 1 to %d param names", MAX_FIT_PARAMS);
    for (int i = 0; i < k; i++) {
        for (int j = 0; j < i; j++)
            if (strcmp(names[i], names[j]) == 0)
                return demob_error_set(err, DEMOB_EINPUT, "--params: '%s' is given twice", names[i]);
        demob_value v = demob_model_find_param(m, names[i]);
        if (v < 0) {
            strbuf b;
            strbuf_init(&b);
            for (int s = 0, first = 1; s < demob_model_n_values(m); s++)
                if (demob_model_value_name(m, s)) {
                    strbuf_printf(&b, "%s%s", first ? "" : ", ", demob_model_value_name(m, s));
                    first = 0;
                }
            int rc = demob_error_set(err, DEMOB_EINPUT, "--params: unknown param '%s' (params: %s)", names[i],
                                     b.len ? b.data : "none");
            strbuf_free(&b);
            return rc;
        }
        const sweep_dist *prior = scenario_param_prior(sc, v);
        if (!prior)
            return demob_error_set(err, DEMOB_EINPUT,
                                   "--params: '%s' declares no range or prior: declare param { \"%s\", default, "
                                   "min =, max = } (or dist =)",
                                   names[i], names[i]);
        fp[i].name = names[i];
        fp[i].slot = v;
        fp[i].prior = prior;
    }
    *n = k;
    return 0;
}

static void est_row(strbuf *b, const char *name, double est, double sd, double q025, double q50, double q975,
                    double rhat, double ess)
{
    csvw_str(b, 1, name);
    double v[7] = {est, sd, q025, q50, q975, rhat, ess};
    for (int i = 0; i < 7; i++) {
        if (isnan(v[i]))
            strbuf_puts(b, ",");
        else
            csvw_f64(b, 0, v[i]);
    }
    csvw_end(b);
}

static const char *const est_header[] = {"param", "estimate", "sd", "q2.5", "q50", "q97.5", "rhat", "ess", NULL};

/* fitted.csv: every observation with the prediction and its range. */
static void fitted_rows(strbuf *b, const demob_model *m, const fit_obs *o, const double *pred, const double *lo,
                        const double *hi)
{
    static const char *const h[] = {"series", "origin", "step", "date", "observed", "predicted", "lo", "hi", NULL};
    csvw_header(b, h);
    int k = 0;
    for (int i = 0; i < o->n_series; i++)
        for (int j = 0; j < o->series[i].n_rows; j++, k++) {
            const fit_row *r = &o->series[i].rows[j];
            csvw_str(b, 1, o->series[i].name);
            csvw_str(b, 0, r->origin);
            csvw_i64(b, 0, r->step);
            csvw_str(b, 0, demob_model_date(m, r->step));
            csvw_f64(b, 0, r->count);
            const double cell[3] = {pred[k], lo[k], hi[k]};
            for (int c = 0; c < 3; c++) {
                if (isnan(cell[c]))
                    csvw_str(b, 0, "");   /* no draw's run succeeded */
                else
                    csvw_f64(b, 0, cell[c]);
            }
            csvw_end(b);
        }
}

static void data_json(strbuf *x, const fit_obs *o)
{
    strbuf_puts(x, "\"data\": [");
    for (int i = 0; i < o->n_series; i++) {
        strbuf_puts(x, i ? ", {\"series\": " : "{\"series\": ");
        manifest_json_string(x, o->series[i].name);
        strbuf_puts(x, ", \"file\": ");
        manifest_json_string(x, o->series[i].file);
        strbuf_printf(x, ", \"rows\": %d, \"sha256\": \"%s\"}", o->series[i].n_rows, o->series[i].sha256);
    }
    strbuf_puts(x, "]");
}

typedef struct outputs {
    strbuf est, fitted, post, extra;
} outputs;

static int do_mle(const fit_problem *p, const fit_args *fa, const demob_model *m, outputs *out, demob_error *err)
{
    fit_mle_result r;
    int rc = fit_mle(p, (int)fa->starts, &r, err);
    if (rc)
        return rc;
    csvw_header(&out->est, est_header);
    for (int k = 0; k < p->n_params; k++)
        est_row(&out->est, p->params[k].name, r.est[k], NAN, r.ci_lo[k], NAN, r.ci_hi[k], NAN, NAN);
    /* Predictions at the estimate, with the observation model's 95%. */
    fit_eval ev;
    if ((rc = fit_eval_open(&ev, p, 1, err)) != 0) {
        fit_mle_result_free(&r);
        return rc;
    }
    fit_eval_loglik(&ev, r.est, 1);
    int n = p->obs->n_rows;
    double *lo = malloc((size_t)(n + 1) * sizeof *lo), *hi = malloc((size_t)(n + 1) * sizeof *hi);
    if (!lo || !hi) {
        rc = demob_error_set(err, DEMOB_ERUN, "out of memory");
    } else {
        for (int k = 0; k < n; k++) {
            int s, j;
            fit_obs_locate(p->obs, k, &s, &j);
            fit_obs_row_range(&p->obs->series[s], &p->obs->series[s].rows[j], ev.pred[k], ev.values, &lo[k], &hi[k]);
        }
        fitted_rows(&out->fitted, m, p->obs, ev.pred, lo, hi);
    }
    strbuf_printf(&out->extra, "\"method\": \"mle\", \"log_likelihood\": %.17g, \"starts\": %d, \"failed_starts\": %d, "
                  "\"best_start\": %d, \"evaluations\": %ld, \"bounds_hit\": [",
                  r.loglik, r.n_starts, r.n_failed, r.best_start + 1, r.evals);
    int first = 1;
    for (int k = 0; k < p->n_params; k++) {
        if (r.lo_at_bound[k] || r.hi_at_bound[k]) {
            strbuf_puts(&out->extra, first ? "" : ", ");
            manifest_json_string(&out->extra, p->params[k].name);
            first = 0;
        }
    }
    strbuf_puts(&out->extra, "]");
    if (!fa->a.quiet) {
        fprintf(stderr, "demob fit: mle, log-likelihood %.6g at start %d of %d (%ld evaluations)\n", r.loglik,
                r.best_start + 1, r.n_starts, r.evals);
        fprintf(stderr, "  %-24s %14s %14s %14s\n", "param", "estimate", "95% low", "95% high");
        for (int k = 0; k < p->n_params; k++)
            fprintf(stderr, "  %-24s %14.6g %13.6g%s %13.6g%s\n", p->params[k].name, r.est[k], r.ci_lo[k],
                    r.lo_at_bound[k] ? "|" : " ", r.ci_hi[k], r.hi_at_bound[k] ? "|" : " ");
        int any = 0;
        for (int k = 0; k < p->n_params; k++)
            any |= r.lo_at_bound[k] || r.hi_at_bound[k];
        if (any)
            fprintf(stderr, "  (|: the interval reaches the param's bound: the data do not bound it there)\n");
    }
    free(lo);
    free(hi);
    fit_eval_close(&ev);
    fit_mle_result_free(&r);
    return rc;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

typedef struct pred_ctx {
    const fit_problem *p;
    const double *draws;
    long stride, every;
    int n;
    double *pred;          /* [n_draws * n_rows] */
    long *todo;            /* [n_todo] the draws to evaluate, ascending */
} pred_ctx;

/* Thinned draw i's params. */
static const double *pred_draw(const pred_ctx *c, long i)
{
    return c->draws + (size_t)(i * c->every) * (size_t)c->stride;
}

/* A thinned draw's prediction is its run at run index 1 or, when that
 * run fails (a particle filter whose particles all died, where the chain's
 * filter at this draw did not), at the first of the next indices whose run
 * does not: a function of the draw alone, whatever the worker. A draw
 * whose PRED_TRIES runs all fail gets NaN, left out of fitted.csv. */
#define PRED_TRIES 100
static int pred_task(void *ud, fit_eval *ev, long t, demob_error *err)
{
    (void)err;
    pred_ctx *c = ud;
    long i = c->todo[t];
    size_t nr = (size_t)c->p->obs->n_rows;
    double *out = c->pred + (size_t)i * nr;
    for (long run = 1; run <= PRED_TRIES; run++)
        if (isfinite(fit_eval_loglik(ev, pred_draw(c, i), run))) {
            memcpy(out, ev->pred, nr * sizeof *out);
            return 0;
        }
    for (size_t k = 0; k < nr; k++)
        out[k] = NAN;
    return 0;
}

/* Whether a draw's predictions are all NaN (its runs failed). */
static int pred_failed(const double *pred, int nr)
{
    for (int k = 0; k < nr; k++)
        if (!isnan(pred[k]))
            return 0;
    return 1;
}

static int do_mcmc(const fit_problem *p, const fit_args *fa, const demob_model *m, outputs *out, demob_error *err)
{
    long warmup = fa->warmup >= 0 ? fa->warmup : fa->iterations / 2;
    fit_mcmc_result r;
    int chains = (int)fa->chains, n = p->n_params, w = n + 2;
    int rc = fit_mcmc(p, chains, fa->iterations, warmup, &r, err);
    if (rc)
        return rc;
    long total = (long)chains * r.kept;
    /* posterior.csv */
    strbuf_puts(&out->post, "chain,iteration");
    for (int k = 0; k < n; k++)
        csvw_str(&out->post, 0, p->params[k].name);
    strbuf_puts(&out->post, ",log_likelihood,log_prior");
    csvw_end(&out->post);
    for (int c = 0; c < chains; c++)
        for (long i = 0; i < r.kept; i++) {
            const double *d = r.draws + ((size_t)c * (size_t)r.kept + (size_t)i) * (size_t)w;
            csvw_i64(&out->post, 1, c + 1);
            csvw_i64(&out->post, 0, warmup + i + 1);
            for (int k = 0; k < w; k++)
                csvw_f64(&out->post, 0, d[k]);
            csvw_end(&out->post);
        }
    /* estimates.csv */
    csvw_header(&out->est, est_header);
    double *v = malloc((size_t)(total > 0 ? total : 1) * sizeof *v);
    if (!v) {
        fit_mcmc_result_free(&r);
        return demob_error_set(err, DEMOB_ERUN, "out of memory");
    }
    strbuf warn;
    strbuf_init(&warn);
    for (int k = 0; k < n; k++) {
        double s = 0, ss = 0;
        for (long i = 0; i < total; i++) {
            v[i] = r.draws[(size_t)i * (size_t)w + (size_t)k];
            s += v[i];
        }
        double mean = s / (double)total;
        for (long i = 0; i < total; i++)
            ss += (v[i] - mean) * (v[i] - mean);
        qsort(v, (size_t)total, sizeof *v, cmp_double);
        double rhat = fit_rhat(r.draws + k, chains, r.kept, w), ess = fit_ess_bulk(r.draws + k, chains, r.kept, w);
        est_row(&out->est, p->params[k].name, mean, total > 1 ? sqrt(ss / (double)(total - 1)) : NAN,
                fit_quantile_sorted(v, total, 0.025), fit_quantile_sorted(v, total, 0.5),
                fit_quantile_sorted(v, total, 0.975), rhat, ess);
        if (!(rhat <= 1.01) || !(ess >= 400)) {
            strbuf_printf(&warn, "%s\"%s: R-hat %.4g, bulk ESS %.0f (want R-hat <= 1.01 and ESS >= 400: run longer "
                          "chains or more of them)\"", warn.len ? ", " : "", p->params[k].name, rhat, ess);
            if (!fa->a.quiet)
                fprintf(stderr, "demob fit: warning: %s: R-hat %.4g, bulk ESS %.0f (want R-hat <= 1.01 and ESS >= "
                        "400: run longer chains or more of them)\n", p->params[k].name, rhat, ess);
        }
    }
    /* fitted.csv: the prediction's posterior mean and 95% over up to 1000
     * evenly thinned draws. */
    long nd = total < 1000 ? total : 1000, every = total / nd;
    int nr = p->obs->n_rows;
    pred_ctx pc = {p, r.draws, w, every, n, malloc((size_t)nd * (size_t)nr * sizeof(double)), NULL};
    double *mean = malloc((size_t)(nr + 1) * sizeof *mean), *lo = malloc((size_t)(nr + 1) * sizeof *lo),
           *hi = malloc((size_t)(nr + 1) * sizeof *hi), *col = malloc((size_t)nd * sizeof *col);
    if (!pc.pred || !mean || !lo || !hi || !col)
        rc = demob_error_set(err, DEMOB_ERUN, "out of memory");
    /* A chain repeats its draw after every rejected proposal (most of
     * pmcmc's). The prediction is a function of the params alone (every
     * draw runs as run 1, the same streams), so a thinned draw equal to
     * the one before it (bit for bit) gets that one's prediction instead
     * of running the same filter again. Only draws that differ from the
     * one before are evaluated, in order: one worker calls the evaluator
     * exactly as if every draw were evaluated. */
    long n_todo = 0;
    if (rc == 0 && !(pc.todo = malloc((size_t)(nd > 0 ? nd : 1) * sizeof *pc.todo)))
        rc = demob_error_set(err, DEMOB_ERUN, "out of memory");
    for (long i = 0; rc == 0 && i < nd; i++)
        if (i == 0 || memcmp(pred_draw(&pc, i), pred_draw(&pc, i - 1), (size_t)n * sizeof(double)) != 0)
            pc.todo[n_todo++] = i;
    if (rc == 0)
        rc = fit_parallel(p, n_todo, pred_task, &pc, err);
    for (long i = 1, t = 1; rc == 0 && i < nd; i++) {
        if (t < n_todo && pc.todo[t] == i)
            t++;
        else
            memcpy(pc.pred + (size_t)i * (size_t)nr, pc.pred + (size_t)(i - 1) * (size_t)nr, (size_t)nr * sizeof(double));
    }
    long left_out = 0;
    for (long i = 0; rc == 0 && nr > 0 && i < nd; i++)
        left_out += isnan(pc.pred[(size_t)i * (size_t)nr]) && pred_failed(pc.pred + (size_t)i * (size_t)nr, nr);
    if (rc == 0) {
        for (int j = 0; j < nr; j++) {
            double s = 0;
            long kept = 0;
            for (long i = 0; i < nd; i++) {
                double v = pc.pred[(size_t)i * (size_t)nr + (size_t)j];
                if (!isnan(v))
                    s += col[kept++] = v;
            }
            mean[j] = lo[j] = hi[j] = NAN;   /* every draw left out: empty cells */
            if (kept > 0) {
                mean[j] = s / (double)kept;
                qsort(col, (size_t)kept, sizeof *col, cmp_double);
                lo[j] = fit_quantile_sorted(col, kept, 0.025);
                hi[j] = fit_quantile_sorted(col, kept, 0.975);
            }
        }
        fitted_rows(&out->fitted, m, p->obs, mean, lo, hi);
        if (left_out > 0) {
            strbuf_printf(&warn, "%s\"fitted.csv: %ld of %ld thinned draws left out: their runs failed at %d run "
                          "indices each (every particle died)\"", warn.len ? ", " : "", left_out, nd, PRED_TRIES);
            if (!fa->a.quiet)
                fprintf(stderr, "demob fit: warning: fitted.csv: %ld of %ld thinned draws left out: their runs failed "
                        "at %d run indices each (every particle died)\n", left_out, nd, PRED_TRIES);
        }
    }
    strbuf_printf(&out->extra, "\"method\": \"%s\", \"chains\": %d, \"iterations\": %ld, \"warmup\": %ld, "
                  "\"evaluations\": %ld, ", fa->method, chains, fa->iterations, warmup, r.evals);
    if (p->particles > 0) {
        const char *path = fit_pf_path(p, m);
        strbuf_printf(&out->extra, "\"particles\": %d, \"particle_filter\": \"%s%s\", ", p->particles,
                      strcmp(path, "lean") == 0 ? "" : "whole runs: ", path);
    }
    strbuf_puts(&out->extra, "\"acceptance\": [");
    for (int c = 0; c < chains; c++)
        strbuf_printf(&out->extra, "%s%.4f", c ? ", " : "", r.accept[c]);
    strbuf_printf(&out->extra, "], \"warnings\": [%s]", warn.len ? warn.data : "");
    if (!fa->a.quiet && rc == 0) {
        fprintf(stderr, "demob fit: %s, %d chains x %ld kept draws (%ld evaluations)\n", fa->method, chains, r.kept,
                r.evals);
    }
    strbuf_free(&warn);
    free(pc.pred);
    free(pc.todo);
    free(mean);
    free(lo);
    free(hi);
    free(col);
    free(v);
    fit_mcmc_result_free(&r);
    return rc;
}

static int write_file(const char *dir, const char *name, const strbuf *b, demob_error *err)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (b->failed)
        return demob_error_set(err, DEMOB_ERUN, "out of memory");
    return atomic_write_buffer(path, b, err);
}

int cmd_fit(int argc, char **argv)
{
    fit_args fa;
    memset(&fa, 0, sizeof fa);
    cli_args_init(&fa.a);
    fa.starts = 8;
    fa.chains = 4;
    fa.iterations = 4000;
    fa.warmup = -1;
    fa.particles = 100;
    fa.method = "mle";
    cli_command c = fit_cmd;
    c.positional = fit_positional;
    int code;
    if (!cli_parse_args(&c, argc, argv, &fa, &code))
        return code;
    demob_error err = {0};
    if (!fa.a.sopt.path)
        demob_error_set(&err, DEMOB_EINPUT, "no scenario file given");
    else if (!fa.params)
        demob_error_set(&err, DEMOB_EINPUT, "--params is required (the params to fit)");
    else if (strcmp(fa.method, "mle") != 0 && strcmp(fa.method, "mcmc") != 0 && strcmp(fa.method, "pmcmc") != 0)
        demob_error_set(&err, DEMOB_EINPUT, "--method '%s': give mle, mcmc or pmcmc", fa.method);
    else if (fa.a.sopt.mode >= 0)
        demob_error_set(&err, DEMOB_EINPUT, "--mode: the method decides (mle, mcmc: deterministic; pmcmc: stochastic)");
    else if (strcmp(fa.method, "pmcmc") == 0 && fa.particles < 1)
        demob_error_set(&err, DEMOB_EINPUT, "--particles %ld: pmcmc needs at least 1 particle", fa.particles);
    else if (fa.warmup >= fa.iterations)
        demob_error_set(&err, DEMOB_EINPUT, "--warmup %ld must be below --iterations %ld", fa.warmup, fa.iterations);
    if (err.status)
        return cli_usage_fail("fit", &err);
    int mle = strcmp(fa.method, "mle") == 0, pmcmc = strcmp(fa.method, "pmcmc") == 0;
    char out_dir[4096];
    if (fa.a.out_dir)
        snprintf(out_dir, sizeof out_dir, "%s", fa.a.out_dir);
    else
        cli_default_out_dir(fa.a.sopt.path, out_dir, sizeof out_dir);
    fa.a.sopt.output_dir = out_dir;
    fa.a.sopt.csv_refusal = "a fit runs the scenario many times at other params and keeps no file its runs write; "
                            "write it with demob run (--posterior draws the runs from the fit)";
    fa.a.sopt.mode = pmcmc ? DEMOB_STOCHASTIC : DEMOB_DETERMINISTIC;
    scenario *sc = scenario_load(&fa.a.sopt, &err);
    if (!sc)
        return cli_fail("fit", &err);
    if (!fa.a.quiet)
        cli_warn_scenario("fit", sc);
    const demob_model *m = scenario_model(sc);
    const fit_obs *obs = scenario_observations(sc);
    char *pbuf = malloc(strlen(fa.params) + 1);
    fit_param fp[MAX_FIT_PARAMS];
    int np = 0, rc = 0;
    if (!pbuf)
        rc = demob_error_set(&err, DEMOB_ERUN, "out of memory");
    else
        strcpy(pbuf, fa.params);
    /* A particle filter copies runs; a Lua hook's state (its globals,
     * upvalues) is not part of a run and cannot be copied with it. */
    if (pmcmc && scenario_has_hooks(sc))
        rc = demob_error_set(&err, DEMOB_EINPUT,
                             "%s: pmcmc cannot resample runs whose Lua hooks (on_step, event predicates, arrival "
                             "functions, on_finish) keep state outside the run; write the feedback as expressions, "
                             "or fit with mle or mcmc", fa.a.sopt.path);
    if (rc == 0 && obs->n_series == 0)
        rc = demob_error_set(&err, DEMOB_EINPUT, "%s declares no observe { } series: nothing to fit to",
                             fa.a.sopt.path);
    if (rc == 0)
        rc = fit_obs_check_steps(obs, m, &err);
    if (rc == 0)
        rc = parse_params(sc, pbuf, fp, &np, &err);
    for (int k = 0; rc == 0 && k < np; k++)
        rc = fit_param_bounds(&fp[k], mle, &err);
    runner_hooks hooks;
    scenario_runner_hooks(sc, &fa.a.sopt, &hooks);
    fit_problem p = {m, obs, fp, np, &hooks, fa.a.workers > 0 ? fa.a.workers : runner_default_workers(),
                     demob_model_seed(m), !fa.a.quiet && isatty(2), pmcmc ? (int)fa.particles : 0, 0};
    outputs out;
    strbuf_init(&out.est);
    strbuf_init(&out.fitted);
    strbuf_init(&out.post);
    strbuf_init(&out.extra);
    if (rc == 0)
        rc = mle ? do_mle(&p, &fa, m, &out, &err) : do_mcmc(&p, &fa, m, &out, &err);
    if (rc == 0) {
        strbuf_puts(&out.extra, ", \"fitted_params\": [");
        for (int k = 0; k < np; k++) {
            strbuf_puts(&out.extra, k ? ", " : "");
            manifest_json_string(&out.extra, fp[k].name);
        }
        strbuf_puts(&out.extra, "], ");
        data_json(&out.extra, obs);
    }
    if (rc == 0)
        rc = atomic_make_dirs(out_dir, &err);
    if (rc == 0) {
        /* The manifest goes last: a folder without one is unfinished. */
        char path[4400];
        snprintf(path, sizeof path, "%s/manifest.json", out_dir);
        unlink(path);
        rc = write_file(out_dir, "estimates.csv", &out.est, &err);
    }
    if (rc == 0)
        rc = write_file(out_dir, "fitted.csv", &out.fitted, &err);
    if (rc == 0 && !mle)
        rc = write_file(out_dir, "posterior.csv", &out.post, &err);
    if (rc == 0 && mle) {
        char path[4400];
        snprintf(path, sizeof path, "%s/posterior.csv", out_dir);
        unlink(path);
    }
    if (rc == 0) {
        manifest_info info = {"fit", fa.a.sopt.path, m, 1, argc, argv, out.extra.data, NULL, 0, scenario_currency(sc)};
        info.n_inputs = scenario_inputs(sc, &info.inputs);
        rc = manifest_write(out_dir, &info, &err);
    }
    strbuf_free(&out.est);
    strbuf_free(&out.fitted);
    strbuf_free(&out.post);
    strbuf_free(&out.extra);
    free(pbuf);
    scenario_free(sc);
    if (rc)
        return cli_fail("fit", &err);
    if (!fa.a.quiet)
        fprintf(stderr, "demob fit: written to %s/\n", out_dir);
    return 0;
}
