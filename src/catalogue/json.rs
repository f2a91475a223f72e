//! The JSON form of a catalogue (docs/FORMAT.md §19.2): what
//! `data/catalogue/national.json` holds and `elicense catalogue build`
//! reads.

use serde::{Deserialize, Serialize};

use super::{
    malformed, Catalogue, CatalogueError, CodeCheck, ItemDefinition, Label, LicenceType, Names,
    Publisher, Unit, ValueType, MAX_TEXT_LEN,
};

/// Largest JSON catalogue read: 4 MiB.
pub const MAX_JSON_LEN: usize = 4 << 20;

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct CatalogueJson {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    note: Option<String>,
    publisher: String,
    version: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    issued_at: Option<i64>,
    types: Vec<TypeJson>,
}

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct NamesJson {
    zh: String,
    en: String,
}

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct TypeJson {
    code: String,
    name: NamesJson,
    items: Vec<ItemJson>,
}

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct UnitJson {
    zh: String,
    en: String,
    #[serde(default = "one")]
    scale: u64,
}

fn one() -> u64 {
    1
}

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct LabelJson {
    value: i64,
    zh: String,
    en: String,
}

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct ItemJson {
    number: u16,
    key: String,
    name: NamesJson,
    #[serde(rename = "type")]
    value_type: String,
    required: bool,
    order: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    max_length: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    unit: Option<UnitJson>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    check: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    labels: Option<Vec<LabelJson>>,
}

fn names(n: NamesJson) -> Names {
    Names { zh: n.zh, en: n.en }
}

fn names_json(n: &Names) -> NamesJson {
    NamesJson {
        zh: n.zh.clone(),
        en: n.en.clone(),
    }
}

impl ItemJson {
    fn value_type(&mut self, what: &str) -> Result<ValueType, CatalogueError> {
        let stray = |field: &str| {
            malformed(format!(
                "{what}: \"{field}\" does not belong to a {} item",
                self.value_type
            ))
        };
        let t = match self.value_type.as_str() {
            "text" => ValueType::Text {
                max_len: self.max_length.take().unwrap_or(MAX_TEXT_LEN),
            },
            "integer" => ValueType::Integer {
                unit: self.unit.take().map(|u| Unit {
                    zh: u.zh,
                    en: u.en,
                    scale: u.scale,
                }),
            },
            "date" => ValueType::Date,
            "code" => {
                let name = self.check.take().unwrap_or_else(|| "none".to_owned());
                let check = CodeCheck::from_name(&name).ok_or_else(|| {
                    CatalogueError::UnknownValueType(format!(
                        "{what}: code check \"{name}\" (known: none, gb32100, gb11643)"
                    ))
                })?;
                ValueType::Code { check }
            }
            "enumeration" => ValueType::Enumeration {
                labels: self
                    .labels
                    .take()
                    .ok_or_else(|| malformed(format!("{what}: an enumeration needs \"labels\"")))?
                    .into_iter()
                    .map(|l| Label {
                        value: l.value,
                        name: Names { zh: l.zh, en: l.en },
                    })
                    .collect(),
            },
            other => {
                return Err(CatalogueError::UnknownValueType(format!(
                    "{what}: \"{other}\" (known: text, integer, date, code, enumeration)"
                )))
            }
        };
        if self.max_length.is_some() {
            return Err(stray("max_length"));
        }
        if self.unit.is_some() {
            return Err(stray("unit"));
        }
        if self.check.is_some() {
            return Err(stray("check"));
        }
        if self.labels.is_some() {
            return Err(stray("labels"));
        }
        Ok(t)
    }
}

impl Catalogue {
    /// Reads and checks a catalogue's JSON form (docs/FORMAT.md §19.2),
    /// which must give `issued_at`.
    pub fn from_json(json: &str) -> Result<Self, CatalogueError> {
        Self::parse_json(json, None)
    }

    /// Reads and checks a catalogue's JSON form, with `issued_at` as its
    /// time of issue (whatever the JSON says).
    pub fn from_json_issued_at(json: &str, issued_at: i64) -> Result<Self, CatalogueError> {
        Self::parse_json(json, Some(issued_at))
    }

    fn parse_json(json: &str, issued_at: Option<i64>) -> Result<Self, CatalogueError> {
        if json.len() > MAX_JSON_LEN {
            return Err(CatalogueError::TooLarge(format!(
                "the JSON is {} bytes, over the limit of {MAX_JSON_LEN}",
                json.len()
            )));
        }
        let c: CatalogueJson =
            serde_json::from_str(json).map_err(|e| malformed(format!("JSON: {e}")))?;
        let publisher = Publisher::parse(&c.publisher)?;
        let issued_at = issued_at
            .or(c.issued_at)
            .ok_or_else(|| malformed("issued_at is missing"))?;
        if c.types.len() > super::MAX_CATALOGUE_TYPES {
            return Err(CatalogueError::TooLarge(format!(
                "{} licence types, over the limit of {}",
                c.types.len(),
                super::MAX_CATALOGUE_TYPES
            )));
        }
        let mut types = Vec::with_capacity(c.types.len());
        for (i, t) in c.types.into_iter().enumerate() {
            let what = format!("types[{i}]");
            let code = t
                .code
                .parse()
                .map_err(|e| malformed(format!("{what}.code: {e}")))?;
            if t.items.len() > super::MAX_ITEMS_PER_TYPE {
                return Err(CatalogueError::TooLarge(format!(
                    "type {code} has {} items, over the limit of {}",
                    t.items.len(),
                    super::MAX_ITEMS_PER_TYPE
                )));
            }
            let mut items = Vec::with_capacity(t.items.len());
            for (j, mut item) in t.items.into_iter().enumerate() {
                let value_type = item.value_type(&format!("type {code}.items[{j}]"))?;
                items.push(ItemDefinition {
                    number: item.number,
                    key: item.key,
                    name: names(item.name),
                    value_type,
                    required: item.required,
                    order: item.order,
                });
            }
            types.push(LicenceType::new(code, names(t.name), items)?);
        }
        Catalogue::new(publisher, c.version, issued_at, types)
    }

    /// The JSON form (pretty-printed; items by ascending number), which
    /// [`Catalogue::from_json`] reads back to an equal catalogue.
    pub fn to_json(&self) -> String {
        let c = CatalogueJson {
            note: None,
            publisher: self.publisher.as_str().to_owned(),
            version: self.version,
            issued_at: Some(self.issued_at),
            types: self
                .types()
                .map(|t| TypeJson {
                    code: t.code().as_str().to_owned(),
                    name: names_json(t.name()),
                    items: t.items().iter().map(item_json).collect(),
                })
                .collect(),
        };
        serde_json::to_string_pretty(&c).unwrap_or_default()
    }
}

fn item_json(i: &ItemDefinition) -> ItemJson {
    let mut j = ItemJson {
        number: i.number,
        key: i.key.clone(),
        name: names_json(&i.name),
        value_type: i.value_type.name().to_owned(),
        required: i.required,
        order: i.order,
        max_length: None,
        unit: None,
        check: None,
        labels: None,
    };
    match &i.value_type {
        ValueType::Text { max_len } => j.max_length = Some(*max_len),
        ValueType::Integer { unit } => {
            j.unit = unit.as_ref().map(|u| UnitJson {
                zh: u.zh.clone(),
                en: u.en.clone(),
                scale: u.scale,
            })
        }
        ValueType::Date => {}
        ValueType::Code { check } => j.check = Some(check.as_str().to_owned()),
        ValueType::Enumeration { labels } => {
            j.labels = Some(
                labels
                    .iter()
                    .map(|l| LabelJson {
                        value: l.value,
                        zh: l.name.zh.clone(),
                        en: l.name.en.clone(),
                    })
                    .collect(),
            )
        }
    }
    j
}
