//! Fixtures shared by the unit tests of several modules (test builds only).

use crate::alg::SecretKey;
use crate::pki::{
    create_federation_root, create_region_root, Certificate, FederationRootParams, RegionRootParams,
};

/// 2024-01-01T00:00:00Z.
pub(crate) const Y2024: i64 = 1_704_067_200;
/// 2030-01-01T00:00:00Z.
pub(crate) const Y2030: i64 = 1_893_456_000;

/// An Ed25519 region root for region `code`, valid 2024–2030, its key from
/// a one-byte seed.
pub(crate) fn region_root(code: &str, seed: u8) -> (SecretKey, Certificate) {
    let key = SecretKey::from_seed(&[seed; 32]);
    let cert = create_region_root(
        &key,
        &RegionRootParams {
            region: code.parse().expect("a region code"),
            name: format!("{code} root"),
            not_before: Y2024,
            not_after: Y2030,
            serial_number: Some(vec![seed, 1]),
        },
    )
    .expect("a region root");
    (key, cert)
}

/// The Ed25519 federation root 全国电子证照信任根, valid 2024–2030, its key
/// from the seed byte 90.
pub(crate) fn federation_root() -> (SecretKey, Certificate) {
    let key = SecretKey::from_seed(&[90; 32]);
    let cert = create_federation_root(
        &key,
        &FederationRootParams {
            name: "全国电子证照信任根".into(),
            not_before: Y2024,
            not_after: Y2030,
            serial_number: Some(vec![90]),
        },
    )
    .expect("a federation root");
    (key, cert)
}
