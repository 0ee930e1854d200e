#!/usr/bin/env python3
"""Patch sizes of relpatch::diff against nlohmann::json::diff and python-json-patch's make_patch.

    python3 bench/diff_corpus.py BUILD/bench/relpatch_diff_compare [--pairs N] [--seed S]
                                 [--corpus FILE]

Generates a corpus of document pairs with a fixed seed (each pair: a random document, and the
same document after a few random RFC 6902 operations: add, remove, replace, move, copy), runs
python-json-patch's make_patch on every pair, then the driver (bench/diff_compare.cpp) for
relpatch and nlohmann, checks that every patch turns `from` into `to`, and prints a Markdown
table of operations and bytes. Needs python3-jsonpatch (Debian) or `pip install jsonpatch`.

The random numbers come from splitmix64, written out here, so the corpus is the same on every
Python version and platform.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

import jsonpatch


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & 0xFFFFFFFFFFFFFFFF

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
        return z ^ (z >> 31)

    def below(self, n):
        return self.next() % n


NAMES = ["a", "b", "c", "d", "id", "name", "x/y", "t~", "phases", "complete", "status",
         "configuration"]
WORDS = ["a", "b", "release", "~/", "", "a longer string value", "monitoredRelease",
         "example-reviewer-team"]


def scalar(r):
    k = r.below(7)
    if k == 0:
        return None
    if k == 1:
        return r.below(2) == 1
    if k == 2:
        return r.below(20) - 5
    if k == 3:
        return r.below(1000) + 0.5
    return WORDS[r.below(len(WORDS))]


def value(r, depth, width):
    if depth == 0 or r.below(3) == 0:
        return scalar(r)
    n = r.below(width + 1)
    if r.below(2):
        return [value(r, depth - 1, width) for _ in range(n)]
    out = {}
    for _ in range(n):
        out[NAMES[r.below(len(NAMES))]] = value(r, depth - 1, width)
    return out


def records(r, count):
    """An array of similar objects, like the phases of a release document."""
    return {"name": "pipeline", "phases": [
        {"_id": "%024x" % r.next(), "name": "Phase %d" % i, "complete": r.below(2) == 1,
         "audiences": [{"key": "env%d" % r.below(5), "weight": r.below(100)}],
         "configuration": {"releaseStrategy": WORDS[r.below(len(WORDS))],
                           "requireApproval": r.below(2) == 1}}
        for i in range(count)], "_version": r.below(10)}


def escape(token):
    return str(token).replace("~", "~0").replace("/", "~1")


def locations(doc, at=""):
    out = [(at, doc)]
    if isinstance(doc, list):
        for i, v in enumerate(doc):
            out += locations(v, at + "/" + str(i))
    elif isinstance(doc, dict):
        for k, v in doc.items():
            out += locations(v, at + "/" + escape(k))
    return out


def insertion_point(r, at, target):
    if isinstance(target, list):
        return at + "/" + str(r.below(len(target) + 1))
    if isinstance(target, dict):
        return at + "/" + escape(NAMES[r.below(len(NAMES))])
    return None


def edit(r, doc, count):
    for _ in range(count):
        where = locations(doc)
        at, target = where[r.below(len(where))]
        kind = r.below(5)
        if kind == 0:
            path = insertion_point(r, at, target)
            op = path and {"op": "add", "path": path, "value": value(r, 2, 4)}
        elif kind == 1:
            op = {"op": "remove", "path": at}
        elif kind == 2:
            op = {"op": "replace", "path": at, "value": value(r, 2, 4)}
        else:
            other, o = where[r.below(len(where))]
            path = insertion_point(r, other, o)
            op = path and {"op": "move" if r.below(2) else "copy", "from": at, "path": path}
        if not op:
            continue
        try:
            doc = jsonpatch.apply_patch(doc, [op])
        except Exception:  # an operation that does not apply (jsonpatch raises several kinds)
            pass
    return doc


def corpus(pairs, seed):
    r = SplitMix64(seed)
    out = []
    while len(out) < pairs:
        if r.below(3) == 0:
            doc = records(r, 3 + r.below(30))
        else:
            doc = value(r, 4, 6)
            if not isinstance(doc, (dict, list)):
                continue
        out.append((doc, edit(r, json.loads(json.dumps(doc)), 1 + r.below(6))))
    return out


def canonical(v):
    return json.dumps(v, sort_keys=True)


def dumps(v):
    return json.dumps(v, separators=(",", ":"), ensure_ascii=False)


def main():
    # make_patch's output depends on set order, hence on string hashing: fix it for a
    # reproducible table.
    if os.environ.get("PYTHONHASHSEED") != "0":
        os.execve(sys.executable, [sys.executable] + sys.argv, dict(os.environ, PYTHONHASHSEED="0"))
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("driver", help="the relpatch_diff_compare binary")
    parser.add_argument("--pairs", type=int, default=500)
    parser.add_argument("--seed", type=int, default=20261128)
    parser.add_argument("--corpus", help="also write the corpus (JSON lines) to this file")
    args = parser.parse_args()

    pairs = corpus(args.pairs, args.seed)
    lines = [dumps([a, b]) for a, b in pairs]
    if args.corpus:
        with open(args.corpus, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")

    py_ops = []
    py_bytes = []
    py_wrong = 0
    for a, b in pairs:
        patch = jsonpatch.make_patch(a, b).patch
        # Compared as canonical text: Python's == takes true for 1.
        try:
            if canonical(jsonpatch.apply_patch(a, patch)) != canonical(b):
                py_wrong += 1
        except Exception:
            py_wrong += 1
        py_ops.append(len(patch))
        py_bytes.append(len(dumps(patch).encode("utf-8")))

    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
        f.flush()
        run = subprocess.run([args.driver, f.name], capture_output=True, text=True, check=False)
    if run.returncode != 0:
        sys.exit("driver failed:\n" + run.stderr)
    rows = [list(map(int, line.split())) for line in run.stdout.splitlines()]
    assert len(rows) == len(pairs), "the driver answered %d of %d pairs" % (len(rows), len(pairs))
    rp_ops = [row[0] for row in rows]
    rp_bytes = [row[1] for row in rows]
    nl_ops = [row[2] for row in rows]
    nl_bytes = [row[3] for row in rows]

    n = len(pairs)
    def table_row(name, ops, size, wrong):
        return "| %s | %d | %.2f | %d | %.0f | %d |" % (
            name, sum(ops), sum(ops) / n, sum(size), sum(size) / n, wrong)
    print("%d pairs, seed %d (%d of them release-like documents)" % (
        n, args.seed, sum(1 for a, _ in pairs if isinstance(a, dict) and "_version" in a)))
    print()
    print("| diff | operations | per pair | bytes | per pair | wrong patches |")
    print("|---|---:|---:|---:|---:|---:|")
    print(table_row("relpatch::diff (compact)", rp_ops, rp_bytes, 0))
    print(table_row("nlohmann::json::diff", nl_ops, nl_bytes, 0))
    print(table_row("jsonpatch.make_patch", py_ops, py_bytes, py_wrong))
    print()
    def compare(name, ops):
        fewer = sum(1 for x, y in zip(rp_ops, ops) if x < y)
        same = sum(1 for x, y in zip(rp_ops, ops) if x == y)
        more = sum(1 for x, y in zip(rp_ops, ops) if x > y)
        return "| %s | %d | %d | %d |" % (name, fewer, same, more)
    print("| relpatch against | fewer operations | as many | more |")
    print("|---|---:|---:|---:|")
    print(compare("nlohmann::json::diff", nl_ops))
    print(compare("jsonpatch.make_patch", py_ops))


if __name__ == "__main__":
    main()
