//! Status lists: which of an authority's licences are revoked or suspended.
//!
//! Status lists follow the IETF Token Status List (CWT form): 2 bits per
//! licence (0 valid, 1 revoked, 2 suspended), LSB-first, zlib-compressed;
//! the licence carries its index. Each authority publishes
//! one signed status list token; a licence's `status-index` is its position
//! in that list. `docs/FORMAT.md` §11 specifies every byte.
//!
//! # The specification followed
//!
//! IETF draft-ietf-oauth-status-list-17, *Token Status List (TSL)*,
//! 30 January 2026. The parts relied on, quoted:
//!
//! §4.1 (the byte array and its bit order):
//!
//! > Each Referenced Token is assigned a distinct index from 0 to one less
//! > than the number of Referenced Tokens assigned to the Status List. Each
//! > index identifies a contiguous block of bits in the byte array, with the
//! > blocks being packed into bytes from the least significant bit ("0") to
//! > the most significant bit ("7").
//! >
//! > The Status Issuer compresses the byte array using DEFLATE \[RFC1951\]
//! > with the ZLIB \[RFC1950\] data format. Implementations are RECOMMENDED to
//! > use the highest compression level available.
//!
//! §4.3 (the CBOR status list; its keys are text strings):
//!
//! ```cddl
//! StatusList = {
//!     bits: 1 / 2 / 4 / 8, ; The number of bits used per Referenced Token
//!     lst: bstr, ; Byte string that contains the Status List
//!     ? aggregation_uri: tstr ; link to the Status List Aggregation
//! }
//! ```
//!
//! §5.2 (the CWT): "The COSE message MUST either be the tagged
//! COSE_Sign1_Tagged (18) or COSE_Mac0_Tagged (17)"; protected header
//! "16 (type): REQUIRED. The type of the CWT MUST be
//! application/statuslist+cwt"; claims "2 (subject): REQUIRED … the URI of
//! the Status List Token", "6 (issued at): REQUIRED", "4 (expiration time):
//! RECOMMENDED", "65534 (time to live): RECOMMENDED. Unsigned integer … MUST
//! be a positive number", "65533 (status list): REQUIRED".
//!
//! §7.1 (values): "0x00 - "VALID"", "0x01 - "INVALID" - The status of the
//! Referenced Token is revoked, annulled, taken back, recalled or
//! cancelled", "0x02 - "SUSPENDED" - … temporarily invalid", and "The Status
//! Type value 0x03 and Status Type values in the range 0x0C until 0x0F are
//! permanently reserved as application specific."
//!
//! §8.3 (validation): "If the provided index is out of bounds of the Status
//! List, no statement about the status of the Referenced Token can be made
//! and the Referenced Token MUST be rejected."
//!
//! # Our profile of the draft
//!
//! ```cddl
//! claims = {
//!       2 => tstr,            ; sub: the list's URI, see subject_for()
//!     ? 4 => uint,            ; exp: after this the list MUST NOT be relied upon
//!       6 => uint,            ; iat
//!   65533 => StatusList,      ; bits 1 / 2 / 4 / 8, lst = zlib(byte array)
//!   ? 65534 => uint .gt 0,    ; ttl, seconds
//! }
//! ```
//!
//! * Producers write `bits: 2` ([`PROFILE_BITS`]): 0 valid, 1 revoked (the
//!   draft's INVALID), 2 suspended. Readers accept 1, 2, 4 and 8 bits as the
//!   draft allows; with 1 bit, 1 means revoked and nothing can be suspended.
//! * The value 3 (and any value above 2 with 4 or 8 bits) is not defined by
//!   this profile: [`StatusList::get`] refuses it with
//!   `STATUS_VALUE_UNKNOWN` rather than guess, and no method of ours writes
//!   it except the raw [`StatusList::set_value`].
//! * Unknown claims, an unknown `StatusList` member and `aggregation_uri`
//!   (a fetching mechanism; our verifiers get status lists from the trust
//!   bundle) are refused: the draft lets CWTs carry other claims, a strict
//!   profile does not.
//! * The token does not say how many entries the list has (§4.1 allows the
//!   byte array to be larger than needed): a decoded list has
//!   `8 × bytes / bits` entries, and entries past the ones assigned read as
//!   valid, as the draft intends for unused indexes (§13.3).
//! * Limits: the decompressed list is at most [`MAX_LIST_BYTES`] (4 MiB:
//!   2^24 entries of 2 bits), the token at most [`MAX_TOKEN_LEN`] bytes.
//!   Inflation stops at the limit: a zlib bomb is refused, not expanded.

use core::fmt;

use ciborium::Value;
use serde::Serialize;
use thiserror::Error;

use crate::artifact::{Artifact, ArtifactError, CertifiedSigner, Prepared, SignerRole};
use crate::cbor::{self, CborError, Limits};
use crate::envelope::{ArtifactType, EnvelopeError};
use crate::identifiers::CreditCode;
use crate::pki::{cst, Certificate, PkiError, Usage};
use crate::time::UnixTime;
use crate::ReasonCode;

/// CWT `sub` (subject): the status list's URI.
pub const CLAIM_SUB: i64 = 2;
/// CWT `exp` (expiration time).
pub const CLAIM_EXP: i64 = 4;
/// CWT `iat` (issued at).
pub const CLAIM_IAT: i64 = 6;
/// CWT `status_list` (draft-ietf-oauth-status-list §5.2, requested assignment 65533).
pub const CLAIM_STATUS_LIST: i64 = 65533;
/// CWT `ttl` (time to live, draft-ietf-oauth-status-list §5.2, requested assignment 65534).
pub const CLAIM_TTL: i64 = 65534;
/// The `StatusList` member holding the bits per entry.
pub const MEMBER_BITS: &str = "bits";
/// The `StatusList` member holding the zlib-compressed byte array.
pub const MEMBER_LST: &str = "lst";
/// The optional `StatusList` member this profile refuses.
pub const MEMBER_AGGREGATION_URI: &str = "aggregation_uri";

/// Bits per entry that our issuers write: 0 valid, 1 revoked, 2 suspended.
pub const PROFILE_BITS: u8 = 2;
/// Largest decompressed list: 4 MiB, which is 2^24 entries of 2 bits.
pub const MAX_LIST_BYTES: usize = 4 * 1024 * 1024;
/// Largest status list token (COSE_Sign1 bytes): [`MAX_LIST_BYTES`] plus
/// 64 KiB, so even a list that does not compress at all (stored deflate
/// blocks) fits.
pub const MAX_TOKEN_LEN: usize = MAX_LIST_BYTES + 64 * 1024;
/// Longest subject (bytes of UTF-8).
pub const MAX_SUBJECT_LEN: usize = 256;
/// Latest time accepted for `iat` and `exp`, and largest `ttl`: 9999-12-31T23:59:59Z.
pub const MAX_TIME: i64 = 253_402_300_799;
/// The prefix of the subjects made by [`subject_for`].
pub const SUBJECT_PREFIX: &str = "urn:elicense:status:";
/// miniz_oxide compression level for `lst`: 10, its highest ("uber"), as
/// the draft recommends the highest level available.
pub const COMPRESSION_LEVEL: u8 = 10;

/// CBOR limits for the claims set: a map of scalars and one nested map.
pub(crate) const CLAIMS_LIMITS: Limits = Limits {
    max_depth: 2,
    max_len: MAX_TOKEN_LEN,
    // The claims map has at most 5 entries and `StatusList` at most 3.
    max_entries: 16,
    max_input: MAX_TOKEN_LEN,
};

/// The subject (URI) of `authority`'s status list: `urn:elicense:status:`
/// followed by its unified social credit code.
pub fn subject_for(authority: &CreditCode) -> String {
    format!("{SUBJECT_PREFIX}{}", authority.as_str())
}

/// A licence's status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Value 0: valid (the draft's VALID).
    Valid,
    /// Value 1: revoked (撤销/注销/吊销; the draft's INVALID). Final.
    Revoked,
    /// Value 2: suspended (暂扣; the draft's SUSPENDED). Needs 2 bits or more.
    Suspended,
}

impl Status {
    /// The value in the list.
    pub const fn value(self) -> u8 {
        match self {
            Status::Valid => 0,
            Status::Revoked => 1,
            Status::Suspended => 2,
        }
    }
    /// The status with this value, if this profile defines one.
    pub const fn from_value(value: u8) -> Option<Self> {
        match value {
            0 => Some(Status::Valid),
            1 => Some(Status::Revoked),
            2 => Some(Status::Suspended),
            _ => None,
        }
    }
    /// `valid`, `revoked` or `suspended`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Status::Valid => "valid",
            Status::Revoked => "revoked",
            Status::Suspended => "suspended",
        }
    }
    /// The reason code a verifier reports: `OK`, `LICENCE_REVOKED` or `LICENCE_SUSPENDED`.
    pub const fn reason(self) -> ReasonCode {
        match self {
            Status::Valid => ReasonCode::Ok,
            Status::Revoked => ReasonCode::LicenceRevoked,
            Status::Suspended => ReasonCode::LicenceSuspended,
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A change of status, named in [`StatusError::Transition`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Transition {
    /// Valid or suspended → revoked.
    Revoke,
    /// Valid → suspended.
    Suspend,
    /// Suspended → valid.
    Reinstate,
}

impl Transition {
    /// `revoke`, `suspend` or `reinstate`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Transition::Revoke => "revoke",
            Transition::Suspend => "suspend",
            Transition::Reinstate => "reinstate",
        }
    }
    /// The rule, for messages.
    const fn rule(self) -> &'static str {
        match self {
            Transition::Revoke => "only a valid or suspended licence can be revoked",
            Transition::Suspend => "only a valid licence can be suspended",
            Transition::Reinstate => "only a suspended licence can be reinstated",
        }
    }
    /// The status this transition leads to from `from`, if allowed.
    const fn apply(self, from: Status) -> Option<Status> {
        match (self, from) {
            (Transition::Revoke, Status::Valid | Status::Suspended) => Some(Status::Revoked),
            (Transition::Suspend, Status::Valid) => Some(Status::Suspended),
            (Transition::Reinstate, Status::Suspended) => Some(Status::Valid),
            _ => None,
        }
    }
}

impl fmt::Display for Transition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a status list token is stale.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StaleCause {
    /// Older than the verifier's maximum age (`iat + max_age`).
    MaxAge,
    /// Past its `exp`: "MUST NOT be relied upon any longer" (draft §13.7).
    Expired,
    /// Past `iat + ttl`: a newer list may be available (draft §8.3 4d, §13.7).
    TtlElapsed,
}

/// Whether a verified status list may still be relied upon at a given time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Freshness {
    /// Fresh up to and including `until` (Unix seconds).
    Fresh {
        /// The last second at which the list is fresh.
        until: i64,
    },
    /// Stale since `until + 1`.
    Stale {
        /// The first limit passed (the earliest one).
        cause: StaleCause,
        /// The last second at which the list was fresh.
        until: i64,
    },
}

impl Freshness {
    /// Whether the list is fresh.
    pub const fn is_fresh(&self) -> bool {
        matches!(self, Freshness::Fresh { .. })
    }
    /// `OK` when fresh, `STATUS_LIST_STALE` when stale.
    pub const fn reason(&self) -> ReasonCode {
        match self {
            Freshness::Fresh { .. } => ReasonCode::Ok,
            Freshness::Stale { .. } => ReasonCode::StatusListStale,
        }
    }
}

/// Errors building, reading, signing or verifying a status list.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StatusError {
    /// `bits` is not 1, 2, 4 or 8.
    #[error("bits is {0}; a status list has 1, 2, 4 or 8 bits per entry")]
    BitsInvalid(u64),
    /// The value does not fit in the list's bits (e.g. suspended in a 1-bit list).
    #[error("the value {value} does not fit in a status list of {bits} bit(s) per entry")]
    ValueTooWide {
        /// The value.
        value: u8,
        /// The list's bits per entry.
        bits: u8,
    },
    /// A list of this many entries would exceed [`MAX_LIST_BYTES`].
    #[error("{len} entries of {bits} bit(s) exceed the limit of {MAX_LIST_BYTES} bytes")]
    TooManyEntries {
        /// Entries asked for.
        len: u64,
        /// Bits per entry.
        bits: u8,
    },
    /// `lst` inflates past [`MAX_LIST_BYTES`] (a zlib bomb, or a list too large).
    #[error("the status list inflates past the limit of {MAX_LIST_BYTES} bytes")]
    InflatesTooLarge,
    /// The index is not in the list.
    #[error("index {index} is outside the status list of {len} entries")]
    IndexOutOfRange {
        /// The index.
        index: u64,
        /// Entries in the list.
        len: usize,
    },
    /// The entry holds a value this profile does not define (3, or above 2).
    #[error("index {index} holds the status value {value}, which this profile does not define")]
    UnknownValue {
        /// The index.
        index: u64,
        /// The value found.
        value: u8,
    },
    /// The change is not allowed from the current status.
    #[error("cannot {action} the licence at index {index}: it is {from}, and {}", action.rule())]
    Transition {
        /// The index.
        index: u64,
        /// The change asked for.
        action: Transition,
        /// The current status.
        from: Status,
    },
    /// The claims set or the list does not follow the format.
    #[error("the status list token is malformed: {0}")]
    Malformed(String),
    /// Strict CBOR decoding of the claims failed.
    #[error("the status list claims are not strict CBOR: {0}")]
    Cbor(#[from] CborError),
    /// `lst` is not a valid zlib stream (corrupt, truncated, or followed by bytes).
    #[error("the status list's compressed data is invalid: {0}")]
    Zlib(EnvelopeError),
    /// The envelope was refused (strict COSE_Sign1 rules, wrong `typ`, size).
    #[error("{0}")]
    Envelope(#[from] EnvelopeError),
    /// No known authority certificate has the token's `kid`.
    #[error("the status list is signed by the certificate with kid {kid}, which is none of the authority certificates known")]
    SignerNotKnown {
        /// The kid in the token, hex.
        kid: String,
    },
    /// The certificate may not sign (or have signed) this status list.
    #[error("the certificate cannot sign this status list: {0}")]
    Certificate(#[from] PkiError),
    /// Signing or opening the envelope failed (signer, key, `kid`,
    /// certificate role, signature).
    #[error("{0}")]
    Artifact(ArtifactError),
    /// The token's subject is not the status list expected.
    #[error("the status list is {found:?}, not the expected {expected:?}")]
    WrongSubject {
        /// The subject expected.
        expected: String,
        /// The subject in the token.
        found: String,
    },
    /// The token's `iat` lies beyond the time of checking plus the leeway:
    /// refused, so that a list dated in the future can never count as the
    /// newest and lock out the lists issued before it.
    #[error("the status list claims to be issued at {}, after {} (the time of checking plus {leeway} s leeway)", cst(*issued_at), cst(*now))]
    IssuedInFuture {
        /// The token's `iat`.
        issued_at: i64,
        /// The time of checking.
        now: i64,
        /// The clock-skew leeway allowed, seconds.
        leeway: i64,
    },
    /// The signer's entry on its region trust list is retired since a time
    /// at or before the token's `iat`: a retired key signs nothing new.
    #[error("the status list was issued at {}, but its signer is retired on its region's trust list since {}", cst(*issued_at), cst(*since))]
    SignerRetired {
        /// The token's `iat`.
        issued_at: i64,
        /// Retired since.
        since: i64,
    },
    /// The signer's entry on its region trust list is compromised since a
    /// time at or before the token's `iat`: anyone may have signed it.
    #[error("the status list was issued at {}, but its signer's key is compromised since {}", cst(*issued_at), cst(*since))]
    SignerCompromised {
        /// The token's `iat`.
        issued_at: i64,
        /// Compromised since.
        since: i64,
    },
    /// A trust store already holds a list of this authority at least as
    /// new (`TRUST_LIST_ROLLBACK`).
    #[error("the status list issued at {} is not newer than the one held (issued at {})", cst(*issued_at), cst(*held))]
    NotNewer {
        /// The token's `iat`.
        issued_at: i64,
        /// The held list's `iat`.
        held: i64,
    },
    /// The token is stale (see [`VerifiedStatusList::require_fresh`]).
    #[error("the status list is stale: {}", stale_message(*cause, *until))]
    Stale {
        /// The first limit passed.
        cause: StaleCause,
        /// The last second at which the list was fresh.
        until: i64,
    },
}

fn stale_message(cause: StaleCause, until: i64) -> String {
    let when = cst(until.saturating_add(1));
    match cause {
        StaleCause::MaxAge => format!("older than the maximum age allowed since {when}"),
        StaleCause::Expired => format!("it expired at {when}"),
        StaleCause::TtlElapsed => format!("its time to live ran out at {when}"),
    }
}

impl StatusError {
    /// The stable reason code.
    pub fn reason(&self) -> ReasonCode {
        match self {
            StatusError::BitsInvalid(_) | StatusError::ValueTooWide { .. } => {
                ReasonCode::StatusListBitsInvalid
            }
            StatusError::TooManyEntries { .. } | StatusError::InflatesTooLarge => {
                ReasonCode::StatusListTooLarge
            }
            StatusError::IndexOutOfRange { .. } => ReasonCode::StatusIndexOutOfRange,
            StatusError::UnknownValue { .. } => ReasonCode::StatusValueUnknown,
            StatusError::Transition { .. } => ReasonCode::StatusTransitionInvalid,
            StatusError::Malformed(_) => ReasonCode::StatusListMalformed,
            StatusError::Cbor(e) => e.reason(),
            StatusError::Zlib(_) => ReasonCode::ZlibInvalid,
            StatusError::Envelope(e) => e.reason(),
            StatusError::SignerNotKnown { .. } => ReasonCode::SignerUnknown,
            StatusError::Certificate(e) => e.reason(),
            StatusError::Artifact(e) => e.reason(),
            StatusError::WrongSubject { .. } => ReasonCode::StatusListWrongSubject,
            StatusError::Stale { .. } => ReasonCode::StatusListStale,
            StatusError::IssuedInFuture { .. } => ReasonCode::StatusListIssuedInFuture,
            StatusError::NotNewer { .. } => ReasonCode::TrustListRollback,
            StatusError::SignerRetired { .. } => ReasonCode::AuthorityRetired,
            StatusError::SignerCompromised { .. } => ReasonCode::AuthorityCompromised,
        }
    }
}

impl From<ArtifactError> for StatusError {
    /// Envelope and certificate errors keep their own variants.
    fn from(e: ArtifactError) -> Self {
        match e {
            ArtifactError::Envelope(e) => StatusError::Envelope(e),
            ArtifactError::Certificate(e) => StatusError::Certificate(e),
            e => StatusError::Artifact(e),
        }
    }
}

fn malformed(msg: impl Into<String>) -> StatusError {
    StatusError::Malformed(msg.into())
}

fn check_bits(bits: u64) -> Result<u8, StatusError> {
    match bits {
        1 | 2 | 4 | 8 => Ok(bits as u8),
        other => Err(StatusError::BitsInvalid(other)),
    }
}

/// A status list: `len` entries of `bits` bits, packed LSB-first.
///
/// Entry `i` occupies bits `(i × bits) mod 8` upwards of byte
/// `(i × bits) / 8`, so with 2 bits entry 0 is the two least significant
/// bits of byte 0 and entry 3 the two most significant.
#[derive(Clone, PartialEq, Eq)]
pub struct StatusList {
    bits: u8,
    len: usize,
    bytes: Vec<u8>,
}

impl fmt::Debug for StatusList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StatusList")
            .field("bits", &self.bits)
            .field("len", &self.len)
            .finish_non_exhaustive()
    }
}

impl StatusList {
    /// A list of `len` valid entries (all zero) of `bits` bits (1, 2, 4 or 8;
    /// our issuers use [`PROFILE_BITS`]). The byte array is
    /// `ceil(len × bits / 8)` bytes and at most [`MAX_LIST_BYTES`].
    pub fn new(bits: u8, len: usize) -> Result<Self, StatusError> {
        let bits = check_bits(u64::from(bits))?;
        let total_bits = (len as u64).saturating_mul(u64::from(bits));
        if total_bits.div_ceil(8) > MAX_LIST_BYTES as u64 {
            return Err(StatusError::TooManyEntries {
                len: len as u64,
                bits,
            });
        }
        if len == 0 {
            return Err(malformed("a status list has at least one entry"));
        }
        Ok(Self {
            bits,
            len,
            bytes: vec![0; total_bits.div_ceil(8) as usize],
        })
    }

    /// A list over an uncompressed byte array: `8 × bytes / bits` entries.
    pub fn from_bytes(bits: u8, bytes: Vec<u8>) -> Result<Self, StatusError> {
        let bits = check_bits(u64::from(bits))?;
        if bytes.len() > MAX_LIST_BYTES {
            return Err(StatusError::TooManyEntries {
                len: bytes.len() as u64 * 8 / u64::from(bits),
                bits,
            });
        }
        if bytes.is_empty() {
            return Err(malformed("a status list has at least one entry"));
        }
        Ok(Self {
            bits,
            len: bytes.len() * 8 / usize::from(bits),
            bytes,
        })
    }

    /// Inflates `lst` (zlib, RFC 1950) with a limit of [`MAX_LIST_BYTES`]
    /// bytes of output; `bits` is checked first.
    pub fn decompress(bits: u64, lst: &[u8]) -> Result<Self, StatusError> {
        let bits = check_bits(bits)?;
        let bytes = crate::envelope::inflate_bounded(lst, MAX_LIST_BYTES).map_err(|e| match e {
            EnvelopeError::ZlibTooLarge => StatusError::InflatesTooLarge,
            other => StatusError::Zlib(other),
        })?;
        Self::from_bytes(bits, bytes)
    }

    /// The zlib stream (RFC 1950) of the byte array, at miniz_oxide's
    /// highest level ([`COMPRESSION_LEVEL`]).
    pub fn compress(&self) -> Vec<u8> {
        miniz_oxide::deflate::compress_to_vec_zlib(&self.bytes, COMPRESSION_LEVEL)
    }

    /// Bits per entry.
    pub fn bits(&self) -> u8 {
        self.bits
    }
    /// Number of entries.
    pub fn len(&self) -> usize {
        self.len
    }
    /// Whether the list has no entries (never true: a list has at least one).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    /// The uncompressed byte array.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The byte and shift of entry `index`.
    fn locate(&self, index: u64) -> Result<(usize, u32), StatusError> {
        match usize::try_from(index) {
            Ok(i) if i < self.len => {
                let bit = i * usize::from(self.bits);
                Ok((bit >> 3, (bit & 7) as u32))
            }
            _ => Err(StatusError::IndexOutOfRange {
                index,
                len: self.len,
            }),
        }
    }

    fn mask(&self) -> u8 {
        (((1u16) << self.bits) - 1) as u8
    }

    /// The raw value of entry `index`.
    pub fn get_value(&self, index: u64) -> Result<u8, StatusError> {
        let (byte, shift) = self.locate(index)?;
        Ok((self.bytes[byte] >> shift) & self.mask())
    }

    /// Sets the raw value of entry `index`, without transition rules. Values
    /// this profile does not define (3 and above) are the caller's business.
    pub fn set_value(&mut self, index: u64, value: u8) -> Result<(), StatusError> {
        let (byte, shift) = self.locate(index)?;
        let mask = self.mask();
        if value > mask {
            return Err(StatusError::ValueTooWide {
                value,
                bits: self.bits,
            });
        }
        self.bytes[byte] = (self.bytes[byte] & !(mask << shift)) | (value << shift);
        Ok(())
    }

    /// The status of entry `index`. A value this profile does not define is
    /// [`StatusError::UnknownValue`]; an index past the end is
    /// [`StatusError::IndexOutOfRange`] (draft §8.3: the licence "MUST be
    /// rejected").
    pub fn get(&self, index: u64) -> Result<Status, StatusError> {
        let value = self.get_value(index)?;
        Status::from_value(value).ok_or(StatusError::UnknownValue { index, value })
    }

    /// Sets entry `index` to `status`, without transition rules (for building
    /// or importing a list); [`Status::Suspended`] needs 2 bits or more.
    pub fn set(&mut self, index: u64, status: Status) -> Result<(), StatusError> {
        self.set_value(index, status.value())
    }

    fn transition(&mut self, index: u64, action: Transition) -> Result<(), StatusError> {
        let from = self.get(index)?;
        let to = action.apply(from).ok_or(StatusError::Transition {
            index,
            action,
            from,
        })?;
        self.set(index, to)
    }

    /// Revokes entry `index`: valid or suspended → revoked. Revocation is
    /// final: revoking a revoked licence is an error.
    pub fn revoke(&mut self, index: u64) -> Result<(), StatusError> {
        self.transition(index, Transition::Revoke)
    }

    /// Suspends entry `index`: valid → suspended (needs 2 bits or more).
    pub fn suspend(&mut self, index: u64) -> Result<(), StatusError> {
        self.transition(index, Transition::Suspend)
    }

    /// Reinstates entry `index`: suspended → valid; anything else is an
    /// error naming the current status.
    pub fn reinstate(&mut self, index: u64) -> Result<(), StatusError> {
        self.transition(index, Transition::Reinstate)
    }

    /// The CBOR `StatusList` map: `{"bits": bits, "lst": zlib(bytes)}`.
    fn to_value(&self) -> Value {
        Value::Map(vec![
            (
                Value::Text(MEMBER_BITS.into()),
                Value::Integer(self.bits.into()),
            ),
            (
                Value::Text(MEMBER_LST.into()),
                Value::Bytes(self.compress()),
            ),
        ])
    }

    /// Reads a CBOR `StatusList` map strictly: `bits` is checked before
    /// `lst` is inflated.
    pub(crate) fn from_value(value: Value) -> Result<Self, StatusError> {
        let Value::Map(entries) = value else {
            return Err(malformed("status_list (65533) is not a map"));
        };
        let (mut bits, mut lst) = (None, None);
        for (k, v) in entries {
            let Value::Text(k) = k else {
                return Err(malformed("a status_list member name is not a text string"));
            };
            match k.as_str() {
                MEMBER_BITS => match v {
                    Value::Integer(i) => {
                        bits = Some(u64::try_from(i).map_err(|_| {
                            malformed("status_list.bits is not an unsigned integer")
                        })?)
                    }
                    _ => return Err(malformed("status_list.bits is not an unsigned integer")),
                },
                MEMBER_LST => match v {
                    Value::Bytes(b) => lst = Some(b),
                    _ => return Err(malformed("status_list.lst is not a byte string")),
                },
                MEMBER_AGGREGATION_URI => {
                    return Err(malformed(
                        "status_list.aggregation_uri is not used by this profile",
                    ))
                }
                other => return Err(malformed(format!("unknown status_list member {other:?}"))),
            }
        }
        let bits = bits.ok_or_else(|| malformed("status_list.bits is missing"))?;
        let lst = lst.ok_or_else(|| malformed("status_list.lst is missing"))?;
        Self::decompress(bits, &lst)
    }
}

/// A status list token: the CWT claims set an authority signs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusListToken {
    subject: String,
    issued_at: i64,
    expires: Option<i64>,
    ttl: Option<u64>,
    list: StatusList,
}

fn check_subject(subject: &str) -> Result<(), StatusError> {
    if subject.is_empty() || subject.len() > MAX_SUBJECT_LEN {
        return Err(malformed(format!(
            "sub is {} bytes long; it must be 1 to {MAX_SUBJECT_LEN}",
            subject.len()
        )));
    }
    // A URI (RFC 3986): a scheme, then no spaces or control characters.
    let scheme_ok = subject.split_once(':').is_some_and(|(scheme, _)| {
        let mut chars = scheme.chars();
        chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    });
    if !scheme_ok || subject.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(malformed(format!("sub {subject:?} is not a URI")));
    }
    Ok(())
}

fn check_time(field: &str, t: u64) -> Result<i64, StatusError> {
    i64::try_from(t)
        .ok()
        .filter(|t| *t <= MAX_TIME)
        .ok_or_else(|| malformed(format!("{field} is after the year 9999")))
}

impl StatusListToken {
    /// A token for `list`, named `subject` (a URI; see [`subject_for`]),
    /// issued at `issued_at`, expiring at `expires` (after `issued_at`) and
    /// with a time to live of `ttl` seconds (positive), all optional but
    /// recommended by the draft.
    pub fn new(
        subject: impl Into<String>,
        issued_at: i64,
        expires: Option<i64>,
        ttl: Option<u64>,
        list: StatusList,
    ) -> Result<Self, StatusError> {
        let subject = subject.into();
        check_subject(&subject)?;
        if !(0..=MAX_TIME).contains(&issued_at) {
            return Err(malformed("iat must be between 1970 and 9999"));
        }
        if let Some(exp) = expires {
            if exp <= issued_at || exp > MAX_TIME {
                return Err(malformed(
                    "exp must be after iat and no later than the year 9999",
                ));
            }
        }
        if let Some(ttl) = ttl {
            if ttl == 0 || ttl > MAX_TIME as u64 {
                return Err(malformed(
                    "ttl must be a positive number of seconds, at most 253402300799",
                ));
            }
        }
        Ok(Self {
            subject,
            issued_at,
            expires,
            ttl,
            list,
        })
    }

    /// The subject: the status list's URI.
    pub fn subject(&self) -> &str {
        &self.subject
    }
    /// Time of issue (`iat`), Unix seconds.
    pub fn issued_at(&self) -> i64 {
        self.issued_at
    }
    /// Expiration time (`exp`), if any.
    pub fn expires(&self) -> Option<i64> {
        self.expires
    }
    /// Time to live (`ttl`) in seconds, if any.
    pub fn ttl(&self) -> Option<u64> {
        self.ttl
    }
    /// The list.
    pub fn list(&self) -> &StatusList {
        &self.list
    }
    /// Consumes the token and returns the list.
    pub fn into_list(self) -> StatusList {
        self.list
    }
    /// The status of entry `index` (see [`StatusList::get`]).
    pub fn status(&self, index: u64) -> Result<Status, StatusError> {
        self.list.get(index)
    }

    /// Refuses a token whose `iat` lies beyond `now + leeway`
    /// ([`StatusError::IssuedInFuture`]).
    pub fn check_not_future(&self, now: UnixTime, leeway: i64) -> Result<(), StatusError> {
        let now = now.as_secs();
        if self.issued_at > now.saturating_add(leeway) {
            return Err(StatusError::IssuedInFuture {
                issued_at: self.issued_at,
                now,
                leeway,
            });
        }
        Ok(())
    }

    /// Freshness at `now` for a verifier that accepts lists up to `max_age`
    /// seconds old: stale when `now > iat + max_age`, when `now ≥ exp`, or
    /// when `now > iat + ttl`. The time to live counts from `iat`, not from
    /// when the list was fetched (an offline verifier does not know that;
    /// draft §13.7 allows either).
    pub fn freshness(&self, now: UnixTime, max_age: i64) -> Freshness {
        let now = now.as_secs();
        let mut limits = Vec::with_capacity(3);
        if let Some(exp) = self.expires {
            limits.push((exp - 1, StaleCause::Expired));
        }
        if let Some(ttl) = self.ttl {
            limits.push((
                self.issued_at.saturating_add(ttl as i64),
                StaleCause::TtlElapsed,
            ));
        }
        limits.push((self.issued_at.saturating_add(max_age), StaleCause::MaxAge));
        // The earliest limit; on a tie, the first pushed (exp, then ttl).
        let (until, cause) = limits
            .into_iter()
            .reduce(|a, b| if b.0 < a.0 { b } else { a })
            .expect("max_age is always present");
        if now > until {
            Freshness::Stale { cause, until }
        } else {
            Freshness::Fresh { until }
        }
    }

    /// Encodes the CWT claims set, deterministically (RFC 8949 §4.2.1).
    /// The list is compressed here.
    pub fn to_claims(&self) -> Vec<u8> {
        let mut claims = Vec::with_capacity(5);
        claims.push((
            Value::Integer(CLAIM_SUB.into()),
            Value::Text(self.subject.clone()),
        ));
        if let Some(exp) = self.expires {
            claims.push((Value::Integer(CLAIM_EXP.into()), Value::Integer(exp.into())));
        }
        claims.push((
            Value::Integer(CLAIM_IAT.into()),
            Value::Integer(self.issued_at.into()),
        ));
        claims.push((
            Value::Integer(CLAIM_STATUS_LIST.into()),
            self.list.to_value(),
        ));
        if let Some(ttl) = self.ttl {
            claims.push((Value::Integer(CLAIM_TTL.into()), Value::Integer(ttl.into())));
        }
        cbor::encode(&Value::Map(claims))
    }

    /// Decodes a CWT claims set strictly: unknown claims, wrong types,
    /// missing claims and values out of range are refused, each with a
    /// message naming the claim; `bits` is checked before `lst` is inflated.
    pub fn from_claims(bytes: &[u8]) -> Result<Self, StatusError> {
        let value = cbor::decode(bytes, &CLAIMS_LIMITS)?;
        let Value::Map(entries) = value else {
            return Err(malformed("the claims set is not a map"));
        };
        let (mut sub, mut iat, mut exp, mut ttl, mut list) = (None, None, None, None, None);
        for (k, v) in entries {
            let key = match k {
                Value::Integer(i) => i128::from(i),
                _ => return Err(malformed("a claim key is not an integer")),
            };
            let uint = |v: &Value, name: &str| match v {
                Value::Integer(i) => u64::try_from(*i)
                    .map_err(|_| malformed(format!("{name} is not an unsigned integer"))),
                _ => Err(malformed(format!("{name} is not an unsigned integer"))),
            };
            match i64::try_from(key).unwrap_or(i64::MIN) {
                CLAIM_SUB => match v {
                    Value::Text(t) => sub = Some(t),
                    _ => return Err(malformed("sub (2) is not a text string")),
                },
                CLAIM_IAT => iat = Some(check_time("iat (6)", uint(&v, "iat (6)")?)?),
                CLAIM_EXP => exp = Some(check_time("exp (4)", uint(&v, "exp (4)")?)?),
                CLAIM_TTL => ttl = Some(uint(&v, "ttl (65534)")?),
                CLAIM_STATUS_LIST => list = Some(v),
                _ => return Err(malformed(format!("unknown claim {key}"))),
            }
        }
        let sub = sub.ok_or_else(|| malformed("sub (2) is missing"))?;
        let iat = iat.ok_or_else(|| malformed("iat (6) is missing"))?;
        let list = list.ok_or_else(|| malformed("status_list (65533) is missing"))?;
        // Cheap checks first: the list is inflated last.
        check_subject(&sub)?;
        if exp.is_some_and(|e| e <= iat) {
            return Err(malformed("exp (4) is not after iat (6)"));
        }
        if ttl.is_some_and(|t| t == 0 || t > MAX_TIME as u64) {
            return Err(malformed(
                "ttl (65534) must be a positive number of seconds, at most 253402300799",
            ));
        }
        let list = StatusList::from_value(list)?;
        Self::new(sub, iat, exp, ttl, list)
    }

    /// First step of signing: checks that `signer` may sign status lists
    /// (not a CA, extended key usage `status_list_signing`) and was valid at
    /// `iat`, and prepares the envelope of `typ` `application/statuslist+cwt`.
    pub fn prepare(&self, signer: &Certificate) -> Result<Prepared, StatusError> {
        Ok(crate::artifact::prepare(self, signer)?)
    }

    /// Signs the token in one step and returns the tagged COSE_Sign1 bytes.
    pub fn sign(&self, signer: &CertifiedSigner) -> Result<Vec<u8>, StatusError> {
        Ok(crate::artifact::sign(self, signer)?)
    }

    /// Verifies a status list token signed with `cert` and returns it with
    /// its freshness at `now` (see [`StatusListToken::freshness`]).
    ///
    /// `cert` is the authority's certificate, whose chain the caller has
    /// validated (`pki::validate_chain(cert, roots, Usage::StatusListSigning)`).
    /// In order: size, strict envelope with `typ` `application/statuslist+cwt`
    /// (a licence or a trust list is `COSE_TYP_MISMATCH`), `kid` equal to the
    /// certificate's (`SIGNER_UNKNOWN`), the certificate not a CA and
    /// authorised for status lists, strict Ed25519 signature, strict claims
    /// (the list is inflated only now, with its limit), the certificate
    /// valid at `iat`, and the subject equal to `expected_subject`
    /// (`STATUS_LIST_WRONG_SUBJECT`). Staleness is not an error here: the
    /// caller decides whether a stale list makes a licence INDETERMINATE or
    /// only earns a warning ([`VerifiedStatusList::require_fresh`] makes it
    /// an error).
    pub fn verify(
        cose: &[u8],
        cert: &Certificate,
        expected_subject: &str,
        now: UnixTime,
        max_age: i64,
    ) -> Result<VerifiedStatusList, StatusError> {
        if cose.len() > MAX_TOKEN_LEN {
            return Err(EnvelopeError::TooLarge {
                len: cose.len(),
                limit: MAX_TOKEN_LEN,
            }
            .into());
        }
        let sign1 = crate::artifact::open(
            cose,
            ArtifactType::StatusList,
            <Self as Artifact>::ROLE,
            cert,
        )?;
        let token = Self::from_claims(sign1.payload())?;
        cert.check_time(token.issued_at)?;
        if token.subject != expected_subject {
            return Err(StatusError::WrongSubject {
                expected: expected_subject.to_owned(),
                found: token.subject,
            });
        }
        let freshness = token.freshness(now, max_age);
        Ok(VerifiedStatusList { token, freshness })
    }
}

impl Artifact for StatusListToken {
    const TYPE: ArtifactType = ArtifactType::StatusList;
    const ROLE: SignerRole = SignerRole::Authority(Usage::StatusListSigning);
    fn payload(&self) -> Vec<u8> {
        self.to_claims()
    }
    fn issued_at(&self) -> i64 {
        self.issued_at
    }
}

/// A verified status list token and whether it is fresh.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedStatusList {
    /// The token, authenticated.
    pub token: StatusListToken,
    /// Its freshness at the time given to [`StatusListToken::verify`].
    pub freshness: Freshness,
}

impl VerifiedStatusList {
    /// The status of entry `index`, fresh or not (see [`StatusList::get`]).
    pub fn status(&self, index: u64) -> Result<Status, StatusError> {
        self.token.status(index)
    }

    /// The token if fresh, else [`StatusError::Stale`] (`STATUS_LIST_STALE`).
    pub fn require_fresh(self) -> Result<StatusListToken, StatusError> {
        match self.freshness {
            Freshness::Fresh { .. } => Ok(self.token),
            Freshness::Stale { cause, until } => Err(StatusError::Stale { cause, until }),
        }
    }
}

#[cfg(test)]
mod tests;
