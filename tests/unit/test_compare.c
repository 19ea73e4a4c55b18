/* test_compare.c - the compare engine (compare.c, compare_format.c) and
 * the statistics under it (runstats.c) on small files whose differences,
 * means, intervals and statuses are worked out by hand below. */
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
#include "report/compare.h"
#include "scratch.h"
#include "util/runstats.h"
#include "util/stats.h"

static char dir[64];

/* Writes text to <dir>/name and returns the path. */
static const char *put(const char *name, const char *text)
{
    return scratch_put(dir, name, text);
}

static int setup(void **state)
{
    (void)state;
    return scratch_make(dir, sizeof dir, "compare");
}

static int teardown(void **state)
{
    (void)state;
    return scratch_remove(dir);
}

static const compare_cell *find(const compare_result *r, long step, const char *origin,
                                const char *item)
{
    for (size_t i = 0; i < r->n_cells; i++)
        if (r->cells[i].step == step && strcmp(r->cells[i].origin, origin) == 0 &&
            strcmp(r->cells[i].item, item) == 0)
            return &r->cells[i];
    return NULL;
}

#define POP_HEAD "run,step,date,origin,state,count\n"

/* Deterministic: one run each side, 2 origins x 2 states, steps 0..2.
 * Final step 2. A: Sudan present 100, away 50; Chad present 40, away 10.
 *              B: Sudan present 100, away 80; Chad present 30, away 10.
 * Differences: Sudan away +30 (+60%), Chad present -10 (-25%); totals:
 * present 140 -> 130 (-10), away 60 -> 90 (+30). */
static const char *det_a =
    POP_HEAD
    "1,0,2020-11,Sudan,present,150\n1,0,2020-11,Sudan,away,0\n"
    "1,0,2020-11,Chad,present,50\n1,0,2020-11,Chad,away,0\n"
    "1,1,2020-12,Sudan,present,120\n1,1,2020-12,Sudan,away,30\n"
    "1,1,2020-12,Chad,present,45\n1,1,2020-12,Chad,away,5\n"
    "1,2,2021-01,Sudan,present,100\n1,2,2021-01,Sudan,away,50\n"
    "1,2,2021-01,Chad,present,40\n1,2,2021-01,Chad,away,10\n";
static const char *det_b =
    POP_HEAD
    "1,0,2020-11,Sudan,present,180\n1,0,2020-11,Sudan,away,0\n"
    "1,0,2020-11,Chad,present,40\n1,0,2020-11,Chad,away,0\n"
    "1,1,2020-12,Sudan,present,140\n1,1,2020-12,Sudan,away,40\n"
    "1,1,2020-12,Chad,present,35\n1,1,2020-12,Chad,away,5\n"
    "1,2,2021-01,Sudan,present,100\n1,2,2021-01,Sudan,away,80\n"
    "1,2,2021-01,Chad,present,30\n1,2,2021-01,Chad,away,10\n";

static void deterministic_final_step(void **state)
{
    (void)state;
    const char *a = put("det_a.csv", det_a), *b = put("det_b.csv", det_b);
    compare_options o;
    compare_options_init(&o);
    compare_result r;
    demob_error err = { 0 };
    assert_int_equal(compare_files(a, b, &o, &r, &err), 0);
    assert_int_equal(r.kind, TIDY_POPULATIONS);
    assert_int_equal(r.final_a, 2);
    assert_int_equal(r.final_b, 2);
    /* 4 cells + 2 totals, all at step 2 only. */
    assert_int_equal(r.n_cells, 6);
    for (size_t i = 0; i < r.n_cells; i++)
        assert_int_equal(r.cells[i].step, 2);
    const compare_cell *c = find(&r, 2, "Sudan", "away");
    assert_non_null(c);
    assert_double_msg(c->a.mean, 50, 0, "A Sudan away");
    assert_double_msg(c->b.mean, 80, 0, "B Sudan away");
    assert_double_msg(c->diff, 30, 0, "diff");
    assert_double_msg(c->rel, 0.6, 1e-15, "rel");
    assert_int_equal(c->status, CMP_DIFFERS);
    assert_int_equal(c->noise, -1);        /* one run: not testable */
    assert_string_equal(c->date, "2021-01");
    c = find(&r, 2, "Chad", "present");
    assert_double_msg(c->diff, -10, 0, "Chad present diff");
    assert_double_msg(c->rel, -0.25, 1e-15, "Chad present rel");
    c = find(&r, 2, "Sudan", "present");
    assert_int_equal(c->status, CMP_EQUAL);
    c = find(&r, 2, COMPARE_ALL, "present");
    assert_double_msg(c->a.mean, 140, 0, "total present A");
    assert_double_msg(c->b.mean, 130, 0, "total present B");
    c = find(&r, 2, COMPARE_ALL, "away");
    assert_double_msg(c->diff, 30, 0, "total away diff");
    assert_int_equal(r.n_equal, 2);       /* Sudan present, Chad away */
    assert_int_equal(r.n_differs, 4);
    /* Sorted: Sudan, Chad, then the totals, items in file order. */
    assert_string_equal(r.cells[0].origin, "Sudan");
    assert_string_equal(r.cells[0].item, "present");
    assert_string_equal(r.cells[2].origin, "Chad");
    assert_string_equal(r.cells[4].origin, COMPARE_ALL);
    assert_int_equal(compare_failed(&r, &o), 0);   /* no gate asked for */
    compare_result_free(&r);
}

static void at_steps_and_all_steps(void **state)
{
    (void)state;
    const char *a = put("det_a.csv", det_a), *b = put("det_b.csv", det_b);
    compare_options o;
    compare_options_init(&o);
    long at[] = { 1 };
    o.at = at;
    o.n_at = 1;
    compare_result r;
    demob_error err = { 0 };
    assert_int_equal(compare_files(a, b, &o, &r, &err), 0);
    assert_int_equal(r.n_cells, 12);
    const compare_cell *c = find(&r, 1, "Sudan", "present");
    assert_double_msg(c->diff, 20, 0, "step 1 Sudan present");   /* 140 - 120 */
    compare_result_free(&r);

    compare_options_init(&o);
    o.all_steps = 1;
    assert_int_equal(compare_files(a, b, &o, &r, &err), 0);
    assert_int_equal(r.n_cells, 18);
    c = find(&r, 0, COMPARE_ALL, "present");
    assert_double_msg(c->a.mean, 200, 0, "step 0 total A");
    assert_double_msg(c->b.mean, 220, 0, "step 0 total B");
    compare_result_free(&r);

    /* A step beyond both files is bad input. */
    long far[] = { 9 };
    compare_options_init(&o);
    o.at = far;
    o.n_at = 1;
    assert_int_equal(compare_files(a, b, &o, &r, &err), DEMOB_EINPUT);
    assert_non_null(strstr(err.message, "--at 9"));
    compare_result_free(&r);
}

static void tolerances_gate(void **state)
{
    (void)state;
    const char *a = put("det_a.csv", det_a), *b = put("det_b.csv", det_b);
    compare_result r;
    demob_error err = { 0 };
    compare_options o;
    /* Largest |diff| is 30 (Sudan away and the away total). */
    compare_options_init(&o);
    o.has_abs = 1;
    o.abs_tol = 30;
    assert_int_equal(compare_files(a, b, &o, &r, &err), 0);
    assert_int_equal(r.n_within, 4);
    assert_int_equal(r.n_differs, 0);
    assert_int_equal(compare_failed(&r, &o), 0);
    compare_result_free(&r);
    o.abs_tol = 29.9;
    assert_int_equal(compare_files(a, b, &o, &r, &err), 0);
    assert_int_equal(r.n_differs, 2);
    assert_int_equal(compare_failed(&r, &o), 1);
    compare_result_free(&r);
    /* Relative: |d| <= rel * max(|a|, |b|). Sudan away: 30 / 80 = 0.375;
     * Chad present 10 / 40 = 0.25; total present 10 / 140; total away
     * 30 / 90 = 0.333. rel 0.375 admits all, 0.37 all but Sudan away. */
    compare_options_init(&o);
    o.has_rel = 1;
    o.rel_tol = 0.375;
    assert_int_equal(compare_files(a, b, &o, &r, &err), 0);
    assert_int_equal(compare_failed(&r, &o), 0);
    compare_result_free(&r);
    o.rel_tol = 0.37;
    assert_int_equal(compare_files(a, b, &o, &r, &err), 0);
    assert_int_equal(r.n_differs, 1);
    assert_string_equal(find(&r, 2, "Sudan", "away") ? compare_status_name(find(&r, 2, "Sudan", "away")->status) : "", "differs");
    assert_int_equal(compare_failed(&r, &o), 1);
    compare_result_free(&r);
    /* Either tolerance suffices: abs 10 covers all but the two 30s, rel
     * 0.34 covers the away total (0.333) but not Sudan away (0.375). */
    o.has_abs = 1;
    o.abs_tol = 10;
    o.rel_tol = 0.34;
    assert_int_equal(compare_files(a, b, &o, &r, &err), 0);
    assert_int_equal(r.n_differs, 1);
    compare_result_free(&r);
    /* Identical files pass an exact gate. */
    compare_options_init(&o);
    o.has_abs = 1;
    assert_int_equal(compare_files(a, a, &o, &r, &err), 0);
    assert_int_equal(r.n_equal, 6);
    assert_int_equal(compare_failed(&r, &o), 0);
    compare_result_free(&r);
}

/* Stochastic: 3 runs each side at the final step 1, one origin.
 * A present = 10, 12, 14: mean 12, sd 2, CI half = t(2) * 2 / sqrt 3
 *   = 4.3027 * 1.1547 = 4.9683.   B present = 20, 22, 24: mean 22.
 * Welch: se = sqrt(4/3 + 4/3) = 1.63299, df = 4, t(4) = 2.7764,
 *   threshold 4.5338 < 10: beyond noise.
 * A away = 5, 6, 7; B away = 6, 7, 5: identical means, not beyond. */
static void stochastic_pooled(void **state)
{
    (void)state;
    const char *a = put("sto_a.csv",
        POP_HEAD
        "1,0,,X,present,20\n1,0,,X,away,0\n1,1,,X,present,10\n1,1,,X,away,5\n"
        "2,0,,X,present,20\n2,0,,X,away,0\n2,1,,X,present,12\n2,1,,X,away,6\n"
        "3,0,,X,present,20\n3,0,,X,away,0\n3,1,,X,away,7\n3,1,,X,present,14\n");
    const char *b = put("sto_b.csv",
        POP_HEAD
        "1,0,,X,present,30\n1,0,,X,away,0\n1,1,,X,present,20\n1,1,,X,away,6\n"
        "2,0,,X,present,30\n2,0,,X,away,0\n2,1,,X,present,22\n2,1,,X,away,7\n"
        "3,0,,X,present,30\n3,0,,X,away,0\n3,1,,X,present,24\n3,1,,X,away,5\n");
    compare_options o;
    compare_options_init(&o);
    compare_result r;
    demob_error err = { 0 };
    assert_int_equal(compare_files(a, b, &o, &r, &err), 0);
    assert_int_equal(r.samples_a, 3);
    const compare_cell *c = find(&r, 1, "X", "present");
    assert_int_equal(c->a.n, 3);
    assert_double_msg(c->a.mean, 12, 1e-12, "mean A");
    assert_double_msg(c->a.sd, 2, 1e-12, "sd A");
    assert_double_msg(c->a.hi - c->a.mean, 4.3027 * 2 / sqrt(3), 1e-9, "CI half A");
    assert_double_msg(c->b.mean, 22, 1e-12, "mean B");
    assert_int_equal(c->noise, 1);
    c = find(&r, 1, "X", "away");
    assert_int_equal(c->status, CMP_EQUAL);
    assert_int_equal(c->noise, 0);
    /* The total over origins is per-run sums: A 15, 18, 21 (sd 3). */
    c = find(&r, 1, COMPARE_ALL, "present");
    assert_non_null(c);
    c = find(&r, 1, COMPARE_ALL, "away");
    assert_double_msg(c->a.mean, 6, 1e-12, "total away mean");
    assert_int_equal(r.n_noise, 2);   /* X present and its total */
    /* The noise gate fails; no tolerance gate without tolerances. */
    o.noise_gate = 1;
    assert_int_equal(compare_failed(&r, &o), 1);
    compare_result_free(&r);

    /* Run by run: run is a key, n = 1 per side, no noise test. */
    compare_options_init(&o);
    o.by_run = 1;
    assert_int_equal(compare_files(a, b, &o, &r, &err), 0);
    assert_int_equal(r.n_cells, 3 * 4);   /* 3 runs x (2 cells + 2 totals) */
    assert_int_equal(r.cells[0].run, 1);
    assert_int_equal(r.cells[0].a.n, 1);
    assert_double_msg(r.cells[0].diff, 10, 0, "run 1 present");
    compare_result_free(&r);
}

static void one_sided_rows(void **state)
{
    (void)state;
    const char *a = put("one_a.csv", POP_HEAD "1,3,,Sudan,present,5\n1,3,,Niger,present,2\n");
    const char *b = put("one_b.csv", POP_HEAD "1,3,,Sudan,present,5\n1,3,,Sudan,stranded,1\n");
    compare_options o;
    compare_options_init(&o);
    o.has_abs = 1;
    o.abs_tol = 100;
    compare_result r;
    demob_error err = { 0 };
    assert_int_equal(compare_files(a, b, &o, &r, &err), 0);
    assert_int_equal(r.n_only_a, 1);
    assert_int_equal(r.n_only_b, 2);   /* Sudan stranded and its total */
    assert_int_equal(find(&r, 3, "Niger", "present")->status, CMP_ONLY_A);
    assert_int_equal(find(&r, 3, "Sudan", "stranded")->status, CMP_ONLY_B);
    /* The total present is 7 vs 5: within the tolerance. */
    assert_int_equal(find(&r, 3, COMPARE_ALL, "present")->status, CMP_WITHIN);
    assert_int_equal(compare_failed(&r, &o), 1);   /* one-sided rows fail a gate */
    strbuf t;
    strbuf_init(&t);
    compare_format_table(&r, &o, 10, 0, &t);
    assert_non_null(strstr(t.data, "Only in A (1 row):"));
    assert_non_null(strstr(t.data, "Only in B (2 rows):"));
    assert_non_null(strstr(t.data, "Niger"));
    strbuf_free(&t);
    compare_result_free(&r);
}

static void csv_output(void **state)
{
    (void)state;
    const char *a = put("det_a.csv", det_a), *b = put("det_b.csv", det_b);
    compare_options o;
    compare_options_init(&o);
    compare_result r;
    demob_error err = { 0 };
    assert_int_equal(compare_files(a, b, &o, &r, &err), 0);
    strbuf s;
    strbuf_init(&s);
    compare_format_csv(&r, "populations.csv", 1, &s);
    const char *want =
        "file,point,run,step,date,origin,item,a_n,a_mean,a_lo,a_hi,b_n,b_mean,b_lo,b_hi,"
        "diff,rel,beyond_noise,status\n"
        "populations.csv,,,2,2021-01,Sudan,present,1,100,,,1,100,,,0,0,,equal\n"
        "populations.csv,,,2,2021-01,Sudan,away,1,50,,,1,80,,,30,0.6,,differs\n"
        "populations.csv,,,2,2021-01,Chad,present,1,40,,,1,30,,,-10,-0.25,,differs\n"
        "populations.csv,,,2,2021-01,Chad,away,1,10,,,1,10,,,0,0,,equal\n"
        "populations.csv,,,2,2021-01,(all),present,1,140,,,1,130,,,-10,-0.07142857142857142,,differs\n"
        "populations.csv,,,2,2021-01,(all),away,1,60,,,1,90,,,30,0.5,,differs\n";
    assert_string_equal(s.data, want);
    strbuf_free(&s);
    /* The table lists the largest difference first. */
    strbuf_init(&s);
    compare_format_table(&r, &o, 1, 0, &s);
    assert_non_null(strstr(s.data, "Largest differences by absolute size (1 of 4):"));
    assert_non_null(strstr(s.data, "Sudan  away"));
    assert_non_null(strstr(s.data, "+30 +60.0%"));
    assert_non_null(strstr(s.data, "6 values in both: 2 equal, 4 differ."));
    strbuf_free(&s);
    compare_result_free(&r);
}

static void summary_columns(void **state)
{
    (void)state;
    /* Different parameter columns (policy A vs B) are set aside and the
     * outcome columns compared. */
    const char *a = put("sum_a.csv", "run,flights,redeployed\n1,300,10\n2,300,14\n");
    const char *b = put("sum_b.csv", "run,site_intake,redeployed\n1,900,8\n2,900,8\n");
    compare_options o;
    compare_options_init(&o);
    compare_result r;
    demob_error err = { 0 };
    assert_int_equal(compare_files(a, b, &o, &r, &err), 0);
    assert_int_equal(r.kind, TIDY_SUMMARY);
    assert_int_equal(r.n_cells, 1);
    assert_string_equal(r.cells[0].item, "redeployed");
    assert_double_msg(r.cells[0].a.mean, 12, 0, "mean redeployed A");
    assert_double_msg(r.cells[0].diff, -4, 0, "diff redeployed");
    assert_int_equal(r.cells[0].step, -1);
    assert_int_equal(r.n_cols_only_a, 1);
    assert_string_equal(r.cols_only_a[0], "flights");
    assert_string_equal(r.cols_only_b[0], "site_intake");
    compare_result_free(&r);
    /* No common column: cannot align. */
    b = put("sum_c.csv", "run,other\n1,1\n");
    assert_int_equal(compare_files(a, b, &o, &r, &err), DEMOB_EINPUT);
    assert_non_null(strstr(err.message, "no value column in common"));
    compare_result_free(&r);
}

static void budgets_kind(void **state)
{
    (void)state;
    /* budgets.csv: three values per record, item "<budget>.<column>". */
    const char *a = put("bud_a.csv", "run,step,date,budget,balance,spent,gap\n"
                                     "1,0,,fund,100,0,0\n1,1,,fund,40,60,5\n");
    const char *b = put("bud_b.csv", "run,step,date,budget,balance,spent,gap\n"
                                     "1,0,,fund,100,0,0\n1,1,,fund,30,70,0\n");
    compare_options o;
    compare_options_init(&o);
    compare_result r;
    demob_error err = { 0 };
    assert_int_equal(compare_files(a, b, &o, &r, &err), 0);
    assert_int_equal(r.kind, TIDY_BUDGETS);
    assert_int_equal(r.n_cells, 3);
    assert_string_equal(r.cells[0].item, "fund.balance");
    assert_double_msg(r.cells[0].diff, -10, 0, "balance");
    assert_string_equal(r.cells[2].item, "fund.gap");
    assert_double_msg(r.cells[2].diff, -5, 0, "gap");
    compare_result_free(&r);
}

static void expect_input_error(const char *a, const char *b, const char *fragment)
{
    compare_options o;
    compare_options_init(&o);
    compare_result r;
    demob_error err = { 0 };
    assert_int_equal(compare_files(a, b, &o, &r, &err), DEMOB_EINPUT);
    if (!strstr(err.message, fragment)) {
        print_error("message '%s' lacks '%s'\n", err.message, fragment);
        fail();
    }
    compare_result_free(&r);
}

static void bad_input(void **state)
{
    (void)state;
    char good[128];   /* put() reuses its buffers: keep a copy */
    snprintf(good, sizeof good, "%s", put("good.csv", det_a));
    char missing[128];
    snprintf(missing, sizeof missing, "%s/nope.csv", dir);
    expect_input_error(missing, good, "nope.csv");
    expect_input_error(put("empty.csv", ""), good, "empty");
    expect_input_error(good, put("header_only.csv", POP_HEAD), "no rows after the header");
    /* NaN and text cells: line and column (the count field starts at
     * column 25 of "1,2,2021-01,Sudan,away,"). */
    expect_input_error(good, put("nan.csv", POP_HEAD "1,2,2021-01,Sudan,present,100\n"
                                            "1,2,2021-01,Sudan,away,nan\n"),
                       "nan.csv:3:24: column 'count': 'nan' is not a number");
    expect_input_error(good, put("text.csv", POP_HEAD "1,2,2021-01,Sudan,away,lots\n"),
                       "text.csv:2:24: column 'count': 'lots' is not a number");
    expect_input_error(good, put("step.csv", POP_HEAD "1,2.5,,Sudan,away,1\n"),
                       "step.csv:2:3: column 'step': '2.5' is not a whole number");
    expect_input_error(good, put("flows.csv", "run,step,date,origin,from,to,count\n1,2,,S,a,b,1\n"),
                       "A holds populations");
    expect_input_error(good, put("sweep.csv", "point," POP_HEAD "1,1,2,,Sudan,away,1\n"),
                       "has a point column");
    expect_input_error(good, put("other.csv", "what,ever\n1,2\n"), "not a demob output file");
    expect_input_error(good, put("disjoint.csv", POP_HEAD "1,2,,Syria,gone,1\n"),
                       "no key in common");
    expect_input_error(good, put("short.csv", POP_HEAD "1,1,,Sudan,away,1\n"),
                       "A ends at step 2, B at step 1");
    expect_input_error(good, put("apart.csv", POP_HEAD "1,2,,Sudan,away,1\n2,2,,Sudan,away,1\n"
                                              "1,2,,Chad,away,1\n"),
                       "apart.csv:4: the rows of run 1 are not together");
    expect_input_error(good, put("dup.csv", POP_HEAD "1,2,,Sudan,away,1\n1,2,,Sudan,away,2\n"),
                       "dup.csv:3: duplicate row");
}

static void statistics(void **state)
{
    (void)state;
    assert_double_msg(stats_t975(1), 12.7062, 1e-4, "t 1");
    assert_double_msg(stats_t975(4), 2.7764, 1e-4, "t 4");
    assert_double_msg(stats_t975(30), 2.0423, 1e-4, "t 30");
    assert_double_msg(stats_t975(40), 2.0211, 2e-4, "t 40");     /* tables: 2.0211 */
    assert_double_msg(stats_t975(120), 1.9799, 1e-4, "t 120");   /* tables: 1.9799 */
    assert_double_msg(stats_t975(1e9), 1.959964, 1e-6, "t inf");
    /* Between table rows t is interpolated in 1/df: df 4.5 lies between
     * 2.7764 and 2.5706 at (1/4 - 1/4.5) / (1/4 - 1/5) = 5/9 of the way. */
    assert_double_msg(stats_t975(4.5), 2.7764 + 5.0 / 9.0 * (2.5706 - 2.7764), 1e-12, "t 4.5");
    welford w = { 0, 0, 0 };
    double xs[] = { 1e9 + 1, 1e9 + 2, 1e9 + 3, 1e9 + 4 };
    for (int i = 0; i < 4; i++)
        stats_welford_add(&w, xs[i]);
    assert_double_msg(w.mean, 1e9 + 2.5, 1e-6, "welford mean");
    assert_double_msg(stats_welford_var(&w), 5.0 / 3.0, 1e-9, "welford var");
    double q[] = { 5, 1, 4, 2, 3 };
    stats_sort(q, 5);
    assert_double_msg(stats_quantile_sorted(q, 5, 0.5), 3, 0, "median");
    assert_double_msg(stats_quantile_sorted(q, 5, 0.05), 1.2, 1e-12, "p5");    /* h = 0.2 */
    assert_double_msg(stats_quantile_sorted(q, 5, 0.95), 4.8, 1e-12, "p95");
    assert_true(isnan(stats_quantile_sorted(q, 0, 0.5)));
    /* Welch: identical samples never differ; zero spread differs if any gap. */
    assert_int_equal(stats_welch_beyond(3, 12, 4, 3, 12, 4), 0);
    assert_int_equal(stats_welch_beyond(3, 12, 0, 3, 12.5, 0), 1);
    assert_int_equal(stats_welch_beyond(1, 12, 0, 3, 30, 1), -1);
    /* mean diff 4, se sqrt(4/3 + 4/3) = 1.633, df 4: 4 < 2.7764 * 1.633 = 4.534 */
    assert_int_equal(stats_welch_beyond(3, 12, 4, 3, 16, 4), 0);
    assert_int_equal(stats_welch_beyond(3, 12, 4, 3, 16.6, 4), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(deterministic_final_step),
        cmocka_unit_test(at_steps_and_all_steps),
        cmocka_unit_test(tolerances_gate),
        cmocka_unit_test(stochastic_pooled),
        cmocka_unit_test(one_sided_rows),
        cmocka_unit_test(csv_output),
        cmocka_unit_test(summary_columns),
        cmocka_unit_test(budgets_kind),
        cmocka_unit_test(bad_input),
        cmocka_unit_test(statistics),
    };
    return cmocka_run_group_tests_name("compare", tests, setup, teardown);
}
