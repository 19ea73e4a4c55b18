/* chart.h - time-series charts drawn as SVG (through svg.h): lines, lines
 * with a band (fan charts: p5-p95 band, median line), and stacked areas.
 * Several scenarios overlay as several series: each series has a colour
 * and a dash pattern, so "scenario" and "state" can be told apart. The
 * chart owns nothing: the caller's arrays must outlive chart_svg. Output
 * is deterministic (same chart, same bytes). */
#ifndef DEMOB_CHART_H
#define DEMOB_CHART_H
#include <stddef.h>
#include "util/strbuf.h"

typedef enum chart_type {
    CHART_LINE = 0,     /* one line per series; a band where lo/hi given */
    CHART_AREA,         /* series stacked in order, first at the bottom */
} chart_type;

#define CHART_N_COLORS 10
#define CHART_N_DASHES 7

#define CHART_DEFAULT_WIDTH 800    /* pixels */
#define CHART_DEFAULT_HEIGHT 440

typedef struct chart_series {
    const char *label;          /* legend text */
    const double *y;            /* n values; NaN = no value */
    const double *lo, *hi;      /* band (NULL: none) */
    int color;                  /* palette index (mod CHART_N_COLORS) */
    int dash;                   /* 0 solid, 1 dashed, 2 dotted, 3 dash-dot */
    int markers;                /* 1: a dot at each value, no line (observations);
                                   2: a line, and a value with no neighbour (a
                                   line cannot show it) as a tick with a whisker
                                   from lo to hi */
} chart_series;

/* A horizontal line at a limit (a ceiling, a capacity), with its label. */
typedef struct chart_hline {
    double y;
    const char *label;
} chart_hline;

typedef struct chart {
    chart_type type;
    const char *title;
    const char *subtitle;       /* may be NULL */
    const char *y_label;        /* may be NULL */
    const char *x_label;        /* NULL: "step" (or nothing with dates) */
    size_t n;                   /* points along x */
    const double *x;            /* step numbers, increasing */
    const char *const *dates;   /* n dates ("YYYY-MM[-DD]") or NULL */
    const chart_series *series;
    size_t n_series;
    double width, height;       /* 0: CHART_DEFAULT_WIDTH x _HEIGHT */
    const chart_hline *hlines;  /* limit lines (n_hlines; may be NULL) */
    size_t n_hlines;
    int y_fit;                  /* 1: the y axis spans the values only (traces),
                                   0: it starts at 0 unless values are negative */
    const char *band_note;      /* under the legend when a band is drawn;
                                   NULL: "line: median; band: p5-p95" */
} chart;

/* The palette: colour-blind-safe (Tableau 10) */
const char *chart_color(int i);
const char *chart_dash(int i);

/* Appends the chart as a complete <svg> element to out; returns its
 * height (which grows when the legend goes below the plot). */
double chart_svg(const chart *c, strbuf *out);

#endif
