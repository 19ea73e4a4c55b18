/* cmd_merge.c - `demob merge -o OUT DIR...`: joins the folders of a sweep
 * run as shards (demob sweep --shard K/N) into exactly the files one
 * unsharded sweep gives, byte for byte.
 *
 * Every CSV file of a sweep is sorted by its first column, `point`, and
 * each point lives in exactly one shard, so the merged file is a k-way
 * merge of the shards' rows by point (quantiles are per point, so they
 * merge exactly too). sensitivity.csv needs all points: it is computed
 * again from the merged points.csv and summary.csv, by the same code as
 * the sweep's. The folders must be finished shards (a manifest each) of
 * one sweep (same sweep id: scenario, settings and design), one folder per
 * shard 0..N-1. The files scripts write in runs are joined from the
 * pieces each shard keeps (scenario_csv_prepare). */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "util/atomic_file.h"
#include "cli.h"
#include "util/inputs.h"
#include "commands.h"
#include "util/csv_read.h"
#include "run/manifest.h"
#include "util/strbuf.h"
#include "sweep/sweep_journal.h"
#include "sweep/sweep_sens.h"
#include "sweep/sweep_shared.h"

typedef struct merge_args {
    const char *out;
    int quiet, n;
    const char **dirs;   /* argc entries */
} merge_args;

static int add_dir(void *ctx, const char *arg, demob_error *err)
{
    (void)err;
    merge_args *g = ctx;
    g->dirs[g->n++] = arg;
    return 0;
}

static const cli_option merge_options[] = {
    {"--out", 'o', "OUT", 0, CLI_STRING, offsetof(merge_args, out), 0, 0, NULL,
     "the merged folder (required; not one of the shard folders)", {0}, NULL},
    {"--quiet", 'q', NULL, 0, CLI_FLAG, offsetof(merge_args, quiet), 0, 0, NULL, "no summary line on stderr", {0},
     NULL},
    {0},
};

static const cli_command merge_cmd = {
    "merge", "-o OUT DIR...",
    "Joins the shard folders of one sweep (demob sweep --shard K/N, one folder per shard\n"
    "0..N-1) into OUT: the same files, byte for byte, as the sweep run unsharded, the files the\n"
    "scenario's runs write with csv.open included.\n",
    {{"options:", merge_options, 0}},
    "exit codes: 0 ok, 1 I/O failure, 2 bad usage, folders of different sweeps, an incomplete\n"
    "set of shards, or runs that gave one csv.open file different headers\n",
    add_dir,
};

static int fail(demob_error *err)
{
    return cli_fail("merge", err);
}

/* ------------------------------------------------ reading CSV records */

typedef struct rec_reader {
    FILE *f;
    const char *path;
    char *line;
    size_t cap;
    strbuf rec;          /* the current record, newline included */
    long point;          /* its first field */
    long lineno;
    int eof;
} rec_reader;

static size_t count_quotes(const char *s, size_t n)
{
    size_t q = 0;
    for (const char *p = s; (p = memchr(p, '"', n - (size_t)(p - s))) != NULL; p++)
        q++;
    return q;
}

/* Reads the next record (lines joined while a quote is open). */
static int rr_next(rec_reader *r, int header, demob_error *err)
{
    strbuf_clear(&r->rec);
    size_t quotes = 0;
    for (;;) {
        errno = 0;
        ssize_t n = getline(&r->line, &r->cap, r->f);
        if (n < 0) {
            if (errno)
                return demob_error_set(err, DEMOB_ERUN, "cannot read '%s': %s", r->path, strerror(errno));
            if (r->rec.len)
                return demob_error_set(err, DEMOB_EINPUT, "%s:%ld: unterminated quoted field", r->path, r->lineno);
            r->eof = 1;
            return 0;
        }
        r->lineno++;
        strbuf_append(&r->rec, r->line, (size_t)n);
        quotes += count_quotes(r->line, (size_t)n);
        if (quotes % 2 == 0)
            break;
    }
    if (r->rec.failed)
        return demob_error_set(err, DEMOB_ERUN, "out of memory");
    if (r->rec.len && r->rec.data[r->rec.len - 1] != '\n')
        strbuf_putc(&r->rec, '\n');
    if (header)
        return 0;
    char *end;
    errno = 0;
    long p = strtol(r->rec.data, &end, 10);
    if (end == r->rec.data || *end != ',' || errno || p < 0)
        return demob_error_set(err, DEMOB_EINPUT, "%s:%ld: a row must start with its point number", r->path,
                               r->lineno);
    if (p < r->point)
        return demob_error_set(err, DEMOB_EINPUT, "%s:%ld: point %ld after point %ld: rows are not sorted by point",
                               r->path, r->lineno, p, r->point);
    r->point = p;
    return 0;
}

/* How many rows each point must have in a merged file: `rows` > 0
 * exactly that many, 0 the same number for every point, -1 any; with
 * `every`, each of the sweep's `points` points has rows. */
typedef struct row_rule {
    long rows, points;
    int every;
} row_rule;

/* Checks the k rows of point p against the rule (*first: the count of the
 * first point, for rows == 0). */
static int check_rows(const row_rule *rule, const char *name, long p, long k, long *first, demob_error *err)
{
    if (p >= rule->points)
        return demob_error_set(err, DEMOB_EINPUT, "%s: point %ld, but the sweep has %ld points", name, p,
                               rule->points);
    if (rule->rows == 0 && *first < 0)
        *first = k;
    long want = rule->rows > 0 ? rule->rows : rule->rows == 0 ? *first : k;
    if (k != want)
        return demob_error_set(err, DEMOB_EINPUT, "%s: point %ld has %ld rows, expected %ld%s: rows are missing or "
                               "repeated in a shard", name, p, k, want,
                               rule->rows > 1 ? ", one per replicate" : rule->rows == 0 ? " as the first point" : "");
    return 0;
}

/* Merges file `name` of the n shard folders into out/name, checking the
 * rows of each point against `rule`. */
static int merge_file(const char *out, const char *const *dirs, int n, const char *name, const row_rule *rule,
                      demob_error *err)
{
    long first = -1, distinct = 0;
    rec_reader *rs = calloc((size_t)n, sizeof *rs);
    char **paths = calloc((size_t)n, sizeof *paths);
    atomic_file *dst = NULL;
    strbuf buf;
    strbuf_init(&buf);
    int rc = 0;
    if (!rs || !paths) {
        free(rs);
        free(paths);
        return demob_error_set(err, DEMOB_ERUN, "out of memory");
    }
    for (int i = 0; i < n && rc == 0; i++) {
        strbuf_init(&rs[i].rec);
        size_t len = strlen(dirs[i]) + strlen(name) + 2;
        if (!(paths[i] = malloc(len))) {
            rc = demob_error_set(err, DEMOB_ERUN, "out of memory");
            break;
        }
        snprintf(paths[i], len, "%s/%s", dirs[i], name);
        rs[i].path = paths[i];
        if (!(rs[i].f = fopen(paths[i], "r"))) {
            rc = demob_error_set(err, DEMOB_EINPUT, "cannot open '%s': %s", paths[i], strerror(errno));
            break;
        }
        if ((rc = rr_next(&rs[i], 1, err)))
            break;
        if (rs[i].eof) {
            rc = demob_error_set(err, DEMOB_EINPUT, "%s: empty file, expected a header", paths[i]);
            break;
        }
        if (i > 0 && (rs[i].rec.len != rs[0].rec.len || memcmp(rs[i].rec.data, rs[0].rec.data, rs[0].rec.len))) {
            rc = demob_error_set(err, DEMOB_EINPUT, "%s: its header differs from %s's", paths[i], paths[0]);
            break;
        }
    }
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", out, name);
    if (rc == 0 && !(dst = atomic_open(path, err)))
        rc = DEMOB_ERUN;
    if (rc == 0)
        strbuf_append(&buf, rs[0].rec.data, rs[0].rec.len);
    for (int i = 0; i < n && rc == 0; i++) {
        rs[i].point = -1;
        rc = rr_next(&rs[i], 0, err);
    }
    while (rc == 0) {
        int best = -1;
        for (int i = 0; i < n; i++) {
            if (rs[i].eof)
                continue;
            if (best >= 0 && rs[i].point == rs[best].point) {
                rc = demob_error_set(err, DEMOB_EINPUT, "point %ld is in two shards (%s and %s)", rs[i].point,
                                     rs[best].path, rs[i].path);
                break;
            }
            if (best < 0 || rs[i].point < rs[best].point)
                best = i;
        }
        if (rc || best < 0)
            break;
        long p = rs[best].point, k = 0;
        while (rc == 0 && !rs[best].eof && rs[best].point == p) {
            strbuf_append(&buf, rs[best].rec.data, rs[best].rec.len);
            rc = rr_next(&rs[best], 0, err);
            k++;
        }
        if (rc == 0)
            rc = check_rows(rule, name, p, k, &first, err);
        distinct++;
        if (rc == 0 && buf.len > (1 << 16)) {
            rc = buf.failed ? demob_error_set(err, DEMOB_ERUN, "out of memory")
                            : atomic_write(dst, buf.data, buf.len, err);
            strbuf_clear(&buf);
        }
    }
    if (rc == 0 && rule->every && distinct != rule->points)
        rc = demob_error_set(err, DEMOB_EINPUT, "%s: %ld of the sweep's %ld points have rows in the shards", name,
                             distinct, rule->points);
    if (rc == 0)
        rc = buf.failed ? demob_error_set(err, DEMOB_ERUN, "out of memory") : atomic_write(dst, buf.data, buf.len, err);
    if (rc == 0)
        rc = atomic_commit(dst, err);
    else
        atomic_abort(dst);
    for (int i = 0; i < n; i++) {
        if (rs[i].f)
            fclose(rs[i].f);
        free(rs[i].line);
        strbuf_free(&rs[i].rec);
        free(paths[i]);
    }
    free(rs);
    free(paths);
    strbuf_free(&buf);
    return rc;
}

/* ------------------------------------------------------ the manifest */

/* A value of shard 0's manifest, written back. The arrays a sweep's
 * manifest holds (report state lists) are arrays of names. */
static void json_value(strbuf *b, const jflat_entry *e)
{
    if (e->items)
        manifest_json_string_array(b, (const char *const *)e->items, (int)e->n_items);
    else if (e->is_string)
        manifest_json_string(b, e->value);
    else
        strbuf_puts(b, e->value);
}

/* The merged manifest: shard 0's, with command "merge", the totals, the
 * folders merged and this command line. */
static int write_manifest(const char *out, const sweep_shared_manifest *mf, const char *const *dirs, int n, int argc,
                          char **argv, demob_error *err)
{
    strbuf b;
    strbuf_init(&b);
    strbuf_puts(&b, "{");
    const char *group = NULL;
    size_t glen = 0;
    int first = 1, gfirst = 1;
    for (size_t i = 0; i < mf->j.n; i++) {
        const jflat_entry *e = &mf->j.e[i];
        const char *dot = strchr(e->key, '.');
        size_t plen = dot ? (size_t)(dot - e->key) : 0;
        if (strcmp(e->key, "command_line") == 0 || strcmp(e->key, "sweep.params") == 0 ||
            strcmp(e->key, "sweep.shard_index") == 0)
            continue;
        /* Close the open object when this key is not in it. */
        if (group && (!dot || plen != glen || strncmp(e->key, group, glen) != 0)) {
            strbuf_puts(&b, "\n  }");
            group = NULL;
        }
        if (dot && !group) {
            strbuf_puts(&b, first ? "\n  " : ",\n  ");
            strbuf_printf(&b, "\"%.*s\": {", (int)plen, e->key);
            group = e->key;
            glen = plen;
            gfirst = 1;
            first = 0;
        }
        if (group) {
            strbuf_puts(&b, gfirst ? "\n    " : ",\n    ");
            gfirst = 0;
            manifest_json_string(&b, dot + 1);
            strbuf_puts(&b, ": ");
        } else {
            strbuf_puts(&b, first ? "\n  " : ",\n  ");
            first = 0;
            manifest_json_string(&b, e->key);
            strbuf_puts(&b, ": ");
        }
        if (strcmp(e->key, "command") == 0)
            strbuf_puts(&b, "\"merge\"");
        else if (strcmp(e->key, "runs") == 0 || strcmp(e->key, "sweep.shard_runs") == 0)
            strbuf_printf(&b, "%ld", mf->points * mf->replicates);
        else if (strcmp(e->key, "sweep.shard_points") == 0)
            strbuf_printf(&b, "%ld", mf->points);
        else if (strcmp(e->key, "sweep.shard") == 0)
            strbuf_printf(&b, "\"merged from %ld shards\"", mf->shards);
        else
            json_value(&b, e);
    }
    if (group)
        strbuf_puts(&b, "\n  }");
    strbuf_puts(&b, ",\n  \"merged_from\": ");
    manifest_json_string_array(&b, (const char *const *)dirs, n);
    strbuf_puts(&b, ",\n  \"command_line\": ");
    manifest_json_string_array(&b, (const char *const *)argv, argc);
    strbuf_puts(&b, "\n}\n");
    char path[4400];
    snprintf(path, sizeof path, "%s/manifest.json", out);
    int rc = atomic_write_buffer(path, &b, err);
    strbuf_free(&b);
    return rc;
}

/* ---------------------------------------------------------- checking */

/* Same sweep, one folder per shard 0..N-1. */
static int check_set(const sweep_shared_manifest *mf, const char *const *dirs, int n, demob_error *err)
{
    for (int i = 0; i < n; i++)
        if (strcmp(mf[i].command, "sweep") != 0)
            return demob_error_set(err, DEMOB_EINPUT, "%s: not a sweep shard folder (made by demob %s)", dirs[i],
                                   mf[i].command);
    for (int i = 1; i < n; i++) {
        if (strcmp(mf[i].scenario, mf[0].scenario) != 0)
            return demob_error_set(err, DEMOB_EINPUT,
                                   "%s and %s come from different scenarios (scenario_sha256 %.12s and %.12s)",
                                   dirs[0], dirs[i], mf[0].scenario, mf[i].scenario);
        inputs_file *a = NULL, *b = NULL;
        int pa = 0, pb = 0, na = inputs_from_manifest(&mf[0].j, &a, &pa), nb = inputs_from_manifest(&mf[i].j, &b, &pb);
        char what[9000];
        snprintf(what, sizeof what, "%s and %s read different inputs", dirs[0], dirs[i]);
        int rc = pa && pb && na >= 0 && nb >= 0 ? cli_inputs_refuse(what, a, na, b, nb, NULL, err) : 0;
        free(a);
        free(b);
        if (rc)
            return rc;
        if (strcmp(mf[i].design, mf[0].design) != 0)
            return demob_error_set(err, DEMOB_EINPUT,
                                   "%s and %s come from different designs (design_sha256 %.12s and %.12s)", dirs[0],
                                   dirs[i], mf[0].design, mf[i].design);
        if (strcmp(mf[i].id, mf[0].id) != 0)
            return demob_error_set(err, DEMOB_EINPUT,
                                   "%s and %s come from different sweeps (same scenario and design, other "
                                   "settings: seed, steps, mode, --set, --save, --every or shard count)",
                                   dirs[0], dirs[i]);
        /* The same sweep id, so the same numbers: a manifest that says
         * otherwise was edited. */
        if (mf[i].shards != mf[0].shards || mf[i].points != mf[0].points || mf[i].replicates != mf[0].replicates ||
            mf[i].outcome_column != mf[0].outcome_column || strcmp(mf[i].files, mf[0].files) != 0)
            return demob_error_set(err, DEMOB_EINPUT,
                                   "%s and %s: the manifests of one sweep disagree (shard_count, points, "
                                   "replicates, outcome_column or files)",
                                   dirs[0], dirs[i]);
    }
    long sum = 0;
    for (int i = 0; i < n; i++) {
        const char *v = jflat_get(&mf[i].j, "sweep.shard_points");
        char *end;
        long sp = v ? strtol(v, &end, 10) : -1;
        if (!v || *end || sp < 0 || sp > mf[0].points)
            return demob_error_set(err, DEMOB_EINPUT, "%s: bad sweep.shard_points in its manifest", dirs[i]);
        sum += sp;
    }
    long N = mf[0].shards;
    for (int i = 0; i < n; i++)
        for (int k = 0; k < i; k++)
            if (mf[i].shard == mf[k].shard)
                return demob_error_set(err, DEMOB_EINPUT, "shard %ld/%ld is given twice (%s and %s)", mf[i].shard, N,
                                       dirs[k], dirs[i]);
    if (n == N && sum != mf[0].points)
        return demob_error_set(err, DEMOB_EINPUT, "the shards' manifests hold %ld points, the sweep %ld", sum,
                               mf[0].points);
    if (n != N) {
        strbuf miss;
        strbuf_init(&miss);
        int count = 0;
        for (long s = 0; s < N && count < 20; s++) {
            int have = 0;
            for (int i = 0; i < n; i++)
                have |= mf[i].shard == s;
            if (!have)
                strbuf_printf(&miss, "%s%ld", count++ ? ", " : "", s);
        }
        demob_error_set(err, DEMOB_EINPUT, "incomplete set of shards: %d of %ld given (missing %s%s)", n, N,
                        miss.data ? miss.data : "?", count >= 20 ? ", ..." : "");
        strbuf_free(&miss);
        return DEMOB_EINPUT;
    }
    return 0;
}

/* A shard folder whose task stopped before the end holds a journal and no
 * manifest: name it, so the merge job's log says which task to run again. */
static int check_finished_shard(const char *dir, demob_error *err)
{
    char path[4400];
    struct stat st;
    snprintf(path, sizeof path, "%s/manifest.json", dir);
    if (stat(path, &st) == 0)
        return 0;
    snprintf(path, sizeof path, "%s/%s", dir, SJ_JOURNAL_NAME);
    if (stat(path, &st) == 0)
        return demob_error_set(err, DEMOB_EINPUT,
                               "%s: an unfinished shard (a journal, no manifest.json): its task stopped before the "
                               "end; run it again with demob sweep ... --resume, then merge",
                               dir);
    return 0;
}

/* The files list of a manifest, "points.csv summary.csv ...
 * [sensitivity.csv]": known names only, each once, points.csv among them
 * (the list comes from a folder: it must never name a path). */
static int files_of(const char *list, const char *dir, int want[SW_NFILES], int *sens, demob_error *err)
{
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, " ");
        int f = 0;
        while (f < SW_NFILES && !(strlen(sweep_shared_file_names[f]) == len &&
                                  strncmp(p, sweep_shared_file_names[f], len) == 0))
            f++;
        int is_sens = len == strlen("sensitivity.csv") && strncmp(p, "sensitivity.csv", len) == 0;
        if ((f == SW_NFILES && !is_sens) || (f < SW_NFILES && want[f]) || (is_sens && *sens))
            return demob_error_set(err, DEMOB_EINPUT,
                                   "%s: bad sweep.files in its manifest (unknown or repeated file '%.*s')", dir,
                                   (int)(len > 80 ? 80 : len), p);
        if (is_sens)
            *sens = 1;
        else
            want[f] = 1;
        p += len + (p[len] == ' ');
    }
    if (!want[SW_POINTS])
        return demob_error_set(err, DEMOB_EINPUT, "%s: bad sweep.files in its manifest (no points.csv)", dir);
    return 0;
}

/* Removes the files a merge writes from out. */
static void clear_out(const char *out)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/manifest.json", out);
    unlink(path);
    for (int f = 0; f < SW_NFILES; f++) {
        snprintf(path, sizeof path, "%s/%s", out, sweep_shared_file_names[f]);
        unlink(path);
    }
    snprintf(path, sizeof path, "%s/sensitivity.csv", out);
    unlink(path);
}

static int same_dir(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

int cmd_merge(int argc, char **argv)
{
    demob_error err = {0};
    merge_args g = {0};
    if (!(g.dirs = calloc((size_t)argc + 1, sizeof *g.dirs))) {
        demob_error_set(&err, DEMOB_ERUN, "out of memory");
        return fail(&err);
    }
    int code;
    if (!cli_parse_args(&merge_cmd, argc, argv, &g, &code)) {
        free(g.dirs);
        return code;
    }
    if (!g.out || g.n == 0) {
        free(g.dirs);
        demob_error_set(&err, DEMOB_EINPUT, "%s", !g.out ? "no output folder: give -o OUT" : "no shard folders given");
        return cli_usage_fail("merge", &err);
    }
    const char *out = g.out, **dirs = g.dirs;
    int quiet = g.quiet, n = g.n;
    sweep_shared_manifest *mf = calloc((size_t)n, sizeof *mf);
    int rc = mf ? 0 : demob_error_set(&err, DEMOB_ERUN, "out of memory");
    int loaded = 0;
    for (int i = 0; i < n && rc == 0; i++, loaded++)
        if (!(rc = check_finished_shard(dirs[i], &err)))
            rc = sweep_shared_manifest_load(dirs[i], &mf[i], &err);
    if (rc == 0)
        rc = check_set(mf, dirs, n, &err);
    int dir_lock = -1;
    if (rc == 0 && atomic_make_dirs(out, &err) != 0)
        rc = DEMOB_ERUN;
    if (rc == 0)
        rc = atomic_lock_dir(out, &dir_lock, &err);
    for (int i = 0; i < n && rc == 0; i++)
        if (same_dir(out, dirs[i]))
            rc = demob_error_set(&err, DEMOB_EINPUT, "-o %s is one of the shard folders: merge into another folder",
                                 out);
    /* The pieces a killed merge left go; an unfinished sweep's refuse the
     * merge, before anything in out changes. */
    if (rc == 0)
        rc = scenario_csv_clear_left(out, &err);
    /* Files are replaced one at a time and the manifest comes last, so
     * clear what an earlier merge left: a merge that fails half way then
     * leaves a folder without a manifest (visibly unfinished), never one
     * that mixes two sweeps. */
    int out_ready = rc == 0;
    if (out_ready)
        clear_out(out);
    /* The files the shards' scripts wrote in runs: their pieces joined
     * in run order, checked before any file is written. */
    scenario_csv_files *script_files = NULL;
    if (rc == 0)
        rc = scenario_csv_prepare(out, dirs, n, &script_files, &err);
    int sens = 0, want[SW_NFILES] = {0};
    if (rc == 0)
        rc = files_of(mf[0].files, dirs[0], want, &sens, &err);
    for (int f = 0; f < SW_NFILES && rc == 0; f++)
        if (want[f]) {
            row_rule rule = {-1, mf[0].points, 0};
            if (f == SW_POINTS || f == OUT_SUMMARY)
                rule.rows = f == SW_POINTS ? 1 : mf[0].replicates;
            else if (f != OUT_FLOWS)
                rule.rows = 0;   /* the same rows for every point */
            rule.every = f != OUT_FLOWS && f != OUT_COSTS && f != OUT_BUDGETS;
            rc = merge_file(out, dirs, n, sweep_shared_file_names[f], &rule, &err);
        }
    if (rc == 0 && sens) {
        char pp[4400], sp[4400], op[4400];
        snprintf(pp, sizeof pp, "%s/points.csv", out);
        snprintf(sp, sizeof sp, "%s/summary.csv", out);
        snprintf(op, sizeof op, "%s/sensitivity.csv", out);
        rc = sweep_sensitivity(pp, sp, mf[0].outcome_column, op, &err);
    }
    if (rc == 0) {
        rc = scenario_csv_commit(script_files, &err);
        script_files = NULL;
    }
    if (rc == 0) {
        /* Shard 0's manifest, whatever order the folders came in. */
        int first = 0;
        for (int i = 0; i < n; i++)
            if (mf[i].shard == 0)
                first = i;
        rc = write_manifest(out, &mf[first], dirs, n, argc, argv, &err);
    }
    scenario_csv_abort(script_files);
    if (rc && out_ready) {
        demob_error ignore = {0};
        clear_out(out);   /* a shard refused half way: none of its files */
        scenario_csv_clear(out, &ignore);
    }
    if (rc == 0 && !quiet)
        fprintf(stderr, "demob merge: %d shard%s, %ld points x %ld replicates, written to %s/\n", n,
                n == 1 ? "" : "s", mf[0].points, mf[0].replicates, out);
    if (dir_lock >= 0)
        close(dir_lock);
    for (int i = 0; i < loaded; i++)
        sweep_shared_manifest_free(&mf[i]);
    free(mf);
    free(dirs);
    return rc ? fail(&err) : 0;
}
