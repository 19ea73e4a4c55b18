#!/bin/sh
# Runs are isolated: a hook that keeps state in a Lua local, a global, an
# upvalue or a table field sees it as freshly loaded at every run, so the
# output is byte-identical across -j 1, 2, 7 and shard splits, and
# on_finish reports each run's own value. sim.memo is a per-run table.
set -u
. tests/cli/lib.sh

# One scenario per way of keeping state: the second site opens once, at
# the first step where b passes 30, and on_finish writes the step it
# remembered (opened_<run>.csv).
write() {   # write NAME DECL GET SET
    cat > "$T/$1.lua" <<EOF
scenario { steps = 6, mode = "stochastic", runs = 9, seed = 4, states = { "a", "b", "c" } }
origin { "X", a = 100 }
param { second = 0 }
flow { from = "a", to = "b", rate = 0.2 }
flow { from = "a", to = "c", rate = param "second" }
$2
local function opened() return $3 end
on_step(function(sim, t)
  if not opened() and sim:total("b") > 30 then
    $4
    sim:set("second", 0.3)
  end
end)
on_finish(function(sim)
  local w = csv.open("opened_" .. sim.run .. ".csv", { "run", "opened_at" })
  w:row { sim.run, opened() or -1 }
  w:close()
end)
sweep { grid = { second = { 0, 0.1 } }, replicates = 3 }
EOF
}
write local  "local opened_at"              "opened_at"           "opened_at = t"
write global ""                             "opened_at_g"         "opened_at_g = t"
write upval  "local box = nil"              "box"                 "box = t"
write field  "local state = { at = false }" "state.at"            "state.at = t"

for kind in local global upval field; do
    s="$T/$kind.lua"
    for j in 1 2 7; do
        "$DEMOB" run "$s" -j $j -o "$T/$kind-j$j" --quiet || fail "$kind -j $j: run failed"
    done
    for j in 2 7; do
        for f in populations.csv flows.csv summary.csv; do
            cmp -s "$T/$kind-j1/$f" "$T/$kind-j$j/$f" || fail "$kind: $f differs between -j 1 and -j $j"
        done
    done
    # Every run opens the site at the step its own numbers give: each
    # run's file names its own run, and run 1's step is what a run alone
    # (--runs 1) gives.
    "$DEMOB" run "$s" --runs 1 -o "$T/$kind-one" --quiet || fail "$kind --runs 1 failed"
    want=$(sed 1d "$T/$kind-one/opened_1.csv")
    got=$(sed 1d "$T/$kind-j1/opened_1.csv")
    [ "$want" = "$got" ] || fail "$kind: run 1 reports '$got', a run alone '$want'"
    for r in 1 2 3 4 5 6 7 8 9; do
        for j in 1 2 7; do
            line=$(sed 1d "$T/$kind-j$j/opened_$r.csv")
            case $line in "$r,"[0-9]*) ;; *) fail "$kind -j $j: opened_$r.csv holds '$line'" ;; esac
        done
        cmp -s "$T/$kind-j1/opened_$r.csv" "$T/$kind-j7/opened_$r.csv" ||
            fail "$kind: opened_$r.csv differs between -j 1 and -j 7"
    done
    # A sweep, whole and in shards merged: the same bytes.
    "$DEMOB" sweep "$s" -j 2 -o "$T/$kind-sw" --quiet || fail "$kind: sweep failed"
    for k in 0 1 2; do
        "$DEMOB" sweep "$s" -j $((k + 1)) --shard $k/3 -o "$T/$kind-sh$k" --quiet || fail "$kind: shard $k failed"
    done
    "$DEMOB" merge -o "$T/$kind-merged" "$T/$kind-sh0" "$T/$kind-sh1" "$T/$kind-sh2" --quiet ||
        fail "$kind: merge failed"
    for f in points.csv summary.csv; do
        cmp -s "$T/$kind-sw/$f" "$T/$kind-merged/$f" || fail "$kind: sweep $f differs once sharded and merged"
    done
done
# The four ways give the same numbers: each is per run.
for kind in global upval field; do
    cmp -s "$T/local-j1/populations.csv" "$T/$kind-j1/populations.csv" ||
        fail "$kind: populations.csv differs from the hook keeping a local"
done

# sim.memo: per run, the same table at every step of the run.
cat > "$T/memo.lua" <<'EOF'
scenario { steps = 4, mode = "stochastic", runs = 3, seed = 1, states = { "a", "b" } }
origin { "X", a = 10 }
flow { from = "a", to = "b", rate = 0.1 }
on_step(function(sim, t)
  sim.memo.n = (sim.memo.n or 0) + 1
  assert(sim.memo.n == t, "memo carried from another run: " .. sim.memo.n .. " at step " .. t)
end)
on_finish(function(sim)
  assert(sim.memo.n == 4, "memo lost within the run")
end)
EOF
for j in 1 3; do
    "$DEMOB" run "$T/memo.lua" -j $j -o "$T/memo-$j" --quiet || fail "sim.memo -j $j"
done

# A hook that reaches only upvalues holding numbers, strings, booleans or
# such functions keeps its Lua state, the upvalues put back to their
# loaded values before each run; the same hook reaching a global (so
# loaded afresh for each run) gives the same bytes, whatever -j.
cat > "$T/cells.lua" <<'EOF'
scenario { steps = 6, mode = "stochastic", runs = 9, seed = 5, states = { "a", "b", "c" } }
origin { "X", a = 100 }
param { second = 0 }
flow { from = "a", to = "b", rate = 0.2 }
flow { from = "a", to = "c", rate = param "second" }
local opened_at, label = nil, "site"
local function open(sim, t) opened_at = t; label = label .. "!"; sim:set("second", 0.3) end
on_step(function(sim, t)
  if not opened_at and sim:total("b") > 30 then open(sim, t) end
  if label ~= "site" and label ~= "site!" then sim:set("second", 0.9) end
end)
EOF
sed 's/^on_step(function(sim, t)$/on_step(function(sim, t) local _ = type/' "$T/cells.lua" > "$T/cells_env.lua"
grep -q 'local _ = type' "$T/cells_env.lua" || fail "cells_env.lua was not made"
for j in 1 2 7; do
    "$DEMOB" run "$T/cells.lua" -j $j -o "$T/cells-$j" --quiet || fail "cells -j $j"
    "$DEMOB" run "$T/cells_env.lua" -j $j -o "$T/cells_env-$j" --quiet || fail "cells_env -j $j"
    cmp -s "$T/cells-1/populations.csv" "$T/cells-$j/populations.csv" || fail "cells: -j $j differs from -j 1"
    cmp -s "$T/cells-$j/populations.csv" "$T/cells_env-$j/populations.csv" ||
        fail "cells -j $j: upvalues put back give other numbers than a fresh load per run"
done
finish
