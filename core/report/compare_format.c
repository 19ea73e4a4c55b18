/* compare_format.c - turns a compare_result into what people read (an
 * aligned text table) and what programs read (tidy CSV). Deterministic:
 * the same result always gives the same bytes. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "util/csv_write.h"

#define OVERVIEW_MAX_ROWS 60   /* beyond this the CSV (--out) has the rest */
#define TABLE_MAX_COLS 12

void compare_fmt_num(char *buf, size_t size, double v)
{
    /* Into a buffer big enough for any double in %f, then cut to size. */
    char tmp[400];
    if (isnan(v))
        snprintf(tmp, sizeof tmp, "-");
    else if (fabs(v) < 1e15 && v == floor(v))
        snprintf(tmp, sizeof tmp, "%.0f", v == 0 ? 0.0 : v);
    else if (fabs(v) >= 1e15)
        snprintf(tmp, sizeof tmp, "%.6g", v);
    else if (fabs(v) >= 100)
        snprintf(tmp, sizeof tmp, "%.1f", v);
    else
        snprintf(tmp, sizeof tmp, "%.4g", v);
    size_t n = strlen(tmp);
    if (size == 0)
        return;
    if (n >= size)
        n = size - 1;
    memcpy(buf, tmp, n);
    buf[n] = '\0';
}

static void fmt_signed(char *buf, size_t size, double v)
{
    char tmp[64];
    compare_fmt_num(tmp, sizeof tmp, fabs(v));
    snprintf(buf, size, "%s%s", v > 0 ? "+" : v < 0 ? "-" : "", tmp);
}

static void fmt_rel(char *buf, size_t size, const compare_cell *c)
{
    if (c->status == CMP_ONLY_A || c->status == CMP_ONLY_B)
        snprintf(buf, size, "-");
    else if (isnan(c->rel))
        snprintf(buf, size, "new");    /* A is 0, B is not */
    else if (fabs(c->rel) >= 0.001 || c->rel == 0)
        snprintf(buf, size, "%+.1f%%", 100 * c->rel);
    else
        snprintf(buf, size, "%+.2g%%", 100 * c->rel);
}

static void fmt_side(char *buf, size_t size, const compare_side *s)
{
    char m[64], h[64];
    if (s->n == 0) {
        snprintf(buf, size, "(absent)");
        return;
    }
    compare_fmt_num(m, sizeof m, s->mean);
    if (s->n < 2 || s->hi == s->mean) {   /* no spread to show */
        snprintf(buf, size, "%s", m);
        return;
    }
    compare_fmt_num(h, sizeof h, s->hi - s->mean);
    snprintf(buf, size, "%s ± %s", m, h);
}

/* A text table: cells kept until rendered, columns padded to their
 * widest cell (UTF-8 aware: "±" is one column). */
typedef struct ttable {
    int ncols;
    const char *head[TABLE_MAX_COLS];
    int right[TABLE_MAX_COLS];
    char **cells;
    size_t nrows, cap;
} ttable;

static void tt_row(ttable *t, const char *const *vals)
{
    if (t->nrows == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 32;
        char **c = realloc(t->cells, cap * (size_t)t->ncols * sizeof *c);
        if (!c)
            return;   /* a shorter table; the CSV is still complete */
        t->cells = c;
        t->cap = cap;
    }
    for (int j = 0; j < t->ncols; j++)
        t->cells[t->nrows * (size_t)t->ncols + (size_t)j] = strdup(vals[j] ? vals[j] : "");
    t->nrows++;
}

static size_t width(const char *s)
{
    size_t w = 0;
    for (; s && *s; s++)
        w += ((unsigned char)*s & 0xC0) != 0x80;   /* count UTF-8 lead bytes */
    return w;
}

static void pad(strbuf *out, size_t n)
{
    while (n--)
        strbuf_putc(out, ' ');
}

static void tt_render(ttable *t, strbuf *out)
{
    size_t w[TABLE_MAX_COLS];
    for (int j = 0; j < t->ncols; j++) {
        w[j] = width(t->head[j]);
        for (size_t i = 0; i < t->nrows; i++) {
            size_t x = width(t->cells[i * (size_t)t->ncols + (size_t)j]);
            if (x > w[j])
                w[j] = x;
        }
    }
    for (size_t i = 0; i <= t->nrows; i++) {
        strbuf_puts(out, " ");
        for (int j = 0; j < t->ncols; j++) {
            const char *s = i == 0 ? t->head[j] : t->cells[(i - 1) * (size_t)t->ncols + (size_t)j];
            size_t x = width(s);
            strbuf_puts(out, " ");
            if (t->right[j])
                pad(out, w[j] - x);
            strbuf_puts(out, s ? s : "");
            if (!t->right[j] && j + 1 < t->ncols)
                pad(out, w[j] - x);
        }
        /* No trailing blanks: strip what padding may have left. */
        while (out->len && out->data[out->len - 1] == ' ')
            out->data[--out->len] = '\0';
        strbuf_putc(out, '\n');
    }
    for (size_t i = 0; i < t->nrows * (size_t)t->ncols; i++)
        free(t->cells[i]);
    free(t->cells);
    t->cells = NULL;
    t->nrows = t->cap = 0;
}

static const char *item_title(tidy_kind k)
{
    switch (k) {
    case TIDY_FLOWS: return "flow";
    case TIDY_COSTS: return "category";
    case TIDY_BUDGETS: return "budget.value";
    case TIDY_SUMMARY: case TIDY_POINTS: return "column";
    default: return "state";
    }
}

/* Columns shown: point and run when keys, step and date when present. */
typedef struct layout {
    int point, run, step, date, origin;
} layout;

static layout layout_of(const compare_result *res)
{
    layout l = { 0, 0, 0, 0, 0 };
    for (size_t i = 0; i < res->n_cells; i++) {
        const compare_cell *c = &res->cells[i];
        l.point |= c->point >= 0;
        l.run |= c->run >= 0;
        l.step |= c->step >= 0;
        l.date |= c->date[0] != '\0';
        l.origin |= c->origin[0] != '\0';
    }
    return l;
}

static void tt_init(ttable *t, const compare_result *res, const layout *l, int with_origin,
                    int with_values)
{
    memset(t, 0, sizeof *t);
    int n = 0;
    if (l->point) { t->head[n] = "point"; t->right[n++] = 1; }
    if (l->run) { t->head[n] = "run"; t->right[n++] = 1; }
    if (l->step) { t->head[n] = "step"; t->right[n++] = 1; }
    if (l->date) { t->head[n] = "date"; t->right[n++] = 0; }
    if (with_origin && l->origin) { t->head[n] = "origin"; t->right[n++] = 0; }
    t->head[n] = item_title(res->kind);
    t->right[n++] = 0;
    if (with_values) {
        t->head[n] = "A"; t->right[n++] = 1;
        t->head[n] = "B"; t->right[n++] = 1;
        t->head[n] = "B-A"; t->right[n++] = 1;
        t->head[n] = "rel"; t->right[n++] = 1;
        t->head[n] = ""; t->right[n++] = 0;   /* the noise mark */
    }
    t->ncols = n;
}

static void tt_cell(ttable *t, const compare_cell *c, const layout *l, int with_origin,
                    int with_values)
{
    char point[24], run[24], step[24], a[160], b[160], d[80], r[64];
    const char *v[TABLE_MAX_COLS];
    int n = 0;
    snprintf(point, sizeof point, "%ld", c->point);
    snprintf(run, sizeof run, "%ld", c->run);
    snprintf(step, sizeof step, "%ld", c->step);
    if (l->point) v[n++] = c->point >= 0 ? point : "";
    if (l->run) v[n++] = c->run >= 0 ? run : "";
    if (l->step) v[n++] = c->step >= 0 ? step : "";
    if (l->date) v[n++] = c->date;
    if (with_origin && l->origin) v[n++] = c->origin;
    v[n++] = c->item;
    if (with_values) {
        fmt_side(a, sizeof a, &c->a);
        fmt_side(b, sizeof b, &c->b);
        if (isnan(c->diff))
            snprintf(d, sizeof d, "-");
        else
            fmt_signed(d, sizeof d, c->diff);
        fmt_rel(r, sizeof r, c);
        v[n++] = a;
        v[n++] = b;
        v[n++] = d;
        v[n++] = r;
        v[n++] = c->noise == 1 ? "*" : "";
    }
    tt_row(t, v);
}

typedef struct ranked {
    const compare_cell *c;
    double key;
} ranked;

static int ranked_cmp(const void *pa, const void *pb)
{
    const ranked *a = pa, *b = pb;
    if (a->key != b->key)
        return a->key > b->key ? -1 : 1;
    return a->c < b->c ? -1 : a->c > b->c;   /* then file order: stable */
}

static void overview(const compare_result *res, const layout *l, strbuf *out)
{
    /* Long kinds: the totals over origins; wide kinds: every cell. */
    int wide = res->kind == TIDY_SUMMARY || res->kind == TIDY_POINTS;
    int has_totals = 0;
    for (size_t i = 0; i < res->n_cells && !has_totals; i++)
        has_totals = strcmp(res->cells[i].origin, COMPARE_ALL) == 0;
    if (!wide && !has_totals)
        return;
    int pooled = 0;
    for (size_t i = 0; i < res->n_cells; i++)
        pooled |= res->cells[i].a.n > 1 || res->cells[i].b.n > 1;
    strbuf_printf(out, "%s%s:\n", wide ? "Every column" : "Totals over origins",
                  pooled ? " (mean ± 95% CI over runs)" : "");
    ttable t;
    layout lo = *l;
    tt_init(&t, res, &lo, wide, 1);
    size_t shown = 0, total = 0;
    for (size_t i = 0; i < res->n_cells; i++) {
        const compare_cell *c = &res->cells[i];
        if (!wide && strcmp(c->origin, COMPARE_ALL) != 0)
            continue;
        total++;
        if (shown < OVERVIEW_MAX_ROWS) {
            tt_cell(&t, c, &lo, wide, 1);
            shown++;
        }
    }
    tt_render(&t, out);
    if (shown < total)
        strbuf_printf(out, "  ... %zu more rows (all are in --out FILE)\n", total - shown);
    strbuf_putc(out, '\n');
}

void compare_format_table(const compare_result *res, const compare_options *o, int top,
                          int by_rel, strbuf *out)
{
    layout l = layout_of(res);
    const char *unit = res->kind == TIDY_QUANTILES || res->kind == TIDY_POINTS ? "point"
                       : res->has_point ? "point-run" : "run";
    strbuf_printf(out, "%s: A = %s (%ld %s%s), B = %s (%ld %s%s)\n", tidy_kind_name(res->kind),
                  res->path_a, res->samples_a, unit, res->samples_a == 1 ? "" : "s",
                  res->path_b, res->samples_b, unit, res->samples_b == 1 ? "" : "s");
    if (res->final_a >= 0) {
        strbuf_puts(out, "Steps compared: ");
        if (o->all_steps) {
            strbuf_puts(out, "all");
        } else {
            int first = 1;
            if (res->final_a == res->final_b) {
                strbuf_printf(out, "%ld (final)", res->final_a);
                first = 0;
            }
            for (int i = 0; i < o->n_at; i++)
                if (o->at[i] != res->final_a || res->final_a != res->final_b) {
                    strbuf_printf(out, "%s%ld", first ? "" : ", ", o->at[i]);
                    first = 0;
                }
        }
        strbuf_puts(out, o->by_run ? "; run by run\n" : "\n");
    }
    strbuf_putc(out, '\n');
    overview(res, &l, out);

    /* The largest differences among all cells with both sides. */
    size_t n = 0;
    ranked *rk = malloc((res->n_cells ? res->n_cells : 1) * sizeof *rk);
    if (rk) {
        for (size_t i = 0; i < res->n_cells; i++) {
            const compare_cell *c = &res->cells[i];
            if (c->status != CMP_DIFFERS && c->status != CMP_WITHIN)
                continue;
            double key = by_rel ? (isnan(c->rel) ? INFINITY : fabs(c->rel)) : fabs(c->diff);
            rk[n++] = (ranked){ c, key };
        }
        qsort(rk, n, sizeof *rk, ranked_cmp);
    }
    size_t show = n < (size_t)top ? n : (size_t)top;
    if (show > 0) {
        strbuf_printf(out, "Largest differences by %s (%zu of %zu):\n",
                      by_rel ? "relative size" : "absolute size", show, n);
        ttable t;
        tt_init(&t, res, &l, 1, 1);
        for (size_t i = 0; i < show; i++)
            tt_cell(&t, rk[i].c, &l, 1, 1);
        tt_render(&t, out);
        strbuf_putc(out, '\n');
    }
    free(rk);

    for (int side = 0; side < 2; side++) {
        compare_status want = side ? CMP_ONLY_B : CMP_ONLY_A;
        size_t count = side ? res->n_only_b : res->n_only_a;
        if (count == 0)
            continue;
        strbuf_printf(out, "Only in %s (%zu row%s):\n", side ? "B" : "A", count,
                      count == 1 ? "" : "s");
        ttable t;
        tt_init(&t, res, &l, 1, 0);
        size_t listed = 0;
        for (size_t i = 0; i < res->n_cells && listed < (size_t)top; i++)
            if (res->cells[i].status == want) {
                tt_cell(&t, &res->cells[i], &l, 1, 0);
                listed++;
            }
        tt_render(&t, out);
        if (listed < count)
            strbuf_printf(out, "  ... %zu more (all are in --out FILE)\n", count - listed);
        strbuf_putc(out, '\n');
    }
    for (int side = 0; side < 2; side++) {
        size_t k = side ? res->n_cols_only_b : res->n_cols_only_a;
        char **cols = side ? res->cols_only_b : res->cols_only_a;
        if (k == 0)
            continue;
        strbuf_printf(out, "Columns only in %s (not compared):", side ? "B" : "A");
        for (size_t i = 0; i < k; i++)
            strbuf_printf(out, " %s", cols[i]);
        strbuf_puts(out, "\n\n");
    }
    if (res->n_date_mismatch)
        strbuf_printf(out, "Note: %zu rows have the same step but different dates in A and B "
                           "(different start dates); rows are aligned by step.\n\n",
                      res->n_date_mismatch);

    size_t both = res->n_equal + res->n_within + res->n_differs;
    strbuf_printf(out, "%zu values in both: %zu equal", both, res->n_equal);
    if (o->has_abs || o->has_rel)
        strbuf_printf(out, ", %zu within tolerance", res->n_within);
    strbuf_printf(out, ", %zu differ%s", res->n_differs,
                  o->has_abs || o->has_rel ? " beyond tolerance" : "");
    if (res->n_only_a || res->n_only_b)
        strbuf_printf(out, "; %zu only in A, %zu only in B", res->n_only_a, res->n_only_b);
    int testable = 0;
    for (size_t i = 0; i < res->n_cells && !testable; i++)
        testable = res->cells[i].noise >= 0;
    if (testable)
        strbuf_printf(out, "; %zu beyond sampling noise (*: Welch's t-test, 95%%)", res->n_noise);
    strbuf_puts(out, ".\n");
}

void compare_format_csv(const compare_result *res, const char *file, int with_header,
                        strbuf *out)
{
    static const char *const head[] = {
        "file", "point", "run", "step", "date", "origin", "item", "a_n", "a_mean", "a_lo",
        "a_hi", "b_n", "b_mean", "b_lo", "b_hi", "diff", "rel", "beyond_noise", "status", NULL
    };
    if (with_header)
        csvw_header(out, head);
    for (size_t i = 0; i < res->n_cells; i++) {
        const compare_cell *c = &res->cells[i];
        csvw_str(out, 1, file);
        if (c->point >= 0) csvw_i64(out, 0, c->point); else csvw_str(out, 0, "");
        if (c->run >= 0) csvw_i64(out, 0, c->run); else csvw_str(out, 0, "");
        if (c->step >= 0) csvw_i64(out, 0, c->step); else csvw_str(out, 0, "");
        csvw_str(out, 0, c->date);
        csvw_str(out, 0, c->origin);
        csvw_str(out, 0, c->item);
        const compare_side *s[2] = { &c->a, &c->b };
        for (int k = 0; k < 2; k++) {
            csvw_i64(out, 0, s[k]->n);
            if (s[k]->n) csvw_f64(out, 0, s[k]->mean); else csvw_str(out, 0, "");
            if (s[k]->n > 1) {
                csvw_f64(out, 0, s[k]->lo);
                csvw_f64(out, 0, s[k]->hi);
            } else {
                csvw_str(out, 0, "");
                csvw_str(out, 0, "");
            }
        }
        if (!isnan(c->diff)) csvw_f64(out, 0, c->diff); else csvw_str(out, 0, "");
        if (!isnan(c->rel)) csvw_f64(out, 0, c->rel); else csvw_str(out, 0, "");
        if (c->noise >= 0) csvw_i64(out, 0, c->noise); else csvw_str(out, 0, "");
        csvw_str(out, 0, compare_status_name(c->status));
        csvw_end(out);
    }
}
