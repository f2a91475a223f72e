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

pub fn run<I, S>(args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let out = Command::new(env!("CARGO_BIN_EXE_elicense"))
        .args(args)
        .output()
        .expect("the binary runs");
    Run {
        code: out.status.code().expect("exited, not killed by a signal"),
        stdout: String::from_utf8(out.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("UTF-8 stderr"),
    }
}

/// Runs and asserts exit status 0.
pub fn ok<S: AsRef<str>>(args: &[S]) -> Run {
    run(args.iter().map(|s| s.as_ref())).assert_ok()
}

pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

pub fn p(path: &Path) -> &str {
    path.to_str().expect("temporary paths are UTF-8")
}

/// `federation init --name NAME --out OUT` and `extra`.
pub fn federation_init(name: &str, out: &Path, extra: &[&str]) -> Run {
    let mut args = vec!["federation", "init", "--name", name, "--out", p(out)];
    args.extend_from_slice(extra);
    run(args)
}

/// `region init --region CODE --name NAME --out OUT` and `extra`.
pub fn region_init(code: &str, name: &str, out: &Path, extra: &[&str]) -> Run {
    let mut args = vec![
        "region",
        "init",
        "--region",
        code,
        "--name",
        name,
        "--out",
        p(out),
    ];
    args.extend_from_slice(extra);
    run(args)
}

/// `authority new` under the region root whose root.key.pem and
/// root.cert.pem are in `root`, and `extra`.
pub fn authority_new(root: &Path, name: &str, credit: &str, out: &Path, extra: &[&str]) -> Run {
    let (key, cert) = (root.join("root.key.pem"), root.join("root.cert.pem"));
    let mut args = vec![
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
    args.extend_from_slice(extra);
    run(args)
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
    pub dir: TempDir,
    /// When the world was made: licences and lists are dated around it.
    pub now: i64,
    /// Guangdong authority 1 is compromised since this time.
    pub t: i64,
}

impl World {
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
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
        let dir = tempfile::tempdir().unwrap();
        let now = now();
        let w = World {
            dir,
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
        let mut args = vec![
            "trustlist".to_owned(),
            "federation".into(),
            "--key".into(),
            self.s("fed/federation.key.pem"),
            "--cert".into(),
            self.anchor(),
        ];
        for region in regions {
            args.push("--region-root".into());
            args.push(self.s(&format!("{region}/root.cert.pem")));
        }
        args.extend([
            "--sequence".into(),
            sequence.to_string(),
            "--out".into(),
            self.s(out),
        ]);
        args.extend(extra.iter().map(|s| s.to_string()));
        run(&args)
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
        let mut args = vec![
            "trustlist".to_owned(),
            "region".into(),
            "--key".into(),
            self.s(&format!("{key_dir}/root.key.pem")),
            "--cert".into(),
            self.s(&format!("{cert_dir}/root.cert.pem")),
            "--spec".into(),
            self.s(spec),
            "--sequence".into(),
            sequence.to_string(),
            "--out".into(),
            self.s(out),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        run(&args)
    }

    /// Signs `spec` as the region list `<region>-<sequence>.tl`.
    pub fn region_list(&self, region: &str, sequence: u64, spec: &str) -> Run {
        let spec_file = format!("{region}-list.json");
        fs::write(self.path(&spec_file), spec).unwrap();
        self.trustlist_region(
            region,
            region,
            &spec_file,
            sequence,
            &format!("{region}-{sequence}.tl"),
            &["--json"],
        )
        .assert_ok()
    }

    /// `issue` with the key and certificate of `authority` (e.g. "sh0")
    /// and `extra`.
    pub fn issue_with(&self, authority: &str, extra: &[&str]) -> Run {
        let mut args = vec![
            "issue".to_owned(),
            "--key".into(),
            self.s(&format!("{authority}/authority.key.pem")),
            "--cert".into(),
            self.s(&format!("{authority}/authority.cert.pem")),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        run(&args)
    }

    /// Issues a licence of `json` by `authority` (e.g. "gd0") at `iat`,
    /// recorded in the region's registry; returns the QR text file and the
    /// issue JSON.
    pub fn issue(&self, authority: &str, json: &str, iat: i64, out: &str) -> (String, Value) {
        let region = &authority[..2];
        let r = self
            .issue_with(
                authority,
                &[
                    "--licence",
                    &self.s(json),
                    "--issued-at",
                    &iat.to_string(),
                    "--registry",
                    &self.s(&format!("{region}.db")),
                    "--out",
                    &self.s(out),
                    "--json",
                ],
            )
            .assert_ok();
        (self.s(out), r.json())
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
        self.publish_text_with(authority, iat, out, &all)
    }

    /// Signs the status list of `authority` as [`World::publish`] does,
    /// with the summary as text.
    pub fn publish_text(&self, authority: &str, iat: i64, out: &str) -> Run {
        self.publish_text_with(authority, iat, out, &[])
    }

    fn publish_text_with(&self, authority: &str, iat: i64, out: &str, extra: &[&str]) -> Run {
        let region = &authority[..2];
        let mut args = vec![
            "status".to_owned(),
            "publish".into(),
            "--registry".into(),
            self.s(&format!("{region}.db")),
            "--key".into(),
            self.s(&format!("{authority}/authority.key.pem")),
            "--cert".into(),
            self.s(&format!("{authority}/authority.cert.pem")),
            "--issued-at".into(),
            iat.to_string(),
            "--ttl".into(),
            "2d".into(),
            "--out".into(),
            self.s(out),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        ok(&args)
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
        let mut args = vec![
            "bundle".to_owned(),
            "build".into(),
            "--anchor".into(),
            self.anchor(),
            "--federation".into(),
            self.s(federation),
        ];
        for region in regions {
            args.push("--region".into());
            args.push(self.s(region));
        }
        args.extend(["--out".into(), self.s(out)]);
        args.extend(extra.iter().map(|s| s.to_string()));
        for s in status {
            args.push("--status".into());
            args.push(self.s(s));
        }
        run(&args)
    }

    /// `bundle inspect trust.elb --anchor …` and `extra`.
    pub fn inspect(&self, extra: &[&str]) -> Run {
        let mut args = vec![
            "bundle".to_owned(),
            "inspect".into(),
            self.bundle(),
            "--anchor".into(),
            self.anchor(),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        run(&args)
    }

    /// `verify --qr-file … --bundle trust.elb --anchor …` and `extra`.
    pub fn verify_run(&self, qr_file: &str, extra: &[&str]) -> Run {
        let mut args = vec![
            "verify".to_owned(),
            "--qr-file".into(),
            qr_file.to_owned(),
            "--bundle".into(),
            self.bundle(),
            "--anchor".into(),
            self.anchor(),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        run(&args)
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
        let mut all = vec![
            "bundle".to_owned(),
            "update".into(),
            self.bundle(),
            "--anchor".into(),
            self.anchor(),
        ];
        all.extend(args.iter().map(|s| s.to_string()));
        run(&all)
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
