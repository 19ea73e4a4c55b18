/* answers.h - the answer table of `demob report`: rows of people (a sum of
 * stocks over some states and, optionally, some origins) at a few answer
 * dates, per run, read from one folder's populations.csv. Each cell keeps
 * the distribution over runs (mean, sd, p5, p95) so that scenarios can be
 * compared and a difference tested against run-to-run chance.
 *
 * A row is a list of states and a list of origins (none: all origins), so
 * the key states of report { } are one row each, and a stock outcome
 * (outcome { "still_in_libya", states = {...}, origins = {...} }) is one
 * row too: the report builds rows from the manifest and this file knows
 * no names. Dates are "final", a step number, or a date of the file's
 * date column. Memory: one double per run and cell. */
#ifndef DEMOB_ANSWERS_H
#define DEMOB_ANSWERS_H
#include <stddef.h>
#include "demob.h"

typedef struct answer_row {
    const char *label;
    const char *const *states;
    size_t n_states;
    const char *const *origins;   /* NULL: every origin */
    size_t n_origins;
} answer_row;

typedef struct answer_cell {
    long n;                       /* runs with a value (0: the step was not saved) */
    double mean, sd, p5, p95;
} answer_cell;

typedef struct answers {
    size_t n_rows, n_at;
    long *step;                   /* per date: the step found (-1: not in the file) */
    char **date;                  /* per date: the file's date at that step ("" none) */
    answer_cell *cell;            /* [row * n_at + at] */
} answers;

/* Reads dir/populations.csv for the given rows and dates (point: sweeps,
 * -1 pools). A date that is neither "final", a whole step nor a date of
 * the file is DEMOB_EINPUT naming it. out is the caller's to free. */
int answers_load(const char *dir, const answer_row *rows, size_t n_rows, const char *const *at, size_t n_at,
                 long point, answers *out, demob_error *err);
/* The same from one file: populations.csv; outcomes.csv (a row's states
 * name outcomes); or a run's quantiles.csv, whose means give each cell one
 * value (n = 1: the mean over runs, no range: quantiles of parts do not
 * add up to those of a sum). */
int answers_load_file(const char *path, const answer_row *rows, size_t n_rows, const char *const *at,
                      size_t n_at, long point, answers *out, demob_error *err);
void answers_free(answers *a);

/* The outcome names of an outcomes.csv, in the order of its first run.
 * *names is the caller's to free with answers_names_free. */
int answers_outcome_names(const char *path, char ***names, size_t *n, demob_error *err);
void answers_names_free(char **names, size_t n);

#endif
