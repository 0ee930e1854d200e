#!/usr/bin/env python3
"""Mutation testing for every relpatch header, one mutant at a time.

Generates mutants from four operator classes over include/relpatch (relational operator
boundary/negation, negated if-condition, deleted early return, integer constant off by one),
picks a reproducible sample (--sample, --seed), and for each mutant rebuilds the test suite
against the mutated header and runs it with a timeout. A mutant is killed when a test fails,
crashes or times out; it survives when every test passes. The score is

    killed / (generated - stillborn - equivalent)

where stillborn mutants do not compile (the compiler rejected them; no test was run) and the
equivalent ones are listed, with the reason, in tests/mutation/equivalents.txt.

Nothing is ever written to the source tree: the sources are copied into --workdir and the
mutated header lives only in a worker's copy there. See tests/mutation/README.md.
"""

import argparse
import collections
import hashlib
import io
import json
import os
import random
import re
import resource
import shutil
import signal
import subprocess
import sys
import tarfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

def all_headers(include_dir):
    """Every header under include/relpatch (relative paths, sorted: top level first, then
    detail/), so that a header added later is mutated without editing this script. Headers
    with nothing but preprocessor lines (relpatch.hpp, version.hpp) yield no mutants."""
    root = os.path.join(include_dir, "relpatch")
    found = []
    for dirpath, _, files in os.walk(root):
        for f in files:
            if f.endswith(".hpp"):
                found.append(os.path.relpath(os.path.join(dirpath, f), root))
    return sorted(found, key=lambda h: (h.count(os.sep), h))

# Test sources that need a translation unit of their own (two TUs by design, or link flags
# of their own); everything else in relpatch_tests is built as one unity translation unit.
SEPARATE = {"odr_test_a.cpp", "odr_test_b.cpp"}


# --- reading C++ -------------------------------------------------------------------------------

def mask(src):
    """`src` with comments and preprocessor lines blanked out (newlines kept) and the inside of
    string and character literals replaced by '_', so that searches see code only, at the same
    offsets."""
    out = list(src)
    i, n = 0, len(src)
    line_start = True

    def blank(a, b):
        for k in range(a, b):
            if out[k] != "\n":
                out[k] = " "

    def opaque(a, b):  # a literal's inside: one operand, in which nothing is searched
        for k in range(a, b):
            out[k] = "_"

    while i < n:
        c = src[i]
        if line_start and c == "#":
            j = i
            while j < n and src[j] != "\n":
                if src[j] == "\\" and j + 1 < n and src[j + 1] == "\n":
                    j += 2
                    continue
                j += 1
            blank(i, j)
            i = j
            continue
        if c == "\n":
            line_start = True
            i += 1
            continue
        if c in " \t":
            i += 1
            continue
        line_start = False
        if src.startswith("//", i):
            j = src.find("\n", i)
            j = n if j < 0 else j
            blank(i, j)
            i = j
        elif src.startswith("/*", i):
            j = src.find("*/", i + 2)
            j = n if j < 0 else j + 2
            blank(i, j)
            i = j
        elif c == "R" and i + 1 < n and src[i + 1] == '"' and not (i > 0 and (src[i - 1].isalnum() or src[i - 1] == "_")):
            k = src.find("(", i + 2)
            delim = src[i + 2:k]
            j = src.find(")" + delim + '"', k)
            j = n if j < 0 else j + len(delim) + 2
            opaque(i + 1, j - 1)
            i = j
        elif c == '"' or (c == "'" and not (i > 0 and src[i - 1].isalnum())):
            j = i + 1
            while j < n and src[j] != c:
                j += 2 if src[j] == "\\" else 1
            j = min(j + 1, n)
            opaque(i + 1, j - 1)
            i = j
        else:
            i += 1
    return "".join(out)


def matching(code, i, open_ch, close_ch):
    """Index just past the bracket matching code[i] (== open_ch)."""
    depth = 0
    for j in range(i, len(code)):
        if code[j] == open_ch:
            depth += 1
        elif code[j] == close_ch:
            depth -= 1
            if depth == 0:
                return j + 1
    raise ValueError("unbalanced %s at %d" % (open_ch, i))


def statement_end(code, i):
    """Index just past the ';' ending the statement that starts at i (brackets balanced)."""
    depth = 0
    for j in range(i, len(code)):
        ch = code[j]
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == ";" and depth == 0:
            return j + 1
    raise ValueError("no end of statement at %d" % i)


def top_level_returns(code, a, b):
    """Whether code[a:b] (a block's inside) has a `return` statement at its own level."""
    depth = 0
    for m in re.finditer(r"[(){}\[\]]|\breturn\b", code[a:b]):
        t = m.group(0)
        if t in "([{":
            depth += 1
        elif t in ")]}":
            depth -= 1
        elif depth == 0:
            return True
    return False


# --- generating mutants ------------------------------------------------------------------------

# start/end/replacement: the mutant as a textual change. sstart/send/schema: the same mutant
# as a run-time switch (a mutant schema): the text that replaces [sstart, send) in a build that
# holds many mutants, with {k} for the mutant's number (None: it cannot be switched at run time
# and gets a build of its own).
Mutant = collections.namedtuple(
    "Mutant", "id header start end original replacement kind line col sstart send schema")

SWITCH = "relpatch_mutation::on({k})"

# Scanning out from a relational operator for its operands: what ends an operand (at bracket
# depth 0) because it binds less tightly than a comparison.
STOP_WORDS = ("return", "case", "throw")


def operand_start(code, i, op):
    """Where the left operand of the operator at code[i:] begins."""
    depth = 0
    j = i - 1
    while j >= 0:
        ch = code[j]
        if ch in ")]}":
            depth += 1
        elif ch in "([{":
            if depth == 0:
                break
            depth -= 1
        elif depth == 0:
            two = code[j - 1:j + 1]
            if ch in ",;?" or two in ("&&", "||"):
                break
            if ch == ":" and code[j - 1] != ":" and code[j + 1] != ":":
                break
            if ch == "=" and code[j - 1] not in "=!<>" and code[j + 1] != "=":
                break
            if op in ("==", "!=") and two in ("==", "!="):
                break
            word = re.search(r"\b(\w+)$", code[:j + 1])
            if word and word.group(1) in STOP_WORDS:
                break
        j -= 1
    start = j + 1
    while code[start].isspace():
        start += 1
    return start


def operand_end(code, i, op):
    """Where the right operand of the operator ending at code[i] ends."""
    depth = 0
    j = i
    while j < len(code):
        ch = code[j]
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            if depth == 0:
                break
            depth -= 1
        elif depth == 0:
            two = code[j:j + 2]
            if ch in ",;?" or two in ("&&", "||"):
                break
            if ch == ":" and code[j + 1] != ":" and code[j - 1] != ":":
                break
            if ch == "=" and code[j + 1] != "=" and code[j - 1] not in "=!<>":
                break
            if two in ("==", "!="):
                break
            if op not in ("==", "!=") and re.match(r"\s(<=|>=|<|>)\s", code[j - 1:j + 3]):
                break
        j += 1
    end = j
    while code[end - 1].isspace():
        end -= 1
    return end

REL_NEIGHBOURS = {"<": "<=", "<=": "<", ">": ">=", ">=": ">", "==": "!=", "!=": "=="}


def line_col(src, offset):
    line = src.count("\n", 0, offset) + 1
    col = offset - (src.rfind("\n", 0, offset) + 1) + 1
    return line, col


def mutants_of(header, src):
    code = mask(src)
    found = []

    def add(kind, start, end, replacement, sstart=None, send=None, schema=None):
        line, col = line_col(src, start)
        original = src[start:end]
        tag = {"neg": "!", "ret": "{}"}.get(kind, replacement)
        if sstart is None:
            sstart, send = start, end
        found.append(Mutant("%s:%d:%d:%s:%s" % (header, line, col, kind, tag),
                            header, start, end, original, replacement, kind, line, col,
                            sstart, send, schema))

    def braces(text):
        return text.replace("{", "{{").replace("}", "}}")

    # Relational operators: written with a space on each side in this code base, which tells a
    # comparison from a template's angle brackets; `operator==` declarations are left alone.
    for m in re.finditer(r"(?<=\s)(<=|>=|==|!=|<|>)(?=\s)", code):
        if re.search(r"operator\s*$", code[:m.start()][-20:]):
            continue
        op, new_op = m.group(1), REL_NEIGHBOURS[m.group(1)]
        a = operand_start(code, m.start(), op)
        b = operand_end(code, m.end(), op)
        schema = None
        if a < m.start() and b > m.end():
            left, right = braces(src[a:m.start()].strip()), braces(src[m.end():b].strip())
            schema = "(%s ? (%s %s %s) : (%s %s %s))" % (SWITCH, left, new_op, right, left, op,
                                                          right)
        add("rel", m.start(), m.end(), new_op, a, b, schema)

    # Conditions of if statements (not `if constexpr`, a compile-time dispatch).
    for m in re.finditer(r"\bif\s*\(", code):
        open_paren = m.end() - 1
        close = matching(code, open_paren, "(", ")")
        cond = src[open_paren + 1:close - 1]
        add("neg", open_paren, close, "(!(" + cond + "))", schema="(%s ? !(%s) : (%s))" % (
            SWITCH, braces(cond), braces(cond)))
        # An early return in its body: empty the body, keeping the condition (and its side
        # effects, such as charging the work budget).
        j = close
        while code[j].isspace():
            j += 1
        if code[j] == "{":
            end = matching(code, j, "{", "}")
            if top_level_returns(code, j + 1, end - 1):
                add("ret", j, end, "{}", schema="{{ if (!%s) %s }}" % (SWITCH, braces(src[j:end])))
        else:
            end = statement_end(code, j)
            if re.match(r"return\b", code[j:end]):
                add("ret", j, end, "{}", schema="{{ if (!%s) %s }}" % (SWITCH, braces(src[j:end])))

    # Integer literals, decimal or hexadecimal, not part of a floating literal.
    for m in re.finditer(r"(?<![\w.])(0[xX][0-9a-fA-F]+|\d+)([uUlLzZ]*)(?![\w.'])", code):
        text, suffix = m.group(1), m.group(2)
        hexa = text.lower().startswith("0x")
        value = int(text, 16) if hexa else int(text)
        for v in (value - 1, value + 1):
            if v < 0:
                continue
            spelled = ("0x%X" % v) if hexa else str(v)
            add("int", m.start(), m.end(), spelled + suffix,
                schema="(%s ? %s : %s)" % (SWITCH, spelled + suffix, m.group(0)))
    # A switch is a run-time value: where a constant expression is needed (constexpr variables,
    # template arguments, array bounds, enumerators, braced initializers that must not narrow)
    # the mutant gets a build of its own instead.
    def constant_context(f):
        stmt = max(code.rfind(";", 0, f.sstart), code.rfind("{", 0, f.sstart),
                   code.rfind("}", 0, f.sstart))
        head = code[stmt + 1:f.sstart]
        after = code[f.send:f.send + 1]
        before = code[:f.sstart].rstrip()[-1:]
        decl = code[code.rfind(";", 0, f.sstart) + 1:f.sstart]  # braces included: a table
        for h in (head, decl):
            if re.search(r"\bconstexpr\b", h) and "(" not in h.split("constexpr", 1)[1].split("=")[0]:
                return True
        if f.kind == "int" and (after == ">" or (before == "{" and after == "}")):
            return True
        if f.kind == "int" and after == "]" and before == "[" and re.search(
                r"\b\w+\s+\w+\s*$", code[:f.sstart - 1]):  # an array's declared size
            return True
        enum = code.rfind("enum class", 0, f.sstart)
        if enum >= 0 and code.find("};", enum) > f.sstart:
            return True
        return False
    found = [f._replace(schema=None) if f.schema and constant_context(f) else f for f in found]

    # Compile-time expressions are the compiler's to judge, not the tests': static_assert
    # arguments and `if constexpr` conditions are not mutated.
    static = []
    for m in re.finditer(r"\bstatic_assert\s*\(|\bif\s+constexpr\s*\(", code):
        static.append((m.start(), matching(code, m.end() - 1, "(", ")")))
    found = [f for f in found if not any(a <= f.start < b for a, b in static)]
    found.sort(key=lambda x: (x.start, x.kind, x.replacement))
    return found


def short(text):
    text = " ".join(text.split())
    if len(text) > 24:
        text = hashlib.sha1(text.encode()).hexdigest()[:8]
    return text


def apply_mutant(src, m):
    return src[:m.start] + m.replacement + src[m.end:]


def select(all_mutants, sample, seed, min_per_header):
    """A stratified, reproducible sample: every header gets at least `min_per_header` (or all
    it has), the rest is shared in proportion to the headers' mutant counts."""
    if sample is None or sample >= len(all_mutants):
        return list(all_mutants)
    by_header = collections.OrderedDict()
    for m in all_mutants:
        by_header.setdefault(m.header, []).append(m)
    total = len(all_mutants)
    quota = {h: min(len(ms), max(min_per_header, round(sample * len(ms) / total)))
             for h, ms in by_header.items()}
    while sum(quota.values()) > sample:
        h = max(quota, key=lambda k: (quota[k] - min(min_per_header, len(by_header[k])), k))
        if quota[h] <= min(min_per_header, len(by_header[h])):
            break
        quota[h] -= 1
    while sum(quota.values()) < sample:
        h = max(by_header, key=lambda k: (len(by_header[k]) - quota[k], k))
        if quota[h] >= len(by_header[h]):
            break
        quota[h] += 1
    chosen = []
    for h, ms in by_header.items():
        rng = random.Random("%s/%s" % (seed, h))
        chosen.extend(sorted(rng.sample(ms, quota[h]), key=lambda x: (x.start, x.kind, x.id)))
    return chosen


# --- building and running ----------------------------------------------------------------------

def snapshot(source, rev, dest):
    """Copies include/, tests/ and examples/ of `source` (its working tree, or commit `rev`)
    into `dest`."""
    if os.path.exists(dest):
        shutil.rmtree(dest)
    os.makedirs(dest)
    dirs = ["include", "tests", "examples"]
    if rev:
        data = subprocess.run(["git", "-C", source, "archive", "--format=tar", rev] + dirs,
                              check=True, stdout=subprocess.PIPE).stdout
        with tarfile.open(fileobj=io.BytesIO(data)) as t:
            t.extractall(dest)
    else:
        for d in dirs:
            shutil.copytree(os.path.join(source, d), os.path.join(dest, d), symlinks=True)


def test_sources(tests_dir):
    """The sources of relpatch_tests, read from tests/CMakeLists.txt (files missing from the
    snapshot are skipped with a note)."""
    text = open(os.path.join(tests_dir, "CMakeLists.txt")).read()
    m = re.search(r"add_executable\(relpatch_tests\s+([^)]*)\)", text)
    names = m.group(1).split()
    present = [n for n in names if os.path.exists(os.path.join(tests_dir, n))]
    for n in names:
        if n not in present:
            print("note: %s is listed in tests/CMakeLists.txt but absent; skipped" % n)
    return present


def write_unity(tests_dir, sources, path):
    """One translation unit for the suite: every header the tests include, at global scope,
    then each test file inside a namespace of its own (so that helpers with the same name in
    two files' anonymous namespaces do not clash; their includes are then no-ops)."""
    includes = []
    for s in sources:
        for line in open(os.path.join(tests_dir, s)):
            if re.match(r'\s*#\s*include\s*[<"]', line) and line.strip() not in includes:
                includes.append(line.strip())
    with open(path, "w") as out:
        out.write("// Generated by tests/mutation/mutate.py\n")
        for inc in includes:
            out.write(inc + "\n")
        for s in sources:
            ns = "relpatch_unity_" + re.sub(r"\W", "_", s)
            out.write("namespace %s {\n#include \"%s\"\n}  // namespace %s\n" % (ns, s, ns))


# Included first in every translation unit: which mutant of a schemata build is on
# (RELPATCH_MUTANT, read once), so that one build serves many mutants, run one at a time.
SWITCH_HEADER = """#ifndef RELPATCH_MUTATION_SWITCH
#define RELPATCH_MUTATION_SWITCH
#include <cstdlib>
namespace relpatch_mutation {
inline long active() noexcept {
    static const long k = [] {
        const char* s = std::getenv("RELPATCH_MUTANT");
        return s != nullptr ? std::atol(s) : -1L;
    }();
    return k;
}
inline bool on(long k) noexcept { return active() == k; }
}  // namespace relpatch_mutation
#endif
"""


def schema_text(src, numbered):
    """`src` with each (k, mutant) of `numbered` (non-overlapping) written as its switch; also
    the lines each switch occupies, to tell whose switch a compiler error is about."""
    pieces, spans, pos, line = [], {}, 0, 1
    for k, m in sorted(numbered, key=lambda x: x[1].sstart):
        before = src[pos:m.sstart]
        pieces.append(before)
        line += before.count("\n")
        text = m.schema.format(k=k)
        spans[k] = (line, line + text.count("\n"))
        pieces.append(text)
        line += text.count("\n")
        pos = m.send
    pieces.append(src[pos:])
    return "".join(pieces), spans


def schema_groups(numbered):
    """Splits (k, mutant) pairs into groups whose switches do not overlap."""
    groups = []
    for k, m in numbered:
        for g in groups:
            if all(m.send <= o.sstart or m.sstart >= o.send for _, o in g if o.header == m.header):
                g.append((k, m))
                break
        else:
            groups.append([(k, m)])
    return groups


class Builder:
    def __init__(self, args, src_root, workdir):
        self.args = args
        self.src = src_root
        self.workdir = workdir
        self.tests = os.path.join(src_root, "tests")
        sources = test_sources(self.tests)
        self.unity_sources = [s for s in sources if s not in SEPARATE]
        self.separate = [s for s in sources if s in SEPARATE]
        self.unity = os.path.join(workdir, "unity_tests.cpp")
        write_unity(self.tests, self.unity_sources, self.unity)
        self.has_alloc = os.path.exists(os.path.join(self.tests, "allocation_test.cpp"))
        self.defines = ['-DRELPATCH_TEST_DATA_DIR="%s"' % os.path.join(self.tests, "data"),
                        '-DRELPATCH_EXAMPLES_DIR="%s"' % os.path.join(src_root, "examples")]
        self.switch_header = os.path.join(workdir, "relpatch_mutation.hpp")
        with open(self.switch_header, "w") as f:
            f.write(SWITCH_HEADER)
        self.flags = (["-std=c++17", args.opt, "-DNDEBUG", "-w", "-include", self.switch_header]
                      + self.defines)
        # As tests/CMakeLists.txt does when nlohmann_json is installed: diff_test.cpp then also
        # compares patch sizes with nlohmann::json::diff's.
        probe = subprocess.run([args.cxx, "-std=c++17", "-fsyntax-only", "-x", "c++", "-"],
                               input=b"#include <nlohmann/json.hpp>\n", stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
        if probe.returncode == 0:
            self.flags.append("-DRELPATCH_TEST_HAVE_NLOHMANN")
        self.nice = ["nice", "-n", str(args.nice)] if args.nice else []
        # What no mutant changes is compiled once: the allocation counter (no relpatch in it).
        if self.has_alloc:
            self.counter_obj = os.path.join(workdir, "allocation_counter.o")
            self.run_cmd(["-c", os.path.join(self.tests, "allocation_counter.cpp"), "-o",
                          self.counter_obj], os.path.join(src_root, "include"), check=True)

    def run_cmd(self, extra, include, check=False, timeout=None):
        cmd = self.nice + [self.args.cxx] + self.flags + ["-I" + include, "-I" + self.tests] + extra
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout)
        if check and p.returncode != 0:
            sys.exit("build failed:\n" + " ".join(cmd) + "\n" + p.stdout.decode(errors="replace")[-4000:])
        return p.returncode, p.stdout.decode(errors="replace")

    def build(self, worker_dir, include):
        """Builds the suite against `include`. Returns (ok, log)."""
        exe = os.path.join(worker_dir, "relpatch_tests")
        objs = []
        for s in [self.unity] + [os.path.join(self.tests, x) for x in self.separate]:
            obj = os.path.join(worker_dir, os.path.basename(s) + ".o")
            rc, log = self.run_cmd(["-c", s, "-o", obj], include, timeout=self.args.build_timeout)
            if rc != 0:
                return False, log
            objs.append(obj)
        rc, log = self.run_cmd(objs + ["-o", exe, "-lgtest_main", "-lgtest", "-pthread"], include)
        return rc == 0, log

    def build_alloc(self, worker_dir, include):
        exe = os.path.join(worker_dir, "relpatch_allocation_test")
        rc, log = self.run_cmd([os.path.join(self.tests, "allocation_test.cpp"), self.counter_obj,
                                "-o", exe, "-Wl,--wrap=malloc", "-Wl,--wrap=calloc",
                                "-Wl,--wrap=realloc", "-lgtest_main", "-lgtest", "-pthread"],
                               include, timeout=self.args.build_timeout)
        return rc == 0, log


# Address space of a test binary, so that a mutant that allocates without bound fails there
# (bad_alloc: killed) instead of pushing the shared machine into swap or the OOM killer. The
# unmutated suite peaks near 60 MB.
MEMORY_LIMIT = [4096 << 20]


def limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT[0], MEMORY_LIMIT[0]))


def run_test(exe, timeout, cwd, mutant=None):
    """Runs a gtest binary, stopping at the first failure, with mutant number `mutant` switched
    on (a schemata build) or none. Returns (status, detail)."""
    env = dict(os.environ)
    env.pop("RELPATCH_MUTANT", None)
    if mutant is not None:
        env["RELPATCH_MUTANT"] = str(mutant)
    p = subprocess.Popen([exe, "--gtest_fail_fast", "--gtest_brief=1"], cwd=cwd, env=env,
                         preexec_fn=limit_memory if MEMORY_LIMIT[0] else None,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        out, _ = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.communicate()
        return "timeout", "no result after %d s" % timeout
    text = out.decode(errors="replace")
    if p.returncode == 0:
        return "pass", ""
    failed = re.findall(r"\[  FAILED  \] (\S+)", text)
    if p.returncode < 0:
        return "crash", "signal %d%s" % (-p.returncode, (" in " + failed[0]) if failed else "")
    return "fail", failed[0] if failed else "exit %d" % p.returncode


# --- the run -----------------------------------------------------------------------------------

def read_equivalents(path):
    eq = {}
    if os.path.exists(path):
        for line in open(path):
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            mid, _, why = line.partition(" -> ")
            eq[mid.strip()] = why.strip()
    return eq


def baseline(args, builder, workdir, src_root):
    base_dir = os.path.join(workdir, "baseline")
    os.makedirs(base_dir, exist_ok=True)
    t0 = time.time()
    ok, log = builder.build(base_dir, os.path.join(src_root, "include"))
    if not ok:
        sys.exit("the unmutated suite does not build:\n" + log[-4000:])
    status, detail = run_test(os.path.join(base_dir, "relpatch_tests"), args.timeout, src_root)
    if status != "pass":
        sys.exit("the unmutated suite fails: %s %s" % (status, detail))
    print("baseline: built and passed in %.0f s" % (time.time() - t0))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--source", default=REPO, help="repository root (default: this script's)")
    ap.add_argument("--rev", help="take the sources from this commit (git archive) instead of "
                                  "the working tree")
    ap.add_argument("--workdir", default="/tmp/relpatch-mutation-%d" % os.getuid())
    ap.add_argument("--sample", type=int, default=150, help="mutants to run (0: all)")
    ap.add_argument("--seed", default="6902")
    ap.add_argument("--min-per-header", type=int, default=3)
    ap.add_argument("--headers", nargs="*",
                    help="headers under include/relpatch to mutate (default: every one)")
    ap.add_argument("--ids", nargs="*", help="run only these mutant ids (from --list)")
    ap.add_argument("--list", action="store_true", help="list the selected mutants and stop")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--mode", choices=["schemata", "separate"], default="schemata",
                    help="schemata: compile many mutants into one build, each switched on by "
                         "RELPATCH_MUTANT at run time; separate: one build per mutant")
    ap.add_argument("--timeout", type=int, default=120, help="seconds per test binary")
    ap.add_argument("--memory-limit", type=int, default=4096,
                    help="MiB of address space per test binary (0: none)")
    ap.add_argument("--build-timeout", type=int, default=600)
    ap.add_argument("--cxx", default=os.environ.get("CXX", "g++"))
    ap.add_argument("--opt", default="-O1")
    ap.add_argument("--nice", type=int, default=10)
    ap.add_argument("--equivalents", default=os.path.join(HERE, "equivalents.txt"))
    ap.add_argument("--report", help="also write the summary (Markdown) to this file")
    args = ap.parse_args()

    started = time.time()
    MEMORY_LIMIT[0] = args.memory_limit << 20
    workdir = os.path.abspath(args.workdir)
    source = os.path.abspath(args.source)
    if workdir == source or workdir.startswith(source + os.sep):
        sys.exit("--workdir must be outside the source tree")
    os.makedirs(workdir, exist_ok=True)
    src_root = os.path.join(workdir, "src")
    snapshot(source, args.rev, src_root)

    if not args.headers:
        args.headers = all_headers(os.path.join(src_root, "include"))
    all_mutants = []
    for h in args.headers:
        path = os.path.join(src_root, "include", "relpatch", h)
        all_mutants.extend(mutants_of(h, open(path).read()))
    if args.ids:
        wanted = set(args.ids)
        chosen = [m for m in all_mutants if m.id in wanted]
        missing = wanted - {m.id for m in chosen}
        if missing:
            sys.exit("unknown mutant ids: " + ", ".join(sorted(missing)))
    else:
        chosen = select(all_mutants, args.sample or None, args.seed, args.min_per_header)
    per_kind = collections.Counter(m.kind for m in all_mutants)
    print("%d mutants in %d headers (%s); running %d (seed %s)" % (
        len(all_mutants), len(args.headers),
        ", ".join("%s %d" % kv for kv in sorted(per_kind.items())), len(chosen), args.seed))
    if args.list:
        for m in chosen:
            print("%s\t%r -> %r" % (m.id, short(m.original), m.replacement[:60]))
        return 0

    builder = Builder(args, src_root, workdir)
    # The unmutated suite must build and pass, or no mutant means anything. (A schemata build
    # is checked the same way with every mutant off, below.)
    if args.mode == "separate":
        baseline(args, builder, workdir, src_root)

    equivalents = read_equivalents(args.equivalents)
    results = {}
    lock = threading.Lock()
    log_path = os.path.join(workdir, "results.jsonl")
    log_file = open(log_path, "w")

    def record(m, status, detail, seconds):
        if status == "pass":
            status = "equivalent" if m.id in equivalents else "survived"
            if status == "equivalent":
                detail = equivalents[m.id]
        elif m.id in equivalents:
            detail += " (listed as equivalent, but killed)"
        rec = {"id": m.id, "header": m.header, "kind": m.kind, "status": status,
               "detail": detail, "seconds": round(seconds, 1), "original": m.original,
               "replacement": m.replacement}
        with lock:
            results[m.id] = rec
            log_file.write(json.dumps(rec) + "\n")
            log_file.flush()
            print("[%d/%d] %-10s %s  %s" % (len(results), len(chosen), status, m.id,
                                           detail[:100]), flush=True)

    def pool(items, fn):
        queue = list(items)

        def loop(n):
            while True:
                with lock:
                    if not queue:
                        return
                    item = queue.pop(0)
                fn(n, item)
        threads = [threading.Thread(target=loop, args=(n,)) for n in range(max(1, args.jobs))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    def run_mutant(exe_main, exe_alloc_fn, wdir, m, k):
        """Runs the suite (and, if it passes, the allocation test) with one mutant on."""
        status, detail = run_test(exe_main, args.timeout, src_root, k)
        if status == "pass" and builder.has_alloc:
            exe_alloc = exe_alloc_fn()
            if exe_alloc is None:
                return "stillborn", "allocation test does not build"
            status, detail = run_test(exe_alloc, args.timeout, src_root, k)
            if status != "pass":
                detail = "allocation test: " + detail
        return status, detail

    # Schemata: mutants that can be switched at run time are compiled in together (in groups
    # whose switches do not overlap) and run one at a time; a mutant whose switch does not
    # compile (a constant expression) falls back to a build of its own.
    fallback = [m for m in chosen if m.schema is None or args.mode == "separate"]
    numbered = [(k, m) for k, m in enumerate(chosen) if m not in fallback]
    groups = schema_groups(numbered)
    for g_index, group in enumerate(groups):
        gdir = os.path.join(workdir, "g%d" % g_index)
        ok = False
        for attempt in range(10):
            if not group:
                break
            if os.path.exists(gdir):
                shutil.rmtree(gdir)
            shutil.copytree(os.path.join(src_root, "include"), os.path.join(gdir, "include"))
            spans = {}
            for header in sorted({m.header for _, m in group}):
                path = os.path.join(gdir, "include", "relpatch", header)
                text, sp = schema_text(open(path).read(),
                                       [(k, m) for k, m in group if m.header == header])
                with open(path, "w") as f:
                    f.write(text)
                spans.update({k: (header, a, b) for k, (a, b) in sp.items()})
            t0 = time.time()
            ok, log = builder.build(gdir, os.path.join(gdir, "include"))
            if ok:
                break
            blamed = set()
            unknown = set()
            for hm in re.finditer(r"/include/relpatch/(\S+?\.hpp):(\d+):\d+: (?:error|note)", log):
                header, line = hm.group(1), int(hm.group(2))
                hits = {k for k, (h, a, b) in spans.items() if h == header and a <= line <= b}
                blamed |= hits
                if not hits and header in {m.header for _, m in group}:
                    unknown.add(header)
            if not blamed:
                blamed = {k for k, m in group if m.header in unknown} or {k for k, _ in group}
            print("schemata group %d: %d of %d switches do not compile (%s); they get builds "
                  "of their own" % (g_index, len(blamed), len(group), ", ".join(
                      m.id for k, m in group if k in blamed)), flush=True)
            fallback.extend(m for k, m in group if k in blamed)
            group[:] = [(k, m) for k, m in group if k not in blamed]
        if not group:
            continue
        if not ok:
            fallback.extend(m for _, m in group)
            continue
        status, detail = run_test(os.path.join(gdir, "relpatch_tests"), args.timeout, src_root)
        if status != "pass":
            print("schemata group %d fails with every mutant off (%s %s): its mutants get builds "
                  "of their own" % (g_index, status, detail), flush=True)
            fallback.extend(m for _, m in group)
            continue
        print("schemata group %d: %d mutants, built in %.0f s" % (g_index, len(group),
                                                                  time.time() - t0), flush=True)
        alloc_state = {}

        def alloc_exe(gdir=gdir, alloc_state=alloc_state):
            with lock:  # built once per group, when first needed
                if "exe" not in alloc_state:
                    ok, _ = builder.build_alloc(gdir, os.path.join(gdir, "include"))
                    alloc_state["exe"] = (os.path.join(gdir, "relpatch_allocation_test")
                                          if ok else None)
                return alloc_state["exe"]

        def one(n, item, gdir=gdir, alloc_exe=alloc_exe):
            k, m = item
            t = time.time()
            status, detail = run_mutant(os.path.join(gdir, "relpatch_tests"), alloc_exe, gdir,
                                        m, k)
            record(m, status, detail, time.time() - t)
        pool(group, one)

    # One build per mutant: the mutated header in a worker's copy of include/.
    def separate(n, m):
        wdir = os.path.join(workdir, "w%d" % n)
        inc = os.path.join(wdir, "include")
        if not os.path.exists(inc):
            shutil.copytree(os.path.join(src_root, "include"), inc)
        target = os.path.join(inc, "relpatch", m.header)
        original = open(target).read()
        t = time.time()
        try:
            with open(target, "w") as f:
                f.write(apply_mutant(original, m))
            ok, blog = builder.build(wdir, inc)
            if not ok:
                lines = blog.strip().splitlines()
                status, detail = "stillborn", lines[-1][:160] if lines else ""
            else:
                def alloc():
                    ok, _ = builder.build_alloc(wdir, inc)
                    return os.path.join(wdir, "relpatch_allocation_test") if ok else None
                status, detail = run_mutant(os.path.join(wdir, "relpatch_tests"), alloc, wdir, m,
                                            None)
        except subprocess.TimeoutExpired:
            status, detail = "stillborn", "build timed out"
        finally:
            with open(target, "w") as f:
                f.write(original)
        record(m, status, detail, time.time() - t)

    for n in range(max(1, args.jobs)):
        if os.path.exists(os.path.join(workdir, "w%d" % n)):
            shutil.rmtree(os.path.join(workdir, "w%d" % n))
    if fallback:
        print("%d mutants get builds of their own" % len(fallback), flush=True)
    pool(fallback, separate)
    log_file.close()

    report = summarize(chosen, results, time.time() - started, args, len(all_mutants))
    print(report)
    if args.report:
        with open(args.report, "w") as f:
            f.write(report)
    print("per-mutant results: %s" % log_path)
    return 0


def summarize(chosen, results, seconds, args, population):
    killed_states = ("fail", "crash", "timeout")
    rows = collections.OrderedDict()
    for m in chosen:
        r = results[m.id]
        row = rows.setdefault(m.header, collections.Counter())
        row["generated"] += 1
        row[r["status"]] += 1
    total = collections.Counter()
    for row in rows.values():
        total.update(row)

    def score(c):
        killed = sum(c[s] for s in killed_states)
        valid = c["generated"] - c["stillborn"] - c["equivalent"]
        return killed, valid, ("%.1f%%" % (100.0 * killed / valid)) if valid else "-"

    out = io.StringIO()
    killed, valid, pct = score(total)
    out.write("Mutation score: %d killed / %d (generated %d - stillborn %d - equivalent %d) = %s\n"
              % (killed, valid, total["generated"], total["stillborn"], total["equivalent"], pct))
    out.write("(%d mutants in the population, sample %s, seed %s; killed by failure %d, crash %d, "
              "timeout %d; wall time %d min %02d s)\n\n" % (
                  population, args.sample, args.seed, total["fail"], total["crash"],
                  total["timeout"], seconds // 60, seconds % 60))
    out.write("| header | generated | stillborn | equivalent | killed | survived | score |\n")
    out.write("|---|---:|---:|---:|---:|---:|---:|\n")
    for h, c in rows.items():
        k, v, p = score(c)
        out.write("| %s | %d | %d | %d | %d | %d | %s |\n" % (
            h, c["generated"], c["stillborn"], c["equivalent"], k, c["survived"], p))
    out.write("| **total** | %d | %d | %d | %d | %d | %s |\n" % (
        total["generated"], total["stillborn"], total["equivalent"], killed, total["survived"], pct))
    surv = [results[m.id] for m in chosen if results[m.id]["status"] == "survived"]
    if surv:
        out.write("\nSurvivors:\n")
        for r in surv:
            out.write("- %s: %r -> %r\n" % (r["id"], short(r["original"]), r["replacement"][:60]))
    eqs = [results[m.id] for m in chosen if results[m.id]["status"] == "equivalent"]
    if eqs:
        out.write("\nEquivalent (tests/mutation/equivalents.txt):\n")
        for r in eqs:
            out.write("- %s: %s\n" % (r["id"], r["detail"]))
    return out.getvalue()


if __name__ == "__main__":
    sys.exit(main())
