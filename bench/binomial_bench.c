/* binomial_bench.c - micro-benchmark of the binomial sampler (not a test).
 *
 * Times binomial_draw_prepared over a spread of (n, p), and next to it a
 * textbook sampler of the kind a straightforward C program or NumPy uses:
 * inversion with a division per step for n p <= 30 and BTPE above
 * (Kachitvichyanukul and Schmeiser, "Binomial random variate generation",
 * CACM 31 (1988) 216-222), its set-up cached while (n, p) repeat, as NumPy
 * does. Both draw from the same xoshiro256** stream, so the ratio is the
 * sampler alone. The "varying n" rows change n on every draw, as the engine
 * does from cell to cell, so no per-n set-up can be reused.
 *
 * Build by hand and run (from the repository root):
 *   cc -std=c11 -O2 -Icore bench/binomial_bench.c core/engine/binomial.c core/engine/rng.c \
 *      -o /tmp/binomial_bench -lm && /tmp/binomial_bench [draws]
 *
 * Each row prints draws per second for both, the ratio, and the sample
 * means (both should be close to n p). The last row replays the (n, p) of
 * every draw a rough model of bench-6x9 (bench/README.md) makes, so it weighs
 * the cases as the reference benchmark does; the mix of means it draws is
 * printed too. Every timing is the best of REPS repetitions.
 *
 * Figures on the development machine (AMD EPYC, 2 cores, gcc 12 -O2,
 * shared with other builds, so +-20%), million draws per second, ours vs
 * textbook: n varying 0..50, p 0.1: 53 vs 17 (3.1x); 0..300: 20 vs 6.6
 * (3.1x); 0..7000, p 0.1: 22 vs 15 (1.5x); 1000..7000, p 0.02: 21 vs 10
 * (2.0x); fixed n = 10, p 0.3: 70 vs 33 (2.1x). The bench-6x9 mix: 33 ns
 * a draw against 74 (2.3x; 45 ns when p is prepared on every draw). With
 * n fixed and a mean above 28 the textbook BTPE, its set-up cached, is
 * faster (n = 7000, p 0.1: 29 vs 35): BTRD redoes its few set-up
 * operations on every call, which is what the engine needs since its n
 * changes from draw to draw. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "engine/binomial.h"

enum { REPS = 5 };

/* ---- the textbook baseline ------------------------------------------ */

typedef struct textbook {
    int64_t n;
    double p;
    /* inversion */
    double q, qn, bound;
    /* BTPE */
    double r, fm, p1, xm, xl, xr, c, laml, lamr, p2, p3, p4, nrq;
    int64_t m;
} textbook;

static int64_t textbook_inversion(rng *g, int64_t n, double p, textbook *t)
{
    if (t->n != n || t->p != p) {
        t->n = n;
        t->p = p;
        t->q = 1.0 - p;
        t->qn = exp((double)n * log(t->q));
        double np = (double)n * p;
        t->bound = fmin((double)n, np + 10.0 * sqrt(np * t->q + 1));
    }
    int64_t x = 0;
    double px = t->qn, u = rng_uniform(g);
    while (u > px) {
        x++;
        if (x > t->bound) {
            x = 0;
            px = t->qn;
            u = rng_uniform(g);
        } else {
            u -= px;
            px = ((double)(n - x + 1) * p * px) / ((double)x * t->q);
        }
    }
    return x;
}

/* Stirling tail of log k! used in BTPE's final test (step 5.3). */
static double btpe_stirling(double x)
{
    double x2 = x * x;
    return (13860. - (462. - (132. - (99. - 140. / x2) / x2) / x2) / x2) / x / 166320.;
}

static int64_t textbook_btpe(rng *g, int64_t n, double p, textbook *t)
{
    if (t->n != n || t->p != p) {
        t->n = n;
        t->p = p;
        t->r = p;
        t->q = 1.0 - p;
        t->fm = (double)n * p + p;
        t->m = (int64_t)floor(t->fm);
        t->nrq = (double)n * p * t->q;
        t->p1 = floor(2.195 * sqrt(t->nrq) - 4.6 * t->q) + 0.5;
        t->xm = (double)t->m + 0.5;
        t->xl = t->xm - t->p1;
        t->xr = t->xm + t->p1;
        t->c = 0.134 + 20.5 / (15.3 + (double)t->m);
        double a = (t->fm - t->xl) / (t->fm - t->xl * p);
        t->laml = a * (1.0 + a / 2.0);
        a = (t->xr - t->fm) / (t->xr * t->q);
        t->lamr = a * (1.0 + a / 2.0);
        t->p2 = t->p1 * (1.0 + 2.0 * t->c);
        t->p3 = t->p2 + t->c / t->laml;
        t->p4 = t->p3 + t->c / t->lamr;
    }
    const int64_t m = t->m;
    for (;;) {
        double u = rng_uniform(g) * t->p4, v = rng_uniform(g);
        int64_t y;
        if (u <= t->p1) {  /* triangular centre: accept at once */
            return (int64_t)floor(t->xm - t->p1 * v + u);
        } else if (u <= t->p2) {  /* parallelograms */
            double x = t->xl + (u - t->p1) / t->c;
            v = v * t->c + 1.0 - fabs((double)m - x + 0.5) / t->p1;
            if (v > 1.0)
                continue;
            y = (int64_t)floor(x);
        } else if (u <= t->p3) {  /* left exponential tail */
            if (v == 0.0)
                continue;
            y = (int64_t)floor(t->xl + log(v) / t->laml);
            if (y < 0)
                continue;
            v = v * (u - t->p2) * t->laml;
        } else {  /* right exponential tail */
            if (v == 0.0)
                continue;
            y = (int64_t)floor(t->xr - log(v) / t->lamr);
            if (y > n)
                continue;
            v = v * (u - t->p3) * t->lamr;
        }
        int64_t k = y > m ? y - m : m - y;
        if (k <= 20 || (double)k >= t->nrq / 2.0 - 1) {
            /* explicit evaluation of f(y) / f(m) */
            double s = p / t->q, a = s * (double)(n + 1), f = 1.0;
            if (m < y)
                for (int64_t i = m + 1; i <= y; i++)
                    f *= a / (double)i - s;
            else if (m > y)
                for (int64_t i = y + 1; i <= m; i++)
                    f /= a / (double)i - s;
            if (v <= f)
                return y;
            continue;
        }
        /* squeeze on log v, then the Stirling bound */
        double kd = (double)k;
        double rho = (kd / t->nrq) * ((kd * (kd / 3.0 + 0.625) + 1.0 / 6.0) / t->nrq + 0.5);
        double tt = -kd * kd / (2.0 * t->nrq);
        double lv = log(v);
        if (lv < tt - rho)
            return y;
        if (lv > tt + rho)
            continue;
        double x1 = (double)y + 1, f1 = (double)m + 1;
        double z = (double)(n + 1 - m), w = (double)(n - y + 1);
        if (lv <= t->xm * log(f1 / x1) + ((double)(n - m) + 0.5) * log(z / w)
                  + (double)(y - m) * log(w * p / (x1 * t->q))
                  + btpe_stirling(f1) + btpe_stirling(z)
                  + btpe_stirling(x1) + btpe_stirling(w))
            return y;
    }
}

static int64_t textbook_draw(rng *g, int64_t n, double p, textbook *t)
{
    if (n == 0 || p == 0.0)
        return 0;
    double pp = p <= 0.5 ? p : 1.0 - p;
    int64_t x = pp * (double)n <= 30.0 ? textbook_inversion(g, n, pp, t)
                                       : textbook_btpe(g, n, pp, t);
    return p <= 0.5 ? x : n - x;
}

/* ---- timing ----------------------------------------------------------- */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* n_lo == n_hi: fixed n; otherwise n cycles through [n_lo, n_hi] in a
 * fixed pseudo-random order (an LCG, outside both timed samplers' rng). */
static int64_t pick_n(uint64_t *lcg, int64_t n_lo, int64_t n_hi)
{
    if (n_lo == n_hi)
        return n_lo;
    *lcg = *lcg * 6364136223846793005u + 1442695040888963407u;
    return n_lo + (int64_t)((*lcg >> 33) % (uint64_t)(n_hi - n_lo + 1));
}

static void row(const char *label, int64_t n_lo, int64_t n_hi, double p, long draws)
{
    rng g;
    binomial_p bp;
    binomial_prepare(&bp, p);
    uint64_t lcg = 1;
    double sum_ours = 0, sum_text = 0, sum_n = 0;

    /* Each timing is the best of REPS, so that other load on the machine
     * (a shared build box) inflates it as little as possible. */
    double t_ours = 1e300, t_text = 1e300, t_n = 1e300, t0;
    for (int rep = 0; rep < REPS; rep++) {
        rng_seed(&g, 1, 0);
        lcg = 1;
        sum_ours = 0;
        t0 = now();
        for (long i = 0; i < draws; i++)
            sum_ours += (double)binomial_draw_prepared(&g, pick_n(&lcg, n_lo, n_hi), &bp);
        t_ours = fmin(t_ours, now() - t0);

        textbook tb = {.n = -1};
        rng_seed(&g, 1, 0);
        lcg = 1;
        sum_text = 0;
        t0 = now();
        for (long i = 0; i < draws; i++)
            sum_text += (double)textbook_draw(&g, pick_n(&lcg, n_lo, n_hi), p, &tb);
        t_text = fmin(t_text, now() - t0);

        /* The cost of choosing n alone, taken off both. */
        lcg = 1;
        sum_n = 0;
        t0 = now();
        for (long i = 0; i < draws; i++)
            sum_n += (double)pick_n(&lcg, n_lo, n_hi);
        t_n = fmin(t_n, now() - t0);
    }
    t_ours = fmax(t_ours - t_n, 1e-9);
    t_text = fmax(t_text - t_n, 1e-9);

    printf("%-22s %9.4g %7.2f %7.2f %6.2fx   %.6g %.6g %.6g\n", label, p,
           draws / t_ours / 1e6, draws / t_text / 1e6, t_text / t_ours,
           sum_ours / draws, sum_text / draws, sum_n / draws * p);
}

/* ---- the bench-6x9 draw mix ------------------------------------------ */

/* A rough bench-6x9: competing risks per (origin, state) by one binomial
 * and conditional binomials for the split, as the engine does; capacities
 * cut movers proportionally (floor, the remainder to the first origins),
 * which is close enough to give the engine's mix of (n, p). */
enum { ORIGINS = 6, STATES = 9, FLOWS = 14, STEPS = 120 };
typedef struct flow_def {
    int from, to;
    double rate;
    unsigned origins;  /* bit mask; 0 = all */
    int cap;           /* -1 none, 0 site_intake, 1 flights */
} flow_def;
static const flow_def bench_flows[FLOWS] = {
    {0, 1, 0.10, 0, -1}, {0, 8, 0.02, 0, -1}, {1, 2, 0.50, 0, 0},
    {1, 0, 0.05, 0, -1}, {2, 3, 0.40, 0, -1}, {2, 0, 0.02, 0, -1},
    {3, 4, 0.60, 0, -1}, {4, 6, 0.30, 0x3c, 1}, {4, 5, 0.20, 0x03, -1},
    {4, 8, 0.01, 0, -1}, {5, 6, 0.05, 0x03, -1}, {5, 8, 0.03, 0, -1},
    {6, 7, 0.25, 0, -1}, {7, 8, 0.005, 0, -1},
};
static const int64_t bench_present[ORIGINS] = {3000, 2000, 7000, 2000, 500, 1000};
static const double bench_caps[2] = {600, 300};

typedef struct trace {
    int64_t *n;
    double *p;
    long len, cap;
} trace;

static void trace_add(trace *t, int64_t n, double p)
{
    if (t->len == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 1 << 16;
        t->n = realloc(t->n, (size_t)t->cap * sizeof *t->n);
        t->p = realloc(t->p, (size_t)t->cap * sizeof *t->p);
        if (!t->n || !t->p) {
            fprintf(stderr, "out of memory\n");
            exit(1);
        }
    }
    t->n[t->len] = n;
    t->p[t->len] = p;
    t->len++;
}

static int64_t traced_draw(rng *g, int64_t n, double p, trace *t)
{
    if (n > 0 && p > 0 && p < 1)
        trace_add(t, n, p);
    return binomial_draw(g, n, p);
}

static void bench_run(uint64_t run, trace *t)
{
    int64_t stock[ORIGINS][STATES] = {{0}};
    rng g;
    rng_seed(&g, 1, run);
    for (int o = 0; o < ORIGINS; o++)
        stock[o][0] = bench_present[o];
    for (int step = 0; step < STEPS; step++) {
        int64_t moved[ORIGINS][FLOWS] = {{0}};
        for (int o = 0; o < ORIGINS; o++) {
            for (int s = 0; s < STATES; s++) {
                double h[FLOWS], H = 0;
                int idx[FLOWS], k = 0;
                for (int f = 0; f < FLOWS; f++) {
                    const flow_def *fd = &bench_flows[f];
                    if (fd->from != s || (fd->origins && !(fd->origins >> o & 1)))
                        continue;
                    h[k] = -log1p(-fd->rate);
                    H += h[k];
                    idx[k++] = f;
                }
                if (k == 0 || stock[o][s] == 0)
                    continue;
                int64_t left = traced_draw(&g, stock[o][s], -expm1(-H), t);
                for (int j = 0; j < k && left > 0; j++) {
                    int64_t x = j == k - 1 ? left : traced_draw(&g, left, h[j] / H, t);
                    moved[o][idx[j]] = x;
                    left -= x;
                    H -= h[j];
                }
            }
        }
        for (int f = 0; f < FLOWS; f++) {
            if (bench_flows[f].cap < 0)
                continue;
            int64_t want = 0;
            for (int o = 0; o < ORIGINS; o++)
                want += moved[o][f];
            double limit = bench_caps[bench_flows[f].cap];
            if (want <= limit)
                continue;
            int64_t given = 0;
            for (int o = 0; o < ORIGINS; o++) {
                moved[o][f] = (int64_t)(moved[o][f] * limit / (double)want);
                given += moved[o][f];
            }
            for (int o = 0; o < ORIGINS && given < (int64_t)limit; o++, given++)
                moved[o][f]++;
        }
        for (int o = 0; o < ORIGINS; o++)
            for (int f = 0; f < FLOWS; f++) {
                stock[o][bench_flows[f].from] -= moved[o][f];
                stock[o][bench_flows[f].to] += moved[o][f];
            }
    }
}

static void mix_row(long runs)
{
    trace t = {0};
    for (long run = 0; run < runs; run++)
        bench_run((uint64_t)run, &t);
    /* The mix of means min(p, 1 - p) n over the draws. */
    static const double edges[] = {1, 3, 10, 30, 100, 1000, 1e300};
    long hist[7] = {0};
    for (long i = 0; i < t.len; i++) {
        double pp = t.p[i] < 0.5 ? t.p[i] : 1 - t.p[i];
        int b = 0;
        while (pp * (double)t.n[i] >= edges[b])
            b++;
        hist[b]++;
    }
    printf("bench-6x9 mix: %.0f draws per run; share by mean n min(p,1-p): "
           "<1 %.2f, 1-3 %.2f, 3-10 %.2f, 10-30 %.2f, 30-100 %.2f, "
           "100-1000 %.2f, >=1000 %.2f\n", (double)t.len / runs,
           hist[0] / (double)t.len, hist[1] / (double)t.len,
           hist[2] / (double)t.len, hist[3] / (double)t.len,
           hist[4] / (double)t.len, hist[5] / (double)t.len,
           hist[6] / (double)t.len);

    /* Replay. The engine prepares p once while a rate holds (the leave
     * probability and the split's conditional probabilities alike), so
     * "ours" gets prepared constants; "ours + prepare" prepares on every
     * draw, as a caller without the cache would. The textbook sampler
     * caches its set-up while (n, p) repeat. Best of REPS each. */
    binomial_p *bps = malloc((size_t)t.len * sizeof *bps);
    binomial_p *sel_bp = malloc((size_t)t.len * sizeof *sel_bp);
    int64_t *sel_n = malloc((size_t)t.len * sizeof *sel_n);
    if (!bps || !sel_bp || !sel_n) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    for (long i = 0; i < t.len; i++)
        binomial_prepare(&bps[i], t.p[i]);
    rng g;
    double sum[3] = {0}, best[3] = {1e300, 1e300, 1e300};
    for (int rep = 0; rep < REPS; rep++) {
        for (int w = 0; w < 3; w++) {
            textbook tb = {.n = -1};
            double acc = 0, t0;
            rng_seed(&g, 2, 0);
            t0 = now();
            if (w == 0)
                for (long i = 0; i < t.len; i++)
                    acc += (double)binomial_draw_prepared(&g, t.n[i], &bps[i]);
            else if (w == 1)
                for (long i = 0; i < t.len; i++)
                    acc += (double)binomial_draw(&g, t.n[i], t.p[i]);
            else
                for (long i = 0; i < t.len; i++)
                    acc += (double)textbook_draw(&g, t.n[i], t.p[i], &tb);
            best[w] = fmin(best[w], now() - t0);
            sum[w] = acc;
        }
    }
    printf("%-22s %9s %7.2f %7.2f %6.2fx   %.6g %.6g\n", "bench-6x9 mix", "-",
           t.len / best[0] / 1e6, t.len / best[2] / 1e6, best[2] / best[0],
           sum[0] / t.len, sum[2] / t.len);
    printf("  ns a draw: ours %.1f, ours + prepare %.1f, textbook %.1f\n",
           1e9 * best[0] / t.len, 1e9 * best[1] / t.len, 1e9 * best[2] / t.len);
    printf("  ours, ns a draw by mean:");
    for (int b = 0; b < 6; b++) {
        double lo = b ? edges[b - 1] : 0, hi = edges[b];
        long cnt = 0;
        for (long i = 0; i < t.len; i++) {
            double mu = bps[i].pp * (double)t.n[i];
            if (mu >= lo && mu < hi) {
                sel_bp[cnt] = bps[i];
                sel_n[cnt++] = t.n[i];
            }
        }
        double dt = 1e300, acc = 0;
        for (int rep = 0; rep < REPS; rep++) {
            rng_seed(&g, 3, 0);
            double t0 = now();
            for (long i = 0; i < cnt; i++)
                acc += (double)binomial_draw_prepared(&g, sel_n[i], &sel_bp[i]);
            dt = fmin(dt, now() - t0);
        }
        printf(" [%g, %g) %.1f", lo, hi, 1e9 * dt / (double)(cnt ? cnt : 1));
        if (acc < 0)  /* keeps the loop */
            printf("?");
    }
    printf("\n");
    free(bps);
    free(sel_bp);
    free(sel_n);
    free(t.n);
    free(t.p);
}

int main(int argc, char **argv)
{
    long draws = argc > 1 ? atol(argv[1]) : 4000000;
    printf("%-22s %9s %7s %7s %7s   %s\n", "n", "p", "ours", "textbk", "ratio",
           "means: ours, textbook, n p   (draws in millions per second)");
    row("1", 1, 1, 0.3, draws);
    row("10", 10, 10, 0.3, draws);
    row("100", 100, 100, 0.02, draws);
    row("100", 100, 100, 0.09, draws);
    row("100", 100, 100, 0.11, draws);
    row("100", 100, 100, 0.25, draws);
    row("1000", 1000, 1000, 0.01, draws);
    row("1000", 1000, 1000, 0.05, draws);
    row("1000", 1000, 1000, 0.5, draws);
    row("7000", 7000, 7000, 0.1, draws);
    row("1e6", 1000000, 1000000, 0.3, draws);
    row("1e12", 1000000000000, 1000000000000, 1e-3, draws);
    row("2^62", INT64_C(1) << 62, INT64_C(1) << 62, 0.5, draws);
    row("varying 0..50", 0, 50, 0.1, draws);
    row("varying 0..300", 0, 300, 0.1, draws);
    row("varying 0..7000", 0, 7000, 0.1, draws);
    row("varying 0..7000", 0, 7000, 0.5, draws);
    row("varying 1000..7000", 1000, 7000, 0.02, draws);
    mix_row(200);
    return 0;
}
