/* tidy.c - kind recognition and row decoding for demob's output CSVs (see
 * tidy.h). Columns are found by name, so their order does not matter, but
 * the set must be exactly one kind's: a file with a stray column is not
 * silently half-read. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/csv_read.h"
#include "util/keytab.h"
#include "util/strbuf.h"
#include "tidy.h"
#include "tidy_grid.h"

enum { C_POINT, C_RUN, C_STEP, C_DATE, C_ORIGIN, C_ITEM, C_ITEM2, C_VALUE,
       C_SD, C_P5, C_P50, C_P95, C_N };

struct tidy_reader {
    csv_reader *csv;
    tidy_kind kind;
    int col[C_N];         /* column of each role, -1 when absent */
    int *values;          /* wide kinds: value columns */
    size_t nvalues;
    size_t next_value;    /* wide kinds: next value cell of the record */
    int have_record;
    strbuf item;          /* "from->to" for flows */
    strbuf header;
    /* Duplicate rows: the keys of the records of the current block
     * (point, run) of a long kind, or of every record of a wide kind. */
    keytab *seen;
    long block_point, block_run;
    strbuf key;
    tidy_grid *grid;      /* long kinds: no row missing (tidy_grid.h) */
};

static const char *const kind_names[TIDY_N_KINDS] = {
    "populations", "flows", "costs", "quantiles", "budgets", "outcomes", "summary", "points"
};

const char *tidy_kind_name(tidy_kind k)
{
    return (unsigned)k < TIDY_N_KINDS ? kind_names[k] : "?";
}

#define N_LONG 6   /* the kinds matched by long_cols */

/* Required columns of the long kinds, by role (NULL: role unused). Budgets
 * have three value columns, balance (C_VALUE), spent (C_SD), gap (C_P5). */
static const char *const long_cols[N_LONG][C_N] = {
    [TIDY_POPULATIONS] = { [C_RUN] = "run", [C_STEP] = "step", [C_DATE] = "date",
                           [C_ORIGIN] = "origin", [C_ITEM] = "state", [C_VALUE] = "count" },
    [TIDY_FLOWS] = { [C_RUN] = "run", [C_STEP] = "step", [C_DATE] = "date", [C_ORIGIN] = "origin",
                     [C_ITEM] = "from", [C_ITEM2] = "to", [C_VALUE] = "count" },
    [TIDY_COSTS] = { [C_RUN] = "run", [C_STEP] = "step", [C_DATE] = "date",
                     [C_ORIGIN] = "origin", [C_ITEM] = "category", [C_VALUE] = "amount" },
    [TIDY_QUANTILES] = { [C_STEP] = "step", [C_DATE] = "date", [C_ORIGIN] = "origin",
                         [C_ITEM] = "state", [C_VALUE] = "mean", [C_SD] = "sd", [C_P5] = "p5",
                         [C_P50] = "p50", [C_P95] = "p95" },
    [TIDY_BUDGETS] = { [C_RUN] = "run", [C_STEP] = "step", [C_DATE] = "date",
                       [C_ITEM] = "budget", [C_VALUE] = "balance", [C_SD] = "spent",
                       [C_P5] = "gap" },
    [TIDY_OUTCOMES] = { [C_RUN] = "run", [C_STEP] = "step", [C_DATE] = "date",
                        [C_ITEM] = "outcome", [C_VALUE] = "value" },
};

/* Does the header hold exactly the roles of kind k (plus an optional
 * point column, and for flows an optional flow column: the flow's name,
 * which files written before it was added lack)? Fills col[] when it does. */
static int match_long(const csv_reader *csv, int k, int col[C_N])
{
    size_t n = csvr_ncols(csv), want = 0;
    for (int c = 0; c < C_N; c++)
        col[c] = -1;
    col[C_POINT] = csvr_find(csv, "point");
    for (int c = 0; c < C_N; c++) {
        if (!long_cols[k][c])
            continue;
        want++;
        col[c] = csvr_find(csv, long_cols[k][c]);
        if (col[c] < 0)
            return 0;
    }
    /* quantiles.csv of `demob run` also has p25 and p75 (read past); a
     * flows.csv names each flow (a file of 0.1 does not). */
    size_t extra = k == TIDY_QUANTILES ? (size_t)(csvr_find(csv, "p25") >= 0) + (csvr_find(csv, "p75") >= 0) : 0;
    int named = k == TIDY_FLOWS && csvr_find(csv, "flow") >= 0;
    return n == want + extra + (col[C_POINT] >= 0) + named;
}

tidy_reader *tidy_open(const char *path, demob_error *err)
{
    tidy_reader *r = calloc(1, sizeof *r);
    if (!r) {
        demob_error_set(err, DEMOB_ERUN, "%s: out of memory", path);
        return NULL;
    }
    strbuf_init(&r->item);
    strbuf_init(&r->header);
    strbuf_init(&r->key);
    r->csv = csvr_open(path, err);
    if (!r->csv) {
        tidy_close(r);
        return NULL;
    }
    size_t n = csvr_ncols(r->csv);
    for (size_t c = 0; c < n; c++) {
        if (c)
            strbuf_putc(&r->header, ',');
        strbuf_puts(&r->header, csvr_colname(r->csv, c));
    }
    int k;
    for (k = 0; k < N_LONG; k++)
        if (match_long(r->csv, k, r->col))
            break;
    if (k < N_LONG) {
        r->kind = (tidy_kind)k;
        if (r->kind == TIDY_BUDGETS) {
            /* Three values per record, read like a wide kind's cells. */
            r->values = malloc(3 * sizeof *r->values);
            if (!r->values) {
                demob_error_set(err, DEMOB_ERUN, "%s: out of memory", path);
                tidy_close(r);
                return NULL;
            }
            r->values[0] = r->col[C_VALUE];
            r->values[1] = r->col[C_SD];
            r->values[2] = r->col[C_P5];
            r->nvalues = 3;
        }
        return r;
    }
    /* Wide kinds: summary (a run column, no step) or points (a point
     * column, no run, no step); every other column holds numbers. */
    for (int c = 0; c < C_N; c++)
        r->col[c] = -1;
    r->col[C_POINT] = csvr_find(r->csv, "point");
    r->col[C_RUN] = csvr_find(r->csv, "run");
    if (csvr_find(r->csv, "step") < 0 && (r->col[C_RUN] >= 0 || r->col[C_POINT] >= 0)) {
        r->kind = r->col[C_RUN] >= 0 ? TIDY_SUMMARY : TIDY_POINTS;
        r->values = malloc((n ? n : 1) * sizeof *r->values);
        if (!r->values) {
            demob_error_set(err, DEMOB_ERUN, "%s: out of memory", path);
            tidy_close(r);
            return NULL;
        }
        for (size_t c = 0; c < n; c++)
            if ((int)c != r->col[C_POINT] && (int)c != r->col[C_RUN])
                r->values[r->nvalues++] = (int)c;
        if (r->nvalues > 0)
            return r;
    }
    demob_error_set(err, DEMOB_EINPUT,
                    "%s:1: not a demob output file: header '%s' is not that of populations.csv "
                    "(run,step,date,origin,state,count), flows.csv, costs.csv, budgets.csv, "
                    "outcomes.csv, summary.csv, quantiles.csv or points.csv", path, r->header.data ? r->header.data : "");
    tidy_close(r);
    return NULL;
}

tidy_reader *tidy_open_kind(const char *path, tidy_kind kind, demob_error *err)
{
    tidy_reader *t = tidy_open(path, err);
    if (t && t->kind != kind) {
        demob_error_set(err, DEMOB_EINPUT, "%s: holds %s, not %s", path, tidy_kind_name(t->kind),
                        tidy_kind_name(kind));
        tidy_close(t);
        return NULL;
    }
    return t;
}

void tidy_close(tidy_reader *r)
{
    if (!r)
        return;
    csvr_close(r->csv);
    free(r->values);
    strbuf_free(&r->item);
    strbuf_free(&r->header);
    strbuf_free(&r->key);
    keytab_free(r->seen);
    tidy_grid_free(r->grid);
    free(r);
}

tidy_kind tidy_kind_of(const tidy_reader *r) { return r->kind; }
int tidy_has_point(const tidy_reader *r) { return r->col[C_POINT] >= 0; }
const char *tidy_path(const tidy_reader *r) { return csvr_name(r->csv); }
const char *tidy_header(const tidy_reader *r) { return r->header.data ? r->header.data : ""; }
size_t tidy_nvalues(const tidy_reader *r) { return r->nvalues; }

const char *tidy_value_name(const tidy_reader *r, size_t i)
{
    return csvr_colname(r->csv, (size_t)r->values[i]);
}

/* A whole number >= 0 in field c (point, run, step). */
static int whole(const tidy_reader *r, int c, long *out, demob_error *err)
{
    if (c < 0) {
        *out = -1;
        return 0;
    }
    const char *s = csvr_field(r->csv, (size_t)c);
    size_t len = csvr_field_len(r->csv, (size_t)c);
    long v = 0;
    int ok = len > 0 && len <= 18;
    for (size_t i = 0; ok && i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            ok = 0;
        else
            v = v * 10 + (s[i] - '0');
    }
    if (!ok) {
        long line, col;
        csvr_field_pos(r->csv, (size_t)c, &line, &col);
        return demob_error_set(err, DEMOB_EINPUT,
                               "%s:%ld:%ld: column '%s': '%.80s' is not a whole number >= 0",
                               csvr_name(r->csv), line, col, csvr_colname(r->csv, (size_t)c), s);
    }
    *out = v;
    return 0;
}

static int bad_cell(const tidy_reader *r, int c, const char *what, demob_error *err)
{
    long line, col;
    csvr_field_pos(r->csv, (size_t)c, &line, &col);
    return demob_error_set(err, DEMOB_EINPUT, "%s:%ld:%ld: column '%s': '%.80s' %s", csvr_name(r->csv), line, col,
                           csvr_colname(r->csv, (size_t)c), csvr_field(r->csv, (size_t)c), what);
}

/* A decimal number (demob writes no hexadecimal: "0x10" is not 16 here);
 * counts of people and flows are >= 0. */
static int number(const tidy_reader *r, int c, double *out, demob_error *err)
{
    if (csvr_number(r->csv, (size_t)c, out, err) != 0)
        return DEMOB_EINPUT;
    const char *s = csvr_field(r->csv, (size_t)c);
    if (strpbrk(s, "xX"))
        return bad_cell(r, c, "is not a decimal number", err);
    if (*out < 0 && (r->kind == TIDY_POPULATIONS || r->kind == TIDY_FLOWS) && c == r->col[C_VALUE])
        return bad_cell(r, c, "is negative (a count of people is >= 0)", err);
    return 0;
}

/* Refuses a record whose key was seen in its block: a row written twice. */
static int check_duplicate(tidy_reader *r, const tidy_row *row, demob_error *err)
{
    int wide = r->kind == TIDY_SUMMARY || r->kind == TIDY_POINTS;
    if (!r->seen || (!wide && (row->point != r->block_point || row->run != r->block_run))) {
        keytab_free(r->seen);
        if (!(r->seen = keytab_new()))
            return demob_error_set(err, DEMOB_ERUN, "%s: out of memory", csvr_name(r->csv));
        r->block_point = row->point;
        r->block_run = row->run;
    }
    strbuf_clear(&r->key);
    strbuf_printf(&r->key, "%ld,%ld,%ld", row->point, row->run, row->step);
    for (int k = C_ORIGIN; k <= C_ITEM2 && !wide; k++)
        if (r->col[k] >= 0) {
            strbuf_putc(&r->key, '\0');
            strbuf_append(&r->key, csvr_field(r->csv, (size_t)r->col[k]), csvr_field_len(r->csv, (size_t)r->col[k]));
        }
    int added = 0;
    if (r->key.failed || keytab_intern(r->seen, r->key.data, r->key.len, &added) < 0)
        return demob_error_set(err, DEMOB_ERUN, "%s: out of memory", csvr_name(r->csv));
    if (!added)
        return demob_error_set(err, DEMOB_EINPUT, "%s:%ld: duplicate row (the same %s as an earlier row)",
                               csvr_name(r->csv), row->line,
                               wide ? (r->kind == TIDY_POINTS ? "point" : "point and run")
                                    : "point, run, step and names");
    return 0;
}

/* The long kinds' grid (tidy_grid.h): the row's cell key, its names
 * each ended by '\0'. A flows.csv's arrivals (no from state) are written
 * only when someone arrives: not part of the grid. */
static int check_grid(tidy_reader *r, const tidy_row *row, demob_error *err)
{
    if (r->col[C_ITEM2] >= 0 && csvr_field_len(r->csv, (size_t)r->col[C_ITEM]) == 0)
        return 0;
    if (!r->grid && !(r->grid = tidy_grid_new(csvr_name(r->csv), r->kind)))
        return demob_error_set(err, DEMOB_ERUN, "%s: out of memory", csvr_name(r->csv));
    strbuf_clear(&r->key);
    for (int k = C_ORIGIN; k <= C_ITEM2; k++)
        if (r->col[k] >= 0) {
            strbuf_append(&r->key, csvr_field(r->csv, (size_t)r->col[k]), csvr_field_len(r->csv, (size_t)r->col[k]));
            strbuf_putc(&r->key, '\0');
        }
    if (r->key.failed)
        return demob_error_set(err, DEMOB_ERUN, "%s: out of memory", csvr_name(r->csv));
    return tidy_grid_row(r->grid, row, r->key.data, r->key.len, err);
}

int tidy_next(tidy_reader *r, tidy_row *row, demob_error *err)
{
    int wide = r->kind == TIDY_SUMMARY || r->kind == TIDY_POINTS;
    int multi = wide || r->kind == TIDY_BUDGETS;   /* several values per record */
    if (!multi || !r->have_record || r->next_value >= r->nvalues) {
        int rc = csvr_next(r->csv, err);
        if (rc == 0 && r->grid && tidy_grid_end(r->grid, err) != 0)
            rc = -1;
        if (rc <= 0) {
            r->have_record = 0;
            if (rc < 0 && err && err->status == 0)
                err->status = DEMOB_EINPUT;
            return rc < 0 ? (err ? err->status : DEMOB_EINPUT) : 0;
        }
        r->have_record = 1;
        r->next_value = 0;
    }
    memset(row, 0, sizeof *row);
    row->line = csvr_line(r->csv);
    row->date = r->col[C_DATE] >= 0 ? csvr_field(r->csv, (size_t)r->col[C_DATE]) : "";
    row->origin = r->col[C_ORIGIN] >= 0 ? csvr_field(r->csv, (size_t)r->col[C_ORIGIN]) : "";
    if (whole(r, r->col[C_POINT], &row->point, err) || whole(r, r->col[C_RUN], &row->run, err) ||
        whole(r, r->col[C_STEP], &row->step, err))
        return DEMOB_EINPUT;
    if (r->col[C_RUN] >= 0 && row->run < 1)
        return bad_cell(r, r->col[C_RUN], "is not a run number (runs count from 1)", err);
    if (r->next_value == 0 && check_duplicate(r, row, err))
        return DEMOB_EINPUT;
    if (r->next_value == 0 && !wide) {
        int rc = check_grid(r, row, err);
        if (rc != 0)
            return rc;
    }
    if (wide) {
        int c = r->values[r->next_value++];
        row->item = csvr_colname(r->csv, (size_t)c);
        return number(r, c, &row->value, err) ? DEMOB_EINPUT : 1;
    }
    if (r->kind == TIDY_BUDGETS) {
        int c = r->values[r->next_value++];
        strbuf_clear(&r->item);
        strbuf_puts(&r->item, csvr_field(r->csv, (size_t)r->col[C_ITEM]));
        strbuf_putc(&r->item, '.');
        strbuf_puts(&r->item, csvr_colname(r->csv, (size_t)c));
        if (r->item.failed)
            return demob_error_set(err, DEMOB_ERUN, "%s: out of memory", csvr_name(r->csv));
        row->item = r->item.data;
        return number(r, c, &row->value, err) ? DEMOB_EINPUT : 1;
    }
    if (r->kind == TIDY_FLOWS) {
        strbuf_clear(&r->item);
        strbuf_puts(&r->item, csvr_field(r->csv, (size_t)r->col[C_ITEM]));
        strbuf_puts(&r->item, "->");
        strbuf_puts(&r->item, csvr_field(r->csv, (size_t)r->col[C_ITEM2]));
        if (r->item.failed)
            return demob_error_set(err, DEMOB_ERUN, "%s: out of memory", csvr_name(r->csv));
        row->item = r->item.data;
    } else {
        row->item = csvr_field(r->csv, (size_t)r->col[C_ITEM]);
    }
    if (number(r, r->col[C_VALUE], &row->value, err))
        return DEMOB_EINPUT;
    if (r->kind == TIDY_QUANTILES) {
        for (int i = 0; i < 4; i++)
            if (number(r, r->col[C_SD + i], &row->q[i], err))
                return DEMOB_EINPUT;
    }
    return 1;
}
