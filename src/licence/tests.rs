use super::*;

fn base() -> LicenceBuilder {
    Licence::builder()
        .type_code("11100000000013338W011")
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
        .text(2, "上海市浦东新区碧波路690号")
        .integer(4, -5)
        .date(5, NaiveDate::from_ymd_opt(1969, 12, 31).unwrap())
        .text(6, "")
        .build()
        .unwrap();
    let back = Licence::from_claims(&l.to_claims()).unwrap();
    assert_eq!(back, l);
    assert_eq!(
        back.issue_date(),
        NaiveDate::from_ymd_opt(2024, 5, 20).unwrap()
    );
    assert_eq!(back.item(4), Some(&ItemValue::Integer(-5)));
    // A date item is the integer number of days since 1970-01-01.
    assert_eq!(back.item(5), Some(&ItemValue::Integer(-1)));
    assert_eq!(back.item(1), None);
    assert_eq!(back.item(7), None);
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
    // The licence array of 7: the packed type code (bstr of 13), the serial
    // as an unsigned integer, version 1, no number, the holder with its
    // packed credit code (bstr of 12), no status index, no items.
    let mut body = vec![0x87, 0x4d];
    body.extend(hex::decode("004b4a23c4aa26a7d36846b613").unwrap());
    body.extend([0x1b, 0, 0, 0, 0x04, 0xb6, 0x65, 0xea, 0xc7]); // 20240001735
    body.extend([0x01, 0xf6, 0x83, 0x01, 0x4c]);
    body.extend(hex::decode("00a889a97243f76048aabdda").unwrap());
    body.push(0x78);
    body.push(36);
    body.extend("上海浦江智联科技有限公司".as_bytes());
    body.extend([0xf6, 0xa0]);
    assert_eq!(&c[18..], &body[..]);
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
fn items_are_a_map_sorted_by_number() {
    // Given out of order, kept and written in order of number.
    let l = base()
        .text(24, "x")
        .integer(3, 7)
        .integer(1, -1)
        .build()
        .unwrap();
    let numbers: Vec<u16> = l.items().iter().map(|i| i.number).collect();
    assert_eq!(numbers, [1, 3, 24]);
    let c = l.to_claims();
    // {1: -1, 3: 7, 24: "x"}: item 24's key needs a one-byte argument.
    assert!(c.ends_with(&[0xa3, 0x01, 0x20, 0x03, 0x07, 0x18, 0x18, 0x61, b'x']));
    // An unsorted map on the wire is accepted (FORMAT §1) and sorted.
    let mut b = good_body();
    b[6] = Value::Map(vec![
        (int(3), int(7)),
        (int(1), int(-1)),
        (int(24), Value::Text("x".into())),
    ]);
    let back = Licence::from_claims(&claims_with(Value::Array(b), vec![])).unwrap();
    assert_eq!(back.items(), l.items());
}

#[test]
fn serial_travels_as_an_integer_exactly_when_canonical() {
    assert_eq!(serial_as_integer("0"), Some(0));
    assert_eq!(serial_as_integer("20240001735"), Some(20_240_001_735));
    assert_eq!(serial_as_integer("18446744073709551615"), Some(u64::MAX));
    assert_eq!(serial_as_integer("18446744073709551616"), None);
    assert_eq!(serial_as_integer("00"), None);
    assert_eq!(serial_as_integer("0123"), None);
    assert_eq!(serial_as_integer("12A"), None);
    assert_eq!(serial_as_integer(""), None);
    for s in [
        "0",
        "1",
        "0123",
        "000000016",
        "18446744073709551615",
        "18446744073709551616",
        "A1",
        "9999999999999999999999999999999999999999999999999999999999999999",
    ] {
        let l = base().serial(s).build().unwrap();
        let back = Licence::from_claims(&l.to_claims()).unwrap();
        assert_eq!(back.serial(), s);
    }
    // On the wire: a canonical decimal as text is refused, a uint is rebuilt.
    let body = |v: Value| claims_with(Value::Array(body_with(1, v)), vec![]);
    assert_eq!(
        field_of(Licence::from_claims(&body(Value::Text("17".into()))).unwrap_err()),
        "serial"
    );
    assert_eq!(
        Licence::from_claims(&body(Value::Text("017".into())))
            .unwrap()
            .serial(),
        "017"
    );
    assert_eq!(Licence::from_claims(&body(int(17))).unwrap().serial(), "17");
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
        field_of(base().text(2, "1").integer(2, 2).build().unwrap_err()),
        "items.2"
    );
    assert_eq!(
        field_of(base().text(0, "1").build().unwrap_err()),
        "items.0"
    );
    assert_eq!(
        field_of(base().text(3, "x\u{0007}").build().unwrap_err()),
        "items.3"
    );
    assert_eq!(
        field_of(base().text(3, "x".repeat(1025)).build().unwrap_err()),
        "items.3"
    );
    assert!(base().text(3, "x".repeat(1024)).build().is_ok());
    assert_eq!(
        field_of(
            base()
                .date(5, NaiveDate::from_ymd_opt(10_000, 1, 1).unwrap())
                .build()
                .unwrap_err()
        ),
        "items.5"
    );
    assert_eq!(
        field_of(
            base()
                .date(5, NaiveDate::from_ymd_opt(0, 12, 31).unwrap())
                .build()
                .unwrap_err()
        ),
        "items.5"
    );
    let first = base()
        .date(5, NaiveDate::from_ymd_opt(1, 1, 1).unwrap())
        .build()
        .unwrap();
    assert_eq!(first.item(5), Some(&ItemValue::Integer(-719_162)));
    let mut many = base();
    for n in 1..=64 {
        many = many.integer(n, 0);
    }
    assert!(many.clone().build().is_ok());
    assert_eq!(field_of(many.integer(65, 0).build().unwrap_err()), "items");
    assert_eq!(
        field_of(base().issued_at(-1).build().unwrap_err()),
        "issued_at"
    );
    let e = base().version(0).build().unwrap_err();
    assert_eq!(e.reason(), ReasonCode::LicenceFieldInvalid);
    assert!(e.to_string().contains("`version`"), "{e}");
}

#[test]
fn date_days_conversions() {
    let d = NaiveDate::from_ymd_opt(2019, 5, 20).unwrap();
    assert_eq!(date_to_days(d), 18_036);
    assert_eq!(days_to_date(18_036), Some(d));
    assert_eq!(days_to_date(-719_162), NaiveDate::from_ymd_opt(1, 1, 1));
    assert_eq!(days_to_date(-719_163), None);
    assert_eq!(
        days_to_date(2_932_896),
        NaiveDate::from_ymd_opt(9999, 12, 31)
    );
    assert_eq!(days_to_date(2_932_897), None);
    assert_eq!(days_to_date(i64::MAX), None);
    assert_eq!(days_to_date(i64::MIN), None);
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
    // Packed, the wrong check character survives and keeps its warning.
    let back = Licence::from_claims(&l.to_claims()).unwrap();
    assert_eq!(back, l);
    assert_eq!(back.warnings(), w);
}

#[test]
fn citizen_holder() {
    let l = base()
        .citizen("王五", "13043419840726291X")
        .build()
        .unwrap();
    assert_eq!(l.holder().code.wire_kind(), 2);
    let c = l.to_claims();
    // [2, 143477618247989211, "王五"]
    let mut holder = vec![0x83, 0x02, 0x1b];
    holder.extend(143_477_618_247_989_211u64.to_be_bytes());
    holder.push(0x66);
    holder.extend("王五".as_bytes());
    assert!(c.windows(holder.len()).any(|w| w == holder), "{c:02x?}");
    assert_eq!(Licence::from_claims(&c).unwrap(), l);
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
    // Wrong arity: the version 1 array of 8 (with a type name) is refused.
    let mut short = good_body();
    short.pop();
    assert_eq!(
        Licence::from_claims(&claims_with(Value::Array(short), vec![])).unwrap_err(),
        LicenceError::Malformed("the licence array does not have 7 items".into())
    );
    let mut long = good_body();
    long.insert(1, Value::Text("营业执照".into()));
    assert_eq!(
        Licence::from_claims(&claims_with(Value::Array(long), vec![])).unwrap_err(),
        LicenceError::Malformed("the licence array does not have 7 items".into())
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
    b[4] = Value::Array(vec![
        Value::Integer(3.into()),
        Value::Bytes(vec![0; 12]),
        Value::Text("Y".into()),
    ]);
    assert_eq!(
        field_of(Licence::from_claims(&claims_with(Value::Array(b), vec![])).unwrap_err()),
        "holder.kind"
    );
    // A float as an item value: refused by the strict CBOR layer.
    let mut b = good_body();
    b[6] = Value::Map(vec![(int(1), Value::Float(1.5))]);
    assert_eq!(
        Licence::from_claims(&claims_with(Value::Array(b), vec![]))
            .unwrap_err()
            .reason(),
        ReasonCode::CborUnsupported
    );
    // A duplicate item number: refused by the strict CBOR layer.
    let mut b = good_body();
    b[6] = Value::Map(vec![
        (int(1), Value::Text("a".into())),
        (int(1), Value::Text("b".into())),
    ]);
    assert_eq!(
        Licence::from_claims(&claims_with(Value::Array(b), vec![]))
            .unwrap_err()
            .reason(),
        ReasonCode::CborDuplicateKey
    );
    // Not a map at all.
    assert_eq!(
        Licence::from_claims(&[0x80]).unwrap_err(),
        LicenceError::Malformed("the claims set is not a map".into())
    );
    // Version as a negative integer.
    let mut b = good_body();
    b[2] = Value::Integer((-1).into());
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
    let numbers: Vec<u16> = l.items().iter().map(|i| i.number).collect();
    assert_eq!(numbers, [2, 3, 4, 5, 6]);
    assert_eq!(l.item(3), Some(&ItemValue::Text("李明华".into())));
    assert_eq!(l.item(4), Some(&ItemValue::Integer(1000)));
    assert_eq!(l.item(5), Some(&ItemValue::Integer(18_036)));
    let e = LicenceSpec::from_json(r#"{"type_code":"x","oops":1}"#).unwrap_err();
    assert_eq!(e.reason(), ReasonCode::LicenceMalformed);
    assert!(e.to_string().contains("unknown field `oops`"), "{e}");
    // The JSON of a licence carries the items with their numbers.
    let json = serde_json::to_value(&l).unwrap();
    assert_eq!(
        json["items"][2],
        serde_json::json!({"number": 4, "integer": 1000})
    );
    assert_eq!(
        json["items"][0],
        serde_json::json!({"number": 2, "text": "上海市浦东新区碧波路690号"})
    );
    assert!(json.get("type_name").is_none());
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
    body_with(4, Value::Array(vec![kind, code, name]))
}

/// The body with one data item `{7: v}`.
fn body_with_item(v: Value) -> Vec<Value> {
    body_with(6, Value::Map(vec![(int(7), v)]))
}

#[test]
fn a_wrong_cbor_type_is_malformed_a_wrong_value_is_field_invalid() {
    let text = |s: &str| Value::Text(s.into());
    let bytes = |b: &[u8]| Value::Bytes(b.to_vec());
    let org = || int(1);
    let code = || bytes(&hex::decode("00a889a97243f76048aabdda").unwrap());
    let name = || text("公司");
    let type_code = |h: &str| bytes(&hex::decode(h).unwrap());
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

    // The documented packed codes decode.
    let l = Licence::from_claims(&body(body_with_holder(org(), code(), name()))).unwrap();
    assert_eq!(l.holder().code.as_str(), "91310115MA1K4LQX58");
    assert_eq!(l.type_code().as_str(), "11100000000013338W011");

    // Types (FORMAT §4: integer, text, bytes, array, map, null).
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
        body(body_with(0, text("11100000000013338W011"))),
        "type_code text (version 1)",
    );
    malformed(body(body_with(0, int(1))), "type_code integer");
    malformed(body(body_with(1, Value::Null)), "serial null");
    malformed(body(body_with(1, bytes(b"1"))), "serial bytes");
    malformed(body(body_with(2, text("1"))), "version text");
    malformed(body(body_with(3, Value::Bool(false))), "number false");
    malformed(body(body_with(4, Value::Map(vec![]))), "holder map");
    malformed(
        body(body_with_holder(text("1"), code(), name())),
        "holder.kind text",
    );
    malformed(
        body(body_with_holder(org(), Value::Null, name())),
        "holder.code null",
    );
    malformed(
        body(body_with_holder(org(), text("91310115MA1K4LQX58"), name())),
        "holder.code text (version 1)",
    );
    malformed(
        body(body_with_holder(org(), code(), int(7))),
        "holder.name integer",
    );
    malformed(body(body_with(5, text("17"))), "status_index text");
    malformed(body(body_with(6, Value::Null)), "items null");
    malformed(
        body(body_with(6, Value::Array(vec![]))),
        "items an array (version 1)",
    );
    malformed(
        body(body_with(6, Value::Map(vec![(text("address"), text("v"))]))),
        "item keyed by text",
    );
    malformed(body(body_with_item(bytes(&[1]))), "item bytes");
    malformed(body(body_with_item(Value::Null)), "item null");
    malformed(
        body(body_with_item(Value::Tag(100, Box::new(int(0))))),
        "item under tag 100 (version 1)",
    );
    malformed(body(body_with_item(Value::Array(vec![]))), "item an array");

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
    // Type code: 12 or 14 bytes, out of range, a ministry code failing MOD 31.
    invalid(
        body(body_with(0, type_code("4b4a23c4aa26a7d36846b613"))),
        "type_code",
    );
    invalid(
        body(body_with(0, type_code("00004b4a23c4aa26a7d36846b613"))),
        "type_code",
    );
    invalid(
        body(body_with(0, type_code("ffffffffffffffffffffffffff"))),
        "type_code",
    );
    invalid(
        body(body_with(0, type_code("004b4a23c4aa26a7d36846b9fb"))),
        "type_code",
    );
    // Serial: negative, a decimal as text, characters outside 0-9A-Z.
    invalid(body(body_with(1, int(-1))), "serial");
    invalid(body(body_with(1, text("20240001735"))), "serial");
    invalid(body(body_with(1, text("a1"))), "serial");
    invalid(body(body_with(1, text(""))), "serial");
    invalid(body(body_with(2, int(0))), "version");
    invalid(body(body_with(2, int(-1))), "version");
    invalid(body(body_with(2, int(70_000))), "version");
    invalid(body(body_with(3, text("\u{202e}"))), "number");
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
    // Holder code: the other kind's type, a wrong length, out of range,
    // letters in the region digits; a citizen's number with a wrong check.
    invalid(
        body(body_with_holder(
            org(),
            int(143_477_618_247_989_211),
            name(),
        )),
        "holder.code",
    );
    invalid(
        body(body_with_holder(int(2), code(), name())),
        "holder.code",
    );
    invalid(
        body(body_with_holder(org(), bytes(&[0; 11]), name())),
        "holder.code",
    );
    invalid(
        body(body_with_holder(org(), bytes(&[0xff; 12]), name())),
        "holder.code",
    );
    invalid(
        body(body_with_holder(
            org(),
            bytes(&hex::decode("00a8ae0c2ad37aacf639f57d").unwrap()),
            name(),
        )),
        "holder.code",
    );
    invalid(
        body(body_with_holder(
            int(2),
            int(143_477_618_247_989_210),
            name(),
        )),
        "holder.code",
    );
    invalid(
        body(body_with_holder(int(2), int(-1), name())),
        "holder.code",
    );
    invalid(
        body(body_with_holder(int(2), int(u64::MAX.into()), name())),
        "holder.code",
    );
    invalid(
        body(body_with_holder(org(), code(), text(" "))),
        "holder.name",
    );
    invalid(body(body_with(5, int(-1))), "status_index");
    // Items: number 0, negative, above 65535; a text breaking the display
    // rules or too long; an integer outside 64-bit signed; more than 64.
    invalid(
        body(body_with(6, Value::Map(vec![(int(0), int(1))]))),
        "items.0",
    );
    invalid(
        body(body_with(6, Value::Map(vec![(int(-1), int(1))]))),
        "items.-1",
    );
    invalid(
        body(body_with(6, Value::Map(vec![(int(65_536), int(1))]))),
        "items.65536",
    );
    invalid(body(body_with_item(text("\u{0007}"))), "items.7");
    invalid(body(body_with_item(text("\u{2066}"))), "items.7");
    invalid(body(body_with_item(int(u64::MAX.into()))), "items.7");
    invalid(body(body_with_item(int(-(1 << 64)))), "items.7");
    invalid(
        body(body_with(
            6,
            Value::Map((1..=65).map(|n| (int(n), int(0))).collect()),
        )),
        "items",
    );
    // The extremes of an item integer are values, not faults.
    for n in [i128::from(i64::MIN), i128::from(i64::MAX)] {
        let l = Licence::from_claims(&body(body_with_item(int(n)))).unwrap();
        assert_eq!(l.item(7), Some(&ItemValue::Integer(n as i64)));
    }

    // Both kinds of fault: the type decides, wherever it is.
    malformed(
        claims_at(int(-1), iat_ok(), good_body(), vec![(int(99), int(0))]),
        "negative nbf, then an unknown claim",
    );
    let mut b = body_with(2, int(0));
    b[6] = Value::Map(vec![(int(1), Value::Bytes(vec![]))]);
    malformed(body(b), "version 0, then a bytes item");
    malformed(
        claims_at(
            int(1_558_281_601),
            iat_ok(),
            body_with_holder(int(3), code(), int(0)),
            vec![],
        ),
        "nbf off midnight, holder kind 3, then a holder name that is an integer",
    );
    let mut b = body_with_item(int(u64::MAX.into()));
    b[1] = Value::Null;
    malformed(body(b), "an item out of range after a serial that is null");
    let mut b = body_with(0, type_code("ffffffffffffffffffffffffff"));
    b[6] = Value::Map(vec![(int(1), Value::Null)]);
    malformed(body(b), "a type code out of range, then a null item");
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

#[test]
fn spec_items_have_exactly_one_value() {
    let spec = |items: &str| {
        LicenceSpec::from_json(&format!(
            r#"{{"type_code":"11100000000013338W011","serial":"1","version":1,
                "holder":{{"kind":"organisation","name":"公司","code":"91310115MA1K4LQX58"}},
                "valid_from":"2019-05-20","items":[{items}]}}"#
        ))
    };
    let l = spec(r#"{"number":5,"date":"2019-05-20"},{"number":2,"text":"x"}"#)
        .unwrap()
        .to_licence(1_716_170_400)
        .unwrap();
    assert_eq!(l.item(5), Some(&ItemValue::Integer(18_036)));
    // The JSON form round-trips.
    let sample =
        LicenceSpec::from_json(include_str!("../../examples/data/business-licence.json")).unwrap();
    let json = serde_json::to_string(&sample).unwrap();
    assert!(
        json.contains(r#"{"key":"established","date":"2019-05-20"}"#),
        "{json}"
    );
    assert_eq!(LicenceSpec::from_json(&json).unwrap(), sample);
    for bad in [
        r#"{"number":2}"#,
        r#"{"number":2,"text":"a","integer":3}"#,
        r#"{"number":2,"colour":"red"}"#,
        r#"{"text":"a"}"#,
        r#"{"number":70000,"text":"a"}"#,
        r#"{"number":5,"date":"2019-02-30"}"#,
    ] {
        let e = spec(bad).unwrap_err();
        assert_eq!(e.reason(), ReasonCode::LicenceMalformed, "{bad}: {e}");
    }
    // Version 1 JSON (type name, keyed attributes) is refused by name.
    let e = LicenceSpec::from_json(r#"{"type_name":"营业执照"}"#).unwrap_err();
    assert!(e.to_string().contains("unknown field `type_name`"), "{e}");
}
