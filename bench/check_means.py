#!/usr/bin/python3
"""check_means.py - do demob and the baselines agree on bench-6x9's means?

Reads demob's summary.csv (one row per run, columns final.<state> and
final.<origin>.<state>) and one or more baseline outputs ("key,mean,sd,runs"
CSV from bench/baseline.c or bench/baseline_numpy.py; lines starting with
'#' are comments). For each state (summed over origins) it prints the two
means, their difference in standard errors of the difference,
z = |m1 - m2| / sqrt(sd1^2/n1 + sd2^2/n2), and PASS when z < LIMIT (5 by
default: a false alarm has odds of about 1 in 1.7 million per state). The 54
origin.state cells are checked the same way and summed up in one line.
With --deterministic the runs are single expected values and must agree to a
relative 1e-9 (plus 1e-9 absolute).

Usage: check_means.py [--deterministic] [--limit Z] DEMOB_SUMMARY.csv NAME=BASELINE.csv ...
Exit status 1 if anything failed, 0 otherwise. Standard library only.
"""
import argparse
import csv
import math
import sys


def read_summary(path):
    """Mean, sd and count of every final.* column of a demob summary.csv."""
    with open(path, newline="") as f:
        rows = csv.reader(f)
        header = next(rows)
        cols = [(i, h[len("final."):]) for i, h in enumerate(header) if h.startswith("final.")]
        s = {k: 0.0 for _, k in cols}
        sq = {k: 0.0 for _, k in cols}
        n = 0
        for row in rows:
            n += 1
            for i, k in cols:
                x = float(row[i])
                s[k] += x
                sq[k] += x * x
    out = {}
    for _, k in cols:
        mean = s[k] / n
        var = (sq[k] - n * mean * mean) / (n - 1) if n > 1 else 0.0
        out[k] = (mean, math.sqrt(max(var, 0.0)), n)
    return out


def read_baseline(path):
    out = {}
    with open(path, newline="") as f:
        lines = [l for l in f if not l.startswith("#")]
    for row in csv.DictReader(lines):
        out[row["key"]] = (float(row["mean"]), float(row["sd"]), int(row["runs"]))
    return out


def compare(a, b, deterministic, limit):
    """(ok, z or relative error) for two (mean, sd, n)."""
    (m1, s1, n1), (m2, s2, n2) = a, b
    if deterministic:
        err = abs(m1 - m2)
        return err <= 1e-9 * max(abs(m1), abs(m2)) + 1e-9, err
    se = math.sqrt(s1 * s1 / n1 + s2 * s2 / n2)
    if se == 0:
        return m1 == m2, 0.0 if m1 == m2 else math.inf
    z = abs(m1 - m2) / se
    return z < limit, z


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--deterministic", action="store_true")
    ap.add_argument("--limit", type=float, default=5.0, help="standard errors (default 5)")
    ap.add_argument("summary")
    ap.add_argument("baselines", nargs="+", metavar="NAME=FILE")
    a = ap.parse_args()
    demob = read_summary(a.summary)
    states = [k for k in demob if "." not in k]
    failed = 0
    for spec in a.baselines:
        name, _, path = spec.partition("=")
        base = read_baseline(path)
        unit = "abs err" if a.deterministic else "z (SE)"
        print(f"  means: demob vs {name}")
        print(f"    {'state':<14}{'demob':>14}{name:>14}{unit:>10}")
        for k in states:
            if k not in base:
                print(f"    {k:<14} missing from {path}  FAIL")
                failed += 1
                continue
            ok, z = compare(demob[k], base[k], a.deterministic, a.limit)
            failed += not ok
            print(f"    {k:<14}{demob[k][0]:>14.6g}{base[k][0]:>14.6g}{z:>10.3g}  {'PASS' if ok else 'FAIL'}")
        cells = [k for k in demob if "." in k]
        bad = [k for k in cells if k not in base or not compare(demob[k], base[k], a.deterministic, a.limit)[0]]
        failed += len(bad)
        worst = max((compare(demob[k], base[k], a.deterministic, a.limit)[1] for k in cells if k in base), default=0)
        print(f"    cells (origin.state): {len(cells) - len(bad)}/{len(cells)} agree, worst {unit} {worst:.3g}"
              f"  {'PASS' if not bad else 'FAIL: ' + ', '.join(bad)}")
    print(f"  means check: {'PASS' if not failed else f'FAIL ({failed} disagreements)'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
