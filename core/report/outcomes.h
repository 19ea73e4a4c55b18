/* outcomes.h - the key outcomes of one output folder, for `demob report`:
 *   - final stocks by origin and state (mean over runs);
 *   - totals by state at the final step (mean, p5, p95 over runs);
 *   - steps until 50% and 90% of each origin's initial caseload has
 *     entered the return state: from flows.csv, the first step at which the people who
 *     entered the return state (if one is given) since t = 0 reach the
 *     share of the origin's total at t = 0; without flows.csv, the stocks
 *     of the return state and the next one in the file's order stand in
 *     for it (people who returned and moved on);
 *   - the peak occupancy of one state (if one is given) and its step;
 *   - total costs by category (costs.csv).
 * Stochastic outputs give every outcome as a distribution over runs.
 *
 * Each file is streamed once. Memory: per run, one number per outcome
 * (e.g. 10,000 runs x (9 states + 2 x 6 origins + 5) doubles = 2 MB); per
 * (point, run) block being read, one number per origin and step. Blocks
 * must be contiguous, as demob writes them. */
#ifndef DEMOB_OUTCOMES_H
#define DEMOB_OUTCOMES_H
#include <stddef.h>
#include "demob.h"

typedef struct ostat {
    long n;                 /* runs with a value (a milestone reached) */
    double mean, p5, p50, p95;   /* NaN when n == 0 */
} ostat;

typedef struct outcomes_options {
    const char *return_state;   /* NULL: no milestones */
    const char *peak_state;     /* NULL: no peak */
    long point;                 /* sweeps: one point; -1 pools them */
    int coarse;                 /* output saved every K > 1 steps: flows.csv
                                   misses steps, so milestones come from the
                                   stocks of populations.csv (approximate) */
} outcomes_options;

typedef struct outcomes {
    long n_runs;                /* (point, run) blocks read */
    long first_step, final_step;
    size_t n_dates;             /* dates[step] for 0 <= step < n_dates ("" none) */
    char **dates;
    size_t n_origins, n_states;
    char **origins, **states;   /* first-seen order */
    double *final_mean;         /* [o * n_states + s] */
    ostat *final_total;         /* per state, summed over origins */
    double *initial;            /* per origin, total at the first step (mean) */
    /* milestones: steps; n counts the runs that reached it */
    int has_milestones;
    const char *milestone_source;   /* "flows.csv" or "populations.csv" */
    ostat *m50, *m90;           /* per origin */
    /* peak */
    int has_peak;
    ostat peak, peak_step;
    /* costs */
    int has_costs;
    size_t n_categories;
    char **categories;
    ostat *cost;                /* per category, whole run */
    ostat cost_total;
    /* 1 when read from quantiles.csv and summary.csv (no populations.csv):
     * final stocks by origin are means, totals by state come from
     * summary.csv's final.<state> columns, and there are no milestones. */
    int from_quantiles;
} outcomes;

/* A growing list of per-run values; push gives -1 when out of memory. */
typedef struct outcomes_vec {
    double *v;
    size_t n, cap;
} outcomes_vec;
int outcomes_vec_push(outcomes_vec *a, double x);
/* mean, p5, p50, p95 of the values that are not NaN (sorts a). */
void outcomes_summarise(outcomes_vec *a, ostat *s);
/* Records the date of a step in out (the first one given wins). */
int outcomes_set_date(outcomes *out, long step, const char *date, demob_error *err);

/* Reads populations.csv (required, else quantiles.csv: see below),
 * flows.csv and costs.csv (optional) of dir. Bad input gives DEMOB_EINPUT. out is the caller's to free. */
int outcomes_load(const char *dir, const outcomes_options *o, outcomes *out, demob_error *err);
void outcomes_free(outcomes *out);

/* The same from a folder of the default file set, without populations.csv
 * (outcomes_quant.c): quantiles.csv's means give the stocks by origin
 * and state, summary.csv's columns final.<state>, peak.<state> and
 * cost.<category> per run give the distributions of the totals, the peak
 * and the costs; milestones need populations.csv or flows.csv and are
 * left out. outcomes_load calls it when populations.csv is absent. */
int outcomes_load_quantiles(const char *dir, const outcomes_options *o, outcomes *out, demob_error *err);

/* The date of a step ("" when unknown). */
const char *outcomes_date(const outcomes *out, long step);
long outcomes_origin(const outcomes *out, const char *name);
long outcomes_state(const outcomes *out, const char *name);

#endif
