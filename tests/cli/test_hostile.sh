#!/bin/sh
# Hostile input (issue 6): huge numbers, zero and one step, zero and
# 10,000 origins, names that CSV, JSON and SVG must survive, scripts that
# never return or blow the stack or the memory, malformed CSV given to
# csv.read and to compare, a scenario that changes between loads, a full
# disk and an unwritable stdout. Each case checks the exit code and the
# message, and that output, where written, is complete and valid.
# (The bad-input classes of the foundation issue are in test_run.sh.)
set -u
. tests/cli/lib.sh
PY=/usr/bin/python3

# runs CMD...: exit 0 expected
runs() { out=$("$@" 2>&1) || fail "$*: exit $?: $out"; }
# scen NAME TEXT: writes $T/NAME.lua
scen() { printf '%s\n' "$2" > "$T/$1.lua"; }
# no_output DIR: a failed run left no CSV behind
no_output() {
    ls "$1"/*.csv >/dev/null 2>&1 && fail "$1: output written by a failed run: $(ls "$1")"
    ls "$1" 2>/dev/null | grep -q tmp && fail "$1: temporary file left behind"
}
# csv_ok FILE FIELDS ROWS: parses with Python's csv module (strict), every
# row with FIELDS fields, ROWS rows with the header (ROWS may be '-')
csv_ok() {
    "$PY" - "$@" <<'EOF' || fail "$1 does not parse back as expected"
import csv, sys
path, width, rows = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(path, newline='', encoding='utf-8', errors='surrogateescape') as f:
    got = list(csv.reader(f, strict=True))
bad = [i + 1 for i, r in enumerate(got) if len(r) != width]
if bad:
    sys.exit('%s: rows %s do not have %d fields' % (path, bad[:5], width))
if rows != '-' and len(got) != int(rows):
    sys.exit('%s: %d rows, expected %s' % (path, len(got), rows))
EOF
}

# ------------------------------------------------------ huge numbers
# 1e300 people in deterministic mode run; the numbers come back.
scen big 'scenario { steps = 3, states = { "a", "b" } }
origin { "X", a = 1e300 }
flow { from = "a", to = "b", rate = 0.5 }'
runs "$DEMOB" run "$T/big.lua" -o "$T/big" --quiet
grep -q '^1,3,,X,b,8.75e+299$' "$T/big/populations.csv" || fail "1e300: wrong final stock: $(tail -1 "$T/big/populations.csv")"
# Beyond what a double holds: refused with the run and step, nothing written.
scen inf 'scenario { steps = 3, states = { "a", "b" } }
origin { "X", a = 1e308 }
arrivals { origin = "X", state = "b", per_step = { 0, 1e308 } }
flow { from = "a", to = "b", rate = 0.5 }'
expect 2 "inf.lua: run 1, step 2: numbers too large" -- "$DEMOB" run "$T/inf.lua" -o "$T/inf" --quiet
no_output "$T/inf"
scen cost 'scenario { steps = 2, mode = "stochastic", runs = 2, states = { "a", "b" } }
origin { "X", a = 2^60 }
cost { state = "a", per_person = 1e300 }'
expect 2 "numbers too large: the total cost is inf" -- "$DEMOB" run "$T/cost.lua" -o "$T/cost" --quiet
no_output "$T/cost"
# Stochastic counts: 2^63 refused naming origin and state, 2^62 accepted.
stoch() { printf 'scenario { steps = 2, mode = "stochastic", runs = 2, states = { "a", "b" } }
origin { "Sudan", a = 10 }
origin { "Chad", b = %s }
flow { from = "b", to = "a", rate = 0.5 }\n' "$1" > "$T/stoch.lua"; }
stoch '2^63'
expect 2 "origin 'Chad', state 'b': initial stock 9.22337e+18 is above 2^62" -- "$DEMOB" run "$T/stoch.lua" -o "$T/s63" --quiet
no_output "$T/s63"
stoch '2^62'
runs "$DEMOB" run "$T/stoch.lua" -o "$T/s62" --quiet
grep -q '^1,0,,Chad,b,4611686018427387904$' "$T/s62/populations.csv" || fail "2^62 not kept exactly"
# people are conserved at 2^62 + 10: a + b at the last step of run 2
total=$(awk -F, '$1 == 2 && $2 == 2 { s += $6 } END { printf "%.0f", s }' "$T/s62/populations.csv")
[ "$total" = 4611686018427387914 ] || [ "$total" = 4611686018427387904 ] || fail "2^62: total $total"
csv_ok "$T/s62/populations.csv" 6 $((2 * 3 * 2 * 2 + 1))

# ------------------------------------------------- zero and one step
scen one 'scenario { steps = 1, states = { "a", "b" } }
origin { "X", a = 10 }
flow { from = "a", to = "b", rate = 0.5 }'
runs "$DEMOB" run "$T/one.lua" -o "$T/one" --quiet
csv_ok "$T/one/populations.csv" 6 5
grep -q '^1,1,,X,b,5$' "$T/one/populations.csv" || fail "one step: wrong stock"
runs "$DEMOB" run "$T/big.lua" --steps 1 -o "$T/one2" --quiet
csv_ok "$T/one2/populations.csv" 6 5
expect 2 "--steps: '0' is not a whole number in 1..1000000" -- "$DEMOB" run "$T/one.lua" --steps 0 -o "$T/zero"
expect 2 "steps" -- "$DEMOB" run "$T/one.lua" --steps -1 -o "$T/zero"
no_output "$T/zero"

# --------------------------------------------------- origins: 0, 10,000
scen none 'scenario { steps = 3, states = { "a", "b" } }
flow { from = "a", to = "b", rate = 0.5 }'
expect 2 "none.lua: no origins declared" -- "$DEMOB" run "$T/none.lua" -o "$T/none" --quiet
no_output "$T/none"
scen many 'scenario { steps = 12, mode = "stochastic", runs = 2, seed = 5,
           states = { "present", "registered", "home" } }
for i = 1, 10000 do origin { "O" .. i, tags = { i % 2 == 0 and "even" or "odd" }, present = i } end
capacity { "site", per_step = 20000 }
flow { from = "present", to = "registered", rate = 0.2, capacity = "site" }
flow { from = "registered", to = "home", rate = 0.5, origins = { "even" } }
on_step(function(sim, t) if sim:total "home" > 1e6 then sim:disable("present->registered") end end)'
start=$(date +%s)
runs "$DEMOB" run "$T/many.lua" -o "$T/many" -j 2 --quiet --save all
[ $(( $(date +%s) - start )) -le 60 ] || fail "10,000 origins took more than 60 s"
csv_ok "$T/many/populations.csv" 6 $((2 * 13 * 10000 * 3 + 1))
# summary: run + 3 final + 30,000 final.<origin>.<state> + 2 flows + arrived + 3 peaks + cost.total
# + bound.capacity.site
csv_ok "$T/many/summary.csv" $((1 + 3 + 30000 + 2 + 1 + 3 + 1 + 1)) 3
# people are conserved: sum of i for i = 1..10000 in every run
for r in 1 2; do
    t=$(awk -F, -v r=$r '$1 == r && $2 == 12 { s += $6 } END { print s }' "$T/many/populations.csv")
    [ "$t" = 50005000 ] || fail "10,000 origins: run $r ends with $t people"
done

# --------------------------------- names that CSV, JSON and SVG survive
# Commas, quotes, newlines, CR, bytes that are not UTF-8, in every kind of name.
cat > "$T/names.lua" <<'EOF'
scenario { name = "n,\"q\"\nx\255", steps = 2, start = "2021-01",
           states = { "a,1", "b\"2", "c\n3", "d\255\254", " e " } }
origin { "O,1\"\n\r", tags = { "t,\"" }, ["a,1"] = 10 }
origin { "\200\201bad", ["a,1"] = 5 }
param { ["p,\"\n"] = 0.3 }
flow { from = "a,1", to = "b\"2", rate = param "p,\"\n", name = "f,\"\nx" }
flow { from = "b\"2", to = "c\n3", rate = 0.5 }
flow { from = "c\n3", to = "d\255\254", rate = 0.5 }
cost { state = "d\255\254", per_person = 1, category = "cat,\"\n\255" }
budget { "bud,\"\n", initial = 3, per_step = 1 }
flow { from = "d\255\254", to = " e ", rate = 0.5, cost = 2, category = "x\"", budget = "bud,\"\n" }
on_finish(function(sim) local w = csv.open("extra.csv", { "n,\"", "v\n" }) w:row { "\255\n,\"", 1 } w:close() end)
EOF
runs "$DEMOB" run "$T/names.lua" -o "$T/names" --quiet
csv_ok "$T/names/populations.csv" 6 $((3 * 2 * 5 + 1))
csv_ok "$T/names/flows.csv" 8 -
csv_ok "$T/names/costs.csv" 6 -
csv_ok "$T/names/budgets.csv" 7 3
csv_ok "$T/names/summary.csv" 32 2   # with bound.budget.<name>
csv_ok "$T/names/extra.csv" 2 2
"$PY" - "$T/names" <<'EOF' || fail "names: fields do not read back"
import csv, sys
d = sys.argv[1]
def rows(f):
    with open(d + '/' + f, newline='', encoding='utf-8', errors='surrogateescape') as fh:
        return list(csv.reader(fh, strict=True))
p = rows('populations.csv')
assert p[1][3] == 'O,1"\n\r', p[1]
assert p[3][4] == 'c\n3', p[3]
assert p[4][4] == 'd\udcff\udcfe', p[4]
assert p[5][4] == ' e ', p[5]
assert rows('extra.csv')[1][0] == '\udcff\n,"'
EOF
# manifest.json is valid JSON (UTF-8), the chart well-formed XML
"$PY" -c "import json, sys; m = json.load(open(sys.argv[1], encoding='utf-8')); assert m['scenario'] == 'n,\"q\"\nx\ufffd', m['scenario']" \
    "$T/names/manifest.json" || fail "names: manifest.json is not valid JSON"
runs "$DEMOB" plot "$T/names" -o "$T/names.svg"
"$PY" -c "import sys, xml.dom.minidom as x; x.parse(sys.argv[1])" "$T/names.svg" || fail "names: the SVG is not well-formed"
runs "$DEMOB" report "$T/names" -o "$T/names.html"
grep -q '<script' "$T/names.html" && fail "names: the report holds a script"
# Names are data, not markup: a script tag in a name is escaped.
scen xss 'scenario { name = "<script>alert(1)</script>", steps = 2, states = { "a", "<b>" } }
origin { "<img src=x onerror=alert(1)>", a = 1 }
flow { from = "a", to = "<b>", rate = 0.5 }'
runs "$DEMOB" run "$T/xss.lua" -o "$T/xss" --quiet
runs "$DEMOB" report "$T/xss" -o "$T/xss.html"
runs "$DEMOB" plot "$T/xss" -o "$T/xss.svg"
grep -qi '<script\|<img' "$T/xss.html" "$T/xss.svg" && fail "xss: a name was written as markup"
"$PY" -c "import sys, xml.dom.minidom as x; x.parse(sys.argv[1])" "$T/xss.svg" || fail "xss: the SVG is not well-formed"

# ------------------------------- scripts that never return, or blow up
head='scenario { steps = 3, states = { "a", "b" } }
origin { "X", a = 10 }'
limit() { # name, expected message, extra options, lua lines
    printf '%s\n%s\n' "$head" "$4" > "$T/$1.lua"
    # shellcheck disable=SC2086
    expect 2 "$2" -- "$DEMOB" run "$T/$1.lua" -o "$T/out_$1" --quiet $3
    no_output "$T/out_$1"
}
limit loop "loop.lua:3: time limit of 0.3 s exceeded" "--time-limit 0.3" 'while true do end'
limit loop_n "loop_n.lua:3: instruction limit of 1000000 exceeded" "--instruction-limit 1000000" \
    'local i = 0 while true do i = i + 1 end'
limit swallow "swallow.lua:3: time limit of 0.3 s exceeded" "--time-limit 0.3" \
    'while true do pcall(function() while true do end end) end'
limit coro "coro.lua:3: instruction limit" "--instruction-limit 1000000" \
    'local co = coroutine.wrap(function() while true do pcall(coroutine.yield) end end) while true do co() end'
limit pattern "pattern.lua:3: time limit of 0.3 s exceeded" "--time-limit 0.3" \
    'string.find(string.rep("a", 30), string.rep("a?", 30) .. string.rep("a", 30) .. "b")'
limit recursion "recursion.lua:3: stack overflow" "" 'local function f(n) return 1 + f(n + 1) end f(1)'
limit meta_rec "meta_rec.lua:3:" "" \
    'local t = setmetatable({}, { __index = function(t, k) return t[k] end }) local x = t.x'
limit nested_lit "nested_lit.lua:3:" "" \
    "local f, e = load('return ' .. string.rep('{', 100000) .. string.rep('}', 100000)) error(e, 0)"
limit nested_mem "nested_mem.lua:3: memory limit of 16 MiB exceeded" "--memory-limit 16" \
    'local t = {} while true do t = { t, {}, {} } end'
limit string_mem "string_mem.lua:3: memory limit of 16 MiB exceeded" "--memory-limit 16" \
    'local s = "x" while true do s = s .. s end'
limit gc_loop "gc_loop.lua:3: setmetatable: __gc metamethods are not allowed" "" \
    'setmetatable({}, { __gc = function() while true do end end })'
# a deeply nested table given to a declaration: read as far as needed only
printf '%s\n%s\n' "$head" 'local t = "x" for i = 1, 100000 do t = { t } end
origin { "Y", a = 1, tags = t }' > "$T/nested_decl.lua"
expect 2 "nested_decl.lua:4: origin: tags[1] must be a name (got table)" -- "$DEMOB" run "$T/nested_decl.lua" -o "$T/nd" --quiet
# In a hook: the step and run are named too, and -j 2 stops cleanly.
limit hook_loop "hook_loop.lua:3: time limit of 0.3 s exceeded (step 2, run 1)" "--time-limit 0.3 -j 2" \
    'on_step(function(sim, t) if t == 2 then while true do end end end)'
# Time spent in a library function counts too: table.sort runs no VM
# instructions, so no limit check can start the clock late.
limit hook_sort "hook_sort.lua:4: time limit of 0.2 s exceeded (step 1, run 1)" "--time-limit 0.2" \
    'local big = {}
on_step(function(sim, t) for i = 1, 2e6 do big[i] = (i * 7919) % 1000003 end table.sort(big) end)'
limit hook_err "hook_err.lua:3: (error object is a table value) (step 1, run 1)" "" \
    'on_step(function(sim, t) error({}) end)'
expect 2 "--time-limit: '0' is not a number of seconds" -- "$DEMOB" run "$T/loop.lua" --time-limit 0
expect 2 "--memory-limit: 'lots' is not a whole number" -- "$DEMOB" run "$T/loop.lua" --memory-limit lots

# ------------------------------------------- malformed CSV for csv.read
mkdir -p "$T/csv"
reads() { # name, csv bytes (printf format)
    printf "$2" > "$T/csv/$1.csv"
    printf 'scenario { steps = 2, states = { "a" } }\nlocal rows, header = csv.read("%s.csv")\norigin { "X", a = rows[#rows].n }\n' \
        "$1" > "$T/csv/$1.lua"
}
reads unterminated 'name,n\nSudan,1\n"Chad,2\n'
expect 2 "unterminated.lua:2: $T/csv/unterminated.csv:3:1: unterminated quoted field" -- "$DEMOB" check "$T/csv/unterminated.lua"
reads ragged 'name,n\nSudan,1\nChad\n'
expect 2 "ragged.csv:3:5: expected 2 fields, found 1" -- "$DEMOB" check "$T/csv/ragged.lua"
reads long_row 'name,n\nSudan,1,7\n'
expect 2 "long_row.csv:2:9: expected 2 fields, found 3" -- "$DEMOB" check "$T/csv/long_row.lua"
reads empty ''
expect 2 "empty.csv: empty file, expected a header" -- "$DEMOB" check "$T/csv/empty.lua"
reads quote 'name,n\nSu"dan,1\n'
expect 2 "quote.csv:2:3: quote inside an unquoted field" -- "$DEMOB" check "$T/csv/quote.lua"
reads bom_crlf '\357\273\277name,n\r\nSudan,1\r\n"Chad\r\nN",42\r\n'
runs "$DEMOB" run "$T/csv/bom_crlf.lua" -o "$T/csv/o" --quiet
grep -q '^1,0,,X,a,42$' "$T/csv/o/populations.csv" || fail "BOM + CRLF: the value was not read (header 'n' not found?)"
reads cr_only 'name,n\rSudan,1\rChad\r'
expect 2 "cr_only.csv:3:5: expected 2 fields, found 1" -- "$DEMOB" check "$T/csv/cr_only.lua"
reads binary 'name,n\n\000\377\001,1\n'
runs "$DEMOB" check "$T/csv/binary.lua"

# -------------------------------------------- malformed CSV for compare
"$DEMOB" run tests/cli/fixtures/tiny.lua -o "$T/cmp" --quiet || fail "tiny"
P="$T/cmp/populations.csv"
cmpbad() { # name, expected message, csv bytes
    printf "$3" > "$T/cmp_$1.csv"
    expect 2 "$2" -- "$DEMOB" compare "$P" "$T/cmp_$1.csv"
    expect 2 "$2" -- "$DEMOB" compare "$T/cmp_$1.csv" "$P"
}
cmpbad unterminated "cmp_unterminated.csv:2:13: unterminated quoted field" \
    'run,step,date,origin,state,count\n1,0,2021-01,"Chad,present,1000\n'
cmpbad ragged "cmp_ragged.csv:2:25: expected 6 fields, found 5" \
    'run,step,date,origin,state,count\n1,0,2021-01,Chad,present\n'
cmpbad empty "cmp_empty.csv: empty file, expected a header" ''
cmpbad header_only "cmp_header_only.csv: no rows after the header" 'run,step,date,origin,state,count\n'
cmpbad not_number "cmp_not_number.csv:2:26: column 'count': 'lots' is not a number" \
    'run,step,date,origin,state,count\n1,0,2021-01,Chad,present,lots\n'
cmpbad nan "is not a number" 'run,step,date,origin,state,count\n1,0,2021-01,Chad,present,nan\n'
# BOM and CRLF are accepted: the same numbers compare equal.
{ printf '\357\273\277'; sed 's/$/\r/' "$P"; } > "$T/cmp_bom_crlf.csv"
expect 0 "values in both" -- "$DEMOB" compare "$P" "$T/cmp_bom_crlf.csv" --abs 0
expect 0 "OK: everything within the tolerance" -- "$DEMOB" compare "$T/cmp_bom_crlf.csv" "$P" --abs 0

# --------------------------------- a scenario that changes between loads
# Each load declares one origin more than the one before (it counts the
# rows of a file it writes): workers must refuse, not overrun.
cat > "$T/growing.lua" <<'EOF'
scenario { steps = 3, mode = "stochastic", runs = 4, states = { "a", "b" } }
local ok, rows = pcall(csv.read, "grow/loads.csv")
local n = ok and #rows + 1 or 1
for i = 1, n do origin { "O" .. i, a = 100 } end
local w = csv.open("loads.csv", { "load" })
for i = 1, n do w:row { i } end
w:close()
flow { from = "a", to = "b", rate = 0.5 }
on_step(function(sim, t) end)
EOF
expect 2 "growing.lua: the script declared another model when loaded again for a worker thread" -- \
    "$DEMOB" run "$T/growing.lua" -o "$T/grow" -j 2 --quiet
[ -e "$T/grow/populations.csv" ] && fail "growing: populations.csv written"
# The same names and counts but another policy (an event's step moves with
# each load): refused too, naming what differs, whatever -j.
cat > "$T/moving.lua" <<'EOF'
scenario { steps = 6, mode = "stochastic", runs = 4, states = { "a", "b" } }
local ok, rows = pcall(csv.read, "mov/loads.csv")
local n = ok and #rows + 1 or 1
origin { "O", a = 100 }
param { r = 0.1 }
flow { from = "a", to = "b", rate = param "r" }
event { at = n, set = { r = 0.5 } }
local w = csv.open("loads.csv", { "load" })
for i = 1, n do w:row { i } end
w:close()
on_step(function(sim, t) end)
EOF
for j in 1 2; do
    rm -rf "$T/mov"
    expect 2 "moving.lua: the script declared another model when loaded again for a worker thread or a run (an event differs)" -- \
        "$DEMOB" run "$T/moving.lua" -o "$T/mov" -j $j --quiet
done

# ---------------------------------------- stdout that cannot be written
if [ -w /dev/full ]; then
    expect 1 "cannot write standard output: No space left on device" -- sh -c "\"$DEMOB\" check \"$T/one.lua\" > /dev/full"
    expect 1 "cannot write standard output" -- sh -c "\"$DEMOB\" compare \"$P\" \"$P\" > /dev/full"
    expect 1 "cannot write standard output" -- sh -c "\"$DEMOB\" run --help > /dev/full"
fi

# ------------------------------------------------------ disk full
# A tiny tmpfs (root only; test_run.sh covers demob run the same way):
# sweeps, files written by scripts, compare --out, plot and report fail
# with exit 1, leave no partial file, and keep what was there before.
if [ "$(id -u)" = 0 ] && mkdir -p "$T/full" && mount -t tmpfs -o size=96k tmpfs "$T/full" 2>/dev/null; then
    F="$T/full"
    # a script's own file, too big for the disk: the run's files are kept
    "$DEMOB" run "$T/one.lua" -o "$F/x" --quiet || fail "one into tmpfs"
    cp "$F/x/populations.csv" "$T/x_before.csv"
    scen bigfile "$(cat "$T/one.lua")
on_finish(function(sim) local w = csv.open(\"big.csv\", { \"a\" }) for i = 1, 40000 do w:row { i } end w:close() end)"
    expect 1 "No space left on device" -- "$DEMOB" run "$T/bigfile.lua" -o "$F/x" --quiet
    cmp -s "$F/x/populations.csv" "$T/x_before.csv" || fail "disk full: earlier populations.csv damaged"
    [ -e "$F/x/big.csv" ] && fail "disk full: partial big.csv"
    ls "$F/x" | grep -q tmp && fail "disk full: temporary file left in x"
    # a sweep whose files do not fit
    expect 1 "No space left on device" -- "$DEMOB" sweep scenarios/funding_gap.lua -o "$F/sw" \
        --grid package=1000,2000 --replicates 20 --save populations,summary --quiet
    ls "$F/sw" 2>/dev/null | grep -q '\.csv$' && fail "disk full: sweep left CSV files: $(ls "$F/sw")"
    ls "$F/sw" 2>/dev/null | grep -q tmp && fail "disk full: sweep left a temporary file"
    # compare --out, plot -o and report -o on a disk with no room left
    rm -rf "$F/x" "$F/sw"
    echo old > "$F/keep.csv"
    head -c 200000 /dev/zero > "$F/filler" 2>/dev/null
    V=tests/fixtures/viz
    expect 1 "No space left on device" -- "$DEMOB" compare "$V/det_a" "$V/det_b" --out "$F/keep.csv"
    [ "$(cat "$F/keep.csv")" = old ] || fail "disk full: compare --out damaged the earlier file"
    expect 1 "No space left on device" -- "$DEMOB" plot "$V/det_a" -o "$F/chart.svg"
    [ -e "$F/chart.svg" ] && fail "disk full: partial chart.svg"
    expect 1 "No space left on device" -- "$DEMOB" report "$V/det_a" -o "$F/r.html"
    [ -e "$F/r.html" ] && fail "disk full: partial r.html"
    ls "$F" | grep -q tmp && fail "disk full: temporary file left: $(ls "$F")"
    umount "$T/full"
else
    echo "test_hostile: cannot mount a tmpfs (needs root): disk full checked through /dev/full only"
fi
finish
