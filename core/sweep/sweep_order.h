/* sweep_order.h - the order in which a sweep takes its points, and which
 * shard runs which point.
 *
 * Points are taken in a stride order: position q runs point (q * s) mod P,
 * with s the integer nearest P (sqrt(5) - 1) / 2 that is coprime with P,
 * so every prefix of the order is spread over the whole design (a
 * golden-ratio Weyl sequence) and an interrupted or partial sweep covers
 * the space evenly. A point's replicates run one after the other, so the
 * quantiles of one point need only that point's runs in memory. Shard K
 * of N takes the positions q with q mod N == K. Nothing here depends on
 * workers or timing; outputs are always sorted by point, whatever the
 * order the points ran in. */
#ifndef DEMOB_SWEEP_ORDER_H
#define DEMOB_SWEEP_ORDER_H

typedef struct sweep_order {
    long points;        /* P */
    long stride, inverse;   /* s and s^-1 mod P */
    long shard, shards; /* K, N */
} sweep_order;

/* P >= 1, 0 <= K < N. */
void sweep_order_init(sweep_order *o, long points, long shard, long shards);
/* The point at position q (0 <= q < P). */
long sweep_order_point(const sweep_order *o, long q);
/* The position of point p. */
long sweep_order_position(const sweep_order *o, long p);
/* Number of points shard K runs. */
long sweep_order_shard_points(const sweep_order *o);
/* Shard K's i-th point (i < sweep_order_shard_points). */
long sweep_order_shard_point(const sweep_order *o, long i);
/* The shard of point p, and its index among that shard's points. */
long sweep_order_shard_of(const sweep_order *o, long p, long *index);

#endif
