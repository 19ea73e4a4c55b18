/* cmd_plot.c - `demob plot DIR [DIR...] -o chart.svg`: the command line
 * around plot.c. Parses the options, draws one chart, writes it
 * atomically. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/atomic_file.h"
#include "cli.h"
#include "commands.h"
#include "convert.h"
#include "report/plot.h"
#include "report/chart.h"
#include "report/fit_charts.h"

#define MAX_LIST 64

typedef struct args {
    plot_request r;
    const char *out;
    const char *data;       /* --data */
    const char *series;     /* --series (fit folders) */
    int item_opt;           /* which of --state/--category/--flow was used */
    const char *dirs[PLOT_MAX_DIRS];
    const char *labels[16];
    int n_labels;
    const char *origins[MAX_LIST], *items[MAX_LIST];
} args;

static int list_opt(const char *opt, const char *v, const char **list, int *n, demob_error *err)
{
    int k = cli_split((char *)v, list, *n, MAX_LIST);
    if (k < 0)
        return demob_error_set(err, DEMOB_EINPUT, "%s: at most %d names", opt, MAX_LIST);
    if (k == *n)
        return demob_error_set(err, DEMOB_EINPUT, "%s: give a name", opt);
    *n = k;
    return 0;
}

static int set_type(void *ctx, const cli_option *o, const char *v, demob_error *err)
{
    (void)o;
    static const char *const types[] = { "auto", "line", "area", "fan" };
    int t;
    for (t = 0; t < 4 && strcmp(types[t], v); t++)
        ;
    if (t == 4)
        return demob_error_set(err, DEMOB_EINPUT, "--type: '%s' is not line, area, fan or auto", v);
    ((args *)ctx)->r.type = (plot_type)t;
    return 0;
}

static int set_by(void *ctx, const cli_option *o, const char *v, demob_error *err)
{
    (void)o;
    plot_request *r = &((args *)ctx)->r;
    if (!strcmp(v, "state") || !strcmp(v, "category") || !strcmp(v, "flow") || !strcmp(v, "item"))
        r->by = SERIES_BY_ITEM;
    else if (!strcmp(v, "origin"))
        r->by = SERIES_BY_ORIGIN;
    else if (!strcmp(v, "total"))
        r->by = SERIES_TOTAL;
    else
        return demob_error_set(err, DEMOB_EINPUT, "--by: '%s' is not state, origin or total", v);
    return 0;
}

static int set_origin(void *ctx, const cli_option *o, const char *v, demob_error *err)
{
    args *g = ctx;
    return list_opt(o->name, v, g->origins, &g->r.n_origins, err);
}

static int set_item(void *ctx, const cli_option *o, const char *v, demob_error *err)
{
    args *g = ctx;
    g->item_opt = o->name[2];   /* 's', 'c' or 'f' */
    return list_opt(o->name, v, g->items, &g->r.n_items, err);
}

static int set_label(void *ctx, const cli_option *o, const char *v, demob_error *err)
{
    (void)o;
    args *g = ctx;
    if (g->n_labels >= 16)
        return demob_error_set(err, DEMOB_EINPUT, "--label: at most 16");
    g->labels[g->n_labels++] = v;
    return 0;
}

static int set_size(void *ctx, const cli_option *o, const char *v, demob_error *err)
{
    long px;
    if (cli_parse_long(o->name, v, 200, 10000, &px, err))
        return DEMOB_EINPUT;
    *(o->name[2] == 'w' ? &((args *)ctx)->r.width : &((args *)ctx)->r.height) = (double)px;
    return 0;
}

static int add_dir(void *ctx, const char *arg, demob_error *err)
{
    args *g = ctx;
    if (g->r.n_dirs >= PLOT_MAX_DIRS)
        return demob_error_set(err, DEMOB_EINPUT, "at most %d folders in one chart", PLOT_MAX_DIRS);
    g->dirs[g->r.n_dirs++] = arg;
    return 0;
}

#define G(field) offsetof(args, field)

static const cli_option plot_options[] = {
    {"--out", 'o', "FILE", 0, CLI_STRING, G(out), 0, 0, NULL, "the file to write (required): .svg, or .png / .pdf through rsvg-convert", {0}, NULL},
    {"--data", 0, "populations|costs|flows|budgets|outcomes", 0, CLI_STRING, G(data), 0, 0, NULL,
     "what to draw: stocks (default), costs from costs.csv, people moved per step from flows.csv, each "
     "budget's balance, spending and gap per step from budgets.csv, or the declared outcomes from outcomes.csv "
     "(--state names outcomes)", {0}, NULL},
    {"--type", 0, "line|area|fan|auto", 0, CLI_CUSTOM, 0, 0, 0, set_type, "the chart type (see above)", {0}, NULL},
    {"--by", 0, "state|origin|total", 0, CLI_CUSTOM, 0, 0, 0, set_by,
     "one series per state (per category for costs, per flow for flows; default), per origin, or one total",
     {0}, NULL},
    {"--origin", 0, "X[,Y...]", 1, CLI_CUSTOM, 0, 0, 0, set_origin, "only these origins; summed", {0}, NULL},
    {"--state", 0, "S[,T...]", 1, CLI_CUSTOM, 0, 0, 0, set_item, "only these states", {0}, NULL},
    {"--category", 0, "C[,D...]", 1, CLI_CUSTOM, 0, 0, 0, set_item, "costs: only these categories", {0}, NULL},
    {"--flow", 0, "FROM->TO[,...]", 1, CLI_CUSTOM, 0, 0, 0, set_item, "flows: only these flows", {0}, NULL},
    {"--point", 0, "N", 0, CLI_LONG, G(r.point), 0, 1000000000L, NULL,
     "sweeps: only point N (default: all points pooled)", {0}, NULL},
    {"--cumulative", 0, NULL, 0, CLI_FLAG, G(r.cumulative), 0, 0, NULL,
     "running totals over steps (e.g. costs to date)", {0}, NULL},
    {"--label", 0, "NAME", 1, CLI_CUSTOM, 0, 0, 0, set_label,
     "the legend name of each DIR, in order (default: the manifest's scenario name)", {0}, NULL},
    {"--title", 0, "TEXT", 0, CLI_STRING, G(r.title), 0, 0, NULL, "the chart's title", {0}, NULL},
    {"--subtitle", 0, "TEXT", 0, CLI_STRING, G(r.subtitle), 0, 0, NULL, "the chart's subtitle", {0}, NULL},
    {"--series", 0, "NAME", 0, CLI_STRING, G(series), 0, 0, NULL,
     "a fit folder: only this observed series (default: every series, one chart each, stacked)", {0}, NULL},
    {"--width", 0, "PX", 0, CLI_CUSTOM, 0, 0, 0, set_size, "width of the chart (default %g)",
     {CHART_DEFAULT_WIDTH, 0}, NULL},
    {"--height", 0, "PX", 0, CLI_CUSTOM, 0, 0, 0, set_size, "height of the chart (default %g)",
     {CHART_DEFAULT_HEIGHT, 0}, NULL},
    {0},
};

static const cli_command plot_cmd = {
    "plot", "DIR [DIR...] -o CHART.svg [options]",
    "\n"
    "Draws a chart of one or several outputs of demob run or demob sweep (each\n"
    "DIR is an output folder, or a CSV file) as a self-contained SVG file.\n"
    "Several folders are overlaid: one colour per scenario, or with several\n"
    "series each, one colour per series and one dash pattern per scenario.\n"
    "A state's ceiling and a flow's capacity are drawn as dashed lines.\n"
    "-o x.png or x.pdf converts the chart with rsvg-convert (Debian package\n"
    "librsvg2-bin), found on PATH; without it demob refuses (exit 2).\n"
    "\n"
    "chart types (--type):\n"
    "  line   stocks over time, one line per state (or origin); the mean over\n"
    "         runs for stochastic outputs\n"
    "  area   stacked areas: how the population splits over states (one DIR)\n"
    "  fan    median line and p5-p95 band over runs (stochastic and sweep\n"
    "         outputs)\n"
    "  auto   fan when the output has several runs, else line (default)\n"
    "\n"
    "A folder written by demob fit (it holds fitted.csv) is plotted alone:\n"
    "each observed series as points over the model's prediction and its 95%\n"
    "band, one chart per series (stacked in one file; --series picks one).\n"
    "\n",
    {{"options:", plot_options, 0}},
    "\n"
    "Rows are streamed; memory holds the series (groups x steps), and for fan\n"
    "charts one number per run, step and series (10,000 runs x 121 steps x 9\n"
    "states: 44 MB).\n"
    "\n"
    "exit status:\n"
    "  0  the chart was written\n"
    "  1  the chart could not be written (e.g. an unwritable path)\n"
    "  2  bad usage or bad input: a missing folder or file, an empty CSV, a\n"
    "     non-numeric or NaN cell (file:line:column), a selection that matches\n"
    "     nothing, a chart type the data cannot give, .png or .pdf without\n"
    "     rsvg-convert, a fit folder with other folders or a bad fitted.csv\n",
    add_dir,
};

/* The checks of the whole command line. */
static int check(args *g, demob_error *err)
{
    const char *data = g->data ? g->data : "populations";
    if (g->r.n_dirs == 0)
        return demob_error_set(err, DEMOB_EINPUT, "give at least one output folder to plot");
    if (!g->out)
        return demob_error_set(err, DEMOB_EINPUT, "give the chart's file with -o CHART.svg");
    if (!strcmp(data, "populations"))
        g->r.kind = TIDY_POPULATIONS;
    else if (!strcmp(data, "costs"))
        g->r.kind = TIDY_COSTS;
    else if (!strcmp(data, "flows"))
        g->r.kind = TIDY_FLOWS;
    else if (!strcmp(data, "budgets"))
        g->r.kind = TIDY_BUDGETS;
    else if (!strcmp(data, "outcomes"))
        g->r.kind = TIDY_OUTCOMES;
    else
        return demob_error_set(err, DEMOB_EINPUT,
                               "--data: '%s' is not populations, costs, flows, budgets or outcomes", data);
    if (g->item_opt == 'c' && g->r.kind != TIDY_COSTS)
        return demob_error_set(err, DEMOB_EINPUT, "--category selects costs: add --data costs");
    if (g->item_opt == 'f' && g->r.kind != TIDY_FLOWS)
        return demob_error_set(err, DEMOB_EINPUT, "--flow selects flows: add --data flows");
    if (g->item_opt == 's' && g->r.kind != TIDY_POPULATIONS && g->r.kind != TIDY_OUTCOMES)
        return demob_error_set(err, DEMOB_EINPUT, "--state selects stocks; with --data %s use %s",
                               data, g->r.kind == TIDY_COSTS ? "--category" : "--flow");
    if (g->n_labels && g->n_labels != g->r.n_dirs)
        return demob_error_set(err, DEMOB_EINPUT, "%d --label for %d folders: give one per folder",
                               g->n_labels, g->r.n_dirs);
    g->r.dirs = g->dirs;
    g->r.labels = g->n_labels ? g->labels : NULL;
    g->r.origins = g->origins;
    g->r.items = g->items;
    return 0;
}

/* A folder of demob fit: observed vs fitted, one chart per series. */
static int plot_fit(const args *g, strbuf *svg, demob_error *err)
{
    if (g->r.n_dirs > 1)
        return demob_error_set(err, DEMOB_EINPUT, "%s is the output of demob fit: plot it alone",
                               g->dirs[0]);
    if (g->data || g->item_opt || g->r.n_origins || g->r.type != PLOT_AUTO || g->r.cumulative)
        return demob_error_set(err, DEMOB_EINPUT, "%s is the output of demob fit: of the chart options "
                               "only --series and --width apply", g->dirs[0]);
    report_fit f;
    int rc = report_fit_load(g->dirs[0], &f, err);
    if (rc == 0)
        rc = report_fit_plot_svg(&f, g->series, g->r.width, svg, err);
    report_fit_free(&f);
    return rc;
}

int cmd_plot(int argc, char **argv)
{
    args g;
    memset(&g, 0, sizeof g);
    plot_request_init(&g.r);
    int code;
    if (!cli_parse_args(&plot_cmd, argc, argv, &g, &code))
        return code;
    demob_error err = { 0 };
    int fit = 0;
    for (int i = 0; i < g.r.n_dirs; i++)
        if (report_fit_is_fit(g.dirs[i]) && !fit++ && i > 0)
            g.dirs[0] = g.dirs[i];   /* named in the message */
    if (!fit && g.series)
        demob_error_set(&err, DEMOB_EINPUT, "--series selects a series of a fit folder (demob fit's output)");
    else if (fit && !g.out)
        demob_error_set(&err, DEMOB_EINPUT, "give the chart's file with -o CHART.svg");
    else if (!fit)
        check(&g, &err);
    if (err.status)
        return cli_usage_fail("plot", &err);
    strbuf svg;
    strbuf_init(&svg);
    strbuf_puts(&svg, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    int rc = fit ? plot_fit(&g, &svg, &err) : plot_svg(&g.r, &svg, &err);
    if (rc == 0)
        rc = cli_write_converted(g.out, &svg, 0, &err);
    strbuf_free(&svg);
    if (rc != 0) {
        err.status = rc;
        return cli_fail("plot", &err);
    }
    return 0;
}
