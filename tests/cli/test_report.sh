#!/bin/sh
# demob report: the HTML page (self-contained: no script, nothing fetched;
# byte-stable; its tables hold the fixtures' numbers), bad input with exit
# codes and messages, and a real browser: headless Chromium renders the
# page, its DOM must hold the charts, and its screenshot must not be blank.
# Needs the Debian package chromium (and python3 to read the PNG).
set -eu
LC_ALL=C
export LC_ALL
: "${DEMOB:?set DEMOB to the demob binary}"
F=tests/fixtures/viz
. tests/cli/lib.sh   # T, fail, expect
count() { grep -oF -- "$2" "$1" | wc -l | tr -d ' '; }

expect 0 "usage: demob report DIR" "$DEMOB" report --help
for code in "  0  the report was written" "  1  it could not be written" "  2  bad usage"; do
    "$DEMOB" report --help | grep -qF -- "$code" || fail "--help lacks exit code line '$code'"
done

# --- two stochastic scenarios
H="$T/report.html"
"$DEMOB" report "$F/sto_a" "$F/sto_b" -o "$H" || fail "report: exit $?"
[ -s "$H" ] || fail "no report written"
head -1 "$H" | grep -qx '<!DOCTYPE html>' || fail "not an HTML5 page"
grep -q '<title>demob report: Toy A: baseline vs Toy B: faster registration</title>' "$H" || fail "title"
for section in 'id="outcomes"' 'id="charts"' 'id="milestones"' 'id="final"' 'id="costs"' 'id="details"'; do
    grep -qF "$section" "$H" || fail "section $section missing"
done
# charts: 5 key states + redeployed by origin + costs to date + 2 stacked
[ "$(count "$H" '<svg xmlns=')" = 9 ] || fail "expected 9 charts, found $(count "$H" '<svg xmlns=')"
# self-contained: no script, no external resource
if grep -qiE '<script|<link|<img|<iframe|src=|@import|url\(' "$H"; then fail "the page loads or runs something"; fi
[ "$(grep -oE 'https?://[^"]*' "$H" | sort -u)" = "http://www.w3.org/2000/svg" ] || fail "a URL other than the SVG namespace"
# numbers from the fixtures: final redeployed, all origins, mean of 5 runs
# 2675.8 and p5-p95 over runs; the peak of cantoned; parameters
grep -q '<td>redeployed</td><td class="num">2,676<br><small>2,583 &ndash; 2,719</small>' "$H" \
    || fail "key outcome row for redeployed"
grep -q 'registration</td><td class="num">0.2</td>' "$H" || fail "parameters of B"
grep -q 'Syria <small>(7,000)</small>' "$H" || fail "milestones: origin with its caseload"
# byte-stable
"$DEMOB" report "$F/sto_a" "$F/sto_b" -o "$T/again.html"
cmp -s "$H" "$T/again.html" || fail "the same report twice gave different bytes"
# deterministic folders, labels and options
"$DEMOB" report "$F/det_a" "$F/det_b" --label A --label B --title "A vs B" \
    --peak-state registered -o "$T/det.html" || fail "det report: exit $?"
grep -q '<h1>A vs B</h1>' "$T/det.html" || fail "--title"
grep -q '<th>A</th><th>B</th>' "$T/det.html" || fail "--label"
grep -q 'step 19 <small>(2022-06)</small>' "$T/det.html" || fail "milestone of Syria in A (step 19)"
"$DEMOB" report "$F/sweep" --point 1 -o "$T/sweep.html" || fail "sweep report: exit $?"
grep -q 'sweep point 1' "$T/sweep.html" || fail "sweep report names its point"

# --- what the report shows first: the scenario's report { } from the
# manifest (the fixtures declare ddr.report), else a generic page.
grep -q '<h3 id="redeployed">Redeployed by origin at the final step</h3>' "$H" || fail "by_origin table"
grep -qF 'entered <code>repatriated</code>' "$H" || fail "milestones of the declared return state"
grep -qF 'people in <code>cantoned</code>' "$H" || fail "peak of the declared peak state"
"$DEMOB" report "$F/sto_a" --return-state reintegrated --peak-state present -o "$T/opt.html"
grep -qF 'entered <code>reintegrated</code>' "$T/opt.html" || fail "--return-state over the declaration"
grep -qF 'people in <code>present</code>' "$T/opt.html" || fail "--peak-state over the declaration"
mkdir -p "$T/plain"
cp "$F/sto_a/populations.csv" "$F/sto_a/flows.csv" "$T/plain/"
"$DEMOB" report "$T/plain" -o "$T/plain.html" || fail "report without a declaration: exit $?"
# every state (8) charted, plus the stacked chart; no by-origin table, no peak
[ "$(count "$T/plain.html" '<svg xmlns=')" = 9 ] || fail "generic: expected 9 charts, found $(count "$T/plain.html" '<svg xmlns=')"
grep -qF 'No return state: the scenario declares none' "$T/plain.html" || fail "generic: milestones note"
if grep -qE 'by origin at the final step|Peak occupancy:' "$T/plain.html"; then fail "generic: by-origin or peak shown"; fi
"$DEMOB" report "$T/plain" --return-state repatriated -o "$T/plain2.html"
grep -q 'Syria <small>(7,000)</small>' "$T/plain2.html" || fail "generic: milestones with --return-state"
# a real run writes the declaration into its manifest, and the report reads it
cat > "$T/decl.lua" <<'LUA'
scenario { name = "decl", steps = 3, states = { "in", "out" } }
report { key_states = "out", by_origin = { "out" }, return_state = "out" }
origin { "X", ["in"] = 10 }
flow { from = "in", to = "out", rate = 0.5 }
LUA
"$DEMOB" run "$T/decl.lua" -o "$T/decl" --quiet || fail "run decl.lua"
grep -qF '"report": {"key_states": ["out"], "by_origin": ["out"], "return_state": "out"},' "$T/decl/manifest.json" \
    || fail "manifest lacks the report declaration"
"$DEMOB" report "$T/decl" -o "$T/decl.html" || fail "report decl: exit $?"
grep -q '<h3 id="out">Out by origin at the final step</h3>' "$T/decl.html" || fail "decl: by-origin table"
[ "$(count "$T/decl.html" '<svg xmlns=')" = 3 ] || fail "decl: expected 3 charts, found $(count "$T/decl.html" '<svg xmlns=')"

# --- bad input
expect 2 "give the report's file with -o" "$DEMOB" report "$F/det_a"
expect 2 "give at least one output folder" "$DEMOB" report -o "$T/x.html"
expect 2 "$T/nope: no such folder" "$DEMOB" report "$T/nope" -o "$T/x.html"
mkdir -p "$T/nopop" "$T/empty" "$T/nan"
expect 2 "no populations.csv" "$DEMOB" report "$T/nopop" -o "$T/x.html"
: > "$T/empty/populations.csv"
expect 2 "empty" "$DEMOB" report "$T/empty" -o "$T/x.html"
printf 'run,step,date,origin,state,count\n1,0,,Sudan,present,nan\n' > "$T/nan/populations.csv"
expect 2 "$T/nan/populations.csv:2:20: column 'count': 'nan' is not a number" \
    "$DEMOB" report "$T/nan" -o "$T/x.html"
# each file must hold what its name says
mkdir -p "$T/swapped"
cp "$F/det_a/populations.csv" "$T/swapped/populations.csv"
cp "$F/det_a/populations.csv" "$T/swapped/flows.csv"
expect 2 "$T/swapped/flows.csv: holds populations, not flows" "$DEMOB" report "$T/swapped" \
    --return-state repatriated -o "$T/x.html"
cp "$F/det_a/summary.csv" "$T/swapped/populations.csv"
expect 2 "$T/swapped/populations.csv: holds summary, not populations" "$DEMOB" report "$T/swapped" -o "$T/x.html"
expect 2 "2 --label for 1 folders" "$DEMOB" report "$F/det_a" --label a --label b -o "$T/x.html"
[ ! -e "$T/x.html" ] || fail "a report was written despite bad input"
expect 1 "$T/no/dir/r.html" "$DEMOB" report "$F/det_a" -o "$T/no/dir/r.html"
[ ! -e "$T/no" ] || fail "something was written for an unwritable path"

# --- a real browser
chrome=""
for c in chromium chromium-browser google-chrome; do
    if command -v "$c" >/dev/null 2>&1; then chrome=$c; break; fi
done
if [ -z "$chrome" ]; then
    fail "no chromium to render the report (Debian package chromium: make deps)"
elif ! command -v python3 >/dev/null 2>&1; then
    fail "no python3 to read the screenshot"
else
    browse() { # extra chromium flags...
        timeout 120 "$chrome" --headless --no-sandbox --disable-gpu \
            --disable-background-networking --disable-component-update --disable-sync \
            --no-first-run --user-data-dir="$(mktemp -d "$T/profile.XXXXXX")" "$@"
    }
    url="file://$(cd "$(dirname "$H")" && pwd)/$(basename "$H")"
    browse --dump-dom "$url" > "$T/dom.html" 2>"$T/chrome.log" || fail "chromium --dump-dom failed: $(tail -3 "$T/chrome.log")"
    [ "$(count "$T/dom.html" '<svg')" -ge 9 ] || fail "the rendered DOM holds $(count "$T/dom.html" '<svg') charts, expected 9"
    grep -q '<h1>demob report: Toy A' "$T/dom.html" || fail "the rendered DOM lacks the title"
    browse --screenshot="$T/shot.png" --window-size=1200,1600 "$url" >"$T/chrome.log" 2>&1 \
        || fail "chromium --screenshot failed: $(tail -3 "$T/chrome.log")"
    [ -s "$T/shot.png" ] || fail "no screenshot"
    # Not blank: many colours, a good share of non-white pixels, and the
    # charts' first colour (#4e79a7, the first series) on screen.
    python3 - "$T/shot.png" <<'PY' || fail "the screenshot looks blank"
import struct, sys, zlib
d = open(sys.argv[1], 'rb').read()
assert d[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
pos, idat = 8, b''
while pos < len(d):
    n, t = struct.unpack('>I4s', d[pos:pos + 8])
    body = d[pos + 8:pos + 8 + n]
    if t == b'IHDR':
        w, h, depth, ctype = struct.unpack('>IIBB', body[:10])
        assert depth == 8 and ctype in (2, 6), 'unexpected PNG format'
        bpp = 3 if ctype == 2 else 4
    elif t == b'IDAT':
        idat += body
    pos += 12 + n
raw = zlib.decompress(idat)
stride, prev, colours, ink, blue, i = w * bpp, bytearray(w * bpp), set(), 0, 0, 0
for y in range(h):
    f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
    i += 1 + stride
    for x in range(stride):
        a = line[x - bpp] if x >= bpp else 0
        b, c = prev[x], (prev[x - bpp] if x >= bpp else 0)
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + b) & 255
        elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    for x in range(0, stride, bpp):
        px = bytes(line[x:x + 3])
        colours.add(px)
        if px != b'\xff\xff\xff':
            ink += 1
        if abs(px[0] - 0x4e) < 12 and abs(px[1] - 0x79) < 12 and abs(px[2] - 0xa7) < 12:
            blue += 1
    prev = line
share = ink / float(w * h)
print('screenshot %dx%d: %d colours, %.1f%% ink, %d chart-blue pixels' % (w, h, len(colours), 100 * share, blue))
sys.exit(0 if len(colours) >= 20 and share > 0.02 and blue > 200 else 1)
PY
fi

if [ "$fails" -gt 0 ]; then echo "test_report: $fails failure(s)"; exit 1; fi
echo "test_report: ok"
