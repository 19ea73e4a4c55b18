/* lua_outcome.c - the outcome { ... } declaration and scenario { report_at }:
 * what a planner asks about, and when (core/run/outcome.h).
 *
 *   outcome { "still_in_libya", states = { "present", "stranded" },
 *             origins = { "armed_opposition" } }       -- a sum of stocks
 *   outcome { "ever_repatriated", into = "repatriated" } -- people who entered it
 *   outcome { "flown_home", flow = "demobilized->repatriated", cumulative = true }
 *   outcome { "transport", cost = "transport" }          -- cost so far ("total": all)
 *
 * scenario { report_at = { "2021-11", 24 }, report_origins = { "Sudan", "Sudan+Chad" },
 *            report_states = { "present", "still_in_libya" } } chooses the
 * answer table `demob run` prints (--at, --origin, --state override).
 *
 * origins (names or tags) default to every origin. The names an outcome
 * uses must be declared before it (costs too, for cost = ...); an outcome's
 * name may not be a state's nor another outcome's. */
#include <stdlib.h>
#include <string.h>

#include "lua_priv.h"
#include "util/strbuf.h"

/* A string or list of strings at t.field resolved by fn into v (a Lua
 * userdata keeps it until the declaration is done); returns the count. */
static int index_list(lua_State *L, const char *field, int (*fn)(lua_State *, const char *, const char *, const char *),
                      int **out)
{
    lua_args_names(L, -1, "outcome", field);
    int n = (int)lua_rawlen(L, -1);
    if (n == 0)
        luaL_error(L, "outcome: %s is an empty list", field);
    int *v = lua_newuserdatauv(L, (size_t)n * sizeof *v, 0);
    for (int i = 0; i < n; i++) {
        lua_rawgeti(L, -2, i + 1);
        v[i] = fn(L, lua_tostring(L, -1), "outcome", field);
        lua_pop(L, 1);
    }
    *out = v;
    return n;
}

static int category_of(lua_State *L, const char *name, const char *decl, const char *field)
{
    (void)field;
    struct scenario *sc = lua_scenario_of(L);
    const demob_model *m = sc->model;
    for (int c = 0; c < demob_model_n_categories(m); c++)
        if (strcmp(demob_model_category_name(m, c), name) == 0)
            return c;
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (int c = 0; c < demob_model_n_categories(m); c++) {
        if (c)
            luaL_addstring(&b, ", ");
        luaL_addstring(&b, demob_model_category_name(m, c));
    }
    luaL_pushresult(&b);
    return luaL_error(L, "%s: unknown cost category '%s' (known: %s; declare outcomes after the costs)", decl,
                      name, lua_rawlen(L, -1) ? lua_tostring(L, -1) : "none");
}

/* Appends "a, b" of the names in the list at index list. */
static void add_names(strbuf *b, lua_State *L, int list)
{
    int n = (int)lua_rawlen(L, list);
    for (int i = 1; i <= n; i++) {
        lua_rawgeti(L, list, i);
        if (i > 1)
            strbuf_puts(b, ", ");
        strbuf_puts(b, lua_tostring(L, -1));
        lua_pop(L, 1);
    }
}

static int decl_outcome(lua_State *L)
{
    static const char *const fields[] = { "states", "origins", "flow", "into", "cumulative", "cost", NULL };
    static const char *const kinds[] = { "states", "flow", "into", "cost" };
    static const char *const says[] = { "stock of ", "people moved so far along ", "people who entered ",
                                        "cost so far of " };
    struct scenario *sc = lua_scenario_of(L);
    lua_args_table(L, "outcome");
    lua_args_check_fields(L, 1, "outcome", fields, 1);
    const char *name = lua_args_name(L, 1, "outcome", "name");
    if (demob_model_find_state(sc->model, name) >= 0)
        luaL_error(L, "outcome: '%s' is a state's name (give the outcome another)", name);
    if (output_outcomes_find(&sc->outcomes, name) >= 0)
        luaL_error(L, "outcome: '%s' declared twice", name);
    output_outcome o;
    memset(&o, 0, sizeof o);
    o.into = -1;
    int kind = -1, n_kinds = 0;
    for (int k = 0; k < 4; k++) {
        if (lua_args_field(L, 1, kinds[k]) != LUA_TNIL)
            kind = k, n_kinds++;
        lua_pop(L, 1);
    }
    if (n_kinds != 1)
        luaL_error(L, "outcome: '%s' needs exactly one of states, flow, into or cost", name);
    if (lua_args_field(L, 1, "cumulative") != LUA_TNIL) {
        if (!lua_isboolean(L, -1))
            luaL_error(L, "outcome: cumulative must be true or false");
        if (kind != 1)
            luaL_error(L, "outcome: cumulative: only a flow outcome takes it (stocks are not cumulative; costs and "
                          "into always are)");
        if (!lua_toboolean(L, -1))
            luaL_error(L, "outcome: cumulative = false: a flow outcome counts the people moved since the start");
    }
    lua_pop(L, 1);
    int top = lua_gettop(L);
    lua_args_field(L, 1, kinds[kind]);
    int field = lua_gettop(L);
    if (kind == 0) {
        o.kind = OUTCOME_STOCK;
        o.n_items = index_list(L, "states", lua_args_state, &o.items);
    }
    else if (kind == 1) {
        o.kind = OUTCOME_FLOWS;
        o.n_items = index_list(L, "flow", lua_args_flow, &o.items);
    }
    else if (kind == 2) {
        o.kind = OUTCOME_FLOWS;
        if (lua_type(L, field) != LUA_TSTRING)
            luaL_error(L, "outcome: into must be a state name");
        o.into = lua_args_state(L, lua_tostring(L, field), "outcome", "into");
    }
    else {
        o.kind = OUTCOME_COST;
        if (!(lua_type(L, field) == LUA_TSTRING && strcmp(lua_tostring(L, field), "total") == 0))
            o.n_items = index_list(L, "cost", category_of, &o.items);
    }
    if (o.kind == OUTCOME_COST && !o.items) {
        lua_pushstring(L, "every category");
        field = lua_gettop(L);
    }
    lua_args_names(L, field, "outcome", kinds[kind]);
    int item_names = lua_gettop(L), origin_names = 0;
    if (lua_args_field(L, 1, "origins") != LUA_TNIL) {
        int f = lua_gettop(L);
        o.origins = lua_args_origins(L, f, "outcome", "origins", &o.n_origins);
        lua_args_names(L, f, "outcome", "origins");
        origin_names = lua_gettop(L);
    }
    strbuf what;
    strbuf_init(&what);
    strbuf_puts(&what, says[kind]);
    add_names(&what, L, item_names);
    strbuf_puts(&what, " (");
    if (origin_names)
        add_names(&what, L, origin_names);
    else
        strbuf_puts(&what, o.kind == OUTCOME_COST ? "all origins and fixed costs" : "all origins");
    strbuf_putc(&what, ')');
    strbuf_putc(&what, '\0');
    o.name = (char *)name;
    o.what = what.data;
    int fail = what.failed || output_outcomes_add(&sc->outcomes, &o);
    strbuf_free(&what);
    if (fail)
        luaL_error(L, "out of memory");
    lua_settop(L, top);
    return 0;
}

/* scenario { report_at = { "2021-11", 24 } }: kept as text, resolved once
 * the run's length is known (scenario_report_at). */
void lua_outcome_report_at(lua_State *L, int idx)
{
    struct scenario *sc = lua_scenario_of(L);
    idx = lua_absindex(L, idx);
    if (lua_type(L, idx) != LUA_TTABLE)
        lua_newtable(L), lua_pushvalue(L, idx), lua_rawseti(L, -2, 1), idx = lua_gettop(L);
    int n = (int)lua_rawlen(L, idx);
    if (n == 0)
        luaL_error(L, "scenario: report_at is an empty list");
    free(sc->report_at_where);
    sc->report_at_where = lua_args_where(L);
    for (int i = 1; i <= n; i++) {
        lua_rawgeti(L, idx, i);
        if (lua_type(L, -1) == LUA_TNUMBER)
            lua_args_integer(L, -1, "scenario", "report_at", 0, 100000000);
        else if (lua_type(L, -1) != LUA_TSTRING)
            luaL_error(L, "scenario: report_at must list steps or dates \"YYYY-MM\" (got %s)", luaL_typename(L, -1));
        lua_args_namelist_add(L, &sc->report_at, lua_tostring(L, -1));
        lua_pop(L, 1);
    }
}

/* t.field: a name or a list of names, into l. */
static void name_list(lua_State *L, int t, const char *field, namelist *l)
{
    if (lua_args_field(L, t, field) != LUA_TNIL) {
        lua_args_names(L, -1, "scenario", field);
        int n = (int)lua_rawlen(L, -1);
        for (int i = 1; i <= n; i++) {
            lua_rawgeti(L, -1, i);
            lua_args_namelist_add(L, l, lua_tostring(L, -1));
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

void lua_outcome_report_rows(lua_State *L, int t)
{
    struct scenario *sc = lua_scenario_of(L);
    name_list(L, t, "report_origins", &sc->report_origins);
    name_list(L, t, "report_states", &sc->report_states);
}

int scenario_report_rows(const scenario *sc, const char *const **origins, int *n_origins,
                         const char *const **states, int *n_states)
{
    *origins = (const char *const *)sc->report_origins.v;
    *n_origins = sc->report_origins.n;
    *states = (const char *const *)sc->report_states.v;
    *n_states = sc->report_states.n;
    return 0;
}

int scenario_report_at(const scenario *sc, int *steps, int max, demob_error *err)
{
    int n = 0;
    for (int i = 0; i < sc->report_at.n && n < max; i++) {
        demob_error e = {0};
        int t;
        if (output_parse_step(sc->model, sc->report_at.v[i], &t, &e)) {
            /* --steps shortened the run: a later date is dropped, as a
             * later event is (the table keeps the dates inside the run). */
            if (sc->steps_cut && output_parse_step_unbounded(sc->model, sc->report_at.v[i], &t) == 0 &&
                t > demob_model_steps(sc->model) && t <= sc->steps_cut)
                continue;
            return demob_error_set(err, DEMOB_EINPUT, "%sscenario: report_at: %s", sc->report_at_where, e.message);
        }
        steps[n++] = t;
    }
    return n;
}

int scenario_tags(const scenario *sc, const char *const **names)
{
    *names = (const char *const *)sc->tags.v;
    return sc->tags.n;
}

const output_outcomes *scenario_outcomes(const scenario *sc)
{
    return &sc->outcomes;
}

void lua_outcome_register(lua_State *L, int table)
{
    lua_pushcfunction(L, decl_outcome);
    lua_setfield(L, table, "outcome");
}

void lua_outcome_free(struct scenario *sc)
{
    output_outcomes_free(&sc->outcomes);
    lua_args_namelist_free(&sc->report_at);
    lua_args_namelist_free(&sc->report_origins);
    lua_args_namelist_free(&sc->report_states);
    free(sc->report_at_where);
    sc->report_at_where = NULL;
}
