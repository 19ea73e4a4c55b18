/* lua_args.c - reading the tables a scenario script passes to declarations.
 * Every reader checks its value and raises with luaL_error, so the message
 * points at the script line that called the declaration and names the
 * declaration and field: "x.lua:12: flow: rate must be in [0, 1] (got 1.5)".
 * Temporary arrays live in Lua userdata, so a raise never leaks them. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lua_priv.h"

/* Lists longer than this are cut short in "known: ..." messages. */
#define KNOWN_MAX 12

const char *lua_args_num(lua_State *L, double x)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.14g", x);
    return lua_pushstring(L, buf);
}

void lua_args_grow(lua_State *L, void *array_ptr, int *cap, int n, size_t elem)
{
    void **array = array_ptr;
    if (n < *cap)
        return;
    int ncap = *cap ? *cap * 2 : 8;
    void *p = realloc(*array, (size_t)ncap * elem);
    if (!p)
        luaL_error(L, "out of memory");
    memset((char *)p + (size_t)*cap * elem, 0, (size_t)(ncap - *cap) * elem);
    *array = p;
    *cap = ncap;
}

char *lua_args_strdup(lua_State *L, const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (!d)
        luaL_error(L, "out of memory");
    memcpy(d, s, n);
    return d;
}

void lua_args_namelist_add(lua_State *L, namelist *l, const char *s)
{
    for (int i = 0; i < l->n; i++)
        if (strcmp(l->v[i], s) == 0)
            return;
    lua_args_grow(L, &l->v, &l->cap, l->n, sizeof *l->v);
    l->v[l->n] = lua_args_strdup(L, s);
    l->n++;
}

void lua_args_namelist_free(namelist *l)
{
    for (int i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

pending *lua_args_pend(lua_State *L, enum pending_kind kind, const char *name)
{
    struct scenario *sc = lua_scenario_of(L);
    lua_args_grow(L, &sc->pend, &sc->cap_pend, sc->n_pend, sizeof *sc->pend);
    pending *p = &sc->pend[sc->n_pend];
    memset(p, 0, sizeof *p);
    p->kind = kind;
    /* Count the record first, so scenario_free frees its strings even if
     * a strdup below raises. */
    sc->n_pend++;
    p->where = lua_args_where(L);
    if (name)
        p->name = lua_args_strdup(L, name);
    return p;
}

char *lua_args_where(lua_State *L)
{
    luaL_where(L, 1);
    char *w = lua_args_strdup(L, lua_tostring(L, -1));
    lua_pop(L, 1);
    return w;
}

void lua_args_loading(lua_State *L, const char *decl)
{
    if (lua_scenario_of(L)->loaded)
        luaL_error(L, "%s: declarations belong at the top level of the scenario, not in hooks "
                      "(the model is fixed once the script has run)", decl);
}

/* ------------------------------------------------------------- fields */

void lua_args_table(lua_State *L, const char *decl)
{
    lua_args_loading(L, decl);
    if (lua_type(L, 1) != LUA_TTABLE)
        luaL_error(L, "%s: expects a table, as in %s { ... } (got %s)", decl, decl, luaL_typename(L, 1));
    if (lua_gettop(L) > 1)
        luaL_error(L, "%s: expects one table", decl);
}

void lua_args_check_fields(lua_State *L, int t, const char *decl, const char *const *fields, int n_pos)
{
    t = lua_absindex(L, t);
    lua_pushnil(L);
    while (lua_next(L, t)) {
        lua_pop(L, 1);   /* Stack: ..., key */
        if (lua_type(L, -1) == LUA_TSTRING) {
            const char *k = lua_tostring(L, -1);
            int ok = 0;
            for (const char *const *f = fields; *f && !ok; f++)
                ok = strcmp(*f, k) == 0;
            if (!ok) {
                int n = 0;
                while (fields[n])
                    n++;
                const char *list = lua_args_push_list(L, (const char *const *)fields, n);
                luaL_error(L, "%s: unknown field '%s' (fields: %s)", decl, k, list);
            }
        } else if (lua_isinteger(L, -1)) {
            lua_Integer i = lua_tointeger(L, -1);
            if (i < 1 || i > n_pos)
                luaL_error(L, "%s: unexpected value at position %d", decl, (int)i);
        } else {
            luaL_error(L, "%s: unexpected %s key", decl, luaL_typename(L, -1));
        }
    }
}

int lua_args_field(lua_State *L, int t, const char *key)
{
    return lua_getfield(L, t, key);
}

const char *lua_args_text(lua_State *L, int idx, const char *decl, const char *field)
{
    const char *s = lua_tostring(L, idx);
    if (s && strlen(s) != lua_rawlen(L, idx))
        luaL_error(L, "%s: %s contains a NUL byte", decl, field);
    return s;
}

const char *lua_args_name(lua_State *L, int t, const char *decl, const char *what)
{
    if (lua_rawgeti(L, t, 1) != LUA_TSTRING || lua_rawlen(L, -1) == 0)
        luaL_error(L, "%s: the first element must be the %s's name (a non-empty string)", decl, what);
    const char *s = lua_tostring(L, -1);
    if (strlen(s) != lua_rawlen(L, -1))
        luaL_error(L, "%s: the %s's name contains a NUL byte", decl, what);
    lua_pop(L, 1);   /* still anchored in the table */
    return s;
}

double lua_args_number(lua_State *L, int idx, const char *decl, const char *field)
{
    if (lua_type(L, idx) != LUA_TNUMBER) {
        if (luaL_testudata(L, idx, LUA_PARAM_META))
            luaL_error(L, "%s: %s must be a plain number here (a param cannot be used)", decl, field);
        if (lua_expr_is(L, idx))
            luaL_error(L, "%s: %s must be a plain number here (an expression cannot be used)", decl, field);
        luaL_error(L, "%s: %s must be a number (got %s)", decl, field, luaL_typename(L, idx));
    }
    double x = lua_tonumber(L, idx);
    if (isnan(x))
        luaL_error(L, "%s: %s must be a number (got NaN)", decl, field);
    return x;
}

long long lua_args_integer(lua_State *L, int idx, const char *decl, const char *field, long long lo,
                       long long hi)
{
    double x = lua_args_number(L, idx, decl, field);
    /* (double)LLONG_MAX rounds up to 2^63, which does not fit. */
    if (x != floor(x) || x < (double)lo || x > (double)hi || x >= 9223372036854775808.0) {
        if (hi == LLONG_MAX || hi >= 1000000000000LL)
            luaL_error(L, "%s: %s must be a whole number >= %I (got %s)", decl, field, (lua_Integer)lo,
                       luaL_tolstring(L, idx, NULL));
        luaL_error(L, "%s: %s must be a whole number in %I..%I (got %s)", decl, field, (lua_Integer)lo,
                   (lua_Integer)hi, luaL_tolstring(L, idx, NULL));
    }
    if (lua_isinteger(L, idx))
        return (long long)lua_tointeger(L, idx);
    return (long long)x;
}

demob_value lua_args_value(lua_State *L, int idx, const char *decl, const char *field, double lo, double hi)
{
    struct scenario *sc = lua_scenario_of(L);
    int *slot = luaL_testudata(L, idx, LUA_PARAM_META);
    if (slot)
        return *slot;   /* checked by the engine at freeze and run time */
    if (lua_expr_is(L, idx))
        return lua_expr_slot(L, idx, decl, field);
    if (lua_type(L, idx) != LUA_TNUMBER)
        luaL_error(L, "%s: %s must be a number, a param or an expression (got %s)", decl, field,
                   luaL_typename(L, idx));
    double x = lua_tonumber(L, idx);
    if (isnan(x))
        luaL_error(L, "%s: %s must be a number (got NaN)", decl, field);
    if (x < lo || x > hi) {
        if (isinf(hi))
            luaL_error(L, "%s: %s must be >= %s (got %s)", decl, field, lua_args_num(L, lo), lua_args_num(L, x));
        if (lo == 0 && hi == 1 && x > 1 && x <= 100)   /* a rate written as a percentage */
            luaL_error(L, "%s: %s must be in [0, 1] (got %s; if %s is a percentage, write %s)", decl, field,
                       lua_args_num(L, x), lua_args_num(L, x), lua_args_num(L, x / 100));
        luaL_error(L, "%s: %s must be in [%s, %s] (got %s)", decl, field, lua_args_num(L, lo), lua_args_num(L, hi),
                   lua_args_num(L, x));
    }
    demob_error err;
    return lua_args_model(L, demob_model_add_constant(sc->model, x, &err), &err, decl);
}

int lua_args_model(lua_State *L, int rc, const demob_error *err, const char *decl)
{
    if (rc < 0) {
        /* The model's messages often start with the declaration's own
         * name ("flow 'x': ..."); do not say it twice. */
        size_t n = strlen(decl);
        if (strncmp(err->message, decl, n) == 0 && (err->message[n] == ' ' || err->message[n] == ':'))
            luaL_error(L, "%s", err->message);
        luaL_error(L, "%s: %s", decl, err->message);
    }
    return rc;
}

/* -------------------------------------------------------------- names */

const char *lua_args_push_list(lua_State *L, const char *const *names, int n)
{
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (int i = 0; i < n && i < KNOWN_MAX; i++) {
        if (i)
            luaL_addstring(&b, ", ");
        luaL_addstring(&b, names[i]);
    }
    if (n == 0)
        luaL_addstring(&b, "none");
    if (n > KNOWN_MAX)
        luaL_addstring(&b, ", ...");
    luaL_pushresult(&b);
    return lua_tostring(L, -1);
}

/* The name of item i of a kind, or NULL to skip it. */
static const char *kind_name(struct scenario *sc, int kind, int i)
{
    const demob_model *m = sc->model;
    switch (kind) {
    case KNOWN_STATES: return demob_model_state_name(m, i);
    case KNOWN_ORIGINS: return demob_model_origin_name(m, i);
    case KNOWN_FLOWS: return demob_model_flow_name(m, i);
    case KNOWN_PARAMS: return demob_model_value_name(m, i);
    case KNOWN_TAGS: return sc->tags.v[i];
    case KNOWN_CAPACITIES: return sc->capacities.v[i];
    case KNOWN_BUDGETS: return sc->budgets.v[i];
    }
    return NULL;
}

static int kind_count(struct scenario *sc, int kind)
{
    const demob_model *m = sc->model;
    switch (kind) {
    case KNOWN_STATES: return demob_model_n_states(m);
    case KNOWN_ORIGINS: return demob_model_n_origins(m);
    case KNOWN_FLOWS: return demob_model_n_flows(m);
    case KNOWN_PARAMS: return demob_model_n_values(m);
    case KNOWN_TAGS: return sc->tags.n;
    case KNOWN_CAPACITIES: return sc->capacities.n;
    case KNOWN_BUDGETS: return sc->budgets.n;
    }
    return 0;
}

const char *lua_args_push_known(lua_State *L, int kind)
{
    struct scenario *sc = lua_scenario_of(L);
    if (kind == KNOWN_ORIGINS_AND_TAGS) {
        const char *o = lua_args_push_known(L, KNOWN_ORIGINS);
        const char *t = lua_args_push_known(L, KNOWN_TAGS);
        lua_pushfstring(L, "origins: %s; tags: %s", o, t);
        lua_replace(L, -3);
        lua_pop(L, 1);
        return lua_tostring(L, -1);
    }
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    int n = kind_count(sc, kind), shown = 0;
    for (int i = 0; i < n; i++) {
        const char *s = kind_name(sc, kind, i);
        if (!s)
            continue;
        if (shown == KNOWN_MAX) {
            luaL_addstring(&b, ", ...");
            break;
        }
        if (shown++)
            luaL_addstring(&b, ", ");
        luaL_addstring(&b, s);
    }
    if (shown == 0)
        luaL_addstring(&b, "none");
    luaL_pushresult(&b);
    return lua_tostring(L, -1);
}

int lua_args_state(lua_State *L, const char *name, const char *decl, const char *field)
{
    (void)field;   /* the line and the name say enough */
    struct scenario *sc = lua_scenario_of(L);
    int s = demob_model_find_state(sc->model, name);
    if (s < 0 && demob_model_n_states(sc->model) == 0)
        luaL_error(L, "%s: unknown state '%s' (%s)", decl, name, LUA_ARGS_NO_STATES);
    if (s < 0)
        luaL_error(L, "%s: unknown state '%s' (known: %s)", decl, name,
                   lua_args_push_known(L, KNOWN_STATES));
    return s;
}

int lua_args_origin(lua_State *L, const char *name, const char *decl, const char *field)
{
    (void)field;
    struct scenario *sc = lua_scenario_of(L);
    int o = demob_model_find_origin(sc->model, name);
    if (o < 0)
        luaL_error(L, "%s: unknown origin '%s' (known: %s)", decl, name,
                   lua_args_push_known(L, KNOWN_ORIGINS));
    return o;
}

int lua_args_flow(lua_State *L, const char *name, const char *decl, const char *field)
{
    (void)field;
    struct scenario *sc = lua_scenario_of(L);
    int f = demob_model_find_flow(sc->model, name);
    if (f < 0)
        luaL_error(L, "%s: unknown flow '%s' (known: %s)", decl, name,
                   lua_args_push_known(L, KNOWN_FLOWS));
    return f;
}

demob_value lua_args_param(lua_State *L, const char *name, const char *decl)
{
    struct scenario *sc = lua_scenario_of(L);
    demob_value v = demob_model_find_param(sc->model, name);
    if (v < 0)
        luaL_error(L, "%s: unknown param '%s' (known: %s)", decl, name, lua_args_push_known(L, KNOWN_PARAMS));
    return v;
}

void lua_args_names(lua_State *L, int idx, const char *decl, const char *field)
{
    idx = lua_absindex(L, idx);
    if (lua_type(L, idx) == LUA_TSTRING) {
        if (strlen(lua_tostring(L, idx)) != lua_rawlen(L, idx))
            luaL_error(L, "%s: %s contains a NUL byte", decl, field);
        lua_createtable(L, 1, 0);
        lua_pushvalue(L, idx);
        lua_rawseti(L, -2, 1);
        return;
    }
    if (lua_type(L, idx) != LUA_TTABLE)
        luaL_error(L, "%s: %s must be a name or a list of names (got %s)", decl, field, luaL_typename(L, idx));
    lua_Integer n = (lua_Integer)lua_rawlen(L, idx);
    lua_createtable(L, (int)n, 0);
    for (lua_Integer i = 1; i <= n; i++) {
        if (lua_rawgeti(L, idx, i) != LUA_TSTRING)
            luaL_error(L, "%s: %s[%d] must be a name (got %s)", decl, field, (int)i, luaL_typename(L, -1));
        if (strlen(lua_tostring(L, -1)) != lua_rawlen(L, -1))
            luaL_error(L, "%s: %s[%d] contains a NUL byte", decl, field, (int)i);
        lua_rawseti(L, -2, i);
    }
    /* A table with other keys is a mistake (e.g. a set {a = true}). */
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 1 || lua_tointeger(L, -1) > n)
            luaL_error(L, "%s: %s must be a list of names", decl, field);
    }
}

int *lua_args_origins(lua_State *L, int idx, const char *decl, const char *field, int *n_out)
{
    struct scenario *sc = lua_scenario_of(L);
    idx = lua_absindex(L, idx);
    int n_origins = demob_model_n_origins(sc->model);
    lua_args_names(L, idx, decl, field);   /* Stack: names */
    int names = lua_gettop(L);
    /* One userdata: the list [n_origins] then a membership mask. */
    size_t sz = (size_t)(n_origins + 1) * (sizeof(int) + 1);
    int *list = lua_newuserdatauv(L, sz, 0);
    unsigned char *seen = (unsigned char *)(list + n_origins + 1);
    memset(seen, 0, (size_t)n_origins + 1);
    int *tmp = lua_newuserdatauv(L, (size_t)(n_origins + 1) * sizeof(int), 0);
    int n = 0;
    lua_Integer len = (lua_Integer)lua_rawlen(L, names);
    for (lua_Integer i = 1; i <= len; i++) {
        lua_rawgeti(L, names, i);
        const char *name = lua_tostring(L, -1);
        demob_error err;
        int k = demob_model_resolve_origins(sc->model, name, tmp, &err);
        if (k < 0)
            luaL_error(L, "%s: unknown origin or tag '%s' in %s (%s)", decl, name, field,
                       lua_args_push_known(L, KNOWN_ORIGINS_AND_TAGS));
        for (int j = 0; j < k; j++)
            if (!seen[tmp[j]]) {
                seen[tmp[j]] = 1;
                list[n++] = tmp[j];
            }
        lua_pop(L, 1);
    }
    if (len == 0)
        luaL_error(L, "%s: %s is an empty list", decl, field);
    lua_pop(L, 1);           /* tmp */
    lua_remove(L, names);    /* Stack: list userdata */
    *n_out = n;
    return list;
}

void lua_args_window(lua_State *L, int idx, const char *decl, int *first, int *last)
{
    idx = lua_absindex(L, idx);
    if (lua_type(L, idx) != LUA_TTABLE || lua_rawlen(L, idx) != 2)
        luaL_error(L, "%s: window must be {first, last} (steps)", decl);
    lua_rawgeti(L, idx, 1);
    *first = (int)lua_args_integer(L, -1, decl, "window[1]", 1, 1000000000);
    lua_rawgeti(L, idx, 2);
    *last = (int)lua_args_integer(L, -1, decl, "window[2]", 1, 1000000000);
    lua_pop(L, 2);
    if (*first > *last)
        luaL_error(L, "%s: window {%d, %d}: first is after last", decl, *first, *last);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void lua_args_sorted_keys(lua_State *L, int t, const char *decl, const char *field, const char *const *skip)
{
    t = lua_absindex(L, t);
    int n = 0;
    lua_pushnil(L);
    while (lua_next(L, t)) {
        lua_pop(L, 1);
        n++;
    }
    const char **keys = lua_newuserdatauv(L, (size_t)(n + 1) * sizeof *keys, 0);
    int k = 0;
    lua_pushnil(L);
    while (lua_next(L, t)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TSTRING) {
            /* Positional entries are the declaration's own business. */
            if (skip && lua_isinteger(L, -1))
                continue;
            luaL_error(L, "%s: %s: keys must be names (got a %s key)", decl, field, luaL_typename(L, -1));
        }
        const char *key = lua_tostring(L, -1);
        if (strlen(key) != lua_rawlen(L, -1))
            luaL_error(L, "%s: %s: a name contains a NUL byte", decl, field);
        int skipped = 0;
        for (const char *const *s = skip; s && *s && !skipped; s++)
            skipped = strcmp(*s, key) == 0;
        if (!skipped)
            keys[k++] = key;   /* anchored in the table */
    }
    qsort(keys, (size_t)k, sizeof *keys, cmp_str);
    lua_createtable(L, k, 0);
    for (int i = 0; i < k; i++) {
        lua_pushstring(L, keys[i]);
        lua_rawseti(L, -2, i + 1);
    }
    lua_remove(L, -2);
}
