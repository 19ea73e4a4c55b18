/* fit_data.c - reads a fit folder (see fit_data.h) through csv_read.c:
 * the columns are found by name, so extra ones are read past. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fit_data.h"
#include "plot.h"
#include "util/csv_read.h"
#include "util/path.h"

int report_fit_is_fit(const char *dir)
{
    static const char *const names[] = { "fitted.csv", "estimates.csv" };
    char path[PATH_MAX];
    if (path_kind(dir) != 1)
        return 0;
    for (int i = 0; i < 2; i++) {
        path_join(path, sizeof path, dir, names[i]);
        if (path_kind(path) == 2)
            return 1;
    }
    path_join(path, sizeof path, dir, "manifest.json");
    jflat m = { 0 };
    demob_error err = { 0 };
    int fit = path_kind(path) == 2 && jflat_load(path, &m, &err) == 0 && jflat_get(&m, "command") &&
              strcmp(jflat_get(&m, "command"), "fit") == 0;
    jflat_free(&m);
    return fit;
}

/* Opens dir/name and finds the columns cols[0..n-1] (their indexes into
 * idx); a missing one is an error naming path:1. */
static csv_reader *open_cols(const char *dir, const char *name, const char *const *cols, int n, int *idx,
                             demob_error *err)
{
    char path[PATH_MAX];
    path_join(path, sizeof path, dir, name);
    if (path_kind(path) != 2) {
        demob_error_set(err, DEMOB_EINPUT, "%s: no %s: not a complete output of demob fit", dir, name);
        return NULL;
    }
    csv_reader *r = csvr_open(path, err);
    for (int i = 0; r && i < n; i++) {
        if ((idx[i] = csvr_find(r, cols[i])) < 0) {
            demob_error_set(err, DEMOB_EINPUT, "%s:1: no column '%s' (demob fit writes it)", path, cols[i]);
            csvr_close(r);
            return NULL;
        }
    }
    return r;
}

/* A number cell; empty gives NaN when empty_ok. */
static int cell(const csv_reader *r, int c, int empty_ok, double *out, demob_error *err)
{
    if (empty_ok && csvr_field_len(r, (size_t)c) == 0) {
        *out = NAN;
        return 0;
    }
    return csvr_number(r, (size_t)c, out, err);
}

static int grow(void **p, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return 0;
    size_t c = *cap ? *cap * 2 : 64;
    void *q = realloc(*p, c * size);
    if (!q)
        return -1;
    *p = q;
    *cap = c;
    return 0;
}

static int oom(demob_error *err)
{
    return demob_error_set(err, DEMOB_ERUN, "out of memory");
}

/* The last step a row of fitted.csv may name: the manifest's steps, else
 * STEP_TOP, 2^53, the largest whole number a double holds exactly (a step
 * is read as a double and kept as a long). */
#define STEP_TOP 9007199254740992.0
static double last_step(const report_fit *f)
{
    const char *s = jflat_get(&f->manifest, "steps");
    char *end;
    double v = s ? strtod(s, &end) : -1;
    return s && *s && !*end && v >= 1 && v < STEP_TOP ? v : STEP_TOP;
}

static int read_fitted(const char *dir, report_fit *f, demob_error *err)
{
    static const char *const cols[] = { "series", "origin", "step", "date", "observed", "predicted", "lo", "hi" };
    int c[8];
    double top = last_step(f);
    csv_reader *r = open_cols(dir, "fitted.csv", cols, 8, c, err);
    if (!r)
        return DEMOB_EINPUT;
    size_t cap = 0;
    int rc, k;
    while ((rc = csvr_next(r, err)) > 0) {
        if (grow((void **)&f->obs, &cap, f->n_obs, sizeof *f->obs)) {
            rc = oom(err);
            break;
        }
        report_fit_obs *o = &f->obs[f->n_obs];
        memset(o, 0, sizeof *o);
        double v[5];
        for (k = 0; k < 5 && (rc = cell(r, c[2 + (k ? k + 1 : 0)], k >= 2, &v[k], err)) == 0; k++)
            ;
        if (rc != 0)
            break;
        long line, col;
        csvr_field_pos(r, (size_t)c[2], &line, &col);
        if (v[0] < 0 || v[0] != floor(v[0])) {
            rc = demob_error_set(err, DEMOB_EINPUT, "%s:%ld:%ld: step '%s' is not a whole number >= 0",
                                 csvr_name(r), line, col, csvr_field(r, (size_t)c[2]));
            break;
        }
        if (v[0] > top) {
            if (top < STEP_TOP)
                rc = demob_error_set(err, DEMOB_EINPUT, "%s:%ld:%ld: step '%s' is beyond the fit's %.0f steps "
                                     "(manifest.json)", csvr_name(r), line, col, csvr_field(r, (size_t)c[2]), top);
            else
                rc = demob_error_set(err, DEMOB_EINPUT, "%s:%ld:%ld: step '%s' is too large", csvr_name(r), line,
                                     col, csvr_field(r, (size_t)c[2]));
            break;
        }
        o->step = (long)v[0];
        o->observed = v[1];
        o->predicted = v[2];
        o->lo = v[3];
        o->hi = v[4];
        o->series = strdup(csvr_field(r, (size_t)c[0]));
        o->origin = strdup(csvr_field(r, (size_t)c[1]));
        o->date = strdup(csvr_field(r, (size_t)c[3]));
        f->n_obs++;
        if (!o->series || !o->origin || !o->date) {
            rc = oom(err);
            break;
        }
    }
    if (rc == 0 && f->n_obs == 0)
        rc = demob_error_set(err, DEMOB_EINPUT, "%s: no observations", csvr_name(r));
    csvr_close(r);
    return rc < 0 ? err->status : rc;
}

static int read_estimates(const char *dir, report_fit *f, demob_error *err)
{
    static const char *const cols[] = { "param", "estimate", "sd", "q2.5", "q50", "q97.5", "rhat", "ess" };
    int c[8];
    csv_reader *r = open_cols(dir, "estimates.csv", cols, 8, c, err);
    if (!r)
        return DEMOB_EINPUT;
    size_t cap = 0;
    int rc;
    while ((rc = csvr_next(r, err)) > 0) {
        if (grow((void **)&f->est, &cap, f->n_est, sizeof *f->est)) {
            rc = oom(err);
            break;
        }
        report_fit_est *e = &f->est[f->n_est];
        double v[7];
        for (int k = 0; k < 7 && rc >= 0; k++)
            if (cell(r, c[k + 1], k > 0, &v[k], err) != 0)
                rc = -1;
        if (rc < 0)
            break;
        *e = (report_fit_est){ strdup(csvr_field(r, (size_t)c[0])), v[0], v[1], v[2], v[3], v[4], v[5], v[6] };
        f->n_est++;
        if (!e->param) {
            rc = oom(err);
            break;
        }
    }
    if (rc == 0 && f->n_est == 0)
        rc = demob_error_set(err, DEMOB_EINPUT, "%s: no params", csvr_name(r));
    csvr_close(r);
    return rc < 0 ? err->status : rc;
}

/* posterior.csv: its params must be those of estimates.csv. */
static int read_posterior(const char *dir, report_fit *f, demob_error *err)
{
    char path[PATH_MAX];
    path_join(path, sizeof path, dir, "posterior.csv");
    if (path_kind(path) != 2)
        return 0;
    size_t np = f->n_est, cap = 0, capc = 0, capi = 0;
    const char **cols = calloc(np + 2, sizeof *cols);
    int *c = calloc(np + 2, sizeof *c);
    if (!cols || !c) {
        free(cols);
        free(c);
        return oom(err);
    }
    cols[0] = "chain";
    cols[1] = "iteration";
    for (size_t p = 0; p < np; p++)
        cols[p + 2] = f->est[p].param;
    csv_reader *r = open_cols(dir, "posterior.csv", cols, (int)np + 2, c, err);
    int rc = r ? 0 : DEMOB_EINPUT;
    while (r && (rc = csvr_next(r, err)) > 0) {
        size_t d = f->n_draws;
        if (grow((void **)&f->chain, &capc, d, sizeof *f->chain) ||
            grow((void **)&f->iteration, &capi, d, sizeof *f->iteration) ||
            grow((void **)&f->draws, &cap, d * np + np, sizeof *f->draws)) {
            rc = oom(err);
            break;
        }
        double ch, it;
        if (cell(r, c[0], 0, &ch, err) || cell(r, c[1], 0, &it, err)) {
            rc = -1;
            break;
        }
        for (size_t p = 0; p < np && rc >= 0; p++)
            if (cell(r, c[p + 2], 0, &f->draws[d * np + p], err))
                rc = -1;
        if (rc < 0)
            break;
        f->chain[d] = (long)ch;
        f->iteration[d] = (long)it;
        if (f->chain[d] > f->n_chains)
            f->n_chains = f->chain[d];
        f->n_draws++;
    }
    csvr_close(r);
    free(cols);
    free(c);
    return rc < 0 ? err->status : rc;
}

int report_fit_load(const char *dir, report_fit *f, demob_error *err)
{
    memset(f, 0, sizeof *f);
    char path[PATH_MAX];
    path_join(path, sizeof path, dir, "manifest.json");
    if (path_kind(dir) != 1)
        return demob_error_set(err, DEMOB_EINPUT, "%s: no such folder", dir);
    int rc = 0;
    if (path_kind(path) == 2 && (rc = jflat_load(path, &f->manifest, err)) != 0)
        return rc;
    const char *m = jflat_get(&f->manifest, "method");
    snprintf(f->method, sizeof f->method, "%s", m ? m : "");
    plot_dir_label(dir, f->label, sizeof f->label);
    if ((rc = read_fitted(dir, f, err)) != 0 || (rc = read_estimates(dir, f, err)) != 0)
        return rc;
    return read_posterior(dir, f, err);
}

void report_fit_free(report_fit *f)
{
    for (size_t i = 0; i < f->n_obs; i++) {
        free(f->obs[i].series);
        free(f->obs[i].origin);
        free(f->obs[i].date);
    }
    for (size_t i = 0; i < f->n_est; i++)
        free(f->est[i].param);
    free(f->obs);
    free(f->est);
    free(f->chain);
    free(f->iteration);
    free(f->draws);
    jflat_free(&f->manifest);
    memset(f, 0, sizeof *f);
}

int report_fit_warned(const report_fit_est *e)
{
    return (!isnan(e->rhat) && e->rhat > 1.01) || (!isnan(e->ess) && e->ess < 400);
}
