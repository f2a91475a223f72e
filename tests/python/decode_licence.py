#!/usr/bin/env python3
"""An independent decoder of elicense QR texts, written from docs/FORMAT.md
alone, with cbor2, zlib and the published dictionary file.

It reads the worked example of docs/FORMAT.md §8 (the QR text and the
example's Ed25519 public key), decodes it step by step as §2, §3 and §4 say,
verifies the signature with `cryptography` when it is installed, and checks
every field against the reference sample. `scripts/test.sh` runs it.

Usage: decode_licence.py [--print] [QR_TEXT]
"""

import json
import re
import sys
import zlib
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import cbor2

ROOT = Path(__file__).resolve().parents[2]
FORMAT = ROOT / "docs" / "FORMAT.md"
DICTIONARIES = {1: ROOT / "data" / "dictionary" / "el-dict-1.bin"}

B45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
GB32100 = "0123456789ABCDEFGHJKLMNPQRTUWXY"
LICENCE_TYP = 65100
CLAIM_LICENCE = -65537
CST = timezone(timedelta(hours=8))


class Refused(Exception):
    """The text is not a valid licence (the message names the reason code)."""


def base45_decode(text):
    """RFC 9285."""
    out = bytearray()
    values = []
    for ch in text:
        i = B45.find(ch)
        if i < 0:
            raise Refused("BASE45_INVALID_CHARACTER")
        values.append(i)
    if len(values) % 3 == 1:
        raise Refused("BASE45_INVALID_LENGTH")
    for k in range(0, len(values), 3):
        group = values[k : k + 3]
        n = sum(v * 45**j for j, v in enumerate(group))
        if len(group) == 3:
            if n > 0xFFFF:
                raise Refused("BASE45_VALUE_OUT_OF_RANGE")
            out += n.to_bytes(2, "big")
        else:
            if n > 0xFF:
                raise Refused("BASE45_VALUE_OUT_OF_RANGE")
            out.append(n)
    return bytes(out)


def qr_to_cose(text):
    """§2: prefix, Base45, the payload's first byte, bounded inflation."""
    if text.startswith("EL1:"):
        raise Refused("QR_VERSION_UNSUPPORTED")
    if not text.startswith("EL2:"):
        raise Refused("QR_PREFIX_INVALID")
    payload = base45_decode(text[4:])
    if not payload:
        raise Refused("PAYLOAD_ENCODING_UNKNOWN")
    first = payload[0]
    if first == 0xD2:
        return payload
    if 0x01 <= first <= 0x1F:
        if first not in DICTIONARIES:
            raise Refused("DICTIONARY_UNKNOWN")
        dictionary = DICTIONARIES[first].read_bytes()
        d = zlib.decompressobj(wbits=-15, zdict=dictionary)
        try:
            cose = d.decompress(payload[1:], 8193)
        except zlib.error:
            raise Refused("ZLIB_INVALID")
        if len(cose) > 8192:
            raise Refused("ZLIB_TOO_LARGE")
        if not d.eof or d.unused_data or d.unconsumed_tail:
            raise Refused("ZLIB_INVALID")
        return cose
    raise Refused("PAYLOAD_ENCODING_UNKNOWN")


def unpack_base31(data, chars):
    """The packed credit code of §4: a big-endian integer, 31 symbols a character."""
    n = int.from_bytes(data, "big")
    out = []
    for _ in range(chars):
        n, r = divmod(n, 31)
        out.append(GB32100[r])
    if n:
        raise Refused("LICENCE_FIELD_INVALID")
    return "".join(reversed(out))


def unpack_type_code(data):
    if len(data) != 13:
        raise Refused("LICENCE_FIELD_INVALID")
    n = int.from_bytes(data, "big")
    credit, suffix = divmod(n, 1000)
    return unpack_base31(credit.to_bytes(12, "big"), 18) + "%03d" % suffix


def unpack_resident_id(n):
    digits, check = divmod(n, 11)
    if digits >= 10**17:
        raise Refused("LICENCE_FIELD_INVALID")
    return "%017d" % digits + ("X" if check == 10 else str(check))


def decode(text, public_key=None):
    cose_bytes = qr_to_cose(text)
    tag = cbor2.loads(cose_bytes)
    if not isinstance(tag, cbor2.CBORTag) or tag.tag != 18:
        raise Refused("COSE_UNTAGGED")
    protected_bytes, _unprotected, payload, signature = tag.value
    protected = cbor2.loads(protected_bytes)
    if protected.get(16) != LICENCE_TYP:
        raise Refused("COSE_TYP_MISMATCH")
    if public_key is not None:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

        assert protected[1] == -8, protected
        to_be_signed = cbor2.dumps(["Signature1", protected_bytes, b"", payload])
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, to_be_signed)
    claims = cbor2.loads(payload)
    lic = claims[CLAIM_LICENCE]
    type_code, serial, version, number, holder, status_index, items = lic
    kind, code, name = holder
    holder_code = unpack_base31(code, 18) if kind == 1 else unpack_resident_id(code)
    return {
        "alg": protected[1],
        "kid": protected[4].hex(),
        "iat": datetime.fromtimestamp(claims[6], CST).isoformat(),
        "valid_from": datetime.fromtimestamp(claims[5], CST).date().isoformat(),
        "valid_until": (
            (datetime.fromtimestamp(claims[4], CST).date() - timedelta(days=1)).isoformat()
            if 4 in claims
            else None
        ),
        "type_code": unpack_type_code(type_code),
        "serial": str(serial),
        "version": version,
        "number": number,
        "holder": {"kind": kind, "code": holder_code, "name": name},
        "status_index": status_index,
        "items": {str(k): v for k, v in sorted(items.items())},
    }


def example_block(name):
    text = FORMAT.read_text(encoding="utf-8")
    m = re.search(r"<!-- example:%s -->\n```\n(.*?)```" % re.escape(name), text, re.S)
    if not m:
        sys.exit("docs/FORMAT.md has no example block %r" % name)
    return "".join(m.group(1).split("\n"))


def main():
    args = [a for a in sys.argv[1:] if a != "--print"]
    if args:
        print(json.dumps(decode(args[0]), ensure_ascii=False, indent=2))
        return
    qr = example_block("qr-text")
    key = bytes.fromhex(example_block("public-key"))
    try:
        import cryptography  # noqa: F401
    except ImportError:
        key = None
    got = decode(qr, key)
    if "--print" in sys.argv:
        print(json.dumps(got, ensure_ascii=False, indent=2))
    days = lambda d: (date.fromisoformat(d) - date(1970, 1, 1)).days
    expected = {
        "alg": -8,
        "iat": "2024-05-20T10:00:00+08:00",
        "valid_from": "2019-05-20",
        "valid_until": None,
        "type_code": "11100000000013338W011",
        "serial": "20240001735",
        "version": 1,
        "number": None,
        "holder": {"kind": 1, "code": "91310115MA1K4LQX58", "name": "上海浦江智联科技有限公司"},
        "status_index": 17,
        "items": {
            "2": "上海市浦东新区碧波路690号",
            "3": "李明华",
            "4": 1000,
            "5": days("2019-05-20"),
            "6": "软件开发；信息技术咨询服务；技术服务、技术开发",
        },
    }
    for k, v in expected.items():
        if got[k] != v:
            sys.exit("FAIL %s: expected %r, decoded %r" % (k, v, got[k]))
    # Hostile texts: each refused with its code.
    for text, code in [
        ("EL1:" + qr[4:], "QR_VERSION_UNSUPPORTED"),
        ("XX2:" + qr[4:], "QR_PREFIX_INVALID"),
        (qr[:-1] + "a", "BASE45_INVALID_CHARACTER"),
        ("EL2:", "PAYLOAD_ENCODING_UNKNOWN"),
    ]:
        try:
            qr_to_cose(text)
        except Refused as e:
            if str(e) != code:
                sys.exit("FAIL %r: expected %s, got %s" % (text[:12], code, e))
        else:
            sys.exit("FAIL %r: accepted, expected %s" % (text[:12], code))
    print(
        "python decoder: the FORMAT.md §8 sample decoded from the spec alone"
        + (" (Ed25519 signature verified)" if key else "")
        + ", %d fields and %d hostile texts checked" % (len(expected), 4)
    )


if __name__ == "__main__":
    main()
