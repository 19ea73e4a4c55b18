#!/bin/sh
# Expressions (docs/expressions.md): the SD "SIR" and "teacup" test models
# against their Euler solutions (computed here, in awk) to 1e-9 relative;
# an expression model and the same model written with an on_step hook give
# byte-identical output in stochastic mode; `demob check` prints expressions
# folded; bad expressions are refused at the declaring line with exit 2;
# run-time range errors name the line, the step and the run.
set -u
. tests/cli/lib.sh

# ------------------------------------------------ Euler, deterministic
# compare FILE: populations.csv against "step state value" lines on stdin.
compare() {
    awk -F, -v bad=0 'NR == FNR { want[$1 "," $2] = $3; next }
        FNR > 1 { k = $2 "," $5; if (!(k in want)) next; n++
                  w = want[k]; d = $6 - w; if (d < 0) d = -d; s = w < 0 ? -w : w
                  if (d > 1e-9 * (s > 1e-300 ? s : 1)) { bad++; if (bad < 4) print "step " $2 " " $5 ": " $6 " vs " w } }
        END { if (n == 0) { print "no rows compared"; exit 1 } exit bad > 0 }' - "$1"
}
"$DEMOB" run tests/scenarios/sir_euler.lua -o "$T/sir" --quiet || fail "sir_euler did not run"
awk 'BEGIN { S = 990; I = 10; R = 0; b = 0.2; g = 0.1; dt = 0.25; N = 1000
    for (t = 0; t <= 400; t++) {
        printf "%d,S,%.17g\n%d,I,%.17g\n%d,R,%.17g\n", t, S, t, I, t, R
        inf = dt * b * S * I / N; rec = dt * g * I
        S -= inf; I += inf - rec; R += rec } }' | compare "$T/sir/populations.csv" || fail "SIR differs from Euler"

"$DEMOB" run tests/scenarios/teacup.lua -o "$T/tea" --quiet || fail "teacup did not run"
awk 'BEGIN { T = 180; L = 0; dt = 0.125
    for (t = 0; t <= 240; t++) {
        printf "%d,cup,%.17g\n%d,lost,%.17g\n", t, T, t, L
        loss = dt * (T - 70) / 10; T -= loss; L += loss } }' | compare "$T/tea/populations.csv" || fail "teacup differs from Euler"

# same_runs A B SAVE WHAT: runs scenarios A and B (in $T) saving SAVE and
# fails naming WHAT unless every saved file is byte-identical.
same_runs() {
    "$DEMOB" run "$T/$1.lua" -o "$T/$1" --quiet --save "$3" || fail "$1 did not run"
    "$DEMOB" run "$T/$2.lua" -o "$T/$2" --quiet --save "$3" || fail "$2 did not run"
    for f in $(printf '%s' "$3" | tr , ' '); do
        cmp -s "$T/$1/$f.csv" "$T/$2/$f.csv" || fail "$4 differ in $f.csv"
    done
}

# --------------------------------------------- expressions vs a hook
cat > "$T/common.lua" <<'LUA'
scenario { name = "sir", steps = 200, mode = "stochastic", runs = 50, seed = 7, states = { "S", "I", "R" } }
origin { "pop", S = 990, I = 10 }
param { beta = 0.6 } param { gamma = 0.1 } param { dt = 0.25 } param { N = 1000 } param { p_inf = 0 }
LUA
cp "$T/common.lua" "$T/sir_expr.lua"
cat >> "$T/sir_expr.lua" <<'LUA'
flow { from = "S", to = "I", rate = 1 - exp(-(param "beta" * param "dt" * total "I" / param "N")) }
flow { from = "I", to = "R", rate = 1 - exp(-0.1 * 0.25) }
LUA
cp "$T/common.lua" "$T/sir_hook.lua"
cat >> "$T/sir_hook.lua" <<'LUA'
flow { from = "S", to = "I", rate = param "p_inf" }
flow { from = "I", to = "R", rate = 1 - math.exp(-0.1 * 0.25) }
on_step(function(sim)
  sim:set("p_inf", 1 - math.exp(-(sim:get("beta") * sim:get("dt") * sim:total("I") / sim:get("N"))))
end)
LUA
same_runs sir_expr sir_hook populations,flows "expression and hook models"
"$DEMOB" run "$T/sir_expr.lua" -o "$T/oe2" --quiet --save populations -j 2 || fail "sir_expr -j 2"
cmp -s "$T/sir_expr/populations.csv" "$T/oe2/populations.csv" || fail "-j 2 changed the expression model's output"

# ------------------------------------------------------------- check
expect 0 'sir_expr.lua:4: expression 1 - exp(-(((param "beta" * param "dt") * total "I") / param "N")) -- depends on: param beta, param dt, state I, param N' \
    -- "$DEMOB" check "$T/sir_expr.lua"
cat > "$T/fold.lua" <<'LUA'
scenario { name = "fold", steps = 2, states = { "a", "b" } }
origin { "X", a = 10 }
flow { from = "a", to = "b", rate = (2 * 3 - 1) / 10 * total "a" / 100 + sqrt(4) * 0 }
LUA
expect 0 'fold.lua:3: expression ((0.5 * total "a") / 100) + 0 -- depends on: state a' -- "$DEMOB" check "$T/fold.lua"

# ------------------------------------------------------ bad expressions
bad() {   # bad NAME LINE-2-DECLARATION EXPECTED-MESSAGE
    printf 'scenario { name = "bad", steps = 5, states = { "a", "b" } }\norigin { "X", a = 10 }\n%s\n' "$2" > "$T/$1.lua"
    expect 2 "$1.lua:3: $3" -- "$DEMOB" run "$T/$1.lua" -o "$T/bad_out" --quiet
    [ ! -e "$T/bad_out/populations.csv" ] || fail "$1: wrote output"
}
bad string_arith 'flow { from = "a", to = "b", rate = total "a" * "x" }' "expression: *: expected a number, a param or an expression (got string)"
bad unknown_state 'flow { from = "a", to = "b", rate = total "nope" / 100 }' "flow rate: total: unknown state 'nope'"
bad unknown_origin 'flow { from = "a", to = "b", rate = total("a", "Y") / 100 }' "flow rate: total: unknown origin or tag 'Y'"
bad unknown_flow 'flow { from = "a", to = "b", rate = cumulative "f" / 100 }' "flow rate: cumulative: unknown flow 'f'"
bad div_zero 'flow { from = "a", to = "b", rate = total "a" / 0 }' "expression: division by a constant 0"
bad div_zero_folded 'flow { from = "a", to = "b", rate = total "a" / (1 - 1) }' "expression: division by a constant 0"
bad ifelse_nocond 'flow { from = "a", to = "b", rate = ifelse(total "a", 0.1, 0.2) }' "ifelse: the first argument must be a condition"
bad ifelse_args 'flow { from = "a", to = "b", rate = ifelse(lt(total "a", 1), 0.1) }' "ifelse: needs 3 arguments"
bad rate_and_hazard 'flow { from = "a", to = "b", rate = 0.1, hazard = 0.1 }' "flow: give rate or hazard, not both"
bad hazard_negative 'flow { from = "a", to = "b", hazard = -1 }' "flow: hazard must be >= 0"
bad event_state 'param { x = 1 } event { at = 2, set = { x = total "nope" } }' "event set.x: total: unknown state 'nope'"
bad event_string 'param { x = 1 } event { at = 2, set = { x = param "x" * "y" } }' "expression: *: expected a number, a param or an expression (got string)"
bad event_sets_expr 'capacity { "c", per_step = total "a" } event { at = 2, capacity = { c = 5 } }' "event: capacity 'c' is given by an expression; an event cannot set it"
bad own_capacity 'capacity { "c", per_step = own "a" } flow { from = "a", to = "b", rate = 0.5, capacity = "c" }' "own: a capacity, ceiling, budget, fixed cost or event value has no origin"
bad own_event 'param { x = 1 } event { at = 2, set = { x = own "a" } }' "own: a capacity, ceiling, budget, fixed cost or event value has no origin"
bad own_state 'flow { from = "a", to = "b", rate = own "zz" }' "flow rate: own: unknown state 'zz'"
bad event_when_flow 'param { x = 1 } event { when = function() return true end, set = { x = moved "f" } }' "event set.x: moved: unknown flow 'f'"

# ------------------------------------------------------ event values
# Evaluated once, when the event fires, on the stocks at the start of that
# step: r = 0.001 * 190 = 0.19 from step 3 on (not 0.3439 at step 4).
cat > "$T/ev.lua" <<'LUA'
scenario { name = "ev", steps = 4, states = { "a", "b" } }
origin { "X", a = 1000 }
param { r = 0.1 }
flow { from = "a", to = "b", rate = param "r" }
event { at = 3, set = { r = 0.001 * total "b" } }
LUA
"$DEMOB" run "$T/ev.lua" -o "$T/ev" --quiet || fail "ev.lua"
# (printed exactly: 0.001 * 190 is 0.19 plus a rounding error)
grep -q '^1,3,,X,a,656.0999999999999$' "$T/ev/populations.csv" &&
    grep -q '^1,4,,X,a,531.4409999999999$' "$T/ev/populations.csv" ||
    fail "event value: a is not 810 * 0.81 = 656.1, then 531.441"
sed 's/at = 3/when = function(sim, t) return t == 3 end/' "$T/ev.lua" > "$T/ev_when.lua"
"$DEMOB" run "$T/ev_when.lua" -o "$T/ev_when" --quiet || fail "ev_when.lua"
cmp -s "$T/ev/populations.csv" "$T/ev_when/populations.csv" || fail "a predicate event's expression differs from a timed one's"
# Stochastic; the values of one event are all computed before any is set:
# q = p * 10 / 10 = 1 reads p = 1, not the p = 0.5 * q (= 0) set with it.
cat > "$T/evs.lua" <<'LUA'
scenario { name = "evs", steps = 4, mode = "stochastic", runs = 3, states = { "a", "b", "c" } }
origin { "X", a = 10 }
param { p = 1 } param { q = 0 }
flow { from = "a", to = "b", rate = param "p" }
flow { from = "b", to = "c", rate = param "q" }
event { at = 3, set = { p = 0.5 * param "q", q = param "p" * total "b" / 10 } }
LUA
"$DEMOB" run "$T/evs.lua" -o "$T/evs" --quiet --save populations || fail "evs.lua"
[ "$(grep -c '^[123],2,,X,b,10$' "$T/evs/populations.csv")" = 3 ] &&
    [ "$(grep -c '^[123],3,,X,c,10$' "$T/evs/populations.csv")" = 3 ] || fail "stochastic event value: c is not 10 at step 3"
# A value the param cannot take stops the run naming the event's line.
cat > "$T/evr.lua" <<'LUA'
scenario { name = "evr", steps = 4, mode = "stochastic", runs = 3, states = { "a", "b" } }
origin { "X", a = 10 }
param { r = 0 }
flow { from = "a", to = "b", rate = param "r" }
event { at = 2, set = { r = 2 + total "b" } }
LUA
expect 2 "evr.lua:5: event value at step 2, run 1: flow 'a->b': rate param 'r' = 2 is outside [0, 1]" \
    -- "$DEMOB" run "$T/evr.lua" -o "$T/evr" --quiet
[ ! -e "$T/evr/populations.csv" ] || fail "evr: wrote output"
sed -i 's/2 + total "b"/log(total "b" - 1)/' "$T/evr.lua"
expect 2 "evr.lua:5: event value expression = nan at step 2, run 1 is not a number" \
    -- "$DEMOB" run "$T/evr.lua" -o "$T/evr" --quiet

# ------------------------------------------------ per origin: own "state"
# Each origin's rate and arrivals from its own stocks. Step 1: X leaves at
# 1000/2000 = 0.5, Y at 100/2000 = 0.05 (a = 500, 95). Step 2: X arrives
# 500/10 = 50, leaves at 500/2000 = 0.25: a = 550 * 0.75 = 412.5; Y arrives
# 0.5, leaves at 95/2000: a = 95.5 * 0.9525 = 90.96375.
cat > "$T/own.lua" <<'LUA'
scenario { name = "own", steps = 2, states = { "a", "b" } }
origin { "X", a = 1000 }
origin { "Y", a = 100 }
flow { from = "a", to = "b", rate = own "a" / 2000 }
arrivals { origin = "X", state = "a", per_step = own "b" / 10 }
arrivals { origin = "Y", state = "a", per_step = own "b" / 10 }
LUA
"$DEMOB" run "$T/own.lua" -o "$T/own" --quiet || fail "own.lua"
for want in 1,1,,X,a,500 1,1,,Y,a,95 1,2,,X,a,412.5 1,2,,Y,a,90.96375; do
    grep -q "^$want\$" "$T/own/populations.csv" || fail "own: no row $want"
done
expect 0 'own.lua:4: expression own "a" / 2000 -- depends on: own state a (per origin)' -- "$DEMOB" check "$T/own.lua"
# Stochastic: own "state" draws exactly as one flow and one cost per origin
# reading stock(origin, state).
cat > "$T/own_s.lua" <<'LUA'
scenario { name = "own", steps = 30, mode = "stochastic", runs = 20, seed = 3, states = { "a", "b" } }
origin { "X", a = 1000 }
origin { "Y", a = 300 }
flow { from = "a", to = "b", hazard = own "b" / 400 + 0.01 }
cost { state = "b", per_person = 1 + own "a" / 1000, category = "upkeep" }
LUA
cat > "$T/own_t.lua" <<'LUA'
scenario { name = "own", steps = 30, mode = "stochastic", runs = 20, seed = 3, states = { "a", "b" } }
origin { "X", a = 1000 }
origin { "Y", a = 300 }
flow { from = "a", to = "b", origins = { "X" }, hazard = stock("X", "b") / 400 + 0.01 }
flow { from = "a", to = "b", origins = { "Y" }, hazard = stock("Y", "b") / 400 + 0.01, name = "y" }
cost { state = "b", origins = { "X" }, per_person = 1 + stock("X", "a") / 1000, category = "upkeep" }
cost { state = "b", origins = { "Y" }, per_person = 1 + stock("Y", "a") / 1000, category = "upkeep" }
LUA
same_runs own_s own_t populations,costs "own and stock(origin, ...)"
printf 'scenario { name = "own", steps = 3, states = { "a", "b" } }\norigin { "X", a = 1000 }\nflow { from = "a", to = "b", rate = own "a" / 500 }\n' > "$T/own_r.lua"
expect 2 "own_r.lua:3: rate expression = 2 for origin 'X' at step 1, run 1 is outside [0, 1]" \
    -- "$DEMOB" run "$T/own_r.lua" -o "$T/own_r" --quiet

# Scripts cannot reach the metatables of params and expressions.
cat > "$T/meta.lua" <<'LUA'
scenario { name = "meta", steps = 2, states = { "a", "b" } }
origin { "X", a = 10 }
param { x = 0.1 }
local p = param "x"
assert(getmetatable(p) == "param")
assert( getmetatable(total "a") == "expression")
assert(not pcall(setmetatable, total "a", {}))
assert(type(log(2)) == "number" and type(min(1, 2)) == "number" and math.exp(0) == 1)
flow { from = "a", to = "b", rate = 2 * p * min(total "a" / 20, 1) - p }
LUA
"$DEMOB" run "$T/meta.lua" -o "$T/meta" --quiet || fail "meta.lua"

# -------------------------------------------------------- run-time errors
cat > "$T/range.lua" <<'LUA'
scenario { name = "range", steps = 5, mode = "stochastic", runs = 3, states = { "a", "b" } }
origin { "X", a = 10 }
flow { from = "a", to = "b",
       rate = step() * 0.3 }
LUA
expect 2 "range.lua:3: rate expression = 1.2 at step 4, run 1 is outside [0, 1]" -- "$DEMOB" run "$T/range.lua" -o "$T/r_out" --quiet
cat > "$T/neg.lua" <<'LUA'
scenario { name = "neg", steps = 5, states = { "a", "b" } }
origin { "X", a = 10 }
flow { from = "a", to = "b", hazard = 0.5 - step() * 0.2 }
arrivals { origin = "X", state = "a", per_step = total "b" - 5 }
LUA
expect 2 "neg.lua:4: arrivals expression = -5 at step 1, run 1 is negative" -- "$DEMOB" run "$T/neg.lua" -o "$T/r_out" --quiet
# Hazard: rate 1 - e^-h, h may be large (predator-prey-like rates above 1).
cat > "$T/hz.lua" <<'LUA'
scenario { name = "hz", steps = 3, states = { "a", "b" } }
origin { "X", a = 1000 }
flow { from = "a", to = "b", hazard = 2 + 0 * total "a" }
LUA
"$DEMOB" run "$T/hz.lua" -o "$T/hz" --quiet || fail "hazard 2 refused"
awk -F, '$2 == 1 && $5 == "a" { x = 1000 * exp(-2); d = $6 - x; if (d < 0) d = -d; exit !(d < 1e-9 * x) }' "$T/hz/populations.csv" ||
    fail "hazard 2: the stock after one step is not 1000 e^-2"
# A ceiling expression on a state that starts occupied: checked each step,
# not at freeze. Room 60 - 50 = 10 at step 1, then the ceiling rises by 20 a
# step (stock of b: 50, 60, 80, 100).
cat > "$T/ceil.lua" <<'LUA'
scenario { name = "ceil", steps = 3, states = { "a", "b" } }
origin { "X", a = 1000, b = 50 }
param { k = 40 }
state { "b", ceiling = param "k" + 20 * step() }
flow { from = "a", to = "b", rate = 0.5 }
LUA
"$DEMOB" run "$T/ceil.lua" -o "$T/ceil" --quiet || fail "a ceiling expression on an occupied state was refused"
[ "$(awk -F, '$5 == "b" { printf "%s ", $6 }' "$T/ceil/populations.csv" 2>/dev/null)" = "50 60 80 100 " ] ||
    fail "ceiling expression: the stocks of b are not 50 60 80 100"
# A value computed every step cannot be set: not by a hook (the run stops,
# naming the expression's line), a `when` event or a timed event (refused at
# the event's line).
setx() {
    cat > "$T/setx.lua" <<LUA
scenario { name = "setx", steps = 8, states = { "a", "b" } }
origin { "X", a = 1000 }
param { k = 100 }
capacity { "c", per_step = param "k" + 0 * step() }
flow { from = "a", to = "b", rate = 0.5, capacity = "c" }
$1
LUA
}
setx 'on_step(function(sim, t) sim:capacity("c", 0) end)'
expect 2 "setx.lua:6: sim:capacity: it sets an expression (declared at $T/setx.lua:4), computed every step" -- \
    "$DEMOB" run "$T/setx.lua" -o "$T/setx" --quiet
for ev in 'event { when = function(sim) return true end, capacity = { c = 5 } }' 'event { at = 6, capacity = { c = 5 } }'; do
    setx "$ev"
    expect 2 "setx.lua:6: event: capacity 'c' is given by an expression; an event cannot set it" -- \
        "$DEMOB" run "$T/setx.lua" -o "$T/setx" --quiet
done
finish
