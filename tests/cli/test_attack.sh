#!/bin/sh
# Hostile scenario authors, second round: finalizers through reachable
# metatables, a C-stack overflow through nested coroutine.close, time
# spent inside C library calls, signals during a hook. Each case checks the
# exit code and message, and that a stopped run leaves no file behind.
set -u
. tests/cli/lib.sh

# scen NAME TEXT: writes $T/NAME.lua with a small model in front of TEXT
scen() {
    printf 'scenario { steps = 3, states = { "a", "b" } }\norigin { "X", a = 10 }\nparam { x = 0.5 }\n%s\n' "$2" > "$T/$1.lua"
}
# clean DIR: no CSV and no temporary file in DIR
clean() {
    ls "$1"/*.csv >/dev/null 2>&1 && fail "$1: output written by a failed run: $(ls "$1")"
    ls -a "$1" 2>/dev/null | grep -q tmp && fail "$1: temporary file left behind: $(ls -a "$1")"
}

# ---------------------------------------------- metatables are guarded
# getmetatable gives a name, never the table: no __gc can be added to the
# metatable of params, expressions, writers or the globals.
scen meta 'assert(getmetatable(param "x") == "param")
assert(getmetatable(param "x" * 2) == "expression")
assert(getmetatable(_G) == false)
assert(not pcall(setmetatable, _G, {}))
on_step(function(sim, t)
  local w = csv.open("side.csv", { "a" })
  assert(getmetatable(w) == "csv writer")
  local ok = pcall(function() getmetatable(w).__gc = function() end end)
  assert(not ok)
  w:row { 1 }
end)'
out=$("$DEMOB" run "$T/meta.lua" -o "$T/meta" --quiet 2>&1) || fail "guarded metatables: $out"
ls -a "$T/meta" | grep -q tmp && fail "a writer left its temporary file: $(ls -a "$T/meta")"
# The finalizer of the first report: refused, and --time-limit holds.
scen gc_param 'local mt = getmetatable(param "x")
mt.__gc = function() while true do end end
for i = 1, 10 do local r = param "x" end'
expect 2 "gc_param.lua:5: attempt to index a string value" -- "$DEMOB" check "$T/gc_param.lua" --time-limit 1

# ------------------------------------- nested coroutine.close (Lua 5.4.4)
# Each coroutine's __close closes the previous one: 100,000 deep, this
# overflowed the C stack (SIGSEGV) before coroutine.close capped nesting.
scen coclose 'local prev
for i = 1, 100000 do
  local p = prev
  local co = coroutine.create(function()
    local x <close> = setmetatable({}, { __close = function() if p then coroutine.close(p) end end })
    coroutine.yield()
  end)
  coroutine.resume(co)
  prev = co
end
local ok, e = coroutine.close(prev)
print("closed", ok, e)'
expect 0 "closed	true" -- "$DEMOB" check "$T/coclose.lua"
# the cap is reached, and says so, one level below it
scen coclose2 'local function chain(n)
  local p = n > 0 and chain(n - 1) or nil
  local co = coroutine.create(function()
    local x <close> = setmetatable({}, { __close = function()
      if p then local ok, e = coroutine.close(p) if not ok then error(e, 0) end end end })
    coroutine.yield()
  end)
  coroutine.resume(co)
  return co
end
print(coroutine.close(chain(150)))'
expect 0 "more than 100 nested closes" -- "$DEMOB" check "$T/coclose2.lua"

# ------------------------------------ time spent inside C library calls
# A loop of calls that each stay below the count hook's period.
hook_limit() { # name, message, hook body
    scen "$1" "on_step(function(sim, t)
  local s = (\"x\"):rep(2^24) local big = {} for i = 1, 1e6 do big[i] = (i * 7919) % 1000003 end $3 end)"
    expect 2 "$2" -- "$DEMOB" run "$T/$1.lua" -o "$T/o_$1" --time-limit 0.5 --quiet
    clean "$T/o_$1"
}
hook_limit sort_loop "sort_loop.lua:5: time limit of 0.5 s exceeded (step 1, run 1)" \
    'for k = 1, 1e5 do table.sort(big) end'
hook_limit rep_loop "rep_loop.lua:5: time limit of 0.5 s exceeded (step 1, run 1)" \
    'for k = 1, 1e6 do local r = ("x"):rep(2^26) end'
hook_limit upper_loop "upper_loop.lua:5: time limit of 0.5 s exceeded (step 1, run 1)" \
    'for k = 1, 1e6 do local u = s:upper() end'
hook_limit concat_loop "concat_loop.lua:5: time limit of 0.5 s exceeded (step 1, run 1)" \
    'for k = 1, 1e6 do local c = table.concat(big, ",") end'
hook_limit insert_loop "insert_loop.lua:5: time limit of 0.5 s exceeded (step 1, run 1)" \
    'for k = 1, 1e6 do table.insert(big, 1, k) end'
# The instruction limit counts the work of such calls too: deterministic.
scen rep_instr 'for k = 1, 100 do local r = ("x"):rep(2^24) end'
expect 2 "rep_instr.lua:4: instruction limit of 10000000 exceeded" -- \
    "$DEMOB" check "$T/rep_instr.lua" --instruction-limit 10000000

# ------------------------------------------- SIGINT/SIGTERM in a hook
scen sigint 'on_step(function(sim, t) local w = csv.open("side.csv", { "a" }) w:row { 1 } while true do end end)'
for sig in INT TERM; do
    "$DEMOB" run "$T/sigint.lua" -o "$T/sig$sig" --time-limit 1000 --quiet 2>"$T/sig.err" &
    pid=$!
    sleep 1
    kill -$sig $pid
    rc=0
    wait $pid || rc=$?
    [ "$rc" = 1 ] || fail "SIG$sig during a hook: exit $rc, expected 1: $(cat "$T/sig.err")"
    grep -q "sigint.lua:4: interrupted (step 1, run 1)" "$T/sig.err" || fail "SIG$sig: $(cat "$T/sig.err")"
    clean "$T/sig$sig"
done

# --------------------------------------- --resume checks the journal
cat > "$T/sw.lua" <<'EOF2'
scenario { steps = 4, mode = "stochastic", runs = 3, seed = 2, states = { "a", "b" } }
origin { "X", a = 100 }
param { rate = 0.3, min = 0.1, max = 0.9 }
flow { from = "a", to = "b", rate = param "rate" }
EOF2
G="--grid rate=0.1,0.2,0.3,0.4 --save summary,populations,quantiles --quiet"
rc=0
"$DEMOB" sweep "$T/sw.lua" -o "$T/r" $G --stop-after 7 2>/dev/null || rc=$?
[ "$rc" = 1 ] || fail "--stop-after 7: exit $rc"
# the last record written twice (a run counted but not there), records of
# zeros: refused before anything is committed
cp -r "$T/r" "$T/r_twice"
tail -c 32 "$T/r/sweep.journal" >> "$T/r_twice/sweep.journal"
cp -r "$T/r" "$T/r_zero"
head -c 256 "$T/r/sweep.journal" > "$T/r_zero/sweep.journal"
head -c 384 /dev/zero >> "$T/r_zero/sweep.journal"
cp -r "$T/r" "$T/r_swap"   # records 1 and 2 swapped: lengths go down
{ head -c 256 "$T/r/sweep.journal"; tail -c +289 "$T/r/sweep.journal" | head -c 32
  tail -c +257 "$T/r/sweep.journal" | head -c 32; tail -c +321 "$T/r/sweep.journal"; } > "$T/r_swap/sweep.journal"
expect 2 "record 8 of '$T/r_twice/sweep.journal' does not match the rows of run 8 (point 2)" -- \
    "$DEMOB" sweep "$T/sw.lua" -o "$T/r_twice" $G --resume
expect 2 "record 1 of '$T/r_zero/sweep.journal' does not match" -- "$DEMOB" sweep "$T/sw.lua" -o "$T/r_zero" $G --resume
expect 2 "record 1 of '$T/r_swap/sweep.journal' does not match" -- "$DEMOB" sweep "$T/sw.lua" -o "$T/r_swap" $G --resume
for d in r_twice r_zero r_swap; do
    ls "$T/$d"/*.csv "$T/$d/manifest.json" >/dev/null 2>&1 && fail "$d: a refused resume committed files"
done
# the journal as written resumes to the bytes of a whole sweep
"$DEMOB" sweep "$T/sw.lua" -o "$T/r" $G --resume || fail "resume refused a sound journal"
"$DEMOB" sweep "$T/sw.lua" -o "$T/whole" $G || fail "whole sweep"
for f in points summary populations quantiles; do
    cmp -s "$T/r/$f.csv" "$T/whole/$f.csv" || fail "resumed $f.csv differs from a whole sweep"
done

# ------------------------------------- merge checks what shards claim
for k in 0 1; do
    "$DEMOB" sweep "$T/sw.lua" -o "$T/s$k" --shard $k/2 $G || fail "shard $k/2"
done
"$DEMOB" merge -o "$T/m" "$T/s0" "$T/s1" --quiet || fail "merge of sound shards"
# merge_case NAME MESSAGE SED-SCRIPT FILE...: edits copies of the shards,
# then the merge must fail with MESSAGE and leave no file
merge_case() {
    name=$1 msg=$2 script=$3
    shift 3
    rm -rf "$T/x0" "$T/x1" "$T/m_$name"
    cp -r "$T/s0" "$T/x0"
    cp -r "$T/s1" "$T/x1"
    for f in "$@"; do sed -i "$script" "$T/$f"; done
    expect 2 "$msg" -- "$DEMOB" merge -o "$T/m_$name" "$T/x0" "$T/x1"
    ls "$T/m_$name" 2>/dev/null | grep -q . && fail "merge $name left files: $(ls "$T/m_$name")"
    [ ! -e "$T/pwn.csv" ] || fail "merge $name wrote outside -o"
}
merge_case path "bad sweep.files in its manifest (unknown or repeated file '../pwn.csv')" \
    's/"files": "/"files": "..\/pwn.csv /' x0/manifest.json x1/manifest.json
merge_case twice "unknown or repeated file 'summary.csv'" \
    's/"files": "/"files": "summary.csv /' x0/manifest.json x1/manifest.json
merge_case row "summary.csv: point 1 has 2 rows, expected 3, one per replicate" '3d' x1/summary.csv
merge_case replicates "summary.csv: point 0 has 3 rows, expected 5, one per replicate" \
    's/"replicates": 3/"replicates": 5/' x0/manifest.json x1/manifest.json
merge_case huge "its sweep fields are out of range" \
    's/"replicates": 3/"replicates": 2000000000000/' x0/manifest.json x1/manifest.json
merge_case disagree "the manifests of one sweep disagree" 's/"replicates": 3/"replicates": 5/' x0/manifest.json
merge_case shard_points "the shards' manifests hold 3 points, the sweep 4" \
    's/"shard_points": 2/"shard_points": 1/' x0/manifest.json
merge_case point "points.csv: 3 of the sweep's 4 points have rows in the shards" '2d' x1/points.csv
merge_case pops "populations.csv: 3 of the sweep's 4 points have rows in the shards" '/^1,/d' x1/populations.csv

# --------------------- one confinement rule for every file a script names
mkdir -p "$T/conf/in" "$T/conf/out"
printf 'return { rate = 0.5 }\n' > "$T/conf/out/mod.lua"
printf 'point,x\nSECRET-LINE,1\n' > "$T/conf/out/p.csv"
ln -s ../out/mod.lua "$T/conf/in/linked.lua"
ln -s ../out/p.csv "$T/conf/in/linked.csv"
mkfifo "$T/conf/in/fifo.lua" "$T/conf/in/fifo.csv"
cp "$T/conf/out/p.csv" "$T/conf/in/p.csv"
conf() { # name, script line, message[, command]
    printf 'scenario { steps = 2, states = { "a", "b" } }\norigin { "X", a = 1 }\nparam { x = 0.5 }\n%s\n' "$2" \
        > "$T/conf/in/$1.lua"
    out=$(timeout 20 "$DEMOB" ${4:-check} "$T/conf/in/$1.lua" 2>&1)
    rc=$?
    [ "$rc" = 2 ] || fail "confine $1: exit $rc, expected 2: $out"
    printf '%s' "$out" | grep -qF -- "$3" || fail "confine $1: output lacks '$3': $out"
    printf '%s' "$out" | grep -q SECRET && fail "confine $1: a refused file was quoted: $out"
}
conf req_link 'require "linked"' "$T/conf/in/req_link.lua:4: require: 'linked.lua' leads out of the scenario's folder through a symbolic link"
conf req_fifo 'require "fifo"' "req_fifo.lua:4: require: 'fifo.lua' is not a regular file"
conf read_fifo 'csv.read "fifo.csv"' "read_fifo.lua:4: csv.read: 'fifo.csv' is not a regular file"
conf read_link 'csv.read "linked.csv"' "csv.read: 'linked.csv' leads out of the scenario's folder"
conf pts_up 'sweep { points = "../out/p.csv" }' "sweep: points: '../out/p.csv' must be a relative path below the scenario's folder" sweep
conf pts_abs "sweep { points = \"$T/conf/out/p.csv\" }" "sweep: points: '$T/conf/out/p.csv' must be a relative path" sweep
conf pts_link 'sweep { points = "linked.csv" }' "sweep: points: 'linked.csv' leads out of the scenario's folder" sweep
conf pts_fifo 'sweep { points = "fifo.csv" }' "sweep: points: 'fifo.csv' is not a regular file" sweep
# inside the folder, the same files are fine (and --trusted lifts the rule)
printf 'return { rate = 0.5 }\n' > "$T/conf/in/mod.lua"
printf 'scenario { steps = 2, states = { "a", "b" } }\norigin { "X", a = require("mod").rate }\n' > "$T/conf/in/ok.lua"
expect 0 "ok" -- "$DEMOB" check "$T/conf/in/ok.lua"
expect 0 "ok" -- "$DEMOB" check "$T/conf/in/req_link.lua" --trusted

# ----------------------------- csv.read's record within --memory-limit
# one record of 34 fields of 1 MiB: 34 MiB outside the Lua allocator, and
# the file's 34 MiB kept in memory (a file above the limit is refused whole)
python3 -c 'import sys; sys.stdout.write(",".join("c%d" % i for i in range(34)) + "\n" + ",".join(["x" * (1 << 20)] * 34) + "\n")' \
    > "$T/conf/in/wide.csv"
conf wide 'local rows = csv.read "wide.csv"' "wide.csv:2:1: record larger than the memory limit of 48 MiB" "check --memory-limit 48"
conf wide_file 'local rows = csv.read "wide.csv"' "is larger than the memory limit (16 MiB)" "check --memory-limit 16"
conf wide_ok 'local rows = csv.read "wide.csv" error("read " .. #rows[1].c0, 0)' "read 1048576" "check --memory-limit 128"

# ------------------------------------------- one command per folder
scen slow 'on_step(function(sim, t) if t == 1 then local t0 = os.time() while os.time() - t0 < 4 do end end end)'
"$DEMOB" run "$T/slow.lua" -o "$T/busy" --time-limit 100 --quiet 2>"$T/slow.err" &
pid=$!
sleep 1.5
expect 2 "'$T/busy' is in use by another demob command (the folder is locked)" -- "$DEMOB" run "$T/meta.lua" -o "$T/busy" --quiet
rc=0
wait $pid || rc=$?
[ "$rc" = 0 ] || fail "the first run into a folder failed: $(cat "$T/slow.err")"
grep -q '^1,3,,X,a,10$' "$T/busy/populations.csv" || fail "the locked folder holds the other run's files"
# temporary files a killed command left are removed when a folder is locked
mkdir -p "$T/stale/custom"
: > "$T/stale/summary.csv.tmp-AbC123"
: > "$T/stale/custom/x.csv.tmp-zz99Qq"
: > "$T/stale/keep.tmp"
"$DEMOB" run "$T/meta.lua" -o "$T/stale" --quiet || fail "run into a folder with stale temporaries"
ls -R "$T/stale" | grep -q 'tmp-' && fail "stale temporary files were kept: $(ls -R "$T/stale")"
[ -e "$T/stale/keep.tmp" ] || fail "a file that is not a temporary was removed"

# ------------------------------------------------ output names and folders
# a scenario named ...lua writes to out/_../, not to the current folder
mkdir -p "$T/dots"
cp "$T/meta.lua" "$T/dots/...lua"
(cd "$T/dots" && "$DEMOB" run ...lua --quiet) || fail "run of ...lua"
[ -e "$T/dots/summary.csv" ] && fail "...lua wrote its outputs into the current folder"
[ -e "$T/dots/out/_../summary.csv" ] || fail "...lua: no out/_../summary.csv: $(ls -R "$T/dots")"
# csv.open cannot take the place of demob's own files
for p in summary.csv/x.csv populations.csv points.csv/a/b.csv sweep.journal/x.csv; do
    scen own "on_step(function(sim, t) csv.open(\"$p\", { \"a\" }) end)"
    expect 2 "own.lua:4: csv.open: '$p' would take the place of a file demob writes" -- \
        "$DEMOB" run "$T/own.lua" -o "$T/own" --quiet
done
[ -d "$T/own/summary.csv" ] && fail "csv.open created a folder named summary.csv"

# --------------------------------------------- CSV formula injection
# names that a spreadsheet would read as a formula are refused where they
# are declared; the CSV files stay exact
inj() { # name, declarations, message
    printf 'scenario { steps = 2, states = { "a", "b" } }\n%s\n' "$2" > "$T/$1.lua"
    expect 2 "$3" -- "$DEMOB" check "$T/$1.lua"
}
inj inj_origin 'origin { "=HYPERLINK(\"http://x\")", a = 1 }' \
    "inj_origin.lua:2: origin '=HYPERLINK(\"http://x\")': a name may not start with '=', '+', '-', '@'"
inj inj_plus 'origin { "+1", a = 1 }' "origin '+1': a name may not start"
inj inj_minus 'origin { "X", a = 1 } param { ["-x"] = 1 }' "param '-x': a name may not start"
inj inj_at 'origin { "X", a = 1, tags = { "@t" } }' "tag '@t': a name may not start"
inj inj_flow 'origin { "X", a = 1 } flow { from = "a", to = "b", rate = 0.1, name = "\tf" }' "flow '"
inj inj_cost 'origin { "X", a = 1 } cost { state = "a", per_person = 1, category = "=c" }' "cost category '=c'"
printf 'scenario { steps = 2, states = { "a", "@b" } }\norigin { "X", a = 1 }\n' > "$T/inj_state.lua"
expect 2 "state '@b': a name may not start" -- "$DEMOB" check "$T/inj_state.lua"

# ------------------------------------------------------ small findings
# --shard N beyond what a sweep can hold (no overflow)
expect 2 "--shard 0/9223372036854775807: N must be at most 1099511627776" -- \
    "$DEMOB" sweep "$T/sw.lua" -o "$T/shx" --shard 0/9223372036854775807 $G
# escape codes in names reach the terminal escaped
printf 'scenario { steps = 2, states = { "a", "b" } }\norigin { "X\\27[31mRED", a = 1 }\norigin { "X\\27[31mRED", a = 1 }\n' > "$T/esc.lua"
"$DEMOB" check "$T/esc.lua" > "$T/esc.out" 2>&1
grep -q "X\\\\x1b\[31mRED" "$T/esc.out" || fail "escape code not escaped: $(od -c "$T/esc.out" | head -3)"
tr -d '\n' < "$T/esc.out" | grep -q "$(printf '\033')" && fail "an escape code reached stderr raw"

# an error found when the model is frozen names file:line once
printf 'scenario { steps = 2, states = { "a", "b" } }\norigin { "X", a = 1 }\nflow { from = "a", to = "b", rate = own("a") / 100 }\ncapacity { "c", per_step = own("a") }\n' > "$T/frz.lua"
expect 2 "demob check: $T/frz.lua:4: own: a capacity" -- "$DEMOB" check "$T/frz.lua"
# a NUL in a name is refused, not cut
printf 'scenario { name = "a\\0b", steps = 2, states = { "a", "b" } }\norigin { "X", a = 1 }\n' > "$T/nul.lua"
expect 2 "nul.lua:1: scenario: name contains a NUL byte" -- "$DEMOB" check "$T/nul.lua"
printf 'scenario { steps = 2, states = { "a", "b" } }\norigin { "X", a = 1 }\nparam { ["p\\0q"] = 1 }\n' > "$T/nul2.lua"
expect 2 "nul2.lua:3: param: params: a name contains a NUL byte" -- "$DEMOB" check "$T/nul2.lua"

# compare reads a summary.csv of more than 100,000 columns (a run of 1e5
# origins), matching its columns by name
mkdir -p "$T/wa" "$T/wb"
python3 -c '
n = 120000
print("run," + ",".join("final.O%d.a" % i for i in range(n)))
for r in (1, 2): print("%d," % r + ",".join("1" for i in range(n)))' > "$T/wa/summary.csv"
cp "$T/wa/summary.csv" "$T/wb/summary.csv"
expect 0 "120000 values in both: 120000 equal" -- "$DEMOB" compare "$T/wa" "$T/wb"

# ------------------------------------------------ report memory is bounded
# a step of 10^8 in a 3-line file: refused, not 16 GB of grids
"$DEMOB" run "$T/meta.lua" -o "$T/rep" --quiet || fail "run for the report"
printf 'run,step,date,origin,state,count\n1,0,,X,a,10\n1,100000000,,X,a,5\n' > "$T/rep/populations.csv"
expect 2 "rep/populations.csv:3: step 100000000 is beyond 1000000" -- "$DEMOB" report "$T/rep" -o "$T/rep.html"
# 200,000 origins: memory grows with the rows (5 GB before)
python3 -c '
print("run,step,date,origin,state,count")
for t in (0, 1):
    for o in range(200000): print("1,%d,,O%d,a,%d" % (t, o, 10 - t))' > "$T/rep/populations.csv"
# (peak memory from getrusage: ulimit -v does not mix with AddressSanitizer)
python3 -c '
import resource, subprocess, sys
rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
sys.exit(0 if rc == 0 and kb < 1000000 else "exit %d, %d kB" % (rc, kb))' "$DEMOB" report "$T/rep" -o "$T/rep.html" \
    > "$T/rep.out" 2>&1 || fail "report of 200,000 origins in 1 GB: $(cat "$T/rep.out")"

# ---------------------- compare, plot and report refuse impossible rows
"$DEMOB" run "$T/meta.lua" -o "$T/v0" --quiet || fail "run for the row checks"
bad_rows() { # name, sed script on populations.csv, message
    rm -rf "$T/v_$1"
    cp -r "$T/v0" "$T/v_$1"
    sed -i "$2" "$T/v_$1/populations.csv"
    expect 2 "$3" -- "$DEMOB" report "$T/v_$1" -o "$T/v_$1.html"
    expect 2 "$3" -- "$DEMOB" plot "$T/v_$1" -o "$T/v_$1.svg"
    expect 2 "$3" -- "$DEMOB" compare "$T/v0" "$T/v_$1"
}
bad_rows neg 's/^1,1,,X,a,10$/1,1,,X,a,-10/' "populations.csv:4:10: column 'count': '-10' is negative"
bad_rows hex 's/^1,1,,X,a,10$/1,1,,X,a,0x10/' "populations.csv:4:10: column 'count': '0x10' is not a decimal number"
bad_rows run0 's/^1,1,,X,a,10$/0,1,,X,a,10/' "populations.csv:4:1: column 'run': '0' is not a run number"
bad_rows dup '4p' "populations.csv:5: duplicate row (the same point, run, step and names as an earlier row)"

# the memory limit names the script line, in hooks too
scen memh 'on_step(function() local s = "x" while true do s = s .. s end end)'
expect 2 "memh.lua:4: memory limit of 16 MiB exceeded (step 1, run 1)" -- \
    "$DEMOB" run "$T/memh.lua" -o "$T/memh" --memory-limit 16 --quiet
clean "$T/memh"

finish
