/* output.c - formatting one run's rows of the CSV files (docs/commands.md) into
 * memory (see output.h for the columns). Labels (quoted names, the
 * "step,date," cells) are formatted once per model, so a row is a few
 * memcpy calls and one integer or number formatted by csv_write. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outcome.h"
#include "output.h"
#include "util/csv_write.h"
#include "util/keytab.h"

const char *const output_file_names[OUT_NFILES] = {"populations.csv", "flows.csv", "costs.csv", "budgets.csv",
                                                   "summary.csv", "constraints.csv"};

struct output_labels {
    const demob_model *m;
    /* The model's sizes, read once. */
    int steps, n_o, n_s, n_cells, n_links, n_cat, n_costs, n_budgets;
    strbuf step_date;      /* "t,date," for each t, offsets below */
    size_t *step_off;      /* [steps + 2] */
    strbuf cell;           /* "origin,state," per cell */
    size_t *cell_off;      /* [n_cells + 1] */
    strbuf link;           /* "origin,flow,from,to," per link */
    size_t *link_off;      /* [n_links + 1] */
    strbuf arrive;         /* "origin,,,state," per cell (no flow, no from) */
    size_t *arrive_off;
    strbuf cost;           /* "origin,category," per (origin + 1) x category */
    size_t *cost_off;
    unsigned char *cost_used; /* which (origin, category) rows exist */
    strbuf budget;         /* "budget," per budget */
    size_t *budget_off;
    const output_outcomes *outcomes; /* the plan's, or NULL */
    int *con_same;         /* [n_constraints]: earlier ceilings on the same
                            * state (a name "state#2" and on), counted once */
};

/* Appends a text field and a comma. */
static void field(strbuf *b, const char *s)
{
    csvw_str(b, 1, s);
    strbuf_putc(b, ',');
}

static int build_table(size_t **off, size_t n)
{
    *off = calloc(n + 1, sizeof **off);
    return *off ? 0 : -1;
}

/* For each ceiling, how many earlier ceilings cap the same state: one
 * pass with a hash of state names, not a scan of the earlier ones (one
 * ceiling per origin would make that origins squared, on every row of
 * constraints.csv). -1 when memory runs out. */
static int count_same_ceilings(output_labels *l)
{
    const demob_model *m = l->m;
    int n = demob_model_n_constraints(m);
    keytab *names = keytab_new();
    int *seen = calloc((size_t)n + 1, sizeof *seen);
    l->con_same = calloc((size_t)n + 1, sizeof *l->con_same);
    int rc = names && seen && l->con_same ? 0 : -1;
    for (int k = 0; k < n && rc == 0; k++) {
        if (strcmp(demob_model_constraint_kind(m, k), "ceiling") != 0)
            continue;
        long id = keytab_intern_str(names, demob_model_constraint_name(m, k));
        if (id < 0 || id > n)
            rc = -1;
        else
            l->con_same[k] = seen[id]++;
    }
    keytab_free(names);
    free(seen);
    return rc;
}

/* Builds the labels; without rows (headers and summaries only), the
 * per-step, per-cell and per-link tables are left out: they are O(steps)
 * and O(origins x states) of work no summary-only run needs. */
static output_labels *labels_build(const demob_model *m, const output_plan *p, int rows, demob_error *err)
{
    output_labels *l = calloc(1, sizeof *l);
    if (!l) {
        demob_error_set(err, DEMOB_ERUN, "out of memory");
        return NULL;
    }
    l->m = m;
    l->outcomes = p ? p->outcomes : NULL;
    l->steps = demob_model_steps(m);
    l->n_o = demob_model_n_origins(m);
    l->n_s = demob_model_n_states(m);
    l->n_cells = l->n_o * l->n_s;
    l->n_links = demob_model_n_links(m);
    l->n_cat = demob_model_n_categories(m);
    l->n_costs = demob_model_n_costs(m);
    l->n_budgets = demob_model_n_budgets(m);
    strbuf_init(&l->step_date);
    strbuf_init(&l->cell);
    strbuf_init(&l->link);
    strbuf_init(&l->arrive);
    strbuf_init(&l->cost);
    strbuf_init(&l->budget);
    int n_o = l->n_o, n_s = l->n_s, n_cat = l->n_cat;
    size_t ncost = (size_t)(n_o + 1) * (size_t)n_cat;
    int fail = build_table(&l->step_off, (size_t)l->steps + 1) ||
               build_table(&l->cell_off, (size_t)n_o * (size_t)n_s) ||
               build_table(&l->link_off, (size_t)l->n_links) ||
               build_table(&l->arrive_off, (size_t)n_o * (size_t)n_s) ||
               build_table(&l->cost_off, ncost) ||
               build_table(&l->budget_off, (size_t)l->n_budgets) ||
               !(l->cost_used = calloc(ncost + 1, 1));
    if (fail || count_same_ceilings(l)) {
        output_labels_free(l);
        demob_error_set(err, DEMOB_ERUN, "out of memory");
        return NULL;
    }
    if (!rows)
        return l;
    for (int t = 0; t <= l->steps; t++) {
        l->step_off[t] = l->step_date.len;
        csvw_i64(&l->step_date, 1, t);
        strbuf_putc(&l->step_date, ',');
        field(&l->step_date, demob_model_date(m, t));
    }
    l->step_off[l->steps + 1] = l->step_date.len;
    for (int c = 0; c < n_o * n_s; c++) {
        const char *origin = demob_model_origin_name(m, c / n_s), *state = demob_model_state_name(m, c % n_s);
        l->cell_off[c] = l->cell.len;
        field(&l->cell, origin);
        field(&l->cell, state);
        l->arrive_off[c] = l->arrive.len;
        field(&l->arrive, origin);
        strbuf_puts(&l->arrive, ",,");
        field(&l->arrive, state);
    }
    l->cell_off[n_o * n_s] = l->cell.len;
    l->arrive_off[n_o * n_s] = l->arrive.len;
    for (int k = 0; k < l->n_links; k++) {
        int flow = demob_model_link_flow(m, k);
        l->link_off[k] = l->link.len;
        field(&l->link, demob_model_origin_name(m, demob_model_link_origin(m, k)));
        field(&l->link, demob_model_flow_name(m, flow));
        field(&l->link, demob_model_state_name(m, demob_model_flow_from(m, flow)));
        field(&l->link, demob_model_state_name(m, demob_model_flow_to(m, flow)));
    }
    l->link_off[l->n_links] = l->link.len;
    /* A cost row exists for (origin, category) when some cost of that
     * category applies to the origin; fixed costs use the "all" row. */
    for (size_t i = 0; i < ncost; i++) {
        int o = (int)(i / (size_t)n_cat), cat = (int)(i % (size_t)n_cat);
        l->cost_used[i] = (unsigned char)demob_model_cost_applies(m, o, cat);
        l->cost_off[i] = l->cost.len;
        field(&l->cost, o < n_o ? demob_model_origin_name(m, o) : "all");
        field(&l->cost, demob_model_category_name(m, cat));
    }
    l->cost_off[ncost] = l->cost.len;
    for (int b = 0; b < l->n_budgets; b++) {
        l->budget_off[b] = l->budget.len;
        field(&l->budget, demob_model_budget_name(m, b));
    }
    l->budget_off[l->n_budgets] = l->budget.len;
    if (l->step_date.failed || l->cell.failed || l->link.failed || l->arrive.failed || l->cost.failed ||
        l->budget.failed) {
        output_labels_free(l);
        demob_error_set(err, DEMOB_ERUN, "out of memory");
        return NULL;
    }
    return l;
}

output_labels *output_labels_new(const demob_model *m, demob_error *err)
{
    return labels_build(m, NULL, 1, err);
}

output_labels *output_labels_for_plan(const demob_model *m, const output_plan *p, demob_error *err)
{
    int rows = 0;
    for (int f = 0; p && f < OUT_NFILES; f++)
        rows |= f != OUT_SUMMARY && output_applies(m, p, f);
    return labels_build(m, p, rows, err);
}

void output_labels_free(output_labels *l)
{
    if (!l)
        return;
    strbuf_free(&l->step_date);
    strbuf_free(&l->cell);
    strbuf_free(&l->link);
    strbuf_free(&l->arrive);
    strbuf_free(&l->cost);
    strbuf_free(&l->budget);
    free(l->step_off);
    free(l->cell_off);
    free(l->link_off);
    free(l->arrive_off);
    free(l->cost_off);
    free(l->cost_used);
    free(l->budget_off);
    free(l->con_same);
    free(l);
}

int output_applies(const demob_model *m, const output_plan *p, enum output_file f)
{
    if (!p->want[f])
        return 0;
    if (f == OUT_COSTS)
        return demob_model_n_costs(m) > 0;
    if (f == OUT_BUDGETS)
        return demob_model_n_budgets(m) > 0;
    if (f == OUT_CONSTRAINTS)
        return demob_model_n_constraints(m) > 0;
    return 1;
}

static void header_cols(strbuf *b, const char *const *prefix_cols, const char *const *cols)
{
    int first = 1;
    for (; prefix_cols && *prefix_cols; prefix_cols++, first = 0)
        csvw_str(b, first, *prefix_cols);
    for (; *cols; cols++, first = 0)
        csvw_str(b, first, *cols);
}

/* A constraint's name: the capacity, the capped state (a second ceiling
 * on the same state is "state#2"...), the budget, "group_a/group_b". */
static void constraint_name(const output_labels *l, int k, char *buf, size_t n)
{
    const demob_model *m = l->m;
    const char *name = demob_model_constraint_name(m, k), *kind = demob_model_constraint_kind(m, k);
    if (strcmp(kind, "sync") == 0) {
        snprintf(buf, n, "%s/%s", name, demob_model_constraint_name2(m, k));
        return;
    }
    int same = l->con_same[k];
    if (same)
        snprintf(buf, n, "%s#%d", name, same + 1);
    else
        snprintf(buf, n, "%s", name);
}

/* summary.csv's column names are names R's read.csv (check.names) and
 * pandas keep as they are: "->" becomes "_to_", any other byte outside
 * [A-Za-z0-9._] becomes "_" (one per UTF-8 character), a name that does
 * not start with a letter (or a dot before a non-digit) gets an "X" in
 * front, an R reserved word gets "_" after it, and a name already used
 * gets "_2", "_3", ... (docs/commands.md). */
typedef struct colnames {
    keytab *used;     /* the names so far (NULL when out of memory: no check) */
} colnames;

static int name_used(const colnames *c, const char *name)
{
    return c->used && keytab_find_str(c->used, name) >= 0;
}

static void name_add(colnames *c, const char *name)
{
    if (c->used)
        keytab_intern_str(c->used, name);
}

static void safe_name(strbuf *out, const char *s)
{
    static const char *const reserved[] = {"if", "else", "repeat", "while", "function", "for", "next",
                                           "break", "TRUE", "FALSE", "NULL", "Inf", "NaN", "NA", "NA_integer_",
                                           "NA_real_", "NA_complex_", "NA_character_", "in", NULL};
    size_t start = out->len;
    int lead = !((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
                 (s[0] == '.' && !(s[1] >= '0' && s[1] <= '9')));
    if (lead)
        strbuf_putc(out, 'X');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (p[0] == '-' && p[1] == '>') {
            strbuf_puts(out, "_to_");
            p++;
        } else if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
                   *p == '.' || *p == '_') {
            strbuf_putc(out, (char)*p);
        } else if ((*p & 0xC0) != 0x80) {   /* not a UTF-8 continuation byte */
            strbuf_putc(out, '_');
        }
    }
    for (int i = 0; reserved[i] && !out->failed; i++)
        if (strcmp(out->data + start, reserved[i]) == 0)
            strbuf_putc(out, '_');
}

/* Appends the column "kind.a.b" (kind alone when a is NULL) as a safe,
 * unused name. */
static void column(strbuf *b, colnames *c, const char *kind, const char *a, const char *d)
{
    strbuf raw, name;
    strbuf_init(&raw);
    strbuf_init(&name);
    strbuf_puts(&raw, kind);
    if (a) {
        strbuf_putc(&raw, '.');
        strbuf_puts(&raw, a);
    }
    if (d) {
        strbuf_putc(&raw, '.');
        strbuf_puts(&raw, d);
    }
    safe_name(&name, raw.failed || !raw.data ? kind : raw.data);
    size_t base = name.len;
    for (int k = 2; !name.failed && name.data && name_used(c, name.data); k++) {
        name.len = base;
        strbuf_printf(&name, "_%d", k);
    }
    const char *out = name.failed || !name.data ? kind : name.data;
    csvw_str(b, 0, out);
    name_add(c, out);
    strbuf_free(&raw);
    strbuf_free(&name);
}

void output_header(const output_labels *l, enum output_file f, const char *const *prefix_cols, strbuf *b)
{
    static const char *const pop[] = {"run", "step", "date", "origin", "state", "count", NULL};
    static const char *const flows[] = {"run", "step", "date", "origin", "flow", "from", "to", "count", NULL};
    static const char *const costs[] = {"run", "step", "date", "origin", "category", "amount", NULL};
    static const char *const budgets[] = {"run", "step", "date", "budget", "balance", "spent", "gap", NULL};
    static const char *const cons[] = {"run", "step", "date", "constraint", "name", "wanted", "allowed", "cut", NULL};
    char name[512];
    static const char *const run[] = {"run", NULL};
    const demob_model *m = l->m;
    switch (f) {
    case OUT_POPULATIONS: header_cols(b, prefix_cols, pop); break;
    case OUT_FLOWS: header_cols(b, prefix_cols, flows); break;
    case OUT_COSTS: header_cols(b, prefix_cols, costs); break;
    case OUT_BUDGETS: header_cols(b, prefix_cols, budgets); break;
    case OUT_CONSTRAINTS: header_cols(b, prefix_cols, cons); break;
    case OUT_SUMMARY: {
        colnames c = { keytab_new() };
        header_cols(b, prefix_cols, run);
        for (int i = 0; prefix_cols && prefix_cols[i]; i++)
            name_add(&c, prefix_cols[i]);
        name_add(&c, "run");
        for (int v = 0; v < demob_model_n_values(m); v++)
            if (demob_model_value_name(m, v))
                column(b, &c, demob_model_value_name(m, v), NULL, NULL);
        for (int s = 0; s < l->n_s; s++)
            column(b, &c, "final", demob_model_state_name(m, s), NULL);
        for (int o = 0; o < l->n_o; o++)
            for (int s = 0; s < l->n_s; s++)
                column(b, &c, "final", demob_model_origin_name(m, o), demob_model_state_name(m, s));
        for (int fl = 0; fl < demob_model_n_flows(m); fl++)
            column(b, &c, "flow", demob_model_flow_name(m, fl), NULL);
        column(b, &c, "arrived", NULL, NULL);
        for (int s = 0; s < l->n_s; s++)
            column(b, &c, "peak", demob_model_state_name(m, s), NULL);
        column(b, &c, "cost.total", NULL, NULL);
        for (int k = 0; k < l->n_cat; k++)
            column(b, &c, "cost", demob_model_category_name(m, k), NULL);
        for (int k = 0; k < l->n_budgets; k++)
            column(b, &c, "budget", demob_model_budget_name(m, k), NULL);
        for (int k = 0; l->outcomes && k < l->outcomes->n; k++)
            column(b, &c, "outcome", l->outcomes->v[k].name, NULL);
        for (int k = 0; k < demob_model_n_constraints(m); k++) {
            constraint_name(l, k, name, sizeof name);
            column(b, &c, "bound", demob_model_constraint_kind(m, k), name);
        }
        keytab_free(c.used);
        break;
    }
    case OUT_NFILES: break;
    }
    csvw_end(b);
}

static inline void put_label(strbuf *b, const strbuf *tab, const size_t *off, size_t i)
{
    strbuf_append(b, tab->data + off[i], off[i + 1] - off[i]);
}

/* prefix, run, "t,date," */
static inline void row_start(strbuf *b, const output_labels *l, const char *prefix, size_t prefix_len,
                             const char *run, size_t run_len, int t)
{
    strbuf_append(b, prefix, prefix_len);
    strbuf_append(b, run, run_len);
    put_label(b, &l->step_date, l->step_off, (size_t)t);
}

int output_recorded(const output_plan *p, int t, int steps)
{
    return p->every <= 1 || t % p->every == 0 || t == steps;
}

void output_population_labels(const output_labels *l, const output_plan *p, strbuf *out, size_t *off)
{
    int n_cells = l->n_cells;
    size_t row = 0;
    for (int t = 0; t <= l->steps; t++) {
        if (!output_recorded(p, t, l->steps))
            continue;
        for (int c = 0; c < n_cells; c++) {
            off[row++] = out->len;
            put_label(out, &l->step_date, l->step_off, (size_t)t);
            /* the cell's "origin,state," without its trailing comma */
            strbuf_append(out, l->cell.data + l->cell_off[c], l->cell_off[c + 1] - l->cell_off[c] - 1);
        }
        /* the plan's outcomes, as the runner records them after the cells */
        for (int k = 0; p->outcomes && k < p->outcomes->n; k++) {
            off[row++] = out->len;
            put_label(out, &l->step_date, l->step_off, (size_t)t);
            strbuf_puts(out, "all,");
            csvw_str(out, 1, p->outcomes->v[k].name);
        }
    }
    off[row] = out->len;
}

void output_record(const output_labels *l, const output_plan *p, const demob_sim *s, const char *prefix,
                   strbuf *bufs[OUT_NFILES])
{
    int t = demob_sim_time(s);
    if (!output_recorded(p, t, l->steps))
        return;
    /* Nothing per step to write (summary only): not even the run label. */
    int any = 0;
    for (int f = 0; f < OUT_NFILES; f++)
        any |= f != OUT_SUMMARY && bufs[f] && p->want[f];
    if (!any)
        return;
    demob_sim_arrays a;
    demob_sim_get_arrays(s, &a);
    char run[32];
    int run_len = snprintf(run, sizeof run, "%ld,", demob_sim_run_index(s));
    size_t plen = strlen(prefix);
    strbuf *b = bufs[OUT_POPULATIONS];
    if (b && p->want[OUT_POPULATIONS]) {
        for (int c = 0; c < l->n_cells; c++) {
            row_start(b, l, prefix, plen, run, (size_t)run_len, t);
            put_label(b, &l->cell, l->cell_off, (size_t)c);
            if (a.stochastic)
                csvw_i64(b, 1, a.stock_i[c]);
            else
                csvw_f64(b, 1, a.stock_d[c]);
            csvw_end(b);
        }
    }
    if (t == 0)
        return;
    b = bufs[OUT_FLOWS];
    if (b && p->want[OUT_FLOWS]) {
        for (int c = 0; c < l->n_cells; c++) {
            double x = a.stochastic ? (double)a.arrive_i[c] : a.arrive_d[c];
            if (x == 0)
                continue;
            row_start(b, l, prefix, plen, run, (size_t)run_len, t);
            put_label(b, &l->arrive, l->arrive_off, (size_t)c);
            if (a.stochastic)
                csvw_i64(b, 1, a.arrive_i[c]);
            else
                csvw_f64(b, 1, x);
            csvw_end(b);
        }
        for (int k = 0; k < l->n_links; k++) {
            row_start(b, l, prefix, plen, run, (size_t)run_len, t);
            put_label(b, &l->link, l->link_off, (size_t)k);
            if (a.stochastic)
                csvw_i64(b, 1, a.moved_i[k]);
            else
                csvw_f64(b, 1, a.moved_d[k]);
            csvw_end(b);
        }
    }
    b = bufs[OUT_COSTS];
    if (b && p->want[OUT_COSTS] && l->n_costs > 0) {
        size_t ncost = (size_t)(l->n_o + 1) * (size_t)l->n_cat;
        for (size_t i = 0; i < ncost; i++) {
            if (!l->cost_used[i])
                continue;
            row_start(b, l, prefix, plen, run, (size_t)run_len, t);
            put_label(b, &l->cost, l->cost_off, i);
            csvw_f64(b, 1, a.cost[i]);
            csvw_end(b);
        }
    }
    b = bufs[OUT_BUDGETS];
    if (b && p->want[OUT_BUDGETS]) {
        for (int k = 0; k < l->n_budgets; k++) {
            row_start(b, l, prefix, plen, run, (size_t)run_len, t);
            put_label(b, &l->budget, l->budget_off, (size_t)k);
            csvw_f64(b, 1, a.balance[k]);
            csvw_f64(b, 0, a.spent[k]);
            csvw_f64(b, 0, a.gap[k]);
            csvw_end(b);
        }
    }
    b = bufs[OUT_CONSTRAINTS];
    if (b && p->want[OUT_CONSTRAINTS]) {
        char name[512];
        for (int k = 0; k < demob_model_n_constraints(l->m); k++) {
            double want, allowed, cut;
            demob_sim_constraint(s, k, &want, &allowed, &cut);
            constraint_name(l, k, name, sizeof name);
            row_start(b, l, prefix, plen, run, (size_t)run_len, t);
            field(b, demob_model_constraint_kind(l->m, k));
            field(b, name);
            csvw_f64(b, 1, want);
            csvw_f64(b, 0, allowed);
            csvw_f64(b, 0, cut);
            csvw_end(b);
        }
    }
}

void output_summary(const output_labels *l, const demob_sim *s, const char *prefix, const double *values,
                    strbuf *b)
{
    const demob_model *m = l->m;
    demob_sim_arrays a;
    demob_sim_get_arrays(s, &a);
    strbuf_puts(b, prefix);
    csvw_i64(b, 1, demob_sim_run_index(s));
    for (int v = 0; v < demob_model_n_values(m); v++)
        if (demob_model_value_name(m, v))
            csvw_f64(b, 0, values ? values[v] : demob_model_value_default(m, v));
    for (int st = 0; st < l->n_s; st++)
        csvw_f64(b, 0, demob_sim_state_total(s, st));
    for (int c = 0; c < l->n_cells; c++) {
        if (a.stochastic)
            csvw_i64(b, 0, a.stock_i[c]);
        else
            csvw_f64(b, 0, a.stock_d[c]);
    }
    for (int f = 0; f < demob_model_n_flows(m); f++) {
        double sum = 0;
        for (int o = 0; o < l->n_o; o++)
            sum += demob_sim_cumulative(s, o, f);
        csvw_f64(b, 0, sum);
    }
    csvw_f64(b, 0, demob_sim_arrived(s));
    for (int st = 0; st < l->n_s; st++)
        csvw_f64(b, 0, demob_sim_state_peak(s, st));
    csvw_f64(b, 0, demob_sim_cost_total(s));
    for (int c = 0; c < l->n_cat; c++) {
        double sum = 0;
        for (int o = 0; o <= l->n_o; o++)
            sum += demob_sim_cost_cumulative(s, o, c);
        csvw_f64(b, 0, sum);
    }
    for (int k = 0; k < l->n_budgets; k++)
        csvw_f64(b, 0, demob_sim_budget_balance(s, k));
    for (int k = 0; l->outcomes && k < l->outcomes->n; k++)
        csvw_f64(b, 0, output_outcome_value(&l->outcomes->v[k], s));
    for (int k = 0; k < demob_model_n_constraints(m); k++)
        csvw_i64(b, 0, demob_sim_constraint_bound(s, k));
    csvw_end(b);
}
