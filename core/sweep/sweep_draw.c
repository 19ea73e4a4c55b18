/* sweep_draw.c - a run's own draw of the params with priors (see
 * sweep_draw.h). */
#include <math.h>

#include "engine/rng.h"
#include "sweep_draw.h"

int sweep_draw_count(const demob_model *m, const sweep_dist *const *prior)
{
    int n = 0;
    for (int v = 0; v < demob_model_n_values(m); v++)
        n += prior[v] != NULL;
    return n;
}

void sweep_draw_params(const demob_model *m, const sweep_dist *const *prior, long run, double *values)
{
    rng r;
    rng_seed(&r, demob_model_seed(m), (uint64_t)run | (UINT64_C(1) << 63));
    int whole = demob_model_mode(m) == DEMOB_STOCHASTIC;
    for (int v = 0; v < demob_model_n_values(m); v++) {
        if (!prior[v])
            continue;
        /* u in (0, 1): never exactly a bound */
        double u = ((double)(rng_next(&r) >> 11) + 0.5) * 0x1.0p-53;
        double x = sweep_round12(sweep_dist_quantile(prior[v], u));
        if (whole && demob_model_value_is_stock(m, v))
            x = round(x);
        values[v] = x;
    }
}

void sweep_draw_names(const demob_model *m, const sweep_dist *const *prior, strbuf *b)
{
    int first = 1, kind = -1, same = 1;
    for (int v = 0; v < demob_model_n_values(m); v++)
        if (prior[v]) {
            same &= kind < 0 || (int)prior[v]->kind == kind;
            kind = (int)prior[v]->kind;
        }
    for (int v = 0; v < demob_model_n_values(m); v++)
        if (prior[v]) {
            strbuf_printf(b, "%s%s", first ? "" : ", ", demob_model_value_name(m, v));
            if (!same)
                strbuf_printf(b, " (%s)", sweep_dist_name(prior[v]->kind));
            first = 0;
        }
    if (same && kind >= 0)
        strbuf_printf(b, kind == DIST_UNIFORM ? " (all uniform on their declared [min, max])" : " (all %s)",
                      sweep_dist_name((sweep_dist_kind)kind));
}
