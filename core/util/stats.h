/* stats.h - the statistics of a sweep's derived files: mean, sd and
 * quantiles across replicates (quantiles.csv), and rank-based sensitivity
 * (sensitivity.csv): Spearman's rank correlation and the partial rank
 * correlation coefficient (PRCC) of each param with an outcome.
 *
 * Definitions (so that numbers can be checked by hand):
 *   sd        sample standard deviation (n - 1 denominator; 0 when n = 1);
 *   quantile  type 7 of Hyndman and Fan (1996), the default of R and numpy:
 *             h = (n - 1) p, x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h])
 *             over the sorted values;
 *   ranks     1..n, ties get the mean of the ranks they span (mid-ranks);
 *   Spearman  Pearson correlation of the ranks;
 *   PRCC      correlation of param i's ranks with the outcome's ranks once
 *             the linear effect of the other params' ranks is removed from
 *             both (Marino et al. 2008, J. Theor. Biol. 254:178-196): for
 *             each param, the correlation of the residuals of the two rank
 *             regressions on the others, from the correlation matrix R of
 *             (rank x_1 .. rank x_k, rank y) with O = the others and P the
 *             (Moore-Penrose) pseudo-inverse of R[O][O]:
 *               c(a, b) = R[a][b] - R[a][O] P R[O][b],
 *               PRCC_i = c(i, y) / sqrt(c(i, i) c(y, y)).
 *             The pseudo-inverse keeps it defined when other params are
 *             collinear, or when one param alone decides the outcome (that
 *             param's PRCC is then 1 or -1). It is undefined (NaN, with the
 *             reason) with fewer than k + 2 points, when the others fix the
 *             outcome (c(y, y) = 0) or the param (c(i, i) = 0). A
 *             constant column is undefined on its own (a constant outcome
 *             makes every param's undefined); a constant param is left out
 *             of the others of every other param, whose PRCCs stay defined.
 * Undefined values (a constant column, ...) are NaN. Pure functions: no
 * allocation except where stated. */
#ifndef DEMOB_SWEEP_STATS_H
#define DEMOB_SWEEP_STATS_H
#include <stddef.h>

/* Sorts x (n values) ascending, in place. */
void stats_sort(double *x, size_t n);
/* Type-7 quantile of sorted values, p in [0, 1]; NaN when n == 0. */
double stats_quantile_sorted(const double *x, size_t n, double p);
/* Mean and sample sd. */
void stats_mean_sd(const double *x, size_t n, double *mean, double *sd);
/* Mid-ranks of x into rank; scratch holds 2 n doubles-worth (n entries of
 * stats_pair). */
typedef struct stats_pair {
    double v;
    size_t i;
} stats_pair;
void stats_ranks(const double *x, size_t n, double *rank, stats_pair *scratch);
/* Pearson correlation; NaN if either column is constant or n < 2. */
double stats_pearson(const double *x, const double *y, size_t n);
/* Why a PRCC is undefined (stats_prcc's why[]). */
enum stats_prcc_why {
    STATS_PRCC_OK = 0,
    STATS_PRCC_FEW_POINTS,      /* fewer than k + 2 points               */
    STATS_PRCC_OUTCOME_FIXED,   /* the other params fix the outcome       */
    STATS_PRCC_PARAM_FIXED,     /* the other params fix this param        */
    STATS_PRCC_CONSTANT         /* a constant column                      */
};
/* PRCC of each of the k rank columns xr[0..k-1] with the ranks yr (all of
 * length n) into out[k], and why[k] (may be NULL) why one is undefined.
 * Allocates O(k^2) doubles; returns 0, or -1 when out of memory. Entries
 * are NaN when undefined. */
int stats_prcc(const double *const *xr, int k, const double *yr, size_t n, double *out, int *why);

#endif
