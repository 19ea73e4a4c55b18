/* output.c - formatting one run's rows of the DESIGN.md CSV files into
 * memory (see output.h for the columns). Labels (quoted names, the
 * "step,date," cells) are formatted once per model, so a row is a few
 * memcpy calls and one integer or number formatted by csv_write. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/csv_write.h"
#include "output.h"
#include "engine/sim_internal.h"

const char *const output_file_names[OUT_NFILES] = {"populations.csv", "flows.csv", "costs.csv", "budgets.csv",
                                                   "summary.csv"};

struct output_labels {
    const demob_model *m;
    strbuf step_date;      /* "t,date," for each t, offsets below */
    size_t *step_off;      /* [steps + 2] */
    strbuf cell;           /* "origin,state," per cell */
    size_t *cell_off;      /* [n_cells + 1] */
    strbuf link;           /* "origin,from,to," per link */
    size_t *link_off;      /* [n_links + 1] */
    strbuf arrive;         /* "origin,,state," per cell */
    size_t *arrive_off;
    strbuf cost;           /* "origin,category," per (origin + 1) x category */
    size_t *cost_off;
    unsigned char *cost_used; /* which (origin, category) rows exist */
    strbuf budget;         /* "budget," per budget */
    size_t *budget_off;
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

/* Builds the labels; without rows (headers and summaries only), the
 * per-step, per-cell and per-link tables are left out: they are O(steps)
 * and O(origins x states) of work no summary-only run needs. */
static output_labels *labels_build(const demob_model *m, int rows, demob_error *err)
{
    output_labels *l = calloc(1, sizeof *l);
    if (!l) {
        demob_error_set(err, DEMOB_ERUN, "out of memory");
        return NULL;
    }
    l->m = m;
    strbuf_init(&l->step_date);
    strbuf_init(&l->cell);
    strbuf_init(&l->link);
    strbuf_init(&l->arrive);
    strbuf_init(&l->cost);
    strbuf_init(&l->budget);
    int n_o = m->n_origins, n_s = m->n_states, n_cat = m->n_categories;
    size_t ncost = (size_t)(n_o + 1) * (size_t)n_cat;
    int fail = build_table(&l->step_off, (size_t)m->steps + 1) ||
               build_table(&l->cell_off, (size_t)n_o * (size_t)n_s) ||
               build_table(&l->link_off, (size_t)m->n_links) ||
               build_table(&l->arrive_off, (size_t)n_o * (size_t)n_s) ||
               build_table(&l->cost_off, ncost) ||
               build_table(&l->budget_off, (size_t)m->n_budgets) ||
               !(l->cost_used = calloc(ncost + 1, 1));
    if (fail) {
        output_labels_free(l);
        demob_error_set(err, DEMOB_ERUN, "out of memory");
        return NULL;
    }
    if (!rows)
        return l;
    for (int t = 0; t <= m->steps; t++) {
        l->step_off[t] = l->step_date.len;
        csvw_i64(&l->step_date, 1, t);
        strbuf_putc(&l->step_date, ',');
        field(&l->step_date, demob_model_date(m, t));
    }
    l->step_off[m->steps + 1] = l->step_date.len;
    for (int c = 0; c < n_o * n_s; c++) {
        l->cell_off[c] = l->cell.len;
        field(&l->cell, m->origins[c / n_s].name);
        field(&l->cell, m->states[c % n_s].name);
        l->arrive_off[c] = l->arrive.len;
        field(&l->arrive, m->origins[c / n_s].name);
        strbuf_putc(&l->arrive, ',');
        field(&l->arrive, m->states[c % n_s].name);
    }
    l->cell_off[n_o * n_s] = l->cell.len;
    l->arrive_off[n_o * n_s] = l->arrive.len;
    for (int k = 0; k < m->n_links; k++) {
        const link *lk = &m->links[k];
        l->link_off[k] = l->link.len;
        field(&l->link, m->origins[lk->origin].name);
        field(&l->link, m->states[lk->from].name);
        field(&l->link, m->states[lk->to].name);
    }
    l->link_off[m->n_links] = l->link.len;
    /* A cost row exists for (origin, category) when some cost of that
     * category applies to the origin; fixed costs use the "all" row. */
    for (int i = 0; i < m->n_costs; i++) {
        const cost_def *c = &m->costs[i];
        if (c->kind == COST_FIXED)
            l->cost_used[(size_t)n_o * (size_t)n_cat + (size_t)c->category] = 1;
        else
            for (int o = 0; o < n_o; o++)
                if (c->applies[o])
                    l->cost_used[(size_t)o * (size_t)n_cat + (size_t)c->category] = 1;
    }
    for (size_t i = 0; i < ncost; i++) {
        l->cost_off[i] = l->cost.len;
        int o = (int)(i / (size_t)n_cat), cat = (int)(i % (size_t)n_cat);
        field(&l->cost, o < n_o ? m->origins[o].name : "all");
        field(&l->cost, m->categories[cat]);
    }
    l->cost_off[ncost] = l->cost.len;
    for (int b = 0; b < m->n_budgets; b++) {
        l->budget_off[b] = l->budget.len;
        field(&l->budget, m->budgets[b].name);
    }
    l->budget_off[m->n_budgets] = l->budget.len;
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
    return labels_build(m, 1, err);
}

output_labels *output_labels_for_plan(const demob_model *m, const output_plan *p, demob_error *err)
{
    int rows = 0;
    for (int f = 0; p && f < OUT_NFILES; f++)
        rows |= f != OUT_SUMMARY && output_applies(m, p, f);
    return labels_build(m, rows, err);
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
    free(l);
}

int output_applies(const demob_model *m, const output_plan *p, enum output_file f)
{
    if (!p->want[f])
        return 0;
    if (f == OUT_COSTS)
        return m->n_costs > 0;
    if (f == OUT_BUDGETS)
        return m->n_budgets > 0;
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

/* "kind.a.b" column name. */
static void dotted(strbuf *b, const char *kind, const char *a, const char *c)
{
    strbuf name;
    strbuf_init(&name);
    strbuf_puts(&name, kind);
    strbuf_putc(&name, '.');
    strbuf_puts(&name, a);
    if (c) {
        strbuf_putc(&name, '.');
        strbuf_puts(&name, c);
    }
    strbuf_putc(&name, '\0');
    csvw_str(b, 0, name.failed ? kind : name.data);
    strbuf_free(&name);
}

void output_header(const output_labels *l, enum output_file f, const char *const *prefix_cols, strbuf *b)
{
    static const char *const pop[] = {"run", "step", "date", "origin", "state", "count", NULL};
    static const char *const flows[] = {"run", "step", "date", "origin", "from", "to", "count", NULL};
    static const char *const costs[] = {"run", "step", "date", "origin", "category", "amount", NULL};
    static const char *const budgets[] = {"run", "step", "date", "budget", "balance", "spent", "gap", NULL};
    static const char *const run[] = {"run", NULL};
    const demob_model *m = l->m;
    switch (f) {
    case OUT_POPULATIONS: header_cols(b, prefix_cols, pop); break;
    case OUT_FLOWS: header_cols(b, prefix_cols, flows); break;
    case OUT_COSTS: header_cols(b, prefix_cols, costs); break;
    case OUT_BUDGETS: header_cols(b, prefix_cols, budgets); break;
    case OUT_SUMMARY:
        header_cols(b, prefix_cols, run);
        for (int v = 0; v < m->n_values; v++)
            if (m->values[v].name)
                csvw_str(b, 0, m->values[v].name);
        for (int s = 0; s < m->n_states; s++)
            dotted(b, "final", m->states[s].name, NULL);
        for (int o = 0; o < m->n_origins; o++)
            for (int s = 0; s < m->n_states; s++)
                dotted(b, "final", m->origins[o].name, m->states[s].name);
        for (int fl = 0; fl < m->n_flows; fl++)
            dotted(b, "flow", m->flows[fl].name, NULL);
        csvw_str(b, 0, "arrived");
        for (int s = 0; s < m->n_states; s++)
            dotted(b, "peak", m->states[s].name, NULL);
        csvw_str(b, 0, "cost.total");
        for (int c = 0; c < m->n_categories; c++)
            dotted(b, "cost", m->categories[c], NULL);
        for (int k = 0; k < m->n_budgets; k++)
            dotted(b, "budget", m->budgets[k].name, NULL);
        break;
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
    const demob_model *m = l->m;
    int n_cells = m->n_origins * m->n_states;
    size_t row = 0;
    for (int t = 0; t <= m->steps; t++) {
        if (!output_recorded(p, t, m->steps))
            continue;
        for (int c = 0; c < n_cells; c++) {
            off[row++] = out->len;
            put_label(out, &l->step_date, l->step_off, (size_t)t);
            /* the cell's "origin,state," without its trailing comma */
            strbuf_append(out, l->cell.data + l->cell_off[c], l->cell_off[c + 1] - l->cell_off[c] - 1);
        }
    }
    off[row] = out->len;
}

void output_record(const output_labels *l, const output_plan *p, const demob_sim *s, const char *prefix,
                   strbuf *bufs[OUT_NFILES])
{
    const demob_model *m = l->m;
    int t = s->t;
    if (!output_recorded(p, t, m->steps))
        return;
    /* Nothing per step to write (summary only): not even the run label. */
    int any = 0;
    for (int f = 0; f < OUT_NFILES; f++)
        any |= f != OUT_SUMMARY && bufs[f] && p->want[f];
    if (!any)
        return;
    char run[32];
    int run_len = snprintf(run, sizeof run, "%ld,", s->run);
    size_t plen = strlen(prefix);
    strbuf *b = bufs[OUT_POPULATIONS];
    if (b && p->want[OUT_POPULATIONS]) {
        for (int c = 0; c < s->n_cells; c++) {
            row_start(b, l, prefix, plen, run, (size_t)run_len, t);
            put_label(b, &l->cell, l->cell_off, (size_t)c);
            if (s->stochastic)
                csvw_i64(b, 1, s->stock_i[c]);
            else
                csvw_f64(b, 1, s->stock_d[c]);
            csvw_end(b);
        }
    }
    if (t == 0)
        return;
    b = bufs[OUT_FLOWS];
    if (b && p->want[OUT_FLOWS]) {
        for (int c = 0; c < s->n_cells; c++) {
            double a = s->stochastic ? (double)s->arrive_i[c] : s->arrive_d[c];
            if (a == 0)
                continue;
            row_start(b, l, prefix, plen, run, (size_t)run_len, t);
            put_label(b, &l->arrive, l->arrive_off, (size_t)c);
            if (s->stochastic)
                csvw_i64(b, 1, s->arrive_i[c]);
            else
                csvw_f64(b, 1, a);
            csvw_end(b);
        }
        for (int k = 0; k < s->n_links; k++) {
            row_start(b, l, prefix, plen, run, (size_t)run_len, t);
            put_label(b, &l->link, l->link_off, (size_t)k);
            if (s->stochastic)
                csvw_i64(b, 1, s->move_i[k]);
            else
                csvw_f64(b, 1, s->move_d[k]);
            csvw_end(b);
        }
    }
    b = bufs[OUT_COSTS];
    if (b && p->want[OUT_COSTS] && m->n_costs > 0) {
        size_t ncost = (size_t)(s->n_o + 1) * (size_t)s->n_cat;
        for (size_t i = 0; i < ncost; i++) {
            if (!l->cost_used[i])
                continue;
            row_start(b, l, prefix, plen, run, (size_t)run_len, t);
            put_label(b, &l->cost, l->cost_off, i);
            csvw_f64(b, 1, s->cost_step[i]);
            csvw_end(b);
        }
    }
    b = bufs[OUT_BUDGETS];
    if (b && p->want[OUT_BUDGETS]) {
        for (int k = 0; k < m->n_budgets; k++) {
            row_start(b, l, prefix, plen, run, (size_t)run_len, t);
            put_label(b, &l->budget, l->budget_off, (size_t)k);
            csvw_f64(b, 1, s->balance[k]);
            csvw_f64(b, 0, s->spent[k]);
            csvw_f64(b, 0, s->gap[k]);
            csvw_end(b);
        }
    }
}

void output_summary(const output_labels *l, const demob_sim *s, const char *prefix, const double *values,
                    strbuf *b)
{
    const demob_model *m = l->m;
    strbuf_puts(b, prefix);
    csvw_i64(b, 1, s->run);
    for (int v = 0; v < m->n_values; v++)
        if (m->values[v].name)
            csvw_f64(b, 0, values ? values[v] : m->values[v].def);
    for (int st = 0; st < s->n_s; st++)
        csvw_f64(b, 0, demob_sim_state_total(s, st));
    for (int c = 0; c < s->n_cells; c++) {
        if (s->stochastic)
            csvw_i64(b, 0, s->stock_i[c]);
        else
            csvw_f64(b, 0, s->stock_d[c]);
    }
    for (int f = 0; f < m->n_flows; f++) {
        double sum = 0;
        for (int o = 0; o < s->n_o; o++)
            sum += demob_sim_cumulative(s, o, f);
        csvw_f64(b, 0, sum);
    }
    csvw_f64(b, 0, s->arrived_cum);
    for (int st = 0; st < s->n_s; st++)
        csvw_f64(b, 0, s->peak[st]);
    csvw_f64(b, 0, demob_sim_cost_total(s));
    for (int c = 0; c < s->n_cat; c++) {
        double sum = 0;
        for (int o = 0; o <= s->n_o; o++)
            sum += s->cost_cum[o * s->n_cat + c];
        csvw_f64(b, 0, sum);
    }
    for (int k = 0; k < m->n_budgets; k++)
        csvw_f64(b, 0, s->balance[k]);
    csvw_end(b);
}
