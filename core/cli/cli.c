/* cli.c - option parsing and helpers shared by demob run, check and sweep
 * (see cli.h). */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "util/path.h"

volatile sig_atomic_t cli_interrupted = 0;

static void on_signal(int sig)
{
    (void)sig;
    cli_interrupted = 1;
}

void cli_catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

void cli_args_init(cli_args *a)
{
    memset(a, 0, sizeof *a);
    scenario_options_init(&a->sopt);
    a->sopt.interrupted = &cli_interrupted;
    a->sopt.sets = a->sets;
    for (int f = 0; f < OUT_NFILES; f++)
        a->plan.want[f] = !OUTPUT_ON_REQUEST(f);
    a->plan.every = CLI_DEFAULT_EVERY;
}

/* The names --save knows: the output files without ".csv" (and
 * "quantiles" when allowed), for its message. */
static void save_names(int quant, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int f = 0; f < OUT_NFILES && len < n; f++)
        len += (size_t)snprintf(buf + len, n - len, "%s%.*s", f ? ", " : "",
                                (int)strlen(output_file_names[f]) - 4, output_file_names[f]);
    if (quant && len < n)
        snprintf(buf + len, n - len, ", quantiles");
}

int cli_parse_save(const char *v, int want[OUT_NFILES], int *want_quant, demob_error *err)
{
    for (int f = 0; f < OUT_NFILES; f++)
        want[f] = 0;
    if (want_quant)
        *want_quant = 0;
    const char *q = v;
    while (*q) {
        size_t n = strcspn(q, ",");
        int found = 0;
        for (int f = 0; f < OUT_NFILES; f++) {
            size_t len = strlen(output_file_names[f]) - 4; /* without ".csv" */
            if (n == len && strncmp(q, output_file_names[f], n) == 0)
                want[f] = found = 1;
        }
        if (want_quant && n == 9 && strncmp(q, "quantiles", 9) == 0)
            *want_quant = found = 1;
        if (!found) {
            char known[256];
            save_names(want_quant != NULL, known, sizeof known);
            return demob_error_set(err, DEMOB_EINPUT, "--save: unknown file '%.*s' (known: %s)", (int)n, q, known);
        }
        q += n + (q[n] == ',');
    }
    return 0;
}

int cli_split_list(const char *list, char **copy, const char **out, int max)
{
    *copy = strdup(list);
    if (!*copy)
        return -1;
    int n = 0;
    char *save = NULL;
    for (char *tok = strtok_r(*copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (n >= max)
            return -1;
        out[n++] = tok;
    }
    return n > 0 ? n : -1;
}

int cli_scenario_arg(void *ctx, const char *arg, demob_error *err)
{
    cli_args *a = ctx;
    if (a->sopt.path)
        return demob_error_set(err, DEMOB_EINPUT, "one scenario at a time ('%s' and '%s')", a->sopt.path, arg);
    a->sopt.path = arg;
    return 0;
}

/* ------------------------------------------------ the common options */

static int set_set(void *ctx, const cli_option *o, const char *v, demob_error *err)
{
    (void)o;
    cli_args *a = ctx;
    if (!strchr(v, '='))
        return demob_error_set(err, DEMOB_EINPUT, "--set: '%s' is not NAME=VALUE", v);
    if (a->sopt.n_sets >= CLI_MAX_SETS)
        return demob_error_set(err, DEMOB_EINPUT, "--set: at most %d overrides", CLI_MAX_SETS);
    a->sets[a->sopt.n_sets++] = v;
    return 0;
}

static int set_seed(void *ctx, const cli_option *o, const char *v, demob_error *err)
{
    (void)o;
    cli_args *a = ctx;
    char *end;
    errno = 0;
    unsigned long long s = strtoull(v, &end, 10);
    if (!*v || *end || errno == ERANGE || *v == '-')
        return demob_error_set(err, DEMOB_EINPUT, "--seed: '%s' is not a whole number >= 0", v);
    a->sopt.has_seed = 1;
    a->sopt.seed = s;
    return 0;
}

static int set_mode(void *ctx, const cli_option *o, const char *v, demob_error *err)
{
    (void)o;
    cli_args *a = ctx;
    if (strcmp(v, "deterministic") == 0)
        a->sopt.mode = DEMOB_DETERMINISTIC;
    else if (strcmp(v, "stochastic") == 0)
        a->sopt.mode = DEMOB_STOCHASTIC;
    else
        return demob_error_set(err, DEMOB_EINPUT, "--mode: '%s' is not deterministic or stochastic", v);
    return 0;
}

/* The sandbox's limits (lua_sandbox.c): the issue asks that their defaults
 * can be overridden, e.g. to run a hostile script with tight limits, or a
 * big trusted one with loose ones. */
static int set_memory(void *ctx, const cli_option *o, const char *v, demob_error *err)
{
    long n;
    if (cli_parse_long(o->name, v, 1, 1L << 20, &n, err))
        return DEMOB_EINPUT;
    ((cli_args *)ctx)->sopt.memory_limit = (size_t)n << 20;
    return 0;
}

static int set_time(void *ctx, const cli_option *o, const char *v, demob_error *err)
{
    double x;
    if (cli_parse_double(o->name, v, &x, err))
        return DEMOB_EINPUT;
    if (!(x > 0 && x <= 1e6))
        return demob_error_set(err, DEMOB_EINPUT, "%s: '%s' is not a number of seconds in (0, 1e6]", o->name, v);
    ((cli_args *)ctx)->sopt.time_limit = x;
    return 0;
}

/* run's --save: the files, "quantiles", "outcomes", or "all". */
static int set_save(void *ctx, const cli_option *o, const char *v, demob_error *err)
{
    (void)o;
    cli_args *a = ctx;
    a->save_given = 1;
    a->want_quant = a->want_outcomes = 0;
    if (strcmp(v, "all") == 0) {
        for (int f = 0; f < OUT_NFILES; f++)
            a->plan.want[f] = 1;
        a->want_quant = a->want_outcomes = 1;
        return 0;
    }
    /* "outcomes" is taken out here; the rest is the shared list. */
    char list[1024];
    size_t k = 0;
    const char *q = v;
    while (*q) {
        size_t n = strcspn(q, ",");
        if (n == 8 && strncmp(q, "outcomes", 8) == 0)
            a->want_outcomes = 1;
        else if (k + n + 2 < sizeof list) {
            if (k)
                list[k++] = ',';
            memcpy(list + k, q, n);
            k += n;
        }
        q += n + (q[n] == ',');
    }
    list[k] = '\0';
    return cli_parse_save(list, a->plan.want, &a->want_quant, err);
}

#define ARG(field) offsetof(cli_args, field)

const cli_option cli_scenario_options[] = {
    {"--set", 0, "NAME=VALUE", 1, CLI_CUSTOM, 0, 0, 0, set_set, "override a param", {0}, NULL},
    {"--runs", 0, "N", 0, CLI_LONG, ARG(sopt.runs), 1, 1000000000L, NULL,
     "number of runs (stochastic mode; default: the scenario's)", {0}, NULL},
    {"--seed", 0, "S", 0, CLI_CUSTOM, 0, 0, 0, set_seed, "random seed (whole number >= 0; default: the scenario's)",
     {0}, NULL},
    {"--steps", 0, "T", 0, CLI_INT, ARG(sopt.steps), 1, 1000000L, NULL, "number of steps (default: the scenario's; later timed events are skipped)",
     {0}, NULL},
    {"--mode", 0, "MODE", 0, CLI_CUSTOM, 0, 0, 0, set_mode,
     "deterministic or stochastic (default: the scenario's)", {0}, NULL},
    {"--trusted", 0, NULL, 0, CLI_FLAG, ARG(sopt.trusted), 0, 0, NULL,
     "lift the script sandbox (only for scripts you trust)", {0}, NULL},
    {"--memory-limit", 0, "MIB", 0, CLI_CUSTOM, 0, 0, 0, set_memory, "memory of each Lua state (default %g)",
     {(double)(LUA_DEFAULT_MEMORY >> 20), 0}, NULL},
    {"--time-limit", 0, "S", 0, CLI_CUSTOM, 0, 0, 0, set_time,
     "seconds for loading the script (default %g) and for each hook call (default %g)",
     {LUA_DEFAULT_LOAD_SECONDS, LUA_DEFAULT_HOOK_SECONDS}, NULL},
    {"--instruction-limit", 0, "N", 0, CLI_LONG, ARG(sopt.instruction_limit), 1, 4000000000000000000L, NULL,
     "Lua instructions for loading the script and for each hook call (default %.0f and %.0f)",
     {(double)LUA_DEFAULT_LOAD_INSTRUCTIONS, (double)LUA_DEFAULT_HOOK_INSTRUCTIONS}, NULL},
    {0},
};

const cli_option cli_output_options[] = {
    {"--out", 'o', "DIR", 0, CLI_STRING, ARG(out_dir), 0, 0, NULL, "output folder (default out/<scenario file name without .lua>)",
     {0}, NULL},
    {NULL, 'j', "N", 0, CLI_INT, ARG(workers), 1, 1024, NULL,
     "worker threads (default: all cores); results do not depend on N", {0}, NULL},
    {"--quiet", 'q', NULL, 0, CLI_FLAG, ARG(quiet), 0, 0, NULL, "no progress on stderr (run: nor the answer table)", {0}, NULL},
    {0},
};

const cli_option cli_series_options[] = {
    {"--save", 0, "LIST", 0, CLI_CUSTOM, 0, 0, 0, set_save,
     "files to write, comma-separated among populations, flows, costs, budgets, summary, constraints, quantiles, "
     "outcomes, or all (default: all but constraints when they come to at most 5 MB, else summary, quantiles, "
     "outcomes)", {0},
     NULL},
    {"--every", 0, "K", 0, CLI_INT, ARG(plan.every), 1, 1000000L, NULL,
     "write time series every K steps (default %g; t=0 and the last step always)", {CLI_DEFAULT_EVERY, 0}, NULL},
    {0},
};

int cli_exit_code(int status)
{
    return status == 0 ? 0 : status == DEMOB_EINPUT ? 2 : 1;
}

static void print_warning(void *ud, const char *msg)
{
    fprintf(stderr, "demob %s: warning: %s\n", (const char *)ud, msg);
}

void cli_warn_scenario(const char *cmd, const scenario *sc)
{
    char msg[1024];
    if (*scenario_warning(sc, msg, sizeof msg))
        print_warning((void *)cmd, msg);
    scenario_warnings(sc, print_warning, (void *)cmd);
}

int cli_fail(const char *cmd, const demob_error *err)
{
    fprintf(stderr, "demob %s: ", cmd);
    cli_put_message(stderr, err->message[0] ? err->message : "failed");
    fputc('\n', stderr);
    return cli_exit_code(err->status ? err->status : DEMOB_ERUN);
}

void cli_default_out_dir(const char *scenario_path, char *buf, size_t n)
{
    char stem[PATH_MAX];
    path_stem(stem, sizeof stem, scenario_path);
    /* A stem of "" or starting with '.' (".lua", "...lua": "..") would
     * name out/ itself, the current folder or a hidden one. */
    snprintf(buf, n, "out/%s%s", stem[0] == '.' || !stem[0] ? "_" : "", stem);
}

int output_files_open(output_files *of, const char *dir, const demob_model *m, const output_plan *p,
                      const char *const *prefix_cols, demob_error *err)
{
    memset(of, 0, sizeof *of);
    output_plan heads = *p;   /* headers only: no time series */
    for (int f = 0; f < OUT_NFILES; f++)
        heads.want[f] = f == OUT_SUMMARY;
    output_labels *labels = output_labels_for_plan(m, &heads, err);
    if (!labels)
        return DEMOB_ERUN;
    int rc = 0;
    strbuf head;
    strbuf_init(&head);
    for (int f = 0; f < OUT_NFILES && rc == 0; f++) {
        if (!output_applies(m, p, f))
            continue;
        char path[4400];
        snprintf(path, sizeof path, "%s/%s", dir, output_file_names[f]);
        if (!(of->f[f] = atomic_open(path, err))) {
            rc = DEMOB_ERUN;
            break;
        }
        strbuf_clear(&head);
        output_header(labels, f, prefix_cols, &head);
        rc = atomic_write(of->f[f], head.data, head.len, err);
    }
    strbuf_free(&head);
    output_labels_free(labels);
    if (rc)
        output_files_abort(of);
    return rc;
}

int output_files_write(output_files *of, strbuf *const bufs[OUT_NFILES], demob_error *err)
{
    for (int f = 0; f < OUT_NFILES; f++)
        if (of->f[f] && bufs[f] && bufs[f]->len) {
            int rc = atomic_write(of->f[f], bufs[f]->data, bufs[f]->len, err);
            if (rc)
                return rc;
        }
    return 0;
}

int output_files_commit(output_files *of, demob_error *err)
{
    int rc = 0;
    for (int f = 0; f < OUT_NFILES; f++) {
        if (!of->f[f])
            continue;
        if (rc == 0)
            rc = atomic_commit(of->f[f], err);
        else
            atomic_abort(of->f[f]);
        of->f[f] = NULL;
    }
    return rc;
}

void output_files_abort(output_files *of)
{
    for (int f = 0; f < OUT_NFILES; f++) {
        atomic_abort(of->f[f]);
        of->f[f] = NULL;
    }
}
