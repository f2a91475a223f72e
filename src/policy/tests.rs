use super::*;

const SHANGHAI: &str = include_str!("../../examples/data/policy-shanghai.json");
const POLICY_MD: &str = include_str!("../../docs/POLICY.md");

const BUSINESS: &str = "11100000000013338W011"; // national business licence
const GD_BUSINESS: &str = "11100000000013338W101"; // Guangdong's, mapped to BUSINESS
const FOOD: &str = "11100000000013338W009"; // accepted at trust level A only
const SC_PERMIT: &str = "11100000000013338W032"; // refused
const UNLISTED: &str = "11100000MB03271699022";

fn shanghai() -> Policy {
    Policy::from_json(SHANGHAI).expect("the example policy parses")
}

fn input(
    region: &str,
    type_code: &str,
    level: TrustLevel,
    purpose: Option<&str>,
) -> RecognitionInput {
    RecognitionInput {
        issuing_region: region.parse().unwrap(),
        type_code: type_code.parse().unwrap(),
        trust_level: level,
        purpose: purpose.map(str::to_owned),
    }
}

fn recognised(local_type: &str, mapped: bool) -> Decision {
    Decision::Recognised {
        local_type: local_type.parse().unwrap(),
        mapped,
    }
}

/// A small valid policy, one field per line (line numbers are used below).
fn base() -> String {
    [
        "{",                                                         // 1
        "  \"version\": 1,",                                         // 2
        "  \"region\": \"310000\",",                                 // 3
        "  \"accept_regions\": [\"440000\", \"510000\"],",           // 4
        "  \"min_trust_level\": \"B\",",                             // 5
        "  \"max_status_age_seconds\": 86400,",                      // 6
        "  \"status_missing\": \"indeterminate\",",                  // 7
        "  \"purposes\": [\"business_registration\"],",              // 8
        "  \"types\": {",                                            // 9
        "    \"11100000000013338W101\": {",                          // 10
        "      \"decision\": \"map\",",                              // 11
        "      \"local_type\": \"11100000000013338W011\"",           // 12
        "    },",                                                    // 13
        "    \"11100000000013338W032\": {\"decision\": \"refuse\"}", // 14
        "  }",                                                       // 15
        "}",                                                         // 16
    ]
    .join("\n")
}

/// `base()` with `from` replaced by `to` (which must occur once).
fn with(from: &str, to: &str) -> String {
    let b = base();
    assert_eq!(
        b.matches(from).count(),
        1,
        "{from:?} must occur once in base()"
    );
    b.replace(from, to)
}

fn error(text: &str) -> PolicyError {
    let e = Policy::from_json(text).expect_err("the policy must be refused");
    assert!(e.line() >= 1 && e.column() >= 1 || matches!(e, PolicyError::TooLarge { .. }));
    e
}

/// Asserts an `Invalid` error at `line` for `path` whose message contains `needle`.
fn assert_invalid(text: &str, line: usize, path: &str, needle: &str) -> PolicyError {
    let e = error(text);
    assert!(
        matches!(&e, PolicyError::Invalid { .. }),
        "expected Invalid, got {e:?}"
    );
    assert_eq!(e.reason(), ReasonCode::PolicyInvalid);
    assert_eq!(e.path(), Some(path), "{e}");
    assert_eq!(e.line(), line, "{e}");
    assert!(e.to_string().contains(needle), "{e} lacks {needle:?}");
    e
}

/// Asserts a `Syntax` error at `line` whose message contains `needle`.
fn assert_syntax(text: &str, line: usize, path: Option<&str>, needle: &str) -> PolicyError {
    let e = error(text);
    assert!(
        matches!(&e, PolicyError::Syntax { .. }),
        "expected Syntax, got {e:?}"
    );
    assert_eq!(e.reason(), ReasonCode::PolicyInvalid);
    assert_eq!(e.line(), line, "{e}");
    assert_eq!(e.path(), path, "{e}");
    assert!(e.to_string().contains(needle), "{e} lacks {needle:?}");
    e
}

// ---------------------------------------------------------------------------
// Trust levels.

#[test]
fn trust_levels_order_from_a_strongest() {
    use TrustLevel::*;
    assert!(A > B && B > C && C > D);
    assert_eq!(TrustLevel::ALL.iter().max(), Some(&A));
    assert!(A.meets(B) && B.meets(B));
    assert!(!C.meets(B) && !D.meets(B));
    assert!(D.meets(D) && A.meets(A) && !B.meets(A));
    for level in TrustLevel::ALL {
        assert_eq!(level.as_str().parse::<TrustLevel>(), Ok(level));
        assert_eq!(level.to_string(), level.as_str());
        let json = serde_json::to_string(&level).unwrap();
        assert_eq!(json, format!("\"{level}\""));
        assert_eq!(serde_json::from_str::<TrustLevel>(&json).unwrap(), level);
    }
    for bad in ["", "a", "E", "AB", " A", "1"] {
        assert_eq!(bad.parse::<TrustLevel>(), Err(TrustLevelParseError));
    }
}

// ---------------------------------------------------------------------------
// The example policy.

/// (issuing region, type, level, purpose) → recognised as (type, mapped), or
/// refused with a code.
type Case<'a> = (
    &'a str,
    &'a str,
    TrustLevel,
    Option<&'a str>,
    Result<(&'a str, bool), ReasonCode>,
);

#[test]
fn example_policy_parses_with_its_settings() {
    let p = shanghai();
    assert_eq!(p.region().as_str(), "310000");
    let accepted: Vec<&str> = p
        .accept_regions()
        .unwrap()
        .iter()
        .map(RegionCode::as_str)
        .collect();
    assert_eq!(accepted, ["440000", "510000"]);
    assert_eq!(p.min_trust_level(), TrustLevel::B);
    assert_eq!(p.max_status_age(), Duration::from_secs(86_400));
    assert_eq!(p.max_status_age_seconds(), 86_400);
    assert_eq!(p.status_missing(), StatusMissing::Indeterminate);
    assert_eq!(
        p.purposes().unwrap(),
        [
            "business_registration",
            "tax_registration",
            "bank_account_opening"
        ]
    );
    assert!(p.description().unwrap().starts_with("上海市"));
    assert!(matches!(
        p.default_rule(),
        TypeRule::Refuse { reason: Some(_) }
    ));
    assert_eq!(p.types().count(), 4);
    assert_eq!(
        p.rule(&GD_BUSINESS.parse().unwrap()),
        &TypeRule::Map {
            local_type: BUSINESS.parse().unwrap(),
            min_trust_level: None
        }
    );
    assert_eq!(
        p.rule(&FOOD.parse().unwrap()),
        &TypeRule::Accept {
            min_trust_level: Some(TrustLevel::A)
        }
    );
    assert_eq!(p.rule(&UNLISTED.parse().unwrap()), p.default_rule());
    assert!(p.accepts_region(&"310000".parse().unwrap()));
    assert!(p.accepts_region(&"510000".parse().unwrap()));
    assert!(!p.accepts_region(&"440300".parse().unwrap()));
}

#[test]
fn example_policy_decisions() {
    use TrustLevel::*;
    const REGION: ReasonCode = ReasonCode::RegionNotAccepted;
    const TYPE: ReasonCode = ReasonCode::TypeNotRecognised;
    const TRUST: ReasonCode = ReasonCode::TrustLevelTooLow;
    const PURPOSE: ReasonCode = ReasonCode::PurposeNotAccepted;
    let p = shanghai();
    let reg = Some("business_registration");
    let cases: &[Case] = &[
        // Accepted as is.
        ("440000", BUSINESS, A, reg, Ok((BUSINESS, false))),
        (
            "510000",
            BUSINESS,
            B,
            Some("bank_account_opening"),
            Ok((BUSINESS, false)),
        ),
        ("440000", BUSINESS, B, None, Ok((BUSINESS, false))),
        // Mapped to the local business licence.
        ("440000", GD_BUSINESS, B, reg, Ok((BUSINESS, true))),
        // Per-type minimum A.
        ("440000", FOOD, A, reg, Ok((FOOD, false))),
        ("440000", FOOD, B, reg, Err(TRUST)),
        // Refused type, explicitly and by default.
        ("510000", SC_PERMIT, A, reg, Err(TYPE)),
        ("510000", UNLISTED, A, reg, Err(TYPE)),
        // Region not accepted (exact match: a city of Guangdong is not Guangdong).
        ("110000", BUSINESS, A, reg, Err(REGION)),
        ("440300", BUSINESS, A, reg, Err(REGION)),
        // Trust level too low (global minimum B).
        ("440000", BUSINESS, C, reg, Err(TRUST)),
        ("440000", GD_BUSINESS, D, reg, Err(TRUST)),
        // Purpose not accepted.
        (
            "440000",
            BUSINESS,
            A,
            Some("visa_application"),
            Err(PURPOSE),
        ),
        ("440000", BUSINESS, A, Some(""), Err(PURPOSE)),
        // Order: region before type before trust before purpose.
        ("110000", SC_PERMIT, D, Some("x"), Err(REGION)),
        ("510000", SC_PERMIT, D, Some("x"), Err(TYPE)),
        ("510000", BUSINESS, D, Some("x"), Err(TRUST)),
        // Own region: recognised as itself whatever the type and purpose rules say ...
        ("310000", BUSINESS, B, reg, Ok((BUSINESS, false))),
        ("310000", GD_BUSINESS, A, None, Ok((GD_BUSINESS, false))),
        ("310000", SC_PERMIT, A, reg, Ok((SC_PERMIT, false))),
        (
            "310000",
            UNLISTED,
            B,
            Some("visa_application"),
            Ok((UNLISTED, false)),
        ),
        // ... but the global minimum trust level applies, not a per-type one.
        ("310000", BUSINESS, C, reg, Err(TRUST)),
        ("310000", FOOD, B, reg, Ok((FOOD, false))),
    ];
    for (i, (region, type_code, level, purpose, expected)) in cases.iter().enumerate() {
        let d = p.decide(&input(region, type_code, *level, *purpose));
        match expected {
            Ok((local, mapped)) => assert_eq!(d, recognised(local, *mapped), "case {i}"),
            Err(code) => {
                assert_eq!(d.reason(), *code, "case {i}: {d}");
                assert!(!d.is_recognised());
            }
        }
    }
}

#[test]
fn decision_details_say_why() {
    let p = shanghai();
    let detail = |d: Decision| match d {
        Decision::NotRecognised { detail, .. } => detail,
        other => panic!("recognised: {other}"),
    };
    let d = detail(p.decide(&input("510000", SC_PERMIT, TrustLevel::A, None)));
    assert_eq!(
        d,
        "region 310000 does not recognise licence type 11100000000013338W032 from other regions: \
         上海无对应许可事项 (no equivalent permit in Shanghai)"
    );
    let d = detail(p.decide(&input("510000", UNLISTED, TrustLevel::A, None)));
    assert!(
        d.contains("not listed") && d.contains("type not in the mutual recognition catalogue"),
        "{d}"
    );
    let d = detail(p.decide(&input("110000", BUSINESS, TrustLevel::A, None)));
    assert_eq!(
        d,
        "region 310000 does not accept licences issued in region 110000"
    );
    let d = detail(p.decide(&input("440000", FOOD, TrustLevel::B, None)));
    assert_eq!(
        d,
        "the licence's trust level is B; region 310000 requires at least A for licence type 11100000000013338W009"
    );
    let d = detail(p.decide(&input("310000", FOOD, TrustLevel::D, None)));
    assert_eq!(
        d,
        "the licence's trust level is D; region 310000 requires at least B"
    );
    let long = "x".repeat(1000);
    let d = detail(p.decide(&input("440000", BUSINESS, TrustLevel::A, Some(&long))));
    assert!(d.starts_with(
        "region 310000 does not accept other regions' licences for the purpose \"xxx"
    ));
    assert!(
        d.chars().count() < 200,
        "the purpose is truncated in the detail"
    );
}

#[test]
fn decisions_serialise_and_display() {
    let p = shanghai();
    let d = p.decide(&input("440000", GD_BUSINESS, TrustLevel::B, None));
    assert_eq!(
        serde_json::to_string(&d).unwrap(),
        r#"{"outcome":"RECOGNISED","local_type":"11100000000013338W011","mapped":true}"#
    );
    assert_eq!(
        d.to_string(),
        "RECOGNISED as 11100000000013338W011 (mapped)"
    );
    assert_eq!(d.reason(), ReasonCode::Ok);
    let d = p.decide(&input("110000", BUSINESS, TrustLevel::A, None));
    assert_eq!(
        serde_json::to_string(&d).unwrap(),
        r#"{"outcome":"NOT_RECOGNISED","reason":"REGION_NOT_ACCEPTED","detail":"region 310000 does not accept licences issued in region 110000"}"#
    );
    assert_eq!(
        d.to_string(),
        "NOT_RECOGNISED (REGION_NOT_ACCEPTED): region 310000 does not accept licences issued in region 110000"
    );
    let d = p.decide(&input("440000", BUSINESS, TrustLevel::A, None));
    assert_eq!(d.to_string(), "RECOGNISED as 11100000000013338W011");
}

#[test]
fn stars_defaults_and_warn() {
    let text = with("[\"440000\", \"510000\"]", "\"*\"")
        .replace("[\"business_registration\"]", "\"*\"")
        .replace("\"indeterminate\"", "\"warn\"")
        .replace(
            "  \"types\": {",
            "  \"default\": {\"decision\": \"accept\", \"min_trust_level\": \"C\"},\n  \"types\": {",
        );
    let p = Policy::from_json(&text).unwrap();
    assert_eq!(p.accept_regions(), None);
    assert_eq!(p.purposes(), None);
    assert_eq!(p.status_missing(), StatusMissing::Warn);
    // Any region, any purpose; unlisted types accepted at C or better.
    let d = p.decide(&input("650000", UNLISTED, TrustLevel::C, Some("anything")));
    assert_eq!(d, recognised(UNLISTED, false));
    let d = p.decide(&input("650000", UNLISTED, TrustLevel::D, None));
    assert_eq!(d.reason(), ReasonCode::TrustLevelTooLow);
    // Listed types keep their rules, with the global minimum B.
    let d = p.decide(&input("650000", SC_PERMIT, TrustLevel::A, None));
    assert_eq!(d.reason(), ReasonCode::TypeNotRecognised);
    let d = p.decide(&input("650000", GD_BUSINESS, TrustLevel::C, None));
    assert_eq!(d.reason(), ReasonCode::TrustLevelTooLow);

    // Without "default", unlisted types are refused; without "types", every
    // type follows the default.
    let p = Policy::from_json(&base()).unwrap();
    assert_eq!(p.default_rule(), &TypeRule::Refuse { reason: None });
    let minimal = r#"{"version": 1, "region": "310000", "accept_regions": ["440000"],
        "min_trust_level": "A", "max_status_age_seconds": 1, "status_missing": "warn",
        "purposes": ["a"]}"#;
    let p = Policy::from_json(minimal).unwrap();
    assert_eq!(p.types().count(), 0);
    let d = p.decide(&input("440000", BUSINESS, TrustLevel::A, None));
    assert_eq!(d.reason(), ReasonCode::TypeNotRecognised);
}

#[test]
fn byte_order_mark_and_limits_of_the_range_are_accepted() {
    assert!(Policy::from_json(&format!("\u{feff}{}", base())).is_ok());
    let p = Policy::from_json(&with("86400", "31536000")).unwrap();
    assert_eq!(p.max_status_age(), Duration::from_secs(365 * 24 * 3600));
    let p = Policy::from_json(&with("86400", "1")).unwrap();
    assert_eq!(p.max_status_age_seconds(), 1);
    // Exactly at the size limit (padded with spaces) is read.
    let mut text = base();
    text.push_str(&" ".repeat(MAX_POLICY_BYTES - text.len()));
    assert_eq!(text.len(), MAX_POLICY_BYTES);
    assert!(Policy::from_json(&text).is_ok());
}

// ---------------------------------------------------------------------------
// Hostile and mistaken policy files.

#[test]
fn unknown_fields_are_named_with_their_line() {
    // Top level.
    let text = with(
        "  \"version\": 1,",
        "  \"version\": 1,\n  \"colour\": \"red\",",
    );
    let e = assert_syntax(&text, 3, Some("colour"), "unknown field `colour`");
    assert_eq!(e.column(), 10, "the column of the key's closing quote");
    assert!(e
        .to_string()
        .starts_with("policy line 3, column 10 (colour): unknown field `colour`, expected one of"));
    // Nested, in a type rule.
    let text = with(
        "      \"decision\": \"map\",",
        "      \"decision\": \"map\",\n      \"loacl_type\": \"x\",",
    );
    assert_syntax(
        &text,
        12,
        Some("types[\"11100000000013338W101\"].loacl_type"),
        "unknown field `loacl_type`",
    );
    // Nested, in the default rule.
    let text = with(
        "  \"types\": {",
        "  \"default\": {\"decision\": \"refuse\", \"why\": \"x\"},\n  \"types\": {",
    );
    assert_syntax(&text, 9, Some("default.why"), "unknown field `why`");
}

#[test]
fn wrong_json_types_are_named_with_their_line() {
    assert_syntax(
        &with("86400", "\"86400\""),
        6,
        Some("max_status_age_seconds"),
        "invalid type: string \"86400\", expected u64",
    );
    assert_syntax(
        &with("86400", "-5"),
        6,
        Some("max_status_age_seconds"),
        "expected u64",
    );
    assert_syntax(
        &with("86400", "86400.5"),
        6,
        Some("max_status_age_seconds"),
        "expected u64",
    );
    assert_syntax(
        &with("\"version\": 1", "\"version\": \"1\""),
        2,
        Some("version"),
        "expected u32",
    );
    assert_syntax(
        &with("\"region\": \"310000\"", "\"region\": 310000"),
        3,
        Some("region"),
        "expected a string",
    );
    assert_syntax(
        &with("[\"440000\", \"510000\"]", "[\"440000\", 510000]"),
        4,
        Some("accept_regions[1]"),
        "expected a string",
    );
    assert_syntax(
        &with("[\"440000\", \"510000\"]", "{}"),
        4,
        Some("accept_regions"),
        "expected \"*\" or a list of strings",
    );
    assert_syntax(
        &with("\"B\"", "\"E\""),
        5,
        Some("min_trust_level"),
        "invalid value: string \"E\", expected one of \"A\", \"B\", \"C\", \"D\"",
    );
    assert_syntax(
        &with("\"B\"", "\"b\""),
        5,
        Some("min_trust_level"),
        "invalid value: string \"b\"",
    );
    assert_syntax(
        &with("\"B\"", "2"),
        5,
        Some("min_trust_level"),
        "invalid type: integer `2`, expected a string",
    );
    assert_syntax(
        &with("\"indeterminate\"", "\"ignore\""),
        7,
        Some("status_missing"),
        "invalid value: string \"ignore\", expected \"indeterminate\" or \"warn\"",
    );
    assert_syntax(
        &with("\"decision\": \"map\"", "\"decision\": \"mapped\""),
        11,
        Some("types[\"11100000000013338W101\"].decision"),
        "expected \"accept\", \"map\" or \"refuse\"",
    );
    assert_syntax(
        &with("  \"types\": {", "  \"types\": [{"),
        9,
        Some("types"),
        "expected an object",
    );
    // The whole file, and each rule, must be an object: serde would read a
    // list of the field values in order.
    assert_syntax(
        "[1, \"310000\"]",
        1,
        None,
        "invalid type: sequence, expected an object",
    );
    assert_syntax(
        &with("{\"decision\": \"refuse\"}", "[null, \"refuse\"]"),
        14,
        Some("types[\"11100000000013338W032\"]"),
        "invalid type: sequence, expected an object",
    );
    assert_syntax("\"policy\"", 1, None, "invalid type");
}

#[test]
fn missing_and_repeated_fields() {
    let text = with("  \"purposes\": [\"business_registration\"],\n", "");
    let e = assert_syntax(&text, 15, None, "missing field `purposes`");
    assert_eq!(e.column(), 1);
    let text = with("      \"decision\": \"map\",\n", "");
    assert_syntax(
        &text,
        12,
        Some("types[\"11100000000013338W101\"]"),
        "missing field `decision`",
    );
    // A repeated field of a fixed object: serde names it.
    let text = with("  \"version\": 1,", "  \"version\": 1,\n  \"version\": 1,");
    assert_syntax(&text, 3, Some("version"), "duplicate field `version`");
    let text = with(
        "\"decision\": \"map\",",
        "\"decision\": \"map\", \"decision\": \"accept\",",
    );
    assert_syntax(
        &text,
        11,
        Some("types[\"11100000000013338W101\"].decision"),
        "duplicate field `decision`",
    );
}

#[test]
fn repeated_type_codes_are_refused_with_their_line() {
    // serde_json would keep the last of the two silently.
    let text = with(
        "    \"11100000000013338W032\": {\"decision\": \"refuse\"}",
        "    \"11100000000013338W032\": {\"decision\": \"refuse\"},\n    \"11100000000013338W032\": {\"decision\": \"accept\"}",
    );
    let e = assert_invalid(
        &text,
        15,
        "types[\"11100000000013338W032\"]",
        "given twice (first at line 14)",
    );
    assert_eq!(e.column(), 5);
    // The same key written with an escape is the same key.
    let text = with(
        "    \"11100000000013338W032\": {\"decision\": \"refuse\"}",
        "    \"11100000000013338W032\": {\"decision\": \"refuse\"},\n    \"11100000000013338\\u0057032\": {\"decision\": \"accept\"}",
    );
    assert_invalid(&text, 15, "types[\"11100000000013338W032\"]", "given twice");
}

#[test]
fn impossible_values_are_refused_with_their_line() {
    assert_invalid(
        &with("86400", "0"),
        6,
        "max_status_age_seconds",
        "must be 1 to 31536000 seconds",
    );
    assert_invalid(
        &with("86400", "31536001"),
        6,
        "max_status_age_seconds",
        "out of range",
    );
    assert_invalid(
        &with("86400", "18446744073709551615"),
        6,
        "max_status_age_seconds",
        "out of range",
    );
    assert_invalid(
        &with("\"version\": 1", "\"version\": 2"),
        2,
        "version",
        "version 2 is not supported",
    );
    assert_invalid(
        &with("\"region\": \"310000\"", "\"region\": \"999999\""),
        3,
        "region",
        "\"999999\" is not a region code",
    );
    assert_invalid(
        &with("\"region\": \"310000\"", "\"region\": \"31000\""),
        3,
        "region",
        "6 characters",
    );
    assert_invalid(
        &with("[\"440000\", \"510000\"]", "[\"440000\", \"000000\"]"),
        4,
        "accept_regions[1]",
        "\"000000\" is not a region code",
    );
}

#[test]
fn region_lists_are_checked() {
    assert_invalid(
        &with("[\"440000\", \"510000\"]", "[\"440000\", \"440000\"]"),
        4,
        "accept_regions[1]",
        "region 440000 is listed twice (also accept_regions[0])",
    );
    assert_invalid(
        &with("[\"440000\", \"510000\"]", "[\"440000\", \"310000\"]"),
        4,
        "accept_regions[1]",
        "verifying region itself",
    );
    assert_invalid(
        &with("[\"440000\", \"510000\"]", "[]"),
        4,
        "accept_regions",
        "empty list",
    );
    assert_invalid(
        &with("[\"440000\", \"510000\"]", "\"all\""),
        4,
        "accept_regions",
        "write \"*\" for any",
    );
    // An element on its own line is found on that line.
    let e = assert_invalid(
        &with(
            "[\"440000\", \"510000\"]",
            "[\n    \"440000\",\n    \"5100001\"\n  ]",
        ),
        6,
        "accept_regions[1]",
        "not a region code",
    );
    assert_eq!(e.column(), 5);
}

#[test]
fn purposes_are_checked() {
    let p = |to: &str| with("[\"business_registration\"]", to);
    assert_invalid(&p("[]"), 8, "purposes", "empty list");
    assert_invalid(
        &p("[\"a\", \"b\", \"a\"]"),
        8,
        "purposes[2]",
        "listed twice (also purposes[0])",
    );
    assert_invalid(&p("[\"Business\"]"), 8, "purposes[0]", "not a purpose name");
    assert_invalid(&p("[\"\"]"), 8, "purposes[0]", "not a purpose name");
    assert_invalid(&p("[\"1st\"]"), 8, "purposes[0]", "not a purpose name");
    assert_invalid(
        &p(&format!("[\"{}\"]", "a".repeat(65))),
        8,
        "purposes[0]",
        "not a purpose name",
    );
    assert!(Policy::from_json(&p(&format!("[\"{}\"]", "a".repeat(64)))).is_ok());
    assert_invalid(&p("\"any\""), 8, "purposes", "write \"*\" for any");
}

#[test]
fn type_codes_are_checked() {
    // The ministry code's check character is wrong (W → X).
    assert_invalid(
        &with(
            "\"11100000000013338W032\": {",
            "\"11100000000013338X032\": {",
        ),
        14,
        "types[\"11100000000013338X032\"]",
        "check character",
    );
    assert_invalid(
        &with("\"11100000000013338W032\": {", "\"business licence\": {"),
        14,
        "types[\"business licence\"]",
        "is not a licence type code",
    );
    // A map to a type code that fails its check.
    assert_invalid(
        &with(
            "\"local_type\": \"11100000000013338W011\"",
            "\"local_type\": \"11100000000013338Y011\"",
        ),
        12,
        "types[\"11100000000013338W101\"].local_type",
        "\"11100000000013338Y011\" is not a licence type code",
    );
    assert_invalid(
        &with(
            "\"local_type\": \"11100000000013338W011\"",
            "\"local_type\": \"W011\"",
        ),
        12,
        "types[\"11100000000013338W101\"].local_type",
        "is not a licence type code",
    );
}

#[test]
fn rules_are_checked() {
    let t = "types[\"11100000000013338W101\"]";
    // A map to itself.
    assert_invalid(
        &with(
            "\"local_type\": \"11100000000013338W011\"",
            "\"local_type\": \"11100000000013338W101\"",
        ),
        12,
        &format!("{t}.local_type"),
        "mapped to itself",
    );
    // A map without local_type.
    assert_invalid(
        &with(",\n      \"local_type\": \"11100000000013338W011\"", ""),
        10,
        t,
        "needs \"local_type\"",
    );
    // local_type with accept; reason with accept; min_trust_level with refuse.
    assert_invalid(
        &with("\"decision\": \"map\"", "\"decision\": \"accept\""),
        12,
        &format!("{t}.local_type"),
        "only with \"decision\": \"map\", not \"accept\"",
    );
    assert_invalid(
        &with(
            "{\"decision\": \"refuse\"}",
            "{\"decision\": \"accept\", \"reason\": \"x\"}",
        ),
        14,
        "types[\"11100000000013338W032\"].reason",
        "only with \"decision\": \"refuse\"",
    );
    assert_invalid(
        &with(
            "{\"decision\": \"refuse\"}",
            "{\"decision\": \"refuse\", \"min_trust_level\": \"A\"}",
        ),
        14,
        "types[\"11100000000013338W032\"].min_trust_level",
        "no effect on a refused type",
    );
    // The default cannot map, nor carry a name.
    let default = |rule: &str| {
        with(
            "  \"types\": {",
            &format!("  \"default\": {rule},\n  \"types\": {{"),
        )
    };
    assert_invalid(
        &default("{\"decision\": \"map\", \"local_type\": \"11100000000013338W011\"}"),
        9,
        "default.decision",
        "cannot be \"map\"",
    );
    assert_invalid(
        &default("{\"decision\": \"refuse\", \"name\": \"x\"}"),
        9,
        "default.name",
        "labels a listed type",
    );
    assert!(Policy::from_json(&default(
        "{\"decision\": \"refuse\", \"reason\": \"不在目录中\"}"
    ))
    .is_ok());
}

#[test]
fn contradictory_rules_are_refused() {
    // A map to a type the policy refuses.
    let text = with(
        "    \"11100000000013338W032\": {\"decision\": \"refuse\"}",
        "    \"11100000000013338W011\": {\"decision\": \"refuse\"}",
    );
    assert_invalid(
        &text,
        12,
        "types[\"11100000000013338W101\"].local_type",
        "which this policy refuses (types[\"11100000000013338W011\"], line 14)",
    );
    // A map to a type that is itself mapped.
    let text = with(
        "    \"11100000000013338W032\": {\"decision\": \"refuse\"}",
        "    \"11100000000013338W011\": {\"decision\": \"map\", \"local_type\": \"11100000000013338W032\"}",
    );
    let e = error(&text);
    assert!(e.to_string().contains("mappings do not chain"), "{e}");
    // A map to a type accepted as is is fine.
    let text = with(
        "    \"11100000000013338W032\": {\"decision\": \"refuse\"}",
        "    \"11100000000013338W011\": {\"decision\": \"accept\"}",
    );
    assert!(Policy::from_json(&text).is_ok());
}

#[test]
fn free_text_is_checked() {
    let reason = |r: &str| {
        with(
            "{\"decision\": \"refuse\"}",
            &format!(
                "{{\"decision\": \"refuse\", \"reason\": {}}}",
                serde_json::to_string(r).unwrap()
            ),
        )
    };
    let path = "types[\"11100000000013338W032\"].reason";
    assert_invalid(&reason(""), 14, path, "empty");
    assert_invalid(&reason("  "), 14, path, "empty");
    assert_invalid(
        &reason("line one\nline two"),
        14,
        path,
        "control character '\\n'",
    );
    assert_invalid(
        &reason(&"长".repeat(201)),
        14,
        path,
        "201 characters long; the limit is 200",
    );
    assert!(Policy::from_json(&reason(&"长".repeat(200))).is_ok());
    assert_invalid(
        &with(
            "  \"version\": 1,",
            "  \"version\": 1,\n  \"description\": \"\",",
        ),
        3,
        "description",
        "empty",
    );
    assert_invalid(
        &with(
            "\"decision\": \"map\",",
            "\"decision\": \"map\", \"name\": \"\\u0000\",",
        ),
        11,
        "types[\"11100000000013338W101\"].name",
        "control character",
    );
}

#[test]
fn columns_count_characters_not_bytes() {
    // The same error after ASCII text and after as many Chinese characters.
    for description in ["abcd", "电子证照"] {
        let text = with(
            "  \"version\": 1,",
            &format!("  \"version\": 1,\n  \"description\": \"{description}\", \"x\": 1,"),
        );
        let e = assert_syntax(&text, 3, Some("x"), "unknown field `x`");
        assert_eq!(e.column(), 28, "{e}");
    }
}

#[test]
fn syntax_errors_give_line_and_column() {
    let e = assert_syntax(&with("86400,", "86400,,"), 6, None, "key must be a string");
    assert_eq!(e.column(), 35, "at the second comma");
    assert_syntax(&with("    },", "    },,"), 13, None, "");
    assert_syntax(
        &with("{\"decision\": \"refuse\"}", "{\"decision\": \"refuse\"},"),
        15,
        None,
        "trailing comma",
    );
    assert_syntax(&format!("{} x", base()), 16, None, "trailing characters");
    let unterminated = base().replace("\n}", "");
    let e = assert_syntax(&unterminated, 15, None, "EOF while parsing");
    assert!(e.column() >= 1);
    assert_syntax(
        "{\"version\": 1 // a comment\n}",
        1,
        None,
        "expected `,` or `}`",
    );
}

#[test]
fn empty_input_is_refused() {
    for text in ["", "   \n\t ", "\u{feff}"] {
        let e = assert_syntax(text, 1, None, "the policy file is empty");
        assert_eq!(e.column(), 1);
    }
    assert_syntax("{}", 1, None, "missing field `version`");
    assert_syntax("null", 1, None, "invalid type: null");
}

#[test]
fn oversized_input_is_refused_before_parsing() {
    // 10 MB, not even JSON: refused by size alone.
    let big = "[".repeat(10_000_000);
    let e = Policy::from_json(&big).unwrap_err();
    assert_eq!(
        e,
        PolicyError::TooLarge {
            size: 10_000_000,
            limit: MAX_POLICY_BYTES
        }
    );
    assert_eq!(e.reason(), ReasonCode::InputTooLarge);
    assert_eq!((e.line(), e.column(), e.path()), (0, 0, None));
    assert_eq!(
        e.to_string(),
        "the policy file is 10000000 bytes long; the limit is 1048576 bytes"
    );
    // One byte over the limit.
    let mut text = base();
    text.push_str(&" ".repeat(MAX_POLICY_BYTES + 1 - text.len()));
    assert_eq!(error(&text).reason(), ReasonCode::InputTooLarge);
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let n = MAX_POLICY_BYTES / 2 - 100;
    // At the top level.
    assert_syntax(&"[".repeat(n), 1, None, "invalid type: sequence");
    assert_syntax(&"{\"a\":".repeat(n / 5), 1, Some("a"), "unknown field `a`");
    // Inside fields, closed or not.
    let deep = format!("{}{}", "[".repeat(n / 2), "]".repeat(n / 2));
    assert_syntax(
        &with(
            "\"version\": 1,",
            &format!("\"version\": 1, \"description\": {deep},"),
        ),
        2,
        Some("description"),
        "invalid type: sequence, expected a string",
    );
    let text = with(
        "\"decision\": \"map\"",
        &format!("\"decision\": {}", "[".repeat(n)),
    );
    assert_syntax(
        &text,
        11,
        Some("types[\"11100000000013338W101\"].decision"),
        "invalid type: sequence",
    );
    let text = with(
        "\"local_type\": \"11100000000013338W011\"",
        &format!("\"local_type\": {}", "{\"a\":".repeat(n / 5)),
    );
    assert_syntax(
        &text,
        12,
        Some("types[\"11100000000013338W101\"].local_type"),
        "invalid type: map",
    );
    // Deep nesting serde would reach: an element of a list of strings.
    let text = with(
        "[\"business_registration\"]",
        &format!("[{}", "[".repeat(n)),
    );
    assert_syntax(&text, 8, Some("purposes[0]"), "expected a string");
}

#[test]
fn scanner_paths_and_offsets() {
    use super::locate::{consumed_end, join_key, line_col, scan};
    assert_eq!(join_key("", "region"), "region");
    assert_eq!(
        join_key("types", "11100000000013338W011"),
        "types[\"11100000000013338W011\"]"
    );
    assert_eq!(
        join_key("types[\"X\"]", "local_type"),
        "types[\"X\"].local_type"
    );
    assert_eq!(join_key("types", "a\"]b"), "types[\"a\\\"]b\"]");
    let text = "{\"types\": {\"a\\\"]b\": {\"name\": 1}, \"c.d\": [1, {\"e\": 2}]}}";
    let map = scan(text);
    assert!(map.duplicate.is_none());
    // Every recorded path resolves to its own start, and parents resolve.
    for node in &map.nodes {
        assert_eq!(map.offset_of_path(&node.path), node.start, "{}", node.path);
    }
    let start = |p: &str| map.nodes.iter().find(|n| n.path == p).unwrap().start;
    assert_eq!(
        map.offset_of_path("types[\"a\\\"]b\"].missing"),
        start("types[\"a\\\"]b\"]")
    );
    assert_eq!(
        map.offset_of_path("types[\"c.d\"][1].e.f"),
        start("types[\"c.d\"][1].e")
    );
    assert_eq!(map.offset_of_path("types[\"zz\"]"), start("types"));
    assert_eq!(map.offset_of_path("nothing"), 0);
    assert_eq!(line_col("ab\ncd", 4), (2, 2));
    assert_eq!(line_col("电子\n证照", 10), (2, 2));
    assert_eq!(
        line_col("电", 1),
        (1, 1),
        "inside a character: moved back to its start"
    );
    assert_eq!(consumed_end("ab\ncd", 2, 1), 4);
    assert_eq!(consumed_end("ab\ncd", 2, 0), 3);
    assert_eq!(consumed_end("ab", 5, 9), 2, "clamped");
}

// ---------------------------------------------------------------------------
// The documentation.

#[test]
fn policy_md_shows_the_example_and_every_field() {
    assert!(
        POLICY_MD.contains(SHANGHAI.trim_end()),
        "docs/POLICY.md must show examples/data/policy-shanghai.json in full"
    );
    for field in [
        "version",
        "description",
        "region",
        "accept_regions",
        "min_trust_level",
        "max_status_age_seconds",
        "status_missing",
        "purposes",
        "default",
        "types",
        "name",
        "decision",
        "local_type",
        "reason",
    ] {
        assert!(
            POLICY_MD.contains(&format!("`{field}`")),
            "docs/POLICY.md does not explain `{field}`"
        );
    }
    for code in [
        "REGION_NOT_ACCEPTED",
        "TYPE_NOT_RECOGNISED",
        "TRUST_LEVEL_TOO_LOW",
        "PURPOSE_NOT_ACCEPTED",
        "POLICY_INVALID",
        "INPUT_TOO_LARGE",
    ] {
        assert!(
            POLICY_MD.contains(code),
            "docs/POLICY.md does not mention {code}"
        );
    }
    assert!(POLICY_MD.contains(&MAX_POLICY_BYTES.to_string()));
}

#[test]
fn require_status_defaults_to_true() {
    assert!(Policy::from_json(&base()).unwrap().require_status());
    let set = |v: &str| {
        with(
            "  \"status_missing\": \"indeterminate\",",
            &format!("  \"status_missing\": \"indeterminate\", \"require_status\": {v},"),
        )
    };
    assert!(Policy::from_json(&set("true")).unwrap().require_status());
    assert!(!Policy::from_json(&set("false")).unwrap().require_status());
    assert!(Policy::from_json(&set("null")).unwrap().require_status());
    let e = error(&set("\"no\""));
    assert_eq!(e.reason(), ReasonCode::PolicyInvalid);
    assert_eq!(e.line(), 7, "{e}");
}
