/* series.h - time series for charts, loaded from one output CSV
 * (populations.csv, costs.csv, flows.csv, or a sweep's quantiles.csv):
 * rows are filtered (point, origins, items), summed into groups (by item,
 * by origin, or one total), and summarised over runs: the mean at every
 * step, and with keep_runs the p5, p50 and p95 over runs (fan charts).
 *
 * Memory: the means take groups x steps doubles. Quantiles need every
 * run: keep_runs keeps one float per (run, group, step), e.g. 10,000 runs
 * x 121 steps x 9 groups = 44 MB; that is the documented bound. Rows are
 * streamed; each (point, run) block must be contiguous, as demob writes
 * them, and every block must have the steps and groups of the first. */
#ifndef DEMOB_SERIES_H
#define DEMOB_SERIES_H
#include <stddef.h>
#include "demob.h"
#include "tidy.h"

typedef enum series_by {
    SERIES_BY_ITEM = 0,   /* one series per state / category / flow */
    SERIES_BY_ORIGIN,     /* one series per origin */
    SERIES_TOTAL,         /* one series: the sum of everything selected */
} series_by;

typedef struct series_query {
    const char *const *origins;  /* keep only these origins (NULL: all) */
    int n_origins;
    const char *const *items;    /* keep only these states / categories / flows */
    int n_items;
    series_by by;
    long point;                  /* sweeps: keep only this point; -1 all */
    int keep_runs;               /* compute p5 / p50 / p95 over runs */
    int cumulative;              /* running sums over steps (costs to date) */
    const char *total_label;     /* label of the SERIES_TOTAL series */
} series_query;

typedef struct series_set {
    tidy_kind kind;
    size_t n_steps;
    double *x;                   /* steps, increasing */
    char **dates;                /* per step; "" when none */
    size_t n_groups;
    char **groups;               /* labels, in first-seen order */
    long n_samples;              /* (point, run) blocks summarised */
    double *mean;                /* [g * n_steps + t] */
    double *p5, *p50, *p95;      /* same layout; NULL unless keep_runs */
} series_set;

/* Loads path. Bad input gives DEMOB_EINPUT ("path:line:col: ..."), and so
 * does a filter that keeps nothing (the message lists what there is).
 * out is the caller's to free (series_free), also on failure. */
int series_load(const char *path, const series_query *q, series_set *out, demob_error *err);
void series_free(series_set *s);

/* The part of a loaded set that query q selects, as a new set: groups
 * named in q->items (all when none); with SERIES_TOTAL and one item, that
 * group relabelled q->total_label; quantiles kept only with keep_runs.
 * `from` must have been loaded by item, without an origin filter, with
 * the same point and cumulative settings (the caller checks). Saves
 * reading a file again for every chart. DEMOB_EINPUT when an item is
 * missing. */
int series_select(const series_set *from, const char *path, const series_query *q,
                  series_set *out, demob_error *err);

/* Index of the group with this label, or -1. */
long series_group(const series_set *s, const char *label);

#endif
