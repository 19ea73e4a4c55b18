/* summarize.c - `demob summarize` (see summarize.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "summarize.h"
#include "tidy_grid.h"
#include "util/csv_read.h"
#include "util/csv_write.h"
#include "util/json_flat.h"
#include "util/path.h"
#include "util/stats.h"
#include "util/stats_table.h"

#define SUM_MAX_MEMBERS 4096

/* One quantity: a state summed over a group of origins, or an outcome. */
typedef struct qty {
    char label[512];         /* "Sudan+Chad present", "still_in_country" */
    char group[256];         /* the group as given ("" for outcomes)     */
    const char *item;        /* state or outcome name                    */
    int is_outcome;          /* per folder                               */
    int found;               /* per folder: some row matched its item    */
    char **members;          /* per folder: origin names; NULL: all      */
    int n_members;
} qty;

typedef struct block {
    long point, run;
    double *v;               /* [n_qty * n_at] */
    unsigned files;          /* the files that gave it values (FILE_*)   */
} block;

/* The files a run's values come from: a run in one but not in another
 * would count as 0 in the other's quantities. */
enum { FILE_OUTCOMES = 1, FILE_POPULATIONS = 2, FILE_SUMMARY = 4 };
static const char *const file_names[] = { "outcomes.csv", "populations.csv", "summary.csv" };

typedef struct ctx {
    const report_summarize_opts *o;
    qty *q;
    int n_q;
    int n_at;
    int steps[64];           /* this folder's steps of the --at list     */
    char dates[64][40];      /* their date labels, as seen in the files  */
    unsigned char step_seen[64]; /* a row of that step was read          */
    block *b;
    long n_b, cap_b, cursor;
    jflat man;
    const char *dir;
    char **seen_origins;     /* origins seen in populations.csv          */
    int n_seen, cap_seen;
} ctx;

static void free_members(qty *q)
{
    for (int i = 0; i < q->n_members; i++)
        free(q->members[i]);
    free(q->members);
    q->members = NULL;
    q->n_members = 0;
}

static int add_member(qty *q, const char *name)
{
    for (int i = 0; i < q->n_members; i++)
        if (strcmp(q->members[i], name) == 0)
            return 0;
    char **v = realloc(q->members, ((size_t)q->n_members + 1) * sizeof *v);
    if (!v)
        return -1;
    q->members = v;
    if (!(v[q->n_members] = strdup(name)))
        return -1;
    q->n_members++;
    return 0;
}

/* The origins of a group part: a tag of the manifest, or the name itself. */
static int add_part(const jflat *man, qty *q, const char *part)
{
    char key[300];
    snprintf(key, sizeof key, "tags.%s", part);
    const jflat_entry *e = jflat_find(man, key);
    if (e && e->items) {
        for (size_t i = 0; i < e->n_items; i++)
            if (add_member(q, e->items[i]))
                return -1;
        return 0;
    }
    if (e && e->is_string)
        return add_member(q, e->value);
    return add_member(q, part);
}

/* Resolves q->group ("all", "A", "tag", "A+B") into members. */
static int resolve_group(const jflat *man, qty *q)
{
    free_members(q);
    if (!q->group[0] || strcmp(q->group, "all") == 0)
        return 0;
    const char *p = q->group;
    while (*p) {
        size_t len = strcspn(p, "+");
        char part[256];
        snprintf(part, sizeof part, "%.*s", (int)len, p);
        if (len && add_part(man, q, part))
            return -1;
        p += len + (p[len] == '+');
    }
    return 0;
}

/* ------------------------------------------------------- steps, dates */

static long days_from_civil(long y, long m, long d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* "12" or a date, for the folder dir whose manifest is man (its start,
 * unit and steps); option names the option in messages. */
static int step_of(const jflat *man, const char *dir, const char *option, const char *text, int *t,
                   demob_error *err)
{
    long steps = atol(jflat_get(man, "steps") ? jflat_get(man, "steps") : "0");
    const char *start = jflat_get(man, "start"), *unit = jflat_get(man, "unit");
    char *end;
    long v = strtol(text, &end, 10);
    if (*text && !*end) {
        if (v < 0 || v > steps)
            return demob_error_set(err, DEMOB_EINPUT, "%s: step %s is outside the run of %s (steps 0..%ld)", option,
                                   text, dir, steps);
        *t = (int)v;
        return 0;
    }
    int y, m, d = 1, used = 0, y0, m0, d0 = 1, used0 = 0;
    int n = sscanf(text, "%4d-%2d%n-%2d%n", &y, &m, &used, &d, &used);
    if (n < 2 || text[used] || m < 1 || m > 12 || d < 1 || d > 31)
        return demob_error_set(err, DEMOB_EINPUT, "%s: '%s' is neither a step nor a date YYYY-MM or YYYY-MM-DD",
                               option, text);
    if (!start || !*start || sscanf(start, "%4d-%2d%n-%2d%n", &y0, &m0, &used0, &d0, &used0) < 2)
        return demob_error_set(err, DEMOB_EINPUT, "%s: %s: the run has no start date, give steps instead of '%s'",
                               option, dir, text);
    long k;
    if (!unit || strcmp(unit, "month") == 0) {
        k = (long)y * 12 + m - ((long)y0 * 12 + m0);
        if (n == 3 && d > d0)
            k++;
    }
    else {
        long days = days_from_civil(y, m, d) - days_from_civil(y0, m0, d0), per = strcmp(unit, "week") == 0 ? 7 : 1;
        k = days >= 0 ? (days + per - 1) / per : -((-days) / per);
    }
    if (k < 0 || k > steps)
        return demob_error_set(err, DEMOB_EINPUT, "%s: the date %s is outside the run of %s (steps 0..%ld from %s)",
                               option, text, dir, steps, start);
    *t = (int)k;
    return 0;
}

static int folder_step(ctx *c, const char *text, int *t, demob_error *err)
{
    return step_of(&c->man, c->dir, "--at", text, t, err);
}

int report_step_of_folder(const char *dir, const char *text, const char *option, int *t, demob_error *err)
{
    char path[4400];
    path_join(path, sizeof path, dir, "manifest.json");
    jflat man;
    memset(&man, 0, sizeof man);
    FILE *f = fopen(path, "r");
    if (!f)
        return demob_error_set(err, DEMOB_EINPUT, "%s: the date '%s' needs %s (give a step number instead)", option,
                               text, path);
    fclose(f);
    int rc = jflat_load(path, &man, err);
    if (rc == 0)
        rc = step_of(&man, dir, option, text, t, err);
    jflat_free(&man);
    return rc;
}

/* ------------------------------------------------------------ blocks */

static double *block_of(ctx *c, long point, long run, unsigned file, demob_error *err)
{
    if (c->cursor < c->n_b && c->b[c->cursor].point == point && c->b[c->cursor].run == run) {
        c->b[c->cursor].files |= file;
        return c->b[c->cursor].v;
    }
    for (long i = 0; i < c->n_b; i++) {
        long k = (c->cursor + 1 + i) % c->n_b;
        if (c->b[k].point == point && c->b[k].run == run) {
            c->cursor = k;
            c->b[k].files |= file;
            return c->b[k].v;
        }
    }
    if (c->n_b == c->cap_b) {
        long cap = c->cap_b ? c->cap_b * 2 : 256;
        block *nb = realloc(c->b, (size_t)cap * sizeof *nb);
        if (!nb)
            goto oom;
        c->b = nb;
        c->cap_b = cap;
    }
    block *b = &c->b[c->n_b];
    b->point = point;
    b->run = run;
    b->files = file;
    b->v = calloc((size_t)c->n_q * (size_t)c->n_at + 1, sizeof *b->v);
    if (!b->v)
        goto oom;
    c->cursor = c->n_b++;
    return b->v;
oom:
    demob_error_set(err, DEMOB_ERUN, "out of memory");
    return NULL;
}

static void free_blocks(ctx *c)
{
    for (long i = 0; i < c->n_b; i++)
        free(c->b[i].v);
    free(c->b);
    c->b = NULL;
    c->n_b = c->cap_b = c->cursor = 0;
}

static int note_origin(ctx *c, const char *o)
{
    for (int i = c->n_seen - 1; i >= 0; i--)
        if (strcmp(c->seen_origins[i], o) == 0)
            return 0;
    if (c->n_seen == c->cap_seen) {
        int cap = c->cap_seen ? c->cap_seen * 2 : 16;
        char **v = realloc(c->seen_origins, (size_t)cap * sizeof *v);
        if (!v)
            return -1;
        c->seen_origins = v;
        c->cap_seen = cap;
    }
    return (c->seen_origins[c->n_seen] = strdup(o)) ? (c->n_seen++, 0) : -1;
}

/* Streams one file: populations.csv (outcomes = 0: item column "state",
 * origin column, value "count") or outcomes.csv (item "outcome", value
 * "value"). Adds each matching row into its run's block. */
static int scan(ctx *c, const char *path, int outcomes, demob_error *err)
{
    csv_reader *r = csvr_open(path, err);
    if (!r)
        return DEMOB_EINPUT;
    int cp = csvr_find(r, "point"), cr = csvr_find(r, "run"), cs = csvr_find(r, "step"), cd = csvr_find(r, "date");
    int co = outcomes ? -1 : csvr_find(r, "origin");
    int ci = csvr_find(r, outcomes ? "outcome" : "state"), cv = csvr_find(r, outcomes ? "value" : "count");
    int rc = 0;
    if (cr < 0 || cs < 0 || ci < 0 || cv < 0 || (!outcomes && co < 0)) {
        csvr_close(r);
        return demob_error_set(err, DEMOB_EINPUT, "%s: not a demob %s file (its header lacks run, step, %s)", path,
                               outcomes ? "outcomes.csv" : "populations.csv", outcomes ? "outcome, value" : "origin, state, count");
    }
    /* A missing row would be summed as 0: each step of each run holds its
     * cells (tidy_grid.h). */
    tidy_grid *grid = tidy_grid_new(path, outcomes ? TIDY_OUTCOMES : TIDY_POPULATIONS);
    strbuf key;
    strbuf_init(&key);
    if (!grid)
        rc = demob_error_set(err, DEMOB_ERUN, "out of memory");
    int got;
    while (rc == 0 && (got = csvr_next(r, err)) != 0) {
        if (got < 0) {
            rc = err->status ? err->status : DEMOB_EINPUT;
            break;
        }
        long step = atol(csvr_field(r, (size_t)cs));
        tidy_row at = { .point = cp >= 0 ? atol(csvr_field(r, (size_t)cp)) : -1,
                        .run = atol(csvr_field(r, (size_t)cr)), .step = step, .line = csvr_line(r) };
        strbuf_clear(&key);
        if (co >= 0)
            strbuf_append(&key, csvr_field(r, (size_t)co), csvr_field_len(r, (size_t)co) + 1);
        strbuf_append(&key, csvr_field(r, (size_t)ci), csvr_field_len(r, (size_t)ci) + 1);
        if (key.failed)
            rc = demob_error_set(err, DEMOB_ERUN, "out of memory");
        if (rc == 0)
            rc = tidy_grid_row(grid, &at, key.data, key.len, err);
        if (rc != 0)
            break;
        int col[64], nc = 0;
        for (int k = 0; k < c->n_at; k++)
            if (c->steps[k] == step) {
                col[nc++] = k;
                c->step_seen[k] = 1;
            }
        const char *origin = co >= 0 ? csvr_field(r, (size_t)co) : "";
        if (co >= 0 && note_origin(c, origin)) {
            rc = demob_error_set(err, DEMOB_ERUN, "out of memory");
            break;
        }
        if (!nc)
            continue;
        const char *item = csvr_field(r, (size_t)ci);
        double x;
        long point = at.point, run = at.run;
        double *v = NULL;
        for (int qi = 0; qi < c->n_q; qi++) {
            qty *q = &c->q[qi];
            if (q->is_outcome != outcomes || strcmp(q->item, item) != 0)
                continue;
            if (!outcomes && q->members) {
                int in = 0;
                for (int m = 0; m < q->n_members && !in; m++)
                    in = strcmp(q->members[m], origin) == 0;
                if (!in)
                    continue;
            }
            if (!v) {
                if ((rc = csvr_number(r, (size_t)cv, &x, err)))
                    break;
                if (!(v = block_of(c, point, run, outcomes ? FILE_OUTCOMES : FILE_POPULATIONS, err))) {
                    rc = DEMOB_ERUN;
                    break;
                }
            }
            q->found = 1;
            for (int k = 0; k < nc; k++) {
                v[(size_t)qi * (size_t)c->n_at + (size_t)col[k]] += x;
                if (cd >= 0)
                    snprintf(c->dates[col[k]], sizeof c->dates[col[k]], "%s", csvr_field(r, (size_t)cd));
            }
        }
    }
    if (rc == 0 && grid)
        rc = tidy_grid_end(grid, err);
    tidy_grid_free(grid);
    strbuf_free(&key);
    csvr_close(r);
    return rc;
}

/* Opens path into *r, or gives *r = NULL when there is no such file. */
static int open_if_there(const char *path, csv_reader **r, demob_error *err)
{
    *r = NULL;
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    fclose(f);
    *r = csvr_open(path, err);
    return *r ? 0 : DEMOB_EINPUT;
}

/* Which quantities are outcomes in this folder: the names outcomes.csv
 * lists (read once through). */
static int mark_outcomes(ctx *c, const char *path, int *have, demob_error *err)
{
    *have = 0;
    for (int i = 0; i < c->n_q; i++)
        c->q[i].is_outcome = 0;
    csv_reader *r;
    int rc = open_if_there(path, &r, err);
    if (rc != 0 || !r)
        return rc;
    int ci = csvr_find(r, "outcome");
    *have = ci >= 0;
    while (ci >= 0 && (rc = csvr_next(r, err)) > 0) {
        const char *name = csvr_field(r, (size_t)ci);
        int all = 1;
        for (int i = 0; i < c->n_q; i++) {
            if (strcmp(c->q[i].item, name) == 0)
                c->q[i].is_outcome = 1;
            all &= c->q[i].is_outcome;
        }
        if (all || csvr_line(r) > 1000)   /* the names repeat from the first run on */
            break;
    }
    csvr_close(r);
    return 0;
}

/* A sweep writes no outcomes.csv: its summary.csv holds each run's
 * outcome.<name> at the final step. Marks the quantities found there
 * (is_outcome = 2) and adds their values; an --at date that is not the
 * final step is DEMOB_EINPUT naming it. */
static int summary_outcomes(ctx *c, demob_error *err)
{
    char path[4400];
    path_join(path, sizeof path, c->dir, "summary.csv");
    csv_reader *r;
    int rc = open_if_there(path, &r, err);
    if (rc != 0 || !r)
        return rc;
    int *col = calloc((size_t)c->n_q + 1, sizeof *col), any = 0;
    if (!col) {
        csvr_close(r);
        return demob_error_set(err, DEMOB_ERUN, "out of memory");
    }
    for (int i = 0; i < c->n_q; i++) {
        char name[600];
        snprintf(name, sizeof name, "outcome.%s", c->q[i].item);
        col[i] = c->q[i].is_outcome ? -1 : csvr_find(r, name);
        any |= col[i] >= 0;
    }
    const char *steps = jflat_get(&c->man, "steps");
    long final = steps ? atol(steps) : -1;
    for (int k = 0; any && k < c->n_at && rc == 0; k++)
        if (c->steps[k] != final)
            rc = demob_error_set(err, DEMOB_EINPUT,
                                 "--at: %s holds outcomes only at the final step (t=%ld) in summary.csv (a sweep "
                                 "writes no outcomes.csv); t=%d is not it", c->dir, final, c->steps[k]);
    for (int i = 0; i < c->n_q && rc == 0; i++)
        if (col[i] >= 0)
            c->q[i].is_outcome = 2;
    int cp = csvr_find(r, "point"), cr = csvr_find(r, "run"), got;
    while (any && rc == 0 && cr >= 0 && (got = csvr_next(r, err)) != 0) {
        if (got < 0) {
            rc = err->status ? err->status : DEMOB_EINPUT;
            break;
        }
        long point = cp >= 0 ? atol(csvr_field(r, (size_t)cp)) : -1, run = atol(csvr_field(r, (size_t)cr));
        double *v = block_of(c, point, run, FILE_SUMMARY, err);
        if (!v) {
            rc = DEMOB_ERUN;
            break;
        }
        for (int i = 0; i < c->n_q && rc == 0; i++) {
            double x;
            if (col[i] < 0 || (rc = csvr_number(r, (size_t)col[i], &x, err)))
                continue;
            c->q[i].found = 1;
            for (int k = 0; k < c->n_at; k++) {
                v[(size_t)i * (size_t)c->n_at + (size_t)k] += x;
                c->step_seen[k] = 1;   /* the final step, checked above */
            }
        }
    }
    csvr_close(r);
    free(col);
    return rc;
}

/* Every run read has values from every file read (a run missing in full
 * from one file is not 0 there). */
static int check_blocks(const ctx *c, demob_error *err)
{
    unsigned all = 0;
    for (long i = 0; i < c->n_b; i++)
        all |= c->b[i].files;
    for (long i = 0; i < c->n_b; i++) {
        unsigned lack = all & ~c->b[i].files;
        if (!lack)
            continue;
        int f = 0, h = 0;
        while (!(lack & (1u << f)))
            f++;
        while (!(c->b[i].files & (1u << h)))
            h++;
        char pt[40] = "";
        if (c->b[i].point >= 0)
            snprintf(pt, sizeof pt, "point %ld, ", c->b[i].point);
        return demob_error_set(err, DEMOB_EINPUT,
                               "%s/%s: no rows for %srun %ld (%s has them; a missing row is not 0)", c->dir,
                               file_names[f], pt, c->b[i].run, file_names[h]);
    }
    return 0;
}

/* ------------------------------------------------------------ output */

static void range_line(const ctx *c, strbuf *t)
{
    const char *range = jflat_get(&c->man, "range"), *cmd = jflat_get(&c->man, "command");
    if (range && *range)
        strbuf_printf(t, "%s\n", range);
    else if (cmd && strcmp(cmd, "sweep") == 0)
        strbuf_puts(t, c->o->pool ? "Median (p5-p95) over every point and replicate. Range includes: the sweep "
                                    "design's params and chance.\n"
                                  : "Median (p5-p95) over each point's replicates. Range includes: chance (run-to-run "
                                    "noise at the point's params) only.\n");
    else
        strbuf_puts(t, "Median (p5-p95) of the runs. Range includes: chance (run-to-run noise) only.\n");
}

static void csv_long_header(strbuf *csv)
{
    strbuf_puts(csv, "folder,point,step,date,origin,state,n,mean,sd,p5,p25,p50,p75,p95\n");
}

/* Emits the rows of one folder (and point, or pooled: point -1 with pool). */
static int emit(ctx *c, int have_point, long point, strbuf *table, strbuf *csv, strbuf *wide_cols,
                double *wide_vals, int *n_wide, demob_error *err)
{
    size_t n = 0;
    for (long i = 0; i < c->n_b; i++)
        n += c->o->pool || !have_point || c->b[i].point == point;
    int n_cols = c->n_at, n_rows = c->n_q;
    /* --wide: three of the 3000 columns of wide_vals per quantity, checked
     * before any is written. */
    if (csv && c->o->wide && (*n_wide + n_rows) * 3 > 2990)
        return demob_error_set(err, DEMOB_EINPUT, "--wide: at most 996 quantities");
    double *x = malloc((n ? n : 1) * sizeof *x);
    char (*cells)[120] = calloc((size_t)n_rows * (size_t)n_cols + 1, sizeof *cells);
    const char **cellp = calloc((size_t)n_rows * (size_t)n_cols + 1, sizeof *cellp);
    const char **rowp = calloc((size_t)n_rows + 1, sizeof *rowp);
    const char **colp = calloc((size_t)n_cols + 1, sizeof *colp);
    char (*cols)[80] = calloc((size_t)n_cols + 1, sizeof *cols);
    char (*labels)[600] = calloc((size_t)n_rows + 1, sizeof *labels);
    if (!x || !cells || !cellp || !rowp || !colp || !cols || !labels) {
        free(x), free(cells), free(cellp), free(rowp), free(colp), free(cols), free(labels);
        return demob_error_set(err, DEMOB_ERUN, "out of memory");
    }
    static const double ps[] = {0.05, 0.25, 0.5, 0.75, 0.95};
    for (int k = 0; k < n_cols; k++) {
        if (c->dates[k][0])
            snprintf(cols[k], sizeof cols[k], "%s (t=%d)", c->dates[k], c->steps[k]);
        else
            snprintf(cols[k], sizeof cols[k], "t=%d", c->steps[k]);
        colp[k] = cols[k];
    }
    for (int qi = 0; qi < n_rows; qi++) {
        char where[300] = "";
        if (c->o->n_dirs > 1)
            snprintf(where, sizeof where, "%s ", c->dir);
        if (have_point && !c->o->pool)
            snprintf(where + strlen(where), sizeof where - strlen(where), "point %ld ", point);
        snprintf(labels[qi], sizeof labels[qi], "%s%s", where, c->q[qi].label);
        rowp[qi] = labels[qi];
        for (int k = 0; k < n_cols; k++) {
            size_t m = 0;
            for (long i = 0; i < c->n_b; i++)
                if (c->o->pool || !have_point || c->b[i].point == point)
                    x[m++] = c->b[i].v[(size_t)qi * (size_t)n_cols + (size_t)k];
            double mean, sd, qs[5];
            stats_mean_sd(x, m, &mean, &sd);
            stats_sort(x, m);
            for (int j = 0; j < 5; j++)
                qs[j] = stats_quantile_sorted(x, m, ps[j]);
            size_t ci = (size_t)qi * (size_t)n_cols + (size_t)k;
            stats_table_cell(x, m, cells[ci], sizeof cells[ci]);
            cellp[ci] = cells[ci];
            if (csv && !c->o->wide) {
                csvw_str(csv, 1, c->dir);
                if (have_point && !c->o->pool)
                    csvw_i64(csv, 0, point);
                else
                    csvw_str(csv, 0, "");
                csvw_i64(csv, 0, c->steps[k]);
                csvw_str(csv, 0, c->dates[k]);
                csvw_str(csv, 0, c->q[qi].is_outcome ? "" : c->q[qi].group);
                csvw_str(csv, 0, c->q[qi].item);
                csvw_i64(csv, 0, (long long)m);
                csvw_f64(csv, 0, mean);
                csvw_f64(csv, 0, sd);
                for (int j = 0; j < 5; j++)
                    csvw_f64(csv, 0, qs[j]);
                csvw_end(csv);
            }
            if (csv && c->o->wide) {
                /* one column each for p50, p5 and p95 of this quantity */
                if (k == 0) {
                    csvw_str(wide_cols, 0, labels[qi]);
                    char l[700];
                    snprintf(l, sizeof l, "%s p5", labels[qi]);
                    csvw_str(wide_cols, 0, l);
                    snprintf(l, sizeof l, "%s p95", labels[qi]);
                    csvw_str(wide_cols, 0, l);
                }
                wide_vals[(size_t)k * 3000 + (size_t)(*n_wide + qi) * 3 + 0] = qs[2];
                wide_vals[(size_t)k * 3000 + (size_t)(*n_wide + qi) * 3 + 1] = qs[0];
                wide_vals[(size_t)k * 3000 + (size_t)(*n_wide + qi) * 3 + 2] = qs[4];
            }
        }
    }
    *n_wide += n_rows;
    stats_table_print(table, "", colp, n_cols, rowp, cellp, n_rows);
    free(x), free(cells), free(cellp), free(rowp), free(colp), free(cols), free(labels);
    return 0;
}

/* ------------------------------------------------------------ driver */

static int check_folder(ctx *c, const char *dir, const jflat *first, const char *first_dir, demob_error *err)
{
    char path[4400];
    path_join(path, sizeof path, dir, "manifest.json");
    FILE *f = fopen(path, "r");
    if (!f)
        return demob_error_set(err, DEMOB_EINPUT,
                               "%s is not a demob output folder (no manifest.json; summarize reads the folders "
                               "that demob run and demob sweep write)",
                               dir);
    fclose(f);
    if (jflat_load(path, &c->man, err))
        return DEMOB_EINPUT;
    const char *tool = jflat_get(&c->man, "tool"), *cmd = jflat_get(&c->man, "command");
    if (!tool || strcmp(tool, "demob") != 0 || !cmd || (strcmp(cmd, "run") && strcmp(cmd, "sweep")))
        return demob_error_set(err, DEMOB_EINPUT, "%s: not the manifest of demob run or demob sweep", path);
    if (first && !c->o->force) {
        const char *a = jflat_get(first, "scenario_sha256"), *b = jflat_get(&c->man, "scenario_sha256");
        const char *na = jflat_get(first, "scenario"), *nb = jflat_get(&c->man, "scenario");
        if (!a || !b || strcmp(a, b) != 0)
            return demob_error_set(err, DEMOB_EINPUT,
                                   "%s and %s come from different scenarios (\"%s\" and \"%s\", or another "
                                   "version of the file): use --force to summarize them together",
                                   first_dir, dir, na ? na : "?", nb ? nb : "?");
    }
    return 0;
}

int report_summarize(const report_summarize_opts *o, strbuf *table, strbuf *csv, demob_error *err)
{
    if (o->n_dirs < 1)
        return demob_error_set(err, DEMOB_EINPUT, "no folder given");
    if (o->n_at < 1 || o->n_at > 64)
        return demob_error_set(err, DEMOB_EINPUT, "--at: give between 1 and 64 steps or dates");
    if (o->n_states < 1)
        return demob_error_set(err, DEMOB_EINPUT, "--state: give the states or outcomes to summarize");
    static const char *const all[] = {"all"};
    const char *const *groups = o->n_origins ? o->origins : all;
    int n_groups = o->n_origins ? o->n_origins : 1, rc = 0;
    jflat first;
    memset(&first, 0, sizeof first);
    strbuf wide_cols;
    strbuf_init(&wide_cols);
    double *wide_vals = NULL;
    int n_wide = 0;
    char wide_dates[64][40];
    int wide_steps[64];
    if (csv && !o->wide)
        csv_long_header(csv);
    for (int d = 0; d < o->n_dirs && rc == 0; d++) {
        ctx c;
        memset(&c, 0, sizeof c);
        c.o = o;
        c.dir = o->dirs[d];
        if ((rc = check_folder(&c, c.dir, d ? &first : NULL, o->dirs[0], err)))
            goto next;
        /* The quantities, with this folder's tags (--by origin: apart). */
        int cap = 0;
        for (int s = 0; s < o->n_states; s++)
            for (int g = 0; g < n_groups; g++) {
                qty one;
                memset(&one, 0, sizeof one);
                snprintf(one.group, sizeof one.group, "%s", groups[g]);
                if (resolve_group(&c.man, &one)) {
                    rc = demob_error_set(err, DEMOB_ERUN, "out of memory");
                    goto next;
                }
                int parts = o->by_origin && one.members ? one.n_members : 1;
                for (int p = 0; p < parts; p++) {
                    if (c.n_q == cap) {
                        cap = cap ? cap * 2 : 16;
                        qty *nq = realloc(c.q, (size_t)cap * sizeof *nq);
                        if (!nq) {
                            free_members(&one);
                            rc = demob_error_set(err, DEMOB_ERUN, "out of memory");
                            goto next;
                        }
                        c.q = nq;
                    }
                    qty *q = &c.q[c.n_q++];
                    memset(q, 0, sizeof *q);
                    q->item = o->states[s];
                    snprintf(q->group, sizeof q->group, "%s", parts > 1 ? one.members[p] : one.group);
                    if (resolve_group(&c.man, q)) {
                        free_members(&one);
                        rc = demob_error_set(err, DEMOB_ERUN, "out of memory");
                        goto next;
                    }
                    snprintf(q->label, sizeof q->label, "%s %s", q->group, q->item);
                }
                free_members(&one);
            }
        c.n_at = o->n_at;
        for (int k = 0; k < o->n_at; k++)
            if ((rc = folder_step(&c, o->at[k], &c.steps[k], err)))
                goto next;
        char path[4400];
        int have_outcomes = 0, need_pop = 0;
        path_join(path, sizeof path, c.dir, "outcomes.csv");
        if ((rc = mark_outcomes(&c, path, &have_outcomes, err)))
            goto next;
        if (!have_outcomes && (rc = summary_outcomes(&c, err)))
            goto next;
        for (int i = 0; i < c.n_q; i++) {
            if (c.q[i].is_outcome) {
                /* an outcome sums its own origins: one row, whatever the group */
                snprintf(c.q[i].label, sizeof c.q[i].label, "%s", c.q[i].item);
                int dup = 0;
                for (int j = 0; j < i; j++)
                    dup |= c.q[j].is_outcome && strcmp(c.q[j].item, c.q[i].item) == 0;
                if (dup) {
                    free_members(&c.q[i]);
                    memmove(&c.q[i], &c.q[i + 1], (size_t)(c.n_q - i - 1) * sizeof *c.q);
                    c.n_q--;
                    i--;
                }
            }
            else
                need_pop = 1;
        }
        if (have_outcomes && (rc = scan(&c, path, 1, err)))
            goto next;
        if (need_pop) {
            path_join(path, sizeof path, c.dir, "populations.csv");
            FILE *f = fopen(path, "r");
            if (!f) {
                for (int i = 0; i < c.n_q; i++)
                    if (!c.q[i].is_outcome) {
                        rc = demob_error_set(err, DEMOB_EINPUT,
                                             "%s has no populations.csv, which '%s' needs (it is not an outcome in "
                                             "outcomes.csv): a large run leaves it out unless run with --save all",
                                             c.dir, c.q[i].item);
                        goto next;
                    }
            }
            fclose(f);
            if ((rc = scan(&c, path, 0, err)))
                goto next;
            /* Names that matched nothing. */
            for (int i = 0; i < c.n_q; i++)
                for (int m = 0; !c.q[i].is_outcome && m < c.q[i].n_members; m++) {
                    int seen = 0;
                    for (int s = 0; s < c.n_seen && !seen; s++)
                        seen = strcmp(c.seen_origins[s], c.q[i].members[m]) == 0;
                    if (!seen) {
                        strbuf known;
                        strbuf_init(&known);
                        for (int s = 0; s < c.n_seen; s++)
                            strbuf_printf(&known, "%s%s", s ? ", " : "", c.seen_origins[s]);
                        rc = demob_error_set(err, DEMOB_EINPUT, "--origin: '%s' is no origin or tag of %s (origins: %.300s)",
                                             c.q[i].members[m], c.dir, known.data ? known.data : "");
                        strbuf_free(&known);
                        goto next;
                    }
                }
        }
        for (int k = 0; k < c.n_at; k++)
            if (!c.step_seen[k]) {
                rc = demob_error_set(err, DEMOB_EINPUT,
                                     "--at: step %d is not in the output of %s (its files keep the steps --every "
                                     "chose: run it with --every 1, or ask for a saved step)", c.steps[k], c.dir);
                goto next;
            }
        for (int i = 0; i < c.n_q; i++)
            if (!c.q[i].found) {
                rc = demob_error_set(err, DEMOB_EINPUT,
                                     "--state: '%s' is neither a state in %s/populations.csv nor an outcome in "
                                     "%s/outcomes.csv",
                                     c.q[i].item, c.dir, c.dir);
                goto next;
            }
        if (o->wide && csv) {
            if (!wide_vals && !(wide_vals = calloc((size_t)64 * 3000, sizeof *wide_vals))) {
                rc = demob_error_set(err, DEMOB_ERUN, "out of memory");
                goto next;
            }
            if (d == 0)
                for (int k = 0; k < c.n_at; k++) {
                    snprintf(wide_dates[k], sizeof wide_dates[k], "%s", c.dates[k]);
                    wide_steps[k] = c.steps[k];
                }
        }
        if ((rc = check_blocks(&c, err)))
            goto next;
        /* Points: each apart (in order of appearance) unless pooled. */
        int have_point = c.n_b > 0 && c.b[0].point >= 0;
        range_line(&c, table);
        if (!have_point || o->pool)
            rc = emit(&c, have_point, -1, table, csv, &wide_cols, wide_vals, &n_wide, err);
        else
            for (long i = 0; i < c.n_b && rc == 0; i++)
                if (i == 0 || c.b[i].point != c.b[i - 1].point)
                    rc = emit(&c, 1, c.b[i].point, table, csv, &wide_cols, wide_vals, &n_wide, err);
    next:
        for (int i = 0; i < c.n_q; i++)
            free_members(&c.q[i]);
        free(c.q);
        free_blocks(&c);
        for (int s = 0; s < c.n_seen; s++)
            free(c.seen_origins[s]);
        free(c.seen_origins);
        if (d == 0)
            first = c.man;
        else
            jflat_free(&c.man);
    }
    if (rc == 0 && o->wide && csv) {
        strbuf_puts(csv, "step,date");
        strbuf_append(csv, wide_cols.data ? wide_cols.data : "", wide_cols.len);
        strbuf_putc(csv, '\n');
        for (int k = 0; k < o->n_at; k++) {
            csvw_i64(csv, 1, wide_steps[k]);
            csvw_str(csv, 0, wide_dates[k]);
            for (int i = 0; i < n_wide * 3; i++)
                csvw_f64(csv, 0, wide_vals[(size_t)k * 3000 + (size_t)i]);
            csvw_end(csv);
        }
    }
    free(wide_vals);
    strbuf_free(&wide_cols);
    jflat_free(&first);
    return rc;
}
