//! `elicense catalogue build|inspect` and catalogues in trust bundles:
//! the built-in national catalogue, signing by the federation root and by a
//! region root, refusals with their reason codes, and `bundle build|update
//! --catalogue` with rollback.

mod common;

use std::fs;

use common::{ok, run, World};

/// A type whose ministry credit code was registered in Guangdong (440000).
const GD_TYPE: &str = "114400000071412812001";

fn national_json() -> String {
    concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../data/catalogue/national.json"
    )
    .to_owned()
}

/// A region extension's JSON: one type `code`, version `version`, its post
/// item named `post`, and `items` added to its two items.
fn extension(publisher: &str, version: u64, code: &str, post: &str, items: &str) -> String {
    format!(
        r#"{{"publisher": "{publisher}", "version": {version},
  "types": [{{"code": "{code}", "name": {{"zh": "广东省港澳台居民就业证", "en": "Guangdong employment permit"}},
    "items": [
      {{"number": 1, "key": "employer", "name": {{"zh": "用人单位", "en": "Employer"}}, "type": "text", "max_length": 64, "required": true, "order": 1}},
      {{"number": 2, "key": "post", "name": {{"zh": "{post}", "en": "Post"}}, "type": "enumeration",
        "labels": [{{"value": 1, "zh": "管理", "en": "Management"}}, {{"value": 2, "zh": "技术", "en": "Technical"}}], "required": false, "order": 2}}{items}]}}]}}"#
    )
}

/// `catalogue build SPEC --key DIR/KEY --cert DIR/CERT --out OUT` and `extra`.
fn build(w: &World, spec: &str, signer: &str, out: &str, extra: &[&str]) -> common::Run {
    let (key, cert) = if signer == "fed" {
        (
            w.s("fed/federation.key.pem"),
            w.s("fed/federation.cert.pem"),
        )
    } else {
        (
            w.s(&format!("{signer}/root.key.pem")),
            w.s(&format!("{signer}/root.cert.pem")),
        )
    };
    let out = w.s(out);
    let mut args = vec![
        "catalogue",
        "build",
        spec,
        "--key",
        &key,
        "--cert",
        &cert,
        "--out",
        &out,
    ];
    args.extend_from_slice(extra);
    run(args)
}

/// Writes `text` to the file `name` of the world and returns its path.
fn write(w: &World, name: &str, text: &str) -> String {
    fs::write(w.path(name), text).unwrap();
    w.s(name)
}

#[test]
fn inspect_shows_the_built_in_catalogue_in_chinese_and_english() {
    let r = ok(&["catalogue", "inspect"]);
    for line in [
        "证照目录 Licence catalogue",
        "发布者 Publisher: 全国（联盟） / the federation (national)",
        "来源 Source: 内置目录 the catalogue built into elicense (not signed)",
        "证照类型 Licence types: 13",
        "营业执照 Business licence (11100000000013338W011)",
        "  4 | capital | 注册资本 / Registered capital | 整数（万元） / integer (万元; × 10000 in yuan) | 否 no",
        "  3 | legal_rep | 法定代表人 / Legal representative | 文本（至多64字） / text (at most 64 characters) | 是 yes",
        "      1 = 有限责任公司 / Limited liability company",
        "食品经营许可证 Food business permit (11100000000013338W009)",
        "律师执业证 Lawyer's practising certificate (11100000000014239H003)",
        "  2 | identity_number | 身份证号 / Resident identity number | 代码（公民身份号码校验） / code (GB 11643 identity number) | 是 yes",
    ] {
        assert!(r.stdout.contains(line), "{line}\n{r}");
    }
    let j = ok(&["catalogue", "inspect", "--json"]).json();
    assert_eq!(j["source"], "built-in");
    assert_eq!(j["publisher"], "federation");
    assert_eq!(j["version"], 1);
    let types = j["types"].as_array().unwrap();
    assert_eq!(types.len(), 13);
    assert_eq!(types[0]["code"], "11100000000013338W011");
    // Items in display order.
    let keys: Vec<&str> = types[0]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        [
            "entity_type",
            "legal_rep",
            "capital",
            "established",
            "address",
            "scope"
        ]
    );
    assert_eq!(
        types[0]["items"][2]["unit"],
        serde_json::json!({"zh": "万元", "en": "yuan", "scale": 10000})
    );
    // --root needs a signed file.
    run(["catalogue", "inspect", "--root", "x.pem"]).assert_error("INVALID_ARGUMENT");
}

#[test]
fn catalogues_are_signed_by_the_right_root_and_inspected() {
    let w = World::new();
    // The national catalogue, signed by the federation root.
    let now = w.now.to_string();
    // The time of issue must lie within the signer's validity.
    let r = build(
        &w,
        &national_json(),
        "fed",
        "national.cat",
        &["--issued-at", "2026-01-01"],
    );
    r.assert_error("CERT_NOT_YET_VALID");
    assert!(r.stderr.contains("give --issued-at"), "{r}");
    // By default it is now, whatever the JSON says (2026-01-01 there).
    let j = build(&w, &national_json(), "fed", "national.cat", &["--json"])
        .assert_ok()
        .json();
    assert_eq!(j["publisher"], "federation");
    assert_eq!(j["types"].as_array().unwrap().len(), 13);
    assert!(j["bytes"].as_u64().unwrap() > 5000, "{j}");
    let issued = j["issued_at"].as_i64().unwrap();
    assert!((w.now..w.now + 600).contains(&issued), "{j}");
    let fed = w.anchor();
    let r = ok(&["catalogue", "inspect", &w.s("national.cat"), "--root", &fed]);
    assert!(
        r.stdout
            .contains("来源 Source: 签名已验证 signature verified (kid "),
        "{r}"
    );
    let r = ok(&["catalogue", "inspect", &w.s("national.cat")]);
    assert!(r.stdout.contains("signature NOT verified"), "{r}");
    let j = ok(&["catalogue", "inspect", &w.s("national.cat"), "--json"]).json();
    assert_eq!(j["source"], "not verified");

    // Guangdong's extension, signed by Guangdong's root.
    let spec = write(
        &w,
        "gd.json",
        &extension("440000", 1, GD_TYPE, "岗位类别", ""),
    );
    let r = build(&w, &spec, "gd", "gd-1.cat", &["--issued-at", &now]).assert_ok();
    assert!(
        r.stdout
            .contains("已签署证照目录 Signed the licence catalogue of region 440000"),
        "{r}"
    );
    assert!(
        r.stdout.contains(&format!(
            "    {GD_TYPE} 广东省港澳台居民就业证 / Guangdong employment permit (2 items)"
        )),
        "{r}"
    );
    let gd_root = w.s("gd/root.cert.pem");
    let j = ok(&[
        "catalogue",
        "inspect",
        &w.s("gd-1.cat"),
        "--root",
        &gd_root,
        "--json",
    ])
    .json();
    assert_eq!(j["source"], "verified");
    assert_eq!(j["publisher"], "440000");
    assert_eq!(j["issued_at"], w.now);
    // The JSON form inspects too.
    let j = ok(&["catalogue", "inspect", &spec, "--json"]).json();
    assert_eq!(j["source"], "json");

    // Wrong signers.
    build(&w, &spec, "sh", "x.cat", &[]).assert_error("CATALOGUE_SIGNER_INVALID");
    build(&w, &spec, "fed", "x.cat", &[]).assert_error("CATALOGUE_SIGNER_INVALID");
    build(&w, &national_json(), "gd", "x.cat", &[]).assert_error("CATALOGUE_SIGNER_INVALID");
    assert!(!w.path("x.cat").exists());
    let sh_root = w.s("sh/root.cert.pem");
    run(["catalogue", "inspect", &w.s("gd-1.cat"), "--root", &sh_root])
        .assert_error("CATALOGUE_SIGNER_INVALID");
    run([
        "catalogue",
        "inspect",
        &w.s("national.cat"),
        "--root",
        &gd_root,
    ])
    .assert_error("CATALOGUE_SIGNER_INVALID");
    // A key that is not the certificate's.
    let (key, cert, out) = (
        w.s("sh/root.key.pem"),
        w.s("gd/root.cert.pem"),
        w.s("x.cat"),
    );
    run([
        "catalogue",
        "build",
        &spec,
        "--key",
        &key,
        "--cert",
        &cert,
        "--out",
        &out,
    ])
    .assert_error("KEY_INVALID");
    // Another artifact where a catalogue is expected.
    run(["catalogue", "inspect", &w.s("federation.tl")]).assert_error("COSE_TYP_MISMATCH");
}

#[test]
fn bad_catalogues_are_refused_with_their_codes() {
    let w = World::new();
    let twice = r#", {"number": 1, "key": "again", "name": {"zh": "再", "en": "Again"}, "type": "date", "required": false, "order": 3}"#;
    let money = r#", {"number": 3, "key": "pay", "name": {"zh": "工资", "en": "Pay"}, "type": "money", "required": false, "order": 3}"#;
    let bidi = r#", {"number": 3, "key": "pay", "name": {"zh": "工\u202e资", "en": "Pay"}, "type": "date", "required": false, "order": 3}"#;
    for (name, spec, code) in [
        (
            "dup.json",
            extension("440000", 1, GD_TYPE, "岗位", twice),
            "CATALOGUE_CONFLICT",
        ),
        (
            "money.json",
            extension("440000", 1, GD_TYPE, "岗位", money),
            "CATALOGUE_VALUE_TYPE_UNKNOWN",
        ),
        (
            "bidi.json",
            extension("440000", 1, GD_TYPE, "岗位", bidi),
            "CATALOGUE_MALFORMED",
        ),
        (
            "empty.json",
            extension("440000", 1, GD_TYPE, "", ""),
            "CATALOGUE_MALFORMED",
        ),
        // Shanghai defining a Guangdong ministry's type.
        (
            "outside.json",
            extension("310000", 1, GD_TYPE, "岗位", ""),
            "CREDIT_CODE_REGION_MISMATCH",
        ),
        // Guangdong redefining the national business licence.
        (
            "national.json",
            extension("440000", 1, "11100000000013338W011", "岗位", ""),
            "CATALOGUE_NATIONAL_TYPE_REDEFINED",
        ),
    ] {
        let spec = write(&w, name, &spec);
        let signer = if name == "outside.json" { "sh" } else { "gd" };
        build(&w, &spec, signer, "x.cat", &[]).assert_error(code);
        // With --json the error is JSON with the same code.
        let r = build(&w, &spec, signer, "x.cat", &["--json"]);
        r.assert_error(code);
        assert_eq!(r.stderr_json()["reason"], code);
    }
    let r = build(
        &w,
        &write(&w, "bad.json", "{\"publisher\": "),
        "gd",
        "x.cat",
        &[],
    );
    r.assert_error("CATALOGUE_MALFORMED");
    assert!(!w.path("x.cat").exists());
}

#[test]
fn bundles_carry_catalogues_with_rollback_refused() {
    let w = World::new();
    // A bundle without catalogues uses the built-in one.
    w.build(&[]);
    let r = w.inspect(&[]).assert_ok();
    assert!(
        r.stdout.contains("Licence catalogue (证照目录): national version 1, 13 types (built into elicense; the bundle carries none)"),
        "{r}"
    );
    let j = w.inspect(&["--json"]).assert_ok().json();
    assert_eq!(j["catalogues"]["national"]["signed"], false);

    build(&w, &national_json(), "fed", "national.cat", &[]).assert_ok();
    for v in 1..=3 {
        let spec = write(
            &w,
            &format!("gd-{v}.json"),
            &extension("440000", v, GD_TYPE, &format!("岗位{v}"), ""),
        );
        build(&w, &spec, "gd", &format!("gd-{v}.cat"), &[]).assert_ok();
    }
    let (national, gd2) = (w.s("national.cat"), w.s("gd-2.cat"));
    w.build_from(
        "federation.tl",
        &["sh-1.tl", "gd-1.tl", "sc-1.tl"],
        &[],
        "trust.elb",
        &["--catalogue", &national, "--catalogue", &gd2],
    )
    .assert_ok();
    let j = w.inspect(&["--json"]).assert_ok().json();
    assert_eq!(j["catalogues"]["national"]["signed"], true);
    assert_eq!(j["catalogues"]["regions"][0]["publisher"], "440000");
    assert_eq!(j["catalogues"]["regions"][0]["version"], 2);
    assert_eq!(j["catalogues"]["regions"][0]["types"][0]["code"], GD_TYPE);
    let r = w.inspect(&[]).assert_ok();
    assert!(
        r.stdout
            .contains("  extension of region 440000: version 2, issued "),
        "{r}"
    );
    assert!(
        r.stdout
            .contains(&format!("types: {GD_TYPE} 广东省港澳台居民就业证")),
        "{r}"
    );

    // Two catalogues of one region in one build.
    let gd3 = w.s("gd-3.cat");
    w.build_from(
        "federation.tl",
        &["sh-1.tl", "gd-1.tl", "sc-1.tl"],
        &[],
        "other.elb",
        &["--catalogue", &gd2, "--catalogue", &gd3],
    )
    .assert_error("CATALOGUE_CONFLICT");

    // Update: an older extension is a rollback, and nothing changes.
    let (bundle, anchor) = (w.bundle(), w.anchor());
    let before = fs::read(w.path("trust.elb")).unwrap();
    let gd1 = w.s("gd-1.cat");
    run([
        "bundle",
        "update",
        &bundle,
        "--anchor",
        &anchor,
        "--catalogue",
        &gd1,
    ])
    .assert_error("CATALOGUE_ROLLBACK");
    assert_eq!(fs::read(w.path("trust.elb")).unwrap(), before);
    // Shanghai's extension with a type of a Shanghai body.
    let spec = write(
        &w,
        "gd-sh.json",
        &extension("310000", 1, "11310000MB2F31727A001", "岗位", ""),
    );
    build(&w, &spec, "sh", "sh.cat", &[]).assert_ok();
    let sh_cat = w.s("sh.cat");
    // A newer one is taken, and the change is told.
    let j = ok(&[
        "bundle",
        "update",
        &bundle,
        "--anchor",
        &anchor,
        "--catalogue",
        &gd3,
        "--catalogue",
        &sh_cat,
        "--json",
    ])
    .json();
    assert_eq!(j["changed"], true);
    let changes: Vec<&str> = j["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert!(
        changes.contains(&"licence catalogue of region 440000: version 2 → 3"),
        "{j}"
    );
    assert!(
        changes.contains(&"licence catalogue of region 310000: added, version 1"),
        "{j}"
    );
    // The same again changes nothing.
    let r = ok(&[
        "bundle",
        "update",
        &bundle,
        "--anchor",
        &anchor,
        "--catalogue",
        &gd3,
    ]);
    assert!(r.stdout.starts_with("nothing newer"), "{r}");
}
