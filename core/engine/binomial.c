/* binomial.c - exact Binomial(n, p) and Multinomial variates, n <= 2^62.
 *
 *   P(X = k) = C(n, k) p^k (1 - p)^(n - k),   k = 0 .. n.
 *
 * The sampler draws with pp = min(p, 1 - p) and returns n - X when it
 * flipped (Binomial(n, 1 - p) = n - Binomial(n, p)), so both methods below
 * only see pp <= 1/2. With q = 1 - pp and r = pp / q, successive
 * probabilities obey f(k+1) = f(k) * (n - k) / (k + 1) * r.
 *
 * Small means, n * pp < BINOMIAL_INV_MAX_MEAN (binomial.h): inversion by
 * sequential search from 0 (algorithm BINV in Kachitvichyanukul and
 * Schmeiser, "Binomial random variate generation", CACM 31 (1988)
 * 216-222): start at f(0) = q^n = exp(n log q) and walk up the recurrence
 * until the uniform is used up; the expected number of terms is the mean
 * plus one. Two changes for speed, neither changing the result: a uniform
 * below 1 - n pp <= q^n returns 0 before the exp is computed, and the walk
 * takes four terms at a time without a branch per term.
 *
 * Large means: BTRD, transformed rejection with decomposition, from
 * W. Hoermann, "The generation of binomial random variates", J. Stat.
 * Comput. Simul. 46 (1993) 101-110. A uniform u is mapped through the
 * "transformed rejection" hat k = floor((2a / (1/2 - |u|) + b) u + c); for
 * |u| <= 0.43 (most draws) the point lies under the density for sure and is
 * returned at once, costing one uniform and one division. Otherwise the
 * point is checked against the density ratio f(k) / f(m) (m the mode),
 * exactly by the recurrence when |k - m| <= 15, else through a squeeze
 * around -(k-m)^2 / (2 n p q) and finally Stirling's formula with the
 * correction fc(k) = log k! - [(k + 1/2) log(k + 1) - (k + 1) + log(2 pi)/2]
 * (tabulated for k < 10, the series 1/12k' - 1/360k'^3 + 1/1260k'^5 with
 * k' = k + 1 beyond). The paper states BTRD for n * pp >= 10.
 *
 * Exactness for huge n: the mode m and the hat's centre are kept as an
 * int64 mode plus a small double offset (mode_offset), so k is never rounded
 * to the 2^-53 relative grid of a double near n; and the final Stirling test
 * is written with log1p of (k - m) / m-like ratios rather than logs of
 * ratios of rounded 2^62-sized numbers, whose rounding errors (times n + 1)
 * would swamp the test. Integer arithmetic stays within [0, n + 1].
 *
 * Tried and not kept (bench/binomial_bench.c's bench-6x9 mix, best of 5,
 * three alternating runs each, gcc 12 -O2 on the 2-core EPYC): neither
 * changed the mix's ns a draw beyond the run-to-run noise (+-10%).
 * - Sequential search from the mode outward (m, m+1, m-1, ...), f(m) by one
 *   exp of log-factorials from a 1024-entry table, eight terms a block with
 *   table reciprocals both ways: about 30 ns a draw from mean 5, 36-42 at
 *   20-28, 45-50 at 60-100, against 43-52 for inversion at 20-28 and 45-50
 *   for BTRD at 40-100 (n varying); the exp's latency and the mispredicted
 *   exit of the search set its floor. With f(m) as a product from f(0)
 *   instead of the table, 40 ns at mean 5: slower everywhere.
 * - Inversion eight terms a block with a one-multiply loop-carried chain:
 *   4-5 ns faster at means 3-10 alone, but no faster in the mix.
 * - (bench-6x9 itself, 5,000 runs, best CPU time of 5 alternating runs:
 *   0.96 s each way.) An inline e^y (a 64-entry 2^(j/64) table and a
 *   degree-5 polynomial, within 1 ulp) in place of libm's exp; the draw's
 *   zero test inlined into the engine's loop, the rest out of line; and a
 *   branch-free flip (n - k). The sampler's cost is the latency of its
 *   dependent operations and its data-dependent branches, not calls. */
#include <math.h>
#include "binomial.h"

/* Inversion gives up and restarts past this many terms: a uniform not used
 * up by then is rounding error in the running sum (for a mean up to 50 the
 * tail beyond 250 has probability below 1e-90). Also the table size. */
#define BINOMIAL_INV_KMAX 256

/* 1/k for k = 1 .. 256 (entry 0 unused): a multiply instead of a division
 * in the inversion's inner loop. */
#define INV1(k) (1.0 / (k))
#define INV8(k) INV1(k), INV1(k + 1), INV1(k + 2), INV1(k + 3), \
                INV1(k + 4), INV1(k + 5), INV1(k + 6), INV1(k + 7)
#define INV64(k) INV8(k), INV8(k + 8), INV8(k + 16), INV8(k + 24), \
                 INV8(k + 32), INV8(k + 40), INV8(k + 48), INV8(k + 56)
static const double reciprocal[BINOMIAL_INV_KMAX + 1] = {
    0.0, INV64(1), INV64(65), INV64(129), INV64(193)
};

/* fc(k) for k = 0 .. 9, as published with BTRD (Hoermann 1993, table). */
static const double stirling_fc_table[10] = {
    0.08106146679532726, 0.04134069595540929, 0.02767792568499834,
    0.02079067210376509, 0.01664469118982119, 0.01387612882307075,
    0.01189670994589177, 0.01041126526197209, 0.009255462182712733,
    0.008330563433362871
};

static double stirling_fc(int64_t k)
{
    if (k < 10)
        return stirling_fc_table[k];
    double k1 = (double)k + 1.0;
    double r2 = 1.0 / (k1 * k1);
    return (1.0 / 12 - (1.0 / 360 - r2 / 1260) * r2) / k1;
}

/* floor(x) as an integer for |x| < 2^62, without a libm call. */
static inline int64_t floor_i64(double x)
{
    int64_t i = (int64_t)x;
    return i - (x < (double)i);
}

void binomial_prepare(binomial_p *bp, double p)
{
    if (!(p > 0))
        p = 0;  /* also NaN */
    else if (p > 1)
        p = 1;
    bp->flip = p > 0.5;
    /* 1 - p is exact for p in [1/2, 1] (Sterbenz), so pp + q == 1. */
    bp->pp = bp->flip ? 1.0 - p : p;
    bp->q = 1.0 - bp->pp;
    bp->log_q = log1p(-bp->pp);
    bp->r = bp->pp / bp->q;
    bp->pq = bp->pp * bp->q;
}

/* Inversion's search for a mean n * pp below BINOMIAL_INV_MAX_MEAN, given
 * the first uniform u (not below 1 - mean), 1 / f(0) and (n + 1) r.
 * Search on the scale of f(0) = q^n: X is the least k with
 * w = u / q^n < S(k) = sum_{j <= k} f(j) / f(0), whose terms
 * P(k) = f(k) / f(0) follow the recurrence without q^n, so the sums
 * can be formed while the exp is still in flight. As -log q <= 2 pp
 * for pp <= 1/2, 1 / q^n <= e^(2 mean): far from overflow here.
 * The search goes four terms at a time and counts the sums not above
 * w without branching: a step-by-step loop mispredicts its exit on
 * almost every draw, which cost more than the arithmetic (about 25%
 * slower at means 2 to 8 on the development machine). */
static inline int64_t inversion_search(rng *g, int64_t n, double u, double inv_f0, double nr, double r)
{
    for (;;) {
        const double w = u * inv_f0;
        double P = 1.0, S = 1.0;
        int64_t k = 0;
        if (w < S)
            return 0;
        for (;;) {
            double g1 = nr * reciprocal[k + 1] - r, g2 = nr * reciprocal[k + 2] - r;
            double g3 = nr * reciprocal[k + 3] - r, g4 = nr * reciprocal[k + 4] - r;
            double P1 = P * g1, P2 = P1 * g2, P3 = P2 * g3, P4 = P3 * g4;
            double S1 = S + P1, S2 = S1 + P2, S3 = S2 + P3, S4 = S3 + P4;
            /* S increases up to k = n, so c is the place of the first sum
             * above w. Past n the terms vanish (the factor for k = n + 1
             * is 0); a w left over there is rounding error: start again. */
            int c = (w >= S1) + (w >= S2) + (w >= S3) + (w >= S4);
            if (c < 4) {
                k += 1 + c;
                if (k <= n)
                    return k;
                break;
            }
            k += 4;
            if (k > BINOMIAL_INV_KMAX - 4)  /* keeps reciprocal[k + 4] inside */
                break;
            P = P4;
            S = S4;
        }
        u = rng_uniform(g);
    }
}

/* Inversion's draws up to the search: Bernoulli's inequality q^n >= 1 - n
 * pp lets a uniform below 1 - mean give 0 without computing q^n (for the
 * tiny means of nearly empty cells, a third of the reference benchmark's
 * draws, this skips the exp almost every time); for n = 1 (a cell with one
 * person left, common late in a run) 1 - mean is q itself (computed the
 * same way), so the rest is X = 1. Returns -1 for "search". */
static inline int64_t inversion_start(rng *g, int64_t n, double mean, double *u)
{
    *u = rng_uniform(g);
    if (*u < 1.0 - mean)
        return 0;
    return n == 1 ? 1 : -1;
}

/* Inversion for a mean n * pp below BINOMIAL_INV_MAX_MEAN. */
static int64_t binomial_inversion(rng *g, int64_t n, const binomial_p *bp)
{
    double u;
    int64_t k = inversion_start(g, n, (double)n * bp->pp, &u);
    if (k >= 0)
        return k;
    return inversion_search(g, n, u, exp(-(double)n * bp->log_q), ((double)n + 1.0) * bp->r, bp->r);
}

/* The mode m = floor((n + 1) pp) and cm = n pp + 1/2 - m, the offset of
 * BTRD's centre c = n pp + 1/2 from m, accurate to about 2^-20 even for
 * n near 2^62 (a plain double product would be off by up to 2^8 there). */
static void mode_offset(int64_t n, double p, int64_t *m, double *cm)
{
    int64_t n1 = n + 1;
    double frac;
    if (n1 <= (INT64_C(1) << 53)) {
        double y = (double)n1 * p;
        *m = (int64_t)y;  /* y >= 0: truncation is floor, no libm call */
        frac = y - (double)*m;
    } else {
        /* (n + 1) p = hi p 2^32 + lo p; hi p = ph + eh exactly (fma). */
        double hi = (double)(n1 >> 32), lo = (double)(n1 & 0xffffffff);
        double ph = hi * p;
        double eh = fma(hi, p, -ph);
        double big = ph * 0x1p32;
        double bw = floor(big);
        double rest = (big - bw) + eh * 0x1p32 + lo * p;
        double rw = floor(rest);
        *m = (int64_t)bw + (int64_t)rw;
        frac = rest - rw;
    }
    *cm = frac - p + 0.5;
}

/* log(f(k) / f(m)) by Stirling's formula with the fc correction; the
 * paper's form h + (n+1) log(nm/nk) + (k+1/2) log(nk r/(k+1)) - fc(k) -
 * fc(n-k), rearranged around d = k - m so that no large term is the log of
 * a ratio of two rounded numbers near n. */
static double btrd_log_ratio(int64_t n, int64_t m, int64_t k, double r)
{
    double d = (double)(k - m);
    double nm = (double)(n - m) + 1.0;
    double nk = (double)(n - k) + 1.0;
    return -((double)m + 0.5) * log1p(d / ((double)m + 1.0))
           - (nm - 0.5) * log1p(-d / nm)
           + d * log(nk * r / ((double)k + 1.0))
           + stirling_fc(m) + stirling_fc(n - m)
           - stirling_fc(k) - stirling_fc(n - k);
}

/* BTRD's constants for one n: those every draw needs, then (alpha != 0)
 * those of the slow path, set on its first trip. */
static inline void btrd_setup(binomial_np *c, int64_t n, const binomial_p *bp)
{
    const double p = bp->pp;
    mode_offset(n, p, &c->m, &c->cm);
    c->npq = (double)n * bp->pq;
    c->spq = sqrt(c->npq);
    c->b = 1.15 + 2.53 * c->spq;
    c->a = -0.0873 + 0.0248 * c->b + 0.01 * p;
    /* The paper's v_r = 0.92 - 4.2 / b is kept as D / b with D > 0 (b >= 6.8
     * for n p q >= 5), so the branch below needs no division: the
     * quick-acceptance test v <= 0.86 v_r is v b <= 0.86 D. */
    c->D = 0.92 * c->b - 4.2;
    c->fast_limit = 0.86 * c->D;
    c->alpha = c->nr = c->v_r = c->inv_vr = 0.0;   /* set on the slow path's first trip */
}

static inline void btrd_setup_slow(binomial_np *c, int64_t n, const binomial_p *bp)
{
    c->alpha = (2.83 + 5.1 / c->b) * c->spq;
    c->nr = ((double)n + 1.0) * bp->r;
    c->v_r = c->D / c->b;
    c->inv_vr = c->b / c->D;
}

/* BTRD for n * pp >= BINOMIAL_INV_MAX_MEAN (>= 10), from its constants.
 * Inlined where it is called: a call's saving and restoring of registers
 * was a fifth of a cached draw's instructions. */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline int64_t btrd_draw(rng *g, int64_t n, binomial_np *c, const binomial_p *bp)
{
    const double r = bp->r, b = c->b, a = c->a, D = c->D, cm = c->cm, npq = c->npq;
    const int64_t m = c->m;
    for (;;) {
        double v = rng_uniform(g);
        double vb = v * b;
        double u;
        int64_t k;
        if (vb <= c->fast_limit) {
            /* u = v / v_r - 0.43 = N / D and us = 1/2 - |u| = E / D, so the
             * hat (2a / us + b) u = 2a N / E + b N / D: two divisions that
             * run side by side instead of one after the other. */
            double N = vb - 0.43 * D;
            double E = 0.5 * D - fabs(N);
            k = m + floor_i64(2.0 * a * N / E + b * N / D + cm);
            /* Inside [0, n] by construction for n pp >= 10; the check
             * guards against rounding only and is always predicted. */
            if ((uint64_t)k <= (uint64_t)n)
                return k;
            continue;
        }
        if (c->alpha == 0.0)
            btrd_setup_slow(c, n, bp);
        const double v_r = c->v_r, nr = c->nr;
        double w = v * c->inv_vr;  /* v / v_r */
        if (w >= 1.0) {
            u = rng_uniform(g) - 0.5;
        } else {
            u = w - 0.93;
            u = (u < 0 ? -0.5 : 0.5) - u;
            v = rng_uniform(g) * v_r;
        }
        double us = 0.5 - fabs(u);
        k = m + floor_i64((2.0 * a / us + b) * u + cm);
        if ((uint64_t)k > (uint64_t)n)
            continue;
        v = v * c->alpha / (a / (us * us) + b);
        int64_t km = k >= m ? k - m : m - k;
        if (km <= 15) {
            /* f(k) / f(m) by the recurrence, multiplied out exactly. */
            double f = 1.0;
            int64_t lo = m < k ? m : k, hi = m < k ? k : m;
            double prod = 1.0;
            if (hi <= BINOMIAL_INV_KMAX) {  /* multiply by 1/i from the table */
                for (int64_t i = lo + 1; i <= hi; i++)
                    prod *= nr * reciprocal[i] - r;
            } else {
                for (int64_t i = lo + 1; i <= hi; i++)
                    prod *= nr / (double)i - r;
            }
            /* prod = f(hi) / f(lo): goes on f(k) when k is above the mode,
             * on v when below (so that v <= f(k) / f(m) needs no division). */
            if (m < k)
                f = prod;
            else
                v *= prod;
            if (v <= f)
                return k;
            continue;
        }
        /* Squeeze: log(f(k)/f(m)) lies within rho of t. */
        double lv = log(v);
        double kmd = (double)km;
        double rho = (kmd / npq) * (((kmd / 3.0 + 0.625) * kmd + 1.0 / 6.0) / npq + 0.5);
        double t = -kmd * kmd / (2.0 * npq);
        if (lv < t - rho)
            return k;
        if (lv > t + rho)
            continue;
        if (lv <= btrd_log_ratio(n, m, k, r))
            return k;
    }
}

static int64_t binomial_btrd(rng *g, int64_t n, const binomial_p *bp)
{
    binomial_np c;
    btrd_setup(&c, n, bp);
    return btrd_draw(g, n, &c, bp);
}

int64_t binomial_draw_prepared(rng *g, int64_t n, const binomial_p *bp)
{
    if (n <= 0)
        return 0;
    if (bp->pp == 0.0)
        return bp->flip ? n : 0;
    int64_t k = (double)n * bp->pp < BINOMIAL_INV_MAX_MEAN
              ? binomial_inversion(g, n, bp)
              : binomial_btrd(g, n, bp);
    return bp->flip ? n - k : k;
}

int64_t binomial_draw(rng *g, int64_t n, double p)
{
    binomial_p bp;
    binomial_prepare(&bp, p);
    return binomial_draw_prepared(g, n, &bp);
}

/* A cache entry's constants for n. */
static void prepare_n(binomial_np *c, int64_t n, const binomial_p *bp)
{
    c->n = n;
    c->mean = (double)n * bp->pp;
    if (n <= 0 || bp->pp == 0.0) {
        c->method = BINOMIAL_NP_NONE;
    } else if (c->mean < BINOMIAL_INV_MAX_MEAN) {
        c->method = BINOMIAL_NP_INVERSION;
        c->inv_f0 = exp(-(double)n * bp->log_q);
        c->nr = ((double)n + 1.0) * bp->r;
    } else {
        c->method = BINOMIAL_NP_BTRD;
        btrd_setup(c, n, bp);
        btrd_setup_slow(c, n, bp);
    }
}

/* Inversion from prepared constants, out of line: its registers would
 * burden the BTRD draws it sits beside. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static int64_t inversion_np(rng *g, const binomial_np *c, const binomial_p *bp)
{
    double u;
    int64_t k = inversion_start(g, c->n, c->mean, &u);
    return k >= 0 ? k : inversion_search(g, c->n, u, c->inv_f0, c->nr, bp->r);
}

int64_t binomial_draw_cached(rng *g, int64_t n, const binomial_p *bp, binomial_np *cache)
{
    if (n <= 0 || bp->pp == 0.0)
        return n <= 0 ? 0 : bp->flip ? n : 0;
    binomial_np *c = &cache[n & (BINOMIAL_NP_CACHE - 1)];
    if (c->n != n)
        prepare_n(c, n, bp);
    int64_t k = c->method == BINOMIAL_NP_BTRD ? btrd_draw(g, n, c, bp) : inversion_np(g, c, bp);
    return bp->flip ? n - k : k;
}

/* The weights of the parts after each one, and the last positive part. */
static double multinomial_total(const double *p, int k, int *last)
{
    double total = 0.0;
    *last = -1;
    for (int i = 0; i < k; i++) {
        if (p[i] > 0) {  /* false for NaN too */
            total += p[i];
            *last = i;
        }
    }
    return total;
}

/* Part i, given the parts before it, is Binomial(left, p[i] / rest) with
 * rest the weight of parts i..k-1; rounding in rest can only push the
 * ratio to 1, where it is clamped. The last positive part gets exactly 1
 * (the remainder, drawn without a random number), later parts 0. */
void multinomial_prepare(binomial_p *cond, const double *p, int k)
{
    int last;
    double rest = multinomial_total(p, k, &last);
    for (int i = 0; i < k; i++) {
        double c = 0.0;
        if (i == last)
            c = 1.0;
        else if (i < last && p[i] > 0) {
            c = p[i] < rest ? p[i] / rest : 1.0;
            rest -= p[i];
        }
        binomial_prepare(&cond[i], c);
    }
}

void multinomial_draw_prepared(rng *g, int64_t n, const binomial_p *cond,
                               int k, int64_t *out)
{
    int64_t left = n > 0 ? n : 0;
    for (int i = 0; i < k; i++) {
        /* p = 0 and left = 0 draw nothing; p = 1 takes the remainder. */
        int64_t x = binomial_draw_prepared(g, left, &cond[i]);
        out[i] = x;
        left -= x;
    }
}

/* The same draws as multinomial_prepare + multinomial_draw_prepared, one
 * part at a time, without an array of k prepared probabilities. */
void multinomial_draw(rng *g, int64_t n, const double *p, int k, int64_t *out)
{
    int last;
    double rest = multinomial_total(p, k, &last);
    int64_t left = n > 0 ? n : 0;
    for (int i = 0; i < k; i++) {
        int64_t x = 0;
        if (i == last)
            x = left;
        else if (i < last && p[i] > 0) {
            x = binomial_draw(g, left, p[i] < rest ? p[i] / rest : 1.0);
            rest -= p[i];
        }
        out[i] = x;
        left -= x;
    }
}
