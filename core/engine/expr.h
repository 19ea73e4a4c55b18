/* expr.h - evaluating expression slots during a run (expr.c), for step.c. */
#ifndef DEMOB_EXPR_H
#define DEMOB_EXPR_H
#include "model_internal.h"

/* The value of expression e on the run's stocks at the start of step t,
 * for origin o (-1 unless e is per origin); stack holds model->expr_depth
 * doubles. */
double model_expr_eval(const demob_sim *s, const expr_def *e, double *stack, int t, int o);
/* 0 if x may be e's value (by its roles), else an error naming the
 * declaration's line, the origin (o >= 0), the step and the run. */
int model_expr_check(const demob_model *m, const expr_def *e, double x, int o, int t, long run,
                     demob_error *err);

#endif
