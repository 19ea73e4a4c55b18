#!/bin/sh
# The shipped Slurm job scripts (contrib/slurm) on a real one-node Slurm
# cluster started here (tests/slurm/cluster.sh): an 8-task array sweep plus
# its merge job gives exactly the files of the sweep run in one process,
# also when a task is cancelled while it runs and resubmitted alone (it
# resumes from its journal), and when a finished task runs again (requeue:
# no duplicated rows). The merge job that ran while a shard was unfinished
# fails and names it. Skipped when Slurm is not installed, except in CI.
set -eu
LC_ALL=C
export LC_ALL
: "${DEMOB:?set DEMOB to the demob binary}"
. tests/cli/lib.sh
. tests/slurm/cluster.sh
die() { echo "FAIL: $*" >&2; exit 1; }

if ! command -v slurmctld >/dev/null 2>&1 || ! command -v slurmd >/dev/null 2>&1 ||
    ! command -v sbatch >/dev/null 2>&1 || ! command -v munged >/dev/null 2>&1; then
    [ "${CI:-}" != true ] || die "Slurm is not installed (make deps installs slurmctld slurmd slurm-client munge)"
    echo "test_slurm: skipped (Slurm not installed: make deps installs slurmctld slurmd slurm-client munge)"
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    [ "${CI:-}" != true ] || die "the one-node Slurm cluster needs root (SlurmUser=root)"
    echo "test_slurm: skipped (needs root to start slurmd)"
    exit 0
fi

# T: lib.sh's fresh temporary folder
cleanup() {
    # jobs of this private cluster only ($SLURM_CONF points at it)
    if [ -n "${SLURM_CONF:-}" ]; then scancel --quiet $(squeue -h -o %A 2>/dev/null) 2>/dev/null || true; fi
    slurm_stop
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
slurm_start "$T/slurm" || die "could not start the one-node Slurm cluster"

# wait_gone JOB...: until none of these jobs (or array tasks) is pending or running
wait_gone() {
    i=0
    while [ -n "$(squeue -h -j "$(echo "$*" | tr ' ' ,)" -o %i 2>/dev/null)" ]; do
        i=$((i + 1))
        [ $i -lt 1200 ] || die "jobs $* still queued after 120 s: $(squeue)"
        sleep 0.1
    done
}
state() { scontrol show job "$1" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | head -n 1; }

# A sweep slow enough (about a second per shard) to cancel a task mid-run.
S=$T/slow.lua
sed 's/steps = 12,/steps = 2400,/' tests/scenarios/sweep_small.lua > "$S"
set -- --replicates 3000 --save quantiles --every 400
"$DEMOB" sweep "$S" -o "$T/single" -j 2 --quiet "$@" || die "the one-process sweep failed"

OUT=$T/out
DEMOB=$DEMOB contrib/slurm/submit 8 "$S" "$OUT" "$@" > "$T/submit.out" || die "submit failed: $(cat "$T/submit.out")"
cat "$T/submit.out"
A=$(sed -n 's/^sweep: array job \([0-9]*\).*/\1/p' "$T/submit.out")
M1=$(sed -n 's/.*merge: job \([0-9]*\);.*/\1/p' "$T/submit.out")
[ -n "$A" ] && [ -n "$M1" ] || die "submit printed no job ids"

# Cancel task 3 as soon as its journal holds a run.
i=0
until [ -s "$OUT/shard-3/sweep.journal" ]; do
    i=$((i + 1))
    [ $i -lt 6000 ] || die "task 3 never started: $(squeue)"
    sleep 0.01
done
scancel "${A}_3"
wait_gone "$A" "$M1"
[ ! -e "$OUT/shard-3/manifest.json" ] || die "task 3 finished before it was cancelled (the test's sweep is too fast)"
[ "$(state "${A}_3")" = CANCELLED ] || die "task 3 is $(state "${A}_3"), expected CANCELLED"
# afterany ran the merge job anyway; demob merge refused the unfinished shard
[ "$(state "$M1")" = FAILED ] || die "the merge job after an unfinished shard is $(state "$M1"), expected FAILED"
grep -q "shard-3: an unfinished shard" "$OUT"/logs/merge-"$M1".log ||
    die "the failed merge's log does not name shard 3: $(cat "$OUT"/logs/merge-"$M1".log)"
[ ! -e "$OUT/merged/manifest.json" ] || die "a merge of an incomplete set left a finished folder"

# Task 0 runs a second time (as after a node failure): it finds its finished
# shard and leaves it; its log is appended to, not overwritten.
scontrol requeue "${A}_0" || die "scontrol requeue of a finished task failed"
# Task 3 resubmitted alone: SLURM_ARRAY_TASK_COUNT is 1 there, the script's
# --shard 3/8 decides; it resumes from the journal.
B=$(sbatch --parsable --array=3 --output="$OUT/logs/sweep-%A_%a.log" contrib/slurm/sweep.sbatch 8 "$S" "$OUT" "$@")
M2=$(sbatch --parsable --dependency="afterany:$A:$B" --output="$OUT/logs/merge-%j.log" \
    contrib/slurm/merge.sbatch "$OUT")
echo "requeued ${A}_0, resubmitted shard 3 as job ${B}, merge job $M2"
wait_gone "$A" "$B" "$M2"
[ "$(state "$M2")" = COMPLETED ] || die "the second merge job is $(state "$M2"): $(cat "$OUT"/logs/merge-"$M2".log)"
grep -q "resumed" "$OUT/logs/sweep-${B}_3.log" || die "the resubmitted task 3 did not resume: $(cat "$OUT/logs/sweep-${B}_3.log")"
[ "$(grep -c "Z shard 0/8 of" "$OUT/logs/sweep-${A}_0.log")" = 2 ] ||
    die "task 0's log should show two starts (requeue appends): $(cat "$OUT/logs/sweep-${A}_0.log")"
grep -q "already holds this finished sweep" "$OUT/logs/sweep-${A}_0.log" ||
    die "the requeued task 0 did not find its finished shard: $(cat "$OUT/logs/sweep-${A}_0.log")"
for f in points.csv quantiles.csv; do
    cmp -s "$T/single/$f" "$OUT/merged/$f" || die "merged $f differs from the one-process sweep's"
done
echo "test_slurm: ok"
