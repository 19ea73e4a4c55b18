#!/usr/bin/python3
"""sir_numpy.py - the stochastic SIR bench (bench/sir_expr.lua) as a NumPy
script vectorised across runs, the way odin/dust-style models are written
in Python: N 1,000, I0 10, beta 0.2, gamma 0.1, dt 0.25, 800 steps, binomial
draws. Every step draws the infections of all runs in one
numpy.random.Generator.binomial call with p = 1 - exp(-beta I / N dt) per
run, then the recoveries with p = 1 - exp(-gamma dt).

Usage: /usr/bin/python3 bench/sir_numpy.py [-r RUNS] [-t STEPS] [-s SEED]
Prints "# ..." with the compute time (imports excluded), then CSV
"key,mean,sd,runs" for S, I and R at the last step, also as the cells
pop.S, pop.I, pop.R of demob's one origin (bench/check_means.py).
"""
import argparse
import time

import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-r", "--runs", type=int, default=20000)
    ap.add_argument("-t", "--steps", type=int, default=800)
    ap.add_argument("-s", "--seed", type=int, default=1)
    a = ap.parse_args()
    n_pop, beta, gamma, dt = 1000, 0.2, 0.1, 0.25
    t0 = time.perf_counter()
    rng = np.random.default_rng(a.seed)
    s = np.full(a.runs, n_pop - 10, dtype=np.int64)
    i = np.full(a.runs, 10, dtype=np.int64)
    r = np.zeros(a.runs, dtype=np.int64)
    p_ir = 1.0 - np.exp(-gamma * dt)
    for _ in range(a.steps):
        p_si = 1.0 - np.exp(-beta * i / n_pop * dt)
        n_si = rng.binomial(s, p_si)
        n_ir = rng.binomial(i, p_ir)
        s -= n_si
        i += n_si - n_ir
        r += n_ir
    t1 = time.perf_counter()
    print(f"# sir_numpy: {a.runs} runs x {a.steps} steps in {t1 - t0:.3f} s")
    print("key,mean,sd,runs")
    for name, x in (("S", s), ("I", i), ("R", r)):
        for key in (name, "pop." + name):   # the state, and demob's one origin
            print(f"{key},{x.mean():.6f},{x.std(ddof=1):.6f},{a.runs}")


if __name__ == "__main__":
    main()
