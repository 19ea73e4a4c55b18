/* fit_data.h - reads the folder `demob fit` writes (fitted.csv,
 * estimates.csv, posterior.csv, manifest.json) for `demob plot` and
 * `demob report`. Every cell is checked; errors name path:line[:column]. */
#ifndef DEMOB_FIT_DATA_H
#define DEMOB_FIT_DATA_H
#include <stddef.h>
#include "demob.h"
#include "util/json_flat.h"

/* One row of fitted.csv. */
typedef struct report_fit_obs {
    char *series, *origin, *date;
    long step;
    double observed, predicted, lo, hi;   /* NaN: empty cell */
} report_fit_obs;

/* One row of estimates.csv (NaN: empty cell). */
typedef struct report_fit_est {
    char *param;
    double estimate, sd, q025, q50, q975, rhat, ess;
} report_fit_est;

typedef struct report_fit {
    char label[256];            /* the manifest's scenario, else the folder's name */
    char method[16];            /* "mle", "mcmc", "pmcmc" (the manifest's), or "" */
    jflat manifest;
    report_fit_obs *obs;
    size_t n_obs;
    report_fit_est *est;
    size_t n_est;
    /* posterior.csv (mcmc, pmcmc; n_draws = 0 without it): draw d of
     * param p is draws[d * n_est + p], in the file's order. */
    long *chain, *iteration;
    double *draws;
    size_t n_draws;
    long n_chains;
} report_fit;

/* 1 when dir is the output of demob fit (it holds fitted.csv or
 * estimates.csv, or its manifest's command is "fit"), else 0. */
int report_fit_is_fit(const char *dir);

/* Loads the folder. DEMOB_EINPUT with err naming the file (and line) when
 * a file is missing or bad. f is freed with report_fit_free, also on
 * failure. */
int report_fit_load(const char *dir, report_fit *f, demob_error *err);
void report_fit_free(report_fit *f);

/* 1 when estimate e misses mcmc's targets (R-hat > 1.01 or ESS < 400). */
int report_fit_warned(const report_fit_est *e);

#endif
