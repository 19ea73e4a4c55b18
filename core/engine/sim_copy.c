/* sim_copy.c - copying a run's whole state into another sim of the same
 * model (demob_sim_copy), and giving a sim a new random stream
 * (demob_sim_reseed): what a particle filter needs to resample runs.
 * Everything a step reads is copied: the scalars, then the state block
 * (stocks, cohorts, arrivals, the occupied cells, values, flow switches and
 * cached hazards, departures' caches, cumulative flows, costs, budgets,
 * peaks, events, expression caches: step.c's state_layout) in one memcpy,
 * the constraint diagnostics and the random stream. The buffers that depend
 * on the model only (budget and value lists, cohort offsets), the scratch
 * of one step (the ceilings to look at, budget cuts, state totals) and the
 * memo of leave probabilities (a cache of a pure function) are the same in
 * both sims and left alone; the hook stays the destination's. */
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
    /* Buffers: the state block (the same layout in both, as they run the
     * same model), then the constraints'. */
    memcpy(dst->state, src->state, src->state_size);
    COPY(con_want, src->n_con);
    COPY(con_allow, src->n_con);
    COPY(con_cut, src->n_con);
    COPY(con_bound, src->n_con);
    /* The memo of leave probabilities (sim_internal.h) is not state: it
     * caches a function of a cell's hazard, the same in every sim of the
     * model, so dst's own stays valid (and copying its 512 entries would
     * cost more than the whole state block). */
    return 0;
}

void demob_sim_reseed(demob_sim *s, uint64_t stream)
{
    rng_seed(&s->rng, s->m->seed, stream);
}
