/* scenario.h - a scenario script loaded into a model. This is the only
 * interface between the rest of demob and Lua: nothing outside the lua_*.c
 * files sees a lua_State. A loaded scenario owns its frozen model and the
 * Lua state whose hooks (on_step, event predicates, arrival functions,
 * on_finish) run against a demob_sim. One scenario per worker thread:
 * each worker loads its own, so Lua states are never shared. */
#ifndef DEMOB_SCENARIO_H
#define DEMOB_SCENARIO_H
#include <signal.h>
#include <stddef.h>
#include "demob.h"

typedef struct scenario scenario;

/* The sandbox's default limits (scenario_options: 0 = these). */
#define LUA_DEFAULT_MEMORY ((size_t)256 << 20)       /* bytes per state      */
#define LUA_DEFAULT_LOAD_SECONDS 60.0                 /* running the script   */
#define LUA_DEFAULT_HOOK_SECONDS 10.0                 /* one hook call        */
/* Instruction budgets: generous, so the wall clock usually decides; they
 * exist so a runaway loop stops deterministically (the same count on
 * every machine) when a caller asks for a tight limit. */
#define LUA_DEFAULT_LOAD_INSTRUCTIONS 10000000000LL
#define LUA_DEFAULT_HOOK_INSTRUCTIONS 2000000000LL

typedef struct scenario_options {
    const char *path;              /* the scenario file                       */
    const char *const *sets;       /* "name=value" param overrides (--set)    */
    int n_sets;
    const char *output_dir;        /* where csv.open may write; NULL: nowhere */
    /* csv.open in a run (a hook): with csv_gather, each run writes its
     * piece and the command joins them (scenario_csv_prepare); else it is
     * refused, saying csv_refusal (NULL: a generic reason). */
    int csv_gather;
    const char *csv_refusal;
    /* Command-line overrides of scenario settings; negative = keep. */
    long runs;                     /* --runs                                  */
    int steps;                     /* --steps                                 */
    int mode;                      /* --mode: DEMOB_DETERMINISTIC/STOCHASTIC  */
    int has_seed;                  /* --seed given                            */
    uint64_t seed;
    /* Sandbox and limits (0 = defaults; see lua_sandbox.c). */
    int trusted;                   /* --trusted: no sandbox                   */
    size_t memory_limit;           /* bytes per Lua state                     */
    long instruction_limit;        /* VM instructions per hook call / load    */
    double time_limit;             /* seconds per hook call / load            */
    /* Set by SIGINT/SIGTERM: a script running when it is set stops, as a
     * limit stops it (the failure is a failed run, exit 1). NULL: none. */
    const volatile sig_atomic_t *interrupted;
} scenario_options;

/* Sets every field to "keep / default". */
void scenario_options_init(scenario_options *o);

/* Runs the script, builds and freezes the model. On bad input returns NULL
 * with err->status == DEMOB_EINPUT and a message "file:line: ...". */
scenario *scenario_load(const scenario_options *opt, demob_error *err);
void scenario_free(scenario *sc);
const demob_model *scenario_model(const scenario *sc);
const char *scenario_path(const scenario *sc);

/* A warning for stderr ("" when none): timed events and tranches after the
 * last step of a run shortened by --steps, skipped. */
const char *scenario_warning(const scenario *sc, char *buf, size_t size);

/* 1 if the script declared anything that runs Lua during a run. */
int scenario_has_hooks(const scenario *sc);
/* Calls fn with each warning about the loaded scenario: `--set` values
 * outside a param's declared range, then the model's (demob_model_lint).
 * Returns their number. */
int scenario_warnings(const scenario *sc, demob_lint_fn fn, void *ud);
/* Installs this scenario's Lua hooks on sim (a sim of scenario_model(sc)).
 * Hook errors carry "file:line: message (step t, run r)". */
void scenario_attach(scenario *sc, demob_sim *sim);
/* Calls on_finish(sim) if declared, after a run's last step. */
int scenario_finish(scenario *sc, demob_sim *sim, demob_error *err);

/* The runner's hooks (run/runner.h) for running sc: with Lua hooks, each
 * worker thread loads its own copy of the scenario from opt (which must
 * outlive the run; the same options sc was loaded with) and refuses one
 * that declares another model; without, workers share sc's frozen model
 * and never enter Lua. */
struct runner_hooks;
void scenario_runner_hooks(scenario *sc, const scenario_options *opt, struct runner_hooks *out);

/* The script's sweep { ... } declaration as a sweep spec (sweep_design.h;
 * implemented in lua_sweep.c); an empty spec when it declares none. On a
 * bad table returns DEMOB_EINPUT with "path: sweep: field: message". out
 * is initialised here and owned by the caller (sweep_spec_free), also on
 * failure. */
struct sweep_spec;
int scenario_sweep_spec(scenario *sc, struct sweep_spec *out, demob_error *err);

/* The prior of a param (its value slot, demob_model_find_param): the
 * distribution its declaration names (param { ..., dist = "normal", mean =,
 * sd = }, truncated to min, max), or uniform on [min, max] when it names
 * none; NULL for a param with neither. Owned by sc. The same distribution
 * serves sweeps (a bare param name in lhs/random), --uncertainty
 * parameters and fits (log-prior: sweep_dist_logpdf). */
struct sweep_dist;
const struct sweep_dist *scenario_param_prior(const scenario *sc, demob_value param);

/* The script's observe { } series (fit/fit_obs.h), in declaration order;
 * never NULL (n_series 0 without any). Owned by sc. */
struct fit_obs;
const struct fit_obs *scenario_observations(const scenario *sc);

/* The script's report { ... } declaration (lua_report.c), for the
 * manifest; NULL when it declares none. Owned by sc. */
struct manifest_report;
const struct manifest_report *scenario_report(const scenario *sc);
/* scenario { currency = "USD" }, or NULL: recorded in the manifest. */
const char *scenario_currency(const scenario *sc);

/* Every file the scenario read so far (the script, modules found through
 * require, csv.read files, a points file, ...), for the manifest: the
 * script first, then by name. Owned by sc, valid until the next call. */
struct inputs_file;
int scenario_inputs(scenario *sc, const struct inputs_file **out);
/* Reads a file for the scenario and lists it among its inputs: the one
 * function through which any file a scenario depends on is read (name:
 * as the manifest shows it, relative to the scenario's folder). Loads
 * made for worker threads and runs get the bytes the first load read.
 * *data is NUL-terminated and lives as long as sc. */
int scenario_input_read(scenario *sc, const char *path, const char *name, const char **data, size_t *size,
                        demob_error *err);
/* The script's outcome { ... } declarations (lua_outcome.c), in order;
 * owned by sc, never NULL. */
struct output_outcomes;
const struct output_outcomes *scenario_outcomes(const scenario *sc);
/* scenario { report_at = ... } as steps of this run (at most max), in the
 * order written; 0 when not declared; DEMOB_EINPUT naming the script line
 * for a date that is not one or lies outside the run. */
int scenario_report_at(const scenario *sc, int *steps, int max, demob_error *err);
/* The tags the origins carry, in order of first declaration; owned by sc. */
int scenario_tags(const scenario *sc, const char *const **names);
/* scenario { report_origins, report_states }: the answer table's rows as
 * written (n = 0 when not declared); owned by sc. */
int scenario_report_rows(const scenario *sc, const char *const **origins, int *n_origins,
                         const char *const **states, int *n_states);

/* The files scripts write with csv.open in runs (lua_csv_gather.c): each
 * run writes its piece of a file into a hidden folder of the output
 * folder; once every run is done, the pieces of one name are joined in
 * run order (sim.run: point, then replicate in a sweep) under one header.
 * The caller holds the output folder's lock (atomic_lock_dir). */
typedef struct scenario_csv_files scenario_csv_files;
/* Removes the pieces a command left in dir (before the runs of a fresh
 * start, and after a run that failed). 0, or DEMOB_ERUN. A sweep split
 * into shards leaves its pieces for demob merge. */
int scenario_csv_clear(const char *dir, demob_error *err);
/* scenario_csv_clear for a command that is not a sweep (run, merge), but
 * an unfinished sweep's pieces (dir holds its journal) are kept and the
 * command refused: DEMOB_EINPUT, since its --resume would end with files
 * that miss the rows of the runs it had done. */
int scenario_csv_clear_left(const char *dir, demob_error *err);
/* Joins the pieces into complete temporary files of dir, nothing visible
 * yet: dir's own pieces (from NULL), or copies of those in the n_from
 * folders from (the shards of a sweep, for demob merge, which leaves
 * them). Runs that gave one name different headers: DEMOB_EINPUT naming
 * the file, the first two such runs and both headers; I/O: DEMOB_ERUN.
 * *out (NULL on failure) goes to scenario_csv_commit or
 * scenario_csv_abort. */
int scenario_csv_prepare(const char *dir, const char *const *from, int n_from, scenario_csv_files **out,
                         demob_error *err);
/* Renames the joined files into place, then removes dir's pieces; frees f. */
int scenario_csv_commit(scenario_csv_files *f, demob_error *err);
/* Drops what prepare made (the pieces stay); frees f. NULL is fine. */
void scenario_csv_abort(scenario_csv_files *f);

#endif
