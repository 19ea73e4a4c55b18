/* tidy_grid.h - is a long tidy file's grid complete? Every step of every
 * run of a point must hold the cells (origin and state, flow, category,
 * outcome or budget) of the point's first step, and every run of a point
 * the steps of the point's first run, in their order: demob writes them so,
 * and a missing row would otherwise be read as 0 by every sum. Checked as
 * the rows stream by (a key compare per row, a hash lookup when rows are out
 * of the first step's order; memory: one step's cells, one run's steps and
 * 16 bytes a run, to refuse a run whose rows are not together); errors name
 * the file, line, point, run, step and cell. Private to the report layer
 * (tidy.c, summarize.c). */
#ifndef DEMOB_TIDY_GRID_H
#define DEMOB_TIDY_GRID_H
#include <stddef.h>
#include "demob.h"
#include "tidy.h"

typedef struct tidy_grid tidy_grid;

/* For the file path (kept, not copied) of kind k; NULL when out of memory. */
tidy_grid *tidy_grid_new(const char *path, tidy_kind k);
void tidy_grid_free(tidy_grid *g);   /* NULL is fine */

/* The next row (its point, run, step and line) and its cell's key: the
 * names that tell cells apart, each followed by '\0' (len bytes in all).
 * 0, or an error (DEMOB_EINPUT, or DEMOB_ERUN out of memory). */
int tidy_grid_row(tidy_grid *g, const tidy_row *row, const char *key, size_t len, demob_error *err);
/* The end of the file: the last step and run complete. */
int tidy_grid_end(tidy_grid *g, demob_error *err);

#endif
