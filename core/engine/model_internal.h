/* model_internal.h - the layout of a demob_model, shared by the files of the
 * core that build it (model.c), check and compile it (model_freeze.c) and
 * run it (step.c, share.c). Private to core/engine/: the other layers use
 * include/demob.h. */
#ifndef DEMOB_MODEL_INTERNAL_H
#define DEMOB_MODEL_INTERNAL_H
#include <stdint.h>
#include "demob.h"

/* Stocks above this are refused in stochastic mode: the binomial sampler is
 * exact for n <= 2^62 and sums of stocks must not overflow int64. */
#define DEMOB_MAX_COUNT 4611686018427387904.0 /* 2^62 */

typedef struct value_slot {
    char *name;          /* NULL for anonymous constants */
    double def, lo, hi;  /* lo/hi NaN when no range */
    int expr;            /* index in model->exprs, or -1 */
} value_slot;

/* An expression slot (expr.c): a postfix program, folded. */
typedef struct expr_ins {
    int op;                  /* demob_expr_op */
    int a;                   /* slot, state or flow */
    int off, n;              /* TOTAL / STOCK: origins[off .. off + n) (n 0: all) */
    double x;                /* CONST */
    int imm;                 /* exec only: a binary op whose right operand is
                              * the leaf op imm - 1 with the fields above */
} expr_ins;

enum expr_role {             /* where the slot is read (set at freeze) */
    EXPR_RATE = 1, EXPR_HAZARD = 2, EXPR_CAPACITY = 4, EXPR_CEILING = 8,
    EXPR_ARRIVALS = 16, EXPR_COST = 32, EXPR_REFILL = 64,
    EXPR_EVENT = 128         /* an event's value: evaluated when it fires,
                              * not in the pass of every step */
};

typedef struct expr_def {
    demob_value slot;
    expr_ins *prog;          /* folded, for printing */
    int n;                   /* 0: not set yet */
    expr_ins *exec;          /* prog with leaf right operands fused into
                              * their operators: what runs */
    int n_exec;
    int *origins;            /* origin lists of TOTAL / STOCK */
    int n_origins;
    char *where;             /* "file:line" or "" */
    int roles;               /* expr_role bits */
    int event;               /* an event's value (demob_model_expr_for_event) */
    int per_origin;          /* reads OWN: evaluated for each origin where it
                              * is used (set at freeze:) */
    int po;                  /* its row in the sim's per-origin values, or -1 */
    int *po_origins;         /* the origins it is evaluated for */
    int n_po_origins;
    int depth;               /* stack the program needs */
    int chain;               /* exec is one leaf, then only binary operators
                              * with their right operand inside: evaluated
                              * in a register, without the stack */
    int dynamic;             /* reads stocks, flows or the step (else params
                              * and numbers only: recomputed only when a
                              * value changed) */
} expr_def;

typedef struct state_def {
    char *name;
    int min_stay;        /* 0: none */
    int duration;        /* 0: none; else everyone leaves after k steps */
    int exit_state;      /* with duration */
    int cohorts;         /* steps of entry cohorts tracked: max(min_stay, duration) */
} state_def;

typedef struct origin_def {
    char *name;
    char **tags;
    int n_tags;
} origin_def;

typedef struct flow_def {
    char *name;
    int from, to;
    demob_value rate;
    unsigned char *applies;  /* per origin: 1 if the flow applies */
    int first, last;         /* active window (1..T), inclusive */
    int enabled;             /* initial switch */
    int *caps;
    int n_caps;
    int budget;              /* -1: none */
    demob_value unit_cost;   /* with budget */
    int forced;              /* the exit of a fixed-duration state */
    int hazard;              /* the value is a hazard h >= 0, rate 1 - e^-h */
} flow_def;

typedef struct prio_entry {
    int is_flow;
    int index;
    int rank;                /* entries of one group (a tag) share a rank */
} prio_entry;

typedef struct capacity_def {
    char *name;
    demob_value limit;
    demob_share policy;
    prio_entry *prio;
    int n_prio;
    int n_ranks;
} capacity_def;

typedef struct ceiling_def {
    int state;
    int *origins;            /* the origins it caps together, ascending;
                              * NULL: every origin (also those declared
                              * later). A list, not a mask: one ceiling per
                              * origin costs memory linear in the origins. */
    int n_origins;
    demob_value limit;
} ceiling_def;

typedef struct arrivals_def {
    int origin, state;
    demob_value constant;    /* used when per_step is NULL */
    double *per_step;        /* [n] for steps 1..n */
    int n;
} arrivals_def;

enum cost_kind { COST_STATE, COST_FLOW, COST_FIXED };

typedef struct cost_def {
    enum cost_kind kind;
    int target;              /* state, flow, or while_state (-1) for fixed */
    unsigned char *applies;  /* per origin; NULL for fixed */
    demob_value amount;
    int category;
    int first, last;         /* fixed costs: window */
} cost_def;

typedef struct tranche {
    int step;
    double amount;
    demob_value value;       /* >= 0: the amount is this param's value */
} tranche;

typedef struct budget_def {
    char *name;
    double initial;
    demob_value initial_value; /* >= 0: the initial amount is this param's value */
    demob_value refill;
    tranche *tranches;
    int n_tranches;
} budget_def;

typedef struct sync_def {
    char *tag_a, *tag_b;
    double ratio;
    unsigned char *in_a, *in_b;   /* per origin */
    unsigned char *flows;         /* per flow: 1 if it counts */
    int n_flows_sized;            /* flows when declared (grown at freeze) */
} sync_def;

enum event_kind { EVENT_VALUE, EVENT_FLOW };

typedef struct event_def {
    int step;
    enum event_kind kind;
    int index;               /* value slot or flow */
    double value;            /* EVENT_VALUE */
    int expr;                /* EVENT_VALUE: expression slot giving the
                              * value when the event fires, or -1 */
    int enabled;             /* EVENT_FLOW */
} event_def;

/* Compiled at freeze: a link is one (flow, origin) pair the flow applies
 * to. Links are grouped by source cell (origin, from-state) so the engine
 * walks each cell's ways out together (competing risks). */
typedef struct link {
    int flow, origin, from, to;
    int cell_from, cell_to;  /* origin * n_states + state */
    int budget;
    int first_cap, n_caps;   /* range in model->link_caps */
} link;

typedef struct source_cell {
    int cell;                /* origin * n_states + state */
    int first_link, n_links; /* range in model->links */
} source_cell;

/* A name -> index hash (model_names.c); keys are the model's own names. */
typedef struct model_names {
    const char **keys;
    int *vals;
    size_t cap, n;
} model_names;

/* The index of name, or -1. */
int model_names_find(const model_names *t, const char *name);
/* Adds name (not already there) -> val; 0, or -1 out of memory. */
int model_names_put(model_names *t, const char *name, int val);
void model_names_free(model_names *t);

struct demob_model {
    char *name;
    int steps;
    demob_unit unit;
    int start_year, start_month, start_day;  /* start_year 0: no dates */
    int start_has_day;
    demob_mode mode;
    long runs;
    uint64_t seed;
    int frozen;
    const char *mask_user;   /* what first stored a per-origin mask (origins
                              * cannot be added after it), or NULL */

    state_def *states;   int n_states, cap_states;
    origin_def *origins; int n_origins, cap_origins;
    value_slot *values;  int n_values, cap_values;
    flow_def *flows;     int n_flows, cap_flows;
    capacity_def *caps;  int n_caps, cap_caps;
    ceiling_def *ceilings; int n_ceilings, cap_ceilings;
    arrivals_def *arrivals; int n_arrivals, cap_arrivals;
    cost_def *costs;     int n_costs, cap_costs;
    char **categories;   int n_categories, cap_categories;
    budget_def *budgets; int n_budgets, cap_budgets;
    sync_def *syncs;     int n_syncs, cap_syncs;
    event_def *events;   int n_events, cap_events;
    expr_def *exprs;     int n_exprs, cap_exprs;
    int expr_depth;      /* the largest stack any expression needs */
    int n_po;            /* per-origin expressions (set at freeze) */
    unsigned step_uses;  /* STEP_* bits (set at freeze): the stages of a step
                          * the model needs; the others are skipped */
    /* Name indexes: origin, tag (-> an origin that has it), state, flow and
     * param names. */
    model_names origin_names, tag_names, state_names, flow_names, param_names;
    struct initial_def { int origin, state; double count; demob_value slot; int next; } *initials;
                         /* slot -1: count; next: the origin's previous
                          * initial, or -1 */
    int n_initials, cap_initials;
    int *initial_last;   /* [n_initial_last]: per origin, its last initial or -1 */
    int n_initial_last;

    /* Compiled by demob_model_freeze. */
    link *links;         int n_links;
    source_cell *sources; int n_sources;
    int *source_of;      /* [n_origins * n_states]: the cell's source, or -1 */
    int *link_caps;      /* capacity indices, per link ranges */
    int *link_of;        /* [flow * n_origins + origin]: link index or -1 */
    int **cap_links;     /* per capacity: its links, flow then origin order;
                          * priority capacities: sorted by rank, stably */
    int **cap_rank;      /* priority capacities: each link's rank (the first
                          * matching priority entry; n_prio if none); else NULL */
    int *cap_n_links;
    double *initial;     /* [n_origins * n_states] stocks at t = 0 */
    /* Ceilings (model_ceilings.c), compressed lists: the ceilings capping
     * each cell, and each ceiling's links leaving and entering its cells. */
    int *cell_ceil_first, *cell_ceil;   /* [n_cells + 1], then the ceilings */
    int *ceil_out_first, *ceil_out;     /* [n_ceilings + 1], links in link order */
    int *ceil_in_first, *ceil_in;       /* [n_ceilings + 1], links in the order
                                         * entries are cut; ~l: a forced exit */
    unsigned char *stable_exit;         /* [n_links]: into no capped cell, along
                                         * a flow no sync constrains */
    char **dates;        /* [steps + 1] date labels */
};

/* The stages of a step that only some models need (model->step_uses). */
enum step_use {
    STEP_COHORTS = 1,    /* a state with min_stay or duration */
    STEP_EVENTS = 2,     /* timed events */
    STEP_BUDGETS = 4,    /* budgets: refills, tranches, spending */
    STEP_ARRIVALS = 8,   /* model arrivals */
    STEP_CAPS = 16,      /* capacities */
    STEP_LIMITS = 32,    /* ceilings or syncs */
    STEP_COSTS = 64      /* costs or budgets */
};

/* expr.c: expressions. */
void model_expr_free(demob_model *m);
/* At freeze: every expression has a program; sets their roles. */
int model_expr_freeze(demob_model *m, demob_error *err);

/* model_ceilings.c: the ceiling lists above, at freeze. */
int model_ceilings_compile(demob_model *m, demob_error *err);
void model_ceilings_free(demob_model *m);
/* Origin i of ceiling k's origins (its list, or every origin). */
static inline int model_ceiling_origin(const demob_model *m, int k, int i)
{
    return m->ceilings[k].origins ? m->ceilings[k].origins[i] : i;
}
static inline int model_ceiling_n_origins(const demob_model *m, int k)
{
    return m->ceilings[k].origins ? m->ceilings[k].n_origins : m->n_origins;
}

/* Grows *array (of elem-sized items, *cap of them) to hold n + 1. */
int model_grow(void *array_ptr, int *cap, int n, size_t elem);

#endif
