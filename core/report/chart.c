/* chart.c - lays out and draws one chart (see chart.h).
 *
 * Layout, in pixels: title and subtitle on top, wrapped to the width; the
 * plot area with y ticks on the left and time ticks below; the legend in
 * a column on the right, wide enough for the longest label, or, when the
 * labels are too long for that, in rows below the plot (the chart grows
 * taller). No text is cut: long labels wrap. The y axis starts
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
#define MAX_X_TICKS 64

static const char *const palette[CHART_N_COLORS] = {
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
};
static const char *const dashes[CHART_N_DASHES] = { "", "7 4", "2 3", "9 3 2 3", "14 4", "4 2 1 2 1 2", "1 6" };

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
    *lo = c->y_fit ? INFINITY : 0;
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
    if (*lo == INFINITY)
        *lo = 0;
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

/* The values of cs with no value beside them, which a line cannot show:
 * a short tick at the value and a whisker from lo to hi. ys: the values'
 * pixels. */
static void draw_isolated(const chart_series *cs, const frame *f, const double *xs, const double *ys, size_t n,
                          strbuf *out)
{
    for (size_t i = 0; i < n; i++) {
        if (isnan(ys[i]) || (i > 0 && !isnan(ys[i - 1])) || (i + 1 < n && !isnan(ys[i + 1])))
            continue;
        if (cs->lo && cs->hi && !isnan(cs->lo[i]) && !isnan(cs->hi[i]))
            svg_line(out, xs[i], py(f, cs->lo[i]), xs[i], py(f, cs->hi[i]), chart_color(cs->color), 1.5, NULL);
        svg_line(out, xs[i] - 7, ys[i], xs[i] + 7, ys[i], chart_color(cs->color), 2.5, NULL);
    }
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
            if (cs->markers == 1) {
                svg_dots(out, xs, y1, n, 3.5, chart_color(cs->color), cs->label);
                continue;
            }
            if (cs->markers == 2)
                draw_isolated(cs, f, xs, y1, n, out);
            svg_polyline(out, xs, y1, n, chart_color(cs->color), 2, chart_dash(cs->dash),
                         cs->label);
        }
    }
    svg_group_end(out);
    free(xs);
    free(y0);
    free(y1);
}

/* Limit lines: dashed, dark grey, labelled at their right end. */
static void draw_limits(const chart *c, const frame *f, strbuf *out)
{
    if (c->n_hlines == 0)
        return;
    svg_group_begin(out, "limits");
    for (size_t k = 0; k < c->n_hlines; k++) {
        double y = py(f, c->hlines[k].y);
        if (!isfinite(y))
            continue;
        svg_line(out, f->left, y, f->right, y, "#555", 1.5, "6 4");
        svg_text(out, f->right - 4, y - 4, "end", FONT * 0.9, "#444", NULL, 0, c->hlines[k].label);
    }
    svg_group_end(out);
}

/* ------------------------------------------------------------- text */

/* Text never runs out of the chart: long text wraps onto more lines at
 * spaces (a word longer than a line is broken), within a width given in
 * characters. A character is taken as CHAR_EM em wide, more than the
 * average of the sans-serif fonts browsers pick, so estimates err wide. */
#define CHAR_EM 0.62

static size_t chars_for(double width, double font)
{
    double n = width / (font * CHAR_EM);
    return n < 4 ? 4 : (size_t)n;
}

/* The byte length of the next line of s (at most maxc characters), and
 * where the line after it starts (*next). */
static size_t next_line(const char *s, size_t maxc, const char **next)
{
    size_t len = strlen(s), bytes = 0, chars = 0, brk = 0;
    while (bytes < len && chars < maxc) {
        bytes++;
        while (bytes < len && ((unsigned char)s[bytes] & 0xC0) == 0x80)
            bytes++;
        chars++;
        if (bytes < len && s[bytes] == ' ')
            brk = bytes;
    }
    if (bytes < len && s[bytes] != ' ' && brk > 0)
        bytes = brk;                  /* break at the last space */
    const char *n = s + bytes;
    while (*n == ' ')
        n++;
    *next = n;
    return bytes;
}

static int count_lines(const char *s, size_t maxc)
{
    int n = 0;
    for (const char *p = s ? s : ""; *p; n++)
        next_line(p, maxc, &p);
    return n ? n : 1;
}

/* Draws s wrapped, the first baseline at y; returns the lines drawn. */
static int text_lines(strbuf *out, double x, double y, double font, const char *color, const char *weight,
                      const char *s, size_t maxc, double line_h)
{
    int n = 0;
    char line[1024];
    for (const char *p = s ? s : ""; *p; n++) {
        const char *next;
        size_t len = next_line(p, maxc, &next);
        if (len >= sizeof line)
            len = sizeof line - 1;
        memcpy(line, p, len);
        line[len] = '\0';
        svg_text(out, x, y + n * line_h, "start", font, color, weight, 0, line);
        p = next;
    }
    return n;
}

/* ----------------------------------------------------------- legend */

/* The legend: in a column on the right when its labels fit in a third of
 * the width on at most two lines each, else in rows below the plot, as
 * wide as the chart. Labels wrap; none is cut. */
typedef struct legend {
    int below;
    double x, width;       /* where the labels' column starts, its width */
    size_t maxc;           /* characters per label line */
    double height;         /* below: the rows' height */
} legend;

#define LEGEND_LINE (FONT * 1.25)
#define LEGEND_GAP (FONT * 0.5)

static double legend_height(const chart *c, size_t maxc, int fan)
{
    double h = 4;
    for (size_t s = 0; s < c->n_series; s++)
        h += count_lines(c->series[s].label, maxc) * LEGEND_LINE + LEGEND_GAP;
    return h + (fan ? FONT * 1.6 + (c->band_note ? count_lines(c->band_note, maxc) - 1 : 0) * FONT * 1.1 : 0);
}

static void legend_layout(const chart *c, double w, double plot_h, int fan, legend *lg)
{
    size_t longest = 0;
    for (size_t s = 0; s < c->n_series; s++) {
        size_t l = utf8_chars(c->series[s].label);
        longest = l > longest ? l : longest;
    }
    double col = 30 + FONT * CHAR_EM * (double)longest + 16;
    if (fan && col < 190)
        col = 190;
    double max_col = w * 0.34;
    lg->below = 0;
    if (col > max_col) {
        /* Wrapped in the widest column allowed: two lines at most. */
        size_t maxc = chars_for(max_col - 46, FONT);
        int lines_ok = 1;
        for (size_t s = 0; s < c->n_series; s++)
            lines_ok &= count_lines(c->series[s].label, maxc) <= 2;
        if (!lines_ok)
            lg->below = 1;
        col = max_col;
    }
    if (lg->below) {
        lg->x = 12;
        lg->width = w - 24;
    } else {
        lg->x = w - col;
        lg->width = col - 14;
    }
    lg->maxc = chars_for(lg->width - 30, FONT);
    /* A column taller than the plot would run into the time axis. */
    if (!lg->below && legend_height(c, lg->maxc, fan) > plot_h) {
        lg->below = 1;
        lg->x = 12;
        lg->width = w - 24;
        lg->maxc = chars_for(lg->width - 30, FONT);
    }
    lg->height = lg->below ? legend_height(c, lg->maxc, fan) : 0;
}

static void draw_legend(const chart *c, const legend *lg, double top, strbuf *out)
{
    svg_group_begin(out, "legend");
    double x = lg->x, y = top + 4 + FONT;
    int fan = 0;
    for (size_t k = 0; k < c->n_series; k++) {
        /* Stacked areas list top to bottom, as they appear. */
        size_t s = c->type == CHART_AREA ? c->n_series - 1 - k : k;
        const chart_series *cs = &c->series[s];
        fan |= cs->lo && cs->hi;
        if (c->type == CHART_AREA) {
            svg_rect(out, x, y - 9, 18, 12, chart_color(cs->color), 0.85, NULL);
        } else if (cs->markers == 1) {
            double dx = x + 12, dy = y - 3;
            svg_dots(out, &dx, &dy, 1, 3.5, chart_color(cs->color), NULL);
        } else {
            if (cs->lo && cs->hi)
                svg_rect(out, x, y - 9, 24, 12, chart_color(cs->color), 0.18, NULL);
            svg_line(out, x, y - 3, x + 24, y - 3, chart_color(cs->color), 2,
                     chart_dash(cs->dash));
        }
        int n = text_lines(out, x + 30, y + 1, FONT, "#222", NULL, cs->label, lg->maxc, LEGEND_LINE);
        y += (n ? n : 1) * LEGEND_LINE + LEGEND_GAP;
    }
    if (fan && c->band_note)
        text_lines(out, x, y + 4, FONT * 0.9, "#666", NULL, c->band_note, lg->maxc, FONT * 1.1);
    else if (fan)
        svg_text(out, x, y + 4, "start", FONT * 0.9, "#666", NULL, 0, "line: median; band: p5-p95");
    svg_group_end(out);
}

double chart_svg(const chart *c, strbuf *out)
{
    double w = c->width > 0 ? c->width : CHART_DEFAULT_WIDTH, h = c->height > 0 ? c->height : CHART_DEFAULT_HEIGHT;
    int fan = 0;
    for (size_t s = 0; s < c->n_series; s++)
        fan |= c->series[s].lo && c->series[s].hi;
    /* Title and subtitle wrap to the chart's width. */
    size_t title_c = chars_for(w - 24, TITLE_FONT * 1.08), sub_c = chars_for(w - 24, FONT);
    int title_n = count_lines(c->title, title_c), sub_n = c->subtitle ? count_lines(c->subtitle, sub_c) : 0;
    /* One title line and one subtitle line lay out as they always did. */
    double title_base = 12 + TITLE_FONT, sub_base = title_base + (title_n - 1) * TITLE_FONT * 1.25 + FONT * 1.5;
    double head = 18 + TITLE_FONT + (title_n - 1) * TITLE_FONT * 1.25 + (sub_n ? FONT * 1.6 + (sub_n - 1) * FONT * 1.35 : 0);
    double plot_h = h - head - 14 - 48;
    if (plot_h < 120)
        plot_h = 120;
    legend lg;
    legend_layout(c, w, plot_h, fan, &lg);
    double total_h = head + 14 + plot_h + 48 + (lg.below ? lg.height + 8 : 0);

    frame f;
    f.top = head + 14;
    f.left = 62 + (c->y_label ? 18 : 0);
    /* Room for half of the last time label ("Jan 2023") on the right. */
    f.right = lg.below ? w - 40 : lg.x - 36;
    f.bottom = f.top + plot_h;

    svg_begin(out, w, total_h, c->title, c->subtitle);
    svg_rect(out, 0, 0, w, total_h, "#ffffff", 1, NULL);
    text_lines(out, 12, title_base, TITLE_FONT, "#111", "bold", c->title ? c->title : "", title_c,
               TITLE_FONT * 1.25);
    if (c->subtitle)
        text_lines(out, 12, sub_base, FONT, "#555", NULL, c->subtitle, sub_c, FONT * 1.35);
    if (c->n == 0 || c->n_series == 0) {
        svg_text(out, w / 2, total_h / 2, "middle", TITLE_FONT, "#888", NULL, 0, "no data");
        svg_end(out);
        return total_h;
    }
    double *tops = NULL;
    if (c->type == CHART_AREA && !(tops = stack(c))) {
        out->failed = 1;
        return total_h;
    }
    double lo, hi;
    data_range(c, tops, &lo, &hi);
    for (size_t k = 0; k < c->n_hlines; k++)
        if (isfinite(c->hlines[k].y))
            hi = fmax(hi, c->hlines[k].y);
    int max_y = (int)((f.bottom - f.top) / 45);
    axis_nice_ticks(lo, hi, max_y < 3 ? 3 : max_y, &f.yt);
    f.x0 = c->x[0];
    f.x1 = c->x[c->n - 1];
    draw_axes(c, &f, out);
    draw_series(c, &f, tops, out);
    draw_limits(c, &f, out);
    draw_legend(c, &lg, lg.below ? f.bottom + 48 : f.top, out);
    free(tops);
    svg_end(out);
    return total_h;
}
