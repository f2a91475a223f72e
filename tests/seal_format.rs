//! docs/FORMAT.md §17–§18's worked example (a seal and a sealed signature)
//! is checked against the code, so the specification cannot drift from
//! what the library produces.
//!
//! `ELICENSE_PRINT_EXAMPLE=1 cargo test --test seal_format -- --nocapture`
//! prints the current values.

use ciborium::Value;
use elicense::alg::SecretKey;
use elicense::artifact::CertifiedSigner;
use elicense::internals::cbor::{self, Limits};
use elicense::pki::{
    create_authority, create_region_root, AuthorityParams, RegionRootParams, Usage,
};
use elicense::seal::verify::SealVerifier;
use elicense::seal::{
    DocumentProperties, Picture, PictureType, Seal, SealKind, SealedSignature, SignedSeal,
};
use elicense::verify::{TrustStore, Verdict, Verifier};
use elicense::UnixTime;

/// The example's picture: a ring and a star, in the safe SVG subset.
const SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="42mm" height="42mm" viewBox="0 0 42 42"><circle cx="21" cy="21" r="20.3" fill="none" stroke="#E60012" stroke-width="1.2"/><path fill="#E60012" d="M21 14L22.6 18.8L27.7 18.8L23.6 21.8L25.1 26.6L21 23.6L16.9 26.6L18.4 21.8L14.3 18.8L19.4 18.8Z"/></svg>"##;
/// The sealed document: these 32 bytes.
const DOCUMENT: &[u8] = b"%PDF-1.7 example document body\n";
const MADE: i64 = 1_716_170_400; // 2024-05-20T02:00:00Z
const UNTIL: i64 = 1_861_891_200; // 2029-01-01T00:00:00Z (2029-01-01 08:00 CST)
const SEALED: i64 = 1_716_256_800; // 2024-05-21T02:00:00Z

struct Example {
    root: elicense::pki::Certificate,
    maker: CertifiedSigner,
    owner: CertifiedSigner,
    seal: SignedSeal,
    signature: Vec<u8>,
}

fn example() -> Example {
    let root_key = SecretKey::from_seed(&[1; 32]);
    let root = create_region_root(
        &root_key,
        &RegionRootParams {
            region: "310000".parse().unwrap(),
            name: "上海市电子证照根CA".into(),
            not_before: 1_704_067_200,
            not_after: 1_893_456_000,
            serial_number: Some(vec![1]),
        },
    )
    .unwrap();
    let authority = |seed: u8, name: &str, code: &str, usage: Usage| {
        let key = SecretKey::from_seed(&[seed; 32]);
        let cert = create_authority(
            &root_key,
            &root,
            &key.public_key(),
            &AuthorityParams {
                name: name.into(),
                credit_code: code.parse().unwrap(),
                usages: vec![usage],
                not_before: 1_704_067_200,
                not_after: 1_893_456_000,
                serial_number: Some(vec![seed]),
            },
        )
        .unwrap();
        CertifiedSigner::new(cert, key).unwrap()
    };
    let maker = authority(3, "上海市公安局", "11310000002421441F", Usage::SealMaking);
    let owner = authority(
        4,
        "上海市市场监督管理局",
        "11310000MB2F31727A",
        Usage::DocumentSealing,
    );
    let seal = Seal::builder()
        .esid("3101000000001")
        .kind(SealKind::Organisation)
        .name("上海市市场监督管理局行政审批专用章")
        .owner("上海市市场监督管理局", "11310000MB2F31727A")
        .certificate(owner.certificate())
        .picture(Picture::new(PictureType::Svg, SVG.as_bytes().to_vec(), 42, 42).unwrap())
        .created_at(MADE)
        .valid(MADE, UNTIL)
        .status_index(0)
        .build_for(maker.algorithm())
        .unwrap()
        .sign(&maker)
        .unwrap();
    let signature = SealedSignature::sign(
        &seal,
        DOCUMENT,
        DocumentProperties::file("批复.pdf").at(1, 150, 240),
        SEALED,
        &owner,
    )
    .unwrap();
    Example {
        root,
        maker,
        owner,
        seal,
        signature,
    }
}

/// CBOR diagnostic notation; byte strings longer than `elide` bytes are
/// shown as `h'<first 8 bytes>…' (N bytes)`, text strings as JSON.
fn diag(v: &Value, indent: usize, elide: usize, out: &mut String) {
    let pad = "  ".repeat(indent + 1);
    match v {
        Value::Integer(i) => out.push_str(&i128::from(*i).to_string()),
        Value::Text(t) if t.len() > 120 => out.push_str(&format!("<{} bytes of text>", t.len())),
        Value::Text(t) => out.push_str(&serde_json::to_string(t).unwrap()),
        Value::Bytes(b) if b.len() > elide => {
            out.push_str(&format!("h'{}…' ({} bytes)", hex::encode(&b[..8]), b.len()))
        }
        Value::Bytes(b) => out.push_str(&format!("h'{}'", hex::encode(b))),
        Value::Null => out.push_str("null"),
        Value::Array(items) => {
            out.push_str("[\n");
            for (i, x) in items.iter().enumerate() {
                out.push_str(&pad);
                diag(x, indent + 1, elide, out);
                out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
            }
            out.push_str(&"  ".repeat(indent));
            out.push(']');
        }
        Value::Map(entries) => {
            out.push_str("{\n");
            for (i, (k, x)) in entries.iter().enumerate() {
                out.push_str(&pad);
                diag(k, indent + 1, elide, out);
                out.push_str(": ");
                diag(x, indent + 1, elide, out);
                out.push_str(if i + 1 < entries.len() { ",\n" } else { "\n" });
            }
            out.push_str(&"  ".repeat(indent));
            out.push('}');
        }
        other => panic!("unexpected CBOR in the example: {other:?}"),
    }
}

fn diag_of(bytes: &[u8], elide: usize) -> String {
    let mut s = String::new();
    let v = cbor::decode(bytes, &Limits::new(16, 1 << 20, 1 << 20)).unwrap();
    diag(&v, 0, elide, &mut s);
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

/// The fenced block that follows `<!-- example:NAME -->` in FORMAT.md.
fn block(doc: &str, name: &str) -> String {
    let marker = format!("<!-- example:{name} -->");
    let start = doc
        .find(&marker)
        .unwrap_or_else(|| panic!("FORMAT.md lacks {marker}"));
    let rest = &doc[start + marker.len()..];
    let open = rest.find("```").unwrap();
    let body_start = open + rest[open..].find('\n').unwrap() + 1;
    let close = body_start + rest[body_start..].find("```").unwrap();
    rest[body_start..close].trim_end().to_owned()
}

#[test]
fn format_md_seal_example_matches_the_code() {
    let e = example();
    let seal_sign1 =
        elicense::envelope::Sign1::decode(e.seal.cose(), elicense::envelope::ArtifactType::Seal)
            .unwrap();
    let (sig_sign1, sealed) = SealedSignature::decode(&e.signature).unwrap();
    let generated = [
        (
            "seal-owner-cert-sha256",
            hex::encode(sha256(e.owner.certificate().der())),
        ),
        ("seal-maker-kid", hex::encode(e.maker.certificate().kid())),
        ("seal-claims-diag", diag_of(seal_sign1.payload(), 64)),
        (
            "seal-protected-diag",
            diag_of(seal_sign1.protected_bytes(), 64),
        ),
        ("seal-cose-hex", wrap_hex(e.seal.cose())),
        ("sig-document-sha256", hex::encode(sha256(DOCUMENT))),
        ("sig-claims-diag", diag_of(sig_sign1.payload(), 64)),
        (
            "sig-protected-diag",
            diag_of(sig_sign1.protected_bytes(), 64),
        ),
        ("sig-signature-hex", wrap_hex(sig_sign1.signature())),
        ("sig-cose-hex", wrap_hex(&e.signature)),
    ];
    if std::env::var_os("ELICENSE_PRINT_EXAMPLE").is_some() {
        for (name, value) in &generated {
            println!("<!-- example:{name} -->\n```\n{value}\n```\n");
        }
        println!(
            "seal claims {} bytes, seal COSE {} bytes, signature claims {} bytes, signature COSE {} bytes",
            seal_sign1.payload().len(),
            e.seal.cose().len(),
            sig_sign1.payload().len(),
            e.signature.len()
        );
    }
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/FORMAT.md")).unwrap();
    for (name, value) in &generated {
        assert_eq!(
            &block(&doc, name),
            value,
            "FORMAT.md example:{name} differs from the code"
        );
    }
    // The example verifies, in the standard's order, under its trust.
    assert_eq!(sealed.seal(), &e.seal);
    let store = TrustStore::new(vec![e.root.clone()], vec![e.maker.certificate().clone()]).unwrap();
    let report = SealVerifier::new(Verifier::new(store)).verify(
        &e.signature,
        DOCUMENT,
        UnixTime::from_secs(SEALED + 3600),
    );
    assert_eq!(report.verdict, Verdict::Valid, "{}", report.to_text());
}

fn sha256(b: &[u8]) -> [u8; 32] {
    elicense::seal::DigestAlgorithm::Sha256.digest(b)
}
