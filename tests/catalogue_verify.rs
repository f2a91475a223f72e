//! The `CATALOGUE` check of a verification (docs/FORMAT.md §6, §19): a
//! licence signed by a genuine authority whose items do not follow its
//! type's catalogue entry is refused with `LICENCE_FIELD_INVALID`; a type
//! no catalogue held defines is `LICENCE_TYPE_UNKNOWN` (INDETERMINATE); a
//! region's local type counts only for licences signed under that region's
//! root.

mod common;

use chrono::NaiveDate;
use common::{region, signer, Region, NOW};
use elicense::catalogue::{
    Catalogue, CatalogueSet, ItemDefinition, LicenceType, Names, Publisher, ValueType,
};
use elicense::licence::{ItemValue, Licence, LicenceBuilder};
use elicense::verify::{Category, CheckKind, Outcome, Report, TrustStore, Verifier};
use elicense::{ReasonCode, UnixTime, Verdict};

const SHANGHAI_AUTHORITY: &str = "11310000MB2F31727A";
const GUANGDONG_AUTHORITY: &str = "114400000073356321";
/// A Shanghai type: the ministry credit code of a body registered in 310000.
const SHANGHAI_TYPE: &str = "11310000MB2F31727A001";

fn base(type_code: &str) -> LicenceBuilder {
    Licence::builder()
        .type_code(type_code)
        .serial("20240001735")
        .version(1)
        .organisation("上海浦江智联科技有限公司", "91310115MA1K4LQX58")
        .issued_at(NOW - 86_400)
        .valid_from(NaiveDate::from_ymd_opt(2019, 5, 20).unwrap())
        .long_term()
        .status_index(17)
}

/// The reference sample's items (business licence), with item `n` given
/// `value` instead (or left out when `value` is `None`).
fn business_with(n: u16, value: Option<ItemValue>) -> LicenceBuilder {
    let items = [
        (2, ItemValue::Text("上海市浦东新区碧波路690号".into())),
        (3, ItemValue::Text("李明华".into())),
        (4, ItemValue::Integer(1000)),
        (5, ItemValue::Integer(18_036)),
        (6, ItemValue::Text("软件开发".into())),
    ];
    let mut b = base("11100000000013338W011");
    for (number, v) in items {
        if number != n {
            b = b.item(number, v);
        }
    }
    match value {
        Some(v) => b.item(n, v),
        None => b,
    }
}

fn business() -> LicenceBuilder {
    business_with(0, None)
}

fn verify(r: &Region, verifier: &Verifier, b: LicenceBuilder) -> Report {
    let a = &r.authorities[0];
    let qr = b
        .build()
        .unwrap()
        .sign(&signer(&a.cert, &a.key))
        .unwrap()
        .qr_text();
    verifier.verify_qr(&qr, UnixTime::from_secs(NOW))
}

fn verifier_of(r: &Region) -> Verifier {
    let certs = r.authorities.iter().map(|a| a.cert.clone()).collect();
    Verifier::new(TrustStore::new(vec![r.root.clone()], certs).unwrap())
}

fn catalogue_check(report: &Report) -> (Outcome, ReasonCode, String) {
    let c = report
        .check(CheckKind::Catalogue)
        .expect("a CATALOGUE check");
    (c.outcome, c.reason, c.detail.to_string())
}

#[test]
fn items_that_break_their_type_are_refused_after_a_genuine_signature() {
    let sh = region("310000", 1, &[SHANGHAI_AUTHORITY]);
    let v = verifier_of(&sh);
    let ok = verify(&sh, &v, business());
    assert_eq!(ok.verdict, Verdict::Valid, "{}", ok.to_text());
    assert_eq!(catalogue_check(&ok).0, Outcome::Pass);

    let cases: [(&str, LicenceBuilder, &str); 5] = [
        (
            "an item the type does not define",
            business().text(9, "红色"),
            "item 9",
        ),
        (
            "an amount carried as text",
            business_with(4, Some(ItemValue::Text("1000万元".into()))),
            "must be carried as an integer",
        ),
        (
            "a date out of its years",
            business_with(5, Some(ItemValue::Integer(-40_000))),
            "not a date",
        ),
        (
            "an enumeration value without a label",
            business_with(1, Some(ItemValue::Integer(99))),
            "not a value of the enumeration",
        ),
        (
            "a required item missing",
            business_with(3, None),
            "required",
        ),
    ];
    for (what, b, needle) in cases {
        let r = verify(&sh, &v, b);
        assert_eq!(r.verdict, Verdict::Invalid, "{what}: {}", r.to_text());
        assert_eq!(r.reason, ReasonCode::LicenceFieldInvalid, "{what}");
        let (outcome, reason, detail) = catalogue_check(&r);
        assert_eq!(
            (outcome, reason),
            (Outcome::Fail, ReasonCode::LicenceFieldInvalid),
            "{what}"
        );
        assert!(detail.contains(needle), "{what}: {detail}");
        // The signature and the certificate passed: only then are the items judged.
        assert_eq!(
            r.check(CheckKind::Certificate).unwrap().outcome,
            Outcome::Pass
        );
        assert_eq!(
            r.check(CheckKind::Validity).unwrap().outcome,
            Outcome::Skipped
        );
        // No typed items are shown for a licence that does not follow its type.
        assert!(r.licence.as_ref().unwrap().catalogue.is_none(), "{what}");
    }
}

#[test]
fn a_type_no_catalogue_defines_is_indeterminate() {
    let sh = region("310000", 2, &[SHANGHAI_AUTHORITY]);
    let r = verify(
        &sh,
        &verifier_of(&sh),
        base("11100000000013338W999").text(1, "x"),
    );
    assert_eq!(r.verdict, Verdict::Indeterminate, "{}", r.to_text());
    assert_eq!(r.category, Category::CannotTell);
    let (outcome, reason, detail) = catalogue_check(&r);
    assert_eq!(
        (outcome, reason),
        (Outcome::Indeterminate, ReasonCode::LicenceTypeUnknown)
    );
    assert!(detail.contains("11100000000013338W999"), "{detail}");
}

fn shanghai_extension() -> Catalogue {
    let item = ItemDefinition {
        number: 1,
        key: "venue".into(),
        name: Names::new("经营场所", "Premises"),
        value_type: ValueType::Text { max_len: 200 },
        required: true,
        order: 10,
    };
    let t = LicenceType::new(
        SHANGHAI_TYPE.parse().unwrap(),
        Names::new(
            "上海市演出场所备案证明",
            "Shanghai performance venue record",
        ),
        vec![item],
    )
    .unwrap();
    Catalogue::new(
        Publisher::Region("310000".parse().unwrap()),
        1,
        NOW - 86_400 * 30,
        vec![t],
    )
    .unwrap()
}

#[test]
fn a_local_type_counts_only_under_its_own_regions_root() {
    let mut set = CatalogueSet::national();
    set.add_region(shanghai_extension()).unwrap();
    let local = || base(SHANGHAI_TYPE).text(1, "上海市黄浦区福州路701号");

    let sh = region("310000", 3, &[SHANGHAI_AUTHORITY]);
    let v = verifier_of(&sh).with_catalogues(set.clone());
    let r = verify(&sh, &v, local());
    assert_eq!(r.verdict, Verdict::Valid, "{}", r.to_text());
    let named = r.licence.as_ref().unwrap().catalogue.as_ref().unwrap();
    assert_eq!(named.licence_type().name().zh, "上海市演出场所备案证明");
    assert!(r
        .render(elicense::Lang::Zh)
        .contains("  经营场所：上海市黄浦区福州路701号\n"));
    // Without the extension (the built-in national catalogue only), the
    // same genuine licence cannot be judged.
    let r = verify(&sh, &verifier_of(&sh), local());
    assert_eq!(
        (r.verdict, r.reason),
        (Verdict::Indeterminate, ReasonCode::LicenceTypeUnknown)
    );

    // A Guangdong authority signing Shanghai's local type: Shanghai's
    // extension does not speak for licences under Guangdong's root.
    let gd = region("440000", 4, &[GUANGDONG_AUTHORITY]);
    let v = verifier_of(&gd).with_catalogues(set);
    let r = verify(&gd, &v, local());
    assert_eq!(
        (r.verdict, r.reason),
        (Verdict::Indeterminate, ReasonCode::LicenceTypeUnknown),
        "{}",
        r.to_text()
    );
    assert!(
        catalogue_check(&r).2.contains("region 310000"),
        "{}",
        r.to_text()
    );
}
