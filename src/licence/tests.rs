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
