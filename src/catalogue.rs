//! The licence catalogue (证照目录, after GB/T 36902 and GB/T 36903): for
//! each licence type, its names and its numbered data items (照面信息项).
//!
//! A licence carries only item numbers and raw values ([`Item`]); the
//! catalogue says what each number means: its names in Chinese and English,
//! its value type (text, an amount in a unit, a date, a code with its check
//! algorithm, an enumeration with labels), whether it is required, and where
//! it is shown. [`CatalogueSet::check`] checks a licence's items against its
//! type and returns them typed, in display order, each able to format itself
//! for people ([`CheckedItem::zh`], [`CheckedItem::en`]).
//!
//! * The **national catalogue** is published by the federation and signed by
//!   the federation root. A default one ships with the library
//!   (`data/catalogue/national.json`, [`Catalogue::national`]); a trust
//!   bundle may carry a newer signed one.
//! * A **region extension** is published by a region and signed by that
//!   region's root. It may define only local types: types whose ministry
//!   credit code was registered within the region
//!   (`CREDIT_CODE_REGION_MISMATCH`), never a type of the national catalogue
//!   (`CATALOGUE_NATIONAL_TYPE_REDEFINED`). Its types apply to licences
//!   signed under that region's root.
//! * Each catalogue has a version that only grows: a lower one than the one
//!   held is a rollback (`CATALOGUE_ROLLBACK`), the same one with other
//!   content a conflict (`CATALOGUE_CONFLICT`).
//!
//! The signed form is a CWT claims set `{6: iat, -65537: body}` in a
//! COSE_Sign1 of `typ` `application/el-cat+cwt`; docs/FORMAT.md §19
//! specifies it (CDDL), and the JSON form the CLI reads and the library
//! embeds.
//!
//! ```
//! use elicense::catalogue::{Catalogue, CatalogueSet};
//! use elicense::licence::{Item, ItemValue};
//!
//! let set = CatalogueSet::national();
//! let business = "11100000000013338W011".parse()?;
//! let shanghai = "310000".parse()?;
//! let items = [
//!     Item { number: 2, value: ItemValue::Text("上海市浦东新区碧波路690号".into()) },
//!     Item { number: 3, value: ItemValue::Text("张三".into()) },
//!     Item { number: 4, value: ItemValue::Integer(1000) },
//!     Item { number: 5, value: ItemValue::Integer(18_036) }, // days since 1970-01-01
//!     Item { number: 6, value: ItemValue::Text("软件开发".into()) },
//! ];
//! let checked = set.check(&business, &shanghai, &items)?;
//! assert_eq!(checked.licence_type().name().zh, "营业执照");
//! let capital = checked.items().iter().find(|i| i.definition().number == 4).unwrap();
//! assert_eq!(capital.definition().name.zh, "注册资本");
//! assert_eq!(capital.zh(), "1000万元");
//! assert_eq!(capital.en(), "10,000,000 yuan");
//! let established = checked.items().iter().find(|i| i.definition().number == 5).unwrap();
//! assert_eq!(established.zh(), "2019年5月20日");
//! assert_eq!(established.en(), "2019-05-20");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use thiserror::Error;

use crate::artifact::ArtifactError;
use crate::cbor::CborError;
use crate::envelope::EnvelopeError;
use crate::identifiers::{CreditCode, LicenceTypeCode, RegionCode, ResidentId};
use crate::licence::{Item, ItemValue};
use crate::ReasonCode;

mod codec;
mod json;
mod set;

pub use codec::{MAX_CATALOGUE_LEN, MAX_CATALOGUE_TYPES};
pub use json::MAX_JSON_LEN;
pub use set::CatalogueSet;

/// Most data items one licence type defines: 64, as many as a licence may
/// carry.
pub const MAX_ITEMS_PER_TYPE: usize = 64;
/// Most labels of one enumeration: 256.
pub const MAX_LABELS: usize = 256;
/// Longest name (a type's, an item's, a label's), in bytes of UTF-8: 256.
pub const MAX_NAME_LEN: usize = 256;
/// Longest unit name, in bytes of UTF-8: 64.
pub const MAX_UNIT_LEN: usize = 64;
/// Longest item key, in bytes (ASCII): 64.
pub const MAX_KEY_LEN: usize = 64;
/// Largest `max_len` of a text item, in characters: 1024.
pub const MAX_TEXT_LEN: u32 = 1024;
/// Longest code value, in characters: 64.
pub const MAX_CODE_LEN: usize = 64;
/// Largest scale of a unit (the factor from the Chinese to the English
/// amount): 10^12.
pub const MAX_SCALE: u64 = 1_000_000_000_000;

/// Errors building, reading, signing, verifying or using a catalogue. Each
/// maps to one [`ReasonCode`].
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CatalogueError {
    /// The JSON form or the claims do not follow the format
    /// (`CATALOGUE_MALFORMED`).
    #[error("the catalogue is malformed: {0}")]
    Malformed(String),
    /// Strict CBOR decoding of the claims failed (its `CBOR_*` code).
    #[error("the catalogue claims are not strict CBOR: {0}")]
    Cbor(#[from] CborError),
    /// The envelope was refused (its code).
    #[error("{0}")]
    Envelope(#[from] EnvelopeError),
    /// Over a documented limit (`CATALOGUE_TOO_LARGE`).
    #[error("the catalogue is too large: {0}")]
    TooLarge(String),
    /// A type, item number or key defined twice, or a contradiction
    /// (`CATALOGUE_CONFLICT`).
    #[error("the catalogue has conflicting definitions: {0}")]
    Conflict(String),
    /// A value type or code check this version does not know
    /// (`CATALOGUE_VALUE_TYPE_UNKNOWN`).
    #[error("the catalogue uses an unknown value type: {0}")]
    UnknownValueType(String),
    /// A region extension defines a national type
    /// (`CATALOGUE_NATIONAL_TYPE_REDEFINED`).
    #[error("the catalogue of region {region} redefines the national licence type {code}")]
    NationalTypeRedefined {
        /// The region whose extension it is.
        region: RegionCode,
        /// The type code.
        code: LicenceTypeCode,
    },
    /// A region extension defines a type whose ministry credit code was
    /// registered outside the region (`CREDIT_CODE_REGION_MISMATCH`).
    #[error(
        "the catalogue of region {region} defines licence type {code}, whose ministry credit \
         code was registered outside the region"
    )]
    TypeOutsideRegion {
        /// The region whose extension it is.
        region: RegionCode,
        /// The type code.
        code: LicenceTypeCode,
    },
    /// Older than the catalogue held (`CATALOGUE_ROLLBACK`).
    #[error("the catalogue of {publisher} version {found} is older than version {seen} already held (rollback)")]
    Rollback {
        /// Whose catalogue.
        publisher: Publisher,
        /// The version offered.
        found: u64,
        /// The version held.
        seen: u64,
    },
    /// Not signed by the root that must sign it (`CATALOGUE_SIGNER_INVALID`).
    #[error("the catalogue is not signed by {expected}: {detail}")]
    Signer {
        /// Who should have signed it.
        expected: String,
        /// What went wrong.
        detail: String,
    },
    /// Signing or opening the envelope failed (the signer's key, its
    /// certificate's role, the `kid` or the signature).
    #[error("the catalogue of {signer}: {error}")]
    Artifact {
        /// Who signs or should have signed it.
        signer: String,
        /// What failed.
        error: ArtifactError,
    },
    /// No catalogue held defines the licence type (`LICENCE_TYPE_UNKNOWN`).
    #[error("no licence catalogue held defines licence type {code}{detail}")]
    UnknownType {
        /// The type code.
        code: LicenceTypeCode,
        /// More, e.g. which region's extension defines it.
        detail: String,
    },
    /// A licence's item breaks its definition (`LICENCE_FIELD_INVALID`):
    /// not defined by the type, wrong value type, a required item missing,
    /// a bad check character, an unknown enumeration value, too long.
    #[error("licence item {number}: {detail}")]
    Item {
        /// The item number.
        number: u16,
        /// What is wrong.
        detail: String,
    },
}

impl CatalogueError {
    /// The stable reason code.
    pub fn reason(&self) -> ReasonCode {
        match self {
            CatalogueError::Malformed(_) => ReasonCode::CatalogueMalformed,
            CatalogueError::Cbor(e) => e.reason(),
            CatalogueError::Envelope(e) => e.reason(),
            CatalogueError::TooLarge(_) => ReasonCode::CatalogueTooLarge,
            CatalogueError::Conflict(_) => ReasonCode::CatalogueConflict,
            CatalogueError::UnknownValueType(_) => ReasonCode::CatalogueValueTypeUnknown,
            CatalogueError::NationalTypeRedefined { .. } => {
                ReasonCode::CatalogueNationalTypeRedefined
            }
            CatalogueError::TypeOutsideRegion { .. } => ReasonCode::CreditCodeRegionMismatch,
            CatalogueError::Rollback { .. } => ReasonCode::CatalogueRollback,
            CatalogueError::Signer { .. } => ReasonCode::CatalogueSignerInvalid,
            // A kid or a signature that is not the expected signer's says the
            // catalogue is not from its signer; a wrong alg is key confusion.
            CatalogueError::Artifact { error, .. } => match error {
                ArtifactError::Signature(crate::alg::SignatureError::AlgorithmMismatch {
                    ..
                }) => ReasonCode::AlgKeyMismatch,
                e if e.is_signature() => ReasonCode::CatalogueSignerInvalid,
                e => e.reason(),
            },
            CatalogueError::UnknownType { .. } => ReasonCode::LicenceTypeUnknown,
            CatalogueError::Item { .. } => ReasonCode::LicenceFieldInvalid,
        }
    }
}

pub(crate) fn malformed(msg: impl Into<String>) -> CatalogueError {
    CatalogueError::Malformed(msg.into())
}

fn item_error(number: u16, detail: impl Into<String>) -> CatalogueError {
    CatalogueError::Item {
        number,
        detail: detail.into(),
    }
}

/// Who publishes a catalogue.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Publisher {
    /// The federation: the national catalogue, signed by the federation root.
    Federation,
    /// A region: its extension, signed by its region root.
    Region(RegionCode),
}

impl core::fmt::Display for Publisher {
    /// `the federation`, `region 440000`.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Publisher::Federation => f.write_str("the federation"),
            Publisher::Region(r) => write!(f, "region {r}"),
        }
    }
}

impl Publisher {
    /// Its wire and JSON form: `federation` or the 6-digit region code.
    pub fn as_str(&self) -> &str {
        match self {
            Publisher::Federation => "federation",
            Publisher::Region(r) => r.as_str(),
        }
    }

    /// Parses the wire and JSON form.
    pub fn parse(s: &str) -> Result<Self, CatalogueError> {
        if s == "federation" {
            return Ok(Publisher::Federation);
        }
        s.parse::<RegionCode>().map(Publisher::Region).map_err(|e| {
            malformed(format!(
                "publisher: not \"federation\" nor a region code: {e}"
            ))
        })
    }
}

impl Serialize for Publisher {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A name in Chinese and in English.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Names {
    /// Chinese (简体中文).
    pub zh: String,
    /// English.
    pub en: String,
}

impl Names {
    /// Both names.
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Names {
            zh: zh.into(),
            en: en.into(),
        }
    }

    fn check(&self, what: &str, max: usize) -> Result<(), CatalogueError> {
        check_name(&format!("{what}.zh"), &self.zh, max)?;
        check_name(&format!("{what}.en"), &self.en, max)
    }
}

/// Refuses an empty name, a name over `max` bytes (`CATALOGUE_TOO_LARGE`),
/// and control or direction characters (`CATALOGUE_MALFORMED`).
fn check_name(what: &str, s: &str, max: usize) -> Result<(), CatalogueError> {
    if s.len() > max {
        return Err(CatalogueError::TooLarge(format!(
            "{what} is {} bytes long, over the limit of {max}",
            s.len()
        )));
    }
    crate::licence::check_display_text(what, s, max, false)
        .map_err(|e| malformed(e.to_string()))?;
    if s.trim() != s {
        return Err(malformed(format!("{what} starts or ends with white space")));
    }
    Ok(())
}

/// The check algorithm of a code item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CodeCheck {
    /// No check: 1 to 64 characters of `0-9`, `A-Z`, `a-z` and `-`.
    None,
    /// A unified social credit code (GB 32100): 18 characters, MOD 31
    /// check character.
    CreditCode,
    /// A resident identity number (GB 11643): 18 characters, MOD 11-2 check
    /// character, a real birth date.
    ResidentId,
}

impl CodeCheck {
    /// Its name in the JSON form: `none`, `gb32100`, `gb11643`.
    pub fn as_str(self) -> &'static str {
        match self {
            CodeCheck::None => "none",
            CodeCheck::CreditCode => "gb32100",
            CodeCheck::ResidentId => "gb11643",
        }
    }

    /// Its number on the wire: 0, 1, 2.
    pub fn number(self) -> u8 {
        match self {
            CodeCheck::None => 0,
            CodeCheck::CreditCode => 1,
            CodeCheck::ResidentId => 2,
        }
    }

    /// The check with this JSON name.
    pub fn from_name(s: &str) -> Option<Self> {
        [
            CodeCheck::None,
            CodeCheck::CreditCode,
            CodeCheck::ResidentId,
        ]
        .into_iter()
        .find(|c| c.as_str() == s)
    }

    /// The check with this wire number.
    pub fn from_number(n: u64) -> Option<Self> {
        [
            CodeCheck::None,
            CodeCheck::CreditCode,
            CodeCheck::ResidentId,
        ]
        .into_iter()
        .find(|c| u64::from(c.number()) == n)
    }

    fn check(self, number: u16, s: &str) -> Result<(), CatalogueError> {
        match self {
            CodeCheck::None => {
                if s.is_empty()
                    || s.len() > MAX_CODE_LEN
                    || !s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                {
                    return Err(item_error(
                        number,
                        format!(
                            "a code must be 1 to {MAX_CODE_LEN} characters of 0-9, A-Z, a-z and -"
                        ),
                    ));
                }
                Ok(())
            }
            CodeCheck::CreditCode => CreditCode::parse(s)
                .map(|_| ())
                .map_err(|e| item_error(number, e.to_string())),
            CodeCheck::ResidentId => ResidentId::parse(s)
                .map(|_| ())
                .map_err(|e| item_error(number, e.to_string())),
        }
    }
}

/// A unit of an integer item: its names, and the factor from the amount as
/// written in Chinese to the amount in the English unit (`万元` = 10,000
/// yuan: scale 10000).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Unit {
    /// Chinese, written right after the number: `万元`, `元`, `人`, `㎡`.
    pub zh: String,
    /// English, written after the number and a space: `yuan`, `persons`, `m²`.
    pub en: String,
    /// The English amount is the value times `scale` (1 to 10^12).
    pub scale: u64,
}

/// One label of an enumeration.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Label {
    /// The value a licence carries.
    pub value: i64,
    /// Its names.
    pub name: Names,
}

/// The value type of a data item.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ValueType {
    /// Text (CBOR text), at most `max_len` characters (1 to 1024).
    Text {
        /// The most characters (Unicode scalar values).
        max_len: u32,
    },
    /// An integer amount (CBOR integer), in a unit if given.
    Integer {
        /// The unit.
        unit: Option<Unit>,
    },
    /// A calendar date (CBOR integer: days since 1970-01-01, no tag), from
    /// 1900-01-01 to 9999-12-31.
    Date,
    /// A code (CBOR text) with its check algorithm.
    Code {
        /// How it is checked.
        check: CodeCheck,
    },
    /// One of a list of values (CBOR integer), each with its label.
    Enumeration {
        /// The labels, each value once.
        labels: Vec<Label>,
    },
}

impl ValueType {
    /// Its name in the JSON form: `text`, `integer`, `date`, `code`,
    /// `enumeration`.
    pub fn name(&self) -> &'static str {
        match self {
            ValueType::Text { .. } => "text",
            ValueType::Integer { .. } => "integer",
            ValueType::Date => "date",
            ValueType::Code { .. } => "code",
            ValueType::Enumeration { .. } => "enumeration",
        }
    }

    fn validate(&self, what: &str) -> Result<(), CatalogueError> {
        match self {
            ValueType::Text { max_len } => {
                if *max_len == 0 || *max_len > MAX_TEXT_LEN {
                    return Err(malformed(format!(
                        "{what}: max_len must be 1 to {MAX_TEXT_LEN}"
                    )));
                }
            }
            ValueType::Integer { unit: Some(u) } => {
                check_name(&format!("{what}.unit.zh"), &u.zh, MAX_UNIT_LEN)?;
                check_name(&format!("{what}.unit.en"), &u.en, MAX_UNIT_LEN)?;
                if u.scale == 0 || u.scale > MAX_SCALE {
                    return Err(malformed(format!(
                        "{what}: unit.scale must be 1 to {MAX_SCALE}"
                    )));
                }
            }
            ValueType::Integer { unit: None } | ValueType::Date | ValueType::Code { .. } => {}
            ValueType::Enumeration { labels } => {
                if labels.is_empty() {
                    return Err(malformed(format!("{what}: an enumeration has no labels")));
                }
                if labels.len() > MAX_LABELS {
                    return Err(CatalogueError::TooLarge(format!(
                        "{what} has {} labels, over the limit of {MAX_LABELS}",
                        labels.len()
                    )));
                }
                for (i, l) in labels.iter().enumerate() {
                    l.name.check(&format!("{what}.labels[{i}]"), MAX_NAME_LEN)?;
                    if labels[..i].iter().any(|o| o.value == l.value) {
                        return Err(CatalogueError::Conflict(format!(
                            "{what}: the enumeration value {} is labelled twice",
                            l.value
                        )));
                    }
                }
            }
        }
        Ok(())
    }
}

/// A data item (照面信息项) of a licence type.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ItemDefinition {
    /// Its number (1 to 65535), unique within the type: what a licence
    /// carries.
    pub number: u16,
    /// Its key: 1 to 64 of `a-z`, `0-9` and `_`, starting with a letter,
    /// unique within the type (for JSON and programs).
    pub key: String,
    /// Its names.
    pub name: Names,
    /// Its value type.
    pub value_type: ValueType,
    /// Whether every licence of the type carries it.
    pub required: bool,
    /// Where it is shown: items are shown by ascending `order`, then number.
    pub order: u16,
}

impl ItemDefinition {
    fn validate(&self, what: &str) -> Result<(), CatalogueError> {
        if self.number == 0 {
            return Err(malformed(format!(
                "{what}: item number 0 (numbers start at 1)"
            )));
        }
        let k = self.key.as_bytes();
        if k.is_empty()
            || k.len() > MAX_KEY_LEN
            || !k[0].is_ascii_lowercase()
            || !k
                .iter()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'_')
        {
            return Err(malformed(format!(
                "{what}: key {:?} is not 1 to {MAX_KEY_LEN} of a-z, 0-9 and _ starting with a letter",
                self.key
            )));
        }
        self.name.check(&format!("{what}.name"), MAX_NAME_LEN)?;
        self.value_type.validate(what)
    }

    /// Checks a value carried for this item.
    fn check(&self, value: &ItemValue) -> Result<TypedValue, CatalogueError> {
        let n = self.number;
        let wrong = |carried: &str| {
            item_error(
                n,
                format!(
                    "{} ({}) must be carried as {}, not as {carried}",
                    self.key,
                    self.name.en,
                    match self.value_type {
                        ValueType::Text { .. } | ValueType::Code { .. } => "text",
                        _ => "an integer",
                    }
                ),
            )
        };
        match (&self.value_type, value) {
            (ValueType::Text { max_len }, ItemValue::Text(s)) => {
                let chars = s.chars().count();
                if chars > *max_len as usize {
                    return Err(item_error(
                        n,
                        format!(
                            "{} is {chars} characters long, over its limit of {max_len}",
                            self.key
                        ),
                    ));
                }
                crate::licence::check_display_text(&self.key, s, usize::MAX, false)
                    .map_err(|e| item_error(n, e.to_string()))?;
                Ok(TypedValue::Text(s.clone()))
            }
            (ValueType::Code { check }, ItemValue::Text(s)) => {
                check.check(n, s)?;
                Ok(TypedValue::Code(s.clone()))
            }
            (ValueType::Integer { .. }, ItemValue::Integer(i)) => Ok(TypedValue::Integer(*i)),
            (ValueType::Date, ItemValue::Integer(days)) => date_of_item(*days)
                .map(TypedValue::Date)
                .ok_or_else(|| {
                    item_error(
                        n,
                        format!(
                            "{}: {days} days since 1970-01-01 is not a date from 1900-01-01 to 9999-12-31",
                            self.key
                        ),
                    )
                }),
            (ValueType::Enumeration { labels }, ItemValue::Integer(v)) => labels
                .iter()
                .position(|l| l.value == *v)
                .map(TypedValue::Enumeration)
                .ok_or_else(|| {
                    item_error(n, format!("{}: {v} is not a value of the enumeration", self.key))
                }),
            (_, ItemValue::Text(_)) => Err(wrong("text")),
            (_, ItemValue::Integer(_)) => Err(wrong("an integer")),
        }
    }
}

/// The date of a date item carried as `days` since 1970-01-01, if from
/// 1900-01-01 to 9999-12-31 (docs/FORMAT.md §19).
fn date_of_item(days: i64) -> Option<NaiveDate> {
    crate::licence::days_to_date(days).filter(|d| d.year() >= 1900)
}

/// A licence type: its code, names and data items.
///
/// Made with [`LicenceType::new`], which checks the items (numbers and keys
/// unique, names, value types); the items are then held by number, with
/// their display order computed once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LicenceType {
    code: LicenceTypeCode,
    name: Names,
    /// Sorted by number.
    items: Vec<ItemDefinition>,
    /// Indices into `items`, in display order.
    display: Vec<usize>,
}

impl LicenceType {
    /// A licence type with its items, checked: at most
    /// [`MAX_ITEMS_PER_TYPE`] items (`CATALOGUE_TOO_LARGE`), numbers and
    /// keys unique (`CATALOGUE_CONFLICT`), names non-empty without control
    /// or direction characters and keys well-formed (`CATALOGUE_MALFORMED`).
    pub fn new(
        code: LicenceTypeCode,
        name: Names,
        mut items: Vec<ItemDefinition>,
    ) -> Result<Self, CatalogueError> {
        let what = format!("type {code}");
        name.check(&format!("{what}.name"), MAX_NAME_LEN)?;
        if items.is_empty() {
            return Err(malformed(format!("{what} has no items")));
        }
        if items.len() > MAX_ITEMS_PER_TYPE {
            return Err(CatalogueError::TooLarge(format!(
                "{what} has {} items, over the limit of {MAX_ITEMS_PER_TYPE}",
                items.len()
            )));
        }
        for (i, item) in items.iter().enumerate() {
            item.validate(&format!("{what}.items[{i}]"))?;
            if let Some(o) = items[..i].iter().find(|o| o.number == item.number) {
                return Err(CatalogueError::Conflict(format!(
                    "{what}: item number {} is defined twice ({} and {})",
                    item.number, o.key, item.key
                )));
            }
            if items[..i].iter().any(|o| o.key == item.key) {
                return Err(CatalogueError::Conflict(format!(
                    "{what}: item key {} is defined twice",
                    item.key
                )));
            }
        }
        items.sort_by_key(|i| i.number);
        let mut display: Vec<usize> = (0..items.len()).collect();
        display.sort_by_key(|&i| (items[i].order, items[i].number));
        Ok(LicenceType {
            code,
            name,
            items,
            display,
        })
    }

    /// Its type code.
    pub fn code(&self) -> &LicenceTypeCode {
        &self.code
    }
    /// Its names.
    pub fn name(&self) -> &Names {
        &self.name
    }
    /// Its items, by ascending number.
    pub fn items(&self) -> &[ItemDefinition] {
        &self.items
    }
    /// Its items in display order.
    pub fn items_in_display_order(&self) -> impl Iterator<Item = &ItemDefinition> {
        self.display.iter().filter_map(|&i| self.items.get(i))
    }
    /// The item with this number.
    pub fn item(&self, number: u16) -> Option<&ItemDefinition> {
        self.items
            .binary_search_by_key(&number, |i| i.number)
            .ok()
            .and_then(|i| self.items.get(i))
    }
    /// The item with this key.
    pub fn item_by_key(&self, key: &str) -> Option<&ItemDefinition> {
        self.items.iter().find(|i| i.key == key)
    }

    /// Checks a licence's items against this type (each item defined, of
    /// its value type, valid, each number once, every required item
    /// present; else `LICENCE_FIELD_INVALID`) and returns them typed, in
    /// display order.
    pub fn check(self: &Arc<Self>, items: &[Item]) -> Result<CheckedLicence, CatalogueError> {
        if items.len() > MAX_ITEMS_PER_TYPE {
            return Err(item_error(
                0,
                format!(
                    "the licence carries {} items, over the limit of {MAX_ITEMS_PER_TYPE}",
                    items.len()
                ),
            ));
        }
        // One slot per defined item: which carried value fills it.
        let mut slots: [Option<TypedValue>; MAX_ITEMS_PER_TYPE] = std::array::from_fn(|_| None);
        for item in items {
            let index = self
                .items
                .binary_search_by_key(&item.number, |i| i.number)
                .map_err(|_| {
                    item_error(
                        item.number,
                        format!(
                            "licence type {} ({}) defines no item {}",
                            self.code, self.name.en, item.number
                        ),
                    )
                })?;
            let definition = &self.items[index];
            let slot = &mut slots[index];
            if slot.is_some() {
                return Err(item_error(item.number, "the licence carries it twice"));
            }
            *slot = Some(definition.check(&item.value)?);
        }
        let mut checked = Vec::with_capacity(items.len());
        for &index in &self.display {
            let definition = &self.items[index];
            match slots[index].take() {
                Some(value) => checked.push(CheckedItem {
                    licence_type: Arc::clone(self),
                    index,
                    value,
                }),
                None if definition.required => {
                    return Err(item_error(
                        definition.number,
                        format!(
                            "{} ({}) is required by licence type {} and missing",
                            definition.key, definition.name.en, self.code
                        ),
                    ))
                }
                None => {}
            }
        }
        Ok(CheckedLicence {
            licence_type: Arc::clone(self),
            items: checked,
        })
    }
}

/// An item value with its meaning, as checked against its definition.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TypedValue {
    /// Text.
    Text(String),
    /// An integer amount, in its definition's unit.
    Integer(i64),
    /// A date.
    Date(NaiveDate),
    /// A code whose check passed.
    Code(String),
    /// An enumeration value: the index of its label in the definition.
    Enumeration(usize),
}

/// A licence's item, checked: its definition and its typed value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedItem {
    licence_type: Arc<LicenceType>,
    index: usize,
    value: TypedValue,
}

impl CheckedItem {
    /// The item's definition (number, key, names, value type).
    pub fn definition(&self) -> &ItemDefinition {
        &self.licence_type.items[self.index]
    }

    /// The typed value.
    pub fn value(&self) -> &TypedValue {
        &self.value
    }

    /// The enumeration label, for an enumeration item.
    pub fn label(&self) -> Option<&Label> {
        match (&self.definition().value_type, &self.value) {
            (ValueType::Enumeration { labels }, TypedValue::Enumeration(i)) => labels.get(*i),
            _ => None,
        }
    }

    /// The value as written for people in Chinese: `1000万元`,
    /// `2019年5月20日`, the label's Chinese name, text and codes as they are.
    pub fn zh(&self) -> String {
        match &self.value {
            TypedValue::Text(s) | TypedValue::Code(s) => s.clone(),
            TypedValue::Integer(i) => match &self.unit() {
                Some(u) => format!("{i}{}", u.zh),
                None => i.to_string(),
            },
            TypedValue::Date(d) => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
            TypedValue::Enumeration(_) => {
                self.label().map(|l| l.name.zh.clone()).unwrap_or_default()
            }
        }
    }

    /// The value as written for people in English: `10,000,000 yuan` (the
    /// amount times the unit's scale, with thousands separators),
    /// `2019-05-20`, the label's English name, text and codes as they are.
    pub fn en(&self) -> String {
        match &self.value {
            TypedValue::Text(s) | TypedValue::Code(s) => s.clone(),
            TypedValue::Integer(i) => match &self.unit() {
                Some(u) => format!(
                    "{} {}",
                    thousands(i128::from(*i) * i128::from(u.scale)),
                    u.en
                ),
                None => thousands(i128::from(*i)),
            },
            TypedValue::Date(d) => d.format("%Y-%m-%d").to_string(),
            TypedValue::Enumeration(_) => {
                self.label().map(|l| l.name.en.clone()).unwrap_or_default()
            }
        }
    }

    fn unit(&self) -> Option<&Unit> {
        match &self.definition().value_type {
            ValueType::Integer { unit } => unit.as_ref(),
            _ => None,
        }
    }
}

impl Serialize for CheckedItem {
    /// `{"number", "key", "name": {"zh", "en"}, "type", "value", "display":
    /// {"zh", "en"}}`: `value` is the text or code, the integer, the date as
    /// `YYYY-MM-DD`, or the enumeration's value.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let d = self.definition();
        let mut st = s.serialize_struct("CheckedItem", 6)?;
        st.serialize_field("number", &d.number)?;
        st.serialize_field("key", &d.key)?;
        st.serialize_field("name", &d.name)?;
        st.serialize_field("type", d.value_type.name())?;
        match &self.value {
            TypedValue::Text(v) | TypedValue::Code(v) => st.serialize_field("value", v)?,
            TypedValue::Integer(i) => st.serialize_field("value", i)?,
            TypedValue::Date(date) => {
                st.serialize_field("value", &date.format("%Y-%m-%d").to_string())?
            }
            TypedValue::Enumeration(_) => {
                st.serialize_field("value", &self.label().map(|l| l.value))?
            }
        }
        st.serialize_field("display", &Names::new(self.zh(), self.en()))?;
        st.end()
    }
}

/// `12345678` → `12,345,678`.
fn thousands(n: i128) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A licence's items checked against its type: the type (names) and the
/// typed items in display order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedLicence {
    licence_type: Arc<LicenceType>,
    items: Vec<CheckedItem>,
}

impl Serialize for CheckedLicence {
    /// `{"type": {"code", "name": {"zh", "en"}}, "items": [CheckedItem…]}`.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        #[derive(Serialize)]
        struct TypeJson<'a> {
            code: &'a str,
            name: &'a Names,
        }
        let mut st = s.serialize_struct("CheckedLicence", 2)?;
        st.serialize_field(
            "type",
            &TypeJson {
                code: self.licence_type.code.as_str(),
                name: &self.licence_type.name,
            },
        )?;
        st.serialize_field("items", &self.items)?;
        st.end()
    }
}

impl CheckedLicence {
    /// The licence type (code, names, definitions).
    pub fn licence_type(&self) -> &LicenceType {
        &self.licence_type
    }
    /// The items carried, in display order.
    pub fn items(&self) -> &[CheckedItem] {
        &self.items
    }
}

/// A licence catalogue: its publisher, version, time of issue and types.
///
/// Made with [`Catalogue::new`] (or read from JSON, claims or a signed
/// file), which refuses two types with one code (`CATALOGUE_CONFLICT`),
/// more than [`MAX_CATALOGUE_TYPES`] types (`CATALOGUE_TOO_LARGE`) and, for
/// a region's extension, a type whose ministry credit code was registered
/// outside the region (`CREDIT_CODE_REGION_MISMATCH`; a type of the
/// built-in national catalogue is `CATALOGUE_NATIONAL_TYPE_REDEFINED`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Catalogue {
    publisher: Publisher,
    version: u64,
    issued_at: i64,
    types: Vec<Arc<LicenceType>>,
    by_code: HashMap<LicenceTypeCode, usize>,
}

impl Catalogue {
    /// A catalogue, checked (see the type's documentation). `version`
    /// grows with every new catalogue of the publisher; `issued_at` is Unix
    /// seconds (the signer's certificate must be valid then).
    pub fn new(
        publisher: Publisher,
        version: u64,
        issued_at: i64,
        types: Vec<LicenceType>,
    ) -> Result<Self, CatalogueError> {
        if types.is_empty() {
            return Err(malformed("the catalogue defines no licence type"));
        }
        if types.len() > MAX_CATALOGUE_TYPES {
            return Err(CatalogueError::TooLarge(format!(
                "{} licence types, over the limit of {MAX_CATALOGUE_TYPES}",
                types.len()
            )));
        }
        if issued_at < 0 {
            return Err(malformed("the time of issue is before 1970"));
        }
        let mut by_code = HashMap::with_capacity(types.len());
        for (i, t) in types.iter().enumerate() {
            if by_code.insert(t.code.clone(), i).is_some() {
                return Err(CatalogueError::Conflict(format!(
                    "licence type {} is defined twice",
                    t.code
                )));
            }
            if let Publisher::Region(region) = &publisher {
                let ministry = CreditCode::parse(t.code.ministry_code())
                    .map_err(|e| malformed(format!("type {}: {e}", t.code)))?;
                if !crate::pki::credit_code_in_region(&ministry, region) {
                    // A national type says more than "outside the region".
                    if set::built_in_national().by_code.contains_key(&t.code) {
                        return Err(CatalogueError::NationalTypeRedefined {
                            region: region.clone(),
                            code: t.code.clone(),
                        });
                    }
                    return Err(CatalogueError::TypeOutsideRegion {
                        region: region.clone(),
                        code: t.code.clone(),
                    });
                }
            }
        }
        Ok(Catalogue {
            publisher,
            version,
            issued_at,
            types: types.into_iter().map(Arc::new).collect(),
            by_code,
        })
    }

    /// The built-in national catalogue (`data/catalogue/national.json`),
    /// parsed once.
    pub fn national() -> &'static Catalogue {
        set::built_in_national()
    }

    /// Its publisher.
    pub fn publisher(&self) -> &Publisher {
        &self.publisher
    }
    /// Its version (only grows).
    pub fn version(&self) -> u64 {
        self.version
    }
    /// Its time of issue (Unix seconds).
    pub fn issued_at(&self) -> i64 {
        self.issued_at
    }
    /// Its licence types, in the order given.
    pub fn types(&self) -> impl Iterator<Item = &LicenceType> {
        self.types.iter().map(|t| &**t)
    }
    /// The type with this code.
    pub fn licence_type(&self, code: &LicenceTypeCode) -> Option<&LicenceType> {
        self.type_arc(code).map(|t| &**t)
    }

    pub(crate) fn type_arc(&self, code: &LicenceTypeCode) -> Option<&Arc<LicenceType>> {
        self.by_code.get(code).and_then(|&i| self.types.get(i))
    }

    /// Checks the items of a licence signed under `region`'s root against
    /// its type in this catalogue alone: `LICENCE_TYPE_UNKNOWN` if the
    /// catalogue has no such type, or is another region's extension; see
    /// [`LicenceType::check`] for the items. A verifier uses
    /// [`CatalogueSet::check`], which knows the national catalogue and the
    /// region extensions together.
    pub fn check(
        &self,
        type_code: &LicenceTypeCode,
        region: &RegionCode,
        items: &[Item],
    ) -> Result<CheckedLicence, CatalogueError> {
        let unknown = |detail: String| CatalogueError::UnknownType {
            code: type_code.clone(),
            detail,
        };
        if let Publisher::Region(own) = &self.publisher {
            if own != region {
                return Err(unknown(format!(
                    " for region {region} (this is the extension of region {own})"
                )));
            }
        }
        self.type_arc(type_code)
            .ok_or_else(|| unknown(String::new()))?
            .check(items)
    }
}

#[cfg(test)]
mod tests;

/// For the tests of other modules: a catalogue signed as a region's
/// extension whatever its publisher (a forgery `Catalogue::sign` refuses
/// to make).
#[cfg(test)]
pub(crate) mod tests_support {
    pub(crate) fn as_region(c: &super::Catalogue) -> impl crate::artifact::Artifact + '_ {
        super::codec::Regional(c)
    }
}
