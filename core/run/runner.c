/* runner.c - jobs on worker threads, output handed back in job order (see
 * runner.h). One mutex guards the job counter and the slots; workers wait
 * on `room` when they are a window ahead, the consumer on `ready`.
 *
 * Wake-ups are batched: waking a sleeping thread costs several
 * microseconds, about a tenth of a bench-6x9 run. A waiting consumer asks
 * to be woken when a job `batch` places ahead is done (wake_at), not for
 * the one it needs, and then takes the whole batch without sleeping; it
 * wakes workers waiting for room every `batch` jobs and before it sleeps
 * itself. Errors, stops and exiting workers always wake it. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine/model_same.h"
#include "runner.h"

typedef struct slot {
    long job;            /* the job in this slot, -1 when free       */
    int done;            /* finished (ok or failed)                  */
    int status;
    demob_error err;
    runner_job desc;
    strbuf bufs[OUT_NFILES];
    demob_sim *sim;      /* the run, readable until consumed         */
    int consumed;
    int consuming;       /* the consumer is reading it right now     */
} slot;

typedef struct shared {
    const runner_config *c;
    const output_labels *labels;
    pthread_mutex_t lock;
    pthread_cond_t ready, room;
    long next_job;       /* next job to hand out                     */
    long written;        /* jobs consumed                            */
    int stop;            /* an error or interruption: take no more   */
    long window;
    long batch;          /* jobs consumed or awaited per wake-up      */
    long wake_at;        /* the job the sleeping consumer awaits, -1  */
    slot *slots;         /* [window]                                 */
    int n_values;
} shared;

typedef struct worker {
    shared *sh;
    pthread_t thread;
    int started;
    int status;          /* set-up failure */
    demob_error err;
} worker;

int runner_default_workers(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 256 ? 256 : (int)n;
}

static int interrupted(const runner_config *c)
{
    return c->interrupted && *c->interrupted;
}

/* Deterministic stocks are doubles with no upper bound: stocks, arrivals
 * or costs near 1e308 overflow to inf, and inf - inf to NaN, which would
 * be written as "inf" / "nan" (and no reader takes those back). Refuse
 * such a run instead, naming the step. Stochastic counts are bounded by
 * 2^62 already, but their costs are not. */
static int check_finite(const scenario *sc, const demob_sim *sim, const runner_job *job, demob_error *err)
{
    double total = demob_sim_total(sim), cost = demob_sim_cost_total(sim);
    if (isfinite(total) && isfinite(cost))
        return 0;
    return demob_error_set(err, DEMOB_EINPUT,
                           "%s: run %ld, step %d: numbers too large: the %s is %g (stocks, arrivals or costs "
                           "add up beyond 1.8e308, the largest number a double holds)",
                           sc ? scenario_path(sc) : "scenario", job->run, demob_sim_time(sim), isfinite(total) ? "total cost" : "total population",
                           isfinite(total) ? cost : total);
}

/* Copies the stocks of every cell to out; returns the end of the copy. */
static double *keep_stocks(const demob_sim *sim, double *out)
{
    const demob_model *m = demob_sim_model(sim);
    int n_o = demob_model_n_origins(m), n_s = demob_model_n_states(m);
    for (int o = 0; o < n_o; o++)
        for (int st = 0; st < n_s; st++)
            *out++ = demob_sim_stock(sim, o, st);
    return out;
}

/* Runs one job into its slot (no lock held). */
static int run_job(shared *sh, scenario *sc, demob_sim *sim, slot *sl, demob_error *err)
{
    const runner_config *c = sh->c;
    strbuf *bufs[OUT_NFILES];
    int series = 0;   /* some file has rows per step */
    for (int f = 0; f < OUT_NFILES; f++) {
        strbuf_clear(&sl->bufs[f]);
        bufs[f] = c->plan.want[f] ? &sl->bufs[f] : NULL;
        series |= f != OUT_SUMMARY && bufs[f];
    }
    int rc = demob_sim_reset(sim, sl->desc.run, sl->desc.values, err);
    if (rc)
        return rc;
    if (sc && scenario_has_hooks(sc))
        scenario_attach(sc, sim);
    const demob_model *m = demob_sim_model(sim);
    int steps = demob_model_steps(m);
    int deterministic = demob_model_mode(m) == DEMOB_DETERMINISTIC;
    if ((rc = check_finite(c->main, sim, &sl->desc, err)))
        return rc;
    double *stocks = sl->desc.stocks;
    if (series)
        output_record(sh->labels, &c->plan, sim, sl->desc.prefix, bufs);
    if (stocks)
        stocks = keep_stocks(sim, stocks);
    for (int t = 1; t <= steps; t++) {
        if ((rc = demob_sim_step(sim, err)))
            return rc;
        /* Every step in deterministic mode (one run: cheap); stochastic
         * counts cannot overflow, their costs are checked at the end. */
        if (deterministic && (rc = check_finite(c->main, sim, &sl->desc, err)))
            return rc;
        if (series)
            output_record(sh->labels, &c->plan, sim, sl->desc.prefix, bufs);
        if (stocks && output_recorded(&c->plan, t, steps))
            stocks = keep_stocks(sim, stocks);
        if ((t & 15) == 0 && interrupted(c))
            return demob_error_set(err, DEMOB_ERUN, "interrupted");
    }
    if (!deterministic && (rc = check_finite(c->main, sim, &sl->desc, err)))
        return rc;
    if (sc && (rc = scenario_finish(sc, sim, err)))
        return rc;
    if (bufs[OUT_SUMMARY])
        output_summary(sh->labels, sim, sl->desc.prefix, sl->desc.values, bufs[OUT_SUMMARY]);
    for (int f = 0; f < OUT_NFILES; f++)
        if (sl->bufs[f].failed)
            return demob_error_set(err, DEMOB_ERUN, "out of memory formatting run %ld", sl->desc.run);
    return 0;
}

/* Frees the sims of slots built on model m once they are consumed (or the
 * run stopped): m is about to go. Called with the lock held. */
static void release_sims(shared *sh, const demob_model *m)
{
    for (long k = 0; k < sh->window; k++) {
        slot *o = &sh->slots[k];
        if (!o->sim || demob_sim_model(o->sim) != m)
            continue;
        /* Even when stopping, never under the consumer's feet. */
        while (o->consuming || (o->job >= 0 && !o->consumed && !sh->stop))
            pthread_cond_wait(&sh->room, &sh->lock);
        demob_sim_free(o->sim);
        o->sim = NULL;
    }
}

/* Fills slot sl for job j: the model's values, then the job callback's. */
static int describe_job(shared *sh, const demob_model *model, slot *sl, long j, demob_error *err)
{
    const runner_config *c = sh->c;
    sl->job = j;
    sl->done = 0;
    sl->consumed = 0;
    for (int v = 0; v < sh->n_values; v++)
        sl->desc.values[v] = demob_model_value_default(model, v);
    sl->desc.prefix[0] = '\0';
    sl->desc.run = j + 1;
    return c->job ? c->job(c->job_ud, j, &sl->desc, err) : 0;
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    shared *sh = w->sh;
    const runner_config *c = sh->c;
    scenario *own = NULL, *sc = c->main;
    demob_error err = {0};
    /* A scenario with hooks gets its own Lua state in this thread. */
    if (scenario_has_hooks(c->main)) {
        own = scenario_load(c->sopt, &err);
        const char *diff = own ? model_mismatch(scenario_model(c->main), scenario_model(own)) : NULL;
        if (diff) {
            demob_error_set(&err, DEMOB_EINPUT,
                            "%s: the script declared another model when loaded again for a worker thread "
                            "(%s differs): declarations must not depend on os.clock(), os.time(), "
                            "os.date() or files that change",
                            scenario_path(own), diff);
            scenario_free(own);
            own = NULL;
        }
        if (!own) {
            pthread_mutex_lock(&sh->lock);
            w->status = err.status ? err.status : DEMOB_ERUN;
            w->err = err;
            sh->stop = 1;
            pthread_cond_broadcast(&sh->ready);
            pthread_mutex_unlock(&sh->lock);
            return NULL;
        }
        sc = own;
    }
    const demob_model *model = scenario_model(sc);
    for (;;) {
        pthread_mutex_lock(&sh->lock);
        while (!sh->stop && sh->next_job < c->n_jobs && sh->next_job >= sh->written + sh->window)
            pthread_cond_wait(&sh->room, &sh->lock);
        if (sh->stop || sh->next_job >= c->n_jobs || interrupted(c)) {
            pthread_mutex_unlock(&sh->lock);
            break;
        }
        long j = sh->next_job++;
        /* Job j - window was consumed, so its slot is ours. */
        slot *sl = &sh->slots[j % sh->window];
        int rc = describe_job(sh, model, sl, j, &err);
        if (sl->sim && demob_sim_model(sl->sim) != model) {
            /* Built on another worker's model, which stays alive while it
             * holds the lock in release_sims: free it under the lock. */
            demob_sim_free(sl->sim);
            sl->sim = NULL;
        }
        pthread_mutex_unlock(&sh->lock);

        if (rc == 0 && !sl->sim) {
            /* Stored under the lock: an exiting worker's release_sims
             * reads every slot's sim. */
            demob_sim *fresh = demob_sim_new(model, &err);
            pthread_mutex_lock(&sh->lock);
            sl->sim = fresh;
            pthread_mutex_unlock(&sh->lock);
            if (!fresh)
                rc = err.status ? err.status : DEMOB_ERUN;
        }
        if (rc == 0)
            rc = run_job(sh, sc, sl->sim, sl, &err);

        pthread_mutex_lock(&sh->lock);
        sl->status = rc;
        sl->err = err;
        sl->done = 1;
        if (rc)
            sh->stop = 1;
        if (rc || sh->wake_at == j)
            pthread_cond_broadcast(&sh->ready);
        pthread_mutex_unlock(&sh->lock);
        if (rc)
            break;
    }
    /* The consumer may be awaiting a job this worker will not run. */
    pthread_mutex_lock(&sh->lock);
    pthread_cond_broadcast(&sh->ready);
    pthread_mutex_unlock(&sh->lock);
    if (own) {
        pthread_mutex_lock(&sh->lock);
        release_sims(sh, model);
        pthread_mutex_unlock(&sh->lock);
        scenario_free(own);
    }
    return NULL;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void show_progress(long done, long total, double t0, int final)
{
    double el = now_seconds() - t0;
    double rate = el > 0 ? (double)done / el : 0;
    double eta = rate > 0 ? (double)(total - done) / rate : 0;
    fprintf(stderr, "\r%ld/%ld runs  %.0f runs/s  %s %.0fs   %s", done, total, rate, final ? "took" : "ETA",
            final ? el : eta, final ? "\n" : "");
    fflush(stderr);
}

static strbuf *planned(const runner_config *c, slot *sl, int f)
{
    return c->plan.want[f] ? &sl->bufs[f] : NULL;
}

/* A single job (a deterministic run, say) runs on the calling thread, in
 * slot 0, with the calling thread's scenario: no thread to start, no
 * second load of a hooked script, for what is mostly start-up. With more
 * jobs a worker thread pays for itself even alone: it computes the next
 * runs while the calling thread writes (populations.csv from one worker
 * takes 1.5x as long without it). */
static int run_single(shared *sh, long *jobs_done, demob_error *err)
{
    const runner_config *c = sh->c;
    scenario *sc = c->main;
    const demob_model *model = scenario_model(sc);
    slot *sl = &sh->slots[0];
    double t0 = now_seconds();
    int rc = describe_job(sh, model, sl, 0, err);
    if (rc == 0 && !(sl->sim = demob_sim_new(model, err)))
        rc = err->status ? err->status : DEMOB_ERUN;
    if (rc == 0)
        rc = run_job(sh, sc, sl->sim, sl, err);
    strbuf *const bufs[OUT_NFILES] = {planned(c, sl, 0), planned(c, sl, 1), planned(c, sl, 2), planned(c, sl, 3),
                                      planned(c, sl, 4)};
    if (rc == 0)
        rc = c->consume(c->consume_ud, 0, &sl->desc, bufs, sl->sim, err);
    if (rc == 0 && jobs_done)
        *jobs_done = 1;
    if (rc == 0 && c->progress)
        show_progress(1, 1, t0, 1);
    return rc;
}

int runner_run(const runner_config *c, long *jobs_done, demob_error *err)
{
    const demob_model *m = scenario_model(c->main);
    int workers = c->workers < 1 ? 1 : c->workers;
    if (jobs_done)
        *jobs_done = 0;
    if (c->n_jobs <= 0)
        return 0;
    if (workers > c->n_jobs)
        workers = (int)c->n_jobs;
    shared sh;
    memset(&sh, 0, sizeof sh);
    sh.c = c;
    int inline_run = c->n_jobs == 1;
    sh.window = inline_run ? 1 : 8L * workers + 8;
    if (sh.window > c->n_jobs)
        sh.window = c->n_jobs;   /* no slot that no job will use */
    sh.batch = sh.window / 2;
    sh.wake_at = -1;
    sh.n_values = demob_model_n_values(m);
    size_t n_stocks = 0;
    for (int t = 0; t <= demob_model_steps(m); t++)
        n_stocks += (size_t)output_recorded(&c->plan, t, demob_model_steps(m));
    n_stocks *= (size_t)demob_model_n_origins(m) * (size_t)demob_model_n_states(m);
    output_labels *labels = output_labels_for_plan(m, &c->plan, err);
    if (!labels)
        return DEMOB_ERUN;
    sh.labels = labels;
    sh.slots = calloc((size_t)sh.window, sizeof *sh.slots);
    worker *ws = calloc((size_t)workers, sizeof *ws);
    int rc = 0;
    if (!sh.slots || !ws) {
        rc = demob_error_set(err, DEMOB_ERUN, "out of memory");
        goto done;
    }
    for (long k = 0; k < sh.window; k++) {
        sh.slots[k].job = -1;
        for (int f = 0; f < OUT_NFILES; f++)
            strbuf_init(&sh.slots[k].bufs[f]);
        sh.slots[k].desc.values = calloc((size_t)sh.n_values + 1, sizeof(double));
        sh.slots[k].desc.n_stocks = c->record_stocks ? n_stocks : 0;
        if (c->record_stocks)
            sh.slots[k].desc.stocks = calloc(n_stocks, sizeof(double));
        if (!sh.slots[k].desc.values || (c->record_stocks && !sh.slots[k].desc.stocks)) {
            rc = demob_error_set(err, DEMOB_ERUN, "out of memory");
            goto done;
        }
    }
    if (inline_run) {
        rc = run_single(&sh, jobs_done, err);
        goto done;
    }
    pthread_mutex_init(&sh.lock, NULL);
    pthread_cond_init(&sh.ready, NULL);
    pthread_cond_init(&sh.room, NULL);
    for (int i = 0; i < workers; i++) {
        ws[i].sh = &sh;
        if (pthread_create(&ws[i].thread, NULL, worker_main, &ws[i]) != 0) {
            pthread_mutex_lock(&sh.lock);
            sh.stop = 1;
            pthread_cond_broadcast(&sh.room);
            pthread_mutex_unlock(&sh.lock);
            rc = demob_error_set(err, DEMOB_ERUN, "cannot start worker thread %d", i + 1);
            break;
        }
        ws[i].started = 1;
    }

    double t0 = now_seconds(), last = 0;
    for (long j = 0; rc == 0 && j < c->n_jobs; j++) {
        slot *sl = &sh.slots[j % sh.window];
        pthread_mutex_lock(&sh.lock);
        for (;;) {
            if (sl->job == j && sl->done) {
                /* Marked under the same lock: an exiting worker's
                 * release_sims must not free a sim about to be read. */
                sl->consuming = sl->status == 0;
                break;
            }
            int setup_failed = 0;
            for (int i = 0; i < workers; i++)
                if (ws[i].status) {
                    setup_failed = 1;
                    if (!rc) {
                        rc = ws[i].status;
                        if (err)
                            *err = ws[i].err;
                    }
                }
            if (setup_failed)
                break;
            /* Stopped and this job will never come. */
            if (sh.stop && sh.next_job <= j)
                break;
            if (interrupted(c) && sh.next_job <= j)
                break;
            /* Sleep until a job a batch ahead is done, or j itself when
             * that one is done already (j lags behind it) or past the end. */
            long ahead = j + sh.batch < c->n_jobs ? j + sh.batch : c->n_jobs - 1;
            slot *as = &sh.slots[ahead % sh.window];
            sh.wake_at = as->job == ahead && as->done ? j : ahead;
            pthread_cond_broadcast(&sh.room);   /* no worker may wait for room while we sleep */
            pthread_cond_wait(&sh.ready, &sh.lock);
            sh.wake_at = -1;
        }
        pthread_mutex_unlock(&sh.lock);
        if (rc)
            break;
        if (!(sl->job == j && sl->done)) {
            rc = demob_error_set(err, DEMOB_ERUN, "interrupted");
            break;
        }
        if (sl->status) {
            rc = sl->status;
            if (err)
                *err = sl->err;
            break;
        }
        strbuf *const bufs[OUT_NFILES] = {planned(c, sl, 0), planned(c, sl, 1), planned(c, sl, 2),
                                          planned(c, sl, 3), planned(c, sl, 4)};
        rc = c->consume(c->consume_ud, j, &sl->desc, bufs, sl->sim, err);
        pthread_mutex_lock(&sh.lock);
        sl->consuming = 0;
        sl->consumed = 1;
        sl->job = -1;
        sh.written = j + 1;
        if (rc)
            sh.stop = 1;
        if (rc || (j + 1) % sh.batch == 0)
            pthread_cond_broadcast(&sh.room);
        pthread_mutex_unlock(&sh.lock);
        if (jobs_done)
            *jobs_done = j + 1;
        if (c->progress) {
            double t = now_seconds();
            if (t - last > 0.25) {
                show_progress(j + 1, c->n_jobs, t0, 0);
                last = t;
            }
        }
        if (rc == 0 && interrupted(c) && j + 1 < c->n_jobs) {
            rc = demob_error_set(err, DEMOB_ERUN, "interrupted");
            break;
        }
    }
    if (c->progress && rc == 0)
        show_progress(c->n_jobs, c->n_jobs, t0, 1);

    pthread_mutex_lock(&sh.lock);
    sh.stop = 1;
    pthread_cond_broadcast(&sh.room);
    pthread_cond_broadcast(&sh.ready);
    pthread_mutex_unlock(&sh.lock);
    for (int i = 0; i < workers; i++)
        if (ws[i].started)
            pthread_join(ws[i].thread, NULL);
    pthread_mutex_destroy(&sh.lock);
    pthread_cond_destroy(&sh.ready);
    pthread_cond_destroy(&sh.room);
done:
    if (sh.slots)
        for (long k = 0; k < sh.window; k++) {
            for (int f = 0; f < OUT_NFILES; f++)
                strbuf_free(&sh.slots[k].bufs[f]);
            free(sh.slots[k].desc.values);
            free(sh.slots[k].desc.stocks);
            demob_sim_free(sh.slots[k].sim);
        }
    free(sh.slots);
    free(ws);
    output_labels_free(labels);
    return rc;
}
