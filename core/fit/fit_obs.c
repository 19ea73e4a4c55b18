/* fit_obs.c - observation series: reading their tidy CSV files, the
 * model's prediction of each row during a run, and the likelihood of the
 * observed counts (see fit_obs.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fit_obs.h"
#include "sweep/sweep_design.h"
#include "util/csv_read.h"
#include "util/sha256.h"

static int oom(demob_error *err)
{
    return demob_error_set(err, DEMOB_ERUN, "out of memory");
}

static char *dup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

void fit_obs_init(fit_obs *o)
{
    memset(o, 0, sizeof *o);
}

static void series_free(fit_series *s)
{
    for (int i = 0; i < s->n_rows; i++) {
        free(s->rows[i].origins);
        free(s->rows[i].origin);
    }
    free(s->rows);
    free(s->targets);
    free(s->origins);
    free(s->name);
    free(s->file);
    free(s->where);
}

void fit_obs_free(fit_obs *o)
{
    for (int i = 0; i < o->n_series; i++)
        series_free(&o->series[i]);
    free(o->series);
    fit_obs_init(o);
}

/* Reads the rows of s from its file. */
static int read_rows(fit_series *s, const demob_model *m, const char *data, size_t len, demob_error *err)
{
    csv_reader *r = csvr_open_mem(s->file, data, len, err);
    if (!r)
        return DEMOB_EINPUT;
    int c_step = csvr_find(r, "step"), c_date = csvr_find(r, "date"), c_origin = csvr_find(r, "origin");
    int c_count = csvr_find(r, "count"), c_sd = csvr_find(r, "sd"), c_trials = csvr_find(r, "trials");
    int rc = 0, cap = 0, n_origins = demob_model_n_origins(m), steps = demob_model_steps(m);
    const char *path = s->file;
    if (c_count < 0)
        rc = demob_error_set(err, DEMOB_EINPUT, "%s:1: observe '%s': no 'count' column", path, s->name);
    else if (c_step < 0 && c_date < 0)
        rc = demob_error_set(err, DEMOB_EINPUT, "%s:1: observe '%s': no 'date' or 'step' column", path, s->name);
    else if (s->lik == FIT_NORMAL && isnan(s->sd) && c_sd < 0)
        rc = demob_error_set(err, DEMOB_EINPUT,
                             "%s:1: observe '%s': a normal likelihood needs sd = in observe{} or an 'sd' column",
                             path, s->name);
    else if (s->lik == FIT_BINOMIAL && isnan(s->trials) && c_trials < 0)
        rc = demob_error_set(err, DEMOB_EINPUT,
                             "%s:1: observe '%s': a binomial likelihood needs trials = in observe{} or a 'trials' column",
                             path, s->name);
    int *buf = malloc((size_t)(n_origins > 0 ? n_origins : 1) * sizeof *buf);
    if (!buf && rc == 0)
        rc = oom(err);
    while (rc == 0) {
        int more = csvr_next(r, err);
        if (more < 0) {
            rc = DEMOB_EINPUT;
            break;
        }
        if (!more)
            break;
        if (s->n_rows == cap) {
            cap = cap ? 2 * cap : 16;
            fit_row *nr = realloc(s->rows, (size_t)cap * sizeof *nr);
            if (!nr) {
                rc = oom(err);
                break;
            }
            s->rows = nr;
        }
        fit_row *row = &s->rows[s->n_rows];
        memset(row, 0, sizeof *row);
        row->sd = NAN;
        row->trials = NAN;
        row->prev = -1;
        row->line = csvr_line(r);
        s->n_rows++;
        long line, col;
        /* The step: a whole number, or a date of the calendar. */
        int c = c_step >= 0 && csvr_field_len(r, (size_t)c_step) > 0 ? c_step : c_date;
        csvr_field_pos(r, (size_t)(c >= 0 ? c : 0), &line, &col);
        if (c < 0 || csvr_field_len(r, (size_t)c) == 0) {
            rc = demob_error_set(err, DEMOB_EINPUT, "%s:%ld:%ld: observe '%s': no step or date", path, line, col,
                                 s->name);
            break;
        }
        if (c == c_step) {
            double x;
            if ((rc = csvr_number(r, (size_t)c, &x, err)))
                break;
            if (x != floor(x) || x < 0 || x > steps) {
                rc = demob_error_set(err, DEMOB_EINPUT, "%s:%ld:%ld: observe '%s': step %g is outside the run (0..%d)",
                                     path, line, col, s->name, x, steps);
                break;
            }
            row->step = (int)x;
        } else {
            demob_error e = {0};
            int t = demob_model_step_of_date(m, csvr_field(r, (size_t)c), &e);
            if (t < 0) {
                rc = demob_error_set(err, DEMOB_EINPUT, "%s:%ld:%ld: observe '%s': %s", path, line, col, s->name,
                                     e.message);
                break;
            }
            if (t > steps) {
                rc = demob_error_set(err, DEMOB_EINPUT,
                                     "%s:%ld:%ld: observe '%s': date %s is after the run's end (step %d > %d)", path,
                                     line, col, s->name, csvr_field(r, (size_t)c), t, steps);
                break;
            }
            row->step = t;
        }
        /* The origins: a name, a tag, or empty for all. */
        const char *on = c_origin >= 0 ? csvr_field(r, (size_t)c_origin) : "";
        if (!(row->origin = dup(on))) {
            rc = oom(err);
            break;
        }
        int k = n_origins;
        if (*on) {
            k = demob_model_resolve_origins(m, on, buf, NULL);
            if (k <= 0) {
                csvr_field_pos(r, (size_t)c_origin, &line, &col);
                rc = demob_error_set(err, DEMOB_EINPUT, "%s:%ld:%ld: observe '%s': unknown origin or tag '%s'", path,
                                     line, col, s->name, on);
                break;
            }
        } else if (s->n_origins > 0) {
            k = s->n_origins;
            memcpy(buf, s->origins, (size_t)k * sizeof *buf);
        } else {
            for (int i = 0; i < n_origins; i++)
                buf[i] = i;
        }
        if (!(row->origins = malloc((size_t)(k > 0 ? k : 1) * sizeof *row->origins))) {
            rc = oom(err);
            break;
        }
        memcpy(row->origins, buf, (size_t)k * sizeof *buf);
        row->n_origins = k;
        if ((rc = csvr_number(r, (size_t)c_count, &row->count, err)))
            break;
        row->log_fact = lgamma(row->count + 1);
        if (row->count < 0) {
            csvr_field_pos(r, (size_t)c_count, &line, &col);
            rc = demob_error_set(err, DEMOB_EINPUT, "%s:%ld:%ld: observe '%s': count %g is negative", path, line,
                                 col, s->name, row->count);
            break;
        }
        if (c_sd >= 0 && csvr_field_len(r, (size_t)c_sd) > 0) {
            if ((rc = csvr_number(r, (size_t)c_sd, &row->sd, err)))
                break;
            if (!(row->sd > 0)) {
                csvr_field_pos(r, (size_t)c_sd, &line, &col);
                rc = demob_error_set(err, DEMOB_EINPUT, "%s:%ld:%ld: observe '%s': sd %g must be > 0", path, line,
                                     col, s->name, row->sd);
                break;
            }
        } else if (s->lik == FIT_NORMAL && isnan(s->sd)) {
            csvr_field_pos(r, (size_t)c_sd, &line, &col);
            rc = demob_error_set(err, DEMOB_EINPUT, "%s:%ld:%ld: observe '%s': sd is empty", path, line, col,
                                 s->name);
            break;
        }
        if (s->lik == FIT_BINOMIAL && c_trials >= 0 && csvr_field_len(r, (size_t)c_trials) > 0 &&
            (rc = csvr_number(r, (size_t)c_trials, &row->trials, err)))
            break;
        double n = isnan(row->trials) ? s->trials : row->trials;
        if (s->lik == FIT_BINOMIAL && !(n >= row->count && n == floor(n))) {
            rc = demob_error_set(err, DEMOB_EINPUT, "%s:%ld: observe '%s': trials %g must be a whole number >= the count %g",
                                 path, row->line, s->name, n, row->count);
            break;
        }
        /* The previous row of the same origin (a flow's period). */
        for (int i = s->n_rows - 2; i >= 0; i--) {
            if (strcmp(s->rows[i].origin, row->origin) == 0) {
                row->prev = i;
                if (s->rows[i].step >= row->step && s->kind == FIT_FLOW) {
                    rc = demob_error_set(err, DEMOB_EINPUT,
                                         "%s:%ld: observe '%s': rows of origin '%s' must go forward in time (step %d "
                                         "after step %d, line %ld)",
                                         path, row->line, s->name, row->origin, row->step, s->rows[i].step,
                                         s->rows[i].line);
                }
                break;
            }
        }
    }
    if (rc == 0 && s->n_rows == 0)
        rc = demob_error_set(err, DEMOB_EINPUT, "%s: observe '%s': the series has no rows", path, s->name);
    free(buf);
    csvr_close(r);
    return rc;
}

int fit_obs_add(fit_obs *o, const demob_model *m, const char *name, const char *where, const char *path,
                const char *data, size_t len, fit_obs_kind kind, const int *targets, int n_targets, const int *origins, int n_origins,
                fit_lik_kind lik, demob_value dispersion, double dispersion_value, double sd, double trials,
                demob_error *err)
{
    if (o->n_series == o->cap_series) {
        int cap = o->cap_series ? 2 * o->cap_series : 4;
        fit_series *ns = realloc(o->series, (size_t)cap * sizeof *ns);
        if (!ns)
            return oom(err);
        o->series = ns;
        o->cap_series = cap;
    }
    fit_series *s = &o->series[o->n_series];
    memset(s, 0, sizeof *s);
    s->kind = kind;
    s->lik = lik;
    s->dispersion = dispersion;
    s->dispersion_value = dispersion_value;
    s->sd = sd;
    s->trials = trials;
    s->name = dup(name);
    s->where = dup(where);
    s->file = dup(path);
    s->targets = malloc((size_t)(n_targets > 0 ? n_targets : 1) * sizeof *s->targets);
    s->origins = malloc((size_t)(n_origins > 0 ? n_origins : 1) * sizeof *s->origins);
    if (!s->name || !s->where || !s->file || !s->targets || !s->origins) {
        series_free(s);
        return oom(err);
    }
    memcpy(s->targets, targets, (size_t)n_targets * sizeof *targets);
    s->n_targets = n_targets;
    if (n_origins > 0)
        memcpy(s->origins, origins, (size_t)n_origins * sizeof *origins);
    s->n_origins = n_origins;
    int rc = read_rows(s, m, data, len, err);
    if (rc == 0)
        sha256_data_hex(data, len, s->sha256);
    if (rc) {
        series_free(s);
        return rc;
    }
    o->n_series++;
    o->n_rows += s->n_rows;
    return 0;
}

int fit_obs_check_steps(const fit_obs *o, const demob_model *m, demob_error *err)
{
    int steps = demob_model_steps(m);
    for (int i = 0; i < o->n_series; i++)
        for (int j = 0; j < o->series[i].n_rows; j++)
            if (o->series[i].rows[j].step > steps)
                return demob_error_set(err, DEMOB_EINPUT, "%s:%ld: observe '%s': step %d is after the run's end (%d steps)",
                                       o->series[i].file, o->series[i].rows[j].line, o->series[i].name,
                                       o->series[i].rows[j].step, steps);
    return 0;
}

int fit_obs_steps_build(const fit_obs *o, int steps, fit_obs_steps *ix, demob_error *err)
{
    memset(ix, 0, sizeof *ix);
    ix->steps = steps;
    size_t n = (size_t)o->n_rows + 1;
    ix->start = calloc((size_t)steps + 2, sizeof *ix->start);
    ix->flat = malloc(n * sizeof *ix->flat);
    ix->series = malloc(n * sizeof *ix->series);
    ix->row = malloc(n * sizeof *ix->row);
    if (!ix->start || !ix->flat || !ix->series || !ix->row) {
        fit_obs_steps_free(ix);
        return oom(err);
    }
    /* Counting sort by step (rows after the last step are never read). */
    for (int i = 0; i < o->n_series; i++)
        for (int j = 0; j < o->series[i].n_rows; j++)
            if (o->series[i].rows[j].step <= steps)
                ix->start[o->series[i].rows[j].step + 1]++;
    for (int t = 0; t <= steps; t++)
        ix->start[t + 1] += ix->start[t];
    int *fill = malloc(((size_t)steps + 1) * sizeof *fill);
    if (!fill) {
        fit_obs_steps_free(ix);
        return oom(err);
    }
    memcpy(fill, ix->start, ((size_t)steps + 1) * sizeof *fill);
    for (int i = 0, k = 0; i < o->n_series; i++)
        for (int j = 0; j < o->series[i].n_rows; j++, k++) {
            int t = o->series[i].rows[j].step;
            if (t > steps)
                continue;
            int at = fill[t]++;
            ix->flat[at] = k;
            ix->series[at] = i;
            ix->row[at] = j;
        }
    free(fill);
    return 0;
}

void fit_obs_steps_free(fit_obs_steps *ix)
{
    free(ix->start);
    free(ix->flat);
    free(ix->series);
    free(ix->row);
    memset(ix, 0, sizeof *ix);
}

void fit_obs_record(const fit_obs *o, const fit_obs_steps *ix, const demob_sim *sim, double *raw)
{
    int t = demob_sim_time(sim);
    if (t > ix->steps)
        return;
    for (int q = ix->start[t]; q < ix->start[t + 1]; q++) {
        const fit_series *s = &o->series[ix->series[q]];
        const fit_row *r = &s->rows[ix->row[q]];
        double v = 0;
        for (int a = 0; a < r->n_origins; a++)
            for (int b = 0; b < s->n_targets; b++)
                v += s->kind == FIT_STOCK ? demob_sim_stock(sim, r->origins[a], s->targets[b])
                                          : demob_sim_cumulative(sim, r->origins[a], s->targets[b]);
        raw[ix->flat[q]] = v;
    }
}

void fit_obs_predictions(const fit_obs *o, const double *raw, double *pred)
{
    int k = 0;
    for (int i = 0; i < o->n_series; i++) {
        const fit_series *s = &o->series[i];
        for (int j = 0; j < s->n_rows; j++, k++) {
            double v = raw[k];
            if (s->kind == FIT_FLOW && s->rows[j].prev >= 0)
                v -= raw[k - j + s->rows[j].prev];
            pred[k] = v < 0 ? 0 : v; /* rounding of differences */
        }
    }
}

static double dispersion_of(const fit_series *s, const double *values)
{
    return s->dispersion >= 0 ? values[s->dispersion] : s->dispersion_value;
}

double fit_obs_row_loglik(const fit_series *s, const fit_row *r, double mu, const double *values)
{
    double y = r->count;
    switch (s->lik) {
    case FIT_POISSON:
        if (!(mu > 0))
            return y == 0 ? 0 : -INFINITY;
        return y * log(mu) - mu - (y == r->count ? r->log_fact : lgamma(y + 1));
    case FIT_NEGBIN: {
        double k = dispersion_of(s, values);
        if (!(k > 0))
            return -INFINITY;
        if (!(mu > 0))
            return y == 0 ? 0 : -INFINITY;
        return lgamma(y + k) - lgamma(k) - lgamma(y + 1) + k * log(k / (k + mu)) + y * log(mu / (k + mu));
    }
    case FIT_NORMAL: {
        double sd = isnan(r->sd) ? s->sd : r->sd, z = (y - mu) / sd;
        return -0.5 * z * z - log(sd) - 0.5 * log(2 * M_PI);
    }
    case FIT_BINOMIAL: {
        double n = isnan(r->trials) ? s->trials : r->trials, q = mu / n;
        if (!(q >= 0 && q <= 1 + 1e-12) || y > n)
            return -INFINITY;
        if (q > 1)
            q = 1;
        double lc = lgamma(n + 1) - lgamma(y + 1) - lgamma(n - y + 1);
        return lc + (y > 0 ? y * log(q) : 0) + (n - y > 0 ? (n - y) * log1p(-q) : 0);
    }
    }
    return -INFINITY;
}

double fit_obs_loglik(const fit_obs *o, const double *pred, const double *values, int *worst)
{
    double ll = 0;
    int k = 0;
    if (worst)
        *worst = -1;
    for (int i = 0; i < o->n_series; i++) {
        const fit_series *s = &o->series[i];
        for (int j = 0; j < s->n_rows; j++, k++) {
            double l = fit_obs_row_loglik(s, &s->rows[j], pred[k], values);
            if (isnan(l))
                l = -INFINITY;
            if (worst && *worst < 0 && l == -INFINITY)
                *worst = k;
            ll += l;
        }
    }
    return ll;
}

void fit_obs_memo_clear(fit_obs_memo *memo, const fit_obs_steps *ix, int t)
{
    for (int q = ix->start[t]; q < ix->start[t + 1]; q++)
        for (int h = 0; h < FIT_OBS_MEMO; h++)
            memo[(size_t)ix->flat[q] * FIT_OBS_MEMO + (size_t)h].mu = NAN;
}

/* Row q of step t: its series, row, flat index and (a flow since the
 * previous row) that row's flat index, else -1. */
typedef struct row_ref {
    const fit_series *s;
    const fit_row *r;
    int k, prev;
} row_ref;

static inline row_ref row_ref_of(const fit_obs *o, const fit_obs_steps *ix, int q)
{
    row_ref x;
    x.s = &o->series[ix->series[q]];
    int j = ix->row[q];
    x.r = &x.s->rows[j];
    x.k = ix->flat[q];
    x.prev = x.s->kind == FIT_FLOW && x.r->prev >= 0 ? x.k - j + x.r->prev : -1;
    return x;
}

/* The row's log-likelihood given one run's raw values, through the memo
 * when there is one. */
static inline double row_at(const row_ref *x, const double *raw, const double *values, fit_obs_memo *memo)
{
    double mu = raw[x->k];
    if (x->prev >= 0)
        mu -= raw[x->prev];
    if (mu < 0)
        mu = 0;
    if (memo) {
        /* Counts: the low bits of the integer part pick the entry
         * (NaN and huge predictions share entry 0). The memo keeps the
         * value returned (NaN already -inf). */
        uint64_t h = mu < 0x1p62 ? (uint64_t)(int64_t)mu & (FIT_OBS_MEMO - 1) : 0;  /* mu >= 0: signed is exact */
        fit_obs_memo *e = &memo[(size_t)x->k * FIT_OBS_MEMO + h];
        if (e->mu != mu) {
            double l = fit_obs_row_loglik(x->s, x->r, mu, values);
            e->mu = mu;
            e->l = isnan(l) ? -INFINITY : l;
        }
        return e->l;
    }
    double l = fit_obs_row_loglik(x->s, x->r, mu, values);
    return isnan(l) ? -INFINITY : l;
}

void fit_obs_weights_at(const fit_obs *o, const fit_obs_steps *ix, int t, const double *raw, size_t stride,
                        int n, const double *values, fit_obs_memo *memo, double *lw)
{
    for (int i = 0; i < n; i++)
        lw[i] = 0;
    for (int q = ix->start[t]; q < ix->start[t + 1]; q++) {
        const row_ref x = row_ref_of(o, ix, q);
        for (int i = 0; i < n; i++)
            lw[i] += row_at(&x, raw + (size_t)i * stride, values, memo);
    }
}

/* The smallest whole y with CDF(y) >= p of a count distribution given by
 * its log-pmf (Poisson or negative binomial around mu). */
static double count_quantile(const fit_series *s, const fit_row *r, double mu, const double *values, double p)
{
    fit_row probe = *r;
    double cdf = 0;
    long limit = (long)(mu + 50 * sqrt(mu + 1) * 10 + 1000);
    for (long y = 0; y <= limit; y++) {
        probe.count = (double)y;
        probe.log_fact = lgamma((double)y + 1);   /* the row's own is for its observed count */
        cdf += exp(fit_obs_row_loglik(s, &probe, mu, values));
        if (cdf >= p)
            return (double)y;
    }
    return (double)limit;
}

void fit_obs_row_range(const fit_series *s, const fit_row *r, double mu, const double *values, double *lo,
                       double *hi)
{
    if (s->lik == FIT_NORMAL) {
        double sd = isnan(r->sd) ? s->sd : r->sd;
        *lo = mu + sd * sweep_norm_quantile(0.025);
        *hi = mu + sd * sweep_norm_quantile(0.975);
        return;
    }
    *lo = count_quantile(s, r, mu, values, 0.025);
    *hi = count_quantile(s, r, mu, values, 0.975);
}

void fit_obs_locate(const fit_obs *o, int i, int *series, int *row)
{
    int s = 0;
    while (s < o->n_series - 1 && i >= o->series[s].n_rows) {
        i -= o->series[s].n_rows;
        s++;
    }
    *series = s;
    *row = i;
}
