/* lua_runner_hooks.c - a loaded scenario as the runner's hooks (see
 * run/runner.h and scenario_runner_hooks in scenario.h): the runner never
 * sees Lua, and Lua states are never shared between threads.
 *
 * Runs are isolated: each run's hooks see the script as freshly loaded.
 * A context (lua_run_ctx) holds the load whose model a worker's runs are
 * built on (base) and the Lua state of the run under way (cur). Before a
 * run, a state in which Lua has run since its load is replaced by a new
 * load of the script, made from the bytes the first load read
 * (lua_inputs.c) and checked to declare the same model. A script whose
 * run-time functions provably reach nothing but upvalues holding numbers,
 * strings, booleans or such functions (stateless()) keeps its state, and
 * those upvalues are put back to their loaded values before each run. */
#include <string.h>

#include "engine/model_same.h"
#include "lua_priv.h"
#include "run/runner.h"

/* Loads the scenario again (from the bytes its first load read), and
 * refuses a copy that declares another model than `like`. */
static scenario *reload(scenario *like, demob_error *err)
{
    scenario *own = lua_scenario_load(like->reload_opt, like->inputs, err);
    const char *diff = own ? model_mismatch(scenario_model(like), scenario_model(own)) : NULL;
    if (diff) {
        demob_error_set(err, DEMOB_EINPUT,
                        "%s: the script declared another model when loaded again for a worker thread "
                        "or a run (%s differs): declarations must not depend on os.clock(), os.time() "
                        "or os.date()",
                        scenario_path(own), diff);
        scenario_free(own);
        own = NULL;
    }
    if (own)
        own->reload_opt = like->reload_opt;
    return own;
}

/* The upvalue cells the run-time functions reach, with their values at
 * the end of the load: a registry table of {function, index, value}. */
#define CELLS_KEY "demob.run.cells"

/* 1 if the function at the top of the stack (popped) is a Lua function
 * whose upvalues hold only numbers, strings, booleans, nil or Lua
 * functions of the same kind (checked in turn); each such cell is
 * appended to the table at `cells`, functions met go into `seen`. Such
 * a function reaches only its arguments (the run's sim object, numbers,
 * strings), constants, those cells, and what the sim's methods and the
 * string methods return (numbers, strings, booleans, the run's memo
 * table, tables it makes): no global, no table of the script. Putting
 * the cells back to their values after a run leaves the state exactly as
 * loaded. */
static int only_cells(lua_State *L, int cells, int seen)
{
    int fn = lua_gettop(L);
    int ok = lua_type(L, fn) == LUA_TFUNCTION && !lua_iscfunction(L, fn);
    lua_pushvalue(L, fn);
    if (ok && lua_rawget(L, seen) != LUA_TNIL) {
        lua_settop(L, fn - 1);
        return 1;   /* met already (a function that calls itself) */
    }
    lua_pop(L, 1);
    if (ok) {
        lua_pushvalue(L, fn);
        lua_pushboolean(L, 1);
        lua_rawset(L, seen);
    }
    for (int i = 1; ok && lua_getupvalue(L, fn, i) != NULL; i++) {
        int t = lua_type(L, -1);
        if (t == LUA_TFUNCTION) {
            ok = only_cells(L, cells, seen);
            continue;
        }
        ok = t == LUA_TNIL || t == LUA_TNUMBER || t == LUA_TSTRING || t == LUA_TBOOLEAN;
        if (ok) {
            lua_createtable(L, 3, 0);
            lua_pushvalue(L, fn);
            lua_rawseti(L, -2, 1);
            lua_pushinteger(L, i);
            lua_rawseti(L, -2, 2);
            lua_insert(L, -2);
            lua_rawseti(L, -2, 3);
            lua_rawseti(L, cells, (lua_Integer)lua_rawlen(L, cells) + 1);
        } else {
            lua_pop(L, 1);
        }
    }
    lua_settop(L, fn - 1);
    return ok;
}

/* Protected: 1 if every Lua function called during runs reaches only
 * cells (only_cells), which it then keeps under CELLS_KEY. */
static int find_cells(lua_State *L)
{
    scenario *sc = lua_scenario_of(L);
    lua_newtable(L);   /* 1: cells */
    lua_newtable(L);   /* 2: seen  */
    int ok = 1;
    for (int i = 0; ok && i < sc->n_step; i++)
        ok = (lua_rawgeti(L, LUA_REGISTRYINDEX, sc->step_refs[i]), only_cells(L, 1, 2));
    for (int i = 0; ok && i < sc->n_finish; i++)
        ok = (lua_rawgeti(L, LUA_REGISTRYINDEX, sc->finish_refs[i]), only_cells(L, 1, 2));
    for (int i = 0; ok && i < sc->n_pred; i++)
        ok = (lua_rawgeti(L, LUA_REGISTRYINDEX, sc->preds[i].fn_ref), only_cells(L, 1, 2));
    for (int i = 0; ok && i < sc->n_arrfn; i++)
        ok = (lua_rawgeti(L, LUA_REGISTRYINDEX, sc->arrfns[i].fn_ref), only_cells(L, 1, 2));
    if (ok) {
        lua_pushvalue(L, 1);
        lua_setfield(L, LUA_REGISTRYINDEX, CELLS_KEY);
    }
    lua_pushboolean(L, ok);
    return 1;
}

/* 1 if the state can serve every run: its run-time functions reach only
 * cells, put back after each run (restore_cells). */
static int stateless(scenario *sc)
{
    lua_State *L = sc->L;
    lua_pushcfunction(L, find_cells);
    int ok = lua_pcall(L, 0, 1, 0) == LUA_OK && lua_toboolean(L, -1);
    lua_settop(L, 0);
    if (ok) {
        /* Finalizers of the load's garbage run now, not during some run
         * (they could see what the hooks cannot). */
        lua_gc(L, LUA_GCCOLLECT);
        lua_gc(L, LUA_GCCOLLECT);
    }
    return ok;
}

/* Protected: every cell back to its value at the end of the load. */
static int restore_cells(lua_State *L)
{
    lua_getfield(L, LUA_REGISTRYINDEX, CELLS_KEY);
    lua_Integer n = (lua_Integer)lua_rawlen(L, 1);
    for (lua_Integer k = 1; k <= n; k++) {
        lua_rawgeti(L, 1, k);
        lua_rawgeti(L, -1, 1);   /* function */
        lua_rawgeti(L, -2, 3);   /* value    */
        lua_rawgeti(L, -3, 2);   /* index    */
        int i = (int)lua_tointeger(L, -1);
        lua_pop(L, 1);
        lua_setupvalue(L, -2, i);
        lua_pop(L, 2);
    }
    return 0;
}

static void ctx_init(scenario *sc)
{
    sc->run_ctx.base = sc;
    sc->run_ctx.cur = sc;
    sc->run_ctx.stateless = stateless(sc);
}

/* A worker's own copy of the scenario, which must declare the same model
 * as the calling thread's (the runs of all workers go into one file). */
static void *open_worker(void *ud, demob_error *err)
{
    scenario *own = reload(ud, err);
    if (!own)
        return NULL;
    ctx_init(own);
    return &own->run_ctx;
}

static const demob_model *model_of(void *ctx)
{
    return scenario_model(((lua_run_ctx *)ctx)->base);
}

static void close_worker(void *ctx)
{
    scenario_free(((lua_run_ctx *)ctx)->base);   /* frees cur too */
}

/* Before each run: a state that ran Lua since its load is replaced. */
static int fresh(void *ctx, demob_error *err)
{
    lua_run_ctx *w = ctx;
    if (!w->cur->hooks_called)
        return 0;
    if (w->stateless) {
        lua_State *L = w->cur->L;
        lua_pushcfunction(L, restore_cells);
        if (lua_pcall(L, 0, 0, 0) == LUA_OK)
            return 0;
        lua_settop(L, 0);
        w->stateless = 0;   /* out of memory: load again instead */
    }
    scenario *sc = reload(w->base, err);
    if (!sc)
        return err->status ? err->status : DEMOB_ERUN;
    if (w->cur != w->base)
        scenario_free(w->cur);
    w->cur = sc;
    return 0;
}

static void attach(void *ctx, demob_sim *sim)
{
    scenario_attach(((lua_run_ctx *)ctx)->cur, sim);
}

static int finish(void *ctx, demob_sim *sim, demob_error *err)
{
    return scenario_finish(((lua_run_ctx *)ctx)->cur, sim, err);
}

void lua_run_ctx_free(scenario *sc)
{
    if (sc->run_ctx.cur && sc->run_ctx.cur != sc)
        scenario_free(sc->run_ctx.cur);
    sc->run_ctx.cur = NULL;
}

void scenario_runner_hooks(scenario *sc, const scenario_options *opt, runner_hooks *out)
{
    memset(out, 0, sizeof *out);
    out->model = scenario_model(sc);
    out->label = scenario_path(sc);
    out->main_ctx = sc;
    if (!scenario_has_hooks(sc))
        return;
    sc->reload_opt = opt;
    if (!sc->run_ctx.base)
        ctx_init(sc);
    out->main_ctx = &sc->run_ctx;
    out->per_worker = 1;
    out->ud = sc;
    out->open_worker = open_worker;
    out->model_of = model_of;
    out->close_worker = close_worker;
    out->fresh = fresh;
    out->attach = attach;
    out->finish = finish;
}
