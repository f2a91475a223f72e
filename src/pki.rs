//! PKI profile: region roots, federation roots, authority certificates,
//! chain validation (docs/FORMAT.md §5).
//!
//! A region root is a self-signed X.509 v3 CA with path length 0 carrying
//! its region code. An authority certificate is issued by a region root: not
//! a CA, digitalSignature, an extended key usage that says what it may sign
//! (licences, seals, status lists), and the authority's credit code in
//! `organizationIdentifier` (2.5.4.97). Keys and signatures are Ed25519,
//! SM2 with SM3 (GM/T 0015) or ECDSA P-256 with SHA-256, in any mix: an SM2
//! root may certify an Ed25519 authority ([`crate::alg`] has the table).
//! Any OID of our own lives under one documented arc.
//!
//! Our arc is [`oid::ARC`], `2.25.248122529154353122610737343268176752079`
//! (a UUID-derived OID, ITU-T X.667). Under it, `.1.x` are extended key
//! usages and `.2.x` are attribute types:
//!
//! | OID | meaning |
//! |---|---|
//! | ARC.1.1 | EKU: sign licences |
//! | ARC.1.2 | EKU: make seals |
//! | ARC.1.3 | EKU: sign status lists |
//! | ARC.1.4 | EKU: seal documents with a seal that lists the certificate |
//! | ARC.2.1 | attribute: GB/T 2260 region code (PrintableString, 6 digits) |
//!
//! The region code is carried as an attribute in the standard Subject
//! Directory Attributes extension (2.5.29.9, RFC 5280 §4.2.1.8), not critical,
//! in both the root and the authority certificates.
//!
//! Chain validation is done by rustls-webpki (no ring) with signature
//! adapters fed from the algorithm table: each pairs a key algorithm with
//! the one certificate signature algorithm it verifies, so a certificate
//! whose signature algorithm is not its issuer's key's is refused
//! ([`PkiError::SignatureAlgorithmMismatch`]) before any signature is
//! checked. Licences outlive keys: the
//! signer certificate must be valid at the licence's `iat`, not now.
//! Validation is split in two so that verifying many licences stays cheap:
//! [`validate_chain`] checks everything that does not depend on time (the
//! issuer's signature, basic constraints, key usage, critical extensions,
//! region) once per certificate; [`Certificate::check_time`] checks the
//! validity window at each licence's `iat`. Together they accept exactly what
//! webpki accepts at `iat`, because the path has a single certificate below
//! the trust anchor and webpki does not check a trust anchor's own validity.

use core::fmt;
use std::time::Duration;

use rustls_pki_types::{
    AlgorithmIdentifier, CertificateDer, InvalidSignature, SignatureVerificationAlgorithm, UnixTime,
};
use thiserror::Error;
use x509_parser::prelude::{FromDer, ParsedExtension, X509Certificate};

use crate::alg::{Algorithm, KeyError, PublicKey};
use crate::envelope::kid_for_certificate;
use crate::identifiers::{CreditCode, RegionCode};
use crate::ReasonCode;

/// Largest certificate accepted, in DER bytes.
pub const MAX_CERT_LEN: usize = 16 * 1024;

/// Object identifiers of the profile.
pub mod oid {
    /// Our arc: `2.25.<UUID baaaa92f-4558-48a7-8e68-8dcd7ebb6dcf as an integer>`.
    pub const ARC: &str = "2.25.248122529154353122610737343268176752079";
    /// EKU: may sign licences.
    pub const EKU_LICENCE_SIGNING: &str = "2.25.248122529154353122610737343268176752079.1.1";
    /// EKU: may make seals.
    pub const EKU_SEAL_MAKING: &str = "2.25.248122529154353122610737343268176752079.1.2";
    /// EKU: may sign status lists.
    pub const EKU_STATUS_LIST_SIGNING: &str = "2.25.248122529154353122610737343268176752079.1.3";
    /// EKU: may seal documents (with a seal that lists the certificate).
    pub const EKU_DOCUMENT_SEALING: &str = "2.25.248122529154353122610737343268176752079.1.4";
    /// Attribute type: GB/T 2260 region code.
    pub const ATTR_REGION_CODE: &str = "2.25.248122529154353122610737343268176752079.2.1";
    /// organizationIdentifier (X.520).
    pub const ORGANIZATION_IDENTIFIER: &str = "2.5.4.97";
    /// Subject Directory Attributes extension (RFC 5280 §4.2.1.8).
    pub const SUBJECT_DIRECTORY_ATTRIBUTES: &str = "2.5.29.9";
    /// Ed25519 (RFC 8410).
    pub const ED25519: &str = "1.3.101.112";

    /// DER content octets of [`ARC`] (without tag and length).
    pub(crate) const ARC_DER: [u8; 20] = [
        0x69, 0x82, 0xf5, 0xaa, 0xd4, 0xcb, 0xe8, 0xd5, 0xc2, 0xa2, 0xcf, 0x8e, 0xb4, 0xa3, 0xb9,
        0xd7, 0xf5, 0xed, 0xdb, 0x4f,
    ];
    const fn sub(a: u8, b: u8) -> [u8; 22] {
        let mut out = [0u8; 22];
        let mut i = 0;
        while i < 20 {
            out[i] = ARC_DER[i];
            i += 1;
        }
        out[20] = a;
        out[21] = b;
        out
    }
    pub(crate) static EKU_LICENCE_SIGNING_DER: [u8; 22] = sub(1, 1);
    pub(crate) static EKU_SEAL_MAKING_DER: [u8; 22] = sub(1, 2);
    pub(crate) static EKU_STATUS_LIST_SIGNING_DER: [u8; 22] = sub(1, 3);
    pub(crate) static EKU_DOCUMENT_SEALING_DER: [u8; 22] = sub(1, 4);
    pub(crate) static ATTR_REGION_CODE_DER: [u8; 22] = sub(2, 1);
}

/// What an authority certificate may sign (its extended key usage).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Usage {
    /// Licences.
    LicenceSigning,
    /// Seals.
    SealMaking,
    /// Status lists.
    StatusListSigning,
    /// Sealed signatures over documents (电子签章), with a seal that lists
    /// the certificate (docs/FORMAT.md §18).
    DocumentSealing,
}

impl Usage {
    /// Stable name: `licence_signing`, `seal_making`, `status_list_signing`,
    /// `document_sealing`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Usage::LicenceSigning => "licence_signing",
            Usage::SealMaking => "seal_making",
            Usage::StatusListSigning => "status_list_signing",
            Usage::DocumentSealing => "document_sealing",
        }
    }

    /// The dotted OID.
    pub const fn oid(self) -> &'static str {
        match self {
            Usage::LicenceSigning => oid::EKU_LICENCE_SIGNING,
            Usage::SealMaking => oid::EKU_SEAL_MAKING,
            Usage::StatusListSigning => oid::EKU_STATUS_LIST_SIGNING,
            Usage::DocumentSealing => oid::EKU_DOCUMENT_SEALING,
        }
    }
    fn oid_der(self) -> &'static [u8] {
        match self {
            Usage::LicenceSigning => &oid::EKU_LICENCE_SIGNING_DER,
            Usage::SealMaking => &oid::EKU_SEAL_MAKING_DER,
            Usage::StatusListSigning => &oid::EKU_STATUS_LIST_SIGNING_DER,
            Usage::DocumentSealing => &oid::EKU_DOCUMENT_SEALING_DER,
        }
    }
    /// The usage in words, for messages: "licence signing", "seal making",
    /// "status-list signing".
    pub const fn words(self) -> &'static str {
        match self {
            Usage::LicenceSigning => "licence signing",
            Usage::SealMaking => "seal making",
            Usage::StatusListSigning => "status-list signing",
            Usage::DocumentSealing => "document sealing",
        }
    }

    /// The value of `elicense authority new --usage` that grants it:
    /// `licence-signing`, `seal-making`, `status-list-signing`.
    pub const fn flag(self) -> &'static str {
        match self {
            Usage::LicenceSigning => "licence-signing",
            Usage::SealMaking => "seal-making",
            Usage::StatusListSigning => "status-list-signing",
            Usage::DocumentSealing => "document-sealing",
        }
    }

    const ALL: [Usage; 4] = [
        Usage::LicenceSigning,
        Usage::SealMaking,
        Usage::StatusListSigning,
        Usage::DocumentSealing,
    ];
}

impl fmt::Display for Usage {
    /// The usage in words ([`Usage::words`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.words())
    }
}

/// Errors reading, creating or validating certificates.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PkiError {
    /// Not a certificate of the profile.
    #[error("the certificate is malformed or outside the profile: {0}")]
    Malformed(String),
    /// The certificate's key is a weak point.
    #[error("the certificate's public key is a weak (small-order) point")]
    WeakKey,
    /// Expired at the time that matters.
    #[error("the certificate expired at {}, before {}", cst(*not_after), cst(*at))]
    Expired {
        /// End of validity (Unix seconds).
        not_after: i64,
        /// The time checked.
        at: i64,
    },
    /// Not yet valid at the time that matters.
    #[error("the certificate is valid only from {}, after {}", cst(*not_before), cst(*at))]
    NotYetValid {
        /// Start of validity.
        not_before: i64,
        /// The time checked.
        at: i64,
    },
    /// Lacks the EKU for the usage. The message names the usage in words
    /// and the `authority new --usage` value that grants it.
    #[error(
        "the certificate is not authorised for {0}: its extended key usage lacks it \
         (create the authority's certificate with `elicense authority new --usage {flag}`)",
        flag = .0.flag()
    )]
    WrongEku(Usage),
    /// A CA certificate was used as a signer certificate.
    #[error("a CA certificate cannot sign licences")]
    CaAsEndEntity,
    /// Unknown critical extension.
    #[error("the certificate has a critical extension that is not understood")]
    UnknownCriticalExtension,
    /// The issuer's signature on the certificate does not verify.
    #[error("the certificate's signature does not verify under its issuer's key")]
    BadSignature,
    /// No trusted root issued this certificate.
    #[error("the certificate was not issued by a trusted region root")]
    UnknownIssuer,
    /// Other chain failure.
    #[error("the certificate chain is invalid: {0}")]
    Chain(String),
    /// Region absent or different from the root's.
    #[error(
        "the authority's region ({}) does not match its root's region ({})",
        authority.as_deref().unwrap_or("none given"),
        root.as_deref().unwrap_or("none given")
    )]
    RegionMismatch {
        /// The authority's region code, if any.
        authority: Option<String>,
        /// The root's region code, if any.
        root: Option<String>,
    },
    /// No valid credit code in organizationIdentifier.
    #[error("the authority certificate has no valid credit code in organizationIdentifier")]
    AuthorityCodeMissing,
    /// An authority certificate without the basicConstraints extension
    /// (docs/FORMAT.md §5 requires it, with cA false).
    #[error("the authority certificate has no basicConstraints extension (the profile requires one, with cA false)")]
    BasicConstraintsMissing,
    /// The authority's credit code was registered outside its root's
    /// region: characters 3 to 8 (GB 32100) do not lie within the root's
    /// region code ([`credit_code_in_region`]).
    #[error(
        "the credit code {credit_code} was registered in division {division}, \
         which is not within the root's region {root_region}"
    )]
    CreditCodeRegionMismatch {
        /// The authority's credit code.
        credit_code: String,
        /// Its characters 3 to 8.
        division: String,
        /// The root's region code.
        root_region: String,
    },
    /// The certificate's signature algorithm is not the one of its issuer's
    /// key (an Ed25519 root's child claiming SM3withSM2, an SM2 root's
    /// child claiming ecdsa-with-SHA256): refused before any signature is
    /// checked, with no key confusion tried.
    #[error(
        "the certificate's signature algorithm is {signature}, \
         but its issuer's key is {issuer_key}"
    )]
    SignatureAlgorithmMismatch {
        /// The certificate's signature algorithm, named (`SM3withSM2`,
        /// `ecdsa-with-SHA256`, `Ed25519`, or its OID).
        signature: String,
        /// The issuer's key algorithm, named as [`crate::alg::algorithm_name_from_oids`] does.
        issuer_key: String,
    },
    /// The signing key given does not belong to the certificate it should sign for.
    #[error("the key does not match the certificate's public key")]
    KeyMismatch,
    /// Certificate creation failed.
    #[error("the certificate could not be created: {0}")]
    Create(String),
}

/// A Unix time for messages: RFC 3339 in China Standard Time with its
/// offset written (`2024-05-20T10:00:00+08:00`), or the number of seconds
/// outside the years chrono can represent.
pub(crate) fn cst(unix: i64) -> String {
    crate::UnixTime::from_secs(unix).cst_rfc3339()
}

impl PkiError {
    /// The stable reason code.
    pub fn reason(&self) -> ReasonCode {
        match self {
            PkiError::Malformed(_) | PkiError::Create(_) => ReasonCode::CertMalformed,
            PkiError::WeakKey => ReasonCode::KeyWeak,
            PkiError::Expired { .. } => ReasonCode::CertExpired,
            PkiError::NotYetValid { .. } => ReasonCode::CertNotYetValid,
            PkiError::WrongEku(_) => ReasonCode::CertWrongEku,
            PkiError::CaAsEndEntity => ReasonCode::CertCaAsEndEntity,
            PkiError::UnknownCriticalExtension => ReasonCode::CertUnknownCriticalExtension,
            PkiError::BadSignature => ReasonCode::CertSignatureInvalid,
            PkiError::UnknownIssuer => ReasonCode::IssuerNotTrusted,
            PkiError::Chain(_) => ReasonCode::CertChainInvalid,
            PkiError::RegionMismatch { .. } => ReasonCode::CertRegionMismatch,
            PkiError::AuthorityCodeMissing => ReasonCode::CertAuthorityCodeMissing,
            PkiError::BasicConstraintsMissing => ReasonCode::CertBasicConstraintsMissing,
            PkiError::CreditCodeRegionMismatch { .. } => ReasonCode::CreditCodeRegionMismatch,
            PkiError::KeyMismatch => ReasonCode::KeyInvalid,
            PkiError::SignatureAlgorithmMismatch { .. } => ReasonCode::AlgKeyMismatch,
        }
    }
}

/// A parsed certificate of the profile (an Ed25519, SM2 or P-256 key), with
/// the fields we use.
#[derive(Clone, PartialEq, Eq)]
pub struct Certificate {
    der: Vec<u8>,
    kid: [u8; 8],
    common_name: String,
    organization_identifier: Option<String>,
    region: Option<RegionCode>,
    not_before: i64,
    not_after: i64,
    is_ca: bool,
    has_basic_constraints: bool,
    subject_key_id: Option<Vec<u8>>,
    authority_key_id: Option<Vec<u8>>,
    public_key: PublicKey,
    usages: Vec<Usage>,
}

impl fmt::Debug for Certificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Certificate")
            .field("common_name", &self.common_name)
            .field("organization_identifier", &self.organization_identifier)
            .field("region", &self.region)
            .field("is_ca", &self.is_ca)
            .field("kid", &hex_string(&self.kid))
            .finish_non_exhaustive()
    }
}

pub(crate) fn hex_string(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(HEX[usize::from(b >> 4)]));
        s.push(char::from(HEX[usize::from(b & 15)]));
    }
    s
}

impl Certificate {
    /// Parses one DER certificate. Its key must be Ed25519, SM2 or P-256
    /// ([`PublicKey::from_spki_der`]: also an SM2 key written with the SM2
    /// OID as its algorithm, as GmSSL does); weak Ed25519 keys, points off
    /// their curve (an SM2 point under the P-256 curve OID, or the reverse)
    /// and other algorithms are refused.
    pub fn from_der(der: &[u8]) -> Result<Self, PkiError> {
        if der.len() > MAX_CERT_LEN {
            return Err(PkiError::Malformed(format!(
                "{} bytes, over the limit of {MAX_CERT_LEN}",
                der.len()
            )));
        }
        let (rest, x509) = X509Certificate::from_der(der)
            .map_err(|e| PkiError::Malformed(format!("not DER X.509: {e}")))?;
        if !rest.is_empty() {
            return Err(PkiError::Malformed(
                "trailing bytes after the certificate".into(),
            ));
        }
        // The key's algorithm comes from its SubjectPublicKeyInfo, through
        // the algorithm table: Ed25519, SM2 or P-256.
        let public_key = PublicKey::from_spki_der(x509.public_key().raw).map_err(|e| match e {
            KeyError::WeakKey => PkiError::WeakKey,
            KeyError::UnsupportedAlgorithm { found } => {
                PkiError::Malformed(format!("its key is {found}, not Ed25519, SM2 or P-256"))
            }
            other => PkiError::Malformed(other.to_string()),
        })?;
        let common_name = x509
            .subject()
            .iter_common_name()
            .next()
            .and_then(|a| a.as_str().ok())
            .unwrap_or_default()
            .to_owned();
        let organization_identifier = x509
            .subject()
            .iter_attributes()
            .find(|a| a.attr_type().to_id_string() == oid::ORGANIZATION_IDENTIFIER)
            .and_then(|a| a.as_str().ok())
            .map(str::to_owned);
        let mut region = None;
        let mut usages = Vec::new();
        let mut has_basic_constraints = false;
        let mut subject_key_id = None;
        let mut authority_key_id = None;
        for ext in x509.extensions() {
            let id = ext.oid.to_id_string();
            if id == oid::SUBJECT_DIRECTORY_ATTRIBUTES {
                region = region_from_sda(ext.value)?;
                continue;
            }
            match ext.parsed_extension() {
                ParsedExtension::ExtendedKeyUsage(eku) => {
                    for o in &eku.other {
                        if let Some(u) = Usage::ALL.iter().find(|u| o.as_bytes() == u.oid_der()) {
                            usages.push(*u);
                        }
                    }
                }
                ParsedExtension::BasicConstraints(_) => has_basic_constraints = true,
                ParsedExtension::SubjectKeyIdentifier(k) => subject_key_id = Some(k.0.to_vec()),
                ParsedExtension::AuthorityKeyIdentifier(a) => {
                    authority_key_id = a.key_identifier.as_ref().map(|k| k.0.to_vec());
                }
                _ => {}
            }
        }
        let validity = x509.validity();
        Ok(Certificate {
            kid: kid_for_certificate(der),
            der: der.to_vec(),
            common_name,
            organization_identifier,
            region,
            not_before: validity.not_before.timestamp(),
            not_after: validity.not_after.timestamp(),
            is_ca: x509.is_ca(),
            has_basic_constraints,
            subject_key_id,
            authority_key_id,
            public_key,
            usages,
        })
    }

    /// Parses one PEM certificate ("CERTIFICATE").
    pub fn from_pem(pem: &str) -> Result<Self, PkiError> {
        let mut all = Self::all_from_pem(pem)?;
        match all.len() {
            1 => Ok(all.remove(0)),
            n => Err(PkiError::Malformed(format!(
                "expected one certificate, found {n}"
            ))),
        }
    }

    /// Parses every PEM certificate in `pem`, in order.
    pub fn all_from_pem(pem: &str) -> Result<Vec<Self>, PkiError> {
        let mut out = Vec::new();
        for item in x509_parser::pem::Pem::iter_from_buffer(pem.as_bytes()) {
            let item = item.map_err(|e| PkiError::Malformed(format!("bad PEM: {e}")))?;
            if item.label != "CERTIFICATE" {
                return Err(PkiError::Malformed(format!(
                    "PEM block {:?} is not a CERTIFICATE",
                    item.label
                )));
            }
            out.push(Self::from_der(&item.contents)?);
        }
        if out.is_empty() {
            return Err(PkiError::Malformed("no PEM certificate found".into()));
        }
        Ok(out)
    }

    /// PEM encoding.
    pub fn to_pem(&self) -> String {
        let b64 = base64_encode(&self.der);
        let mut out = String::from("-----BEGIN CERTIFICATE-----\n");
        for chunk in b64.as_bytes().chunks(64) {
            out.push_str(core::str::from_utf8(chunk).expect("base64 is ASCII"));
            out.push('\n');
        }
        out.push_str("-----END CERTIFICATE-----\n");
        out
    }

    /// DER encoding.
    pub fn der(&self) -> &[u8] {
        &self.der
    }
    /// The COSE `kid`: first 8 bytes of SHA-256 over the DER.
    pub fn kid(&self) -> &[u8; 8] {
        &self.kid
    }
    /// Subject common name (the authority's or region's name).
    pub fn common_name(&self) -> &str {
        &self.common_name
    }
    /// organizationIdentifier, as written.
    pub fn organization_identifier(&self) -> Option<&str> {
        self.organization_identifier.as_deref()
    }
    /// The GB/T 2260 region code carried by the certificate.
    pub fn region(&self) -> Option<&RegionCode> {
        self.region.as_ref()
    }
    /// Start of validity (Unix seconds).
    pub fn not_before(&self) -> i64 {
        self.not_before
    }
    /// End of validity (Unix seconds, inclusive).
    pub fn not_after(&self) -> i64 {
        self.not_after
    }
    /// Whether basicConstraints says CA.
    pub fn is_ca(&self) -> bool {
        self.is_ca
    }
    /// Whether the certificate has a basicConstraints extension at all
    /// (an authority certificate must, with cA false).
    pub fn has_basic_constraints(&self) -> bool {
        self.has_basic_constraints
    }
    /// The Subject Key Identifier, if the certificate has one. Certificates
    /// made by this crate carry the RFC 7093 identifier of their key
    /// ([`PublicKey::key_identifier`]).
    pub fn subject_key_identifier(&self) -> Option<&[u8]> {
        self.subject_key_id.as_deref()
    }
    /// The keyIdentifier of the Authority Key Identifier, if present: the
    /// issuer's Subject Key Identifier.
    pub fn authority_key_identifier(&self) -> Option<&[u8]> {
        self.authority_key_id.as_deref()
    }
    /// The subject's public key (its algorithm: [`PublicKey::algorithm`]).
    pub fn public_key(&self) -> &PublicKey {
        &self.public_key
    }
    /// The profile's extended key usages present.
    pub fn usages(&self) -> &[Usage] {
        &self.usages
    }

    /// Checks that the certificate is valid at `at` (Unix seconds).
    pub fn check_time(&self, at: i64) -> Result<(), PkiError> {
        if at < self.not_before {
            Err(PkiError::NotYetValid {
                not_before: self.not_before,
                at,
            })
        } else if at > self.not_after {
            Err(PkiError::Expired {
                not_after: self.not_after,
                at,
            })
        } else {
            Ok(())
        }
    }

    /// Checks that this certificate can serve as a region root: a CA with a region code.
    pub fn check_region_root(&self) -> Result<&RegionCode, PkiError> {
        if !self.is_ca {
            return Err(PkiError::Malformed(
                "a region root must be a CA certificate".into(),
            ));
        }
        self.region
            .as_ref()
            .ok_or_else(|| PkiError::Malformed("a region root must carry its region code".into()))
    }
}

/// Minimal DER reader for the one structure we read ourselves.
fn der_tlv(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (first as usize, rest)
    } else {
        let n = (first & 0x7f) as usize;
        if n == 0 || n > 3 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | *b as usize);
        (len, &rest[n..])
    };
    if rest.len() < len {
        return None;
    }
    Some((tag, &rest[..len], &rest[len..]))
}

/// Reads the region code from a Subject Directory Attributes extension value:
/// `SEQUENCE OF SEQUENCE { type OID, values SET OF PrintableString }`.
fn region_from_sda(value: &[u8]) -> Result<Option<RegionCode>, PkiError> {
    let bad = || PkiError::Malformed("bad Subject Directory Attributes extension".into());
    let (tag, mut attrs, rest) = der_tlv(value).ok_or_else(bad)?;
    if tag != 0x30 || !rest.is_empty() {
        return Err(bad());
    }
    while !attrs.is_empty() {
        let (tag, attr, next) = der_tlv(attrs).ok_or_else(bad)?;
        attrs = next;
        if tag != 0x30 {
            return Err(bad());
        }
        let (tag, oid_bytes, attr_rest) = der_tlv(attr).ok_or_else(bad)?;
        if tag != 0x06 {
            return Err(bad());
        }
        if oid_bytes != oid::ATTR_REGION_CODE_DER {
            continue;
        }
        let (tag, set, _) = der_tlv(attr_rest).ok_or_else(bad)?;
        let (vtag, v, set_rest) = der_tlv(set).ok_or_else(bad)?;
        if tag != 0x31 || !(vtag == 0x13 || vtag == 0x0c) || !set_rest.is_empty() {
            return Err(bad());
        }
        let text = core::str::from_utf8(v).map_err(|_| bad())?;
        let region = text
            .parse::<RegionCode>()
            .map_err(|e| PkiError::Malformed(format!("region code: {e}")))?;
        return Ok(Some(region));
    }
    Ok(None)
}

fn base64_encode(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for c in data.chunks(3) {
        let n = (c[0] as u32) << 16
            | (*c.get(1).unwrap_or(&0) as u32) << 8
            | *c.get(2).unwrap_or(&0) as u32;
        out.push(T[(n >> 18) as usize & 63] as char);
        out.push(T[(n >> 12) as usize & 63] as char);
        out.push(if c.len() > 1 {
            T[(n >> 6) as usize & 63] as char
        } else {
            '='
        });
        out.push(if c.len() > 2 {
            T[n as usize & 63] as char
        } else {
            '='
        });
    }
    out
}

/// webpki signature adapter fed from the algorithm table: the pair (key
/// algorithm, certificate signature algorithm) webpki matches on, and the
/// strict verification of [`crate::alg`] (DER `r, s` for SM2 and ECDSA).
#[derive(Debug)]
struct TableAlgorithm {
    algorithm: Algorithm,
    /// DER content of the SPKI AlgorithmIdentifier this adapter accepts.
    spki: &'static [u8],
}

impl SignatureVerificationAlgorithm for TableAlgorithm {
    fn verify_signature(
        &self,
        public_key: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), InvalidSignature> {
        crate::alg::verify_certificate_signature(self.algorithm, public_key, message, signature)
            .map_err(|_| InvalidSignature)
    }
    fn public_key_alg_id(&self) -> AlgorithmIdentifier {
        AlgorithmIdentifier::from_slice(self.spki)
    }
    fn signature_alg_id(&self) -> AlgorithmIdentifier {
        AlgorithmIdentifier::from_slice(self.algorithm.spec().x509_signature_der)
    }
}

static ED25519_STRICT: TableAlgorithm = TableAlgorithm {
    algorithm: Algorithm::EdDsa,
    spki: Algorithm::EdDsa.spec().spki_algorithm_der,
};
static SM2_SM3: TableAlgorithm = TableAlgorithm {
    algorithm: Algorithm::Sm2Sm3,
    spki: Algorithm::Sm2Sm3.spec().spki_algorithm_der,
};
/// SM2 keys written with the SM2 OID as their algorithm (GmSSL, some vendors).
static SM2_SM3_SM2_KEY_OID: TableAlgorithm = TableAlgorithm {
    algorithm: Algorithm::Sm2Sm3,
    spki: crate::alg::OID_SM2_AS_KEY_ALGORITHM_DER,
};
static ES256: TableAlgorithm = TableAlgorithm {
    algorithm: Algorithm::Es256,
    spki: Algorithm::Es256.spec().spki_algorithm_der,
};

/// Every certificate signature algorithm chain validation accepts.
static CHAIN_ALGORITHMS: [&dyn SignatureVerificationAlgorithm; 4] =
    [&ED25519_STRICT, &SM2_SM3, &SM2_SM3_SM2_KEY_OID, &ES256];

/// An authority certificate whose chain to a region root has been validated
/// (everything but the time window, which [`Certificate::check_time`] checks).
#[derive(Clone, Debug)]
pub struct ValidatedAuthority {
    /// Index of the root in the slice given to [`validate_chain`].
    pub root_index: usize,
    /// The authority's credit code.
    pub credit_code: CreditCode,
    /// The authority's region.
    pub region: RegionCode,
}

/// Whether a unified social credit code was registered within `region`:
/// its characters 3 to 8 (the registering body's administrative division,
/// GB 32100) lie within the region code, in the GB/T 2260 hierarchy.
///
/// A province-level code (`440000`, last four digits zero) covers every
/// division of the province (`44xxxx`); a prefecture-level code (`440300`,
/// last two digits zero) covers its own (`4403xx`); a county-level code
/// only itself. A nationally registered body (division `100000`) lies
/// within region `100000` only, which the profile's region codes (provinces
/// 11 to 82, [`RegionCode`]) never are: no region root certifies one
/// (docs/FORMAT.md §5).
pub fn credit_code_in_region(code: &CreditCode, region: &RegionCode) -> bool {
    let division = code.region_digits().as_bytes();
    let region = region.as_str().as_bytes();
    if division.len() != 6 || region.len() != 6 {
        return false;
    }
    let significant = if region[2..] == *b"0000" {
        2
    } else if region[4..] == *b"00" {
        4
    } else {
        6
    };
    division[..significant] == region[..significant]
}

/// Refuses a credit code registered outside `region` ([`credit_code_in_region`]).
pub(crate) fn check_credit_code_region(
    code: &CreditCode,
    region: &RegionCode,
) -> Result<(), PkiError> {
    if credit_code_in_region(code, region) {
        Ok(())
    } else {
        Err(PkiError::CreditCodeRegionMismatch {
            credit_code: code.as_str().to_owned(),
            division: code.region_digits().to_owned(),
            root_region: region.as_str().to_owned(),
        })
    }
}

/// Validates `cert` as an authority certificate for `usage`, issued by one of
/// `roots`, ignoring time (see the module documentation).
///
/// Beyond the RFC 5280 path checks (webpki), the profile's own rules, in
/// this order: basicConstraints present ([`PkiError::BasicConstraintsMissing`]);
/// region equal to the root's ([`PkiError::RegionMismatch`]); a valid credit
/// code ([`PkiError::AuthorityCodeMissing`]) registered within the root's
/// region ([`PkiError::CreditCodeRegionMismatch`]).
pub fn validate_chain(
    cert: &Certificate,
    roots: &[Certificate],
    usage: Usage,
) -> Result<ValidatedAuthority, PkiError> {
    let ee_der = CertificateDer::from(cert.der());
    let ee = webpki::EndEntityCert::try_from(&ee_der).map_err(|e| match e {
        webpki::Error::UnsupportedCriticalExtension => PkiError::UnknownCriticalExtension,
        other => PkiError::Malformed(webpki_words(&other)),
    })?;
    let root_ders: Vec<CertificateDer<'_>> = roots
        .iter()
        .map(|r| CertificateDer::from(r.der()))
        .collect();
    let anchors = root_ders
        .iter()
        .map(|d| {
            webpki::anchor_from_trusted_cert(d)
                .map_err(|e| PkiError::Malformed(format!("root: {}", webpki_words(&e))))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let at = UnixTime::since_unix_epoch(Duration::from_secs(cert.not_before.max(0) as u64));
    let path = ee
        .verify_for_usage(
            &CHAIN_ALGORITHMS,
            &anchors,
            &[],
            at,
            webpki::KeyUsage::required(usage.oid_der()),
            None,
            None,
        )
        .map_err(|e| map_webpki_error(e, usage))?;
    let anchor_spki = path.anchor().subject_public_key_info.as_ref();
    let root_index = anchors
        .iter()
        .position(|a| a.subject_public_key_info.as_ref() == anchor_spki)
        .ok_or_else(|| PkiError::Chain("the path ends at an unknown trust anchor".into()))?;
    if !cert.has_basic_constraints {
        return Err(PkiError::BasicConstraintsMissing);
    }
    let root = &roots[root_index];
    let region = match (cert.region(), root.region()) {
        (Some(a), Some(r)) if a == r => a.clone(),
        (a, r) => {
            return Err(PkiError::RegionMismatch {
                authority: a.map(|x| x.as_str().to_owned()),
                root: r.map(|x| x.as_str().to_owned()),
            })
        }
    };
    let credit_code = cert
        .organization_identifier()
        .and_then(|s| CreditCode::parse(s).ok())
        .ok_or(PkiError::AuthorityCodeMissing)?;
    check_credit_code_region(&credit_code, &region)?;
    Ok(ValidatedAuthority {
        root_index,
        credit_code,
        region,
    })
}

#[allow(deprecated)]
fn map_webpki_error(e: webpki::Error, usage: Usage) -> PkiError {
    use webpki::Error as E;
    match e {
        E::CertExpired { .. } => PkiError::Chain("expired".into()),
        E::CertNotValidYet { .. } => PkiError::Chain("not yet valid".into()),
        E::RequiredEkuNotFound | E::RequiredEkuNotFoundContext(_) => PkiError::WrongEku(usage),
        E::CaUsedAsEndEntity => PkiError::CaAsEndEntity,
        E::UnsupportedCriticalExtension => PkiError::UnknownCriticalExtension,
        E::UnknownIssuer => PkiError::UnknownIssuer,
        E::InvalidSignatureForPublicKey => PkiError::BadSignature,
        E::UnsupportedSignatureAlgorithmForPublicKeyContext(cx) => {
            PkiError::SignatureAlgorithmMismatch {
                signature: signature_algorithm_name(&cx.signature_algorithm_id),
                issuer_key: key_algorithm_name(&cx.public_key_algorithm_id),
            }
        }
        other => PkiError::Chain(webpki_words(&other)),
    }
}

/// The OIDs (dotted) in the content of an AlgorithmIdentifier: the
/// algorithm and, when its parameters are an OID, that one.
fn algorithm_oids(content: &[u8]) -> (String, Option<String>) {
    use x509_parser::der_parser::oid::Oid;
    let mut oids = Vec::new();
    let mut rest = content;
    while let Some((tag, value, next)) = der_tlv(rest) {
        if tag == 0x06 {
            oids.push(Oid::new(value.into()).to_id_string());
        }
        rest = next;
    }
    let mut oids = oids.into_iter();
    (oids.next().unwrap_or_default(), oids.next())
}

/// A certificate signature algorithm named for messages.
fn signature_algorithm_name(content: &[u8]) -> String {
    let (algorithm, _) = algorithm_oids(content);
    match algorithm.as_str() {
        "1.3.101.112" => "Ed25519".into(),
        "1.2.156.10197.1.501" => "SM3withSM2".into(),
        "1.2.840.10045.4.3.2" => "ecdsa-with-SHA256".into(),
        "1.2.840.10045.4.3.3" => "ecdsa-with-SHA384".into(),
        "1.2.840.113549.1.1.11" => "sha256WithRSAEncryption".into(),
        other => format!("algorithm {other}"),
    }
}

/// A key algorithm (and curve) named for messages.
fn key_algorithm_name(content: &[u8]) -> String {
    let (algorithm, parameter) = algorithm_oids(content);
    crate::alg::algorithm_name_from_oids(&algorithm, parameter.as_deref())
}

/// A webpki error in words: its variant name split into lower-case words
/// (`PathLenConstraintViolated` → "path len constraint violated"), without
/// the data some variants carry, so that no message shows a Rust name.
fn webpki_words(e: &webpki::Error) -> String {
    let debug = format!("{e:?}");
    let name = debug
        .split(|c: char| !c.is_ascii_alphanumeric())
        .next()
        .unwrap_or_default();
    let mut out = String::with_capacity(name.len() + 8);
    let mut prev_lower = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() && prev_lower {
            out.push(' ');
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        out.push(c.to_ascii_lowercase());
    }
    if out.is_empty() {
        "rejected by the path validator".into()
    } else {
        out
    }
}

#[cfg(feature = "issuer")]
mod create;
#[cfg(feature = "issuer")]
pub use create::{
    create_authority, create_federation_root, create_region_root, AuthorityParams,
    FederationRootParams, RegionRootParams,
};

#[cfg(test)]
mod tests;
