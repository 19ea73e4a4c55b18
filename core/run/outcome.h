/* outcome.h - outcomes: named sums a planner asks about, declared by the
 * scenario (`outcome { ... }`, core/lua/lua_outcome.c) and evaluated on a
 * run at any step through the public API:
 *   stock:  the stocks of some states, summed over some origins
 *   flows:  the people moved so far along some flows (or into a state),
 *           summed over some origins (cumulative from t = 0)
 *   cost:   the cost so far of some categories (all: the total), of some
 *           origins (all origins: fixed costs included)
 * summary.csv gains `outcome.<name>` (the final value), quantiles.csv one
 * row per step and outcome (origin "all"), outcomes.csv the values per run
 * and step, the manifest an "outcomes" list saying what each one sums. */
#ifndef DEMOB_OUTCOME_H
#define DEMOB_OUTCOME_H
#include "demob.h"
#include "util/strbuf.h"

enum output_outcome_kind { OUTCOME_STOCK, OUTCOME_FLOWS, OUTCOME_COST };

typedef struct output_outcome {
    char *name;
    enum output_outcome_kind kind;
    int *origins;   /* NULL: every origin */
    int n_origins;
    int *items;     /* stock: states; flows: flows; cost: categories (NULL: all) */
    int n_items;
    int into;       /* flows: >= 0 means every flow into this state */
    char *what;     /* a description for the manifest, e.g. "stock of present, stranded (Sudan, Chad)" */
} output_outcome;

typedef struct output_outcomes {
    output_outcome *v;
    int n, cap;
} output_outcomes;

/* Appends an outcome (takes ownership of nothing: copies). 0 or -1 (memory). */
int output_outcomes_add(output_outcomes *oc, const output_outcome *o);
void output_outcomes_free(output_outcomes *oc);
/* The index of the outcome named name, or -1. */
int output_outcomes_find(const output_outcomes *oc, const char *name);
/* The outcome's value for the run at its current step. */
double output_outcome_value(const output_outcome *o, const demob_sim *s);
/* "outcomes": [{"name": ..., "sums": ...}, ...] for the manifest (without
 * a trailing comma); nothing when there are none. */
void output_outcomes_json(const output_outcomes *oc, strbuf *b);

#endif
