#!/usr/bin/env bash
# ctest driver for `relpatch diff`: cli_diff_test.sh PATH_TO_RELPATCH EXAMPLES_DIR
# (PATH_TO_RELPATCH is the CLI, or tests/cli_diff_main.cpp's stand-in: both take "diff" first).
set -u
# shellcheck source=tests/cli_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/cli_lib.sh"
cli_command=(diff)
same() { [ "$(cat "$work/out")" = "$1" ] || { echo "got: $(cat "$work/out")" >&2; return 1; }; }

# The example release document with phase 2 marked complete.
sed '0,/"complete": false/s//"complete": true/' "$ex/release.json" >"$work/edited.json"
cmp -s "$ex/release.json" "$work/edited.json" && { echo "could not edit the example" >&2; exit 1; }

check "release diff" run 0 "$ex/release.json" "$work/edited.json"
check "one replace of complete" same '[{"op":"replace","path":"/phases/1/complete","value":true}]'
check "identical documents" run 0 "$ex/release.json" "$ex/release.json"
check "empty patch" same '[]'
check "ordered release" run 0 --policy ordered-release "$ex/release.json" "$work/edited.json"
check "ordered release patch" same '[{"op":"replace","path":"/phases/1/complete","value":true}]'

# What the release policy cannot express: a name.
sed '0,/"name": "[^"]*"/s//"name": "renamed"/' "$ex/release.json" >"$work/renamed.json"
check "refuses a rename" run 1 "$ex/release.json" "$work/renamed.json"
check "error names the location" has err '"error":"path_not_allowed","op":0,"path":"/name"'
check "error has the status" has err '"status":422}'
check "nothing on stdout" test ! -s "$work/out"
check "rfc6902 allows it" run 0 --policy=rfc6902 "$ex/release.json" "$work/renamed.json"
check "rename patch" same '[{"op":"replace","path":"/name","value":"renamed"}]'

# A phase completed out of order.
printf '{"phases":[{"complete":false},{"complete":false}]}' >"$work/a.json"
printf '{"phases":[{"complete":false},{"complete":true}]}' >"$work/b.json"
check "order refused" run 1 --policy ordered-release "$work/a.json" "$work/b.json"
check "order error" has err '"error":"phase_order_violation","op":0,"path":"/phases/1/complete"'
check "order error status" has err '"status":409}'

# rfc6902: arrays aligned, moves, tests, exact numbers.
printf '{"a":[1,2,3,4,5,6,7,8,9,10],"n":1}' >"$work/a.json"
printf '{"a":[1,2,3,99,4,5,6,7,8,9,10],"n":1.0}' >"$work/b.json"
check "compact" run 0 --policy rfc6902 "$work/a.json" "$work/b.json"
check "one add" same '[{"op":"add","path":"/a/3","value":99}]'
check "exact" run 0 --policy rfc6902 --exact "$work/a.json" "$work/b.json"
check "exact keeps 1.0" has out '"n":1.0'
check "tests" run 0 --policy rfc6902 --tests --strategy in-place "$work/a.json" "$work/b.json"
check "tests guard replaces" has out '{"op":"test","path":"/a/3","value":4},{"op":"replace","path":"/a/3","value":99}'
check "release refuses tests" run 1 --tests "$work/a.json" "$work/a.json"
check "tests error" has err '"error":"op_not_allowed","op":null,"path":null'
check "pretty" run 0 --policy rfc6902 --pretty "$work/a.json" "$work/b.json"
check "pretty indents" has out '    "op": "add",'

# Standard input, byte order mark.
check "FROM from stdin" run 0 --policy rfc6902 - "$work/b.json" <"$work/a.json"
check "stdin patch" same '[{"op":"add","path":"/a/3","value":99}]'
printf '\xef\xbb\xbf{"a":1}' >"$work/bom.json"
check "BOM" run 0 --policy rfc6902 "$work/bom.json" "$work/a.json"

# Usage and document errors exit 2.
check "no arguments" run 2
check "one path" run 2 "$work/a.json"
check "three paths" run 2 "$work/a.json" "$work/a.json" "$work/a.json"
check "both stdin" run 2 - -
check "unknown policy" run 2 --policy nope "$work/a.json" "$work/b.json"
check "unknown strategy" run 2 --strategy nope "$work/a.json" "$work/b.json"
check "repeated option" run 2 --exact --exact "$work/a.json" "$work/b.json"
check "unknown option" run 2 --frobnicate "$work/a.json" "$work/b.json"
check "missing file" run 2 "$work/a.json" "$work/missing.json"
check "missing file named" has err 'cannot read TO ('
printf '{"a":' >"$work/bad.json"
check "invalid JSON" run 2 "$work/bad.json" "$work/a.json"
check "invalid JSON named" has err 'FROM ('
check "help" run 0 --help
check "help text" has out 'usage: relpatch diff'
check "-- ends options" run 0 --policy rfc6902 -- "$work/a.json" "$work/a.json"

echo "cli_diff: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
