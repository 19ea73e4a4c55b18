/* sim_copy.c - copying a run's whole state into another sim of the same
 * model (demob_sim_copy), and giving a sim a new random stream
 * (demob_sim_reseed): what a particle filter needs to resample runs.
 * Everything a step reads is copied: stocks, cohorts, arrivals, the
 * occupied cells, values, flow switches and cached hazards, departures'
 * caches, cumulative flows, costs, budgets, peaks, events, expression
 * caches, constraint diagnostics and the random stream. The buffers that
 * depend on the model only (budget and value lists, cohort offsets), the
 * scratch of one step (the ceilings to look at, budget cuts, state totals)
 * and the memo of leave probabilities (a cache of a pure function) are the
 * same in both sims and left alone; the hook stays the destination's. */
#include <string.h>

#include "sim_internal.h"

#define COPY(f, n)                                                                                                     \
    do {                                                                                                               \
        if (src->f && (n) > 0)                                                                                         \
            memcpy(dst->f, src->f, (size_t)(n) * sizeof *src->f);                                                      \
    } while (0)

int demob_sim_copy(demob_sim *dst, const demob_sim *src, demob_error *err)
{
    if (dst == src)
        return 0;
    if (dst->m != src->m)
        return demob_error_set(err, DEMOB_EINPUT, "demob_sim_copy: the two sims run different models");
    const demob_model *m = src->m;
    size_t cells = (size_t)src->n_cells, links = (size_t)src->n_links;
    size_t lockn = (size_t)src->n_o * (size_t)src->cohort_block;
    size_t costs = (size_t)(src->n_o + 1) * (size_t)src->n_cat;
    /* Scalars. */
    dst->t = src->t;
    dst->run = src->run;
    dst->rng = src->rng;
    dst->any_arrivals = src->any_arrivals;
    dst->total = src->total;
    dst->total_i = src->total_i;
    dst->now_i = src->now_i;
    dst->arrived_i = src->arrived_i;
    dst->arrived_cum = src->arrived_cum;
    dst->any_dirty = src->any_dirty;
    dst->event_next = src->event_next;
    dst->n_touched = src->n_touched;
    dst->next_window = src->next_window;
    dst->val_epoch = src->val_epoch;
    dst->cache_valid = src->cache_valid;
    /* Buffers. */
    COPY(stock_i, cells);
    COPY(stock_d, cells);
    COPY(locked_i, lockn);
    COPY(locked_d, lockn);
    COPY(locksum_i, cells);
    COPY(locksum_d, cells);
    COPY(arrive_i, cells);
    COPY(arrive_d, cells);
    COPY(initial, cells);
    COPY(occ_bits, cells / 64 + 1);
    COPY(val, m->n_values);
    COPY(flow_on, m->n_flows);
    COPY(flow_live, m->n_flows);
    COPY(flow_h, m->n_flows);
    COPY(flow_rate, m->n_flows);
    COPY(flow_dirty, m->n_flows);
    COPY(cache, m->n_sources);
    COPY(active, 2 * links + 2);
    COPY(cond, links);
    COPY(share, links);
    COPY(want_i, links);
    COPY(want_d, links);
    COPY(move_i, links);
    COPY(move_d, links);
    COPY(cut_i, links);
    COPY(cut_d, links);
    COPY(cum, links);
    COPY(touched, links + 1);
    COPY(scratch, 2 * links + 2);
    COPY(cost_step, costs);
    COPY(cost_cum, costs);
    COPY(balance, m->n_budgets);
    COPY(gap, m->n_budgets);
    COPY(spent, m->n_budgets);
    COPY(peak, src->n_s);
    COPY(occupied, src->n_s);
    COPY(expr_seen, m->n_exprs);
    COPY(event_x, m->n_events + 1);
    COPY(oval, (size_t)m->n_po * (size_t)src->n_o + 1);
    COPY(link_h, links + 1);
    COPY(con_want, src->n_con);
    COPY(con_allow, src->n_con);
    COPY(con_cut, src->n_con);
    COPY(con_bound, src->n_con);
    /* The memo of leave probabilities (sim_internal.h) is not state: it
     * caches a function of a cell's hazard, the same in every sim of the
     * model, so dst's own stays valid (and copying its 512 entries would
     * cost more than the rest of the copy). */
    return 0;
}

void demob_sim_reseed(demob_sim *s, uint64_t stream)
{
    rng_seed(&s->rng, s->m->seed, stream);
}
