//! End-to-end tests of the `elicense` binary: each runs the built program
//! in a temporary directory and checks its exact exit status, verdict and
//! reason code.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{assert_verdict, authority_new, now, p, region_init, run, Run, SAMPLE};
use tempfile::TempDir;

const HOLDER: &str = "上海浦江智联科技有限公司";
const BASE45: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/// A Shanghai region with one licence-signing authority, made by the binary.
struct Region {
    dir: TempDir,
}

impl Region {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let sh = dir.path().join("sh");
        let r = region_init("310000", "上海市电子证照根CA", &sh, &[]);
        assert_eq!(r.code, 0, "{r}");
        assert!(r.stdout.contains("root.key.pem"), "{r}");
        assert!(r.stdout.contains("root.cert.pem"), "{r}");
        let r = authority_new(&sh, "上海市市场监督管理局", "11310000MB2F31727A", &sh, &[]);
        assert_eq!(r.code, 0, "{r}");
        assert!(r.stdout.contains("authority.key.pem"), "{r}");
        Region { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
    fn sh(&self, name: &str) -> String {
        p(&self.path("sh").join(name)).to_owned()
    }
    fn root(&self) -> String {
        self.sh("root.cert.pem")
    }
    fn authority(&self) -> String {
        self.sh("authority.cert.pem")
    }

    /// Issues the sample licence now, writing its QR text to `licence.txt`
    /// plus any `extra` arguments; returns the QR text.
    fn issue(&self, extra: &[&str]) -> String {
        let out = self.path("licence.txt");
        let issued_at = now().to_string();
        let mut args = vec![
            "issue".to_owned(),
            "--key".into(),
            self.sh("authority.key.pem"),
            "--cert".into(),
            self.authority(),
            "--licence".into(),
            SAMPLE.into(),
            "--issued-at".into(),
            issued_at,
            "--out".into(),
            p(&out).into(),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        let r = run(&args);
        assert_eq!(r.code, 0, "{r}");
        assert!(
            r.stderr.contains(
                "identifier: 1.2.156.3005.2.11100000000013338W011.11310000MB2F31727A.20240001735.001."
            ),
            "{r}"
        );
        assert!(r.stderr.contains("QR code: version "), "{r}");
        let text = fs::read_to_string(out).unwrap().trim().to_owned();
        assert!(text.starts_with("EL2:"), "{text}");
        text
    }

    fn verify(&self, input: &[&str], extra: &[&str]) -> Run {
        let root = self.root();
        let mut args = vec!["verify", "--root", &root];
        args.extend_from_slice(extra);
        args.extend_from_slice(input);
        run(args)
    }
}

// 1.
#[test]
fn round_trip_region_authority_issue_verify_is_valid() {
    let region = Region::new();
    let text = region.issue(&[]);
    let qr_file = region.path("licence.txt");
    let authority = region.authority();
    let r = region.verify(&["--qr-file", p(&qr_file)], &["--authority", &authority]);
    assert_eq!(r.code, 0, "{r}");
    assert_verdict(&r, "VALID", "OK");
    assert!(r.stdout.contains(HOLDER), "{r}");
    assert!(r.stdout.contains("Authority: 上海市市场监督管理局"), "{r}");
    assert!(r.stderr.is_empty(), "{r}");

    // The same, with the QR text as an argument.
    let r = region.verify(&[&text], &["--authority", &authority]);
    assert_eq!(r.code, 0, "{r}");
    assert!(r.stdout.starts_with("Verdict: VALID"), "{r}");
}

/// Changes one Base45 character in the middle so that its 3-character group
/// still decodes (its least significant digit moves by one).
fn tamper(text: &str) -> String {
    let body = &text["EL2:".len()..];
    let chars: Vec<char> = body.chars().collect();
    let mut i = chars.len() / 2;
    i -= i % 3; // start of a group
    assert!(i + 2 < chars.len(), "a full group");
    let v = BASE45.find(chars[i]).expect("Base45 character");
    let nv = if v > 0 { v - 1 } else { v + 1 };
    let mut out: Vec<char> = chars.clone();
    out[i] = BASE45.as_bytes()[nv] as char;
    assert_ne!(out, chars);
    format!("EL2:{}", out.into_iter().collect::<String>())
}

// 2.
#[test]
fn one_changed_character_is_invalid() {
    let region = Region::new();
    let text = region.issue(&[]);
    let bad = tamper(&text);
    assert_eq!(bad.len(), text.len());
    let authority = region.authority();
    let r = region.verify(&[&bad], &["--authority", &authority, "--json"]);
    assert_eq!(r.code, 3, "{r}");
    let v = r.json();
    assert_eq!(v["verdict"], "INVALID", "{r}");
    let reason = v["reason"].as_str().unwrap().to_owned();
    const EXPECTED: &[&str] = &[
        "SIGNATURE_INVALID",
        "SIGNATURE_NON_CANONICAL",
        "CBOR_MALFORMED",
        "CBOR_TRAILING_BYTES",
        "CBOR_UNSUPPORTED",
        "CBOR_ITEM_TOO_LARGE",
        "CBOR_INDEFINITE_LENGTH",
        "CBOR_DUPLICATE_KEY",
        "COSE_MALFORMED",
        "COSE_UNTAGGED",
        "COSE_ALG_MISSING",
        "COSE_ALG_UNSUPPORTED",
        "COSE_KID_MISSING",
        "COSE_TYP_MISSING",
        "COSE_TYP_MISMATCH",
        "LICENCE_MALFORMED",
        "LICENCE_FIELD_INVALID",
        // When zlib was the shorter form, a changed character breaks the stream.
        "ZLIB_INVALID",
    ];
    println!("tampered QR text rejected with {reason}");
    assert!(
        EXPECTED.contains(&reason.as_str()),
        "unexpected reason {reason}: {r}"
    );
    // The text report names the same code.
    let r = region.verify(&[&bad], &["--authority", &authority]);
    assert_eq!(r.code, 3, "{r}");
    assert_verdict(&r, "INVALID", &reason);
}

// 3.
#[test]
fn another_regions_root_does_not_trust_the_authority() {
    let region = Region::new();
    let text = region.issue(&[]);
    let gd = region.path("gd");
    let r = region_init("440000", "广东省电子证照根CA", &gd, &[]);
    assert_eq!(r.code, 0, "{r}");
    let authority = region.authority();
    let r = run([
        "verify",
        "--root",
        p(&gd.join("root.cert.pem")),
        "--authority",
        &authority,
        &text,
    ]);
    assert_eq!(r.code, 3, "{r}");
    assert_verdict(&r, "INVALID", "ISSUER_NOT_TRUSTED");
    assert!(
        r.stdout.contains(
            "  ✗ Issuer's certificate: The signing certificate does not chain to a trusted root \
             [ISSUER_NOT_TRUSTED]\n"
        ),
        "{r}"
    );
}

// 4.
#[test]
fn without_the_authority_certificate_is_indeterminate() {
    let region = Region::new();
    let text = region.issue(&[]);
    let r = region.verify(&[&text], &[]);
    assert_eq!(r.code, 4, "{r}");
    assert_verdict(&r, "INDETERMINATE", "SIGNER_UNKNOWN");
    // Nothing from the unverified claims is shown.
    assert!(!r.stdout.contains(HOLDER), "{r}");
}

// 5.
#[cfg(unix)]
#[test]
fn key_files_are_0600_and_never_silently_replaced() {
    use std::os::unix::fs::PermissionsExt;
    let region = Region::new();
    for key in ["root.key.pem", "authority.key.pem"] {
        let mode = fs::metadata(region.sh(key)).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{key} has mode {mode:o}");
    }
    let before = fs::read(region.sh("root.key.pem")).unwrap();
    let init = |force: bool| {
        let extra: &[&str] = if force { &["--force"] } else { &[] };
        region_init("310000", "x", &region.path("sh"), extra)
    };
    let r = init(false);
    assert_eq!(r.code, 1, "{r}");
    assert!(r.stderr.starts_with("error: "), "{r}");
    assert!(r.stderr.contains("--force"), "{r}");
    assert_eq!(fs::read(region.sh("root.key.pem")).unwrap(), before);

    let r = init(true);
    assert_eq!(r.code, 0, "{r}");
    assert_ne!(fs::read(region.sh("root.key.pem")).unwrap(), before);
    let mode = fs::metadata(region.sh("root.key.pem"))
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o600, "replaced key has mode {mode:o}");
}

// 6.
#[test]
fn json_report_has_verdict_and_nine_checks() {
    let region = Region::new();
    let text = region.issue(&[]);
    let authority = region.authority();
    let r = region.verify(&[&text], &["--authority", &authority, "--json"]);
    assert_eq!(r.code, 0, "{r}");
    let v = r.json();
    assert_eq!(v["verdict"], "VALID");
    assert_eq!(v["reason"], "OK");
    let checks = v["checks"].as_array().expect("checks array");
    assert_eq!(checks.len(), 9, "{r}");
    assert!(checks[..8].iter().all(|c| c["outcome"] == "PASS"), "{r}");
    assert_eq!(checks[6]["check"], "CATALOGUE", "{r}");
    // Without a bundle or a status list, nobody checked revocation: the
    // report says so, and so does a warning.
    assert_eq!(checks[8]["check"], "STATUS", "{r}");
    assert_eq!(checks[8]["outcome"], "NOT_CHECKED", "{r}");
    assert_eq!(v["warnings"][0]["code"], "STATUS_NOT_CHECKED", "{r}");
    assert_eq!(v["licence"]["holder"]["name"], HOLDER);

    // `issue --json` too.
    let r = run([
        "issue",
        "--key",
        &region.sh("authority.key.pem"),
        "--cert",
        &authority,
        "--licence",
        SAMPLE,
        "--json",
    ]);
    assert_eq!(r.code, 0, "{r}");
    let v = r.json();
    let qr_text = v["qr_text"].as_str().unwrap();
    assert!(qr_text.starts_with("EL2:"));
    assert_eq!(v["qr_chars"].as_u64(), Some(qr_text.len() as u64));
    assert_eq!(v["ecc"], "Q");
    assert!((1..=40).contains(&v["qr_version"].as_u64().unwrap()), "{r}");
    assert!(v["cose_bytes"].as_u64().unwrap() > 0);
    assert!(v["identifier"]
        .as_str()
        .unwrap()
        .starts_with("1.2.156.3005.2.11100000000013338W011.11310000MB2F31727A."));
}

// 7.
#[test]
fn png_written_by_issue_verifies_from_the_image() {
    let region = Region::new();
    let png = region.path("licence.png");
    let svg = region.path("licence.svg");
    region.issue(&["--png", p(&png), "--svg", p(&svg)]);
    assert!(fs::read(&png).unwrap().starts_with(b"\x89PNG\r\n\x1a\n"));
    assert!(fs::read_to_string(&svg).unwrap().contains("<svg"));
    let authority = region.authority();
    let r = region.verify(&["--image", p(&png)], &["--authority", &authority]);
    assert_eq!(r.code, 0, "{r}");
    assert_verdict(&r, "VALID", "OK");
    assert!(r.stdout.contains(HOLDER), "{r}");
}

// 8.
#[test]
fn demo_runs_with_no_arguments_and_is_valid() {
    let r = run(["demo"]);
    assert_eq!(r.code, 0, "{r}");
    assert!(r.stdout.contains("Verdict: VALID\n"), "{r}");
    assert!(r.stdout.contains(HOLDER), "{r}");
    assert!(r.stdout.contains("QR code:    version "), "{r}");
    let qr_lines = r
        .stdout
        .lines()
        .filter(|l| l.contains('▀') || l.contains('▄'))
        .count();
    assert!(qr_lines > 10, "a QR code of half blocks: {r}");

    let r = run(["demo", "--json"]);
    assert_eq!(r.code, 0, "{r}");
    let v = r.json();
    assert_eq!(v["report"]["verdict"], "VALID");
    assert_eq!(v["kept"], false);
    assert!(
        !Path::new(v["directory"].as_str().unwrap()).exists(),
        "temporary directory removed"
    );
}

#[test]
fn demo_out_keeps_files_that_verify_again() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("demo");
    let r = run(["demo", "--out", p(&out)]);
    assert_eq!(r.code, 0, "{r}");
    let r = run([
        "verify",
        "--qr-file",
        p(&out.join("licence.txt")),
        "--root",
        p(&out.join("root.cert.pem")),
        "--authority",
        p(&out.join("authority.cert.pem")),
    ]);
    assert_eq!(r.code, 0, "{r}");
    // A second demo into the same directory refuses to replace the keys.
    let r = run(["demo", "--out", p(&out)]);
    assert_eq!(r.code, 1, "{r}");
    assert!(r.stderr.starts_with("error: "), "{r}");
}

fn assert_one_error_line(r: &Run) {
    assert_eq!(r.code, 1, "{r}");
    assert!(r.stderr.starts_with("error: "), "{r}");
    assert_eq!(r.stderr.lines().count(), 1, "one line: {r}");
    assert!(!r.stderr.contains("panicked"), "{r}");
    assert!(!r.stderr.contains("Error {"), "no Debug dump: {r}");
    // Every error ends with its reason code.
    let code = r
        .stderr
        .trim_end()
        .strip_suffix(']')
        .and_then(|s| s.rsplit_once(" ["))
        .map(|(_, code)| code);
    assert!(
        code.and_then(elicense::ReasonCode::from_str_code).is_some(),
        "ends with [REASON_CODE]: {r}"
    );
}

/// Asserts exit status `exit` and, on standard error, exactly one JSON
/// object `{"reason": reason, "message": …}`; returns the message.
fn assert_json_error(r: &Run, exit: i32, reason: &str) -> String {
    assert_eq!(r.code, exit, "{r}");
    assert!(r.stdout.is_empty(), "{r}");
    assert_eq!(r.stderr.lines().count(), 1, "one line: {r}");
    let v = r.stderr_json();
    let members: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(members, ["message", "reason", "reason_message"], "{r}");
    let code = elicense::ReasonCode::from_str_code(reason).unwrap();
    assert_eq!(v["reason_message"], code.message(elicense::Lang::En), "{r}");
    assert_eq!(v["reason"], reason, "{r}");
    let message = v["message"].as_str().unwrap().to_owned();
    assert!(!message.is_empty() && !message.ends_with(']'), "{r}");
    message
}

#[test]
fn every_error_ends_with_its_code_and_is_json_with_json() {
    let region = Region::new();
    let two = region.path("two.pem");
    let pem = fs::read_to_string(region.root()).unwrap()
        + &fs::read_to_string(region.authority()).unwrap();
    fs::write(&two, pem).unwrap();
    let key = region.sh("authority.key.pem");
    let issue = |cert: &str, key: &str, extra: &[&str]| {
        let mut args = vec!["issue", "--key", key, "--cert", cert, "--licence", SAMPLE];
        args.extend_from_slice(extra);
        run(args)
    };
    // Two certificates where one is expected.
    let r = issue(p(&two), &key, &[]);
    assert_one_error_line(&r);
    assert!(
        r.stderr
            .trim_end()
            .ends_with("holds 2 certificates; give a file with exactly one [INVALID_ARGUMENT]"),
        "{r}"
    );
    let message = assert_json_error(&issue(p(&two), &key, &["--json"]), 1, "INVALID_ARGUMENT");
    assert!(
        message.ends_with("holds 2 certificates; give a file with exactly one"),
        "{message}"
    );
    // A file that cannot be read.
    let missing = region.path("missing.pem");
    let r = issue(&region.authority(), p(&missing), &[]);
    assert_one_error_line(&r);
    assert!(r.stderr.trim_end().ends_with("[STORAGE_FAILED]"), "{r}");
    let message = assert_json_error(
        &issue(&region.authority(), p(&missing), &["--json"]),
        1,
        "STORAGE_FAILED",
    );
    assert!(
        message.starts_with(&format!("cannot read {}: ", p(&missing))),
        "{message}"
    );
    // The library's own code.
    let r = issue(&region.authority(), &region.sh("root.key.pem"), &["--json"]);
    assert_json_error(&r, 1, "SIGNER_FAILED");
    // A usage error: clap's text without --json, JSON with it.
    let r = run(["verify", "--root", "r.pem", "--at", "tomorrow", "EL2:X"]);
    assert_eq!(r.code, 2, "{r}");
    assert!(r.stderr.starts_with("error: "), "{r}");
    let r = run([
        "verify", "--root", "r.pem", "--at", "tomorrow", "EL2:X", "--json",
    ]);
    let message = assert_json_error(&r, 2, "INVALID_ARGUMENT");
    assert!(message.contains("--at"), "{message}");
    assert_json_error(&run(["verify", "--json"]), 2, "INVALID_ARGUMENT");
    // --help is not an error, with or without --json.
    let r = run(["verify", "--help", "--json"]);
    assert_eq!(r.code, 0, "{r}");
    assert!(r.stdout.contains("Examples:"), "{r}");
    // Verification outcomes are reports, not errors: JSON on standard output.
    let r = region.verify(&["EL2:"], &["--json"]);
    assert_eq!(r.code, 3, "{r}");
    assert!(r.stderr.is_empty(), "{r}");
    assert_eq!(r.json()["reason"], "PAYLOAD_ENCODING_UNKNOWN", "{r}");
}

#[test]
fn qr_text_files_may_end_with_line_ends_and_nothing_else() {
    let region = Region::new();
    let text = region.issue(&[]);
    let authority = region.authority();
    let file = region.path("carried.txt");
    let verify_file = |contents: &str| {
        fs::write(&file, contents).unwrap();
        let r = region.verify(
            &["--qr-file", p(&file)],
            &["--authority", &authority, "--json"],
        );
        (r.code, r.json())
    };
    for ending in ["", "\n", "\r\n", "\n\n"] {
        let (code, report) = verify_file(&format!("{text}{ending}"));
        assert_eq!(
            (code, report["verdict"].as_str()),
            (0, Some("VALID")),
            "{ending:?}: {report}"
        );
    }
    // FORMAT §2: a space is Base45, and no valid text ends with one.
    let (code, report) = verify_file(&format!("{text} \n"));
    assert_eq!(code, 3, "{report}");
    assert_eq!(report["checks"][0]["check"], "DECODE");
    let reason = report["reason"].as_str().unwrap();
    assert!(
        ["BASE45_INVALID_LENGTH", "BASE45_VALUE_OUT_OF_RANGE"].contains(&reason),
        "{report}"
    );
    let (code, report) = verify_file(&format!(" {text}"));
    assert_eq!(
        (code, report["reason"].as_str()),
        (3, Some("QR_PREFIX_INVALID")),
        "{report}"
    );
    let (code, report) = verify_file(&format!("{text}\t\n"));
    assert_eq!(
        (code, report["reason"].as_str()),
        (3, Some("BASE45_INVALID_CHARACTER")),
        "{report}"
    );
}

// 9.
#[test]
fn missing_key_file_is_one_error_naming_the_path() {
    let region = Region::new();
    let missing = region.path("no-such-key.pem");
    let authority = region.authority();
    let r = run([
        "issue",
        "--key",
        p(&missing),
        "--cert",
        &authority,
        "--licence",
        SAMPLE,
    ]);
    assert_one_error_line(&r);
    assert!(r.stderr.contains(p(&missing)), "{r}");
    assert!(r.stdout.is_empty(), "{r}");
}

#[test]
fn garbage_key_is_key_invalid() {
    let region = Region::new();
    let garbage = region.path("garbage.pem");
    fs::write(
        &garbage,
        "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n",
    )
    .unwrap();
    let authority = region.authority();
    let r = run([
        "issue",
        "--key",
        p(&garbage),
        "--cert",
        &authority,
        "--licence",
        SAMPLE,
    ]);
    assert_one_error_line(&r);
    assert!(r.stderr.trim_end().ends_with("[KEY_INVALID]"), "{r}");
    assert!(r.stderr.contains(p(&garbage)), "{r}");
}

#[test]
fn wrong_inputs_give_their_reason_codes() {
    let region = Region::new();
    // A bad credit code.
    let r = authority_new(
        &region.path("sh"),
        "x",
        "11310000MB2F31727B",
        &region.path("other"),
        &[],
    );
    assert_one_error_line(&r);
    assert!(
        r.stderr.trim_end().ends_with("[IDENTIFIER_CHECK_FAILED]"),
        "{r}"
    );
    // The root key does not match the authority certificate.
    let r = run([
        "issue",
        "--key",
        &region.sh("root.key.pem"),
        "--cert",
        &region.authority(),
        "--licence",
        SAMPLE,
    ]);
    assert_one_error_line(&r);
    assert!(r.stderr.trim_end().ends_with("[SIGNER_FAILED]"), "{r}");
    // An authority certificate given as a root.
    let authority = region.authority();
    let r = run(["verify", "--root", &authority, "EL2:X"]);
    assert_one_error_line(&r);
    assert!(r.stderr.contains(&authority), "{r}");
}

#[test]
fn inspect_starts_with_the_untrusted_banner() {
    let region = Region::new();
    let text = region.issue(&[]);
    let r = run(["inspect", &text]);
    assert_eq!(r.code, 0, "{r}");
    assert_eq!(
        r.stdout.lines().next(),
        Some("UNTRUSTED: nothing below has been verified"),
        "{r}"
    );
    assert!(r.stdout.contains(HOLDER), "{r}");
    // Named by the built-in national catalogue, as claimed.
    assert!(
        r.stdout.contains("\n  Legal representative: 李明华\n"),
        "{r}"
    );
    assert!(
        r.stdout
            .contains("\n  Registered capital: 10,000,000 yuan\n"),
        "{r}"
    );
    let r = run(["inspect", "--lang", "zh", &text]);
    assert!(r.stdout.contains("\n  注册资本：1000万元\n"), "{r}");

    let r = run([
        "inspect",
        "--qr-file",
        p(&region.path("licence.txt")),
        "--json",
    ]);
    assert_eq!(r.code, 0, "{r}");
    let v = r.json();
    assert_eq!(v["untrusted"], true);
    assert_eq!(v["licence"]["holder"]["name"], HOLDER);
    let item = &v["catalogue"]["items"][0];
    assert_eq!(item["number"], 3);
    assert_eq!(item["name"]["zh"], "法定代表人");
    assert_eq!(item["value"], "李明华");

    let r = run(["inspect", "NOT-A-LICENCE"]);
    assert_one_error_line(&r);
    assert!(r.stderr.trim_end().ends_with("[QR_PREFIX_INVALID]"), "{r}");
}

#[test]
fn at_checks_the_licence_at_another_time() {
    let region = Region::new();
    let text = region.issue(&[]);
    let authority = region.authority();
    // Before it was issued.
    let r = region.verify(&[&text], &["--authority", &authority, "--at", "2020-01-01"]);
    assert_eq!(r.code, 3, "{r}");
    assert_verdict(&r, "INVALID", "LICENCE_ISSUED_IN_FUTURE");
    // An hour from now, as RFC 3339 and as Unix seconds: still valid (long-term).
    let later = (now() + 3600).to_string();
    let r = region.verify(&[&text], &["--authority", &authority, "--at", &later]);
    assert_eq!(r.code, 0, "{r}");
    let r = run(["verify", "--root", "x.pem", "--at", "tomorrow", &text]);
    assert_eq!(r.code, 2, "usage error: {r}");
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(run(["verify"]).code, 2);
    assert_eq!(run(["frobnicate"]).code, 2);
    // Two inputs at once.
    assert_eq!(
        run(["verify", "--root", "r.pem", "EL2:X", "--qr-file", "f"]).code,
        2
    );
    assert_eq!(run(["issue", "--ecc", "Z"]).code, 2);
}

// 10.
#[test]
fn every_command_has_help_with_an_example() {
    let commands: &[&[&str]] = &[
        &[],
        &["region"],
        &["region", "init"],
        &["authority"],
        &["authority", "new"],
        &["issue"],
        &["verify"],
        &["inspect"],
        &["demo"],
    ];
    for cmd in commands {
        let mut args: Vec<&str> = cmd.to_vec();
        args.push("--help");
        let r = run(&args);
        assert_eq!(r.code, 0, "{args:?}: {r}");
        assert!(r.stdout.contains("Usage: elicense"), "{args:?}: {r}");
        assert!(r.stdout.contains("Example"), "{args:?} has no example: {r}");
    }
    let r = run(["verify", "--help"]);
    for line in [
        "0  VALID",
        "1  error",
        "2  usage error",
        "3  INVALID",
        "4  INDETERMINATE",
    ] {
        assert!(r.stdout.contains(line), "verify --help lacks {line:?}: {r}");
    }
    let r = run(["--version"]);
    assert_eq!(r.code, 0, "{r}");
    assert!(r.stdout.starts_with("elicense "), "{r}");
}

/// `2024年5月20日 10:00:00` and `2024-05-20 10:00:00`: a Unix time in China
/// Standard Time, as reports write it in Chinese and in English.
fn cst_words(unix: i64) -> (String, String) {
    let t = chrono::DateTime::from_timestamp(unix + 8 * 3600, 0).unwrap();
    (
        t.format("%Y年%-m月%-d日 %H:%M:%S").to_string(),
        t.format("%Y-%m-%d %H:%M:%S").to_string(),
    )
}

#[test]
fn verify_reads_naturally_in_chinese_and_in_english() {
    let region = Region::new();
    let text = region.issue(&[]);
    let authority = region.authority();
    let at = now() + 60;
    let at_s = at.to_string();
    let (zh_time, en_time) = cst_words(at);

    // A valid licence, in Chinese.
    let r = region.verify(
        &[&text],
        &["--authority", &authority, "--at", &at_s, "--lang", "zh"],
    );
    assert_eq!(r.code, 0, "{r}");
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines[0], "结论：有效", "{r}");
    assert_eq!(
        lines[1],
        format!("核验时间：{zh_time}（北京时间 UTC+8）"),
        "{r}"
    );
    assert_eq!(
        lines[2], "注意：未核查是否已被注销或暂停 [STATUS_NOT_CHECKED]",
        "{r}"
    );
    for line in [
        "证照：营业执照（类型代码：11100000000013338W011）",
        "  持证主体：上海浦江智联科技有限公司（统一社会信用代码 91310115MA1K4LQX58）",
        "  有效期：2019年5月20日至长期",
        "签发机关：上海市市场监督管理局",
        "  地区：310000（根证书：上海市电子证照根CA）",
        "校验项目：",
        "  ✓ 读取二维码：通过",
        "  ✓ 验证签名：通过",
        "  ✓ 核对有效期：通过",
    ] {
        assert!(lines.contains(&line), "no line {line:?}: {r}");
    }
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("  签发时间：") && l.ends_with("（北京时间 UTC+8）")),
        "{r}"
    );
    // The same in English.
    let r = region.verify(
        &[&text],
        &["--authority", &authority, "--at", &at_s, "--lang", "en"],
    );
    assert_eq!(r.code, 0, "{r}");
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines[0], "Verdict: VALID", "{r}");
    assert_eq!(
        lines[1],
        format!("Checked at: {en_time} CST (UTC+8)"),
        "{r}"
    );
    assert!(lines.contains(&"  ✓ Signature: passed"), "{r}");

    // Each category in Chinese: the verdict line says what it means, the
    // next line why, with the code.
    let gd = region.path("gd");
    assert_eq!(
        region_init("440000", "广东省电子证照根CA", &gd, &[]).code,
        0
    );
    let gd_root = p(&gd.join("root.cert.pem")).to_owned();
    let cases: Vec<(Run, i32, &str, &str)> = vec![
        (
            region.verify(
                &[&text.replacen("EL2:", "HC1:", 1)],
                &["--authority", &authority, "--lang", "zh"],
            ),
            3,
            "结论：无效 — 二维码无法识读",
            "原因：不是电子证照二维码 [QR_PREFIX_INVALID]",
        ),
        (
            run([
                "verify",
                "--lang",
                "zh",
                "--root",
                &gd_root,
                "--authority",
                &authority,
                &text,
            ]),
            3,
            "结论：无效 — 证照不是真实的",
            "原因：签名证书不是由受信任的根证书签发的 [ISSUER_NOT_TRUSTED]",
        ),
        (
            region.verify(
                &[&text],
                &[
                    "--authority",
                    &authority,
                    "--at",
                    "2020-01-01",
                    "--lang",
                    "zh",
                ],
            ),
            3,
            "结论：无效 — 证照是真实的，但当前无效（已被注销、暂停，已过期或尚未生效）",
            "原因：证照的签发时间晚于当前时间 [LICENCE_ISSUED_IN_FUTURE]",
        ),
        (
            region.verify(&[&text], &["--lang", "zh"]),
            4,
            "结论：无法确定 — 缺少判断所需的信息，或信息已过期",
            "原因：找不到签发机关的证书 [SIGNER_UNKNOWN]",
        ),
    ];
    for (r, code, verdict, reason) in &cases {
        assert_eq!(r.code, *code, "{r}");
        let lines: Vec<&str> = r.stdout.lines().collect();
        assert_eq!((lines[0], lines[1]), (*verdict, *reason), "{r}");
        assert!(lines[2].starts_with("核验时间："), "{r}");
    }
    // The failed check, in words, with its code and the technical detail.
    assert!(
        cases[1].0.stdout.contains(
            "  ✗ 核验签发机关证书：签名证书不是由受信任的根证书签发的 [ISSUER_NOT_TRUSTED]\n      详情："
        ),
        "{}",
        cases[1].0
    );
    assert!(
        cases[1].0.stdout.contains("  – 核对有效期：未进行\n"),
        "{}",
        cases[1].0
    );

    // The locale chooses the language when --lang is not given; --lang wins.
    let args = [
        "verify",
        "--root",
        &region.root(),
        "--authority",
        &authority,
        &text,
    ];
    let r = common::run_in_locale(args, "zh_CN.UTF-8");
    assert!(r.stdout.starts_with("结论：有效\n"), "{r}");
    // The data items by their catalogue names, in its order, with units
    // and dates written for people.
    let items = [
        "证照：营业执照（类型代码：11100000000013338W011）",
        "  法定代表人：李明华",
        "  注册资本：1000万元",
        "  成立日期：2019年5月20日",
        "  住所：上海市浦东新区碧波路690号",
        "  经营范围：软件开发；信息技术咨询服务；技术服务、技术开发",
    ];
    let lines: Vec<&str> = r.stdout.lines().collect();
    let order: Vec<usize> = items
        .iter()
        .map(|i| {
            lines
                .iter()
                .position(|l| l == i)
                .unwrap_or_else(|| panic!("no {i:?} in {r}"))
        })
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{r}");
    let r = common::run_in_locale(args.iter().chain(&["--lang", "en"]), "zh_CN.UTF-8");
    assert!(r.stdout.starts_with("Verdict: VALID\n"), "{r}");
    let r = common::run_in_locale(args, "fr_FR.UTF-8");
    assert!(r.stdout.starts_with("Verdict: VALID\n"), "{r}");

    // JSON carries the category, the CST times and messages in the language.
    let r = region.verify(
        &[&text],
        &[
            "--authority",
            &authority,
            "--at",
            &at_s,
            "--json",
            "--lang",
            "zh",
        ],
    );
    let j = r.json();
    assert_eq!(j["category"], "VALID");
    assert_eq!(j["lang"], "zh");
    assert_eq!(j["checked_at"], at);
    assert_eq!(
        j["checked_at_cst"],
        format!("{}+08:00", en_time.replace(' ', "T"))
    );
    assert_eq!(j["checks"][3]["name"], "验证签名");
    assert_eq!(j["checks"][3]["message"], "通过");
    let r = run([
        "verify",
        "--json",
        "--root",
        &gd_root,
        "--authority",
        &authority,
        &text,
    ]);
    let j = r.json();
    assert_eq!(j["category"], "NOT_GENUINE");
    assert_eq!(j["message"], "INVALID — the licence is not genuine");
    assert_eq!(
        j["checks"][5]["message"],
        "The signing certificate does not chain to a trusted root"
    );

    // An error keeps its code at the end, after the words of the language.
    let missing = p(&region.path("missing.txt")).to_owned();
    let root = region.root();
    let r = run([
        "verify",
        "--lang",
        "zh",
        "--root",
        &root,
        "--qr-file",
        &missing,
    ]);
    assert_eq!(r.code, 1, "{r}");
    let last = r.stderr.lines().last().unwrap();
    assert!(
        last.starts_with("错误：读写存储失败，操作未执行：cannot read "),
        "{r}"
    );
    assert!(last.ends_with(" [STORAGE_FAILED]"), "{r}");
    let r = run([
        "verify",
        "--lang",
        "zh",
        "--json",
        "--root",
        &root,
        "--qr-file",
        &missing,
    ]);
    assert_eq!(
        r.stderr_json()["reason_message"],
        "读写存储失败，操作未执行"
    );
    // An unknown language is a usage error.
    assert_eq!(run(["verify", "--lang", "fr", &text]).code, 2);
}

#[test]
fn inspect_and_times_in_china_standard_time() {
    let region = Region::new();
    let text = region.issue(&[]);
    let r = run(["inspect", "--lang", "zh", &text]);
    assert_eq!(r.code, 0, "{r}");
    assert!(
        r.stdout.starts_with("未经核验：以下内容均未经验证\n"),
        "{r}"
    );
    assert!(
        r.stdout.contains(
            "  持证主体：上海浦江智联科技有限公司（统一社会信用代码 91310115MA1K4LQX58）\n"
        ),
        "{r}"
    );
    let r = run(["inspect", &text]);
    assert!(
        r.stdout
            .starts_with("UNTRUSTED: nothing below has been verified\n"),
        "{r}"
    );
    assert!(
        r.stdout
            .contains("  valid: 2019-05-20 to long-term (长期)\n"),
        "{r}"
    );
    let j = run(["inspect", "--json", &text]).json();
    let issued_at = j["licence"]["issued_at"].as_i64().unwrap();
    let (_, en) = cst_words(issued_at);
    assert_eq!(
        j["issued_at_cst"],
        format!("{}+08:00", en.replace(' ', "T"))
    );
}
