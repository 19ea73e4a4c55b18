/* sweep_draw.h - `demob run --uncertainty parameters`: each run draws the
 * params that have a prior (param { ..., min =, max = [, dist = ...] }:
 * the declared distribution, uniform on [min, max] when none is named)
 * from its own stream: (seed, run) with the top bit of the stream set, so
 * that it never meets a run's simulation stream and the draws do not
 * depend on -j. A param that gives a caseload (an initial stock) is
 * rounded to whole people in stochastic mode, as the engine uses it, so
 * summary.csv records the value used.
 *
 * prior[v] (n_values entries) is param v's distribution or NULL (not
 * drawn); the caller gets them from the scenario (scenario_param_prior). */
#ifndef DEMOB_SWEEP_DRAW_H
#define DEMOB_SWEEP_DRAW_H
#include "demob.h"
#include "sweep_design.h"
#include "util/strbuf.h"

/* How many params are drawn. */
int sweep_draw_count(const demob_model *m, const sweep_dist *const *prior);
/* Overwrites the drawn params of values (n_values slots) for run `run`. */
void sweep_draw_params(const demob_model *m, const sweep_dist *const *prior, long run, double *values);
/* "sudan (triangular), chad (uniform), ..." of the drawn params into b, or
 * "sudan, chad (all uniform on their declared [min, max])". */
void sweep_draw_names(const demob_model *m, const sweep_dist *const *prior, strbuf *b);

#endif
