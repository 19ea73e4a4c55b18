/* answer.c - the answer table of `demob run` (see answer.h). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "outcome.h"
#include "util/stats_table.h"

int output_parse_step_unbounded(const demob_model *m, const char *text, int *t)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (*text && *end == '\0' && errno == 0) {
        if (v < 0 || v > INT_MAX)
            return -1;
        *t = (int)v;
        return 0;
    }
    demob_error e = {0};
    int k = demob_model_step_of_date(m, text, &e);
    if (k < 0)
        return -1;
    *t = k;
    return 0;
}

int output_parse_step(const demob_model *m, const char *text, int *t, demob_error *err)
{
    int steps = demob_model_steps(m);
    const char *first = demob_model_date(m, 0), *last = demob_model_date(m, steps);
    char span[200];
    if (*first)
        snprintf(span, sizeof span, "steps 0..%d, dates %s..%s", steps, first, last);
    else
        snprintf(span, sizeof span, "steps 0..%d", steps);
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (*text && *end == '\0' && errno == 0) {
        if (v < 0 || v > steps)
            return demob_error_set(err, DEMOB_EINPUT, "step %s is outside the run (%s)", text, span);
        *t = (int)v;
        return 0;
    }
    demob_error e = {0};
    int k = demob_model_step_of_date(m, text, &e);
    if (k < 0)
        return demob_error_set(err, DEMOB_EINPUT, "%s (the run has %s)", e.message, span);
    if (k > steps)
        return demob_error_set(err, DEMOB_EINPUT, "the date %s is outside the run (%s)", text, span);
    *t = k;
    return 0;
}

int output_parse_steps(const demob_model *m, const char *list, const char *option, int *steps, int max,
                       demob_error *err)
{
    int n = 0;
    const char *q = list;
    if (!*q)
        return demob_error_set(err, DEMOB_EINPUT, "%s: no step or date given", option);
    while (*q) {
        size_t len = strcspn(q, ",");
        char one[64];
        if (len == 0 || len >= sizeof one)
            return demob_error_set(err, DEMOB_EINPUT, "%s: '%s' is not a list of steps or dates", option, list);
        if (n >= max)
            return demob_error_set(err, DEMOB_EINPUT, "%s: at most %d steps", option, max);
        memcpy(one, q, len);
        one[len] = '\0';
        demob_error e = {0};
        if (output_parse_step(m, one, &steps[n], &e))
            return demob_error_set(err, DEMOB_EINPUT, "%s: %s", option, e.message);
        n++;
        q += len + (q[len] == ',');
    }
    return n;
}

int output_answer_default_steps(const demob_model *m, int *steps)
{
    int T = demob_model_steps(m), per_year = 12;
    demob_unit u = demob_model_unit(m);
    if (u == DEMOB_UNIT_WEEK)
        per_year = 52;
    else if (u == DEMOB_UNIT_DAY)
        per_year = 365;
    if (T >= 2 * per_year) {
        steps[0] = per_year;
        steps[1] = 2 * per_year;
        return 2;
    }
    if (T >= 2) {
        steps[0] = T / 2;
        steps[1] = T;
        return 2;
    }
    steps[0] = T;
    return 1;
}

/* The origins of a group "A", "tag" or "A+B+tag" into mask; 0, or -1
 * with the part that names nothing in bad. */
static int group_origins(const demob_model *m, const char *group, unsigned char *mask, int *tmp, char *bad,
                         size_t bad_size)
{
    int n_o = demob_model_n_origins(m);
    memset(mask, 0, (size_t)n_o);
    if (strcmp(group, "all") == 0) {
        memset(mask, 1, (size_t)n_o);
        return 0;
    }
    const char *q = group;
    while (*q) {
        size_t len = strcspn(q, "+");
        char name[256];
        if (len == 0 || len >= sizeof name) {
            snprintf(bad, bad_size, "%s", group);
            return -1;
        }
        memcpy(name, q, len);
        name[len] = '\0';
        demob_error e;
        int k = demob_model_resolve_origins(m, name, tmp, &e);
        if (k < 0) {
            snprintf(bad, bad_size, "%s", name);
            return -1;
        }
        for (int i = 0; i < k; i++)
            mask[tmp[i]] = 1;
        q += len + (q[len] == '+');
    }
    return 0;
}

typedef struct row {
    char label[400];
    size_t *series;
    int n;
} row;

int output_answer_format(const output_quant *q, const output_answer *a, const char *what_origin,
                         const char *what_state, strbuf *out, demob_error *err)
{
    const demob_model *m = q->m;
    int n_o = demob_model_n_origins(m), n_s = demob_model_n_states(m), n_out = q->oc ? q->oc->n : 0;
    static const char *const all[] = {"all"};
    const char *const *origins = a->n_origins ? a->origins : all;
    int n_groups = a->n_origins ? a->n_origins : 1;
    /* The rows' items: states or outcomes. */
    int n_items = a->n_states ? a->n_states : n_out ? n_out : n_s;
    int *item = calloc((size_t)n_items + 1, sizeof *item); /* >= 0 state, < 0: -1 - outcome */
    unsigned char *mask = calloc((size_t)n_o + 1, 1);
    int *tmp = calloc((size_t)n_o + 1, sizeof *tmp);
    row *rows = calloc((size_t)n_items * (size_t)n_groups + 1, sizeof *rows);
    int n_rows = 0, rc = 0;
    if (!item || !mask || !tmp || !rows) {
        rc = demob_error_set(err, DEMOB_ERUN, "out of memory");
        goto done;
    }
    for (int i = 0; i < n_items; i++) {
        if (!a->n_states) {
            item[i] = n_out ? -1 - i : i;
            continue;
        }
        int s = demob_model_find_state(m, a->states[i]);
        int o = output_outcomes_find(q->oc, a->states[i]);
        if (s < 0 && o < 0) {
            strbuf known;
            strbuf_init(&known);
            for (int k = 0; k < n_s; k++)
                strbuf_printf(&known, "%s%s", k ? ", " : "", demob_model_state_name(m, k));
            for (int k = 0; k < n_out; k++)
                strbuf_printf(&known, ", %s", q->oc->v[k].name);
            rc = demob_error_set(err, DEMOB_EINPUT, "%s: unknown state or outcome '%s' (known: %.400s)", what_state,
                                 a->states[i], known.failed ? "?" : known.data);
            strbuf_free(&known);
            goto done;
        }
        item[i] = s >= 0 ? s : -1 - o;
    }
    char bad[256];
    for (int g = 0; g < n_groups; g++)
        if (group_origins(m, origins[g], mask, tmp, bad, sizeof bad)) {
            rc = demob_error_set(err, DEMOB_EINPUT, "%s: '%s' names no origin or tag (use A+B to add origins up)",
                                 what_origin, bad);
            goto done;
        }
    /* Rows: each state for each group of origins; each outcome once. */
    for (int i = 0; i < n_items; i++)
        for (int g = 0; g < (item[i] >= 0 ? n_groups : 1); g++) {
            row *r = &rows[n_rows++];
            if (item[i] < 0) {
                size_t k = q->n_cells + (size_t)(-1 - item[i]);
                r->series = malloc(sizeof *r->series);
                if (!r->series) {
                    rc = demob_error_set(err, DEMOB_ERUN, "out of memory");
                    goto done;
                }
                r->series[r->n++] = k;
                snprintf(r->label, sizeof r->label, "%s", q->oc->v[-1 - item[i]].name);
                continue;
            }
            group_origins(m, origins[g], mask, tmp, bad, sizeof bad);
            r->series = malloc((size_t)n_o * sizeof *r->series);
            if (!r->series) {
                rc = demob_error_set(err, DEMOB_ERUN, "out of memory");
                goto done;
            }
            for (int o = 0; o < n_o; o++)
                if (mask[o])
                    r->series[r->n++] = (size_t)o * (size_t)n_s + (size_t)item[i];
            snprintf(r->label, sizeof r->label, "%s %s", origins[g], demob_model_state_name(m, item[i]));
        }
    int ks[256];
    for (int c = 0; c < a->n_steps && c < 256; c++)
        if ((ks[c] = output_quant_step(q, a->steps[c])) < 0) {
            rc = demob_error_set(err, DEMOB_EINPUT,
                                 "step %d was not recorded (--every): choose recorded steps or save every step",
                                 a->steps[c]);
            goto done;
        }
    {
        int n_cols = a->n_steps < 256 ? a->n_steps : 256;
        char (*cols)[80] = calloc((size_t)n_cols + 1, sizeof *cols);
        char (*cells)[120] = calloc((size_t)n_rows * (size_t)n_cols + 1, sizeof *cells);
        const char **colp = calloc((size_t)n_cols + 1, sizeof *colp);
        const char **cellp = calloc((size_t)n_rows * (size_t)n_cols + 1, sizeof *cellp);
        const char **rowp = calloc((size_t)n_rows + 1, sizeof *rowp);
        double *vals = malloc(((size_t)q->runs + 1) * sizeof *vals);
        if (cols && cells && colp && cellp && rowp && vals) {
            for (int c = 0; c < n_cols; c++) {
                const char *date = demob_model_date(m, a->steps[c]);
                if (*date)
                    snprintf(cols[c], sizeof cols[c], "%s (t=%d)", date, a->steps[c]);
                else
                    snprintf(cols[c], sizeof cols[c], "t=%d", a->steps[c]);
                colp[c] = cols[c];
            }
            for (int r = 0; r < n_rows; r++) {
                rowp[r] = rows[r].label;
                for (int c = 0; c < n_cols; c++) {
                    size_t i = (size_t)r * (size_t)n_cols + (size_t)c;
                    output_quant_sum(q, ks[c], rows[r].series, rows[r].n, vals);
                    stats_table_cell(vals, (size_t)q->runs, cells[i], sizeof cells[i]);
                    cellp[i] = cells[i];
                }
            }
            if (a->range)
                strbuf_printf(out, "%s\n", a->range);
            stats_table_print(out, "", colp, n_cols, rowp, cellp, n_rows);
            /* What each outcome in the table sums. */
            for (int i = 0; i < n_items; i++)
                if (item[i] < 0)
                    strbuf_printf(out, "  %s: %s\n", q->oc->v[-1 - item[i]].name, q->oc->v[-1 - item[i]].what);
        }
        else
            rc = demob_error_set(err, DEMOB_ERUN, "out of memory");
        free(cols);
        free(cells);
        free(colp);
        free(cellp);
        free(rowp);
        free(vals);
    }
done:
    for (int r = 0; rows && r < n_rows; r++)
        free(rows[r].series);
    free(rows);
    free(item);
    free(mask);
    free(tmp);
    return rc;
}
