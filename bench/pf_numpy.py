#!/usr/bin/python3
"""pf_numpy.py - the bootstrap particle filter of `demob fit --method pmcmc`
written as a planner would in NumPy, for the bench: the model of
tests/scenarios/fit_recover.lua (2,000 people in a; a->b at r_in, b->c at
r_out, stochastic, 12 monthly steps; the movers along both flows observed
each step, Poisson), P particles vectorised, systematic resampling at every
observation time. Prints the mean log-likelihood estimate and the time.

usage: pf_numpy.py DATA_IN.csv DATA_OUT.csv [-p PARTICLES] [-n FILTERS]
"""
import sys
import time

import numpy as np
from scipy.special import gammaln


def read(path):
    rows = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    return {int(s): c for s, c in rows}


def pf(rng, obs_in, obs_out, P, r_in=0.08, r_out=0.25, steps=12):
    a = np.full(P, 2000, dtype=np.int64)
    b = np.zeros(P, dtype=np.int64)
    ll = 0.0
    for t in range(1, steps + 1):
        m1 = rng.binomial(a, r_in)
        m2 = rng.binomial(b, r_out)
        a -= m1
        b += m1 - m2
        lw = np.zeros(P)
        for moved, obs in ((m1, obs_in), (m2, obs_out)):
            if t in obs:
                y = obs[t]
                mu = moved.astype(float)
                with np.errstate(divide="ignore"):
                    l = np.where(mu > 0, y * np.log(mu) - mu - gammaln(y + 1), np.where(y == 0, 0.0, -np.inf))
                lw += l
        mx = lw.max()
        w = np.exp(lw - mx)
        ll += mx + np.log(w.mean())
        pos = (rng.random() + np.arange(P)) / P
        idx = np.searchsorted(np.cumsum(w / w.sum()), pos)
        idx = np.minimum(idx, P - 1)
        a = a[idx]
        b = b[idx]
    return ll


def main():
    args = sys.argv[1:]
    P, n = 1000, 20
    if "-p" in args:
        i = args.index("-p")
        P = int(args[i + 1])
        del args[i:i + 2]
    if "-n" in args:
        i = args.index("-n")
        n = int(args[i + 1])
        del args[i:i + 2]
    obs_in, obs_out = read(args[0]), read(args[1])
    rng = np.random.default_rng(1)
    t0, c0 = time.perf_counter(), time.process_time()
    with np.errstate(invalid="ignore"):
        lls = [pf(rng, obs_in, obs_out, P) for _ in range(n)]
    el, cpu = time.perf_counter() - t0, time.process_time() - c0
    # seconds: wall time of the filters alone; cpu_seconds: their CPU time
    # (neither counts Python's start nor importing NumPy and SciPy).
    print("filters %d particles %d steps 12 mean_loglik %.4f seconds %.4f cpu_seconds %.4f particle_steps_per_s %.0f"
          % (n, P, float(np.mean(lls)), el, cpu, n * P * 12 / cpu))


if __name__ == "__main__":
    main()
