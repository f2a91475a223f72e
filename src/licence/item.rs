//! Data items (照面信息项) as a licence carries them: keyed by the item
//! number its licence type's catalogue entry gives (docs/FORMAT.md §4), with
//! a raw value whose meaning (text, an amount in a unit, a date, a code, an
//! enumeration) the catalogue says.

use serde::{Deserialize, Serialize};

/// One data item of a licence: its number in the licence type's catalogue
/// entry and its value as carried on the wire.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// Item number (1 or more), unique within the licence.
    pub number: u16,
    /// The value as carried.
    pub value: ItemValue,
}

/// A data item's value as carried: CBOR text or integer. The catalogue
/// gives it a meaning: a text or a code is [`ItemValue::Text`]; an amount,
/// a date (days since 1970-01-01) or an enumeration value is
/// [`ItemValue::Integer`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemValue {
    /// CBOR text string.
    Text(String),
    /// CBOR integer (64-bit signed range).
    Integer(i64),
}
