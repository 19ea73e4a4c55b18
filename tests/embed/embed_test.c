/* embed_test.c - the engine as an embedding program sees it: only
 * include/demob.h, linked with libdemob_engine.a and libm alone (no Lua,
 * no csv, no demob internals). Declares a small model through the
 * demob_model_* API - origins North and South, states camp, home and
 * army, a competing-risk pair of flows out of camp with enlistment under
 * a capacity - and checks worked numbers in deterministic mode, and
 * conservation, the capacity and reproducibility in stochastic mode.
 * Prints one line per failed check and a summary; exits 1 on failure. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "demob.h"

enum { CAMP, HOME, ARMY };
enum { NORTH, SOUTH };

#define RATE_HOME 0.2
#define RATE_ARMY 0.1
#define TRAINING 50.0   /* enlistments per step, both origins together */
#define STEPS 6

static int checks, failures;

static void check(int ok, const char *what, double got, double want)
{
    checks++;
    if (!ok) {
        failures++;
        printf("FAIL %s: got %.17g, want %.17g\n", what, got, want);
    }
}

static void close_to(double got, double want, double tol, const char *what)
{
    check(fabs(got - want) <= tol, what, got, want);
}

static int ok_or_report(int rc, const char *what, const demob_error *e)
{
    checks++;
    if (rc < 0) {
        failures++;
        printf("FAIL %s: %s\n", what, e->message);
    }
    return rc;
}

/* Returns the frozen model, or NULL (reported). */
static demob_model *declare(demob_mode mode)
{
    demob_error e = {0};
    demob_model *m = demob_model_new();
    if (!m)
        return NULL;
    int rc = demob_model_set_name(m, "embed", &e) | demob_model_set_steps(m, STEPS, &e) |
             demob_model_set_mode(m, mode, &e) | demob_model_set_seed(m, 42, &e);
    const char *states[] = {"camp", "home", "army"};
    for (int s = 0; s < 3; s++)
        rc |= demob_model_add_state(m, states[s], &e) == s ? 0 : -1;
    rc |= demob_model_add_origin(m, "North", &e) == NORTH ? 0 : -1;
    rc |= demob_model_add_origin(m, "South", &e) == SOUTH ? 0 : -1;
    rc |= demob_model_set_initial(m, NORTH, CAMP, 1000, &e);
    rc |= demob_model_set_initial(m, SOUTH, CAMP, 600, &e);
    demob_value home = demob_model_add_param(m, "return_rate", RATE_HOME, 0, 1, &e);
    demob_value army = demob_model_add_constant(m, RATE_ARMY, &e);
    demob_value room = demob_model_add_constant(m, TRAINING, &e);
    int f_home = demob_model_add_flow(m, "return", CAMP, HOME, home, NULL, 0, 0, 0, &e);
    int f_army = demob_model_add_flow(m, "enlist", CAMP, ARMY, army, NULL, 0, 0, 0, &e);
    int cap = demob_model_add_capacity(m, "training", room, DEMOB_SHARE_PROPORTIONAL, &e);
    rc |= home < 0 || army < 0 || room < 0 || f_home != 0 || f_army != 1 || cap != 0 ? -1 : 0;
    rc |= demob_model_flow_use_capacity(m, f_army, cap, &e);
    if (ok_or_report(rc, "declare the model", &e) < 0 || ok_or_report(demob_model_freeze(m, &e), "freeze", &e) < 0) {
        demob_model_free(m);
        return NULL;
    }
    return m;
}

static double total(const demob_sim *s)
{
    double sum = 0;
    for (int o = 0; o < 2; o++)
        for (int st = 0; st < 3; st++)
            sum += demob_sim_stock(s, o, st);
    return sum;
}

static void test_deterministic(void)
{
    demob_model *m = declare(DEMOB_DETERMINISTIC);
    if (!m)
        return;
    demob_error e = {0};
    demob_sim *s = demob_sim_new(m, &e);
    if (!s || ok_or_report(demob_sim_reset(s, 1, NULL, &e), "reset", &e) < 0) {
        demob_sim_free(s);
        demob_model_free(m);
        return;
    }
    /* Competing risks: h_f = -ln(1 - r_f), H = h_home + h_army; N(1 - e^-H)
     * leave, a share h_f / H of them by flow f. 1 - e^-H = 1 - 0.8 x 0.9. */
    double h_home = -log(1 - RATE_HOME), h_army = -log(1 - RATE_ARMY), H = h_home + h_army;
    double leave = 1 - exp(-H);
    close_to(leave, 0.28, 1e-12, "1 - e^-H");
    ok_or_report(demob_sim_step(s, &e), "step 1", &e);
    /* North: 280 leave, 190.196 home, 89.804 want the army; South: 168
     * leave, 114.118 home, 53.882 want the army. Wanted 143.686 > 50: cut
     * proportionally, 50 x 1000/1600 = 31.25 and 50 x 600/1600 = 18.75. */
    close_to(demob_sim_moved(s, NORTH, 0), 1000 * leave * h_home / H, 1e-9, "North home, step 1");
    close_to(demob_sim_moved(s, NORTH, 0), 190.196, 1e-3, "North home (worked)");
    close_to(demob_sim_moved(s, SOUTH, 0), 114.118, 1e-3, "South home (worked)");
    close_to(demob_sim_moved(s, NORTH, 1), 31.25, 1e-9, "North enlisted (cut)");
    close_to(demob_sim_moved(s, SOUTH, 1), 18.75, 1e-9, "South enlisted (cut)");
    close_to(demob_sim_stock(s, NORTH, CAMP), 1000 - 190.196 - 31.25, 1e-3, "North still in camp");
    close_to(demob_sim_stock(s, SOUTH, ARMY), 18.75, 1e-9, "South in the army");
    close_to(demob_sim_state_total(s, HOME), 1600 * leave * h_home / H, 1e-9, "home");
    close_to(total(s), 1600, 1e-9, "conservation, step 1");
    /* The array view agrees with the getters. */
    demob_sim_arrays a;
    demob_sim_get_arrays(s, &a);
    check(!a.stochastic && a.stock_d && !a.stock_i, "deterministic arrays", a.stochastic, 0);
    if (a.stock_d) {
        close_to(a.stock_d[SOUTH * 3 + ARMY], 18.75, 0, "stock_d[South, army]");
        int links = demob_model_n_links(m);
        check(links == 4, "links", links, 4);
        for (int k = 0; k < links; k++)
            close_to(a.moved_d[k], demob_sim_moved(s, demob_model_link_origin(m, k), demob_model_link_flow(m, k)),
                     0, "moved_d");
    }
    /* Later steps: the home flow is never cut; enlistment is cut to the
     * capacity while the camps want more (steps 1 to 4), then not. */
    double army = demob_sim_state_total(s, ARMY);
    for (int t = 2; t <= STEPS; t++) {
        double camp_n = demob_sim_stock(s, NORTH, CAMP), camp = demob_sim_state_total(s, CAMP);
        double want = camp * leave * h_army / H, room = want < TRAINING ? want : TRAINING;
        check(t <= 4 ? want > TRAINING : want < TRAINING, "the capacity binds in steps 1 to 4 only", want, TRAINING);
        ok_or_report(demob_sim_step(s, &e), "step", &e);
        close_to(demob_sim_moved(s, NORTH, 0), camp_n * leave * h_home / H, 1e-9, "North home");
        close_to(demob_sim_moved(s, NORTH, 1) + demob_sim_moved(s, SOUTH, 1), room, 1e-9, "enlisted");
        close_to(total(s), 1600, 1e-9, "conservation");
        army += room;
    }
    check(demob_sim_time(s) == STEPS, "time", demob_sim_time(s), STEPS);
    close_to(demob_sim_state_total(s, ARMY), army, 1e-9, "army at the end");
    close_to(demob_sim_cumulative(s, NORTH, 1) + demob_sim_cumulative(s, SOUTH, 1), army, 1e-9,
             "cumulative enlisted");
    demob_sim_free(s);
    demob_model_free(m);
}

/* Runs run `run` to the end; the final stocks into out[6]. */
static int run_to_end(demob_sim *s, long run, double *out)
{
    demob_error e = {0};
    if (ok_or_report(demob_sim_reset(s, run, NULL, &e), "reset", &e) < 0)
        return -1;
    for (int t = 1; t <= STEPS; t++) {
        if (ok_or_report(demob_sim_step(s, &e), "stochastic step", &e) < 0)
            return -1;
        double enlisted = demob_sim_moved(s, NORTH, 1) + demob_sim_moved(s, SOUTH, 1);
        check(enlisted <= TRAINING, "enlisted within the capacity", enlisted, TRAINING);
        check(total(s) == 1600, "conservation (exact counts)", total(s), 1600);
        for (int o = 0; o < 2; o++)
            for (int st = 0; st < 3; st++) {
                double x = demob_sim_stock(s, o, st);
                check(x >= 0 && x == floor(x), "whole people", x, floor(x));
            }
    }
    for (int c = 0; c < 6; c++)
        out[c] = demob_sim_stock(s, c / 3, c % 3);
    return 0;
}

static void test_stochastic(void)
{
    demob_model *m = declare(DEMOB_STOCHASTIC);
    if (!m)
        return;
    demob_error e = {0};
    demob_sim *s = demob_sim_new(m, &e), *other = demob_sim_new(m, &e);
    double a[6], b[6], c[6];
    if (s && other && run_to_end(s, 7, a) == 0 && run_to_end(other, 7, b) == 0 && run_to_end(s, 8, c) == 0) {
        check(memcmp(a, b, sizeof a) == 0, "same seed and run, same stocks", a[0], b[0]);
        check(memcmp(a, c, sizeof a) != 0, "another run, other stocks", a[0], c[0]);
        double again[6];
        if (run_to_end(s, 7, again) == 0)
            check(memcmp(a, again, sizeof a) == 0, "a reset sim repeats its run", a[0], again[0]);
        demob_sim_arrays arr;
        demob_sim_get_arrays(s, &arr);
        check(arr.stochastic && arr.stock_i && !arr.stock_d, "stochastic arrays", arr.stochastic, 1);
        if (arr.stock_i)
            check((double)arr.stock_i[NORTH * 3 + HOME] == a[HOME], "stock_i[North, home]",
                  (double)arr.stock_i[NORTH * 3 + HOME], a[HOME]);
    }
    demob_sim_free(s);
    demob_sim_free(other);
    demob_model_free(m);
}

/* Bad input is a value, not an exit. */
static void test_errors(void)
{
    demob_error e = {0};
    demob_model *m = demob_model_new();
    int rc = demob_model_add_state(m, "camp", &e);
    rc = demob_model_add_flow(m, "nowhere", rc, 5, demob_model_add_constant(m, 0.5, &e), NULL, 0, 0, 0, &e);
    check(rc == DEMOB_EINPUT && e.status == DEMOB_EINPUT && e.message[0], "a flow to an unknown state", rc,
          DEMOB_EINPUT);
    demob_model_free(m);
}

int main(void)
{
    test_deterministic();
    test_stochastic();
    test_errors();
    printf("embed: %d checks, %d failed\n", checks, failures);
    return failures ? 1 : 0;
}
