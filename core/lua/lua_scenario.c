/* lua_scenario.c - scenario_load and scenario_free (core/scenario.h): runs a
 * scenario script in a fresh, limited Lua state, then applies what only the
 * end of the script can settle: command-line overrides (--steps, --mode,
 * --runs, --seed, --set), names used before their declaration (capacities
 * and budgets of flows, priority lists), steps of timed events and
 * tranches, whole-number stocks in stochastic mode, ceilings against
 * starting stocks; finally freezes the model. Every error is DEMOB_EINPUT
 * with "file:line: message" (the line of the declaration at fault) or
 * "file: message" when no line applies. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lua_csv.h"
#include "util/path.h"
#include "lua_priv.h"

void scenario_options_init(scenario_options *o)
{
    memset(o, 0, sizeof *o);
    o->runs = -1;
    o->steps = -1;
    o->mode = -1;
    o->has_seed = 0;
}

const demob_model *scenario_model(const scenario *sc)
{
    return sc->model;
}

const char *scenario_path(const scenario *sc)
{
    return sc->path;
}

const char *scenario_warning(const scenario *sc, char *buf, size_t size)
{
    if (size == 0)
        return "";
    buf[0] = 0;
    if (sc->n_skipped == 1)
        snprintf(buf, size, "%s (--steps %d of %d)", sc->skipped, demob_model_steps(sc->model), sc->steps_cut);
    else if (sc->n_skipped > 1)
        snprintf(buf, size, "%s (--steps %d of %d), and %d more after it", sc->skipped,
                 demob_model_steps(sc->model), sc->steps_cut, sc->n_skipped - 1);
    return buf;
}

/* --steps ran fewer steps than declared and a timed event or tranche falls
 * after the last one: it is skipped, as it would not have happened yet
 * (*decided*); the first is named in the warning. Else 0: not skipped. */
static int skip_after_cut(scenario *sc, const pending *p, const char *what)
{
    if (!sc->steps_cut || p->b <= demob_model_steps(sc->model) || p->b > sc->steps_cut)
        return 0;
    if (sc->n_skipped++ == 0)
        snprintf(sc->skipped, sizeof sc->skipped, "%s%s at step %d is after the last step: skipped",
                 p->where ? p->where : "", what, p->b);
    return 1;
}

int scenario_has_hooks(const scenario *sc)
{
    return sc->n_step + sc->n_pred + sc->n_arrfn + sc->n_finish > 0;
}

int scenario_warnings(const scenario *sc, demob_lint_fn fn, void *ud)
{
    for (int i = 0; i < sc->n_set_warnings; i++)
        fn(ud, sc->set_warnings[i]);
    int n = demob_model_lint(sc->model, scenario_has_hooks(sc), fn, ud);
    return sc->n_set_warnings + (n > 0 ? n : 0);
}

/* ------------------------------------------------------------ helpers */

/* The folder of path ("." when it has none). */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return strdup(".");
    if (slash == path)
        return strdup("/");
    size_t n = (size_t)(slash - path);
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, path, n);
        d[n] = '\0';
    }
    return d;
}

/* "a, b, c" from names (at most a dozen). */
static void join_names(char *buf, size_t n, const char *const *names, int count)
{
    size_t used = 0;
    buf[0] = '\0';
    int shown = 0;
    for (int i = 0; i < count && used < n; i++) {
        if (!names[i])
            continue;
        if (shown == 12) {
            snprintf(buf + used, n - used, ", ...");
            return;
        }
        int w = snprintf(buf + used, n - used, "%s%s", shown ? ", " : "", names[i]);
        if (w < 0)
            return;
        used += (size_t)w;
        shown++;
    }
    if (shown == 0)
        snprintf(buf, n, "none");
}

static void known_params(const demob_model *m, char *buf, size_t n)
{
    int nv = demob_model_n_values(m);
    const char **names = malloc((size_t)(nv + 1) * sizeof *names);
    if (!names) {
        snprintf(buf, n, "?");
        return;
    }
    for (int i = 0; i < nv; i++)
        names[i] = demob_model_value_name(m, i);
    join_names(buf, n, names, nv);
    free(names);
}

/* An error at a recorded script line ("file:line: "), or at the file. */
static int fail_at(scenario *sc, demob_error *err, const char *where, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static int fail_at(scenario *sc, demob_error *err, const char *where, const char *fmt, ...)
{
    char msg[LUA_MSG_SIZE];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (where && *where)
        return demob_error_set(err, DEMOB_EINPUT, "%s%s", where, msg);
    return demob_error_set(err, DEMOB_EINPUT, "%s: %s", sc->path, msg);
}

/* ----------------------------------------------------- overrides, --set */

static int apply_overrides(scenario *sc, const scenario_options *opt, demob_error *err)
{
    demob_error e;
    demob_model *m = sc->model;
    int declared = demob_model_steps(m);
    if (opt->steps >= 0 && demob_model_set_steps(m, opt->steps, &e) < 0)
        return fail_at(sc, err, NULL, "--steps: %s", e.message);
    if (opt->steps >= 0 && opt->steps < declared)
        sc->steps_cut = declared;
    if (opt->runs >= 0 && demob_model_set_runs(m, opt->runs, &e) < 0)
        return fail_at(sc, err, NULL, "--runs: %s", e.message);
    if (opt->mode >= 0) {
        if (demob_model_set_mode(m, (demob_mode)opt->mode, &e) < 0)
            return fail_at(sc, err, NULL, "--mode: %s", e.message);
        sc->mode = opt->mode;
    }
    if (opt->has_seed && demob_model_set_seed(m, opt->seed, &e) < 0)
        return fail_at(sc, err, NULL, "--seed: %s", e.message);
    return 0;
}

static int apply_sets(scenario *sc, const scenario_options *opt, demob_error *err)
{
    for (int i = 0; i < opt->n_sets; i++) {
        const char *set = opt->sets[i];
        const char *eq = strchr(set, '=');
        if (!eq || eq == set)
            return demob_error_set(err, DEMOB_EINPUT, "--set: expected name=value (got '%s')", set);
        char name[LUA_MSG_NAME_SIZE];
        snprintf(name, sizeof name, "%.*s", (int)(eq - set), set);
        demob_value v = demob_model_find_param(sc->model, name);
        if (v < 0) {
            char known[LUA_MSG_KNOWN_SIZE];
            known_params(sc->model, known, sizeof known);
            return demob_error_set(err, DEMOB_EINPUT, "--set: unknown param '%s' (known: %s)", name, known);
        }
        const char *val = eq + 1;
        double x;
        char *end = NULL;
        if (strcmp(val, "true") == 0)
            x = 1;
        else if (strcmp(val, "false") == 0)
            x = 0;
        else {
            errno = 0;
            x = strtod(val, &end);
            if (end == val || *end != '\0' || !isfinite(x))
                return demob_error_set(err, DEMOB_EINPUT, "--set: value of '%s' must be a number (got '%s')",
                                       name, val);
        }
        demob_error e;
        if (demob_model_set_default(sc->model, v, x, &e) < 0)
            return demob_error_set(err, DEMOB_EINPUT, "--set: %s", e.message);
        double lo, hi;
        demob_model_value_range(sc->model, v, &lo, &hi);
        if (!isnan(lo) && (x < lo || x > hi)) {
            char msg[LUA_MSG_SIZE];
            snprintf(msg, sizeof msg, "--set %s=%s is outside the param's declared range [%.14g, %.14g]", name, val,
                     lo, hi);
            char **w = realloc(sc->set_warnings, (size_t)(sc->n_set_warnings + 1) * sizeof *w);
            if (!w || !(w[sc->n_set_warnings] = strdup(msg))) {
                if (w)
                    sc->set_warnings = w;
                return demob_error_set(err, DEMOB_ERUN, "out of memory");
            }
            sc->set_warnings = w;
            sc->n_set_warnings++;
        }
    }
    return 0;
}

/* ---------------------------------------------------- deferred checks */

static int resolve_priority(scenario *sc, const pending *p, demob_error *err)
{
    demob_model *m = sc->model;
    demob_error e;
    int n = demob_model_n_origins(m);
    int *list = malloc((size_t)(n + 1) * sizeof *list);
    if (!list)
        return demob_error_set(err, DEMOB_ERUN, "out of memory");
    int k = demob_model_resolve_origins(m, p->name, list, &e);
    int rc = 0;
    if (k > 0) {
        /* A tag's origins share one rank. */
        if (demob_model_add_priority_group(m, p->a, 0, list, k, &e) < 0)
            rc = fail_at(sc, err, p->where, "capacity: %s", e.message);
    } else {
        int f = demob_model_find_flow(m, p->name);
        if (f < 0)
            rc = fail_at(sc, err, p->where, "capacity: priority: unknown origin, tag or flow '%s'", p->name);
        else if (demob_model_add_priority(m, p->a, 1, f, &e) < 0)
            rc = fail_at(sc, err, p->where, "capacity: %s", e.message);
    }
    free(list);
    return rc;
}

static double starting_occupancy(const scenario *sc, const pending *p)
{
    double sum = 0;
    for (int i = 0; i < sc->n_init; i++) {
        if (sc->init[i].state != p->a)
            continue;
        int in = p->ints == NULL;
        for (int k = 0; k < p->n_ints && !in; k++)
            in = p->ints[k] == sc->init[i].origin;
        if (in)
            sum += sc->init[i].slot >= 0 ? demob_model_value_default(sc->model, sc->init[i].slot)
                                         : sc->init[i].count;
    }
    return sum;
}

static int resolve_pending(scenario *sc, const pending *p, demob_error *err)
{
    demob_model *m = sc->model;
    demob_error e;
    int steps = demob_model_steps(m);
    char known[LUA_MSG_KNOWN_SIZE];
    switch (p->kind) {
    case PEND_FLOW_CAPACITY: {
        int c = demob_model_find_capacity(m, p->name);
        if (c < 0) {
            join_names(known, sizeof known, (const char *const *)sc->capacities.v, sc->capacities.n);
            return fail_at(sc, err, p->where, "flow: unknown capacity '%s' (known: %s)", p->name, known);
        }
        if (demob_model_flow_use_capacity(m, p->a, c, &e) < 0)
            return fail_at(sc, err, p->where, "flow: %s", e.message);
        return 0;
    }
    case PEND_FLOW_BUDGET: {
        int b = demob_model_find_budget(m, p->name);
        if (b < 0) {
            join_names(known, sizeof known, (const char *const *)sc->budgets.v, sc->budgets.n);
            return fail_at(sc, err, p->where, "flow: unknown budget '%s' (known: %s)", p->name, known);
        }
        if (demob_model_flow_use_budget(m, p->a, b, p->slot, &e) < 0)
            return fail_at(sc, err, p->where, "flow: %s", e.message);
        return 0;
    }
    case PEND_PRIORITY:
        return resolve_priority(sc, p, err);
    case PEND_EVENT_VALUE:
    case PEND_EVENT_FLOW:
        if (skip_after_cut(sc, p, "event"))
            return 0;
        if (p->b < 1 || p->b > steps)
            return fail_at(sc, err, p->where, "event: at = %d is outside the run (steps 1..%d)", p->b, steps);
        /* The value is checked here, where the script line is known. */
        if ((p->kind == PEND_EVENT_VALUE && p->a >= 0 ? demob_model_event_set_expr(m, p->b, p->slot, p->a, &e) < 0
             : p->kind == PEND_EVENT_VALUE ? demob_model_check_value(m, p->slot, p->x, &e) < 0 ||
                                               demob_model_event_set_value(m, p->b, p->slot, p->x, &e) < 0
                                         : demob_model_event_set_flow(m, p->b, p->a, p->x != 0, &e) < 0))
            return fail_at(sc, err, p->where, "event: %s", e.message);
        return 0;
    case PEND_TRANCHE:
        if (skip_after_cut(sc, p, "tranche"))
            return 0;
        if (p->b < 1 || p->b > steps)
            return fail_at(sc, err, p->where, "budget: '%s': tranche at = %d is outside the run (steps 1..%d)",
                           p->name, p->b, steps);
        if ((p->slot >= 0 ? demob_model_add_tranche_value(m, p->a, p->b, p->slot, &e)
                          : demob_model_add_tranche(m, p->a, p->b, p->x, &e)) < 0)
            return fail_at(sc, err, p->where, "budget: %s", e.message);
        return 0;
    case PEND_WHOLE:
        if (sc->mode == DEMOB_STOCHASTIC)
            return fail_at(sc, err, p->where, "%s must be a whole number in stochastic mode (got %g)", p->name,
                           p->x);
        return 0;
    case PEND_EXPR:
        return lua_expr_resolve(sc, p, err);
    case PEND_NONE:
        return 0;
    case PEND_CEILING: {
        if (demob_model_value_is_expr(m, p->slot))
            return 0;   /* checked at run time */
        double limit = demob_model_value_default(m, p->slot);
        double occ = starting_occupancy(sc, p);
        if (occ > limit)
            return fail_at(sc, err, p->where,
                           "state: ceiling %g of '%s' is below its starting occupancy %g", limit, p->name, occ);
        return 0;
    }
    }
    return 0;
}

/* ---------------------------------------------------------------- load */

/* Runs inside the protected call: builds the environment, then the script. */
static int load_main(lua_State *L)
{
    scenario *sc = lua_scenario_of(L);
    const scenario_options *opt = lua_touserdata(L, 1);
    lua_settop(L, 0);
    lua_declare_push(L);
    lua_sandbox_open(L, sc);
    lua_settop(L, 0);
    lua_expr_register(L);
    lua_sim_register(L);
    lua_csv_set_base_dir(L, sc->dir);
    lua_csv_set_memory_limit(L, sc->lim.mem_limit);
    lua_csv_set_output_dir(L, opt->output_dir);
    lua_csv_confine_reads(L, !sc->trusted);
    if (opt->output_dir)
        lua_csv_gather_runs(L, opt->csv_gather ? NULL
                               : opt->csv_refusal ? opt->csv_refusal
                                                  : "this command keeps no file written in a run");
    lua_inputs_attach(L, sc->inputs);
    lua_extends_push_file(L, sc, sc->path);
    const char *name = strrchr(sc->path, '/');
    if (lua_input_load(L, sc->path, name ? name + 1 : sc->path, sc->trusted) != LUA_OK)
        return lua_error(L);
    lua_call(L, 0, 0);
    return 0;
}

scenario *scenario_load(const scenario_options *opt, demob_error *err)
{
    return lua_scenario_load(opt, NULL, err);
}

scenario *lua_scenario_load(const scenario_options *opt, lua_input_store *shared, demob_error *err)
{
    if (!opt || !opt->path || !*opt->path) {
        demob_error_set(err, DEMOB_EINPUT, "no scenario file given");
        return NULL;
    }
    scenario *sc = calloc(1, sizeof *sc);
    if (!sc) {
        demob_error_set(err, DEMOB_ERUN, "out of memory");
        return NULL;
    }
    sc->cur_ref = LUA_NOREF;
    sc->trusted = opt->trusted;
    sc->mode = DEMOB_DETERMINISTIC;
    sc->path = strdup(opt->path);
    sc->dir = dir_of(opt->path);
    sc->model = demob_model_new();
    sc->owns_inputs = shared == NULL;
    sc->inputs = shared ? shared : lua_inputs_new(opt->memory_limit > 0 ? opt->memory_limit : LUA_DEFAULT_MEMORY);
    if (!sc->path || !sc->dir || !sc->model || !sc->inputs) {
        demob_error_set(err, DEMOB_ERUN, "out of memory");
        goto fail;
    }
    sc->load_seconds = opt->time_limit > 0 ? opt->time_limit : LUA_DEFAULT_LOAD_SECONDS;
    sc->hook_seconds = opt->time_limit > 0 ? opt->time_limit : LUA_DEFAULT_HOOK_SECONDS;
    sc->load_instructions = opt->instruction_limit > 0 ? opt->instruction_limit : LUA_DEFAULT_LOAD_INSTRUCTIONS;
    sc->hook_instructions = opt->instruction_limit > 0 ? opt->instruction_limit : LUA_DEFAULT_HOOK_INSTRUCTIONS;
    sc->lim.mem_limit = opt->memory_limit > 0 ? opt->memory_limit : LUA_DEFAULT_MEMORY;
    sc->lim.path = sc->path;
    sc->lim.interrupted = opt->interrupted;

    char name[LUA_MSG_NAME_SIZE];
    path_stem(name, sizeof name, opt->path);
    demob_error e;
    if (demob_model_set_name(sc->model, name, &e) < 0) {
        demob_error_set(err, DEMOB_EINPUT, "%s: %s", sc->path, e.message);
        goto fail;
    }

    sc->L = lua_newstate(lua_sandbox_alloc, &sc->lim);
    if (!sc->L) {
        demob_error_set(err, DEMOB_ERUN, "%s: cannot create a Lua state (out of memory)", sc->path);
        goto fail;
    }
    *(scenario **)lua_getextraspace(sc->L) = sc;
    lua_sandbox_install_hook(sc);

    lua_pushcfunction(sc->L, load_main);
    lua_pushlightuserdata(sc->L, (void *)opt);
    int status = lua_sandbox_pcall(sc, 1, 0, sc->load_seconds, sc->load_instructions);
    if (status != LUA_OK) {
        char msg[sizeof err->message];
        lua_sandbox_message(sc, status, msg, sizeof msg);
        lua_settop(sc->L, 0);
        /* LUA_ERRFILE: a csv writer could not write (a full disk). */
        demob_error_set(err, status == LUA_ERRFILE ? DEMOB_ERUN : DEMOB_EINPUT, "%s", msg);
        goto fail;
    }

    if (!sc->scenario_declared) {
        demob_error_set(err, DEMOB_EINPUT, "%s: no scenario declaration (add scenario { steps = ... })", sc->path);
        goto fail;
    }
    if (apply_overrides(sc, opt, err) || apply_sets(sc, opt, err))
        goto fail;
    for (int i = 0; i < sc->n_pend; i++)
        if (resolve_pending(sc, &sc->pend[i], err))
            goto fail;
    if (demob_model_freeze(sc->model, &e) < 0) {
        /* "file:line: message" once: an expression's error names its line. */
        if (lua_has_position(e.message))
            demob_error_set(err, DEMOB_EINPUT, "%s", e.message);
        else
            demob_error_set(err, DEMOB_EINPUT, "%s: %s", sc->path, e.message);
        goto fail;
    }

    /* Run-time buffers for the hooks. */
    sc->scratch = malloc((size_t)(demob_model_n_origins(sc->model) + 1) * sizeof *sc->scratch);
    sc->fired = calloc((size_t)sc->n_pred + 1, 1);
    if (!sc->scratch || !sc->fired) {
        demob_error_set(err, DEMOB_ERUN, "out of memory");
        goto fail;
    }
    sc->loaded = 1;
    return sc;
fail:
    scenario_free(sc);
    return NULL;
}

void scenario_free(scenario *sc)
{
    if (!sc)
        return;
    lua_run_ctx_free(sc);
    if (sc->L)
        lua_sandbox_close(sc);
    for (int i = 0; i < sc->n_pend; i++) {
        free(sc->pend[i].name);
        free(sc->pend[i].where);
        free(sc->pend[i].ints);
        lua_expr_prog_free(sc->pend[i].expr);
    }
    free(sc->pend);
    for (int i = 0; i < sc->n_set_warnings; i++)
        free(sc->set_warnings[i]);
    free(sc->set_warnings);
    for (int i = 0; i < sc->n_ext; i++)
        free(sc->ext_stack[i]);
    free(sc->ext_stack);
    free(sc->init);
    lua_args_namelist_free(&sc->tags);
    lua_args_namelist_free(&sc->capacities);
    lua_args_namelist_free(&sc->budgets);
    lua_report_free(sc);
    lua_outcome_free(sc);
    lua_prior_free(sc);
    fit_obs_free(&sc->obs);
    free(sc->step_refs);
    free(sc->finish_refs);
    for (int i = 0; i < sc->n_arrfn; i++)
        free(sc->arrfns[i].where);
    free(sc->arrfns);
    free(sc->preds);
    free(sc->actions);
    free(sc->fired);
    free(sc->scratch);
    demob_model_free(sc->model);
    if (sc->owns_inputs)
        lua_inputs_free(sc->inputs);
    free(sc->path);
    free(sc->dir);
    free(sc);
}
