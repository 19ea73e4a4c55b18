/* fit_eval.c - scoring the model at a point: bounds and log-prior of the
 * fitted params, the evaluator (one sim per thread, the run's Lua context
 * through runner_hooks), and tasks on worker threads (see fit.h). */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fit.h"

int fit_param_bounds(fit_param *p, int need_bounds, demob_error *err)
{
    const sweep_dist *d = p->prior;
    switch (d->kind) {
    case DIST_UNIFORM:
        p->lo = d->a, p->hi = d->b;
        break;
    case DIST_TRIANGULAR:
        p->lo = d->a, p->hi = d->c;
        break;
    case DIST_NORMAL:
        p->lo = d->lo, p->hi = d->hi;
        break;
    case DIST_LOGNORMAL:
        p->lo = d->lo > 0 ? d->lo : 0, p->hi = d->hi;
        break;
    case DIST_BETA:
        p->lo = d->lo > 0 ? d->lo : 0, p->hi = d->hi < 1 ? d->hi : 1;
        break;
    case DIST_DISCRETE:
        return demob_error_set(err, DEMOB_EINPUT, "--params: '%s' has a discrete prior: a fit needs a continuous one",
                               p->name);
    }
    if (need_bounds && !(isfinite(p->lo) && isfinite(p->hi)))
        return demob_error_set(err, DEMOB_EINPUT,
                               "--params: '%s': its %s prior is unbounded; mle needs min = and max = on the param",
                               p->name, sweep_dist_name(d->kind));
    if (!(p->hi > p->lo))
        return demob_error_set(err, DEMOB_EINPUT, "--params: '%s': its range [%g, %g] is a single point", p->name,
                               p->lo, p->hi);
    return 0;
}

double fit_log_prior(const fit_problem *p, const double *x)
{
    double lp = 0;
    for (int k = 0; k < p->n_params; k++)
        lp += sweep_dist_logpdf(p->params[k].prior, x[k]);
    return lp;
}

int fit_eval_open(fit_eval *e, const fit_problem *p, int main, demob_error *err)
{
    memset(e, 0, sizeof *e);
    e->p = p;
    const runner_hooks *h = p->hooks;
    if (h && h->per_worker && !main) {
        if (!(e->ctx = h->open_worker(h->ud, err)))
            return err && err->status ? err->status : DEMOB_ERUN;
        e->own_ctx = 1;
    } else if (h) {
        e->ctx = h->main_ctx;
    }
    const demob_model *m = e->own_ctx && h->model_of ? h->model_of(e->ctx) : p->model;
    int nv = demob_model_n_values(m), nr = p->obs->n_rows;
    e->values = malloc((size_t)(nv + 1) * sizeof *e->values);
    e->raw = calloc((size_t)nr + 1, sizeof *e->raw);
    e->pred = calloc((size_t)nr + 1, sizeof *e->pred);
    if (!e->values || !e->raw || !e->pred || !(e->sim = demob_sim_new(m, err)) ||
        fit_obs_steps_build(p->obs, demob_model_steps(m), &e->ix, err) != 0) {
        fit_eval_close(e);
        return err && err->status ? err->status : demob_error_set(err, DEMOB_ERUN, "out of memory");
    }
    for (int v = 0; v < nv; v++)
        e->values[v] = demob_model_value_default(m, v);
    if (p->particles > 0 && fit_pf_open(e, m, err) != 0) {
        fit_eval_close(e);
        return err && err->status ? err->status : DEMOB_ERUN;
    }
    return 0;
}

void fit_eval_close(fit_eval *e)
{
    if (e->pf)
        fit_pf_close(e);
    if (e->sim)
        demob_sim_free(e->sim);
    if (e->own_ctx && e->p->hooks->close_worker)
        e->p->hooks->close_worker(e->ctx);
    fit_obs_steps_free(&e->ix);
    free(e->values);
    free(e->raw);
    free(e->pred);
    memset(e, 0, sizeof *e);
}

double fit_eval_loglik(fit_eval *e, const double *x, long run)
{
    const fit_problem *p = e->p;
    const demob_model *m = demob_sim_model(e->sim);
    e->evals++;
    for (int k = 0; k < p->n_params; k++) {
        if (!(x[k] >= p->params[k].lo && x[k] <= p->params[k].hi)) {
            demob_error_set(&e->last, DEMOB_EINPUT, "%s = %g is outside [%g, %g]", p->params[k].name, x[k],
                            p->params[k].lo, p->params[k].hi);
            return -INFINITY;
        }
        if (demob_model_check_value(m, p->params[k].slot, x[k], &e->last) != 0)
            return -INFINITY;
        e->values[p->params[k].slot] = x[k];
    }
    if (e->pf)
        return fit_pf_loglik(e, run);
    if (demob_sim_reset(e->sim, run, e->values, &e->last) != 0)
        return -INFINITY;
    if (p->hooks && p->hooks->attach)
        p->hooks->attach(e->ctx, e->sim);
    fit_obs_record(p->obs, &e->ix, e->sim, e->raw);
    int steps = demob_model_steps(m);
    for (int t = 1; t <= steps; t++) {
        if (demob_sim_step(e->sim, &e->last) != 0)
            return -INFINITY;
        fit_obs_record(p->obs, &e->ix, e->sim, e->raw);
    }
    if (p->hooks && p->hooks->finish && p->hooks->finish(e->ctx, e->sim, &e->last) != 0)
        return -INFINITY;
    fit_obs_predictions(p->obs, e->raw, e->pred);
    int worst;
    double ll = fit_obs_loglik(p->obs, e->pred, e->values, &worst);
    if (worst >= 0) {
        int s, r;
        fit_obs_locate(p->obs, worst, &s, &r);
        const fit_series *se = &p->obs->series[s];
        demob_error_set(&e->last, DEMOB_EINPUT, "observation %s:%ld (observe '%s', step %d, count %g) is impossible: "
                        "the model predicts %g", se->file, se->rows[r].line, se->name, se->rows[r].step,
                        se->rows[r].count, e->pred[worst]);
    }
    return ll;
}

/* ------------------------------------------------------- worker threads */

typedef struct pool {
    const fit_problem *p;
    long n, next;
    fit_task_fn task;
    void *ud;
    pthread_mutex_t lock;
    long failed_at;               /* lowest failing task, or n             */
    long done;                    /* tasks finished (progress)             */
    demob_error err;
} pool;

static void fail(pool *pl, long i, int rc, const demob_error *e)
{
    pthread_mutex_lock(&pl->lock);
    if (i < pl->failed_at) {
        pl->failed_at = i;
        pl->err = *e;
        if (!pl->err.status)
            pl->err.status = rc;
    }
    pthread_mutex_unlock(&pl->lock);
}

static void work(pool *pl, int main)
{
    fit_eval ev;
    demob_error e = {0};
    int rc = fit_eval_open(&ev, pl->p, main, &e);
    if (rc) {
        fail(pl, -1, rc, &e);
        return;
    }
    for (;;) {
        pthread_mutex_lock(&pl->lock);
        long i = pl->next < pl->failed_at ? pl->next++ : pl->n;
        pthread_mutex_unlock(&pl->lock);
        if (i >= pl->n)
            break;
        memset(&e, 0, sizeof e);
        if ((rc = pl->task(pl->ud, &ev, i, &e)) != 0)
            fail(pl, i, rc, &e);
        if (pl->p->progress) {
            pthread_mutex_lock(&pl->lock);
            pl->done++;
            fprintf(stderr, "\rdemob fit: %ld/%ld tasks", pl->done, pl->n);
            fflush(stderr);
            pthread_mutex_unlock(&pl->lock);
        }
    }
    fit_eval_close(&ev);
}

static void *thread_main(void *arg)
{
    work(arg, 0);
    return NULL;
}

int fit_parallel(const fit_problem *p, long n, fit_task_fn task, void *ud, demob_error *err)
{
    pool pl;
    memset(&pl, 0, sizeof pl);
    pl.p = p;
    pl.n = n;
    pl.task = task;
    pl.ud = ud;
    pl.failed_at = n;
    pthread_mutex_init(&pl.lock, NULL);
    int nt = p->workers < 1 ? 1 : p->workers;
    if (nt > n)
        nt = (int)n;
    if (nt <= 1) {
        work(&pl, 1);
    } else {
        pthread_t *th = malloc((size_t)nt * sizeof *th);
        int started = 0;
        if (th)
            for (; started < nt; started++)
                if (pthread_create(&th[started], NULL, thread_main, &pl) != 0)
                    break;
        if (started == 0)
            work(&pl, 1);
        for (int i = 0; i < started; i++)
            pthread_join(th[i], NULL);
        free(th);
    }
    pthread_mutex_destroy(&pl.lock);
    if (p->progress)
        fputc('\n', stderr);
    if (pl.failed_at < n) {
        if (err)
            *err = pl.err;
        return pl.err.status ? pl.err.status : DEMOB_ERUN;
    }
    return 0;
}
