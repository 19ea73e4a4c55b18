/* quant.h - the per-run values `demob run` keeps in memory in stochastic
 * mode, for quantiles.csv, outcomes.csv and the answer table.
 *
 * A run's values are its stocks (origin x state) then its outcomes at
 * every step t = 0..T, as the runner records them (runner_job.stocks with
 * output_plan.outcomes, record_every = 1), so the answer may be at any
 * step whatever --every says. Memory: 8 x runs x (T + 1) x (cells +
 * outcomes) bytes, allocated once (3 MB for the Libya baseline's 200 runs
 * of 37 steps x 49 values); nothing else grows with the runs.
 *
 *   quantiles.csv  step,date,origin,state,mean,sd,p5,p25,p50,p75,p95
 *                  per step the files record (--every): every cell, then
 *                  every outcome
 *                  (origin "all", state = the outcome's name)
 *   outcomes.csv   run,step,date,outcome,value  (per run and recorded step)
 * Statistics as in util/stats.h (sd with n - 1, type-7 quantiles). */
#ifndef DEMOB_QUANT_H
#define DEMOB_QUANT_H
#include <stddef.h>

#include "demob.h"
#include "output.h"
#include "util/strbuf.h"

/* The most memory the values may take (bytes): beyond it quantiles are
 * refused with a message suggesting --every or fewer runs. */
#define OUTPUT_QUANT_MAX_BYTES ((size_t)2 << 30)

typedef struct output_quant {
    const demob_model *m;
    output_plan files;    /* the files list the steps this plan records */
    const struct output_outcomes *oc;
    long runs;
    int n_rec;            /* steps kept: T + 1                           */
    int *rec;             /* [n_rec] their t                             */
    size_t n_cells;       /* origins x states                            */
    size_t n_series;      /* cells + outcomes                            */
    size_t n_rows;        /* n_rec x n_series: values per run            */
    double *vals;         /* [runs][n_rows]                              */
    double *tmp;          /* [runs]                                      */
} output_quant;

/* Keeps every step (the runner records them with record_every = 1);
 * quantiles.csv and outcomes.csv list the steps p records (--every). */
int output_quant_init(output_quant *q, const demob_model *m, const output_plan *p, long runs, demob_error *err);
void output_quant_free(output_quant *q);
/* Run r's (0-based) recorded values, n_rows of them. */
void output_quant_add(output_quant *q, long r, const double *vals);
/* The index of step t among the recorded steps, or -1. */
int output_quant_step(const output_quant *q, int t);
/* Per run, the sum of the given series (cell o * states + s, or n_cells +
 * outcome) at recorded step k, into out[runs]. */
void output_quant_sum(const output_quant *q, int k, const size_t *series, int n, double *out);
/* quantiles.csv and outcomes.csv, header included (what a range includes
 * is said in the manifest: "range"). */
void output_quant_format(output_quant *q, strbuf *out);
void output_quant_outcomes(output_quant *q, strbuf *out);

#endif
