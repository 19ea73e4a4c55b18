/* runstats.c - see runstats.h. Welford's update (Welford 1962; Knuth
 * TAOCP vol. 2, 4.2.2) keeps the variance accurate when the mean is large
 * next to the spread, as with thousands of people varying by tens. */
#include <math.h>
#include <stdlib.h>

#include "runstats.h"

void stats_welford_add(welford *w, double x)
{
    w->n++;
    double d = x - w->mean;
    w->mean += d / (double)w->n;
    w->m2 += d * (x - w->mean);
}

double stats_welford_var(const welford *w)
{
    return w->n < 2 ? 0.0 : (w->m2 > 0 ? w->m2 / (double)(w->n - 1) : 0.0);
}

/* t_{0.975, df} for df = 1..30, from any statistical table. */
static const double t_table[30] = {
    12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281,
    2.2010, 2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860,
    2.0796, 2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423,
};

double stats_t975(double df)
{
    if (!(df > 0))
        return NAN;
    if (df <= 30) {
        /* Fractional df (Welch): interpolate in 1/df, in which t is
         * nearly linear; below df 1 clamp to the df 1 value. */
        if (df <= 1)
            return t_table[0];
        int lo = (int)floor(df);
        if (lo == df)
            return t_table[lo - 1];
        double a = 1.0 / lo, b = 1.0 / (lo + 1), x = 1.0 / df;
        return t_table[lo - 1] + (x - a) / (b - a) * (t_table[lo] - t_table[lo - 1]);
    }
    /* Cornish-Fisher expansion of t in terms of the normal quantile z
     * (Abramowitz & Stegun 26.7.5), three terms. */
    const double z = 1.959963984540054;
    double z3 = z * z * z, z5 = z3 * z * z, z7 = z5 * z * z;
    double g1 = (z3 + z) / 4.0;
    double g2 = (5 * z5 + 16 * z3 + 3 * z) / 96.0;
    double g3 = (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / 384.0;
    return z + g1 / df + g2 / (df * df) + g3 / (df * df * df);
}

double stats_ci95_half(long n, double var)
{
    if (n < 2)
        return 0.0;
    return stats_t975((double)(n - 1)) * sqrt(var / (double)n);
}

int stats_welch_beyond(long na, double mean_a, double var_a, long nb, double mean_b, double var_b)
{
    if (na < 2 || nb < 2)
        return -1;
    double d = fabs(mean_b - mean_a);
    double sa = var_a / (double)na, sb = var_b / (double)nb;
    double se2 = sa + sb;
    if (!(se2 > 0))
        return d > 0;   /* no spread on either side: any difference is real */
    /* Welch-Satterthwaite degrees of freedom. */
    double df = se2 * se2 / (sa * sa / (double)(na - 1) + sb * sb / (double)(nb - 1));
    return d > stats_t975(df) * sqrt(se2);
}

