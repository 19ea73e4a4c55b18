#!/bin/sh
# csv.open in runs: the rows every run writes to one name end up in one
# file, in run order (a sweep: point, then replicate), the header once,
# byte-identical for any -j, shard split and --resume; runs that disagree
# on the header are bad input; a command that fails leaves none of the
# files, and no pieces.
set -u
. tests/cli/lib.sh

# no_pieces DIR: the hidden folder of the runs' pieces is gone.
no_pieces() {
    [ -e "$1/.demob-csv" ] && fail "$1: pieces left: $(ls -aR "$1/.demob-csv" | head -c 300)"
    ls -a "$1" | grep -Eq '\.tmp-[A-Za-z0-9]{6}$' && fail "$1: temporary file left: $(ls -a "$1")"
    return 0
}

# ------------------------------------------------ one file, in run order
S=tests/scenarios/hook_finish.lua
for j in 1 2 7; do
    "$DEMOB" run "$S" --mode stochastic --runs 24 -j $j -o "$T/hf$j" -q || fail "hook_finish -j $j"
    no_pieces "$T/hf$j"
done
for j in 2 7; do
    cmp -s "$T/hf1/final.csv" "$T/hf$j/final.csv" || fail "final.csv differs between -j 1 and -j $j"
done
[ "$(head -n 1 "$T/hf1/final.csv")" = "run,b" ] || fail "final.csv: header: $(head -n 2 "$T/hf1/final.csv")"
[ "$(grep -c '^run,' "$T/hf1/final.csv")" = 1 ] || fail "final.csv: the header more than once"
[ "$(tail -n +2 "$T/hf1/final.csv" | cut -d, -f1 | tr '\n' ' ')" = "$(seq 1 24 | tr '\n' ' ')" ] ||
    fail "final.csv: not one row per run in run order: $(cut -d, -f1 "$T/hf1/final.csv" | tr '\n' ' ')"

# Several rows per run, a subfolder, a writer opened at every step (each
# opening replaces the run's own piece) and a per-run name beside them.
cat > "$T/multi.lua" <<'EOF'
scenario { steps = 4, mode = "stochastic", runs = 30, seed = 9, states = { "a", "b" } }
origin { "X", a = 500 }
origin { "Y", a = 300 }
flow { from = "a", to = "b", rate = 0.3 }
on_step(function(sim, t)
  local w = csv.open("last_step.csv", { "run", "t" })
  w:row { sim.run, t }
  w:close()
end)
on_finish(function(sim)
  local w = csv.open("sub/rows.csv", { "run", "origin", "b" })
  for _, o in ipairs { "X", "Y" } do w:row { run = sim.run, origin = o, b = sim:stock(o, "b") } end
  w:close()
  local v = csv.open("each/run_" .. sim.run .. ".csv", { "run" })
  v:row { sim.run }
  v:close()
end)
EOF
for j in 1 3 7; do
    "$DEMOB" run "$T/multi.lua" -j $j -o "$T/mu$j" -q || fail "multi -j $j"
    no_pieces "$T/mu$j"
done
for j in 3 7; do
    for f in sub/rows.csv last_step.csv each/run_1.csv each/run_30.csv; do
        cmp -s "$T/mu1/$f" "$T/mu$j/$f" || fail "$f differs between -j 1 and -j $j"
    done
done
[ "$(wc -l < "$T/mu1/sub/rows.csv")" = 61 ] || fail "rows.csv: $(wc -l < "$T/mu1/sub/rows.csv") lines, expected 61"
[ "$(tail -n +2 "$T/mu1/sub/rows.csv" | cut -d, -f1,2 | head -n 4 | tr '\n' ' ')" = "1,X 1,Y 2,X 2,Y " ] ||
    fail "rows.csv: a run's rows are not together, in run order: $(head -n 5 "$T/mu1/sub/rows.csv")"
[ "$(sed -n 2p "$T/mu1/last_step.csv")" = "1,4" ] && [ "$(wc -l < "$T/mu1/last_step.csv")" = 31 ] ||
    fail "last_step.csv: each run's last opening: $(head -n 3 "$T/mu1/last_step.csv")"
[ "$(ls "$T/mu1/each" | wc -l)" = 30 ] && [ "$(cat "$T/mu1/each/run_17.csv")" = "$(printf 'run\n17')" ] ||
    fail "per-run files: $(ls "$T/mu1/each" | head -n 3)"

# ---------------------------------------------- headers that disagree
# 30 runs of a two-step scenario, then each test's on_finish.
HEAD='scenario { steps = 2, mode = "stochastic", runs = 30, seed = 1, states = { "a", "b" } }
origin { "X", a = 1000 }
flow { from = "a", to = "b", rate = 0.5 }'
{ echo "$HEAD"; cat <<'EOF'
on_finish(function(sim)
  local w = csv.open("other.csv", { "run" })
  w:row { sim.run }
  w:close()
  local v = csv.open("final.csv", sim.run % 10 == 7 and { "run", "b", "extra" } or { "run", "b" })
  v:row { sim.run, sim:total("b"), sim.run % 10 == 7 and 1 or nil }
  v:close()
end)
EOF
} > "$T/hdr.lua"
for j in 1 2 7; do
    expect 2 'csv.open("final.csv"): runs 1 and 7 wrote different headers (from column 3): run 1 "run,b", run 7 "run,b,extra"' \
        -- "$DEMOB" run "$T/hdr.lua" -j $j -o "$T/hdr$j" -q
    [ -z "$(ls "$T/hdr$j")" ] || fail "headers that disagree, -j $j: files left: $(ls "$T/hdr$j")"
    no_pieces "$T/hdr$j"
done

# --------------------------------------- a run that fails leaves nothing
{ echo "$HEAD"; cat <<'EOF'
on_finish(function(sim)
  local w = csv.open("final.csv", { "run", "b" })
  w:row { sim.run, sim:total("b") }
  w:close()
  local v = csv.open("run_" .. sim.run .. ".csv", { "run" })
  v:row { sim.run }
  v:close()
  if sim.run == 25 then error("boom") end
end)
EOF
} > "$T/boom.lua"
for j in 1 2 7; do
    expect 2 "boom.lua:11: boom (on_finish, run 25)" -- "$DEMOB" run "$T/boom.lua" -j $j -o "$T/boom$j" -q
    [ -z "$(ls "$T/boom$j")" ] || fail "a failed run, -j $j: files left: $(ls "$T/boom$j")"
    no_pieces "$T/boom$j"
done
# A finished folder keeps its files when a later run there fails.
"$DEMOB" run "$S" --mode stochastic --runs 24 -o "$T/keep" -q || fail "keep"
cp "$T/keep/final.csv" "$T/keep_before.csv"
expect 2 "boom (on_finish, run 25)" -- "$DEMOB" run "$T/boom.lua" -o "$T/keep" -q
cmp -s "$T/keep/final.csv" "$T/keep_before.csv" || fail "a failed run changed the earlier final.csv"
[ -e "$T/keep/run_1.csv" ] && fail "a failed run left run_1.csv"
no_pieces "$T/keep"

# ---------------------------------------------------------------- sweeps
cat > "$T/sw.lua" <<'EOF'
scenario { steps = 3, mode = "stochastic", runs = 2, seed = 5, states = { "a", "b" } }
param { rate = 0.5 }
origin { "X", a = 1000 }
flow { from = "a", to = "b", rate = param "rate" }
on_finish(function(sim)
  local w = csv.open("sub/final.csv", { "run", "rate", "b" })
  w:row { sim.run, sim:get("rate"), sim:total("b") }
  w:close()
end)
EOF
G="--grid rate=0.1,0.2,0.3,0.4,0.5,0.6 --replicates 4"
for j in 1 3; do
    "$DEMOB" sweep "$T/sw.lua" $G -j $j -o "$T/sw$j" -q || fail "sweep -j $j"
    no_pieces "$T/sw$j"
done
cmp -s "$T/sw1/sub/final.csv" "$T/sw3/sub/final.csv" || fail "sweep: final.csv differs between -j 1 and -j 3"
[ "$(wc -l < "$T/sw1/sub/final.csv")" = 25 ] || fail "sweep: final.csv: $(wc -l < "$T/sw1/sub/final.csv") lines"
[ "$(sed -n '2p;5p;6p' "$T/sw1/sub/final.csv" | cut -d, -f1,2 | tr '\n' ' ')" = "1,0.1 4,0.1 5,0.2 " ] ||
    fail "sweep: final.csv not in point, then replicate order: $(head -n 6 "$T/sw1/sub/final.csv")"
# interrupted and resumed
expect 1 "interrupted" -- "$DEMOB" sweep "$T/sw.lua" $G -j 2 -o "$T/swr" -q --stop-after 9
[ -e "$T/swr/sub/final.csv" ] && fail "an interrupted sweep wrote final.csv"
"$DEMOB" sweep "$T/sw.lua" $G -j 2 -o "$T/swr" -q --resume || fail "sweep --resume"
cmp -s "$T/sw1/sub/final.csv" "$T/swr/sub/final.csv" || fail "sweep --resume: final.csv differs"
no_pieces "$T/swr"
# shards, then merge
for k in 0 1 2; do
    "$DEMOB" sweep "$T/sw.lua" $G -j 2 -o "$T/sh$k" -q --shard $k/3 || fail "shard $k"
    [ -e "$T/sh$k/sub/final.csv" ] && fail "shard $k wrote a part of final.csv as the file"
done
"$DEMOB" merge "$T/sh2" "$T/sh0" "$T/sh1" -o "$T/merged" -q || fail "merge"
cmp -s "$T/sw1/sub/final.csv" "$T/merged/sub/final.csv" || fail "merge: final.csv differs from the unsharded sweep"
no_pieces "$T/merged"
# An unfinished sweep's pieces are its --resume's: demob run and demob
# merge into its folder are refused, not left to delete them.
expect 1 "interrupted" -- "$DEMOB" sweep "$T/sw.lua" $G -o "$T/swu" -q --stop-after 9
expect 2 "holds an unfinished sweep and the rows its runs wrote with csv.open" -- "$DEMOB" run "$T/sw.lua" -o "$T/swu" -q
expect 2 "holds an unfinished sweep and the rows its runs wrote with csv.open" -- \
    "$DEMOB" merge "$T/sh0" "$T/sh1" "$T/sh2" -o "$T/swu" -q
"$DEMOB" sweep "$T/sw.lua" $G -o "$T/swu" -q --resume || fail "sweep --resume after a refused run and merge"
cmp -s "$T/sw1/sub/final.csv" "$T/swu/sub/final.csv" || fail "an unfinished sweep's rows were lost: $(wc -l < "$T/swu/sub/final.csv") lines"
expect 2 "incomplete set of shards" -- "$DEMOB" merge "$T/sh0" "$T/sh1" -o "$T/merged2" -q
[ -e "$T/merged2/sub/final.csv" ] && fail "a refused merge wrote final.csv"

# ---------------------------------- names that hold ".tmp-", quoted cells
# Only a writer's temporary file ("<name>.tmp-XXXXXX") is not a piece:
# a name or a folder with ".tmp-" in it is joined like any other. A header
# and rows with quotes, newlines and UTF-8 are copied as they are.
{ echo "$HEAD"; cat <<'EOF'
on_finish(function(sim)
  local w = csv.open("x.tmp-1.csv", { "run" }) w:row { sim.run } w:close()
  local v = csv.open("d.tmp-1/y.csv", { "run" }) v:row { sim.run } v:close()
  local h = csv.open("q.csv", { "a\"b", "c\nd", "\u{e9}" })
  if sim.run % 10 == 2 then h:row { "q\"x", "l1\nl2", "\u{fc}" } end
  h:close()
  local o = csv.open("open.csv", { "run" }) o:row { sim.run }
end)
EOF
} > "$T/tmpname.lua"
for j in 1 3; do
    "$DEMOB" run "$T/tmpname.lua" -j $j -o "$T/tn$j" -q || fail "tmpname -j $j"
    no_pieces "$T/tn$j"
done
[ "$(tr '\n' ' ' < "$T/tn1/x.tmp-1.csv")" = "run $(seq 1 30 | tr '\n' ' ')" ] ||
    fail "x.tmp-1.csv: $(head -c 100 "$T/tn1/x.tmp-1.csv" 2>&1)"
[ "$(wc -l < "$T/tn1/d.tmp-1/y.csv")" = 31 ] || fail "d.tmp-1/y.csv: $(ls "$T/tn1")"
printf '"a""b","c\nd",\303\251\n' > "$T/q_expect.csv"
for k in 1 2 3; do printf '"q""x","l1\nl2",\303\274\n' >> "$T/q_expect.csv"; done
cmp -s "$T/q_expect.csv" "$T/tn1/q.csv" || fail "q.csv: quoted header and cells: $(cat "$T/tn1/q.csv")"
cmp -s "$T/tn1/q.csv" "$T/tn3/q.csv" && cmp -s "$T/tn1/x.tmp-1.csv" "$T/tn3/x.tmp-1.csv" || fail "tmpname: -j 3 differs"
[ -e "$T/tn1/open.csv" ] && fail "a writer never closed gave open.csv"

# ---------------------------- a name that cannot take its place: nothing
# Checked for every name before any file moves: one run's file is
# another's folder, or the output folder holds a folder where a file goes
# or a file where a folder goes.
{ echo "$HEAD"; cat <<'EOF'
on_finish(function(sim)
  local w = csv.open(sim.run == 3 and "a.csv/b.csv" or "a.csv", { "run" }) w:row { sim.run } w:close()
  local v = csv.open("z.csv", { "run" }) v:row { sim.run } v:close()
end)
EOF
} > "$T/clash.lua"
expect 2 'csv.open("a.csv/b.csv") in run 3: "a.csv" is a file run 1 writes; a name cannot be both a file and a folder' \
    -- "$DEMOB" run "$T/clash.lua" -j 2 -o "$T/clash" -q
[ -z "$(ls "$T/clash")" ] || fail "a name that is a file and a folder: files left: $(ls "$T/clash")"
no_pieces "$T/clash"
sed 's/sim.run == 3 and "a.csv\/b.csv" or //' "$T/clash.lua" > "$T/clash2.lua"
"$DEMOB" run "$S" --mode stochastic --runs 24 -o "$T/clash2" -q || fail "clash2"
cp "$T/clash2/final.csv" "$T/clash2_before.csv"
cp "$T/clash2/manifest.json" "$T/clash2_manifest.json"
mkdir "$T/clash2/z.csv"
expect 2 "csv.open(\"z.csv\"): '$T/clash2/z.csv' is a folder" -- "$DEMOB" run "$T/clash2.lua" -o "$T/clash2" -q
[ -e "$T/clash2/a.csv" ] && fail "a name whose place is a folder: a.csv written"
cmp -s "$T/clash2/final.csv" "$T/clash2_before.csv" && cmp -s "$T/clash2/manifest.json" "$T/clash2_manifest.json" ||
    fail "a name whose place is a folder: the earlier files changed"
no_pieces "$T/clash2"
# a sweep keeps its pieces: once the file is out of the way, --resume ends it
mkdir -p "$T/swc"
echo x > "$T/swc/sub"
expect 2 "csv.open(\"sub/final.csv\"): '$T/swc/sub' is a file, not a folder" -- \
    "$DEMOB" sweep "$T/sw.lua" $G -j 2 -o "$T/swc" -q
rm "$T/swc/sub"
"$DEMOB" sweep "$T/sw.lua" $G -j 2 -o "$T/swc" -q --resume || fail "sweep --resume after the file was moved away"
cmp -s "$T/sw1/sub/final.csv" "$T/swc/sub/final.csv" || fail "sweep --resume after a refused name: final.csv differs"
no_pieces "$T/swc"

# ------------------------- a writer opened while loading, rows in runs
# Its file would be the one of whichever run closed it last (-j decides).
{ echo "$HEAD"; cat <<'EOF'
local w = csv.open("load.csv", { "run" })
on_finish(function(sim) w:row { sim.run } w:close() end)
EOF
} > "$T/loadw.lua"
expect 2 'csv.open("load.csv"): a writer opened while the script loads takes no rows in a run (run 1)' \
    -- "$DEMOB" run "$T/loadw.lua" -o "$T/loadw" -q
[ -e "$T/loadw/load.csv" ] && fail "a writer opened while loading wrote load.csv from a run"

# ------------------------------------------------------- fit refuses
mkdir -p "$T/fit/data"
cp tests/scenarios/data/fit_two_steps.csv "$T/fit/data/"
{ cat tests/scenarios/fit_two_steps.lua
  echo 'on_finish(function(sim) local w = csv.open("final.csv", { "run" }) w:row { sim.run } w:close() end)'
} > "$T/fit/f.lua"
expect 2 "csv.open: 'final.csv' opened in a run: a fit runs the scenario many times" -- \
    "$DEMOB" fit "$T/fit/f.lua" --params r -o "$T/fo" -q
[ -e "$T/fo/final.csv" ] && fail "fit wrote final.csv"

finish
