//! The licence: model, builder, and its CWT claims set.
//!
//! A licence is a CWT claims set (RFC 8392) inside a COSE_Sign1 of `typ`
//! `application/el-lic+cwt`. Only what a verifier cannot get from its trust
//! material travels in the QR code (docs/FORMAT.md §9): the identifier's root
//! is a constant, and the issuing authority's code, name and region come from
//! the signer certificate. docs/FORMAT.md specifies every byte; in CDDL:
//!
//! ```cddl
//! claims = {
//!   ? 4 => uint,          ; exp: end of validity (exclusive), absent = long-term
//!     5 => uint,          ; nbf: start of validity
//!     6 => uint,          ; iat: time of issue
//!   -65537 => licence,    ; private-use claim (RFC 8392 §9.1: keys < -65536)
//! }
//! licence = [
//!   type-code: tstr,      ; 21 chars: ministry credit code + 3 digits
//!   type-name: tstr,
//!   serial: tstr,         ; 1..64 of 0-9A-Z
//!   version: uint,        ; 1..999
//!   number: tstr / null,  ; licence number printed on the licence, if any
//!   holder: [kind: 1 / 2, code: tstr, name: tstr],
//!   status-index: uint / null,
//!   attributes: [* [key: tstr, value: tstr / int / #6.100(int)]],
//! ]
//! ```
//!
//! Validity is a pair of calendar dates. `nbf` is 00:00 China Standard Time
//! (UTC+8) on the first day and `exp` is 00:00 CST on the day after the last
//! day; a decoder refuses `nbf`/`exp` that are not at such a midnight. The
//! issue date is the CST calendar date of `iat`.

use chrono::{Datelike, NaiveDate};
use ciborium::Value;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::artifact::{Artifact, CertifiedSigner, Prepared, SignerRole};
use crate::cbor::{self, Limits};
use crate::envelope::ArtifactType;
use crate::identifiers::{
    AuthorityCode, CreditCode, IdentifierError, LicenceIdentifier, LicenceTypeCode, ResidentId,
};
use crate::pki::{Certificate, Usage};
use crate::ReasonCode;

mod item;
pub use item::{Item, ItemValue};

/// CWT claim key of the licence body (private use, RFC 8392 §9.1).
pub const CLAIM_LICENCE: i64 = -65537;
/// CWT `exp`.
pub const CLAIM_EXP: i64 = 4;
/// CWT `nbf`.
pub const CLAIM_NBF: i64 = 5;
/// CWT `iat`.
pub const CLAIM_IAT: i64 = 6;
/// Offset of China Standard Time from UTC, in seconds.
pub const CST_OFFSET: i64 = 8 * 3600;
/// CBOR tag for a date as days since 1970-01-01 (RFC 8943).
pub const TAG_DAYS: u64 = 100;

/// Longest type name, holder name, licence number (bytes of UTF-8).
pub const MAX_NAME_LEN: usize = 256;
/// Longest text attribute value (bytes of UTF-8).
pub const MAX_TEXT_LEN: usize = 1024;
/// Most attributes on one licence.
pub const MAX_ATTRIBUTES: usize = 64;
/// Longest attribute key.
pub const MAX_KEY_LEN: usize = 32;

/// Latest `iat` accepted: 9999-12-31 23:59:59 UTC.
pub const MAX_TIME: i64 = 253_402_300_799;

/// The first day a validity period can have: 1970-01-02. `nbf` is an
/// unsigned integer (docs/FORMAT.md §4), and 00:00 CST on 1970-01-01 is
/// 8 hours before the Unix epoch.
pub fn first_valid_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 2).expect("a valid date")
}

/// The last day a validity period can have: 9998-12-31 (its `exp`, 00:00 CST
/// of the day after, still lies before year 9999 ends).
pub fn last_valid_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(9998, 12, 31).expect("a valid date")
}

/// CBOR limits for the claims set.
pub(crate) const CLAIMS_LIMITS: Limits = Limits {
    max_depth: 6,
    max_len: MAX_TEXT_LEN,
    max_entries: MAX_TEXT_LEN,
    max_input: crate::envelope::MAX_COSE_LEN,
};

/// Errors building or decoding a licence.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LicenceError {
    /// A field breaks its rule; `field` names it as in the JSON form.
    #[error("licence field `{field}` is invalid: {reason}")]
    Field {
        /// The field, e.g. `holder.code` or `attributes[2].key`.
        field: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The claims set does not follow the format.
    #[error("the licence claims are malformed: {0}")]
    Malformed(String),
    /// The JSON form of a licence could not be read.
    #[error("the licence JSON is invalid: {0}")]
    Json(String),
    /// Strict CBOR decoding of the claims failed.
    #[error("the licence claims are not strict CBOR: {0}")]
    Cbor(#[from] cbor::CborError),
}

impl LicenceError {
    /// The stable reason code.
    pub fn reason(&self) -> ReasonCode {
        match self {
            LicenceError::Field { .. } => ReasonCode::LicenceFieldInvalid,
            LicenceError::Malformed(_) | LicenceError::Json(_) => ReasonCode::LicenceMalformed,
            LicenceError::Cbor(e) => e.reason(),
        }
    }

    fn field(field: impl Into<String>, reason: impl ToString) -> Self {
        LicenceError::Field {
            field: field.into(),
            reason: reason.to_string(),
        }
    }
}

/// Something the caller should see that does not make the licence invalid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LicenceWarning {
    /// The reason code.
    pub code: ReasonCode,
    /// The field concerned.
    pub field: &'static str,
    /// One sentence for people.
    pub message: String,
}

/// The holder's identifying code, validated by its kind.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "code", rename_all = "snake_case")]
pub enum HolderCode {
    /// An organisation's unified social credit code (GB 32100), wire kind 1.
    /// Pilot codes that fail their check character are accepted with a warning.
    Organisation(CreditCode),
    /// A citizen's resident identity number (GB 11643), wire kind 2.
    Citizen(ResidentId),
}

impl HolderCode {
    /// The wire kind: 1 organisation, 2 citizen.
    pub fn wire_kind(&self) -> u8 {
        match self {
            HolderCode::Organisation(_) => 1,
            HolderCode::Citizen(_) => 2,
        }
    }
    /// The code as text.
    pub fn as_str(&self) -> &str {
        match self {
            HolderCode::Organisation(c) => c.as_str(),
            HolderCode::Citizen(c) => c.as_str(),
        }
    }
    fn parse(kind: u8, code: &str) -> Result<Self, LicenceError> {
        let err = |e: IdentifierError| LicenceError::field("holder.code", e);
        match kind {
            1 => CreditCode::parse_lenient(code)
                .map(HolderCode::Organisation)
                .map_err(err),
            2 => code
                .parse::<ResidentId>()
                .map(HolderCode::Citizen)
                .map_err(err),
            k => Err(LicenceError::field(
                "holder.kind",
                format!("kind {k} is neither 1 (organisation) nor 2 (citizen)"),
            )),
        }
    }
}

/// The licence holder.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Holder {
    /// Name of the organisation or person.
    pub name: String,
    /// Identifying code.
    #[serde(flatten)]
    pub code: HolderCode,
}

/// A type-specific attribute value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttributeValue {
    /// Text (CBOR tstr).
    Text(String),
    /// Integer (CBOR int, 64-bit signed range).
    Integer(i64),
    /// Calendar date (CBOR tag 100: days since 1970-01-01, RFC 8943).
    Date(NaiveDate),
}

impl core::fmt::Display for AttributeValue {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            AttributeValue::Text(t) => f.write_str(t),
            AttributeValue::Integer(i) => write!(f, "{i}"),
            AttributeValue::Date(d) => write!(f, "{d}"),
        }
    }
}

/// One ordered type-specific attribute.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Attribute {
    /// Key: 1–32 of `a-z 0-9 _`, starting with a letter; unique within the licence.
    pub key: String,
    /// Value.
    #[serde(flatten)]
    pub value: AttributeValue,
}

/// The validity period, in calendar dates (China Standard Time).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Validity {
    /// First day of validity.
    pub from: NaiveDate,
    /// Last day of validity; `None` means long-term (长期).
    pub until: Option<NaiveDate>,
}

impl Validity {
    /// `nbf`: 00:00 CST on `from`.
    pub fn not_before(&self) -> i64 {
        cst_midnight(self.from)
    }
    /// `exp`: 00:00 CST on the day after `until` (exclusive end), if not long-term.
    pub fn expires(&self) -> Option<i64> {
        self.until.map(|d| cst_midnight(d) + 86_400)
    }
}

fn days_from_epoch(d: NaiveDate) -> i64 {
    i64::from(d.num_days_from_ce()) - 719_163
}

fn date_from_days(days: i64) -> Option<NaiveDate> {
    let ce = i32::try_from(days.checked_add(719_163)?).ok()?;
    NaiveDate::from_num_days_from_ce_opt(ce)
}

fn cst_midnight(d: NaiveDate) -> i64 {
    days_from_epoch(d) * 86_400 - CST_OFFSET
}

/// The CST calendar date of a Unix time.
pub fn cst_date(unix: i64) -> Option<NaiveDate> {
    date_from_days((unix + CST_OFFSET).div_euclid(86_400))
}

/// An electronic licence. Built with [`LicenceBuilder`] or decoded from claims;
/// every field has passed its rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Licence {
    type_code: LicenceTypeCode,
    type_name: String,
    serial: String,
    version: u16,
    number: Option<String>,
    holder: Holder,
    issued_at: i64,
    validity: Validity,
    status_index: Option<u64>,
    attributes: Vec<Attribute>,
}

impl Licence {
    /// Starts a builder.
    pub fn builder() -> LicenceBuilder {
        LicenceBuilder::default()
    }
    /// Licence type code (21 chars).
    pub fn type_code(&self) -> &LicenceTypeCode {
        &self.type_code
    }
    /// Licence type name, e.g. 营业执照.
    pub fn type_name(&self) -> &str {
        &self.type_name
    }
    /// Serial part of the identifier.
    pub fn serial(&self) -> &str {
        &self.serial
    }
    /// Version part of the identifier (1–999).
    pub fn version(&self) -> u16 {
        self.version
    }
    /// Licence number printed on the licence, if any.
    pub fn number(&self) -> Option<&str> {
        self.number.as_deref()
    }
    /// The holder.
    pub fn holder(&self) -> &Holder {
        &self.holder
    }
    /// Time of issue (`iat`), Unix seconds.
    pub fn issued_at(&self) -> i64 {
        self.issued_at
    }
    /// Issue date: the CST calendar date of `iat`.
    pub fn issue_date(&self) -> NaiveDate {
        cst_date(self.issued_at).expect("iat was range-checked")
    }
    /// Validity period.
    pub fn validity(&self) -> &Validity {
        &self.validity
    }
    /// Index in the authority's status list, if assigned.
    pub fn status_index(&self) -> Option<u64> {
        self.status_index
    }
    /// Ordered type-specific attributes.
    pub fn attributes(&self) -> &[Attribute] {
        &self.attributes
    }
    /// The attribute with `key`.
    pub fn attribute(&self, key: &str) -> Option<&AttributeValue> {
        self.attributes
            .iter()
            .find(|a| a.key == key)
            .map(|a| &a.value)
    }

    /// The licence's fields as readable lines, each indented by two spaces
    /// (serial and version, number, holder, issue date, validity, status
    /// index, attributes), for reports and the command line.
    pub fn text_lines(&self) -> String {
        use core::fmt::Write as _;
        let mut s = String::new();
        let _ = writeln!(s, "  serial: {}  version: {:03}", self.serial, self.version);
        if let Some(n) = &self.number {
            let _ = writeln!(s, "  number: {n}");
        }
        let _ = writeln!(
            s,
            "  holder: {} ({})",
            self.holder.name,
            self.holder.code.as_str()
        );
        let _ = writeln!(s, "  issued: {}", self.issue_date());
        let until = self
            .validity
            .until
            .map_or_else(|| "long-term (长期)".to_owned(), |u| u.to_string());
        let _ = writeln!(s, "  valid: {} to {}", self.validity.from, until);
        if let Some(i) = self.status_index {
            let _ = writeln!(s, "  status index: {i}");
        }
        for a in &self.attributes {
            let _ = writeln!(s, "  {}: {}", a.key, a.value);
        }
        s
    }

    /// Things the caller should see that do not make the licence invalid.
    pub fn warnings(&self) -> Vec<LicenceWarning> {
        let mut w = Vec::new();
        if let HolderCode::Organisation(c) = &self.holder.code {
            if !c.check_valid() {
                w.push(LicenceWarning {
                    code: ReasonCode::HolderCodeCheckFailed,
                    field: "holder.code",
                    message: format!(
                        "the holder's credit code {} fails its GB 32100 check character; \
                         some early pilot codes are in legal use like this",
                        c.as_str()
                    ),
                });
            }
        }
        w
    }

    /// Encodes the CWT claims set, deterministically (RFC 8949 §4.2.1).
    pub fn to_claims(&self) -> Vec<u8> {
        let attrs = self
            .attributes
            .iter()
            .map(|a| {
                let v = match &a.value {
                    AttributeValue::Text(t) => Value::Text(t.clone()),
                    AttributeValue::Integer(i) => Value::Integer((*i).into()),
                    AttributeValue::Date(d) => Value::Tag(
                        TAG_DAYS,
                        Box::new(Value::Integer(days_from_epoch(*d).into())),
                    ),
                };
                Value::Array(vec![Value::Text(a.key.clone()), v])
            })
            .collect();
        let body = Value::Array(vec![
            Value::Text(self.type_code.as_str().to_owned()),
            Value::Text(self.type_name.clone()),
            Value::Text(self.serial.clone()),
            Value::Integer(self.version.into()),
            self.number.clone().map_or(Value::Null, Value::Text),
            Value::Array(vec![
                Value::Integer(self.holder.code.wire_kind().into()),
                Value::Text(self.holder.code.as_str().to_owned()),
                Value::Text(self.holder.name.clone()),
            ]),
            self.status_index
                .map_or(Value::Null, |i| Value::Integer(i.into())),
            Value::Array(attrs),
        ]);
        let mut claims = Vec::with_capacity(4);
        if let Some(exp) = self.validity.expires() {
            claims.push((Value::Integer(CLAIM_EXP.into()), Value::Integer(exp.into())));
        }
        claims.push((
            Value::Integer(CLAIM_NBF.into()),
            Value::Integer(self.validity.not_before().into()),
        ));
        claims.push((
            Value::Integer(CLAIM_IAT.into()),
            Value::Integer(self.issued_at.into()),
        ));
        claims.push((Value::Integer(CLAIM_LICENCE.into()), body));
        cbor::encode(&Value::Map(claims))
    }

    /// Decodes and validates a CWT claims set. Unknown claims are refused.
    ///
    /// Two passes, as docs/FORMAT.md §4 specifies: first the *shape* (every
    /// claim and item has the CBOR type of the CDDL, with the right number
    /// of items: otherwise [`LicenceError::Malformed`]), then every field's
    /// *value* rule ([`LicenceError::Field`]). So a claims set with both kinds
    /// of fault is always `LICENCE_MALFORMED`.
    pub fn from_claims(bytes: &[u8]) -> Result<Self, LicenceError> {
        let value = cbor::decode(bytes, &CLAIMS_LIMITS)?;
        Shape::read(value)?.into_licence()
    }
}

/// A CBOR integer as decoded, before its range is checked: unsigned and
/// negative integers are one type (docs/FORMAT.md §4).
type Int = ciborium::value::Integer;

/// A claims set whose shape matches the CDDL of docs/FORMAT.md §4; no value
/// has been checked yet.
struct Shape {
    exp: Option<Int>,
    nbf: Int,
    iat: Int,
    type_code: String,
    type_name: String,
    serial: String,
    version: Int,
    number: Option<String>,
    holder_kind: Int,
    holder_code: String,
    holder_name: String,
    status_index: Option<Int>,
    attributes: Vec<(String, ShapeValue)>,
}

/// An attribute value whose type is known, its range not yet checked.
enum ShapeValue {
    Text(String),
    Integer(Int),
    /// Tag 100 around an integer: days since 1970-01-01.
    Days(Int),
}

impl Shape {
    /// The shape pass: CBOR types, claim keys, array lengths.
    fn read(value: Value) -> Result<Self, LicenceError> {
        let Value::Map(entries) = value else {
            return Err(malformed("the claims set is not a map"));
        };
        let (mut exp, mut nbf, mut iat, mut body) = (None, None, None, None);
        for (k, v) in entries {
            let Value::Integer(key) = k else {
                return Err(malformed("a claim key is not an integer"));
            };
            match i64::try_from(key) {
                Ok(CLAIM_EXP) => exp = Some(int(v, "exp")?),
                Ok(CLAIM_NBF) => nbf = Some(int(v, "nbf")?),
                Ok(CLAIM_IAT) => iat = Some(int(v, "iat")?),
                Ok(CLAIM_LICENCE) => body = Some(v),
                _ => return Err(malformed(format!("unknown claim {}", i128::from(key)))),
            }
        }
        let nbf = nbf.ok_or_else(|| malformed("nbf is missing"))?;
        let iat = iat.ok_or_else(|| malformed("iat is missing"))?;
        let Some(Value::Array(body)) = body else {
            return Err(malformed("the licence claim is missing or not an array"));
        };
        let [type_code, type_name, serial, version, number, holder, status, attrs]: [Value; 8] =
            body.try_into()
                .map_err(|_| malformed("the licence array does not have 8 items"))?;
        let Value::Array(holder) = holder else {
            return Err(malformed("holder is not an array"));
        };
        let [kind, code, name]: [Value; 3] = holder
            .try_into()
            .map_err(|_| malformed("holder does not have 3 items"))?;
        let Value::Array(attrs) = attrs else {
            return Err(malformed("attributes is not an array"));
        };
        let mut attributes = Vec::with_capacity(attrs.len());
        for (i, a) in attrs.into_iter().enumerate() {
            let pair = |what: &str| malformed(format!("attributes[{i}] {what}"));
            let Value::Array(pair_items) = a else {
                return Err(pair("is not a [key, value] pair"));
            };
            let [k, v]: [Value; 2] = pair_items
                .try_into()
                .map_err(|_| pair("is not a [key, value] pair"))?;
            let Value::Text(k) = k else {
                return Err(pair("has a key that is not text"));
            };
            let value = match v {
                Value::Text(t) => ShapeValue::Text(t),
                Value::Integer(n) => ShapeValue::Integer(n),
                Value::Tag(TAG_DAYS, inner) => match *inner {
                    Value::Integer(n) => ShapeValue::Days(n),
                    _ => return Err(pair("has a date (tag 100) that is not an integer")),
                },
                _ => return Err(pair("has a value of an unsupported type")),
            };
            attributes.push((k, value));
        }
        Ok(Shape {
            exp,
            nbf,
            iat,
            type_code: text(type_code, "type_code")?,
            type_name: text(type_name, "type_name")?,
            serial: text(serial, "serial")?,
            version: int(version, "version")?,
            number: match number {
                Value::Null => None,
                v => Some(text(v, "number")?),
            },
            holder_kind: int(kind, "holder.kind")?,
            holder_code: text(code, "holder.code")?,
            holder_name: text(name, "holder.name")?,
            status_index: match status {
                Value::Null => None,
                v => Some(int(v, "status_index")?),
            },
            attributes,
        })
    }

    /// The value pass: every field's rule, through [`LicenceBuilder::build`].
    fn into_licence(self) -> Result<Licence, LicenceError> {
        let mut b = Licence::builder();
        b.type_code = Some(self.type_code);
        b.type_name = Some(self.type_name);
        b.serial = Some(self.serial);
        b.version = Some(
            u16::try_from(self.version)
                .map_err(|_| LicenceError::field("version", "must be between 1 and 999"))?,
        );
        b.number = self.number;
        let kind = u8::try_from(self.holder_kind).map_err(|_| {
            LicenceError::field("holder.kind", "is neither 1 (organisation) nor 2 (citizen)")
        })?;
        b.holder = Some((kind, self.holder_code, self.holder_name));
        b.status_index = self
            .status_index
            .map(|i| uint(i, "status_index"))
            .transpose()?;
        for (i, (key, value)) in self.attributes.into_iter().enumerate() {
            let value = match value {
                ShapeValue::Text(t) => AttributeValue::Text(t),
                ShapeValue::Integer(n) => {
                    AttributeValue::Integer(i64::try_from(n).map_err(|_| {
                        LicenceError::field(format!("attributes[{i}].integer"), "out of range")
                    })?)
                }
                ShapeValue::Days(n) => AttributeValue::Date(
                    i64::try_from(n)
                        .ok()
                        .and_then(date_from_days)
                        .ok_or_else(|| {
                            LicenceError::field(
                                format!("attributes[{i}].date"),
                                "must be between years 1 and 9999",
                            )
                        })?,
                ),
            };
            b.attributes.push(Attribute { key, value });
        }
        let iat = uint(self.iat, "iat")?;
        b.issued_at = Some(
            i64::try_from(iat)
                .map_err(|_| LicenceError::field("iat", "must be between 1970 and 9999"))?,
        );
        b.valid_from = Some(midnight_to_date(uint(self.nbf, "nbf")?, "nbf")?);
        b.valid_until = match self.exp {
            None => None,
            Some(exp) => {
                let day_after = midnight_to_date(uint(exp, "exp")?, "exp")?;
                Some(
                    day_after
                        .pred_opt()
                        .ok_or_else(|| LicenceError::field("exp", "out of range"))?,
                )
            }
        };
        b.long_term = self.exp.is_none();
        b.build()
    }
}

fn malformed(msg: impl Into<String>) -> LicenceError {
    LicenceError::Malformed(msg.into())
}

/// The shape of an integer item: any CBOR integer, its range checked later.
fn int(v: Value, field: &str) -> Result<Int, LicenceError> {
    match v {
        Value::Integer(i) => Ok(i),
        _ => Err(malformed(format!("{field} is not an integer"))),
    }
}

/// The value rule of a `uint` item: not negative, at most 2^64 − 1.
fn uint(i: Int, field: &str) -> Result<u64, LicenceError> {
    u64::try_from(i).map_err(|_| LicenceError::field(field, "is negative"))
}

fn text(v: Value, field: &str) -> Result<String, LicenceError> {
    match v {
        Value::Text(t) => Ok(t),
        _ => Err(malformed(format!("{field} is not text"))),
    }
}

/// The CST date whose 00:00 is the Unix time `t`.
fn midnight_to_date(t: u64, field: &str) -> Result<NaiveDate, LicenceError> {
    let out_of_range =
        || LicenceError::field(field, "must be a date from 1970-01-02 to 9998-12-31");
    // Past 9999-12-31 no date is valid; the bound also keeps `t + CST_OFFSET`
    // from overflowing.
    let t = i64::try_from(t)
        .ok()
        .filter(|t| *t <= MAX_TIME)
        .ok_or_else(out_of_range)?;
    if (t + CST_OFFSET).rem_euclid(86_400) != 0 {
        return Err(LicenceError::field(
            field,
            "is not at 00:00 China Standard Time",
        ));
    }
    cst_date(t).ok_or_else(out_of_range)
}

/// Refuses control characters and bidirectional overrides, which could make a
/// displayed licence say something other than its bytes.
pub(crate) fn check_display_text(
    field: &str,
    s: &str,
    max: usize,
    allow_empty: bool,
) -> Result<(), LicenceError> {
    if s.len() > max {
        return Err(LicenceError::field(
            field,
            format!("is {} bytes long, over the limit of {max}", s.len()),
        ));
    }
    if !allow_empty && s.trim().is_empty() {
        return Err(LicenceError::field(field, "is empty"));
    }
    if let Some(c) = s.chars().find(|c| {
        c.is_control() || matches!(*c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
    }) {
        return Err(LicenceError::field(
            field,
            format!("contains the control or direction character U+{:04X}", c as u32),
        ));
    }
    Ok(())
}

/// Builds a [`Licence`], refusing invalid ones with an error naming the field.
///
/// ```
/// use elicense::licence::Licence;
/// use chrono::NaiveDate;
///
/// let licence = Licence::builder()
///     .type_code("11100000000013338W011")
///     .type_name("营业执照")
///     .serial("20240001")
///     .version(1)
///     .organisation("上海浦江智联科技有限公司", "91310115MA1K4LQX5J")
///     .issued_at(1_716_000_000)
///     .valid_from(NaiveDate::from_ymd_opt(2019, 5, 20).unwrap())
///     .long_term()
///     .text("address", "上海市浦东新区碧波路690号")
///     .build();
/// assert!(licence.is_ok());
/// ```
#[derive(Clone, Debug, Default)]
pub struct LicenceBuilder {
    type_code: Option<String>,
    type_name: Option<String>,
    serial: Option<String>,
    version: Option<u16>,
    number: Option<String>,
    holder: Option<(u8, String, String)>,
    issued_at: Option<i64>,
    valid_from: Option<NaiveDate>,
    valid_until: Option<NaiveDate>,
    long_term: bool,
    status_index: Option<u64>,
    attributes: Vec<Attribute>,
}

impl LicenceBuilder {
    /// Licence type code (21 chars).
    pub fn type_code(mut self, v: impl Into<String>) -> Self {
        self.type_code = Some(v.into());
        self
    }
    /// Licence type name.
    pub fn type_name(mut self, v: impl Into<String>) -> Self {
        self.type_name = Some(v.into());
        self
    }
    /// Serial (1–64 of 0-9A-Z).
    pub fn serial(mut self, v: impl Into<String>) -> Self {
        self.serial = Some(v.into());
        self
    }
    /// Version (1–999).
    pub fn version(mut self, v: u16) -> Self {
        self.version = Some(v);
        self
    }
    /// Licence number printed on the licence.
    pub fn number(mut self, v: impl Into<String>) -> Self {
        self.number = Some(v.into());
        self
    }
    /// Holder: an organisation with its unified social credit code.
    pub fn organisation(mut self, name: impl Into<String>, credit_code: impl Into<String>) -> Self {
        self.holder = Some((1, credit_code.into(), name.into()));
        self
    }
    /// Holder: a citizen with a resident identity number.
    pub fn citizen(mut self, name: impl Into<String>, resident_id: impl Into<String>) -> Self {
        self.holder = Some((2, resident_id.into(), name.into()));
        self
    }
    /// Time of issue, Unix seconds.
    pub fn issued_at(mut self, unix: i64) -> Self {
        self.issued_at = Some(unix);
        self
    }
    /// First day of validity.
    pub fn valid_from(mut self, d: NaiveDate) -> Self {
        self.valid_from = Some(d);
        self
    }
    /// Last day of validity.
    pub fn valid_until(mut self, d: NaiveDate) -> Self {
        self.valid_until = Some(d);
        self.long_term = false;
        self
    }
    /// Long-term validity (长期): no end date.
    pub fn long_term(mut self) -> Self {
        self.valid_until = None;
        self.long_term = true;
        self
    }
    /// Index in the authority's status list.
    pub fn status_index(mut self, i: u64) -> Self {
        self.status_index = Some(i);
        self
    }
    /// Appends a text attribute.
    pub fn text(self, key: impl Into<String>, v: impl Into<String>) -> Self {
        self.attribute(key, AttributeValue::Text(v.into()))
    }
    /// Appends an integer attribute.
    pub fn integer(self, key: impl Into<String>, v: i64) -> Self {
        self.attribute(key, AttributeValue::Integer(v))
    }
    /// Appends a date attribute.
    pub fn date(self, key: impl Into<String>, v: NaiveDate) -> Self {
        self.attribute(key, AttributeValue::Date(v))
    }
    /// Appends an attribute.
    pub fn attribute(mut self, key: impl Into<String>, value: AttributeValue) -> Self {
        self.attributes.push(Attribute {
            key: key.into(),
            value,
        });
        self
    }

    /// Checks every field and builds the licence.
    pub fn build(self) -> Result<Licence, LicenceError> {
        let need = |field: &str| LicenceError::field(field, "is required");
        let type_code: LicenceTypeCode =
            self.type_code
                .ok_or_else(|| need("type_code"))?
                .parse()
                .map_err(|e: IdentifierError| LicenceError::field("type_code", e))?;
        let type_name = self.type_name.ok_or_else(|| need("type_name"))?;
        check_display_text("type_name", &type_name, MAX_NAME_LEN, false)?;
        let serial = self.serial.ok_or_else(|| need("serial"))?;
        if serial.is_empty()
            || serial.len() > 64
            || !serial
                .bytes()
                .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
        {
            return Err(LicenceError::field(
                "serial",
                "must be 1 to 64 characters of 0-9 and A-Z",
            ));
        }
        let version = self.version.ok_or_else(|| need("version"))?;
        if !(1..=999).contains(&version) {
            return Err(LicenceError::field("version", "must be between 1 and 999"));
        }
        if let Some(n) = &self.number {
            check_display_text("number", n, MAX_NAME_LEN, false)?;
        }
        let (kind, code, name) = self.holder.ok_or_else(|| need("holder"))?;
        check_display_text("holder.name", &name, MAX_NAME_LEN, false)?;
        let holder = Holder {
            name,
            code: HolderCode::parse(kind, &code)?,
        };
        let issued_at = self.issued_at.ok_or_else(|| need("issued_at"))?;
        // Years 1970..=9999 keep every derived time in range.
        if !(0..=MAX_TIME).contains(&issued_at) {
            return Err(LicenceError::field(
                "issued_at",
                "must be between 1970 and 9999",
            ));
        }
        let from = self.valid_from.ok_or_else(|| need("valid_from"))?;
        let until = match (self.valid_until, self.long_term) {
            (Some(u), false) => Some(u),
            (None, true) => None,
            _ => return Err(need("valid_until (or long-term)")),
        };
        let date_ok = |d: NaiveDate| (first_valid_date()..=last_valid_date()).contains(&d);
        let date_range = "must be a date from 1970-01-02 to 9998-12-31";
        if !date_ok(from) {
            return Err(LicenceError::field("valid_from", date_range));
        }
        if let Some(u) = until {
            if !date_ok(u) {
                return Err(LicenceError::field("valid_until", date_range));
            }
            if u < from {
                return Err(LicenceError::field("valid_until", "is before valid_from"));
            }
        }
        if self.attributes.len() > MAX_ATTRIBUTES {
            return Err(LicenceError::field(
                "attributes",
                format!(
                    "has {} entries, over the limit of {MAX_ATTRIBUTES}",
                    self.attributes.len()
                ),
            ));
        }
        for (i, a) in self.attributes.iter().enumerate() {
            let field = format!("attributes[{i}].key");
            let k = a.key.as_bytes();
            if k.is_empty()
                || k.len() > MAX_KEY_LEN
                || !k[0].is_ascii_lowercase()
                || !k
                    .iter()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'_')
            {
                return Err(LicenceError::field(
                    field,
                    "must be 1 to 32 characters of a-z, 0-9 and _, starting with a letter",
                ));
            }
            if self.attributes[..i].iter().any(|b| b.key == a.key) {
                return Err(LicenceError::field(
                    field,
                    format!("repeats the key {:?}", a.key),
                ));
            }
            match &a.value {
                AttributeValue::Text(t) => {
                    check_display_text(&format!("attributes[{i}].text"), t, MAX_TEXT_LEN, true)?
                }
                AttributeValue::Date(d) if !(1..=9999).contains(&d.year()) => {
                    return Err(LicenceError::field(
                        format!("attributes[{i}].date"),
                        "must be between years 1 and 9999",
                    ))
                }
                _ => {}
            }
        }
        Ok(Licence {
            type_code,
            type_name,
            serial,
            version,
            number: self.number,
            holder,
            issued_at,
            validity: Validity { from, until },
            status_index: self.status_index,
            attributes: self.attributes,
        })
    }
}

/// The JSON form of a licence to issue (the CLI's `issue` input, also used
/// through the C ABI and WebAssembly). Unknown fields are refused.
///
/// ```json
/// { "type_code": "11100000000013338W011", "type_name": "营业执照",
///   "serial": "20240001", "version": 1, "number": null,
///   "holder": { "kind": "organisation", "name": "…", "code": "91310115MA1K4LQX5J" },
///   "valid_from": "2019-05-20", "valid_until": null, "status_index": 0,
///   "attributes": [ { "key": "address", "text": "…" }, { "key": "capital", "integer": 1000 } ] }
/// ```
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct LicenceSpec {
    /// Licence type code.
    pub type_code: String,
    /// Licence type name.
    pub type_name: String,
    /// Serial.
    pub serial: String,
    /// Version (1–999).
    pub version: u16,
    /// Licence number, if any.
    #[serde(default)]
    pub number: Option<String>,
    /// Holder.
    pub holder: HolderSpec,
    /// Time of issue (Unix seconds); the issuer's clock when absent.
    #[serde(default)]
    pub issued_at: Option<i64>,
    /// First day of validity (YYYY-MM-DD).
    pub valid_from: NaiveDate,
    /// Last day of validity; `null` or absent for long-term.
    #[serde(default)]
    pub valid_until: Option<NaiveDate>,
    /// Status-list index.
    #[serde(default)]
    pub status_index: Option<u64>,
    /// Ordered attributes.
    #[serde(default)]
    pub attributes: Vec<AttributeSpec>,
}

/// The holder in [`LicenceSpec`].
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct HolderSpec {
    /// `organisation` or `citizen`.
    pub kind: HolderKind,
    /// Name.
    pub name: String,
    /// Credit code or resident ID number.
    pub code: String,
}

/// Kind of holder in [`HolderSpec`].
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum HolderKind {
    /// An organisation (credit code).
    Organisation,
    /// A citizen (resident ID number).
    Citizen,
}

/// One attribute in [`LicenceSpec`]: a key and exactly one of `text`, `integer`, `date`.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
pub struct AttributeSpec {
    /// Key.
    pub key: String,
    /// Value.
    #[serde(flatten)]
    pub value: AttributeValue,
}

impl LicenceSpec {
    /// Parses the JSON form.
    pub fn from_json(json: &str) -> Result<Self, LicenceError> {
        serde_json::from_str(json)
            .map_err(|e| LicenceError::Malformed(format!("licence JSON: {e}")))
    }

    /// Builds the licence; `now` is used when `issued_at` is absent.
    pub fn to_licence(&self, now: i64) -> Result<Licence, LicenceError> {
        let mut b = Licence::builder()
            .type_code(&self.type_code)
            .type_name(&self.type_name)
            .serial(&self.serial)
            .version(self.version)
            .issued_at(self.issued_at.unwrap_or(now))
            .valid_from(self.valid_from);
        b = match self.holder.kind {
            HolderKind::Organisation => b.organisation(&self.holder.name, &self.holder.code),
            HolderKind::Citizen => b.citizen(&self.holder.name, &self.holder.code),
        };
        b = match self.valid_until {
            Some(u) => b.valid_until(u),
            None => b.long_term(),
        };
        if let Some(n) = &self.number {
            b = b.number(n);
        }
        if let Some(i) = self.status_index {
            b = b.status_index(i);
        }
        for a in &self.attributes {
            b = b.attribute(&a.key, a.value.clone());
        }
        b.build()
    }
}

/// Errors issuing (signing) a licence: those of the signed-artifact layer.
pub type IssueError = crate::artifact::ArtifactError;

/// A signed licence: the tagged COSE_Sign1 bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedLicence {
    cose: Vec<u8>,
}

impl SignedLicence {
    /// Wraps the COSE_Sign1 bytes of a licence signed in two steps
    /// ([`Prepared::complete`]). Nothing is checked here: the bytes are
    /// what the artifact layer produced.
    pub fn from_cose(cose: Vec<u8>) -> Self {
        Self { cose }
    }
    /// The COSE_Sign1 bytes.
    pub fn cose(&self) -> &[u8] {
        &self.cose
    }
    /// The `EL1:` QR text.
    pub fn qr_text(&self) -> String {
        crate::envelope::to_qr_text(&self.cose)
    }
    /// Consumes and returns the COSE_Sign1 bytes.
    pub fn into_cose(self) -> Vec<u8> {
        self.cose
    }
}

impl Licence {
    /// The licence identifier (GB/T 36904) given the issuing authority's credit code.
    pub fn identifier(&self, authority: &CreditCode) -> LicenceIdentifier {
        LicenceIdentifier::new(
            self.type_code.clone(),
            AuthorityCode::CreditCode(authority.clone()),
            &self.serial,
            self.version,
        )
        .expect("serial and version were validated by the builder")
    }

    /// First step of issuing: checks that `signer` may sign licences (an
    /// authority certificate with the licence-signing usage) and was valid
    /// at `iat`, and prepares the envelope. An HSM or KMS then signs
    /// [`Prepared::to_be_signed`], and [`Prepared::complete`] gives the
    /// COSE_Sign1 bytes ([`SignedLicence::from_cose`] wraps them).
    pub fn prepare(&self, signer: &Certificate) -> Result<Prepared, IssueError> {
        crate::artifact::prepare(self, signer)
    }

    /// Issues the licence in one step.
    pub fn sign(&self, signer: &CertifiedSigner) -> Result<SignedLicence, IssueError> {
        crate::artifact::sign(self, signer).map(|cose| SignedLicence { cose })
    }
}

impl Artifact for Licence {
    const TYPE: ArtifactType = ArtifactType::Licence;
    const ROLE: SignerRole = SignerRole::Authority(Usage::LicenceSigning);
    fn payload(&self) -> Vec<u8> {
        self.to_claims()
    }
    fn issued_at(&self) -> i64 {
        self.issued_at
    }
}

#[cfg(test)]
mod tests;
