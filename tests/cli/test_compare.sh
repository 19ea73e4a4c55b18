#!/bin/sh
# demob compare: folders and files, tables, --out CSV, tolerance and noise
# gates (exit 0 / 1), and every class of bad input (exit 2, or 1 for an
# unwritable --out) with its message. Fixtures: tests/fixtures/viz/.
set -eu
LC_ALL=C
export LC_ALL
: "${DEMOB:?set DEMOB to the demob binary}"
F=tests/fixtures/viz
. tests/cli/lib.sh   # T, fail, expect

# --- help documents every exit code
expect 0 "usage: demob compare A B" "$DEMOB" compare --help
for code in "  0  compared" "  1  with --abs/--rel" "  2  bad usage or bad input"; do
    "$DEMOB" compare --help | grep -qF -- "$code" || fail "--help lacks exit code line '$code'"
done

# --- two deterministic folders: the report
expect 0 "Parameters that differ: registration 0.1 -> 0.2, site_intake 600 -> 900" \
    "$DEMOB" compare "$F/det_a" "$F/det_b"
out=$("$DEMOB" compare "$F/det_a" "$F/det_b" --files populations --top 3)
printf '%s\n' "$out" | grep -q "Steps compared: 24 (final)" || fail "final step not named"
# the largest difference (worked from the fixture): reintegrated, all origins,
# 5585.65483518 -> 7623.74029... = +2038.1, +36.5%
printf '%s\n' "$out" | grep -q "(all)  *reintegrated  *5585.7  *7623.7  *+2038.1  *+36.5%" \
    || fail "largest difference row wrong: $out"
printf '%s\n' "$out" | grep -q "40 values in both: 2 equal, 38 differ." || fail "counts: $out"

# --- --out writes tidy CSV: header + one row per value of every file compared
"$DEMOB" compare "$F/det_a" "$F/det_b" --files populations,costs --out "$T/diff.csv" >/dev/null
head -1 "$T/diff.csv" | grep -qx "file,point,run,step,date,origin,item,a_n,a_mean,a_lo,a_hi,b_n,b_mean,b_lo,b_hi,diff,rel,beyond_noise,status" \
    || fail "diff.csv header: $(head -1 "$T/diff.csv")"
# populations: 4 origins x 8 states + 8 totals = 40; costs: 4 x 2 + 2 + 4 + 1 = 15
[ "$(wc -l < "$T/diff.csv")" = 56 ] || fail "diff.csv has $(wc -l < "$T/diff.csv") lines, expected 56"
grep -q '^populations.csv,,,24,2022-11,Sudan,present,1,' "$T/diff.csv" || fail "diff.csv lacks Sudan present"

# --- tolerance gates
expect 0 "OK: everything within the tolerance" "$DEMOB" compare "$F/det_a" "$F/det_a" --abs 0
expect 1 "DIFFERENT" "$DEMOB" compare "$F/det_a" "$F/det_b" --abs 1
expect 1 "differ beyond tolerance" "$DEMOB" compare "$F/det_a" "$F/det_b" --rel 0.5
expect 0 "OK" "$DEMOB" compare "$F/det_a" "$F/det_b" --files populations --abs 2100
# two CSV files of the same kind
expect 0 "populations: A = $F/det_a/populations.csv" \
    "$DEMOB" compare "$F/det_a/populations.csv" "$F/det_b/populations.csv"
# --at adds steps; --all-steps takes them all
"$DEMOB" compare "$F/det_a" "$F/det_b" --files populations --at 6,12 --out "$T/at.csv" >/dev/null
[ "$(cut -d, -f4 "$T/at.csv" | sort -u | tr '\n' ' ')" = "12 24 6 step " ] || fail "--at steps: $(cut -d, -f4 "$T/at.csv" | sort -u | tr '\n' ' ')"

# --- stochastic: means with intervals, sampling noise
expect 0 "mean ± 95% CI over runs" "$DEMOB" compare "$F/sto_a" "$F/sto_b" --files populations
expect 1 "beyond sampling noise" "$DEMOB" compare "$F/sto_a" "$F/sto_b" --files populations --noise
expect 0 "0 beyond sampling noise" "$DEMOB" compare "$F/sto_a" "$F/sto_a" --files populations --noise
expect 0 "run by run" "$DEMOB" compare "$F/sto_a" "$F/sto_b" --files populations --by-run
# sweeps align on points
expect 0 "80 values in both: 80 equal" "$DEMOB" compare "$F/sweep" "$F/sweep" --files populations --abs 0

# --- bad input: exit 2 and a clear message
expect 2 "$T/nope: no such folder or file" "$DEMOB" compare "$T/nope" "$F/det_a"
expect 2 "give two outputs" "$DEMOB" compare "$F/det_a"
expect 2 "unknown option '--frobnicate'" "$DEMOB" compare "$F/det_a" "$F/det_b" --frobnicate
expect 2 "--abs: 'x' is not a number" "$DEMOB" compare "$F/det_a" "$F/det_b" --abs x
expect 2 "cannot compare a folder with a file" "$DEMOB" compare "$F/det_a" "$F/det_b/populations.csv"
mkdir -p "$T/empty" "$T/nan" "$T/text" "$T/other" "$T/none"
: > "$T/empty/populations.csv"
expect 2 "empty" "$DEMOB" compare "$F/det_a" "$T/empty"
{ head -3 "$F/det_a/populations.csv"; echo "1,0,2020-11,Sudan,demobilized,NaN"; } > "$T/nan/populations.csv"
expect 2 "$T/nan/populations.csv:4:31: column 'count': 'NaN' is not a number" \
    "$DEMOB" compare "$F/det_a" "$T/nan"
printf 'run,step,date,origin,state,count\n1,x,,Sudan,present,1\n' > "$T/text/populations.csv"
expect 2 "$T/text/populations.csv:2:3: column 'step': 'x' is not a whole number" \
    "$DEMOB" compare "$F/det_a" "$T/text"
# outputs of another model: nothing to align
printf 'run,step,date,origin,state,count\n1,24,2022-11,Mars,orbiting,5\n' > "$T/other/populations.csv"
expect 2 "no key in common" "$DEMOB" compare "$F/det_a" "$T/other" --files populations
expect 2 "A holds populations" "$DEMOB" compare "$F/det_a/populations.csv" "$F/det_a/flows.csv"
expect 2 "has a point column (a sweep)" "$DEMOB" compare "$F/det_a" "$F/sweep" --files populations
expect 2 "not a demob output folder" "$DEMOB" compare "$F/det_a" "$T/none"
# an unwritable --out is a failure of the run: exit 1, no file
expect 1 "$T/missing/dir/diff.csv" "$DEMOB" compare "$F/det_a" "$F/det_b" --out "$T/missing/dir/diff.csv"
[ ! -e "$T/missing" ] || fail "something was written for an unwritable --out"

# --- on the output of demob run itself (same seed: identical)
if "$DEMOB" run tests/cli/fixtures/tiny.lua -o "$T/tiny1" --quiet 2>/dev/null &&
   "$DEMOB" run tests/cli/fixtures/tiny.lua -o "$T/tiny2" --quiet 2>/dev/null; then
    expect 0 "OK: everything within the tolerance" "$DEMOB" compare "$T/tiny1" "$T/tiny2" --abs 0
else
    fail "demob run tests/cli/fixtures/tiny.lua failed"
fi

# --save all folders hold constraints.csv, which compare leaves out (its
# binding counts are summary.csv's bound.* columns): it used to stop there.
if "$DEMOB" run tests/cli/fixtures/tiny.lua -o "$T/all1" --save all --quiet 2>/dev/null &&
   "$DEMOB" run tests/cli/fixtures/tiny.lua -o "$T/all2" --save all --quiet 2>/dev/null; then
    [ -f "$T/all1/constraints.csv" ] || fail "test set-up: --save all wrote no constraints.csv"
    expect 0 "OK: everything within the tolerance" "$DEMOB" compare "$T/all1" "$T/all2" --abs 0
    expect 2 "'constraints' is not one of populations" "$DEMOB" compare "$T/all1" "$T/all2" --files constraints
else
    fail "demob run tests/cli/fixtures/tiny.lua --save all failed"
fi

# Folders with outcomes compare their outcomes.csv too (a scenario with
# outcome {}, two seeds: the outcomes differ).
if "$DEMOB" run scenarios/libya_2020.lua --runs 3 --seed 1 -o "$T/out1" --quiet 2>/dev/null &&
   "$DEMOB" run scenarios/libya_2020.lua --runs 3 --seed 2 -o "$T/out2" --quiet 2>/dev/null; then
    expect 1 "outcomes: A = $T/out1/outcomes.csv" "$DEMOB" compare "$T/out1" "$T/out2" --abs 0
    expect 1 "outcomes: A = $T/out1/outcomes.csv" "$DEMOB" compare "$T/out1" "$T/out2" --files outcomes --abs 0
else
    fail "demob run scenarios/libya_2020.lua failed"
fi

if [ "$fails" -gt 0 ]; then echo "test_compare: $fails failure(s)"; exit 1; fi
echo "test_compare: ok"
