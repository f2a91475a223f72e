//! `authority new` and the certificates and keys the commands take, as a
//! new user meets them: default usages, which `--usage` fixes a refusal,
//! credit codes registered in another region, keys of another algorithm.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{
    assert_report, authority_new, check, federation_init, ok, p, region_init, run, Dir, Run,
    POLICY, SAMPLE,
};
use elicense::alg::SecretKey;
use elicense::pki::Certificate;

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

/// A directory with the Shanghai (310000) and Sichuan (510000) roots.
fn roots() -> Dir {
    let d = Dir::new();
    for (code, out) in [("310000", "sh"), ("510000", "sc")] {
        let r = region_init(code, &format!("{code} 电子证照根CA"), &d.path(out), &[]);
        assert_eq!(r.code, 0, "{r}");
    }
    d
}

impl Dir {
    fn authority(&self, region: &str, out: &str, code: &str, extra: &[&str]) -> Run {
        authority_new(
            &self.path(region),
            "上海市市场监督管理局",
            code,
            &self.path(out),
            extra,
        )
    }

    /// A Shanghai authority that may only make seals.
    fn seal_maker(&self) -> Run {
        self.authority(
            "sh",
            "seal",
            "11310000002417920A",
            &["--usage", "seal-making"],
        )
    }

    /// Issues the sample licence with the authority in `dir`, recorded in
    /// `registry`; returns the QR text file.
    fn issue(&self, dir: &str, cert: &str, registry: &str) -> (Run, PathBuf) {
        let out = self.path(&format!("{dir}.txt"));
        let r = run([
            "issue",
            "--key",
            p(&self.path(&format!("{dir}/authority.key.pem"))),
            "--cert",
            p(&self.path(cert)),
            "--licence",
            SAMPLE,
            "--registry",
            p(&self.path(registry)),
            "--out",
            p(&out),
        ]);
        (r, out)
    }

    fn publish(&self, dir: &str, registry: &str) -> Run {
        run([
            "status",
            "publish",
            "--registry",
            p(&self.path(registry)),
            "--key",
            p(&self.path(&format!("{dir}/authority.key.pem"))),
            "--cert",
            p(&self.path(&format!("{dir}/authority.cert.pem"))),
            "--out",
            p(&self.path(&format!("{dir}.sl"))),
        ])
    }
}

#[test]
fn authority_new_may_sign_licences_and_status_lists_by_default() {
    let d = roots();
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
    let r = d.seal_maker();
    assert_eq!(r.code, 0, "{r}");
    assert!(r.stdout.contains("  may sign: seal-making\n"), "{r}");
}

#[test]
fn a_missing_usage_names_the_flag_that_grants_it() {
    let d = roots();
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
    let r = d.seal_maker();
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
    let d = roots();
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
    let d = roots();
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
            "certificate": p(&d.path("rogue.cert.pem")),
            "types": ["11100000000013338W011"], "level": "A", "state": "active"}]})
        .to_string(),
    )
    .unwrap();
    let r = run([
        "trustlist",
        "region",
        "--key",
        p(&d.path("sc/root.key.pem")),
        "--cert",
        p(&d.path("sc/root.cert.pem")),
        "--spec",
        p(&spec),
        "--sequence",
        "1",
        "--out",
        p(&d.path("sc.tl")),
    ]);
    assert_eq!(r.code, 1, "{r}");
    assert!(r.stderr.contains("[CREDIT_CODE_REGION_MISMATCH]"), "{r}");
    assert!(!d.path("sc.tl").exists());

    // A licence signed with it is refused by the verifier.
    let (r, qr) = d.issue("sc0", "rogue.cert.pem", "sc.db");
    assert_eq!(r.code, 0, "{r}");
    let verify = |qr: &Path, authority: &str, extra: &[&str]| {
        let (root, authority) = (d.path("sc/root.cert.pem"), d.path(authority));
        let mut args = vec![
            "verify",
            "--qr-file",
            p(qr),
            "--root",
            p(&root),
            "--authority",
            p(&authority),
        ];
        args.extend_from_slice(extra);
        run(&args)
    };
    let r = verify(&qr, "rogue.cert.pem", &["--json"]);
    let report = r.json();
    assert_report(
        r.code,
        &report,
        3,
        "INVALID",
        "CREDIT_CODE_REGION_MISMATCH",
        "CERTIFICATE",
    );
    // The genuine certificate verifies.
    let (r, qr) = d.issue("sc0", "sc0/authority.cert.pem", "sc.db");
    assert_eq!(r.code, 0, "{r}");
    let r = verify(&qr, "sc0/authority.cert.pem", &[]);
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
    let d = roots();
    for (pem, found) in [
        (P384_PKCS8, "id-ecPublicKey (P-384)"),
        (RSA_PKCS8, "rsaEncryption"),
    ] {
        let key = d.path("other.key.pem");
        fs::write(&key, pem).unwrap();
        let r = run([
            "authority",
            "new",
            "--root-key",
            p(&key),
            "--root-cert",
            p(&d.path("sh/root.cert.pem")),
            "--name",
            "x",
            "--credit-code",
            "11310000MB2F31727A",
            "--out",
            p(&d.path("x")),
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

/// `--alg`: what each algorithm writes, and the default.
const ALGS: [(&str, elicense::alg::Algorithm, &str); 3] = [
    (
        "ed25519",
        elicense::alg::Algorithm::EdDsa,
        "Ed25519 (EdDSA)",
    ),
    ("sm2", elicense::alg::Algorithm::Sm2Sm3, "SM2 (SM2-SM3)"),
    ("es256", elicense::alg::Algorithm::Es256, "P-256 (ES256)"),
];

#[test]
fn alg_chooses_the_key_of_roots_and_authorities() {
    let d = roots();
    // The default is Ed25519 (the roots of roots() were made without --alg).
    let sh = fs::read_to_string(d.path("sh/root.key.pem")).unwrap();
    assert_eq!(
        SecretKey::from_pkcs8_pem(&sh).unwrap().algorithm(),
        elicense::alg::Algorithm::EdDsa
    );
    for (flag, alg, words) in ALGS {
        for (command, key_file, cert_file) in [
            ("federation", "federation.key.pem", "federation.cert.pem"),
            ("region", "root.key.pem", "root.cert.pem"),
        ] {
            let out = d.path(&format!("{command}-{flag}"));
            let r = if command == "region" {
                region_init("310000", "根", &out, &["--alg", flag])
            } else {
                federation_init("根", &out, &["--alg", flag])
            };
            assert_eq!(r.code, 0, "{r}");
            assert!(
                r.stdout.contains(&format!("\n  key:      {words}\n")),
                "{r}"
            );
            let pem = fs::read_to_string(out.join(key_file)).unwrap();
            let key = SecretKey::from_pkcs8_pem(&pem).unwrap();
            assert_eq!(key.algorithm(), alg, "{command} {flag}");
            // Written exactly as this crate (and OpenSSL) writes PKCS#8:
            // 48 bytes for Ed25519, 138 for SM2 and P-256 (docs/FORMAT.md §5.3).
            assert_eq!(*key.to_pkcs8_pem(), pem);
            let expected_len = if flag == "ed25519" { 48 } else { 138 };
            assert_eq!(key.to_pkcs8_der().len(), expected_len, "{flag}");
            assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
            let cert =
                Certificate::from_pem(&fs::read_to_string(out.join(cert_file)).unwrap()).unwrap();
            assert_eq!(cert.public_key(), &key.public_key());
        }
        // An authority of each algorithm under the Ed25519 Shanghai root, and
        // under the root of the same algorithm.
        for root in ["sh", &format!("region-{flag}")] {
            let out = format!("a-{flag}-under-{root}");
            let r = d.authority(root, &out, "11310000MB2F31727A", &["--alg", flag]);
            assert_eq!(r.code, 0, "{r}");
            assert!(
                r.stdout.contains(&format!("\n  key:      {words}\n")),
                "{r}"
            );
            let key = SecretKey::from_pkcs8_pem(
                &fs::read_to_string(d.path(&format!("{out}/authority.key.pem"))).unwrap(),
            )
            .unwrap();
            assert_eq!(key.algorithm(), alg);
            let cert = Certificate::from_pem(
                &fs::read_to_string(d.path(&format!("{out}/authority.cert.pem"))).unwrap(),
            )
            .unwrap();
            assert_eq!(cert.public_key(), &key.public_key());
            let root_cert = Certificate::from_pem(
                &fs::read_to_string(d.path(&format!("{root}/root.cert.pem"))).unwrap(),
            )
            .unwrap();
            let v = elicense::pki::validate_chain(
                &cert,
                &[root_cert],
                elicense::pki::Usage::LicenceSigning,
            )
            .unwrap();
            assert_eq!(v.credit_code.as_str(), "11310000MB2F31727A");
        }
    }
    let r = region_init("310000", "x", &d.path("rsa"), &["--alg", "rsa"]);
    assert_eq!(r.code, 2, "{r}");
    assert!(
        r.stderr.contains(
            "invalid value 'rsa' for '--alg <ALG>'\n  [possible values: ed25519, sm2, es256]"
        ),
        "{r}"
    );
}

/// The SM2 federation of issue 8: an SM2 federation root, an SM2 Guangdong
/// root certifying an Ed25519, an SM2 and a P-256 authority. Every command
/// after `init`/`new` takes its algorithm from the key file: licences,
/// status lists, both trust lists and the bundle, verified offline.
#[test]
fn an_sm2_federation_runs_end_to_end_with_authorities_of_every_algorithm() {
    let d = roots();
    federation_init(
        "全国一体化政务服务平台电子证照信任根",
        &d.path("fed"),
        &["--alg", "sm2"],
    )
    .assert_ok();
    region_init(
        "440000",
        "广东省电子证照根CA",
        &d.path("gd"),
        &["--alg", "sm2"],
    )
    .assert_ok();
    let authorities = [
        ("gd-ed25519", "ed25519", "11440300MB0000001Y", "EdDSA"),
        ("gd-sm2", "sm2", "114400000073356321", "SM2-SM3"),
        ("gd-es256", "es256", "11440100MB0000001L", "ES256"),
    ];
    let mut list = Vec::new();
    for (out, alg, code, _) in authorities {
        let r = d.authority("gd", out, code, &["--alg", alg]);
        assert_eq!(r.code, 0, "{r}");
        let (r, _) = d.issue(
            out,
            &format!("{out}/authority.cert.pem"),
            &format!("{out}.db"),
        );
        assert_eq!(r.code, 0, "{out}: {r}");
        let r = d.publish(out, &format!("{out}.db"));
        assert_eq!(r.code, 0, "{out}: {r}");
        list.push(serde_json::json!({
            "certificate": p(&d.path(&format!("{out}/authority.cert.pem"))),
            "types": ["11100000000013338W011"], "level": "A", "state": "active"
        }));
    }
    fs::write(
        d.path("gd-list.json"),
        serde_json::json!({ "authorities": list }).to_string(),
    )
    .unwrap();
    ok(&[
        "trustlist",
        "federation",
        "--key",
        p(&d.path("fed/federation.key.pem")),
        "--cert",
        p(&d.path("fed/federation.cert.pem")),
        "--region-root",
        p(&d.path("gd/root.cert.pem")),
        "--sequence",
        "1",
        "--out",
        p(&d.path("fed.tl")),
    ]);
    ok(&[
        "trustlist",
        "region",
        "--key",
        p(&d.path("gd/root.key.pem")),
        "--cert",
        p(&d.path("gd/root.cert.pem")),
        "--spec",
        p(&d.path("gd-list.json")),
        "--sequence",
        "1",
        "--out",
        p(&d.path("gd.tl")),
    ]);
    let (anchor, fed_tl, gd_tl) = (
        d.path("fed/federation.cert.pem"),
        d.path("fed.tl"),
        d.path("gd.tl"),
    );
    let mut build = vec![
        "bundle",
        "build",
        "--anchor",
        p(&anchor),
        "--federation",
        p(&fed_tl),
        "--region",
        p(&gd_tl),
    ];
    let status: Vec<PathBuf> = authorities
        .iter()
        .map(|(out, ..)| d.path(&format!("{out}.sl")))
        .collect();
    for list in &status {
        build.extend_from_slice(&["--status", p(list)]);
    }
    let bundle = d.path("trust.elb");
    build.extend_from_slice(&["--policy", POLICY, "--out", p(&bundle)]);
    ok(&build);
    for (out, _, code, alg) in authorities {
        let r = run([
            "verify",
            "--bundle",
            p(&bundle),
            "--anchor",
            p(&d.path("fed/federation.cert.pem")),
            "--qr-file",
            p(&d.path(&format!("{out}.txt"))),
            "--json",
        ]);
        assert_eq!(r.code, 0, "{out}: {r}");
        let report = r.json();
        assert_eq!(report["verdict"], "VALID", "{out}: {r}");
        assert_eq!(report["reason"], "OK", "{out}: {r}");
        assert_eq!(report["status"], "valid", "{out}: {r}");
        assert_eq!(report["authority"]["credit_code"], code);
        assert_eq!(report["authority"]["root_name"], "广东省电子证照根CA");
        let envelope = check(&report, "ENVELOPE");
        assert!(
            envelope["detail"]
                .as_str()
                .unwrap()
                .contains(&format!(", {alg}, ")),
            "{out}: {envelope}"
        );
    }
}
