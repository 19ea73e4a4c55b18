/* runner.h - running many jobs (runs of a scenario, or sweep points x
 * replicates) on worker threads, handing their output back in job order.
 *
 * Each job's random stream comes from (seed, run) only and its rows are
 * formatted in memory; the consumer sees job 0, 1, 2, ... in order, on the
 * calling thread, so files come out byte-identical for any number of
 * workers. Workers run at most `window` jobs ahead of the consumer, so
 * memory is bounded by the window, not by the number of jobs. When the
 * scenario has Lua hooks, each worker loads its own copy of the scenario
 * (its own lua_State); otherwise workers share the frozen model and never
 * enter Lua. A single job runs on the calling thread, with its scenario. */
#ifndef DEMOB_RUNNER_H
#define DEMOB_RUNNER_H
#include <signal.h>

#include "output.h"
#include "lua/scenario.h"
#include "util/strbuf.h"

typedef struct runner_job {
    long run;            /* 1-based run index: the random stream        */
    double *values;      /* n_values slots, prefilled with the defaults  */
    char prefix[256];    /* prefix cells for every row, e.g. "3," or ""  */
    double *stocks;      /* with record_stocks: the run's stocks at each
                          * recorded step (output_recorded), cell by cell
                          * (origin * states + state), as populations.csv
                          * lists them; NULL otherwise                   */
    size_t n_stocks;     /* their number                                 */
} runner_job;

typedef struct runner_config {
    scenario *main;                 /* loaded on the calling thread       */
    const scenario_options *sopt;   /* to load one per worker (hooks)     */
    int workers;                    /* >= 1                               */
    output_plan plan;
    int record_stocks;              /* fill runner_job.stocks (quantiles)  */
    long n_jobs;
    /* Describes job j (0-based). Called under the runner's lock. */
    int (*job)(void *ud, long j, runner_job *out, demob_error *err);
    void *job_ud;
    /* Takes job j's output, in job order, on the calling thread. bufs[f]
     * holds the rows of file f (NULL when not planned); summary is the
     * summary row. sim is the finished run (read-only). */
    int (*consume)(void *ud, long j, const runner_job *job, strbuf *const bufs[OUT_NFILES], const demob_sim *sim,
                   demob_error *err);
    void *consume_ud;
    const volatile sig_atomic_t *interrupted;   /* may be NULL */
    int progress;                   /* show progress on stderr            */
} runner_config;

/* Runs every job. Returns 0, or the error of the first failing job in job
 * order (DEMOB_EINPUT for a script error, DEMOB_ERUN otherwise); on
 * interruption DEMOB_ERUN with "interrupted" and *jobs_done set. */
int runner_run(const runner_config *c, long *jobs_done, demob_error *err);

/* Number of online processors, at least 1. */
int runner_default_workers(void);

#endif
