//! Helpers shared by the integration tests that build a federation with the
//! public API: region roots with their authorities, a federation root,
//! signed federation, region and status lists, and licences, all dated
//! around one fixed time.

// Every file in tests/ is a crate of its own that includes this module and
// uses a subset of it; the dead-code lint runs per crate, so without this
// each file would be warned about the helpers only the others use.
#![allow(dead_code)]

use elicense::alg::{Algorithm, SecretKey};
use elicense::artifact::CertifiedSigner;
use elicense::licence::{LicenceSpec, SignedLicence};
use elicense::pki::{
    create_authority, create_federation_root, create_region_root, AuthorityParams, Certificate,
    FederationRootParams, RegionRootParams, Usage,
};
use elicense::status::{subject_for, StatusList, StatusListToken};
use elicense::trust::{FederationTrustList, ListedAuthority, ListedRegion, RegionTrustList};

pub const NOW: i64 = 1_748_736_000; // 2025-06-01T00:00:00Z
pub const Y2024: i64 = 1_704_067_200;
pub const Y2030: i64 = 1_893_456_000;
pub const DAY: i64 = 86_400;

pub const NATIONAL_BUSINESS: &str = "11100000000013338W011";
pub const GUANGDONG_BUSINESS: &str = "11100000000013338W101";
pub const SICHUAN_PERMIT: &str = "11100000000013338W032";

pub struct Authority {
    pub key: SecretKey,
    pub cert: Certificate,
}

pub struct Region {
    pub code: &'static str,
    pub key: SecretKey,
    pub root: Certificate,
    pub authorities: Vec<Authority>,
}

/// A key of `alg` from a one-byte seed (a valid scalar for SM2 and P-256).
pub fn key_of(alg: Algorithm, seed: u8) -> SecretKey {
    SecretKey::from_bytes(alg, &[seed; 32]).unwrap()
}

/// The signer of `cert` with its `key`.
pub fn signer(cert: &Certificate, key: &SecretKey) -> CertifiedSigner {
    CertifiedSigner::new(cert.clone(), key.clone()).expect("the key is the certificate's")
}

/// An Ed25519 region root and an Ed25519 authority for each of `codes`.
pub fn region(code: &'static str, seed: u8, codes: &[&str]) -> Region {
    region_with(code, seed, codes, Algorithm::EdDsa, &[Algorithm::EdDsa; 2])
}

/// A region whose root key is of `root_alg` and whose authorities, one for
/// each of `codes`, have keys of `authority_algs`.
pub fn region_with(
    code: &'static str,
    seed: u8,
    codes: &[&str],
    root_alg: Algorithm,
    authority_algs: &[Algorithm],
) -> Region {
    let key = key_of(root_alg, seed);
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
            certify(
                &key,
                &root,
                key_of(authority_algs[i], seed + 10 + i as u8),
                format!("{code} authority {i}"),
                credit,
                vec![seed, i as u8 + 1],
            )
        })
        .collect();
    Region {
        code,
        key,
        root,
        authorities,
    }
}

/// An authority with `key`, certified by `root` (whose key is `root_key`)
/// for licence and status-list signing.
pub fn certify(
    root_key: &SecretKey,
    root: &Certificate,
    key: SecretKey,
    name: String,
    credit: &str,
    serial: Vec<u8>,
) -> Authority {
    let cert = create_authority(
        root_key,
        root,
        &key.public_key(),
        &AuthorityParams {
            name,
            credit_code: credit.parse().unwrap(),
            usages: vec![Usage::LicenceSigning, Usage::StatusListSigning],
            not_before: Y2024,
            not_after: Y2030,
            serial_number: Some(serial),
        },
    )
    .unwrap();
    Authority { key, cert }
}

/// A federation root certificate named `name` for `key`, serial 1, `serial`.
pub fn federation_root(key: &SecretKey, name: &str, serial: u8) -> Certificate {
    create_federation_root(
        key,
        &FederationRootParams {
            name: name.into(),
            not_before: Y2024,
            not_after: Y2030,
            serial_number: Some(vec![1, serial]),
        },
    )
    .unwrap()
}

/// The federation's list naming `regions`, signed by its root `fed` with
/// `fed_key`.
pub fn federation_list_of(
    fed_key: &SecretKey,
    fed: &Certificate,
    regions: &[&Region],
    sequence: u64,
) -> Vec<u8> {
    let regions = regions
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
    .sign(&signer(fed, fed_key))
    .unwrap()
}

/// `r`'s list of `authorities`, signed by its root.
pub fn sign_region_list(r: &Region, sequence: u64, authorities: Vec<ListedAuthority>) -> Vec<u8> {
    RegionTrustList {
        region: r.code.parse().unwrap(),
        sequence,
        issued_at: NOW - DAY,
        next_update: NOW + 7 * DAY,
        authorities,
    }
    .sign(&signer(&r.root, &r.key))
    .unwrap()
}

/// The status list of `a` issued at `issued_at` (1,024 entries, time to
/// live two days) with the entries `set` revoked or suspended.
pub fn status_list(a: &Authority, issued_at: i64, set: &[(u64, &str)]) -> Vec<u8> {
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
    .sign(&signer(&a.cert, &a.key))
    .unwrap()
}

/// The sample licence as `type_code` with `status_index`, issued at `iat`
/// and signed by `a`.
pub fn licence_of(
    a: &Authority,
    type_code: &str,
    status_index: Option<u64>,
    iat: i64,
) -> SignedLicence {
    let mut spec = LicenceSpec::from_json(elicense::demo::SAMPLE_LICENCE_JSON).unwrap();
    spec.type_code = type_code.into();
    spec.status_index = status_index;
    spec.issued_at = Some(iat);
    spec.to_licence(0)
        .unwrap()
        .sign(&signer(&a.cert, &a.key))
        .unwrap()
}
