/* lua_sweep.c - scenario_sweep_spec: the script's `sweep { ... }` table,
 * which lua_policy.c keeps in the registry, converted into a sweep_spec
 * (sweep_design.h) for `demob sweep`.
 *
 *   sweep {
 *     grid   = { flights = { 300, 600, 900 }, ... },       -- full factorial
 *     lhs    = { registration = { 0.05, 0.3 },              -- uniform min, max
 *                redeploy = { dist = "normal", mean = 0.02, sd = 0.005, min = 0, max = 1 },
 *                "site_capacity" },                         -- the param's declared min, max
 *     random = { ... as lhs, plain random sampling ... },
 *     samples = 50,                                         -- for lhs and random
 *     points = { { flights = 300, registration = 0.1 }, ... } or "points.csv",
 *     replicates = 20, seed = 7,
 *   }
 * Distributions: { min, max } or { dist = "uniform", min =, max = };
 * "normal" mean, sd; "lognormal" mu, sigma (of the log), both with optional
 * min, max truncation; "triangular" min, mode, max; "discrete" values = {...},
 * weights = {...} (optional); or a string as on the command line
 * ("normal:0.02:0.005"). Names inside grid, lhs and random are taken in
 * sorted order (Lua's pairs order is not reproducible), after the listed
 * names of lhs and random (which use the params' declared ranges); this
 * order is the order of the design's columns and of its sampling streams.
 * points = "file.csv" is read relative to the scenario's folder.
 *
 * The table is read inside a protected call with the scenario's limits,
 * so a metatable trick in it cannot crash or hang demob. Messages read
 * "path: sweep: lhs.registration: min 0.3 > max 0.05". */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lua_priv.h"
#include "sweep/sweep_design.h"

/* The registry key lua_policy.c stores the table under. */
#define SWEEP_KEY "demob.sweep"

typedef struct conv {
    struct scenario *sc;
    sweep_spec *out;
} conv;

/* Raises the message of a failed sweep_spec call. */
static void raise_spec(lua_State *L, int rc, const demob_error *err)
{
    if (rc)
        luaL_error(L, "%s", err->message);
}

static double num_at(lua_State *L, int idx, const char *what)
{
    int isnum;
    double x = lua_tonumberx(L, idx, &isnum);
    if (!isnum || lua_type(L, idx) != LUA_TNUMBER)
        luaL_error(L, "%s must be a number (got %s)", what, luaL_typename(L, idx));
    if (!isfinite(x))
        luaL_error(L, "%s must be a finite number", what);
    return x;
}

static long long whole_at(lua_State *L, int idx, const char *what, long long lo, long long hi)
{
    double x = num_at(L, idx, what);
    if (x != floor(x) || x < (double)lo || x > (double)hi)
        luaL_error(L, "%s must be a whole number in %lld..%lld (got %s)", what, lo, hi, lua_tostring(L, idx));
    return (long long)x;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The string keys of the table at t, sorted, in a userdata-backed array
 * pushed on the stack; integer keys 1..n are counted in *n_pos (their
 * values are read by the caller) when allowed, an error otherwise. */
static const char **sorted_keys(lua_State *L, int t, const char *what, int *n, int allow_pos, int *n_pos)
{
    int count = 0;
    *n_pos = 0;
    lua_pushnil(L);
    while (lua_next(L, t)) {
        lua_pop(L, 1);
        count++;
    }
    const char **keys = lua_newuserdatauv(L, (size_t)(count + 1) * sizeof *keys, 0);
    int k = 0;
    lua_pushnil(L);
    while (lua_next(L, t)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) == LUA_TSTRING) {
            keys[k++] = lua_tostring(L, -1);
        } else if (allow_pos && lua_isinteger(L, -1)) {
            (*n_pos)++;
        } else {
            luaL_error(L, "%s: keys must be param names (got a %s key)", what, luaL_typename(L, -1));
        }
    }
    for (int i = 1; allow_pos && i <= *n_pos; i++) {
        if (lua_rawgeti(L, t, i) == LUA_TNIL)
            luaL_error(L, "%s: the list of names has a hole at %d", what, i);
        lua_pop(L, 1);
    }
    qsort(keys, (size_t)k, sizeof *keys, cmp_str);
    *n = k;
    return keys;
}

/* A list of numbers at idx into a userdata-backed array pushed on the
 * stack. */
static double *num_list(lua_State *L, int idx, const char *what, int *n)
{
    idx = lua_absindex(L, idx);
    if (lua_type(L, idx) != LUA_TTABLE)
        luaL_error(L, "%s must be a list of numbers (got %s)", what, luaL_typename(L, idx));
    lua_Integer len = luaL_len(L, idx);
    if (len < 1 || len > 1000000)
        luaL_error(L, "%s must be a non-empty list of numbers", what);
    double *v = lua_newuserdatauv(L, (size_t)len * sizeof *v, 0);
    for (lua_Integer i = 1; i <= len; i++) {
        lua_rawgeti(L, idx, i);
        char item[LUA_MSG_ITEM_SIZE];
        snprintf(item, sizeof item, "%s[%lld]", what, (long long)i);
        v[i - 1] = num_at(L, -1, item);
        lua_pop(L, 1);
    }
    *n = (int)len;
    return v;
}

/* Optional number field of the distribution table at t. */
static double dist_field(lua_State *L, int t, const char *what, const char *key, int required, double def)
{
    char item[LUA_MSG_ITEM_SIZE];
    snprintf(item, sizeof item, "%s.%s", what, key);
    lua_getfield(L, t, key);
    double x = def;
    if (lua_isnil(L, -1)) {
        if (required)
            luaL_error(L, "%s is required", item);
    } else {
        x = num_at(L, -1, item);
    }
    lua_pop(L, 1);
    return x;
}

/* Only the fields a distribution uses: a misspelt one must not be
 * silently ignored. */
static void dist_fields_only(lua_State *L, int t, const char *what, const char *dist, const char *const *fields)
{
    lua_pushnil(L);
    while (lua_next(L, t)) {
        lua_pop(L, 1);
        int ok = 0;
        if (lua_type(L, -1) == LUA_TSTRING)
            for (const char *const *f = fields; *f; f++)
                ok |= strcmp(lua_tostring(L, -1), *f) == 0;
        if (!ok) {
            luaL_Buffer b;
            luaL_buffinit(L, &b);
            for (const char *const *f = fields; *f; f++) {
                if (f != fields)
                    luaL_addstring(&b, ", ");
                luaL_addstring(&b, *f);
            }
            luaL_pushresult(&b);
            luaL_error(L, "%s: unknown field '%s' for a %s distribution (fields: %s)", what,
                       lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : luaL_typename(L, -2), dist,
                       lua_tostring(L, -1));
        }
    }
}

/* The distribution at idx into d (checked). */
static void read_dist(lua_State *L, int idx, const char *what, sweep_dist *d)
{
    idx = lua_absindex(L, idx);
    demob_error err = {0};
    memset(d, 0, sizeof *d);
    if (lua_type(L, idx) == LUA_TSTRING) {
        raise_spec(L, sweep_parse_dist(what, lua_tostring(L, idx), d, &err), &err);
        return;
    }
    if (lua_type(L, idx) != LUA_TTABLE)
        luaL_error(L, "%s must be { min, max }, a distribution table or a string (got %s)", what,
                   luaL_typename(L, idx));
    d->lo = -INFINITY;
    d->hi = INFINITY;
    lua_getfield(L, idx, "dist");
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        /* { min, max } */
        int n;
        double *v = num_list(L, idx, what, &n);
        if (n != 2 || luaL_len(L, idx) != 2)
            luaL_error(L, "%s must be { min, max } (got %d values)", what, n);
        lua_pushnil(L);
        if (lua_next(L, idx)) {
            /* Any key besides 1 and 2 is a mistake. */
            do {
                lua_pop(L, 1);
                if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 1 || lua_tointeger(L, -1) > 2)
                    luaL_error(L, "%s: give { min, max } or a table with dist = \"...\"", what);
            } while (lua_next(L, idx));
        }
        d->kind = DIST_UNIFORM;
        d->a = v[0];
        d->b = v[1];
        lua_pop(L, 1);
        raise_spec(L, sweep_dist_check(what, d, &err), &err);
        return;
    }
    if (lua_type(L, -1) != LUA_TSTRING)
        luaL_error(L, "%s.dist must be a string", what);
    const char *dist = lua_tostring(L, -1);
    if (strcmp(dist, "uniform") == 0) {
        static const char *const f[] = {"dist", "min", "max", NULL};
        dist_fields_only(L, idx, what, dist, f);
        d->kind = DIST_UNIFORM;
        d->a = dist_field(L, idx, what, "min", 1, 0);
        d->b = dist_field(L, idx, what, "max", 1, 0);
    } else if (strcmp(dist, "normal") == 0 || strcmp(dist, "lognormal") == 0) {
        int ln = dist[0] == 'l';
        static const char *const fn[] = {"dist", "mean", "sd", "min", "max", NULL};
        static const char *const fl[] = {"dist", "mu", "sigma", "min", "max", NULL};
        dist_fields_only(L, idx, what, dist, ln ? fl : fn);
        d->kind = ln ? DIST_LOGNORMAL : DIST_NORMAL;
        d->a = dist_field(L, idx, what, ln ? "mu" : "mean", 1, 0);
        d->b = dist_field(L, idx, what, ln ? "sigma" : "sd", 1, 0);
        d->lo = dist_field(L, idx, what, "min", 0, -INFINITY);
        d->hi = dist_field(L, idx, what, "max", 0, INFINITY);
    } else if (strcmp(dist, "beta") == 0) {
        static const char *const f[] = {"dist", "alpha", "beta", "min", "max", NULL};
        dist_fields_only(L, idx, what, dist, f);
        d->kind = DIST_BETA;
        d->a = dist_field(L, idx, what, "alpha", 1, 0);
        d->b = dist_field(L, idx, what, "beta", 1, 0);
        d->lo = dist_field(L, idx, what, "min", 0, 0);
        d->hi = dist_field(L, idx, what, "max", 0, 1);
    } else if (strcmp(dist, "triangular") == 0) {
        static const char *const f[] = {"dist", "min", "mode", "max", NULL};
        dist_fields_only(L, idx, what, dist, f);
        d->kind = DIST_TRIANGULAR;
        d->a = dist_field(L, idx, what, "min", 1, 0);
        d->b = dist_field(L, idx, what, "mode", 1, 0);
        d->c = dist_field(L, idx, what, "max", 1, 0);
    } else if (strcmp(dist, "discrete") == 0) {
        static const char *const f[] = {"dist", "values", "weights", NULL};
        dist_fields_only(L, idx, what, dist, f);
        char item[LUA_MSG_ITEM_SIZE];
        snprintf(item, sizeof item, "%s.values", what);
        int n, nw = 0;
        lua_getfield(L, idx, "values");
        double *v = num_list(L, -1, item, &n);
        double *w = NULL;
        snprintf(item, sizeof item, "%s.weights", what);
        if (lua_getfield(L, idx, "weights") != LUA_TNIL) {
            w = num_list(L, -1, item, &nw);
            if (nw != n)
                luaL_error(L, "%s has %d entries for %d values", item, nw, n);
        }
        d->kind = DIST_DISCRETE;
        d->n = n;
        d->values = malloc((size_t)n * sizeof *d->values);
        d->cum = w ? malloc((size_t)n * sizeof *d->cum) : NULL;
        if (!d->values || (w && !d->cum)) {
            sweep_dist_free(d);
            luaL_error(L, "out of memory");
        }
        memcpy(d->values, v, (size_t)n * sizeof *v);
        if (w)
            memcpy(d->cum, w, (size_t)n * sizeof *w);
        int rc = sweep_dist_check(what, d, &err);
        if (rc) {
            sweep_dist_free(d);
            raise_spec(L, rc, &err);
        }
        return;
    } else {
        luaL_error(L, "%s: unknown dist '%s' (uniform, normal, lognormal, triangular, beta, discrete)", what, dist);
    }
    raise_spec(L, sweep_dist_check(what, d, &err), &err);
}

/* grid = { name = { v1, v2, ... }, ... } */
static void read_grid(lua_State *L, int t, sweep_spec *out)
{
    if (lua_type(L, t) != LUA_TTABLE)
        luaL_error(L, "sweep: grid must be a table { name = { v1, v2, ... } }");
    int n, n_pos;
    const char **keys = sorted_keys(L, t, "sweep: grid", &n, 0, &n_pos);
    for (int i = 0; i < n; i++) {
        char what[LUA_MSG_WHAT_SIZE];
        snprintf(what, sizeof what, "sweep: grid.%s", keys[i]);
        int nl;
        lua_getfield(L, t, keys[i]);
        double *levels = num_list(L, -1, what, &nl);
        demob_error err = {0};
        raise_spec(L, sweep_spec_add_grid(out, what, keys[i], levels, nl, &err), &err);
        lua_pop(L, 2);
    }
    lua_pop(L, 1);
}

/* lhs = { name = dist, ..., "name", ... } (and random) */
static void read_sampled(lua_State *L, int t, const char *field, sweep_factor_kind kind, sweep_spec *out)
{
    char what[LUA_MSG_WHAT_SIZE];
    snprintf(what, sizeof what, "sweep: %s", field);
    if (lua_type(L, t) != LUA_TTABLE)
        luaL_error(L, "%s must be a table { name = { min, max }, ... }", what);
    int n, n_pos;
    const char **keys = sorted_keys(L, t, what, &n, 1, &n_pos);
    /* read_dist leaves temporaries: reset to here after each factor (a C
     * function may only count on LUA_MINSTACK free slots). */
    int top = lua_gettop(L);
    demob_error err = {0};
    for (int i = 1; i <= n_pos; i++) {
        lua_rawgeti(L, t, i);
        if (lua_type(L, -1) != LUA_TSTRING)
            luaL_error(L, "%s[%d] must be a param name (its declared min, max are used)", what, i);
        snprintf(what, sizeof what, "sweep: %s.%s", field, lua_tostring(L, -1));
        raise_spec(L, sweep_spec_add_param_range(out, what, lua_tostring(L, -1), kind, &err), &err);
        lua_pop(L, 1);
    }
    for (int i = 0; i < n; i++) {
        snprintf(what, sizeof what, "sweep: %s.%s", field, keys[i]);
        lua_getfield(L, t, keys[i]);
        sweep_dist d;
        read_dist(L, -1, what, &d);
        int rc = sweep_spec_add_sampled(out, what, keys[i], kind, &d, &err);
        sweep_dist_free(&d);
        raise_spec(L, rc, &err);
        lua_settop(L, top);
    }
    lua_pop(L, 1);
}

/* points = { { a = 1, b = 2 }, ... } or "file.csv" */
static void read_points(lua_State *L, int t, struct scenario *sc, sweep_spec *out)
{
    demob_error err = {0};
    if (lua_type(L, t) == LUA_TSTRING) {
        const char *path = lua_confine_path(L, sc->dir, lua_tostring(L, t), !sc->trusted, "sweep: points");
        size_t size;
        const char *data = lua_input_read(L, path, lua_tostring(L, t), &size);   /* listed in the manifest */
        raise_spec(L, sweep_points_read_mem(out, path, data, size, &err), &err);
        return;
    }
    if (lua_type(L, t) != LUA_TTABLE)
        luaL_error(L, "sweep: points must be a list of tables { name = value, ... } or a CSV file name");
    lua_Integer rows = luaL_len(L, t);
    if (rows < 1)
        luaL_error(L, "sweep: points is empty");
    if (lua_rawgeti(L, t, 1) != LUA_TTABLE)
        luaL_error(L, "sweep: points[1] must be a table { name = value, ... }");
    int first = lua_gettop(L), nc, n_pos;
    const char **names = sorted_keys(L, first, "sweep: points[1]", &nc, 0, &n_pos);
    if (nc < 1)
        luaL_error(L, "sweep: points[1] names no param");
    double *v = lua_newuserdatauv(L, (size_t)rows * (size_t)nc * sizeof *v, 0);
    for (lua_Integer r = 1; r <= rows; r++) {
        if (lua_rawgeti(L, t, r) != LUA_TTABLE)
            luaL_error(L, "sweep: points[%d] must be a table { name = value, ... }", (int)r);
        int row = lua_gettop(L);
        int count = 0;
        lua_pushnil(L);
        while (lua_next(L, row)) {
            lua_pop(L, 1);
            count++;
        }
        for (int c = 0; c < nc; c++) {
            char what[LUA_MSG_WHAT_SIZE];
            snprintf(what, sizeof what, "sweep: points[%d].%s", (int)r, names[c]);
            if (lua_getfield(L, row, names[c]) == LUA_TNIL)
                luaL_error(L, "sweep: points[%d] lacks '%s' (every point names the params of points[1])", (int)r,
                           names[c]);
            v[(size_t)(r - 1) * (size_t)nc + (size_t)c] = num_at(L, -1, what);
            lua_pop(L, 1);
        }
        if (count != nc)
            luaL_error(L, "sweep: points[%d] names params that points[1] does not", (int)r);
        lua_pop(L, 1);
    }
    raise_spec(L, sweep_spec_set_points(out, "sweep: points", names, nc, v, (long)rows, &err), &err);
}

/* The protected body: conv* at index 1. */
static int sweep_body(lua_State *L)
{
    conv *cv = lua_touserdata(L, 1);
    sweep_spec *out = cv->out;
    lua_getfield(L, LUA_REGISTRYINDEX, SWEEP_KEY);
    int t = lua_gettop(L);
    if (lua_type(L, t) != LUA_TTABLE)
        return 0;
    static const char *const fields[] = {"grid", "lhs", "random", "samples", "points", "replicates", "seed", NULL};
    lua_pushnil(L);
    while (lua_next(L, t)) {
        lua_pop(L, 1);
        int ok = 0;
        if (lua_type(L, -1) == LUA_TSTRING)
            for (int i = 0; fields[i]; i++)
                ok |= strcmp(lua_tostring(L, -1), fields[i]) == 0;
        if (!ok)
            luaL_error(L, "sweep: unknown field '%s' (fields: grid, lhs, random, samples, points, replicates, seed)",
                       lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : luaL_typename(L, -1));
    }
    /* Points first, then grid, then sampled factors: the column order of
     * the design (sweep_design.h). */
    if (lua_getfield(L, t, "points") != LUA_TNIL)
        read_points(L, lua_gettop(L), cv->sc, out);
    lua_settop(L, t);
    if (lua_getfield(L, t, "grid") != LUA_TNIL)
        read_grid(L, lua_gettop(L), out);
    lua_settop(L, t);
    if (lua_getfield(L, t, "lhs") != LUA_TNIL)
        read_sampled(L, lua_gettop(L), "lhs", FACTOR_LHS, out);
    lua_settop(L, t);
    if (lua_getfield(L, t, "random") != LUA_TNIL)
        read_sampled(L, lua_gettop(L), "random", FACTOR_RANDOM, out);
    lua_settop(L, t);
    if (lua_getfield(L, t, "samples") != LUA_TNIL)
        out->samples = (long)whole_at(L, -1, "sweep: samples", 1, 1000000000LL);
    lua_settop(L, t);
    if (lua_getfield(L, t, "replicates") != LUA_TNIL)
        out->replicates = (long)whole_at(L, -1, "sweep: replicates", 1, 1000000000LL);
    lua_settop(L, t);
    if (lua_getfield(L, t, "seed") != LUA_TNIL) {
        if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 0)
            luaL_error(L, "sweep: seed must be a whole number >= 0");
        out->has_seed = 1;
        out->seed = (uint64_t)lua_tointeger(L, -1);
    }
    return 0;
}

int scenario_sweep_spec(scenario *sc, sweep_spec *out, demob_error *err)
{
    sweep_spec_init(out);
    if (!sc->sweep_declared)
        return 0;
    conv cv = {sc, out};
    lua_State *L = sc->L;
    int top = lua_gettop(L);
    lua_pushcfunction(L, sweep_body);
    lua_pushlightuserdata(L, &cv);
    int status = lua_sandbox_pcall(sc, 1, 0, sc->load_seconds, sc->load_instructions);
    if (status != LUA_OK) {
        char msg[LUA_MSG_SIZE];
        lua_sandbox_message(sc, status, msg, sizeof msg);
        lua_settop(L, top);
        sweep_spec_free(out);
        /* Messages from the script's own code carry "file:line:"; ours
         * name the sweep field: prefix the file. */
        if (strncmp(msg, sc->path, strlen(sc->path)) == 0)
            return demob_error_set(err, DEMOB_EINPUT, "%s", msg);
        return demob_error_set(err, DEMOB_EINPUT, "%s: %s", sc->path, msg);
    }
    lua_settop(L, top);
    return 0;
}
