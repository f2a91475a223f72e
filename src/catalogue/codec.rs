//! The signed form of a catalogue: CWT claims in a COSE_Sign1 of `typ`
//! `application/el-cat+cwt` (docs/FORMAT.md §19), signed and opened through
//! the artifact layer.
//!
//! ```cddl
//! catalogue-claims = { 6 => uint, -65537 => catalogue }   ; iat, body
//! catalogue  = [publisher: "federation" / region-code, version: uint, types: [+ licence-type]]
//! licence-type = [code: tstr, name-zh: tstr, name-en: tstr, items: [+ item]]
//! item       = [number: uint, key: tstr, name-zh: tstr, name-en: tstr,
//!               required: bool, order: uint, value-type]
//! value-type = [0, max-len: uint]                          ; text
//!            / [1] / [1, unit-zh: tstr, unit-en: tstr, scale: uint]   ; integer
//!            / [2]                                         ; date
//!            / [3, check: 0 / 1 / 2]                       ; code: none, GB 32100, GB 11643
//!            / [4, [+ [value: int, zh: tstr, en: tstr]]]   ; enumeration
//! ```

use ciborium::Value;

use super::{
    malformed, Catalogue, CatalogueError, CodeCheck, ItemDefinition, Label, LicenceType, Names,
    Publisher, Unit, ValueType,
};
use crate::artifact::{Artifact, ArtifactError, CertifiedSigner, SignerRole};
use crate::cbor::{self, Limits};
use crate::envelope::{ArtifactType, EnvelopeError, Sign1};
use crate::identifiers::LicenceTypeCode;
use crate::licence::CLAIM_LICENCE as CLAIM_BODY;
use crate::pki::Certificate;
use crate::trust::FederationTrustList;

/// CWT `iat`.
const CLAIM_IAT: i64 = 6;

/// Largest signed catalogue (COSE_Sign1) accepted: 2 MiB.
pub const MAX_CATALOGUE_LEN: usize = 2 << 20;
/// Most licence types one catalogue defines: 1024.
pub const MAX_CATALOGUE_TYPES: usize = 1024;

/// CBOR limits of a catalogue's claims: nesting 9 (claims, body, types, a
/// type, its items, an item, its value type, labels, a label), strings up
/// to 4096 bytes, arrays and maps up to 4096 entries, 2 MiB in all.
const CATALOGUE_LIMITS: Limits = Limits {
    max_depth: 9,
    max_len: 4096,
    max_entries: 4096,
    max_input: MAX_CATALOGUE_LEN,
};

const VT_TEXT: u64 = 0;
const VT_INTEGER: u64 = 1;
const VT_DATE: u64 = 2;
const VT_CODE: u64 = 3;
const VT_ENUMERATION: u64 = 4;

fn text(s: &str) -> Value {
    Value::Text(s.to_owned())
}

fn value_type_to_value(v: &ValueType) -> Value {
    let mut a: Vec<Value> = Vec::with_capacity(4);
    match v {
        ValueType::Text { max_len } => {
            a.push(VT_TEXT.into());
            a.push(u64::from(*max_len).into());
        }
        ValueType::Integer { unit } => {
            a.push(VT_INTEGER.into());
            if let Some(u) = unit {
                a.extend([text(&u.zh), text(&u.en), u.scale.into()]);
            }
        }
        ValueType::Date => a.push(VT_DATE.into()),
        ValueType::Code { check } => {
            a.push(VT_CODE.into());
            a.push(u64::from(check.number()).into());
        }
        ValueType::Enumeration { labels } => {
            a.push(VT_ENUMERATION.into());
            a.push(Value::Array(
                labels
                    .iter()
                    .map(|l| Value::Array(vec![l.value.into(), text(&l.name.zh), text(&l.name.en)]))
                    .collect(),
            ));
        }
    }
    Value::Array(a)
}

fn get_uint(v: &Value, what: &str) -> Result<u64, CatalogueError> {
    match v {
        Value::Integer(i) => {
            u64::try_from(*i).map_err(|_| malformed(format!("{what} is negative")))
        }
        _ => Err(malformed(format!("{what} is not an unsigned integer"))),
    }
}

fn get_text(v: Value, what: &str) -> Result<String, CatalogueError> {
    match v {
        Value::Text(s) => Ok(s),
        _ => Err(malformed(format!("{what} is not a text string"))),
    }
}

fn get_array(v: Value, what: &str) -> Result<Vec<Value>, CatalogueError> {
    match v {
        Value::Array(a) => Ok(a),
        _ => Err(malformed(format!("{what} is not an array"))),
    }
}

fn value_type_from_value(v: Value, what: &str) -> Result<ValueType, CatalogueError> {
    let a = get_array(v, what)?;
    let mut it = a.into_iter();
    let kind = get_uint(
        &it.next()
            .ok_or_else(|| malformed(format!("{what}: the value type is empty")))?,
        what,
    )?;
    let rest: Vec<Value> = it.collect();
    let arity = |n: usize| {
        if rest.len() == n {
            Ok(())
        } else {
            Err(malformed(format!(
                "{what}: value type {kind} has {} parameters, not {n}",
                rest.len()
            )))
        }
    };
    let mut rest_iter = rest.clone().into_iter();
    let mut next = || rest_iter.next().unwrap_or(Value::Null);
    match kind {
        VT_TEXT => {
            arity(1)?;
            let max = get_uint(&next(), what)?;
            Ok(ValueType::Text {
                max_len: u32::try_from(max).unwrap_or(u32::MAX),
            })
        }
        VT_INTEGER if rest.is_empty() => Ok(ValueType::Integer { unit: None }),
        VT_INTEGER => {
            arity(3)?;
            let zh = get_text(next(), what)?;
            let en = get_text(next(), what)?;
            let scale = get_uint(&next(), what)?;
            Ok(ValueType::Integer {
                unit: Some(Unit { zh, en, scale }),
            })
        }
        VT_DATE => {
            arity(0)?;
            Ok(ValueType::Date)
        }
        VT_CODE => {
            arity(1)?;
            let n = get_uint(&next(), what)?;
            let check = CodeCheck::from_number(n).ok_or_else(|| {
                CatalogueError::UnknownValueType(format!("{what}: code check {n}"))
            })?;
            Ok(ValueType::Code { check })
        }
        VT_ENUMERATION => {
            arity(1)?;
            let labels = get_array(next(), what)?
                .into_iter()
                .enumerate()
                .map(|(i, l)| {
                    let what = format!("{what}.labels[{i}]");
                    let [value, zh, en]: [Value; 3] = get_array(l, &what)?
                        .try_into()
                        .map_err(|_| malformed(format!("{what} does not have 3 items")))?;
                    let value = match value {
                        Value::Integer(i) => i64::try_from(i)
                            .map_err(|_| malformed(format!("{what}: value out of range")))?,
                        _ => return Err(malformed(format!("{what}: value is not an integer"))),
                    };
                    Ok(Label {
                        value,
                        name: Names {
                            zh: get_text(zh, &what)?,
                            en: get_text(en, &what)?,
                        },
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(ValueType::Enumeration { labels })
        }
        other => Err(CatalogueError::UnknownValueType(format!(
            "{what}: value type {other}"
        ))),
    }
}

fn item_from_value(v: Value, what: &str) -> Result<ItemDefinition, CatalogueError> {
    let [number, key, zh, en, required, order, value_type]: [Value; 7] = get_array(v, what)?
        .try_into()
        .map_err(|_| malformed(format!("{what} does not have 7 items")))?;
    let number = u16::try_from(get_uint(&number, what)?)
        .map_err(|_| malformed(format!("{what}: the item number is over 65535")))?;
    let order = u16::try_from(get_uint(&order, what)?)
        .map_err(|_| malformed(format!("{what}: the display order is over 65535")))?;
    let Value::Bool(required) = required else {
        return Err(malformed(format!("{what}: required is not a boolean")));
    };
    Ok(ItemDefinition {
        number,
        key: get_text(key, what)?,
        name: Names {
            zh: get_text(zh, what)?,
            en: get_text(en, what)?,
        },
        value_type: value_type_from_value(value_type, what)?,
        required,
        order,
    })
}

/// Decodes `{6: iat, -65537: body}`; any other claim is refused.
fn parse_claims(bytes: &[u8]) -> Result<(i64, Vec<Value>), CatalogueError> {
    let Value::Map(entries) = cbor::decode(bytes, &CATALOGUE_LIMITS)? else {
        return Err(malformed("the claims set is not a map"));
    };
    let (mut iat, mut body) = (None, None);
    for (k, v) in entries {
        match k {
            Value::Integer(i) if i128::from(i) == i128::from(CLAIM_IAT) => {
                let t = get_uint(&v, "iat")?;
                iat = Some(i64::try_from(t).map_err(|_| malformed("iat is out of range"))?);
            }
            Value::Integer(i) if i128::from(i) == i128::from(CLAIM_BODY) => body = Some(v),
            _ => return Err(malformed("unknown claim")),
        }
    }
    let iat = iat.ok_or_else(|| malformed("iat is missing"))?;
    let body = get_array(
        body.ok_or_else(|| malformed("the catalogue body is missing"))?,
        "the catalogue body",
    )?;
    if body.len() != 3 {
        return Err(malformed("the catalogue body does not have 3 items"));
    }
    Ok((iat, body))
}

impl Catalogue {
    /// The claims, deterministically encoded (types in the order held,
    /// items by ascending number).
    pub fn to_claims(&self) -> Vec<u8> {
        let types = self
            .types
            .iter()
            .map(|t| {
                Value::Array(vec![
                    text(t.code.as_str()),
                    text(&t.name.zh),
                    text(&t.name.en),
                    Value::Array(
                        t.items
                            .iter()
                            .map(|i| {
                                Value::Array(vec![
                                    u64::from(i.number).into(),
                                    text(&i.key),
                                    text(&i.name.zh),
                                    text(&i.name.en),
                                    Value::Bool(i.required),
                                    u64::from(i.order).into(),
                                    value_type_to_value(&i.value_type),
                                ])
                            })
                            .collect(),
                    ),
                ])
            })
            .collect();
        cbor::encode(&Value::Map(vec![
            (CLAIM_IAT.into(), self.issued_at.into()),
            (
                CLAIM_BODY.into(),
                Value::Array(vec![
                    text(self.publisher.as_str()),
                    self.version.into(),
                    Value::Array(types),
                ]),
            ),
        ]))
    }

    /// Decodes and checks the claims without checking any signature.
    pub fn from_claims(bytes: &[u8]) -> Result<Self, CatalogueError> {
        let (issued_at, body) = parse_claims(bytes)?;
        let [publisher, version, types]: [Value; 3] = body
            .try_into()
            .map_err(|_| malformed("the catalogue body does not have 3 items"))?;
        let publisher = Publisher::parse(&get_text(publisher, "publisher")?)?;
        let version = get_uint(&version, "version")?;
        let types = get_array(types, "types")?;
        if types.len() > MAX_CATALOGUE_TYPES {
            return Err(CatalogueError::TooLarge(format!(
                "{} licence types, over the limit of {MAX_CATALOGUE_TYPES}",
                types.len()
            )));
        }
        let mut out = Vec::with_capacity(types.len());
        for (i, t) in types.into_iter().enumerate() {
            let what = format!("types[{i}]");
            let [code, zh, en, items]: [Value; 4] = get_array(t, &what)?
                .try_into()
                .map_err(|_| malformed(format!("{what} does not have 4 items")))?;
            let code: LicenceTypeCode = get_text(code, &what)?
                .parse()
                .map_err(|e| malformed(format!("{what}: {e}")))?;
            let items = get_array(items, &what)?;
            if items.len() > super::MAX_ITEMS_PER_TYPE {
                return Err(CatalogueError::TooLarge(format!(
                    "type {code} has {} items, over the limit of {}",
                    items.len(),
                    super::MAX_ITEMS_PER_TYPE
                )));
            }
            let items = items
                .into_iter()
                .enumerate()
                .map(|(j, v)| item_from_value(v, &format!("type {code}.items[{j}]")))
                .collect::<Result<Vec<_>, _>>()?;
            let name = Names {
                zh: get_text(zh, &what)?,
                en: get_text(en, &what)?,
            };
            out.push(LicenceType::new(code, name, items)?);
        }
        Catalogue::new(publisher, version, issued_at, out)
    }

    /// Signs the catalogue: the national one with the federation root's key
    /// (a CA certificate without a region code), a region's extension with
    /// that region's root (`CATALOGUE_SIGNER_INVALID` otherwise). Returns
    /// the tagged COSE_Sign1.
    pub fn sign(&self, root: &CertifiedSigner) -> Result<Vec<u8>, CatalogueError> {
        let cert = root.certificate();
        check_root_for(&self.publisher, cert)?;
        let who = expected_signer(&self.publisher);
        let artifact = |error| CatalogueError::Artifact {
            signer: who.clone(),
            error,
        };
        match &self.publisher {
            Publisher::Federation => crate::artifact::sign(&National(self), root).map_err(artifact),
            Publisher::Region(_) => crate::artifact::sign(&Regional(self), root).map_err(artifact),
        }
    }

    /// Verifies a signed catalogue against the root that must have signed
    /// it and decodes it: the national catalogue against the pinned
    /// federation root `anchor`, a region's extension against the root
    /// that `federation` lists for its region (`CATALOGUE_SIGNER_INVALID`
    /// when the region is not listed or another key signed it).
    pub fn verify(
        cose: &[u8],
        anchor: &Certificate,
        federation: &FederationTrustList,
    ) -> Result<Self, CatalogueError> {
        let publisher = peek_publisher(cose)?;
        let root = match &publisher {
            Publisher::Federation => anchor,
            Publisher::Region(region) => {
                federation
                    .root_of(region)
                    .ok_or_else(|| CatalogueError::Signer {
                        expected: expected_signer(&publisher),
                        detail: format!("region {region} is not on the federation trust list"),
                    })?
            }
        };
        Self::verify_with_root(cose, root)
    }

    /// Verifies a signed catalogue against `root` and decodes it: `root`
    /// must be the federation root for the national catalogue, the
    /// catalogue's region's root for an extension
    /// (`CATALOGUE_SIGNER_INVALID`), and valid at the catalogue's time of
    /// issue.
    pub fn verify_with_root(cose: &[u8], root: &Certificate) -> Result<Self, CatalogueError> {
        if cose.len() > MAX_CATALOGUE_LEN {
            return Err(EnvelopeError::TooLarge {
                len: cose.len(),
                limit: MAX_CATALOGUE_LEN,
            }
            .into());
        }
        let publisher = peek_publisher(cose)?;
        check_root_for(&publisher, root)?;
        let role = match publisher {
            Publisher::Federation => SignerRole::FederationRoot,
            Publisher::Region(_) => SignerRole::RegionRoot,
        };
        let artifact = |error| CatalogueError::Artifact {
            signer: expected_signer(&publisher),
            error,
        };
        let sign1 = crate::artifact::open(cose, ArtifactType::Catalogue, role, root).map_err(
            |e| match e {
                ArtifactError::Envelope(e) => CatalogueError::Envelope(e),
                e => artifact(e),
            },
        )?;
        let catalogue = Self::from_claims(sign1.payload())?;
        root.check_time(catalogue.issued_at)
            .map_err(|e| artifact(ArtifactError::Certificate(e)))?;
        Ok(catalogue)
    }
}

/// Who must sign a catalogue of `publisher`, in words.
fn expected_signer(publisher: &Publisher) -> String {
    match publisher {
        Publisher::Federation => "the federation root".to_owned(),
        Publisher::Region(r) => format!("the region root of {r}"),
    }
}

/// Refuses a root that may not sign a catalogue of `publisher`.
fn check_root_for(publisher: &Publisher, root: &Certificate) -> Result<(), CatalogueError> {
    let expected = expected_signer(publisher);
    let detail = match (publisher, root.region()) {
        (Publisher::Federation, None) if root.is_ca() => return Ok(()),
        (Publisher::Federation, _) => format!(
            "{} is not a federation root (a CA certificate without a region code)",
            root.common_name()
        ),
        (Publisher::Region(region), _) => match root.check_region_root() {
            Ok(r) if r == region => return Ok(()),
            Ok(r) => format!("{} is the root of region {r}", root.common_name()),
            Err(e) => format!("{} is not a region root: {e}", root.common_name()),
        },
    };
    Err(CatalogueError::Signer { expected, detail })
}

/// Reads the publisher of a signed catalogue, before its signature is
/// checked, to know which root must have signed it.
fn peek_publisher(cose: &[u8]) -> Result<Publisher, CatalogueError> {
    if cose.len() > MAX_CATALOGUE_LEN {
        return Err(EnvelopeError::TooLarge {
            len: cose.len(),
            limit: MAX_CATALOGUE_LEN,
        }
        .into());
    }
    let sign1 = Sign1::decode(cose, ArtifactType::Catalogue)?;
    let (_, mut body) = parse_claims(sign1.payload())?;
    Publisher::parse(&get_text(body.swap_remove(0), "publisher")?)
}

/// The national catalogue as an artifact: signed by the federation root.
pub(super) struct National<'a>(pub(super) &'a Catalogue);
/// A region's extension as an artifact: signed by its region root.
pub(super) struct Regional<'a>(pub(super) &'a Catalogue);

impl Artifact for National<'_> {
    const TYPE: ArtifactType = ArtifactType::Catalogue;
    const ROLE: SignerRole = SignerRole::FederationRoot;
    fn payload(&self) -> Vec<u8> {
        self.0.to_claims()
    }
    fn issued_at(&self) -> i64 {
        self.0.issued_at
    }
}

impl Artifact for Regional<'_> {
    const TYPE: ArtifactType = ArtifactType::Catalogue;
    const ROLE: SignerRole = SignerRole::RegionRoot;
    fn payload(&self) -> Vec<u8> {
        self.0.to_claims()
    }
    fn issued_at(&self) -> i64 {
        self.0.issued_at
    }
}
