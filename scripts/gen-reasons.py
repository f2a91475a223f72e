#!/usr/bin/env python3
"""Regenerates docs/REASONS.md, and the list of reason codes in the report's
JSON Schema (docs/report.schema.json, `$defs.reason_code.enum`), from the
reason-code table in src/reason.rs and the messages for people, in Chinese
and English, in src/reason/messages.rs.

Those two tables are the source of truth; tests fail when either output is
stale (reason::tests::documented_in_reasons_md, and tests/report_schema.rs
for the schema).
Usage: python3 scripts/gen-reasons.py
"""
import json
import os
import re

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
src = open(os.path.join(root, "src/reason.rs"), encoding="utf-8").read()
body = src[src.index("reason_codes! {"):src.index("impl ReasonCode {\n    /// One-sentence")]
messages_src = open(os.path.join(root, "src/reason/messages.rs"), encoding="utf-8").read()
string = r'"((?:[^"\\]|\\.)*)"'
messages = {
    m.group(1): (m.group(2), m.group(3))
    for m in re.finditer(r"(\w+) => \(" + string + ", " + string + r"\),", messages_src)
}

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
    "Each code also has a message for people, in Chinese and in English",
    "(`ReasonCode::message`): the words reports and errors show beside the code,",
    "the same in the command line, the HTTP service, C and JavaScript. Messages may",
    "be reworded between releases; the codes never are.",
    "",
    "This file is generated from `src/reason.rs` and `src/reason/messages.rs` by",
    "`scripts/gen-reasons.py`.",
    "",
]
section, rows, doc, codes = "General", [], [], []


def flush():
    global rows
    if rows:
        out.extend([f"## {section}", "", "| number | code | meaning | 中文 | English |", "|---|---|---|---|---|"] + rows + [""])
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
        if m.group(1) not in messages:
            raise SystemExit(f"src/reason/messages.rs has no messages for {m.group(1)}")
        zh, en = messages[m.group(1)]
        rows.append(f"| {m.group(2)} | `{m.group(3)}` | {' '.join(doc)} | {zh} | {en} |")
        codes.append(m.group(3))
        doc = []
flush()
open(os.path.join(root, "docs/REASONS.md"), "w", encoding="utf-8").write("\n".join(out))

schema_path = os.path.join(root, "docs/report.schema.json")
schema = json.load(open(schema_path, encoding="utf-8"))
schema["$defs"]["reason_code"]["enum"] = codes
with open(schema_path, "w", encoding="utf-8") as f:
    f.write(json.dumps(schema, indent=2, ensure_ascii=False) + "\n")
