//! A deterministic federation for the trust-list, status-list and bundle
//! targets: a federation root, two region roots (310000 Shanghai, 440000
//! Guangdong) and one authority each (licence and status-list signing).
//!
//! Every key comes from a fixed seed and every certificate has a fixed
//! serial number and validity, so the certificates (and, Ed25519 being
//! deterministic, the signed lists) are byte-identical on every run: the
//! seeder (`fuzz/seed`, which includes this file with `#[path]`) and the
//! fuzz targets build the same ones without sharing files.

use elicense::alg::SecretKey;
use elicense::pki::{
    create_authority, create_federation_root, create_region_root, AuthorityParams, Certificate,
    FederationRootParams, RegionRootParams, Usage,
};
use elicense::policy::TrustLevel;
use elicense::status::{subject_for, StatusList, StatusListToken};
use elicense::trust::{
    AuthorityState, FederationTrustList, ListedAuthority, ListedRegion, RegionTrustList,
};

/// 2024-01-01T00:00:00Z: start of every certificate's validity.
pub const NOT_BEFORE: i64 = 1_704_067_200;
/// 2030-01-01T00:00:00Z: end of every certificate's validity.
pub const NOT_AFTER: i64 = 1_893_456_000;
/// 2025-01-01T00:00:00Z: when the lists are issued and checked (`elicense_fuzz::NOW`).
pub const WORLD_NOW: i64 = 1_735_689_600;
/// Maximum status list age the targets verify with.
pub const MAX_AGE: i64 = 86_400;
/// The national business licence type, listed for both authorities.
pub const LICENCE_TYPE: &str = "11100000000013338W011";

/// One region: its root and its authority.
pub struct Region {
    /// GB/T 2260 code.
    pub code: &'static str,
    /// Root key.
    pub key: SecretKey,
    /// Root certificate.
    pub root: Certificate,
    /// Authority key.
    pub authority_key: SecretKey,
    /// Authority certificate (licence and status-list signing).
    pub authority: Certificate,
}

/// The federation.
pub struct World {
    /// Federation root key.
    pub fed_key: SecretKey,
    /// Federation root certificate (the bundle anchor).
    pub fed: Certificate,
    /// Shanghai, then Guangdong.
    pub regions: Vec<Region>,
}

fn region(code: &'static str, seed: u8, credit_code: &str) -> Region {
    let key = SecretKey::from_seed(&[seed; 32]);
    let root = create_region_root(
        &key,
        &RegionRootParams {
            region: code.parse().expect("region code"),
            name: format!("{code} fuzz root"),
            not_before: NOT_BEFORE,
            not_after: NOT_AFTER,
            serial_number: Some(vec![1, seed]),
        },
    )
    .expect("region root");
    let authority_key = SecretKey::from_seed(&[seed + 1; 32]);
    let authority = create_authority(
        &key,
        &root,
        &authority_key.public_key(),
        &AuthorityParams {
            name: format!("{code} fuzz authority"),
            credit_code: credit_code.parse().expect("credit code"),
            usages: vec![Usage::LicenceSigning, Usage::StatusListSigning],
            not_before: NOT_BEFORE,
            not_after: NOT_AFTER,
            serial_number: Some(vec![1, seed + 1]),
        },
    )
    .expect("authority");
    Region {
        code,
        key,
        root,
        authority_key,
        authority,
    }
}

/// Builds the federation (a few milliseconds; cache it).
pub fn world() -> World {
    let fed_key = SecretKey::from_seed(&[200; 32]);
    let fed = create_federation_root(
        &fed_key,
        &FederationRootParams {
            name: "fuzz federation root".into(),
            not_before: NOT_BEFORE,
            not_after: NOT_AFTER,
            serial_number: Some(vec![1, 200]),
        },
    )
    .expect("federation root");
    World {
        fed_key,
        fed,
        regions: vec![
            region("310000", 31, "11310000MB2F31727A"),
            region("440000", 44, "114400000073356321"),
        ],
    }
}

impl World {
    /// The federation list naming both region roots.
    pub fn federation_list(&self) -> FederationTrustList {
        FederationTrustList {
            name: "fuzz federation".into(),
            sequence: 1,
            issued_at: WORLD_NOW - 86_400,
            next_update: WORLD_NOW + 30 * 86_400,
            regions: self
                .regions
                .iter()
                .map(|r| ListedRegion {
                    region: r.code.parse().expect("region code"),
                    name: r.code.into(),
                    root: r.root.clone(),
                })
                .collect(),
        }
    }

    /// Region `r`'s list: its authority, active, level A.
    pub fn region_list(&self, r: &Region) -> RegionTrustList {
        RegionTrustList {
            region: r.code.parse().expect("region code"),
            sequence: 1,
            issued_at: WORLD_NOW - 86_400,
            next_update: WORLD_NOW + 7 * 86_400,
            authorities: vec![ListedAuthority {
                certificate: r.authority.clone(),
                types: vec![LICENCE_TYPE.parse().expect("type code")],
                level: TrustLevel::A,
                state: AuthorityState::Active,
            }],
        }
    }

    /// Region `r`'s authority's status list: 1024 entries, 3 revoked and
    /// 5 suspended, issued an hour before [`WORLD_NOW`].
    pub fn status_token(&self, r: &Region) -> StatusListToken {
        let mut list = StatusList::new(2, 1024).expect("status list");
        list.revoke(3).expect("revoke");
        list.suspend(5).expect("suspend");
        StatusListToken::new(
            subject_for(&credit_code(&r.authority)),
            WORLD_NOW - 3600,
            Some(WORLD_NOW + 7 * 86_400),
            Some(2 * 86_400),
            list,
        )
        .expect("status token")
    }
}

/// The status list subject of an authority certificate.
pub fn status_subject(authority: &Certificate) -> String {
    subject_for(&credit_code(authority))
}

fn credit_code(authority: &Certificate) -> elicense::identifiers::CreditCode {
    authority
        .organization_identifier()
        .expect("authority credit code")
        .parse()
        .expect("credit code")
}

/// The seal targets' trust: Shanghai's root, a seal maker and a department
/// allowed to seal documents, with a seal of the department and the
/// department's sealed signature over [`SEALED_DOCUMENT`].
pub struct SealWorld {
    /// The region root.
    pub root: Certificate,
    /// The seal maker (seal making, status-list signing).
    pub maker: Certificate,
    /// The department (document sealing).
    pub owner: Certificate,
    /// The department's seal, signed by the maker.
    pub seal: Vec<u8>,
    /// The department's sealed signature over [`SEALED_DOCUMENT`].
    pub signature: Vec<u8>,
}

/// The document of [`SealWorld::signature`].
pub const SEALED_DOCUMENT: &[u8] = b"%PDF-1.7 fuzz document";

/// Builds the seal world (deterministic, like [`world`]).
pub fn seal_world() -> SealWorld {
    use elicense::artifact::CertifiedSigner;
    use elicense::seal::{DocumentProperties, Picture, PictureType, Seal, SealKind, SealedSignature};
    let w = world();
    let sh = &w.regions[0];
    let authority = |seed: u8, name: &str, code: &str, usages: Vec<Usage>| {
        let key = SecretKey::from_seed(&[seed; 32]);
        let cert = create_authority(
            &sh.key,
            &sh.root,
            &key.public_key(),
            &AuthorityParams {
                name: name.into(),
                credit_code: code.parse().expect("credit code"),
                usages,
                not_before: NOT_BEFORE,
                not_after: NOT_AFTER,
                serial_number: Some(vec![2, seed]),
            },
        )
        .expect("authority");
        CertifiedSigner::new(cert, key).expect("the key is the certificate's")
    };
    let maker = authority(
        60,
        "fuzz seal maker",
        "11310000002421441F",
        vec![Usage::SealMaking, Usage::StatusListSigning],
    );
    let owner = authority(61, "fuzz department", "11310000002417920A", vec![Usage::DocumentSealing]);
    let svg = br##"<svg xmlns="http://www.w3.org/2000/svg" width="42mm" height="42mm" viewBox="0 0 42 42"><circle cx="21" cy="21" r="20.3" fill="none" stroke="#E60012" stroke-width="1.2"/><path fill="#E60012" d="M21 14L23 20L29 20Z"/></svg>"##;
    let seal = Seal::builder()
        .esid("3101000000001")
        .kind(SealKind::Organisation)
        .name("fuzz department seal")
        .owner("fuzz department", "11310000002417920A")
        .certificate(owner.certificate())
        .picture(Picture::new(PictureType::Svg, svg.to_vec(), 42, 42).expect("picture"))
        .created_at(WORLD_NOW - 86_400)
        .valid(WORLD_NOW - 86_400, NOT_AFTER)
        .status_index(0)
        .build_for(maker.algorithm())
        .expect("seal")
        .sign(&maker)
        .expect("signed seal");
    let signature = SealedSignature::sign(
        &seal,
        SEALED_DOCUMENT,
        DocumentProperties::file("fuzz.pdf").at(1, 150, 240),
        WORLD_NOW - 3600,
        &owner,
    )
    .expect("sealed signature");
    SealWorld {
        root: sh.root.clone(),
        maker: maker.certificate().clone(),
        owner: owner.certificate().clone(),
        seal: seal.cose().to_vec(),
        signature,
    }
}
