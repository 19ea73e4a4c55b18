/* runstats.h - the small statistics that summarise a quantity over runs:
 * running mean and variance (Welford), the Student t quantile for 95%
 * intervals and Welch's test. Sample quantiles come from util/stats.h. */
#ifndef DEMOB_RUNSTATS_H
#define DEMOB_RUNSTATS_H
#include <stddef.h>

typedef struct welford {
    long n;
    double mean, m2;
} welford;

void stats_welford_add(welford *w, double x);
/* Sample variance (n - 1 denominator); 0 when n < 2. */
double stats_welford_var(const welford *w);

/* The 0.975 quantile of Student's t with df degrees of freedom (df > 0,
 * fractional allowed for Welch): exact table to df 30, then the
 * Cornish-Fisher expansion around 1.959964 (error < 1e-4). */
double stats_t975(double df);

/* Half-width of the 95% confidence interval of the mean of n samples with
 * sample variance var: stats_t975(n - 1) * sqrt(var / n). 0 when n < 2. */
double stats_ci95_half(long n, double var);

/* Welch's test at 95%: is |mean_b - mean_a| beyond sampling noise?
 * 1 yes, 0 no, -1 when a side has fewer than 2 samples. */
int stats_welch_beyond(long na, double mean_a, double var_a, long nb, double mean_b, double var_b);

/* Quantiles: stats_sort and stats_quantile_sorted (util/stats.h). */

#endif
