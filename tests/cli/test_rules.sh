#!/bin/sh
# Decided rules of docs/model.md that the command line shows: a run
# shortened by --steps skips the timed events and tranches after its last
# step (a warning, exit 0), and an event's ceiling = { state = x } sets
# every ceiling of the state, per-origin ones included.
set -eu
. tests/cli/lib.sh

# --- --steps shorter than an event: skipped with a warning
cat > "$T/ev.lua" <<'LUA'
scenario { name = "ev", steps = 12, states = { "a", "b" } }
origin { "X", a = 1000 }
param { r = 0.1 }
flow { from = "a", to = "b", rate = param "r" }
event { at = 10, set = { r = 0.5 } }
event { at = 3, set = { r = 0.2 } }
budget { "money", initial = 0, tranches = { { at = 11, amount = 5 } } }
LUA
expect 0 "ev.lua:5: event at step 10 is after the last step: skipped (--steps 5 of 12), and 1 more after it" -- \
    "$DEMOB" run "$T/ev.lua" --steps 5 -o "$T/ev5"
grep -q '^1,5,,X,b,' "$T/ev5/populations.csv" || fail "the shortened run did not write step 5"
# the event at step 3 still applies: 1000 * (1 - 0.9^2 * 0.8^3) = 585.28
grep -q '^1,5,,X,b,585.28' "$T/ev5/populations.csv" || fail "the event inside the run was lost: $(grep '^1,5,,X,b' "$T/ev5/populations.csv")"
# the event still runs when it is inside the run, and one outside the
# declared run is still an error
out=$("$DEMOB" run "$T/ev.lua" --steps 11 --quiet -o "$T/ev11" 2>&1) || fail "--steps 11: exit $?"
[ -z "$out" ] || fail "a run reaching the event warns: $out"
sed 's/at = 10,/at = 13,/' "$T/ev.lua" > "$T/ev13.lua"
expect 2 "at = 13 is outside the run (steps 1..12)" -- "$DEMOB" run "$T/ev13.lua" --quiet -o "$T/ev13"

# --- an event's ceiling over per-origin ceilings: each becomes the value
cat > "$T/pc.lua" <<'LUA'
scenario { name = "pc", steps = 4, states = { "present", "cantoned" } }
origin { "Sudan", present = 1000 }
origin { "Chad", present = 1000 }
state { "cantoned", ceiling = { Sudan = 800, Chad = 500 } }
flow { from = "present", to = "cantoned", rate = 0.5 }
event { at = 3, ceiling = { cantoned = 600 } }
LUA
"$DEMOB" run "$T/pc.lua" --quiet -o "$T/pc" || fail "pc.lua did not run"
# Chad, capped at 500, may grow to 600; Sudan (750 > 600) keeps its 750
# and admits no one.
for row in '1,2,,Chad,cantoned,500' '1,3,,Chad,cantoned,600' '1,3,,Sudan,cantoned,750' '1,4,,Sudan,present,250'; do
    grep -qx "$row" "$T/pc/populations.csv" || fail "pc.lua: no row $row"
done
finish
