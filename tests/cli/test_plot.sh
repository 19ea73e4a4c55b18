#!/bin/sh
# demob plot: every chart type (line, stacked area, fan, overlay, costs,
# flows, sweeps), well-formed and byte-stable SVG, and every class of bad
# input with its exit code and message. Fixtures: tests/fixtures/viz/.
set -eu
LC_ALL=C
export LC_ALL
: "${DEMOB:?set DEMOB to the demob binary}"
F=tests/fixtures/viz
. tests/cli/lib.sh   # T, fail, expect

# count FILE STRING: occurrences of a fixed string
count() { grep -oF -- "$2" "$1" | wc -l | tr -d ' '; }

# well_formed FILE: parses as XML (python3 is on every machine that runs
# the browser test; without it this check is left to that test)
well_formed() {
    if command -v python3 >/dev/null 2>&1; then
        python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' "$1" \
            || fail "$1 is not well-formed XML"
    fi
}

# plot NAME ARGS...: draws $T/NAME.svg, which must exist and be well formed
plot() {
    name=$1
    shift
    "$DEMOB" plot "$@" -o "$T/$name.svg" || { fail "plot $name: exit $?"; return 0; }
    [ -s "$T/$name.svg" ] || fail "plot $name: no file"
    head -c 5 "$T/$name.svg" | grep -q '<?xml' || fail "plot $name: not an SVG file"
    well_formed "$T/$name.svg"
}

expect 0 "usage: demob plot DIR" "$DEMOB" plot --help
for code in "  0  the chart was written" "  1  the chart could not be written" "  2  bad usage"; do
    "$DEMOB" plot --help | grep -qF -- "$code" || fail "--help lacks exit code line '$code'"
done

# --- line chart of one deterministic folder: 8 states, dates on the axis
plot line "$F/det_a"
[ "$(count "$T/line.svg" 'stroke-width="2" stroke-linejoin')" = 8 ] || fail "line: not 8 lines"
grep -q '>People by state</text>' "$T/line.svg" || fail "line: title"
grep -q '>Toy A: baseline</text>' "$T/line.svg" || fail "line: subtitle from the manifest"
grep -q '>Jan 2022</text>' "$T/line.svg" || fail "line: dates on the x axis"
grep -q '>15,000</text>' "$T/line.svg" || fail "line: y ticks (15,000 for 14,000 people)"
grep -q '>reintegrated</text>' "$T/line.svg" || fail "line: legend"
# byte-stable
"$DEMOB" plot "$F/det_a" -o "$T/line2.svg"
cmp -s "$T/line.svg" "$T/line2.svg" || fail "the same chart twice gave different bytes"

# --- stacked area, by origin, one state
plot area "$F/det_a" --type area --by origin --state present
[ "$(count "$T/area.svg" 'fill-opacity="0.85"')" = 8 ] || fail "area: 4 areas + 4 swatches"
grep -q '>People present by origin</text>' "$T/area.svg" || fail "area: title"

# --- fan chart of a stochastic folder (auto picks fan for several runs)
plot fan "$F/sto_a" --state redeployed,stranded
[ "$(count "$T/fan.svg" 'fill-opacity="0.18"')" = 4 ] || fail "fan: 2 bands + 2 swatches"
grep -q 'median and p5-p95 of 5 runs' "$T/fan.svg" || fail "fan: subtitle"
plot mean "$F/sto_a" --type line --state redeployed
grep -q 'mean of 5 runs' "$T/mean.svg" || fail "line of a stochastic folder: means"

# --- two scenarios overlaid: one colour each for one series...
plot overlay "$F/sto_a" "$F/sto_b" --by total --state redeployed
grep -q '>Toy A: baseline</text>' "$T/overlay.svg" || fail "overlay: legend A"
grep -q '>Toy B: faster registration</text>' "$T/overlay.svg" || fail "overlay: legend B"
grep -q '>People redeployed</text>' "$T/overlay.svg" || fail "overlay: title"
# ...and one dash per scenario for several series each
plot overlay2 "$F/det_a" "$F/det_b" --by origin --state stranded --label A --label B
grep -q '>B: Sudan</text>' "$T/overlay2.svg" || fail "overlay2: --label"
[ "$(count "$T/overlay2.svg" 'stroke-dasharray="7 4"')" = 8 ] || fail "overlay2: B dashed (4 lines + 4 swatches)"

# --- costs to date, flows, sweeps
plot costs "$F/det_a" --data costs --cumulative --type area
grep -q '>Costs to date by category</text>' "$T/costs.svg" || fail "costs: title"
grep -q '>4M</text>' "$T/costs.svg" || fail "costs: ticks in millions"
plot flows "$F/det_a" --data flows --flow 'present->registered' --by origin
grep -q '>People moved per step by origin: present-&gt;registered</text>' "$T/flows.svg" || fail "flows: title"
plot sweep "$F/sweep" --point 1 --by total --state present
grep -q 'sweep point 1; median and p5-p95 of 3 runs' "$T/sweep.svg" || fail "sweep: subtitle"
mkdir -p "$T/qonly"
cp "$F/sweep/quantiles.csv" "$F/sweep/manifest.json" "$T/qonly/"
plot quantiles "$T/qonly" --point 1 --origin Sudan --state stranded
grep -q 'fill-opacity="0.18"' "$T/quantiles.svg" || fail "quantiles.csv: fan from its p5/p95"

# --- bad input
expect 2 "give the chart's file with -o" "$DEMOB" plot "$F/det_a"
expect 2 "$T/nope: no such folder" "$DEMOB" plot "$T/nope" -o "$T/x.svg"
expect 2 "(see demob plot --help)" "$DEMOB" plot "$T/nope" --bogus -o "$T/x.svg"
expect 2 "unknown option '--colour'" "$DEMOB" plot "$F/det_a" --colour red -o "$T/x.svg"
expect 2 "--type: 'pie' is not line, area, fan or auto" "$DEMOB" plot "$F/det_a" --type pie -o "$T/x.svg"
expect 2 "a fan chart needs several runs" "$DEMOB" plot "$F/det_a" --type fan -o "$T/x.svg"
expect 2 "a stacked area chart shows one folder" "$DEMOB" plot "$F/det_a" "$F/det_b" --type area -o "$T/x.svg"
expect 2 "no rows match the selection (there are origins: Sudan Chad Syria Russia" \
    "$DEMOB" plot "$F/det_a" --origin Narnia -o "$T/x.svg"
expect 2 "--category selects costs" "$DEMOB" plot "$F/det_a" --category transport -o "$T/x.svg"
expect 2 "holds 2 sweep points; choose one with --point" "$DEMOB" plot "$T/qonly" -o "$T/x.svg"
expect 2 "quantiles of parts do not add up" "$DEMOB" plot "$T/qonly" --point 1 --type fan -o "$T/x.svg"
mkdir -p "$T/empty" "$T/nan"
: > "$T/empty/populations.csv"
expect 2 "empty" "$DEMOB" plot "$T/empty" -o "$T/x.svg"
printf 'run,step,date,origin,state,count\n1,0,,Sudan,present,12\n1,1,,Sudan,present,abc\n' > "$T/nan/populations.csv"
expect 2 "$T/nan/populations.csv:3:20: column 'count': 'abc' is not a number" "$DEMOB" plot "$T/nan" -o "$T/x.svg"
expect 2 "no costs.csv in this folder" "$DEMOB" plot "$T/nan" --data costs -o "$T/x.svg"
[ ! -e "$T/x.svg" ] || fail "a chart was written despite bad input"
expect 1 "$T/no/such/dir/c.svg" "$DEMOB" plot "$F/det_a" -o "$T/no/such/dir/c.svg"
[ ! -e "$T/no" ] || fail "something was written for an unwritable path"

# --- on the output of demob run itself
if "$DEMOB" run tests/cli/fixtures/tiny.lua -o "$T/tiny" --quiet 2>/dev/null; then
    plot tiny "$T/tiny"
    plot tinyarea "$T/tiny" --type area
else
    fail "demob run tests/cli/fixtures/tiny.lua failed"
fi

if [ "$fails" -gt 0 ]; then echo "test_plot: $fails failure(s)"; exit 1; fi
echo "test_plot: ok"
