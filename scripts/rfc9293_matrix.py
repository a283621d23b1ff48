#!/usr/bin/env python3
"""Generates docs/rfc9293-requirements.md: RFC 9293's requirement table as a judge.

Sources (nothing in the matrix is written by hand):
  * the RFC text: every label (MUST-n, SHLD-n, MAY-n, REC-n), its short text and
    level from Appendix B (Table 8), its section and sentence from the body;
  * the code: a comment `RFC 9293 <LABEL>: <answer>` beside the rule (any file
    under src/, tools/ or include/ except tests). An optional status in brackets
    follows the label: `[configurable]` (the answer names the knob and its
    default), `[n/a]` (the answer gives the reason), `[deviation]` (the answer
    carries the DEVIATION(tag) of the switch), `[not implemented]` (MAYs only).
    No bracket = implemented. Locations are files, never line numbers, so code
    moving inside a file does not make the matrix stale;
  * the tests: `SYNACK_RFC("MUST-58", ...)` inside a GoogleTest body names the
    requirements that test proves (src/base/rfc_tag.hpp).

Usage:
  scripts/rfc9293_matrix.py            rewrite the matrix
  scripts/rfc9293_matrix.py --check    exit 1 if the committed matrix is stale
                                       or an annotation is malformed (ctest)
"""
from __future__ import annotations

import argparse
import difflib
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "docs" / "rfc9293-requirements.md"
# The RFC travels with the repository (docs/rfc/rfc9293.txt, the IETF's text
# unmodified), so a clone regenerates and checks the matrix; SYNACK_RFC9293 or
# --rfc point elsewhere.
RFC_CANDIDATES = [
    Path(os.environ.get("SYNACK_RFC9293", "")),
    ROOT / "docs" / "rfc" / "rfc9293.txt",
]

LABEL_RE = r"(?:MUST|SHLD|MAY|REC)-\d+"
KINDS = ("MUST", "SHLD", "MAY", "REC")
KIND_NAME = {"MUST": "MUST", "SHLD": "SHOULD", "MAY": "MAY", "REC": "RECOMMENDED"}
STATUSES = ("implemented", "configurable", "n/a", "deviation", "not implemented")
CODE_DIRS = ("src", "tools", "include")
CODE_EXT = (".cc", ".hpp", ".h", ".cpp")
ANNOTATION = re.compile(
    r"RFC 9293 (" + LABEL_RE + r")(?:\s*\[([^\]]+)\])?:\s*(.*?)\s*(?:\*/)?$")
TEST_MARK = re.compile(r"SYNACK_RFC\(([^)]*)\)")
TEST_HEAD = re.compile(r"^\s*(?:TEST|TEST_F|TEST_P|RC_GTEST_PROP|RC_GTEST_FIXTURE_PROP|SYNACK_SCENARIO)"
                       r"\(\s*(\w+)\s*,\s*(\w+)", re.M)
# A label of Table 8 that the body never defines (RFC 9293 as published): its section
# and meaning, from the table row and the section whose rule it extends.
BODY_GAPS = {
    "MUST-22": ("3.8.3", "(Appendix B only, \"Same mechanism for SYNs\") The R1/R2 procedure "
                "for excessive retransmissions of §3.8.3 also applies to SYN segments."),
}


def label_key(label: str) -> tuple[int, int]:
    kind, num = label.split("-")
    return KINDS.index(kind), int(num)


@dataclass
class Requirement:
    label: str
    features: list[str] = field(default_factory=list)
    columns: set[str] = field(default_factory=set)
    section: str = ""
    sentence: str = ""
    annotations: list[tuple[str, str, str]] = field(default_factory=list)  # path, status, text
    tests: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.label.split("-")[0]

    @property
    def level(self) -> str:
        base = KIND_NAME[self.kind]
        if self.kind in ("MUST", "SHLD") and self.columns and all("NOT" in c for c in self.columns):
            return base + " NOT"
        return base

    @property
    def status(self) -> str:
        for _, status, _ in self.annotations:
            if status != "implemented":
                return status
        return "implemented" if self.annotations else "missing"

    @property
    def answer(self) -> str:
        texts: list[str] = []
        for _, _, text in self.annotations:
            if text and text not in texts:
                texts.append(text)
        return " / ".join(texts)

    @property
    def deviation_tag(self) -> str:
        m = re.search(r"DEVIATION\(([\w-]+)\)", self.answer)
        return m.group(1) if m else ""

    @property
    def covered(self) -> bool:
        status = self.status
        if status == "missing":
            return False
        if self.kind == "MAY":
            return True
        if status == "n/a":
            return bool(self.answer)
        if status == "deviation":
            return bool(self.deviation_tag)
        return bool(self.tests)


# ---- the RFC -------------------------------------------------------------------------


def find_rfc(explicit: str | None) -> Path | None:
    for p in ([Path(explicit)] if explicit else []) + RFC_CANDIDATES:
        if str(p) not in ("", ".") and p.is_file():
            return p
    return None


def parse_table(text: str, reqs: dict[str, Requirement]) -> None:
    start = text.index("Appendix B.  TCP Requirement Summary\n\n")
    end = text.index("Table 8: TCP Requirements Summary", start)
    columns = ["MUST", "SHOULD", "MAY", "SHOULD NOT", "MUST NOT"]
    row: list[list[str]] = []

    def flush() -> None:
        if not row:
            return
        cells = [" ".join(c.strip() for c in col if c.strip()) for col in zip(*row)]
        row.clear()
        if len(cells) != 7 or not re.fullmatch(LABEL_RE, cells[1]):
            return
        feature = re.sub(r"^\*\s*", "", cells[0]).replace("ALP^1", "ALP")
        feature = re.sub(r"(\w)- (\w)", r"\1-\2", re.sub(r"\s+", " ", feature))
        req = reqs.setdefault(cells[1], Requirement(cells[1]))
        if feature not in req.features:
            req.features.append(feature)
        req.columns |= {columns[i] for i in range(5) if cells[2 + i] == "X"}

    for line in text[start:end].splitlines():
        s = line.strip()
        if s.startswith("+"):
            flush()
        elif s.startswith("|"):
            parts = s.strip("|").split("|")
            if len(parts) == 7:
                row.append(parts)
    flush()


def parse_body(text: str, reqs: dict[str, Requirement]) -> None:
    body = text[: text.index("Appendix B.  TCP Requirement Summary\n\n")]
    body = body[body.index("\n2.2.  Key TCP Concepts"):]
    # Drop page breaks (footer, form feed, header) so sentences run on.
    body = re.sub(r"\n\n*[^\n]*\[Page \d+\]\n\f\n[^\n]*\n", "\n", body)
    sections = [(m.start(), m.group(1), m.group(2).strip())
                for m in re.finditer(r"^(\d+(?:\.\d+)*)\.  (.+)$", body, re.M)]
    for m in re.finditer(r"\((" + r"(?:MUST|SHLD|MAY|REC)" + r")-\s*(\d+)(?=[\s)])", body):
        label = f"{m.group(1)}-{m.group(2)}"
        req = reqs.get(label)
        if req is None or req.section:
            continue
        sec = [s for s in sections if s[0] < m.start()][-1]
        req.section = sec[1]
        para_start = body.rfind("\n\n", 0, m.start()) + 2
        para_end = body.find("\n\n", m.end())
        raw = body[para_start:para_end if para_end >= 0 else len(body)]
        raw = re.sub(r"^\s*\|", " ", raw, flags=re.M)  # the quoted block of §3.9.2.3
        raw = re.sub(r"(\w)-\n\s+", r"\1-", raw)      # words hyphenated across lines
        raw = raw.replace("[(", "(").replace(")]", ")")
        at = re.search(r"\(" + label + r"(?=[\s)])", raw).start()
        starts = [x.end() for x in re.finditer(r"(?:[.:;]|\)\.)\s+(?=[A-Z(\"])|^\s*[o*]\s+", raw, re.M)
                  if x.end() <= at]
        end = re.compile(r"\.(?=\s|$)").search(raw, raw.index(")", at))
        sentence = raw[(starts[-1] if starts else 0):(end.end() if end else len(raw))]
        req.sentence = re.sub(r"\s+", " ", sentence).strip()
    for label, (section, sentence) in BODY_GAPS.items():
        if label in reqs and not reqs[label].section:
            reqs[label].section, reqs[label].sentence = section, sentence


# ---- the code and the tests ----------------------------------------------------------


def source_files() -> list[Path]:
    files = []
    for d in CODE_DIRS + ("tests",):
        base = ROOT / d
        if base.is_dir():
            files += [p for p in base.rglob("*") if p.suffix in CODE_EXT and p.is_file()]
    return sorted(files)


def is_test(path: Path) -> bool:
    rel = path.relative_to(ROOT).as_posix()
    return rel.endswith("_test.cc") or rel.startswith("tests/")


def scan(reqs: dict[str, Requirement], errors: list[str]) -> None:
    for path in source_files():
        rel = path.relative_to(ROOT).as_posix()
        text = path.read_text(encoding="utf-8", errors="replace")
        if not is_test(path):
            for n, line in enumerate(text.splitlines(), 1):
                m = ANNOTATION.search(line)
                if not m or not re.search(r"(//|/\*|^\s*\*)", line[: m.start()]):
                    continue
                label, status, answer = m.group(1), (m.group(2) or "implemented"), m.group(3)
                where = f"{rel}:{n}"
                if label not in reqs:
                    errors.append(f"{where}: unknown label {label}")
                    continue
                if status not in STATUSES:
                    errors.append(f"{where}: {label}: unknown status [{status}] "
                                  f"(one of {', '.join(STATUSES)})")
                    continue
                if status == "not implemented" and not label.startswith("MAY"):
                    errors.append(f"{where}: {label}: only a MAY may be [not implemented]")
                if status in ("n/a", "configurable", "deviation") and not answer:
                    errors.append(f"{where}: {label} [{status}] needs its reason")
                reqs[label].annotations.append((rel, status, answer))
            continue
        heads = [(m.start(), f"{m.group(1)}.{m.group(2)}") for m in TEST_HEAD.finditer(text)]
        for m in TEST_MARK.finditer(text):
            labels = re.findall(r"\"([^\"]*)\"", m.group(1))
            before = [h for h in heads if h[0] < m.start()]
            line = text.count("\n", 0, m.start()) + 1
            if not before:
                errors.append(f"{rel}:{line}: SYNACK_RFC outside a test")
                continue
            name = f"{before[-1][1]} ({rel})"
            for label in labels:
                if label not in reqs:
                    errors.append(f"{rel}:{line}: unknown label {label!r}")
                elif name not in reqs[label].tests:
                    reqs[label].tests.append(name)


# ---- the matrix ----------------------------------------------------------------------


def cell(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", " ")


def status_text(r: Requirement) -> str:
    s = r.status
    if s == "implemented" and r.kind != "MAY" and not r.tests:
        return "implemented, untested"
    if s == "deviation" and r.deviation_tag:
        return f"deviation ({r.deviation_tag})"
    return s


def summary(reqs: list[Requirement]) -> str:
    parts = []
    for kind in KINDS:
        group = [r for r in reqs if r.kind == kind]
        if not group:
            continue
        counts = {}
        for r in group:
            counts[r.status] = counts.get(r.status, 0) + 1
        detail = ", ".join(f"{counts[s]} {s}" for s in STATUSES + ("missing",) if s in counts)
        verb = "stated" if kind == "MAY" else "covered"
        n = sum(r.covered for r in group)
        parts.append(f"{KIND_NAME[kind]} {n}/{len(group)} {verb} ({detail})")
    return " · ".join(parts)


def render(reqs: list[Requirement], rfc_name: str) -> str:
    out = [
        "# RFC 9293 requirements: what synack does about each",
        "",
        "<!-- Generated by scripts/rfc9293_matrix.py from the RFC text, the code's",
        "     `RFC 9293 <LABEL>:` comments and the tests' SYNACK_RFC(...) markers.",
        "     Do not edit: run `make docs` (or the script). ctest rfc9293_matrix_current",
        "     fails when this file is stale. -->",
        "",
        "RFC 9293 Appendix B labels every requirement of TCP (MUST-n, SHLD-n, MAY-n, REC-n).",
        "Each row gives the requirement (Appendix B's short text, the section that defines it,",
        "its level), synack's answer (the comment beside the code that honours it), the files",
        "holding that code and the tests that prove it. A MUST or SHOULD counts as covered",
        "when it is implemented (or configurable) with at least one test, not applicable with",
        "the reason, or a deliberate deviation with its `DEVIATION(tag)` switch;",
        "a MAY counts as stated when the code says what synack does.",
        "`synack rfc` prints this summary; `synack rfc MUST-58` one requirement.",
        "",
        f"**Summary:** {summary(reqs)}",
        "",
        "| Label | Level | § | Requirement | Status | synack's answer | Code | Tests |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in reqs:
        code = "<br>".join(sorted({p for p, _, _ in r.annotations}))
        tests = "<br>".join(r.tests)
        out.append("| " + " | ".join(cell(x) for x in (
            r.label, r.level, r.section, " / ".join(r.features), status_text(r), r.answer,
            code, tests)) + " |")
    out += ["", "## The RFC's sentences", "",
            f"Each label as the body of RFC 9293 states it ([{rfc_name}]({rfc_name})).", ""]
    for r in reqs:
        out.append(f"- **{r.label}** (§{r.section}): {r.sentence}")
    return "\n".join(out) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="fail if the matrix is stale")
    ap.add_argument("--rfc", help="path to rfc9293.txt")
    ap.add_argument("--output", default=str(OUTPUT))
    args = ap.parse_args()
    rfc = find_rfc(args.rfc)
    if rfc is None:
        where = "pass --rfc or set SYNACK_RFC9293; looked in docs/rfc"
        print(f"rfc9293_matrix: cannot find rfc9293.txt ({where})", file=sys.stderr)
        return 2
    text = rfc.read_text(encoding="utf-8")
    reqs: dict[str, Requirement] = {}
    parse_table(text, reqs)
    parse_body(text, reqs)
    errors: list[str] = []
    scan(reqs, errors)
    for r in reqs.values():
        if r.status == "deviation" and not r.deviation_tag:
            errors.append(f"{r.label} [deviation]: its answer needs the DEVIATION(tag) of the switch")
    ordered = sorted(reqs.values(), key=lambda r: label_key(r.label))
    rendered = render(ordered, "rfc/rfc9293.txt")
    for e in errors:
        print(f"rfc9293_matrix: {e}", file=sys.stderr)
    out = Path(args.output)
    if args.check:
        current = out.read_text(encoding="utf-8") if out.exists() else ""
        if current != rendered:
            diff = difflib.unified_diff(current.splitlines(), rendered.splitlines(),
                                        str(out), "regenerated", lineterm="", n=0)
            print("\n".join(list(diff)[:40]), file=sys.stderr)
            print(f"rfc9293_matrix: {out} is stale: run `make docs` "
                  "(scripts/rfc9293_matrix.py) and commit it", file=sys.stderr)
            return 1
        return 1 if errors else 0
    out.write_text(rendered, encoding="utf-8")
    print(f"rfc9293_matrix: wrote {out}: {summary(ordered)}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
