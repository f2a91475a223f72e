use super::*;

fn base() -> LicenceBuilder {
    Licence::builder()
        .type_code("11100000000013338W011")
        .type_name("营业执照")
        .serial("20240001735")
        .version(1)
        .organisation("上海浦江智联科技有限公司", "91310115MA1K4LQX58")
        .issued_at(1_716_170_400)
        .valid_from(NaiveDate::from_ymd_opt(2019, 5, 20).unwrap())
        .long_term()
}

fn field_of(e: LicenceError) -> String {
    match e {
        LicenceError::Field { field, .. } => field,
        other => panic!("expected a field error, got {other:?}"),
    }
}

#[test]
fn claims_round_trip() {
    let l = base()
        .number("NO.1")
        .status_index(17)
        .text("address", "上海市浦东新区碧波路690号")
        .integer("capital", -5)
        .date(
            "established",
            NaiveDate::from_ymd_opt(1969, 12, 31).unwrap(),
        )
        .build()
        .unwrap();
    let back = Licence::from_claims(&l.to_claims()).unwrap();
    assert_eq!(back, l);
    assert_eq!(
        back.issue_date(),
        NaiveDate::from_ymd_opt(2024, 5, 20).unwrap()
    );
    assert_eq!(
        back.attribute("capital"),
        Some(&AttributeValue::Integer(-5))
    );
}

#[test]
fn claims_bytes_are_deterministic_and_exact() {
    let l = base().build().unwrap();
    let c = l.to_claims();
    // {5: nbf, 6: iat, -65537: [...]}: long-term, so no exp; keys in bytewise order.
    assert_eq!(&c[..2], &[0xa3, 0x05]);
    assert_eq!(&c[2..7], &[0x1a, 0x5c, 0xe1, 0x7d, 0x80]); // 2019-05-19T16:00:00Z
    assert_eq!(&c[7..9], &[0x06, 0x1a]);
    assert_eq!(&c[13..18], &[0x3a, 0x00, 0x01, 0x00, 0x00]);
    assert_eq!(c, l.to_claims());
    let with_exp = base()
        .valid_until(NaiveDate::from_ymd_opt(2039, 5, 19).unwrap())
        .build()
        .unwrap();
    let c = with_exp.to_claims();
    assert_eq!(&c[..2], &[0xa4, 0x04]);
    assert_eq!(with_exp.validity().expires(), Some(2_189_433_600)); // 2039-05-20T00:00+08:00
}

#[test]
fn builder_errors_name_the_field() {
    assert_eq!(
        field_of(Licence::builder().build().unwrap_err()),
        "type_code"
    );
    assert_eq!(
        field_of(base().type_code("X").build().unwrap_err()),
        "type_code"
    );
    assert_eq!(
        field_of(base().serial("abc").build().unwrap_err()),
        "serial"
    );
    assert_eq!(field_of(base().serial("").build().unwrap_err()), "serial");
    assert_eq!(field_of(base().version(0).build().unwrap_err()), "version");
    assert_eq!(
        field_of(base().version(1000).build().unwrap_err()),
        "version"
    );
    assert_eq!(
        field_of(base().type_name(" ").build().unwrap_err()),
        "type_name"
    );
    assert_eq!(
        field_of(
            base()
                .citizen("张三", "13043419840726291Y")
                .build()
                .unwrap_err()
        ),
        "holder.code"
    );
    assert_eq!(
        field_of(
            base()
                .organisation("公司", "91310115MA1K4LQX5")
                .build()
                .unwrap_err()
        ),
        "holder.code"
    );
    assert_eq!(
        field_of(
            base()
                .organisation("A\u{202e}B", "91310115MA1K4LQX58")
                .build()
                .unwrap_err()
        ),
        "holder.name"
    );
    assert_eq!(
        field_of(
            base()
                .valid_until(NaiveDate::from_ymd_opt(2019, 5, 19).unwrap())
                .build()
                .unwrap_err()
        ),
        "valid_until"
    );
    assert_eq!(
        field_of(base().text("a", "1").text("a", "2").build().unwrap_err()),
        "attributes[1].key"
    );
    assert_eq!(
        field_of(base().text("Bad", "1").build().unwrap_err()),
        "attributes[0].key"
    );
    assert_eq!(
        field_of(base().text("k", "x\u{0007}").build().unwrap_err()),
        "attributes[0].text"
    );
    assert_eq!(
        field_of(base().issued_at(-1).build().unwrap_err()),
        "issued_at"
    );
    let e = base().version(0).build().unwrap_err();
    assert_eq!(e.reason(), ReasonCode::LicenceFieldInvalid);
    assert!(e.to_string().contains("`version`"), "{e}");
}

#[test]
fn pilot_credit_code_is_a_warning_not_an_error() {
    let l = base()
        .organisation("厦门某公司", "91350203M0001QAY9B")
        .build()
        .unwrap();
    let w = l.warnings();
    assert_eq!(w.len(), 1);
    assert_eq!(w[0].code, ReasonCode::HolderCodeCheckFailed);
    assert_eq!(w[0].field, "holder.code");
    assert!(base().build().unwrap().warnings().is_empty());
}

#[test]
fn citizen_holder() {
    let l = base()
        .citizen("王五", "13043419840726291X")
        .build()
        .unwrap();
    assert_eq!(l.holder().code.wire_kind(), 2);
    assert_eq!(Licence::from_claims(&l.to_claims()).unwrap(), l);
}

fn encode(v: Value) -> Vec<u8> {
    cbor::encode(&v)
}

fn claims_with(body: Value, extra: Vec<(Value, Value)>) -> Vec<u8> {
    let mut m = vec![
        (
            Value::Integer(5.into()),
            Value::Integer(1_558_281_600.into()),
        ),
        (
            Value::Integer(6.into()),
            Value::Integer(1_716_170_400.into()),
        ),
        (Value::Integer(CLAIM_LICENCE.into()), body),
    ];
    m.extend(extra);
    encode(Value::Map(m))
}

fn good_body() -> Vec<Value> {
    let l = base().build().unwrap();
    match cbor::decode(&l.to_claims(), &CLAIMS_LIMITS).unwrap() {
        Value::Map(m) => match m
            .into_iter()
            .find(|(k, _)| *k == Value::Integer(CLAIM_LICENCE.into()))
        {
            Some((_, Value::Array(b))) => b,
            _ => unreachable!(),
        },
        _ => unreachable!(),
    }
}

#[test]
fn hostile_claims() {
    // Sanity: the helper builds a valid set.
    assert!(Licence::from_claims(&claims_with(Value::Array(good_body()), vec![])).is_ok());
    // Unknown claim.
    let e = Licence::from_claims(&claims_with(
        Value::Array(good_body()),
        vec![(Value::Integer(1.into()), Value::Text("iss".into()))],
    ))
    .unwrap_err();
    assert_eq!(e, LicenceError::Malformed("unknown claim 1".into()));
    // Wrong arity.
    let mut short = good_body();
    short.pop();
    assert_eq!(
        Licence::from_claims(&claims_with(Value::Array(short), vec![])).unwrap_err(),
        LicenceError::Malformed("the licence array does not have 8 items".into())
    );
    // nbf not at CST midnight.
    let bad_nbf = encode(Value::Map(vec![
        (
            Value::Integer(5.into()),
            Value::Integer(1_558_281_601.into()),
        ),
        (
            Value::Integer(6.into()),
            Value::Integer(1_716_170_400.into()),
        ),
        (
            Value::Integer(CLAIM_LICENCE.into()),
            Value::Array(good_body()),
        ),
    ]));
    assert_eq!(field_of(Licence::from_claims(&bad_nbf).unwrap_err()), "nbf");
    // Holder kind 3.
    let mut b = good_body();
    b[5] = Value::Array(vec![
        Value::Integer(3.into()),
        Value::Text("X".into()),
        Value::Text("Y".into()),
    ]);
    assert_eq!(
        field_of(Licence::from_claims(&claims_with(Value::Array(b), vec![])).unwrap_err()),
        "holder.kind"
    );
    // A float as an attribute value: refused by the strict CBOR layer.
    let mut b = good_body();
    b[7] = Value::Array(vec![Value::Array(vec![
        Value::Text("k".into()),
        Value::Float(1.5),
    ])]);
    assert_eq!(
        Licence::from_claims(&claims_with(Value::Array(b), vec![]))
            .unwrap_err()
            .reason(),
        ReasonCode::CborUnsupported
    );
    // Not a map at all.
    assert_eq!(
        Licence::from_claims(&[0x80]).unwrap_err(),
        LicenceError::Malformed("the claims set is not a map".into())
    );
    // Version as a negative integer.
    let mut b = good_body();
    b[3] = Value::Integer((-1).into());
    assert_eq!(
        field_of(Licence::from_claims(&claims_with(Value::Array(b), vec![])).unwrap_err()),
        "version"
    );
}

#[test]
fn spec_json() {
    let spec =
        LicenceSpec::from_json(include_str!("../../examples/data/business-licence.json")).unwrap();
    let l = spec.to_licence(1_716_170_400).unwrap();
    assert_eq!(l.holder().name, "上海浦江智联科技有限公司");
    assert_eq!(l.validity().until, None);
    assert_eq!(l.status_index(), Some(17));
    assert_eq!(l.attributes().len(), 5);
    let e = LicenceSpec::from_json(r#"{"type_code":"x","oops":1}"#).unwrap_err();
    assert_eq!(e.reason(), ReasonCode::LicenceMalformed);
    assert!(e.to_string().contains("unknown field `oops`"), "{e}");
}

/// Claims with `nbf`, `iat` and the body given, and `extra` claims after them.
fn claims_at(nbf: Value, iat: Value, body: Vec<Value>, extra: Vec<(Value, Value)>) -> Vec<u8> {
    let mut m = vec![
        (Value::Integer(CLAIM_NBF.into()), nbf),
        (Value::Integer(CLAIM_IAT.into()), iat),
        (Value::Integer(CLAIM_LICENCE.into()), Value::Array(body)),
    ];
    m.extend(extra);
    encode(Value::Map(m))
}

fn int(n: i128) -> Value {
    Value::Integer(n.try_into().unwrap())
}

fn nbf_ok() -> Value {
    int(1_558_281_600)
}

fn iat_ok() -> Value {
    int(1_716_170_400)
}

/// The body with item `i` replaced by `v`.
fn body_with(i: usize, v: Value) -> Vec<Value> {
    let mut b = good_body();
    b[i] = v;
    b
}

/// The body with a holder of these three items.
fn body_with_holder(kind: Value, code: Value, name: Value) -> Vec<Value> {
    body_with(5, Value::Array(vec![kind, code, name]))
}

/// The body with one attribute `["k", v]`.
fn body_with_attribute(v: Value) -> Vec<Value> {
    body_with(
        7,
        Value::Array(vec![Value::Array(vec![Value::Text("k".into()), v])]),
    )
}

fn days(v: Value) -> Value {
    Value::Tag(TAG_DAYS, Box::new(v))
}

#[test]
fn a_wrong_cbor_type_is_malformed_a_wrong_value_is_field_invalid() {
    let text = |s: &str| Value::Text(s.into());
    let org = || int(1);
    let code = || text("91310115MA1K4LQX58");
    let name = || text("公司");
    let malformed = |bytes: Vec<u8>, what: &str| {
        let e = Licence::from_claims(&bytes).unwrap_err();
        assert_eq!(e.reason(), ReasonCode::LicenceMalformed, "{what}: {e}");
        assert!(matches!(e, LicenceError::Malformed(_)), "{what}: {e:?}");
    };
    let invalid = |bytes: Vec<u8>, field: &str| {
        let e = Licence::from_claims(&bytes).unwrap_err();
        assert_eq!(e.reason(), ReasonCode::LicenceFieldInvalid, "{field}: {e}");
        assert_eq!(field_of(e), field);
    };
    let body = |b: Vec<Value>| claims_at(nbf_ok(), iat_ok(), b, vec![]);

    // Types (FORMAT §4: integer, text, array, null, tag 100 of an integer).
    malformed(
        claims_at(text("2019"), iat_ok(), good_body(), vec![]),
        "nbf text",
    );
    malformed(
        claims_at(
            Value::Tag(1, Box::new(nbf_ok())),
            iat_ok(),
            good_body(),
            vec![],
        ),
        "nbf under tag 1",
    );
    malformed(
        claims_at(nbf_ok(), Value::Null, good_body(), vec![]),
        "iat null",
    );
    malformed(
        claims_at(
            nbf_ok(),
            iat_ok(),
            good_body(),
            vec![(int(4), Value::Bool(true))],
        ),
        "exp bool",
    );
    malformed(
        claims_at(nbf_ok(), iat_ok(), good_body(), vec![(text("exp"), int(1))]),
        "text claim key",
    );
    malformed(
        claims_at(
            nbf_ok(),
            iat_ok(),
            good_body(),
            vec![(int(u64::MAX.into()), int(1))],
        ),
        "claim key 2^64 - 1",
    );
    malformed(
        body(body_with(
            0,
            Value::Bytes(b"11100000000013338W011".to_vec()),
        )),
        "type_code bytes",
    );
    malformed(body(body_with(1, Value::Null)), "type_name null");
    malformed(body(body_with(2, int(20240001735))), "serial integer");
    malformed(body(body_with(3, text("1"))), "version text");
    malformed(body(body_with(4, Value::Bool(false))), "number false");
    malformed(body(body_with(5, Value::Map(vec![]))), "holder map");
    malformed(
        body(body_with_holder(text("1"), code(), name())),
        "holder.kind text",
    );
    malformed(
        body(body_with_holder(org(), Value::Null, name())),
        "holder.code null",
    );
    malformed(
        body(body_with_holder(org(), code(), int(7))),
        "holder.name integer",
    );
    malformed(body(body_with(6, text("17"))), "status_index text");
    malformed(body(body_with(7, Value::Null)), "attributes null");
    malformed(
        body(body_with(7, Value::Array(vec![text("k")]))),
        "attribute not a pair",
    );
    malformed(
        body(body_with(
            7,
            Value::Array(vec![Value::Array(vec![int(1), text("v")])]),
        )),
        "attribute key integer",
    );
    malformed(
        body(body_with_attribute(Value::Bytes(vec![1]))),
        "attribute bytes",
    );
    malformed(body(body_with_attribute(Value::Null)), "attribute null");
    malformed(
        body(body_with_attribute(Value::Tag(1, Box::new(int(0))))),
        "attribute tag 1",
    );
    malformed(
        body(body_with_attribute(days(text("2019-05-20")))),
        "tag 100 of text",
    );

    // Values of the right type.
    invalid(
        claims_at(int(-28_800), iat_ok(), good_body(), vec![]),
        "nbf",
    );
    invalid(
        claims_at(int(u64::MAX.into()), iat_ok(), good_body(), vec![]),
        "nbf",
    );
    invalid(
        claims_at(int(1_558_281_601), iat_ok(), good_body(), vec![]),
        "nbf",
    );
    invalid(claims_at(nbf_ok(), int(-1), good_body(), vec![]), "iat");
    invalid(
        claims_at(nbf_ok(), int(u64::MAX.into()), good_body(), vec![]),
        "iat",
    );
    invalid(
        claims_at(nbf_ok(), int(253_402_300_800), good_body(), vec![]),
        "issued_at",
    );
    invalid(
        claims_at(
            nbf_ok(),
            iat_ok(),
            good_body(),
            vec![(int(4), int(-(1 << 64)))],
        ),
        "exp",
    );
    invalid(
        claims_at(
            nbf_ok(),
            iat_ok(),
            good_body(),
            vec![(int(4), int(u64::MAX.into()))],
        ),
        "exp",
    );
    invalid(
        body(body_with(0, text("11100000000013338W01"))),
        "type_code",
    );
    invalid(body(body_with(1, text(""))), "type_name");
    invalid(body(body_with(2, text("a1"))), "serial");
    invalid(body(body_with(3, int(0))), "version");
    invalid(body(body_with(3, int(-1))), "version");
    invalid(body(body_with(3, int(70_000))), "version");
    invalid(body(body_with(4, text("\u{202e}"))), "number");
    invalid(
        body(body_with_holder(int(3), code(), name())),
        "holder.kind",
    );
    invalid(
        body(body_with_holder(int(-1), code(), name())),
        "holder.kind",
    );
    invalid(
        body(body_with_holder(int(300), code(), name())),
        "holder.kind",
    );
    invalid(
        body(body_with_holder(org(), text("X"), name())),
        "holder.code",
    );
    invalid(
        body(body_with_holder(org(), code(), text(" "))),
        "holder.name",
    );
    invalid(body(body_with(6, int(-1))), "status_index");
    invalid(
        body(body_with(
            7,
            Value::Array(vec![Value::Array(vec![text("K"), text("v")])]),
        )),
        "attributes[0].key",
    );
    invalid(
        body(body_with_attribute(text("\u{0007}"))),
        "attributes[0].text",
    );
    invalid(
        body(body_with_attribute(int(u64::MAX.into()))),
        "attributes[0].integer",
    );
    invalid(
        body(body_with_attribute(int(-(1 << 64)))),
        "attributes[0].integer",
    );
    invalid(
        body(body_with_attribute(days(int(u64::MAX.into())))),
        "attributes[0].date",
    );
    invalid(
        body(body_with_attribute(days(int(-(1 << 64))))),
        "attributes[0].date",
    );
    invalid(
        body(body_with_attribute(days(int(2_932_897)))),
        "attributes[0].date",
    );

    // Both kinds of fault: the type decides, wherever it is.
    malformed(
        claims_at(int(-1), iat_ok(), good_body(), vec![(int(99), int(0))]),
        "negative nbf, then an unknown claim",
    );
    let mut b = body_with(3, int(0));
    b[7] = Value::Array(vec![Value::Array(vec![text("k"), Value::Bytes(vec![])])]);
    malformed(body(b), "version 0, then a bytes attribute");
    malformed(
        claims_at(
            int(1_558_281_601),
            iat_ok(),
            body_with_holder(int(3), code(), int(0)),
            vec![],
        ),
        "nbf off midnight, holder kind 3, then a holder name that is an integer",
    );
    let mut b = body_with_attribute(int(u64::MAX.into()));
    b[1] = int(1);
    malformed(
        body(b),
        "an attribute out of range after a type name that is an integer",
    );
}

#[test]
fn validity_dates_from_1970_01_02_to_9998_12_31() {
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    assert_eq!(first_valid_date(), day(1970, 1, 2));
    assert_eq!(last_valid_date(), day(9998, 12, 31));
    // The extremes round-trip; nbf of 1970-01-02 is 57600.
    let l = base()
        .valid_from(day(1970, 1, 2))
        .valid_until(day(9998, 12, 31))
        .build()
        .unwrap();
    assert_eq!(l.validity().not_before(), 57_600);
    assert_eq!(l.validity().expires(), Some(253_370_736_000)); // 9999-01-01T00:00+08:00
    assert_eq!(Licence::from_claims(&l.to_claims()).unwrap(), l);
    let l = base().valid_from(day(9998, 12, 31)).build().unwrap();
    assert_eq!(Licence::from_claims(&l.to_claims()).unwrap(), l);
    // One day beyond either end is refused by the builder, so nothing it
    // builds is refused by the decoder.
    let e = base().valid_from(day(1970, 1, 1)).build().unwrap_err();
    assert_eq!(e.reason(), ReasonCode::LicenceFieldInvalid);
    assert_eq!(field_of(e), "valid_from");
    assert_eq!(
        field_of(base().valid_until(day(9999, 1, 1)).build().unwrap_err()),
        "valid_until"
    );
    assert_eq!(
        field_of(base().valid_from(day(1969, 12, 31)).build().unwrap_err()),
        "valid_from"
    );
    // On the wire: 00:00 CST of 1970-01-01 is −28800, not an unsigned nbf;
    // 00:00 CST of 9999-01-01 as nbf is a CST midnight in year 9999.
    assert_eq!(
        field_of(
            Licence::from_claims(&claims_at(int(-28_800), iat_ok(), good_body(), vec![]))
                .unwrap_err()
        ),
        "nbf"
    );
    assert_eq!(
        field_of(
            Licence::from_claims(&claims_at(
                int(253_370_736_000),
                iat_ok(),
                good_body(),
                vec![]
            ))
            .unwrap_err()
        ),
        "valid_from"
    );
    // exp of 9999-01-02 00:00 CST: the last day would be 9999-01-01.
    assert_eq!(
        field_of(
            Licence::from_claims(&claims_at(
                nbf_ok(),
                iat_ok(),
                good_body(),
                vec![(int(4), int(253_370_822_400))]
            ))
            .unwrap_err()
        ),
        "valid_until"
    );
}
