/* cmd_compare.c - `demob compare A B`: the command line around compare.c.
 * A and B are two output folders (every output file they share is
 * compared) or two CSV files of one kind. Prints a table, optionally
 * writes the differences as CSV, and with tolerances serves as a gate. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/path.h"
#include "util/atomic_file.h"
#include "cli.h"
#include "commands.h"
#include "report/summarize.h"
#include "report/compare.h"
#include "util/inputs.h"
#include "util/json_flat.h"
#include "sweep/sweep_shared.h"

#define MAX_AT 64

#define COMPARE_DEFAULT_TOP 20   /* --top */

/* The files compared in folders, in this order: the run files, then the
 * sweep's quantiles and points, then the outcomes. */
#define N_COMPARED (SW_NFILES + 1)
static const char *compared_name(int i)
{
    if (i == SW_NFILES)
        return "outcomes.csv";
    return i < OUT_NFILES ? output_file_names[i] : sweep_shared_file_names[i == OUT_NFILES ? SW_QUANTILES : SW_POINTS];
}

typedef struct args {
    const char *a, *b, *out;
    const char *files[16];
    int n_files;
    long at[MAX_AT];
    int n_at;
    char at_text[MAX_AT][64];   /* a date, resolved against A once known */
    int top, by_rel;
    compare_options o;
} args;

static int set_at(void *ctx, const cli_option *o, const char *v, demob_error *err)
{
    (void)o;
    args *g = ctx;
    char list[1024];
    snprintf(list, sizeof list, "%s", v);
    const char *steps[MAX_AT];
    int n = cli_split(list, steps, 0, MAX_AT);
    if (n <= 0)
        return demob_error_set(err, DEMOB_EINPUT, "--at: give step numbers, e.g. --at 6,12");
    for (int k = 0; k < n; k++) {
        if (g->n_at >= MAX_AT)
            return demob_error_set(err, DEMOB_EINPUT, "--at: at most %d steps", MAX_AT);
        g->at_text[g->n_at][0] = '\0';
        if (strchr(steps[k], '-') && steps[k][0] != '-') { /* a date */
            snprintf(g->at_text[g->n_at], sizeof g->at_text[g->n_at], "%s", steps[k]);
            g->at[g->n_at++] = -1;
        }
        else if (cli_parse_long("--at", steps[k], 0, 100000000L, &g->at[g->n_at++], err))
            return DEMOB_EINPUT;
    }
    return 0;
}

static int set_tolerance(void *ctx, const cli_option *o, const char *v, demob_error *err)
{
    args *g = ctx;
    int rel = strcmp(o->name, "--rel") == 0;
    if (cli_parse_double_min(o->name, v, 0, rel ? &g->o.rel_tol : &g->o.abs_tol, err))
        return DEMOB_EINPUT;
    *(rel ? &g->o.has_rel : &g->o.has_abs) = 1;
    return 0;
}

static int set_sort(void *ctx, const cli_option *o, const char *v, demob_error *err)
{
    (void)o;
    if (strcmp(v, "abs") && strcmp(v, "rel"))
        return demob_error_set(err, DEMOB_EINPUT, "--sort: '%s' is not abs or rel", v);
    ((args *)ctx)->by_rel = strcmp(v, "rel") == 0;
    return 0;
}

/* constraints.csv is not compared: it is a diagnostic of the limits, whose
 * binding steps summary.csv's bound.* columns count (and compare). */
static int comparable(int i) { return i != OUT_CONSTRAINTS; }

static int is_compared(const char *name, int i)
{
    if (!comparable(i))
        return 0;
    size_t n = strlen(name);
    const char *f = compared_name(i);
    return strncmp(f, name, n) == 0 && (f[n] == '\0' || strcmp(f + n, ".csv") == 0);
}

static int set_files(void *ctx, const cli_option *o, const char *v, demob_error *err)
{
    (void)o;
    args *g = ctx;
    /* Split in place (argv is ours). */
    int n0 = g->n_files, n = cli_split((char *)v, g->files, g->n_files, 16);
    if (n < 0)
        return demob_error_set(err, DEMOB_EINPUT, "--files: too many names");
    g->n_files = n;
    for (int k = n0; k < n; k++) {
        int known = 0;
        for (int j = 0; j < N_COMPARED; j++)
            known |= is_compared(g->files[k], j);
        if (!known) {
            char list[256];
            size_t len = 0;
            for (int j = 0; j < N_COMPARED && len < sizeof list; j++)
                if (comparable(j))
                    len += (size_t)snprintf(list + len, sizeof list - len, "%s%.*s", len ? ", " : "",
                                            (int)strlen(compared_name(j)) - 4, compared_name(j));
            return demob_error_set(err, DEMOB_EINPUT, "--files: '%s' is not one of %s", g->files[k], list);
        }
    }
    return 0;
}

static int set_ab(void *ctx, const char *arg, demob_error *err)
{
    args *g = ctx;
    if (!g->a)
        g->a = arg;
    else if (!g->b)
        g->b = arg;
    else
        return demob_error_set(err, DEMOB_EINPUT, "unexpected argument '%s' (give two outputs)", arg);
    return 0;
}

#define G(field) offsetof(args, field)

static const cli_option compare_options_table[] = {
    {"--at", 0, "STEP[,STEP...]", 1, CLI_CUSTOM, 0, 0, 0, set_at,
     "also compare these steps or dates (YYYY-MM: by A's manifest)", {0}, NULL},
    {"--all-steps", 0, NULL, 0, CLI_FLAG, G(o.all_steps), 0, 0, NULL, "compare every step", {0}, NULL},
    {"--by-run", 0, NULL, 0, CLI_FLAG, G(o.by_run), 0, 0, NULL, "compare run by run instead of pooling runs", {0},
     NULL},
    {"--abs", 0, "X", 0, CLI_CUSTOM, 0, 0, 0, set_tolerance, "tolerance: values within X pass", {0}, NULL},
    {"--rel", 0, "Y", 0, CLI_CUSTOM, 0, 0, 0, set_tolerance,
     "tolerance: values within Y * max(|A|, |B|) pass (a value passes when within either tolerance)", {0}, NULL},
    {"--noise", 0, NULL, 0, CLI_FLAG, G(o.noise_gate), 0, 0, NULL,
     "fail when a difference is beyond sampling noise", {0}, NULL},
    {"--files", 0, "LIST", 1, CLI_CUSTOM, 0, 0, 0, set_files,
     "in folders, compare only these files, e.g. populations,summary", {0}, NULL},
    {"--top", 0, "N", 0, CLI_INT, G(top), 0, 1000000, NULL, "rows of the largest-differences table (default %g)",
     {COMPARE_DEFAULT_TOP, 0}, NULL},
    {"--sort", 0, "abs|rel", 0, CLI_CUSTOM, 0, 0, 0, set_sort,
     "rank differences by absolute (default) or relative size", {0}, NULL},
    {"--out", 0, "FILE", 0, CLI_STRING, G(out), 0, 0, NULL, "write every difference as tidy CSV to FILE", {0},
     NULL},
    {0},
};

static const cli_command compare_cmd = {
    "compare", "A B [options]",
    "\n"
    "Compares two outputs of demob run or demob sweep: A and B are output\n"
    "folders (every CSV file they both hold is compared: populations, flows,\n"
    "costs, budgets, summary, quantiles, points) or two CSV files of the same\n"
    "kind. Rows are aligned on their keys (point, run, step, origin, and state,\n"
    "flow, category or column). The final step is compared, with totals over\n"
    "origins; runs are pooled: each side shows the mean over runs with its 95%\n"
    "confidence interval, and '*' marks a difference beyond sampling noise\n"
    "(Welch's t-test). Rows on one side only are listed.\n"
    "\n",
    {{"options:", compare_options_table, 0}},
    "\n"
    "Memory does not grow with the number of rows: only the compared steps\n"
    "are kept, one entry per (point, step, origin, state) (and per run with\n"
    "--by-run), plus a few bytes per run.\n"
    "\n"
    "exit status:\n"
    "  0  compared; with --abs/--rel/--noise: everything within tolerance\n"
    "  1  with --abs/--rel: a value differs beyond tolerance, a row or file is\n"
    "     on one side only; with --noise: a difference beyond sampling noise;\n"
    "     or FILE of --out could not be written\n"
    "  2  bad usage or bad input: a missing folder or file, an empty CSV, a\n"
    "     non-numeric or NaN cell (file:line:column), files of different kinds\n"
    "     or headers, outputs that cannot be aligned\n",
    set_ab,
};

/* Returns 1 to go on, else 0 with the exit code. */
static int parse(int argc, char **argv, args *g, int *code)
{
    memset(g, 0, sizeof *g);
    compare_options_init(&g->o);
    g->top = COMPARE_DEFAULT_TOP;
    if (!cli_parse_args(&compare_cmd, argc, argv, g, code))
        return 0;
    if (!g->a || !g->b) {
        demob_error err = {0};
        demob_error_set(&err, DEMOB_EINPUT, "give two outputs to compare, A and B");
        *code = cli_usage_fail("compare", &err);
        return 0;
    }
    /* Dates: the step of A's run (its manifest's start and unit). */
    for (int k = 0; k < g->n_at; k++) {
        if (!g->at_text[k][0])
            continue;
        demob_error err = {0};
        int t;
        if (report_step_of_folder(g->a, g->at_text[k], "--at", &t, &err)) {
            *code = cli_usage_fail("compare", &err);
            return 0;
        }
        g->at[k] = t;
    }
    g->o.at = g->at;
    g->o.n_at = g->n_at;
    return 1;
}

static int wanted(const args *g, int i)
{
    if (g->n_files == 0)
        return 1;
    for (int k = 0; k < g->n_files; k++)
        if (is_compared(g->files[k], i))
            return 1;
    return 0;
}

static const jflat_entry *find(const jflat *j, const char *key)
{
    for (size_t i = 0; i < j->n; i++)
        if (strcmp(j->e[i].key, key) == 0)
            return &j->e[i];
    return NULL;
}

/* The manifests, when both folders have one: scenarios and the
 * parameters that differ, so a reader knows what A and B are. */
static void describe(const char *a, const char *b, strbuf *out)
{
    char pa[4096], pb[4096];
    path_join(pa, sizeof pa, a, "manifest.json");
    path_join(pb, sizeof pb, b, "manifest.json");
    jflat ma = { 0 }, mb = { 0 };
    demob_error err = { 0 };
    if (jflat_load(pa, &ma, &err) == 0 && jflat_load(pb, &mb, &err) == 0) {
        const jflat *m[2] = { &ma, &mb };
        for (int s = 0; s < 2; s++) {
            const char *name = jflat_get(m[s], "scenario"), *mode = jflat_get(m[s], "mode");
            const char *runs = jflat_get(m[s], "runs");
            strbuf_printf(out, "%s = %s: %s (%s, %s run%s)\n", s ? "B" : "A", s ? b : a,
                          name ? name : "?", mode ? mode : "?", runs ? runs : "?",
                          runs && strcmp(runs, "1") == 0 ? "" : "s");
        }
        int n = 0;
        for (size_t i = 0; i < ma.n + mb.n; i++) {
            const jflat_entry *e = i < ma.n ? &ma.e[i] : &mb.e[i - ma.n];
            if (strncmp(e->key, "params.", 7) != 0)
                continue;
            const jflat_entry *ea = find(&ma, e->key), *eb = find(&mb, e->key);
            if (i >= ma.n && ea)
                continue;   /* in both: listed from A already */
            if (ea && eb && strcmp(ea->value, eb->value) == 0)
                continue;
            char ba[64], bb[64];
            strbuf_printf(out, "%s%s %s -> %s", n++ ? ", " : "Parameters that differ: ", e->key + 7,
                          ea ? jflat_display(ea, ba, sizeof ba) : "(none)",
                          eb ? jflat_display(eb, bb, sizeof bb) : "(none)");
        }
        strbuf_puts(out, n ? "\n" : "Parameters: the same\n");
        /* The files each read (manifest "inputs"): a module or a CSV that
         * changed moves the results as a parameter does. */
        strbuf diff;
        strbuf_init(&diff);
        int k = inputs_compare_manifests(&ma, &mb, &diff);
        if (k == 0)
            strbuf_puts(out, "Inputs: the same\n");
        else if (k > 0)
            strbuf_printf(out, "Inputs that differ:\n%s", diff.data ? diff.data : "");
        strbuf_free(&diff);
        strbuf_puts(out, "\n");
    }
    jflat_free(&ma);
    jflat_free(&mb);
}

/* Compares one pair of files; appends to the table and the CSV. Returns
 * 0 (and *failed), or the error status. */
static int one_pair(const args *g, const char *pa, const char *pb, const char *label,
                    strbuf *table, strbuf *csv, int *first_csv, int *failed, demob_error *err)
{
    compare_result res;
    int rc = compare_files(pa, pb, &g->o, &res, err);
    if (rc == 0) {
        compare_format_table(&res, &g->o, g->top, g->by_rel, table);
        strbuf_putc(table, '\n');
        if (g->out) {
            compare_format_csv(&res, label, *first_csv, csv);
            *first_csv = 0;
        }
        *failed |= compare_failed(&res, &g->o);
    }
    compare_result_free(&res);
    return rc;
}

static int run(const args *g, strbuf *table, strbuf *csv, int *failed, demob_error *err)
{
    int ka = path_kind(g->a), kb = path_kind(g->b);
    const char *p[2] = { g->a, g->b };
    int k[2] = { ka, kb };
    for (int s = 0; s < 2; s++)
        if (k[s] <= 0)
            return demob_error_set(err, DEMOB_EINPUT, "%s: %s", p[s],
                                   k[s] == 0 ? "no such folder or file" : "not a folder or a file");
    if (ka != kb)
        return demob_error_set(err, DEMOB_EINPUT,
                               "cannot compare a folder with a file: %s is a %s, %s is a %s",
                               g->a, ka == 1 ? "folder" : "file", g->b, kb == 1 ? "folder" : "file");
    int first_csv = 1;
    if (ka == 2) {
        char label[256];
        path_basename(label, sizeof label, g->a);
        return one_pair(g, g->a, g->b, label, table, csv, &first_csv, failed, err);
    }
    describe(g->a, g->b, table);
    int compared = 0, in_a = 0, in_b = 0;
    for (int i = 0; i < N_COMPARED; i++) {
        if (!comparable(i) || !wanted(g, i))
            continue;
        char pa[4096], pb[4096];
        path_join(pa, sizeof pa, g->a, compared_name(i));
        path_join(pb, sizeof pb, g->b, compared_name(i));
        int ha = path_kind(pa) == 2, hb = path_kind(pb) == 2;
        in_a += ha;
        in_b += hb;
        if (ha != hb) {
            strbuf_printf(table, "%s: only in %s (not compared)\n\n", compared_name(i), ha ? "A" : "B");
            if (g->o.has_abs || g->o.has_rel)
                *failed = 1;
            continue;
        }
        if (!ha)
            continue;
        int rc = one_pair(g, pa, pb, compared_name(i), table, csv, &first_csv, failed, err);
        if (rc)
            return rc;
        compared++;
    }
    if (compared == 0) {
        for (int s = 0; s < 2; s++)
            if ((s ? in_b : in_a) == 0)
                return demob_error_set(err, DEMOB_EINPUT,
                                       "%s: not a demob output folder (no populations.csv, "
                                       "summary.csv or other output file%s)", p[s],
                                       g->n_files ? " of those given in --files" : "");
        return demob_error_set(err, DEMOB_EINPUT, "%s and %s have no output file in common",
                               g->a, g->b);
    }
    return 0;
}

int cmd_compare(int argc, char **argv)
{
    args g;
    int code;
    if (!parse(argc, argv, &g, &code))
        return code;
    demob_error err = { 0 };
    strbuf table, csv;
    strbuf_init(&table);
    strbuf_init(&csv);
    int failed = 0;
    int rc = run(&g, &table, &csv, &failed, &err);
    if (rc == 0 && g.out)
        rc = atomic_write_buffer(g.out, &csv, &err);
    if (table.len)
        fwrite(table.data, 1, table.len, stdout);
    fflush(stdout);
    strbuf_free(&table);
    strbuf_free(&csv);
    if (rc != 0) {
        err.status = rc;
        return cli_fail("compare", &err);
    }
    if (g.o.has_abs || g.o.has_rel || g.o.noise_gate)
        fprintf(stderr, "demob compare: %s\n",
                failed ? "DIFFERENT: beyond the tolerance (or sampling noise with --noise)"
                       : "OK: everything within the tolerance");
    return failed ? 1 : 0;
}
