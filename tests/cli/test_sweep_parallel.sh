#!/bin/sh
# A sweep in 4 shards run by GNU parallel, merged with demob merge, gives
# exactly the files of the same sweep run in one piece; also with --sshlogin.
set -u
. tests/cli/lib.sh
S=tests/scenarios/sweep_small.lua
SAVE=summary,quantiles,populations,costs

command -v parallel >/dev/null 2>&1 ||
    { fail "GNU parallel is not installed (Debian package 'parallel'; make deps installs it)"; finish; }

export DEMOB S T SAVE
parallel --will-cite --halt now,fail=1 -j 4 \
    '"$DEMOB" sweep "$S" -o "$T/shard-{}" --shard {}/4 -j 1 --save "$SAVE" --quiet' ::: 0 1 2 3 ||
    fail "a shard failed under GNU parallel"
"$DEMOB" merge -o "$T/merged" "$T"/shard-* --quiet || fail "demob merge failed"
"$DEMOB" sweep "$S" -o "$T/single" --save "$SAVE" --quiet || fail "the single sweep failed"
for f in points.csv summary.csv quantiles.csv sensitivity.csv populations.csv; do
    [ -f "$T/single/$f" ] || { fail "single/$f is missing"; continue; }
    cmp -s "$T/single/$f" "$T/merged/$f" || fail "merged $f differs from the single sweep's"
done
# every point is in exactly one shard
n=0
for k in 0 1 2 3; do
    n=$((n + $(sed 1d "$T/shard-$k/points.csv" | wc -l)))
done
[ "$n" = 12 ] || fail "the 4 shards hold $n points, expected 12"
# The same over GNU parallel's --sshlogin, as across machines (':' is this
# machine, without ssh; docs/cluster.md shows the ssh form): each shard into
# its own folder, merged, identical.
parallel --will-cite --halt now,fail=1 --sshlogin 2/: \
    '"$DEMOB" sweep "$S" -o "$T/ssh-{}" --shard {}/3 -j 1 --save "$SAVE" --quiet' ::: 0 1 2 ||
    fail "a shard failed under parallel --sshlogin"
"$DEMOB" merge -o "$T/ssh-merged" "$T"/ssh-[0-9] --quiet || fail "demob merge of the --sshlogin shards failed"
for f in points.csv summary.csv quantiles.csv sensitivity.csv populations.csv; do
    cmp -s "$T/single/$f" "$T/ssh-merged/$f" || fail "--sshlogin: merged $f differs from the single sweep's"
done
finish
