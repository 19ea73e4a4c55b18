/* lua_policy.c - the declarations of policy: arrivals, cost, budget, sync,
 * event, on_step, on_finish, sweep. Timed events become model events (no
 * Lua during the run); predicate events, arrival functions and the hooks
 * are kept as registry references for lua_hooks.c. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lua_priv.h"


/* ------------------------------------------------------------ arrivals */

/* arrivals { origin = name | origins = names, state =, per_step = n | param
 *            | { n1, n2, ... } | function(t, origin) } */
static int decl_arrivals(lua_State *L)
{
    static const char *const fields[] = { "origin", "origins", "state", "per_step", NULL };
    struct scenario *sc = lua_scenario_of(L);
    demob_error err;
    lua_args_table(L, "arrivals");
    lua_args_check_fields(L, 1, "arrivals", fields, 0);
    int has_o = lua_args_field(L, 1, "origin") != LUA_TNIL;
    int has_os = lua_args_field(L, 1, "origins") != LUA_TNIL;
    if (has_o == has_os)
        luaL_error(L, "arrivals: give origin (one origin) or origins (names or tags)");
    int n_origins;
    int *origins = lua_args_origins(L, has_o ? -2 : -1, "arrivals", has_o ? "origin" : "origins", &n_origins);
    if (lua_args_field(L, 1, "state") != LUA_TSTRING)
        luaL_error(L, "arrivals: state must be a state name");
    int s = lua_args_state(L, lua_tostring(L, -1), "arrivals", "state");
    int t = lua_args_field(L, 1, "per_step");
    int ps = lua_gettop(L);
    if (t == LUA_TNIL)
        luaL_error(L, "arrivals: per_step is required (a number, a param, a list by step or a function)");
    if (t == LUA_TFUNCTION) {
        for (int i = 0; i < n_origins; i++) {
            lua_args_grow(L, &sc->arrfns, &sc->cap_arrfn, sc->n_arrfn, sizeof *sc->arrfns);
            arrival_fn *a = &sc->arrfns[sc->n_arrfn];
            a->fn_ref = LUA_NOREF;
            a->where = NULL;
            a->origin = origins[i];
            a->state = s;
            sc->n_arrfn++;
            a->where = lua_args_where(L);
            lua_pushvalue(L, ps);
            a->fn_ref = luaL_ref(L, LUA_REGISTRYINDEX);
        }
        return 0;
    }
    if (t == LUA_TTABLE) {
        lua_Integer n = (lua_Integer)lua_rawlen(L, ps);
        if (n > 100000000)
            luaL_error(L, "arrivals: per_step list too long");
        double *v = lua_newuserdatauv(L, (size_t)(n + 1) * sizeof(double), 0);
        for (lua_Integer i = 1; i <= n; i++) {
            lua_rawgeti(L, ps, i);
            lua_pushfstring(L, "per_step[%I]", i);
            v[i - 1] = lua_args_number(L, -2, "arrivals", lua_tostring(L, -1));
            if (v[i - 1] < 0 || isinf(v[i - 1]))
                luaL_error(L, "arrivals: per_step[%I] must be a finite count >= 0 (got %s)", i,
                           lua_args_num(L, v[i - 1]));
            if (v[i - 1] != floor(v[i - 1])) {
                pending *p = lua_args_pend(L, PEND_WHOLE, lua_tostring(L, -1));
                p->x = v[i - 1];
            }
            lua_pop(L, 2);
        }
        for (int i = 0; i < n_origins; i++)
            lua_args_model(L, demob_model_add_arrivals(sc->model, origins[i], s, -1, v, (int)n, &err), &err,
                       "arrivals");
        return 0;
    }
    demob_value c = lua_args_value(L, ps, "arrivals", "per_step", 0, HUGE_VAL);
    if (lua_type(L, ps) == LUA_TNUMBER && lua_tonumber(L, ps) != floor(lua_tonumber(L, ps))) {
        pending *p = lua_args_pend(L, PEND_WHOLE, "arrivals per_step");
        p->x = lua_tonumber(L, ps);
    }
    for (int i = 0; i < n_origins; i++)
        lua_args_model(L, demob_model_add_arrivals(sc->model, origins[i], s, c, NULL, 0, &err), &err, "arrivals");
    return 0;
}

/* ---------------------------------------------------------------- cost */

static const char *opt_category(lua_State *L)
{
    if (lua_args_field(L, 1, "category") == LUA_TNIL)
        return NULL;   /* the model files it under "other" */
    if (lua_type(L, -1) != LUA_TSTRING || lua_rawlen(L, -1) == 0)
        luaL_error(L, "cost: category must be a non-empty string");
    return lua_tostring(L, -1);
}

/* In a scenario that extends another, a cost of the same kind, target
 * and category as one of the base's replaces it. */
static void supersede(lua_State *L, int cost)
{
    struct scenario *sc = lua_scenario_of(L);
    demob_error err;
    if (sc->extended)
        lua_args_model(L, demob_model_cost_supersede(sc->model, cost, sc->base.costs, &err), &err, "cost");
}

/* cost { state =, per_person =, origins =, category = }
 * cost { flow =, per_person =, origins =, category = }
 * cost { fixed =, while_occupied =, window =, category = } */
static int decl_cost(lua_State *L)
{
    static const char *const fields[] = { "state", "flow", "fixed", "per_person", "origins", "category",
                                          "while_occupied", "window", NULL };
    struct scenario *sc = lua_scenario_of(L);
    demob_error err;
    lua_args_table(L, "cost");
    lua_args_check_fields(L, 1, "cost", fields, 0);
    int kinds = (lua_args_field(L, 1, "state") != LUA_TNIL) + (lua_args_field(L, 1, "flow") != LUA_TNIL) +
                (lua_args_field(L, 1, "fixed") != LUA_TNIL);
    int is_state = !lua_isnil(L, -3), is_flow = !lua_isnil(L, -2);
    lua_pop(L, 3);
    if (kinds != 1)
        luaL_error(L, "cost: give exactly one of state (per person per step), flow (per person moved) "
                      "or fixed (per step)");
    const char *category = opt_category(L);
    if (is_state || is_flow) {
        if (lua_args_field(L, 1, "while_occupied") != LUA_TNIL || lua_args_field(L, 1, "window") != LUA_TNIL)
            luaL_error(L, "cost: while_occupied and window go with fixed costs");
        if (lua_args_field(L, 1, "per_person") == LUA_TNIL)
            luaL_error(L, "cost: per_person is required");
        demob_value v = lua_args_value(L, -1, "cost", "per_person", 0, HUGE_VAL);
        int *origins = NULL, n = 0;
        if (lua_args_field(L, 1, "origins") != LUA_TNIL)
            origins = lua_args_origins(L, -1, "cost", "origins", &n);
        if (lua_args_field(L, 1, is_state ? "state" : "flow") != LUA_TSTRING)
            luaL_error(L, "cost: %s must be a name", is_state ? "state" : "flow");
        if (is_state) {
            int s = lua_args_state(L, lua_tostring(L, -1), "cost", "state");
            supersede(L, lua_args_model(L, demob_model_add_state_cost(sc->model, s, origins, n, v, category, &err),
                                        &err, "cost"));
        } else {
            int f = lua_args_flow(L, lua_tostring(L, -1), "cost", "flow");
            supersede(L, lua_args_model(L, demob_model_add_flow_cost(sc->model, f, origins, n, v, category, &err),
                                        &err, "cost"));
        }
        return 0;
    }
    if (lua_args_field(L, 1, "per_person") != LUA_TNIL || lua_args_field(L, 1, "origins") != LUA_TNIL)
        luaL_error(L, "cost: a fixed cost has no per_person or origins");
    lua_getfield(L, 1, "fixed");
    demob_value v = lua_args_value(L, -1, "cost", "fixed", 0, HUGE_VAL);
    int while_state = -1, first = 0, last = 0;
    if (lua_args_field(L, 1, "while_occupied") != LUA_TNIL) {
        if (lua_type(L, -1) != LUA_TSTRING)
            luaL_error(L, "cost: while_occupied must be a state name");
        while_state = lua_args_state(L, lua_tostring(L, -1), "cost", "while_occupied");
    }
    if (lua_args_field(L, 1, "window") != LUA_TNIL)
        lua_args_window(L, -1, "cost", &first, &last);
    supersede(L, lua_args_model(L, demob_model_add_fixed_cost(sc->model, v, while_state, first, last, category, &err),
                                &err, "cost"));
    return 0;
}

/* -------------------------------------------------------------- budget */

/* budget { "name", initial =, per_step =, tranches = { { at =, amount = } } } */
static int decl_budget(lua_State *L)
{
    static const char *const fields[] = { "initial", "per_step", "tranches", NULL };
    static const char *const tranche_fields[] = { "at", "amount", NULL };
    struct scenario *sc = lua_scenario_of(L);
    demob_error err;
    lua_args_table(L, "budget");
    lua_args_check_fields(L, 1, "budget", fields, 1);
    const char *name = lua_args_name(L, 1, "budget", "budget");
    double initial = 0;
    int *initial_param = NULL;
    if (lua_args_field(L, 1, "initial") != LUA_TNIL && (initial_param = luaL_testudata(L, -1, LUA_PARAM_META)))
        lua_pop(L, 1);
    else if (!lua_isnil(L, -1)) {
        initial = lua_args_number(L, -1, "budget", "initial");
        if (initial < 0 || isinf(initial))
            luaL_error(L, "budget: '%s': initial must be a finite amount >= 0 (got %s)", name,
                       lua_args_num(L, initial));
    }
    demob_value refill;
    if (lua_args_field(L, 1, "per_step") != LUA_TNIL)
        refill = lua_args_value(L, -1, "budget", "per_step", 0, HUGE_VAL);
    else
        refill = lua_args_model(L, demob_model_add_constant(sc->model, 0, &err), &err, "budget");
    int b = demob_model_find_budget(sc->model, name);
    if (lua_extends_base(sc, EXT_BUDGET, b)) {
        lua_args_model(L, demob_model_reset_budget(sc->model, b, initial, refill, &err), &err, "budget");
        lua_extends_drop(sc, PEND_TRANCHE, b, 0, 0);
    } else {
        b = lua_args_model(L, demob_model_add_budget(sc->model, name, initial, refill, &err), &err, "budget");
    }
    lua_args_namelist_add(L, &sc->budgets, name);
    if (initial_param)
        lua_args_model(L, demob_model_set_budget_initial_value(sc->model, b, *initial_param, &err), &err, "budget");
    if (lua_args_field(L, 1, "tranches") != LUA_TNIL) {
        int tr = lua_gettop(L);
        if (lua_type(L, tr) != LUA_TTABLE)
            luaL_error(L, "budget: tranches must be a list of { at = step, amount = money }");
        lua_Integer n = (lua_Integer)lua_rawlen(L, tr);
        for (lua_Integer i = 1; i <= n; i++) {
            if (lua_rawgeti(L, tr, i) != LUA_TTABLE)
                luaL_error(L, "budget: tranches[%I] must be { at = step, amount = money }", i);
            lua_args_check_fields(L, -1, "budget: tranche", tranche_fields, 0);
            if (lua_args_field(L, -1, "at") == LUA_TNIL)
                luaL_error(L, "budget: tranches[%I]: at (the step) is required", i);
            int at = (int)lua_args_integer(L, -1, "budget", "tranche at", 1, 100000000);
            if (lua_args_field(L, -2, "amount") == LUA_TNIL)
                luaL_error(L, "budget: tranches[%I]: amount is required", i);
            int *amount_param = luaL_testudata(L, -1, LUA_PARAM_META);
            double amount = amount_param ? 0 : lua_args_number(L, -1, "budget", "tranche amount");
            if (amount < 0 || isinf(amount))
                luaL_error(L, "budget: '%s': tranche amount must be a finite amount >= 0 (got %s)", name,
                           lua_args_num(L, amount));
            pending *p = lua_args_pend(L, PEND_TRANCHE, name);
            p->a = b;
            p->b = at;
            p->x = amount;
            p->slot = amount_param ? *amount_param : -1;
            lua_pop(L, 3);
        }
    }
    return 0;
}

/* ---------------------------------------------------------------- sync */

/* sync { "group_a", "group_b", ratio =, flows = { ... } } */
static int decl_sync(lua_State *L)
{
    static const char *const fields[] = { "ratio", "flows", NULL };
    struct scenario *sc = lua_scenario_of(L);
    demob_error err;
    lua_args_table(L, "sync");
    lua_args_check_fields(L, 1, "sync", fields, 2);
    if (lua_rawgeti(L, 1, 1) != LUA_TSTRING || lua_rawgeti(L, 1, 2) != LUA_TSTRING)
        luaL_error(L, "sync: the first two elements must be the two groups (tags or origins)");
    const char *a = lua_tostring(L, -2), *b = lua_tostring(L, -1);
    int tmp;
    lua_args_origins(L, -2, "sync", "group", &tmp);
    lua_args_origins(L, -2, "sync", "group", &tmp);
    lua_pop(L, 2);
    double ratio = 1;
    if (lua_args_field(L, 1, "ratio") != LUA_TNIL) {
        ratio = lua_args_number(L, -1, "sync", "ratio");
        if (ratio < 1 || isinf(ratio))
            luaL_error(L, "sync: ratio must be a number >= 1 (got %s)", lua_args_num(L, ratio));
    }
    if (lua_args_field(L, 1, "flows") == LUA_TNIL)
        luaL_error(L, "sync: flows is required (the flows whose departures are synchronised)");
    lua_args_names(L, -1, "sync", "flows");
    int n = (int)lua_rawlen(L, -1);
    int *flows = lua_newuserdatauv(L, (size_t)(n + 1) * sizeof(int), 0);
    for (int i = 0; i < n; i++) {
        lua_rawgeti(L, -2, i + 1);
        flows[i] = lua_args_flow(L, lua_tostring(L, -1), "sync", "flows");
        lua_pop(L, 1);
    }
    lua_args_model(L, demob_model_add_sync(sc->model, a, b, ratio, flows, n, &err), &err, "sync");
    return 0;
}

/* --------------------------------------------------------------- event */

/* The value at the top of the stack for field `what` (as "set.x"): an
 * expression (or a param) gives its expression slot, evaluated when the
 * event fires; a number (a boolean, when bools) is stored in *x and
 * gives -1. */
static int event_value(lua_State *L, const char *what, int bools, double *x)
{
    *x = 0;
    if (lua_expr_is(L, -1) || luaL_testudata(L, -1, LUA_PARAM_META)) {
        demob_error err;
        demob_value v = lua_expr_slot(L, -1, "event", what);
        lua_args_model(L, demob_model_expr_for_event(lua_scenario_of(L)->model, v, &err), &err, "event");
        return v;
    }
    if (bools && lua_type(L, -1) == LUA_TBOOLEAN)
        *x = lua_toboolean(L, -1);
    else
        *x = lua_args_number(L, -1, "event", what);
    return -1;
}

/* Collects the actions of an event table into sc->actions (from index
 * first); returns how many. */
static int event_actions(lua_State *L, struct scenario *sc)
{
    int first = sc->n_act;
    const demob_model *m = sc->model;
    /* set = { param = value } */
    if (lua_args_field(L, 1, "set") != LUA_TNIL) {
        if (lua_type(L, -1) != LUA_TTABLE)
            luaL_error(L, "event: set must be a table { param = value, ... }");
        lua_args_sorted_keys(L, -1, "event", "set", NULL);
        for (lua_Integer i = 1, n = (lua_Integer)lua_rawlen(L, -1); i <= n; i++) {
            lua_rawgeti(L, -1, i);
            const char *name = lua_tostring(L, -1);
            demob_value v = lua_args_param(L, name, "event: set");
            lua_pushfstring(L, "set.%s", name);
            lua_getfield(L, -4, name);
            double x;
            int ex = event_value(L, lua_tostring(L, -2), 1, &x);
            if (isinf(x))
                luaL_error(L, "event: set.%s must be a finite number", name);
            lua_args_grow(L, &sc->actions, &sc->cap_act, sc->n_act, sizeof *sc->actions);
            sc->actions[sc->n_act++] = (ev_action){ 0, v, x, ex };
            lua_pop(L, 3);
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    /* enable / disable = flow name(s) */
    static const char *const switches[] = { "enable", "disable" };
    for (int k = 0; k < 2; k++) {
        if (lua_args_field(L, 1, switches[k]) != LUA_TNIL) {
            lua_args_names(L, -1, "event", switches[k]);
            for (lua_Integer i = 1, n = (lua_Integer)lua_rawlen(L, -1); i <= n; i++) {
                lua_rawgeti(L, -1, i);
                int f = lua_args_flow(L, lua_tostring(L, -1), "event", switches[k]);
                lua_args_grow(L, &sc->actions, &sc->cap_act, sc->n_act, sizeof *sc->actions);
                sc->actions[sc->n_act++] = (ev_action){ 1, f, k == 0, -1 };
                lua_pop(L, 1);
            }
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    }
    /* capacity = { name = per_step } */
    if (lua_args_field(L, 1, "capacity") != LUA_TNIL) {
        if (lua_type(L, -1) != LUA_TTABLE)
            luaL_error(L, "event: capacity must be a table { capacity = per_step, ... }");
        lua_args_sorted_keys(L, -1, "event", "capacity", NULL);
        for (lua_Integer i = 1, n = (lua_Integer)lua_rawlen(L, -1); i <= n; i++) {
            lua_rawgeti(L, -1, i);
            const char *name = lua_tostring(L, -1);
            int c = demob_model_find_capacity(m, name);
            if (c < 0)
                luaL_error(L, "event: unknown capacity '%s' (known: %s)", name,
                           lua_args_push_known(L, KNOWN_CAPACITIES));
            lua_pushfstring(L, "capacity.%s", name);
            lua_getfield(L, -4, name);
            double x;
            int ex = event_value(L, lua_tostring(L, -2), 0, &x);
            if (x < 0 || isinf(x))
                luaL_error(L, "event: capacity.%s must be a finite number >= 0 (got %s)", name, lua_args_num(L, x));
            if (demob_model_value_is_expr(m, demob_model_capacity_value(m, c)))
                luaL_error(L, "event: capacity '%s' is given by an expression; an event cannot set it", name);
            lua_args_grow(L, &sc->actions, &sc->cap_act, sc->n_act, sizeof *sc->actions);
            sc->actions[sc->n_act++] = (ev_action){ 0, demob_model_capacity_value(m, c), x, ex };
            lua_pop(L, 3);
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    /* ceiling = { state = limit }: every ceiling of that state */
    if (lua_args_field(L, 1, "ceiling") != LUA_TNIL) {
        if (lua_type(L, -1) != LUA_TTABLE)
            luaL_error(L, "event: ceiling must be a table { state = limit, ... }");
        lua_args_sorted_keys(L, -1, "event", "ceiling", NULL);
        for (lua_Integer i = 1, n = (lua_Integer)lua_rawlen(L, -1); i <= n; i++) {
            lua_rawgeti(L, -1, i);
            const char *name = lua_tostring(L, -1);
            int s = lua_args_state(L, name, "event", "ceiling");
            lua_pushfstring(L, "ceiling.%s", name);
            lua_getfield(L, -4, name);
            double x;
            int ex = event_value(L, lua_tostring(L, -2), 0, &x);
            if (x < 0 || isinf(x))
                luaL_error(L, "event: ceiling.%s must be a finite number >= 0 (got %s)", name, lua_args_num(L, x));
            int found = 0;
            for (int k = 0; k < demob_model_n_ceilings(m); k++) {
                if (demob_model_ceiling_state(m, k) != s)
                    continue;
                if (demob_model_value_is_expr(m, demob_model_ceiling_value(m, k)))
                    luaL_error(L, "event: the ceiling of '%s' is given by an expression; an event cannot set it", name);
                lua_args_grow(L, &sc->actions, &sc->cap_act, sc->n_act, sizeof *sc->actions);
                sc->actions[sc->n_act++] = (ev_action){ 0, demob_model_ceiling_value(m, k), x, ex };
                found++;
            }
            if (!found)
                luaL_error(L, "event: state '%s' has no ceiling (declare one with state { \"%s\", ceiling = ... })",
                           name, name);
            lua_pop(L, 3);
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    return sc->n_act - first;
}

/* event { at = step | when = function(sim, t), set =, enable =, disable =,
 *         capacity =, ceiling = } */
static int decl_event(lua_State *L)
{
    static const char *const fields[] = { "at", "when", "set", "enable", "disable", "capacity", "ceiling", NULL };
    struct scenario *sc = lua_scenario_of(L);
    lua_args_table(L, "event");
    lua_args_check_fields(L, 1, "event", fields, 0);
    int has_at = lua_args_field(L, 1, "at") != LUA_TNIL;
    int has_when = lua_args_field(L, 1, "when") != LUA_TNIL;
    if (has_at == has_when)
        luaL_error(L, "event: give at (a step) or when (a function(sim, t) returning true when it fires)");
    int at = 0;
    if (has_at && lua_type(L, -2) == LUA_TSTRING) {
        /* A calendar date: the first step on or after it. */
        demob_error err;
        at = lua_args_model(L, demob_model_step_of_date(sc->model, lua_tostring(L, -2), &err), &err, "event: at");
    } else if (has_at) {
        at = (int)lua_args_integer(L, -2, "event", "at", 1, 100000000);
    }
    if (has_when && lua_type(L, -1) != LUA_TFUNCTION)
        luaL_error(L, "event: when must be a function(sim, t)");
    int first = sc->n_act;
    int n = event_actions(L, sc);
    if (n == 0)
        luaL_error(L, "event: nothing to do (give set, enable, disable, capacity or ceiling)");
    if (has_at) {
        /* Timed events are model events: no Lua runs for them. The step is
         * checked against the run length at the end (after --steps). */
        for (int i = first; i < sc->n_act; i++) {
            ev_action a = sc->actions[i];
            if (sc->extended)   /* replaces the base's event at that step on that target */
                lua_extends_drop(sc, a.is_flow ? PEND_EVENT_FLOW : PEND_EVENT_VALUE, 0, at, a.index);
            pending *p = lua_args_pend(L, a.is_flow ? PEND_EVENT_FLOW : PEND_EVENT_VALUE, NULL);
            p->b = at;
            p->a = a.is_flow ? a.index : a.expr;
            p->slot = a.index;
            p->x = a.v;
        }
        sc->n_act = first;
        return 0;
    }
    lua_args_grow(L, &sc->preds, &sc->cap_pred, sc->n_pred, sizeof *sc->preds);
    pred_event *e = &sc->preds[sc->n_pred];
    e->first = first;
    e->n = n;
    lua_pushvalue(L, -1);   /* when (kept at -1 since lua_args_field) */
    e->fn_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    sc->n_pred++;
    return 0;
}

/* --------------------------------------------------------------- hooks */

static void add_ref(lua_State *L, const char *decl, int **refs, int *n, int *cap)
{
    lua_args_loading(L, decl);
    if (lua_type(L, 1) != LUA_TFUNCTION || lua_gettop(L) != 1)
        luaL_error(L, "%s: expects one function, as in %s(function(sim, t) ... end)", decl, decl);
    lua_args_grow(L, refs, cap, *n, sizeof **refs);
    lua_pushvalue(L, 1);
    (*refs)[*n] = luaL_ref(L, LUA_REGISTRYINDEX);
    (*n)++;
}

static int decl_on_step(lua_State *L)
{
    struct scenario *sc = lua_scenario_of(L);
    add_ref(L, "on_step", &sc->step_refs, &sc->n_step, &sc->cap_step);
    return 0;
}

static int decl_on_finish(lua_State *L)
{
    struct scenario *sc = lua_scenario_of(L);
    add_ref(L, "on_finish", &sc->finish_refs, &sc->n_finish, &sc->cap_finish);
    return 0;
}

/* sweep { ... }: kept in the registry for the sweep command. */
#define SWEEP_KEY "demob.sweep"

static int decl_sweep(lua_State *L)
{
    struct scenario *sc = lua_scenario_of(L);
    lua_args_table(L, "sweep");
    if (sc->sweep_declared && !sc->sweep_from_base)
        luaL_error(L, "sweep: declared twice");
    sc->sweep_declared = 1;
    sc->sweep_from_base = 0;   /* a variant's sweep replaces the base's */
    lua_pushvalue(L, 1);
    lua_setfield(L, LUA_REGISTRYINDEX, SWEEP_KEY);
    return 0;
}

void lua_policy_register(lua_State *L, int table)
{
    static const luaL_Reg decls[] = {
        { "arrivals", decl_arrivals },
        { "budget", decl_budget },
        { "cost", decl_cost },
        { "event", decl_event },
        { "on_finish", decl_on_finish },
        { "on_step", decl_on_step },
        { "sweep", decl_sweep },
        { "sync", decl_sync },
        { NULL, NULL },
    };
    lua_pushvalue(L, table);
    luaL_setfuncs(L, decls, 0);
    lua_pop(L, 1);
}
