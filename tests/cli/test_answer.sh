#!/bin/sh
# Outcomes, the answer table of `demob run`, quantiles.csv and outcomes.csv,
# --uncertainty, the default file set, and `demob summarize` (its quantiles
# against an independent type-7 computation in python3), with the bad input
# of each.
set -eu
. tests/cli/lib.sh

cat > "$T/small.lua" <<'LUA'
local ddr = require "ddr"
scenario { name = "small", steps = 30, unit = "month", start = "2020-11", mode = "stochastic", runs = 40,
           seed = 9, states = ddr.states, report_at = { "2021-11", 24 } }
origin { "Sudan", tags = { "armed_opposition" }, present = param { "sudan", 800, min = 300, max = 1100 } }
origin { "Chad", tags = { "armed_opposition" }, present = 300 }
origin { "Syria", present = 500 }
param { "reg", 0.1, min = 0.05, max = 0.2 }
flow { from = "present", to = "registered", rate = param "reg" }
flow { from = "present", to = "redeployed", rate = 0.02 }
flow { from = "registered", to = "demobilized", rate = 0.5 }
flow { from = "demobilized", to = "stranded", rate = 0.3, origins = { "armed_opposition" } }
flow { from = "demobilized", to = "repatriated", rate = 0.4, origins = { "Syria" } }
flow { from = "stranded", to = "redeployed", rate = 0.05 }
cost { flow = "demobilized->repatriated", per_person = 400, category = "transport" }
ddr.outcomes { costs = true }
outcome { "opposition_stranded", states = { "stranded" }, origins = { "armed_opposition" } }
outcome { "flown", flow = "demobilized->repatriated", cumulative = true }
LUA

# The run prints the answer table: the outcomes at report_at, with what the range includes.
"$DEMOB" run "$T/small.lua" -o "$T/r" > "$T/table.txt" 2> "$T/err.txt"
grep -q "Range includes: chance" "$T/table.txt" || fail "the table does not say what the range includes"
grep -q "2021-11 (t=12)" "$T/table.txt" || fail "the table lacks report_at's 2021-11"
grep -q "2022-11 (t=24)" "$T/table.txt" || fail "the table lacks step 24"
grep -q "^opposition_stranded " "$T/table.txt" || fail "the table lacks an outcome: $(cat "$T/table.txt")"
# Small: every file, plus quantiles.csv and outcomes.csv.
for f in populations.csv flows.csv costs.csv summary.csv quantiles.csv outcomes.csv manifest.json; do
    [ -f "$T/r/$f" ] || fail "run did not write $f"
done
head -1 "$T/r/quantiles.csv" | grep -qx "step,date,origin,state,mean,sd,p5,p25,p50,p75,p95" ||
    fail "quantiles.csv header: $(head -1 "$T/r/quantiles.csv")"
head -1 "$T/r/summary.csv" | grep -q ",outcome.still_in_country,outcome.ever_repatriated,outcome.ever_redeployed,outcome.total_cost,outcome.opposition_stranded,outcome.flown$" ||
    fail "summary.csv lacks the outcome columns"
grep -q '"range": "Median (p5-p95) of 40 runs. Range includes: chance' "$T/r/manifest.json" ||
    fail "the manifest does not say what a range includes"
grep -q '"name": "opposition_stranded", "sums": "stock of stranded (armed_opposition)"' "$T/r/manifest.json" ||
    fail "the manifest does not describe the outcomes"
# --quiet: no table; --at and --origin/--state choose it.
out=$("$DEMOB" run "$T/small.lua" -o "$T/q" --quiet 2>&1)
[ -z "$out" ] || fail "--quiet printed: $out"
"$DEMOB" run "$T/small.lua" -o "$T/q" --at 6,2022-05 --origin Sudan+Chad,Syria --state present,flown -q > /dev/null
"$DEMOB" run "$T/small.lua" -o "$T/q" --at 6,2022-05 --origin Sudan+Chad,Syria --state present,flown 2>/dev/null > "$T/t2.txt"
grep -q "^Sudan+Chad present " "$T/t2.txt" || fail "--origin A+B: $(cat "$T/t2.txt")"
grep -q "2022-05 (t=18)" "$T/t2.txt" || fail "--at date: $(cat "$T/t2.txt")"

# --every K thins the files, not the answer: the table may ask for any step.
"$DEMOB" run "$T/small.lua" -o "$T/e" --every 5 --save populations,quantiles --at 12,13 > "$T/e.txt" 2>&1 ||
    fail "--every 5 with --at 12,13: $(cat "$T/e.txt")"
grep -q "2021-12 (t=13)" "$T/e.txt" || fail "--every 5: no column for step 13"
[ "$(awk -F, 'NR > 1 { print $2 }' "$T/e/populations.csv" | sort -un | tr '\n' ' ')" = "0 5 10 15 20 25 30 " ] ||
    fail "--every 5: populations.csv steps are not 0, 5, ..., 30"
[ "$(awk -F, 'NR > 1 { print $1 }' "$T/e/quantiles.csv" | sort -un | tr '\n' ' ')" = "0 5 10 15 20 25 30 " ] ||
    fail "--every 5: quantiles.csv steps are not 0, 5, ..., 30"

# The outcomes are what they sum: at every step and run, outcomes.csv's
# opposition_stranded equals the stranded of Sudan and Chad in populations.csv,
# and ever_repatriated the cumulative flows into repatriated.
python3 - "$T/r" <<'PY' || fail "outcomes.csv does not match populations.csv and flows.csv"
import csv, sys, collections
d = sys.argv[1]
pop = collections.defaultdict(float)
for r in csv.DictReader(open(d + "/populations.csv")):
    if r["state"] == "stranded" and r["origin"] in ("Sudan", "Chad"):
        pop[(r["run"], r["step"])] += float(r["count"])
into = collections.defaultdict(float)
for r in csv.DictReader(open(d + "/flows.csv")):
    if r["to"] == "repatriated":
        into[(r["run"], int(r["step"]))] += float(r["count"])
n = 0
for r in csv.DictReader(open(d + "/outcomes.csv")):
    k = (r["run"], r["step"])
    if r["outcome"] == "opposition_stranded":
        assert float(r["value"]) == pop[k], (k, r["value"], pop[k])
        n += 1
    if r["outcome"] == "ever_repatriated":
        cum = sum(v for (run, s), v in into.items() if run == r["run"] and s <= int(r["step"]))
        assert float(r["value"]) == cum, (k, r["value"], cum)
assert n == 40 * 31, n
PY

# summarize: the same quantiles as an independent type-7 computation of
# the per-run sums (Sudan+Chad summed within each run before quantiles).
"$DEMOB" summarize "$T/r" --at 12,2022-11 --origin Sudan+Chad,armed_opposition,Syria --state present,redeployed,flown \
    --csv "$T/s.csv" > "$T/s.txt"
python3 - "$T/r" "$T/s.csv" <<'PY' || fail "summarize's quantiles differ from python's"
import csv, sys, math, collections
d, s = sys.argv[1], sys.argv[2]
def q7(x, p):
    x = sorted(x); h = (len(x) - 1) * p; lo = math.floor(h)
    return x[lo] if lo + 1 >= len(x) else x[lo] + (h - lo) * (x[lo + 1] - x[lo])
groups = {"Sudan+Chad": {"Sudan", "Chad"}, "armed_opposition": {"Sudan", "Chad"}, "Syria": {"Syria"}}
val = collections.defaultdict(float)
for r in csv.DictReader(open(d + "/populations.csv")):
    for g, m in groups.items():
        if r["origin"] in m:
            val[(g, r["state"], r["step"], r["run"])] += float(r["count"])
for r in csv.DictReader(open(d + "/outcomes.csv")):
    val[("", r["outcome"], r["step"], r["run"])] = float(r["value"])
rows = list(csv.DictReader(open(s)))
assert len(rows) == 2 * (2 * 3 + 1), len(rows)
for r in rows:
    xs = [val[(r["origin"], r["state"], r["step"], str(run))] for run in range(1, 41)]
    m = sum(xs) / len(xs)
    sd = math.sqrt(sum((x - m) ** 2 for x in xs) / (len(xs) - 1))
    want = [len(xs), m, sd] + [q7(xs, p) for p in (0.05, 0.25, 0.5, 0.75, 0.95)]
    got = [float(r[k]) for k in ("n", "mean", "sd", "p5", "p25", "p50", "p75", "p95")]
    for a, b in zip(got, want):
        assert abs(a - b) <= 1e-9 * max(1, abs(b)), (r, got, want)
PY
# The run's table and summarize agree on the same cell.
"$DEMOB" run "$T/small.lua" -o "$T/r" --at 12 --origin Sudan+Chad --state present 2>/dev/null |
    grep "^Sudan+Chad present" > "$T/a1.txt"
grep "^Sudan+Chad present" "$T/s.txt" | awk '{ print $3, $4 }' > "$T/a2.txt"
[ "$(awk '{ print $3, $4 }' "$T/a1.txt")" = "$(cat "$T/a2.txt")" ] ||
    fail "run and summarize disagree: $(cat "$T/a1.txt") / $(cat "$T/a2.txt")"
# --wide: one row per date; --by origin splits a tag.
"$DEMOB" summarize "$T/r" --at 12,24 --origin armed_opposition --state present --by origin --csv "$T/w.csv" --wide > /dev/null
head -1 "$T/w.csv" | grep -qx "step,date,Sudan present,Sudan present p5,Sudan present p95,Chad present,Chad present p5,Chad present p95" ||
    fail "--wide header: $(head -1 "$T/w.csv")"
[ "$(wc -l < "$T/w.csv")" = 3 ] || fail "--wide: not one row per date"

# --uncertainty parameters: each run draws sudan and reg; summary.csv keeps them (sudan whole).
"$DEMOB" run "$T/small.lua" -o "$T/p" --uncertainty parameters > "$T/p.txt" 2>/dev/null
grep -q "Range includes: chance and parameters (each run draws 2 params from their declared distributions: sudan, reg (all uniform on their declared \[min, max\]))" "$T/p.txt" ||
    fail "the table does not name the drawn params: $(head -2 "$T/p.txt")"
python3 - "$T/p/summary.csv" <<'PY' || fail "summary.csv does not record each run's draws"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
su = [float(r["sudan"]) for r in rows]; rg = [float(r["reg"]) for r in rows]
assert len(set(su)) > 30 and all(300 <= x <= 1100 and x == int(x) for x in su), su
assert len(set(rg)) == 40 and all(0.05 <= x <= 0.2 for x in rg), rg
assert all(float(r["final.present"]) + 0 >= 0 for r in rows)
PY
grep -q '"uncertainty": "parameters"' "$T/p/manifest.json" || fail "manifest lacks the uncertainty"
# A declared distribution is the one drawn from: triangular on [300, 1100], mode 800 (the default).
sed 's/min = 300, max = 1100 }/min = 300, max = 1100, dist = "triangular" }/' "$T/small.lua" > "$T/tri.lua"
"$DEMOB" run "$T/tri.lua" -o "$T/tri" --uncertainty parameters --runs 400 2>/dev/null | grep -q "sudan (triangular)" ||
    fail "the table does not name the triangular prior"
python3 - "$T/tri/summary.csv" <<'PY' || fail "the triangular prior is not the one drawn"
import csv, sys
su = [float(r["sudan"]) for r in csv.DictReader(open(sys.argv[1]))]
m = sum(su) / len(su)
assert abs(m - (300 + 800 + 1100) / 3) < 15, m   # triangular, mode = the default 800: mean 733; uniform: 700
assert all(300 <= x <= 1100 and x == int(x) for x in su)
PY
# Byte-identical for any -j.
"$DEMOB" run "$T/small.lua" -o "$T/p1" --uncertainty parameters -j 1 -q
"$DEMOB" run "$T/small.lua" -o "$T/p3" --uncertainty parameters -j 3 -q
for f in summary.csv quantiles.csv outcomes.csv populations.csv; do
    cmp -s "$T/p1/$f" "$T/p3/$f" || fail "--uncertainty parameters: $f differs between -j 1 and -j 3"
done

# The default file set: large runs keep summary, quantiles and outcomes; --save all everything.
"$DEMOB" run "$T/small.lua" -o "$T/big" --runs 2000 -q
[ ! -e "$T/big/populations.csv" ] && [ ! -e "$T/big/flows.csv" ] || fail "a large run wrote its per-run tables by default"
[ -f "$T/big/quantiles.csv" ] && [ -f "$T/big/summary.csv" ] && [ -f "$T/big/outcomes.csv" ] || fail "a large run lacks its summaries"
expect 0 "--save all writes them" "$DEMOB" run "$T/small.lua" -o "$T/big" --runs 2000 --at 12
expect 2 "$T/big has no populations.csv, which 'present' needs" "$DEMOB" summarize "$T/big" --at 12 --state present
expect 0 "still_in_country" "$DEMOB" summarize "$T/big" --at 12 --state still_in_country
"$DEMOB" run "$T/small.lua" -o "$T/big" --runs 2000 --save all -q
[ -f "$T/big/populations.csv" ] && [ -f "$T/big/flows.csv" ] || fail "--save all did not write every file"

# Bad input: --at outside the run or not a date.
expect 2 "demob run: --at: step 31 is outside the run (steps 0..30, dates 2020-11..2023-05)" \
    "$DEMOB" run "$T/small.lua" -o "$T/bad" --at 31
expect 2 "demob run: --at: the date 2024-01 is outside the run (steps 0..30, dates 2020-11..2023-05)" \
    "$DEMOB" run "$T/small.lua" -o "$T/bad" --at 12,2024-01
expect 2 "demob run: --at: 'soon' is not a date of the form YYYY-MM or YYYY-MM-DD" \
    "$DEMOB" run "$T/small.lua" -o "$T/bad" --at soon
expect 2 "demob run: --origin: 'Mars' names no origin or tag" "$DEMOB" run "$T/small.lua" -o "$T/bad" --origin Sudan+Mars
expect 2 "demob run: --state: unknown state or outcome 'missing'" "$DEMOB" run "$T/small.lua" -o "$T/bad" --state missing
expect 2 "demob run: --uncertainty: 'both' is not chance or parameters" "$DEMOB" run "$T/small.lua" --uncertainty both
[ ! -e "$T/bad" ] || fail "a refused run wrote its folder"
sed 's/report_at = { "2021-11", 24 }/report_at = { "2030-01" }/' "$T/small.lua" > "$T/late.lua"
expect 2 "late.lua:2: scenario: report_at: the date 2030-01 is outside the run" "$DEMOB" run "$T/late.lua" -o "$T/bad"
# Bad input: an outcome naming an unknown state, origin, tag, flow or category (file:line).
for bad in 'states = { "nowhere" }|unknown state '"'"'nowhere'"'" \
           'states = { "present" }, origins = { "Mars" }|unknown origin or tag '"'"'Mars'"'" \
           'flow = "present->home"|unknown flow '"'"'present->home'"'" \
           'into = "home"|unknown state '"'"'home'"'" \
           'cost = "food"|unknown cost category '"'"'food'"'" \
           'states = { "present" }, flow = "present->registered"|'"'"'x'"'"' needs exactly one of states, flow, into or cost' \
           'states = { "present" }, cumulative = true|cumulative: only a flow outcome takes it'; do
    decl=${bad%%|*}; msg=${bad#*|}
    { cat "$T/small.lua"; echo "outcome { \"x\", $decl }"; } > "$T/bad_outcome.lua"
    expect 2 "bad_outcome.lua:18: outcome: $msg" "$DEMOB" check "$T/bad_outcome.lua"
done
{ cat "$T/small.lua"; echo 'outcome { "present", states = { "present" } }'; } > "$T/bad_outcome.lua"
expect 2 "bad_outcome.lua:18: outcome: 'present' is a state's name" "$DEMOB" check "$T/bad_outcome.lua"

# Bad input for summarize: a folder that is not demob output, different
# scenarios without --force, --at outside the run, unknown names.
mkdir -p "$T/notdemob"
expect 2 "demob summarize: $T/notdemob is not a demob output folder (no manifest.json" \
    "$DEMOB" summarize "$T/notdemob" --at 12 --state present
sed 's/name = "small"/name = "other"/' "$T/small.lua" > "$T/other.lua"
"$DEMOB" run "$T/other.lua" -o "$T/o" -q
expect 2 "come from different scenarios (\"small\" and \"other\", or another version of the file): use --force" \
    "$DEMOB" summarize "$T/r" "$T/o" --at 12 --state present
expect 0 "$T/o all present" "$DEMOB" summarize "$T/r" "$T/o" --at 12 --state present --force
expect 2 "demob summarize: --at: the date 2024-01 is outside the run of $T/r (steps 0..30 from 2020-11)" \
    "$DEMOB" summarize "$T/r" --at 2024-01 --state present
expect 2 "demob summarize: --at: 'later' is neither a step nor a date" "$DEMOB" summarize "$T/r" --at later --state present
expect 2 "demob summarize: --state: 'nowhere' is neither a state in $T/r/populations.csv nor an outcome" \
    "$DEMOB" summarize "$T/r" --at 12 --state nowhere
expect 2 "demob summarize: --origin: 'Mars' is no origin or tag of $T/r" \
    "$DEMOB" summarize "$T/r" --at 12 --state present --origin Mars

# compare --at takes dates too (by A's manifest), and refuses one outside the run.
"$DEMOB" compare "$T/r" "$T/o" --at 2021-11 > "$T/cmp.txt" || true
grep -q "Steps compared: 30 (final), 12" "$T/cmp.txt" || fail "compare --at 2021-11 is not step 12: $(head -8 "$T/cmp.txt")"
expect 2 "demob compare: --at: the date 2024-01 is outside the run of $T/r (steps 0..30 from 2020-11)" \
    "$DEMOB" compare "$T/r" "$T/o" --at 2024-01

# A sweep folder: a table per point, or pooled.
"$DEMOB" sweep "$T/small.lua" -o "$T/sw" --grid reg=0.05,0.2 --replicates 5 --save populations,summary -q
"$DEMOB" summarize "$T/sw" --at 12 --state present > "$T/sw.txt"
grep -q "^point 0 all present" "$T/sw.txt" && grep -q "^point 1 all present" "$T/sw.txt" ||
    fail "sweep: no table per point: $(cat "$T/sw.txt")"
"$DEMOB" summarize "$T/sw" --at 12 --state present --pool --csv "$T/pool.csv" > /dev/null
[ "$(awk -F, 'NR == 2 { print $7 }' "$T/pool.csv")" = 10 ] || fail "--pool does not pool the points: $(cat "$T/pool.csv")"
# --- 70 outcomes: every one is a row of run's table, of the report's answer
# table and of summarize (no list of 64); sweeps read them from summary.csv
{
    echo 'scenario { steps = 12, states = { "a", "b", "c" }, mode = "stochastic" }'
    echo 'param { "move", 0.3, min = 0.1, max = 0.9 }'
    echo 'origin { "X", a = 1000 }'
    echo 'origin { "Y", a = 500 }'
    echo 'flow { from = "a", to = "b", rate = param "move" }'
    echo 'flow { from = "b", to = "c", rate = 0.1 }'
    i=1
    while [ $i -le 70 ]; do echo "outcome { \"o$i\", states = { \"b\" } }"; i=$((i + 1)); done
} > "$T/o70.lua"
names=$(awk 'BEGIN { for (i = 1; i <= 70; i++) printf "%so%d", (i > 1 ? "," : ""), i }')
"$DEMOB" run "$T/o70.lua" -o "$T/o70" --runs 10 > "$T/o70.txt" 2>&1 || fail "run of 70 outcomes: exit $?"
[ "$(grep -c '^o[0-9]* ' "$T/o70.txt")" = 70 ] || fail "run's table lacks outcomes: $(grep -c '^o[0-9]* ' "$T/o70.txt") rows"
"$DEMOB" report "$T/o70" -o "$T/o70.html" || fail "report of 70 outcomes: exit $?"
[ "$(grep -o '<td>o[0-9]* <small>(outcome)</small>' "$T/o70.html" | sort -u | wc -l | tr -d ' ')" = 70 ] ||
    fail "the report's answer table does not show the 70 outcomes"
grep -qF '<td>o70 <small>(outcome)</small>' "$T/o70.html" || fail "the report drops o70"
"$DEMOB" summarize "$T/o70" --at 12 --state "$names" > "$T/o70s.txt" || fail "summarize of 70 outcomes: exit $?"
[ "$(grep -c '^o[0-9]* ' "$T/o70s.txt")" = 70 ] || fail "summarize lacks outcomes: $(cat "$T/o70s.txt")"
"$DEMOB" sweep "$T/o70.lua" -o "$T/o70sw" --grid move=0.2,0.4 --replicates 3 -q || fail "sweep of 70 outcomes"
"$DEMOB" summarize "$T/o70sw" --at 12 --state "$names" > "$T/o70sw.txt" || fail "summarize of a sweep's 70 outcomes"
[ "$(grep -c '^point [01] o[0-9]* ' "$T/o70sw.txt")" = 140 ] || fail "summarize of a sweep lacks outcomes"
expect 2 "--at: give between 1 and 64 steps or dates" "$DEMOB" summarize "$T/o70" --state o1 \
    --at "$(awk 'BEGIN { for (i = 0; i <= 64; i++) printf "%s%d", (i ? "," : ""), i % 13 }')"
finish
