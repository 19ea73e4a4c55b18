/* engine_share.c - sharing a limit (a capacity, a ceiling's room, a budget,
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

static int entry_matches(const demob_model *m, const prio_entry *e, int l)
{
    return e->is_flow ? m->links[l].flow == e->index : m->links[l].origin == e->index;
}

/* Gathers the links of the list matching entry e (or, with e NULL, every
 * link not yet taken) into sub; marks them taken. Returns how many. */
static int gather(const demob_model *m, const prio_entry *e, const int *links, int n, int *taken, int *sub)
{
    int k = 0;
    for (int i = 0; i < n; i++)
        if (!taken[i] && (!e || entry_matches(m, e, links[i]))) {
            taken[i] = 1;
            sub[k++] = links[i];
        }
    return k;
}

void share_priority_i(const demob_model *m, int cap, const int *links, int n, const int64_t *want, int64_t limit,
                      int64_t *out, int64_t *rem_scratch, int *order_scratch, int *sub_scratch)
{
    const capacity_def *c = &m->caps[cap];
    int *taken = order_scratch + n; /* callers give 2 * n ints */
    for (int i = 0; i < n; i++)
        taken[i] = 0;
    int64_t left = limit;
    for (int e = 0; e <= c->n_prio; e++) {
        int k = gather(m, e < c->n_prio ? &c->prio[e] : NULL, links, n, taken, sub_scratch);
        if (k == 0)
            continue;
        share_proportional_i(sub_scratch, k, want, left, out, rem_scratch, order_scratch);
        for (int i = 0; i < k; i++)
            left -= out[sub_scratch[i]];
    }
}

void share_priority_d(const demob_model *m, int cap, const int *links, int n, const double *want, double limit,
                      double *out, int *sub_scratch)
{
    const capacity_def *c = &m->caps[cap];
    int *taken = sub_scratch + n; /* callers give 2 * n ints */
    for (int i = 0; i < n; i++)
        taken[i] = 0;
    double left = limit;
    for (int e = 0; e <= c->n_prio; e++) {
        int k = gather(m, e < c->n_prio ? &c->prio[e] : NULL, links, n, taken, sub_scratch);
        if (k == 0)
            continue;
        share_proportional_d(sub_scratch, k, want, left, out);
        for (int i = 0; i < k; i++)
            left -= out[sub_scratch[i]];
        if (left < 0)
            left = 0;
    }
}
