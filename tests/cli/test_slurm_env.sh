#!/bin/sh
# The shard from the Slurm array variables, on bad input (exit 2, a message
# naming the variable, nothing written): a task id without a count, an array
# not 0..N-1 (a resubmitted task counts only itself, so it must never run as
# the wrong shard), --shard against the task id. And demob merge refusing
# shards of another seed or an unfinished shard, naming it. No Slurm needed.
set -eu
LC_ALL=C
export LC_ALL
: "${DEMOB:?set DEMOB to the demob binary}"
. tests/cli/lib.sh
S=tests/scenarios/sweep_small.lua
unset SLURM_ARRAY_TASK_ID SLURM_ARRAY_TASK_COUNT SLURM_ARRAY_TASK_MIN SLURM_ARRAY_TASK_MAX 2>/dev/null || true

sw() { env "$@" "$DEMOB" sweep "$S" -o "$T/o" --quiet; }
expect 2 "SLURM_ARRAY_TASK_ID=2 is set without SLURM_ARRAY_TASK_COUNT" sw SLURM_ARRAY_TASK_ID=2
expect 2 "SLURM_ARRAY_TASK_MIN=1: the array must start at 0" \
    sw SLURM_ARRAY_TASK_ID=2 SLURM_ARRAY_TASK_COUNT=4 SLURM_ARRAY_TASK_MIN=1 SLURM_ARRAY_TASK_MAX=4
# sbatch --array=5 (one task resubmitted): COUNT=1, MIN=MAX=5
expect 2 "SLURM_ARRAY_TASK_MIN=5: the array must start at 0" \
    sw SLURM_ARRAY_TASK_ID=5 SLURM_ARRAY_TASK_COUNT=1 SLURM_ARRAY_TASK_MIN=5 SLURM_ARRAY_TASK_MAX=5
expect 2 "give --shard 5/N explicitly" sw SLURM_ARRAY_TASK_ID=5 SLURM_ARRAY_TASK_COUNT=1
# sbatch --array=0 (task 0 resubmitted) looks like a one-task array: refused too
expect 2 "SLURM_ARRAY_TASK_COUNT=1, SLURM_ARRAY_TASK_MAX=0: not a whole array 0..N-1" \
    sw SLURM_ARRAY_TASK_ID=0 SLURM_ARRAY_TASK_COUNT=1 SLURM_ARRAY_TASK_MIN=0 SLURM_ARRAY_TASK_MAX=0
# sbatch --array=0,5: two tasks, MAX 5
expect 2 "SLURM_ARRAY_TASK_COUNT=2, SLURM_ARRAY_TASK_MAX=5: not a whole array" \
    sw SLURM_ARRAY_TASK_ID=0 SLURM_ARRAY_TASK_COUNT=2 SLURM_ARRAY_TASK_MIN=0 SLURM_ARRAY_TASK_MAX=5
expect 2 "--shard 2/4 conflicts with SLURM_ARRAY_TASK_ID=1" \
    env SLURM_ARRAY_TASK_ID=1 SLURM_ARRAY_TASK_COUNT=4 "$DEMOB" sweep "$S" -o "$T/o" --shard 2/4
expect 2 "SLURM_ARRAY_TASK_COUNT: '' is not" sw SLURM_ARRAY_TASK_ID=1 SLURM_ARRAY_TASK_COUNT=
[ ! -e "$T/o" ] || fail "a refused sweep wrote $T/o"

# The resubmitted task with the explicit shard (what contrib/slurm/sweep.sbatch
# does) runs exactly shard 5/8, as the same shard run without Slurm.
env SLURM_ARRAY_TASK_ID=5 SLURM_ARRAY_TASK_COUNT=1 SLURM_ARRAY_TASK_MIN=5 SLURM_ARRAY_TASK_MAX=5 \
    "$DEMOB" sweep "$S" -o "$T/r5" --shard 5/8 --quiet || fail "explicit --shard 5/8 in a resubmitted task"
"$DEMOB" sweep "$S" -o "$T/p5" --shard 5/8 --quiet
cmp -s "$T/r5/points.csv" "$T/p5/points.csv" || fail "the resubmitted task ran another slice than shard 5/8"
# A whole array 0..N-1 still gives the shard.
env SLURM_ARRAY_TASK_ID=1 SLURM_ARRAY_TASK_COUNT=2 SLURM_ARRAY_TASK_MIN=0 SLURM_ARRAY_TASK_MAX=1 \
    "$DEMOB" sweep "$S" -o "$T/a1" --quiet || fail "task 1 of a whole array 0-1"
grep -q '"shard": "1/2"' "$T/a1/manifest.json" || fail "task 1 of array 0-1 is not shard 1/2"

# merge: shards of another seed (a sampled design differs with it); an unfinished shard is named
"$DEMOB" sweep "$S" -o "$T/a0" --shard 0/2 --quiet
"$DEMOB" sweep "$S" -o "$T/s1" --shard 1/2 --seed 99 --quiet
expect 2 "come from different designs" "$DEMOB" merge -o "$T/m" "$T/a0" "$T/s1"
# a grid design does not depend on the seed: the sweep id still differs
"$DEMOB" sweep "$S" -o "$T/g0" --shard 0/2 --grid flights=20,40 --quiet
"$DEMOB" sweep "$S" -o "$T/g1" --shard 1/2 --grid flights=20,40 --seed 99 --quiet
expect 2 "come from different sweeps (same scenario and design, other settings: seed" \
    "$DEMOB" merge -o "$T/m" "$T/g0" "$T/g1"
expect 1 "--resume" "$DEMOB" sweep "$S" -o "$T/u1" --shard 1/2 --stop-after 3
expect 2 "$T/u1: an unfinished shard" "$DEMOB" merge -o "$T/m" "$T/a0" "$T/u1"
[ ! -e "$T/m/manifest.json" ] || fail "a refused merge left a finished folder"
"$DEMOB" merge -o "$T/m" "$T/a0" "$T/a1" --quiet || fail "the good merge failed"
finish
