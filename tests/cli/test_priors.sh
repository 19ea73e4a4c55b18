#!/bin/sh
# Params with declared distributions (priors): a sweep samples a bare param
# name from its prior; impossible priors stop the script at their line.
set -u
. tests/cli/lib.sh
S=tests/scenarios/priors.lua

"$DEMOB" sweep "$S" -o "$T/o" --quiet || fail "sweep over priors failed"
# Every point lies in its prior's support; the discrete prior has one value.
awk -F, 'NR > 1 && ($2 < 0.05 || $2 > 0.6 || $3 < 0 || $3 > 0.5 || $4 < 0.1 || $4 > 0.5 || $5 != 2 ||
         $6 < 0 || $6 > 1 || $7 < 0.5 || $7 > 2) { print "out of support: " $0; bad = 1 } END { exit bad }' \
    "$T/o/points.csv" || fail "a sampled point lies outside its prior"
# The beta(2, 8) prior pulls r low: its mean over 40 strata is near
# 0.2 (truncated to [0.05, 0.6]), far from the uniform's 0.325.
awk -F, 'NR > 1 { s += $2; n++ } END { m = s / n; if (m < 0.17 || m > 0.24) { print "mean r " m; exit 1 } }' \
    "$T/o/points.csv" || fail "the beta prior is not what lhs samples"
# A param without dist: uniform on [min, max], as --lhs u=min:max gives.
"$DEMOB" sweep "$S" -o "$T/p" --lhs u --samples 7 --quiet || fail "--lhs u failed"
"$DEMOB" sweep "$S" -o "$T/q" --lhs u=0.1:0.5 --samples 7 --quiet || fail "--lhs u=0.1:0.5 failed"
cmp -s "$T/p/points.csv" "$T/q/points.csv" || fail "an undeclared dist is not uniform on [min, max]"
# --lhs NAME takes the declared prior too.
"$DEMOB" sweep "$S" -o "$T/r" --lhs r --samples 7 --quiet || fail "--lhs r failed"
"$DEMOB" sweep "$S" -o "$T/s" --lhs r=beta:2:8:0.05:0.6 --samples 7 --quiet || fail "--lhs r=beta:... failed"
cmp -s "$T/r/points.csv" "$T/s/points.csv" || fail "--lhs r does not sample the declared beta prior"

# Impossible priors: exit 2 at the declaring line.
bad() { # LINE-REPLACEMENT MESSAGE
    printf '%s\n' "scenario { name = \"b\", steps = 2, states = { \"a\", \"b\" } }" 'origin { "X", a = 1 }' "$1" > "$T/bad.lua"
    expect 2 "bad.lua:3: param: 'x': " "$DEMOB" check "$T/bad.lua"
    expect 2 "$2" "$DEMOB" check "$T/bad.lua"
}
bad 'param { "x", 0.1, min = 0, max = 1, dist = "normal", mean = 0.1, sd = -1 }' "sd must be a finite number > 0"
bad 'param { "x", 0.1, min = 0, max = 1, dist = "normal", mean = 0.1 }' "a normal prior needs sd ="
bad 'param { "x", 0.1, min = 0, max = 1, dist = "beta", alpha = 0, beta = 2 }' "alpha and beta must be finite numbers > 0"
bad 'param { "x", 0.1, min = 2, max = 3, dist = "beta", alpha = 1, beta = 2 }' "default 0.1 is outside"
bad 'param { "x", 2, min = 1.5, max = 3, dist = "beta", alpha = 1, beta = 2 }' "a beta lies in [0, 1]"
bad 'param { "x", 0.1, min = 0, max = 1, dist = "gamma" }' "unknown dist 'gamma'"
bad 'param { "x", 0.1, min = 0, max = 1, mean = 0.2 }' "mean = belongs to another dist than uniform (give dist =)"
bad 'param { "x", 0.1, min = 0, max = 1, dist = "normal", mean = 0.1, sd = 0.1, alpha = 2 }' "alpha = belongs to another dist than normal"
bad 'param { "x", 0.1, dist = "triangular" }' "a triangular prior needs min = and max ="
bad 'param { "x", 0.1, min = 0, max = 1, dist = "triangular", mode = 2 }' "mode 2 is outside [min, max]"
bad 'param { "x", 1, min = 0, max = 3, dist = "discrete", values = { 1, 5 } }' "value 5 is outside [min, max]"
bad 'param { "x", 1, dist = "discrete", values = { 1, 2 }, weights = { 1 } }' "weights has 1 entries for 2 values"
bad 'param { "x", 1, dist = "discrete", values = { 1, 2 }, weights = { 0, 0 } }' "the weights add up to 0"
bad 'param { "x", 7, dist = "discrete", values = { 1, 2 } }' "default 7 has no prior density under the discrete prior (it is not one of its values"
bad 'param { "x", 1.5, min = 0, max = 3, dist = "discrete", values = { 1, 2 } }' "default 1.5 has no prior density"
bad 'param { "x", 1, dist = "discrete", values = { 1, 2 }, weights = { 0, 1 } }' "default 1 has no prior density"
bad 'param { "x", 0, min = 0, max = 1, dist = "lognormal", mu = 0, sigma = 1 }' "default 0 has no prior density"
bad 'param { "x", -1, dist = "lognormal", mu = 0, sigma = 1 }' "default -1 has no prior density"
bad 'param { "x", 0.5, min = 0, max = 1, dist = "normal", mean = 50, sd = 0.001 }' "has (numerically) no probability"
finish
