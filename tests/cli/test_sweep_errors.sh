#!/bin/sh
# demob sweep and merge on bad input: exit code 2, a message naming the
# option, field, file, line or column, and nothing written.
set -u
. tests/cli/lib.sh
S=tests/scenarios/sweep_small.lua

nothing_written() { [ ! -e "$1/points.csv" ] && [ ! -e "$1/sweep.journal" ] || fail "$1: output written despite bad input"; }

# --- ranges with min > max, on the command line and in sweep{}
expect 2 "--lhs reg: min 0.3 > max 0.05" "$DEMOB" sweep "$S" -o "$T/o1" --lhs reg=0.3:0.05 --samples 4
nothing_written "$T/o1"
expect 2 "--random reg: min 0.3 > max 0.05" "$DEMOB" sweep "$S" -o "$T/o1" --random reg=normal:0.1:0.01:0.3:0.05 --samples 4
sed 's/lhs = { reg = { 0.05, 0.3 } }/lhs = { reg = { 0.3, 0.05 } }/' "$S" > "$T/range.lua"
expect 2 "range.lua: sweep: lhs.reg: min 0.3 > max 0.05" "$DEMOB" sweep "$T/range.lua" -o "$T/o2"
nothing_written "$T/o2"

# --- unknown parameter names
expect 2 "unknown parameter 'flighs' (params: reg, flights)" "$DEMOB" sweep "$S" -o "$T/o3" --grid flighs=1,2
nothing_written "$T/o3"
sed 's/grid = { flights =/grid = { flites =/' "$S" > "$T/unknown.lua"
expect 2 "unknown parameter 'flites'" "$DEMOB" sweep "$T/unknown.lua" -o "$T/o3"
printf 'flights,regg\n20,0.1\n' > "$T/unknown.csv"
expect 2 "unknown parameter 'regg'" "$DEMOB" sweep "$S" -o "$T/o3" --points "$T/unknown.csv"
nothing_written "$T/o3"

# --- points CSV: a missing column, a non-numeric cell (line and column)
printf 'flights,reg\n20,0.1\n40\n' > "$T/missing.csv"
expect 2 "missing.csv:3:" "$DEMOB" sweep "$S" -o "$T/o4" --points "$T/missing.csv"
expect 2 "expected 2 fields" "$DEMOB" sweep "$S" -o "$T/o4" --points "$T/missing.csv"
printf 'flights,reg\n20,0.1\n40,abc\n' > "$T/nonnum.csv"
expect 2 "nonnum.csv:3:4: column 'reg': 'abc' is not a number" "$DEMOB" sweep "$S" -o "$T/o4" --points "$T/nonnum.csv"
expect 2 "cannot open" "$DEMOB" sweep "$S" -o "$T/o4" --points "$T/nonexistent.csv"
nothing_written "$T/o4"

# --- shards: K >= N, N = 0, not K/N, SLURM variables out of range
expect 2 "--shard 3/3: K must be in 0..2" "$DEMOB" sweep "$S" -o "$T/o5" --shard 3/3
expect 2 "--shard 0/0: N must be at least 1" "$DEMOB" sweep "$S" -o "$T/o5" --shard 0/0
expect 2 "is not K/N" "$DEMOB" sweep "$S" -o "$T/o5" --shard 1of3
rc=0
out=$(SLURM_ARRAY_TASK_ID=4 SLURM_ARRAY_TASK_COUNT=4 "$DEMOB" sweep "$S" -o "$T/o5" 2>&1) || rc=$?
[ "$rc" = 2 ] || fail "SLURM task 4 of 4: exit $rc"
case $out in *"SLURM_ARRAY_TASK_ID=4"*"K must be in 0..3"*) ;; *) fail "SLURM task 4 of 4: $out" ;; esac
nothing_written "$T/o5"

# --- other bad designs
expect 2 "point 1 (flights=40, reg=1.5)" "$DEMOB" sweep "$S" -o "$T/o6" --grid flights=40 --grid reg=0.5,1.5
expect 2 "unknown distribution 'gamma'" "$DEMOB" sweep "$S" -o "$T/o6" --lhs reg=gamma:1:2 --samples 3
sed '/^sweep {/,$d' "$S" > "$T/nodesign.lua"
expect 2 "no design" "$DEMOB" sweep "$T/nodesign.lua" -o "$T/o6"
expect 2 "need a number of samples" "$DEMOB" sweep "$T/nodesign.lua" -o "$T/o6" --lhs reg=0.1:0.2
expect 2 "--samples needs sampled params" "$DEMOB" sweep "$T/nodesign.lua" -o "$T/o6" --grid reg=0.1 --samples 3
expect 2 "unknown option '--bogus'" "$DEMOB" sweep "$S" -o "$T/o6" --bogus
nothing_written "$T/o6"

# --- merge: different scenarios, different designs, incomplete or doubled sets
sed 's/present = 500/present = 501/' "$S" > "$T/other.lua"
"$DEMOB" sweep "$S" -o "$T/a0" --shard 0/2 --quiet || fail "shard 0/2 failed"
"$DEMOB" sweep "$S" -o "$T/a1" --shard 1/2 --quiet || fail "shard 1/2 failed"
"$DEMOB" sweep "$T/other.lua" -o "$T/b1" --shard 1/2 --quiet || fail "shard 1/2 of other.lua failed"
"$DEMOB" sweep "$S" -o "$T/c1" --shard 1/2 --grid flights=10,20,30 --quiet || fail "shard 1/2 of --grid failed"
"$DEMOB" sweep "$S" -o "$T/d2" --shard 1/3 --quiet || fail "shard 1/3 failed"
expect 2 "come from different scenarios" "$DEMOB" merge -o "$T/m" "$T/a0" "$T/b1"
expect 2 "come from different designs" "$DEMOB" merge -o "$T/m" "$T/a0" "$T/c1"
expect 2 "incomplete set of shards: 1 of 2 given (missing 1)" "$DEMOB" merge -o "$T/m" "$T/a0"
expect 2 "shard 0/2 is given twice" "$DEMOB" merge -o "$T/m" "$T/a0" "$T/a0"
expect 2 "come from different sweeps" "$DEMOB" merge -o "$T/m" "$T/a0" "$T/d2"
expect 2 "not a finished sweep folder" "$DEMOB" merge -o "$T/m" "$T/a0" "$T/nowhere"
expect 2 "is one of the shard folders" "$DEMOB" merge -o "$T/a0" "$T/a0" "$T/a1"
expect 2 "give -o OUT" "$DEMOB" merge "$T/a0" "$T/a1"
[ ! -e "$T/m/points.csv" ] || fail "merge wrote output despite bad input"
"$DEMOB" merge -o "$T/m" "$T/a1" "$T/a0" --quiet || fail "a good merge failed"
# A merge of another sweep into the same folder that fails half way (a
# doctored shard) leaves no manifest and none of the earlier sweep's files.
"$DEMOB" sweep "$S" -o "$T/e0" --shard 0/2 --grid flights=50,60,70,80 --quiet || fail "shard e0 failed"
"$DEMOB" sweep "$S" -o "$T/e1" --shard 1/2 --grid flights=50,60,70,80 --quiet || fail "shard e1 failed"
awk -F, 'BEGIN { OFS = "," } NR == 2 { $1 = 0 } { print }' "$T/e1/points.csv" > "$T/p" && mv "$T/p" "$T/e1/points.csv" ||
    fail "doctoring e1/points.csv failed"
expect 2 "is in two shards" "$DEMOB" merge -o "$T/m" "$T/e0" "$T/e1"
[ ! -e "$T/m/manifest.json" ] || fail "a failed merge left a manifest: the folder looks finished"
[ ! -e "$T/m/sensitivity.csv" ] || fail "a failed merge left the earlier sweep's sensitivity.csv"

# --- two shards of one sweep in one folder
expect 2 "holds shard 0/2 of this sweep: give each shard its own -o folder" \
    "$DEMOB" sweep "$S" -o "$T/a0" --shard 1/2
"$DEMOB" sweep "$S" -o "$T/v" --shard 0/2 --stop-after 3 --quiet 2>/dev/null || true
expect 2 "holds shard 0/2 of this sweep (unfinished)" "$DEMOB" sweep "$S" -o "$T/v" --shard 1/2

# --- --resume on a folder of another sweep (finished, and unfinished)
expect 2 "holds another sweep" "$DEMOB" sweep "$S" -o "$T/a0" --shard 0/2 --grid flights=10,20 --resume
expect 2 "holds shard 0/2 of this sweep, not 1/2" "$DEMOB" sweep "$S" -o "$T/a0" --shard 1/2 --resume
[ ! -e "$T/a0/sweep.journal" ] || fail "a refused --resume left a journal"
rc=0
"$DEMOB" sweep "$S" -o "$T/u" --stop-after 7 --quiet 2>/dev/null || rc=$?
[ "$rc" = 1 ] || fail "--stop-after 7: exit $rc"
expect 2 "holds an unfinished sweep of another scenario, design or settings" \
    "$DEMOB" sweep "$S" -o "$T/u" --seed 99 --resume
expect 2 "holds an unfinished sweep" "$DEMOB" sweep "$T/other.lua" -o "$T/u" --resume
# the unfinished sweep is untouched and still resumes
"$DEMOB" sweep "$S" -o "$T/u" --resume --quiet || fail "resume after the refusals failed"
"$DEMOB" sweep "$S" -o "$T/whole" --quiet || fail "the whole sweep failed"
cmp -s "$T/u/summary.csv" "$T/whole/summary.csv" || fail "resumed summary differs"
finish
