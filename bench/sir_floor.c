/* sir_floor.c - the stochastic SIR bench (bench/sir_expr.lua) as a bare C
 * loop that calls the engine's own random stream and binomial sampler
 * (core/engine/rng.c, binomial.c) and nothing else: two prepared binomial
 * draws per run and step, the infection probability 1 - e^-h prepared once
 * per distinct hazard h (as the engine remembers it). No model, no output.
 * Its time is the floor under any demob run of the model with today's
 * exact sampler: what is left once the engine costs nothing.
 *
 * Build: cc -O2 -Icore/engine bench/sir_floor.c core/engine/rng.c
 *        core/engine/binomial.c -lm
 * Usage: sir_floor [-r RUNS]; prints the mean of R at the last step. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "binomial.h"

#define MEMO 512

int main(int argc, char **argv)
{
    long runs = 20000;
    if (argc == 3 && strcmp(argv[1], "-r") == 0)
        runs = atol(argv[2]);
    const double n_pop = 1000, beta = 0.2, gamma = 0.1, dt = 0.25;
    static struct { double h; binomial_p bp; } memo[MEMO];
    for (int i = 0; i < MEMO; i++)
        memo[i].h = -1;
    binomial_p recover;
    binomial_prepare(&recover, -expm1(-gamma * dt));
    double sum_r = 0;
    for (long run = 0; run < runs; run++) {
        rng g;
        rng_seed(&g, 1, (uint64_t)run);
        int64_t s = 990, i = 10, r = 0;
        for (int t = 0; t < 800; t++) {
            double h = beta * (double)i / n_pop * dt;
            uint64_t bits;
            memcpy(&bits, &h, sizeof bits);
            int slot = (int)((bits * 0x9E3779B97F4A7C15u) >> 55);
            if (memo[slot].h != h) {
                memo[slot].h = h;
                binomial_prepare(&memo[slot].bp, -expm1(-h));
            }
            int64_t infected = binomial_draw_prepared(&g, s, &memo[slot].bp);
            int64_t recovered = binomial_draw_prepared(&g, i, &recover);
            s -= infected;
            i += infected - recovered;
            r += recovered;
        }
        sum_r += (double)r;
    }
    printf("mean R at step 800: %.3f over %ld runs\n", sum_r / (double)runs, runs);
    return 0;
}
