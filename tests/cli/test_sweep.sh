#!/bin/sh
# demob sweep and merge: byte-identical outputs for any -j and shard split,
# resume after --stop-after and after kill -9, designs from the command
# line and from a points CSV, deterministic mode, SLURM shard variables.
set -u
. tests/cli/lib.sh
S=tests/scenarios/sweep_small.lua
B=tests/scenarios/sweep_bench.lua
SAVE=summary,quantiles,populations,flows
FILES="points.csv summary.csv quantiles.csv sensitivity.csv populations.csv flows.csv"

same_files() { # dir1 dir2 files...
    a=$1; b=$2; shift 2
    for f in "$@"; do
        [ -f "$a/$f" ] || { fail "$a/$f is missing"; continue; }
        cmp -s "$a/$f" "$b/$f" || fail "$a/$f and $b/$f differ"
    done
}
lines() { wc -l < "$1" | tr -d ' '; }
rows_expect() { # file count
    n=$(lines "$1")
    [ "$n" = "$2" ] || fail "$1 has $n lines, expected $2"
}

# --- the same bytes for -j 1 and -j 2
"$DEMOB" sweep "$S" -o "$T/j1" -j 1 --save $SAVE --quiet || fail "sweep -j 1 failed"
"$DEMOB" sweep "$S" -o "$T/j2" -j 2 --save $SAVE --quiet || fail "sweep -j 2 failed"
same_files "$T/j1" "$T/j2" $FILES
# 3 x 4 points, 5 replicates, 13 recorded steps x 2 origins x 3 states
rows_expect "$T/j1/points.csv" 13
rows_expect "$T/j1/summary.csv" 61
rows_expect "$T/j1/quantiles.csv" $((12 * 13 * 6 + 1))
rows_expect "$T/j1/populations.csv" $((60 * 13 * 6 + 1))
head -n 1 "$T/j1/points.csv" | grep -qx 'point,flights,reg' || fail "points.csv header: $(head -n 1 "$T/j1/points.csv")"
head -n 1 "$T/j1/quantiles.csv" | grep -qx 'point,step,date,origin,state,mean,sd,p5,p50,p95' ||
    fail "quantiles.csv header: $(head -n 1 "$T/j1/quantiles.csv")"
head -n 1 "$T/j1/sensitivity.csv" | grep -qx 'outcome,param,spearman,prcc,rank,note' || fail "sensitivity.csv header"
# every (point, replicate) once: runs 1..60, sorted by point then run
cut -d, -f2 "$T/j1/summary.csv" | sed 1d > "$T/runs"
seq 1 60 | cmp -s - "$T/runs" || fail "summary.csv does not hold runs 1..60 in order"
# run = point x 5 + replicate + 1
awk -F, 'NR > 1 && int(($2 - 1) / 5) != $1 { bad = 1 } END { exit bad }' "$T/j1/summary.csv" ||
    fail "summary.csv: a run is not under its point"
# point 0 at t = 0: every replicate starts with Sudan present = 500
grep -q '^0,0,2021-01,Sudan,present,500,0,500,500,500$' "$T/j1/quantiles.csv" || fail "quantiles of t = 0"
# each quantile row is its point's replicates at its own step and cell:
# with one replicate, mean = p5 = p95 = the populations count of that row,
# also every 5 steps (--every)
"$DEMOB" sweep "$S" -o "$T/ev" --replicates 1 --every 5 --save quantiles,populations --quiet ||
    fail "sweep --every 5 failed"
awk -F, 'FNR == 1 { next }
         NR == FNR { n[$1 "," $3 "," $4 "," $5 "," $6] = $7; next }
         { k = $1 "," $2 "," $3 "," $4 "," $5; rows++
           if (!(k in n) || n[k] != $6 || $6 != $8 || $6 != $10) { print "quantile row " FNR ": " $0; bad = 1 } }
         END { if (rows != 12 * 4 * 6) { print rows " quantile rows"; bad = 1 }; exit bad }' \
    "$T/ev/populations.csv" "$T/ev/quantiles.csv" || fail "quantiles do not match the populations under --every 5"
grep -q '"design_sha256": "[0-9a-f]\{64\}"' "$T/j1/manifest.json" || fail "manifest lacks the design hash"
grep -q '"scenario_sha256": "[0-9a-f]\{64\}"' "$T/j1/manifest.json" || fail "manifest lacks the scenario hash"
[ ! -e "$T/j1/sweep.journal" ] || fail "the journal is left after a finished sweep"
ls "$T/j1" | grep -q partial && fail "partial files are left after a finished sweep"

# --- 3 shards merged (given in any order) = one unsharded sweep
for k in 0 1 2; do
    "$DEMOB" sweep "$S" -o "$T/sh$k" --shard $k/3 -j 2 --save $SAVE --quiet || fail "shard $k/3 failed"
done
"$DEMOB" merge -o "$T/merged" "$T/sh2" "$T/sh0" "$T/sh1" --quiet || fail "merge failed"
same_files "$T/j1" "$T/merged" $FILES
grep -q '"command": "merge"' "$T/merged/manifest.json" || fail "merged manifest"
# A scenario's report {} reaches each shard's manifest and the merged one,
# which stays valid JSON (its state lists are arrays)
for k in 0 1; do
    "$DEMOB" sweep scenarios/libya_2020.lua -o "$T/rp$k" --shard $k/2 --replicates 1 --quiet ||
        fail "libya shard $k/2 failed"
done
"$DEMOB" merge -o "$T/rpm" "$T/rp0" "$T/rp1" --quiet || fail "libya merge failed"
for d in rp0 rpm; do
    python3 -c 'import json, sys; r = json.load(open(sys.argv[1]))["report"]
assert r["key_states"][0] == "present" and r["return_state"] == "repatriated", r' "$T/$d/manifest.json" ||
        fail "$d: the report declaration is missing from the manifest or not valid JSON"
done
# SLURM array variables give the same slice as --shard
SLURM_ARRAY_TASK_ID=1 SLURM_ARRAY_TASK_COUNT=3 SLURM_ARRAY_TASK_MIN=0 \
    "$DEMOB" sweep "$S" -o "$T/slurm1" -j 2 --save $SAVE --quiet || fail "sweep under SLURM variables failed"
same_files "$T/sh1" "$T/slurm1" $FILES

# --- interrupted (--stop-after), resumed twice, same bytes
rc=0
"$DEMOB" sweep "$S" -o "$T/r" -j 2 --save $SAVE --stop-after 13 --quiet 2> "$T/err" || rc=$?
[ "$rc" = 1 ] || fail "an interrupted sweep exits $rc, expected 1"
grep -q -- "--resume" "$T/err" || fail "the interruption message does not mention --resume: $(cat "$T/err")"
[ ! -e "$T/r/manifest.json" ] || fail "an interrupted sweep wrote a manifest"
rc=0
"$DEMOB" sweep "$S" -o "$T/r" -j 1 --save $SAVE --stop-after 21 --resume --quiet 2>/dev/null || rc=$?
[ "$rc" = 1 ] || fail "the second interruption exits $rc"
"$DEMOB" sweep "$S" -o "$T/r" -j 2 --save $SAVE --resume 2> "$T/err" || fail "resume failed: $(cat "$T/err")"
grep -q "34 resumed" "$T/err" || fail "resume did not continue from run 34: $(cat "$T/err")"
same_files "$T/j1" "$T/r" $FILES
# resuming a finished sweep does nothing
"$DEMOB" sweep "$S" -o "$T/r" --save $SAVE --resume 2> "$T/err" || fail "resume of a finished sweep failed"
grep -q "nothing to do" "$T/err" || fail "resume of a finished sweep: $(cat "$T/err")"
same_files "$T/j1" "$T/r" $FILES

# --- kill -9 in the middle, then --resume: the same bytes as a whole sweep
KILLBASE="--steps 36 --samples 40 --replicates 10 --save summary,quantiles,flows --quiet"
KILLARGS="$KILLBASE -j 2"
"$DEMOB" sweep "$B" -o "$T/whole" $KILLARGS || fail "bench sweep failed"
# wait_journal DIR PID: until 50 runs are in DIR's journal (a 256-byte
# header, then 8 bytes per file per run: 5 files here)
wait_journal() {
    i=0
    while :; do
        size=0
        [ -f "$1/sweep.journal" ] && size=$(wc -c < "$1/sweep.journal")
        [ "$size" -ge $((256 + 50 * 5 * 8)) ] && break
        i=$((i + 1))
        [ "$i" -lt 600 ] || { kill -9 "$2"; fail "the sweep wrote no journal in 30 s"; return 1; }
        sleep 0.05
    done
}
"$DEMOB" sweep "$B" -o "$T/k" $KILLARGS &
pid=$!
wait_journal "$T/k" $pid
kill -9 $pid 2>/dev/null || fail "the sweep finished before it could be killed"
wait $pid 2>/dev/null || true
[ ! -e "$T/k/manifest.json" ] || fail "the killed sweep finished"
"$DEMOB" sweep "$B" -o "$T/k" $KILLARGS --resume || fail "resume after kill -9 failed"
same_files "$T/whole" "$T/k" points.csv summary.csv quantiles.csv sensitivity.csv flows.csv

# --- SIGINT stops cleanly (exit 1, finished runs kept); --resume finishes.
# With one worker too: its consumer sleeps until a job a batch ahead is
# done, and must still wake when the worker stops early.
for j in 2 1; do
    "$DEMOB" sweep "$B" -o "$T/int$j" $KILLBASE -j $j &
    pid=$!
    wait_journal "$T/int$j" $pid
    kill -INT $pid 2>/dev/null || fail "the sweep (-j $j) finished before SIGINT"
    rc=0
    wait $pid || rc=$?
    [ "$rc" = 1 ] || fail "a sweep (-j $j) stopped by SIGINT exits $rc, expected 1"
    [ -f "$T/int$j/summary.csv.partial" ] || fail "SIGINT (-j $j) lost the finished runs"
    "$DEMOB" sweep "$B" -o "$T/int$j" $KILLARGS --resume || fail "resume after SIGINT (-j $j) failed"
    same_files "$T/whole" "$T/int$j" points.csv summary.csv quantiles.csv sensitivity.csv flows.csv
done

# --- the command line's design wins over sweep{}
"$DEMOB" sweep "$S" -o "$T/cli" --grid flights=10,30 --replicates 2 --quiet || fail "--grid sweep failed"
rows_expect "$T/cli/points.csv" 3
rows_expect "$T/cli/summary.csv" 5
head -n 1 "$T/cli/points.csv" | grep -qx 'point,flights' || fail "--grid: $(head -n 1 "$T/cli/points.csv")"
# a points CSV, and the declared range of a param (--lhs NAME)
printf 'flights,reg\n25,0.1\n35,0.2\n' > "$T/pts.csv"
"$DEMOB" sweep "$S" -o "$T/pts" --points "$T/pts.csv" --replicates 3 --quiet || fail "--points sweep failed"
printf 'point,flights,reg\n0,25,0.1\n1,35,0.2\n' | cmp -s - "$T/pts/points.csv" || fail "points.csv from --points"
"$DEMOB" sweep "$S" -o "$T/range" --lhs reg --samples 6 --replicates 1 --quiet || fail "--lhs reg failed"
awk -F, 'NR > 1 && ($2 < 0.05 || $2 > 0.3) { bad = 1 } END { exit bad }' "$T/range/points.csv" ||
    fail "--lhs reg left the declared range [0.05, 0.3]"
# deterministic mode: one run per point, no quantiles by default
"$DEMOB" sweep "$S" -o "$T/det" --mode deterministic --quiet || fail "deterministic sweep failed"
rows_expect "$T/det/summary.csv" 13
[ ! -e "$T/det/quantiles.csv" ] || fail "deterministic sweep wrote quantiles.csv"
# a sweep into a used folder replaces every file of the earlier one
"$DEMOB" sweep "$S" -o "$T/j1" --grid flights=10,30 --replicates 2 --quiet || fail "sweep over a folder failed"
[ ! -e "$T/j1/populations.csv" ] || fail "populations.csv of the earlier sweep is left"
"$DEMOB" sweep --help | grep -q -- "--shard K/N" || fail "sweep --help"

# --- one param alone decides an outcome: its PRCC is 1, the other's is
# marked undefined and ranked last (a singular rank-correlation matrix)
cat > "$T/decides.lua" <<'EOF'
scenario { steps = 4, states = { "a", "b", "c" } }
param { "move", 0.3, min = 0.1, max = 0.9 }
param { "idle", 5, min = 1, max = 9 }
origin { "X", a = 1000 }
flow { from = "a", to = "b", rate = param "move" }
flow { from = "c", to = "a", rate = 0.1 }
EOF
"$DEMOB" sweep "$T/decides.lua" -o "$T/dec" --lhs move --lhs idle --samples 12 --quiet || fail "decides sweep failed"
grep -qx 'final.b,move,1,1,1,' "$T/dec/sensitivity.csv" ||
    fail "the deciding param's PRCC is not 1: $(grep '^final.b,' "$T/dec/sensitivity.csv")"
grep -q '^final.b,idle,[^,]*,,2,prcc undefined: the other params decide the outcome$' "$T/dec/sensitivity.csv" ||
    fail "the other param is not marked undefined and ranked last: $(grep '^final.b,' "$T/dec/sensitivity.csv")"
finish
