/* test_outcomes.c - outcomes.c (the numbers of `demob report`) and the
 * page report.c builds from them, on a small folder whose outcomes are
 * worked out by hand below. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "assert_double.h"
#include "report/answers.h"
#include "report/outcomes.h"
#include "report/report.h"
#include "scratch.h"

static char dir[64];

static void put(const char *sub, const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, sub);
    mkdir(path, 0777);
    snprintf(path, sizeof path, "%s/%s/%s", dir, sub, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Two runs, origins S (100 people) and C (10), states present, cantoned,
 * repatriated, reintegrated; steps 0..3.
 * Run 1: S repatriated by step: 0, 40, 60, 90 (entries 40, 20, 30);
 *        C repatriated: 0, 0, 5, 5 (entries 5 at step 2).
 * Run 2: S entries 60 at step 1, then 0, 30: 60, 60, 90.
 *        C never.
 * 50% of S (50): run 1 at step 2 (60), run 2 at step 1 -> median 1.5.
 * 90% of S (90): step 3 in both.  50% of C (5): run 1 step 2; run 2 never.
 * cantoned totals per step, run 1: 0, 30, 20, 0 -> peak 30 at 1;
 *                            run 2: 0, 10, 50, 5 -> peak 50 at 2.
 * Costs: run 1 site 100 + transport 50; run 2 site 300 -> totals 150, 300. */
static int setup(void **state)
{
    (void)state;
    if (scratch_make(dir, sizeof dir, "outcomes"))
        return -1;
    put("a", "populations.csv",
        "run,step,date,origin,state,count\n"
        "1,0,2021-01,S,present,100\n1,0,2021-01,S,cantoned,0\n1,0,2021-01,S,repatriated,0\n1,0,2021-01,S,reintegrated,0\n"
        "1,0,2021-01,C,present,10\n1,0,2021-01,C,cantoned,0\n1,0,2021-01,C,repatriated,0\n1,0,2021-01,C,reintegrated,0\n"
        "1,1,2021-02,S,present,30\n1,1,2021-02,S,cantoned,30\n1,1,2021-02,S,repatriated,40\n1,1,2021-02,S,reintegrated,0\n"
        "1,1,2021-02,C,present,10\n1,1,2021-02,C,cantoned,0\n1,1,2021-02,C,repatriated,0\n1,1,2021-02,C,reintegrated,0\n"
        "1,2,2021-03,S,present,20\n1,2,2021-03,S,cantoned,20\n1,2,2021-03,S,repatriated,40\n1,2,2021-03,S,reintegrated,20\n"
        "1,2,2021-03,C,present,5\n1,2,2021-03,C,cantoned,0\n1,2,2021-03,C,repatriated,5\n1,2,2021-03,C,reintegrated,0\n"
        "1,3,2021-04,S,present,10\n1,3,2021-04,S,cantoned,0\n1,3,2021-04,S,repatriated,50\n1,3,2021-04,S,reintegrated,40\n"
        "1,3,2021-04,C,present,5\n1,3,2021-04,C,cantoned,0\n1,3,2021-04,C,repatriated,5\n1,3,2021-04,C,reintegrated,0\n"
        "2,0,2021-01,S,present,100\n2,0,2021-01,S,cantoned,0\n2,0,2021-01,S,repatriated,0\n2,0,2021-01,S,reintegrated,0\n"
        "2,0,2021-01,C,present,10\n2,0,2021-01,C,cantoned,0\n2,0,2021-01,C,repatriated,0\n2,0,2021-01,C,reintegrated,0\n"
        "2,1,2021-02,S,present,30\n2,1,2021-02,S,cantoned,10\n2,1,2021-02,S,repatriated,60\n2,1,2021-02,S,reintegrated,0\n"
        "2,1,2021-02,C,present,10\n2,1,2021-02,C,cantoned,0\n2,1,2021-02,C,repatriated,0\n2,1,2021-02,C,reintegrated,0\n"
        "2,2,2021-03,S,present,0\n2,2,2021-03,S,cantoned,40\n2,2,2021-03,S,repatriated,30\n2,2,2021-03,S,reintegrated,30\n"
        "2,2,2021-03,C,present,0\n2,2,2021-03,C,cantoned,10\n2,2,2021-03,C,repatriated,0\n2,2,2021-03,C,reintegrated,0\n"
        "2,3,2021-04,S,present,0\n2,3,2021-04,S,cantoned,5\n2,3,2021-04,S,repatriated,45\n2,3,2021-04,S,reintegrated,50\n"
        "2,3,2021-04,C,present,0\n2,3,2021-04,C,cantoned,0\n2,3,2021-04,C,repatriated,0\n2,3,2021-04,C,reintegrated,10\n");
    put("a", "flows.csv",
        "run,step,date,origin,from,to,count\n"
        "1,1,2021-02,S,present,repatriated,40\n1,1,2021-02,S,cantoned,repatriated,0\n1,1,2021-02,C,present,repatriated,0\n1,1,2021-02,S,repatriated,reintegrated,0\n1,1,2021-02,C,cantoned,reintegrated,0\n"
        "1,2,2021-03,S,present,repatriated,0\n1,2,2021-03,S,cantoned,repatriated,20\n1,2,2021-03,C,present,repatriated,5\n1,2,2021-03,S,repatriated,reintegrated,0\n1,2,2021-03,C,cantoned,reintegrated,0\n"
        "1,3,2021-04,S,present,repatriated,0\n1,3,2021-04,S,cantoned,repatriated,30\n1,3,2021-04,C,present,repatriated,0\n1,3,2021-04,S,repatriated,reintegrated,20\n1,3,2021-04,C,cantoned,reintegrated,0\n"
        "2,1,2021-02,S,present,repatriated,60\n2,1,2021-02,S,cantoned,repatriated,0\n2,1,2021-02,C,present,repatriated,0\n2,1,2021-02,S,repatriated,reintegrated,0\n2,1,2021-02,C,cantoned,reintegrated,0\n"
        "2,2,2021-03,S,present,repatriated,0\n2,2,2021-03,S,cantoned,repatriated,0\n2,2,2021-03,C,present,repatriated,0\n2,2,2021-03,S,repatriated,reintegrated,0\n2,2,2021-03,C,cantoned,reintegrated,0\n"
        "2,3,2021-04,S,present,repatriated,0\n2,3,2021-04,S,cantoned,repatriated,30\n2,3,2021-04,C,present,repatriated,0\n2,3,2021-04,S,repatriated,reintegrated,0\n2,3,2021-04,C,cantoned,reintegrated,10\n");
    put("a", "costs.csv",
        "run,step,date,origin,category,amount\n"
        "1,1,2021-02,S,site,60\n1,1,2021-02,C,site,0\n1,1,2021-02,all,transport,0\n"
        "1,2,2021-03,S,site,40\n1,2,2021-03,C,site,0\n1,2,2021-03,all,transport,0\n"
        "1,3,2021-04,S,site,0\n1,3,2021-04,C,site,0\n1,3,2021-04,all,transport,50\n"
        "2,1,2021-02,S,site,100\n2,1,2021-02,C,site,0\n2,1,2021-02,all,transport,0\n"
        "2,2,2021-03,S,site,0\n2,2,2021-03,C,site,200\n2,2,2021-03,all,transport,0\n"
        "2,3,2021-04,S,site,0\n2,3,2021-04,C,site,0\n2,3,2021-04,all,transport,0\n");
    put("a", "manifest.json", "{\"scenario\": \"Small <A>\", \"mode\": \"stochastic\", "
                              "\"params\": {\"rate\": 0.10000000000000001}, \"report\": "
                              "{\"key_states\": [\"repatriated\"], \"return_state\": \"repatriated\", "
                              "\"peak_state\": \"cantoned\"}}\n");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return scratch_remove(dir);
}

static void worked_outcomes(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof path, "%s/a", dir);
    outcomes_options o = { "repatriated", "cantoned", -1, 0 };
    outcomes oc;
    demob_error err = { 0 };
    assert_int_equal(outcomes_load(path, &o, &oc, &err), 0);
    assert_int_equal(oc.n_runs, 2);
    assert_int_equal(oc.first_step, 0);
    assert_int_equal(oc.final_step, 3);
    assert_string_equal(outcomes_date(&oc, 3), "2021-04");
    assert_int_equal(oc.n_origins, 2);
    assert_int_equal(oc.n_states, 4);
    long s = outcomes_origin(&oc, "S"), c = outcomes_origin(&oc, "C");
    long rep = outcomes_state(&oc, "repatriated");
    assert_double_msg(oc.initial[s], 100, 0, "S initial");
    assert_double_msg(oc.initial[c], 10, 0, "C initial");
    /* Final repatriated of S: 50 and 45 -> mean 47.5; total over origins:
     * 55 and 45 -> mean 50, p5 = 45 + 0.05 * 10 = 45.5. */
    assert_double_msg(oc.final_mean[s * 4 + rep], 47.5, 1e-12, "final S repatriated");
    assert_double_msg(oc.final_total[rep].mean, 50, 1e-12, "final repatriated total");
    assert_double_msg(oc.final_total[rep].p5, 45.5, 1e-12, "p5");
    assert_double_msg(oc.final_total[rep].p95, 54.5, 1e-12, "p95");
    assert_string_equal(oc.milestone_source, "flows.csv");
    assert_int_equal(oc.has_milestones, 1);
    assert_int_equal(oc.m50[s].n, 2);
    assert_double_msg(oc.m50[s].p50, 1.5, 1e-12, "S 50% median");
    assert_double_msg(oc.m90[s].p50, 3, 0, "S 90%");
    assert_int_equal(oc.m50[c].n, 1);     /* run 2 never gets C home */
    assert_double_msg(oc.m50[c].p50, 2, 0, "C 50%");
    assert_int_equal(oc.m90[c].n, 0);
    assert_int_equal(oc.has_peak, 1);
    assert_double_msg(oc.peak.mean, 40, 1e-12, "peak mean (30, 50)");
    assert_double_msg(oc.peak_step.mean, 1.5, 1e-12, "peak step mean (1, 2)");
    assert_int_equal(oc.has_costs, 1);
    assert_int_equal(oc.n_categories, 2);
    assert_string_equal(oc.categories[0], "site");
    assert_double_msg(oc.cost[0].mean, 200, 1e-12, "site (100, 300)");
    assert_double_msg(oc.cost[1].mean, 25, 1e-12, "transport (50, 0)");
    assert_double_msg(oc.cost_total.mean, 225, 1e-12, "total (150, 300)");
    outcomes_free(&oc);

    /* Without flows.csv: repatriated + the next state (reintegrated)
     * stand in. Run 1 S: 0, 40, 60, 90; run 2 S: 0, 60, 60, 95: the same
     * 50% steps (2 and 1) and 90% steps (3, 3). */
    char flows[160];
    snprintf(flows, sizeof flows, "%s/a/flows.csv", dir);
    char keep[160];
    snprintf(keep, sizeof keep, "%s/flows.keep", dir);
    assert_int_equal(rename(flows, keep), 0);
    assert_int_equal(outcomes_load(path, &o, &oc, &err), 0);
    assert_string_equal(oc.milestone_source, "populations.csv");
    assert_double_msg(oc.m50[s].p50, 1.5, 1e-12, "fallback S 50%");
    assert_double_msg(oc.m90[s].p50, 3, 0, "fallback S 90%");
    /* C: run 1 holds 5 from step 2 (50%); run 2 has 10 reintegrated at 3. */
    assert_int_equal(oc.m50[c].n, 2);
    assert_int_equal(oc.m90[c].n, 1);
    outcomes_free(&oc);
    assert_int_equal(rename(keep, flows), 0);

    /* Another peak state; a state that is not there. */
    o.peak_state = "present";
    assert_int_equal(outcomes_load(path, &o, &oc, &err), 0);
    assert_double_msg(oc.peak.mean, 110, 0, "present peaks at the start");
    outcomes_free(&oc);
    o.peak_state = "nowhere";
    o.return_state = "nowhere";
    assert_int_equal(outcomes_load(path, &o, &oc, &err), 0);
    assert_int_equal(oc.has_peak, 0);
    assert_int_equal(oc.has_milestones, 1);   /* flows exist, nobody arrives */
    assert_int_equal(oc.m50[s].n, 0);
    outcomes_free(&oc);
    /* No return state, no peak state: neither is computed. */
    o.peak_state = o.return_state = NULL;
    assert_int_equal(outcomes_load(path, &o, &oc, &err), 0);
    assert_int_equal(oc.has_peak, 0);
    assert_int_equal(oc.has_milestones, 0);
    outcomes_free(&oc);
}

static void page(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof path, "%s/a", dir);
    const char *dirs[] = { path };
    report_input in = { dirs, NULL, 1, NULL, { NULL, NULL, -1, 0 }, NULL };
    strbuf b;
    strbuf_init(&b);
    demob_error err = { 0 };
    assert_int_equal(report_html(&in, &b, &err), 0);
    /* The scenario name is escaped; numbers are the worked ones. */
    assert_non_null(strstr(b.data, "<title>demob report: Small &lt;A&gt;</title>"));
    assert_non_null(strstr(b.data, "<td>repatriated</td><td class=\"num\">50<br><small>45.5 &ndash; 54.5</small>"));
    assert_non_null(strstr(b.data, "rate</td><td class=\"num\">0.1</td>"));
    /* The manifest's report { }: milestones, peak, one key-state chart
     * and the stacked one. */
    assert_non_null(strstr(b.data, "reached in 1 of 2 runs"));
    assert_non_null(strstr(b.data, "people in <code>cantoned</code>"));
    size_t charts = 0;
    for (const char *p = b.data; (p = strstr(p, "<svg xmlns=")) != NULL; p++)
        charts++;
    assert_int_equal(charts, 3);   /* repatriated, costs to date, stacked */
    assert_non_null(strstr(b.data, "<tr class=\"total\"><td>total cost</td><td class=\"num\">225"));
    assert_null(strstr(b.data, "<script"));
    strbuf_free(&b);
    /* A folder without populations.csv is bad input. */
    const char *none[] = { "/nonexistent-demob-folder" };
    in.dirs = none;
    strbuf_init(&b);
    assert_int_equal(report_html(&in, &b, &err), DEMOB_EINPUT);
    assert_non_null(strstr(err.message, "/nonexistent-demob-folder: no such folder"));
    strbuf_free(&b);
}

/* The answer table's cells: cantoned (all origins) per run is 30, 20, 0
 * at steps 1, 2, 3 in run 1 and 10, 50, 5 in run 2; S repatriated at
 * step 1 is 40 and 60. Dates are steps, dates of the file, or "final". */
static void answer_cells(void **state)
{
    (void)state;
    char a[128];
    snprintf(a, sizeof a, "%s/a", dir);
    const char *cant[] = { "cantoned" }, *rep[] = { "repatriated" }, *s_only[] = { "S" };
    answer_row rows[2] = { { "cantoned", cant, 1, NULL, 0 }, { "S home", rep, 1, s_only, 1 } };
    const char *at[] = { "1", "2021-03", "final", "9" };
    answers ans;
    demob_error err = { 0 };
    assert_int_equal(answers_load(a, rows, 2, at, 4, -1, &ans, &err), 0);
    assert_int_equal(ans.step[1], 2);
    assert_int_equal(ans.step[2], 3);
    assert_string_equal(ans.date[1], "2021-03");
    assert_string_equal(ans.date[2], "2021-04");
    assert_double(ans.cell[0].mean, 20, 1e-12);
    assert_double(ans.cell[0].sd, sqrt(200.0), 1e-12);
    assert_double(ans.cell[1].mean, 35, 1e-12);
    assert_double(ans.cell[2].mean, 2.5, 1e-12);
    assert_int_equal(ans.cell[3].n, 0);   /* step 9 is not in the file */
    assert_double(ans.cell[4].mean, 50, 1e-12);
    assert_double(ans.cell[4].p5, 41, 1e-12);   /* type 7: 40 + 0.05 * 20 */
    answers_free(&ans);
    const char *bad[] = { "2030-01" };
    assert_int_equal(answers_load(a, rows, 2, bad, 1, -1, &ans, &err), DEMOB_EINPUT);
    assert_non_null(strstr(err.message, "answer date '2030-01'"));
    answers_free(&ans);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(worked_outcomes),
        cmocka_unit_test(page),
        cmocka_unit_test(answer_cells),
    };
    return cmocka_run_group_tests_name("outcomes", tests, setup, teardown);
}
