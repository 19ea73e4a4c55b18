#!/bin/sh
# demob report with six scenarios with long names, rendered by headless
# Chromium: through the DOM, no text box overflows its container, nothing
# sticks out of the page, and no chart text leaves its chart or overlaps
# another (tests/cli/fixtures/overflow-check.js, injected into a copy of
# the page). Also: the answer table (dates, differences, marks), the
# funding section, money with its currency, limit lines, milestones
# marked approximate with --every, and PNG and PDF through rsvg-convert
# and Chromium (or a clear refusal without them).
# Needs chromium, rsvg-convert (librsvg2-bin) and python3.
set -eu
LC_ALL=C
export LC_ALL
: "${DEMOB:?set DEMOB to the demob binary}"
. tests/cli/lib.sh

cat > "$T/six.lua" <<'LUA'
scenario { name = "six", steps = 24, unit = "month", start = "2021-01", mode = "stochastic", runs = 20,
           seed = 3, currency = "USD", states = { "present", "cantoned", "repatriated", "redeployed" } }
report { key_states = { "present", "cantoned", "repatriated", "redeployed" }, by_origin = "repatriated",
         return_state = "repatriated", peak_state = "cantoned" }
param { "speed", 0.1, min = 0.01, max = 0.5 }
origin { "Sudan", present = 3000 }
origin { "Chad", present = 1000 }
origin { "Syria (Government of National Accord side)", present = 500 }
capacity { "flights", per_step = 150 }
state { "cantoned", ceiling = 800 }
flow { from = "present", to = "cantoned", rate = param "speed" }
flow { from = "cantoned", to = "repatriated", rate = 0.5, capacity = "flights", cost = 800,
       category = "transport home", budget = "donor fund" }
flow { from = "present", to = "redeployed", rate = 0.01 }
param { upkeep = 40 }
cost { state = "cantoned", per_person = param "upkeep", category = "cantonment upkeep" }
budget { "donor fund", initial = 1e6, per_step = 0, tranches = { { at = 12, amount = 1e6 } } }
LUA
for i in 1 2 3 4 5 6; do
    "$DEMOB" run "$T/six.lua" -o "$T/s$i" --set speed=0.0$((i + 2)) --quiet || fail "run $i"
done
grep -qF '"currency": "USD",' "$T/s1/manifest.json" || fail "the manifest lacks the currency"
grep -qF '"limits": {"ceilings": {"cantoned": 800}, "capacities": {"flights": {"per_step": 150, "flows": ["cantoned->repatriated"]}}},' \
    "$T/s1/manifest.json" || fail "the manifest lacks the limits"
H="$T/six.html"
"$DEMOB" report "$T/s1" "$T/s2" "$T/s3" "$T/s4" "$T/s5" "$T/s6" \
    --label "Baseline: current registration pace and flight capacity as of November 2020" \
    --label "Variant B: registration doubled through mobile teams in the south" \
    --label "Variant C: second cantonment site opened when occupancy passes ninety percent" \
    --label "Variant D: flights doubled from month six with donor funding secured early" \
    --label "Variant E: amnesty law passed, redeployment halved for every origin group" \
    --label "Variant F: all measures together, the most optimistic combined policy package" \
    -o "$H" || fail "six-scenario report: exit $?"

# --- what the page says
grep -q '<tr class="at"><th colspan="7">step 12 (2022-01)</th></tr>' "$H" || fail "answer date 12 (default)"
grep -q '<tr class="at"><th colspan="7">step 24 (2023-01), the final step</th></tr>' "$H" || fail "answer date final"
[ "$(grep -o 'beyond run-to-run chance">\*' "$H" | wc -l)" -ge 10 ] || fail "differences beyond chance not marked"
grep -qF "Welch's t-test of the two means over runs at the 5% level" "$H" || fail "how a mark is decided"
grep -qF '<h2 id="funding">Funding</h2>' "$H" || fail "no funding section"
grep -qF 'amounts in USD' "$H" || fail "funding: currency"
grep -qF 'total cost, USD' "$H" || fail "key outcomes: currency"
grep -qF 'category (whole horizon, USD)' "$H" || fail "costs: currency"
grep -qF 'ceiling of cantoned: 800' "$H" || fail "no ceiling line"
grep -qF 'amount (USD)' "$H" || fail "funding chart: currency on the axis"
"$DEMOB" plot "$T/s1" --data flows --flow 'cantoned->repatriated' -o "$T/cap.svg"
grep -qF 'capacity flights: 150 per step' "$T/cap.svg" || fail "no capacity line on the flows chart"
"$DEMOB" plot "$T/s1" --by origin --state cantoned -o "$T/nocap.svg"
grep -qF 'ceiling of' "$T/nocap.svg" && fail "a ceiling of all origins drawn on a chart by origin"
"$DEMOB" report "$T/s1" "$T/s2" --at 6,2022-06,final -o "$T/at.html" || fail "--at: exit $?"
grep -q '<tr class="at"><th colspan="3">step 6 (2021-07)</th></tr>' "$T/at.html" || fail "--at step"
grep -q '<tr class="at"><th colspan="3">step 17 (2022-06)</th></tr>' "$T/at.html" || fail "--at date"
expect 2 "answer date '2030-01' is not a step, 'final' or a date of the file" \
    "$DEMOB" report "$T/s1" --at 2030-01 -o "$T/bad.html"
expect 2 "answer date 'soon'" "$DEMOB" report "$T/s1" --at soon -o "$T/bad.html"
[ ! -e "$T/bad.html" ] || fail "a report was written for a bad --at"
"$DEMOB" run "$T/six.lua" -o "$T/every" --every 3 --quiet
"$DEMOB" report "$T/s1" "$T/every" -o "$T/every.html"
grep -qF 'saved every 3 steps (--every), so a milestone is the first saved step at or after it, up to 2 steps late' \
    "$T/every.html" || fail "milestones with --every not marked approximate"
grep -qF '<b>Approximate</b>' "$H" && fail "milestones marked approximate without --every"
expect 2 "scenario: currency must be a short string" sh -c \
    "printf 'scenario { name = \"c\", steps = 2, currency = 5, states = { \"a\" } }\n' > '$T/cur.lua' && '$DEMOB' check '$T/cur.lua'"

# --- PNG and PDF
"$DEMOB" plot "$T/s1" --data budgets -o "$T/b.png" || fail "plot -o .png: exit $?"
head -c 8 "$T/b.png" | od -An -c | grep -q 'P   N   G' || fail "plot -o .png did not write a PNG"
"$DEMOB" plot "$T/s1" -o "$T/b.pdf" || fail "plot -o .pdf: exit $?"
[ "$(head -c 5 "$T/b.pdf")" = "%PDF-" ] || fail "plot -o .pdf did not write a PDF"
"$DEMOB" report "$T/s1" "$T/s2" -o "$T/r.pdf" || fail "report -o .pdf: exit $?"
[ "$(head -c 5 "$T/r.pdf")" = "%PDF-" ] || fail "report -o .pdf did not write a PDF"
expect 2 "a report is written as .html or .pdf, not .png" "$DEMOB" report "$T/s1" -o "$T/r.png"
mkdir -p "$T/bin"
ln -s "$DEMOB" "$T/bin/demob"
expect 2 "writing PNG needs rsvg-convert, which is not on PATH (Debian package librsvg2-bin)" \
    env PATH="$T/bin" demob plot "$T/s1" -o "$T/none.png"
expect 2 "writing PDF needs chromium, which is not on PATH (Debian package chromium)" \
    env PATH="$T/bin" demob report "$T/s1" -o "$T/none.pdf"
[ ! -e "$T/none.png" ] && [ ! -e "$T/none.pdf" ] || fail "a file was written without its converter"

# --- the browser
chrome=$(find_chrome)
[ -n "$chrome" ] || { fail "no chromium (Debian package chromium)"; finish; }
layout() { chrome_layout "$chrome" "$@"; }
layout "$H" "$T/layout.txt"
grep -q 'in 13 charts; overflowing: 0$' "$T/layout.txt" || fail "the six-scenario report overflows: $(head -20 "$T/layout.txt")"
boxes=$(sed -n 's/.*checked \([0-9]*\) boxes.*/\1/p' "$T/layout.txt")
[ "${boxes:-0}" -gt 1000 ] || fail "the layout check saw ${boxes:-no} boxes"
# The check can fail: a box too narrow for its text, and a chart text
# pushed out of its chart, are both found.
sed -e 's#<h2 id="answers">#<div style="width:60px;white-space:nowrap;overflow:hidden">a label far too long for its box</div>&#' \
    -e '0,/<text x="12"/s#<text x="12"#<text x="2000"#' "$H" > "$T/broken.html"
layout "$T/broken.html" "$T/broken.txt"
grep -q 'overflowing: 0$' "$T/broken.txt" && fail "the layout check missed a deliberate overflow"
grep -qF 'overflows its box: div: a label far too long' "$T/broken.txt" || fail "the layout check missed the narrow box"
grep -qF 'text outside the chart' "$T/broken.txt" || fail "the layout check missed the chart text"
finish
