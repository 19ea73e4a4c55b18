/* answer.h - the answer table printed at the end of `demob run`: chosen
 * states (summed over groups of origins) and outcomes at chosen steps,
 * from the per-run values in memory (quant.h), each cell the median and
 * p5-p95 over the runs. Also the parsing of a step or a date given by the
 * user (--at, report_at). */
#ifndef DEMOB_ANSWER_H
#define DEMOB_ANSWER_H
#include "demob.h"
#include "quant.h"
#include "util/strbuf.h"

/* "12" or a date "2021-11" / "2021-11-15" (the first step on or after it,
 * docs/scenarios.md) into *t, checked to lie in 0..T. DEMOB_EINPUT with a
 * message naming the run's steps and dates otherwise. */
int output_parse_step(const demob_model *m, const char *text, int *t, demob_error *err);
/* The same without the run's bounds (a step >= 0, or a date of the
 * model's calendar): 0, or -1 when the text is neither. */
int output_parse_step_unbounded(const demob_model *m, const char *text, int *t);
/* "12,24" or "2021-11,2022-11" into steps (at most max); returns how many
 * or a negative status (the message names `option`). */
int output_parse_steps(const demob_model *m, const char *list, const char *option, int *steps, int max,
                       demob_error *err);

typedef struct output_answer {
    const int *steps;              /* the answer dates                     */
    int n_steps;
    const char *const *origins;    /* origin, tag or "A+B" groups; NULL: all */
    int n_origins;
    const char *const *states;     /* states or outcomes; NULL: the outcomes
                                    * (every state when none is declared) */
    int n_states;
    const char *range;             /* what a range includes, for the header */
} output_answer;

/* The default answer dates: 12 and 24 steps of a monthly run (52 and 104
 * weekly, ...) when the run is that long, else the middle and the end. */
int output_answer_default_steps(const demob_model *m, int *steps);
/* Checks the choice against the model (DEMOB_EINPUT naming `what`, e.g.
 * "--origin", for an unknown name); formats the table into out. */
int output_answer_format(const output_quant *q, const output_answer *a, const char *what_origin,
                         const char *what_state, strbuf *out, demob_error *err);

#endif
