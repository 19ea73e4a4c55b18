/* demob.h - public API of libdemob, the demobilization scenario engine.
 *
 * A model (demob_model) is declared once: states, origins with tags, values
 * (named parameters and anonymous constants), flows, capacities, ceilings,
 * arrivals, costs, budgets, synchronisation constraints and timed events.
 * It is then frozen (demob_model_freeze) and read-only: any number of runs
 * (demob_sim), on any number of threads, may share it.
 *
 * Ownership rule: every *_new returns an object the caller owns and frees
 * with the matching *_free; every const char * returned by a getter belongs
 * to the object it came from and lives as long as that object. Strings passed
 * in are copied. Functions that can fail return 0 on success and a negative
 * value on failure, with a message in the demob_error the caller passed
 * (which may be NULL). Nothing in the library prints or exits.
 *
 * Indices: states, origins, values, flows, capacities are numbered from 0 in
 * declaration order. Steps: stocks exist at t = 0 .. T; step t (1 <= t <= T)
 * moves stocks from t-1 to t.
 */
#ifndef DEMOB_H
#define DEMOB_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DEMOB_VERSION "0.1.0"

/* ---------------------------------------------------------------- errors */

enum demob_status {
    DEMOB_OK = 0,
    DEMOB_EINPUT = -2,   /* bad input: the model or a value is invalid      */
    DEMOB_ERUN = -1,     /* the run failed (I/O, memory, a hook raised)     */
    DEMOB_EINTR = -3,    /* stopped before the end: a signal or a request to
                          * stop (the work done so far is kept)             */
};

/* The longest error message kept, with its NUL; longer ones are cut. */
#define DEMOB_MESSAGE_SIZE 1024

typedef struct demob_error {
    int status;          /* one of demob_status                            */
    char message[DEMOB_MESSAGE_SIZE];  /* names the file, line, origin, state or field */
} demob_error;

/* Sets err (if not NULL) and returns status. printf-style. */
int demob_error_set(demob_error *err, int status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* ------------------------------------------------------------ the model */

typedef struct demob_model demob_model;

typedef enum { DEMOB_DETERMINISTIC = 0, DEMOB_STOCHASTIC = 1 } demob_mode;
typedef enum { DEMOB_UNIT_MONTH = 0, DEMOB_UNIT_WEEK, DEMOB_UNIT_DAY } demob_unit;
typedef enum { DEMOB_SHARE_PROPORTIONAL = 0, DEMOB_SHARE_PRIORITY } demob_share;

/* A reference to a value slot: a named parameter or an anonymous constant.
 * Everything numeric that events, hooks or sweeps may change is a slot. */
typedef int demob_value;

demob_model *demob_model_new(void);
void demob_model_free(demob_model *m);

/* Scenario settings. start is "YYYY-MM" or "YYYY-MM-DD" or NULL (no dates). */
int demob_model_set_name(demob_model *m, const char *name, demob_error *err);
int demob_model_set_steps(demob_model *m, int steps, demob_error *err);
int demob_model_set_unit(demob_model *m, demob_unit unit, demob_error *err);
int demob_model_set_start(demob_model *m, const char *start, demob_error *err);
int demob_model_set_mode(demob_model *m, demob_mode mode, demob_error *err);
int demob_model_set_runs(demob_model *m, long runs, demob_error *err);
int demob_model_set_seed(demob_model *m, uint64_t seed, demob_error *err);

/* States. Returns the index (>= 0) or a negative status. */
int demob_model_add_state(demob_model *m, const char *name, demob_error *err);
/* People who entered fewer than k steps ago cannot leave (k >= 0). */
int demob_model_set_min_stay(demob_model *m, int state, int k, demob_error *err);
/* Everyone leaves after exactly k >= 1 steps to exit_state. */
int demob_model_set_duration(demob_model *m, int state, int k, int exit_state,
                             demob_error *err);

/* Origins and tags. */
int demob_model_add_origin(demob_model *m, const char *name, demob_error *err);
int demob_model_tag_origin(demob_model *m, int origin, const char *tag, demob_error *err);
int demob_model_set_initial(demob_model *m, int origin, int state, double count,
                            demob_error *err);
/* The initial stock is a value slot (a param a sweep may vary). */
int demob_model_set_initial_value(demob_model *m, int origin, int state, demob_value v,
                                  demob_error *err);

/* Resolves a name that designates origins: an origin name or a tag. Fills
 * out (capacity n_origins) and returns how many origins it names, or a
 * negative status when the name is neither. */
int demob_model_resolve_origins(const demob_model *m, const char *name, int *out,
                                demob_error *err);

/* Values. A parameter has a unique name and a default; lo/hi give the
 * plausible range used by sweeps (NaN when none). A constant is anonymous. */
demob_value demob_model_add_param(demob_model *m, const char *name, double def,
                                  double lo, double hi, demob_error *err);
demob_value demob_model_add_constant(demob_model *m, double v, demob_error *err);
/* The named parameter's slot, or a negative status if unknown. */
demob_value demob_model_find_param(const demob_model *m, const char *name);

/* Expressions: a value slot the engine recomputes at the start of every
 * step (after events and the hook, before arrivals and departures) from a
 * postfix program over the stocks at the start of the step, params, flow
 * counts and the step number. Every place that reads a slot (rates,
 * hazards, capacities, ceilings, arrivals, costs, budget refills) takes
 * one. Operators pop their operands (left first) and push one result;
 * comparisons give 1 or 0; IFELSE pops cond, a, b and gives a if cond != 0. */
typedef enum {
    DEMOB_X_CONST = 0,  /* x                                                   */
    DEMOB_X_VALUE,      /* slot a (a param; not another expression)            */
    DEMOB_X_TOTAL,      /* stocks of state a summed over origins (NULL: all)   */
    DEMOB_X_STOCK,      /* stock of state a in origins[0]                      */
    DEMOB_X_CUMULATIVE, /* people moved along flow a since t = 0, all origins  */
    DEMOB_X_MOVED,      /* people moved along flow a in the last step          */
    DEMOB_X_STEP,       /* the step under way, 1..T                            */
    DEMOB_X_OWN,        /* stock of state a in the origin the value is used for
                         * (a flow's link, arrivals, a cost): the expression is
                         * evaluated per origin                                 */
    DEMOB_X_ADD, DEMOB_X_SUB, DEMOB_X_MUL, DEMOB_X_DIV, DEMOB_X_POW, DEMOB_X_NEG,
    DEMOB_X_MIN, DEMOB_X_MAX, DEMOB_X_EXP, DEMOB_X_LOG, DEMOB_X_SQRT, DEMOB_X_ABS,
    DEMOB_X_CLAMP,      /* x, lo, hi                                           */
    DEMOB_X_LT, DEMOB_X_LE, DEMOB_X_GT, DEMOB_X_GE, DEMOB_X_EQ,
    DEMOB_X_IFELSE,     /* cond, a, b                                          */
    DEMOB_X_N_OPS
} demob_expr_op;

typedef struct demob_expr_node {
    demob_expr_op op;
    double x;            /* DEMOB_X_CONST                                   */
    int a;               /* slot, state or flow                             */
    const int *origins;  /* TOTAL (NULL, 0: all origins), STOCK (one)       */
    int n_origins;
} demob_expr_node;

/* Adds an expression slot. where ("file:line") prefixes its run-time
 * errors. Constant parts are folded (a division by a constant 0 is
 * refused). With nodes NULL and n 0 the program comes later, from
 * demob_model_set_expr (names a script may declare later). */
demob_value demob_model_add_expr(demob_model *m, const demob_expr_node *nodes, int n, const char *where,
                                 demob_error *err);
int demob_model_set_expr(demob_model *m, demob_value v, const demob_expr_node *nodes, int n, demob_error *err);
/* 1 if slot v is an expression. */
int demob_model_value_is_expr(const demob_model *m, demob_value v);
/* Writes the expression of slot v in readable form (after folding), then
 * " -- depends on: ..." into buf; returns the length it needed. */
int demob_model_expr_format(const demob_model *m, demob_value v, char *buf, size_t n);
int demob_model_expr_where(const demob_model *m, demob_value v, char *buf, size_t n);

/* Flows. origins == NULL (n_origins 0) means all origins. first/last give
 * the active window of steps (0, 0 means all steps). Returns the flow index. */
int demob_model_add_flow(demob_model *m, const char *name, int from, int to,
                         demob_value rate, const int *origins, int n_origins,
                         int first, int last, demob_error *err);
int demob_model_set_flow_enabled(demob_model *m, int flow, int enabled, demob_error *err);
/* The flow's value is a per-step hazard h >= 0 (h = +inf: everyone), its
 * rate 1 - e^-h, instead of a rate in [0, 1]. */
int demob_model_set_flow_hazard(demob_model *m, int flow, int on, demob_error *err);

/* Capacities: per-step limits shared by the flows that name them. */
int demob_model_add_capacity(demob_model *m, const char *name, demob_value per_step,
                             demob_share policy, demob_error *err);
/* Priority list entry: an origin (is_flow 0) or a flow (is_flow 1); each
 * call adds the next rank. A group (the origins of a tag) shares one rank:
 * its links share that rank's room proportionally. */
int demob_model_add_priority(demob_model *m, int capacity, int is_flow, int index,
                             demob_error *err);
int demob_model_add_priority_group(demob_model *m, int capacity, int is_flow, const int *index, int n,
                                   demob_error *err);
int demob_model_flow_use_capacity(demob_model *m, int flow, int capacity, demob_error *err);

/* Ceilings: occupancy of state, summed over the origins listed (NULL, 0 = all),
 * may not exceed the value. Returns the ceiling index. */
int demob_model_add_ceiling(demob_model *m, int state, const int *origins, int n_origins,
                            demob_value limit, demob_error *err);

/* Arrivals: per_step[t-1] people arrive in (origin, state) at step t, for t in
 * 1..n (n may be shorter than the run; missing steps mean 0), or a constant
 * per step when n == 0 and per_step == NULL (then `constant` is used). */
int demob_model_add_arrivals(demob_model *m, int origin, int state, demob_value constant,
                             const double *per_step, int n, demob_error *err);

/* Costs. origins NULL = all origins. category names the cost line. */
int demob_model_add_state_cost(demob_model *m, int state, const int *origins, int n_origins,
                               demob_value per_person_step, const char *category,
                               demob_error *err);
int demob_model_add_flow_cost(demob_model *m, int flow, const int *origins, int n_origins,
                              demob_value per_person, const char *category, demob_error *err);
/* A fixed cost per step; while_state >= 0 makes it apply only while that
 * state is occupied (total > 0 at the start of the step); first/last window. */
int demob_model_add_fixed_cost(demob_model *m, demob_value per_step, int while_state,
                               int first, int last, const char *category, demob_error *err);

/* Budgets: flows with a unit cost draw on them. */
int demob_model_add_budget(demob_model *m, const char *name, double initial,
                           demob_value refill_per_step, demob_error *err);
int demob_model_add_tranche(demob_model *m, int budget, int step, double amount,
                            demob_error *err);
/* The initial amount / a tranche's amount read from a param's value at the
 * start of each run (sweeps and --set vary it); not an expression. */
int demob_model_set_budget_initial_value(demob_model *m, int budget, demob_value v, demob_error *err);
int demob_model_add_tranche_value(demob_model *m, int budget, int step, demob_value v, demob_error *err);
/* The flow's movers cost unit_cost each and are paid from budget. */
int demob_model_flow_use_budget(demob_model *m, int flow, int budget, demob_value unit_cost,
                                demob_error *err);

/* Synchronised withdrawal: in each step, departures of group a (origins with
 * tag_a) along the listed flows may not exceed ratio times those of group b,
 * and vice versa. */
int demob_model_add_sync(demob_model *m, const char *tag_a, const char *tag_b, double ratio,
                         const int *flows, int n_flows, demob_error *err);

/* The step of a calendar date ("YYYY-MM" or "YYYY-MM-DD"): the first step
 * t >= 1 whose date (start + t units) is on or after it. Needs a start
 * date; the result is checked against the run length at freeze. */
int demob_model_step_of_date(const demob_model *m, const char *date, demob_error *err);

/* Timed events, applied at the start of step `step` (1..T). */
int demob_model_event_set_value(demob_model *m, int step, demob_value slot, double v,
                                demob_error *err);
int demob_model_event_set_flow(demob_model *m, int step, int flow, int enabled,
                               demob_error *err);
/* An event whose value is expression slot `expr`, evaluated once when it
 * fires (on the stocks at the start of that step); the values of all the
 * events of one step are computed before any is set. */
int demob_model_event_set_expr(demob_model *m, int step, demob_value slot, demob_value expr,
                               demob_error *err);
/* Marks expression slot v as an event's value only (a predicate event's,
 * computed by demob_sim_eval_expr): the pass of every step skips it. */
int demob_model_expr_for_event(demob_model *m, demob_value v, demob_error *err);

/* Checks that slot v may take value x: a finite number, in [0, 1] where it
 * is a rate, >= 0 where it is a capacity, ceiling, cost, arrival count or
 * budget refill. The message names the flow, capacity, state or cost. */
int demob_model_check_value(const demob_model *m, demob_value v, double x, demob_error *err);

/* Replaces a value's default (e.g. `--set name=value`) before freezing. */
int demob_model_set_default(demob_model *m, demob_value v, double def, demob_error *err);

/* Re-declaration (a scenario that extends another): the part keeps its
 * index and name and takes the new declaration's fields; what the old one
 * had and the new one does not say is dropped (a state's min_stay,
 * duration and ceilings; a flow's capacities, budget, hazard and switch; a
 * capacity's priority list; a budget's tranches). cost_supersede folds the
 * newest cost into an earlier one (index < before) of the same kind,
 * target and category, if any; returns the index the cost now has. */
int demob_model_reset_state(demob_model *m, int state, demob_error *err);
int demob_model_replace_flow(demob_model *m, int flow, int from, int to, demob_value rate,
                             const int *origins, int n_origins, int first, int last, demob_error *err);
int demob_model_reset_capacity(demob_model *m, int capacity, demob_value per_step,
                               demob_share policy, demob_error *err);
int demob_model_set_range(demob_model *m, demob_value v, double lo, double hi, demob_error *err);
int demob_model_reset_budget(demob_model *m, int budget, double initial,
                             demob_value refill_per_step, demob_error *err);
int demob_model_cost_supersede(demob_model *m, int cost, int before, demob_error *err);

/* Checks the whole model; after this it is read-only. */
int demob_model_freeze(demob_model *m, demob_error *err);

/* Read access (valid at any time). */
const char *demob_model_name(const demob_model *m);
int demob_model_steps(const demob_model *m);
demob_mode demob_model_mode(const demob_model *m);
long demob_model_runs(const demob_model *m);
uint64_t demob_model_seed(const demob_model *m);
int demob_model_n_states(const demob_model *m);
int demob_model_n_origins(const demob_model *m);
int demob_model_n_flows(const demob_model *m);
int demob_model_n_values(const demob_model *m);
int demob_model_n_capacities(const demob_model *m);
const char *demob_model_state_name(const demob_model *m, int s);
const char *demob_model_origin_name(const demob_model *m, int o);
const char *demob_model_flow_name(const demob_model *m, int f);
int demob_model_flow_from(const demob_model *m, int f);
int demob_model_flow_to(const demob_model *m, int f);
/* Value slots: name is NULL for constants. */
const char *demob_model_value_name(const demob_model *m, demob_value v);
double demob_model_value_default(const demob_model *m, demob_value v);
/* 1 when the value slot gives some origin's initial stock (a caseload:
 * rounded to whole people in stochastic mode). */
int demob_model_value_is_stock(const demob_model *m, demob_value v);
/* A param's declared range (min, max), NaN when it has none. */
void demob_model_value_range(const demob_model *m, demob_value v, double *lo, double *hi);
int demob_model_find_state(const demob_model *m, const char *name);
int demob_model_find_origin(const demob_model *m, const char *name);
int demob_model_find_flow(const demob_model *m, const char *name);
int demob_model_find_capacity(const demob_model *m, const char *name);
int demob_model_find_budget(const demob_model *m, const char *name);
/* Which value slot holds a capacity's limit / a ceiling's limit. */
demob_value demob_model_capacity_value(const demob_model *m, int c);
int demob_model_n_ceilings(const demob_model *m);
int demob_model_ceiling_state(const demob_model *m, int k);
demob_value demob_model_ceiling_value(const demob_model *m, int k);
/* For charts: a capacity's name, whether flow f draws on capacity c, and
 * whether ceiling k counts every origin (not only some origins or tags). */
const char *demob_model_capacity_name(const demob_model *m, int c);
int demob_model_flow_uses_capacity(const demob_model *m, int f, int c);
int demob_model_ceiling_all_origins(const demob_model *m, int k);
int demob_model_origin_has_tag(const demob_model *m, int o, const char *tag);
/* Cost categories, in order of first declaration. */
int demob_model_n_categories(const demob_model *m);
const char *demob_model_category_name(const demob_model *m, int c);
/* "YYYY-MM" / "YYYY-MM-DD" label of stock time t, or "" without a start. */
const char *demob_model_date(const demob_model *m, int t);
demob_unit demob_model_unit(const demob_model *m);
/* The units' names, indexed by demob_unit, then NULL: "month", "week", "day". */
extern const char *const demob_unit_names[];
int demob_model_n_budgets(const demob_model *m);
const char *demob_model_budget_name(const demob_model *m, int b);
/* Declared costs (state, flow and fixed costs). */
int demob_model_n_costs(const demob_model *m);
/* 1 when some cost of category c applies to origin o; o == n_origins asks
 * for fixed costs (which belong to no origin). */
int demob_model_cost_applies(const demob_model *m, int o, int c);
/* Links (valid once frozen): one per (flow, origin) pair the flow applies
 * to, numbered from 0 by origin, then the flow's from-state, then flow.
 * demob_sim_arrays lists movers in this order. */
int demob_model_n_links(const demob_model *m);
int demob_model_link_origin(const demob_model *m, int k);
int demob_model_link_flow(const demob_model *m, int k);

/* ------------------------------------------------------------- one run */

typedef struct demob_sim demob_sim;

/* A hook, called at the start of every step after the events (step 1..T).
 * It may read anything and write values, flow switches and arrivals. A
 * non-zero return stops the run with err filled in. */
typedef int (*demob_hook_fn)(void *ud, demob_sim *sim, int step, demob_error *err);

/* Allocates everything a run needs; nothing is allocated per step. */
demob_sim *demob_sim_new(const demob_model *m, demob_error *err);
void demob_sim_free(demob_sim *s);
const demob_model *demob_sim_model(const demob_sim *s);
void demob_sim_set_hook(demob_sim *s, demob_hook_fn fn, void *ud);

/* Starts run `run` (1-based): stocks at t = 0, random stream from
 * (model seed, run) only. values: n_values slots to start from instead of
 * the defaults (sweep points), or NULL. */
int demob_sim_reset(demob_sim *s, long run, const double *values, demob_error *err);
/* Applies the next step. Returns 0, or a negative status. */
int demob_sim_step(demob_sim *s, demob_error *err);
int demob_sim_time(const demob_sim *s);   /* stocks are at this t */
long demob_sim_run_index(const demob_sim *s);

/* Reads. Counts are doubles (exact in stochastic mode below 2^53). */
double demob_sim_stock(const demob_sim *s, int origin, int state);
double demob_sim_state_total(const demob_sim *s, int state);
double demob_sim_origin_total(const demob_sim *s, int origin);
double demob_sim_total(const demob_sim *s);
/* People moved along flow f for origin o during the last step / since t=0. */
double demob_sim_moved(const demob_sim *s, int origin, int flow);
double demob_sim_cumulative(const demob_sim *s, int origin, int flow);
/* Cost in category c for origin o (o == n_origins: fixed costs) in the
 * last step / since t = 0. */
double demob_sim_cost(const demob_sim *s, int origin, int category);
double demob_sim_cost_cumulative(const demob_sim *s, int origin, int category);
double demob_sim_cost_total(const demob_sim *s);
double demob_sim_budget_balance(const demob_sim *s, int budget);
/* Money flows wanted to spend in the last step but could not. */
double demob_sim_funding_gap(const demob_sim *s, int budget);
/* The largest total of a state at any stock time so far (t = 0 included). */
double demob_sim_state_peak(const demob_sim *s, int state);
/* Everyone who arrived from outside since t = 0 (declared and hook
 * arrivals; initial stocks are not arrivals). */
double demob_sim_arrived(const demob_sim *s);

/* Whole arrays at once, for writers of every cell at every step (output
 * files): pointers into the run's own buffers, read-only. They stay valid
 * as long as the sim; their contents are those of the current stock time
 * and change with every demob_sim_reset and demob_sim_step. Counts are in
 * the *_i arrays in stochastic mode (the *_d ones are NULL) and in the *_d
 * arrays in deterministic mode (the *_i ones are NULL).
 *   stock_*   [n_origins * n_states]  cell = origin * n_states + state
 *   arrive_*  [n_origins * n_states]  arrivals from outside in the last
 *                                     step (meaningless at t = 0)
 *   moved_*   [n_links]               movers along each link in the last
 *                                     step (demob_model_link_*)
 *   cost      [(n_origins + 1) * n_categories]  the last step's costs,
 *             origin * n_categories + category; row n_origins: fixed costs
 *   balance, spent, gap  [n_budgets]  after the last step */
typedef struct demob_sim_arrays {
    int stochastic;
    const int64_t *stock_i;  const double *stock_d;
    const int64_t *arrive_i; const double *arrive_d;
    const int64_t *moved_i;  const double *moved_d;
    const double *cost;
    const double *balance, *spent, *gap;
} demob_sim_arrays;
void demob_sim_get_arrays(const demob_sim *s, demob_sim_arrays *out);

/* Writes (from hooks). */
double demob_sim_value(const demob_sim *s, demob_value v);
int demob_sim_set_value(demob_sim *s, demob_value v, double x, demob_error *err);
/* The value of expression slot v on the stocks the sim holds, as read in
 * step t (the step under way); an error (naming the declaration's line)
 * when it is NaN or infinite. */
int demob_sim_eval_expr(demob_sim *s, demob_value v, int t, double *out, demob_error *err);
int demob_sim_flow_enabled(const demob_sim *s, int flow);
void demob_sim_set_flow_enabled(demob_sim *s, int flow, int enabled);
/* Extra arrivals for the current step (call from a hook). */
int demob_sim_add_arrivals(demob_sim *s, int origin, int state, double count, demob_error *err);

/* Copies the whole state of run src (stocks, cohorts, arrivals, values and
 * flow switches, cumulative flows, costs, budgets, events, expression
 * caches and the random stream) into dst, a sim of the same model, so that
 * stepping dst goes on exactly as stepping src would. dst keeps its own
 * hook (a hook's own state, such as Lua globals, is not part of a sim and
 * is not copied). For particle filters: resample by copying, then reseed.
 * The state lies in one block per sim: a copy is one memcpy of it (a few
 * hundred bytes for a small model) and a few scalars, no allocation. */
int demob_sim_copy(demob_sim *dst, const demob_sim *src, demob_error *err);
/* Gives the sim the random stream (model seed, stream), from its current
 * state on. */
void demob_sim_reseed(demob_sim *s, uint64_t stream);

/* The run's own random stream. */
double demob_sim_random(demob_sim *s);              /* uniform in [0, 1) */
int64_t demob_sim_binomial(demob_sim *s, int64_t n, double p);

/* Constraints: capacities, ceilings, budgets, then synchronised
 * withdrawals, numbered from 0. kind: "capacity", "ceiling", "budget",
 * "sync"; name: the capacity, the capped state, the budget, or the first
 * group of a sync (name2: its second group; "" for the others). */
int demob_model_n_constraints(const demob_model *m);
const char *demob_model_constraint_kind(const demob_model *m, int k);
const char *demob_model_constraint_name(const demob_model *m, int k);
const char *demob_model_constraint_name2(const demob_model *m, int k);
/* The last step's people wanted through constraint k (before its cut),
 * allowed (a capacity's limit, a ceiling's room after departures, the
 * people a budget could pay, a sync's bound) and cut by it; and the steps
 * of this run in which it cut anyone (it bound). */
void demob_sim_constraint(const demob_sim *s, int k, double *want, double *allowed, double *cut);
long demob_sim_constraint_bound(const demob_sim *s, int k);

/* Warnings about a frozen model that is valid but likely not meant:
 * flows that can never move anyone, origins no flow covers, states
 * nothing can reach, capacities no flow names, params nothing uses. fn is
 * called with each message; hooks != 0 says Lua hooks may add people or
 * read params (the messages say so). Returns the number of warnings, or
 * -1 when out of memory. */
typedef void (*demob_lint_fn)(void *ud, const char *message);
int demob_model_lint(const demob_model *m, int hooks, demob_lint_fn fn, void *ud);

#ifdef __cplusplus
}
#endif
#endif
