//! Foreign COSE_Sign1 (src/cose.rs) against public test vectors: the 144
//! EU Digital COVID Certificate signatures of dgc-testdata with their
//! signer certificates, and the COSE working group's examples
//! (../shared/vectors, described in its README). Every vector has its
//! exact outcome: the algorithm that verified, or the reason code.

use std::path::PathBuf;

use elicense::cose::{
    self, CoseAlgorithm, CoseOptions, CoseSign1, InputForm, SignerCertificate, Tagging,
    VerificationKey,
};
use elicense::ReasonCode;
use serde_json::Value;

fn vectors() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/vectors")
}

fn load(path: &str) -> Value {
    let p = vectors().join(path);
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&text).expect("vector JSON")
}

/// Standard or URL-safe Base64, padded or not (certificates in the DGC
/// file; JWK coordinates in the cose-wg files).
fn base64(text: &str) -> Vec<u8> {
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Vec::new();
    for c in text.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => continue,
            _ => panic!("not Base64: {c}"),
        };
        bits = (bits << 6) | u32::from(v);
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
        }
    }
    out
}

fn alg_name(r: &Result<cose::Verified, cose::CoseError>) -> String {
    match r {
        Ok(v) => v.algorithm.name().to_owned(),
        Err(e) => format!("{} ({e})", e.reason()),
    }
}

struct Dgc {
    source: String,
    alg: String,
    cose: Vec<u8>,
    cert: SignerCertificate,
    verifies: bool,
}

fn dgc() -> Vec<Dgc> {
    let all = load("dgc/dgc-vectors.json");
    let list = all.as_array().expect("an array of vectors");
    assert_eq!(list.len(), 144);
    list.iter()
        .map(|v| {
            let s = |k: &str| v[k].as_str().unwrap_or_else(|| panic!("{k}")).to_owned();
            let source = s("source");
            let cert = SignerCertificate::from_der(&base64(&s("certificate_der_b64")))
                .unwrap_or_else(|e| panic!("{source}: certificate: {e}"));
            Dgc {
                alg: s("alg"),
                cose: hex::decode(s("cose_hex")).expect("hex"),
                cert,
                verifies: v["verifies"].as_bool().expect("verifies"),
                source,
            }
        })
        .collect()
}

/// Every DGC signature has its expected outcome: 132 ES256 and (with the
/// `ps256` feature) 9 PS256 verify; the 3 ES/401–403 messages, whose ES256
/// header goes with a P-384 certificate, are refused as key confusion.
#[test]
fn dgc_vectors() {
    let opts = CoseOptions::default();
    let (mut es256, mut ps256, mut refused, mut ps256_unsupported) = (0, 0, 0, 0);
    let (mut kid_protected, mut kid_unprotected, mut untagged) = (0, 0, 0);
    for v in dgc() {
        let r = cose::verify(&v.cose, v.cert.key(), &opts);
        match (v.verifies, v.alg.as_str()) {
            (true, "ES256") => {
                let ok = r.unwrap_or_else(|e| panic!("{}: {e} [{}]", v.source, e.reason()));
                assert_eq!(
                    ok.algorithm,
                    CoseAlgorithm::Profile(elicense::alg::Algorithm::Es256)
                );
                es256 += 1;
            }
            (true, "PS256") if cfg!(feature = "ps256") => {
                let ok = r.unwrap_or_else(|e| panic!("{}: {e} [{}]", v.source, e.reason()));
                assert_eq!(ok.algorithm, CoseAlgorithm::Ps256);
                assert_eq!(v.cert.key().description(), "RSA 2048 bits");
                ps256 += 1;
            }
            (true, "PS256") => {
                assert_eq!(
                    r.as_ref().err().map(|e| e.reason()),
                    Some(ReasonCode::CoseAlgUnsupported),
                    "{}: {}",
                    v.source,
                    alg_name(&r)
                );
                ps256_unsupported += 1;
            }
            (false, "ES256") => {
                let e = r.expect_err(&v.source);
                assert_eq!(e.reason(), ReasonCode::AlgKeyMismatch, "{}: {e}", v.source);
                assert_eq!(
                    e.to_string(),
                    "the header's alg is ES256, but the key is id-ecPublicKey (P-384)"
                );
                let sign1 = CoseSign1::decode(&v.cose).unwrap();
                assert_eq!(sign1.signature().len(), 96, "{}", v.source);
                assert!(v.source.starts_with("ES/2DCode/raw/40"), "{}", v.source);
                refused += 1;
            }
            other => panic!("{}: unexpected vector {other:?}", v.source),
        }
        if !v.verifies || (v.alg == "PS256" && !cfg!(feature = "ps256")) {
            continue;
        }
        let sign1 = CoseSign1::decode(&v.cose).unwrap();
        match sign1.kid() {
            Some(k) if k.protected => kid_protected += 1,
            Some(_) => kid_unprotected += 1,
            None => panic!("{}: every DGC message has a kid", v.source),
        }
        // The DCC convention: the kid is SHA-256 of the certificate, cut to 8 bytes.
        assert_eq!(
            sign1.kid().unwrap().bytes,
            v.cert.sha256_kid(),
            "{}",
            v.source
        );
        if sign1.tagging() == Tagging::Untagged {
            untagged += 1;
        }
    }
    assert_eq!(es256, 132);
    assert_eq!(refused, 3);
    if cfg!(feature = "ps256") {
        assert_eq!((ps256, ps256_unsupported), (9, 0));
    } else {
        assert_eq!((ps256, ps256_unsupported), (0, 9));
    }
    // The DGC vectors exercise both kid buckets and both taggings.
    // (The 9 PS256 messages all have theirs in the protected header.)
    let ps256_kids = if cfg!(feature = "ps256") { 9 } else { 0 };
    assert_eq!(
        (kid_protected, kid_unprotected),
        (KID_PROTECTED - 9 + ps256_kids, 19)
    );
    assert_eq!(untagged, 3);
}

/// How many of the 141 valid DGC messages carry their kid in the
/// protected header (the other 19: unprotected; 9 of the 122 are PS256), counted independently
/// with a separate CBOR reader in Python when this test was written.
const KID_PROTECTED: usize = 122;

/// Each valid DGC message, with one payload byte or one signature byte
/// changed, is refused with SIGNATURE_INVALID; a truncated signature too.
#[test]
fn dgc_tampered() {
    let opts = CoseOptions::default();
    let mut n = 0;
    for v in dgc().into_iter().filter(|v| v.verifies) {
        if v.alg == "PS256" && !cfg!(feature = "ps256") {
            continue;
        }
        let sign1 = CoseSign1::decode(&v.cose).unwrap();
        let payload = sign1.payload();
        let signature = sign1.signature();
        // The payload and the signature are the last two byte strings.
        let sig_at = v.cose.len() - signature.len();
        let payload_at = v
            .cose
            .windows(payload.len())
            .rposition(|w| w == payload)
            .unwrap();
        for at in [payload_at + payload.len() / 2, sig_at + 5] {
            let mut bad = v.cose.clone();
            bad[at] ^= 0x01;
            let e = cose::verify(&bad, v.cert.key(), &opts).expect_err(&v.source);
            assert_eq!(
                e.reason(),
                ReasonCode::SignatureInvalid,
                "{}: {e}",
                v.source
            );
        }
        n += 1;
    }
    assert_eq!(n, if cfg!(feature = "ps256") { 141 } else { 132 });
}

/// The same messages as `HC1:` QR text (Base45 of zlib, as a DCC wallet
/// shows them), as hex text and as binary: read_input tells the forms
/// apart and gives back the same COSE bytes.
#[test]
fn dgc_input_forms() {
    let opts = CoseOptions::default();
    let mut n = 0;
    for v in dgc().into_iter().filter(|v| v.verifies && v.alg == "ES256") {
        let zlib = miniz_oxide::deflate::compress_to_vec_zlib(&v.cose, 9);
        let hc1 = format!("HC1:{}", elicense::internals::base45::encode(&zlib));
        let hex_text = format!("{}\n", hex::encode_upper(&v.cose));
        for (input, form) in [
            (hc1.clone().into_bytes(), InputForm::Hc1),
            (format!("{hc1}\r\n").into_bytes(), InputForm::Hc1),
            (hex_text.into_bytes(), InputForm::Hex),
            (v.cose.clone(), InputForm::Binary),
        ] {
            let (f, bytes) = cose::read_input(&input).unwrap();
            assert_eq!((f, &bytes), (form, &v.cose), "{}", v.source);
            let (f, ok) = cose::verify_input(&input, &v.cert, &opts).unwrap();
            assert_eq!(f, form);
            assert_eq!(ok.algorithm.name(), "ES256");
        }
        n += 1;
    }
    assert_eq!(n, 132);
}

/// A cose-wg example file.
struct Wg {
    json: Value,
}

impl Wg {
    fn new(name: &str) -> Self {
        Wg {
            json: load(&format!("cose-wg/{name}.json")),
        }
    }
    fn cose(&self) -> Vec<u8> {
        hex::decode(self.json["output"]["cbor"].as_str().unwrap()).unwrap()
    }
    fn to_be_signed(&self) -> Vec<u8> {
        hex::decode(self.json["intermediates"]["ToBeSign_hex"].as_str().unwrap()).unwrap()
    }
    fn key_field(&self, k: &str) -> &str {
        self.json["input"]["sign0"]["key"][k].as_str().unwrap()
    }
    fn external(&self) -> Vec<u8> {
        self.json["input"]["sign0"]["external"]
            .as_str()
            .map(|h| hex::decode(h).unwrap())
            .unwrap_or_default()
    }
    /// The signer's key as a SubjectPublicKeyInfo, from its JWK.
    fn key(&self) -> VerificationKey {
        let mut spki = Vec::new();
        match (self.key_field("kty"), self.key_field("crv")) {
            ("EC", "P-256") => {
                spki.extend_from_slice(
                    &hex::decode("3059301306072a8648ce3d020106082a8648ce3d030107034200").unwrap(),
                );
                spki.push(0x04);
                spki.extend(base64(self.key_field("x")));
                spki.extend(base64(self.key_field("y")));
            }
            ("EC", "P-384") => {
                spki.extend_from_slice(
                    &hex::decode("3076301006072a8648ce3d020106052b81040022036200").unwrap(),
                );
                spki.push(0x04);
                spki.extend(base64(self.key_field("x")));
                spki.extend(base64(self.key_field("y")));
            }
            ("OKP", "Ed25519") => {
                spki.extend_from_slice(&hex::decode("302a300506032b6570032100").unwrap());
                spki.extend(hex::decode(self.key_field("x_hex")).unwrap());
            }
            ("OKP", "Ed448") => {
                spki.extend_from_slice(&hex::decode("3043300506032b6571033a00").unwrap());
                spki.extend(hex::decode(self.key_field("x_hex")).unwrap());
            }
            other => panic!("no key for {other:?}"),
        }
        VerificationKey::from_spki_der(&spki).expect("the vector's key")
    }
    fn verify(&self, options: &CoseOptions) -> Result<cose::Verified, cose::CoseError> {
        cose::verify(&self.cose(), &self.key(), options)
    }
}

/// The cose-wg examples this verifier accepts: each verifies with the
/// algorithm named, and its Sig_structure is byte for byte the vector's
/// `ToBeSign_hex`.
#[test]
fn cose_wg_valid() {
    for (name, alg, tagging, kid) in [
        ("ecdsa-sig-01", "ES256", Tagging::Tagged, "3131"),
        ("eddsa-sig-01", "EdDSA", Tagging::Tagged, "3131"),
        ("sign-pass-02", "ES256", Tagging::Tagged, "3131"),
        ("sign-pass-03", "ES256", Tagging::Untagged, "3131"),
    ] {
        let wg = Wg::new(name);
        let options = CoseOptions::with_external_aad(wg.external());
        let sign1 = CoseSign1::decode(&wg.cose()).unwrap();
        assert_eq!(
            sign1.to_be_signed(&options.external_aad),
            wg.to_be_signed(),
            "{name}"
        );
        let ok = wg
            .verify(&options)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(ok.algorithm.name(), alg, "{name}");
        assert_eq!(ok.tagging, tagging, "{name}");
        let k = ok.kid.as_ref().expect("kid");
        assert_eq!(
            (hex::encode(&k.bytes), k.protected),
            (kid.to_owned(), false)
        );
        assert_eq!(ok.payload, b"This is the content.", "{name}");
    }
}

/// sign-pass-02 is bound to external data: without it the signature is
/// over other bytes.
#[test]
fn cose_wg_external_aad_is_required() {
    let wg = Wg::new("sign-pass-02");
    assert_eq!(
        wg.external(),
        hex::decode("11aa22bb33cc44dd55006699").unwrap()
    );
    let e = wg.verify(&CoseOptions::default()).unwrap_err();
    assert_eq!(e.reason(), ReasonCode::SignatureInvalid);
    // And a message signed without external data does not verify with some.
    let e = Wg::new("ecdsa-sig-01")
        .verify(&CoseOptions::with_external_aad(vec![0u8]))
        .unwrap_err();
    assert_eq!(e.reason(), ReasonCode::SignatureInvalid);
}

/// The cose-wg examples this verifier refuses, each with its reason code
/// and message.
#[test]
fn cose_wg_refused() {
    for (name, reason, message) in [
        // alg only in the unprotected header (protected is h'A0').
        (
            "sign-pass-01",
            ReasonCode::CoseAlgUnprotected,
            "alg is only in the unprotected header, where it is not authenticated (RFC 9052 §3.1)",
        ),
        (
            "sign-fail-01",
            ReasonCode::CoseMalformed,
            "the message is tagged 998, not COSE_Sign1 (18)",
        ),
        (
            "sign-fail-02",
            ReasonCode::SignatureInvalid,
            "the signature does not verify",
        ),
        (
            "sign-fail-03",
            ReasonCode::CoseAlgUnsupported,
            "the algorithm -999 is not supported",
        ),
        (
            "sign-fail-04",
            ReasonCode::CoseAlgUnsupported,
            "the algorithm \"unknown\" is not supported",
        ),
        (
            "sign-fail-06",
            ReasonCode::SignatureInvalid,
            "the signature does not verify",
        ),
        (
            "sign-fail-07",
            ReasonCode::SignatureInvalid,
            "the signature does not verify",
        ),
        (
            "ecdsa-sig-02",
            ReasonCode::CoseAlgUnsupported,
            "the algorithm ES384 (-35) is not supported",
        ),
        (
            "eddsa-sig-02",
            ReasonCode::CoseAlgUnsupported,
            "the algorithm EdDSA with an Ed448 key is not supported",
        ),
    ] {
        let wg = Wg::new(name);
        let e = wg.verify(&CoseOptions::default()).expect_err(name);
        assert_eq!(
            (e.reason(), e.to_string().as_str()),
            (reason, message),
            "{name}"
        );
    }
}

/// Keys that do not match the header's algorithm are refused before any
/// signature work: a P-256 key under EdDSA, an Ed25519 key under ES256,
/// an RSA key under ES256, a P-256 key under PS256.
#[test]
fn key_confusion_is_refused() {
    let es = Wg::new("ecdsa-sig-01");
    let ed = Wg::new("eddsa-sig-01");
    let e = cose::verify(&ed.cose(), &es.key(), &CoseOptions::default()).unwrap_err();
    assert_eq!(e.reason(), ReasonCode::AlgKeyMismatch);
    assert_eq!(
        e.to_string(),
        "the header's alg is EdDSA, but the key is P-256"
    );
    let e = cose::verify(&es.cose(), &ed.key(), &CoseOptions::default()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "the header's alg is ES256, but the key is Ed25519"
    );
    if cfg!(feature = "ps256") {
        let all = dgc();
        let rsa = all.iter().find(|v| v.alg == "PS256").unwrap();
        let ec = all.iter().find(|v| v.alg == "ES256" && v.verifies).unwrap();
        let e = cose::verify(&ec.cose, rsa.cert.key(), &CoseOptions::default()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the header's alg is ES256, but the key is RSA 2048 bits"
        );
        assert_eq!(e.reason(), ReasonCode::AlgKeyMismatch);
        let e = cose::verify(&rsa.cose, ec.cert.key(), &CoseOptions::default()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the header's alg is PS256, but the key is P-256"
        );
    }
}

/// This crate's own licences verify here as plain COSE (`EL1:` text and
/// binary), against the authority certificate in PEM or DER.
#[cfg(feature = "issuer")]
#[test]
fn own_licence_verifies_as_generic_cose() {
    let demo = elicense::demo::Demo::generate().unwrap();
    let licence = elicense::demo::Demo::sample_licence().unwrap();
    let signed = licence
        .sign(
            &elicense::artifact::CertifiedSigner::new(
                demo.authority.clone(),
                demo.authority_key.clone(),
            )
            .expect("the key is the certificate's"),
        )
        .unwrap();
    let pem = SignerCertificate::from_bytes(demo.authority.to_pem().as_bytes()).unwrap();
    let der = SignerCertificate::from_bytes(demo.authority.der()).unwrap();
    assert_eq!(pem.der(), der.der());
    assert_eq!(pem.not_after(), demo.authority.not_after());
    for (input, form) in [
        (signed.qr_text().into_bytes(), InputForm::El2),
        (signed.cose().to_vec(), InputForm::Binary),
    ] {
        let (f, ok) = cose::verify_input(&input, &pem, &CoseOptions::default()).unwrap();
        assert_eq!(f, form);
        assert_eq!(ok.algorithm.name(), "EdDSA");
        assert_eq!(ok.tagging, Tagging::Tagged);
        let kid = ok.kid.unwrap();
        assert_eq!(
            (&kid.bytes[..], kid.protected),
            (&demo.authority.kid()[..], true)
        );
        assert_eq!(kid.bytes, pem.sha256_kid());
        assert_eq!(ok.payload, licence.to_claims());
    }
    // Another authority's certificate: same algorithm, wrong key.
    let other = elicense::demo::Demo::generate().unwrap();
    let other = SignerCertificate::from_der(other.authority.der()).unwrap();
    let e = cose::verify_input(signed.qr_text().as_bytes(), &other, &CoseOptions::default())
        .unwrap_err();
    assert_eq!(e.reason(), ReasonCode::SignatureInvalid);
}
