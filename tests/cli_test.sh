#!/usr/bin/env bash
# ctest driver for the relpatch command-line tool: cli_test.sh PATH_TO_RELPATCH EXAMPLES_DIR
set -u
cli=$1
ex=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0

check() {  # check NAME CONDITION...
    local name=$1
    shift
    if "$@"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAILED: $name" >&2
    fi
}

run() {  # run EXPECTED_STATUS ARGS... ; leaves stdout/stderr in $work/out, $work/err
    local expected=$1
    shift
    "$cli" "$@" >"$work/out" 2>"$work/err"
    local status=$?
    [ "$status" -eq "$expected" ] || { echo "exit $status, expected $expected: $*" >&2; cat "$work/err" >&2; return 1; }
}

has() { grep -qF -- "$2" "$work/$1"; }

check "applies the example patch" run 0 "$ex/release.json" "$ex/complete-phase-2.patch.json"
check "phase 2 is complete" has out '"_name":"Phase 2 - Staging","complete":true'
check "phase 3 is untouched" has out '"_name":"Phase 3 - Production","complete":false'
check "compact output" test "$(wc -l <"$work/out")" -eq 1

check "envelope" run 0 "$ex/release.json" "$ex/envelope.patch.json"
check "envelope applied" has out '"_name":"Phase 2 - Staging","complete":true'

check "refuses a rename" run 1 "$ex/release.json" "$ex/rejected-name.patch.json"
check "error object" has err '{"error":"path_not_allowed","op":0,"message":"operation 0 (path \"/name\"): path not allowed by policy'
check "http status in error" has err '"status":422}'
check "nothing on stdout when refused" test ! -s "$work/out"

check "invalid JSON patch" run 1 "$ex/release.json" <(printf '[{"op":')
check "invalid JSON has no op" has err '"error":"invalid_json","op":null'

printf '[{"op":"replace","path":"/phases/2/complete","value":true}]' >"$work/p3.json"
check "patch from stdin" run 0 "$ex/release.json" - <"$work/p3.json"
check "document from stdin" run 0 - "$work/p3.json" <"$ex/release.json"
check "ordered release refuses phase 3 first" run 1 --policy ordered-release "$ex/release.json" "$work/p3.json"
check "order error" has err '"error":"phase_order_violation"'

check "rfc6902 allows renaming" run 0 --policy=rfc6902 "$ex/release.json" "$ex/rejected-name.patch.json"
check "renamed" has out '"name":"renamed"'

check "pretty" run 0 --pretty "$ex/release.json" "$ex/complete-phase-2.patch.json"
check "pretty indents" has out '  "phases": ['

cp "$ex/release.json" "$work/doc.json"
chmod 640 "$work/doc.json"
check "in place" run 0 --in-place "$work/doc.json" "$ex/complete-phase-2.patch.json"
check "in place prints nothing" test ! -s "$work/out"
check "in place rewrote the file" grep -qF '"_name":"Phase 2 - Staging","complete":true' "$work/doc.json"
check "in place keeps the mode" test "$(stat -c %a "$work/doc.json")" = 640
check "no temporary left" test "$(ls "$work" | grep -c relpatch-)" -eq 0
cp "$work/doc.json" "$work/before.json"
check "in place refused" run 1 --in-place "$work/doc.json" "$ex/rejected-name.patch.json"
check "refused in place leaves the file" cmp -s "$work/doc.json" "$work/before.json"

check "no arguments" run 2
check "one argument" run 2 "$ex/release.json"
check "unknown policy" run 2 --policy merge "$ex/release.json" "$ex/complete-phase-2.patch.json"
check "unknown option" run 2 --frobnicate "$ex/release.json" "$ex/complete-phase-2.patch.json"
check "missing file" run 2 "$work/nope.json" "$ex/complete-phase-2.patch.json"
check "missing patch file" run 2 "$ex/release.json" "$work/nope.json"
check "both stdin" run 2 - - </dev/null
check "in place on stdin" run 2 --in-place - "$ex/complete-phase-2.patch.json" </dev/null
printf '{"phases":' >"$work/bad.json"
check "document not JSON" run 2 "$work/bad.json" "$ex/complete-phase-2.patch.json"
printf '{"a":"\xF0"}' >"$work/bad8.json"
check "document not UTF-8" run 2 "$work/bad8.json" "$ex/complete-phase-2.patch.json"
check "help" run 0 --help

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
