/* test_answer.c - the answer table's numbers and layout (util/stats_table)
 * and the run layer's outcomes and per-run values (run/outcome, run/quant,
 * run/answer) on a small deterministic and stochastic model. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "demob.h"
#include "run/answer.h"
#include "run/outcome.h"
#include "run/quant.h"
#include "util/stats_table.h"

static void test_numbers(void **state)
{
    (void)state;
    char b[64];
    stats_table_number(1234567, b, sizeof b);
    assert_string_equal(b, "1,234,567");
    stats_table_number(999.6, b, sizeof b);
    assert_string_equal(b, "1,000");
    stats_table_number(42, b, sizeof b);
    assert_string_equal(b, "42");
    stats_table_number(0.1234, b, sizeof b);
    assert_string_equal(b, "0.123");
    stats_table_number(-1500, b, sizeof b);
    assert_string_equal(b, "-1,500");
    stats_table_number(NAN, b, sizeof b);
    assert_string_equal(b, "-");
}

/* 1..10: p5 1.45, p50 5.5, p95 9.55 (type 7); equal values: one number. */
static void test_cells(void **state)
{
    (void)state;
    char b[64];
    double x[10] = {7, 3, 10, 1, 5, 2, 9, 4, 8, 6};
    stats_table_cell(x, 10, b, sizeof b);
    assert_string_equal(b, "5.5 (1.45-9.55)");
    double y[10] = {700, 300, 1000, 100, 500, 200, 900, 400, 800, 600};
    stats_table_cell(y, 10, b, sizeof b);
    assert_string_equal(b, "550 (145-955)");
    double z[3] = {4, 4, 4};
    stats_table_cell(z, 3, b, sizeof b);
    assert_string_equal(b, "4");
    stats_table_cell(z, 0, b, sizeof b);
    assert_string_equal(b, "-");
}

static void test_layout(void **state)
{
    (void)state;
    const char *cols[] = {"t=1", "t=2"}, *rows[] = {"a", "longer"}, *cells[] = {"1", "22", "333", "4"};
    strbuf b;
    strbuf_init(&b);
    stats_table_print(&b, "", cols, 2, rows, cells, 2);
    assert_string_equal(b.data, "        t=1  t=2\n"
                                "a         1   22\n"
                                "longer  333    4\n");
    strbuf_free(&b);
}

/* Two origins (A tagged t), states x -> y at rate 0.5 (deterministic),
 * 4 steps from 2021-01: stocks of x are 100 * 0.5^t for A, 50 * 0.5^t for B. */
static demob_model *small_model(demob_mode mode, long runs)
{
    demob_error err;
    demob_model *m = demob_model_new();
    demob_model_set_steps(m, 4, &err);
    demob_model_set_start(m, "2021-01", &err);
    demob_model_set_mode(m, mode, &err);
    demob_model_set_runs(m, runs, &err);
    int x = demob_model_add_state(m, "x", &err), y = demob_model_add_state(m, "y", &err);
    int a = demob_model_add_origin(m, "A", &err), b = demob_model_add_origin(m, "B", &err);
    demob_model_tag_origin(m, a, "t", &err);
    demob_model_set_initial(m, a, x, 100, &err);
    demob_model_set_initial(m, b, x, 50, &err);
    demob_value r = demob_model_add_constant(m, 0.5, &err);
    assert_true(demob_model_add_flow(m, "x->y", x, y, r, NULL, 0, 0, 0, &err) >= 0);
    assert_int_equal(demob_model_freeze(m, &err), 0);
    return m;
}

static void run_into(const demob_model *m, const output_plan *p, output_quant *q)
{
    demob_error err;
    demob_sim *s = demob_sim_new(m, &err);
    assert_non_null(s);
    double *vals = malloc(q->n_rows * sizeof *vals);
    for (long r = 0; r < q->runs; r++) {
        assert_int_equal(demob_sim_reset(s, r + 1, NULL, &err), 0);
        size_t k = 0;
        for (int t = 0;; t++) {
            { /* every step, as the runner with record_every = 1 */
                for (int o = 0; o < 2; o++)
                    for (int st = 0; st < 2; st++)
                        vals[k++] = demob_sim_stock(s, o, st);
                for (int i = 0; p->outcomes && i < p->outcomes->n; i++)
                    vals[k++] = output_outcome_value(&p->outcomes->v[i], s);
            }
            if (t == demob_model_steps(m))
                break;
            assert_int_equal(demob_sim_step(s, &err), 0);
        }
        output_quant_add(q, r, vals);
    }
    free(vals);
    demob_sim_free(s);
}

static void test_outcomes_and_table(void **state)
{
    (void)state;
    demob_model *m = small_model(DEMOB_DETERMINISTIC, 1);
    output_outcomes oc = {0};
    int states_y[] = {1}, only_a[] = {0}, flow0[] = {0};
    output_outcome o1 = {"y_of_A", OUTCOME_STOCK, only_a, 1, states_y, 1, -1, "stock of y (A)"};
    output_outcome o2 = {"moved", OUTCOME_FLOWS, NULL, 0, flow0, 1, -1, "people moved"};
    output_outcome o3 = {"into_y", OUTCOME_FLOWS, NULL, 0, NULL, 0, 1, "entered y"};
    assert_int_equal(output_outcomes_add(&oc, &o1), 0);
    assert_int_equal(output_outcomes_add(&oc, &o2), 0);
    assert_int_equal(output_outcomes_add(&oc, &o3), 0);
    assert_int_equal(output_outcomes_find(&oc, "moved"), 1);
    output_plan p = {{0}, 1, &oc};
    output_quant q;
    demob_error err;
    assert_int_equal(output_quant_init(&q, m, &p, 1, &err), 0);
    assert_int_equal(q.n_rec, 5);
    run_into(m, &p, &q);
    /* t = 2: A's y = 75, moved = into_y = 150 * 0.75 = 112.5 */
    double v;
    size_t series[] = {4};
    output_quant_sum(&q, 2, series, 1, &v);
    assert_true(fabs(v - 75) < 1e-9);
    size_t both[] = {5, 6};
    output_quant_sum(&q, 2, both, 2, &v);
    assert_true(fabs(v - 225) < 1e-9);
    /* The table: dates, groups summed, outcomes once. */
    int at[2];
    assert_int_equal(output_parse_steps(m, "2,2021-05", "--at", at, 2, &err), 2);
    assert_int_equal(at[1], 4);
    const char *origins[] = {"A+B", "t"}, *states[] = {"x", "moved"};
    output_answer a = {at, 2, origins, 2, states, 2, "range line"};
    strbuf b;
    strbuf_init(&b);
    assert_int_equal(output_answer_format(&q, &a, "--origin", "--state", &b, &err), 0);
    /* 37.5 and 112.5 print as whole numbers (from 10 on; half to even) */
    assert_string_equal(b.data, "range line\n"
                                "       2021-03 (t=2)  2021-05 (t=4)\n"
                                "A+B x             38           9.38\n"
                                "t x               25           6.25\n"
                                "moved            112            141\n"
                                "  moved: people moved\n");
    strbuf_free(&b);
    /* Bad input names the option. */
    const char *bad[] = {"A+Mars"};
    output_answer a2 = {at, 1, bad, 1, NULL, 0, NULL};
    strbuf_init(&b);
    assert_int_equal(output_answer_format(&q, &a2, "--origin", "--state", &b, &err), DEMOB_EINPUT);
    assert_non_null(strstr(err.message, "--origin: 'Mars' names no origin or tag"));
    strbuf_free(&b);
    int t;
    assert_int_equal(output_parse_step(m, "5", &t, &err), DEMOB_EINPUT);
    assert_non_null(strstr(err.message, "step 5 is outside the run (steps 0..4, dates 2021-01..2021-05)"));
    assert_int_equal(output_parse_step(m, "2021-13", &t, &err), DEMOB_EINPUT);
    output_quant_free(&q);
    output_outcomes_free(&oc);
    demob_model_free(m);
}

/* quantiles.csv over 30 stochastic runs: p50 of a cell is the type-7
 * median of the values kept; outcomes.csv lists every run and step. */
static void test_quantiles_file(void **state)
{
    (void)state;
    demob_model *m = small_model(DEMOB_STOCHASTIC, 30);
    output_outcomes oc = {0};
    int states_x[] = {0};
    output_outcome o1 = {"still_x", OUTCOME_STOCK, NULL, 0, states_x, 1, -1, "stock of x"};
    assert_int_equal(output_outcomes_add(&oc, &o1), 0);
    output_plan p = {{0}, 2, &oc};
    output_quant q;
    demob_error err;
    assert_int_equal(output_quant_init(&q, m, &p, 30, &err), 0);
    assert_int_equal(q.n_rec, 5); /* every step kept; the files list t = 0, 2, 4 */
    run_into(m, &p, &q);
    strbuf b;
    strbuf_init(&b);
    output_quant_format(&q, &b);
    const char *head = "step,date,origin,state,mean,sd,p5,p25,p50,p75,p95\n0,2021-01,A,x,100,0,100,100,100,100,100\n";
    assert_int_equal(strncmp(b.data, head, strlen(head)), 0);
    assert_non_null(strstr(b.data, "\n4,2021-05,all,still_x,"));
    assert_null(strstr(b.data, "\n3,2021-04,"));
    strbuf_free(&b);
    strbuf_init(&b);
    output_quant_outcomes(&q, &b);
    size_t lines = 0;
    for (size_t i = 0; i < b.len; i++)
        lines += b.data[i] == '\n';
    assert_int_equal(lines, 1 + 30 * 3);
    strbuf_free(&b);
    output_quant_free(&q);
    output_outcomes_free(&oc);
    demob_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_cells),
        cmocka_unit_test(test_layout),
        cmocka_unit_test(test_outcomes_and_table),
        cmocka_unit_test(test_quantiles_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
