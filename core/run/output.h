/* output.h - the rows of the CSV files (docs/commands.md) for one run, formatted into
 * memory (one strbuf per file) so that runs finishing on any worker in any
 * order are written to disk in run order, byte for byte the same.
 *
 *   populations.csv  [prefix,]run,step,date,origin,state,count
 *   flows.csv        [prefix,]run,step,date,origin,flow,from,to,count
 *                    (arrivals from outside have an empty `from`)
 *   costs.csv        [prefix,]run,step,date,origin,category,amount
 *                    (fixed costs have origin "all")
 *   budgets.csv      [prefix,]run,step,date,budget,balance,spent,gap
 *   summary.csv      [prefix,]run,<params>,final.<state>...,
 *                    final.<origin>.<state>..., flow.<flow>...,
 *                    arrived, peak.<state>..., cost.total, cost.<category>...,
 *                    budget.<budget>... (final balances),
 *                    outcome.<name>... (with the plan's outcomes),
 *                    bound.<kind>.<constraint>... (steps it bound)
 *   constraints.csv  [prefix,]run,step,date,constraint,name,wanted,allowed,cut
 *                    (kind: capacity, ceiling, budget, sync; --save only)
 * The prefix columns (e.g. "point" in sweeps) are the caller's. */
#ifndef DEMOB_OUTPUT_H
#define DEMOB_OUTPUT_H
#include "demob.h"
#include "util/strbuf.h"

enum output_file { OUT_POPULATIONS, OUT_FLOWS, OUT_COSTS, OUT_BUDGETS, OUT_SUMMARY, OUT_CONSTRAINTS, OUT_NFILES };

/* Files written only when asked for by name (--save): constraints.csv. */
#define OUTPUT_ON_REQUEST(f) ((f) == OUT_CONSTRAINTS)

extern const char *const output_file_names[OUT_NFILES];

struct output_outcomes;

/* Which files, and time series every `every` steps (t = 0 and T always).
 * With outcomes, summary.csv ends with their final values (outcome.<name>)
 * and the runner's recorded stocks (runner_config.record_stocks) are
 * followed at each recorded step by the outcomes' values. */
typedef struct output_plan {
    int want[OUT_NFILES];
    int every;
    const struct output_outcomes *outcomes;   /* NULL: none */
} output_plan;

/* Precomputed labels (quoted names, step/date cells) for one model. */
typedef struct output_labels output_labels;

output_labels *output_labels_new(const demob_model *m, demob_error *err);
/* Only what the plan writes: without time series (plan NULL, or summary
 * only), the labels serve headers and summaries, not output_record. */
output_labels *output_labels_for_plan(const demob_model *m, const output_plan *p, demob_error *err);
void output_labels_free(output_labels *l);

/* The header row of a file, after the prefix columns (NULL-terminated list,
 * may be NULL). */
void output_header(const output_labels *l, enum output_file f, const char *const *prefix_cols, strbuf *b);

/* Whether the plan writes a file for this model (costs only with costs...). */
int output_applies(const demob_model *m, const output_plan *p, enum output_file f);

/* Whether the time series hold step t (of `steps`): t = 0, every
 * p->every-th step, and the last. */
int output_recorded(const output_plan *p, int t, int steps);
/* The label cells "t,date,origin,state" (no trailing comma) of each
 * populations row of a run, in output_record's order, into out at offsets
 * off[0 .. rows] (off has rows + 1 entries: rows = recorded steps x
 * (origins x states + the plan's outcomes); an outcome's row is
 * "t,date,all,<name>", after the cells of its step, as the runner records
 * them). The labels must have been made for a plan with time series. */
void output_population_labels(const output_labels *l, const output_plan *p, strbuf *out, size_t *off);
/* Appends the rows of stock time t (call at t = 0 and after each step). `prefix`
 * is the already formatted prefix cells followed by a comma, or "". */
void output_record(const output_labels *l, const output_plan *p, const demob_sim *s, const char *prefix,
                   strbuf *bufs[OUT_NFILES]);
/* Appends the summary row; values are the run's starting values. */
void output_summary(const output_labels *l, const demob_sim *s, const char *prefix, const double *values,
                    strbuf *b);

#endif
