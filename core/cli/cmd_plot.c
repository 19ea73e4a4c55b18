/* cmd_plot.c - `demob plot DIR [DIR...] -o chart.svg`: the command line
 * around plot.c. Parses the options, draws one chart, writes it
 * atomically. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/atomic_file.h"
#include "cli.h"
#include "commands.h"
#include "report/plot.h"
#include "viz_args.h"

#define MAX_LIST 64

static const char usage[] =
    "usage: demob plot DIR [DIR...] -o CHART.svg [options]\n"
    "\n"
    "Draws a chart of one or several outputs of demob run or demob sweep (each\n"
    "DIR is an output folder, or a CSV file) as a self-contained SVG file.\n"
    "Several folders are overlaid: one colour per scenario, or with several\n"
    "series each, one colour per series and one dash pattern per scenario.\n"
    "\n"
    "chart types (--type):\n"
    "  line   stocks over time, one line per state (or origin); the mean over\n"
    "         runs for stochastic outputs\n"
    "  area   stacked areas: how the population splits over states (one DIR)\n"
    "  fan    median line and p5-p95 band over runs (stochastic and sweep\n"
    "         outputs)\n"
    "  auto   fan when the output has several runs, else line (default)\n"
    "\n"
    "options:\n"
    "  -o, --out FILE        the SVG file to write (required)\n"
    "  --data populations|costs|flows\n"
    "                        what to draw: stocks (default), costs from\n"
    "                        costs.csv, or people moved per step from flows.csv\n"
    "  --type line|area|fan|auto\n"
    "  --by state|origin|total\n"
    "                        one series per state (per category for costs, per\n"
    "                        flow for flows; default), per origin, or one total\n"
    "  --origin X[,Y...]     only these origins (repeatable); summed\n"
    "  --state S[,T...]      only these states (--category for costs, --flow\n"
    "                        FROM->TO for flows; repeatable)\n"
    "  --point N             sweeps: only point N (default: all points pooled)\n"
    "  --cumulative          running totals over steps (e.g. costs to date)\n"
    "  --label NAME          the legend name of each DIR, in order (repeatable;\n"
    "                        default: the manifest's scenario name)\n"
    "  --title TEXT, --subtitle TEXT\n"
    "  --width PX, --height PX   size of the chart (default 800 x 440)\n"
    "  -h, --help            this help\n"
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
    "     nothing, a chart type the data cannot give\n";

typedef struct args {
    plot_request r;
    const char *out;
    const char *dirs[16];
    const char *labels[16];
    int n_labels;
    const char *origins[MAX_LIST], *items[MAX_LIST];
} args;

static int list_opt(const char *opt, const char *v, const char **list, int *n, demob_error *err)
{
    int k = viz_split((char *)v, list, *n, MAX_LIST);
    if (k < 0)
        return demob_error_set(err, DEMOB_EINPUT, "%s: at most %d names", opt, MAX_LIST);
    if (k == *n)
        return demob_error_set(err, DEMOB_EINPUT, "%s: give a name", opt);
    *n = k;
    return 0;
}

static int parse(int argc, char **argv, args *g, demob_error *err)
{
    memset(g, 0, sizeof *g);
    plot_request_init(&g->r);
    int item_opt = 0;   /* which of --state/--category/--flow was used */
    const char *data = "populations";
    for (int i = 1; i < argc; i++) {
        const char *v, *a = argv[i];
        int r = 0;
        if (strcmp(a, "--cumulative") == 0) {
            g->r.cumulative = 1;
            continue;
        }
        if ((r = viz_opt(argc, argv, &i, "--out", &v, err)) ||
            (r = viz_opt(argc, argv, &i, "-o", &v, err))) {
            if (r < 0)
                return -1;
            g->out = v;
        } else if ((r = viz_opt(argc, argv, &i, "--data", &v, err))) {
            if (r < 0)
                return -1;
            data = v;
        } else if ((r = viz_opt(argc, argv, &i, "--type", &v, err))) {
            if (r < 0)
                return -1;
            static const char *const types[] = { "auto", "line", "area", "fan" };
            int t;
            for (t = 0; t < 4 && strcmp(types[t], v); t++)
                ;
            if (t == 4)
                return demob_error_set(err, DEMOB_EINPUT, "--type: '%s' is not line, area, fan or auto", v);
            g->r.type = (plot_type)t;
        } else if ((r = viz_opt(argc, argv, &i, "--by", &v, err))) {
            if (r < 0)
                return -1;
            if (!strcmp(v, "state") || !strcmp(v, "category") || !strcmp(v, "flow") || !strcmp(v, "item"))
                g->r.by = SERIES_BY_ITEM;
            else if (!strcmp(v, "origin"))
                g->r.by = SERIES_BY_ORIGIN;
            else if (!strcmp(v, "total"))
                g->r.by = SERIES_TOTAL;
            else
                return demob_error_set(err, DEMOB_EINPUT, "--by: '%s' is not state, origin or total", v);
        } else if ((r = viz_opt(argc, argv, &i, "--origin", &v, err))) {
            if (r < 0 || list_opt("--origin", v, g->origins, &g->r.n_origins, err))
                return -1;
        } else if ((r = viz_opt(argc, argv, &i, "--state", &v, err)) ||
                   (r = viz_opt(argc, argv, &i, "--category", &v, err)) ||
                   (r = viz_opt(argc, argv, &i, "--flow", &v, err))) {
            if (r < 0 || list_opt(a, v, g->items, &g->r.n_items, err))
                return -1;
            item_opt = a[2];   /* 's', 'c' or 'f' */
        } else if ((r = viz_opt(argc, argv, &i, "--point", &v, err))) {
            if (r < 0 || cli_parse_long("--point", v, 0, 1000000000L, &g->r.point, err))
                return -1;
        } else if ((r = viz_opt(argc, argv, &i, "--label", &v, err))) {
            if (r < 0)
                return -1;
            if (g->n_labels >= 16)
                return demob_error_set(err, DEMOB_EINPUT, "--label: at most 16");
            g->labels[g->n_labels++] = v;
        } else if ((r = viz_opt(argc, argv, &i, "--title", &v, err))) {
            if (r < 0)
                return -1;
            g->r.title = v;
        } else if ((r = viz_opt(argc, argv, &i, "--subtitle", &v, err))) {
            if (r < 0)
                return -1;
            g->r.subtitle = v;
        } else if ((r = viz_opt(argc, argv, &i, "--width", &v, err)) ||
                   (r = viz_opt(argc, argv, &i, "--height", &v, err))) {
            long px;
            if (r < 0 || cli_parse_long(a[2] == 'w' ? "--width" : "--height", v, 200, 10000, &px, err))
                return -1;
            if (a[2] == 'w')
                g->r.width = (double)px;
            else
                g->r.height = (double)px;
        } else if (a[0] == '-' && a[1] != '\0') {
            return demob_error_set(err, DEMOB_EINPUT, "unknown option '%s'", a);
        } else {
            if (g->r.n_dirs >= 16)
                return demob_error_set(err, DEMOB_EINPUT, "at most 16 folders in one chart");
            g->dirs[g->r.n_dirs++] = a;
        }
    }
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
    else
        return demob_error_set(err, DEMOB_EINPUT, "--data: '%s' is not populations, costs or flows", data);
    if (item_opt == 'c' && g->r.kind != TIDY_COSTS)
        return demob_error_set(err, DEMOB_EINPUT, "--category selects costs: add --data costs");
    if (item_opt == 'f' && g->r.kind != TIDY_FLOWS)
        return demob_error_set(err, DEMOB_EINPUT, "--flow selects flows: add --data flows");
    if (item_opt == 's' && g->r.kind != TIDY_POPULATIONS)
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

int cmd_plot(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        fputs(usage, stdout);
        return 0;
    }
    args g;
    demob_error err = { 0 };
    if (parse(argc, argv, &g, &err) != 0)
        return cli_usage_fail("plot", &err);
    strbuf svg;
    strbuf_init(&svg);
    strbuf_puts(&svg, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    int rc = plot_svg(&g.r, &svg, &err);
    if (rc == 0)
        rc = atomic_write_buffer(g.out, &svg, &err);
    strbuf_free(&svg);
    if (rc != 0) {
        err.status = rc;
        return cli_fail("plot", &err);
    }
    return 0;
}
