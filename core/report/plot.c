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

void plot_dir_label(const char *dir, char *buf, size_t size)
{
    char path[PATH_MAX];
    path_join(path, sizeof path, dir, "manifest.json");
    jflat m = { 0 };
    demob_error err = { 0 };
    const char *name = NULL;
    if (path_kind(dir) == 1 && jflat_load(path, &m, &err) == 0)
        name = jflat_get(&m, "scenario");
    if (name && *name)
        snprintf(buf, size, "%s", name);
    else
        path_basename(buf, size, dir);
    jflat_free(&m);
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
    return k == TIDY_COSTS ? "Costs" : k == TIDY_FLOWS ? "People moved" : "People";
}

static const char *by_name(tidy_kind k, series_by by)
{
    if (by == SERIES_BY_ORIGIN)
        return "origin";
    return k == TIDY_COSTS ? "category" : k == TIDY_FLOWS ? "flow" : "state";
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
    if (r->cumulative)
        strbuf_printf(b, "%s to date", noun(r->kind));
    else if (r->kind != TIDY_POPULATIONS)
        strbuf_printf(b, "%s per step", noun(r->kind));
    else
        strbuf_puts(b, noun(r->kind));
    if (r->by != SERIES_TOTAL)
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

int plot_svg(const plot_request *r, strbuf *out, demob_error *err)
{
    if (r->n_dirs < 1 || r->n_dirs > MAX_DIRS)
        return demob_error_set(err, DEMOB_EINPUT, "give 1 to %d output folders", MAX_DIRS);
    if (r->type == PLOT_AREA && r->n_dirs > 1)
        return demob_error_set(err, DEMOB_EINPUT,
                               "a stacked area chart shows one folder; to overlay %d folders "
                               "use --type line or fan", r->n_dirs);
    series_set sets[MAX_DIRS];
    char labels[MAX_DIRS][PLOT_LABEL_SIZE];
    memset(sets, 0, sizeof sets);
    int rc = 0, fan = 0;
    keytab *steps = keytab_new(), *groups = keytab_new();
    double *x = NULL, *vals = NULL;
    const char **dates = NULL;
    chart_series *cs = NULL;
    char **slabels = NULL;
    size_t n_series = 0;
    if (!steps || !groups) {
        rc = demob_error_set(err, DEMOB_ERUN, "out of memory");
        goto done;
    }
    plot_labels(r->dirs, r->labels, r->n_dirs, labels);
    for (int d = 0; d < r->n_dirs; d++) {
        char path[PATH_MAX];
        if ((rc = plot_data_file(r->dirs[d], r->kind, path, sizeof path, err)) != 0)
            goto done;
        series_query q = {
            .origins = r->n_origins ? r->origins : NULL, .n_origins = r->n_origins,
            .items = r->n_items ? r->items : NULL, .n_items = r->n_items,
            .by = r->by, .point = r->point, .keep_runs = r->type != PLOT_LINE && r->type != PLOT_AREA,
            .cumulative = r->cumulative, .total_label = "total",
        };
        if ((rc = load_series(r, path, &q, &sets[d], err)) != 0)
            goto done;
        int has_q = sets[d].p50 != NULL &&
                    (sets[d].kind == TIDY_QUANTILES || sets[d].n_samples > 1);
        if (r->type == PLOT_FAN && !has_q) {
            rc = demob_error_set(err, DEMOB_EINPUT,
                                 sets[d].kind == TIDY_QUANTILES
                                     ? "%s: a fan chart of a sum over origins or states needs "
                                       "populations.csv (quantiles of parts do not add up); "
                                       "pick one origin and one state, or run the sweep with "
                                       "populations saved"
                                     : "%s: a fan chart needs several runs; this output has one "
                                       "(deterministic?)", path);
            goto done;
        }
        fan |= has_q && r->type != PLOT_LINE && r->type != PLOT_AREA;
        for (size_t t = 0; t < sets[d].n_steps; t++) {
            int64_t s = (int64_t)sets[d].x[t];
            if (keytab_intern(steps, &s, sizeof s, NULL) < 0) {
                rc = demob_error_set(err, DEMOB_ERUN, "out of memory");
                goto done;
            }
        }
        for (size_t g = 0; g < sets[d].n_groups; g++)
            keytab_intern_str(groups, sets[d].groups[g]);
    }
    /* The union of steps, sorted; dates from the first folder having one. */
    size_t n = keytab_count(steps), ng = keytab_count(groups);
    x = malloc((n + 1) * sizeof *x);
    dates = calloc(n + 1, sizeof *dates);
    size_t per = fan ? 4 : 1;   /* y, lo, hi, (spare) per series */
    size_t max_series = (size_t)r->n_dirs * ng;
    vals = malloc((max_series * n * per + 1) * sizeof *vals);
    cs = calloc(max_series + 1, sizeof *cs);
    slabels = calloc(max_series + 1, sizeof *slabels);
    if (!x || !dates || !vals || !cs || !slabels) {
        rc = demob_error_set(err, DEMOB_ERUN, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        int64_t s;
        memcpy(&s, keytab_key(steps, i, NULL), sizeof s);
        x[i] = (double)s;
    }
    for (size_t i = 1; i < n; i++)   /* insertion sort: steps are nearly sorted */
        for (size_t j = i; j > 0 && x[j - 1] > x[j]; j--) {
            double t = x[j];
            x[j] = x[j - 1];
            x[j - 1] = t;
        }
    for (int d = 0; d < r->n_dirs; d++)
        for (size_t t = 0, i = 0; t < sets[d].n_steps; t++) {
            while (i < n && x[i] < sets[d].x[t])
                i++;
            if (i < n && !dates[i] && sets[d].dates[t][0])
                dates[i] = sets[d].dates[t];
        }
    for (size_t i = 0; i < n; i++)
        if (!dates[i])
            dates[i] = "";
    int one_group = ng == 1;
    for (int d = 0; d < r->n_dirs; d++) {
        const series_set *s = &sets[d];
        for (size_t gi = 0; gi < ng; gi++) {
            long g = series_group(s, keytab_key(groups, gi, NULL));
            if (g < 0)
                continue;
            double *y = vals + n_series * n * per;
            double *lo = fan ? y + n : NULL, *hi = fan ? y + 2 * n : NULL;
            for (size_t i = 0, t = 0; i < n; i++) {
                while (t < s->n_steps && s->x[t] < x[i])
                    t++;
                int have = t < s->n_steps && s->x[t] == x[i];
                size_t at = (size_t)g * s->n_steps + t;
                int q = fan && s->p50;
                y[i] = have ? (q ? s->p50[at] : s->mean[at]) : NAN;
                if (fan) {
                    lo[i] = have && q ? s->p5[at] : NAN;
                    hi[i] = have && q ? s->p95[at] : NAN;
                }
            }
            chart_series *c = &cs[n_series];
            c->y = y;
            c->lo = fan && s->p50 ? lo : NULL;
            c->hi = fan && s->p50 ? hi : NULL;
            strbuf lb;
            strbuf_init(&lb);
            if (r->n_dirs == 1)
                strbuf_puts(&lb, s->groups[g]);
            else if (one_group)
                strbuf_puts(&lb, labels[d]);
            else
                strbuf_printf(&lb, "%s: %s", labels[d], s->groups[g]);
            slabels[n_series] = lb.data ? lb.data : strdup("");
            c->label = slabels[n_series];
            c->color = r->n_dirs > 1 && one_group ? d : (int)gi;
            c->dash = r->n_dirs > 1 && !one_group ? d : 0;
            n_series++;
        }
    }
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
        make_subtitle(r, labels, sets, fan, &sub);
    chart c = {
        .type = r->type == PLOT_AREA ? CHART_AREA : CHART_LINE,
        .title = title.data ? title.data : "",
        .subtitle = sub.data && sub.len ? sub.data : NULL,
        .y_label = r->y_label ? r->y_label
                   : r->kind == TIDY_COSTS ? (r->cumulative ? "cost to date" : "cost per step")
                   : r->kind == TIDY_FLOWS ? "people per step" : "people",
        .n = n, .x = x, .dates = dates, .series = cs, .n_series = n_series,
        .width = r->width, .height = r->height,
    };
    chart_svg(&c, out);
    strbuf_free(&title);
    strbuf_free(&sub);
    if (out->failed)
        rc = demob_error_set(err, DEMOB_ERUN, "out of memory while drawing");
done:
    for (size_t i = 0; slabels && i < n_series; i++)
        free(slabels[i]);
    free(slabels);
    free(cs);
    free(vals);
    free(x);
    free(dates);
    keytab_free(steps);
    keytab_free(groups);
    for (int d = 0; d < r->n_dirs && d < MAX_DIRS; d++)
        series_free(&sets[d]);
    return rc;
}
