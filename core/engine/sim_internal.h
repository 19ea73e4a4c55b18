/* sim_internal.h - the layout of one run (demob_sim), private to the engine
 * (step.c, share.c; output reads it through demob_sim_get_arrays). Stocks are
 * contiguous, cell = origin * n_states + state; every buffer is allocated
 * once in demob_sim_new, nothing per step; those a later step reads lie in
 * one block (state), which is what a copy copies. Stochastic mode uses the int64
 * arrays (*_i), deterministic mode the double arrays (*_d). */
#ifndef DEMOB_SIM_INTERNAL_H
#define DEMOB_SIM_INTERNAL_H
#include <stdint.h>

#include "binomial.h"
#include "model_internal.h"
#include "rng.h"

/* What a source cell needs to draw its departures, recomputed only when a
 * rate or switch of one of its flows changes. */
typedef struct cell_cache {
    int n_active;        /* active links (rate > 0, switched on, in window) */
    unsigned char forced;   /* the cell is a fixed-duration state's exit    */
    unsigned char equal;    /* stochastic: rate-1 links, everyone split equally */
    double p_leave;      /* 1 - exp(-H)                                     */
    binomial_p leave;    /* prepared for p_leave                            */
} cell_cache;

/* Stochastic models with more cells than this walk only the occupied cells
 * (occ_bits) in their draws and totals; smaller ones walk every cell,
 * which costs less there. Both give the same draws. */
#define SPARSE_CELLS 256

struct demob_sim {
    const demob_model *m;
    char *state;                              /* one block holding the buffers
                                               * demob_sim_copy copies (step.c's
                                               * state_layout lists them) */
    size_t state_size;
    int stochastic;
    int n_o, n_s, n_cells, n_links;
    int t;
    long run;
    rng rng;

    /* stocks and cohorts */
    int64_t *stock_i;    double *stock_d;     /* [n_cells] */
    int *cohort_off;                          /* [n_s]: offset in an origin's cohort block */
    int cohort_block;                         /* sum of cohorts over states */
    int64_t *locked_i;   double *locked_d;    /* [n_o * cohort_block] */
    int64_t *locksum_i;  double *locksum_d;   /* [n_cells] */
    int64_t *arrive_i;   double *arrive_d;    /* [n_cells] this step's arrivals */
    int any_arrivals;                         /* some arrive_* entry may be non-zero */
    double *initial;                          /* [n_cells] this run's stocks at t = 0 */
    uint64_t *occ_bits;                       /* stochastic: [n_cells / 64 + 1], a cell's
                                               * bit is set when its stock may be > 0 (a
                                               * clear bit: the stock is 0); the steps walk
                                               * these cells only */
    int64_t *state_i;                         /* [n_s] scratch: state totals, kept 0 */
    uint64_t *state_bits;                     /* [n_s / 64 + 1] scratch: states seen, kept 0 */
    double total;                             /* everyone, for the conservation check */
    int64_t total_i, now_i, arrived_i;        /* the same, exact, in stochastic mode */
    double arrived_cum;

    /* values and switches */
    double *val;                              /* [n_values] */
    unsigned char *flow_on;                   /* [n_flows] switch */
    unsigned char *flow_live;                 /* [n_flows] on, in window, rate > 0 */
    double *flow_h;                           /* [n_flows] hazard (INFINITY: rate 1) */
    double *flow_rate;                        /* [n_flows] the rate flow_h was computed from */
    unsigned char *flow_dirty;                /* [n_flows] */
    int any_dirty;
    int **value_flows; int *value_n_flows;    /* flows whose rate is slot v */
    int event_next;

    /* departures */
    cell_cache *cache;                        /* [n_sources] */
    int cache_valid;                          /* cache agrees with flow_live and flow_h */
    int *active;                              /* [2 n_links + 2]: active links per source
                                               * range, then a scratch list (syncs) */
    binomial_p *cond;                         /* [n_links] conditional split */
    double *share;                            /* [n_links] deterministic share */
    int64_t *want_i;     double *want_d;      /* [n_links] desired movers */
    int64_t *move_i;     double *move_d;      /* [n_links] allowed movers */
    int64_t *cut_i;      double *cut_d;       /* [n_links] scratch for sharing */
    double *cum;                              /* [n_links] cumulative movers */
    int *touched; int n_touched;              /* stochastic: links with movers this step,
                                               * in link order (all others want and move 0) */
    int next_window;                          /* next step a flow's window opens or closes */
    int *scratch;                             /* [2 n_links + 2]: sharing order, then
                                               * a scratch list (syncs, ceilings) */
    int64_t *rem_scratch;                     /* [n_links] */

    /* ceilings (the lists are the model's): which to look at in this
     * round and in the next, bitsets of n_ceilings bits */
    uint64_t *ceil_now, *ceil_next;
    int ceil_settled;                         /* the ceiling whose own cut settled it, or -1 */
    int **budget_links; int *budget_n_links;
    double **budget_cut, **budget_kept;       /* per budget link: movers money cut,
                                               * movers it kept (apply_budgets) */

    /* costs and budgets */
    int n_cat;
    double *cost_step;                        /* [(n_o + 1) * n_cat] */
    double *cost_cum;
    double *balance, *gap, *spent;            /* [n_budgets] */
    double *peak;                             /* [n_s] peak state totals */
    unsigned char *occupied;                  /* [n_s] occupied at the step's start */

    demob_hook_fn hook;
    void *hook_ud;

    /* expressions (expr.c) */
    double *expr_stack;                       /* [model->expr_depth] */
    unsigned long val_epoch;                  /* bumped when a value may have changed */
    unsigned long *expr_seen;                 /* [n_exprs]: val_epoch of the last evaluation */
    double *event_x;                          /* [n_events]: values of a step's events */
    int *slot_po;                             /* [n_values]: row of a per-origin
                                               * expression in oval, or -1 */
    double *oval;                             /* [model->n_po * n_o] per-origin values */
    double *link_h;                           /* [n_links] rebuild_cell's hazards */
    struct leave_memo *memo;                  /* [LEAVE_MEMO] or NULL (models
                                               * without expressions) */

    /* Constraint diagnostics (constraints.c): per constraint, capacities,
     * ceilings, budgets then syncs, the people the step wanted to move
     * through it, what it allowed, what it cut; steps it cut this run. */
    int n_con;
    double *con_want, *con_allow, *con_cut;   /* [n_con] (last step) */
    long *con_bound;                          /* [n_con] */
};

/* constraints.c: filled where each constraint cuts (step.c). */
int model_con_alloc(demob_sim *s);
void model_con_free(demob_sim *s);
void model_con_reset(demob_sim *s);
void model_con_begin_step(demob_sim *s);
/* Index of the first capacity / ceiling / budget / sync constraint. */
int model_con_first_ceiling(const demob_sim *s);
int model_con_first_budget(const demob_sim *s);
int model_con_first_sync(const demob_sim *s);
/* Constraint k: want < 0 keeps the first value of the step (ceilings and
 * syncs are passed over several times); allow replaces; cut adds. */
void model_con_note(demob_sim *s, int k, double want, double allow, double cut);
void model_con_end_step(demob_sim *s);

/* A cell's total hazard H and what rebuild_cell computes from it alone
 * (p = 1 - e^-H and its binomial constants): expression rates revisit the
 * same few H values (an SIR model's infection hazard takes one value per
 * count of infected), so the sim remembers them. */
#define LEAVE_MEMO 512
struct leave_memo {
    double H;        /* NaN: empty */
    double p_leave;
    binomial_p leave;
};

/* share.c: cutting desired movers down to a limit. `links` lists the
 * link indices sharing the limit, in tie-break order; `want` the desired
 * counts; `out` receives each link's share (indexed by link). */
void share_proportional_i(const int *links, int n, const int64_t *want, int64_t limit, int64_t *out,
                          int64_t *rem_scratch, int *order_scratch);
void share_proportional_d(const int *links, int n, const double *want, double limit, double *out);
/* Priority: links grouped by rank (the capacity's list, in order, then the
 * links it does not name); each rank is filled in turn, proportionally
 * within itself, from what the ranks before it left. */
void share_priority_i(const int *links, const int *rank, int n, const int64_t *want, int64_t limit, int64_t *out,
                      int64_t *rem_scratch, int *order_scratch);
void share_priority_d(const int *links, const int *rank, int n, const double *want, double limit, double *out);

/* share_limits.c: the cuts of a step, in this order (docs/model.md). */
void share_apply_capacities(demob_sim *s);
void share_apply_budgets(demob_sim *s);        /* sets the gaps ...        */
void share_apply_limits(demob_sim *s);         /* ceilings and syncs       */
void share_settle_gaps(demob_sim *s);          /* ... settled after those  */

static inline double cell_count(const demob_sim *s, int cell)
{
    return s->stochastic ? (double)s->stock_i[cell] : s->stock_d[cell];
}

static inline double link_move(const demob_sim *s, int l)
{
    return s->stochastic ? (double)s->move_i[l] : s->move_d[l];
}

#endif
