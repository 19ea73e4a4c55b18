/* tidy_grid.c - the completeness of a long tidy file's rows (see
 * tidy_grid.h). The point's first step fills the table of cells and its
 * first run the list of steps; later steps mark the cells they hold in
 * got[], and later runs follow the list step by step. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/keytab.h"
#include "tidy_grid.h"

struct tidy_grid {
    const char *path;
    tidy_kind kind;
    keytab *cells;        /* cell key -> index, from the point's first step */
    keytab *steps;        /* step (int64) -> index, the point's first run's */
    keytab *runs;         /* (point, run) of each block of rows read */
    char *got;            /* cells seen at the current step */
    size_t n_got;
    long point, run0, step0;   /* the point, its first run and first step */
    long run, step, line;      /* the current run and step; last line read */
    size_t k;                  /* the current step's index in steps */
    size_t next;               /* the cell expected next: rows come in the
                                * first step's order, so a key compare
                                * mostly saves the hash lookup */
    int active, first_run, first_step;
};

tidy_grid *tidy_grid_new(const char *path, tidy_kind k)
{
    tidy_grid *g = calloc(1, sizeof *g);
    if (g) {
        g->path = path;
        g->kind = k;
    }
    return g;
}

void tidy_grid_free(tidy_grid *g)
{
    if (!g)
        return;
    keytab_free(g->cells);
    keytab_free(g->steps);
    keytab_free(g->runs);
    free(g->got);
    free(g);
}

static int oom(const tidy_grid *g, demob_error *err)
{
    return demob_error_set(err, DEMOB_ERUN, "%s: out of memory", g->path);
}

/* What the cells of each kind are: plural, and the names of a key's fields. */
static const char *cells_of(tidy_kind k)
{
    switch (k) {
    case TIDY_FLOWS: return "origins and flows";
    case TIDY_COSTS: return "origins and categories";
    case TIDY_OUTCOMES: return "outcomes";
    case TIDY_BUDGETS: return "budgets";
    default: return "origins and states";
    }
}

/* "origin 'O', state 'X'" and the like, from a key's fields. */
static void cell_words(tidy_kind k, const char *key, char *out, size_t size)
{
    const char *a = key, *b = a + strlen(a) + 1, *c = b + strlen(b) + 1;
    switch (k) {
    case TIDY_FLOWS: snprintf(out, size, "origin '%s', flow '%s->%s'", a, b, c); break;
    case TIDY_COSTS: snprintf(out, size, "origin '%s', category '%s'", a, b); break;
    case TIDY_OUTCOMES: snprintf(out, size, "outcome '%s'", a); break;
    case TIDY_BUDGETS: snprintf(out, size, "budget '%s'", a); break;
    default: snprintf(out, size, "origin '%s', state '%s'", a, b); break;
    }
}

/* "point P, run R, " (each when the file has it; the point when asked). */
static void where(const tidy_grid *g, int point, long run, char *out, size_t size)
{
    char p[32] = "", r[32] = "";
    if (point && g->point >= 0)
        snprintf(p, sizeof p, "point %ld, ", g->point);
    if (run >= 0)
        snprintf(r, sizeof r, "run %ld, ", run);
    snprintf(out, size, "%s%s", p, r);
}

/* A cell without its row: at (run, step) where line ends that step, or at
 * the first step (line 0) while line later has the cell at the current step. */
static int no_cell(const tidy_grid *g, long line, long later, long run, long step, const char *key,
                   demob_error *err)
{
    char at[32] = "", pre[80] = "", has[200] = "", cell[600], first[64] = "";
    where(g, 1, run, pre, sizeof pre);
    cell_words(g->kind, key, cell, sizeof cell);
    if (later > 0) {
        char cur[80];
        where(g, 0, g->run, cur, sizeof cur);
        snprintf(has, sizeof has, "line %ld has it at %sstep %ld; ", later, cur, g->step);
    } else {
        snprintf(at, sizeof at, ":%ld", line);
    }
    if (g->run0 >= 0)
        snprintf(first, sizeof first, "run %ld's ", g->run0);
    return demob_error_set(err, DEMOB_EINPUT,
                           "%s%s: no row for %sstep %ld, %s (%severy step holds the %s of %sstep %ld; a missing "
                           "cell is not 0)",
                           g->path, at, pre, step, cell, has, cells_of(g->kind), first, g->step0);
}

/* The current step is over: each cell seen. */
static int close_step(tidy_grid *g, demob_error *err)
{
    size_t n = keytab_count(g->cells);
    if (g->first_step) {
        free(g->got);
        if (!(g->got = calloc(n ? n : 1, 1)))
            return oom(g, err);
    } else if (g->n_got < n) {
        size_t i = 0;
        while (g->got[i])
            i++;
        return no_cell(g, g->line, 0, g->run, g->step, keytab_key(g->cells, i, NULL), err);
    }
    g->first_step = 0;
    g->n_got = 0;
    g->next = 0;
    memset(g->got, 0, n);
    return 0;
}

static long step_at(const tidy_grid *g, size_t k)
{
    int64_t s;
    memcpy(&s, keytab_key(g->steps, k, NULL), sizeof s);
    return (long)s;
}

/* A run without step s of the point's first run; line starts what follows. */
static int no_step(const tidy_grid *g, long line, long s, demob_error *err)
{
    char pre[80];
    where(g, 1, g->run, pre, sizeof pre);
    return demob_error_set(err, DEMOB_EINPUT,
                           "%s:%ld: no rows for %sstep %ld (every run holds the steps of run %ld; a missing row "
                           "is not 0)",
                           g->path, line, pre, s, g->run0);
}

/* The current run is over: each step of the first run seen. */
static int close_run(tidy_grid *g, demob_error *err)
{
    int rc = close_step(g, err);
    if (rc == 0 && !g->first_run && g->k + 1 < keytab_count(g->steps))
        rc = no_step(g, g->line, step_at(g, g->k + 1), err);
    return rc;
}

/* Step s starts (k: its index if it follows the first run's steps). */
static int next_step(tidy_grid *g, long s, long line, demob_error *err)
{
    int64_t key = s;
    if (g->first_run) {
        int added;
        long i = keytab_intern(g->steps, &key, sizeof key, &added);
        if (i < 0)
            return oom(g, err);
        if (!added)
            return demob_error_set(err, DEMOB_EINPUT,
                                   "%s:%ld: the rows of step %ld are not together; demob writes each step of a "
                                   "run in one block of rows", g->path, line, s);
        g->k = (size_t)i;
        return 0;
    }
    size_t n = keytab_count(g->steps);
    if (g->k < n && step_at(g, g->k) == s)
        return 0;
    long i = keytab_find(g->steps, &key, sizeof key);
    char pre[80];
    where(g, 1, g->run0, pre, sizeof pre);
    if (i < 0)
        return demob_error_set(err, DEMOB_EINPUT,
                               "%s: no rows for %sstep %ld (line %ld has them for run %ld; every run holds the "
                               "same steps; a missing row is not 0)",
                               g->path, pre, s, line, g->run);
    if ((size_t)i > g->k)
        return no_step(g, line, step_at(g, g->k), err);
    return demob_error_set(err, DEMOB_EINPUT,
                           "%s:%ld: step %ld of run %ld comes again or out of the order of run %ld's steps; demob "
                           "writes each step of a run in one block of rows, in order", g->path, line, s, g->run,
                           g->run0);
}

/* A new block of rows (point, run): not one read before. */
static int new_run(tidy_grid *g, const tidy_row *row, demob_error *err)
{
    int64_t bk[2] = { row->point, row->run };
    int added;
    if (!g->runs && !(g->runs = keytab_new()))
        return oom(g, err);
    if (keytab_intern(g->runs, bk, sizeof bk, &added) < 0)
        return oom(g, err);
    if (!added)
        return demob_error_set(err, DEMOB_EINPUT,
                               "%s:%ld: the rows of run %ld are not together; demob writes each run in one block of "
                               "rows", g->path, row->line, row->run);
    return 0;
}

int tidy_grid_row(tidy_grid *g, const tidy_row *row, const char *key, size_t len, demob_error *err)
{
    int rc = 0;
    if (row->run >= 0 && (!g->active || row->point != g->point || row->run != g->run) &&
        (rc = new_run(g, row, err)) != 0)
        return rc;
    if (!g->active || row->point != g->point) {
        if (g->active && (rc = close_run(g, err)) != 0)
            return rc;
        keytab_free(g->cells);
        keytab_free(g->steps);
        g->cells = keytab_new();
        g->steps = keytab_new();
        if (!g->cells || !g->steps)
            return oom(g, err);
        g->active = g->first_run = g->first_step = 1;
        g->point = row->point;
        g->run = g->run0 = row->run;
        g->step = g->step0 = row->step;
        if ((rc = next_step(g, row->step, row->line, err)) != 0)
            return rc;
    } else if (row->run != g->run) {
        if ((rc = close_run(g, err)) != 0)
            return rc;
        g->first_run = 0;
        g->run = row->run;
        g->step = row->step;
        g->k = 0;
        if ((rc = next_step(g, row->step, row->line, err)) != 0)
            return rc;
    } else if (row->step != g->step) {
        if ((rc = close_step(g, err)) != 0)
            return rc;
        g->k++;
        if ((rc = next_step(g, row->step, row->line, err)) != 0)
            return rc;
        g->step = row->step;
    }
    g->line = row->line;
    if (g->first_step)
        return keytab_intern(g->cells, key, len, NULL) < 0 ? oom(g, err) : 0;
    size_t have;
    const char *expect = g->next < keytab_count(g->cells) ? keytab_key(g->cells, g->next, &have) : NULL;
    long i = expect && have == len && memcmp(expect, key, len) == 0 ? (long)g->next : keytab_find(g->cells, key, len);
    g->next = (size_t)i + 1;
    if (i < 0)
        return no_cell(g, 0, row->line, g->run0, g->step0, key, err);
    if (!g->got[i]) {
        g->got[i] = 1;
        g->n_got++;
    }
    return 0;
}

int tidy_grid_end(tidy_grid *g, demob_error *err)
{
    return g->active ? close_run(g, err) : 0;
}
