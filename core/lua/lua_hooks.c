/* lua_hooks.c - the one C hook (demob_hook_fn) a scenario installs on a sim,
 * and on_finish. At the start of each step, after the model's timed
 * events, it runs in this order: predicate events not yet fired in this
 * run (each fires once, at the first step its predicate holds), arrival
 * functions (through demob_sim_add_arrivals), then the on_step functions
 * in declaration order. All of a step's Lua runs in one protected call
 * with the hook limits armed; an error comes back as DEMOB_EINPUT (a
 * script's error is bad input: exit 2), or DEMOB_ERUN when a csv writer
 * could not write (a full disk: exit 1), with "file:line: message (step
 * t, run r)". A scenario without such functions
 * never enters Lua during a run. */
#include <stdlib.h>
#include <string.h>

#include "lua_priv.h"

void lua_hooks_apply(lua_State *L, struct scenario *sc, demob_sim *sim, const ev_action *a, int n)
{
    /* Every value first, on the stocks at the start of the step, then
     * the settings: the order of the actions does not change the values. */
    double *x = lua_newuserdatauv(L, (size_t)n * sizeof *x + 1, 0);
    demob_error err;
    for (int i = 0; i < n; i++) {
        x[i] = a[i].v;
        if (!a[i].is_flow && a[i].expr >= 0 && demob_sim_eval_expr(sim, a[i].expr, sc->call_step, &x[i], &err))
            luaL_error(L, "event: %s", err.message);
    }
    for (int i = 0; i < n; i++) {
        if (a[i].is_flow)
            demob_sim_set_flow_enabled(sim, a[i].index, a[i].v != 0);
        else if (demob_sim_set_value(sim, a[i].index, x[i], &err))
            luaL_error(L, "event: %s", err.message);
    }
    lua_pop(L, 1);
}

/* Notices the start of a new run (a different sim or run, or a step that
 * does not follow the last one: sweeps reuse run numbers across points)
 * and resets what is per run. C only: no Lua here. */
static void track_run(struct scenario *sc, demob_sim *sim, int step)
{
    long run = demob_sim_run_index(sim);
    if (sim == sc->cur_sim && run == sc->cur_run && step > sc->last_step) {
        sc->last_step = step;
        return;
    }
    sc->cur_sim = sim;
    sc->cur_run = run;
    sc->last_step = step;
    if (sc->fired)
        memset(sc->fired, 0, (size_t)sc->n_pred);
    sc->need_simobj = 1;
}

/* Pushes this run's sim object, making a new one at the start of a run:
 * the previous run's object stays invalid for good. */
static void push_simobj(lua_State *L, struct scenario *sc)
{
    if (sc->need_simobj || sc->cur_ref == LUA_NOREF) {
        if (sc->cur)
            sc->cur->sim = NULL;
        luaL_unref(L, LUA_REGISTRYINDEX, sc->cur_ref);
        sc->cur_ref = LUA_NOREF;
        sc->cur = lua_sim_push(L, sc);
        sc->cur_ref = luaL_ref(L, LUA_REGISTRYINDEX);
        sc->need_simobj = 0;
    }
    sc->cur->sim = sc->call_sim;
    sc->cur->step = sc->call_step;
    lua_rawgeti(L, LUA_REGISTRYINDEX, sc->cur_ref);
}

static void call_arrivals(lua_State *L, struct scenario *sc, int t)
{
    const demob_model *m = sc->model;
    for (int i = 0; i < sc->n_arrfn; i++) {
        arrival_fn *a = &sc->arrfns[i];
        lua_rawgeti(L, LUA_REGISTRYINDEX, a->fn_ref);
        lua_pushinteger(L, t);
        lua_pushstring(L, demob_model_origin_name(m, a->origin));
        lua_call(L, 2, 1);
        if (lua_type(L, -1) != LUA_TNUMBER) {
            lua_pushfstring(L, "%sarrivals: the per_step function returned %s at step %d (a count >= 0 is needed)",
                            a->where, luaL_typename(L, -1), t);
            lua_error(L);
        }
        demob_error err;
        if (demob_sim_add_arrivals(sc->call_sim, a->origin, a->state, lua_tonumber(L, -1), &err)) {
            lua_pushfstring(L, "%s%s", a->where, err.message);
            lua_error(L);
        }
        lua_pop(L, 1);
    }
}

/* The protected body of one hook call. */
static int hook_body(lua_State *L)
{
    struct scenario *sc = lua_scenario_of(L);
    int t = sc->call_step;
    push_simobj(L, sc);
    int simobj = lua_gettop(L);
    if (sc->call_finish) {
        for (int i = 0; i < sc->n_finish; i++) {
            lua_rawgeti(L, LUA_REGISTRYINDEX, sc->finish_refs[i]);
            lua_pushvalue(L, simobj);
            lua_call(L, 1, 0);
        }
        return 0;
    }
    for (int i = 0; i < sc->n_pred; i++) {
        if (sc->fired[i])
            continue;
        pred_event *e = &sc->preds[i];
        lua_rawgeti(L, LUA_REGISTRYINDEX, e->fn_ref);
        lua_pushvalue(L, simobj);
        lua_pushinteger(L, t);
        lua_call(L, 2, 1);
        int yes = lua_toboolean(L, -1);
        lua_pop(L, 1);
        if (yes) {
            sc->fired[i] = 1;
            lua_hooks_apply(L, sc, sc->call_sim, sc->actions + e->first, e->n);
        }
    }
    call_arrivals(L, sc, t);
    for (int i = 0; i < sc->n_step; i++) {
        lua_rawgeti(L, LUA_REGISTRYINDEX, sc->step_refs[i]);
        lua_pushvalue(L, simobj);
        lua_pushinteger(L, t);
        lua_call(L, 2, 0);
    }
    return 0;
}

static int call_lua(struct scenario *sc, demob_sim *sim, int step, int finish, demob_error *err)
{
    lua_State *L = sc->L;
    sc->hooks_called = 1;   /* no longer as loaded (lua_runner_hooks.c) */
    sc->call_sim = sim;
    sc->call_step = step;
    sc->call_finish = finish;
    int status;
    if (!finish && sc->n_step == 1 && sc->n_pred + sc->n_arrfn == 0 && !sc->need_simobj &&
        sc->cur_ref != LUA_NOREF) {
        /* The common case, one on_step function, once the run's sim object
         * exists: call it directly, without hook_body's C frame (nothing
         * here can raise an error outside the protected call). */
        lua_rawgeti(L, LUA_REGISTRYINDEX, sc->step_refs[0]);
        push_simobj(L, sc);
        lua_pushinteger(L, step);
        status = lua_sandbox_pcall(sc, 2, 0, sc->hook_seconds, sc->hook_instructions);
    } else {
        lua_pushcfunction(L, hook_body);
        status = lua_sandbox_pcall(sc, 0, 0, sc->hook_seconds, sc->hook_instructions);
    }
    if (sc->cur)
        sc->cur->sim = NULL;   /* usable only during the call */
    sc->call_sim = NULL;
    if (status == LUA_OK)
        return 0;
    char msg[sizeof err->message];
    lua_sandbox_message(sc, status, msg, sizeof msg);
    lua_settop(L, 0);
    /* A csv writer that could not write (a full disk) is a failed run,
     * not bad input. */
    int code = status == LUA_ERRFILE || sc->lim.tripped == LIMIT_INTERRUPT ? DEMOB_ERUN : DEMOB_EINPUT;
    if (finish)
        return demob_error_set(err, code, "%s (on_finish, run %ld)", msg, demob_sim_run_index(sim));
    return demob_error_set(err, code, "%s (step %d, run %ld)", msg, step, demob_sim_run_index(sim));
}

static int step_hook(void *ud, demob_sim *sim, int step, demob_error *err)
{
    struct scenario *sc = ud;
    track_run(sc, sim, step);
    return call_lua(sc, sim, step, 0, err);
}

void scenario_attach(scenario *sc, demob_sim *sim)
{
    /* Only on_finish: the step loop never enters Lua. */
    if (sc->n_step + sc->n_pred + sc->n_arrfn == 0)
        return;
    demob_sim_set_hook(sim, step_hook, sc);
}

int scenario_finish(scenario *sc, demob_sim *sim, demob_error *err)
{
    if (sc->n_finish == 0)
        return 0;
    int t = demob_sim_time(sim);
    if (sim != sc->cur_sim || demob_sim_run_index(sim) != sc->cur_run)
        track_run(sc, sim, t);
    int rc = call_lua(sc, sim, t, 1, err);
    /* The run is over: the next hook call starts a new one with a new
     * sim object. */
    sc->last_step = 1 << 30;
    sc->need_simobj = 1;
    return rc;
}
