/* sweep_draw.h - `demob run --uncertainty parameters`: each run draws the
 * params that declare a range (param { "x", 5, min = 1, max = 9 }),
 * uniformly over [min, max], from its own stream: (seed, run) with the
 * top bit of the stream set, so that it never meets a run's simulation
 * stream and the draws do not depend on -j. A param that gives a
 * caseload (an initial stock) is rounded to whole people in stochastic
 * mode, as the engine uses it, so summary.csv records the value used. */
#ifndef DEMOB_SWEEP_DRAW_H
#define DEMOB_SWEEP_DRAW_H
#include "demob.h"
#include "util/strbuf.h"

/* 1 when param v is drawn (a named param with min < max). */
int sweep_draw_applies(const demob_model *m, demob_value v);
/* How many params are drawn. */
int sweep_draw_count(const demob_model *m);
/* Overwrites the drawn params of values (n_values slots) for run `run`. */
void sweep_draw_params(const demob_model *m, long run, double *values);
/* "sudan, chad, ..." of the drawn params into b. */
void sweep_draw_names(const demob_model *m, strbuf *b);

#endif
