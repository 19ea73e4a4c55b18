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

static void sift_down(int *heap, int start, int end, const int64_t *rem)
{
    int root = start;
    for (;;) {
        int child = 2 * root + 1;
        if (child > end)
            return;
        /* A max-heap on "after": the root is the last in order. */
        if (child + 1 <= end && before(rem, heap[child], heap[child + 1]))
            child++;
        if (before(rem, heap[root], heap[child])) {
            int t = heap[root];
            heap[root] = heap[child];
            heap[child] = t;
            root = child;
        } else {
            return;
        }
    }
}

/* Heap sort of positions 0..n-1 into "before" order; in place, no
 * allocation, and deterministic since the order is total. */
static void sort_by_remainder(int *order, int n, const int64_t *rem)
{
    for (int i = 0; i < n; i++)
        order[i] = i;
    for (int start = n / 2 - 1; start >= 0; start--)
        sift_down(order, start, n - 1, rem);
    for (int end = n - 1; end > 0; end--) {
        int t = order[0];
        order[0] = order[end];
        order[end] = t;
        sift_down(order, 0, end - 1, rem);
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
    sort_by_remainder(order_scratch, n, rem_scratch);
    for (int k = 0; k < n && left > 0; k++) {
        int i = order_scratch[k];
        if (out[links[i]] < want[links[i]]) {
            out[links[i]]++;
            left--;
        }
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
