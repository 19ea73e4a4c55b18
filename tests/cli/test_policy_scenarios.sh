#!/bin/sh
# The policy example scenarios do what they claim, checked on their output.
set -u
. tests/cli/lib.sh

# return_agreements: Sudan never repatriates; Chad only from month 6.
"$DEMOB" run scenarios/return_agreements.lua --runs 20 -o "$T/ra" --quiet || fail "return_agreements"
awk -F, 'NR > 1 && $4 == "Sudan" && $7 == "repatriated" && $8 != 0 { bad = 1 }
         NR > 1 && $4 == "Chad" && $7 == "repatriated" && $2 < 6 && $8 != 0 { bad = 1 }
         NR > 1 && $4 == "Chad" && $7 == "repatriated" && $2 >= 6 { chad += $8 }
         END { exit bad || chad == 0 }' "$T/ra/flows.csv" || fail "return agreements not respected"
awk -F, 'NR > 1 && $2 == 24 && $4 == "Sudan" && $5 == "stranded" && $6 > 0 { n++ } END { exit n != 20 }' \
    "$T/ra/populations.csv" || fail "Sudanese fighters should be stranded at the end of every run"

# cantonment_limits: occupancy never passes the ceilings; nobody leaves a site
# within three steps of the first entries (registered at step 1, in a site at
# step 2, so the first can leave at step 5).
"$DEMOB" run scenarios/cantonment_limits.lua -o "$T/cl" --quiet || fail "cantonment_limits"
awk -F, 'NR > 1 { occ[$2 "," $5] += $6 }
         END { for (k in occ) { split(k, a, ","); if ((a[2] == "site_a" && occ[k] > 2000 + 1e-6) || (a[2] == "site_b" && occ[k] > 800 + 1e-6)) exit 1 } }' \
    "$T/cl/populations.csv" || fail "a site passed its ceiling"
awk -F, 'NR > 1 && ($6 == "site_a" || $6 == "site_b") && $2 <= 4 && $8 != 0 { bad = 1 } END { exit bad }' \
    "$T/cl/flows.csv" || fail "people left a site before their three months"
awk -F, 'NR > 1 && $6 == "site_a" && $2 == 5 && $8 > 0 { ok = 1 } END { exit !ok }' \
    "$T/cl/flows.csv" || fail "nobody left site A at step 5"

# funding_gap: spending never exceeds what was received; a gap appears before
# the first tranche.
"$DEMOB" run scenarios/funding_gap.lua --runs 10 -o "$T/fg" --quiet || fail "funding_gap"
awk -F, 'NR > 1 && $5 < -1e-6 { bad = 1 } NR > 1 && $2 < 9 && $7 > 0 { gap = 1 } END { exit bad || !gap }' \
    "$T/fg/budgets.csv" || fail "budget went negative or no gap before month 9"
awk -F, 'NR > 1 { spent[$1] += $6 } END { for (r in spent) if (spent[r] > 10e6 + 1e-6) exit 1 }' \
    "$T/fg/budgets.csv" || fail "a run spent more than the 10 million received"

# synchronized_withdrawal: per step, each side's departures <= 1.5 x the other's.
"$DEMOB" run scenarios/synchronized_withdrawal.lua --runs 10 -o "$T/sw" --quiet || fail "synchronized_withdrawal"
awk -F, 'NR > 1 && $6 == "demobilized" && $7 == "repatriated" {
             k = $1 "," $2; if ($4 == "Syria-GNA") g[k] += $8; else l[k] += $8; keys[k] = 1 }
         END { for (k in keys) if (l[k] > 1.5 * g[k] + 1e-9 || g[k] > 1.5 * l[k] + 1e-9) exit 1 }' \
    "$T/sw/flows.csv" || fail "departures not synchronised"
finish
