/* sweep_quant.h - quantiles.csv: for one point at a time, the stocks of
 * each of its R replicates at every recorded step, origin and state, and
 * from them one row per (step, origin, state):
 *     point,step,date,origin,state,mean,sd,p5,p50,p95
 * (statistics as defined in util/stats.h).
 *
 * The stocks come from the runner (runner_job.stocks, in populations.csv's
 * row order), the label cells of each row once from output.c
 * (output_population_labels): nothing is formatted and parsed back.
 *
 * The rows of a point are sorted and formatted on a thread of their own
 * (sweep_quant_start, sweep_quant_finish) while the stocks of the next
 * point come in, so the thread that writes the files does not do it.
 * Memory: 2 x 8 R n bytes (the point being formatted and the next) for
 * n = (recorded steps) x origins x states, e.g. 100 replicates of 121
 * steps x 6 origins x 9 states = 10.5 MB; when one block (8 R n) is larger
 * than SWEEP_QUANT_ASYNC_BYTES, a single block, formatted by
 * sweep_quant_start itself. Nothing grows with the number of points. */
#ifndef DEMOB_SWEEP_QUANT_H
#define DEMOB_SWEEP_QUANT_H
#include <pthread.h>
#include <stddef.h>

#include "demob.h"
#include "util/strbuf.h"

#define SWEEP_QUANT_ASYNC_BYTES ((size_t)32 << 20)

typedef struct sweep_quant {
    long replicates;
    size_t n_rows;        /* rows per run */
    double *vals;         /* [replicates][n_rows]: the point coming in */
    double *busy;         /* the same for the point being formatted
                           * (NULL: one block, formatted in place)      */
    double *tmp;          /* [replicates] */
    strbuf labels;        /* "step,date,origin,state" cells of every row, */
    size_t *label_off;    /* [n_rows + 1]: filled by the caller            */
    pthread_t thread;     /* formatting busy into `out`, when running     */
    int running;
    long point, have;
    strbuf out;
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
/* Starts formatting the rows of `point` from the stocks added so far (over
 * the first `have` replicates) on a thread; the replicates of the next
 * point may then be added. At most one point at a time: call
 * sweep_quant_finish first. */
void sweep_quant_start(sweep_quant *q, long point, long have);
/* Whether a point is being formatted. */
int sweep_quant_running(const sweep_quant *q);
/* Waits for the point started last; its rows (q->out, empty when none was
 * started; q->out.failed when memory ran out). */
const strbuf *sweep_quant_finish(sweep_quant *q);

#endif
