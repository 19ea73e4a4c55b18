#!/bin/sh
# Seeing a fit: demob plot and demob report of folders written by demob fit
# (tests/scenarios/fit_seen.lua, a short mcmc and an mle): the observed
# points over the fitted line and its 95% band, the estimates with R-hat
# and ESS (warnings marked), a trace and a density per param (mcmc) or the
# profile interval (mle); a fit folder next to run folders; the page's
# layout in headless Chromium; bad folders (exit 2, file:line).
set -eu
LC_ALL=C
export LC_ALL
: "${DEMOB:?set DEMOB to the demob binary}"
. tests/cli/lib.sh
S=tests/scenarios

"$DEMOB" fit "$S/fit_seen.lua" --params r_in,r_out --method mcmc --iterations 400 --chains 2 -o "$T/c" -q ||
    fail "mcmc of fit_seen"
"$DEMOB" fit "$S/fit_seen.lua" --params r_in,r_out -o "$T/m" -q || fail "mle of fit_seen"

# --- demob plot: one chart per series, each observation a dot
"$DEMOB" plot "$T/c" -o "$T/c.svg" || fail "plot of a fit folder: exit $?"
grep -qF '<title>fit seen: observed and fitted</title>' "$T/c.svg" || fail "plot: no stacked charts"
for s in registered left; do
    grep -qF "<title>$s: observed and fitted</title>" "$T/c.svg" || fail "plot: no chart of $s"
done
# 12 observations and one legend dot per chart.
[ "$(grep -c '<circle' "$T/c.svg")" = 14 ] || fail "plot: $(grep -c '<circle' "$T/c.svg") dots, expected 14"
grep -q '<path d="M[^"]*Z" fill="#4e79a7" fill-opacity="0.18"><title>fitted</title>' "$T/c.svg" ||
    fail "plot: no 95% band"
grep -qF 'band: its 95% posterior range' "$T/c.svg" || fail "plot: the band is not explained"
"$DEMOB" plot "$T/m" --series left -o "$T/left.svg" || fail "plot --series: exit $?"
[ "$(grep -c '<svg' "$T/left.svg")" = 1 ] || fail "plot --series: not one chart"
grep -qF 'band: the 95% range of an observation given it' "$T/left.svg" || fail "plot of an mle: its band"
grep -qF '<title>registered' "$T/left.svg" && fail "plot --series left drew registered"
if command -v rsvg-convert >/dev/null 2>&1; then
    "$DEMOB" plot "$T/c" -o "$T/c.png" || fail "plot of a fit -o .png: exit $?"
    head -c 8 "$T/c.png" | od -An -c | grep -q 'P   N   G' || fail "plot of a fit -o .png wrote no PNG"
fi
"$DEMOB" plot "$T/c" -o "$T/again.svg"
cmp -s "$T/c.svg" "$T/again.svg" || fail "plot of a fit is not deterministic"

# --- demob report: the calibration section
H="$T/c.html"
"$DEMOB" report "$T/c" -o "$H" || fail "report of a fit folder: exit $?"
grep -qF '<h1>demob report: calibration of fit seen</h1>' "$H" || fail "report: title"
grep -qF '<h2 id="fit1">Calibration: fit seen</h2>' "$H" || fail "report: no calibration section"
grep -qF '<th>R-hat</th><th>ESS</th>' "$H" || fail "report: no R-hat and ESS columns"
[ "$(grep -c '<tr class="warn"><td>r_' "$H")" = 2 ] || fail "report: 400 iterations not marked as too few"
grep -qF 'want R-hat &lt;= 1.01 and ESS &gt;= 400' "$H" || fail "report: the fit's warnings are not listed"
for p in r_in r_out; do
    grep -qF "<title>$p: trace</title>" "$H" || fail "report: no trace of $p"
    grep -qF "<title>$p: posterior density</title>" "$H" || fail "report: no density of $p"
    est=$(awk -F, -v p=$p '$1 == p { printf "%.4g", $2 }' "$T/c/estimates.csv")
    grep -qF "<td class=\"num\">$est</td>" "$H" || fail "report: the estimate of $p ($est) is missing"
done
grep -qF '<path d="M' "$H" || fail "report: no lines"
grep -qF '<title>chain 2</title>' "$H" || fail "report: the trace has no line of chain 2"
grep -qF '<title>registered: observed and fitted</title>' "$H" || fail "report: no observed vs fitted chart"
"$DEMOB" report "$T/c" -o "$T/again.html"
cmp -s "$H" "$T/again.html" || fail "report of a fit is not deterministic"
"$DEMOB" report "$T/m" -o "$T/m.html" || fail "report of an mle: exit $?"
grep -qF '<title>r_out: estimate and 95% interval</title>' "$T/m.html" || fail "report of an mle: no interval"
grep -qF '<th>2.5% (profile)</th>' "$T/m.html" || fail "report of an mle: no profile columns"
grep -qF ': trace</title>' "$T/m.html" && fail "report of an mle: a trace"
# A fit folder next to run folders: their sections, then the calibration.
"$DEMOB" run "$S/fit_seen.lua" -o "$T/run" -q
"$DEMOB" report "$T/run" "$T/c" --label "the run" --label "the fit" -o "$T/both.html" || fail "report run + fit: exit $?"
grep -qF '<h2 id="answers">' "$T/both.html" || fail "report run + fit: no run sections"
grep -qF '<h2 id="fit1">Calibration: the fit</h2>' "$T/both.html" || fail "report run + fit: no calibration"

# --- bad input
mkdir -p "$T/nf" "$T/bad" "$T/nan"
cp "$T/c/estimates.csv" "$T/nf/"
expect 2 "$T/nf: no fitted.csv: not a complete output of demob fit" "$DEMOB" plot "$T/nf" -o "$T/x.svg"
expect 2 "$T/nf: no fitted.csv: not a complete output of demob fit" "$DEMOB" report "$T/nf" -o "$T/x.html"
cp "$T/c/"* "$T/bad/"
sed '1s/,lo,hi/,low,hi/' "$T/c/fitted.csv" > "$T/bad/fitted.csv"
expect 2 "$T/bad/fitted.csv:1: no column 'lo'" "$DEMOB" plot "$T/bad" -o "$T/x.svg"
expect 2 "$T/bad/fitted.csv:1: no column 'lo'" "$DEMOB" report "$T/bad" -o "$T/x.html"
cp "$T/c/"* "$T/nan/"
sed '3s/^registered,,2,2021-03,44,/registered,,2,2021-03,many,/' "$T/c/fitted.csv" > "$T/nan/fitted.csv"
expect 2 "$T/nan/fitted.csv:3:" "$DEMOB" report "$T/nan" -o "$T/x.html"
# a step out of range (negative, beyond the manifest's steps, beyond any
# long; without a manifest, beyond 2^53) names file:line:column
mkdir -p "$T/st"
cp "$T/c/"* "$T/st/"
for s in -5 7 1000000000000 1e300; do
    sed "3s/^registered,,2,/registered,,$s,/" "$T/c/fitted.csv" > "$T/st/fitted.csv"
    expect 2 "$T/st/fitted.csv:3:13: step '$s' is" "$DEMOB" plot "$T/st" -o "$T/x.svg"
    expect 2 "$T/st/fitted.csv:3:13: step '$s' is" "$DEMOB" report "$T/st" -o "$T/x.html"
done
sed "3s/^registered,,2,/registered,,7,/" "$T/c/fitted.csv" > "$T/st/fitted.csv"
expect 2 "$T/st/fitted.csv:3:13: step '7' is beyond the fit's 6 steps (manifest.json)" \
    "$DEMOB" report "$T/st" -o "$T/x.html"
rm "$T/st/manifest.json"
sed "3s/^registered,,2,/registered,,1e300,/" "$T/c/fitted.csv" > "$T/st/fitted.csv"
expect 2 "$T/st/fitted.csv:3:13: step '1e300' is too large" "$DEMOB" plot "$T/st" -o "$T/x.svg"
expect 2 "is the output of demob fit: plot it alone" "$DEMOB" plot "$T/run" "$T/c" -o "$T/x.svg"
expect 2 "only --series and --width apply" "$DEMOB" plot "$T/c" --data flows -o "$T/x.svg"
expect 2 "--series selects a series of a fit folder" "$DEMOB" plot "$T/run" --series left -o "$T/x.svg"
expect 2 "--series: 'gone' is not a series of fitted.csv" "$DEMOB" plot "$T/c" --series gone -o "$T/x.svg"
[ ! -e "$T/x.svg" ] && [ ! -e "$T/x.html" ] || fail "a file was written for bad input"

# --- the page in the browser: nothing overflows the calibration section
chrome=$(find_chrome)
[ -n "$chrome" ] || { fail "no chromium (Debian package chromium)"; finish; }
for page in "$H" "$T/m.html" "$T/both.html"; do
    chrome_layout "$chrome" "$page" "$page.txt"
    grep -q 'overflowing: 0$' "$page.txt" || fail "$page overflows: $(head -20 "$page.txt")"
done
grep -q 'in 6 charts' "$H.txt" || fail "the layout check saw $(head -1 "$H.txt") (expected 6 charts)"
finish
