/* cli.h - what the scenario-running commands (run, check, sweep) share:
 * parsing of their common options, number parsing with messages that name
 * the option, exit codes, and writing a set of output files atomically. */
#ifndef DEMOB_CLI_H
#define DEMOB_CLI_H
#include <signal.h>

#include "util/atomic_file.h"
#include "run/output.h"
#include "lua/scenario.h"

#define CLI_MAX_SETS 256

typedef struct cli_args {
    scenario_options sopt;
    const char *sets[CLI_MAX_SETS];
    const char *out_dir;      /* -o */
    int workers;              /* -j; 0 = all cores */
    int quiet;                /* --quiet */
    output_plan plan;         /* --save, --every */
} cli_args;

void cli_args_init(cli_args *a);
/* If argv[*i] is a common option, consumes it (and its value) and returns
 * 1; returns 0 if it is not one; negative with err on a bad value. */
int cli_parse_common(int argc, char **argv, int *i, cli_args *a, demob_error *err);
/* Whole number / number with a message naming the option. */
int cli_parse_long(const char *opt, const char *s, long lo, long hi, long *out, demob_error *err);
int cli_parse_double(const char *opt, const char *s, double *out, demob_error *err);
/* 1 if -h or --help is among the arguments. */
int cli_wants_help(int argc, char **argv);
/* 0 for success, 2 for DEMOB_EINPUT, 1 otherwise. */
int cli_exit_code(int status);
/* Prints "demob CMD: message" on stderr and returns the exit code. */
int cli_fail(const char *cmd, const demob_error *err);
/* A bad command line: "demob CMD: message", where --help is, exit code 2. */
int cli_usage_fail(const char *cmd, const demob_error *err);
/* Default output folder: out/<scenario file name without .lua>. */
void cli_default_out_dir(const char *scenario_path, char *buf, size_t n);
/* The help text for the common options. */
extern const char cli_common_help[];

/* SIGINT/SIGTERM set this flag (installed by cli_catch_signals). */
extern volatile sig_atomic_t cli_interrupted;
void cli_catch_signals(void);

/* A set of output files written atomically: opened together, committed
 * together when everything succeeded, removed otherwise. */
typedef struct output_files {
    atomic_file *f[OUT_NFILES];
} output_files;

/* Opens dir/<file> for each planned file and writes its header. */
int output_files_open(output_files *of, const char *dir, const demob_model *m, const output_plan *p,
                      const char *const *prefix_cols, demob_error *err);
int output_files_write(output_files *of, strbuf *const bufs[OUT_NFILES], demob_error *err);
int output_files_commit(output_files *of, demob_error *err);
void output_files_abort(output_files *of);

#endif
