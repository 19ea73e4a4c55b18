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
} order_item;

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

int sweep_sensitivity(const char *points_path, const char *summary_path, int first_outcome,
                      const char *out_path, demob_error *err)
{
    sens s;
    memset(&s, 0, sizeof s);
    int rc = read_points(points_path, &s, err);
    atomic_file *out = NULL;
    FILE *tmp = NULL;
    double *blockv = NULL, *y = NULL, *ry = NULL, *sp = NULL, *pr = NULL, *row = NULL;
    stats_pair *scratch = NULL;
    order_item *items = NULL;
    const double **xr = NULL;
    char **onames = NULL;
    int n_out = 0;
    strbuf b;
    strbuf_init(&b);
    if (rc)
        goto done;
    long n = s.n;
    size_t nn = (size_t)(n ? n : 1);
    y = malloc(nn * sizeof *y);
    ry = malloc(nn * sizeof *ry);
    scratch = malloc(nn * sizeof *scratch);
    sp = malloc((size_t)(s.k + 1) * sizeof *sp);
    pr = malloc((size_t)(s.k + 1) * sizeof *pr);
    items = malloc((size_t)(s.k + 1) * sizeof *items);
    xr = malloc((size_t)(s.k + 1) * sizeof *xr);
    if (!y || !ry || !scratch || !sp || !pr || !items || !xr) {
        rc = oom(err);
        goto done;
    }
    /* Ranks of each param over the points, in place of the values. */
    for (int c = 0; c < s.k; c++) {
        double *col = s.x + (size_t)c * nn;
        memcpy(y, col, nn * sizeof *y);
        stats_ranks(y, (size_t)n, col, scratch);
        xr[c] = col;
    }
    if (!(tmp = temp_beside(out_path, err))) {
        rc = DEMOB_ERUN;
        goto done;
    }
    if ((rc = point_means(&s, summary_path, first_outcome, &n_out, &onames, tmp, err)))
        goto done;
    if (!(out = atomic_open(out_path, err))) {
        rc = DEMOB_ERUN;
        goto done;
    }
    static const char *const head[] = {"outcome", "param", "spearman", "prcc", "rank", NULL};
    csvw_header(&b, head);
    /* Pass 2, per block of outcome columns: gather their point means from
     * the temporary file (read in full each time: a memory copy, far
     * cheaper than parsing the CSV again). */
    long block = (long)(SENS_BLOCK_BYTES / (8 * nn));
    block = block < 1 ? 1 : block > n_out ? n_out : block;
    if (n_out > 0 && (!(blockv = malloc((size_t)block * nn * sizeof *blockv)) ||
                      !(row = malloc((size_t)n_out * sizeof *row)))) {
        rc = oom(err);
        goto done;
    }
    for (int o0 = 0; o0 < n_out && s.k > 0; o0 += (int)block) {
        int nb = n_out - o0 < block ? n_out - o0 : (int)block;
        if (fseek(tmp, 0, SEEK_SET) != 0) {
            rc = demob_error_set(err, DEMOB_ERUN, "cannot read back the temporary file of %s", summary_path);
            goto done;
        }
        for (long p = 0; p < n; p++) {
            if (fread(row, sizeof *row, (size_t)n_out, tmp) != (size_t)n_out) {
                rc = demob_error_set(err, DEMOB_ERUN, "cannot read back the temporary file of %s", summary_path);
                goto done;
            }
            for (int b2 = 0; b2 < nb; b2++)
                blockv[(size_t)b2 * nn + (size_t)p] = row[o0 + b2];
        }
        for (int b2 = 0; b2 < nb; b2++) {
            const double *col = blockv + (size_t)b2 * nn;
            int varies = 0, finite = 1;
            for (long p = 0; p < n; p++) {
                finite &= isfinite(col[p]) != 0;
                varies |= p > 0 && col[p] != col[0];
            }
            if (!varies || !finite)
                continue;
            stats_ranks(col, (size_t)n, ry, scratch);
            for (int c = 0; c < s.k; c++)
                sp[c] = stats_pearson(xr[c], ry, (size_t)n);
            if (stats_prcc(xr, s.k, ry, (size_t)n, pr) != 0) {
                rc = oom(err);
                goto done;
            }
            for (int c = 0; c < s.k; c++)
                items[c] = (order_item){c, pr[c], sp[c]};
            qsort(items, (size_t)s.k, sizeof *items, cmp_item);
            for (int c = 0; c < s.k; c++) {
                csvw_str(&b, 1, onames[o0 + b2]);
                csvw_str(&b, 0, s.names[items[c].param]);
                num_or_empty(&b, items[c].spearman);
                num_or_empty(&b, items[c].prcc);
                csvw_i64(&b, 0, c + 1);
                csvw_end(&b);
            }
            if (b.failed) {
                rc = oom(err);
                goto done;
            }
            if (b.len > (1 << 16)) {
                if ((rc = atomic_write(out, b.data, b.len, err)))
                    goto done;
                strbuf_clear(&b);
            }
        }
    }
    if (b.failed)
        rc = oom(err);
    if (rc == 0)
        rc = atomic_write(out, b.data, b.len, err);
    if (rc == 0) {
        rc = atomic_commit(out, err);
        out = NULL;
    }
done:
    atomic_abort(out);
    if (tmp)
        fclose(tmp);
    if (onames)
        for (int o = 0; o < n_out; o++)
            free(onames[o]);
    free(onames);
    strbuf_free(&b);
    free(blockv);
    free(row);
    free(y);
    free(ry);
    free(scratch);
    free(sp);
    free(pr);
    free(items);
    free(xr);
    sens_free(&s);
    return rc;
}
