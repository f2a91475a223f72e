use super::*;
use crate::alg::SecretKey;
use crate::demo::Demo;
use crate::envelope::PreparedSign1;
use crate::pki::{create_authority, AuthorityParams};

use crate::testing::Y2024;
use crate::testing::Y2030;

struct Region {
    key: SecretKey,
    root: Certificate,
}

fn region(code: &str, seed: u8) -> Region {
    let (key, root) = crate::testing::region_root(code, seed);
    Region { key, root }
}

fn authority(r: &Region, seed: u8, code: &str, usages: Vec<Usage>) -> Certificate {
    create_authority(
        &r.key,
        &r.root,
        &SecretKey::from_seed(&[seed; 32]).public_key(),
        &AuthorityParams {
            name: format!("authority {seed}"),
            credit_code: code.parse().unwrap(),
            usages,
            not_before: Y2024,
            not_after: Y2030,
            serial_number: Some(vec![seed, 2]),
        },
    )
    .unwrap()
}

fn federation() -> (SecretKey, Certificate) {
    crate::testing::federation_root()
}

fn business() -> LicenceTypeCode {
    "11100000000013338W011".parse().unwrap()
}

fn listed(cert: Certificate, level: TrustLevel, state: AuthorityState) -> ListedAuthority {
    ListedAuthority {
        certificate: cert,
        types: vec![business()],
        level,
        state,
    }
}

fn shanghai_list(sh: &Region) -> RegionTrustList {
    RegionTrustList {
        region: "310000".parse().unwrap(),
        sequence: 7,
        issued_at: Y2024 + 100,
        next_update: Y2024 + 86_400,
        authorities: vec![
            listed(
                authority(sh, 11, "11310000MB2F31727A", vec![Usage::LicenceSigning]),
                TrustLevel::A,
                AuthorityState::Active,
            ),
            listed(
                authority(sh, 12, "11310000002417920A", vec![Usage::LicenceSigning]),
                TrustLevel::C,
                AuthorityState::Compromised(Y2024 + 5000),
            ),
        ],
    }
}

#[test]
fn region_list_round_trip() {
    let sh = region("310000", 1);
    let list = shanghai_list(&sh);
    let cose = list
        .sign(
            &crate::artifact::CertifiedSigner::new(sh.root.clone(), sh.key.clone())
                .expect("the key is the certificate's"),
        )
        .unwrap();
    let back = RegionTrustList::verify(&cose, &sh.root).unwrap();
    assert_eq!(back, list);
    assert_eq!(
        back.authority(&list.authorities[0].certificate)
            .unwrap()
            .level,
        TrustLevel::A
    );
    assert!(back.authorities[0].may_issue(&business()));
    assert!(!back.authorities[0].may_issue(&"11100000000013338W032".parse().unwrap()));
    assert_eq!(
        back.authorities_with_code(&"11310000002417920A".parse().unwrap())
            .count(),
        1
    );
}

#[test]
fn region_list_signed_by_another_key_is_refused() {
    let sh = region("310000", 1);
    let gd = region("440000", 2);
    let list = shanghai_list(&sh);
    // Guangdong's root cannot sign Shanghai's list.
    let err = list
        .sign(
            &crate::artifact::CertifiedSigner::new(gd.root.clone(), gd.key.clone())
                .expect("the key is the certificate's"),
        )
        .unwrap_err();
    assert!(matches!(err, TrustError::Signer { .. }), "{err}");
    assert_eq!(err.reason(), ReasonCode::TrustListSignerInvalid);
    // Shanghai's root with Guangdong's key: the key does not match, and
    // the pair is refused before anything is signed.
    let err = crate::artifact::CertifiedSigner::new(sh.root.clone(), gd.key.clone()).unwrap_err();
    assert!(
        matches!(err, crate::artifact::ArtifactError::KeyMismatch { .. }),
        "{err}"
    );
    assert_eq!(err.reason(), ReasonCode::SignerFailed);
    // A list re-signed by another key but claiming Shanghai's kid.
    let prepared = PreparedSign1::new(
        ArtifactType::RegionTrustList,
        crate::alg::Algorithm::EdDsa,
        *sh.root.kid(),
        list.to_claims(),
    );
    let forged = prepared
        .clone()
        .complete(
            &gd.key.sign_bytes(&prepared.to_be_signed()),
            &gd.key.public_key(),
        )
        .unwrap();
    let err = RegionTrustList::verify(&forged, &sh.root).unwrap_err();
    assert_eq!(err.reason(), ReasonCode::TrustListSignerInvalid);
    // Verified against the wrong root: kid mismatch.
    let good = list
        .sign(
            &crate::artifact::CertifiedSigner::new(sh.root.clone(), sh.key.clone())
                .expect("the key is the certificate's"),
        )
        .unwrap();
    assert_eq!(
        RegionTrustList::verify(&good, &gd.root)
            .unwrap_err()
            .reason(),
        ReasonCode::TrustListSignerInvalid
    );
}

#[test]
fn wrong_typ_is_refused() {
    let sh = region("310000", 1);
    let good = shanghai_list(&sh)
        .sign(
            &crate::artifact::CertifiedSigner::new(sh.root.clone(), sh.key.clone())
                .expect("the key is the certificate's"),
        )
        .unwrap();
    // A region list offered as a federation list.
    let (_, fed) = federation();
    assert_eq!(
        FederationTrustList::verify(&good, &fed)
            .unwrap_err()
            .reason(),
        ReasonCode::CoseTypMismatch
    );
    // A licence offered where a trust list is expected.
    let demo = Demo::with_keys(
        SecretKey::from_seed(&[1; 32]),
        SecretKey::from_seed(&[2; 32]),
    )
    .unwrap();
    let licence = Demo::sample_licence()
        .unwrap()
        .sign(
            &crate::artifact::CertifiedSigner::new(
                demo.authority.clone(),
                demo.authority_key.clone(),
            )
            .expect("the key is the certificate's"),
        )
        .unwrap();
    assert_eq!(
        RegionTrustList::verify(licence.cose(), &demo.root)
            .unwrap_err()
            .reason(),
        ReasonCode::CoseTypMismatch
    );
}

#[test]
fn conflicting_and_foreign_entries_are_refused() {
    let sh = region("310000", 1);
    let gd = region("440000", 2);
    let mut dup = shanghai_list(&sh);
    dup.authorities.push(dup.authorities[0].clone());
    assert_eq!(
        dup.sign(
            &crate::artifact::CertifiedSigner::new(sh.root.clone(), sh.key.clone())
                .expect("the key is the certificate's")
        )
        .unwrap_err()
        .reason(),
        ReasonCode::TrustListConflict
    );
    // The same duplicate, signed anyway, is refused on verification.
    let prepared = PreparedSign1::new(
        ArtifactType::RegionTrustList,
        crate::alg::Algorithm::EdDsa,
        *sh.root.kid(),
        dup.to_claims(),
    );
    let cose = prepared
        .clone()
        .complete(
            &sh.key.sign_bytes(&prepared.to_be_signed()),
            &sh.key.public_key(),
        )
        .unwrap();
    assert_eq!(
        RegionTrustList::verify(&cose, &sh.root)
            .unwrap_err()
            .reason(),
        ReasonCode::TrustListConflict
    );
    // A Guangdong authority on Shanghai's list does not chain to Shanghai's root.
    let mut foreign = shanghai_list(&sh);
    foreign.authorities.push(listed(
        authority(&gd, 21, "91440300MA5F8KTR22", vec![Usage::LicenceSigning]),
        TrustLevel::B,
        AuthorityState::Active,
    ));
    assert_eq!(
        foreign
            .sign(
                &crate::artifact::CertifiedSigner::new(sh.root.clone(), sh.key.clone())
                    .expect("the key is the certificate's")
            )
            .unwrap_err()
            .reason(),
        ReasonCode::IssuerNotTrusted
    );
    // A seal-making authority cannot be listed for licence types.
    let mut seal = shanghai_list(&sh);
    seal.authorities.push(listed(
        authority(&sh, 13, "12310000MB00000019", vec![Usage::SealMaking]),
        TrustLevel::B,
        AuthorityState::Active,
    ));
    assert_eq!(
        seal.sign(
            &crate::artifact::CertifiedSigner::new(sh.root.clone(), sh.key.clone())
                .expect("the key is the certificate's")
        )
        .unwrap_err()
        .reason(),
        ReasonCode::CertWrongEku
    );
}

#[test]
fn federation_list_round_trip_and_conflicts() {
    let (fkey, fed) = federation();
    let sh = region("310000", 1);
    let gd = region("440000", 2);
    let list = FederationTrustList {
        name: "全国一体化政务服务平台".into(),
        sequence: 3,
        issued_at: Y2024,
        next_update: Y2024 + 7 * 86_400,
        regions: vec![
            ListedRegion {
                region: "310000".parse().unwrap(),
                name: "上海".into(),
                root: sh.root.clone(),
            },
            ListedRegion {
                region: "440000".parse().unwrap(),
                name: "广东".into(),
                root: gd.root.clone(),
            },
        ],
    };
    let cose = list
        .sign(
            &crate::artifact::CertifiedSigner::new(fed.clone(), fkey.clone())
                .expect("the key is the certificate's"),
        )
        .unwrap();
    let back = FederationTrustList::verify(&cose, &fed).unwrap();
    assert_eq!(back, list);
    assert_eq!(back.root_of(&"440000".parse().unwrap()), Some(&gd.root));
    assert_eq!(back.root_of(&"510000".parse().unwrap()), None);
    // Signed by a region root instead of the federation.
    let prepared = PreparedSign1::new(
        ArtifactType::FederationTrustList,
        crate::alg::Algorithm::EdDsa,
        *fed.kid(),
        list.to_claims(),
    );
    let forged = prepared
        .clone()
        .complete(
            &sh.key.sign_bytes(&prepared.to_be_signed()),
            &sh.key.public_key(),
        )
        .unwrap();
    assert_eq!(
        FederationTrustList::verify(&forged, &fed)
            .unwrap_err()
            .reason(),
        ReasonCode::TrustListSignerInvalid
    );
    // Region listed twice, and a root listed under another region's code.
    let mut twice = list.clone();
    twice.regions.push(twice.regions[0].clone());
    assert_eq!(
        twice
            .sign(
                &crate::artifact::CertifiedSigner::new(fed.clone(), fkey.clone())
                    .expect("the key is the certificate's")
            )
            .unwrap_err()
            .reason(),
        ReasonCode::TrustListConflict
    );
    let mut swapped = list.clone();
    swapped.regions[0].root = gd.root.clone();
    swapped.regions.truncate(1);
    assert_eq!(
        swapped
            .sign(
                &crate::artifact::CertifiedSigner::new(fed.clone(), fkey.clone())
                    .expect("the key is the certificate's")
            )
            .unwrap_err()
            .reason(),
        ReasonCode::TrustListConflict
    );
}

#[test]
fn compromised_and_retired_since() {
    let t = Y2024 + 5000;
    assert_eq!(AuthorityState::Compromised(t).check(t - 1), Ok(()));
    assert_eq!(
        AuthorityState::Compromised(t).check(t),
        Err(ReasonCode::AuthorityCompromised)
    );
    assert_eq!(AuthorityState::Retired(t).check(t - 1), Ok(()));
    assert_eq!(
        AuthorityState::Retired(t).check(t + 1),
        Err(ReasonCode::AuthorityRetired)
    );
    assert_eq!(AuthorityState::Active.check(i64::MAX), Ok(()));
}

#[test]
fn rollback_and_staleness() {
    assert_eq!(check_sequence(None, 1), Ok(()));
    assert_eq!(check_sequence(Some(5), 5), Ok(()));
    assert_eq!(check_sequence(Some(5), 6), Ok(()));
    let e = check_sequence(Some(5), 4).unwrap_err();
    assert_eq!(e, TrustError::Rollback { found: 4, seen: 5 });
    assert_eq!(e.reason(), ReasonCode::TrustListRollback);
    assert_eq!(
        check_fresh(1000, crate::UnixTime::from_secs(1000 + 60), 60),
        Ok(())
    );
    assert_eq!(
        check_fresh(1000, crate::UnixTime::from_secs(1000 + 61), 60)
            .unwrap_err()
            .reason(),
        ReasonCode::TrustListStale
    );
}

#[test]
fn hostile_claims() {
    let sh = region("310000", 1);
    let claims = shanghai_list(&sh).to_claims();
    for cut in [0, 1, 10, claims.len() / 2, claims.len() - 1] {
        assert!(RegionTrustList::from_claims(&claims[..cut]).is_err());
    }
    // Unknown claim.
    let bad = cbor::encode(&Value::Map(vec![
        (6.into(), 1.into()),
        (1.into(), "iss".into()),
        (CLAIM_BODY.into(), Value::Array(vec![])),
    ]));
    assert_eq!(
        RegionTrustList::from_claims(&bad).unwrap_err(),
        TrustError::Malformed("unknown claim".into())
    );
    // Level "E" and a bad state.
    let mut v = cbor::decode(&claims, &TRUST_LIST_LIMITS).unwrap();
    if let Value::Map(m) = &mut v {
        if let Value::Array(body) = &mut m[1].1 {
            if let Value::Array(entries) = &mut body[3] {
                if let Value::Array(e) = &mut entries[0] {
                    e[2] = Value::Text("E".into());
                }
            }
        }
    }
    assert_eq!(
        RegionTrustList::from_claims(&cbor::encode(&v))
            .unwrap_err()
            .reason(),
        ReasonCode::TrustListMalformed
    );
    assert!(AuthorityState::from_value(&Value::Array(vec![3.into(), 1.into()])).is_err());
    assert!(AuthorityState::from_value(&Value::Array(vec![1.into(), (-1).into()])).is_err());
}
