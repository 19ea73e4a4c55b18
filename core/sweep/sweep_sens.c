/* sweep_sens.c - sensitivity.csv from points.csv and summary.csv (see
 * sweep_sens.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/atomic_file.h"
#include "util/csv_read.h"
#include "util/csv_write.h"
#include "util/strbuf.h"
#include "sweep_sens.h"
#include "util/stats.h"
#include "util/path.h"

typedef struct sens {
    long n;             /* points */
    int k;              /* params that vary */
    long *ids;          /* [n] point ids, ascending */
    char **names;       /* [k] */
    double *x;          /* [k][n] values, then ranks in place */
} sens;

static void sens_free(sens *s)
{
    for (int i = 0; i < s->k; i++)
        free(s->names[i]);
    free(s->names);
    free(s->ids);
    free(s->x);
}

static int oom(demob_error *err)
{
    return demob_error_set(err, DEMOB_ERUN, "out of memory");
}

static int parse_id(const char *f, long *id)
{
    char *end;
    errno = 0;
    long v = strtol(f, &end, 10);
    if (!*f || *end || errno || v < 0)
        return -1;
    *id = v;
    return 0;
}

/* Reads points.csv: ids and the columns of params that vary (ranked). */
static int read_points(const char *path, sens *s, demob_error *err)
{
    csv_reader *r = csvr_open(path, err);
    if (!r)
        return DEMOB_EINPUT;
    int rc = 0;
    size_t nc = csvr_ncols(r);
    int kk = (int)nc - 1;
    size_t cap = 0;
    double *x = NULL;   /* row-major [n][kk] while reading */
    if (nc < 1 || strcmp(csvr_colname(r, 0), "point") != 0) {
        rc = demob_error_set(err, DEMOB_EINPUT, "%s: the first column must be 'point'", path);
        goto done;
    }
    int got;
    while ((got = csvr_next(r, err)) > 0) {
        if ((size_t)s->n == cap) {
            cap = cap ? 2 * cap : 1024;
            long *ids = realloc(s->ids, cap * sizeof *ids);
            if (ids)
                s->ids = ids;
            double *nx = realloc(x, cap * (size_t)(kk > 0 ? kk : 1) * sizeof *nx);
            if (nx)
                x = nx;
            if (!ids || !nx) {
                rc = oom(err);
                goto done;
            }
        }
        long line, col;
        csvr_field_pos(r, 0, &line, &col);
        if (parse_id(csvr_field(r, 0), &s->ids[s->n]) != 0 || (s->n > 0 && s->ids[s->n] <= s->ids[s->n - 1])) {
            rc = demob_error_set(err, DEMOB_EINPUT, "%s:%ld: point ids must be whole numbers in increasing order",
                                 path, line);
            goto done;
        }
        for (int c = 0; c < kk; c++)
            if ((rc = csvr_number(r, (size_t)c + 1, &x[(size_t)s->n * (size_t)kk + (size_t)c], err)))
                goto done;
        s->n++;
    }
    if (got < 0) {
        rc = DEMOB_EINPUT;
        goto done;
    }
    /* Keep the params that vary, column-major. */
    s->names = calloc((size_t)(kk > 0 ? kk : 1), sizeof *s->names);
    s->x = malloc((size_t)(s->n ? s->n : 1) * (size_t)(kk > 0 ? kk : 1) * sizeof *s->x);
    if (!s->names || !s->x) {
        rc = oom(err);
        goto done;
    }
    for (int c = 0; c < kk; c++) {
        int varies = 0;
        for (long i = 1; i < s->n && !varies; i++)
            varies = x[(size_t)i * (size_t)kk + (size_t)c] != x[(size_t)c];
        if (!varies)
            continue;
        double *col = s->x + (size_t)s->k * (size_t)s->n;
        for (long i = 0; i < s->n; i++)
            col[i] = x[(size_t)i * (size_t)kk + (size_t)c];
        size_t len = strlen(csvr_colname(r, (size_t)c + 1)) + 1;
        if (!(s->names[s->k] = malloc(len))) {
            rc = oom(err);
            goto done;
        }
        memcpy(s->names[s->k], csvr_colname(r, (size_t)c + 1), len);
        s->k++;
    }
done:
    free(x);
    csvr_close(r);
    return rc;
}

/* A summary cell as a double; non-numbers are NaN (the outcome is then
 * left out). */
static double cell(const char *f)
{
    char *end;
    double v = strtod(f, &end);
    return (*f && !*end) ? v : NAN;
}

typedef struct order_item {
    int param;
    double prcc, spearman;
    int why;            /* enum stats_prcc_why */
} order_item;

/* The note of a row whose PRCC is undefined. */
static const char *why_note(int why)
{
    switch (why) {
    case STATS_PRCC_FEW_POINTS: return "prcc undefined: fewer points than params + 2";
    case STATS_PRCC_OUTCOME_FIXED: return "prcc undefined: the other params decide the outcome";
    case STATS_PRCC_PARAM_FIXED: return "prcc undefined: the param's ranks follow from the other params'";
    case STATS_PRCC_CONSTANT: return "prcc undefined: a constant column";
    default: return "";
    }
}

static int cmp_item(const void *a, const void *b)
{
    const order_item *x = a, *y = b;
    double ax = isnan(x->prcc) ? -1 : fabs(x->prcc), ay = isnan(y->prcc) ? -1 : fabs(y->prcc);
    if (ax != ay)
        return ax > ay ? -1 : 1;
    double sx = isnan(x->spearman) ? -1 : fabs(x->spearman), sy = isnan(y->spearman) ? -1 : fabs(y->spearman);
    if (sx != sy)
        return sx > sy ? -1 : 1;
    return x->param - y->param;
}

static void num_or_empty(strbuf *b, double v)
{
    if (isnan(v))
        strbuf_putc(b, ',');
    else
        csvw_f64(b, 0, v);
}

/* Pass 1: the mean of every outcome column for each point, written as
 * rows of doubles to an unlinked temporary file next to the output (so it
 * never outlives us). summary.csv is parsed once, whatever the number of
 * columns. */
static int point_means(const sens *s, const char *summary_path, int first_outcome, int *n_out_p,
                       char ***names_p, FILE *tmp, demob_error *err)
{
    csv_reader *r = csvr_open(summary_path, err);
    if (!r)
        return DEMOB_EINPUT;
    int rc = 0, ncols = (int)csvr_ncols(r);
    double *acc = NULL;
    if (first_outcome < 1 || first_outcome > ncols || strcmp(csvr_colname(r, 0), "point") != 0) {
        rc = demob_error_set(err, DEMOB_EINPUT, "%s: not a sweep summary (first column 'point', outcomes from %d)",
                             summary_path, first_outcome + 1);
        goto done;
    }
    int n_out = ncols - first_outcome;
    char **names = calloc((size_t)n_out + 1, sizeof *names);
    acc = calloc((size_t)n_out + 1, sizeof *acc);
    *names_p = names;
    *n_out_p = n_out;
    if (!names || !acc) {
        rc = oom(err);
        goto done;
    }
    for (int o = 0; o < n_out; o++) {
        size_t len = strlen(csvr_colname(r, (size_t)(first_outcome + o))) + 1;
        if (!(names[o] = malloc(len))) {
            rc = oom(err);
            goto done;
        }
        memcpy(names[o], csvr_colname(r, (size_t)(first_outcome + o)), len);
    }
    long i = -1, cnt = 0;
    int got;
    /* Rows come grouped by point, in the order of points.csv. */
    for (;;) {
        got = csvr_next(r, err);
        if (got < 0) {
            rc = DEMOB_EINPUT;
            goto done;
        }
        long id = -1;
        if (got > 0 && parse_id(csvr_field(r, 0), &id) != 0) {
            rc = demob_error_set(err, DEMOB_EINPUT, "%s:%ld: bad point id '%s'", summary_path, csvr_line(r),
                                 csvr_field(r, 0));
            goto done;
        }
        if (got == 0 || i < 0 || id != s->ids[i]) {
            if (i >= 0) {
                for (int o = 0; o < n_out; o++)
                    acc[o] /= (double)cnt;
                if (fwrite(acc, sizeof *acc, (size_t)n_out, tmp) != (size_t)n_out) {
                    rc = demob_error_set(err, DEMOB_ERUN, "cannot write the temporary file of %s: %s",
                                         summary_path, strerror(errno));
                    goto done;
                }
            }
            if (got == 0)
                break;
            i++;
            if (i >= s->n || s->ids[i] != id) {
                rc = demob_error_set(err, DEMOB_EINPUT,
                                     "%s:%ld: point %ld is not the next point of points.csv (rows out of order, "
                                     "or a point without runs)",
                                     summary_path, csvr_line(r), id);
                goto done;
            }
            memset(acc, 0, (size_t)n_out * sizeof *acc);
            cnt = 0;
        }
        for (int o = 0; o < n_out; o++)
            acc[o] += cell(csvr_field(r, (size_t)(first_outcome + o)));
        cnt++;
    }
    if (i + 1 != s->n)
        rc = demob_error_set(err, DEMOB_EINPUT, "%s: point %ld has no runs", summary_path, s->ids[i + 1]);
done:
    free(acc);
    csvr_close(r);
    return rc;
}

/* An anonymous temporary file in the folder of path. */
static FILE *temp_beside(const char *path, demob_error *err)
{
    char tmpl[PATH_FILE_SIZE];
    snprintf(tmpl, sizeof tmpl, "%s.means-XXXXXX", path);
    int fd = mkstemp(tmpl);
    if (fd < 0) {
        demob_error_set(err, DEMOB_ERUN, "cannot create '%s': %s", tmpl, strerror(errno));
        return NULL;
    }
    unlink(tmpl);
    FILE *f = fdopen(fd, "w+b");
    if (!f) {
        close(fd);
        demob_error_set(err, DEMOB_ERUN, "out of memory");
    }
    return f;
}

/* Rows of sensitivity.csv held before they are written out. */
#define SENS_FLUSH_BYTES (1 << 16)

/* The work of sweep_sensitivity: the points (params ranked in place),
 * the per-point means of the outcomes in a temporary file, and scratch. */
typedef struct sens_work {
    sens s;
    size_t nn;                 /* points, at least 1 (for allocations) */
    FILE *tmp;
    double *blockv, *y, *ry, *sp, *pr, *row;
    int *why;
    stats_pair *scratch;
    order_item *items;
    const double **xr;         /* the params' ranks */
    char **onames;
    int n_out;
    strbuf b;
    atomic_file *out;
} sens_work;

static int alloc_scratch(sens_work *w, demob_error *err)
{
    size_t nn = w->nn, k1 = (size_t)(w->s.k + 1);
    w->y = malloc(nn * sizeof *w->y);
    w->ry = malloc(nn * sizeof *w->ry);
    w->scratch = malloc(nn * sizeof *w->scratch);
    w->sp = malloc(k1 * sizeof *w->sp);
    w->pr = malloc(k1 * sizeof *w->pr);
    w->why = malloc(k1 * sizeof *w->why);
    w->items = malloc(k1 * sizeof *w->items);
    w->xr = malloc(k1 * sizeof *w->xr);
    if (!w->y || !w->ry || !w->scratch || !w->sp || !w->pr || !w->why || !w->items || !w->xr)
        return oom(err);
    return 0;
}

/* Ranks of each param over the points, in place of the values. */
static void rank_params(sens_work *w)
{
    for (int c = 0; c < w->s.k; c++) {
        double *col = w->s.x + (size_t)c * w->nn;
        memcpy(w->y, col, w->nn * sizeof *w->y);
        stats_ranks(w->y, (size_t)w->s.n, col, w->scratch);
        w->xr[c] = col;
    }
}

/* The point means of outcomes o0 .. o0 + nb - 1 into blockv, from the
 * temporary file (read in full each time: a memory copy, far cheaper
 * than parsing the CSV again). */
static int gather_block(sens_work *w, int o0, int nb, const char *summary_path, demob_error *err)
{
    if (fseek(w->tmp, 0, SEEK_SET) != 0)
        return demob_error_set(err, DEMOB_ERUN, "cannot read back the temporary file of %s", summary_path);
    for (long p = 0; p < w->s.n; p++) {
        if (fread(w->row, sizeof *w->row, (size_t)w->n_out, w->tmp) != (size_t)w->n_out)
            return demob_error_set(err, DEMOB_ERUN, "cannot read back the temporary file of %s",
                                   summary_path);
        for (int b2 = 0; b2 < nb; b2++)
            w->blockv[(size_t)b2 * w->nn + (size_t)p] = w->row[o0 + b2];
    }
    return 0;
}

/* The rows of one outcome (its point means in col): every param with its
 * Spearman and PRCC, by rank. An outcome that does not vary, or is not
 * finite everywhere, has none. */
static int outcome_rows(sens_work *w, const double *col, const char *name, demob_error *err)
{
    long n = w->s.n;
    int k = w->s.k, varies = 0, finite = 1;
    for (long p = 0; p < n; p++) {
        finite &= isfinite(col[p]) != 0;
        varies |= p > 0 && col[p] != col[0];
    }
    if (!varies || !finite)
        return 0;
    stats_ranks(col, (size_t)n, w->ry, w->scratch);
    for (int c = 0; c < k; c++)
        w->sp[c] = stats_pearson(w->xr[c], w->ry, (size_t)n);
    if (stats_prcc(w->xr, k, w->ry, (size_t)n, w->pr, w->why) != 0)
        return oom(err);
    for (int c = 0; c < k; c++)
        w->items[c] = (order_item){c, w->pr[c], w->sp[c], w->why[c]};
    qsort(w->items, (size_t)k, sizeof *w->items, cmp_item);
    for (int c = 0; c < k; c++) {
        csvw_str(&w->b, 1, name);
        csvw_str(&w->b, 0, w->s.names[w->items[c].param]);
        num_or_empty(&w->b, w->items[c].spearman);
        num_or_empty(&w->b, w->items[c].prcc);
        csvw_i64(&w->b, 0, c + 1);
        csvw_str(&w->b, 0, why_note(w->items[c].why));
        csvw_end(&w->b);
    }
    if (w->b.failed)
        return oom(err);
    if (w->b.len > SENS_FLUSH_BYTES) {
        int rc = atomic_write(w->out, w->b.data, w->b.len, err);
        if (rc)
            return rc;
        strbuf_clear(&w->b);
    }
    return 0;
}

/* Pass 2, per block of outcome columns that fits SENS_BLOCK_BYTES. */
static int all_outcomes(sens_work *w, const char *summary_path, demob_error *err)
{
    long block = (long)(SENS_BLOCK_BYTES / (8 * w->nn));
    block = block < 1 ? 1 : block > w->n_out ? w->n_out : block;
    if (w->n_out > 0 && (!(w->blockv = malloc((size_t)block * w->nn * sizeof *w->blockv)) ||
                         !(w->row = malloc((size_t)w->n_out * sizeof *w->row))))
        return oom(err);
    int rc = 0;
    for (int o0 = 0; o0 < w->n_out && w->s.k > 0 && rc == 0; o0 += (int)block) {
        int nb = w->n_out - o0 < block ? w->n_out - o0 : (int)block;
        rc = gather_block(w, o0, nb, summary_path, err);
        for (int b2 = 0; b2 < nb && rc == 0; b2++)
            rc = outcome_rows(w, w->blockv + (size_t)b2 * w->nn, w->onames[o0 + b2], err);
    }
    return rc;
}

/* The rest of the rows, and the file in place. */
static int finish_file(sens_work *w, demob_error *err)
{
    if (w->b.failed)
        return oom(err);
    int rc = atomic_write(w->out, w->b.data, w->b.len, err);
    if (rc == 0) {
        rc = atomic_commit(w->out, err);
        w->out = NULL;
    }
    return rc;
}

static void sens_work_free(sens_work *w)
{
    atomic_abort(w->out);
    if (w->tmp)
        fclose(w->tmp);
    if (w->onames)
        for (int o = 0; o < w->n_out; o++)
            free(w->onames[o]);
    free(w->onames);
    strbuf_free(&w->b);
    free(w->blockv);
    free(w->row);
    free(w->y);
    free(w->ry);
    free(w->scratch);
    free(w->sp);
    free(w->pr);
    free(w->why);
    free(w->items);
    free(w->xr);
    sens_free(&w->s);
}

int sweep_sensitivity(const char *points_path, const char *summary_path, int first_outcome,
                      const char *out_path, demob_error *err)
{
    static const char *const head[] = {"outcome", "param", "spearman", "prcc", "rank", "note", NULL};
    sens_work w;
    memset(&w, 0, sizeof w);
    strbuf_init(&w.b);
    int rc = read_points(points_path, &w.s, err);
    w.nn = (size_t)(w.s.n ? w.s.n : 1);
    if (rc == 0)
        rc = alloc_scratch(&w, err);
    if (rc == 0) {
        rank_params(&w);
        if (!(w.tmp = temp_beside(out_path, err)))
            rc = DEMOB_ERUN;
    }
    if (rc == 0)
        rc = point_means(&w.s, summary_path, first_outcome, &w.n_out, &w.onames, w.tmp, err);
    if (rc == 0 && !(w.out = atomic_open(out_path, err)))
        rc = DEMOB_ERUN;
    if (rc == 0) {
        csvw_header(&w.b, head);
        rc = all_outcomes(&w, summary_path, err);
    }
    if (rc == 0)
        rc = finish_file(&w, err);
    sens_work_free(&w);
    return rc;
}
