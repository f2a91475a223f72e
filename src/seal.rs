//! Electronic seals (电子印章) and sealed signatures (电子签章), after
//! GB/T 38540 in this profile's COSE/CBOR envelope.
//!
//! * A [`Seal`] (`typ` `application/el-seal+cwt`) is made and signed by a
//!   *seal-making authority*: an authority certificate with the
//!   seal-making usage, listed on its region's trust list like a licence
//!   authority. It binds a name, an owner (an organisation's credit code or
//!   a person's resident ID number), a picture and a validity period to the
//!   digests of the certificates allowed to use it, and carries an index in
//!   its maker's status list so that a lost or withdrawn seal can be revoked
//!   or suspended like a licence.
//! * A [`SealedSignature`] (`typ` `application/el-sealsig+cwt`) seals any
//!   file: signed by the seal owner's key, it carries the seal, the
//!   signer's certificate, the signing time, the document's digest (SM3
//!   with SM2 signatures, SHA-256 otherwise) and document properties (file
//!   name, and optionally page and position so a viewer can place the
//!   visible seal). It is *detached*: a file beside the document. Several
//!   sealed signatures on one document (joint issuance, 联合发文) verify
//!   independently.
//! * [`verify::SealVerifier`] checks a sealed signature in GB/T 38540's
//!   order into a [`verify::SealReport`]: verdict, category, the ordered
//!   checks with reason codes, the seal's fields and its picture.
//! * [`picture`] checks seal pictures (a safe SVG subset, bounded PNG);
//!   with the feature `seal-picture`, [`generate`] draws the round red
//!   organisation seal as SVG (Chinese text as vector paths from a CJK font
//!   file) and renders pictures as PNG.
//!
//! Who vouches for what (docs/FORMAT.md §18.3): the region root certifies
//! the owner's key and credit code (an authority certificate with the
//! document-sealing usage, [`Usage::DocumentSealing`]); the seal maker's
//! signature over the seal binds the seal to exactly the certificates whose
//! digests it lists. A sealed signature is valid only when both hold.
//!
//! ```
//! # #[cfg(feature = "issuer")]
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use elicense::alg::{Algorithm, SecretKey};
//! use elicense::artifact::CertifiedSigner;
//! use elicense::pki::{create_authority, create_region_root, AuthorityParams, RegionRootParams, Usage};
//! use elicense::seal::{Picture, PictureType, Seal, SealKind, SealedSignature, DocumentProperties};
//! use elicense::seal::verify::SealVerifier;
//! use elicense::verify::{TrustStore, Verdict, Verifier};
//!
//! let (y2024, y2029, y2045) = (1_704_067_200, 1_861_920_000, 2_366_841_600);
//! let root_key = SecretKey::generate(Algorithm::EdDsa)?;
//! let root = create_region_root(&root_key, &RegionRootParams {
//!     region: "310000".parse()?, name: "上海市电子证照根CA".into(),
//!     not_before: y2024, not_after: y2045, serial_number: None,
//! })?;
//! // SM2 with SM3, as GB/T 38540 requires (EdDSA and ES256 work too).
//! let authority = |name: &str, code: &str, usages| -> Result<_, Box<dyn std::error::Error>> {
//!     let key = SecretKey::generate(Algorithm::Sm2Sm3)?;
//!     let cert = create_authority(&root_key, &root, &key.public_key(), &AuthorityParams {
//!         name: name.into(), credit_code: code.parse()?, usages,
//!         not_before: y2024, not_after: y2029, serial_number: None,
//!     })?;
//!     Ok(CertifiedSigner::new(cert, key)?)
//! };
//! // The seal maker (公安 registers official seals) and the department.
//! let maker = authority("上海市公安局", "11310000002421441F", vec![Usage::SealMaking])?;
//! let owner = authority("上海市市场监督管理局", "11310000MB2F31727A", vec![Usage::DocumentSealing])?;
//!
//! let svg = br##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 42 42"><circle cx="21" cy="21" r="20" fill="none" stroke="#E60012"/></svg>"##;
//! let seal = Seal::builder()
//!     .esid("3101000000001")
//!     .kind(SealKind::Organisation)
//!     .name("上海市市场监督管理局行政审批专用章")
//!     .owner("上海市市场监督管理局", "11310000MB2F31727A")
//!     .certificate(owner.certificate())
//!     .picture(Picture::new(PictureType::Svg, svg.to_vec(), 42, 42)?)
//!     .created_at(1_716_170_400)
//!     .valid(1_716_170_400, 1_874_000_000)
//!     .status_index(0)
//!     .build_for(maker.algorithm())?;
//! let signed_seal = seal.sign(&maker)?;
//!
//! let document = b"%PDF-1.7 ... the approval ...";
//! let signature = SealedSignature::sign(
//!     &signed_seal, document, DocumentProperties::file("批复.pdf"), 1_716_200_000, &owner)?;
//!
//! let store = TrustStore::new(vec![root], vec![maker.certificate().clone()])?;
//! let verifier = SealVerifier::new(Verifier::new(store));
//! let report = verifier.verify(&signature, document, elicense::UnixTime::from_secs(1_716_300_000));
//! assert_eq!(report.verdict, Verdict::Valid);
//! println!("{}", report.to_text());
//! # Ok(())
//! # }
//! # #[cfg(not(feature = "issuer"))]
//! # fn main() {}
//! ```

use core::fmt;

use ciborium::Value;
use serde::Serialize;
use sha2::Digest as _;
use thiserror::Error;

use crate::alg::Algorithm;
use crate::artifact::{Artifact, ArtifactError, CertifiedSigner, Prepared, SignerRole};
use crate::cbor::{self, CborError, Limits};
use crate::envelope::{ArtifactType, EnvelopeError, Sign1, MAX_SEALED_SIGNATURE_LEN, MAX_SEAL_LEN};
use crate::identifiers::{CreditCode, ResidentId};
use crate::licence::HolderCode;
use crate::pki::{Certificate, PkiError, Usage, MAX_CERT_LEN};
use crate::ReasonCode;

#[cfg(feature = "seal-picture")]
pub mod generate;
pub mod picture;
pub mod verify;

pub use picture::{Picture, PictureError, PictureType};

/// The private-use claim key holding the seal or the sealed signature
/// (RFC 8392 §9.1: keys below -65536), as in licences.
pub const CLAIM_BODY: i64 = -65537;
/// CWT `exp`: the seal's end of validity (exclusive).
pub const CLAIM_EXP: i64 = 4;
/// CWT `nbf`: the seal's start of validity.
pub const CLAIM_NBF: i64 = 5;
/// CWT `iat`: the seal's time of making, or the signing time.
pub const CLAIM_IAT: i64 = 6;
/// Latest time accepted: 9999-12-31T23:59:59Z.
pub const MAX_TIME: i64 = 253_402_300_799;
/// Longest seal identifier (esID), in characters.
pub const MAX_ESID_LEN: usize = 64;
/// Longest seal name, owner name or file name, in bytes of UTF-8.
pub const MAX_NAME_LEN: usize = 256;
/// Most certificates a seal lists.
pub const MAX_SEAL_CERTIFICATES: usize = 16;
/// Highest page number.
pub const MAX_PAGE: u32 = 100_000;
/// Highest coordinate of a position on a page, in millimetres.
pub const MAX_POSITION_MM: u32 = 10_000;

/// CBOR limits of a seal's claims.
const SEAL_CLAIMS_LIMITS: Limits = Limits {
    max_depth: 4,
    max_len: MAX_SEAL_LEN,
    max_entries: 64,
    max_input: MAX_SEAL_LEN,
};
/// CBOR limits of a sealed signature's claims.
const SIGNATURE_CLAIMS_LIMITS: Limits = Limits {
    max_depth: 4,
    max_len: MAX_SEAL_LEN,
    max_entries: 16,
    max_input: MAX_SEALED_SIGNATURE_LEN,
};

/// The digest algorithm of a seal's certificate list or of a document:
/// SM3 with SM2-SM3 signatures, SHA-256 with the others (GB/T 38540 pairs
/// SM2 with SM3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum DigestAlgorithm {
    /// SHA-256 (FIPS 180-4).
    #[serde(rename = "SHA-256")]
    Sha256,
    /// SM3 (GB/T 32905).
    #[serde(rename = "SM3")]
    Sm3,
}

impl DigestAlgorithm {
    /// The digest algorithm that goes with a signature algorithm.
    pub const fn for_algorithm(algorithm: Algorithm) -> Self {
        match algorithm {
            Algorithm::Sm2Sm3 => DigestAlgorithm::Sm3,
            _ => DigestAlgorithm::Sha256,
        }
    }
    /// The name on the wire: `SHA-256` or `SM3`.
    pub const fn as_str(self) -> &'static str {
        match self {
            DigestAlgorithm::Sha256 => "SHA-256",
            DigestAlgorithm::Sm3 => "SM3",
        }
    }
    /// The algorithm with this wire name.
    pub fn from_name(s: &str) -> Option<Self> {
        match s {
            "SHA-256" => Some(DigestAlgorithm::Sha256),
            "SM3" => Some(DigestAlgorithm::Sm3),
            _ => None,
        }
    }
    /// The digest of `bytes`.
    pub fn digest(self, bytes: &[u8]) -> [u8; 32] {
        let mut h = Hasher::new(self);
        h.update(bytes);
        h.finish()
    }
}

impl fmt::Display for DigestAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An incremental digest (SHA-256 or SM3), for documents read in pieces.
#[derive(Clone, Debug)]
pub struct Hasher(HasherKind);

#[derive(Clone, Debug)]
enum HasherKind {
    Sha256(sha2::Sha256),
    Sm3(sm3::Sm3),
}

impl Hasher {
    /// A new digest of `algorithm`.
    pub fn new(algorithm: DigestAlgorithm) -> Self {
        Hasher(match algorithm {
            DigestAlgorithm::Sha256 => HasherKind::Sha256(sha2::Sha256::new()),
            DigestAlgorithm::Sm3 => HasherKind::Sm3(sm3::Sm3::new()),
        })
    }
    /// Adds bytes.
    pub fn update(&mut self, bytes: &[u8]) {
        match &mut self.0 {
            HasherKind::Sha256(h) => h.update(bytes),
            HasherKind::Sm3(h) => h.update(bytes),
        }
    }
    /// The digest.
    pub fn finish(self) -> [u8; 32] {
        match self.0 {
            HasherKind::Sha256(h) => h.finalize().into(),
            HasherKind::Sm3(h) => h.finalize().into(),
        }
    }
}

/// A document's digest: its algorithm and value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DocumentDigest {
    /// The algorithm.
    pub algorithm: DigestAlgorithm,
    /// The 32-byte value.
    pub value: [u8; 32],
}

impl DocumentDigest {
    /// The digest of `document` with `algorithm`.
    pub fn of(algorithm: DigestAlgorithm, document: &[u8]) -> Self {
        DocumentDigest {
            algorithm,
            value: algorithm.digest(document),
        }
    }
    /// The digest of everything `reader` yields, read in 64 KiB pieces.
    pub fn of_reader(
        algorithm: DigestAlgorithm,
        reader: &mut dyn std::io::Read,
    ) -> std::io::Result<Self> {
        let mut h = Hasher::new(algorithm);
        let mut buf = vec![0u8; 64 << 10];
        loop {
            let n = match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            h.update(&buf[..n]);
        }
        Ok(DocumentDigest {
            algorithm,
            value: h.finish(),
        })
    }
}

/// Errors making, signing or reading seals and sealed signatures.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SealError {
    /// The seal's claims, or a field of a seal being built, break the
    /// format (`SEAL_MALFORMED`).
    #[error("the seal is malformed: {0}")]
    Malformed(String),
    /// The owner's code is not a valid credit code or resident ID number
    /// (`IDENTIFIER_MALFORMED`, `IDENTIFIER_CHECK_FAILED`).
    #[error("the seal's owner code is invalid: {0}")]
    Owner(crate::identifiers::IdentifierError),
    /// The picture was refused.
    #[error("{0}")]
    Picture(#[from] PictureError),
    /// The sealed signature's claims break the format
    /// (`SEALED_SIGNATURE_MALFORMED`).
    #[error("the sealed signature is malformed: {0}")]
    SignatureMalformed(String),
    /// Strict CBOR decoding failed.
    #[error("{0}")]
    Cbor(#[from] CborError),
    /// The envelope was refused (strict COSE_Sign1, `typ`, size).
    #[error("{0}")]
    Envelope(#[from] EnvelopeError),
    /// A certificate could not be read, or may not sign this.
    #[error("{0}")]
    Certificate(#[from] PkiError),
    /// Signing or opening the envelope failed.
    #[error("{0}")]
    Artifact(ArtifactError),
    /// The signer's certificate is not one the seal lists.
    #[error("the signer's certificate is not among the {listed} certificates the seal lists")]
    SignerNotInSeal {
        /// How many the seal lists.
        listed: usize,
    },
    /// The signer is not the owner of the organisation seal.
    #[error("the signer's certificate belongs to {signer}, but the seal belongs to {owner}")]
    OwnerMismatch {
        /// The signer certificate's credit code (or "none").
        signer: String,
        /// The seal owner's credit code.
        owner: String,
    },
}

impl SealError {
    /// The stable reason code.
    pub fn reason(&self) -> ReasonCode {
        match self {
            SealError::Malformed(_) => ReasonCode::SealMalformed,
            SealError::Owner(e) => e.reason(),
            SealError::Picture(e) => e.reason(),
            SealError::SignatureMalformed(_) => ReasonCode::SealedSignatureMalformed,
            SealError::Cbor(e) => e.reason(),
            SealError::Envelope(e) => e.reason(),
            SealError::Certificate(e) => e.reason(),
            SealError::Artifact(e) => e.reason(),
            SealError::SignerNotInSeal { .. } => ReasonCode::SignerNotInSeal,
            SealError::OwnerMismatch { .. } => ReasonCode::SealOwnerMismatch,
        }
    }
}

impl From<ArtifactError> for SealError {
    fn from(e: ArtifactError) -> Self {
        match e {
            ArtifactError::Envelope(e) => SealError::Envelope(e),
            ArtifactError::Certificate(e) => SealError::Certificate(e),
            e => SealError::Artifact(e),
        }
    }
}

fn malformed(msg: impl Into<String>) -> SealError {
    SealError::Malformed(msg.into())
}
fn sig_malformed(msg: impl Into<String>) -> SealError {
    SealError::SignatureMalformed(msg.into())
}

/// Organisation or personal seal (GB/T 38540 `property.type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SealKind {
    /// An organisation's seal (单位印章), wire value 1: its owner is a credit code.
    Organisation,
    /// A person's seal (个人印章), wire value 2: its owner is a resident ID number.
    Personal,
}

impl SealKind {
    /// The wire value: 1 organisation, 2 personal.
    pub const fn wire(self) -> u8 {
        match self {
            SealKind::Organisation => 1,
            SealKind::Personal => 2,
        }
    }
    /// `organisation` or `personal`.
    pub const fn as_str(self) -> &'static str {
        match self {
            SealKind::Organisation => "organisation",
            SealKind::Personal => "personal",
        }
    }
}

/// The seal's owner.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Owner {
    /// Name of the organisation or person.
    pub name: String,
    /// Credit code (organisation seals) or resident ID number (personal seals).
    #[serde(flatten)]
    pub code: HolderCode,
}

/// An electronic seal (印章): the model of GB/T 38540's `SES_Seal` in this
/// profile (docs/FORMAT.md §17).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Seal {
    esid: String,
    kind: SealKind,
    name: String,
    owner: Owner,
    cert_digest_algorithm: DigestAlgorithm,
    #[serde(serialize_with = "hex_list")]
    cert_digests: Vec<[u8; 32]>,
    picture: Picture,
    created_at: i64,
    valid_from: i64,
    valid_until: i64,
    status_index: u64,
}

fn hex_list<S: serde::Serializer>(v: &[[u8; 32]], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq;
    let mut seq = s.serialize_seq(Some(v.len()))?;
    for d in v {
        seq.serialize_element(&crate::pki::hex_string(d))?;
    }
    seq.end()
}

fn check_esid(esid: &str) -> Result<(), SealError> {
    if esid.is_empty()
        || esid.len() > MAX_ESID_LEN
        || !esid
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'))
    {
        return Err(malformed(format!(
            "esid {esid:?} must be 1 to {MAX_ESID_LEN} characters of 0-9 A-Z a-z - . _"
        )));
    }
    Ok(())
}

fn check_text(field: &str, s: &str) -> Result<(), String> {
    crate::licence::check_display_text(field, s, MAX_NAME_LEN, false).map_err(|e| match e {
        crate::licence::LicenceError::Field { field, reason } => format!("{field} {reason}"),
        other => other.to_string(),
    })
}

fn check_seal_time(field: &str, t: i64) -> Result<(), SealError> {
    if !(0..=MAX_TIME).contains(&t) {
        return Err(malformed(format!("{field} is not between 1970 and 9999")));
    }
    Ok(())
}

impl Seal {
    /// A builder.
    pub fn builder() -> SealBuilder {
        SealBuilder::default()
    }
    /// The seal's identifier (esID).
    pub fn esid(&self) -> &str {
        &self.esid
    }
    /// Organisation or personal.
    pub fn kind(&self) -> SealKind {
        self.kind
    }
    /// The seal's name, e.g. "上海市市场监督管理局行政审批专用章".
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The owner.
    pub fn owner(&self) -> &Owner {
        &self.owner
    }
    /// The algorithm of the certificate digests.
    pub fn cert_digest_algorithm(&self) -> DigestAlgorithm {
        self.cert_digest_algorithm
    }
    /// The digests of the certificates allowed to use the seal.
    pub fn cert_digests(&self) -> &[[u8; 32]] {
        &self.cert_digests
    }
    /// Whether the seal lists `certificate`.
    pub fn lists(&self, certificate: &Certificate) -> bool {
        let d = self.cert_digest_algorithm.digest(certificate.der());
        self.cert_digests.contains(&d)
    }
    /// The picture.
    pub fn picture(&self) -> &Picture {
        &self.picture
    }
    /// When the seal was made (`iat`, GB/T 38540 `createDate`).
    pub fn created_at(&self) -> i64 {
        self.created_at
    }
    /// Start of validity (`nbf`, `validStart`).
    pub fn valid_from(&self) -> i64 {
        self.valid_from
    }
    /// End of validity, exclusive (`exp`, `validEnd`).
    pub fn valid_until(&self) -> i64 {
        self.valid_until
    }
    /// The seal's index in its maker's status list.
    pub fn status_index(&self) -> u64 {
        self.status_index
    }

    /// Encodes the claims set deterministically (docs/FORMAT.md §17.2).
    pub fn to_claims(&self) -> Vec<u8> {
        let int = |i: i64| Value::Integer(i.into());
        let body = Value::Array(vec![
            Value::Text(self.esid.clone()),
            int(i64::from(self.kind.wire())),
            Value::Text(self.name.clone()),
            Value::Array(vec![
                Value::Text(self.owner.code.as_str().to_owned()),
                Value::Text(self.owner.name.clone()),
            ]),
            Value::Array(vec![
                Value::Text(self.cert_digest_algorithm.as_str().into()),
                Value::Array(
                    self.cert_digests
                        .iter()
                        .map(|d| Value::Bytes(d.to_vec()))
                        .collect(),
                ),
            ]),
            Value::Array(vec![
                Value::Text(self.picture.kind().as_str().into()),
                Value::Bytes(self.picture.data().to_vec()),
                int(i64::from(self.picture.width_mm())),
                int(i64::from(self.picture.height_mm())),
            ]),
            Value::Integer(self.status_index.into()),
        ]);
        cbor::encode(&Value::Map(vec![
            (int(CLAIM_EXP), int(self.valid_until)),
            (int(CLAIM_NBF), int(self.valid_from)),
            (int(CLAIM_IAT), int(self.created_at)),
            (int(CLAIM_BODY), body),
        ]))
    }

    /// Decodes a seal's claims strictly. `algorithm` is the envelope's: the
    /// certificate digests must be of [`DigestAlgorithm::for_algorithm`].
    /// The picture is checked last, after every cheaper rule.
    pub fn from_claims(bytes: &[u8], algorithm: Algorithm) -> Result<Self, SealError> {
        let value = cbor::decode(bytes, &SEAL_CLAIMS_LIMITS)?;
        let Value::Map(entries) = value else {
            return Err(malformed("the claims set is not a map"));
        };
        let (mut exp, mut nbf, mut iat, mut body) = (None, None, None, None);
        for (k, v) in entries {
            let key = match k {
                Value::Integer(i) => i128::from(i),
                _ => return Err(malformed("a claim key is not an integer")),
            };
            match key {
                4 => exp = Some(time_value(&v, "exp (4)", malformed)?),
                5 => nbf = Some(time_value(&v, "nbf (5)", malformed)?),
                6 => iat = Some(time_value(&v, "iat (6)", malformed)?),
                -65537 => body = Some(v),
                other => return Err(malformed(format!("unknown claim {other}"))),
            }
        }
        let exp = exp.ok_or_else(|| malformed("exp (4) is missing"))?;
        let nbf = nbf.ok_or_else(|| malformed("nbf (5) is missing"))?;
        let iat = iat.ok_or_else(|| malformed("iat (6) is missing"))?;
        let Some(Value::Array(body)) = body else {
            return Err(malformed(
                "the seal claim (-65537) is missing or not an array",
            ));
        };
        let [esid, kind, name, owner, certs, picture, status_index]: [Value; 7] =
            body.try_into()
                .map_err(|_| malformed("the seal array does not have 7 items"))?;
        let esid = text(esid, "esid", malformed)?;
        let kind = match uint(&kind, "kind", malformed)? {
            1 => SealKind::Organisation,
            2 => SealKind::Personal,
            k => {
                return Err(malformed(format!(
                    "kind {k} is neither 1 (organisation) nor 2 (personal)"
                )))
            }
        };
        let name = text(name, "name", malformed)?;
        let [owner_code, owner_name]: [Value; 2] = array(owner, "owner", malformed)?
            .try_into()
            .map_err(|_| malformed("owner does not have 2 items"))?;
        let owner_code = text(owner_code, "owner.code", malformed)?;
        let owner_name = text(owner_name, "owner.name", malformed)?;
        let [digest_alg, digests]: [Value; 2] = array(certs, "certs", malformed)?
            .try_into()
            .map_err(|_| malformed("certs does not have 2 items"))?;
        let digest_alg = text(digest_alg, "certs.algorithm", malformed)?;
        let digest_alg = DigestAlgorithm::from_name(&digest_alg).ok_or_else(|| {
            malformed(format!(
                "certs.algorithm {digest_alg:?} is neither \"SHA-256\" nor \"SM3\""
            ))
        })?;
        let digests = array(digests, "certs.digests", malformed)?
            .into_iter()
            .map(|d| match d {
                Value::Bytes(b) => <[u8; 32]>::try_from(b.as_slice())
                    .map_err(|_| malformed("a certificate digest is not 32 bytes")),
                _ => Err(malformed("a certificate digest is not a byte string")),
            })
            .collect::<Result<Vec<_>, _>>()?;
        let [picture_type, picture_data, width, height]: [Value; 4] =
            array(picture, "picture", malformed)?
                .try_into()
                .map_err(|_| malformed("picture does not have 4 items"))?;
        let picture_type = text(picture_type, "picture.type", malformed)?;
        let picture_type = PictureType::from_name(&picture_type).ok_or_else(|| {
            malformed(format!(
                "picture.type {picture_type:?} is neither \"svg\" nor \"png\""
            ))
        })?;
        let Value::Bytes(picture_data) = picture_data else {
            return Err(malformed("picture.data is not a byte string"));
        };
        let width = uint(&width, "picture.width", malformed)?;
        let height = uint(&height, "picture.height", malformed)?;
        let status_index = uint(&status_index, "status_index", malformed)?;
        let builder = SealBuilder {
            esid: Some(esid),
            kind: Some(kind),
            name: Some(name),
            owner: Some((owner_name, owner_code)),
            digests: Some((digest_alg, digests)),
            picture_raw: Some((picture_type, picture_data, width, height)),
            picture: None,
            created_at: Some(iat),
            valid: Some((nbf, exp)),
            status_index: Some(status_index),
            certificates: Vec::new(),
        };
        builder.build_for(algorithm)
    }

    /// First step of signing: checks that `maker` may make seals (not a CA,
    /// the seal-making usage) and was valid when the seal was made, and
    /// prepares the envelope. The seal must have been built for the
    /// maker's algorithm ([`SealBuilder::build_for`]).
    pub fn prepare(&self, maker: &Certificate) -> Result<Prepared, SealError> {
        self.check_algorithm(maker.public_key().algorithm())?;
        Ok(crate::artifact::prepare(self, maker)?)
    }

    /// Signs the seal in one step with the maker's key.
    pub fn sign(&self, maker: &CertifiedSigner) -> Result<SignedSeal, SealError> {
        self.check_algorithm(maker.algorithm())?;
        let cose = crate::artifact::sign(self, maker)?;
        Ok(SignedSeal {
            cose,
            seal: self.clone(),
            algorithm: maker.algorithm(),
            kid: *maker.certificate().kid(),
        })
    }

    fn check_algorithm(&self, algorithm: Algorithm) -> Result<(), SealError> {
        let wanted = DigestAlgorithm::for_algorithm(algorithm);
        if self.cert_digest_algorithm != wanted {
            return Err(malformed(format!(
                "a seal signed with {algorithm} lists certificates by {wanted}, not {}",
                self.cert_digest_algorithm
            )));
        }
        Ok(())
    }
}

impl Artifact for Seal {
    const TYPE: ArtifactType = ArtifactType::Seal;
    const ROLE: SignerRole = SignerRole::Authority(Usage::SealMaking);
    fn payload(&self) -> Vec<u8> {
        self.to_claims()
    }
    fn issued_at(&self) -> i64 {
        self.created_at
    }
}

fn time_value(v: &Value, name: &str, err: fn(String) -> SealError) -> Result<i64, SealError> {
    match v {
        Value::Integer(i) => i64::try_from(*i)
            .ok()
            .filter(|t| (0..=MAX_TIME).contains(t))
            .ok_or_else(|| err(format!("{name} is not a time between 1970 and 9999"))),
        _ => Err(err(format!("{name} is not an unsigned integer"))),
    }
}
fn uint(v: &Value, name: &str, err: fn(String) -> SealError) -> Result<u64, SealError> {
    match v {
        Value::Integer(i) => {
            u64::try_from(*i).map_err(|_| err(format!("{name} is not an unsigned integer")))
        }
        _ => Err(err(format!("{name} is not an unsigned integer"))),
    }
}
fn text(v: Value, name: &str, err: fn(String) -> SealError) -> Result<String, SealError> {
    match v {
        Value::Text(t) => Ok(t),
        _ => Err(err(format!("{name} is not a text string"))),
    }
}
fn array(v: Value, name: &str, err: fn(String) -> SealError) -> Result<Vec<Value>, SealError> {
    match v {
        Value::Array(a) => Ok(a),
        _ => Err(err(format!("{name} is not an array"))),
    }
}

/// Builds a [`Seal`], refusing invalid ones with an error naming the field.
#[derive(Clone, Debug, Default)]
pub struct SealBuilder {
    esid: Option<String>,
    kind: Option<SealKind>,
    name: Option<String>,
    owner: Option<(String, String)>,
    certificates: Vec<Certificate>,
    digests: Option<(DigestAlgorithm, Vec<[u8; 32]>)>,
    picture: Option<Picture>,
    picture_raw: Option<(PictureType, Vec<u8>, u64, u64)>,
    created_at: Option<i64>,
    valid: Option<(i64, i64)>,
    status_index: Option<u64>,
}

impl SealBuilder {
    /// The seal's identifier (esID): 1 to 64 characters of `0-9 A-Z a-z - . _`.
    pub fn esid(mut self, v: impl Into<String>) -> Self {
        self.esid = Some(v.into());
        self
    }
    /// Organisation or personal seal.
    pub fn kind(mut self, v: SealKind) -> Self {
        self.kind = Some(v);
        self
    }
    /// The seal's name (印章名称).
    pub fn name(mut self, v: impl Into<String>) -> Self {
        self.name = Some(v.into());
        self
    }
    /// The owner: name and code (a credit code for an organisation seal, a
    /// resident ID number for a personal seal, check character validated).
    pub fn owner(mut self, name: impl Into<String>, code: impl Into<String>) -> Self {
        self.owner = Some((name.into(), code.into()));
        self
    }
    /// A certificate allowed to use the seal; repeat for several. Its
    /// digest is listed, with the algorithm of the maker's key.
    pub fn certificate(mut self, cert: &Certificate) -> Self {
        self.certificates.push(cert.clone());
        self
    }
    /// The picture.
    pub fn picture(mut self, picture: Picture) -> Self {
        self.picture = Some(picture);
        self
    }
    /// When the seal is made (Unix seconds).
    pub fn created_at(mut self, t: i64) -> Self {
        self.created_at = Some(t);
        self
    }
    /// Validity: from `from` (inclusive) until `until` (exclusive), Unix seconds.
    pub fn valid(mut self, from: i64, until: i64) -> Self {
        self.valid = Some((from, until));
        self
    }
    /// The seal's index in its maker's status list.
    pub fn status_index(mut self, i: u64) -> Self {
        self.status_index = Some(i);
        self
    }

    /// Builds a seal to be signed with `maker_algorithm` (the certificate
    /// digests are SM3 for SM2-SM3, SHA-256 otherwise). Checks, in order:
    /// esid, name, owner (its code per the kind, check character included),
    /// certificates (1 to [`MAX_SEAL_CERTIFICATES`], no repeats), times
    /// (creation not after the end of validity, start before end), and the
    /// picture.
    pub fn build_for(self, maker_algorithm: Algorithm) -> Result<Seal, SealError> {
        let esid = self.esid.ok_or_else(|| malformed("esid is missing"))?;
        check_esid(&esid)?;
        let kind = self.kind.ok_or_else(|| malformed("kind is missing"))?;
        let name = self.name.ok_or_else(|| malformed("name is missing"))?;
        check_text("name", &name).map_err(malformed)?;
        let (owner_name, owner_code) = self.owner.ok_or_else(|| malformed("owner is missing"))?;
        check_text("owner.name", &owner_name).map_err(malformed)?;
        let code = match kind {
            SealKind::Organisation => {
                HolderCode::Organisation(CreditCode::parse(&owner_code).map_err(SealError::Owner)?)
            }
            SealKind::Personal => {
                HolderCode::Citizen(ResidentId::parse(&owner_code).map_err(SealError::Owner)?)
            }
        };
        let wanted = DigestAlgorithm::for_algorithm(maker_algorithm);
        let (algorithm, digests) = match self.digests {
            Some((alg, digests)) => {
                if alg != wanted {
                    return Err(malformed(format!(
                        "a seal signed with {maker_algorithm} lists certificates by {wanted}, not {alg}"
                    )));
                }
                (alg, digests)
            }
            None => (
                wanted,
                self.certificates
                    .iter()
                    .map(|c| wanted.digest(c.der()))
                    .collect(),
            ),
        };
        if digests.is_empty() || digests.len() > MAX_SEAL_CERTIFICATES {
            return Err(malformed(format!(
                "a seal lists 1 to {MAX_SEAL_CERTIFICATES} certificates, not {}",
                digests.len()
            )));
        }
        for (i, d) in digests.iter().enumerate() {
            if digests[..i].contains(d) {
                return Err(malformed("the seal lists a certificate twice"));
            }
        }
        let created_at = self
            .created_at
            .ok_or_else(|| malformed("the time of making (iat) is missing"))?;
        let (valid_from, valid_until) = self
            .valid
            .ok_or_else(|| malformed("the validity (nbf, exp) is missing"))?;
        check_seal_time("iat", created_at)?;
        check_seal_time("nbf", valid_from)?;
        check_seal_time("exp", valid_until)?;
        if valid_until <= valid_from {
            return Err(malformed(
                "the end of validity (exp) is not after its start (nbf)",
            ));
        }
        if created_at >= valid_until {
            return Err(malformed(
                "the seal is made (iat) after its validity ends (exp)",
            ));
        }
        let status_index = self
            .status_index
            .ok_or_else(|| malformed("status_index is missing"))?;
        let picture = match (self.picture, self.picture_raw) {
            (Some(p), _) => p,
            (None, Some((kind, data, w, h))) => {
                let mm = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
                Picture::new(kind, data, mm(w), mm(h))?
            }
            (None, None) => return Err(malformed("picture is missing")),
        };
        Ok(Seal {
            esid,
            kind,
            name,
            owner: Owner {
                name: owner_name,
                code,
            },
            cert_digest_algorithm: algorithm,
            cert_digests: digests,
            picture,
            created_at,
            valid_from,
            valid_until,
            status_index,
        })
    }
}

/// A signed seal: its COSE_Sign1 bytes and the seal they carry.
///
/// [`SignedSeal::decode`] does not check the maker's signature (it does not
/// know the maker): a seal read this way is not trustworthy until a
/// [`verify::SealVerifier`] has checked it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedSeal {
    cose: Vec<u8>,
    seal: Seal,
    algorithm: Algorithm,
    kid: [u8; 8],
}

impl SignedSeal {
    /// Decodes a signed seal strictly (envelope with `typ`
    /// `application/el-seal+cwt`, then the claims, then the picture),
    /// without checking its signature.
    pub fn decode(cose: &[u8]) -> Result<Self, SealError> {
        let sign1 = Sign1::decode(cose, ArtifactType::Seal)?;
        let seal = Seal::from_claims(sign1.payload(), sign1.algorithm())?;
        Ok(SignedSeal {
            cose: cose.to_vec(),
            seal,
            algorithm: sign1.algorithm(),
            kid: *sign1.kid(),
        })
    }
    /// The COSE_Sign1 bytes.
    pub fn cose(&self) -> &[u8] {
        &self.cose
    }
    /// The seal.
    pub fn seal(&self) -> &Seal {
        &self.seal
    }
    /// The maker's signature algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }
    /// The maker certificate's kid.
    pub fn kid(&self) -> &[u8; 8] {
        &self.kid
    }
    /// Checks the maker's signature under `maker` (kid, role, algorithm,
    /// signature), as [`crate::artifact::open`] does for every artifact.
    pub fn verify_maker(&self, maker: &Certificate) -> Result<(), SealError> {
        crate::artifact::open(
            &self.cose,
            ArtifactType::Seal,
            <Seal as Artifact>::ROLE,
            maker,
        )?;
        Ok(())
    }
}

/// Where the sealed document is and where its visible seal goes
/// (GB/T 38540 `propertyInfo`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DocumentProperties {
    /// The document's file name (no directory), for people: the verifier
    /// does not compare it (files are renamed).
    pub file_name: String,
    /// The page the visible seal goes on, from 1.
    pub page: Option<u32>,
    /// The seal's centre on that page, in millimetres from the page's
    /// top-left corner (x to the right, y down).
    pub position_mm: Option<(u32, u32)>,
}

impl DocumentProperties {
    /// Properties naming only the file.
    pub fn file(name: impl Into<String>) -> Self {
        DocumentProperties {
            file_name: name.into(),
            page: None,
            position_mm: None,
        }
    }
    /// These properties with the visible seal on `page` at (`x_mm`, `y_mm`).
    pub fn at(mut self, page: u32, x_mm: u32, y_mm: u32) -> Self {
        self.page = Some(page);
        self.position_mm = Some((x_mm, y_mm));
        self
    }

    fn check(&self, err: fn(String) -> SealError) -> Result<(), SealError> {
        check_text("file_name", &self.file_name).map_err(err)?;
        if self.file_name.contains(['/', '\\']) {
            return Err(err("file_name holds a directory separator".into()));
        }
        if let Some(p) = self.page {
            if !(1..=MAX_PAGE).contains(&p) {
                return Err(err(format!("page {p} is not 1 to {MAX_PAGE}")));
            }
        }
        if let Some((x, y)) = self.position_mm {
            if self.page.is_none() {
                return Err(err("a position is given without a page".into()));
            }
            if x > MAX_POSITION_MM || y > MAX_POSITION_MM {
                return Err(err(format!(
                    "the position ({x}, {y}) lies beyond {MAX_POSITION_MM} mm"
                )));
            }
        }
        Ok(())
    }
}

/// A sealed signature (签章) over a document: the model of GB/T 38540's
/// `SES_Signature` in this profile (docs/FORMAT.md §18).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SealedSignature {
    seal: SignedSeal,
    signer: Certificate,
    signed_at: i64,
    digest: DocumentDigest,
    document: DocumentProperties,
}

/// A sealed signature ready to be signed: the seal, signer and document
/// checked, the claims encoded.
struct ToSign<'a> {
    claims: Vec<u8>,
    signed_at: i64,
    _signer: &'a Certificate,
}

impl Artifact for ToSign<'_> {
    const TYPE: ArtifactType = ArtifactType::SealedSignature;
    const ROLE: SignerRole = SignerRole::Authority(Usage::DocumentSealing);
    fn payload(&self) -> Vec<u8> {
        self.claims.clone()
    }
    fn issued_at(&self) -> i64 {
        self.signed_at
    }
}

impl SealedSignature {
    /// Seals `document` with `seal`, signed at `signed_at` by `signer` (the
    /// seal owner's certificate and key), and returns the signature file's
    /// bytes (a tagged COSE_Sign1). The digest is SM3 for an SM2 signer,
    /// SHA-256 otherwise.
    pub fn sign(
        seal: &SignedSeal,
        document: &[u8],
        properties: DocumentProperties,
        signed_at: i64,
        signer: &CertifiedSigner,
    ) -> Result<Vec<u8>, SealError> {
        let algorithm = DigestAlgorithm::for_algorithm(signer.algorithm());
        Self::sign_digest(
            seal,
            DocumentDigest::of(algorithm, document),
            properties,
            signed_at,
            signer,
        )
    }

    /// As [`SealedSignature::sign`], with the document's digest computed by
    /// the caller (a large file read in pieces: [`DocumentDigest::of_reader`]).
    pub fn sign_digest(
        seal: &SignedSeal,
        digest: DocumentDigest,
        properties: DocumentProperties,
        signed_at: i64,
        signer: &CertifiedSigner,
    ) -> Result<Vec<u8>, SealError> {
        let claims =
            Self::prepare_digest(seal, digest, properties, signed_at, signer.certificate())?;
        let to_sign = ToSign {
            claims,
            signed_at,
            _signer: signer.certificate(),
        };
        Ok(crate::artifact::sign(&to_sign, signer)?)
    }

    /// First step of signing with an external key (HSM, KMS): checks as
    /// [`SealedSignature::sign_digest`] does and returns the envelope to
    /// sign ([`Prepared::to_be_signed`], then [`Prepared::complete`]).
    pub fn prepare(
        seal: &SignedSeal,
        digest: DocumentDigest,
        properties: DocumentProperties,
        signed_at: i64,
        signer: &Certificate,
    ) -> Result<Prepared, SealError> {
        let claims = Self::prepare_digest(seal, digest, properties, signed_at, signer)?;
        let to_sign = ToSign {
            claims,
            signed_at,
            _signer: signer,
        };
        Ok(crate::artifact::prepare(&to_sign, signer)?)
    }

    /// The checks of signing: the digest's algorithm is the signer's, the
    /// properties follow their rules, the seal lists the signer's
    /// certificate, an organisation seal belongs to the signer's credit
    /// code, and the seal is valid at `signed_at`.
    fn prepare_digest(
        seal: &SignedSeal,
        digest: DocumentDigest,
        properties: DocumentProperties,
        signed_at: i64,
        signer: &Certificate,
    ) -> Result<Vec<u8>, SealError> {
        let wanted = DigestAlgorithm::for_algorithm(signer.public_key().algorithm());
        if digest.algorithm != wanted {
            return Err(sig_malformed(format!(
                "a document sealed with {} has a {wanted} digest, not {}",
                signer.public_key().algorithm(),
                digest.algorithm
            )));
        }
        properties.check(sig_malformed)?;
        check_time_sig(signed_at)?;
        let s = seal.seal();
        if !s.lists(signer) {
            return Err(SealError::SignerNotInSeal {
                listed: s.cert_digests().len(),
            });
        }
        check_owner(s, signer)?;
        if signed_at < s.valid_from() || signed_at >= s.valid_until() {
            return Err(malformed(format!(
                "the seal is valid from {} until {}, not at the signing time {}",
                crate::pki::cst(s.valid_from()),
                crate::pki::cst(s.valid_until()),
                crate::pki::cst(signed_at)
            )));
        }
        let signature = SealedSignature {
            seal: seal.clone(),
            signer: signer.clone(),
            signed_at,
            digest,
            document: properties,
        };
        Ok(signature.to_claims())
    }

    /// Decodes a sealed signature strictly (envelope with `typ`
    /// `application/el-sealsig+cwt`, claims, the signer certificate, the
    /// embedded seal with its picture), without checking any signature.
    pub fn decode(cose: &[u8]) -> Result<(Sign1, Self), SealError> {
        let sign1 = Sign1::decode(cose, ArtifactType::SealedSignature)?;
        let signature = Self::from_claims(sign1.payload(), sign1.algorithm())?;
        Ok((sign1, signature))
    }

    /// The digest algorithm a sealed signature's document digest uses, read
    /// from its envelope alone (to hash the document before verifying).
    pub fn digest_algorithm_of(cose: &[u8]) -> Result<DigestAlgorithm, SealError> {
        let sign1 = Sign1::decode(cose, ArtifactType::SealedSignature)?;
        Ok(DigestAlgorithm::for_algorithm(sign1.algorithm()))
    }

    /// Encodes the claims deterministically (docs/FORMAT.md §18.2).
    pub fn to_claims(&self) -> Vec<u8> {
        let int = |i: i64| Value::Integer(i.into());
        let document = Value::Array(vec![
            Value::Text(self.document.file_name.clone()),
            self.document
                .page
                .map_or(Value::Null, |p| int(i64::from(p))),
            self.document.position_mm.map_or(Value::Null, |(x, y)| {
                Value::Array(vec![int(i64::from(x)), int(i64::from(y))])
            }),
        ]);
        let body = Value::Array(vec![
            Value::Bytes(self.seal.cose().to_vec()),
            Value::Bytes(self.signer.der().to_vec()),
            Value::Array(vec![
                Value::Text(self.digest.algorithm.as_str().into()),
                Value::Bytes(self.digest.value.to_vec()),
            ]),
            document,
        ]);
        cbor::encode(&Value::Map(vec![
            (int(CLAIM_IAT), int(self.signed_at)),
            (int(CLAIM_BODY), body),
        ]))
    }

    /// Decodes the claims strictly. `algorithm` is the envelope's: the
    /// document digest must be of [`DigestAlgorithm::for_algorithm`]. The
    /// embedded seal is decoded last (its picture is the costliest check).
    pub fn from_claims(bytes: &[u8], algorithm: Algorithm) -> Result<Self, SealError> {
        let value = cbor::decode(bytes, &SIGNATURE_CLAIMS_LIMITS)?;
        let Value::Map(entries) = value else {
            return Err(sig_malformed("the claims set is not a map"));
        };
        let (mut iat, mut body) = (None, None);
        for (k, v) in entries {
            match k {
                Value::Integer(i) if i128::from(i) == 6 => {
                    iat = Some(time_value(&v, "iat (6)", sig_malformed)?)
                }
                Value::Integer(i) if i128::from(i) == -65537 => body = Some(v),
                Value::Integer(i) => {
                    return Err(sig_malformed(format!("unknown claim {}", i128::from(i))))
                }
                _ => return Err(sig_malformed("a claim key is not an integer")),
            }
        }
        let signed_at = iat.ok_or_else(|| sig_malformed("iat (6) is missing"))?;
        let Some(Value::Array(body)) = body else {
            return Err(sig_malformed(
                "the sealed-signature claim (-65537) is missing or not an array",
            ));
        };
        let [seal, cert, digest, document]: [Value; 4] = body
            .try_into()
            .map_err(|_| sig_malformed("the sealed-signature array does not have 4 items"))?;
        let Value::Bytes(seal) = seal else {
            return Err(sig_malformed("seal is not a byte string"));
        };
        let Value::Bytes(cert) = cert else {
            return Err(sig_malformed("cert is not a byte string"));
        };
        if cert.len() > MAX_CERT_LEN {
            return Err(sig_malformed(format!(
                "cert is {} bytes, over the limit of {MAX_CERT_LEN}",
                cert.len()
            )));
        }
        let [digest_alg, digest_value]: [Value; 2] = array(digest, "digest", sig_malformed)?
            .try_into()
            .map_err(|_| sig_malformed("digest does not have 2 items"))?;
        let digest_alg = text(digest_alg, "digest.algorithm", sig_malformed)?;
        let digest_alg = DigestAlgorithm::from_name(&digest_alg).ok_or_else(|| {
            sig_malformed(format!(
                "digest.algorithm {digest_alg:?} is neither \"SHA-256\" nor \"SM3\""
            ))
        })?;
        let digest_value = match digest_value {
            Value::Bytes(b) => <[u8; 32]>::try_from(b.as_slice())
                .map_err(|_| sig_malformed("digest.value is not 32 bytes"))?,
            _ => return Err(sig_malformed("digest.value is not a byte string")),
        };
        let wanted = DigestAlgorithm::for_algorithm(algorithm);
        if digest_alg != wanted {
            return Err(sig_malformed(format!(
                "a document sealed with {algorithm} has a {wanted} digest, not {digest_alg}"
            )));
        }
        let [file_name, page, position]: [Value; 3] = array(document, "document", sig_malformed)?
            .try_into()
            .map_err(|_| sig_malformed("document does not have 3 items"))?;
        let file_name = text(file_name, "document.file_name", sig_malformed)?;
        let small = |v: u64, name: &str| {
            u32::try_from(v).map_err(|_| sig_malformed(format!("{name} is too large")))
        };
        let page = match page {
            Value::Null => None,
            v => Some(small(
                uint(&v, "document.page", sig_malformed)?,
                "document.page",
            )?),
        };
        let position_mm = match position {
            Value::Null => None,
            v => {
                let [x, y]: [Value; 2] =
                    array(v, "document.position", sig_malformed)?
                        .try_into()
                        .map_err(|_| sig_malformed("document.position does not have 2 items"))?;
                Some((
                    small(uint(&x, "document.position.x", sig_malformed)?, "x")?,
                    small(uint(&y, "document.position.y", sig_malformed)?, "y")?,
                ))
            }
        };
        let document = DocumentProperties {
            file_name,
            page,
            position_mm,
        };
        document.check(sig_malformed)?;
        let signer = Certificate::from_der(&cert)?;
        let seal = SignedSeal::decode(&seal)?;
        Ok(SealedSignature {
            seal,
            signer,
            signed_at,
            digest: DocumentDigest {
                algorithm: digest_alg,
                value: digest_value,
            },
            document,
        })
    }

    /// The seal.
    pub fn seal(&self) -> &SignedSeal {
        &self.seal
    }
    /// The signer's certificate.
    pub fn signer(&self) -> &Certificate {
        &self.signer
    }
    /// The signing time (Unix seconds), as the signer claims it.
    pub fn signed_at(&self) -> i64 {
        self.signed_at
    }
    /// The sealed document's digest.
    pub fn digest(&self) -> &DocumentDigest {
        &self.digest
    }
    /// The document's properties.
    pub fn document(&self) -> &DocumentProperties {
        &self.document
    }
}

fn check_time_sig(t: i64) -> Result<(), SealError> {
    if !(0..=MAX_TIME).contains(&t) {
        return Err(sig_malformed(
            "the signing time is not between 1970 and 9999",
        ));
    }
    Ok(())
}

/// An organisation seal is used only by certificates of its owner's credit
/// code (`organizationIdentifier`).
pub(crate) fn check_owner(seal: &Seal, signer: &Certificate) -> Result<(), SealError> {
    if let HolderCode::Organisation(owner) = &seal.owner().code {
        if signer.organization_identifier() != Some(owner.as_str()) {
            return Err(SealError::OwnerMismatch {
                signer: signer
                    .organization_identifier()
                    .unwrap_or("no credit code")
                    .to_owned(),
                owner: owner.as_str().to_owned(),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
