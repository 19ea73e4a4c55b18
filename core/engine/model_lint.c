/* model_lint.c - warnings about a frozen model that is valid but probably
 * not what its author meant: flows that can never move anyone, origins no
 * flow covers, states nothing can reach, capacities no flow names, params
 * nothing reads. `demob check` and `demob run` print them; none stops a
 * run. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "model_internal.h"

typedef struct lint {
    demob_lint_fn fn;
    void *ud;
    int n;
} lint;

static void warn(lint *l, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void warn(lint *l, const char *fmt, ...)
{
    char msg[DEMOB_MESSAGE_SIZE];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    l->fn(l->ud, msg);
    l->n++;
}

/* States some origin can be in: starting stocks, arrivals, then along
 * every flow and fixed-duration exit. */
static void reachable(const demob_model *m, unsigned char *in)
{
    for (int i = 0; i < m->n_initials; i++)
        if (m->initials[i].slot >= 0 || m->initials[i].count > 0)
            in[m->initials[i].state] = 1;
    for (int i = 0; i < m->n_arrivals; i++)
        in[m->arrivals[i].state] = 1;
    for (int changed = 1; changed;) {
        changed = 0;
        for (int f = 0; f < m->n_flows; f++)
            if (in[m->flows[f].from] && !in[m->flows[f].to])
                in[m->flows[f].to] = 1, changed = 1;
        for (int s = 0; s < m->n_states; s++)
            if (in[s] && m->states[s].duration > 0 && !in[m->states[s].exit_state])
                in[m->states[s].exit_state] = 1, changed = 1;
    }
}

static int state_used(const demob_model *m, int s)
{
    if (m->states[s].min_stay > 0 || m->states[s].duration > 0)
        return 1;
    for (int f = 0; f < m->n_flows; f++)
        if (m->flows[f].from == s)
            return 1;
    for (int k = 0; k < m->n_ceilings; k++)
        if (m->ceilings[k].state == s)
            return 1;
    for (int i = 0; i < m->n_costs; i++)
        if (m->costs[i].kind == COST_STATE && m->costs[i].target == s)
            return 1;
    return 0;
}

static int is_zero_constant(const demob_model *m, demob_value v)
{
    return v >= 0 && !m->values[v].name && m->values[v].expr < 0 && m->values[v].def == 0;
}

static int enabled_by_event(const demob_model *m, int f)
{
    for (int i = 0; i < m->n_events; i++)
        if (m->events[i].kind == EVENT_FLOW && m->events[i].index == f && m->events[i].enabled)
            return 1;
    return 0;
}

static void mark_used(const demob_model *m, unsigned char *used)
{
    for (int f = 0; f < m->n_flows; f++) {
        used[m->flows[f].rate] = 1;
        if (m->flows[f].budget >= 0 && m->flows[f].unit_cost >= 0)
            used[m->flows[f].unit_cost] = 1;
    }
    for (int c = 0; c < m->n_caps; c++)
        used[m->caps[c].limit] = 1;
    for (int k = 0; k < m->n_ceilings; k++)
        used[m->ceilings[k].limit] = 1;
    for (int i = 0; i < m->n_costs; i++)
        used[m->costs[i].amount] = 1;
    for (int i = 0; i < m->n_arrivals; i++)
        if (!m->arrivals[i].per_step)
            used[m->arrivals[i].constant] = 1;
    for (int b = 0; b < m->n_budgets; b++) {
        used[m->budgets[b].refill] = 1;
        if (m->budgets[b].initial_value >= 0)
            used[m->budgets[b].initial_value] = 1;
        for (int i = 0; i < m->budgets[b].n_tranches; i++)
            if (m->budgets[b].tranches[i].value >= 0)
                used[m->budgets[b].tranches[i].value] = 1;
    }
    for (int i = 0; i < m->n_initials; i++)
        if (m->initials[i].slot >= 0)
            used[m->initials[i].slot] = 1;
    for (int e = 0; e < m->n_exprs; e++)
        for (int i = 0; i < m->exprs[e].n; i++)
            if (m->exprs[e].prog[i].op == DEMOB_X_VALUE)
                used[m->exprs[e].prog[i].a] = 1;
}

int demob_model_lint(const demob_model *m, int hooks, demob_lint_fn fn, void *ud)
{
    lint l = {fn, ud, 0};
    unsigned char *in = calloc((size_t)m->n_states + 1, 1);
    unsigned char *used = calloc((size_t)m->n_values + 1, 1);
    if (!in || !used) {
        free(in);
        free(used);
        return -1;
    }
    reachable(m, in);
    const char *unless_arrive = hooks ? " (unless a hook adds people there)" : "";
    for (int f = 0; f < m->n_flows; f++) {
        const flow_def *fd = &m->flows[f];
        if (fd->forced)
            continue;
        if (is_zero_constant(m, fd->rate))
            warn(&l, "flow '%s' can never move anyone: its %s is 0", fd->name, fd->hazard ? "hazard" : "rate");
        else if (!in[fd->from])
            warn(&l, "flow '%s' can never move anyone: nothing can reach '%s'%s", fd->name, m->states[fd->from].name,
                 unless_arrive);
        else if (!fd->enabled && !enabled_by_event(m, f) && !hooks)
            warn(&l, "flow '%s' can never move anyone: it is disabled and no event enables it", fd->name);
        else if (fd->first > m->steps)
            warn(&l, "flow '%s' can never move anyone: its window opens at step %d, after the last step (%d)",
                 fd->name, fd->first, m->steps);
        else
            for (int i = 0; i < fd->n_caps; i++)
                if (is_zero_constant(m, m->caps[fd->caps[i]].limit))
                    warn(&l, "flow '%s' can never move anyone: its capacity '%s' is 0", fd->name,
                         m->caps[fd->caps[i]].name);
    }
    for (int o = 0; o < m->n_origins; o++) {
        int covered = 0;
        for (int f = 0; f < m->n_flows && !covered; f++)
            covered = m->flows[f].applies[o];
        if (!covered && m->n_flows > 0)
            warn(&l, "origin '%s': no flow covers it (every flow's origins leave it out)", m->origins[o].name);
    }
    /* A state only listed (e.g. among ddr.states) and used by nothing is
     * harmless; one given a flow out, a ceiling, a stay or a cost is not. */
    for (int s = 0; s < m->n_states; s++)
        if (!in[s] && state_used(m, s))
            warn(&l, "state '%s': nothing can reach it (no starting stock, arrivals or flow into it)%s",
                 m->states[s].name, unless_arrive);
    for (int c = 0; c < m->n_caps; c++) {
        int named = 0;
        for (int f = 0; f < m->n_flows && !named; f++)
            for (int i = 0; i < m->flows[f].n_caps; i++)
                named |= m->flows[f].caps[i] == c;
        if (!named)
            warn(&l, "capacity '%s': no flow names it (add capacity = \"%s\" to a flow)", m->caps[c].name,
                 m->caps[c].name);
    }
    mark_used(m, used);
    for (int v = 0; v < m->n_values; v++)
        if (m->values[v].name && m->values[v].expr < 0 && !used[v])
            warn(&l, "param '%s': nothing uses it%s", m->values[v].name,
                 hooks ? " (unless a hook reads it with sim:get)" : "");
    free(in);
    free(used);
    return l.n;
}
