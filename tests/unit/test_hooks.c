/* test_hooks.c - Lua hooks during runs (core/lua/lua_hooks.c, lua_sim.c): a
 * hook's writes show in worked numbers, the order of predicate events,
 * arrival functions and on_step, events firing once, the sim object's
 * reads and writes, its death after the run, the run's own random stream,
 * errors naming file:line, step and run, the limits inside hooks,
 * on_finish, and scenarios loaded on several threads at once. Fixtures are
 * files in tests/scenarios/; tests run from the repository root. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "assert_double.h"
#include "demob.h"
#include "lua/scenario.h"

#define DIR "tests/scenarios/"

static void assert_contains(const char *haystack, const char *needle)
{
    if (!strstr(haystack, needle)) {
        print_error("message \"%s\"\n  does not contain \"%s\"\n", haystack, needle);
        fail();
    }
}

static scenario *load_with(scenario_options *o)
{
    demob_error err;
    memset(&err, 0, sizeof err);
    scenario *sc = scenario_load(o, &err);
    if (!sc) {
        print_error("%s: %s\n", o->path, err.message);
        fail();
    }
    return sc;
}

static scenario *load(const char *path)
{
    scenario_options o;
    scenario_options_init(&o);
    o.path = path;
    return load_with(&o);
}

/* Runs run `run` to the end (or the first error); returns the status and
 * leaves the sim at its last step. */
static int run_one(scenario *sc, demob_sim *s, long run, demob_error *err)
{
    const demob_model *m = scenario_model(sc);
    int rc = demob_sim_reset(s, run, NULL, err);
    while (rc == 0 && demob_sim_time(s) < demob_model_steps(m))
        rc = demob_sim_step(s, err);
    if (rc == 0)
        rc = scenario_finish(sc, s, err);
    return rc;
}

static demob_sim *new_sim(scenario *sc)
{
    demob_error err;
    demob_sim *s = demob_sim_new(scenario_model(sc), &err);
    assert_non_null(s);
    scenario_attach(sc, s);
    return s;
}

static double stock(scenario *sc, demob_sim *s, const char *origin, const char *state)
{
    const demob_model *m = scenario_model(sc);
    return demob_sim_stock(s, demob_model_find_origin(m, origin), demob_model_find_state(m, state));
}

/* Loads, runs run 1 and expects DEMOB_EINPUT with every needle. */
static void expect_run_error(scenario_options *o, long runs, ...)
{
    scenario *sc = load_with(o);
    demob_sim *s = new_sim(sc);
    demob_error err;
    memset(&err, 0, sizeof err);
    int rc = 0;
    for (long r = 1; r <= runs && rc == 0; r++)
        rc = run_one(sc, s, r, &err);
    assert_int_equal(rc, DEMOB_EINPUT);
    assert_int_equal(err.status, DEMOB_EINPUT);
    va_list ap;
    va_start(ap, runs);
    for (const char *n = va_arg(ap, const char *); n; n = va_arg(ap, const char *))
        assert_contains(err.message, n);
    va_end(ap);
    demob_sim_free(s);
    scenario_free(sc);
}

/* ----------------------------------------------------------- writes */

static void test_on_step_sets_param(void **state)
{
    (void)state;
    scenario *sc = load(DIR "hook_basic.lua");
    assert_int_equal(scenario_has_hooks(sc), 1);
    demob_sim *s = new_sim(sc);
    demob_error err;
    assert_int_equal(run_one(sc, s, 1, &err), 0);
    /* 1000 * 0.9 * 0.9, then r = 0.5 from step 3: * 0.5^3 */
    assert_double(stock(sc, s, "X", "a"), 1000 * 0.9 * 0.9 * 0.125, 1e-9);
    assert_double(stock(sc, s, "X", "b"), 1000 - 101.25, 1e-9);
    demob_sim_free(s);
    scenario_free(sc);
}

static void test_order_and_arrival_function(void **state)
{
    (void)state;
    scenario *sc = load(DIR "hook_order.lua");
    demob_sim *s = new_sim(sc);
    demob_error err;
    if (run_one(sc, s, 1, &err)) {
        print_error("%s\n", err.message);
        fail();
    }
    /* t1: 100 + 10 arrive, r = 0; t2: event r = 0.5, 110 + 20 = 130, half
     * leave; t3: 65 + 30 = 95, half leave. */
    assert_double(stock(sc, s, "X", "a"), 47.5, 1e-12);
    assert_double(stock(sc, s, "X", "b"), 65 + 47.5, 1e-12);
    demob_sim_free(s);
    scenario_free(sc);
}

static void test_predicate_fires_once(void **state)
{
    (void)state;
    scenario *sc = load(DIR "hook_fire_once.lua");
    demob_sim *s = new_sim(sc);
    demob_error err;
    assert_int_equal(run_one(sc, s, 1, &err), 0);
    /* r = 0.5 at step 2 only (on_step sets 0 at step 3; a second firing
     * would halve a again at step 3 or later). */
    assert_double(stock(sc, s, "X", "a"), 50, 1e-12);
    /* A second run starts over: the event fires again at its step 2. */
    assert_int_equal(run_one(sc, s, 1, &err), 0);
    assert_double(stock(sc, s, "X", "a"), 50, 1e-12);
    demob_sim_free(s);
    scenario_free(sc);
}

static void test_sim_reads_and_writes(void **state)
{
    (void)state;
    scenario *sc = load(DIR "hook_reads.lua");
    demob_sim *s = new_sim(sc);
    demob_error err;
    if (run_one(sc, s, 1, &err)) {
        print_error("%s\n", err.message);
        fail();
    }
    /* Step 3 at r = 0.25 and a capacity of 5: 5 more movers. */
    assert_double(stock(sc, s, "X", "b") + stock(sc, s, "Y", "b") + stock(sc, s, "Z", "b"), 810, 1e-9);
    demob_sim_free(s);
    scenario_free(sc);
}

/* ------------------------------------------------------------- random */

static double random_total(scenario *sc, demob_sim *s, long run)
{
    demob_error err;
    assert_int_equal(run_one(sc, s, run, &err), 0);
    return stock(sc, s, "X", "a");
}

static void test_random_stream(void **state)
{
    (void)state;
    scenario *sc = load(DIR "hook_random.lua");
    demob_sim *s = new_sim(sc);
    double r1 = random_total(sc, s, 1), r2 = random_total(sc, s, 2), again = random_total(sc, s, 1);
    assert_double(again, r1, 0);
    assert_true(r1 != r2);
    /* Four Binomial(10^6, 0.3) draws: mean 1.2e6, sd sqrt(4 * 210000). */
    assert_double(r1, 1.2e6, 5 * sqrt(840000.0));
    assert_double(r2, 1.2e6, 5 * sqrt(840000.0));
    demob_sim_free(s);
    scenario_free(sc);
}

/* ------------------------------------------------------------- errors */

static void test_hook_raise(void **state)
{
    (void)state;
    scenario_options o;
    scenario_options_init(&o);
    o.path = DIR "hook_raise.lua";
    expect_run_error(&o, 3, "hook_raise.lua:6: boom at 3 (step 3, run 2)", (const char *)NULL);
}

static void test_hook_unknown_param(void **state)
{
    (void)state;
    scenario_options o;
    scenario_options_init(&o);
    o.path = DIR "hook_unknown_param.lua";
    expect_run_error(&o, 1, "hook_unknown_param.lua:7:", "unknown param 'registraton'", "known: registration",
                     "(step 2, run 1)", (const char *)NULL);
}

static void test_no_declarations_in_hooks(void **state)
{
    (void)state;
    scenario_options o;
    scenario_options_init(&o);
    o.path = DIR "hook_declares.lua";
    expect_run_error(&o, 1, "hook_declares.lua:5:", "event: declarations belong at the top level",
                     "(step 2, run 1)", (const char *)NULL);
}

static void test_kept_sim_is_dead(void **state)
{
    (void)state;
    scenario_options o;
    scenario_options_init(&o);
    o.path = DIR "hook_kept_sim.lua";
    expect_run_error(&o, 2, "hook_kept_sim.lua:7:", "finished run", "(step 1, run 2)", (const char *)NULL);
}

static void test_hook_limits(void **state)
{
    (void)state;
    scenario_options o;
    scenario_options_init(&o);
    o.path = DIR "hook_loop.lua";
    o.instruction_limit = 1000000;
    expect_run_error(&o, 1, "hook_loop.lua:5:", "instruction limit of 1000000 exceeded", "(step 2, run 1)",
                     (const char *)NULL);
    scenario_options_init(&o);
    o.path = DIR "hook_loop.lua";
    o.time_limit = 0.2;
    expect_run_error(&o, 1, "hook_loop.lua:5:", "time limit of 0.2 s exceeded", "(step 2, run 1)",
                     (const char *)NULL);
    scenario_options_init(&o);
    o.path = DIR "hook_membomb.lua";
    o.memory_limit = (size_t)16 << 20;
    expect_run_error(&o, 1, "hook_membomb.lua", "memory limit of 16 MiB exceeded", "(step 1, run 1)",
                     (const char *)NULL);
}

/* ---------------------------------------------------------- on_finish */

static void test_on_finish(void **state)
{
    (void)state;
    char dir[] = "/tmp/demob_hooks_XXXXXX";
    assert_non_null(mkdtemp(dir));
    scenario_options o;
    scenario_options_init(&o);
    o.path = DIR "hook_finish.lua";
    o.output_dir = dir;
    o.csv_gather = 1;
    scenario *sc = load_with(&o);
    assert_int_equal(scenario_has_hooks(sc), 1);
    demob_sim *s = new_sim(sc);
    demob_error err;
    if (run_one(sc, s, 1, &err)) {
        print_error("%s\n", err.message);
        fail();
    }
    /* The run wrote its piece; the file appears when the runs are joined. */
    char path[300], buf[200] = "";
    snprintf(path, sizeof path, "%s/final.csv", dir);
    assert_int_not_equal(access(path, F_OK), 0);
    scenario_csv_files *files = NULL;
    assert_int_equal(scenario_csv_prepare(dir, NULL, 0, &files, &err), 0);
    assert_int_equal(scenario_csv_commit(files, &err), 0);
    snprintf(path, sizeof path, "%s/final.csv", dir);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    assert_contains(buf, "run,b");
    assert_contains(buf, "1,750");   /* 1000 * (1 - 0.5^2) */
    remove(path);
    assert_int_equal(rmdir(dir), 0);   /* no pieces left */
    demob_sim_free(s);
    scenario_free(sc);

    /* A command that keeps no file written in a run refuses csv.open. */
    scenario_options_init(&o);
    o.path = DIR "hook_finish.lua";
    o.output_dir = "/nonexistent";
    expect_run_error(&o, 1, "hook_finish.lua:6: csv.open: 'final.csv' opened in a run: this command keeps no file",
                     (const char *)NULL);

    scenario_options_init(&o);
    o.path = DIR "hook_finish_raise.lua";
    expect_run_error(&o, 1, "hook_finish_raise.lua:5: no report (on_finish, run 1)", (const char *)NULL);
}

/* ------------------------------------------------------------ threads */

struct thread_job {
    double totals[3];
    int ok;
};

/* One worker: its own scenario (its own Lua state) and sim. */
static void *worker(void *arg)
{
    struct thread_job *job = arg;
    scenario_options o;
    scenario_options_init(&o);
    o.path = DIR "hook_random.lua";
    demob_error err;
    scenario *sc = scenario_load(&o, &err);
    if (!sc)
        return NULL;
    demob_sim *s = demob_sim_new(scenario_model(sc), &err);
    if (s) {
        scenario_attach(sc, s);
        job->ok = 1;
        for (int r = 0; r < 3; r++) {
            if (run_one(sc, s, r + 1, &err)) {
                job->ok = 0;
                break;
            }
            job->totals[r] = demob_sim_stock(s, 0, 0);
        }
        demob_sim_free(s);
    }
    scenario_free(sc);
    return NULL;
}

static void test_threads(void **state)
{
    (void)state;
    struct thread_job alone = { { 0 }, 0 }, jobs[4];
    worker(&alone);
    assert_true(alone.ok);
    pthread_t th[4];
    memset(jobs, 0, sizeof jobs);
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&th[i], NULL, worker, &jobs[i]), 0);
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    for (int i = 0; i < 4; i++) {
        assert_true(jobs[i].ok);
        for (int r = 0; r < 3; r++)
            assert_double(jobs[i].totals[r], alone.totals[r], 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_on_step_sets_param),
        cmocka_unit_test(test_order_and_arrival_function),
        cmocka_unit_test(test_predicate_fires_once),
        cmocka_unit_test(test_sim_reads_and_writes),
        cmocka_unit_test(test_random_stream),
        cmocka_unit_test(test_hook_raise),
        cmocka_unit_test(test_hook_unknown_param),
        cmocka_unit_test(test_no_declarations_in_hooks),
        cmocka_unit_test(test_kept_sim_is_dead),
        cmocka_unit_test(test_hook_limits),
        cmocka_unit_test(test_on_finish),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests_name("hooks", tests, NULL, NULL);
}
