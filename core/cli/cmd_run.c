/* cmd_run.c - `demob run` (every run of one scenario into an output
 * folder) and `demob check` (load and validate without running). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "run/manifest.h"
#include "run/runner.h"

static const char run_help[] =
    "usage: demob run SCENARIO.lua [options]\n"
    "Runs the scenario and writes populations.csv, flows.csv, costs.csv (if it has costs),\n"
    "budgets.csv (if it has budgets), summary.csv and manifest.json into the output folder.\n"
    "Every file is complete or absent: a failed run leaves no partial file.\n"
    "options:\n";
static const char run_exit_help[] =
    "exit codes: 0 ok, 1 the run failed (I/O, interrupted), 2 bad usage or bad input\n";

static const char check_help[] =
    "usage: demob check SCENARIO.lua [--set NAME=VALUE]... [--runs N] [--seed S] [--steps T]\n"
    "                   [--mode MODE] [--trusted] [--memory-limit MIB] [--time-limit S]\n"
    "                   [--instruction-limit N]\n"
    "Loads and validates the scenario without running it, and prints what it declares.\n"
    "exit codes: 0 valid, 2 bad input (the message names file, line and field)\n";

/* Parses SCENARIO and the common options; returns 0 or an exit code. */
static int parse(const char *cmd, int argc, char **argv, cli_args *a)
{
    demob_error err = {0};
    cli_args_init(a);
    for (int i = 1; i < argc; i++) {
        int rc = cli_parse_common(argc, argv, &i, a, &err);
        if (rc < 0)
            return cli_fail(cmd, &err);
        if (rc > 0)
            continue;
        if (argv[i][0] == '-' && argv[i][1] != '\0') {
            demob_error_set(&err, DEMOB_EINPUT, "unknown option '%s' (see demob %s --help)", argv[i], cmd);
            return cli_fail(cmd, &err);
        }
        if (a->sopt.path) {
            demob_error_set(&err, DEMOB_EINPUT, "one scenario at a time ('%s' and '%s')", a->sopt.path, argv[i]);
            return cli_fail(cmd, &err);
        }
        a->sopt.path = argv[i];
    }
    if (!a->sopt.path) {
        demob_error_set(&err, DEMOB_EINPUT, "no scenario file given (see demob %s --help)", cmd);
        return cli_fail(cmd, &err);
    }
    return 0;
}

typedef struct run_sink {
    output_files files;
} run_sink;

static int consume(void *ud, long j, const runner_job *job, strbuf *const bufs[OUT_NFILES], const demob_sim *sim,
                   demob_error *err)
{
    (void)j;
    (void)job;
    (void)sim;
    run_sink *s = ud;
    return output_files_write(&s->files, bufs, err);
}

/* Removes output files an earlier run left that this one does not write,
 * so the folder never mixes two runs. */
static void remove_stale(const char *dir, const demob_model *m, const output_plan *plan)
{
    for (int f = 0; f < OUT_NFILES; f++) {
        if (output_applies(m, plan, f))
            continue;
        char path[4400];
        snprintf(path, sizeof path, "%s/%s", dir, output_file_names[f]);
        unlink(path);
    }
}

int cmd_run(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        printf("%s%s%s", run_help, cli_common_help, run_exit_help);
        return 0;
    }
    cli_args a;
    int code = parse("run", argc, argv, &a);
    if (code)
        return code;
    demob_error err = {0};
    char out_dir[4096];
    if (a.out_dir)
        snprintf(out_dir, sizeof out_dir, "%s", a.out_dir);
    else
        cli_default_out_dir(a.sopt.path, out_dir, sizeof out_dir);
    a.sopt.output_dir = out_dir;

    scenario *sc = scenario_load(&a.sopt, &err);
    if (!sc)
        return cli_fail("run", &err);
    const demob_model *m = scenario_model(sc);
    int rc = atomic_make_dirs(out_dir, &err);
    run_sink sink;
    memset(&sink, 0, sizeof sink);
    if (rc == 0)
        rc = output_files_open(&sink.files, out_dir, m, &a.plan, NULL, &err);
    if (rc) {
        scenario_free(sc);
        return cli_fail("run", &err);
    }
    cli_catch_signals();
    runner_config rcfg;
    memset(&rcfg, 0, sizeof rcfg);
    rcfg.main = sc;
    rcfg.sopt = &a.sopt;
    rcfg.workers = a.workers > 0 ? a.workers : runner_default_workers();
    rcfg.plan = a.plan;
    rcfg.n_jobs = demob_model_runs(m);
    rcfg.consume = consume;
    rcfg.consume_ud = &sink;
    rcfg.interrupted = &cli_interrupted;
    rcfg.progress = !a.quiet && isatty(2);
    long done = 0;
    rc = runner_run(&rcfg, &done, &err);
    if (rc == 0) {
        /* The files are renamed into place one by one and the manifest
         * last: without the old manifest, a folder whose commit fails half
         * way is visibly unfinished rather than mixing two runs. */
        char path[4400];
        snprintf(path, sizeof path, "%s/manifest.json", out_dir);
        unlink(path);
        rc = output_files_commit(&sink.files, &err);
    }
    else
        output_files_abort(&sink.files);
    if (rc == 0) {
        remove_stale(out_dir, m, &a.plan);
        manifest_info info = {"run", a.sopt.path, m, demob_model_runs(m), argc, argv, NULL};
        rc = manifest_write(out_dir, &info, &err);
    }
    int steps = demob_model_steps(m);
    scenario_free(sc);
    if (rc)
        return cli_fail("run", &err);
    if (!a.quiet)
        fprintf(stderr, "demob run: %ld run%s of %d steps written to %s/\n", done, done == 1 ? "" : "s", steps,
                out_dir);
    return 0;
}

int cmd_check(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        printf("%s", check_help);
        return 0;
    }
    cli_args a;
    int code = parse("check", argc, argv, &a);
    if (code)
        return code;
    demob_error err = {0};
    scenario *sc = scenario_load(&a.sopt, &err);
    if (!sc)
        return cli_fail("check", &err);
    const demob_model *m = scenario_model(sc);
    printf("%s: ok: \"%s\", %d states, %d origins, %d flows, %d capacities, %d steps, %s, %ld run%s, seed %llu%s\n",
           a.sopt.path, demob_model_name(m), demob_model_n_states(m), demob_model_n_origins(m),
           demob_model_n_flows(m), demob_model_n_capacities(m), demob_model_steps(m),
           demob_model_mode(m) == DEMOB_STOCHASTIC ? "stochastic" : "deterministic", demob_model_runs(m),
           demob_model_runs(m) == 1 ? "" : "s", (unsigned long long)demob_model_seed(m),
           scenario_has_hooks(sc) ? ", with hooks" : "");
    /* Expressions, folded, with what they read. */
    for (int v = 0; v < demob_model_n_values(m); v++) {
        if (!demob_model_value_is_expr(m, v))
            continue;
        char where[300], text[4096];
        demob_model_expr_where(m, v, where, sizeof where);
        demob_model_expr_format(m, v, text, sizeof text);
        printf("  %s: expression %s\n", where, text);
    }
    scenario_free(sc);
    return 0;
}
