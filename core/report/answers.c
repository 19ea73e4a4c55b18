/* answers.c - see answers.h. populations.csv (or outcomes.csv, or the
 * means of quantiles.csv: one block, so one value per cell) is streamed once; per (point,
 * run) block each cell sums the rows of its states and origins at its
 * step (for "final", at the block's largest step so far), and when the
 * block ends each cell gets one value for that run. */
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "answers.h"
#include "outcomes.h"
#include "tidy.h"
#include "util/path.h"
#include "util/stats.h"

#define AT_FINAL (-2)

static int listed(const char *const *names, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], s) == 0)
            return 1;
    return 0;
}

static void summarise(outcomes_vec *a, answer_cell *c)
{
    c->n = (long)a->n;
    if (a->n == 0) {
        c->mean = c->sd = c->p5 = c->p95 = NAN;
        return;
    }
    stats_mean_sd(a->v, a->n, &c->mean, &c->sd);
    stats_sort(a->v, a->n);
    c->p5 = stats_quantile_sorted(a->v, a->n, 0.05);
    c->p95 = stats_quantile_sorted(a->v, a->n, 0.95);
}

/* "final", a whole step, or a date to find in the file. */
static long parse_at(const char *s)
{
    if (strcmp(s, "final") == 0)
        return AT_FINAL;
    if (!*s || strlen(s) > 9)
        return -1;
    for (const char *p = s; *p; p++)
        if (!isdigit((unsigned char)*p))
            return -1;
    return strtol(s, NULL, 10);
}

int answers_load(const char *dir, const answer_row *rows, size_t n_rows, const char *const *at, size_t n_at,
                 long point, answers *out, demob_error *err)
{
    char path[PATH_MAX];
    path_join(path, sizeof path, dir, "populations.csv");
    return answers_load_file(path, rows, n_rows, at, n_at, point, out, err);
}

int answers_load_file(const char *path, const answer_row *rows, size_t n_rows, const char *const *at,
                      size_t n_at, long point, answers *out, demob_error *err)
{
    memset(out, 0, sizeof *out);
    size_t nc = n_rows * n_at;
    long *want = calloc(n_at + 1, sizeof *want);
    unsigned char *seen = calloc(n_at + 1, 1);   /* per date: in this block */
    double *sum = calloc(nc + 1, sizeof *sum);
    outcomes_vec *per = calloc(nc + 1, sizeof *per);
    out->n_rows = n_rows;
    out->n_at = n_at;
    out->step = calloc(n_at + 1, sizeof *out->step);
    out->date = calloc(n_at + 1, sizeof *out->date);
    out->cell = calloc(nc + 1, sizeof *out->cell);
    int rc = 0;
    if (!want || !seen || !sum || !per || !out->step || !out->date || !out->cell)
        rc = demob_error_set(err, DEMOB_ERUN, "out of memory");
    for (size_t a = 0; rc == 0 && a < n_at; a++) {
        want[a] = parse_at(at[a]);
        out->step[a] = want[a] >= 0 ? want[a] : -1;
    }
    tidy_reader *t = rc == 0 ? tidy_open(path, err) : NULL;
    if (rc == 0 && !t)
        rc = err->status;
    tidy_kind kind = t ? tidy_kind_of(t) : TIDY_POPULATIONS;
    if (t && kind != TIDY_POPULATIONS && kind != TIDY_OUTCOMES && kind != TIDY_QUANTILES)
        rc = demob_error_set(err, DEMOB_EINPUT, "%s: holds %s, not populations", path, tidy_kind_name(kind));
    if (rc == 0 && kind == TIDY_QUANTILES && tidy_has_point(t) && point < 0)
        rc = demob_error_set(err, DEMOB_EINPUT, "%s: holds sweep points; choose one with --point N", path);
    tidy_row row;
    int have = 0, got;
    long cur_point = -2, cur_run = -2, max_step = -1;
    while (rc == 0 && (got = tidy_next(t, &row, err)) >= 0) {
        if (got > 0 && point >= 0 && row.point != point)
            continue;
        /* quantiles.csv: origin "all" holds the outcomes, not stocks. */
        if (got > 0 && kind == TIDY_QUANTILES && strcmp(row.origin, "all") == 0)
            continue;
        int boundary = got == 0 || !have || row.point != cur_point || row.run != cur_run;
        if (boundary && have) {
            for (size_t c = 0; c < nc && rc == 0; c++) {
                /* A step this run did not save has no value. */
                if (seen[c % n_at] && outcomes_vec_push(&per[c], sum[c]))
                    rc = demob_error_set(err, DEMOB_ERUN, "out of memory");
                sum[c] = 0;
            }
        }
        if (got == 0 || rc != 0)
            break;
        if (boundary) {
            have = 1;
            cur_point = row.point;
            cur_run = row.run;
            max_step = -1;
            memset(seen, 0, n_at);
        }
        if (row.step > max_step) {
            for (size_t c = 0; c < nc; c++)
                if (want[c % n_at] == AT_FINAL)
                    sum[c] = 0;
            max_step = row.step;
        }
        for (size_t a = 0; a < n_at; a++) {
            int hit = want[a] == AT_FINAL ? row.step == max_step
                      : want[a] >= 0     ? row.step == want[a]
                                         : strcmp(row.date, at[a]) == 0;
            if (!hit)
                continue;
            seen[a] = 1;
            if (!out->date[a] || row.step > out->step[a]) {
                free(out->date[a]);
                if (!(out->date[a] = strdup(row.date)))
                    rc = demob_error_set(err, DEMOB_ERUN, "out of memory");
            }
            if (out->step[a] < 0 || row.step > out->step[a])
                out->step[a] = row.step;
            for (size_t r = 0; r < n_rows; r++)
                if (listed(rows[r].states, rows[r].n_states, row.item) &&
                    (!rows[r].origins || listed(rows[r].origins, rows[r].n_origins, row.origin)))
                    sum[r * n_at + a] += row.value;
        }
    }
    if (rc == 0 && !have)
        rc = demob_error_set(err, DEMOB_EINPUT, "%s: no rows", path);
    for (size_t a = 0; rc == 0 && a < n_at; a++)
        if (want[a] == -1 && out->step[a] < 0)
            rc = demob_error_set(err, DEMOB_EINPUT,
                                 "%s: answer date '%s' is not a step, 'final' or a date of the file", path, at[a]);
    for (size_t c = 0; c < nc; c++) {
        if (rc == 0)
            summarise(&per[c], &out->cell[c]);
        free(per[c].v);
    }
    for (size_t a = 0; rc == 0 && a < n_at; a++)
        if (!out->date[a] && !(out->date[a] = strdup("")))
            rc = demob_error_set(err, DEMOB_ERUN, "out of memory");
    tidy_close(t);
    free(per);
    free(sum);
    free(want);
    free(seen);
    return rc;
}

void answers_free(answers *a)
{
    for (size_t i = 0; a->date && i < a->n_at; i++)
        free(a->date[i]);
    free(a->date);
    free(a->step);
    free(a->cell);
    memset(a, 0, sizeof *a);
}

int answers_outcome_names(const char *path, char ***names, size_t *n, demob_error *err)
{
    *names = NULL;
    *n = 0;
    tidy_reader *t = tidy_open_kind(path, TIDY_OUTCOMES, err);
    if (!t)
        return err->status;
    int rc = 0;
    tidy_row row;
    int got;
    long point = -2, run = -2;
    while (rc == 0 && (got = tidy_next(t, &row, err)) != 0) {
        if (got < 0) {
            rc = err->status ? err->status : DEMOB_EINPUT;
            break;
        }
        if (point == -2) {
            point = row.point;
            run = row.run;
        }
        if (row.point != point || row.run != run)
            break;   /* every run has the same outcomes */
        size_t i = 0;
        while (i < *n && strcmp((*names)[i], row.item) != 0)
            i++;
        if (i < *n)
            continue;
        char **v = realloc(*names, (*n + 1) * sizeof *v);
        if (!v || !(v[*n] = strdup(row.item))) {
            if (v)
                *names = v;
            rc = demob_error_set(err, DEMOB_ERUN, "out of memory");
            break;
        }
        *names = v;
        (*n)++;
    }
    tidy_close(t);
    return rc;
}

void answers_names_free(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}
