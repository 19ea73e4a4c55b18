/* test_regress_lua.c - regression tests for scenario and runner bugs found
 * while hardening (issue 6), one test per bug:
 *   - a __gc metamethod that loops hung demob for ever: Lua runs
 *     finalizers with hooks off, out of reach of the limits (the sandbox
 *     now refuses __gc);
 *   - errors raised with a table, or from C without a position, did not
 *     name the script;
 *   - a script that declares a different model on each load (os.clock(),
 *     a file that changes) made a worker thread run a model bigger than
 *     the output labels: a heap overflow (found with ASan);
 *   - csv.open wrote any file name inside the output folder: with -o ~ a
 *     script could replace .bashrc or .ssh/authorized_keys;
 *   - an empty arrivals list read values[-1] (found by fuzz_scenario);
 *   - deterministic stocks or costs beyond 1.8e308 were written as "inf"
 *     and "nan".
 * Scenario files are written to a temporary folder. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/model_same.h"
#include "run/runner.h"
#include "lua/scenario.h"
#include "scratch.h"

static char dir[64];

static void assert_contains(const char *haystack, const char *needle)
{
    if (!strstr(haystack, needle)) {
        print_error("message \"%s\"\n  does not contain \"%s\"\n", haystack, needle);
        fail();
    }
}

/* Writes dir/name with the text; returns the path. */
static const char *write_script(const char *name, const char *text)
{
    return scratch_put(dir, name, text);
}

static void remove_tree(const char *d)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", d);
    assert_int_equal(system(cmd), 0);
}

static int setup(void **state)
{
    (void)state;
    return scratch_make(dir, sizeof dir, "regress-lua");
}

static int teardown(void **state)
{
    (void)state;
    remove_tree(dir);
    return 0;
}

/* Loads path with short limits; expects DEMOB_EINPUT and the needle. */
static void expect_load_error(const char *path, const char *needle)
{
    scenario_options o;
    scenario_options_init(&o);
    o.path = path;
    o.time_limit = 2;
    demob_error err = {0};
    scenario *sc = scenario_load(&o, &err);
    if (sc) {
        scenario_free(sc);
        print_error("%s loaded\n", path);
        fail();
    }
    assert_int_equal(err.status, DEMOB_EINPUT);
    assert_contains(err.message, needle);
}

#define HEAD "scenario { steps = 3, states = { \"a\", \"b\" } }\norigin { \"X\", a = 10 }\n"

/* ------------------------------------------------------------ __gc */

static void test_gc_refused(void **state)
{
    (void)state;
    expect_load_error(write_script("gc.lua", HEAD "setmetatable({}, { __gc = function() while true do end end })\n"),
                      "gc.lua:3: setmetatable: __gc metamethods are not allowed");
    /* Any __gc value marks the table for finalization: refused too. */
    expect_load_error(write_script("gc2.lua", HEAD "local t = setmetatable({}, { __gc = true })\n"),
                      "gc2.lua:3: setmetatable: __gc");
    /* setmetatable still works otherwise, and adding __gc afterwards
     * does not make a finalizer (Lua checks at setmetatable only). */
    scenario_options o;
    scenario_options_init(&o);
    o.path = write_script("mt.lua", HEAD "local mt = { __index = function(t, k) return 1 end }\n"
                                        "local t = setmetatable({}, mt)\nmt.__gc = function() while true do end end\n"
                                        "assert(t.x == 1 and getmetatable(t) == mt)\nt = nil\n"
                                        "local junk = {} for i = 1, 20000 do junk[i] = { i } end\n");
    o.time_limit = 2;
    demob_error err = {0};
    scenario *sc = scenario_load(&o, &err);
    if (!sc) {
        print_error("%s\n", err.message);
        fail();
    }
    scenario_free(sc);
}

/* ------------------------------------------------ error positions */

static void test_error_positions(void **state)
{
    (void)state;
    expect_load_error(write_script("tab.lua", HEAD "\nerror({ code = 1 })\n"), "tab.lua:4: (error object is a table value)");
    expect_load_error(write_script("tab2.lua", HEAD "error(setmetatable({}, { __tostring = function() return 'custom' end }))\n"),
                      "tab2.lua:3: custom");
    expect_load_error(write_script("lvl0.lua", HEAD "error('no position', 0)\n"), "lvl0.lua:3: no position");
    /* In a hook: the yield has no position of its own. */
    scenario_options o;
    scenario_options_init(&o);
    o.path = write_script("yield.lua", HEAD "on_step(function(sim, t)\n  coroutine.yield()\nend)\n");
    demob_error err = {0};
    scenario *sc = scenario_load(&o, &err);
    assert_non_null(sc);
    demob_sim *sim = demob_sim_new(scenario_model(sc), &err);
    assert_non_null(sim);
    scenario_attach(sc, sim);
    assert_int_equal(demob_sim_reset(sim, 1, NULL, &err), 0);
    assert_int_equal(demob_sim_step(sim, &err), DEMOB_EINPUT);
    assert_contains(err.message, "yield.lua:4: attempt to yield from outside a coroutine (step 1, run 1)");
    demob_sim_free(sim);
    scenario_free(sc);
    /* Messages that have a position keep it as it was. */
    expect_load_error(write_script("plain.lua", HEAD "local x = nil\nx.y = 1\n"), "plain.lua:4: attempt to index a nil value");
}

/* ----------------------------------------- a model that changes */

static int consume_nothing(void *ud, long j, const runner_job *job, strbuf *const bufs[OUT_NFILES],
                           demob_error *err)
{
    (void)ud, (void)j, (void)job, (void)bufs, (void)err;
    return 0;
}

/* Loads opt, runs every run on `workers` threads; returns the status. */
static int run_all(scenario_options *opt, int workers, demob_error *err)
{
    scenario *sc = scenario_load(opt, err);
    if (!sc)
        return err->status;
    runner_config c;
    memset(&c, 0, sizeof c);
    scenario_runner_hooks(sc, opt, &c.hooks);
    c.workers = workers;
    for (int f = 0; f < OUT_NFILES; f++)
        c.plan.want[f] = 1;
    c.plan.every = 1;
    c.n_jobs = demob_model_runs(scenario_model(sc));
    c.consume = consume_nothing;
    long done = 0;
    int rc = runner_run(&c, &done, err);
    scenario_free(sc);
    return rc;
}

/* Each load counts the rows of out/loads.csv (written by the previous
 * load) and declares that many origins plus one: the main thread's model
 * has 1 origin, a worker's 2. */
static const char growing[] =
    "scenario { steps = 3, mode = 'stochastic', runs = 4, states = { 'a', 'b' } }\n"
    "local ok, rows = pcall(csv.read, 'out/loads.csv')\n"
    "local n = ok and #rows + 1 or 1\n"
    "for i = 1, n do origin { 'O' .. i, a = 100 } end\n"
    "local w = csv.open('loads.csv', { 'load' })\n"
    "for i = 1, n do w:row { i } end\n"
    "w:close()\n"
    "flow { from = 'a', to = 'b', rate = 0.5 }\n"
    "on_step(function(sim, t) end)\n";

static void test_model_changes_between_loads(void **state)
{
    (void)state;
    char out[128];
    snprintf(out, sizeof out, "%s/out", dir);
    assert_int_equal(mkdir(out, 0700), 0);
    scenario_options o;
    scenario_options_init(&o);
    o.path = write_script("growing.lua", growing);
    o.output_dir = out;
    demob_error err = {0};
    /* Two loads in a row: model_mismatch names what differs. */
    scenario *a = scenario_load(&o, &err), *b = scenario_load(&o, &err);
    assert_non_null(a);
    assert_non_null(b);
    assert_string_equal(model_mismatch(scenario_model(a), scenario_model(b)), "the number of declarations");
    assert_null(model_mismatch(scenario_model(a), scenario_model(a)));
    scenario_free(a);
    scenario_free(b);
    /* With loads.csv there, every load of one command reads the bytes the
     * first load read (lua_inputs.c): the same model, the runs go ahead. */
    memset(&err, 0, sizeof err);
    assert_int_equal(run_all(&o, 2, &err), 0);
    /* Without it, the first load finds no file and a worker's load finds
     * the one the first wrote: the runner refuses to run them (it wrote
     * out of bounds before). */
    char loads[160];
    snprintf(loads, sizeof loads, "%s/loads.csv", out);
    for (int workers = 1; workers <= 2; workers++) {
        memset(&err, 0, sizeof err);
        unlink(loads);
        assert_int_equal(run_all(&o, workers, &err), DEMOB_EINPUT);
        assert_contains(err.message, "growing.lua: the script declared another model when loaded again for a "
                                     "worker thread or a run (the number of declarations differs)");
    }
    /* A script that declares the same model every time runs. */
    scenario_options_init(&o);
    o.path = write_script("same.lua", HEAD "flow { from = 'a', to = 'b', rate = 0.5 }\non_step(function() end)\n");
    memset(&err, 0, sizeof err);
    assert_int_equal(run_all(&o, 2, &err), 0);
}

/* ---------------------------------------- csv.open's file names */

/* With -o ~ (or -o .), csv.open could replace .bashrc or
 * .ssh/authorized_keys: only .csv files, no hidden names. */
static void test_csv_open_names(void **state)
{
    (void)state;
    static const char *const bad[] = { ".bashrc", ".ssh/authorized_keys", ".ssh/x.csv", "a/.b/x.csv", ".x.csv",
                                       "Makefile", "x.csv.sh", "x.CSV2", ".csv", "./x.csv" };
    char out[128];
    snprintf(out, sizeof out, "%s/names_out", dir);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[300], want[200];
        snprintf(text, sizeof text, HEAD "local w = csv.open('%s', { 'ssh-rsa AAAA x' })\nw:close()\n", bad[i]);
        scenario_options o;
        scenario_options_init(&o);
        o.path = write_script("names.lua", text);
        o.output_dir = out;
        demob_error err = {0};
        scenario *sc = scenario_load(&o, &err);
        assert_null(sc);
        snprintf(want, sizeof want, "names.lua:3: csv.open: '%s' must name a .csv file", bad[i]);
        assert_contains(err.message, want);
    }
    /* Nothing was written, not even a folder. */
    assert_int_equal(access(out, F_OK), -1);
    scenario_options o;
    scenario_options_init(&o);
    o.path = write_script("names.lua", HEAD "local w = csv.open('sub/a.b.csv', { 'x' })\nw:close()\n");
    o.output_dir = out;
    demob_error err = {0};
    scenario *sc = scenario_load(&o, &err);
    assert_non_null(sc);
    scenario_free(sc);
    char path[200];
    snprintf(path, sizeof path, "%s/sub/a.b.csv", out);
    assert_int_equal(access(path, F_OK), 0);
}

/* ------------------------------------------- empty arrival list */

/* arrivals { per_step = {} } left the arrivals with neither a list nor a
 * constant: values[-1] was read at freeze and at every step (found by
 * fuzz_scenario with ASan). An empty list means nobody arrives. */
static void test_empty_arrival_list(void **state)
{
    (void)state;
    static const char *const modes[] = { "deterministic", "stochastic" };
    for (int k = 0; k < 2; k++) {
        char text[400];
        snprintf(text, sizeof text,
                 "scenario { steps = 3, mode = '%s', states = { 'a', 'b' } }\n"
                 "origin { 'X', a = 10 }\n"
                 "arrivals { origin = 'X', state = 'a', per_step = {} }\n"
                 "arrivals { origin = 'X', state = 'b', per_step = { tranches = 5 } }\n", modes[k]);
        scenario_options o;
        scenario_options_init(&o);
        o.path = write_script("empty_arrivals.lua", text);
        demob_error err = {0};
        scenario *sc = scenario_load(&o, &err);
        if (!sc) {
            print_error("%s\n", err.message);
            fail();
        }
        demob_sim *sim = demob_sim_new(scenario_model(sc), &err);
        assert_non_null(sim);
        assert_int_equal(demob_sim_reset(sim, 1, NULL, &err), 0);
        for (int t = 1; t <= 3; t++)
            assert_int_equal(demob_sim_step(sim, &err), 0);
        assert_true(demob_sim_stock(sim, 0, 0) == 10 && demob_sim_stock(sim, 0, 1) == 0);
        demob_sim_free(sim);
        scenario_free(sc);
    }
}

/* ----------------------------------------------------- overflow */

static void test_overflow_refused(void **state)
{
    (void)state;
    scenario_options o;
    scenario_options_init(&o);
    demob_error err = {0};
    /* Finite at t = 0, beyond DBL_MAX after arrivals at step 2. */
    o.path = write_script("big.lua", "scenario { steps = 3, states = { 'a', 'b' } }\n"
                                     "origin { 'X', a = 1e308 }\n"
                                     "arrivals { origin = 'X', state = 'b', per_step = { 0, 1e308 } }\n"
                                     "flow { from = 'a', to = 'b', rate = 0.5 }\n");
    assert_int_equal(run_all(&o, 1, &err), DEMOB_EINPUT);
    assert_contains(err.message, "big.lua: run 1, step 2: numbers too large: the total population is inf");
    /* 1e300 people run fine. */
    o.path = write_script("ok.lua", "scenario { steps = 3, states = { 'a', 'b' } }\norigin { 'X', a = 1e300 }\n"
                                    "flow { from = 'a', to = 'b', rate = 0.5 }\n");
    memset(&err, 0, sizeof err);
    assert_int_equal(run_all(&o, 1, &err), 0);
    /* Stochastic counts are bounded, their costs are not. */
    o.path = write_script("cost.lua", "scenario { steps = 3, mode = 'stochastic', runs = 2, states = { 'a', 'b' } }\n"
                                      "origin { 'X', a = 2^60 }\n"
                                      "cost { state = 'a', per_person = 1e300, category = 'c' }\n");
    memset(&err, 0, sizeof err);
    assert_int_equal(run_all(&o, 1, &err), DEMOB_EINPUT);
    assert_contains(err.message, "cost.lua: run 1, step 3: numbers too large: the total cost is inf");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gc_refused),
        cmocka_unit_test(test_error_positions),
        cmocka_unit_test(test_model_changes_between_loads),
        cmocka_unit_test(test_csv_open_names),
        cmocka_unit_test(test_empty_arrival_list),
        cmocka_unit_test(test_overflow_refused),
    };
    return cmocka_run_group_tests_name("regress_lua", tests, setup, teardown);
}
