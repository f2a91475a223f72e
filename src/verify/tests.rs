use super::*;
use crate::alg::SecretKey;
use crate::demo::{sample_issued_at, Demo};
use crate::pki::{create_authority, AuthorityParams};

fn demo() -> Demo {
    Demo::with_keys(
        SecretKey::from_seed(&[1; 32]),
        SecretKey::from_seed(&[2; 32]),
    )
    .unwrap()
}

/// A second licence-signing authority under the demo root, with the key
/// from the seed `[5; 32]`.
fn second_authority(d: &Demo, name: &str, credit_code: &str) -> (SecretKey, Certificate) {
    let key = SecretKey::from_seed(&[5; 32]);
    let cert = create_authority(
        &d.root_key,
        &d.root,
        &key.public_key(),
        &AuthorityParams {
            name: name.into(),
            credit_code: credit_code.parse().unwrap(),
            usages: vec![crate::pki::Usage::LicenceSigning],
            not_before: d.authority.not_before(),
            not_after: d.authority.not_after(),
            serial_number: Some(vec![5]),
        },
    )
    .unwrap();
    (key, cert)
}

#[test]
fn kid_collision_tries_every_candidate() {
    let d = demo();
    let (_, other) = second_authority(&d, "另一个机关", "11310115MB2F317277");
    let text = Demo::sample_licence()
        .unwrap()
        .sign(
            &crate::artifact::CertifiedSigner::new(d.authority.clone(), d.authority_key.clone())
                .expect("the key is the certificate's"),
        )
        .unwrap()
        .qr_text();
    // Both orders: the wrong certificate first, then the right one, and the reverse.
    for authorities in [
        vec![other.clone(), d.authority.clone()],
        vec![d.authority.clone(), other.clone()],
    ] {
        let mut store = TrustStore::new(vec![d.root.clone()], authorities).unwrap();
        // Force a collision: both certificates listed under the licence's kid.
        let both = vec![Candidate::Authority(0), Candidate::Authority(1)];
        store.by_kid.insert(*d.authority.kid(), both);
        let verifier = Verifier::new(store);
        // In a batch, a licence whose kid names two certificates is
        // verified on its own, trying each.
        for r in verifier.verify_qr_batch(
            &[&text, &text],
            crate::UnixTime::from_secs(sample_issued_at() + 60),
        ) {
            assert_eq!(r.verdict, Verdict::Valid, "{}", r.to_text());
            assert_eq!(
                r.check(CheckKind::Signature).unwrap().detail,
                VERIFIED_ALONE
            );
        }
        let r = verifier.verify_qr(&text, crate::UnixTime::from_secs(sample_issued_at() + 60));
        assert_eq!(r.verdict, Verdict::Valid, "{}", r.to_text());
        assert_eq!(
            r.check(CheckKind::Signer).unwrap().detail,
            "2 certificates share this kid; each is tried"
        );
        assert_eq!(r.authority.unwrap().name, "上海市市场监督管理局");
    }
    // A collision where no candidate verifies: SIGNATURE_INVALID.
    let mut store = TrustStore::new(vec![d.root.clone()], vec![other]).unwrap();
    store
        .by_kid
        .insert(*d.authority.kid(), vec![Candidate::Authority(0)]);
    let r =
        Verifier::new(store).verify_qr(&text, crate::UnixTime::from_secs(sample_issued_at() + 60));
    assert_eq!(r.reason, ReasonCode::SignatureInvalid);
}

#[test]
fn report_json_and_text() {
    let d = demo();
    let text = Demo::sample_licence()
        .unwrap()
        .sign(
            &crate::artifact::CertifiedSigner::new(d.authority.clone(), d.authority_key.clone())
                .expect("the key is the certificate's"),
        )
        .unwrap()
        .qr_text();
    let r = d
        .verifier()
        .verify_qr(&text, crate::UnixTime::from_secs(sample_issued_at() + 60));
    let json: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
    assert_eq!(json["verdict"], "VALID");
    assert_eq!(json["reason"], "OK");
    assert_eq!(json["checks"].as_array().unwrap().len(), 8);
    assert_eq!(json["checks"][0]["check"], "DECODE");
    assert_eq!(json["checks"][6]["outcome"], "PASS");
    // Without a status list nobody checked revocation, and the report says so.
    assert_eq!(json["checks"][7]["check"], "STATUS");
    assert_eq!(json["checks"][7]["outcome"], "NOT_CHECKED");
    assert_eq!(json["checks"][7]["reason"], "STATUS_NOT_CHECKED");
    assert_eq!(json["warnings"][0]["code"], "STATUS_NOT_CHECKED");
    assert_eq!(json["licence"]["holder"]["kind"], "organisation");
    assert_eq!(json["licence"]["holder"]["code"], "91310115MA1K4LQX58");
    assert_eq!(json["licence"]["issue_date"], "2024-05-20");
    assert_eq!(
        json["licence"]["validity"]["until"],
        serde_json::Value::Null
    );
    assert_eq!(
        json["licence"]["identifier"],
        "1.2.156.3005.2.11100000000013338W011.11310000MB2F31727A.20240001735.001.Y"
    );
    assert_eq!(json["authority"]["region"], "310000");
    assert_eq!(json["licence"]["attributes"][2]["integer"], 10_000_000);
    assert_eq!(json["licence"]["attributes"][4]["date"], "2019-05-20");
    let t = r.to_text();
    assert!(t.starts_with("Verdict: VALID  (OK)\n"), "{t}");
    assert!(t.contains("[!!  ] STATUS      STATUS_NOT_CHECKED"), "{t}");
    assert!(
        t.contains("warning: nobody checked whether this licence was revoked"),
        "{t}"
    );
    assert!(t.contains("valid: 2019-05-20 to long-term (长期)"), "{t}");
    // verify_cose has no DECODE check.
    let cose = crate::envelope::from_qr_text(&text).unwrap();
    let r = d
        .verifier()
        .verify_cose(&cose, crate::UnixTime::from_secs(sample_issued_at() + 60));
    assert_eq!(r.checks.len(), 7);
    assert_eq!(r.verdict, Verdict::Valid);
}

#[test]
fn inspect_is_labelled_untrusted() {
    let d = demo();
    let text = Demo::sample_licence()
        .unwrap()
        .sign(
            &crate::artifact::CertifiedSigner::new(d.authority.clone(), d.authority_key.clone())
                .expect("the key is the certificate's"),
        )
        .unwrap()
        .qr_text();
    let i = inspect_qr(&text).unwrap();
    assert!(i.untrusted);
    assert_eq!(i.kid, crate::pki::hex_string(d.authority.kid()));
    assert_eq!(i.licence.unwrap().holder().name, "上海浦江智联科技有限公司");
    assert_eq!(
        inspect_qr("XX").unwrap_err().reason(),
        ReasonCode::QrPrefixInvalid
    );
}

#[test]
fn store_refuses_a_root_without_region_or_not_ca() {
    let d = demo();
    let e = TrustStore::new(vec![d.authority.clone()], vec![]).unwrap_err();
    assert_eq!(e.reason(), ReasonCode::CertMalformed);
}

/// `n` licences alternately signed by the demo authority and a second one
/// of the same region, with distinct serials; and a verifier knowing both.
fn two_authority_batch(n: usize) -> (Vec<String>, Verifier) {
    let d = demo();
    let (other_key, other) = second_authority(&d, "上海市第二机关", "11310000002417920A");
    let texts = (0..n)
        .map(|i| {
            let json = crate::demo::SAMPLE_LICENCE_JSON.replace("20240001735", &format!("{i:011}"));
            let licence = crate::licence::LicenceSpec::from_json(&json)
                .unwrap()
                .to_licence(sample_issued_at())
                .unwrap();
            let (cert, key) = if i % 2 == 0 {
                (&d.authority, &d.authority_key)
            } else {
                (&other, &other_key)
            };
            licence
                .sign(
                    &crate::artifact::CertifiedSigner::new(cert.clone(), key.clone())
                        .expect("the key is the certificate's"),
                )
                .unwrap()
                .qr_text()
        })
        .collect();
    let verifier = Verifier::new(
        TrustStore::new(
            vec![d.root.clone()],
            vec![d.authority.clone(), other.clone()],
        )
        .unwrap(),
    );
    (texts, verifier)
}

/// QR text with the COSE bytes changed by `f`.
fn tampered(text: &str, f: impl FnOnce(&mut Vec<u8>)) -> String {
    let mut cose = envelope::from_qr_text(text).unwrap();
    f(&mut cose);
    envelope::to_qr_text(&cose)
}

/// The report as JSON, with the one detail batch and single verification
/// word differently.
fn normalised(r: &Report) -> String {
    r.to_json().replace(VERIFIED_IN_BATCH, VERIFIED_ALONE)
}

#[test]
fn batch_reports_equal_single_reports() {
    let n = 2 * BATCH_SIZE + 50;
    let (mut texts, verifier) = two_authority_batch(n);
    let now = sample_issued_at() + 60;
    // Chunk 0: one altered signature. Chunk 1: S + ℓ, garbage, an unknown
    // signer, a truncated envelope. Chunk 2: all good.
    texts[5] = tampered(&texts[5], |c| {
        let s = c.len() - 32; // the low byte of S
        c[s] ^= 0x01;
    });
    texts[BATCH_SIZE + 3] = tampered(&texts[BATCH_SIZE + 3], |c| {
        // S is the last 32 bytes: set it to ℓ itself, which is not reduced.
        let s = c.len() - 32;
        c[s..].copy_from_slice(&[
            0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9,
            0xde, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
        ]);
    });
    texts[BATCH_SIZE + 7] = "EL2:NOT BASE45 AT ALL ~".into();
    texts[BATCH_SIZE + 9] = {
        let stranger = Demo::with_keys(
            SecretKey::from_seed(&[7; 32]),
            SecretKey::from_seed(&[8; 32]),
        )
        .unwrap();
        Demo::sample_licence()
            .unwrap()
            .sign(
                &crate::artifact::CertifiedSigner::new(
                    stranger.authority.clone(),
                    stranger.authority_key.clone(),
                )
                .expect("the key is the certificate's"),
            )
            .unwrap()
            .qr_text()
    };
    texts[BATCH_SIZE + 11] = tampered(&texts[BATCH_SIZE + 11], |c| c.truncate(c.len() - 1));
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let batch = verifier.verify_qr_batch(&refs, crate::UnixTime::from_secs(now));
    assert_eq!(batch.len(), n);
    let mut verdicts = std::collections::BTreeMap::new();
    for (i, (text, b)) in texts.iter().zip(&batch).enumerate() {
        let single = verifier.verify_qr(text, crate::UnixTime::from_secs(now));
        assert_eq!(normalised(b), normalised(&single), "text {i}");
        *verdicts.entry(b.reason.as_str()).or_insert(0) += 1;
    }
    assert_eq!(
        verdicts.into_iter().collect::<Vec<_>>(),
        vec![
            // "NOT" is out of range, but the "~" after it decides (FORMAT §2).
            ("BASE45_INVALID_CHARACTER", 1),
            ("CBOR_MALFORMED", 1),
            ("OK", n - 5),
            ("SIGNATURE_INVALID", 1),
            ("SIGNATURE_NON_CANONICAL", 1),
            ("SIGNER_UNKNOWN", 1),
        ]
    );
    // Where the batch equation held, the report says so; the chunk with a
    // bad signature fell back to one-by-one verification.
    let detail = |i: usize| batch[i].check(CheckKind::Signature).unwrap().detail.clone();
    assert_eq!(detail(0), VERIFIED_ALONE);
    assert_eq!(detail(BATCH_SIZE - 1), VERIFIED_ALONE);
    assert_eq!(detail(2 * BATCH_SIZE), VERIFIED_IN_BATCH);
    assert_eq!(detail(n - 1), VERIFIED_IN_BATCH);
}

/// Extreme times and leeways saturate instead of overflowing (a debug
/// build panicked on `now + leeway` with `now = i64::MAX`).
#[test]
fn extreme_times_and_leeway_do_not_overflow() {
    let d = demo();
    let text = Demo::sample_licence()
        .unwrap()
        .sign(
            &crate::artifact::CertifiedSigner::new(d.authority.clone(), d.authority_key.clone())
                .expect("the key is the certificate's"),
        )
        .unwrap()
        .qr_text();
    let r = d
        .verifier()
        .verify_qr(&text, crate::UnixTime::from_secs(i64::MAX));
    assert_eq!((r.verdict, r.reason), (Verdict::Valid, ReasonCode::Ok));
    let r = d
        .verifier()
        .verify_qr(&text, crate::UnixTime::from_secs(i64::MIN));
    assert_eq!(r.reason, ReasonCode::LicenceIssuedInFuture);
    let iat = sample_issued_at();
    for (leeway, now, expected) in [
        (i64::MAX, 0, ReasonCode::Ok),
        (i64::MAX, iat, ReasonCode::Ok),
        (i64::MAX, i64::MAX, ReasonCode::Ok),
        // i64::MIN + i64::MAX = -1: before the issue time.
        (i64::MAX, i64::MIN, ReasonCode::LicenceIssuedInFuture),
        (i64::MIN, iat, ReasonCode::LicenceIssuedInFuture),
        (i64::MIN, i64::MAX, ReasonCode::LicenceIssuedInFuture),
        (i64::MIN, i64::MIN, ReasonCode::LicenceIssuedInFuture),
    ] {
        let verifier = d.verifier().with_options(VerifyOptions {
            leeway_seconds: leeway,
            ..VerifyOptions::default()
        });
        let r = verifier.verify_qr(&text, crate::UnixTime::from_secs(now));
        assert_eq!(r.reason, expected, "leeway {leeway}, now {now}");
    }
}
