/* model_freeze.c - the checks that need the whole model (stocks against
 * ceilings, events inside the run, integer stocks in stochastic mode) and
 * the compilation of the model into the flat tables the engine walks:
 * links grouped by source cell, capacity link lists, date labels. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_internal.h"

/* Days since 1970-01-01 of a civil date (H. Hinnant's days_from_civil). */
static long days_from_civil(long y, unsigned m, unsigned d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long)doe - 719468;
}

static void civil_from_days(long z, int *y, int *m, int *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long yy = (long)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yy + (*m <= 2));
}

static int days_in_month(int y, int m)
{
    static const int len[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : len[m - 1];
}

/* The date label of every stock time, in one block: m->dates[t] points
 * into m->dates[0]. Without a start date there are none (every label is
 * empty, demob_model_date): 44 bytes a step of nothing, 44 MB for a
 * million steps. */
#define DATE_LABEL 36 /* room for any int the format could print */
static int build_dates(demob_model *m, demob_error *err)
{
    if (!m->start_year)
        return 0;
    m->dates = calloc((size_t)m->steps + 1, sizeof *m->dates);
    char *block = malloc(((size_t)m->steps + 1) * DATE_LABEL);
    if (!m->dates || !block) {
        free(block);
        return demob_error_set(err, DEMOB_ERUN, "out of memory");
    }
    for (int t = 0; t <= m->steps; t++) {
        char *buf = block + (size_t)t * DATE_LABEL;
        m->dates[t] = buf;
        buf[0] = '\0';
        int y = m->start_year, mo = m->start_month, d = m->start_day;
        if (m->unit == DEMOB_UNIT_MONTH) {
            long months = (long)y * 12 + (mo - 1) + t;
            y = (int)(months / 12);
            mo = (int)(months % 12) + 1;
            if (d > days_in_month(y, mo))
                d = days_in_month(y, mo);
            if (m->start_has_day)
                snprintf(buf, DATE_LABEL, "%04d-%02d-%02d", y % 10000, mo, d);
            else
                snprintf(buf, DATE_LABEL, "%04d-%02d", y % 10000, mo);
        } else {
            long days = days_from_civil(y, (unsigned)mo, (unsigned)d) +
                        (long)t * (m->unit == DEMOB_UNIT_WEEK ? 7 : 1);
            civil_from_days(days, &y, &mo, &d);
            snprintf(buf, DATE_LABEL, "%04d-%02d-%02d", y % 10000, mo, d);
        }
    }
    return 0;
}

int demob_model_step_of_date(const demob_model *m, const char *date, demob_error *err)
{
    if (!m->start_year)
        return demob_error_set(err, DEMOB_EINPUT, "the date '%s' needs a start date: scenario { start = \"YYYY-MM\" }",
                               date);
    int y = 0, mo = 0, d = 1, used = 0;
    int n = sscanf(date, "%4d-%2d%n-%2d%n", &y, &mo, &used, &d, &used);
    if (n < 2 || date[used] != '\0' || y < 1 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
        return demob_error_set(err, DEMOB_EINPUT, "'%s' is not a date of the form YYYY-MM or YYYY-MM-DD", date);
    long t;
    if (m->unit == DEMOB_UNIT_MONTH) {
        t = ((long)y * 12 + mo) - ((long)m->start_year * 12 + m->start_month);
        if (n == 3 && d > m->start_day)
            t++; /* later in the month than the step dates fall */
    } else {
        long days = days_from_civil(y, (unsigned)mo, (unsigned)d) -
                    days_from_civil(m->start_year, (unsigned)m->start_month, (unsigned)m->start_day);
        long k = m->unit == DEMOB_UNIT_WEEK ? 7 : 1;
        t = days >= 0 ? (days + k - 1) / k : -((-days) / k);
    }
    if (t < 1)
        return demob_error_set(err, DEMOB_EINPUT, "the date '%s' is not after the start date (step 0)", date);
    if (t > 100000000)
        return demob_error_set(err, DEMOB_EINPUT, "the date '%s' is too far after the start", date);
    return (int)t;
}

/* "param 'x' = 2" or, for a constant, "2". */
static const char *value_label(const demob_model *m, demob_value v, double x, char *buf, size_t n)
{
    if (m->values[v].name)
        snprintf(buf, n, "param '%s' = %g", m->values[v].name, x);
    else
        snprintf(buf, n, "%g", x);
    return buf;
}

int demob_model_check_value(const demob_model *m, demob_value v, double x, demob_error *err)
{
    if (v < 0 || v >= m->n_values)
        return demob_error_set(err, DEMOB_EINPUT, "value index %d out of range", v);
    if (x >= 0 && x <= 1)
        return 0; /* within every bound below (and finite): hooks set such values every step */
    char buf[300];
    const char *what = value_label(m, v, x, buf, sizeof buf);
    if (!isfinite(x))
        return demob_error_set(err, DEMOB_EINPUT, "%s is not a finite number", what);
    for (int f = 0; f < m->n_flows; f++)
        if (m->flows[f].rate == v && !m->flows[f].forced && !m->flows[f].hazard)
            return demob_error_set(err, DEMOB_EINPUT, "flow '%s': rate %s is outside [0, 1]%s%.14g%s", m->flows[f].name,
                                   what, x > 1 && x <= 100 ? " (a percentage? write " : "",
                                   x > 1 && x <= 100 ? x / 100 : 0, x > 1 && x <= 100 ? ")" : "");
    if (x >= 0)
        return 0;
    for (int f = 0; f < m->n_flows; f++)
        if (m->flows[f].rate == v && m->flows[f].hazard)
            return demob_error_set(err, DEMOB_EINPUT, "flow '%s': hazard %s must be >= 0", m->flows[f].name, what);
    for (int c = 0; c < m->n_caps; c++)
        if (m->caps[c].limit == v)
            return demob_error_set(err, DEMOB_EINPUT, "capacity '%s': per_step %s must be >= 0", m->caps[c].name,
                                   what);
    for (int k = 0; k < m->n_ceilings; k++)
        if (m->ceilings[k].limit == v)
            return demob_error_set(err, DEMOB_EINPUT, "state '%s': ceiling %s must be >= 0",
                                   m->states[m->ceilings[k].state].name, what);
    for (int i = 0; i < m->n_costs; i++)
        if (m->costs[i].amount == v)
            return demob_error_set(err, DEMOB_EINPUT, "cost '%s': amount %s must be >= 0",
                                   m->categories[m->costs[i].category], what);
    for (int i = 0; i < m->n_arrivals; i++)
        if (!m->arrivals[i].per_step && m->arrivals[i].constant == v)
            return demob_error_set(err, DEMOB_EINPUT, "arrivals of '%s' into '%s': %s must be >= 0",
                                   m->origins[m->arrivals[i].origin].name, m->states[m->arrivals[i].state].name,
                                   what);
    for (int b = 0; b < m->n_budgets; b++) {
        const budget_def *bd = &m->budgets[b];
        if (bd->refill == v || bd->initial_value == v)
            return demob_error_set(err, DEMOB_EINPUT, "budget '%s': %s %s must be >= 0", bd->name,
                                   bd->refill == v ? "per_step" : "initial", what);
        for (int i = 0; i < bd->n_tranches; i++)
            if (bd->tranches[i].value == v)
                return demob_error_set(err, DEMOB_EINPUT, "budget '%s': tranche amount %s must be >= 0", bd->name,
                                       what);
    }
    for (int f = 0; f < m->n_flows; f++)
        if (m->flows[f].budget >= 0 && m->flows[f].unit_cost == v)
            return demob_error_set(err, DEMOB_EINPUT, "flow '%s': cost %s must be >= 0", m->flows[f].name, what);
    return 0;
}

static int check_values(demob_model *m, demob_error *err)
{
    char buf[300];
    int rc;
    for (int v = 0; v < m->n_values; v++)
        if ((rc = demob_model_check_value(m, v, m->values[v].def, err)))
            return rc;
    for (int f = 0; f < m->n_flows; f++) {
        if (m->flows[f].first > m->steps)
            return demob_error_set(err, DEMOB_EINPUT, "flow '%s': window starts at step %d, after the last step %d",
                                   m->flows[f].name, m->flows[f].first, m->steps);
        int st = m->flows[f].from;
        if (m->states[st].duration > 0)
            return demob_error_set(err, DEMOB_EINPUT,
                                   "flow '%s': state '%s' has a fixed duration; everyone leaves it to '%s', so no "
                                   "flow can leave it",
                                   m->flows[f].name, m->states[st].name, m->states[m->states[st].exit_state].name);
    }
    for (int i = 0; i < m->n_arrivals; i++) {
        arrivals_def *a = &m->arrivals[i];
        /* An expression has no value before the run: checked every step. */
        double v = a->per_step || demob_model_value_is_expr(m, a->constant) ? 0 : m->values[a->constant].def;
        if (m->mode == DEMOB_STOCHASTIC && v != floor(v))
            return demob_error_set(err, DEMOB_EINPUT, "arrivals of '%s' into '%s': %s must be a whole number",
                                   m->origins[a->origin].name, m->states[a->state].name,
                                   value_label(m, a->constant, v, buf, sizeof buf));
    }
    /* Timed events set values too: check them now, not at their step. */
    for (int i = 0; i < m->n_events; i++)
        if (m->events[i].kind == EVENT_VALUE && m->events[i].expr < 0 &&
            (rc = demob_model_check_value(m, m->events[i].index, m->events[i].value, err))) {
            char msg[sizeof err->message];
            snprintf(msg, sizeof msg, "%s", err->message);
            return demob_error_set(err, DEMOB_EINPUT, "event at step %d: %s", m->events[i].step, msg);
        }
    return 0;
}

static int check_stocks(demob_model *m, demob_error *err)
{
    size_t cells = (size_t)m->n_origins * (size_t)m->n_states;
    m->initial = calloc(cells ? cells : 1, sizeof *m->initial);
    if (!m->initial)
        return demob_error_set(err, DEMOB_ERUN, "out of memory");
    double total = 0;
    for (int i = 0; i < m->n_initials; i++) {
        struct initial_def *d = &m->initials[i];
        if (d->slot >= 0)
            d->count = m->values[d->slot].def; /* after --set */
        if (!(d->count >= 0))
            return demob_error_set(err, DEMOB_EINPUT, "origin '%s', state '%s': initial stock %g must be >= 0",
                                   m->origins[d->origin].name, m->states[d->state].name, d->count);
        if (m->mode == DEMOB_STOCHASTIC) {
            if (d->count != floor(d->count))
                return demob_error_set(err, DEMOB_EINPUT,
                                       "origin '%s', state '%s': initial stock %g must be a whole number in "
                                       "stochastic mode",
                                       m->origins[d->origin].name, m->states[d->state].name, d->count);
            if (d->count > DEMOB_MAX_COUNT)
                return demob_error_set(err, DEMOB_EINPUT,
                                       "origin '%s', state '%s': initial stock %g is above 2^62, the largest count "
                                       "stochastic mode handles",
                                       m->origins[d->origin].name, m->states[d->state].name, d->count);
        }
        m->initial[(size_t)d->origin * (size_t)m->n_states + (size_t)d->state] = d->count;
        total += d->count;
    }
    if (m->mode == DEMOB_STOCHASTIC) {
        /* Everyone who can ever be in the model must fit in an int64 sum. */
        for (int i = 0; i < m->n_arrivals; i++) {
            arrivals_def *a = &m->arrivals[i];
            if (a->per_step) {
                for (int t = 0; t < a->n && t < m->steps; t++) {
                    if (a->per_step[t] != floor(a->per_step[t]))
                        return demob_error_set(err, DEMOB_EINPUT,
                                               "arrivals of '%s' into '%s': step %d: %g must be a whole number in "
                                               "stochastic mode",
                                               m->origins[a->origin].name, m->states[a->state].name, t + 1,
                                               a->per_step[t]);
                    total += a->per_step[t];
                }
            } else if (!demob_model_value_is_expr(m, a->constant)) {
                total += m->values[a->constant].def * m->steps;
            }
        }
        if (total > DEMOB_MAX_COUNT)
            return demob_error_set(err, DEMOB_EINPUT,
                                   "the initial stocks and arrivals add up to %g people, above 2^62, the largest "
                                   "total stochastic mode handles",
                                   total);
    }
    for (int k = 0; k < m->n_ceilings; k++) {
        ceiling_def *c = &m->ceilings[k];
        /* An expression ceiling has no value before the run; below the
         * occupancy it admits nobody (the room is never negative). */
        if (demob_model_value_is_expr(m, c->limit))
            continue;
        double occ = 0;
        for (int i = 0; i < model_ceiling_n_origins(m, k); i++)
            occ += m->initial[(size_t)model_ceiling_origin(m, k, i) * (size_t)m->n_states + (size_t)c->state];
        double lim = m->values[c->limit].def;
        if (occ > lim)
            return demob_error_set(err, DEMOB_EINPUT, "state '%s': ceiling %g is below the starting occupancy %g",
                                   m->states[c->state].name, lim, occ);
    }
    return 0;
}

static int check_events(demob_model *m, demob_error *err)
{
    for (int i = 0; i < m->n_events; i++)
        if (m->events[i].step > m->steps)
            return demob_error_set(err, DEMOB_EINPUT, "event at step %d is outside the run (steps 1..%d)",
                                   m->events[i].step, m->steps);
    for (int b = 0; b < m->n_budgets; b++)
        for (int i = 0; i < m->budgets[b].n_tranches; i++)
            if (m->budgets[b].tranches[i].step > m->steps)
                return demob_error_set(err, DEMOB_EINPUT, "budget '%s': tranche at step %d is outside the run (steps "
                                       "1..%d)",
                                       m->budgets[b].name, m->budgets[b].tranches[i].step, m->steps);
    /* Events are applied in step order, declaration order within a step. */
    for (int i = 1; i < m->n_events; i++) {
        event_def e = m->events[i];
        int j = i - 1;
        while (j >= 0 && m->events[j].step > e.step) {
            m->events[j + 1] = m->events[j];
            j--;
        }
        m->events[j + 1] = e;
    }
    return 0;
}

/* A priority capacity's links, grouped by rank: the rank of the first
 * priority entry (flow or origin) a link matches, or n_ranks for links the
 * list does not name. Insertion into rank order keeps the declaration
 * order within a rank, which is the order ties are broken in, and lets the
 * engine fill rank after rank in one pass per step. */
static int rank_priority_links(demob_model *m, int c)
{
    const capacity_def *cd = &m->caps[c];
    int n = m->cap_n_links[c], *links = m->cap_links[c];
    if (!m->cap_rank && !(m->cap_rank = calloc((size_t)m->n_caps + 1, sizeof *m->cap_rank)))
        return -1;
    int *rank = malloc(((size_t)n + 1) * sizeof *rank);
    if (!rank)
        return -1;
    m->cap_rank[c] = rank;
    for (int i = 0; i < n; i++) {
        const link *lk = &m->links[links[i]];
        int r = cd->n_ranks;
        for (int e = 0; e < cd->n_prio && r == cd->n_ranks; e++)
            if (cd->prio[e].is_flow ? lk->flow == cd->prio[e].index : lk->origin == cd->prio[e].index)
                r = cd->prio[e].rank;
        /* Stable insertion by rank. */
        int j = i, l = links[i];
        while (j > 0 && rank[j - 1] > r) {
            rank[j] = rank[j - 1];
            links[j] = links[j - 1];
            j--;
        }
        rank[j] = r;
        links[j] = l;
    }
    return 0;
}

static int compile_links(demob_model *m, demob_error *err)
{
    int n_o = m->n_origins, n_s = m->n_states;
    int n = 0, n_caps_total = 0;
    for (int f = 0; f < m->n_flows; f++)
        for (int o = 0; o < n_o; o++)
            if (m->flows[f].applies[o]) {
                n++;
                n_caps_total += m->flows[f].n_caps;
            }
    m->links = calloc((size_t)n + 1, sizeof *m->links);
    m->sources = calloc((size_t)n + 1, sizeof *m->sources);
    m->link_caps = calloc((size_t)n_caps_total + 1, sizeof *m->link_caps);
    m->cap_links = calloc((size_t)m->n_caps + 1, sizeof *m->cap_links);
    m->cap_n_links = calloc((size_t)m->n_caps + 1, sizeof *m->cap_n_links);
    int *link_of = malloc(((size_t)m->n_flows * (size_t)n_o + 1) * sizeof *link_of);
    m->link_of = link_of;
    m->source_of = malloc(((size_t)n_o * (size_t)n_s + 1) * sizeof *m->source_of);
    if (!m->links || !m->sources || !m->link_caps || !m->cap_links || !m->cap_n_links || !link_of ||
        !m->source_of)
        return demob_error_set(err, DEMOB_ERUN, "out of memory");
    for (size_t i = 0; i < (size_t)n_o * (size_t)n_s; i++)
        m->source_of[i] = -1;
    for (size_t i = 0; i < (size_t)m->n_flows * (size_t)n_o; i++)
        link_of[i] = -1;
    /* Links ordered by origin, then source state, then flow. */
    int li = 0, ci = 0;
    for (int o = 0; o < n_o; o++)
        for (int s = 0; s < n_s; s++) {
            int first = li;
            for (int f = 0; f < m->n_flows; f++) {
                flow_def *fl = &m->flows[f];
                if (fl->from != s || !fl->applies[o])
                    continue;
                link *l = &m->links[li];
                l->flow = f;
                l->origin = o;
                l->from = s;
                l->to = fl->to;
                l->cell_from = o * n_s + s;
                l->cell_to = o * n_s + fl->to;
                l->budget = fl->budget;
                l->first_cap = ci;
                l->n_caps = fl->n_caps;
                for (int k = 0; k < fl->n_caps; k++)
                    m->link_caps[ci++] = fl->caps[k];
                link_of[(size_t)f * (size_t)n_o + (size_t)o] = li;
                li++;
            }
            if (li > first) {
                m->source_of[o * n_s + s] = m->n_sources;
                source_cell *sc = &m->sources[m->n_sources++];
                sc->cell = o * n_s + s;
                sc->first_link = first;
                sc->n_links = li - first;
            }
        }
    m->n_links = li;
    /* Each capacity's links in declaration order: flow, then origin, which
     * is the order ties are broken in. */
    for (int c = 0; c < m->n_caps; c++) {
        int cnt = 0;
        for (int f = 0; f < m->n_flows; f++)
            for (int k = 0; k < m->flows[f].n_caps; k++)
                if (m->flows[f].caps[k] == c)
                    for (int o = 0; o < n_o; o++)
                        cnt += m->flows[f].applies[o];
        m->cap_links[c] = malloc(((size_t)cnt + 1) * sizeof(int));
        if (!m->cap_links[c])
            return demob_error_set(err, DEMOB_ERUN, "out of memory");
        int j = 0;
        for (int f = 0; f < m->n_flows; f++)
            for (int k = 0; k < m->flows[f].n_caps; k++)
                if (m->flows[f].caps[k] == c)
                    for (int o = 0; o < n_o; o++)
                        if (m->flows[f].applies[o])
                            m->cap_links[c][j++] = link_of[(size_t)f * (size_t)n_o + (size_t)o];
        m->cap_n_links[c] = j;
        if (m->caps[c].policy == DEMOB_SHARE_PRIORITY && rank_priority_links(m, c))
            return demob_error_set(err, DEMOB_ERUN, "out of memory");
    }
    return 0;
}

/* A fixed-duration state gets one flow to its exit, applied by the engine
 * to the cohort whose time is up (no rate, capacity or ceiling applies). */
static int add_forced_exits(demob_model *m, demob_error *err)
{
    for (int s = 0; s < m->n_states; s++) {
        state_def *st = &m->states[s];
        if (st->duration <= 0)
            continue;
        demob_value one = demob_model_add_constant(m, 1.0, err);
        if (one < 0)
            return one;
        int f = demob_model_add_flow(m, NULL, s, st->exit_state, one, NULL, 0, 0, 0, err);
        if (f < 0)
            return f;
        m->flows[f].forced = 1;
        m->flows[f].last = m->steps;
    }
    return 0;
}

int demob_model_freeze(demob_model *m, demob_error *err)
{
    if (m->frozen)
        return 0;
    if (m->steps <= 0)
        return demob_error_set(err, DEMOB_EINPUT, "scenario: steps must be set to a whole number >= 1");
    if (m->n_states == 0)
        return demob_error_set(err, DEMOB_EINPUT, "no states declared");
    if (m->n_origins == 0)
        return demob_error_set(err, DEMOB_EINPUT, "no origins declared");
    for (int f = 0; f < m->n_flows; f++)
        if (m->flows[f].last > m->steps || m->flows[f].last == 0)
            m->flows[f].last = m->steps;
    for (int i = 0; i < m->n_costs; i++)
        if (m->costs[i].last > m->steps || m->costs[i].last == 0)
            m->costs[i].last = m->steps;
    int rc;
    for (int s = 0; s < m->n_states; s++) {
        state_def *st = &m->states[s];
        st->cohorts = st->duration > st->min_stay ? st->duration : st->min_stay;
    }
    if ((rc = check_values(m, err)) || (rc = model_expr_freeze(m, err)))
        return rc;
    if ((rc = add_forced_exits(m, err)))
        return rc;
    /* A sync's flow set was sized when it was declared: flows declared
     * after it (and the forced exits just added) are not in it. */
    for (int k = 0; k < m->n_syncs; k++) {
        unsigned char *f = realloc(m->syncs[k].flows, (size_t)m->n_flows + 1);
        if (!f)
            return demob_error_set(err, DEMOB_ERUN, "out of memory");
        for (int i = m->syncs[k].n_flows_sized; i <= m->n_flows; i++)
            f[i] = 0;
        m->syncs[k].flows = f;
        m->syncs[k].n_flows_sized = m->n_flows;
    }
    if ((rc = check_stocks(m, err)) || (rc = check_events(m, err)) ||
        (rc = build_dates(m, err)) || (rc = compile_links(m, err)) ||
        (rc = model_ceilings_compile(m, err)))
        return rc;
    m->step_uses = 0;
    for (int s = 0; s < m->n_states; s++)
        if (m->states[s].cohorts > 0)
            m->step_uses |= STEP_COHORTS;
    m->step_uses |= (m->n_events ? STEP_EVENTS : 0) | (m->n_budgets ? STEP_BUDGETS | STEP_COSTS : 0) |
                    (m->n_arrivals ? STEP_ARRIVALS : 0) | (m->n_caps ? STEP_CAPS : 0) |
                    (m->n_ceilings || m->n_syncs ? STEP_LIMITS : 0) | (m->n_costs ? STEP_COSTS : 0);
    m->frozen = 1;
    return 0;
}
