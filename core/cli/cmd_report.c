/* cmd_report.c - `demob report DIR [DIR...] -o report.html`: the command
 * line around report.c. */
#include <stdio.h>
#include <string.h>

#include "util/atomic_file.h"
#include "cli.h"
#include "commands.h"
#include "report/report.h"
#include "viz_args.h"

static const char usage[] =
    "usage: demob report DIR [DIR...] -o REPORT.html [options]\n"
    "\n"
    "Writes one self-contained HTML page (inline charts and styles, no script,\n"
    "no network needed) about one or several outputs of demob run: key\n"
    "outcomes side by side, charts (key states over time with all scenarios\n"
    "overlaid, fan bands for stochastic outputs; states by origin; costs to\n"
    "date; each scenario's stocks by state), the steps until 50% and 90% of\n"
    "each origin have entered the return state, the peak occupancy of one\n"
    "state, final stocks by origin and state, costs, and each scenario's\n"
    "parameters and manifest. Every DIR needs populations.csv; flows.csv,\n"
    "costs.csv and manifest.json are used when present.\n"
    "\n"
    "Which states are key, by origin, the return state and the peak state\n"
    "come from the scenario's report { ... } declaration, saved in\n"
    "manifest.json (the first DIR that has one). Without one: every state is\n"
    "charted, and milestones and peak need the options below.\n"
    "\n"
    "options:\n"
    "  -o, --out FILE          the HTML file to write (required)\n"
    "  --label NAME            the name of each DIR, in order (repeatable;\n"
    "                          default: the manifest's scenario name)\n"
    "  --title TEXT            the page's title\n"
    "  --return-state S        the state whose entries make the milestones\n"
    "                          (default: the scenario's report.return_state)\n"
    "  --peak-state S          the state whose peak occupancy is reported\n"
    "                          (default: the scenario's report.peak_state)\n"
    "  --point N               sweeps: report on point N (default: all pooled)\n"
    "  -h, --help              this help\n"
    "\n"
    "Rows are streamed; memory holds a few numbers per run and outcome, and\n"
    "one number per (run, step, series) for the fan charts (see demob plot).\n"
    "\n"
    "exit status:\n"
    "  0  the report was written\n"
    "  1  it could not be written (e.g. an unwritable path)\n"
    "  2  bad usage or bad input: a missing folder, a folder without\n"
    "     populations.csv, an empty CSV, a non-numeric or NaN cell\n"
    "     (file:line:column)\n";

int cmd_report(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        fputs(usage, stdout);
        return 0;
    }
    report_input in;
    memset(&in, 0, sizeof in);
    in.oo.point = -1;
    const char *dirs[REPORT_MAX_DIRS], *labels[REPORT_MAX_DIRS], *out = NULL;
    int n_labels = 0;
    demob_error err = { 0 };
    int bad = 0;
    for (int i = 1; i < argc && !bad; i++) {
        const char *v, *a = argv[i];
        int r;
        if ((r = viz_opt(argc, argv, &i, "--out", &v, &err)) ||
            (r = viz_opt(argc, argv, &i, "-o", &v, &err))) {
            bad = r < 0;
            out = v;
        } else if ((r = viz_opt(argc, argv, &i, "--label", &v, &err))) {
            if (r > 0 && n_labels >= REPORT_MAX_DIRS)
                r = demob_error_set(&err, DEMOB_EINPUT, "--label: at most %d", REPORT_MAX_DIRS);
            bad = r < 0;
            if (!bad)
                labels[n_labels++] = v;
        } else if ((r = viz_opt(argc, argv, &i, "--title", &v, &err))) {
            bad = r < 0;
            in.title = v;
        } else if ((r = viz_opt(argc, argv, &i, "--return-state", &v, &err))) {
            bad = r < 0;
            in.oo.return_state = v;
        } else if ((r = viz_opt(argc, argv, &i, "--peak-state", &v, &err))) {
            bad = r < 0;
            in.oo.peak_state = v;
        } else if ((r = viz_opt(argc, argv, &i, "--point", &v, &err))) {
            bad = r < 0 || cli_parse_long("--point", v, 0, 1000000000L, &in.oo.point, &err);
        } else if (a[0] == '-' && a[1] != '\0') {
            demob_error_set(&err, DEMOB_EINPUT, "unknown option '%s'", a);
            bad = 1;
        } else if (in.n_dirs >= REPORT_MAX_DIRS) {
            demob_error_set(&err, DEMOB_EINPUT, "at most %d folders in one report", REPORT_MAX_DIRS);
            bad = 1;
        } else {
            dirs[in.n_dirs++] = a;
        }
    }
    if (!bad && in.n_dirs == 0) {
        demob_error_set(&err, DEMOB_EINPUT, "give at least one output folder");
        bad = 1;
    }
    if (!bad && !out) {
        demob_error_set(&err, DEMOB_EINPUT, "give the report's file with -o REPORT.html");
        bad = 1;
    }
    if (!bad && n_labels && n_labels != in.n_dirs) {
        demob_error_set(&err, DEMOB_EINPUT, "%d --label for %d folders: give one per folder",
                        n_labels, in.n_dirs);
        bad = 1;
    }
    if (bad)
        return cli_usage_fail("report", &err);
    in.dirs = dirs;
    in.labels = n_labels ? labels : NULL;
    strbuf html;
    strbuf_init(&html);
    int rc = report_html(&in, &html, &err);
    if (rc == 0)
        rc = atomic_write_buffer(out, &html, &err);
    strbuf_free(&html);
    if (rc != 0) {
        err.status = rc;
        return cli_fail("report", &err);
    }
    return 0;
}
