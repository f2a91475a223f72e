#!/usr/bin/env python3
"""Validates JSON files against a JSON Schema (draft 2020-12), formats included.

Usage: python3 scripts/validate-json.py SCHEMA FILE...

Checks the schema itself first, then each FILE; prints `ok FILE` or
`invalid FILE: <path>: <message>` for each. Exit status: 0 when every file
is valid, 1 when one is not, 2 when the schema is invalid or the Python
package `jsonschema` is missing (scripts/test.sh installs it). Used by
tests/report_schema.rs for docs/report.schema.json.
"""
import json
import sys

try:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError, best_match
except ImportError:
    print("error: the Python package jsonschema is missing: pip install jsonschema", file=sys.stderr)
    sys.exit(2)

if len(sys.argv) < 3:
    print(__doc__, file=sys.stderr)
    sys.exit(2)

with open(sys.argv[1], encoding="utf-8") as f:
    schema = json.load(f)
try:
    Draft202012Validator.check_schema(schema)
except SchemaError as e:
    print(f"error: {sys.argv[1]} is not a valid draft 2020-12 schema: {e.message}", file=sys.stderr)
    sys.exit(2)
validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)

status = 0
for path in sys.argv[2:]:
    with open(path, encoding="utf-8") as f:
        instance = json.load(f)
    e = best_match(validator.iter_errors(instance))
    if e is not None:
        status = 1
        # Under a oneOf (a member that may be null), name the deepest cause.
        while e.context:
            e = best_match(e.context)
        where = "/" + "/".join(str(p) for p in e.absolute_path)
        print(f"invalid {path}: {where}: {e.message}")
    else:
        print(f"ok {path}")
sys.exit(status)
