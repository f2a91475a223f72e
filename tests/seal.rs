//! Electronic seals end to end through the public API: a seal maker, two
//! departments that seal one document jointly, verification in GB/T 38540's
//! order against a trust store and a trust bundle, and the hostile inputs
//! of the seal issue, each with its reason code.

use ciborium::Value;
use elicense::alg::{Algorithm, SecretKey};
use elicense::artifact::CertifiedSigner;
use elicense::bundle::TrustBundle;
use elicense::envelope::{ArtifactType, PreparedSign1};
use elicense::identifiers::mod31_check;
use elicense::internals::cbor;
use elicense::pki::{
    create_authority, create_federation_root, create_region_root, AuthorityParams, Certificate,
    FederationRootParams, RegionRootParams, Usage,
};
use elicense::policy::TrustLevel;
use elicense::seal::verify::{summarise, Problem, SealCheckKind, SealReport, SealVerifier};
use elicense::seal::{
    DigestAlgorithm, DocumentDigest, DocumentProperties, Picture, PictureType, Seal, SealKind,
    SealedSignature, SignedSeal,
};
use elicense::status::{subject_for, StatusList, StatusListToken};
use elicense::trust::{
    AuthorityState, FederationTrustList, ListedAuthority, ListedRegion, RegionTrustList,
};
use elicense::verify::Category;
use elicense::verify::{Outcome, TrustStore, Verdict, Verifier};
use elicense::{ReasonCode, UnixTime};

const NOW: i64 = 1_748_736_000; // 2025-06-01T00:00:00Z
const Y2024: i64 = 1_704_067_200;
const Y2030: i64 = 1_893_456_000;
const DAY: i64 = 86_400;
/// When the seals are made, and their validity.
const MADE: i64 = NOW - 30 * DAY;
const UNTIL: i64 = NOW + 365 * DAY;
/// When the documents are sealed.
const SEALED: i64 = NOW - DAY;

const SVG: &[u8] = br##"<svg xmlns="http://www.w3.org/2000/svg" width="42mm" height="42mm" viewBox="0 0 42 42"><circle cx="21" cy="21" r="20.3" fill="none" stroke="#E60012" stroke-width="1.2"/></svg>"##;

/// A PDF-looking document of a few kilobytes.
fn pdf() -> Vec<u8> {
    let mut d = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <</Type /Catalog>> endobj\n".to_vec();
    for i in 0..200u32 {
        d.extend_from_slice(format!("{i} 0 obj (关于联合开展专项检查的通知) endobj\n").as_bytes());
    }
    d.extend_from_slice(b"%%EOF\n");
    d
}

/// A credit code registered in Shanghai with a correct check character.
fn code(rest9: &str) -> String {
    let first17 = format!("11310000{rest9}");
    format!("{first17}{}", mod31_check(&first17).unwrap())
}

struct World {
    fed_key: SecretKey,
    fed: Certificate,
    root_key: SecretKey,
    root: Certificate,
    maker: CertifiedSigner,
    a: CertifiedSigner,
    b: CertifiedSigner,
}

fn key(alg: Algorithm, seed: u8) -> SecretKey {
    SecretKey::from_bytes(alg, &[seed; 32]).unwrap()
}

fn authority(
    w_root_key: &SecretKey,
    root: &Certificate,
    alg: Algorithm,
    seed: u8,
    name: &str,
    credit: &str,
    usages: Vec<Usage>,
) -> CertifiedSigner {
    let k = key(alg, seed);
    let cert = create_authority(
        w_root_key,
        root,
        &k.public_key(),
        &AuthorityParams {
            name: name.into(),
            credit_code: credit.parse().unwrap(),
            usages,
            not_before: Y2024,
            not_after: Y2030,
            serial_number: Some(vec![seed]),
        },
    )
    .unwrap();
    CertifiedSigner::new(cert, k).unwrap()
}

/// A region root (Shanghai), a seal maker of `maker_alg`, department A of
/// `a_alg` and department B of `b_alg`.
fn world(maker_alg: Algorithm, a_alg: Algorithm, b_alg: Algorithm) -> World {
    let fed_key = SecretKey::from_seed(&[200; 32]);
    let fed = create_federation_root(
        &fed_key,
        &FederationRootParams {
            name: "全国一体化政务服务平台电子证照信任根".into(),
            not_before: Y2024,
            not_after: Y2030,
            serial_number: Some(vec![1, 200]),
        },
    )
    .unwrap();
    let root_key = SecretKey::from_seed(&[1; 32]);
    let root = create_region_root(
        &root_key,
        &RegionRootParams {
            region: "310000".parse().unwrap(),
            name: "上海市电子证照根CA".into(),
            not_before: Y2024,
            not_after: Y2030,
            serial_number: Some(vec![1]),
        },
    )
    .unwrap();
    let maker = authority(
        &root_key,
        &root,
        maker_alg,
        10,
        "上海市公安局",
        &code("002421441"),
        vec![Usage::SealMaking, Usage::StatusListSigning],
    );
    let a = authority(
        &root_key,
        &root,
        a_alg,
        11,
        "上海市市场监督管理局",
        "11310000MB2F31727A",
        vec![Usage::DocumentSealing],
    );
    let b = authority(
        &root_key,
        &root,
        b_alg,
        12,
        "上海市生态环境局",
        &code("002417920"),
        vec![Usage::DocumentSealing],
    );
    World {
        fed_key,
        fed,
        root_key,
        root,
        maker,
        a,
        b,
    }
}

fn picture() -> Picture {
    Picture::new(PictureType::Svg, SVG.to_vec(), 42, 42).unwrap()
}

/// `owner`'s seal (its organisation, its certificate), made by the maker.
fn seal_of(w: &World, owner: &CertifiedSigner, esid: &str, index: u64) -> SignedSeal {
    let cert = owner.certificate();
    Seal::builder()
        .esid(esid)
        .kind(SealKind::Organisation)
        .name(format!("{}公章", cert.common_name()))
        .owner(cert.common_name(), cert.organization_identifier().unwrap())
        .certificate(cert)
        .picture(picture())
        .created_at(MADE)
        .valid(MADE, UNTIL)
        .status_index(index)
        .build_for(w.maker.algorithm())
        .unwrap()
        .sign(&w.maker)
        .unwrap()
}

fn maker_status(w: &World, issued_at: i64, set: &[(u64, &str)]) -> Vec<u8> {
    let mut list = StatusList::new(2, 64).unwrap();
    for (i, op) in set {
        match *op {
            "revoke" => list.revoke(*i).unwrap(),
            "suspend" => list.suspend(*i).unwrap(),
            _ => unreachable!(),
        }
    }
    let credit = w
        .maker
        .certificate()
        .organization_identifier()
        .unwrap()
        .parse()
        .unwrap();
    StatusListToken::new(subject_for(&credit), issued_at, None, None, list)
        .unwrap()
        .sign(&w.maker)
        .unwrap()
}

/// A verifier trusting the root and knowing the maker, with its status list.
fn store_verifier(w: &World, status: Option<&[(u64, &str)]>) -> SealVerifier {
    let mut store =
        TrustStore::new(vec![w.root.clone()], vec![w.maker.certificate().clone()]).unwrap();
    if let Some(set) = status {
        store
            .add_status_list(&maker_status(w, NOW - DAY, set), UnixTime::from_secs(NOW))
            .unwrap();
    }
    SealVerifier::new(Verifier::new(store))
}

fn sign(seal: &SignedSeal, signer: &CertifiedSigner, doc: &[u8]) -> Vec<u8> {
    SealedSignature::sign(
        seal,
        doc,
        DocumentProperties::file("关于联合开展专项检查的通知.pdf").at(1, 150, 250),
        SEALED,
        signer,
    )
    .unwrap()
}

fn at_now(v: &SealVerifier, sig: &[u8], doc: &[u8]) -> SealReport {
    v.verify(sig, doc, UnixTime::from_secs(NOW))
}

#[track_caller]
fn assert_report(r: &SealReport, verdict: Verdict, reason: ReasonCode, check: SealCheckKind) {
    assert_eq!((r.verdict, r.reason), (verdict, reason), "{}", r.to_text());
    let c = r.check(check).unwrap();
    assert_eq!(c.reason, reason, "{}", r.to_text());
    // Every check before it passed, every one after it was skipped.
    let pos = r.checks.iter().position(|c| c.check == check).unwrap();
    for before in &r.checks[..pos] {
        assert!(
            matches!(before.outcome, Outcome::Pass | Outcome::NotChecked),
            "{}",
            r.to_text()
        );
    }
    if verdict != Verdict::Valid {
        for after in &r.checks[pos + 1..] {
            assert_eq!(after.outcome, Outcome::Skipped, "{}", r.to_text());
        }
    }
}

/// Joint issuance (联合发文) by two departments of the given algorithms,
/// with a maker of `maker_alg`.
fn joint_issuance(maker_alg: Algorithm, a_alg: Algorithm, b_alg: Algorithm) {
    let w = world(maker_alg, a_alg, b_alg);
    let seal_a = seal_of(&w, &w.a, "3101000000001", 0);
    let seal_b = seal_of(&w, &w.b, "3101000000002", 1);
    let doc = pdf();
    let sig_a = sign(&seal_a, &w.a, &doc);
    let sig_b = sign(&seal_b, &w.b, &doc);
    // The seal lists certificates by the maker's digest (SM3 for SM2), the
    // documents are digested by each signer's (SM3 for SM2).
    assert_eq!(
        seal_a.seal().cert_digest_algorithm(),
        DigestAlgorithm::for_algorithm(maker_alg)
    );
    for (sig, alg) in [(&sig_a, a_alg), (&sig_b, b_alg)] {
        assert_eq!(
            SealedSignature::digest_algorithm_of(sig).unwrap(),
            DigestAlgorithm::for_algorithm(alg)
        );
    }

    let v = store_verifier(&w, Some(&[]));
    // Both verify independently, and together: the document is hashed once
    // per algorithm.
    let digests = [
        DocumentDigest::of(DigestAlgorithm::Sha256, &doc),
        DocumentDigest::of(DigestAlgorithm::Sm3, &doc),
    ];
    let reports: Vec<SealReport> = [&sig_a, &sig_b]
        .iter()
        .map(|s| v.verify_digests(s, &digests, UnixTime::from_secs(NOW)))
        .collect();
    for r in &reports {
        assert_report(
            r,
            Verdict::Valid,
            ReasonCode::Ok,
            SealCheckKind::DocumentDigest,
        );
        assert_eq!(r.problem, Problem::None);
        assert_eq!(r.category, Category::Valid);
    }
    assert_eq!(summarise(&reports).verdict, Verdict::Valid);
    let seal = reports[0].seal.as_ref().unwrap();
    assert_eq!(seal.owner.name, "上海市市场监督管理局");
    assert_eq!(seal.picture.data, SVG);
    assert!(seal
        .picture
        .data_uri
        .starts_with("data:image/svg+xml;base64,"));
    assert_eq!(
        reports[1].sealed.as_ref().unwrap().signer.name,
        "上海市生态环境局"
    );

    // One byte altered: both INVALID, DOCUMENT_DIGEST_MISMATCH.
    let mut altered = doc.clone();
    altered[100] ^= 0x01;
    let reports: Vec<SealReport> = [&sig_a, &sig_b]
        .iter()
        .map(|s| at_now(&v, s, &altered))
        .collect();
    for r in &reports {
        assert_report(
            r,
            Verdict::Invalid,
            ReasonCode::DocumentDigestMismatch,
            SealCheckKind::DocumentDigest,
        );
        assert_eq!(r.problem, Problem::Document);
        assert_eq!(r.category, Category::NotGenuine);
    }
    assert_eq!(summarise(&reports).invalid, 2);

    // Department A's seal revoked: its signature is SEAL_REVOKED, B's still valid.
    let v = store_verifier(&w, Some(&[(0, "revoke")]));
    let ra = at_now(&v, &sig_a, &doc);
    assert_report(
        &ra,
        Verdict::Invalid,
        ReasonCode::SealRevoked,
        SealCheckKind::SealStatus,
    );
    assert_eq!(ra.problem, Problem::Status);
    assert_eq!(ra.category, Category::NotCurrent);
    let rb = at_now(&v, &sig_b, &doc);
    assert_eq!(rb.verdict, Verdict::Valid, "{}", rb.to_text());
    let summary = summarise(&[ra, rb]);
    assert_eq!(
        (summary.verdict, summary.valid, summary.invalid),
        (Verdict::Invalid, 1, 1)
    );
}

#[test]
fn joint_issuance_ed25519_and_es256() {
    joint_issuance(Algorithm::EdDsa, Algorithm::EdDsa, Algorithm::Es256);
}

#[test]
fn joint_issuance_all_sm2() {
    joint_issuance(Algorithm::Sm2Sm3, Algorithm::Sm2Sm3, Algorithm::Sm2Sm3);
}

/// GB/T 38540's default: SM2 seal maker, one SM2 department and one
/// Ed25519 department.
#[test]
fn joint_issuance_sm2_and_ed25519() {
    joint_issuance(Algorithm::Sm2Sm3, Algorithm::Sm2Sm3, Algorithm::EdDsa);
}

#[test]
fn the_report_shows_the_standards_order() {
    // SM2-SM3, as GB/T 38540 requires.
    let w = world(Algorithm::Sm2Sm3, Algorithm::Sm2Sm3, Algorithm::Sm2Sm3);
    let seal = seal_of(&w, &w.a, "3101000000001", 0);
    let doc = pdf();
    let r = at_now(
        &store_verifier(&w, Some(&[])),
        &sign(&seal, &w.a, &doc),
        &doc,
    );
    let order: Vec<(&str, Option<u8>)> = r
        .checks
        .iter()
        .map(|c| (c.check.as_str(), c.step))
        .collect();
    assert_eq!(
        order,
        [
            ("FORMAT", None),
            ("SIGNATURE", Some(1)),
            ("SIGNER_LISTED", Some(2)),
            ("SEAL_SIGNATURE", Some(3)),
            ("SEAL_MAKER", Some(4)),
            ("SEAL_VALIDITY", Some(5)),
            ("SEAL_STATUS", Some(5)),
            ("SIGNER_CERTIFICATE", Some(6)),
            ("DOCUMENT_DIGEST", Some(7)),
        ]
    );
    let json: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
    assert_eq!(json["verdict"], "VALID");
    assert_eq!(json["problem"], "NONE");
    assert_eq!(json["category"], "VALID");
    assert_eq!(json["lang"], "en");
    assert_eq!(json["checks"][1]["name"], "Signature");
    assert_eq!(json["checks"][1]["message"], "passed");
    assert_eq!(
        json["sealed"]["signed_at_cst"],
        elicense::UnixTime::from_secs(json["sealed"]["signed_at"].as_i64().unwrap()).cst_rfc3339()
    );
    assert!(json["seal"]["valid_until_cst"]
        .as_str()
        .unwrap()
        .ends_with("+08:00"));
    let zh: serde_json::Value = serde_json::from_str(&r.to_json_in(elicense::Lang::Zh)).unwrap();
    assert_eq!(zh["message"], "有效");
    assert_eq!(zh["checks"][8]["name"], "核对文件是否被改动");
    assert_eq!(json["checks"][1]["check"], "SIGNATURE");
    assert_eq!(json["checks"][1]["step"], 1);
    assert_eq!(json["seal"]["esid"], "3101000000001");
    assert_eq!(json["seal"]["owner"]["code"], "11310000MB2F31727A");
    assert_eq!(json["sealed"]["document"]["page"], 1);
    let text = r.to_text();
    assert!(text.starts_with("Verdict: VALID\nChecked at: "), "{text}");
    assert!(text.contains("  ✓ 1. Signature: passed\n"), "{text}");
    assert!(
        text.contains("  ✓ 7. Document unchanged: passed\n"),
        "{text}"
    );
    let zh = r.render(elicense::Lang::Zh);
    assert!(zh.starts_with("结论：有效\n核验时间："), "{zh}");
    assert!(zh.contains("（北京时间 UTC+8）"), "{zh}");
    assert!(zh.contains("  ✓ 7. 核对文件是否被改动：通过\n"), "{zh}");
}

#[test]
fn without_the_makers_status_list_nobody_checked_revocation() {
    let w = world(Algorithm::EdDsa, Algorithm::EdDsa, Algorithm::EdDsa);
    let seal = seal_of(&w, &w.a, "3101000000001", 0);
    let doc = pdf();
    let r = at_now(&store_verifier(&w, None), &sign(&seal, &w.a, &doc), &doc);
    assert_eq!(r.verdict, Verdict::Valid);
    let status = r.check(SealCheckKind::SealStatus).unwrap();
    assert_eq!(
        (status.outcome, status.reason),
        (Outcome::NotChecked, ReasonCode::StatusNotChecked)
    );
    assert_eq!(r.warnings[0].code, ReasonCode::StatusNotChecked);
}

#[test]
fn a_suspended_seal_and_an_unknown_maker() {
    let w = world(Algorithm::EdDsa, Algorithm::EdDsa, Algorithm::EdDsa);
    let seal = seal_of(&w, &w.a, "3101000000001", 5);
    let doc = pdf();
    let sig = sign(&seal, &w.a, &doc);
    let r = at_now(&store_verifier(&w, Some(&[(5, "suspend")])), &sig, &doc);
    assert_report(
        &r,
        Verdict::Invalid,
        ReasonCode::SealSuspended,
        SealCheckKind::SealStatus,
    );
    // A verifier that does not know the maker cannot decide.
    let v = SealVerifier::new(Verifier::new(
        TrustStore::new(vec![w.root.clone()], vec![]).unwrap(),
    ));
    let r = at_now(&v, &sig, &doc);
    assert_report(
        &r,
        Verdict::Indeterminate,
        ReasonCode::SignerUnknown,
        SealCheckKind::SealSignature,
    );
    assert_eq!(r.problem, Problem::Trust);
    assert_eq!(r.category, Category::CannotTell);
    assert!(
        r.seal.is_none(),
        "no seal shown before its signature verified"
    );
}

/// A sealed signature made by hand: the claims of docs/FORMAT.md §18.2 with
/// any seal, certificate and digest, signed by `key` under the certificate's kid.
fn forge(
    seal: &[u8],
    cert: &Certificate,
    digest: DocumentDigest,
    iat: i64,
    key: &SecretKey,
) -> Vec<u8> {
    let int = |i: i64| Value::Integer(i.into());
    let claims = cbor::encode(&Value::Map(vec![
        (int(6), int(iat)),
        (
            int(-65537),
            Value::Array(vec![
                Value::Bytes(seal.to_vec()),
                Value::Bytes(cert.der().to_vec()),
                Value::Array(vec![
                    Value::Text(digest.algorithm.as_str().into()),
                    Value::Bytes(digest.value.to_vec()),
                ]),
                Value::Array(vec![Value::Text("x.pdf".into()), Value::Null, Value::Null]),
            ]),
        ),
    ]));
    let p = PreparedSign1::new(
        ArtifactType::SealedSignature,
        key.algorithm(),
        *cert.kid(),
        claims,
    );
    p.clone()
        .complete(&key.sign_bytes(&p.to_be_signed()), &key.public_key())
        .unwrap()
}

/// A seal made by hand: `claims` signed by `key` under the certificate's kid.
fn forge_seal(claims: Vec<u8>, cert: &Certificate, key: &SecretKey) -> Vec<u8> {
    let p = PreparedSign1::new(ArtifactType::Seal, key.algorithm(), *cert.kid(), claims);
    p.clone()
        .complete(&key.sign_bytes(&p.to_be_signed()), &key.public_key())
        .unwrap()
}

fn key_of(seed: u8) -> SecretKey {
    key(Algorithm::EdDsa, seed)
}

#[test]
fn hostile_inputs_each_get_their_code() {
    let w = world(Algorithm::EdDsa, Algorithm::EdDsa, Algorithm::EdDsa);
    let seal_a = seal_of(&w, &w.a, "3101000000001", 0);
    let seal_b = seal_of(&w, &w.b, "3101000000002", 1);
    let doc = pdf();
    let sig_a = sign(&seal_a, &w.a, &doc);
    let v = store_verifier(&w, Some(&[]));
    let sha = |d: &[u8]| DocumentDigest::of(DigestAlgorithm::Sha256, d);

    // The document changed by one byte; the signature moved onto another document.
    let mut changed = doc.clone();
    *changed.last_mut().unwrap() = b'\r';
    for other in [changed, b"%PDF-1.7 another document".to_vec()] {
        let r = at_now(&v, &sig_a, &other);
        assert_report(
            &r,
            Verdict::Invalid,
            ReasonCode::DocumentDigestMismatch,
            SealCheckKind::DocumentDigest,
        );
    }

    // The seal swapped for another organisation's seal, in place: the
    // signature no longer verifies.
    // Re-signed by A over B's seal: A's certificate is not listed in it.
    let swapped = forge(
        seal_b.cose(),
        w.a.certificate(),
        sha(&doc),
        SEALED,
        &key_of(11),
    );
    let r = at_now(&v, &swapped, &doc);
    assert_report(
        &r,
        Verdict::Invalid,
        ReasonCode::SignerNotInSeal,
        SealCheckKind::SignerListed,
    );
    assert_eq!(r.problem, Problem::Seal);
    assert_eq!(r.category, Category::NotGenuine);
    // Swapped without re-signing: the signature breaks (it covers the seal).
    let (_, decoded) = SealedSignature::decode(&sig_a).unwrap();
    assert_eq!(decoded.seal().cose(), seal_a.cose());
    let mut claims = cbor::decode(
        elicense::envelope::Sign1::decode(&sig_a, ArtifactType::SealedSignature)
            .unwrap()
            .payload(),
        &elicense::internals::cbor::Limits::new(8, 1 << 20, 1 << 20),
    )
    .unwrap();
    if let Value::Map(m) = &mut claims {
        if let Value::Array(body) = &mut m[1].1 {
            body[0] = Value::Bytes(seal_b.cose().to_vec());
        }
    }
    let prepared = PreparedSign1::new(
        ArtifactType::SealedSignature,
        Algorithm::EdDsa,
        *w.a.certificate().kid(),
        cbor::encode(&claims),
    );
    // A's old signature attached to the new payload.
    let old_signature = elicense::envelope::Sign1::decode(&sig_a, ArtifactType::SealedSignature)
        .unwrap()
        .signature()
        .to_vec();
    let tampered = {
        let mut out = vec![0xd2, 0x84];
        let protected = elicense::envelope::Sign1::decode(&sig_a, ArtifactType::SealedSignature)
            .unwrap()
            .protected_bytes()
            .to_vec();
        let bstr = |out: &mut Vec<u8>, b: &[u8]| {
            out.extend(cbor::encode(&Value::Bytes(b.to_vec())));
        };
        bstr(&mut out, &protected);
        out.push(0xa0);
        bstr(&mut out, prepared.payload());
        bstr(&mut out, &old_signature);
        out
    };
    let r = at_now(&v, &tampered, &doc);
    assert_report(
        &r,
        Verdict::Invalid,
        ReasonCode::SignatureInvalid,
        SealCheckKind::Signature,
    );
    assert_eq!(r.problem, Problem::Signature);
    assert_eq!(r.category, Category::NotGenuine);
    assert!(r.sealed.is_none() && r.seal.is_none());

    // A signer of A's own organisation whose certificate the seal does not list.
    let a2 = authority(
        &w.root_key,
        &w.root,
        Algorithm::EdDsa,
        21,
        "上海市市场监督管理局",
        "11310000MB2F31727A",
        vec![Usage::DocumentSealing],
    );
    assert_eq!(
        SealedSignature::sign(
            &seal_a,
            &doc,
            DocumentProperties::file("x.pdf"),
            SEALED,
            &a2
        )
        .unwrap_err()
        .reason(),
        ReasonCode::SignerNotInSeal
    );
    let r = at_now(
        &v,
        &forge(
            seal_a.cose(),
            a2.certificate(),
            sha(&doc),
            SEALED,
            &key_of(21),
        ),
        &doc,
    );
    assert_report(
        &r,
        Verdict::Invalid,
        ReasonCode::SignerNotInSeal,
        SealCheckKind::SignerListed,
    );

    // An organisation seal of A that (wrongly) lists B's certificate: B may
    // not seal with it.
    let seal_ab = Seal::builder()
        .esid("3101000000009")
        .kind(SealKind::Organisation)
        .name("上海市市场监督管理局公章")
        .owner("上海市市场监督管理局", "11310000MB2F31727A")
        .certificate(w.b.certificate())
        .picture(picture())
        .created_at(MADE)
        .valid(MADE, UNTIL)
        .status_index(9)
        .build_for(Algorithm::EdDsa)
        .unwrap()
        .sign(&w.maker)
        .unwrap();
    assert_eq!(
        SealedSignature::sign(
            &seal_ab,
            &doc,
            DocumentProperties::file("x.pdf"),
            SEALED,
            &w.b
        )
        .unwrap_err()
        .reason(),
        ReasonCode::SealOwnerMismatch
    );
    let r = at_now(
        &v,
        &forge(
            seal_ab.cose(),
            w.b.certificate(),
            sha(&doc),
            SEALED,
            &key_of(12),
        ),
        &doc,
    );
    assert_report(
        &r,
        Verdict::Invalid,
        ReasonCode::SealOwnerMismatch,
        SealCheckKind::SignerCertificate,
    );

    // Sealed outside the seal's validity, and in the future.
    for (t, code) in [
        (MADE - 1, ReasonCode::SealNotYetValid),
        (UNTIL, ReasonCode::SealExpired),
        (NOW + 3600, ReasonCode::SealedInFuture),
    ] {
        // Signing refuses a time outside the seal's validity (it cannot know
        // the verifier's clock).
        let signed =
            SealedSignature::sign(&seal_a, &doc, DocumentProperties::file("x.pdf"), t, &w.a);
        assert_eq!(signed.is_err(), code != ReasonCode::SealedInFuture);
        let r = w_verify_at(
            &v,
            &forge(seal_a.cose(), w.a.certificate(), sha(&doc), t, &key_of(11)),
            &doc,
            if t == UNTIL { UNTIL + DAY } else { NOW },
        );
        assert_report(&r, Verdict::Invalid, code, SealCheckKind::SealValidity);
        assert_eq!(r.problem, Problem::Validity);
        assert_eq!(r.category, Category::NotCurrent);
    }

    // The signer's certificate expired when the document was sealed (the
    // seal is valid longer than the certificate).
    let long_seal = Seal::builder()
        .esid("3101000000010")
        .kind(SealKind::Organisation)
        .name("上海市市场监督管理局公章")
        .owner("上海市市场监督管理局", "11310000MB2F31727A")
        .certificate(w.a.certificate())
        .picture(picture())
        .created_at(MADE)
        .valid(MADE, Y2030 + 365 * DAY)
        .status_index(10)
        .build_for(Algorithm::EdDsa)
        .unwrap()
        .sign(&w.maker)
        .unwrap();
    let late = Y2030 + DAY;
    let r = w_verify_at(
        &v,
        &forge(
            long_seal.cose(),
            w.a.certificate(),
            sha(&doc),
            late,
            &key_of(11),
        ),
        &doc,
        late + DAY,
    );
    assert_report(
        &r,
        Verdict::Invalid,
        ReasonCode::CertExpired,
        SealCheckKind::SignerCertificate,
    );
    assert_eq!(r.problem, Problem::Validity);
    assert_eq!(r.category, Category::NotGenuine);

    // A seal made by an authority without the seal-making usage (department
    // A, known to the verifier, signs a seal for itself).
    let seal = Seal::builder()
        .esid("3101000000011")
        .kind(SealKind::Organisation)
        .name("上海市市场监督管理局公章")
        .owner("上海市市场监督管理局", "11310000MB2F31727A")
        .certificate(w.a.certificate())
        .picture(picture())
        .created_at(MADE)
        .valid(MADE, UNTIL)
        .status_index(11)
        .build_for(Algorithm::EdDsa)
        .unwrap();
    assert_eq!(
        seal.sign(&w.a).unwrap_err().reason(),
        ReasonCode::CertWrongEku
    );
    let self_made = forge_seal(seal.to_claims(), w.a.certificate(), &key_of(11));
    let v_knows_a = SealVerifier::new(Verifier::new(
        TrustStore::new(
            vec![w.root.clone()],
            vec![w.maker.certificate().clone(), w.a.certificate().clone()],
        )
        .unwrap(),
    ));
    let r = at_now(
        &v_knows_a,
        &forge(
            &self_made,
            w.a.certificate(),
            sha(&doc),
            SEALED,
            &key_of(11),
        ),
        &doc,
    );
    assert_report(
        &r,
        Verdict::Invalid,
        ReasonCode::CertWrongEku,
        SealCheckKind::SealMaker,
    );
    assert_eq!(r.problem, Problem::Trust);
    assert_eq!(r.category, Category::NotGenuine);

    // A forged seal under the maker's kid: the maker's signature fails.
    let forged_seal = forge_seal(seal.to_claims(), w.maker.certificate(), &key_of(99));
    let r = at_now(
        &v,
        &forge(
            &forged_seal,
            w.a.certificate(),
            sha(&doc),
            SEALED,
            &key_of(11),
        ),
        &doc,
    );
    assert_report(
        &r,
        Verdict::Invalid,
        ReasonCode::SignatureInvalid,
        SealCheckKind::SealSignature,
    );

    // Pictures: a PNG bomb, an SVG with a script or an external reference.
    let bomb_png = {
        // 8 × 8 RGBA declared, 8 MiB of zeros inflated.
        let idat = miniz_oxide::deflate::compress_to_vec_zlib(&vec![0u8; 8 << 20], 10);
        let mut p = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
        let mut chunk = |kind: &[u8; 4], body: &[u8]| {
            p.extend_from_slice(&(body.len() as u32).to_be_bytes());
            p.extend_from_slice(kind);
            p.extend_from_slice(body);
            let mut crc = 0xffff_ffffu32;
            for &b in kind.iter().chain(body) {
                crc ^= u32::from(b);
                for _ in 0..8 {
                    crc = if crc & 1 != 0 {
                        0xedb8_8320 ^ (crc >> 1)
                    } else {
                        crc >> 1
                    };
                }
            }
            p.extend_from_slice(&(!crc).to_be_bytes());
        };
        chunk(b"IHDR", &[0, 0, 0, 8, 0, 0, 0, 8, 8, 6, 0, 0, 0]);
        chunk(b"IDAT", &idat);
        chunk(b"IEND", &[]);
        p
    };
    assert_eq!(
        Picture::new(PictureType::Png, bomb_png.clone(), 42, 42)
            .unwrap_err()
            .reason(),
        ReasonCode::SealPictureInvalid
    );
    let script = br#"<svg xmlns="http://www.w3.org/2000/svg"><script>fetch("//x")</script></svg>"#;
    let external = br#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><image xlink:href="https://example.invalid/seal.png" width="42" height="42"/></svg>"#;
    for (kind, data, code) in [
        ("png", &bomb_png[..], ReasonCode::SealPictureInvalid),
        ("svg", &script[..], ReasonCode::SealPictureUnsafe),
        ("svg", &external[..], ReasonCode::SealPictureUnsafe),
        ("gif", SVG, ReasonCode::SealMalformed),
    ] {
        let claims = seal_claims_with_picture(&seal, kind, data);
        let bad_seal = forge_seal(claims, w.maker.certificate(), &key_of(10));
        let r = at_now(
            &v,
            &forge(&bad_seal, w.a.certificate(), sha(&doc), SEALED, &key_of(11)),
            &doc,
        );
        assert_report(&r, Verdict::Invalid, code, SealCheckKind::Format);
        assert_eq!(r.problem, Problem::Format);
        assert_eq!(r.category, Category::Unreadable);
        assert_eq!(SignedSeal::decode(&bad_seal).unwrap_err().reason(), code);
    }

    // A truncated or re-tagged signature file.
    let r = at_now(&v, &sig_a[..sig_a.len() - 10], &doc);
    assert_report(
        &r,
        Verdict::Invalid,
        ReasonCode::CborMalformed,
        SealCheckKind::Format,
    );
    let r = at_now(&v, seal_a.cose(), &doc);
    assert_report(
        &r,
        Verdict::Invalid,
        ReasonCode::CoseTypMismatch,
        SealCheckKind::Format,
    );
    let mut retagged = sig_a.clone();
    retagged[0] = 0xd1; // tag 17, COSE_Mac0
    let r = at_now(&v, &retagged, &doc);
    assert_report(
        &r,
        Verdict::Invalid,
        ReasonCode::CoseUntagged,
        SealCheckKind::Format,
    );
    let r = at_now(&v, &[], &doc);
    assert_eq!(r.verdict, Verdict::Invalid);
    let huge = vec![0u8; elicense::envelope::MAX_SEALED_SIGNATURE_LEN + 1];
    let r = at_now(&v, &huge, &doc);
    assert_report(
        &r,
        Verdict::Invalid,
        ReasonCode::InputTooLarge,
        SealCheckKind::Format,
    );
}

fn w_verify_at(v: &SealVerifier, sig: &[u8], doc: &[u8], at: i64) -> SealReport {
    v.verify(sig, doc, UnixTime::from_secs(at))
}

/// The claims of `seal` with another picture.
fn seal_claims_with_picture(seal: &Seal, kind: &str, data: &[u8]) -> Vec<u8> {
    let mut claims = cbor::decode(
        &seal.to_claims(),
        &elicense::internals::cbor::Limits::new(8, 1 << 24, 1 << 24),
    )
    .unwrap();
    let Value::Map(m) = &mut claims else { panic!() };
    let Value::Array(body) = &mut m[3].1 else {
        panic!()
    };
    body[5] = Value::Array(vec![
        Value::Text(kind.into()),
        Value::Bytes(data.to_vec()),
        Value::Integer(42.into()),
        Value::Integer(42.into()),
    ]);
    cbor::encode(&claims)
}

#[test]
fn an_external_signer_seals_through_prepare_and_complete() {
    let w = world(Algorithm::EdDsa, Algorithm::Es256, Algorithm::EdDsa);
    let seal = seal_of(&w, &w.a, "3101000000001", 0);
    let doc = pdf();
    let digest = DocumentDigest::of(DigestAlgorithm::Sha256, &doc);
    let prepared = SealedSignature::prepare(
        &seal,
        digest,
        DocumentProperties::file("通知.pdf"),
        SEALED,
        w.a.certificate(),
    )
    .unwrap();
    // The HSM returns an ECDSA signature in DER, as many do.
    let raw = key(Algorithm::Es256, 11).sign_bytes(&prepared.to_be_signed());
    let der = elicense::alg::raw_to_der(&raw);
    let sig = prepared.complete(&der).unwrap();
    let r = at_now(&store_verifier(&w, Some(&[])), &sig, &doc);
    assert_eq!(r.verdict, Verdict::Valid, "{}", r.to_text());
    // A digest of the wrong algorithm for the signer is refused.
    assert_eq!(
        SealedSignature::prepare(
            &seal,
            DocumentDigest::of(DigestAlgorithm::Sm3, &doc),
            DocumentProperties::file("通知.pdf"),
            SEALED,
            w.a.certificate(),
        )
        .unwrap_err()
        .reason(),
        ReasonCode::SealedSignatureMalformed
    );
    // Verifying with only a digest of the other algorithm cannot decide.
    let r = v_digests(
        &store_verifier(&w, Some(&[])),
        &sig,
        &[DocumentDigest::of(DigestAlgorithm::Sm3, &doc)],
    );
    assert_report(
        &r,
        Verdict::Indeterminate,
        ReasonCode::InvalidArgument,
        SealCheckKind::DocumentDigest,
    );
}

fn v_digests(v: &SealVerifier, sig: &[u8], d: &[DocumentDigest]) -> SealReport {
    v.verify_digests(sig, d, UnixTime::from_secs(NOW))
}

/// A trust bundle with the Shanghai region list naming the maker and the
/// departments in `states`, and the maker's status list.
fn bundle_with(
    w: &World,
    entries: &[(&CertifiedSigner, AuthorityState)],
    status: Option<(i64, &[(u64, &str)])>,
) -> TrustBundle {
    let fed_list = FederationTrustList {
        name: "全国".into(),
        sequence: 1,
        issued_at: NOW - DAY,
        next_update: NOW + 30 * DAY,
        regions: vec![ListedRegion {
            region: "310000".parse().unwrap(),
            name: "上海".into(),
            root: w.root.clone(),
        }],
    }
    .sign(&CertifiedSigner::new(w.fed.clone(), w.fed_key.clone()).unwrap())
    .unwrap();
    let region_list = RegionTrustList {
        region: "310000".parse().unwrap(),
        sequence: 1,
        issued_at: NOW - DAY,
        next_update: NOW + 7 * DAY,
        authorities: entries
            .iter()
            .map(|(a, state)| ListedAuthority {
                certificate: a.certificate().clone(),
                types: vec![],
                level: TrustLevel::A,
                state: *state,
            })
            .collect(),
    }
    .sign(&CertifiedSigner::new(w.root.clone(), w.root_key.clone()).unwrap())
    .unwrap();
    let mut b = TrustBundle::new(w.fed.clone(), fed_list).unwrap();
    b.add_region_list(region_list).unwrap();
    if let Some((issued_at, set)) = status {
        b.add_status_list(maker_status(w, issued_at, set), UnixTime::from_secs(NOW))
            .unwrap();
    }
    b
}

#[test]
fn with_a_trust_bundle_makers_and_owners_behave_like_licence_authorities() {
    let w = world(Algorithm::Sm2Sm3, Algorithm::Sm2Sm3, Algorithm::EdDsa);
    let seal_a = seal_of(&w, &w.a, "3101000000001", 0);
    let seal_b = seal_of(&w, &w.b, "3101000000002", 1);
    let doc = pdf();
    let sig_a = sign(&seal_a, &w.a, &doc);
    let sig_b = sign(&seal_b, &w.b, &doc);
    let active = AuthorityState::Active;
    // The maker's status list is issued when the seals are made, before any
    // compromise below (a list issued after it would be refused).
    let all = |maker_state| {
        let status: Option<(i64, &[(u64, &str)])> = match maker_state {
            AuthorityState::Compromised(t) if t <= MADE => None,
            _ => Some((MADE, &[(1, "revoke")])),
        };
        bundle_with(
            &w,
            &[(&w.maker, maker_state), (&w.a, active), (&w.b, active)],
            status,
        )
    };
    let v = SealVerifier::from_bundle(all(active)).unwrap();
    let r = at_now(&v, &sig_a, &doc);
    assert_eq!(r.verdict, Verdict::Valid, "{}", r.to_text());
    assert!(r
        .check(SealCheckKind::SignerCertificate)
        .unwrap()
        .detail
        .contains("listed by region 310000"));
    // B's seal is revoked in the bundle's status list of the maker.
    assert_report(
        &at_now(&v, &sig_b, &doc),
        Verdict::Invalid,
        ReasonCode::SealRevoked,
        SealCheckKind::SealStatus,
    );

    // The maker compromised since before the seals were made.
    let v = SealVerifier::from_bundle(all(AuthorityState::Compromised(MADE - DAY))).unwrap();
    assert_report(
        &at_now(&v, &sig_a, &doc),
        Verdict::Invalid,
        ReasonCode::AuthorityCompromised,
        SealCheckKind::SealMaker,
    );
    // ... or only since after: seals made before stay good.
    let v = SealVerifier::from_bundle(all(AuthorityState::Compromised(MADE + DAY))).unwrap();
    assert_eq!(at_now(&v, &sig_a, &doc).verdict, Verdict::Valid);

    // Department A removed from its region list: its sealed documents fail.
    let v = SealVerifier::from_bundle(bundle_with(
        &w,
        &[(&w.maker, active), (&w.b, active)],
        Some((MADE, &[])),
    ))
    .unwrap();
    assert_report(
        &at_now(&v, &sig_a, &doc),
        Verdict::Invalid,
        ReasonCode::AuthorityNotListed,
        SealCheckKind::SignerCertificate,
    );
    // Department A compromised since before the signing time.
    let v = SealVerifier::from_bundle(bundle_with(
        &w,
        &[
            (&w.maker, active),
            (&w.a, AuthorityState::Compromised(SEALED - DAY)),
        ],
        Some((MADE, &[])),
    ))
    .unwrap();
    assert_report(
        &at_now(&v, &sig_a, &doc),
        Verdict::Invalid,
        ReasonCode::AuthorityCompromised,
        SealCheckKind::SignerCertificate,
    );
    // The region list is stale: undecidable.
    let v = SealVerifier::from_bundle(all(active)).unwrap();
    let r = v.verify(&sig_a, &doc, UnixTime::from_secs(NOW + 30 * DAY));
    assert_report(
        &r,
        Verdict::Indeterminate,
        ReasonCode::TrustListStale,
        SealCheckKind::SealMaker,
    );
}

#[test]
fn the_seal_model_round_trips_through_its_envelope() {
    let w = world(Algorithm::Es256, Algorithm::EdDsa, Algorithm::EdDsa);
    let seal = seal_of(&w, &w.a, "3101000000001", 4);
    let decoded = SignedSeal::decode(seal.cose()).unwrap();
    assert_eq!(decoded, seal);
    assert_eq!(
        decoded.seal().cert_digest_algorithm(),
        DigestAlgorithm::Sha256
    );
    assert!(decoded.seal().lists(w.a.certificate()));
    assert!(!decoded.seal().lists(w.b.certificate()));
    decoded.verify_maker(w.maker.certificate()).unwrap();
    assert_eq!(
        decoded
            .verify_maker(w.a.certificate())
            .unwrap_err()
            .reason(),
        ReasonCode::SignerUnknown
    );
    // A seal signed with a key of another digest family is refused.
    let sm3_seal = Seal::builder()
        .esid("1")
        .kind(SealKind::Organisation)
        .name("公章")
        .owner("上海市市场监督管理局", "11310000MB2F31727A")
        .certificate(w.a.certificate())
        .picture(picture())
        .created_at(MADE)
        .valid(MADE, UNTIL)
        .status_index(0)
        .build_for(Algorithm::Sm2Sm3)
        .unwrap();
    assert_eq!(sm3_seal.cert_digest_algorithm(), DigestAlgorithm::Sm3);
    assert_eq!(
        sm3_seal.sign(&w.maker).unwrap_err().reason(),
        ReasonCode::SealMalformed
    );
    // Personal seals carry a resident ID number.
    let personal = Seal::builder()
        .esid("P-1")
        .kind(SealKind::Personal)
        .name("张三印")
        .owner("张三", "11010519491231002X")
        .certificate(w.a.certificate())
        .picture(picture())
        .created_at(MADE)
        .valid(MADE, UNTIL)
        .status_index(0)
        .build_for(Algorithm::Es256)
        .unwrap()
        .sign(&w.maker)
        .unwrap();
    assert_eq!(SignedSeal::decode(personal.cose()).unwrap(), personal);
    // A personal seal is used by the certificates it lists, whoever's.
    let doc = pdf();
    let sig = sign(&personal, &w.a, &doc);
    let r = at_now(&store_verifier(&w, Some(&[])), &sig, &doc);
    assert_eq!(r.verdict, Verdict::Valid, "{}", r.to_text());
    assert_eq!(r.seal.unwrap().kind, SealKind::Personal);
}
