#!/bin/sh
# Every input in the provenance: manifest.json lists every file the
# scenario read (the script, modules found through require, csv.read
# files, a sweep's points file) with SHA-256 and size; sweep --resume and
# merge refuse when one changed, naming it; compare and report say which
# differ; demob check --inputs prints the list.
set -u
. tests/cli/lib.sh

mkdir -p "$T/sc/data"
echo 'return { move = 0.2 }' > "$T/sc/rates.lua"
printf 'name,count\nX,100\nY,50\n' > "$T/sc/data/pop.csv"
printf 'k\n0.1\n0.2\n0.3\n0.4\n' > "$T/sc/pts.csv"
cat > "$T/sc/model.lua" <<'EOF'
local rates = require "rates"
local pop = csv.read("data/pop.csv")
scenario { steps = 4, mode = "stochastic", runs = 2, seed = 3, states = { "a", "b" } }
for _, r in ipairs(pop) do origin { r.name, a = r.count } end
param { k = 0.1 }
flow { from = "a", to = "b", rate = rates.move }
flow { from = "b", to = "a", rate = param "k" }
sweep { points = "pts.csv" }
EOF
S="$T/sc/model.lua"
item() {   # item FILE NAME: the manifest item of a file
    printf '%s %s %s' "$(sha256sum < "$1" | cut -c1-64)" "$(wc -c < "$1" | tr -d ' ')" "$2"
}

# --- the manifest of a run lists the script, the module and the CSV
"$DEMOB" run "$S" -o "$T/r1" --quiet || fail "run failed"
for f in "model.lua:$S" "rates.lua:$T/sc/rates.lua" "data/pop.csv:$T/sc/data/pop.csv"; do
    grep -qF "\"$(item "${f#*:}" "${f%%:*}")\"" "$T/r1/manifest.json" || fail "manifest lacks ${f%%:*}: $(grep -A4 inputs "$T/r1/manifest.json")"
done
# check --inputs prints the same items, and the points file
out=$("$DEMOB" check "$S" --inputs) || fail "check --inputs failed"
for f in "model.lua:$S" "rates.lua:$T/sc/rates.lua" "data/pop.csv:$T/sc/data/pop.csv" "pts.csv:$T/sc/pts.csv"; do
    printf '%s\n' "$out" | grep -qF "  $(item "${f#*:}" "${f%%:*}")" || fail "check --inputs lacks ${f%%:*}: $out"
done

# with --trusted, require goes through package.path: the module is listed too
out=$("$DEMOB" check "$S" --inputs --trusted) || fail "check --inputs --trusted failed"
printf '%s\n' "$out" | grep -qF "  $(item "$T/sc/rates.lua" rates.lua)" || fail "--trusted: rates.lua not listed: $out"

# --- editing a csv.read file changes the manifest; compare and report say so
"$DEMOB" run "$S" -o "$T/r2" --quiet || fail "second run failed"
expect 0 "Inputs: the same" "$DEMOB" compare "$T/r1" "$T/r2"
printf 'name,count\nX,100\nY,60\n' > "$T/sc/data/pop.csv"
"$DEMOB" run "$S" -o "$T/r3" --quiet || fail "run after the edit failed"
grep -qF "\"$(item "$T/sc/data/pop.csv" data/pop.csv)\"" "$T/r3/manifest.json" ||
    fail "the manifest does not follow the edited csv.read file"
cmp -s "$T/r1/manifest.json" "$T/r3/manifest.json" && fail "editing a csv.read file left the manifest as it was"
expect 0 "'data/pop.csv' changed" "$DEMOB" compare "$T/r1" "$T/r3"
"$DEMOB" report "$T/r1" "$T/r3" -o "$T/rep.html" 2>/dev/null || fail "report failed"
grep -qF "&#39;data/pop.csv&#39; changed" "$T/rep.html" || grep -qF "'data/pop.csv' changed" "$T/rep.html" ||
    fail "the report does not say which input differs"

# --- sweep --resume refuses when a module loaded with require changed
"$DEMOB" sweep "$S" -o "$T/s1" --stop-after 3 --quiet 2>/dev/null
[ -f "$T/s1/sweep.inputs" ] || fail "an unfinished sweep keeps no sweep.inputs"
echo 'return { move = 0.25 }' > "$T/sc/rates.lua"
expect 2 "'rates.lua' changed" "$DEMOB" sweep "$S" -o "$T/s1" --resume --quiet
[ -f "$T/s1/sweep.journal" ] || fail "a refused --resume removed the journal"
echo 'return { move = 0.2 }' > "$T/sc/rates.lua"
printf 'k\n0.1\n0.2\n0.3\n0.5\n' > "$T/sc/pts.csv"
expect 2 "'pts.csv' changed" "$DEMOB" sweep "$S" -o "$T/s1" --resume --quiet
printf 'k\n0.1\n0.2\n0.3\n0.4\n' > "$T/sc/pts.csv"
"$DEMOB" sweep "$S" -o "$T/s1" --resume --quiet || fail "--resume with the same inputs failed"
[ -f "$T/s1/sweep.inputs" ] && fail "a finished sweep left sweep.inputs"
grep -qF "\"$(item "$T/sc/pts.csv" pts.csv)\"" "$T/s1/manifest.json" || fail "the sweep's manifest lacks pts.csv"
# a finished sweep: --resume after an edit is refused too
printf 'name,count\nX,101\nY,60\n' > "$T/sc/data/pop.csv"
expect 2 "'data/pop.csv' changed" "$DEMOB" sweep "$S" -o "$T/s1" --resume --quiet

# --- merge refuses shards that read different files
printf 'name,count\nX,100\nY,60\n' > "$T/sc/data/pop.csv"
"$DEMOB" sweep "$S" -o "$T/m0" --shard 0/2 --quiet || fail "shard 0 failed"
echo 'return { move = 0.3 }' > "$T/sc/rates.lua"
"$DEMOB" sweep "$S" -o "$T/m1" --shard 1/2 --quiet || fail "shard 1 failed"
expect 2 "'rates.lua' changed" "$DEMOB" merge -o "$T/merged" "$T/m0" "$T/m1" --quiet
[ -e "$T/merged/summary.csv" ] && fail "a refused merge wrote summary.csv"
echo 'return { move = 0.2 }' > "$T/sc/rates.lua"
"$DEMOB" sweep "$S" -o "$T/m1" --shard 1/2 --quiet || fail "shard 1 again failed"
"$DEMOB" merge -o "$T/merged" "$T/m0" "$T/m1" --quiet || fail "merge of shards with the same inputs failed"

# --- an extends base and an observation file are inputs too, read once
"$DEMOB" check "$ROOT/scenarios/feedback_redeployment.lua" --inputs > "$T/ext.txt" || fail "check --inputs of a variant failed"
grep -q ' libya_2020.lua$' "$T/ext.txt" || fail "the base of extends is not among the inputs"
"$DEMOB" check "$ROOT/scenarios/libya_2020_fit.lua" --inputs > "$T/obs.txt" || fail "check --inputs of a fit scenario failed"
grep -q ' data/libya_fit_observations.csv$' "$T/obs.txt" || fail "the observation file is not among the inputs"
finish
