/* test_sweep_design.c - sweep designs: grid sizes and order, crossed
 * blocks, Latin hypercube stratification, the distributions' means and
 * quantiles, seeding, and the messages for bad specs and points files. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "assert_double.h"
#include "sweep/sweep_design.h"

static void has(const demob_error *err, const char *part)
{
    if (!strstr(err->message, part))
        fail_msg("message '%s' lacks '%s'", err->message, part);
}

/* --grid a=1,2,3 --grid b=10,20: 6 points, the last factor fastest. */
static void test_grid(void **state)
{
    (void)state;
    sweep_spec s;
    sweep_spec_init(&s);
    demob_error err = {0};
    assert_int_equal(sweep_parse_grid(&s, "a=1,2,3", &err), 0);
    assert_int_equal(sweep_parse_grid(&s, "b=10,20", &err), 0);
    sweep_design d;
    assert_int_equal(sweep_design_build(&s, 1, &d, &err), 0);
    assert_int_equal(d.n_points, 6);
    assert_int_equal(d.n_params, 2);
    assert_string_equal(d.names[0], "a");
    assert_string_equal(d.names[1], "b");
    double want[6][2] = {{1, 10}, {1, 20}, {2, 10}, {2, 20}, {3, 10}, {3, 20}};
    for (int p = 0; p < 6; p++) {
        assert_double(sweep_design_at(&d, p, 0), want[p][0], 0);
        assert_double(sweep_design_at(&d, p, 1), want[p][1], 0);
    }
    sweep_design_free(&d);
    sweep_spec_free(&s);
}

/* Explicit rows x grid x samples: 2 x 3 x 4 = 24 points; the samples are
 * the same in every grid cell (crossed). */
static void test_crossed_blocks(void **state)
{
    (void)state;
    sweep_spec s;
    sweep_spec_init(&s);
    demob_error err = {0};
    const char *names[1] = {"e"};
    double rows[2] = {7, 8};
    assert_int_equal(sweep_spec_set_points(&s, "points", names, 1, rows, 2, &err), 0);
    assert_int_equal(sweep_parse_grid(&s, "g=1,2,3", &err), 0);
    assert_int_equal(sweep_parse_sampled(&s, "--lhs", FACTOR_LHS, "u=0:1", &err), 0);
    s.samples = 4;
    sweep_design d;
    assert_int_equal(sweep_design_build(&s, 5, &d, &err), 0);
    assert_int_equal(d.n_points, 24);
    for (long p = 0; p < 24; p++) {
        assert_double(sweep_design_at(&d, p, 0), p < 12 ? 7 : 8, 0);
        assert_double(sweep_design_at(&d, p, 1), (double)((p / 4) % 3 + 1), 0);
        assert_double(sweep_design_at(&d, p, 2), sweep_design_at(&d, p % 4, 2), 0);
    }
    sweep_design_free(&d);
    sweep_spec_free(&s);
}

/* Latin hypercube, 3 dimensions, N = 200: in each dimension every stratum
 * [k/N, (k+1)/N) of the probability scale holds exactly one point. For the
 * normal, the probability is the normal CDF of the value. */
static void test_lhs_strata(void **state)
{
    (void)state;
    enum { N = 200 };
    sweep_spec s;
    sweep_spec_init(&s);
    demob_error err = {0};
    assert_int_equal(sweep_parse_sampled(&s, "--lhs", FACTOR_LHS, "a=0:1", &err), 0);
    assert_int_equal(sweep_parse_sampled(&s, "--lhs", FACTOR_LHS, "b=uniform:10:30", &err), 0);
    assert_int_equal(sweep_parse_sampled(&s, "--lhs", FACTOR_LHS, "c=normal:5:2", &err), 0);
    s.samples = N;
    sweep_design d;
    assert_int_equal(sweep_design_build(&s, 2020, &d, &err), 0);
    assert_int_equal(d.n_points, N);
    for (int k = 0; k < 3; k++) {
        int hit[N] = {0};
        for (long p = 0; p < N; p++) {
            double x = sweep_design_at(&d, p, k), u;
            if (k == 0)
                u = x;
            else if (k == 1)
                u = (x - 10) / 20;
            else
                u = 0.5 * erfc(-(x - 5) / 2 / sqrt(2.0));
            int stratum = (int)floor(u * N);
            assert_true(stratum >= 0 && stratum < N);
            hit[stratum]++;
        }
        for (int i = 0; i < N; i++)
            if (hit[i] != 1)
                fail_msg("dimension %d: stratum %d hit %d times", k, i, hit[i]);
    }
    sweep_design_free(&d);
    sweep_spec_free(&s);
}

/* Random sampling, N = 40000 draws: the sample means lie within 5 standard
 * errors of the true means. Uniform(2,5): 3.5, sd sqrt(9/12). Normal(10,2):
 * 10. Lognormal(mu 0, sigma 0.5): exp(0.125), sd sqrt((e^0.25 - 1) e^0.25).
 * Triangular(0, 1, 4): 5/3, variance (0+1+16-0-0-4)/18 = 13/18. Discrete
 * 1 (weight 1), 2 (weight 3): 1.75, sd sqrt(3)/4. */
static void test_distribution_means(void **state)
{
    (void)state;
    enum { N = 40000 };
    sweep_spec s;
    sweep_spec_init(&s);
    demob_error err = {0};
    const char *specs[5] = {"a=2:5", "b=normal:10:2", "c=lognormal:0:0.5", "d=triangular:0:1:4",
                            "e=discrete:1@1:2@3"};
    double mean[5] = {3.5, 10, exp(0.125), 5.0 / 3.0, 1.75};
    double sd[5] = {sqrt(0.75), 2, sqrt((exp(0.25) - 1) * exp(0.25)), sqrt(13.0 / 18.0), sqrt(3.0) / 4};
    for (int k = 0; k < 5; k++)
        assert_int_equal(sweep_parse_sampled(&s, "--random", FACTOR_RANDOM, specs[k], &err), 0);
    s.samples = N;
    sweep_design d;
    assert_int_equal(sweep_design_build(&s, 7, &d, &err), 0);
    for (int k = 0; k < 5; k++) {
        double sum = 0;
        for (long p = 0; p < N; p++)
            sum += sweep_design_at(&d, p, k);
        assert_double(sum / N, mean[k], 5 * sd[k] / sqrt(N));
    }
    /* The discrete choice only gives its values. */
    for (long p = 0; p < N; p++) {
        double v = sweep_design_at(&d, p, 4);
        assert_true(v == 1 || v == 2);
    }
    sweep_design_free(&d);
    sweep_spec_free(&s);
}

/* Inverse CDFs at known points. Normal: 0.975 -> 1.959963984540054,
 * 1e-10 -> -6.361340902404056 (tail region of AS 241). Triangular(0,1,4):
 * F(1) = 1/4, so u = 0.25 gives the mode; u = 0.5 gives 4 - sqrt(6). */
static void test_quantile_functions(void **state)
{
    (void)state;
    assert_double(sweep_norm_quantile(0.5), 0, 1e-16);
    assert_double(sweep_norm_quantile(0.975), 1.959963984540054, 1e-14);
    assert_double(sweep_norm_quantile(0.025), -1.959963984540054, 1e-14);
    assert_double(sweep_norm_quantile(1e-10), -6.361340902404056, 1e-12);
    assert_double(sweep_norm_quantile(0.8), 0.8416212335729143, 1e-14);
    sweep_dist t = {.kind = DIST_TRIANGULAR, .a = 0, .b = 1, .c = 4};
    assert_double(sweep_dist_quantile(&t, 0.25), 1, 1e-15);
    assert_double(sweep_dist_quantile(&t, 0.5), 4 - sqrt(6), 1e-15);
    /* Truncated normal: u spans [F(lo), F(hi)]; the median of N(0,1)
     * truncated to [0, inf) is the 0.75 quantile, 0.6744897501960817. */
    sweep_dist n;
    demob_error err = {0};
    assert_int_equal(sweep_parse_dist("x", "normal:0:1:0:1e300", &n, &err), 0);
    assert_double(sweep_dist_quantile(&n, 0.5), 0.6744897501960817, 1e-14);
    assert_double(sweep_dist_quantile(&n, 1e-9), 0, 1e-8);
    sweep_dist_free(&n);
}

/* Log-densities (the priors of a fit) against scipy.stats, truncation
 * included; the beta CDF and quantile; a density integrates to 1. */
static void test_logpdf(void **state)
{
    (void)state;
    demob_error err = {0};
    assert_double(sweep_beta_cdf(0.3, 2, 8), 0.803996766, 1e-12);
    assert_double(sweep_beta_quantile(0.9, 2, 8), 0.3683623637899257, 1e-12);
    assert_double(sweep_beta_quantile(0.25, 0.5, 0.5), 0.14644660940672624, 1e-12);
    sweep_dist b;
    assert_int_equal(sweep_parse_dist("x", "beta:2:8:0.1:0.5", &b, &err), 0);
    assert_double(sweep_dist_logpdf(&b, 0.3), 0.8565960852141989, 1e-10);
    assert_true(isinf(sweep_dist_logpdf(&b, 0.05)));
    double u = sweep_dist_quantile(&b, 0.5);
    assert_true(u > 0.1 && u < 0.5);
    sweep_dist_free(&b);
    sweep_dist n;
    assert_int_equal(sweep_parse_dist("x", "normal:0.1:0.05:0:0.5", &n, &err), 0);
    assert_double(sweep_dist_logpdf(&n, 0.2), 0.09980664967828234, 1e-12);
    sweep_dist_free(&n);
    sweep_dist ln = {.kind = DIST_LOGNORMAL, .a = 1, .b = 0.5, .lo = -INFINITY, .hi = INFINITY};
    assert_double(sweep_dist_logpdf(&ln, 3.0), -1.343852408265562, 1e-12);
    sweep_dist t = {.kind = DIST_TRIANGULAR, .a = 0, .b = 1, .c = 4};
    assert_double(sweep_dist_logpdf(&t, 3.0), -1.791759469228055, 1e-12);
    sweep_dist un = {.kind = DIST_UNIFORM, .a = 2, .b = 6};
    assert_double(sweep_dist_logpdf(&un, 3.0), -log(4.0), 1e-15);
    assert_true(isinf(sweep_dist_logpdf(&un, 7.0)));
    sweep_dist d;
    assert_int_equal(sweep_parse_dist("x", "discrete:1@1:2@3", &d, &err), 0);
    assert_double(sweep_dist_logpdf(&d, 2), log(0.75), 1e-15);
    assert_true(isinf(sweep_dist_logpdf(&d, 1.5)));
    sweep_dist c;
    assert_int_equal(sweep_dist_copy(&c, &d, &err), 0);
    assert_double(sweep_dist_logpdf(&c, 1), log(0.25), 1e-15);
    sweep_dist_free(&c);
    sweep_dist_free(&d);
    /* A truncated beta's density integrates to 1 (midpoint rule). */
    assert_int_equal(sweep_parse_dist("x", "beta:3:2:0.2:0.9", &b, &err), 0);
    double sum = 0;
    for (int i = 0; i < 100000; i++)
        sum += exp(sweep_dist_logpdf(&b, 0.2 + 0.7 * (i + 0.5) / 100000)) * 0.7 / 100000;
    assert_double(sum, 1, 1e-8);
    sweep_dist_free(&b);
    /* Impossible parameters. */
    assert_int_equal(sweep_parse_dist("x", "beta:0:1", &b, &err), DEMOB_EINPUT);
    assert_non_null(strstr(err.message, "alpha and beta must be"));
    assert_int_equal(sweep_parse_dist("x", "beta:2:2:1.5:3", &b, &err), DEMOB_EINPUT);
    assert_non_null(strstr(err.message, "misses it"));
}

/* The same seed gives the same design; another seed another one; adding
 * a factor does not change the samples of the factors before it. */
static void test_seeding(void **state)
{
    (void)state;
    sweep_spec s;
    sweep_spec_init(&s);
    demob_error err = {0};
    assert_int_equal(sweep_parse_sampled(&s, "--lhs", FACTOR_LHS, "a=0:1", &err), 0);
    s.samples = 10;
    sweep_design d1, d2, d3, d4;
    assert_int_equal(sweep_design_build(&s, 1, &d1, &err), 0);
    assert_int_equal(sweep_design_build(&s, 1, &d2, &err), 0);
    assert_int_equal(sweep_design_build(&s, 2, &d3, &err), 0);
    assert_int_equal(sweep_parse_sampled(&s, "--random", FACTOR_RANDOM, "b=normal:0:1", &err), 0);
    assert_int_equal(sweep_design_build(&s, 1, &d4, &err), 0);
    assert_memory_equal(d1.x, d2.x, 10 * sizeof(double));
    int same = 0;
    for (int p = 0; p < 10; p++) {
        same += sweep_design_at(&d1, p, 0) == sweep_design_at(&d3, p, 0);
        assert_double(sweep_design_at(&d4, p, 0), sweep_design_at(&d1, p, 0), 0);
        /* Values are rounded to 12 significant digits. */
        double v = sweep_design_at(&d1, p, 0);
        assert_double(v, sweep_round12(v), 0);
    }
    assert_int_equal(same, 0);
    sweep_design_free(&d1);
    sweep_design_free(&d2);
    sweep_design_free(&d3);
    sweep_design_free(&d4);
    sweep_spec_free(&s);
}

static void test_bad_specs(void **state)
{
    (void)state;
    sweep_spec s;
    sweep_spec_init(&s);
    demob_error err = {0};
    assert_int_equal(sweep_parse_sampled(&s, "--lhs", FACTOR_LHS, "registration=0.3:0.05", &err), DEMOB_EINPUT);
    has(&err, "--lhs registration: min 0.3 > max 0.05");
    assert_int_equal(sweep_parse_sampled(&s, "--random", FACTOR_RANDOM, "x=triangular:0:5:4", &err),
                     DEMOB_EINPUT);
    has(&err, "mode 5 is outside");
    assert_int_equal(sweep_parse_sampled(&s, "--lhs", FACTOR_LHS, "x=normal:0:-1", &err), DEMOB_EINPUT);
    has(&err, "sd must be");
    assert_int_equal(sweep_parse_sampled(&s, "--lhs", FACTOR_LHS, "x=normal:0:1:2:1", &err), DEMOB_EINPUT);
    has(&err, "min 2 > max 1");
    assert_int_equal(sweep_parse_sampled(&s, "--lhs", FACTOR_LHS, "x=gamma:1:2", &err), DEMOB_EINPUT);
    has(&err, "unknown distribution 'gamma'");
    assert_int_equal(sweep_parse_sampled(&s, "--lhs", FACTOR_LHS, "x=1:2:3", &err), DEMOB_EINPUT);
    has(&err, "has 3 values");
    assert_int_equal(sweep_parse_sampled(&s, "--lhs", FACTOR_LHS, "x=discrete:1@-1", &err), DEMOB_EINPUT);
    has(&err, "weight 1");
    assert_int_equal(sweep_parse_grid(&s, "flights=300,abc", &err), DEMOB_EINPUT);
    has(&err, "--grid flights: 'abc' is not a number");
    assert_int_equal(sweep_parse_grid(&s, "flights", &err), DEMOB_EINPUT);
    assert_int_equal(sweep_parse_grid(&s, "f=1,1", &err), DEMOB_EINPUT);
    has(&err, "given twice");
    /* Nothing was added by the failures. */
    assert_int_equal(s.n_factors, 0);
    /* A param twice, sampled params without a count, a count alone. */
    assert_int_equal(sweep_parse_grid(&s, "a=1,2", &err), 0);
    assert_int_equal(sweep_parse_sampled(&s, "--lhs", FACTOR_LHS, "a=0:1", &err), DEMOB_EINPUT);
    has(&err, "param 'a' is already in the design (grid)");
    assert_int_equal(sweep_parse_sampled(&s, "--lhs", FACTOR_LHS, "b=0:1", &err), 0);
    sweep_design d;
    assert_int_equal(sweep_design_build(&s, 1, &d, &err), DEMOB_EINPUT);
    has(&err, "samples");
    sweep_spec_free(&s);
    sweep_spec_init(&s);
    assert_int_equal(sweep_design_build(&s, 1, &d, &err), DEMOB_EINPUT);
    has(&err, "no design");
    /* A range from the param's declaration, or a clear message. */
    assert_int_equal(sweep_parse_sampled(&s, "--lhs", FACTOR_LHS, "r", &err), 0);
    assert_int_equal(s.factors[0].use_param_range, 1);
    assert_int_equal(sweep_spec_resolve_range(&s, 0, NAN, NAN, &err), DEMOB_EINPUT);
    has(&err, "declares no range");
    assert_int_equal(sweep_spec_resolve_range(&s, 0, 0.1, 0.2, &err), 0);
    assert_double(s.factors[0].dist.b, 0.2, 0);
    sweep_spec_free(&s);
}

static char *write_tmp(const char *text)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/test_sweep_design_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

static void test_points_csv(void **state)
{
    (void)state;
    sweep_spec s;
    sweep_spec_init(&s);
    demob_error err = {0};
    char *p = write_tmp("point,flights,registration\n0,300,0.1\n1,600,0.2\n2,900,0.25\n");
    assert_int_equal(sweep_points_read_csv(&s, p, &err), 0);
    unlink(p);
    assert_int_equal(s.n_rows, 3);
    assert_int_equal(s.n_cols, 2);
    assert_string_equal(s.pt_names[1], "registration");
    assert_double(s.pt_values[5], 0.25, 0);
    sweep_design d;
    assert_int_equal(sweep_design_build(&s, 1, &d, &err), 0);
    assert_int_equal(d.n_points, 3);
    assert_double(sweep_design_at(&d, 1, 0), 600, 0);
    sweep_design_free(&d);
    sweep_spec_free(&s);

    /* A non-numeric cell: line 3, column 5 (after "600,"). */
    sweep_spec_init(&s);
    p = write_tmp("flights,registration\n300,0.1\n600,abc\n");
    assert_int_equal(sweep_points_read_csv(&s, p, &err), DEMOB_EINPUT);
    unlink(p);
    has(&err, ":3:5: column 'registration': 'abc' is not a number");
    /* A missing column on line 3. */
    p = write_tmp("flights,registration\n300,0.1\n600\n");
    assert_int_equal(sweep_points_read_csv(&s, p, &err), DEMOB_EINPUT);
    unlink(p);
    has(&err, ":3:");
    has(&err, "expected 2 fields");
    /* A header only. */
    p = write_tmp("flights\n");
    assert_int_equal(sweep_points_read_csv(&s, p, &err), DEMOB_EINPUT);
    unlink(p);
    has(&err, "no points");
    sweep_spec_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grid),
        cmocka_unit_test(test_crossed_blocks),
        cmocka_unit_test(test_lhs_strata),
        cmocka_unit_test(test_distribution_means),
        cmocka_unit_test(test_quantile_functions),
        cmocka_unit_test(test_logpdf),
        cmocka_unit_test(test_seeding),
        cmocka_unit_test(test_bad_specs),
        cmocka_unit_test(test_points_csv),
    };
    return cmocka_run_group_tests_name("sweep_design", tests, NULL, NULL);
}
