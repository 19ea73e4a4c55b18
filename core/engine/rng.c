/* rng.c - seeding of the per-run random streams (rng.h has the generator).
 *
 * The four words of xoshiro256** state come from splitmix64 (Steele, Lea and
 * Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014), the
 * seeding its authors recommend. The seed and the stream number are mixed in
 * two rounds: the seed is hashed first, the stream is xored into that hash and
 * the result hashed again, and the state words are the next four outputs of a
 * splitmix64 generator started there. Each round is a bijection of 64 bits,
 * so for one seed distinct streams get distinct starting points, and the
 * avalanche of the finaliser makes neighbouring streams (run 0, 1, 2, ...)
 * look unrelated. Nothing depends on the worker, time or order. */
#include "rng.h"

uint64_t rng_seed_key(uint64_t seed)
{
    uint64_t x = seed;
    return rng_splitmix64_(&x);
}

void rng_seed(rng *r, uint64_t seed, uint64_t stream)
{
    rng_seed_keyed(r, rng_seed_key(seed), stream);
}
