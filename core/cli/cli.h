/* cli.h - what the scenario-running commands (run, check, sweep) share:
 * the tables of their common options (options.h), --save, exit codes,
 * and writing a set of output files atomically. */
#ifndef DEMOB_CLI_H
#define DEMOB_CLI_H
#include <signal.h>

#include "util/atomic_file.h"
#include "run/output.h"
#include "lua/scenario.h"
#include "options.h"

#define CLI_MAX_SETS 256
#define CLI_DEFAULT_EVERY 1   /* --every */

typedef struct cli_args {
    scenario_options sopt;
    const char *sets[CLI_MAX_SETS];
    const char *out_dir;      /* -o */
    int workers;              /* -j; 0 = all cores */
    int quiet;                /* --quiet */
    output_plan plan;         /* --save, --every */
    int check_inputs;         /* check --inputs */
    int save_given;           /* run: --save was given                      */
    int want_quant;           /* run: quantiles.csv (--save quantiles, all)  */
    int want_outcomes;        /* run: outcomes.csv (--save outcomes, all)    */
} cli_args;

void cli_args_init(cli_args *a);
/* The common options, read into a cli_args: the scenario's (--set, --runs,
 * --seed, --steps, --mode, --trusted and the limits), the output's (-o,
 * -j, --quiet) and run's time series (--save, --every). */
extern const cli_option cli_scenario_options[];
extern const cli_option cli_output_options[];
extern const cli_option cli_series_options[];
/* --save LIST: want[f] for the files named; with want_quant (NULL: not
 * known) also "quantiles". */
int cli_parse_save(const char *v, int want[OUT_NFILES], int *want_quant, demob_error *err);
/* Splits "a,b,c" into out (at most max), pointing into *copy (owned by
 * the caller, to free); returns the count, or -1 (empty, too many, memory). */
int cli_split_list(const char *list, char **copy, const char **out, int max);
/* The positional argument of run, check and sweep: one scenario. */
int cli_scenario_arg(void *ctx, const char *arg, demob_error *err);
/* 0 for success, 2 for DEMOB_EINPUT, 1 otherwise. */
int cli_exit_code(int status);
/* Prints "demob CMD: message" on stderr and returns the exit code. */
int cli_fail(const char *cmd, const demob_error *err);
/* Prints the scenario's warnings on stderr: a timed event --steps skipped,
 * --set values outside a range, and what demob_model_lint finds. */
void cli_warn_scenario(const char *cmd, const scenario *sc);
/* Default output folder: out/<scenario file name without .lua>. */
void cli_default_out_dir(const char *scenario_path, char *buf, size_t n);

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

/* The files of an unfinished sweep (cli_inputs.c): saved in dir beside
 * its journal, checked by --resume (DEMOB_EINPUT naming the first file
 * that differs), removed when the sweep finishes. */
struct inputs_file;
int cli_inputs_save(const char *dir, const struct inputs_file *v, int n, demob_error *err);
int cli_inputs_check_saved(const char *dir, const struct inputs_file *now, int n, demob_error *err);
void cli_inputs_remove(const char *dir);
/* DEMOB_EINPUT "<what>: <first difference><hint>" when the lists
 * differ; 0 otherwise. */
int cli_inputs_refuse(const char *what, const struct inputs_file *before, int nb, const struct inputs_file *now,
                      int nn, const char *hint, demob_error *err);
/* Appends ",\n  \"origins\": [...], \"tags\": {\"tag\": [origins...]}"
 * (cli_manifest.c): for the manifests of run and sweep. */
void cli_origins_json(const demob_model *m, const scenario *sc, strbuf *b);

#define CLI_INPUTS_HINT " (use another -o folder, or drop --resume to start over)"

#endif
