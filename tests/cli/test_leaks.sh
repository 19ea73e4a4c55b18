#!/bin/sh
# valgrind finds no leak and no memory error (exit 9 otherwise) in a run
# with hooks on two workers, a run stopped by a script error and by a
# limit, a sweep, check, compare, plot and report. Kept small: valgrind
# runs code some 30 times slower.
set -u
. tests/cli/lib.sh
if ! command -v valgrind >/dev/null 2>&1; then
    # Not skipped silently: a missing valgrind fails the test.
    fail "valgrind is not installed (apt-get install valgrind)"
    finish
fi
VG="valgrind -q --leak-check=full --errors-for-leak-kinds=definite,possible --error-exitcode=9"
if grep -q __asan_init "$DEMOB"; then
    # valgrind cannot run an AddressSanitizer build; its LeakSanitizer
    # checks the same runs for leaks at exit instead.
    echo "test_leaks: $DEMOB is an ASan build: LeakSanitizer instead of valgrind"
    VG=
    ASAN_OPTIONS=detect_leaks=1:exitcode=9
    LSAN_OPTIONS=exitcode=9
    export ASAN_OPTIONS LSAN_OPTIONS
fi
# vg CODE CMD...: runs CMD under valgrind (or LeakSanitizer); expects exit
# CODE (9: a leak or a memory error, reported with the checker's output)
vg() {
    code=$1
    shift
    out=$($VG "$@" 2>&1)
    got=$?
    if [ "$got" = 9 ]; then
        fail "valgrind: $*: $(printf '%s' "$out" | head -40)"
    elif [ "$got" != "$code" ]; then
        fail "$*: exit $got, expected $code: $(printf '%s' "$out" | head -10)"
    fi
}

# A run with every kind of hook (on_step, predicate event, arrival
# function, on_finish writing a CSV) on two workers, each with its own
# Lua state.
cat > "$T/hooks.lua" <<'EOF'
scenario { name = "leaks", steps = 6, mode = "stochastic", runs = 6, seed = 7,
           states = { "present", "cantoned", "home" } }
origin { "Sudan", tags = { "south" }, present = 3000 }
origin { "Chad", tags = { "south" }, present = 1000 }
param { intake = 0.3, site = 400 }
capacity { "site", per_step = param "site" }
state { "cantoned", ceiling = 1500, min_stay = 1 }
flow { from = "present", to = "cantoned", rate = param "intake", capacity = "site" }
flow { from = "cantoned", to = "home", rate = 0.5, cost = 10, category = "flights" }
arrivals { origin = "Chad", state = "present", per_step = function(t) return t end }
event { when = function(sim, t) return sim:total "home" > 500 end, set = { intake = 0.5 } }
on_step(function(sim, t) if sim:total "cantoned" > 1200 then sim:set("site", 200) end end)
on_finish(function(sim)
  local w <close> = csv.open("final.csv", { "origin", "home" })
  w:row { "Sudan", sim:stock("Sudan", "home") }
  w:close()
end)
EOF
vg 0 "$DEMOB" run "$T/hooks.lua" -o "$T/run" -j 2 --quiet
[ -s "$T/run/final.csv" ] || fail "hooks run: final.csv missing"
vg 0 "$DEMOB" check "$T/hooks.lua"

# Runs that stop: a script error in a hook, a limit, bad input at load.
printf '%s\n' 'scenario { steps = 4, states = { "a", "b" } }' 'origin { "X", a = 10 }' \
    'local t = {} for i = 1, 1000 do t[i] = { i } end' \
    'on_step(function(sim, t) if t == 3 then error("stop") end end)' > "$T/hook_err.lua"
vg 2 "$DEMOB" run "$T/hook_err.lua" -o "$T/err" -j 2 --quiet
printf '%s\n' 'scenario { steps = 4, states = { "a", "b" } }' 'origin { "X", a = 10 }' \
    'local t = {} while true do t[#t + 1] = { t } end' > "$T/membomb.lua"
vg 2 "$DEMOB" run "$T/membomb.lua" -o "$T/mem" --memory-limit 8 --quiet
printf '%s\n' 'scenario { steps = 4, states = { "a", "b" } }' 'origin { "X", a = 10 }' \
    'flow { from = "a", to = "nowhere", rate = 0.5 }' > "$T/bad.lua"
vg 2 "$DEMOB" run "$T/bad.lua" -o "$T/bad" --quiet

# A sweep: grid x replicates on two workers, with quantiles and
# sensitivity, then compare, plot and report over its output.
vg 0 "$DEMOB" sweep "$T/hooks.lua" -o "$T/sweep" --grid intake=0.2,0.4 --lhs site=100:600 --samples 2 \
    --replicates 3 -j 2 --save populations,summary,quantiles --quiet
[ -s "$T/sweep/quantiles.csv" ] || fail "sweep: quantiles.csv missing"
vg 0 "$DEMOB" compare "$T/run" "$T/run"
vg 0 "$DEMOB" plot "$T/run" -o "$T/run.svg"
vg 0 "$DEMOB" report "$T/run" "$T/sweep" -o "$T/report.html"
finish
