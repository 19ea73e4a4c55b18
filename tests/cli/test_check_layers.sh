#!/bin/sh
# tools/check-layers on a mini copy of core/ (engine/rng, util/strbuf,
# run/output.h): passes when clean; fails naming an upward include, a link
# reference to a layer it may not use, and a badly-prefixed exported symbol.
set -u
. tests/cli/lib.sh

mini() { # folder: a copy of a few core/ files
    mkdir -p "$1/include" "$1/core/engine" "$1/core/util" "$1/core/run"
    cp include/demob.h "$1/include/"
    cp core/engine/rng.c core/engine/rng.h "$1/core/engine/"
    cp core/util/strbuf.c core/util/strbuf.h "$1/core/util/"
    cp core/run/output.h "$1/core/run/"
}
build() { # folder: its objects and archives, laid out as make does
    for c in "$1"/core/*/*.c; do
        o=$1/build/${c#"$1"/}
        o=${o%.c}.o
        mkdir -p "$(dirname "$o")"
        ${CC:-cc} -std=c11 -I"$1/include" -I"$1/core" -c "$c" -o "$o" || fail "cc $c"
    done
    ar rcs "$1/build/libdemob_engine.a" "$1"/build/core/engine/*.o
    ar rcs "$1/build/libdemob.a" "$1"/build/core/*/*.o
}

mini "$T/ok"
expect 2 "no $T/ok/build/core/engine/rng.o" -- tools/check-layers -C "$T/ok"
build "$T/ok"
out=$(tools/check-layers -C "$T/ok" 2>&1) || fail "a clean mini tree fails: $out"

mini "$T/up"
echo '#include "run/output.h"' >> "$T/up/core/util/strbuf.c"
line=$(wc -l < "$T/up/core/util/strbuf.c")
echo 'int helper_count(void) { return 1; }' >> "$T/up/core/util/strbuf.c"
printf '%s\n' 'void strbuf_clear(void *);' 'void rng_probe(void *b) { strbuf_clear(b); }' \
    >> "$T/up/core/engine/rng.c"
build "$T/up"
expect 1 "core/util/strbuf.c:$line: util may not include run/output.h (util uses no other layer)" \
    -- tools/check-layers -C "$T/up"
expect 1 "util/strbuf.o defines helper_count (util symbols start with demob_, atomic_" \
    -- tools/check-layers -C "$T/up"
expect 1 "engine/rng.o uses strbuf_clear from util (engine uses no other layer)" \
    -- tools/check-layers -C "$T/up"
finish
