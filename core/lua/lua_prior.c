/* lua_prior.c - a param's declared distribution, its prior:
 *   param { "x", 0.1, min = 0, max = 1, dist = "beta", alpha = 2, beta = 8 }
 * read from the param's table, checked (impossible parameters raise at the
 * declaring line) and kept in the scenario, one per param value slot
 * (scenario_param_prior). Without dist, a param with min and max has the
 * uniform prior on [min, max]; one without either has none. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lua_priv.h"
#include "scenario.h"
#include "sweep/sweep_design.h"

/* The fields each dist reads besides min and max (which truncate). */
static const struct {
    const char *dist;
    sweep_dist_kind kind;
    const char *f[3];
} kinds[] = {
    {"uniform", DIST_UNIFORM, {NULL}},
    {"triangular", DIST_TRIANGULAR, {"mode", NULL}},
    {"normal", DIST_NORMAL, {"mean", "sd", NULL}},
    {"lognormal", DIST_LOGNORMAL, {"mu", "sigma", NULL}},
    {"beta", DIST_BETA, {"alpha", "beta", NULL}},
    {"discrete", DIST_DISCRETE, {"values", "weights", NULL}},
};
#define N_KINDS ((int)(sizeof kinds / sizeof *kinds))

static const char *const prior_fields[] = {"dist", "mean", "sd", "mu", "sigma", "mode", "alpha", "beta", "values", "weights", NULL};

static int uses(int k, const char *field)
{
    for (int i = 0; kinds[k].f[i]; i++)
        if (strcmp(kinds[k].f[i], field) == 0)
            return 1;
    return 0;
}

static double num_field(lua_State *L, int t, const char *name, const char *dist, const char *key)
{
    if (lua_args_field(L, t, key) == LUA_TNIL)
        luaL_error(L, "param: '%s': a %s prior needs %s =", name, dist, key);
    char field[64];
    snprintf(field, sizeof field, "%s", key);
    double x = lua_args_number(L, -1, "param", field);
    lua_pop(L, 1);
    return x;
}

/* A list of numbers at t[key] into a userdata (collected by Lua, so a raise
 * leaks nothing); pushes it and returns it, its length in *n. */
static double *num_list(lua_State *L, int t, const char *name, const char *key, int *n)
{
    if (lua_args_field(L, t, key) != LUA_TTABLE)
        luaL_error(L, "param: '%s': %s must be a list of numbers", name, key);
    int list = lua_gettop(L);
    lua_Integer len = (lua_Integer)lua_rawlen(L, list);
    if (len < 1 || len > 100000)
        luaL_error(L, "param: '%s': %s must list 1 to 100000 numbers", name, key);
    double *v = lua_newuserdatauv(L, (size_t)len * sizeof *v, 0);
    for (lua_Integer i = 1; i <= len; i++) {
        lua_rawgeti(L, list, i);
        char field[64];
        snprintf(field, sizeof field, "%s[%d]", key, (int)i);
        v[i - 1] = lua_args_number(L, -1, "param", field);
        lua_pop(L, 1);
    }
    *n = (int)len;
    return v;
}

static void store(lua_State *L, struct scenario *sc, demob_value slot, sweep_dist *d)
{
    if (slot >= sc->n_priors) {
        int cap = sc->cap_priors, n = slot + 1;
        if (n > cap) {
            lua_args_grow(L, &sc->priors, &sc->cap_priors, n, sizeof *sc->priors);
            memset(sc->priors + cap, 0, (size_t)(sc->cap_priors - cap) * sizeof *sc->priors);
        }
        sc->n_priors = n;
    }
    sc->priors[slot].d = *d;
    sc->priors[slot].set = 1;
}

void lua_prior_clear(struct scenario *sc, demob_value slot)
{
    if (slot < sc->n_priors && sc->priors[slot].set) {
        sweep_dist_free(&sc->priors[slot].d);
        sc->priors[slot].set = 0;
    }
}

void lua_prior_read(lua_State *L, int t, const char *name, double def, int has_range, double lo, double hi,
                    demob_value slot)
{
    struct scenario *sc = lua_scenario_of(L);
    lua_prior_clear(sc, slot);
    int top = lua_gettop(L);
    t = lua_absindex(L, t);
    int k = -1;
    const char *dist = "uniform";
    if (lua_args_field(L, t, "dist") != LUA_TNIL) {
        if (lua_type(L, -1) != LUA_TSTRING)
            luaL_error(L, "param: '%s': dist must be a string", name);
        dist = lua_tostring(L, -1);
        for (int i = 0; i < N_KINDS; i++)
            if (strcmp(kinds[i].dist, dist) == 0)
                k = i;
        if (k < 0)
            luaL_error(L, "param: '%s': unknown dist '%s' (uniform, triangular, normal, lognormal, beta, discrete)",
                       name, dist);
    }
    /* A field of another distribution is a mistake, not a silent no-op. */
    for (int i = 1; prior_fields[i]; i++) {
        if (lua_args_field(L, t, prior_fields[i]) != LUA_TNIL && (k < 0 || !uses(k, prior_fields[i])))
            luaL_error(L, "param: '%s': %s = belongs to another dist than %s%s", name, prior_fields[i], dist,
                       k < 0 ? " (give dist =)" : "");
        lua_pop(L, 1);
    }
    if (k < 0) {
        lua_settop(L, top);
        if (!has_range)
            return;            /* no prior */
        k = 0;
    }
    sweep_dist d;
    memset(&d, 0, sizeof d);
    d.kind = kinds[k].kind;
    d.lo = has_range ? lo : -INFINITY;
    d.hi = has_range ? hi : INFINITY;
    double *vals = NULL, *w = NULL;
    switch (d.kind) {
    case DIST_UNIFORM:
    case DIST_TRIANGULAR:
        if (!has_range)
            luaL_error(L, "param: '%s': a %s prior needs min = and max =", name, dist);
        if (d.kind == DIST_UNIFORM) {
            d.a = lo;
            d.b = hi;
        } else {
            d.a = lo;
            d.c = hi;
            d.b = lua_args_field(L, t, "mode") == LUA_TNIL ? def : lua_args_number(L, -1, "param", "mode");
        }
        break;
    case DIST_NORMAL:
    case DIST_LOGNORMAL:
    case DIST_BETA:
        d.a = num_field(L, t, name, dist, kinds[k].f[0]);
        d.b = num_field(L, t, name, dist, kinds[k].f[1]);
        if (d.kind == DIST_BETA && !has_range)
            d.lo = 0, d.hi = 1;
        break;
    case DIST_DISCRETE: {
        int nw = 0;
        vals = num_list(L, t, name, "values", &d.n);
        if (lua_args_field(L, t, "weights") != LUA_TNIL) {
            w = num_list(L, t, name, "weights", &nw);
            if (nw != d.n)
                luaL_error(L, "param: '%s': weights has %d entries for %d values", name, nw, d.n);
        }
        for (int i = 0; has_range && i < d.n; i++)
            if (vals[i] < lo || vals[i] > hi)
                luaL_error(L, "param: '%s': value %s is outside [min, max] = [%s, %s]", name, lua_args_num(L, vals[i]),
                           lua_args_num(L, lo), lua_args_num(L, hi));
        break;
    }
    }
    char what[LUA_MSG_WHAT_SIZE];
    snprintf(what, sizeof what, "param: '%s': %s prior", name, dist);
    if (d.kind == DIST_DISCRETE) {
        size_t sz = (size_t)d.n * sizeof(double);
        d.values = malloc(sz);
        d.cum = malloc(sz);
        if (!d.values || !d.cum) {
            sweep_dist_free(&d);
            luaL_error(L, "out of memory");
        }
        memcpy(d.values, vals, sz);
        for (int i = 0; i < d.n; i++)
            d.cum[i] = w ? w[i] : 1.0;
    }
    demob_error err = {0};
    if (sweep_dist_check(what, &d, &err) != 0) {
        sweep_dist_free(&d);
        luaL_error(L, "%s", err.message);
    }
    /* The default must be a value the prior allows: a fit starts there,
     * and a run without --set uses it (a discrete prior: one of its values
     * with a weight > 0). */
    if (!isfinite(sweep_dist_logpdf(&d, def))) {
        int discrete = d.kind == DIST_DISCRETE;
        sweep_dist_free(&d);
        luaL_error(L, "param: '%s': default %s has no prior density under the %s prior%s", name, lua_args_num(L, def),
                   dist, discrete ? " (it is not one of its values with a weight > 0)" : "");
    }
    store(L, sc, slot, &d);
    lua_settop(L, top);
}

const sweep_dist *scenario_param_prior(const scenario *sc, demob_value param)
{
    if (!sc || param < 0 || param >= sc->n_priors || !sc->priors[param].set)
        return NULL;
    return &sc->priors[param].d;
}

void lua_prior_free(struct scenario *sc)
{
    for (int i = 0; i < sc->n_priors; i++)
        if (sc->priors[i].set)
            sweep_dist_free(&sc->priors[i].d);
    free(sc->priors);
    sc->priors = NULL;
    sc->n_priors = sc->cap_priors = 0;
}
