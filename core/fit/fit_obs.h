/* fit_obs.h - observations a fit compares the model with, and their
 * likelihood. A series is one observe { } declaration: a tidy CSV file of
 * rows (step or date, optional origin, count, optional sd), each row the
 * total over its origins of
 *   FIT_STOCK       the stocks of the series' states at the row's step;
 *   FIT_FLOW        the people moved along its flows since the previous
 *                   row of the same series and origin (t = 0 for the first);
 *   FIT_CUMULATIVE  the people moved along its flows since t = 0.
 * Each row's likelihood is Poisson, negative binomial (mean mu, size k:
 * variance mu + mu^2 / k; k a number or a param) or normal (sd given per
 * series or per row) or binomial (trials given per series or per row,
 * probability mu / trials).
 *
 * Ownership: fit_obs owns its series and rows (fit_obs_free). Errors name
 * the data file's path:line:column, or the observe declaration. */
#ifndef DEMOB_FIT_OBS_H
#define DEMOB_FIT_OBS_H
#include "demob.h"

typedef enum { FIT_STOCK, FIT_FLOW, FIT_CUMULATIVE } fit_obs_kind;
typedef enum { FIT_POISSON, FIT_NEGBIN, FIT_NORMAL, FIT_BINOMIAL } fit_lik_kind;

typedef struct fit_row {
    int step;
    int *origins;          /* the row's origins (all when n_origins == all) */
    int n_origins;
    char *origin;          /* as written ("" = all)                        */
    double count, sd;      /* sd: NAN unless the file has an sd column     */
    double trials;         /* NAN unless the file has a trials column      */
    double log_fact;       /* lgamma(count + 1), once                      */
    int prev;              /* previous row of the same origin, or -1       */
    long line;             /* in the data file                             */
} fit_row;

typedef struct fit_series {
    char *name, *file, *where;   /* where: "scenario.lua:12" of observe{} */
    char sha256[65];             /* of the data file                      */
    fit_obs_kind kind;
    int *targets;                /* states (STOCK) or flows               */
    int n_targets;
    int *origins;                /* for rows with an empty origin: these  */
    int n_origins;               /* (origins = {...}), or all when 0      */
    fit_lik_kind lik;
    demob_value dispersion;      /* NEGBIN: a param slot, or -1           */
    double dispersion_value;     /* NEGBIN: the number when slot is -1    */
    double sd;                   /* NORMAL: NAN = the file's sd column    */
    double trials;               /* BINOMIAL: NAN = the file's column     */
    fit_row *rows;
    int n_rows;
} fit_series;

typedef struct fit_obs {
    fit_series *series;
    int n_series, cap_series;
    int n_rows;                  /* over all series                       */
} fit_obs;

void fit_obs_init(fit_obs *o);
void fit_obs_free(fit_obs *o);

/* Adds a series and reads its file's bytes data[0..len-1] (path names it
 * in messages; name, where copied;
 * targets copied). The model need not be frozen: dates are turned into
 * steps with its calendar, origin cells resolved by name or tag; origins
 * (n_origins > 0) stand for an empty origin cell. Fails with
 * DEMOB_EINPUT naming path:line:column for an unknown origin or tag, a
 * date or step outside 0..steps, a count that is negative or not a number,
 * a missing column, an sd <= 0, a file with no rows. */
int fit_obs_add(fit_obs *o, const demob_model *m, const char *name, const char *where, const char *path,
                const char *data, size_t len, fit_obs_kind kind, const int *targets, int n_targets, const int *origins, int n_origins,
                fit_lik_kind lik, demob_value dispersion, double dispersion_value, double sd, double trials,
                demob_error *err);

/* Checks every row's step against the model's steps (after --steps).
 * Fails naming the series and row. */
int fit_obs_check_steps(const fit_obs *o, const demob_model *m, demob_error *err);

/* The rows by step, so that a run reads only the rows of the step it is
 * at: rows at step t are row[start[t] .. start[t + 1] - 1] (flat indices,
 * in series then row order), with their series and row numbers. */
typedef struct fit_obs_steps {
    int steps;
    int *start;                  /* [steps + 2]                           */
    int *flat, *series, *row;    /* [n_rows]                              */
} fit_obs_steps;
int fit_obs_steps_build(const fit_obs *o, int steps, fit_obs_steps *ix, demob_error *err);
void fit_obs_steps_free(fit_obs_steps *ix);

/* The model's value of every row (in series then row order) during one
 * run: call fit_obs_record at t = 0 and after every step; then
 * fit_obs_predictions turns the recorded raw values into predictions
 * (differences for FIT_FLOW). raw and pred have o->n_rows cells. */
void fit_obs_record(const fit_obs *o, const fit_obs_steps *ix, const demob_sim *sim, double *raw);
void fit_obs_predictions(const fit_obs *o, const double *raw, double *pred);

/* The log-likelihood of every row given the predictions (dispersion params
 * read from values, the run's n_values slots). -inf when a row is
 * impossible; *worst (may be NULL) gets the first such row's index. */
double fit_obs_loglik(const fit_obs *o, const double *pred, const double *values, int *worst);
/* The row's log-likelihood alone, and its 95% interval of observations
 * given the prediction (quantiles 0.025 and 0.975 of the row's
 * distribution). */
double fit_obs_row_loglik(const fit_series *s, const fit_row *r, double mu, const double *values);
void fit_obs_row_range(const fit_series *s, const fit_row *r, double mu, const double *values, double *lo,
                       double *hi);
/* The log-likelihood of the rows observed at step t given the raw values
 * (fit_obs_record) of each of n runs, run i's at raw + i * stride: lw[i],
 * a particle's weight. memo (may be NULL) keeps each row's log-likelihood
 * by prediction, for runs at the same values whose counts repeat (a
 * particle filter's particles): FIT_OBS_MEMO entries per row, memo[o->n_rows
 * * FIT_OBS_MEMO], valid for one step t and one set of values; clear the
 * rows of step t (fit_obs_memo_clear) before the first call. The results
 * are the same with and without it. The runs are looped over row by row. */
#define FIT_OBS_MEMO 64
typedef struct fit_obs_memo {
    double mu, l;                /* mu NaN: empty                         */
} fit_obs_memo;
void fit_obs_memo_clear(fit_obs_memo *memo, const fit_obs_steps *ix, int t);
void fit_obs_weights_at(const fit_obs *o, const fit_obs_steps *ix, int t, const double *raw, size_t stride,
                        int n, const double *values, fit_obs_memo *memo, double *lw);
/* Series and row of flat row index i. */
void fit_obs_locate(const fit_obs *o, int i, int *series, int *row);
#endif
