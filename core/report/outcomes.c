/* outcomes.c - see outcomes.h.
 *
 * populations.csv, per (point, run) block: the values at the largest step
 * seen so far (the block's final stocks once it ends), the values at the
 * smallest (initial caseloads), the peak state's total per step, and, when
 * there is no flows.csv, the return measure per origin and step. When the
 * block ends each outcome gets one value for that run.
 * flows.csv, per block: people entering the return state per origin and
 * step, summed in step order at the block's end to find the first step
 * that reaches 50% and 90% of the origin's initial total.
 * costs.csv, per block: amounts summed per category. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/keytab.h"
#include "outcomes.h"
#include "util/runstats.h"
#include "util/stats.h"
#include "tidy.h"
#include "util/path.h"

/* Cells of the final-stock table are indexed [origin * stride + state];
 * the stride grows with the states seen, up to this. */
#define OUTCOMES_MAX_STATES 256
/* The largest step a file may hold (demob runs at most 10^6 steps): dates
 * are kept per step. */
#define OUTCOMES_MAX_STEP 1000000

typedef outcomes_vec vec;

int outcomes_vec_push(outcomes_vec *a, double x)
{
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 4;   /* one per origin: start small */
        double *v = realloc(a->v, cap * sizeof *v);
        if (!v)
            return -1;
        a->v = v;
        a->cap = cap;
    }
    a->v[a->n++] = x;
    return 0;
}

static void summarise(vec *a, ostat *s)
{
    outcomes_summarise(a, s);
}

void outcomes_summarise(outcomes_vec *a, ostat *s)
{
    size_t k = 0;
    double sum = 0;
    for (size_t i = 0; i < a->n; i++)
        if (!isnan(a->v[i])) {
            a->v[k++] = a->v[i];
            sum += a->v[i];
        }
    s->n = (long)k;
    if (k == 0) {
        s->mean = s->p5 = s->p50 = s->p95 = NAN;
        return;
    }
    stats_sort(a->v, k);
    s->mean = sum / (double)k;
    s->p5 = stats_quantile_sorted(a->v, k, 0.05);
    s->p50 = stats_quantile_sorted(a->v, k, 0.50);
    s->p95 = stats_quantile_sorted(a->v, k, 0.95);
}

/* A 2-D array [row][step] of doubles that grows in both directions. */
typedef struct grid {
    double *v;
    size_t rows, steps;   /* capacity */
} grid;

static int grid_fit(grid *g, size_t rows, size_t steps)
{
    if (rows <= g->rows && steps <= g->steps)
        return 0;
    size_t r = g->rows ? g->rows : 8, s = g->steps ? g->steps : 64;
    while (r < rows)
        r *= 2;
    while (s < steps)
        s *= 2;
    double *v = calloc(r * s, sizeof *v);
    if (!v)
        return -1;
    for (size_t i = 0; i < g->rows; i++)
        memcpy(v + i * s, g->v + i * g->steps, g->steps * sizeof *v);
    free(g->v);
    g->v = v;
    g->rows = r;
    g->steps = s;
    return 0;
}

/* Widens the stride of a [o * stride + s] array of no origins from old
 * to nw (the array holds *cap doubles). */
static int restride(double **v, size_t *cap, size_t no, size_t old, size_t nw)
{
    size_t n = (no + 1) * nw;
    double *a = calloc(n, sizeof *a);
    if (!a)
        return -1;
    for (size_t o = 0; o < no && *v; o++)
        for (size_t s = 0; s < old && o * old + s < *cap; s++)
            a[o * nw + s] = (*v)[o * old + s];
    free(*v);
    *v = a;
    *cap = n;
    return 0;
}

/* Values by (origin, step), as read: memory grows with the rows, never
 * with the step numbers (a row at step 10^8 is one entry). Sorted when a
 * block ends. */
typedef struct entry {
    long o, t;
    double v;
} entry;

typedef struct entries {
    entry *e;
    size_t n, cap;
} entries;

static int entries_add(entries *a, long o, long t, double v)
{
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 256;
        entry *e = realloc(a->e, cap * sizeof *e);
        if (!e)
            return -1;
        a->e = e;
        a->cap = cap;
    }
    a->e[a->n++] = (entry){o, t, v};
    return 0;
}

static int cmp_entry(const void *x, const void *y)
{
    const entry *a = x, *b = y;
    if (a->o != b->o)
        return a->o < b->o ? -1 : 1;
    return (a->t > b->t) - (a->t < b->t);
}

/* Sorts by origin and step and sums the entries of one (origin, step). */
static void entries_fold(entries *a)
{
    if (a->n == 0)
        return;
    qsort(a->e, a->n, sizeof *a->e, cmp_entry);
    size_t k = 0;
    for (size_t i = 1; i < a->n; i++) {
        if (a->e[i].o == a->e[k].o && a->e[i].t == a->e[k].t)
            a->e[k].v += a->e[i].v;
        else
            a->e[++k] = a->e[i];
    }
    a->n = k + 1;
}

static double *grid_at(grid *g, size_t row, size_t step)
{
    return &g->v[row * g->steps + step];
}

static void grid_clear(grid *g)
{
    if (g->v)
        memset(g->v, 0, g->rows * g->steps * sizeof *g->v);
}

typedef struct reader {
    const outcomes_options *o;
    outcomes *out;
    keytab *origins, *states, *blocks;
    const char *path;
    /* per block */
    long max_step, min_step;
    grid final_cells;     /* [o][s] at the max step, as 1 x (o * S + s) rows */
    grid init_cells;      /* [o] at the min step */
    entries peak;         /* (0, step): the peak state's total */
    entries measure;      /* (o, step): return measure (fallback or flows) */
    size_t s_cap;         /* states capacity used to index cells */
    /* per run values */
    vec *final_total;     /* per state */
    size_t final_total_n;
    vec peak_v, peak_step_v;
    vec *m50, *m90;       /* per origin */
    size_t m_n;
    double *final_sum;    /* Welford-free running sums for the mean matrix */
    size_t final_sum_cap;
    double *init_sum;
    size_t init_sum_cap;
    long peak_state;      /* state id or -1 */
    long return_state, next_state;
    int fallback;         /* milestones from populations */
} reader;

static int oom(const reader *r, demob_error *err)
{
    return demob_error_set(err, DEMOB_ERUN, "%s: out of memory", r->path);
}

/* Milestones of one run from the cumulative measure per origin. */
static int milestones(reader *r, int cumulate, long first, long last, demob_error *err)
{
    size_t no = keytab_count(r->origins);
    if (r->m_n < no) {
        vec *a = realloc(r->m50, no * sizeof *a), *b;
        if (!a)
            return oom(r, err);
        r->m50 = a;
        b = realloc(r->m90, no * sizeof *b);
        if (!b)
            return oom(r, err);
        r->m90 = b;
        for (size_t i = r->m_n; i < no; i++) {
            memset(&r->m50[i], 0, sizeof r->m50[i]);
            memset(&r->m90[i], 0, sizeof r->m90[i]);
        }
        r->m_n = no;
    }
    (void)first;
    (void)last;
    entries_fold(&r->measure);
    size_t at = 0;   /* the measure's entries of origin o start here */
    for (size_t o = 0; o < no; o++) {
        /* Shares of the initial caseload: this run's own (populations),
         * or the mean over runs (flows, read after populations). */
        double base;
        if (r->fallback)
            base = o < r->init_cells.steps ? *grid_at(&r->init_cells, 0, o) : NAN;
        else
            base = r->out->initial && o < r->out->n_origins ? r->out->initial[o] : NAN;
        double acc = 0, s50 = NAN, s90 = NAN;
        /* Steps without an entry hold 0: they move neither a running
         * sum nor a stock past a share of a caseload > 0. */
        for (; at < r->measure.n && r->measure.e[at].o < (long)o; at++)
            ;
        for (; at < r->measure.n && r->measure.e[at].o == (long)o; at++) {
            double v = r->measure.e[at].v;
            double t = (double)r->measure.e[at].t;
            acc = cumulate ? acc + v : v;
            if (base > 0 && isnan(s50) && acc >= 0.5 * base - 1e-9 * base)
                s50 = t;
            if (base > 0 && isnan(s90) && acc >= 0.9 * base - 1e-9 * base)
                s90 = t;
        }
        if (outcomes_vec_push(&r->m50[o], s50) || outcomes_vec_push(&r->m90[o], s90))
            return oom(r, err);
    }
    return 0;
}

static int end_population_block(reader *r, demob_error *err)
{
    size_t no = keytab_count(r->origins), ns = keytab_count(r->states);
    outcomes *out = r->out;
    if (r->final_sum_cap < no * r->s_cap) {   /* laid out [o * s_cap + s] */
        size_t cap = no * r->s_cap * 2;
        double *f = realloc(r->final_sum, cap * sizeof *f);
        if (!f)
            return oom(r, err);
        for (size_t i = r->final_sum_cap; i < cap; i++)
            f[i] = 0;
        r->final_sum = f;
        r->final_sum_cap = cap;
    }
    if (r->init_sum_cap < no) {
        double *f = realloc(r->init_sum, no * 2 * sizeof *f);
        if (!f)
            return oom(r, err);
        for (size_t i = r->init_sum_cap; i < no * 2; i++)
            f[i] = 0;
        r->init_sum = f;
        r->init_sum_cap = no * 2;
    }
    if (r->final_total_n < ns) {
        vec *v = realloc(r->final_total, ns * sizeof *v);
        if (!v)
            return oom(r, err);
        for (size_t i = r->final_total_n; i < ns; i++)
            memset(&v[i], 0, sizeof v[i]);
        r->final_total = v;
        r->final_total_n = ns;
    }
    for (size_t s = 0; s < ns; s++) {
        double tot = 0;
        for (size_t o = 0; o < no; o++) {
            double v = *grid_at(&r->final_cells, 0, o * r->s_cap + s);
            tot += v;
            r->final_sum[o * r->s_cap + s] += v;
        }
        if (outcomes_vec_push(&r->final_total[s], tot))
            return oom(r, err);
    }
    for (size_t o = 0; o < no; o++)
        r->init_sum[o] += *grid_at(&r->init_cells, 0, o);
    if (r->peak_state >= 0) {
        /* The largest total, at its first step; a step of the block
         * without the peak state totals 0. */
        entries_fold(&r->peak);
        double best = -INFINITY, at = NAN;
        long gap = r->min_step;   /* the first step without an entry */
        for (size_t i = 0; i < r->peak.n; i++) {
            const entry *e = &r->peak.e[i];
            if (e->t == gap)
                gap++;
            if (e->v > best) {
                best = e->v;
                at = (double)e->t;
            }
        }
        if (gap <= r->max_step && (0 > best || (0 == best && (double)gap < at))) {
            best = 0;
            at = (double)gap;
        }
        if (outcomes_vec_push(&r->peak_v, best) || outcomes_vec_push(&r->peak_step_v, at))
            return oom(r, err);
    }
    if (r->fallback && r->return_state >= 0 && milestones(r, 0, r->min_step, r->max_step, err))
        return err->status;
    if (out->first_step < 0 || r->min_step < out->first_step)
        out->first_step = r->min_step;
    if (r->max_step > out->final_step)
        out->final_step = r->max_step;
    out->n_runs++;
    grid_clear(&r->final_cells);
    grid_clear(&r->init_cells);
    r->peak.n = 0;
    r->measure.n = 0;
    return 0;
}

static int set_date(outcomes *out, long step, const char *date, demob_error *err)
{
    return outcomes_set_date(out, step, date, err);
}

int outcomes_set_date(outcomes *out, long step, const char *date, demob_error *err)
{
    if (step < 0 || step > 10000000)
        return 0;
    if ((size_t)step >= out->n_dates) {
        size_t n = (size_t)step + 1;
        char **d = realloc(out->dates, n * sizeof *d);
        if (!d)
            return demob_error_set(err, DEMOB_ERUN, "out of memory");
        for (size_t i = out->n_dates; i < n; i++)
            d[i] = NULL;
        out->dates = d;
        out->n_dates = n;
    }
    if (!out->dates[step]) {
        out->dates[step] = strdup(date);
        if (!out->dates[step])
            return demob_error_set(err, DEMOB_ERUN, "out of memory");
    }
    return 0;
}

/* Starts a new (point, run) block, or says the file is not in blocks. */
static int new_block(reader *r, const tidy_row *row, demob_error *err)
{
    int64_t bk[2] = { row->point, row->run };
    int added;
    if (keytab_intern(r->blocks, bk, sizeof bk, &added) < 0)
        return oom(r, err);
    if (!added)
        return demob_error_set(err, DEMOB_EINPUT,
                               "%s:%ld: the rows of run %ld are not together; demob writes each "
                               "run in one block of rows", r->path, row->line, row->run);
    return 0;
}

static int read_populations(reader *r, const char *path, demob_error *err)
{
    tidy_reader *t = tidy_open_kind(path, TIDY_POPULATIONS, err);
    if (!t)
        return err->status;
    int rc = 0;
    r->path = path;
    tidy_row row;
    int have = 0;
    int64_t cur[2] = { -2, -2 };
    r->s_cap = 4;
    while ((rc = tidy_next(t, &row, err)) > 0) {
        if (r->o->point >= 0 && row.point != r->o->point)
            continue;
        if (!have || row.point != cur[0] || row.run != cur[1]) {
            if (have && (rc = end_population_block(r, err)) != 0)
                break;
            if ((rc = new_block(r, &row, err)) != 0)
                break;
            have = 1;
            cur[0] = row.point;
            cur[1] = row.run;
            r->max_step = -1;
            r->min_step = -1;
        }
        long o = keytab_intern_str(r->origins, row.origin);
        long s = keytab_intern_str(r->states, row.item);
        if (o < 0 || s < 0) {
            rc = oom(r, err);
            break;
        }
        if ((size_t)s >= OUTCOMES_MAX_STATES) {
            rc = demob_error_set(err, DEMOB_EINPUT, "%s: more than %d states", path, OUTCOMES_MAX_STATES);
            break;
        }
        if (row.step > OUTCOMES_MAX_STEP) {
            rc = demob_error_set(err, DEMOB_EINPUT, "%s:%ld: step %ld is beyond %d (no run has more steps)", path,
                                 row.line, (long)row.step, OUTCOMES_MAX_STEP);
            break;
        }
        if ((size_t)s >= r->s_cap) {
            size_t nw = r->s_cap;
            while (nw <= (size_t)s)
                nw *= 2;
            size_t no = keytab_count(r->origins);
            if (restride(&r->final_cells.v, &r->final_cells.steps, no, r->s_cap, nw) ||
                (r->final_sum && restride(&r->final_sum, &r->final_sum_cap, no, r->s_cap, nw))) {
                rc = oom(r, err);
                break;
            }
            r->final_cells.rows = 1;
            r->s_cap = nw;
        }
        if (grid_fit(&r->final_cells, 1, ((size_t)o + 1) * r->s_cap) ||
            grid_fit(&r->init_cells, 1, (size_t)o + 1) ||
            set_date(r->out, row.step, row.date, err)) {
            rc = oom(r, err);
            break;
        }
        if (row.step > r->max_step) {
            /* A later step: the final stocks so far were not final. */
            if (r->max_step >= 0)
                memset(r->final_cells.v, 0, r->final_cells.steps * sizeof(double));
            r->max_step = row.step;
        }
        if (r->min_step < 0 || row.step < r->min_step) {
            if (r->min_step >= 0)
                memset(r->init_cells.v, 0, r->init_cells.steps * sizeof(double));
            r->min_step = row.step;
        }
        if (row.step == r->max_step)
            *grid_at(&r->final_cells, 0, (size_t)o * r->s_cap + (size_t)s) += row.value;
        if (row.step == r->min_step)
            *grid_at(&r->init_cells, 0, (size_t)o) += row.value;
        if (s == r->peak_state || (r->peak_state < 0 && r->o->peak_state &&
                                   strcmp(row.item, r->o->peak_state) == 0)) {
            r->peak_state = s;
            if (entries_add(&r->peak, 0, row.step, row.value)) {
                rc = oom(r, err);
                break;
            }
        }
        if (r->fallback) {
            if (r->return_state < 0 && strcmp(row.item, r->o->return_state) == 0)
                r->return_state = s;
            /* The state declared right after the return state holds
             * people who returned and moved on. */
            if (r->return_state >= 0 && r->next_state < 0 && s == r->return_state + 1)
                r->next_state = s;
            if ((s == r->return_state || (r->next_state >= 0 && s == r->next_state)) &&
                entries_add(&r->measure, o, row.step, row.value)) {
                rc = oom(r, err);
                break;
            }
        }
    }
    if (rc == 0 && have)
        rc = end_population_block(r, err);
    if (rc == 0 && !have)
        rc = demob_error_set(err, DEMOB_EINPUT, "%s: no rows%s", path,
                             r->o->point >= 0 ? " for that point" : " after the header");
    tidy_close(t);
    return rc < 0 ? rc : 0;
}

/* Opens a file of blocks (run, point) to stream: the reader's path and a
 * fresh block table. NULL with err on failure. */
static tidy_reader *start_blocks(reader *r, const char *path, tidy_kind kind, demob_error *err)
{
    tidy_reader *t = tidy_open_kind(path, kind, err);
    if (!t)
        return NULL;
    r->path = path;
    keytab_free(r->blocks);
    r->blocks = keytab_new();
    if (!r->blocks) {
        tidy_close(t);
        oom(r, err);
        return NULL;
    }
    return t;
}

static int read_flows(reader *r, const char *path, demob_error *err)
{
    tidy_reader *t = start_blocks(r, path, TIDY_FLOWS, err);
    if (!t)
        return err->status;
    int rc = 0;
    size_t want = strlen(r->o->return_state);
    tidy_row row;
    int have = 0;
    int64_t cur[2] = { -2, -2 };
    long first = -1, last = -1;
    while ((rc = tidy_next(t, &row, err)) > 0) {
        if (r->o->point >= 0 && row.point != r->o->point)
            continue;
        if (!have || row.point != cur[0] || row.run != cur[1]) {
            if (have && (rc = milestones(r, 1, first, last, err)) != 0)
                break;
            r->measure.n = 0;
            if ((rc = new_block(r, &row, err)) != 0)
                break;
            have = 1;
            cur[0] = row.point;
            cur[1] = row.run;
            first = last = row.step;
        }
        if (row.step < first)
            first = row.step;
        if (row.step > last)
            last = row.step;
        /* item is "from->to": does it end in "->" + the return state? */
        size_t n = strlen(row.item);
        if (n < want + 2 || strcmp(row.item + n - want, r->o->return_state) != 0 ||
            memcmp(row.item + n - want - 2, "->", 2) != 0)
            continue;
        long o = keytab_intern_str(r->origins, row.origin);
        if (o < 0 || entries_add(&r->measure, o, row.step, row.value)) {
            rc = oom(r, err);
            break;
        }
    }
    if (rc == 0 && have)
        rc = milestones(r, 1, first, last, err);
    tidy_close(t);
    return rc < 0 ? rc : 0;
}

/* costs.csv being read: per category the amount so far in the block, and
 * per run the amount of each category and the total. */
typedef struct cost_acc {
    keytab *cats;
    vec *per;            /* per category: one value per run */
    size_t per_n;
    vec total;           /* per run */
    double *sum;         /* per category: the block so far */
    size_t sum_n;
} cost_acc;

static void cost_acc_free(cost_acc *a)
{
    for (size_t i = 0; i < a->per_n; i++)
        free(a->per[i].v);
    free(a->per);
    free(a->total.v);
    free(a->sum);
    keytab_free(a->cats);
}

/* The block is complete: one value per category and a total. */
static int cost_block_end(reader *r, cost_acc *a, demob_error *err)
{
    size_t nc = keytab_count(a->cats);
    if (a->per_n < nc) {
        vec *p = realloc(a->per, nc * sizeof *p);
        if (!p)
            return oom(r, err);
        a->per = p;
        for (size_t i = a->per_n; i < nc; i++) {
            memset(&p[i], 0, sizeof p[i]);
            a->per_n = i + 1;
            /* Runs before this category appeared spent nothing on it. */
            for (size_t k = 0; k < a->total.n; k++)
                if (outcomes_vec_push(&p[i], 0))
                    return oom(r, err);
        }
    }
    double all = 0;
    for (size_t c = 0; c < nc; c++) {
        double v = c < a->sum_n ? a->sum[c] : 0;
        all += v;
        if (outcomes_vec_push(&a->per[c], v))
            return oom(r, err);
    }
    if (outcomes_vec_push(&a->total, all))
        return oom(r, err);
    if (a->sum)
        memset(a->sum, 0, a->sum_n * sizeof *a->sum);
    return 0;
}

/* Adds one row's amount to its category. */
static int cost_add(reader *r, cost_acc *a, const tidy_row *row, demob_error *err)
{
    long c = keytab_intern_str(a->cats, row->item);
    if (c < 0)
        return oom(r, err);
    if ((size_t)c >= a->sum_n) {
        size_t n = a->sum_n ? a->sum_n * 2 : 16;
        while (n <= (size_t)c)
            n *= 2;
        double *s = realloc(a->sum, n * sizeof *s);
        if (!s)
            return oom(r, err);
        for (size_t i = a->sum_n; i < n; i++)
            s[i] = 0;
        a->sum = s;
        a->sum_n = n;
    }
    a->sum[c] += row->value;
    return 0;
}

/* The distributions over runs, into out. */
static int cost_publish(reader *r, cost_acc *a, demob_error *err)
{
    outcomes *out = r->out;
    out->n_categories = keytab_count(a->cats);
    out->categories = calloc(out->n_categories + 1, sizeof *out->categories);
    out->cost = calloc(out->n_categories + 1, sizeof *out->cost);
    if (!out->categories || !out->cost)
        return oom(r, err);
    for (size_t c = 0; c < out->n_categories; c++) {
        out->categories[c] = strdup(keytab_key(a->cats, c, NULL));
        if (!out->categories[c])
            return oom(r, err);
        summarise(&a->per[c], &out->cost[c]);
    }
    summarise(&a->total, &out->cost_total);
    out->has_costs = a->total.n > 0;
    return 0;
}

static int read_costs(reader *r, const char *path, demob_error *err)
{
    tidy_reader *t = start_blocks(r, path, TIDY_COSTS, err);
    if (!t)
        return err->status;
    int rc = 0;
    cost_acc a;
    memset(&a, 0, sizeof a);
    a.cats = keytab_new();
    if (!a.cats)
        rc = oom(r, err);
    tidy_row row;
    int have = 0;
    int64_t cur[2] = { -2, -2 };
    while (rc == 0) {
        int got = tidy_next(t, &row, err);
        if (got < 0) {
            rc = got;
            break;
        }
        if (got > 0 && r->o->point >= 0 && row.point != r->o->point)
            continue;
        int boundary = got == 0 ? have : (!have || row.point != cur[0] || row.run != cur[1]);
        if (boundary && have && (rc = cost_block_end(r, &a, err)) != 0)
            break;
        if (got == 0) {
            rc = cost_publish(r, &a, err);
            break;
        }
        if (boundary) {
            if ((rc = new_block(r, &row, err)) != 0)
                break;
            have = 1;
            cur[0] = row.point;
            cur[1] = row.run;
        }
        rc = cost_add(r, &a, &row, err);
    }
    cost_acc_free(&a);
    tidy_close(t);
    return rc < 0 ? rc : 0;
}

static char **names_of(const keytab *t, size_t *n)
{
    *n = keytab_count(t);
    char **v = calloc(*n + 1, sizeof *v);
    for (size_t i = 0; v && i < *n; i++)
        if (!(v[i] = strdup(keytab_key(t, i, NULL))))
            return v;   /* a NULL name: caught by the caller's check */
    return v;
}

static void free_milestone_runs(reader *r)
{
    for (size_t i = 0; i < r->m_n; i++) {
        free(r->m50[i].v);
        free(r->m90[i].v);
    }
    free(r->m50);
    free(r->m90);
    r->m50 = r->m90 = NULL;
    r->m_n = 0;
}

static void reader_free(reader *r)
{
    keytab_free(r->origins);
    keytab_free(r->states);
    keytab_free(r->blocks);
    free(r->final_cells.v);
    free(r->init_cells.v);
    free(r->peak.e);
    free(r->measure.e);
    for (size_t i = 0; i < r->final_total_n; i++)
        free(r->final_total[i].v);
    free(r->final_total);
    free(r->peak_v.v);
    free(r->peak_step_v.v);
    free_milestone_runs(r);
    free(r->final_sum);
    free(r->init_sum);
}

/* The folder must exist and hold populations.csv (or quantiles.csv: the
 * caller checked). */
static int check_folder(const char *dir, const char *pop, demob_error *err)
{
    if (path_kind(dir) != 1)
        return demob_error_set(err, DEMOB_EINPUT, "%s: no such folder", dir);
    if (path_kind(pop) != 2)
        return demob_error_set(err, DEMOB_EINPUT,
                               "%s: no populations.csv nor quantiles.csv (a report needs the stocks over "
                               "time; for a sweep, save them with --save populations)", dir);
    return 0;
}

/* Names, final stocks (means and totals), initial caseloads and the peak
 * from what read_populations gathered. */
static int publish_populations(reader *r, demob_error *err)
{
    outcomes *out = r->out;
    out->origins = names_of(r->origins, &out->n_origins);
    out->states = names_of(r->states, &out->n_states);
    size_t no = out->n_origins, ns = out->n_states;
    out->final_mean = calloc(no * ns + 1, sizeof *out->final_mean);
    out->final_total = calloc(ns + 1, sizeof *out->final_total);
    out->initial = calloc(no + 1, sizeof *out->initial);
    if (!out->origins || !out->states || !out->final_mean || !out->final_total || !out->initial)
        return oom(r, err);
    for (size_t i = 0; i < no; i++)
        if (!out->origins[i])
            return oom(r, err);
    for (size_t i = 0; i < ns; i++)
        if (!out->states[i])
            return oom(r, err);
    for (size_t oi = 0; oi < no; oi++) {
        out->initial[oi] = r->init_sum[oi] / (double)out->n_runs;
        for (size_t s = 0; s < ns; s++)
            out->final_mean[oi * ns + s] = r->final_sum[oi * r->s_cap + s] / (double)out->n_runs;
    }
    for (size_t s = 0; s < ns; s++)
        summarise(&r->final_total[s], &out->final_total[s]);
    if (r->peak_state >= 0) {
        out->has_peak = 1;
        summarise(&r->peak_v, &out->peak);
        summarise(&r->peak_step_v, &out->peak_step);
    }
    return 0;
}

/* Milestones from flows.csv, against the mean initial totals (those the
 * populations fallback gathered are dropped). */
static int read_flow_milestones(reader *r, const char *flows, demob_error *err)
{
    free_milestone_runs(r);
    r->measure.n = 0;
    int rc = read_flows(r, flows, err);
    if (rc == 0)
        r->out->milestone_source = "flows.csv";
    return rc;
}

/* The milestones' distributions over runs, into out. */
static int publish_milestones(reader *r, demob_error *err)
{
    outcomes *out = r->out;
    size_t no = out->n_origins;
    out->m50 = calloc(no + 1, sizeof *out->m50);
    out->m90 = calloc(no + 1, sizeof *out->m90);
    if (!out->m50 || !out->m90)
        return oom(r, err);
    for (size_t i = 0; i < no && i < r->m_n; i++) {
        summarise(&r->m50[i], &out->m50[i]);
        summarise(&r->m90[i], &out->m90[i]);
    }
    for (size_t i = r->m_n; i < no; i++) {
        out->m50[i].mean = out->m50[i].p5 = out->m50[i].p50 = out->m50[i].p95 = NAN;
        out->m90[i] = out->m50[i];
    }
    out->has_milestones = 1;
    return 0;
}

int outcomes_load(const char *dir, const outcomes_options *o, outcomes *out, demob_error *err)
{
    char quant[PATH_MAX];
    path_join(quant, sizeof quant, dir, "populations.csv");
    if (path_kind(dir) == 1 && path_kind(quant) != 2) {
        path_join(quant, sizeof quant, dir, "quantiles.csv");
        if (path_kind(quant) == 2)
            return outcomes_load_quantiles(dir, o, out, err);
    }
    memset(out, 0, sizeof *out);
    out->first_step = out->final_step = -1;
    reader r;
    memset(&r, 0, sizeof r);
    r.o = o;
    r.out = out;
    r.peak_state = r.return_state = r.next_state = -1;
    r.origins = keytab_new();
    r.states = keytab_new();
    r.blocks = keytab_new();
    r.path = dir;
    char pop[PATH_MAX], flows[PATH_MAX], costs[PATH_MAX];
    path_join(pop, sizeof pop, dir, "populations.csv");
    path_join(flows, sizeof flows, dir, "flows.csv");
    path_join(costs, sizeof costs, dir, "costs.csv");
    int want_milestones = o->return_state != NULL;
    r.fallback = want_milestones && (path_kind(flows) != 2 || o->coarse);
    out->milestone_source = "populations.csv";
    int rc = !r.origins || !r.states || !r.blocks ? oom(&r, err) : check_folder(dir, pop, err);
    if (rc == 0)
        rc = read_populations(&r, pop, err);
    if (rc == 0)
        rc = publish_populations(&r, err);
    if (rc == 0 && want_milestones && !r.fallback)
        rc = read_flow_milestones(&r, flows, err);
    if (rc == 0 && want_milestones && r.m_n > 0 && (r.fallback ? r.return_state >= 0 : 1))
        rc = publish_milestones(&r, err);
    if (rc == 0 && path_kind(costs) == 2)
        rc = read_costs(&r, costs, err);
    reader_free(&r);
    return rc;
}

void outcomes_free(outcomes *out)
{
    for (size_t i = 0; i < out->n_dates; i++)
        free(out->dates[i]);
    free(out->dates);
    for (size_t i = 0; out->origins && i < out->n_origins; i++)
        free(out->origins[i]);
    for (size_t i = 0; out->states && i < out->n_states; i++)
        free(out->states[i]);
    for (size_t i = 0; out->categories && i < out->n_categories; i++)
        free(out->categories[i]);
    free(out->origins);
    free(out->states);
    free(out->categories);
    free(out->final_mean);
    free(out->final_total);
    free(out->initial);
    free(out->m50);
    free(out->m90);
    free(out->cost);
    memset(out, 0, sizeof *out);
}

const char *outcomes_date(const outcomes *out, long step)
{
    if (step < 0 || (size_t)step >= out->n_dates || !out->dates[step])
        return "";
    return out->dates[step];
}

long outcomes_origin(const outcomes *out, const char *name)
{
    for (size_t i = 0; i < out->n_origins; i++)
        if (strcmp(out->origins[i], name) == 0)
            return (long)i;
    return -1;
}

long outcomes_state(const outcomes *out, const char *name)
{
    for (size_t i = 0; i < out->n_states; i++)
        if (strcmp(out->states[i], name) == 0)
            return (long)i;
    return -1;
}
