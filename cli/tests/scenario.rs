//! Cross-region mutual recognition, end to end through the `elicense`
//! binary (the same scenario as the library's tests/scenario.rs): a
//! federation of Shanghai (310000), Guangdong (440000) and Sichuan (510000),
//! two authorities each, issuer registries, status lists, trust bundles and
//! Shanghai's recognition policy. Every step runs the built program in a
//! temporary directory and checks its exact exit status and, where the
//! output is data, the reason codes in its JSON.

mod common;

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

use common::*;

/// Shanghai's authority 0 issues the national business licence to
/// sh.txt without a registry (so with no status index).
fn issue_without_registry(w: &World) -> Run {
    w.issue_with(
        "sh0",
        &["--licence", &w.s("w011.json"), "--out", &w.s("sh.txt")],
    )
    .assert_ok()
}

// 1.
#[test]
fn recognition_compromise_and_type_rules_across_regions() {
    recognition_compromise_and_type_rules(World::new());
}

/// The same with an SM2 federation root, SM2 Shanghai and Guangdong roots,
/// and a Guangdong Ed25519 authority beside an SM2 one.
#[test]
fn recognition_compromise_and_type_rules_with_an_sm2_federation() {
    recognition_compromise_and_type_rules(World::with_algorithms(Algs::SM2));
}

fn recognition_compromise_and_type_rules(w: World) {
    let (gd, issued) = w.issue("gd0", "w101.json", w.now - 7200, "gd.txt");
    assert_eq!(issued["serial"], "000000000001");
    assert_eq!(issued["status_index"], 0);
    let (sc, _) = w.issue("sc0", "w032.json", w.now - 7200, "sc.txt");
    let (before, _) = w.issue("gd1", "w011.json", w.t - 60, "before.txt");
    let (after, issued) = w.issue("gd1", "w011.json", w.t + 60, "after.txt");
    assert_eq!(issued["status_index"], 1, "the registry allocates in order");
    let (not_authorised, _) = w.issue("gd1", "w101.json", w.now - 7200, "gd1-w101.txt");
    // Shanghai issues without a registry and publishes no status list.
    let r = issue_without_registry(&w);
    assert!(!r.stderr.contains("registry"), "{r}");

    // gd1's key is compromised since t: its last list is from before.
    for (a, out, iat) in [
        ("gd0", "gd0-1.sl", w.now - 3000),
        ("gd1", "gd1-1.sl", w.t - 600),
        ("sc0", "sc0-1.sl", w.now - 3000),
    ] {
        let j = w.publish(a, iat, out, &[]).json();
        assert_eq!(j["entries"], 16384);
        assert_eq!(j["revoked"], 0);
    }
    let built = w.build(&["gd0-1.sl", "gd1-1.sl", "sc0-1.sl"]).json();
    assert_eq!(built["regions"].as_array().unwrap().len(), 3);
    assert_eq!(built["status_lists"].as_array().unwrap().len(), 3);

    // A Guangdong business licence is recognised in Shanghai as the
    // national business licence, through the policy's mapping.
    let (code, report) = w.verify(&gd, &[]);
    assert_report(code, &report, 0, "VALID", "OK", "RECOGNITION");
    assert_eq!(report["checks"].as_array().unwrap().len(), 11);
    assert_eq!(
        report["recognition"],
        serde_json::json!({"outcome": "RECOGNISED", "local_type": NATIONAL_BUSINESS, "mapped": true})
    );
    assert_eq!(report["status"], "valid");
    assert_eq!(check(&report, "TRUST_LIST")["outcome"], "PASS");
    assert_eq!(check(&report, "STATUS")["outcome"], "PASS");

    // The same, for a purpose Shanghai does not accept foreign licences for.
    let (code, report) = w.verify(&gd, &["--purpose", "visa_application"]);
    assert_report(
        code,
        &report,
        3,
        "INVALID",
        "PURPOSE_NOT_ACCEPTED",
        "RECOGNITION",
    );

    // A Sichuan permit Shanghai refuses.
    let (code, report) = w.verify(&sc, &[]);
    assert_report(
        code,
        &report,
        3,
        "INVALID",
        "TYPE_NOT_RECOGNISED",
        "RECOGNITION",
    );
    assert_eq!(report["recognition"]["outcome"], "NOT_RECOGNISED");

    // Compromised since T: issued before T stays valid, at or after is not.
    let (code, report) = w.verify(&before, &[]);
    assert_report(code, &report, 0, "VALID", "OK", "TRUST_LIST");
    let (code, report) = w.verify(&after, &[]);
    assert_report(
        code,
        &report,
        3,
        "INVALID",
        "AUTHORITY_COMPROMISED",
        "TRUST_LIST",
    );

    // An authority not authorised for the type.
    let (code, report) = w.verify(&not_authorised, &[]);
    assert_report(
        code,
        &report,
        3,
        "INVALID",
        "AUTHORITY_TYPE_NOT_AUTHORISED",
        "TRUST_LIST",
    );

    // No status list for Shanghai's authority: INDETERMINATE under the policy.
    let (code, report) = w.verify(&w.s("sh.txt"), &[]);
    assert_report(
        code,
        &report,
        4,
        "INDETERMINATE",
        "STATUS_LIST_MISSING",
        "STATUS",
    );

    // The text report names the bundle checks.
    let r = w.verify_run(&gd, &[]);
    assert_eq!(r.code, 0, "{r}");
    assert_verdict(&r, "VALID", "OK");
    assert!(
        r.stdout.contains(&format!(
            "Recognition: recognised as local type {NATIONAL_BUSINESS} (mapped)\n"
        )),
        "{r}"
    );
    assert!(r.stdout.contains("  ✓ Recognition here: passed\n"), "{r}");
    // In Chinese: the verdict, the recognition and the checks in words.
    let r = w.verify_run(&gd, &["--lang", "zh"]);
    assert_eq!(r.code, 0, "{r}");
    assert!(r.stdout.starts_with("结论：有效\n核验时间："), "{r}");
    assert!(
        r.stdout.contains(&format!(
            "互认：认可为本地证照类型 {NATIONAL_BUSINESS}（经类型对应）\n"
        )),
        "{r}"
    );
    assert!(r.stdout.contains("状态列表所载状态：有效\n"), "{r}");
    assert!(r.stdout.contains("  ✓ 核对信任列表：通过\n"), "{r}");
    assert!(r.stdout.contains("  ✓ 跨地区互认：通过\n"), "{r}");

    // Inspect: what the bundle holds.
    let r = w.inspect(&["--json"]).assert_ok();
    let j = r.json();
    assert_eq!(j["federation"]["sequence"], 1);
    assert_eq!(j["federation"]["freshness"]["state"], "fresh");
    let regions: Vec<&str> = j["regions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["region"].as_str().unwrap())
        .collect();
    assert_eq!(regions, ["310000", "440000", "510000"]);
    assert_eq!(j["regions"][1]["authorities"].as_array().unwrap().len(), 2);
    let gd0 = j["status_lists"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["authority"] == GD_CODES[0])
        .unwrap();
    assert_eq!(gd0["issued_at"], w.now - 3000);
    assert_eq!(gd0["ttl"], 172_800);
    assert_eq!(gd0["entries"], 16384);
    assert!(gd0["bytes"].as_u64().unwrap() < 300, "{gd0}");
    assert_eq!(gd0["freshness"]["state"], "fresh");
    assert_eq!(j["policy"]["region"], "310000");
    assert_eq!(j["policy"]["max_status_age_seconds"], 86400);
    let r = w.inspect(&[]).assert_ok();
    assert!(r.stdout.contains("Region lists: 3"), "{r}");
    assert!(r.stdout.contains("Status lists: 3"), "{r}");
    assert!(r.stdout.contains("Policy of region 310000"), "{r}");
    // A week later every list is stale.
    let r = w
        .inspect(&["--at", &(w.now + 40 * 86_400).to_string()])
        .assert_ok();
    assert!(r.stdout.contains("[TRUST_LIST_STALE]"), "{r}");
    assert!(r.stdout.contains("[STATUS_LIST_STALE]"), "{r}");
    let (code, report) = w.verify(&gd, &["--at", &(w.now + 3 * 86_400).to_string()]);
    assert_report(
        code,
        &report,
        4,
        "INDETERMINATE",
        "STATUS_LIST_STALE",
        "STATUS",
    );
}

// 2.
#[test]
fn revoke_suspend_reinstate_then_rollback_through_registry_and_bundle_update() {
    revoke_suspend_reinstate_then_rollback(World::new());
}

/// The same with an SM2 federation (Guangdong's status lists signed by an
/// Ed25519 and an SM2 authority under an SM2 root).
#[test]
fn revoke_suspend_reinstate_then_rollback_with_an_sm2_federation() {
    revoke_suspend_reinstate_then_rollback(World::with_algorithms(Algs::SM2));
}

fn revoke_suspend_reinstate_then_rollback(w: World) {
    let (revoked, _) = w.issue("gd0", "w101.json", w.now - 7200, "revoked.txt");
    let (suspended, issued) = w.issue("gd0", "w101.json", w.now - 7200, "suspended.txt");
    let serial = issued["serial"].as_str().unwrap().to_owned();
    assert_eq!(serial, "000000000002");
    w.publish("gd0", w.now - 3000, "gd0-1.sl", &[]);
    w.build(&["gd0-1.sl"]);
    assert_eq!(w.verify(&revoked, &[]).0, 0);
    let status = |action: &str, target: &[&str]| {
        let mut args = vec![
            "status".to_owned(),
            action.to_owned(),
            "--registry".into(),
            w.s("gd.db"),
            "--authority-cert".into(),
            w.s("gd0/authority.cert.pem"),
            "--json".into(),
        ];
        args.extend(target.iter().map(|s| s.to_string()));
        run(&args)
    };

    // Revoked in the registry: still VALID until a new status list is
    // published and the bundle refreshed, then REVOKED.
    let r = status("revoke", &["--index", "0"]);
    assert_eq!(r.code, 0, "{r}");
    assert_eq!(
        r.json()["licences"],
        serde_json::json!([{"index": 0, "serial": null, "status": "revoked"}])
    );
    assert_eq!(w.verify(&revoked, &[]).0, 0);
    let j = w.publish("gd0", w.now - 2400, "gd0-2.sl", &[]).json();
    assert_eq!(j["revoked"], 1);
    let r = w.update(&["--status", &w.s("gd0-2.sl"), "--json"]);
    assert_eq!(r.code, 0, "{r}");
    assert_eq!(r.json()["changed"], true);
    let (code, report) = w.verify(&revoked, &[]);
    assert_report(code, &report, 3, "INVALID", "LICENCE_REVOKED", "STATUS");
    assert_eq!(report["status"], "revoked");

    // Revocation is final: all or none, nothing changes.
    let r = status("reinstate", &["--index", "0"]);
    r.assert_error("STATUS_TRANSITION_INVALID");
    assert!(r.stderr.contains("nothing was changed"), "{r}");
    let r = status("suspend", &["--serial", &serial, "--index", "0"]);
    r.assert_error("STATUS_TRANSITION_INVALID");
    let r = status("revoke", &["--serial", "999999999999"]);
    r.assert_error("INVALID_ARGUMENT");

    // Suspended (by serial), then reinstated.
    let r = status("suspend", &["--serial", &serial]);
    assert_eq!(r.code, 0, "{r}");
    assert_eq!(r.json()["licences"][0]["status"], "suspended");
    assert_eq!(r.json()["licences"][0]["index"], 1);
    w.publish("gd0", w.now - 1800, "gd0-3.sl", &[]);
    assert_eq!(w.update(&["--status", &w.s("gd0-3.sl")]).code, 0);
    let (code, report) = w.verify(&suspended, &[]);
    assert_report(code, &report, 3, "INVALID", "LICENCE_SUSPENDED", "STATUS");
    let r = status("reinstate", &["--index", "1"]);
    assert_eq!(r.code, 0, "{r}");
    w.publish("gd0", w.now - 1200, "gd0-4.sl", &[]);
    assert_eq!(w.update(&["--status", &w.s("gd0-4.sl")]).code, 0);
    let (code, report) = w.verify(&suspended, &[]);
    assert_report(code, &report, 0, "VALID", "OK", "STATUS");
    let (code, _) = w.verify(&revoked, &[]);
    assert_eq!(code, 3);

    // Published again in the same second (or with the clock stepped back):
    // the registry issues it one second later, and the bundle takes it.
    let r = w.publish("gd0", w.now - 1200, "gd0-5.sl", &[]);
    assert!(r.stderr.contains("one second after"), "{r}");
    assert_eq!(r.json()["issued_at"], w.now - 1199);
    let r = w.publish("gd0", w.now - 5000, "gd0-6.sl", &[]);
    assert_eq!(r.json()["issued_at"], w.now - 1198);
    let r = w.update(&["--status", &w.s("gd0-5.sl"), "--json"]);
    assert_eq!(
        (r.code, &r.json()["changed"]),
        (0, &Value::Bool(true)),
        "{r}"
    );
    let r = w.update(&["--status", &w.s("gd0-6.sl"), "--json"]);
    assert_eq!(
        (r.code, &r.json()["changed"]),
        (0, &Value::Bool(true)),
        "{r}"
    );
    assert_eq!(w.verify(&suspended, &[]).0, 0);

    // Rollback: the older (suspended) status list after the newer one.
    let before = fs::read(w.bundle()).unwrap();
    w.update(&["--status", &w.s("gd0-3.sl")])
        .assert_error("TRUST_LIST_ROLLBACK");
    assert_eq!(fs::read(w.bundle()).unwrap(), before, "nothing changed");
    // Rollback of a region list: sequence 2, then 1 again.
    w.region_list(
        "gd",
        2,
        &w.spec(
            &[
                &[GUANGDONG_BUSINESS, NATIONAL_BUSINESS],
                &[NATIONAL_BUSINESS],
            ],
            "gd",
            None,
        ),
    );
    let r = w.update(&["--region", &w.s("gd-2.tl")]);
    assert_eq!(r.code, 0, "{r}");
    assert!(r.stdout.contains("region 440000: sequence 1 → 2"), "{r}");
    let r = w.update(&["--region", &w.s("gd-1.tl")]);
    r.assert_error("TRUST_LIST_ROLLBACK");
    assert!(
        r.stderr.contains("gd-1.tl"),
        "the error names the file: {r}"
    );
    // Nothing newer: unchanged, exit 0.
    let r = w.update(&["--region", &w.s("gd-2.tl")]);
    assert_eq!(r.code, 0, "{r}");
    assert!(r.stdout.contains("unchanged"), "{r}");
    // A bundle built from older lists does not roll the held one back.
    let r = w
        .build_from("federation.tl", &["gd-1.tl"], &[], "old.elb", &[])
        .assert_ok();
    assert!(r.stdout.contains("wrote"), "{r}");
    w.update(&["--with", &w.s("old.elb")])
        .assert_error("TRUST_LIST_ROLLBACK");
}

// 3.
#[test]
fn lists_from_the_wrong_signer_of_the_wrong_kind_or_subject_are_refused() {
    let w = World::new();
    w.issue("gd0", "w101.json", w.now - 7200, "gd.txt");
    w.publish("gd0", w.now - 3000, "gd0-1.sl", &[]);
    w.publish("gd1", w.t - 600, "gd1-1.sl", &[]);
    w.build(&["gd0-1.sl"]);
    let build_with = |region: &str, status: &[&str], federation: &str| {
        w.build_from(federation, &[region], status, "refused.elb", &[])
    };

    // A Guangdong list signed by a key that is not Guangdong's region root:
    // a second root for 440000, not on the federation list, with an
    // authority of its own.
    region_init("440000", "假冒广东根CA", &w.path("rogue"), &[]).assert_ok();
    authority_new(
        &w.path("rogue"),
        "假冒机构",
        GD_CODES[0],
        &w.path("rogue0"),
        &[],
    )
    .assert_ok();
    let spec = serde_json::json!({"authorities": [{"certificate": "rogue0/authority.cert.pem",
        "types": [GUANGDONG_BUSINESS], "level": "A", "state": "active"}]});
    fs::write(w.path("rogue.json"), spec.to_string()).unwrap();
    w.trustlist_region("rogue", "rogue", "rogue.json", 9, "rogue.tl", &[])
        .assert_ok();
    let r = build_with("rogue.tl", &[], "federation.tl");
    r.assert_error("TRUST_LIST_SIGNER_INVALID");
    assert!(!w.path("refused.elb").exists(), "nothing written: {r}");
    w.update(&["--region", &w.s("rogue.tl")])
        .assert_error("TRUST_LIST_SIGNER_INVALID");
    // The region root's own key with a spec for another root's authority.
    let spec = serde_json::json!({"authorities": [{"certificate": "rogue0/authority.cert.pem",
        "types": [GUANGDONG_BUSINESS], "level": "A", "state": "active"}]});
    fs::write(w.path("gd-rogue.json"), spec.to_string()).unwrap();
    let r = w.trustlist_region("gd", "gd", "gd-rogue.json", 2, "never.tl", &[]);
    r.assert_error("ISSUER_NOT_TRUSTED");
    assert!(r.stderr.contains("authorities[0] ("), "{r}");
    assert!(!w.path("never.tl").exists(), "{r}");
    // A key that is not the certificate's.
    w.trustlist_region("sc", "gd", "gd-list.json", 2, "never.tl", &[])
        .assert_error("KEY_INVALID");
    // A federation list signed by another federation root.
    federation_init("假冒信任根", &w.path("fake-fed"), &[]).assert_ok();
    ok(&[
        "trustlist",
        "federation",
        "--key",
        &w.s("fake-fed/federation.key.pem"),
        "--cert",
        &w.s("fake-fed/federation.cert.pem"),
        "--region-root",
        &w.s("gd/root.cert.pem"),
        "--sequence",
        "5",
        "--out",
        &w.s("fake.tl"),
    ]);
    build_with("gd-1.tl", &[], "fake.tl").assert_error("TRUST_LIST_SIGNER_INVALID");
    w.update(&["--federation", &w.s("fake.tl")])
        .assert_error("TRUST_LIST_SIGNER_INVALID");
    // A bundle checked against the wrong anchor.
    run([
        "bundle",
        "inspect",
        &w.bundle(),
        "--anchor",
        &w.s("fake-fed/federation.cert.pem"),
    ])
    .assert_error("TRUST_LIST_SIGNER_INVALID");

    // A licence offered where a trust list is expected, and a status list.
    build_with("gd.txt", &[], "federation.tl").assert_error("COSE_TYP_MISMATCH");
    w.update(&["--region", &w.s("gd.txt")])
        .assert_error("COSE_TYP_MISMATCH");
    w.update(&["--region", &w.s("gd0-1.sl")])
        .assert_error("COSE_TYP_MISMATCH");
    w.update(&["--federation", &w.s("gd-1.tl")])
        .assert_error("COSE_TYP_MISMATCH");
    w.update(&["--status", &w.s("gd-1.tl")])
        .assert_error("COSE_TYP_MISMATCH");

    // A status list from another authority: Guangdong authority 1 signs a
    // list named for authority 0.
    let r = w.publish(
        "gd1",
        w.now - 2000,
        "wrong-subject.sl",
        &["--subject", &format!("urn:elicense:status:{}", GD_CODES[0])],
    );
    assert!(
        r.stderr.contains("STATUS_LIST_WRONG_SUBJECT"),
        "warned: {r}"
    );
    build_with("gd-1.tl", &["wrong-subject.sl"], "federation.tl")
        .assert_error("STATUS_LIST_WRONG_SUBJECT");
    w.update(&["--status", &w.s("wrong-subject.sl")])
        .assert_error("STATUS_LIST_WRONG_SUBJECT");
    // Two status lists of one authority in one build.
    build_with("gd-1.tl", &["gd0-1.sl", "gd0-1.sl"], "federation.tl")
        .assert_error("TRUST_LIST_CONFLICT");
    // A status list whose signer is on no list held.
    build_with("sc-1.tl", &["gd0-1.sl"], "federation.tl").assert_error("AUTHORITY_NOT_LISTED");

    // Usage errors exit 2.
    assert_eq!(
        run(["bundle", "update", &w.bundle(), "--anchor", &w.anchor()]).code,
        2
    );
    assert_eq!(run(["verify", "--qr-file", "x", "--bundle", "b"]).code, 2);
    assert_eq!(
        run([
            "verify",
            "--qr-file",
            "x",
            "--root",
            "r",
            "--bundle",
            "b",
            "--anchor",
            "a"
        ])
        .code,
        2
    );
}

/// Parses JSON lines.
fn json_lines(s: &str) -> Vec<Value> {
    s.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

// 4.
#[test]
fn verify_batch_writes_json_lines_and_a_summary() {
    let w = World::new();
    let (gd, _) = w.issue("gd0", "w101.json", w.now - 7200, "gd.txt");
    let (revoked, _) = w.issue("gd0", "w101.json", w.now - 7200, "revoked.txt");
    let (before, _) = w.issue("gd1", "w011.json", w.t - 60, "before.txt");
    let (sc, _) = w.issue("sc0", "w032.json", w.now - 7200, "sc.txt");
    issue_without_registry(&w);
    w.set_status("revoke", "gd.db", GD_CODES[0], 1);
    w.publish("gd0", w.now - 3000, "gd0.sl", &[]);
    w.publish("gd1", w.t - 600, "gd1.sl", &[]);
    w.publish("sc0", w.now - 3000, "sc0.sl", &[]);
    w.build(&["gd0.sl", "gd1.sl", "sc0.sl"]);
    let text = |f: &str| fs::read_to_string(f).unwrap().trim().to_owned();

    // Lines: 1 VALID, 2 VALID, 3 INVALID (refused type), 4 INVALID
    // (revoked), 5 blank, 6 INVALID (garbage), 7 INDETERMINATE (no status
    // list), 8 blank (spaces), 9 INVALID (not UTF-8), 10 INVALID (too
    // long), 11 VALID again, without a final newline.
    let mut input: Vec<u8> = Vec::new();
    for l in [text(&gd), text(&before), text(&sc), text(&revoked)] {
        input.extend_from_slice(l.as_bytes());
        input.extend_from_slice(b"\r\n");
    }
    input.extend_from_slice(b"\nhello, world\n");
    input.extend_from_slice(text(&w.s("sh.txt")).as_bytes());
    input.extend_from_slice(b"\n   \nEL2:\xff\xfe6BF\n");
    input.extend_from_slice(format!("EL2:{}\n", "A".repeat(100_000)).as_bytes());
    input.extend_from_slice(text(&gd).as_bytes());
    let input_path = w.path("codes.txt");
    fs::write(&input_path, &input).unwrap();

    let (bundle, anchor) = (w.bundle(), w.anchor());
    let verify_batch = |input: &Path, extra: &[&str]| {
        let mut args = vec![
            "verify-batch",
            "--bundle",
            &bundle,
            "--anchor",
            &anchor,
            "--input",
            p(input),
        ];
        args.extend_from_slice(extra);
        run(args)
    };
    let out = w.path("results.jsonl");
    let r = verify_batch(&input_path, &["--out", p(&out), "--json"]);
    assert_eq!(r.code, 3, "any INVALID: {r}");
    assert!(r.stdout.is_empty(), "{r}");
    let summary = r.stderr_json();
    assert_eq!(summary["licences"], 9, "{summary}");
    assert_eq!(summary["blank_lines"], 2, "{summary}");
    assert_eq!(
        summary["verdicts"],
        serde_json::json!({"VALID": 3, "INVALID": 5, "INDETERMINATE": 1})
    );
    assert_eq!(summary["reasons"]["OK"], 3, "{summary}");
    assert_eq!(summary["reasons"]["TYPE_NOT_RECOGNISED"], 1, "{summary}");
    assert_eq!(summary["reasons"]["LICENCE_REVOKED"], 1, "{summary}");
    assert_eq!(summary["reasons"]["STATUS_LIST_MISSING"], 1, "{summary}");
    assert_eq!(summary["reasons"]["INPUT_TOO_LARGE"], 1, "{summary}");
    assert!(summary["licences_per_second"].as_f64().unwrap() > 0.0);

    let lines = json_lines(&fs::read_to_string(&out).unwrap());
    assert_eq!(lines.len(), 9);
    let numbers: Vec<u64> = lines.iter().map(|l| l["line"].as_u64().unwrap()).collect();
    assert_eq!(numbers, [1, 2, 3, 4, 6, 7, 9, 10, 11]);
    let verdicts: Vec<(&str, &str)> = lines
        .iter()
        .map(|l| {
            (
                l["verdict"].as_str().unwrap(),
                l["reason"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(verdicts[0], ("VALID", "OK"));
    assert_eq!(verdicts[1], ("VALID", "OK"));
    assert_eq!(verdicts[2], ("INVALID", "TYPE_NOT_RECOGNISED"));
    assert_eq!(verdicts[3], ("INVALID", "LICENCE_REVOKED"));
    assert_eq!(verdicts[4].0, "INVALID");
    assert_eq!(verdicts[5], ("INDETERMINATE", "STATUS_LIST_MISSING"));
    assert_eq!(verdicts[6].0, "INVALID");
    assert_eq!(verdicts[7], ("INVALID", "INPUT_TOO_LARGE"));
    assert_eq!(verdicts[8], ("VALID", "OK"));
    assert_eq!(lines[0]["recognised_as"], NATIONAL_BUSINESS);
    assert_eq!(lines[0]["mapped"], true);
    assert_eq!(lines[0]["status"], "valid");
    assert_eq!(lines[0]["check"], Value::Null);
    assert!(lines[0]["identifier"]
        .as_str()
        .unwrap()
        .starts_with(&format!(
            "1.2.156.3005.2.{GUANGDONG_BUSINESS}.{}.000000000001.",
            GD_CODES[0]
        )));
    assert_eq!(lines[1]["recognised_as"], NATIONAL_BUSINESS);
    assert_eq!(lines[1]["mapped"], false);
    assert_eq!(lines[2]["check"], "RECOGNITION");
    assert_eq!(lines[3]["check"], "STATUS");
    assert_eq!(lines[3]["status"], "revoked");
    // Each line has the category and the verdict in words.
    let categories: Vec<&str> = lines
        .iter()
        .map(|l| l["category"].as_str().unwrap())
        .collect();
    assert_eq!(
        categories,
        [
            "VALID",
            "VALID",
            "NOT_ACCEPTED",
            "NOT_CURRENT",
            "UNREADABLE",
            "CANNOT_TELL",
            "UNREADABLE",
            "UNREADABLE",
            "VALID"
        ]
    );
    assert_eq!(lines[0]["message"], "VALID");
    assert_eq!(
        lines[3]["message"],
        "INVALID — the licence is genuine but not in force (revoked, suspended, expired or \
         not yet valid): The licence has been revoked"
    );
    assert_eq!(lines[4]["check"], "DECODE");
    assert_eq!(lines[4]["identifier"], Value::Null);
    assert!(lines[6]["detail"]
        .as_str()
        .unwrap()
        .starts_with("the line is not UTF-8 text"));
    assert_eq!(lines[7]["check"], "DECODE");

    // From standard input to standard output, the summary as text.
    let out = Command::new(env!("CARGO_BIN_EXE_elicense"))
        .args([
            "verify-batch",
            "--bundle",
            &w.bundle(),
            "--anchor",
            &w.anchor(),
            "--input",
            "-",
        ])
        .write_stdin(input.clone())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(json_lines(&stdout), lines, "the same results");
    assert!(stderr.starts_with("verified 9 licences in "), "{stderr}");
    assert!(stderr.contains("2 blank lines skipped"), "{stderr}");
    assert!(stderr.contains("  INVALID        5\n"), "{stderr}");
    assert!(stderr.contains("  LICENCE_REVOKED"), "{stderr}");
    assert!(
        !stderr.contains('\u{1b}'),
        "no progress bar off a terminal: {stderr}"
    );

    // Exit 4 when none is INVALID but one INDETERMINATE, 0 when all VALID.
    let batch = |lines: &[String]| {
        let f = w.path("some.txt");
        fs::write(&f, lines.join("\n")).unwrap();
        verify_batch(&f, &[])
    };
    let r = batch(&[text(&gd), text(&w.s("sh.txt"))]);
    assert_eq!(r.code, 4, "{r}");
    let r = batch(&[text(&gd), text(&before)]);
    assert_eq!(r.code, 0, "{r}");
    assert_eq!(json_lines(&r.stdout).len(), 2);
    // Errors exit 1: the input given as the output, a missing input, a
    // file that is not a bundle.
    let r = verify_batch(&input_path, &["--out", p(&input_path)]);
    r.assert_error_without_code();
    assert_eq!(
        fs::read(&input_path).unwrap(),
        input,
        "the input is untouched"
    );
    verify_batch(&w.path("missing.txt"), &[]).assert_error_without_code();
    run([
        "verify-batch",
        "--bundle",
        &w.s("codes.txt"),
        "--anchor",
        &w.anchor(),
        "--input",
        p(&input_path),
    ])
    .assert_error("CBOR_TRAILING_BYTES");
}
