//! A ready-made region, authority and sample licence (feature `issuer`).
//!
//! Used by `elicense demo`, the examples, the benchmarks and the tests, so
//! that every one of them exercises the same end-to-end path: a Shanghai
//! region root (310000), the Shanghai market regulation authority with a
//! licence-signing certificate, and the reference business licence
//! `examples/data/business-licence.json`.

use chrono::NaiveDate;

use crate::alg::{Algorithm, KeyError, SecretKey};
use crate::identifiers::{CreditCode, RegionCode};
use crate::licence::{Licence, LicenceError, LicenceSpec};
use crate::pki::{
    create_authority, create_region_root, AuthorityParams, Certificate, PkiError, RegionRootParams,
    Usage,
};
use crate::verify::{TrustStore, Verifier};

/// The reference sample: a 营业执照 (business licence), as JSON.
pub const SAMPLE_LICENCE_JSON: &str = include_str!("../examples/data/business-licence.json");

/// Region code of the demo region (Shanghai).
pub const DEMO_REGION: &str = "310000";
/// Name of the demo region root.
pub const DEMO_ROOT_NAME: &str = "上海市电子证照根CA";
/// Name of the demo authority.
pub const DEMO_AUTHORITY_NAME: &str = "上海市市场监督管理局";
/// Credit code of the demo authority.
pub const DEMO_AUTHORITY_CODE: &str = "11310000MB2F31727A";

/// 2024-05-20 10:00:00 China Standard Time: the sample's time of issue.
pub fn sample_issued_at() -> i64 {
    NaiveDate::from_ymd_opt(2024, 5, 20)
        .expect("valid date")
        .and_hms_opt(2, 0, 0)
        .expect("valid time")
        .and_utc()
        .timestamp()
}

/// Errors setting up the demo.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DemoError {
    /// Key generation failed.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// Certificate creation failed.
    #[error(transparent)]
    Pki(#[from] PkiError),
    /// The sample licence is invalid.
    #[error(transparent)]
    Licence(#[from] LicenceError),
}

/// A region root and one licence-signing authority, with their keys.
#[derive(Debug)]
pub struct Demo {
    /// Region root key.
    pub root_key: SecretKey,
    /// Region root certificate.
    pub root: Certificate,
    /// Authority key.
    pub authority_key: SecretKey,
    /// Authority certificate.
    pub authority: Certificate,
}

impl Demo {
    /// Creates the demo region and authority with fresh random keys. The
    /// root is valid 2020–2045, the authority certificate 2024–2029.
    pub fn generate() -> Result<Self, DemoError> {
        Self::with_keys(
            SecretKey::generate(Algorithm::EdDsa)?,
            SecretKey::generate(Algorithm::EdDsa)?,
        )
    }

    /// Creates the demo region and authority with the given keys. The
    /// certificates' serial numbers are derived from the keys, so the same
    /// keys always give the same certificates (and `kid`s): reproducible
    /// tests, benchmarks and fuzz seeds. [`Demo::generate`] uses random keys.
    pub fn with_keys(root_key: SecretKey, authority_key: SecretKey) -> Result<Self, DemoError> {
        use sha2::{Digest, Sha256};
        let serial = |key: &SecretKey| {
            let digest = Sha256::digest(key.public_key().as_bytes());
            let mut s = digest[..16].to_vec();
            s[0] = (s[0] & 0x7f) | 0x01; // positive, no leading zero
            Some(s)
        };
        let ts = |y, m, d| {
            NaiveDate::from_ymd_opt(y, m, d)
                .expect("valid date")
                .and_hms_opt(0, 0, 0)
                .expect("valid time")
                .and_utc()
                .timestamp()
        };
        let root = create_region_root(
            &root_key,
            &RegionRootParams {
                region: DEMO_REGION.parse::<RegionCode>().expect("valid region"),
                name: DEMO_ROOT_NAME.into(),
                not_before: ts(2020, 1, 1),
                not_after: ts(2045, 1, 1),
                serial_number: serial(&root_key),
            },
        )?;
        let authority = create_authority(
            &root_key,
            &root,
            &authority_key.public_key(),
            &AuthorityParams {
                name: DEMO_AUTHORITY_NAME.into(),
                credit_code: CreditCode::parse(DEMO_AUTHORITY_CODE).expect("valid credit code"),
                usages: vec![Usage::LicenceSigning],
                not_before: ts(2024, 1, 1),
                not_after: ts(2029, 1, 1),
                serial_number: serial(&authority_key),
            },
        )?;
        Ok(Demo {
            root_key,
            root,
            authority_key,
            authority,
        })
    }

    /// The sample licence, issued at [`sample_issued_at`].
    pub fn sample_licence() -> Result<Licence, DemoError> {
        Ok(LicenceSpec::from_json(SAMPLE_LICENCE_JSON)?.to_licence(sample_issued_at())?)
    }

    /// A verifier that trusts this region and knows this authority.
    pub fn verifier(&self) -> Verifier {
        Verifier::new(
            TrustStore::new(vec![self.root.clone()], vec![self.authority.clone()])
                .expect("the demo root is a valid region root"),
        )
    }
}
