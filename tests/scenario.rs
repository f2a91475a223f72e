//! Cross-region mutual recognition, end to end through the public API: a
//! federation of Shanghai (310000), Guangdong (440000) and Sichuan (510000),
//! two authorities each, status lists, and Shanghai's recognition policy.

use elicense::bundle::TrustBundle;
use elicense::keys::SecretKey;
use elicense::licence::{LicenceSpec, SignedLicence};
use elicense::pki::{
    create_authority, create_federation_root, create_region_root, AuthorityParams, Certificate,
    FederationRootParams, RegionRootParams, Usage,
};
use elicense::policy::{Decision, TrustLevel};
use elicense::status::{subject_for, StatusList, StatusListToken};
use elicense::trust::{
    AuthorityState, FederationTrustList, ListedAuthority, ListedRegion, RegionTrustList,
};
use elicense::verify::{CheckKind, Outcome, Report, Verdict, Verifier};
use elicense::ReasonCode;

const NOW: i64 = 1_748_736_000; // 2025-06-01T00:00:00Z
const Y2024: i64 = 1_704_067_200;
const Y2030: i64 = 1_893_456_000;
const DAY: i64 = 86_400;

const NATIONAL_BUSINESS: &str = "11100000000013338W011";
const GUANGDONG_BUSINESS: &str = "11100000000013338W101";
const SICHUAN_PERMIT: &str = "11100000000013338W032";

struct Authority {
    key: SecretKey,
    cert: Certificate,
}

struct Region {
    code: &'static str,
    key: SecretKey,
    root: Certificate,
    authorities: Vec<Authority>,
}

fn region(code: &'static str, seed: u8, codes: [&str; 2]) -> Region {
    let key = SecretKey::from_seed(&[seed; 32]);
    let root = create_region_root(
        &key,
        &RegionRootParams {
            region: code.parse().unwrap(),
            name: format!("{code} 电子证照根CA"),
            not_before: Y2024,
            not_after: Y2030,
            serial_number: Some(vec![seed]),
        },
    )
    .unwrap();
    let authorities = codes
        .iter()
        .enumerate()
        .map(|(i, credit)| {
            let akey = SecretKey::from_seed(&[seed + 10 + i as u8; 32]);
            let cert = create_authority(
                &key,
                &root,
                &akey.public_key(),
                &AuthorityParams {
                    name: format!("{code} authority {i}"),
                    credit_code: credit.parse().unwrap(),
                    usages: vec![Usage::LicenceSigning, Usage::StatusListSigning],
                    not_before: Y2024,
                    not_after: Y2030,
                    serial_number: Some(vec![seed, i as u8 + 1]),
                },
            )
            .unwrap();
            Authority { key: akey, cert }
        })
        .collect();
    Region {
        code,
        key,
        root,
        authorities,
    }
}

struct World {
    fed_key: SecretKey,
    fed: Certificate,
    sh: Region,
    gd: Region,
    sc: Region,
}

fn world() -> World {
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
    World {
        fed_key,
        fed,
        sh: region("310000", 1, ["11310000MB2F31727A", "11310000002417920A"]),
        gd: region("440000", 2, ["114400000073356321", "91440300MA5F8KTR22"]),
        sc: region("510000", 3, ["11510000008963441C", "12510000MB0000001N"]),
    }
}

fn federation_list(w: &World, sequence: u64) -> Vec<u8> {
    let regions = [&w.sh, &w.gd, &w.sc]
        .iter()
        .map(|r| ListedRegion {
            region: r.code.parse().unwrap(),
            name: r.code.into(),
            root: r.root.clone(),
        })
        .collect();
    FederationTrustList {
        name: "全国".into(),
        sequence,
        issued_at: NOW - DAY,
        next_update: NOW + 30 * DAY,
        regions,
    }
    .sign(&w.fed, &w.fed_key)
    .unwrap()
}

/// The region's list: authority 0 level A, authority 1 level B, with `states`.
fn region_list(
    r: &Region,
    sequence: u64,
    types: [&[&str]; 2],
    states: [AuthorityState; 2],
) -> Vec<u8> {
    let authorities = r
        .authorities
        .iter()
        .enumerate()
        .map(|(i, a)| ListedAuthority {
            certificate: a.cert.clone(),
            types: types[i].iter().map(|t| t.parse().unwrap()).collect(),
            level: [TrustLevel::A, TrustLevel::B][i],
            state: states[i],
        })
        .collect();
    RegionTrustList {
        region: r.code.parse().unwrap(),
        sequence,
        issued_at: NOW - DAY,
        next_update: NOW + 7 * DAY,
        authorities,
    }
    .sign(&r.root, &r.key)
    .unwrap()
}

fn status_list(a: &Authority, issued_at: i64, set: &[(u64, &str)]) -> Vec<u8> {
    let mut list = StatusList::new(2, 1024).unwrap();
    for (i, op) in set {
        match *op {
            "revoke" => list.revoke(*i).unwrap(),
            "suspend" => list.suspend(*i).unwrap(),
            _ => unreachable!(),
        }
    }
    let code = a.cert.organization_identifier().unwrap().parse().unwrap();
    StatusListToken::new(
        subject_for(&code),
        issued_at,
        None,
        Some(2 * DAY as u64),
        list,
    )
    .unwrap()
    .sign(&a.cert, &a.key)
    .unwrap()
}

const ACTIVE: [AuthorityState; 2] = [AuthorityState::Active, AuthorityState::Active];

fn bundle(
    w: &World,
    gd_status: Vec<u8>,
    gd_states: [AuthorityState; 2],
    gd_seq: u64,
) -> TrustBundle {
    let mut b = TrustBundle::new(w.fed.clone(), federation_list(w, 1)).unwrap();
    b.add_region_list(region_list(
        &w.sh,
        1,
        [&[NATIONAL_BUSINESS], &[NATIONAL_BUSINESS]],
        ACTIVE,
    ))
    .unwrap();
    b.add_region_list(region_list(
        &w.gd,
        gd_seq,
        [
            &[GUANGDONG_BUSINESS, NATIONAL_BUSINESS],
            &[NATIONAL_BUSINESS],
        ],
        gd_states,
    ))
    .unwrap();
    b.add_region_list(region_list(
        &w.sc,
        1,
        [&[SICHUAN_PERMIT], &[NATIONAL_BUSINESS]],
        ACTIVE,
    ))
    .unwrap();
    b.add_status_list(gd_status).unwrap();
    b.add_status_list(status_list(&w.gd.authorities[1], NOW - 3600, &[]))
        .unwrap();
    b.add_status_list(status_list(&w.sc.authorities[0], NOW - 3600, &[]))
        .unwrap();
    b.set_policy(include_str!("../examples/data/policy-shanghai.json"))
        .unwrap();
    // Through the file format and back, verified against the pinned root.
    TrustBundle::from_bytes(&b.to_bytes(), w.fed.clone()).unwrap()
}

/// The bundle with every list current and nothing revoked.
fn default_bundle(w: &World) -> TrustBundle {
    bundle(
        w,
        status_list(&w.gd.authorities[0], NOW - 3600, &[]),
        ACTIVE,
        1,
    )
}

fn licence(a: &Authority, type_code: &str, status_index: u64, iat: i64) -> SignedLicence {
    let mut spec = LicenceSpec::from_json(elicense::demo::SAMPLE_LICENCE_JSON).unwrap();
    spec.type_code = type_code.into();
    spec.status_index = Some(status_index);
    spec.issued_at = Some(iat);
    spec.to_licence(0).unwrap().sign(&a.cert, &a.key).unwrap()
}

/// Verifies one licence, alone and in a batch beside two valid licences
/// of other regions: the batch must give the very same report.
fn verify(b: &TrustBundle, l: &SignedLicence) -> Report {
    let verifier = Verifier::from_bundle(b.clone()).unwrap();
    let single = verifier.verify_qr(&l.qr_text(), NOW);
    let w = world();
    let others = [
        licence(&w.sh.authorities[0], NATIONAL_BUSINESS, 1, NOW - DAY).qr_text(),
        licence(&w.gd.authorities[0], GUANGDONG_BUSINESS, 2, NOW - DAY).qr_text(),
    ];
    let text = l.qr_text();
    let batch = verifier.verify_qr_batch(&[&others[0], &text, &others[1]], NOW);
    let detail = |r: &Report| r.check(CheckKind::Signature).map(|c| c.detail.clone());
    let mut in_batch = batch[1].clone();
    if let (Some(c), Some(d)) = (
        in_batch
            .checks
            .iter_mut()
            .find(|c| c.check == CheckKind::Signature),
        detail(&single),
    ) {
        c.detail = d;
    }
    assert_eq!(in_batch.to_json(), single.to_json());
    single
}

fn assert_outcome(r: &Report, verdict: Verdict, reason: ReasonCode, check: CheckKind) {
    assert_eq!((r.verdict, r.reason), (verdict, reason), "{}", r.to_text());
    assert_ne!(
        r.check(check).unwrap().outcome,
        Outcome::Pass,
        "{}",
        r.to_text()
    );
}

#[test]
fn guangdong_licence_recognised_in_shanghai_as_the_mapped_type() {
    let w = world();
    let b = default_bundle(&w);
    let r = verify(
        &b,
        &licence(&w.gd.authorities[0], GUANGDONG_BUSINESS, 5, NOW - 10 * DAY),
    );
    assert_eq!(r.verdict, Verdict::Valid, "{}", r.to_text());
    assert_eq!(r.checks.len(), 10);
    assert_eq!(
        r.recognition,
        Some(Decision::Recognised {
            local_type: NATIONAL_BUSINESS.parse().unwrap(),
            mapped: true
        })
    );
    assert_eq!(r.status, Some(elicense::status::Status::Valid));
    assert!(r.to_text().contains("TRUST_LIST"), "{}", r.to_text());
}

#[test]
fn purpose_per_call_overrides_the_verifiers_own() {
    use elicense::verify::VerifyOptions;
    let w = world();
    let verifier = Verifier::from_bundle(default_bundle(&w)).unwrap();
    let text = licence(&w.gd.authorities[0], GUANGDONG_BUSINESS, 5, NOW - 10 * DAY).qr_text();
    let with = |purpose: &str| VerifyOptions {
        purpose: Some(purpose.into()),
        ..VerifyOptions::default()
    };
    // No purpose (the verifier's default): VALID.
    assert_eq!(verifier.verify_qr(&text, NOW).reason, ReasonCode::Ok);
    let r = verifier.verify_qr_with(&text, NOW, &with("bank_account_opening"));
    assert_eq!(r.reason, ReasonCode::Ok, "{}", r.to_text());
    let r = verifier.verify_qr_with(&text, NOW, &with("fishing"));
    assert_outcome(
        &r,
        Verdict::Invalid,
        ReasonCode::PurposeNotAccepted,
        CheckKind::Recognition,
    );
    let batch = verifier.verify_qr_batch_with(&[&text, &text], NOW, &with("fishing"));
    assert!(batch
        .iter()
        .all(|r| r.reason == ReasonCode::PurposeNotAccepted));
    // The verifier's own options are untouched.
    assert_eq!(verifier.options().purpose, None);
    assert_eq!(verifier.verify_qr(&text, NOW).reason, ReasonCode::Ok);
}

#[test]
fn sichuan_type_refused_by_shanghai_is_not_recognised() {
    let w = world();
    let b = default_bundle(&w);
    let r = verify(
        &b,
        &licence(&w.sc.authorities[0], SICHUAN_PERMIT, 1, NOW - DAY),
    );
    assert_outcome(
        &r,
        Verdict::Invalid,
        ReasonCode::TypeNotRecognised,
        CheckKind::Recognition,
    );
    assert!(matches!(
        r.recognition,
        Some(Decision::NotRecognised { .. })
    ));
}

#[test]
fn revoke_suspend_reinstate_once_the_bundle_is_refreshed() {
    let w = world();
    let gd0 = &w.gd.authorities[0];
    let l = licence(gd0, GUANGDONG_BUSINESS, 7, NOW - 10 * DAY);
    let mut b = bundle(&w, status_list(gd0, NOW - 3 * 3600, &[]), ACTIVE, 1);
    assert_eq!(verify(&b, &l).verdict, Verdict::Valid);
    // Revoked: still VALID until the bundle is refreshed, then REVOKED.
    let revoked = bundle(
        &w,
        status_list(gd0, NOW - 2 * 3600, &[(7, "revoke")]),
        ACTIVE,
        1,
    );
    assert_eq!(verify(&b, &l).verdict, Verdict::Valid);
    let mut refreshed = b.clone();
    assert!(refreshed.update(&revoked).unwrap() >= 1);
    assert_outcome(
        &verify(&refreshed, &l),
        Verdict::Invalid,
        ReasonCode::LicenceRevoked,
        CheckKind::Status,
    );
    // Suspended, then reinstated.
    let suspended = bundle(
        &w,
        status_list(gd0, NOW - 2 * 3600, &[(7, "suspend")]),
        ACTIVE,
        1,
    );
    b.update(&suspended).unwrap();
    assert_outcome(
        &verify(&b, &l),
        Verdict::Invalid,
        ReasonCode::LicenceSuspended,
        CheckKind::Status,
    );
    let reinstated = bundle(&w, status_list(gd0, NOW - 3600, &[]), ACTIVE, 1);
    b.update(&reinstated).unwrap();
    assert_eq!(
        verify(&b, &l).verdict,
        Verdict::Valid,
        "{}",
        verify(&b, &l).to_text()
    );
    // Going back to the older (suspended) list is a rollback.
    assert_eq!(
        b.update(&suspended).unwrap_err().reason(),
        ReasonCode::TrustListRollback
    );
}

#[test]
fn compromised_since_t() {
    let w = world();
    let gd1 = &w.gd.authorities[1];
    let t = NOW - 5 * DAY;
    let b = bundle(
        &w,
        status_list(&w.gd.authorities[0], NOW - 3600, &[]),
        [AuthorityState::Active, AuthorityState::Compromised(t)],
        2,
    );
    let before = licence(gd1, NATIONAL_BUSINESS, 1, t - 1);
    assert_eq!(
        verify(&b, &before).verdict,
        Verdict::Valid,
        "{}",
        verify(&b, &before).to_text()
    );
    let after = licence(gd1, NATIONAL_BUSINESS, 2, t);
    assert_outcome(
        &verify(&b, &after),
        Verdict::Invalid,
        ReasonCode::AuthorityCompromised,
        CheckKind::TrustList,
    );
}

#[test]
fn authority_not_authorised_for_the_type() {
    let w = world();
    let b = default_bundle(&w);
    // Guangdong authority 1 may issue only the national business licence.
    let r = verify(
        &b,
        &licence(&w.gd.authorities[1], GUANGDONG_BUSINESS, 1, NOW - DAY),
    );
    assert_outcome(
        &r,
        Verdict::Invalid,
        ReasonCode::AuthorityTypeNotAuthorised,
        CheckKind::TrustList,
    );
}

#[test]
fn missing_status_list_is_indeterminate_under_the_policy() {
    let w = world();
    let b = default_bundle(&w);
    // Shanghai's authorities published no status list in this bundle.
    let r = verify(
        &b,
        &licence(&w.sh.authorities[0], NATIONAL_BUSINESS, 1, NOW - DAY),
    );
    assert_outcome(
        &r,
        Verdict::Indeterminate,
        ReasonCode::StatusListMissing,
        CheckKind::Status,
    );
}

#[test]
fn forged_wrong_typed_foreign_and_rolled_back_lists_are_refused() {
    let w = world();
    let mut b = bundle(
        &w,
        status_list(&w.gd.authorities[0], NOW - 3600, &[]),
        ACTIVE,
        3,
    );
    // A Guangdong list signed by Sichuan's root key under Guangdong's kid.
    let forged = {
        use elicense::envelope::{ArtifactType, PreparedSign1};
        let good = RegionTrustList::verify(
            &region_list(
                &w.gd,
                4,
                [&[NATIONAL_BUSINESS], &[NATIONAL_BUSINESS]],
                ACTIVE,
            ),
            &w.gd.root,
        )
        .unwrap();
        let p = PreparedSign1::new(
            ArtifactType::RegionTrustList,
            *w.gd.root.kid(),
            good.to_claims(),
        );
        p.clone()
            .complete(
                &w.sc.key.sign_bytes(&p.to_be_signed()),
                &w.sc.key.public_key(),
            )
            .unwrap()
    };
    assert_eq!(
        b.add_region_list(forged).unwrap_err().reason(),
        ReasonCode::TrustListSignerInvalid
    );
    // A licence offered where a trust list is expected.
    let l = licence(&w.gd.authorities[0], GUANGDONG_BUSINESS, 1, NOW - DAY);
    assert_eq!(
        b.add_region_list(l.cose().to_vec()).unwrap_err().reason(),
        ReasonCode::CoseTypMismatch
    );
    // A status list signed by one authority for another authority's subject.
    let other = {
        let gd1 = &w.gd.authorities[1];
        let victim = w.gd.authorities[0]
            .cert
            .organization_identifier()
            .unwrap()
            .parse()
            .unwrap();
        StatusListToken::new(
            subject_for(&victim),
            NOW,
            None,
            None,
            StatusList::new(2, 16).unwrap(),
        )
        .unwrap()
        .sign(&gd1.cert, &gd1.key)
        .unwrap()
    };
    assert_eq!(
        b.add_status_list(other).unwrap_err().reason(),
        ReasonCode::StatusListWrongSubject
    );
    // Rollback: sequence 2 after 3.
    let older = region_list(
        &w.gd,
        2,
        [&[NATIONAL_BUSINESS], &[NATIONAL_BUSINESS]],
        ACTIVE,
    );
    assert_eq!(
        b.add_region_list(older).unwrap_err().reason(),
        ReasonCode::TrustListRollback
    );
    // A bundle whose federation list is signed by someone else is refused on load.
    let mut bad = TrustBundle::new(w.fed.clone(), federation_list(&w, 1))
        .unwrap()
        .to_bytes();
    let stranger = SecretKey::from_seed(&[201; 32]);
    let stranger_root = create_federation_root(
        &stranger,
        &FederationRootParams {
            name: "假冒".into(),
            not_before: Y2024,
            not_after: Y2030,
            serial_number: Some(vec![1, 201]),
        },
    )
    .unwrap();
    assert_eq!(
        TrustBundle::from_bytes(&bad, stranger_root)
            .unwrap_err()
            .reason(),
        ReasonCode::TrustListSignerInvalid
    );
    // Truncated bundle bytes.
    bad.truncate(bad.len() / 2);
    assert_eq!(
        TrustBundle::from_bytes(&bad, w.fed.clone())
            .unwrap_err()
            .reason(),
        ReasonCode::CborMalformed
    );
}
