//! # elicense
//!
//! Issue, sign, verify and mutually recognise electronic licences (电子证照)
//! carried in QR codes, for department systems that issue licences, clerks and
//! inspectors who check them, and regions that accept each other's licences.
//!
//! A licence is a CWT claims set signed as a COSE_Sign1 (EdDSA, SM2-SM3 or
//! ES256) by an *authority* whose X.509 certificate chains to a *region
//! root*. Its QR code
//! holds `EL2:` followed by Base45. Every byte is specified in
//! `docs/FORMAT.md`; every failure has a stable [`ReasonCode`]
//! (`docs/REASONS.md`).
//!
//! ## Issue and verify, end to end
//!
//! ```
//! use elicense::alg::{Algorithm, SecretKey};
//! use elicense::artifact::CertifiedSigner;
//! use elicense::licence::Licence;
//! use elicense::pki::{create_authority, create_region_root, AuthorityParams, RegionRootParams, Usage};
//! use elicense::verify::{TrustStore, Verdict, Verifier};
//! use chrono::NaiveDate;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let (y2024, y2029, y2045) = (1_704_067_200, 1_861_920_000, 2_366_841_600);
//! // A region root CA (Shanghai, 310000) ...
//! let root_key = SecretKey::generate(Algorithm::EdDsa)?;
//! let root = create_region_root(&root_key, &RegionRootParams {
//!     region: "310000".parse()?,
//!     name: "上海市电子证照根CA".into(),
//!     not_before: y2024,
//!     not_after: y2045,
//!     serial_number: None,
//! })?;
//! // ... certifies an authority that may sign licences.
//! let key = SecretKey::generate(Algorithm::EdDsa)?;
//! let cert = create_authority(&root_key, &root, &key.public_key(), &AuthorityParams {
//!     name: "上海市市场监督管理局".into(),
//!     credit_code: "11310000MB2F31727A".parse()?,
//!     usages: vec![Usage::LicenceSigning],
//!     not_before: y2024,
//!     not_after: y2029,
//!     serial_number: None,
//! })?;
//!
//! // The authority issues a licence; the builder refuses invalid fields by name.
//! let licence = Licence::builder()
//!     .type_code("11100000000013338W011")
//!     .serial("20240001735")
//!     .version(1)
//!     .organisation("上海浦江智联科技有限公司", "91310115MA1K4LQX58")
//!     .issued_at(1_716_170_400)
//!     .valid_from(NaiveDate::from_ymd_opt(2019, 5, 20).unwrap())
//!     .long_term()
//!     // Data items by their number in the type's catalogue entry (营业执照):
//!     .text(2, "上海市浦东新区碧波路690号") // 住所 (domicile)
//!     .text(3, "李明华") // 法定代表人 (legal representative)
//!     .integer(4, 1000) // 注册资本 (registered capital), in 万元
//!     .date(5, NaiveDate::from_ymd_opt(2019, 5, 20).unwrap()) // 成立日期
//!     .text(6, "软件开发；信息技术咨询服务") // 经营范围 (business scope)
//!     .status_index(17) // its entry in the authority's status list
//!     .build()?;
//! // The certificate and its key make a signer (an HSM works too:
//! // `CertifiedSigner::external`).
//! let signer = CertifiedSigner::new(cert.clone(), key)?;
//! let qr_text = licence.sign(&signer)?.qr_text();
//! assert!(qr_text.starts_with("EL2:"));
//!
//! // A verifier that trusts the root and knows the authority checks it.
//! let verifier = Verifier::new(TrustStore::new(vec![root], vec![cert])?);
//! let an_hour_later = elicense::UnixTime::from_secs(1_716_170_400 + 3600);
//! let report = verifier.verify_qr(&qr_text, an_hour_later);
//! assert_eq!(report.verdict, Verdict::Valid);
//! // Without the authority's status list nobody checked revocation, and the
//! // report says so (`TrustStore::add_status_list` takes the list).
//! assert_eq!(report.warnings[0].code, elicense::ReasonCode::StatusNotChecked);
//! // The licence catalogue built into the library names the type and its
//! // items, with units and dates, in Chinese and English.
//! let named = report.licence.as_ref().and_then(|l| l.catalogue.as_ref()).unwrap();
//! assert_eq!(named.licence_type().name().zh, "营业执照");
//! assert_eq!(named.items()[1].zh(), "1000万元");
//! let text = report.render(elicense::Lang::Zh);
//! assert!(text.starts_with("结论：有效"));
//! assert!(text.contains("  法定代表人：李明华\n"));
//! println!("{text}");
//!
//! // One altered character is caught, with a stable reason code.
//! let mut tampered = qr_text.into_bytes();
//! tampered[100] = if tampered[100] == b'A' { b'B' } else { b'A' };
//! let report = verifier.verify_qr(std::str::from_utf8(&tampered)?, an_hour_later);
//! assert_eq!(report.verdict, Verdict::Invalid);
//! println!("{}", report.reason); // e.g. SIGNATURE_INVALID
//! # Ok(())
//! # }
//! ```
//!
//! ## Across regions
//!
//! A verifier in another region loads one [`bundle::TrustBundle`] file,
//! checked against the pinned federation root
//! (`TrustBundle::from_bytes(&bytes, federation_root, now)`): the
//! federation's list of region roots, each region's list of authorities (the
//! licence types each may issue, its trust level, active / retired /
//! compromised since a time), each authority's status list (bound to the
//! region-list entry of its signer: a namesake in another region cannot
//! speak for it), and the verifying region's recognition policy.
//! [`verify::Verifier::from_bundle`] then adds two checks to every report:
//! `TRUST_LIST` and `RECOGNITION` (accepted as which local type, or why
//! not), takes `STATUS` (revoked, suspended) from the bundle, and
//! [`verify::Report::recognition`] carries the decision.
//! [`verify::Verifier::verify_qr_batch`] verifies many licences at once
//! with Ed25519 batch verification and returns the same reports;
//! [`verify::Verifier::verify_qr_with`] takes options (such as the purpose)
//! per call. `tests/scenario.rs` walks through a federation of three
//! regions; the `elicense-registry` crate keeps an issuer's serials, status
//! indices and revocations in SQLite transactions.
//!
//! ## Where things are
//!
//! | module | concern |
//! |---|---|
//! | [`identifiers`] | GB/T 36904 licence identifiers, credit codes (GB 32100), resident ID numbers (GB 11643), region codes (GB/T 2260) |
//! | [`catalogue`] | the licence catalogue (证照目录, GB/T 36902/36903): licence types, their numbered data items, the built-in national catalogue, region extensions, item checks and display |
//! | [`licence`] | the licence model, its builder and JSON form, its CWT claims; issuing (`sign`, or `prepare` → external signature → `complete` for an HSM) |
//! | [`alg`] | the algorithm table (EdDSA, SM2-SM3, ES256): keys (PKCS#8 as OpenSSL writes them), the [`alg::Signer`] abstraction, strict verification, batch |
//! | [`artifact`] | the signed-artifact layer: [`artifact::CertifiedSigner`], sign, prepare → external signature → complete, open |
//! | [`envelope`] | COSE_Sign1 with strict decoding, and the `EL2:` QR text |
//! | [`cose`] | COSE_Sign1 from other ecosystems (EU DCC `HC1:`, RFC 9052 examples) verified against any certificate |
//! | [`pki`] | region roots and authority certificates: creation (feature `issuer`) and chain validation |
//! | [`trust`] | federation and region trust lists: who may issue which licences, at which trust level, in which state |
//! | [`status`] | status lists (IETF Token Status List, CWT): revoked and suspended licences |
//! | [`policy`] | a region's recognition policy for foreign licences |
//! | [`bundle`] | the trust bundle an offline verifier loads |
//! | [`verify`] | the [`verify::Verifier`] (from a trust store or a bundle) and its [`verify::Report`]: verdict, [`verify::Category`], checks; as text in Chinese or English (`render`) and JSON (`to_json_in`) |
//! | [`lang`] | [`Lang`], the language of reports and messages (Chinese, English; from `--lang`, the locale or `Accept-Language`) |
//! | [`qr`] | QR rendering (SVG, PNG, terminal; feature `render`) and reading from images (feature `scan`) |
//! | `cbor`, `base45` | strict CBOR and Base45, the layers under the envelope (internal) |
//!
//! `docs/ARCHITECTURE.md` draws the layers and follows a licence from issue
//! to verification; `docs/FORMAT.md` specifies every byte.
//! | [`seal`] | electronic seals (电子印章) and sealed signatures (电子签章) after GB/T 38540: make, seal any file, verify in the standard's order; the round red seal picture (feature `seal-picture`) |
//! | [`reason`] | the stable reason codes |
//! | `demo` | a ready-made region, authority and sample licence (feature `issuer`) |
//!
//! ## Features
//!
//! * `issuer` (default): key generation from the OS and certificate creation
//!   (DER written with the `der` crate). Native only.
//! * `render` (default): QR codes as SVG, PNG, terminal text.
//! * `scan` (default): QR codes read back from pictures (PNG, JPEG, raw
//!   pixels).
//! * `seal-picture` (default): the round red seal picture drawn as SVG from
//!   a CJK font file, and seal pictures rendered as PNG. Native only.
//!
//! With no features the crate verifies and issues with existing keys and
//! certificates, and builds for `wasm32-unknown-unknown`.
//!
//! ## Hostile input
//!
//! QR text, CBOR and certificates come from strangers. Every decoder bounds
//! its input before working on it (see the limits in `docs/FORMAT.md`), never
//! panics, and reports a [`ReasonCode`]. No claim is shown before the
//! signature has verified. This crate has `#![forbid(unsafe_code)]`.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod alg;
pub mod artifact;
mod base45;
pub mod bundle;
pub mod catalogue;
mod cbor;
pub mod cose;
mod deflate;
#[cfg(feature = "issuer")]
pub mod demo;
pub mod envelope;
pub mod identifiers;
pub mod lang;
pub mod licence;
pub mod pki;
pub mod policy;
#[cfg(any(feature = "render", feature = "scan"))]
pub mod qr;
pub mod reason;
pub mod seal;
pub mod status;
pub mod time;
pub mod trust;
pub mod verify;

#[cfg(test)]
mod testing;

/// The strict CBOR and Base45 layers under the envelope, for the fuzz
/// targets and tests that exercise them directly. Not part of the public
/// API: nothing here is stable.
#[doc(hidden)]
pub mod internals {
    /// Strict CBOR (see `docs/FORMAT.md` §1).
    pub mod cbor {
        pub use crate::cbor::{decode, encode, validate, CborError, Limits};
    }
    /// RFC 9285 Base45.
    pub mod base45 {
        pub use crate::base45::{decode, decoded_len, encode, Base45Error};
    }
}

// The types most users need, at the crate root.
pub use alg::{Algorithm, PublicKey, SecretKey, Signer};
pub use artifact::{CertifiedSigner, Prepared};
pub use bundle::TrustBundle;
pub use lang::Lang;
pub use licence::{Licence, SignedLicence};
pub use pki::{Certificate, Usage};
pub use policy::Policy;
pub use reason::ReasonCode;
pub use status::{Status, StatusList, StatusListToken};
pub use time::UnixTime;
pub use trust::{AuthorityId, FederationTrustList, RegionTrustList};
pub use verify::{Report, TrustStore, Verdict, Verifier, VerifyOptions};

/// Default clock-skew leeway, in seconds (300): applied to a licence's
/// `iat`, `nbf` and `exp` (see [`verify::VerifyOptions`]) and to a status
/// list's `iat` when a bundle or trust store takes it in (a list dated
/// beyond now plus the leeway is refused).
pub const DEFAULT_LEEWAY_SECONDS: i64 = 300;
