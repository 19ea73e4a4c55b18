/* test_binomial.c - the exact binomial and multinomial samplers: edge cases
 * that must not consume random numbers, mean and variance within 5 standard
 * errors from n = 1 to n = 2^62 and p from 1e-18 to 0.999, chi-square
 * goodness of fit on both methods (inversion and BTRD), and multinomial
 * parts that sum to n with the right means. Fixed seeds: deterministic. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>
#include "assert_double.h"
#include "engine/binomial.h"

static int same_state(const rng *a, const rng *b)
{
    return memcmp(a->s, b->s, sizeof a->s) == 0;
}

/* p == 0, p == 1 and n == 0 are answered without drawing; so are rates
 * outside [0, 1] (clamped) and NaN (taken as 0). */
static void test_edges_draw_nothing(void **state)
{
    (void)state;
    rng r, before;
    rng_seed(&r, 1, 1);
    before = r;
    assert_true(binomial_draw(&r, 1000, 0.0) == 0);
    assert_true(binomial_draw(&r, 1000, 1.0) == 1000);
    assert_true(binomial_draw(&r, 0, 0.5) == 0);
    assert_true(binomial_draw(&r, 0, 1.0) == 0);
    assert_true(binomial_draw(&r, -5, 0.5) == 0);
    assert_true(binomial_draw(&r, INT64_C(1) << 62, 1.0) == INT64_C(1) << 62);
    assert_true(binomial_draw(&r, INT64_C(1) << 62, 0.0) == 0);
    assert_true(binomial_draw(&r, 7, -0.25) == 0);
    assert_true(binomial_draw(&r, 7, 1.5) == 7);
    assert_true(binomial_draw(&r, 7, NAN) == 0);
    assert_true(same_state(&r, &before));

    binomial_p bp;
    binomial_prepare(&bp, 0.75);
    assert_int_equal(bp.flip, 1);
    assert_double(bp.pp, 0.25, 0.0);
    assert_double(bp.q, 0.75, 0.0);
    assert_double(bp.r, 1.0 / 3.0, 1e-16);
}

/* n == 1 is a Bernoulli trial: P(1) = p within 5 sigma, flipped or not. */
static void test_n_one(void **state)
{
    (void)state;
    const double ps[] = {0.3, 0.7, 1e-3};
    const int draws = 200000;
    rng r;
    rng_seed(&r, 2, 0);
    for (int j = 0; j < 3; j++) {
        int ones = 0;
        for (int i = 0; i < draws; i++) {
            int64_t x = binomial_draw(&r, 1, ps[j]);
            assert_true(x == 0 || x == 1);
            ones += (int)x;
        }
        assert_double((double)ones / draws, ps[j],
                      5 * sqrt(ps[j] * (1 - ps[j]) / draws));
    }
}

/* Draws `draws` variates of Binomial(n, p), checks each is in [0, n], and
 * checks the sample mean and the sample variance within 5 standard errors:
 * se(mean) = sqrt(npq / N), se(var) = sqrt((mu4 - s^4 (N-3)/(N-1)) / N)
 * with the binomial's fourth central moment mu4 = npq (1 + 3 (n-2) pq).
 * Deviations are taken from an integer centre in int64 so that values
 * near 2^62 lose nothing before they are squared. */
static void check_moments(uint64_t seed, int64_t n, double p, int draws)
{
    rng r;
    rng_seed(&r, seed, (uint64_t)n);
    binomial_p bp;
    binomial_prepare(&bp, p);
    /* n p and n p q in long double would not be portable; a double carries
     * 53 bits, enough for a mean known to within its standard error. */
    double mean = (double)n * p, q = 1 - p;
    double var = mean * q;
    int64_t centre = (int64_t)mean;
    double shift = mean - (double)centre;  /* true mean minus the centre */
    double sum = 0, sum2 = 0;
    for (int i = 0; i < draws; i++) {
        int64_t x = binomial_draw_prepared(&r, n, &bp);
        assert_true(x >= 0 && x <= n);
        double d = (double)(x - centre);
        sum += d;
        sum2 += d * d;
    }
    double m = sum / draws;
    double s2 = (sum2 - draws * m * m) / (draws - 1);
    double se_mean = sqrt(var / draws);
    /* For n near 2^62 the centre itself carries the rounding of n p, up to
     * 2^9; allow it on top of 5 standard errors (it is ~1e-6 of them). */
    double slack = n > (INT64_C(1) << 53) ? ldexp(mean, -52) : 0.0;
    if (!(fabs(m - shift) <= 5 * se_mean + slack))
        fail_msg("n=%lld p=%g: mean %.10g, want %.10g +- %.3g",
                 (long long)n, p, m + (double)centre, mean, 5 * se_mean);
    double mu4 = var * (1 + 3 * ((double)n - 2) * p * q);
    double se_var = sqrt((mu4 - var * var * (draws - 3.0) / (draws - 1.0)) / draws);
    if (!(fabs(s2 - var) <= 5 * se_var))
        fail_msg("n=%lld p=%g: variance %.10g, want %.10g +- %.3g",
                 (long long)n, p, s2, var, 5 * se_var);
}

/* Which method a case exercises: inversion below BINOMIAL_INV_MAX_MEAN,
 * BTRD from it on (binomial.h). The cases below assert their side so that
 * a retuned threshold cannot quietly leave a method untested. */
static int uses_btrd(int64_t n, double p)
{
    double pp = p < 0.5 ? p : 1 - p;
    return (double)n * pp >= BINOMIAL_INV_MAX_MEAN;
}

static void test_moments_small_n(void **state)
{
    (void)state;
    /* Just below and at the switch, p = 1/2. */
    const int64_t below = (int64_t)(2 * BINOMIAL_INV_MAX_MEAN) - 1;
    assert_false(uses_btrd(below, 0.5));
    assert_true(uses_btrd(below + 1, 0.5));
    check_moments(1, below, 0.5, 200000);
    check_moments(1, below + 1, 0.5, 200000);
    check_moments(1, 10, 0.3, 200000);     /* inversion */
    check_moments(1, 100, 0.999, 200000);  /* flipped inversion */
    check_moments(1, 3000, 0.001, 200000); /* mean 3 */
    check_moments(1, 50, 0.3, 200000);
    assert_true(uses_btrd(100, 0.3));
    check_moments(1, 100, 0.3, 200000);    /* BTRD, small n p q */
    check_moments(1, 1000, 0.4, 200000);
    check_moments(1, 7000, 0.1, 200000);
}

static void test_moments_large_n(void **state)
{
    (void)state;
    const int64_t e12 = INT64_C(1000000000000);
    check_moments(2, e12, 1e-9, 100000);    /* mean 1000, BTRD */
    check_moments(2, e12, 1e-12, 100000);   /* mean 1, inversion */
    check_moments(2, e12, 1e-3, 100000);
    check_moments(2, e12, 0.5, 100000);
    check_moments(2, e12, 0.999, 100000);
    check_moments(2, INT64_C(1000000000), 1e-9, 100000);  /* mean 1 */
    check_moments(2, INT64_C(1000000), 0.5, 100000);
}

/* n = 2^62: no overflow, results in [0, n], moments right. */
static void test_moments_two_to_62(void **state)
{
    (void)state;
    const int64_t n = INT64_C(1) << 62;
    check_moments(3, n, 0.5, 50000);
    check_moments(3, n, 1e-9, 50000);
    check_moments(3, n, 1e-18, 50000);      /* mean 4.6, inversion */
    check_moments(3, n, 0.999, 50000);
    check_moments(3, n - 1, 0.3, 50000);
    check_moments(3, n, ldexp(1.0, -62), 50000);  /* mean 1 */
}

static double chi2_q9999(double df);

/* Near 2^62 a double has a grid of 2^9, so a sampler that forms k in
 * double precision would only return a few residues mod 512. The low bits
 * of exact draws are uniform: chi-square of x mod 256 on 255 df. */
static void test_low_bits_at_two_to_62(void **state)
{
    (void)state;
    const int64_t n = INT64_C(1) << 62;
    const double ps[] = {0.5, 0.3, 0.999};
    const int draws = 51200;
    rng r;
    rng_seed(&r, 11, 0);
    for (int j = 0; j < 3; j++) {
        long count[256] = {0};
        for (int i = 0; i < draws; i++)
            count[binomial_draw(&r, n, ps[j]) & 255]++;
        double e = draws / 256.0, stat = 0;
        for (int b = 0; b < 256; b++)
            stat += (count[b] - e) * (count[b] - e) / e;
        if (!(stat < chi2_q9999(255)))
            fail_msg("p=%g: low bits chi-square %.1f", ps[j], stat);
    }
}

/* The upper 0.9999 quantile of chi-square with df degrees of freedom by
 * Wilson and Hilferty's cube-root approximation (good to ~1% for df >= 5,
 * far below the margin a broken sampler produces). */
static double chi2_q9999(double df)
{
    const double z = 3.7190164854556804;  /* standard normal 0.9999 quantile */
    double h = 2.0 / (9.0 * df);
    double c = 1.0 - h + z * sqrt(h);
    return df * c * c * c;
}

static double log_pmf(int64_t n, int64_t k, double p)
{
    return lgamma((double)n + 1) - lgamma((double)k + 1)
           - lgamma((double)(n - k) + 1) + (double)k * log(p)
           + (double)(n - k) * log1p(-p);
}

/* Pearson's chi-square of `draws` variates of Binomial(n, p) against the
 * exact probabilities, adjacent values merged (from each end inwards) until
 * every bin expects at least 5. Returns the statistic; *df gets bins - 1. */
static double chi_square(uint64_t seed, int64_t n, double p, int draws, int *df)
{
    static long count[20001];
    static double expect[20001];
    assert_true(n <= 20000);
    memset(count, 0, sizeof count);
    rng r;
    rng_seed(&r, seed, 0);
    binomial_p bp;
    binomial_prepare(&bp, p);
    for (int i = 0; i < draws; i++) {
        int64_t x = binomial_draw_prepared(&r, n, &bp);
        assert_true(x >= 0 && x <= n);
        count[x]++;
    }
    for (int64_t k = 0; k <= n; k++)
        expect[k] = draws * exp(log_pmf(n, k, p));
    /* Merge the lower tail into the first bin reaching 5, the upper tail
     * likewise, then walk the middle closing a bin whenever it reaches 5. */
    double stat = 0, e = 0;
    long o = 0;
    int bins = 0;
    for (int64_t k = 0; k <= n; k++) {
        e += expect[k];
        o += count[k];
        /* Close the bin when it is big enough and what is left is too. */
        double left = 0;
        for (int64_t j = k + 1; j <= n && left < 5; j++)
            left += expect[j];
        if (e >= 5 && (left >= 5 || k == n)) {
            stat += (o - e) * (o - e) / e;
            bins++;
            e = 0;
            o = 0;
        }
    }
    if (e > 0 || o > 0) {  /* only if everything expected < 5: not here */
        stat += (o - e) * (o - e) / (e > 0 ? e : 1e-300);
        bins++;
    }
    *df = bins - 1;
    return stat;
}

static void check_fit(uint64_t seed, int64_t n, double p, int draws)
{
    int df;
    double stat = chi_square(seed, n, p, draws, &df);
    assert_true(df >= 5);
    double limit = chi2_q9999(df);
    if (!(stat < limit))
        fail_msg("n=%lld p=%g: chi-square %.2f on %d df above %.2f",
                 (long long)n, p, stat, df, limit);
}

static void test_fit_inversion(void **state)
{
    (void)state;
    assert_false(uses_btrd(90, 0.3));
    assert_false(uses_btrd(200, 0.9));
    check_fit(4, 30, 0.3, 1000000);    /* mean 9 */
    check_fit(4, 50, 0.1, 1000000);    /* mean 5 */
    check_fit(4, 12, 0.8, 1000000);    /* flipped, mean of pp 2.4 */
    check_fit(4, 90, 0.3, 1000000);    /* mean 27: many rounds of the search */
    check_fit(4, 200, 0.9, 1000000);   /* flipped, mean of pp 20 */
}

/* BTRD: small n p q (where the slow path runs most), the paper's
 * |k - m| > 15 squeeze and Stirling tests (n = 1000: sigma 15.5), a
 * flipped case, and a wide one. */
static void test_fit_btrd(void **state)
{
    (void)state;
    assert_true(uses_btrd(100, 0.3));
    assert_true(uses_btrd(350, 0.9));
    check_fit(5, 100, 0.3, 3000000);
    check_fit(5, 1000, 0.4, 3000000);
    check_fit(5, 350, 0.9, 3000000);
    check_fit(5, 20000, 0.5, 3000000);
}

/* A test that could not fail would prove nothing: the same statistic on a
 * sampler off by one probability unit in 1000 must exceed the limit. Here
 * the draws of Binomial(1000, 0.4) are judged against p = 0.41. */
static void test_fit_detects_wrong_p(void **state)
{
    (void)state;
    static long count[1001];
    rng r;
    rng_seed(&r, 6, 0);
    memset(count, 0, sizeof count);
    for (int i = 0; i < 200000; i++)
        count[binomial_draw(&r, 1000, 0.4)]++;
    double stat = 0, e = 0;
    long o = 0;
    int bins = 0;
    for (int k = 0; k <= 1000; k++) {
        e += 200000 * exp(log_pmf(1000, k, 0.41));
        o += count[k];
        if (e >= 5) {
            stat += (o - e) * (o - e) / e;
            bins++;
            e = 0;
            o = 0;
        }
    }
    assert_true(stat > 10 * chi2_q9999(bins - 1));
}

/* Same seed, same draws; the generator state is the only state. */
static void test_reproducible(void **state)
{
    (void)state;
    rng a, b;
    rng_seed(&a, 9, 9);
    rng_seed(&b, 9, 9);
    for (int i = 0; i < 1000; i++) {
        int64_t n = (int64_t)i * 37 + 1;
        assert_true(binomial_draw(&a, n, 0.3) == binomial_draw(&b, n, 0.3));
    }
}

static void test_multinomial_sums_and_means(void **state)
{
    (void)state;
    const double p[5] = {0.1, 0.0, 0.6, 0.3, 0.0};
    const int64_t n = 1000;
    const int draws = 100000;
    double sum[5] = {0};
    rng r;
    rng_seed(&r, 7, 0);
    for (int i = 0; i < draws; i++) {
        int64_t out[5];
        multinomial_draw(&r, n, p, 5, out);
        assert_true(out[0] + out[1] + out[2] + out[3] + out[4] == n);
        assert_true(out[1] == 0 && out[4] == 0);
        for (int j = 0; j < 5; j++) {
            assert_true(out[j] >= 0);
            sum[j] += (double)out[j];
        }
    }
    for (int j = 0; j < 5; j++) {
        double m = n * p[j];
        assert_double(sum[j] / draws, m, 5 * sqrt(m * (1 - p[j]) / draws) + 1e-12);
    }
}

/* Weights need not sum to 1; huge n still sums exactly. */
static void test_multinomial_unnormalised_huge(void **state)
{
    (void)state;
    const double w[4] = {2.0, 1.0, 0.0, 1.0};  /* 1/2, 1/4, 0, 1/4 */
    const int64_t n = INT64_C(1) << 62;
    const int draws = 20000;
    double dev[4] = {0};
    rng r;
    rng_seed(&r, 8, 0);
    for (int i = 0; i < draws; i++) {
        int64_t out[4];
        multinomial_draw(&r, n, w, 4, out);
        assert_true(out[2] == 0);
        assert_true(out[0] + out[1] + out[3] == n);
        dev[0] += (double)(out[0] - n / 2);
        dev[1] += (double)(out[1] - n / 4);
        dev[3] += (double)(out[3] - n / 4);
    }
    assert_double(dev[0] / draws, 0, 5 * sqrt(n * 0.25 / draws));
    assert_double(dev[1] / draws, 0, 5 * sqrt(n * 0.1875 / draws));
    assert_double(dev[3] / draws, 0, 5 * sqrt(n * 0.1875 / draws));
}

/* One positive part takes everything without a draw; n == 0 draws
 * nothing; all-zero weights give all zeros. */
static void test_multinomial_no_draws(void **state)
{
    (void)state;
    rng r, before;
    rng_seed(&r, 10, 0);
    before = r;
    int64_t out[3] = {-1, -1, -1};
    const double one[3] = {0.0, 0.4, 0.0};
    multinomial_draw(&r, 500, one, 3, out);
    assert_true(out[0] == 0 && out[1] == 500 && out[2] == 0);
    const double all[3] = {0.2, 0.3, 0.5};
    multinomial_draw(&r, 0, all, 3, out);
    assert_true(out[0] == 0 && out[1] == 0 && out[2] == 0);
    const double none[3] = {0.0, 0.0, 0.0};
    multinomial_draw(&r, 9, none, 3, out);
    assert_true(out[0] == 0 && out[1] == 0 && out[2] == 0);
    assert_true(same_state(&r, &before));
    /* Two parts: exactly one binomial draw (one or more uniforms). */
    const double two[2] = {0.5, 0.5};
    multinomial_draw(&r, 9, two, 2, out);
    assert_true(out[0] + out[1] == 9);
    assert_false(same_state(&r, &before));
}

/* The prepared split draws exactly what multinomial_draw draws, and
 * zero weights anywhere (first, middle, last) are skipped. */
static void test_multinomial_prepared_same_draws(void **state)
{
    (void)state;
    const double w[6] = {0.0, 0.25, 0.0, 0.5, 0.25, 0.0};
    binomial_p cond[6];
    multinomial_prepare(cond, w, 6);
    assert_double((cond[0].flip ? 1.0 - cond[0].pp : cond[0].pp), 0.0, 0.0);
    assert_double((cond[1].flip ? 1.0 - cond[1].pp : cond[1].pp), 0.25, 1e-15);
    assert_double((cond[3].flip ? 1.0 - cond[3].pp : cond[3].pp), 0.5 / 0.75, 1e-15);
    assert_double((cond[4].flip ? 1.0 - cond[4].pp : cond[4].pp), 1.0, 0.0);
    assert_double((cond[5].flip ? 1.0 - cond[5].pp : cond[5].pp), 0.0, 0.0);
    rng a, b;
    rng_seed(&a, 12, 0);
    rng_seed(&b, 12, 0);
    for (int i = 0; i < 20000; i++) {
        int64_t n = (int64_t)(i % 300) * (i % 7 == 0 ? 1000 : 1);
        int64_t x[6], y[6];
        multinomial_draw(&a, n, w, 6, x);
        multinomial_draw_prepared(&b, n, cond, 6, y);
        assert_memory_equal(x, y, sizeof x);
        assert_true(x[0] == 0 && x[2] == 0 && x[5] == 0);
        assert_true(x[1] + x[3] + x[4] == n);
    }
    assert_true(same_state(&a, &b));
}

/* Draws through the particle filter's cache of constants by n
 * (binomial_draw_cached) are binomial_draw_prepared's, draw for draw, on
 * both sides of the inversion / BTRD threshold, flipped or not, at the
 * edges (n 0 and 1, p 0 and 1) and up to n = 2^62; an entry serves many
 * draws. */
static void test_draw_cached_same_draws(void **state)
{
    (void)state;
    const double ps[] = {0.0, 1e-6, 0.003, 0.08, 0.25, 0.5, 0.61, 0.97, 1.0};
    const int64_t ns[] = {0, 1, 2, 9, 40, 150, 1999, 123456, INT64_C(1) << 40, INT64_C(1) << 62};
    static binomial_np cache[BINOMIAL_NP_CACHE];
    for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++)
        for (size_t j = 0; j < sizeof ns / sizeof ns[0]; j++) {
            binomial_p bp;
            binomial_prepare(&bp, ps[i]);
            for (int e = 0; e < BINOMIAL_NP_CACHE; e++)   /* a new p: a new cache */
                cache[e].n = -1;
            rng a, c;
            rng_seed(&a, 5, i * 100 + j);
            rng_seed(&c, 5, i * 100 + j);
            for (int k = 0; k < 2000; k++) {
                int64_t x = binomial_draw_prepared(&a, ns[j], &bp);
                assert_int_equal(x, binomial_draw_cached(&c, ns[j], &bp, cache));
            }
            assert_true(same_state(&a, &c));
        }
    /* The cache keeps one n per entry: counts that share low bits take
     * turns, drawing the same as without it. */
    binomial_p bp;
    binomial_prepare(&bp, 0.3);
    for (int e = 0; e < BINOMIAL_NP_CACHE; e++)
        cache[e].n = -1;
    rng a, c;
    rng_seed(&a, 8, 1);
    rng_seed(&c, 8, 1);
    for (int k = 0; k < 20000; k++) {
        int64_t n = 10 + (k * 37) % 500;
        assert_int_equal(binomial_draw_prepared(&a, n, &bp), binomial_draw_cached(&c, n, &bp, cache));
    }
    assert_true(same_state(&a, &c));
}

/* rng_seed in two parts is rng_seed. */
static void test_seed_keyed(void **state)
{
    (void)state;
    for (uint64_t s = 0; s < 50; s++) {
        rng a, b;
        rng_seed(&a, 77 + s * 1000003, s * s);
        rng_seed_keyed(&b, rng_seed_key(77 + s * 1000003), s * s);
        assert_true(same_state(&a, &b));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_edges_draw_nothing),
        cmocka_unit_test(test_n_one),
        cmocka_unit_test(test_moments_small_n),
        cmocka_unit_test(test_moments_large_n),
        cmocka_unit_test(test_moments_two_to_62),
        cmocka_unit_test(test_low_bits_at_two_to_62),
        cmocka_unit_test(test_fit_inversion),
        cmocka_unit_test(test_fit_btrd),
        cmocka_unit_test(test_fit_detects_wrong_p),
        cmocka_unit_test(test_reproducible),
        cmocka_unit_test(test_multinomial_sums_and_means),
        cmocka_unit_test(test_multinomial_unnormalised_huge),
        cmocka_unit_test(test_multinomial_no_draws),
        cmocka_unit_test(test_multinomial_prepared_same_draws),
        cmocka_unit_test(test_draw_cached_same_draws),
        cmocka_unit_test(test_seed_keyed),
    };
    return cmocka_run_group_tests_name("binomial", tests, NULL, NULL);
}
