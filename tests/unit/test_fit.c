/* test_fit.c - the engine's run copy (demob_sim_copy, demob_sim_reseed)
 * and the particle filter: its likelihood estimate is unbiased on a model
 * small enough to enumerate; its memo of weights changes none. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "demob.h"
#include "engine/lean_step.h"
#include "fit/fit.h"
#include "lua/scenario.h"

/* A stochastic model: 1000 people, two competing flows and a capacity. */
static demob_model *small_model(void)
{
    demob_error err = {0};
    demob_model *m = demob_model_new();
    demob_model_set_steps(m, 12, &err);
    demob_model_set_mode(m, DEMOB_STOCHASTIC, &err);
    demob_model_set_seed(m, 11, &err);
    int a = demob_model_add_state(m, "a", &err), b = demob_model_add_state(m, "b", &err),
        c = demob_model_add_state(m, "c", &err);
    int o = demob_model_add_origin(m, "X", &err);
    demob_model_set_initial(m, o, a, 1000, &err);
    demob_value r1 = demob_model_add_constant(m, 0.2, &err), r2 = demob_model_add_constant(m, 0.1, &err);
    demob_value cap = demob_model_add_constant(m, 90, &err);
    demob_model_add_flow(m, NULL, a, b, r1, NULL, 0, 0, 0, &err);
    int f2 = demob_model_add_flow(m, NULL, a, c, r2, NULL, 0, 0, 0, &err);
    int k = demob_model_add_capacity(m, "cap", cap, DEMOB_SHARE_PROPORTIONAL, &err);
    demob_model_flow_use_capacity(m, f2, k, &err);
    assert_int_equal(demob_model_freeze(m, &err), 0);
    return m;
}

/* A copy steps on exactly like its original; a reseeded one does not. */
static void test_sim_copy(void **state)
{
    (void)state;
    demob_error err = {0};
    demob_model *m = small_model();
    demob_sim *x = demob_sim_new(m, &err), *y = demob_sim_new(m, &err), *z = demob_sim_new(m, &err);
    assert_int_equal(demob_sim_reset(x, 1, NULL, &err), 0);
    assert_int_equal(demob_sim_reset(y, 2, NULL, &err), 0);
    for (int t = 0; t < 4; t++)
        assert_int_equal(demob_sim_step(x, &err), 0);
    assert_int_equal(demob_sim_copy(y, x, &err), 0);
    assert_int_equal(demob_sim_copy(z, x, &err), 0);
    demob_sim_reseed(z, 99);
    assert_int_equal(demob_sim_time(y), 4);
    int differs = 0;
    for (int t = 4; t < 12; t++) {
        assert_int_equal(demob_sim_step(x, &err), 0);
        assert_int_equal(demob_sim_step(y, &err), 0);
        assert_int_equal(demob_sim_step(z, &err), 0);
        for (int s = 0; s < 3; s++) {
            assert_true(demob_sim_stock(x, 0, s) == demob_sim_stock(y, 0, s));
            differs |= demob_sim_stock(x, 0, s) != demob_sim_stock(z, 0, s);
        }
        assert_true(demob_sim_cumulative(x, 0, 0) == demob_sim_cumulative(y, 0, 0));
    }
    assert_true(differs);
    demob_sim_free(x);
    demob_sim_free(y);
    demob_sim_free(z);
    demob_model_free(m);
}

static double log_binom(int n, int k, double p)
{
    return lgamma(n + 1.0) - lgamma(k + 1.0) - lgamma(n - k + 1.0) + k * log(p) + (n - k) * log1p(-p);
}

static double log_pois(double y, double mu)
{
    if (mu <= 0)
        return y == 0 ? 0 : -INFINITY;
    return y * log(mu) - mu - lgamma(y + 1);
}

/* The mean of exp(log-likelihood estimates) over many filters matches the
 * exact likelihood: sum over X1 ~ Bin(3, r), X2 ~ Bin(3 - X1, r) of
 * Pois(1; X1) Pois(2; X1 + X2). */
/* tests/scenarios/fit_pf_small.lua: 3 people, rate r = 0.4, two steps. */
static scenario *load_pf_small(void)
{
    demob_error err = {0};
    scenario_options opt;
    scenario_options_init(&opt);
    opt.path = "tests/scenarios/fit_pf_small.lua";
    scenario *sc = scenario_load(&opt, &err);
    assert_non_null(sc);
    return sc;
}

static void test_pf_unbiased(void **state)
{
    (void)state;
    demob_error err = {0};
    scenario *sc = load_pf_small();
    const demob_model *m = scenario_model(sc);
    double r = 0.4, exact = 0;
    for (int x1 = 0; x1 <= 3; x1++)
        for (int x2 = 0; x2 <= 3 - x1; x2++)
            exact += exp(log_binom(3, x1, r) + log_binom(3 - x1, x2, r) + log_pois(1, x1) + log_pois(2, x1 + x2));
    fit_param fp = {"r", demob_model_find_param(m, "r"), NULL, 0, 1};
    fp.prior = scenario_param_prior(sc, fp.slot);
    assert_non_null(fp.prior);
    fit_problem p = {m, scenario_observations(sc), &fp, 1, NULL, 1, 5, 0, 4, 0};
    fit_eval ev;
    assert_int_equal(fit_eval_open(&ev, &p, 1, &err), 0);
    const int n = 20000;
    double s = 0, ss = 0;
    for (int i = 0; i < n; i++) {
        double l = exp(fit_eval_loglik(&ev, &r, i + 1));
        s += l;
        ss += l * l;
    }
    double mean = s / n, se = sqrt((ss / n - mean * mean) / n);
    print_message("exact %.6f, mean of %d estimates %.6f (se %.6f)\n", exact, n, mean, se);
    assert_true(fabs(mean - exact) < 4 * se);
    assert_true(se < 0.05 * exact);
    /* One particle: still unbiased (the weights' mean is the one weight). */
    fit_eval_close(&ev);
    p.particles = 1;
    assert_int_equal(fit_eval_open(&ev, &p, 1, &err), 0);
    s = ss = 0;
    for (int i = 0; i < n; i++) {
        double l = exp(fit_eval_loglik(&ev, &r, i + 1));
        s += l;
        ss += l * l;
    }
    mean = s / n;
    se = sqrt((ss / n - mean * mean) / n);
    print_message("one particle: mean %.6f (se %.6f)\n", mean, se);
    assert_true(fabs(mean - exact) < 4 * se);
    fit_eval_close(&ev);
    scenario_free(sc);
}

/* The particle filter's memo of row log-likelihoods by count gives exactly
 * the unmemoised weights: counts that repeat, that share an entry (c and
 * c + FIT_OBS_MEMO), zero and fractional predictions. */
static void test_obs_memo(void **state)
{
    (void)state;
    demob_error err = {0};
    scenario *sc = load_pf_small();
    const demob_model *m = scenario_model(sc);
    const fit_obs *o = scenario_observations(sc);
    fit_obs_steps ix;
    assert_int_equal(fit_obs_steps_build(o, demob_model_steps(m), &ix, &err), 0);
    fit_obs_memo memo[8 * FIT_OBS_MEMO];
    assert_true(o->n_rows <= 8);
    double values[8] = {0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4}, raw[8] = {0};
    const double counts[] = {0, 1, 2, 1, 0, 1 + FIT_OBS_MEMO, 1, 2.5, 2, 3, 3 + 2 * FIT_OBS_MEMO, 0, 3};
    int checked = 0;
    for (int t = 0; t <= demob_model_steps(m); t++) {
        if (ix.start[t] == ix.start[t + 1])
            continue;
        fit_obs_memo_clear(memo, &ix, t);
        for (size_t c = 0; c < sizeof counts / sizeof counts[0]; c++) {
            for (int k = 0; k < o->n_rows; k++)
                raw[k] = counts[c] * (k + 1);
            double a, b;
            fit_obs_weights_at(o, &ix, t, raw, 0, 1, values, NULL, &a);
            fit_obs_weights_at(o, &ix, t, raw, 0, 1, values, memo, &b);
            assert_memory_equal(&a, &b, sizeof a);
            checked++;
        }
    }
    assert_true(checked > 0);
    fit_obs_steps_free(&ix);
    scenario_free(sc);
}

/* The filter of a plain model steps lean (integers and a stream per
 * particle); forced to step whole runs it gives the same log-likelihood
 * estimates and predictions, bit for bit, at several points and runs, with
 * and without predictions. */
static void same_both_ways(const char *path, const char *x_name, const char *y_name)
{
    demob_error err = {0};
    scenario_options opt;
    scenario_options_init(&opt);
    opt.path = path;
    scenario *sc = scenario_load(&opt, &err);
    assert_non_null(sc);
    const demob_model *m = scenario_model(sc);
    const char *why = "";
    assert_true(lean_supported(m, &why));
    assert_null(why);
    fit_param fp[2] = {{x_name, demob_model_find_param(m, x_name), NULL, 0, 1},
                       {y_name, y_name ? demob_model_find_param(m, y_name) : -1, NULL, 0, 1}};
    int np = y_name ? 2 : 1;
    for (int k = 0; k < np; k++) {
        fp[k].prior = scenario_param_prior(sc, fp[k].slot);
        assert_int_equal(fit_param_bounds(&fp[k], 1, &err), 0);
    }
    fit_problem lean = {m, scenario_observations(sc), fp, np, NULL, 1, 5, 0, 64, 0};
    fit_problem general = lean;
    general.pf_general = 1;
    fit_eval a, b;
    assert_int_equal(fit_eval_open(&a, &lean, 1, &err), 0);
    assert_int_equal(fit_eval_open(&b, &general, 1, &err), 0);
    int nr = lean.obs->n_rows, finite = 0;
    const double xs[][2] = {{0.2, 0.1}, {0.05, 0.3}, {0.4, 0.02}, {0.11, 0.11}};
    for (int skip = 0; skip < 2; skip++)
        for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++)
            for (long run = 1; run <= 3; run++) {
                a.skip_pred = b.skip_pred = skip;
                double la = fit_eval_loglik(&a, xs[i], run), lb = fit_eval_loglik(&b, xs[i], run);
                assert_memory_equal(&la, &lb, sizeof la);
                assert_memory_equal(a.pred, b.pred, (size_t)nr * sizeof *a.pred);
                finite += isfinite(la);
            }
    assert_true(finite > 8);
    fit_eval_close(&a);
    fit_eval_close(&b);
    scenario_free(sc);
}

static void test_pf_lean_same(void **state)
{
    (void)state;
    same_both_ways("tests/scenarios/fit_pf_small.lua", "r", NULL);
    same_both_ways("tests/scenarios/fit_pf_lean.lua", "r", "s");
    /* Cumulative movers past 2^53 (a double sum rounds) and past 2^63. */
    same_both_ways("tests/scenarios/fit_pf_huge.lua", "r", NULL);
}

/* Models with constraints (here a capacity) are stepped as whole runs. */
static void test_pf_lean_refuses(void **state)
{
    (void)state;
    demob_model *m = small_model();
    const char *why = NULL;
    assert_false(lean_supported(m, &why));
    assert_non_null(why);
    demob_model_free(m);
}

/* The offspring counts of systematic resampling equal those of the
 * textbook search (each point in turn, the first particle whose cumulative
 * weight reaches it), on weights with zeros, equal weights, a point equal
 * to a cumulative weight, one heavy particle,
 * rounding that leaves the sum short of 1, and 1, 2 and 1,000 particles. */
static void test_offspring_counts(void **state)
{
    (void)state;
    const int sizes[] = {1, 2, 3, 7, 1000};
    uint64_t x = 12345;
    for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
        int P = sizes[si];
        double w[1000], spacing[1000];
        int kids[1000], want[1000];
        for (int j = 0; j < P; j++)
            spacing[j] = (double)j / P;
        for (int rep = 0; rep < 400; rep++) {
            double W = 0;
            for (int i = 0; i < P; i++) {
                x = x * 6364136223846793005u + 1442695040888963407u;
                double v = (double)(x >> 11) * 0x1.0p-53;
                int kind = rep % 4;
                w[i] = kind == 0 ? v : kind == 1 ? (v < 0.9 ? 0 : v) : kind == 2 ? (i == rep % P ? 1 : 1e-300 * v) : 0.5;
                W += w[i];
            }
            for (int i = 0; i < P; i++)
                w[i] /= W;
            x = x * 6364136223846793005u + 1442695040888963407u;
            double u = ((double)(x >> 11) + 0.5) * 0x1.0p-53 / P;
            if (rep % 5 == 4 && P > 1) {   /* a tie: the first point on the first weight */
                w[0] = u;
                for (int i = 1; i < P; i++)
                    w[i] = (1 - u) / (P - 1);
            }
            memset(want, 0, sizeof want);
            double cum = w[0];
            for (int j = 0, i = 0; j < P; j++) {
                double pos = u + spacing[j];
                while (pos > cum && i < P - 1)
                    cum += w[++i];
                want[i]++;
            }
            fit_pf_offspring(w, P, u, spacing, kids);
            assert_memory_equal(kids, want, (size_t)P * sizeof *kids);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sim_copy),
        cmocka_unit_test(test_pf_unbiased),
        cmocka_unit_test(test_obs_memo),
        cmocka_unit_test(test_pf_lean_same),
        cmocka_unit_test(test_pf_lean_refuses),
        cmocka_unit_test(test_offspring_counts),
    };
    return cmocka_run_group_tests_name("fit", tests, NULL, NULL);
}
