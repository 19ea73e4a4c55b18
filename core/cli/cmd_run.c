/* cmd_run.c - `demob run` (every run of one scenario into an output
 * folder) and `demob check` (load and validate without running). */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "fit/fit.h"
#include "run/answer.h"
#include "run/manifest.h"
#include "run/outcome.h"
#include "run/quant.h"
#include "sweep/sweep_draw.h"
#include "run/runner.h"
#include "sweep/sweep_design.h"
#include "util/inputs.h"
#include "util/path.h"
#include "util/sha256.h"
#include "util/strbuf.h"

/* run's own options, after the common ones. */
typedef struct run_args {
    cli_args a;
    const char *at;           /* --at */
    const char *origin;       /* --origin */
    const char *state;        /* --state */
    const char *uncertainty;  /* --uncertainty */
    const char *posterior;    /* --posterior FILE.csv */
} run_args;

#define RA(field) offsetof(run_args, field)

static const cli_option answer_options[] = {
    {"--at", 0, "LIST", 0, CLI_STRING, RA(at), 0, 0, NULL,
     "steps or dates of the answer table, e.g. 12,24 or 2021-11,2022-11 (default: the scenario's report_at, "
     "else 12 and 24 months)", {0}, NULL},
    {"--origin", 0, "LIST", 0, CLI_STRING, RA(origin), 0, 0, NULL,
     "the table's origins or tags; A+B adds origins up within each run (default: all origins together)", {0},
     NULL},
    {"--state", 0, "LIST", 0, CLI_STRING, RA(state), 0, 0, NULL,
     "the table's states or outcomes (default: the scenario's outcomes)", {0}, NULL},
    {"--uncertainty", 0, "KIND", 0, CLI_STRING, RA(uncertainty), 0, 0, NULL,
     "what a range includes: chance (run-to-run noise at fixed params) or parameters (each run also draws the "
     "params that declare a range or a distribution; default %s)", {0}, "chance"},
    {0},
};

static const cli_option posterior_options[] = {
    {"--posterior", 0, "FILE.csv", 0, CLI_STRING, RA(posterior), 0, 0, NULL,
     "draw each run's params from a row of this file (a fit's posterior.csv, or any points file)", {0}, NULL},
    {0},
};

static const cli_command run_cmd = {
    "run", "SCENARIO.lua [options]",
    "Runs the scenario, writes its output files and manifest.json into the output folder, and prints the\n"
    "answer table: the scenario's outcomes (or the chosen states) at the answer dates, as the median and\n"
    "p5-p95 of the runs. Every file is complete or absent: a failed run leaves no partial file.\n"
    "By default a stochastic run writes every file when they come to at most 5 MB, and otherwise\n"
    "summary.csv, quantiles.csv and outcomes.csv (--save all: every file).\n",
    {{"options:", cli_output_options, RA(a)},
     {NULL, cli_series_options, RA(a)},
     {"the answer (--quiet: no table):", answer_options, 0},
     {"forecasts from a fit:", posterior_options, 0},
     {NULL, cli_scenario_options, RA(a)}},
    "exit codes: 0 ok, 1 the run failed (I/O, interrupted), 2 bad usage or bad input\n",
    cli_scenario_arg,   /* the cli_args is the first member */
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

/* The time series of one run folder come to about this many bytes a
 * row; the default file set keeps them when they add up to at most
 * RUN_FULL_LIMIT (docs/commands.md). */
#define RUN_ROW_BYTES 32.0
#define RUN_FULL_LIMIT 5e6
#define RUN_MAX_AT 64

typedef struct run_sink {
    output_files files;
    output_quant *quant;      /* NULL: nothing kept */
    const demob_model *m;
    int draw;                 /* --uncertainty parameters */
    const sweep_dist **prior; /* [n_values]: the params' priors or NULL */
} run_sink;

/* --posterior: the file's rows and the param slot of each column. */
typedef struct posterior {
    sweep_spec rows;
    int slot[256];
    uint64_t seed;
    char sha256[65];          /* of the bytes read (once: a pipe works) */
} posterior;

static int posterior_open(posterior *po, const char *path, const demob_model *m, demob_error *err)
{
    sweep_spec_init(&po->rows);
    po->seed = demob_model_seed(m);
    size_t size;
    char *data = path_read_all(path, (size_t)1 << 32, &size, err);
    if (!data)
        return err->status;
    sha256_data_hex(data, size, po->sha256);
    int rc = sweep_points_read_mem(&po->rows, path, data, size, err);
    free(data);
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

/* A run's rows, whole, with the run's recorded values for the quantiles,
 * outcomes and the answer table: appended to the temporary files. */
static int consume(void *ud, long j, const runner_job *job, strbuf *const bufs[OUT_NFILES], demob_error *err)
{
    run_sink *s = ud;
    if (s->quant && job->stocks)
        output_quant_add(s->quant, j, job->stocks);
    return output_files_write(&s->files, bufs, err);
}

/* The first rows of a run too big to keep whole (the runner writes them
 * through in run order); its values come with the rest, to consume. */
static int write_part(void *ud, long j, const runner_job *job, strbuf *const bufs[OUT_NFILES], demob_error *err)
{
    (void)j;
    (void)job;
    run_sink *s = ud;
    return output_files_write(&s->files, bufs, err);
}

/* The first --set naming a param the runs draw (drawn[v] != 0), or NULL:
 * its value would be replaced in every run, so the manifest would record a
 * value no run used. */
static const char *set_of_drawn(const cli_args *a, const demob_model *m, const unsigned char *drawn)
{
    for (int i = 0; i < a->sopt.n_sets; i++) {
        char name[256];
        size_t n = strcspn(a->sopt.sets[i], "=");
        snprintf(name, sizeof name, "%.*s", (int)(n < sizeof name ? n : sizeof name - 1), a->sopt.sets[i]);
        demob_value v = demob_model_find_param(m, name);
        if (v >= 0 && drawn[v])
            return a->sopt.sets[i];
    }
    return NULL;
}

/* --uncertainty parameters: run j's own draw of the ranged params. */
static int draw_job(void *ud, long j, runner_job *out, demob_error *err)
{
    (void)err;
    run_sink *s = ud;
    sweep_draw_params(s->m, s->prior, j + 1, out->values);
    return 0;
}

/* Removes output files an earlier run left that this one does not write,
 * so the folder never mixes two runs. */
static void remove_stale(const char *dir, const demob_model *m, const output_plan *plan, int quant, int outcomes)
{
    char path[4400];
    for (int f = 0; f < OUT_NFILES; f++) {
        if (output_applies(m, plan, f))
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, output_file_names[f]);
        unlink(path);
    }
    if (!quant) {
        snprintf(path, sizeof path, "%s/quantiles.csv", dir);
        unlink(path);
    }
    if (!outcomes) {
        snprintf(path, sizeof path, "%s/outcomes.csv", dir);
        unlink(path);
    }
}

/* The estimated bytes of the per-run time series (populations, flows,
 * costs, budgets) of this run. */
static double series_bytes(const demob_model *m, const output_plan *p)
{
    double steps = demob_model_steps(m), rec = 0;
    for (int t = 0; t <= demob_model_steps(m); t++)
        rec += output_recorded(p, t, demob_model_steps(m));
    double n_o = demob_model_n_origins(m), rows = rec * n_o * demob_model_n_states(m);
    rows += steps * demob_model_n_links(m);
    if (demob_model_n_costs(m) > 0)
        rows += steps * (n_o + 1) * demob_model_n_categories(m);
    rows += steps * demob_model_n_budgets(m);
    return rows * (double)demob_model_runs(m) * RUN_ROW_BYTES;
}

/* The default file set (no --save): everything when it is small or the
 * run deterministic; else the summaries. Returns 1 when the series were
 * left out. */
static int default_files(cli_args *a, const demob_model *m, int n_outcomes)
{
    int stochastic = demob_model_mode(m) == DEMOB_STOCHASTIC;
    a->want_quant = stochastic;
    a->want_outcomes = n_outcomes > 0;
    if (!stochastic || series_bytes(m, &a->plan) <= RUN_FULL_LIMIT)
        return 0;
    for (int f = 0; f < OUT_NFILES; f++)
        a->plan.want[f] = f == OUT_SUMMARY;
    return 1;
}

/* What a range includes, as the table's header line and the manifest say. */
static void range_note(const demob_model *m, int draw, int n_draw, const char *names, const char *posterior,
                       strbuf *b)
{
    long runs = demob_model_runs(m);
    if (demob_model_mode(m) != DEMOB_STOCHASTIC || runs < 2) {
        strbuf_printf(b, "One %s run: single values, no range (run-to-run chance needs stochastic mode and runs).",
                      demob_model_mode(m) == DEMOB_STOCHASTIC ? "stochastic" : "deterministic");
        return;
    }
    strbuf_printf(b, "Median (p5-p95) of %ld runs. ", runs);
    if (posterior)
        strbuf_printf(b, "Range includes: chance and the posterior (each run draws its params from a row of %s: "
                         "the parameters' uncertainty left after calibration).", posterior);
    else if (!draw)
        strbuf_puts(b, "Range includes: chance (run-to-run noise at fixed params) only; "
                       "--uncertainty parameters adds the params' declared ranges.");
    else
        strbuf_printf(b, "Range includes: chance and parameters (each run draws %d params from their declared "
                         "distributions: %s).", n_draw, names);
}

/* Formats dir/name from the runs' values with fmt and writes it atomically. */
static int write_extra(const char *dir, const char *name, output_quant *q, void (*fmt)(output_quant *, strbuf *),
                       demob_error *err)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    strbuf b;
    strbuf_init(&b);
    fmt(q, &b);
    int rc = b.failed ? demob_error_set(err, DEMOB_ERUN, "out of memory formatting %s", name)
                      : atomic_write_buffer(path, &b, err);
    strbuf_free(&b);
    return rc;
}

/* Frees what cmd_run holds. */
static void release(char *origin_copy, char *state_copy, const sweep_dist **prior, output_quant *quant,
                    scenario *sc)
{
    free(origin_copy);
    free(state_copy);
    free(prior);
    output_quant_free(quant);
    scenario_free(sc);
}

/* "demob run: warning: ..." on stderr (ud: the command's name). */
int cmd_run(int argc, char **argv)
{
    run_args ra;
    memset(&ra, 0, sizeof ra);
    cli_args_init(&ra.a);
    int code;
    if (!cli_parse_args(&run_cmd, argc, argv, &ra, &code))
        return code;
    cli_args *a = &ra.a;
    demob_error err = {0};
    if (!a->sopt.path) {
        demob_error_set(&err, DEMOB_EINPUT, "no scenario file given");
        return cli_usage_fail("run", &err);
    }
    int draw = 0;
    if (ra.uncertainty && strcmp(ra.uncertainty, "parameters") == 0)
        draw = 1;
    else if (ra.uncertainty && strcmp(ra.uncertainty, "chance") != 0) {
        demob_error_set(&err, DEMOB_EINPUT, "--uncertainty: '%s' is not chance or parameters", ra.uncertainty);
        return cli_usage_fail("run", &err);
    }
    char out_dir[4096];
    if (a->out_dir)
        snprintf(out_dir, sizeof out_dir, "%s", a->out_dir);
    else
        cli_default_out_dir(a->sopt.path, out_dir, sizeof out_dir);
    a->sopt.output_dir = out_dir;
    a->sopt.csv_gather = 1;

    scenario *sc = scenario_load(&a->sopt, &err);
    if (!sc)
        return cli_fail("run", &err);
    if (!a->quiet)
        cli_warn_scenario("run", sc);
    const demob_model *m = scenario_model(sc);
    const output_outcomes *oc = scenario_outcomes(sc);
    a->plan.outcomes = oc->n ? oc : NULL;
    int trimmed = a->save_given ? 0 : default_files(a, m, oc->n);
    int stochastic = demob_model_mode(m) == DEMOB_STOCHASTIC;
    int want_quant = a->want_quant && stochastic, want_outcomes = a->want_outcomes && oc->n;
    int n_values = demob_model_n_values(m);
    const sweep_dist **prior = calloc((size_t)n_values + 1, sizeof *prior);
    if (!prior) {
        scenario_free(sc);
        demob_error_set(&err, DEMOB_ERUN, "out of memory");
        return cli_fail("run", &err);
    }
    for (int v = 0; draw && v < n_values; v++)
        prior[v] = demob_model_value_name(m, v) ? scenario_param_prior(sc, v) : NULL;
    if (ra.posterior && (draw || !stochastic)) {
        free(prior);
        scenario_free(sc);
        demob_error_set(&err, DEMOB_EINPUT, "%s",
                        draw ? "--uncertainty parameters and --posterior: give one (a posterior already includes "
                               "the parameters' uncertainty after calibration)"
                             : "--posterior needs stochastic mode (--mode stochastic): a deterministic run is one "
                               "run, which would take one row of the posterior and call its value a forecast");
        return cli_usage_fail("run", &err);
    }
    if (draw && (!stochastic || sweep_draw_count(m, prior) == 0)) {
        free(prior);
        scenario_free(sc);
        demob_error_set(&err, DEMOB_EINPUT, "--uncertainty parameters: %s",
                        !stochastic ? "needs stochastic mode (--mode stochastic)"
                                    : "no param declares a range (param { \"x\", 5, min = 1, max = 9 })");
        return cli_usage_fail("run", &err);
    }

    /* The answer: its dates and rows, checked before the long work. */
    int at[RUN_MAX_AT], n_at = 0, rc = 0;
    const char *origins[RUN_MAX_AT], *states[RUN_MAX_AT];
    char *origin_copy = NULL, *state_copy = NULL;
    output_answer ans;
    memset(&ans, 0, sizeof ans);
    if (ra.at)
        n_at = output_parse_steps(m, ra.at, "--at", at, RUN_MAX_AT, &err);
    else if ((n_at = scenario_report_at(sc, at, RUN_MAX_AT, &err)) == 0)
        n_at = output_answer_default_steps(m, at);
    if (n_at < 0)
        rc = DEMOB_EINPUT;
    ans.steps = at;
    ans.n_steps = n_at;
    if (rc == 0 && ra.origin && (ans.n_origins = cli_split_list(ra.origin, &origin_copy, origins, RUN_MAX_AT)) < 0)
        rc = demob_error_set(&err, DEMOB_EINPUT, "--origin: '%s' is not a list of at most %d names", ra.origin,
                             RUN_MAX_AT);
    if (rc == 0 && ra.state && (ans.n_states = cli_split_list(ra.state, &state_copy, states, RUN_MAX_AT)) < 0)
        rc = demob_error_set(&err, DEMOB_EINPUT, "--state: '%s' is not a list of at most %d names", ra.state,
                             RUN_MAX_AT);
    ans.origins = origins;
    ans.states = states;
    const char *what_origin = "--origin", *what_state = "--state";
    {
        const char *const *so, *const *ss;
        int nso, nss;
        scenario_report_rows(sc, &so, &nso, &ss, &nss);
        if (!ra.origin && nso) {
            ans.origins = so;
            ans.n_origins = nso;
            what_origin = "scenario: report_origins";
        }
        if (!ra.state && nss) {
            ans.states = ss;
            ans.n_states = nss;
            what_state = "scenario: report_states";
        }
    }
    /* Values kept for quantiles, outcomes.csv and the table. */
    output_quant quant;
    memset(&quant, 0, sizeof quant);
    int keep = want_quant || want_outcomes || !a->quiet;
    if (rc == 0 && keep) {
        if (!want_quant && !want_outcomes) /* the table only: if it fits */
            keep = 8.0 * (double)demob_model_runs(m) * (demob_model_steps(m) + 1.0) *
                       (demob_model_n_origins(m) * demob_model_n_states(m) + oc->n) <= 256e6;
        if (keep)
            rc = output_quant_init(&quant, m, &a->plan, demob_model_runs(m), &err);
        if (rc == 0 && keep) {
            /* validates --origin and --state (no runs yet: no values) */
            output_quant empty = quant;
            empty.runs = 0;
            strbuf tmp;
            strbuf_init(&tmp);
            rc = output_answer_format(&empty, &ans, what_origin, what_state, &tmp, &err);
            strbuf_free(&tmp);
        }
    }
    if (rc) {
        release(origin_copy, state_copy, prior, &quant, sc);
        return cli_usage_fail("run", &err);
    }
    posterior po;
    int has_post = ra.posterior != NULL;
    strbuf post_json;
    strbuf_init(&post_json);
    int po_open = 0;
    if (has_post && (rc = posterior_open(&po, ra.posterior, m, &err)) == 0) {
        po_open = 1;
        const char *hex = po.sha256;
        strbuf_puts(&post_json, ",\n  \"posterior_file\": ");
        manifest_json_string(&post_json, ra.posterior);
        strbuf_printf(&post_json, ", \"posterior_sha256\": \"%s\", \"posterior_rows\": %ld", hex, po.rows.n_rows);
    }
    if (rc == 0 && (draw || has_post)) {
        unsigned char *drawn = calloc((size_t)n_values + 1, 1);
        if (!drawn)
            rc = demob_error_set(&err, DEMOB_ERUN, "out of memory");
        for (int v = 0; rc == 0 && v < n_values; v++)
            drawn[v] = draw && prior[v] && demob_model_value_name(m, v);
        for (int c = 0; rc == 0 && has_post && c < po.rows.n_cols; c++)
            drawn[po.slot[c]] = 1;
        const char *bad = rc ? NULL : set_of_drawn(a, m, drawn);
        if (bad)
            rc = demob_error_set(&err, DEMOB_EINPUT, "--set %s: every run draws this param (%s); drop the --set, or "
                                 "the draw", bad, has_post ? "--posterior" : "--uncertainty parameters");
        free(drawn);
    }
    if (rc) {
        if (po_open)
            sweep_spec_free(&po.rows);
        strbuf_free(&post_json);
        release(origin_copy, state_copy, prior, &quant, sc);
        return cli_fail("run", &err);
    }

    /* One command at a time in a folder: two runs would mix their files. */
    int dir_lock = -1;
    rc = atomic_make_dirs(out_dir, &err);
    if (rc == 0)
        rc = atomic_lock_dir(out_dir, &dir_lock, &err);
    run_sink sink;
    memset(&sink, 0, sizeof sink);
    sink.quant = keep ? &quant : NULL;
    sink.m = m;
    sink.draw = draw;
    sink.prior = prior;
    if (rc == 0)
        rc = scenario_csv_clear_left(out_dir, &err);   /* pieces a killed run left */
    if (rc == 0)
        rc = output_files_open(&sink.files, out_dir, m, &a->plan, NULL, &err);
    if (rc) {
        if (dir_lock >= 0)
            close(dir_lock);
        if (has_post)
            sweep_spec_free(&po.rows);
        strbuf_free(&post_json);
        release(origin_copy, state_copy, prior, &quant, sc);
        return cli_fail("run", &err);
    }
    cli_catch_signals();
    runner_config rcfg;
    memset(&rcfg, 0, sizeof rcfg);
    scenario_runner_hooks(sc, &a->sopt, &rcfg.hooks);
    rcfg.workers = a->workers > 0 ? a->workers : runner_default_workers();
    rcfg.plan = a->plan;
    rcfg.record_stocks = keep;
    rcfg.record_every = 1; /* the table's dates are any step; the files keep --every */
    rcfg.n_jobs = demob_model_runs(m);
    rcfg.consume = consume;
    rcfg.write_part = write_part;
    rcfg.consume_ud = &sink;
    if (draw) {
        rcfg.job = draw_job;
        rcfg.job_ud = &sink;
    } else if (has_post) {
        rcfg.job = posterior_job;
        rcfg.job_ud = &po;
    }
    rcfg.interrupted = &cli_interrupted;
    rcfg.progress = !a->quiet && isatty(2);
    long done = 0;
    rc = runner_run(&rcfg, &done, &err);
    strbuf note, drawn;
    strbuf_init(&note);
    strbuf_init(&drawn);
    sweep_draw_names(m, prior, &drawn);
    range_note(m, draw, sweep_draw_count(m, prior), drawn.data ? drawn.data : "", ra.posterior, &note);
    /* The files the scripts wrote in runs, joined in run order: checked
     * before any file is committed. */
    scenario_csv_files *script_files = NULL;
    if (rc == 0)
        rc = scenario_csv_prepare(out_dir, NULL, 0, &script_files, &err);
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
    if (rc == 0)
        rc = scenario_csv_commit(script_files, &err);
    else
        scenario_csv_abort(script_files);
    if (rc) {
        demob_error ignore = {0};
        scenario_csv_clear(out_dir, &ignore);
    }
    if (rc == 0 && want_quant)
        rc = write_extra(out_dir, "quantiles.csv", &quant, output_quant_format, &err);
    if (rc == 0 && want_outcomes)
        rc = write_extra(out_dir, "outcomes.csv", &quant, output_quant_outcomes, &err);
    if (rc == 0) {
        remove_stale(out_dir, m, &a->plan, want_quant, want_outcomes);
        strbuf extra;
        strbuf_init(&extra);
        strbuf_printf(&extra, "\"uncertainty\": \"%s\",\n  \"range\": ",
                      draw ? "parameters" : has_post ? "posterior" : "chance");
        manifest_json_string(&extra, note.data ? note.data : "");
        if (draw) {
            strbuf_puts(&extra, ",\n  \"drawn_params\": ");
            manifest_json_string(&extra, drawn.data ? drawn.data : "");
        }
        if (has_post)
            strbuf_puts(&extra, post_json.data);
        strbuf_puts(&extra, ",\n  \"answer_at\": [");
        for (int i = 0; i < n_at; i++)
            strbuf_printf(&extra, "%s%d", i ? ", " : "", at[i]);
        strbuf_putc(&extra, ']');
        cli_origins_json(m, sc, &extra);
        if (oc->n) {
            strbuf_puts(&extra, ",\n  ");
            output_outcomes_json(oc, &extra);
        }
        manifest_info info = {"run", a->sopt.path, m, demob_model_runs(m), argc, argv,
                              extra.failed ? NULL : extra.data, NULL, 0, scenario_currency(sc)};
        info.n_inputs = scenario_inputs(sc, &info.inputs);
        rc = manifest_write_report(out_dir, &info, scenario_report(sc), &err);
        strbuf_free(&extra);
    }
    if (rc == 0 && !a->quiet && keep) {
        strbuf table;
        strbuf_init(&table);
        ans.range = note.data;
        printf("%s: %s\n", demob_model_name(m), a->sopt.path);
        if (output_answer_format(&quant, &ans, what_origin, what_state, &table, &err) == 0 && table.data)
            fputs(table.data, stdout);
        fflush(stdout);
        strbuf_free(&table);
    }
    strbuf_free(&note);
    strbuf_free(&drawn);
    int steps = demob_model_steps(m);
    double full = series_bytes(m, &a->plan);
    release(origin_copy, state_copy, prior, &quant, sc);
    if (has_post)
        sweep_spec_free(&po.rows);
    strbuf_free(&post_json);
    close(dir_lock);
    if (rc)
        return cli_fail("run", &err);
    if (!a->quiet) {
        fprintf(stderr, "demob run: %ld run%s of %d steps written to %s/\n", done, done == 1 ? "" : "s", steps,
                out_dir);
        if (trimmed)
            fprintf(stderr, "demob run: the per-run tables (populations, flows, costs: about %.0f MB) were not "
                            "written; --save all writes them\n", full / 1e6);
    }
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
    cli_warn_scenario("check", sc);
    int at[RUN_MAX_AT];
    if (scenario_report_at(sc, at, RUN_MAX_AT, &err) < 0) {   /* the answer dates are checked too */
        scenario_free(sc);
        return cli_fail("check", &err);
    }
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
