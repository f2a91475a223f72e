//! Recognition policy: which other regions' licences a region accepts, as
//! which local type, at which trust level, and for which purposes.
//!
//! A *recognition policy* is a verifying region's rules for accepting other
//! regions' licences: regions, types, type mapping, minimum trust level A–D,
//! status freshness. A [`Policy`] is read from a JSON file whose
//! every field is explained in `docs/POLICY.md`; [`Policy::decide`] turns the
//! facts about one verified licence into a [`Decision`]: recognised as which
//! local type, or not recognised with a stable [`ReasonCode`] and a sentence
//! saying why.
//!
//! ```
//! use elicense::policy::{Decision, Policy, RecognitionInput, TrustLevel};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let policy = Policy::from_json(r#"{
//!   "version": 1,
//!   "region": "310000",
//!   "accept_regions": ["440000"],
//!   "min_trust_level": "B",
//!   "max_status_age_seconds": 86400,
//!   "status_missing": "indeterminate",
//!   "purposes": ["business_registration"],
//!   "types": {
//!     "11100000000013338W101": {"decision": "map", "local_type": "11100000000013338W011"}
//!   }
//! }"#)?;
//! let decision = policy.decide(&RecognitionInput {
//!     issuing_region: "440000".parse()?,
//!     type_code: "11100000000013338W101".parse()?,
//!     trust_level: TrustLevel::A,
//!     purpose: Some("business_registration".into()),
//! });
//! assert_eq!(decision, Decision::Recognised {
//!     local_type: "11100000000013338W011".parse()?,
//!     mapped: true,
//! });
//!
//! // Errors name the line, the column and the field.
//! let err = Policy::from_json("{\n  \"version\": 1,\n  \"colour\": \"red\"\n}").unwrap_err();
//! assert_eq!((err.line(), err.column()), (3, 10));
//! assert!(err.to_string().contains("unknown field `colour`"));
//! # Ok(())
//! # }
//! ```
//!
//! ## Hostile input
//!
//! A policy file is refused unread above [`MAX_POLICY_BYTES`]. It is parsed by
//! `serde_json` into private structures that deny unknown fields, then
//! checked rule by rule. JSON objects whose keys serde would silently merge
//! (a licence type listed twice) are refused. Nesting is bounded (see
//! `docs/POLICY.md`, "Errors"), so no input can exhaust the stack.

use crate::identifiers::{LicenceTypeCode, RegionCode};
use crate::ReasonCode;
use core::fmt;
use core::str::FromStr;
use core::time::Duration;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// The largest policy file accepted, in bytes (1 MiB). Larger input is
/// refused before it is parsed. A real policy is a few kilobytes.
pub const MAX_POLICY_BYTES: usize = 1 << 20;

/// The largest `max_status_age_seconds` accepted: 365 days.
pub const MAX_STATUS_AGE_LIMIT_SECONDS: u64 = 365 * 24 * 3600;

/// The longest free text (`description`, `name`, `reason`), in characters.
pub const MAX_TEXT_CHARS: usize = 200;

/// The longest purpose name, in characters.
pub const MAX_PURPOSE_CHARS: usize = 64;

/// The only policy format version this library reads.
pub const POLICY_VERSION: u32 = 1;

// ---------------------------------------------------------------------------
// Trust level.

/// How much a licence record can be relied on, from `A` (strongest: issued by
/// the serving authority itself, usable directly) to `D` (weakest: made by
/// the applicant on their own commitment).
///
/// The ordering follows strength: `A > B > C > D`. A policy's minimum level
/// `B` accepts `A` and `B`: see [`TrustLevel::meets`].
///
/// Serialised and parsed as the single capital letters `"A"` to `"D"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum TrustLevel {
    /// Issued by the serving authority itself, usable directly.
    A,
    /// Checked by window staff, reusable.
    B,
    /// Uploaded by the applicant; the original must be checked.
    C,
    /// Made by the applicant on their own commitment.
    D,
}

impl TrustLevel {
    /// Every level, strongest first.
    pub const ALL: [TrustLevel; 4] = [TrustLevel::A, TrustLevel::B, TrustLevel::C, TrustLevel::D];

    /// 3 for `A` down to 0 for `D`.
    const fn strength(self) -> u8 {
        match self {
            TrustLevel::A => 3,
            TrustLevel::B => 2,
            TrustLevel::C => 1,
            TrustLevel::D => 0,
        }
    }

    /// Whether this level is at least as strong as `minimum`
    /// (`B.meets(B)` and `A.meets(B)` hold; `C.meets(B)` does not).
    pub const fn meets(self, minimum: TrustLevel) -> bool {
        self.strength() >= minimum.strength()
    }

    /// The letter, `"A"` to `"D"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            TrustLevel::A => "A",
            TrustLevel::B => "B",
            TrustLevel::C => "C",
            TrustLevel::D => "D",
        }
    }
}

impl PartialOrd for TrustLevel {
    fn partial_cmp(&self, other: &Self) -> Option<core::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for TrustLevel {
    /// Stronger is greater: `A > B > C > D`.
    fn cmp(&self, other: &Self) -> core::cmp::Ordering {
        self.strength().cmp(&other.strength())
    }
}

impl fmt::Display for TrustLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A string that is not one of `"A"`, `"B"`, `"C"`, `"D"`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a trust level is one of \"A\", \"B\", \"C\", \"D\" (A strongest)")]
pub struct TrustLevelParseError;

impl FromStr for TrustLevel {
    type Err = TrustLevelParseError;

    /// Parses exactly `"A"`, `"B"`, `"C"` or `"D"` (capital letters only).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "A" => Ok(TrustLevel::A),
            "B" => Ok(TrustLevel::B),
            "C" => Ok(TrustLevel::C),
            "D" => Ok(TrustLevel::D),
            _ => Err(TrustLevelParseError),
        }
    }
}

impl<'de> Deserialize<'de> for TrustLevel {
    /// Deserialises from `"A"` to `"D"`.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(|_| {
            de::Error::invalid_value(
                de::Unexpected::Str(&s),
                &"one of \"A\", \"B\", \"C\", \"D\"",
            )
        })
    }
}

/// Deserialises a string and maps it with `parse`, naming the allowed words.
fn word<'de, D: Deserializer<'de>, T>(
    d: D,
    allowed: &'static str,
    parse: fn(&str) -> Option<T>,
) -> Result<T, D::Error> {
    let s = String::deserialize(d)?;
    parse(&s).ok_or_else(|| de::Error::invalid_value(de::Unexpected::Str(&s), &allowed))
}

// ---------------------------------------------------------------------------
// The policy.

/// What the verifier does when a licence's status list is missing or older
/// than [`Policy::max_status_age`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusMissing {
    /// The verdict is INDETERMINATE: nobody can say whether the licence was
    /// revoked. The safe choice, and the one the example policy makes.
    Indeterminate,
    /// The verdict may still be VALID, with a warning that the status could
    /// not be checked.
    Warn,
}

impl<'de> Deserialize<'de> for StatusMissing {
    /// Deserialises from `"indeterminate"` or `"warn"`.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        word(d, "\"indeterminate\" or \"warn\"", |s| match s {
            "indeterminate" => Some(StatusMissing::Indeterminate),
            "warn" => Some(StatusMissing::Warn),
            _ => None,
        })
    }
}

/// What a policy does with one licence type from another region.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TypeRule {
    /// Recognised as the same type code.
    Accept {
        /// Overrides the policy's minimum trust level for this type.
        min_trust_level: Option<TrustLevel>,
    },
    /// Recognised as a different, local type code.
    Map {
        /// The local type the licence counts as.
        local_type: LicenceTypeCode,
        /// Overrides the policy's minimum trust level for this type.
        min_trust_level: Option<TrustLevel>,
    },
    /// Not recognised.
    Refuse {
        /// Why, in the policy author's words, shown in the decision.
        reason: Option<String>,
    },
}

/// A set of regions or purposes: everything (`"*"`) or the listed ones.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Set<T> {
    Any,
    Listed(Vec<T>),
}

impl<T: PartialEq> Set<T> {
    fn contains(&self, item: &T) -> bool {
        match self {
            Set::Any => true,
            Set::Listed(items) => items.contains(item),
        }
    }

    fn as_option(&self) -> Option<&[T]> {
        match self {
            Set::Any => None,
            Set::Listed(items) => Some(items),
        }
    }
}

/// A region's recognition policy, read with [`Policy::from_json`] and
/// applied with [`Policy::decide`]. The file format is in `docs/POLICY.md`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    description: Option<String>,
    region: RegionCode,
    accept_regions: Set<RegionCode>,
    min_trust_level: TrustLevel,
    max_status_age_seconds: u64,
    status_missing: StatusMissing,
    require_status: bool,
    purposes: Set<String>,
    default: TypeRule,
    types: BTreeMap<LicenceTypeCode, (Option<String>, TypeRule)>,
}

/// The facts about one verified licence that a recognition decision needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecognitionInput {
    /// The region of the issuing authority (its region root's region).
    pub issuing_region: RegionCode,
    /// The licence's type code.
    pub type_code: LicenceTypeCode,
    /// The licence's trust level.
    pub trust_level: TrustLevel,
    /// What the licence is being checked for, if the request says; `None`
    /// skips the purpose check.
    pub purpose: Option<String>,
}

/// The outcome of [`Policy::decide`].
///
/// Serialises as `{"outcome": "RECOGNISED", "local_type": "…", "mapped":
/// true}` or `{"outcome": "NOT_RECOGNISED", "reason": "TYPE_NOT_RECOGNISED",
/// "detail": "…"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Decision {
    /// The licence counts here as a licence of `local_type`.
    Recognised {
        /// The local type code: the licence's own, or the one it maps to.
        local_type: LicenceTypeCode,
        /// Whether `local_type` differs from the licence's type code
        /// because the policy maps it.
        mapped: bool,
    },
    /// The licence is not recognised here.
    NotRecognised {
        /// Which rule refused it: [`ReasonCode::RegionNotAccepted`],
        /// [`ReasonCode::TypeNotRecognised`], [`ReasonCode::TrustLevelTooLow`]
        /// or [`ReasonCode::PurposeNotAccepted`].
        reason: ReasonCode,
        /// One sentence for people, naming the region, type, level or purpose.
        detail: String,
    },
}

impl Decision {
    /// Whether the licence is recognised.
    pub fn is_recognised(&self) -> bool {
        matches!(self, Decision::Recognised { .. })
    }

    /// [`ReasonCode::Ok`] when recognised, otherwise the refusing rule's code.
    pub fn reason(&self) -> ReasonCode {
        match self {
            Decision::Recognised { .. } => ReasonCode::Ok,
            Decision::NotRecognised { reason, .. } => *reason,
        }
    }

    fn refuse(reason: ReasonCode, detail: String) -> Self {
        Decision::NotRecognised { reason, detail }
    }
}

impl fmt::Display for Decision {
    /// `RECOGNISED as <type>` (with `(mapped)` when mapped), or
    /// `NOT_RECOGNISED (<REASON>): <detail>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Decision::Recognised { local_type, mapped } => {
                write!(f, "RECOGNISED as {local_type}")?;
                if *mapped {
                    f.write_str(" (mapped)")?;
                }
                Ok(())
            }
            Decision::NotRecognised { reason, detail } => {
                write!(f, "NOT_RECOGNISED ({reason}): {detail}")
            }
        }
    }
}

impl Policy {
    /// Reads a policy from its JSON text (format: `docs/POLICY.md`).
    ///
    /// Input over [`MAX_POLICY_BYTES`] is refused before parsing. A leading
    /// UTF-8 byte order mark is skipped. Every error names the line and
    /// column (1-based, in characters) and, where there is one, the field.
    pub fn from_json(text: &str) -> Result<Policy, PolicyError> {
        if text.len() > MAX_POLICY_BYTES {
            return Err(PolicyError::TooLarge {
                size: text.len(),
                limit: MAX_POLICY_BYTES,
            });
        }
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        if text.trim().is_empty() {
            return Err(PolicyError::Syntax {
                line: 1,
                column: 1,
                path: None,
                message: "the policy file is empty; it must hold one JSON object".into(),
            });
        }
        let ObjectOnly(raw) = serde_json::from_str::<ObjectOnly<RawPolicy>>(text)
            .map_err(|e| syntax_error(text, &e))?;
        let map = locate::scan(text);
        if let Some(dup) = &map.duplicate {
            let (line, column) = locate::line_col(text, dup.offset);
            let (first_line, _) = locate::line_col(text, dup.first_offset);
            return Err(PolicyError::Invalid {
                line,
                column,
                path: dup.path.clone(),
                message: format!(
                    "the key is given twice (first at line {first_line}); each key may appear once"
                ),
            });
        }
        let checker = Checker { text, map: &map };
        checker.check(raw)
    }

    /// The policy's description, if the file gives one.
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    /// The verifying region: the region whose policy this is.
    pub fn region(&self) -> &RegionCode {
        &self.region
    }

    /// The other regions whose licences may be recognised; `None` means any
    /// region (`"*"`).
    pub fn accept_regions(&self) -> Option<&[RegionCode]> {
        self.accept_regions.as_option()
    }

    /// Whether licences from `region` can be recognised at all: the
    /// verifying region itself, or an accepted region.
    pub fn accepts_region(&self, region: &RegionCode) -> bool {
        *region == self.region || self.accept_regions.contains(region)
    }

    /// The minimum trust level, unless a type rule overrides it.
    pub fn min_trust_level(&self) -> TrustLevel {
        self.min_trust_level
    }

    /// The oldest a status list may be before it counts as stale.
    pub fn max_status_age(&self) -> Duration {
        Duration::from_secs(self.max_status_age_seconds)
    }

    /// [`Policy::max_status_age`] in seconds (1 to
    /// [`MAX_STATUS_AGE_LIMIT_SECONDS`]), for comparing with Unix times.
    pub fn max_status_age_seconds(&self) -> i64 {
        // At most MAX_STATUS_AGE_LIMIT_SECONDS, which fits.
        i64::try_from(self.max_status_age_seconds).unwrap_or(i64::MAX)
    }

    /// What to do when a status list is missing or stale.
    pub fn status_missing(&self) -> StatusMissing {
        self.status_missing
    }

    /// Whether a licence without a status-list index is refused
    /// (`STATUS_INDEX_MISSING`): such a licence can never be revoked.
    /// `require_status` in the file; `true` when left out.
    pub fn require_status(&self) -> bool {
        self.require_status
    }

    /// The purposes other regions' licences are accepted for; `None` means
    /// any purpose (`"*"`).
    pub fn purposes(&self) -> Option<&[String]> {
        self.purposes.as_option()
    }

    /// The rule for types the policy does not list: accept or refuse.
    pub fn default_rule(&self) -> &TypeRule {
        &self.default
    }

    /// The rule for `type_code` from another region: its own rule if the
    /// policy lists it, else the default rule.
    pub fn rule(&self, type_code: &LicenceTypeCode) -> &TypeRule {
        self.types
            .get(type_code)
            .map(|(_, rule)| rule)
            .unwrap_or(&self.default)
    }

    /// The listed types with their optional human name and rule, in type
    /// code order.
    pub fn types(&self) -> impl Iterator<Item = (&LicenceTypeCode, Option<&str>, &TypeRule)> {
        self.types
            .iter()
            .map(|(code, (name, rule))| (code, name.as_deref(), rule))
    }

    /// Decides whether a licence is recognised here, and as which local
    /// type. The steps, in order (`docs/POLICY.md`, "Decision"):
    ///
    /// 1. Issued in the verifying region itself: recognised as its own type
    ///    if its trust level meets the global minimum (region, type and
    ///    purpose rules are about other regions and are skipped).
    /// 2. Issuing region not accepted: `REGION_NOT_ACCEPTED`.
    /// 3. Type refused by its rule, or unlisted and refused by the default:
    ///    `TYPE_NOT_RECOGNISED`.
    /// 4. Trust level below the rule's minimum, or else the global minimum:
    ///    `TRUST_LEVEL_TOO_LOW`.
    /// 5. A purpose named and not accepted: `PURPOSE_NOT_ACCEPTED`.
    /// 6. Recognised, as the mapped local type or as itself.
    pub fn decide(&self, input: &RecognitionInput) -> Decision {
        let region = &input.issuing_region;
        let type_code = &input.type_code;
        let level = input.trust_level;

        if *region == self.region {
            if !level.meets(self.min_trust_level) {
                return Decision::refuse(
                    ReasonCode::TrustLevelTooLow,
                    format!(
                        "the licence's trust level is {level}; region {} requires at least {}",
                        self.region, self.min_trust_level
                    ),
                );
            }
            return Decision::Recognised {
                local_type: type_code.clone(),
                mapped: false,
            };
        }

        if !self.accept_regions.contains(region) {
            return Decision::refuse(
                ReasonCode::RegionNotAccepted,
                format!(
                    "region {} does not accept licences issued in region {region}",
                    self.region
                ),
            );
        }

        let listed = self.types.contains_key(type_code);
        let (local_type, mapped, rule_minimum) = match self.rule(type_code) {
            TypeRule::Refuse { reason } => {
                let mut detail = if listed {
                    format!(
                        "region {} does not recognise licence type {type_code} from other regions",
                        self.region
                    )
                } else {
                    format!(
                        "licence type {type_code} is not listed in region {}'s policy, which refuses unlisted types",
                        self.region
                    )
                };
                if let Some(reason) = reason {
                    detail.push_str(": ");
                    detail.push_str(reason);
                }
                return Decision::refuse(ReasonCode::TypeNotRecognised, detail);
            }
            TypeRule::Accept { min_trust_level } => (type_code.clone(), false, *min_trust_level),
            TypeRule::Map {
                local_type,
                min_trust_level,
            } => (local_type.clone(), true, *min_trust_level),
        };

        let minimum = rule_minimum.unwrap_or(self.min_trust_level);
        if !level.meets(minimum) {
            return Decision::refuse(
                ReasonCode::TrustLevelTooLow,
                format!(
                    "the licence's trust level is {level}; region {} requires at least {minimum} for licence type {type_code}",
                    self.region
                ),
            );
        }

        if let Some(purpose) = &input.purpose {
            if !self.purposes.contains(purpose) {
                return Decision::refuse(
                    ReasonCode::PurposeNotAccepted,
                    format!(
                        "region {} does not accept other regions' licences for the purpose {:?}",
                        self.region,
                        truncate(purpose, MAX_PURPOSE_CHARS)
                    ),
                );
            }
        }

        Decision::Recognised { local_type, mapped }
    }
}

/// At most `max` characters of `s`, with `…` when cut.
fn truncate(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", s.get(..i).unwrap_or_default()),
        None => s.to_owned(),
    }
}

// ---------------------------------------------------------------------------
// Errors.

/// Why a policy file was refused. Every variant but `TooLarge` says where:
/// `line` and `column` are 1-based, and count characters, not bytes.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// The file is larger than [`MAX_POLICY_BYTES`]; it was not parsed.
    #[error("the policy file is {size} bytes long; the limit is {limit} bytes")]
    TooLarge {
        /// The input's length in bytes.
        size: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// The file is not JSON, or its JSON does not have the policy's shape: a
    /// syntax error, an unknown or repeated field, a missing field, a value
    /// of the wrong JSON type, a word that is not one of the allowed ones.
    #[error("policy line {line}, column {column}{}: {message}", path_suffix(path.as_deref()))]
    Syntax {
        /// 1-based line.
        line: usize,
        /// 1-based column, in characters.
        column: usize,
        /// The field being read, as a path like
        /// `types["11100000000013338W101"].decision`, when the error is about
        /// one (`None` for pure syntax errors and for the top-level object).
        path: Option<String>,
        /// What is wrong, from the JSON reader.
        message: String,
    },
    /// The JSON has the right shape, but a value breaks a rule: a bad region
    /// or type code, an impossible number, a contradiction between rules.
    #[error("policy line {line}, column {column} ({path}): {message}")]
    Invalid {
        /// 1-based line of the field (of its key, or of the list element).
        line: usize,
        /// 1-based column, in characters.
        column: usize,
        /// The field, as a path like `types["11100000000013338W101"].local_type`
        /// or `accept_regions[1]`.
        path: String,
        /// What is wrong.
        message: String,
    },
}

fn path_suffix(path: Option<&str>) -> String {
    path.map(|p| format!(" ({p})")).unwrap_or_default()
}

impl PolicyError {
    /// [`ReasonCode::InputTooLarge`] for [`PolicyError::TooLarge`],
    /// [`ReasonCode::PolicyInvalid`] otherwise.
    pub fn reason(&self) -> ReasonCode {
        match self {
            PolicyError::TooLarge { .. } => ReasonCode::InputTooLarge,
            _ => ReasonCode::PolicyInvalid,
        }
    }

    /// The 1-based line of the problem (0 for `TooLarge`).
    pub fn line(&self) -> usize {
        match self {
            PolicyError::TooLarge { .. } => 0,
            PolicyError::Syntax { line, .. } | PolicyError::Invalid { line, .. } => *line,
        }
    }

    /// The 1-based column of the problem, in characters (0 for `TooLarge`).
    pub fn column(&self) -> usize {
        match self {
            PolicyError::TooLarge { .. } => 0,
            PolicyError::Syntax { column, .. } | PolicyError::Invalid { column, .. } => *column,
        }
    }

    /// The path of the field at fault, if known.
    pub fn path(&self) -> Option<&str> {
        match self {
            PolicyError::TooLarge { .. } => None,
            PolicyError::Syntax { path, .. } => path.as_deref(),
            PolicyError::Invalid { path, .. } => Some(path),
        }
    }
}

/// Wraps a serde_json error: its message without the position suffix, its
/// position converted to a character column, and for errors about data (not
/// syntax) the path of the innermost field around that position.
fn syntax_error(text: &str, e: &serde_json::Error) -> PolicyError {
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let message = full.strip_suffix(&suffix).unwrap_or(&full).to_owned();
    let consumed = locate::consumed_end(text, e.line(), e.column());
    // The last byte read, or the start of the line if none was.
    let at = if e.column() == 0 {
        consumed
    } else {
        consumed.saturating_sub(1)
    };
    let (line, column) = locate::line_col(text, at);
    let path = if e.classify() == serde_json::error::Category::Data {
        locate::scan(text).innermost(text, consumed)
    } else {
        None
    };
    PolicyError::Syntax {
        line,
        column,
        path,
        message,
    }
}

// ---------------------------------------------------------------------------
// The file as written, before checking.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    version: u32,
    #[serde(default)]
    description: Option<String>,
    region: String,
    accept_regions: RawSet,
    min_trust_level: TrustLevel,
    max_status_age_seconds: u64,
    status_missing: StatusMissing,
    #[serde(default)]
    require_status: Option<bool>,
    purposes: RawSet,
    #[serde(default)]
    default: Option<ObjectOnly<RawRule>>,
    #[serde(default)]
    types: RawTypes,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    #[serde(default)]
    name: Option<String>,
    decision: RawDecision,
    #[serde(default)]
    local_type: Option<String>,
    #[serde(default)]
    min_trust_level: Option<TrustLevel>,
    #[serde(default)]
    reason: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum RawDecision {
    Accept,
    Map,
    Refuse,
}

impl<'de> Deserialize<'de> for RawDecision {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        word(d, "\"accept\", \"map\" or \"refuse\"", |s| match s {
            "accept" => Some(RawDecision::Accept),
            "map" => Some(RawDecision::Map),
            "refuse" => Some(RawDecision::Refuse),
            _ => None,
        })
    }
}

/// A struct that must be written as a JSON object: serde's derived
/// structs also accept a list of the field values in order, which is not
/// the documented format.
struct ObjectOnly<T>(T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for ObjectOnly<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(core::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = ObjectOnly<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map)).map(ObjectOnly)
            }
        }
        d.deserialize_map(V(core::marker::PhantomData))
    }
}

/// `"*"` (or another string, refused later with its path) or a list of strings.
enum RawSet {
    Star(String),
    List(Vec<String>),
}

impl<'de> Deserialize<'de> for RawSet {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawSet;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("\"*\" or a list of strings")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<RawSet, E> {
                Ok(RawSet::Star(s.to_owned()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawSet, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<String>()? {
                    items.push(item);
                }
                Ok(RawSet::List(items))
            }
        }
        d.deserialize_any(V)
    }
}

/// The `types` object, in file order (serde's maps would sort it and keep
/// only the last of two equal keys; duplicates are found by `locate`).
#[derive(Default)]
struct RawTypes(Vec<(String, ObjectOnly<RawRule>)>);

impl<'de> Deserialize<'de> for RawTypes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawTypes;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object from licence type codes to rules")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawTypes, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry::<String, ObjectOnly<RawRule>>()? {
                    entries.push(entry);
                }
                Ok(RawTypes(entries))
            }
        }
        d.deserialize_map(V)
    }
}

// ---------------------------------------------------------------------------
// Checking the raw file, rule by rule, in file-format order.

struct Checker<'a> {
    text: &'a str,
    map: &'a locate::Map,
}

impl Checker<'_> {
    fn err(&self, path: &str, message: String) -> PolicyError {
        let offset = self.map.offset_of_path(path);
        let (line, column) = locate::line_col(self.text, offset);
        PolicyError::Invalid {
            line,
            column,
            path: path.to_owned(),
            message,
        }
    }

    fn line_of(&self, path: &str) -> usize {
        locate::line_col(self.text, self.map.offset_of_path(path)).0
    }

    fn check(&self, raw: RawPolicy) -> Result<Policy, PolicyError> {
        if raw.version != POLICY_VERSION {
            return Err(self.err(
                "version",
                format!(
                    "policy format version {} is not supported; this library reads version {POLICY_VERSION}",
                    raw.version
                ),
            ));
        }
        if let Some(text) = &raw.description {
            self.check_text("description", text)?;
        }
        let region = RegionCode::parse(&raw.region).map_err(|e| {
            self.err(
                "region",
                format!("{:?} is not a region code: {e}", raw.region),
            )
        })?;

        let accept_regions = match raw.accept_regions {
            RawSet::Star(s) => self.star("accept_regions", &s, "region codes")?,
            RawSet::List(items) => {
                self.non_empty(
                    "accept_regions",
                    &items,
                    "an empty list would accept no other region; list region codes, or write \"*\" for any region",
                )?;
                let mut codes: Vec<RegionCode> = Vec::with_capacity(items.len());
                let mut seen: HashMap<RegionCode, usize> = HashMap::new();
                for (i, item) in items.iter().enumerate() {
                    let path = format!("accept_regions[{i}]");
                    let code = RegionCode::parse(item).map_err(|e| {
                        self.err(&path, format!("{item:?} is not a region code: {e}"))
                    })?;
                    if code == region {
                        return Err(self.err(
                            &path,
                            format!("{code} is the verifying region itself, whose licences are always recognised; list only other regions"),
                        ));
                    }
                    if let Some(j) = seen.insert(code.clone(), i) {
                        return Err(self.err(
                            &path,
                            format!("region {code} is listed twice (also accept_regions[{j}])"),
                        ));
                    }
                    codes.push(code);
                }
                Set::Listed(codes)
            }
        };

        if raw.max_status_age_seconds == 0
            || raw.max_status_age_seconds > MAX_STATUS_AGE_LIMIT_SECONDS
        {
            return Err(self.err(
                "max_status_age_seconds",
                format!(
                    "{} is out of range: a status list's maximum age must be 1 to {MAX_STATUS_AGE_LIMIT_SECONDS} seconds (365 days)",
                    raw.max_status_age_seconds
                ),
            ));
        }

        let purposes = match raw.purposes {
            RawSet::Star(s) => self.star("purposes", &s, "purposes")?,
            RawSet::List(items) => {
                self.non_empty(
                    "purposes",
                    &items,
                    "an empty list would refuse every request that names a purpose; list purposes, or write \"*\" for any purpose",
                )?;
                let mut seen: HashMap<&str, usize> = HashMap::new();
                for (i, item) in items.iter().enumerate() {
                    let path = format!("purposes[{i}]");
                    check_purpose(item).map_err(|m| self.err(&path, m))?;
                    if let Some(j) = seen.insert(item, i) {
                        return Err(self.err(
                            &path,
                            format!("purpose {item:?} is listed twice (also purposes[{j}])"),
                        ));
                    }
                }
                Set::Listed(items)
            }
        };

        let default = match raw.default {
            None => TypeRule::Refuse { reason: None },
            Some(ObjectOnly(rule)) => {
                if rule.name.is_some() {
                    return Err(self.err(
                        "default.name",
                        "\"name\" labels a listed type; the default rule has none".into(),
                    ));
                }
                if rule.decision == RawDecision::Map {
                    return Err(self.err(
                        "default.decision",
                        "the default rule cannot be \"map\": a mapping is for one listed type; use \"accept\" or \"refuse\"".into(),
                    ));
                }
                self.rule("default", rule)?
            }
        };

        let mut types: BTreeMap<LicenceTypeCode, (Option<String>, TypeRule)> = BTreeMap::new();
        for (key, ObjectOnly(rule)) in raw.types.0 {
            let path = locate::join_key("types", &key);
            let code = LicenceTypeCode::parse(&key)
                .map_err(|e| self.err(&path, format!("{key:?} is not a licence type code: {e}")))?;
            let name = match rule.name.clone() {
                Some(name) => {
                    self.check_text(&format!("{path}.name"), &name)?;
                    Some(name)
                }
                None => None,
            };
            let checked = self.rule(&path, rule)?;
            if let TypeRule::Map { local_type, .. } = &checked {
                if *local_type == code {
                    return Err(self.err(
                        &format!("{path}.local_type"),
                        format!("type {code} is mapped to itself; use \"decision\": \"accept\""),
                    ));
                }
            }
            // `locate` has refused repeated keys, so this insert is new.
            types.insert(code, (name, checked));
        }

        // Cross-rule checks: a mapping's local type is not refused, and is not
        // itself mapped (mappings do not chain).
        for (code, (_, rule)) in &types {
            let TypeRule::Map { local_type, .. } = rule else {
                continue;
            };
            let path = locate::join_key("types", code.as_str());
            let target = locate::join_key("types", local_type.as_str());
            match types.get(local_type) {
                Some((_, TypeRule::Refuse { .. })) => {
                    return Err(self.err(
                        &format!("{path}.local_type"),
                        format!(
                            "type {code} is mapped to {local_type}, which this policy refuses ({target}, line {}); a licence cannot be recognised as a refused type",
                            self.line_of(&target)
                        ),
                    ));
                }
                Some((_, TypeRule::Map { .. })) => {
                    return Err(self.err(
                        &format!("{path}.local_type"),
                        format!(
                            "type {code} is mapped to {local_type}, which is itself mapped ({target}, line {}); mappings do not chain: map to the final local type",
                            self.line_of(&target)
                        ),
                    ));
                }
                _ => {}
            }
        }

        Ok(Policy {
            description: raw.description,
            region,
            accept_regions,
            min_trust_level: raw.min_trust_level,
            max_status_age_seconds: raw.max_status_age_seconds,
            status_missing: raw.status_missing,
            require_status: raw.require_status.unwrap_or(true),
            purposes,
            default,
            types,
        })
    }

    /// Checks one rule (`path` is `default` or `types["…"]`).
    fn rule(&self, path: &str, rule: RawRule) -> Result<TypeRule, PolicyError> {
        let field = |name: &str| format!("{path}.{name}");
        let decision = match rule.decision {
            RawDecision::Accept => "accept",
            RawDecision::Map => "map",
            RawDecision::Refuse => "refuse",
        };
        if rule.decision != RawDecision::Map && rule.local_type.is_some() {
            return Err(self.err(
                &field("local_type"),
                format!("\"local_type\" goes only with \"decision\": \"map\", not \"{decision}\""),
            ));
        }
        if rule.decision != RawDecision::Refuse && rule.reason.is_some() {
            return Err(self.err(
                &field("reason"),
                format!("\"reason\" goes only with \"decision\": \"refuse\", not \"{decision}\""),
            ));
        }
        if rule.decision == RawDecision::Refuse && rule.min_trust_level.is_some() {
            return Err(self.err(
                &field("min_trust_level"),
                "\"min_trust_level\" has no effect on a refused type; remove it".into(),
            ));
        }
        Ok(match rule.decision {
            RawDecision::Accept => TypeRule::Accept {
                min_trust_level: rule.min_trust_level,
            },
            RawDecision::Refuse => {
                if let Some(reason) = &rule.reason {
                    self.check_text(&field("reason"), reason)?;
                }
                TypeRule::Refuse {
                    reason: rule.reason,
                }
            }
            RawDecision::Map => {
                let Some(local) = rule.local_type else {
                    return Err(self.err(
                        path,
                        "\"decision\": \"map\" needs \"local_type\", the local type code the licence counts as".into(),
                    ));
                };
                let local_type = LicenceTypeCode::parse(&local).map_err(|e| {
                    self.err(
                        &field("local_type"),
                        format!("{local:?} is not a licence type code: {e}"),
                    )
                })?;
                TypeRule::Map {
                    local_type,
                    min_trust_level: rule.min_trust_level,
                }
            }
        })
    }

    fn star<T>(&self, path: &str, s: &str, what: &str) -> Result<Set<T>, PolicyError> {
        if s == "*" {
            Ok(Set::Any)
        } else {
            Err(self.err(
                path,
                format!(
                    "{:?} is not allowed here: write \"*\" for any, or a list of {what}",
                    truncate(s, 40)
                ),
            ))
        }
    }

    fn non_empty(&self, path: &str, items: &[String], message: &str) -> Result<(), PolicyError> {
        if items.is_empty() {
            Err(self.err(path, message.to_owned()))
        } else {
            Ok(())
        }
    }

    /// Free text: 1 to [`MAX_TEXT_CHARS`] characters, no control characters.
    fn check_text(&self, path: &str, text: &str) -> Result<(), PolicyError> {
        let chars = text.chars().count();
        if text.trim().is_empty() {
            return Err(self.err(
                path,
                "the text is empty; remove the field or write something".into(),
            ));
        }
        if chars > MAX_TEXT_CHARS {
            return Err(self.err(
                path,
                format!("the text is {chars} characters long; the limit is {MAX_TEXT_CHARS}"),
            ));
        }
        if let Some(c) = text.chars().find(|c| c.is_control()) {
            return Err(self.err(
                path,
                format!("the text contains the control character {c:?}; write it on one line without control characters"),
            ));
        }
        Ok(())
    }
}

/// A purpose: 1 to [`MAX_PURPOSE_CHARS`] of `a-z`, `0-9`, `_`, starting with
/// a letter.
fn check_purpose(p: &str) -> Result<(), String> {
    let well_formed = p.len() <= MAX_PURPOSE_CHARS
        && p.as_bytes().first().is_some_and(u8::is_ascii_lowercase)
        && p.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if well_formed {
        Ok(())
    } else {
        Err(format!(
            "{:?} is not a purpose name: 1 to {MAX_PURPOSE_CHARS} characters from a-z, 0-9 and _, starting with a letter (e.g. \"business_registration\")",
            truncate(p, MAX_PURPOSE_CHARS + 1)
        ))
    }
}

// ---------------------------------------------------------------------------
// Where things are in the source text.

/// Finding fields in the source text.
///
/// serde_json reports positions for its own errors, but a checked value has
/// lost its position. So a second, small scanner walks the same text and
/// records where every field (object member, from its key) and list element
/// starts and ends, under a path built exactly like the checker's paths:
/// `region`, `accept_regions[1]`, `types["11100000000013338W101"].local_type`.
/// The same walk finds keys repeated within one object, which serde's maps
/// would merge silently.
///
/// The scanner is tolerant: on text that is not valid JSON it stops, keeping
/// what it found so far (an unfinished value extends to the end). It goes at
/// most [`locate::MAX_DEPTH`] levels deep, far beyond any valid policy, so
/// hostile nesting cannot exhaust the stack.
mod locate {
    use super::HashMap;

    /// Nesting deeper than this stops the scan (a valid policy has 4 levels).
    pub(super) const MAX_DEPTH: usize = 32;

    pub(super) struct Node {
        pub(super) path: String,
        /// Byte offset of the key (members) or of the value (list elements).
        pub(super) start: usize,
        /// Byte offset of the value's last byte; `usize::MAX` if unfinished.
        pub(super) end: usize,
    }

    pub(super) struct Duplicate {
        pub(super) path: String,
        pub(super) offset: usize,
        pub(super) first_offset: usize,
    }

    pub(super) struct Map {
        pub(super) nodes: Vec<Node>,
        pub(super) duplicate: Option<Duplicate>,
    }

    impl Map {
        /// Byte offset of `path`, or of its nearest recorded ancestor, or 0.
        pub(super) fn offset_of_path(&self, path: &str) -> usize {
            let mut p = path;
            loop {
                if let Some(n) = self.nodes.iter().find(|n| n.path == p) {
                    return n.start;
                }
                match parent(p) {
                    Some(up) => p = up,
                    None => return 0,
                }
            }
        }

        /// The path of the innermost field or element at a serde_json error
        /// position (`None` if that is the top-level object). `consumed` is
        /// the offset just after the last byte serde_json read.
        ///
        /// When serde_json failed on a value it had only peeked at, that
        /// value starts at the next non-blank byte. So a node matches if it
        /// starts at or before that byte and does not end before the last
        /// byte read.
        pub(super) fn innermost(&self, text: &str, consumed: usize) -> Option<String> {
            let rest = text.get(consumed..).unwrap_or_default();
            let probe =
                consumed + (rest.len() - rest.trim_start_matches([' ', '\t', '\n', '\r']).len());
            self.nodes
                .iter()
                .filter(|n| n.start <= probe && n.end.saturating_add(1) >= consumed)
                .max_by_key(|n| n.start)
                .map(|n| n.path.clone())
        }
    }

    /// The parent of a path: `a.b` → `a`, `a["k"]` → `a`, `a[1]` → `a`.
    fn parent(path: &str) -> Option<&str> {
        if path.ends_with("\"]") {
            // A quoted key: cut at the `[` before its opening quote (the key
            // itself may contain `[`, `.` or escaped quotes).
            let body = path.get(..path.len() - 2)?;
            return path.get(..find_open_bracket(body)?);
        }
        if path.ends_with(']') {
            // A list index.
            return path.get(..path.rfind('[')?);
        }
        // A plain key (`a-z`, `0-9`, `_` only): after the last dot, if any.
        path.rfind('.').and_then(|i| path.get(..i))
    }

    /// In `prefix["key` (the closing `"]` removed), the index of the `[`
    /// that opens the key: the last `["` after which every `"` is escaped.
    fn find_open_bracket(body: &str) -> Option<usize> {
        let bytes = body.as_bytes();
        let mut i = bytes.len();
        while i > 0 {
            i -= 1;
            if bytes.get(i) == Some(&b'"') {
                let mut backslashes = 0;
                let mut j = i;
                while j > 0 && bytes.get(j - 1) == Some(&b'\\') {
                    backslashes += 1;
                    j -= 1;
                }
                if backslashes % 2 == 0 {
                    // The unescaped quote that opens the key.
                    return if i > 0 && bytes.get(i - 1) == Some(&b'[') {
                        Some(i - 1)
                    } else {
                        None
                    };
                }
            }
        }
        None
    }

    /// `path` + `.key` for identifier-like keys, `path` + `["key"]` otherwise.
    pub(super) fn join_key(path: &str, key: &str) -> String {
        let plain = key
            .as_bytes()
            .first()
            .is_some_and(|b| b.is_ascii_lowercase() || *b == b'_')
            && key
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if plain {
            if path.is_empty() {
                key.to_owned()
            } else {
                format!("{path}.{key}")
            }
        } else {
            let quoted = serde_json::to_string(key).unwrap_or_else(|_| format!("{key:?}"));
            format!("{path}[{quoted}]")
        }
    }

    /// 1-based line and character column of byte `offset` (clamped to the
    /// text and moved back to a character boundary).
    pub(super) fn line_col(text: &str, offset: usize) -> (usize, usize) {
        let mut at = offset.min(text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let before = text.get(..at).unwrap_or_default();
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before.get(line_start..).unwrap_or_default().chars().count() + 1;
        (line, column)
    }

    /// The offset just after the last byte serde_json read, from its
    /// `line` and `column` (1-based; the column counts the bytes read on
    /// that line, 0 if none).
    pub(super) fn consumed_end(text: &str, line: usize, column: usize) -> usize {
        let mut line_start = 0;
        for _ in 1..line {
            match text.get(line_start..).and_then(|t| t.find('\n')) {
                Some(i) => line_start += i + 1,
                None => break,
            }
        }
        (line_start + column).min(text.len())
    }

    /// Scans `text` (see the module documentation).
    pub(super) fn scan(text: &str) -> Map {
        let mut s = Scanner {
            bytes: text.as_bytes(),
            pos: 0,
            map: Map {
                nodes: Vec::new(),
                duplicate: None,
            },
        };
        // Errors just stop the scan; what was found is kept.
        let _ = s.value("", 0);
        s.map
    }

    struct Scanner<'a> {
        bytes: &'a [u8],
        pos: usize,
        map: Map,
    }

    type Stop = ();

    impl Scanner<'_> {
        fn peek(&self) -> Option<u8> {
            self.bytes.get(self.pos).copied()
        }

        fn skip_ws(&mut self) {
            while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
                self.pos += 1;
            }
        }

        fn value(&mut self, path: &str, depth: usize) -> Result<(), Stop> {
            if depth > MAX_DEPTH {
                return Err(());
            }
            self.skip_ws();
            match self.peek() {
                Some(b'{') => self.object(path, depth),
                Some(b'[') => self.array(path, depth),
                Some(b'"') => self.string().map(|_| ()),
                Some(_) => {
                    // A number, true, false or null: up to a delimiter.
                    let start = self.pos;
                    while let Some(b) = self.peek() {
                        if matches!(b, b',' | b']' | b'}' | b' ' | b'\t' | b'\n' | b'\r') {
                            break;
                        }
                        self.pos += 1;
                    }
                    if self.pos == start {
                        Err(())
                    } else {
                        Ok(())
                    }
                }
                None => Err(()),
            }
        }

        /// Reads a string at `pos` (on its opening quote) and returns its
        /// decoded value.
        fn string(&mut self) -> Result<String, Stop> {
            let start = self.pos;
            self.pos += 1;
            loop {
                match self.peek() {
                    Some(b'"') => {
                        self.pos += 1;
                        break;
                    }
                    Some(b'\\') => self.pos += 2,
                    Some(_) => self.pos += 1,
                    None => return Err(()),
                }
            }
            let raw = self.bytes.get(start..self.pos).ok_or(())?;
            let raw = core::str::from_utf8(raw).map_err(|_| ())?;
            serde_json::from_str::<String>(raw).map_err(|_| ())
        }

        /// Records a node starting at `start`; returns its index.
        fn open(&mut self, path: String, start: usize) -> usize {
            self.map.nodes.push(Node {
                path,
                start,
                end: usize::MAX,
            });
            self.map.nodes.len() - 1
        }

        fn close(&mut self, index: usize) {
            let end = self.pos.saturating_sub(1);
            if let Some(n) = self.map.nodes.get_mut(index) {
                n.end = end;
            }
        }

        fn object(&mut self, path: &str, depth: usize) -> Result<(), Stop> {
            self.pos += 1; // '{'
            let mut seen: HashMap<String, usize> = HashMap::new();
            self.skip_ws();
            if self.peek() == Some(b'}') {
                self.pos += 1;
                return Ok(());
            }
            loop {
                self.skip_ws();
                if self.peek() != Some(b'"') {
                    return Err(());
                }
                let key_start = self.pos;
                let key = self.string()?;
                let member = join_key(path, &key);
                if let Some(&first) = seen.get(&key) {
                    if self.map.duplicate.is_none() {
                        self.map.duplicate = Some(Duplicate {
                            path: member.clone(),
                            offset: key_start,
                            first_offset: first,
                        });
                    }
                } else {
                    seen.insert(key, key_start);
                }
                let index = self.open(member.clone(), key_start);
                self.skip_ws();
                if self.peek() != Some(b':') {
                    return Err(());
                }
                self.pos += 1;
                self.value(&member, depth + 1)?;
                self.close(index);
                self.skip_ws();
                match self.peek() {
                    Some(b',') => self.pos += 1,
                    Some(b'}') => {
                        self.pos += 1;
                        return Ok(());
                    }
                    _ => return Err(()),
                }
            }
        }

        fn array(&mut self, path: &str, depth: usize) -> Result<(), Stop> {
            self.pos += 1; // '['
            self.skip_ws();
            if self.peek() == Some(b']') {
                self.pos += 1;
                return Ok(());
            }
            let mut i = 0usize;
            loop {
                self.skip_ws();
                let element = format!("{path}[{i}]");
                let index = self.open(element.clone(), self.pos);
                self.value(&element, depth + 1)?;
                self.close(index);
                self.skip_ws();
                match self.peek() {
                    Some(b',') => self.pos += 1,
                    Some(b']') => {
                        self.pos += 1;
                        return Ok(());
                    }
                    _ => return Err(()),
                }
                i += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests;
