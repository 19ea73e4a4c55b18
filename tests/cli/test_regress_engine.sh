#!/bin/sh
# Regressions of the engine's policy mechanics, each on a small scenario in
# tests/scenarios/regress_*.lua with the expected numbers worked by hand.
set -u
. tests/cli/lib.sh
run() { "$DEMOB" run "tests/scenarios/regress_$1.lua" -o "$T/$1" --quiet || fail "regress_$1 did not run"; }

# Ceilings of 100 on X and Y, which trade people, with 100 more wanting into
# X: the cuts shrink geometrically, yet both must end at most 100.
run ceil_cycle
awk -F, '$2 == 1 && ($5 == "X" || $5 == "Y") && $6 > 100 + 1e-9 { bad = 1 } END { exit bad }' \
    "$T/ceil_cycle/populations.csv" || fail "a ceiling was exceeded in a cycle of full states"

# Sync ratio 1: A's flow is paid from a budget of 1,000 at 10 a head (100
# people), so B's is held to 100 as well, and both stall once money is out.
run sync_budget
awk -F, 'NR > 1 { m[$2 "," $4] = $8 } END { for (t = 1; t <= 3; t++) if (m[t ",A"] != m[t ",B"]) exit 1; exit m["1,A"] != 100 }' \
    "$T/sync_budget/flows.csv" || fail "synchronised departures differ after the budget cut"

# A free flow under a budget is not cut: 1,000 at rates 0.3/0.3 leave 510,
# 255 each way; the paid one is cut to the 500 / 10 = 50 the budget buys.
run bud_zero_d
grep -q '^1,1,,A,free,present,camp,255$' "$T/bud_zero_d/flows.csv" || fail "the free flow was cut by the budget"
grep -q '^1,1,,A,paid,present,home,50$' "$T/bud_zero_d/flows.csv" || fail "the paid flow was not cut to 50"

# priority = { "opp", "Syria" }: Sudan and Chad (the tag opp) want 500 each
# of 600 seats and share them 300/300; Syria gets none.
run prio_tag
grep -q '^1,1,,Sudan,present->home,present,home,300$' "$T/prio_tag/flows.csv" || fail "Sudan should get 300"
grep -q '^1,1,,Chad,present->home,present,home,300$' "$T/prio_tag/flows.csv" || fail "Chad should get 300"
grep -q '^1,1,,Syria,present->home,present,home,0$' "$T/prio_tag/flows.csv" || fail "Syria should get 0"

# Origins declared after a flow of all origins are moved by it too.
run origin_late
n=$(awk -F, '$2 == 5 && $5 == "present" && $6 == 327.68' "$T/origin_late/populations.csv" | wc -l)
[ "$n" = 10 ] || fail "only $n of 10 origins followed the flow declared before them"
# ... but after a flow that lists origins by name, a new origin is an error.
cat > "$T/late_list.lua" <<'LUA'
scenario { name = "l", steps = 2, states = { "a", "b" } }
origin { "A", a = 10 }
flow { from = "a", to = "b", rate = 0.5, origins = { "A" } }
origin { "B", a = 10 }
LUA
expect 2 "late_list.lua:4: origin 'B' comes after a flow that names origins" -- \
    "$DEMOB" run "$T/late_list.lua" -o "$T/l" --quiet

# A negative budget refill is refused, not turned into negative moves.
expect 2 "must be >= 0" -- "$DEMOB" run tests/scenarios/regress_bud_neg.lua -o "$T/n" --quiet --set refill=-1000
[ ! -e "$T/n/flows.csv" ] || fail "output written for a negative refill"
run bud_neg
awk -F, 'NR > 1 && $8 < 0 { bad = 1 } END { exit bad }' "$T/bud_neg/flows.csv" || fail "negative movers"
finish
