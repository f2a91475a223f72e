use super::*;
use crate::demo::{sample_issued_at, Demo};
use crate::keys::SecretKey;
use crate::pki::{create_authority, AuthorityParams};

fn demo() -> Demo {
    Demo::with_keys(
        SecretKey::from_seed(&[1; 32]),
        SecretKey::from_seed(&[2; 32]),
    )
    .unwrap()
}

#[test]
fn kid_collision_tries_every_candidate() {
    let d = demo();
    let other_key = SecretKey::from_seed(&[5; 32]);
    let other = create_authority(
        &d.root_key,
        &d.root,
        &other_key.public_key(),
        &AuthorityParams {
            name: "另一个机关".into(),
            credit_code: "114400000073356321".parse().unwrap(),
            usages: vec![crate::pki::Usage::LicenceSigning],
            not_before: d.authority.not_before(),
            not_after: d.authority.not_after(),
            serial_number: None,
        },
    )
    .unwrap();
    let text = Demo::sample_licence()
        .unwrap()
        .sign(&d.authority, &d.authority_key)
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
        let r = Verifier::new(store).verify_qr(&text, sample_issued_at() + 60);
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
    let r = Verifier::new(store).verify_qr(&text, sample_issued_at() + 60);
    assert_eq!(r.reason, ReasonCode::SignatureInvalid);
}

#[test]
fn report_json_and_text() {
    let d = demo();
    let text = Demo::sample_licence()
        .unwrap()
        .sign(&d.authority, &d.authority_key)
        .unwrap()
        .qr_text();
    let r = d.verifier().verify_qr(&text, sample_issued_at() + 60);
    let json: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
    assert_eq!(json["verdict"], "VALID");
    assert_eq!(json["reason"], "OK");
    assert_eq!(json["checks"].as_array().unwrap().len(), 7);
    assert_eq!(json["checks"][0]["check"], "DECODE");
    assert_eq!(json["checks"][6]["outcome"], "PASS");
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
    assert!(t.contains("valid: 2019-05-20 to long-term (长期)"), "{t}");
    // verify_cose has no DECODE check.
    let cose = crate::envelope::from_qr_text(&text).unwrap();
    let r = d.verifier().verify_cose(&cose, sample_issued_at() + 60);
    assert_eq!(r.checks.len(), 6);
    assert_eq!(r.verdict, Verdict::Valid);
}

#[test]
fn inspect_is_labelled_untrusted() {
    let d = demo();
    let text = Demo::sample_licence()
        .unwrap()
        .sign(&d.authority, &d.authority_key)
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
