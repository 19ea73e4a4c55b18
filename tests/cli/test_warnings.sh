#!/bin/sh
# `demob check` and `demob run` warn on stderr, exit status unchanged, about
# a model that is valid but likely not meant: flows that can never move
# anyone, origins no flow covers, states nothing can reach, capacities no
# flow names, params nothing uses, --set values outside a declared range.
set -u
. tests/cli/lib.sh
cat > "$T/w.lua" <<'LUA'
scenario { name = "w", steps = 3, states = { "a", "b", "c", "d", "spare" } }
origin { "X", a = 10 }
origin { "Lonely", a = 5 }
param { "r", 0.2, min = 0, max = 0.5 }
param { "unused", 7 }
capacity { "nobody", per_step = 3 }
state { "c", ceiling = 4 }
flow { from = "a", to = "b", rate = param "r", origins = { "X" } }
flow { from = "b", to = "a", rate = 0, origins = { "X" } }
flow { from = "c", to = "d", rate = 0.5, origins = { "X" } }
LUA
"$DEMOB" check "$T/w.lua" > "$T/out" 2> "$T/err" || fail "check exit status"
for w in "demob check: warning: flow 'b->a' can never move anyone: its rate is 0" \
         "demob check: warning: flow 'c->d' can never move anyone: nothing can reach 'c'" \
         "demob check: warning: origin 'Lonely': no flow covers it" \
         "demob check: warning: state 'c': nothing can reach it" \
         "demob check: warning: capacity 'nobody': no flow names it" \
         "demob check: warning: param 'unused': nothing uses it"; do
    grep -qF "$w" "$T/err" || fail "missing: $w; got: $(cat "$T/err")"
done
# Only listed, never used: no warning for 'spare'; 'r' is used.
grep -q "'spare'" "$T/err" && fail "warned about a state only listed"
grep -q "param 'r'" "$T/err" && fail "warned about a used param"
expect 0 "demob check: warning: --set r=0.9 is outside the param's declared range [0, 0.5]" -- \
    "$DEMOB" check "$T/w.lua" --set r=0.9
expect 0 "demob run: warning: --set r=0.9 is outside the param's declared range [0, 0.5]" -- \
    "$DEMOB" run "$T/w.lua" --set r=0.9 -o "$T/o"
expect 0 "demob run: warning: capacity 'nobody': no flow names it" -- "$DEMOB" run "$T/w.lua" -o "$T/o"
[ -e "$T/o/summary.csv" ] || fail "a run with warnings wrote no output"
# --set within the range: no warning; --quiet silences run's warnings.
"$DEMOB" check "$T/w.lua" --set r=0.4 2>&1 >/dev/null | grep -q -- "--set" && fail "--set in range warned"
[ -z "$("$DEMOB" run "$T/w.lua" -o "$T/o" --quiet 2>&1)" ] || fail "run --quiet printed warnings"
# A clean model and the Libya baseline: no warnings.
"$DEMOB" check scenarios/libya_2020.lua 2>&1 >/dev/null | grep -q warning && fail "libya_2020.lua warns"
finish
