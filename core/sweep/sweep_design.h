/* sweep_design.h - the designs of a parameter sweep: what to vary (a spec,
 * from the scenario's sweep{} or the command line) and the points it gives
 * (a design: a matrix of parameter values, one row per point).
 *
 * A spec has up to three blocks, and the design is their product:
 *   points   explicit rows (a Lua list or a CSV file), one point each;
 *   grid     a full factorial: every combination of each factor's levels;
 *   samples  N points drawn jointly over the sampled factors, each either
 *            Latin hypercube (stratified) or plain random, from uniform,
 *            normal, lognormal, triangular or discrete distributions.
 * Point p = (row * G + g) * S + s: explicit rows slowest, then the grid
 * (first factor slowest, last fastest), then the samples. Columns: the
 * explicit columns, then the factors in the order they were added.
 *
 * Sampling is seeded: factor k draws from the stream (seed, 2^64 - 1 - k),
 * which no run uses (runs use 1 .. points x replicates), so a design never
 * depends on workers, shards or time. Sampled values are rounded to 12
 * significant digits, the precision of the CSV files, so that points.csv
 * holds exactly the values the runs used.
 *
 * Ownership: a spec and a design own all their memory (names copied);
 * free them with sweep_spec_free / sweep_design_free. Errors are returned
 * as DEMOB_EINPUT with a message naming the option, factor or file:line:column.
 */
#ifndef DEMOB_SWEEP_DESIGN_H
#define DEMOB_SWEEP_DESIGN_H
#include <stdint.h>

#include "demob.h"

typedef enum { DIST_UNIFORM, DIST_NORMAL, DIST_LOGNORMAL, DIST_TRIANGULAR, DIST_DISCRETE, DIST_BETA } sweep_dist_kind;

typedef struct sweep_dist {
    sweep_dist_kind kind;
    /* uniform: min, max; normal: mean, sd; lognormal: mu, sigma (of the
     * log); triangular: min, mode, max; beta: alpha, beta (on [0, 1]). */
    double a, b, c;
    /* Truncation of normal, lognormal and beta to [lo, hi] (-inf, inf:
     * none). */
    double lo, hi;
    /* Discrete: n values, their cumulative weights (the last is 1). */
    double *values, *cum;
    int n;
} sweep_dist;

typedef enum { FACTOR_GRID, FACTOR_LHS, FACTOR_RANDOM } sweep_factor_kind;

typedef struct sweep_factor {
    char *name;
    sweep_factor_kind kind;
    double *levels;      /* grid */
    int n_levels;
    sweep_dist dist;     /* lhs, random */
    int use_param_range; /* 1: uniform over the param's declared [min, max],
                          * until sweep_spec_resolve_range fills dist in */
} sweep_factor;

typedef struct sweep_spec {
    sweep_factor *factors;
    int n_factors, cap_factors;
    long samples;          /* > 0 when set */
    long replicates;       /* > 0 when set */
    int has_seed;
    uint64_t seed;
    /* Explicit points: n_rows x n_cols values, row-major. */
    char **pt_names;
    int n_cols;
    double *pt_values;
    long n_rows;
} sweep_spec;

void sweep_spec_init(sweep_spec *s);
void sweep_spec_free(sweep_spec *s);
/* 1 if the spec has any block (points, grid or sampled factors). */
int sweep_spec_has_design(const sweep_spec *s);
/* Drops the blocks (points and factors), keeping samples, replicates, seed. */
void sweep_spec_clear_design(sweep_spec *s);

/* Adds a grid factor; `what` names it in messages (e.g. "--grid"). Levels
 * must be finite and distinct. */
int sweep_spec_add_grid(sweep_spec *s, const char *what, const char *name, const double *levels, int n,
                        demob_error *err);
/* Adds a sampled factor (kind FACTOR_LHS or FACTOR_RANDOM); d is checked
 * (min <= max, sd >= 0, ...) and taken over (its arrays now belong to s). */
int sweep_spec_add_sampled(sweep_spec *s, const char *what, const char *name, sweep_factor_kind kind,
                           sweep_dist *d, demob_error *err);
/* A sampled factor over the param's declared range, resolved later by
 * sweep_spec_resolve_range. */
int sweep_spec_add_param_range(sweep_spec *s, const char *what, const char *name, sweep_factor_kind kind,
                               demob_error *err);
/* Gives the factor its range (min, max) from the param's declaration. */
int sweep_spec_resolve_range(sweep_spec *s, int factor, double lo, double hi, demob_error *err);
/* Gives the factor the param's declared distribution (copied). */
int sweep_spec_resolve_dist(sweep_spec *s, int factor, const sweep_dist *d, demob_error *err);
/* Sets the explicit points (copied). Column names must be distinct. */
int sweep_spec_set_points(sweep_spec *s, const char *what, const char *const *names, int n_cols,
                          const double *values, long n_rows, demob_error *err);

/* Parses "name=v1,v2,..." (--grid). */
int sweep_parse_grid(sweep_spec *s, const char *arg, demob_error *err);
/* Parses "name=SPEC" (--lhs, --random: kind FACTOR_LHS / FACTOR_RANDOM),
 * SPEC one of
 *   lo:hi | uniform:lo:hi
 *   normal:mean:sd[:lo:hi]        (truncated to [lo, hi] when given)
 *   lognormal:mu:sigma[:lo:hi]    (mu, sigma of the log)
 *   triangular:lo:mode:hi
 *   beta:alpha:beta[:lo:hi]       (on [0, 1], truncated to [lo, hi])
 *   discrete:v1:v2:...            (each v may be v@weight)
 * or just "name": the param's declared [min, max]. */
int sweep_parse_sampled(sweep_spec *s, const char *opt, sweep_factor_kind kind, const char *arg,
                        demob_error *err);
/* Parses a distribution SPEC as above into d (what names it in messages). */
int sweep_parse_dist(const char *what, const char *spec, sweep_dist *d, demob_error *err);
/* Checks a distribution's parameters and prepares it (normalises discrete
 * weights). what names it in messages. */
int sweep_dist_check(const char *what, sweep_dist *d, demob_error *err);
void sweep_dist_free(sweep_dist *d);
/* Reads explicit points from a CSV file: a header of param names (an
 * optional "point" column is ignored), one row per point, every cell a
 * number. Errors name path:line:column. */
int sweep_points_read_csv(sweep_spec *s, const char *path, demob_error *err);

/* The value of the distribution at probability u in (0, 1) (its inverse
 * cumulative distribution function). */
double sweep_dist_quantile(const sweep_dist *d, double u);
/* The standard normal inverse CDF (Wichura's AS 241, about 1e-16). */
double sweep_norm_quantile(double u);

/* sweep_dist.c. The log-density of d at x (log-probability for discrete),
 * normalised over the truncation [lo, hi], -inf outside the support. This
 * is a param's log-prior. */
double sweep_dist_logpdf(const sweep_dist *d, double x);
/* The cumulative probabilities of the truncation bounds of a normal,
 * lognormal (on the normal scale) or beta. */
void sweep_dist_trunc_probs(const sweep_dist *d, double *plo, double *phi);
/* The beta(a, b) CDF (regularised incomplete beta) and its inverse. */
double sweep_beta_cdf(double x, double a, double b);
double sweep_beta_quantile(double p, double a, double b);
/* A deep copy (discrete arrays duplicated). */
int sweep_dist_copy(sweep_dist *dst, const sweep_dist *src, demob_error *err);
/* "uniform", "normal", ... */
const char *sweep_dist_name(sweep_dist_kind k);

typedef struct sweep_design {
    int n_params;
    char **names;        /* [n_params] */
    long n_points;
    double *x;           /* [n_points * n_params], row-major */
} sweep_design;

/* Builds the design. Fails with DEMOB_EINPUT if the spec has no block,
 * sampled factors lack a sample count (or a count without sampled
 * factors), a name appears twice, or the product is empty or too large. */
int sweep_design_build(const sweep_spec *s, uint64_t seed, sweep_design *d, demob_error *err);
void sweep_design_free(sweep_design *d);
/* Value of param k at point p. */
static inline double sweep_design_at(const sweep_design *d, long p, int k)
{
    return d->x[(size_t)p * (size_t)d->n_params + (size_t)k];
}

/* Rounds to 12 significant digits (the %.12g of the CSV files). */
double sweep_round12(double v);

#endif
