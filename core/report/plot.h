/* plot.h - one chart from one or several output folders: loads the series
 * (series.h), lines up their steps, picks colours and dashes so scenarios
 * and groups can be told apart, makes up a title, subtitle and axis
 * labels, and draws the chart (chart.h). Used by `demob plot` and by
 * `demob report` for each of its charts. */
#ifndef DEMOB_PLOT_H
#define DEMOB_PLOT_H
#include "demob.h"
#include "series.h"
#include "util/strbuf.h"
#include "tidy.h"

/* The size of a folder's label (longer names are cut). */
#define PLOT_LABEL_SIZE 256

typedef enum plot_type {
    PLOT_AUTO = 0,  /* fan when the data has several runs, else line */
    PLOT_LINE,      /* lines (means over runs) */
    PLOT_AREA,      /* stacked areas (one folder only) */
    PLOT_FAN,       /* p5-p95 band and median line */
} plot_type;

/* Series already read, shared by the charts of one report so that each
 * file is read once: a by-state load with per-run quantiles answers every
 * chart of states or of one state's total. Not thread-safe. */
/* The most folders or files one chart overlays (its colours stay apart). */
#define PLOT_MAX_DIRS 16

typedef struct plot_cache plot_cache;
plot_cache *plot_cache_new(void);
void plot_cache_free(plot_cache *c);   /* NULL is fine */

typedef struct plot_request {
    const char *const *dirs;     /* output folders, or CSV files */
    const char *const *labels;   /* per dir, or NULL: the manifest's scenario name,
                                    else the folder's name */
    int n_dirs;                  /* at most PLOT_MAX_DIRS */
    tidy_kind kind;              /* TIDY_POPULATIONS, TIDY_COSTS or TIDY_FLOWS */
    plot_type type;
    series_by by;
    const char *const *origins;  /* filters (NULL: all) */
    int n_origins;
    const char *const *items;
    int n_items;
    long point;                  /* sweeps: one point; -1 pools all points */
    int cumulative;
    const char *title, *subtitle;   /* NULL: made up from the request */
    const char *y_label;            /* NULL: made up */
    double width, height;           /* 0: defaults */
    plot_cache *cache;              /* NULL: read the files every time */
} plot_request;

void plot_request_init(plot_request *r);

/* Appends the chart's <svg> to out. Bad input (a missing folder or file,
 * a bad CSV, a filter that keeps nothing, an area chart of several
 * folders) gives DEMOB_EINPUT with err set. */
int plot_svg(const plot_request *r, strbuf *out, demob_error *err);

/* The label of an output folder: its manifest's "scenario" when there is
 * one, else the folder's name. */
void plot_dir_label(const char *dir, char *buf, size_t size);
/* The manifest's "currency" of an output folder (scenario { currency = }),
 * or "" when it has none. */
void plot_currency(const char *dir, char *buf, size_t size);

/* Labels for n folders: given[i] when given (given may be NULL), else
 * plot_dir_label; labels that would be the same get the folder's name
 * added, "Libya 2020 baseline (libya_b)", so the legend tells them apart. */
void plot_labels(const char *const *dirs, const char *const *given, int n,
                 char labels[][PLOT_LABEL_SIZE]);

/* The file of kind k in dir (dir itself when it is a file). For
 * populations, a sweep folder without populations.csv falls back to
 * quantiles.csv. 0, or DEMOB_EINPUT naming what is missing. */
int plot_data_file(const char *dir, tidy_kind k, char *buf, size_t size, demob_error *err);

#endif
