/* lua_sim.c - the `sim` object hooks receive (userdata "demob.sim"): reads
 * of stocks, flows, costs and budgets, writes of params, flow switches,
 * capacities, ceilings and arrivals, and the run's own random stream.
 * Names of states, flows, params and origins are resolved once and kept in
 * a name -> index table per kind (hooks look the same few names up every
 * step); unknown ones raise "bad argument" errors listing the known names. A sim object is valid only while a hook
 * of its run is being called (lua_hooks.c sets and clears the pointer; a
 * new object is made for every run), so one kept in a global cannot reach
 * a finished run. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "lua_priv.h"

static lua_simref *tosim(lua_State *L)
{
    /* The live run's object (the one a hook was given) is known: one
     * pointer comparison. Otherwise the methods hold the metatable as
     * upvalue 1, so the type test is a comparison too (luaL_checkudata
     * looks the type's name up in the registry on every call); anything
     * else takes the long way, which raises the usual "bad argument"
     * error. */
    lua_simref *r = lua_touserdata(L, 1);
    if (r && r == lua_scenario_of(L)->cur && r->sim)
        return r;
    int ok = r && lua_getmetatable(L, 1);
    if (ok) {
        ok = lua_rawequal(L, -1, lua_upvalueindex(1));
        lua_pop(L, 1);
    }
    if (!ok)
        r = luaL_checkudata(L, 1, LUA_SIM_META);
    if (!r->sim)
        luaL_error(L, "sim: this object belongs to a finished run or step (use the sim passed to the hook; "
                      "do not keep it in a global)");
    return r;
}

static const demob_model *model_of(lua_simref *r)
{
    return demob_sim_model(r->sim);
}

/* Upvalues of every method: 1 the metatable (tosim), then one name cache
 * per kind. */
enum { UPV_META = 1, UPV_STATES, UPV_FLOWS, UPV_PARAMS, UPV_ORIGINS, UPV_COUNT = UPV_ORIGINS };
_Static_assert(UPV_COUNT - UPV_STATES + 1 == LUA_NAME_KINDS, "one name memo per kind of name");

typedef int (*find_fn)(const demob_model *, const char *);

/* The index of the name at arg in the model (find), or -1, through the
 * cache at upvalue upv: a table lookup of an interned string instead of a
 * string comparison per name. Only names found are kept, and only for the
 * model the Lua state declared (the one every sim of this state runs).
 * In front of the table, a memo by the string object's address: the
 * string objects that become the table's keys stay alive with it, so
 * their addresses cannot be reused; a hook's short names are the same
 * (interned) objects call after call, so the memo answers them with one
 * comparison. */
static int find_cached(lua_State *L, lua_simref *r, int arg, int upv, find_fn find, const char **name)
{
    int cache = lua_upvalueindex(upv), kind = upv - UPV_STATES;
    struct scenario *sc = r->sc;
    const char *key = NULL;
    size_t slot = 0;
    int cacheable = model_of(r) == sc->model;
    if (cacheable && lua_type(L, arg) == LUA_TSTRING) {
        key = lua_tostring(L, arg);
        slot = ((uintptr_t)key >> 4) % LUA_NAME_MEMO;
        if (sc->name_memo_key[kind][slot] == key) {
            *name = NULL;
            return sc->name_memo_index[kind][slot];
        }
        lua_pushvalue(L, arg);
        if (lua_rawget(L, cache) == LUA_TNUMBER) {
            int i = (int)lua_tointeger(L, -1);
            lua_pop(L, 1);
            *name = NULL;
            return i;
        }
        lua_pop(L, 1);
    }
    *name = luaL_checkstring(L, arg);
    int i = find(model_of(r), *name);
    if (i >= 0 && cacheable) {
        lua_pushvalue(L, arg);
        lua_pushinteger(L, i);
        lua_rawset(L, cache);
        if (key) {   /* this very object is now a key of the table */
            sc->name_memo_key[kind][slot] = key;
            sc->name_memo_index[kind][slot] = i;
        }
    }
    return i;
}

/* The kinds of names find_cached resolves, by upvalue. */
static const struct name_kind {
    int upv;
    find_fn find;
    const char *what;   /* for "unknown <what> 'x'" */
    int known;          /* lua_args_push_known's list   */
} name_kinds[] = {
    {UPV_STATES, demob_model_find_state, "state", KNOWN_STATES},
    {UPV_FLOWS, demob_model_find_flow, "flow", KNOWN_FLOWS},
    {UPV_PARAMS, demob_model_find_param, "param", KNOWN_PARAMS},
    {UPV_ORIGINS, demob_model_find_origin, "origin", KNOWN_ORIGINS},
};

/* The index of the name at arg, or a "bad argument" error naming it and
 * listing the known names of its kind (a name_kinds entry). */
static int check_name(lua_State *L, lua_simref *r, int arg, const struct name_kind *k)
{
    const char *name;
    int i = find_cached(L, r, arg, k->upv, k->find, &name);
    if (i < 0)
        luaL_argerror(L, arg, lua_pushfstring(L, "unknown %s '%s' (known: %s)", k->what, name,
                                              lua_args_push_known(L, k->known)));
    return i;
}

static int check_state(lua_State *L, lua_simref *r, int arg) { return check_name(L, r, arg, &name_kinds[0]); }
static int check_flow(lua_State *L, lua_simref *r, int arg) { return check_name(L, r, arg, &name_kinds[1]); }
static demob_value check_param(lua_State *L, lua_simref *r, int arg) { return check_name(L, r, arg, &name_kinds[2]); }
static int check_origin(lua_State *L, lua_simref *r, int arg) { return check_name(L, r, arg, &name_kinds[3]); }

/* The origins an origin name or tag at arg designates (all when the
 * argument is absent): fills r->sc->scratch, returns the count. */
static int check_origins(lua_State *L, lua_simref *r, int arg)
{
    const demob_model *m = model_of(r);
    int *out = r->sc->scratch;
    if (lua_isnoneornil(L, arg)) {
        int n = demob_model_n_origins(m);
        for (int o = 0; o < n; o++)
            out[o] = o;
        return n;
    }
    const char *name = luaL_checkstring(L, arg);
    int n = demob_model_resolve_origins(m, name, out, NULL);
    if (n < 0)
        luaL_argerror(L, arg, lua_pushfstring(L, "unknown origin or tag '%s' (%s)", name,
                                              lua_args_push_known(L, KNOWN_ORIGINS_AND_TAGS)));
    return n;
}

static double check_finite(lua_State *L, int arg)
{
    double x = luaL_checknumber(L, arg);
    luaL_argcheck(L, isfinite(x), arg, "must be a finite number");
    return x;
}

/* Raises a model/engine error as "sim:<what>: message". */
static void check_rc(lua_State *L, int rc, const demob_error *err, const char *what)
{
    if (rc < 0)
        luaL_error(L, "sim:%s: %s", what, err->message);
}

/* --------------------------------------------------------------- reads */

static int sim_stock(lua_State *L)
{
    lua_simref *r = tosim(L);
    int o = check_origin(L, r, 2);
    int s = check_state(L, r, 3);
    lua_pushnumber(L, demob_sim_stock(r->sim, o, s));
    return 1;
}

/* total() everyone; total(state); total(state, origin_or_tag) */
static int sim_total(lua_State *L)
{
    lua_simref *r = tosim(L);
    if (lua_isnoneornil(L, 2)) {
        lua_pushnumber(L, demob_sim_total(r->sim));
        return 1;
    }
    int s = check_state(L, r, 2);
    if (lua_isnoneornil(L, 3)) {
        lua_pushnumber(L, demob_sim_state_total(r->sim, s));
        return 1;
    }
    int n = check_origins(L, r, 3);
    double sum = 0;
    for (int i = 0; i < n; i++)
        sum += demob_sim_stock(r->sim, r->sc->scratch[i], s);
    lua_pushnumber(L, sum);
    return 1;
}

static int sim_origin_total(lua_State *L)
{
    lua_simref *r = tosim(L);
    luaL_checkstring(L, 2);
    int n = check_origins(L, r, 2);
    double sum = 0;
    for (int i = 0; i < n; i++)
        sum += demob_sim_origin_total(r->sim, r->sc->scratch[i]);
    lua_pushnumber(L, sum);
    return 1;
}

static int flow_sum(lua_State *L, double (*get)(const demob_sim *, int, int))
{
    lua_simref *r = tosim(L);
    int f = check_flow(L, r, 2);
    int n = check_origins(L, r, 3);
    double sum = 0;
    for (int i = 0; i < n; i++)
        sum += get(r->sim, r->sc->scratch[i], f);
    lua_pushnumber(L, sum);
    return 1;
}

static int sim_moved(lua_State *L)
{
    return flow_sum(L, demob_sim_moved);
}

static int sim_cumulative(lua_State *L)
{
    return flow_sum(L, demob_sim_cumulative);
}

static int check_category(lua_State *L, lua_simref *r, int arg)
{
    const demob_model *m = model_of(r);
    const char *name = luaL_checkstring(L, arg);
    int n = demob_model_n_categories(m);
    for (int c = 0; c < n; c++)
        if (strcmp(demob_model_category_name(m, c), name) == 0)
            return c;
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (int c = 0; c < n; c++) {
        if (c)
            luaL_addstring(&b, ", ");
        luaL_addstring(&b, demob_model_category_name(m, c));
    }
    if (n == 0)
        luaL_addstring(&b, "none");
    luaL_pushresult(&b);
    return luaL_argerror(L, arg, lua_pushfstring(L, "unknown cost category '%s' (known: %s)", name,
                                                 lua_tostring(L, -1)));
}

/* cost() all since t = 0; cost(category) that category since t = 0. */
static int sim_cost(lua_State *L)
{
    lua_simref *r = tosim(L);
    if (lua_isnoneornil(L, 2)) {
        lua_pushnumber(L, demob_sim_cost_total(r->sim));
        return 1;
    }
    int c = check_category(L, r, 2);
    double sum = 0;
    for (int o = 0; o <= demob_model_n_origins(r->sc->model); o++)
        sum += demob_sim_cost_cumulative(r->sim, o, c);
    lua_pushnumber(L, sum);
    return 1;
}

/* step_cost([category]): the last step's cost. */
static int sim_step_cost(lua_State *L)
{
    lua_simref *r = tosim(L);
    const demob_model *m = model_of(r);
    int n_o = demob_model_n_origins(m), n_c = demob_model_n_categories(m);
    int c0 = 0, c1 = n_c;
    if (!lua_isnoneornil(L, 2)) {
        c0 = check_category(L, r, 2);
        c1 = c0 + 1;
    }
    double sum = 0;
    for (int c = c0; c < c1; c++)
        for (int o = 0; o <= n_o; o++)
            sum += demob_sim_cost(r->sim, o, c);
    lua_pushnumber(L, sum);
    return 1;
}

static int check_budget(lua_State *L, lua_simref *r, int arg)
{
    const char *name = luaL_checkstring(L, arg);
    int b = demob_model_find_budget(model_of(r), name);
    if (b < 0)
        luaL_argerror(L, arg, lua_pushfstring(L, "unknown budget '%s' (known: %s)", name,
                                              lua_args_push_known(L, KNOWN_BUDGETS)));
    return b;
}

static int sim_budget(lua_State *L)
{
    lua_simref *r = tosim(L);
    lua_pushnumber(L, demob_sim_budget_balance(r->sim, check_budget(L, r, 2)));
    return 1;
}

static int sim_funding_gap(lua_State *L)
{
    lua_simref *r = tosim(L);
    lua_pushnumber(L, demob_sim_funding_gap(r->sim, check_budget(L, r, 2)));
    return 1;
}

static int sim_get(lua_State *L)
{
    lua_simref *r = tosim(L);
    lua_pushnumber(L, demob_sim_value(r->sim, check_param(L, r, 2)));
    return 1;
}

static int sim_enabled(lua_State *L)
{
    lua_simref *r = tosim(L);
    lua_pushboolean(L, demob_sim_flow_enabled(r->sim, check_flow(L, r, 2)));
    return 1;
}

static int sim_step(lua_State *L)
{
    lua_simref *r = tosim(L);
    lua_pushinteger(L, r->step);
    return 1;
}

/* -------------------------------------------------------------- writes */

static int sim_set(lua_State *L)
{
    lua_simref *r = tosim(L);
    demob_value v = check_param(L, r, 2);
    double x = lua_isboolean(L, 3) ? lua_toboolean(L, 3) : check_finite(L, 3);
    demob_error err;
    check_rc(L, demob_sim_set_value(r->sim, v, x, &err), &err, "set");
    return 0;
}

static int set_switch(lua_State *L, int on)
{
    lua_simref *r = tosim(L);
    demob_sim_set_flow_enabled(r->sim, check_flow(L, r, 2), on);
    return 0;
}

static int sim_enable(lua_State *L)
{
    return set_switch(L, 1);
}

static int sim_disable(lua_State *L)
{
    return set_switch(L, 0);
}

static int sim_capacity(lua_State *L)
{
    lua_simref *r = tosim(L);
    const demob_model *m = model_of(r);
    const char *name = luaL_checkstring(L, 2);
    int c = demob_model_find_capacity(m, name);
    if (c < 0)
        luaL_argerror(L, 2, lua_pushfstring(L, "unknown capacity '%s' (known: %s)", name,
                                            lua_args_push_known(L, KNOWN_CAPACITIES)));
    demob_value v = demob_model_capacity_value(m, c);
    if (lua_isnoneornil(L, 3)) {   /* capacity(name): read it */
        lua_pushnumber(L, demob_sim_value(r->sim, v));
        return 1;
    }
    double x = check_finite(L, 3);
    luaL_argcheck(L, x >= 0, 3, "a capacity must be >= 0");
    demob_error err;
    check_rc(L, demob_sim_set_value(r->sim, v, x, &err), &err, "capacity");
    return 0;
}

static int sim_ceiling(lua_State *L)
{
    lua_simref *r = tosim(L);
    const demob_model *m = model_of(r);
    int s = check_state(L, r, 2);
    int n = demob_model_n_ceilings(m), found = 0;
    double x = 0;
    int read = lua_isnoneornil(L, 3);
    if (!read) {
        x = check_finite(L, 3);
        luaL_argcheck(L, x >= 0, 3, "a ceiling must be >= 0");
    }
    for (int k = 0; k < n; k++) {
        if (demob_model_ceiling_state(m, k) != s)
            continue;
        demob_value v = demob_model_ceiling_value(m, k);
        if (read) {   /* ceiling(state): the first ceiling's limit */
            lua_pushnumber(L, demob_sim_value(r->sim, v));
            return 1;
        }
        demob_error err;
        check_rc(L, demob_sim_set_value(r->sim, v, x, &err), &err, "ceiling");
        found++;
    }
    if (!found)
        luaL_argerror(L, 2, lua_pushfstring(L, "state '%s' has no ceiling", lua_tostring(L, 2)));
    return 0;
}

static int sim_arrive(lua_State *L)
{
    lua_simref *r = tosim(L);
    int o = check_origin(L, r, 2);
    int s = check_state(L, r, 3);
    double n = check_finite(L, 4);
    demob_error err;
    check_rc(L, demob_sim_add_arrivals(r->sim, o, s, n, &err), &err, "arrive");
    return 0;
}

/* ------------------------------------------------------------- random */

static int sim_random(lua_State *L)
{
    lua_simref *r = tosim(L);
    lua_pushnumber(L, demob_sim_random(r->sim));
    return 1;
}

static int sim_binomial(lua_State *L)
{
    lua_simref *r = tosim(L);
    lua_Integer n = luaL_checkinteger(L, 2);
    double p = luaL_checknumber(L, 3);
    luaL_argcheck(L, n >= 0, 2, "n must be >= 0");
    luaL_argcheck(L, p >= 0 && p <= 1, 3, "p must be in [0, 1]");
    lua_pushinteger(L, (lua_Integer)demob_sim_binomial(r->sim, (int64_t)n, p));
    return 1;
}

/* ---------------------------------------------------------- metatable */

/* sim.t, sim.run and sim.memo (the run's own table, empty at its first
 * step) are fields; everything else is a method. */
static int sim_index(lua_State *L)
{
    /* Methods first (every sim:total or sim:set looks one up), without a
     * type check: this metamethod is only ever the sim's. */
    lua_pushvalue(L, 2);
    if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL)
        return 1;
    lua_simref *r = luaL_checkudata(L, 1, LUA_SIM_META);
    const char *key = lua_tostring(L, 2);
    if (key && strcmp(key, "memo") == 0) {
        /* The run's own table: a new sim object per run, so a new memo. */
        tosim(L);
        if (lua_getiuservalue(L, 1, 1) != LUA_TTABLE) {
            lua_pop(L, 1);
            lua_newtable(L);
            lua_pushvalue(L, -1);
            lua_setiuservalue(L, 1, 1);
        }
        return 1;
    }
    if (key && (strcmp(key, "t") == 0 || strcmp(key, "run") == 0)) {
        tosim(L);
        if (key[0] == 't')
            lua_pushinteger(L, r->step);
        else
            lua_pushinteger(L, (lua_Integer)demob_sim_run_index(r->sim));
    }
    return 1; /* the method, the field or nil */
}

static int sim_newindex(lua_State *L)
{
    return luaL_error(L, "sim: fields are read-only (use sim:set(param, value) to change a param)");
}

static int sim_tostring(lua_State *L)
{
    lua_simref *r = luaL_checkudata(L, 1, LUA_SIM_META);
    if (r->sim)
        lua_pushfstring(L, "sim (step %d, run %I)", r->step, (lua_Integer)demob_sim_run_index(r->sim));
    else
        lua_pushliteral(L, "sim (finished)");
    return 1;
}

void lua_sim_register(lua_State *L)
{
    static const luaL_Reg methods[] = {
        { "arrive", sim_arrive },
        { "binomial", sim_binomial },
        { "budget", sim_budget },
        { "capacity", sim_capacity },
        { "ceiling", sim_ceiling },
        { "cost", sim_cost },
        { "cumulative", sim_cumulative },
        { "disable", sim_disable },
        { "enable", sim_enable },
        { "enabled", sim_enabled },
        { "funding_gap", sim_funding_gap },
        { "get", sim_get },
        { "moved", sim_moved },
        { "origin_total", sim_origin_total },
        { "random", sim_random },
        { "set", sim_set },
        { "step", sim_step },
        { "step_cost", sim_step_cost },
        { "stock", sim_stock },
        { "total", sim_total },
        { NULL, NULL },
    };
    static const luaL_Reg meta[] = {
        { "__newindex", sim_newindex },
        { "__tostring", sim_tostring },
        { NULL, NULL },
    };
    luaL_newmetatable(L, LUA_SIM_META);
    luaL_setfuncs(L, meta, 0);
    luaL_newlibtable(L, methods);
    lua_pushvalue(L, -2);                 /* the metatable: upvalue 1 of every method (tosim) */
    for (int k = UPV_STATES; k <= UPV_COUNT; k++)
        lua_newtable(L);                  /* the name caches */
    luaL_setfuncs(L, methods, UPV_COUNT);
    lua_pushcclosure(L, sim_index, 1);
    lua_setfield(L, -2, "__index");
    lua_pushliteral(L, "demob.sim");
    lua_setfield(L, -2, "__metatable");   /* getmetatable(sim) cannot reach it */
    lua_pop(L, 1);
}

lua_simref *lua_sim_push(lua_State *L, struct scenario *sc)
{
    lua_simref *r = lua_newuserdatauv(L, sizeof *r, 1);   /* 1: sim.memo */
    r->sc = sc;
    r->sim = NULL;
    r->step = 0;
    luaL_setmetatable(L, LUA_SIM_META);
    return r;
}
