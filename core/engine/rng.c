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

/* One step of splitmix64: advances *x by the golden-ratio increment and
 * returns the finalised (Stafford variant 13) value. */
static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

void rng_seed(rng *r, uint64_t seed, uint64_t stream)
{
    uint64_t x = seed;
    x = splitmix64(&x) ^ stream;
    x = splitmix64(&x);
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
    /* An all-zero state would stay zero forever. Four consecutive splitmix64
     * outputs are never all zero in practice, but the check is free. */
    if ((r->s[0] | r->s[1] | r->s[2] | r->s[3]) == 0)
        r->s[0] = 0x9e3779b97f4a7c15u;
}
