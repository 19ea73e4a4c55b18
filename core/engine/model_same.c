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

/* n elements of two arrays (either may be NULL when n is 0), bit for bit. */
static int same_bytes(const void *a, const void *b, size_t n, size_t size)
{
    if (n == 0)
        return 1;
    return a && b ? memcmp(a, b, n * size) == 0 : a == b;
}
#define SAME_ARRAY(a, b, n) same_bytes((a), (b), (size_t)(n), sizeof *(a))
#define SAME(x, y) (memcmp(&(x), &(y), sizeof(x)) == 0)

/* The policy: states, flows, limits, arrivals, costs, budgets, syncs and
 * events, field by field (the tables hold pointers, so no memcmp of the
 * structs). */
static const char *policy_mismatch(const demob_model *a, const demob_model *b)
{
    int n_o = a->n_origins;
    for (int i = 0; i < a->n_states; i++) {
        const state_def *x = &a->states[i], *y = &b->states[i];
        if (x->min_stay != y->min_stay || x->duration != y->duration || x->exit_state != y->exit_state)
            return "a state's minimum stay or duration";
    }
    for (int i = 0; i < a->n_flows; i++) {
        const flow_def *x = &a->flows[i], *y = &b->flows[i];
        if (x->from != y->from || x->to != y->to || x->rate != y->rate || x->first != y->first ||
            x->last != y->last || x->enabled != y->enabled || x->n_caps != y->n_caps || x->budget != y->budget ||
            x->unit_cost != y->unit_cost || x->forced != y->forced || !SAME_ARRAY(x->caps, y->caps, x->n_caps) ||
            !SAME_ARRAY(x->applies, y->applies, n_o))
            return "a flow";
    }
    for (int i = 0; i < a->n_caps; i++) {
        const capacity_def *x = &a->caps[i], *y = &b->caps[i];
        if (x->limit != y->limit || x->policy != y->policy || x->n_prio != y->n_prio ||
            !SAME_ARRAY(x->prio, y->prio, x->n_prio))
            return "a capacity";
    }
    for (int i = 0; i < a->n_ceilings; i++) {
        const ceiling_def *x = &a->ceilings[i], *y = &b->ceilings[i];
        if (x->state != y->state || x->limit != y->limit || !x->origins != !y->origins ||
            x->n_origins != y->n_origins || !SAME_ARRAY(x->origins, y->origins, x->n_origins))
            return "a ceiling";
    }
    for (int i = 0; i < a->n_arrivals; i++) {
        const arrivals_def *x = &a->arrivals[i], *y = &b->arrivals[i];
        if (x->origin != y->origin || x->state != y->state || x->constant != y->constant || x->n != y->n ||
            !SAME_ARRAY(x->per_step, y->per_step, x->n))
            return "arrivals";
    }
    for (int i = 0; i < a->n_costs; i++) {
        const cost_def *x = &a->costs[i], *y = &b->costs[i];
        if (x->kind != y->kind || x->target != y->target || x->amount != y->amount || x->category != y->category ||
            x->first != y->first || x->last != y->last || !x->applies != !y->applies ||
            (x->applies && !SAME_ARRAY(x->applies, y->applies, n_o)))
            return "a cost";
    }
    for (int i = 0; i < a->n_budgets; i++) {
        const budget_def *x = &a->budgets[i], *y = &b->budgets[i];
        if (!SAME(x->initial, y->initial) || x->refill != y->refill || x->n_tranches != y->n_tranches)
            return "a budget";
        for (int k = 0; k < x->n_tranches; k++)   /* a tranche has padding: field by field */
            if (x->tranches[k].step != y->tranches[k].step || !SAME(x->tranches[k].amount, y->tranches[k].amount))
                return "a budget";
    }
    for (int i = 0; i < a->n_syncs; i++) {
        const sync_def *x = &a->syncs[i], *y = &b->syncs[i];
        if (!SAME(x->ratio, y->ratio) || !SAME_ARRAY(x->in_a, y->in_a, n_o) || !SAME_ARRAY(x->in_b, y->in_b, n_o) ||
            !SAME_ARRAY(x->flows, y->flows, a->n_flows))
            return "a synchronised withdrawal";
    }
    for (int i = 0; i < a->n_events; i++) {
        const event_def *x = &a->events[i], *y = &b->events[i];
        if (x->step != y->step || x->kind != y->kind || x->index != y->index || !SAME(x->value, y->value) ||
            x->enabled != y->enabled)
            return "an event";
    }
    return NULL;
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
    return policy_mismatch(a, b);
}
