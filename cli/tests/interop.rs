//! The key and certificate files the CLI writes, read by independent
//! implementations: OpenSSL (`openssl pkey`, `openssl verify`, `openssl
//! x509`) and Python's `cryptography`. `scripts/test.sh` installs both when
//! missing; without them these tests fail (they never skip).
//!
//! Files: `federation init` (federation.key.pem, federation.cert.pem),
//! `region init` (root.key.pem, root.cert.pem) and `authority new`
//! (authority.key.pem, authority.cert.pem), in two regions; and with
//! `--alg`, roots and authorities of every algorithm in every mix.
//!
//! SM2 (docs/FORMAT.md §5): OpenSSL 3.0 signs and verifies SM2 with an
//! empty distinguishing identifier unless told otherwise, so every SM2
//! command here spells out `distid:1234567812345678` (`-sigopt` on `req`
//! and `x509`, `-vfyopt` on `x509 -req` and `verify`, `-pkeyopt` on
//! `pkeyutl`). Python `cryptography` (48) does not support the SM2 curve
//! ("Curve 1.2.156.10197.1.301 is not supported"): it is used for the
//! Ed25519 and P-256 files only.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{authority_new, federation_init, ok, p, region_init};
use tempfile::TempDir;

/// The output of an external tool, which must be installed.
struct Tool {
    ok: bool,
    stdout: String,
    stderr: String,
}

fn tool(program: &str, args: &[&str]) -> Tool {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run {program} ({e}); scripts/test.sh installs it \
             (`apt-get install openssl`, `pip install cryptography`)"
            )
        });
    Tool {
        ok: out.status.success(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn openssl(args: &[&str]) -> Tool {
    tool("openssl", args)
}

/// A federation, two regions (Shanghai, Guangdong) and one authority each,
/// made by the binary.
struct Files {
    dir: TempDir,
}

impl Files {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = |n: &str| dir.path().join(n);
        federation_init("全国一体化政务服务平台电子证照信任根", &path("fed"), &[]).assert_ok();
        for (region, name, out, authority, code) in [
            (
                "310000",
                "上海市电子证照根CA",
                "sh",
                "上海市市场监督管理局",
                "11310000MB2F31727A",
            ),
            (
                "440000",
                "广东省电子证照根CA",
                "gd",
                "深圳市市场监督管理局",
                "11440300MB0000001Y",
            ),
        ] {
            region_init(region, name, &path(out), &[]).assert_ok();
            authority_new(&path(out), authority, code, &path(&format!("{out}/a")), &[]).assert_ok();
        }
        Files { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Every (key, certificate) pair written.
    fn pairs(&self) -> Vec<(PathBuf, PathBuf)> {
        [
            ("fed/federation.key.pem", "fed/federation.cert.pem"),
            ("sh/root.key.pem", "sh/root.cert.pem"),
            ("sh/a/authority.key.pem", "sh/a/authority.cert.pem"),
            ("gd/root.key.pem", "gd/root.cert.pem"),
            ("gd/a/authority.key.pem", "gd/a/authority.cert.pem"),
        ]
        .iter()
        .map(|(k, c)| (self.path(k), self.path(c)))
        .collect()
    }
}

#[test]
fn openssl_reads_every_key_and_verifies_every_chain() {
    let f = Files::new();
    for (key, cert) in f.pairs() {
        let r = openssl(&["pkey", "-in", p(&key), "-noout"]);
        assert!(r.ok, "openssl pkey {}: {}", key.display(), r.stderr);
        // OpenSSL sees an Ed25519 key whose public half is the certificate's.
        let text = openssl(&["pkey", "-in", p(&key), "-noout", "-text"]);
        assert!(
            text.stdout.starts_with("ED25519 Private-Key:"),
            "{}: {}",
            key.display(),
            text.stdout
        );
        let from_key = openssl(&["pkey", "-in", p(&key), "-pubout"]);
        let from_cert = openssl(&["x509", "-in", p(&cert), "-noout", "-pubkey"]);
        assert!(from_key.ok && from_cert.ok, "{}", from_cert.stderr);
        assert_eq!(from_key.stdout, from_cert.stdout, "{}", key.display());
        assert!(from_key.stdout.starts_with("-----BEGIN PUBLIC KEY-----\n"));
    }
    // Each self-signed root verifies against itself; each authority against
    // its root, and not against the other region's.
    for root in [
        "fed/federation.cert.pem",
        "sh/root.cert.pem",
        "gd/root.cert.pem",
    ] {
        let root = f.path(root);
        let r = openssl(&["verify", "-x509_strict", "-CAfile", p(&root), p(&root)]);
        assert_eq!(
            r.stdout,
            format!("{}: OK\n", root.display()),
            "{}",
            r.stderr
        );
    }
    for region in ["sh", "gd"] {
        let root = f.path(&format!("{region}/root.cert.pem"));
        let authority = f.path(&format!("{region}/a/authority.cert.pem"));
        for strict in [&[][..], &["-x509_strict"][..]] {
            let mut args = vec!["verify"];
            args.extend_from_slice(strict);
            args.extend_from_slice(&["-CAfile", p(&root), p(&authority)]);
            let r = openssl(&args);
            assert!(r.ok, "openssl {args:?}: {}{}", r.stdout, r.stderr);
            assert_eq!(r.stdout, format!("{}: OK\n", authority.display()));
        }
    }
    let other = openssl(&[
        "verify",
        "-CAfile",
        p(&f.path("gd/root.cert.pem")),
        p(&f.path("sh/a/authority.cert.pem")),
    ]);
    assert!(!other.ok, "{}", other.stdout);
    assert!(
        other
            .stdout
            .contains("unable to get local issuer certificate")
            || other
                .stderr
                .contains("unable to get local issuer certificate"),
        "{}{}",
        other.stdout,
        other.stderr
    );
}

/// `openssl x509 -ext NAME` prints the extension's value on the line after its
/// name: the colon-separated hex of a key identifier.
fn extension_line(cert: &Path, name: &str) -> String {
    let r = openssl(&["x509", "-in", p(cert), "-noout", "-ext", name]);
    assert!(r.ok, "{}", r.stderr);
    let mut lines = r.stdout.lines();
    let header = lines.next().unwrap_or_default();
    assert!(header.starts_with("X509v3 "), "{}", r.stdout);
    lines
        .next()
        .unwrap_or_default()
        .trim()
        .trim_start_matches("keyid:")
        .to_owned()
}

#[test]
fn openssl_sees_rfc7093_key_identifiers_and_basic_constraints() {
    let f = Files::new();
    let root = f.path("sh/root.cert.pem");
    let authority = f.path("sh/a/authority.cert.pem");
    let root_ski = extension_line(&root, "subjectKeyIdentifier");
    let authority_ski = extension_line(&authority, "subjectKeyIdentifier");
    let authority_aki = extension_line(&authority, "authorityKeyIdentifier");
    // 20 bytes, colon-separated: 59 characters.
    assert_eq!(root_ski.len(), 59, "{root_ski}");
    assert_eq!(authority_ski.len(), 59, "{authority_ski}");
    assert_eq!(authority_aki, root_ski);
    assert_ne!(authority_ski, root_ski);
    // RFC 7093 method 1: SHA-256 of the 32 key bytes, first 20 bytes. The
    // key bytes are the last 32 of the DER SubjectPublicKeyInfo.
    let spki = openssl(&["x509", "-in", p(&authority), "-noout", "-pubkey"]);
    let dir = tempfile::tempdir().unwrap();
    let pub_pem = dir.path().join("pub.pem");
    std::fs::write(&pub_pem, &spki.stdout).unwrap();
    let der = dir.path().join("pub.der");
    assert!(
        openssl(&[
            "pkey",
            "-pubin",
            "-in",
            p(&pub_pem),
            "-outform",
            "DER",
            "-out",
            p(&der)
        ])
        .ok
    );
    let der_bytes = std::fs::read(&der).unwrap();
    assert_eq!(der_bytes.len(), 44);
    let raw = dir.path().join("raw");
    std::fs::write(&raw, &der_bytes[12..]).unwrap();
    let digest = openssl(&["dgst", "-sha256", "-hex", p(&raw)]);
    let hex = digest.stdout.trim().rsplit(' ').next().unwrap().to_owned();
    let expected: Vec<String> = (0..20)
        .map(|i| hex[2 * i..2 * i + 2].to_uppercase())
        .collect();
    assert_eq!(authority_ski, expected.join(":"));
    // basicConstraints: critical, CA for the root, not for the authority.
    let bc = |cert: &Path| {
        let r = openssl(&["x509", "-in", p(cert), "-noout", "-ext", "basicConstraints"]);
        r.stdout
    };
    assert_eq!(
        bc(&root),
        "X509v3 Basic Constraints: critical\n    CA:TRUE, pathlen:0\n"
    );
    assert_eq!(
        bc(&authority),
        "X509v3 Basic Constraints: critical\n    CA:FALSE\n"
    );
}

const PYTHON_CHECK: &str = r#"
import hashlib
import sys
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

def raw(public):
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

args = sys.argv[1:]
pairs = [(args[i], args[i + 1]) for i in range(0, len(args) - 2, 2)]
certs = {}
for key_path, cert_path in pairs:
    key = serialization.load_pem_private_key(open(key_path, "rb").read(), password=None)
    assert isinstance(key, ed25519.Ed25519PrivateKey), (key_path, type(key))
    cert = x509.load_pem_x509_certificate(open(cert_path, "rb").read())
    assert raw(key.public_key()) == raw(cert.public_key()), cert_path
    ski = cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    # RFC 7093 method 1: the leftmost 160 bits of SHA-256 over the key bytes.
    assert ski.digest == hashlib.sha256(raw(cert.public_key())).digest()[:20], cert_path
    bc = cert.extensions.get_extension_for_class(x509.BasicConstraints)
    assert bc.critical, cert_path
    certs[cert_path] = (cert, ski.digest, bc.value.ca)
    # The key signs, and its certificate's public key verifies.
    cert.public_key().verify(key.sign(b"elicense"), b"elicense")
root_path, authority_path = args[-2], args[-1]
root, root_ski, root_ca = certs[root_path]
authority, _, authority_ca = certs[authority_path]
assert root_ca and not authority_ca
aki = authority.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value
assert aki.key_identifier == root_ski
authority.verify_directly_issued_by(root)
root.verify_directly_issued_by(root)
print("ok", len(pairs))
"#;

#[test]
fn python_cryptography_loads_every_key_and_certificate() {
    let f = Files::new();
    let mut args = vec!["-c".to_owned(), PYTHON_CHECK.to_owned()];
    for (key, cert) in f.pairs() {
        args.push(p(&key).to_owned());
        args.push(p(&cert).to_owned());
    }
    for region in ["sh", "gd"] {
        let mut a = args.clone();
        a.push(p(&f.path(&format!("{region}/root.cert.pem"))).to_owned());
        a.push(p(&f.path(&format!("{region}/a/authority.cert.pem"))).to_owned());
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        let r = tool("python3", &a);
        assert!(r.ok, "python3 cryptography check: {}{}", r.stdout, r.stderr);
        assert_eq!(r.stdout, "ok 5\n");
    }
}

// --- SM2, ES256 and mixed chains (issue 8) -------------------------------

use elicense::alg::{der_to_raw, raw_to_der, Algorithm, PublicKey, SecretKey, SignatureError};
use elicense::pki::{validate_chain, Certificate, PkiError, Usage};

const ALGS: [&str; 3] = ["ed25519", "sm2", "es256"];
const DISTID: &str = "distid:1234567812345678";
const OTHER_DISTID: &str = "distid:ALICE123@YAHOO.COM";

/// For each algorithm a federation root and a Shanghai root; under each
/// root an authority of each algorithm. All made by the binary.
struct AlgFiles {
    dir: TempDir,
}

impl AlgFiles {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = |n: &str| dir.path().join(n);
        for alg in ALGS {
            federation_init(
                "全国一体化政务服务平台电子证照信任根",
                &path(&format!("fed-{alg}")),
                &["--alg", alg],
            )
            .assert_ok();
            region_init(
                "310000",
                "上海市电子证照根CA",
                &path(&format!("root-{alg}")),
                &["--alg", alg],
            )
            .assert_ok();
            for subject in ALGS {
                authority_new(
                    &path(&format!("root-{alg}")),
                    "上海市市场监督管理局",
                    "11310000MB2F31727A",
                    &path(&format!("a-{alg}-{subject}")),
                    &["--alg", subject],
                )
                .assert_ok();
            }
        }
        AlgFiles { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
    fn root(&self, alg: &str) -> PathBuf {
        self.path(&format!("root-{alg}/root.cert.pem"))
    }
    fn authority(&self, root: &str, subject: &str) -> PathBuf {
        self.path(&format!("a-{root}-{subject}/authority.cert.pem"))
    }
    fn authority_key(&self, root: &str, subject: &str) -> PathBuf {
        self.path(&format!("a-{root}-{subject}/authority.key.pem"))
    }
    /// Every (key, certificate, algorithm) written.
    fn pairs(&self) -> Vec<(PathBuf, PathBuf, &'static str)> {
        let mut out = Vec::new();
        for alg in ALGS {
            out.push((
                self.path(&format!("fed-{alg}/federation.key.pem")),
                self.path(&format!("fed-{alg}/federation.cert.pem")),
                alg,
            ));
            out.push((
                self.path(&format!("root-{alg}/root.key.pem")),
                self.root(alg),
                alg,
            ));
            for root in ALGS {
                out.push((
                    self.authority_key(root, alg),
                    self.authority(root, alg),
                    alg,
                ));
            }
        }
        out
    }
}

/// `openssl verify -x509_strict` of `cert` under `ca`, whose key is of
/// `ca_alg`: with the SM2 identifier when it is SM2 (OpenSSL refuses the
/// option for other keys).
fn openssl_verify(ca_alg: &str, ca: &Path, cert: &Path) -> Tool {
    let mut args = vec!["verify", "-x509_strict"];
    if ca_alg == "sm2" {
        args.extend_from_slice(&["-vfyopt", DISTID]);
    }
    args.extend_from_slice(&["-CAfile", p(ca), p(cert)]);
    openssl(&args)
}

#[test]
fn openssl_verifies_our_sm2_es256_and_mixed_chains() {
    let f = AlgFiles::new();
    for alg in ALGS {
        for ca in [
            f.root(alg),
            f.path(&format!("fed-{alg}/federation.cert.pem")),
        ] {
            let r = openssl_verify(alg, &ca, &ca);
            assert_eq!(r.stdout, format!("{}: OK\n", ca.display()), "{}", r.stderr);
        }
        for subject in ALGS {
            let cert = f.authority(alg, subject);
            let r = openssl_verify(alg, &f.root(alg), &cert);
            assert_eq!(
                r.stdout,
                format!("{}: OK\n", cert.display()),
                "{alg} root, {subject} authority: {}",
                r.stderr
            );
            // Under a root of another algorithm (same name, other key): refused.
            let other = ALGS[(ALGS.iter().position(|a| *a == alg).unwrap() + 1) % 3];
            let r = openssl_verify(other, &f.root(other), &cert);
            assert!(
                !r.ok,
                "{alg} authority under the {other} root: {}",
                r.stdout
            );
        }
    }
    // What OpenSSL reads in the SM2 and P-256 certificates: GM/T 0015 and
    // RFC 5480 / RFC 5758.
    for (alg, signature, curve) in [
        ("sm2", "Signature Algorithm: SM2-with-SM3", "ASN1 OID: SM2"),
        (
            "es256",
            "Signature Algorithm: ecdsa-with-SHA256",
            "ASN1 OID: prime256v1",
        ),
    ] {
        let text = openssl(&["x509", "-in", p(&f.root(alg)), "-noout", "-text"]);
        assert!(text.ok, "{}", text.stderr);
        assert!(text.stdout.contains(signature), "{alg}: {}", text.stdout);
        assert!(text.stdout.contains(curve), "{alg}: {}", text.stdout);
        assert!(
            text.stdout.contains("Public Key Algorithm: id-ecPublicKey"),
            "{}",
            text.stdout
        );
    }
    // With another distinguishing identifier, OpenSSL refuses our SM2
    // signatures: the identifier is part of what was signed.
    let r = openssl(&[
        "verify",
        "-vfyopt",
        OTHER_DISTID,
        "-CAfile",
        p(&f.root("sm2")),
        p(&f.authority("sm2", "ed25519")),
    ]);
    assert!(!r.ok, "{}", r.stdout);
    assert!(
        format!("{}{}", r.stdout, r.stderr).contains("certificate signature failure"),
        "{}{}",
        r.stdout,
        r.stderr
    );
}

#[test]
fn openssl_reads_every_sm2_and_p256_key_file_as_written() {
    let f = AlgFiles::new();
    for (key, cert, alg) in f.pairs() {
        // `openssl pkey` writes the key back byte for byte: the file is
        // PKCS#8 exactly as OpenSSL writes it.
        let r = openssl(&["pkey", "-in", p(&key)]);
        assert!(r.ok, "openssl pkey {}: {}", key.display(), r.stderr);
        assert_eq!(
            r.stdout,
            std::fs::read_to_string(&key).unwrap(),
            "{}",
            key.display()
        );
        let text = openssl(&["pkey", "-in", p(&key), "-noout", "-text"]);
        let expected = match alg {
            "ed25519" => "ED25519 Private-Key:",
            _ => "Private-Key: (256 bit)",
        };
        assert!(
            text.stdout.starts_with(expected),
            "{}: {}",
            key.display(),
            text.stdout
        );
        match alg {
            "sm2" => assert!(text.stdout.contains("ASN1 OID: SM2"), "{}", text.stdout),
            "es256" => assert!(text.stdout.contains("NIST CURVE: P-256"), "{}", text.stdout),
            _ => {}
        }
        let from_key = openssl(&["pkey", "-in", p(&key), "-pubout"]);
        let from_cert = openssl(&["x509", "-in", p(&cert), "-noout", "-pubkey"]);
        assert!(from_key.ok && from_cert.ok, "{}", from_cert.stderr);
        assert_eq!(from_key.stdout, from_cert.stdout, "{}", key.display());
    }
}

/// A COSE Sig_structure (RFC 9052 §4.4, docs/FORMAT.md §3) for `alg`:
/// `["Signature1", protected, h'', payload]`, protected `{1: alg, 4: kid,
/// 16: typ}`.
fn sig_structure(cose_alg: i64) -> Vec<u8> {
    fn head(major: u8, n: u64, out: &mut Vec<u8>) {
        let m = major << 5;
        match n {
            0..=23 => out.push(m | n as u8),
            24..=0xff => out.extend_from_slice(&[m | 24, n as u8]),
            0x100..=0xffff => {
                out.push(m | 25);
                out.extend_from_slice(&(n as u16).to_be_bytes());
            }
            _ => {
                out.push(m | 26);
                out.extend_from_slice(&(n as u32).to_be_bytes());
            }
        }
    }
    fn bytes(major: u8, b: &[u8], out: &mut Vec<u8>) {
        head(major, b.len() as u64, out);
        out.extend_from_slice(b);
    }
    let mut protected = vec![0xa3, 0x01];
    if cose_alg < 0 {
        head(1, (-1 - cose_alg) as u64, &mut protected);
    } else {
        head(0, cose_alg as u64, &mut protected);
    }
    protected.push(0x04);
    bytes(
        2,
        &[0x3c, 0x1f, 0x2a, 0x9b, 0x55, 0x07, 0xe4, 0x6d],
        &mut protected,
    );
    protected.push(0x10);
    head(0, 65100, &mut protected); // a licence's typ (docs/FORMAT.md §3)
                                    // Claims {6: 1716170400}.
    let payload = [0xa1, 0x06, 0x1a, 0x66, 0x4a, 0xae, 0xa0];
    let mut out = vec![0x84];
    bytes(3, b"Signature1", &mut out);
    bytes(2, &protected, &mut out);
    bytes(2, &[], &mut out);
    bytes(2, &payload, &mut out);
    out
}

#[test]
fn sm2_and_es256_signatures_over_a_sig_structure_cross_verify_with_openssl() {
    let f = AlgFiles::new();
    let dir = tempfile::tempdir().unwrap();
    for (alg, algorithm, digest, opts) in [
        ("sm2", Algorithm::Sm2Sm3, "sm3", &["-pkeyopt", DISTID][..]),
        ("es256", Algorithm::Es256, "sha256", &[][..]),
    ] {
        let key_path = f.authority_key("sm2", alg);
        let key = SecretKey::from_pkcs8_pem(&std::fs::read_to_string(&key_path).unwrap()).unwrap();
        assert_eq!(key.algorithm(), algorithm);
        let public: PublicKey = key.public_key();
        let pub_pem = dir.path().join(format!("{alg}.pub.pem"));
        std::fs::write(&pub_pem, public.to_pem()).unwrap();
        let tbs = sig_structure(algorithm.cose_id());
        let tbs_path = dir.path().join(format!("{alg}.tbs"));
        std::fs::write(&tbs_path, &tbs).unwrap();

        // OpenSSL signs (DER r, s); ours verifies the r ‖ s form, strictly
        // and against the header's alg.
        let sig_path = dir.path().join(format!("{alg}.openssl.sig"));
        let mut args = vec![
            "pkeyutl",
            "-sign",
            "-rawin",
            "-digest",
            digest,
            "-inkey",
            p(&key_path),
            "-in",
            p(&tbs_path),
            "-out",
            p(&sig_path),
        ];
        args.extend_from_slice(opts);
        let r = openssl(&args);
        assert!(r.ok, "{alg}: {}", r.stderr);
        let der = std::fs::read(&sig_path).unwrap();
        let raw = der_to_raw(&der).unwrap();
        assert_eq!(public.verify(&tbs, &raw), Ok(()), "{alg}");
        assert_eq!(
            elicense::alg::verify_as(algorithm, &public, &tbs, &raw),
            Ok(())
        );
        // The DER form itself is not a COSE signature.
        assert_eq!(public.verify(&tbs, &der), Err(SignatureError::DerInCose));
        // Another message does not verify.
        let mut other = tbs.clone();
        *other.last_mut().unwrap() ^= 1;
        assert_eq!(public.verify(&other, &raw), Err(SignatureError::Invalid));

        // Ours signs (r ‖ s, written as DER for OpenSSL); OpenSSL verifies.
        let ours = key.sign_bytes(&tbs);
        let ours_path = dir.path().join(format!("{alg}.ours.sig"));
        std::fs::write(&ours_path, raw_to_der(&ours)).unwrap();
        let verify = |tbs: &Path, extra: &[&str]| {
            let mut args = vec![
                "pkeyutl",
                "-verify",
                "-rawin",
                "-digest",
                digest,
                "-pubin",
                "-inkey",
                p(&pub_pem),
                "-in",
                p(tbs),
                "-sigfile",
                p(&ours_path),
            ];
            args.extend_from_slice(extra);
            openssl(&args)
        };
        let r = verify(&tbs_path, opts);
        assert!(r.ok, "{alg}: {}{}", r.stdout, r.stderr);
        assert_eq!(r.stdout, "Signature Verified Successfully\n");
        let other_path = dir.path().join(format!("{alg}.other"));
        std::fs::write(&other_path, &other).unwrap();
        let r = verify(&other_path, opts);
        assert!(!r.ok, "{alg}: {}", r.stdout);
        assert_eq!(r.stdout, "Signature Verification Failure\n");
    }

    // SM2: a signature made with another distinguishing identifier is
    // refused by ours, and ours is refused by OpenSSL under that identifier.
    let key_path = f.authority_key("sm2", "sm2");
    let key = SecretKey::from_pkcs8_pem(&std::fs::read_to_string(&key_path).unwrap()).unwrap();
    let tbs = sig_structure(Algorithm::Sm2Sm3.cose_id());
    let tbs_path = dir.path().join("alice.tbs");
    std::fs::write(&tbs_path, &tbs).unwrap();
    let sig_path = dir.path().join("alice.sig");
    let r = openssl(&[
        "pkeyutl",
        "-sign",
        "-rawin",
        "-digest",
        "sm3",
        "-inkey",
        p(&key_path),
        "-in",
        p(&tbs_path),
        "-out",
        p(&sig_path),
        "-pkeyopt",
        OTHER_DISTID,
    ]);
    assert!(r.ok, "{}", r.stderr);
    let raw = der_to_raw(&std::fs::read(&sig_path).unwrap()).unwrap();
    assert_eq!(
        key.public_key().verify(&tbs, &raw),
        Err(SignatureError::Invalid)
    );
    let pub_pem = dir.path().join("alice.pub.pem");
    std::fs::write(&pub_pem, key.public_key().to_pem()).unwrap();
    let ours_path = dir.path().join("alice.ours.sig");
    std::fs::write(&ours_path, raw_to_der(&key.sign_bytes(&tbs))).unwrap();
    let r = openssl(&[
        "pkeyutl",
        "-verify",
        "-rawin",
        "-digest",
        "sm3",
        "-pubin",
        "-inkey",
        p(&pub_pem),
        "-in",
        p(&tbs_path),
        "-sigfile",
        p(&ours_path),
        "-pkeyopt",
        OTHER_DISTID,
    ]);
    assert!(!r.ok, "{}", r.stdout);
}

/// An OpenSSL configuration with our profile's extensions (docs/FORMAT.md
/// §5): the region code (Subject Directory Attributes, as DER) and the
/// extended key usages under our arc. Key identifiers are OpenSSL's own
/// (SHA-1): chain validation does not use them.
const OPENSSL_PROFILE: &str = "\
[req]
distinguished_name = dn
string_mask = utf8only
[dn]
[root]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign, digitalSignature
subjectKeyIdentifier = hash
2.5.29.9 = DER:3024302206166982F5AAD4CBE8D5C2A2CF8EB4A3B9D7F5EDDB4F020131081306333130303030
[authority]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = 2.25.248122529154353122610737343268176752079.1.1, 2.25.248122529154353122610737343268176752079.1.3
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
2.5.29.9 = DER:3024302206166982F5AAD4CBE8D5C2A2CF8EB4A3B9D7F5EDDB4F020131081306333130303030
";

/// An SM2 root and authority made by OpenSSL alone.
struct OpensslSm2 {
    dir: TempDir,
}

impl OpensslSm2 {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let d = OpensslSm2 { dir };
        std::fs::write(d.path("profile.cnf"), OPENSSL_PROFILE).unwrap();
        for key in ["root.key", "authority.key"] {
            let r = openssl(&[
                "genpkey",
                "-algorithm",
                "EC",
                "-pkeyopt",
                "ec_paramgen_curve:SM2",
                "-out",
                p(&d.path(key)),
            ]);
            assert!(r.ok, "{}", r.stderr);
        }
        let r = openssl(&[
            "req",
            "-new",
            "-x509",
            "-key",
            p(&d.path("root.key")),
            "-sm3",
            "-sigopt",
            DISTID,
            "-utf8",
            "-subj",
            "/C=CN/CN=上海市电子证照根CA",
            "-days",
            "3650",
            "-config",
            p(&d.path("profile.cnf")),
            "-extensions",
            "root",
            "-out",
            p(&d.path("root.pem")),
        ]);
        assert!(r.ok, "{}", r.stderr);
        let r = openssl(&[
            "req", "-new", "-key", p(&d.path("authority.key")), "-sm3", "-sigopt", DISTID,
            "-utf8", "-subj",
            "/C=CN/O=上海市市场监督管理局/CN=上海市市场监督管理局/organizationIdentifier=11310000MB2F31727A",
            "-config", p(&d.path("profile.cnf")), "-out", p(&d.path("authority.csr")),
        ]);
        assert!(r.ok, "{}", r.stderr);
        for (distid, out) in [(DISTID, "authority.pem"), (OTHER_DISTID, "alice.pem")] {
            let r = openssl(&[
                "x509",
                "-req",
                "-in",
                p(&d.path("authority.csr")),
                "-CA",
                p(&d.path("root.pem")),
                "-CAkey",
                p(&d.path("root.key")),
                "-sm3",
                "-sigopt",
                distid,
                "-vfyopt",
                DISTID,
                "-extfile",
                p(&d.path("profile.cnf")),
                "-extensions",
                "authority",
                "-days",
                "365",
                "-out",
                p(&d.path(out)),
            ]);
            assert!(r.ok, "{}", r.stderr);
        }
        d
    }
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
    fn cert(&self, name: &str) -> Certificate {
        Certificate::from_pem(&std::fs::read_to_string(self.path(name)).unwrap()).unwrap()
    }
}

#[test]
fn our_chain_validation_accepts_an_openssl_sm2_root_and_authority() {
    let o = OpensslSm2::new();
    let root = o.cert("root.pem");
    let authority = o.cert("authority.pem");
    assert_eq!(root.public_key().algorithm(), Algorithm::Sm2Sm3);
    assert_eq!(root.region().unwrap().as_str(), "310000");
    assert!(root.is_ca());
    assert_eq!(authority.public_key().algorithm(), Algorithm::Sm2Sm3);
    assert_eq!(
        authority.usages(),
        &[Usage::LicenceSigning, Usage::StatusListSigning]
    );
    assert_eq!(authority.common_name(), "上海市市场监督管理局");
    let v = validate_chain(
        &authority,
        std::slice::from_ref(&root),
        Usage::LicenceSigning,
    )
    .unwrap();
    assert_eq!(v.credit_code.as_str(), "11310000MB2F31727A");
    assert_eq!(v.region.as_str(), "310000");
    assert_eq!(
        validate_chain(&authority, std::slice::from_ref(&root), Usage::SealMaking).unwrap_err(),
        PkiError::WrongEku(Usage::SealMaking)
    );
    // Signed by OpenSSL with another distinguishing identifier: refused.
    let alice = o.cert("alice.pem");
    let e = validate_chain(&alice, std::slice::from_ref(&root), Usage::LicenceSigning).unwrap_err();
    assert_eq!(e, PkiError::BadSignature);
    assert_eq!(e.reason().as_str(), "CERT_SIGNATURE_INVALID");
    // OpenSSL agrees on both.
    let r = openssl_verify("sm2", &o.path("root.pem"), &o.path("authority.pem"));
    assert!(r.ok, "{}{}", r.stdout, r.stderr);
    assert!(!openssl_verify("sm2", &o.path("root.pem"), &o.path("alice.pem")).ok);

    // Our CLI issues an authority of each algorithm from the OpenSSL root
    // and its OpenSSL key file; OpenSSL and ours validate it.
    for alg in ALGS {
        let out = o.path(&format!("ours-{alg}"));
        ok(&[
            "authority",
            "new",
            "--alg",
            alg,
            "--root-key",
            p(&o.path("root.key")),
            "--root-cert",
            p(&o.path("root.pem")),
            "--name",
            "上海市市场监督管理局",
            "--credit-code",
            "11310000MB2F31727A",
            "--out",
            p(&out),
        ]);
        let cert_path = out.join("authority.cert.pem");
        let ours = Certificate::from_pem(&std::fs::read_to_string(&cert_path).unwrap()).unwrap();
        assert!(
            validate_chain(&ours, std::slice::from_ref(&root), Usage::LicenceSigning).is_ok(),
            "{alg}"
        );
        // Its issuer is the OpenSSL root's subject byte for byte, and its
        // AKI the root's (SHA-1) SKI.
        assert_eq!(
            ours.authority_key_identifier(),
            root.subject_key_identifier()
        );
        let r = openssl_verify("sm2", &o.path("root.pem"), &cert_path);
        assert_eq!(
            r.stdout,
            format!("{}: OK\n", cert_path.display()),
            "{}",
            r.stderr
        );
    }
}

const PYTHON_P256_CHECK: &str = r#"
import hashlib
import sys
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

def point(public):
    return public.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)

args = sys.argv[1:]
key_path, cert_path, root_path = args
key = serialization.load_pem_private_key(open(key_path, "rb").read(), password=None)
assert isinstance(key, ec.EllipticCurvePrivateKey), type(key)
assert isinstance(key.curve, ec.SECP256R1), key.curve
cert = x509.load_pem_x509_certificate(open(cert_path, "rb").read())
root = x509.load_pem_x509_certificate(open(root_path, "rb").read())
assert point(key.public_key()) == point(cert.public_key())
# RFC 7093 method 1 over the 65-byte uncompressed point.
ski = cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
assert ski.digest == hashlib.sha256(point(cert.public_key())).digest()[:20]
aki = cert.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value
root_ski = root.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
assert aki.key_identifier == root_ski.digest
assert cert.signature_algorithm_oid.dotted_string == "1.2.840.10045.4.3.2"
cert.verify_directly_issued_by(root)
root.verify_directly_issued_by(root)
from cryptography.hazmat.primitives import hashes
key.public_key().verify(key.sign(b"elicense", ec.ECDSA(hashes.SHA256())), b"elicense", ec.ECDSA(hashes.SHA256()))
print("ok")
"#;

const PYTHON_MIXED_CHECK: &str = r#"
import sys
from cryptography import x509
cert = x509.load_pem_x509_certificate(open(sys.argv[1], "rb").read())
root = x509.load_pem_x509_certificate(open(sys.argv[2], "rb").read())
cert.verify_directly_issued_by(root)
print("ok")
"#;

#[test]
fn python_cryptography_loads_p256_keys_and_checks_es256_and_mixed_chains() {
    let f = AlgFiles::new();
    // P-256 key and authority under the P-256 root.
    let r = tool(
        "python3",
        &[
            "-c",
            PYTHON_P256_CHECK,
            p(&f.authority_key("es256", "es256")),
            p(&f.authority("es256", "es256")),
            p(&f.root("es256")),
        ],
    );
    assert_eq!(r.stdout, "ok\n", "{}", r.stderr);
    // Mixed Ed25519 / P-256 chains, both ways.
    for (root, subject) in [("es256", "ed25519"), ("ed25519", "es256")] {
        let r = tool(
            "python3",
            &[
                "-c",
                PYTHON_MIXED_CHECK,
                p(&f.authority(root, subject)),
                p(&f.root(root)),
            ],
        );
        assert_eq!(
            r.stdout, "ok\n",
            "{root} root, {subject} authority: {}",
            r.stderr
        );
    }
    // Under the wrong root it fails (the check can fail).
    let r = tool(
        "python3",
        &[
            "-c",
            PYTHON_MIXED_CHECK,
            p(&f.authority("es256", "ed25519")),
            p(&f.root("ed25519")),
        ],
    );
    assert!(!r.ok, "{}", r.stdout);
}
