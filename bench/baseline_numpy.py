#!/usr/bin/python3
"""baseline_numpy.py - bench-6x9 (bench/README.md) as a planner's NumPy script.

The same model and semantics as bench/baseline.c and demob's stochastic
mode, vectorized over runs: the stocks of all runs are one int64 array
(runs x origins x states) and every step draws, for each state, the leavers
of all runs and origins in one numpy.random.Generator.binomial call
(NumPy's sampler is inversion below n p = 30 and BTPE above, in C), then
splits them among the state's flows by conditional binomials, the last flow
taking the rest. Capacities cut the movers by the largest remainder method,
ties to the earlier origin, vectorized with a stable argsort.

Usage: /usr/bin/python3 bench/baseline_numpy.py [-r RUNS] [-t STEPS] [-s SEED]
Prints "# ..." with the compute time (imports excluded), then CSV
"key,mean,sd,runs" for every state (summed over origins) and every
origin.state cell, as bench/check_means.py reads it.
"""
import argparse
import sys
import time

import numpy as np

ORIGINS = ["Sudan", "Chad", "Syria", "Russia", "Niger", "Other"]
STATES = ["present", "registered", "cantoned", "disarmed", "demobilized",
          "stranded", "repatriated", "reintegrated", "redeployed"]
PRESENT = [3000, 2000, 7000, 2000, 500, 1000]
ALL = ORIGINS
# (from, to, rate, origins, capacity limit or None), in declaration order.
FLOWS = [
    ("present", "registered", 0.10, ALL, None),
    ("present", "redeployed", 0.02, ALL, None),
    ("registered", "cantoned", 0.50, ALL, 600),
    ("registered", "present", 0.05, ALL, None),
    ("cantoned", "disarmed", 0.40, ALL, None),
    ("cantoned", "present", 0.02, ALL, None),
    ("disarmed", "demobilized", 0.60, ALL, None),
    ("demobilized", "repatriated", 0.30, ["Syria", "Russia", "Niger", "Other"], 300),
    ("demobilized", "stranded", 0.20, ["Sudan", "Chad"], None),
    ("demobilized", "redeployed", 0.01, ALL, None),
    ("stranded", "repatriated", 0.05, ["Sudan", "Chad"], None),
    ("stranded", "redeployed", 0.03, ALL, None),
    ("repatriated", "reintegrated", 0.25, ALL, None),
    ("reintegrated", "redeployed", 0.005, ALL, None),
]


def plan():
    """Per source state: (state index, p_leave per origin, [(flow, to, cond
    per origin)]) with cond the conditional probability h_j / (H - h_<j);
    the last flow (which applies to every origin here) takes the rest."""
    out = []
    for s, name in enumerate(STATES):
        fl = [f for f in range(len(FLOWS)) if FLOWS[f][0] == name]
        if not fl:
            continue
        h = np.zeros((len(fl), len(ORIGINS)))
        for j, f in enumerate(fl):
            for o, oname in enumerate(ORIGINS):
                if oname in FLOWS[f][3]:
                    h[j, o] = -np.log1p(-FLOWS[f][2])
        H = h.sum(axis=0)
        assert (h[-1] > 0).all(), "the last flow of a state must apply to every origin"
        left = H.copy()
        parts = []
        for j, f in enumerate(fl):
            cond = np.minimum(1.0, h[j] / left) if j < len(fl) - 1 else None
            parts.append((f, STATES.index(FLOWS[f][1]), cond))
            left = left - h[j]
        out.append((s, -np.expm1(-H), parts))
    return out


def share(want, limit):
    """Largest remainder cut of want (runs x origins) to limit per run."""
    total = want.sum(axis=1)
    over = total > limit
    if not over.any():
        return want
    w = want[over]
    t = total[over][:, None]
    num = w * limit
    q, rem = num // t, num % t
    left = limit - q.sum(axis=1)
    # rank of each origin by remainder, larger first, ties to the earlier
    order = np.argsort(-rem, axis=1, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(w.shape[1])[None, :].repeat(w.shape[0], 0), axis=1)
    q += rank < left[:, None]
    want = want.copy()
    want[over] = q
    return want


def simulate(runs, steps, seed):
    rng = np.random.default_rng(seed)
    p = plan()
    stock = np.zeros((runs, len(ORIGINS), len(STATES)), dtype=np.int64)
    stock[:, :, 0] = PRESENT
    caps = [f for f in range(len(FLOWS)) if FLOWS[f][4] is not None]
    for _ in range(steps):
        moves = {}
        for s, p_leave, parts in p:
            left = rng.binomial(stock[:, :, s], p_leave)
            for f, to, cond in parts:
                if cond is None:
                    x = left
                else:
                    x = rng.binomial(left, cond)
                    left = left - x
                moves[f] = (s, to, x)
        for f in caps:
            s, to, x = moves[f]
            moves[f] = (s, to, share(x, FLOWS[f][4]))
        for s, to, x in moves.values():
            stock[:, :, s] -= x
            stock[:, :, to] += x
    return stock


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-r", type=int, default=10000, help="runs")
    ap.add_argument("-t", type=int, default=120, help="steps")
    ap.add_argument("-s", type=int, default=1, help="seed")
    a = ap.parse_args()
    t0 = time.perf_counter()
    stock = simulate(a.r, a.t, a.s).astype(np.float64)
    dt = time.perf_counter() - t0
    n = a.r
    print(f"# baseline_numpy stochastic runs={n} steps={a.t} seed={a.s} numpy={np.__version__} "
          f"compute_seconds={dt:.6f}")
    print("key,mean,sd,runs")
    ddof = 1 if n > 1 else 0
    tot = stock.sum(axis=1)
    for s, name in enumerate(STATES):
        print(f"{name},{tot[:, s].mean():.10g},{tot[:, s].std(ddof=ddof):.6g},{n}")
    for o, oname in enumerate(ORIGINS):
        for s, name in enumerate(STATES):
            x = stock[:, o, s]
            print(f"{oname}.{name},{x.mean():.10g},{x.std(ddof=ddof):.6g},{n}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
