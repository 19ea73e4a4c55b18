/* sweep_order.c - stride order of a sweep's points and their shards (see
 * sweep_order.h). */
#include <math.h>

#include "sweep_order.h"

static long gcd(long a, long b)
{
    while (b) {
        long t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* s^-1 mod m by the extended Euclidean algorithm (gcd(s, m) == 1). */
static long mod_inverse(long s, long m)
{
    long t = 0, nt = 1, r = m, nr = s;
    while (nr) {
        long q = r / nr, x;
        x = t - q * nt;
        t = nt;
        nt = x;
        x = r - q * nr;
        r = nr;
        nr = x;
    }
    return t < 0 ? t + m : t;
}

/* (a * b) mod m without overflow for a, b < m < 2^62. */
static long mulmod(long a, long b, long m)
{
    unsigned long long x = (unsigned long long)a, y = (unsigned long long)b, mm = (unsigned long long)m;
    if (x < (1ULL << 31) && y < (1ULL << 31))
        return (long)(x * y % mm);
    unsigned long long r = 0;
    x %= mm;
    while (y) {
        if (y & 1)
            r = (r + x) % mm;
        x = (x * 2) % mm;
        y >>= 1;
    }
    return (long)r;
}

void sweep_order_init(sweep_order *o, long points, long shard, long shards)
{
    o->points = points < 1 ? 1 : points;
    o->shard = shard;
    o->shards = shards < 1 ? 1 : shards;
    long P = o->points;
    /* The integer nearest P / phi that is coprime with P (the lower one
     * on a tie), so that the stride visits every point. */
    double ideal = (double)P * 0.6180339887498949;
    long s = (long)floor(ideal + 0.5);
    for (long d = 0; d <= P; d++) {
        long lo = (long)floor(ideal) - d, hi = (long)floor(ideal) + 1 + d;
        int lo_ok = lo >= 1 && gcd(lo, P) == 1, hi_ok = hi < P && gcd(hi, P) == 1;
        if (lo_ok && hi_ok) {
            s = ideal - (double)lo <= (double)hi - ideal ? lo : hi;
            break;
        }
        if (lo_ok || hi_ok) {
            s = lo_ok ? lo : hi;
            break;
        }
    }
    if (s < 1)
        s = 1;
    o->stride = s % P == 0 ? 1 % P : s % P;
    if (P == 1)
        o->stride = 0, o->inverse = 0;
    else
        o->inverse = mod_inverse(o->stride, P);
}

long sweep_order_point(const sweep_order *o, long q)
{
    return o->points == 1 ? 0 : mulmod(q, o->stride, o->points);
}

long sweep_order_position(const sweep_order *o, long p)
{
    return o->points == 1 ? 0 : mulmod(p, o->inverse, o->points);
}

long sweep_order_shard_points(const sweep_order *o)
{
    if (o->shard >= o->points)
        return 0;
    return (o->points - o->shard + o->shards - 1) / o->shards;
}

long sweep_order_shard_point(const sweep_order *o, long i)
{
    return sweep_order_point(o, o->shard + i * o->shards);
}

long sweep_order_shard_of(const sweep_order *o, long p, long *index)
{
    long q = sweep_order_position(o, p);
    if (index)
        *index = q / o->shards;
    return q % o->shards;
}
