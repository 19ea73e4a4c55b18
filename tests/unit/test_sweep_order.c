/* test_sweep_order.c - the stride order of sweep points and shards: a
 * permutation with its inverse, prefixes spread over the design, every
 * point in exactly one shard; and the per-point quantile accumulator
 * (sweep_quant) on hand-made populations rows. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assert_double.h"
#include "util/strbuf.h"
#include "sweep/sweep_order.h"
#include "sweep/sweep_quant.h"

/* For many P: position -> point is a bijection, position(point(q)) = q. */
static void test_permutation(void **state)
{
    (void)state;
    for (long P = 1; P <= 400; P++) {
        sweep_order o;
        sweep_order_init(&o, P, 0, 1);
        unsigned char *seen = calloc((size_t)P, 1);
        assert_non_null(seen);
        for (long q = 0; q < P; q++) {
            long p = sweep_order_point(&o, q);
            assert_true(p >= 0 && p < P);
            assert_int_equal(seen[p], 0);
            seen[p] = 1;
            assert_int_equal(sweep_order_position(&o, p), q);
        }
        free(seen);
    }
    /* Large P: no overflow in (q * stride) mod P. */
    sweep_order o;
    sweep_order_init(&o, 1000000007L, 0, 1);
    long p = sweep_order_point(&o, 999999999L);
    assert_int_equal(sweep_order_position(&o, p), 999999999L);
}

/* P = 100: 100 / phi = 61.8; 62 shares a factor with 100, so the stride
 * is 61. The first 10 positions are points 0, 61, 22, 83, 44, 5, 66, 27,
 * 88, 49: sorted, their largest gap (around the circle) is 17, where the
 * first 10 points in plain order leave a gap of 91. */
static void test_prefix_spread(void **state)
{
    (void)state;
    sweep_order o;
    sweep_order_init(&o, 100, 0, 1);
    assert_int_equal(o.stride, 61);
    long want[10] = {0, 61, 22, 83, 44, 5, 66, 27, 88, 49};
    int hit[100] = {0};
    for (long q = 0; q < 10; q++) {
        assert_int_equal(sweep_order_point(&o, q), want[q]);
        hit[want[q]] = 1;
    }
    long gap = 0, last = -1, first = -1;
    for (long p = 0; p < 100; p++)
        if (hit[p]) {
            if (last >= 0 && p - last > gap)
                gap = p - last;
            if (first < 0)
                first = p;
            last = p;
        }
    if (100 - last + first > gap)
        gap = 100 - last + first;
    assert_int_equal(gap, 17);
}

/* Shards: K takes positions K, K+N, ...; every point in exactly one shard,
 * at the index shard_of reports. */
static void test_shards(void **state)
{
    (void)state;
    long P = 23, N = 4, total = 0;
    int *owner = calloc((size_t)P, sizeof *owner);
    assert_non_null(owner);
    for (long p = 0; p < P; p++)
        owner[p] = -1;
    for (long k = 0; k < N; k++) {
        sweep_order o;
        sweep_order_init(&o, P, k, N);
        long n = sweep_order_shard_points(&o);
        assert_int_equal(n, (P - k + N - 1) / N);  /* 6, 6, 6, 5 */
        total += n;
        for (long i = 0; i < n; i++) {
            long p = sweep_order_shard_point(&o, i), idx;
            assert_int_equal(owner[p], -1);
            owner[p] = (int)k;
            assert_int_equal(sweep_order_shard_of(&o, p, &idx), k);
            assert_int_equal(idx, i);
        }
    }
    assert_int_equal(total, P);
    free(owner);
    /* More shards than points: the extra shards are empty. */
    sweep_order o;
    sweep_order_init(&o, 3, 5, 8);
    assert_int_equal(sweep_order_shard_points(&o), 0);
}

/* Two cells at one step, four replicates with counts 10, 20, 30, 40 and a
 * constant 5: mean 25, sd sqrt(500/3), p5 = 10 + 0.15 * 10 = 11.5,
 * p50 = 25, p95 = 38.5. Each row gets its label cells, quoted names
 * included. */
static void test_quantile_rows(void **state)
{
    (void)state;
    sweep_quant q;
    demob_error err = {0};
    assert_int_equal(sweep_quant_init(&q, 4, 2, &err), 0);
    const char *labels[2] = {"0,2021-01,\"Sudan, North\",present", "0,2021-01,Chad,present"};
    for (int row = 0; row < 2; row++) {
        q.label_off[row] = q.labels.len;
        strbuf_append(&q.labels, labels[row], strlen(labels[row]));
    }
    q.label_off[2] = q.labels.len;
    const double runs[4][2] = {{10, 5}, {40, 5}, {20, 5}, {30, 5}};
    for (int r = 0; r < 4; r++)
        sweep_quant_add_stocks(&q, r, runs[r]);
    strbuf b;
    strbuf_init(&b);
    sweep_quant_format(&q, 7, 4, &b);
    char want[256];
    snprintf(want, sizeof want, "7,0,2021-01,\"Sudan, North\",present,25,%.17g,11.5,25,38.5\n"
                                "7,0,2021-01,Chad,present,5,0,5,5,5\n", sqrt(500.0 / 3.0));
    assert_string_equal(b.data, want);
    assert_double(q.vals[1 * 2 + 0], 40, 1e-12 * (40 + 1));
    strbuf_free(&b);
    sweep_quant_free(&q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_permutation),
        cmocka_unit_test(test_prefix_spread),
        cmocka_unit_test(test_shards),
        cmocka_unit_test(test_quantile_rows),
    };
    return cmocka_run_group_tests_name("sweep_order", tests, NULL, NULL);
}
