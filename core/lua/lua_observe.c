/* lua_observe.c - observe { "name", file =, state = | flow =, origins =,
 * cumulative =, likelihood =, dispersion =, sd = }: a series of observed
 * counts a fit compares the model with (fit/fit_obs.h). The file is read
 * at the declaration, relative to the scenario, so `demob check` finds its
 * errors (file:line:column). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lua_priv.h"
#include "fit/fit_obs.h"

/* A name or a list of names at idx: states or flows into a userdata list
 * (collected by Lua). */
static int *targets(lua_State *L, int idx, int flows, int *n)
{
    lua_args_names(L, idx, "observe", flows ? "flow" : "state");
    int list = lua_gettop(L);
    int len = (int)lua_rawlen(L, list);
    if (len < 1)
        luaL_error(L, "observe: %s names nothing", flows ? "flow" : "state");
    int *v = lua_newuserdatauv(L, (size_t)len * sizeof *v, 0);
    for (int i = 1; i <= len; i++) {
        lua_rawgeti(L, list, i);
        const char *name = lua_tostring(L, -1);
        v[i - 1] = flows ? lua_args_flow(L, name, "observe", "flow") : lua_args_state(L, name, "observe", "state");
        lua_pop(L, 1);
    }
    *n = len;
    return v;
}

static int decl_observe(lua_State *L)
{
    static const char *const fields[] = {"file", "state", "flow", "origins", "cumulative", "likelihood",
                                         "dispersion", "sd", "trials", NULL};
    struct scenario *sc = lua_scenario_of(L);
    lua_args_loading(L, "observe");
    lua_args_table(L, "observe");
    lua_args_check_fields(L, 1, "observe", fields, 1);
    const char *name = lua_args_name(L, 1, "observe", "name");
    for (int i = 0; i < sc->obs.n_series; i++)
        if (strcmp(sc->obs.series[i].name, name) == 0)
            luaL_error(L, "observe: '%s' is declared twice (first at %s)", name, sc->obs.series[i].where);
    if (lua_args_field(L, 1, "file") != LUA_TSTRING)
        luaL_error(L, "observe: '%s': file = \"data.csv\" is required", name);
    const char *file = lua_tostring(L, -1);
    /* The rule of every file a script names (lua_confine.c). */
    const char *path = lua_confine_path(L, sc->dir, file, !sc->trusted, "observe");
    int has_state = lua_args_field(L, 1, "state") != LUA_TNIL;
    int has_flow = lua_args_field(L, 1, "flow") != LUA_TNIL;
    if (has_state == has_flow)
        luaL_error(L, "observe: '%s': give state = or flow =, one of them", name);
    int n_t;
    int *t = targets(L, has_state ? -2 : -1, has_flow, &n_t);
    int cumulative = 0;
    if (lua_args_field(L, 1, "cumulative") != LUA_TNIL) {
        if (lua_type(L, -1) != LUA_TBOOLEAN)
            luaL_error(L, "observe: '%s': cumulative must be true or false", name);
        cumulative = lua_toboolean(L, -1);
        if (cumulative && has_state)
            luaL_error(L, "observe: '%s': cumulative counts people moved along a flow: give flow =", name);
    }
    int *origins = NULL, n_origins = 0;
    if (lua_args_field(L, 1, "origins") != LUA_TNIL)
        origins = lua_args_origins(L, -1, "observe", "origins", &n_origins);
    fit_lik_kind lik = FIT_POISSON;
    if (lua_args_field(L, 1, "likelihood") != LUA_TNIL) {
        const char *l = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "";
        if (strcmp(l, "poisson") == 0)
            lik = FIT_POISSON;
        else if (strcmp(l, "negative_binomial") == 0)
            lik = FIT_NEGBIN;
        else if (strcmp(l, "normal") == 0)
            lik = FIT_NORMAL;
        else if (strcmp(l, "binomial") == 0)
            lik = FIT_BINOMIAL;
        else
            luaL_error(L, "observe: '%s': likelihood must be \"poisson\", \"negative_binomial\", \"normal\" or "
                          "\"binomial\"", name);
    }
    demob_value disp = -1;
    double disp_value = NAN, sd = NAN, trials = NAN;
    if (lua_args_field(L, 1, "dispersion") != LUA_TNIL) {
        if (lik != FIT_NEGBIN)
            luaL_error(L, "observe: '%s': dispersion belongs to likelihood = \"negative_binomial\"", name);
        int *slot = luaL_testudata(L, -1, LUA_PARAM_META);
        if (slot)
            disp = *slot;
        else if (!((disp_value = lua_args_number(L, -1, "observe", "dispersion")) > 0) || isinf(disp_value))
            luaL_error(L, "observe: '%s': dispersion must be a number > 0 or a param", name);
    } else if (lik == FIT_NEGBIN) {
        luaL_error(L, "observe: '%s': a negative binomial needs dispersion = (a number > 0 or a param)", name);
    }
    if (lua_args_field(L, 1, "sd") != LUA_TNIL) {
        if (lik != FIT_NORMAL)
            luaL_error(L, "observe: '%s': sd belongs to likelihood = \"normal\"", name);
        sd = lua_args_number(L, -1, "observe", "sd");
        if (!(sd > 0) || isinf(sd))
            luaL_error(L, "observe: '%s': sd must be a number > 0", name);
    }
    if (lua_args_field(L, 1, "trials") != LUA_TNIL) {
        if (lik != FIT_BINOMIAL)
            luaL_error(L, "observe: '%s': trials belongs to likelihood = \"binomial\"", name);
        trials = lua_args_number(L, -1, "observe", "trials");
        if (!(trials >= 1) || trials != floor(trials) || isinf(trials))
            luaL_error(L, "observe: '%s': trials must be a whole number >= 1", name);
    }
    char *where = lua_args_where(L);
    size_t wl = strlen(where);
    while (wl > 0 && (where[wl - 1] == ' ' || where[wl - 1] == ':'))
        where[--wl] = '\0';
    lua_pushstring(L, where);
    free(where);
    demob_error err = {0};
    size_t size;
    const char *data = lua_input_read(L, path, file, &size);   /* listed in the manifest */
    int rc = fit_obs_add(&sc->obs, sc->model, name, lua_tostring(L, -1), path, data, size,
                         has_state ? FIT_STOCK : cumulative ? FIT_CUMULATIVE : FIT_FLOW, t, n_t, origins, n_origins,
                         lik, disp, disp_value, sd, trials, &err);
    if (rc)
        luaL_error(L, "%s", err.message);
    return 0;
}

void lua_observe_register(lua_State *L, int table)
{
    lua_pushcfunction(L, decl_observe);
    lua_setfield(L, table, "observe");
}

const struct fit_obs *scenario_observations(const scenario *sc)
{
    return &sc->obs;
}
