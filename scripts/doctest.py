#!/usr/bin/env python3
"""Runs the shell examples of README.md and docs/*.md (docs/README.md, "Examples
are tested") so a change in synack's output breaks the build, not the docs.

Fenced blocks, by info string (the first word is the language GitHub shows):
  ```console   "$ COMMAND" lines (a trailing "\\" continues one), each followed
               by its expected output (stdout and stderr together). "..." alone
               on a line matches any number of lines, "..." inside a line any
               text; "[exit N]" as the last output line expects status N (else 0).
  ```sh        (or bash, shell) every command runs in one `bash -e`; only the
               exit status is checked.
  extra words: "root" runs the block only with --root (ctest label interop: needs
               root, TUN, namespaces); "skip" never runs it (say why in the text).
Other blocks (no info string, cpp, json ...) are not run.

Both sides are normalised before comparing: trailing spaces, IPv4 addresses,
ports after them, hex strings of 16+ digits (hashes), times with a unit
(0.123 s, 25ms) and rates (12.3 Mbit/s).

Each file runs in a scratch directory that links the repository's top-level
entries (so docs/, tests/ ... resolve; ../shared too, see --shared) with synack's build directory first on
PATH, COLUMNS=100, NO_COLOR=1, LC_ALL=C.UTF-8. The examples name build
artefacts as `build/dev/...` (the dev preset's tree); there `build/dev` is the
tree of the synack under test (BUILD above), so they run against that build.

  doctest.py --synack BUILD/tools/synack/synack [--root] README.md docs
  doctest.py --list FILE.md|DIR ...     the blocks and how each is run
"""
import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

RUN_LANGS = {"console", "sh", "bash", "shell"}
TIMEOUT = 300


class Block:
    def __init__(self, path, line, lang, flags, lines):
        self.path, self.line, self.lang, self.flags, self.lines = path, line, lang, flags, lines

    @property
    def where(self):
        return f"{self.path}:{self.line}"


def blocks_of(path):
    out, fence, start, info, body = [], None, 0, "", []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            stripped = line.rstrip("\n")
            m = re.match(r"^(```+)(.*)$", stripped)
            if fence is None and m:
                fence, start, info, body = m.group(1), n, m.group(2).strip(), []
            elif fence is not None and stripped.strip() == fence:
                words = info.split()
                lang = words[0] if words else ""
                if lang in RUN_LANGS:
                    out.append(Block(path, start, lang, set(words[1:]), body))
                fence = None
            elif fence is not None:
                body.append(stripped)
    return out


def console_steps(block):
    """[(command, [expected lines], expected status)] of a console block."""
    steps, cmd, expected, cont = [], None, [], False
    for line in block.lines:
        if cont:
            cmd += "\n" + line
            cont = line.endswith("\\")
            continue
        if line.startswith("$ "):
            if cmd is not None:
                steps.append((cmd, expected))
            cmd, expected = line[2:], []
            cont = line.endswith("\\")
        elif cmd is not None:
            expected.append(line)
    if cmd is not None:
        steps.append((cmd, expected))
    result = []
    for cmd, exp in steps:
        while exp and not exp[-1].strip():
            exp.pop()
        status = 0
        if exp and re.fullmatch(r"\[exit \d+\]", exp[-1].strip()):
            status = int(exp.pop().strip()[6:-1])
        result.append((cmd, exp, status))
    return result


NORMALISE = [
    (re.compile(r"\b[0-9a-f]{16,}\b"), "<hex>"),
    (re.compile(r"\b\d{1,3}(\.\d{1,3}){3}(:\d+)?\b"), "<ip>"),
    (re.compile(r"\b\d+(\.\d+)? ?(ns|us|µs|ms|s|min)\b"), "<time>"),
    (re.compile(r"\b\d+(\.\d+)? ?[kMG]?bit/s\b"), "<rate>"),
]


def normalise(line):
    for pattern, repl in NORMALISE:
        line = pattern.sub(repl, line)
    return line.rstrip()


def line_matches(expected, actual):
    if "..." not in expected:
        return expected == actual
    parts = [re.escape(p) for p in expected.split("...")]
    return re.fullmatch(".*".join(parts), actual, re.S) is not None


def lines_match(expected, actual):
    """Expected lines (with "..." wildcards) against actual lines."""
    if not expected:
        return not actual
    if expected[0].strip() == "...":
        return any(lines_match(expected[1:], actual[i:]) for i in range(len(actual) + 1))
    return bool(actual) and line_matches(expected[0], actual[0]) and lines_match(
        expected[1:], actual[1:])


def run_shell(script, cwd, env):
    """Runs `script` in bash in its own process group; whatever it leaves
    running (background jobs) is killed afterwards, and on timeout."""
    p = subprocess.Popen(["bash", "-o", "pipefail", "-c", script], cwd=cwd, env=env,
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, start_new_session=True)
    try:
        out, _ = p.communicate(timeout=TIMEOUT)
        status = p.returncode
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, _ = p.communicate()
        status = None
        out += f"\n(timed out after {TIMEOUT} s)".encode()
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    return status, out.decode("utf-8", "replace")


def check_block(block, cwd, env):
    """Returns a list of failure messages (empty: passed)."""
    failures = []
    if block.lang == "console":
        for cmd, expected, status in console_steps(block):
            got_status, out = run_shell(cmd, cwd, env)
            actual = [normalise(x) for x in out.rstrip("\n").split("\n")] if out.strip() else []
            want = [normalise(x) for x in expected]
            if got_status != status or not lines_match(want, actual):
                failures.append(
                    f"{block.where}: $ {cmd}\n  exit status {got_status} (expected {status})\n"
                    "  --- expected (normalised)\n" + "\n".join("  " + x for x in want) +
                    "\n  --- actual (normalised)\n" + "\n".join("  " + x for x in actual))
    else:
        script = "set -e\n" + "\n".join(block.lines)
        got_status, out = run_shell(script, cwd, env)
        if got_status != 0:
            failures.append(f"{block.where}: exit status {got_status}\n" + "\n".join(
                "  " + x for x in out.rstrip("\n").split("\n")[-20:]))
    return failures


def scratch_dir(repo, shared, build):
    """A fresh directory SCRATCH/repo linking the repository's entries (and
    build/dev to `build`, the tree under test), and SCRATCH/shared linking
    `shared` (so "../shared/..." resolves as in /work/main)."""
    top = tempfile.mkdtemp(prefix="synack-doctest-")
    d = os.path.join(top, "repo")
    os.mkdir(d)
    for entry in os.listdir(repo):
        if entry in (".git", "build"):
            continue
        os.symlink(os.path.join(repo, entry), os.path.join(d, entry))
    if build:
        os.mkdir(os.path.join(d, "build"))
        os.symlink(build, os.path.join(d, "build", "dev"))
    if shared and os.path.isdir(shared):
        os.symlink(os.path.abspath(shared), os.path.join(top, "shared"))
    return top, d


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="+")
    ap.add_argument("--synack", help="the synack binary to put first on PATH")
    ap.add_argument("--root", action="store_true", help="run the blocks marked root (only them)")
    ap.add_argument("--list", action="store_true", help="list the blocks, run nothing")
    ap.add_argument("--shared", help="what ../shared means (default: the repository's ../shared)")
    a = ap.parse_args()
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    files = []
    for f in a.files:  # a directory stands for its *.md files
        files += sorted(os.path.join(f, x) for x in os.listdir(f) if x.endswith(".md")) \
            if os.path.isdir(f) else [f]
    blocks = [b for f in files for b in blocks_of(f)]
    if a.list:
        for b in blocks:
            how = "skip" if "skip" in b.flags else ("root" if "root" in b.flags else "run")
            print(f"{b.where}: {b.lang} {how}")
        return 0
    env = dict(os.environ, COLUMNS="100", NO_COLOR="1", LC_ALL="C.UTF-8", SYNACK_PROGRESS="0")
    build = None
    if a.synack:
        env["PATH"] = os.path.dirname(os.path.abspath(a.synack)) + os.pathsep + env["PATH"]
        build = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(a.synack))))
    chosen = [b for b in blocks if "skip" not in b.flags and ("root" in b.flags) == a.root]
    failures, ran = [], 0
    by_file = {}
    for b in chosen:
        by_file.setdefault(b.path, []).append(b)
    for path, file_blocks in by_file.items():
        top, cwd = scratch_dir(repo, a.shared or os.path.join(repo, "..", "shared"), build)
        try:
            for b in file_blocks:
                if any("../shared" in line for line in b.lines) and \
                        not os.path.isdir(os.path.join(top, "shared")):
                    print(f"SKIP {b.where}: needs ../shared (the conformance corpus), absent here")
                    continue
                ran += 1
                failures += check_block(b, cwd, env)
        finally:
            shutil.rmtree(top, ignore_errors=True)
    for f in failures:
        print(f"FAIL {f}\n")
    skipped = sum(1 for b in blocks if "skip" in b.flags)
    print(f"doctest: {ran} blocks run, {len(failures)} failed, {skipped} marked skip, "
          f"{len(blocks) - ran - skipped} left for the {'plain' if a.root else 'root'} run")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
