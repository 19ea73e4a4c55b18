#!/bin/sh
# demob report and plot on folders of run's default file set (summary.csv,
# quantiles.csv, outcomes.csv; no populations.csv): the answer table has a
# row per declared outcome with ranges and marks, the page names what the
# ranges include, milestones say they are not available, charts come from
# quantiles.csv and outcomes.csv; bad input in those files is named.
set -eu
LC_ALL=C
export LC_ALL
: "${DEMOB:?set DEMOB to the demob binary}"
. tests/cli/lib.sh   # T, fail, expect
count() { grep -oF -- "$2" "$1" | wc -l | tr -d ' '; }

B="$T/base" V="$T/site" P="$T/par"
"$DEMOB" run scenarios/libya_2020.lua -o "$B" -q || fail "run: exit $?"
"$DEMOB" run scenarios/libya_second_site.lua -o "$V" -q || fail "run variant: exit $?"
"$DEMOB" run scenarios/libya_2020.lua -o "$P" --uncertainty parameters --runs 60 -q || fail "run parameters: exit $?"
[ ! -e "$B/populations.csv" ] || fail "the default file set has populations.csv: this test needs a folder without"

# --- one folder
H="$T/one.html"
"$DEMOB" report "$B" -o "$H" || fail "report of a default-file-set folder: exit $?"
for o in still_in_country ever_repatriated ever_redeployed total_cost; do
    # one row per answer date (12 and 24)
    [ "$(count "$H" "<td>$o <small>(outcome)</small></td>")" = 2 ] || fail "outcome row $o: not once per date"
done
grep -qF '<b>Libya 2020 baseline</b>: chance (run-to-run noise at fixed params) only' "$H" ||
    fail "the page does not say what the range includes"
grep -qF 'the mean over runs from quantiles.csv, without a range' "$H" || fail "no note on the rows of stocks"
grep -qF 'Not available: these folders hold no populations.csv' "$H" || fail "milestones not marked unavailable"
for t in "Outcome still_in_country" "Outcome total_cost" "People redeployed by origin" "People by state"; do
    grep -qF ">$t</text>" "$H" || fail "chart '$t' missing"
done
# The by-origin chart of one folder is a fan: bands from quantiles.csv.
grep -qF 'Libya 2020 baseline; median and p5-p95 over runs' "$H" || fail "no fan from quantiles.csv"
# quantiles.csv's outcome rows (origin "all") are not stocks.
grep -qF '>still_in_country</text>' "$H" && fail "an outcome is drawn among the stocks"
# The ranges of outcomes: p5 below p95 in the still_in_country row.
row=$(grep -A1 -F '<td>ever_repatriated <small>(outcome)</small></td>' "$H" | head -2 | tr -d '\n')
printf '%s' "$row" | grep -q '<small>[0-9,]* &ndash; [0-9,]*</small>' || fail "outcome row without a range: $row"

# --- with parameter uncertainty the page says so
"$DEMOB" report "$P" -o "$T/par.html" || fail "report (parameters): exit $?"
grep -qF '<b>Libya 2020 baseline</b>: chance and parameters (each run draws' "$T/par.html" ||
    fail "the page does not say the range includes parameters"

# --- baseline and a variant: differences and marks on outcome rows
H2="$T/two.html"
"$DEMOB" report "$B" "$V" -o "$H2" || fail "report of two folders: exit $?"
[ "$(count "$H2" '<b title="beyond run-to-run chance">*</b>')" -ge 3 ] ||
    fail "expected differences beyond chance between the baseline and the second site"
grep -A3 -F '<td>total_cost <small>(outcome)</small></td>' "$H2" | grep -qF 'class="diff">+' ||
    fail "no difference shown on total_cost"
grep -qF '<b>Libya 2020, second site at 90%</b>: chance' "$H2" || fail "range of the second folder not named"
# The same folder twice: nothing is beyond chance (the test can fail).
"$DEMOB" report "$B" "$B" -o "$T/same.html" --label a --label b || fail "report of one folder twice: exit $?"
grep -qF 'No difference here is beyond run-to-run chance' "$T/same.html" || fail "marks between identical folders"

# --- a folder with populations.csv keeps its stock rows with ranges
A="$T/all"
"$DEMOB" run scenarios/libya_2020.lua -o "$A" --runs 20 --save all -q || fail "run --save all: exit $?"
"$DEMOB" report "$A" -o "$T/all.html" || fail "report --save all: exit $?"
grep -qF 'without a range' "$T/all.html" && fail "a folder with populations.csv is read from quantiles.csv"
grep -qF '<td>still_in_country <small>(outcome)</small></td>' "$T/all.html" || fail "no outcome rows with --save all"

# --- plot
"$DEMOB" plot "$B" --data outcomes --state ever_repatriated -o "$T/o.svg" || fail "plot --data outcomes: exit $?"
grep -qF '>Outcome ever_repatriated</text>' "$T/o.svg" || fail "plot --data outcomes: title"
"$DEMOB" plot "$B" -o "$T/p.svg" || fail "plot of a default-file-set folder: exit $?"
grep -qF '>still_in_country</text>' "$T/p.svg" && fail "plot draws an outcome among the stocks"
expect 2 "--data: 'outcome' is not populations, costs, flows, budgets or outcomes" \
    "$DEMOB" plot "$B" --data outcome -o "$T/x.svg"

# --- bad input in those files is named, exit 2
cp -r "$B" "$T/bad"
sed -i '3s/,[^,]*$/,many/' "$T/bad/outcomes.csv"
expect 2 "outcomes.csv:3" "$DEMOB" report "$T/bad" -o "$T/bad.html"
[ ! -e "$T/bad.html" ] || fail "a report was written from a bad outcomes.csv"
cp -r "$B" "$T/badq"
sed -i '2s/^0,/zero,/' "$T/badq/quantiles.csv"
expect 2 "quantiles.csv:2" "$DEMOB" report "$T/badq" -o "$T/badq.html"
"$DEMOB" sweep tests/scenarios/sweep_small.lua -o "$T/sw" --replicates 3 -q || fail "sweep: exit $?"
expect 2 "choose a point with --point N" "$DEMOB" report "$T/sw" -o "$T/sw.html"
"$DEMOB" report "$T/sw" --point 1 -o "$T/sw.html" || fail "report of a sweep point from quantiles.csv: exit $?"
# without summary.csv, a point's runs are the sweep's replicates, not all runs
rm "$T/sw/summary.csv"
"$DEMOB" report "$T/sw" --point 1 -o "$T/sw2.html" || fail "report of a sweep point without summary.csv: exit $?"
grep -q "3 runs" "$T/sw2.html" || fail "a sweep point's runs are not its 3 replicates"
# a step beyond any run is bad input naming the line, not a huge allocation
# (every row of the last step moved there, so that each step is complete)
cp -r "$B" "$T/bigq"
last=$(tail -n 1 "$B/quantiles.csv" | cut -d, -f1)
line=$(grep -n "^$last," "$B/quantiles.csv" | head -n 1 | cut -d: -f1)
sed -i "s/^$last,/99999999999,/" "$T/bigq/quantiles.csv"
expect 2 "quantiles.csv:$line: step 99999999999 is beyond any run" "$DEMOB" report "$T/bigq" -o "$T/bigq.html"
# a missing cell (a step, origin and state without its row) is refused,
# naming the combination, not counted as 0 in the table or the charts
cp -r "$B" "$T/holeq"
last=$(tail -n 1 "$B/quantiles.csv" | cut -d, -f1)
awk -F, -v s="$last" '!($1 == s && $3 == "Chad" && $4 == "repatriated")' "$B/quantiles.csv" > "$T/holeq/quantiles.csv"
expect 2 "no row for step $last, origin 'Chad', state 'repatriated'" "$DEMOB" report "$T/holeq" -o "$T/hole.html"
expect 2 "no row for step $last, origin 'Chad', state 'repatriated'" "$DEMOB" plot "$T/holeq" -o "$T/hole.svg"
awk -F, '!($1 == "0" && $3 == "Chad" && $4 == "repatriated")' "$B/quantiles.csv" > "$T/holeq/quantiles.csv"
expect 2 "no row for step 0, origin 'Chad', state 'repatriated'" "$DEMOB" report "$T/holeq" -o "$T/hole.html"
# a sweep's: the point is named too
cp -r "$T/sw" "$T/holesw"
awk -F, '!($1 == "1" && $2 == "3" && NR > 1 && ++n == 1)' "$T/sw/quantiles.csv" > "$T/holesw/quantiles.csv"
expect 2 "no row for point 1, step 3, origin" "$DEMOB" report "$T/holesw" --point 1 -o "$T/hole.html"
[ ! -e "$T/hole.html" ] && [ ! -e "$T/hole.svg" ] || fail "a report or chart was written from quantiles.csv with a hole"

finish
