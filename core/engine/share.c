/* share.c - sharing a limit (a capacity, a ceiling's room, a budget,
 * a synchronisation bound) among the links that want more than it.
 *
 * Proportional sharing gives link i the quota want_i * limit / sum(want).
 * Deterministic mode keeps the quota as a double. Stochastic mode moves
 * whole people by the largest remainder method (Hamilton): each link gets
 * floor(quota), and the people left over go one each to the links with
 * the largest remainders, ties broken by position in the list (declaration
 * order of flows, then origins). Quotas are computed exactly in 128-bit
 * integers: want and limit may each be up to 2^62. */
#include <stdint.h>

#include "sim_internal.h"

/* Order: larger remainder first, then earlier position. */
static int before(const int64_t *rem, int a, int b)
{
    return rem[a] > rem[b] || (rem[a] == rem[b] && a < b);
}

/* Rearranges positions 0..n-1 (into a) so that a[0..k) are the k first in
 * "before" order, in no particular order among themselves (Hoare's
 * selection, as Wirth writes it): O(n) on average, in place, and the set
 * is the same whatever the arrangement since the order is total. */
static void select_first(int *a, int n, int k, const int64_t *rem)
{
    for (int i = 0; i < n; i++)
        a[i] = i;
    int l = 0, r = n - 1;
    while (l < r) {
        int x = a[k], i = l, j = r;
        do {
            while (before(rem, a[i], x))
                i++;
            while (before(rem, x, a[j]))
                j--;
            if (i <= j) {
                int t = a[i];
                a[i] = a[j];
                a[j] = t;
                i++;
                j--;
            }
        } while (i <= j);
        if (j < k)
            l = i;
        if (k < i)
            r = j;
    }
}

void share_proportional_i(const int *links, int n, const int64_t *want, int64_t limit, int64_t *out,
                          int64_t *rem_scratch, int *order_scratch)
{
    int64_t sum = 0;
    for (int i = 0; i < n; i++)
        sum += want[links[i]];
    if (sum <= limit) {
        for (int i = 0; i < n; i++)
            out[links[i]] = want[links[i]];
        return;
    }
    if (limit <= 0) {
        for (int i = 0; i < n; i++)
            out[links[i]] = 0;
        return;
    }
    int64_t given = 0;
    for (int i = 0; i < n; i++) {
        __int128 num = (__int128)want[links[i]] * limit;
        int64_t q = (int64_t)(num / sum);
        rem_scratch[i] = (int64_t)(num % sum);
        out[links[i]] = q;
        given += q;
    }
    int64_t left = limit - given; /* < n: each floor lost less than one */
    if (left <= 0)
        return;
    /* The remainders sum to left units, each below one: more than left of
     * them are positive, so the left first in order all have want > 0
     * and out < want, and each gets one more person. */
    if (left >= n)   /* cannot happen (left < n); every link, in case */
        left = n;
    select_first(order_scratch, n, left < n ? left : n - 1, rem_scratch);
    for (int k = 0; k < left; k++) {
        int i = order_scratch[k];
        if (out[links[i]] < want[links[i]])
            out[links[i]]++;
    }
}

void share_proportional_d(const int *links, int n, const double *want, double limit, double *out)
{
    double sum = 0;
    for (int i = 0; i < n; i++)
        sum += want[links[i]];
    if (sum <= limit) {
        for (int i = 0; i < n; i++)
            out[links[i]] = want[links[i]];
        return;
    }
    double f = limit > 0 ? limit / sum : 0;
    for (int i = 0; i < n; i++)
        out[links[i]] = want[links[i]] * f;
}

/* Priority: links come grouped by rank (model_freeze.c); each rank in
 * turn shares what the ranks before it left, proportionally within itself.
 * One pass, O(n) per step whatever the length of the priority list. */
void share_priority_i(const int *links, const int *rank, int n, const int64_t *want, int64_t limit, int64_t *out,
                      int64_t *rem_scratch, int *order_scratch)
{
    int64_t left = limit;
    for (int a = 0, b; a < n; a = b) {
        for (b = a + 1; b < n && rank[b] == rank[a]; b++)
            ;
        share_proportional_i(links + a, b - a, want, left, out, rem_scratch, order_scratch);
        for (int i = a; i < b; i++)
            left -= out[links[i]];
    }
}

void share_priority_d(const int *links, const int *rank, int n, const double *want, double limit, double *out)
{
    double left = limit;
    for (int a = 0, b; a < n; a = b) {
        for (b = a + 1; b < n && rank[b] == rank[a]; b++)
            ;
        share_proportional_d(links + a, b - a, want, left, out);
        for (int i = a; i < b; i++)
            left -= out[links[i]];
        if (left < 0)
            left = 0;
    }
}
