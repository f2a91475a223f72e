//! Helpers shared by the tests that run the `elicense` binary: running it,
//! reading its output, the commands that make roots and authorities, and a
//! federation of three regions (Shanghai 310000, Guangdong 440000, Sichuan
//! 510000) with two authorities each, made by the binary in a temporary
//! directory.

// Every file in cli/tests is a crate of its own that includes this module
// and uses a subset of it; the dead-code lint runs per crate, so without
// this each file would be warned about the helpers only the others use.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

/// The sample licence JSON file.
pub const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../examples/data/business-licence.json"
);
const SAMPLE_JSON: &str = include_str!("../../../examples/data/business-licence.json");
pub const POLICY: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../examples/data/policy-shanghai.json"
);

pub const NATIONAL_BUSINESS: &str = "11100000000013338W011";
pub const GUANGDONG_BUSINESS: &str = "11100000000013338W101";
pub const SICHUAN_PERMIT: &str = "11100000000013338W032";

pub const SH_CODES: [&str; 2] = ["11310000MB2F31727A", "11310000002417920A"];
pub const GD_CODES: [&str; 2] = ["114400000073356321", "91440300MA5F8KTR22"];
pub const SC_CODES: [&str; 2] = ["11510000008963441C", "12510000MB0000001N"];

/// The outcome of one run of the binary.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

impl Run {
    /// Standard output as one JSON value.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not one JSON value ({e}):\n{self}"))
    }

    /// Standard error as one JSON value.
    pub fn stderr_json(&self) -> Value {
        serde_json::from_str(&self.stderr)
            .unwrap_or_else(|e| panic!("stderr is not one JSON value ({e}):\n{self}"))
    }

    /// Asserts exit status 0.
    pub fn assert_ok(self) -> Self {
        assert_eq!(self.code, 0, "{self}");
        self
    }

    /// Asserts exit status 1 with one `error:` line.
    pub fn assert_error_without_code(&self) {
        assert_eq!(self.code, 1, "{self}");
        assert!(self.stderr.starts_with("error: "), "{self}");
    }

    /// Asserts exit status 1 with one `error:` line ending in `[code]`, or
    /// (the command having `--json`) one JSON line with `reason` = `code`.
    pub fn assert_error(&self, code: &str) {
        assert_eq!(self.code, 1, "{self}");
        let last = self.stderr.lines().last().unwrap_or_default();
        if last.starts_with('{') {
            let e: Value = serde_json::from_str(last).unwrap_or_else(|e| panic!("{e}: {self}"));
            assert_eq!(e["reason"], code, "{self}");
            assert!(
                e["message"].as_str().is_some_and(|m| !m.is_empty()),
                "{self}"
            );
            return;
        }
        assert!(last.starts_with("error: "), "{self}");
        assert!(last.ends_with(&format!("[{code}]")), "{self}");
    }
}

/// Asserts that an English text report starts with the verdict `verdict`
/// and, unless it is VALID, the `Reason:` line ending with `[reason]`.
pub fn assert_verdict(r: &Run, verdict: &str, reason: &str) {
    let mut lines = r.stdout.lines();
    let first = lines.next().unwrap_or_default();
    if verdict == "VALID" {
        assert_eq!(first, "Verdict: VALID", "{r}");
        assert_eq!(reason, "OK");
    } else {
        assert!(first.starts_with(&format!("Verdict: {verdict} — ")), "{r}");
        let second = lines.next().unwrap_or_default();
        assert!(
            second.starts_with("Reason: ") && second.ends_with(&format!(" [{reason}]")),
            "{r}"
        );
    }
}

/// Runs the built binary with `args`, in an English locale (so that
/// reports and messages are in English unless `--lang` says otherwise).
pub fn run<I, S>(args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    run_in_locale(args, "C.UTF-8")
}

/// Runs the built binary with `args` and the locale `LANG=locale` (no
/// `LC_ALL`, no `LC_MESSAGES`).
pub fn run_in_locale<I, S>(args: I, locale: &str) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let out = Command::new(env!("CARGO_BIN_EXE_elicense"))
        .args(args)
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", locale)
        .output()
        .expect("the binary runs");
    Run {
        code: out.status.code().expect("exited, not killed by a signal"),
        stdout: String::from_utf8(out.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("UTF-8 stderr"),
    }
}

/// Runs `args` followed by `extra`.
pub fn run_with(args: &[&str], extra: &[&str]) -> Run {
    run(args.iter().chain(extra))
}

/// Runs and asserts exit status 0.
pub fn ok<S: AsRef<str>>(args: &[S]) -> Run {
    run(args.iter().map(|s| s.as_ref())).assert_ok()
}

/// The current Unix time.
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// `path` as text, for an argument.
pub fn p(path: &Path) -> &str {
    path.to_str().expect("temporary paths are UTF-8")
}

/// `federation init --name NAME --out OUT` and `extra`.
pub fn federation_init(name: &str, out: &Path, extra: &[&str]) -> Run {
    run_with(
        &["federation", "init", "--name", name, "--out", p(out)],
        extra,
    )
}

/// `region init --region CODE --name NAME --out OUT` and `extra`.
pub fn region_init(code: &str, name: &str, out: &Path, extra: &[&str]) -> Run {
    let args = [
        "region",
        "init",
        "--region",
        code,
        "--name",
        name,
        "--out",
        p(out),
    ];
    run_with(&args, extra)
}

/// `authority new` under the region root whose root.key.pem and
/// root.cert.pem are in `root`, and `extra`.
pub fn authority_new(root: &Path, name: &str, credit: &str, out: &Path, extra: &[&str]) -> Run {
    let (key, cert) = (root.join("root.key.pem"), root.join("root.cert.pem"));
    let args = [
        "authority",
        "new",
        "--root-key",
        p(&key),
        "--root-cert",
        p(&cert),
        "--name",
        name,
        "--credit-code",
        credit,
        "--out",
        p(out),
    ];
    run_with(&args, extra)
}

/// A temporary directory for a test's files.
pub struct Dir {
    dir: TempDir,
}

impl Dir {
    /// A new, empty directory, removed when dropped.
    pub fn new() -> Self {
        Dir {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// The file or directory `name` in it.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

/// The `--alg` of every key of a [`World`]: the federation root, the
/// region roots (Shanghai, Guangdong, Sichuan) and their two authorities.
#[derive(Clone, Copy)]
pub struct Algs {
    pub federation: &'static str,
    pub roots: [&'static str; 3],
    pub authorities: [[&'static str; 2]; 3],
}

impl Algs {
    /// Every key Ed25519.
    pub const ED25519: Algs = Algs {
        federation: "ed25519",
        roots: ["ed25519"; 3],
        authorities: [["ed25519"; 2]; 3],
    };
    /// An SM2 federation root, an SM2 Shanghai root, a Guangdong SM2 root
    /// certifying one Ed25519 and one SM2 authority; Sichuan Ed25519 with a
    /// P-256 authority.
    pub const SM2: Algs = Algs {
        federation: "sm2",
        roots: ["sm2", "sm2", "ed25519"],
        authorities: [["sm2", "sm2"], ["ed25519", "sm2"], ["ed25519", "es256"]],
    };
}

/// The three regions, their authorities, lists and a bundle, made by the
/// binary in a temporary directory.
pub struct World {
    pub dir: Dir,
    /// When the world was made: licences and lists are dated around it.
    pub now: i64,
    /// Guangdong authority 1 is compromised since this time.
    pub t: i64,
}

impl World {
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path(name)
    }
    pub fn s(&self, name: &str) -> String {
        p(&self.path(name)).to_owned()
    }
    pub fn anchor(&self) -> String {
        self.s("fed/federation.cert.pem")
    }
    pub fn bundle(&self) -> String {
        self.s("trust.elb")
    }

    pub fn new() -> Self {
        Self::with_algorithms(Algs::ED25519)
    }

    /// The world with the keys of `algs` (`--alg` of each `init` and
    /// `authority new`).
    pub fn with_algorithms(algs: Algs) -> Self {
        let now = now();
        let w = World {
            dir: Dir::new(),
            now,
            t: now - 3600,
        };
        let r = federation_init(
            "全国一体化政务服务平台电子证照信任根",
            &w.path("fed"),
            &["--alg", algs.federation],
        )
        .assert_ok();
        assert!(r.stdout.contains("federation.key.pem"), "{r}");
        for (r, (code, name, codes)) in [
            ("310000", "sh", SH_CODES),
            ("440000", "gd", GD_CODES),
            ("510000", "sc", SC_CODES),
        ]
        .into_iter()
        .enumerate()
        {
            region_init(
                code,
                &format!("{code} 电子证照根CA"),
                &w.path(name),
                &["--alg", algs.roots[r]],
            )
            .assert_ok();
            for (i, credit) in codes.iter().enumerate() {
                w.authority_with(name, &format!("{name}{i}"), credit, algs.authorities[r][i]);
            }
        }
        // The federation list of the three region roots.
        let j = w
            .federation_list(
                &["sh", "gd", "sc"],
                1,
                "federation.tl",
                &["--valid-days", "30", "--json"],
            )
            .assert_ok()
            .json();
        assert_eq!(j["sequence"], 1);
        assert_eq!(j["regions"].as_array().unwrap().len(), 3);
        assert_eq!(j["regions"][1]["region"], "440000");

        // Region lists. Guangdong: authority 0 may issue its own business
        // licence and the national one (level A); authority 1 only the
        // national one (level B), and its key is compromised since T.
        w.region_list(
            "sh",
            1,
            &w.spec(&[&[NATIONAL_BUSINESS], &[NATIONAL_BUSINESS]], "sh", None),
        );
        let r = w.region_list(
            "gd",
            1,
            &w.spec(
                &[
                    &[GUANGDONG_BUSINESS, NATIONAL_BUSINESS],
                    &[NATIONAL_BUSINESS],
                ],
                "gd",
                Some(w.t),
            ),
        );
        let j = r.json();
        assert_eq!(j["region"], "440000");
        assert_eq!(j["authorities"][0]["level"], "A");
        assert_eq!(j["authorities"][0]["credit_code"], GD_CODES[0]);
        assert_eq!(
            j["authorities"][1]["state"],
            serde_json::json!({"state": "compromised", "since": w.t})
        );
        w.region_list(
            "sc",
            1,
            &w.spec(&[&[SICHUAN_PERMIT], &[NATIONAL_BUSINESS]], "sc", None),
        );

        // Licences with different types.
        for (name, code) in [
            ("w011.json", NATIONAL_BUSINESS),
            ("w101.json", GUANGDONG_BUSINESS),
            ("w032.json", SICHUAN_PERMIT),
        ] {
            fs::write(
                w.path(name),
                SAMPLE_JSON.replace(
                    &format!("\"type_code\": \"{NATIONAL_BUSINESS}\""),
                    &format!("\"type_code\": \"{code}\""),
                ),
            )
            .unwrap();
        }
        w
    }

    pub fn authority(&self, region: &str, out: &str, credit: &str) {
        self.authority_with(region, out, credit, "ed25519");
    }

    /// `authority new` with a key of `alg`.
    pub fn authority_with(&self, region: &str, out: &str, credit: &str, alg: &str) {
        let r = authority_new(
            &self.path(region),
            &format!("{out} authority"),
            credit,
            &self.path(out),
            &[
                "--usage",
                "licence-signing",
                "--usage",
                "status-list-signing",
                "--alg",
                alg,
            ],
        )
        .assert_ok();
        assert!(r.stdout.contains("status-list-signing"), "{r}");
    }

    /// A region list spec: authority 0 level A, authority 1 level B,
    /// authority 1 compromised since `compromised` if given.
    pub fn spec(&self, types: &[&[&str]; 2], region: &str, compromised: Option<i64>) -> String {
        let state1 = match compromised {
            Some(t) => serde_json::json!({ "compromised_since": t }),
            None => serde_json::json!("active"),
        };
        serde_json::json!({
            "authorities": [
                {"certificate": format!("{region}0/authority.cert.pem"), "types": types[0],
                 "level": "A", "state": "active"},
                {"certificate": format!("{region}1/authority.cert.pem"), "types": types[1],
                 "level": "B", "state": state1},
            ]
        })
        .to_string()
    }

    /// `trustlist federation`, signed by the federation root, naming the
    /// roots of `regions` (directories such as "sh").
    pub fn federation_list(
        &self,
        regions: &[&str],
        sequence: u64,
        out: &str,
        extra: &[&str],
    ) -> Run {
        let (key, anchor) = (self.s("fed/federation.key.pem"), self.anchor());
        let mut args = vec!["trustlist", "federation", "--key", &key, "--cert", &anchor];
        let roots: Vec<String> = regions
            .iter()
            .map(|r| self.s(&format!("{r}/root.cert.pem")))
            .collect();
        for root in &roots {
            args.extend(["--region-root", root]);
        }
        let (sequence, out) = (sequence.to_string(), self.s(out));
        args.extend(["--sequence", &sequence, "--out", &out]);
        run_with(&args, extra)
    }

    /// `trustlist region` of the spec file `spec`, signed with the root key
    /// in `key_dir` and the root certificate in `cert_dir`.
    pub fn trustlist_region(
        &self,
        key_dir: &str,
        cert_dir: &str,
        spec: &str,
        sequence: u64,
        out: &str,
        extra: &[&str],
    ) -> Run {
        let key = self.s(&format!("{key_dir}/root.key.pem"));
        let cert = self.s(&format!("{cert_dir}/root.cert.pem"));
        let (spec, sequence, out) = (self.s(spec), sequence.to_string(), self.s(out));
        let args = [
            "trustlist",
            "region",
            "--key",
            &key,
            "--cert",
            &cert,
            "--spec",
            &spec,
            "--sequence",
            &sequence,
            "--out",
            &out,
        ];
        run_with(&args, extra)
    }

    /// Signs `spec` as the region list `<region>-<sequence>.tl`.
    pub fn region_list(&self, region: &str, sequence: u64, spec: &str) -> Run {
        let spec_file = format!("{region}-list.json");
        fs::write(self.path(&spec_file), spec).unwrap();
        let out = format!("{region}-{sequence}.tl");
        self.trustlist_region(region, region, &spec_file, sequence, &out, &["--json"])
            .assert_ok()
    }

    /// The `--key` and `--cert` of `authority` (e.g. "gd0").
    fn key_and_cert(&self, authority: &str) -> [String; 4] {
        [
            "--key".into(),
            self.s(&format!("{authority}/authority.key.pem")),
            "--cert".into(),
            self.s(&format!("{authority}/authority.cert.pem")),
        ]
    }

    /// `issue` with the key and certificate of `authority` and `extra`.
    pub fn issue_with(&self, authority: &str, extra: &[&str]) -> Run {
        let signer = self.key_and_cert(authority);
        let mut args = vec!["issue"];
        args.extend(signer.iter().map(String::as_str));
        run_with(&args, extra)
    }

    /// Issues a licence of `json` by `authority` (e.g. "gd0") at `iat`,
    /// recorded in the region's registry; returns the QR text file and the
    /// issue JSON.
    pub fn issue(&self, authority: &str, json: &str, iat: i64, out: &str) -> (String, Value) {
        let (json, iat) = (self.s(json), iat.to_string());
        let (registry, out) = (self.s(&format!("{}.db", &authority[..2])), self.s(out));
        let r = self
            .issue_with(
                authority,
                &[
                    "--licence",
                    &json,
                    "--issued-at",
                    &iat,
                    "--registry",
                    &registry,
                    "--out",
                    &out,
                    "--json",
                ],
            )
            .assert_ok();
        (out, r.json())
    }

    /// `status revoke|suspend --credit-code CODE --index N` in the
    /// registry `db`.
    pub fn set_status(&self, action: &str, db: &str, code: &str, index: u64) {
        ok(&[
            "status",
            action,
            "--registry",
            &self.s(db),
            "--credit-code",
            code,
            "--index",
            &index.to_string(),
        ]);
    }

    /// Signs the status list of `authority` from its region's registry.
    pub fn publish(&self, authority: &str, iat: i64, out: &str, extra: &[&str]) -> Run {
        let mut all = vec!["--json"];
        all.extend_from_slice(extra);
        self.publish_with(authority, iat, out, &all)
    }

    /// Signs the status list of `authority` as [`World::publish`] does,
    /// with the summary as text.
    pub fn publish_text(&self, authority: &str, iat: i64, out: &str) -> Run {
        self.publish_with(authority, iat, out, &[])
    }

    fn publish_with(&self, authority: &str, iat: i64, out: &str, extra: &[&str]) -> Run {
        let registry = self.s(&format!("{}.db", &authority[..2]));
        let signer = self.key_and_cert(authority);
        let (iat, out) = (iat.to_string(), self.s(out));
        let mut args = vec!["status", "publish", "--registry", &registry];
        args.extend(signer.iter().map(String::as_str));
        args.extend(["--issued-at", &iat, "--ttl", "2d", "--out", &out]);
        run_with(&args, extra).assert_ok()
    }

    /// Builds trust.elb from the federation list, the three region lists
    /// of sequence 1, `status` lists and Shanghai's policy.
    pub fn build(&self, status: &[&str]) -> Run {
        self.build_from(
            "federation.tl",
            &["sh-1.tl", "gd-1.tl", "sc-1.tl"],
            status,
            "trust.elb",
            &["--policy", POLICY, "--json"],
        )
        .assert_ok()
    }

    /// `bundle build --anchor …` of the lists in the files `federation`,
    /// `regions` and `status`, written to `out`, and `extra`.
    pub fn build_from(
        &self,
        federation: &str,
        regions: &[&str],
        status: &[&str],
        out: &str,
        extra: &[&str],
    ) -> Run {
        let (anchor, federation, out) = (self.anchor(), self.s(federation), self.s(out));
        let mut args = vec!["bundle", "build", "--anchor", &anchor];
        args.extend(["--federation", &federation]);
        let (regions, status) = (self.all(regions), self.all(status));
        for region in &regions {
            args.extend(["--region", region]);
        }
        args.extend(["--out", &out]);
        args.extend_from_slice(extra);
        for list in &status {
            args.extend(["--status", list]);
        }
        run(args)
    }

    /// The paths of the files `names`.
    fn all(&self, names: &[&str]) -> Vec<String> {
        names.iter().map(|n| self.s(n)).collect()
    }

    /// `bundle inspect trust.elb --anchor …` and `extra`.
    pub fn inspect(&self, extra: &[&str]) -> Run {
        let (bundle, anchor) = (self.bundle(), self.anchor());
        run_with(&["bundle", "inspect", &bundle, "--anchor", &anchor], extra)
    }

    /// `verify --qr-file … --bundle trust.elb --anchor …` and `extra`.
    pub fn verify_run(&self, qr_file: &str, extra: &[&str]) -> Run {
        let (bundle, anchor) = (self.bundle(), self.anchor());
        let args = [
            "verify",
            "--qr-file",
            qr_file,
            "--bundle",
            &bundle,
            "--anchor",
            &anchor,
        ];
        run_with(&args, extra)
    }

    /// `verify --bundle … --json` of a QR text file.
    pub fn verify(&self, qr_file: &str, extra: &[&str]) -> (i32, Value) {
        let mut all = vec!["--json"];
        all.extend_from_slice(extra);
        let r = self.verify_run(qr_file, &all);
        assert!(r.stderr.is_empty(), "{r}");
        (r.code, r.json())
    }

    /// `bundle update trust.elb --anchor … <args>`.
    pub fn update(&self, args: &[&str]) -> Run {
        let (bundle, anchor) = (self.bundle(), self.anchor());
        run_with(&["bundle", "update", &bundle, "--anchor", &anchor], args)
    }
}

/// The check of `kind` in a JSON report.
pub fn check<'a>(report: &'a Value, kind: &str) -> &'a Value {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == kind)
        .unwrap_or_else(|| panic!("no {kind} check in {report}"))
}

/// Asserts the verdict, the reason and the check that failed.
pub fn assert_report(
    code: i32,
    report: &Value,
    exit: i32,
    verdict: &str,
    reason: &str,
    kind: &str,
) {
    assert_eq!(
        (code, report["verdict"].as_str(), report["reason"].as_str()),
        (exit, Some(verdict), Some(reason)),
        "{report:#}"
    );
    assert_eq!(check(report, kind)["reason"], reason, "{report:#}");
}
