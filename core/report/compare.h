/* compare.h - aligns two tidy CSV files of the same kind (see tidy.h) on
 * their keys (point, run, step, origin, state / flow / category / column)
 * and measures the differences. Pure: no printing, no files written; the
 * caller formats the result (compare_format_table, compare_format_csv).
 *
 * Which steps: the final step (the last one in the file), plus opts->at,
 * or every step with opts->all_steps. Files are read as demob writes them:
 * each (point, run) in one block of rows. Within a block rows may come in
 * any order.
 *
 * Runs are pooled by default: every cell is the distribution over runs of
 * one (point, step, origin, item); each side gets n, mean, sd and a 95%
 * interval of the mean, and Welch's test says whether the difference is
 * beyond sampling noise. With opts->by_run, run is part of the key and
 * runs are compared one by one (as for two deterministic outputs).
 * Totals over origins (origin "(all)") are added for populations, flows and
 * costs; costs also get totals over categories ("(all)").
 *
 * Memory: one entry per key at the compared steps (points x [runs if
 * by_run] x compared steps x (origins + 1) x (items + 1)), plus the steps
 * of one run while the final step is still unknown, plus 24 bytes per
 * (point, run) block seen. It does not grow with the rows of the file. */
#ifndef DEMOB_COMPARE_H
#define DEMOB_COMPARE_H
#include <stddef.h>
#include "demob.h"
#include "util/strbuf.h"
#include "tidy.h"

#define COMPARE_ALL "(all)"

typedef struct compare_options {
    const long *at;        /* extra steps to compare */
    int n_at;
    int all_steps;         /* every step */
    int by_run;            /* run is a key: compare run by run */
    int has_abs, has_rel;  /* tolerances given */
    double abs_tol, rel_tol;
    int noise_gate;        /* a difference beyond sampling noise fails */
} compare_options;

void compare_options_init(compare_options *o);

typedef enum compare_status {
    CMP_EQUAL = 0,   /* identical values                               */
    CMP_WITHIN,      /* differ, within the tolerances                  */
    CMP_DIFFERS,     /* differ (beyond the tolerances when given)      */
    CMP_ONLY_A,      /* the key is in A only                           */
    CMP_ONLY_B,      /* the key is in B only                           */
} compare_status;

const char *compare_status_name(compare_status s);

typedef struct compare_side {
    long n;              /* samples (runs); 0 when absent on this side */
    double mean, sd;     /* sd 0 when n < 2 */
    double lo, hi;       /* 95% interval of the mean (= mean when n < 2) */
} compare_side;

typedef struct compare_cell {
    long point, run, step;      /* -1 when not a key of this kind */
    const char *date;           /* A's date, else B's; "" when none */
    const char *origin;         /* COMPARE_ALL for totals; "" when none */
    const char *item;
    compare_side a, b;
    double diff;                /* b.mean - a.mean (NaN when one-sided) */
    double rel;                 /* diff / |a.mean|; NaN when a.mean == 0 != diff */
    int noise;                  /* 1 beyond sampling noise, 0 not, -1 untestable */
    compare_status status;
} compare_cell;

typedef struct compare_result {
    tidy_kind kind;
    char *path_a, *path_b;
    int has_point;
    long final_a, final_b;      /* last step in each file (-1: no steps) */
    long samples_a, samples_b;  /* (point, run) blocks in each file */
    compare_cell *cells;        /* sorted by point, run, step, origin, item */
    size_t n_cells;
    size_t n_equal, n_within, n_differs, n_only_a, n_only_b, n_noise;
    size_t n_date_mismatch;     /* same step, different date */
    char **cols_only_a, **cols_only_b;   /* wide kinds: columns on one side */
    size_t n_cols_only_a, n_cols_only_b;
    struct keytab *names;       /* owns the cells' strings */
} compare_result;

/* Compares two files. Returns 0, or DEMOB_EINPUT (bad file, different
 * kinds or headers, nothing to align) / DEMOB_ERUN with err set. res is
 * the caller's to free (compare_result_free), also on failure. */
int compare_files(const char *path_a, const char *path_b, const compare_options *o,
                  compare_result *res, demob_error *err);
void compare_result_free(compare_result *res);

/* 1 when the result should fail a gate: with tolerances, a difference
 * beyond them or a one-sided key; with noise_gate, a difference beyond
 * sampling noise. 0 otherwise (also when no gate was asked for). */
int compare_failed(const compare_result *res, const compare_options *o);

/* Human-readable report: per compared step, the totals; then the `top`
 * largest differences (by |diff|, or |rel| when by_rel); then the keys on
 * one side only (at most `top`); then counts. */
void compare_format_table(const compare_result *res, const compare_options *o, int top,
                          int by_rel, strbuf *out);

/* The differences in tidy form. Header (with_header) then one row per
 * cell: file,point,run,step,date,origin,item,a_n,a_mean,a_lo,a_hi,b_n,
 * b_mean,b_lo,b_hi,diff,rel,beyond_noise,status (empty when undefined). */
void compare_format_csv(const compare_result *res, const char *file, int with_header,
                        strbuf *out);

/* Number formatting shared with the table: integers plainly, otherwise
 * 1 decimal from 100 up and 4 significant digits below. */
void compare_fmt_num(char *buf, size_t size, double v);

#endif
