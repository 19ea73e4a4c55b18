/* constraints.c - constraint diagnostics: for each capacity, ceiling,
 * budget and synchronised withdrawal, the people a step wanted to move
 * through it, what it allowed and what it cut (filled by step.c where the
 * cut happens), and the steps of the run in which it cut anyone. Also the
 * names the outputs give the constraints. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim_internal.h"

int demob_model_n_constraints(const demob_model *m)
{
    return m->n_caps + m->n_ceilings + m->n_budgets + m->n_syncs;
}

const char *demob_model_constraint_kind(const demob_model *m, int k)
{
    if (k < 0)
        return "";
    if (k < m->n_caps)
        return "capacity";
    if ((k -= m->n_caps) < m->n_ceilings)
        return "ceiling";
    if ((k -= m->n_ceilings) < m->n_budgets)
        return "budget";
    return k - m->n_budgets < m->n_syncs ? "sync" : "";
}

const char *demob_model_constraint_name(const demob_model *m, int k)
{
    if (k < 0)
        return "";
    if (k < m->n_caps)
        return m->caps[k].name;
    if ((k -= m->n_caps) < m->n_ceilings)
        return m->states[m->ceilings[k].state].name;
    if ((k -= m->n_ceilings) < m->n_budgets)
        return m->budgets[k].name;
    if ((k -= m->n_budgets) < m->n_syncs)
        return m->syncs[k].tag_a;
    return "";
}

const char *demob_model_constraint_name2(const demob_model *m, int k)
{
    k -= m->n_caps + m->n_ceilings + m->n_budgets;
    return k >= 0 && k < m->n_syncs ? m->syncs[k].tag_b : "";
}

int model_con_alloc(demob_sim *s)
{
    int n = demob_model_n_constraints(s->m);
    s->n_con = n;
    s->con_want = calloc((size_t)n + 1, sizeof(double));
    s->con_allow = calloc((size_t)n + 1, sizeof(double));
    s->con_cut = calloc((size_t)n + 1, sizeof(double));
    s->con_bound = calloc((size_t)n + 1, sizeof(long));
    return s->con_want && s->con_allow && s->con_cut && s->con_bound ? 0 : -1;
}

void model_con_free(demob_sim *s)
{
    free(s->con_want);
    free(s->con_allow);
    free(s->con_cut);
    free(s->con_bound);
}

void model_con_reset(demob_sim *s)
{
    size_t n = (size_t)s->n_con;
    memset(s->con_want, 0, n * sizeof(double));
    memset(s->con_allow, 0, n * sizeof(double));
    memset(s->con_cut, 0, n * sizeof(double));
    memset(s->con_bound, 0, n * sizeof(long));
}

int model_con_first_ceiling(const demob_sim *s) { return s->m->n_caps; }
int model_con_first_budget(const demob_sim *s) { return s->m->n_caps + s->m->n_ceilings; }
int model_con_first_sync(const demob_sim *s) { return s->m->n_caps + s->m->n_ceilings + s->m->n_budgets; }

void model_con_begin_step(demob_sim *s)
{
    for (int k = 0; k < s->n_con; k++) {
        s->con_want[k] = k < model_con_first_ceiling(s) || (k >= model_con_first_budget(s) && k < model_con_first_sync(s)) ? 0 : -1;
        s->con_allow[k] = 0;
        s->con_cut[k] = 0;
    }
}

void model_con_note(demob_sim *s, int k, double want, double allow, double cut)
{
    if (s->con_want[k] < 0)
        s->con_want[k] = want;
    else if (k < model_con_first_ceiling(s) || (k >= model_con_first_budget(s) && k < model_con_first_sync(s)))
        s->con_want[k] = want;
    s->con_allow[k] = allow < 0 ? 0 : allow;
    s->con_cut[k] += cut > 0 ? cut : 0;
}

void model_con_end_step(demob_sim *s)
{
    for (int k = 0; k < s->n_con; k++) {
        if (s->con_want[k] < 0)
            s->con_want[k] = 0;
        if (s->con_cut[k] > (s->stochastic ? 0.5 : 1e-9 * (1 + s->con_want[k])))
            s->con_bound[k]++;
    }
}

void demob_sim_constraint(const demob_sim *s, int k, double *want, double *allowed, double *cut)
{
    int ok = k >= 0 && k < s->n_con;
    *want = ok ? s->con_want[k] : 0;
    *allowed = ok ? s->con_allow[k] : 0;
    *cut = ok ? s->con_cut[k] : 0;
}

long demob_sim_constraint_bound(const demob_sim *s, int k)
{
    return k >= 0 && k < s->n_con ? s->con_bound[k] : 0;
}
