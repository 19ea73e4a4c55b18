#!/bin/sh
# The one option parser of every command (core/cli/options.c): "--opt
# value" and "--opt=value" give the same result; an unknown option, a
# missing value, a value given to a flag, a bad number and a non-repeatable
# option given twice are refused with exit code 2 and one message style,
# "demob CMD: ... (see demob CMD --help)".
set -eu
. tests/cli/lib.sh
S=tests/cli/fixtures/tiny.lua
W=tests/scenarios/sweep_small.lua
F=tests/fixtures/viz

# same_files DIR1 DIR2 FILE...: the files are byte-identical.
same_files() {
    a=$1; b=$2; shift 2
    for f in "$@"; do
        cmp -s "$a/$f" "$b/$f" || fail "$a/$f and $b/$f differ (the two option forms)"
    done
}

# ---- run: both forms of several options
"$DEMOB" run "$S" --runs 2 --steps 2 --mode stochastic --seed 7 --every 2 --save populations,summary \
    --set intake=0.4 -j 2 -o "$T/run1" --quiet || fail "run, --opt value"
"$DEMOB" run "$S" --runs=2 --steps=2 --mode=stochastic --seed=7 --every=2 --save=populations,summary \
    --set=intake=0.4 -j 2 --out="$T/run2" -q || fail "run, --opt=value"
same_files "$T/run1" "$T/run2" populations.csv summary.csv
[ ! -e "$T/run2/flows.csv" ] || fail "run --save=populations,summary wrote flows.csv"
"$DEMOB" run "$S" --memory-limit=64 --time-limit=5 --instruction-limit=100000000 -o "$T/run3" -q ||
    fail "run with the limits as --opt=value"
# "--" ends the options
"$DEMOB" run -o "$T/run4" -q -- "$S" || fail "run -o DIR -q -- SCENARIO"
[ -e "$T/run4/summary.csv" ] || fail "run -- SCENARIO wrote nothing"

# ---- run: bad command lines
expect 2 "demob run: unknown option '--foo' (see demob run --help)" "$DEMOB" run "$S" --foo
expect 2 "demob run: unknown option '--foo' (see demob run --help)" "$DEMOB" run "$S" --foo=1
expect 2 "demob run: --runs needs a value (--runs N) (see demob run --help)" "$DEMOB" run "$S" --runs
expect 2 "demob run: -o needs a value" "$DEMOB" run "$S" -o
expect 2 "demob run: --quiet takes no value ('--quiet=1')" "$DEMOB" run "$S" --quiet=1
expect 2 "demob run: --trusted takes no value ('--trusted=yes')" "$DEMOB" run "$S" --trusted=yes
expect 2 "demob run: --runs: 'x' is not a whole number in 1..1000000000" "$DEMOB" run "$S" --runs=x
expect 2 "demob run: --every: '0' is not a whole number in 1..1000000" "$DEMOB" run "$S" --every 0
expect 2 "demob run: -j: 'many' is not a whole number in 1..1024" "$DEMOB" run "$S" -j many
expect 2 "demob run: --time-limit: 'soon' is not a number" "$DEMOB" run "$S" --time-limit=soon
expect 2 "demob run: --runs is given twice" "$DEMOB" run "$S" --runs 2 --runs=3
expect 2 "demob run: --save: unknown file 'quantile' (known: populations, flows, costs, budgets, summary, constraints, quantiles)" \
    "$DEMOB" run "$S" --save=quantile
expect 2 "demob run: no scenario file given (see demob run --help)" "$DEMOB" run -q
[ ! -e out/tiny ] || fail "a refused run wrote out/tiny"

# ---- check
out1=$("$DEMOB" check "$S" --steps 5 --mode stochastic --runs 3 --seed 9)
out2=$("$DEMOB" check "$S" --steps=5 --mode=stochastic --runs=3 --seed=9)
[ "$out1" = "$out2" ] || fail "check: '$out1' and '$out2' differ"
case $out1 in *"5 steps, stochastic, 3 runs, seed 9"*) ;; *) fail "check ignored its options: $out1" ;; esac
expect 2 "demob check: unknown option '--every' (see demob check --help)" "$DEMOB" check "$S" --every 2
expect 2 "demob check: --steps needs a value" "$DEMOB" check "$S" --steps
expect 2 "demob check: --trusted takes no value" "$DEMOB" check "$S" --trusted=1
expect 2 "demob check: --steps: '-1' is not a whole number in 1..1000000" "$DEMOB" check "$S" --steps=-1

# ---- sweep
"$DEMOB" sweep "$W" --grid reg=0.1,0.2 --replicates 2 --steps 4 --save summary,quantiles --every 2 \
    -o "$T/sw1" -q || fail "sweep, --opt value"
"$DEMOB" sweep "$W" --grid=reg=0.1,0.2 --replicates=2 --steps=4 --save=summary,quantiles --every=2 \
    --out="$T/sw2" -q || fail "sweep, --opt=value"
same_files "$T/sw1" "$T/sw2" points.csv summary.csv quantiles.csv
"$DEMOB" sweep "$W" --grid reg=0.1,0.2 --replicates=2 --steps=4 --save=summary,quantiles --every=2 \
    --shard=0/2 -o "$T/sh0" -q || fail "sweep --shard=0/2"
"$DEMOB" sweep "$W" --grid reg=0.1,0.2 --replicates=2 --steps=4 --save=summary,quantiles --every=2 \
    --shard 1/2 -o "$T/sh1" -q || fail "sweep --shard 1/2"
expect 2 "demob sweep: unknown option '--grids' (see demob sweep --help)" "$DEMOB" sweep "$W" --grids reg=1
expect 2 "demob sweep: --replicates needs a value" "$DEMOB" sweep "$W" --replicates
expect 2 "demob sweep: --resume takes no value ('--resume=yes')" "$DEMOB" sweep "$W" --resume=yes
expect 2 "demob sweep: --samples: 'ten' is not a whole number in 1..1000000000" "$DEMOB" sweep "$W" --samples=ten
expect 2 "demob sweep: --shard: 'x' is not K/N (e.g. 0/4)" "$DEMOB" sweep "$W" --shard=x

# ---- merge
"$DEMOB" merge -o "$T/m1" "$T/sh0" "$T/sh1" --quiet || fail "merge -o"
"$DEMOB" merge --out="$T/m2" "$T/sh0" "$T/sh1" -q || fail "merge --out="
same_files "$T/sw1" "$T/m1" points.csv summary.csv quantiles.csv
same_files "$T/sw1" "$T/m2" points.csv summary.csv quantiles.csv
expect 2 "demob merge: unknown option '--force' (see demob merge --help)" "$DEMOB" merge -o "$T/m3" --force "$T/sh0"
expect 2 "demob merge: --out needs a value" "$DEMOB" merge "$T/sh0" --out
expect 2 "demob merge: --quiet takes no value ('--quiet=no')" "$DEMOB" merge -o "$T/m3" --quiet=no "$T/sh0"
expect 2 "demob merge: no output folder: give -o OUT (see demob merge --help)" "$DEMOB" merge "$T/sh0"

# ---- compare
"$DEMOB" compare "$F/det_a" "$F/det_b" --top 3 --sort rel --files populations,summary --at 1 \
    --out "$T/c1.csv" > "$T/c1.txt" || fail "compare, --opt value"
"$DEMOB" compare "$F/det_a" "$F/det_b" --top=3 --sort=rel --files=populations,summary --at=1 \
    --out="$T/c2.csv" > "$T/c2.txt" || fail "compare, --opt=value"
cmp -s "$T/c1.csv" "$T/c2.csv" || fail "compare: --out CSV differs between the two forms"
cmp -s "$T/c1.txt" "$T/c2.txt" || fail "compare: the table differs between the two forms"
expect 2 "demob compare: unknown option '--tol' (see demob compare --help)" "$DEMOB" compare "$F/det_a" "$F/det_b" --tol=1
expect 2 "demob compare: --top needs a value" "$DEMOB" compare "$F/det_a" "$F/det_b" --top
expect 2 "demob compare: --noise takes no value ('--noise=1')" "$DEMOB" compare "$F/det_a" "$F/det_b" --noise=1
expect 2 "demob compare: --abs: 'x' is not a number" "$DEMOB" compare "$F/det_a" "$F/det_b" --abs=x
expect 2 "demob compare: --top: '-2' is not a whole number in 0..1000000" "$DEMOB" compare "$F/det_a" "$F/det_b" --top -2

# ---- plot
"$DEMOB" plot "$F/det_a" --width 400 --height 300 --type line --by origin --title T -o "$T/p1.svg" || fail "plot, --opt value"
"$DEMOB" plot "$F/det_a" --width=400 --height=300 --type=line --by=origin --title=T --out="$T/p2.svg" || fail "plot, --opt=value"
cmp -s "$T/p1.svg" "$T/p2.svg" || fail "plot: the SVG differs between the two forms"
grep -q 'width="400"' "$T/p1.svg" || fail "plot ignored --width"
expect 2 "demob plot: unknown option '--colour' (see demob plot --help)" "$DEMOB" plot "$F/det_a" --colour=red -o "$T/x.svg"
expect 2 "demob plot: --title needs a value" "$DEMOB" plot "$F/det_a" -o "$T/x.svg" --title
expect 2 "demob plot: --cumulative takes no value ('--cumulative=1')" "$DEMOB" plot "$F/det_a" --cumulative=1 -o "$T/x.svg"
expect 2 "demob plot: --width: 'wide' is not a whole number in 200..10000" "$DEMOB" plot "$F/det_a" --width=wide -o "$T/x.svg"
[ ! -e "$T/x.svg" ] || fail "a refused plot wrote its file"

# ---- report
"$DEMOB" report "$F/det_a" --title "A title" --peak-state cantoned --label A -o "$T/r1.html" || fail "report, --opt value"
"$DEMOB" report "$F/det_a" --title="A title" --peak-state=cantoned --label=A --out="$T/r2.html" || fail "report, --opt=value"
cmp -s "$T/r1.html" "$T/r2.html" || fail "report: the HTML differs between the two forms"
expect 2 "demob report: unknown option '--theme' (see demob report --help)" "$DEMOB" report "$F/det_a" --theme dark -o "$T/x.html"
expect 2 "demob report: --label needs a value" "$DEMOB" report "$F/det_a" -o "$T/x.html" --label
expect 2 "demob report: --help takes no value ('--help=1')" "$DEMOB" report "$F/det_a" --help=1 -o "$T/x.html"
expect 2 "demob report: --point: 'p' is not a whole number in 0..1000000000" "$DEMOB" report "$F/det_a" --point=p -o "$T/x.html"

# ---- --help: every command, and the defaults printed from the constants
for c in run check sweep merge compare plot report; do
    expect 0 "usage: demob $c" "$DEMOB" "$c" --help
    expect 0 "-h, --help" "$DEMOB" "$c" -h
done
expect 0 "memory of each Lua state (default 256)" "$DEMOB" run --help
expect 0 "(default 800)" "$DEMOB" plot --help
"$DEMOB" report --help | tr -s ' \n' '  ' | grep -qF "(default: the scenario's report.peak_state)" ||
    fail "report --help lacks where --peak-state's default comes from"
finish
