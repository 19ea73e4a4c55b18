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
"$DEMOB" run "$T/sir_expr.lua" -o "$T/oe" --quiet --save populations,flows || fail "sir_expr did not run"
"$DEMOB" run "$T/sir_hook.lua" -o "$T/oh" --quiet --save populations,flows || fail "sir_hook did not run"
for f in populations.csv flows.csv; do
    cmp -s "$T/oe/$f" "$T/oh/$f" || fail "expression and hook models differ in $f"
done
"$DEMOB" run "$T/sir_expr.lua" -o "$T/oe2" --quiet --save populations -j 2 || fail "sir_expr -j 2"
cmp -s "$T/oe/populations.csv" "$T/oe2/populations.csv" || fail "-j 2 changed the expression model's output"

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
bad event_value 'param { x = 1 } event { at = 2, set = { x = total "a" } }' "event: set.x must be a plain number here (an expression cannot be used)"

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
# A value computed every step cannot be set: not by a hook, a `when` event
# or a timed event (the value set would be lost at the next step).
for how in 'on_step(function(sim, t) sim:capacity("c", 0) end)' \
           'event { when = function(sim) return true end, capacity = { c = 5 } }' \
           'event { at = 6, capacity = { c = 5 } }'; do
    cat > "$T/setx.lua" <<LUA
scenario { name = "setx", steps = 8, states = { "a", "b" } }
origin { "X", a = 1000 }
param { k = 100 }
capacity { "c", per_step = param "k" + 0 * step() }
flow { from = "a", to = "b", rate = 0.5, capacity = "c" }
$how
LUA
    expect 2 "sets an expression (declared at $T/setx.lua:4), computed every step" -- \
        "$DEMOB" run "$T/setx.lua" -o "$T/setx" --quiet
done
finish
