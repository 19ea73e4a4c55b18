#!/bin/sh
# Big models in bounded memory: a run's rows beyond its share of the
# runner's budget are written through to the temporary files in run order
# (byte-identical for any -j, complete or absent on failure); a sweep
# stopped mid-point resumes with or without its scratch; loading many
# origins, tags and per-origin ceilings (hash lookups) keeps every check.
# Nothing here is timed (bench/scale measures speed and memory).
set -u
. tests/cli/lib.sh

# wide ORIGINS RUNS MODE [EXTRA]: a model whose runs write ~30 bytes x
# origins x 9 states x 61 steps of populations.csv each, and half as much
# of flows.csv (400 origins: ~5 MB a run, beyond the 4 MB a run may hold
# at -j 1, and the less at -j 2 and -j 3; RUNNER_BUDGET in core/run/).
wide() {
    cat <<EOF
scenario { steps = 60, states = { "a", "b", "c", "d", "e", "f", "g", "h", "i" }, mode = "$3", runs = $2, seed = 3 }
for i = 1, $1 do origin { "O" .. i, a = 500 + i } end
flow { from = "a", to = "b", rate = 0.2 }
flow { from = "b", to = "c", rate = 0.3 }
flow { from = "c", to = "d", rate = 0.1 }
flow { from = "d", to = "a", rate = 0.05 }
${4:-}
EOF
}

# ordered FILE: rows in run order, and steps in order within a run.
ordered() {
    awk -F, 'NR > 1 { if ($1 < r || ($1 == r && $2 < t)) { bad = 1 } r = $1; t = $2 } END { exit bad }' "$1"
}

# --- several runs, each bigger than its share: same bytes for any -j
wide 400 4 stochastic > "$T/wide.lua"
for j in 1 2 3; do
    "$DEMOB" run "$T/wide.lua" -o "$T/w$j" -j $j --save all --quiet || fail "wide run -j $j failed"
done
for f in populations.csv flows.csv summary.csv; do
    cmp -s "$T/w1/$f" "$T/w2/$f" || fail "$f differs between -j 1 and -j 2"
    cmp -s "$T/w1/$f" "$T/w3/$f" || fail "$f differs between -j 1 and -j 3"
done
rows=$(($(wc -l < "$T/w1/populations.csv") - 1))
[ "$rows" = $((4 * 61 * 400 * 9)) ] || fail "populations.csv has $rows rows, expected $((4 * 61 * 400 * 9))"
[ "$(wc -c < "$T/w1/populations.csv")" -gt 12000000 ] || fail "the wide runs are too small to be written through"
ordered "$T/w1/populations.csv" || fail "populations.csv rows are not in run and step order"
ordered "$T/w1/flows.csv" || fail "flows.csv rows are not in run and step order"

# --- many runs of middling size (each under its share, together over half
# the budget): workers held back by the budget wake the consumer, whatever
# -j (a hang here was a deadlock; the timeout only turns it into a failure)
wide 150 40 stochastic > "$T/mid.lua"
for j in 1 2 3; do
    timeout -s KILL 600 "$DEMOB" run "$T/mid.lua" -o "$T/mid$j" -j $j --save populations,summary --quiet ||
        fail "40 middling runs with -j $j failed or hung"
done
cmp -s "$T/mid1/populations.csv" "$T/mid2/populations.csv" || fail "middling runs: -j 1 and -j 2 differ"
cmp -s "$T/mid1/populations.csv" "$T/mid3/populations.csv" || fail "middling runs: -j 1 and -j 3 differ"

# --- one deterministic run (on the calling thread), written through
wide 400 1 deterministic > "$T/det.lua"
"$DEMOB" run "$T/det.lua" -o "$T/d" --quiet || fail "the wide deterministic run failed"
rows=$(($(wc -l < "$T/d/populations.csv") - 1))
[ "$rows" = $((61 * 400 * 9)) ] || fail "deterministic populations.csv has $rows rows"
ordered "$T/d/populations.csv" || fail "deterministic populations.csv rows out of order"
tail -n 1 "$T/d/populations.csv" | grep -q '^1,60,,O400,i,' || fail "last row: $(tail -n 1 "$T/d/populations.csv")"
# the same model through a sweep's partial files: the same rows
"$DEMOB" sweep "$T/det.lua" -o "$T/ds" --grid none=1 --save populations --quiet 2>/dev/null ||
    { printf 'param { "none", 1 }\n' >> "$T/det.lua"
      "$DEMOB" sweep "$T/det.lua" -o "$T/ds" --grid none=1 --save populations --quiet || fail "the wide sweep failed"; }
cut -d, -f2- "$T/ds/populations.csv" | cmp -s - "$T/d/populations.csv" ||
    fail "the sweep's populations (without its point column) differ from the run's"

# --- a failure after rows were written through: nothing committed, the
# earlier files kept, no temporary file left
wide 400 3 stochastic > "$T/ok.lua"
"$DEMOB" run "$T/ok.lua" -o "$T/keep" -j 2 --save all --quiet || fail "the first run into keep/ failed"
cp "$T/keep/populations.csv" "$T/before.csv"
wide 400 3 stochastic 'on_step(function(sim, t) if sim.run == 3 and t == 55 then error("late failure") end end)' \
    > "$T/late.lua"
for j in 1 2; do
    expect 2 "late failure" -- "$DEMOB" run "$T/late.lua" -o "$T/keep" -j $j --save all --quiet
    cmp -s "$T/keep/populations.csv" "$T/before.csv" || fail "-j $j: a failed run changed the earlier populations.csv"
    ls "$T/keep" | grep -q 'tmp' && fail "-j $j: a failed run left $(ls "$T/keep" | grep tmp)"
done
wide 400 1 deterministic 'on_step(function(sim, t) if t == 58 then error("late failure") end end)' > "$T/dlate.lua"
expect 2 "late failure" -- "$DEMOB" run "$T/dlate.lua" -o "$T/dl" --quiet
[ ! -e "$T/dl/populations.csv" ] || fail "a failed single run left populations.csv"
ls "$T/dl" 2>/dev/null | grep -q 'tmp' && fail "a failed single run left $(ls "$T/dl" | grep tmp)"

# --- a sweep stopped in the middle of a point: resumed from its scratch,
# or (the scratch lost, as after a crash) from the point's first replicate
SW="scenarios/libya_2020.lua --lhs registration=0.01:0.15 --samples 4 --replicates 5 --quiet"
"$DEMOB" sweep $SW -o "$T/whole" -j 2 || fail "the whole sweep failed"
for lost in 0 1; do
    rc=0
    "$DEMOB" sweep $SW -o "$T/s$lost" -j 2 --stop-after 13 2>/dev/null || rc=$?
    [ "$rc" = 1 ] || fail "the stopped sweep exits $rc"
    [ -e "$T/s$lost/sweep.scratch" ] || fail "a sweep stopped mid-point wrote no scratch"
    [ $lost = 1 ] && rm -f "$T/s$lost/sweep.scratch"
    "$DEMOB" sweep $SW -o "$T/s$lost" -j 1 --resume 2> "$T/err" >/dev/null || fail "resume failed: $(cat "$T/err")"
    for f in points.csv summary.csv quantiles.csv sensitivity.csv; do
        cmp -s "$T/whole/$f" "$T/s$lost/$f" || fail "scratch lost=$lost: $f differs from the whole sweep"
    done
    [ ! -e "$T/s$lost/sweep.scratch" ] || fail "the finished sweep left its scratch"
done
# a stop at a point's end writes no scratch
rc=0
"$DEMOB" sweep $SW -o "$T/s5" -j 2 --stop-after 10 2>/dev/null || rc=$?
[ ! -e "$T/s5/sweep.scratch" ] || fail "a sweep stopped between points wrote a scratch"

# --- many origins, tags and per-origin ceilings load, with every check kept
cat > "$T/many.lua" <<'EOF'
scenario { steps = 2, states = { "a", "b" } }
local ceil = {}
for i = 1, 30000 do
  origin { "O" .. i, tags = { "g" .. (i % 50) }, a = 10 }
  ceil["O" .. i] = 5
end
state { "b", ceiling = ceil }
flow { from = "a", to = "b", rate = 0.5, origins = { "g7", "O30000" } }
EOF
"$DEMOB" check "$T/many.lua" > "$T/out" 2>&1 || fail "30,000 origins: $(cat "$T/out")"
grep -q "30000 origins" "$T/out" || fail "check of 30,000 origins: $(cat "$T/out")"
printf 'scenario { steps = 2, states = { "a" } }\norigin { "X", tags = { "east" } }\norigin { "east" }\n' > "$T/tagname.lua"
expect 2 "origin 'east': the name is already a tag" -- "$DEMOB" check "$T/tagname.lua"
printf 'scenario { steps = 2, states = { "a" } }\norigin { "X" }\norigin { "Y", tags = { "X" } }\n' > "$T/nametag.lua"
expect 2 "tag 'X' is already the name of an origin" -- "$DEMOB" check "$T/nametag.lua"
printf 'scenario { steps = 2, states = { "a" } }\norigin { "X" }\norigin { "Y" }\norigin { "X" }\n' > "$T/dup.lua"
expect 2 "duplicate origin 'X'" -- "$DEMOB" check "$T/dup.lua"
finish
