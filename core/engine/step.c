/* step.c - one run of a model: demob_sim and its step.
 *
 * Order inside step t (docs/model.md): cohorts whose minimum stay is over
 * are released; events; budget refills (refill expressions evaluated
 * there); the hook; the other expressions; arrivals; departures
 * drawn as competing risks; cuts by capacities, then budgets, then ceilings
 * and synchronised withdrawal together; apply; costs; conservation check.
 *
 * Competing risks: a link (flow, origin) with rate r has hazard
 * h = -ln(1 - r). With total hazard H over a cell's active links, a person
 * leaves with probability 1 - e^-H and takes link f with probability h_f/H.
 * Deterministic: movers_f = N (1 - e^-H) h_f / H. Stochastic: M ~ Bin(N,
 * 1 - e^-H), split by conditional binomials m_j ~ Bin(M - m_<j, h_j / (H -
 * h_<j)); the last active link takes the rest, so a single flow draws once.
 * Links with rate 1 have infinite hazard: everyone leaves, shared equally
 * among them (conditional probability 1 / (k - j)), the others get none.
 * What depends on the rates only (hazards, prepared binomial constants) is
 * cached per cell and recomputed when a rate or switch of its flows changes. */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "sim_internal.h"

/* ------------------------------------------------------------ set-up */

static void *alloc0(size_t n, size_t size, int *failed)
{
    void *p = calloc(n ? n : 1, size);
    if (!p)
        *failed = 1;
    return p;
}

/* The ceilings' bitsets and each budget's links. */
static int build_limit_lists(demob_sim *s, int *failed)
{
    const demob_model *m = s->m;
    size_t words = (size_t)m->n_ceilings / 64 + 1;
    s->ceil_now = alloc0(words, sizeof(uint64_t), failed);
    s->ceil_next = alloc0(words, sizeof(uint64_t), failed);
    s->ceil_settled = -1;
    if (*failed)
        return -1;
    int nb = m->n_budgets;
    s->budget_links = alloc0((size_t)nb, sizeof(int *), failed);
    s->budget_n_links = alloc0((size_t)nb, sizeof(int), failed);
    if (*failed)
        return -1;
    s->budget_cut = alloc0((size_t)nb, sizeof(double *), failed);
    s->budget_kept = alloc0((size_t)nb, sizeof(double *), failed);
    if (*failed)
        return -1;
    for (int l = 0; l < m->n_links; l++)
        if (m->links[l].budget >= 0)
            s->budget_n_links[m->links[l].budget]++;
    for (int b = 0; b < nb; b++) {
        size_t n = (size_t)s->budget_n_links[b];
        s->budget_links[b] = alloc0(n, sizeof(int), failed);
        s->budget_cut[b] = alloc0(n, sizeof(double), failed);
        s->budget_kept[b] = alloc0(n, sizeof(double), failed);
        if (*failed)
            return -1;
        s->budget_n_links[b] = 0;
        for (int l = 0; l < m->n_links; l++)
            if (m->links[l].budget == b)
                s->budget_links[b][s->budget_n_links[b]++] = l;
    }
    return 0;
}

static int build_value_flows(demob_sim *s, int *failed)
{
    const demob_model *m = s->m;
    s->value_flows = alloc0((size_t)m->n_values, sizeof(int *), failed);
    s->value_n_flows = alloc0((size_t)m->n_values, sizeof(int), failed);
    if (*failed)
        return -1;
    for (int f = 0; f < m->n_flows; f++)
        s->value_n_flows[m->flows[f].rate]++;
    for (int v = 0; v < m->n_values; v++) {
        if (!s->value_n_flows[v])
            continue;
        s->value_flows[v] = alloc0((size_t)s->value_n_flows[v], sizeof(int), failed);
        if (*failed)
            return -1;
        s->value_n_flows[v] = 0;
    }
    for (int f = 0; f < m->n_flows; f++) {
        int v = m->flows[f].rate;
        s->value_flows[v][s->value_n_flows[v]++] = f;
    }
    return 0;
}

/* The state of a run that its next steps read, in one block (s->state):
 * stocks, cohorts, arrivals, values and switches, the departures' caches
 * and per-link counts, cumulative flows, costs, budgets, peaks and the
 * expression caches. demob_sim_copy copies the block in one memcpy; no
 * buffer in it holds a pointer. With base NULL, only sets s->state_size.
 * Every buffer has at least one element and starts on 16 bytes. */
static void state_layout(demob_sim *s, char *base)
{
    const demob_model *m = s->m;
    size_t cells = (size_t)s->n_cells, links = (size_t)s->n_links, off = 0;
    size_t lockn = (size_t)s->n_o * (size_t)s->cohort_block;
    size_t ncost = (size_t)(s->n_o + 1) * (size_t)m->n_categories;
#define TAKE(f, n)                                                                                                     \
    do {                                                                                                               \
        size_t n_ = (n) ? (size_t)(n) : 1;                                                                             \
        s->f = base ? (void *)(base + off) : NULL;                                                                     \
        off += (n_ * sizeof *s->f + 15) / 16 * 16;                                                                     \
    } while (0)
/* The stochastic (_i) or the deterministic (_d) one of a pair. */
#define TAKE2(f, n)                                                                                                    \
    do {                                                                                                               \
        if (s->stochastic)                                                                                             \
            TAKE(f##_i, n);                                                                                            \
        else                                                                                                           \
            TAKE(f##_d, n);                                                                                            \
    } while (0)
    /* What every step reads first, together. */
    TAKE2(stock, cells);
    TAKE2(locksum, cells);
    if (s->stochastic)
        TAKE(occ_bits, cells / 64 + 1);
    TAKE(cache, m->n_sources);
    TAKE(active, 2 * links + 2);
    TAKE(touched, links + 1);
    TAKE2(want, links);
    TAKE2(move, links);
    TAKE(cum, links);
    if (s->stochastic)
        TAKE(cond, links);
    else
        TAKE(share, links);
    TAKE2(locked, lockn);
    TAKE2(arrive, cells);
    TAKE2(cut, links);
    TAKE(scratch, 2 * links + 2);
    TAKE(val, m->n_values);
    TAKE(flow_on, m->n_flows);
    TAKE(flow_live, m->n_flows);
    TAKE(flow_dirty, m->n_flows);
    TAKE(flow_h, m->n_flows);
    TAKE(flow_rate, m->n_flows);
    TAKE(cost_step, ncost);
    TAKE(cost_cum, ncost);
    TAKE(balance, m->n_budgets);
    TAKE(gap, m->n_budgets);
    TAKE(spent, m->n_budgets);
    TAKE(peak, s->n_s);
    TAKE(initial, cells);
    TAKE(occupied, s->n_s);
    TAKE(expr_seen, m->n_exprs);
    TAKE(event_x, m->n_events + 1);
    TAKE(oval, (size_t)m->n_po * (size_t)s->n_o + 1);
    TAKE(link_h, links + 1);
#undef TAKE2
#undef TAKE
    s->state_size = off;
}

demob_sim *demob_sim_new(const demob_model *m, demob_error *err)
{
    if (!m->frozen) {
        demob_error_set(err, DEMOB_EINPUT, "the model must be frozen before it runs");
        return NULL;
    }
    demob_sim *s = calloc(1, sizeof *s);
    if (!s) {
        demob_error_set(err, DEMOB_ERUN, "out of memory");
        return NULL;
    }
    int failed = 0;
    s->m = m;
    s->stochastic = m->mode == DEMOB_STOCHASTIC;
    s->n_o = m->n_origins;
    s->n_s = m->n_states;
    s->n_cells = s->n_o * s->n_s;
    s->n_links = m->n_links;
    s->n_cat = m->n_categories;
    s->cohort_off = alloc0((size_t)s->n_s, sizeof(int), &failed);
    if (!failed)
        for (int st = 0; st < s->n_s; st++) {
            s->cohort_off[st] = s->cohort_block;
            s->cohort_block += m->states[st].cohorts;
        }
    if (!failed)
        state_layout(s, NULL);
    s->state = failed ? NULL : calloc(1, s->state_size);
    if (!s->state)
        failed = 1;
    else
        state_layout(s, s->state);
    size_t links = (size_t)s->n_links;
    if (s->stochastic) {
        s->rem_scratch = alloc0(links, sizeof(int64_t), &failed);
        s->state_i = alloc0((size_t)s->n_s, sizeof(int64_t), &failed);
        s->state_bits = alloc0((size_t)s->n_s / 64 + 1, sizeof(uint64_t), &failed);
    }
    s->expr_stack = alloc0((size_t)m->expr_depth + 1, sizeof(double), &failed);
    s->slot_po = alloc0((size_t)m->n_values + 1, sizeof(int), &failed);
    if (model_con_alloc(s))
        failed = 1;
    if (m->n_exprs) {
        s->memo = alloc0(LEAVE_MEMO, sizeof *s->memo, &failed);
        for (int i = 0; !failed && i < LEAVE_MEMO; i++)
            s->memo[i].H = NAN;
    }
    for (int v = 0; !failed && v < m->n_values; v++)
        s->slot_po[v] = m->values[v].expr >= 0 ? m->exprs[m->values[v].expr].po : -1;
    if (!failed)
        build_limit_lists(s, &failed);
    if (!failed)
        build_value_flows(s, &failed);
    if (failed) {
        demob_sim_free(s);
        demob_error_set(err, DEMOB_ERUN, "out of memory");
        return NULL;
    }
    return s;
}

static void free_lists(int **lists, int n)
{
    if (!lists)
        return;
    for (int i = 0; i < n; i++)
        free(lists[i]);
    free(lists);
}

void demob_sim_free(demob_sim *s)
{
    if (!s)
        return;
    const demob_model *m = s->m;
    free_lists(s->budget_links, m->n_budgets);
    for (int b = 0; b < m->n_budgets && s->budget_cut; b++)
        free(s->budget_cut[b]);
    for (int b = 0; b < m->n_budgets && s->budget_kept; b++)
        free(s->budget_kept[b]);
    free(s->budget_cut);
    free(s->budget_kept);
    free_lists(s->value_flows, m->n_values);
    void *bufs[] = {s->state, s->cohort_off, s->value_n_flows, s->rem_scratch, s->ceil_now, s->ceil_next,
                    s->budget_n_links, s->expr_stack, s->slot_po, s->memo, s->state_i, s->state_bits};
    for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++)
        free(bufs[i]);
    model_con_free(s);
    free(s);
}

const demob_model *demob_sim_model(const demob_sim *s) { return s->m; }

void demob_sim_set_hook(demob_sim *s, demob_hook_fn fn, void *ud)
{
    s->hook = fn;
    s->hook_ud = ud;
}

/* -------------------------------------------------- rates and caches */

static const char *value_name(const demob_model *m, int v)
{
    return m->values[v].name ? m->values[v].name : "(constant)";
}

/* Slot v's value for origin o (per-origin expressions differ by origin). */
static inline double slot_at(const demob_sim *s, int v, int o)
{
    int po = s->slot_po[v];
    return po < 0 ? s->val[v] : s->oval[(size_t)po * (size_t)s->n_o + (size_t)o];
}

static void mark_flow_dirty(demob_sim *s, int f)
{
    s->flow_dirty[f] = 1;
    s->any_dirty = 1;
}

/* Recomputes a flow's liveness and hazard for step t; marks it dirty when
 * either changed. */
static void refresh_flow(demob_sim *s, int f, int t)
{
    const flow_def *fd = &s->m->flows[f];
    double r = s->val[fd->rate];
    /* A per-origin rate is live where it is > 0: rebuild_cell decides. */
    int live = s->flow_on[f] && t >= fd->first && t <= fd->last && (r > 0 || fd->forced || s->slot_po[fd->rate] >= 0);
    if (live != s->flow_live[f]) {
        s->flow_live[f] = (unsigned char)live;
        mark_flow_dirty(s, f);
    }
    if (r != s->flow_rate[f]) {
        s->flow_rate[f] = r;
        s->flow_h[f] = fd->hazard ? r : r >= 1 ? INFINITY : -log1p(-r);
        mark_flow_dirty(s, f);
    }
}

/* cc->p_leave = 1 - e^-H and, stochastic, cc->leave: remembered by H. */
static void set_leave(demob_sim *s, cell_cache *cc, double H)
{
    struct leave_memo *e = NULL;
    if (s->memo) {
        uint64_t bits;
        memcpy(&bits, &H, sizeof bits);
        e = &s->memo[(bits * 0x9E3779B97F4A7C15u) >> 55];   /* 9 bits: LEAVE_MEMO */
        if (e->H == H) {
            cc->p_leave = e->p_leave;
            cc->leave = e->leave;
            return;
        }
    }
    cc->p_leave = -expm1(-H);
    if (s->stochastic)
        binomial_prepare(&cc->leave, cc->p_leave);
    if (e) {
        e->H = H;
        e->p_leave = cc->p_leave;
        e->leave = cc->leave;
    }
}

/* Rebuilds the draw constants of one source cell from its live links. */
static void rebuild_cell(demob_sim *s, int src)
{
    const demob_model *m = s->m;
    const source_cell *sc = &m->sources[src];
    cell_cache *cc = &s->cache[src];
    int *act = s->active + sc->first_link;
    int k = 0, n_inf = 0;
    double H = 0;
    cc->forced = 0;
    for (int i = 0; i < sc->n_links; i++) {
        int l = sc->first_link + i;
        int f = m->links[l].flow;
        if (!s->flow_live[f])
            continue;
        double h = s->flow_h[f];
        int po = s->slot_po[m->flows[f].rate];
        if (po >= 0) {
            /* This origin's rate: no way out where it is 0. */
            double r = s->oval[(size_t)po * (size_t)s->n_o + (size_t)m->links[l].origin];
            h = m->flows[f].hazard ? r : r >= 1 ? INFINITY : -log1p(-r);
            if (!(r > 0))
                continue;
        }
        if (m->flows[f].forced)
            cc->forced = 1;
        act[k++] = l;
        s->link_h[l] = h;
        if (isinf(h))
            n_inf++;
        else
            H += h;
    }
    cc->n_active = k;
    if (k == 0)
        return;
    if (n_inf > 0) {
        /* Everyone leaves, shared equally among the rate-1 links: keep only
         * those, in order. */
        int j = 0;
        for (int i = 0; i < k; i++)
            if (isinf(s->link_h[act[i]]))
                act[j++] = act[i];
        cc->n_active = k = j;
        cc->p_leave = 1;
        cc->equal = s->stochastic;   /* exactly, by largest remainder */
        for (int i = 0; i < k && !s->stochastic; i++)
            s->share[act[i]] = 1.0 / (double)k;
    } else {
        cc->equal = 0;
        set_leave(s, cc, H);
        double left = H;
        for (int i = 0; i < k; i++) {
            double h = s->link_h[act[i]];
            if (s->stochastic) {
                if (i < k - 1)
                    binomial_prepare(&s->cond[act[i]], fmin(1.0, h / left));
            }
            else
                s->share[act[i]] = cc->p_leave * h / H;
            left -= h;
        }
    }
}

static void rebuild_dirty_cells(demob_sim *s)
{
    const demob_model *m = s->m;
    for (int src = 0; src < m->n_sources; src++) {
        const source_cell *sc = &m->sources[src];
        for (int i = 0; i < sc->n_links; i++)
            if (s->flow_dirty[m->links[sc->first_link + i].flow]) {
                rebuild_cell(s, src);
                break;
            }
    }
    memset(s->flow_dirty, 0, (size_t)m->n_flows);
    s->any_dirty = 0;
}

/* The first step after t at which some flow's window opens or closes
 * (INT_MAX: none): the steps between need no rescan of the flows. */
static int next_window_change(const demob_model *m, int t)
{
    int next = INT_MAX;
    for (int f = 0; f < m->n_flows; f++) {
        int open = m->flows[f].first, close = m->flows[f].last + 1;
        if (open > t && open < next)
            next = open;
        if (close > t && close < next)
            next = close;
    }
    return next;
}

/* ------------------------------------------------------------- reset */

/* Stochastic: the cell may hold people from now on. */
static inline void occupy(demob_sim *s, int cell)
{
    s->occ_bits[cell / 64] |= (uint64_t)1 << (cell % 64);
}

/* The stocks at t = 0: the model's, with those given as params read from
 * this run's values (a sweep may vary them). In stochastic mode a sampled
 * caseload is rounded to whole people; a fractional default or --set value
 * was already refused when the model was frozen. */
static int initial_stocks(demob_sim *s, demob_error *err)
{
    const demob_model *m = s->m;
    memcpy(s->initial, m->initial, (size_t)s->n_cells * sizeof(double));
    double total = 0;
    for (int i = 0; i < m->n_initials; i++) {
        const struct initial_def *d = &m->initials[i];
        if (d->slot < 0)
            continue;
        double x = s->val[d->slot];
        if (s->stochastic)
            x = round(x);
        if (!(x >= 0) || (s->stochastic && x > DEMOB_MAX_COUNT))
            return demob_error_set(err, DEMOB_EINPUT, "origin '%s', state '%s': initial stock param '%s' = %g must be "
                                   "a %s >= 0",
                                   m->origins[d->origin].name, m->states[d->state].name, value_name(m, d->slot), x,
                                   s->stochastic ? "whole number (at most 2^62)" : "number");
        s->initial[d->origin * s->n_s + d->state] = x;
    }
    for (int c = 0; c < s->n_cells; c++)
        total += s->initial[c];
    if (s->stochastic && total > DEMOB_MAX_COUNT)
        return demob_error_set(err, DEMOB_EINPUT, "the initial stocks add up to %g, above 2^62", total);
    return 0;
}

int demob_sim_reset(demob_sim *s, long run, const double *values, demob_error *err)
{
    const demob_model *m = s->m;
    s->t = 0;
    s->run = run;
    model_con_reset(s);
    s->val_epoch++;   /* new values: every expression is evaluated afresh */
    rng_seed(&s->rng, m->seed, (uint64_t)run);
    for (int v = 0; v < m->n_values; v++)
        s->val[v] = m->values[v].def;
    memset(s->oval, 0, (size_t)m->n_po * (size_t)s->n_o * sizeof(double));
    if (values)
        for (int v = 0; v < m->n_values; v++) {
            int rc = demob_model_check_value(m, v, values[v], err);
            if (rc)
                return rc;
            s->val[v] = values[v];
        }
    size_t cells = (size_t)s->n_cells, lockn = (size_t)s->n_o * (size_t)s->cohort_block;
    int rc = initial_stocks(s, err);
    if (rc)
        return rc;
    s->total = 0;
    s->total_i = 0;
    if (s->stochastic) {
        memset(s->locked_i, 0, lockn * sizeof(int64_t));
        memset(s->locksum_i, 0, cells * sizeof(int64_t));
        memset(s->occ_bits, 0, (cells / 64 + 1) * sizeof(uint64_t));
        for (size_t c = 0; c < cells; c++) {
            s->stock_i[c] = (int64_t)s->initial[c];
            s->total += s->initial[c];
            s->total_i += s->stock_i[c];
            if (s->stock_i[c])
                occupy(s, (int)c);
        }
        memset(s->move_i, 0, (size_t)s->n_links * sizeof(int64_t));
        memset(s->want_i, 0, (size_t)s->n_links * sizeof(int64_t));
    } else {
        memset(s->locked_d, 0, lockn * sizeof(double));
        memset(s->locksum_d, 0, cells * sizeof(double));
        for (size_t c = 0; c < cells; c++) {
            s->stock_d[c] = s->initial[c];
            s->total += s->initial[c];
        }
        memset(s->move_d, 0, (size_t)s->n_links * sizeof(double));
        memset(s->want_d, 0, (size_t)s->n_links * sizeof(double));
    }
    s->n_touched = 0;
    /* Initial occupants of a fixed-duration state count as entered at
     * t = 0 and leave at step k; those of a minimum-stay state have
     * already served it. */
    for (int st = 0; st < s->n_s; st++) {
        if (m->states[st].duration <= 0)
            continue;
        for (int o = 0; o < s->n_o; o++) {
            size_t c = (size_t)o * (size_t)s->n_s + (size_t)st;
            size_t slot = (size_t)o * (size_t)s->cohort_block + (size_t)s->cohort_off[st];
            if (s->stochastic) {
                s->locked_i[slot] = s->stock_i[c];
                s->locksum_i[c] = s->stock_i[c];
            } else {
                s->locked_d[slot] = s->stock_d[c];
                s->locksum_d[c] = s->stock_d[c];
            }
        }
    }
    memset(s->cum, 0, (size_t)s->n_links * sizeof(double));
    size_t ncost = (size_t)(s->n_o + 1) * (size_t)s->n_cat;
    memset(s->cost_step, 0, ncost * sizeof(double));
    memset(s->cost_cum, 0, ncost * sizeof(double));
    for (int b = 0; b < m->n_budgets; b++) {
        s->balance[b] = m->budgets[b].initial_value >= 0 ? s->val[m->budgets[b].initial_value] : m->budgets[b].initial;
        s->gap[b] = s->spent[b] = 0;
    }
    for (int st = 0; st < s->n_s; st++)
        s->peak[st] = demob_sim_state_total(s, st);
    s->arrived_cum = 0;
    /* The previous run may have left arrivals of its last step. */
    if (s->stochastic)
        memset(s->arrive_i, 0, cells * sizeof(int64_t));
    else
        memset(s->arrive_d, 0, cells * sizeof(double));
    s->any_arrivals = 0;
    s->event_next = 0;
    /* The cells' draw constants depend on the flows' liveness and hazards
     * alone (and on per-origin rates, which start afresh): those the last
     * run left are kept where this run starts with the same. */
    int all = !s->cache_valid || m->n_po > 0;
    for (int f = 0; f < m->n_flows; f++) {
        s->flow_on[f] = (unsigned char)m->flows[f].enabled;
        if (all) {
            s->flow_live[f] = 0;
            s->flow_rate[f] = -1; /* forces a refresh */
        }
        refresh_flow(s, f, 1);
    }
    if (all) {
        for (int src = 0; src < m->n_sources; src++)
            rebuild_cell(s, src);
        memset(s->flow_dirty, 0, (size_t)m->n_flows);
        s->any_dirty = 0;
        s->cache_valid = 1;
    } else if (s->any_dirty) {
        rebuild_dirty_cells(s);
    }
    s->next_window = next_window_change(m, 0);
    return 0;
}

/* ------------------------------------------------------- step phases */

static void release_cohorts(demob_sim *s, int t)
{
    const demob_model *m = s->m;
    for (int st = 0; st < s->n_s; st++) {
        int k = m->states[st].cohorts;
        if (k <= 0)
            continue;
        for (int o = 0; o < s->n_o; o++) {
            size_t c = (size_t)o * (size_t)s->n_s + (size_t)st;
            size_t slot = (size_t)o * (size_t)s->cohort_block + (size_t)s->cohort_off[st] + (size_t)(t % k);
            if (s->stochastic) {
                s->locksum_i[c] -= s->locked_i[slot];
                s->locked_i[slot] = 0;
            } else {
                s->locksum_d[c] -= s->locked_d[slot];
                if (s->locksum_d[c] < 0)
                    s->locksum_d[c] = 0;
                s->locked_d[slot] = 0;
            }
        }
    }
}

/* People entering a tracked state during step t join cohort t mod k. */
static inline void enter_cohort(demob_sim *s, int cell, int64_t ni, double nd, int t)
{
    int st = cell % s->n_s;
    int k = s->m->states[st].cohorts;
    if (k <= 0)
        return;
    size_t slot = (size_t)(cell / s->n_s) * (size_t)s->cohort_block + (size_t)s->cohort_off[st] + (size_t)(t % k);
    if (s->stochastic) {
        s->locked_i[slot] += ni;
        s->locksum_i[cell] += ni;
    } else {
        s->locked_d[slot] += nd;
        s->locksum_d[cell] += nd;
    }
}

/* The events of step t: first every value (an expression's on the stocks
 * at the start of the step, before any event of the step has set
 * anything), then the settings, in order. */
static int apply_events(demob_sim *s, int t, demob_error *err)
{
    const demob_model *m = s->m;
    while (s->event_next < m->n_events && m->events[s->event_next].step < t)
        s->event_next++;
    int first = s->event_next, rc;
    while (s->event_next < m->n_events && m->events[s->event_next].step == t) {
        const event_def *e = &m->events[s->event_next];
        s->event_x[s->event_next++] = e->value;
        if (e->kind == EVENT_VALUE && e->expr >= 0 &&
            (rc = demob_sim_eval_expr(s, e->expr, t, &s->event_x[s->event_next - 1], err)))
            return rc;
    }
    for (int i = first; i < s->event_next; i++) {
        const event_def *e = &m->events[i];
        if (e->kind == EVENT_FLOW) {
            demob_sim_set_flow_enabled(s, e->index, e->enabled);
        } else if ((rc = demob_sim_set_value(s, e->index, s->event_x[i], err))) {
            if (e->expr < 0)
                return rc;
            char msg[sizeof err->message];
            snprintf(msg, sizeof msg, "%s", err->message);
            const char *where = m->exprs[m->values[e->expr].expr].where;
            return demob_error_set(err, DEMOB_EINPUT, "%s%sevent value at step %d, run %ld: %s", where,
                                   *where ? ": " : "", t, s->run, msg);
        }
    }
    return 0;
}

int demob_sim_eval_expr(demob_sim *s, demob_value v, int t, double *out, demob_error *err)
{
    const demob_model *m = s->m;
    if (v < 0 || v >= m->n_values || m->values[v].expr < 0)
        return demob_error_set(err, DEMOB_EINPUT, "value %d is not an expression", v);
    const expr_def *e = &m->exprs[m->values[v].expr];
    double x = model_expr_eval(s, e, s->expr_stack, t, -1);
    if (!isfinite(x)) {
        int rc = model_expr_check(m, e, x, -1, t, s->run, err);
        if (rc)
            return rc;
    }
    *out = x;
    return 0;
}

/* Refills and tranches, before the hook: a refill reads its value as the
 * step's events left it, whether a param or an expression (evaluated here
 * from the stocks at the start of the step), so a hook's change to what it
 * reads counts from the next step in both cases. */
static int refill_budgets(demob_sim *s, int t, demob_error *err)
{
    const demob_model *m = s->m;
    for (int b = 0; b < m->n_budgets; b++) {
        const budget_def *bd = &m->budgets[b];
        int ex = m->values[bd->refill].expr;
        if (ex < 0) {
            s->balance[b] += s->val[bd->refill];
        } else {
            double x = model_expr_eval(s, &m->exprs[ex], s->expr_stack, t, -1);
            int rc = x >= 0 && !isinf(x) ? 0 : model_expr_check(m, &m->exprs[ex], x, -1, t, s->run, err);
            if (rc)
                return rc;
            s->balance[b] += x;
        }
        for (int i = 0; i < bd->n_tranches; i++)
            if (bd->tranches[i].step == t)
                s->balance[b] += bd->tranches[i].value >= 0 ? s->val[bd->tranches[i].value] : bd->tranches[i].amount;
    }
    return 0;
}

/* A per-origin expression, for each origin it is used for; a change marks
 * the flows it gives the rate of dirty. */
static int update_per_origin(demob_sim *s, const expr_def *e, int t, demob_error *err)
{
    double *ov = s->oval + (size_t)e->po * (size_t)s->n_o;
    int changed = 0;
    for (int j = 0; j < e->n_po_origins; j++) {
        int o = e->po_origins[j];
        double x = model_expr_eval(s, e, s->expr_stack, t, o);
        if (s->stochastic && (e->roles & EXPR_ARRIVALS))
            x = round(x);
        if (!(x >= 0 && x <= 1) || isinf(x)) {
            int rc = model_expr_check(s->m, e, x, o, t, s->run, err);
            if (rc)
                return rc;
        }
        changed |= ov[o] != x;
        ov[o] = x;
    }
    if (changed)
        for (int k = 0; k < s->value_n_flows[e->slot]; k++)
            mark_flow_dirty(s, s->value_flows[e->slot][k]);
    return 0;
}

/* Expression slots take their value for step t, from the stocks at the
 * start of the step; a changed rate marks its flows dirty. */
#if defined(__GNUC__)
__attribute__((noinline))   /* keeps the step of models without any lean */
#endif
static int update_exprs(demob_sim *s, int t, demob_error *err)
{
    const demob_model *m = s->m;
    for (int i = 0; i < m->n_exprs; i++) {
        const expr_def *e = &m->exprs[i];
        if (e->roles == EXPR_EVENT)
            continue;   /* evaluated when its event fires */
        if (e->per_origin) {
            int rc = update_per_origin(s, e, t, err);
            if (rc)
                return rc;
            continue;
        }
        if (!e->dynamic && s->expr_seen[i] == s->val_epoch)
            continue;   /* params and numbers only, none changed */
        s->expr_seen[i] = s->val_epoch;
        double x = model_expr_eval(s, e, s->expr_stack, t, -1);
        if (s->stochastic && (e->roles & EXPR_ARRIVALS))
            x = round(x);   /* whole people */
        if (!(x >= 0 && x <= 1) || isinf(x)) {
            int rc = model_expr_check(m, e, x, -1, t, s->run, err);
            if (rc)
                return rc;
        }
        int v = e->slot;
        if (s->val[v] == x)
            continue;
        s->val[v] = x;
        for (int k = 0; k < s->value_n_flows[v]; k++)
            mark_flow_dirty(s, s->value_flows[v][k]);
    }
    return 0;
}

static int add_model_arrivals(demob_sim *s, int t, demob_error *err)
{
    const demob_model *m = s->m;
    for (int i = 0; i < m->n_arrivals; i++) {
        const arrivals_def *a = &m->arrivals[i];
        double x = a->per_step ? (t <= a->n ? a->per_step[t - 1] : 0) : slot_at(s, a->constant, a->origin);
        if (x == 0)
            continue;
        int rc = demob_sim_add_arrivals(s, a->origin, a->state, x, err);
        if (rc)
            return rc;
    }
    return 0;
}

/* Last step's arrivals are forgotten; nothing to do when there were none
 * (most models: then no step scans the cells for them). */
static void clear_arrivals(demob_sim *s)
{
    if (!s->any_arrivals)
        return;
    if (s->stochastic)
        memset(s->arrive_i, 0, (size_t)s->n_cells * sizeof(int64_t));
    else
        memset(s->arrive_d, 0, (size_t)s->n_cells * sizeof(double));
    s->any_arrivals = 0;
}

/* Arrivals join the stocks (and their cohort) before departures are drawn.
 * Returns how many arrived; stochastic mode also counts them exactly. */
static double settle_arrivals(demob_sim *s, int t)
{
    double total = 0;
    s->arrived_i = 0;
    if (!s->any_arrivals)
        return 0;
    for (int c = 0; c < s->n_cells; c++) {
        if (s->stochastic) {
            int64_t a = s->arrive_i[c];
            if (!a)
                continue;
            s->stock_i[c] += a;
            occupy(s, c);
            enter_cohort(s, c, a, 0, t);
            total += (double)a;
            s->arrived_i += a;
        } else {
            double a = s->arrive_d[c];
            if (a == 0)
                continue;
            s->stock_d[c] += a;
            enter_cohort(s, c, 0, a, t);
            total += a;
        }
    }
    return total;
}

/* The draws of one source cell with n people free to leave; returns the
 * new count of touched links. */
#if defined(__GNUC__)
__attribute__((always_inline))   /* the hot loop of a stochastic step */
#endif
static inline int draw_source_i(demob_sim *s, int src, int64_t n, int nt)
{
    const cell_cache *cc = &s->cache[src];
    const int *act = s->active + s->m->sources[src].first_link;
    int64_t *want = s->want_i;
    int *touched = s->touched;
    if (cc->forced) {
        want[act[0]] = n;
        touched[nt++] = act[0];
        return nt;
    }
    int k = cc->n_active;
    if (cc->equal) {
        /* Shared equally: n / k each, and the n mod k left over one each
         * to the first links (declaration order), no draw. */
        for (int i = 0; i < k; i++) {
            int64_t x = n / k + (i < n % k);
            want[act[i]] = x;
            touched[nt] = act[i];
            nt += x > 0;
        }
        return nt;
    }
    rng *r = &s->rng;
    int64_t left = binomial_draw_prepared(r, n, &cc->leave);
    for (int i = 0; i < k - 1 && left > 0; i++) {
        int64_t x = binomial_draw_prepared(r, left, &s->cond[act[i]]);
        want[act[i]] = x;
        touched[nt] = act[i];
        nt += x > 0;
        left -= x;
    }
    if (left > 0) {
        want[act[k - 1]] = left;
        touched[nt++] = act[k - 1];
    }
    return nt;
}

/* Large models walk the occupied cells only, in cell order (the order of
 * the sources, so the draws are those of a walk over every source); an
 * empty cell leaves the set. Small ones (at most SPARSE_CELLS cells) walk
 * every source, which costs less than the set there; the draws are the
 * same. */
static void draw_departures_i(demob_sim *s)
{
    const demob_model *m = s->m;
    const source_cell *sources = m->sources;
    const int *source_of = m->source_of;
    const cell_cache *cache = s->cache;
    const int64_t *stock = s->stock_i, *locksum = s->locksum_i;
    int64_t *want = s->want_i, *move = s->move_i;
    uint64_t *bits = s->occ_bits;
    int *touched = s->touched, nt = 0;
    for (int i = 0; i < s->n_touched; i++)
        want[touched[i]] = move[touched[i]] = 0;
    if (s->n_cells <= SPARSE_CELLS) {
        for (int src = 0; src < m->n_sources; src++) {
            if (cache[src].n_active == 0)
                continue;
            int cell = sources[src].cell;
            int64_t n = stock[cell] - locksum[cell];
            if (n > 0)
                nt = draw_source_i(s, src, n, nt);
        }
        s->n_touched = nt;
        return;
    }
    for (int w = 0; w <= s->n_cells / 64; w++)
        for (uint64_t b = bits[w]; b; b &= b - 1) {
            int cell = w * 64 + __builtin_ctzll(b);
            if (stock[cell] == 0) {
                bits[w] &= ~((uint64_t)1 << (cell % 64));
                continue;
            }
            int src = source_of[cell];
            if (src < 0 || cache[src].n_active == 0)
                continue;
            int64_t n = stock[cell] - locksum[cell];
            if (n > 0)
                nt = draw_source_i(s, src, n, nt);
        }
    s->n_touched = nt;
}

static void draw_departures_d(demob_sim *s)
{
    const demob_model *m = s->m;
    const source_cell *sources = m->sources;
    const cell_cache *cache = s->cache;
    const double *stock = s->stock_d, *locksum = s->locksum_d, *share = s->share;
    double *want = s->want_d;
    memset(want, 0, (size_t)s->n_links * sizeof(double));
    for (int src = 0; src < m->n_sources; src++) {
        const cell_cache *cc = &cache[src];
        if (cc->n_active == 0)
            continue;
        int cell = sources[src].cell;
        double n = stock[cell] - locksum[cell];
        if (n <= 0)
            continue;
        const int *act = s->active + sources[src].first_link;
        if (cc->forced) {
            want[act[0]] = n;
            continue;
        }
        for (int i = 0; i < cc->n_active; i++)
            want[act[i]] = n * share[act[i]];
    }
}

static void apply_moves(demob_sim *s, int t)
{
    const link *links = s->m->links;
    const int n = s->n_touched, *touched = s->touched;
    const int cohorts = s->cohort_block > 0;   /* some state tracks entry cohorts */
    double *cum = s->cum;
    /* One loop per mode, with the arrays in locals: the hot loop of a
     * deterministic run, which gcc -O2 does not unswitch by itself. */
    if (s->stochastic) {
        int64_t *stock = s->stock_i;
        const int64_t *move = s->move_i;
        for (int i = 0; i < n; i++) {
            int l = touched[i];
            int64_t x = move[l];
            if (!x)
                continue;
            stock[links[l].cell_from] -= x;
            stock[links[l].cell_to] += x;
            occupy(s, links[l].cell_to);
            if (cohorts)
                enter_cohort(s, links[l].cell_to, x, 0, t);
            cum[l] += (double)x;
        }
    } else {
        double *stock = s->stock_d;
        const double *move = s->move_d;
        for (int l = 0; l < s->n_links; l++) {
            double x = move[l];
            if (x == 0)
                continue;
            stock[links[l].cell_from] -= x;
            stock[links[l].cell_to] += x;
            if (cohorts)
                enter_cohort(s, links[l].cell_to, 0, x, t);
            cum[l] += x;
        }
    }
}


static void account_costs(demob_sim *s, int t)
{
    const demob_model *m = s->m;
    size_t ncost = (size_t)(s->n_o + 1) * (size_t)s->n_cat;
    memset(s->cost_step, 0, ncost * sizeof(double));
    for (int i = 0; i < m->n_costs; i++) {
        const cost_def *c = &m->costs[i];
        double amount = s->val[c->amount];
        int po = s->slot_po[c->amount];   /* >= 0: an amount per origin */
        if (amount == 0 && po < 0)
            continue;
        switch (c->kind) {
        case COST_STATE:
            for (int o = 0; o < s->n_o; o++)
                if (c->applies[o])
                    s->cost_step[o * s->n_cat + c->category] +=
                        (po < 0 ? amount : slot_at(s, c->amount, o)) * cell_count(s, o * s->n_s + c->target);
            break;
        case COST_FLOW:
            for (int o = 0; o < s->n_o; o++) {
                int l = m->link_of[(size_t)c->target * (size_t)s->n_o + (size_t)o];
                if (c->applies[o] && l >= 0)
                    s->cost_step[o * s->n_cat + c->category] +=
                        (po < 0 ? amount : slot_at(s, c->amount, o)) * link_move(s, l);
            }
            break;
        case COST_FIXED:
            if (t >= c->first && t <= c->last && (c->target < 0 || s->occupied[c->target]))
                s->cost_step[s->n_o * s->n_cat + c->category] += amount;
            break;
        }
    }
    for (size_t i = 0; i < ncost; i++)
        s->cost_cum[i] += s->cost_step[i];
    for (int b = 0; b < m->n_budgets; b++) {
        double spent = 0;
        for (int i = 0; i < s->budget_n_links[b]; i++) {
            int l = s->budget_links[b][i];
            spent += link_move(s, l) * s->val[m->flows[m->links[l].flow].unit_cost];
        }
        s->spent[b] = spent;
        s->balance[b] -= spent;
        /* Spending is capped by the balance: below 0 is rounding only. */
        if (s->balance[b] < 0)
            s->balance[b] = 0;
    }
}

/* --------------------------------------------------------------- step */

/* Updates the peak of every state and returns everyone's total in one pass
 * over the stocks (stochastic: the occupied cells, summed exactly), instead of
 * one demob_sim_state_total per state and demob_sim_total. */
static double track_totals(demob_sim *s)
{
    double all = 0;
    s->now_i = 0;
    if (s->stochastic && s->n_cells > SPARSE_CELLS) {
        /* The occupied cells only, and the states they are in, in order:
         * the others hold 0, which changes neither a peak nor the sum. */
        int64_t *xs = s->state_i;
        uint64_t *sb = s->state_bits;
        for (int w = 0; w <= s->n_cells / 64; w++)
            for (uint64_t b = s->occ_bits[w]; b; b &= b - 1) {
                int c = w * 64 + __builtin_ctzll(b), st = c % s->n_s;
                xs[st] += s->stock_i[c];
                sb[st / 64] |= (uint64_t)1 << (st % 64);
            }
        for (int w = 0; w <= s->n_s / 64; w++) {
            for (uint64_t b = sb[w]; b; b &= b - 1) {
                int st = w * 64 + __builtin_ctzll(b);
                double x = (double)xs[st];
                s->now_i += xs[st];
                xs[st] = 0;
                all += x;
                if (x > s->peak[st])
                    s->peak[st] = x;
            }
            sb[w] = 0;
        }
        return all;
    }
    if (s->stochastic) {
        /* A small model: every cell, exactly in integers. */
        for (int st = 0; st < s->n_s; st++) {
            int64_t xi = 0;
            for (int c = st; c < s->n_cells; c += s->n_s)
                xi += s->stock_i[c];
            double x = (double)xi;
            s->now_i += xi;
            all += x;
            if (x > s->peak[st])
                s->peak[st] = x;
        }
        return all;
    }
    for (int st = 0; st < s->n_s; st++) {
        /* A stock that decays below the smallest normal double (2.2e-308
         * people) is 0 from here on. Expected values shrink geometrically,
         * and after a few thousand steps they would otherwise live on as
         * subnormal numbers, on which arithmetic is many times slower, for
         * ever (a share of 5e-324 rounds back to 5e-324). */
        double x = 0;
        for (int c = st; c < s->n_cells; c += s->n_s) {
            double v = s->stock_d[c];
            v = fabs(v) < DBL_MIN ? 0.0 : v;
            s->stock_d[c] = v;
            x += v;
        }
        all += x;
        if (x > s->peak[st])
            s->peak[st] = x;
    }
    return all;
}

int demob_sim_step(demob_sim *s, demob_error *err)
{
    const demob_model *m = s->m;
    if (s->t >= m->steps)
        return demob_error_set(err, DEMOB_ERUN, "run %ld: no step after the last one (%d)", s->run, m->steps);
    int t = s->t + 1, rc;
    const unsigned uses = m->step_uses;
    if (uses & STEP_COHORTS)
        release_cohorts(s, t);
    if ((uses & STEP_EVENTS) && (rc = apply_events(s, t, err)))
        return rc;
    if ((uses & STEP_BUDGETS) && (rc = refill_budgets(s, t, err)))
        return rc;
    clear_arrivals(s);
    if (s->hook && (rc = s->hook(s->hook_ud, s, t, err)))
        return rc;
    if (m->n_exprs && (rc = update_exprs(s, t, err)))
        return rc;
    if ((uses & STEP_ARRIVALS) && (rc = add_model_arrivals(s, t, err)))
        return rc;
    double arrived = settle_arrivals(s, t);
    s->arrived_cum += arrived;

    /* Windows open and close; rates may have changed (set_value and the
     * switches mark those flows dirty). The others are left alone. */
    if (s->any_dirty || t == s->next_window) {
        for (int f = 0; f < m->n_flows; f++)
            if (s->flow_dirty[f] || t == m->flows[f].first || t == m->flows[f].last + 1)
                refresh_flow(s, f, t);
        if (t == s->next_window)
            s->next_window = next_window_change(m, t);
    }
    if (s->any_dirty)
        rebuild_dirty_cells(s);

    /* Stochastic: only the links listed in s->touched have movers this
     * step; every other want and move is 0 (the draws clear the last
     * step's). Deterministic runs have movers on nearly every link: they
     * clear and copy all of them, which costs less than keeping a list. */
    if (s->stochastic) {
        draw_departures_i(s);
        for (int i = 0; i < s->n_touched; i++)
            s->move_i[s->touched[i]] = s->want_i[s->touched[i]];
    } else {
        draw_departures_d(s);
        memcpy(s->move_d, s->want_d, (size_t)s->n_links * sizeof(double));
    }
    if (s->n_con)
        model_con_begin_step(s);
    if (uses & STEP_CAPS)
        share_apply_capacities(s);
    if (uses & STEP_BUDGETS)
        share_apply_budgets(s);
    if (uses & STEP_LIMITS)
        share_apply_limits(s);
    if (uses & STEP_BUDGETS)
        share_settle_gaps(s);
    if (s->n_con)
        model_con_end_step(s);
    apply_moves(s, t);
    /* Fixed costs "while occupied" look at the stocks after the moves, as
     * the per-person costs of the same step do. */
    for (int i = 0; i < m->n_costs; i++)
        if (m->costs[i].kind == COST_FIXED && m->costs[i].target >= 0)
            s->occupied[m->costs[i].target] = demob_sim_state_total(s, m->costs[i].target) > 0;
    if (uses & STEP_COSTS)
        account_costs(s, t);

    /* People are conserved: the total changes only by arrivals. Stochastic
     * counts are compared exactly, in integers (doubles lose units above
     * 2^53). */
    double before = s->total + arrived, now = track_totals(s);
    if (s->stochastic ? s->now_i != s->total_i + s->arrived_i : fabs(now - before) > 1e-9 * (1 + fabs(before)))
        return demob_error_set(err, DEMOB_ERUN, "internal error: run %ld step %d: %.17g people, expected %.17g",
                               s->run, t, now, before);
    s->total = now;
    s->total_i = s->now_i;
    s->t = t;
    return 0;
}

/* -------------------------------------------------------------- reads */

int demob_sim_time(const demob_sim *s) { return s->t; }
long demob_sim_run_index(const demob_sim *s) { return s->run; }

double demob_sim_stock(const demob_sim *s, int origin, int state)
{
    if (origin < 0 || origin >= s->n_o || state < 0 || state >= s->n_s)
        return 0;
    return cell_count(s, origin * s->n_s + state);
}

double demob_sim_state_total(const demob_sim *s, int state)
{
    double sum = 0;
    if (state < 0 || state >= s->n_s)
        return 0;
    for (int o = 0; o < s->n_o; o++)
        sum += cell_count(s, o * s->n_s + state);
    return sum;
}

double demob_sim_origin_total(const demob_sim *s, int origin)
{
    double sum = 0;
    if (origin < 0 || origin >= s->n_o)
        return 0;
    for (int st = 0; st < s->n_s; st++)
        sum += cell_count(s, origin * s->n_s + st);
    return sum;
}

/* Kept by reset and by every step (the conservation check sums the
 * stocks anyway); between steps, and in hooks, it is the current total. */
double demob_sim_total(const demob_sim *s)
{
    return s->total;
}

static int link_index(const demob_sim *s, int origin, int flow)
{
    if (origin < 0 || origin >= s->n_o || flow < 0 || flow >= s->m->n_flows)
        return -1;
    return s->m->link_of[(size_t)flow * (size_t)s->n_o + (size_t)origin];
}

double demob_sim_moved(const demob_sim *s, int origin, int flow)
{
    int l = link_index(s, origin, flow);
    return l < 0 || s->t == 0 ? 0 : link_move(s, l);
}

double demob_sim_cumulative(const demob_sim *s, int origin, int flow)
{
    int l = link_index(s, origin, flow);
    return l < 0 ? 0 : s->cum[l];
}

double demob_sim_cost(const demob_sim *s, int origin, int category)
{
    if (origin < 0 || origin > s->n_o || category < 0 || category >= s->n_cat)
        return 0;
    return s->cost_step[origin * s->n_cat + category];
}

double demob_sim_cost_cumulative(const demob_sim *s, int origin, int category)
{
    if (origin < 0 || origin > s->n_o || category < 0 || category >= s->n_cat)
        return 0;
    return s->cost_cum[origin * s->n_cat + category];
}

double demob_sim_cost_total(const demob_sim *s)
{
    double sum = 0;
    for (int i = 0; i < (s->n_o + 1) * s->n_cat; i++)
        sum += s->cost_cum[i];
    return sum;
}

double demob_sim_budget_balance(const demob_sim *s, int budget)
{
    return budget < 0 || budget >= s->m->n_budgets ? 0 : s->balance[budget];
}

double demob_sim_funding_gap(const demob_sim *s, int budget)
{
    return budget < 0 || budget >= s->m->n_budgets ? 0 : s->gap[budget];
}

double demob_sim_state_peak(const demob_sim *s, int state)
{
    return state < 0 || state >= s->n_s ? 0 : s->peak[state];
}

double demob_sim_arrived(const demob_sim *s)
{
    return s->arrived_cum;
}

void demob_sim_get_arrays(const demob_sim *s, demob_sim_arrays *out)
{
    out->stochastic = s->stochastic;
    out->stock_i = s->stock_i;
    out->stock_d = s->stock_d;
    out->arrive_i = s->arrive_i;
    out->arrive_d = s->arrive_d;
    out->moved_i = s->move_i;
    out->moved_d = s->move_d;
    out->cost = s->cost_step;
    out->balance = s->balance;
    out->spent = s->spent;
    out->gap = s->gap;
}

/* ------------------------------------------------------------- writes */

double demob_sim_value(const demob_sim *s, demob_value v)
{
    return v < 0 || v >= s->m->n_values ? NAN : s->val[v];
}

int demob_sim_set_value(demob_sim *s, demob_value v, double x, demob_error *err)
{
    if (v < 0 || v >= s->m->n_values)
        return demob_error_set(err, DEMOB_EINPUT, "value index %d out of range", v);
    if (demob_model_value_is_expr(s->m, v)) {
        /* It is computed every step: a value set now would be lost. */
        char where[DEMOB_MESSAGE_SIZE / 4];
        demob_model_expr_where(s->m, v, where, sizeof where);
        return demob_error_set(err, DEMOB_EINPUT,
                               "it sets an expression (declared at %s), computed every step: it cannot be set; "
                               "set a param it reads instead",
                               where);
    }
    int rc = demob_model_check_value(s->m, v, x, err);
    if (rc)
        return rc;
    if (s->val[v] == x)
        return 0;
    s->val[v] = x;
    s->val_epoch++;
    for (int i = 0; i < s->value_n_flows[v]; i++)
        mark_flow_dirty(s, s->value_flows[v][i]);
    return 0;
}

int demob_sim_flow_enabled(const demob_sim *s, int flow)
{
    return flow >= 0 && flow < s->m->n_flows && s->flow_on[flow];
}

void demob_sim_set_flow_enabled(demob_sim *s, int flow, int enabled)
{
    if (flow < 0 || flow >= s->m->n_flows || s->flow_on[flow] == (enabled != 0))
        return;
    s->flow_on[flow] = enabled != 0;
    mark_flow_dirty(s, flow);
}

int demob_sim_add_arrivals(demob_sim *s, int origin, int state, double count, demob_error *err)
{
    const demob_model *m = s->m;
    if (origin < 0 || origin >= s->n_o || state < 0 || state >= s->n_s)
        return demob_error_set(err, DEMOB_EINPUT, "arrivals: origin or state index out of range");
    if (!isfinite(count) || count < 0)
        return demob_error_set(err, DEMOB_EINPUT, "arrivals of '%s' into '%s' at step %d: %g is not a count >= 0",
                               m->origins[origin].name, m->states[state].name, s->t + 1, count);
    int cell = origin * s->n_s + state;
    if (s->stochastic) {
        if (count != floor(count))
            return demob_error_set(err, DEMOB_EINPUT,
                                   "arrivals of '%s' into '%s' at step %d: %g must be a whole number in stochastic "
                                   "mode",
                                   m->origins[origin].name, m->states[state].name, s->t + 1, count);
        if (count + s->total + (double)s->arrive_i[cell] > DEMOB_MAX_COUNT)
            return demob_error_set(err, DEMOB_EINPUT,
                                   "arrivals of '%s' into '%s' at step %d: the total would pass 2^62 people",
                                   m->origins[origin].name, m->states[state].name, s->t + 1);
        s->arrive_i[cell] += (int64_t)count;
    } else {
        s->arrive_d[cell] += count;
    }
    s->any_arrivals = 1;
    return 0;
}

double demob_sim_random(demob_sim *s) { return rng_uniform(&s->rng); }

int64_t demob_sim_binomial(demob_sim *s, int64_t n, double p)
{
    if (n <= 0 || !(p > 0))
        return 0;
    if (p >= 1)
        return n;
    return binomial_draw(&s->rng, n, p);
}
