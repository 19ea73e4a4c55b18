#!/bin/sh
# The documentation stays true: every command of docs/tutorial.md (the
# lines of its ```sh blocks) and every `demob` line of the README's ```sh
# blocks runs, in a scratch copy of scenarios/, without error; and every
# ```lua block of README.md and docs/*.md whose first line is
# "-- file: NAME.lua" (a complete scenario) is written to NAME.lua and
# passes `demob check`. `demob` in the docs means $DEMOB. A line ending in
# a backslash continues on the next; lines starting with # are comments.
# The test fails when it finds nothing to run, so it cannot pass vacuously.
set -u
. tests/cli/lib.sh

work="$T/work"
mkdir -p "$work" "$T/bin"
cp -R scenarios "$work/scenarios"
case "$DEMOB" in /*) bin=$DEMOB ;; *) bin=$PWD/$DEMOB ;; esac
printf '#!/bin/sh\nexec "%s" "$@"\n' "$bin" > "$T/bin/demob"
chmod +x "$T/bin/demob"
PATH="$T/bin:$PATH"
export PATH

# blocks LANG FILE: prints the lines of FILE's ```LANG blocks, each block
# followed by a line "@@end".
blocks() {
    awk -v lang="$1" '
        /^```/ { if (inb) { print "@@end"; inb = 0; next }
                 if ($0 == "```" lang) { inb = 1; next } }
        inb { print }' "$2"
}

# commands FILE [demob-only]: the commands of FILE's ```sh blocks, one a line
# (continuation lines joined), comments and blank lines left out.
commands() {
    blocks sh "$1" | awk -v only="${2:-}" '
        $0 == "@@end" { next }
        { line = (cont != "" ? cont " " : "") $0 }
        /\\$/ { sub(/\\$/, "", line); cont = line; next }
        { cont = "" }
        line ~ /^[ \t]*(#|$)/ { next }
        only != "" && line !~ /^demob / { next }
        { print line }'
}

# The complete scenarios: written into the work folder, then checked.
scenarios=0
for doc in README.md docs/*.md; do
    [ -f "$doc" ] || continue
    blocks lua "$doc" > "$T/lua.txt"
    out=""
    while IFS= read -r line; do
        if [ "$line" = "@@end" ]; then out=""; continue; fi
        if [ -z "$out" ]; then
            case "$line" in
                "-- file: "*.lua) out=${line#-- file: }
                                  case "$out" in */*|.*) fail "$doc: bad file name '$out'"; out=/dev/null ;; esac
                                  [ -e "$work/$out" ] && fail "$doc: '$out' is declared twice"
                                  : > "$work/$out"; scenarios=$((scenarios + 1)) ;;
                *) out=/dev/null ;;
            esac
        fi
        [ "$out" = /dev/null ] || printf '%s\n' "$line" >> "$work/$out"
    done < "$T/lua.txt"
done
[ "$scenarios" -gt 0 ] || fail "no "-- file:" scenario block found in README.md or docs/*.md"
in_work() { (cd "$work" && "$@"); }
for f in "$work"/*.lua; do
    [ -f "$f" ] || continue
    expect 0 ": ok:" -- in_work demob check "$(basename "$f")"
done

# run SOURCE: runs the commands on stdin in the work folder, one by one.
ran=0
run() {
    while IFS= read -r cmd; do
        ran=$((ran + 1))
        got=0
        out=$(cd "$work" && sh -c "$cmd" 2>&1 </dev/null) || got=$?
        [ "$got" = 0 ] || fail "$1: '$cmd' exited $got: $(printf '%s' "$out" | tail -n 5)"
    done
}
commands README.md demob-only > "$T/readme.txt"
[ -s "$T/readme.txt" ] || fail "README.md: no demob command in a sh block"
commands docs/tutorial.md > "$T/tutorial.txt"
[ -s "$T/tutorial.txt" ] || fail "docs/tutorial.md: no command in a sh block"
run README.md < "$T/readme.txt"
run docs/tutorial.md < "$T/tutorial.txt"

# Links between the documents lead somewhere: every relative link of
# README.md, docs/*.md and bench/README.md names a file that exists, and
# its #anchor (if any) a heading of that file (GitHub's slugs: lower case,
# punctuation dropped, spaces as dashes). Users clone this repository alone.
slugs() {
    grep '^#' "$1" | sed 's/^#* *//' | tr 'A-Z' 'a-z' | sed 's/[^a-z0-9 _-]//g; s/ /-/g'
}
links=0
for doc in README.md docs/*.md bench/README.md; do
    grep -q '\.\./shared' "$doc" && fail "$doc mentions ../shared"
    dir=$(dirname "$doc")
    for link in $(grep -o '](\([^) ]*\))' "$doc" | sed 's/^](//; s/)$//'); do
        case "$link" in http://*|https://*|mailto:*) continue ;; esac
        links=$((links + 1))
        path=${link%%#*}
        target=$doc
        [ -n "$path" ] && target="$dir/$path"
        if [ ! -e "$target" ]; then
            fail "$doc: link to a missing file: $link"
        elif [ "$path" != "$link" ] && ! slugs "$target" | grep -qx -- "${link#*#}"; then
            fail "$doc: link to a missing heading: $link"
        fi
    done
done
[ "$links" -gt 0 ] || fail "no link between the documents found"

# The tutorial walks through every step of a study.
for step in "demob run" "demob compare" "demob plot" "demob report" "demob sweep"; do
    grep -q "^$step " "$T/tutorial.txt" || fail "docs/tutorial.md runs no '$step'"
done
[ "$ran" -ge 8 ] || fail "only $ran commands found in the docs"
finish
