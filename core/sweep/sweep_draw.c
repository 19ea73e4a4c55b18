/* sweep_draw.c - a run's own draw of the params with declared ranges
 * (see sweep_draw.h). */
#include <math.h>

#include "engine/rng.h"
#include "sweep_design.h"
#include "sweep_draw.h"

int sweep_draw_applies(const demob_model *m, demob_value v)
{
    double lo, hi;
    if (!demob_model_value_name(m, v))
        return 0;
    demob_model_value_range(m, v, &lo, &hi);
    return lo < hi;   /* false for NaN */
}

int sweep_draw_count(const demob_model *m)
{
    int n = 0;
    for (int v = 0; v < demob_model_n_values(m); v++)
        n += sweep_draw_applies(m, v);
    return n;
}

void sweep_draw_params(const demob_model *m, long run, double *values)
{
    rng r;
    rng_seed(&r, demob_model_seed(m), (uint64_t)run | (UINT64_C(1) << 63));
    int whole = demob_model_mode(m) == DEMOB_STOCHASTIC;
    for (int v = 0; v < demob_model_n_values(m); v++) {
        if (!sweep_draw_applies(m, v))
            continue;
        double lo, hi;
        demob_model_value_range(m, v, &lo, &hi);
        sweep_dist d = {DIST_UNIFORM, lo, hi, 0, -HUGE_VAL, HUGE_VAL, NULL, NULL, 0};
        /* u in (0, 1): never exactly a bound */
        double u = ((double)(rng_next(&r) >> 11) + 0.5) * 0x1.0p-53;
        double x = sweep_round12(sweep_dist_quantile(&d, u));
        if (whole && demob_model_value_is_stock(m, v))
            x = round(x);
        values[v] = x;
    }
}

void sweep_draw_names(const demob_model *m, strbuf *b)
{
    int first = 1;
    for (int v = 0; v < demob_model_n_values(m); v++)
        if (sweep_draw_applies(m, v)) {
            strbuf_puts(b, first ? "" : ", ");
            strbuf_puts(b, demob_model_value_name(m, v));
            first = 0;
        }
}
