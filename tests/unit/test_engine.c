/* test_engine.c - the model semantics of docs/model.md against worked numbers:
 * competing risks, capacity sharing (proportional, priority, largest
 * remainder with ties), ceilings, minimum stays and fixed durations,
 * budgets, synchronised withdrawal, events, and conservation over random
 * scenarios in both modes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assert_double.h"
#include "demob.h"
#include "engine/rng.h"

#define OK(call)                                                                                   \
    do {                                                                                           \
        demob_error e_ = {0};                                                                      \
        int rc_ = (call);                                                                          \
        if (rc_ < 0) {                                                                             \
            print_error("%s failed: %s\n", #call, e_.message);                                     \
            fail();                                                                                \
        }                                                                                          \
    } while (0)

/* A fresh model with states a, b, c, d and origins X, Y (tag "left" on X). */
static demob_model *base_model(demob_mode mode, int steps)
{
    demob_model *m = demob_model_new();
    demob_error e;
    assert_non_null(m);
    assert_int_equal(demob_model_set_steps(m, steps, &e), 0);
    assert_int_equal(demob_model_set_mode(m, mode, &e), 0);
    const char *states[] = {"a", "b", "c", "d"};
    for (int i = 0; i < 4; i++)
        assert_int_equal(demob_model_add_state(m, states[i], &e), i);
    assert_int_equal(demob_model_add_origin(m, "X", &e), 0);
    assert_int_equal(demob_model_add_origin(m, "Y", &e), 1);
    assert_int_equal(demob_model_tag_origin(m, 0, "left", &e), 0);
    assert_int_equal(demob_model_tag_origin(m, 1, "right", &e), 0);
    return m;
}

static int flow(demob_model *m, int from, int to, double rate, int origin)
{
    demob_error e;
    demob_value v = demob_model_add_constant(m, rate, &e);
    assert_true(v >= 0);
    char name[64];
    snprintf(name, sizeof name, "f%d_%d_%d", from, to, origin);
    int f = demob_model_add_flow(m, name, from, to, v, origin >= 0 ? &origin : NULL, origin >= 0 ? 1 : 0, 0, 0, &e);
    if (f < 0)
        print_error("%s\n", e.message);
    assert_true(f >= 0);
    return f;
}

static demob_sim *start(demob_model *m)
{
    demob_error e = {0};
    if (demob_model_freeze(m, &e) != 0) {
        print_error("freeze: %s\n", e.message);
        fail();
    }
    demob_sim *s = demob_sim_new(m, &e);
    assert_non_null(s);
    assert_int_equal(demob_sim_reset(s, 1, NULL, &e), 0);
    return s;
}

static void step(demob_sim *s)
{
    demob_error e = {0};
    if (demob_sim_step(s, &e) != 0) {
        print_error("step: %s\n", e.message);
        fail();
    }
}

/* ------------------------------------------------------ competing risks */

static void test_competing_risks_deterministic(void **state)
{
    (void)state;
    demob_model *m = base_model(DEMOB_DETERMINISTIC, 1);
    demob_error e;
    demob_model_set_initial(m, 0, 0, 1000, &e);
    flow(m, 0, 1, 0.2, -1);
    flow(m, 0, 2, 0.1, -1);
    demob_sim *s = start(m);
    step(s);
    /* Leaving: 1 - (1 - 0.2)(1 - 0.1) = 0.28, so 280 leave in all, split
     * by hazards ln(1/0.8) : ln(1/0.9) = 0.22314355 : 0.10536052. */
    double h1 = -log(0.8), h2 = -log(0.9);
    assert_double_msg(demob_sim_stock(s, 0, 0), 720, 1e-9, "stay");
    assert_double_msg(demob_sim_stock(s, 0, 1), 280 * h1 / (h1 + h2), 1e-9, "to b");
    assert_double_msg(demob_sim_stock(s, 0, 1), 190.196, 0.001, "to b (worked)");
    assert_double_msg(demob_sim_stock(s, 0, 2), 89.804, 0.001, "to c (worked)");
    demob_sim_free(s);
    demob_model_free(m);
}

static void test_single_flow_and_rate_zero(void **state)
{
    (void)state;
    demob_model *m = base_model(DEMOB_DETERMINISTIC, 2);
    demob_error e;
    demob_model_set_initial(m, 0, 0, 1000, &e);
    demob_model_set_initial(m, 1, 0, 500, &e);
    flow(m, 0, 1, 0.3, 0);
    flow(m, 0, 1, 0.0, 1);
    demob_sim *s = start(m);
    step(s);
    assert_double_msg(demob_sim_stock(s, 0, 1), 300, 1e-9, "N * rate");
    assert_double_msg(demob_sim_stock(s, 1, 0), 500, 0, "rate 0 moves nobody");
    step(s);
    assert_double_msg(demob_sim_stock(s, 0, 1), 300 + 700 * 0.3, 1e-9, "second step");
    demob_sim_free(s);
    demob_model_free(m);
}

/* Expected values decay geometrically: 1000 * 0.5^t falls below the
 * smallest normal double (2.2e-308) after about 1020 steps. From then on
 * the stock is exactly 0, never a subnormal number (slow arithmetic; and
 * in bench-6x9 such remainders circulate for ever, as a share of the
 * smallest subnormals rounds back to them); everyone is still accounted
 * for. */
static void test_deterministic_decay_reaches_zero(void **state)
{
    (void)state;
    demob_model *m = base_model(DEMOB_DETERMINISTIC, 1200);
    demob_error e;
    demob_model_set_initial(m, 0, 0, 1000, &e);
    flow(m, 0, 1, 0.5, 0);
    demob_sim *s = start(m);
    for (int t = 1; t <= 1200; t++) {
        step(s);
        double a = demob_sim_stock(s, 0, 0);
        if (a != 0 && fabs(a) < DBL_MIN)
            fail_msg("step %d: a holds the subnormal %g", t, a);
    }
    assert_true(demob_sim_stock(s, 0, 0) == 0.0);
    assert_double_msg(demob_sim_stock(s, 0, 1), 1000, 1e-9, "everyone ends in b");
    assert_double_msg(demob_sim_total(s), 1000, 1e-9, "conservation");
    demob_sim_free(s);
    demob_model_free(m);
}

static void test_rate_one_shares_equally(void **state)
{
    (void)state;
    for (int mode = 0; mode < 2; mode++) {
        demob_model *m = base_model(mode ? DEMOB_STOCHASTIC : DEMOB_DETERMINISTIC, 1);
        demob_error e;
        demob_model_set_initial(m, 0, 0, 1000, &e);
        flow(m, 0, 1, 1.0, -1);
        flow(m, 0, 2, 0.5, -1);
        flow(m, 0, 3, 1.0, -1);
        demob_sim *s = start(m);
        step(s);
        assert_double_msg(demob_sim_stock(s, 0, 0), 0, 0, "everyone leaves");
        assert_double_msg(demob_sim_stock(s, 0, 2), 0, 0, "finite-rate flow gets none");
        if (mode == 0) {
            assert_double_msg(demob_sim_stock(s, 0, 1), 500, 1e-9, "half");
            assert_double_msg(demob_sim_stock(s, 0, 3), 500, 1e-9, "half");
        } else {
            assert_double_msg(demob_sim_stock(s, 0, 1), 500, 0, "exactly half");
            assert_double_msg(demob_sim_stock(s, 0, 3), 500, 0, "exactly half");
        }
        demob_sim_free(s);
        demob_model_free(m);
    }
}

/* Stochastic rate-1 flows split by largest remainder: 1001 people over
 * three flows give 334, 334, 333 (the one left over goes to the first
 * declared), in every run. */
static void test_rate_one_largest_remainder(void **state)
{
    (void)state;
    demob_model *m = base_model(DEMOB_STOCHASTIC, 1);
    demob_error e;
    demob_model_set_initial(m, 0, 0, 1001, &e);
    flow(m, 0, 3, 1.0, -1);
    flow(m, 0, 1, 1.0, -1);
    flow(m, 0, 2, 1.0, -1);
    demob_sim *s = start(m);
    for (long run = 1; run <= 5; run++) {
        assert_int_equal(demob_sim_reset(s, run, NULL, &e), 0);
        step(s);
        assert_double_msg(demob_sim_stock(s, 0, 3), 334, 0, "first declared");
        assert_double_msg(demob_sim_stock(s, 0, 1), 334, 0, "second");
        assert_double_msg(demob_sim_stock(s, 0, 2), 333, 0, "third");
    }
    demob_sim_free(s);
    demob_model_free(m);
}

static void test_stochastic_one_step_mean_variance(void **state)
{
    (void)state;
    /* One step of 10,000 people with one flow at 0.3: Binomial(10000, 0.3),
     * mean 3000, variance 2100. Over 2,000 runs the sample mean lies within
     * 5 standard errors (5 * sqrt(2100 / 2000)) of 3000. */
    demob_model *m = base_model(DEMOB_STOCHASTIC, 1);
    demob_error e;
    demob_model_set_initial(m, 0, 0, 10000, &e);
    flow(m, 0, 1, 0.3, -1);
    demob_sim *s = start(m);
    int runs = 2000;
    double sum = 0, sum2 = 0;
    for (int r = 1; r <= runs; r++) {
        assert_int_equal(demob_sim_reset(s, r, NULL, &e), 0);
        step(s);
        double x = demob_sim_stock(s, 0, 1);
        sum += x;
        sum2 += x * x;
    }
    double mean = sum / runs, var = (sum2 - runs * mean * mean) / (runs - 1);
    assert_double_msg(mean, 3000, 5 * sqrt(2100.0 / runs), "mean");
    /* Var of the sample variance ~ 2 sigma^4 / (n - 1) for a near-normal. */
    assert_double_msg(var, 2100, 5 * sqrt(2.0 * 2100 * 2100 / (runs - 1)), "variance");
    demob_sim_free(s);
    demob_model_free(m);
}

/* ------------------------------------------------------------ capacities */

/* Origins X, Y, Z with rate-1 flows a -> b under one capacity, so the
 * desired movers equal the stocks in both modes. */
static demob_model *capacity_model(demob_mode mode, const double *stock, int n, double limit, demob_share policy,
                                   int *cap_out)
{
    demob_model *m = demob_model_new();
    demob_error e;
    demob_model_set_steps(m, 1, &e);
    demob_model_set_mode(m, mode, &e);
    demob_model_add_state(m, "a", &e);
    demob_model_add_state(m, "b", &e);
    const char *names[] = {"X", "Y", "Z"};
    for (int i = 0; i < n; i++) {
        demob_model_add_origin(m, names[i], &e);
        demob_model_set_initial(m, i, 0, stock[i], &e);
    }
    int cap = demob_model_add_capacity(m, "site", demob_model_add_constant(m, limit, &e), policy, &e);
    int f = demob_model_add_flow(m, "in", 0, 1, demob_model_add_constant(m, 1.0, &e), NULL, 0, 0, 0, &e);
    assert_int_equal(demob_model_flow_use_capacity(m, f, cap, &e), 0);
    *cap_out = cap;
    return m;
}

static void test_capacity_proportional(void **state)
{
    (void)state;
    double stock[] = {400, 200};
    int cap;
    demob_model *m = capacity_model(DEMOB_DETERMINISTIC, stock, 2, 300, DEMOB_SHARE_PROPORTIONAL, &cap);
    demob_sim *s = start(m);
    step(s);
    assert_double_msg(demob_sim_stock(s, 0, 1), 200, 1e-9, "X gets 2/3 of 300");
    assert_double_msg(demob_sim_stock(s, 1, 1), 100, 1e-9, "Y gets 1/3 of 300");
    assert_double_msg(demob_sim_stock(s, 0, 0), 200, 1e-9, "X cut stays");
    demob_sim_free(s);
    demob_model_free(m);
}

static void test_capacity_largest_remainder(void **state)
{
    (void)state;
    /* Wants 5, 3, 2 with room for 7: quotas 3.5, 2.1, 1.4; floors 3, 2, 1;
     * the one left goes to the largest remainder (0.5, X). */
    double stock[] = {5, 3, 2};
    int cap;
    demob_model *m = capacity_model(DEMOB_STOCHASTIC, stock, 3, 7, DEMOB_SHARE_PROPORTIONAL, &cap);
    demob_sim *s = start(m);
    step(s);
    assert_double_msg(demob_sim_stock(s, 0, 1), 4, 0, "X");
    assert_double_msg(demob_sim_stock(s, 1, 1), 2, 0, "Y");
    assert_double_msg(demob_sim_stock(s, 2, 1), 1, 0, "Z");
    demob_sim_free(s);
    demob_model_free(m);

    /* Ties: wants 1, 1, 1 with room for 2: remainders all 2/3, the two
     * people go to the first two origins in declaration order. */
    double ones[] = {1, 1, 1};
    m = capacity_model(DEMOB_STOCHASTIC, ones, 3, 2, DEMOB_SHARE_PROPORTIONAL, &cap);
    s = start(m);
    step(s);
    assert_double_msg(demob_sim_stock(s, 0, 1), 1, 0, "X tie");
    assert_double_msg(demob_sim_stock(s, 1, 1), 1, 0, "Y tie");
    assert_double_msg(demob_sim_stock(s, 2, 1), 0, 0, "Z loses the tie");
    demob_sim_free(s);
    demob_model_free(m);
}

static void test_capacity_priority(void **state)
{
    (void)state;
    /* Room for 300, priority Y first: Y takes its 250, X the 50 left, Z none. */
    double stock[] = {200, 250, 100};
    for (int mode = 0; mode < 2; mode++) {
        int cap;
        demob_model *m = capacity_model(mode ? DEMOB_STOCHASTIC : DEMOB_DETERMINISTIC, stock, 3, 300,
                                        DEMOB_SHARE_PRIORITY, &cap);
        demob_error e;
        assert_int_equal(demob_model_add_priority(m, cap, 0, 1, &e), 0);
        assert_int_equal(demob_model_add_priority(m, cap, 0, 0, &e), 0);
        demob_sim *s = start(m);
        step(s);
        assert_double_msg(demob_sim_stock(s, 1, 1), 250, 1e-9, "Y first");
        assert_double_msg(demob_sim_stock(s, 0, 1), 50, 1e-9, "X next");
        assert_double_msg(demob_sim_stock(s, 2, 1), 0, 1e-9, "Z unlisted, nothing left");
        demob_sim_free(s);
        demob_model_free(m);
    }
}

static void test_capacity_priority_by_flow_and_ties(void **state)
{
    (void)state;
    /* Flights for 100: flow "home" (b -> d) has priority over "a -> c".
     * X and Y each want 60 home (120 > 100): shared 50/50 within the
     * rank; a -> c gets nothing. Stochastic, room for 101: 50.5 each, the
     * one left over goes to X (declaration order breaks the tie). */
    for (int mode = 0; mode < 2; mode++) {
        demob_model *m = base_model(mode ? DEMOB_STOCHASTIC : DEMOB_DETERMINISTIC, 1);
        demob_error e;
        for (int o = 0; o < 2; o++) {
            demob_model_set_initial(m, o, 0, 40, &e);
            demob_model_set_initial(m, o, 1, 60, &e);
        }
        int cap = demob_model_add_capacity(m, "flights", demob_model_add_constant(m, mode ? 101 : 100, &e),
                                           DEMOB_SHARE_PRIORITY, &e);
        int f1 = flow(m, 0, 2, 1.0, -1);
        int f2 = flow(m, 1, 3, 1.0, -1);
        assert_int_equal(demob_model_flow_use_capacity(m, f1, cap, &e), 0);
        assert_int_equal(demob_model_flow_use_capacity(m, f2, cap, &e), 0);
        assert_int_equal(demob_model_add_priority(m, cap, 1, f2, &e), 0);
        demob_sim *s = start(m);
        step(s);
        assert_double_msg(demob_sim_stock(s, 0, 3), mode ? 51 : 50, 1e-9, "X home");
        assert_double_msg(demob_sim_stock(s, 1, 3), 50, 1e-9, "Y home");
        assert_double_msg(demob_sim_state_total(s, 2), 0, 1e-9, "the lower rank gets nothing");
        demob_sim_free(s);
        demob_model_free(m);
    }
}

static void test_flow_under_two_capacities_takes_smallest(void **state)
{
    (void)state;
    double stock[] = {100, 100};
    int cap;
    demob_model *m = capacity_model(DEMOB_DETERMINISTIC, stock, 2, 120, DEMOB_SHARE_PROPORTIONAL, &cap);
    demob_error e;
    int cap2 = demob_model_add_capacity(m, "flights", demob_model_add_constant(m, 50, &e), DEMOB_SHARE_PROPORTIONAL,
                                        &e);
    assert_int_equal(demob_model_flow_use_capacity(m, 0, cap2, &e), 0);
    demob_sim *s = start(m);
    step(s);
    assert_double_msg(demob_sim_stock(s, 0, 1), 25, 1e-9, "min(60, 25)");
    assert_double_msg(demob_sim_stock(s, 1, 1), 25, 1e-9, "min(60, 25)");
    demob_sim_free(s);
    demob_model_free(m);
}

/* --------------------------------------------------- ceilings and stays */

static void test_ceiling_cuts_entries(void **state)
{
    (void)state;
    demob_model *m = base_model(DEMOB_STOCHASTIC, 2);
    demob_error e;
    demob_model_set_initial(m, 0, 0, 600, &e);
    demob_model_set_initial(m, 1, 0, 200, &e);
    demob_model_set_initial(m, 0, 1, 50, &e);
    flow(m, 0, 1, 1.0, -1);
    assert_true(demob_model_add_ceiling(m, 1, NULL, 0, demob_model_add_constant(m, 250, &e), &e) >= 0);
    demob_sim *s = start(m);
    step(s);
    /* Room 250 - 50 = 200, shared 600:200 -> 150 and 50. */
    assert_double_msg(demob_sim_stock(s, 0, 1), 200, 0, "X in b");
    assert_double_msg(demob_sim_stock(s, 1, 1), 50, 0, "Y in b");
    assert_double_msg(demob_sim_state_total(s, 1), 250, 0, "full");
    step(s);
    assert_double_msg(demob_sim_state_total(s, 1), 250, 0, "no room left");
    demob_sim_free(s);
    demob_model_free(m);
}

static void test_ceiling_counts_departures(void **state)
{
    (void)state;
    /* b is full (100/100); 40 leave b to c this step, so 40 may enter. */
    demob_model *m = base_model(DEMOB_DETERMINISTIC, 1);
    demob_error e;
    demob_model_set_initial(m, 0, 0, 1000, &e);
    demob_model_set_initial(m, 0, 1, 100, &e);
    flow(m, 0, 1, 0.5, -1);
    flow(m, 1, 2, 0.4, -1);
    demob_model_add_ceiling(m, 1, NULL, 0, demob_model_add_constant(m, 100, &e), &e);
    demob_sim *s = start(m);
    step(s);
    assert_double_msg(demob_sim_stock(s, 0, 2), 40, 1e-9, "left b");
    assert_double_msg(demob_sim_stock(s, 0, 1), 100, 1e-9, "b refilled to its ceiling");
    assert_double_msg(demob_sim_stock(s, 0, 0), 960, 1e-9, "the rest wait");
    demob_sim_free(s);
    demob_model_free(m);
}

/* Ceilings break stochastic ties as capacities do, in declaration order
 * (flow, then origin). X and Y each have 1 in a and 1 in b; c holds 2; the
 * flow b->c is declared before a->c, both rate 1: 4 want in, quotas are
 * 1/2 each, and the 2 places go to the first two entries, X b->c and
 * Y b->c (link order would have given X a->c and X b->c). */
static void test_ceiling_ties_in_declaration_order(void **state)
{
    (void)state;
    demob_model *m = base_model(DEMOB_STOCHASTIC, 1);
    demob_error e;
    for (int o = 0; o < 2; o++) {
        demob_model_set_initial(m, o, 0, 1, &e);
        demob_model_set_initial(m, o, 1, 1, &e);
    }
    int fb = flow(m, 1, 2, 1.0, -1);
    int fa = flow(m, 0, 2, 1.0, -1);
    assert_true(demob_model_add_ceiling(m, 2, NULL, 0, demob_model_add_constant(m, 2, &e), &e) >= 0);
    /* The same cut by a capacity, in a second model. */
    demob_model *mc = base_model(DEMOB_STOCHASTIC, 1);
    for (int o = 0; o < 2; o++) {
        demob_model_set_initial(mc, o, 0, 1, &e);
        demob_model_set_initial(mc, o, 1, 1, &e);
    }
    int cb = flow(mc, 1, 2, 1.0, -1), ca = flow(mc, 0, 2, 1.0, -1);
    int cap = demob_model_add_capacity(mc, "site", demob_model_add_constant(mc, 2, &e), DEMOB_SHARE_PROPORTIONAL, &e);
    assert_true(cap >= 0);
    assert_int_equal(demob_model_flow_use_capacity(mc, cb, cap, &e), 0);
    assert_int_equal(demob_model_flow_use_capacity(mc, ca, cap, &e), 0);
    demob_sim *s = start(m), *sc = start(mc);
    step(s);
    step(sc);
    for (int o = 0; o < 2; o++) {
        assert_double_msg(demob_sim_moved(s, o, fb), 1, 0, "b->c gets a place");
        assert_double_msg(demob_sim_moved(s, o, fa), 0, 0, "a->c waits");
        assert_double_msg(demob_sim_moved(sc, o, cb), demob_sim_moved(s, o, fb), 0, "as the capacity");
        assert_double_msg(demob_sim_moved(sc, o, ca), demob_sim_moved(s, o, fa), 0, "as the capacity");
    }
    demob_sim_free(s);
    demob_sim_free(sc);
    demob_model_free(m);
    demob_model_free(mc);
}

/* A fixed cost while b is occupied is charged in the same steps as b's
 * per-person cost: b holds people at the end of steps 2 and 3 only, so
 * both are charged at 2 and 3 (not the fixed one at 3 and 4). */
static void test_fixed_cost_same_steps_as_per_person(void **state)
{
    (void)state;
    for (int mode = 0; mode < 2; mode++) {
        demob_model *m = base_model(mode ? DEMOB_STOCHASTIC : DEMOB_DETERMINISTIC, 5);
        demob_error e;
        demob_model_set_initial(m, 0, 0, 10, &e);
        assert_true(demob_model_add_flow(m, "in", 0, 1, demob_model_add_constant(m, 1, &e), NULL, 0, 2, 2, &e) >= 0);
        assert_true(demob_model_add_flow(m, "out", 1, 2, demob_model_add_constant(m, 1, &e), NULL, 0, 4, 4, &e) >= 0);
        assert_true(demob_model_add_state_cost(m, 1, NULL, 0, demob_model_add_constant(m, 1, &e), "camp", &e) >= 0);
        assert_true(demob_model_add_fixed_cost(m, demob_model_add_constant(m, 100, &e), 1, 0, 0, "site", &e) >= 0);
        demob_sim *s = start(m);
        double camp[6] = {0}, site[6] = {0};
        for (int t = 1; t <= 5; t++) {
            step(s);
            camp[t] = demob_sim_cost(s, 0, 0);
            site[t] = demob_sim_cost(s, 2, 1);
        }
        for (int t = 1; t <= 5; t++) {
            int occupied = t == 2 || t == 3;
            assert_double_msg(camp[t], occupied ? 10 : 0, 0, "per person");
            assert_double_msg(site[t], occupied ? 100 : 0, 0, "fixed, same steps");
        }
        demob_sim_free(s);
        demob_model_free(m);
    }
}

/* The funding gap is the unpaid demand of the movers money cut: 20 want to
 * move at 30 each (600), the balance of 100 pays 3 (90), the gap is the 17
 * unpaid, 510 (not 600 - 100 = 500). With a ceiling of b at 0 the movers
 * are blocked by the ceiling, not by money: the gap is 0. */
static void test_funding_gap_unpaid_demand(void **state)
{
    (void)state;
    for (int ceiling = 0; ceiling < 2; ceiling++) {
        demob_model *m = base_model(DEMOB_STOCHASTIC, 1);
        demob_error e;
        demob_model_set_initial(m, 0, 0, 20, &e);
        int f = flow(m, 0, 1, 1.0, -1);
        int b = demob_model_add_budget(m, "transport", 100, demob_model_add_constant(m, 0, &e), &e);
        assert_int_equal(demob_model_flow_use_budget(m, f, b, demob_model_add_constant(m, 30, &e), &e), 0);
        if (ceiling)
            assert_true(demob_model_add_ceiling(m, 1, NULL, 0, demob_model_add_constant(m, 0, &e), &e) >= 0);
        demob_sim *s = start(m);
        step(s);
        assert_double_msg(demob_sim_stock(s, 0, 1), ceiling ? 0 : 3, 0, "paid for");
        assert_double_msg(demob_sim_funding_gap(s, b), ceiling ? 0 : 510, 1e-9, "gap");
        assert_double_msg(demob_sim_budget_balance(s, b), ceiling ? 100 : 10, 1e-9, "balance");
        demob_sim_free(s);
        demob_model_free(m);
    }
}

static void test_min_stay(void **state)
{
    (void)state;
    /* Everyone enters b at step 1; with a 3-step minimum stay they can
     * leave at step 4 at the earliest (in b at t = 1, 2, 3). */
    demob_model *m = base_model(DEMOB_STOCHASTIC, 5);
    demob_error e;
    demob_model_set_initial(m, 0, 0, 100, &e);
    flow(m, 0, 1, 1.0, -1);
    flow(m, 1, 2, 1.0, -1);
    assert_int_equal(demob_model_set_min_stay(m, 1, 3, &e), 0);
    demob_sim *s = start(m);
    double in_b[] = {100, 100, 100, 0, 0};
    for (int t = 0; t < 5; t++) {
        step(s);
        assert_double_msg(demob_sim_stock(s, 0, 1), in_b[t], 0, "in b");
    }
    assert_double_msg(demob_sim_stock(s, 0, 2), 100, 0, "left at step 4");
    demob_sim_free(s);
    demob_model_free(m);
}

static void test_fixed_duration(void **state)
{
    (void)state;
    /* 10 enter b each step; b lasts exactly 2 steps, then d. */
    demob_model *m = base_model(DEMOB_DETERMINISTIC, 4);
    demob_error e;
    demob_model_set_initial(m, 0, 1, 7, &e); /* initial occupants leave at step 2 */
    demob_value ten = demob_model_add_constant(m, 10, &e);
    assert_true(demob_model_add_arrivals(m, 0, 1, ten, NULL, 0, &e) >= 0);
    assert_int_equal(demob_model_set_duration(m, 1, 2, 3, &e), 0);
    demob_sim *s = start(m);
    double in_b[] = {17, 20, 20, 20}, in_d[] = {0, 7, 17, 27};
    for (int t = 0; t < 4; t++) {
        step(s);
        assert_double_msg(demob_sim_stock(s, 0, 1), in_b[t], 1e-9, "in b");
        assert_double_msg(demob_sim_stock(s, 0, 3), in_d[t], 1e-9, "in d");
    }
    demob_sim_free(s);
    demob_model_free(m);
}

/* ------------------------------------------ budgets, sync, events, costs */

static void test_budget_limits_and_gap(void **state)
{
    (void)state;
    demob_model *m = base_model(DEMOB_STOCHASTIC, 2);
    demob_error e;
    demob_model_set_initial(m, 0, 0, 500, &e);
    int f = flow(m, 0, 1, 1.0, -1);
    int b = demob_model_add_budget(m, "reinsertion", 1000, demob_model_add_constant(m, 0, &e), &e);
    assert_true(b >= 0);
    assert_int_equal(demob_model_add_tranche(m, b, 2, 2000, &e), 0);
    assert_int_equal(demob_model_flow_use_budget(m, f, b, demob_model_add_constant(m, 10, &e), &e), 0);
    demob_sim *s = start(m);
    step(s);
    assert_double_msg(demob_sim_stock(s, 0, 1), 100, 0, "1000 pays for 100");
    assert_double_msg(demob_sim_funding_gap(s, b), 4000, 1e-9, "400 unpaid at 10");
    assert_double_msg(demob_sim_budget_balance(s, b), 0, 1e-9, "spent");
    step(s);
    assert_double_msg(demob_sim_stock(s, 0, 1), 300, 0, "the tranche pays for 200 more");
    assert_double_msg(demob_sim_funding_gap(s, b), 2000, 1e-9, "200 unpaid");
    demob_sim_free(s);
    demob_model_free(m);
}

static void test_sync_withdrawal(void **state)
{
    (void)state;
    /* X (left) would send 100 home, Y (right) 40; ratio 1.5 caps X at 60. */
    demob_model *m = base_model(DEMOB_STOCHASTIC, 1);
    demob_error e;
    demob_model_set_initial(m, 0, 0, 100, &e);
    demob_model_set_initial(m, 1, 0, 40, &e);
    int f = flow(m, 0, 1, 1.0, -1);
    assert_true(demob_model_add_sync(m, "left", "right", 1.5, &f, 1, &e) >= 0);
    demob_sim *s = start(m);
    step(s);
    assert_double_msg(demob_sim_stock(s, 0, 1), 60, 0, "X capped at 1.5 x 40");
    assert_double_msg(demob_sim_stock(s, 1, 1), 40, 0, "Y unchanged");
    demob_sim_free(s);
    demob_model_free(m);
}

static void test_events_switch_flow_and_set_value(void **state)
{
    (void)state;
    demob_model *m = base_model(DEMOB_DETERMINISTIC, 4);
    demob_error e;
    demob_model_set_initial(m, 0, 0, 1000, &e);
    demob_value rate = demob_model_add_param(m, "returns", 0.5, NAN, NAN, &e);
    int f = demob_model_add_flow(m, "returns", 0, 1, rate, NULL, 0, 0, 0, &e);
    assert_int_equal(demob_model_set_flow_enabled(m, f, 0, &e), 0);
    assert_true(demob_model_event_set_flow(m, 3, f, 1, &e) >= 0);
    assert_true(demob_model_event_set_value(m, 4, rate, 1.0, &e) >= 0);
    demob_sim *s = start(m);
    step(s);
    step(s);
    assert_double_msg(demob_sim_stock(s, 0, 1), 0, 0, "off until step 3");
    step(s);
    assert_double_msg(demob_sim_stock(s, 0, 1), 500, 1e-9, "on at step 3");
    step(s);
    assert_double_msg(demob_sim_stock(s, 0, 1), 1000, 1e-9, "rate 1 from step 4");
    demob_sim_free(s);
    demob_model_free(m);
}

static void test_costs(void **state)
{
    (void)state;
    demob_model *m = base_model(DEMOB_DETERMINISTIC, 1);
    demob_error e;
    demob_model_set_initial(m, 0, 0, 100, &e);
    demob_model_set_initial(m, 1, 1, 10, &e);
    int f = flow(m, 0, 1, 0.5, -1);
    assert_true(demob_model_add_state_cost(m, 1, NULL, 0, demob_model_add_constant(m, 2, &e), "camp", &e) >= 0);
    assert_true(demob_model_add_flow_cost(m, f, NULL, 0, demob_model_add_constant(m, 100, &e), "transport", &e) >=
                0);
    assert_true(demob_model_add_fixed_cost(m, demob_model_add_constant(m, 1000, &e), 1, 0, 0, "site", &e) >= 0);
    demob_sim *s = start(m);
    step(s);
    /* X: 50 moved at 100 = 5000 transport; 50 in b at 2 = 100 camp.
     * Y: 10 in b at 2 = 20 camp. Site: 1000 (b occupied after the moves). */
    assert_double_msg(demob_sim_cost(s, 0, 1), 5000, 1e-9, "transport X");
    assert_double_msg(demob_sim_cost(s, 0, 0), 100, 1e-9, "camp X");
    assert_double_msg(demob_sim_cost(s, 1, 0), 20, 1e-9, "camp Y");
    assert_double_msg(demob_sim_cost(s, 2, 2), 1000, 1e-9, "site (fixed)");
    assert_double_msg(demob_sim_cost_total(s), 6120, 1e-9, "total");
    demob_sim_free(s);
    demob_model_free(m);
}

/* ---------------------------------------- conservation, reproducibility */

/* A random model: up to 6 states, 4 origins, random flows (some rate 1),
 * a capacity, a ceiling, a min stay, arrivals. */
static demob_model *random_model(rng *r, demob_mode mode)
{
    demob_model *m = demob_model_new();
    demob_error e;
    int ns = 2 + (int)(rng_uniform(r) * 5), no = 1 + (int)(rng_uniform(r) * 4);
    demob_model_set_steps(m, 30, &e);
    demob_model_set_mode(m, mode, &e);
    demob_model_set_seed(m, rng_next(r), &e);
    for (int i = 0; i < ns; i++) {
        char n[16];
        snprintf(n, sizeof n, "s%d", i);
        demob_model_add_state(m, n, &e);
    }
    for (int i = 0; i < no; i++) {
        char n[16];
        snprintf(n, sizeof n, "o%d", i);
        demob_model_add_origin(m, n, &e);
        demob_model_set_initial(m, i, 0, floor(rng_uniform(r) * 5000), &e);
    }
    int cap = demob_model_add_capacity(m, "cap", demob_model_add_constant(m, floor(rng_uniform(r) * 300), &e),
                                       DEMOB_SHARE_PROPORTIONAL, &e);
    for (int a = 0; a < ns; a++)
        for (int b = 0; b < ns; b++) {
            if (a == b || rng_uniform(r) < 0.5)
                continue;
            double rate = rng_uniform(r) < 0.1 ? 1.0 : rng_uniform(r) * 0.6;
            char n[32];
            snprintf(n, sizeof n, "%d>%d", a, b);
            int f = demob_model_add_flow(m, n, a, b, demob_model_add_constant(m, rate, &e), NULL, 0, 0, 0, &e);
            if (rng_uniform(r) < 0.3)
                demob_model_flow_use_capacity(m, f, cap, &e);
        }
    demob_model_add_ceiling(m, ns - 1, NULL, 0, demob_model_add_constant(m, 1e9, &e), &e);
    demob_model_set_min_stay(m, ns - 1, 2, &e);
    demob_model_add_arrivals(m, 0, 0, demob_model_add_constant(m, 7, &e), NULL, 0, &e);
    return m;
}

static void test_conservation_random(void **state)
{
    (void)state;
    rng r;
    rng_seed(&r, 42, 0);
    for (int k = 0; k < 200; k++) {
        demob_mode mode = k % 2 ? DEMOB_STOCHASTIC : DEMOB_DETERMINISTIC;
        demob_model *m = random_model(&r, mode);
        demob_sim *s = start(m);
        double total = demob_sim_total(s);
        for (int t = 1; t <= 30; t++) {
            step(s); /* the engine itself fails a step that loses anyone */
            total += 7;
            assert_double_msg(demob_sim_total(s), total, mode ? 0 : 1e-6 * total, "total = previous + arrivals");
            for (int o = 0; o < demob_model_n_origins(m); o++)
                for (int st = 0; st < demob_model_n_states(m); st++)
                    assert_true(demob_sim_stock(s, o, st) >= (mode ? 0 : -1e-9));
        }
        demob_sim_free(s);
        demob_model_free(m);
    }
}

static void test_reproducible_streams(void **state)
{
    (void)state;
    rng r;
    rng_seed(&r, 7, 0);
    demob_model *m = random_model(&r, DEMOB_STOCHASTIC);
    demob_sim *s = start(m);
    demob_error e;
    int n = demob_model_n_origins(m) * demob_model_n_states(m);
    double *first = calloc((size_t)n, sizeof(double));
    for (int t = 0; t < 30; t++)
        step(s);
    for (int c = 0; c < n; c++)
        first[c] = demob_sim_stock(s, c / demob_model_n_states(m), c % demob_model_n_states(m));
    /* Run 2, then run 1 again: run 1 must come out the same. */
    demob_sim_reset(s, 2, NULL, &e);
    for (int t = 0; t < 30; t++)
        step(s);
    int differs = 0;
    for (int c = 0; c < n; c++)
        differs |= first[c] != demob_sim_stock(s, c / demob_model_n_states(m), c % demob_model_n_states(m));
    assert_true(differs);
    demob_sim_reset(s, 1, NULL, &e);
    for (int t = 0; t < 30; t++)
        step(s);
    for (int c = 0; c < n; c++)
        assert_double_msg(demob_sim_stock(s, c / demob_model_n_states(m), c % demob_model_n_states(m)),
                          first[c], 0, "same run, same numbers");
    free(first);
    demob_sim_free(s);
    demob_model_free(m);
}

static void test_bad_values_rejected(void **state)
{
    (void)state;
    demob_model *m = base_model(DEMOB_STOCHASTIC, 3);
    demob_error e = {0};
    assert_int_equal(demob_model_set_initial(m, 0, 0, 1.5, &e), 0);
    flow(m, 0, 1, 0.5, -1);
    assert_int_equal(demob_model_freeze(m, &e), DEMOB_EINPUT);
    assert_non_null(strstr(e.message, "whole number"));
    assert_non_null(strstr(e.message, "'X'"));
    demob_model_free(m);

    m = base_model(DEMOB_DETERMINISTIC, 3);
    demob_value p = demob_model_add_param(m, "r", 1.5, NAN, NAN, &e);
    demob_model_add_flow(m, NULL, 0, 1, p, NULL, 0, 0, 0, &e);
    assert_int_equal(demob_model_freeze(m, &e), DEMOB_EINPUT);
    assert_non_null(strstr(e.message, "outside [0, 1]"));
    assert_non_null(strstr(e.message, "a->b"));
    demob_model_free(m);

    m = base_model(DEMOB_DETERMINISTIC, 3);
    assert_true(demob_model_event_set_flow(m, 4, flow(m, 0, 1, 0.1, -1), 0, &e) >= 0);
    assert_int_equal(demob_model_freeze(m, &e), DEMOB_EINPUT);
    assert_non_null(strstr(e.message, "outside the run"));
    demob_model_free(m);

    m = base_model(DEMOB_DETERMINISTIC, 3);
    p = demob_model_add_param(m, "r", 0.1, NAN, NAN, &e);
    demob_model_add_flow(m, NULL, 0, 1, p, NULL, 0, 0, 0, &e);
    assert_true(demob_model_event_set_value(m, 2, p, 1.5, &e) >= 0);
    assert_int_equal(demob_model_freeze(m, &e), DEMOB_EINPUT);
    assert_non_null(strstr(e.message, "event at step 2: flow 'a->b': rate param 'r' = 1.5 is outside [0, 1]"));
    demob_model_free(m);

    m = base_model(DEMOB_DETERMINISTIC, 3);
    assert_int_equal(demob_model_add_state(m, "a", &e), DEMOB_EINPUT);
    assert_non_null(strstr(e.message, "duplicate state 'a'"));
    demob_model_set_initial(m, 0, 1, 300, &e);
    demob_model_add_ceiling(m, 1, NULL, 0, demob_model_add_constant(m, 200, &e), &e);
    assert_int_equal(demob_model_freeze(m, &e), DEMOB_EINPUT);
    assert_non_null(strstr(e.message, "below the starting occupancy"));
    demob_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_competing_risks_deterministic),
        cmocka_unit_test(test_single_flow_and_rate_zero),
        cmocka_unit_test(test_deterministic_decay_reaches_zero),
        cmocka_unit_test(test_rate_one_shares_equally),
        cmocka_unit_test(test_stochastic_one_step_mean_variance),
        cmocka_unit_test(test_capacity_proportional),
        cmocka_unit_test(test_capacity_largest_remainder),
        cmocka_unit_test(test_capacity_priority),
        cmocka_unit_test(test_capacity_priority_by_flow_and_ties),
        cmocka_unit_test(test_flow_under_two_capacities_takes_smallest),
        cmocka_unit_test(test_ceiling_cuts_entries),
        cmocka_unit_test(test_ceiling_counts_departures),
        cmocka_unit_test(test_min_stay),
        cmocka_unit_test(test_fixed_duration),
        cmocka_unit_test(test_budget_limits_and_gap),
        cmocka_unit_test(test_sync_withdrawal),
        cmocka_unit_test(test_events_switch_flow_and_set_value),
        cmocka_unit_test(test_costs),
        cmocka_unit_test(test_rate_one_largest_remainder),
        cmocka_unit_test(test_ceiling_ties_in_declaration_order),
        cmocka_unit_test(test_fixed_cost_same_steps_as_per_person),
        cmocka_unit_test(test_funding_gap_unpaid_demand),
        cmocka_unit_test(test_conservation_random),
        cmocka_unit_test(test_reproducible_streams),
        cmocka_unit_test(test_bad_values_rejected),
    };
    return cmocka_run_group_tests_name("engine", tests, NULL, NULL);
}
