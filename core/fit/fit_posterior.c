/* fit_posterior.c - drawing from a fit's posterior.csv for a forecast:
 * run r takes row fit_posterior_row(seed, r, n) of the file, chosen from a
 * stream of its own, (seed, 2^62 + r): no run's dynamics and no sweep's
 * design use it, so the choice depends on (seed, r) only. */
#include "engine/rng.h"
#include "fit.h"

long fit_posterior_row(uint64_t seed, long run, long n_rows)
{
    rng r;
    rng_seed(&r, seed, ((uint64_t)1 << 62) + (uint64_t)run);
    uint64_t n = (uint64_t)n_rows, limit = -n % n, x;
    do
        x = rng_next(&r);
    while (x < limit);
    return (long)(x % n);
}
