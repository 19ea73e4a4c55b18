#!/bin/sh
# make install / uninstall honour PREFIX and DESTDIR, the documentation
# (README.md and every docs/*.md) is installed under share/doc/demob, and
# the installed binary runs an installed scenario from any folder (the Lua
# modules are compiled in).
set -u
. tests/cli/lib.sh
build=$(dirname "$DEMOB")
make -s install BUILD="$build" DESTDIR="$T/root" PREFIX=/opt/demob >/dev/null || fail "make install"
for f in bin/demob share/demob/scripts/ddr.lua share/demob/scenarios/libya_2020.lua \
         share/demob/scenarios/data/libya_foreign_fighters_2020.csv share/man/man1/demob.1; do
    [ -f "$T/root/opt/demob/$f" ] || fail "not installed: $f"
done
docs=0
for f in README.md docs/*.md; do
    [ -f "$f" ] || continue
    docs=$((docs + 1))
    cmp -s "$f" "$T/root/opt/demob/share/doc/demob/$f" || fail "not installed as is: share/doc/demob/$f"
done
[ "$docs" -ge 2 ] || fail "no documentation to install (README.md, docs/*.md)"
(cd / && "$T/root/opt/demob/bin/demob" run "$T/root/opt/demob/share/demob/scenarios/libya_2020.lua" \
    --runs 2 -o "$T/out" --quiet) || fail "the installed binary cannot run the installed baseline"
[ -s "$T/out/summary.csv" ] || fail "no summary from the installed run"
make -s uninstall DESTDIR="$T/root" PREFIX=/opt/demob >/dev/null || fail "make uninstall"
left=$(find "$T/root" -type f | wc -l)
[ "$left" = 0 ] || fail "uninstall left $left files"
finish
