//! The eleven example licences of examples/data (the reference business
//! licence and ten others of different types): each follows its type in the
//! built-in national catalogue, is signed with Ed25519 and with SM2, and
//! fits the QR version the README reports. Run with `--nocapture` to print
//! the README's table.

mod common;

use common::region_with;
use elicense::alg::Algorithm;
use elicense::catalogue::CatalogueSet;
use elicense::envelope::to_qr_text;
use elicense::identifiers::RegionCode;
use elicense::licence::LicenceSpec;
use elicense::qr::{EccLevel, QrCode};

/// (file, QR version at ECC Q with Ed25519 — deterministic signatures).
const EXAMPLES: [(&str, u8); 11] = [
    ("business-licence", 13),
    ("food-business-permit", 15),
    ("road-transport-permit", 15),
    ("lawyer-practising-certificate", 12),
    ("physician-practising-certificate", 13),
    ("residence-permit", 13),
    ("drug-distribution-permit", 16),
    ("individual-business-licence", 13),
    ("public-place-hygiene-permit", 14),
    ("real-estate-title-certificate", 18),
    ("tobacco-retail-licence", 14),
];

fn spec(name: &str) -> LicenceSpec {
    let path = format!("{}/examples/data/{name}.json", env!("CARGO_MANIFEST_DIR"));
    LicenceSpec::from_json(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

#[test]
fn every_example_follows_its_catalogue_type_and_fits_its_qr_version() {
    let catalogues = CatalogueSet::national();
    let shanghai = RegionCode::parse("310000").unwrap();
    let authority = ["11310000MB2F31727A"];
    let ed = region_with(
        "310000",
        7,
        &authority,
        Algorithm::EdDsa,
        &[Algorithm::EdDsa],
    );
    let sm = region_with(
        "310000",
        8,
        &authority,
        Algorithm::Sm2Sm3,
        &[Algorithm::Sm2Sm3],
    );
    let qr_of = |licence: &elicense::Licence, r: &common::Region| {
        let a = &r.authorities[0];
        let text = to_qr_text(
            licence
                .sign(&common::signer(&a.cert, &a.key))
                .unwrap()
                .cose(),
        );
        let version = QrCode::encode(&text, EccLevel::Q).unwrap().version();
        (text.len(), version)
    };
    let mut table = String::from(
        "| licence | type | characters (Ed25519) | version at Q (Ed25519) | version at Q (SM2) |\n\
         |---|---|---:|---:|---:|\n",
    );
    let mut versions = Vec::new();
    for (name, expected) in EXAMPLES {
        let licence = spec(name).to_licence(1_716_170_400).unwrap();
        let checked = catalogues
            .check(licence.type_code(), &shanghai, licence.items())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let (ed_chars, ed_v) = qr_of(&licence, &ed);
        let (_, sm_v) = qr_of(&licence, &sm);
        table.push_str(&format!(
            "| {name} | {} | {ed_chars} | {ed_v} | {sm_v} |\n",
            checked.licence_type().name().zh
        ));
        versions.push((name, expected, ed_v, sm_v));
    }
    println!("{table}");
    for (name, expected, ed_v, sm_v) in versions {
        assert_eq!(ed_v, expected, "{name}");
        // An SM2 signature is random, and so is its compressed size by a
        // few bits.
        assert!(sm_v <= expected + 1, "{name}: SM2 version {sm_v}");
        if name == "business-licence" {
            assert!(
                ed_v <= 13 && sm_v <= 13,
                "the reference sample: {ed_v}, {sm_v}"
            );
        }
    }
}

#[test]
fn keys_and_labels_resolve_to_the_numbers_and_values_of_the_catalogue() {
    let by_key = spec("business-licence").to_licence(0).unwrap();
    let by_number = LicenceSpec::from_json(
        r#"{"type_code":"11100000000013338W011","serial":"20240001735","version":1,
            "holder":{"kind":"organisation","name":"上海浦江智联科技有限公司","code":"91310115MA1K4LQX58"},
            "valid_from":"2019-05-20","status_index":17,
            "items":[{"number":2,"text":"上海市浦东新区碧波路690号"},{"number":3,"text":"李明华"},
                     {"number":4,"integer":1000},{"number":5,"date":"2019-05-20"},
                     {"number":6,"text":"软件开发；信息技术咨询服务；技术服务、技术开发"}]}"#,
    )
    .unwrap()
    .to_licence(0)
    .unwrap();
    assert_eq!(by_key.to_claims(), by_number.to_claims());
    // A label in either language is the enumeration's value.
    let lawyer = spec("lawyer-practising-certificate").to_licence(0).unwrap();
    assert_eq!(
        lawyer.item(1),
        Some(&elicense::licence::ItemValue::Integer(1))
    );
    let mut english = spec("lawyer-practising-certificate");
    let json = serde_json::to_string(&english)
        .unwrap()
        .replace("\"男\"", "\"Male\"");
    english = LicenceSpec::from_json(&json).unwrap();
    assert_eq!(
        english.to_licence(0).unwrap().to_claims(),
        lawyer.to_claims()
    );
}

#[test]
fn keys_and_labels_the_catalogue_does_not_define_are_refused_by_name() {
    let with = |items: &str| {
        let json = serde_json::to_string(&spec("business-licence")).unwrap();
        let start = json.find("\"items\":").unwrap();
        LicenceSpec::from_json(&format!("{}\"items\":[{items}]}}", &json[..start]))
            .unwrap()
            .to_licence(0)
            .unwrap_err()
    };
    let e = with(r#"{"key":"colour","text":"红"}"#);
    assert_eq!(e.reason(), elicense::ReasonCode::LicenceFieldInvalid);
    assert!(e.to_string().contains("defines no item `colour`"), "{e}");
    let e = with(r#"{"key":"entity_type","label":"合作社"}"#);
    assert!(
        e.to_string().contains("`合作社` is not one of its labels"),
        "{e}"
    );
    let e = with(r#"{"key":"address","label":"有限责任公司"}"#);
    assert!(e.to_string().contains("only for an enumeration"), "{e}");
    // A type outside the catalogue can still be issued by number, not by key.
    let json = serde_json::to_string(&spec("business-licence"))
        .unwrap()
        .replace("11100000000013338W011", "11100000000013338W999");
    let e = LicenceSpec::from_json(&json)
        .unwrap()
        .to_licence(0)
        .unwrap_err();
    assert!(e.to_string().contains("needs the licence type"), "{e}");
}
