/* cmd_run.c - `demob run` (every run of one scenario into an output
 * folder) and `demob check` (load and validate without running). */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "fit/fit.h"
#include "run/manifest.h"
#include "run/runner.h"
#include "sweep/sweep_design.h"
#include "util/inputs.h"
#include "util/sha256.h"
#include "util/strbuf.h"

/* run's arguments: the common ones, then its own. */
typedef struct run_args {
    cli_args a;
    const char *posterior;    /* --posterior FILE.csv */
} run_args;

static const cli_option run_options[] = {
    {"--posterior", 0, "FILE.csv", 0, CLI_STRING, offsetof(run_args, posterior), 0, 0, NULL,
     "draw each run's params from a row of this file (a fit's posterior.csv, or any points file)", {0}, NULL},
    {0},
};

static const cli_command run_cmd = {
    "run", "SCENARIO.lua [options]",
    "Runs the scenario and writes populations.csv, flows.csv, costs.csv (if it has costs),\n"
    "budgets.csv (if it has budgets), summary.csv and manifest.json into the output folder.\n"
    "Every file is complete or absent: a failed run leaves no partial file.\n",
    {{"options:", cli_output_options, 0}, {NULL, cli_series_options, 0}, {NULL, run_options, 0},
     {NULL, cli_scenario_options, 0}},
    "exit codes: 0 ok, 1 the run failed (I/O, interrupted), 2 bad usage or bad input\n",
    cli_scenario_arg,
};

static const cli_option check_options[] = {
    {"--inputs", 0, NULL, 0, CLI_FLAG, offsetof(cli_args, check_inputs), 0, 0, NULL,
     "list every file the scenario reads (SHA-256, bytes, name), as manifest.json will", {0}, NULL},
    {0},
};

static const cli_command check_cmd = {
    "check", "SCENARIO.lua [options]",
    "Loads and validates the scenario without running it, and prints what it declares.\n",
    {{"options:", check_options, 0}, {NULL, cli_scenario_options, 0}},
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

/* --posterior: the file's rows and the param slot of each column. */
typedef struct posterior {
    sweep_spec rows;
    int slot[256];
    uint64_t seed;
} posterior;

static int posterior_open(posterior *po, const char *path, const demob_model *m, demob_error *err)
{
    sweep_spec_init(&po->rows);
    po->seed = demob_model_seed(m);
    int rc = sweep_points_read_csv(&po->rows, path, err);
    if (rc == 0 && po->rows.n_cols > 256)
        rc = demob_error_set(err, DEMOB_EINPUT, "--posterior %s: more than 256 param columns", path);
    for (int c = 0; rc == 0 && c < po->rows.n_cols; c++) {
        po->slot[c] = demob_model_find_param(m, po->rows.pt_names[c]);
        if (po->slot[c] < 0)
            rc = demob_error_set(err, DEMOB_EINPUT, "--posterior %s: column '%s' is not a param of the scenario",
                                 path, po->rows.pt_names[c]);
    }
    /* Every row must be a valid point (rates in [0, 1], ...). */
    for (long r = 0; rc == 0 && r < po->rows.n_rows; r++)
        for (int c = 0; rc == 0 && c < po->rows.n_cols; c++) {
            demob_error e = {0};
            if (demob_model_check_value(m, po->slot[c], po->rows.pt_values[r * po->rows.n_cols + c], &e) != 0)
                rc = demob_error_set(err, DEMOB_EINPUT, "--posterior %s: row %ld: %s", path, r + 2, e.message);
        }
    if (rc)
        sweep_spec_free(&po->rows);
    return rc;
}

static int posterior_job(void *ud, long j, runner_job *out, demob_error *err)
{
    (void)err;
    const posterior *po = ud;
    long row = fit_posterior_row(po->seed, j + 1, po->rows.n_rows);
    for (int c = 0; c < po->rows.n_cols; c++)
        out->values[po->slot[c]] = po->rows.pt_values[row * po->rows.n_cols + c];
    return 0;
}

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
    run_args ra;
    memset(&ra, 0, sizeof ra);
    int code;
    if (!parse(&run_cmd, argc, argv, &ra.a, &code))
        return code;
    demob_error err = {0};
    char out_dir[4096];
    if (ra.a.out_dir)
        snprintf(out_dir, sizeof out_dir, "%s", ra.a.out_dir);
    else
        cli_default_out_dir(ra.a.sopt.path, out_dir, sizeof out_dir);
    ra.a.sopt.output_dir = out_dir;

    scenario *sc = scenario_load(&ra.a.sopt, &err);
    if (!sc)
        return cli_fail("run", &err);
    const demob_model *m = scenario_model(sc);
    posterior po;
    int rc = 0, has_post = ra.posterior != NULL;
    strbuf extra;
    strbuf_init(&extra);
    if (has_post && (rc = posterior_open(&po, ra.posterior, m, &err)) == 0) {
        char hex[65];
        sha256_file_hex(ra.posterior, hex);
        strbuf_puts(&extra, "\"range\": \"posterior\", \"posterior_file\": ");
        manifest_json_string(&extra, ra.posterior);
        strbuf_printf(&extra, ", \"posterior_sha256\": \"%s\", \"posterior_rows\": %ld", hex, po.rows.n_rows);
    }
    if (rc) {
        has_post = 0;
        strbuf_free(&extra);
        scenario_free(sc);
        return cli_fail("run", &err);
    }
    rc = atomic_make_dirs(out_dir, &err);
    run_sink sink;
    memset(&sink, 0, sizeof sink);
    if (rc == 0)
        rc = output_files_open(&sink.files, out_dir, m, &ra.a.plan, NULL, &err);
    if (rc) {
        if (has_post)
            sweep_spec_free(&po.rows);
        strbuf_free(&extra);
        scenario_free(sc);
        return cli_fail("run", &err);
    }
    cli_catch_signals();
    runner_config rcfg;
    memset(&rcfg, 0, sizeof rcfg);
    scenario_runner_hooks(sc, &ra.a.sopt, &rcfg.hooks);
    rcfg.workers = ra.a.workers > 0 ? ra.a.workers : runner_default_workers();
    rcfg.plan = ra.a.plan;
    rcfg.n_jobs = demob_model_runs(m);
    rcfg.consume = consume;
    rcfg.consume_ud = &sink;
    if (has_post) {
        rcfg.job = posterior_job;
        rcfg.job_ud = &po;
    }
    rcfg.interrupted = &cli_interrupted;
    rcfg.progress = !ra.a.quiet && isatty(2);
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
        remove_stale(out_dir, m, &ra.a.plan);
        manifest_info info = {"run", ra.a.sopt.path, m, demob_model_runs(m), argc, argv,
                              has_post ? extra.data : NULL, NULL, 0};
        info.n_inputs = scenario_inputs(sc, &info.inputs);
        rc = manifest_write_report(out_dir, &info, scenario_report(sc), &err);
    }
    int steps = demob_model_steps(m);
    if (has_post)
        sweep_spec_free(&po.rows);
    strbuf_free(&extra);
    scenario_free(sc);
    if (rc)
        return cli_fail("run", &err);
    if (!ra.a.quiet)
        fprintf(stderr, "demob run: %ld run%s of %d steps written to %s/%s\n", done, done == 1 ? "" : "s", steps,
                out_dir, has_post ? " (range: posterior, params drawn from --posterior)" : "");
    return 0;
}

/* check --inputs: the files the scenario reads, a sweep's points file
 * included (reading its sweep {} registers it). */
static int print_inputs(scenario *sc, demob_error *err)
{
    sweep_spec spec;
    int rc = scenario_sweep_spec(sc, &spec, err);
    sweep_spec_free(&spec);
    if (rc)
        return rc;
    const inputs_file *v;
    int n = scenario_inputs(sc, &v);
    printf("inputs (SHA-256, bytes, file relative to the scenario's folder):\n");
    for (int i = 0; i < n; i++)
        printf("  %.64s %zu %s\n", v[i].sha256, v[i].size, v[i].name);
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
    int rc = a.check_inputs ? print_inputs(sc, &err) : 0;
    scenario_free(sc);
    return rc ? cli_fail("check", &err) : 0;
}
