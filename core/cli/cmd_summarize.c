/* cmd_summarize.c - `demob summarize DIR... --at ... --state ...`: the
 * command line around report/summarize.c. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/atomic_file.h"
#include "cli.h"
#include "commands.h"
#include "report/summarize.h"

#define SUM_MAX_DIRS 64

typedef struct args {
    const char *dirs[SUM_MAX_DIRS];
    int n_dirs;
    const char *at, *origin, *state, *by, *csv;
    int wide, force, pool;
} args;

static int add_dir(void *ctx, const char *arg, demob_error *err)
{
    args *g = ctx;
    if (g->n_dirs >= SUM_MAX_DIRS)
        return demob_error_set(err, DEMOB_EINPUT, "at most %d folders", SUM_MAX_DIRS);
    g->dirs[g->n_dirs++] = arg;
    return 0;
}

#define G(field) offsetof(args, field)

static const cli_option summarize_options[] = {
    {"--at", 0, "LIST", 0, CLI_STRING, G(at), 0, 0, NULL,
     "steps or dates, e.g. 12,24 or 2021-11,2022-11 (required)", {0}, NULL},
    {"--origin", 0, "LIST", 0, CLI_STRING, G(origin), 0, 0, NULL,
     "origins or tags; A+B adds origins up within each run (default: all origins together)", {0}, NULL},
    {"--state", 0, "LIST", 0, CLI_STRING, G(state), 0, 0, NULL, "states or outcomes (required)", {0}, NULL},
    {"--by", 0, "origin", 0, CLI_STRING, G(by), 0, 0, NULL, "origin: each origin of a tag or group apart", {0},
     NULL},
    {"--pool", 0, NULL, 0, CLI_FLAG, G(pool), 0, 0, NULL, "sweeps: every point together (default: each point)",
     {0}, NULL},
    {"--csv", 0, "FILE", 0, CLI_STRING, G(csv), 0, 0, NULL,
     "also write the numbers as CSV (long: one row per folder, point, step, origin and state)", {0}, NULL},
    {"--wide", 0, NULL, 0, CLI_FLAG, G(wide), 0, 0, NULL,
     "the CSV as one row per date and three columns (p50, p5, p95) per quantity", {0}, NULL},
    {"--force", 0, NULL, 0, CLI_FLAG, G(force), 0, 0, NULL, "summarize folders of different scenarios together",
     {0}, NULL},
    {0},
};

static const cli_command summarize_cmd = {
    "summarize", "DIR [DIR...] --at LIST --state LIST [options]",
    "Prints the answer table of output folders of demob run or demob sweep: each state, summed over\n"
    "each group of origins within each run, and each outcome, at each step or date, as the median\n"
    "and p5-p95 over the runs (n, mean, sd, p5, p25, p50, p75, p95 in the CSV; type-7 quantiles).\n"
    "States come from populations.csv, outcomes from outcomes.csv; a sweep gives a table per point\n"
    "unless --pool.\n",
    {{"options:", summarize_options, 0}},
    "exit codes: 0 ok, 1 the CSV could not be written, 2 bad usage or bad input (a folder that is\n"
    "not demob output, folders of different scenarios without --force, an unknown name, a date\n"
    "outside the run)\n",
    add_dir,
};

/* The names a comma-separated list can hold: its commas plus one. */
static size_t list_room(const char *list)
{
    size_t n = 1;
    for (const char *p = list; p && *p; p++)
        n += *p == ',';
    return n;
}

int cmd_summarize(int argc, char **argv)
{
    args g;
    memset(&g, 0, sizeof g);
    int code;
    if (!cli_parse_args(&summarize_cmd, argc, argv, &g, &code))
        return code;
    demob_error err = {0};
    /* Room for every name of each list (report_summarize bounds --at). */
    const char **at = calloc(list_room(g.at), sizeof *at), **states = calloc(list_room(g.state), sizeof *states);
    const char **origins = calloc(list_room(g.origin), sizeof *origins);
    char *c1 = NULL, *c2 = NULL, *c3 = NULL;
    report_summarize_opts o;
    memset(&o, 0, sizeof o);
    o.dirs = g.dirs;
    o.n_dirs = g.n_dirs;
    o.wide = g.wide;
    o.force = g.force;
    o.pool = g.pool;
    int rc = 0;
    if (!at || !states || !origins)
        rc = demob_error_set(&err, DEMOB_ERUN, "out of memory");
    else if (g.n_dirs == 0)
        rc = demob_error_set(&err, DEMOB_EINPUT, "no folder given");
    else if (!g.at)
        rc = demob_error_set(&err, DEMOB_EINPUT, "--at is required (steps or dates, e.g. --at 12,24)");
    else if (!g.state)
        rc = demob_error_set(&err, DEMOB_EINPUT, "--state is required (states or outcomes, e.g. --state present)");
    else if (g.by && strcmp(g.by, "origin") != 0)
        rc = demob_error_set(&err, DEMOB_EINPUT, "--by: '%s' is not 'origin'", g.by);
    else if (g.wide && !g.csv)
        rc = demob_error_set(&err, DEMOB_EINPUT, "--wide shapes the CSV: give --csv FILE");
    else if ((o.n_at = cli_split_list(g.at, &c1, at, (int)list_room(g.at))) < 0)
        rc = demob_error_set(&err, DEMOB_EINPUT, "--at: '%s' is not a list of steps or dates", g.at);
    else if ((o.n_states = cli_split_list(g.state, &c2, states, (int)list_room(g.state))) < 0)
        rc = demob_error_set(&err, DEMOB_EINPUT, "--state: '%s' is not a list of names", g.state);
    else if (g.origin && (o.n_origins = cli_split_list(g.origin, &c3, origins, (int)list_room(g.origin))) < 0)
        rc = demob_error_set(&err, DEMOB_EINPUT, "--origin: '%s' is not a list of names", g.origin);
    if (rc) {
        free(c1), free(c2), free(c3);
        free(at), free(states), free(origins);
        return cli_usage_fail("summarize", &err);
    }
    o.at = at;
    o.states = states;
    o.origins = g.origin ? origins : NULL;
    o.by_origin = g.by != NULL;
    strbuf table, csv;
    strbuf_init(&table);
    strbuf_init(&csv);
    rc = report_summarize(&o, &table, g.csv ? &csv : NULL, &err);
    if (rc == 0 && g.csv)
        rc = atomic_write_buffer(g.csv, &csv, &err);
    if (rc == 0 && table.data)
        fputs(table.data, stdout);
    strbuf_free(&table);
    strbuf_free(&csv);
    free(c1), free(c2), free(c3);
    free(at), free(states), free(origins);
    return rc ? cli_fail("summarize", &err) : 0;
}
