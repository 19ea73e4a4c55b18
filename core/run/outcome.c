/* outcome.c - evaluating outcomes on a run (see outcome.h). */
#include <stdlib.h>
#include <string.h>

#include "manifest.h"
#include "outcome.h"

static int *dup_ints(const int *v, int n)
{
    if (!v)
        return NULL;
    int *d = malloc((size_t)(n > 0 ? n : 1) * sizeof *d);
    if (d && n > 0)
        memcpy(d, v, (size_t)n * sizeof *d);
    return d;
}

int output_outcomes_add(output_outcomes *oc, const output_outcome *o)
{
    if (oc->n == oc->cap) {
        int cap = oc->cap ? oc->cap * 2 : 8;
        output_outcome *v = realloc(oc->v, (size_t)cap * sizeof *v);
        if (!v)
            return -1;
        oc->v = v;
        oc->cap = cap;
    }
    output_outcome *d = &oc->v[oc->n];
    *d = *o;
    d->name = strdup(o->name);
    d->what = strdup(o->what ? o->what : "");
    d->origins = dup_ints(o->origins, o->n_origins);
    d->items = dup_ints(o->items, o->n_items);
    if (!d->name || !d->what || (o->origins && !d->origins) || (o->items && !d->items)) {
        free(d->name);
        free(d->what);
        free(d->origins);
        free(d->items);
        return -1;
    }
    oc->n++;
    return 0;
}

void output_outcomes_free(output_outcomes *oc)
{
    for (int i = 0; i < oc->n; i++) {
        free(oc->v[i].name);
        free(oc->v[i].what);
        free(oc->v[i].origins);
        free(oc->v[i].items);
    }
    free(oc->v);
    memset(oc, 0, sizeof *oc);
}

int output_outcomes_find(const output_outcomes *oc, const char *name)
{
    for (int i = 0; oc && i < oc->n; i++)
        if (strcmp(oc->v[i].name, name) == 0)
            return i;
    return -1;
}

/* The value for one origin. */
static double one_origin(const output_outcome *o, const demob_sim *s, const demob_model *m, int org)
{
    double sum = 0;
    switch (o->kind) {
    case OUTCOME_STOCK:
        for (int i = 0; i < o->n_items; i++)
            sum += demob_sim_stock(s, org, o->items[i]);
        break;
    case OUTCOME_FLOWS:
        if (o->into >= 0) {
            for (int f = 0; f < demob_model_n_flows(m); f++)
                if (demob_model_flow_to(m, f) == o->into)
                    sum += demob_sim_cumulative(s, org, f);
        }
        else
            for (int i = 0; i < o->n_items; i++)
                sum += demob_sim_cumulative(s, org, o->items[i]);
        break;
    case OUTCOME_COST:
        if (!o->items)
            for (int c = 0; c < demob_model_n_categories(m); c++)
                sum += demob_sim_cost_cumulative(s, org, c);
        else
            for (int i = 0; i < o->n_items; i++)
                sum += demob_sim_cost_cumulative(s, org, o->items[i]);
        break;
    }
    return sum;
}

double output_outcome_value(const output_outcome *o, const demob_sim *s)
{
    const demob_model *m = demob_sim_model(s);
    double sum = 0;
    if (o->origins) {
        for (int i = 0; i < o->n_origins; i++)
            sum += one_origin(o, s, m, o->origins[i]);
        return sum;
    }
    int n_o = demob_model_n_origins(m);
    /* Every origin; costs also the fixed costs (origin index n_origins). */
    for (int org = 0; org < n_o + (o->kind == OUTCOME_COST); org++)
        sum += one_origin(o, s, m, org);
    return sum;
}

void output_outcomes_json(const output_outcomes *oc, strbuf *b)
{
    if (!oc || oc->n == 0)
        return;
    strbuf_puts(b, "\"outcomes\": [");
    for (int i = 0; i < oc->n; i++) {
        strbuf_puts(b, i ? ", {\"name\": " : "{\"name\": ");
        manifest_json_string(b, oc->v[i].name);
        strbuf_puts(b, ", \"sums\": ");
        manifest_json_string(b, oc->v[i].what);
        strbuf_putc(b, '}');
    }
    strbuf_putc(b, ']');
}
