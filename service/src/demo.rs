//! An in-memory demo federation (feature `demo`, on by default).
//!
//! [`DemoFederation::new`] builds, with deterministic keys
//! ([`SecretKey::from_seed`]), everything a verification service serves:
//!
//! * a federation root and its trust list naming two regions, Shanghai
//!   (310000) and Guangdong (440000);
//! * one authority per region (licence and status-list signing), each on
//!   its region's trust list at trust level A;
//! * a status list per authority, with index [`REVOKED_INDEX`] revoked in
//!   Guangdong's;
//! * Shanghai's recognition policy (`examples/data/policy-shanghai.json`),
//!   under which Guangdong's business licence (type
//!   [`GUANGDONG_BUSINESS`]) is recognised as the national one.
//!
//! Every time is relative to the `now` given: certificates are valid from
//! 30 days before it, the lists were issued an hour before it and the
//! policy accepts status lists up to a day old. A service running on the
//! demo therefore answers VALID for about a day; restart it for fresh lists.
//! The keys are public (their seeds are in this file): this is for
//! demonstrations and tests only.

use std::error::Error;

use elicense::alg::SecretKey;
use elicense::bundle::TrustBundle;
use elicense::identifiers::CreditCode;
use elicense::licence::LicenceSpec;
use elicense::pki::{
    create_authority, create_federation_root, create_region_root, AuthorityParams, Certificate,
    FederationRootParams, RegionRootParams, Usage,
};
use elicense::policy::TrustLevel;
use elicense::status::{subject_for, StatusList, StatusListToken};
use elicense::trust::{
    AuthorityState, FederationTrustList, ListedAuthority, ListedRegion, RegionTrustList,
};

/// Errors building the demo: any error of the core crate.
pub type DemoError = Box<dyn Error + Send + Sync>;

/// The national business licence type (营业执照).
pub const NATIONAL_BUSINESS: &str = "11100000000013338W011";
/// Guangdong's business licence type, mapped to [`NATIONAL_BUSINESS`] by
/// Shanghai's policy.
pub const GUANGDONG_BUSINESS: &str = "11100000000013338W101";
/// Credit code of the Shanghai authority.
pub const SHANGHAI_AUTHORITY: &str = "11310000MB2F31727A";
/// Credit code of the Guangdong authority, the one that issues the demo licences.
pub const GUANGDONG_AUTHORITY: &str = "114400000073356321";
/// The status-list index revoked in the Guangdong authority's list.
pub const REVOKED_INDEX: u64 = 13;
/// Length of the demo status lists (entries).
pub const STATUS_LIST_LEN: usize = 1024;

const DAY: i64 = 86_400;
const YEAR: i64 = 365 * DAY;

/// An authority of the demo: its key and certificate.
#[derive(Debug)]
pub struct DemoAuthority {
    /// Its signing key (deterministic: public knowledge).
    pub key: SecretKey,
    /// Its certificate, issued by its region root.
    pub certificate: Certificate,
    /// Its unified social credit code.
    pub credit_code: CreditCode,
}

/// The demo federation: trust anchor, bundle and the issuing authority.
#[derive(Debug)]
pub struct DemoFederation {
    /// The federation root a verifier pins.
    pub anchor: Certificate,
    /// The trust bundle: federation list, two region lists, two status
    /// lists and Shanghai's policy, verified against [`DemoFederation::anchor`].
    pub bundle: TrustBundle,
    /// The Shanghai authority.
    pub shanghai: DemoAuthority,
    /// The Guangdong authority, which issues [`DemoFederation::issue`]'s licences.
    pub guangdong: DemoAuthority,
    now: i64,
}

struct Region {
    code: &'static str,
    name: &'static str,
    key: SecretKey,
    root: Certificate,
}

fn region(code: &'static str, name: &'static str, seed: u8, now: i64) -> Result<Region, DemoError> {
    let key = SecretKey::from_seed(&[seed; 32]);
    let root = create_region_root(
        &key,
        &RegionRootParams {
            region: code.parse()?,
            name: name.into(),
            not_before: now - 30 * DAY,
            not_after: now + 20 * YEAR,
            serial_number: Some(vec![0x10, seed]),
        },
    )?;
    Ok(Region {
        code,
        name,
        key,
        root,
    })
}

fn authority(
    region: &Region,
    name: &str,
    code: &str,
    seed: u8,
    now: i64,
) -> Result<DemoAuthority, DemoError> {
    let key = SecretKey::from_seed(&[seed; 32]);
    let credit_code = CreditCode::parse(code)?;
    let certificate = create_authority(
        &region.key,
        &region.root,
        &key.public_key(),
        &AuthorityParams {
            name: name.into(),
            credit_code: credit_code.clone(),
            usages: vec![Usage::LicenceSigning, Usage::StatusListSigning],
            not_before: now - 30 * DAY,
            not_after: now + 5 * YEAR,
            serial_number: Some(vec![0x20, seed]),
        },
    )?;
    Ok(DemoAuthority {
        key,
        certificate,
        credit_code,
    })
}

fn region_list(
    region: &Region,
    authority: &DemoAuthority,
    types: &[&str],
    now: i64,
) -> Result<Vec<u8>, DemoError> {
    let types = types
        .iter()
        .map(|t| t.parse())
        .collect::<Result<Vec<_>, _>>()?;
    Ok(RegionTrustList {
        region: region.code.parse()?,
        sequence: 1,
        issued_at: now - 3600,
        next_update: now + 7 * DAY,
        authorities: vec![ListedAuthority {
            certificate: authority.certificate.clone(),
            types,
            level: TrustLevel::A,
            state: AuthorityState::Active,
        }],
    }
    .sign(&elicense::artifact::CertifiedSigner::new(
        region.root.clone(),
        region.key.clone(),
    )?)?)
}

fn status_list(a: &DemoAuthority, revoked: &[u64], issued_at: i64) -> Result<Vec<u8>, DemoError> {
    let mut list = StatusList::new(2, STATUS_LIST_LEN)?;
    for i in revoked {
        list.revoke(*i)?;
    }
    Ok(StatusListToken::new(
        subject_for(&a.credit_code),
        issued_at,
        None,
        Some(2 * DAY as u64),
        list,
    )?
    .sign(&elicense::artifact::CertifiedSigner::new(
        a.certificate.clone(),
        a.key.clone(),
    )?)?)
}

impl DemoFederation {
    /// Builds the demo federation with every time relative to `now` (Unix seconds).
    pub fn new(now: i64) -> Result<Self, DemoError> {
        let fed_key = SecretKey::from_seed(&[200; 32]);
        let anchor = create_federation_root(
            &fed_key,
            &FederationRootParams {
                name: "演示联邦电子证照信任根 (demo federation root)".into(),
                not_before: now - 30 * DAY,
                not_after: now + 20 * YEAR,
                serial_number: Some(vec![0x01, 200]),
            },
        )?;
        let sh = region("310000", "上海市电子证照根CA", 1, now)?;
        let gd = region("440000", "广东省电子证照根CA", 2, now)?;
        let shanghai = authority(&sh, "上海市市场监督管理局", SHANGHAI_AUTHORITY, 11, now)?;
        let guangdong = authority(&gd, "广东省市场监督管理局", GUANGDONG_AUTHORITY, 12, now)?;
        let federation = FederationTrustList {
            name: "演示联邦 (demo federation)".into(),
            sequence: 1,
            issued_at: now - 3600,
            next_update: now + 30 * DAY,
            regions: [&sh, &gd]
                .iter()
                .map(|r| {
                    Ok(ListedRegion {
                        region: r.code.parse()?,
                        name: r.name.into(),
                        root: r.root.clone(),
                    })
                })
                .collect::<Result<_, DemoError>>()?,
        }
        .sign(&elicense::artifact::CertifiedSigner::new(
            anchor.clone(),
            fed_key.clone(),
        )?)?;
        let mut bundle = TrustBundle::new(anchor.clone(), federation)?;
        bundle.add_region_list(region_list(&sh, &shanghai, &[NATIONAL_BUSINESS], now)?)?;
        bundle.add_region_list(region_list(
            &gd,
            &guangdong,
            &[GUANGDONG_BUSINESS, NATIONAL_BUSINESS],
            now,
        )?)?;
        bundle.add_status_list(
            status_list(&shanghai, &[], now - 3600)?,
            elicense::UnixTime::from_secs(now),
        )?;
        bundle.add_status_list(
            status_list(&guangdong, &[REVOKED_INDEX], now - 3600)?,
            elicense::UnixTime::from_secs(now),
        )?;
        bundle.set_policy(include_str!("../../examples/data/policy-shanghai.json"))?;
        // Through the file format and back, as a verifier loads it.
        let bundle = TrustBundle::from_bytes(
            &bundle.to_bytes(),
            anchor.clone(),
            elicense::UnixTime::from_secs(now),
        )?;
        Ok(DemoFederation {
            anchor,
            bundle,
            shanghai,
            guangdong,
            now,
        })
    }

    /// The demo bundle after a revocation: the Guangdong authority's status
    /// list issued again at `issued_at`, with `revoked` revoked besides
    /// [`REVOKED_INDEX`] (`Ok` when `issued_at` is after the list held, an
    /// hour before `now`; an earlier time is refused as a rollback).
    pub fn revoke(&self, revoked: &[u64], issued_at: i64) -> Result<TrustBundle, DemoError> {
        let mut indices = vec![REVOKED_INDEX];
        indices.extend_from_slice(revoked);
        let mut bundle = self.bundle.clone();
        bundle.add_status_list(
            status_list(&self.guangdong, &indices, issued_at)?,
            elicense::UnixTime::from_secs(issued_at),
        )?;
        Ok(bundle)
    }

    /// Issues the reference business licence
    /// (`examples/data/business-licence.json`) as Guangdong's business
    /// licence type, signed by the Guangdong authority a day before `now`,
    /// with the given status-list index; returns its `EL1:` QR text.
    pub fn issue(&self, status_index: u64) -> Result<String, DemoError> {
        let mut spec = LicenceSpec::from_json(elicense::demo::SAMPLE_LICENCE_JSON)?;
        spec.type_code = GUANGDONG_BUSINESS.into();
        spec.status_index = Some(status_index);
        spec.issued_at = Some(self.now - DAY);
        Ok(spec
            .to_licence(self.now)?
            .sign(&elicense::artifact::CertifiedSigner::new(
                self.guangdong.certificate.clone(),
                self.guangdong.key.clone(),
            )?)?
            .qr_text())
    }
}
