/* model.c - declaring a model: the demob_model_* builders and read accessors
 * of include/demob.h. Every builder checks its arguments and names the
 * offending state, origin, flow or field in its error. Checks that need the
 * whole model (and compilation for the engine) live in model_freeze.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_internal.h"

int model_grow(void *array_ptr, int *cap, int n, size_t elem)
{
    void **array = array_ptr;
    if (n < *cap)
        return 0;
    int ncap = *cap ? *cap * 2 : 8;
    void *p = realloc(*array, (size_t)ncap * elem);
    if (!p)
        return -1;
    memset((char *)p + (size_t)*cap * elem, 0, (size_t)(ncap - *cap) * elem);
    *array = p;
    *cap = ncap;
    return 0;
}

#define GROW(arr, n, cap, err)                                                    \
    do {                                                                         \
        if (model_grow(&(arr), &(cap), (n), sizeof *(arr)))                      \
            return demob_error_set((err), DEMOB_ERUN, "out of memory");         \
    } while (0)

static int check_open(demob_model *m, demob_error *err)
{
    if (m->frozen)
        return demob_error_set(err, DEMOB_EINPUT, "the model is frozen");
    return 0;
}

static int check_name(const char *what, const char *name, demob_error *err)
{
    if (!name || !*name)
        return demob_error_set(err, DEMOB_EINPUT, "%s: a name is required", what);
    /* Names reach CSV cells as they are (programs read them exactly); a
     * spreadsheet would run one starting like a formula. The scenario's
     * name is in no CSV file. */
    if (strchr("=+-@\t\r", name[0]) && strcmp(what, "scenario") != 0)
        return demob_error_set(err, DEMOB_EINPUT,
                               "%s '%s': a name may not start with '=', '+', '-', '@', a tab or a carriage return "
                               "(a spreadsheet would read the cell as a formula)",
                               what, name);
    return 0;
}

static int check_index(const char *what, int i, int n, demob_error *err)
{
    if (i < 0 || i >= n)
        return demob_error_set(err, DEMOB_EINPUT, "%s index %d out of range", what, i);
    return 0;
}

demob_model *demob_model_new(void)
{
    demob_model *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->steps = 0;
    m->unit = DEMOB_UNIT_MONTH;
    m->mode = DEMOB_DETERMINISTIC;
    m->runs = 1;
    m->seed = 1;
    return m;
}

void demob_model_free(demob_model *m)
{
    if (!m)
        return;
    free(m->name);
    for (int i = 0; i < m->n_states; i++)
        free(m->states[i].name);
    for (int i = 0; i < m->n_origins; i++) {
        for (int k = 0; k < m->origins[i].n_tags; k++)
            free(m->origins[i].tags[k]);
        free(m->origins[i].tags);
        free(m->origins[i].name);
    }
    for (int i = 0; i < m->n_values; i++)
        free(m->values[i].name);
    for (int i = 0; i < m->n_flows; i++) {
        free(m->flows[i].name);
        free(m->flows[i].applies);
        free(m->flows[i].caps);
    }
    for (int i = 0; i < m->n_caps; i++) {
        free(m->caps[i].name);
        free(m->caps[i].prio);
        if (m->cap_links)
            free(m->cap_links[i]);
        if (m->cap_rank)
            free(m->cap_rank[i]);
    }
    for (int i = 0; i < m->n_ceilings; i++)
        free(m->ceilings[i].origins);
    model_ceilings_free(m);
    for (int i = 0; i < m->n_arrivals; i++)
        free(m->arrivals[i].per_step);
    for (int i = 0; i < m->n_costs; i++)
        free(m->costs[i].applies);
    for (int i = 0; i < m->n_categories; i++)
        free(m->categories[i]);
    for (int i = 0; i < m->n_budgets; i++) {
        free(m->budgets[i].name);
        free(m->budgets[i].tranches);
    }
    for (int i = 0; i < m->n_syncs; i++) {
        free(m->syncs[i].tag_a);
        free(m->syncs[i].tag_b);
        free(m->syncs[i].in_a);
        free(m->syncs[i].in_b);
        free(m->syncs[i].flows);
    }
    if (m->dates)
        free(m->dates[0]); /* one block for every label */
    free(m->dates);
    free(m->states);
    free(m->origins);
    free(m->values);
    free(m->flows);
    free(m->caps);
    free(m->ceilings);
    free(m->arrivals);
    free(m->costs);
    free(m->categories);
    free(m->budgets);
    free(m->syncs);
    free(m->events);
    model_expr_free(m);
    free(m->initials);
    free(m->initial_last);
    model_names_free(&m->origin_names);
    model_names_free(&m->tag_names);
    model_names_free(&m->state_names);
    model_names_free(&m->flow_names);
    model_names_free(&m->param_names);
    free(m->initial);
    free(m->links);
    free(m->sources);
    free(m->source_of);
    free(m->link_caps);
    free(m->link_of);
    free(m->cap_links);
    free(m->cap_rank);
    free(m->cap_n_links);
    free(m);
}

/* ------------------------------------------------------------ settings */

int demob_model_set_name(demob_model *m, const char *name, demob_error *err)
{
    if (check_open(m, err) || check_name("scenario", name, err))
        return DEMOB_EINPUT;
    char *d = strdup(name);
    if (!d)
        return demob_error_set(err, DEMOB_ERUN, "out of memory");
    free(m->name);
    m->name = d;
    return 0;
}

int demob_model_set_steps(demob_model *m, int steps, demob_error *err)
{
    if (check_open(m, err))
        return DEMOB_EINPUT;
    if (steps <= 0)
        return demob_error_set(err, DEMOB_EINPUT, "steps must be at least 1 (got %d)", steps);
    m->steps = steps;
    return 0;
}

int demob_model_set_unit(demob_model *m, demob_unit unit, demob_error *err)
{
    if (check_open(m, err))
        return DEMOB_EINPUT;
    if (unit != DEMOB_UNIT_MONTH && unit != DEMOB_UNIT_WEEK && unit != DEMOB_UNIT_DAY)
        return demob_error_set(err, DEMOB_EINPUT, "unit must be month, week or day");
    m->unit = unit;
    return 0;
}

int demob_model_set_start(demob_model *m, const char *start, demob_error *err)
{
    if (check_open(m, err))
        return DEMOB_EINPUT;
    if (!start || !*start) {
        m->start_year = 0;
        return 0;
    }
    int y = 0, mo = 0, d = 0, used = 0;
    int n = sscanf(start, "%4d-%2d%n-%2d%n", &y, &mo, &used, &d, &used);
    if (n < 2 || start[used] != '\0' || y < 1 || mo < 1 || mo > 12 || (n == 3 && (d < 1 || d > 31)))
        return demob_error_set(err, DEMOB_EINPUT,
                               "start: '%s' is not a date of the form YYYY-MM or YYYY-MM-DD", start);
    m->start_year = y;
    m->start_month = mo;
    m->start_day = n == 3 ? d : 1;
    m->start_has_day = n == 3;
    return 0;
}

int demob_model_set_mode(demob_model *m, demob_mode mode, demob_error *err)
{
    if (check_open(m, err))
        return DEMOB_EINPUT;
    if (mode != DEMOB_DETERMINISTIC && mode != DEMOB_STOCHASTIC)
        return demob_error_set(err, DEMOB_EINPUT, "mode must be deterministic or stochastic");
    m->mode = mode;
    return 0;
}

int demob_model_set_runs(demob_model *m, long runs, demob_error *err)
{
    if (check_open(m, err))
        return DEMOB_EINPUT;
    if (runs < 1)
        return demob_error_set(err, DEMOB_EINPUT, "runs must be at least 1 (got %ld)", runs);
    m->runs = runs;
    return 0;
}

int demob_model_set_seed(demob_model *m, uint64_t seed, demob_error *err)
{
    if (check_open(m, err))
        return DEMOB_EINPUT;
    m->seed = seed;
    return 0;
}

/* -------------------------------------------------------------- states */

int demob_model_find_state(const demob_model *m, const char *name)
{
    int i = model_names_find(&m->state_names, name);
    return i >= 0 ? i : DEMOB_EINPUT;
}

int demob_model_add_state(demob_model *m, const char *name, demob_error *err)
{
    if (check_open(m, err) || check_name("state", name, err))
        return DEMOB_EINPUT;
    if (demob_model_find_state(m, name) >= 0)
        return demob_error_set(err, DEMOB_EINPUT, "duplicate state '%s'", name);
    GROW(m->states, m->n_states, m->cap_states, err);
    state_def *s = &m->states[m->n_states];
    memset(s, 0, sizeof *s);
    if (!(s->name = strdup(name)) || model_names_put(&m->state_names, s->name, m->n_states)) {
        free(s->name);
        return demob_error_set(err, DEMOB_ERUN, "out of memory");
    }
    s->exit_state = -1;
    return m->n_states++;
}

int demob_model_set_min_stay(demob_model *m, int state, int k, demob_error *err)
{
    if (check_open(m, err) || check_index("state", state, m->n_states, err))
        return DEMOB_EINPUT;
    if (k < 0)
        return demob_error_set(err, DEMOB_EINPUT, "state '%s': min_stay must be a whole number >= 0 (got %d)",
                               m->states[state].name, k);
    m->states[state].min_stay = k;
    return 0;
}

int demob_model_set_duration(demob_model *m, int state, int k, int exit_state, demob_error *err)
{
    if (check_open(m, err) || check_index("state", state, m->n_states, err) ||
        check_index("exit state", exit_state, m->n_states, err))
        return DEMOB_EINPUT;
    if (k < 1)
        return demob_error_set(err, DEMOB_EINPUT, "state '%s': duration must be a whole number >= 1 (got %d)",
                               m->states[state].name, k);
    if (exit_state == state)
        return demob_error_set(err, DEMOB_EINPUT, "state '%s': the exit of a fixed duration must be another state",
                               m->states[state].name);
    m->states[state].duration = k;
    m->states[state].exit_state = exit_state;
    return 0;
}

/* ------------------------------------------------------------- origins */

int demob_model_find_origin(const demob_model *m, const char *name)
{
    int i = model_names_find(&m->origin_names, name);
    return i >= 0 ? i : DEMOB_EINPUT;
}

int demob_model_origin_has_tag(const demob_model *m, int o, const char *tag)
{
    if (o < 0 || o >= m->n_origins)
        return 0;
    for (int k = 0; k < m->origins[o].n_tags; k++)
        if (strcmp(m->origins[o].tags[k], tag) == 0)
            return 1;
    return 0;
}

static int is_tag(const demob_model *m, const char *name)
{
    return model_names_find(&m->tag_names, name) >= 0;
}

/* A new origin joins every mask, all of which are of all origins (an
 * explicit list forbids later origins). */
static int grow_mask(unsigned char **mask, int n_origins)
{
    if (!*mask)
        return 0;
    unsigned char *p = realloc(*mask, (size_t)n_origins + 2);
    if (!p)
        return -1;
    p[n_origins] = 1;
    p[n_origins + 1] = 0;
    *mask = p;
    return 0;
}

static int grow_masks(demob_model *m, demob_error *err)
{
    int n = m->n_origins, bad = 0;
    for (int i = 0; i < m->n_flows; i++)
        bad |= grow_mask(&m->flows[i].applies, n);
    for (int i = 0; i < m->n_costs; i++)
        bad |= grow_mask(&m->costs[i].applies, n);
    return bad ? demob_error_set(err, DEMOB_ERUN, "out of memory") : 0;
}

int demob_model_add_origin(demob_model *m, const char *name, demob_error *err)
{
    if (check_open(m, err) || check_name("origin", name, err))
        return DEMOB_EINPUT;
    if (demob_model_find_origin(m, name) >= 0)
        return demob_error_set(err, DEMOB_EINPUT, "duplicate origin '%s'", name);
    if (m->mask_user)
        return demob_error_set(err, DEMOB_EINPUT,
                               "origin '%s' comes after %s that names origins: declare every origin first", name,
                               m->mask_user);
    if (is_tag(m, name))
        return demob_error_set(err, DEMOB_EINPUT, "origin '%s': the name is already a tag", name);
    if (grow_masks(m, err))
        return DEMOB_ERUN;
    GROW(m->origins, m->n_origins, m->cap_origins, err);
    origin_def *o = &m->origins[m->n_origins];
    memset(o, 0, sizeof *o);
    if (!(o->name = strdup(name)) || model_names_put(&m->origin_names, o->name, m->n_origins)) {
        free(o->name);
        return demob_error_set(err, DEMOB_ERUN, "out of memory");
    }
    return m->n_origins++;
}

int demob_model_tag_origin(demob_model *m, int origin, const char *tag, demob_error *err)
{
    if (check_open(m, err) || check_index("origin", origin, m->n_origins, err) ||
        check_name("tag", tag, err))
        return DEMOB_EINPUT;
    if (demob_model_find_origin(m, tag) >= 0)
        return demob_error_set(err, DEMOB_EINPUT, "origin '%s': tag '%s' is already the name of an origin",
                               m->origins[origin].name, tag);
    origin_def *o = &m->origins[origin];
    if (demob_model_origin_has_tag(m, origin, tag))
        return 0;
    char **t = realloc(o->tags, (size_t)(o->n_tags + 1) * sizeof *t);
    if (!t)
        return demob_error_set(err, DEMOB_ERUN, "out of memory");
    o->tags = t;
    if (!(t[o->n_tags] = strdup(tag)))
        return demob_error_set(err, DEMOB_ERUN, "out of memory");
    if (!is_tag(m, tag) && model_names_put(&m->tag_names, t[o->n_tags], origin)) {
        free(t[o->n_tags]);
        return demob_error_set(err, DEMOB_ERUN, "out of memory");
    }
    o->n_tags++;
    return 0;
}

static int set_initial(demob_model *m, int origin, int state, double count, demob_value slot, demob_error *err)
{
    if (check_open(m, err) || check_index("origin", origin, m->n_origins, err) ||
        check_index("state", state, m->n_states, err))
        return DEMOB_EINPUT;
    if (!isfinite(count) || count < 0)
        return demob_error_set(err, DEMOB_EINPUT, "origin '%s', state '%s': initial stock must be a finite number >= 0 (got %g)",
                               m->origins[origin].name, m->states[state].name, count);
    if (origin >= m->n_initial_last) {   /* grow the per-origin list heads */
        int *p = realloc(m->initial_last, (size_t)m->n_origins * sizeof *p);
        if (!p)
            return demob_error_set(err, DEMOB_ERUN, "out of memory");
        for (int o = m->n_initial_last; o < m->n_origins; o++)
            p[o] = -1;
        m->initial_last = p;
        m->n_initial_last = m->n_origins;
    }
    for (int i = m->initial_last[origin]; i >= 0; i = m->initials[i].next)
        if (m->initials[i].state == state) {
            m->initials[i].count = count;
            m->initials[i].slot = slot;
            return 0;
        }
    GROW(m->initials, m->n_initials, m->cap_initials, err);
    m->initials[m->n_initials].next = m->initial_last[origin];
    m->initial_last[origin] = m->n_initials;
    m->initials[m->n_initials].origin = origin;
    m->initials[m->n_initials].state = state;
    m->initials[m->n_initials].count = count;
    m->initials[m->n_initials].slot = slot;
    m->n_initials++;
    return 0;
}

int demob_model_set_initial(demob_model *m, int origin, int state, double count, demob_error *err)
{
    return set_initial(m, origin, state, count, -1, err);
}

int demob_model_set_initial_value(demob_model *m, int origin, int state, demob_value v, demob_error *err)
{
    if (check_index("initial stock value", v, m->n_values, err))
        return DEMOB_EINPUT;
    return set_initial(m, origin, state, m->values[v].def, v, err);
}

int demob_model_resolve_origins(const demob_model *m, const char *name, int *out, demob_error *err)
{
    int o = demob_model_find_origin(m, name);
    if (o >= 0) {
        out[0] = o;
        return 1;
    }
    int n = 0;
    for (o = 0; o < m->n_origins; o++)
        if (demob_model_origin_has_tag(m, o, name))
            out[n++] = o;
    if (n == 0)
        return demob_error_set(err, DEMOB_EINPUT, "unknown origin or tag '%s'", name);
    return n;
}

/* Builds a per-origin membership array from a list (NULL = all). */
/* Per-origin masks. A mask of all origins grows with every origin added
 * later (see grow_masks). A mask from a list of names (or tags) is fixed
 * when built, so no origin may come after it: `what` names the
 * declaration, for the error of a later origin. */
static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static int origin_mask_for(demob_model *m, const char *what, const int *origins, int n, unsigned char **out,
                           demob_error *err)
{
    if (!m->mask_user && origins && n > 0)
        m->mask_user = what;
    unsigned char *mask = calloc((size_t)m->n_origins + 1, 1);
    if (!mask)
        return demob_error_set(err, DEMOB_ERUN, "out of memory");
    if (!origins || n == 0) {
        memset(mask, 1, (size_t)m->n_origins);
    } else {
        for (int i = 0; i < n; i++) {
            if (origins[i] < 0 || origins[i] >= m->n_origins) {
                free(mask);
                return demob_error_set(err, DEMOB_EINPUT, "origin index %d out of range", origins[i]);
            }
            mask[origins[i]] = 1;
        }
    }
    *out = mask;
    return 0;
}

/* -------------------------------------------------------------- values */

demob_value demob_model_find_param(const demob_model *m, const char *name)
{
    int i = model_names_find(&m->param_names, name);
    return i >= 0 ? i : DEMOB_EINPUT;
}

static demob_value add_value(demob_model *m, const char *name, double def, double lo, double hi,
                             demob_error *err)
{
    GROW(m->values, m->n_values, m->cap_values, err);
    value_slot *v = &m->values[m->n_values];
    v->name = NULL;
    if (name && (!(v->name = strdup(name)) || model_names_put(&m->param_names, v->name, m->n_values))) {
        free(v->name);
        return demob_error_set(err, DEMOB_ERUN, "out of memory");
    }
    v->def = def;
    v->lo = lo;
    v->hi = hi;
    v->expr = -1;
    return m->n_values++;
}

demob_value demob_model_add_param(demob_model *m, const char *name, double def, double lo,
                                  double hi, demob_error *err)
{
    if (check_open(m, err) || check_name("param", name, err))
        return DEMOB_EINPUT;
    if (demob_model_find_param(m, name) >= 0)
        return demob_error_set(err, DEMOB_EINPUT, "duplicate param '%s'", name);
    if (!isfinite(def))
        return demob_error_set(err, DEMOB_EINPUT, "param '%s': default must be a finite number", name);
    if (!isnan(lo) || !isnan(hi)) {
        if (!isfinite(lo) || !isfinite(hi))
            return demob_error_set(err, DEMOB_EINPUT, "param '%s': min and max must both be finite numbers", name);
        if (lo > hi)
            return demob_error_set(err, DEMOB_EINPUT, "param '%s': min %g is greater than max %g", name, lo, hi);
    }
    return add_value(m, name, def, lo, hi, err);
}

demob_value demob_model_add_constant(demob_model *m, double v, demob_error *err)
{
    if (check_open(m, err))
        return DEMOB_EINPUT;
    if (isnan(v))
        return demob_error_set(err, DEMOB_EINPUT, "a value must be a number, not NaN");
    return add_value(m, NULL, v, NAN, NAN, err);
}

int demob_model_set_default(demob_model *m, demob_value v, double def, demob_error *err)
{
    if (check_open(m, err) || check_index("value", v, m->n_values, err))
        return DEMOB_EINPUT;
    if (!isfinite(def))
        return demob_error_set(err, DEMOB_EINPUT, "value of '%s' must be a finite number",
                               m->values[v].name ? m->values[v].name : "(constant)");
    m->values[v].def = def;
    return 0;
}

/* --------------------------------------------------------------- flows */

int demob_model_find_flow(const demob_model *m, const char *name)
{
    int i = model_names_find(&m->flow_names, name);
    return i >= 0 ? i : DEMOB_EINPUT;
}

int demob_model_add_flow(demob_model *m, const char *name, int from, int to, demob_value rate,
                         const int *origins, int n_origins, int first, int last, demob_error *err)
{
    if (check_open(m, err) || check_index("from state", from, m->n_states, err) ||
        check_index("to state", to, m->n_states, err) || check_index("rate value", rate, m->n_values, err))
        return DEMOB_EINPUT;
    char autoname[512];
    if (!name || !*name) {
        snprintf(autoname, sizeof autoname, "%s->%s", m->states[from].name, m->states[to].name);
        name = autoname;
    } else if (check_name("flow", name, err))
        return DEMOB_EINPUT;
    if (from == to)
        return demob_error_set(err, DEMOB_EINPUT, "flow '%s': from and to are the same state '%s'", name,
                               m->states[from].name);
    if (demob_model_find_flow(m, name) >= 0)
        return demob_error_set(err, DEMOB_EINPUT, "duplicate flow '%s' (give one of them a name)", name);
    if (first < 0 || last < 0 || (last > 0 && first > last))
        return demob_error_set(err, DEMOB_EINPUT, "flow '%s': window {%d, %d} is not a range of steps", name, first,
                               last);
    GROW(m->flows, m->n_flows, m->cap_flows, err);
    flow_def *f = &m->flows[m->n_flows];
    memset(f, 0, sizeof *f);
    if (origin_mask_for(m, "a flow", origins, n_origins, &f->applies, err))
        return DEMOB_EINPUT;
    if (!(f->name = strdup(name))) {
        free(f->applies);
        return demob_error_set(err, DEMOB_ERUN, "out of memory");
    }
    f->from = from;
    f->to = to;
    f->rate = rate;
    f->first = first > 0 ? first : 1;
    f->last = last > 0 ? last : 0; /* 0: until the end */
    f->enabled = 1;
    f->budget = -1;
    f->unit_cost = -1;
    /* Two flows along the same path may not both apply to one origin: the
     * flows.csv row (origin, from, to) would be ambiguous. */
    for (int g = 0; g < m->n_flows; g++) {
        flow_def *o = &m->flows[g];
        if (o->from != from || o->to != to)
            continue;
        for (int k = 0; k < m->n_origins; k++)
            if (o->applies[k] && f->applies[k]) {
                int ret = demob_error_set(err, DEMOB_EINPUT,
                                          "flow '%s': flow '%s' already moves origin '%s' from '%s' to '%s'", name,
                                          o->name, m->origins[k].name, m->states[from].name, m->states[to].name);
                free(f->applies);
                free(f->name);
                return ret;
            }
    }
    if (model_names_put(&m->flow_names, f->name, m->n_flows)) {
        free(f->applies);
        free(f->name);
        return demob_error_set(err, DEMOB_ERUN, "out of memory");
    }
    return m->n_flows++;
}

int demob_model_set_flow_enabled(demob_model *m, int flow, int enabled, demob_error *err)
{
    if (check_open(m, err) || check_index("flow", flow, m->n_flows, err))
        return DEMOB_EINPUT;
    m->flows[flow].enabled = enabled != 0;
    return 0;
}

int demob_model_set_flow_hazard(demob_model *m, int flow, int on, demob_error *err)
{
    if (check_open(m, err) || check_index("flow", flow, m->n_flows, err))
        return DEMOB_EINPUT;
    m->flows[flow].hazard = on != 0;
    return 0;
}

/* ---------------------------------------------------------- capacities */

int demob_model_find_capacity(const demob_model *m, const char *name)
{
    for (int i = 0; i < m->n_caps; i++)
        if (strcmp(m->caps[i].name, name) == 0)
            return i;
    return DEMOB_EINPUT;
}

int demob_model_add_capacity(demob_model *m, const char *name, demob_value per_step, demob_share policy,
                             demob_error *err)
{
    if (check_open(m, err) || check_name("capacity", name, err) ||
        check_index("capacity value", per_step, m->n_values, err))
        return DEMOB_EINPUT;
    if (demob_model_find_capacity(m, name) >= 0)
        return demob_error_set(err, DEMOB_EINPUT, "duplicate capacity '%s'", name);
    if (policy != DEMOB_SHARE_PROPORTIONAL && policy != DEMOB_SHARE_PRIORITY)
        return demob_error_set(err, DEMOB_EINPUT, "capacity '%s': policy must be proportional or priority", name);
    GROW(m->caps, m->n_caps, m->cap_caps, err);
    capacity_def *c = &m->caps[m->n_caps];
    memset(c, 0, sizeof *c);
    if (!(c->name = strdup(name)))
        return demob_error_set(err, DEMOB_ERUN, "out of memory");
    c->limit = per_step;
    c->policy = policy;
    return m->n_caps++;
}

int demob_model_add_priority_group(demob_model *m, int capacity, int is_flow, const int *index, int n,
                                   demob_error *err)
{
    if (check_open(m, err) || check_index("capacity", capacity, m->n_caps, err))
        return DEMOB_EINPUT;
    if (n < 1)
        return demob_error_set(err, DEMOB_EINPUT, "capacity '%s': an empty priority entry", m->caps[capacity].name);
    for (int i = 0; i < n; i++)
        if (check_index(is_flow ? "flow" : "origin", index[i], is_flow ? m->n_flows : m->n_origins, err))
            return DEMOB_EINPUT;
    capacity_def *c = &m->caps[capacity];
    prio_entry *p = realloc(c->prio, (size_t)(c->n_prio + n) * sizeof *p);
    if (!p)
        return demob_error_set(err, DEMOB_ERUN, "out of memory");
    c->prio = p;
    for (int i = 0; i < n; i++) {
        p[c->n_prio].is_flow = is_flow != 0;
        p[c->n_prio].index = index[i];
        p[c->n_prio].rank = c->n_ranks;
        c->n_prio++;
    }
    c->n_ranks++;
    return 0;
}

int demob_model_add_priority(demob_model *m, int capacity, int is_flow, int index, demob_error *err)
{
    return demob_model_add_priority_group(m, capacity, is_flow, &index, 1, err);
}

int demob_model_flow_use_capacity(demob_model *m, int flow, int capacity, demob_error *err)
{
    if (check_open(m, err) || check_index("flow", flow, m->n_flows, err) ||
        check_index("capacity", capacity, m->n_caps, err))
        return DEMOB_EINPUT;
    flow_def *f = &m->flows[flow];
    for (int i = 0; i < f->n_caps; i++)
        if (f->caps[i] == capacity)
            return 0;
    int *c = realloc(f->caps, (size_t)(f->n_caps + 1) * sizeof *c);
    if (!c)
        return demob_error_set(err, DEMOB_ERUN, "out of memory");
    f->caps = c;
    c[f->n_caps++] = capacity;
    return 0;
}

/* ------------------------------------------------------------ ceilings */

int demob_model_add_ceiling(demob_model *m, int state, const int *origins, int n_origins, demob_value limit,
                            demob_error *err)
{
    if (check_open(m, err) || check_index("state", state, m->n_states, err) ||
        check_index("ceiling value", limit, m->n_values, err))
        return DEMOB_EINPUT;
    GROW(m->ceilings, m->n_ceilings, m->cap_ceilings, err);
    ceiling_def *c = &m->ceilings[m->n_ceilings];
    memset(c, 0, sizeof *c);
    if (origins && n_origins > 0) {
        /* Ascending and without repeats, as a mask would give. */
        if (!m->mask_user)
            m->mask_user = "a ceiling";
        for (int i = 0; i < n_origins; i++)
            if (origins[i] < 0 || origins[i] >= m->n_origins)
                return demob_error_set(err, DEMOB_EINPUT, "origin index %d out of range", origins[i]);
        if (!(c->origins = malloc((size_t)n_origins * sizeof(int))))
            return demob_error_set(err, DEMOB_ERUN, "out of memory");
        memcpy(c->origins, origins, (size_t)n_origins * sizeof(int));
        qsort(c->origins, (size_t)n_origins, sizeof(int), cmp_int);
        int n = 0;
        for (int i = 0; i < n_origins; i++)
            if (n == 0 || c->origins[i] != c->origins[n - 1])
                c->origins[n++] = c->origins[i];
        c->n_origins = n;
    }
    c->state = state;
    c->limit = limit;
    return m->n_ceilings++;
}

/* ------------------------------------------------------------ arrivals */

int demob_model_add_arrivals(demob_model *m, int origin, int state, demob_value constant, const double *per_step,
                             int n, demob_error *err)
{
    if (check_open(m, err) || check_index("origin", origin, m->n_origins, err) ||
        check_index("state", state, m->n_states, err))
        return DEMOB_EINPUT;
    if (!per_step && check_index("arrivals value", constant, m->n_values, err))
        return DEMOB_EINPUT;
    if (per_step && n < 0)
        return demob_error_set(err, DEMOB_EINPUT, "arrivals: negative length");
    for (int i = 0; per_step && i < n; i++)
        if (!isfinite(per_step[i]) || per_step[i] < 0)
            return demob_error_set(err, DEMOB_EINPUT,
                                   "arrivals of '%s' into '%s': step %d: %g is not a count >= 0",
                                   m->origins[origin].name, m->states[state].name, i + 1, per_step[i]);
    GROW(m->arrivals, m->n_arrivals, m->cap_arrivals, err);
    arrivals_def *a = &m->arrivals[m->n_arrivals];
    memset(a, 0, sizeof *a);
    a->origin = origin;
    a->state = state;
    a->constant = per_step ? -1 : constant;
    if (per_step) {
        /* An empty list (n == 0) is kept as one step of 0 arrivals: a NULL
         * per_step means "the constant", and there is none here (found by
         * fuzz_scenario: values[-1] was read at freeze and every step). */
        size_t k = n > 0 ? (size_t)n : 1;
        if (!(a->per_step = calloc(k, sizeof(double))))
            return demob_error_set(err, DEMOB_ERUN, "out of memory");
        if (n > 0)
            memcpy(a->per_step, per_step, (size_t)n * sizeof(double));
        a->n = (int)k;
    }
    return m->n_arrivals++;
}

/* --------------------------------------------------------------- costs */

static int find_or_add_category(demob_model *m, const char *name, demob_error *err)
{
    if (!name || !*name)
        name = "other";
    int rc = check_name("cost category", name, err);
    if (rc)
        return rc;
    for (int i = 0; i < m->n_categories; i++)
        if (strcmp(m->categories[i], name) == 0)
            return i;
    GROW(m->categories, m->n_categories, m->cap_categories, err);
    if (!(m->categories[m->n_categories] = strdup(name)))
        return demob_error_set(err, DEMOB_ERUN, "out of memory");
    return m->n_categories++;
}

static int add_cost(demob_model *m, enum cost_kind kind, int target, const int *origins, int n_origins,
                    demob_value amount, const char *category, int first, int last, demob_error *err)
{
    if (check_index("cost value", amount, m->n_values, err))
        return DEMOB_EINPUT;
    if (m->values[amount].def < 0)
        return demob_error_set(err, DEMOB_EINPUT, "cost '%s': amount must be >= 0 (got %g)",
                               category && *category ? category : "other", m->values[amount].def);
    int cat = find_or_add_category(m, category, err);
    if (cat < 0)
        return cat;
    GROW(m->costs, m->n_costs, m->cap_costs, err);
    cost_def *c = &m->costs[m->n_costs];
    memset(c, 0, sizeof *c);
    if (kind != COST_FIXED && origin_mask_for(m, "a cost", origins, n_origins, &c->applies, err))
        return DEMOB_EINPUT;
    c->kind = kind;
    c->target = target;
    c->amount = amount;
    c->category = cat;
    c->first = first > 0 ? first : 1;
    c->last = last > 0 ? last : 0;
    return m->n_costs++;
}

int demob_model_add_state_cost(demob_model *m, int state, const int *origins, int n_origins,
                               demob_value per_person_step, const char *category, demob_error *err)
{
    if (check_open(m, err) || check_index("state", state, m->n_states, err))
        return DEMOB_EINPUT;
    return add_cost(m, COST_STATE, state, origins, n_origins, per_person_step, category, 0, 0, err);
}

int demob_model_add_flow_cost(demob_model *m, int flow, const int *origins, int n_origins,
                              demob_value per_person, const char *category, demob_error *err)
{
    if (check_open(m, err) || check_index("flow", flow, m->n_flows, err))
        return DEMOB_EINPUT;
    return add_cost(m, COST_FLOW, flow, origins, n_origins, per_person, category, 0, 0, err);
}

int demob_model_add_fixed_cost(demob_model *m, demob_value per_step, int while_state, int first, int last,
                               const char *category, demob_error *err)
{
    if (check_open(m, err))
        return DEMOB_EINPUT;
    if (while_state >= 0 && check_index("state", while_state, m->n_states, err))
        return DEMOB_EINPUT;
    if (first < 0 || last < 0 || (last > 0 && first > last))
        return demob_error_set(err, DEMOB_EINPUT, "fixed cost: window {%d, %d} is not a range of steps", first, last);
    return add_cost(m, COST_FIXED, while_state < 0 ? -1 : while_state, NULL, 0, per_step, category, first, last,
                    err);
}

/* ------------------------------------------------------------- budgets */

int demob_model_find_budget(const demob_model *m, const char *name)
{
    for (int i = 0; i < m->n_budgets; i++)
        if (strcmp(m->budgets[i].name, name) == 0)
            return i;
    return DEMOB_EINPUT;
}

int demob_model_add_budget(demob_model *m, const char *name, double initial, demob_value refill_per_step,
                           demob_error *err)
{
    if (check_open(m, err) || check_name("budget", name, err) ||
        check_index("budget refill value", refill_per_step, m->n_values, err))
        return DEMOB_EINPUT;
    if (demob_model_find_budget(m, name) >= 0)
        return demob_error_set(err, DEMOB_EINPUT, "duplicate budget '%s'", name);
    if (!isfinite(initial) || initial < 0)
        return demob_error_set(err, DEMOB_EINPUT, "budget '%s': initial must be a finite amount >= 0 (got %g)", name,
                               initial);
    if (m->values[refill_per_step].def < 0)
        return demob_error_set(err, DEMOB_EINPUT, "budget '%s': per_step must be >= 0 (got %g)", name,
                               m->values[refill_per_step].def);
    GROW(m->budgets, m->n_budgets, m->cap_budgets, err);
    budget_def *b = &m->budgets[m->n_budgets];
    memset(b, 0, sizeof *b);
    if (!(b->name = strdup(name)))
        return demob_error_set(err, DEMOB_ERUN, "out of memory");
    b->initial = initial;
    b->initial_value = -1;
    b->refill = refill_per_step;
    return m->n_budgets++;
}

int demob_model_set_budget_initial_value(demob_model *m, int budget, demob_value v, demob_error *err)
{
    if (check_open(m, err) || check_index("budget", budget, m->n_budgets, err) ||
        check_index("budget initial value", v, m->n_values, err))
        return DEMOB_EINPUT;
    budget_def *b = &m->budgets[budget];
    if (m->values[v].expr >= 0)
        return demob_error_set(err, DEMOB_EINPUT, "budget '%s': initial must be a number or a param, not an expression",
                               b->name);
    if (m->values[v].def < 0)
        return demob_error_set(err, DEMOB_EINPUT, "budget '%s': initial must be a finite amount >= 0 (got %g)",
                               b->name, m->values[v].def);
    b->initial = m->values[v].def;
    b->initial_value = v;
    return 0;
}

int demob_model_add_tranche_value(demob_model *m, int budget, int step, demob_value v, demob_error *err)
{
    if (check_open(m, err) || check_index("budget", budget, m->n_budgets, err) ||
        check_index("tranche value", v, m->n_values, err))
        return DEMOB_EINPUT;
    budget_def *b = &m->budgets[budget];
    if (m->values[v].expr >= 0)
        return demob_error_set(err, DEMOB_EINPUT,
                               "budget '%s': a tranche amount must be a number or a param, not an expression", b->name);
    int rc = demob_model_add_tranche(m, budget, step, m->values[v].def, err);
    if (rc < 0)
        return rc;
    b->tranches[b->n_tranches - 1].value = v;
    return 0;
}

int demob_model_add_tranche(demob_model *m, int budget, int step, double amount, demob_error *err)
{
    if (check_open(m, err) || check_index("budget", budget, m->n_budgets, err))
        return DEMOB_EINPUT;
    budget_def *b = &m->budgets[budget];
    if (step < 1)
        return demob_error_set(err, DEMOB_EINPUT, "budget '%s': tranche at step %d: steps start at 1", b->name, step);
    if (!isfinite(amount) || amount < 0)
        return demob_error_set(err, DEMOB_EINPUT, "budget '%s': tranche at step %d: amount must be >= 0 (got %g)",
                               b->name, step, amount);
    tranche *t = realloc(b->tranches, (size_t)(b->n_tranches + 1) * sizeof *t);
    if (!t)
        return demob_error_set(err, DEMOB_ERUN, "out of memory");
    b->tranches = t;
    t[b->n_tranches].step = step;
    t[b->n_tranches].amount = amount;
    t[b->n_tranches].value = -1;
    b->n_tranches++;
    return 0;
}

int demob_model_flow_use_budget(demob_model *m, int flow, int budget, demob_value unit_cost, demob_error *err)
{
    if (check_open(m, err) || check_index("flow", flow, m->n_flows, err) ||
        check_index("budget", budget, m->n_budgets, err) || check_index("unit cost", unit_cost, m->n_values, err))
        return DEMOB_EINPUT;
    if (m->values[unit_cost].def < 0)
        return demob_error_set(err, DEMOB_EINPUT, "flow '%s': cost must be >= 0 (got %g)", m->flows[flow].name,
                               m->values[unit_cost].def);
    m->flows[flow].budget = budget;
    m->flows[flow].unit_cost = unit_cost;
    return 0;
}

/* ---------------------------------------------------------------- sync */

int demob_model_add_sync(demob_model *m, const char *tag_a, const char *tag_b, double ratio, const int *flows,
                         int n_flows, demob_error *err)
{
    if (check_open(m, err) || check_name("sync group", tag_a, err) || check_name("sync group", tag_b, err))
        return DEMOB_EINPUT;
    if (!isfinite(ratio) || ratio < 1)
        return demob_error_set(err, DEMOB_EINPUT, "sync %s/%s: ratio must be a number >= 1 (got %g)", tag_a, tag_b,
                               ratio);
    if (n_flows <= 0)
        return demob_error_set(err, DEMOB_EINPUT, "sync %s/%s: list the flows whose departures are synchronised",
                               tag_a, tag_b);
    GROW(m->syncs, m->n_syncs, m->cap_syncs, err);
    sync_def *s = &m->syncs[m->n_syncs];
    memset(s, 0, sizeof *s);
    int ret = DEMOB_ERUN;
    s->tag_a = strdup(tag_a);
    s->tag_b = strdup(tag_b);
    if (!m->mask_user)
        m->mask_user = "a sync";
    s->in_a = calloc((size_t)m->n_origins + 1, 1);
    s->in_b = calloc((size_t)m->n_origins + 1, 1);
    s->flows = calloc((size_t)m->n_flows + 1, 1);
    s->n_flows_sized = m->n_flows;
    if (!s->tag_a || !s->tag_b || !s->in_a || !s->in_b || !s->flows) {
        demob_error_set(err, DEMOB_ERUN, "out of memory");
        goto fail;
    }
    int na = 0, nb = 0;
    for (int o = 0; o < m->n_origins; o++) {
        s->in_a[o] = demob_model_origin_has_tag(m, o, tag_a) || strcmp(m->origins[o].name, tag_a) == 0;
        s->in_b[o] = demob_model_origin_has_tag(m, o, tag_b) || strcmp(m->origins[o].name, tag_b) == 0;
        na += s->in_a[o];
        nb += s->in_b[o];
        if (s->in_a[o] && s->in_b[o]) {
            ret = demob_error_set(err, DEMOB_EINPUT, "sync %s/%s: origin '%s' is in both groups", tag_a, tag_b,
                                  m->origins[o].name);
            goto fail;
        }
    }
    if (na == 0 || nb == 0) {
        ret = demob_error_set(err, DEMOB_EINPUT, "sync: unknown origin or tag '%s'", na == 0 ? tag_a : tag_b);
        goto fail;
    }
    for (int i = 0; i < n_flows; i++) {
        if (flows[i] < 0 || flows[i] >= m->n_flows) {
            ret = demob_error_set(err, DEMOB_EINPUT, "sync %s/%s: flow index %d out of range", tag_a, tag_b, flows[i]);
            goto fail;
        }
        s->flows[flows[i]] = 1;
    }
    s->ratio = ratio;
    return m->n_syncs++;
fail:
    free(s->tag_a);
    free(s->tag_b);
    free(s->in_a);
    free(s->in_b);
    free(s->flows);
    memset(s, 0, sizeof *s);
    return ret;
}

/* -------------------------------------------------------------- events */

static int add_event(demob_model *m, int step, enum event_kind kind, int index, double value, int enabled,
                     demob_error *err)
{
    if (step < 1)
        return demob_error_set(err, DEMOB_EINPUT, "event at step %d: steps start at 1", step);
    GROW(m->events, m->n_events, m->cap_events, err);
    event_def *e = &m->events[m->n_events];
    e->step = step;
    e->kind = kind;
    e->index = index;
    e->value = value;
    e->enabled = enabled != 0;
    e->expr = -1;
    return m->n_events++;
}

int demob_model_event_set_value(demob_model *m, int step, demob_value slot, double v, demob_error *err)
{
    if (check_open(m, err) || check_index("value", slot, m->n_values, err))
        return DEMOB_EINPUT;
    if (!isfinite(v))
        return demob_error_set(err, DEMOB_EINPUT, "event at step %d: value must be a finite number", step);
    return add_event(m, step, EVENT_VALUE, slot, v, 0, err);
}

int demob_model_event_set_expr(demob_model *m, int step, demob_value slot, demob_value expr, demob_error *err)
{
    if (check_open(m, err) || check_index("value", slot, m->n_values, err) ||
        check_index("value", expr, m->n_values, err))
        return DEMOB_EINPUT;
    if (m->values[expr].expr < 0)
        return demob_error_set(err, DEMOB_EINPUT, "event at step %d: value %d is not an expression", step, expr);
    int i = add_event(m, step, EVENT_VALUE, slot, 0, 0, err);
    if (i >= 0)
        m->events[i].expr = expr;
    return i;
}

int demob_model_event_set_flow(demob_model *m, int step, int flow, int enabled, demob_error *err)
{
    if (check_open(m, err) || check_index("flow", flow, m->n_flows, err))
        return DEMOB_EINPUT;
    return add_event(m, step, EVENT_FLOW, flow, 0, enabled, err);
}

/* --------------------------------------------------------------- reads */

const char *demob_model_name(const demob_model *m) { return m->name ? m->name : "scenario"; }
int demob_model_steps(const demob_model *m) { return m->steps; }
demob_mode demob_model_mode(const demob_model *m) { return m->mode; }
long demob_model_runs(const demob_model *m) { return m->mode == DEMOB_DETERMINISTIC ? 1 : m->runs; }
uint64_t demob_model_seed(const demob_model *m) { return m->seed; }
int demob_model_n_states(const demob_model *m) { return m->n_states; }
int demob_model_n_origins(const demob_model *m) { return m->n_origins; }
int demob_model_n_flows(const demob_model *m) { return m->n_flows; }
int demob_model_n_values(const demob_model *m) { return m->n_values; }
int demob_model_n_capacities(const demob_model *m) { return m->n_caps; }
int demob_model_n_ceilings(const demob_model *m) { return m->n_ceilings; }
int demob_model_n_categories(const demob_model *m) { return m->n_categories; }
const char *demob_model_state_name(const demob_model *m, int s) { return m->states[s].name; }
const char *demob_model_origin_name(const demob_model *m, int o) { return m->origins[o].name; }
const char *demob_model_flow_name(const demob_model *m, int f) { return m->flows[f].name; }
int demob_model_flow_from(const demob_model *m, int f) { return m->flows[f].from; }
int demob_model_flow_to(const demob_model *m, int f) { return m->flows[f].to; }
const char *demob_model_value_name(const demob_model *m, demob_value v) { return m->values[v].name; }
double demob_model_value_default(const demob_model *m, demob_value v) { return m->values[v].def; }

int demob_model_value_is_stock(const demob_model *m, demob_value v)
{
    for (int i = 0; i < m->n_initials; i++)
        if (m->initials[i].slot == v)
            return 1;
    return 0;
}

void demob_model_value_range(const demob_model *m, demob_value v, double *lo, double *hi)
{
    *lo = m->values[v].lo;
    *hi = m->values[v].hi;
}
demob_value demob_model_capacity_value(const demob_model *m, int c) { return m->caps[c].limit; }
int demob_model_ceiling_state(const demob_model *m, int k) { return m->ceilings[k].state; }
demob_value demob_model_ceiling_value(const demob_model *m, int k) { return m->ceilings[k].limit; }
const char *demob_model_capacity_name(const demob_model *m, int c) { return m->caps[c].name; }

int demob_model_flow_uses_capacity(const demob_model *m, int f, int c)
{
    for (int i = 0; i < m->flows[f].n_caps; i++)
        if (m->flows[f].caps[i] == c)
            return 1;
    return 0;
}

int demob_model_ceiling_all_origins(const demob_model *m, int k)
{
    return model_ceiling_n_origins(m, k) == m->n_origins;
}
const char *demob_model_category_name(const demob_model *m, int c) { return m->categories[c]; }
const char *const demob_unit_names[] = { "month", "week", "day", NULL };

demob_unit demob_model_unit(const demob_model *m) { return m->unit; }
int demob_model_n_budgets(const demob_model *m) { return m->n_budgets; }
const char *demob_model_budget_name(const demob_model *m, int b) { return m->budgets[b].name; }
int demob_model_n_costs(const demob_model *m) { return m->n_costs; }
int demob_model_n_links(const demob_model *m) { return m->n_links; }
int demob_model_link_origin(const demob_model *m, int k) { return m->links[k].origin; }
int demob_model_link_flow(const demob_model *m, int k) { return m->links[k].flow; }

int demob_model_cost_applies(const demob_model *m, int o, int c)
{
    for (int i = 0; i < m->n_costs; i++) {
        const cost_def *d = &m->costs[i];
        if (d->category != c)
            continue;
        if (d->kind == COST_FIXED ? o == m->n_origins : o >= 0 && o < m->n_origins && d->applies[o])
            return 1;
    }
    return 0;
}

const char *demob_model_date(const demob_model *m, int t)
{
    if (!m->dates || t < 0 || t > m->steps)
        return "";
    return m->dates[t];
}
