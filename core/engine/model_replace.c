/* model_replace.c - re-declaration of a model's parts before freezing: a
 * scenario that extends another replaces the base's state, flow, capacity,
 * param range, budget or cost by name, in place (indices other parts hold
 * stay valid, and declaration order, hence output order, is the base's). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model_internal.h"

static int open_index(const demob_model *m, const char *what, int i, int n, demob_error *err)
{
    if (m->frozen)
        return demob_error_set(err, DEMOB_EINPUT, "the model is frozen");
    if (i < 0 || i >= n)
        return demob_error_set(err, DEMOB_EINPUT, "%s index %d out of range", what, i);
    return 0;
}

int demob_model_reset_state(demob_model *m, int state, demob_error *err)
{
    if (open_index(m, "state", state, m->n_states, err))
        return DEMOB_EINPUT;
    m->states[state].min_stay = 0;
    m->states[state].duration = 0;
    m->states[state].exit_state = 0;
    int k = 0;
    for (int i = 0; i < m->n_ceilings; i++) {
        if (m->ceilings[i].state == state) {
            free(m->ceilings[i].origins);
            continue;
        }
        m->ceilings[k++] = m->ceilings[i];
    }
    m->n_ceilings = k;
    return 0;
}

int demob_model_replace_flow(demob_model *m, int flow, int from, int to, demob_value rate, const int *origins,
                             int n_origins, int first, int last, demob_error *err)
{
    if (open_index(m, "flow", flow, m->n_flows, err) || open_index(m, "from state", from, m->n_states, err) ||
        open_index(m, "to state", to, m->n_states, err) || open_index(m, "rate value", rate, m->n_values, err))
        return DEMOB_EINPUT;
    flow_def *f = &m->flows[flow];
    if (from == to)
        return demob_error_set(err, DEMOB_EINPUT, "flow '%s': from and to are the same state '%s'", f->name,
                               m->states[from].name);
    if (first < 0 || last < 0 || (last > 0 && first > last))
        return demob_error_set(err, DEMOB_EINPUT, "flow '%s': window {%d, %d} is not a range of steps", f->name,
                               first, last);
    unsigned char *mask = calloc((size_t)m->n_origins + 1, 1);
    if (!mask)
        return demob_error_set(err, DEMOB_ERUN, "out of memory");
    for (int i = 0; i < n_origins; i++)
        if (origins[i] >= 0 && origins[i] < m->n_origins)
            mask[origins[i]] = 1;
    if (!origins || n_origins == 0)
        memset(mask, 1, (size_t)m->n_origins);
    for (int g = 0; g < m->n_flows; g++) {
        const flow_def *o = &m->flows[g];
        if (g == flow || o->from != from || o->to != to)
            continue;
        for (int k = 0; k < m->n_origins; k++)
            if (o->applies[k] && mask[k]) {
                free(mask);
                return demob_error_set(err, DEMOB_EINPUT,
                                       "flow '%s': flow '%s' already moves origin '%s' from '%s' to '%s'", f->name,
                                       o->name, m->origins[k].name, m->states[from].name, m->states[to].name);
            }
    }
    free(f->applies);
    free(f->caps);
    f->applies = mask;
    f->caps = NULL;
    f->n_caps = 0;
    f->from = from;
    f->to = to;
    f->rate = rate;
    f->first = first > 0 ? first : 1;
    f->last = last > 0 ? last : 0;
    f->enabled = 1;
    f->hazard = 0;
    f->budget = -1;
    f->unit_cost = -1;
    return flow;
}

int demob_model_reset_capacity(demob_model *m, int capacity, demob_value per_step, demob_share policy,
                               demob_error *err)
{
    if (open_index(m, "capacity", capacity, m->n_caps, err) ||
        open_index(m, "capacity value", per_step, m->n_values, err))
        return DEMOB_EINPUT;
    capacity_def *c = &m->caps[capacity];
    if (policy != DEMOB_SHARE_PROPORTIONAL && policy != DEMOB_SHARE_PRIORITY)
        return demob_error_set(err, DEMOB_EINPUT, "capacity '%s': policy must be proportional or priority", c->name);
    free(c->prio);
    c->prio = NULL;
    c->n_prio = 0;
    c->n_ranks = 0;
    c->limit = per_step;
    c->policy = policy;
    return capacity;
}

int demob_model_set_range(demob_model *m, demob_value v, double lo, double hi, demob_error *err)
{
    if (open_index(m, "value", v, m->n_values, err))
        return DEMOB_EINPUT;
    value_slot *s = &m->values[v];
    if (!isnan(lo) && (s->def < lo || s->def > hi))
        return demob_error_set(err, DEMOB_EINPUT, "'%s': default %g is outside [min, max] = [%g, %g]",
                               s->name ? s->name : "(constant)", s->def, lo, hi);
    s->lo = lo;
    s->hi = hi;
    return 0;
}

int demob_model_reset_budget(demob_model *m, int budget, double initial, demob_value refill_per_step,
                             demob_error *err)
{
    if (open_index(m, "budget", budget, m->n_budgets, err) ||
        open_index(m, "budget refill value", refill_per_step, m->n_values, err))
        return DEMOB_EINPUT;
    budget_def *b = &m->budgets[budget];
    if (!isfinite(initial) || initial < 0)
        return demob_error_set(err, DEMOB_EINPUT, "budget '%s': initial must be a finite amount >= 0 (got %g)",
                               b->name, initial);
    free(b->tranches);
    b->tranches = NULL;
    b->n_tranches = 0;
    b->initial = initial;
    b->initial_value = -1;
    b->refill = refill_per_step;
    return budget;
}

int demob_model_cost_supersede(demob_model *m, int cost, int before, demob_error *err)
{
    if (open_index(m, "cost", cost, m->n_costs, err))
        return DEMOB_EINPUT;
    const cost_def *c = &m->costs[cost];
    for (int i = 0; i < before && i < cost; i++) {
        cost_def *o = &m->costs[i];
        if (o->kind != c->kind || o->target != c->target || o->category != c->category)
            continue;
        free(o->applies);
        *o = *c;
        m->n_costs--;
        return i;
    }
    return cost;
}
