/* chart.c - lays out and draws one chart (see chart.h).
 *
 * Layout, in pixels: title and subtitle on top; the plot area with y ticks
 * on the left and time ticks below; the legend in a column on the right,
 * wide enough for the longest label (estimated at 0.6 em per character,
 * which holds for the sans-serif fonts browsers pick). The y axis starts
 * at 0 unless values are negative; stacked areas scale to the top of the
 * stack. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "axis.h"
#include "chart.h"
#include "svg.h"

#define FONT 12.0
#define TITLE_FONT 16.0
#define MAX_LEGEND_CHARS 40
#define MAX_X_TICKS 64

static const char *const palette[CHART_N_COLORS] = {
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
};
static const char *const dashes[CHART_N_DASHES] = { "", "7 4", "2 3", "9 3 2 3" };

const char *chart_color(int i)
{
    return palette[((i % CHART_N_COLORS) + CHART_N_COLORS) % CHART_N_COLORS];
}

const char *chart_dash(int i)
{
    return dashes[((i % CHART_N_DASHES) + CHART_N_DASHES) % CHART_N_DASHES];
}

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; s && *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

typedef struct frame {
    double left, top, right, bottom;   /* the plot area */
    double x0, x1;                     /* data range along x */
    axis_ticks yt;
} frame;

static double px(const frame *f, double x)
{
    if (f->x1 == f->x0)
        return (f->left + f->right) / 2;
    return f->left + (x - f->x0) / (f->x1 - f->x0) * (f->right - f->left);
}

static double py(const frame *f, double y)
{
    return f->bottom - (y - f->yt.lo) / (f->yt.hi - f->yt.lo) * (f->bottom - f->top);
}

/* Stacked tops: tops[s][i] = sum of series 0..s at i (NaN counts as 0). */
static double *stack(const chart *c)
{
    double *tops = malloc((c->n_series * c->n + 1) * sizeof *tops);
    if (!tops)
        return NULL;
    for (size_t i = 0; i < c->n; i++) {
        double acc = 0;
        for (size_t s = 0; s < c->n_series; s++) {
            double v = c->series[s].y[i];
            acc += isnan(v) ? 0 : v;
            tops[s * c->n + i] = acc;
        }
    }
    return tops;
}

static void data_range(const chart *c, const double *tops, double *lo, double *hi)
{
    *lo = 0;
    *hi = -INFINITY;
    for (size_t s = 0; s < c->n_series; s++) {
        const chart_series *cs = &c->series[s];
        for (size_t i = 0; i < c->n; i++) {
            double v[3] = { tops ? tops[s * c->n + i] : cs->y[i], cs->lo ? cs->lo[i] : NAN,
                            cs->hi ? cs->hi[i] : NAN };
            for (int k = 0; k < 3; k++)
                if (isfinite(v[k])) {
                    *lo = fmin(*lo, v[k]);
                    *hi = fmax(*hi, v[k]);
                }
        }
    }
    if (*hi == -INFINITY)
        *hi = 1;
}

static void draw_axes(const chart *c, const frame *f, strbuf *out)
{
    char label[48];
    svg_group_begin(out, "axes");
    /* Horizontal grid lines and y labels. */
    for (int i = 0; i < f->yt.n; i++) {
        double v = f->yt.lo + i * f->yt.step;
        double y = py(f, v);
        svg_line(out, f->left, y, f->right, y, i == 0 ? "#444" : "#e3e3e3", 1, NULL);
        axis_label(label, sizeof label, v, &f->yt);
        svg_text(out, f->left - 6, y + FONT * 0.35, "end", FONT, "#333", NULL, 0, label);
    }
    /* Time ticks. */
    x_tick ticks[MAX_X_TICKS];
    int max_ticks = (int)((f->right - f->left) / 70);
    int nt = axis_time_ticks(c->x, c->dates, c->n, max_ticks < 2 ? 2 : max_ticks, ticks, MAX_X_TICKS);
    for (int i = 0; i < nt; i++) {
        double x = px(f, ticks[i].x);
        svg_line(out, x, f->bottom, x, f->bottom + 5, "#444", 1, NULL);
        svg_text(out, x, f->bottom + 5 + FONT * 1.1, "middle", FONT, "#333", NULL, 0,
                 ticks[i].label);
    }
    svg_line(out, f->left, f->top, f->left, f->bottom, "#444", 1, NULL);
    int dated = c->dates && c->n && axis_month_index(c->dates[0], NULL) >= 0;
    const char *xl = c->x_label ? c->x_label : dated ? NULL : "step";
    if (xl)
        svg_text(out, (f->left + f->right) / 2, f->bottom + 5 + FONT * 2.6, "middle", FONT,
                 "#333", NULL, 0, xl);
    if (c->y_label)
        svg_text(out, 16, (f->top + f->bottom) / 2, "middle", FONT, "#333", NULL, -90,
                 c->y_label);
    svg_group_end(out);
}

static void draw_series(const chart *c, const frame *f, const double *tops, strbuf *out)
{
    size_t n = c->n;
    double *xs = malloc((n + 1) * sizeof *xs), *y0 = malloc((n + 1) * sizeof *y0),
           *y1 = malloc((n + 1) * sizeof *y1);
    if (!xs || !y0 || !y1) {
        free(xs);
        free(y0);
        free(y1);
        out->failed = 1;
        return;
    }
    for (size_t i = 0; i < n; i++)
        xs[i] = px(f, c->x[i]);
    svg_group_begin(out, "series");
    if (c->type == CHART_AREA) {
        for (size_t s = 0; s < c->n_series; s++) {
            for (size_t i = 0; i < n; i++) {
                y1[i] = py(f, tops[s * n + i]);
                y0[i] = py(f, s ? tops[(s - 1) * n + i] : 0);
            }
            svg_band(out, xs, y0, y1, n, chart_color(c->series[s].color), 0.85, "#ffffff",
                     c->series[s].label);
        }
    } else {
        /* Bands first, so every line stays on top of every band. */
        for (size_t s = 0; s < c->n_series; s++) {
            const chart_series *cs = &c->series[s];
            if (!cs->lo || !cs->hi)
                continue;
            for (size_t i = 0; i < n; i++) {
                y0[i] = isnan(cs->lo[i]) ? NAN : py(f, cs->lo[i]);
                y1[i] = isnan(cs->hi[i]) ? NAN : py(f, cs->hi[i]);
            }
            svg_band(out, xs, y0, y1, n, chart_color(cs->color), 0.18, NULL, cs->label);
        }
        for (size_t s = 0; s < c->n_series; s++) {
            const chart_series *cs = &c->series[s];
            for (size_t i = 0; i < n; i++)
                y1[i] = isnan(cs->y[i]) ? NAN : py(f, cs->y[i]);
            svg_polyline(out, xs, y1, n, chart_color(cs->color), 2, chart_dash(cs->dash),
                         cs->label);
        }
    }
    svg_group_end(out);
    free(xs);
    free(y0);
    free(y1);
}

static void draw_legend(const chart *c, double x, double top, strbuf *out)
{
    svg_group_begin(out, "legend");
    double y = top + 4;
    int fan = 0;
    for (size_t k = 0; k < c->n_series; k++) {
        /* Stacked areas list top to bottom, as they appear. */
        size_t s = c->type == CHART_AREA ? c->n_series - 1 - k : k;
        const chart_series *cs = &c->series[s];
        fan |= cs->lo && cs->hi;
        if (c->type == CHART_AREA) {
            svg_rect(out, x, y - 9, 18, 12, chart_color(cs->color), 0.85, NULL);
        } else {
            if (cs->lo && cs->hi)
                svg_rect(out, x, y - 9, 24, 12, chart_color(cs->color), 0.18, NULL);
            svg_line(out, x, y - 3, x + 24, y - 3, chart_color(cs->color), 2,
                     chart_dash(cs->dash));
        }
        char label[MAX_LEGEND_CHARS * 4 + 8];
        size_t len = strlen(cs->label ? cs->label : "");
        /* Cut long labels at a character boundary, with an ellipsis. */
        if (utf8_chars(cs->label) > MAX_LEGEND_CHARS) {
            size_t keep = 0, chars = 0;
            while (keep < len && chars < MAX_LEGEND_CHARS - 1) {
                keep++;
                while (keep < len && ((unsigned char)cs->label[keep] & 0xC0) == 0x80)
                    keep++;
                chars++;
            }
            memcpy(label, cs->label, keep);
            memcpy(label + keep, "\xe2\x80\xa6", 4);
        } else {
            memcpy(label, cs->label ? cs->label : "", len + 1);
        }
        svg_text(out, x + 30, y + 1, "start", FONT, "#222", NULL, 0, label);
        y += FONT * 1.6;
    }
    if (fan)
        svg_text(out, x, y + 4, "start", FONT * 0.9, "#666", NULL, 0,
                 "line: median; band: p5-p95");
    svg_group_end(out);
}

void chart_svg(const chart *c, strbuf *out)
{
    double w = c->width > 0 ? c->width : CHART_DEFAULT_WIDTH, h = c->height > 0 ? c->height : CHART_DEFAULT_HEIGHT;
    size_t longest = 0;
    for (size_t s = 0; s < c->n_series; s++) {
        size_t l = utf8_chars(c->series[s].label);
        longest = l > longest ? l : longest;
    }
    if (longest > MAX_LEGEND_CHARS)
        longest = MAX_LEGEND_CHARS;
    int fan = 0;
    for (size_t s = 0; s < c->n_series; s++)
        fan |= c->series[s].lo && c->series[s].hi;
    double legend_w = 30 + FONT * 0.6 * (double)longest + 16;
    if (fan && legend_w < 190)
        legend_w = 190;
    if (legend_w > w * 0.4)
        legend_w = w * 0.4;

    frame f;
    f.top = 18 + TITLE_FONT + (c->subtitle ? FONT * 1.6 : 0) + 14;
    f.left = 62 + (c->y_label ? 18 : 0);
    f.right = w - legend_w - 14;
    f.bottom = h - 48;

    svg_begin(out, w, h, c->title, c->subtitle);
    svg_rect(out, 0, 0, w, h, "#ffffff", 1, NULL);
    svg_text(out, 12, 12 + TITLE_FONT, "start", TITLE_FONT, "#111", "bold", 0,
             c->title ? c->title : "");
    if (c->subtitle)
        svg_text(out, 12, 12 + TITLE_FONT + FONT * 1.5, "start", FONT, "#555", NULL, 0,
                 c->subtitle);
    if (c->n == 0 || c->n_series == 0) {
        svg_text(out, w / 2, h / 2, "middle", TITLE_FONT, "#888", NULL, 0, "no data");
        svg_end(out);
        return;
    }
    double *tops = NULL;
    if (c->type == CHART_AREA && !(tops = stack(c))) {
        out->failed = 1;
        return;
    }
    double lo, hi;
    data_range(c, tops, &lo, &hi);
    int max_y = (int)((f.bottom - f.top) / 45);
    axis_nice_ticks(lo, hi, max_y < 3 ? 3 : max_y, &f.yt);
    f.x0 = c->x[0];
    f.x1 = c->x[c->n - 1];
    draw_axes(c, &f, out);
    draw_series(c, &f, tops, out);
    draw_legend(c, f.right + 18, f.top, out);
    free(tops);
    svg_end(out);
}
