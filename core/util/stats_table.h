/* stats_table.h - the answer table a planner reads in the terminal: one
 * row per quantity, one column per date, each cell the median and the
 * p5-p95 range of the per-run values (or the one value of a single run),
 * numbers rounded for reading (2,345; 0.12). Used by `demob run` and
 * `demob summarize`. */
#ifndef DEMOB_STATS_TABLE_H
#define DEMOB_STATS_TABLE_H
#include <stddef.h>

#include "strbuf.h"

/* A number for reading: whole numbers with thousands separators from 10
 * on, 3 significant digits below; "-" for NaN. */
void stats_table_number(double x, char *buf, size_t size);
/* The cell text of n per-run values (sorted in place): "2,345" when they
 * are all equal, else "2,345 (2,100-2,500)" (median, p5-p95, type 7). */
void stats_table_cell(double *x, size_t n, char *buf, size_t size);
/* Appends a table: a header row (corner, then n_cols labels) and n_rows
 * rows (label, then n_cols cells, row-major), columns padded to align. */
void stats_table_print(strbuf *out, const char *corner, const char *const *col_labels, int n_cols,
                       const char *const *row_labels, const char *const *cells, int n_rows);

#endif
