/* baseline.c - bench-6x9 (bench/README.md) written by hand: the yardstick that
 * `make bench` holds demob against. No Lua, no generality, no output files:
 * the model is in the tables below, one run is a loop over steps, origins
 * and states, and the program prints the mean final stocks.
 *
 * It is what a competent programmer would write for this one model:
 * - stochastic mode: stocks are integers; the people leaving a cell are
 *   Binomial(N, 1 - e^-H) (competing risks, H the sum of the hazards
 *   -ln(1 - rate) of the cell's flows), split among the flows by
 *   conditional binomials in declaration order, the last flow taking the
 *   rest; the two capacities cut the movers down to the limit by the largest
 *   remainder method (ties to the earlier origin). This is exactly the
 *   semantics of the engine, so the means must agree.
 * - the sampler is the textbook one: inversion (BINV) for n min(p, 1-p) <
 *   30 and BTPE above, both from Kachitvichyanukul and Schmeiser, "Binomial
 *   random variate generation", CACM 31 (1988) 216-222, with their set-up
 *   computed on every call (n changes from cell to cell, so nothing could be
 *   reused). NumPy uses the same pair with the same threshold.
 * - the generator is xoshiro256** seeded through splitmix64 from (seed,
 *   run), like demob's; the streams are not meant to be the same as demob's.
 * - deterministic mode: the same loop on doubles, movers = N (1 - e^-H)
 *   h_f / H, capacities scale the movers proportionally.
 *
 * Usage: baseline [-d] [-r RUNS] [-t STEPS] [-s SEED] [-k REPEATS]
 *   -d deterministic (one run, or -k REPEATS identical runs timed together).
 * Prints "# ..." with the compute time (set-up and output excluded), then
 * CSV "key,mean,sd,runs" for every state (summed over origins) and every
 * origin.state cell, as bench/check_means.py reads it.
 *
 * Build: cc -std=c11 -O2 bench/baseline.c -o baseline -lm */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- the model -------------------------------------------------------- */

enum { NO = 6, NS = 9, NF = 14, NCAP = 2 };
enum { PRESENT, REGISTERED, CANTONED, DISARMED, DEMOBILIZED, STRANDED, REPATRIATED, REINTEGRATED, REDEPLOYED };

static const char *const origin_name[NO] = {"Sudan", "Chad", "Syria", "Russia", "Niger", "Other"};
static const char *const state_name[NS] = {"present",     "registered", "cantoned",     "disarmed",  "demobilized",
                                           "stranded",    "repatriated", "reintegrated", "redeployed"};
static const int64_t initial_present[NO] = {3000, 2000, 7000, 2000, 500, 1000};

#define ALL 0x3f            /* every origin */
#define SUD_CHAD 0x03       /* Sudan, Chad */
#define SYR_RUS_NIG_OTH 0x3c

static const struct {
    int from, to;
    double rate;
    unsigned origins; /* bit o set: the flow applies to origin o */
    int cap;          /* -1 none, 0 site_intake, 1 flights */
} flow[NF] = {
    {PRESENT, REGISTERED, 0.10, ALL, -1},
    {PRESENT, REDEPLOYED, 0.02, ALL, -1},
    {REGISTERED, CANTONED, 0.50, ALL, 0},
    {REGISTERED, PRESENT, 0.05, ALL, -1},
    {CANTONED, DISARMED, 0.40, ALL, -1},
    {CANTONED, PRESENT, 0.02, ALL, -1},
    {DISARMED, DEMOBILIZED, 0.60, ALL, -1},
    {DEMOBILIZED, REPATRIATED, 0.30, SYR_RUS_NIG_OTH, 1},
    {DEMOBILIZED, STRANDED, 0.20, SUD_CHAD, -1},
    {DEMOBILIZED, REDEPLOYED, 0.01, ALL, -1},
    {STRANDED, REPATRIATED, 0.05, SUD_CHAD, -1},
    {STRANDED, REDEPLOYED, 0.03, ALL, -1},
    {REPATRIATED, REINTEGRATED, 0.25, ALL, -1},
    {REINTEGRATED, REDEPLOYED, 0.005, ALL, -1},
};
static const double cap_limit[NCAP] = {600, 300};

/* Per cell (origin, state): its flows in declaration order and the
 * probabilities of the competing risks, computed once. */
typedef struct cell_plan {
    int k;               /* number of flows out of the cell */
    int f[NF];           /* their indices */
    double p_leave;      /* 1 - e^-H */
    double cond[NF];     /* Binomial probability of flow j given j-1 before: h_j / (H - h_<j) */
    double share[NF];    /* deterministic: (1 - e^-H) h_j / H */
} cell_plan;

static cell_plan plan[NO][NS];

static void make_plan(void)
{
    for (int o = 0; o < NO; o++)
        for (int s = 0; s < NS; s++) {
            cell_plan *c = &plan[o][s];
            double h[NF], H = 0;
            c->k = 0;
            for (int f = 0; f < NF; f++)
                if (flow[f].from == s && (flow[f].origins >> o & 1)) {
                    h[c->k] = -log1p(-flow[f].rate);
                    H += h[c->k];
                    c->f[c->k++] = f;
                }
            if (c->k == 0)
                continue;
            c->p_leave = -expm1(-H);
            double left = H;
            for (int j = 0; j < c->k; j++) {
                c->cond[j] = j == c->k - 1 ? 1.0 : h[j] / left;
                c->share[j] = c->p_leave * h[j] / H;
                left -= h[j];
            }
        }
}

/* ---- random numbers: xoshiro256** seeded by splitmix64 ---------------- */

typedef struct rng {
    uint64_t s[4];
} rng;

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static void rng_seed(rng *r, uint64_t seed, uint64_t run)
{
    uint64_t x = seed;
    x = splitmix64(&x) ^ run;
    x = splitmix64(&x);
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline double uniform(rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return (double)(result >> 11) * 0x1.0p-53;
}

/* ---- the textbook binomial sampler (K&S 1988) ------------------------ */

/* BINV: sequential search from P(0) = q^n, restarting past a bound that the
 * uniform's rounding could otherwise run away to. p <= 1/2. */
static int64_t binv(rng *g, int64_t n, double p)
{
    double q = 1.0 - p;
    double qn = exp((double)n * log(q));
    double np = (double)n * p;
    double bound = fmin((double)n, np + 10.0 * sqrt(np * q + 1.0));
    int64_t x = 0;
    double px = qn, u = uniform(g);
    while (u > px) {
        x++;
        if ((double)x > bound) {
            x = 0;
            px = qn;
            u = uniform(g);
        } else {
            u -= px;
            px = ((double)(n - x + 1) * p * px) / ((double)x * q);
        }
    }
    return x;
}

/* 1/(12x) - 1/(360x^3) + 1/(1260x^5) - 1/(1680x^7) + 1/(1188x^9): the
 * Stirling correction of log Gamma(x), for BTPE's step 5.3. */
static double stirling(double x)
{
    double x2 = x * x;
    return (13860. - (462. - (132. - (99. - 140. / x2) / x2) / x2) / x2) / x / 166320.;
}

/* BTPE: triangle, parallelograms and exponential tails as the hat, with
 * the squeeze and Stirling tests of steps 5.1-5.3. p <= 1/2, n p >= 30. */
static int64_t btpe(rng *g, int64_t n, double p)
{
    double q = 1.0 - p;
    double fm = (double)n * p + p;
    int64_t m = (int64_t)floor(fm);
    double nrq = (double)n * p * q;
    double p1 = floor(2.195 * sqrt(nrq) - 4.6 * q) + 0.5;
    double xm = (double)m + 0.5, xl = xm - p1, xr = xm + p1;
    double c = 0.134 + 20.5 / (15.3 + (double)m);
    double a = (fm - xl) / (fm - xl * p);
    double laml = a * (1.0 + a / 2.0);
    a = (xr - fm) / (xr * q);
    double lamr = a * (1.0 + a / 2.0);
    double p2 = p1 * (1.0 + 2.0 * c), p3 = p2 + c / laml, p4 = p3 + c / lamr;
    for (;;) {
        double u = uniform(g) * p4, v = uniform(g);
        int64_t y;
        if (u <= p1)
            return (int64_t)floor(xm - p1 * v + u);
        if (u <= p2) {
            double x = xl + (u - p1) / c;
            v = v * c + 1.0 - fabs((double)m - x + 0.5) / p1;
            if (v > 1.0)
                continue;
            y = (int64_t)floor(x);
        } else if (u <= p3) {
            if (v <= 0.0)
                continue;
            y = (int64_t)floor(xl + log(v) / laml);
            if (y < 0)
                continue;
            v *= (u - p2) * laml;
        } else {
            if (v <= 0.0)
                continue;
            y = (int64_t)floor(xr - log(v) / lamr);
            if (y > n)
                continue;
            v *= (u - p3) * lamr;
        }
        int64_t k = y > m ? y - m : m - y;
        if (k <= 20 || (double)k >= nrq / 2.0 - 1.0) {
            /* 5.1: f(y) / f(m) by the recurrence */
            double s = p / q, as = s * (double)(n + 1), f = 1.0;
            if (m < y)
                for (int64_t i = m + 1; i <= y; i++)
                    f *= as / (double)i - s;
            else
                for (int64_t i = y + 1; i <= m; i++)
                    f /= as / (double)i - s;
            if (v <= f)
                return y;
            continue;
        }
        /* 5.2: squeeze on log v */
        double kd = (double)k;
        double rho = (kd / nrq) * ((kd * (kd / 3.0 + 0.625) + 1.0 / 6.0) / nrq + 0.5);
        double t = -kd * kd / (2.0 * nrq);
        double lv = log(v);
        if (lv < t - rho)
            return y;
        if (lv > t + rho)
            continue;
        /* 5.3: log f(y) / f(m) by Stirling's formula */
        double x1 = (double)y + 1, f1 = (double)m + 1;
        double z = (double)(n + 1 - m), w = (double)(n - y + 1);
        if (lv <= xm * log(f1 / x1) + ((double)(n - m) + 0.5) * log(z / w) + (double)(y - m) * log(w * p / (x1 * q)) +
                      stirling(f1) + stirling(z) - stirling(x1) - stirling(w))
            return y;
    }
}

static int64_t binomial(rng *g, int64_t n, double p)
{
    if (n <= 0 || p <= 0.0)
        return 0;
    if (p >= 1.0)
        return n;
    double pp = p <= 0.5 ? p : 1.0 - p;
    int64_t x = (double)n * pp < 30.0 ? binv(g, n, pp) : btpe(g, n, pp);
    return p <= 0.5 ? x : n - x;
}

/* ---- one run ---------------------------------------------------------- */

/* Largest remainder: cut want[o] (o = 0..NO-1, zero where the flow does
 * not apply) to `limit` in total. */
static void share_i(int64_t want[NO], int64_t limit)
{
    int64_t sum = 0;
    for (int o = 0; o < NO; o++)
        sum += want[o];
    if (sum <= limit)
        return;
    int64_t rem[NO], given = 0;
    for (int o = 0; o < NO; o++) {
        int64_t num = want[o] * limit;
        rem[o] = num % sum;
        want[o] = num / sum;
        given += want[o];
    }
    for (int64_t left = limit - given; left > 0; left--) {
        int best = -1;
        for (int o = 0; o < NO; o++)
            if (rem[o] >= 0 && (best < 0 || rem[o] > rem[best]))
                best = o;
        want[best]++;
        rem[best] = -1;
    }
}

static void run_stochastic(uint64_t seed, uint64_t run, int steps, int64_t stock[NO][NS])
{
    rng g;
    rng_seed(&g, seed, run);
    memset(stock, 0, sizeof(int64_t) * NO * NS);
    for (int o = 0; o < NO; o++)
        stock[o][PRESENT] = initial_present[o];
    for (int t = 1; t <= steps; t++) {
        int64_t move[NF][NO] = {{0}};
        for (int o = 0; o < NO; o++)
            for (int s = 0; s < NS; s++) {
                const cell_plan *c = &plan[o][s];
                if (c->k == 0)
                    continue;
                int64_t left = binomial(&g, stock[o][s], c->p_leave);
                for (int j = 0; j < c->k; j++) {
                    int64_t x = j == c->k - 1 ? left : binomial(&g, left, c->cond[j]);
                    move[c->f[j]][o] = x;
                    left -= x;
                }
            }
        for (int f = 0; f < NF; f++)
            if (flow[f].cap >= 0)
                share_i(move[f], (int64_t)cap_limit[flow[f].cap]);
        for (int f = 0; f < NF; f++)
            for (int o = 0; o < NO; o++) {
                stock[o][flow[f].from] -= move[f][o];
                stock[o][flow[f].to] += move[f][o];
            }
    }
}

static void run_deterministic(int steps, double stock[NO][NS])
{
    memset(stock, 0, sizeof(double) * NO * NS);
    for (int o = 0; o < NO; o++)
        stock[o][PRESENT] = (double)initial_present[o];
    for (int t = 1; t <= steps; t++) {
        double move[NF][NO] = {{0}};
        for (int o = 0; o < NO; o++)
            for (int s = 0; s < NS; s++) {
                const cell_plan *c = &plan[o][s];
                for (int j = 0; j < c->k; j++)
                    move[c->f[j]][o] = stock[o][s] * c->share[j];
            }
        for (int f = 0; f < NF; f++) {
            if (flow[f].cap < 0)
                continue;
            double sum = 0;
            for (int o = 0; o < NO; o++)
                sum += move[f][o];
            double lim = cap_limit[flow[f].cap];
            if (sum > lim)
                for (int o = 0; o < NO; o++)
                    move[f][o] *= lim / sum;
        }
        for (int f = 0; f < NF; f++)
            for (int o = 0; o < NO; o++) {
                stock[o][flow[f].from] -= move[f][o];
                stock[o][flow[f].to] += move[f][o];
            }
    }
}

/* ---- driver ----------------------------------------------------------- */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static long arg_long(const char *opt, const char *s, long lo)
{
    char *end;
    long v = s ? strtol(s, &end, 10) : 0;
    if (!s || *end || v < lo) {
        fprintf(stderr, "baseline: %s needs a whole number >= %ld\n", opt, lo);
        exit(2);
    }
    return v;
}

int main(int argc, char **argv)
{
    long runs = 10000, steps = 120, seed = 1, repeats = 1;
    int deterministic = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-d") == 0)
            deterministic = 1;
        else if (strcmp(argv[i], "-r") == 0)
            runs = arg_long("-r", argv[++i < argc ? i : 0], 1);
        else if (strcmp(argv[i], "-t") == 0)
            steps = arg_long("-t", argv[++i < argc ? i : 0], 1);
        else if (strcmp(argv[i], "-s") == 0)
            seed = arg_long("-s", argv[++i < argc ? i : 0], 0);
        else if (strcmp(argv[i], "-k") == 0)
            repeats = arg_long("-k", argv[++i < argc ? i : 0], 1);
        else {
            fprintf(stderr, "usage: baseline [-d] [-r RUNS] [-t STEPS] [-s SEED] [-k REPEATS]\n");
            return 2;
        }
    }
    make_plan();
    /* Sums and sums of squares of the final stocks: states, then cells. */
    double sum[NS + NO * NS] = {0}, sq[NS + NO * NS] = {0};
    long n = deterministic ? 1 : runs;
    double t0 = now();
    if (deterministic) {
        double st[NO][NS];
        for (long k = 0; k < repeats; k++)
            run_deterministic((int)steps, st);
        for (int o = 0; o < NO; o++)
            for (int s = 0; s < NS; s++) {
                sum[s] += st[o][s];
                sum[NS + o * NS + s] = st[o][s];
            }
    } else {
        int64_t st[NO][NS];
        for (long r = 0; r < runs; r++) {
            run_stochastic((uint64_t)seed, (uint64_t)r, (int)steps, st);
            for (int s = 0; s < NS; s++) {
                double tot = 0;
                for (int o = 0; o < NO; o++) {
                    double x = (double)st[o][s];
                    tot += x;
                    sum[NS + o * NS + s] += x;
                    sq[NS + o * NS + s] += x * x;
                }
                sum[s] += tot;
                sq[s] += tot * tot;
            }
        }
    }
    double dt = now() - t0;
    printf("# baseline %s runs=%ld steps=%ld seed=%ld repeats=%ld compute_seconds=%.6f\n",
           deterministic ? "deterministic" : "stochastic", n, steps, seed, deterministic ? repeats : 1, dt);
    printf("key,mean,sd,runs\n");
    for (int i = 0; i < NS + NO * NS; i++) {
        double mean = sum[i] / (double)n;
        double var = n > 1 ? (sq[i] - (double)n * mean * mean) / (double)(n - 1) : 0.0;
        if (var < 0)
            var = 0;
        if (i < NS)
            printf("%s,%.10g,%.6g,%ld\n", state_name[i], mean, sqrt(var), n);
        else
            printf("%s.%s,%.10g,%.6g,%ld\n", origin_name[(i - NS) / NS], state_name[(i - NS) % NS], mean, sqrt(var),
                   n);
    }
    return 0;
}
