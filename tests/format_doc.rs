//! docs/FORMAT.md's worked example is checked against the code, so the
//! specification cannot drift from what the library produces.
//!
//! Run with `ELICENSE_PRINT_EXAMPLE=1 cargo test --test format_doc -- --nocapture`
//! to print the current values, and with
//! `ELICENSE_WRITE_EXAMPLE=1 cargo test --test format_doc` to write them into
//! docs/FORMAT.md (every `<!-- example:NAME -->` block of §8; the prose
//! around them, e.g. byte counts, is checked by reading it).

use ciborium::Value;
use elicense::alg::SecretKey;
use elicense::demo::{sample_issued_at, Demo};
use elicense::envelope::{to_qr_text, ArtifactType, PreparedSign1};
use elicense::internals::cbor::{self, Limits};

/// The example's signing key: the seed is 32 bytes of 0x02.
const SEED: [u8; 32] = [2; 32];
/// The example's kid (in real use, the first 8 bytes of SHA-256 over the signer certificate).
const KID: [u8; 8] = [0x3c, 0x1f, 0x2a, 0x9b, 0x55, 0x07, 0xe4, 0x6d];

struct Example {
    public_key: String,
    claims: Vec<u8>,
    protected: Vec<u8>,
    to_be_signed: Vec<u8>,
    cose: Vec<u8>,
    qr: String,
}

fn example() -> Example {
    let licence = Demo::sample_licence().unwrap();
    assert_eq!(licence.issued_at(), sample_issued_at());
    let key = SecretKey::from_seed(&SEED);
    let claims = licence.to_claims();
    let prepared = PreparedSign1::new(
        ArtifactType::Licence,
        elicense::alg::Algorithm::EdDsa,
        KID,
        claims.clone(),
    );
    let to_be_signed = prepared.to_be_signed();
    let cose = prepared
        .complete(&key.sign_bytes(&to_be_signed), &key.public_key())
        .unwrap();
    // The protected header is the first byte string of the array.
    let protected = match cbor::decode(&cose, &Limits::default()).unwrap() {
        Value::Tag(18, inner) => match *inner {
            Value::Array(items) => match &items[0] {
                Value::Bytes(b) => b.clone(),
                _ => unreachable!(),
            },
            _ => unreachable!(),
        },
        _ => unreachable!(),
    };
    Example {
        public_key: hex::encode(key.public_key().as_bytes()),
        qr: to_qr_text(&cose),
        claims,
        protected,
        to_be_signed,
        cose,
    }
}

/// CBOR diagnostic notation (RFC 8949 §8), indented for reading.
fn diag(v: &Value, indent: usize, out: &mut String) {
    let pad = "  ".repeat(indent + 1);
    let nested = |items: &[Value]| {
        items
            .iter()
            .any(|x| matches!(x, Value::Array(_) | Value::Map(_)))
    };
    match v {
        Value::Integer(i) => out.push_str(&i128::from(*i).to_string()),
        Value::Text(t) => out.push_str(&serde_json::to_string(t).unwrap()),
        Value::Bytes(b) => out.push_str(&format!("h'{}'", hex::encode(b))),
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(&b.to_string()),
        Value::Tag(t, inner) => {
            out.push_str(&format!("{t}("));
            diag(inner, indent, out);
            out.push(')');
        }
        Value::Array(items) => {
            if nested(items) {
                out.push_str("[\n");
                for (i, x) in items.iter().enumerate() {
                    out.push_str(&pad);
                    diag(x, indent + 1, out);
                    out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
                }
                out.push_str(&"  ".repeat(indent));
                out.push(']');
            } else {
                out.push('[');
                for (i, x) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    diag(x, indent, out);
                }
                out.push(']');
            }
        }
        Value::Map(entries) => {
            out.push_str("{\n");
            for (i, (k, x)) in entries.iter().enumerate() {
                out.push_str(&pad);
                diag(k, indent + 1, out);
                out.push_str(": ");
                diag(x, indent + 1, out);
                out.push_str(if i + 1 < entries.len() { ",\n" } else { "\n" });
            }
            out.push_str(&"  ".repeat(indent));
            out.push('}');
        }
        other => panic!("unexpected CBOR in the example: {other:?}"),
    }
}

fn diag_of(bytes: &[u8]) -> String {
    let mut s = String::new();
    diag(&cbor::decode(bytes, &Limits::default()).unwrap(), 0, &mut s);
    s
}

fn wrap_hex(bytes: &[u8]) -> String {
    hex::encode(bytes)
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The smallest QR version whose alphanumeric capacity at ECC level Q
/// (ISO/IEC 18004 Table 7) holds `chars` characters.
fn qr_version_q(chars: usize) -> usize {
    const CAPACITY_Q: [usize; 40] = [
        16, 29, 47, 67, 87, 108, 125, 157, 189, 221, 261, 296, 352, 376, 426, 470, 531, 574, 644,
        702, 742, 823, 890, 963, 1041, 1094, 1172, 1263, 1322, 1429, 1499, 1618, 1700, 1787, 1867,
        1966, 2071, 2181, 2298, 2420,
    ];
    CAPACITY_Q
        .iter()
        .position(|&c| chars <= c)
        .expect("fits version 40")
        + 1
}

fn wrap_text(s: &str) -> String {
    s.as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The byte range of the body of the fenced block that follows
/// `<!-- example:NAME -->` in FORMAT.md.
fn block_range(doc: &str, name: &str) -> core::ops::Range<usize> {
    let marker = format!("<!-- example:{name} -->");
    let start = doc
        .find(&marker)
        .unwrap_or_else(|| panic!("FORMAT.md lacks {marker}"))
        + marker.len();
    let rest = &doc[start..];
    let open = rest.find("```").unwrap();
    let body_start = open + rest[open..].find('\n').unwrap() + 1;
    let close = body_start + rest[body_start..].find("```").unwrap();
    start + body_start..start + close
}

/// The fenced block that follows `<!-- example:NAME -->` in FORMAT.md.
fn block(doc: &str, name: &str) -> String {
    doc[block_range(doc, name)].trim_end().to_owned()
}

#[test]
fn format_md_worked_example_matches_the_code() {
    let e = example();
    let generated = [
        ("public-key", e.public_key.clone()),
        ("kid", hex::encode(KID)),
        ("claims-diag", diag_of(&e.claims)),
        ("claims-hex", wrap_hex(&e.claims)),
        ("protected-hex", wrap_hex(&e.protected)),
        ("protected-diag", diag_of(&e.protected)),
        ("tbs-hex", wrap_hex(&e.to_be_signed)),
        ("cose-hex", wrap_hex(&e.cose)),
        ("qr-text", wrap_text(&e.qr)),
        (
            "sizes",
            format!(
                "claims {} bytes, COSE_Sign1 {} bytes, QR text {} characters (version {} at ECC Q)",
                e.claims.len(),
                e.cose.len(),
                e.qr.len(),
                qr_version_q(e.qr.len())
            ),
        ),
    ];
    if std::env::var_os("ELICENSE_PRINT_EXAMPLE").is_some() {
        for (name, value) in &generated {
            println!("<!-- example:{name} -->\n```\n{value}\n```\n");
        }
        println!(
            "claims {} bytes, COSE {} bytes, QR text {} chars",
            e.claims.len(),
            e.cose.len(),
            e.qr.len()
        );
    }
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/FORMAT.md");
    let mut doc = std::fs::read_to_string(path).unwrap();
    if std::env::var_os("ELICENSE_WRITE_EXAMPLE").is_some() {
        for (name, value) in &generated {
            let range = block_range(&doc, name);
            doc.replace_range(range, &format!("{value}\n"));
        }
        std::fs::write(path, &doc).unwrap();
    }
    for (name, value) in &generated {
        assert_eq!(
            &block(&doc, name),
            value,
            "FORMAT.md example:{name} differs from the code"
        );
    }
    // The example verifies as a licence under its own key when a certificate
    // with that key and kid is trusted — checked through the envelope layer.
    let sign1 = elicense::envelope::Sign1::decode(&e.cose, ArtifactType::Licence).unwrap();
    assert_eq!(sign1.kid(), &KID);
    sign1
        .verify(&SecretKey::from_seed(&SEED).public_key())
        .unwrap();
    assert_eq!(elicense::envelope::from_qr_text(&e.qr).unwrap(), e.cose);
}
