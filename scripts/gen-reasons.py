#!/usr/bin/env python3
"""Regenerates docs/REASONS.md from the reason-code table in src/reason.rs.

The table in src/reason.rs is the source of truth; a unit test
(reason::tests::documented_in_reasons_md) fails when this file is stale.
Usage: python3 scripts/gen-reasons.py
"""
import os
import re

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
src = open(os.path.join(root, "src/reason.rs"), encoding="utf-8").read()
body = src[src.index("reason_codes! {"):src.index("impl ReasonCode {\n    /// One-sentence")]

out = [
    "# Reason codes",
    "",
    "Every check in a verification report, and every error of the library, carries",
    "one of these stable codes. They are identical in Rust (`elicense::ReasonCode`),",
    "in JSON reports, in the C ABI and in JavaScript. A code, once published, keeps",
    "its spelling and meaning; new codes may be added.",
    "",
    "The checks of a licence verification and the codes each can give are listed in",
    "the `verify` module documentation and in [FORMAT.md](FORMAT.md#6-verification).",
    "",
    "Verdicts: `VALID` (every check passed), `INVALID` (a check failed),",
    "`INDETERMINATE` (something needed to decide is missing: e.g. `SIGNER_UNKNOWN`).",
    "",
    "This file is generated from `src/reason.rs` by `scripts/gen-reasons.py`.",
    "",
]
section, rows, doc = "General", [], []


def flush():
    global rows
    if rows:
        out.extend([f"## {section}", "", "| code | meaning |", "|---|---|"] + rows + [""])
    rows = []


for line in body.splitlines():
    l = line.strip()
    m = re.match(r"// --- (.*) ---", l)
    if m:
        flush()
        section = m.group(1)
        continue
    if l.startswith("///"):
        doc.append(l[3:].strip())
        continue
    m = re.match(r'(\w+) => "(\w+)",', l)
    if m:
        rows.append(f"| `{m.group(2)}` | {' '.join(doc)} |")
        doc = []
flush()
open(os.path.join(root, "docs/REASONS.md"), "w", encoding="utf-8").write("\n".join(out))
