/* rng.h - the random stream of one run: xoshiro256** seeded through
 * splitmix64 from (seed, run) only, so a run's numbers never depend on the
 * worker, shard or order it ran in. The generator is always an explicit
 * argument; there is no hidden global state. */
#ifndef DEMOB_RNG_H
#define DEMOB_RNG_H
#include <stdint.h>

typedef struct rng {
    uint64_t s[4];
} rng;

/* Derives the stream of run `stream` of a scenario seeded with `seed`. */
void rng_seed(rng *r, uint64_t seed, uint64_t stream);
uint64_t rng_next(rng *r);
/* Uniform double in [0, 1) with 53 random bits. */
double rng_uniform(rng *r);

#endif
