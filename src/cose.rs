//! COSE_Sign1 from other ecosystems: verifying any single-signer COSE
//! message (RFC 9052 §4.2) against a certificate, as other ecosystems
//! produce them — the EU Digital COVID Certificate (`HC1:` QR codes), the
//! COSE working group's examples, or this crate's own licences read as
//! plain COSE.
//!
//! This is **not** the licence profile. A licence, a trust list or a status
//! list is opened with [`crate::envelope::Sign1::decode`], which requires
//! tag 18, `alg`, an 8-byte `kid` and a fixed `typ` in the protected header,
//! and nothing here loosens it. The differences, as docs/FORMAT.md §16
//! lists them:
//!
//! | | licence profile (`envelope`) | this module |
//! |---|---|---|
//! | tag | 18 required | 18, none, or CWT tag 61 around tag 18 (RFC 8392 §6) |
//! | `alg` | protected | protected; only in the unprotected bucket: `COSE_ALG_UNPROTECTED` |
//! | algorithms | EdDSA, ES256, SM2-SM3 | the same, and PS256 (feature `ps256`) |
//! | `kid` | protected, 8 bytes | either bucket, any length, or absent; reported, not checked |
//! | `typ` | required, fixed per artifact | not read |
//! | `crit` | refused | labels 1–6 (RFC 9052 §3.1) accepted; any other: `COSE_CRITICAL_HEADER` |
//! | external AAD | empty | empty, or given by the caller ([`CoseOptions`]) |
//! | signer | a certificate chained to a trusted root | the certificate the caller gives: only its key is used |
//! | size | 8 KiB | [`MAX_COSE_LEN`] (64 KiB) |
//!
//! # Header rules (RFC 9052 §3)
//!
//! * Header labels are integers or text; a label in both buckets is refused
//!   (RFC 9052 §3 says applications SHOULD check this, since it makes the
//!   message ambiguous), with `COSE_MALFORMED`.
//! * `alg` (1) must be in the protected bucket. RFC 9052 §3.1 says `alg`
//!   MUST be authenticated where the ability to do so exists, either in the
//!   protected bucket or through externally supplied data; a verifier that
//!   takes an `alg` it cannot authenticate lets whoever altered the message
//!   pick the algorithm, so an `alg` found only in the unprotected bucket is
//!   `COSE_ALG_UNPROTECTED`, and none at all `COSE_ALG_MISSING`.
//! * `crit` (2), per RFC 9052 §3.1: it MUST be in the protected bucket (else
//!   `COSE_MALFORMED`) and be a non-empty array of labels (else
//!   `COSE_MALFORMED`); each label must be understood. This verifier
//!   understands the parameters RFC 9052 itself defines (labels 1 to 6),
//!   which §3.1 says need not be listed; any other label, among them
//!   counter signatures (7), which are not verified here, and `typ` (16),
//!   which is not read here, is `COSE_CRITICAL_HEADER`.
//! * `kid` (4) must be a byte string wherever it is; it is reported with the
//!   bucket it came from. It is never needed: the caller gives the key.
//! * The header `alg` must be the algorithm of the certificate's key (no
//!   key confusion, [`crate::alg::verify_as`]): ES256 is ECDSA on P-256
//!   (as JOSE, RFC 7518 §3.4, and the EU DCC fix it, and RFC 9053 §2.1
//!   recommends), PS256 needs an RSA key of 2048 to 4096 bits (RFC 8230
//!   §6.1: at least 2048), EdDSA an Ed25519 key, SM2-SM3 an SM2 key.
//!   Another key is `ALG_KEY_MISMATCH` — except an Ed448 key under EdDSA,
//!   which RFC 9053 §2.2 allows and this crate does not implement:
//!   `COSE_ALG_UNSUPPORTED`.
//!
//! # Decoding
//!
//! Strict and bounded, in a fixed order before any signature work: size
//! ([`MAX_COSE_LEN`]) → strict CBOR (docs/FORMAT.md §1, with [`COSE_LIMITS`]:
//! no duplicate map keys, no indefinite lengths, no trailing bytes, no
//! floating-point or `undefined` values, depth 16) → tag → the four-item
//! array → the protected header (the same strict CBOR) → labels → `crit` →
//! `alg` → `kid`. A detached payload (`nil`) is refused
//! ([`CoseError::DetachedPayload`]): the payload must be attached.
//!
//! # Input forms
//!
//! [`read_input`] takes what a file or a scanner gives and tells the form
//! by its first bytes: `HC1:` (EU DCC: Base45 of zlib of COSE, at most
//! [`crate::envelope::MAX_QR_TEXT_LEN`] characters, inflated to at most
//! [`MAX_COSE_LEN`]), `EL2:` (this crate's licence QR text, decoded exactly
//! as docs/FORMAT.md §2 says; `EL1:`, the first format, is refused there),
//! hex text (digits and white space only), or else binary COSE.
//!
//! # PS256
//!
//! With the `ps256` feature (on by default), PS256 (COSE -37: RSASSA-PSS
//! with SHA-256, MGF1 with SHA-256 and a 32-byte salt, RFC 8230 §2) is
//! verified through RustCrypto's `rsa` crate — on this path only: licences,
//! lists and certificates of this profile never accept RSA. Only public-key
//! operations are performed, so RUSTSEC-2023-0071 (a timing side channel in
//! private-key operations) does not apply. Without the feature, PS256 is
//! `COSE_ALG_UNSUPPORTED`.

use ciborium::Value;
#[cfg(feature = "ps256")]
use sha2::Sha256;
use thiserror::Error;

use crate::alg::{Algorithm, KeyError, PublicKey, SignatureError};
use crate::base45::Base45Error;
use crate::cbor::{self, CborError, Limits};
use crate::envelope::{self, EnvelopeError};
use crate::ReasonCode;

/// Largest COSE_Sign1 accepted, in bytes (64 KiB), before or after
/// inflation.
pub const MAX_COSE_LEN: usize = 64 * 1024;

/// Largest input [`read_input`] accepts, in bytes: hex text of a
/// [`MAX_COSE_LEN`] message with a line end every two digits.
pub const MAX_INPUT_LEN: usize = 4 * MAX_COSE_LEN;

/// Largest certificate accepted, in bytes (DER).
pub const MAX_CERT_LEN: usize = crate::pki::MAX_CERT_LEN;

/// CBOR limits of the message and of its protected header: depth 16,
/// strings up to [`MAX_COSE_LEN`], 1024 entries per array or map.
pub const COSE_LIMITS: Limits = Limits {
    max_depth: 16,
    max_len: MAX_COSE_LEN,
    max_entries: 1024,
    max_input: MAX_COSE_LEN,
};

/// The prefix of EU Digital COVID Certificate QR text.
pub const DCC_PREFIX: &str = "HC1:";

/// CBOR tag of COSE_Sign1 (RFC 9052 §4.2).
pub const TAG_COSE_SIGN1: u64 = 18;
/// CBOR tag of a CWT (RFC 8392 §6), accepted around tag 18.
pub const TAG_CWT: u64 = 61;

/// The COSE `alg` of PS256 (RFC 8230 §2).
pub const COSE_ALG_PS256: i64 = -37;

/// Header labels RFC 9052 defines (§3.1): `alg`, `crit`, `content type`,
/// `kid`, `IV`, `Partial IV`. A `crit` listing only these is accepted.
pub const UNDERSTOOD_CRITICAL_LABELS: [i64; 6] = [1, 2, 3, 4, 5, 6];

/// RSA moduli accepted for PS256, in bits: RFC 8230 §6.1 requires at
/// least 2048; 4096 bounds the work a hostile certificate can ask for.
pub const RSA_BITS: core::ops::RangeInclusive<usize> = 2048..=4096;

/// A signature algorithm this verifier accepts in a foreign COSE_Sign1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CoseAlgorithm {
    /// One of this profile's algorithms (EdDSA, ES256, SM2-SM3), verified
    /// with its strict rule ([`crate::alg`]).
    Profile(Algorithm),
    /// PS256: RSASSA-PSS with SHA-256, MGF1-SHA-256, 32-byte salt (COSE
    /// -37, RFC 8230). Produced only with the `ps256` feature.
    Ps256,
}

impl CoseAlgorithm {
    /// The algorithm with this COSE identifier, if this verifier accepts it.
    pub fn from_cose_id(id: i64) -> Option<Self> {
        if id == COSE_ALG_PS256 {
            return cfg!(feature = "ps256").then_some(CoseAlgorithm::Ps256);
        }
        Algorithm::from_cose_id(id).map(CoseAlgorithm::Profile)
    }

    /// The COSE `alg` value.
    pub fn cose_id(self) -> i64 {
        match self {
            CoseAlgorithm::Profile(a) => a.cose_id(),
            CoseAlgorithm::Ps256 => COSE_ALG_PS256,
        }
    }

    /// Its name: `EdDSA`, `ES256`, `SM2-SM3`, `PS256`.
    pub fn name(self) -> &'static str {
        match self {
            CoseAlgorithm::Profile(a) => a.name(),
            CoseAlgorithm::Ps256 => "PS256",
        }
    }
}

/// Serialized as its name ([`CoseAlgorithm::name`]).
impl serde::Serialize for CoseAlgorithm {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl core::fmt::Display for CoseAlgorithm {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

/// The name of a registered COSE signature algorithm this verifier does
/// not accept, for messages.
fn unsupported_alg_name(id: i64) -> Option<&'static str> {
    Some(match id {
        -35 => "ES384",
        -36 => "ES512",
        -37 => "PS256",
        -38 => "PS384",
        -39 => "PS512",
        -47 => "ES256K",
        -257 => "RS256",
        -258 => "RS384",
        -259 => "RS512",
        -65535 => "RS1",
        _ => return None,
    })
}

/// Why a foreign COSE_Sign1 (or its certificate, or its input form) was
/// refused. Each maps to one [`ReasonCode`].
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CoseError {
    /// The input is longer than the limit.
    #[error("the input is {len} bytes long, over the limit of {limit}")]
    TooLarge {
        /// Length seen.
        len: usize,
        /// The limit.
        limit: usize,
    },
    /// The input holds nothing (or only white space).
    #[error("the input is empty")]
    Empty,
    /// Hex text with an odd number of digits.
    #[error("the hex text has an odd number of digits ({0})")]
    HexOddLength(usize),
    /// `HC1:` or `EL2:` QR text that does not decode (or `EL1:` text): Base45,
    /// compression, size, or a first byte that names no known form.
    #[error("{0}")]
    QrText(EnvelopeError),
    /// Strict CBOR decoding failed.
    #[error("{0}")]
    Cbor(#[from] CborError),
    /// Tagged with another tag than COSE_Sign1 (18), or CWT (61) around it.
    #[error("the message is tagged {0}, not COSE_Sign1 (18)")]
    WrongTag(u64),
    /// Not a COSE_Sign1.
    #[error("not a COSE_Sign1: {0}")]
    Malformed(String),
    /// The payload is `nil`: detached payloads are not accepted.
    #[error("the payload is detached (nil); only messages carrying their payload are verified")]
    DetachedPayload,
    /// No `alg` in either bucket.
    #[error("the protected header has no alg")]
    AlgMissing,
    /// `alg` only in the unprotected bucket.
    #[error(
        "alg is only in the unprotected header, where it is not authenticated (RFC 9052 §3.1)"
    )]
    AlgUnprotected,
    /// An algorithm this verifier does not accept, as found (its name when
    /// registered), or EdDSA with an Ed448 key.
    #[error("the algorithm {0} is not supported")]
    AlgUnsupported(String),
    /// `crit` lists a label this verifier does not understand.
    #[error("the protected header marks {0} as critical, which this verifier does not understand")]
    Critical(String),
    /// The certificate is not DER or PEM X.509, or too large.
    #[error("the certificate cannot be read: {0}")]
    Certificate(String),
    /// The certificate's (or given) public key cannot be used.
    #[error("{0}")]
    Key(#[from] KeyError),
    /// An RSA key that cannot be used for PS256: not an RSA public key, a
    /// modulus outside [`RSA_BITS`], a public exponent out of range.
    #[error("the RSA key cannot be used: {0}")]
    RsaKey(String),
    /// The header's `alg` is not the algorithm of the key.
    #[error("the header's alg is {header}, but the key is {key}")]
    AlgKeyMismatch {
        /// The protected header's algorithm.
        header: CoseAlgorithm,
        /// The key, in words (`P-384`, `RSA 2048 bits`, `Ed25519`).
        key: String,
    },
    /// An RSA signature whose length is not the modulus length.
    #[error("the signature is {len} bytes long; the key's signatures are {expected}")]
    SignatureLength {
        /// Length seen.
        len: usize,
        /// The length of the key's signatures.
        expected: usize,
    },
    /// The signature does not verify, or breaks the algorithm's strict rule.
    #[error("{0}")]
    Signature(#[from] SignatureError),
}

impl CoseError {
    /// The stable reason code for this error.
    pub fn reason(&self) -> ReasonCode {
        match self {
            CoseError::TooLarge { .. } => ReasonCode::InputTooLarge,
            CoseError::Empty => ReasonCode::CborMalformed,
            CoseError::HexOddLength(_) => ReasonCode::HexInvalidLength,
            CoseError::QrText(e) => e.reason(),
            CoseError::Cbor(e) => e.reason(),
            CoseError::WrongTag(_) | CoseError::Malformed(_) | CoseError::DetachedPayload => {
                ReasonCode::CoseMalformed
            }
            CoseError::AlgMissing => ReasonCode::CoseAlgMissing,
            CoseError::AlgUnprotected => ReasonCode::CoseAlgUnprotected,
            CoseError::AlgUnsupported(_) => ReasonCode::CoseAlgUnsupported,
            CoseError::Critical(_) => ReasonCode::CoseCriticalHeader,
            CoseError::Certificate(_) => ReasonCode::CertMalformed,
            CoseError::Key(e) => e.reason(),
            CoseError::RsaKey(_) => ReasonCode::KeyInvalid,
            CoseError::AlgKeyMismatch { .. } => ReasonCode::AlgKeyMismatch,
            CoseError::SignatureLength { .. } => ReasonCode::SignatureInvalid,
            CoseError::Signature(e) => e.reason(),
        }
    }
}

impl From<EnvelopeError> for CoseError {
    fn from(e: EnvelopeError) -> Self {
        CoseError::QrText(e)
    }
}

impl From<Base45Error> for CoseError {
    fn from(e: Base45Error) -> Self {
        CoseError::QrText(EnvelopeError::Base45(e))
    }
}

// ---------------------------------------------------------------------------
// Keys and certificates

/// A public key to verify foreign COSE with: one of this profile's
/// algorithms, an RSA key (feature `ps256`), or a key of another kind,
/// kept (with its name) so that a message naming a supported algorithm is
/// refused for the right reason.
#[derive(Clone, Debug)]
pub struct VerificationKey {
    kind: KeyKind,
}

#[derive(Clone, Debug)]
enum KeyKind {
    Profile(PublicKey),
    #[cfg(feature = "ps256")]
    Rsa(Box<RsaKey>),
    Other {
        /// The SubjectPublicKeyInfo algorithm OID.
        oid: String,
        /// The key in words.
        name: String,
    },
}

/// An RSA verifying key for PS256.
#[cfg(feature = "ps256")]
#[derive(Clone, Debug)]
struct RsaKey {
    verifying: rsa::pss::VerifyingKey<Sha256>,
    bits: usize,
    len: usize,
}

const OID_RSA_ENCRYPTION: &str = "1.2.840.113549.1.1.1";
const OID_ED448: &str = "1.3.101.113";

impl VerificationKey {
    /// Reads a DER SubjectPublicKeyInfo. Ed25519, SM2 and P-256 keys go
    /// through [`PublicKey::from_spki_der`] (bad points, weak keys:
    /// [`CoseError::Key`]); an `rsaEncryption` key (feature `ps256`) must
    /// have 2048 to 4096 bits ([`RSA_BITS`]); a key of any other algorithm
    /// is kept, named, and refuses every message.
    pub fn from_spki_der(der: &[u8]) -> Result<Self, CoseError> {
        match PublicKey::from_spki_der(der) {
            Ok(key) => Ok(VerificationKey {
                kind: KeyKind::Profile(key),
            }),
            Err(KeyError::UnsupportedAlgorithm { found }) => {
                let oid = spki_algorithm_oid(der)?;
                #[cfg(feature = "ps256")]
                if oid == OID_RSA_ENCRYPTION {
                    return Ok(VerificationKey {
                        kind: KeyKind::Rsa(Box::new(rsa_key(der)?)),
                    });
                }
                let name = if oid == OID_RSA_ENCRYPTION {
                    "an RSA key".to_owned()
                } else {
                    found
                };
                Ok(VerificationKey {
                    kind: KeyKind::Other { oid, name },
                })
            }
            Err(e) => Err(CoseError::Key(e)),
        }
    }

    /// The key in words: `Ed25519`, `SM2`, `P-256`, `RSA 2048 bits`, or the
    /// algorithm of another key (`id-ecPublicKey (P-384)`, `Ed448`).
    pub fn description(&self) -> String {
        match &self.kind {
            KeyKind::Profile(k) => k.algorithm().spec().key_type.to_owned(),
            #[cfg(feature = "ps256")]
            KeyKind::Rsa(k) => format!("RSA {} bits", k.bits),
            KeyKind::Other { name, .. } => name.clone(),
        }
    }

    /// The key as this profile's [`PublicKey`], when it is one.
    pub fn profile_key(&self) -> Option<&PublicKey> {
        match &self.kind {
            KeyKind::Profile(k) => Some(k),
            _ => None,
        }
    }

    /// The algorithm this key verifies, if this verifier can use it.
    pub fn algorithm(&self) -> Option<CoseAlgorithm> {
        match &self.kind {
            KeyKind::Profile(k) => Some(CoseAlgorithm::Profile(k.algorithm())),
            #[cfg(feature = "ps256")]
            KeyKind::Rsa(_) => Some(CoseAlgorithm::Ps256),
            KeyKind::Other { .. } => None,
        }
    }
}

impl From<PublicKey> for VerificationKey {
    fn from(key: PublicKey) -> Self {
        VerificationKey {
            kind: KeyKind::Profile(key),
        }
    }
}

/// The algorithm OID of a SubjectPublicKeyInfo.
fn spki_algorithm_oid(der: &[u8]) -> Result<String, CoseError> {
    use sm2::pkcs8::spki::SubjectPublicKeyInfoRef;
    let spki = SubjectPublicKeyInfoRef::try_from(der).map_err(|e| {
        CoseError::Key(KeyError::BadPublicKey(format!(
            "not a SubjectPublicKeyInfo: {e}"
        )))
    })?;
    Ok(spki.algorithm.oid.to_string())
}

#[cfg(feature = "ps256")]
fn rsa_key(der: &[u8]) -> Result<RsaKey, CoseError> {
    use rsa::pkcs8::DecodePublicKey;
    use rsa::traits::PublicKeyParts;
    let bad = CoseError::RsaKey;
    // `from_public_key_der` refuses, before any arithmetic, moduli over 4096
    // bits, even moduli, even exponents and exponents outside [2, 2^33 - 1]
    // (so an exponent is odd and at least 3, as RFC 8017 §3.1 requires).
    let key = rsa::RsaPublicKey::from_public_key_der(der)
        .map_err(|e| bad(format!("not an RSA public key: {e}")))?;
    let bits = key.n().bits();
    if !RSA_BITS.contains(&bits) {
        return Err(bad(format!(
            "the RSA key has {bits} bits; PS256 needs {} to {} (RFC 8230 §6.1)",
            RSA_BITS.start(),
            RSA_BITS.end()
        )));
    }
    let len = key.size();
    Ok(RsaKey {
        verifying: rsa::pss::VerifyingKey::new(key),
        bits,
        len,
    })
}

/// The certificate a foreign COSE_Sign1 is verified against: any X.509
/// profile (a DCC document signer, one of this crate's authorities). Only
/// its SubjectPublicKeyInfo is used; its names and validity are kept for
/// display, and nothing else is checked (no chain, no dates, no usage):
/// trusting the certificate is the caller's decision.
#[derive(Clone, Debug)]
pub struct SignerCertificate {
    der: Vec<u8>,
    key: VerificationKey,
    subject: String,
    issuer: String,
    serial: String,
    not_before: i64,
    not_after: i64,
}

impl SignerCertificate {
    /// Reads a DER certificate (at most [`MAX_CERT_LEN`] bytes, nothing
    /// after it).
    pub fn from_der(der: &[u8]) -> Result<Self, CoseError> {
        use x509_parser::prelude::{FromDer, X509Certificate};
        if der.len() > MAX_CERT_LEN {
            return Err(CoseError::Certificate(format!(
                "{} bytes, over the limit of {MAX_CERT_LEN}",
                der.len()
            )));
        }
        let (rest, x509) = X509Certificate::from_der(der)
            .map_err(|e| CoseError::Certificate(format!("not DER X.509: {e}")))?;
        if !rest.is_empty() {
            return Err(CoseError::Certificate(
                "bytes follow the certificate".into(),
            ));
        }
        let key = VerificationKey::from_spki_der(x509.public_key().raw)?;
        let validity = x509.validity();
        Ok(SignerCertificate {
            der: der.to_vec(),
            key,
            subject: x509.subject().to_string(),
            issuer: x509.issuer().to_string(),
            serial: x509.raw_serial_as_string().replace(':', ""),
            not_before: validity.not_before.timestamp(),
            not_after: validity.not_after.timestamp(),
        })
    }

    /// Reads one PEM certificate (`CERTIFICATE`); a second one is refused.
    pub fn from_pem(text: &str) -> Result<Self, CoseError> {
        let mut found = None;
        for item in x509_parser::pem::Pem::iter_from_buffer(text.as_bytes()) {
            let item = item.map_err(|e| CoseError::Certificate(format!("bad PEM: {e}")))?;
            if item.label != "CERTIFICATE" {
                return Err(CoseError::Certificate(format!(
                    "the PEM block is labelled {:?}, not CERTIFICATE",
                    item.label
                )));
            }
            if found.is_some() {
                return Err(CoseError::Certificate(
                    "more than one certificate; give the signer's alone".into(),
                ));
            }
            found = Some(item.contents);
        }
        let der = found.ok_or_else(|| CoseError::Certificate("no PEM certificate".into()))?;
        Self::from_der(&der)
    }

    /// Reads a certificate file's bytes: PEM when it holds `-----BEGIN`,
    /// DER otherwise.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, CoseError> {
        if bytes.len() > 4 * MAX_CERT_LEN {
            return Err(CoseError::Certificate(format!(
                "{} bytes, over the limit of {}",
                bytes.len(),
                4 * MAX_CERT_LEN
            )));
        }
        if bytes.windows(11).any(|w| w == b"-----BEGIN ") {
            let text = core::str::from_utf8(bytes)
                .map_err(|_| CoseError::Certificate("PEM that is not UTF-8 text".into()))?;
            Self::from_pem(text)
        } else {
            Self::from_der(bytes)
        }
    }

    /// The DER bytes.
    pub fn der(&self) -> &[u8] {
        &self.der
    }
    /// The public key.
    pub fn key(&self) -> &VerificationKey {
        &self.key
    }
    /// The subject, as RFC 4514 text.
    pub fn subject(&self) -> &str {
        &self.subject
    }
    /// The issuer, as RFC 4514 text.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }
    /// The serial number, in hex.
    pub fn serial(&self) -> &str {
        &self.serial
    }
    /// Start of validity (Unix seconds), for display: not checked.
    pub fn not_before(&self) -> i64 {
        self.not_before
    }
    /// End of validity (Unix seconds), for display: not checked.
    pub fn not_after(&self) -> i64 {
        self.not_after
    }
    /// The first 8 bytes of SHA-256 over the DER: the `kid` the EU DCC and
    /// this crate's licences give their signer.
    pub fn sha256_kid(&self) -> [u8; 8] {
        envelope::kid_for_certificate(&self.der)
    }
}

// ---------------------------------------------------------------------------
// Input forms

/// The form a message was given in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum InputForm {
    /// Binary COSE.
    Binary,
    /// Hex text.
    Hex,
    /// `HC1:` QR text (EU Digital COVID Certificate).
    Hc1,
    /// `EL2:` QR text (this crate's licences, format version 2).
    El2,
}

impl InputForm {
    /// The form in words.
    pub fn name(self) -> &'static str {
        match self {
            InputForm::Binary => "binary COSE",
            InputForm::Hex => "hex",
            InputForm::Hc1 => "HC1: QR text",
            InputForm::El2 => "EL2: QR text",
        }
    }
}

/// Reads a message in any of the forms the [module documentation](self)
/// lists, telling them apart by their first bytes, and returns the form
/// and the COSE bytes (not yet decoded). QR text may end with line ends
/// (CR, LF), as files do; hex text may hold ASCII white space anywhere.
pub fn read_input(input: &[u8]) -> Result<(InputForm, Vec<u8>), CoseError> {
    if input.len() > MAX_INPUT_LEN {
        return Err(CoseError::TooLarge {
            len: input.len(),
            limit: MAX_INPUT_LEN,
        });
    }
    if input.starts_with(DCC_PREFIX.as_bytes())
        || input.starts_with(envelope::QR_PREFIX.as_bytes())
        || input.starts_with(envelope::QR_PREFIX_VERSION_1.as_bytes())
    {
        // Not UTF-8: a character outside the Base45 alphabet, where it starts.
        let text = core::str::from_utf8(input).map_err(|e| Base45Error::InvalidCharacter {
            position: e.valid_up_to(),
            character: char::REPLACEMENT_CHARACTER,
        })?;
        let text = envelope::trim_line_ends(text);
        return if input.starts_with(DCC_PREFIX.as_bytes()) {
            Ok((InputForm::Hc1, from_dcc_text(text)?))
        } else {
            Ok((InputForm::El2, envelope::from_qr_text(text)?))
        };
    }
    if input.iter().all(u8::is_ascii_whitespace) {
        return Err(CoseError::Empty);
    }
    match decode_hex(input) {
        Some(bytes) => Ok((InputForm::Hex, bytes?)),
        None => Ok((InputForm::Binary, input.to_vec())),
    }
}

/// Decodes EU DCC QR text: `HC1:` then Base45 (RFC 9285, strict) of zlib
/// of the COSE_Sign1, inflated to at most [`MAX_COSE_LEN`] bytes; an
/// uncompressed COSE_Sign1 (first byte 0xD2, 0xD8 or 0x84) is taken as is.
pub fn from_dcc_text(text: &str) -> Result<Vec<u8>, CoseError> {
    let limit = envelope::MAX_QR_TEXT_LEN;
    if text.len() > limit {
        return Err(CoseError::TooLarge {
            len: text.len(),
            limit,
        });
    }
    let body = text
        .strip_prefix(DCC_PREFIX)
        .ok_or(CoseError::QrText(EnvelopeError::QrPrefix))?;
    let bytes = crate::base45::decode(body)?;
    match bytes.first() {
        Some(0x78) => Ok(envelope::inflate_bounded(&bytes, MAX_COSE_LEN)?),
        Some(0xd2 | 0xd8 | 0x84) => Ok(bytes),
        Some(b) => Err(CoseError::QrText(EnvelopeError::UnknownEncoding(*b))),
        None => Err(CoseError::QrText(EnvelopeError::NoData)),
    }
}

/// Decodes hex text (digits and ASCII white space anywhere), or `None`
/// when `text` holds anything else.
fn decode_hex(text: &[u8]) -> Option<Result<Vec<u8>, CoseError>> {
    let digits: Vec<u8> = text
        .iter()
        .filter(|b| !b.is_ascii_whitespace())
        .map(|&b| char::from(b).to_digit(16).map(|d| d as u8))
        .collect::<Option<_>>()?;
    Some(hex_digits_to_bytes(&digits))
}

fn hex_digits_to_bytes(digits: &[u8]) -> Result<Vec<u8>, CoseError> {
    if digits.len() % 2 != 0 {
        return Err(CoseError::HexOddLength(digits.len()));
    }
    let bytes: Vec<u8> = digits.chunks(2).map(|p| (p[0] << 4) | p[1]).collect();
    if bytes.len() > MAX_COSE_LEN {
        return Err(CoseError::TooLarge {
            len: bytes.len(),
            limit: MAX_COSE_LEN,
        });
    }
    Ok(bytes)
}

// ---------------------------------------------------------------------------
// The message

/// A key identifier and the header bucket it came from.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Kid {
    /// The identifier's bytes.
    #[serde(serialize_with = "serialize_hex")]
    pub bytes: Vec<u8>,
    /// Whether it is in the protected bucket (signed) or not.
    pub protected: bool,
}

fn serialize_hex<S: serde::Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&hex(bytes))
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    out
}

/// How the message was tagged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Tagging {
    /// A bare array (RFC 9052 §2: the application knows the type).
    Untagged,
    /// Tag 18.
    Tagged,
    /// Tag 61 (CWT, RFC 8392 §6) around tag 18.
    CwtTagged,
}

/// A strictly decoded foreign COSE_Sign1 whose signature has not been
/// checked yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CoseSign1 {
    protected: Vec<u8>,
    algorithm: CoseAlgorithm,
    kid: Option<Kid>,
    tagging: Tagging,
    payload: Vec<u8>,
    signature: Vec<u8>,
}

/// Options of [`CoseSign1::verify`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CoseOptions {
    /// The externally supplied data (RFC 9052 §4.3) the signer bound the
    /// message to; empty by default.
    pub external_aad: Vec<u8>,
}

impl CoseOptions {
    /// Options with this external AAD.
    pub fn with_external_aad(aad: impl Into<Vec<u8>>) -> Self {
        CoseOptions {
            external_aad: aad.into(),
        }
    }
}

/// A foreign COSE_Sign1 whose signature verified.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct Verified {
    /// The algorithm that verified it.
    pub algorithm: CoseAlgorithm,
    /// The key identifier, if the message has one (never checked).
    pub kid: Option<Kid>,
    /// How the message was tagged.
    pub tagging: Tagging,
    /// The payload: authentic now, its content is the caller's to decode.
    #[serde(skip)]
    pub payload: Vec<u8>,
}

/// A header label: an integer or text (RFC 9052 §3).
#[derive(Clone, Debug, PartialEq, Eq)]
enum Label {
    Int(i128),
    Text(String),
}

impl core::fmt::Display for Label {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Label::Int(i) => write!(f, "label {i}"),
            Label::Text(t) => write!(f, "label {t:?}"),
        }
    }
}

fn labels(map: &[(Value, Value)], bucket: &str) -> Result<Vec<Label>, CoseError> {
    map.iter()
        .map(|(k, _)| match k {
            Value::Integer(i) => Ok(Label::Int(i128::from(*i))),
            Value::Text(t) => Ok(Label::Text(t.clone())),
            _ => Err(CoseError::Malformed(format!(
                "a label of the {bucket} header is neither an integer nor text"
            ))),
        })
        .collect()
}

fn find(map: &[(Value, Value)], label: i64) -> Option<&Value> {
    map.iter()
        .find(|(k, _)| matches!(k, Value::Integer(i) if i128::from(*i) == i128::from(label)))
        .map(|(_, v)| v)
}

impl CoseSign1 {
    /// Decodes `bytes` strictly, as the [module documentation](self) says.
    pub fn decode(bytes: &[u8]) -> Result<Self, CoseError> {
        if bytes.len() > MAX_COSE_LEN {
            return Err(CoseError::TooLarge {
                len: bytes.len(),
                limit: MAX_COSE_LEN,
            });
        }
        let (tagging, items) = match cbor::decode(bytes, &COSE_LIMITS)? {
            Value::Array(items) => (Tagging::Untagged, items),
            Value::Tag(TAG_COSE_SIGN1, inner) => match *inner {
                Value::Array(items) => (Tagging::Tagged, items),
                _ => return Err(malformed("tag 18 does not hold an array")),
            },
            Value::Tag(TAG_CWT, inner) => match *inner {
                Value::Tag(TAG_COSE_SIGN1, inner) => match *inner {
                    Value::Array(items) => (Tagging::CwtTagged, items),
                    _ => return Err(malformed("tag 18 does not hold an array")),
                },
                Value::Tag(other, _) => return Err(CoseError::WrongTag(other)),
                _ => {
                    return Err(malformed(
                        "the CWT tag (61) does not hold a tagged COSE_Sign1",
                    ))
                }
            },
            Value::Tag(other, _) => return Err(CoseError::WrongTag(other)),
            _ => return Err(malformed("not an array")),
        };
        let [protected, unprotected, payload, signature]: [Value; 4] = items
            .try_into()
            .map_err(|_| malformed("the array does not have four items"))?;
        let Value::Bytes(protected) = protected else {
            return Err(malformed("the protected header is not a byte string"));
        };
        let Value::Map(unprotected) = unprotected else {
            return Err(malformed("the unprotected header is not a map"));
        };
        let payload = match payload {
            Value::Bytes(p) => p,
            Value::Null => return Err(CoseError::DetachedPayload),
            _ => return Err(malformed("the payload is not a byte string")),
        };
        let Value::Bytes(signature) = signature else {
            return Err(malformed("the signature is not a byte string"));
        };
        // An empty byte string stands for an empty map (RFC 9052 §3).
        let header = if protected.is_empty() {
            Vec::new()
        } else {
            match cbor::decode(&protected, &COSE_LIMITS)? {
                Value::Map(m) => m,
                _ => return Err(malformed("the protected header is not a map")),
            }
        };

        let protected_labels = labels(&header, "protected")?;
        let unprotected_labels = labels(&unprotected, "unprotected")?;
        if let Some(l) = protected_labels
            .iter()
            .find(|l| unprotected_labels.contains(l))
        {
            return Err(CoseError::Malformed(format!(
                "{l} is in both the protected and the unprotected header"
            )));
        }

        if find(&unprotected, envelope::HEADER_CRIT).is_some() {
            return Err(malformed(
                "crit is in the unprotected header (RFC 9052 §3.1: protected only)",
            ));
        }
        if let Some(crit) = find(&header, envelope::HEADER_CRIT) {
            check_critical(crit)?;
        }

        let algorithm = match (
            find(&header, envelope::HEADER_ALG),
            find(&unprotected, envelope::HEADER_ALG),
        ) {
            (None, Some(_)) => return Err(CoseError::AlgUnprotected),
            (None, None) => return Err(CoseError::AlgMissing),
            (Some(Value::Integer(i)), _) => {
                let id = i128::from(*i);
                i64::try_from(id)
                    .ok()
                    .and_then(CoseAlgorithm::from_cose_id)
                    .ok_or_else(|| {
                        CoseError::AlgUnsupported(
                            match i64::try_from(id).ok().and_then(unsupported_alg_name) {
                                Some(name) => format!("{name} ({id})"),
                                None => id.to_string(),
                            },
                        )
                    })?
            }
            (Some(Value::Text(t)), _) => return Err(CoseError::AlgUnsupported(format!("{t:?}"))),
            (Some(_), _) => return Err(malformed("alg is neither an integer nor text")),
        };

        let kid = match (
            find(&header, envelope::HEADER_KID),
            find(&unprotected, envelope::HEADER_KID),
        ) {
            (Some(Value::Bytes(k)), _) => Some(Kid {
                bytes: k.clone(),
                protected: true,
            }),
            (None, Some(Value::Bytes(k))) => Some(Kid {
                bytes: k.clone(),
                protected: false,
            }),
            (None, None) => None,
            _ => return Err(malformed("kid is not a byte string")),
        };

        Ok(CoseSign1 {
            protected,
            algorithm,
            kid,
            tagging,
            payload,
            signature,
        })
    }

    /// The algorithm of the protected header.
    pub fn algorithm(&self) -> CoseAlgorithm {
        self.algorithm
    }
    /// The key identifier, if any, and its bucket.
    pub fn kid(&self) -> Option<&Kid> {
        self.kid.as_ref()
    }
    /// How the message was tagged.
    pub fn tagging(&self) -> Tagging {
        self.tagging
    }
    /// The payload. Not trustworthy until [`CoseSign1::verify`] succeeds.
    pub fn payload(&self) -> &[u8] {
        &self.payload
    }
    /// The signature bytes.
    pub fn signature(&self) -> &[u8] {
        &self.signature
    }
    /// The serialized protected header, as received.
    pub fn protected_bytes(&self) -> &[u8] {
        &self.protected
    }

    /// The bytes that were signed: `Sig_structure = ["Signature1",
    /// protected, external_aad, payload]` (RFC 9052 §4.4).
    pub fn to_be_signed(&self, external_aad: &[u8]) -> Vec<u8> {
        let mut out =
            Vec::with_capacity(self.protected.len() + external_aad.len() + self.payload.len() + 32);
        out.push(0x84);
        out.push(0x6a);
        out.extend_from_slice(b"Signature1");
        for bstr in [&self.protected[..], external_aad, &self.payload] {
            envelope::write_head(&mut out, 2, bstr.len() as u64);
            out.extend_from_slice(bstr);
        }
        out
    }

    /// Verifies the signature under `key`, after checking that the
    /// header's `alg` is the key's algorithm (`ALG_KEY_MISMATCH`; an
    /// Ed448 key under EdDSA: `COSE_ALG_UNSUPPORTED`).
    pub fn verify(
        self,
        key: &VerificationKey,
        options: &CoseOptions,
    ) -> Result<Verified, CoseError> {
        let message = self.to_be_signed(&options.external_aad);
        match (&key.kind, self.algorithm) {
            (KeyKind::Profile(k), CoseAlgorithm::Profile(a)) if k.algorithm() == a => {
                crate::alg::verify_as(a, k, &message, &self.signature)?;
            }
            #[cfg(feature = "ps256")]
            (KeyKind::Rsa(k), CoseAlgorithm::Ps256) => ps256_verify(k, &message, &self.signature)?,
            (KeyKind::Other { oid, name }, CoseAlgorithm::Profile(Algorithm::EdDsa))
                if oid == OID_ED448 =>
            {
                return Err(CoseError::AlgUnsupported(format!(
                    "EdDSA with an {name} key"
                )))
            }
            _ => {
                return Err(CoseError::AlgKeyMismatch {
                    header: self.algorithm,
                    key: key.description(),
                })
            }
        }
        Ok(Verified {
            algorithm: self.algorithm,
            kid: self.kid,
            tagging: self.tagging,
            payload: self.payload,
        })
    }
}

fn malformed(what: &str) -> CoseError {
    CoseError::Malformed(what.to_owned())
}

/// Checks a protected `crit` value: a non-empty array of labels, each
/// understood ([`UNDERSTOOD_CRITICAL_LABELS`]).
fn check_critical(crit: &Value) -> Result<(), CoseError> {
    let Value::Array(items) = crit else {
        return Err(malformed("crit is not an array"));
    };
    if items.is_empty() {
        return Err(malformed(
            "crit is empty (RFC 9052 §3.1: at least one label)",
        ));
    }
    for item in items {
        match item {
            Value::Integer(i) => {
                let label = i128::from(*i);
                if !UNDERSTOOD_CRITICAL_LABELS
                    .iter()
                    .any(|&u| i128::from(u) == label)
                {
                    return Err(CoseError::Critical(Label::Int(label).to_string()));
                }
            }
            Value::Text(t) => return Err(CoseError::Critical(Label::Text(t.clone()).to_string())),
            _ => return Err(malformed("a label in crit is neither an integer nor text")),
        }
    }
    Ok(())
}

#[cfg(feature = "ps256")]
fn ps256_verify(key: &RsaKey, message: &[u8], signature: &[u8]) -> Result<(), CoseError> {
    use rsa::signature::Verifier as _;
    if signature.len() != key.len {
        return Err(CoseError::SignatureLength {
            len: signature.len(),
            expected: key.len,
        });
    }
    let sig = rsa::pss::Signature::try_from(signature)
        .map_err(|_| CoseError::Signature(SignatureError::Invalid))?;
    key.verifying
        .verify(message, &sig)
        .map_err(|_| CoseError::Signature(SignatureError::Invalid))
}

/// Decodes and verifies a binary COSE_Sign1 under `key`.
pub fn verify(
    cose: &[u8],
    key: &VerificationKey,
    options: &CoseOptions,
) -> Result<Verified, CoseError> {
    CoseSign1::decode(cose)?.verify(key, options)
}

/// Reads a message in any form ([`read_input`]), decodes and verifies it
/// under `certificate`'s key. Returns the form with the result.
pub fn verify_input(
    input: &[u8],
    certificate: &SignerCertificate,
    options: &CoseOptions,
) -> Result<(InputForm, Verified), CoseError> {
    let (form, cose) = read_input(input)?;
    Ok((form, verify(&cose, certificate.key(), options)?))
}

#[cfg(test)]
mod tests;
