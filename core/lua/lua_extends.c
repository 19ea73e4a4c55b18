/* lua_extends.c - scenario { extends = "base.lua", ... }: runs the base
 * scenario's file in the same Lua state, where the declaration stands,
 * then lets the rest of the extending file re-declare the base's parts
 * (lua_extends_base tells a declaration it replaces one of the base's;
 * lua_extends_drop cancels the base's deferred checks for it). The files
 * being loaded form a stack, so a file that extends itself, or a cycle,
 * is refused with the chain of files. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lua_csv.h"
#include "lua_priv.h"

int lua_extends_push_file(lua_State *L, struct scenario *sc, const char *path)
{
    char *real = realpath(path, NULL);
    if (!real)
        return -1;
    lua_args_grow(L, &sc->ext_stack, &sc->cap_ext, sc->n_ext, sizeof *sc->ext_stack);
    sc->ext_stack[sc->n_ext++] = real;
    return 0;
}

/* "a.lua -> b.lua -> a.lua" from the stack, from index first, then path. */
static const char *push_chain(lua_State *L, const struct scenario *sc, int first, const char *path)
{
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (int i = first; i < sc->n_ext; i++) {
        const char *slash = strrchr(sc->ext_stack[i], '/');
        luaL_addstring(&b, slash ? slash + 1 : sc->ext_stack[i]);
        luaL_addstring(&b, " -> ");
    }
    luaL_addstring(&b, path);
    luaL_pushresult(&b);
    return lua_tostring(L, -1);
}

void lua_extends_load(lua_State *L, const char *given)
{
    struct scenario *sc = lua_scenario_of(L);
    /* Relative to the file that extends, inside the scenario's folder (the
     * rule of every file a script names: lua_confine.c). */
    const char *dir = lua_csv_push_caller_dir(L, sc->dir);
    const char *path = lua_confine_path_from(L, sc->dir, dir, given, !sc->trusted, "scenario: extends");
    char *real = realpath(path, NULL);
    if (!real)
        luaL_error(L, "scenario: extends: cannot open '%s' (%s)", path, strerror(errno));
    int at = -1;
    for (int i = 0; i < sc->n_ext && at < 0; i++)
        if (strcmp(sc->ext_stack[i], real) == 0)
            at = i;
    free(real);
    if (at >= 0 && at == sc->n_ext - 1)
        luaL_error(L, "scenario: extends: '%s' extends itself", given);
    if (at >= 0)
        luaL_error(L, "scenario: extends: a cycle of scenarios: %s", push_chain(L, sc, at, given));
    if (sc->extended)
        luaL_error(L, "scenario: extends: the scenario already extends another (one base per file)");
    if (lua_extends_push_file(L, sc, path) < 0)
        luaL_error(L, "scenario: extends: cannot open '%s' (%s)", path, strerror(errno));
    /* Read through the inputs list: the base is in the manifest, and loads
     * for worker threads and runs get the same bytes. */
    size_t dl = sc->dir ? strlen(sc->dir) : 0;
    const char *name = dl && strncmp(path, sc->dir, dl) == 0 && path[dl] == '/' ? path + dl + 1 : path;
    if (lua_input_load(L, path, name, sc->trusted) != LUA_OK)
        lua_error(L);
    lua_call(L, 0, 0);
    free(sc->ext_stack[--sc->n_ext]);
    if (!sc->scenario_declared)
        luaL_error(L, "scenario: extends: '%s' declares no scenario", given);
    /* From here on, a declaration of one of the base's names replaces it. */
    const demob_model *m = sc->model;
    sc->extended = 1;
    sc->base.states = demob_model_n_states(m);
    sc->base.flows = demob_model_n_flows(m);
    sc->base.caps = demob_model_n_capacities(m);
    sc->base.values = demob_model_n_values(m);
    sc->base.costs = demob_model_n_costs(m);
    sc->base.budgets = demob_model_n_budgets(m);
    sc->base.pend = sc->n_pend;
    sc->sweep_from_base = sc->sweep_declared;
}

int lua_extends_base(const struct scenario *sc, enum extends_kind kind, int index)
{
    if (!sc->extended || index < 0)
        return 0;
    switch (kind) {
    case EXT_STATE: return index < sc->base.states;
    case EXT_FLOW: return index < sc->base.flows;
    case EXT_CAPACITY: return index < sc->base.caps;
    case EXT_PARAM: return index < sc->base.values;
    case EXT_BUDGET: return index < sc->base.budgets;
    }
    return 0;
}

void lua_extends_drop(struct scenario *sc, enum pending_kind kind, int a, int b, demob_value slot)
{
    for (int i = 0; i < sc->base.pend && i < sc->n_pend; i++) {
        pending *p = &sc->pend[i];
        int event = kind == PEND_EVENT_VALUE || kind == PEND_EVENT_FLOW;
        if (p->kind != kind || (event ? p->b != b || p->slot != slot : p->a != a))
            continue;
        p->kind = PEND_NONE;
    }
}
