/* lua_report.c - the report { ... } declaration: which states `demob
 * report` shows first. The run writes it into manifest.json ("report"),
 * where the report reads it; the report's C code knows no state names.
 *
 *   report {
 *     key_states   = { "present", "cantoned" },  -- charted across scenarios
 *     by_origin    = { "redeployed" },           -- charted and tabulated by origin
 *     return_state = "repatriated",              -- milestones: 50%/90% entered it
 *     peak_state   = "cantoned",                 -- peak occupancy
 *   }
 *
 * Every field is optional; a list may be one name. Names must be states
 * declared before report { }. Declared at most once. */
#include <stdlib.h>

#include "lua_priv.h"

/* The state named at idx (checked), as "report: <field>" in messages. */
static const char *state_at(lua_State *L, int idx, const char *field)
{
    idx = lua_absindex(L, idx);
    const char *decl = lua_pushfstring(L, "report: %s", field);
    if (lua_type(L, idx) != LUA_TSTRING)
        luaL_error(L, "%s must be a state name (got %s)", decl, luaL_typename(L, idx));
    const char *name = lua_tostring(L, idx);
    lua_args_state(L, name, decl, field);
    lua_pop(L, 1);
    return name;
}

/* t.field: a state or a list of states, into l. */
static void state_list(lua_State *L, const char *field, namelist *l)
{
    if (lua_args_field(L, 1, field) == LUA_TNIL) {
        lua_pop(L, 1);
        return;
    }
    lua_args_names(L, -1, "report", field);
    lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
    if (n == 0)
        luaL_error(L, "report: %s is an empty list", field);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, -1, i);
        lua_args_namelist_add(L, l, state_at(L, -1, field));
        lua_pop(L, 1);
    }
    lua_pop(L, 2);
}

/* t.field: one state, copied. */
static char *one_state(lua_State *L, const char *field)
{
    char *s = NULL;
    if (lua_args_field(L, 1, field) != LUA_TNIL)
        s = lua_args_strdup(L, state_at(L, -1, field));
    lua_pop(L, 1);
    return s;
}

static int decl_report(lua_State *L)
{
    static const char *const fields[] = { "key_states", "by_origin", "return_state", "peak_state", NULL };
    struct scenario *sc = lua_scenario_of(L);
    lua_args_table(L, "report");
    lua_args_check_fields(L, 1, "report", fields, 0);
    if (sc->report_declared)
        luaL_error(L, "report: declared twice");
    state_list(L, "key_states", &sc->report_key_states);
    state_list(L, "by_origin", &sc->report_by_origin);
    sc->report_return_state = one_state(L, "return_state");
    sc->report_peak_state = one_state(L, "peak_state");
    sc->report_declared = 1;
    manifest_report *r = &sc->report;
    r->key_states = sc->report_key_states.n ? (const char *const *)sc->report_key_states.v : NULL;
    r->n_key_states = sc->report_key_states.n;
    r->by_origin = sc->report_by_origin.n ? (const char *const *)sc->report_by_origin.v : NULL;
    r->n_by_origin = sc->report_by_origin.n;
    r->return_state = sc->report_return_state;
    r->peak_state = sc->report_peak_state;
    return 0;
}

void lua_report_register(lua_State *L, int table)
{
    lua_pushcfunction(L, decl_report);
    lua_setfield(L, table, "report");
}

void lua_report_free(struct scenario *sc)
{
    lua_args_namelist_free(&sc->report_key_states);
    lua_args_namelist_free(&sc->report_by_origin);
    free(sc->report_return_state);
    free(sc->report_peak_state);
    free(sc->currency);
    sc->currency = NULL;
    sc->report_return_state = sc->report_peak_state = NULL;
}

const char *scenario_currency(const scenario *sc)
{
    return sc->currency;
}

const struct manifest_report *scenario_report(const scenario *sc)
{
    return sc->report_declared ? &sc->report : NULL;
}
