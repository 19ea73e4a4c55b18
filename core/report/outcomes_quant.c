/* outcomes_quant.c - the key outcomes of an output folder that holds no
 * populations.csv (the default file set of a large stochastic run): the
 * stocks by origin and state from quantiles.csv's means, the
 * distributions over runs of the totals by state, the peak and the costs
 * from summary.csv's columns (see outcomes.h: outcomes_load_quantiles). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "outcomes.h"
#include "tidy.h"
#include "util/json_flat.h"
#include "util/keytab.h"
#include "util/path.h"

/* The index of s in names, appended when new; -1 when out of memory. */
/* Appends a copy of s to names; its index, or -1 when memory runs out. */
static long append_name(char ***names, size_t *n, const char *s)
{
    char **v = realloc(*names, (*n + 1) * sizeof *v);
    if (!v)
        return -1;
    *names = v;
    if (!(v[*n] = strdup(s)))
        return -1;
    return (long)(*n)++;
}

/* The index of s in names (found through the hash table kt, which numbers
 * the same names in the same order), appending it when new; -1 when
 * memory runs out. */
static long name_index(keytab *kt, char ***names, size_t *n, const char *s)
{
    long i = kt ? keytab_find_str(kt, s) : -1;
    if (i >= 0)
        return i;
    if (!kt || keytab_intern_str(kt, s) != (long)*n)
        return -1;
    return append_name(names, n, s);
}

static long find_name(char *const *names, size_t n, const char *s)
{
    for (size_t i = 0; s && i < n; i++)
        if (strcmp(names[i], s) == 0)
            return (long)i;
    return -1;
}

/* Steps beyond this are refused (the populations reader's bound). */
#define QUANT_MAX_STEP 10000000

typedef struct qcell {
    long o, s, step;
    double mean;
} qcell;

static int oom(demob_error *err)
{
    return demob_error_set(err, DEMOB_ERUN, "out of memory");
}

/* Reads quantiles.csv's stock rows (origin "all" holds outcomes) into
 * names, dates and a list of cells. */
static int read_cells(const char *path, long point, outcomes *out, qcell **cells, size_t *n, demob_error *err)
{
    tidy_reader *t = tidy_open_kind(path, TIDY_QUANTILES, err);
    if (!t)
        return err->status;
    int rc = 0;
    size_t cap = 0;
    keytab *ko = keytab_new(), *ks = keytab_new();   /* origins, states: hashed */
    if (tidy_has_point(t) && point < 0)
        rc = demob_error_set(err, DEMOB_EINPUT,
                             "%s: holds sweep points and the folder no populations.csv; choose a "
                             "point with --point N", path);
    tidy_row row;
    int got;
    while (rc == 0 && (got = tidy_next(t, &row, err)) != 0) {
        if (got < 0) {
            rc = err->status ? err->status : DEMOB_EINPUT;
            break;
        }
        if ((point >= 0 && row.point != point) || strcmp(row.origin, "all") == 0)
            continue;
        if (row.step > QUANT_MAX_STEP) {
            rc = demob_error_set(err, DEMOB_EINPUT, "%s:%ld: step %ld is beyond any run (at most %d)", path,
                                 row.line, row.step, QUANT_MAX_STEP);
            break;
        }
        long o = name_index(ko, &out->origins, &out->n_origins, row.origin);
        long s = name_index(ks, &out->states, &out->n_states, row.item);
        if (o < 0 || s < 0)
            rc = oom(err);
        else if ((rc = outcomes_set_date(out, row.step, row.date, err)) == 0 && *n == cap) {
            cap = cap ? cap * 2 : 256;
            qcell *c = realloc(*cells, cap * sizeof *c);
            if (!c)
                rc = oom(err);
            else
                *cells = c;
        }
        if (rc != 0)
            break;
        (*cells)[(*n)++] = (qcell){ o, s, row.step, row.value };
        if (out->first_step < 0 || row.step < out->first_step)
            out->first_step = row.step;
        if (row.step > out->final_step)
            out->final_step = row.step;
    }
    if (rc == 0 && *n == 0)
        rc = demob_error_set(err, DEMOB_EINPUT, "%s: no rows of stocks", path);
    keytab_free(ko);
    keytab_free(ks);
    tidy_close(t);
    return rc;
}

/* Per-run values from summary.csv: final.<state>, peak.<peak state>,
 * cost.<category> and cost.total. */
typedef struct per_run {
    outcomes_vec *final;     /* per state */
    outcomes_vec peak, cost_total;
    outcomes_vec *cost;      /* per category */
    size_t cost_cap;
    long runs;
} per_run;

static int add_cost(per_run *p, outcomes *out, const char *cat, double v)
{
    long c = find_name(out->categories, out->n_categories, cat);
    if (c < 0)
        c = append_name(&out->categories, &out->n_categories, cat);
    if (c < 0)
        return -1;
    if (out->n_categories > p->cost_cap) {
        outcomes_vec *nv = realloc(p->cost, out->n_categories * sizeof *nv);
        if (!nv)
            return -1;
        memset(nv + p->cost_cap, 0, (out->n_categories - p->cost_cap) * sizeof *nv);
        p->cost = nv;
        p->cost_cap = out->n_categories;
    }
    return outcomes_vec_push(&p->cost[c], v);
}

static int read_summary(const char *path, long point, const char *peak_state, outcomes *out, per_run *p,
                        demob_error *err)
{
    tidy_reader *t = tidy_open_kind(path, TIDY_SUMMARY, err);
    if (!t)
        return err->status;
    int rc = 0;
    tidy_row row;
    int got;
    long last_point = -2, last_run = -2;
    while (rc == 0 && (got = tidy_next(t, &row, err)) != 0) {
        if (got < 0) {
            rc = err->status ? err->status : DEMOB_EINPUT;
            break;
        }
        if (point >= 0 && row.point != point)
            continue;
        if (row.point != last_point || row.run != last_run) {
            p->runs++;
            last_point = row.point;
            last_run = row.run;
        }
        int bad = 0;
        long s;
        if (strncmp(row.item, "final.", 6) == 0 &&
            (s = find_name(out->states, out->n_states, row.item + 6)) >= 0)
            bad = outcomes_vec_push(&p->final[s], row.value);
        else if (peak_state && strncmp(row.item, "peak.", 5) == 0 && strcmp(row.item + 5, peak_state) == 0)
            bad = outcomes_vec_push(&p->peak, row.value);
        else if (strcmp(row.item, "cost.total") == 0)
            bad = outcomes_vec_push(&p->cost_total, row.value);
        else if (strncmp(row.item, "cost.", 5) == 0)
            bad = add_cost(p, out, row.item + 5, row.value);
        if (bad)
            rc = oom(err);
    }
    tidy_close(t);
    return rc;
}

/* The runs: summary.csv's, else the manifest's "runs" (a sweep's point:
 * its "replicates"). */
static long manifest_runs(const char *dir, long point)
{
    char path[PATH_MAX];
    path_join(path, sizeof path, dir, "manifest.json");
    jflat m = { 0 };
    demob_error e = { 0 };
    long runs = 0;
    const char *key = point >= 0 ? "sweep.replicates" : "runs";
    if (path_kind(path) == 2 && jflat_load(path, &m, &e) == 0 && jflat_get(&m, key))
        runs = atol(jflat_get(&m, key));
    jflat_free(&m);
    return runs > 0 ? runs : 1;
}

/* Final stocks, totals, initial caseloads and the peak from the cells and
 * the per-run values. */
static int publish(const qcell *cells, size_t n, const char *peak_state, outcomes *out, per_run *p,
                   demob_error *err)
{
    size_t no = out->n_origins, ns = out->n_states;
    long span = out->final_step - out->first_step + 1;
    out->final_mean = calloc(no * ns + 1, sizeof *out->final_mean);
    out->final_total = calloc(ns + 1, sizeof *out->final_total);
    out->initial = calloc(no + 1, sizeof *out->initial);
    double *peak_series = calloc((size_t)span + 1, sizeof *peak_series);
    if (!out->final_mean || !out->final_total || !out->initial || !peak_series) {
        free(peak_series);
        return oom(err);
    }
    long peak_s = find_name(out->states, ns, peak_state);
    for (size_t s = 0; s < ns; s++)
        out->final_total[s] = (ostat){ out->n_runs, 0, NAN, NAN, NAN };
    for (size_t i = 0; i < n; i++) {
        const qcell *c = &cells[i];
        if (c->step == out->final_step) {
            out->final_mean[(size_t)c->o * ns + (size_t)c->s] = c->mean;
            out->final_total[c->s].mean += c->mean;
        }
        if (c->step == out->first_step)
            out->initial[c->o] += c->mean;
        if (c->s == peak_s)
            peak_series[c->step - out->first_step] += c->mean;
    }
    for (size_t s = 0; s < ns; s++)
        if (p->final[s].n > 0)
            outcomes_summarise(&p->final[s], &out->final_total[s]);
    if (peak_s >= 0 && p->peak.n > 0) {
        out->has_peak = 1;
        outcomes_summarise(&p->peak, &out->peak);
        /* The step at which the mean over runs peaks. */
        long best = 0;
        for (long t = 1; t < span; t++)
            if (peak_series[t] > peak_series[best])
                best = t;
        double at = (double)(best + out->first_step);
        out->peak_step = (ostat){ 1, at, at, at, at };
    }
    free(peak_series);
    if (out->n_categories > 0 || p->cost_total.n > 0) {
        out->has_costs = 1;
        if (!(out->cost = calloc(out->n_categories + 1, sizeof *out->cost)))
            return oom(err);
        for (size_t c = 0; c < out->n_categories; c++)
            outcomes_summarise(&p->cost[c], &out->cost[c]);
        outcomes_summarise(&p->cost_total, &out->cost_total);
    }
    return 0;
}

int outcomes_load_quantiles(const char *dir, const outcomes_options *o, outcomes *out, demob_error *err)
{
    memset(out, 0, sizeof *out);
    out->first_step = out->final_step = -1;
    out->from_quantiles = 1;
    out->milestone_source = "quantiles.csv";
    char path[PATH_MAX];
    path_join(path, sizeof path, dir, "quantiles.csv");
    qcell *cells = NULL;
    size_t n = 0;
    per_run p;
    memset(&p, 0, sizeof p);
    int rc = read_cells(path, o->point, out, &cells, &n, err);
    if (rc == 0 && !(p.final = calloc(out->n_states + 1, sizeof *p.final)))
        rc = oom(err);
    path_join(path, sizeof path, dir, "summary.csv");
    if (rc == 0 && path_kind(path) == 2)
        rc = read_summary(path, o->point, o->peak_state, out, &p, err);
    out->n_runs = p.runs > 0 ? p.runs : manifest_runs(dir, o->point);
    if (rc == 0)
        rc = publish(cells, n, o->peak_state, out, &p, err);
    for (size_t s = 0; p.final && s < out->n_states; s++)
        free(p.final[s].v);
    for (size_t c = 0; c < p.cost_cap; c++)
        free(p.cost[c].v);
    free(p.final);
    free(p.cost);
    free(p.peak.v);
    free(p.cost_total.v);
    free(cells);
    return rc;
}
