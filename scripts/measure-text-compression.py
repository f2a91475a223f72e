#!/usr/bin/env python3
"""Measures how the licence QR code's payload compresses, for the eleven
licences of examples/data (the reference sample and
ten others of different types), under each candidate of docs/FORMAT.md §9.2:

  v1      UTF-8 claims, zlib (RFC 1950, level 9), as format version 1 did;
  raw     raw DEFLATE (RFC 1951, level 9), no dictionary;
  dict    raw DEFLATE with the preset dictionary (the chosen format);
  fixed   the same, one fixed-Huffman block only (zlib's Z_FIXED: what the
          library's own encoder writes, src/deflate.rs);
  gb      claims text in GB18030 (2 bytes per common Hanzi), raw DEFLATE;
  gb+dict the same with the dictionary's text re-encoded in GB18030;
  model   a static order-0 character model over the dictionary's text
          (its ideal arithmetic-coded size: -log2 p per character, an unseen
          character costs an escape plus log2(20902) bits), the non-text
          bytes left raw.

Every payload also counts its format byte (0x01) and, for the compressed
forms, is compared with the raw COSE_Sign1 (0xD2 first byte: no format byte),
the producer picking the shorter. The COSE_Sign1 is built per the contract
of format version 2: protected header {1: alg, 4: kid, 16: 65100}, claims
{4 exp?, 5 nbf, 6 iat, -65537 licence}, a 64-byte signature (pseudo-random,
derived from the licence's name so the run is repeatable).

Usage: python3 scripts/measure-text-compression.py [--dict FILE] [--markdown] [--dump DIR]
(--dump writes each COSE_Sign1 measured to DIR/NN.cose.)
Needs Python 3.11 and cbor2 (pip install cbor2).
"""

import hashlib
import json
import math
import os
import sys
import zlib
from collections import Counter

import cbor2

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLES = os.path.join(ROOT, "examples", "data")
CATALOGUE = os.path.join(ROOT, "data", "catalogue", "national.json")
# The reference sample first, then the ten other example licences.
EXAMPLE_FILES = [
    "business-licence",
    "food-business-permit",
    "road-transport-permit",
    "lawyer-practising-certificate",
    "physician-practising-certificate",
    "residence-permit",
    "drug-distribution-permit",
    "individual-business-licence",
    "public-place-hygiene-permit",
    "real-estate-title-certificate",
    "tobacco-retail-licence",
]
CST = 8 * 3600


def days(iso):
    """Days since 1970-01-01 of a YYYY-MM-DD date."""
    import datetime

    return (datetime.date.fromisoformat(iso) - datetime.date(1970, 1, 1)).days


def load_examples():
    """The example licences of examples/data, resolved through the national
    catalogue the way `LicenceSpec::to_licence` resolves them (keys to item
    numbers, labels to values, dates to days), issued at the sample's time."""
    with open(CATALOGUE, encoding="utf-8") as f:
        types = {t["code"]: t for t in json.load(f)["types"]}
    out = []
    for name in EXAMPLE_FILES:
        with open(os.path.join(EXAMPLES, name + ".json"), encoding="utf-8") as f:
            spec = json.load(f)
        t = types[spec["type_code"]]
        by_key = {i["key"]: i for i in t["items"]}
        items = {}
        for it in spec["items"]:
            d = by_key[it["key"]]
            if "text" in it:
                v = it["text"]
            elif "integer" in it:
                v = it["integer"]
            elif "date" in it:
                v = days(it["date"])
            else:
                v = next(l["value"] for l in d["labels"] if it["label"] in (l["zh"], l["en"]))
            items[str(d["number"])] = v
        until = spec.get("valid_until")
        out.append({
            "name": t["name"]["zh"] + (" (the reference sample)" if name == "business-licence" else ""),
            "type_code": spec["type_code"],
            "serial": spec["serial"],
            "version": spec["version"],
            "number": spec.get("number"),
            "holder": {"kind": spec["holder"]["kind"], "code": spec["holder"]["code"], "name": spec["holder"]["name"]},
            "nbf": days(spec["valid_from"]) * 86400 - CST,
            "exp": (days(until) + 1) * 86400 - CST if until else None,
            "iat": 1716170400,
            "status_index": spec.get("status_index"),
            "items": items,
        })
    return out
DICTIONARY = os.path.join(ROOT, "data", "dictionary", "el-dict-1.bin")
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"

# Alphanumeric capacity of QR versions 1..40 at ECC level Q (ISO/IEC 18004 table 7).
CAPACITY_Q = [16, 29, 47, 67, 87, 108, 125, 157, 189, 221, 259, 296, 352, 376, 426, 470,
              531, 574, 644, 702, 742, 823, 890, 963, 1041, 1094, 1172, 1263, 1322, 1429,
              1499, 1618, 1700, 1787, 1867, 1966, 2071, 2181, 2298, 2420]
ALGS = {"Ed25519": -8, "SM2": -65601}


def qr_version(payload_len):
    chars = 4 + 3 * (payload_len // 2) + 2 * (payload_len % 2)  # "EL2:" + Base45
    return next(v for v, cap in enumerate(CAPACITY_Q, 1) if chars <= cap)


def credit_value(code18):
    v = 0
    for c in code18:
        v = v * 31 + CREDIT_ALPHABET.index(c)
    return v


def claims(lic, text):
    """The licence claims; `text` encodes every text string (str for UTF-8,
    or a function returning a CBOR-ready object)."""
    code = lic["type_code"]
    type_code = (credit_value(code[:18]) * 1000 + int(code[18:])).to_bytes(13, "big")
    s = lic["serial"]
    serial = int(s) if s.isdigit() and s[0] != "0" and int(s) < 1 << 64 else s
    h = lic["holder"]
    if h["kind"] == "organisation":
        holder = [1, credit_value(h["code"]).to_bytes(12, "big"), text(h["name"])]
    else:
        check = 10 if h["code"][17] == "X" else int(h["code"][17])
        holder = [2, int(h["code"][:17]) * 11 + check, text(h["name"])]
    items = {int(k): (text(v) if isinstance(v, str) else v) for k, v in lic["items"].items()}
    licence = [type_code, serial, lic["version"],
               text(lic["number"]) if lic["number"] is not None else None,
               holder, lic["status_index"], items]
    c = {5: lic["nbf"], 6: lic["iat"], -65537: licence}
    if lic["exp"] is not None:
        c[4] = lic["exp"]
    return cbor2.dumps(c, canonical=True)


class Gb(str):
    """A text string to be written as GB18030 bytes inside a CBOR text head."""


def cbor_gb(obj):
    """Deterministic CBOR where text strings are GB18030 bytes (head counts bytes)."""
    def head(major, n):
        m = major << 5
        if n < 24:
            return bytes([m | n])
        for extra, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
            if n < 1 << (8 * size):
                return bytes([m | extra]) + n.to_bytes(size, "big")
        raise ValueError(n)

    def enc(o):
        if o is None:
            return b"\xf6"
        if isinstance(o, bool):
            return b"\xf5" if o else b"\xf4"
        if isinstance(o, int):
            return head(0, o) if o >= 0 else head(1, -1 - o)
        if isinstance(o, bytes):
            return head(2, len(o)) + o
        if isinstance(o, str):
            b = o.encode("gb18030")
            return head(3, len(b)) + b
        if isinstance(o, list):
            return head(4, len(o)) + b"".join(enc(x) for x in o)
        if isinstance(o, dict):
            pairs = sorted((enc(k), enc(v)) for k, v in o.items())
            return head(5, len(o)) + b"".join(k + v for k, v in pairs)
        raise TypeError(o)
    return enc(obj)


def cose(payload, alg, seed):
    kid = hashlib.sha256(b"kid" + seed).digest()[:8]
    protected = cbor2.dumps({1: alg, 4: kid, 16: 65100}, canonical=True)
    signature = hashlib.sha256(b"s1" + seed).digest() + hashlib.sha256(b"s2" + seed).digest()
    return b"\xd2" + cbor2.dumps([protected, {}, payload, signature])


def deflate(data, zdict=None, fixed=False):
    strategy = zlib.Z_FIXED if fixed else zlib.Z_DEFAULT_STRATEGY
    if zdict is None:
        c = zlib.compressobj(9, zlib.DEFLATED, -15, 9, strategy)
    else:
        c = zlib.compressobj(9, zlib.DEFLATED, -15, 9, strategy, zdict=zdict)
    return c.compress(data) + c.flush()


def texts_of(lic):
    out = [lic["holder"]["name"]]
    if lic["number"]:
        out.append(lic["number"])
    out += [v for v in lic["items"].values() if isinstance(v, str)]
    return out


def gb_dictionary(dictionary):
    """The dictionary with its text re-encoded in GB18030: the UTF-8 text
    part (everything before the binary templates) is decoded and re-encoded."""
    # The templates start at the first byte that is not part of valid UTF-8 text.
    end = len(dictionary)
    for i in range(len(dictionary)):
        try:
            dictionary[: len(dictionary) - i].decode("utf-8")
            end = len(dictionary) - i
            break
        except UnicodeDecodeError:
            continue
    text = dictionary[:end].decode("utf-8", errors="ignore")
    while end > 0 and dictionary[end - 1] < 0x80 and False:
        end -= 1
    return text.encode("gb18030", errors="ignore") + dictionary[end:]


def model(dictionary_text):
    counts = Counter(dictionary_text)
    total = sum(counts.values())
    escape = 1  # one count reserved for unseen characters

    def bits(text):
        b = 0.0
        for ch in text:
            if ch in counts:
                b += -math.log2(counts[ch] / (total + escape))
            else:
                b += -math.log2(escape / (total + escape)) + math.log2(20902)
        return b
    return bits


def main():
    path = DICTIONARY
    if "--dict" in sys.argv:
        path = sys.argv[sys.argv.index("--dict") + 1]
    with open(path, "rb") as f:
        dictionary = f.read()
    licences = load_examples()
    gbdict = gb_dictionary(dictionary)
    text_part = dictionary.decode("utf-8", errors="ignore")
    bits_of = model("".join(ch for ch in text_part if ord(ch) > 0x7f))

    rows = []
    for lic in licences:
        seed = lic["name"].encode()
        for alg_name, alg in ALGS.items():
            utf8 = cose(claims(lic, lambda s: s), alg, seed)
            if "--dump" in sys.argv:
                directory = sys.argv[sys.argv.index("--dump") + 1]
                os.makedirs(directory, exist_ok=True)
                with open(os.path.join(directory, f"{len(rows):02d}.cose"), "wb") as f:
                    f.write(utf8)
            gbc = cose(cbor_gb(cbor2.loads(claims(lic, lambda s: s))), alg, seed)
            raw = len(utf8)
            sizes = {
                "raw": raw,
                "v1": min(raw, len(zlib.compress(utf8, 9))),
                "deflate": min(raw, 1 + len(deflate(utf8))),
                "dict": min(raw, 1 + len(deflate(utf8, dictionary))),
                "fixed": min(raw, 1 + len(deflate(utf8, dictionary, fixed=True))),
                "gb": min(len(gbc), 1 + len(deflate(gbc))),
                "gb+dict": min(len(gbc), 1 + len(deflate(gbc, gbdict))),
            }
            texts = texts_of(lic)
            text_bytes = sum(len(t.encode()) for t in texts)
            model_bits = sum(bits_of(t) for t in texts)
            sizes["model"] = 1 + raw - text_bytes + math.ceil(model_bits / 8)
            rows.append((lic["name"], alg_name, text_bytes, sizes))

    cols = ["raw", "v1", "deflate", "dict", "fixed", "gb", "gb+dict", "model"]
    md = "--markdown" in sys.argv
    if md:
        print("| licence | alg | text (UTF-8) | " + " | ".join(cols) + " |")
        print("|---|---|---:|" + "---:|" * len(cols))
    else:
        print(f"dictionary {path}: {len(dictionary)} bytes, sha256 {hashlib.sha256(dictionary).hexdigest()[:16]}…")
        print(f"{'licence':<34} {'alg':<8} {'text':>4}  " + "  ".join(f"{c:>10}" for c in cols))
    totals = Counter()
    for name, alg, tb, s in rows:
        cells = [f"{s[c]} (v{qr_version(s[c])})" for c in cols]
        for c in cols:
            totals[c] += s[c]
        if md:
            print(f"| {name} | {alg} | {tb} | " + " | ".join(cells) + " |")
        else:
            print(f"{name:<34} {alg:<8} {tb:>4}  " + "  ".join(f"{x:>10}" for x in cells))
    n = len(rows)
    if md:
        print("| **mean** | | | " + " | ".join(f"{totals[c] / n:.1f}" for c in cols) + " |")
    else:
        print(f"{'mean':<34} {'':<8} {'':>4}  " + "  ".join(f"{totals[c] / n:>10.1f}" for c in cols))
    return 0


if __name__ == "__main__":
    sys.exit(main())
