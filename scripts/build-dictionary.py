#!/usr/bin/env python3
"""Builds data/dictionary/el-dict-1.bin, the preset DEFLATE dictionary of the
licence QR code (docs/FORMAT.md §2 and §9.2), from the committed public
sources in data/dictionary/sources/.

Usage:
    python3 scripts/build-dictionary.py            # writes the file
    python3 scripts/build-dictionary.py --check    # exits 1 if the file differs
    python3 scripts/build-dictionary.py --layout   # prints the sections' sizes

A DEFLATE back-reference costs more bits the farther it reaches, so the
sections are written from the least to the most frequently used: the
material every licence shares (the binary templates) comes last, nearest the
data. The layout (docs/FORMAT.md §9.2):

  1. county-level names of GB/T 2260, without 市辖区 and the other
     placeholder names, each name once: first the counties (县, 旗, 自治县 …)
     in code order, then the urban districts (区) and county-level cities (市)
     in code order, where most market entities register;
  2. prefecture-level names (code order);
  3. province-level names (code order);
  4. the catalogue's words: type names, item names, units and enumeration
     labels (sources/catalogue-types.json: a frozen copy of the built-in
     national catalogue, data/catalogue/national.json, version 1, so that
     later catalogues never change a published dictionary);
  5. organisation-name, address and licence words (sources/organisation-address-words.txt);
  6. standard business-scope phrases (sources/business-scope.txt), each
     followed by the full-width semicolon that separates them on a licence;
  7. binary templates: the start of a licence COSE_Sign1 for each algorithm
     (tag, array, protected-header head, alg, kid head), the end of the
     protected header (integer typ 65100, empty unprotected map, payload
     head), and for each catalogue type the claims skeleton
     `3a 00 01 00 00 87 4d` (licence claim key, 7-item array, 13-byte type
     code head) followed by its packed type code.

Text is UTF-8 without separators (a match may run across names: harmless).
Every section keeps its source order; a string already present in a later
section is left out of an earlier one. The file is at most 32768 bytes (the
DEFLATE window); if the sections overflow, county names are dropped from the
front (so counties before districts and cities, each in code order) and
the script says how many.
"""

import hashlib
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCES = os.path.join(ROOT, "data", "dictionary", "sources")
OUTPUT = os.path.join(ROOT, "data", "dictionary", "el-dict-1.bin")
MAX_SIZE = 32768

# GB/T 2260 names that are placeholders, not places.
PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}

# GB 32100 credit-code characters and their values.
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"

# COSE algorithm numbers (docs/FORMAT.md §3): EdDSA, ES256, SM2-SM3.
ALGORITHMS = [-8, -7, -65601]
LICENCE_TYP = 65100


def cbor_head(major, arg):
    """A CBOR head in its shortest form (RFC 8949 §4.2.1)."""
    m = major << 5
    if arg < 24:
        return bytes([m | arg])
    for extra, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if arg < 1 << (8 * size):
            return bytes([m | extra]) + arg.to_bytes(size, "big")
    raise ValueError(arg)


def cbor_int(n):
    return cbor_head(0, n) if n >= 0 else cbor_head(1, -1 - n)


def pack_type_code(code):
    """The contract's 13-byte type code: credit value * 1000 + suffix."""
    credit, suffix = code[:18], code[18:]
    value = 0
    for c in credit:
        value = value * 31 + CREDIT_ALPHABET.index(c)
    return (value * 1000 + int(suffix)).to_bytes(13, "big")


def read_lines(name):
    out = []
    with open(os.path.join(SOURCES, name), encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                out.append(line)
    return out


def regions():
    counties, prefectures, provinces = [], [], []
    with open(os.path.join(SOURCES, "gb2260-regions.tsv"), encoding="utf-8") as f:
        for line in f:
            code, name = line.rstrip("\n").split("\t")
            if name in PLACEHOLDERS:
                continue
            code = int(code)
            if code % 10000 == 0:
                provinces.append(name)
            elif code % 100 == 0:
                prefectures.append(name)
            else:
                counties.append(name)
    # Urban districts (区) and county-level cities (市), where most market
    # entities register, go after (nearer the data than) the counties (县,
    # 旗 and the rest), which are the first to be dropped if space runs out.
    urban = [n for n in counties if n.endswith(("区", "市"))]
    rural = [n for n in counties if not n.endswith(("区", "市"))]
    return rural + urban, prefectures, provinces


def catalogue():
    path = os.path.join(SOURCES, "catalogue-types.json")
    with open(path, encoding="utf-8") as f:
        cat = json.load(f)
    words, codes = [], []
    for t in cat["types"]:
        codes.append(t["code"])
        words.append(t["name"]["zh"])
        for item in t.get("items", []):
            words.append(item["name"]["zh"])
            if item.get("unit"):
                words.append(item["unit"]["zh"])
            for label in item.get("labels", []):
                words.append(label["zh"])
    return words, codes, os.path.relpath(path, ROOT)


def templates(type_codes):
    out = bytearray()
    for alg in ALGORITHMS:
        # The protected header: {1: alg, 4: kid (8 bytes), 16: 65100}.
        protected_len = 1 + 1 + len(cbor_int(alg)) + 2 + 8 + 1 + len(cbor_int(LICENCE_TYP))
        out += b"\xd2\x84" + cbor_head(2, protected_len) + b"\xa3\x01" + cbor_int(alg) + b"\x04\x48"
    # End of the protected header, empty unprotected map, payload bstr head (24..255 bytes).
    out += b"\x10" + cbor_int(LICENCE_TYP) + b"\xa0\x58"
    for code in type_codes:
        out += b"\x3a\x00\x01\x00\x00\x87\x4d" + pack_type_code(code)
    return bytes(out)


def unique(items, later):
    """Each string once, keeping the first occurrence, and none that a later section holds."""
    seen, out = set(), []
    for s in items:
        if s not in seen and not any(s in t for t in later):
            seen.add(s)
            out.append(s)
    return out


def build():
    counties, prefectures, provinces = regions()
    cat_words, type_codes, cat_path = catalogue()
    words = read_lines("organisation-address-words.txt")
    scope = read_lines("business-scope.txt")
    # Later sections first, so earlier ones can leave out what they hold.
    scope = unique(scope, [])
    scope_text = "".join(s + "；" for s in scope)
    words = unique(words, [scope_text])
    words_text = "".join(words)
    cat_words = unique(cat_words, [scope_text, words_text])
    cat_text = "".join(cat_words)
    later = [scope_text, words_text, cat_text]
    provinces = unique(provinces, later)
    later.append("".join(provinces))
    prefectures = unique(prefectures, later)
    later.append("".join(prefectures))
    counties = unique(counties, later)
    sections = [
        ("GB/T 2260 county-level names", "".join(counties).encode()),
        ("GB/T 2260 prefecture-level names", "".join(prefectures).encode()),
        ("GB/T 2260 province-level names", "".join(provinces).encode()),
        ("catalogue words (" + cat_path + ")", cat_text.encode()),
        ("organisation, address and licence words", words_text.encode()),
        ("business-scope phrases", scope_text.encode()),
        ("binary templates", templates(type_codes)),
    ]
    dropped = 0
    while sum(len(b) for _, b in sections) > MAX_SIZE:
        counties.pop(0)
        dropped += 1
        sections[0] = (sections[0][0], "".join(counties).encode())
    return sections, dropped, len(counties)


def main():
    sections, dropped, counties = build()
    data = b"".join(b for _, b in sections)
    if "--layout" in sys.argv:
        offset = 0
        for name, b in sections:
            print(f"{offset:6d} {len(b):6d}  {name}")
            offset += len(b)
        print(f"{offset:6d}         total; {counties} county names kept, {dropped} dropped")
        print("sha256", hashlib.sha256(data).hexdigest())
        return 0
    if "--check" in sys.argv:
        with open(OUTPUT, "rb") as f:
            if f.read() != data:
                print(f"{OUTPUT} differs from what the sources build", file=sys.stderr)
                return 1
        return 0
    with open(OUTPUT, "wb") as f:
        f.write(data)
    print(f"wrote {OUTPUT}: {len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
