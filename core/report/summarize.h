/* summarize.h - `demob summarize`: the answer table of run and sweep
 * folders. For each folder (and each sweep point, or pooled), each chosen
 * state summed over a group of origins (an origin, a tag, or "A+B"; the
 * sum is made within each run before any statistic, so the range of
 * Sudan+Chad is a quantile of the sum) and each chosen outcome, at each
 * chosen step or date: n, mean, sd and the type-7 quantiles p5, p25, p50,
 * p75, p95 over the runs (util/stats.h).
 *
 * Sources: manifest.json (the scenario, its start, unit and steps, its
 * tags, what a range includes), populations.csv for states, outcomes.csv
 * for outcomes. Streaming: memory grows with runs x rows x dates only. */
#ifndef DEMOB_SUMMARIZE_H
#define DEMOB_SUMMARIZE_H
#include "demob.h"
#include "util/strbuf.h"

typedef struct report_summarize_opts {
    const char *const *dirs;
    int n_dirs;
    const char *const *at;        /* steps or dates, as given (--at)       */
    int n_at;
    const char *const *origins;   /* groups; NULL: "all"                    */
    int n_origins;
    const char *const *states;    /* states or outcomes                     */
    int n_states;
    int by_origin;                /* --by origin: a group's origins apart   */
    int pool;                     /* --pool: a sweep's points together      */
    int force;                    /* folders of different scenarios         */
    int wide;                     /* the CSV as date x quantity             */
} report_summarize_opts;

/* Prints the table into table and, when csv is not NULL, the CSV (long:
 * folder,point,step,date,origin,state,n,mean,sd,p5,p25,p50,p75,p95; wide:
 * step,date, then per quantity its p50, p5 and p95). DEMOB_EINPUT naming
 * the folder, file:line or option for bad input. */
int report_summarize(const report_summarize_opts *o, strbuf *table, strbuf *csv, demob_error *err);

/* A step number or a date ("YYYY-MM", "YYYY-MM-DD": the first step on or
 * after it) of the run in output folder dir, by its manifest's start, unit
 * and steps; DEMOB_EINPUT naming option when it is neither or lies outside
 * the run. */
int report_step_of_folder(const char *dir, const char *text, const char *option, int *t, demob_error *err);

#endif
