#!/bin/sh
# constraints.csv (--save constraints): per step and constraint the people
# wanted, allowed and cut, worked by hand below; summary.csv's bound.*
# columns count the steps each constraint cut anyone; constraints.csv is not
# in the default set.
set -u
. tests/cli/lib.sh
cat > "$T/con.lua" <<'LUA'
scenario { name = "con", steps = 3, states = { "a", "b", "c", "d" } }
origin { "X", a = 1000 }
origin { "Y", a = 100 }
capacity { "cap", per_step = 300 }
state { "c", ceiling = 100 }
budget { "money", initial = 600 }
flow { from = "a", to = "b", rate = 0.5, capacity = "cap", origins = { "X" } }
flow { from = "b", to = "c", rate = 0.5 }
flow { from = "a", to = "d", rate = 0.5, cost = 10, budget = "money", origins = { "Y" } }
flow { from = "c", to = "d", rate = 0.1, origins = { "X" } }
LUA
"$DEMOB" run "$T/con.lua" -o "$T/o" --quiet --save constraints,summary || fail "run --save constraints"
# step 1: X wants 0.5 * 1000 = 500 through cap 300 (cut 200); c is empty;
#   Y's 50 movers cost 500 of 600. step 2: 0.5 * 700 = 350 (cut 50); b holds
#   300, 150 want into c (room 100, cut 50); Y's 25 would cost 250, 100 is
#   left: 10 move, 15 cut. step 3: 200 < 300; b holds 500, 250 want in, c
#   holds 100 and 10 leave: room 10, cut 240; Y has 40 left, 20 want to
#   move but the budget is empty: 20 cut.
cat > "$T/expected.csv" <<'CSV'
run,step,date,constraint,name,wanted,allowed,cut
1,1,,capacity,cap,500,300,200
1,1,,ceiling,c,0,100,0
1,1,,budget,money,50,50,0
1,2,,capacity,cap,350,300,50
1,2,,ceiling,c,150,100,50
1,2,,budget,money,25,10,15
1,3,,capacity,cap,200,300,0
1,3,,ceiling,c,250,10,240
1,3,,budget,money,20,0,20
CSV
cmp -s "$T/expected.csv" "$T/o/constraints.csv" || fail "constraints.csv: $(diff "$T/expected.csv" "$T/o/constraints.csv")"
head -1 "$T/o/summary.csv" | grep -q ',bound.capacity.cap,bound.ceiling.c,bound.budget.money$' ||
    fail "summary.csv lacks the bound.* columns at its end"
tail -1 "$T/o/summary.csv" | grep -q ',2,2,2$' || fail "summary.csv: each constraint bound 2 steps"
# Not in the default set.
"$DEMOB" run "$T/con.lua" -o "$T/d" --quiet || fail "default run"
[ ! -e "$T/d/constraints.csv" ] || fail "constraints.csv written without --save"
[ -e "$T/d/summary.csv" ] || fail "no summary.csv"
# A synchronised withdrawal: X may move at most twice what Y moves.
cat > "$T/sy.lua" <<'LUA'
scenario { name = "sy", steps = 1, states = { "a", "b" } }
origin { "X", tags = { "gx" }, a = 1000 }
origin { "Y", tags = { "gy" }, a = 100 }
flow { from = "a", to = "b", rate = 0.5 }
sync { "gx", "gy", ratio = 2, flows = { "a->b" } }
LUA
"$DEMOB" run "$T/sy.lua" -o "$T/s" --quiet --save constraints || fail "sync run"
grep -q '^1,1,,sync,gx/gy,500,100,400$' "$T/s/constraints.csv" || fail "sync row: $(cat "$T/s/constraints.csv")"
# Stochastic: one row per run, step and constraint; cuts are whole people.
"$DEMOB" run "$T/con.lua" --mode stochastic --runs 4 -o "$T/st" --quiet --save constraints || fail "stochastic"
[ "$(grep -c '' "$T/st/constraints.csv")" = 37 ] || fail "stochastic constraints.csv: expected 1 + 4 x 3 x 3 rows"
awk -F, 'NR > 1 && ($6 != int($6) || $8 != int($8)) { bad = 1 } END { exit bad }' "$T/st/constraints.csv" ||
    fail "stochastic wanted/cut not whole"
# A model without constraints writes no constraints.csv and no bound columns.
printf 'scenario { steps = 2, states = { "a", "b" } }\norigin { "X", a = 10 }\nflow { from = "a", to = "b", rate = 0.5 }\n' \
    > "$T/free.lua"
"$DEMOB" run "$T/free.lua" -o "$T/f" --quiet --save constraints,summary || fail "free run"
[ ! -e "$T/f/constraints.csv" ] || fail "constraints.csv without constraints"
grep -q bound "$T/f/summary.csv" && fail "bound columns without constraints"
# A ceiling per origin is one ceiling each, on the same state: the second
# and later are named "state#2", "state#3" in declaration order, other
# states' ceilings keeping their count apart.
cat > "$T/per.lua" <<'LUA'
scenario { steps = 1, states = { "a", "b", "c" } }
origin { "X", a = 10 }
origin { "Y", a = 10 }
origin { "Z", a = 10 }
state { "b", ceiling = { X = 1, Y = 2, Z = 3 } }
state { "c", ceiling = 5 }
flow { from = "a", to = "b", rate = 0.5 }
flow { from = "a", to = "c", rate = 0.5 }
LUA
"$DEMOB" run "$T/per.lua" -o "$T/p" --quiet --save constraints,summary || fail "per-origin ceilings"
[ "$(cut -d, -f5 "$T/p/constraints.csv" | tr '\n' ' ')" = "name b b#2 b#3 c " ] ||
    fail "per-origin ceiling names: $(cut -d, -f5 "$T/p/constraints.csv" | tr '\n' ' ')"
head -1 "$T/p/summary.csv" | grep -q ',bound.ceiling.b,bound.ceiling.b_2,bound.ceiling.b_3,bound.ceiling.c$' ||
    fail "per-origin ceiling columns: $(head -1 "$T/p/summary.csv")"
finish
