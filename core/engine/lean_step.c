/* lean_step.c - plain stochastic runs stepped as arrays of integers (see
 * lean_step.h). The plan lists the source cells that have active links,
 * in source order, with the constants demob_sim_step's draws use; a step
 * draws every listed cell from its stock at the start of the step, exactly
 * as step.c's draw_source_i does, then applies the moves.
 *
 * Particles share counts (the copies of one run after resampling, and
 * runs near each other), so each draw's constants for its n (BTRD's hat,
 * inversion's q^n: about two thirds of a draw's time when n changes from
 * draw to draw) are kept in a small cache per draw site, indexed by the
 * low bits of n: the draws are those of binomial_draw_prepared. */
#include <stdlib.h>
#include <string.h>

#include "binomial.h"
#include "lean_step.h"
#include "sim_internal.h"

enum { LEAN_DRAW, LEAN_EQUAL };

/* Entries per draw site (a power of 2), and the most memory the caches
 * may take; a larger model draws without them. */
#define LEAN_CACHE BINOMIAL_NP_CACHE
#define LEAN_CACHE_BYTES ((size_t)4 << 20)

typedef struct lean_source {
    int cell, kind;
    int first, k;        /* its active links: slots first .. first + k - 1 */
    binomial_p leave;    /* LEAN_DRAW: Bin(n, 1 - e^-H) leave              */
} lean_source;

struct lean_plan {
    const demob_model *m;
    int n_cells, width;
    lean_source *src;    /* [n_sources], n_src used                        */
    int n_src, n_slots;
    int *from, *to, *cum;       /* [n_links] per slot: cells, cumulative index */
    binomial_p *cond;           /* [n_links] per slot: conditional split       */
    int64_t *initial;           /* [n_cells]                                   */
    binomial_np *cache;         /* [(n_sources + n_links) * LEAN_CACHE]: the
                                 * leave draws' by source, then the splits' by
                                 * slot; NULL: no cache                        */
};

int lean_supported(const demob_model *m, const char **why)
{
    const char *no = NULL;
    if (m->step_uses & ~(unsigned)STEP_COSTS)
        no = "it has minimum stays or durations, events, budgets, arrivals, capacities, ceilings or syncs";
    else if (m->n_exprs > 0 || m->n_po > 0)
        no = "it has expressions";
    for (int f = 0; !no && f < m->n_flows; f++)
        if (m->flows[f].first > 1 || m->flows[f].last < m->steps)
            no = "a flow is open for part of the run only";
    if (why)
        *why = no;
    return no == NULL;
}

lean_plan *lean_plan_new(const demob_model *m)
{
    lean_plan *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    size_t links = (size_t)m->n_links + 1, cells = (size_t)m->n_origins * (size_t)m->n_states;
    p->m = m;
    p->n_cells = (int)cells;
    p->width = (int)cells + m->n_links;
    p->src = calloc((size_t)m->n_sources + 1, sizeof *p->src);
    p->from = calloc(links, sizeof *p->from);
    p->to = calloc(links, sizeof *p->to);
    p->cum = calloc(links, sizeof *p->cum);
    p->cond = calloc(links, sizeof *p->cond);
    p->initial = calloc(cells + 1, sizeof *p->initial);
    size_t sites = (size_t)m->n_sources + (size_t)m->n_links;
    int no_cache = sites * LEAN_CACHE * sizeof *p->cache <= LEAN_CACHE_BYTES &&
                   !(p->cache = malloc(sites * LEAN_CACHE * sizeof *p->cache + 1));   /* out of memory */
    if (no_cache || !p->src || !p->from || !p->to || !p->cum || !p->cond || !p->initial) {
        lean_plan_free(p);
        return NULL;
    }
    return p;
}

void lean_plan_free(lean_plan *p)
{
    if (!p)
        return;
    free(p->src);
    free(p->from);
    free(p->to);
    free(p->cum);
    free(p->cond);
    free(p->initial);
    free(p->cache);
    free(p);
}

int lean_plan_load(lean_plan *p, const demob_sim *s)
{
    const demob_model *m = p->m;
    if (s->m != m || !s->stochastic || s->hook || s->t != 0 || !s->cache_valid)
        return -1;
    int n = 0, slot = 0;
    for (int i = 0; i < m->n_sources; i++) {
        const cell_cache *cc = &s->cache[i];
        if (cc->n_active == 0)
            continue;
        if (cc->forced)   /* a fixed duration's exit: lean_supported refuses durations */
            return -1;
        const int *act = s->active + m->sources[i].first_link;
        lean_source *ls = &p->src[n++];
        ls->cell = m->sources[i].cell;
        ls->kind = cc->equal ? LEAN_EQUAL : LEAN_DRAW;
        ls->first = slot;
        ls->k = cc->n_active;
        ls->leave = cc->leave;
        for (int j = 0; j < cc->n_active; j++, slot++) {
            int l = act[j];
            p->from[slot] = m->links[l].cell_from;
            p->to[slot] = m->links[l].cell_to;
            p->cum[slot] = p->n_cells + l;
            p->cond[slot] = s->cond[l];
        }
    }
    p->n_src = n;
    p->n_slots = slot;
    if (p->cache) /* new values: new constants */
        for (size_t i = 0; i < ((size_t)m->n_sources + (size_t)m->n_links) * LEAN_CACHE; i++)
            p->cache[i].n = -1;
    memcpy(p->initial, s->stock_i, (size_t)p->n_cells * sizeof *p->initial);
    return 0;
}

int lean_width(const lean_plan *p) { return p->width; }
int lean_cells(const lean_plan *p) { return p->n_cells; }

int lean_cum_index(const lean_plan *p, int origin, int flow)
{
    const demob_model *m = p->m;
    if (origin < 0 || origin >= m->n_origins || flow < 0 || flow >= m->n_flows)
        return -1;
    int l = m->link_of[(size_t)flow * (size_t)m->n_origins + (size_t)origin];
    return l < 0 ? -1 : p->n_cells + l;
}

void lean_start(const lean_plan *p, int64_t *run)
{
    memcpy(run, p->initial, (size_t)p->n_cells * sizeof *run);
    memset(run + p->n_cells, 0, (size_t)(p->width - p->n_cells) * sizeof *run);  /* 0.0 */
}

/* Bin(n, bp) through the cache of draw site `site`. */
static inline int64_t draw(lean_plan *p, size_t site, int64_t n, const binomial_p *bp, rng *r)
{
    if (!p->cache)
        return binomial_draw_prepared(r, n, bp);
    return binomial_draw_cached(r, n, bp, p->cache + site * LEAN_CACHE);
}

/* The draws of cell j with n > 0 people (step.c's draw_source_i). */
static inline void draw_source(lean_plan *p, int j, int64_t n, rng *r, int64_t *mv)
{
    const lean_source *ls = &p->src[j];
    int k = ls->k;
    if (ls->kind == LEAN_EQUAL) {
        for (int i = 0; i < k; i++)
            mv[i] = n / k + (i < n % k);
        return;
    }
    int64_t left = draw(p, (size_t)j, n, &ls->leave, r);
    const binomial_p *cond = p->cond + ls->first;
    size_t site = (size_t)p->m->n_sources + (size_t)ls->first;
    int i = 0;
    for (; i < k - 1 && left > 0; i++) {
        int64_t x = draw(p, site + (size_t)i, left, &cond[i], r);
        mv[i] = x;
        left -= x;
    }
    for (; i < k - 1; i++)
        mv[i] = 0;
    mv[k - 1] = left;
}

void lean_step_runs(lean_plan *p, int64_t *runs, int n, rng *rngs, int64_t *moves)
{
    const size_t W = (size_t)p->width, S = (size_t)p->n_slots;
    /* Cell by cell over the runs: a cell's constants and cache stay at hand,
     * and each run still draws its cells in source order from its own
     * stream. Every run's moves are applied after all the draws. */
    for (int j = 0; j < p->n_src; j++) {
        const lean_source *ls = &p->src[j];
        if (ls->kind == LEAN_DRAW && ls->k == 1 && p->cache) {
            /* One way out (the common case): the leave draw is the move. */
            const binomial_p leave = ls->leave;
            binomial_np *cache = p->cache + (size_t)j * LEAN_CACHE;
            const size_t cell = (size_t)ls->cell, first = (size_t)ls->first;
            for (int i = 0; i < n; i++) {
                int64_t c = runs[(size_t)i * W + cell];
                moves[(size_t)i * S + first] = c > 0 ? binomial_draw_cached(&rngs[i], c, &leave, cache) : 0;
            }
            continue;
        }
        for (int i = 0; i < n; i++) {
            int64_t c = runs[(size_t)i * W + (size_t)ls->cell];
            int64_t *mv = moves + (size_t)i * S + (size_t)ls->first;
            if (c > 0)
                draw_source(p, j, c, &rngs[i], mv);
            else
                for (int a = 0; a < ls->k; a++)
                    mv[a] = 0;
        }
    }
    /* Then the moves, slot by slot over the runs (the stocks are integers
     * and each link's cumulative double gets one move a step: the order
     * changes nothing). The cumulative movers add up as step.c's
     * apply_moves adds them, in doubles. */
    for (size_t a = 0; a < S; a++) {
        const size_t from = (size_t)p->from[a], to = (size_t)p->to[a], cum = (size_t)p->cum[a];
        for (int i = 0; i < n; i++) {
            int64_t *run = runs + (size_t)i * W, x = moves[(size_t)i * S + a];
            run[from] -= x;
            run[to] += x;
            double c = lean_cum_value(run[cum]) + (double)x;
            memcpy(&run[cum], &c, sizeof c);
        }
    }
}
