#!/bin/sh
# demob sweep with outcomes and tags: summary.csv gains outcome.<name>
# columns, quantiles.csv rows of origin "all", the manifest the origins
# and tags (kept by merge); demob summarize then reads tags and outcomes of a
# sweep (outcomes at the final step, from summary.csv), and the median it
# gives is the type-7 median of the runs' values computed here.
set -eu
LC_ALL=C
export LC_ALL
: "${DEMOB:?set DEMOB to the demob binary}"
. tests/cli/lib.sh   # T, fail, expect

cat > "$T/sw.lua" <<'EOF'
scenario { name = "sweep-out", steps = 12, unit = "month", start = "2021-01",
           mode = "stochastic", runs = 5, seed = 3,
           states = { "present", "registered", "gone" } }
origin { "Sudan", present = 500, tags = { "armed" } }
origin { "Chad", present = 200, tags = { "armed" } }
origin { "Syria", present = 300 }
param { "reg", 0.1, min = 0.05, max = 0.3 }
flow { from = "present", to = "registered", rate = param "reg" }
flow { from = "registered", to = "gone", rate = 0.5 }
outcome { "still_here", states = { "present", "registered" }, origins = { "armed" } }
outcome { "ever_gone", flow = "registered->gone", cumulative = true }
sweep { grid = { reg = { 0.05, 0.2 } }, replicates = 7 }
EOF
S="$T/sw"
"$DEMOB" sweep "$T/sw.lua" -o "$S" --save summary,quantiles,populations -q || fail "sweep: exit $?"
head -1 "$S/summary.csv" | grep -q ',outcome\.still_here,outcome\.ever_gone$' || fail "summary.csv: no outcome columns"
grep -q '^0,12,2022-01,all,still_here,' "$S/quantiles.csv" || fail "quantiles.csv: no outcome rows"
grep -qF '"tags": {"armed": ["Sudan", "Chad"]}' "$S/manifest.json" || fail "manifest: no tags"
grep -qF '"origins": ["Sudan", "Chad", "Syria"]' "$S/manifest.json" || fail "manifest: no origins"
# Shards merged keep the tags, in valid JSON.
for k in 0 1; do
    "$DEMOB" sweep "$T/sw.lua" -o "$T/sh$k" --shard $k/2 -q || fail "shard $k: exit $?"
done
"$DEMOB" merge -o "$T/merged" "$T/sh0" "$T/sh1" --quiet || fail "merge: exit $?"
python3 -c 'import json, sys; m = json.load(open(sys.argv[1]))
assert m["tags"] == {"armed": ["Sudan", "Chad"]} and m["origins"] == ["Sudan", "Chad", "Syria"], m' \
    "$T/merged/manifest.json" || fail "merged manifest: tags or origins lost"
# The quantiles' outcome row at the final step agrees with summary.csv.
mean_q=$(awk -F, '$1==0 && $2==12 && $4=="all" && $5=="still_here" {printf "%.6f", $6}' "$S/quantiles.csv")
mean_s=$(awk -F, 'NR==1 {for (i=1;i<=NF;i++) if ($i=="outcome.still_here") c=i; next}
                  $1==0 {s+=$c; n++} END {printf "%.6f", s/n}' "$S/summary.csv")
[ "$mean_q" = "$mean_s" ] || fail "quantiles.csv mean $mean_q, summary.csv mean $mean_s"

# --- summarize: a tag of a sweep
"$DEMOB" summarize "$S" --origin armed --state present --at 6,12 > "$T/tag.txt" || fail "summarize a tag: exit $?"
grep -q '^point 1 armed present' "$T/tag.txt" || fail "summarize a tag: $(cat "$T/tag.txt")"

# --- summarize: an outcome of a sweep, pooled, against a type-7 median of the runs
"$DEMOB" summarize "$S" --state still_here --at 12 --pool > "$T/out.txt" || fail "summarize an outcome: exit $?"
want=$(awk -F, 'NR==1 {for (i=1;i<=NF;i++) if ($i=="outcome.still_here") c=i; next} {print $c}' "$S/summary.csv" |
       sort -n | awk '{v[NR]=$1} END {h=(NR-1)*0.5+1; l=int(h); x=v[l]+(h-l)*(v[l+1]-v[l]); printf "%.0f", x}')
grep -q "^still_here *$want (" "$T/out.txt" || fail "summarize median is not $want: $(cat "$T/out.txt")"
expect 2 "holds outcomes only at the final step (t=12) in summary.csv" \
    "$DEMOB" summarize "$S" --state still_here --at 6

finish
