//! The key and certificate files the CLI writes, read by independent
//! implementations: OpenSSL (`openssl pkey`, `openssl verify`, `openssl
//! x509`) and Python's `cryptography`. `scripts/test.sh` installs both when
//! missing; without them these tests fail (they never skip).
//!
//! Files: `federation init` (federation.key.pem, federation.cert.pem),
//! `region init` (root.key.pem, root.cert.pem) and `authority new`
//! (authority.key.pem, authority.cert.pem), in two regions.

use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

/// Runs the elicense binary; panics unless it exits 0.
fn elicense(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_elicense"))
        .args(args)
        .output()
        .expect("the binary runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "elicense {args:?}: {}\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

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

fn s(path: &Path) -> &str {
    path.to_str().expect("temporary paths are UTF-8")
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
        elicense(&[
            "federation",
            "init",
            "--name",
            "全国一体化政务服务平台电子证照信任根",
            "--out",
            s(&path("fed")),
        ]);
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
            elicense(&[
                "region",
                "init",
                "--region",
                region,
                "--name",
                name,
                "--out",
                s(&path(out)),
            ]);
            elicense(&[
                "authority",
                "new",
                "--root-key",
                s(&path(&format!("{out}/root.key.pem"))),
                "--root-cert",
                s(&path(&format!("{out}/root.cert.pem"))),
                "--name",
                authority,
                "--credit-code",
                code,
                "--out",
                s(&path(&format!("{out}/a"))),
            ]);
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
        let r = openssl(&["pkey", "-in", s(&key), "-noout"]);
        assert!(r.ok, "openssl pkey {}: {}", key.display(), r.stderr);
        // OpenSSL sees an Ed25519 key whose public half is the certificate's.
        let text = openssl(&["pkey", "-in", s(&key), "-noout", "-text"]);
        assert!(
            text.stdout.starts_with("ED25519 Private-Key:"),
            "{}: {}",
            key.display(),
            text.stdout
        );
        let from_key = openssl(&["pkey", "-in", s(&key), "-pubout"]);
        let from_cert = openssl(&["x509", "-in", s(&cert), "-noout", "-pubkey"]);
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
        let r = openssl(&["verify", "-x509_strict", "-CAfile", s(&root), s(&root)]);
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
            args.extend_from_slice(&["-CAfile", s(&root), s(&authority)]);
            let r = openssl(&args);
            assert!(r.ok, "openssl {args:?}: {}{}", r.stdout, r.stderr);
            assert_eq!(r.stdout, format!("{}: OK\n", authority.display()));
        }
    }
    let other = openssl(&[
        "verify",
        "-CAfile",
        s(&f.path("gd/root.cert.pem")),
        s(&f.path("sh/a/authority.cert.pem")),
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
    let r = openssl(&["x509", "-in", s(cert), "-noout", "-ext", name]);
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
    let spki = openssl(&["x509", "-in", s(&authority), "-noout", "-pubkey"]);
    let dir = tempfile::tempdir().unwrap();
    let pub_pem = dir.path().join("pub.pem");
    std::fs::write(&pub_pem, &spki.stdout).unwrap();
    let der = dir.path().join("pub.der");
    assert!(
        openssl(&[
            "pkey",
            "-pubin",
            "-in",
            s(&pub_pem),
            "-outform",
            "DER",
            "-out",
            s(&der)
        ])
        .ok
    );
    let der_bytes = std::fs::read(&der).unwrap();
    assert_eq!(der_bytes.len(), 44);
    let raw = dir.path().join("raw");
    std::fs::write(&raw, &der_bytes[12..]).unwrap();
    let digest = openssl(&["dgst", "-sha256", "-hex", s(&raw)]);
    let hex = digest.stdout.trim().rsplit(' ').next().unwrap().to_owned();
    let expected: Vec<String> = (0..20)
        .map(|i| hex[2 * i..2 * i + 2].to_uppercase())
        .collect();
    assert_eq!(authority_ski, expected.join(":"));
    // basicConstraints: critical, CA for the root, not for the authority.
    let bc = |cert: &Path| {
        let r = openssl(&["x509", "-in", s(cert), "-noout", "-ext", "basicConstraints"]);
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
        args.push(s(&key).to_owned());
        args.push(s(&cert).to_owned());
    }
    for region in ["sh", "gd"] {
        let mut a = args.clone();
        a.push(s(&f.path(&format!("{region}/root.cert.pem"))).to_owned());
        a.push(s(&f.path(&format!("{region}/a/authority.cert.pem"))).to_owned());
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        let r = tool("python3", &a);
        assert!(r.ok, "python3 cryptography check: {}{}", r.stdout, r.stderr);
        assert_eq!(r.stdout, "ok 5\n");
    }
}
