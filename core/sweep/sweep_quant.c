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
    q->vals = malloc((size_t)replicates * (n_rows ? n_rows : 1) * sizeof *q->vals);
    q->tmp = malloc((size_t)replicates * sizeof *q->tmp);
    q->label_off = calloc(n_rows + 1, sizeof *q->label_off);
    if (!q->vals || !q->tmp || !q->label_off) {
        sweep_quant_free(q);
        return demob_error_set(err, DEMOB_ERUN,
                               "out of memory for the quantiles of %ld replicates x %zu rows (%.0f MB)", replicates,
                               n_rows, (double)replicates * (double)n_rows * 8 / 1e6);
    }
    return 0;
}

void sweep_quant_free(sweep_quant *q)
{
    free(q->vals);
    free(q->tmp);
    free(q->label_off);
    strbuf_free(&q->labels);
    q->vals = q->tmp = NULL;
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

void sweep_quant_format(sweep_quant *q, long point, long have, strbuf *out)
{
    char pfx[32];
    int plen = snprintf(pfx, sizeof pfx, "%ld,", point);
    for (size_t row = 0; row < q->n_rows; row++) {
        for (long r = 0; r < have; r++)
            q->tmp[r] = q->vals[(size_t)r * q->n_rows + row];
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
