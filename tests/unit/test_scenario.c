/* test_scenario.c - loading scenario scripts (core/lua_*.c): the model a
 * valid script builds, command-line overrides, one test per class of bad
 * input (message names file, line and the offending name), the sandbox and
 * the resource limits. Fixtures are real files in tests/scenarios/; tests
 * run from the repository root (as `make test` does). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lualib.h>

#include "assert_double.h"
#include "demob.h"
#include "lua/lua_priv.h"
#include "lua/scenario.h"
#include "run/manifest.h"
#include "util/sha256.h"
#include "util/strbuf.h"

#define DIR "tests/scenarios/"

static void assert_contains(const char *haystack, const char *needle)
{
    if (!strstr(haystack, needle)) {
        print_error("message \"%s\"\n  does not contain \"%s\"\n", haystack, needle);
        fail();
    }
}

static scenario *load_opts(scenario_options *o, demob_error *err)
{
    memset(err, 0, sizeof *err);
    return scenario_load(o, err);
}

static scenario *load(const char *path)
{
    scenario_options o;
    scenario_options_init(&o);
    o.path = path;
    demob_error err;
    scenario *sc = load_opts(&o, &err);
    if (!sc) {
        print_error("%s: %s\n", path, err.message);
        fail();
    }
    return sc;
}

/* Loads with options and expects DEMOB_EINPUT with every needle (NULL-
 * terminated) in the message. */
static void expect_fail_opts(scenario_options *o, ...)
{
    demob_error err;
    scenario *sc = load_opts(o, &err);
    if (sc) {
        scenario_free(sc);
        print_error("%s loaded, expected an error\n", o->path);
        fail();
    }
    assert_int_equal(err.status, DEMOB_EINPUT);
    va_list ap;
    va_start(ap, o);
    for (const char *s = va_arg(ap, const char *); s; s = va_arg(ap, const char *))
        assert_contains(err.message, s);
    va_end(ap);
}

#define expect_fail(file_, ...)                                                                  \
    do {                                                                                         \
        scenario_options o_;                                                                     \
        scenario_options_init(&o_);                                                              \
        o_.path = (file_);                                                                       \
        expect_fail_opts(&o_, __VA_ARGS__, (const char *)NULL);                                  \
    } while (0)

/* Stock of (origin, state) at t = 0, through a fresh sim. */
static double initial_stock(const demob_model *m, const char *origin, const char *state)
{
    demob_error err;
    demob_sim *s = demob_sim_new(m, &err);
    assert_non_null(s);
    assert_int_equal(demob_sim_reset(s, 1, NULL, &err), 0);
    double x = demob_sim_stock(s, demob_model_find_origin(m, origin), demob_model_find_state(m, state));
    demob_sim_free(s);
    return x;
}

/* ------------------------------------------------------- a valid model */

static void test_valid_model(void **state)
{
    (void)state;
    scenario *sc = load(DIR "valid.lua");
    const demob_model *m = scenario_model(sc);
    assert_string_equal(scenario_path(sc), DIR "valid.lua");
    assert_string_equal(demob_model_name(m), "Valid test");
    assert_int_equal(demob_model_steps(m), 24);
    assert_int_equal(demob_model_mode(m), DEMOB_STOCHASTIC);
    assert_int_equal(demob_model_runs(m), 5);
    assert_int_equal(demob_model_seed(m), 7);
    assert_string_equal(demob_model_date(m, 0), "2020-11");

    /* States from require "ddr", in order. */
    assert_int_equal(demob_model_n_states(m), 9);
    assert_string_equal(demob_model_state_name(m, 0), "present");
    assert_string_equal(demob_model_state_name(m, 2), "cantoned");
    assert_string_equal(demob_model_state_name(m, 8), "redeployed");

    /* Origins, tags and initial stocks. */
    assert_int_equal(demob_model_n_origins(m), 3);
    assert_string_equal(demob_model_origin_name(m, 0), "Sudan");
    assert_string_equal(demob_model_origin_name(m, 2), "Syria");
    assert_true(demob_model_origin_has_tag(m, 0, "armed_opposition"));
    assert_true(demob_model_origin_has_tag(m, 0, "lna_side"));
    assert_true(demob_model_origin_has_tag(m, 1, "lna_side"));
    assert_false(demob_model_origin_has_tag(m, 2, "lna_side"));
    assert_true(demob_model_origin_has_tag(m, 2, "gna_side"));
    assert_double(initial_stock(m, "Sudan", "present"), 3000, 0);
    assert_double(initial_stock(m, "Sudan", "registered"), 10, 0);
    assert_double(initial_stock(m, "Chad", "present"), 2000, 0);
    assert_double(initial_stock(m, "Syria", "present"), 7000, 0);
    assert_double(initial_stock(m, "Syria", "cantoned"), 0, 0);

    /* Params: defaults and range. */
    demob_value reg = demob_model_find_param(m, "registration");
    demob_value fl = demob_model_find_param(m, "flights");
    demob_value red = demob_model_find_param(m, "redeploy");
    assert_true(reg >= 0 && fl >= 0 && red >= 0);
    assert_double(demob_model_value_default(m, reg), 0.15, 0);
    assert_double(demob_model_value_default(m, fl), 600, 0);
    assert_double(demob_model_value_default(m, red), 0.02, 0);
    assert_int_equal(demob_model_find_param(m, "helper_rate") < 0, 1);

    /* Flows: names, ends; origins checked by running below. */
    assert_int_equal(demob_model_n_flows(m), 7);
    assert_string_equal(demob_model_flow_name(m, 0), "present->registered");
    assert_string_equal(demob_model_flow_name(m, 5), "fly_home");
    assert_int_equal(demob_model_flow_from(m, 5), demob_model_find_state(m, "demobilized"));
    assert_int_equal(demob_model_flow_to(m, 5), demob_model_find_state(m, "repatriated"));
    assert_int_equal(demob_model_find_flow(m, "demobilized->stranded"), 6);

    /* Capacities: the flights capacity's slot is the param. */
    assert_int_equal(demob_model_n_capacities(m), 2);
    assert_int_equal(demob_model_capacity_value(m, demob_model_find_capacity(m, "flights")), fl);
    assert_double(demob_model_value_default(m, demob_model_capacity_value(m, demob_model_find_capacity(m, "site_intake"))),
                  400, 0);

    /* Ceilings: cantoned 2500; stranded by key in sorted order: Syria, lna_side. */
    assert_int_equal(demob_model_n_ceilings(m), 3);
    int cant = demob_model_find_state(m, "cantoned"), str = demob_model_find_state(m, "stranded");
    assert_int_equal(demob_model_ceiling_state(m, 0), cant);
    assert_double(demob_model_value_default(m, demob_model_ceiling_value(m, 0)), 2500, 0);
    assert_int_equal(demob_model_ceiling_state(m, 1), str);
    assert_double(demob_model_value_default(m, demob_model_ceiling_value(m, 1)), 800, 0);
    assert_double(demob_model_value_default(m, demob_model_ceiling_value(m, 2)), 1500, 0);

    /* Costs and budgets. */
    assert_int_equal(demob_model_n_categories(m), 3);
    assert_string_equal(demob_model_category_name(m, 0), "transport");
    assert_string_equal(demob_model_category_name(m, 1), "cantonment");
    assert_string_equal(demob_model_category_name(m, 2), "site");
    assert_int_equal(demob_model_find_budget(m, "transport"), 0);
    assert_int_equal(scenario_has_hooks(sc), 0);
    scenario_free(sc);
}

/* Deterministic: the flow limited to lna_side moves Sudan and Chad, not
 * Syria; the timed event of step 6 sets the param, the switch, the
 * capacity and the ceiling. */
static void test_valid_run_deterministic(void **state)
{
    (void)state;
    scenario_options o;
    scenario_options_init(&o);
    o.path = DIR "valid.lua";
    o.mode = DEMOB_DETERMINISTIC;
    demob_error err;
    scenario *sc = load_opts(&o, &err);
    assert_non_null(sc);
    const demob_model *m = scenario_model(sc);
    demob_sim *s = demob_sim_new(m, &err);
    assert_non_null(s);
    assert_int_equal(demob_sim_reset(s, 1, NULL, &err), 0);
    assert_int_equal(demob_sim_step(s, &err), 0);
    int redeploy = demob_model_find_flow(m, "present->redeployed");
    int sudan = demob_model_find_origin(m, "Sudan"), syria = demob_model_find_origin(m, "Syria");
    assert_double(demob_sim_moved(s, syria, redeploy), 0, 0);
    /* Sudan: 3000 present at t = 0, plus this step's arrivals (50 a step,
     * and 100 at step 1 for lna_side), which join before departures; the
     * redeploy flow takes its share h2 / H of the leavers 1 - 0.85 * 0.98. */
    double h1 = -log(0.85), h2 = -log(0.98), leave = 1 - 0.85 * 0.98;
    assert_double(demob_sim_moved(s, sudan, redeploy), 3150 * leave * h2 / (h1 + h2), 1e-9);
    int reg = demob_model_find_param(m, "registration"), fl = demob_model_find_param(m, "flights");
    int stranded = demob_model_find_flow(m, "demobilized->stranded");
    for (int t = 2; t <= 5; t++)
        assert_int_equal(demob_sim_step(s, &err), 0);
    assert_double(demob_sim_value(s, reg), 0.15, 0);
    assert_int_equal(demob_sim_flow_enabled(s, stranded), 0);
    assert_double(demob_sim_value(s, fl), 600, 0);
    assert_int_equal(demob_sim_step(s, &err), 0);   /* step 6: the event */
    assert_double(demob_sim_value(s, reg), 0.3, 0);
    assert_int_equal(demob_sim_flow_enabled(s, stranded), 1);
    assert_double(demob_sim_value(s, fl), 900, 0);
    assert_double(demob_sim_value(s, demob_model_ceiling_value(m, 0)), 3000, 0);
    assert_double(demob_sim_value(s, demob_model_ceiling_value(m, 1)), 800, 0);
    demob_sim_free(s);
    scenario_free(sc);
}

static void test_overrides(void **state)
{
    (void)state;
    const char *sets[] = { "flights=900", "redeploy=0.05" };
    scenario_options o;
    scenario_options_init(&o);
    o.path = DIR "valid.lua";
    o.sets = sets;
    o.n_sets = 2;
    o.steps = 12;
    o.runs = 3;
    o.has_seed = 1;
    o.seed = 99;
    demob_error err;
    scenario *sc = load_opts(&o, &err);
    assert_non_null(sc);
    const demob_model *m = scenario_model(sc);
    assert_double(demob_model_value_default(m, demob_model_find_param(m, "flights")), 900, 0);
    assert_double(demob_model_value_default(m, demob_model_find_param(m, "redeploy")), 0.05, 0);
    assert_double(demob_model_value_default(m, demob_model_find_param(m, "registration")), 0.15, 0);
    assert_int_equal(demob_model_steps(m), 12);
    assert_int_equal(demob_model_runs(m), 3);
    assert_int_equal(demob_model_seed(m), 99);
    scenario_free(sc);

    const char *bad[] = { "flights=900", "flihgts=3" };
    o.sets = bad;
    expect_fail_opts(&o, "--set: unknown param 'flihgts' (known: flights, registration, redeploy)",
                     (const char *)NULL);
    const char *nan[] = { "flights=lots" };
    o.sets = nan;
    o.n_sets = 1;
    expect_fail_opts(&o, "--set", "flights", "lots", (const char *)NULL);
    const char *noeq[] = { "flights" };
    o.sets = noeq;
    expect_fail_opts(&o, "--set", "name=value", (const char *)NULL);
}

static void test_require_any_cwd(void **state)
{
    (void)state;
    char cwd[PATH_MAX], abs[PATH_MAX];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_non_null(realpath(DIR "uses_module.lua", abs));
    assert_int_equal(chdir("/"), 0);
    scenario_options o;
    scenario_options_init(&o);
    o.path = abs;
    demob_error err;
    scenario *sc = load_opts(&o, &err);
    assert_int_equal(chdir(cwd), 0);
    if (!sc) {
        print_error("%s\n", err.message);
        fail();
    }
    const demob_model *m = scenario_model(sc);
    assert_int_equal(demob_model_n_states(m), 2);   /* from helper_mod.lua */
    assert_string_equal(demob_model_state_name(m, 1), "there");
    assert_double(initial_stock(m, "A", "here"), 9, 0);   /* #ddr.states */
    scenario_free(sc);
}

/* ---------------------------------------------------------- bad input */

static void test_bad_syntax_and_runtime(void **state)
{
    (void)state;
    expect_fail(DIR "bad_syntax.lua", "bad_syntax.lua:3:", "'}' expected");
    expect_fail(DIR "bad_runtime.lua", "bad_runtime.lua:3:", "attempt to index a nil value");
    expect_fail(DIR "no_such_file.lua", "no_such_file.lua", "cannot open");
    expect_fail(DIR "bad_no_scenario.lua", "bad_no_scenario.lua", "scenario");
}

static void test_bad_unknown_names(void **state)
{
    (void)state;
    expect_fail(DIR "bad_unknown_state.lua", "bad_unknown_state.lua:3:", "flow: unknown state 'cantonned'",
                "(known: a, b, c)");
    expect_fail(DIR "bad_unknown_origin.lua", "bad_unknown_origin.lua:4:", "'Lybia'", "Sudan");
    expect_fail(DIR "bad_unknown_tag.lua", "bad_unknown_tag.lua:4:", "'lna_sid'", "tags: lna_side");
    expect_fail(DIR "bad_unknown_capacity.lua", "bad_unknown_capacity.lua:3:", "unknown capacity 'flihgts'",
                "known: flights");
    expect_fail(DIR "bad_unknown_budget.lua", "bad_unknown_budget.lua:3:", "unknown budget 'reinsertoin'",
                "known: reinsertion");
    expect_fail(DIR "bad_unknown_param.lua", "bad_unknown_param.lua:4:", "unknown param 'registraton'",
                "known: registration");
    expect_fail(DIR "bad_unknown_field.lua", "bad_unknown_field.lua:3:", "flow: unknown field 'rtae'");
    expect_fail(DIR "bad_event_unknown.lua", "bad_event_unknown.lua:4:", "unknown param 'rr'");
}

static void test_bad_rates(void **state)
{
    (void)state;
    expect_fail(DIR "bad_rate_range.lua", "bad_rate_range.lua:3:", "rate", "[0, 1]", "1.5");
    expect_fail(DIR "bad_rate_nan.lua", "bad_rate_nan.lua:3:", "rate", "NaN");
    expect_fail(DIR "bad_rate_type.lua", "bad_rate_type.lua:3:", "rate", "string");
}

static void test_odd_names(void **state)
{
    (void)state;
    scenario *sc = load(DIR "odd_names.lua");
    const demob_model *m = scenario_model(sc);
    assert_string_equal(demob_model_state_name(m, 2), "two\nlines");
    assert_string_equal(demob_model_origin_name(m, 0), "C\xc3\xb4te d'Ivoire");
    assert_string_equal(demob_model_origin_name(m, 1), "\xff\xfe");
    assert_true(demob_model_origin_has_tag(m, 0, "west, africa"));
    assert_double(initial_stock(m, "\xff\xfe", "say \"hi\""), 5, 0);
    assert_string_equal(demob_model_flow_name(m, 0), "in, camp->two\nlines");
    scenario_free(sc);
    expect_fail(DIR "bad_name_nul.lua", "bad_name_nul.lua:3:", "NUL byte");
}

static void test_bad_stocks(void **state)
{
    (void)state;
    expect_fail(DIR "bad_stock_negative.lua", "bad_stock_negative.lua:3:", "'Chad'", "-5");
    expect_fail(DIR "bad_stock_fraction.lua", "bad_stock_fraction.lua:3:", "'Chad'", "whole number", "10.5");
    /* Fractional stocks are fine in deterministic mode, but not once
     * --mode stochastic is given. */
    scenario *sc = load(DIR "stock_fraction_det.lua");
    assert_double(initial_stock(scenario_model(sc), "Chad", "b"), 2.5, 0);
    scenario_free(sc);
    scenario_options o;
    scenario_options_init(&o);
    o.path = DIR "stock_fraction_det.lua";
    o.mode = DEMOB_STOCHASTIC;
    expect_fail_opts(&o, "stock_fraction_det.lua:3:", "whole number", "2.5", (const char *)NULL);
}

static void test_bad_duplicates(void **state)
{
    (void)state;
    expect_fail(DIR "bad_dup_state.lua", "bad_dup_state.lua:2:", "duplicate state 'a'");
    expect_fail(DIR "bad_dup_origin.lua", "bad_dup_origin.lua:4:", "duplicate origin 'Chad'");
    expect_fail(DIR "bad_dup_param.lua", "bad_dup_param.lua:4:", "duplicate param 'flights'");
    expect_fail(DIR "bad_dup_flow.lua", "bad_dup_flow.lua:6:", "duplicate flow 'a->b'");
    expect_fail(DIR "bad_dup_capacity.lua", "bad_dup_capacity.lua:4:", "duplicate capacity 'flights'");
    expect_fail(DIR "bad_dup_budget.lua", "bad_dup_budget.lua:4:", "duplicate budget 'reinsertion'");
}

static void test_bad_steps(void **state)
{
    (void)state;
    expect_fail(DIR "bad_steps_zero.lua", "bad_steps_zero.lua:3:", "steps", "got 0");
    expect_fail(DIR "bad_steps_fraction.lua", "bad_steps_fraction.lua:3:", "steps", "whole number", "2.5");
    expect_fail(DIR "bad_no_steps.lua", "bad_no_steps.lua:3:", "steps is required");
    scenario_options o;
    scenario_options_init(&o);
    o.path = DIR "stock_fraction_det.lua";
    o.steps = 0;
    expect_fail_opts(&o, "--steps", (const char *)NULL);
}

static void test_bad_policy_values(void **state)
{
    (void)state;
    expect_fail(DIR "bad_cost_negative.lua", "bad_cost_negative.lua:3:", "per_person", "-3");
    expect_fail(DIR "bad_budget_negative.lua", "bad_budget_negative.lua:3:", "'reinsertion'", "initial", "-100");
    expect_fail(DIR "bad_min_stay_negative.lua", "bad_min_stay_negative.lua:3:", "min_stay", "-1");
    expect_fail(DIR "bad_min_stay_fraction.lua", "bad_min_stay_fraction.lua:3:", "min_stay", "whole number", "1.5");
    expect_fail(DIR "bad_window.lua", "bad_window.lua:3:", "window", "{5, 2}");
    expect_fail(DIR "bad_mode.lua", "bad_mode.lua:2:", "mode must be one of deterministic, stochastic",
                "\"stocastic\"");
    expect_fail(DIR "bad_sweep.lua", "bad_sweep.lua:3:", "sweep", "table");
    expect_fail(DIR "bad_overwrite_decl.lua", "bad_overwrite_decl.lua:3:", "'flow'", "declaration");
}

static void test_bad_checks_at_end(void **state)
{
    (void)state;
    expect_fail(DIR "bad_event_step.lua", "bad_event_step.lua:4:", "at = 9", "steps 1..6");
    expect_fail(DIR "bad_ceiling_below.lua", "bad_ceiling_below.lua:3:", "'b'", "50", "80");
    /* An event inside the scenario's run, after the last step of a shorter
     * --steps, is skipped with a warning; none without --steps. */
    char warning[512];
    scenario *sc = load(DIR "event_step5.lua");
    assert_string_equal(scenario_warning(sc, warning, sizeof warning), "");
    scenario_free(sc);
    scenario_options o;
    scenario_options_init(&o);
    o.path = DIR "event_step5.lua";
    o.steps = 3;
    demob_error err;
    sc = load_opts(&o, &err);
    assert_non_null(sc);
    assert_contains(scenario_warning(sc, warning, sizeof warning),
                    "event_step5.lua:5: event at step 5 is after the last step: skipped (--steps 3 of 6)");
    assert_int_equal(demob_model_steps(scenario_model(sc)), 3);
    scenario_free(sc);
}

/* ------------------------------------------------------------ sandbox */

static void test_sandbox(void **state)
{
    (void)state;
    scenario_free(load(DIR "sandbox_probe.lua"));
    expect_fail(DIR "sb_math_random.lua", "sb_math_random.lua:3:", "use sim:random() in hooks");
    expect_fail(DIR "sb_binary_load.lua", "sb_binary_load.lua:3:", "binary chunk");
    expect_fail(DIR "sb_os_execute.lua", "sb_os_execute.lua:3:", "execute");
    assert_int_equal(access("/tmp/demob_sandbox_escaped", F_OK), -1);
    expect_fail(DIR "sb_io_open.lua", "sb_io_open.lua:3:", "'io'");
    expect_fail(DIR "sb_require_path.lua", "sb_require_path.lua:3:", "not a plain module name");
    /* The probe fails as soon as the full libraries are there... */
    expect_fail(DIR "trusted_probe.lua", "trusted_probe.lua:3:", "trusted libraries missing");
    /* ...which --trusted provides. */
    scenario_options o;
    scenario_options_init(&o);
    o.path = DIR "trusted_probe.lua";
    o.trusted = 1;
    demob_error err;
    scenario *sc = load_opts(&o, &err);
    if (!sc) {
        print_error("%s\n", err.message);
        fail();
    }
    scenario_free(sc);
}

/* LUA_PATH is honoured with --trusted only. */
static void test_lua_path(void **state)
{
    (void)state;
    char dir[] = "/tmp/demob_luapath_XXXXXX", mod[300], path[400];
    assert_non_null(mkdtemp(dir));
    snprintf(mod, sizeof mod, "%s/lua_path_mod.lua", dir);
    FILE *f = fopen(mod, "w");
    assert_non_null(f);
    fputs("return { n = 42 }\n", f);
    fclose(f);
    snprintf(path, sizeof path, "%s/?.lua;;", dir);
    assert_int_equal(setenv("LUA_PATH", path, 1), 0);
    expect_fail(DIR "lua_path_probe.lua", "lua_path_probe.lua:2:", "module 'lua_path_mod' not found");
    scenario_options o;
    scenario_options_init(&o);
    o.path = DIR "lua_path_probe.lua";
    o.trusted = 1;
    demob_error err;
    scenario *sc = load_opts(&o, &err);
    unsetenv("LUA_PATH");
    remove(mod);
    rmdir(dir);
    if (!sc) {
        print_error("%s\n", err.message);
        fail();
    }
    assert_double(initial_stock(scenario_model(sc), "X", "a"), 42, 0);
    scenario_free(sc);
}

static void test_limits(void **state)
{
    (void)state;
    scenario_options o;
    scenario_options_init(&o);
    o.instruction_limit = 2000000;
    o.path = DIR "loop_top.lua";
    expect_fail_opts(&o, "loop_top.lua:3:", "instruction limit of 2000000 exceeded", (const char *)NULL);
    o.path = DIR "loop_pcall.lua";
    expect_fail_opts(&o, "loop_pcall.lua:3:", "instruction limit", (const char *)NULL);
    /* The wall clock, with an instruction budget too large to matter. */
    scenario_options_init(&o);
    o.time_limit = 0.2;
    o.path = DIR "loop_pcall.lua";
    expect_fail_opts(&o, "loop_pcall.lua:3:", "time limit of 0.2 s exceeded", (const char *)NULL);
    scenario_options_init(&o);
    o.memory_limit = (size_t)16 << 20;
    o.path = DIR "membomb.lua";
    expect_fail_opts(&o, "membomb.lua", "memory limit of 16 MiB exceeded", (const char *)NULL);
    o.path = DIR "membomb_pcall.lua";
    expect_fail_opts(&o, "membomb_pcall.lua", "memory limit of 16 MiB exceeded", (const char *)NULL);
    expect_fail(DIR "deep_recursion.lua", "deep_recursion.lua:3:", "stack overflow");
    /* Work inside the pattern matcher counts too. */
    scenario_options_init(&o);
    o.instruction_limit = 10000000;
    o.path = DIR "sb_pattern_bomb.lua";
    expect_fail_opts(&o, "sb_pattern_bomb.lua:4:", "instruction limit of 10000000 exceeded", (const char *)NULL);
    scenario_options_init(&o);
    o.time_limit = 0.3;
    o.path = DIR "sb_pattern_bomb.lua";
    expect_fail_opts(&o, "sb_pattern_bomb.lua:4:", "time limit of 0.3 s exceeded", (const char *)NULL);
    expect_fail(DIR "sb_c_loops.lua", "sb_c_loops.lua:5:", "instruction limit");
}

/* The pattern functions scripts get (lua_pattern.c) against Lua's own, in
 * a plain state: the same results and errors on fixed and generated
 * cases. */
static const char pattern_check[] =
    "local pat = ...\n"
    "package.loaded.pat = pat   -- so messages name the function: 'pat.gsub' vs 'string.gsub'\n"
    "local function pack(...) return { n = select('#', ...), ... } end\n"
    "local function show(t) local o = {} for i = 1, t.n do local v = t[i] if type(v) == 'string' then v = ('%q'):format(v) end o[i] = tostring(v):gsub(\"'%a+%.(%a+)'\", \"'%1'\") end return table.concat(o, ',') end\n"
    "local function all(f, ...) local o = {} for a, b, c in f(...) do o[#o + 1] = tostring(a) .. '|' .. tostring(b) .. '|' .. tostring(c) end return table.concat(o, ';') end\n"
    "local count = 0\n"
    "local function check(name, ...)\n"
    "  local r1, r2\n"
    "  if name == 'gmatch' then r1, r2 = pack(pcall(all, string.gmatch, ...)), pack(pcall(all, pat.gmatch, ...))\n"
    "  else r1, r2 = pack(pcall(string[name], ...)), pack(pcall(pat[name], ...)) end\n"
    "  count = count + 1\n"
    "  if show(r1) ~= show(r2) then\n"
    "    local a = pack(...) error(name .. '(' .. show(a) .. '): lua ' .. show(r1) .. ' / ours ' .. show(r2)) end\n"
    "end\n"
    "local fixed = {\n"
    "  { 'hello world', 'o w' }, { 'hello world', 'l+' }, { 'hello', '' }, { '', '' }, { 'a.b', '.', 1, true },\n"
    "  { 'THE (quick) fox', '%((%a+)%)' }, { 'x = 10, y = 20', '(%w+)%s*=%s*(%w+)' }, { 'abc', '()b()' },\n"
    "  { 'hello', 'l', -2 }, { 'hello', 'l', 10 }, { 'hello', 'l', -10 }, { 'f(a(b)c)d', '%b()' },\n"
    "  { 'THE (quick) fox', '%f[%a]%a+' }, { 'abcabc', '(abc)%1' }, { 'aaa', 'a-b' }, { 'aaab', '^a-b$' },\n"
    "  { 'a$b', 'a$b' }, { '[x]', '[]x]+' }, { 'a-b', '[a%-]+' }, { 'x', '%' }, { 'x', '[a' }, { 'x', '(x' },\n"
    "  { 'x', 'x)' }, { 'x', '%1' }, { 'x', '%b' }, { 'x', '%fx' }, { 'a\\0b', 'a%zb' }, { 'a\\0b', '\\0' },\n"
    "  { string.rep('a', 40), string.rep('(a)', 33) }, { 'abc', '[%a-z]+' }, { 'a,b,,c', '([^,]*)' },\n"
    "}\n"
    "for _, c in ipairs(fixed) do\n"
    "  check('find', table.unpack(c, 1, 4)) check('match', table.unpack(c, 1, 3)) check('gmatch', c[1], c[2], c[3])\n"
    "  for _, r in ipairs { '<%0>', '%1%1', '%%', '%2', '%x', {}, { a = 'A', hello = 1 }, function(x) return x == 'a' and 'Z' or nil end, false } do\n"
    "    check('gsub', c[1], c[2], r) check('gsub', c[1], c[2], r, 1)\n"
    "  end\n"
    "end\n"
    "local pieces = { 'a', 'b', '.', '%a', '%d', '%W', '[ab]', '[^a]', '[a-c]', '%b()', '%f[%w]', '(', ')', '()',\n"
    "  '%1', '^', '$', '*', '+', '-', '?', '%', '[', ']', '%%', 'x', ' ', '%s' }\n"
    "local chars = { 'a', 'b', '(', ')', '.', ' ', 'x', '1', '-', '%' }\n"
    "math.randomseed(12345)\n"
    "for i = 1, 6000 do\n"
    "  local p, s = {}, {}\n"
    "  for k = 1, math.random(1, 7) do p[k] = pieces[math.random(#pieces)] end\n"
    "  for k = 1, math.random(0, 10) do s[k] = chars[math.random(#chars)] end\n"
    "  p, s = table.concat(p), table.concat(s)\n"
    "  local init = math.random(-3, 12)\n"
    "  check('find', s, p, init) check('match', s, p, init) check('gmatch', s, p, init)\n"
    "  check('gsub', s, p, '<%0%1>') check('gsub', s, p, function(a, b) return b end, 2)\n"
    "end\n"
    "return count\n";

static void test_pattern_functions(void **state)
{
    (void)state;
    lua_State *L = luaL_newstate();
    assert_non_null(L);
    *(void **)lua_getextraspace(L) = NULL;   /* no scenario: no budget */
    luaL_openlibs(L);
    if (luaL_loadstring(L, pattern_check) != LUA_OK) {
        print_error("%s\n", lua_tostring(L, -1));
        fail();
    }
    lua_pattern_open(L, NULL);
    if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
        print_error("%s\n", lua_tostring(L, -1));
        fail();
    }
    assert_true(lua_tointeger(L, -1) > 6000 * 5);
    lua_close(L);
}

/* The manifest's scenario_sha256 is of the bytes loaded (the runs'), not
 * of the file read again: a script edited after loading does not change
 * it (nor a sweep's id, made the same way). */
static void test_hash_of_loaded_bytes(void **state)
{
    (void)state;
    static const char before[] = "scenario { steps = 2, states = { \"a\" } }\norigin { \"X\", a = 1 }\n";
    char path[] = "/tmp/demob-test-hash-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, before, sizeof before - 1), (ssize_t)(sizeof before - 1));
    assert_int_equal(close(fd), 0);
    scenario *sc = load(path);
    FILE *f = fopen(path, "a");
    assert_non_null(f);
    fputs("-- edited after loading\n", f);
    assert_int_equal(fclose(f), 0);
    char want[65], hex[65];
    sha256_data_hex(before, sizeof before - 1, want);
    const inputs_file *in;
    int n = scenario_inputs(sc, &in);
    demob_error err = {0};
    assert_int_equal(manifest_scenario_hex(path, in, n, hex, &err), 0);
    assert_string_equal(hex, want);
    manifest_info info = {"run", path, scenario_model(sc), 1, 0, NULL, NULL, in, n, NULL};
    strbuf b;
    strbuf_init(&b);
    assert_int_equal(manifest_format(&info, NULL, &b, &err), 0);
    char line[120];
    snprintf(line, sizeof line, "\"scenario_sha256\": \"%s\"", want);
    assert_contains(b.data, line);
    strbuf_free(&b);
    /* Without the list (no scenario loaded), the file as it is now. */
    assert_int_equal(manifest_scenario_hex(path, NULL, 0, hex, &err), 0);
    assert_string_not_equal(hex, want);
    scenario_free(sc);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_model),
        cmocka_unit_test(test_valid_run_deterministic),
        cmocka_unit_test(test_overrides),
        cmocka_unit_test(test_require_any_cwd),
        cmocka_unit_test(test_bad_syntax_and_runtime),
        cmocka_unit_test(test_bad_unknown_names),
        cmocka_unit_test(test_bad_rates),
        cmocka_unit_test(test_bad_stocks),
        cmocka_unit_test(test_odd_names),
        cmocka_unit_test(test_bad_duplicates),
        cmocka_unit_test(test_bad_steps),
        cmocka_unit_test(test_bad_policy_values),
        cmocka_unit_test(test_bad_checks_at_end),
        cmocka_unit_test(test_sandbox),
        cmocka_unit_test(test_lua_path),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_pattern_functions),
        cmocka_unit_test(test_hash_of_loaded_bytes),
    };
    return cmocka_run_group_tests_name("scenario", tests, NULL, NULL);
}
