/* binomial.h - exact binomial and multinomial variates for n up to 2^62.
 * Inversion for small means, transformed rejection (BTRD, Hoermann 1993)
 * for large ones; see binomial.c for the algorithms and their sources.
 * The generator is always an explicit argument; prepared constants are
 * read-only during draws, so several threads may share them. */
#ifndef DEMOB_BINOMIAL_H
#define DEMOB_BINOMIAL_H
#include <stdint.h>
#include "rng.h"

/* Inversion below this mean n min(p, 1 - p), BTRD from it on. BTRD is
 * only valid for means >= 10 (Hoermann 1993); above that the choice is
 * speed alone. The two cost the same near a mean of 28 (about 55 ns a draw
 * on the AMD EPYC development machine with n varying from draw to draw as
 * in the engine, for pp = 0.05 and 0.3: inversion grows by ~1.4 ns per
 * unit of mean, BTRD stays near 50 ns). Public so that the tests can
 * straddle it; -D overrides it for that measurement only. */
#ifndef BINOMIAL_INV_MAX_MEAN
#define BINOMIAL_INV_MAX_MEAN 28.0
#endif

/* Constants that depend on p only, computed once while a rate holds. The
 * p given (clamped to [0, 1]) is flip ? 1 - pp : pp, exactly. 48 bytes:
 * the engine keeps one per link and one per source cell. */
typedef struct binomial_p {
    double pp;       /* min(p, 1 - p): the sampler draws with this           */
    int flip;        /* 1 when pp = 1 - p (result is n - draw)               */
    double q;        /* 1 - pp                                               */
    double log_q;    /* log(q) = log1p(-pp), for inversion's q^n             */
    double r;        /* pp / q, for the recurrences f(k+1)/f(k)              */
    double pq;       /* pp * q, for BTRD's variance n p q                    */
} binomial_p;

/* p outside [0, 1] is clamped, NaN counts as 0: callers validate rates
 * where they are read, so the sampler itself cannot fail. */
void binomial_prepare(binomial_p *bp, double p);
/* One draw of Binomial(n, p) for 0 <= n <= 2^62 (n < 0 gives 0); the
 * result is in [0, n]. n == 0, p == 0 and p == 1 draw no random number. */
int64_t binomial_draw_prepared(rng *r, int64_t n, const binomial_p *bp);
int64_t binomial_draw(rng *r, int64_t n, double p);

/* Draws through a cache of the constants of each n: what
 * binomial_draw_prepared computes before its first uniform (BTRD's hat,
 * inversion's q^n) and BTRD's slow-path constants, in BINOMIAL_NP_CACHE
 * entries indexed by the low bits of n. Many draws with the same p and
 * counts that repeat (the particles of a filter) skip that work; for the
 * same stream binomial_draw_cached gives exactly binomial_draw_prepared's
 * draws. The caller owns the cache and marks every entry empty (n = -1)
 * whenever p changes. */
enum { BINOMIAL_NP_NONE, BINOMIAL_NP_INVERSION, BINOMIAL_NP_BTRD };
typedef struct binomial_np {
    int64_t n, m;        /* n (-1: empty), and BTRD's mode                   */
    int method;          /* BINOMIAL_NP_*                                    */
    double mean;         /* n pp                                             */
    double cm, npq, spq, b, a, D, fast_limit;   /* BTRD                      */
    double alpha, nr, v_r, inv_vr;              /* BTRD's slow path; nr also
                                                 * inversion's (n + 1) r     */
    double inv_f0;       /* inversion: 1 / q^n                               */
} binomial_np;
#define BINOMIAL_NP_CACHE 64
int64_t binomial_draw_cached(rng *g, int64_t n, const binomial_p *bp, binomial_np *cache);

/* Multinomial(n, p[0..k-1]) by conditional binomials; p need not sum to 1
 * exactly (it is normalised); out[0..k-1] sums to n. Parts with p <= 0 (or
 * NaN) get 0 and cost no draw; the last positive part takes the remainder
 * without a draw. At least one p must be positive when n > 0 (otherwise
 * every part gets 0). The caller owns out. */
void multinomial_draw(rng *r, int64_t n, const double *p, int k, int64_t *out);

/* The same split with its k conditional probabilities prepared once while
 * the weights hold (the engine's competing risks: the weights h_f / H
 * change only with the rates). cond[0..k-1] is caller-owned. For the same
 * stream, multinomial_draw_prepared gives exactly multinomial_draw's
 * draws. */
void multinomial_prepare(binomial_p *cond, const double *p, int k);
void multinomial_draw_prepared(rng *r, int64_t n, const binomial_p *cond,
                               int k, int64_t *out);

#endif
