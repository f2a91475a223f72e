//! The signed envelope: tagged COSE_Sign1 and the `EL2:` QR text.
//!
//! Every signed artifact is a tagged COSE_Sign1 (RFC 9052, tag 18) whose
//! protected header holds `alg` (1), `kid` (4) and `typ` (16, RFC 9596).
//! Each kind of artifact has its own `typ` (a licence's is the integer
//! content format [`LICENCE_CONTENT_FORMAT`], the others' media types), and
//! a verifier refuses any other; `alg` and `kid` are read only from the protected header
//! (docs/FORMAT.md §3). `alg` is one of the algorithm table's
//! ([`crate::alg`]): EdDSA -8, ES256 -7, SM2-SM3
//! [`crate::alg::COSE_ALG_SM2_SM3`].
//!
//! ```cddl
//! COSE_Sign1_Tagged = #6.18([
//!     protected   : bstr .cbor { 1 => -8 / -7 / -65601, 4 => bstr .size 8, 16 => uint / tstr },
//!     unprotected : {},            ; ignored, never trusted
//!     payload     : bstr,          ; never nil (no detached payloads)
//!     signature   : bstr .size 64,
//! ])
//! ```
//!
//! The envelope is parsed here over ciborium values rather than with coset's
//! parser: coset refuses some hostile inputs (duplicate header labels,
//! unassigned algorithm numbers) before we can name them, and every refusal
//! must carry its own reason code. coset is used in the tests as an
//! independent implementation to cross-check what we produce.
//!
//! Decoding is strict and happens in a fixed order, before any signature
//! work: size limit → CBOR well-formedness (no duplicate keys, no indefinite
//! lengths, no trailing bytes, bounded depth; see `docs/FORMAT.md` §1) → tag 18 →
//! COSE_Sign1 shape → protected header rules → `typ`.
//!
//! The QR text (docs/FORMAT.md §2) is `EL2:` followed by the Base45
//! encoding of a payload: either the raw COSE bytes (first byte 0xD2, tag
//! 18) or the byte 0x01 and the raw DEFLATE of the COSE bytes over the
//! preset dictionary version 1 (`data/dictionary/el-dict-1.bin`), whichever
//! is shorter. Bytes 0x02–0x1F name dictionaries this build does not have
//! (`DICTIONARY_UNKNOWN`); `EL1:`, the first format, is refused
//! (`QR_VERSION_UNSUPPORTED`). Inflation stops at [`MAX_COSE_LEN`] bytes of
//! output, so a zip bomb is refused, not expanded.

use ciborium::Value;
use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::alg::{Algorithm, PublicKey, SignatureError};
use crate::base45;
pub use crate::base45::Base45Error;
pub use crate::cbor::CborError;
use crate::cbor::{self, Limits};

use crate::ReasonCode;

/// The prefix of every licence QR text: format version 2.
pub const QR_PREFIX: &str = "EL2:";
/// The prefix of format version 1, refused with `QR_VERSION_UNSUPPORTED`.
pub const QR_PREFIX_VERSION_1: &str = "EL1:";
/// The first payload byte of an uncompressed COSE_Sign1 (CBOR tag 18).
pub const PAYLOAD_RAW: u8 = 0xd2;
/// The first payload byte of raw DEFLATE over the preset dictionary version 1.
pub const PAYLOAD_DICTIONARY_1: u8 = 0x01;
/// First payload bytes that name a preset dictionary by its version, 1 to
/// 31; this build has version 1 only, and refuses the others with
/// `DICTIONARY_UNKNOWN`.
pub const PAYLOAD_DICTIONARIES: core::ops::RangeInclusive<u8> = 0x01..=0x1f;
/// The preset dictionary version 1 (`data/dictionary/el-dict-1.bin`,
/// docs/FORMAT.md §9.2): the history a payload of first byte
/// [`PAYLOAD_DICTIONARY_1`] is inflated over.
pub const DICTIONARY_1: &[u8] = crate::deflate::DICTIONARY_1;
/// Longest QR text accepted: the alphanumeric capacity of a version 40 QR code.
pub const MAX_QR_TEXT_LEN: usize = 4296;
/// Largest licence COSE_Sign1 accepted, before or after inflation.
pub const MAX_COSE_LEN: usize = 8192;
/// Largest trust list or status list COSE_Sign1 accepted: 8 MiB.
pub const MAX_LIST_LEN: usize = 8 << 20;
/// Largest seal COSE_Sign1 accepted: 320 KiB (a picture of up to 256 KiB
/// and the seal's other fields; docs/FORMAT.md §17).
pub const MAX_SEAL_LEN: usize = 320 << 10;
/// Largest sealed-signature COSE_Sign1 accepted: a seal, a certificate and
/// the signature's other fields (docs/FORMAT.md §18).
pub const MAX_SEALED_SIGNATURE_LEN: usize = MAX_SEAL_LEN + (32 << 10);
/// The COSE header label of `alg`.
pub const HEADER_ALG: i64 = 1;
/// The COSE header label of `crit`.
pub const HEADER_CRIT: i64 = 2;
/// The COSE header label of `kid`.
pub const HEADER_KID: i64 = 4;
/// The COSE header label of `typ` (RFC 9596).
pub const HEADER_TYP: i64 = 16;

/// CBOR limits for envelopes: [`MAX_COSE_LEN`] bytes, depth 16, 4096 entries or bytes per item.
pub(crate) const ENVELOPE_LIMITS: Limits = Limits {
    max_depth: 16,
    max_len: 4096,
    max_entries: 4096,
    max_input: MAX_COSE_LEN,
};

/// The kinds of signed artifact, each with its own `typ`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ArtifactType {
    /// An electronic licence (CWT claims set).
    Licence,
    /// A status list token (IETF Token Status List, CWT form), signed by an authority.
    StatusList,
    /// A region trust list, signed by a region root: the region's authorities.
    RegionTrustList,
    /// A federation trust list, signed by the federation (national hub): the region roots.
    FederationTrustList,
    /// An electronic seal (印章), signed by a seal-making authority.
    Seal,
    /// A sealed signature (签章) over a document, signed by the seal owner's key.
    SealedSignature,
    /// A licence catalogue (证照目录): the national one, signed by the
    /// federation root, or a region's extension, signed by its region root.
    Catalogue,
}

impl ArtifactType {
    /// The `typ` header value (RFC 9596): for a licence the content format
    /// [`LICENCE_CONTENT_FORMAT`] (an integer, 3 bytes in the QR code); for
    /// every other artifact a full `application/…` media type.
    pub const fn typ(self) -> Typ {
        match self {
            ArtifactType::Licence => Typ::ContentFormat(LICENCE_CONTENT_FORMAT),
            // Fixed by the IETF Token Status List specification.
            ArtifactType::StatusList => Typ::MediaType("application/statuslist+cwt"),
            ArtifactType::RegionTrustList => Typ::MediaType("application/el-tlr+cwt"),
            ArtifactType::FederationTrustList => Typ::MediaType("application/el-tlf+cwt"),
            ArtifactType::Seal => Typ::MediaType("application/el-seal+cwt"),
            ArtifactType::SealedSignature => Typ::MediaType("application/el-sealsig+cwt"),
            ArtifactType::Catalogue => Typ::MediaType("application/el-cat+cwt"),
        }
    }

    /// Every artifact type.
    pub const ALL: [ArtifactType; 7] = [
        ArtifactType::Licence,
        ArtifactType::StatusList,
        ArtifactType::RegionTrustList,
        ArtifactType::FederationTrustList,
        ArtifactType::Seal,
        ArtifactType::SealedSignature,
        ArtifactType::Catalogue,
    ];

    /// Largest COSE_Sign1 accepted for this artifact: [`MAX_COSE_LEN`] for a
    /// licence (it travels in a QR code), [`MAX_LIST_LEN`] for the lists,
    /// [`MAX_SEAL_LEN`] for a seal, [`MAX_SEALED_SIGNATURE_LEN`] for a
    /// sealed signature.
    pub const fn max_len(self) -> usize {
        match self {
            ArtifactType::Licence => MAX_COSE_LEN,
            ArtifactType::Seal => MAX_SEAL_LEN,
            ArtifactType::SealedSignature => MAX_SEALED_SIGNATURE_LEN,
            _ => MAX_LIST_LEN,
        }
    }

    /// CBOR limits of the envelope for this artifact.
    pub(crate) const fn limits(self) -> Limits {
        match self {
            ArtifactType::Licence => ENVELOPE_LIMITS,
            ArtifactType::Seal | ArtifactType::SealedSignature => Limits {
                max_depth: 16,
                max_len: self.max_len(),
                max_entries: 4096,
                max_input: self.max_len(),
            },
            _ => Limits {
                max_depth: 16,
                max_len: MAX_LIST_LEN,
                max_entries: 4096,
                max_input: MAX_LIST_LEN,
            },
        }
    }

    /// The artifact type with this `typ`, if any.
    pub fn from_typ(typ: Typ) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.typ() == typ)
    }
}

/// The content format of a licence's `typ`: 65100, from the CoAP
/// Content-Format range 65000–65535 reserved for experimental use (RFC 7252
/// §12.3); RFC 9596 allows an integer `typ` (docs/FORMAT.md §3).
pub const LICENCE_CONTENT_FORMAT: u16 = 65100;

/// A `typ` header value (RFC 9596): a media type, written as a text string,
/// or a CoAP Content-Format number, written as an unsigned integer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Typ {
    /// A media type, e.g. `application/el-tlf+cwt`.
    MediaType(&'static str),
    /// A CoAP Content-Format number (RFC 7252 §12.3).
    ContentFormat(u16),
}

impl core::fmt::Display for Typ {
    /// The media type, or the number in decimal.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Typ::MediaType(t) => f.write_str(t),
            Typ::ContentFormat(n) => write!(f, "{n}"),
        }
    }
}

impl serde::Serialize for Typ {
    /// A JSON string for a media type, a JSON number for a content format.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Typ::MediaType(t) => s.serialize_str(t),
            Typ::ContentFormat(n) => s.serialize_u16(*n),
        }
    }
}

/// Errors decoding an envelope or its QR text. Each maps to one [`ReasonCode`].
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EnvelopeError {
    /// The QR text does not start with `EL2:` (nor `EL1:`).
    #[error("the QR text does not start with \"EL2:\"")]
    QrPrefix,
    /// The QR text starts with `EL1:`: format version 1, no longer read.
    #[error("the QR text is of format version 1 (\"EL1:\"), which this verifier no longer reads; the licence must be reissued")]
    QrVersionUnsupported,
    /// The payload is compressed over a preset dictionary this build does
    /// not have (first byte 0x02–0x1F: the dictionary's version).
    #[error("the payload is compressed with preset dictionary version {0}, which this verifier does not have")]
    DictionaryUnknown(u8),
    /// Input longer than the documented limit.
    #[error("the input is {len} bytes long, over the limit of {limit}")]
    TooLarge {
        /// Length seen.
        len: usize,
        /// The limit.
        limit: usize,
    },
    /// Base45 decoding failed.
    #[error("the QR text is not valid Base45: {0}")]
    Base45(#[from] Base45Error),
    /// The first decoded byte is neither 0xD2 (COSE tag 18) nor a
    /// dictionary version 0x01–0x1F (for `HC1:` texts: neither zlib nor COSE).
    #[error("the decoded data starts with 0x{0:02x}, neither a tagged COSE_Sign1 (0xd2) nor a compressed form")]
    UnknownEncoding(u8),
    /// Nothing follows the prefix: there is no first byte to tell the
    /// payload's form.
    #[error("the QR text carries no data after its prefix")]
    NoData,
    /// The zlib stream is corrupt or truncated.
    #[error("the compressed data is corrupt or truncated")]
    Zlib,
    /// Bytes follow the end of the zlib stream.
    #[error("bytes follow the end of the compressed data")]
    ZlibTrailing,
    /// The zlib stream inflates past [`MAX_COSE_LEN`].
    #[error("the compressed data inflates past the limit of {MAX_COSE_LEN} bytes")]
    ZlibTooLarge,
    /// Strict CBOR decoding failed.
    #[error("{0}")]
    Cbor(#[from] CborError),
    /// Not wrapped in tag 18.
    #[error("the COSE_Sign1 is not wrapped in CBOR tag 18")]
    Untagged,
    /// Not a COSE_Sign1.
    #[error("not a COSE_Sign1: {0}")]
    Malformed(&'static str),
    /// `alg` absent.
    #[error("the protected header has no alg")]
    AlgMissing,
    /// `alg` only unprotected.
    #[error("alg is in the unprotected header; it is read only from the protected header")]
    AlgUnprotected,
    /// `alg` not accepted.
    #[error("the algorithm {0} is not accepted (EdDSA -8, ES256 -7 and SM2-SM3 {sm2} are)", sm2 = crate::alg::COSE_ALG_SM2_SM3)]
    AlgUnsupported(String),
    /// `kid` absent or not 8 bytes.
    #[error("the protected header has no 8-byte kid")]
    KidMissing,
    /// `typ` absent.
    #[error("the protected header has no typ")]
    TypMissing,
    /// `typ` is not the expected one.
    #[error("typ is {found:?}, expected {expected}")]
    TypMismatch {
        /// Expected `typ`.
        expected: Typ,
        /// The `typ` found, as text (an integer is shown in decimal).
        found: String,
    },
    /// A critical header is present.
    #[error(
        "the protected header marks parameters as critical, which this profile does not support"
    )]
    Critical,
}

impl EnvelopeError {
    /// The stable reason code for this error.
    pub fn reason(&self) -> ReasonCode {
        match self {
            EnvelopeError::QrPrefix => ReasonCode::QrPrefixInvalid,
            EnvelopeError::QrVersionUnsupported => ReasonCode::QrVersionUnsupported,
            EnvelopeError::DictionaryUnknown(_) => ReasonCode::DictionaryUnknown,
            EnvelopeError::TooLarge { .. } => ReasonCode::InputTooLarge,
            EnvelopeError::Base45(e) => e.reason(),
            EnvelopeError::UnknownEncoding(_) | EnvelopeError::NoData => {
                ReasonCode::PayloadEncodingUnknown
            }
            EnvelopeError::Zlib | EnvelopeError::ZlibTrailing => ReasonCode::ZlibInvalid,
            EnvelopeError::ZlibTooLarge => ReasonCode::ZlibTooLarge,
            EnvelopeError::Cbor(e) => e.reason(),
            EnvelopeError::Untagged => ReasonCode::CoseUntagged,
            EnvelopeError::Malformed(_) => ReasonCode::CoseMalformed,
            EnvelopeError::AlgMissing => ReasonCode::CoseAlgMissing,
            EnvelopeError::AlgUnprotected => ReasonCode::CoseAlgUnprotected,
            EnvelopeError::AlgUnsupported(_) => ReasonCode::CoseAlgUnsupported,
            EnvelopeError::KidMissing => ReasonCode::CoseKidMissing,
            EnvelopeError::TypMissing => ReasonCode::CoseTypMissing,
            EnvelopeError::TypMismatch { .. } => ReasonCode::CoseTypMismatch,
            EnvelopeError::Critical => ReasonCode::CoseCriticalHeader,
        }
    }
}

/// The key identifier of a certificate: the first 8 bytes of SHA-256 over its DER.
pub fn kid_for_certificate(der: &[u8]) -> [u8; 8] {
    let digest = Sha256::digest(der);
    let mut kid = [0u8; 8];
    kid.copy_from_slice(&digest[..8]);
    kid
}

/// A strictly decoded COSE_Sign1 whose signature has not been checked yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sign1 {
    protected: Vec<u8>,
    algorithm: Algorithm,
    kid: [u8; 8],
    artifact: ArtifactType,
    payload: Vec<u8>,
    signature: Vec<u8>,
}

impl Sign1 {
    /// Decodes `bytes` under the profile and checks that `typ` is the one of `expected`.
    pub fn decode(bytes: &[u8], expected: ArtifactType) -> Result<Self, EnvelopeError> {
        let limits = expected.limits();
        if bytes.len() > expected.max_len() {
            return Err(EnvelopeError::TooLarge {
                len: bytes.len(),
                limit: expected.max_len(),
            });
        }
        let value = cbor::decode(bytes, &limits)?;
        let items = match value {
            Value::Tag(18, inner) => match *inner {
                Value::Array(items) => items,
                _ => return Err(EnvelopeError::Malformed("tag 18 does not hold an array")),
            },
            Value::Tag(..) | Value::Array(_) => return Err(EnvelopeError::Untagged),
            _ => return Err(EnvelopeError::Malformed("not a tagged array")),
        };
        let [protected, unprotected, payload, signature]: [Value; 4] = items
            .try_into()
            .map_err(|_| EnvelopeError::Malformed("the array does not have four items"))?;
        let Value::Bytes(protected) = protected else {
            return Err(EnvelopeError::Malformed(
                "the protected header is not a byte string",
            ));
        };
        let Value::Map(unprotected) = unprotected else {
            return Err(EnvelopeError::Malformed(
                "the unprotected header is not a map",
            ));
        };
        let payload = match payload {
            Value::Bytes(p) => p,
            Value::Null => {
                return Err(EnvelopeError::Malformed(
                    "detached payloads are not accepted",
                ))
            }
            _ => return Err(EnvelopeError::Malformed("the payload is not a byte string")),
        };
        let Value::Bytes(signature) = signature else {
            return Err(EnvelopeError::Malformed(
                "the signature is not a byte string",
            ));
        };
        // The outer decode does not look inside byte strings: the protected
        // header gets the same strict treatment. An empty bstr means an empty map.
        let header = if protected.is_empty() {
            Vec::new()
        } else {
            match cbor::decode(&protected, &ENVELOPE_LIMITS)? {
                Value::Map(m) => m,
                _ => {
                    return Err(EnvelopeError::Malformed(
                        "the protected header is not a map",
                    ))
                }
            }
        };
        if find(&header, HEADER_CRIT).is_some() {
            return Err(EnvelopeError::Critical);
        }
        let algorithm = match (find(&header, HEADER_ALG), find(&unprotected, HEADER_ALG)) {
            (None, Some(_)) => return Err(EnvelopeError::AlgUnprotected),
            (None, None) => return Err(EnvelopeError::AlgMissing),
            (Some(_), Some(_)) => {
                return Err(EnvelopeError::Malformed("alg appears in both headers"))
            }
            (Some(Value::Integer(i)), None) => {
                let id = i128::from(*i);
                i64::try_from(id)
                    .ok()
                    .and_then(Algorithm::from_cose_id)
                    .ok_or_else(|| EnvelopeError::AlgUnsupported(id.to_string()))?
            }
            (Some(Value::Text(t)), None) => {
                return Err(EnvelopeError::AlgUnsupported(format!("{t:?}")))
            }
            (Some(_), None) => {
                return Err(EnvelopeError::Malformed(
                    "alg is neither an integer nor text",
                ))
            }
        };
        let kid: [u8; 8] = match find(&header, HEADER_KID) {
            Some(Value::Bytes(k)) => k
                .as_slice()
                .try_into()
                .map_err(|_| EnvelopeError::KidMissing)?,
            _ => return Err(EnvelopeError::KidMissing),
        };
        let found = match (find(&header, HEADER_TYP), expected.typ()) {
            (None, _) => return Err(EnvelopeError::TypMissing),
            (Some(Value::Text(t)), Typ::MediaType(e)) if t == e => None,
            (Some(Value::Integer(i)), Typ::ContentFormat(e)) if *i == e.into() => None,
            (Some(Value::Text(t)), _) => Some(t.clone()),
            (Some(Value::Integer(i)), _) => Some(i128::from(*i).to_string()),
            (Some(_), _) => {
                return Err(EnvelopeError::Malformed(
                    "typ is neither text nor an integer",
                ))
            }
        };
        if let Some(found) = found {
            return Err(EnvelopeError::TypMismatch {
                expected: expected.typ(),
                found,
            });
        }
        Ok(Sign1 {
            protected,
            algorithm,
            kid,
            artifact: expected,
            payload,
            signature,
        })
    }

    /// The algorithm from the protected header.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }
    /// The key identifier from the protected header.
    pub fn kid(&self) -> &[u8; 8] {
        &self.kid
    }
    /// The artifact type (checked against `typ`).
    pub fn artifact(&self) -> ArtifactType {
        self.artifact
    }
    /// The payload bytes. Not trustworthy until [`Sign1::verify`] succeeds.
    pub fn payload(&self) -> &[u8] {
        &self.payload
    }
    /// The raw signature bytes.
    pub fn signature(&self) -> &[u8] {
        &self.signature
    }
    /// The serialized protected header.
    pub fn protected_bytes(&self) -> &[u8] {
        &self.protected
    }

    /// The bytes that were signed: `Sig_structure` (RFC 9052 §4.4) with an empty external AAD.
    pub fn to_be_signed(&self) -> Vec<u8> {
        sig_structure(&self.protected, &self.payload)
    }

    /// Verifies the signature under `key` with the strict rule of its
    /// algorithm, after checking that the header's `alg` is the key's
    /// ([`SignatureError::AlgorithmMismatch`], `ALG_KEY_MISMATCH`).
    pub fn verify(&self, key: &PublicKey) -> Result<(), SignatureError> {
        crate::alg::verify_as(self.algorithm, key, &self.to_be_signed(), &self.signature)
    }
}

/// The value of integer label `label` in a COSE header map.
fn find(map: &[(Value, Value)], label: i64) -> Option<&Value> {
    map.iter()
        .find(|(k, _)| matches!(k, Value::Integer(i) if i128::from(*i) == i128::from(label)))
        .map(|(_, v)| v)
}

/// `Sig_structure = ["Signature1", protected, external_aad = h'', payload]`, encoded.
pub fn sig_structure(protected: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(protected.len() + payload.len() + 24);
    out.push(0x84);
    out.push(0x6a);
    out.extend_from_slice(b"Signature1");
    write_bstr(&mut out, protected);
    out.push(0x40);
    write_bstr(&mut out, payload);
    out
}

/// Writes a CBOR head (major type, argument) in its shortest form (RFC 8949 §4.2.1).
pub(crate) fn write_head(out: &mut Vec<u8>, major: u8, arg: u64) {
    let m = major << 5;
    if arg < 24 {
        out.push(m | arg as u8);
    } else if arg <= u8::MAX as u64 {
        out.extend_from_slice(&[m | 24, arg as u8]);
    } else if arg <= u16::MAX as u64 {
        out.push(m | 25);
        out.extend_from_slice(&(arg as u16).to_be_bytes());
    } else if arg <= u32::MAX as u64 {
        out.push(m | 26);
        out.extend_from_slice(&(arg as u32).to_be_bytes());
    } else {
        out.push(m | 27);
        out.extend_from_slice(&arg.to_be_bytes());
    }
}

fn write_bstr(out: &mut Vec<u8>, bytes: &[u8]) {
    write_head(out, 2, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

/// A COSE_Sign1 ready to be signed: the first half of
/// *prepare → external signature → complete*.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreparedSign1 {
    algorithm: Algorithm,
    protected: Vec<u8>,
    payload: Vec<u8>,
}

impl PreparedSign1 {
    /// Prepares an envelope for `payload`, signed with `algorithm` by the
    /// certificate with `kid`.
    pub fn new(
        artifact: ArtifactType,
        algorithm: Algorithm,
        kid: [u8; 8],
        payload: Vec<u8>,
    ) -> Self {
        // Deterministic protected header: keys 1, 4, 16 in that (bytewise) order.
        let mut protected = Vec::with_capacity(44);
        protected.push(0xa3);
        protected.push(0x01); // 1: alg, a negative integer
        write_head(&mut protected, 1, (-1 - algorithm.cose_id()) as u64);
        protected.extend_from_slice(&[0x04, 0x48]); // 4: bstr .size 8
        protected.extend_from_slice(&kid);
        protected.push(0x10); // 16: typ
        match artifact.typ() {
            Typ::MediaType(t) => {
                write_head(&mut protected, 3, t.len() as u64);
                protected.extend_from_slice(t.as_bytes());
            }
            Typ::ContentFormat(n) => write_head(&mut protected, 0, n.into()),
        }
        Self {
            algorithm,
            protected,
            payload,
        }
    }

    /// The algorithm the signature must be made with.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The exact bytes the signer must sign (the `Sig_structure`).
    pub fn to_be_signed(&self) -> Vec<u8> {
        sig_structure(&self.protected, &self.payload)
    }

    /// The payload.
    pub fn payload(&self) -> &[u8] {
        &self.payload
    }

    /// Assembles the tagged COSE_Sign1 with `signature`, after checking that
    /// `key` is of the envelope's algorithm and the signature verifies under
    /// it (a faulty HSM cannot produce a bad artifact). An SM2 or ECDSA
    /// signature in DER (as many HSMs return it) is converted to `r ‖ s`.
    pub fn complete(self, signature: &[u8], key: &PublicKey) -> Result<Vec<u8>, SignatureError> {
        let raw = crate::alg::signature_for_cose(key, signature)?;
        crate::alg::verify_as(self.algorithm, key, &self.to_be_signed(), &raw)?;
        Ok(self.assemble(&raw))
    }

    /// Assembles the tagged COSE_Sign1 without checking the signature: for
    /// a local key's signature (`artifact::CertifiedSigner`, which checks
    /// every other signer's).
    pub(crate) fn assemble(self, signature: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.protected.len() + self.payload.len() + 80);
        out.push(0xd2);
        out.push(0x84);
        write_bstr(&mut out, &self.protected);
        out.push(0xa0);
        write_bstr(&mut out, &self.payload);
        write_bstr(&mut out, signature);
        out
    }
}

/// Encodes COSE bytes as QR text: `EL2:` + Base45 of the payload byte
/// 0x01 and the raw DEFLATE of the COSE bytes over [`DICTIONARY_1`], or of
/// the raw COSE bytes, whichever is shorter (raw on a tie).
pub fn to_qr_text(cose: &[u8]) -> String {
    let compressed = crate::deflate::deflate_dictionary_1(cose);
    let payload = if 1 + compressed.len() < cose.len() {
        let mut p = Vec::with_capacity(1 + compressed.len());
        p.push(PAYLOAD_DICTIONARY_1);
        p.extend_from_slice(&compressed);
        p
    } else {
        cose.to_vec()
    };
    let mut text = String::with_capacity(QR_PREFIX.len() + payload.len() * 3 / 2 + 2);
    text.push_str(QR_PREFIX);
    text.push_str(&base45::encode(&payload));
    text
}

/// Decodes QR text to COSE bytes (not yet validated as COSE), exactly as
/// docs/FORMAT.md §2 says, in this order: size (more than
/// [`MAX_QR_TEXT_LEN`] bytes: [`EnvelopeError::TooLarge`]), the prefix
/// (`EL1:`: [`EnvelopeError::QrVersionUnsupported`]; anything but `EL2:`:
/// [`EnvelopeError::QrPrefix`]), strict Base45 of everything after it (no
/// white space, no line end: see [`trim_line_ends`] for text read from a
/// file), then the payload ([`decode_qr_payload`]).
pub fn from_qr_text(text: &str) -> Result<Vec<u8>, EnvelopeError> {
    if text.len() > MAX_QR_TEXT_LEN {
        return Err(EnvelopeError::TooLarge {
            len: text.len(),
            limit: MAX_QR_TEXT_LEN,
        });
    }
    let Some(body) = text.strip_prefix(QR_PREFIX) else {
        return Err(if text.starts_with(QR_PREFIX_VERSION_1) {
            EnvelopeError::QrVersionUnsupported
        } else {
            EnvelopeError::QrPrefix
        });
    };
    decode_qr_payload(base45::decode(body)?)
}

/// Decodes a QR payload (the Base45-decoded bytes after `EL2:`) to COSE
/// bytes, by its first byte (docs/FORMAT.md §2): 0xD2, the COSE bytes as
/// they are; 0x01, raw DEFLATE over [`DICTIONARY_1`], inflated to at most
/// [`MAX_COSE_LEN`] bytes ([`EnvelopeError::ZlibTooLarge`]; a corrupt or
/// truncated stream, or any byte after its end: `ZLIB_INVALID`); 0x02–0x1F,
/// [`EnvelopeError::DictionaryUnknown`]; anything else, or nothing,
/// `PAYLOAD_ENCODING_UNKNOWN`.
pub fn decode_qr_payload(payload: Vec<u8>) -> Result<Vec<u8>, EnvelopeError> {
    match payload.first() {
        Some(&PAYLOAD_RAW) => Ok(payload),
        Some(&PAYLOAD_DICTIONARY_1) => {
            inflate_with_dictionary(&payload[1..], DICTIONARY_1, MAX_COSE_LEN)
        }
        Some(&b) if PAYLOAD_DICTIONARIES.contains(&b) => Err(EnvelopeError::DictionaryUnknown(b)),
        Some(&b) => Err(EnvelopeError::UnknownEncoding(b)),
        None => Err(EnvelopeError::NoData),
    }
}

/// The QR text carried in a text file, a command-line argument or an HTTP
/// text body, without the line ends (CR and LF, any number) at its end:
/// docs/FORMAT.md §2 lets such carriers end the text with a line end, and
/// nothing else is removed. No valid QR text ends with CR or LF, so this
/// never changes one; [`from_qr_text`] itself refuses them.
pub fn trim_line_ends(text: &str) -> &str {
    text.trim_end_matches(['\r', '\n'])
}

/// Inflates a zlib stream, refusing output past `limit` bytes
/// ([`EnvelopeError::ZlibTooLarge`]: a bomb is refused, not expanded) and
/// any byte after the end of the stream (so one COSE_Sign1 has exactly one
/// compressed QR form per compressor output, and nothing rides along).
/// QR text uses [`MAX_COSE_LEN`]; status lists use their own limit.
pub(crate) fn inflate_bounded(zlib: &[u8], limit: usize) -> Result<Vec<u8>, EnvelopeError> {
    use miniz_oxide::inflate::core::inflate_flags::{
        TINFL_FLAG_COMPUTE_ADLER32, TINFL_FLAG_PARSE_ZLIB_HEADER,
        TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF,
    };
    use miniz_oxide::inflate::core::{decompress, DecompressorOxide};
    use miniz_oxide::inflate::TINFLStatus;
    use std::cell::RefCell;

    use crate::deflate::{inflate_fixed, FastInflate};
    match inflate_fixed(zlib, limit) {
        Ok(out) => return Ok(out),
        Err(FastInflate::TooLarge) => return Err(EnvelopeError::ZlibTooLarge),
        Err(FastInflate::Trailing) => return Err(EnvelopeError::ZlibTrailing),
        Err(FastInflate::Invalid) => return Err(EnvelopeError::Zlib),
        Err(FastInflate::NotFixed) => {}
    }

    thread_local! {
        // The decompressor's state is about 11 KB; zeroing a fresh one for
        // every QR code cost more than the inflation itself. `init` resets it.
        static STATE: RefCell<Box<DecompressorOxide>> = RefCell::new(Box::default());
    }
    let flags = TINFL_FLAG_PARSE_ZLIB_HEADER
        | TINFL_FLAG_COMPUTE_ADLER32
        | TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
    // One byte over the limit tells "exactly at the limit" from "past it".
    let cap = limit.saturating_add(1);
    // Licences compress little: start near the input size and grow if needed.
    let mut out = vec![0u8; (zlib.len() * 2).max(256).min(cap)];
    STATE.with(|cell| {
        let mut state = cell.borrow_mut();
        state.init();
        let (mut in_pos, mut out_pos) = (0, 0);
        loop {
            let (status, consumed, written) =
                decompress(&mut state, &zlib[in_pos..], &mut out, out_pos, flags);
            in_pos += consumed;
            out_pos += written;
            match status {
                TINFLStatus::Done if out_pos > limit => return Err(EnvelopeError::ZlibTooLarge),
                TINFLStatus::Done if in_pos != zlib.len() => {
                    return Err(EnvelopeError::ZlibTrailing)
                }
                TINFLStatus::Done => {
                    out.truncate(out_pos);
                    return Ok(out);
                }
                TINFLStatus::HasMoreOutput if out.len() < cap => {
                    let grown = (out.len() * 2).min(cap);
                    out.resize(grown, 0);
                }
                TINFLStatus::HasMoreOutput => return Err(EnvelopeError::ZlibTooLarge),
                _ => return Err(EnvelopeError::Zlib),
            }
        }
    })
}

/// Inflates raw DEFLATE (RFC 1951) over `dictionary` as history (as
/// zlib's `inflateSetDictionary` does), refusing more than `limit` bytes of
/// output, the dictionary not counted ([`EnvelopeError::ZlibTooLarge`]),
/// a corrupt or truncated stream ([`EnvelopeError::Zlib`]) and any byte
/// after the stream's last ([`EnvelopeError::ZlibTrailing`]).
///
/// The single fixed-Huffman block our encoder writes is read without
/// copying the dictionary (`deflate::inflate_raw_fixed`); any other stream
/// (dynamic or stored blocks, several blocks) goes to miniz_oxide over a
/// buffer that starts with a copy of the dictionary, so a back-reference
/// reaches into it as into earlier output.
pub(crate) fn inflate_with_dictionary(
    raw: &[u8],
    dictionary: &[u8],
    limit: usize,
) -> Result<Vec<u8>, EnvelopeError> {
    use miniz_oxide::inflate::core::inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
    use miniz_oxide::inflate::core::{decompress, DecompressorOxide};
    use miniz_oxide::inflate::TINFLStatus;

    use crate::deflate::{inflate_raw_fixed, FastInflate};
    match inflate_raw_fixed(raw, dictionary, limit) {
        Ok(out) => return Ok(out),
        Err(FastInflate::TooLarge) => return Err(EnvelopeError::ZlibTooLarge),
        Err(FastInflate::Trailing) => return Err(EnvelopeError::ZlibTrailing),
        Err(FastInflate::Invalid) => return Err(EnvelopeError::Zlib),
        Err(FastInflate::NotFixed) => {}
    }
    let d = dictionary.len();
    // One byte over the limit tells "exactly at the limit" from "past it".
    let cap = d + limit.saturating_add(1);
    let mut out = Vec::with_capacity(d + (raw.len() * 2).max(256).min(cap - d));
    out.extend_from_slice(dictionary);
    out.resize(out.capacity(), 0);
    let mut state = Box::<DecompressorOxide>::default();
    let (mut in_pos, mut out_pos) = (0, d);
    loop {
        let (status, consumed, written) = decompress(
            &mut state,
            &raw[in_pos..],
            &mut out,
            out_pos,
            TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF,
        );
        in_pos += consumed;
        out_pos += written;
        match status {
            TINFLStatus::Done if out_pos - d > limit => return Err(EnvelopeError::ZlibTooLarge),
            TINFLStatus::Done if in_pos != raw.len() => return Err(EnvelopeError::ZlibTrailing),
            TINFLStatus::Done => {
                out.truncate(out_pos);
                out.drain(..d);
                return Ok(out);
            }
            TINFLStatus::HasMoreOutput if out.len() < cap => {
                let grown = (d + (out.len() - d) * 2).min(cap);
                out.resize(grown, 0);
            }
            TINFLStatus::HasMoreOutput => return Err(EnvelopeError::ZlibTooLarge),
            _ => return Err(EnvelopeError::Zlib),
        }
    }
}

#[cfg(test)]
mod tests;
