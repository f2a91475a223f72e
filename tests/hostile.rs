//! Every hostile input listed for the first issue, through the public
//! verification pipeline, each with its expected verdict and reason code.

use elicense::alg::SecretKey;
use elicense::demo::{sample_issued_at, Demo};
use elicense::envelope::{sig_structure, to_qr_text, ArtifactType, PreparedSign1, Typ};
use elicense::internals::base45;
use elicense::licence::Licence;
use elicense::pki::{
    create_authority, create_region_root, AuthorityParams, RegionRootParams, Usage,
};
use elicense::verify::{CheckKind, Outcome, Report, TrustStore, Verdict, Verifier};
use elicense::ReasonCode;

const DAY: i64 = 86_400;

fn demo() -> Demo {
    Demo::with_keys(
        SecretKey::from_seed(&[1; 32]),
        SecretKey::from_seed(&[2; 32]),
    )
    .unwrap()
}

fn now() -> i64 {
    sample_issued_at() + DAY
}

fn cbor_head(out: &mut Vec<u8>, major: u8, len: usize) {
    let m = major << 5;
    match len {
        0..=23 => out.push(m | len as u8),
        24..=255 => out.extend_from_slice(&[m | 24, len as u8]),
        256..=65535 => {
            out.push(m | 25);
            out.extend_from_slice(&(len as u16).to_be_bytes());
        }
        _ => {
            out.push(m | 26);
            out.extend_from_slice(&(len as u32).to_be_bytes());
        }
    }
}

fn bstr(out: &mut Vec<u8>, b: &[u8]) {
    cbor_head(out, 2, b.len());
    out.extend_from_slice(b);
}

/// A COSE_Sign1 with arbitrary protected and unprotected headers, signed by `key`.
fn envelope(key: &SecretKey, protected: &[u8], unprotected: &[u8], payload: &[u8]) -> Vec<u8> {
    let sig = key.sign_bytes(&sig_structure(protected, payload));
    let mut out = vec![0xd2, 0x84];
    bstr(&mut out, protected);
    out.extend_from_slice(unprotected);
    bstr(&mut out, payload);
    bstr(&mut out, &sig);
    out
}

fn protected(alg: Option<&[u8]>, kid: &[u8], typ: Typ) -> Vec<u8> {
    let mut p = vec![0xa0 + 2 + u8::from(alg.is_some())];
    if let Some(a) = alg {
        p.push(0x01);
        p.extend_from_slice(a);
    }
    p.push(0x04);
    bstr(&mut p, kid);
    p.push(0x10);
    match typ {
        Typ::MediaType(t) => {
            cbor_head(&mut p, 3, t.len());
            p.extend_from_slice(t.as_bytes());
        }
        Typ::ContentFormat(n) => cbor_head(&mut p, 0, n.into()),
    }
    p
}

fn assert_report(r: &Report, verdict: Verdict, reason: ReasonCode, check: CheckKind) {
    assert_eq!(r.verdict, verdict, "{}", r.to_text());
    assert_eq!(r.reason, reason, "{}", r.to_text());
    let c = r.check(check).unwrap();
    assert_eq!(c.reason, reason);
    assert_ne!(c.outcome, Outcome::Pass);
    // Nothing after a failed check ran, and no untrusted claim leaked before the signature.
    let idx = r.checks.iter().position(|c| c.check == check).unwrap();
    assert!(r.checks[idx + 1..]
        .iter()
        .all(|c| c.outcome == Outcome::Skipped));
    if idx
        < r.checks
            .iter()
            .position(|c| c.check == CheckKind::Claims)
            .unwrap_or(0)
    {
        assert!(r.licence.is_none());
    }
}

struct Fixture {
    demo: Demo,
    verifier: Verifier,
    cose: Vec<u8>,
    text: String,
}

fn fixture() -> Fixture {
    let demo = demo();
    let signed = Demo::sample_licence()
        .unwrap()
        .sign(
            &elicense::artifact::CertifiedSigner::new(
                demo.authority.clone(),
                demo.authority_key.clone(),
            )
            .expect("the key is the certificate's"),
        )
        .unwrap();
    Fixture {
        verifier: demo.verifier(),
        demo,
        cose: signed.cose().to_vec(),
        text: signed.qr_text(),
    }
}

#[test]
fn the_sample_is_valid() {
    let f = fixture();
    let r = f
        .verifier
        .verify_qr(&f.text, elicense::UnixTime::from_secs(now()));
    assert_eq!(r.verdict, Verdict::Valid, "{}", r.to_text());
    assert_eq!(r.reason, ReasonCode::Ok);
    // Every check passes but STATUS: without a status list, nobody checked.
    assert!(r
        .checks
        .iter()
        .all(|c| c.outcome == Outcome::Pass || c.reason == ReasonCode::StatusNotChecked));
    assert_eq!(
        r.check(CheckKind::Status).unwrap().outcome,
        Outcome::NotChecked
    );
    let l = r.licence.as_ref().unwrap();
    assert_eq!(
        l.identifier.as_ref().unwrap().to_string(),
        "1.2.156.3005.2.11100000000013338W011.11310000MB2F31727A.20240001735.001.Y"
    );
    assert_eq!(l.licence.holder().name, "上海浦江智联科技有限公司");
    let a = r.authority.as_ref().unwrap();
    assert_eq!(a.name, "上海市市场监督管理局");
    assert_eq!(a.region.as_ref().unwrap().as_str(), "310000");
}

#[test]
fn wrong_prefix() {
    let f = fixture();
    let text = f.text.replacen("EL2:", "HC1:", 1);
    let r = f
        .verifier
        .verify_qr(&text, elicense::UnixTime::from_secs(now()));
    assert_report(
        &r,
        Verdict::Invalid,
        ReasonCode::QrPrefixInvalid,
        CheckKind::Decode,
    );
}

#[test]
fn characters_outside_base45() {
    let f = fixture();
    let mut text = f.text.clone();
    text.insert(10, 'a');
    let r = f
        .verifier
        .verify_qr(&text, elicense::UnixTime::from_secs(now()));
    assert_report(
        &r,
        Verdict::Invalid,
        ReasonCode::Base45InvalidCharacter,
        CheckKind::Decode,
    );
    let r = f
        .verifier
        .verify_qr("EL2:证照", elicense::UnixTime::from_secs(now()));
    assert_report(
        &r,
        Verdict::Invalid,
        ReasonCode::Base45InvalidCharacter,
        CheckKind::Decode,
    );
}

#[test]
fn base45_group_out_of_range() {
    let f = fixture();
    let r = f
        .verifier
        .verify_qr("EL2:GGW", elicense::UnixTime::from_secs(now()));
    assert_report(
        &r,
        Verdict::Invalid,
        ReasonCode::Base45ValueOutOfRange,
        CheckKind::Decode,
    );
    // A trailing pair over 255.
    let r = f.verifier.verify_qr(
        &format!("{}::", &f.text[..f.text.len() - f.text.len() % 3]),
        elicense::UnixTime::from_secs(now()),
    );
    assert_eq!(r.check(CheckKind::Decode).unwrap().outcome, Outcome::Fail);
}

#[test]
fn line_end_after_the_qr_text() {
    let f = fixture();
    // FORMAT §2: the QR text is exactly what the code holds; a line end is
    // not Base45.
    for suffix in ["\n", "\r\n"] {
        let r = f.verifier.verify_qr(
            &format!("{}{suffix}", f.text),
            elicense::UnixTime::from_secs(now()),
        );
        assert_report(
            &r,
            Verdict::Invalid,
            ReasonCode::Base45InvalidCharacter,
            CheckKind::Decode,
        );
    }
    // A file or an HTTP body carrying it drops the line ends first.
    let carried = format!("{}\r\n", f.text);
    let r = f.verifier.verify_qr(
        elicense::envelope::trim_line_ends(&carried),
        elicense::UnixTime::from_secs(now()),
    );
    assert_eq!(r.verdict, Verdict::Valid, "{}", r.to_text());
}

#[test]
fn prefix_alone() {
    let f = fixture();
    let r = f
        .verifier
        .verify_qr("EL2:", elicense::UnixTime::from_secs(now()));
    assert_report(
        &r,
        Verdict::Invalid,
        ReasonCode::PayloadEncodingUnknown,
        CheckKind::Decode,
    );
}

#[test]
fn base45_fault_precedence() {
    // FORMAT §2: a character outside the alphabet, else a lone trailing
    // character, else a value out of range.
    let f = fixture();
    for (text, reason) in [
        ("EL2:GGW~", ReasonCode::Base45InvalidCharacter),
        ("EL2:GGW0", ReasonCode::Base45InvalidLength),
        ("EL2:GGWV5", ReasonCode::Base45ValueOutOfRange),
        ("EL2:000GGW", ReasonCode::Base45ValueOutOfRange),
    ] {
        let r = f
            .verifier
            .verify_qr(text, elicense::UnixTime::from_secs(now()));
        assert_report(&r, Verdict::Invalid, reason, CheckKind::Decode);
    }
}

#[test]
fn zip_bomb() {
    let f = fixture();
    let mut bomb = vec![elicense::envelope::PAYLOAD_DICTIONARY_1];
    bomb.extend(miniz_oxide::deflate::compress_to_vec(
        &vec![0u8; 1 << 20],
        10,
    ));
    let text = format!("EL2:{}", base45::encode(&bomb));
    assert!(
        text.len() < 4296,
        "the bomb fits a QR code: {} chars",
        text.len()
    );
    let r = f
        .verifier
        .verify_qr(&text, elicense::UnixTime::from_secs(now()));
    assert_report(
        &r,
        Verdict::Invalid,
        ReasonCode::ZlibTooLarge,
        CheckKind::Decode,
    );
}

#[test]
fn zip_bomb_through_the_dictionary() {
    // The dictionary's own bytes, copied from it over and over: a payload
    // of a few hundred bytes that would inflate past the limit.
    let f = fixture();
    let copies: Vec<u8> = elicense::envelope::DICTIONARY_1[..9000].to_vec();
    let text = elicense::envelope::to_qr_text(&copies);
    assert!(text.len() < 400, "{} chars", text.len());
    let r = f
        .verifier
        .verify_qr(&text, elicense::UnixTime::from_secs(now()));
    assert_report(
        &r,
        Verdict::Invalid,
        ReasonCode::ZlibTooLarge,
        CheckKind::Decode,
    );
}

#[test]
fn format_version_1_and_unknown_dictionaries() {
    let f = fixture();
    // The sample as format version 1 wrote it: EL1: and zlib.
    let zlib = miniz_oxide::deflate::compress_to_vec_zlib(&f.cose, 9);
    let old = format!("EL1:{}", base45::encode(&zlib));
    let r = f
        .verifier
        .verify_qr(&old, elicense::UnixTime::from_secs(now()));
    assert_report(
        &r,
        Verdict::Invalid,
        ReasonCode::QrVersionUnsupported,
        CheckKind::Decode,
    );
    // The same zlib stream under EL2: its first byte 0x78 is no form of version 2.
    let r = f.verifier.verify_qr(
        &format!("EL2:{}", base45::encode(&zlib)),
        elicense::UnixTime::from_secs(now()),
    );
    assert_report(
        &r,
        Verdict::Invalid,
        ReasonCode::PayloadEncodingUnknown,
        CheckKind::Decode,
    );
    // The sample's payload relabelled as compressed over dictionary 2.
    let mut payload = base45::decode(&f.text[4..]).unwrap();
    assert_eq!(payload[0], elicense::envelope::PAYLOAD_DICTIONARY_1);
    payload[0] = 0x02;
    let r = f.verifier.verify_qr(
        &format!("EL2:{}", base45::encode(&payload)),
        elicense::UnixTime::from_secs(now()),
    );
    assert_report(
        &r,
        Verdict::Invalid,
        ReasonCode::DictionaryUnknown,
        CheckKind::Decode,
    );
}

#[test]
fn truncated_cose() {
    let f = fixture();
    for cut in [1, 10, 64, f.cose.len() - 1] {
        let r = f
            .verifier
            .verify_cose(&f.cose[..cut], elicense::UnixTime::from_secs(now()));
        assert_report(
            &r,
            Verdict::Invalid,
            ReasonCode::CborMalformed,
            CheckKind::Envelope,
        );
    }
    let r = f.verifier.verify_qr(
        &to_qr_text(&f.cose[..f.cose.len() / 2]),
        elicense::UnixTime::from_secs(now()),
    );
    assert_report(
        &r,
        Verdict::Invalid,
        ReasonCode::CborMalformed,
        CheckKind::Envelope,
    );
}

#[test]
fn untagged_cose() {
    let f = fixture();
    let r = f
        .verifier
        .verify_cose(&f.cose[1..], elicense::UnixTime::from_secs(now()));
    assert_report(
        &r,
        Verdict::Invalid,
        ReasonCode::CoseUntagged,
        CheckKind::Envelope,
    );
}

#[test]
fn wrong_typ() {
    let f = fixture();
    let kid = *f.demo.authority.kid();
    let payload = Demo::sample_licence().unwrap().to_claims();
    // A seal's typ, the text typ of wire format version 1, another
    // content format.
    for typ in [
        Typ::MediaType("application/el-seal+cwt"),
        Typ::MediaType("application/el-lic+cwt"),
        Typ::ContentFormat(65101),
    ] {
        let p = protected(Some(&[0x27]), &kid, typ);
        let cose = envelope(&f.demo.authority_key, &p, &[0xa0], &payload);
        let r = f
            .verifier
            .verify_cose(&cose, elicense::UnixTime::from_secs(now()));
        assert_report(
            &r,
            Verdict::Invalid,
            ReasonCode::CoseTypMismatch,
            CheckKind::Envelope,
        );
    }
}

#[test]
fn alg_missing_or_only_unprotected_or_unknown() {
    let f = fixture();
    let kid = *f.demo.authority.kid();
    let payload = Demo::sample_licence().unwrap().to_claims();
    let key = &f.demo.authority_key;
    let typ = ArtifactType::Licence.typ();
    let r = f.verifier.verify_cose(
        &envelope(key, &protected(None, &kid, typ), &[0xa0], &payload),
        elicense::UnixTime::from_secs(now()),
    );
    assert_report(
        &r,
        Verdict::Invalid,
        ReasonCode::CoseAlgMissing,
        CheckKind::Envelope,
    );
    let r = f.verifier.verify_cose(
        &envelope(
            key,
            &protected(None, &kid, typ),
            &[0xa1, 0x01, 0x27],
            &payload,
        ),
        elicense::UnixTime::from_secs(now()),
    );
    assert_report(
        &r,
        Verdict::Invalid,
        ReasonCode::CoseAlgUnprotected,
        CheckKind::Envelope,
    );
    // PS256 (-37) and an unassigned -999: not algorithms of the profile.
    for alg in [&[0x38, 0x24][..], &[0x39, 0x03, 0xe6][..]] {
        let r = f.verifier.verify_cose(
            &envelope(key, &protected(Some(alg), &kid, typ), &[0xa0], &payload),
            elicense::UnixTime::from_secs(now()),
        );
        assert_report(
            &r,
            Verdict::Invalid,
            ReasonCode::CoseAlgUnsupported,
            CheckKind::Envelope,
        );
    }
    // ES256 (-7) and SM2-SM3 named over an Ed25519 signature by an Ed25519
    // certificate: key confusion, refused before any verification.
    let sm2 = {
        let mut h = Vec::new();
        let n = (-1 - elicense::alg::COSE_ALG_SM2_SM3) as u32;
        h.push(0x3a);
        h.extend_from_slice(&n.to_be_bytes());
        h
    };
    for alg in [&[0x26][..], &sm2[..]] {
        let r = f.verifier.verify_cose(
            &envelope(key, &protected(Some(alg), &kid, typ), &[0xa0], &payload),
            elicense::UnixTime::from_secs(now()),
        );
        assert_report(
            &r,
            Verdict::Invalid,
            ReasonCode::AlgKeyMismatch,
            CheckKind::Signature,
        );
    }
}

#[test]
fn unknown_kid_is_indeterminate() {
    let f = fixture();
    let payload = Demo::sample_licence().unwrap().to_claims();
    let p = protected(Some(&[0x27]), &[9; 8], ArtifactType::Licence.typ());
    let r = f.verifier.verify_cose(
        &envelope(&f.demo.authority_key, &p, &[0xa0], &payload),
        elicense::UnixTime::from_secs(now()),
    );
    assert_report(
        &r,
        Verdict::Indeterminate,
        ReasonCode::SignerUnknown,
        CheckKind::Signer,
    );
    assert_eq!(
        r.check(CheckKind::Signer).unwrap().outcome,
        Outcome::Indeterminate
    );
}

#[test]
fn signature_altered() {
    let f = fixture();
    let mut cose = f.cose.clone();
    let n = cose.len();
    cose[n - 20] ^= 0x40;
    let r = f
        .verifier
        .verify_cose(&cose, elicense::UnixTime::from_secs(now()));
    assert_report(
        &r,
        Verdict::Invalid,
        ReasonCode::SignatureInvalid,
        CheckKind::Signature,
    );
    assert!(r.licence.is_none() && r.authority.is_none());
}

#[test]
fn payload_altered() {
    let f = fixture();
    // Change one byte of the holder's name inside the payload (a UTF-8 lead byte stays valid).
    let name = "上海浦江智联科技有限公司".as_bytes();
    let pos = f.cose.windows(name.len()).position(|w| w == name).unwrap();
    let mut cose = f.cose.clone();
    cose[pos + 2] ^= 0x01; // 上 → another CJK character: still valid UTF-8
    let r = f
        .verifier
        .verify_cose(&cose, elicense::UnixTime::from_secs(now()));
    assert_report(
        &r,
        Verdict::Invalid,
        ReasonCode::SignatureInvalid,
        CheckKind::Signature,
    );
    assert!(
        r.licence.is_none(),
        "no claim may be shown before the signature verifies"
    );
}

#[test]
fn non_canonical_signature() {
    let f = fixture();
    const ELL: [u8; 32] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde,
        0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ];
    let mut cose = f.cose.clone();
    let n = cose.len();
    // S is the last 32 bytes; S + ℓ is the malleable twin.
    let mut carry = 0u16;
    for i in 0..32 {
        let v = cose[n - 32 + i] as u16 + ELL[i] as u16 + carry;
        cose[n - 32 + i] = v as u8;
        carry = v >> 8;
    }
    let r = f
        .verifier
        .verify_cose(&cose, elicense::UnixTime::from_secs(now()));
    assert_report(
        &r,
        Verdict::Invalid,
        ReasonCode::SignatureNonCanonical,
        CheckKind::Signature,
    );
}

#[test]
fn small_order_public_key_in_certificate() {
    // A certificate carrying the identity point as its key is refused when read.
    let f = fixture();
    let mut der = f.demo.authority.der().to_vec();
    let pk = f.demo.authority_key.public_key();
    let pos = der.windows(32).position(|w| w == pk.as_bytes()).unwrap();
    der[pos..pos + 32].copy_from_slice(&{
        let mut id = [0u8; 32];
        id[0] = 1;
        id
    });
    let err = elicense::pki::Certificate::from_der(&der).unwrap_err();
    assert_eq!(err.reason(), ReasonCode::KeyWeak);
}

#[test]
fn duplicate_map_keys_indefinite_lengths_trailing_bytes() {
    let f = fixture();
    let key = &f.demo.authority_key;
    let kid = *f.demo.authority.kid();
    // Duplicate key in the protected header.
    let mut p = protected(Some(&[0x27]), &kid, ArtifactType::Licence.typ());
    p[0] += 1;
    p.extend_from_slice(&[0x01, 0x27]);
    let r = f.verifier.verify_cose(
        &envelope(key, &p, &[0xa0], b"x"),
        elicense::UnixTime::from_secs(now()),
    );
    assert_report(
        &r,
        Verdict::Invalid,
        ReasonCode::CborDuplicateKey,
        CheckKind::Envelope,
    );
    // Duplicate key in the unprotected header.
    let p = protected(Some(&[0x27]), &kid, ArtifactType::Licence.typ());
    let r = f.verifier.verify_cose(
        &envelope(key, &p, &[0xa2, 0x05, 0x40, 0x05, 0x40], b"x"),
        elicense::UnixTime::from_secs(now()),
    );
    assert_report(
        &r,
        Verdict::Invalid,
        ReasonCode::CborDuplicateKey,
        CheckKind::Envelope,
    );
    // Duplicate claim inside a correctly signed payload: caught after the signature, as CLAIMS.
    let mut claims = Demo::sample_licence().unwrap().to_claims();
    claims[0] += 1;
    claims.extend_from_slice(&[0x06, 0x1a, 0, 0, 0, 1]);
    let r = f.verifier.verify_cose(
        &envelope(key, &p, &[0xa0], &claims),
        elicense::UnixTime::from_secs(now()),
    );
    assert_report(
        &r,
        Verdict::Invalid,
        ReasonCode::CborDuplicateKey,
        CheckKind::Claims,
    );
    // Indefinite-length unprotected map.
    let r = f.verifier.verify_cose(
        &envelope(key, &p, &[0xbf, 0xff], b"x"),
        elicense::UnixTime::from_secs(now()),
    );
    assert_report(
        &r,
        Verdict::Invalid,
        ReasonCode::CborIndefiniteLength,
        CheckKind::Envelope,
    );
    // Trailing bytes.
    let mut cose = f.cose.clone();
    cose.push(0xf6);
    let r = f
        .verifier
        .verify_cose(&cose, elicense::UnixTime::from_secs(now()));
    assert_report(
        &r,
        Verdict::Invalid,
        ReasonCode::CborTrailingBytes,
        CheckKind::Envelope,
    );
}

#[test]
fn deeply_nested_cbor() {
    let f = fixture();
    let p = protected(
        Some(&[0x27]),
        f.demo.authority.kid(),
        ArtifactType::Licence.typ(),
    );
    let mut unprotected = vec![0xa1, 0x05];
    unprotected.extend(std::iter::repeat_n(0x81, 1000));
    unprotected.push(0x00);
    let r = f.verifier.verify_cose(
        &envelope(&f.demo.authority_key, &p, &unprotected, b"x"),
        elicense::UnixTime::from_secs(now()),
    );
    assert_report(
        &r,
        Verdict::Invalid,
        ReasonCode::CborTooDeep,
        CheckKind::Envelope,
    );
}

#[test]
fn ten_megabyte_string() {
    let f = fixture();
    let mut cose = vec![0xd2, 0x84, 0x40, 0xa0, 0x5a, 0x00, 0x98, 0x96, 0x80];
    cose.resize(cose.len() + 10_000_000, b'a');
    let r = f
        .verifier
        .verify_cose(&cose, elicense::UnixTime::from_secs(now()));
    assert_report(
        &r,
        Verdict::Invalid,
        ReasonCode::InputTooLarge,
        CheckKind::Envelope,
    );
    // Only the header of a 10 MB string: refused without allocating it.
    let r = f
        .verifier
        .verify_cose(&cose[..16], elicense::UnixTime::from_secs(now()));
    assert_eq!(r.verdict, Verdict::Invalid);
    assert!(
        matches!(
            r.reason,
            ReasonCode::CborMalformed | ReasonCode::CborItemTooLarge
        ),
        "{}",
        r.reason
    );
    // As QR text: over the QR capacity.
    let r = f.verifier.verify_qr(
        &"A".repeat(10_000_000),
        elicense::UnixTime::from_secs(now()),
    );
    assert_report(
        &r,
        Verdict::Invalid,
        ReasonCode::InputTooLarge,
        CheckKind::Decode,
    );
}

fn licence_issued_at(iat: i64) -> Licence {
    let mut spec =
        elicense::licence::LicenceSpec::from_json(elicense::demo::SAMPLE_LICENCE_JSON).unwrap();
    spec.issued_at = Some(iat);
    spec.to_licence(0).unwrap()
}

/// Signs the claims of `licence` directly, bypassing the issuer-side checks.
fn force_sign(demo: &Demo, licence: &Licence) -> Vec<u8> {
    let prepared = PreparedSign1::new(
        ArtifactType::Licence,
        elicense::alg::Algorithm::EdDsa,
        *demo.authority.kid(),
        licence.to_claims(),
    );
    let sig = demo.authority_key.sign_bytes(&prepared.to_be_signed());
    prepared
        .complete(&sig, &demo.authority_key.public_key())
        .unwrap()
}

#[test]
fn certificate_expired_or_not_yet_valid_at_iat() {
    let f = fixture();
    // The authority certificate is valid 2024-01-01 .. 2029-01-01.
    let expired_iat = f.demo.authority.not_after() + 10;
    let cose = force_sign(&f.demo, &licence_issued_at(expired_iat));
    let r = f
        .verifier
        .verify_cose(&cose, elicense::UnixTime::from_secs(expired_iat + DAY));
    assert_report(
        &r,
        Verdict::Invalid,
        ReasonCode::CertExpired,
        CheckKind::Certificate,
    );
    assert!(
        r.licence.is_some(),
        "the authenticated licence is shown with the failure"
    );

    let early_iat = f.demo.authority.not_before() - 10;
    let cose = force_sign(&f.demo, &licence_issued_at(early_iat));
    let r = f
        .verifier
        .verify_cose(&cose, elicense::UnixTime::from_secs(now()));
    assert_report(
        &r,
        Verdict::Invalid,
        ReasonCode::CertNotYetValid,
        CheckKind::Certificate,
    );
    // And the issuer side refuses to sign such a licence in the first place.
    let err = licence_issued_at(early_iat)
        .sign(
            &elicense::artifact::CertifiedSigner::new(
                f.demo.authority.clone(),
                f.demo.authority_key.clone(),
            )
            .expect("the key is the certificate's"),
        )
        .unwrap_err();
    assert_eq!(err.reason(), ReasonCode::CertNotYetValid);
}

#[test]
fn licence_outlives_its_certificate() {
    // Issued while the certificate was valid, checked years after it expired: still VALID.
    let f = fixture();
    let cose = force_sign(&f.demo, &licence_issued_at(sample_issued_at()));
    let r = f.verifier.verify_cose(
        &cose,
        elicense::UnixTime::from_secs(f.demo.authority.not_after() + 3650 * DAY),
    );
    assert_eq!(r.verdict, Verdict::Valid, "{}", r.to_text());
}

#[test]
fn wrong_eku() {
    let f = fixture();
    let seal_key = SecretKey::from_seed(&[3; 32]);
    let seal_cert = create_authority(
        &f.demo.root_key,
        &f.demo.root,
        &seal_key.public_key(),
        &AuthorityParams {
            name: "上海市印章制作中心".into(),
            credit_code: "12310000MB00000019".parse().unwrap(),
            usages: vec![Usage::SealMaking],
            not_before: f.demo.authority.not_before(),
            not_after: f.demo.authority.not_after(),
            serial_number: None,
        },
    )
    .unwrap();
    let licence = Demo::sample_licence().unwrap();
    // The issuer side refuses.
    assert_eq!(
        licence
            .sign(
                &elicense::artifact::CertifiedSigner::new(seal_cert.clone(), seal_key.clone())
                    .expect("the key is the certificate's")
            )
            .unwrap_err()
            .reason(),
        ReasonCode::CertWrongEku
    );
    // A licence signed anyway is refused by the verifier.
    let prepared = PreparedSign1::new(
        ArtifactType::Licence,
        elicense::alg::Algorithm::EdDsa,
        *seal_cert.kid(),
        licence.to_claims(),
    );
    let cose = prepared
        .clone()
        .complete(
            &seal_key.sign_bytes(&prepared.to_be_signed()),
            &seal_key.public_key(),
        )
        .unwrap();
    let verifier =
        Verifier::new(TrustStore::new(vec![f.demo.root.clone()], vec![seal_cert]).unwrap());
    let r = verifier.verify_cose(&cose, elicense::UnixTime::from_secs(now()));
    assert_report(
        &r,
        Verdict::Invalid,
        ReasonCode::CertWrongEku,
        CheckKind::Certificate,
    );
}

#[test]
fn root_used_as_signer() {
    let f = fixture();
    let licence = Demo::sample_licence().unwrap();
    let prepared = PreparedSign1::new(
        ArtifactType::Licence,
        elicense::alg::Algorithm::EdDsa,
        *f.demo.root.kid(),
        licence.to_claims(),
    );
    let cose = prepared
        .clone()
        .complete(
            &f.demo.root_key.sign_bytes(&prepared.to_be_signed()),
            &f.demo.root_key.public_key(),
        )
        .unwrap();
    let r = f
        .verifier
        .verify_cose(&cose, elicense::UnixTime::from_secs(now()));
    assert_report(
        &r,
        Verdict::Invalid,
        ReasonCode::CertCaAsEndEntity,
        CheckKind::Certificate,
    );
}

#[test]
fn another_regions_root() {
    let f = fixture();
    let gd_key = SecretKey::from_seed(&[4; 32]);
    let gd_root = create_region_root(
        &gd_key,
        &RegionRootParams {
            region: "440000".parse().unwrap(),
            name: "广东省电子证照根CA".into(),
            not_before: f.demo.root.not_before(),
            not_after: f.demo.root.not_after(),
            serial_number: None,
        },
    )
    .unwrap();
    let verifier =
        Verifier::new(TrustStore::new(vec![gd_root], vec![f.demo.authority.clone()]).unwrap());
    let r = verifier.verify_qr(&f.text, elicense::UnixTime::from_secs(now()));
    assert_report(
        &r,
        Verdict::Invalid,
        ReasonCode::IssuerNotTrusted,
        CheckKind::Certificate,
    );
}

#[test]
fn licence_not_yet_valid_and_expired_with_leeway() {
    let f = fixture();
    let spec = elicense::licence::LicenceSpec {
        valid_from: "2030-01-01".parse().unwrap(),
        valid_until: Some("2030-12-31".parse().unwrap()),
        issued_at: Some(sample_issued_at()),
        ..elicense::licence::LicenceSpec::from_json(elicense::demo::SAMPLE_LICENCE_JSON).unwrap()
    };
    let licence = spec.to_licence(0).unwrap();
    let text = licence
        .sign(
            &elicense::artifact::CertifiedSigner::new(
                f.demo.authority.clone(),
                f.demo.authority_key.clone(),
            )
            .expect("the key is the certificate's"),
        )
        .unwrap()
        .qr_text();
    let nbf = licence.validity().not_before();
    let exp = licence.validity().expires().unwrap();
    let leeway = elicense::verify::DEFAULT_LEEWAY_SECONDS;
    let at = |t| {
        f.verifier
            .verify_qr(&text, elicense::UnixTime::from_secs(t))
    };
    assert_report(
        &at(nbf - leeway - 1),
        Verdict::Invalid,
        ReasonCode::LicenceNotYetValid,
        CheckKind::Validity,
    );
    assert_eq!(at(nbf - leeway).verdict, Verdict::Valid);
    assert_eq!(at(exp + leeway - 1).verdict, Verdict::Valid);
    assert_report(
        &at(exp + leeway),
        Verdict::Invalid,
        ReasonCode::LicenceExpired,
        CheckKind::Validity,
    );
    // Issued in the future beyond the leeway.
    assert_report(
        &at(sample_issued_at() - leeway - 1),
        Verdict::Invalid,
        ReasonCode::LicenceIssuedInFuture,
        CheckKind::Validity,
    );
    // A different leeway is honoured.
    let strict = f
        .demo
        .verifier()
        .with_options(elicense::verify::VerifyOptions::default().with_leeway(0));
    assert_eq!(
        strict
            .verify_qr(&text, elicense::UnixTime::from_secs(exp - 1))
            .verdict,
        Verdict::Valid
    );
    assert_eq!(
        strict
            .verify_qr(&text, elicense::UnixTime::from_secs(exp))
            .reason,
        ReasonCode::LicenceExpired
    );
}

/// `claims` with the first occurrence of `from` replaced by `to`.
fn patched(claims: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let at = claims
        .windows(from.len())
        .position(|w| w == from)
        .expect("the bytes to patch are in the claims");
    let mut out = claims[..at].to_vec();
    out.extend_from_slice(to);
    out.extend_from_slice(&claims[at + from.len()..]);
    out
}

#[test]
fn compact_claims_faults_after_a_good_signature() {
    let f = fixture();
    let key = &f.demo.authority_key;
    let kid = *f.demo.authority.kid();
    let p = protected(Some(&[0x27]), &kid, ArtifactType::Licence.typ());
    let claims = Demo::sample_licence().unwrap().to_claims();
    let verify = |claims: &[u8]| {
        f.verifier.verify_cose(
            &envelope(key, &p, &[0xa0], claims),
            elicense::UnixTime::from_secs(now()),
        )
    };
    assert_eq!(verify(&claims).verdict, Verdict::Valid);
    let serial_uint = [0x1b, 0, 0, 0, 0x04, 0xb6, 0x65, 0xea, 0xc7];
    let type_code_packed = {
        let mut b = vec![0x4d];
        b.extend(hex::decode("004b4a23c4aa26a7d36846b613").unwrap());
        b
    };
    let cases: [(&str, Vec<u8>, ReasonCode); 5] = [
        (
            "the serial 20240001735 as text",
            patched(&claims, &serial_uint, b"\x6b20240001735"),
            ReasonCode::LicenceFieldInvalid,
        ),
        (
            "item number 0",
            patched(
                &claims,
                &[0xa5, 0x02, 0x78, 0x24],
                &[0xa5, 0x00, 0x78, 0x24],
            ),
            ReasonCode::LicenceFieldInvalid,
        ),
        (
            "a type code of 12 bytes",
            patched(
                &claims,
                &type_code_packed,
                &[&[0x4c][..], &type_code_packed[2..]].concat(),
            ),
            ReasonCode::LicenceFieldInvalid,
        ),
        (
            "the type code as text (format version 1)",
            patched(&claims, &type_code_packed, b"\x7511100000000013338W011"),
            ReasonCode::LicenceMalformed,
        ),
        (
            "a date item under tag 100 (format version 1)",
            patched(
                &claims,
                &[0x05, 0x19, 0x46, 0x74],
                &[0x05, 0xd8, 0x64, 0x19, 0x46, 0x74],
            ),
            ReasonCode::LicenceMalformed,
        ),
    ];
    for (what, bad, reason) in cases {
        let r = verify(&bad);
        assert_eq!(r.reason, reason, "{what}: {}", r.to_text());
        assert_report(&r, Verdict::Invalid, reason, CheckKind::Claims);
    }
}
