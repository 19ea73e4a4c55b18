/* lua_declare.c - the declarations that give a model its shape: scenario,
 * state, origin, param, flow, capacity. Each takes one table, checks every
 * field at once (names resolved now, so an error points at the line that
 * made it) and calls the demob_model builders. What must wait for the end
 * of the script (capacity and budget names a flow may use before they are
 * declared, fractional stocks once the mode is known, ceilings against
 * starting stocks) is recorded with its script line (lua_args_pend) and
 * checked in lua_scenario.c. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lua_priv.h"

#define MAX_STEPS 100000000   /* far beyond any plan; keeps ints safe */

static struct scenario *sc_of(lua_State *L)
{
    return lua_scenario_of(L);
}


/* A whole number at idx in [lo, hi], as an int. */
static int int_field(lua_State *L, int idx, const char *decl, const char *field, int lo, int hi)
{
    return (int)lua_args_integer(L, idx, decl, field, lo, hi);
}

/* The index of the string at idx in opts (NULL-terminated), or raises
 * naming the choices. */
static int option(lua_State *L, int idx, const char *decl, const char *field, const char *const *opts)
{
    const char *v = lua_type(L, idx) == LUA_TSTRING ? lua_tostring(L, idx) : NULL;
    int n = 0;
    for (; opts[n]; n++)
        if (v && strcmp(opts[n], v) == 0)
            return n;
    const char *list = lua_args_push_list(L, opts, n);
    if (v)
        luaL_error(L, "%s: %s must be one of %s (got \"%s\")", decl, field, list, v);
    return luaL_error(L, "%s: %s must be one of %s (got %s)", decl, field, list, luaL_typename(L, idx));
}

/* ------------------------------------------------------------ scenario */

static int decl_scenario(lua_State *L)
{
    static const char *const fields[] = { "name", "steps", "unit", "start", "mode", "runs", "seed", "states",
                                          "report_at", "report_origins", "report_states", "extends", "currency",
                                          NULL };
    static const char *const modes[] = { "deterministic", "stochastic", NULL };
    struct scenario *sc = sc_of(L);
    demob_error err;
    lua_args_table(L, "scenario");
    lua_args_check_fields(L, 1, "scenario", fields, 0);
    int extends = lua_args_field(L, 1, "extends") != LUA_TNIL;
    if (extends) {
        /* The base declares the scenario; this table's fields override. */
        if (lua_type(L, -1) != LUA_TSTRING)
            luaL_error(L, "scenario: extends must be the file name of a scenario (e.g. \"libya_2020.lua\")");
        if (sc->scenario_declared || demob_model_n_states(sc->model) > 0 || demob_model_n_values(sc->model) > 0)
            luaL_error(L, "scenario: extends must be in the first declaration of the file");
        lua_extends_load(L, lua_tostring(L, -1));
    } else if (sc->scenario_declared) {
        luaL_error(L, "scenario: declared twice");
    }
    sc->scenario_declared = 1;

    if (lua_args_field(L, 1, "name") != LUA_TNIL) {
        if (lua_type(L, -1) != LUA_TSTRING)
            luaL_error(L, "scenario: name must be a string");
        lua_args_model(L, demob_model_set_name(sc->model, lua_args_text(L, -1, "scenario", "name"), &err), &err,
                       "scenario");
    }
    if (lua_args_field(L, 1, "steps") == LUA_TNIL && !extends)
        luaL_error(L, "scenario: steps is required (the number of time steps, e.g. steps = 36)");
    if (!lua_isnil(L, -1)) {
        int steps = int_field(L, -1, "scenario", "steps", 1, MAX_STEPS);
        lua_args_model(L, demob_model_set_steps(sc->model, steps, &err), &err, "scenario");
        sc->steps_declared = 1;
    }
    if (lua_args_field(L, 1, "unit") != LUA_TNIL) {
        int u = option(L, -1, "scenario", "unit", demob_unit_names);
        lua_args_model(L, demob_model_set_unit(sc->model, (demob_unit)u, &err), &err, "scenario");
    }
    if (lua_args_field(L, 1, "start") != LUA_TNIL) {
        if (lua_type(L, -1) != LUA_TSTRING)
            luaL_error(L, "scenario: start must be a date string \"YYYY-MM\" or \"YYYY-MM-DD\"");
        lua_args_model(L, demob_model_set_start(sc->model, lua_tostring(L, -1), &err), &err, "scenario");
    }
    if (lua_args_field(L, 1, "mode") != LUA_TNIL) {
        int i = option(L, -1, "scenario", "mode", modes);
        sc->mode = i == 0 ? DEMOB_DETERMINISTIC : DEMOB_STOCHASTIC;
        lua_args_model(L, demob_model_set_mode(sc->model, (demob_mode)sc->mode, &err), &err, "scenario");
    }
    if (lua_args_field(L, 1, "runs") != LUA_TNIL) {
        long runs = (long)lua_args_integer(L, -1, "scenario", "runs", 1, 1000000000000LL);
        lua_args_model(L, demob_model_set_runs(sc->model, runs, &err), &err, "scenario");
    }
    if (lua_args_field(L, 1, "seed") != LUA_TNIL) {
        long long seed = lua_args_integer(L, -1, "scenario", "seed", 0, LUA_MAXINTEGER);
        lua_args_model(L, demob_model_set_seed(sc->model, (uint64_t)seed, &err), &err, "scenario");
    }
    if (lua_args_field(L, 1, "report_at") != LUA_TNIL)
        lua_outcome_report_at(L, -1);
    lua_outcome_report_rows(L, 1);
    if (lua_args_field(L, 1, "currency") != LUA_TNIL) {
        size_t len;
        const char *cur = lua_type(L, -1) == LUA_TSTRING ? lua_tolstring(L, -1, &len) : NULL;
        if (!cur || len == 0 || len > 16)
            luaL_error(L, "scenario: currency must be a short string, e.g. currency = \"USD\"");
        free(sc->currency);
        if (!(sc->currency = strdup(cur)))
            luaL_error(L, "scenario: out of memory");
    }
    if (lua_args_field(L, 1, "states") != LUA_TNIL) {
        lua_args_names(L, -1, "scenario", "states");
        lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
        for (lua_Integer i = 1; i <= n; i++) {
            lua_rawgeti(L, -1, i);
            /* A variant may list the base's states again. */
            if (!extends || demob_model_find_state(sc->model, lua_tostring(L, -1)) < 0)
                lua_args_model(L, demob_model_add_state(sc->model, lua_tostring(L, -1), &err), &err, "scenario");
            lua_pop(L, 1);
        }
    }
    return 0;
}

/* --------------------------------------------------------------- state */

/* ceiling = n | param | { origin_or_tag = n, ... } */
static void state_ceiling(lua_State *L, int s, int idx)
{
    struct scenario *sc = sc_of(L);
    demob_error err;
    idx = lua_absindex(L, idx);
    if (lua_type(L, idx) != LUA_TTABLE) {
        demob_value v = lua_args_value(L, idx, "state", "ceiling", 0, HUGE_VAL);
        lua_args_model(L, demob_model_add_ceiling(sc->model, s, NULL, 0, v, &err), &err, "state");
        pending *p = lua_args_pend(L, PEND_CEILING, demob_model_state_name(sc->model, s));
        p->a = s;
        p->slot = v;
        return;
    }
    lua_args_sorted_keys(L, idx, "state", "ceiling", NULL);
    int keys = lua_gettop(L);
    lua_Integer n = (lua_Integer)lua_rawlen(L, keys);
    if (n == 0)
        luaL_error(L, "state: ceiling is an empty table");
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, keys, i);
        const char *key = lua_tostring(L, -1);
        lua_pushvalue(L, -1);
        lua_gettable(L, idx);
        lua_pushfstring(L, "ceiling.%s", key);
        demob_value v = lua_args_value(L, -2, "state", lua_tostring(L, -1), 0, HUGE_VAL);
        int no;
        int *origins = lua_args_origins(L, -3, "state", "ceiling", &no);
        lua_args_model(L, demob_model_add_ceiling(sc->model, s, origins, no, v, &err), &err, "state");
        pending *p = lua_args_pend(L, PEND_CEILING, demob_model_state_name(sc->model, s));
        p->a = s;
        p->slot = v;
        p->ints = malloc((size_t)no * sizeof(int));
        if (!p->ints)
            luaL_error(L, "out of memory");
        memcpy(p->ints, origins, (size_t)no * sizeof(int));
        p->n_ints = no;
        lua_pop(L, 4);
    }
    lua_pop(L, 1);
}

static int decl_state(lua_State *L)
{
    static const char *const fields[] = { "ceiling", "min_stay", "duration", "exit", NULL };
    struct scenario *sc = sc_of(L);
    demob_error err;
    lua_args_table(L, "state");
    lua_args_check_fields(L, 1, "state", fields, 1);
    const char *name = lua_args_name(L, 1, "state", "state");
    int s = demob_model_find_state(sc->model, name);
    if (s < 0)
        s = lua_args_model(L, demob_model_add_state(sc->model, name, &err), &err, "state");
    if (lua_extends_base(sc, EXT_STATE, s)) {
        /* A variant's state replaces the base's: its ceilings and stays. */
        lua_args_model(L, demob_model_reset_state(sc->model, s, &err), &err, "state");
        lua_extends_drop(sc, PEND_CEILING, s, 0, 0);
    }
    if (lua_args_field(L, 1, "min_stay") != LUA_TNIL) {
        int k = int_field(L, -1, "state", "min_stay", 0, MAX_STEPS);
        lua_args_model(L, demob_model_set_min_stay(sc->model, s, k, &err), &err, "state");
    }
    int has_duration = lua_args_field(L, 1, "duration") != LUA_TNIL;
    int has_exit = lua_args_field(L, 1, "exit") != LUA_TNIL;
    if (has_duration != has_exit)
        luaL_error(L, "state: '%s': duration and exit go together (everyone leaves after duration steps to exit)",
                   name);
    if (has_duration) {
        int k = int_field(L, -2, "state", "duration", 1, MAX_STEPS);
        if (lua_type(L, -1) != LUA_TSTRING)
            luaL_error(L, "state: exit must be a state name");
        int exit = lua_args_state(L, lua_tostring(L, -1), "state", "exit");
        lua_args_model(L, demob_model_set_duration(sc->model, s, k, exit, &err), &err, "state");
    }
    if (lua_args_field(L, 1, "ceiling") != LUA_TNIL)
        state_ceiling(L, s, -1);
    return 0;
}

/* -------------------------------------------------------------- origin */

static int decl_origin(lua_State *L)
{
    static const char *const skip[] = { "tags", NULL };
    struct scenario *sc = sc_of(L);
    demob_error err;
    lua_args_table(L, "origin");
    const char *name = lua_args_name(L, 1, "origin", "origin");
    lua_pushnil(L);
    while (lua_next(L, 1)) {   /* only [1] may be positional */
        lua_pop(L, 1);
        if (lua_isinteger(L, -1) && lua_tointeger(L, -1) != 1)
            luaL_error(L, "origin: unexpected value at position %d", (int)lua_tointeger(L, -1));
    }
    int o = lua_args_model(L, demob_model_add_origin(sc->model, name, &err), &err, "origin");
    if (lua_args_field(L, 1, "tags") != LUA_TNIL) {
        lua_args_names(L, -1, "origin", "tags");
        lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
        for (lua_Integer i = 1; i <= n; i++) {
            lua_rawgeti(L, -1, i);
            const char *tag = lua_tostring(L, -1);
            lua_args_model(L, demob_model_tag_origin(sc->model, o, tag, &err), &err, "origin");
            lua_args_namelist_add(L, &sc->tags, tag);
            lua_pop(L, 1);
        }
    }
    /* Every other key is a state with its stock at t = 0. */
    lua_args_sorted_keys(L, 1, "origin", "stocks", skip);
    int keys = lua_gettop(L);
    lua_Integer n = (lua_Integer)lua_rawlen(L, keys);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, keys, i);
        const char *state = lua_tostring(L, -1);
        int s = demob_model_find_state(sc->model, state);
        if (s < 0 && demob_model_n_states(sc->model) == 0)
            luaL_error(L, "origin: unknown field or state '%s' (fields: tags; %s)", state, LUA_ARGS_NO_STATES);
        if (s < 0)
            luaL_error(L, "origin: unknown field or state '%s' (fields: tags; states: %s)", state,
                       lua_args_push_known(L, KNOWN_STATES));
        lua_getfield(L, 1, state);
        lua_pushfstring(L, "origin: initial stock of '%s' in '%s'", name, state);
        int *param_slot = luaL_testudata(L, -2, LUA_PARAM_META);
        if (param_slot) {
            /* An uncertain caseload: the engine reads it from the run's
             * values (sweeps vary it) and checks it at freeze and reset. */
            lua_args_model(L, demob_model_set_initial_value(sc->model, o, s, *param_slot, &err), &err, "origin");
            lua_args_grow(L, &sc->init, &sc->cap_init, sc->n_init, sizeof *sc->init);
            sc->init[sc->n_init].origin = o;
            sc->init[sc->n_init].state = s;
            sc->init[sc->n_init].count = 0;
            sc->init[sc->n_init].slot = *param_slot;   /* its default, after --set */
            sc->n_init++;
            lua_pop(L, 3);
            continue;
        }
        const char *what = lua_tostring(L, -1);
        double x = lua_args_number(L, -2, "origin", what + 8);
        if (x < 0 || isinf(x))
            luaL_error(L, "%s must be a finite number >= 0 (got %s)", what, lua_args_num(L, x));
        lua_args_model(L, demob_model_set_initial(sc->model, o, s, x, &err), &err, "origin");
        lua_args_grow(L, &sc->init, &sc->cap_init, sc->n_init, sizeof *sc->init);
        sc->init[sc->n_init].origin = o;
        sc->init[sc->n_init].state = s;
        sc->init[sc->n_init].count = x;
        sc->init[sc->n_init].slot = -1;
        sc->n_init++;
        if (x != floor(x)) {
            /* Fine in deterministic mode; the mode may still change. */
            pending *p = lua_args_pend(L, PEND_WHOLE, lua_tostring(L, -1));
            p->x = x;
        }
        lua_pop(L, 3);
    }
    return 0;
}

/* --------------------------------------------------------------- param */

static void push_param_ref(lua_State *L, demob_value v)
{
    int *slot = lua_newuserdatauv(L, sizeof(int), 0);
    *slot = v;
    luaL_setmetatable(L, LUA_PARAM_META);
}

static int param_tostring(lua_State *L)
{
    int *slot = luaL_checkudata(L, 1, LUA_PARAM_META);
    const char *name = demob_model_value_name(sc_of(L)->model, *slot);
    lua_pushfstring(L, "param '%s'", name ? name : "?");
    return 1;
}

static double param_default(lua_State *L, int idx, const char *name)
{
    idx = lua_absindex(L, idx); /* the message pushed below would shift -1 */
    if (lua_type(L, idx) == LUA_TBOOLEAN)   /* switches: true = 1, false = 0 */
        return lua_toboolean(L, idx) ? 1.0 : 0.0;
    lua_pushfstring(L, "default of '%s'", name);
    double x = lua_args_number(L, idx, "param", lua_tostring(L, -1));
    lua_pop(L, 1);
    if (isinf(x))
        luaL_error(L, "param: default of '%s' must be a finite number", name);
    return x;
}

static void check_param_name(lua_State *L, const char *name)
{
    if (!*name || strchr(name, '='))
        luaL_error(L, "param: '%s' is not a usable name (non-empty, no '=')", name);
}

/* A new param, or (in a scenario that extends another) the base's param
 * of that name with the new default and range. */
static demob_value add_param(lua_State *L, const char *name, double def, double lo, double hi)
{
    struct scenario *sc = sc_of(L);
    demob_error err;
    demob_value v = demob_model_find_param(sc->model, name);
    if (!lua_extends_base(sc, EXT_PARAM, v))
        return lua_args_model(L, demob_model_add_param(sc->model, name, def, lo, hi, &err), &err, "param");
    lua_args_model(L, demob_model_set_range(sc->model, v, NAN, NAN, &err), &err, "param");
    lua_args_model(L, demob_model_set_default(sc->model, v, def, &err), &err, "param");
    lua_args_model(L, demob_model_set_range(sc->model, v, lo, hi, &err), &err, "param");
    return v;
}

/* param "name" | param { "name", default, min =, max =, description = }
 * | param { name = default, ... } */
static int decl_param(lua_State *L)
{
    static const char *const fields[] = { "min", "max", "description", "dist", "mean", "sd", "mu", "sigma",
                                          "mode", "alpha", "beta", "values", "weights", NULL };
    if (lua_type(L, 1) == LUA_TSTRING) {
        push_param_ref(L, lua_args_param(L, lua_tostring(L, 1), "param"));
        return 1;
    }
    lua_args_table(L, "param");
    if (lua_rawgeti(L, 1, 1) == LUA_TSTRING) {
        lua_args_check_fields(L, 1, "param", fields, 2);
        const char *name = lua_args_text(L, -1, "param", "the name");
        check_param_name(L, name);
        if (lua_rawgeti(L, 1, 2) == LUA_TNIL)
            luaL_error(L, "param: '%s' needs a default: param { \"%s\", value }", name, name);
        double def = param_default(L, -1, name);
        double lo = NAN, hi = NAN;
        int has_lo = lua_args_field(L, 1, "min") != LUA_TNIL;
        if (has_lo)
            lo = lua_args_number(L, -1, "param", "min");
        int has_hi = lua_args_field(L, 1, "max") != LUA_TNIL;
        if (has_hi)
            hi = lua_args_number(L, -1, "param", "max");
        if (has_lo != has_hi)
            luaL_error(L, "param: '%s': give both min and max, or neither", name);
        if (has_lo && (def < lo || def > hi))
            luaL_error(L, "param: '%s': default %s is outside [min, max] = [%s, %s]", name,
                       lua_args_num(L, def), lua_args_num(L, lo), lua_args_num(L, hi));
        if (lua_args_field(L, 1, "description") != LUA_TNIL && lua_type(L, -1) != LUA_TSTRING)
            luaL_error(L, "param: description must be a string");
        demob_value slot = add_param(L, name, def, lo, hi);
        lua_prior_read(L, 1, name, def, has_lo, lo, hi, slot);
        push_param_ref(L, slot);
        return 1;
    }
    lua_pop(L, 1);
    lua_args_sorted_keys(L, 1, "param", "params", NULL);
    int keys = lua_gettop(L);
    lua_Integer n = (lua_Integer)lua_rawlen(L, keys);
    if (n == 0)
        luaL_error(L, "param: no param given");
    lua_createtable(L, 0, (int)n);   /* the result: name -> reference */
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, keys, i);
        const char *name = lua_args_text(L, -1, "param", "a name");
        check_param_name(L, name);
        lua_getfield(L, 1, name);
        double def = param_default(L, -1, name);
        demob_value slot = add_param(L, name, def, NAN, NAN);
        lua_prior_clear(sc_of(L), slot);
        push_param_ref(L, slot);
        lua_setfield(L, keys + 1, name);
        lua_pop(L, 2);
    }
    return 1;
}

/* ---------------------------------------------------------------- flow */

static int decl_flow(lua_State *L)
{
    static const char *const fields[] = { "from", "to", "rate", "hazard", "origins", "window", "capacity",
                                          "name", "enabled", "cost", "category", "budget", NULL };
    struct scenario *sc = sc_of(L);
    demob_error err;
    lua_args_table(L, "flow");
    lua_args_check_fields(L, 1, "flow", fields, 0);
    if (lua_args_field(L, 1, "from") != LUA_TSTRING)
        luaL_error(L, "flow: from must be a state name");
    int from = lua_args_state(L, lua_tostring(L, -1), "flow", "from");
    if (lua_args_field(L, 1, "to") != LUA_TSTRING)
        luaL_error(L, "flow: to must be a state name");
    int to = lua_args_state(L, lua_tostring(L, -1), "flow", "to");
    int has_rate = lua_args_field(L, 1, "rate") != LUA_TNIL;
    int hazard = lua_args_field(L, 1, "hazard") != LUA_TNIL;
    if (has_rate && hazard)
        luaL_error(L, "flow: give rate or hazard, not both");
    if (!has_rate && !hazard)
        luaL_error(L, "flow: rate is required (a number in [0, 1], a param or an expression; or a hazard)");
    demob_value rate = hazard ? lua_args_value(L, -1, "flow", "hazard", 0.0, HUGE_VAL)
                              : lua_args_value(L, -2, "flow", "rate", 0.0, 1.0);
    const char *name = NULL;
    if (lua_args_field(L, 1, "name") != LUA_TNIL) {
        if (lua_type(L, -1) != LUA_TSTRING || lua_rawlen(L, -1) == 0)
            luaL_error(L, "flow: name must be a non-empty string");
        name = lua_args_text(L, -1, "flow", "name");
    }
    int *origins = NULL, n_origins = 0;
    if (lua_args_field(L, 1, "origins") != LUA_TNIL)
        origins = lua_args_origins(L, -1, "flow", "origins", &n_origins);
    int first = 0, last = 0;
    if (lua_args_field(L, 1, "window") != LUA_TNIL)
        lua_args_window(L, -1, "flow", &first, &last);
    int has_cost = lua_args_field(L, 1, "cost") != LUA_TNIL;
    int has_category = lua_args_field(L, 1, "category") != LUA_TNIL;
    int has_budget = lua_args_field(L, 1, "budget") != LUA_TNIL;
    if (has_category && !has_cost)
        luaL_error(L, "flow: category needs cost (the cost per person moved)");
    if (has_budget && !has_cost)
        luaL_error(L, "flow: budget needs cost (the cost per person moved)");
    if (has_category && lua_type(L, -2) != LUA_TSTRING)
        luaL_error(L, "flow: category must be a string");
    if (has_budget && lua_type(L, -1) != LUA_TSTRING)
        luaL_error(L, "flow: budget must be a budget name");
    const char *key = name ? name
                           : lua_pushfstring(L, "%s->%s", demob_model_state_name(sc->model, from),
                                             demob_model_state_name(sc->model, to));
    int f = demob_model_find_flow(sc->model, key);
    if (lua_extends_base(sc, EXT_FLOW, f)) {
        /* A variant's flow replaces the base's flow of that name. */
        lua_args_model(L, demob_model_replace_flow(sc->model, f, from, to, rate, origins, n_origins, first, last,
                                                   &err),
                       &err, "flow");
        lua_extends_drop(sc, PEND_FLOW_CAPACITY, f, 0, 0);
        lua_extends_drop(sc, PEND_FLOW_BUDGET, f, 0, 0);
    } else {
        f = lua_args_model(L, demob_model_add_flow(sc->model, name, from, to, rate, origins, n_origins, first, last,
                                                   &err),
                           &err, "flow");
    }
    if (hazard)
        lua_args_model(L, demob_model_set_flow_hazard(sc->model, f, 1, &err), &err, "flow");
    if (lua_args_field(L, 1, "enabled") != LUA_TNIL) {
        if (lua_type(L, -1) != LUA_TBOOLEAN)
            luaL_error(L, "flow: enabled must be true or false");
        lua_args_model(L, demob_model_set_flow_enabled(sc->model, f, lua_toboolean(L, -1), &err), &err, "flow");
    }
    if (has_cost) {
        lua_getfield(L, 1, "cost");
        demob_value cost = lua_args_value(L, -1, "flow", "cost", 0, HUGE_VAL);
        const char *category = NULL;
        if (has_category && lua_getfield(L, 1, "category") == LUA_TSTRING)
            category = lua_args_text(L, -1, "flow", "category");
        int k = lua_args_model(L, demob_model_add_flow_cost(sc->model, f, NULL, 0, cost, category, &err), &err,
                               "flow");
        if (sc->extended)
            lua_args_model(L, demob_model_cost_supersede(sc->model, k, sc->base.costs, &err), &err, "flow");
        if (has_budget) {
            lua_getfield(L, 1, "budget");
            pending *p = lua_args_pend(L, PEND_FLOW_BUDGET, lua_tostring(L, -1));
            p->a = f;
            p->slot = cost;
        }
    }
    /* Capacities may be declared after the flows that use them. */
    if (lua_args_field(L, 1, "capacity") != LUA_TNIL) {
        lua_args_names(L, -1, "flow", "capacity");
        lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
        for (lua_Integer i = 1; i <= n; i++) {
            lua_rawgeti(L, -1, i);
            pending *p = lua_args_pend(L, PEND_FLOW_CAPACITY, lua_tostring(L, -1));
            p->a = f;
            lua_pop(L, 1);
        }
    }
    return 0;
}

/* ------------------------------------------------------------ capacity */

static int decl_capacity(lua_State *L)
{
    static const char *const fields[] = { "per_step", "policy", "priority", NULL };
    static const char *const policies[] = { "proportional", "priority", NULL };
    struct scenario *sc = sc_of(L);
    demob_error err;
    lua_args_table(L, "capacity");
    lua_args_check_fields(L, 1, "capacity", fields, 1);
    const char *name = lua_args_name(L, 1, "capacity", "capacity");
    if (lua_args_field(L, 1, "per_step") == LUA_TNIL)
        luaL_error(L, "capacity: '%s': per_step is required (people per step, a number or a param)", name);
    demob_value v = lua_args_value(L, -1, "capacity", "per_step", 0, HUGE_VAL);
    int policy = -1;
    if (lua_args_field(L, 1, "policy") != LUA_TNIL)
        policy = option(L, -1, "capacity", "policy", policies);
    int has_priority = lua_args_field(L, 1, "priority") != LUA_TNIL;
    if (has_priority && policy == DEMOB_SHARE_PROPORTIONAL)
        luaL_error(L, "capacity: '%s': a priority list needs policy = \"priority\"", name);
    if (policy == DEMOB_SHARE_PRIORITY && !has_priority)
        luaL_error(L, "capacity: '%s': policy \"priority\" needs a priority list (origins, tags or flows)", name);
    if (has_priority)
        policy = DEMOB_SHARE_PRIORITY;
    if (policy < 0)
        policy = DEMOB_SHARE_PROPORTIONAL;
    int c = demob_model_find_capacity(sc->model, name);
    if (lua_extends_base(sc, EXT_CAPACITY, c)) {
        lua_args_model(L, demob_model_reset_capacity(sc->model, c, v, (demob_share)policy, &err), &err, "capacity");
        lua_extends_drop(sc, PEND_PRIORITY, c, 0, 0);
    } else {
        c = lua_args_model(L, demob_model_add_capacity(sc->model, name, v, (demob_share)policy, &err), &err,
                           "capacity");
    }
    lua_args_namelist_add(L, &sc->capacities, name);
    if (has_priority) {
        /* Flows named here may come later in the script. */
        lua_args_names(L, -1, "capacity", "priority");
        lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
        for (lua_Integer i = 1; i <= n; i++) {
            lua_rawgeti(L, -1, i);
            pending *p = lua_args_pend(L, PEND_PRIORITY, lua_tostring(L, -1));
            p->a = c;
            lua_pop(L, 1);
        }
    }
    return 0;
}

/* ---------------------------------------------------------------- table */

void lua_declare_push(lua_State *L)
{
    static const luaL_Reg decls[] = {
        { "capacity", decl_capacity },
        { "flow", decl_flow },
        { "origin", decl_origin },
        { "param", decl_param },
        { "scenario", decl_scenario },
        { "state", decl_state },
        { NULL, NULL },
    };
    luaL_newmetatable(L, LUA_PARAM_META);
    lua_pushcfunction(L, param_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pop(L, 1);
    luaL_newlib(L, decls);
    lua_policy_register(L, lua_gettop(L));
    lua_report_register(L, lua_gettop(L));
    lua_observe_register(L, lua_gettop(L));
    lua_outcome_register(L, lua_gettop(L));
}
