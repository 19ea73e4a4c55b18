/* lean_step.h - many runs of one plain stochastic model stepped with a few
 * integers each: what a particle filter needs when the model has no hooks,
 * expressions, events, arrivals, cohorts or constraints and every flow is
 * open for the whole run. A run is then its stocks and cumulative flows
 * (lean_width integers) and its random stream, and a step is the draws of
 * demob_sim_step alone: the same draws from the same stream in the same
 * order, so a lean run gives exactly the numbers of a demob_sim run. The
 * plan holds the cells' draw constants, copied from a sim reset at the
 * run's values (they do not change during such a run). The cumulative
 * movers are kept as doubles (in their integers' 8 bytes), as demob_sim
 * keeps them: above 2^53 a double sum rounds at every step, and a cycle of
 * flows can move more than 2^63 people in all. */
#ifndef DEMOB_LEAN_STEP_H
#define DEMOB_LEAN_STEP_H
#include <stdint.h>
#include <string.h>
#include "demob.h"
#include "rng.h"

typedef struct lean_plan lean_plan;

/* Whether the model's stochastic runs can be stepped lean; when not,
 * *why (may be NULL) names the first reason. */
int lean_supported(const demob_model *m, const char **why);

/* A plan for the model (lean_supported must hold); NULL out of memory. */
lean_plan *lean_plan_new(const demob_model *m);
void lean_plan_free(lean_plan *p);

/* Takes the draw constants and stocks at t = 0 of s, a stochastic sim of
 * the plan's model just reset (demob_sim_reset) at the runs' values and
 * without a hook. Returns -1 when s is not such a sim (the plan is
 * then unusable until a load succeeds). */
int lean_plan_load(lean_plan *p, const demob_sim *s);

/* Integers per run: the stocks (cell origin * states + state), then the
 * cumulative movers of every link (a double each: lean_cum_value). */
int lean_width(const lean_plan *p);
/* The stocks' integers per run (the cumulative movers come after them). */
int lean_cells(const lean_plan *p);
/* The cumulative movers kept in a run's integer w. */
static inline double lean_cum_value(int64_t w)
{
    double x;
    memcpy(&x, &w, sizeof x);
    return x;
}
/* Index in a run's integers of the cumulative movers along (origin, flow)
 * (read with lean_cum_value), or -1 when the flow has no link from that
 * origin (always 0 then). */
int lean_cum_index(const lean_plan *p, int origin, int flow);
/* A run at t = 0 (the loaded stocks, nothing moved). */
void lean_start(const lean_plan *p, int64_t *run);
/* One step of runs[0 .. n - 1] (run i at runs + i * lean_width, drawing
 * from rngs[i]), as demob_sim_step would step each; moves is scratch of n *
 * lean_width integers. */
void lean_step_runs(lean_plan *p, int64_t *runs, int n, rng *rngs, int64_t *moves);

#endif
