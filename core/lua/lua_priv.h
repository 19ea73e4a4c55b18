/* lua_priv.h - what the lua_*.c files share: the layout of a loaded
 * scenario, the resource limits of its Lua state, and the helpers the
 * declaration functions use. Nothing outside the lua_*.c files includes
 * this (the rest of demob only sees scenario.h).
 *
 * Files and their jobs:
 *   lua_scenario.c  scenario_load / scenario_free: runs the script, then
 *                   applies the command-line overrides, the checks that
 *                   need the whole script, and freezes the model.
 *   lua_sandbox.c   the allocator (memory limit), the count hook
 *                   (instruction and wall-clock limits), protected calls,
 *                   the libraries a script gets, `require`.
 *   lua_pattern.c   string.find/match/gmatch/gsub with a step budget.
 *   lua_confine.c   the rule for files a script names (require, csv.read,
 *                   sweep points).
 *   lua_charged.c   library loops in C charged to the limits; the nesting
 *                   of coroutine.close capped.
 *   lua_args.c      reading declaration tables: fields, numbers, names,
 *                   value slots, origin lists, "known: ..." lists.
 *   lua_declare.c   scenario, state, origin, param, flow, capacity.
 *   lua_policy.c    arrivals, cost, budget, sync, event, on_step,
 *                   on_finish, sweep.
 *   lua_report.c    report: what `demob report` shows first.
 *   lua_outcome.c   outcome and report_at: what the answer is about.
 *   lua_extends.c   scenario { extends = }: the base file, cycles, and
 *                   which re-declarations replace the base's parts.
 *   lua_sim.c       the `sim` userdata handed to hooks.
 *   lua_hooks.c     the one C hook per sim: predicate events, arrival
 *                   functions, on_step; scenario_attach, scenario_finish.
 *   lua_inputs.c    the files a scenario read, kept with their SHA-256
 *                   (the manifest's inputs; reloads read the same bytes).
 *   lua_runner_hooks.c  the runner's hooks: a fresh state for each run.
 */
#ifndef DEMOB_LUA_PRIV_H
#define DEMOB_LUA_PRIV_H
#include <stddef.h>
#include <stdint.h>

#include <lauxlib.h>
#include <lua.h>

#include "demob.h"
#include "scenario.h"
#include "run/answer.h"
#include "lua_confine.h"
#include "run/manifest.h"
#include "run/outcome.h"
#include "sweep/sweep_design.h"
#include "fit/fit_obs.h"

/* ------------------------------------------------------------- limits */

/* The default limits (LUA_DEFAULT_*) are in scenario.h. */

enum lua_limit_kind { LIMIT_NONE = 0, LIMIT_INSTRUCTIONS, LIMIT_TIME, LIMIT_MEMORY, LIMIT_INTERRUPT };

typedef struct lua_limits {
    size_t mem_used, mem_limit;
    long long instr_limit, instr_count;   /* for the call under way       */
    double time_limit, t_start;           /* seconds (coarse monotonic clock) */
    int period;                           /* count-hook period            */
    int close_depth;                      /* nested coroutine.close calls */
    int in_call;                          /* inside lua_sandbox_pcall     */
    int tripped;                          /* a lua_limit_kind: once set, the
                                           * count hook raises at every
                                           * instruction until the call ends */
    const char *path;                     /* the script, for messages     */
    const volatile sig_atomic_t *interrupted; /* SIGINT/SIGTERM; or NULL */
    char msg[512];                        /* "file:line: ... limit ..."   */
} lua_limits;

/* ----------------------------------------------- deferred declarations */

/* Checks and additions that must wait for the end of the script (names
 * declared later, --steps/--mode overrides). `where` is "file:line: " of
 * the declaration, so the error still points at the script line. */
enum pending_kind {
    PEND_FLOW_CAPACITY,   /* a: flow; name: capacity                     */
    PEND_FLOW_BUDGET,     /* a: flow; name: budget; slot: unit cost      */
    PEND_PRIORITY,        /* a: capacity; name: origin, tag or flow      */
    PEND_EVENT_VALUE,     /* b: step; slot; x: value                     */
    PEND_EVENT_FLOW,      /* b: step; a: flow; x: 1 enable / 0 disable   */
    PEND_TRANCHE,         /* a: budget; b: step; x: amount               */
    PEND_WHOLE,           /* x must be a whole number in stochastic mode;
                           * name describes it                           */
    PEND_CEILING,         /* a: state; slot; ints: origins (NULL: all)   */
    PEND_EXPR,            /* slot; expr: the program; name: what it is   */
    PEND_NONE,            /* cancelled: the part was re-declared          */
};

typedef struct pending {
    enum pending_kind kind;
    int a, b;
    double x;
    demob_value slot;
    char *name;       /* owned, may be NULL */
    char *where;      /* owned */
    int *ints;        /* owned, may be NULL */
    int n_ints;
    struct lua_expr_prog *expr;   /* owned, PEND_EXPR */
} pending;

typedef struct namelist {
    char **v;
    int n, cap;
} namelist;

/* ---------------------------------------------------------------- hooks */

/* An action of a predicate event, applied to the sim when it fires. */
typedef struct ev_action {
    int is_flow;      /* 0: set value slot `index` to v; 1: switch flow */
    int index;
    double v;
    int expr;         /* is_flow 0: expression slot giving v when the event
                       * fires, or -1 */
} ev_action;

typedef struct pred_event {
    int fn_ref;       /* registry reference of the predicate            */
    int first, n;     /* range in scenario.actions                      */
} pred_event;

typedef struct arrival_fn {
    int fn_ref;
    int origin, state;
    char *where;      /* owned: "file:line: " of the arrivals{} line    */
} arrival_fn;

/* The `sim` userdata (lua_sim.c). sim is non-NULL only while a hook of the
 * run it was made for is being called. */
typedef struct lua_simref {
    struct scenario *sc;
    demob_sim *sim;
    int step;
} lua_simref;

/* Buffers for the parts of an error message (a message is at most
 * DEMOB_MESSAGE_SIZE): a name (longer names are cut), a "known: a, b, c"
 * list of names, a description of the item at fault (and with one of its
 * fields), a whole message. */
#define LUA_MSG_NAME_SIZE 256
#define LUA_MSG_KNOWN_SIZE 600
#define LUA_MSG_WHAT_SIZE 300
#define LUA_MSG_ITEM_SIZE (LUA_MSG_WHAT_SIZE + 100)   /* a "what" and a field */
#define LUA_MSG_SIZE DEMOB_MESSAGE_SIZE

#define LUA_SIM_META "demob.sim"
#define LUA_PARAM_META "demob.param"
#define LUA_EXPR_META "demob.expr"

/* lua_prior.c: reads the prior of the param being declared from the
 * table at t (name, its default, its [lo, hi] when has_range) and keeps it
 * for slot; raises on impossible parameters. */
void lua_prior_read(lua_State *L, int t, const char *name, double def, int has_range, double lo, double hi,
                    demob_value slot);
void lua_prior_free(struct scenario *sc);
/* Drops the param's prior (a variant re-declaring it, extends). */
void lua_prior_clear(struct scenario *sc, demob_value slot);
/* lua_observe.c: observe { } into the table of declarations. */
void lua_observe_register(lua_State *L, int table);

/* sim: name memo sizes (lua_sim.c): states, flows, params, origins. */
#define LUA_NAME_KINDS 4
#define LUA_NAME_MEMO 16

/* The files a scenario read (lua_inputs.c), shared by the loads made from
 * the first one. */
typedef struct lua_input_store lua_input_store;

/* The runner's context for a scenario with hooks (lua_runner_hooks.c):
 * the load whose model the runs are built on, and the load whose Lua
 * state the run under way uses (a fresh one per run, see there). */
typedef struct lua_run_ctx {
    struct scenario *base, *cur;
    int stateless;             /* no run-time function can keep state    */
} lua_run_ctx;

struct scenario {
    lua_State *L;
    demob_model *model;
    lua_limits lim;
    char *path;                /* as given: messages name it            */
    char *dir;                 /* its folder: require and csv.read      */
    int trusted;
    const scenario_options *reload_opt; /* to load it again for a worker
                                 * (scenario_runner_hooks); the caller's */
    lua_input_store *inputs;   /* the files read (lua_inputs.c)          */
    int owns_inputs;           /* 0: a reload's, borrowed from the first */
    int hooks_called;          /* Lua ran since the load (lua_hooks.c):
                                * the state is no longer as loaded       */
    lua_run_ctx run_ctx;       /* when it runs with hooks: its context   */
    double load_seconds, hook_seconds;
    long long load_instructions, hook_instructions;

    /* Declaration phase. */
    int loaded;                /* the script ran and the model is frozen */
    int scenario_declared;
    int steps_declared;
    int steps_cut;             /* the steps declared, when --steps ran
                                * fewer (0: not cut) */
    int n_skipped;             /* events and tranches after the last
                                * step of a cut run, skipped */
    char skipped[LUA_MSG_SIZE]; /* the first of them */
    int mode;                  /* as declared so far                    */
    pending *pend;
    int n_pend, cap_pend;
    struct lua_initial {
        int origin, state;
        double count;
        demob_value slot;      /* >= 0: the stock is this param's value */
    } *init;
    int n_init, cap_init;
    namelist tags, capacities, budgets;
    int sweep_declared;
    /* Declared priors by param value slot (lua_prior.c). */
    struct lua_prior {
        struct sweep_dist d;
        int set;
    } *priors;
    int n_priors, cap_priors;
    /* observe { } series (lua_observe.c). */
    fit_obs obs;
    int sweep_from_base;       /* the sweep is the base's (extends)     */
    char **set_warnings;       /* --set values outside a declared range */
    int n_set_warnings;
    /* extends (lua_extends.c): the files being loaded, outermost first
     * (real paths); once a base has loaded, the counts of its parts: a
     * declaration of one of them replaces it. */
    char **ext_stack;
    int n_ext, cap_ext;
    int extended;
    struct { int states, flows, caps, values, costs, budgets, pend; } base;
    /* report { ... } (lua_report.c); report_declared 0: none. */
    int report_declared;
    namelist report_key_states, report_by_origin;
    char *report_return_state, *report_peak_state;
    manifest_report report;    /* a view of the four above */
    /* outcome { ... } and scenario { report_at } (lua_outcome.c). */
    output_outcomes outcomes;
    namelist report_at;        /* steps or dates, as written            */
    namelist report_origins, report_states; /* the answer table's rows  */
    char *report_at_where;     /* "file:line: " of the scenario {} line */
    char *currency;            /* scenario { currency = "USD" }, or NULL */

    /* Hooks, looked up once while the script declares them. */
    int *step_refs;
    int n_step, cap_step;
    int *finish_refs;
    int n_finish, cap_finish;
    arrival_fn *arrfns;
    int n_arrfn, cap_arrfn;
    pred_event *preds;
    int n_pred, cap_pred;
    ev_action *actions;
    int n_act, cap_act;

    /* The run under way (lua_hooks.c). */
    unsigned char *fired;      /* [n_pred] for the current run          */
    int *scratch;              /* [n_origins] for resolving tags        */
    int need_simobj;           /* make a new sim object at the next call */
    lua_simref *cur;           /* the current run's sim userdata        */
    int cur_ref;               /* its registry reference                */
    demob_sim *cur_sim;
    long cur_run;
    int last_step;
    /* Arguments of the protected hook call (lua_hooks.c). */
    demob_sim *call_sim;
    int call_step;
    int call_finish;
    /* sim: name lookups (lua_sim.c): per kind of name, the Lua string
     * objects last resolved, by address, and their indices. */
    const char *name_memo_key[LUA_NAME_KINDS][LUA_NAME_MEMO];
    int name_memo_index[LUA_NAME_KINDS][LUA_NAME_MEMO];
};

/* scenario_load, reading every file through `shared` (the store of the
 * first load of the same scenario) when it is not NULL. */
struct scenario *lua_scenario_load(const scenario_options *opt, lua_input_store *shared, demob_error *err);

/* Frees the run's load of run_ctx (lua_runner_hooks.c). */
void lua_run_ctx_free(struct scenario *sc);

/* ------------------------------------------------------------- inputs */

/* Files larger than max_bytes are refused. */
lua_input_store *lua_inputs_new(size_t max_bytes);
void lua_inputs_free(lua_input_store *s);
/* The bytes of the file at path (opened as given), read from disk the
 * first time and kept (NUL-terminated, never moved) until the store goes;
 * name is how the manifest lists it. Thread-safe. */
int lua_inputs_read(lua_input_store *s, const char *path, const char *name, const char **data, size_t *size,
                    demob_error *err);
/* A sorted view of the files read (the script first); owned by s, valid
 * until the next call. */
int lua_inputs_list(lua_input_store *s, const manifest_input **out);
/* Makes the store the one lua_input_read uses in L. */
void lua_inputs_attach(lua_State *L, lua_input_store *s);
/* lua_inputs_read for code running in L (raises on failure); in a state
 * without a store, reads the file (the bytes then live until the next
 * call). THE way for a script's file to reach the manifest: every file a
 * scenario reads goes through here (or scenario_input_read). */
const char *lua_input_read(lua_State *L, const char *path, const char *name, size_t *size);
/* Reads a script through lua_input_read and loads it as luaL_loadfilex
 * would (BOM and '#' line skipped; text only unless trusted): pushes the
 * chunk, or the error message with a status other than LUA_OK. */
int lua_input_load(lua_State *L, const char *path, const char *name, int trusted);

/* The scenario a Lua state belongs to (kept in the state's extra space). */
struct scenario *lua_scenario_of(lua_State *L);

/* ------------------------------------------------------------ sandbox */

void *lua_sandbox_alloc(void *ud, void *ptr, size_t osize, size_t nsize);
/* Installs the count hook. */
void lua_sandbox_install_hook(struct scenario *sc);
/* Calls the function below nargs arguments on the stack with the message
 * handler and the limits armed. Returns the lua status; on failure the
 * error message (a string) is left on the stack. */
int lua_sandbox_pcall(struct scenario *sc, int nargs, int nresults, double seconds,
                      long long instructions);
/* Opens the libraries (sandboxed unless sc->trusted), `require`, `csv`,
 * and protects the declaration functions (already in the table at the top
 * of the stack) from being overwritten. Runs inside a protected call. */
void lua_sandbox_open(lua_State *L, struct scenario *sc);
/* Charges n steps of work done in C (the pattern matcher) to the
 * instruction budget and checks the wall clock; raises when a limit is
 * passed, as the count hook does. */
void lua_sandbox_charge(lua_State *L, long long n);
/* Does the message start with a position, "chunk:line:", as Lua's errors
 * and expression declarations write it? */
int lua_has_position(const char *s);
/* Pushes a table of find, gmatch, gsub, match (lua_pattern.c), which call
 * charge(L, steps) for their work (it may raise); NULL: nothing charged
 * (a plain state). */
/* Replaces string.rep/upper/lower/reverse/format, table.sort/concat/
 * insert/remove/unpack/move by forms that charge their work, and
 * coroutine.close by one that caps its nesting (lua_charged.c). */
void lua_charged_open(lua_State *L);
typedef void (*lua_pattern_charge)(lua_State *L, long long steps);
int lua_pattern_open(lua_State *L, lua_pattern_charge charge);
/* Closes the state, with limits armed for the finalizers a script set. */
void lua_sandbox_close(struct scenario *sc);
/* Formats a failed call's message into buf: the limit that tripped, or
 * the Lua message. */
void lua_sandbox_message(struct scenario *sc, int status, char *buf, size_t n);

/* ------------------------------------------------------ declarations */

/* Pushes a table of the declaration functions (scenario, state, ...). */
void lua_declare_push(lua_State *L);
void lua_policy_register(lua_State *L, int table);
/* Adds report (lua_report.c) to the table at `table`. */
void lua_report_register(lua_State *L, int table);
void lua_report_free(struct scenario *sc);
/* Adds outcome (lua_outcome.c); reads scenario { report_at } at idx. */
void lua_outcome_register(lua_State *L, int table);
void lua_outcome_report_at(lua_State *L, int idx);
/* Reads scenario { report_origins, report_states } of the table at t. */
void lua_outcome_report_rows(lua_State *L, int t);
void lua_outcome_free(struct scenario *sc);

/* -------------------------------------------------------- expressions */

/* lua_expr.c: the expression userdata, its metamethods (shared with
 * params) and the global functions that build expressions. */
void lua_expr_register(lua_State *L);
int lua_expr_is(lua_State *L, int idx);
/* An expression slot for the expression at idx; its names are resolved
 * at the end of the script (a PEND_EXPR). */
demob_value lua_expr_slot(lua_State *L, int idx, const char *decl, const char *field);
int lua_expr_resolve(struct scenario *sc, const pending *p, demob_error *err);
void lua_expr_prog_free(struct lua_expr_prog *p);

/* --------------------------------------------------------------- args */

/* Raises if the script has finished loading: a hook may not declare. */
void lua_args_loading(lua_State *L, const char *decl);
/* The declaration's one argument (at 1) must be a table; raises
 * "<decl>: expects a table ..." otherwise, or while a hook runs. */
void lua_args_table(lua_State *L, const char *decl);
/* Raises "<decl>: unknown field 'k' (fields: ...)" for any key of the table
 * at t that is not in fields (NULL-terminated) nor a positional index
 * 1..n_pos. */
void lua_args_check_fields(lua_State *L, int t, const char *decl, const char *const *fields,
                       int n_pos);
/* t[1] as a non-empty string. */
const char *lua_args_name(lua_State *L, int t, const char *decl, const char *what);
/* Pushes t[key]; returns its type (LUA_TNIL when absent). */
int lua_args_field(lua_State *L, int t, const char *key);
/* A number at idx (not NaN); raises naming decl.field otherwise. */
double lua_args_number(lua_State *L, int idx, const char *decl, const char *field);
/* A whole number at idx within [lo, hi]. */
long long lua_args_integer(lua_State *L, int idx, const char *decl, const char *field, long long lo,
                       long long hi);
/* A value slot from a number (a new constant) or a param reference. A
 * constant must lie in [lo, hi]. */
demob_value lua_args_value(lua_State *L, int idx, const char *decl, const char *field, double lo,
                       double hi);
/* The hint of an unknown state when no state is declared at all. */
#define LUA_ARGS_NO_STATES                                                                 \
    "no states are declared: list them in scenario { states = { ... } }, or for the standard " \
    "DDR states write local ddr = require \"ddr\" and scenario { ..., states = ddr.states }"
/* Index of a declared state / origin / flow / param, or raises with the
 * known names (and LUA_ARGS_NO_STATES when there are none). */
int lua_args_state(lua_State *L, const char *name, const char *decl, const char *field);
int lua_args_origin(lua_State *L, const char *name, const char *decl, const char *field);
int lua_args_flow(lua_State *L, const char *name, const char *decl, const char *field);
demob_value lua_args_param(lua_State *L, const char *name, const char *decl);
/* Resolves a name or list of names of origins or tags at idx into a
 * de-duplicated origin list kept in a userdata pushed on the stack (freed
 * by Lua, so nothing leaks when a later check raises). Returns the list
 * and its length in *n. */
int *lua_args_origins(lua_State *L, int idx, const char *decl, const char *field, int *n);
/* A string or a list of strings at idx: pushes a table (array) of them. */
void lua_args_names(lua_State *L, int idx, const char *decl, const char *field);
/* lua_tostring of the string at idx; raises "decl: field contains a NUL
 * byte" rather than cut it there. */
const char *lua_args_text(lua_State *L, int idx, const char *decl, const char *field);
/* Pushes an array of the table's string keys, sorted (pairs() order is
 * not reproducible; declaration order must be), without those in skip
 * (NULL-terminated, may be NULL; with skip, integer keys are skipped too). */
void lua_args_sorted_keys(lua_State *L, int t, const char *decl, const char *field,
                      const char *const *skip);
/* Window {first, last}: fills first and last. */
void lua_args_window(lua_State *L, int idx, const char *decl, int *first, int *last);
/* Raises the model's error message as "<decl>: <message>" at the script
 * line, when rc is negative. Returns rc. */
int lua_args_model(lua_State *L, int rc, const demob_error *err, const char *decl);
/* Pushes "a, b, c" from the list (at most a dozen names, then "..."). */
const char *lua_args_push_list(lua_State *L, const char *const *names, int n);
const char *lua_args_push_known(lua_State *L, int kind);
enum { KNOWN_STATES, KNOWN_ORIGINS, KNOWN_FLOWS, KNOWN_PARAMS, KNOWN_TAGS, KNOWN_CAPACITIES,
       KNOWN_BUDGETS, KNOWN_ORIGINS_AND_TAGS };

/* Records a deferred check; copies name and where ("file:line: " of the
 * script line calling the declaration). Returns the record. */
pending *lua_args_pend(lua_State *L, enum pending_kind kind, const char *name);
/* Adds s to the list if absent. */
void lua_args_namelist_add(lua_State *L, namelist *l, const char *s);
void lua_args_namelist_free(namelist *l);
/* Pushes x formatted with %.14g (Lua's %f would print 1 as "1.0"). */
const char *lua_args_num(lua_State *L, double x);
/* Grows a C array; raises "out of memory" on failure. */
void lua_args_grow(lua_State *L, void *array_ptr, int *cap, int n, size_t elem);
/* Copies a string with malloc; raises on failure. */
char *lua_args_strdup(lua_State *L, const char *s);
/* "file:line: " of the script line calling the declaration, owned by the
 * caller (raises on out of memory). */
char *lua_args_where(lua_State *L);

/* ------------------------------------------------------------ extends */

/* Pushes path (real path) on the stack of files being loaded; -1 (errno
 * set) if it cannot be resolved. */
int lua_extends_push_file(lua_State *L, struct scenario *sc, const char *path);
/* Runs the base scenario `given` (relative to the calling file) where the
 * extends stands; raises on a missing file, itself, a cycle. */
void lua_extends_load(lua_State *L, const char *given);
enum extends_kind { EXT_STATE, EXT_FLOW, EXT_CAPACITY, EXT_PARAM, EXT_BUDGET };
/* 1 when the part at index was declared by the base: re-declaring it
 * replaces it. */
int lua_extends_base(const struct scenario *sc, enum extends_kind kind, int index);
/* Cancels the base's deferred checks of kind for part a (events: at step
 * b on slot, a value slot or a flow). */
void lua_extends_drop(struct scenario *sc, enum pending_kind kind, int a, int b, demob_value slot);

/* ---------------------------------------------------------------- sim */

void lua_sim_register(lua_State *L);
/* Pushes a new sim userdata for sc (pointer not yet set). */
lua_simref *lua_sim_push(lua_State *L, struct scenario *sc);

/* -------------------------------------------------------------- hooks */

/* Applies a predicate event's actions (or a sim:capacity / sim:ceiling
 * call) to the sim; raises on failure. */
void lua_hooks_apply(lua_State *L, struct scenario *sc, demob_sim *sim, const ev_action *a,
                     int n);

#endif
