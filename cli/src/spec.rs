//! The region trust list spec: a small JSON file saying which authorities a
//! region root lists, read by `trustlist region --spec FILE`.
//!
//! ```json
//! {
//!   "region": "440000",
//!   "sequence": 3,
//!   "issued_at": "2025-06-01T00:00:00+08:00",
//!   "valid_days": 30,
//!   "authorities": [
//!     {
//!       "certificate": "gd-samr/authority.cert.pem",
//!       "types": ["11100000000013338W101", "11100000000013338W011"],
//!       "level": "A",
//!       "state": "active"
//!     },
//!     {
//!       "certificate": "gd-old/authority.cert.pem",
//!       "types": ["11100000000013338W011"],
//!       "level": "B",
//!       "state": { "compromised_since": "2025-05-27T00:00:00Z" }
//!     }
//!   ]
//! }
//! ```
//!
//! Every object refuses fields it does not know, and every error names the
//! field by its path (`authorities[1].state.compromised_since`).

use std::path::{Path, PathBuf};

use elicense::identifiers::{LicenceTypeCode, RegionCode};
use elicense::policy::TrustLevel;
use elicense::trust::AuthorityState;
use serde_json::{Map, Value};

use crate::time;

/// The examples and the spec file's description, shown by `trustlist region --help`.
pub const SPEC_HELP: &str = "\
Examples:
  elicense trustlist region --key gd/root.key.pem --cert gd/root.cert.pem \\
      --spec gd-list.json --out gd.tl
  elicense trustlist region --key gd/root.key.pem --cert gd/root.cert.pem \\
      --spec gd-list.json --sequence 4 --issued-at 2025-06-01 --valid-days 7 \\
      --out gd.tl --json

The spec file (JSON; every object refuses fields it does not know):
  {
    \"region\": \"440000\",              optional; must be the root's region
    \"sequence\": 3,                   required here or as --sequence
    \"issued_at\": \"2025-06-01\",       optional [default: now]
    \"next_update\": \"2025-07-01\",     optional, or \"valid_days\": 30 [default: 30 days]
    \"authorities\": [
      {
        \"certificate\": \"gd-samr/authority.cert.pem\",  relative to the spec file
        \"types\": [\"11100000000013338W101\"],          licence type codes it may issue
        \"level\": \"A\",                                trust level A (strongest) to D
        \"state\": \"active\"                            or {\"retired_since\": TIME}
                                                     or {\"compromised_since\": TIME}
      }
    ]
  }
  A TIME is Unix seconds (a number), or a string: YYYY-MM-DD (00:00 China
  Standard Time) or RFC 3339. Licences an authority issued at or after its
  retired_since / compromised_since time are INVALID; earlier ones stay valid.";

/// One authority entry of the spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthoritySpec {
    /// Its certificate file, resolved against the spec file's directory.
    pub certificate: PathBuf,
    /// The licence types it may issue.
    pub types: Vec<LicenceTypeCode>,
    /// Its trust level.
    pub level: TrustLevel,
    /// Its state.
    pub state: AuthorityState,
}

/// When the next list is due, as the spec says it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NextUpdate {
    /// At this time (Unix seconds).
    At(i64),
    /// This many days after the time of issue.
    Days(u32),
}

/// A parsed region trust list spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegionSpec {
    /// The region, if given (checked against the root's).
    pub region: Option<RegionCode>,
    /// The sequence number, if given.
    pub sequence: Option<u64>,
    /// The time of issue, if given.
    pub issued_at: Option<i64>,
    /// The next update, if given.
    pub next_update: Option<NextUpdate>,
    /// The authorities, in order.
    pub authorities: Vec<AuthoritySpec>,
}

/// Largest `valid_days` accepted: 10 years.
pub const MAX_VALID_DAYS: u32 = 3660;

type SpecResult<T> = Result<T, String>;

fn err<T>(path: &str, msg: impl std::fmt::Display) -> SpecResult<T> {
    Err(format!("{path}: {msg}"))
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Refuses any key of `obj` not in `allowed`.
fn known_fields(obj: &Map<String, Value>, allowed: &[&str], path: &str) -> SpecResult<()> {
    for k in obj.keys() {
        if !allowed.contains(&k.as_str()) {
            let at = if path.is_empty() {
                k.clone()
            } else {
                format!("{path}.{k}")
            };
            return err(
                &at,
                format_args!(
                    "unknown field `{k}`; expected one of {}",
                    allowed
                        .iter()
                        .map(|a| format!("`{a}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
    }
    Ok(())
}

fn field_path(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_owned()
    } else {
        format!("{parent}.{name}")
    }
}

fn string<'a>(v: &'a Value, path: &str) -> SpecResult<&'a str> {
    v.as_str().map_or_else(
        || {
            err(
                path,
                format_args!("expected a string, found {}", json_kind(v)),
            )
        },
        Ok,
    )
}

/// A time: Unix seconds as a number, or a string `parse_time` reads.
fn time_value(v: &Value, path: &str) -> SpecResult<i64> {
    match v {
        Value::Number(n) => match n.as_i64() {
            Some(t) if t >= 0 => Ok(t),
            _ => err(
                path,
                format_args!("{n} is not a time: give whole, non-negative Unix seconds"),
            ),
        },
        Value::String(s) => time::parse_time(s).or_else(|e| err(path, e)),
        other => err(
            path,
            format_args!(
                "expected a time (Unix seconds or a date string), found {}",
                json_kind(other)
            ),
        ),
    }
}

fn uint(v: &Value, path: &str) -> SpecResult<u64> {
    v.as_u64().map_or_else(
        || {
            err(
                path,
                format_args!("expected a whole number ≥ 0, found {}", describe(v)),
            )
        },
        Ok,
    )
}

fn describe(v: &Value) -> String {
    match v {
        Value::Number(n) => n.to_string(),
        other => json_kind(other).to_owned(),
    }
}

fn state(v: &Value, path: &str) -> SpecResult<AuthorityState> {
    match v {
        Value::String(s) if s == "active" => Ok(AuthorityState::Active),
        Value::String(s) => err(
            path,
            format_args!(
                "{s:?} is not a state: give \"active\", {{\"retired_since\": TIME}} or \
                 {{\"compromised_since\": TIME}}"
            ),
        ),
        Value::Object(o) => {
            known_fields(o, &["retired_since", "compromised_since"], path)?;
            match (o.get("retired_since"), o.get("compromised_since")) {
                (Some(t), None) => Ok(AuthorityState::Retired(time_value(
                    t,
                    &field_path(path, "retired_since"),
                )?)),
                (None, Some(t)) => Ok(AuthorityState::Compromised(time_value(
                    t,
                    &field_path(path, "compromised_since"),
                )?)),
                _ => err(
                    path,
                    "give exactly one of `retired_since` and `compromised_since`",
                ),
            }
        }
        other => err(
            path,
            format_args!(
                "expected \"active\" or an object, found {}",
                json_kind(other)
            ),
        ),
    }
}

fn authority(v: &Value, path: &str, base: &Path) -> SpecResult<AuthoritySpec> {
    let Value::Object(o) = v else {
        return err(
            path,
            format_args!("expected an object, found {}", json_kind(v)),
        );
    };
    known_fields(o, &["certificate", "types", "level", "state"], path)?;
    let need = |name: &str| {
        o.get(name)
            .ok_or_else(|| format!("{path}: the field `{name}` is missing"))
    };
    let cert_path = field_path(path, "certificate");
    let cert = string(need("certificate")?, &cert_path)?;
    if cert.trim().is_empty() {
        return err(&cert_path, "must not be empty");
    }
    let types_path = field_path(path, "types");
    let Value::Array(items) = need("types")? else {
        return err(
            &types_path,
            format_args!("expected a list of licence type codes, found {}", {
                json_kind(need("types")?)
            }),
        );
    };
    let mut types: Vec<LicenceTypeCode> = Vec::with_capacity(items.len());
    for (i, t) in items.iter().enumerate() {
        let p = format!("{types_path}[{i}]");
        let code = LicenceTypeCode::parse(string(t, &p)?.trim()).or_else(|e| err(&p, e))?;
        if let Some(j) = types.iter().position(|c| *c == code) {
            return err(
                &p,
                format_args!("{code} is listed twice (also {types_path}[{j}])"),
            );
        }
        types.push(code);
    }
    let level_path = field_path(path, "level");
    let level_text = string(need("level")?, &level_path)?;
    let level = level_text.trim().parse::<TrustLevel>().or_else(|_| {
        err(
            &level_path,
            format_args!(
                "{level_text:?} is not a trust level: give \"A\" (strongest), \"B\", \"C\" or \"D\""
            ),
        )
    })?;
    let state = match o.get("state") {
        Some(s) => state(s, &field_path(path, "state"))?,
        None => return err(path, "the field `state` is missing"),
    };
    Ok(AuthoritySpec {
        certificate: base.join(cert.trim()),
        types,
        level,
        state,
    })
}

/// Parses a region trust list spec. Certificate paths are resolved against
/// `base` (the spec file's directory). Errors name the field by its path.
pub fn parse_region_spec(text: &str, base: &Path) -> SpecResult<RegionSpec> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let root: Value = serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
    let Value::Object(o) = &root else {
        return Err(format!(
            "expected a JSON object, found {}",
            json_kind(&root)
        ));
    };
    known_fields(
        o,
        &[
            "region",
            "sequence",
            "issued_at",
            "next_update",
            "valid_days",
            "authorities",
        ],
        "",
    )?;
    let region = match o.get("region") {
        None => None,
        Some(v) => {
            let s = string(v, "region")?;
            Some(RegionCode::parse(s.trim()).or_else(|e| err("region", e))?)
        }
    };
    let sequence = o.get("sequence").map(|v| uint(v, "sequence")).transpose()?;
    let issued_at = o
        .get("issued_at")
        .map(|v| time_value(v, "issued_at"))
        .transpose()?;
    let next_update = match (o.get("next_update"), o.get("valid_days")) {
        (Some(_), Some(_)) => {
            return err(
                "valid_days",
                "give either `next_update` or `valid_days`, not both",
            )
        }
        (Some(v), None) => Some(NextUpdate::At(time_value(v, "next_update")?)),
        (None, Some(v)) => {
            let d = uint(v, "valid_days")?;
            match u32::try_from(d) {
                Ok(d) if (1..=MAX_VALID_DAYS).contains(&d) => Some(NextUpdate::Days(d)),
                _ => {
                    return err(
                        "valid_days",
                        format_args!("{d} is out of range: give 1 to {MAX_VALID_DAYS} days"),
                    )
                }
            }
        }
        (None, None) => None,
    };
    let Some(list) = o.get("authorities") else {
        return Err("the field `authorities` is missing".into());
    };
    let Value::Array(items) = list else {
        return err(
            "authorities",
            format_args!("expected a list, found {}", json_kind(list)),
        );
    };
    let authorities = items
        .iter()
        .enumerate()
        .map(|(i, a)| authority(a, &format!("authorities[{i}]"), base))
        .collect::<SpecResult<Vec<_>>>()?;
    Ok(RegionSpec {
        region,
        sequence,
        issued_at,
        next_update,
        authorities,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"{
        "region": "440000",
        "sequence": 3,
        "issued_at": "2025-06-01T00:00:00Z",
        "valid_days": 30,
        "authorities": [
            {"certificate": "a/authority.cert.pem", "types": ["11100000000013338W101"],
             "level": "A", "state": "active"},
            {"certificate": "/abs/b.pem", "types": [], "level": "D",
             "state": {"compromised_since": 1748736000}},
            {"certificate": "c.pem", "types": ["11100000000013338W011"], "level": "B",
             "state": {"retired_since": "2025-06-01"}}
        ]
    }"#;

    fn parse(text: &str) -> SpecResult<RegionSpec> {
        parse_region_spec(text, Path::new("/specs"))
    }

    #[test]
    fn a_good_spec_parses() {
        let s = parse(GOOD).unwrap();
        assert_eq!(s.region.unwrap().as_str(), "440000");
        assert_eq!(s.sequence, Some(3));
        assert_eq!(s.issued_at, Some(1_748_736_000));
        assert_eq!(s.next_update, Some(NextUpdate::Days(30)));
        assert_eq!(s.authorities.len(), 3);
        let a = &s.authorities;
        assert_eq!(a[0].certificate, Path::new("/specs/a/authority.cert.pem"));
        assert_eq!(a[1].certificate, Path::new("/abs/b.pem"));
        assert_eq!(a[0].level, TrustLevel::A);
        assert_eq!(a[0].state, AuthorityState::Active);
        assert_eq!(a[1].state, AuthorityState::Compromised(1_748_736_000));
        // 2025-06-01 00:00 China Standard Time.
        assert_eq!(a[2].state, AuthorityState::Retired(1_748_707_200));
        assert_eq!(a[0].types[0].as_str(), "11100000000013338W101");
        assert!(a[1].types.is_empty());
    }

    #[test]
    fn a_minimal_spec_parses() {
        let s = parse(r#"{"authorities": []}"#).unwrap();
        assert_eq!(
            s,
            RegionSpec {
                region: None,
                sequence: None,
                issued_at: None,
                next_update: None,
                authorities: vec![]
            }
        );
    }

    fn error(text: &str) -> String {
        parse(text).unwrap_err()
    }

    #[test]
    fn unknown_fields_are_refused_by_path() {
        let e = error(r#"{"authorities": [], "colour": "red"}"#);
        assert!(e.starts_with("colour: unknown field `colour`"), "{e}");
        assert!(e.contains("`authorities`"), "{e}");
        let e = error(
            r#"{"authorities": [{"certificate": "a", "types": [], "level": "A",
                "state": "active", "levle": "B"}]}"#,
        );
        assert!(
            e.starts_with("authorities[0].levle: unknown field `levle`"),
            "{e}"
        );
        let e = error(
            r#"{"authorities": [{"certificate": "a", "types": [], "level": "A",
                "state": {"compromised": 1}}]}"#,
        );
        assert!(
            e.starts_with("authorities[0].state.compromised: unknown field"),
            "{e}"
        );
    }

    #[test]
    fn bad_level_is_refused() {
        let e = error(
            r#"{"authorities": [{"certificate": "a", "types": [], "level": "E", "state": "active"}]}"#,
        );
        assert!(
            e.starts_with("authorities[0].level: \"E\" is not a trust level"),
            "{e}"
        );
        let e = error(
            r#"{"authorities": [{"certificate": "a", "types": [], "level": 1, "state": "active"}]}"#,
        );
        assert!(
            e.starts_with("authorities[0].level: expected a string, found a number"),
            "{e}"
        );
    }

    #[test]
    fn bad_state_and_times_are_refused() {
        let e = error(
            r#"{"authorities": [{"certificate": "a", "types": [], "level": "A",
                "state": {"compromised_since": "2025-13-01"}}]}"#,
        );
        assert!(
            e.starts_with("authorities[0].state.compromised_since: \"2025-13-01\" is not a time"),
            "{e}"
        );
        let e = error(
            r#"{"authorities": [{"certificate": "a", "types": [], "level": "A",
                "state": {"retired_since": -5}}]}"#,
        );
        assert!(
            e.starts_with("authorities[0].state.retired_since: -5"),
            "{e}"
        );
        let e = error(
            r#"{"authorities": [{"certificate": "a", "types": [], "level": "A",
                "state": {"retired_since": 1, "compromised_since": 2}}]}"#,
        );
        assert!(e.contains("exactly one"), "{e}");
        let e = error(
            r#"{"authorities": [{"certificate": "a", "types": [], "level": "A", "state": "revoked"}]}"#,
        );
        assert!(
            e.starts_with("authorities[0].state: \"revoked\" is not a state"),
            "{e}"
        );
        let e = error(r#"{"issued_at": "soon", "authorities": []}"#);
        assert!(e.starts_with("issued_at: \"soon\" is not a time"), "{e}");
        let e = error(r#"{"next_update": 1, "valid_days": 2, "authorities": []}"#);
        assert!(e.starts_with("valid_days: give either"), "{e}");
        let e = error(r#"{"valid_days": 0, "authorities": []}"#);
        assert!(e.starts_with("valid_days: 0 is out of range"), "{e}");
    }

    #[test]
    fn bad_codes_missing_fields_and_shapes_are_refused() {
        let e = error(
            r#"{"authorities": [{"certificate": "a", "types": ["11100000000013338Y011"],
                "level": "A", "state": "active"}]}"#,
        );
        assert!(e.starts_with("authorities[0].types[0]: "), "{e}");
        let e = error(
            r#"{"authorities": [{"certificate": "a",
                "types": ["11100000000013338W011", "11100000000013338W011"],
                "level": "A", "state": "active"}]}"#,
        );
        assert!(
            e.contains("listed twice (also authorities[0].types[0])"),
            "{e}"
        );
        let e = error(r#"{"authorities": [{"types": [], "level": "A", "state": "active"}]}"#);
        assert_eq!(e, "authorities[0]: the field `certificate` is missing");
        let e = error(r#"{"authorities": [{"certificate": "a", "types": [], "level": "A"}]}"#);
        assert_eq!(e, "authorities[0]: the field `state` is missing");
        assert_eq!(error(r#"{}"#), "the field `authorities` is missing");
        assert!(error("[]").starts_with("expected a JSON object"));
        assert!(error("{").starts_with("not valid JSON"));
        let e = error(r#"{"region": "31000X", "authorities": []}"#);
        assert!(e.starts_with("region: "), "{e}");
        let e = error(r#"{"sequence": -1, "authorities": []}"#);
        assert!(e.starts_with("sequence: expected a whole number"), "{e}");
    }
}
