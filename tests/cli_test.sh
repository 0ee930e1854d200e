#!/usr/bin/env bash
# ctest driver for the relpatch command-line tool: cli_test.sh PATH_TO_RELPATCH EXAMPLES_DIR
set -u
# shellcheck source=tests/cli_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/cli_lib.sh"

one_word() {  # one_word SRC DST [PHASE]: DST is SRC with the phase's "complete": false made true
    python3 - "$1" "$2" "${3:-Phase 2 - Staging}" <<'PY'
import sys
src = open(sys.argv[1], "rb").read()
at = src.index(b'"complete"', src.index(('"%s"' % sys.argv[3]).encode()))
at = src.index(b"false", at)
open(sys.argv[2], "wb").write(src[:at] + b"true" + src[at + 5:])
PY
}
same_json() {  # same_json A B: A and B parse to the same value
    python3 -c 'import json, sys; sys.exit(json.load(open(sys.argv[1], encoding="utf-8-sig")) != json.load(open(sys.argv[2], encoding="utf-8-sig")))' "$1" "$2"
}
one_word "$ex/release.json" "$work/release-p2.json"  # what complete-phase-2 makes of release.json

# Without --pretty or --compact DOC comes back as written, but for the replaced value.
check "applies the example patch" run 0 "$ex/release.json" "$ex/complete-phase-2.patch.json"
check "only phase 2's complete changed" cmp -s "$work/out" "$work/release-p2.json"
check "one line differs" test "$(diff "$ex/release.json" "$work/out" | grep -c '^[<>]')" -eq 2
check "compact" run 0 --compact "$ex/release.json" "$ex/complete-phase-2.patch.json"
check "phase 2 is complete" has out '"_name":"Phase 2 - Staging","complete":true'
check "phase 3 is untouched" has out '"_name":"Phase 3 - Production","complete":false'
check "compact output is one line" test "$(wc -l <"$work/out")" -eq 1
check "compact output is the patched document" same_json "$work/out" "$work/release-p2.json"

check "envelope" run 0 "$ex/release.json" "$ex/envelope.patch.json"
check "envelope applied" cmp -s "$work/out" "$work/release-p2.json"

check "refuses a rename" run 1 "$ex/release.json" "$ex/rejected-name.patch.json"
check "error object" has err '{"error":"path_not_allowed","op":0,"message":"operation 0 (path \"/name\"): path not allowed by policy'
check "http status in error" has err '"status":422}'
check "nothing on stdout when refused" test ! -s "$work/out"

check "invalid JSON patch" run 1 "$ex/release.json" <(printf '[{"op":')
check "invalid JSON has no op" has err '"error":"invalid_json","op":null'
check "patch not UTF-8" run 1 "$ex/release.json" <(printf '[{"op":"replace","path":"/phases/1/complete","value":"\xF0"}]')
check "encoding error is the patch's" has err '{"error":"invalid_encoding","op":null'

printf '[{"op":"replace","path":"/phases/2/complete","value":true}]' >"$work/p3.json"
check "patch from stdin" run 0 "$ex/release.json" - <"$work/p3.json"
check "document from stdin" run 0 - "$work/p3.json" <"$ex/release.json"
check "ordered release refuses phase 3 first" run 1 --policy ordered-release "$ex/release.json" "$work/p3.json"
check "order error" has err '"error":"phase_order_violation"'

check "rfc6902 allows renaming" run 0 --policy=rfc6902 "$ex/release.json" "$ex/rejected-name.patch.json"
check "renamed" has out '"name": "renamed",'
check "renamed in place of the old name" test "$(diff "$ex/release.json" "$work/out" | grep -c '^[<>]')" -eq 2

check "pretty" run 0 --pretty "$ex/release.json" "$ex/complete-phase-2.patch.json"
check "pretty indents" has out '  "phases": ['
check "pretty output is the patched document" same_json "$work/out" "$work/release-p2.json"
check "pretty and compact exclude each other" run 2 --pretty --compact "$ex/release.json" "$ex/complete-phase-2.patch.json"
check "says they exclude each other" has err '--pretty and --compact exclude each other'
check "compact and pretty, the other way" run 2 --compact --pretty "$ex/release.json" "$ex/complete-phase-2.patch.json"
check "--compact twice" run 2 --compact --compact "$ex/release.json" "$ex/complete-phase-2.patch.json"

cp "$ex/release.json" "$work/doc.json"
chmod 640 "$work/doc.json"
check "in place" run 0 --in-place "$work/doc.json" "$ex/complete-phase-2.patch.json"
check "in place prints nothing" test ! -s "$work/out"
check "in place rewrote the file" cmp -s "$work/doc.json" "$work/release-p2.json"
check "in place keeps the mode" test "$(stat -c %a "$work/doc.json")" = 640
check "no temporary left" test "$(ls "$work" | grep -c relpatch-)" -eq 0
cp "$work/doc.json" "$work/before.json"
check "in place refused" run 1 --in-place "$work/doc.json" "$ex/rejected-name.patch.json"
check "refused in place leaves the file" cmp -s "$work/doc.json" "$work/before.json"
check "usage error in place" run 2 --in-place --pretty --compact "$work/doc.json" "$ex/complete-phase-2.patch.json"
check "usage error leaves the file" cmp -s "$work/doc.json" "$work/before.json"
printf '{"phases":[{"complete":false}],"x":[1,]}' >"$work/badx.json"
cp "$work/badx.json" "$work/badx-copy.json"
printf '[{"op":"replace","path":"/phases/0/complete","value":true}]' >"$work/p0.json"
check "invalid document in place" run 2 --in-place "$work/badx-copy.json" "$work/p0.json"
check "invalid document in place: says where" has err "DOC ($work/badx-copy.json) is not valid JSON at byte 38"
check "invalid document in place leaves the file" cmp -s "$work/badx.json" "$work/badx-copy.json"
check "invalid patch in place" run 1 --in-place "$work/doc.json" <(printf '[{"op":"replace","path":"/phases/0/complete","value":tru}]')
check "invalid patch leaves the file" cmp -s "$work/doc.json" "$work/before.json"

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

# Options end at --; each may be given once.
cp "$ex/release.json" "$work/-doc.json"
cp "$ex/complete-phase-2.patch.json" "$work/p2.json"
check "-- ends the options" bash -c 'cd "$1" && "$2" -- -doc.json p2.json >/dev/null' _ "$work" "$cli"
check "--pretty twice" run 2 --pretty --pretty "$ex/release.json" "$ex/complete-phase-2.patch.json"
check "says what is repeated" has err '--pretty given twice'
check "--in-place twice" run 2 --in-place --in-place "$work/-doc.json" "$ex/complete-phase-2.patch.json"
check "--policy twice" run 2 --policy release --policy rfc6902 "$ex/release.json" "$ex/complete-phase-2.patch.json"
check "--policy= twice" run 2 --policy=rfc6902 --policy release "$ex/release.json" "$ex/complete-phase-2.patch.json"

# A byte order mark is allowed in both files; DOC's is kept.
bom=$'\xEF\xBB\xBF'
{ printf '%s' "$bom"; cat "$ex/complete-phase-2.patch.json"; } >"$work/bom.patch.json"
check "patch with a BOM" run 0 "$ex/release.json" "$work/bom.patch.json"
check "patch with a BOM applied" cmp -s "$work/out" "$work/release-p2.json"
check "no BOM added" test "$(head -c 1 "$work/out")" = "{"
{ printf '%s' "$bom"; cat "$ex/release.json"; } >"$work/bom.json"
check "document with a BOM" run 0 "$work/bom.json" "$ex/complete-phase-2.patch.json"
check "output keeps the BOM" test "$(head -c 4 "$work/out")" = "$bom{"
check "in place with a BOM" run 0 --in-place "$work/bom.json" "$ex/complete-phase-2.patch.json"
check "file keeps the BOM" test "$(head -c 4 "$work/bom.json")" = "$bom{"
check "BOM file patched, one word" cmp -s "$work/bom.json" <({ printf '%s' "$bom"; cat "$work/release-p2.json"; })
{ printf '%s' "$bom"; cat "$ex/release.json"; } >"$work/bom.json"
check "compact with a BOM" run 0 --compact "$work/bom.json" "$ex/complete-phase-2.patch.json"
check "compact output keeps the BOM" test "$(head -c 4 "$work/out")" = "$bom{"
check "pretty with a BOM" run 0 --pretty "$work/bom.json" "$ex/complete-phase-2.patch.json"
check "pretty output keeps the BOM" test "$(head -c 4 "$work/out")" = "$bom{"

# Errors about DOC say DOC, with the byte offset in the file.
check "document not JSON, again" run 2 "$work/bad.json" "$ex/complete-phase-2.patch.json"
check "DOC error names DOC" has err "relpatch: DOC ($work/bad.json) is not valid JSON at byte 10: "
check "DOC error does not blame the patch" bash -c '! grep -qiw patch "$1"' _ "$work/err"
{ printf '%s' "$bom"; printf '{"phases":'; } >"$work/bombad.json"
check "document with a BOM not JSON" run 2 "$work/bombad.json" "$ex/complete-phase-2.patch.json"
check "offset counts the BOM" has err "DOC ($work/bombad.json) is not valid JSON at byte 13"
check "document not UTF-8, again" run 2 "$work/bad8.json" "$ex/complete-phase-2.patch.json"
check "encoding error names DOC" has err "DOC ($work/bad8.json) is not valid UTF-8 at byte 6"
check "unreadable PATCH names PATCH" run 2 "$ex/release.json" "$work/nope.json"
check "PATCH error names PATCH" has err "cannot read PATCH ($work/nope.json)"

# --pretty is bounded: indentation grows with depth, so DOC may nest at most 100 levels.
nested() {  # nested N: a release document whose "x" nests N arrays (depth N + 1)
    printf '{"phases":[{"complete":false}],"x":'
    printf '%*s' "$1" '' | tr ' ' '['
    printf '%*s' "$1" '' | tr ' ' ']'
    printf '}'
}
nested 99 >"$work/d100.json"
nested 100 >"$work/d101.json"
nested 9998 >"$work/d9999.json"
check "pretty at depth 100" run 0 --pretty "$work/d100.json" "$work/p0.json"
check "pretty refuses depth 101" run 2 --pretty "$work/d101.json" "$work/p0.json"
check "pretty depth message" has err "DOC ($work/d101.json) nests deeper than 100 levels at byte 134"
check "nothing printed" test ! -s "$work/out"
check "as written at depth 101" run 0 "$work/d101.json" "$work/p0.json"
check "compact at depth 101" run 0 --compact "$work/d101.json" "$work/p0.json"
check "pretty refuses depth 9999" run 2 --pretty "$work/d9999.json" "$work/p0.json"
check "no 200 MB of spaces" test ! -s "$work/out"
check "as written at depth 9999" run 0 "$work/d9999.json" "$work/p0.json"
check "output is the input but a word" cmp -s "$work/out" <(sed 's/false/true/' "$work/d9999.json")
check "compact at depth 9999" run 0 --compact "$work/d9999.json" "$work/p0.json"
check "compact output is the input's size" test "$(wc -c <"$work/out")" -lt 21000
add_innermost() {  # add_innermost N: a patch adding [] inside the innermost array of "nested N"
    printf '[{"op":"add","path":"/x'
    printf '%*s' "$(($1 - 1))" '' | sed 's| |/0|g'
    printf '/-","value":[]}]'
}
nested 98 >"$work/d99.json"
add_innermost 98 >"$work/deeper99.json"
add_innermost 99 >"$work/deeper100.json"
check "pretty: a patch may nest to 100" run 0 --pretty --policy rfc6902 "$work/d99.json" "$work/deeper99.json"
check "pretty: not to 101" run 1 --pretty --policy rfc6902 "$work/d100.json" "$work/deeper100.json"
check "refused as too deep" has err '"error":"document_too_deep"'
check "pretty: nothing printed when too deep" test ! -s "$work/out"
cp "$work/d100.json" "$work/d100-copy.json"
check "pretty in place: not to 101" run 1 --pretty --in-place --policy rfc6902 "$work/d100-copy.json" "$work/deeper100.json"
check "pretty in place: file untouched" cmp -s "$work/d100.json" "$work/d100-copy.json"
# Without --pretty the bound is 10000 levels, also after the patch: moving a subtree 9,998 deep
# one level further down (a copy that deep is refused as too nested).
{
    printf '{"phases":[{"complete":false}],"a":{"b":{"c":null}},"x":'
    printf '%*s' 9999 '' | tr ' ' '['
    printf '%*s' 9999 '' | tr ' ' ']'
    printf '}'
} >"$work/d10000.json"
printf '[{"op":"move","from":"/x/0","path":"/a/b"}]' >"$work/move-to-10000.json"
printf '[{"op":"move","from":"/x/0","path":"/a/b/c"}]' >"$work/move-to-10001.json"
check "a patch may nest to 10000" run 0 --policy rfc6902 "$work/d10000.json" "$work/move-to-10000.json"
check "not to 10001" run 1 --policy rfc6902 "$work/d10000.json" "$work/move-to-10001.json"
check "refused as too deep, again" has err '"error":"document_too_deep"'
check "compact: not to 10001" run 1 --compact --policy rfc6902 "$work/d10000.json" "$work/move-to-10001.json"
cp "$work/d10000.json" "$work/d10000-copy.json"
check "in place: not to 10001" run 1 --in-place --policy rfc6902 "$work/d10000-copy.json" "$work/move-to-10001.json"
check "in place: too deep leaves the file" cmp -s "$work/d10000.json" "$work/d10000-copy.json"

# --in-place: a no-op patch leaves DOC alone (same bytes, inode and mtime).
cp "$ex/release.json" "$work/same.json"
touch -d '2001-02-03 04:05:06' "$work/same.json"
before=$(stat -c '%i %Y %s' "$work/same.json")
printf '[{"op":"replace","path":"/phases/0/complete","value":true}]' >"$work/noop.json"
check "no-op in place" run 0 --in-place "$work/same.json" "$work/noop.json"
check "no-op leaves the file alone" test "$(stat -c '%i %Y %s' "$work/same.json")" = "$before"
check "no-op leaves the bytes" cmp -s "$work/same.json" "$ex/release.json"

# --in-place flushes the new file before the rename and the directory after (needs strace).
if command -v strace >/dev/null; then
    cp "$ex/release.json" "$work/synced.json"
    strace -o "$work/strace" -e trace=fsync,rename,renameat,renameat2 \
        "$cli" --in-place "$work/synced.json" "$ex/complete-phase-2.patch.json"
    check "fsync, rename, fsync" test "$(grep -oE '^(fsync|rename[a-z0-9]*)' "$work/strace" | tr '\n' ' ')" = "fsync rename fsync "
else
    echo "skipped: fsync check needs strace"
fi

# --in-place on a name of 255 bytes (the longest allowed): the temporary name must still fit.
long="$work/$(printf '%*s' 250 '' | tr ' ' 'd').json"
cp "$ex/release.json" "$long"
check "in place, 255-byte name" run 0 --in-place "$long" "$ex/complete-phase-2.patch.json"
check "255-byte name rewritten" cmp -s "$long" "$work/release-p2.json"
rm -f "$long"

# --in-place follows symlinks and rewrites only regular files.
mkdir "$work/sub"
cp "$ex/release.json" "$work/sub/real.json"
ln -s sub/real.json "$work/link.json"
check "in place through a symlink" run 0 --in-place "$work/link.json" "$ex/complete-phase-2.patch.json"
check "symlink stays a symlink" test -L "$work/link.json"
check "its target is rewritten" cmp -s "$work/sub/real.json" "$work/release-p2.json"
check "no temporary beside the link or target" test "$(ls -A "$work" "$work/sub" | grep -c relpatch)" -eq 0
mkfifo "$work/fifo"
check "in place refuses a FIFO" run 2 --in-place "$work/fifo" "$ex/complete-phase-2.patch.json"
check "FIFO refusal says why" has err "DOC ($work/fifo) is not a regular file"
check "FIFO stays a FIFO" test -p "$work/fifo"
ln -s /dev/null "$work/null.json"
check "in place refuses a device" run 2 --in-place "$work/null.json" "$ex/complete-phase-2.patch.json"
check "device link stays a link" test -L "$work/null.json"
ln -s /dev/stdin "$work/stdin.json"
check "in place refuses standard input on a pipe" bash -c '! cat "$1" | timeout 60 "$2" --in-place "$3" "$4" 2>/dev/null' \
    _ "$ex/release.json" "$cli" "$work/stdin.json" "$ex/complete-phase-2.patch.json"
check "stdin link stays a link" test -L "$work/stdin.json"
check "in place refuses standard input on a device" run 2 --in-place "$work/stdin.json" "$ex/complete-phase-2.patch.json" </dev/null
check "no temporary left after refusals" test "$(ls -A "$work" | grep -c relpatch)" -eq 0

# --in-place keeps the owner (needs root to set one up).
if [ "$(id -u)" -eq 0 ]; then
    cp "$ex/release.json" "$work/owned.json"
    chown 65534:65534 "$work/owned.json"
    chmod 604 "$work/owned.json"
    check "in place, another owner" run 0 --in-place "$work/owned.json" "$ex/complete-phase-2.patch.json"
    check "owner kept" test "$(stat -c '%u:%g %a' "$work/owned.json")" = "65534:65534 604"
    check "owned file rewritten" cmp -s "$work/owned.json" "$work/release-p2.json"
    cp "$ex/release.json" "$work/owned.json"
    chown 65534:65534 "$work/owned.json"
    check "in place --pretty, another owner" run 0 --in-place --pretty "$work/owned.json" "$ex/complete-phase-2.patch.json"
    check "owner kept by --pretty" test "$(stat -c '%u:%g %a' "$work/owned.json")" = "65534:65534 604"
    # A user who may write the file and directory but cannot give a file away fails cleanly.
    if command -v setpriv >/dev/null && setpriv --reuid=65534 --regid=65534 --clear-groups "$cli" --help >/dev/null 2>&1; then
        chmod 711 "$work"
        mkdir "$work/open" && chmod 777 "$work/open"
        cp "$ex/release.json" "$work/open/root.json" && chmod 666 "$work/open/root.json"
        # The patch beside DOC: the source tree may sit where that user cannot read it.
        cp "$ex/complete-phase-2.patch.json" "$work/open/patch.json" && chmod 644 "$work/open/patch.json"
        check "cannot give away: exit 2" bash -c 'setpriv --reuid=65534 --regid=65534 --clear-groups "$1" --in-place "$2" "$3" 2>"$4"; [ $? -eq 2 ]' \
            _ "$cli" "$work/open/root.json" "$work/open/patch.json" "$work/err"
        check "says it cannot keep the owner" has err "its owner (uid 0, gid 0)"
        check "file untouched" cmp -s "$work/open/root.json" "$ex/release.json"
        check "no temporary left by a failed chown" test "$(ls -A "$work/open" | grep -c relpatch)" -eq 0
        chmod 700 "$work"
    else
        echo "skipped: setpriv cannot run $cli as nobody"
    fi
else
    echo "skipped: owner tests need root"
fi

# Concurrent --in-place runs take turns: 40 runs, each completing another phase, lose nothing.
{
    printf '{"name":"forty","phases":['
    for i in $(seq 0 39); do
        [ "$i" -gt 0 ] && printf ','
        printf '{"_name":"Phase %d","complete":false}' "$i"
    done
    printf ']}'
} >"$work/forty.json"
pids=()
for i in $(seq 0 39); do
    printf '[{"op":"replace","path":"/phases/%d/complete","value":true}]' "$i" >"$work/forty-$i.patch.json"
    timeout 120 "$cli" --in-place "$work/forty.json" "$work/forty-$i.patch.json" 2>>"$work/forty.err" &
    pids+=($!)
done
statuses=0
for pid in "${pids[@]}"; do wait "$pid" || statuses=$((statuses + 1)); done
check "40 concurrent runs all exit 0" test "$statuses" -eq 0
check "40 concurrent runs: every phase complete" test "$(grep -o '"complete":true' "$work/forty.json" | wc -l)" -eq 40
check "40 concurrent runs: no temporary left" test "$(ls -A "$work" | grep -c relpatch)" -eq 0

# Numbers are exact: 2,000 random doubles (fixed seed) survive a release patch unchanged.
python3 - "$work/numbers.json" <<'PY'
import json, math, random, struct, sys
rng = random.Random(6902)
numbers = []
while len(numbers) < 2000:
    kind = rng.randrange(4)
    if kind == 0:  # any finite bit pattern: subnormals, huge and tiny exponents
        x = struct.unpack('<d', struct.pack('<Q', rng.getrandbits(64)))[0]
        if not math.isfinite(x):
            continue
    elif kind == 1:
        x = rng.uniform(-1e6, 1e6)
    elif kind == 2:
        x = rng.random() * 10.0 ** rng.randrange(-30, 30)
    else:
        x = float(rng.randrange(-2**53, 2**53)) / 2 ** rng.randrange(0, 60)
    numbers.append(x)
doc = {"numbers": numbers, "phases": [{"complete": False}, {"complete": False}]}
with open(sys.argv[1], "w") as f:
    json.dump(doc, f)
PY
check "numbers document" run 0 "$work/numbers.json" "$work/p0.json"
check "numbers document: one word changed" cmp -s "$work/out" <(sed 's/false/true/' "$work/numbers.json")
# --compact reads and writes the numbers through a DOM: exact as values (spellings may change).
check "numbers document, compact" run 0 --compact "$work/numbers.json" "$work/p0.json"
check "every number exact" python3 - "$work/numbers.json" "$work/out" <<'PY'
import json, struct, sys
before = json.load(open(sys.argv[1]))["numbers"]
after_doc = json.load(open(sys.argv[2]))
after = after_doc["numbers"]
bits = lambda x: struct.pack('<d', float(x))
bad = [(a, b) for a, b in zip(before, after) if not isinstance(b, float) or bits(a) != bits(b)]
for a, b in bad[:5]:
    print("number changed:", repr(a), "->", repr(b), file=sys.stderr)
sys.exit(1 if bad or len(after) != len(before) or after_doc["phases"][0]["complete"] is not True else 0)
PY

# Every spelling is kept: 2,000 numbers written many ways (exponents in either case, with and
# without signs, 17 significant digits, -0.0, trailing zeros, integers past 64 bits) in a
# multi-line document with uneven spacing, patched by a release patch and by an rfc6902 patch of
# replace and test. Each output must be the input with only the replaced values' bytes changed.
check "spelled numbers generated" python3 - "$work" <<'PY'
import json, math, os, random, struct, sys
work = sys.argv[1]
rng = random.Random(8259)
def spell(x):
    k = rng.randrange(12)
    if k == 0: return repr(x)
    if k == 1: return "%.17g" % x
    if k == 2: return "%.16E" % x
    if k == 3: return "%.16e" % x
    if k == 4: return ("%.*e" % (rng.randrange(0, 6), x)).replace("e", rng.choice(["e", "E"]))
    if k == 5: return rng.choice(["1.0E+2", "-0.0", "-0", "0", "0.0", "1e-7", "1E7", "1e+7", "0E-0",
                                  "4.9e-324", "2.2250738585072014e-308", "1.7976931348623157e308",
                                  "100.000", "-1.50", "18446744073709551616",
                                  "-9223372036854775809", "123456789012345678901234567890"])
    if k == 6: return str(rng.randrange(-2**63, 2**64))
    if k == 7: return "%d.%s" % (rng.randrange(-10**6, 10**6), "0" * rng.randrange(1, 4))
    if k == 8: return "%.17f" % (x / 10 ** 300 if abs(x) > 1e20 else x)
    return repr(x)
spellings = []
while len(spellings) < 2000:
    x = struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0]
    if rng.randrange(2): x = rng.uniform(-1e6, 1e6)
    if math.isfinite(x): spellings.append(spell(x))
def doc(values, complete):
    lines = ["{", '    "numbers" : [']
    for i, v in enumerate(values):
        sep = "," if i + 1 < len(values) else ""
        lines.append(" " * rng.randrange(4, 9) + v + rng.choice(["", " ", "\t"]) + sep)
    lines.append("    ],")
    lines.append('    "phases": [ {"complete": %s}, {"complete":false} ]' % complete)
    lines.append("}")
    return "\n".join(lines) + "\n"
state = rng.getstate()
base = doc(spellings, "false")
rng.setstate(state)
open(os.path.join(work, "spelled.json"), "w").write(base)
open(os.path.join(work, "spelled-p0.json"), "w").write(doc(spellings, "true"))
changed = list(spellings)
changed[1] = "1.0E+2"
changed[1999] = "-0.0e-0"
rng.setstate(state)
open(os.path.join(work, "spelled-rfc.json"), "w").write(doc(changed, "false"))
# Written by hand: json.dump would respell the values.
open(os.path.join(work, "spelled.patch.json"), "w").write(
    '[{"op": "test", "path": "/numbers/0", "value": %s},\n'
    ' {"op": "replace", "path": "/numbers/1", "value": 1.0E+2},\n'
    ' {"op": "replace", "path": "/numbers/1999", "value": -0.0e-0}]\n' % spellings[0])
assert json.loads(base)["numbers"] is not None
PY
check "spelled numbers, release patch" run 0 "$work/spelled.json" "$work/p0.json"
check "every spelling kept" cmp -s "$work/out" "$work/spelled-p0.json"
check "spelled numbers, rfc6902 replace and test" run 0 --policy rfc6902 "$work/spelled.json" "$work/spelled.patch.json"
check "replaced values as the patch spells them" cmp -s "$work/out" "$work/spelled-rfc.json"
cp "$work/spelled.json" "$work/spelled-in-place.json"
check "spelled numbers in place" run 0 --in-place "$work/spelled-in-place.json" "$work/p0.json"
check "every spelling kept in place" cmp -s "$work/spelled-in-place.json" "$work/spelled-p0.json"

# A release file indented by 4 spaces, with LF and with CRLF line ends, patched in place, differs
# from the original in one word: phase 2's "complete": false is now true.
python3 -c 'import json, sys; json.dump(json.load(open(sys.argv[1])), open(sys.argv[2], "w"), indent=4); open(sys.argv[2], "a").write("\n")' \
    "$ex/release.json" "$work/rel4.json"
sed 's/$/\r/' "$work/rel4.json" >"$work/rel4crlf.json"
words() { tr -s ' \r\n' '\n' <"$1"; }
for variant in rel4 rel4crlf; do
    cp "$work/$variant.json" "$work/$variant-patched.json"
    one_word "$work/$variant.json" "$work/$variant-expected.json"
    check "$variant: in place" run 0 --in-place "$work/$variant-patched.json" "$ex/complete-phase-2.patch.json"
    check "$variant: the original but one word" cmp -s "$work/$variant-patched.json" "$work/$variant-expected.json"
    check "$variant: one word differs" test "$(diff <(words "$work/$variant.json") <(words "$work/$variant-patched.json") | grep '^[<>]' | tr '\n' ' ')" = "< false, > true, "
    check "$variant: one line differs" test "$(diff "$work/$variant.json" "$work/$variant-patched.json" | grep -c '^[<>]')" -eq 2
    check "$variant: multi-line" test "$(wc -l <"$work/$variant-patched.json")" -gt 100
done
check "CRLF kept" test "$(grep -c $'\r$' "$work/rel4crlf-patched.json")" -eq "$(wc -l <"$work/rel4crlf.json")"

# rfc6902 patches that add, remove, move or copy are applied on a DOM by the library: the output
# is compact, and keeps the newline DOC ended with.
printf '[{"op":"remove","path":"/phases/0"}]' >"$work/remove0.json"
check "remove: applied" run 0 --policy rfc6902 "$ex/release.json" "$work/remove0.json"
check "remove: one line, with its newline" test "$(wc -l <"$work/out")" -eq 1 -a "$(tail -c 1 "$work/out" | od -An -c | tr -d ' ')" = '\n'
check "remove: the patched document" python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2])); del b["phases"][0]; sys.exit(a != b)' "$work/out" "$ex/release.json"
cp "$work/rel4crlf.json" "$work/rel4crlf-remove.json"
check "remove in place: applied" run 0 --in-place --policy rfc6902 "$work/rel4crlf-remove.json" "$work/remove0.json"
check "remove in place: keeps the CRLF at the end" test "$(tail -c 2 "$work/rel4crlf-remove.json" | od -An -c | tr -d ' ')" = '\r\n'

# --check decides and writes nothing: exit 0, 1 or 2, nothing on standard output, DOC untouched.
cp "$ex/release.json" "$work/check.json"
touch -d '2001-02-03 04:05:06' "$work/check.json"
check_before=$(stat -c '%i %Y %s' "$work/check.json")
unchanged() { cmp -s "$work/check.json" "$ex/release.json" && test "$(stat -c '%i %Y %s' "$work/check.json")" = "$check_before"; }
check "--check: would apply" run 0 --check "$work/check.json" "$ex/complete-phase-2.patch.json"
check "--check: silent on success" test ! -s "$work/out" -a ! -s "$work/err"
check "--check: file untouched" unchanged
check "--check: envelope" run 0 --check "$work/check.json" "$ex/envelope.patch.json"
check "--check: no-op patch" run 0 --check "$work/check.json" "$work/noop.json"
check "--check: rfc6902 remove" run 0 --check --policy rfc6902 "$work/check.json" "$work/remove0.json"
check "--check: nothing printed for rfc6902" test ! -s "$work/out" -a ! -s "$work/err"
check "--check: refused" run 1 --check "$work/check.json" "$ex/rejected-name.patch.json"
check "--check: error object" has err '{"error":"path_not_allowed","op":0,"message":"operation 0 (path \"/name\"): path not allowed by policy'
check "--check: nothing on stdout when refused" test ! -s "$work/out"
check "--check: ordered release refused" run 1 --check --policy ordered-release "$work/check.json" "$work/p3.json"
check "--check: order error" has err '"error":"phase_order_violation"'
check "--check: invalid patch" run 1 --check "$work/check.json" <(printf '[{"op":')
check "--check: too deep after the patch" run 1 --check --policy rfc6902 "$work/d10000.json" "$work/move-to-10001.json"
check "--check: file untouched after refusals" unchanged
check "--check: invalid document" run 2 --check "$work/bad.json" "$ex/complete-phase-2.patch.json"
check "--check: names DOC" has err "DOC ($work/bad.json) is not valid JSON at byte 10"
check "--check: nothing on stdout for an invalid document" test ! -s "$work/out"
check "--check: document not UTF-8" run 2 --check "$work/bad8.json" "$ex/complete-phase-2.patch.json"
nested 10000 >"$work/d10001.json"
check "--check: document too deep" run 2 --check "$work/d10001.json" "$work/p0.json"
check "--check: says how deep" has err "DOC ($work/d10001.json) nests deeper than 10000 levels at byte"
check "--check: missing DOC" run 2 --check "$work/nope.json" "$ex/complete-phase-2.patch.json"
check "--check: DOC from stdin" run 0 --check - "$ex/complete-phase-2.patch.json" <"$ex/release.json"
for other in --in-place --pretty --compact "--inverse $work/check-inv.json"; do
    # shellcheck disable=SC2086
    check "--check with $other: usage error" run 2 --check $other "$work/check.json" "$ex/complete-phase-2.patch.json"
    check "--check with $other: says why" has err '--check writes nothing'
done
check "--check twice" run 2 --check --check "$work/check.json" "$ex/complete-phase-2.patch.json"
check "--check: no inverse file" test ! -e "$work/check-inv.json"
check "--check: file untouched at the end" unchanged

# Memory: without --pretty or --compact a run holds DOC's text and the output, about twice DOC's
# size; with them DOC's text is released once parsed and the output streamed, so a run costs
# DOC's size plus its DOM; --inverse parses DOC for its undo log before the text path runs.
# Each mode's peak is measured on its own (under sanitizers memory is not comparable: skipped).
if grep -qa AddressSanitizer "$cli"; then
    echo "skipped: memory check under AddressSanitizer"
else
    # Generated in a process of its own: Linux reports a child's peak as at least its parent's
    # size when it forked, so the measuring process stays small (about 10 MB).
    python3 - "$ex/release.json" "$work/large.json" <<'PY'
import copy, json, sys
doc = json.load(open(sys.argv[1]))
phase = doc["phases"][1]
doc["phases"] = [dict(copy.deepcopy(phase), _id="%024x" % i) for i in range(12000)]
with open(sys.argv[2], "w") as f:
    json.dump(doc, f, indent=2)
PY
    check "memory stays near the document's size" python3 - "$cli" "$work/large.json" "$ex/complete-phase-2.patch.json" "$work" <<'PY'
import os, subprocess, sys
cli, path, patch, work = sys.argv[1:]
size = os.path.getsize(path)
inverse = os.path.join(work, "large-inverse.json")
worst = 0
# --in-place last: it changes the document, after which the patch is a no-op.
for args in ([], ["--compact"], ["--pretty"], ["--check"], ["--inverse", inverse], ["--in-place"]):
    with open(os.devnull, "w") as out:
        child = subprocess.Popen([cli] + args + [path, patch], stdout=out)
        _, status, usage = os.wait4(child.pid, 0)
    rss = usage.ru_maxrss * 1024
    print("%-14s max RSS %5.1f MB (%.2fx)" % (" ".join(args[:1]) or "(as written)", rss / 1e6, rss / size))
    if status != 0:
        print("exit status", status, "with", args, file=sys.stderr)
        sys.exit(1)
    worst = max(worst, rss)
print("document %.1f MB, max RSS %.1f MB (%.2fx)" % (size / 1e6, worst / 1e6, worst / size))
sys.exit(0 if worst < 3 * size else 1)
PY
    rm -f "$work/large.json" "$work/large-inverse.json"
fi

# --inverse FILE: the patch that undoes what was applied; applying it gives back DOC.
cp "$ex/release.json" "$work/inv-doc.json"
check "inverse written" run 0 --inverse "$work/inv.json" "$work/inv-doc.json" "$ex/complete-phase-2.patch.json"
check "inverse is a release patch" has inv.json '[{"op":"replace","path":"/phases/1/complete","value":false}]'
cp "$work/out" "$work/inv-patched.json"
check "with --inverse, the output is as written" cmp -s "$work/out" "$work/release-p2.json"
check "inverse restores the document" run 0 "$work/inv-patched.json" "$work/inv.json"
check "restored byte for byte" cmp -s "$work/out" "$ex/release.json"
check "inverse with --compact" run 0 --compact --inverse "$work/inv-c.json" "$work/inv-doc.json" "$ex/complete-phase-2.patch.json"
check "the same inverse" cmp -s "$work/inv.json" "$work/inv-c.json"
check "inverse in place" run 0 --in-place --inverse "$work/inv-ip.json" "$work/inv-doc.json" "$ex/complete-phase-2.patch.json"
check "inverse in place: file as written" cmp -s "$work/inv-doc.json" "$work/release-p2.json"
check "inverse in place: the same inverse" cmp -s "$work/inv.json" "$work/inv-ip.json"
check "inverse in place restores" run 0 --in-place "$work/inv-doc.json" "$work/inv-ip.json"
check "inverse in place restores byte for byte" cmp -s "$work/inv-doc.json" "$ex/release.json"
check "inverse of an invalid document" run 2 --inverse "$work/inv-bad.json" "$work/bad.json" "$ex/complete-phase-2.patch.json"
check "invalid document: no inverse" test ! -e "$work/inv-bad.json"
rm -f "$work/inv.json"
check "no inverse for a refused patch" run 1 --inverse "$work/inv.json" "$ex/release.json" "$ex/rejected-name.patch.json"
check "inverse file not created" test ! -e "$work/inv.json"
check "inverse of a no-op patch is empty" run 0 --inverse "$work/inv.json" "$ex/release.json" \
  <(printf '[{"op":"replace","path":"/phases/0/complete","value":true}]')
check "empty inverse" has inv.json '[]'
check "inverse to stdout with --in-place" run 0 --in-place --inverse - "$work/inv-doc.json" "$ex/complete-phase-2.patch.json"
check "inverse on stdout" has out '"path":"/phases/1/complete","value":false'
check "inverse - needs --in-place" run 2 --inverse - "$ex/release.json" "$ex/complete-phase-2.patch.json"
check "inverse given twice" run 2 --inverse a --inverse b "$ex/release.json" "$ex/complete-phase-2.patch.json"
printf '[{"op":"remove","path":"/phases/0"},{"op":"add","path":"/x","value":[1,2]}]' >"$work/structural.json"
check "rfc6902 inverse" run 0 --policy rfc6902 --inverse "$work/inv2.json" "$ex/release.json" "$work/structural.json"
cp "$work/out" "$work/inv2-patched.json"
check "rfc6902 inverse restores" run 0 --policy rfc6902 "$work/inv2-patched.json" "$work/inv2.json"
check "rfc6902 restored equals the original" python3 -c 'import json,sys; sys.exit(json.load(open(sys.argv[1])) != json.load(open(sys.argv[2])))' "$work/out" "$ex/release.json"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
