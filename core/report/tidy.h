/* tidy.h - reads the CSV files of a demob output folder as a stream of
 * tidy rows, whatever their kind. The kind is recognised from the header:
 *   populations  [point,]run,step,date,origin,state,count
 *   flows        [point,]run,step,date,origin,[flow,]from,to,count
 *   costs        [point,]run,step,date,origin,category,amount
 *   quantiles    [point,]step,date,origin,state,mean,sd,p5,p50,p95
 *                (with p25 and p75 from `demob run`: read past)
 *   budgets      [point,]run,step,date,budget,balance,spent,gap
 *                (one tidy row per value: item "<budget>.balance", ...)
 *   outcomes     [point,]run,step,date,outcome,value (item = outcome, no origin)
 *   summary      [point,]run,<value columns...>      (wide: one row per run)
 *   points       point,<value columns...>            (wide: one row per point)
 * Wide kinds yield one tidy row per value cell, item = column name. Every
 * number is checked (finite; point, run and step whole and >= 0) and errors
 * name "path:line:column". Streaming through csv_read: memory does not
 * grow with the file. */
#ifndef DEMOB_TIDY_H
#define DEMOB_TIDY_H
#include <stddef.h>
#include "demob.h"

typedef enum tidy_kind {
    TIDY_POPULATIONS = 0,
    TIDY_FLOWS,
    TIDY_COSTS,
    TIDY_QUANTILES,
    TIDY_BUDGETS,
    TIDY_OUTCOMES,
    TIDY_SUMMARY,
    TIDY_POINTS,
    TIDY_N_KINDS
} tidy_kind;

/* "populations", "flows", ... */
const char *tidy_kind_name(tidy_kind k);

typedef struct tidy_row {
    long point;          /* -1 when the file has no point column          */
    long run;            /* -1 when it has no run column (quantiles, points) */
    long step;           /* -1 when it has no step column (summary, points) */
    const char *date;    /* "" when none                                   */
    const char *origin;  /* "" when none                                   */
    const char *item;    /* state; "from->to"; category; "budget.balance";
                            column name (wide kinds)                       */
    double value;        /* count; amount; mean (quantiles); the cell      */
    double q[4];         /* quantiles only: sd, p5, p50, p95                */
    long line;           /* line of the record in the file                 */
} tidy_row;

typedef struct tidy_reader tidy_reader;

/* Opens path and recognises its kind. Bad input (missing, empty, unknown
 * header) gives NULL with err->status DEMOB_EINPUT. */
tidy_reader *tidy_open(const char *path, demob_error *err);
void tidy_close(tidy_reader *r);   /* NULL is fine */
/* The same, and a file of another kind is DEMOB_EINPUT "path: holds X,
 * not Y" (NULL). */
tidy_reader *tidy_open_kind(const char *path, tidy_kind kind, demob_error *err);

tidy_kind tidy_kind_of(const tidy_reader *r);
int tidy_has_point(const tidy_reader *r);
const char *tidy_path(const tidy_reader *r);
/* The header as one comma-joined string (for mismatch messages). */
const char *tidy_header(const tidy_reader *r);
/* Wide kinds and budgets: the value columns. Other kinds: 0. */
size_t tidy_nvalues(const tidy_reader *r);
const char *tidy_value_name(const tidy_reader *r, size_t i);

/* Next tidy row: 1 with a row, 0 at the end, negative with err set. The
 * strings in row are valid until the next call. */
int tidy_next(tidy_reader *r, tidy_row *row, demob_error *err);

#endif
