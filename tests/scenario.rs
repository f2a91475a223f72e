//! Cross-region mutual recognition, end to end through the public API: a
//! federation of Shanghai (310000), Guangdong (440000) and Sichuan (510000),
//! two authorities each, status lists, and Shanghai's recognition policy.

mod common;

use elicense::alg::{Algorithm, SecretKey};
use elicense::bundle::TrustBundle;
use elicense::licence::SignedLicence;
use elicense::pki::Certificate;
use elicense::policy::{Decision, TrustLevel};
use elicense::status::{subject_for, StatusList, StatusListToken};
use elicense::trust::{AuthorityState, ListedAuthority, RegionTrustList};
use elicense::verify::{CheckKind, Outcome, Report, Verdict, Verifier};
use elicense::ReasonCode;

use common::*;

struct World {
    fed_key: SecretKey,
    fed: Certificate,
    sh: Region,
    gd: Region,
    sc: Region,
}

fn world() -> World {
    world_with(Algorithm::EdDsa, |code, seed, codes| {
        region(code, seed, &codes)
    })
}

/// The federation with an SM2 federation root, an SM2 Shanghai root, and a
/// Guangdong SM2 root certifying one Ed25519 and one SM2 authority (Sichuan
/// stays Ed25519): chains that mix algorithms.
fn sm2_world() -> World {
    use Algorithm::{EdDsa, Sm2Sm3};
    world_with(Sm2Sm3, |code, seed, codes| match code {
        "310000" => region_with(code, seed, &codes, Sm2Sm3, &[Sm2Sm3, Sm2Sm3]),
        "440000" => region_with(code, seed, &codes, Sm2Sm3, &[EdDsa, Sm2Sm3]),
        _ => region(code, seed, &codes),
    })
}

fn world_with(
    federation_alg: Algorithm,
    make_region: impl Fn(&'static str, u8, [&str; 2]) -> Region,
) -> World {
    let fed_key = key_of(federation_alg, 200);
    let fed = federation_root(&fed_key, "全国一体化政务服务平台电子证照信任根", 200);
    World {
        fed_key,
        fed,
        sh: make_region("310000", 1, ["11310000MB2F31727A", "11310000002417920A"]),
        gd: make_region("440000", 2, ["114400000073356321", "91440300MA5F8KTR22"]),
        sc: make_region("510000", 3, ["11510000008963441C", "12510000MB0000001N"]),
    }
}

fn federation_list(w: &World, sequence: u64) -> Vec<u8> {
    federation_of(w, &[&w.sh, &w.gd, &w.sc], sequence)
}

/// A federation list naming `regions`.
fn federation_of(w: &World, regions: &[&Region], sequence: u64) -> Vec<u8> {
    federation_list_of(&w.fed_key, &w.fed, regions, sequence)
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
    sign_region_list(r, sequence, authorities)
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
    b.add_status_list(gd_status, elicense::UnixTime::from_secs(NOW))
        .unwrap();
    // A compromised or retired key signs no status list after that time.
    let gd1_listed_at = match gd_states[1] {
        AuthorityState::Active => NOW - 3600,
        AuthorityState::Retired(t) | AuthorityState::Compromised(t) => t - 1,
    };
    b.add_status_list(
        status_list(&w.gd.authorities[1], gd1_listed_at, &[]),
        elicense::UnixTime::from_secs(NOW),
    )
    .unwrap();
    b.add_status_list(
        status_list(&w.sc.authorities[0], NOW - 3600, &[]),
        elicense::UnixTime::from_secs(NOW),
    )
    .unwrap();
    b.set_policy(include_str!("../examples/data/policy-shanghai.json"))
        .unwrap();
    // Through the file format and back, verified against the pinned root.
    TrustBundle::from_bytes(
        &b.to_bytes(),
        w.fed.clone(),
        elicense::UnixTime::from_secs(NOW),
    )
    .unwrap()
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
    licence_of(a, type_code, Some(status_index), iat)
}

/// Verifies one licence, alone and in a batch beside two valid licences
/// of other regions: the batch must give the very same report.
fn verify(b: &TrustBundle, l: &SignedLicence) -> Report {
    let verifier = Verifier::from_bundle(b.clone()).unwrap();
    let single = verifier.verify_qr(&l.qr_text(), elicense::UnixTime::from_secs(NOW));
    let w = world();
    let others = [
        licence(&w.sh.authorities[0], NATIONAL_BUSINESS, 1, NOW - DAY).qr_text(),
        licence(&w.gd.authorities[0], GUANGDONG_BUSINESS, 2, NOW - DAY).qr_text(),
    ];
    let text = l.qr_text();
    let batch = verifier.verify_qr_batch(
        &[&others[0], &text, &others[1]],
        elicense::UnixTime::from_secs(NOW),
    );
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
    assert_eq!(r.checks.len(), 11);
    assert_eq!(
        r.recognition,
        Some(Decision::Recognised {
            local_type: NATIONAL_BUSINESS.parse().unwrap(),
            mapped: true
        })
    );
    assert_eq!(r.status, Some(elicense::status::Status::Valid));
    assert!(
        r.to_text().contains("  ✓ Trust list: passed\n"),
        "{}",
        r.to_text()
    );
    assert!(
        r.render(elicense::Lang::Zh)
            .contains("  ✓ 核对信任列表：通过\n"),
        "{}",
        r.render(elicense::Lang::Zh)
    );
}

#[test]
fn purpose_per_call_overrides_the_verifiers_own() {
    use elicense::verify::VerifyOptions;
    let w = world();
    let verifier = Verifier::from_bundle(default_bundle(&w)).unwrap();
    let text = licence(&w.gd.authorities[0], GUANGDONG_BUSINESS, 5, NOW - 10 * DAY).qr_text();
    let with = |purpose: &str| VerifyOptions::default().with_purpose(Some(purpose.into()));
    // No purpose (the verifier's default): VALID.
    assert_eq!(
        verifier
            .verify_qr(&text, elicense::UnixTime::from_secs(NOW))
            .reason,
        ReasonCode::Ok
    );
    let r = verifier.verify_qr_with(
        &text,
        elicense::UnixTime::from_secs(NOW),
        &with("bank_account_opening"),
    );
    assert_eq!(r.reason, ReasonCode::Ok, "{}", r.to_text());
    let r = verifier.verify_qr_with(&text, elicense::UnixTime::from_secs(NOW), &with("fishing"));
    assert_outcome(
        &r,
        Verdict::Invalid,
        ReasonCode::PurposeNotAccepted,
        CheckKind::Recognition,
    );
    let batch = verifier.verify_qr_batch_with(
        &[&text, &text],
        elicense::UnixTime::from_secs(NOW),
        &with("fishing"),
    );
    assert!(batch
        .iter()
        .all(|r| r.reason == ReasonCode::PurposeNotAccepted));
    // The verifier's own options are untouched.
    assert_eq!(verifier.options().purpose, None);
    assert_eq!(
        verifier
            .verify_qr(&text, elicense::UnixTime::from_secs(NOW))
            .reason,
        ReasonCode::Ok
    );
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
    assert!(
        refreshed
            .update(&revoked, elicense::UnixTime::from_secs(NOW))
            .unwrap()
            .changed
            >= 1
    );
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
    b.update(&suspended, elicense::UnixTime::from_secs(NOW))
        .unwrap();
    assert_outcome(
        &verify(&b, &l),
        Verdict::Invalid,
        ReasonCode::LicenceSuspended,
        CheckKind::Status,
    );
    let reinstated = bundle(&w, status_list(gd0, NOW - 3600, &[]), ACTIVE, 1);
    b.update(&reinstated, elicense::UnixTime::from_secs(NOW))
        .unwrap();
    assert_eq!(
        verify(&b, &l).verdict,
        Verdict::Valid,
        "{}",
        verify(&b, &l).to_text()
    );
    // Going back to the older (suspended) list is a rollback.
    assert_eq!(
        b.update(&suspended, elicense::UnixTime::from_secs(NOW))
            .unwrap_err()
            .reason(),
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
    // Issued before T: the trust list accepts it; its status list, the last
    // one the key signed before T, is stale by now (bypass 2 below shows the
    // replacement certificate taking over).
    let before = licence(gd1, NATIONAL_BUSINESS, 1, t - 1);
    let r = verify(&b, &before);
    assert_eq!(
        r.check(CheckKind::TrustList).unwrap().outcome,
        Outcome::Pass
    );
    assert_outcome(
        &r,
        Verdict::Indeterminate,
        ReasonCode::StatusListStale,
        CheckKind::Status,
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
            elicense::alg::Algorithm::EdDsa,
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
        .sign(&signer(&gd1.cert, &gd1.key))
        .unwrap()
    };
    assert_eq!(
        b.add_status_list(other, elicense::UnixTime::from_secs(NOW))
            .unwrap_err()
            .reason(),
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
    let stranger_root = federation_root(&stranger, "假冒", 201);
    assert_eq!(
        TrustBundle::from_bytes(&bad, stranger_root, elicense::UnixTime::from_secs(NOW))
            .unwrap_err()
            .reason(),
        ReasonCode::TrustListSignerInvalid
    );
    // Truncated bundle bytes.
    bad.truncate(bad.len() / 2);
    assert_eq!(
        TrustBundle::from_bytes(&bad, w.fed.clone(), elicense::UnixTime::from_secs(NOW))
            .unwrap_err()
            .reason(),
        ReasonCode::CborMalformed
    );
}

// ---------------------------------------------------------------------------
// Revocation must hold: each test below reproduces a way a revoked licence
// was once made to verify VALID, and shows it refused.

/// A certificate from `root`'s region for `credit`, with `usages`.
fn authority_of(root: &Region, seed: u8, name: &str, credit: &str) -> Authority {
    certify(
        &root.key,
        &root.root,
        SecretKey::from_seed(&[seed; 32]),
        name.into(),
        credit,
        vec![seed, 99],
    )
}

/// `r`'s list naming `entries` (authority, state), each for every type used here.
fn list_of(r: &Region, sequence: u64, entries: &[(&Authority, AuthorityState)]) -> Vec<u8> {
    let authorities = entries
        .iter()
        .map(|(a, state)| ListedAuthority {
            certificate: a.cert.clone(),
            types: [NATIONAL_BUSINESS, GUANGDONG_BUSINESS]
                .iter()
                .map(|t| t.parse().unwrap())
                .collect(),
            level: TrustLevel::A,
            state: *state,
        })
        .collect();
    sign_region_list(r, sequence, authorities)
}

/// A credit code registered in `division` (6 digits), with its check character.
fn credit_code_in(division: &str, rest: &str) -> String {
    let first17 = format!("91{division}{rest}");
    let check = elicense::identifiers::mod31_check(&first17).unwrap();
    format!("{first17}{check}")
}

#[test]
fn bypass_1_a_namesake_listed_by_another_region_cannot_speak_for_an_authority() {
    let w = world();
    // Shenzhen (440300) is a region of its own beside Guangdong (440000).
    // Guangdong's root may certify authorities registered in 4403xx too, so
    // it can certify a namesake of Shenzhen's authority, list it, and sign an
    // all-valid status list for it, issued after Shenzhen's.
    let (sz0, sz1) = (
        credit_code_in("440300", "MA5F8KTR4"),
        credit_code_in("440300", "MA5F8KTR5"),
    );
    let sz = region("440300", 4, &[&sz0, &sz1]);
    let code = credit_code_in("440300", "MA5F8KTR3");
    let real = authority_of(&sz, 70, "深圳市市场监督管理局", &code);
    let rogue = authority_of(&w.gd, 71, "假冒深圳市市场监督管理局", &code);
    let mut b = TrustBundle::new(w.fed.clone(), federation_of(&w, &[&w.gd, &sz], 1)).unwrap();
    b.add_region_list(list_of(&sz, 1, &[(&real, AuthorityState::Active)]))
        .unwrap();
    b.add_region_list(list_of(&w.gd, 1, &[(&rogue, AuthorityState::Active)]))
        .unwrap();
    b.set_policy(
        &include_str!("../examples/data/policy-shanghai.json").replace(
            r#""accept_regions": ["440000", "510000"]"#,
            r#""accept_regions": ["440000", "440300", "510000"]"#,
        ),
    )
    .unwrap();
    let revoked = licence(&real, NATIONAL_BUSINESS, 7, NOW - 10 * DAY);
    let real_id = b
        .add_status_list(
            status_list(&real, NOW - 3600, &[(7, "revoke")]),
            elicense::UnixTime::from_secs(NOW),
        )
        .unwrap();
    let rogue_id = b
        .add_status_list(
            status_list(&rogue, NOW - 60, &[]),
            elicense::UnixTime::from_secs(NOW),
        )
        .unwrap();
    // Two authorities with one credit code, each bound to its own region.
    assert_eq!(real_id.region.as_str(), "440300");
    assert_eq!(rogue_id.region.as_str(), "440000");
    assert_eq!(real_id.credit_code, rogue_id.credit_code);
    assert_eq!(b.status_lists_with_code(&real_id.credit_code).count(), 2);
    // Through the file and back: the revocation holds.
    let b = TrustBundle::from_bytes(
        &b.to_bytes(),
        w.fed.clone(),
        elicense::UnixTime::from_secs(NOW),
    )
    .unwrap();
    let r = verify(&b, &revoked);
    assert_outcome(
        &r,
        Verdict::Invalid,
        ReasonCode::LicenceRevoked,
        CheckKind::Status,
    );
    assert!(
        r.check(CheckKind::Status)
            .unwrap()
            .detail
            .contains("as listed by region 440300"),
        "{}",
        r.to_text()
    );
    // The rogue's own licences are judged by the rogue's list, under its
    // own region: the report names Guangdong, not Shenzhen.
    let r = verify(&b, &licence(&rogue, NATIONAL_BUSINESS, 7, NOW - DAY));
    assert_eq!(r.verdict, Verdict::Valid, "{}", r.to_text());
    assert_eq!(
        r.authority
            .as_ref()
            .unwrap()
            .region
            .as_ref()
            .unwrap()
            .as_str(),
        "440000"
    );
}

#[test]
fn bypass_2_a_compromised_retired_or_future_dated_key_cannot_lock_out_its_replacement() {
    let w = world();
    let gd0 = &w.gd.authorities[0];
    let code = gd0.cert.organization_identifier().unwrap().to_owned();
    let replacement = authority_of(&w.gd, 72, "gd authority 0 (new key)", &code);
    let t = NOW - 2 * DAY;
    let old_licence = licence(gd0, GUANGDONG_BUSINESS, 7, t - 10 * DAY);

    // The key is stolen: while the region still lists it as active, the
    // thief signs an all-valid list dated years ahead (to the end of the
    // certificate's validity), and one dated now.
    let mut b = TrustBundle::new(w.fed.clone(), federation_list(&w, 1)).unwrap();
    b.add_region_list(list_of(&w.gd, 1, &[(gd0, AuthorityState::Active)]))
        .unwrap();
    b.add_status_list(
        status_list(gd0, t - DAY, &[(7, "revoke")]),
        elicense::UnixTime::from_secs(NOW),
    )
    .unwrap();
    let future = status_list(gd0, Y2030 - DAY, &[]);
    let e = b
        .add_status_list(future, elicense::UnixTime::from_secs(NOW))
        .unwrap_err();
    assert_eq!(e.reason(), ReasonCode::StatusListIssuedInFuture, "{e}");
    let stolen = status_list(gd0, NOW - 60, &[]);
    b.add_status_list(stolen.clone(), elicense::UnixTime::from_secs(NOW))
        .unwrap();

    // The region marks the key compromised since t and lists the
    // replacement: the thief's list leaves the bundle, with the reason.
    let (_, dropped) = b
        .add_region_list(list_of(
            &w.gd,
            2,
            &[
                (gd0, AuthorityState::Compromised(t)),
                (&replacement, AuthorityState::Active),
            ],
        ))
        .unwrap();
    assert_eq!(dropped.len(), 1, "{dropped:?}");
    assert_eq!(dropped[0].reason, ReasonCode::AuthorityCompromised);
    assert_eq!(dropped[0].issued_at, NOW - 60);
    // The thief's list is refused from now on, ...
    let e = b
        .add_status_list(stolen, elicense::UnixTime::from_secs(NOW))
        .unwrap_err();
    assert_eq!(e.reason(), ReasonCode::AuthorityCompromised, "{e}");
    // ... and the replacement certificate's list, older than the thief's,
    // is accepted and holds the revocation.
    b.add_status_list(
        status_list(&replacement, NOW - 3600, &[(7, "revoke")]),
        elicense::UnixTime::from_secs(NOW),
    )
    .unwrap();
    b.set_policy(include_str!("../examples/data/policy-shanghai.json"))
        .unwrap();
    let b = TrustBundle::from_bytes(
        &b.to_bytes(),
        w.fed.clone(),
        elicense::UnixTime::from_secs(NOW),
    )
    .unwrap();
    assert_outcome(
        &verify(&b, &old_licence),
        Verdict::Invalid,
        ReasonCode::LicenceRevoked,
        CheckKind::Status,
    );
    // The replacement's own licences share the authority's list.
    let new_licence = licence(&replacement, GUANGDONG_BUSINESS, 8, NOW - DAY);
    let r = verify(&b, &new_licence);
    assert_eq!(r.verdict, Verdict::Valid, "{}", r.to_text());

    // A retired key signs no list after its retirement either.
    let mut b = TrustBundle::new(w.fed.clone(), federation_list(&w, 1)).unwrap();
    b.add_region_list(list_of(
        &w.gd,
        1,
        &[
            (gd0, AuthorityState::Retired(t)),
            (&replacement, AuthorityState::Active),
        ],
    ))
    .unwrap();
    let e = b
        .add_status_list(status_list(gd0, t, &[]), elicense::UnixTime::from_secs(NOW))
        .unwrap_err();
    assert_eq!(e.reason(), ReasonCode::AuthorityRetired, "{e}");
    b.add_status_list(
        status_list(gd0, t - 1, &[]),
        elicense::UnixTime::from_secs(NOW),
    )
    .unwrap();
}

#[test]
fn bypass_3_revoked_is_final_in_a_stale_list_even_under_a_warn_policy() {
    let w = world();
    let gd0 = &w.gd.authorities[0];
    // The list is ten days old; its time to live is two days.
    let mut b = bundle(
        &w,
        status_list(gd0, NOW - 10 * DAY, &[(7, "revoke"), (8, "suspend")]),
        ACTIVE,
        1,
    );
    b.set_policy(
        &include_str!("../examples/data/policy-shanghai.json").replace(
            r#""status_missing": "indeterminate""#,
            r#""status_missing": "warn""#,
        ),
    )
    .unwrap();
    let at = |i| licence(gd0, GUANGDONG_BUSINESS, i, NOW - 20 * DAY);
    let r = verify(&b, &at(7));
    assert_outcome(
        &r,
        Verdict::Invalid,
        ReasonCode::LicenceRevoked,
        CheckKind::Status,
    );
    assert!(r.warnings.is_empty(), "{}", r.to_text());
    // Suspended in a stale list: it may have been lifted or turned into a
    // revocation since. Never VALID, whatever the policy.
    let r = verify(&b, &at(8));
    assert_outcome(
        &r,
        Verdict::Indeterminate,
        ReasonCode::StatusListStale,
        CheckKind::Status,
    );
    assert_eq!(r.status, Some(elicense::status::Status::Suspended));
    // Only a valid entry of a stale list passes, with a warning.
    let r = verify(&b, &at(9));
    assert_eq!(r.verdict, Verdict::Valid, "{}", r.to_text());
    assert_eq!(r.warnings.len(), 1, "{}", r.to_text());
    assert_eq!(r.warnings[0].code, ReasonCode::StatusListStale);
}

#[test]
fn bypass_4_without_a_bundle_the_report_says_nobody_checked_revocation() {
    use elicense::verify::TrustStore;
    let w = world();
    let gd0 = &w.gd.authorities[0];
    let revoked = licence(gd0, GUANGDONG_BUSINESS, 7, NOW - DAY);
    let store = || TrustStore::new(vec![w.gd.root.clone()], vec![gd0.cert.clone()]).unwrap();
    let r =
        Verifier::new(store()).verify_qr(&revoked.qr_text(), elicense::UnixTime::from_secs(NOW));
    assert_eq!(r.verdict, Verdict::Valid, "{}", r.to_text());
    let status = r.check(CheckKind::Status).unwrap();
    assert_eq!(
        (status.outcome, status.reason),
        (Outcome::NotChecked, ReasonCode::StatusNotChecked)
    );
    assert_eq!(r.warnings[0].code, ReasonCode::StatusNotChecked);
    // With the authority's status list given, the revocation holds.
    let mut with_list = store();
    let id = with_list
        .add_status_list(
            &status_list(gd0, NOW - 3600, &[(7, "revoke")]),
            elicense::UnixTime::from_secs(NOW),
        )
        .unwrap();
    assert_eq!(id.region.as_str(), "440000");
    let r = Verifier::new(with_list.clone())
        .verify_qr(&revoked.qr_text(), elicense::UnixTime::from_secs(NOW));
    assert_outcome(
        &r,
        Verdict::Invalid,
        ReasonCode::LicenceRevoked,
        CheckKind::Status,
    );
    // An older list for the same authority is refused; a future one too.
    let e = with_list
        .add_status_list(
            &status_list(gd0, NOW - 7200, &[]),
            elicense::UnixTime::from_secs(NOW),
        )
        .unwrap_err();
    assert_eq!(e.reason(), ReasonCode::TrustListRollback, "{e}");
    let e = with_list
        .add_status_list(
            &status_list(gd0, NOW + DAY, &[]),
            elicense::UnixTime::from_secs(NOW),
        )
        .unwrap_err();
    assert_eq!(e.reason(), ReasonCode::StatusListIssuedInFuture, "{e}");

    // A licence without a status index can never be revoked: refused by a
    // policy that requires one (the default), a warning otherwise.
    let unrevocable = licence_of(gd0, GUANGDONG_BUSINESS, None, NOW - DAY);
    let b = default_bundle(&w);
    assert!(b.policy().unwrap().require_status());
    assert_outcome(
        &verify(&b, &unrevocable),
        Verdict::Invalid,
        ReasonCode::StatusIndexMissing,
        CheckKind::Status,
    );
    let mut lenient = b.clone();
    lenient
        .set_policy(
            &include_str!("../examples/data/policy-shanghai.json").replace(
                r#""status_missing": "indeterminate","#,
                r#""status_missing": "indeterminate", "require_status": false,"#,
            ),
        )
        .unwrap();
    let r = verify(&lenient, &unrevocable);
    assert_eq!(r.verdict, Verdict::Valid, "{}", r.to_text());
    assert_eq!(r.warnings[0].code, ReasonCode::StatusIndexMissing);
}

#[test]
fn a_federation_list_with_the_same_sequence_and_other_bytes_is_a_conflict() {
    let w = world();
    let mut b = default_bundle(&w);
    let other = TrustBundle::new(w.fed.clone(), federation_of(&w, &[&w.sh, &w.gd], 1)).unwrap();
    let e = b
        .update(&other, elicense::UnixTime::from_secs(NOW))
        .unwrap_err();
    assert_eq!(e.reason(), ReasonCode::TrustListConflict, "{e}");
    // A newer one without Sichuan: Sichuan's list and status list leave.
    let newer = TrustBundle::new(w.fed.clone(), federation_of(&w, &[&w.sh, &w.gd], 2)).unwrap();
    let summary = b
        .update(&newer, elicense::UnixTime::from_secs(NOW))
        .unwrap();
    assert_eq!(summary.dropped.len(), 1, "{summary:?}");
    assert_eq!(summary.dropped[0].reason, ReasonCode::TrustListMissing);
    assert_eq!(summary.dropped[0].authority.region.as_str(), "510000");
    TrustBundle::from_bytes(
        &b.to_bytes(),
        w.fed.clone(),
        elicense::UnixTime::from_secs(NOW),
    )
    .unwrap();
}

/// Item 5: any sequence of accepted updates leaves a bundle that loads and
/// verifies the same licences as the bundle in memory.
#[test]
fn any_sequence_of_accepted_updates_writes_a_bundle_that_loads() {
    let w = world();
    let gd = &w.gd.authorities;
    let code = gd[0].cert.organization_identifier().unwrap().to_owned();
    let replacement = authority_of(&w.gd, 73, "gd authority 0 (new key)", &code);
    let t = NOW - 2 * DAY;
    let active = AuthorityState::Active;
    // Everything a stranger might offer, in any order.
    let mut offers: Vec<(&str, Vec<u8>)> = vec![
        ("fed-1", federation_list(&w, 1)),
        ("fed-2-no-sc", federation_of(&w, &[&w.sh, &w.gd], 2)),
        ("fed-3", federation_list(&w, 3)),
    ];
    let region_lists: Vec<Vec<u8>> = vec![
        list_of(&w.gd, 1, &[(&gd[0], active), (&gd[1], active)]),
        list_of(
            &w.gd,
            2,
            &[
                (&gd[0], AuthorityState::Compromised(t)),
                (&replacement, active),
            ],
        ),
        list_of(&w.gd, 3, &[(&replacement, active)]),
        list_of(
            &w.gd,
            4,
            &[(&gd[0], AuthorityState::Retired(t)), (&gd[1], active)],
        ),
        list_of(&w.sc, 1, &[(&w.sc.authorities[0], active)]),
        list_of(&w.sh, 1, &[(&w.sh.authorities[0], active)]),
    ];
    for l in &region_lists {
        offers.push(("region", l.clone()));
    }
    for (a, iat) in [
        (&gd[0], t - DAY),
        (&gd[0], NOW - 600),
        (&gd[1], NOW - 500),
        (&replacement, NOW - 3600),
        (&replacement, NOW - 100),
        (&w.sc.authorities[0], NOW - 400),
        (&w.sh.authorities[0], NOW - 300),
    ] {
        offers.push(("status", status_list(a, iat, &[(7, "revoke")])));
    }
    let licences = [
        licence(&gd[0], GUANGDONG_BUSINESS, 7, t - 5 * DAY),
        licence(&gd[0], GUANGDONG_BUSINESS, 8, t - 5 * DAY),
        licence(&replacement, GUANGDONG_BUSINESS, 7, NOW - DAY),
        licence(&gd[1], NATIONAL_BUSINESS, 9, NOW - DAY),
        licence(&w.sc.authorities[0], SICHUAN_PERMIT, 7, NOW - DAY),
        licence(&w.sh.authorities[0], NATIONAL_BUSINESS, 1, NOW - DAY),
    ];
    let texts: Vec<String> = licences.iter().map(|l| l.qr_text()).collect();
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let (mut accepted, mut refused) = (0, 0);
    for _ in 0..40 {
        let mut b = TrustBundle::new(w.fed.clone(), federation_list(&w, 1)).unwrap();
        b.set_policy(include_str!("../examples/data/policy-shanghai.json"))
            .unwrap();
        for _ in 0..12 {
            let (kind, cose) = &offers[next(offers.len())];
            let before = b.clone();
            let result = match *kind {
                "region" => b.add_region_list(cose.clone()).map(|_| ()),
                "status" => b
                    .add_status_list(cose.clone(), elicense::UnixTime::from_secs(NOW))
                    .map(|_| ()),
                _ => TrustBundle::new(w.fed.clone(), cose.clone())
                    .and_then(|newer| b.update(&newer, elicense::UnixTime::from_secs(NOW)))
                    .map(|_| ()),
            };
            match result {
                Ok(()) => accepted += 1,
                Err(_) => {
                    refused += 1;
                    // A refused update changes nothing.
                    assert_eq!(b.to_bytes(), before.to_bytes());
                }
            }
            let bytes = b.to_bytes();
            let loaded =
                TrustBundle::from_bytes(&bytes, w.fed.clone(), elicense::UnixTime::from_secs(NOW))
                    .unwrap_or_else(|e| {
                        panic!("a bundle after accepted updates does not load: {e}")
                    });
            assert_eq!(loaded.to_bytes(), bytes);
            let (mem, file) = (
                Verifier::from_bundle(b.clone()).unwrap(),
                Verifier::from_bundle(loaded).unwrap(),
            );
            for t in &texts {
                assert_eq!(
                    mem.verify_qr(t, elicense::UnixTime::from_secs(NOW))
                        .to_json(),
                    file.verify_qr(t, elicense::UnixTime::from_secs(NOW))
                        .to_json()
                );
            }
        }
    }
    // Both paths were taken many times.
    assert!(
        accepted > 100 && refused > 100,
        "{accepted} accepted, {refused} refused"
    );
}

/// The cross-region scenario with an SM2 federation: an SM2 federation
/// root, an SM2 Shanghai root, and a Guangdong SM2 root certifying one
/// Ed25519 and one SM2 authority. Lists, status lists and licences are
/// signed by each; recognition and revocation work as with Ed25519.
#[test]
fn sm2_federation_recognition_revocation_and_compromise() {
    let w = sm2_world();
    assert_eq!(w.fed.public_key().algorithm(), Algorithm::Sm2Sm3);
    assert_eq!(w.sh.root.public_key().algorithm(), Algorithm::Sm2Sm3);
    assert_eq!(w.gd.root.public_key().algorithm(), Algorithm::Sm2Sm3);
    let (gd_ed, gd_sm2) = (&w.gd.authorities[0], &w.gd.authorities[1]);
    assert_eq!(gd_ed.cert.public_key().algorithm(), Algorithm::EdDsa);
    assert_eq!(gd_sm2.cert.public_key().algorithm(), Algorithm::Sm2Sm3);

    // Nothing revoked: the Ed25519 authority's licence is recognised as the
    // mapped type, the SM2 authority's as the national one.
    let b = bundle(&w, status_list(gd_ed, NOW - 3600, &[]), ACTIVE, 1);
    let r = verify(&b, &licence(gd_ed, GUANGDONG_BUSINESS, 5, NOW - DAY));
    assert_eq!(r.verdict, Verdict::Valid, "{}", r.to_text());
    assert_eq!(
        r.recognition,
        Some(Decision::Recognised {
            local_type: NATIONAL_BUSINESS.parse().unwrap(),
            mapped: true
        })
    );
    let sm2_licence = licence(gd_sm2, NATIONAL_BUSINESS, 9, NOW - DAY);
    let r = verify(&b, &sm2_licence);
    assert_eq!(r.verdict, Verdict::Valid, "{}", r.to_text());
    assert!(
        r.check(CheckKind::Signature)
            .unwrap()
            .detail
            .starts_with("SM2-SM3 signature verified"),
        "{}",
        r.to_text()
    );
    // The SM2 licence's envelope names SM2-SM3 (the private-use COSE id).
    let sign1 = elicense::envelope::Sign1::decode(
        sm2_licence.cose(),
        elicense::envelope::ArtifactType::Licence,
    )
    .unwrap();
    assert_eq!(sign1.algorithm().cose_id(), elicense::alg::COSE_ALG_SM2_SM3);

    // Revocation by each authority's own status list (Ed25519 and SM2).
    let mut revoked = bundle(
        &w,
        status_list(gd_ed, NOW - 1800, &[(5, "revoke")]),
        ACTIVE,
        1,
    );
    revoked
        .add_status_list(
            status_list(gd_sm2, NOW - 1800, &[(9, "revoke")]),
            elicense::UnixTime::from_secs(NOW),
        )
        .unwrap();
    for l in [
        licence(gd_ed, GUANGDONG_BUSINESS, 5, NOW - DAY),
        sm2_licence.clone(),
    ] {
        assert_outcome(
            &verify(&revoked, &l),
            Verdict::Invalid,
            ReasonCode::LicenceRevoked,
            CheckKind::Status,
        );
    }

    // The SM2 authority compromised since t: later licences are refused.
    let t = NOW - 5 * DAY;
    let b = bundle(
        &w,
        status_list(gd_ed, NOW - 3600, &[]),
        [AuthorityState::Active, AuthorityState::Compromised(t)],
        2,
    );
    assert_outcome(
        &verify(&b, &licence(gd_sm2, NATIONAL_BUSINESS, 2, t)),
        Verdict::Invalid,
        ReasonCode::AuthorityCompromised,
        CheckKind::TrustList,
    );
}
