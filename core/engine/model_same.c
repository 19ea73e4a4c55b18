/* model_same.c - whether two frozen models are the same model (see
 * model_same.h). Separate from runner.c because model_internal.h's `link`
 * clashes with <unistd.h>'s link(). */
#include <string.h>

#include "model_internal.h"
#include "model_same.h"

static int same_name(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

const char *model_mismatch(const demob_model *a, const demob_model *b)
{
    if (a->steps != b->steps || a->mode != b->mode || a->unit != b->unit || a->seed != b->seed)
        return "steps, mode, unit or seed";
    if (a->n_states != b->n_states || a->n_origins != b->n_origins || a->n_values != b->n_values ||
        a->n_flows != b->n_flows || a->n_caps != b->n_caps || a->n_ceilings != b->n_ceilings ||
        a->n_arrivals != b->n_arrivals || a->n_costs != b->n_costs || a->n_categories != b->n_categories ||
        a->n_budgets != b->n_budgets || a->n_syncs != b->n_syncs || a->n_events != b->n_events ||
        a->n_links != b->n_links)
        return "the number of declarations";
    for (int i = 0; i < a->n_states; i++)
        if (!same_name(a->states[i].name, b->states[i].name))
            return "a state name";
    for (int i = 0; i < a->n_origins; i++)
        if (!same_name(a->origins[i].name, b->origins[i].name))
            return "an origin name";
    for (int i = 0; i < a->n_flows; i++)
        if (!same_name(a->flows[i].name, b->flows[i].name))
            return "a flow name";
    for (int i = 0; i < a->n_values; i++)
        if (!same_name(a->values[i].name, b->values[i].name) ||
            memcmp(&a->values[i].def, &b->values[i].def, sizeof a->values[i].def) != 0)
            return "a param or value";
    if (a->n_exprs != b->n_exprs)
        return "the number of declarations";
    for (int i = 0; i < a->n_flows; i++)
        if (a->flows[i].hazard != b->flows[i].hazard)
            return "a flow's hazard";
    for (int i = 0; i < a->n_exprs; i++) {
        const expr_def *x = &a->exprs[i], *y = &b->exprs[i];
        if (x->slot != y->slot || x->n != y->n || x->n_origins != y->n_origins ||
            (x->n_origins && memcmp(x->origins, y->origins, (size_t)x->n_origins * sizeof *x->origins) != 0))
            return "an expression";
        for (int k = 0; k < x->n; k++) {
            const expr_ins *p = &x->prog[k], *q = &y->prog[k];
            if (p->op != q->op || p->a != q->a || p->off != q->off || p->n != q->n ||
                memcmp(&p->x, &q->x, sizeof p->x) != 0)
                return "an expression";
        }
    }
    for (int i = 0; i < a->n_categories; i++)
        if (!same_name(a->categories[i], b->categories[i]))
            return "a cost category";
    for (int i = 0; i < a->n_budgets; i++)
        if (!same_name(a->budgets[i].name, b->budgets[i].name))
            return "a budget name";
    if (memcmp(a->initial, b->initial, (size_t)a->n_origins * (size_t)a->n_states * sizeof *a->initial) != 0)
        return "an initial stock";
    return NULL;
}
