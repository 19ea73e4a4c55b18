/* plot.c - from a plot_request to an SVG chart (see plot.h).
 *
 * Series of several folders are put on one x axis: the union of their
 * steps, a NaN where a folder has no value, so different horizons still
 * overlay. Colours and dashes: one folder, one colour per group; several
 * folders and one group, one colour per folder; several of each, colour
 * by group (matched by label across folders) and dash by folder. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "util/json_flat.h"
#include "util/keytab.h"
#include "plot.h"
#include "util/path.h"

#define MAX_DIRS 16

#define CACHE_MAX 32

typedef struct cache_entry {
    char *path;
    long point;
    int cumulative;
    series_set set;
} cache_entry;

struct plot_cache {
    cache_entry e[CACHE_MAX];
    int n;
};

plot_cache *plot_cache_new(void)
{
    return calloc(1, sizeof(plot_cache));
}

void plot_cache_free(plot_cache *c)
{
    if (!c)
        return;
    for (int i = 0; i < c->n; i++) {
        free(c->e[i].path);
        series_free(&c->e[i].set);
    }
    free(c);
}

/* The series of one file for query q: from the cache when it can answer
 * (see plot_cache), else read. */
static int load_series(const plot_request *r, const char *path, const series_query *q,
                       series_set *out, demob_error *err)
{
    plot_cache *c = r->cache;
    int shareable = c && q->n_origins == 0 &&
                    (q->by == SERIES_BY_ITEM || (q->by == SERIES_TOTAL && q->n_items == 1));
    if (!shareable)
        return series_load(path, q, out, err);
    cache_entry *e = NULL;
    for (int i = 0; i < c->n && !e; i++)
        if (strcmp(c->e[i].path, path) == 0 && c->e[i].point == q->point &&
            c->e[i].cumulative == q->cumulative)
            e = &c->e[i];
    if (!e) {
        if (c->n == CACHE_MAX)
            return series_load(path, q, out, err);
        series_query all = { .by = SERIES_BY_ITEM, .point = q->point, .keep_runs = 1,
                             .cumulative = q->cumulative };
        e = &c->e[c->n];
        memset(e, 0, sizeof *e);
        int rc = series_load(path, &all, &e->set, err);
        if (rc != 0) {
            series_free(&e->set);
            return rc;
        }
        if (!(e->path = strdup(path))) {
            series_free(&e->set);
            return demob_error_set(err, DEMOB_ERUN, "out of memory");
        }
        e->point = q->point;
        e->cumulative = q->cumulative;
        c->n++;
    }
    /* quantiles.csv cannot make the quantiles of a sum: read it as asked. */
    if (e->set.kind == TIDY_QUANTILES)
        return series_load(path, q, out, err);
    return series_select(&e->set, path, q, out, err);
}

void plot_request_init(plot_request *r)
{
    memset(r, 0, sizeof *r);
    r->kind = TIDY_POPULATIONS;
    r->point = -1;
}

/* The manifest's value of key for a folder, into buf ("" when none). */
static void manifest_value(const char *dir, const char *key, char *buf, size_t size)
{
    char path[PATH_MAX];
    path_join(path, sizeof path, dir, "manifest.json");
    jflat m = { 0 };
    demob_error err = { 0 };
    const char *v = NULL;
    if (path_kind(dir) == 1 && jflat_load(path, &m, &err) == 0)
        v = jflat_get(&m, key);
    snprintf(buf, size, "%s", v ? v : "");
    jflat_free(&m);
}

void plot_dir_label(const char *dir, char *buf, size_t size)
{
    manifest_value(dir, "scenario", buf, size);
    if (!*buf)
        path_basename(buf, size, dir);
}

void plot_currency(const char *dir, char *buf, size_t size)
{
    manifest_value(dir, "currency", buf, size);
}

void plot_labels(const char *const *dirs, const char *const *given, int n, char labels[][PLOT_LABEL_SIZE])
{
    for (int i = 0; i < n; i++) {
        if (given && given[i])
            snprintf(labels[i], PLOT_LABEL_SIZE, "%s", given[i]);
        else
            plot_dir_label(dirs[i], labels[i], PLOT_LABEL_SIZE);
    }
    if (given)
        return;   /* the user's names are kept as they are */
    char out[MAX_DIRS][PLOT_LABEL_SIZE];
    for (int i = 0; i < n && i < MAX_DIRS; i++) {
        int same = 0;
        for (int j = 0; j < n; j++)
            same |= j != i && strcmp(labels[i], labels[j]) == 0;
        char base[PLOT_LABEL_SIZE];
        path_basename(base, sizeof base, dirs[i]);
        if (same && strcmp(base, labels[i]) != 0)
            snprintf(out[i], sizeof out[i], "%.120s (%.120s)", labels[i], base);
        else
            snprintf(out[i], sizeof out[i], "%s", labels[i]);
    }
    for (int i = 0; i < n && i < MAX_DIRS; i++)
        memcpy(labels[i], out[i], PLOT_LABEL_SIZE);
}

int plot_data_file(const char *dir, tidy_kind k, char *buf, size_t size, demob_error *err)
{
    int kind = path_kind(dir);
    if (kind == 2) {
        snprintf(buf, size, "%s", dir);
        return 0;
    }
    if (kind != 1)
        return demob_error_set(err, DEMOB_EINPUT, "%s: no such folder", dir);
    char name[64];
    snprintf(name, sizeof name, "%s.csv", tidy_kind_name(k));
    path_join(buf, size, dir, name);
    if (path_kind(buf) == 2)
        return 0;
    if (k == TIDY_POPULATIONS) {
        path_join(buf, size, dir, "quantiles.csv");
        if (path_kind(buf) == 2)
            return 0;
    }
    return demob_error_set(err, DEMOB_EINPUT, "%s: no %s in this folder%s", dir, name,
                           k == TIDY_COSTS ? " (the scenario declares no costs?)" :
                           k == TIDY_POPULATIONS ? " (nor quantiles.csv)" : "");
}

static const char *noun(tidy_kind k)
{
    return k == TIDY_COSTS ? "Costs" : k == TIDY_FLOWS ? "People moved" : k == TIDY_BUDGETS ? "Funding"
           : k == TIDY_OUTCOMES ? "Outcomes" : "People";
}

static const char *by_name(tidy_kind k, series_by by)
{
    if (by == SERIES_BY_ORIGIN)
        return "origin";
    return k == TIDY_COSTS ? "category" : k == TIDY_FLOWS ? "flow" : k == TIDY_BUDGETS ? "budget"
           : k == TIDY_OUTCOMES ? "outcome" : "state";
}

static void join_list(strbuf *b, const char *const *list, int n)
{
    for (int i = 0; i < n; i++)
        strbuf_printf(b, "%s%s", i ? ", " : "", list[i]);
}

static void make_title(const plot_request *r, strbuf *b)
{
    if (r->kind == TIDY_POPULATIONS && r->by != SERIES_BY_ITEM && r->n_items == 1 &&
        !r->cumulative) {
        /* "People <state>": state names written as participles read best
         * ("People demobilized by origin"). */
        strbuf_printf(b, "People %s%s", r->items[0], r->by == SERIES_BY_ORIGIN ? " by origin" : "");
        return;
    }
    if (r->kind == TIDY_OUTCOMES && r->n_items == 1) {
        strbuf_printf(b, "Outcome %s", r->items[0]);
        return;
    }
    if (r->cumulative)
        strbuf_printf(b, "%s to date", noun(r->kind));
    else if (r->kind == TIDY_BUDGETS)
        strbuf_puts(b, "Funding: balance, spent and gap per step");
    else if (r->kind != TIDY_POPULATIONS && r->kind != TIDY_OUTCOMES)
        strbuf_printf(b, "%s per step", noun(r->kind));
    else
        strbuf_puts(b, noun(r->kind));
    if (r->by != SERIES_TOTAL && r->kind != TIDY_BUDGETS)
        strbuf_printf(b, " by %s", by_name(r->kind, r->by));
    if (r->n_items && !(r->by == SERIES_BY_ITEM && r->n_items > 1)) {
        strbuf_puts(b, ": ");
        join_list(b, r->items, r->n_items);
    }
}

static void make_subtitle(const plot_request *r, char labels[][PLOT_LABEL_SIZE], const series_set *sets,
                          int fan, strbuf *b)
{
    for (int d = 0; d < r->n_dirs; d++)
        strbuf_printf(b, "%s%s", d ? " vs " : "", labels[d]);
    if (r->n_origins) {
        strbuf_puts(b, r->n_origins == 1 ? "; origin " : "; origins ");
        join_list(b, r->origins, r->n_origins);
    }
    if (r->point >= 0)
        strbuf_printf(b, "; sweep point %ld", r->point);
    long most = 0;
    for (int d = 0; d < r->n_dirs; d++)
        most = sets[d].n_samples > most ? sets[d].n_samples : most;
    if (sets[0].kind == TIDY_QUANTILES)
        strbuf_puts(b, fan ? "; median and p5-p95 over runs" : "; mean over runs");
    else if (most > 1)
        strbuf_printf(b, fan ? "; median and p5-p95 of %ld runs" : "; mean of %ld runs", most);
}

/* One chart being made: the folders' series, the union of their steps
 * and groups, and the chart's series. */
typedef struct plot_work {
    const plot_request *r;
    series_set sets[MAX_DIRS];
    char labels[MAX_DIRS][PLOT_LABEL_SIZE];
    int fan;                  /* bands: some folder has quantiles */
    keytab *steps, *groups;   /* unions over the folders */
    size_t n;                 /* steps on the x axis */
    double *x, *vals;
    const char **dates;
    chart_series *cs;
    char **slabels;
    size_t n_series;
} plot_work;

static int check_request(const plot_request *r, demob_error *err)
{
    if (r->n_dirs < 1 || r->n_dirs > MAX_DIRS)
        return demob_error_set(err, DEMOB_EINPUT, "give 1 to %d output folders", MAX_DIRS);
    if (r->type == PLOT_AREA && r->n_dirs > 1)
        return demob_error_set(err, DEMOB_EINPUT,
                               "a stacked area chart shows one folder; to overlay %d folders "
                               "use --type line or fan", r->n_dirs);
    return 0;
}

/* Reads folder d's series and adds its steps and groups to the unions. */
static int load_folder(plot_work *w, int d, demob_error *err)
{
    const plot_request *r = w->r;
    char path[PATH_MAX];
    int rc = plot_data_file(r->dirs[d], r->kind, path, sizeof path, err);
    if (rc != 0)
        return rc;
    series_query q = {
        .origins = r->n_origins ? r->origins : NULL, .n_origins = r->n_origins,
        .items = r->n_items ? r->items : NULL, .n_items = r->n_items,
        .by = r->by, .point = r->point, .keep_runs = r->type != PLOT_LINE && r->type != PLOT_AREA,
        .cumulative = r->cumulative, .total_label = "total",
    };
    series_set *set = &w->sets[d];
    if ((rc = load_series(r, path, &q, set, err)) != 0)
        return rc;
    int has_q = set->p50 != NULL && (set->kind == TIDY_QUANTILES || set->n_samples > 1);
    if (r->type == PLOT_FAN && !has_q)
        return demob_error_set(err, DEMOB_EINPUT,
                               set->kind == TIDY_QUANTILES
                                   ? "%s: a fan chart of a sum over origins or states needs "
                                     "populations.csv (quantiles of parts do not add up); "
                                     "pick one origin and one state, or run the sweep with "
                                     "populations saved"
                                   : "%s: a fan chart needs several runs; this output has one "
                                     "(deterministic?)", path);
    w->fan |= has_q && r->type != PLOT_LINE && r->type != PLOT_AREA;
    for (size_t t = 0; t < set->n_steps; t++) {
        int64_t st = (int64_t)set->x[t];
        if (keytab_intern(w->steps, &st, sizeof st, NULL) < 0)
            return demob_error_set(err, DEMOB_ERUN, "out of memory");
    }
    for (size_t g = 0; g < set->n_groups; g++)
        keytab_intern_str(w->groups, set->groups[g]);
    return 0;
}

/* The union of steps, sorted; dates from the first folder having one;
 * room for every series. */
static int make_axis(plot_work *w, demob_error *err)
{
    size_t n = keytab_count(w->steps), ng = keytab_count(w->groups);
    w->n = n;
    w->x = malloc((n + 1) * sizeof *w->x);
    w->dates = calloc(n + 1, sizeof *w->dates);
    size_t per = w->fan ? 4 : 1;   /* y, lo, hi, (spare) per series */
    size_t max_series = (size_t)w->r->n_dirs * ng;
    w->vals = malloc((max_series * n * per + 1) * sizeof *w->vals);
    w->cs = calloc(max_series + 1, sizeof *w->cs);
    w->slabels = calloc(max_series + 1, sizeof *w->slabels);
    if (!w->x || !w->dates || !w->vals || !w->cs || !w->slabels)
        return demob_error_set(err, DEMOB_ERUN, "out of memory");
    double *x = w->x;
    for (size_t i = 0; i < n; i++) {
        int64_t st;
        memcpy(&st, keytab_key(w->steps, i, NULL), sizeof st);
        x[i] = (double)st;
    }
    for (size_t i = 1; i < n; i++)   /* insertion sort: steps are nearly sorted */
        for (size_t j = i; j > 0 && x[j - 1] > x[j]; j--) {
            double t = x[j];
            x[j] = x[j - 1];
            x[j - 1] = t;
        }
    for (int d = 0; d < w->r->n_dirs; d++)
        for (size_t t = 0, i = 0; t < w->sets[d].n_steps; t++) {
            while (i < n && x[i] < w->sets[d].x[t])
                i++;
            if (i < n && !w->dates[i] && w->sets[d].dates[t][0])
                w->dates[i] = w->sets[d].dates[t];
        }
    for (size_t i = 0; i < n; i++)
        if (!w->dates[i])
            w->dates[i] = "";
    return 0;
}

/* Group gi of folder d on the common axis: values, label, colour, dash. */
static void add_series(plot_work *w, int d, size_t gi, long g, int one_group)
{
    const series_set *s = &w->sets[d];
    size_t n = w->n, per = w->fan ? 4 : 1;
    double *y = w->vals + w->n_series * n * per;
    double *lo = w->fan ? y + n : NULL, *hi = w->fan ? y + 2 * n : NULL;
    for (size_t i = 0, t = 0; i < n; i++) {
        while (t < s->n_steps && s->x[t] < w->x[i])
            t++;
        int have = t < s->n_steps && s->x[t] == w->x[i];
        size_t at = (size_t)g * s->n_steps + t;
        int q = w->fan && s->p50;
        y[i] = have ? (q ? s->p50[at] : s->mean[at]) : NAN;
        if (w->fan) {
            lo[i] = have && q ? s->p5[at] : NAN;
            hi[i] = have && q ? s->p95[at] : NAN;
        }
    }
    chart_series *c = &w->cs[w->n_series];
    c->y = y;
    c->lo = w->fan && s->p50 ? lo : NULL;
    c->hi = w->fan && s->p50 ? hi : NULL;
    strbuf lb;
    strbuf_init(&lb);
    if (w->r->n_dirs == 1)
        strbuf_puts(&lb, s->groups[g]);
    else if (one_group)
        strbuf_puts(&lb, w->labels[d]);
    else
        strbuf_printf(&lb, "%s: %s", w->labels[d], s->groups[g]);
    w->slabels[w->n_series] = lb.data ? lb.data : strdup("");
    c->label = w->slabels[w->n_series];
    c->color = w->r->n_dirs > 1 && one_group ? d : (int)gi;
    c->dash = w->r->n_dirs > 1 && !one_group ? d : 0;
    w->n_series++;
}

static void make_series(plot_work *w)
{
    size_t ng = keytab_count(w->groups);
    for (int d = 0; d < w->r->n_dirs; d++)
        for (size_t gi = 0; gi < ng; gi++) {
            long g = series_group(&w->sets[d], keytab_key(w->groups, gi, NULL));
            if (g >= 0)
                add_series(w, d, gi, g, ng == 1);
        }
}

#define MAX_LIMITS 16

/* The limits that apply to what is drawn, from the first folder's
 * manifest ("limits", written by demob run): the ceiling of each state
 * charted (by state, or one state's total), the capacity of each flow
 * charted (by flow, or one flow's total). Not for sweeps (their limits
 * may vary by point), nor for a chart of some origins only or by origin. */
static size_t limit_lines(const plot_work *w, chart_hline *h, char text[][128])
{
    const plot_request *r = w->r;
    if (r->n_origins || r->by == SERIES_BY_ORIGIN || r->cumulative || r->type == PLOT_AREA ||
        (r->kind != TIDY_POPULATIONS && r->kind != TIDY_FLOWS) || (r->by == SERIES_TOTAL && r->n_items != 1))
        return 0;
    char path[PATH_MAX];
    path_join(path, sizeof path, r->dirs[0], "manifest.json");
    jflat m = { 0 };
    demob_error err = { 0 };
    if (path_kind(path) != 2 || jflat_load(path, &m, &err) != 0) {
        jflat_free(&m);
        return 0;
    }
    size_t n = 0;
    const char *cmd = jflat_get(&m, "command");
    size_t n_items = r->n_items ? (size_t)r->n_items : keytab_count(w->groups);
    for (size_t i = 0; cmd && strcmp(cmd, "run") == 0 && i < n_items && n < MAX_LIMITS; i++) {
        const char *item = r->n_items ? r->items[i] : keytab_key(w->groups, i, NULL);
        char key[300];
        if (r->kind == TIDY_POPULATIONS) {
            snprintf(key, sizeof key, "limits.ceilings.%s", item);
            const char *v = jflat_get(&m, key);
            if (!v)
                continue;
            h[n].y = atof(v);
            snprintf(text[n], 128, "ceiling of %s: %s", item, v);
            h[n].label = text[n];
            n++;
            continue;
        }
        /* Flows: the capacities whose "flows" list names this one. */
        for (size_t e = 0; e < m.n && n < MAX_LIMITS; e++) {
            const jflat_entry *en = &m.e[e];
            size_t len = strlen(en->key);
            if (strncmp(en->key, "limits.capacities.", 18) != 0 || len < 24 ||
                strcmp(en->key + len - 6, ".flows") != 0 || !en->items)
                continue;
            for (size_t f = 0; f < en->n_items; f++) {
                if (strcmp(en->items[f], item) != 0)
                    continue;
                char name[64];
                snprintf(name, sizeof name, "%.*s", (int)(len - 24), en->key + 18);
                snprintf(key, sizeof key, "limits.capacities.%s.per_step", name);
                const char *v = jflat_get(&m, key);
                if (!v)
                    break;
                h[n].y = atof(v);
                snprintf(text[n], 128, "capacity %s: %s per step%s", name, v,
                         en->n_items > 1 ? " (shared)" : "");
                h[n].label = text[n];
                int dup = 0;   /* two flows charted under one capacity: one line */
                for (size_t k = 0; k < n; k++)
                    dup |= strcmp(text[k], text[n]) == 0;
                n += !dup;
                break;
            }
        }
    }
    jflat_free(&m);
    return n;
}

/* Titles, axis label and the <svg> itself. */
static int draw(plot_work *w, strbuf *out, demob_error *err)
{
    const plot_request *r = w->r;
    strbuf title, sub;
    strbuf_init(&title);
    strbuf_init(&sub);
    if (r->title)
        strbuf_puts(&title, r->title);
    else
        make_title(r, &title);
    if (r->subtitle)
        strbuf_puts(&sub, r->subtitle);
    else
        make_subtitle(r, w->labels, w->sets, w->fan, &sub);
    /* Money is labelled with the first folder's currency, when it has one. */
    char cur[24], ylab[64];
    const char *y = r->y_label ? r->y_label
                    : r->kind == TIDY_COSTS ? (r->cumulative ? "cost to date" : "cost per step")
                    : r->kind == TIDY_FLOWS ? "people per step"
                    : r->kind == TIDY_BUDGETS ? "amount" : r->kind == TIDY_OUTCOMES ? "value" : "people";
    plot_currency(r->dirs[0], cur, sizeof cur);
    if (!r->y_label && *cur && (r->kind == TIDY_COSTS || r->kind == TIDY_BUDGETS)) {
        snprintf(ylab, sizeof ylab, "%s (%s)", y, cur);
        y = ylab;
    }
    chart_hline lines[MAX_LIMITS];
    char line_text[MAX_LIMITS][128];
    size_t n_lines = limit_lines(w, lines, line_text);
    chart c = {
        .hlines = lines, .n_hlines = n_lines,
        .type = r->type == PLOT_AREA ? CHART_AREA : CHART_LINE,
        .title = title.data ? title.data : "",
        .subtitle = sub.data && sub.len ? sub.data : NULL,
        .y_label = y,
        .n = w->n, .x = w->x, .dates = w->dates, .series = w->cs, .n_series = w->n_series,
        .width = r->width, .height = r->height,
    };
    chart_svg(&c, out);
    strbuf_free(&title);
    strbuf_free(&sub);
    return out->failed ? demob_error_set(err, DEMOB_ERUN, "out of memory while drawing") : 0;
}

static void plot_work_free(plot_work *w)
{
    for (size_t i = 0; w->slabels && i < w->n_series; i++)
        free(w->slabels[i]);
    free(w->slabels);
    free(w->cs);
    free(w->vals);
    free(w->x);
    free(w->dates);
    keytab_free(w->steps);
    keytab_free(w->groups);
    for (int d = 0; d < w->r->n_dirs && d < MAX_DIRS; d++)
        series_free(&w->sets[d]);
}

int plot_svg(const plot_request *r, strbuf *out, demob_error *err)
{
    int rc = check_request(r, err);
    if (rc != 0)
        return rc;
    plot_work w;
    memset(&w, 0, sizeof w);
    w.r = r;
    w.steps = keytab_new();
    w.groups = keytab_new();
    if (!w.steps || !w.groups)
        rc = demob_error_set(err, DEMOB_ERUN, "out of memory");
    if (rc == 0)
        plot_labels(r->dirs, r->labels, r->n_dirs, w.labels);
    for (int d = 0; d < r->n_dirs && rc == 0; d++)
        rc = load_folder(&w, d, err);
    if (rc == 0)
        rc = make_axis(&w, err);
    if (rc == 0) {
        make_series(&w);
        rc = draw(&w, out, err);
    }
    plot_work_free(&w);
    return rc;
}
