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
 * run-time functions provably cannot keep anything from one run to the
 * next (stateless(): Lua functions without upvalues) keeps its state. */
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

/* 1 if the function at the top of the stack is a Lua function without
 * upvalues (pops it). Such a function reaches only its arguments (the
 * run's sim object, numbers, strings), constants, and what the sim's
 * methods and the string methods return (numbers, strings, booleans, the
 * run's memo table, tables it makes): no global, no upvalue, no table of
 * the script. So it leaves nothing in the state that another run could
 * see, and the state stays as loaded. */
static int no_upvalues(lua_State *L)
{
    int ok = lua_type(L, -1) == LUA_TFUNCTION && !lua_iscfunction(L, -1) && lua_getupvalue(L, -1, 1) == NULL;
    lua_pop(L, 1);
    return ok;
}

/* 1 if every Lua function called during runs has no upvalues. */
static int stateless(scenario *sc)
{
    lua_State *L = sc->L;
    int ok = 1;
    for (int i = 0; ok && i < sc->n_step; i++)
        ok = (lua_rawgeti(L, LUA_REGISTRYINDEX, sc->step_refs[i]), no_upvalues(L));
    for (int i = 0; ok && i < sc->n_finish; i++)
        ok = (lua_rawgeti(L, LUA_REGISTRYINDEX, sc->finish_refs[i]), no_upvalues(L));
    for (int i = 0; ok && i < sc->n_pred; i++)
        ok = (lua_rawgeti(L, LUA_REGISTRYINDEX, sc->preds[i].fn_ref), no_upvalues(L));
    for (int i = 0; ok && i < sc->n_arrfn; i++)
        ok = (lua_rawgeti(L, LUA_REGISTRYINDEX, sc->arrfns[i].fn_ref), no_upvalues(L));
    if (ok) {
        /* Finalizers of the load's garbage run now, not during some run
         * (they could see what the hooks cannot). */
        lua_gc(L, LUA_GCCOLLECT);
        lua_gc(L, LUA_GCCOLLECT);
    }
    return ok;
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
    if (w->stateless || !w->cur->hooks_called)
        return 0;
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
