/* quant.c - per-run values of `demob run` in memory and the files made
 * from them (see quant.h). */
#include <stdlib.h>
#include <string.h>

#include "outcome.h"
#include "quant.h"
#include "util/csv_write.h"
#include "util/stats.h"

int output_quant_init(output_quant *q, const demob_model *m, const output_plan *p, long runs, demob_error *err)
{
    memset(q, 0, sizeof *q);
    q->m = m;
    q->files = *p;
    q->oc = p->outcomes;
    q->runs = runs;
    int steps = demob_model_steps(m);
    q->rec = malloc(((size_t)steps + 1) * sizeof *q->rec);
    if (!q->rec)
        return demob_error_set(err, DEMOB_ERUN, "out of memory");
    for (int t = 0; t <= steps; t++)
        q->rec[q->n_rec++] = t;
    q->n_cells = (size_t)demob_model_n_origins(m) * (size_t)demob_model_n_states(m);
    q->n_series = q->n_cells + (size_t)(q->oc ? q->oc->n : 0);
    q->n_rows = (size_t)q->n_rec * q->n_series;
    double bytes = 8.0 * (double)runs * (double)q->n_rows;
    if (bytes > (double)OUTPUT_QUANT_MAX_BYTES) {
        output_quant_free(q);
        return demob_error_set(err, DEMOB_EINPUT,
                               "quantiles of %ld runs x %zu values would take %.0f MB (at most %zu MB): use "
                               "fewer runs, or --save without quantiles and outcomes",
                               runs, q->n_rows, bytes / 1e6, OUTPUT_QUANT_MAX_BYTES >> 20);
    }
    q->vals = malloc((size_t)runs * (q->n_rows ? q->n_rows : 1) * sizeof *q->vals);
    q->tmp = malloc((size_t)runs * sizeof *q->tmp);
    if (!q->vals || !q->tmp) {
        output_quant_free(q);
        return demob_error_set(err, DEMOB_ERUN, "out of memory for the quantiles of %ld runs (%.0f MB)", runs,
                               bytes / 1e6);
    }
    return 0;
}

void output_quant_free(output_quant *q)
{
    free(q->rec);
    free(q->vals);
    free(q->tmp);
    q->rec = NULL;
    q->vals = q->tmp = NULL;
}

void output_quant_add(output_quant *q, long r, const double *vals)
{
    if (r >= 0 && r < q->runs)
        memcpy(q->vals + (size_t)r * q->n_rows, vals, q->n_rows * sizeof *vals);
}

int output_quant_step(const output_quant *q, int t)
{
    for (int k = 0; k < q->n_rec; k++)
        if (q->rec[k] == t)
            return k;
    return -1;
}

void output_quant_sum(const output_quant *q, int k, const size_t *series, int n, double *out)
{
    for (long r = 0; r < q->runs; r++) {
        const double *row = q->vals + (size_t)r * q->n_rows + (size_t)k * q->n_series;
        double sum = 0;
        for (int i = 0; i < n; i++)
            sum += row[series[i]];
        out[r] = sum;
    }
}

/* "t,date," */
static void step_cells(strbuf *b, const demob_model *m, int t)
{
    csvw_i64(b, 1, t);
    csvw_str(b, 0, demob_model_date(m, t));
}

/* The name cells "origin,state" of series i. */
static void series_cells(const output_quant *q, size_t i, strbuf *b)
{
    int n_s = demob_model_n_states(q->m);
    if (i < q->n_cells) {
        csvw_str(b, 0, demob_model_origin_name(q->m, (int)(i / (size_t)n_s)));
        csvw_str(b, 0, demob_model_state_name(q->m, (int)(i % (size_t)n_s)));
    }
    else {
        csvw_str(b, 0, "all");
        csvw_str(b, 0, q->oc->v[i - q->n_cells].name);
    }
}

void output_quant_format(output_quant *q, strbuf *out)
{
    static const double ps[] = {0.05, 0.25, 0.5, 0.75, 0.95};
    strbuf_puts(out, "step,date,origin,state,mean,sd,p5,p25,p50,p75,p95\n");
    size_t n = (size_t)q->runs;
    for (int k = 0; k < q->n_rec; k++)
        for (size_t i = 0; i < q->n_series && output_recorded(&q->files, q->rec[k], demob_model_steps(q->m)); i++) {
            for (size_t r = 0; r < n; r++)
                q->tmp[r] = q->vals[r * q->n_rows + (size_t)k * q->n_series + i];
            double mean, sd;
            stats_mean_sd(q->tmp, n, &mean, &sd);
            stats_sort(q->tmp, n);
            step_cells(out, q->m, q->rec[k]);
            series_cells(q, i, out);
            csvw_f64(out, 0, mean);
            csvw_f64(out, 0, sd);
            for (size_t j = 0; j < sizeof ps / sizeof ps[0]; j++)
                csvw_f64(out, 0, stats_quantile_sorted(q->tmp, n, ps[j]));
            csvw_end(out);
        }
}

void output_quant_outcomes(output_quant *q, strbuf *out)
{
    strbuf_puts(out, "run,step,date,outcome,value\n");
    int n_out = q->oc ? q->oc->n : 0;
    for (long r = 0; r < q->runs; r++)
        for (int k = 0; k < q->n_rec; k++)
            for (int i = 0; i < n_out && output_recorded(&q->files, q->rec[k], demob_model_steps(q->m)); i++) {
                csvw_i64(out, 1, r + 1);
                csvw_i64(out, 0, q->rec[k]);
                csvw_str(out, 0, demob_model_date(q->m, q->rec[k]));
                csvw_str(out, 0, q->oc->v[i].name);
                csvw_f64(out, 0, q->vals[(size_t)r * q->n_rows + (size_t)k * q->n_series + q->n_cells + (size_t)i]);
                csvw_end(out);
            }
}
