/* compare.c - the alignment and difference engine behind `demob compare`
 * (see compare.h for what it computes and its memory bound).
 *
 * Reading one side: rows arrive in blocks, one per (point, run). Each row
 * goes to its cell key (point, [run,] step, origin, item) and to the
 * total keys it contributes to; values are summed per key within the
 * block, and when the block ends every key it touched receives one sample
 * (Welford). So totals are per-run sums, and their spread over runs is
 * right, without keeping any run in memory after its block. A block seen
 * again later, or a key twice in one block, is an error: the file is not
 * what demob writes.
 *
 * Which steps: until the end of the file we do not know the last step, so
 * each side keeps the rows at steps >= the largest step seen so far (and
 * the --at steps). Every block's final-step rows are kept; rows of earlier
 * steps kept while the first block was read are ignored at the end. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "util/csv_write.h"
#include "util/keytab.h"
#include "util/runstats.h"

void compare_options_init(compare_options *o)
{
    memset(o, 0, sizeof *o);
}

static const char *const status_names[] = { "equal", "within", "differs", "only_a", "only_b" };

const char *compare_status_name(compare_status s)
{
    return status_names[s];
}

/* The key of an accumulator. All fields 8 bytes wide: no padding, so the
 * struct's bytes are the key. */
typedef struct ckey {
    int64_t point, run, step, origin, item;
} ckey;

typedef struct cacc {
    welford w[2];
    double block_sum;     /* sum within the current block */
    long block;           /* the block block_sum belongs to */
    long date[2];         /* name id of the date seen on each side, -1 */
    int total;            /* a total key (no duplicate check) */
} cacc;

typedef struct engine {
    const compare_options *o;
    compare_result *res;
    keytab *keys;         /* ckey -> accumulator */
    cacc *acc;
    size_t acc_cap;
    keytab *names;        /* strings: origins, items, dates */
    long all_id;          /* name id of COMPARE_ALL */
    long *touched;        /* keys touched in the current block */
    size_t n_touched, touched_cap;
    keytab *blocks;       /* (point, run) blocks seen on this side */
    long block;           /* current block number (global across sides) */
    int64_t cur_point, cur_run;
    int side;
    long max_step;
    int totals_origin, totals_item;   /* which totals this kind gets */
    const char *path;
    char *skip;           /* wide kinds: value columns absent on the other side */
} engine;

static int oom(engine *e, demob_error *err)
{
    return demob_error_set(err, DEMOB_ERUN, "%s: out of memory", e->path);
}

static long name_id(engine *e, const char *s)
{
    return keytab_intern_str(e->names, s);
}

/* The accumulator of key k, creating it. -1 on OOM. */
static long acc_get(engine *e, const ckey *k, int total)
{
    int added;
    long i = keytab_intern(e->keys, k, sizeof *k, &added);
    if (i < 0 || !added)
        return i;
    if ((size_t)i >= e->acc_cap) {
        size_t cap = e->acc_cap ? e->acc_cap * 2 : 256;
        cacc *a = realloc(e->acc, cap * sizeof *a);
        if (!a)
            return -1;
        e->acc = a;
        e->acc_cap = cap;
    }
    memset(&e->acc[i], 0, sizeof e->acc[i]);
    e->acc[i].block = -1;
    e->acc[i].date[0] = e->acc[i].date[1] = -1;
    e->acc[i].total = total;
    return i;
}

static int touch(engine *e, long i)
{
    if (e->n_touched == e->touched_cap) {
        size_t cap = e->touched_cap ? e->touched_cap * 2 : 256;
        long *t = realloc(e->touched, cap * sizeof *t);
        if (!t)
            return -1;
        e->touched = t;
        e->touched_cap = cap;
    }
    e->touched[e->n_touched++] = i;
    e->acc[i].block = e->block;
    e->acc[i].block_sum = 0;
    return 0;
}

/* The current block is complete: one sample per key it touched. */
static void flush_block(engine *e)
{
    for (size_t j = 0; j < e->n_touched; j++) {
        cacc *a = &e->acc[e->touched[j]];
        stats_welford_add(&a->w[e->side], a->block_sum);
        a->block_sum = 0;
    }
    e->n_touched = 0;
}

static int in_at(const compare_options *o, long step)
{
    for (int i = 0; i < o->n_at; i++)
        if (o->at[i] == step)
            return 1;
    return 0;
}

static int add_to(engine *e, const ckey *k, int total, double v, long date, const tidy_row *row,
                  demob_error *err)
{
    long i = acc_get(e, k, total);
    if (i < 0)
        return oom(e, err);
    cacc *a = &e->acc[i];
    if (a->block != e->block) {
        if (touch(e, i) != 0)
            return oom(e, err);
        a = &e->acc[i];
    } else if (!total) {
        return demob_error_set(err, DEMOB_EINPUT,
                               "%s:%ld: duplicate row: run %ld, step %ld, origin '%s', '%s' "
                               "already appeared in this run", e->path, row->line, row->run,
                               row->step, row->origin, row->item);
    }
    a->block_sum += v;
    if (a->date[e->side] < 0)
        a->date[e->side] = date;
    return 0;
}

static int read_side(engine *e, tidy_reader *r, int side, demob_error *err)
{
    e->side = side;
    e->path = tidy_path(r);
    e->max_step = -1;
    e->n_touched = 0;
    keytab_free(e->blocks);
    e->blocks = keytab_new();
    if (!e->blocks)
        return oom(e, err);
    long nblocks = 0;
    int have_block = 0;
    size_t value_col = 0;   /* wide kinds: which value column this row is */
    size_t nvalues = tidy_nvalues(r);
    tidy_row row;
    int rc;
    while ((rc = tidy_next(r, &row, err)) > 0) {
        if (nvalues) {
            size_t c = value_col;
            value_col = (value_col + 1) % nvalues;
            if (e->skip && e->skip[c])
                continue;
        }
        if (!have_block || row.point != e->cur_point || row.run != e->cur_run) {
            if (have_block)
                flush_block(e);
            int64_t bk[2] = { row.point, row.run };
            int added;
            if (keytab_intern(e->blocks, bk, sizeof bk, &added) < 0)
                return oom(e, err);
            if (!added) {
                if (row.run >= 0)
                    return demob_error_set(err, DEMOB_EINPUT,
                                           "%s:%ld: the rows of run %ld%s are not together; "
                                           "compare reads files as demob writes them, each "
                                           "run in one block of rows", e->path, row.line, row.run,
                                           row.point >= 0 ? " of that point" : "");
                return demob_error_set(err, DEMOB_EINPUT,
                                       "%s:%ld: the rows of point %ld are not together",
                                       e->path, row.line, row.point);
            }
            have_block = 1;
            nblocks++;
            e->block++;
            e->cur_point = row.point;
            e->cur_run = row.run;
        }
        if (row.step >= 0) {
            int keep = e->o->all_steps || row.step >= e->max_step || in_at(e->o, row.step);
            if (row.step > e->max_step)
                e->max_step = row.step;
            if (!keep)
                continue;
        }
        long o = name_id(e, row.origin), it = name_id(e, row.item);
        long d = name_id(e, row.date);
        if (o < 0 || it < 0 || d < 0)
            return oom(e, err);
        ckey k = { row.point, e->o->by_run ? row.run : -1, row.step, o, it };
        if (add_to(e, &k, 0, row.value, d, &row, err) != 0)
            return err->status;
        if (e->totals_origin) {
            ckey t = k;
            t.origin = e->all_id;
            if (add_to(e, &t, 1, row.value, d, &row, err) != 0)
                return err->status;
            if (e->totals_item) {
                t.item = e->all_id;
                if (add_to(e, &t, 1, row.value, d, &row, err) != 0)
                    return err->status;
            }
        }
        if (e->totals_item) {
            ckey t = k;
            t.item = e->all_id;
            if (add_to(e, &t, 1, row.value, d, &row, err) != 0)
                return err->status;
        }
    }
    if (rc < 0)
        return err->status ? err->status : DEMOB_EINPUT;
    if (have_block)
        flush_block(e);
    if (nblocks == 0)
        return demob_error_set(err, DEMOB_EINPUT, "%s: no rows after the header", e->path);
    if (side == 0) {
        e->res->final_a = e->max_step;
        e->res->samples_a = nblocks;
    } else {
        e->res->final_b = e->max_step;
        e->res->samples_b = nblocks;
    }
    return 0;
}

/* Wide kinds: columns of one side missing on the other are set aside
 * (listed in the result, not compared). */
static int match_columns(engine *e, tidy_reader *ra, tidy_reader *rb, char **skip_a,
                         char **skip_b, demob_error *err)
{
    size_t na = tidy_nvalues(ra), nb = tidy_nvalues(rb), common = 0;
    compare_result *res = e->res;
    *skip_a = calloc(na ? na : 1, 1);
    *skip_b = calloc(nb ? nb : 1, 1);
    res->cols_only_a = calloc(na ? na : 1, sizeof(char *));
    res->cols_only_b = calloc(nb ? nb : 1, sizeof(char *));
    if (!*skip_a || !*skip_b || !res->cols_only_a || !res->cols_only_b)
        return oom(e, err);
    /* The columns of each side by name: a summary.csv has one per origin
     * and state, hundreds of thousands. */
    keytab *names[2] = {keytab_new(), keytab_new()};
    int rc = names[0] && names[1] ? 0 : oom(e, err);
    for (int side = 0; side < 2 && rc == 0; side++)
        for (size_t i = 0; i < (side ? nb : na) && rc == 0; i++)
            if (keytab_intern_str(names[side], tidy_value_name(side ? rb : ra, i)) < 0)
                rc = oom(e, err);
    for (int side = 0; side < 2 && rc == 0; side++) {
        tidy_reader *r = side ? rb : ra;
        size_t n = side ? nb : na;
        for (size_t i = 0; i < n && rc == 0; i++) {
            const char *c = tidy_value_name(r, i);
            if (keytab_find_str(names[!side], c) >= 0) {
                common += side == 0;
                continue;
            }
            (side ? *skip_b : *skip_a)[i] = 1;
            char *dup = strdup(c);
            if (!dup)
                rc = oom(e, err);
            else if (side)
                res->cols_only_b[res->n_cols_only_b++] = dup;
            else
                res->cols_only_a[res->n_cols_only_a++] = dup;
        }
    }
    keytab_free(names[0]);
    keytab_free(names[1]);
    if (rc)
        return rc;
    if (common == 0)
        return demob_error_set(err, DEMOB_EINPUT,
                               "cannot align %s and %s: no value column in common "
                               "(A: %s; B: %s)", tidy_path(ra), tidy_path(rb),
                               tidy_header(ra), tidy_header(rb));
    return 0;
}

static void side_stats(const welford *w, compare_side *s)
{
    s->n = w->n;
    s->mean = w->n ? w->mean : NAN;
    double var = stats_welford_var(w);
    s->sd = sqrt(var);
    double h = stats_ci95_half(w->n, var);
    s->lo = s->mean - h;
    s->hi = s->mean + h;
}

static int step_selected(const engine *e, long step, long final)
{
    if (step < 0 || e->o->all_steps || in_at(e->o, step))
        return 1;
    return final >= 0 && step == final;
}

/* Sort order: point, run, step, origin, item in first-seen order with the
 * totals last. */
static int is_all(const char *s)
{
    return strcmp(s, COMPARE_ALL) == 0;
}

static int cell_cmp(const void *pa, const void *pb)
{
    const compare_cell *a = pa, *b = pb;
#define CMP(x, y) do { if ((x) != (y)) return (x) < (y) ? -1 : 1; } while (0)
    CMP(a->point, b->point);
    CMP(a->run, b->run);
    CMP(a->step, b->step);
    int ra = is_all(a->origin), rb = is_all(b->origin);
    CMP(ra, rb);
    /* Strings are interned: the pointers into one arena are in first-seen
     * order, so comparing addresses keeps the file's order of names. */
    CMP((uintptr_t)a->origin, (uintptr_t)b->origin);
    ra = is_all(a->item);
    rb = is_all(b->item);
    CMP(ra, rb);
    CMP((uintptr_t)a->item, (uintptr_t)b->item);
#undef CMP
    return 0;
}

static void classify(const compare_options *o, compare_cell *c)
{
    c->noise = -1;
    c->diff = NAN;
    c->rel = NAN;
    if (c->b.n == 0) {
        c->status = CMP_ONLY_A;
        return;
    }
    if (c->a.n == 0) {
        c->status = CMP_ONLY_B;
        return;
    }
    c->diff = c->b.mean - c->a.mean;
    if (c->a.mean != 0)
        c->rel = c->diff / fabs(c->a.mean);
    else if (c->diff == 0)
        c->rel = 0;
    c->noise = stats_welch_beyond(c->a.n, c->a.mean, c->a.sd * c->a.sd, c->b.n, c->b.mean,
                            c->b.sd * c->b.sd);
    if (c->diff == 0) {
        c->status = CMP_EQUAL;
        return;
    }
    c->status = CMP_DIFFERS;
    if (o->has_abs || o->has_rel) {
        double d = fabs(c->diff);
        double abs_tol = o->has_abs ? o->abs_tol : 0;
        double rel_tol = o->has_rel ? o->rel_tol : 0;
        double scale = fmax(fabs(c->a.mean), fabs(c->b.mean));
        if (d <= abs_tol || d <= rel_tol * scale)
            c->status = CMP_WITHIN;
    }
}

static int build_cells(engine *e, demob_error *err)
{
    compare_result *res = e->res;
    size_t n = keytab_count(e->keys);
    long final = res->final_a == res->final_b ? res->final_a : -1;
    res->cells = calloc(n ? n : 1, sizeof *res->cells);
    if (!res->cells)
        return oom(e, err);
    for (size_t i = 0; i < n; i++) {
        ckey key;   /* copied out: the table's key bytes need not be aligned */
        memcpy(&key, keytab_key(e->keys, i, NULL), sizeof key);
        const ckey *k = &key;
        if (!step_selected(e, (long)k->step, final))
            continue;
        const cacc *a = &e->acc[i];
        compare_cell *c = &res->cells[res->n_cells++];
        c->point = (long)k->point;
        c->run = (long)k->run;
        c->step = (long)k->step;
        c->origin = keytab_key(e->names, (size_t)k->origin, NULL);
        c->item = keytab_key(e->names, (size_t)k->item, NULL);
        long da = a->date[0], db = a->date[1];
        c->date = keytab_key(e->names, (size_t)(da >= 0 ? da : db), NULL);
        if (da >= 0 && db >= 0 && da != db && !a->total)
            res->n_date_mismatch++;
        side_stats(&a->w[0], &c->a);
        side_stats(&a->w[1], &c->b);
        classify(e->o, c);
        switch (c->status) {
        case CMP_EQUAL: res->n_equal++; break;
        case CMP_WITHIN: res->n_within++; break;
        case CMP_DIFFERS: res->n_differs++; break;
        case CMP_ONLY_A: res->n_only_a++; break;
        case CMP_ONLY_B: res->n_only_b++; break;
        }
        if (c->noise == 1)
            res->n_noise++;
    }
    qsort(res->cells, res->n_cells, sizeof *res->cells, cell_cmp);
    return 0;
}

int compare_files(const char *path_a, const char *path_b, const compare_options *o,
                  compare_result *res, demob_error *err)
{
    memset(res, 0, sizeof *res);
    res->final_a = res->final_b = -1;
    engine e;
    memset(&e, 0, sizeof e);
    e.o = o;
    e.res = res;
    e.path = path_a;
    tidy_reader *ra = NULL, *rb = NULL;
    char *skip_a = NULL, *skip_b = NULL;
    int rc = 0;
    res->path_a = strdup(path_a);
    res->path_b = strdup(path_b);
    e.keys = keytab_new();
    e.names = keytab_new();
    res->names = e.names;
    if (!res->path_a || !res->path_b || !e.keys || !e.names) {
        rc = oom(&e, err);
        goto done;
    }
    e.all_id = name_id(&e, COMPARE_ALL);
    ra = tidy_open(path_a, err);
    if (!ra) {
        rc = err->status;
        goto done;
    }
    rb = tidy_open(path_b, err);
    if (!rb) {
        rc = err->status;
        goto done;
    }
    res->kind = tidy_kind_of(ra);
    if (tidy_kind_of(rb) != res->kind) {
        rc = demob_error_set(err, DEMOB_EINPUT,
                             "cannot compare %s with %s: A holds %s (header %s) but B holds %s "
                             "(header %s)", path_a, path_b, tidy_kind_name(res->kind),
                             tidy_header(ra), tidy_kind_name(tidy_kind_of(rb)), tidy_header(rb));
        goto done;
    }
    res->has_point = tidy_has_point(ra);
    if (tidy_has_point(rb) != res->has_point) {
        rc = demob_error_set(err, DEMOB_EINPUT,
                             "cannot align %s with %s: %s has a point column (a sweep) and %s "
                             "does not", path_a, path_b, res->has_point ? "A" : "B",
                             res->has_point ? "B" : "A");
        goto done;
    }
    e.totals_origin = res->kind == TIDY_POPULATIONS || res->kind == TIDY_FLOWS ||
                      res->kind == TIDY_COSTS;
    e.totals_item = res->kind == TIDY_COSTS;
    if ((res->kind == TIDY_SUMMARY || res->kind == TIDY_POINTS) &&
        (rc = match_columns(&e, ra, rb, &skip_a, &skip_b, err)) != 0)
        goto done;
    e.skip = skip_a;
    if ((rc = read_side(&e, ra, 0, err)) != 0)
        goto done;
    e.skip = skip_b;
    if ((rc = read_side(&e, rb, 1, err)) != 0)
        goto done;
    if (!o->all_steps && res->final_a != res->final_b && o->n_at == 0) {
        rc = demob_error_set(err, DEMOB_EINPUT,
                             "cannot align %s with %s: A ends at step %ld, B at step %ld "
                             "(different horizons); pass --at STEP to compare common steps",
                             path_a, path_b, res->final_a, res->final_b);
        goto done;
    }
    for (int i = 0; i < o->n_at && res->final_a >= 0; i++) {
        if (o->at[i] > res->final_a && o->at[i] > res->final_b) {
            rc = demob_error_set(err, DEMOB_EINPUT,
                                 "--at %ld: beyond the last step of both files (A %ld, B %ld)",
                                 o->at[i], res->final_a, res->final_b);
            goto done;
        }
    }
    if ((rc = build_cells(&e, err)) != 0)
        goto done;
    if (res->n_cells > 0 && res->n_equal + res->n_within + res->n_differs == 0) {
        rc = demob_error_set(err, DEMOB_EINPUT,
                             "cannot align %s with %s: no key in common (are they outputs of "
                             "the same model? origins and states must match)", path_a, path_b);
        goto done;
    }
done:
    tidy_close(ra);
    tidy_close(rb);
    free(skip_a);
    free(skip_b);
    keytab_free(e.keys);
    keytab_free(e.blocks);
    free(e.acc);
    free(e.touched);
    return rc;
}

void compare_result_free(compare_result *res)
{
    free(res->path_a);
    free(res->path_b);
    free(res->cells);
    for (size_t i = 0; i < res->n_cols_only_a; i++)
        free(res->cols_only_a[i]);
    for (size_t i = 0; i < res->n_cols_only_b; i++)
        free(res->cols_only_b[i]);
    free(res->cols_only_a);
    free(res->cols_only_b);
    keytab_free(res->names);
    memset(res, 0, sizeof *res);
}

int compare_failed(const compare_result *res, const compare_options *o)
{
    if ((o->has_abs || o->has_rel) &&
        (res->n_differs || res->n_only_a || res->n_only_b || res->n_cols_only_a ||
         res->n_cols_only_b))
        return 1;
    return o->noise_gate && res->n_noise > 0;
}
