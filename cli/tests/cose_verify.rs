//! `elicense cose-verify`: an EU Digital COVID Certificate given as `HC1:`
//! QR text (built here from a dgc-testdata signature in
//! ../shared/vectors/dgc), the same message tampered with, a message whose
//! header does not match its certificate's key, and one of our own
//! licences (`EL2:`) read as plain COSE. Exact exit status, verdict,
//! algorithm and reason code each time.

mod common;

use std::fs;
use std::io::Write as _;

use common::{authority_new, ok, p, region_init, run, SAMPLE};
use elicense::cose::CoseSign1;
use serde_json::Value;

fn base64(text: &str) -> Vec<u8> {
    let (mut bits, mut n, mut out) = (0u32, 0, Vec::new());
    for c in text.bytes().filter(|&c| c != b'=') {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => panic!("not Base64: {c}"),
        };
        bits = (bits << 6) | u32::from(v);
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
        }
    }
    out
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// The DGC vector from `source`: its COSE bytes and certificate DER.
fn dgc(source: &str) -> (Vec<u8>, Vec<u8>) {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/vectors/dgc/dgc-vectors.json"
    );
    let all: Value = serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap();
    let v = all
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["source"] == source)
        .unwrap_or_else(|| panic!("no vector {source}"));
    (
        unhex(v["cose_hex"].as_str().unwrap()),
        base64(v["certificate_der_b64"].as_str().unwrap()),
    )
}

/// EU DCC QR text: `HC1:` and Base45 of zlib of the COSE_Sign1.
fn hc1(cose: &[u8]) -> String {
    let zlib = miniz_oxide::deflate::compress_to_vec_zlib(cose, 9);
    format!("HC1:{}\n", elicense::internals::base45::encode(&zlib))
}

#[test]
fn dcc_hc1_text_verifies_and_tampering_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    let (cose, der) = dgc("AE/2DCode/raw/test.json");
    let cert = dir.path().join("dsc.der");
    fs::write(&cert, &der).unwrap();
    let qr = dir.path().join("dcc.txt");
    fs::write(&qr, hc1(&cose)).unwrap();

    let r = ok(&["cose-verify", "--cert", p(&cert), p(&qr)]);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(
        lines[0], "VALID: the signature verifies under the certificate's key",
        "{r}"
    );
    assert_eq!(lines[1], "  input        HC1: QR text, tag 18", "{r}");
    assert_eq!(lines[2], "  algorithm    ES256", "{r}");
    assert_eq!(
        lines[3], "  kid          1c10ebbbc49f7831 (protected; SHA-256 of the certificate)",
        "{r}"
    );
    assert!(r.stdout.contains("  key          P-256\n"), "{r}");
    assert!(r.stdout.contains("(not checked)"), "{r}");

    let r = ok(&["cose-verify", "--cert", p(&cert), p(&qr), "--json"]);
    let j = r.json();
    assert_eq!(j["verdict"], "VALID");
    assert_eq!(j["reason"], "OK");
    assert_eq!(j["form"], "hc1");
    assert_eq!(j["algorithm"], "ES256");
    assert_eq!(j["kid"]["bytes"], "1c10ebbbc49f7831");
    assert_eq!(j["kid"]["protected"], true);
    assert_eq!(j["kid_is_certificate_hash"], true);
    let payload = CoseSign1::decode(&cose).unwrap().payload().to_vec();
    assert_eq!(j["payload_hex"], elicense::cose::hex(&payload));
    assert_eq!(j["certificate"]["key"], "P-256");

    // From standard input, as binary COSE.
    let out = assert_cmd::Command::new(env!("CARGO_BIN_EXE_elicense"))
        .args(["cose-verify", "--cert", p(&cert), "-", "--json"])
        .write_stdin(cose.clone())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let j: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (&j["form"], &j["verdict"]),
        (&"binary".into(), &"VALID".into())
    );

    // One byte of the signature changed: INVALID, exit 3.
    let mut bad = cose.clone();
    let last = bad.len() - 1;
    bad[last] ^= 0x01;
    fs::write(&qr, hc1(&bad)).unwrap();
    let r = run(["cose-verify", "--cert", p(&cert), p(&qr)]);
    assert_eq!(r.code, 3, "{r}");
    assert!(
        r.stdout
            .starts_with("INVALID [SIGNATURE_INVALID]: the signature does not verify\n"),
        "{r}"
    );
    assert!(r.stdout.contains("  algorithm    ES256\n"), "{r}");
    let r = run(["cose-verify", "--cert", p(&cert), p(&qr), "--json"]);
    assert_eq!(r.code, 3, "{r}");
    let j = r.json();
    assert_eq!(j["verdict"], "INVALID");
    assert_eq!(j["reason"], "SIGNATURE_INVALID");
    assert_eq!(j["algorithm"], "ES256");
    assert_eq!(j["payload_hex"], Value::Null);

    // Hex text of an ES256 message whose certificate holds a P-384 key.
    let (cose, der) = dgc("ES/2DCode/raw/401.json");
    fs::write(&cert, &der).unwrap();
    let hex_file = dir.path().join("es401.hex");
    fs::write(&hex_file, elicense::cose::hex(&cose)).unwrap();
    let r = run(["cose-verify", "--cert", p(&cert), p(&hex_file)]);
    assert_eq!(r.code, 3, "{r}");
    assert!(
        r.stdout.starts_with(
            "INVALID [ALG_KEY_MISMATCH]: the header's alg is ES256, but the key is id-ecPublicKey (P-384)\n"
        ),
        "{r}"
    );

    // A file that is not a certificate: an error, exit 1.
    let r = run(["cose-verify", "--cert", p(&qr), p(&hex_file), "--json"]);
    r.assert_error("CERT_MALFORMED");
    // External AAD that is not hex: a usage error.
    let r = run([
        "cose-verify",
        "--cert",
        p(&cert),
        p(&qr),
        "--external-aad",
        "abc",
    ]);
    assert_eq!(r.code, 2, "{r}");
}

#[test]
fn own_licence_verifies_as_plain_cose() {
    let dir = tempfile::tempdir().unwrap();
    let sh = dir.path().join("sh");
    region_init("310000", "上海市电子证照根CA", &sh, &[]).assert_ok();
    let s = |name: &str| p(&sh.join(name)).to_owned();
    authority_new(&sh, "上海市市场监督管理局", "11310000MB2F31727A", &sh, &[]).assert_ok();
    let licence = dir.path().join("licence.txt");
    ok(&[
        "issue",
        "--key",
        &s("authority.key.pem"),
        "--cert",
        &s("authority.cert.pem"),
        "--licence",
        SAMPLE,
        "--out",
        p(&licence),
    ]);
    let r = ok(&[
        "cose-verify",
        "--cert",
        &s("authority.cert.pem"),
        p(&licence),
    ]);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(
        lines[0], "VALID: the signature verifies under the certificate's key",
        "{r}"
    );
    assert_eq!(lines[1], "  input        EL2: QR text, tag 18", "{r}");
    assert_eq!(lines[2], "  algorithm    EdDSA", "{r}");
    assert!(
        lines[3].ends_with(" (protected; SHA-256 of the certificate)"),
        "{r}"
    );
    assert!(r.stdout.contains("  key          Ed25519\n"), "{r}");

    // The licence was signed without external data.
    let r = run([
        "cose-verify",
        "--cert",
        &s("authority.cert.pem"),
        p(&licence),
        "--external-aad",
        "00",
    ]);
    assert_eq!(r.code, 3, "{r}");
    assert!(r.stdout.starts_with("INVALID [SIGNATURE_INVALID]"), "{r}");
    // The region root's certificate holds another Ed25519 key.
    let r = run([
        "cose-verify",
        "--cert",
        &s("root.cert.pem"),
        p(&licence),
        "--json",
    ]);
    assert_eq!(r.code, 3, "{r}");
    let j = r.json();
    assert_eq!(
        (&j["reason"], &j["algorithm"]),
        (&"SIGNATURE_INVALID".into(), &"EdDSA".into())
    );
    assert_eq!(j["kid_is_certificate_hash"], false);
    assert_eq!(j["form"], "el2");

    // The licence's QR text piped in, with its line end.
    let mut text = fs::read(&licence).unwrap();
    text.write_all(b"\n").unwrap();
    let out = assert_cmd::Command::new(env!("CARGO_BIN_EXE_elicense"))
        .args(["cose-verify", "--cert", &s("authority.cert.pem"), "-"])
        .write_stdin(text)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
