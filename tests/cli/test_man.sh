#!/bin/sh
# man/demob.1 documents every option: each option name that `demob --help`
# and `demob CMD --help` print (--xxx and -x) must appear in the man page; and the page
# renders without warnings when groff is installed.
set -eu
. tests/cli/lib.sh
MAN=man/demob.1
[ -f "$MAN" ] || { fail "$MAN is missing"; finish; }
# The page's text with roff's "\-" turned into "-".
sed 's/\\-/-/g; s/\\f[BIRP]//g' "$MAN" > "$T/man.txt"
for c in "" run check sweep fit merge compare plot report summarize; do
    "$DEMOB" $c --help > "$T/help.txt" || fail "demob $c --help failed"
    grep -q "demob $c" "$T/man.txt" || fail "$MAN does not document 'demob $c'"
    # Every --long and -x option the help prints.
    opts=$(grep -oE -- '(^|[^A-Za-z0-9_-])--?[A-Za-z][A-Za-z0-9-]*' "$T/help.txt" |
           sed -E 's/^[^-]*//' | grep -E -- '^(--[a-z][a-z0-9-]+|-[a-zA-Z])$' | sort -u)
    [ -n "$opts" ] || fail "no option found in demob $c --help"
    for o in $opts; do
        grep -qE -- "(^|[^A-Za-z0-9-])$o([^A-Za-z0-9-]|\$)" "$T/man.txt" ||
            fail "$MAN lacks option $o (printed by demob $c --help)"
    done
done
if command -v groff >/dev/null 2>&1; then
    warn=$(groff -man -Tutf8 -ww -z "$MAN" 2>&1) || fail "groff failed on $MAN: $warn"
    [ -z "$warn" ] || fail "groff warns about $MAN: $warn"
else
    echo "groff not installed: rendering not checked"
fi
finish
