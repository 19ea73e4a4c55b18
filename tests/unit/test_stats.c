/* test_stats.c - quantiles, mean and sd, mid-ranks, Spearman and
 * PRCC against numbers worked out by hand (see the comments). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>

#include "assert_double.h"
#include "util/stats.h"

/* Type 7 over 1..10: h = 9p. p5: h = 0.45 -> 1.45; p50: h = 4.5 -> 5.5;
 * p95: h = 8.55 -> 9.55; p0 and p100 are the extremes. */
static void test_quantiles_type7(void **state)
{
    (void)state;
    double x[10] = {7, 3, 10, 1, 5, 2, 9, 4, 8, 6};
    stats_sort(x, 10);
    for (int i = 0; i < 10; i++)
        assert_double(x[i], i + 1, 0);
    assert_double(stats_quantile_sorted(x, 10, 0.05), 1.45, 1e-12);
    assert_double(stats_quantile_sorted(x, 10, 0.5), 5.5, 1e-12);
    assert_double(stats_quantile_sorted(x, 10, 0.95), 9.55, 1e-12);
    assert_double(stats_quantile_sorted(x, 10, 0), 1, 0);
    assert_double(stats_quantile_sorted(x, 10, 1), 10, 0);
    /* One value: every quantile is that value; two: linear between. */
    double one = 42;
    assert_double(stats_quantile_sorted(&one, 1, 0.05), 42, 0);
    double two[2] = {10, 20};
    assert_double(stats_quantile_sorted(two, 2, 0.95), 19.5, 1e-12);
    assert_true(isnan(stats_quantile_sorted(x, 0, 0.5)));
}

/* {2,4,4,4,5,5,7,9}: mean 5, squared deviations add to 32, sd = sqrt(32/7). */
static void test_mean_sd(void **state)
{
    (void)state;
    double x[8] = {2, 4, 4, 4, 5, 5, 7, 9}, m, sd;
    stats_mean_sd(x, 8, &m, &sd);
    assert_double(m, 5, 0);
    assert_double(sd, sqrt(32.0 / 7.0), 1e-15);
    stats_mean_sd(x, 1, &m, &sd);
    assert_double(m, 2, 0);
    assert_double(sd, 0, 0);
}

static void test_ranks_ties(void **state)
{
    (void)state;
    double x[6] = {10, 20, 20, 5, 20, -1}, r[6];
    stats_pair scratch[6];
    stats_ranks(x, 6, r, scratch);
    /* -1 -> 1, 5 -> 2, 10 -> 3, the three 20s share ranks 4,5,6 -> 5. */
    double want[6] = {3, 5, 5, 2, 5, 1};
    for (int i = 0; i < 6; i++)
        assert_double(r[i], want[i], 0);
}

/* x = 1..5, y = {5,6,7,8,7}: ranks of y {1,2,3.5,5,3.5}; deviations
 * from 3: x {-2,-1,0,1,2}, y {-2,-1,0.5,2,0.5}; sxy = 8, sxx = 10,
 * syy = 9.5, Spearman = 8 / sqrt(95). */
static void test_spearman(void **state)
{
    (void)state;
    double x[5] = {1, 2, 3, 4, 5}, y[5] = {5, 6, 7, 8, 7}, rx[5], ry[5];
    stats_pair sc[5];
    stats_ranks(x, 5, rx, sc);
    stats_ranks(y, 5, ry, sc);
    assert_double(stats_pearson(rx, ry, 5), 8 / sqrt(95), 1e-15);
    /* Monotone but not linear: Spearman is exactly 1 (and -1 reversed). */
    double z[5] = {1, 8, 27, 64, 125}, w[5] = {9, 4, 1, 0.5, 0.1}, rz[5], rw[5];
    stats_ranks(z, 5, rz, sc);
    stats_ranks(w, 5, rw, sc);
    assert_double(stats_pearson(rx, rz, 5), 1, 1e-15);
    assert_double(stats_pearson(rx, rw, 5), -1, 1e-15);
    double c[5] = {3, 3, 3, 3, 3};
    assert_true(isnan(stats_pearson(rx, c, 5)));
}

/* Two params over 8 points. Ranks: r1 = 1..8, r2 = {4,1,5,2,6,8,3,7},
 * ry = {2,1,5,3,7,8,4,6}. Spearman: r1y = 2/3, r2y = 19/21, r12 = 11/21.
 * PRCC_1 = (r1y - r12 r2y) / sqrt((1 - r12^2)(1 - r2y^2)) = 17/32 and
 * PRCC_2 = (r2y - r12 r1y) / sqrt((1 - r12^2)(1 - r1y^2)) = 7/8. */
static void test_prcc_two_params(void **state)
{
    (void)state;
    double x1[8] = {1, 2, 3, 4, 5, 6, 7, 8}, x2[8] = {3, 1, 4, 1.5, 5, 9, 2, 6}, y[8] = {2, 1, 5, 3, 8, 9, 4, 7};
    double r1[8], r2[8], ry[8], out[2];
    stats_pair sc[8];
    stats_ranks(x1, 8, r1, sc);
    stats_ranks(x2, 8, r2, sc);
    stats_ranks(y, 8, ry, sc);
    assert_double(stats_pearson(r1, ry, 8), 2.0 / 3.0, 1e-15);
    assert_double(stats_pearson(r2, ry, 8), 19.0 / 21.0, 1e-15);
    assert_double(stats_pearson(r1, r2, 8), 11.0 / 21.0, 1e-15);
    const double *xr[2] = {r1, r2};
    assert_int_equal(stats_prcc(xr, 2, ry, 8, out, NULL), 0);
    assert_double(out[0], 17.0 / 32.0, 1e-13);
    assert_double(out[1], 7.0 / 8.0, 1e-13);
    /* One param: the PRCC is the Spearman correlation. */
    assert_int_equal(stats_prcc(xr, 1, ry, 8, out, NULL), 0);
    assert_double(out[0], 2.0 / 3.0, 1e-14);
}

/* Undefined cases give NaN: too few points, a collinear pair, a
 * constant outcome. */
static void test_prcc_undefined(void **state)
{
    (void)state;
    double a[4] = {1, 2, 3, 4}, b[4] = {1, 2, 3, 4}, y[4] = {2, 1, 4, 3}, k[4] = {5, 5, 5, 5}, out[2];
    int why[2];
    const double *xr[2] = {a, b};
    assert_int_equal(stats_prcc(xr, 2, y, 4, out, why), 0);
    assert_true(isnan(out[0]) && isnan(out[1]));
    assert_int_equal(why[0], STATS_PRCC_PARAM_FIXED);
    assert_int_equal(why[1], STATS_PRCC_PARAM_FIXED);
    assert_int_equal(stats_prcc(xr, 2, y, 3, out, why), 0);
    assert_true(isnan(out[0]));
    assert_int_equal(why[0], STATS_PRCC_FEW_POINTS);
    const double *xa[1] = {a};
    assert_int_equal(stats_prcc(xa, 1, k, 4, out, why), 0);
    assert_true(isnan(out[0]));
    assert_int_equal(why[0], STATS_PRCC_CONSTANT);
}

/* A param held constant is undefined alone: the others' PRCCs are those
 * computed without it (the numbers of test_prcc_two_params), not NaN. */
static void test_prcc_constant_param(void **state)
{
    (void)state;
    double x1[8] = {1, 2, 3, 4, 5, 6, 7, 8}, x2[8] = {3, 1, 4, 1.5, 5, 9, 2, 6}, y[8] = {2, 1, 5, 3, 8, 9, 4, 7};
    double c[8] = {4, 4, 4, 4, 4, 4, 4, 4}, r1[8], r2[8], rc[8], ry[8], out[3];
    int why[3];
    stats_pair sc[8];
    stats_ranks(x1, 8, r1, sc);
    stats_ranks(x2, 8, r2, sc);
    stats_ranks(c, 8, rc, sc);
    stats_ranks(y, 8, ry, sc);
    const double *xr[3] = {r1, rc, r2};
    assert_int_equal(stats_prcc(xr, 3, ry, 8, out, why), 0);
    assert_double(out[0], 17.0 / 32.0, 1e-13);
    assert_int_equal(why[0], STATS_PRCC_OK);
    assert_true(isnan(out[1]));
    assert_int_equal(why[1], STATS_PRCC_CONSTANT);
    assert_double(out[2], 7.0 / 8.0, 1e-13);
    assert_int_equal(why[2], STATS_PRCC_OK);
    /* A constant outcome leaves every param undefined. */
    const double *xc[2] = {r1, r2};
    assert_int_equal(stats_prcc(xc, 2, rc, 8, out, why), 0);
    assert_true(isnan(out[0]) && isnan(out[1]));
    assert_int_equal(why[0], STATS_PRCC_CONSTANT);
    assert_int_equal(why[1], STATS_PRCC_CONSTANT);
}

/* One param alone decides the outcome (the correlation matrix is
 * singular): its PRCC is 1 (or -1), the other's is undefined because the
 * first fixes the outcome; neither is blank for want of an inverse. */
static void test_prcc_one_decides(void **state)
{
    (void)state;
    double x1[8] = {1, 2, 3, 4, 5, 6, 7, 8}, x2[8] = {3, 1, 4, 2, 5, 8, 7, 6}, y[8], ny[8], out[2];
    int why[2];
    for (int i = 0; i < 8; i++) {
        y[i] = x1[i];
        ny[i] = 9 - x1[i];
    }
    const double *xr[2] = {x1, x2};
    assert_int_equal(stats_prcc(xr, 2, y, 8, out, why), 0);
    assert_double(out[0], 1.0, 1e-12);
    assert_int_equal(why[0], STATS_PRCC_OK);
    assert_true(isnan(out[1]));
    assert_int_equal(why[1], STATS_PRCC_OUTCOME_FIXED);
    assert_int_equal(stats_prcc(xr, 2, ny, 8, out, why), 0);
    assert_double(out[0], -1.0, 1e-12);
    /* Three params, two of them the same column: the third's PRCC stays
     * defined through the pseudo-inverse. */
    double x3[8] = {2, 7, 1, 8, 3, 4, 6, 5}, z[8];
    for (int i = 0; i < 8; i++)
        z[i] = x3[i] + 0.3 * x1[i] * (i % 2 ? 1 : -1);
    const double *x3r[3] = {x1, x1, x3};
    double o3[3];
    int w3[3];
    assert_int_equal(stats_prcc(x3r, 3, z, 8, o3, w3), 0);
    assert_int_equal(w3[0], STATS_PRCC_PARAM_FIXED);
    assert_int_equal(w3[2], STATS_PRCC_OK);
    assert_true(o3[2] > 0.5 && o3[2] <= 1);
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* stats_sort against qsort on shapes that break naive quicksorts: all
 * equal, sorted, reversed, few distinct values, organ pipe, random; sizes
 * around the insertion-sort cut-off. A fixed LCG keeps it reproducible. */
static void test_sort_shapes(void **state)
{
    (void)state;
    enum { MAXN = 300 };
    double a[MAXN], b[MAXN];
    unsigned long long seed = 12345;
    for (int shape = 0; shape < 6; shape++)
        for (int n = 0; n < MAXN; n += n < 40 ? 1 : 37) {
            for (int i = 0; i < n; i++) {
                seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
                int rnd = (int)(seed >> 33);
                a[i] = shape == 0 ? 7 : shape == 1 ? i : shape == 2 ? n - i : shape == 3 ? rnd % 3
                     : shape == 4 ? (i < n / 2 ? i : n - i) : (double)(rnd % 1000) / 7.0;
                b[i] = a[i];
            }
            stats_sort(a, (size_t)n);
            qsort(b, (size_t)n, sizeof *b, cmp_d);
            for (int i = 0; i < n; i++)
                if (a[i] != b[i])
                    fail_msg("shape %d, n %d: position %d is %g, want %g", shape, n, i, a[i], b[i]);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quantiles_type7), cmocka_unit_test(test_mean_sd),
        cmocka_unit_test(test_ranks_ties),      cmocka_unit_test(test_spearman),
        cmocka_unit_test(test_prcc_two_params), cmocka_unit_test(test_prcc_undefined),
        cmocka_unit_test(test_prcc_one_decides), cmocka_unit_test(test_prcc_constant_param),
        cmocka_unit_test(test_sort_shapes),
    };
    return cmocka_run_group_tests_name("stats", tests, NULL, NULL);
}
