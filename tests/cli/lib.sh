# lib.sh - helpers for the CLI tests (sourced). Each test runs from the
# repository root with $DEMOB set; T is a fresh temporary folder.
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0

fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# expect CODE PATTERN -- command...: runs the command, checks the exit code
# and that stderr+stdout contains PATTERN (a fixed string).
expect() {
    code=$1; pattern=$2; shift 3
    out=$("$@" 2>&1); got=$?
    if [ "$got" != "$code" ]; then
        fail "$*: exit $got, expected $code; output: $out"
    elif ! printf '%s' "$out" | grep -qF -- "$pattern"; then
        fail "$*: output lacks '$pattern': $out"
    fi
}

finish() {
    if [ "$fails" -gt 0 ]; then echo "$fails failure(s)"; exit 1; fi
    exit 0
}
