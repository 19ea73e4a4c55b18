#!/bin/sh
# Features used together: draws (--posterior, --uncertainty parameters)
# with --set, a posterior from a pipe, files a script may not take, the
# budget's cut when a ceiling binds after it, answer dates under --steps,
# summarize and report on steps --every did not save, and the names of files read by
# a base scenario in a subfolder.
set -u
. tests/cli/lib.sh

cat > "$T/s.lua" <<'LUA'
scenario { name = "t", steps = 6, unit = "month", start = "2021-01", mode = "stochastic", runs = 4, seed = 1,
           report_at = { 3, 6 }, states = { "present", "registered", "done" } }
origin { "A", present = 100 }
param { arrived = 0.2 }
param { "leave", 0.3, min = 0.1, max = 0.5 }
flow { from = "present", to = "registered", rate = param "arrived" }
flow { from = "registered", to = "done", rate = param "leave" }
LUA
printf 'arrived,leave\n0.1,0.2\n0.3,0.4\n' > "$T/post.csv"

# --- a drawn param cannot also be --set (the manifest would record a value no run used)
expect 2 "--set arrived=0.9: every run draws this param (--posterior)" -- \
    "$DEMOB" run "$T/s.lua" -o "$T/o1" -q --posterior "$T/post.csv" --set arrived=0.9
expect 2 "--set leave=0.45: every run draws this param (--uncertainty parameters)" -- \
    "$DEMOB" run "$T/s.lua" -o "$T/o2" -q --uncertainty parameters --set leave=0.45
expect 2 "--posterior needs stochastic mode" -- \
    "$DEMOB" run "$T/s.lua" -o "$T/o1" -q --posterior "$T/post.csv" --mode deterministic
"$DEMOB" run "$T/s.lua" -o "$T/o3" -q --uncertainty parameters --set arrived=0.25 ||
    fail "--set of a param that is not drawn was refused"

# --- a posterior read from a pipe is hashed from the bytes used
cat "$T/post.csv" | "$DEMOB" run "$T/s.lua" -o "$T/o4" -q --posterior /dev/stdin || fail "--posterior from a pipe failed"
want=$(sha256sum < "$T/post.csv" | cut -d' ' -f1)
grep -q "\"posterior_sha256\": \"$want\"" "$T/o4/manifest.json" || fail "the posterior's SHA-256 is not that of its bytes"

# --- csv.open may not take a file demob writes
for f in outcomes.csv quantiles.csv constraints.csv posterior.csv; do
    sed "s/^flow { from = \"registered\"/on_finish(function(sim) local w = csv.open(\"$f\", { \"x\" }) end)\nflow { from = \"registered\"/" \
        "$T/s.lua" > "$T/h.lua"
    expect 2 "csv.open: '$f' would take the place of a file demob writes" -- "$DEMOB" run "$T/h.lua" -o "$T/oh" -q
done

# --- the budget's cut counts only the people money alone refused
cat > "$T/b.lua" <<'LUA'
scenario { name = "b", steps = 3, mode = "deterministic", states = { "present", "camp" } }
origin { "A", present = 1000 }
state { "camp", ceiling = 50 }
budget { "fund", initial = 100 }
flow { from = "present", to = "camp", rate = 0.5, cost = 1, budget = "fund" }
LUA
"$DEMOB" run "$T/b.lua" -o "$T/ob" -q --save all || fail "the budget run failed"
# step 1: 500 want to move, money pays 100, the ceiling lets 50 in: the
# ceiling binds, the gap and the budget's cut are 0
grep -q '^1,1,,budget,fund,500,100,0$' "$T/ob/constraints.csv" ||
    fail "budget cut where the ceiling bound: $(grep budget "$T/ob/constraints.csv" | head -1)"
grep -q '^1,1,,ceiling,camp,' "$T/ob/constraints.csv" || fail "no ceiling row"
grep -q '^1,1,,fund,50,50,0$' "$T/ob/budgets.csv" || fail "gap: $(sed -n 2p "$T/ob/budgets.csv")"

# --- answer dates after a shortened run are dropped, as later events are
"$DEMOB" run "$T/s.lua" --steps 4 -o "$T/o5" > "$T/o5.out" 2>&1 || fail "report_at under --steps 4 was refused"
grep -q "t=3" "$T/o5.out" || fail "the answer table lost step 3: $(cat "$T/o5.out")"
grep -q "t=6" "$T/o5.out" && fail "the answer table shows step 6 of a 4-step run"
sed 's/report_at = { 3, 6 }/report_at = { 3, "2030-01" }/' "$T/s.lua" > "$T/late.lua"
expect 2 "report_at" -- "$DEMOB" check "$T/late.lua"

# --- summarize refuses a step the files did not keep
"$DEMOB" run "$T/s.lua" -o "$T/o6" -q --every 4 --save all || fail "the --every 4 run failed"
expect 2 "--at: step 3 is not in the output of" -- "$DEMOB" summarize "$T/o6" --at 3,4 --state present
# ... and so does report, for a step past the run or one --every left out
expect 2 "--at: step 99 is not in the output of" -- "$DEMOB" report "$T/o6" -o "$T/r.html" --at 99
expect 2 "--at: step 3 is not in the output of" -- "$DEMOB" report "$T/o6" -o "$T/r.html" --at 3
[ -e "$T/r.html" ] && fail "a refused report wrote its page"
"$DEMOB" report "$T/o6" -o "$T/r.html" --at 4 || fail "report --at a saved step failed"

# --- a base in a subfolder reads its own data.csv, listed by its path
mkdir -p "$T/d/variants"
printf 'n\n5\n' > "$T/d/data.csv"
printf 'n\n7\n' > "$T/d/variants/data.csv"
cat > "$T/d/variants/base.lua" <<'LUA'
local rows = csv.read "data.csv"
scenario { name = "base", steps = 2, states = { "a", "b" } }
origin { "X", a = rows[1].n }
flow { from = "a", to = "b", rate = 0.5 }
LUA
cat > "$T/d/top.lua" <<'LUA'
local rows = csv.read "data.csv"
scenario { extends = "variants/base.lua", name = "top" }
LUA
(cd "$T/d" && "$DEMOB" check top.lua --inputs) > "$T/in.txt" || fail "check --inputs failed"
grep -q ' variants/data.csv$' "$T/in.txt" || fail "the base's data.csv is not listed by its path: $(cat "$T/in.txt")"
[ "$(grep -c ' data.csv$' "$T/in.txt")" = 1 ] || fail "the top data.csv is not listed once by its name: $(cat "$T/in.txt")"
finish
