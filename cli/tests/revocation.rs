//! Revocation must hold, through the `elicense` binary: each test below
//! replays, as an attacker or a new user would, a way a revoked licence was
//! once made to verify VALID (or a trust bundle made unloadable), and checks
//! the exact exit status, verdict and reason codes now.

mod common;

use std::fs;

use elicense::alg::SecretKey;
use elicense::identifiers::CreditCode;
use elicense::pki::Certificate;
use elicense::status::{subject_for, StatusList, StatusListToken};
use serde_json::{json, Value};

use common::*;

const DAY: i64 = 86_400;

/// A credit code registered in `division` (six digits), with its check
/// character.
fn credit_code_in(division: &str, rest: &str) -> String {
    let first17 = format!("91{division}{rest}");
    let check = elicense::identifiers::mod31_check(&first17).expect("a valid prefix");
    format!("{first17}{check}")
}

/// A region list spec naming `entries`: (directory of the authority,
/// licence types, state).
fn spec_of(entries: &[(&str, &[&str], Value)]) -> String {
    json!({
        "authorities": entries.iter().map(|(dir, types, state)| json!({
            "certificate": format!("{dir}/authority.cert.pem"),
            "types": types,
            "level": "A",
            "state": state,
        })).collect::<Vec<_>>()
    })
    .to_string()
}

/// Guangdong's list of sequence 2: `first` where authority 0 was (both
/// Guangdong types, active), gd1 compromised since t, and `others` for the
/// national business licence, active.
fn guangdong_list_2(w: &World, first: &str, others: &[&str]) -> Run {
    let mut entries = vec![
        (
            first,
            &[GUANGDONG_BUSINESS, NATIONAL_BUSINESS][..],
            json!("active"),
        ),
        (
            "gd1",
            &[NATIONAL_BUSINESS][..],
            json!({"compromised_since": w.t}),
        ),
    ];
    entries.extend(
        others
            .iter()
            .map(|dir| (*dir, &[NATIONAL_BUSINESS][..], json!("active"))),
    );
    w.region_list("gd", 2, &spec_of(&entries))
}

/// Shanghai's policy with `from` replaced by `to`, written to `name`.
fn policy_with(w: &World, name: &str, from: &str, to: &str) -> String {
    let text = fs::read_to_string(POLICY).unwrap();
    assert!(text.contains(from), "the policy has {from}");
    fs::write(w.path(name), text.replace(from, to)).unwrap();
    w.s(name)
}

/// Signs, with the library and the key of `authority` (e.g. "gd0"), an
/// all-valid status list of its credit code issued at `iat`: what a holder
/// of the key can make whatever `status publish` allows.
fn forge_status_list(w: &World, authority: &str, iat: i64, out: &str) -> String {
    let key = SecretKey::from_pkcs8_pem(
        &fs::read_to_string(w.path(&format!("{authority}/authority.key.pem"))).unwrap(),
    )
    .unwrap();
    let cert = Certificate::from_pem(
        &fs::read_to_string(w.path(&format!("{authority}/authority.cert.pem"))).unwrap(),
    )
    .unwrap();
    let code = CreditCode::parse(cert.organization_identifier().unwrap()).unwrap();
    let token = StatusListToken::new(
        subject_for(&code),
        iat,
        None,
        Some(DAY as u64),
        StatusList::new(2, 16_384).unwrap(),
    )
    .unwrap();
    fs::write(
        w.path(out),
        token
            .sign(
                &elicense::artifact::CertifiedSigner::new(cert.clone(), key.clone())
                    .expect("the key is the certificate's"),
            )
            .unwrap(),
    )
    .unwrap();
    w.s(out)
}

/// `verify --root <region>/root.cert.pem --authority <authority>/authority.cert.pem
/// [--status …] <extra>`: no bundle.
fn verify_offline(w: &World, qr_file: &str, authority: &str, extra: &[&str]) -> Run {
    let root = w.s(&format!("{}/root.cert.pem", &authority[..2]));
    let cert = w.s(&format!("{authority}/authority.cert.pem"));
    let args = [
        "verify",
        "--qr-file",
        qr_file,
        "--root",
        &root,
        "--authority",
        &cert,
    ];
    run_with(&args, extra)
}

/// The codes of a JSON report's warnings.
fn warning_codes(report: &Value) -> Vec<&str> {
    report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap())
        .collect()
}

// Bypass 1: a status list from a namesake listed by another region.
#[test]
fn bypass_1_a_namesake_from_another_region_cannot_override_a_revocation() {
    let w = World::new();
    // Sichuan's root cannot certify an authority registered in Guangdong.
    let r = authority_new(
        &w.path("sc"),
        "假冒广东省市场监督管理局",
        GD_CODES[0],
        &w.path("sc-rogue"),
        &[],
    );
    r.assert_error("CREDIT_CODE_REGION_MISMATCH");
    assert!(!w.path("sc-rogue/authority.cert.pem").exists(), "{r}");
    assert!(!w.path("sc-rogue/authority.key.pem").exists(), "{r}");

    // A namesake that passes the region rule: Shenzhen (440300) is a region
    // of its own, and Guangdong's root may certify authorities registered in
    // 4403xx, so it certifies one with the Shenzhen authority's credit code.
    let code = credit_code_in("440300", "MA5F8KTR3");
    region_init("440300", "深圳市电子证照根CA", &w.path("sz"), &[]).assert_ok();
    w.authority("sz", "sz0", &code);
    w.authority("gd", "rogue", &code);
    w.federation_list(&["sh", "gd", "sc", "sz"], 2, "federation-2.tl", &[])
        .assert_ok();
    w.region_list(
        "sz",
        1,
        &spec_of(&[("sz0", &[NATIONAL_BUSINESS], json!("active"))]),
    );
    guangdong_list_2(&w, "gd0", &["rogue"]);
    // Shenzhen issues a licence and revokes it.
    let (revoked, issued) = w.issue("sz0", "w011.json", w.now - 7200, "sz.txt");
    let index = issued["status_index"].as_u64().unwrap();
    w.set_status("revoke", "sz.db", &code, index);
    let j = w.publish("sz0", w.now - 3600, "sz0.sl", &[]).json();
    assert_eq!(j["revoked"], 1);
    let policy = policy_with(
        &w,
        "policy-sz.json",
        r#""accept_regions": ["440000", "510000"]"#,
        r#""accept_regions": ["440000", "440300", "510000"]"#,
    );
    w.build(&[]);
    let r = w.update(&[
        "--federation",
        &w.s("federation-2.tl"),
        "--region",
        &w.s("sz-1.tl"),
        "--status",
        &w.s("sz0.sl"),
        "--policy",
        &policy,
        "--json",
    ]);
    assert_eq!(r.code, 0, "{r}");
    assert_eq!(r.json()["dropped"], json!([]), "{r}");
    let (code_, report) = w.verify(&revoked, &[]);
    assert_report(code_, &report, 3, "INVALID", "LICENCE_REVOKED", "STATUS");

    // The attack: the namesake's all-valid list, issued an hour after
    // Shenzhen's, with Guangdong's list naming the namesake.
    let (rogue_licence, _) = w.issue("rogue", "w011.json", w.now - 600, "rogue.txt");
    w.publish("rogue", w.now - 60, "rogue.sl", &[]);
    let r = w.update(&[
        "--region",
        &w.s("gd-2.tl"),
        "--status",
        &w.s("rogue.sl"),
        "--json",
    ]);
    assert_eq!(r.code, 0, "the namesake speaks for itself: {r}");
    assert_eq!(r.json()["dropped"], json!([]), "{r}");
    // Two lists of one credit code, each bound to its own region.
    let j = w.inspect(&["--json"]).assert_ok().json();
    let mut held: Vec<(&str, i64)> = j["status_lists"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["authority"] == code.as_str())
        .map(|s| {
            (
                s["region"].as_str().unwrap(),
                s["issued_at"].as_i64().unwrap(),
            )
        })
        .collect();
    held.sort();
    assert_eq!(held, [("440000", w.now - 60), ("440300", w.now - 3600)]);
    // The revocation holds, under Shenzhen's list.
    let (exit, report) = w.verify(&revoked, &[]);
    assert_report(exit, &report, 3, "INVALID", "LICENCE_REVOKED", "STATUS");
    let detail = check(&report, "STATUS")["detail"].as_str().unwrap();
    assert!(
        detail.contains(&format!("{code} as listed by region 440300")),
        "{detail}"
    );
    assert_eq!(report["authority"]["region"], "440300", "{report:#}");
    // The namesake's own licences are judged under Guangdong.
    let (exit, report) = w.verify(&rogue_licence, &[]);
    assert_eq!(
        (exit, report["verdict"].as_str()),
        (0, Some("VALID")),
        "{report:#}"
    );
    assert_eq!(report["authority"]["region"], "440000", "{report:#}");
}

// Bypass 2: a compromised key's later list, a list dated years ahead, and
// the replacement certificate's list.
#[test]
fn bypass_2_compromised_and_future_dated_lists_are_refused_the_replacement_is_accepted() {
    let w = World::new();
    // gd1 is listed compromised since t. A licence it issued before t,
    // revoked since, and its last list from before t.
    let (revoked, issued) = w.issue("gd1", "w011.json", w.t - 600, "gd1.txt");
    let index = issued["status_index"].as_u64().unwrap();
    w.publish("gd1", w.t - 300, "gd1-1.sl", &[]);
    w.build(&["gd1-1.sl"]);
    w.set_status("revoke", "gd.db", GD_CODES[1], index);

    // The thief, with the stolen key and a registry of its own, issues a
    // licence and signs an all-valid list, now.
    let stolen = [
        "--key".to_owned(),
        w.s("gd1/authority.key.pem"),
        "--cert".into(),
        w.s("gd1/authority.cert.pem"),
        "--registry".into(),
        w.s("thief.db"),
    ];
    let mut args = vec!["issue".to_owned(), "--licence".into(), w.s("w011.json")];
    args.extend(stolen.iter().cloned());
    ok(&args);
    let mut args = vec![
        "status".to_owned(),
        "publish".into(),
        "--issued-at".into(),
        (w.now - 60).to_string(),
        "--out".into(),
        w.s("thief.sl"),
    ];
    args.extend(stolen.iter().cloned());
    ok(&args);
    let before = fs::read(w.bundle()).unwrap();
    let r = w.update(&["--status", &w.s("thief.sl")]);
    r.assert_error("AUTHORITY_COMPROMISED");
    assert!(r.stderr.contains("thief.sl"), "names the file: {r}");
    assert!(r.stderr.contains("compromised since"), "{r}");
    assert_eq!(fs::read(w.bundle()).unwrap(), before, "nothing changed");

    // Five years ahead: `status publish` refuses to sign it, and a list
    // signed so by other means is refused by the bundle and by verify.
    let five_years = w.now + 5 * 365 * DAY;
    let r = run([
        "status",
        "publish",
        "--registry",
        &w.s("gd.db"),
        "--key",
        &w.s("gd0/authority.key.pem"),
        "--cert",
        &w.s("gd0/authority.cert.pem"),
        "--issued-at",
        &five_years.to_string(),
        "--out",
        &w.s("future.sl"),
    ]);
    r.assert_error("STATUS_LIST_ISSUED_IN_FUTURE");
    assert!(!w.path("future.sl").exists(), "{r}");
    let future = forge_status_list(&w, "gd0", five_years, "future.sl");
    w.update(&["--status", &future])
        .assert_error("STATUS_LIST_ISSUED_IN_FUTURE");
    assert_eq!(fs::read(w.bundle()).unwrap(), before, "nothing changed");
    let (gd0_licence, _) = w.issue("gd0", "w101.json", w.now - 7200, "gd0.txt");
    verify_offline(&w, &gd0_licence, "gd0", &["--status", &future])
        .assert_error("STATUS_LIST_ISSUED_IN_FUTURE");
    // Nor does it lock out gd0's own list, published now.
    w.publish("gd0", w.now - 30, "gd0.sl", &[]);
    let r = w.update(&["--status", &w.s("gd0.sl")]);
    assert_eq!(r.code, 0, "{r}");

    // The replacement: the same credit code, a new key, listed active.
    w.authority("gd", "gd1b", GD_CODES[1]);
    guangdong_list_2(&w, "gd0", &["gd1b"]);
    // Its list (from the authority's own registry, with the revocation) is
    // older than the thief's, and accepted all the same.
    let j = w.publish("gd1b", w.now - 1800, "gd1b.sl", &[]).json();
    assert_eq!(j["revoked"], 1);
    let r = w.update(&[
        "--region",
        &w.s("gd-2.tl"),
        "--status",
        &w.s("gd1b.sl"),
        "--json",
    ]);
    assert_eq!(r.code, 0, "{r}");
    let j = r.json();
    assert_eq!(j["dropped"], json!([]), "gd1's list predates t: {r}");
    assert!(
        j["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c.as_str().unwrap().starts_with(&format!(
                "status list of {} as listed by region 440000: issued ",
                GD_CODES[1]
            ))),
        "{r}"
    );
    let (exit, report) = w.verify(&revoked, &[]);
    assert_report(exit, &report, 3, "INVALID", "LICENCE_REVOKED", "STATUS");
    // The replacement's own licences use the same list.
    let (fresh, _) = w.issue("gd1b", "w011.json", w.now - 600, "gd1b.txt");
    let (exit, report) = w.verify(&fresh, &[]);
    assert_eq!(
        (exit, report["verdict"].as_str()),
        (0, Some("VALID")),
        "{report:#}"
    );
    // The thief's list stays refused.
    w.update(&["--status", &w.s("thief.sl")])
        .assert_error("AUTHORITY_COMPROMISED");
}

// Bypass 3: a stale list holding a revocation, under a "warn" policy.
#[test]
fn bypass_3_a_stale_list_under_a_warn_policy_still_revokes() {
    let w = World::new();
    let mut texts = Vec::new();
    for i in 0..3 {
        let (qr, issued) = w.issue("gd0", "w101.json", w.now - 7200, &format!("l{i}.txt"));
        assert_eq!(issued["status_index"], i);
        texts.push(qr);
    }
    w.set_status("revoke", "gd.db", GD_CODES[0], 0);
    w.set_status("suspend", "gd.db", GD_CODES[0], 1);
    w.publish("gd0", w.now - 3000, "gd0.sl", &[]);
    w.build(&["gd0.sl"]);
    let warn = policy_with(
        &w,
        "policy-warn.json",
        r#""status_missing": "indeterminate""#,
        r#""status_missing": "warn""#,
    );
    assert_eq!(w.update(&["--policy", &warn]).code, 0);

    // While the list is fresh: revoked, suspended, valid.
    let (exit, report) = w.verify(&texts[0], &[]);
    assert_report(exit, &report, 3, "INVALID", "LICENCE_REVOKED", "STATUS");
    let (exit, report) = w.verify(&texts[1], &[]);
    assert_report(exit, &report, 3, "INVALID", "LICENCE_SUSPENDED", "STATUS");

    // Ten days on, the list (time to live two days) is stale.
    let later = (w.now + 10 * DAY).to_string();
    let (exit, report) = w.verify(&texts[0], &["--at", &later]);
    assert_report(exit, &report, 3, "INVALID", "LICENCE_REVOKED", "STATUS");
    assert!(
        check(&report, "STATUS")["detail"]
            .as_str()
            .unwrap()
            .contains("revocation is final"),
        "{report:#}"
    );
    assert_eq!(warning_codes(&report), Vec::<&str>::new(), "{report:#}");
    // A suspension in a stale list may have been lifted or turned into a
    // revocation since: never VALID.
    let (exit, report) = w.verify(&texts[1], &["--at", &later]);
    assert_report(
        exit,
        &report,
        4,
        "INDETERMINATE",
        "STATUS_LIST_STALE",
        "STATUS",
    );
    assert_eq!(report["status"], "suspended");
    // Only a valid entry passes, with the warning the policy asks for.
    let (exit, report) = w.verify(&texts[2], &["--at", &later]);
    assert_eq!(
        (exit, report["verdict"].as_str()),
        (0, Some("VALID")),
        "{report:#}"
    );
    assert_eq!(warning_codes(&report), ["STATUS_LIST_STALE"], "{report:#}");
    // The text report says it too.
    let r = w.verify_run(&texts[0], &["--at", &later]);
    assert_eq!(r.code, 3, "{r}");
    assert_verdict(&r, "INVALID", "LICENCE_REVOKED");
    // Without a bundle, a stale list given with --status holds it as well.
    let r = verify_offline(
        &w,
        &texts[0],
        "gd0",
        &["--status", &w.s("gd0.sl"), "--at", &later, "--json"],
    );
    assert_report(r.code, &r.json(), 3, "INVALID", "LICENCE_REVOKED", "STATUS");
}

// Bypass 4: verifying without a bundle; a licence that can never be revoked.
#[test]
fn bypass_4_without_a_bundle_the_status_check_is_not_checked_unless_a_list_is_given() {
    let w = World::new();
    let (revoked, _) = w.issue("gd0", "w101.json", w.now - 7200, "revoked.txt");
    w.set_status("revoke", "gd.db", GD_CODES[0], 0);
    w.publish("gd0", w.now - 600, "gd0.sl", &[]);

    // No status list: VALID, but the STATUS check says nobody checked.
    let r = verify_offline(&w, &revoked, "gd0", &["--json"]);
    assert!(r.stderr.is_empty(), "{r}");
    let report = r.json();
    assert_report(r.code, &report, 0, "VALID", "OK", "DECODE");
    let status = check(&report, "STATUS");
    assert_eq!(
        (status["outcome"].as_str(), status["reason"].as_str()),
        (Some("NOT_CHECKED"), Some("STATUS_NOT_CHECKED")),
        "{report:#}"
    );
    assert_eq!(warning_codes(&report), ["STATUS_NOT_CHECKED"], "{report:#}");
    // In text, a line right under the verdict says so and how to check.
    let r = verify_offline(&w, &revoked, "gd0", &[]);
    assert_eq!(r.code, 0, "{r}");
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines[0], "Verdict: VALID", "{r}");
    assert!(lines[1].starts_with("Checked at: "), "{r}");
    assert_eq!(
        lines[2], "Note: Nobody checked whether it was revoked or suspended [STATUS_NOT_CHECKED]",
        "{r}"
    );
    assert!(lines[3].starts_with("  REVOCATION NOT CHECKED: "), "{r}");
    assert!(lines[3].contains("--status FILE"), "{r}");
    assert!(
        lines.contains(
            &"  ! Status (revoked, suspended): Nobody checked whether it was revoked or suspended [STATUS_NOT_CHECKED]"
        ),
        "{r}"
    );
    assert!(
        r.stdout
            .contains("      detail: not checked: no status list of "),
        "{r}"
    );
    // The same in Chinese, from the locale or from --lang.
    for zh in [
        run_in_locale(
            [
                "verify",
                "--qr-file",
                &revoked,
                "--root",
                &w.s("gd/root.cert.pem"),
                "--authority",
                &w.s("gd0/authority.cert.pem"),
            ],
            "zh_CN.UTF-8",
        ),
        verify_offline(&w, &revoked, "gd0", &["--lang", "zh"]),
    ] {
        assert_eq!(zh.code, 0, "{zh}");
        let lines: Vec<&str> = zh.stdout.lines().collect();
        assert_eq!(lines[0], "结论：有效", "{zh}");
        assert!(
            lines[1].starts_with("核验时间：") && lines[1].ends_with("（北京时间 UTC+8）"),
            "{zh}"
        );
        assert_eq!(
            lines[2], "注意：未核查是否已被注销或暂停 [STATUS_NOT_CHECKED]",
            "{zh}"
        );
        assert!(lines[3].contains("--status"), "{zh}");
    }

    // With the authority's status list: REVOKED, in JSON and in text.
    let r = verify_offline(&w, &revoked, "gd0", &["--status", &w.s("gd0.sl"), "--json"]);
    let report = r.json();
    assert_report(r.code, &report, 3, "INVALID", "LICENCE_REVOKED", "STATUS");
    assert_eq!(check(&report, "STATUS")["outcome"], "FAIL");
    assert_eq!(report["status"], "revoked");
    assert_eq!(warning_codes(&report), Vec::<&str>::new(), "{report:#}");
    let r = verify_offline(&w, &revoked, "gd0", &["--status", &w.s("gd0.sl")]);
    assert_eq!(r.code, 3, "{r}");
    assert_verdict(&r, "INVALID", "LICENCE_REVOKED");
    assert!(!r.stdout.contains("REVOCATION NOT CHECKED"), "{r}");
    // The list is dated by the current time, not --at: checked an hour
    // before the list was issued, the revocation it holds still counts.
    let r = verify_offline(
        &w,
        &revoked,
        "gd0",
        &[
            "--status",
            &w.s("gd0.sl"),
            "--at",
            &(w.now - 3600).to_string(),
            "--json",
        ],
    );
    assert_report(r.code, &r.json(), 3, "INVALID", "LICENCE_REVOKED", "STATUS");

    // Another authority's list does not speak for this one.
    w.publish("gd1", w.t - 600, "gd1.sl", &[]);
    let r = verify_offline(
        &w,
        &revoked,
        "gd0",
        &[
            "--authority",
            &w.s("gd1/authority.cert.pem"),
            "--status",
            &w.s("gd1.sl"),
            "--json",
        ],
    );
    let report = r.json();
    assert_eq!(r.code, 0, "{r}");
    assert_eq!(check(&report, "STATUS")["outcome"], "NOT_CHECKED", "{r}");
    // Refused lists: a signer not given, an older list after a newer one,
    // the same authority twice, a list where --bundle is given.
    let r = verify_offline(&w, &revoked, "gd0", &["--status", &w.s("gd1.sl")]);
    r.assert_error("SIGNER_UNKNOWN");
    assert!(
        r.stderr
            .contains("none of the authority certificates given"),
        "{r}"
    );
    w.publish("gd0", w.now - 300, "gd0-2.sl", &[]);
    verify_offline(
        &w,
        &revoked,
        "gd0",
        &["--status", &w.s("gd0-2.sl"), "--status", &w.s("gd0.sl")],
    )
    .assert_error("TRUST_LIST_ROLLBACK");
    verify_offline(
        &w,
        &revoked,
        "gd0",
        &["--status", &w.s("gd0.sl"), "--status", &w.s("gd0-2.sl")],
    )
    .assert_error("TRUST_LIST_CONFLICT");
    w.build(&["gd0.sl"]);
    let r = w.verify_run(&revoked, &["--status", &w.s("gd0.sl")]);
    assert_eq!(r.code, 2, "{r}");

    // A licence without a status index can never be revoked: `issue`
    // warns, and says how to give one; a policy requiring one refuses it.
    let sample = fs::read_to_string(w.path("w101.json")).unwrap();
    let without: String = sample
        .lines()
        .filter(|l| !l.contains("\"status_index\""))
        .collect::<Vec<_>>()
        .join("\n");
    assert_ne!(without, sample);
    fs::write(w.path("no-index.json"), &without).unwrap();
    let issue = |extra: &[&str]| {
        let out = w.s("unrevocable.txt");
        let mut args = vec!["--out", &out];
        args.extend_from_slice(extra);
        w.issue_with("gd0", &args).assert_ok()
    };
    let r = issue(&["--licence", &w.s("no-index.json")]);
    let warning = r
        .stderr
        .lines()
        .find(|l| l.starts_with("warning: "))
        .unwrap_or_else(|| panic!("no warning: {r}"));
    assert!(warning.contains("can never be revoked"), "{r}");
    assert!(warning.contains("--registry"), "{r}");
    assert!(warning.contains("\"status_index\""), "{r}");
    assert!(warning.ends_with("[STATUS_INDEX_MISSING]"), "{r}");
    let r = issue(&["--licence", &w.s("no-index.json"), "--json"]);
    let j = r.json();
    assert_eq!(j["status_index"], Value::Null);
    assert_eq!(warning_codes(&j), ["STATUS_INDEX_MISSING"], "{r}");
    assert_eq!(j["warnings"][0]["field"], "status_index");
    let (exit, report) = w.verify(&w.s("unrevocable.txt"), &[]);
    assert_report(
        exit,
        &report,
        3,
        "INVALID",
        "STATUS_INDEX_MISSING",
        "STATUS",
    );
    let r = w.inspect(&["--json"]).assert_ok();
    assert_eq!(r.json()["policy"]["require_status"], true, "{r}");
    let r = w.inspect(&[]).assert_ok();
    assert!(
        r.stdout
            .contains("; licences without a status index refused; "),
        "{r}"
    );
    // With an index, from the JSON or a registry: no warning.
    let r = issue(&["--licence", &w.s("w101.json"), "--json"]);
    assert_eq!(warning_codes(&r.json()), Vec::<&str>::new(), "{r}");
    let r = issue(&[
        "--licence",
        &w.s("no-index.json"),
        "--registry",
        &w.s("gd.db"),
        "--json",
    ]);
    assert_eq!(warning_codes(&r.json()), Vec::<&str>::new(), "{r}");
    assert_eq!(r.json()["status_index"], 1);
}

// Item 5: key rotation.
#[test]
fn key_rotation_drops_the_old_keys_status_list_and_every_bundle_written_loads() {
    let w = World::new();
    let (old, _) = w.issue("gd0", "w101.json", w.now - 7200, "old.txt");
    w.set_status("revoke", "gd.db", GD_CODES[0], 0);
    w.publish("gd0", w.now - 3000, "gd0-1.sl", &[]);
    w.build(&["gd0-1.sl"]);
    let (exit, report) = w.verify(&old, &[]);
    assert_report(exit, &report, 3, "INVALID", "LICENCE_REVOKED", "STATUS");

    // Guangdong rotates authority 0's key: the new list names only the new
    // certificate, and no longer vouches for the list the old key signed.
    w.authority("gd", "gd0b", GD_CODES[0]);
    guangdong_list_2(&w, "gd0b", &[]);
    let left = format!(
        "status list of {} as listed by region 440000 (issued {}) left the bundle: its signer \
         gd0 authority is no longer on the trust list of region 440000 (sequence 2) \
         [AUTHORITY_NOT_LISTED]",
        GD_CODES[0],
        fmt_cst(w.now - 3000)
    );
    // As JSON, taken from a bundle that carries the new list, to another
    // file first.
    let r = w
        .build_from("federation.tl", &["gd-2.tl"], &[], "fresh.elb", &["--json"])
        .assert_ok();
    assert_eq!(r.json()["dropped"], json!([]), "{r}");
    let r = w.update(&[
        "--with",
        &w.s("fresh.elb"),
        "--out",
        &w.s("rotated.elb"),
        "--json",
    ]);
    assert_eq!(r.code, 0, "{r}");
    let j = r.json();
    assert_eq!(j["changed"], true);
    assert_eq!(
        j["changes"],
        json!(["region 440000: sequence 1 → 2"]),
        "the list that left is not also 'removed': {r}"
    );
    assert_eq!(j["dropped"].as_array().unwrap().len(), 1, "{r}");
    let d = &j["dropped"][0];
    assert_eq!(d["authority"], GD_CODES[0]);
    assert_eq!(d["region"], "440000");
    assert_eq!(d["issued_at"], w.now - 3000);
    assert_eq!(d["reason"], "AUTHORITY_NOT_LISTED");
    // Then in place, as text, from the region list itself.
    let r = w.update(&["--region", &w.s("gd-2.tl")]);
    assert_eq!(r.code, 0, "{r}");
    assert!(r.stdout.contains("region 440000: sequence 1 → 2\n"), "{r}");
    assert!(r.stdout.contains(&format!("{left}\n")), "{r}");
    assert_eq!(
        fs::read(w.bundle()).unwrap(),
        fs::read(w.path("rotated.elb")).unwrap(),
        "the same bundle either way"
    );

    // What it wrote loads everywhere.
    let r = w.inspect(&[]).assert_ok();
    assert!(r.stdout.contains("Status lists: 0\n"), "{r}");
    // The old key's licences: its certificate is no longer known.
    let (exit, report) = w.verify(&old, &[]);
    assert_report(
        exit,
        &report,
        4,
        "INDETERMINATE",
        "SIGNER_UNKNOWN",
        "SIGNER",
    );
    // The new key's licences, until its list arrives: no status list.
    let (new, _) = w.issue("gd0b", "w101.json", w.now - 600, "new.txt");
    let (exit, report) = w.verify(&new, &[]);
    assert_report(
        exit,
        &report,
        4,
        "INDETERMINATE",
        "STATUS_LIST_MISSING",
        "STATUS",
    );
    // A further update takes the new certificate's list (from the same
    // registry: the revocation is in it).
    let j = w.publish("gd0b", w.now - 1200, "gd0b.sl", &[]).json();
    assert_eq!(j["revoked"], 1);
    let r = w.update(&["--status", &w.s("gd0b.sl"), "--json"]);
    assert_eq!(r.code, 0, "{r}");
    assert_eq!(r.json()["dropped"], json!([]));
    assert_eq!(
        r.json()["changes"],
        json!([format!(
            "status list of {} as listed by region 440000: added, issued {}",
            GD_CODES[0],
            fmt_cst(w.now - 1200)
        )])
    );
    let (exit, report) = w.verify(&new, &[]);
    assert_eq!(
        (exit, report["verdict"].as_str()),
        (0, Some("VALID")),
        "{report:#}"
    );
    w.inspect(&[]).assert_ok();
    let r = w.update(&["--region", &w.s("gd-2.tl")]);
    assert_eq!(r.code, 0, "{r}");
    assert!(r.stdout.contains("unchanged"), "{r}");
    // The old key's list cannot come back.
    w.update(&["--status", &w.s("gd0-1.sl")])
        .assert_error("AUTHORITY_NOT_LISTED");
}

// Item 6 and a region leaving the federation.
#[test]
fn a_federation_list_with_the_same_sequence_and_other_bytes_is_a_conflict() {
    let w = World::new();
    w.issue("sc0", "w032.json", w.now - 7200, "sc.txt");
    w.publish("sc0", w.now - 3000, "sc0.sl", &[]);
    w.build(&["sc0.sl"]);
    let federation = |sequence: u64, out: &str| {
        w.federation_list(&["sh", "gd"], sequence, out, &[])
            .assert_ok();
        w.s(out)
    };
    let before = fs::read(w.bundle()).unwrap();
    let r = w.update(&["--federation", &federation(1, "federation-1b.tl")]);
    r.assert_error("TRUST_LIST_CONFLICT");
    assert!(r.stderr.contains("sequence 1"), "{r}");
    assert_eq!(fs::read(w.bundle()).unwrap(), before, "nothing changed");
    // The held list itself: nothing newer.
    let r = w.update(&["--federation", &w.s("federation.tl")]);
    assert_eq!(r.code, 0, "{r}");
    assert!(r.stdout.contains("unchanged"), "{r}");
    // A newer list without Sichuan: its region list and status list leave.
    let r = w.update(&["--federation", &federation(2, "federation-2.tl")]);
    assert_eq!(r.code, 0, "{r}");
    assert!(
        r.stdout.contains("federation list: sequence 1 → 2\n"),
        "{r}"
    );
    assert!(r.stdout.contains("region 510000: removed\n"), "{r}");
    assert!(
        r.stdout.contains(&format!(
            "status list of {} as listed by region 510000 (issued {}) left the bundle: \
             region 510000 is no longer in the bundle [TRUST_LIST_MISSING]\n",
            SC_CODES[0],
            fmt_cst(w.now - 3000)
        )),
        "{r}"
    );
    let r = w.inspect(&[]).assert_ok();
    assert!(r.stdout.contains("Region lists: 2\n"), "{r}");
}

// Item 12: what people read.
#[test]
fn no_text_output_shows_an_enum_name_or_a_raw_unix_time() {
    let w = World::new();
    let mut outputs: Vec<(String, Run)> = Vec::new();
    let mut keep = |what: &str, r: Run| outputs.push((what.to_owned(), r));
    let (licence, _) = w.issue("gd0", "w101.json", w.now - 7200, "gd.txt");
    w.set_status("revoke", "gd.db", GD_CODES[0], 0);
    keep("publish", w.publish_text("gd0", w.now - 3000, "gd0.sl"));
    keep("publish gd1", w.publish_text("gd1", w.t - 900, "gd1-0.sl"));
    w.publish_text("gd1", w.t - 600, "gd1.sl");
    let spec = spec_of(&[
        (
            "gd0",
            &[GUANGDONG_BUSINESS],
            json!({"retired_since": w.now - 4000}),
        ),
        (
            "gd1",
            &[NATIONAL_BUSINESS],
            json!({"compromised_since": w.t}),
        ),
    ]);
    fs::write(w.path("gd-2-list.json"), spec).unwrap();
    keep(
        "trustlist region",
        w.trustlist_region("gd", "gd", "gd-2-list.json", 2, "gd-2.tl", &[]),
    );
    w.build(&["gd0.sl", "gd1.sl"]);
    keep("bundle inspect", w.inspect(&[]));
    keep(
        "bundle inspect, later",
        w.inspect(&["--at", &(w.now + 40 * DAY).to_string()]),
    );
    keep("verify", verify_offline(&w, &licence, "gd0", &[]));
    keep(
        "verify --status",
        verify_offline(&w, &licence, "gd0", &["--status", &w.s("gd0.sl")]),
    );
    keep(
        "verify --bundle, later",
        w.verify_run(&licence, &["--at", &(w.now + 3 * DAY).to_string()]),
    );
    keep(
        "publish after retirement",
        w.publish_text("gd0", w.now - 50, "gd0-late.sl"),
    );
    keep("update", w.update(&["--region", &w.s("gd-2.tl")]));
    keep(
        "update, retired signer",
        w.update(&["--status", &w.s("gd0-late.sl")]),
    );
    keep(
        "update, rollback",
        w.update(&["--status", &w.s("gd1-0.sl")]),
    );
    let times: Vec<String> = [
        w.now - 7200,
        w.now - 3000,
        w.now - 4000,
        w.now - 50,
        w.t,
        w.t - 600,
        w.t - 900,
    ]
    .iter()
    .map(i64::to_string)
    .collect();
    for (what, r) in &outputs {
        let text = format!("{}{}", r.stdout, r.stderr);
        for t in &times {
            assert!(
                !text.contains(t.as_str()),
                "{what} shows the Unix time {t}: {r}"
            );
        }
        for name in [
            "StatusListSigning",
            "LicenceSigning",
            "TtlElapsed",
            "MaxAge",
            "Compromised(",
            "Retired(",
            "Active",
            "Some(",
            "None",
        ] {
            assert!(!text.contains(name), "{what} shows {name}: {r}");
        }
    }
    // The refusals among them, with their codes.
    let by = |what: &str| &outputs.iter().find(|(w, _)| w == what).unwrap().1;
    by("update, retired signer").assert_error("AUTHORITY_RETIRED");
    by("update, rollback").assert_error("TRUST_LIST_ROLLBACK");
    assert!(
        by("update").stdout.contains("[AUTHORITY_RETIRED]"),
        "gd0's list, issued after its retirement, left: {}",
        by("update")
    );
}

/// A Unix time as the CLI prints it in text: China Standard Time.
fn fmt_cst(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix + 8 * 3600, 0)
        .unwrap()
        .format("%Y-%m-%d %H:%M:%S CST (UTC+8)")
        .to_string()
}
