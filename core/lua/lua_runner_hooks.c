/* lua_runner_hooks.c - a loaded scenario as the runner's hooks (see
 * run/runner.h and scenario_runner_hooks in scenario.h): the runner never
 * sees Lua, and Lua states are never shared between threads. */
#include <string.h>

#include "engine/model_same.h"
#include "lua_priv.h"
#include "run/runner.h"

/* A worker's own copy of the scenario, which must declare the same model
 * as the calling thread's (the runs of all workers go into one file). */
static void *open_worker(void *ud, demob_error *err)
{
    scenario *main = ud;
    scenario *own = scenario_load(main->reload_opt, err);
    const char *diff = own ? model_mismatch(scenario_model(main), scenario_model(own)) : NULL;
    if (diff) {
        demob_error_set(err, DEMOB_EINPUT,
                        "%s: the script declared another model when loaded again for a worker thread "
                        "(%s differs): declarations must not depend on os.clock(), os.time(), "
                        "os.date() or files that change",
                        scenario_path(own), diff);
        scenario_free(own);
        own = NULL;
    }
    return own;
}

static const demob_model *model_of(void *ctx)
{
    return scenario_model(ctx);
}

static void close_worker(void *ctx)
{
    scenario_free(ctx);
}

static void attach(void *ctx, demob_sim *sim)
{
    scenario_attach(ctx, sim);
}

static int finish(void *ctx, demob_sim *sim, demob_error *err)
{
    return scenario_finish(ctx, sim, err);
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
    out->per_worker = 1;
    out->ud = sc;
    out->open_worker = open_worker;
    out->model_of = model_of;
    out->close_worker = close_worker;
    out->attach = attach;
    out->finish = finish;
}
