//! Chinese identifiers and codes: GB/T 36904 licence identifiers, GB 32100
//! unified social credit codes, GB 11643 resident identity numbers and
//! GB/T 2260 region codes.
//!
//! Every parser here accepts any `&str` without panicking: lengths are
//! checked (in bytes) before any per-character work, characters are examined
//! as bytes, and no string is sliced except at positions already proven to be
//! ASCII. A valid code of every kind is pure ASCII, so a multi-byte character
//! is always reported as an invalid character or a wrong length.
//!
//! The check-character algorithms and their test vectors are in
//! `shared/vectors/china-codes.json`:
//!
//! * licence identifiers: ISO/IEC 7064 MOD 37,36 (hybrid system,
//!   GB/T 17710-2008) over `0-9A-Z` — [`mod37_36_check`];
//! * unified social credit codes: GB 32100 MOD 31 — [`mod31_check`];
//! * resident identity numbers: ISO 7064 MOD 11-2 — [`mod11_2_check`].
//!
//! Every error is an [`IdentifierError`], which names the kind of identifier
//! (or the part of a licence identifier) that failed and maps to
//! [`ReasonCode::IdentifierMalformed`] or, for a wrong check character only,
//! [`ReasonCode::IdentifierCheckFailed`].

use core::fmt;
use core::str::FromStr;

use chrono::NaiveDate;
use serde::de::{self, Deserialize, Deserializer};
use serde::{Serialize, Serializer};

use crate::ReasonCode;

mod packed;
pub use packed::{PACKED_CREDIT_LEN, PACKED_TYPE_LEN};

/// The GB/T 36904 object-identifier root that every licence identifier starts
/// with (without the trailing dot).
pub const IDENTIFIER_ROOT: &str = "1.2.156.3005.2";

// ---------------------------------------------------------------------------
// Kinds (used in error messages: "the {kind} ...").

const KIND_REGION: &str = "GB/T 2260 region code";
const KIND_CREDIT: &str = "unified social credit code";
const KIND_RESIDENT: &str = "resident identity number";
const KIND_TYPE: &str = "licence type code";
const KIND_MINISTRY: &str = "ministry credit code in the licence type code";
const KIND_AUTHORITY: &str = "issuing authority code";
const KIND_SERIAL: &str = "licence serial number";
const KIND_VERSION: &str = "licence version";
const KIND_CHECK: &str = "licence identifier check character";
const KIND_IDENTIFIER: &str = "licence identifier";

// ---------------------------------------------------------------------------
// Alphabets and weights.

/// ISO/IEC 7064 MOD 37,36 alphabet: values 0..=35.
const ALNUM36: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
/// GB 32100 alphabet (no I, O, S, V, Z): values 0..=30.
const CREDIT_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// GB 32100 weights for the first 17 characters.
const CREDIT_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];
/// GB 11643 weights for the first 17 digits.
const RESIDENT_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// GB 11643 check characters indexed by the weighted sum mod 11.
const RESIDENT_CHECKS: &[u8; 11] = b"10X98765432";

/// Length of a unified social credit code.
const CREDIT_LEN: usize = 18;
/// Length of a resident identity number.
const RESIDENT_LEN: usize = 18;
/// Length of a region code.
const REGION_LEN: usize = 6;
/// Length of a licence type code.
const TYPE_LEN: usize = 21;
/// Shortest and longest licence serial number.
const SERIAL_MIN: usize = 1;
const SERIAL_MAX: usize = 64;
/// Length of the written version.
const VERSION_LEN: usize = 3;
/// Shortest licence identifier: root, dot, type code, dot, 6-digit region,
/// dot, 1-char serial, dot, version, dot, check.
const IDENTIFIER_MIN: usize = IDENTIFIER_ROOT.len()
    + 1
    + TYPE_LEN
    + 1
    + REGION_LEN
    + 1
    + SERIAL_MIN
    + 1
    + VERSION_LEN
    + 1
    + 1;
/// Longest licence identifier: credit-code authority and 64-char serial.
const IDENTIFIER_MAX: usize = IDENTIFIER_ROOT.len()
    + 1
    + TYPE_LEN
    + 1
    + CREDIT_LEN
    + 1
    + SERIAL_MAX
    + 1
    + VERSION_LEN
    + 1
    + 1;

fn alnum36_value(b: u8) -> Option<u32> {
    match b {
        b'0'..=b'9' => Some(u32::from(b - b'0')),
        b'A'..=b'Z' => Some(u32::from(b - b'A') + 10),
        _ => None,
    }
}

fn credit_value(b: u8) -> Option<u32> {
    CREDIT_ALPHABET
        .iter()
        .position(|&c| c == b)
        .and_then(|p| u32::try_from(p).ok())
}

/// MOD 37,36 over several byte slices taken as one string; `None` if a byte
/// is outside `0-9A-Z`.
fn mod37_36_parts(parts: &[&[u8]]) -> Option<u8> {
    let mut p: u32 = 36;
    for part in parts {
        for &b in part.iter() {
            p = (p + alnum36_value(b)?) % 36;
            if p == 0 {
                p = 36;
            }
            p = (p * 2) % 37;
        }
    }
    ALNUM36.get(((37 - p) % 36) as usize).copied()
}

fn mod31_bytes(first17: &[u8]) -> Option<u8> {
    if first17.len() != CREDIT_WEIGHTS.len() {
        return None;
    }
    let mut sum: u32 = 0;
    for (&b, &w) in first17.iter().zip(CREDIT_WEIGHTS.iter()) {
        sum += credit_value(b)? * w;
    }
    CREDIT_ALPHABET
        .get(((31 - sum % 31) % 31) as usize)
        .copied()
}

fn mod11_2_bytes(first17: &[u8]) -> Option<u8> {
    if first17.len() != RESIDENT_WEIGHTS.len() {
        return None;
    }
    let mut sum: u32 = 0;
    for (&b, &w) in first17.iter().zip(RESIDENT_WEIGHTS.iter()) {
        if !b.is_ascii_digit() {
            return None;
        }
        sum += u32::from(b - b'0') * w;
    }
    RESIDENT_CHECKS.get((sum % 11) as usize).copied()
}

/// Computes the ISO/IEC 7064 MOD 37,36 check character (hybrid system,
/// GB/T 17710-2008) of `data` over the alphabet `0-9A-Z`.
///
/// This is the check character of a GB/T 36904 licence identifier, computed
/// over type code + authority code + serial + version with no root and no
/// dots. Returns `None` if `data` contains a character outside `0-9A-Z`
/// (lower-case letters included). The empty string has check character `1`.
pub fn mod37_36_check(data: &str) -> Option<char> {
    mod37_36_parts(&[data.as_bytes()]).map(char::from)
}

/// Computes the GB 32100 MOD 31 check character of the first 17 characters
/// of a unified social credit code.
///
/// Returns `None` unless `first17` is exactly 17 characters from the
/// alphabet `0123456789ABCDEFGHJKLMNPQRTUWXY`.
pub fn mod31_check(first17: &str) -> Option<char> {
    mod31_bytes(first17.as_bytes()).map(char::from)
}

/// Computes the GB 11643 (ISO 7064 MOD 11-2) check character of the first 17
/// digits of a resident identity number: a digit or `X`.
///
/// Returns `None` unless `first17` is exactly 17 ASCII digits.
pub fn mod11_2_check(first17: &str) -> Option<char> {
    mod11_2_bytes(first17.as_bytes()).map(char::from)
}

// ---------------------------------------------------------------------------
// Errors.

/// Why an identifier or code was rejected.
///
/// `kind` names what failed: a whole identifier (`"unified social credit
/// code"`, `"resident identity number"`, `"licence identifier"`, ...) or one
/// part of a licence identifier (`"licence serial number"`, `"issuing
/// authority code"`, `"ministry credit code in the licence type code"`, ...).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IdentifierError {
    /// The input does not have the one length its kind allows.
    #[error(
        "the {kind} must be {expected} characters long, but the input is {found_bytes} bytes long"
    )]
    WrongLength {
        /// What was being parsed.
        kind: &'static str,
        /// The required length in characters (all valid characters are ASCII).
        expected: usize,
        /// The input's length in UTF-8 bytes (its character count if ASCII).
        found_bytes: usize,
    },
    /// The input is shorter or longer than its kind allows.
    #[error("the {kind} must be {min} to {max} characters long, but the input is {found_bytes} bytes long")]
    LengthOutOfRange {
        /// What was being parsed.
        kind: &'static str,
        /// The shortest length allowed, in characters.
        min: usize,
        /// The longest length allowed, in characters.
        max: usize,
        /// The input's length in UTF-8 bytes (its character count if ASCII).
        found_bytes: usize,
    },
    /// A character is not allowed at its position.
    #[error(
        "the {kind} has the character {found:?} at position {position}, where it is not allowed"
    )]
    InvalidCharacter {
        /// What was being parsed.
        kind: &'static str,
        /// 1-based character position within the part named by `kind`.
        position: usize,
        /// The offending character.
        found: char,
    },
    /// The check character does not match the other characters.
    #[error("the {kind} ends in check character {found:?}, but its other characters require {expected:?}")]
    CheckCharacterMismatch {
        /// What was being parsed.
        kind: &'static str,
        /// The check character computed from the other characters.
        expected: char,
        /// The check character present in the input.
        found: char,
    },
    /// An embedded birth date is not a real calendar date on or after
    /// 1900-01-01.
    #[error("the {kind} contains the birth date {found}, which is not a real calendar date on or after 1900-01-01")]
    InvalidDate {
        /// What was being parsed.
        kind: &'static str,
        /// The eight digits `YYYYMMDD` found.
        found: String,
    },
    /// Six digits that should be a GB/T 2260 region code do not have its
    /// shape (the province part must be 11 to 82).
    #[error("the {kind} contains {found}, which is not a GB/T 2260 region code because its first two digits are not 11 to 82")]
    InvalidRegion {
        /// What was being parsed.
        kind: &'static str,
        /// The six digits found.
        found: String,
    },
    /// The overall structure is wrong (wrong root, wrong number of parts, a
    /// part of a length no variant allows).
    #[error("the {kind} is malformed: {problem}")]
    Structure {
        /// What was being parsed.
        kind: &'static str,
        /// What is wrong, as a phrase.
        problem: &'static str,
    },
    /// A licence version outside 1..=999 (written `001` to `999`).
    #[error("the licence version must be 1 to 999 (written 001 to 999), but it is {found}")]
    VersionOutOfRange {
        /// The version found.
        found: u16,
    },
}

impl IdentifierError {
    /// The stable reason code: [`ReasonCode::IdentifierCheckFailed`] for a
    /// wrong check character, [`ReasonCode::IdentifierMalformed`] otherwise.
    pub fn reason(&self) -> ReasonCode {
        match self {
            IdentifierError::CheckCharacterMismatch { .. } => ReasonCode::IdentifierCheckFailed,
            _ => ReasonCode::IdentifierMalformed,
        }
    }
}

/// The error for the first disallowed byte of `s`, at byte `index`.
///
/// Callers scan left to right and stop at the first disallowed byte, so every
/// byte before `index` is ASCII: `index` is a character boundary and the
/// 1-based character position is `index + 1`.
fn invalid_char(kind: &'static str, s: &str, index: usize) -> IdentifierError {
    let found = s
        .get(index..)
        .and_then(|t| t.chars().next())
        .unwrap_or(char::REPLACEMENT_CHARACTER);
    IdentifierError::InvalidCharacter {
        kind,
        position: index + 1,
        found,
    }
}

fn check_len(kind: &'static str, s: &str, expected: usize) -> Result<(), IdentifierError> {
    if s.len() == expected {
        Ok(())
    } else {
        Err(IdentifierError::WrongLength {
            kind,
            expected,
            found_bytes: s.len(),
        })
    }
}

/// Checks that every byte of `s` satisfies `ok(index, byte)`.
fn check_bytes(
    kind: &'static str,
    s: &str,
    ok: impl Fn(usize, u8) -> bool,
) -> Result<(), IdentifierError> {
    match s.bytes().enumerate().find(|&(i, b)| !ok(i, b)) {
        Some((i, _)) => Err(invalid_char(kind, s, i)),
        None => Ok(()),
    }
}

/// Shape of six region digits (already known to be ASCII digits).
fn region_shape_ok(digits: &[u8]) -> bool {
    match digits {
        [a, b, ..] => {
            let province = u32::from(a - b'0') * 10 + u32::from(b - b'0');
            (11..=82).contains(&province)
        }
        _ => false,
    }
}

// ---------------------------------------------------------------------------
// Shared string-type plumbing.

macro_rules! string_type {
    ($ty:ident, $de:path, $de_doc:literal) => {
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $ty {
            type Err = IdentifierError;

            /// Parses strictly (same as `parse`).
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $ty::parse(s)
            }
        }

        impl Serialize for $ty {
            /// Serialises as the plain string.
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            #[doc = $de_doc]
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let s = String::deserialize(deserializer)?;
                $de(&s).map_err(de::Error::custom)
            }
        }
    };
}

// ---------------------------------------------------------------------------
// RegionCode.

/// A GB/T 2260 administrative region code, e.g. `310000` (Shanghai) or
/// `340100` (Hefei).
///
/// Only the shape is checked: exactly six ASCII digits whose first two (the
/// province part) are 11 to 82. This rules out `000000` and other
/// all-zero-province codes, but not every unassigned code: the list of codes
/// changes over time and is not built in. Note that the central-level
/// digits `100000` found inside national credit codes are not a region code.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegionCode(String);

impl RegionCode {
    /// Parses a region code (shape only, see the type documentation).
    pub fn parse(s: &str) -> Result<Self, IdentifierError> {
        Self::parse_as(s, KIND_REGION)
    }

    fn parse_as(s: &str, kind: &'static str) -> Result<Self, IdentifierError> {
        check_len(kind, s, REGION_LEN)?;
        check_bytes(kind, s, |_, b| b.is_ascii_digit())?;
        if !region_shape_ok(s.as_bytes()) {
            return Err(IdentifierError::InvalidRegion {
                kind,
                found: s.to_owned(),
            });
        }
        Ok(RegionCode(s.to_owned()))
    }

    /// The six digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The province-level code: the first two digits followed by `0000`
    /// (e.g. `340100` → `340000`).
    pub fn province(&self) -> RegionCode {
        let mut s = String::with_capacity(REGION_LEN);
        s.push_str(self.0.get(..2).unwrap_or_default());
        s.push_str("0000");
        RegionCode(s)
    }
}

string_type!(
    RegionCode,
    RegionCode::parse,
    "Deserialises from a plain string with the strict parser."
);

// ---------------------------------------------------------------------------
// CreditCode.

/// A GB 32100-2015 unified social credit code (统一社会信用代码), e.g.
/// `11100000000013338W`.
///
/// 18 characters from `0123456789ABCDEFGHJKLMNPQRTUWXY`; characters 3 to 8
/// (1-based) must be digits (the registering body's region, not otherwise
/// checked); the 18th is the MOD 31 check character.
///
/// [`CreditCode::parse`] (and `FromStr`) reject a wrong check character.
/// [`CreditCode::parse_lenient`] accepts a code whose *only* fault is its
/// check character — a few early pilot codes in legal use fail the check —
/// and records it in [`CreditCode::check_valid`], so that a verifier can warn
/// ([`ReasonCode::HolderCodeCheckFailed`]) instead of rejecting.
/// Deserialisation is lenient and keeps that flag.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CreditCode {
    code: String,
    check_valid: bool,
}

impl CreditCode {
    /// Parses a credit code strictly: a wrong check character is an
    /// [`IdentifierError::CheckCharacterMismatch`].
    pub fn parse(s: &str) -> Result<Self, IdentifierError> {
        Self::parse_as(s, KIND_CREDIT, true)
    }

    /// Parses a credit code, accepting one whose only fault is a wrong check
    /// character (see [`CreditCode::check_valid`]). Every other fault is
    /// still an error.
    pub fn parse_lenient(s: &str) -> Result<Self, IdentifierError> {
        Self::parse_as(s, KIND_CREDIT, false)
    }

    fn parse_as(s: &str, kind: &'static str, strict: bool) -> Result<Self, IdentifierError> {
        check_len(kind, s, CREDIT_LEN)?;
        check_bytes(kind, s, |i, b| {
            if (2..8).contains(&i) {
                b.is_ascii_digit()
            } else {
                credit_value(b).is_some()
            }
        })?;
        let bytes = s.as_bytes();
        let (first17, found) = bytes.split_at(CREDIT_LEN - 1);
        let expected = mod31_bytes(first17).unwrap_or(b'0');
        let found = found.first().copied().unwrap_or(b'0');
        let check_valid = expected == found;
        if strict && !check_valid {
            return Err(IdentifierError::CheckCharacterMismatch {
                kind,
                expected: char::from(expected),
                found: char::from(found),
            });
        }
        Ok(CreditCode {
            code: s.to_owned(),
            check_valid,
        })
    }

    /// The 18 characters.
    pub fn as_str(&self) -> &str {
        &self.code
    }

    /// Whether the check character is right. Always `true` for a code from
    /// [`CreditCode::parse`]; may be `false` after
    /// [`CreditCode::parse_lenient`] or deserialisation.
    pub fn check_valid(&self) -> bool {
        self.check_valid
    }

    /// The check character the first 17 characters require (equal to the
    /// last character exactly when [`CreditCode::check_valid`]).
    pub fn expected_check_character(&self) -> char {
        char::from(
            self.code
                .as_bytes()
                .get(..CREDIT_LEN - 1)
                .and_then(mod31_bytes)
                .unwrap_or(b'0'),
        )
    }

    /// Characters 3 to 8: the six digits naming the registering body's
    /// region (`100000` for central-level bodies).
    pub fn region_digits(&self) -> &str {
        self.code.get(2..8).unwrap_or_default()
    }

    /// Characters 3 to 8 as a [`RegionCode`], or `None` when they do not
    /// have a region code's shape (e.g. `100000` for central-level bodies).
    pub fn region(&self) -> Option<RegionCode> {
        RegionCode::parse(self.region_digits()).ok()
    }
}

string_type!(
    CreditCode,
    CreditCode::parse_lenient,
    "Deserialises from a plain string **leniently** (see [`CreditCode::parse_lenient`]), keeping the check flag."
);

// ---------------------------------------------------------------------------
// ResidentId.

/// A GB 11643-1999 citizen identity number (公民身份号码), e.g.
/// `13043419840726291X`.
///
/// 17 digits and a MOD 11-2 check character (a digit or upper-case `X`).
/// Digits 1-6 must have a [`RegionCode`]'s shape; digits 7-14 are the birth
/// date `YYYYMMDD`, which must be a real calendar date (2023-02-29 is not)
/// on or after 1900-01-01. A date in the future is not rejected here: the
/// parser has no clock.
///
/// Only the canonical upper-case `X` is accepted: a lower-case `x` check
/// character is an [`IdentifierError::InvalidCharacter`]. Callers that take
/// user input may upper-case it first.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResidentId {
    code: String,
    birth_date: NaiveDate,
}

impl ResidentId {
    /// Parses a resident identity number strictly.
    pub fn parse(s: &str) -> Result<Self, IdentifierError> {
        let kind = KIND_RESIDENT;
        check_len(kind, s, RESIDENT_LEN)?;
        check_bytes(kind, s, |i, b| {
            b.is_ascii_digit() || (i == RESIDENT_LEN - 1 && b == b'X')
        })?;
        let bytes = s.as_bytes();
        if !region_shape_ok(&bytes[..REGION_LEN]) {
            return Err(IdentifierError::InvalidRegion {
                kind,
                found: s.get(..REGION_LEN).unwrap_or_default().to_owned(),
            });
        }
        let digits = |range: core::ops::Range<usize>| -> u32 {
            bytes[range]
                .iter()
                .fold(0u32, |acc, &b| acc * 10 + u32::from(b - b'0'))
        };
        let (year, month, day) = (digits(6..10), digits(10..12), digits(12..14));
        let date = i32::try_from(year)
            .ok()
            .and_then(|y| NaiveDate::from_ymd_opt(y, month, day))
            .filter(|d| *d >= NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN));
        let Some(birth_date) = date else {
            return Err(IdentifierError::InvalidDate {
                kind,
                found: s.get(6..14).unwrap_or_default().to_owned(),
            });
        };
        let expected = mod11_2_bytes(&bytes[..RESIDENT_LEN - 1]).unwrap_or(b'0');
        let found = bytes[RESIDENT_LEN - 1];
        if expected != found {
            return Err(IdentifierError::CheckCharacterMismatch {
                kind,
                expected: char::from(expected),
                found: char::from(found),
            });
        }
        Ok(ResidentId {
            code: s.to_owned(),
            birth_date,
        })
    }

    /// The 18 characters.
    pub fn as_str(&self) -> &str {
        &self.code
    }

    /// The birth date (digits 7-14).
    pub fn birth_date(&self) -> NaiveDate {
        self.birth_date
    }

    /// The region of first registration (digits 1-6).
    pub fn region(&self) -> RegionCode {
        RegionCode(self.code.get(..REGION_LEN).unwrap_or_default().to_owned())
    }
}

string_type!(
    ResidentId,
    ResidentId::parse,
    "Deserialises from a plain string with the strict parser."
);

// ---------------------------------------------------------------------------
// LicenceTypeCode.

/// A national licence type code: the defining ministry's 18-character unified
/// social credit code followed by a 3-digit sequence, e.g.
/// `11100000000013338W011`.
///
/// The ministry code is validated strictly, MOD 31 check character included:
/// every type code in `shared/vectors/china-codes.json`
/// (`11100000000013338W011`, `…W032`, `…W009`, `11100000MB03271699022`,
/// `11100000000013661B006`) passes the check. The sequence is any three
/// ASCII digits.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LicenceTypeCode(String);

impl LicenceTypeCode {
    /// Parses a licence type code strictly.
    pub fn parse(s: &str) -> Result<Self, IdentifierError> {
        check_len(KIND_TYPE, s, TYPE_LEN)?;
        // Characters first, over the whole code, so that the slice below is
        // on ASCII (character) boundaries.
        check_bytes(KIND_TYPE, s, |i, b| {
            if i < CREDIT_LEN {
                credit_value(b).is_some()
            } else {
                b.is_ascii_digit()
            }
        })?;
        CreditCode::parse_as(s.get(..CREDIT_LEN).unwrap_or_default(), KIND_MINISTRY, true)?;
        Ok(LicenceTypeCode(s.to_owned()))
    }

    /// The 21 characters.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The defining ministry's credit code (the first 18 characters).
    pub fn ministry_code(&self) -> &str {
        self.0.get(..CREDIT_LEN).unwrap_or_default()
    }

    /// The 3-digit sequence (the last 3 characters).
    pub fn sequence(&self) -> &str {
        self.0.get(CREDIT_LEN..).unwrap_or_default()
    }
}

string_type!(
    LicenceTypeCode,
    LicenceTypeCode::parse,
    "Deserialises from a plain string with the strict parser."
);

// ---------------------------------------------------------------------------
// AuthorityCode.

/// The issuing authority part of a licence identifier.
///
/// Usually the authority's 18-character unified social credit code; some
/// issued identifiers use the 6-digit region code instead (e.g.
/// `1.2.156.3005.2.11100000MB03271699022.340100.000000016.001.9`).
///
/// A credit code here is parsed **strictly**: a new identifier should never
/// carry a code that fails its check, and every authority code in the test
/// vectors passes MOD 31.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AuthorityCode {
    /// The authority's unified social credit code (18 characters).
    CreditCode(CreditCode),
    /// A GB/T 2260 region code (6 digits).
    Region(RegionCode),
}

impl AuthorityCode {
    /// Parses an authority code: 6 characters as a [`RegionCode`], 18 as a
    /// strict [`CreditCode`], any other length is an error.
    pub fn parse(s: &str) -> Result<Self, IdentifierError> {
        match s.len() {
            REGION_LEN => RegionCode::parse_as(s, KIND_AUTHORITY).map(AuthorityCode::Region),
            CREDIT_LEN => {
                CreditCode::parse_as(s, KIND_AUTHORITY, true).map(AuthorityCode::CreditCode)
            }
            _ => Err(IdentifierError::Structure {
                kind: KIND_AUTHORITY,
                problem:
                    "it must be a 6-digit region code or an 18-character unified social credit code",
            }),
        }
    }

    /// The code as written.
    pub fn as_str(&self) -> &str {
        match self {
            AuthorityCode::CreditCode(c) => c.as_str(),
            AuthorityCode::Region(r) => r.as_str(),
        }
    }
}

impl From<CreditCode> for AuthorityCode {
    fn from(c: CreditCode) -> Self {
        AuthorityCode::CreditCode(c)
    }
}

impl From<RegionCode> for AuthorityCode {
    fn from(r: RegionCode) -> Self {
        AuthorityCode::Region(r)
    }
}

string_type!(
    AuthorityCode,
    AuthorityCode::parse,
    "Deserialises from a plain string with the strict parser."
);

// ---------------------------------------------------------------------------
// LicenceIdentifier.

/// A GB/T 36904 licence identifier:
/// `1.2.156.3005.2.<type code>.<authority code>.<serial>.<version>.<check>`.
///
/// * type code: a [`LicenceTypeCode`] (21 characters);
/// * authority code: an [`AuthorityCode`] (18-character credit code or
///   6-digit region code);
/// * serial: 1 to 64 characters from `0-9A-Z` (upper case only);
/// * version: three digits `001` to `999`;
/// * check: the ISO/IEC 7064 MOD 37,36 check character
///   ([`mod37_36_check`]) of type code + authority code + serial + version,
///   concatenated without root or dots.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LicenceIdentifier {
    text: String,
    type_code: LicenceTypeCode,
    authority_code: AuthorityCode,
    serial: String,
    version: u16,
    check: char,
}

fn validate_serial(serial: &str) -> Result<(), IdentifierError> {
    if !(SERIAL_MIN..=SERIAL_MAX).contains(&serial.len()) {
        return Err(IdentifierError::LengthOutOfRange {
            kind: KIND_SERIAL,
            min: SERIAL_MIN,
            max: SERIAL_MAX,
            found_bytes: serial.len(),
        });
    }
    check_bytes(KIND_SERIAL, serial, |_, b| alnum36_value(b).is_some())
}

fn validate_version(version: u16) -> Result<(), IdentifierError> {
    if (1..=999).contains(&version) {
        Ok(())
    } else {
        Err(IdentifierError::VersionOutOfRange { found: version })
    }
}

impl LicenceIdentifier {
    /// Builds an identifier and computes its check character.
    ///
    /// Fails if `serial` is not 1 to 64 characters of `0-9A-Z` or `version`
    /// is not 1 to 999.
    pub fn new(
        type_code: LicenceTypeCode,
        authority_code: AuthorityCode,
        serial: &str,
        version: u16,
    ) -> Result<Self, IdentifierError> {
        validate_serial(serial)?;
        validate_version(version)?;
        let version_text = format!("{version:03}");
        let check = Self::compute_check(&type_code, &authority_code, serial, &version_text);
        let text = format!(
            "{IDENTIFIER_ROOT}.{}.{}.{serial}.{version_text}.{check}",
            type_code.as_str(),
            authority_code.as_str()
        );
        Ok(LicenceIdentifier {
            text,
            type_code,
            authority_code,
            serial: serial.to_owned(),
            version,
            check,
        })
    }

    fn compute_check(
        type_code: &LicenceTypeCode,
        authority_code: &AuthorityCode,
        serial: &str,
        version_text: &str,
    ) -> char {
        // Every part has been validated to be 0-9A-Z, so this is `Some`.
        mod37_36_parts(&[
            type_code.as_str().as_bytes(),
            authority_code.as_str().as_bytes(),
            serial.as_bytes(),
            version_text.as_bytes(),
        ])
        .map(char::from)
        .unwrap_or('0')
    }

    /// Parses an identifier strictly, verifying every part and the check
    /// character. A wrong check character is an
    /// [`IdentifierError::CheckCharacterMismatch`] naming the expected and
    /// the found character.
    pub fn parse(s: &str) -> Result<Self, IdentifierError> {
        let kind = KIND_IDENTIFIER;
        if !(IDENTIFIER_MIN..=IDENTIFIER_MAX).contains(&s.len()) {
            return Err(IdentifierError::LengthOutOfRange {
                kind,
                min: IDENTIFIER_MIN,
                max: IDENTIFIER_MAX,
                found_bytes: s.len(),
            });
        }
        let rest = s
            .strip_prefix(IDENTIFIER_ROOT)
            .and_then(|r| r.strip_prefix('.'))
            .ok_or(IdentifierError::Structure {
                kind,
                problem: "it does not start with the root 1.2.156.3005.2.",
            })?;
        let mut parts = rest.split('.');
        let (
            Some(type_part),
            Some(authority_part),
            Some(serial),
            Some(version_part),
            Some(check_part),
            None,
        ) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        )
        else {
            return Err(IdentifierError::Structure {
                kind,
                problem: "it must have exactly five dot-separated parts after the root (type code, authority code, serial, version, check character)",
            });
        };
        let type_code = LicenceTypeCode::parse(type_part)?;
        let authority_code = AuthorityCode::parse(authority_part)?;
        validate_serial(serial)?;
        check_len(KIND_VERSION, version_part, VERSION_LEN)?;
        check_bytes(KIND_VERSION, version_part, |_, b| b.is_ascii_digit())?;
        let version = version_part
            .bytes()
            .fold(0u16, |acc, b| acc * 10 + u16::from(b - b'0'));
        validate_version(version)?;
        check_len(KIND_CHECK, check_part, 1)?;
        check_bytes(KIND_CHECK, check_part, |_, b| alnum36_value(b).is_some())?;
        let found = check_part.chars().next().unwrap_or('\0');
        let expected = Self::compute_check(&type_code, &authority_code, serial, version_part);
        if expected != found {
            return Err(IdentifierError::CheckCharacterMismatch {
                kind,
                expected,
                found,
            });
        }
        Ok(LicenceIdentifier {
            text: s.to_owned(),
            type_code,
            authority_code,
            serial: serial.to_owned(),
            version,
            check: found,
        })
    }

    /// The full dotted identifier.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The licence type code.
    pub fn type_code(&self) -> &LicenceTypeCode {
        &self.type_code
    }

    /// The issuing authority code.
    pub fn authority_code(&self) -> &AuthorityCode {
        &self.authority_code
    }

    /// The serial number.
    pub fn serial(&self) -> &str {
        &self.serial
    }

    /// The version (1 to 999; written with three digits).
    pub fn version(&self) -> u16 {
        self.version
    }

    /// The MOD 37,36 check character.
    pub fn check_character(&self) -> char {
        self.check
    }
}

string_type!(
    LicenceIdentifier,
    LicenceIdentifier::parse,
    "Deserialises from a plain string with the strict parser."
);

// ---------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    /// A parser reduced to its verdict.
    type Parser = fn(&str) -> Result<(), IdentifierError>;

    fn vectors() -> Value {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/vectors/china-codes.json"
        ))
        .expect("read china-codes.json");
        serde_json::from_str(&text).expect("parse china-codes.json")
    }

    fn strings(v: &Value, path: &[&str]) -> Vec<String> {
        let mut cur = v;
        for p in path {
            cur = &cur[*p];
        }
        let list: Vec<String> = cur
            .as_array()
            .unwrap_or_else(|| panic!("{path:?} is not an array"))
            .iter()
            .map(|x| x.as_str().expect("string").to_owned())
            .collect();
        assert!(!list.is_empty(), "{path:?} is empty");
        list
    }

    /// A resident ID with a correct check character for the given 17 digits.
    fn resident_with_check(first17: &str) -> String {
        format!("{first17}{}", mod11_2_check(first17).expect("17 digits"))
    }

    // --- vectors ---

    #[test]
    fn vector_algorithms_match_the_json_descriptions() {
        let v = vectors();
        assert_eq!(
            v["unified_social_credit_code"]["alphabet"].as_str(),
            Some("0123456789ABCDEFGHJKLMNPQRTUWXY")
        );
        let weights: Vec<u64> = v["unified_social_credit_code"]["weights"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w.as_u64().unwrap())
            .collect();
        assert_eq!(
            weights,
            CREDIT_WEIGHTS
                .iter()
                .map(|&w| u64::from(w))
                .collect::<Vec<_>>()
        );
        let weights: Vec<u64> = v["resident_identity_number"]["weights"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w.as_u64().unwrap())
            .collect();
        assert_eq!(
            weights,
            RESIDENT_WEIGHTS
                .iter()
                .map(|&w| u64::from(w))
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn vector_valid_licence_identifiers() {
        let v = vectors();
        let valid = strings(&v, &["licence_identifier", "valid"]);
        assert_eq!(valid.len(), 5);
        let expected_checks = ['U', 'Y', 'F', '0', '9'];
        for (s, &want) in valid.iter().zip(expected_checks.iter()) {
            let id = LicenceIdentifier::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
            assert_eq!(id.to_string(), *s);
            assert_eq!(id.as_str(), s);
            assert_eq!(id.check_character(), want);
            assert_eq!(s.chars().last(), Some(want));
            let parts: Vec<&str> = s.split('.').collect();
            assert_eq!(parts.len(), 10);
            assert_eq!(parts[..5].join("."), IDENTIFIER_ROOT);
            assert_eq!(id.type_code().as_str(), parts[5]);
            assert_eq!(id.type_code().ministry_code(), &parts[5][..18]);
            assert_eq!(id.type_code().sequence(), &parts[5][18..]);
            assert_eq!(id.authority_code().as_str(), parts[6]);
            assert_eq!(id.serial(), parts[7]);
            assert_eq!(format!("{:03}", id.version()), parts[8]);
            // Independent check through the public function.
            let data = parts[5..9].concat();
            assert_eq!(mod37_36_check(&data), Some(want));
            // new() rebuilds the same identifier and check character.
            let rebuilt = LicenceIdentifier::new(
                id.type_code().clone(),
                id.authority_code().clone(),
                id.serial(),
                id.version(),
            )
            .unwrap();
            assert_eq!(rebuilt.check_character(), want);
            assert_eq!(rebuilt.as_str(), s);
            assert_eq!(rebuilt, id);
            // FromStr and serde agree.
            assert_eq!(s.parse::<LicenceIdentifier>().unwrap(), id);
            let json = serde_json::to_string(&id).unwrap();
            assert_eq!(json, format!("\"{s}\""));
            assert_eq!(
                serde_json::from_str::<LicenceIdentifier>(&json).unwrap(),
                id
            );
        }
        // Specific components.
        let first = LicenceIdentifier::parse(&valid[0]).unwrap();
        assert_eq!(first.type_code().ministry_code(), "11100000000013338W");
        assert_eq!(first.type_code().sequence(), "011");
        assert_eq!(first.serial(), "20230000403");
        assert_eq!(first.version(), 1);
        assert!(
            matches!(first.authority_code(), AuthorityCode::CreditCode(c)
            if c.as_str() == "11430000006122244L" && c.check_valid())
        );
        let second = LicenceIdentifier::parse(&valid[1]).unwrap();
        assert_eq!(second.version(), 3);
        // The region-code authority.
        let hefei = LicenceIdentifier::parse(&valid[4]).unwrap();
        assert_eq!(
            hefei.authority_code(),
            &AuthorityCode::Region(RegionCode::parse("340100").unwrap())
        );
        assert_eq!(hefei.type_code().ministry_code(), "11100000MB03271699");
        assert_eq!(hefei.type_code().sequence(), "022");
        assert_eq!(hefei.serial(), "000000016");
    }

    #[test]
    fn vector_invalid_check_character() {
        let v = vectors();
        let invalid = strings(&v, &["licence_identifier", "invalid_check_character"]);
        assert_eq!(invalid.len(), 1);
        let s = &invalid[0];
        let err = LicenceIdentifier::parse(s).unwrap_err();
        assert_eq!(
            err,
            IdentifierError::CheckCharacterMismatch {
                kind: "licence identifier",
                expected: 'D',
                found: 'M',
            }
        );
        assert_eq!(err.reason(), ReasonCode::IdentifierCheckFailed);
        assert_eq!(
            err.to_string(),
            "the licence identifier ends in check character 'M', but its other characters require 'D'"
        );
        // Fixing the check character makes it valid, with the 32-char hex serial.
        let fixed = format!("{}D", &s[..s.len() - 1]);
        let id = LicenceIdentifier::parse(&fixed).unwrap();
        assert_eq!(id.serial(), "209FA4E88F9E4C878F3E9BED2CE7EA49");
        assert_eq!(id.serial().len(), 32);
        assert_eq!(id.type_code().as_str(), "11100000000013661B006");
        // Lower-case hex serial is not accepted.
        let lower = fixed.replace(
            "209FA4E88F9E4C878F3E9BED2CE7EA49",
            "209fa4e88f9e4c878f3e9bed2ce7ea49",
        );
        assert_eq!(
            LicenceIdentifier::parse(&lower).unwrap_err(),
            IdentifierError::InvalidCharacter {
                kind: "licence serial number",
                position: 4,
                found: 'f',
            }
        );
        // The deserialiser is strict too.
        let json = format!("\"{s}\"");
        let e = serde_json::from_str::<LicenceIdentifier>(&json).unwrap_err();
        assert!(e.to_string().contains("require 'D'"), "{e}");
    }

    #[test]
    fn vector_iso7064_mod37_36() {
        let v = vectors();
        let list = strings(&v, &["licence_identifier", "iso7064_mod37_36_vectors"]);
        assert_eq!(list.len(), 3);
        let want = ['M', 'K', '3'];
        for (s, &w) in list.iter().zip(want.iter()) {
            let (data, check) = s.split_at(s.len() - 1);
            assert_eq!(check.chars().next(), Some(w));
            assert_eq!(mod37_36_check(data), Some(w), "{s}");
        }
    }

    #[test]
    fn vector_credit_codes() {
        let v = vectors();
        let valid = strings(&v, &["unified_social_credit_code", "valid"]);
        assert_eq!(valid.len(), 8);
        for s in &valid {
            let c = CreditCode::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
            assert_eq!(c.as_str(), s);
            assert_eq!(c.to_string(), *s);
            assert!(c.check_valid());
            assert_eq!(Some(c.expected_check_character()), s.chars().last());
            assert_eq!(mod31_check(&s[..17]), s.chars().last());
            assert_eq!(c.region_digits(), &s[2..8]);
            let lenient = CreditCode::parse_lenient(s).unwrap();
            assert_eq!(lenient, c);
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(json, format!("\"{s}\""));
            assert_eq!(serde_json::from_str::<CreditCode>(&json).unwrap(), c);
        }
        // Regions: central-level codes have none; local ones do.
        let central = CreditCode::parse("11100000000013338W").unwrap();
        assert_eq!(central.region_digits(), "100000");
        assert_eq!(central.region(), None);
        let hunan = CreditCode::parse("11430000006122244L").unwrap();
        assert_eq!(hunan.region(), Some(RegionCode::parse("430000").unwrap()));
        let wuhan = CreditCode::parse("11420503087246977F").unwrap();
        assert_eq!(wuhan.region().unwrap().as_str(), "420503");
        assert_eq!(wuhan.region().unwrap().province().as_str(), "420000");
    }

    #[test]
    fn vector_legal_but_failing_credit_code() {
        let v = vectors();
        let list = strings(
            &v,
            &["unified_social_credit_code", "legal_but_failing_check"],
        );
        assert_eq!(list, vec!["91350203M0001QAY9B".to_owned()]);
        let s = &list[0];
        let err = CreditCode::parse(s).unwrap_err();
        assert_eq!(
            err,
            IdentifierError::CheckCharacterMismatch {
                kind: "unified social credit code",
                expected: '9',
                found: 'B',
            }
        );
        assert_eq!(err.reason(), ReasonCode::IdentifierCheckFailed);
        assert_eq!(s.parse::<CreditCode>().unwrap_err(), err);
        let c = CreditCode::parse_lenient(s).unwrap();
        assert!(!c.check_valid());
        assert_eq!(c.as_str(), s);
        assert_eq!(c.expected_check_character(), '9');
        assert_eq!(c.region().unwrap().as_str(), "350203");
        // Serde is lenient and keeps the flag.
        let d: CreditCode = serde_json::from_str(&format!("\"{s}\"")).unwrap();
        assert!(!d.check_valid());
        assert_eq!(d, c);
        assert_eq!(serde_json::to_string(&d).unwrap(), format!("\"{s}\""));
        // Not accepted as an authority code in an identifier (strict).
        assert_eq!(
            AuthorityCode::parse(s).unwrap_err(),
            IdentifierError::CheckCharacterMismatch {
                kind: "issuing authority code",
                expected: '9',
                found: 'B',
            }
        );
    }

    #[test]
    fn vector_resident_id() {
        let v = vectors();
        let list = strings(&v, &["resident_identity_number", "valid"]);
        assert_eq!(list, vec!["13043419840726291X".to_owned()]);
        let s = &list[0];
        let id = ResidentId::parse(s).unwrap();
        assert_eq!(id.as_str(), s);
        assert_eq!(id.to_string(), *s);
        assert_eq!(
            id.birth_date(),
            NaiveDate::from_ymd_opt(1984, 7, 26).unwrap()
        );
        assert_eq!(id.region().as_str(), "130434");
        assert_eq!(mod11_2_check(&s[..17]), Some('X'));
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, format!("\"{s}\""));
        assert_eq!(serde_json::from_str::<ResidentId>(&json).unwrap(), id);
    }

    #[test]
    fn vector_type_codes_pass_mod31() {
        let v = vectors();
        let mut ids = strings(&v, &["licence_identifier", "valid"]);
        ids.extend(strings(
            &v,
            &["licence_identifier", "invalid_check_character"],
        ));
        let mut seen = Vec::new();
        for s in &ids {
            let t = s.split('.').nth(5).unwrap();
            let tc = LicenceTypeCode::parse(t).unwrap_or_else(|e| panic!("{t}: {e}"));
            assert_eq!(mod31_check(&t[..17]), t.chars().nth(17));
            assert_eq!(tc.to_string(), t);
            seen.push(t.to_owned());
        }
        seen.sort();
        seen.dedup();
        assert_eq!(
            seen,
            vec![
                "11100000000013338W009",
                "11100000000013338W011",
                "11100000000013338W032",
                "11100000000013661B006",
                "11100000MB03271699022",
            ]
        );
    }

    // --- check functions ---

    #[test]
    fn check_functions_reject_bad_input() {
        assert_eq!(mod37_36_check(""), Some('1'));
        assert_eq!(mod37_36_check("a"), None);
        assert_eq!(mod37_36_check("A1-"), None);
        assert_eq!(mod37_36_check("中"), None);
        assert_eq!(mod31_check("11100000000013338"), Some('W'));
        assert_eq!(mod31_check("1110000000001333"), None);
        assert_eq!(mod31_check("111000000000133380"), None);
        assert_eq!(mod31_check("1110000000001333I"), None);
        assert_eq!(mod31_check("1110000000001333w"), None);
        assert_eq!(mod31_check("中华人民共和"), None);
        assert_eq!(mod11_2_check("13043419840726291"), Some('X'));
        assert_eq!(mod11_2_check("1304341984072629"), None);
        assert_eq!(mod11_2_check("1304341984072629A"), None);
        assert_eq!(mod11_2_check(""), None);
    }

    // --- hostile input ---

    #[test]
    fn empty_strings() {
        assert_eq!(
            RegionCode::parse("").unwrap_err(),
            IdentifierError::WrongLength {
                kind: "GB/T 2260 region code",
                expected: 6,
                found_bytes: 0
            }
        );
        assert_eq!(
            CreditCode::parse("").unwrap_err(),
            IdentifierError::WrongLength {
                kind: "unified social credit code",
                expected: 18,
                found_bytes: 0
            }
        );
        assert_eq!(
            CreditCode::parse_lenient("").unwrap_err(),
            IdentifierError::WrongLength {
                kind: "unified social credit code",
                expected: 18,
                found_bytes: 0
            }
        );
        assert_eq!(
            ResidentId::parse("").unwrap_err(),
            IdentifierError::WrongLength {
                kind: "resident identity number",
                expected: 18,
                found_bytes: 0
            }
        );
        assert_eq!(
            LicenceTypeCode::parse("").unwrap_err(),
            IdentifierError::WrongLength {
                kind: "licence type code",
                expected: 21,
                found_bytes: 0
            }
        );
        assert_eq!(
            AuthorityCode::parse("").unwrap_err(),
            IdentifierError::Structure {
                kind: "issuing authority code",
                problem:
                    "it must be a 6-digit region code or an 18-character unified social credit code",
            }
        );
        let e = LicenceIdentifier::parse("").unwrap_err();
        assert_eq!(
            e,
            IdentifierError::LengthOutOfRange {
                kind: "licence identifier",
                min: 51,
                max: 126,
                found_bytes: 0
            }
        );
        assert_eq!(e.reason(), ReasonCode::IdentifierMalformed);
        assert_eq!(
            e.to_string(),
            "the licence identifier must be 51 to 126 characters long, but the input is 0 bytes long"
        );
    }

    #[test]
    fn huge_input_is_rejected_by_length() {
        let huge = "A".repeat(1 << 20);
        assert!(matches!(
            LicenceIdentifier::parse(&huge).unwrap_err(),
            IdentifierError::LengthOutOfRange { found_bytes, .. } if found_bytes == 1 << 20
        ));
        assert!(matches!(
            CreditCode::parse_lenient(&huge).unwrap_err(),
            IdentifierError::WrongLength { expected: 18, found_bytes, .. } if found_bytes == 1 << 20
        ));
        assert!(matches!(
            ResidentId::parse(&huge).unwrap_err(),
            IdentifierError::WrongLength { expected: 18, .. }
        ));
        assert!(matches!(
            RegionCode::parse(&huge).unwrap_err(),
            IdentifierError::WrongLength { expected: 6, .. }
        ));
        assert!(matches!(
            LicenceTypeCode::parse(&huge).unwrap_err(),
            IdentifierError::WrongLength { expected: 21, .. }
        ));
        assert!(matches!(
            AuthorityCode::parse(&huge).unwrap_err(),
            IdentifierError::Structure { .. }
        ));
        let type_code = LicenceTypeCode::parse("11100000000013338W011").unwrap();
        let authority = AuthorityCode::parse("340100").unwrap();
        assert_eq!(
            LicenceIdentifier::new(type_code, authority, &huge, 1).unwrap_err(),
            IdentifierError::LengthOutOfRange {
                kind: "licence serial number",
                min: 1,
                max: 64,
                found_bytes: 1 << 20
            }
        );
    }

    #[test]
    fn chinese_characters() {
        // 6 Chinese characters are 18 bytes: the length matches, the characters do not.
        let e = CreditCode::parse("中华人民共和").unwrap_err();
        assert_eq!(
            e,
            IdentifierError::InvalidCharacter {
                kind: "unified social credit code",
                position: 1,
                found: '中'
            }
        );
        assert_eq!(
            e.to_string(),
            "the unified social credit code has the character '中' at position 1, where it is not allowed"
        );
        assert_eq!(
            CreditCode::parse("中华人民共和国").unwrap_err(),
            IdentifierError::WrongLength {
                kind: "unified social credit code",
                expected: 18,
                found_bytes: 21
            }
        );
        // A multi-byte character after ASCII: position is the character position.
        assert_eq!(
            CreditCode::parse_lenient("11100000000013中W").unwrap_err(),
            IdentifierError::InvalidCharacter {
                kind: "unified social credit code",
                position: 15,
                found: '中'
            }
        );
        assert_eq!(
            ResidentId::parse("130434198407262中").unwrap_err(),
            IdentifierError::InvalidCharacter {
                kind: "resident identity number",
                position: 16,
                found: '中'
            }
        );
        assert_eq!(
            RegionCode::parse("北京").unwrap_err(),
            IdentifierError::InvalidCharacter {
                kind: "GB/T 2260 region code",
                position: 1,
                found: '北'
            }
        );
        // Type code: 18 ASCII + one 3-byte character = 21 bytes.
        assert_eq!(
            LicenceTypeCode::parse("11100000000013338W证").unwrap_err(),
            IdentifierError::InvalidCharacter {
                kind: "licence type code",
                position: 19,
                found: '证'
            }
        );
        // A Chinese serial inside an identifier.
        let s = "1.2.156.3005.2.11100000MB03271699022.340100.证照.001.9";
        assert_eq!(
            LicenceIdentifier::parse(s).unwrap_err(),
            IdentifierError::InvalidCharacter {
                kind: "licence serial number",
                position: 1,
                found: '证'
            }
        );
        // A Chinese check character.
        let s = "1.2.156.3005.2.11100000MB03271699022.340100.000000016.001.九";
        assert_eq!(
            LicenceIdentifier::parse(s).unwrap_err(),
            IdentifierError::WrongLength {
                kind: "licence identifier check character",
                expected: 1,
                found_bytes: 3
            }
        );
        // Full-width dots instead of ASCII dots.
        let s = "1.2.156.3005.2.11100000MB03271699022。340100。000000016。001。9";
        assert_eq!(
            LicenceIdentifier::parse(s).unwrap_err(),
            IdentifierError::Structure {
                kind: "licence identifier",
                problem: "it must have exactly five dot-separated parts after the root (type code, authority code, serial, version, check character)",
            }
        );
    }

    #[test]
    fn lowercase_is_rejected() {
        assert_eq!(
            CreditCode::parse("11100000000013338w").unwrap_err(),
            IdentifierError::InvalidCharacter {
                kind: "unified social credit code",
                position: 18,
                found: 'w'
            }
        );
        assert_eq!(
            CreditCode::parse_lenient("11100000mb0341032Y").unwrap_err(),
            IdentifierError::InvalidCharacter {
                kind: "unified social credit code",
                position: 9,
                found: 'm'
            }
        );
        // Lower-case x check character: rejected, canonical upper case only.
        let e = ResidentId::parse("13043419840726291x").unwrap_err();
        assert_eq!(
            e,
            IdentifierError::InvalidCharacter {
                kind: "resident identity number",
                position: 18,
                found: 'x'
            }
        );
        assert_eq!(e.reason(), ReasonCode::IdentifierMalformed);
        let s = "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.u";
        assert_eq!(
            LicenceIdentifier::parse(s).unwrap_err(),
            IdentifierError::InvalidCharacter {
                kind: "licence identifier check character",
                position: 1,
                found: 'u'
            }
        );
        let s = "1.2.156.3005.2.11100000000013338w011.11430000006122244L.20230000403.001.U";
        assert_eq!(
            LicenceIdentifier::parse(s).unwrap_err(),
            IdentifierError::InvalidCharacter {
                kind: "licence type code",
                position: 18,
                found: 'w'
            }
        );
    }

    #[test]
    fn credit_code_structure() {
        // Letters excluded from the GB 32100 alphabet.
        for (bad, pos) in [('I', 10), ('O', 11), ('S', 12), ('V', 13), ('Z', 14)] {
            let mut s = String::from("11100000MB0341032Y");
            s.replace_range(pos - 1..pos, &bad.to_string());
            assert_eq!(
                CreditCode::parse_lenient(&s).unwrap_err(),
                IdentifierError::InvalidCharacter {
                    kind: "unified social credit code",
                    position: pos,
                    found: bad
                }
            );
        }
        // Characters 3-8 must be digits.
        assert_eq!(
            CreditCode::parse_lenient("11A00000000013338W").unwrap_err(),
            IdentifierError::InvalidCharacter {
                kind: "unified social credit code",
                position: 3,
                found: 'A'
            }
        );
        assert_eq!(
            CreditCode::parse_lenient("1110000A000013338W").unwrap_err(),
            IdentifierError::InvalidCharacter {
                kind: "unified social credit code",
                position: 8,
                found: 'A'
            }
        );
        // Lenient does not excuse a check character outside the alphabet.
        assert_eq!(
            CreditCode::parse_lenient("11100000000013338Z").unwrap_err(),
            IdentifierError::InvalidCharacter {
                kind: "unified social credit code",
                position: 18,
                found: 'Z'
            }
        );
        // A wrong check character: strict vs lenient.
        assert_eq!(
            CreditCode::parse("11100000000013338X").unwrap_err(),
            IdentifierError::CheckCharacterMismatch {
                kind: "unified social credit code",
                expected: 'W',
                found: 'X'
            }
        );
        assert!(!CreditCode::parse_lenient("11100000000013338X")
            .unwrap()
            .check_valid());
        // Length.
        assert_eq!(
            CreditCode::parse("11100000000013338").unwrap_err(),
            IdentifierError::WrongLength {
                kind: "unified social credit code",
                expected: 18,
                found_bytes: 17
            }
        );
        assert_eq!(
            CreditCode::parse("11100000000013338W0").unwrap_err(),
            IdentifierError::WrongLength {
                kind: "unified social credit code",
                expected: 18,
                found_bytes: 19
            }
        );
        // Deserialisation of a malformed code fails even though it is lenient.
        assert!(serde_json::from_str::<CreditCode>("\"11100000000013338\"")
            .unwrap_err()
            .to_string()
            .contains("must be 18 characters long"));
    }

    #[test]
    fn resident_id_dates_and_regions() {
        // 2023-02-29 does not exist.
        let s = resident_with_check("13043420230229291");
        assert_eq!(
            ResidentId::parse(&s).unwrap_err(),
            IdentifierError::InvalidDate {
                kind: "resident identity number",
                found: "20230229".to_owned()
            }
        );
        // 2024-02-29 does.
        let s = resident_with_check("13043420240229291");
        assert_eq!(
            ResidentId::parse(&s).unwrap().birth_date(),
            NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()
        );
        // 1900-02-29 does not (1900 is not a leap year).
        let s = resident_with_check("13043419000229291");
        assert!(
            matches!(ResidentId::parse(&s).unwrap_err(), IdentifierError::InvalidDate { found, .. } if found == "19000229")
        );
        // Before 1900.
        let s = resident_with_check("13043418991231291");
        let e = ResidentId::parse(&s).unwrap_err();
        assert_eq!(
            e,
            IdentifierError::InvalidDate {
                kind: "resident identity number",
                found: "18991231".to_owned()
            }
        );
        assert_eq!(
            e.to_string(),
            "the resident identity number contains the birth date 18991231, which is not a real calendar date on or after 1900-01-01"
        );
        // 1900-01-01 is the earliest.
        let s = resident_with_check("13043419000101291");
        assert_eq!(
            ResidentId::parse(&s).unwrap().birth_date(),
            NaiveDate::from_ymd_opt(1900, 1, 1).unwrap()
        );
        // Month 13 and day 00.
        let s = resident_with_check("13043419841301291");
        assert!(matches!(
            ResidentId::parse(&s).unwrap_err(),
            IdentifierError::InvalidDate { .. }
        ));
        let s = resident_with_check("13043419840700291");
        assert!(matches!(
            ResidentId::parse(&s).unwrap_err(),
            IdentifierError::InvalidDate { .. }
        ));
        // Region shape.
        let s = resident_with_check("00043419840726291");
        assert_eq!(
            ResidentId::parse(&s).unwrap_err(),
            IdentifierError::InvalidRegion {
                kind: "resident identity number",
                found: "000434".to_owned()
            }
        );
        let s = resident_with_check("83000019840726291");
        assert!(matches!(
            ResidentId::parse(&s).unwrap_err(),
            IdentifierError::InvalidRegion { .. }
        ));
        // Wrong check character.
        let e = ResidentId::parse("130434198407262910").unwrap_err();
        assert_eq!(
            e,
            IdentifierError::CheckCharacterMismatch {
                kind: "resident identity number",
                expected: 'X',
                found: '0'
            }
        );
        assert_eq!(e.reason(), ReasonCode::IdentifierCheckFailed);
        // X only in the last position.
        assert_eq!(
            ResidentId::parse("1304341984072629X1").unwrap_err(),
            IdentifierError::InvalidCharacter {
                kind: "resident identity number",
                position: 17,
                found: 'X'
            }
        );
        // Length.
        assert_eq!(
            ResidentId::parse("130434840726291").unwrap_err(),
            IdentifierError::WrongLength {
                kind: "resident identity number",
                expected: 18,
                found_bytes: 15
            }
        );
        assert!("13043419840726291x".parse::<ResidentId>().is_err());
        assert!(serde_json::from_str::<ResidentId>("\"13043419840726291x\"").is_err());
    }

    #[test]
    fn region_codes() {
        let r = RegionCode::parse("340100").unwrap();
        assert_eq!(r.as_str(), "340100");
        assert_eq!(r.province().as_str(), "340000");
        assert_eq!(r.province().province(), r.province());
        assert_eq!(r.to_string(), "340100");
        assert_eq!("340100".parse::<RegionCode>().unwrap(), r);
        assert_eq!(serde_json::to_string(&r).unwrap(), "\"340100\"");
        assert_eq!(serde_json::from_str::<RegionCode>("\"340100\"").unwrap(), r);
        assert_eq!(RegionCode::parse("110000").unwrap().as_str(), "110000");
        assert_eq!(RegionCode::parse("820000").unwrap().as_str(), "820000");
        for bad in ["000000", "100000", "109999", "830000", "990000"] {
            assert_eq!(
                RegionCode::parse(bad).unwrap_err(),
                IdentifierError::InvalidRegion {
                    kind: "GB/T 2260 region code",
                    found: bad.to_owned()
                },
                "{bad}"
            );
        }
        assert_eq!(
            RegionCode::parse("11000a").unwrap_err(),
            IdentifierError::InvalidCharacter {
                kind: "GB/T 2260 region code",
                position: 6,
                found: 'a'
            }
        );
        assert_eq!(
            RegionCode::parse("1100001").unwrap_err(),
            IdentifierError::WrongLength {
                kind: "GB/T 2260 region code",
                expected: 6,
                found_bytes: 7
            }
        );
        assert_eq!(
            RegionCode::parse("-11000").unwrap_err(),
            IdentifierError::InvalidCharacter {
                kind: "GB/T 2260 region code",
                position: 1,
                found: '-'
            }
        );
    }

    #[test]
    fn type_and_authority_codes() {
        let t = LicenceTypeCode::parse("11100000MB03271699022").unwrap();
        assert_eq!(t.ministry_code(), "11100000MB03271699");
        assert_eq!(t.sequence(), "022");
        assert_eq!(t.as_str(), "11100000MB03271699022");
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            "\"11100000MB03271699022\""
        );
        assert_eq!(
            serde_json::from_str::<LicenceTypeCode>("\"11100000MB03271699022\"").unwrap(),
            t
        );
        // Ministry code with a wrong check character.
        let e = LicenceTypeCode::parse("11100000MB03271698022").unwrap_err();
        assert_eq!(
            e,
            IdentifierError::CheckCharacterMismatch {
                kind: "ministry credit code in the licence type code",
                expected: '9',
                found: '8',
            }
        );
        assert_eq!(e.reason(), ReasonCode::IdentifierCheckFailed);
        // Sequence must be digits.
        assert_eq!(
            LicenceTypeCode::parse("11100000MB0327169902A").unwrap_err(),
            IdentifierError::InvalidCharacter {
                kind: "licence type code",
                position: 21,
                found: 'A'
            }
        );
        assert_eq!(
            LicenceTypeCode::parse("11100000MB0327169902").unwrap_err(),
            IdentifierError::WrongLength {
                kind: "licence type code",
                expected: 21,
                found_bytes: 20
            }
        );

        let a = AuthorityCode::parse("11430000006122244L").unwrap();
        assert_eq!(
            a,
            AuthorityCode::from(CreditCode::parse("11430000006122244L").unwrap())
        );
        assert_eq!(a.to_string(), "11430000006122244L");
        let r = AuthorityCode::parse("340100").unwrap();
        assert_eq!(r, AuthorityCode::from(RegionCode::parse("340100").unwrap()));
        assert_eq!(serde_json::to_string(&r).unwrap(), "\"340100\"");
        assert_eq!(
            serde_json::from_str::<AuthorityCode>("\"340100\"").unwrap(),
            r
        );
        assert_eq!(
            serde_json::from_str::<AuthorityCode>("\"11430000006122244L\"").unwrap(),
            a
        );
        assert_eq!(
            AuthorityCode::parse("000100").unwrap_err(),
            IdentifierError::InvalidRegion {
                kind: "issuing authority code",
                found: "000100".to_owned()
            }
        );
        assert!(matches!(
            AuthorityCode::parse("3401000").unwrap_err(),
            IdentifierError::Structure {
                kind: "issuing authority code",
                ..
            }
        ));
    }

    #[test]
    fn identifier_structure_errors() {
        let good = "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U";
        let wrong_root = good.replacen("3005", "3006", 1);
        assert_eq!(
            LicenceIdentifier::parse(&wrong_root).unwrap_err(),
            IdentifierError::Structure {
                kind: "licence identifier",
                problem: "it does not start with the root 1.2.156.3005.2.",
            }
        );
        let root_no_dot = good.replacen("1.2.156.3005.2.", "1.2.156.3005.21", 1);
        assert!(matches!(
            LicenceIdentifier::parse(&root_no_dot).unwrap_err(),
            IdentifierError::Structure {
                problem: "it does not start with the root 1.2.156.3005.2.",
                ..
            }
        ));
        let extra = format!("{good}.U");
        assert!(matches!(
            LicenceIdentifier::parse(&extra).unwrap_err(),
            IdentifierError::Structure { problem, .. } if problem.starts_with("it must have exactly five")
        ));
        let missing = good.replacen(".001", "", 1);
        assert!(matches!(
            LicenceIdentifier::parse(&missing).unwrap_err(),
            IdentifierError::Structure { problem, .. } if problem.starts_with("it must have exactly five")
        ));
        let empty_serial = "1.2.156.3005.2.11100000000013338W011.11430000006122244L..001.U";
        assert_eq!(
            LicenceIdentifier::parse(empty_serial).unwrap_err(),
            IdentifierError::LengthOutOfRange {
                kind: "licence serial number",
                min: 1,
                max: 64,
                found_bytes: 0
            }
        );
        let v000 = good.replacen(".001.", ".000.", 1);
        let e = LicenceIdentifier::parse(&v000).unwrap_err();
        assert_eq!(e, IdentifierError::VersionOutOfRange { found: 0 });
        assert_eq!(
            e.to_string(),
            "the licence version must be 1 to 999 (written 001 to 999), but it is 0"
        );
        let v1 = good.replacen(".001.", ".1.", 1);
        assert_eq!(
            LicenceIdentifier::parse(&v1).unwrap_err(),
            IdentifierError::WrongLength {
                kind: "licence version",
                expected: 3,
                found_bytes: 1
            }
        );
        let vx = good.replacen(".001.", ".0A1.", 1);
        assert_eq!(
            LicenceIdentifier::parse(&vx).unwrap_err(),
            IdentifierError::InvalidCharacter {
                kind: "licence version",
                position: 2,
                found: 'A'
            }
        );
        let long_check = format!("{good}U");
        assert_eq!(
            LicenceIdentifier::parse(&long_check).unwrap_err(),
            IdentifierError::WrongLength {
                kind: "licence identifier check character",
                expected: 1,
                found_bytes: 2
            }
        );
        let bad_authority = good.replacen("11430000006122244L", "11430000006122244K", 1);
        assert_eq!(
            LicenceIdentifier::parse(&bad_authority).unwrap_err(),
            IdentifierError::CheckCharacterMismatch {
                kind: "issuing authority code",
                expected: 'L',
                found: 'K'
            }
        );
        // A serial of 64 characters is the longest accepted.
        let t = LicenceTypeCode::parse("11100000000013338W011").unwrap();
        let a = AuthorityCode::parse("11430000006122244L").unwrap();
        let max = LicenceIdentifier::new(t.clone(), a.clone(), &"Z".repeat(64), 999).unwrap();
        assert_eq!(max.as_str().len(), 126);
        assert_eq!(LicenceIdentifier::parse(max.as_str()).unwrap(), max);
        assert!(max
            .as_str()
            .ends_with(&format!(".999.{}", max.check_character())));
        let too_long = max.as_str().replacen(&"Z".repeat(64), &"Z".repeat(65), 1);
        assert!(matches!(
            LicenceIdentifier::parse(&too_long).unwrap_err(),
            IdentifierError::LengthOutOfRange {
                kind: "licence identifier",
                found_bytes: 127,
                ..
            }
        ));
        assert_eq!(
            LicenceIdentifier::new(t.clone(), a.clone(), &"Z".repeat(65), 1).unwrap_err(),
            IdentifierError::LengthOutOfRange {
                kind: "licence serial number",
                min: 1,
                max: 64,
                found_bytes: 65
            }
        );
        // The shortest identifier.
        let min =
            LicenceIdentifier::new(t.clone(), AuthorityCode::parse("340100").unwrap(), "7", 1)
                .unwrap();
        assert_eq!(min.as_str().len(), 51);
        assert_eq!(LicenceIdentifier::parse(min.as_str()).unwrap(), min);
        // new(): version range and serial alphabet.
        assert_eq!(
            LicenceIdentifier::new(t.clone(), a.clone(), "1", 0).unwrap_err(),
            IdentifierError::VersionOutOfRange { found: 0 }
        );
        assert_eq!(
            LicenceIdentifier::new(t.clone(), a.clone(), "1", 1000).unwrap_err(),
            IdentifierError::VersionOutOfRange { found: 1000 }
        );
        assert_eq!(
            LicenceIdentifier::new(t.clone(), a.clone(), "", 1).unwrap_err(),
            IdentifierError::LengthOutOfRange {
                kind: "licence serial number",
                min: 1,
                max: 64,
                found_bytes: 0
            }
        );
        assert_eq!(
            LicenceIdentifier::new(t, a, "AB.C", 1).unwrap_err(),
            IdentifierError::InvalidCharacter {
                kind: "licence serial number",
                position: 3,
                found: '.'
            }
        );
    }

    #[test]
    fn every_single_character_change_is_detected_or_rejected() {
        // Substituting any one character of the checked data by another
        // character of 0-9A-Z must never yield a valid identifier with a
        // different meaning, and no substitution (ASCII or multi-byte) panics.
        let good = "1.2.156.3005.2.11100000MB03271699022.340100.000000016.001.9";
        let chars: Vec<char> = good.chars().collect();
        let replacements: Vec<char> = ALNUM36
            .iter()
            .map(|&b| char::from(b))
            .chain(['.', 'a', 'x', ' ', '\0', '中', 'é', '😀', '\u{FFFD}'])
            .collect();
        for i in 0..chars.len() {
            for &r in &replacements {
                if r == chars[i] {
                    continue;
                }
                let mut m = chars.clone();
                m[i] = r;
                let s: String = m.iter().collect();
                if let Ok(id) = LicenceIdentifier::parse(&s) {
                    panic!("single substitution accepted: {s} -> {id:?}");
                }
            }
            // Every proper prefix is rejected as malformed.
            let t: String = chars[..i].iter().collect();
            assert_eq!(
                LicenceIdentifier::parse(&t).unwrap_err().reason(),
                ReasonCode::IdentifierMalformed,
                "{t}"
            );
            // Deleting one character never yields a valid identifier.
            let mut d = chars.clone();
            d.remove(i);
            let d: String = d.iter().collect();
            if let Ok(id) = LicenceIdentifier::parse(&d) {
                panic!("single deletion accepted: {d} -> {id:?}");
            }
        }
        // Serial substitutions within 0-9A-Z are caught by the check character.
        let serial_start = good.find(".000000016").unwrap() + 1;
        for &r in ALNUM36.iter() {
            if r == b'0' {
                continue;
            }
            let mut s = good.as_bytes().to_vec();
            s[serial_start] = r;
            let s = String::from_utf8(s).unwrap();
            let e = LicenceIdentifier::parse(&s).unwrap_err();
            assert_eq!(e.reason(), ReasonCode::IdentifierCheckFailed, "{s}");
            assert!(matches!(
                e,
                IdentifierError::CheckCharacterMismatch {
                    kind: "licence identifier",
                    found: '9',
                    ..
                }
            ));
        }
    }

    #[test]
    fn hostile_strings_never_panic() {
        let samples = [
            "",
            ".",
            "..........",
            "1.2.156.3005.2.",
            "1.2.156.3005.2..........",
            "\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}",
            "中华人民共和国中华人民共和国中华人民共和国中华人民共和国中华人民共和国中华人民共和国",
            "1.2.156.3005.2.中华人民共和国.中华人民共和国.中华人民共和国.中华.人",
            "😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀",
            "é100000000013338W",
            "é1100000000013338W",
            "1100000000013338é",
            "1100000000013338Wé",
            "13043419840726291é",
            "11100000000013338W0é",
            "99999999999999999999999999999999999999999999999999999",
        ];
        for s in samples {
            let parsers: [Parser; 7] = [
                |s: &str| RegionCode::parse(s).map(|_| ()),
                |s: &str| CreditCode::parse(s).map(|_| ()),
                |s: &str| CreditCode::parse_lenient(s).map(|_| ()),
                |s: &str| ResidentId::parse(s).map(|_| ()),
                |s: &str| LicenceTypeCode::parse(s).map(|_| ()),
                |s: &str| AuthorityCode::parse(s).map(|_| ()),
                |s: &str| LicenceIdentifier::parse(s).map(|_| ()),
            ];
            for parse in parsers {
                let e = parse(s).unwrap_err();
                assert_eq!(e.reason(), ReasonCode::IdentifierMalformed, "{s}: {e}");
                assert!(!e.to_string().is_empty());
            }
        }
        // Specific outcomes for a few.
        assert_eq!(
            CreditCode::parse("é100000000013338W").unwrap_err(),
            IdentifierError::InvalidCharacter {
                kind: "unified social credit code",
                position: 1,
                found: 'é'
            }
        );
        assert_eq!(
            CreditCode::parse("1100000000013338é").unwrap_err(),
            IdentifierError::InvalidCharacter {
                kind: "unified social credit code",
                position: 17,
                found: 'é'
            }
        );
        assert_eq!(
            ResidentId::parse("13043419840726291é").unwrap_err(),
            IdentifierError::WrongLength {
                kind: "resident identity number",
                expected: 18,
                found_bytes: 19
            }
        );
    }
}
