/* runner.c - jobs on worker threads, output handed back in job order (see
 * runner.h). One mutex guards the job counter and the slots; workers wait
 * on `room` when they are a window ahead, the consumer on `ready`.
 *
 * Wake-ups are batched: waking a sleeping thread costs several
 * microseconds, about a tenth of a bench-6x9 run. A waiting consumer asks
 * to be woken when a job `batch` places ahead is done (wake_at), not for
 * the one it needs, and then takes the whole batch without sleeping; it
 * wakes workers waiting for room every `batch` jobs and before it sleeps
 * itself. Errors, stops and exiting workers always wake it. While a
 * worker waits (for room, or for its turn to write through), the consumer
 * awaits the very next job instead, and a worker that starts to wait
 * wakes a consumer asleep for a job further on: that job may be held back
 * by the wait.
 *
 * Memory is bounded in bytes, not in runs (RUNNER_BUDGET): each worker owns
 * one sim, reused run after run; a run's rows are held in its slot until
 * they reach slot_limit bytes, then written through to the consumer
 * (write_part) as soon as the run is the next in job order, and a worker
 * waits for that turn rather than hold more; workers take no new job while
 * the finished runs waiting to be written hold half the budget; and the
 * buffers idle slots keep are freed beyond half the budget. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "outcome.h"
#include "runner.h"
#include "util/timer.h"

/* Jobs the workers may run ahead of the consumer: WINDOW_PER_WORKER per
 * worker plus WINDOW_EXTRA (enough to keep every worker busy while the
 * consumer writes a batch; memory grows with it). */
#define WINDOW_PER_WORKER 8
#define WINDOW_EXTRA 8
/* Seconds between progress lines. */
#define PROGRESS_SECONDS 0.25
/* A run checks the interrupt flag every this many steps (a power of 2). */
#define INTERRUPT_CHECK_STEPS 16
_Static_assert((INTERRUPT_CHECK_STEPS & (INTERRUPT_CHECK_STEPS - 1)) == 0, "a power of 2");
/* Most worker threads (runner_default_workers). */
#define MAX_WORKERS 256
/* Bytes a run's buffered rows may reach before they are written through,
 * at least and at most. */
#define SLOT_LIMIT_MIN ((size_t)256 << 10)
#define SLOT_LIMIT_MAX ((size_t)4 << 20)

typedef struct slot {
    long job;            /* the job in this slot, -1 when free       */
    int done;            /* finished (ok or failed)                  */
    int status;
    demob_error err;
    runner_job desc;
    strbuf bufs[OUT_NFILES];
    size_t held;         /* bytes of rows in bufs once done           */
} slot;

typedef struct worker {
    struct shared *sh;
    pthread_t thread;
    int started;
    int status;          /* set-up failure */
    demob_error err;
} worker;

typedef struct shared {
    const runner_config *c;
    const runner_hooks *h;
    output_labels *labels;
    pthread_mutex_t lock;
    pthread_cond_t ready, room;
    long n_jobs;         /* jobs to run: c->n_jobs, or fewer on stop_after */
    long next_job;       /* next job to hand out                     */
    long written;        /* jobs consumed                            */
    int stop;            /* an error or interruption: take no more   */
    long window;
    long batch;          /* jobs consumed or awaited per wake-up      */
    long wake_at;        /* the job the sleeping consumer awaits, -1  */
    slot *slots;         /* [window]                                 */
    size_t budget;       /* RUNNER_BUDGET                             */
    size_t slot_limit;   /* a running job's rows written through beyond */
    size_t held;         /* bytes in finished slots not yet consumed  */
    size_t kept;         /* buffer capacity idle slots keep           */
    int waiting;         /* workers waiting for room or for their turn */
    int threaded;        /* jobs run on worker threads                */
    int n_values;
    worker *ws;          /* [n_workers]                              */
    int n_workers;
    double t0, last_progress;
} shared;

int runner_default_workers(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > MAX_WORKERS ? MAX_WORKERS : (int)n;
}

static int interrupted(const runner_config *c)
{
    return c->interrupted && *c->interrupted;
}

static int interrupted_error(demob_error *err)
{
    return demob_error_set(err, DEMOB_EINTR, "interrupted");
}

/* ------------------------------------------------------------ one run */

/* Deterministic stocks are doubles with no upper bound: stocks, arrivals
 * or costs near 1e308 overflow to inf, and inf - inf to NaN, which would
 * be written as "inf" / "nan" (and no reader takes those back). Refuse
 * such a run instead, naming the step. Stochastic counts are bounded by
 * 2^62 already, but their costs are not. */
static int check_finite(const runner_hooks *h, const demob_sim *sim, const runner_job *job, demob_error *err)
{
    double total = demob_sim_total(sim), cost = demob_sim_cost_total(sim);
    if (isfinite(total) && isfinite(cost))
        return 0;
    return demob_error_set(err, DEMOB_EINPUT,
                           "%s: run %ld, step %d: numbers too large: the %s is %g (stocks, arrivals or costs "
                           "add up beyond 1.8e308, the largest number a double holds)",
                           h->label ? h->label : "scenario", job->run, demob_sim_time(sim),
                           isfinite(total) ? "total cost" : "total population", isfinite(total) ? cost : total);
}

/* Whether record_stocks keeps step t: every record_every steps, or as the
 * plan records the time series. */
static int record_at(const runner_config *c, int t, int steps)
{
    output_plan p = c->plan;
    if (c->record_every > 0)
        p.every = c->record_every;
    return output_recorded(&p, t, steps);
}

/* Copies the stocks of every cell to out, then the plan's outcomes;
 * returns the end of the copy. */
static double *keep_stocks(const demob_sim *sim, const output_plan *p, double *out)
{
    const demob_model *m = demob_sim_model(sim);
    int n_o = demob_model_n_origins(m), n_s = demob_model_n_states(m);
    for (int o = 0; o < n_o; o++)
        for (int st = 0; st < n_s; st++)
            *out++ = demob_sim_stock(sim, o, st);
    for (int k = 0; p->outcomes && k < p->outcomes->n; k++)
        *out++ = output_outcome_value(&p->outcomes->v[k], sim);
    return out;
}

static size_t slot_bytes(const slot *sl)
{
    size_t n = 0;
    for (int f = 0; f < OUT_NFILES; f++)
        n += sl->bufs[f].len;
    return n;
}

static size_t slot_capacity(const slot *sl)
{
    size_t n = 0;
    for (int f = 0; f < OUT_NFILES; f++)
        n += sl->bufs[f].cap;
    return n;
}

/* A worker's wait on `room` (lock held). */
static void wait_for_room(shared *sh)
{
    sh->waiting++;
    if (sh->wake_at > sh->written)   /* the consumer sleeps for a later job */
        pthread_cond_broadcast(&sh->ready);
    pthread_cond_wait(&sh->room, &sh->lock);
    sh->waiting--;
}

/* Writes the rows job j holds so far through to the consumer and empties
 * its buffers (no lock held). With workers, waits until j is the next job
 * in order: every job before it is consumed, and the consumer, awaiting j,
 * touches no file until j is done. */
static int write_through(shared *sh, slot *sl, long j, strbuf *bufs[OUT_NFILES], demob_error *err)
{
    const runner_config *c = sh->c;
    if (sh->threaded) {
        pthread_mutex_lock(&sh->lock);
        while (!sh->stop && sh->written != j)
            wait_for_room(sh);
        int stopped = sh->stop;
        pthread_mutex_unlock(&sh->lock);
        if (stopped)
            return interrupted_error(err);
    }
    for (int f = 0; f < OUT_NFILES; f++)
        if (sl->bufs[f].failed)
            return demob_error_set(err, DEMOB_ERUN, "out of memory formatting run %ld", sl->desc.run);
    int rc = c->write_part(c->consume_ud, j, &sl->desc, bufs, err);
    for (int f = 0; f < OUT_NFILES; f++)
        strbuf_clear(&sl->bufs[f]);
    return rc;
}

/* Runs job j into its slot (no lock held), with context ctx. */
static int run_job(shared *sh, void *ctx, demob_sim *sim, slot *sl, long j, demob_error *err)
{
    const runner_config *c = sh->c;
    const runner_hooks *h = sh->h;
    strbuf *bufs[OUT_NFILES];
    int series = 0;   /* some file has rows per step */
    for (int f = 0; f < OUT_NFILES; f++) {
        strbuf_clear(&sl->bufs[f]);
        bufs[f] = c->plan.want[f] ? &sl->bufs[f] : NULL;
        series |= f != OUT_SUMMARY && bufs[f];
    }
    int rc = h->fresh ? h->fresh(ctx, err) : 0;
    if (rc == 0)
        rc = demob_sim_reset(sim, sl->desc.run, sl->desc.values, err);
    if (rc)
        return rc;
    if (h->attach)
        h->attach(ctx, sim);
    const demob_model *m = demob_sim_model(sim);
    int steps = demob_model_steps(m);
    int deterministic = demob_model_mode(m) == DEMOB_DETERMINISTIC;
    if ((rc = check_finite(h, sim, &sl->desc, err)))
        return rc;
    double *stocks = sl->desc.stocks;
    int stream = series && c->write_part;
    if (series)
        output_record(sh->labels, &c->plan, sim, sl->desc.prefix, bufs);
    if (stocks)
        stocks = keep_stocks(sim, &c->plan, stocks);
    for (int t = 1; t <= steps; t++) {
        if ((rc = demob_sim_step(sim, err)))
            return rc;
        /* Every step in deterministic mode (one run: cheap); stochastic
         * counts cannot overflow, their costs are checked at the end. */
        if (deterministic && (rc = check_finite(h, sim, &sl->desc, err)))
            return rc;
        if (series)
            output_record(sh->labels, &c->plan, sim, sl->desc.prefix, bufs);
        if (stream && slot_bytes(sl) > sh->slot_limit && (rc = write_through(sh, sl, j, bufs, err)))
            return rc;
        if (stocks && record_at(c, t, steps))
            stocks = keep_stocks(sim, &c->plan, stocks);
        if ((t & (INTERRUPT_CHECK_STEPS - 1)) == 0 && interrupted(c))
            return interrupted_error(err);
    }
    if (!deterministic && (rc = check_finite(h, sim, &sl->desc, err)))
        return rc;
    if (h->finish && (rc = h->finish(ctx, sim, err)))
        return rc;
    if (bufs[OUT_SUMMARY])
        output_summary(sh->labels, sim, sl->desc.prefix, sl->desc.values, bufs[OUT_SUMMARY]);
    for (int f = 0; f < OUT_NFILES; f++)
        if (sl->bufs[f].failed)
            return demob_error_set(err, DEMOB_ERUN, "out of memory formatting run %ld", sl->desc.run);
    return 0;
}

/* Fills slot sl for job j: the model's values, then the job callback's. */
static int describe_job(shared *sh, const demob_model *model, slot *sl, long j, demob_error *err)
{
    const runner_config *c = sh->c;
    sl->job = j;
    sl->done = 0;
    sl->held = 0;
    for (int v = 0; v < sh->n_values; v++)
        sl->desc.values[v] = demob_model_value_default(model, v);
    sl->desc.prefix[0] = '\0';
    sl->desc.run = j + 1;
    return c->job ? c->job(c->job_ud, j, &sl->desc, err) : 0;
}

static void show_progress(shared *sh, long done, int final)
{
    long total = sh->c->n_jobs;
    double el = timer_now() - sh->t0;
    double rate = el > 0 ? (double)done / el : 0;
    double eta = rate > 0 ? (double)(total - done) / rate : 0;
    fprintf(stderr, "\r%ld/%ld runs  %.0f runs/s  %s %.0fs   %s", done, total, rate, final ? "took" : "ETA",
            final ? el : eta, final ? "\n" : "");
    fflush(stderr);
}

/* A progress line every PROGRESS_SECONDS at most. */
static void tick_progress(shared *sh, long done)
{
    double t = timer_now();
    if (t - sh->last_progress > PROGRESS_SECONDS) {
        show_progress(sh, done, 0);
        sh->last_progress = t;
    }
}

static strbuf *planned(const runner_config *c, slot *sl, int f)
{
    return c->plan.want[f] ? &sl->bufs[f] : NULL;
}

/* Hands a finished job to the consumer callback. */
static int consume(shared *sh, long j, slot *sl, demob_error *err)
{
    const runner_config *c = sh->c;
    strbuf *const bufs[OUT_NFILES] = {planned(c, sl, 0), planned(c, sl, 1), planned(c, sl, 2), planned(c, sl, 3),
                                      planned(c, sl, 4), planned(c, sl, 5)};
    return c->consume(c->consume_ud, j, &sl->desc, bufs, err);
}

/* ---------------------------------------------------------- workers */

/* A worker that could not open its context stops everything. */
static void worker_failed(worker *w, const demob_error *err)
{
    shared *sh = w->sh;
    pthread_mutex_lock(&sh->lock);
    w->status = err->status ? err->status : DEMOB_ERUN;
    w->err = *err;
    sh->stop = 1;
    pthread_cond_broadcast(&sh->ready);
    pthread_mutex_unlock(&sh->lock);
}

/* Takes the next job (lock held), waiting for room in the window; NULL
 * when there is none to take. */
static slot *take_job(shared *sh, long *j)
{
    /* The next job in order is always taken: the consumer may be awaiting it. */
    while (!sh->stop && sh->next_job < sh->n_jobs &&
           (sh->next_job >= sh->written + sh->window || (sh->held > sh->budget / 2 && sh->next_job > sh->written)))
        wait_for_room(sh);
    if (sh->stop || sh->next_job >= sh->n_jobs || interrupted(sh->c))
        return NULL;
    *j = sh->next_job++;
    /* Job j - window was consumed, so its slot is ours. */
    slot *sl = &sh->slots[*j % sh->window];
    sh->kept -= slot_capacity(sl);
    return sl;
}

/* Runs jobs with context ctx (runs built on model, in the worker's own
 * sim) until none is left or one fails. */
static void work(shared *sh, void *ctx, const demob_model *model)
{
    demob_error err = {0};
    demob_sim *sim = NULL;
    for (;;) {
        long j;
        pthread_mutex_lock(&sh->lock);
        slot *sl = take_job(sh, &j);
        if (!sl) {
            pthread_mutex_unlock(&sh->lock);
            break;
        }
        int rc = describe_job(sh, model, sl, j, &err);
        pthread_mutex_unlock(&sh->lock);

        if (rc == 0 && !sim && !(sim = demob_sim_new(model, &err)))
            rc = err.status ? err.status : DEMOB_ERUN;
        if (rc == 0)
            rc = run_job(sh, ctx, sim, sl, j, &err);

        pthread_mutex_lock(&sh->lock);
        sl->status = rc;
        sl->err = err;
        sl->done = 1;
        sl->held = slot_bytes(sl);
        sh->held += sl->held;
        if (rc)
            sh->stop = 1;
        if (rc || sh->wake_at == j)
            pthread_cond_broadcast(&sh->ready);
        pthread_mutex_unlock(&sh->lock);
        if (rc)
            break;
    }
    demob_sim_free(sim);
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    shared *sh = w->sh;
    const runner_hooks *h = sh->h;
    void *ctx = h->main_ctx;
    const demob_model *model = h->model;
    if (h->per_worker) {
        demob_error err = {0};
        if (!(ctx = h->open_worker(h->ud, &err))) {
            worker_failed(w, &err);
            return NULL;
        }
        model = h->model_of(ctx);
    }
    work(sh, ctx, model);
    /* The consumer may be awaiting a job this worker will not run. */
    pthread_mutex_lock(&sh->lock);
    pthread_cond_broadcast(&sh->ready);
    pthread_mutex_unlock(&sh->lock);
    if (h->per_worker)
        h->close_worker(ctx);
    return NULL;
}

/* ------------------------------------------------------- the steps */

/* The window, labels and slots (each with its values, buffers and stock
 * record). */
static int setup_slots(shared *sh, const runner_config *c, demob_error *err)
{
    const demob_model *m = c->hooks.model;
    memset(sh, 0, sizeof *sh);
    sh->c = c;
    sh->h = &c->hooks;
    sh->n_jobs = c->stop_after > 0 && c->stop_after < c->n_jobs ? c->stop_after : c->n_jobs;
    sh->n_workers = c->workers < 1 ? 1 : c->workers;
    if (sh->n_workers > sh->n_jobs)
        sh->n_workers = (int)sh->n_jobs;
    /* One job runs on the calling thread (run_single), in one slot. */
    sh->window = c->n_jobs == 1 ? 1 : (long)WINDOW_PER_WORKER * sh->n_workers + WINDOW_EXTRA;
    if (sh->window > sh->n_jobs)
        sh->window = sh->n_jobs;   /* no slot that no job will use */
    sh->batch = sh->window / 2;
    if (sh->batch < 1)
        sh->batch = 1;             /* a stop request may leave one job */
    sh->wake_at = -1;
    sh->n_values = demob_model_n_values(m);
    size_t n_stocks = 0;
    for (int t = 0; t <= demob_model_steps(m); t++)
        n_stocks += (size_t)record_at(c, t, demob_model_steps(m));
    n_stocks *= (size_t)demob_model_n_origins(m) * (size_t)demob_model_n_states(m) +
                (size_t)(c->plan.outcomes ? c->plan.outcomes->n : 0);
    /* The window in bytes: the stocks each slot records count whole. */
    sh->budget = RUNNER_BUDGET;
    size_t stock_bytes = c->record_stocks ? n_stocks * sizeof(double) : 0;
    if (stock_bytes && sh->window > 1) {
        long fit = (long)(sh->budget / 2 / stock_bytes);
        long least = sh->n_workers + 1 < sh->n_jobs ? sh->n_workers + 1 : sh->n_jobs;
        if (sh->window > fit)
            sh->window = fit > least ? fit : least;
        sh->batch = sh->window / 2 > 0 ? sh->window / 2 : 1;
    }
    sh->slot_limit = sh->budget / 4 / (size_t)(sh->n_workers + 1);
    if (sh->slot_limit < SLOT_LIMIT_MIN)
        sh->slot_limit = SLOT_LIMIT_MIN;
    if (sh->slot_limit > SLOT_LIMIT_MAX)
        sh->slot_limit = SLOT_LIMIT_MAX;
    if (!(sh->labels = output_labels_for_plan(m, &c->plan, err)))
        return DEMOB_ERUN;
    sh->slots = calloc((size_t)sh->window, sizeof *sh->slots);
    sh->ws = calloc((size_t)sh->n_workers, sizeof *sh->ws);
    if (!sh->slots || !sh->ws)
        return demob_error_set(err, DEMOB_ERUN, "out of memory");
    for (long k = 0; k < sh->window; k++) {
        slot *sl = &sh->slots[k];
        sl->job = -1;
        for (int f = 0; f < OUT_NFILES; f++)
            strbuf_init(&sl->bufs[f]);
        sl->desc.values = calloc((size_t)sh->n_values + 1, sizeof(double));
        sl->desc.n_stocks = c->record_stocks ? n_stocks : 0;
        if (c->record_stocks)
            sl->desc.stocks = calloc(n_stocks, sizeof(double));
        if (!sl->desc.values || (c->record_stocks && !sl->desc.stocks))
            return demob_error_set(err, DEMOB_ERUN, "out of memory");
    }
    return 0;
}

static void free_slots(shared *sh)
{
    if (sh->slots)
        for (long k = 0; k < sh->window; k++) {
            for (int f = 0; f < OUT_NFILES; f++)
                strbuf_free(&sh->slots[k].bufs[f]);
            free(sh->slots[k].desc.values);
            free(sh->slots[k].desc.stocks);
        }
    free(sh->slots);
    free(sh->ws);
    output_labels_free(sh->labels);
}

/* A single job (a deterministic run, say) runs on the calling thread, in
 * slot 0, with the calling thread's context: no thread to start, no
 * second load of a hooked script, for what is mostly start-up. With more
 * jobs a worker thread pays for itself even alone: it computes the next
 * runs while the calling thread writes (populations.csv from one worker
 * takes 1.5x as long without it). */
static int run_single(shared *sh, long *jobs_done, demob_error *err)
{
    const runner_config *c = sh->c;
    const demob_model *model = sh->h->model;
    slot *sl = &sh->slots[0];
    sh->t0 = timer_now();
    demob_sim *sim = NULL;
    int rc = describe_job(sh, model, sl, 0, err);
    if (rc == 0 && !(sim = demob_sim_new(model, err)))
        rc = err->status ? err->status : DEMOB_ERUN;
    if (rc == 0)
        rc = run_job(sh, sh->h->main_ctx, sim, sl, 0, err);
    demob_sim_free(sim);
    if (rc == 0)
        rc = consume(sh, 0, sl, err);
    if (rc == 0 && jobs_done)
        *jobs_done = 1;
    if (rc == 0 && c->progress)
        show_progress(sh, 1, 1);
    return rc;
}

/* Stops the workers (and wakes every sleeper) when a start fails or the
 * consumer is done. */
static void stop_workers(shared *sh)
{
    pthread_mutex_lock(&sh->lock);
    sh->stop = 1;
    pthread_cond_broadcast(&sh->room);
    pthread_cond_broadcast(&sh->ready);
    pthread_mutex_unlock(&sh->lock);
}

static int start_workers(shared *sh, demob_error *err)
{
    pthread_mutex_init(&sh->lock, NULL);
    pthread_cond_init(&sh->ready, NULL);
    pthread_cond_init(&sh->room, NULL);
    for (int i = 0; i < sh->n_workers; i++) {
        sh->ws[i].sh = sh;
        if (pthread_create(&sh->ws[i].thread, NULL, worker_main, &sh->ws[i]) != 0) {
            stop_workers(sh);
            return demob_error_set(err, DEMOB_ERUN, "cannot start worker thread %d", i + 1);
        }
        sh->ws[i].started = 1;
    }
    return 0;
}

static void join_workers(shared *sh)
{
    stop_workers(sh);
    for (int i = 0; i < sh->n_workers; i++)
        if (sh->ws[i].started)
            pthread_join(sh->ws[i].thread, NULL);
    pthread_mutex_destroy(&sh->lock);
    pthread_cond_destroy(&sh->ready);
    pthread_cond_destroy(&sh->room);
}

/* The first worker that failed to open its context (lock held): its
 * status and error, or 0. */
static int setup_failure(shared *sh, demob_error *err)
{
    for (int i = 0; i < sh->n_workers; i++)
        if (sh->ws[i].status) {
            if (err)
                *err = sh->ws[i].err;
            return sh->ws[i].status;
        }
    return 0;
}

/* Waits (lock held) until job j in slot sl is done; returns 0 then, or
 * the status to stop with when a worker failed to set up or j will never
 * come (the run was stopped or interrupted before it was handed out). */
static int await_job(shared *sh, long j, slot *sl, demob_error *err)
{
    for (;;) {
        if (sl->job == j && sl->done)
            return 0;
        int rc = setup_failure(sh, err);
        if (rc)
            return rc;
        if ((sh->stop || interrupted(sh->c)) && sh->next_job <= j)
            return interrupted_error(err);
        /* Sleep until a job a batch ahead is done, or j itself when
         * that one is done already (j lags behind it) or past the end. */
        long ahead = sh->waiting ? j : j + sh->batch < sh->n_jobs ? j + sh->batch : sh->n_jobs - 1;
        slot *as = &sh->slots[ahead % sh->window];
        sh->wake_at = as->job == ahead && as->done ? j : ahead;
        pthread_cond_broadcast(&sh->room);   /* no worker may wait for room while we sleep */
        pthread_cond_wait(&sh->ready, &sh->lock);
        sh->wake_at = -1;
    }
}

/* Gives slot sl back to the workers once job j is consumed. */
static void release_slot(shared *sh, long j, slot *sl, int failed)
{
    pthread_mutex_lock(&sh->lock);
    sl->job = -1;
    sh->written = j + 1;
    sh->held -= sl->held;
    sl->held = 0;
    /* Idle slots keep their buffers (no allocation per run) up to half the
     * budget; a run's big buffers go. */
    size_t cap = slot_capacity(sl);
    if (sh->kept + cap > sh->budget / 2) {
        for (int f = 0; f < OUT_NFILES; f++) {
            strbuf_free(&sl->bufs[f]);
            strbuf_init(&sl->bufs[f]);
        }
        cap = 0;
    }
    sh->kept += cap;
    if (failed)
        sh->stop = 1;
    if (failed || sh->waiting || (j + 1) % sh->batch == 0)
        pthread_cond_broadcast(&sh->room);
    pthread_mutex_unlock(&sh->lock);
}

/* The calling thread's part: every job in order, to the consumer. */
static int consume_in_order(shared *sh, long *jobs_done, demob_error *err)
{
    const runner_config *c = sh->c;
    int rc = 0;
    sh->t0 = timer_now();
    for (long j = 0; j < sh->n_jobs; j++) {
        slot *sl = &sh->slots[j % sh->window];
        pthread_mutex_lock(&sh->lock);
        rc = await_job(sh, j, sl, err);
        pthread_mutex_unlock(&sh->lock);
        if (rc)
            break;
        if (sl->status) {
            rc = sl->status;
            if (err)
                *err = sl->err;
            break;
        }
        rc = consume(sh, j, sl, err);
        release_slot(sh, j, sl, rc != 0);
        if (jobs_done)
            *jobs_done = j + 1;
        if (c->progress)
            tick_progress(sh, j + 1);
        if (rc)
            break;
        if (interrupted(c) && j + 1 < c->n_jobs)
            return interrupted_error(err);
    }
    /* A stop request leaves the rest undone. */
    if (rc == 0 && sh->n_jobs < c->n_jobs)
        return interrupted_error(err);
    if (rc == 0 && c->progress)
        show_progress(sh, c->n_jobs, 1);
    return rc;
}

int runner_run(const runner_config *c, long *jobs_done, demob_error *err)
{
    if (jobs_done)
        *jobs_done = 0;
    if (c->n_jobs <= 0)
        return 0;
    shared sh;
    int rc = setup_slots(&sh, c, err);
    if (rc == 0 && c->n_jobs == 1) {
        rc = run_single(&sh, jobs_done, err);
    } else if (rc == 0) {
        sh.threaded = 1;
        rc = start_workers(&sh, err);
        if (rc == 0)
            rc = consume_in_order(&sh, jobs_done, err);
        join_workers(&sh);
    }
    free_slots(&sh);
    return rc;
}
