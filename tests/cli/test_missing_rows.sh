#!/bin/sh
# A run file of `--save all` (populations.csv, flows.csv, costs.csv,
# outcomes.csv) with a row deleted is refused by report, plot, compare and
# summarize (exit 2, naming file:line, run, step and the cell), not summed
# as 0; no chart or page is written. A flows.csv's arrival rows, written
# only when someone arrives, may be absent.
set -eu
LC_ALL=C
export LC_ALL
: "${DEMOB:?set DEMOB to the demob binary}"
. tests/cli/lib.sh   # T, fail, expect

A="$T/all"
"$DEMOB" run scenarios/libya_2020.lua --runs 5 --save all -o "$A" -q || fail "run: exit $?"
# constraints.csv is not read by these commands' tidy readers
rm -f "$A/constraints.csv"

# hole FILE AWK-CONDITION: a copy of the folder without FILE's rows that match
hole() {
    rm -rf "$T/h"
    cp -r "$A" "$T/h"
    awk -F, "NR == 1 || !($2)" "$A/$1" > "$T/h/$1"
    [ "$(wc -l < "$T/h/$1")" -lt "$(wc -l < "$A/$1")" ] || fail "no row of $1 matches $2"
}
refused() {   # refused PATTERN: every command that reads the files says so
    expect 2 "$1" "$DEMOB" report "$T/h" -o "$T/h.html"
    expect 2 "$1" "$DEMOB" compare "$A" "$T/h" --files "$2"
    [ ! -e "$T/h.html" ] || fail "a report was written from a folder with a hole"
}

# populations.csv: run 3 has no Syria-GNA disarmed at step 18
hole populations.csv '$1 == 3 && $2 == 18 && $4 == "Syria-GNA" && $5 == "disarmed"'
line=$(grep -n '^3,18,' "$T/h/populations.csv" | tail -n 1 | cut -d: -f1)
msg="populations.csv:$line: no row for run 3, step 18, origin 'Syria-GNA', state 'disarmed'"
refused "$msg" populations
expect 2 "$msg" "$DEMOB" plot "$T/h" -o "$T/h.svg"
expect 2 "$msg" "$DEMOB" plot "$T/h/populations.csv" --type fan -o "$T/h.svg"
expect 2 "$msg" "$DEMOB" summarize "$T/h" --at 24 --state present
[ ! -e "$T/h.svg" ] || fail "a chart was written from populations.csv with a hole"
# the first step of the first run lacks a cell: named by the line that has it
hole populations.csv '$1 == 1 && $2 == 0 && $4 == "Chad" && $5 == "stranded"'
expect 2 "populations.csv: no row for run 1, step 0, origin 'Chad', state 'stranded' (line" \
    "$DEMOB" report "$T/h" -o "$T/h.html"
expect 2 "has it at run 1, step 1;" "$DEMOB" summarize "$T/h" --at 24 --state present
# a run without a whole step
hole populations.csv '$1 == 2 && $2 == 7'
line=$(grep -n '^2,8,' "$T/h/populations.csv" | head -n 1 | cut -d: -f1)
refused "populations.csv:$line: no rows for run 2, step 7 (every run holds the steps of run 1" populations
# the last step of the last run
hole populations.csv '$1 == 5 && $2 == 36'
line=$(wc -l < "$T/h/populations.csv" | tr -d ' ')
expect 2 "populations.csv:$line: no rows for run 5, step 36" "$DEMOB" summarize "$T/h" --at 24 --state present
# a step in a later run that the first lacks
hole populations.csv '$1 == 1 && $2 == 12'
expect 2 "populations.csv: no rows for run 1, step 12 (line" "$DEMOB" plot "$T/h" -o "$T/h.svg"

# flows.csv: a flow's row
hole flows.csv '$1 == 3 && $2 == 18 && $4 == "Russia" && $6 == "repatriated" && $7 == "reintegrated"'
line=$(grep -n '^3,18,' "$T/h/flows.csv" | tail -n 1 | cut -d: -f1)
refused "flows.csv:$line: no row for run 3, step 18, origin 'Russia', flow 'repatriated->reintegrated'" flows
expect 2 "flows.csv:$line: no row for run 3" "$DEMOB" plot "$T/h/flows.csv" --type fan -o "$T/h.svg"
# arrival rows (origin,,,state) are written only when someone arrives:
# one fewer is no hole
V="$T/valid"
"$DEMOB" run tests/scenarios/valid.lua --runs 3 --save all -o "$V" -q || fail "run valid: exit $?"
grep -q '^2,2,[^,]*,Sudan,,,present,' "$V/flows.csv" || fail "valid.lua: no arrival row to delete"
mkdir "$T/arr"
awk -F, '!($1 == 2 && $2 == 2 && $6 == "")' "$V/flows.csv" > "$T/arr/flows.csv"
"$DEMOB" compare "$V/flows.csv" "$T/arr/flows.csv" > /dev/null || fail "flows.csv without an arrival row: exit $?"
# budgets.csv: a run without a step
awk -F, '!($1 == 2 && $2 == 5)' "$V/budgets.csv" > "$T/arr/budgets.csv"
line=$(grep -n '^2,6,' "$T/arr/budgets.csv" | head -n 1 | cut -d: -f1)
expect 2 "budgets.csv:$line: no rows for run 2, step 5" "$DEMOB" compare "$V/budgets.csv" "$T/arr/budgets.csv"

# costs.csv
hole costs.csv '$1 == 3 && $2 == 18 && $4 == "Russia" && $5 == "transport"'
line=$(grep -n '^3,18,' "$T/h/costs.csv" | tail -n 1 | cut -d: -f1)
refused "costs.csv:$line: no row for run 3, step 18, origin 'Russia', category 'transport'" costs

# outcomes.csv
hole outcomes.csv '$1 == 3 && $2 == 18 && $4 == "still_in_country"'
line=$(grep -n '^3,18,' "$T/h/outcomes.csv" | tail -n 1 | cut -d: -f1)
msg="outcomes.csv:$line: no row for run 3, step 18, outcome 'still_in_country'"
expect 2 "$msg" "$DEMOB" summarize "$T/h" --at 24 --state still_in_country
expect 2 "$msg" "$DEMOB" plot "$T/h/outcomes.csv" -o "$T/h.svg"
# summarize adds up a run's values from several files: a run that one of
# them lacks in full is refused too
hole outcomes.csv '$1 == 3'
expect 2 "outcomes.csv: no rows for run 3 (populations.csv has them; a missing row is not 0)" \
    "$DEMOB" summarize "$T/h" --at 24 --state present,still_in_country

# the complete folder is read as before
"$DEMOB" report "$A" -o "$T/ok.html" || fail "report of the complete folder: exit $?"
"$DEMOB" summarize "$A" --at 24 --state present,still_in_country > /dev/null || fail "summarize: exit $?"

finish
