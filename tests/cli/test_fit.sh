#!/bin/sh
# demob fit: the trust tests (mle = grid search, a known beta posterior,
# parameter recovery from simulated data, the same files for any -j) and
# bad input (exit 2, a message naming the file, line, series or option).
set -u
. tests/cli/lib.sh
S=tests/scenarios

# --- mle equals a fine grid search of the same likelihood (Poisson counts
# of movers in steps 1 and 2: 1000 r and 1000 (1 - r) r).
"$DEMOB" fit "$S/fit_two_steps.lua" --params r -o "$T/two" -q || fail "mle of fit_two_steps failed"
grid=$(awk 'BEGIN { best = -1e300; for (i = 0; i <= 980000; i++) { r = 0.01 + i * 1e-6; p1 = 1000 * r;
  p2 = 1000 * (1 - r) * r; l = 130 * log(p1) - p1 + 118 * log(p2) - p2; if (l > best) { best = l; br = r } }
  print br }')
awk -F, -v g="$grid" 'NR == 2 { d = $2 - g; if (d < 0) d = -d; if (d > 2e-6) { print "mle " $2 " grid " g; exit 1 } }' \
    "$T/two/estimates.csv" || fail "the mle is not the grid search's maximum ($grid)"
grep -q '^moved,X,2,2021-03,118,' "$T/two/fitted.csv" || fail "fitted.csv lacks the second observation"
# mle's range is the Poisson 95% range around the prediction (scipy:
# poisson.ppf(0.025/0.975, 132.555) = 110, 156; for 114.984: 94, 136)
grep -q '^moved,X,1,2021-02,130,132.55[0-9]*,110,156$' "$T/two/fitted.csv" ||
    fail "mle's range is not Poisson's around the prediction: $(sed -n 2p "$T/two/fitted.csv")"
grep -q '^moved,X,2,2021-03,118,114.98[0-9]*,94,136$' "$T/two/fitted.csv" ||
    fail "mle's range is not Poisson's around the prediction: $(sed -n 3p "$T/two/fitted.csv")"

# --- the binomial count with a beta(2, 3) prior: the mle is 37/100, the
# posterior beta(39, 66): quantiles 0.2819748, 0.3706093, 0.4655227 (scipy).
"$DEMOB" fit "$S/fit_beta.lua" --params r -o "$T/bm" -q || fail "mle of fit_beta failed"
awk -F, 'NR == 2 && ($2 < 0.369999 || $2 > 0.370001) { print "mle " $2; exit 1 }' "$T/bm/estimates.csv" ||
    fail "the binomial mle is not 0.37"
"$DEMOB" fit "$S/fit_beta.lua" --params r --method mcmc --iterations 20000 -o "$T/b1" -j 1 -q ||
    fail "mcmc of fit_beta failed"
awk -F, 'NR == 2 { bad = ($4 < 0.2770 || $4 > 0.2870 || $5 < 0.3656 || $5 > 0.3756 || $6 < 0.4605 || $6 > 0.4705 ||
                         $7 > 1.01 || $8 < 4000); if (bad) { print; exit 1 } }' "$T/b1/estimates.csv" ||
    fail "mcmc quantiles differ from beta(39, 66): $(sed -n 2p "$T/b1/estimates.csv")"
head -1 "$T/b1/posterior.csv" | grep -qx 'chain,iteration,r,log_likelihood,log_prior' || fail "posterior.csv header"
[ "$(wc -l < "$T/b1/posterior.csv")" = 40001 ] || fail "posterior.csv: 4 chains x 10000 kept draws expected"
# The same files for any -j.
"$DEMOB" fit "$S/fit_beta.lua" --params r --method mcmc --iterations 20000 -o "$T/b2" -j 2 -q || fail "mcmc -j 2 failed"
for f in estimates.csv posterior.csv fitted.csv; do
    cmp -s "$T/b1/$f" "$T/b2/$f" || fail "$f differs between -j 1 and -j 2"
done
"$DEMOB" fit "$S/fit_two_steps.lua" --params r -o "$T/two2" -q -j 2 || fail "mle -j 2 failed"
cmp -s "$T/two/estimates.csv" "$T/two2/estimates.csv" || fail "mle estimates differ between -j 1 and -j 2"
grep -q '"sha256": "' "$T/two/manifest.json" || fail "the manifest lacks the data files' SHA-256"
# A short chain warns.
expect 0 "R-hat" "$DEMOB" fit "$S/fit_beta.lua" --params r --method mcmc --iterations 40 --chains 2 -o "$T/short"

# --- pmcmc on the stochastic model: the binomial count of movers X ~
# Bin(100, r) is itself observed through a binomial(100, X / 100), so the
# posterior is wider than beta(39, 66); its quantiles by numerical
# integration (sum over X, scipy): 0.250345, 0.371415, 0.503060.
"$DEMOB" fit "$S/fit_beta.lua" --params r --method pmcmc --particles 40 --iterations 12000 -o "$T/pm1" -j 1 -q ||
    fail "pmcmc of fit_beta failed"
awk -F, 'NR == 2 { bad = ($4 < 0.2404 || $4 > 0.2604 || $5 < 0.3614 || $5 > 0.3814 || $6 < 0.4931 || $6 > 0.5131 ||
                         $7 > 1.01); if (bad) { print; exit 1 } }' "$T/pm1/estimates.csv" ||
    fail "pmcmc quantiles differ from the exact posterior: $(sed -n 2p "$T/pm1/estimates.csv")"
"$DEMOB" fit "$S/fit_beta.lua" --params r --method pmcmc --particles 40 --iterations 2000 -o "$T/pm2" -j 1 -q &&
"$DEMOB" fit "$S/fit_beta.lua" --params r --method pmcmc --particles 40 --iterations 2000 -o "$T/pm3" -j 2 -q ||
    fail "short pmcmc failed"
cmp -s "$T/pm2/posterior.csv" "$T/pm3/posterior.csv" || fail "pmcmc posterior.csv differs between -j 1 and -j 2"
# fitted.csv filters only the thinned draws that differ from the one
# before (a repeated draw reuses its prediction): the same file on any -j,
# and the chain did repeat draws.
cmp -s "$T/pm2/fitted.csv" "$T/pm3/fitted.csv" || fail "pmcmc fitted.csv differs between -j 1 and -j 2"
awk -F, 'NR > 2 && $3 == last { r++ } { last = $3 } END { exit !(r > 0) }' "$T/pm2/posterior.csv" ||
    fail "pmcmc's chain repeated no draw: fitted.csv's reuse of predictions is not exercised"
# The same model with a capacity that never binds is stepped as whole runs
# (a demob_sim per particle) instead of lean (counts and a stream): the
# same draws, so the same files; the manifest says which path ran.
grep -q '"particle_filter": "lean"' "$T/pm2/manifest.json" || fail "pmcmc of a plain model did not step lean"
mkdir -p "$T/cap/data" && cp "$S/data/fit_beta.csv" "$T/cap/data/" &&
    { cat "$S/fit_beta.lua"; echo 'capacity { "never", per_step = 1e9 }'; } |
    sed 's/flow { from = "a", to = "b", rate = param "r" }/flow { from = "a", to = "b", rate = param "r", capacity = "never" }/' \
    > "$T/cap/fit_beta.lua"
grep -q 'capacity = "never"' "$T/cap/fit_beta.lua" || fail "test set-up: the capacity was not added"
"$DEMOB" fit "$T/cap/fit_beta.lua" --params r --method pmcmc --particles 40 --iterations 2000 -o "$T/pm2c" -j 1 -q ||
    fail "pmcmc with a capacity failed"
grep -q '"particle_filter": "whole runs: it has' "$T/pm2c/manifest.json" ||
    fail "pmcmc with a capacity did not step whole runs: $(grep -o '"particle_filter": "[^"]*"' "$T/pm2c/manifest.json")"
for f in estimates.csv posterior.csv fitted.csv; do
    cmp -s "$T/pm2/$f" "$T/pm2c/$f" || fail "pmcmc $f differs between the lean and the whole-run filter"
done
# A filter of one particle dies whenever the binomial count passes its 112
# trials: a thinned draw's prediction must not depend on which worker ran
# it (it is the draw's run at index 1, or at the next index that survives).
mkdir -p "$T/st/data" && printf 'step,count\n1,100\n' > "$T/st/data/b.csv" &&
    printf 'step,count\n3,150\n' > "$T/st/data/c.csv" && printf 'step,count\n20000,0\n' > "$T/st/data/a.csv" &&
    cat > "$T/st/stale.lua" <<'EOF2'
scenario { name = "dying filters", steps = 20000, unit = "month", start = "2021-01", mode = "stochastic",
           states = { "a", "b", "c" }, seed = 4 }
origin { "X", a = 1000 }
param { "r", 0.1, min = 0.01, max = 0.5 }
flow { from = "a", to = "b", rate = param "r" }
flow { from = "b", to = "c", rate = 0.5 }
observe { "b", file = "data/b.csv", state = "b", likelihood = "binomial", trials = 112 }
observe { "c", file = "data/c.csv", state = "c" }
observe { "a", file = "data/a.csv", state = "a", likelihood = "normal", sd = 1e6 }
EOF2
for j in 1 2; do
    "$DEMOB" fit "$T/st/stale.lua" --params r --method pmcmc --particles 1 --iterations 400 --chains 2 -q -j $j \
        -o "$T/st$j" || fail "pmcmc with dying filters failed (-j $j)"
done
cmp -s "$T/st1/fitted.csv" "$T/st2/fitted.csv" || fail "fitted.csv depends on -j when filters die"
expect 2 "--particles 0: pmcmc needs at least 1 particle" "$DEMOB" fit "$S/fit_beta.lua" --params r --method pmcmc --particles 0 -o "$T/pm4"
mkdir -p "$T/hk/data" && cp "$S/data/fit_beta.csv" "$T/hk/data/" &&
    { cat "$S/fit_beta.lua"; echo 'on_step(function(sim, t) end)'; } > "$T/hk/hooked.lua"
expect 2 "pmcmc cannot resample runs whose Lua hooks" "$DEMOB" fit "$T/hk/hooked.lua" --params r --method pmcmc -o "$T/pm5"
"$DEMOB" fit "$T/hk/hooked.lua" --params r -o "$T/pm6" -q || fail "mle of a scenario with a hook failed"

# --- forecasts from the posterior: posterior.csv is a points file; run
# --posterior draws one row per run, the same for any -j.
"$DEMOB" sweep "$S/fit_beta.lua" --points "$T/b1/posterior.csv" -o "$T/sw" -q || fail "sweep --points posterior.csv failed"
[ "$(wc -l < "$T/sw/points.csv")" = 40001 ] || fail "the sweep over posterior.csv lacks points"
"$DEMOB" run "$S/fit_beta.lua" --posterior "$T/b1/posterior.csv" --mode stochastic --runs 50 -o "$T/p1" -q -j 1 ||
    fail "run --posterior failed"
"$DEMOB" run "$S/fit_beta.lua" --posterior "$T/b1/posterior.csv" --mode stochastic --runs 50 -o "$T/p2" -q -j 2 ||
    fail "run --posterior -j 2 failed"
cmp -s "$T/p1/summary.csv" "$T/p2/summary.csv" || fail "run --posterior differs between -j 1 and -j 2"
grep -q '"uncertainty": "posterior"' "$T/p1/manifest.json" || fail "the manifest does not say posterior"
grep -q 'Range includes: chance and the posterior' "$T/p1/manifest.json" || fail "the manifest's range does not name the posterior"
# Every run's r is a row of the posterior, and they are not all the same.
cut -d, -f3 "$T/b1/posterior.csv" | sort -u > "$T/rows.txt"
awk -F, 'NR > 1 { print $2 }' "$T/p1/summary.csv" | sort -u > "$T/drawn.txt"
[ "$(comm -23 "$T/drawn.txt" "$T/rows.txt" | wc -l)" = 0 ] || fail "run --posterior used a value not in the file"
[ "$(wc -l < "$T/drawn.txt")" -gt 40 ] || fail "run --posterior drew few distinct rows"
printf 'chain,iteration,bogus\n1,1,0.5\n' > "$T/badpost.csv"
expect 2 "column 'bogus' is not a param" "$DEMOB" run "$S/fit_beta.lua" --posterior "$T/badpost.csv" --mode stochastic -o "$T/p3" -q
printf 'r\n1.5\n' > "$T/badpost.csv"
expect 2 "--posterior $T/badpost.csv: row 2:" "$DEMOB" run "$S/fit_beta.lua" --posterior "$T/badpost.csv" --mode stochastic -o "$T/p3" -q

# --- parameter recovery: data simulated in stochastic mode at r_in = 0.08,
# r_out = 0.25; the 95% intervals contain them.
mkdir -p "$T/rec/data"
cp "$S/fit_recover.lua" "$T/rec/"
printf 'step,count\n1,0\n' > "$T/rec/data/recover_in.csv"
cp "$T/rec/data/recover_in.csv" "$T/rec/data/recover_out.csv"
"$DEMOB" run "$T/rec/fit_recover.lua" --mode stochastic --runs 1 --seed 3 -o "$T/rec/sim" -q || fail "simulating failed"
{ echo step,count; awk -F, 'NR > 1 && $6 == "a" { print $2 "," $8 }' "$T/rec/sim/flows.csv"; } > "$T/rec/data/recover_in.csv"
{ echo step,count; awk -F, 'NR > 1 && $6 == "b" { print $2 "," $8 }' "$T/rec/sim/flows.csv"; } > "$T/rec/data/recover_out.csv"
"$DEMOB" fit "$T/rec/fit_recover.lua" --params r_in,r_out -o "$T/rec/fit" -q || fail "fitting simulated data failed"
awk -F, 'NR > 1 { t = 0.25; if ($1 == "r_in") t = 0.08; if (t < $4 || t > $6) { print "not covered: " $0; bad = 1 } }
    END { exit bad }' "$T/rec/fit/estimates.csv" || fail "a 95% interval misses the true value"

# --- bad input
obs() { # OBSERVE-LINE DATA MESSAGE [fit args]
    mkdir -p "$T/bad/data"
    printf '%s\n' 'scenario { name = "b", steps = 3, start = "2021-01", states = { "a", "b" } }' \
        'origin { "X", a = 100, tags = { "t1" } }' 'param { "r", 0.2, min = 0, max = 1 }' \
        'flow { from = "a", to = "b", rate = param "r" }' "$1" > "$T/bad/s.lua"
    printf "$2" > "$T/bad/data/d.csv"
    msg=$3
    shift 3
    [ $# -gt 0 ] || set -- --params r
    expect 2 "$msg" "$DEMOB" fit "$T/bad/s.lua" -o "$T/bad/out" -q "$@"
    [ ! -e "$T/bad/out/estimates.csv" ] || fail "estimates.csv written despite bad input ($msg)"
}
obs 'observe { "o", file = "data/d.csv", state = "nowhere" }' 'step,count\n1,5\n' "s.lua:5: observe: unknown state 'nowhere'"
obs 'observe { "o", file = "data/d.csv", flow = "b->a" }' 'step,count\n1,5\n' "s.lua:5: observe: unknown flow 'b->a'"
obs 'observe { "o", file = "data/d.csv", state = "b" }' 'step,origin,count\n1,Mars,5\n' "d.csv:2:3: observe 'o': unknown origin or tag 'Mars'"
obs 'observe { "o", file = "data/d.csv", state = "b", origins = { "t2" } }' 'step,count\n1,5\n' "unknown origin or tag 't2'"
obs 'observe { "o", file = "data/d.csv", state = "b" }' 'step,count\n9,5\n' "d.csv:2:1: observe 'o': step 9 is outside the run (0..3)"
obs 'observe { "o", file = "data/d.csv", state = "b" }' 'date,count\n2023-01,5\n' "d.csv:2:1: observe 'o':"
obs 'observe { "o", file = "data/d.csv", state = "b" }' 'step,count\n1,-5\n' "d.csv:2:3: observe 'o': count -5 is negative"
obs 'observe { "o", file = "data/d.csv", state = "b" }' 'step,count\n1,many\n' "d.csv:2:3: column 'count': 'many' is not a number"
obs 'observe { "o", file = "data/d.csv", state = "b" }' 'step,count\n' "d.csv: observe 'o': the series has no rows"
obs 'observe { "o", file = "data/d.csv", state = "b" }' 'step,n\n1,5\n' "observe 'o': no 'count' column"
obs 'observe { "o", file = "data/missing.csv", state = "b" }' '' "cannot open"
obs 'observe { "o", file = "data/d.csv", state = "b", likelihood = "normal" }' 'step,count\n1,5\n' "a normal likelihood needs sd ="
obs 'observe { "o", file = "data/d.csv", state = "b", likelihood = "negative_binomial" }' 'step,count\n1,5\n' "needs dispersion ="
obs 'observe { "o", file = "data/d.csv", state = "b", likelihood = "gauss" }' 'step,count\n1,5\n' "likelihood must be"
obs 'observe { "o", file = "data/d.csv", state = "b", cumulative = true }' 'step,count\n1,5\n' "cumulative counts people moved along a flow"
obs 'observe { "o", file = "data/d.csv", state = "b" }' 'step,count\n1,5\n' "--params: unknown param 'q' (params: r)" --params q
obs 'observe { "o", file = "data/d.csv", state = "b" }' 'step,count\n1,5\n' "--method 'smc': give mle, mcmc or pmcmc" --params r --method smc
# An impossible observation: nobody can be in "b" at t = 0.
obs 'observe { "o", file = "data/d.csv", state = "b" }' 'step,count\n0,5\n' "the likelihood is -inf at every start (8): observation"
obs 'observe { "o", file = "data/d.csv", state = "b" }' 'step,count\n0,5\n' "(observe 'o', step 0, count 5) is impossible"
# A param without a range or prior; a scenario without observations.
printf '%s\n' 'scenario { name = "b", steps = 3, states = { "a", "b" } }' 'origin { "X", a = 100 }' \
    'param { q = 0.2 }' 'flow { from = "a", to = "b", rate = param "q" }' > "$T/noprior.lua"
expect 2 "no observe { } series" "$DEMOB" fit "$T/noprior.lua" --params q -o "$T/np" -q
expect 2 "--params is required" "$DEMOB" fit "$S/fit_beta.lua" -o "$T/np" -q
printf 'observe { "o", file = "data/fit_beta.csv", flow = "a->b" }\n' >> "$T/noprior.lua"
cp -r "$S/data" "$T/"
expect 2 "--params: 'q' declares no range or prior" "$DEMOB" fit "$T/noprior.lua" --params q -o "$T/np" -q
finish
