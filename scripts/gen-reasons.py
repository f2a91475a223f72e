#!/usr/bin/env python3
"""Regenerates docs/REASONS.md, and the list of reason codes in the report's
JSON Schema (docs/report.schema.json, `$defs.reason_code.enum`), from the
reason-code table in src/reason.rs.

The table in src/reason.rs is the source of truth; tests fail when either
output is stale (reason::tests::documented_in_reasons_md, and
tests/report_schema.rs for the schema).
Usage: python3 scripts/gen-reasons.py
"""
import json
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
    "A report's JSON form is specified in [FORMAT.md](FORMAT.md#15-report-json) and",
    "by the JSON Schema [report.schema.json](report.schema.json), whose list of codes",
    "is generated with this file.",
    "",
    "Each code also has a fixed number, the same in Rust (`ReasonCode::number`),",
    "the C ABI and JavaScript. A number is never reused: a retired code keeps its",
    "number, and a new code takes the next free one.",
    "",
    "This file is generated from `src/reason.rs` by `scripts/gen-reasons.py`.",
    "",
]
section, rows, doc, codes = "General", [], [], []


def flush():
    global rows
    if rows:
        out.extend([f"## {section}", "", "| number | code | meaning |", "|---|---|---|"] + rows + [""])
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
    m = re.match(r'(\w+) = (\d+) => "(\w+)",', l)
    if m:
        rows.append(f"| {m.group(2)} | `{m.group(3)}` | {' '.join(doc)} |")
        codes.append(m.group(3))
        doc = []
flush()
open(os.path.join(root, "docs/REASONS.md"), "w", encoding="utf-8").write("\n".join(out))

schema_path = os.path.join(root, "docs/report.schema.json")
schema = json.load(open(schema_path, encoding="utf-8"))
schema["$defs"]["reason_code"]["enum"] = codes
with open(schema_path, "w", encoding="utf-8") as f:
    f.write(json.dumps(schema, indent=2, ensure_ascii=False) + "\n")
