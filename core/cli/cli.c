/* cli.c - option parsing and helpers shared by demob run, check and sweep
 * (see cli.h). */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
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

const char cli_common_help[] =
    "  -o DIR               output folder (default out/<scenario name>)\n"
    "  --set NAME=VALUE     override a param (repeatable)\n"
    "  --runs N             number of runs (stochastic mode)\n"
    "  --seed S             random seed (whole number >= 0)\n"
    "  --steps T            number of steps\n"
    "  --mode MODE          deterministic or stochastic\n"
    "  -j N                 worker threads (default: all cores); results do not depend on N\n"
    "  --save LIST          files to write, comma-separated among populations, flows, costs,\n"
    "                       budgets, summary (default: all)\n"
    "  --every K            write time series every K steps (default 1; t=0 and the last step always)\n"
    "  --quiet              no progress on stderr\n"
    "  --trusted            lift the script sandbox (only for scripts you trust)\n"
    "  --memory-limit MIB   memory of each Lua state (default 256)\n"
    "  --time-limit S       seconds for loading the script (default 60) and for each hook\n"
    "                       call (default 10)\n"
    "  --instruction-limit N  Lua instructions for loading the script and for each hook call\n"
    "                       (default 10^10 and 2*10^9)\n";

void cli_args_init(cli_args *a)
{
    memset(a, 0, sizeof *a);
    scenario_options_init(&a->sopt);
    a->sopt.sets = a->sets;
    for (int f = 0; f < OUT_NFILES; f++)
        a->plan.want[f] = 1;
    a->plan.every = 1;
}

int cli_parse_long(const char *opt, const char *s, long lo, long hi, long *out, demob_error *err)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (!*s || *end || errno == ERANGE || v < lo || v > hi)
        return demob_error_set(err, DEMOB_EINPUT, "%s: '%s' is not a whole number in %ld..%ld", opt, s, lo, hi);
    *out = v;
    return 0;
}

int cli_parse_double(const char *opt, const char *s, double *out, demob_error *err)
{
    char *end;
    double v = strtod(s, &end);
    if (!*s || *end || !isfinite(v))
        return demob_error_set(err, DEMOB_EINPUT, "%s: '%s' is not a number", opt, s);
    *out = v;
    return 0;
}

static int parse_save(const char *s, output_plan *p, demob_error *err)
{
    for (int f = 0; f < OUT_NFILES; f++)
        p->want[f] = 0;
    const char *q = s;
    while (*q) {
        size_t n = strcspn(q, ",");
        int found = 0;
        for (int f = 0; f < OUT_NFILES; f++) {
            size_t len = strlen(output_file_names[f]) - 4; /* without ".csv" */
            if (n == len && strncmp(q, output_file_names[f], n) == 0) {
                p->want[f] = 1;
                found = 1;
            }
        }
        if (!found)
            return demob_error_set(err, DEMOB_EINPUT,
                                   "--save: unknown file '%.*s' (known: populations, flows, costs, budgets, summary)",
                                   (int)n, q);
        q += n;
        if (*q == ',')
            q++;
    }
    return 0;
}

int cli_parse_common(int argc, char **argv, int *i, cli_args *a, demob_error *err)
{
    const char *opt = argv[*i];
    static const char *const with_value[] = {"-o", "--set", "--runs", "--seed", "--steps", "--mode", "-j",
                                             "--save", "--every", "--memory-limit", "--time-limit",
                                             "--instruction-limit", NULL};
    int takes = 0;
    for (int k = 0; with_value[k]; k++)
        if (strcmp(opt, with_value[k]) == 0)
            takes = 1;
    if (!takes) {
        if (strcmp(opt, "--quiet") == 0 || strcmp(opt, "-q") == 0)
            a->quiet = 1;
        else if (strcmp(opt, "--trusted") == 0)
            a->sopt.trusted = 1;
        else
            return 0;
        return 1;
    }
    if (*i + 1 >= argc)
        return demob_error_set(err, DEMOB_EINPUT, "%s needs a value", opt);
    const char *v = argv[++*i];
    long n;
    int rc = 0;
    if (strcmp(opt, "-o") == 0) {
        a->out_dir = v;
    } else if (strcmp(opt, "--set") == 0) {
        if (!strchr(v, '='))
            return demob_error_set(err, DEMOB_EINPUT, "--set: '%s' is not NAME=VALUE", v);
        if (a->sopt.n_sets >= CLI_MAX_SETS)
            return demob_error_set(err, DEMOB_EINPUT, "--set: at most %d overrides", CLI_MAX_SETS);
        a->sets[a->sopt.n_sets++] = v;
    } else if (strcmp(opt, "--runs") == 0) {
        if (!(rc = cli_parse_long(opt, v, 1, 1000000000L, &n, err)))
            a->sopt.runs = n;
    } else if (strcmp(opt, "--seed") == 0) {
        char *end;
        errno = 0;
        unsigned long long s = strtoull(v, &end, 10);
        if (!*v || *end || errno == ERANGE || *v == '-')
            return demob_error_set(err, DEMOB_EINPUT, "--seed: '%s' is not a whole number >= 0", v);
        a->sopt.has_seed = 1;
        a->sopt.seed = s;
    } else if (strcmp(opt, "--steps") == 0) {
        if (!(rc = cli_parse_long(opt, v, 1, 1000000L, &n, err)))
            a->sopt.steps = (int)n;
    } else if (strcmp(opt, "--mode") == 0) {
        if (strcmp(v, "deterministic") == 0)
            a->sopt.mode = DEMOB_DETERMINISTIC;
        else if (strcmp(v, "stochastic") == 0)
            a->sopt.mode = DEMOB_STOCHASTIC;
        else
            return demob_error_set(err, DEMOB_EINPUT, "--mode: '%s' is not deterministic or stochastic", v);
    } else if (strcmp(opt, "-j") == 0) {
        if (!(rc = cli_parse_long(opt, v, 1, 1024, &n, err)))
            a->workers = (int)n;
    } else if (strcmp(opt, "--save") == 0) {
        rc = parse_save(v, &a->plan, err);
    } else if (strcmp(opt, "--memory-limit") == 0) {
        /* The sandbox's limits (lua_sandbox.c): the issue asks that their
         * defaults can be overridden, e.g. to run a hostile script with
         * tight limits, or a big trusted one with loose ones. */
        if (!(rc = cli_parse_long(opt, v, 1, 1L << 20, &n, err)))
            a->sopt.memory_limit = (size_t)n << 20;
    } else if (strcmp(opt, "--time-limit") == 0) {
        double x;
        if (!(rc = cli_parse_double(opt, v, &x, err)) && !(x > 0 && x <= 1e6))
            rc = demob_error_set(err, DEMOB_EINPUT, "%s: '%s' is not a number of seconds in (0, 1e6]", opt, v);
        if (!rc)
            a->sopt.time_limit = x;
    } else if (strcmp(opt, "--instruction-limit") == 0) {
        if (!(rc = cli_parse_long(opt, v, 1, 4000000000000000000L, &n, err)))
            a->sopt.instruction_limit = n;
    } else if (strcmp(opt, "--every") == 0) {
        if (!(rc = cli_parse_long(opt, v, 1, 1000000L, &n, err)))
            a->plan.every = (int)n;
    }
    return rc ? rc : 1;
}

int cli_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return 1;
    return 0;
}

int cli_exit_code(int status)
{
    return status == 0 ? 0 : status == DEMOB_EINPUT ? 2 : 1;
}

int cli_usage_fail(const char *cmd, const demob_error *err)
{
    fprintf(stderr, "demob %s: %s\n(demob %s --help shows the options)\n", cmd, err->message, cmd);
    return 2;
}

int cli_fail(const char *cmd, const demob_error *err)
{
    fprintf(stderr, "demob %s: %s\n", cmd, err->message[0] ? err->message : "failed");
    return cli_exit_code(err->status ? err->status : DEMOB_ERUN);
}

void cli_default_out_dir(const char *scenario_path, char *buf, size_t n)
{
    char stem[PATH_MAX];
    path_stem(stem, sizeof stem, scenario_path);
    snprintf(buf, n, "out/%s", stem);
}

int output_files_open(output_files *of, const char *dir, const demob_model *m, const output_plan *p,
                      const char *const *prefix_cols, demob_error *err)
{
    memset(of, 0, sizeof *of);
    output_labels *labels = output_labels_for_plan(m, NULL, err); /* headers only */
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
