/* binomial.h - exact binomial and multinomial variates for n up to 2^62.
 * Inversion for small means, transformed rejection (BTRD, Hoermann 1993)
 * for large ones; see binomial.c for the algorithms and their sources. */
#ifndef DEMOB_BINOMIAL_H
#define DEMOB_BINOMIAL_H
#include <stdint.h>
#include "rng.h"

/* Constants that depend on p only, computed once while a rate holds. */
typedef struct binomial_p {
    double p;        /* the probability given                               */
    double pp;       /* min(p, 1 - p): the sampler draws with this           */
    int flip;        /* 1 when pp = 1 - p (result is n - draw)               */
    double q;        /* 1 - pp                                               */
    double log_q;    /* log(q), for inversion                                */
    double r;        /* pp / q                                               */
    double log_r;    /* log(pp / q), for BTRD                                */
} binomial_p;

void binomial_prepare(binomial_p *bp, double p);
/* One draw of Binomial(n, p); n >= 0, p in [0, 1]. */
int64_t binomial_draw_prepared(rng *r, int64_t n, const binomial_p *bp);
int64_t binomial_draw(rng *r, int64_t n, double p);

/* Multinomial(n, p[0..k-1]) by conditional binomials; p need not sum to 1
 * exactly (it is normalised); out[0..k-1] sums to n. The caller owns out. */
void multinomial_draw(rng *r, int64_t n, const double *p, int k, int64_t *out);

#endif
