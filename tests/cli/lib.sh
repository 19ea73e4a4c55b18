# lib.sh - helpers for the CLI tests (sourced). Each test runs from the
# repository root with $DEMOB set; T is a fresh temporary folder.
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0

fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# expect CODE PATTERN [--] command...: runs the command, checks the exit
# code and that its stderr+stdout contains PATTERN (a fixed string). Safe
# under `set -e`.
expect() {
    code=$1; pattern=$2; shift 2
    [ "${1:-}" = "--" ] && shift
    got=0
    out=$("$@" 2>&1) || got=$?
    if [ "$got" != "$code" ]; then
        fail "$*: exit $got, expected $code; output: $(printf '%s' "$out" | head -c 600)"
    elif ! printf '%s' "$out" | grep -qF -- "$pattern"; then
        fail "$*: output lacks '$pattern': $(printf '%s' "$out" | head -c 600)"
    fi
}

finish() {
    if [ "$fails" -gt 0 ]; then echo "$fails failure(s)"; exit 1; fi
    exit 0
}
