/* series.c - see series.h.
 *
 * Rows of a runs file (populations, costs, flows) are summed into
 * sum[group][step]; the number of (point, run) blocks divides at the end.
 * With keep_runs, the current block's values go to a dense buffer and,
 * when the block ends, are appended as floats to one growing array whose
 * stride (groups x steps) is fixed by the first block. Floats are ample
 * for drawing (24-bit mantissa: 0.00001% of the value).
 *
 * quantiles.csv already holds per-cell mean, p5, p50, p95; they are used
 * as they are when every group is a single (origin, state) cell of a
 * single point. Quantiles of sums cannot be made from quantiles of parts,
 * so a sum (e.g. all origins) gives means only, and the caller learns it
 * from a NULL p50. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/keytab.h"
#include "util/runstats.h"
#include "util/stats.h"
#include "series.h"
#include "util/strbuf.h"

typedef struct loader {
    const series_query *q;
    series_set *s;
    const char *path;
    keytab *steps;        /* step (int64) -> step index, first-seen */
    keytab *groups;       /* label -> group index */
    keytab *blocks;       /* (point, run) -> block number */
    char **dates;         /* per step index */
    double *sum;          /* [g * step_cap + t] */
    size_t step_cap, group_cap;
    /* keep_runs */
    double *cur;          /* the current block, same layout as sum */
    float *runs;          /* blocks x stride */
    size_t runs_len, runs_cap;
    size_t stride_g, stride_t;   /* dims fixed by the first block */
    int dims_fixed;
    /* quantiles.csv */
    double *qv[3];        /* p5, p50, p95 */
    long cells_per_group_hint;
} loader;

static int oom(const loader *l, demob_error *err)
{
    return demob_error_set(err, DEMOB_ERUN, "%s: out of memory", l->path);
}

static int listed(const char *const *list, int n, const char *s)
{
    if (!list)
        return 1;
    for (int i = 0; i < n; i++)
        if (strcmp(list[i], s) == 0)
            return 1;
    return 0;
}

/* Grows the 2-D arrays to hold g groups and t steps. */
static int grow(loader *l, size_t g, size_t t, demob_error *err)
{
    if (g <= l->group_cap && t <= l->step_cap)
        return 0;
    size_t gc = l->group_cap ? l->group_cap : 8, tc = l->step_cap ? l->step_cap : 64;
    while (gc < g)
        gc *= 2;
    while (tc < t)
        tc *= 2;
    double *arrays[5] = { l->sum, l->cur, l->qv[0], l->qv[1], l->qv[2] };
    int want[5] = { 1, l->q->keep_runs, l->s->kind == TIDY_QUANTILES, l->s->kind == TIDY_QUANTILES,
                    l->s->kind == TIDY_QUANTILES };
    for (int k = 0; k < 5; k++) {
        if (!want[k])
            continue;
        double *n = calloc(gc * tc, sizeof *n);
        if (!n)
            return oom(l, err);
        for (size_t gi = 0; gi < l->group_cap; gi++)
            for (size_t ti = 0; ti < l->step_cap; ti++)
                n[gi * tc + ti] = arrays[k] ? arrays[k][gi * l->step_cap + ti] : 0;
        if (k >= 2)   /* quantile cells not given stay NaN */
            for (size_t gi = 0; gi < gc; gi++)
                for (size_t ti = 0; ti < tc; ti++)
                    if (gi >= l->group_cap || ti >= l->step_cap)
                        n[gi * tc + ti] = NAN;
        free(arrays[k]);
        arrays[k] = n;
    }
    l->sum = arrays[0];
    l->cur = arrays[1];
    l->qv[0] = arrays[2];
    l->qv[1] = arrays[3];
    l->qv[2] = arrays[4];
    char **d = realloc(l->dates, tc * sizeof *d);
    if (!d)
        return oom(l, err);
    for (size_t i = l->step_cap; i < tc; i++)
        d[i] = NULL;
    l->dates = d;
    l->group_cap = gc;
    l->step_cap = tc;
    return 0;
}

/* The block in cur is complete: append it to runs, then clear it. */
static int close_block(loader *l, demob_error *err)
{
    if (!l->dims_fixed) {
        l->stride_g = keytab_count(l->groups);
        l->stride_t = keytab_count(l->steps);
        l->dims_fixed = 1;
    }
    size_t stride = l->stride_g * l->stride_t;
    if (l->runs_len + stride > l->runs_cap) {
        size_t cap = l->runs_cap ? l->runs_cap : stride * 16;
        while (cap < l->runs_len + stride)
            cap *= 2;
        float *r = realloc(l->runs, (cap ? cap : 1) * sizeof *r);
        if (!r)
            return oom(l, err);
        l->runs = r;
        l->runs_cap = cap;
    }
    for (size_t g = 0; g < l->stride_g; g++)
        for (size_t t = 0; t < l->stride_t; t++) {
            l->runs[l->runs_len++] = (float)l->cur[g * l->step_cap + t];
            l->cur[g * l->step_cap + t] = 0;
        }
    return 0;
}

static const char *group_label(const loader *l, const tidy_row *row)
{
    switch (l->q->by) {
    case SERIES_BY_ORIGIN: return row->origin;
    case SERIES_TOTAL: return l->q->total_label ? l->q->total_label : "total";
    default: return row->item;
    }
}

/* Does the query keep this row? A run's quantiles.csv gives its outcomes
 * as origin "all": not stocks, so kept only when that origin is asked for. */
static int kept(const series_query *q, tidy_kind kind, const tidy_row *row)
{
    if (!listed(q->origins, q->n_origins, row->origin) || !listed(q->items, q->n_items, row->item))
        return 0;
    return kind != TIDY_QUANTILES || q->origins || strcmp(row->origin, "all") != 0;
}

static int read_rows(loader *l, tidy_reader *r, demob_error *err)
{
    tidy_row row;
    int rc, have_block = 0;
    int64_t cur_block[2] = { -2, -2 };
    long nrows = 0;
    while ((rc = tidy_next(r, &row, err)) > 0) {
        if (l->q->point >= 0 && row.point != l->q->point)
            continue;
        if (!kept(l->q, l->s->kind, &row))
            continue;
        nrows++;
        int64_t bk[2] = { row.point, row.run };
        if (!have_block || bk[0] != cur_block[0] || bk[1] != cur_block[1]) {
            if (have_block && l->q->keep_runs && close_block(l, err) != 0)
                return DEMOB_ERUN;
            int added;
            if (keytab_intern(l->blocks, bk, sizeof bk, &added) < 0)
                return oom(l, err);
            if (!added)
                return demob_error_set(err, DEMOB_EINPUT,
                                       "%s:%ld: the rows of run %ld are not together; demob "
                                       "writes each run in one block of rows", l->path, row.line,
                                       row.run);
            have_block = 1;
            cur_block[0] = bk[0];
            cur_block[1] = bk[1];
        }
        int64_t step = row.step;
        int added_s;
        long t = keytab_intern(l->steps, &step, sizeof step, &added_s);
        long g = keytab_intern_str(l->groups, group_label(l, &row));
        if (t < 0 || g < 0)
            return oom(l, err);
        if (l->dims_fixed && ((size_t)t >= l->stride_t || (size_t)g >= l->stride_g))
            return demob_error_set(err, DEMOB_EINPUT,
                                   "%s:%ld: run %ld has a step or %s that the first run does "
                                   "not have; a fan chart needs the same rows in every run",
                                   l->path, row.line, row.run,
                                   l->q->by == SERIES_BY_ORIGIN ? "origin" : "state");
        if (grow(l, (size_t)g + 1, (size_t)t + 1, err) != 0)
            return DEMOB_ERUN;
        if (added_s || !l->dates[t]) {
            free(l->dates[t]);
            l->dates[t] = strdup(row.date);
            if (!l->dates[t])
                return oom(l, err);
        }
        size_t at = (size_t)g * l->step_cap + (size_t)t;
        l->sum[at] += row.value;
        if (l->q->keep_runs)
            l->cur[at] += row.value;
        if (l->s->kind == TIDY_QUANTILES) {
            /* Only meaningful for single cells: checked in series_load. */
            l->qv[0][at] = isnan(l->qv[0][at]) ? row.q[1] : l->qv[0][at] + row.q[1];
            l->qv[1][at] = isnan(l->qv[1][at]) ? row.q[2] : l->qv[1][at] + row.q[2];
            l->qv[2][at] = isnan(l->qv[2][at]) ? row.q[3] : l->qv[2][at] + row.q[3];
        }
    }
    if (rc < 0)
        return err->status ? err->status : DEMOB_EINPUT;
    if (have_block && l->q->keep_runs && close_block(l, err) != 0)
        return DEMOB_ERUN;
    return nrows > 0 ? 0 : 1;
}

typedef struct step_ix {
    int64_t step;
    size_t ix;
} step_ix;

static int cmp_step_ix(const void *a, const void *b)
{
    int64_t x = ((const step_ix *)a)->step, y = ((const step_ix *)b)->step;
    return (x > y) - (x < y);
}

/* Lists what a filter could have matched, for the "kept nothing" error. */
static void list_values(const char *path, const series_query *q, demob_error *err)
{
    demob_error e2 = { 0 };
    tidy_reader *r = tidy_open(path, &e2);
    keytab *o = keytab_new(), *it = keytab_new();
    tidy_row row;
    long points_min = -1, points_max = -1;
    while (r && o && it && tidy_next(r, &row, &e2) > 0 && keytab_count(o) + keytab_count(it) < 200) {
        keytab_intern_str(o, row.origin);
        keytab_intern_str(it, row.item);
        if (row.point >= 0 && (points_min < 0 || row.point < points_min))
            points_min = row.point;
        if (row.point > points_max)
            points_max = row.point;
    }
    strbuf b;
    strbuf_init(&b);
    for (int k = 0; k < 2 && o && it; k++) {
        keytab *t = k ? it : o;
        strbuf_puts(&b, k ? "; items:" : " origins:");
        for (size_t i = 0; i < keytab_count(t) && i < 30; i++)
            strbuf_printf(&b, " %s", keytab_key(t, i, NULL));
    }
    if (q->point >= 0 && points_max >= 0)
        strbuf_printf(&b, "; points %ld to %ld", points_min, points_max);
    demob_error_set(err, DEMOB_EINPUT, "%s: no rows match the selection (there are%s)", path,
                    b.data ? b.data : "");
    strbuf_free(&b);
    keytab_free(o);
    keytab_free(it);
    tidy_close(r);
}

static int finish(loader *l, demob_error *err)
{
    series_set *s = l->s;
    size_t nt = keytab_count(l->steps), ng = keytab_count(l->groups);
    step_ix *order = malloc((nt ? nt : 1) * sizeof *order);
    if (!order)
        return oom(l, err);
    for (size_t t = 0; t < nt; t++) {
        memcpy(&order[t].step, keytab_key(l->steps, t, NULL), sizeof(int64_t));
        order[t].ix = t;
    }
    qsort(order, nt, sizeof *order, cmp_step_ix);
    s->n_steps = nt;
    s->n_groups = ng;
    s->n_samples = (long)keytab_count(l->blocks);
    s->x = calloc(nt ? nt : 1, sizeof *s->x);
    s->dates = calloc(nt ? nt : 1, sizeof *s->dates);
    s->groups = calloc(ng ? ng : 1, sizeof *s->groups);
    s->mean = calloc(ng * nt + 1, sizeof *s->mean);
    int quant = l->q->keep_runs || s->kind == TIDY_QUANTILES;
    if (quant) {
        s->p5 = calloc(ng * nt + 1, sizeof *s->p5);
        s->p50 = calloc(ng * nt + 1, sizeof *s->p50);
        s->p95 = calloc(ng * nt + 1, sizeof *s->p95);
    }
    double *vals = l->q->keep_runs ? malloc(((size_t)s->n_samples + 1) * sizeof *vals) : NULL;
    if (!s->x || !s->dates || !s->groups || !s->mean ||
        (quant && (!s->p5 || !s->p50 || !s->p95)) || (l->q->keep_runs && !vals)) {
        free(order);
        free(vals);
        return oom(l, err);
    }
    for (size_t g = 0; g < ng; g++) {
        s->groups[g] = strdup(keytab_key(l->groups, g, NULL));
        if (!s->groups[g]) {
            free(order);
            free(vals);
            return oom(l, err);
        }
    }
    double n = s->kind == TIDY_QUANTILES ? 1 : (double)s->n_samples;
    for (size_t k = 0; k < nt; k++) {
        size_t t = order[k].ix;
        s->x[k] = (double)order[k].step;
        s->dates[k] = l->dates[t];
        l->dates[t] = NULL;
        for (size_t g = 0; g < ng; g++) {
            double m = l->sum[g * l->step_cap + t] / n;
            if (l->q->cumulative && k > 0)
                m += s->mean[g * nt + k - 1];
            s->mean[g * nt + k] = m;
            if (s->kind == TIDY_QUANTILES) {
                s->p5[g * nt + k] = l->qv[0][g * l->step_cap + t];
                s->p50[g * nt + k] = l->qv[1][g * l->step_cap + t];
                s->p95[g * nt + k] = l->qv[2][g * l->step_cap + t];
            }
        }
    }
    if (l->q->keep_runs) {
        size_t stride = l->stride_g * l->stride_t;
        for (size_t g = 0; g < ng; g++) {
            for (size_t k = 0; k < nt; k++) {
                size_t t = order[k].ix;
                for (long b = 0; b < s->n_samples; b++) {
                    double v = l->runs[(size_t)b * stride + g * l->stride_t + t];
                    if (l->q->cumulative && k > 0) {
                        /* Running sum per run, in step order: keep it in
                         * the float store as we go. */
                        size_t tp = order[k - 1].ix;
                        v += l->runs[(size_t)b * stride + g * l->stride_t + tp];
                        l->runs[(size_t)b * stride + g * l->stride_t + t] = (float)v;
                    }
                    vals[b] = v;
                }
                stats_sort(vals, (size_t)s->n_samples);
                s->p5[g * nt + k] = stats_quantile_sorted(vals, (size_t)s->n_samples, 0.05);
                s->p50[g * nt + k] = stats_quantile_sorted(vals, (size_t)s->n_samples, 0.50);
                s->p95[g * nt + k] = stats_quantile_sorted(vals, (size_t)s->n_samples, 0.95);
            }
        }
    }
    free(order);
    free(vals);
    return 0;
}

int series_load(const char *path, const series_query *q, series_set *out, demob_error *err)
{
    memset(out, 0, sizeof *out);
    loader l;
    memset(&l, 0, sizeof l);
    l.q = q;
    l.s = out;
    l.path = path;
    series_query qq = *q;
    int rc = 0;
    tidy_reader *r = tidy_open(path, err);
    if (!r)
        return err->status;
    out->kind = tidy_kind_of(r);
    if (out->kind != TIDY_POPULATIONS && out->kind != TIDY_COSTS && out->kind != TIDY_FLOWS &&
        out->kind != TIDY_QUANTILES && out->kind != TIDY_BUDGETS && out->kind != TIDY_OUTCOMES) {
        tidy_close(r);
        return demob_error_set(err, DEMOB_EINPUT,
                               "%s: holds %s; charts are drawn from populations.csv, costs.csv, "
                               "flows.csv, budgets.csv, outcomes.csv or quantiles.csv", path, tidy_kind_name(out->kind));
    }
    if (out->kind == TIDY_QUANTILES) {
        /* Quantiles come from the file; a sum of cells has a mean only. */
        qq.keep_runs = 0;
        l.q = &qq;
    }
    l.steps = keytab_new();
    l.groups = keytab_new();
    l.blocks = keytab_new();
    if (!l.steps || !l.groups || !l.blocks) {
        rc = oom(&l, err);
        goto done;
    }
    rc = read_rows(&l, r, err);
    if (rc == 1) {
        list_values(path, q, err);
        rc = DEMOB_EINPUT;
        goto done;
    }
    if (rc != 0)
        goto done;
    if (out->kind == TIDY_QUANTILES && l.blocks && keytab_count(l.blocks) > 1 && q->point < 0) {
        rc = demob_error_set(err, DEMOB_EINPUT,
                             "%s: holds %zu sweep points; choose one with --point N", path,
                             keytab_count(l.blocks));
        goto done;
    }
    rc = finish(&l, err);
    if (rc == 0 && out->kind == TIDY_QUANTILES) {
        /* Were the groups single cells? Count cells per group and step:
         * more than one means a sum, whose quantiles are unknown. */
        size_t cells = 0;
        tidy_reader *r2 = tidy_open(path, err);
        tidy_row row;
        keytab *seen = keytab_new();
        int single = r2 && seen;
        long first_step = -2;
        while (single && tidy_next(r2, &row, err) > 0) {
            if ((q->point >= 0 && row.point != q->point) || !kept(q, out->kind, &row))
                continue;
            if (first_step == -2)
                first_step = row.step;
            if (row.step != first_step)
                continue;
            keytab_intern_str(seen, group_label(&l, &row));
            cells++;
        }
        if (single && cells > keytab_count(seen)) {
            free(out->p5);
            free(out->p50);
            free(out->p95);
            out->p5 = out->p50 = out->p95 = NULL;
        }
        keytab_free(seen);
        tidy_close(r2);
    }
done:
    tidy_close(r);
    keytab_free(l.steps);
    keytab_free(l.groups);
    keytab_free(l.blocks);
    if (l.dates)
        for (size_t i = 0; i < l.step_cap; i++)
            free(l.dates[i]);
    free(l.dates);
    free(l.sum);
    free(l.cur);
    free(l.runs);
    for (int k = 0; k < 3; k++)
        free(l.qv[k]);
    return rc;
}

void series_free(series_set *s)
{
    for (size_t t = 0; t < s->n_steps && s->dates; t++)
        free(s->dates[t]);
    for (size_t g = 0; g < s->n_groups && s->groups; g++)
        free(s->groups[g]);
    free(s->dates);
    free(s->groups);
    free(s->x);
    free(s->mean);
    free(s->p5);
    free(s->p50);
    free(s->p95);
    memset(s, 0, sizeof *s);
}

int series_select(const series_set *from, const char *path, const series_query *q,
                  series_set *out, demob_error *err)
{
    memset(out, 0, sizeof *out);
    size_t ng = q->items ? (size_t)q->n_items : from->n_groups, nt = from->n_steps;
    long *pick = malloc((ng + 1) * sizeof *pick);
    if (!pick)
        return demob_error_set(err, DEMOB_ERUN, "out of memory");
    for (size_t g = 0; g < ng; g++) {
        pick[g] = q->items ? series_group(from, q->items[g]) : (long)g;
        if (pick[g] < 0) {
            strbuf b;
            strbuf_init(&b);
            for (size_t k = 0; k < from->n_groups && k < 30; k++)
                strbuf_printf(&b, " %s", from->groups[k]);
            demob_error_set(err, DEMOB_EINPUT,
                            "%s: no rows match the selection (there are items:%s)", path,
                            b.data ? b.data : "");
            strbuf_free(&b);
            free(pick);
            return DEMOB_EINPUT;
        }
    }
    if (q->by == SERIES_TOTAL && ng != 1) {
        free(pick);
        return demob_error_set(err, DEMOB_EINPUT, "a selection of one total needs one item");
    }
    out->kind = from->kind;
    out->n_steps = nt;
    out->n_groups = ng;
    out->n_samples = from->n_samples;
    int quant = q->keep_runs && from->p50;
    out->x = malloc((nt + 1) * sizeof *out->x);
    out->dates = calloc(nt + 1, sizeof *out->dates);
    out->groups = calloc(ng + 1, sizeof *out->groups);
    out->mean = malloc((ng * nt + 1) * sizeof *out->mean);
    if (quant) {
        out->p5 = malloc((ng * nt + 1) * sizeof *out->p5);
        out->p50 = malloc((ng * nt + 1) * sizeof *out->p50);
        out->p95 = malloc((ng * nt + 1) * sizeof *out->p95);
    }
    int ok = out->x && out->dates && out->groups && out->mean &&
             (!quant || (out->p5 && out->p50 && out->p95));
    for (size_t t = 0; ok && t < nt; t++) {
        out->x[t] = from->x[t];
        ok = (out->dates[t] = strdup(from->dates[t])) != NULL;
    }
    for (size_t g = 0; ok && g < ng; g++) {
        const char *label = q->by == SERIES_TOTAL && q->total_label ? q->total_label
                                                                    : from->groups[pick[g]];
        ok = (out->groups[g] = strdup(label)) != NULL;
        size_t src = (size_t)pick[g] * nt, dst = g * nt;
        memcpy(out->mean + dst, from->mean + src, nt * sizeof *out->mean);
        if (quant) {
            memcpy(out->p5 + dst, from->p5 + src, nt * sizeof *out->p5);
            memcpy(out->p50 + dst, from->p50 + src, nt * sizeof *out->p50);
            memcpy(out->p95 + dst, from->p95 + src, nt * sizeof *out->p95);
        }
    }
    free(pick);
    if (!ok)
        return demob_error_set(err, DEMOB_ERUN, "out of memory");
    return 0;
}

long series_group(const series_set *s, const char *label)
{
    for (size_t g = 0; g < s->n_groups; g++)
        if (strcmp(s->groups[g], label) == 0)
            return (long)g;
    return -1;
}
