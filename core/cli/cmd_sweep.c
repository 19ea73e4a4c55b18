/* cmd_sweep.c - `demob sweep`: every (point, replicate) of a parameter
 * design, on N workers, resumable, shardable across machines.
 *
 * Flow: parse options; load the scenario; take the design from the command
 * line or the script's sweep{} (sweep_design.h); check every point against
 * the model; open the folder's journal (sweep_journal.h: fresh, or resumed);
 * run the remaining jobs through the runner, a point's replicates one after
 * the other, points in stride order (sweep_order.h); each finished run's
 * rows go to the partial files and a journal record; when all are done,
 * the partials are copied into the final files sorted by point, quantiles
 * and sensitivity written, the manifest last. Run (point p, replicate r)
 * uses the random stream p * R + r + 1 of the scenario seed, so the files
 * are byte-identical for any -j, shard split, order or interruption. */
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "util/csv_write.h"
#include "run/manifest.h"
#include "run/outcome.h"
#include "run/runner.h"
#include "util/inputs.h"
#include "util/sha256.h"
#include "sweep/sweep_design.h"
#include "sweep/sweep_journal.h"
#include "sweep/sweep_order.h"
#include "sweep/sweep_quant.h"
#include "sweep/sweep_resume.h"
#include "sweep/sweep_sens.h"
#include "sweep/sweep_shared.h"
#include "util/timer.h"

typedef struct sweep_args {
    cli_args a;
    sweep_spec cli;
    long samples, replicates;
    long shard, shards;
    int shard_given, resume;
    long stop_after;
    int save_given;
    int want[OUT_NFILES];
    int want_quant;
    const char *points;     /* --points FILE.csv */
} sweep_args;

/* The job state shared by the runner's callbacks (called on this thread or
 * under the runner's lock). */
typedef struct sweep_ctx {
    const demob_model *m;
    const sweep_design *design;
    const int *slot;
    long R, j0;
    sweep_order order;
    sweep_journal jr;
    int jf[SW_NFILES];          /* journal index of each file, -1: not written */
    int quant;
    sweep_quant q;
    /* While a point's quantiles are formatted (off this thread), the
     * journal records of the runs since: committed with them. */
    uint64_t (*held)[SJ_MAX_FILES];
    long n_held;
    int quant_rows;             /* the started point's rows are not appended yet */
    strbuf row;
    /* What the manifest tells about the sweep. */
    char id[65], design_hex[65];
    const char *design_from;    /* "sweep{}" or "command line" */
    uint64_t design_seed;
    long local_points, local_jobs;
    output_plan plan;           /* files saved */
    output_plan run_plan;       /* what the runner formats (the quantiles
                                 * take the stocks, not text) */
    const manifest_report *report;  /* the scenario's report {} or NULL */
    scenario *sc;                   /* the files it read go into the manifest */
    const char *currency;           /* the scenario's currency or NULL */
} sweep_ctx;

static int fail(const demob_error *err)
{
    return cli_fail("sweep", err);
}

static int parse_shard(const char *s, long *k, long *n, demob_error *err)
{
    char *end;
    errno = 0;
    long kk = strtol(s, &end, 10);
    if (end == s || *end != '/' || errno)
        return demob_error_set(err, DEMOB_EINPUT, "--shard: '%s' is not K/N (e.g. 0/4)", s);
    const char *q = end + 1;
    long nn = strtol(q, &end, 10);
    if (end == q || *end || errno)
        return demob_error_set(err, DEMOB_EINPUT, "--shard: '%s' is not K/N (e.g. 0/4)", s);
    if (nn < 1)
        return demob_error_set(err, DEMOB_EINPUT, "--shard %s: N must be at least 1", s);
    if (nn > SWEEP_MAX_RUNS)
        return demob_error_set(err, DEMOB_EINPUT, "--shard %s: N must be at most %ld", s, SWEEP_MAX_RUNS);
    if (kk < 0 || kk >= nn)
        return demob_error_set(err, DEMOB_EINPUT, "--shard %s: K must be in 0..%ld (0-based, K < N)", s, nn - 1);
    *k = kk;
    *n = nn;
    return 0;
}

/* Reads the Slurm array variable `name` (absent: *v untouched, returns 0). */
static int slurm_long(const char *name, long lo, long *v, int *set, demob_error *err)
{
    const char *s = getenv(name);
    *set = s != NULL;
    return s ? cli_parse_long(name, s, lo, 1L << 40, v, err) : 0;
}

/* Decides the shard from --shard and the Slurm job array's variables.
 * Task ids are shard numbers. With an explicit --shard K/N, a task id must
 * be K. Without one, the array must be exactly 0..COUNT-1 (MIN = 0, MAX =
 * COUNT-1, at least 2 tasks): a resubmission of some tasks (--array=5,
 * --array=3,5) counts only the tasks resubmitted, which is not the sweep's
 * split, so it is refused rather than run as the wrong shard. */
static int sweep_shard_from_env(sweep_args *s, demob_error *err)
{
    long id = 0, count = 0, mn = 0, mx = 0;
    int has_id, has_count, has_min, has_max;
    if (slurm_long("SLURM_ARRAY_TASK_ID", 0, &id, &has_id, err) ||
        slurm_long("SLURM_ARRAY_TASK_COUNT", 1, &count, &has_count, err) ||
        slurm_long("SLURM_ARRAY_TASK_MIN", 0, &mn, &has_min, err) ||
        slurm_long("SLURM_ARRAY_TASK_MAX", 0, &mx, &has_max, err))
        return DEMOB_EINPUT;
    if (!has_id)
        return 0;
    if (s->shard_given) {
        if (id != s->shard)
            return demob_error_set(err, DEMOB_EINPUT,
                                   "--shard %ld/%ld conflicts with SLURM_ARRAY_TASK_ID=%ld (array task ids are shard "
                                   "numbers: give --shard %ld/%ld, or leave the task id out)",
                                   s->shard, s->shards, id, id, s->shards);
        return 0;
    }
    if (!has_count)
        return demob_error_set(err, DEMOB_EINPUT,
                               "SLURM_ARRAY_TASK_ID=%ld is set without SLURM_ARRAY_TASK_COUNT: give --shard %ld/N", id,
                               id);
    if (has_min && mn != 0)
        return demob_error_set(err, DEMOB_EINPUT,
                               "SLURM_ARRAY_TASK_MIN=%ld: the array must start at 0 (shards are numbered 0..N-1); for "
                               "a resubmitted task give --shard %ld/N with the sweep's shard count N",
                               mn, id);
    if ((has_max && mx != count - 1) || count == 1)
        return demob_error_set(err, DEMOB_EINPUT,
                               "SLURM_ARRAY_TASK_COUNT=%ld, SLURM_ARRAY_TASK_MAX=%s: not a whole array 0..N-1 of 2 or "
                               "more tasks, so the task count is not the sweep's shard count (a resubmitted task?): "
                               "give --shard %ld/N explicitly",
                               count, has_max ? getenv("SLURM_ARRAY_TASK_MAX") : "unset", id);
    char buf[64];
    snprintf(buf, sizeof buf, "%ld/%ld", id, count);
    demob_error e = {0};
    if (parse_shard(buf, &s->shard, &s->shards, &e))
        return demob_error_set(err, DEMOB_EINPUT, "from SLURM_ARRAY_TASK_ID=%ld, SLURM_ARRAY_TASK_COUNT=%ld: %s", id,
                               count, e.message);
    s->shard_given = 1;
    return 0;
}

static int set_save(void *ctx, const cli_option *o, const char *v, demob_error *err)
{
    (void)o;
    sweep_args *s = ctx;
    s->save_given = 1;
    return cli_parse_save(v, s->want, &s->want_quant, err);
}

static int set_grid(void *ctx, const cli_option *o, const char *v, demob_error *err)
{
    (void)o;
    return sweep_parse_grid(&((sweep_args *)ctx)->cli, v, err);
}

static int set_sampled(void *ctx, const cli_option *o, const char *v, demob_error *err)
{
    return sweep_parse_sampled(&((sweep_args *)ctx)->cli, o->name, strcmp(o->name, "--lhs") == 0 ? FACTOR_LHS
                               : FACTOR_RANDOM, v, err);
}

static int set_shard(void *ctx, const cli_option *o, const char *v, demob_error *err)
{
    (void)o;
    sweep_args *s = ctx;
    s->shard_given = 1;
    return parse_shard(v, &s->shard, &s->shards, err);
}

#define SW(field) offsetof(sweep_args, field)

static const cli_option design_options[] = {
    {"--grid", 0, "NAME=V1,V2,...", 1, CLI_CUSTOM, 0, 0, 0, set_grid, "full factorial over these values", {0},
     NULL},
    {"--lhs", 0, "NAME=SPEC", 1, CLI_CUSTOM, 0, 0, 0, set_sampled,
     "Latin hypercube sampling; SPEC is lo:hi, uniform:lo:hi, normal:mean:sd[:lo:hi], "
     "lognormal:mu:sigma[:lo:hi], triangular:lo:mode:hi, beta:alpha:beta[:lo:hi] or discrete:v1:v2:... "
     "(v@weight); NAME alone uses the param's declared distribution (uniform on its min, max without one)", {0},
     NULL},
    {"--random", 0, "NAME=SPEC", 1, CLI_CUSTOM, 0, 0, 0, set_sampled, "plain random sampling, SPEC as for --lhs",
     {0}, NULL},
    {"--samples", 0, "N", 0, CLI_LONG, SW(samples), 1, 1000000000L, NULL,
     "number of sampled points (for --lhs / --random)", {0}, NULL},
    {"--points", 0, "FILE.csv", 0, CLI_STRING, SW(points), 0, 0, NULL,
     "explicit points: a header of param names, one row per point", {0}, NULL},
    {.help = "Blocks combine as a product: points x grid x samples."},
    {"--replicates", 0, "R", 0, CLI_LONG, SW(replicates), 1, 1000000000L, NULL,
     "runs per point (default: the scenario's runs; 1 if deterministic)", {0}, NULL},
    {"--shard", 0, "K/N", 0, CLI_CUSTOM, 0, 0, 0, set_shard,
     "run slice K (0-based) of N; join the folders with demob merge. Default in a Slurm array 0..N-1 "
     "(N >= 2): SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT; any other array needs --shard", {0}, NULL},
    {"--resume", 0, NULL, 0, CLI_FLAG, SW(resume), 0, 0, NULL,
     "continue an interrupted sweep in DIR (refused if the scenario, settings or design changed)", {0}, NULL},
    {"--save", 0, "LIST", 0, CLI_CUSTOM, 0, 0, 0, set_save,
     "files to write, among populations, flows, costs, budgets, summary, constraints, quantiles (default: summary, and "
     "quantiles in stochastic mode); points.csv always, sensitivity.csv with summary", {0}, NULL},
    {"--every", 0, "K", 0, CLI_INT, SW(a.plan.every), 1, 1000000L, NULL,
     "time series and quantiles every K steps (default %g; t = 0 and the last always)", {CLI_DEFAULT_EVERY, 0},
     NULL},
    {"--stop-after", 0, "N", 0, CLI_LONG, SW(stop_after), 1, 1L << 40, NULL,
     "stop after N runs as if interrupted (for testing --resume)", {0}, NULL},
    {0},
};

static const cli_command sweep_cmd = {
    "sweep", "SCENARIO.lua -o DIR [options]   (default DIR: out/<scenario file name without .lua>-sweep)",
    "Runs every point of a parameter design, with R replicates per point (stochastic mode),\n"
    "and writes into DIR: points.csv, summary.csv, quantiles.csv (stochastic), sensitivity.csv,\n"
    "manifest.json, and with --save the time series (populations.csv, flows.csv, ...) with a\n"
    "`point` column. Files are sorted by point and byte-identical for any -j and shard split.\n"
    "The design comes from the scenario's sweep { ... } or from the command line (which wins):\n",
    {{NULL, design_options, 0},
     {"common options:", cli_output_options, SW(a)},
     {NULL, cli_scenario_options, SW(a)}},
    "exit codes: 0 ok, 1 a run failed or interrupted (resume with --resume), 2 bad usage or input\n",
    cli_scenario_arg,   /* the cli_args is the first member */
};

/* Returns 1 to go on, else 0 with the exit code. */
static int parse_args(int argc, char **argv, sweep_args *s, int *code)
{
    memset(s, 0, sizeof *s);
    cli_args_init(&s->a);
    sweep_spec_init(&s->cli);
    s->shards = 1;
    if (!cli_parse_args(&sweep_cmd, argc, argv, s, code))
        return 0;
    demob_error err = {0};
    if (!s->a.sopt.path) {
        demob_error_set(&err, DEMOB_EINPUT, "no scenario file given");
        *code = cli_usage_fail("sweep", &err);
        return 0;
    }
    if ((s->points && sweep_points_read_csv(&s->cli, s->points, &err)) || sweep_shard_from_env(s, &err)) {
        *code = fail(&err);
        return 0;
    }
    return 1;
}

/* "a, b, c" of the model's named params. */
static void param_list(const demob_model *m, strbuf *b)
{
    int first = 1;
    for (int v = 0; v < demob_model_n_values(m); v++) {
        const char *name = demob_model_value_name(m, v);
        if (!name)
            continue;
        strbuf_puts(b, first ? "" : ", ");
        strbuf_puts(b, name);
        first = 0;
    }
    if (first)
        strbuf_puts(b, "none declared");
}

static int unknown_param(const demob_model *m, const char *where, const char *name, demob_error *err)
{
    strbuf b;
    strbuf_init(&b);
    param_list(m, &b);
    demob_error_set(err, DEMOB_EINPUT, "%s: unknown parameter '%s' (params: %s)", where, name,
                    b.data ? b.data : "");
    strbuf_free(&b);
    return DEMOB_EINPUT;
}

/* The spec to use: the command line's design if it gives one, else the
 * script's; samples and replicates from the command line first. Resolves
 * declared ranges and checks every name against the model. */
static int final_spec(sweep_args *s, scenario *sc, sweep_spec *out, const char **where, demob_error *err)
{
    const demob_model *m = scenario_model(sc);
    int rc = scenario_sweep_spec(sc, out, err);
    if (rc)
        return rc;
    if (sweep_spec_has_design(&s->cli)) {
        sweep_spec_clear_design(out);
        free(out->factors);
        out->factors = s->cli.factors;
        out->n_factors = s->cli.n_factors;
        out->cap_factors = s->cli.cap_factors;
        out->pt_names = s->cli.pt_names;
        out->n_cols = s->cli.n_cols;
        out->pt_values = s->cli.pt_values;
        out->n_rows = s->cli.n_rows;
        sweep_spec_init(&s->cli);
        *where = "command line";
    } else {
        *where = "sweep{}";
    }
    if (s->samples)
        out->samples = s->samples;
    if (s->replicates)
        out->replicates = s->replicates;
    char what[4200];
    snprintf(what, sizeof what, "%s: design (%s)", scenario_path(sc), *where);
    for (int c = 0; c < out->n_cols; c++)
        if (demob_model_find_param(m, out->pt_names[c]) < 0)
            return unknown_param(m, what, out->pt_names[c], err);
    for (int i = 0; i < out->n_factors; i++) {
        sweep_factor *f = &out->factors[i];
        demob_value v = demob_model_find_param(m, f->name);
        if (v < 0)
            return unknown_param(m, what, f->name, err);
        double lo, hi;
        sweep_shared_param_range(m, v, &lo, &hi);
        const sweep_dist *prior = scenario_param_prior(sc, v);
        if (f->use_param_range && prior && (rc = sweep_spec_resolve_dist(out, i, prior, err)))
            return rc;
        if (f->use_param_range && (rc = sweep_spec_resolve_range(out, i, lo, hi, err)))
            return rc;
    }
    if (out->samples > 0) {
        int sampled = 0;
        for (int i = 0; i < out->n_factors; i++)
            sampled |= out->factors[i].kind != FACTOR_GRID;
        if (!sampled && sweep_spec_has_design(out) && s->samples)
            return demob_error_set(err, DEMOB_EINPUT, "--samples needs sampled params (--lhs or --random)");
    }
    return 0;
}

/* Checks each point against the model (rates in [0, 1], whole numbers in
 * stochastic mode, ...) before anything runs. */
static int check_points(const demob_model *m, const sweep_design *d, const int *slot, demob_error *err)
{
    demob_sim *sim = demob_sim_new(m, err);
    if (!sim)
        return err && err->status ? err->status : DEMOB_ERUN;
    int nv = demob_model_n_values(m);
    double *vals = malloc((size_t)(nv + 1) * sizeof *vals);
    int rc = vals ? 0 : demob_error_set(err, DEMOB_ERUN, "out of memory");
    for (int v = 0; rc == 0 && v < nv; v++)
        vals[v] = demob_model_value_default(m, v);
    for (long p = 0; rc == 0 && p < d->n_points; p++) {
        for (int k = 0; k < d->n_params; k++)
            vals[slot[k]] = sweep_design_at(d, p, k);
        demob_error e = {0};
        if (demob_sim_reset(sim, 1, vals, &e) != 0) {
            strbuf b;
            strbuf_init(&b);
            for (int k = 0; k < d->n_params; k++)
                strbuf_printf(&b, "%s%s=%.12g", k ? ", " : "", d->names[k], sweep_design_at(d, p, k));
            rc = demob_error_set(err, DEMOB_EINPUT, "point %ld (%s): %s", p, b.data ? b.data : "", e.message);
            strbuf_free(&b);
        }
    }
    free(vals);
    demob_sim_free(sim);
    return rc;
}

static void hex_of(const unsigned char d[32], char hex[65])
{
    sha256_hex(d, hex);
}

/* points.csv row of point p (all columns). */
static void point_row(const sweep_design *d, long p, strbuf *b)
{
    csvw_i64(b, 1, p);
    for (int k = 0; k < d->n_params; k++)
        csvw_f64(b, 0, sweep_design_at(d, p, k));
    csvw_end(b);
}

static void points_header(const sweep_design *d, strbuf *b)
{
    csvw_str(b, 1, "point");
    for (int k = 0; k < d->n_params; k++)
        csvw_str(b, 0, d->names[k]);
    csvw_end(b);
}

/* The design hash: points.csv of every point, and the replicates. */
static void design_hash(const sweep_design *d, long R, char hex[65])
{
    sha256_ctx c;
    sha256_init(&c);
    char head[64];
    int n = snprintf(head, sizeof head, "demob sweep design 1\nreplicates=%ld\n", R);
    sha256_update(&c, head, (size_t)n);
    strbuf b;
    strbuf_init(&b);
    points_header(d, &b);
    for (long p = 0; p < d->n_points; p++) {
        point_row(d, p, &b);
        if (b.len > 60000 || p == d->n_points - 1) {
            sha256_update(&c, b.data, b.len);
            strbuf_clear(&b);
        }
    }
    if (b.len)
        sha256_update(&c, b.data, b.len);
    strbuf_free(&b);
    unsigned char dg[32];
    sha256_final(&c, dg);
    hex_of(dg, hex);
}

/* The sweep id: everything that shapes the files' bytes, except the shard
 * index (shards of one sweep share it; the journal checks the index). */
static void sweep_id(const demob_model *m, const char *scen_hex, const char *design_hex, const output_plan *plan,
                     int quant, long shards, char hex[65])
{
    strbuf b;
    strbuf_init(&b);
    strbuf_printf(&b, "demob sweep 1\nscenario=%s\ndesign=%s\nseed=%llu\nsteps=%d\nmode=%d\nevery=%d\nfiles=",
                  scen_hex, design_hex, (unsigned long long)demob_model_seed(m), demob_model_steps(m),
                  (int)demob_model_mode(m), plan->every);
    for (int f = 0; f < OUT_NFILES; f++)
        if (output_applies(m, plan, f))
            strbuf_printf(&b, "%s ", output_file_names[f]);
    strbuf_printf(&b, "%s\nshards=%ld\n", quant ? "quantiles.csv" : "", shards);
    for (int v = 0; v < demob_model_n_values(m); v++)
        if (demob_model_value_name(m, v))
            strbuf_printf(&b, "param %s=%.17g\n", demob_model_value_name(m, v), demob_model_value_default(m, v));
    sha256_ctx c;
    sha256_init(&c);
    sha256_update(&c, b.data ? b.data : "", b.len);
    unsigned char dg[32];
    sha256_final(&c, dg);
    hex_of(dg, hex);
    strbuf_free(&b);
}

/* ------------------------------------------------------- the callbacks */

static int job_fn(void *ud, long j, runner_job *out, demob_error *err)
{
    (void)err;
    sweep_ctx *c = ud;
    long jl = c->j0 + j, i = jl / c->R, r = jl % c->R;
    long p = sweep_order_shard_point(&c->order, i);
    out->run = p * c->R + r + 1;
    for (int k = 0; k < c->design->n_params; k++)
        out->values[c->slot[k]] = sweep_design_at(c->design, p, k);
    snprintf(out->prefix, sizeof out->prefix, "%ld,", p);
    return 0;
}

/* Appends a run's rows (all of them, or the first part of a big run's:
 * the runner's write_part) to the partial files; the journal record that
 * counts them comes with the run's last rows (consume_fn). */
static int write_rows(void *ud, long j, const runner_job *job, strbuf *const bufs[OUT_NFILES], demob_error *err)
{
    (void)j;
    (void)job;
    sweep_ctx *c = ud;
    int rc = 0;
    for (int f = 0; f < OUT_NFILES && rc == 0; f++)
        if (c->jf[f] >= 0 && bufs[f])
            rc = sweep_journal_append(&c->jr, c->jf[f], bufs[f]->data, bufs[f]->len, err);
    return rc;
}

/* Waits for the quantiles of the point being formatted, appends them and
 * commits the journal records held for them. */
static int settle_quantiles(sweep_ctx *c, demob_error *err)
{
    if (!c->quant)
        return 0;
    const strbuf *rows = sweep_quant_finish(&c->q);
    int f = c->jf[SW_QUANTILES], rc = 0;
    if (c->quant_rows) {
        if (rows->failed)
            return demob_error_set(err, DEMOB_ERUN, "out of memory");
        rc = sweep_journal_append(&c->jr, f, rows->data, rows->len, err);
        c->quant_rows = 0;
    }
    for (long k = 0; k < c->n_held && rc == 0; k++) {
        c->held[k][f] = c->jr.off[f];
        rc = sweep_journal_commit_at(&c->jr, c->held[k], err);
    }
    c->n_held = 0;
    return rc;
}

static int consume_fn(void *ud, long j, const runner_job *job, strbuf *const bufs[OUT_NFILES], demob_error *err)
{
    sweep_ctx *c = ud;
    long jl = c->j0 + j, i = jl / c->R, r = jl % c->R;
    long p = sweep_order_shard_point(&c->order, i);
    int rc = 0;
    if (c->quant) {
        if (job->n_stocks != c->q.n_rows)
            return demob_error_set(err, DEMOB_ERUN, "internal error: run %ld recorded %zu stocks, the quantiles "
                                   "expect %zu", job->run, job->n_stocks, c->q.n_rows);
        sweep_quant_add_stocks(&c->q, r, job->stocks);
    }
    if (rc == 0)
        rc = write_rows(ud, j, job, bufs, err);
    if (rc == 0 && r == c->R - 1) {
        strbuf_clear(&c->row);
        point_row(c->design, p, &c->row);
        rc = sweep_journal_append(&c->jr, c->jf[SW_POINTS], c->row.data, c->row.len, err);
        /* The previous point's quantiles are in; this one's start. */
        if (rc == 0 && c->quant && (rc = settle_quantiles(c, err)) == 0) {
            sweep_quant_start(&c->q, p, c->R);
            c->quant_rows = 1;
        }
    }
    if (rc == 0 && c->quant) {
        /* Committed once the quantiles before it are written: now, unless
         * they are still being formatted. */
        memcpy(c->held[c->n_held++], c->jr.off, sizeof c->held[0]);
        if (!sweep_quant_running(&c->q))
            rc = settle_quantiles(c, err);
    } else if (rc == 0) {
        rc = sweep_journal_commit(&c->jr, err);
    }
    return rc;
}

/* --------------------------------------------------------- the files */

/* Copies the partials into the final files, sorted by point. */
static int assemble(sweep_ctx *c, const char *dir, output_labels *labels, demob_error *err)
{
    atomic_file *dst[SW_NFILES] = {0};
    int rc = 0;
    strbuf head;
    strbuf_init(&head);
    static const char *const point_col[] = {"point", NULL};
    for (int f = 0; f < SW_NFILES && rc == 0; f++) {
        if (c->jf[f] < 0)
            continue;
        char path[4400];
        snprintf(path, sizeof path, "%s/%s", dir, sweep_shared_file_names[f]);
        if (!(dst[f] = atomic_open(path, err))) {
            rc = DEMOB_ERUN;
            break;
        }
        strbuf_clear(&head);
        if (f == SW_POINTS)
            points_header(c->design, &head);
        else if (f == SW_QUANTILES)
            csvw_header(&head, sweep_shared_quantiles_header);
        else
            output_header(labels, (enum output_file)f, point_col, &head);
        rc = head.failed ? demob_error_set(err, DEMOB_ERUN, "out of memory")
                         : atomic_write(dst[f], head.data, head.len, err);
    }
    strbuf_free(&head);
    long P = c->design->n_points;
    uint64_t a[SJ_MAX_FILES], b[SJ_MAX_FILES];
    for (long p = 0; p < P && rc == 0; p++) {
        long i;
        if (sweep_order_shard_of(&c->order, p, &i) != c->order.shard)
            continue;
        if ((rc = sweep_journal_record(&c->jr, i * c->R - 1, a, err)) || (rc = sweep_journal_record(&c->jr, i * c->R + c->R - 1, b, err)))
            break;
        for (int f = 0; f < SW_NFILES && rc == 0; f++)
            if (c->jf[f] >= 0)
                rc = sweep_journal_copy(&c->jr, c->jf[f], a[c->jf[f]], b[c->jf[f]], dst[f], err);
    }
    for (int f = 0; f < SW_NFILES; f++) {
        if (!dst[f])
            continue;
        if (rc == 0)
            rc = atomic_commit(dst[f], err);
        else
            atomic_abort(dst[f]);
    }
    return rc;
}

/* Removes files an earlier sweep left in the folder that this one does not
 * write, so the folder never mixes two sweeps. */
static void remove_stale(const char *dir, const int *jf, int sens)
{
    char path[4400];
    for (int f = 0; f < SW_NFILES; f++)
        if (jf[f] < 0) {
            snprintf(path, sizeof path, "%s/%s", dir, sweep_shared_file_names[f]);
            unlink(path);
        }
    if (!sens) {
        snprintf(path, sizeof path, "%s/sensitivity.csv", dir);
        unlink(path);
    }
}

/* With --resume and no journal: a finished sweep of the same id is done
 * already; one of another sweep is refused. */
static int check_finished(const char *dir, const char *id, long shard, long shards, const inputs_file *inputs,
                          int n_inputs, int *done, demob_error *err)
{
    *done = 0;
    char path[4400];
    snprintf(path, sizeof path, "%s/manifest.json", dir);
    struct stat st;
    if (stat(path, &st) != 0)
        return 0;
    sweep_shared_manifest mf;
    demob_error e = {0};
    int rc = 0;
    if (sweep_shared_manifest_load(dir, &mf, &e) != 0) {
        /* A manifest of demob run or of nothing we know: refuse to mix. */
        return demob_error_set(err, DEMOB_EINPUT, "--resume: '%s' holds output that is not from this sweep (%s)",
                               dir, e.message);
    }
    inputs_file *before = NULL;
    int present = 0, nb = inputs_from_manifest(&mf.j, &before, &present);
    char what[4500];
    snprintf(what, sizeof what, "--resume: the sweep in '%s' read other inputs", dir);
    if (present && nb >= 0 && (rc = cli_inputs_refuse(what, before, nb, inputs, n_inputs, CLI_INPUTS_HINT, err))) {
        /* named */
    } else if (strcmp(mf.id, id) != 0) {
        rc = demob_error_set(err, DEMOB_EINPUT,
                             "--resume: '%s' holds another sweep (scenario, settings or design differ: sweep id "
                             "%.12s, this one %.12s); use another -o folder, or drop --resume to start over",
                             dir, mf.id, id);
    } else if (mf.shard != shard || mf.shards != shards) {
        rc = demob_error_set(err, DEMOB_EINPUT, "--resume: '%s' holds shard %ld/%ld of this sweep, not %ld/%ld", dir,
                             mf.shard, mf.shards, shard, shards);
    } else {
        *done = 1;
    }
    free(before);
    sweep_shared_manifest_free(&mf);
    return rc;
}

/* The design: spec (command line or sweep{}), points, param slots, every
 * point checked against the model, replicates. */
static int setup_design(sweep_args *s, scenario *sc, sweep_ctx *c, sweep_spec *spec, sweep_design *design, int **slot,
                        demob_error *err)
{
    const demob_model *m = scenario_model(sc);
    int rc = final_spec(s, sc, spec, &c->design_from, err);
    c->design_seed = spec->has_seed ? spec->seed : demob_model_seed(m);
    if (rc == 0)
        rc = sweep_design_build(spec, c->design_seed, design, err);
    if (rc == 0 && !(*slot = malloc((size_t)(design->n_params + 1) * sizeof **slot)))
        rc = demob_error_set(err, DEMOB_ERUN, "out of memory");
    int stochastic = demob_model_mode(m) == DEMOB_STOCHASTIC;
    for (int k = 0; rc == 0 && k < design->n_params; k++) {
        (*slot)[k] = demob_model_find_param(m, design->names[k]);
        /* A sampled caseload is the whole number of people the runs use,
         * and points.csv and summary.csv say so. */
        for (long p = 0; stochastic && p < design->n_points && demob_model_value_is_stock(m, (*slot)[k]); p++)
            design->x[p * design->n_params + k] = round(design->x[p * design->n_params + k]);
    }
    if (rc == 0)
        rc = check_points(m, design, *slot, err);
    c->R = !stochastic ? 1 : spec->replicates > 0 ? spec->replicates : demob_model_runs(m);
    if (rc == 0 && (double)design->n_points * (double)c->R > 9e15)
        rc = demob_error_set(err, DEMOB_EINPUT, "%ld points x %ld replicates is too many runs", design->n_points,
                             c->R);
    c->m = m;
    c->design = design;
    c->slot = *slot;
    return rc;
}

/* Which files the sweep writes (journal order: points.csv, the run files,
 * quantiles.csv) into names; returns their number. */
static int plan_files(sweep_args *s, sweep_ctx *c, const char **names)
{
    const demob_model *m = c->m;
    c->plan = s->a.plan;
    /* The scenario's outcomes: summary.csv's outcome.<name> columns and
     * quantiles.csv's rows of origin "all", as `demob run` writes them. */
    const output_outcomes *oc = scenario_outcomes(c->sc);
    c->plan.outcomes = oc && oc->n ? oc : NULL;
    if (!s->save_given) {
        memset(c->plan.want, 0, sizeof c->plan.want);
        c->plan.want[OUT_SUMMARY] = 1;
        s->want_quant = demob_model_mode(m) == DEMOB_STOCHASTIC;
    } else {
        memcpy(c->plan.want, s->want, sizeof c->plan.want);
    }
    c->quant = s->want_quant;
    for (int f = 0; f < SW_NFILES; f++)
        c->jf[f] = -1;
    int nf = 0;
    c->jf[SW_POINTS] = nf;
    names[nf++] = sweep_shared_file_names[SW_POINTS];
    for (int f = 0; f < OUT_NFILES; f++)
        if (output_applies(m, &c->plan, f)) {
            c->jf[f] = nf;
            names[nf++] = sweep_shared_file_names[f];
        }
    if (c->quant) {
        c->jf[SW_QUANTILES] = nf;
        names[nf++] = sweep_shared_file_names[SW_QUANTILES];
    }
    c->run_plan = c->plan;
    for (int f = 0; f < OUT_NFILES; f++)
        c->run_plan.want[f] = c->run_plan.want[f] && output_applies(m, &c->run_plan, f);
    return nf;
}

/* Opens the folder's journal: a fresh start, or the runs an interrupted
 * sweep finished (--resume). Sets *done when the folder already holds
 * this finished sweep. */
static int open_journal(sweep_args *s, sweep_ctx *c, const char *dir, const char **names, int nf, int *done,
                        demob_error *err)
{
    int rc;
    *done = 0;
    const inputs_file *inputs;
    int n_inputs = scenario_inputs(c->sc, &inputs);
    if (s->resume) {
        /* No journal: the folder is new, or holds a finished sweep, which
         * must be this one. Checked before the journal is created, so a
         * refused --resume leaves the folder as it was. A journal: the
         * files the sweep read must not have changed since. */
        char jpath[4400];
        struct stat st;
        snprintf(jpath, sizeof jpath, "%s/%s", dir, SJ_JOURNAL_NAME);
        if (stat(jpath, &st) == 0 && (rc = cli_inputs_check_saved(dir, inputs, n_inputs, err)))
            return rc;
        if (stat(jpath, &st) != 0 &&
            (rc = check_finished(dir, c->id, s->shard, s->shards, inputs, n_inputs, done, err)))
            return rc;
        if (*done)
            return 0;
    }
    if (!s->resume) {
        /* Shards sharing one folder would erase each other's files. */
        sweep_shared_manifest mf;
        demob_error ignore = {0};
        if (sweep_shared_manifest_load(dir, &mf, &ignore) == 0) {
            int clash = strcmp(mf.id, c->id) == 0 && (mf.shard != s->shard || mf.shards != s->shards);
            if (clash)
                demob_error_set(err, DEMOB_EINPUT,
                                "'%s' holds shard %ld/%ld of this sweep: give each shard its own -o folder", dir,
                                mf.shard, mf.shards);
            sweep_shared_manifest_free(&mf);
            if (clash)
                return DEMOB_EINPUT;
        }
    }
    int had_journal = 0;
    if ((rc = sweep_journal_open(&c->jr, dir, c->id, s->shard, s->shards, names, nf, s->resume, &had_journal, err)))
        return rc;
    if (had_journal && !s->resume && !s->a.quiet)
        fprintf(stderr, "demob sweep: starting over in %s/ (an unfinished sweep was there; --resume continues "
                        "one)\n", dir);
    if (!s->resume || !had_journal) {
        /* Until this sweep finishes, the folder must not look finished;
         * partial files of an earlier sweep that saved other files go. */
        char path[4400];
        snprintf(path, sizeof path, "%s/manifest.json", dir);
        unlink(path);
        if ((rc = cli_inputs_save(dir, inputs, n_inputs, err)) || (rc = scenario_csv_clear(dir, err)))
            return rc;
        for (int f = 0; f < SW_NFILES; f++)
            if (c->jf[f] < 0) {
                snprintf(path, sizeof path, "%s/%s.partial", dir, sweep_shared_file_names[f]);
                unlink(path);
            }
    }
    if (c->jr.jobs > c->local_jobs)
        return demob_error_set(err, DEMOB_EINPUT, "--resume: the journal in '%s' records more runs than the sweep has",
                               dir);
    /* Nothing is written from a journal that does not match its rows. */
    return s->resume && had_journal ? sweep_resume_check(&c->jr, &c->order, c->R, c->jf, err) : 0;
}

/* The quantile accumulator, with the replicates of a half-done point read
 * back from the scratch a stopped sweep wrote; without it (a crash), the
 * point runs again from its first replicate (the same runs). */
static int setup_quantiles(sweep_ctx *c, demob_error *err)
{
    const demob_model *m = c->m;
    int n_times = 0, steps = demob_model_steps(m);
    for (int t = 0; t <= steps; t++)
        n_times += output_recorded(&c->plan, t, steps);
    size_t rows = (size_t)n_times * ((size_t)demob_model_n_origins(m) * (size_t)demob_model_n_states(m) +
                                     (size_t)(c->plan.outcomes ? c->plan.outcomes->n : 0));
    int rc = sweep_quant_init(&c->q, c->R, rows, err);
    if (rc)
        return rc;
    /* The row labels, from labels made for a plan with time series. */
    output_plan series = c->plan;
    series.want[OUT_POPULATIONS] = 1;
    output_labels *l = output_labels_for_plan(m, &series, err);
    if (!l)
        return DEMOB_ERUN;
    output_population_labels(l, &c->plan, &c->q.labels, c->q.label_off);
    output_labels_free(l);
    if (c->q.labels.failed)
        return demob_error_set(err, DEMOB_ERUN, "out of memory");
    if (!(c->held = calloc((size_t)c->R, sizeof *c->held)))
        return demob_error_set(err, DEMOB_ERUN, "out of memory");
    long r0 = c->jr.jobs % c->R;
    if (r0 && sweep_journal_scratch_load(&c->jr, c->id, c->q.vals, (size_t)r0 * rows) != 0)
        return sweep_journal_rewind(&c->jr, c->jr.jobs - r0, err);
    return 0;
}

/* manifest.json: the usual fields and a "sweep" object. */
static int write_manifest(sweep_ctx *c, const sweep_args *s, const char *dir, int sens, int argc, char **argv,
                          demob_error *err)
{
    const sweep_design *d = c->design;
    strbuf x;
    strbuf_init(&x);
    strbuf_printf(&x,
                  "\"sweep\": {\"id\": \"%s\", \"design_sha256\": \"%s\", \"design_from\": \"%s\", "
                  "\"design_seed\": %llu, \"points\": %ld, \"replicates\": %ld, \"runs_total\": %ld, "
                  "\"shard\": \"%ld/%ld\", \"shard_index\": %ld, \"shard_count\": %ld, \"shard_points\": %ld, "
                  "\"shard_runs\": %ld, \"every\": %d, \"outcome_column\": %d, \"files\": \"",
                  c->id, c->design_hex, c->design_from, (unsigned long long)c->design_seed, d->n_points, c->R,
                  d->n_points * c->R, s->shard, s->shards, s->shard, s->shards, c->local_points, c->local_jobs,
                  c->plan.every, sweep_shared_first_outcome(c->m));
    int nfiles = 0;
    for (int f = 0; f < SW_NFILES; f++)
        if (c->jf[f] >= 0)
            strbuf_printf(&x, "%s%s", nfiles++ ? " " : "", sweep_shared_file_names[f]);
    strbuf_printf(&x, "%s\", \"params\": [", sens ? " sensitivity.csv" : "");
    for (int k = 0; k < d->n_params; k++) {
        strbuf_puts(&x, k ? ", " : "");
        manifest_json_string(&x, d->names[k]);
    }
    strbuf_puts(&x, "]}");
    /* (Not the outcomes' descriptions: an array of objects, which merge's
     * flat manifest copy cannot write back; summary.csv names them.) */
    cli_origins_json(c->m, c->sc, &x);
    manifest_info info = {"sweep", s->a.sopt.path, c->m, c->local_jobs, argc, argv, x.data, NULL, 0, c->currency};
    info.n_inputs = scenario_inputs(c->sc, &info.inputs);
    int rc = x.failed ? demob_error_set(err, DEMOB_ERUN, "out of memory") : manifest_write_report(dir, &info, c->report, err);
    strbuf_free(&x);
    return rc;
}

/* Every run is in: the final files, sensitivity, the manifest, and the
 * journal goes. */
static int finish(sweep_ctx *c, const sweep_args *s, const char *dir, int argc, char **argv, demob_error *err)
{
    output_labels *labels = output_labels_for_plan(c->m, &c->plan, err);   /* with the outcome columns */
    if (!labels)
        return DEMOB_ERUN;
    /* The files the scripts wrote in runs, joined in point and replicate
     * order (sim.run), checked before any file is committed; their pieces
     * stay for --resume until the sweep is done. A shard's pieces are
     * parts of files that only all the shards make: they stay for demob
     * merge. */
    scenario_csv_files *script_files = NULL;
    int rc = s->shards > 1 ? 0 : scenario_csv_prepare(dir, NULL, 0, &script_files, err);
    if (rc == 0)
        rc = assemble(c, dir, labels, err);
    if (rc == 0 && script_files)
        rc = scenario_csv_commit(script_files, err);
    else
        scenario_csv_abort(script_files);
    output_labels_free(labels);
    int sens = c->plan.want[OUT_SUMMARY];
    if (rc == 0 && sens) {
        char pp[4400], sp[4400], op[4400];
        snprintf(pp, sizeof pp, "%s/points.csv", dir);
        snprintf(sp, sizeof sp, "%s/summary.csv", dir);
        snprintf(op, sizeof op, "%s/sensitivity.csv", dir);
        rc = sweep_sensitivity(pp, sp, sweep_shared_first_outcome(c->m), op, err);
    }
    if (rc == 0) {
        remove_stale(dir, c->jf, sens);
        rc = write_manifest(c, s, dir, sens, argc, argv, err);
    }
    if (rc == 0) {
        sweep_journal_remove(&c->jr);
        cli_inputs_remove(dir);
    }
    return rc;
}

/* Runs the jobs the journal does not have yet. */
static int run_jobs(sweep_ctx *c, sweep_args *s, scenario *sc, long *done, demob_error *err)
{
    cli_catch_signals();
    runner_config rcfg;
    memset(&rcfg, 0, sizeof rcfg);
    scenario_runner_hooks(sc, &s->a.sopt, &rcfg.hooks);
    rcfg.workers = s->a.workers > 0 ? s->a.workers : runner_default_workers();
    rcfg.plan = c->run_plan;
    rcfg.record_stocks = c->quant;
    rcfg.n_jobs = c->local_jobs - c->j0;
    rcfg.job = job_fn;
    rcfg.job_ud = c;
    rcfg.consume = consume_fn;
    rcfg.write_part = write_rows;
    rcfg.consume_ud = c;
    rcfg.interrupted = &cli_interrupted;
    rcfg.stop_after = s->stop_after;
    rcfg.progress = !s->a.quiet && isatty(2);
    int rc = runner_run(&rcfg, done, err);
    demob_error serr = {0};
    if (settle_quantiles(c, &serr) != 0 && rc == 0) {
        *err = serr;
        rc = serr.status;
    }
    /* Stopped in the middle of a point: its replicates' stocks, once. */
    long r0 = c->quant ? c->jr.jobs % c->R : 0;
    if (rc == DEMOB_EINTR && r0 &&
        sweep_journal_scratch_save(&c->jr, c->id, c->q.vals, (size_t)r0 * c->q.n_rows, &serr) != 0)
        rc = serr.status;
    if (sweep_journal_sync(&c->jr, &serr) != 0 && rc == 0) {
        *err = serr;
        rc = serr.status;
    }
    if (rc == DEMOB_EINTR)
        demob_error_set(err, DEMOB_EINTR,
                        "interrupted after %ld of %ld runs (%ld this time); the rest runs with the same command "
                        "and --resume",
                        c->j0 + *done, c->local_jobs, *done);
    return rc;
}

int cmd_sweep(int argc, char **argv)
{
    double t0 = timer_now();
    demob_error err = {0};
    sweep_args s;
    int code;
    if (!parse_args(argc, argv, &s, &code)) {
        sweep_spec_free(&s.cli);
        return code;
    }
    int rc, dir_lock = -1;
    char out_dir[4096];
    if (s.a.out_dir) {
        snprintf(out_dir, sizeof out_dir, "%s", s.a.out_dir);
    } else {
        char base[4000];
        cli_default_out_dir(s.a.sopt.path, base, sizeof base);
        snprintf(out_dir, sizeof out_dir, "%s-sweep", base);
    }
    s.a.sopt.output_dir = out_dir;
    s.a.sopt.csv_gather = 1;
    scenario *sc = scenario_load(&s.a.sopt, &err);
    if (!sc) {
        sweep_spec_free(&s.cli);
        return fail(&err);
    }
    cli_warn_scenario("sweep", sc);

    sweep_spec spec;
    sweep_design design;
    memset(&design, 0, sizeof design);
    sweep_ctx c;
    memset(&c, 0, sizeof c);
    c.report = scenario_report(sc);
    c.sc = sc;
    c.currency = scenario_currency(sc);
    c.jr.jfd = -1;
    for (int f = 0; f < SJ_MAX_FILES; f++)
        c.jr.fd[f] = -1;
    strbuf_init(&c.row);
    int *slot = NULL, quant_init = 0, finished = 0;
    long done = 0;
    const char *names[SJ_MAX_FILES];
    char scen_hex[65];

    if ((rc = setup_design(&s, sc, &c, &spec, &design, &slot, &err)))
        goto out;
    int nf = plan_files(&s, &c, names);
    /* Of the bytes loaded (and every run loads), as the manifest's. */
    const inputs_file *inputs;
    int n_inputs = scenario_inputs(sc, &inputs);
    if ((rc = manifest_scenario_hex(scenario_path(sc), inputs, n_inputs, scen_hex, &err)))
        goto out;
    design_hash(&design, c.R, c.design_hex);
    sweep_id(c.m, scen_hex, c.design_hex, &c.plan, c.quant, s.shards, c.id);
    sweep_order_init(&c.order, design.n_points, s.shard, s.shards);
    c.local_points = sweep_order_shard_points(&c.order);
    c.local_jobs = c.local_points * c.R;

    if ((rc = atomic_make_dirs(out_dir, &err)) || (rc = atomic_lock_dir(out_dir, &dir_lock, &err)) ||
        (rc = open_journal(&s, &c, out_dir, names, nf, &finished, &err)))
        goto out;
    if (finished) {
        if (!s.a.quiet)
            fprintf(stderr, "demob sweep: %s/ already holds this finished sweep; nothing to do\n", out_dir);
        goto out;
    }
    if (c.quant) {
        rc = setup_quantiles(&c, &err);
        quant_init = 1;   /* sweep_quant_free is safe after a failed set-up too */
        if (rc)
            goto out;
    }
    c.j0 = c.jr.jobs;
    if ((rc = run_jobs(&c, &s, sc, &done, &err)) || (rc = finish(&c, &s, out_dir, argc, argv, &err)))
        goto out;
    if (!s.a.quiet) {
        long P = design.n_points, R = c.R;
        double el = timer_now() - t0;
        fprintf(stderr, "demob sweep: %ld point%s x %ld replicate%s = %ld runs", P, P == 1 ? "" : "s", R,
                R == 1 ? "" : "s", P * R);
        if (s.shards > 1)
            fprintf(stderr, " (shard %ld/%ld: %ld runs)", s.shard, s.shards, c.local_jobs);
        if (c.j0)
            fprintf(stderr, " (%ld resumed)", c.j0);
        fprintf(stderr, " in %.1f s (%.0f runs/s), written to %s/\n", el, el > 0 ? (double)done / el : 0.0, out_dir);
    }

out:
    sweep_journal_close(&c.jr);   /* a no-op when never opened or already removed */
    if (dir_lock >= 0)
        close(dir_lock);
    if (quant_init)
        sweep_quant_free(&c.q);
    free(c.held);
    strbuf_free(&c.row);
    scenario_free(sc);
    sweep_spec_free(&spec);
    sweep_spec_free(&s.cli);
    sweep_design_free(&design);
    free(slot);
    return rc ? fail(&err) : 0;
}
