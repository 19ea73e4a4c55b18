#!/bin/sh
# Error messages that say how to fix the input: a ';'-separated CSV, a
# quoted "2,000" (row and column named), a rate written as a percentage, a
# scenario without states (suggests require "ddr"). Exit 2 each.
set -u
. tests/cli/lib.sh
printf 'origin;n\nX;1000\n' > "$T/semi.csv"
printf 'origin,n\nX,1000\nY,"2,000"\n' > "$T/thou.csv"
for c in semi thou; do
    printf 'scenario { steps = 2, states = { "a", "b" } }\nlocal rows = csv.read("%s.csv")\norigin { "X", a = rows[1].n }\n' \
        "$c" > "$T/r_$c.lua"
done
expect 2 "r_semi.lua:2: " -- "$DEMOB" run "$T/r_semi.lua" -o "$T/o1" --quiet
expect 2 "semi.csv:1: the columns are separated by ';', not ','" -- "$DEMOB" check "$T/r_semi.lua"
expect 2 "r_thou.lua:2: " -- "$DEMOB" check "$T/r_thou.lua"
expect 2 "thou.csv:3: column 'n' (column 2): \"2,000\" is a number written with thousands separators; write 2000" -- \
    "$DEMOB" check "$T/r_thou.lua"
# Text that only looks similar stays text.
printf 'origin,n,note\nX,1000,"1,5"\nY,7,"a, b"\n' > "$T/text.csv"
printf 'scenario { steps = 2, states = { "a", "b" } }\nlocal rows = csv.read("text.csv")\norigin { "X", a = rows[1].n }\n' \
    > "$T/r_text.lua"
"$DEMOB" check "$T/r_text.lua" > /dev/null || fail "text cells refused"
printf 'scenario { steps = 2, states = { "a", "b" } }\norigin { "X", a = 1 }\nflow { from = "a", to = "b", rate = 5 }\n' \
    > "$T/pct.lua"
expect 2 "pct.lua:3: flow: rate must be in [0, 1] (got 5; if 5 is a percentage, write 0.05)" -- "$DEMOB" check "$T/pct.lua"
printf 'scenario { steps = 2, states = { "a", "b" } }\norigin { "X", a = 1 }\nflow { from = "a", to = "b", rate = param { "r", 12.5 } }\n' \
    > "$T/pctp.lua"
expect 2 "rate param 'r' = 12.5 is outside [0, 1] (a percentage? write 0.125)" -- "$DEMOB" check "$T/pctp.lua"
expect 2 "rate must be in [0, 1] (got 150)" -- sh -c \
    "printf 'scenario { steps = 2, states = { \"a\", \"b\" } }\nflow { from = \"a\", to = \"b\", rate = 150 }\n' > '$T/big.lua'; '$DEMOB' check '$T/big.lua'"
printf 'scenario { steps = 2 }\norigin { "X", present = 5 }\n' > "$T/ns.lua"
expect 2 "ns.lua:2: origin: unknown field or state 'present'" -- "$DEMOB" check "$T/ns.lua"
expect 2 "no states are declared: list them in scenario { states = { ... } }, or for the standard DDR states write local ddr = require \"ddr\"" -- \
    "$DEMOB" check "$T/ns.lua"
printf 'scenario { steps = 2 }\nflow { from = "present", to = "registered", rate = 0.1 }\n' > "$T/ns2.lua"
expect 2 "ns2.lua:2: flow: unknown state 'present' (no states are declared" -- "$DEMOB" check "$T/ns2.lua"
finish
