/* sweep_quant.c - per-point quantiles across replicates (see
 * sweep_quant.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/csv_write.h"
#include "sweep_quant.h"
#include "util/stats.h"

int sweep_quant_init(sweep_quant *q, long replicates, size_t n_rows, demob_error *err)
{
    memset(q, 0, sizeof *q);
    strbuf_init(&q->labels);
    q->replicates = replicates;
    q->n_rows = n_rows;
    strbuf_init(&q->out);
    size_t block = (size_t)replicates * (n_rows ? n_rows : 1) * sizeof *q->vals;
    q->vals = malloc(block);
    /* A second block only while it is small: beyond, memory matters
     * more than the writer's time. */
    q->busy = block <= SWEEP_QUANT_ASYNC_BYTES ? malloc(block) : NULL;
    q->tmp = malloc((size_t)replicates * sizeof *q->tmp);
    q->label_off = calloc(n_rows + 1, sizeof *q->label_off);
    if (!q->vals || (block <= SWEEP_QUANT_ASYNC_BYTES && !q->busy) || !q->tmp || !q->label_off) {
        sweep_quant_free(q);
        return demob_error_set(err, DEMOB_ERUN,
                               "out of memory for the quantiles of %ld replicates x %zu rows (%.0f MB)", replicates,
                               n_rows, (double)block * (q->busy ? 2 : 1) / 1e6);
    }
    return 0;
}

void sweep_quant_free(sweep_quant *q)
{
    sweep_quant_finish(q);
    strbuf_free(&q->out);
    free(q->busy);
    free(q->vals);
    free(q->tmp);
    free(q->label_off);
    strbuf_free(&q->labels);
    q->vals = q->busy = q->tmp = NULL;
    q->label_off = NULL;
}

double *sweep_quant_block(sweep_quant *q, long r)
{
    return q->vals + (size_t)r * q->n_rows;
}

void sweep_quant_add_stocks(sweep_quant *q, long r, const double *stocks)
{
    memcpy(sweep_quant_block(q, r), stocks, q->n_rows * sizeof *stocks);
}

/* The rows of `point` from the stocks in vals. */
static void format_rows(sweep_quant *q, const double *vals, long point, long have, strbuf *out)
{
    char pfx[32];
    int plen = snprintf(pfx, sizeof pfx, "%ld,", point);
    for (size_t row = 0; row < q->n_rows; row++) {
        for (long r = 0; r < have; r++)
            q->tmp[r] = vals[(size_t)r * q->n_rows + row];
        double mean, sd, lo = q->tmp[0], hi = q->tmp[0];
        for (long r = 1; r < have; r++) {
            lo = q->tmp[r] < lo ? q->tmp[r] : lo;
            hi = q->tmp[r] > hi ? q->tmp[r] : hi;
        }
        stats_mean_sd(q->tmp, (size_t)have, &mean, &sd);
        /* Often every replicate agrees (t = 0, empty states): no sort. */
        if (lo != hi)
            stats_sort(q->tmp, (size_t)have);
        strbuf_append(out, pfx, (size_t)plen);
        strbuf_append(out, q->labels.data + q->label_off[row], q->label_off[row + 1] - q->label_off[row]);
        csvw_f64(out, 0, mean);
        csvw_f64(out, 0, sd);
        csvw_f64(out, 0, stats_quantile_sorted(q->tmp, (size_t)have, 0.05));
        csvw_f64(out, 0, stats_quantile_sorted(q->tmp, (size_t)have, 0.5));
        csvw_f64(out, 0, stats_quantile_sorted(q->tmp, (size_t)have, 0.95));
        csvw_end(out);
    }
}

void sweep_quant_format(sweep_quant *q, long point, long have, strbuf *out)
{
    format_rows(q, q->vals, point, have, out);
}

static void *format_main(void *arg)
{
    sweep_quant *q = arg;
    format_rows(q, q->busy ? q->busy : q->vals, q->point, q->have, &q->out);
    return NULL;
}

void sweep_quant_start(sweep_quant *q, long point, long have)
{
    sweep_quant_finish(q);
    q->point = point;
    q->have = have;
    strbuf_clear(&q->out);
    if (!q->busy) {        /* one block: format here, now */
        format_main(q);
        return;
    }
    double *t = q->busy;   /* the next point's stocks go to the other block */
    q->busy = q->vals;
    q->vals = t;
    if (pthread_create(&q->thread, NULL, format_main, q) != 0)
        format_main(q);    /* no thread: format here */
    else
        q->running = 1;
}

int sweep_quant_running(const sweep_quant *q)
{
    return q->running;
}

const strbuf *sweep_quant_finish(sweep_quant *q)
{
    if (q->running) {
        pthread_join(q->thread, NULL);
        q->running = 0;
    }
    return &q->out;
}
