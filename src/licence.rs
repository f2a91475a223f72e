//! The licence: model, builder, and its CWT claims set.
//!
//! A licence is a CWT claims set (RFC 8392) inside a COSE_Sign1 whose `typ`
//! is the content format 65100 (docs/FORMAT.md §3). Only what a verifier
//! cannot get from its trust material travels in the QR code (docs/FORMAT.md
//! §9): the identifier's root is a constant, the issuing authority's code,
//! name and region come from the signer certificate, and the licence type's
//! name and the meaning of its data items come from the licence catalogue.
//! Codes travel packed (docs/FORMAT.md §4, "Packing"). In CDDL:
//!
//! ```cddl
//! claims = {
//!   ? 4 => uint,          ; exp: end of validity (exclusive), absent = long-term
//!     5 => uint,          ; nbf: start of validity
//!     6 => uint,          ; iat: time of issue
//!   -65537 => licence,    ; private-use claim (RFC 8392 §9.1: keys < -65536)
//! }
//! licence = [
//!   type-code: bstr .size 13,      ; packed licence type code
//!   serial: uint / tstr,           ; uint exactly when canonical decimal
//!   version: uint,                 ; 1..999
//!   number: tstr / null,           ; licence number printed on the licence, if any
//!   holder: [1, bstr .size 12, name: tstr]   ; organisation, packed credit code
//!         / [2, uint, name: tstr],           ; citizen, packed resident id
//!   status-index: uint / null,
//!   items: { * uint => tstr / int },         ; data items by catalogue number
//! ]
//! ```
//!
//! Validity is a pair of calendar dates. `nbf` is 00:00 China Standard Time
//! (UTC+8) on the first day and `exp` is 00:00 CST on the day after the last
//! day; a decoder refuses `nbf`/`exp` that are not at such a midnight. The
//! issue date is the CST calendar date of `iat`.

use chrono::{Datelike, NaiveDate};
use ciborium::Value;
use serde::{Deserialize, Serialize, Serializer};
use thiserror::Error;

use crate::artifact::{Artifact, CertifiedSigner, Prepared, SignerRole};
use crate::cbor::{self, Limits};
use crate::envelope::ArtifactType;
use crate::identifiers::{
    AuthorityCode, CreditCode, IdentifierError, LicenceIdentifier, LicenceTypeCode, ResidentId,
    PACKED_CREDIT_LEN, PACKED_TYPE_LEN,
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

/// Longest holder name and licence number (bytes of UTF-8).
pub const MAX_NAME_LEN: usize = 256;
/// Longest text item value (bytes of UTF-8).
pub const MAX_TEXT_LEN: usize = 1024;
/// Most data items on one licence.
pub const MAX_ITEMS: usize = 64;

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
        /// The field, e.g. `holder.code`, or `items.4` for the data item
        /// numbered 4.
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
        match kind {
            1 => CreditCode::parse_lenient(code)
                .map(HolderCode::Organisation)
                .map_err(holder_code_error),
            2 => code
                .parse::<ResidentId>()
                .map(HolderCode::Citizen)
                .map_err(holder_code_error),
            k => Err(holder_kind_error(k.into())),
        }
    }
    /// The packed code as carried (docs/FORMAT.md §4, "Packing").
    fn to_wire(&self) -> Value {
        match self {
            HolderCode::Organisation(c) => Value::Bytes(c.to_packed().to_vec()),
            HolderCode::Citizen(r) => Value::Integer(r.to_packed().into()),
        }
    }
}

fn holder_code_error(e: IdentifierError) -> LicenceError {
    LicenceError::field("holder.code", e)
}

fn holder_kind_error(kind: i128) -> LicenceError {
    LicenceError::field(
        "holder.kind",
        format!("kind {kind} is neither 1 (organisation) nor 2 (citizen)"),
    )
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

/// A date as a date item carries it: the number of days since 1970-01-01
/// (negative before it).
pub fn date_to_days(d: NaiveDate) -> i64 {
    i64::from(d.num_days_from_ce()) - 719_163
}

/// The date `days` days after 1970-01-01, if it is a date of years 1 to
/// 9999 (the range a date item may hold).
pub fn days_to_date(days: i64) -> Option<NaiveDate> {
    date_from_days(days).filter(|d| (1..=9999).contains(&d.year()))
}

fn date_from_days(days: i64) -> Option<NaiveDate> {
    let ce = i32::try_from(days.checked_add(719_163)?).ok()?;
    NaiveDate::from_num_days_from_ce_opt(ce)
}

fn cst_midnight(d: NaiveDate) -> i64 {
    date_to_days(d) * 86_400 - CST_OFFSET
}

/// The CST calendar date of a Unix time.
pub fn cst_date(unix: i64) -> Option<NaiveDate> {
    date_from_days((unix + CST_OFFSET).div_euclid(86_400))
}

/// The integer a serial travels as, when it is the canonical decimal form of
/// a `u64` (digits only, no leading zero unless it is `0`, at most
/// 18446744073709551615); `None` when it travels as text (docs/FORMAT.md §4,
/// "Serial").
pub fn serial_as_integer(serial: &str) -> Option<u64> {
    let b = serial.as_bytes();
    if b.is_empty() || b.len() > 20 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    if b.len() > 1 && b[0] == b'0' {
        return None;
    }
    serial.parse().ok()
}

/// An electronic licence. Built with [`LicenceBuilder`] or decoded from claims;
/// every field has passed its rule.
///
/// The licence type's name is not part of the licence: it comes from the
/// licence catalogue, as does the meaning (name, value type, unit) of each
/// data item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Licence {
    type_code: LicenceTypeCode,
    serial: String,
    version: u16,
    number: Option<String>,
    holder: Holder,
    issued_at: i64,
    validity: Validity,
    status_index: Option<u64>,
    #[serde(serialize_with = "items_json")]
    items: Vec<Item>,
}

/// Items in JSON as `{"number": 2, "text": "…"}` or `{"number": 4, "integer": 1000}`.
fn items_json<S: Serializer>(items: &[Item], s: S) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct Flat<'a> {
        number: u16,
        #[serde(flatten)]
        value: &'a ItemValue,
    }
    s.collect_seq(items.iter().map(|i| Flat {
        number: i.number,
        value: &i.value,
    }))
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
    /// The data items, sorted by number (numbers unique, 1 or more).
    pub fn items(&self) -> &[Item] {
        &self.items
    }
    /// The value of the data item numbered `number`, if the licence has it.
    pub fn item(&self, number: u16) -> Option<&ItemValue> {
        self.items
            .binary_search_by_key(&number, |i| i.number)
            .ok()
            .map(|i| &self.items[i].value)
    }

    /// The licence's fields as readable lines, each indented by two spaces
    /// (serial and version, number, holder, issue date, validity, status
    /// index, data items by number), for reports and the command line.
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
        for i in &self.items {
            let _ = match &i.value {
                ItemValue::Text(t) => writeln!(s, "  item {}: {t}", i.number),
                ItemValue::Integer(n) => writeln!(s, "  item {}: {n}", i.number),
            };
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

    /// Encodes the CWT claims set, deterministically (RFC 8949 §4.2.1),
    /// with every code packed (docs/FORMAT.md §4).
    pub fn to_claims(&self) -> Vec<u8> {
        let items = self
            .items
            .iter()
            .map(|i| {
                let v = match &i.value {
                    ItemValue::Text(t) => Value::Text(t.clone()),
                    ItemValue::Integer(n) => Value::Integer((*n).into()),
                };
                (Value::Integer(i.number.into()), v)
            })
            .collect();
        let serial = match serial_as_integer(&self.serial) {
            Some(n) => Value::Integer(n.into()),
            None => Value::Text(self.serial.clone()),
        };
        let body = Value::Array(vec![
            Value::Bytes(self.type_code.to_packed().to_vec()),
            serial,
            Value::Integer(self.version.into()),
            self.number.clone().map_or(Value::Null, Value::Text),
            Value::Array(vec![
                Value::Integer(self.holder.code.wire_kind().into()),
                self.holder.code.to_wire(),
                Value::Text(self.holder.name.clone()),
            ]),
            self.status_index
                .map_or(Value::Null, |i| Value::Integer(i.into())),
            Value::Map(items),
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
    type_code: Vec<u8>,
    serial: IntOrText,
    version: Int,
    number: Option<String>,
    holder_kind: Int,
    holder_code: IntOrBytes,
    holder_name: String,
    status_index: Option<Int>,
    items: Vec<(Int, IntOrText)>,
}

/// An item that is an integer or a text string (serial, item value).
enum IntOrText {
    Int(Int),
    Text(String),
}

/// The holder's code: a byte string (kind 1) or an integer (kind 2); which
/// one the kind needs is a value rule.
enum IntOrBytes {
    Int(Int),
    Bytes(Vec<u8>),
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
        let [type_code, serial, version, number, holder, status, items]: [Value; 7] = body
            .try_into()
            .map_err(|_| malformed("the licence array does not have 7 items"))?;
        let Value::Array(holder) = holder else {
            return Err(malformed("holder is not an array"));
        };
        let [kind, code, name]: [Value; 3] = holder
            .try_into()
            .map_err(|_| malformed("holder does not have 3 items"))?;
        let Value::Map(items) = items else {
            return Err(malformed("items is not a map"));
        };
        let mut read_items = Vec::with_capacity(items.len());
        for (k, v) in items {
            let Value::Integer(number) = k else {
                return Err(malformed("an item number is not an integer"));
            };
            let value = match v {
                Value::Text(t) => IntOrText::Text(t),
                Value::Integer(n) => IntOrText::Int(n),
                _ => {
                    return Err(malformed(format!(
                        "item {} is neither text nor an integer",
                        i128::from(number)
                    )))
                }
            };
            read_items.push((number, value));
        }
        Ok(Shape {
            exp,
            nbf,
            iat,
            type_code: match type_code {
                Value::Bytes(b) => b,
                _ => return Err(malformed("type_code is not a byte string")),
            },
            serial: match serial {
                Value::Integer(n) => IntOrText::Int(n),
                Value::Text(t) => IntOrText::Text(t),
                _ => return Err(malformed("serial is neither an integer nor text")),
            },
            version: int(version, "version")?,
            number: match number {
                Value::Null => None,
                v => Some(text(v, "number")?),
            },
            holder_kind: int(kind, "holder.kind")?,
            holder_code: match code {
                Value::Integer(n) => IntOrBytes::Int(n),
                Value::Bytes(b) => IntOrBytes::Bytes(b),
                _ => {
                    return Err(malformed(
                        "holder.code is neither a byte string nor an integer",
                    ))
                }
            },
            holder_name: text(name, "holder.name")?,
            status_index: match status {
                Value::Null => None,
                v => Some(int(v, "status_index")?),
            },
            items: read_items,
        })
    }

    /// The value pass: unpacks the codes, then every field's rule (those of
    /// [`LicenceBuilder::build`]).
    fn into_licence(self) -> Result<Licence, LicenceError> {
        let type_code = <[u8; PACKED_TYPE_LEN]>::try_from(self.type_code.as_slice())
            .map_err(|_| {
                LicenceError::field(
                    "type_code",
                    format!(
                        "is {} bytes long, not {PACKED_TYPE_LEN}",
                        self.type_code.len()
                    ),
                )
            })
            .and_then(|b| {
                LicenceTypeCode::from_packed(&b).map_err(|e| LicenceError::field("type_code", e))
            })?;
        let serial = match self.serial {
            IntOrText::Int(n) => uint(n, "serial")?.to_string(),
            IntOrText::Text(t) => {
                if serial_as_integer(&t).is_some() {
                    return Err(LicenceError::field(
                        "serial",
                        "is a decimal number carried as text; it must be an unsigned integer",
                    ));
                }
                t
            }
        };
        let version = u16::try_from(self.version)
            .map_err(|_| LicenceError::field("version", "must be between 1 and 999"))?;
        let code = match (i128::from(self.holder_kind), self.holder_code) {
            (1, IntOrBytes::Bytes(b)) => {
                let b = <[u8; PACKED_CREDIT_LEN]>::try_from(b.as_slice()).map_err(|_| {
                    LicenceError::field(
                        "holder.code",
                        format!(
                            "is {} bytes long, not {PACKED_CREDIT_LEN} (a packed credit code)",
                            b.len()
                        ),
                    )
                })?;
                HolderCode::Organisation(CreditCode::from_packed(&b).map_err(holder_code_error)?)
            }
            (2, IntOrBytes::Int(n)) => HolderCode::Citizen(
                ResidentId::from_packed(uint(n, "holder.code")?).map_err(holder_code_error)?,
            ),
            (1, IntOrBytes::Int(_)) => {
                return Err(LicenceError::field(
                    "holder.code",
                    "is an integer; an organisation's code is a byte string",
                ))
            }
            (2, IntOrBytes::Bytes(_)) => {
                return Err(LicenceError::field(
                    "holder.code",
                    "is a byte string; a citizen's code is an unsigned integer",
                ))
            }
            (k, _) => return Err(holder_kind_error(k)),
        };
        let status_index = self
            .status_index
            .map(|i| uint(i, "status_index"))
            .transpose()?;
        let mut items = Vec::with_capacity(self.items.len());
        for (number, value) in self.items {
            let n = u16::try_from(number)
                .ok()
                .filter(|n| *n >= 1)
                .ok_or_else(|| {
                    LicenceError::field(
                        format!("items.{}", i128::from(number)),
                        "item numbers are 1 to 65535",
                    )
                })?;
            let value = match value {
                IntOrText::Text(t) => ItemValue::Text(t),
                IntOrText::Int(v) => ItemValue::Integer(i64::try_from(v).map_err(|_| {
                    LicenceError::field(format!("items.{n}"), "is outside 64-bit signed")
                })?),
            };
            items.push(Item { number: n, value });
        }
        let iat = uint(self.iat, "iat")?;
        let issued_at = i64::try_from(iat)
            .map_err(|_| LicenceError::field("iat", "must be between 1970 and 9999"))?;
        let from = midnight_to_date(uint(self.nbf, "nbf")?, "nbf")?;
        let until = match self.exp {
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
        Parts {
            type_code,
            serial,
            version,
            number: self.number,
            holder: Holder {
                name: self.holder_name,
                code,
            },
            issued_at,
            from,
            until,
            status_index,
            items,
        }
        .check()
    }
}

/// Every field of a licence, codes parsed, other rules not yet checked: what
/// the builder and the decoder both end in.
struct Parts {
    type_code: LicenceTypeCode,
    serial: String,
    version: u16,
    number: Option<String>,
    holder: Holder,
    issued_at: i64,
    from: NaiveDate,
    until: Option<NaiveDate>,
    status_index: Option<u64>,
    items: Vec<Item>,
}

impl Parts {
    /// The value rules of docs/FORMAT.md §4 that the codes' parsers do not
    /// already apply; sorts the items by number.
    fn check(mut self) -> Result<Licence, LicenceError> {
        let serial = &self.serial;
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
        if !(1..=999).contains(&self.version) {
            return Err(LicenceError::field("version", "must be between 1 and 999"));
        }
        if let Some(n) = &self.number {
            check_display_text("number", n, MAX_NAME_LEN, false)?;
        }
        check_display_text("holder.name", &self.holder.name, MAX_NAME_LEN, false)?;
        // Years 1970..=9999 keep every derived time in range.
        if !(0..=MAX_TIME).contains(&self.issued_at) {
            return Err(LicenceError::field(
                "issued_at",
                "must be between 1970 and 9999",
            ));
        }
        let date_ok = |d: NaiveDate| (first_valid_date()..=last_valid_date()).contains(&d);
        let date_range = "must be a date from 1970-01-02 to 9998-12-31";
        if !date_ok(self.from) {
            return Err(LicenceError::field("valid_from", date_range));
        }
        if let Some(u) = self.until {
            if !date_ok(u) {
                return Err(LicenceError::field("valid_until", date_range));
            }
            if u < self.from {
                return Err(LicenceError::field("valid_until", "is before valid_from"));
            }
        }
        if self.items.len() > MAX_ITEMS {
            return Err(LicenceError::field(
                "items",
                format!(
                    "has {} entries, over the limit of {MAX_ITEMS}",
                    self.items.len()
                ),
            ));
        }
        // Stable, and linear on items already in order (the usual case).
        self.items.sort_by_key(|i| i.number);
        let mut previous = 0u16;
        for i in &self.items {
            let field = || format!("items.{}", i.number);
            if i.number == 0 {
                return Err(LicenceError::field(field(), "item numbers start at 1"));
            }
            if i.number == previous {
                return Err(LicenceError::field(field(), "is given twice"));
            }
            previous = i.number;
            if let ItemValue::Text(t) = &i.value {
                check_display_text(&field(), t, MAX_TEXT_LEN, true)?;
            }
        }
        Ok(Licence {
            type_code: self.type_code,
            serial: self.serial,
            version: self.version,
            number: self.number,
            holder: self.holder,
            issued_at: self.issued_at,
            validity: Validity {
                from: self.from,
                until: self.until,
            },
            status_index: self.status_index,
            items: self.items,
        })
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

/// A data item's value as given to the builder: a date is kept as a date
/// until [`LicenceBuilder::build`] checks its years.
#[derive(Clone, Debug)]
enum ItemIn {
    Value(ItemValue),
    Date(NaiveDate),
}

/// Builds a [`Licence`], refusing invalid ones with an error naming the field.
///
/// ```
/// use elicense::licence::{ItemValue, Licence};
/// use chrono::NaiveDate;
///
/// let licence = Licence::builder()
///     .type_code("11100000000013338W011")
///     .serial("20240001")
///     .version(1)
///     .organisation("上海浦江智联科技有限公司", "91310115MA1K4LQX58")
///     .issued_at(1_716_000_000)
///     .valid_from(NaiveDate::from_ymd_opt(2019, 5, 20).unwrap())
///     .long_term()
///     .text(2, "上海市浦东新区碧波路690号")
///     .integer(4, 1000)
///     .date(5, NaiveDate::from_ymd_opt(2019, 5, 20).unwrap())
///     .build()
///     .unwrap();
/// assert_eq!(licence.item(4), Some(&ItemValue::Integer(1000)));
/// assert_eq!(licence.item(5), Some(&ItemValue::Integer(18036)));
/// ```
#[derive(Clone, Debug, Default)]
pub struct LicenceBuilder {
    type_code: Option<String>,
    serial: Option<String>,
    version: Option<u16>,
    number: Option<String>,
    holder: Option<(u8, String, String)>,
    issued_at: Option<i64>,
    valid_from: Option<NaiveDate>,
    valid_until: Option<NaiveDate>,
    long_term: bool,
    status_index: Option<u64>,
    items: Vec<(u16, ItemIn)>,
}

impl LicenceBuilder {
    /// Licence type code (21 chars).
    pub fn type_code(mut self, v: impl Into<String>) -> Self {
        self.type_code = Some(v.into());
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
    /// Adds the data item numbered `number` (1 or more; each number once).
    /// Items may be added in any order: the licence keeps them sorted.
    pub fn item(mut self, number: u16, value: ItemValue) -> Self {
        self.items.push((number, ItemIn::Value(value)));
        self
    }
    /// Adds a text item (at most 1024 bytes, no control or direction characters).
    pub fn text(self, number: u16, v: impl Into<String>) -> Self {
        self.item(number, ItemValue::Text(v.into()))
    }
    /// Adds an integer item (an amount in the unit its catalogue entry gives,
    /// or an enumeration value).
    pub fn integer(self, number: u16, v: i64) -> Self {
        self.item(number, ItemValue::Integer(v))
    }
    /// Adds a date item: carried as the integer number of days since
    /// 1970-01-01 ([`date_to_days`]); years 1 to 9999.
    pub fn date(mut self, number: u16, v: NaiveDate) -> Self {
        self.items.push((number, ItemIn::Date(v)));
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
        let serial = self.serial.ok_or_else(|| need("serial"))?;
        let version = self.version.ok_or_else(|| need("version"))?;
        let (kind, code, name) = self.holder.ok_or_else(|| need("holder"))?;
        let holder = Holder {
            name,
            code: HolderCode::parse(kind, &code)?,
        };
        let issued_at = self.issued_at.ok_or_else(|| need("issued_at"))?;
        let from = self.valid_from.ok_or_else(|| need("valid_from"))?;
        let until = match (self.valid_until, self.long_term) {
            (Some(u), false) => Some(u),
            (None, true) => None,
            _ => return Err(need("valid_until (or long-term)")),
        };
        let mut items = Vec::with_capacity(self.items.len());
        for (number, value) in self.items {
            let value = match value {
                ItemIn::Value(v) => v,
                ItemIn::Date(d) if (1..=9999).contains(&d.year()) => {
                    ItemValue::Integer(date_to_days(d))
                }
                ItemIn::Date(_) => {
                    return Err(LicenceError::field(
                        format!("items.{number}"),
                        "a date must be between years 1 and 9999",
                    ))
                }
            };
            items.push(Item { number, value });
        }
        Parts {
            type_code,
            serial,
            version,
            number: self.number,
            holder,
            issued_at,
            from,
            until,
            status_index: self.status_index,
            items,
        }
        .check()
    }
}

/// The JSON form of a licence to issue (the CLI's `issue` input, also used
/// through the C ABI and WebAssembly). Unknown fields are refused.
///
/// ```json
/// { "type_code": "11100000000013338W011",
///   "serial": "20240001", "version": 1, "number": null,
///   "holder": { "kind": "organisation", "name": "…", "code": "91310115MA1K4LQX5J" },
///   "valid_from": "2019-05-20", "valid_until": null, "status_index": 0,
///   "items": [ { "number": 2, "text": "…" }, { "number": 4, "integer": 1000 },
///              { "number": 5, "date": "2019-05-20" } ] }
/// ```
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct LicenceSpec {
    /// Licence type code.
    pub type_code: String,
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
    /// Data items, by number.
    #[serde(default)]
    pub items: Vec<ItemSpec>,
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

/// One data item in [`LicenceSpec`]: the item, named by its `number` or by
/// its catalogue `key`, and exactly one of `text`, `integer`, `date` and
/// `label` (anything else is refused).
///
/// ```json
/// {"number": 3, "text": "李明华"}
/// {"key": "legal_rep", "text": "李明华"}
/// {"key": "entity_type", "label": "有限责任公司"}
/// ```
///
/// A key or a label is resolved through the licence type's catalogue entry
/// ([`LicenceSpec::to_licence_with`]); a number with a `text`, `integer` or
/// `date` needs no catalogue.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(try_from = "ItemSpecJson")]
pub struct ItemSpec {
    /// Which item.
    #[serde(flatten)]
    pub item: ItemRef,
    /// Value.
    #[serde(flatten)]
    pub value: ItemSpecValue,
}

/// How an [`ItemSpec`] names its item.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ItemRef {
    /// By its number in the licence type's catalogue entry.
    Number(u16),
    /// By its key in the licence type's catalogue entry (e.g. `legal_rep`).
    Key(String),
}

/// The value of an [`ItemSpec`].
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ItemSpecValue {
    /// Text (or a code).
    Text(String),
    /// An integer: an amount in the item's unit, or an enumeration value.
    Integer(i64),
    /// A date (`YYYY-MM-DD`), carried as days since 1970-01-01.
    Date(NaiveDate),
    /// An enumeration's label, in Chinese or English, carried as its value.
    Label(String),
}

/// [`ItemSpec`] as read from JSON, before one item and one value are required.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ItemSpecJson {
    number: Option<u16>,
    key: Option<String>,
    text: Option<String>,
    integer: Option<i64>,
    date: Option<NaiveDate>,
    label: Option<String>,
}

impl TryFrom<ItemSpecJson> for ItemSpec {
    type Error = String;
    fn try_from(j: ItemSpecJson) -> Result<Self, String> {
        let item = match (j.number, j.key) {
            (Some(n), None) => ItemRef::Number(n),
            (None, Some(k)) => ItemRef::Key(k),
            _ => return Err("an item needs exactly one of `number` and `key`".into()),
        };
        let value = match (j.text, j.integer, j.date, j.label) {
            (Some(t), None, None, None) => ItemSpecValue::Text(t),
            (None, Some(i), None, None) => ItemSpecValue::Integer(i),
            (None, None, Some(d), None) => ItemSpecValue::Date(d),
            (None, None, None, Some(l)) => ItemSpecValue::Label(l),
            _ => {
                return Err(format!(
                    "item {} needs exactly one of `text`, `integer`, `date` and `label`",
                    item
                ))
            }
        };
        Ok(ItemSpec { item, value })
    }
}

impl core::fmt::Display for ItemRef {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ItemRef::Number(n) => write!(f, "{n}"),
            ItemRef::Key(k) => f.write_str(k),
        }
    }
}

impl ItemSpec {
    /// The item's number and carried value, resolving a key or a label
    /// through `licence_type` (the licence type's catalogue entry).
    fn resolve(
        &self,
        licence_type: Option<&crate::catalogue::LicenceType>,
    ) -> Result<(u16, ItemValue), LicenceError> {
        use crate::catalogue::ValueType;
        let field = |reason: String| LicenceError::Field {
            field: format!("items.{}", self.item),
            reason,
        };
        let needs_catalogue = || {
            field(
                "naming an item by key or an enumeration by label needs the licence type \
                 in the catalogue, which does not define it"
                    .into(),
            )
        };
        let definition = match (&self.item, licence_type) {
            (ItemRef::Number(n), t) => t.and_then(|t| t.item(*n)),
            (ItemRef::Key(k), Some(t)) => Some(
                t.item_by_key(k)
                    .ok_or_else(|| field(format!("the licence type defines no item `{k}`")))?,
            ),
            (ItemRef::Key(_), None) => return Err(needs_catalogue()),
        };
        let number = match (&self.item, definition) {
            (ItemRef::Number(n), _) => *n,
            (_, Some(d)) => d.number,
            (ItemRef::Key(_), None) => return Err(needs_catalogue()),
        };
        let value = match &self.value {
            ItemSpecValue::Text(t) => ItemValue::Text(t.clone()),
            ItemSpecValue::Integer(i) => ItemValue::Integer(*i),
            ItemSpecValue::Date(d) => ItemValue::Integer(date_to_days(*d)),
            ItemSpecValue::Label(l) => match definition.map(|d| &d.value_type) {
                Some(ValueType::Enumeration { labels }) => ItemValue::Integer(
                    labels
                        .iter()
                        .find(|x| x.name.zh == *l || x.name.en == *l)
                        .ok_or_else(|| field(format!("`{l}` is not one of its labels")))?
                        .value,
                ),
                Some(_) => return Err(field("a label is only for an enumeration item".into())),
                None => return Err(needs_catalogue()),
            },
        };
        Ok((number, value))
    }
}

impl LicenceSpec {
    /// Parses the JSON form.
    pub fn from_json(json: &str) -> Result<Self, LicenceError> {
        serde_json::from_str(json)
            .map_err(|e| LicenceError::Malformed(format!("licence JSON: {e}")))
    }

    /// Builds the licence; `now` is used when `issued_at` is absent. Items
    /// named by key and enumeration labels are resolved through the
    /// built-in national catalogue ([`crate::catalogue::Catalogue::national`]);
    /// a type it does not define can only use item numbers (or use
    /// [`LicenceSpec::to_licence_with`]). The items are not checked against
    /// the catalogue here: an issuer does that with
    /// [`crate::catalogue::CatalogueSet::check`] before signing.
    pub fn to_licence(&self, now: i64) -> Result<Licence, LicenceError> {
        let licence_type = LicenceTypeCode::parse(&self.type_code)
            .ok()
            .and_then(|c| crate::catalogue::Catalogue::national().licence_type(&c));
        self.to_licence_with(licence_type, now)
    }

    /// Builds the licence, resolving item keys and enumeration labels
    /// through `licence_type` (its type's catalogue entry, national or a
    /// region's, e.g. from [`crate::catalogue::CatalogueSet::licence_type`]).
    pub fn to_licence_with(
        &self,
        licence_type: Option<&crate::catalogue::LicenceType>,
        now: i64,
    ) -> Result<Licence, LicenceError> {
        let mut b = Licence::builder()
            .type_code(&self.type_code)
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
        for i in &self.items {
            let (number, value) = i.resolve(licence_type)?;
            b = b.item(number, value);
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
    /// The `EL2:` QR text: the shorter of the raw and the dictionary-compressed
    /// payload (docs/FORMAT.md §2).
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
