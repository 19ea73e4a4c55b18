/* main.c - the demob command line: dispatches to the subcommands of
 * commands.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "demob.h"

static const struct {
    const char *name;
    int (*fn)(int, char **);
    const char *what;
} commands[] = {
    {"run", cmd_run, "run a scenario into an output folder"},
    {"check", cmd_check, "validate a scenario without running it"},
    {"sweep", cmd_sweep, "run a parameter sweep (parallel, resumable, shardable)"},
    {"fit", cmd_fit, "fit params to observed counts (mle, mcmc)"},
    {"merge", cmd_merge, "combine the folders of a sharded sweep"},
    {"compare", cmd_compare, "compare two output folders or CSV files"},
    {"plot", cmd_plot, "draw charts of output folders as SVG"},
    {"report", cmd_report, "write a self-contained HTML report"},
    {"summarize", cmd_summarize, "print the answer table of output folders (quantiles at dates)"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: demob COMMAND [options]   (demob COMMAND --help for each)\n"
               "demob %s: scenario modeller for demobilization (DDR) planning\ncommands:\n",
            DEMOB_VERSION);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].what);
    fprintf(f, "options:\n  -h, --help  this help\n  --version   print the version\n"
               "exit codes: 0 ok, 1 the run failed, 2 bad usage or bad input\n");
}

/* Output on stdout (demob check, compare's table, --help) is part of the
 * result: if it could not be written (a full disk, a closed pipe, >
 * /dev/full), the command failed even though it did its work. */
static int finish(int rc)
{
    int e = fflush(stdout) != 0 ? errno : 0;
    if (e || ferror(stdout)) {
        /* errno is only meaningful when this flush failed; an earlier
         * failed write leaves just the error flag. */
        fprintf(stderr, "demob: cannot write standard output%s%s\n", e ? ": " : "", e ? strerror(e) : "");
        return rc ? rc : 1;
    }
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
        printf("demob %s\n", DEMOB_VERSION);
        return finish(0);
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return finish(0);
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return finish(commands[i].fn(argc - 1, argv + 1));
    fprintf(stderr, "demob: unknown command '%s' (see demob --help)\n", argv[1]);
    usage(stderr);
    return 2;
}
