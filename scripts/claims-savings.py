#!/usr/bin/env python3
"""Measures, one by one, what each saving of the compact licence claims
(wire format version 2, docs/FORMAT.md §4) takes off the reference sample's
COSE_Sign1, and prints the table of docs/FORMAT.md §9.2.

Usage: claims-savings.py [--check FORMAT.md] [--markdown]

Each row applies one more saving to the version 1 encoding of the sample
(examples/data/business-licence.json), in the order of the table; the last
row is the version 2 encoding. Sizes are of the COSE_Sign1 with an Ed25519
signature (64 bytes). The signature here is a fixed stand-in of 64
random-looking bytes (SHA-512 of a constant): the raw sizes are exact, the
DEFLATE sizes within a byte or two of a real signature's.

With --check, the last row's claims must equal, byte for byte, the claims of
the worked example in docs/FORMAT.md §8: this script is then also an
independent implementation of the packing algorithms of §4.

Needs only the standard library and cbor2 (pip install cbor2).
"""

import argparse
import hashlib
import re
import sys
import zlib

import cbor2

# GB 32100 alphabet: val(c) is the index.
CREDIT = "0123456789ABCDEFGHJKLMNPQRTUWXY"
BASE45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
# Alphanumeric capacity of QR versions 1..40 at ECC level Q (ISO/IEC 18004 Table 7).
CAPACITY_Q = [16, 29, 47, 67, 87, 108, 125, 157, 189, 221, 261, 296, 352, 376, 426, 470,
              531, 574, 644, 702, 742, 823, 890, 963, 1041, 1094, 1172, 1263, 1322, 1429,
              1499, 1618, 1700, 1787, 1867, 1966, 2071, 2181, 2298, 2420]

SAMPLE = {
    "type_code": "11100000000013338W011",
    "type_name": "营业执照",
    "serial": "20240001735",
    "version": 1,
    "holder": (1, "91310115MA1K4LQX58", "上海浦江智联科技有限公司"),
    "nbf": 1558281600,  # 2019-05-20 00:00 CST
    "iat": 1716170400,  # 2024-05-20 10:00 CST
    "status_index": 17,
    # (number, version 1 key, value); the date is days since 1970-01-01.
    "items": [
        (2, "address", "上海市浦东新区碧波路690号"),
        (3, "legal_rep", "李明华"),
        (4, "capital", 10000000),
        (6, "scope", "软件开发；信息技术咨询服务；技术服务、技术开发"),
        (5, "established", ("date", 18036)),
    ],
}

KID = bytes.fromhex("3c1f2a9b5507e46d")
SIGNATURE = hashlib.sha512(b"elicense claims-savings stand-in signature").digest()


def credit_number(code):
    """Σ val(c_i)·31^(17−i) over the 18 characters."""
    n = 0
    for c in code:
        n = n * 31 + CREDIT.index(c)
    return n


def pack_type_code(code):
    return (credit_number(code[:18]) * 1000 + int(code[18:])).to_bytes(13, "big")


def pack_credit_code(code):
    return credit_number(code).to_bytes(12, "big")


def serial_value(serial):
    """uint exactly when the serial is the canonical decimal of a u64."""
    if serial.isdigit() and (serial == "0" or serial[0] != "0") and int(serial) < 2**64:
        return int(serial)
    return serial


# The savings, in the order they are applied.
STEPS = [
    ("typ_integer", "`typ` as the content format 65100 instead of `application/el-lic+cwt` (§3)"),
    ("no_type_name", "type name dropped (the catalogue has it)"),
    ("type_code_packed", "type code packed: bstr of 13 instead of 21 characters"),
    ("holder_code_packed", "holder credit code packed: bstr of 12 instead of 18 characters"),
    ("serial_uint", "serial as an unsigned integer (canonical decimal)"),
    ("items_by_number", "data items as a map keyed by number instead of `[key, value]` pairs"),
    ("capital_wan", "registered capital in 万元 (1000) instead of 元 (10000000)"),
    ("date_untagged", "date as a plain integer, without tag 100"),
]


def claims(applied):
    s = SAMPLE
    on = lambda step: step in applied  # noqa: E731
    type_code = pack_type_code(s["type_code"]) if on("type_code_packed") else s["type_code"]
    kind, code, name = s["holder"]
    code = pack_credit_code(code) if on("holder_code_packed") else code
    serial = serial_value(s["serial"]) if on("serial_uint") else s["serial"]

    def value(key, v):
        if key == "capital" and on("capital_wan"):
            return v // 10000
        if isinstance(v, tuple):
            return v[1] if on("date_untagged") else cbor2.CBORTag(100, v[1])
        return v

    if on("items_by_number"):
        items = {n: value(k, v) for n, k, v in sorted(s["items"])}
    else:
        items = [[k, value(k, v)] for _, k, v in s["items"]]
    body = [type_code]
    if not on("no_type_name"):
        body.append(s["type_name"])
    body += [serial, s["version"], None, [kind, code, name], s["status_index"], items]
    return cbor2.dumps({5: s["nbf"], 6: s["iat"], -65537: body}, canonical=True)


def cose(applied):
    typ = 65100 if "typ_integer" in applied else "application/el-lic+cwt"
    protected = cbor2.dumps({1: -8, 4: KID, 16: typ}, canonical=True)
    return cbor2.dumps(cbor2.CBORTag(18, [protected, {}, claims(applied), SIGNATURE]))


def base45_len(n):
    return n // 2 * 3 + n % 2 * 2


def qr_version(chars):
    return next(v for v, cap in enumerate(CAPACITY_Q, 1) if chars <= cap)


def measure(applied):
    c = cose(applied)
    deflated = zlib.compress(c, 9)
    chars = 4 + base45_len(min(len(c), len(deflated)))
    return len(c), len(deflated), chars, qr_version(chars)


def example_claims(doc):
    m = re.search(r"<!-- example:claims-hex -->\s*```\n(.*?)```", doc, re.S)
    return bytes.fromhex(m.group(1).replace("\n", ""))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", metavar="FORMAT_MD")
    args = ap.parse_args()
    applied = []
    rows = [("version 1 encoding", measure(applied))]
    for step, label in STEPS:
        applied.append(step)
        rows.append((label, measure(applied)))
    print("| saving | COSE bytes | saved | zlib bytes | QR chars | version at Q |")
    print("|---|---|---|---|---|---|")
    prev = None
    for label, (raw, deflated, chars, version) in rows:
        saved = "" if prev is None else str(prev - raw)
        print(f"| {label} | {raw} | {saved} | {deflated} | {chars} | {version} |")
        prev = raw
    first, last = rows[0][1][0], rows[-1][1][0]
    print(f"\ntotal saved: {first - last} bytes of COSE ({first} -> {last})")
    if args.check:
        with open(args.check, encoding="utf-8") as f:
            doc = f.read()
        ours = claims(applied)
        theirs = example_claims(doc)
        if ours != theirs:
            print(f"MISMATCH with {args.check} §8 claims:\n ours   {ours.hex()}\n theirs {theirs.hex()}",
                  file=sys.stderr)
            return 1
        print(f"the version 2 claims equal {args.check} §8 ({len(ours)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
