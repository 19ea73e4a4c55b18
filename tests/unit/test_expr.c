/* test_expr.c - expression slots (core/engine/expr.c) against worked
 * numbers: every operator and function, in both modes, read from the
 * stocks at the start of the step; constant folding; hazards; run-time
 * range checks naming the declaration's line. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "demob.h"
#include "assert_double.h"

#define C(v) { .op = DEMOB_X_CONST, .x = (v) }
#define V(s) { .op = DEMOB_X_VALUE, .a = (s) }
#define OP(o) { .op = DEMOB_X_##o }

static int X_only[] = { 0 }, Y_only[] = { 1 };

/* States a, b; origins X (a 30, b 10) and Y (a 20); params p = 2, q = 0.5;
 * flow "f" a -> b with rate 1 (everyone moves: the same in both modes). */
typedef struct fixture {
    demob_model *m;
    demob_value p, q;
} fixture;

static void setup_model(fixture *fx, demob_mode mode)
{
    demob_error e;
    demob_model *m = demob_model_new();
    assert_int_equal(demob_model_set_steps(m, 3, &e), 0);
    assert_int_equal(demob_model_set_mode(m, mode, &e), 0);
    assert_int_equal(demob_model_add_state(m, "a", &e), 0);
    assert_int_equal(demob_model_add_state(m, "b", &e), 1);
    assert_int_equal(demob_model_add_origin(m, "X", &e), 0);
    assert_int_equal(demob_model_add_origin(m, "Y", &e), 1);
    assert_int_equal(demob_model_set_initial(m, 0, 0, 30, &e), 0);
    assert_int_equal(demob_model_set_initial(m, 0, 1, 10, &e), 0);
    assert_int_equal(demob_model_set_initial(m, 1, 0, 20, &e), 0);
    fx->p = demob_model_add_param(m, "p", 2, NAN, NAN, &e);
    fx->q = demob_model_add_param(m, "q", 0.5, NAN, NAN, &e);
    demob_value one = demob_model_add_constant(m, 1, &e);
    assert_int_equal(demob_model_add_flow(m, "f", 0, 1, one, NULL, 0, 0, 0, &e), 0);
    fx->m = m;
}

typedef struct xcase {
    const char *what;
    demob_expr_node nodes[8];
    int n;
    double want1, want2;   /* at steps 1 and 2 */
} xcase;

static void run_cases(demob_mode mode)
{
    fixture fx;
    setup_model(&fx, mode);
    const int p = fx.p, q = fx.q;
    const double r2 = sqrt(2.0);
    xcase cases[] = {
        { "total a", { { .op = DEMOB_X_TOTAL, .a = 0 } }, 1, 50, 0 },
        { "total b", { { .op = DEMOB_X_TOTAL, .a = 1 } }, 1, 10, 60 },
        { "total(a, X)", { { .op = DEMOB_X_TOTAL, .a = 0, .origins = X_only, .n_origins = 1 } }, 1, 30, 0 },
        { "stock(Y, a)", { { .op = DEMOB_X_STOCK, .a = 0, .origins = Y_only, .n_origins = 1 } }, 1, 20, 0 },
        { "cumulative f", { { .op = DEMOB_X_CUMULATIVE, .a = 0 } }, 1, 0, 50 },
        { "moved f", { { .op = DEMOB_X_MOVED, .a = 0 } }, 1, 0, 50 },
        { "step()", { OP(STEP) }, 1, 1, 2 },
        { "p + q", { V(p), V(q), OP(ADD) }, 3, 2.5, 2.5 },
        { "p - q", { V(p), V(q), OP(SUB) }, 3, 1.5, 1.5 },
        { "p * q", { V(p), V(q), OP(MUL) }, 3, 1, 1 },
        { "p / q", { V(p), V(q), OP(DIV) }, 3, 4, 4 },
        { "p ^ q", { V(p), V(q), OP(POW) }, 3, r2, r2 },
        { "-p", { V(p), OP(NEG) }, 2, -2, -2 },
        { "min(p, q)", { V(p), V(q), OP(MIN) }, 3, 0.5, 0.5 },
        { "max(p, q)", { V(p), V(q), OP(MAX) }, 3, 2, 2 },
        { "exp(q)", { V(q), OP(EXP) }, 2, exp(0.5), exp(0.5) },
        { "log(p)", { V(p), OP(LOG) }, 2, log(2.0), log(2.0) },
        { "sqrt(p)", { V(p), OP(SQRT) }, 2, r2, r2 },
        { "abs(-p)", { V(p), OP(NEG), OP(ABS) }, 3, 2, 2 },
        { "clamp(p, 0, 1)", { V(p), C(0), C(1), OP(CLAMP) }, 4, 1, 1 },
        { "clamp(q, 0, 1)", { V(q), C(0), C(1), OP(CLAMP) }, 4, 0.5, 0.5 },
        { "clamp(-p, 0, 1)", { V(p), OP(NEG), C(0), C(1), OP(CLAMP) }, 5, 0, 0 },
        { "lt(p, q)", { V(p), V(q), OP(LT) }, 3, 0, 0 },
        { "le(q, q)", { V(q), V(q), OP(LE) }, 3, 1, 1 },
        { "gt(p, q)", { V(p), V(q), OP(GT) }, 3, 1, 1 },
        { "ge(q, p)", { V(q), V(p), OP(GE) }, 3, 0, 0 },
        { "eq(p, p)", { V(p), V(p), OP(EQ) }, 3, 1, 1 },
        { "ifelse(lt(q, p), p, q)", { V(q), V(p), OP(LT), V(p), V(q), OP(IFELSE) }, 6, 2, 2 },
        { "ifelse(gt(q, p), p, q)", { V(q), V(p), OP(GT), V(p), V(q), OP(IFELSE) }, 6, 0.5, 0.5 },
        { "ifelse(ge(step, 2), total b, 7)",
          { OP(STEP), C(2), OP(GE), { .op = DEMOB_X_TOTAL, .a = 1 }, C(7), OP(IFELSE) }, 6, 7, 60 },
        { "p * total a / 100 (operands fused)",
          { V(p), { .op = DEMOB_X_TOTAL, .a = 0 }, OP(MUL), C(100), OP(DIV) }, 5, 1, 0 },
        { "(2 * 3 - 1) * p (folded)", { C(2), C(3), OP(MUL), C(1), OP(SUB), V(p), OP(MUL) }, 7, 10, 10 },
    };
    int n = (int)(sizeof cases / sizeof cases[0]);
    demob_value slot[64];
    demob_error e;
    for (int i = 0; i < n; i++) {
        slot[i] = demob_model_add_expr(fx.m, cases[i].nodes, cases[i].n, "t.lua:1", &e);
        if (slot[i] < 0) {
            print_error("%s: %s\n", cases[i].what, e.message);
            fail();
        }
    }
    assert_int_equal(demob_model_freeze(fx.m, &e), 0);
    demob_sim *s = demob_sim_new(fx.m, &e);
    assert_non_null(s);
    assert_int_equal(demob_sim_reset(s, 1, NULL, &e), 0);
    for (int t = 1; t <= 2; t++) {
        assert_int_equal(demob_sim_step(s, &e), 0);
        for (int i = 0; i < n; i++) {
            double got = demob_sim_value(s, slot[i]), want = t == 1 ? cases[i].want1 : cases[i].want2;
            if (!(fabs(got - want) <= 1e-15 * fabs(want))) {
                print_error("%s mode, step %d, %s: got %.17g, want %.17g\n",
                            mode == DEMOB_STOCHASTIC ? "stochastic" : "deterministic", t, cases[i].what, got, want);
                fail();
            }
        }
    }
    demob_sim_free(s);
    demob_model_free(fx.m);
}

static void test_operators_deterministic(void **state) { (void)state; run_cases(DEMOB_DETERMINISTIC); }
static void test_operators_stochastic(void **state) { (void)state; run_cases(DEMOB_STOCHASTIC); }

static void test_folding_and_format(void **state)
{
    (void)state;
    fixture fx;
    demob_error e;
    setup_model(&fx, DEMOB_DETERMINISTIC);
    demob_expr_node a[] = { C(2), C(3), OP(MUL), C(1), OP(SUB), V(fx.p), OP(MUL) };
    demob_value v = demob_model_add_expr(fx.m, a, 7, "t.lua:4", &e);
    assert_true(v >= 0);
    char buf[512];
    demob_model_expr_format(fx.m, v, buf, sizeof buf);
    assert_string_equal(buf, "5 * param \"p\" -- depends on: param p");
    demob_expr_node k[] = { C(1), C(4), OP(SQRT), OP(ADD) };
    v = demob_model_add_expr(fx.m, k, 4, "t.lua:5", &e);
    demob_model_expr_format(fx.m, v, buf, sizeof buf);
    assert_string_equal(buf, "3 -- depends on: nothing (a constant)");
    /* Division by a constant 0, also once folded. */
    demob_expr_node z[] = { V(fx.p), C(1), C(1), OP(SUB), OP(DIV) };
    assert_int_equal(demob_model_add_expr(fx.m, z, 5, "t.lua:6", &e), DEMOB_EINPUT);
    assert_non_null(strstr(e.message, "t.lua:6: expression: division by a constant 0"));
    /* Malformed programs. */
    demob_expr_node bad[] = { V(fx.p), OP(ADD) };
    assert_int_equal(demob_model_add_expr(fx.m, bad, 2, "t.lua:7", &e), DEMOB_EINPUT);
    demob_expr_node two[] = { V(fx.p), V(fx.q) };
    assert_int_equal(demob_model_add_expr(fx.m, two, 2, "t.lua:8", &e), DEMOB_EINPUT);
    demob_model_free(fx.m);
}

/* A rate expression: p * total a / 100 = 1 at step 1 (50 people), then
 * hazard 0.5 on Y's flow: deterministic movers 20 (1 - e^-0.5). */
static void test_hazard_and_rate(void **state)
{
    (void)state;
    fixture fx;
    demob_error e;
    setup_model(&fx, DEMOB_DETERMINISTIC);
    demob_expr_node h[] = { V(fx.p), C(0.25), OP(MUL) };
    demob_value hv = demob_model_add_expr(fx.m, h, 3, "t.lua:9", &e);
    int f = demob_model_add_flow(fx.m, "g", 1, 0, hv, NULL, 0, 0, 0, &e);
    assert_true(f >= 0);
    assert_int_equal(demob_model_set_flow_hazard(fx.m, f, 1, &e), 0);
    assert_int_equal(demob_model_freeze(fx.m, &e), 0);
    demob_sim *s = demob_sim_new(fx.m, &e);
    assert_int_equal(demob_sim_reset(s, 1, NULL, &e), 0);
    assert_int_equal(demob_sim_step(s, &e), 0);
    /* b of X: 10 leave at rate 1 - e^-0.5; 30 arrive by f (rate 1). */
    double want = 10 - 10 * (1 - exp(-0.5)) + 30;
    assert_true(fabs(demob_sim_stock(s, 0, 1) - want) < 1e-12);
    demob_sim_free(s);
    demob_model_free(fx.m);
}

/* A budget refill given by an expression takes the step's value: 50 (total
 * a) at step 1, 0 at step 2 (everyone moved to b). */
static void test_budget_refill(void **state)
{
    (void)state;
    fixture fx;
    demob_error e;
    setup_model(&fx, DEMOB_STOCHASTIC);
    demob_expr_node r[] = { { .op = DEMOB_X_TOTAL, .a = 0 } };
    demob_value rv = demob_model_add_expr(fx.m, r, 1, "t.lua:10", &e);
    assert_true(demob_model_add_budget(fx.m, "money", 5, rv, &e) >= 0);
    assert_int_equal(demob_model_freeze(fx.m, &e), 0);
    demob_sim *s = demob_sim_new(fx.m, &e);
    assert_int_equal(demob_sim_reset(s, 1, NULL, &e), 0);
    assert_int_equal(demob_sim_step(s, &e), 0);
    assert_true(demob_sim_budget_balance(s, 0) == 55);
    assert_int_equal(demob_sim_step(s, &e), 0);
    assert_true(demob_sim_budget_balance(s, 0) == 55);
    demob_sim_free(s);
    demob_model_free(fx.m);
}

/* A hook that changes a param at step 2: a budget refilled by the param and
 * one refilled by an expression of it see the change at the same step (the
 * next one: refills come before the hook). Balances 2, 4, 14 for both. */
static int set_p_at_2(void *ud, demob_sim *sim, int step, demob_error *err)
{
    return step == 2 ? demob_sim_set_value(sim, *(demob_value *)ud, 10, err) : 0;
}

static void test_budget_refill_after_hook(void **state)
{
    (void)state;
    fixture fx;
    demob_error e;
    setup_model(&fx, DEMOB_DETERMINISTIC);
    demob_expr_node r[] = { { .op = DEMOB_X_VALUE, .a = fx.p }, C(0), { .op = DEMOB_X_STEP }, OP(MUL), OP(ADD) };
    demob_value rv = demob_model_add_expr(fx.m, r, 5, "t.lua:11", &e);
    assert_true(demob_model_add_budget(fx.m, "by_param", 0, fx.p, &e) >= 0);
    assert_true(demob_model_add_budget(fx.m, "by_expr", 0, rv, &e) >= 0);
    assert_int_equal(demob_model_freeze(fx.m, &e), 0);
    demob_sim *s = demob_sim_new(fx.m, &e);
    demob_sim_set_hook(s, set_p_at_2, &fx.p);
    assert_int_equal(demob_sim_reset(s, 1, NULL, &e), 0);
    const double want[] = { 2, 4, 14 };
    for (int t = 0; t < 3; t++) {
        assert_int_equal(demob_sim_step(s, &e), 0);
        assert_double(demob_sim_budget_balance(s, 0), want[t], 0);
        assert_double(demob_sim_budget_balance(s, 1), want[t], 0);
    }
    demob_sim_free(s);
    demob_model_free(fx.m);
}

static void test_runtime_errors(void **state)
{
    (void)state;
    fixture fx;
    demob_error e;
    setup_model(&fx, DEMOB_STOCHASTIC);
    /* rate = total b / 20: 0.5 at step 1, 3 at step 2 (60 in b). */
    demob_expr_node r[] = { { .op = DEMOB_X_TOTAL, .a = 1 }, C(20), OP(DIV) };
    demob_value rv = demob_model_add_expr(fx.m, r, 3, "t.lua:12", &e);
    assert_true(demob_model_add_flow(fx.m, "back", 1, 0, rv, NULL, 0, 0, 0, &e) >= 0);
    assert_int_equal(demob_model_freeze(fx.m, &e), 0);
    demob_sim *s = demob_sim_new(fx.m, &e);
    assert_int_equal(demob_sim_reset(s, 2, NULL, &e), 0);
    assert_int_equal(demob_sim_step(s, &e), 0);
    double b = demob_sim_state_total(s, 1);
    int rc = demob_sim_step(s, &e);
    if (b / 20 > 1) {
        assert_int_equal(rc, DEMOB_EINPUT);
        char want[200];
        snprintf(want, sizeof want, "t.lua:12: rate expression = %g at step 2, run 2 is outside [0, 1]", b / 20);
        assert_string_equal(e.message, want);
    }
    demob_sim_free(s);
    demob_model_free(fx.m);

    /* A negative capacity, and NaN. */
    setup_model(&fx, DEMOB_DETERMINISTIC);
    demob_expr_node c[] = { C(1), V(fx.p), OP(SUB) };
    demob_value cv = demob_model_add_expr(fx.m, c, 3, "t.lua:13", &e);
    assert_true(demob_model_add_capacity(fx.m, "cap", cv, DEMOB_SHARE_PROPORTIONAL, &e) >= 0);
    demob_expr_node nan_[] = { V(fx.p), OP(NEG), OP(SQRT) };
    demob_model_add_expr(fx.m, nan_, 3, "t.lua:14", &e);
    assert_int_equal(demob_model_freeze(fx.m, &e), 0);
    s = demob_sim_new(fx.m, &e);
    assert_int_equal(demob_sim_reset(s, 1, NULL, &e), 0);
    assert_int_equal(demob_sim_step(s, &e), DEMOB_EINPUT);
    assert_string_equal(e.message, "t.lua:13: capacity expression = -1 at step 1, run 1 is negative");
    demob_sim_free(s);
    demob_model_free(fx.m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_operators_deterministic),
        cmocka_unit_test(test_operators_stochastic),
        cmocka_unit_test(test_folding_and_format),
        cmocka_unit_test(test_hazard_and_rate),
        cmocka_unit_test(test_budget_refill),
        cmocka_unit_test(test_budget_refill_after_hook),
        cmocka_unit_test(test_runtime_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
