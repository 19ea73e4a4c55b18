/* binomial.h - exact binomial and multinomial variates for n up to 2^62.
 * Inversion for small means, transformed rejection (BTRD, Hoermann 1993)
 * for large ones; see binomial.c for the algorithms and their sources. */
#ifndef DEMOB_BINOMIAL_H
#define DEMOB_BINOMIAL_H
#include <stdint.h>
#include "rng.h"

/* Constants that depend on p only, computed once while a rate holds. */
typedef struct binomial_p {
    double p;        /* the probability given, clamped to [0, 1]             */
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

/* Multinomial(n, p[0..k-1]) by conditional binomials; p need not sum to 1
 * exactly (it is normalised); out[0..k-1] sums to n. Parts with p <= 0 (or
 * NaN) get 0 and cost no draw; the last positive part takes the remainder
 * without a draw. At least one p must be positive when n > 0 (otherwise
 * every part gets 0). The caller owns out. */
void multinomial_draw(rng *r, int64_t n, const double *p, int k, int64_t *out);

#endif
