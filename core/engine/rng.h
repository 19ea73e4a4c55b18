/* rng.h - the random stream of one run: xoshiro256** seeded through
 * splitmix64 from (seed, run) only, so a run's numbers never depend on the
 * worker, shard or order it ran in. The generator is always an explicit
 * argument; there is no hidden global state.
 *
 * rng_next and rng_uniform are static inline: the binomial sampler calls them
 * in its innermost loop, and a call through the library would cost more than
 * the generator itself. */
#ifndef DEMOB_RNG_H
#define DEMOB_RNG_H
#include <stdint.h>

typedef struct rng {
    uint64_t s[4];  /* xoshiro256** state; never all zero */
} rng;

/* Derives the stream of run `stream` of a scenario seeded with `seed`. */
void rng_seed(rng *r, uint64_t seed, uint64_t stream);
/* The same in two parts, for many streams of one seed (a particle
 * filter's copies, seeded by the thousand): rng_seed_keyed(r,
 * rng_seed_key(seed), stream), defined below, is rng_seed(r, seed,
 * stream). */
uint64_t rng_seed_key(uint64_t seed);

static inline uint64_t rng_rotl_(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* Next 64 random bits: xoshiro256** 1.0 (D. Blackman and S. Vigna, 2018,
 * https://prng.di.unimi.it/xoshiro256starstar.c). */
static inline uint64_t rng_next(rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rng_rotl_(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rng_rotl_(s[3], 45);
    return result;
}

/* Uniform double in [0, 1) with 53 random bits (the top 53 bits of
 * rng_next, times 2^-53: every value is a multiple of 2^-53). */
static inline double rng_uniform(rng *r)
{
    return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

/* splitmix64's finaliser (Stafford variant 13). */
static inline uint64_t rng_mix_(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* One step of splitmix64: advances *x by the golden-ratio increment and
 * returns the finalised value. */
static inline uint64_t rng_splitmix64_(uint64_t *x)
{
    return rng_mix_(*x += 0x9e3779b97f4a7c15u);
}

static inline void rng_seed_keyed(rng *r, uint64_t key, uint64_t stream)
{
    uint64_t x = key ^ stream;
    x = rng_splitmix64_(&x);
    /* The next four splitmix64 outputs, written out: they are independent
     * of each other, so they are computed side by side. */
    const uint64_t g = 0x9e3779b97f4a7c15u;
    r->s[0] = rng_mix_(x + g);
    r->s[1] = rng_mix_(x + 2 * g);
    r->s[2] = rng_mix_(x + 3 * g);
    r->s[3] = rng_mix_(x + 4 * g);
    /* An all-zero state would stay zero forever. Four consecutive splitmix64
     * outputs are never all zero in practice, but the check is free. */
    if ((r->s[0] | r->s[1] | r->s[2] | r->s[3]) == 0)
        r->s[0] = 0x9e3779b97f4a7c15u;
}

#endif
