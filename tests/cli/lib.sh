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

# chrome_layout CHROME PAGE.html OUT.txt: renders PAGE in headless Chromium
# with tests/cli/fixtures/overflow-check.js injected into a copy, and keeps
# the check's result ("checked N boxes in M charts; overflowing: K", then
# one line per overflow) in OUT.txt. Needs python3.
chrome_layout() {
    python3 - "$2" tests/cli/fixtures/overflow-check.js "$2.check.html" <<'PY'
import sys
page, js = open(sys.argv[1]).read(), open(sys.argv[2]).read()
open(sys.argv[3], 'w').write(page.replace('</body>', js + '</body>'))
PY
    timeout 120 "$1" --headless --no-sandbox --disable-gpu --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync --window-size=1200,900 \
        --user-data-dir="$(mktemp -d "$T/profile.XXXXXX")" --dump-dom "file://$2.check.html" 2>/dev/null |
        sed -n '/<pre id="overflow-result">/,/<\/pre>/p' > "$3"
}

# find_chrome: the first of chromium, chromium-browser, google-chrome on
# PATH, or "".
find_chrome() {
    for c in chromium chromium-browser google-chrome; do
        if command -v "$c" >/dev/null 2>&1; then echo "$c"; return; fi
    done
    echo ""
}
