/* test_series.c - series.c: filters, groups, means over runs, p5/p50/p95
 * over runs, cumulative sums, sweep points, quantiles.csv, and bad input;
 * on small files whose numbers are worked out below. */
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
#include "scratch.h"
#include "report/series.h"

static char dir[64];

static const char *put(const char *name, const char *text)
{
    return scratch_put(dir, name, text);
}

static int setup(void **state)
{
    (void)state;
    return scratch_make(dir, sizeof dir, "series");
}

static int teardown(void **state)
{
    (void)state;
    return scratch_remove(dir);
}

#define POP "run,step,date,origin,state,count\n"

/* 5 runs, steps 0 and 1, origins S and C, states a and b. At step 1,
 * S/a = 10, 20, 30, 40, 50 in runs 1..5 and C/a = 1 in every run:
 *   a total per run: 11, 21, 31, 41, 51: mean 31, p5 = 11 + 0.2 * 10 = 13,
 *   p50 = 31, p95 = 41 + 0.8 * 10 = 49 (linear interpolation, h = 4q).
 * b is 5 everywhere. At step 0 everything is 0 except S/a = 100. */
static const char *five_runs(void)
{
    static char text[4096];
    char *p = text;
    p += sprintf(p, POP);
    for (int r = 1; r <= 5; r++) {
        p += sprintf(p, "%d,0,2020-11,S,a,100\n%d,0,2020-11,S,b,0\n", r, r);
        p += sprintf(p, "%d,0,2020-11,C,a,0\n%d,0,2020-11,C,b,0\n", r, r);
        p += sprintf(p, "%d,1,2020-12,S,a,%d\n%d,1,2020-12,S,b,5\n", r, 10 * r, r);
        p += sprintf(p, "%d,1,2020-12,C,a,1\n%d,1,2020-12,C,b,5\n", r, r);
    }
    return text;
}

static void groups_means_and_quantiles(void **state)
{
    (void)state;
    const char *path = put("five.csv", five_runs());
    series_query q = { .by = SERIES_BY_ITEM, .point = -1, .keep_runs = 1 };
    series_set s;
    demob_error err = { 0 };
    assert_int_equal(series_load(path, &q, &s, &err), 0);
    assert_int_equal(s.kind, TIDY_POPULATIONS);
    assert_int_equal(s.n_steps, 2);
    assert_int_equal(s.n_groups, 2);
    assert_int_equal(s.n_samples, 5);
    assert_string_equal(s.groups[0], "a");
    assert_string_equal(s.dates[1], "2020-12");
    assert_double_msg(s.x[1], 1, 0, "x");
    size_t a1 = 0 * s.n_steps + 1, b1 = 1 * s.n_steps + 1;
    assert_double_msg(s.mean[a1], 31, 1e-12, "mean a");
    assert_double_msg(s.p5[a1], 13, 1e-5, "p5 a");
    assert_double_msg(s.p50[a1], 31, 1e-5, "p50 a");
    assert_double_msg(s.p95[a1], 49, 1e-5, "p95 a");
    assert_double_msg(s.mean[b1], 10, 1e-12, "mean b");
    assert_double_msg(s.p5[b1], 10, 0, "p5 b");
    assert_double_msg(s.mean[0], 100, 0, "a at step 0");
    series_free(&s);

    /* By origin, only state a: S = 30 on average, C = 1. */
    const char *only_a[] = { "a" };
    series_query qo = { .by = SERIES_BY_ORIGIN, .items = only_a, .n_items = 1, .point = -1 };
    assert_int_equal(series_load(path, &qo, &s, &err), 0);
    assert_int_equal(s.n_groups, 2);
    assert_string_equal(s.groups[1], "C");
    assert_double_msg(s.mean[0 * 2 + 1], 30, 1e-12, "S a");
    assert_double_msg(s.mean[1 * 2 + 1], 1, 1e-12, "C a");
    assert_null(s.p50);
    series_free(&s);

    /* One total for origin C, running sums: step 0: 0; step 1: 0 + 6. */
    const char *only_c[] = { "C" };
    series_query qt = { .by = SERIES_TOTAL, .origins = only_c, .n_origins = 1, .point = -1,
                        .cumulative = 1, .keep_runs = 1, .total_label = "all" };
    assert_int_equal(series_load(path, &qt, &s, &err), 0);
    assert_int_equal(s.n_groups, 1);
    assert_string_equal(s.groups[0], "all");
    assert_double_msg(s.mean[0], 0, 0, "cum 0");
    assert_double_msg(s.mean[1], 6, 1e-12, "cum 1");
    assert_double_msg(s.p95[1], 6, 1e-6, "cum p95");
    series_free(&s);
}

static void sweep_points_and_quantiles_file(void **state)
{
    (void)state;
    const char *path = put("sweep.csv", "point,run,step,date,origin,state,count\n"
                                        "1,1,0,,S,a,4\n1,2,0,,S,a,6\n2,1,0,,S,a,40\n2,2,0,,S,a,60\n");
    series_query q = { .by = SERIES_BY_ITEM, .point = 2 };
    series_set s;
    demob_error err = { 0 };
    assert_int_equal(series_load(path, &q, &s, &err), 0);
    assert_int_equal(s.n_samples, 2);
    assert_double_msg(s.mean[0], 50, 0, "point 2");
    series_free(&s);
    q.point = -1;   /* pooled: (4 + 6 + 40 + 60) / 4 */
    assert_int_equal(series_load(path, &q, &s, &err), 0);
    assert_int_equal(s.n_samples, 4);
    assert_double_msg(s.mean[0], 27.5, 0, "pooled");
    series_free(&s);

    const char *qpath = put("quantiles.csv",
        "point,step,date,origin,state,mean,sd,p5,p50,p95\n"
        "1,0,,S,a,10,1,8,10,12\n1,0,,C,a,20,2,17,20,23\n"
        "2,0,,S,a,30,1,28,30,32\n2,0,,C,a,40,2,37,40,43\n");
    const char *s_only[] = { "S" };
    series_query qq = { .by = SERIES_BY_ITEM, .origins = s_only, .n_origins = 1, .point = 2,
                        .keep_runs = 1 };
    assert_int_equal(series_load(qpath, &qq, &s, &err), 0);
    assert_int_equal(s.kind, TIDY_QUANTILES);
    assert_non_null(s.p50);
    assert_double_msg(s.mean[0], 30, 0, "q mean");
    assert_double_msg(s.p5[0], 28, 0, "q p5");
    assert_double_msg(s.p95[0], 32, 0, "q p95");
    series_free(&s);
    /* Summed over origins: the mean adds up (30 + 40), quantiles do not. */
    qq.origins = NULL;
    qq.n_origins = 0;
    assert_int_equal(series_load(qpath, &qq, &s, &err), 0);
    assert_double_msg(s.mean[0], 70, 0, "q sum");
    assert_null(s.p50);
    series_free(&s);
    /* Several points need --point. */
    qq.point = -1;
    assert_int_equal(series_load(qpath, &qq, &s, &err), DEMOB_EINPUT);
    assert_non_null(strstr(err.message, "holds 2 sweep points; choose one with --point"));
    series_free(&s);
}

static void bad_input(void **state)
{
    (void)state;
    series_query q = { .by = SERIES_BY_ITEM, .point = -1 };
    series_set s;
    demob_error err = { 0 };
    const char *nobody[] = { "Narnia" };
    q.origins = nobody;
    q.n_origins = 1;
    const char *path = put("five.csv", five_runs());
    assert_int_equal(series_load(path, &q, &s, &err), DEMOB_EINPUT);
    assert_non_null(strstr(err.message, "no rows match the selection (there are origins: S C; "
                                        "items: a b)"));
    series_free(&s);
    q.origins = NULL;
    q.n_origins = 0;
    path = put("apart.csv", POP "1,0,,S,a,1\n2,0,,S,a,1\n1,1,,S,a,1\n");
    assert_int_equal(series_load(path, &q, &s, &err), DEMOB_EINPUT);
    assert_non_null(strstr(err.message, "apart.csv:4: the rows of run 1 are not together"));
    series_free(&s);
    path = put("nan.csv", POP "1,0,,S,a,NaN\n");
    assert_int_equal(series_load(path, &q, &s, &err), DEMOB_EINPUT);
    assert_non_null(strstr(err.message, "nan.csv:2:10: column 'count': 'NaN' is not a number"));
    series_free(&s);
    path = put("summary.csv", "run,x\n1,2\n");
    assert_int_equal(series_load(path, &q, &s, &err), DEMOB_EINPUT);
    assert_non_null(strstr(err.message, "holds summary; charts are drawn from"));
    series_free(&s);
    /* A fan chart needs the same rows in every run: here run 1 lacks one. */
    q.keep_runs = 1;
    path = put("ragged.csv", POP "1,0,,S,a,1\n2,0,,S,a,1\n2,0,,S,b,1\n");
    assert_int_equal(series_load(path, &q, &s, &err), DEMOB_EINPUT);
    assert_non_null(strstr(err.message, "ragged.csv: no row for run 1, step 0, origin 'S', state 'b' (line 4 has it at run 2, step 0;"));
    series_free(&s);
}

static void select_matches_direct_load(void **state)
{
    (void)state;
    const char *path = put("five.csv", five_runs());
    demob_error err = { 0 };
    series_set all, direct, picked;
    series_query qa = { .by = SERIES_BY_ITEM, .point = -1, .keep_runs = 1 };
    assert_int_equal(series_load(path, &qa, &all, &err), 0);
    /* One state's total over origins, with its quantiles over runs. */
    const char *a[] = { "a" };
    series_query qt = { .by = SERIES_TOTAL, .items = a, .n_items = 1, .point = -1,
                        .keep_runs = 1, .total_label = "total" };
    assert_int_equal(series_load(path, &qt, &direct, &err), 0);
    assert_int_equal(series_select(&all, path, &qt, &picked, &err), 0);
    assert_int_equal(picked.n_groups, 1);
    assert_string_equal(picked.groups[0], "total");
    assert_int_equal(picked.n_samples, 5);
    for (size_t t = 0; t < 2; t++) {
        assert_double_msg(picked.mean[t], direct.mean[t], 0, "mean");
        assert_double_msg(picked.p5[t], direct.p5[t], 0, "p5");
        assert_double_msg(picked.p95[t], direct.p95[t], 0, "p95");
    }
    assert_double_msg(picked.p95[1], 49, 1e-5, "p95 of the total of a");
    series_free(&picked);
    series_free(&direct);
    /* Without keep_runs: means only. A missing item is bad input. */
    series_query ql = { .by = SERIES_BY_ITEM, .point = -1 };
    assert_int_equal(series_select(&all, path, &ql, &picked, &err), 0);
    assert_int_equal(picked.n_groups, 2);
    assert_null(picked.p50);
    series_free(&picked);
    const char *z[] = { "z" };
    ql.items = z;
    ql.n_items = 1;
    assert_int_equal(series_select(&all, path, &ql, &picked, &err), DEMOB_EINPUT);
    assert_non_null(strstr(err.message, "no rows match the selection (there are items: a b)"));
    series_free(&picked);
    series_free(&all);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(groups_means_and_quantiles),
        cmocka_unit_test(sweep_points_and_quantiles_file),
        cmocka_unit_test(bad_input),
        cmocka_unit_test(select_matches_direct_load),
    };
    return cmocka_run_group_tests_name("series", tests, setup, teardown);
}
