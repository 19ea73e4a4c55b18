#!/bin/sh
# Every broken scenario under tests/scenarios/bad_*.lua is refused by
# `demob run` with exit code 2, a message naming the file (and line), and
# no output file. The same for hooks that raise or write an unknown param,
# and for csv.read on a broken file.
set -u
. tests/cli/lib.sh
for f in tests/scenarios/bad_*.lua; do
    name=$(basename "$f")
    expect 2 "$name:" -- "$DEMOB" run "$f" -o "$T/out" --quiet
    [ ! -e "$T/out/populations.csv" ] || fail "$name: wrote populations.csv"
done
expect 2 "bad_unknown_state.lua:3: flow: unknown state 'cantonned'" -- \
    "$DEMOB" run tests/scenarios/bad_unknown_state.lua -o "$T/out" --quiet
expect 2 "bad_report_state.lua:3: report: key_states: unknown state 'cc' (known: a, b, c)" -- \
    "$DEMOB" run tests/scenarios/bad_report_state.lua -o "$T/out" --quiet
# report { }: every field checked, declared once.
for bad in 'return_state = 3:return_state must be a state name (got number)' \
           'peak_state = "z":report: peak_state: unknown state' \
           'by_origin = {}:by_origin is an empty list' \
           'key_state = "a":unknown field' ; do
    cat > "$T/rep.lua" <<LUA
scenario { name = "r", steps = 2, states = { "a", "b" } }
report { ${bad%%:*} }
LUA
    expect 2 "rep.lua:2: " -- "$DEMOB" check "$T/rep.lua"
    expect 2 "${bad#*:}" -- "$DEMOB" check "$T/rep.lua"
done
printf 'scenario { steps = 2, states = { "a" } }\nreport { peak_state = "a" }\nreport { }\n' > "$T/rep2.lua"
expect 2 "rep2.lua:3: report: declared twice" -- "$DEMOB" check "$T/rep2.lua"
expect 2 "hook_raise.lua:6: boom at 3 (step 3, run 2)" -- \
    "$DEMOB" run tests/scenarios/hook_raise.lua -o "$T/out" --quiet
[ ! -e "$T/out/populations.csv" ] || fail "a run whose hook raised left output"
expect 2 "unknown param 'registraton'" -- "$DEMOB" run tests/scenarios/hook_unknown_param.lua -o "$T/out" --quiet
expect 2 "step 2, run 1" -- "$DEMOB" run tests/scenarios/hook_unknown_param.lua -o "$T/out" --quiet

# csv.read: missing file, ragged row, unterminated quote (line and column).
printf 'origin,count\nSudan,10\nChad\n' > "$T/ragged.csv"
printf 'origin,count\n"Sudan,10\n' > "$T/quote.csv"
for c in missing ragged quote; do
    cat > "$T/read_$c.lua" <<LUA
scenario { name = "r", steps = 2, states = { "a", "b" } }
local rows = csv.read("$c.csv")
origin { "X", a = 1 }
LUA
done
expect 2 "read_missing.lua:2:" -- "$DEMOB" run "$T/read_missing.lua" -o "$T/out" --quiet
expect 2 "cannot open" -- "$DEMOB" run "$T/read_missing.lua" -o "$T/out" --quiet
expect 2 "ragged.csv:3:" -- "$DEMOB" run "$T/read_ragged.lua" -o "$T/out" --quiet
expect 2 "quote.csv:2:" -- "$DEMOB" run "$T/read_quote.lua" -o "$T/out" --quiet

# Events at a calendar date: before the start, outside the run, not a date,
# no start date.
for at in 2020-10:"not after the start date" 2022-04:"is outside the run" April:"is not a date of the form"; do
    cat > "$T/ev.lua" <<LUA
scenario { name = "ev", steps = 12, start = "2020-11", states = { "a", "b" } }
origin { "X", a = 10 }
flow { name = "go", from = "a", to = "b", rate = 1.0, enabled = false }
event { at = "${at%%:*}", enable = { "go" } }
LUA
    expect 2 "ev.lua:4: event" -- "$DEMOB" run "$T/ev.lua" -o "$T/out" --quiet
    expect 2 "${at#*:}" -- "$DEMOB" run "$T/ev.lua" -o "$T/out" --quiet
done
sed -i 's/, start = "2020-11"//; s/at = "April"/at = "2021-01"/' "$T/ev.lua"
expect 2 "needs a start date" -- "$DEMOB" run "$T/ev.lua" -o "$T/out" --quiet

# An event setting a rate outside [0, 1]: refused before the run, at its line.
cat > "$T/evrate.lua" <<'LUA'
scenario { name = "e", steps = 6, states = { "a", "b" } }
origin { "X", a = 10 }
param { r = 0.1 }
flow { from = "a", to = "b", rate = param "r" }
event { at = 3, set = { r = 1.5 } }
LUA
expect 2 "evrate.lua:5: event: flow 'a->b': rate param 'r' = 1.5 is outside [0, 1]" -- \
    "$DEMOB" run "$T/evrate.lua" -o "$T/out" --quiet

# An I/O failure the script caught with pcall does not make a later, plain
# script error count as a failed run: still exit 2.
mkdir -p "$T/io" && touch "$T/io/blk"
cat > "$T/caught.lua" <<'LUA'
scenario { name = "c", steps = 2, states = { "a", "b" } }
origin { "X", a = 10 }
local ok = pcall(csv.open, "blk/x.csv", { "a" })
error("plain script bug")
LUA
expect 2 "caught.lua:4: plain script bug" -- "$DEMOB" run "$T/caught.lua" -o "$T/io" --quiet

# The sandbox: csv.read only below the scenario's folder; --trusted lifts it.
mkdir -p "$T/sub"
printf 'a,b\n1,2\n' > "$T/outside.csv"
for p in /etc/passwd ../outside.csv; do
    cat > "$T/sub/read_out.lua" <<LUA
scenario { name = "r", steps = 2, states = { "a", "b" } }
local rows = csv.read("$p")
origin { "X", a = #rows }
LUA
    expect 2 "must be a relative path below the scenario's folder" -- "$DEMOB" run "$T/sub/read_out.lua" -o "$T/out" --quiet
done
"$DEMOB" run "$T/sub/read_out.lua" -o "$T/out" --quiet --trusted || fail "--trusted should read ../outside.csv"
# ... and not through a symbolic link shipped with the scenario either.
ln -s "$T/outside.csv" "$T/sub/inside.csv"
sed -i 's|"\.\./outside.csv"|"inside.csv"|' "$T/sub/read_out.lua"
expect 2 "'inside.csv' leads out of the scenario's folder through a symbolic link" -- \
    "$DEMOB" run "$T/sub/read_out.lua" -o "$T/out" --quiet
finish
