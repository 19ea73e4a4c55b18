#!/bin/sh
# Every output file reads as it is in R (read.csv with its defaults) and
# pandas (read_csv with its defaults): the column names the file holds
# come back unchanged (summary.csv's names are made to survive R's
# check.names), text columns are text and every other column is numeric.
# Numbers are in their shortest round-trip form (0.05, not
# 0.050000000000000003) in the CSV files and in manifest.json, and a
# sampled caseload is the whole number the runs used.
# Needs r-base-core (Rscript) and python3-pandas.
set -eu
LC_ALL=C
export LC_ALL
: "${DEMOB:?set DEMOB to the demob binary}"
. tests/cli/lib.sh

# A Python that has pandas: python3 on PATH, else Debian's own.
py=""
for p in python3 /usr/bin/python3; do
    if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import pandas' 2>/dev/null; then py=$p; break; fi
done
[ -n "$py" ] || fail "no python3 with pandas (Debian package python3-pandas)"
command -v Rscript >/dev/null 2>&1 || fail "no Rscript (Debian package r-base-core)"

# Outputs of every kind: a deterministic run with fractional counts and
# odd names, a stochastic run with costs and budgets, a sweep with
# quantiles and sensitivity over a sampled caseload.
cat > "$T/odd.lua" <<'LUA'
scenario { name = "odd", steps = 4, unit = "month", start = "2021-01", states = { "present", "in camp", "home" } }
param { "rate", 0.05 }
param { "if", 0.3 }
origin { "Côte d'Ivoire, \"CI\"", present = 1000 }
origin { "2nd-origin", present = 7 }
flow { from = "present", to = "in camp", rate = param "rate" }
flow { name = "go home", from = "in camp", to = "home", rate = param "if" }
param { per_day = 0.1 }
cost { state = "in camp", per_person = param "per_day", category = "camp (per person)" }
LUA
"$DEMOB" run "$T/odd.lua" -o "$T/det" --quiet || fail "run odd.lua"
"$DEMOB" run scenarios/funding_gap.lua -o "$T/sto" --runs 3 --quiet || fail "run funding_gap.lua"
"$DEMOB" sweep scenarios/libya_2020.lua -o "$T/sw" --lhs sudan --lhs registration --samples 8 --replicates 2 \
    --steps 6 --save summary,quantiles,populations,flows --quiet || fail "sweep"

# The sampled caseload is the whole number used, in points.csv and summary.csv.
awk -F, 'NR > 1 && $2 != int($2) { bad = 1 } END { exit bad }' "$T/sw/points.csv" \
    || fail "points.csv: a sampled caseload that is not a whole number: $(sed -n 2p "$T/sw/points.csv")"
# Shortest forms: the params as declared, in the manifest and in summary.csv.
grep -qF '"rate": 0.05,' "$T/det/manifest.json" || fail "manifest: 0.05 not in its shortest form"
grep -qF 'flow' "$T/det/flows.csv" || fail "flows.csv has no flow column"
grep -q '^1,1,2021-02,2nd-origin,go home,in camp,home,' "$T/det/flows.csv" || fail "flows.csv: the flow's name"
grep -q '^1,1,2021-02,2nd-origin,present->in camp,present,in camp,' "$T/det/flows.csv" \
    || fail "flows.csv: an unnamed flow is named from->to"

files=$(cd "$T" && find det sto sw -name '*.csv' | LC_ALL=C sort)
[ "$(echo "$files" | wc -l)" -ge 11 ] || fail "expected at least 11 CSV files, found: $files"
TEXT="date origin state flow from to category budget outcome param note constraint name"

Rscript - "$T" "$TEXT" $files > "$T/r.out" 2>&1 <<'R' || fail "R: $(tail -5 "$T/r.out")"
args <- commandArgs(trailingOnly = TRUE)
dir <- args[1]; text <- strsplit(args[2], " ")[[1]]; bad <- 0
for (f in args[-(1:2)]) {
  p <- file.path(dir, f)
  d <- read.csv(p)                            # R's defaults, check.names = TRUE
  raw <- read.csv(p, check.names = FALSE, nrows = 1)
  if (!identical(names(d), names(raw))) {
    cat(f, ": read.csv renamed columns:", setdiff(names(raw), names(d)), "\n"); bad <- bad + 1
  }
  for (col in names(raw)) {
    v <- d[[make.names(col)]]
    want_text <- col %in% text
    if (want_text && !(is.character(v) || all(is.na(v)))) {
      cat(f, ":", col, "should be text, is", class(v), "\n"); bad <- bad + 1
    }
    if (!want_text && !is.numeric(v) && !all(is.na(v))) {
      cat(f, ":", col, "should be numeric, is", class(v), "\n"); bad <- bad + 1
    }
  }
  cat(f, ":", nrow(d), "rows,", ncol(d), "columns\n")
}
if (bad > 0) quit(status = 1)
R
grep -q 'det/summary.csv : 1 rows' "$T/r.out" || fail "R did not read det/summary.csv: $(cat "$T/r.out")"

"$py" - "$T" "$TEXT" $files > "$T/py.out" 2>&1 <<'PY' || fail "pandas: $(tail -5 "$T/py.out")"
import csv, json, os, re, sys
import pandas as pd
from pandas.api.types import is_numeric_dtype
d, text, bad = sys.argv[1], set(sys.argv[2].split()), 0
def shortest(cell):
    """A number cell is the shortest text that reads back as its value."""
    try:
        x = float(cell)
    except ValueError:
        return True
    if x != x or x in (float('inf'), float('-inf')) or re.fullmatch(r'-?\d+', cell):
        return True
    return len(cell.lstrip('-')) <= len(repr(x).lstrip('-'))
for f in sys.argv[3:]:
    p = os.path.join(d, f)
    df = pd.read_csv(p)
    with open(p, newline='', encoding='utf-8') as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    if list(df.columns) != header:
        print(f, 'pandas renamed columns', [c for c in header if c not in df.columns]); bad += 1
    for c in header:
        if c in text:
            if not (df[c].dtype == object or df[c].isna().all()):
                print(f, c, 'should be text, is', df[c].dtype); bad += 1
        elif not is_numeric_dtype(df[c]):
            print(f, c, 'should be numeric, is', df[c].dtype); bad += 1
    for r in rows[1:]:
        for cell, c in zip(r, header):
            if c not in text and not shortest(cell):
                print(f, c, 'not in its shortest form:', cell); bad += 1
                break
    print(f, len(df), 'rows')
for m in ('det', 'sto', 'sw'):
    man = open(os.path.join(d, m, 'manifest.json')).read()
    json.loads(man)
    for num in re.findall(r'(?<=[:\[ ])-?\d+\.\d+(?:e[-+]?\d+)?', man):
        if not shortest(num):
            print(m, 'manifest number not shortest:', num); bad += 1
sys.exit(1 if bad else 0)
PY
grep -q 'det/summary.csv 1 rows' "$T/py.out" || fail "pandas did not read det/summary.csv: $(cat "$T/py.out")"
# summary.csv's names as written: safe for R and pandas
head -1 "$T/det/summary.csv" | grep -qF 'run,rate,if_,per_day,final.present,final.in_camp,final.home,final.C_te_d_Ivoire___CI_.present' \
    || fail "summary.csv names: $(head -1 "$T/det/summary.csv")"
head -1 "$T/det/summary.csv" | grep -qF 'final.2nd_origin.present' || fail "an origin that starts with a digit"
head -1 "$T/det/summary.csv" | grep -qF 'flow.present_to_in_camp,flow.go_home' || fail "flow names in summary.csv"
finish
