/* cmd_report.c - `demob report DIR [DIR...] -o report.html`: the command
 * line around report.c. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "util/atomic_file.h"
#include "cli.h"
#include "commands.h"
#include "convert.h"
#include "report/report.h"
#include "report/outcomes.h"
#include "report/fit_data.h"

typedef struct args {
    report_input in;
    const char *dirs[REPORT_MAX_DIRS], *labels[REPORT_MAX_DIRS], *out;
    int n_labels;
} args;

static int set_label(void *ctx, const cli_option *o, const char *v, demob_error *err)
{
    (void)o;
    args *g = ctx;
    if (g->n_labels >= REPORT_MAX_DIRS)
        return demob_error_set(err, DEMOB_EINPUT, "--label: at most %d", REPORT_MAX_DIRS);
    g->labels[g->n_labels++] = v;
    return 0;
}

static int add_dir(void *ctx, const char *arg, demob_error *err)
{
    args *g = ctx;
    if (g->in.n_dirs >= REPORT_MAX_DIRS)
        return demob_error_set(err, DEMOB_EINPUT, "at most %d folders in one report", REPORT_MAX_DIRS);
    g->dirs[g->in.n_dirs++] = arg;
    return 0;
}

#define G(field) offsetof(args, field)

static const cli_option report_options[] = {
    {"--out", 'o', "FILE", 0, CLI_STRING, G(out), 0, 0, NULL, "the file to write (required): .html, or .pdf through chromium --print-to-pdf", {0}, NULL},
    {"--label", 0, "NAME", 1, CLI_CUSTOM, 0, 0, 0, set_label,
     "the name of each DIR, in order (default: the manifest's scenario name)", {0}, NULL},
    {"--title", 0, "TEXT", 0, CLI_STRING, G(in.title), 0, 0, NULL, "the page's title", {0}, NULL},
    {"--return-state", 0, "S", 0, CLI_STRING, G(in.oo.return_state), 0, 0, NULL,
     "the state whose entries make the milestones (default: the scenario's report.return_state)", {0}, NULL},
    {"--peak-state", 0, "S", 0, CLI_STRING, G(in.oo.peak_state), 0, 0, NULL,
     "the state whose peak occupancy is reported (default: the scenario's report.peak_state)", {0}, NULL},
    {"--at", 0, "LIST", 0, CLI_STRING, G(in.at), 0, 0, NULL,
     "answer dates: steps, dates of the output or 'final', e.g. 12,24 or 2021-11,final (default: the "
     "scenario's report_at, else every 12 months and the final step)", {0}, NULL},
    {"--point", 0, "N", 0, CLI_LONG, G(in.oo.point), 0, 1000000000L, NULL,
     "sweeps: report on point N (default: all pooled)", {0}, NULL},
    {0},
};

static const cli_command report_cmd = {
    "report", "DIR [DIR...] -o REPORT.html [options]",
    "\n"
    "Writes one self-contained HTML page (inline charts and styles, no script,\n"
    "no network needed) about one or several outputs of demob run: the answer\n"
    "table (the key states at the answer dates, one column per DIR, with the\n"
    "difference from the first DIR and * where Welch's t-test at 5% puts it\n"
    "beyond run-to-run chance), key outcomes side by side, charts (key states\n"
    "over time with all scenarios overlaid, fan bands for stochastic outputs,\n"
    "ceilings and capacities; states by origin; costs to date; each\n"
    "scenario's stocks by state), the steps until 50% and 90% of each origin\n"
    "have entered the return state, the peak occupancy of one\n"
    "state, final stocks by origin and state, costs, funding (budgets.csv),\n"
    "and each scenario's parameters and manifest. Money is shown in the\n"
    "scenario's currency. The answer table has a row per declared outcome\n"
    "(outcomes.csv) and says, per DIR, what its ranges include. Every DIR\n"
    "needs populations.csv, or quantiles.csv (run's default file set, with\n"
    "summary.csv and outcomes.csv: stocks are then means over runs and\n"
    "milestones are not available); flows.csv, costs.csv, budgets.csv and\n"
    "manifest.json are used when present.\n"
    "-o x.pdf prints the page with headless Chromium, found on PATH.\n"
    "\n"
    "A DIR written by demob fit (it holds fitted.csv) gets a calibration\n"
    "section instead: the estimates with R-hat and ESS (warnings marked),\n"
    "each observed series over the fitted line and its 95% band, and per\n"
    "param a trace and a density of the draws (mcmc, pmcmc) or the\n"
    "profile-likelihood interval (mle). Fit folders come after the run\n"
    "folders' sections; a report of fit folders only has just these.\n"
    "\n"
    "Which states are key, by origin, the return state and the peak state\n"
    "come from the scenario's report { ... } declaration, saved in\n"
    "manifest.json (the first DIR that has one). Without one: every state is\n"
    "charted, and milestones and peak need the options below.\n"
    "\n",
    {{"options:", report_options, 0}},
    "\n"
    "Rows are streamed; memory holds a few numbers per run and outcome, and\n"
    "one number per (run, step, series) for the fan charts (see demob plot).\n"
    "\n"
    "exit status:\n"
    "  0  the report was written\n"
    "  1  it could not be written (e.g. an unwritable path)\n"
    "  2  bad usage or bad input: a missing folder, a folder without\n"
    "     populations.csv nor quantiles.csv, an empty CSV, a non-numeric or NaN cell\n"
    "     (file:line:column), an --at date outside the output, .pdf without\n"
    "     chromium, a fit folder without fitted.csv or estimates.csv or with\n"
    "     a column missing (file:line)\n",
    add_dir,
};

int cmd_report(int argc, char **argv)
{
    args g;
    memset(&g, 0, sizeof g);
    g.in.oo.point = -1;
    int code;
    if (!cli_parse_args(&report_cmd, argc, argv, &g, &code))
        return code;
    demob_error err = { 0 };
    if (g.in.n_dirs == 0)
        demob_error_set(&err, DEMOB_EINPUT, "give at least one output folder");
    else if (!g.out)
        demob_error_set(&err, DEMOB_EINPUT, "give the report's file with -o REPORT.html");
    else if (g.n_labels && g.n_labels != g.in.n_dirs)
        demob_error_set(&err, DEMOB_EINPUT, "%d --label for %d folders: give one per folder", g.n_labels,
                        g.in.n_dirs);
    if (err.status)
        return cli_usage_fail("report", &err);
    report_input in = g.in;
    const char *out = g.out;
    /* Folders of demob fit get a calibration section each; the others
     * are run folders. --label names both, in the order given. */
    const char *runs[REPORT_MAX_DIRS], *run_labels[REPORT_MAX_DIRS], *fits[REPORT_MAX_DIRS],
        *fit_labels[REPORT_MAX_DIRS];
    in.n_dirs = 0;
    for (int i = 0; i < g.in.n_dirs; i++) {
        int fit = report_fit_is_fit(g.dirs[i]);
        const char **d = fit ? fits : runs, **l = fit ? fit_labels : run_labels;
        int *k = fit ? &in.n_fits : &in.n_dirs;
        l[*k] = g.n_labels ? g.labels[i] : NULL;
        d[(*k)++] = g.dirs[i];
    }
    in.dirs = runs;
    in.labels = g.n_labels ? run_labels : NULL;
    in.fits = fits;
    in.fit_labels = fit_labels;
    strbuf html;
    strbuf_init(&html);
    int rc = report_html(&in, &html, &err);
    if (rc == 0)
        rc = cli_write_converted(out, &html, 1, &err);
    strbuf_free(&html);
    if (rc != 0) {
        err.status = rc;
        return cli_fail("report", &err);
    }
    return 0;
}
