#!/bin/sh
# scenario { extends = "base.lua" }: the base's declarations, then the
# variant's re-declarations replace the base's by name (param default,
# capacity, flow, cost, state, event at the same step on the same target);
# csv.read in the base reads next to the base; a missing base, a file that
# extends itself and a cycle are refused with exit 2 and file:line.
set -u
. tests/cli/lib.sh
mkdir -p "$T/lib"
printf 'n\n1000\n' > "$T/lib/data.csv"
cat > "$T/lib/base.lua" <<'LUA'
scenario { name = "base", steps = 4, states = { "a", "b", "c" } }
local rows = csv.read("data.csv")
origin { "X", a = rows[1].n }
param { "r", 0.1, min = 0, max = 1 }
capacity { "cap", per_step = 100 }
state { "b", ceiling = 1000 }
flow { from = "a", to = "b", rate = param "r", capacity = "cap" }
flow { from = "b", to = "c", rate = 0.2 }
cost { state = "b", per_person = 2, category = "upkeep" }
event { at = 3, set = { r = 0.3 } }
LUA
cat > "$T/v.lua" <<'LUA'
scenario { extends = "lib/base.lua", name = "variant" }
param { "r", 0.5 }
capacity { "cap", per_step = 300 }
flow { from = "b", to = "c", rate = 0.1 }
cost { state = "b", per_person = 5, category = "upkeep" }
event { at = 3, set = { r = 0.05 } }
LUA
"$DEMOB" run "$T/lib/base.lua" -o "$T/ob" --quiet || fail "base run"
"$DEMOB" run "$T/v.lua" -o "$T/ov" --quiet || fail "variant run"
# base: a->b = min(0.1 * 1000, 100) = 100; variant: min(0.5 * 1000, 300) = 300,
# then 300, then 0.05 * 400 = 20 (the variant's event replaced the base's 0.3).
grep -q '^1,1,,X,a->b,a,b,100$' "$T/ob/flows.csv" || fail "base flow a->b at step 1"
grep -q '^1,1,,X,a->b,a,b,300$' "$T/ov/flows.csv" || fail "variant capacity and rate"
grep -q '^1,3,,X,a->b,a,b,20$' "$T/ov/flows.csv" || fail "variant event replaces the base's"
# b->c: rate 0.1 replaces 0.2 (step 2: 0.1 * 300 = 30).
grep -q '^1,2,,X,b->c,b,c,30$' "$T/ov/flows.csv" || fail "variant flow replaces the base's"
# One upkeep cost of 5 (not 2 + 5): step 1, 300 in b.
grep -q '^1,1,,X,upkeep,1500$' "$T/ov/costs.csv" || fail "variant cost replaces the base's"
grep -q '"name": "variant"' "$T/ov/manifest.json" || grep -q '"scenario": "variant"' "$T/ov/manifest.json" ||
    fail "variant name"
# A state re-declared replaces its ceiling.
printf 'scenario { extends = "lib/base.lua" }\nstate { "b", ceiling = 150 }\n' > "$T/ceil.lua"
"$DEMOB" run "$T/ceil.lua" -o "$T/oc" --quiet || fail "ceiling variant run"
# step 2: b holds 100, 20 leave: 150 - 80 = 70 may enter (the base would take 90).
grep -q '^1,2,,X,a->b,a,b,70$' "$T/oc/flows.csv" || fail "variant ceiling 150 replaces 1000"
# Within one file a duplicate is still an error.
printf 'scenario { extends = "lib/base.lua" }\ncapacity { "new", per_step = 1 }\ncapacity { "new", per_step = 2 }\n' \
    > "$T/dup.lua"
expect 2 "dup.lua:3: capacity: duplicate capacity 'new'" -- "$DEMOB" check "$T/dup.lua"
# Bad bases.
echo 'scenario { extends = "nope.lua" }' > "$T/m.lua"
expect 2 "m.lua:1: scenario: extends: cannot open" -- "$DEMOB" run "$T/m.lua" -o "$T/om" --quiet
[ ! -e "$T/om/populations.csv" ] || fail "a missing base left output"
echo 'scenario { extends = "s.lua" }' > "$T/s.lua"
expect 2 "s.lua:1: scenario: extends: 's.lua' extends itself" -- "$DEMOB" check "$T/s.lua"
echo 'scenario { extends = "c2.lua" }' > "$T/c1.lua"
printf '\nscenario { extends = "c1.lua" }\n' > "$T/c2.lua"
expect 2 "c2.lua:2: scenario: extends: a cycle of scenarios: c1.lua -> c2.lua -> c1.lua" -- \
    "$DEMOB" check "$T/c1.lua"
printf 'state { "q" }\nscenario { extends = "lib/base.lua" }\n' > "$T/late.lua"
expect 2 "late.lua:2: scenario: extends must be in the first declaration" -- "$DEMOB" check "$T/late.lua"
expect 2 "up.lua:1: scenario: extends: '../x.lua' must be a relative path below" -- \
    sh -c "echo 'scenario { extends = \"../x.lua\" }' > '$T/up.lua' && '$DEMOB' check '$T/up.lua'"
# The shipped variants load.
for f in scenarios/feedback_redeployment.lua scenarios/libya_*.lua; do
    "$DEMOB" check "$f" > /dev/null 2>&1 || fail "$f does not check"
done
# Budget amounts (initial, tranches) accept params, so money can be swept or --set.
cat > "$T/bud.lua" <<'LUA'
scenario { name = "bud", steps = 3, states = { "a", "b" } }
origin { "X", a = 100 }
param { "money", 1000, min = 0, max = 5000 }
param { "pledge", 500 }
budget { "fund", initial = param "money", tranches = { { at = 2, amount = param "pledge" } } }
flow { from = "a", to = "b", rate = 0.5, cost = 10, budget = "fund" }
LUA
"$DEMOB" run "$T/bud.lua" -o "$T/b1" --quiet || fail "budget params run"
# 1000 - 50 * 10 = 500; + 500 pledged - 25 * 10 = 750.
grep -q '^1,2,,fund,750,250,0$' "$T/b1/budgets.csv" || fail "budget initial and tranche from params"
"$DEMOB" run "$T/bud.lua" -o "$T/b2" --quiet --set money=100 --set pledge=0 || fail "budget --set run"
grep -q '^1,1,,fund,0,100,400$' "$T/b2/budgets.csv" || fail "budget initial --set money=100"
expect 2 "bud.lua:5: budget: budget 'fund': tranche at step 2: amount must be >= 0 (got -5)" -- \
    "$DEMOB" run "$T/bud.lua" -o "$T/b3" --quiet --set pledge=-5
printf 'scenario { steps = 2, states = { "a" } }\nbudget { "f", initial = 2 * total "a" }\n' > "$T/bude.lua"
expect 2 "bude.lua:2: budget" -- "$DEMOB" check "$T/bude.lua"
finish
