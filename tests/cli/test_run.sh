#!/bin/sh
# demob run: golden output, reproducibility across -j, every shipped
# scenario runs, atomic output, and every class of bad input.
set -u
. tests/cli/lib.sh

# --- golden deterministic output
"$DEMOB" run tests/cli/fixtures/tiny.lua -o "$T/tiny" --quiet || fail "tiny did not run"
for f in populations.csv flows.csv summary.csv; do
    cmp -s "$T/tiny/$f" "tests/golden/tiny/$f" || fail "tiny/$f differs from tests/golden/tiny/$f"
done
grep -q '"scenario_sha256": "[0-9a-f]\{64\}"' "$T/tiny/manifest.json" || fail "manifest lacks the scenario hash"
[ ! -e "$T/tiny/costs.csv" ] || fail "costs.csv written for a scenario without costs"

# --- reproducible: same seed, same bytes, whatever -j; another seed differs
"$DEMOB" run scenarios/bench_6x9.lua --runs 40 --steps 24 -j 1 -o "$T/j1" --quiet || fail "bench j1"
"$DEMOB" run scenarios/bench_6x9.lua --runs 40 --steps 24 -j 2 -o "$T/j2" --quiet || fail "bench j2"
"$DEMOB" run scenarios/bench_6x9.lua --runs 40 --steps 24 -j 2 -o "$T/s2" --seed 2 --quiet || fail "bench seed 2"
for f in populations.csv flows.csv summary.csv; do
    cmp -s "$T/j1/$f" "$T/j2/$f" || fail "$f differs between -j 1 and -j 2"
done
cmp -s "$T/j1/summary.csv" "$T/s2/summary.csv" && fail "seed 2 gave the same summary as seed 1"
# runs get different streams: run 1 and run 2 final rows differ
a=$(sed -n 2p "$T/j1/summary.csv" | cut -d, -f2-); b=$(sed -n 3p "$T/j1/summary.csv" | cut -d, -f2-)
[ "$a" != "$b" ] || fail "runs 1 and 2 gave the same outcome"
# the populations file has runs x (steps + 1) x origins x states rows (+ header)
rows=$(wc -l < "$T/j1/populations.csv")
[ "$rows" = $((40 * 25 * 6 * 9 + 1)) ] || fail "populations.csv has $rows lines"

# --- the README's example scenario is valid and runs
awk '/^## A scenario/{on=1} on && /^```lua/{f=1;next} f && /^```/{exit} f' README.md > "$T/readme.lua"
[ -s "$T/readme.lua" ] || fail "no example scenario found in README.md"
"$DEMOB" run "$T/readme.lua" --runs 2 -o "$T/readme" --quiet || fail "the README's example scenario does not run"

# --- every shipped scenario runs (few runs to stay quick)
for s in scenarios/*.lua; do
    case $(basename "$s") in helper_*) continue ;; esac   # modules the scenarios require
    "$DEMOB" check "$s" >/dev/null || fail "check $s"
    "$DEMOB" run "$s" --runs 3 -o "$T/all/$(basename "$s" .lua)" --quiet || fail "run $s"
    # a DDR scenario tells the report its key outcomes
    if grep -q 'ddr.states' "$s"; then
        grep -q '"report": {"key_states"' "$T/all/$(basename "$s" .lua)/manifest.json" ||
            fail "$s uses the DDR states but declares no report {} (report(ddr.report))"
    fi
done

# --- bad input: exit 2 and a message naming file, line, field
bad() { # name, expected message, lua source
    printf '%s\n' "$3" > "$T/$1.lua"
    expect 2 "$2" -- "$DEMOB" run "$T/$1.lua" -o "$T/out_$1" --quiet
    [ ! -e "$T/out_$1/populations.csv" ] || fail "$1: output written despite bad input"
}
head='scenario { name = "b", steps = 3, states = { "a", "b" } }
origin { "X", a = 10 }'
bad syntax "syntax.lua:3:" "$head
flow { from = \"a\" to = \"b\", rate = 0.1 }"
bad runtime "runtime.lua:3:" "$head
local x = nil; x.y = 1"
bad unknown_state "unknown_state.lua:3:" "$head
flow { from = \"a\", to = \"cantonned\", rate = 0.1 }"
expect 2 "cantonned" -- "$DEMOB" run "$T/unknown_state.lua" -o "$T/o" --quiet
bad unknown_origin "unknown_origin.lua:3:" "$head
flow { from = \"a\", to = \"b\", rate = 0.1, origins = { \"Narnia\" } }"
expect 2 "Narnia" -- "$DEMOB" run "$T/unknown_origin.lua" -o "$T/o" --quiet
bad rate_high "rate" "$head
flow { from = \"a\", to = \"b\", rate = 1.5 }"
bad rate_nan "rate" "$head
flow { from = \"a\", to = \"b\", rate = 0/0 }"
bad negative_stock "negative_stock.lua:3:" 'scenario { name = "b", steps = 3, states = { "a", "b" } }
origin { "X", a = 10 }
origin { "Y", a = -5 }'
bad fractional_stock "whole number" 'scenario { name = "b", steps = 3, mode = "stochastic", states = { "a", "b" } }
origin { "X", a = 10.5 }'
bad duplicate_origin "duplicate" "$head
origin { \"X\", a = 1 }"
bad duplicate_state "duplicate" "$head
scenario { name = \"b2\", steps = 3, states = { \"a\" } }"
bad zero_steps "steps" 'scenario { name = "b", steps = 0, states = { "a" } }
origin { "X", a = 1 }'
printf '%s\n' "$head" 'param { r = 0.1 }' 'flow { from = "a", to = "b", rate = param "r" }' > "$T/ok.lua"
expect 2 "unknown param 'nope'" -- "$DEMOB" run "$T/ok.lua" --set nope=1 -o "$T/o" --quiet
expect 2 "must be a number (got 'abc')" -- "$DEMOB" run "$T/ok.lua" --set r=abc -o "$T/o" --quiet
expect 2 "outside [0, 1]" -- "$DEMOB" run "$T/ok.lua" --set r=2 -o "$T/o" --quiet
expect 2 "unknown option" -- "$DEMOB" run "$T/ok.lua" --bogus
expect 2 "--runs" -- "$DEMOB" run "$T/ok.lua" --runs 0
expect 2 "cannot open" -- "$DEMOB" run "$T/missing.lua"
expect 0 "usage: demob run" -- "$DEMOB" run --help
expect 0 "demob " -- "$DEMOB" --version

# --- unwritable output folder: exit 1, nothing half written
mkdir -p "$T/ro"
"$DEMOB" run tests/cli/fixtures/tiny.lua -o "$T/ro/x" --quiet || fail "first run into ro/x"
chmod 555 "$T/ro/x"
if [ "$(id -u)" = 0 ]; then
    # root ignores permissions: use a path below a regular file instead
    touch "$T/file"
    expect 1 "file" -- "$DEMOB" run tests/cli/fixtures/tiny.lua -o "$T/file/out" --quiet
else
    expect 1 "ro/x" -- "$DEMOB" run tests/cli/fixtures/tiny.lua -o "$T/ro/x" --set intake=0.2 --quiet
fi
chmod 755 "$T/ro/x"
cmp -s "$T/ro/x/populations.csv" tests/golden/tiny/populations.csv || fail "earlier output was damaged"
ls "$T/ro/x" | grep -q tmp && fail "a temporary file was left behind"

# --- disk full: a tiny tmpfs (root only); earlier files survive
if [ "$(id -u)" = 0 ] && mkdir -p "$T/full" && mount -t tmpfs -o size=64k tmpfs "$T/full" 2>/dev/null; then
    "$DEMOB" run tests/cli/fixtures/tiny.lua -o "$T/full/x" --quiet || fail "tiny into tmpfs"
    expect 1 "No space left" -- "$DEMOB" run scenarios/bench_6x9.lua --runs 20 -o "$T/full/x" --quiet
    cmp -s "$T/full/x/populations.csv" tests/golden/tiny/populations.csv || fail "disk full damaged earlier output"
    ls "$T/full/x" | grep -q tmp && fail "disk full left a temporary file"
    umount "$T/full"
fi
finish
