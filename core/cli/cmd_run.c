/* cmd_run.c - `demob run` (every run of one scenario into an output
 * folder) and `demob check` (load and validate without running). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "run/manifest.h"
#include "run/runner.h"

static const cli_command run_cmd = {
    "run", "SCENARIO.lua [options]",
    "Runs the scenario and writes populations.csv, flows.csv, costs.csv (if it has costs),\n"
    "budgets.csv (if it has budgets), summary.csv and manifest.json into the output folder.\n"
    "Every file is complete or absent: a failed run leaves no partial file.\n",
    {{"options:", cli_output_options, 0}, {NULL, cli_series_options, 0}, {NULL, cli_scenario_options, 0}},
    "exit codes: 0 ok, 1 the run failed (I/O, interrupted), 2 bad usage or bad input\n",
    cli_scenario_arg,
};

static const cli_command check_cmd = {
    "check", "SCENARIO.lua [options]",
    "Loads and validates the scenario without running it, and prints what it declares.\n",
    {{"options:", cli_scenario_options, 0}},
    "exit codes: 0 valid, 2 bad input (the message names file, line and field)\n",
    cli_scenario_arg,
};

/* Parses SCENARIO and the options; returns 1 to go on, else 0 with the
 * exit code. */
static int parse(const cli_command *c, int argc, char **argv, cli_args *a, int *code)
{
    cli_args_init(a);
    if (!cli_parse_args(c, argc, argv, a, code))
        return 0;
    if (!a->sopt.path) {
        demob_error err = {0};
        demob_error_set(&err, DEMOB_EINPUT, "no scenario file given");
        *code = cli_usage_fail(c->name, &err);
        return 0;
    }
    return 1;
}

typedef struct run_sink {
    output_files files;
} run_sink;

/* A run's rows, whole (consume) or the first part of a big run's
 * (write_part): appended to the temporary files. */
static int consume(void *ud, long j, const runner_job *job, strbuf *const bufs[OUT_NFILES], demob_error *err)
{
    (void)j;
    (void)job;
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
    cli_args a;
    int code;
    if (!parse(&run_cmd, argc, argv, &a, &code))
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
    scenario_runner_hooks(sc, &a.sopt, &rcfg.hooks);
    rcfg.workers = a.workers > 0 ? a.workers : runner_default_workers();
    rcfg.plan = a.plan;
    rcfg.n_jobs = demob_model_runs(m);
    rcfg.consume = consume;
    rcfg.write_part = consume;
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
        rc = manifest_write_report(out_dir, &info, scenario_report(sc), &err);
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
    cli_args a;
    int code;
    if (!parse(&check_cmd, argc, argv, &a, &code))
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
