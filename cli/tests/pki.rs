//! `authority new` and the certificates and keys the commands take, as a
//! new user meets them: default usages, which `--usage` fixes a refusal,
//! credit codes registered in another region, keys of another algorithm.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use elicense::alg::SecretKey;
use elicense::pki::Certificate;
use serde_json::Value;
use tempfile::TempDir;

const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../examples/data/business-licence.json"
);

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
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

fn run(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_elicense"))
        .args(args)
        .output()
        .expect("the binary runs");
    Run {
        code: out.status.code().expect("exited"),
        stdout: String::from_utf8(out.stdout).expect("UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("UTF-8"),
    }
}

fn s(path: &Path) -> &str {
    path.to_str().expect("temporary paths are UTF-8")
}

/// Rust names of the usages and of error variants, which no message shows.
const RUST_NAMES: [&str; 6] = [
    "StatusListSigning",
    "LicenceSigning",
    "SealMaking",
    "WrongEku",
    "RegionMismatch",
    "Some(",
];

fn assert_no_rust_names(r: &Run) {
    for name in RUST_NAMES {
        assert!(
            !r.stdout.contains(name) && !r.stderr.contains(name),
            "{name}: {r}"
        );
    }
}

struct Dir {
    dir: TempDir,
}

impl Dir {
    /// A directory with the Shanghai (310000) and Sichuan (510000) roots.
    fn new() -> Self {
        let d = Dir {
            dir: tempfile::tempdir().unwrap(),
        };
        for (code, out) in [("310000", "sh"), ("510000", "sc")] {
            let r = run(&[
                "region",
                "init",
                "--region",
                code,
                "--name",
                &format!("{code} 电子证照根CA"),
                "--out",
                s(&d.path(out)),
            ]);
            assert_eq!(r.code, 0, "{r}");
        }
        d
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn authority(&self, region: &str, out: &str, code: &str, extra: &[&str]) -> Run {
        let root_key = self.path(&format!("{region}/root.key.pem"));
        let root_cert = self.path(&format!("{region}/root.cert.pem"));
        let out = self.path(out);
        let mut args = vec![
            "authority",
            "new",
            "--root-key",
            s(&root_key),
            "--root-cert",
            s(&root_cert),
            "--name",
            "上海市市场监督管理局",
            "--credit-code",
            code,
            "--out",
            s(&out),
        ];
        args.extend_from_slice(extra);
        run(&args)
    }

    /// Issues the sample licence with the authority in `dir`, recorded in
    /// `registry`; returns the QR text file.
    fn issue(&self, dir: &str, cert: &str, registry: &str) -> (Run, PathBuf) {
        let out = self.path(&format!("{dir}.txt"));
        let r = run(&[
            "issue",
            "--key",
            s(&self.path(&format!("{dir}/authority.key.pem"))),
            "--cert",
            s(&self.path(cert)),
            "--licence",
            SAMPLE,
            "--registry",
            s(&self.path(registry)),
            "--out",
            s(&out),
        ]);
        (r, out)
    }

    fn publish(&self, dir: &str, registry: &str) -> Run {
        run(&[
            "status",
            "publish",
            "--registry",
            s(&self.path(registry)),
            "--key",
            s(&self.path(&format!("{dir}/authority.key.pem"))),
            "--cert",
            s(&self.path(&format!("{dir}/authority.cert.pem"))),
            "--out",
            s(&self.path(&format!("{dir}.sl"))),
        ])
    }
}

#[test]
fn authority_new_may_sign_licences_and_status_lists_by_default() {
    let d = Dir::new();
    let r = d.authority("sh", "a", "11310000MB2F31727A", &[]);
    assert_eq!(r.code, 0, "{r}");
    assert!(
        r.stdout
            .contains("  may sign: licence-signing, status-list-signing\n"),
        "{r}"
    );
    let cert = Certificate::from_pem(&fs::read_to_string(d.path("a/authority.cert.pem")).unwrap())
        .unwrap();
    assert_eq!(
        cert.usages(),
        &[
            elicense::pki::Usage::LicenceSigning,
            elicense::pki::Usage::StatusListSigning
        ]
    );
    // The README's flow: issue, then publish the status list.
    let (r, _) = d.issue("a", "a/authority.cert.pem", "sh.db");
    assert_eq!(r.code, 0, "{r}");
    let r = d.publish("a", "sh.db");
    assert_eq!(r.code, 0, "{r}");
    assert!(
        r.stdout
            .starts_with("Signed the status list of 11310000MB2F31727A\n"),
        "{r}"
    );

    // --usage replaces the default.
    let r = d.authority(
        "sh",
        "seal",
        "11310000002417920A",
        &["--usage", "seal-making"],
    );
    assert_eq!(r.code, 0, "{r}");
    assert!(r.stdout.contains("  may sign: seal-making\n"), "{r}");
}

#[test]
fn a_missing_usage_names_the_flag_that_grants_it() {
    let d = Dir::new();
    let r = d.authority(
        "sh",
        "a",
        "11310000MB2F31727A",
        &["--usage", "licence-signing"],
    );
    assert_eq!(r.code, 0, "{r}");
    assert!(r.stdout.contains("  may sign: licence-signing\n"), "{r}");
    let (r, _) = d.issue("a", "a/authority.cert.pem", "sh.db");
    assert_eq!(r.code, 0, "{r}");
    let r = d.publish("a", "sh.db");
    assert_ne!(r.code, 0, "{r}");
    assert!(
        r.stderr.contains(
            "the certificate is not authorised for status-list signing: its extended key usage \
             lacks it (create the authority's certificate with \
             `elicense authority new --usage status-list-signing`) [CERT_WRONG_EKU]"
        ),
        "{r}"
    );
    assert_no_rust_names(&r);

    // A seal-making certificate cannot issue: the hint names licence-signing.
    let r = d.authority(
        "sh",
        "seal",
        "11310000002417920A",
        &["--usage", "seal-making"],
    );
    assert_eq!(r.code, 0, "{r}");
    let (r, _) = d.issue("seal", "seal/authority.cert.pem", "seal.db");
    assert_ne!(r.code, 0, "{r}");
    assert!(
        r.stderr
            .contains("`elicense authority new --usage licence-signing`) [CERT_WRONG_EKU]"),
        "{r}"
    );
    assert_no_rust_names(&r);
}

#[test]
fn a_credit_code_from_another_region_is_refused_at_creation() {
    let d = Dir::new();
    // Guangdong's credit code under Sichuan's root (issue 7, item 1).
    let r = d.authority("sc", "rogue", "114400000073356321", &[]);
    assert_eq!(r.code, 1, "{r}");
    assert!(
        r.stderr.contains(
            "the credit code 114400000073356321 was registered in division 440000, which is \
             not within the root's region 510000 [CREDIT_CODE_REGION_MISMATCH]"
        ),
        "{r}"
    );
    assert!(!d.path("rogue/authority.key.pem").exists());
    assert!(!d.path("rogue/authority.cert.pem").exists());
    // A nationally registered body (division 100000) has no region root.
    let r = d.authority("sh", "national", "12100000400012345P", &[]);
    assert_eq!(r.code, 1, "{r}");
    assert!(r.stderr.contains("[CREDIT_CODE_REGION_MISMATCH]"), "{r}");
    // A district of the region is within it.
    let r = d.authority("sh", "pudong", "11310115MB2F317277", &[]);
    assert_eq!(r.code, 0, "{r}");
}

/// DER length of the TLV starting at `der[at]`: (header length, content length).
fn tlv(der: &[u8], at: usize) -> (usize, usize) {
    let first = der[at + 1];
    if first < 0x80 {
        return (2, first as usize);
    }
    let n = (first & 0x7f) as usize;
    let len = der[at + 2..at + 2 + n]
        .iter()
        .fold(0usize, |acc, b| (acc << 8) | *b as usize);
    (2 + n, len)
}

/// `cert` with its credit code replaced by `code` (same length) and signed
/// again by `root_key`: a certificate the root really issued, as a rogue
/// region could (an Ed25519 signature is always 64 bytes, so no length
/// changes).
fn reissue_with_code(cert: &Certificate, root_key: &SecretKey, code: &str) -> Certificate {
    let old = cert.organization_identifier().unwrap();
    assert_eq!(old.len(), code.len());
    let mut der = cert.der().to_vec();
    let (outer_header, _) = tlv(&der, 0);
    let (tbs_header, tbs_len) = tlv(&der, outer_header);
    let tbs = outer_header..outer_header + tbs_header + tbs_len;
    let at = der[tbs.clone()]
        .windows(old.len())
        .position(|w| w == old.as_bytes())
        .unwrap()
        + outer_header;
    der[at..at + code.len()].copy_from_slice(code.as_bytes());
    let signature = root_key.sign_bytes(&der[tbs]);
    let n = der.len();
    der[n - 64..].copy_from_slice(&signature);
    Certificate::from_der(&der).unwrap()
}

#[test]
fn a_hand_made_foreign_credit_code_is_refused_by_list_signing_and_verification() {
    let d = Dir::new();
    let r = d.authority("sc", "sc0", "11510000008963441C", &[]);
    assert_eq!(r.code, 0, "{r}");
    let root_key =
        SecretKey::from_pkcs8_pem(&fs::read_to_string(d.path("sc/root.key.pem")).unwrap()).unwrap();
    let good =
        Certificate::from_pem(&fs::read_to_string(d.path("sc0/authority.cert.pem")).unwrap())
            .unwrap();
    let rogue = reissue_with_code(&good, &root_key, "114400000073356321");
    assert_eq!(rogue.organization_identifier(), Some("114400000073356321"));
    fs::write(d.path("rogue.cert.pem"), rogue.to_pem()).unwrap();

    // Region-list signing refuses it.
    let spec = d.path("sc-list.json");
    fs::write(
        &spec,
        serde_json::json!({"authorities": [{
            "certificate": s(&d.path("rogue.cert.pem")),
            "types": ["11100000000013338W011"], "level": "A", "state": "active"}]})
        .to_string(),
    )
    .unwrap();
    let r = run(&[
        "trustlist",
        "region",
        "--key",
        s(&d.path("sc/root.key.pem")),
        "--cert",
        s(&d.path("sc/root.cert.pem")),
        "--spec",
        s(&spec),
        "--sequence",
        "1",
        "--out",
        s(&d.path("sc.tl")),
    ]);
    assert_eq!(r.code, 1, "{r}");
    assert!(r.stderr.contains("[CREDIT_CODE_REGION_MISMATCH]"), "{r}");
    assert!(!d.path("sc.tl").exists());

    // A licence signed with it is refused by the verifier.
    let (r, qr) = d.issue("sc0", "rogue.cert.pem", "sc.db");
    assert_eq!(r.code, 0, "{r}");
    let r = run(&[
        "verify",
        "--qr-file",
        s(&qr),
        "--root",
        s(&d.path("sc/root.cert.pem")),
        "--authority",
        s(&d.path("rogue.cert.pem")),
        "--json",
    ]);
    let report: Value = serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {r}"));
    assert_eq!(
        (
            r.code,
            report["verdict"].as_str(),
            report["reason"].as_str()
        ),
        (3, Some("INVALID"), Some("CREDIT_CODE_REGION_MISMATCH")),
        "{report:#}"
    );
    let certificate = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == "CERTIFICATE")
        .unwrap();
    assert_eq!(certificate["reason"], "CREDIT_CODE_REGION_MISMATCH");
    // The genuine certificate verifies.
    let (r, qr) = d.issue("sc0", "sc0/authority.cert.pem", "sc.db");
    assert_eq!(r.code, 0, "{r}");
    let r = run(&[
        "verify",
        "--qr-file",
        s(&qr),
        "--root",
        s(&d.path("sc/root.cert.pem")),
        "--authority",
        s(&d.path("sc0/authority.cert.pem")),
    ]);
    assert!(r.stdout.starts_with("Verdict: VALID"), "{r}");
}

// `openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-384` and `openssl
// genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:512` (OpenSSL 3.0); test
// data only.
const P384_PKCS8: &str = "-----BEGIN PRIVATE KEY-----
MIG2AgEAMBAGByqGSM49AgEGBSuBBAAiBIGeMIGbAgEBBDCG/0QjK8pV++BSbZsk
vtzWVLlFEG58Dr6YUbEsE4hiBjWQJAa6nkAonaLNGfK8uJ+hZANiAAT/T24uuMqc
rzh8pSVuI6kFPGjIgthKi4ndeB61hVj9XmKyfPzk1FY6+wl+hYODsWwjnYcmno88
/gKSUED9ugm5B6qlYHIO62mFYc8uNspCw5xOnR4gM7f8l/BcxO2btNo=
-----END PRIVATE KEY-----
";
const RSA_PKCS8: &str = "-----BEGIN PRIVATE KEY-----
MIIBVgIBADANBgkqhkiG9w0BAQEFAASCAUAwggE8AgEAAkEAvGzQQLd1XQhBmnPz
JdI8eTS0efmNMLmefQG4NXsN4Q6Tw/JPTDanMjLkSAAjZ1ll67ZlxwbRea4yIx1d
OhfJWQIDAQABAkEAsyWp4r4KwgcliJoRZbY7dOndZdMUoGz6+NN3trFmgsBb1KNt
zlXYww17uZr0ymIWkB8A2tpcCk0nk7CB3ij44QIhAPFQD4N7TMU6skCu2GihWSsG
25VJ73sFkbmlhZJGUVwNAiEAx+SzKzEHb0VAJAqnTgZBCq0Fq4/nLrre9Xem1wMU
c30CIQCqVj4tLHr7ebxbxlACQ2qC4btcfS0rpLnB1uIbZ8GEfQIhAK/9ZtGMJSOO
MN6KkqpbT0B6/RcDZ2L5G/u6EKYVDBhxAiBI4nqZoaUcWut7cXkgfSZz9C73GLXV
azN0nCFMTTRmqQ==
-----END PRIVATE KEY-----
";

#[test]
fn a_key_of_another_algorithm_is_named_as_found() {
    let d = Dir::new();
    for (pem, found) in [
        (P384_PKCS8, "id-ecPublicKey (P-384)"),
        (RSA_PKCS8, "rsaEncryption"),
    ] {
        let key = d.path("other.key.pem");
        fs::write(&key, pem).unwrap();
        let r = run(&[
            "authority",
            "new",
            "--root-key",
            s(&key),
            "--root-cert",
            s(&d.path("sh/root.cert.pem")),
            "--name",
            "x",
            "--credit-code",
            "11310000MB2F31727A",
            "--out",
            s(&d.path("x")),
        ]);
        assert_eq!(r.code, 1, "{r}");
        assert_eq!(
            r.stderr,
            format!(
                "error: {}: the key is {found}; elicense uses Ed25519, SM2 and P-256 keys only \
                 [KEY_INVALID]\n",
                key.display()
            ),
            "{r}"
        );
        assert!(!r.stderr.contains("1.3.101.112"), "{r}");
    }
}
