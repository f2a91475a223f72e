//! The verification report's JSON (`Report::to_json`, which the CLI, the
//! HTTP service, the C ABI and the browser return unchanged) against its
//! published JSON Schema, docs/report.schema.json (docs/FORMAT.md §15).
//!
//! Reports of every verdict and of a failure at every check, with and
//! without a trust bundle (status lists, recognition policy), are written to
//! files and validated by `scripts/validate-json.py` (Python `jsonschema`,
//! draft 2020-12 with formats; scripts/test.sh installs it). Reports altered
//! in one place each must be refused, so the validation is shown to bite.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use elicense::alg::{Algorithm, SecretKey};
use elicense::bundle::TrustBundle;
use elicense::demo::{sample_issued_at, Demo, SAMPLE_LICENCE_JSON};
use elicense::envelope::{ArtifactType, PreparedSign1};
use elicense::licence::{LicenceSpec, SignedLicence};
use elicense::pki::{create_region_root, RegionRootParams};
use elicense::policy::TrustLevel;
use elicense::trust::{AuthorityState, ListedAuthority};
use elicense::verify::{Category, CheckKind, Report, TrustStore, Verdict, Verifier, VerifyOptions};
use elicense::{Lang, ReasonCode};
use serde_json::Value;

use common::*;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn schema() -> Value {
    let text = std::fs::read_to_string(root().join("docs/report.schema.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// A fresh directory for this run's files.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "elicense-report-schema-{name}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs the validator on `files`: its exit code and its output lines.
fn validate(files: &[PathBuf]) -> (i32, Vec<String>) {
    let out = Command::new("python3")
        .arg(root().join("scripts/validate-json.py"))
        .arg(root().join("docs/report.schema.json"))
        .args(files)
        .output()
        .expect("python3 runs (scripts/test.sh installs it with jsonschema)");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let code = out.status.code().unwrap_or(-1);
    assert_ne!(
        code, 2,
        "the validator could not run (pip install jsonschema): {stderr}"
    );
    let lines = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    (code, lines)
}

fn write_all(dir: &Path, reports: &[(String, String)]) -> Vec<PathBuf> {
    reports
        .iter()
        .map(|(name, json)| {
            let path = dir.join(format!("{name}.json"));
            std::fs::write(&path, json).unwrap();
            path
        })
        .collect()
}

// --- Reports without a bundle: the demo region ------------------------------

fn demo() -> Demo {
    Demo::with_keys(
        SecretKey::from_seed(&[1; 32]),
        SecretKey::from_seed(&[2; 32]),
    )
    .unwrap()
}

fn sample_spec() -> LicenceSpec {
    LicenceSpec::from_json(SAMPLE_LICENCE_JSON).unwrap()
}

/// (name, report, expected verdict, expected reason, the check that decided).
type Case = (String, Report, Verdict, ReasonCode, Option<CheckKind>);

fn demo_reports() -> Vec<Case> {
    let d = demo();
    let verifier = d.verifier();
    let now = sample_issued_at() + DAY;
    let sign = |spec: LicenceSpec| {
        spec.to_licence(sample_issued_at())
            .unwrap()
            .sign(&signer(&d.authority, &d.authority_key))
            .unwrap()
    };
    let sample = sign(sample_spec());
    let text = sample.qr_text();
    let mut out: Vec<Case> = Vec::new();
    let mut add = |name: &str, r: Report, verdict, reason, check| {
        out.push((name.to_owned(), r, verdict, reason, check));
    };
    use CheckKind as K;
    use ReasonCode as R;
    use Verdict::{Indeterminate, Invalid, Valid};

    add(
        "valid",
        verifier.verify_qr(&text, elicense::UnixTime::from_secs(now)),
        Valid,
        R::Ok,
        None,
    );
    add(
        "valid-cose-no-decode-check",
        verifier.verify_cose(sample.cose(), elicense::UnixTime::from_secs(now)),
        Valid,
        R::Ok,
        None,
    );
    // A citizen holder, a licence number, an end date, a pilot-code warning
    // is not possible for citizens: a second licence gives that.
    let citizen = sign(LicenceSpec {
        number: Some("沪字第0001号".into()),
        valid_until: Some("2029-05-19".parse().unwrap()),
        status_index: None,
        holder: elicense::licence::HolderSpec {
            kind: elicense::licence::HolderKind::Citizen,
            name: "王五".into(),
            code: "13043419840726291X".into(),
        },
        ..sample_spec()
    });
    add(
        "valid-citizen-dated",
        verifier.verify_qr(&citizen.qr_text(), elicense::UnixTime::from_secs(now)),
        Valid,
        R::Ok,
        None,
    );
    let pilot = sign(LicenceSpec {
        holder: elicense::licence::HolderSpec {
            kind: elicense::licence::HolderKind::Organisation,
            name: "厦门某公司".into(),
            code: "91350203M0001QAY9B".into(),
        },
        ..sample_spec()
    });
    let r = verifier.verify_qr(&pilot.qr_text(), elicense::UnixTime::from_secs(now));
    // The pilot code's warning, and STATUS_NOT_CHECKED (no status list given).
    assert_eq!(r.warnings.len(), 2, "{}", r.to_text());
    add("valid-with-warning", r, Valid, R::Ok, None);

    add(
        "invalid-decode",
        verifier.verify_qr(
            &text.replacen("EL2:", "HC1:", 1),
            elicense::UnixTime::from_secs(now),
        ),
        Invalid,
        R::QrPrefixInvalid,
        Some(K::Decode),
    );
    add(
        "invalid-envelope",
        verifier.verify_cose(
            &sample.cose()[..sample.cose().len() - 1],
            elicense::UnixTime::from_secs(now),
        ),
        Invalid,
        R::CborMalformed,
        Some(K::Envelope),
    );
    let stranger = Verifier::new(TrustStore::new(vec![d.root.clone()], vec![]).unwrap());
    add(
        "indeterminate-signer",
        stranger.verify_qr(&text, elicense::UnixTime::from_secs(now)),
        Indeterminate,
        R::SignerUnknown,
        Some(K::Signer),
    );
    let mut forged = sample.cose().to_vec();
    let last = forged.len() - 40;
    forged[last] ^= 1;
    add(
        "invalid-signature",
        verifier.verify_cose(&forged, elicense::UnixTime::from_secs(now)),
        Invalid,
        R::SignatureInvalid,
        Some(K::Signature),
    );
    // A signed claims set without nbf.
    let prepared = PreparedSign1::new(
        ArtifactType::Licence,
        elicense::alg::Algorithm::EdDsa,
        *d.authority.kid(),
        vec![0xa0],
    );
    let signature = d.authority_key.sign_bytes(&prepared.to_be_signed());
    let cose = prepared
        .complete(&signature, &d.authority_key.public_key())
        .unwrap();
    add(
        "invalid-claims",
        verifier.verify_cose(&cose, elicense::UnixTime::from_secs(now)),
        Invalid,
        R::LicenceMalformed,
        Some(K::Claims),
    );
    let other_key = SecretKey::from_seed(&[4; 32]);
    let other_root = create_region_root(
        &other_key,
        &RegionRootParams {
            region: "440000".parse().unwrap(),
            name: "广东省电子证照根CA".into(),
            not_before: d.root.not_before(),
            not_after: d.root.not_after(),
            serial_number: None,
        },
    )
    .unwrap();
    let foreign =
        Verifier::new(TrustStore::new(vec![other_root], vec![d.authority.clone()]).unwrap());
    add(
        "invalid-certificate",
        foreign.verify_qr(&text, elicense::UnixTime::from_secs(now)),
        Invalid,
        R::IssuerNotTrusted,
        Some(K::Certificate),
    );
    add(
        "invalid-validity-expired",
        verifier.verify_qr(
            &citizen.qr_text(),
            elicense::UnixTime::from_secs(NOW + 5 * 365 * DAY),
        ),
        Invalid,
        R::LicenceExpired,
        Some(K::Validity),
    );
    add(
        "invalid-validity-future",
        verifier.verify_qr(
            &text,
            elicense::UnixTime::from_secs(sample_issued_at() - DAY),
        ),
        Invalid,
        R::LicenceIssuedInFuture,
        Some(K::Validity),
    );
    out
}

// --- Reports with a trust bundle: Shanghai verifies Guangdong's licences ---

fn region_list(r: &Region, types: &[&str], states: &[AuthorityState]) -> Vec<u8> {
    let authorities = r
        .authorities
        .iter()
        .zip(states)
        .map(|(a, state)| ListedAuthority {
            certificate: a.cert.clone(),
            types: types.iter().map(|t| t.parse().unwrap()).collect(),
            level: TrustLevel::A,
            state: *state,
        })
        .collect();
    sign_region_list(r, 1, authorities)
}

/// Shanghai's bundle with `policy`: Guangdong's first authority active
/// with a status list, its second compromised since before its licences; Shanghai's
/// own authority without a status list.
fn shanghai_bundle(sh: &Region, gd: &Region, policy: Option<&str>) -> TrustBundle {
    let fed_key = key_of(Algorithm::EdDsa, 200);
    let fed = federation_root(&fed_key, "全国一体化政务服务平台电子证照信任根", 200);
    let federation = federation_list_of(&fed_key, &fed, &[sh, gd], 1);
    let types = [NATIONAL_BUSINESS, GUANGDONG_BUSINESS, SICHUAN_PERMIT];
    let mut b = TrustBundle::new(fed.clone(), federation).unwrap();
    b.add_region_list(region_list(sh, &types, &[AuthorityState::Active]))
        .unwrap();
    b.add_region_list(region_list(
        gd,
        &types,
        &[
            AuthorityState::Active,
            AuthorityState::Compromised(NOW - 3 * DAY),
        ],
    ))
    .unwrap();
    b.add_status_list(
        status_list(
            &gd.authorities[0],
            NOW - 3600,
            &[(7, "revoke"), (8, "suspend")],
        ),
        elicense::UnixTime::from_secs(NOW),
    )
    .unwrap();
    if let Some(p) = policy {
        b.set_policy(p).unwrap();
    }
    TrustBundle::from_bytes(&b.to_bytes(), fed, elicense::UnixTime::from_secs(NOW)).unwrap()
}

fn licence(a: &Authority, type_code: &str, status_index: Option<u64>) -> SignedLicence {
    licence_of(a, type_code, status_index, NOW - 2 * DAY)
}

fn bundle_reports() -> Vec<Case> {
    let sh = region("310000", 1, &["11310000MB2F31727A"]);
    let gd = region("440000", 2, &["114400000073356321", "91440300MA5F8KTR22"]);
    let policy = include_str!("../examples/data/policy-shanghai.json");
    let warn_policy = policy.replace(
        "\"status_missing\": \"indeterminate\"",
        "\"status_missing\": \"warn\"",
    );
    assert_ne!(warn_policy, policy);
    let verifier = Verifier::from_bundle(shanghai_bundle(&sh, &gd, Some(policy))).unwrap();
    let warn = Verifier::from_bundle(shanghai_bundle(&sh, &gd, Some(&warn_policy))).unwrap();
    let no_policy = Verifier::from_bundle(shanghai_bundle(&sh, &gd, None)).unwrap();
    let gd0 = &gd.authorities[0];
    let text = |a, t, i| licence(a, t, i).qr_text();
    let mut out: Vec<Case> = Vec::new();
    let mut add = |name: &str, r: Report, verdict, reason, check| {
        out.push((format!("bundle-{name}"), r, verdict, reason, check));
    };
    use CheckKind as K;
    use ReasonCode as R;
    use Verdict::{Indeterminate, Invalid, Valid};

    let mapped = text(gd0, GUANGDONG_BUSINESS, Some(5));
    add(
        "valid-mapped",
        verifier.verify_qr(&mapped, elicense::UnixTime::from_secs(NOW)),
        Valid,
        R::Ok,
        None,
    );
    add(
        "valid-not-mapped",
        verifier.verify_qr(
            &text(gd0, NATIONAL_BUSINESS, Some(6)),
            elicense::UnixTime::from_secs(NOW),
        ),
        Valid,
        R::Ok,
        None,
    );
    add(
        "invalid-no-status-index",
        verifier.verify_qr(
            &text(gd0, NATIONAL_BUSINESS, None),
            elicense::UnixTime::from_secs(NOW),
        ),
        Invalid,
        R::StatusIndexMissing,
        Some(K::Status),
    );
    add(
        "valid-no-policy",
        no_policy.verify_qr(&mapped, elicense::UnixTime::from_secs(NOW)),
        Valid,
        R::Ok,
        None,
    );
    add(
        "invalid-revoked",
        verifier.verify_qr(
            &text(gd0, NATIONAL_BUSINESS, Some(7)),
            elicense::UnixTime::from_secs(NOW),
        ),
        Invalid,
        R::LicenceRevoked,
        Some(K::Status),
    );
    add(
        "invalid-suspended",
        verifier.verify_qr(
            &text(gd0, NATIONAL_BUSINESS, Some(8)),
            elicense::UnixTime::from_secs(NOW),
        ),
        Invalid,
        R::LicenceSuspended,
        Some(K::Status),
    );
    add(
        "invalid-index-out-of-range",
        verifier.verify_qr(
            &text(gd0, NATIONAL_BUSINESS, Some(5000)),
            elicense::UnixTime::from_secs(NOW),
        ),
        Invalid,
        R::StatusIndexOutOfRange,
        Some(K::Status),
    );
    add(
        "invalid-not-recognised",
        verifier.verify_qr(
            &text(gd0, SICHUAN_PERMIT, Some(9)),
            elicense::UnixTime::from_secs(NOW),
        ),
        Invalid,
        R::TypeNotRecognised,
        Some(K::Recognition),
    );
    let fishing = VerifyOptions::default().with_purpose(Some("fishing".into()));
    add(
        "invalid-purpose",
        verifier.verify_qr_with(&mapped, elicense::UnixTime::from_secs(NOW), &fishing),
        Invalid,
        R::PurposeNotAccepted,
        Some(K::Recognition),
    );
    add(
        "invalid-trust-list",
        verifier.verify_qr(
            &text(&gd.authorities[1], NATIONAL_BUSINESS, Some(1)),
            elicense::UnixTime::from_secs(NOW),
        ),
        Invalid,
        R::AuthorityCompromised,
        Some(K::TrustList),
    );
    add(
        "indeterminate-trust-list-stale",
        verifier.verify_qr(&mapped, elicense::UnixTime::from_secs(NOW + 60 * DAY)),
        Indeterminate,
        R::TrustListStale,
        Some(K::TrustList),
    );
    let own = text(&sh.authorities[0], NATIONAL_BUSINESS, Some(1));
    add(
        "indeterminate-status-missing",
        verifier.verify_qr(&own, elicense::UnixTime::from_secs(NOW)),
        Indeterminate,
        R::StatusListMissing,
        Some(K::Status),
    );
    let r = warn.verify_qr(&own, elicense::UnixTime::from_secs(NOW));
    assert_eq!(r.warnings.len(), 1, "{}", r.to_text());
    add("valid-status-missing-warning", r, Valid, R::Ok, None);
    add(
        "invalid-decode",
        verifier.verify_qr("EL2:", elicense::UnixTime::from_secs(NOW)),
        Invalid,
        R::PayloadEncodingUnknown,
        Some(K::Decode),
    );
    out
}

/// What each case's verdict means for the holder.
fn expected_category(name: &str) -> Category {
    let name = name.strip_prefix("bundle-").unwrap_or(name);
    match name {
        n if n.starts_with("valid") => Category::Valid,
        n if n.starts_with("indeterminate") => Category::CannotTell,
        "invalid-decode" | "invalid-envelope" | "invalid-claims" => Category::Unreadable,
        "invalid-signature" | "invalid-certificate" | "invalid-trust-list" => {
            // invalid-trust-list: an authority compromised before it signed.
            Category::NotGenuine
        }
        "invalid-validity-expired"
        | "invalid-validity-future"
        | "invalid-revoked"
        | "invalid-suspended"
        | "invalid-index-out-of-range" => Category::NotCurrent,
        "invalid-no-status-index" | "invalid-not-recognised" | "invalid-purpose" => {
            Category::NotAccepted
        }
        other => panic!("no expected category for {other}"),
    }
}

/// Every case's report as JSON, in English and in Chinese: (name, JSON).
fn all_reports() -> Vec<(String, String)> {
    let mut cases = demo_reports();
    cases.extend(bundle_reports());
    cases
        .into_iter()
        .flat_map(|(name, r, verdict, reason, check)| {
            // Each case is the report it is named for.
            assert_eq!(
                (r.verdict, r.reason),
                (verdict, reason),
                "{name}: {}",
                r.to_text()
            );
            assert_eq!(r.category, expected_category(&name), "{name}");
            if let Some(check) = check {
                assert_eq!(r.check(check).unwrap().reason, reason, "{name}");
            }
            [
                (name.clone(), r.to_json()),
                (format!("{name}-zh"), r.to_json_in(Lang::Zh)),
            ]
        })
        .collect()
}

#[test]
fn reports_of_every_verdict_and_stage_validate_against_the_schema() {
    let reports = all_reports();
    assert_eq!(reports.len(), 52);
    // Every part of the schema is exercised: each verdict, outcome and
    // status, both recognition outcomes, both holder kinds, every
    // attribute kind, warnings, and null where a member does not apply.
    let all = reports
        .iter()
        .map(|(_, j)| j.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    for needle in [
        r#""verdict":"VALID""#,
        r#""verdict":"INVALID""#,
        r#""verdict":"INDETERMINATE""#,
        r#""outcome":"PASS""#,
        r#""outcome":"FAIL""#,
        r#""outcome":"INDETERMINATE""#,
        r#""outcome":"SKIPPED""#,
        r#""status":"valid""#,
        r#""status":"revoked""#,
        r#""status":"suspended""#,
        r#""status":null"#,
        r#""outcome":"RECOGNISED""#,
        r#""outcome":"NOT_RECOGNISED""#,
        r#""recognition":null"#,
        r#""kind":"citizen""#,
        r#""kind":"organisation""#,
        r#""text":"#,
        r#""integer":"#,
        r#""warnings":[{"code":"HOLDER_CODE_CHECK_FAILED""#,
        r#""warnings":[{"code":"STATUS_LIST_MISSING""#,
        r#""licence":null"#,
        r#""authority":null"#,
        r#""until":null"#,
        r#""until":"2029-05-19""#,
        r#""number":null"#,
        r#""status_index":null"#,
        r#""identifier":"1.2.156.3005.2."#,
        r#""category":"VALID""#,
        r#""category":"UNREADABLE""#,
        r#""category":"NOT_GENUINE""#,
        r#""category":"NOT_CURRENT""#,
        r#""category":"NOT_ACCEPTED""#,
        r#""category":"CANNOT_TELL""#,
        r#""lang":"en""#,
        r#""lang":"zh""#,
        r#""message":"无效 — 证照不是真实的""#,
        r#""message":"INVALID — the licence is not genuine""#,
        r#""name":"核查证照状态（注销、暂停）","message":"证照已被注销""#,
        r#""name":"Status (revoked, suspended)","message":"The licence has been revoked""#,
        r#""issued_at_cst":"20"#,
        r#""checked_at_cst":"20"#,
    ] {
        assert!(all.contains(needle), "no report has {needle}");
    }
    let dir = scratch("valid");
    let files = write_all(&dir, &reports);
    let (code, lines) = validate(&files);
    assert_eq!(code, 0, "{lines:#?}");
    assert_eq!(lines.len(), reports.len());
    assert!(lines.iter().all(|l| l.starts_with("ok ")), "{lines:#?}");
    let _ = std::fs::remove_dir_all(dir);
}

/// `report` with the member at `pointer` set to `value` (added if absent),
/// or removed when `value` is `None`.
fn altered(report: &str, pointer: &str, value: Option<Value>) -> String {
    let mut v: Value = serde_json::from_str(report).unwrap();
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let parent = v.pointer_mut(parent).unwrap_or_else(|| panic!("{pointer}"));
    match (parent, value) {
        (Value::Array(items), Some(new)) => items[key.parse::<usize>().unwrap()] = new,
        (Value::Object(members), Some(new)) => {
            members.insert(key.to_owned(), new);
        }
        (Value::Object(members), None) => {
            members.remove(key).unwrap_or_else(|| panic!("{pointer}"));
        }
        _ => panic!("{pointer}"),
    }
    v.to_string()
}

#[test]
fn reports_altered_in_one_place_are_refused() {
    let reports = all_reports();
    let find = |name: &str| {
        reports
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, j)| j.clone())
            .unwrap()
    };
    let valid = find("bundle-valid-mapped");
    let revoked = find("bundle-invalid-revoked");
    let s = |t: &str| Some(Value::String(t.into()));
    let not_recognised = find("bundle-invalid-not-recognised");
    // (what is wrong, where the validator must say it is, the report).
    let cases: Vec<(&str, &str, String)> = vec![
        (
            "an unknown reason code",
            "/reason",
            altered(&valid, "/reason", s("NO_SUCH_CODE")),
        ),
        (
            "an unknown reason code in a check",
            "/checks/9/reason",
            altered(&revoked, "/checks/9/reason", s("LICENCE_REVOKED_TWICE")),
        ),
        (
            "an unknown verdict",
            "/verdict",
            altered(&valid, "/verdict", s("MAYBE")),
        ),
        (
            "an unknown check",
            "/checks/0/check",
            altered(&valid, "/checks/0/check", s("VIBES")),
        ),
        (
            "an unknown outcome",
            "/checks/0/outcome",
            altered(&valid, "/checks/0/outcome", s("OK")),
        ),
        (
            "an unknown status",
            "/status",
            altered(&revoked, "/status", s("deleted")),
        ),
        (
            "VALID with a failure code",
            "/reason",
            altered(&revoked, "/verdict", s("VALID")),
        ),
        (
            "a passed check with a failure code",
            "/checks/9/reason",
            altered(&revoked, "/checks/9/outcome", s("PASS")),
        ),
        (
            "an extra member",
            "/",
            altered(&valid, "/extra", Some(Value::Bool(true))),
        ),
        (
            "an extra member in the licence",
            "/licence",
            altered(&valid, "/licence/colour", s("red")),
        ),
        ("a missing member", "/", altered(&valid, "/warnings", None)),
        (
            "a catalogue item without its display",
            "/licence/catalogue/items/0",
            altered(&valid, "/licence/catalogue/items/0/display", None),
        ),
        (
            "a catalogue item of an unknown value type",
            "/licence/catalogue/items/1/type",
            altered(&valid, "/licence/catalogue/items/1/type", s("money")),
        ),
        (
            "checked_at as text",
            "/checked_at",
            altered(&valid, "/checked_at", s("2025-06-01")),
        ),
        (
            "an impossible date",
            "/licence/issue_date",
            altered(&valid, "/licence/issue_date", s("2025-02-30")),
        ),
        (
            "a kid in upper case",
            "/authority/kid",
            altered(&valid, "/authority/kid", s("3C1F2A9B5507E46D")),
        ),
        (
            "version 0",
            "/licence/version",
            altered(&valid, "/licence/version", Some(Value::from(0))),
        ),
        (
            "an item with two values",
            "/licence/items/0",
            altered(&valid, "/licence/items/0/integer", Some(Value::from(1))),
        ),
        (
            "an item numbered 0",
            "/licence/items/0",
            altered(&valid, "/licence/items/0/number", Some(Value::from(0))),
        ),
        (
            "an unknown category",
            "/category",
            altered(&valid, "/category", s("SO_SO")),
        ),
        (
            "VALID with a category of an invalid licence",
            "/category",
            altered(&valid, "/category", s("NOT_GENUINE")),
        ),
        (
            "INVALID with the category of a valid licence",
            "/category",
            altered(&revoked, "/category", s("VALID")),
        ),
        (
            "an unknown language",
            "/lang",
            altered(&valid, "/lang", s("fr")),
        ),
        (
            "a CST time written in UTC",
            "/checked_at_cst",
            altered(&valid, "/checked_at_cst", s("2025-06-01T02:00:00Z")),
        ),
        (
            "a licence without the CST form of its time of issue",
            "/licence",
            altered(&valid, "/licence/issued_at_cst", None),
        ),
        (
            "a check without its message",
            "/checks/0",
            altered(&valid, "/checks/0/message", None),
        ),
        (
            "a recognition refusal with a code of another check",
            "/recognition/reason",
            altered(&not_recognised, "/recognition/reason", s("LICENCE_REVOKED")),
        ),
    ];
    let dir = scratch("altered");
    let named: Vec<(String, String)> = cases
        .iter()
        .enumerate()
        .map(|(i, (_, _, json))| (format!("altered-{i}"), json.clone()))
        .collect();
    let files = write_all(&dir, &named);
    let (code, lines) = validate(&files);
    assert_eq!(code, 1, "{lines:#?}");
    assert_eq!(lines.len(), cases.len());
    for (((why, location, _), line), file) in cases.iter().zip(&lines).zip(&files) {
        let expected = format!("invalid {}: {location}: ", file.display());
        assert!(line.starts_with(&expected), "{why}: {line}");
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_schema_lists_every_reason_code_in_order() {
    // scripts/gen-reasons.py writes this list from src/reason.rs.
    let schema = schema();
    let listed: Vec<&str> = schema["$defs"]["reason_code"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let codes: Vec<&str> = ReasonCode::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(
        listed, codes,
        "docs/report.schema.json is stale: run python3 scripts/gen-reasons.py"
    );
}

#[test]
fn the_schema_names_every_check_in_order_and_the_format_cites_it() {
    let schema = schema();
    let checks: Vec<&str> = schema["$defs"]["check_name"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    // A bundle report lists every check, in the order they run.
    let sh = region("310000", 1, &["11310000MB2F31727A"]);
    let gd = region("440000", 2, &["114400000073356321", "91440300MA5F8KTR22"]);
    let verifier = Verifier::from_bundle(shanghai_bundle(&sh, &gd, None)).unwrap();
    let r = verifier.verify_qr(
        &licence(&gd.authorities[0], NATIONAL_BUSINESS, Some(1)).qr_text(),
        elicense::UnixTime::from_secs(NOW),
    );
    let ran: Vec<&str> = r.checks.iter().map(|c| c.check.as_str()).collect();
    assert_eq!(checks, ran);
    let format = std::fs::read_to_string(root().join("docs/FORMAT.md")).unwrap();
    assert!(format.contains("(report.schema.json)"));
}
