/* runner.h - running many jobs (runs of a scenario, or sweep points x
 * replicates) on worker threads, handing their output back in job order.
 *
 * Each job's random stream comes from (seed, run) only and its rows are
 * formatted in memory; the consumer sees job 0, 1, 2, ... in order, on the
 * calling thread, so files come out byte-identical for any number of
 * workers. Workers run at most a window of jobs ahead of the consumer, and
 * the window is bounded in bytes (RUNNER_BUDGET): a job whose rows outgrow
 * its share is written through (write_part) when its turn comes, so memory
 * depends neither on the number of jobs nor on the size of one job's
 * output. Each worker reuses one sim for all its jobs.
 *
 * The runner knows nothing of scripts: whoever loaded the model passes
 * runner_hooks. When they ask for a context per worker (a scenario with
 * Lua hooks gets its own lua_State in each thread: scenario_runner_hooks
 * in core/lua/), each worker opens its own; otherwise workers share the
 * frozen model and the calling thread's context. A single job runs on the
 * calling thread, with the calling thread's context. */
#ifndef DEMOB_RUNNER_H
#define DEMOB_RUNNER_H
#include <signal.h>

#include "demob.h"
#include "output.h"
#include "util/strbuf.h"

/* Bytes of formatted rows (and recorded stocks) held in memory at once,
 * about: finished jobs awaiting the consumer up to half of it, running
 * jobs the rest. */
#define RUNNER_BUDGET ((size_t)32 << 20)

/* Bytes of a job's prefix cells, with the terminating NUL. */
#define RUNNER_PREFIX_SIZE 256

typedef struct runner_job {
    long run;            /* 1-based run index: the random stream        */
    double *values;      /* n_values slots, prefilled with the defaults  */
    char prefix[RUNNER_PREFIX_SIZE]; /* prefix cells for every row, e.g. "3," or "" */
    double *stocks;      /* with record_stocks: the run's stocks at each
                          * recorded step (output_recorded; every
                          * record_every steps when set), cell by cell
                          * (origin * states + state), as populations.csv
                          * lists them, each step's cells followed by the
                          * plan's outcomes (output_plan.outcomes); NULL
                          * otherwise                                    */
    size_t n_stocks;     /* their number                                 */
} runner_job;

/* What runs around each run, and where. A context is whatever the caller
 * needs per thread (a loaded scenario, say); the runner only passes it
 * back. Every callback may be NULL except open_worker, model_of and
 * close_worker when per_worker is set. */
typedef struct runner_hooks {
    const demob_model *model;  /* frozen; the calling thread's            */
    const char *label;         /* names the model in messages (a path)    */
    void *main_ctx;            /* the calling thread's context: used for a
                                * single job, and by every worker unless
                                * per_worker (then it must be safe to share) */
    int per_worker;            /* each worker thread opens its own context */
    void *ud;                  /* for open_worker                         */
    /* Called on the worker's thread before its first job; returns NULL
     * with err filled in when it cannot. */
    void *(*open_worker)(void *ud, demob_error *err);
    /* The model a context's runs are built on (as declared by that
     * context: equal to `model`, or open_worker should have failed). */
    const demob_model *(*model_of)(void *ctx);
    void (*close_worker)(void *ctx);
    /* Before each run, on the thread that runs it: makes ctx as freshly
     * opened, so that nothing a run leaves in a context (a script's
     * variables) reaches another run, whatever the worker or the order:
     * the runner's isolation guarantee. Non-zero stops everything. */
    int (*fresh)(void *ctx, demob_error *err);
    /* After a run is reset, before its first step. */
    void (*attach)(void *ctx, demob_sim *sim);
    /* After a run's last step; non-zero stops everything with err. */
    int (*finish)(void *ctx, demob_sim *sim, demob_error *err);
} runner_hooks;

typedef struct runner_config {
    runner_hooks hooks;
    int workers;                    /* >= 1                               */
    output_plan plan;
    int record_stocks;              /* fill runner_job.stocks (quantiles)  */
    int record_every;               /* > 0: record those stocks every this
                                     * many steps, not at plan.every's     */
    long n_jobs;
    /* Describes job j (0-based). Called under the runner's lock. */
    int (*job)(void *ud, long j, runner_job *out, demob_error *err);
    void *job_ud;
    /* Takes job j's output, in job order, on the calling thread. bufs[f]
     * holds the rows of file f (NULL when not planned); summary is the
     * summary row. */
    int (*consume)(void *ud, long j, const runner_job *job, strbuf *const bufs[OUT_NFILES], demob_error *err);
    /* May be NULL (then a job's rows are all held until consume). Takes
     * the first rows of job j's time series, before consume gets the rest:
     * called for a job whose rows outgrow its share of RUNNER_BUDGET, on
     * the job's worker thread, once every job before j is consumed and
     * while the calling thread waits for j (so never at the same time as
     * consume). Its rows must simply be appended. */
    int (*write_part)(void *ud, long j, const runner_job *job, strbuf *const bufs[OUT_NFILES], demob_error *err);
    void *consume_ud;                /* for consume and write_part          */
    /* A signal handler's flag: stop as soon as it is set. May be NULL. */
    const volatile sig_atomic_t *interrupted;
    /* > 0: a stop request: run and consume only the first stop_after jobs
     * and stop as if interrupted (when that leaves jobs undone). */
    long stop_after;
    int progress;                   /* show progress on stderr            */
} runner_config;

/* Runs every job. Returns 0, or the error of the first failing job in job
 * order (DEMOB_EINPUT for a script error, DEMOB_ERUN otherwise); when
 * interrupted or stopped early DEMOB_EINTR ("interrupted"), with
 * *jobs_done the jobs consumed. */
int runner_run(const runner_config *c, long *jobs_done, demob_error *err);

/* Number of online processors, at least 1. */
int runner_default_workers(void);

#endif
