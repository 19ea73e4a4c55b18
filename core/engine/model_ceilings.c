/* model_ceilings.c - compiles the ceilings at freeze into the lists the
 * step walks (model_internal.h): for each cell the ceilings that cap it,
 * for each ceiling the links leaving and entering its cells, and which
 * links are departures no later cut can shrink. Every list is built from
 * the others in time and memory linear in the model (links, plus the
 * origins each ceiling names), whatever the number of ceilings: one
 * ceiling per origin must not cost origins x links. */
#include <stdlib.h>

#include "model_internal.h"

void model_ceilings_free(demob_model *m)
{
    free(m->cell_ceil_first);
    free(m->cell_ceil);
    free(m->ceil_out_first);
    free(m->ceil_out);
    free(m->ceil_in_first);
    free(m->ceil_in);
    free(m->stable_exit);
    m->cell_ceil_first = m->cell_ceil = m->ceil_out_first = m->ceil_out = NULL;
    m->ceil_in_first = m->ceil_in = NULL;
    m->stable_exit = NULL;
}

/* Turns counts in first[0..n) into offsets (first[n]: the total). */
static int offsets(int *first, int n)
{
    int sum = 0;
    for (int i = 0; i < n; i++) {
        int c = first[i];
        first[i] = sum;
        sum += c;
    }
    first[n] = sum;
    return sum;
}

/* Link i of the order a list is built in: link order (origin, source
 * state, flow), or declaration order (flow, then origin; -1: no link). */
static int nth_link(const demob_model *m, int decl, size_t i)
{
    return decl ? m->link_of[i] : (int)i;
}

/* For each link in that order, appends it to the list of every ceiling
 * capping its source cell (to_side 0) or its target cell (to_side 1); an
 * entry along a forced exit is listed as ~l (negative), so that the step
 * tells it apart without looking the link's flow up. */
static int link_lists(const demob_model *m, int to_side, int decl, int **first_out, int **list_out)
{
    int nc = m->n_ceilings;
    size_t n = decl ? (size_t)m->n_flows * (size_t)m->n_origins : (size_t)m->n_links;
    int *first = calloc((size_t)nc + 1, sizeof(int)), *fill = calloc((size_t)nc + 1, sizeof(int)), *list = NULL;
    /* Pass 0 counts each ceiling's links, pass 1 lists them. */
    for (int pass = 0; pass < 2; pass++) {
        if (!first || !fill || (pass == 1 && !(list = malloc(((size_t)offsets(first, nc) + 1) * sizeof(int))))) {
            free(first);
            free(fill);
            return -1;
        }
        for (int k = 0; pass == 1 && k < nc; k++)
            fill[k] = first[k];
        for (size_t i = 0; i < n; i++) {
            int l = nth_link(m, decl, i);
            if (l < 0)
                continue;
            int cell = to_side ? m->links[l].cell_to : m->links[l].cell_from;
            for (int j = m->cell_ceil_first[cell]; j < m->cell_ceil_first[cell + 1]; j++) {
                if (pass == 0)
                    first[m->cell_ceil[j]]++;
                else   /* entries along a forced exit as ~l: never cut */
                    list[fill[m->cell_ceil[j]]++] = to_side && m->flows[m->links[l].flow].forced ? ~l : l;
            }
        }
    }
    free(fill);
    *first_out = first;
    *list_out = list;
    return 0;
}

int model_ceilings_compile(demob_model *m, demob_error *err)
{
    model_ceilings_free(m);
    int nc = m->n_ceilings, n_s = m->n_states;
    size_t cells = (size_t)m->n_origins * (size_t)n_s;
    m->cell_ceil_first = calloc(cells + 1, sizeof(int));
    m->stable_exit = calloc((size_t)m->n_links + 1, 1);
    if (!m->cell_ceil_first || !m->stable_exit)
        return demob_error_set(err, DEMOB_ERUN, "out of memory");
    for (int k = 0; k < nc; k++)
        for (int i = 0; i < model_ceiling_n_origins(m, k); i++)
            m->cell_ceil_first[(size_t)model_ceiling_origin(m, k, i) * (size_t)n_s + (size_t)m->ceilings[k].state]++;
    int total = offsets(m->cell_ceil_first, (int)cells);
    int *fill = malloc((cells + 1) * sizeof(int));
    m->cell_ceil = malloc(((size_t)total + 1) * sizeof(int));
    if (!fill || !m->cell_ceil) {
        free(fill);
        return demob_error_set(err, DEMOB_ERUN, "out of memory");
    }
    for (size_t c = 0; c < cells; c++)
        fill[c] = m->cell_ceil_first[c];
    for (int k = 0; k < nc; k++)   /* each cell's ceilings ascending */
        for (int i = 0; i < model_ceiling_n_origins(m, k); i++)
            m->cell_ceil[fill[(size_t)model_ceiling_origin(m, k, i) * (size_t)n_s + (size_t)m->ceilings[k].state]++] = k;
    free(fill);
    /* Entries are cut in stochastic mode as a capacity cuts them, ties in
     * declaration order (flow, then origin); deterministic sums keep link
     * order (there are no ties there). */
    int decl = m->mode == DEMOB_STOCHASTIC;
    if (link_lists(m, 0, 0, &m->ceil_out_first, &m->ceil_out) ||
        link_lists(m, 1, decl, &m->ceil_in_first, &m->ceil_in))
        return demob_error_set(err, DEMOB_ERUN, "out of memory");
    for (int l = 0; l < m->n_links; l++) {
        const link *lk = &m->links[l];
        int stable = m->cell_ceil_first[lk->cell_to] == m->cell_ceil_first[lk->cell_to + 1];
        for (int k = 0; k < m->n_syncs && stable; k++)
            if (m->syncs[k].flows[lk->flow])
                stable = 0;
        m->stable_exit[l] = (unsigned char)stable;
    }
    return 0;
}
