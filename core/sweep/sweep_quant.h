/* sweep_quant.h - quantiles.csv: for one point at a time, the stocks of
 * each of its R replicates at every recorded step, origin and state, and
 * from them one row per (step, origin, state):
 *     point,step,date,origin,state,mean,sd,p5,p50,p95
 * (statistics as defined in util/stats.h).
 *
 * The stocks come from the runner (runner_job.stocks, in populations.csv's
 * row order), the label cells of each row once from output.c
 * (output_population_labels): nothing is formatted and parsed back.
 * Memory: 8 R n bytes for
 * n = (recorded steps) x origins x states, e.g. 100 replicates of 121
 * steps x 6 origins x 9 states = 5.2 MB; nothing grows with the number of
 * points. */
#ifndef DEMOB_SWEEP_QUANT_H
#define DEMOB_SWEEP_QUANT_H
#include <stddef.h>

#include "demob.h"
#include "util/strbuf.h"

typedef struct sweep_quant {
    long replicates;
    size_t n_rows;        /* rows per run */
    double *vals;         /* [replicates][n_rows] */
    double *tmp;          /* [replicates] */
    strbuf labels;        /* "step,date,origin,state" cells of every row, */
    size_t *label_off;    /* [n_rows + 1]: filled by the caller            */
} sweep_quant;

int sweep_quant_init(sweep_quant *q, long replicates, size_t n_rows, demob_error *err);
void sweep_quant_free(sweep_quant *q);
/* Replicate r's block of n_rows stocks (for saving and restoring). */
double *sweep_quant_block(sweep_quant *q, long r);
/* Replicate r's stocks: n_rows values in populations row order. */
void sweep_quant_add_stocks(sweep_quant *q, long r, const double *stocks);
/* Appends the quantile rows of point `point` over the first `have`
 * replicates (all of them, normally). */
void sweep_quant_format(sweep_quant *q, long point, long have, strbuf *out);

#endif
