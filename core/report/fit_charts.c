/* fit_charts.c - draws a fit folder's charts (see fit_charts.h): the
 * observed-vs-fitted and trace charts through chart.c, the small density
 * and interval charts here on a numeric x axis (axis.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "axis.h"
#include "chart.h"
#include "fit_charts.h"
#include "svg.h"

#define FONT 12.0
#define MAX_SERIES 64
#define MAX_ORIGINS 8            /* origins drawn per series (colours stay apart) */
#define TRACE_POINTS 400         /* drawn per chain: longer chains are thinned */
#define MAX_CHAINS 16

size_t report_fit_series(const report_fit *f, const char **names, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < f->n_obs; i++) {
        size_t k = 0;
        while (k < n && strcmp(names[k], f->obs[i].series) != 0)
            k++;
        if (k == n && n < max)
            names[n++] = f->obs[i].series;
    }
    return n;
}

static int is_mle(const report_fit *f)
{
    return strcmp(f->method, "mle") == 0;
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

double report_fit_series_svg(const report_fit *f, const char *series, double width, strbuf *out)
{
    /* The steps (sorted, distinct) and origins of the series. */
    long *steps = malloc((f->n_obs + 1) * sizeof *steps);
    const char *origins[MAX_ORIGINS];
    size_t n = 0, n_or = 0;
    if (!steps) {
        out->failed = 1;
        return 0;
    }
    for (size_t i = 0; i < f->n_obs; i++) {
        const report_fit_obs *o = &f->obs[i];
        if (strcmp(o->series, series) != 0)
            continue;
        steps[n++] = o->step;
        size_t k = 0;
        while (k < n_or && strcmp(origins[k], o->origin) != 0)
            k++;
        if (k == n_or && n_or < MAX_ORIGINS)
            origins[n_or++] = o->origin;
    }
    qsort(steps, n, sizeof *steps, cmp_long);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (m == 0 || steps[m - 1] != steps[i])
            steps[m++] = steps[i];
    /* x, dates, then per origin observed, predicted, lo, hi. */
    double *x = malloc((m + 1) * sizeof *x), *v = malloc((4 * n_or * m + 1) * sizeof *v);
    const char **dates = calloc(m + 1, sizeof *dates);
    chart_series cs[2 * MAX_ORIGINS];
    char labels[2 * MAX_ORIGINS][300];
    if (!x || !v || !dates) {
        free(steps);
        free(x);
        free(v);
        free(dates);
        out->failed = 1;
        return 0;
    }
    for (size_t i = 0; i < m; i++) {
        x[i] = (double)steps[i];
        dates[i] = "";
    }
    for (size_t i = 0; i < 4 * n_or * m; i++)
        v[i] = NAN;
    for (size_t i = 0; i < f->n_obs; i++) {
        const report_fit_obs *o = &f->obs[i];
        if (strcmp(o->series, series) != 0)
            continue;
        size_t g = 0, t = 0;
        while (g < n_or && strcmp(origins[g], o->origin) != 0)
            g++;
        if (g == n_or)
            continue;
        while (steps[t] != o->step)
            t++;
        dates[t] = o->date;
        double *base = v + 4 * g * m;
        base[t] = o->observed;
        base[m + t] = o->predicted;
        base[2 * m + t] = o->lo;
        base[3 * m + t] = o->hi;
    }
    for (size_t g = 0; g < n_or; g++) {
        const double *base = v + 4 * g * m;
        /* Rows of the series' own origins (an empty cell) are "all origins"
         * beside rows of named ones. */
        const char *who = *origins[g] ? origins[g] : n_or > 1 ? "all origins" : "";
        snprintf(labels[2 * g], sizeof labels[0], "%s%sfitted", who, *who ? ": " : "");
        snprintf(labels[2 * g + 1], sizeof labels[0], "%s%sobserved", who, *who ? ": " : "");
        cs[2 * g] = (chart_series){ labels[2 * g], base + m, base + 2 * m, base + 3 * m, (int)g, 0, 2 };
        cs[2 * g + 1] = (chart_series){ labels[2 * g + 1], base, NULL, NULL, (int)g, 0, 1 };
    }
    char title[300], sub[600];
    snprintf(title, sizeof title, "%s: observed and fitted", series);
    snprintf(sub, sizeof sub, "%s, demob fit --method %s. %s", f->label, *f->method ? f->method : "?",
             is_mle(f) ? "Line: the model at the estimate; band: the 95% range of an observation given it"
                       : "Line: the posterior mean of the prediction; band: its 95% posterior range");
    chart c = { .type = CHART_LINE, .title = title, .subtitle = sub, .y_label = "people", .n = m, .x = x,
                .dates = dates, .series = cs, .n_series = 2 * n_or, .width = width, .band_note = "band: 95% range" };
    double h = chart_svg(&c, out);
    free(steps);
    free(x);
    free(v);
    free(dates);
    return h;
}

void report_fit_trace_svg(const report_fit *f, size_t p, double width, double height, strbuf *out)
{
    long nc = f->n_chains < 1 ? 1 : f->n_chains > MAX_CHAINS ? MAX_CHAINS : f->n_chains;
    size_t per = 0;   /* draws of the longest chain */
    size_t count[MAX_CHAINS] = { 0 };
    for (size_t d = 0; d < f->n_draws; d++)
        if (f->chain[d] >= 1 && f->chain[d] <= nc && ++count[f->chain[d] - 1] > per)
            per = count[f->chain[d] - 1];
    size_t stride = per > TRACE_POINTS ? (per + TRACE_POINTS - 1) / TRACE_POINTS : 1, m = per ? (per - 1) / stride + 1 : 0;
    double *x = malloc((m + 1) * sizeof *x), *y = malloc(((size_t)nc * m + 1) * sizeof *y);
    if (!x || !y) {
        free(x);
        free(y);
        out->failed = 1;
        return;
    }
    for (size_t i = 0; i < (size_t)nc * m; i++)
        y[i] = NAN;
    for (size_t i = 0; i < m; i++)
        x[i] = NAN;
    size_t seen[MAX_CHAINS] = { 0 };
    for (size_t d = 0; d < f->n_draws; d++) {
        long ch = f->chain[d];
        if (ch < 1 || ch > nc)
            continue;
        size_t k = seen[ch - 1]++;
        if (k % stride)
            continue;
        y[(size_t)(ch - 1) * m + k / stride] = f->draws[d * f->n_est + p];
        if (isnan(x[k / stride]) || (double)f->iteration[d] < x[k / stride])
            x[k / stride] = (double)f->iteration[d];
    }
    for (size_t i = 1; i < m; i++)   /* x must increase */
        if (!(x[i] > x[i - 1]))
            x[i] = x[i - 1] + 1;
    chart_series cs[MAX_CHAINS];
    char labels[MAX_CHAINS][32];
    for (long c = 0; c < nc; c++) {
        snprintf(labels[c], sizeof labels[c], "chain %ld", c + 1);
        cs[c] = (chart_series){ labels[c], y + (size_t)c * m, NULL, NULL, (int)c, 0, 0 };
    }
    char title[300], sub[80];
    snprintf(title, sizeof title, "%s: trace", f->est[p].param);
    snprintf(sub, sizeof sub, stride > 1 ? "one kept draw in %zu" : "every kept draw", stride);
    chart c = { .title = title, .subtitle = sub, .x_label = "iteration", .n = m, .x = x, .series = cs,
                .n_series = (size_t)nc, .width = width, .height = height, .y_fit = 1 };
    chart_svg(&c, out);
    free(x);
    free(y);
}

/* ------------------------------------------------- small numeric charts */

typedef struct frame {
    double left, right, top, bottom;
    axis_ticks xt, yt;   /* yt.n == 0: no y axis */
} frame;

static double fx(const frame *f, double v)
{
    return f->left + (v - f->xt.lo) / (f->xt.hi - f->xt.lo) * (f->right - f->left);
}

static double fy(const frame *f, double v)
{
    return f->bottom - (v - f->yt.lo) / (f->yt.hi - f->yt.lo) * (f->bottom - f->top);
}

/* The frame of a small chart: title (and subtitle) on top, x ticks below,
 * y ticks on the left when ymax > 0. */
static void small_begin(strbuf *out, frame *f, double w, double h, const char *title, const char *sub,
                        double xlo, double xhi, double ymax, const char *x_label)
{
    char label[48];
    svg_begin(out, w, h, title, sub);
    svg_rect(out, 0, 0, w, h, "#ffffff", 1, NULL);
    svg_text(out, 12, 12 + 14, "start", 14, "#111", "bold", 0, title);
    if (sub)
        svg_text(out, 12, 12 + 14 + FONT * 1.5, "start", FONT, "#555", NULL, 0, sub);
    f->top = 12 + 14 + (sub ? FONT * 1.5 : 0) + 16;
    f->bottom = h - 44;
    f->left = ymax > 0 ? 62 : 24;
    f->right = w - 30;
    axis_nice_ticks(xlo, xhi, (int)((f->right - f->left) / 80) < 3 ? 3 : (int)((f->right - f->left) / 80), &f->xt);
    memset(&f->yt, 0, sizeof f->yt);
    svg_group_begin(out, "axes");
    if (ymax > 0) {
        axis_nice_ticks(0, ymax, 4, &f->yt);
        for (int i = 0; i < f->yt.n; i++) {
            double v = f->yt.lo + i * f->yt.step, y = fy(f, v);
            svg_line(out, f->left, y, f->right, y, i == 0 ? "#444" : "#e3e3e3", 1, NULL);
            axis_label(label, sizeof label, v, &f->yt);
            svg_text(out, f->left - 6, y + FONT * 0.35, "end", FONT, "#333", NULL, 0, label);
        }
    } else {
        svg_line(out, f->left, f->bottom, f->right, f->bottom, "#444", 1, NULL);
    }
    for (int i = 0; i < f->xt.n; i++) {
        double v = f->xt.lo + i * f->xt.step, x = fx(f, v);
        svg_line(out, x, f->bottom, x, f->bottom + 5, "#444", 1, NULL);
        axis_label(label, sizeof label, v, &f->xt);
        svg_text(out, x, f->bottom + 5 + FONT * 1.1, "middle", FONT, "#333", NULL, 0, label);
    }
    svg_text(out, (f->left + f->right) / 2, f->bottom + 5 + FONT * 2.5, "middle", FONT, "#333", NULL, 0,
             x_label);
    svg_group_end(out);
}

void report_fit_density_svg(const report_fit *f, size_t p, double width, double height, strbuf *out)
{
    const report_fit_est *e = &f->est[p];
    double lo = INFINITY, hi = -INFINITY;
    for (size_t d = 0; d < f->n_draws; d++) {
        double v = f->draws[d * f->n_est + p];
        lo = fmin(lo, v);
        hi = fmax(hi, v);
    }
    size_t bins = (size_t)sqrt((double)f->n_draws);
    bins = bins < 10 ? 10 : bins > 40 ? 40 : bins;
    double bw = hi > lo ? (hi - lo) / (double)bins : 1;
    double *dens = calloc(bins, sizeof *dens), top = 0;
    if (!dens) {
        out->failed = 1;
        return;
    }
    for (size_t d = 0; d < f->n_draws; d++) {
        size_t k = (size_t)((f->draws[d * f->n_est + p] - lo) / bw);
        dens[k < bins ? k : bins - 1] += 1;
    }
    for (size_t k = 0; k < bins; k++) {
        dens[k] /= (double)(f->n_draws ? f->n_draws : 1) * bw;
        top = fmax(top, dens[k]);
    }
    char title[300], sub[160];
    snprintf(title, sizeof title, "%s: posterior density", e->param);
    snprintf(sub, sizeof sub, "%zu draws; line: mean %.4g; dashed: 95%% interval", f->n_draws, e->estimate);
    frame fr;
    small_begin(out, &fr, width, height, title, sub, hi > lo ? lo : lo - 0.5, hi > lo ? hi : lo + 0.5,
                top > 0 ? top : 1, e->param);
    svg_group_begin(out, "density");
    for (size_t k = 0; k < bins; k++) {
        double x0 = fx(&fr, lo + (double)k * bw), x1 = fx(&fr, lo + (double)(k + 1) * bw);
        svg_rect(out, x0, fy(&fr, dens[k]), x1 - x0, fy(&fr, 0) - fy(&fr, dens[k]), chart_color(0), 0.7,
                 "#ffffff");
    }
    double mark[3] = { e->estimate, e->q025, e->q975 };
    for (int k = 0; k < 3; k++)
        if (isfinite(mark[k]) && mark[k] >= fr.xt.lo && mark[k] <= fr.xt.hi)
            svg_line(out, fx(&fr, mark[k]), fr.top, fx(&fr, mark[k]), fr.bottom, chart_color(2), 1.5,
                     k ? "5 3" : NULL);
    svg_group_end(out);
    svg_end(out);
    free(dens);
}

/* 1 when the manifest lists param among the bounds the interval reached. */
static int at_bound(const report_fit *f, const char *param)
{
    const jflat_entry *b = jflat_find(&f->manifest, "bounds_hit");
    for (size_t i = 0; b && b->items && i < b->n_items; i++)
        if (strcmp(b->items[i], param) == 0)
            return 1;
    return 0;
}

void report_fit_interval_svg(const report_fit *f, size_t p, double width, double height, strbuf *out)
{
    const report_fit_est *e = &f->est[p];
    double lo = isfinite(e->q025) ? e->q025 : e->estimate, hi = isfinite(e->q975) ? e->q975 : e->estimate;
    double pad = hi > lo ? (hi - lo) * 0.25 : fabs(e->estimate) * 0.1 + 0.01;
    char title[300], sub[200];
    snprintf(title, sizeof title, "%s: estimate and 95%% interval", e->param);
    snprintf(sub, sizeof sub, "%.4g (%.4g to %.4g), profile likelihood%s", e->estimate, lo, hi,
             at_bound(f, e->param) ? "; reaches a bound: the data do not bound it there" : "");
    frame fr;
    small_begin(out, &fr, width, height, title, sub, lo - pad, hi + pad, 0, e->param);
    double y = (fr.top + fr.bottom) / 2, ex = fx(&fr, e->estimate);
    svg_group_begin(out, "interval");
    svg_line(out, fx(&fr, lo), y, fx(&fr, hi), y, chart_color(0), 4, NULL);
    svg_line(out, fx(&fr, lo), y - 8, fx(&fr, lo), y + 8, chart_color(0), 2, NULL);
    svg_line(out, fx(&fr, hi), y - 8, fx(&fr, hi), y + 8, chart_color(0), 2, NULL);
    svg_dots(out, &ex, &y, 1, 5, chart_color(2), "estimate");
    svg_group_end(out);
    svg_end(out);
}

int report_fit_plot_svg(const report_fit *f, const char *series, double width, strbuf *out, demob_error *err)
{
    const char *names[MAX_SERIES];
    size_t n = report_fit_series(f, names, MAX_SERIES), k = 0;
    if (series) {
        while (k < n && strcmp(names[k], series) != 0)
            k++;
        if (k == n)
            return demob_error_set(err, DEMOB_EINPUT, "--series: '%s' is not a series of fitted.csv", series);
        names[0] = names[k];
        n = 1;
    }
    double w = width > 0 ? width : CHART_DEFAULT_WIDTH;
    if (n == 1) {   /* one chart: the chart itself, no wrapper */
        report_fit_series_svg(f, names[0], w, out);
        return out->failed ? demob_error_set(err, DEMOB_ERUN, "out of memory") : 0;
    }
    strbuf body;
    strbuf_init(&body);
    double y = 0;
    for (size_t i = 0; i < n; i++) {
        strbuf_puts(&body, "<g transform=\"translate(0,");
        svg_num(&body, y);
        strbuf_puts(&body, ")\">\n");
        y += report_fit_series_svg(f, names[i], w, &body);
        strbuf_puts(&body, "</g>\n");
    }
    char title[300];
    snprintf(title, sizeof title, "%s: observed and fitted", f->label);
    svg_begin(out, w, y, title, NULL);
    strbuf_puts(out, body.data ? body.data : "");
    svg_end(out);
    if (body.failed)
        out->failed = 1;
    strbuf_free(&body);
    return out->failed ? demob_error_set(err, DEMOB_ERUN, "out of memory") : 0;
}
