//! `elicense seal make|show|sign|verify` end to end: a seal maker and two
//! departments made by the binary, a generated seal picture, joint
//! issuance of one file, tampering, a truncated signature, refusals.

mod common;

use std::fs;

use common::{ok, p, run};

/// A path as an owned string, for argument lists built as `Vec<String>`.
fn owned(path: &std::path::Path) -> String {
    p(path).to_owned()
}
use tempfile::TempDir;

/// Runs `authority new` for `name` with `usages` and key algorithm `alg`, into `dir`.
fn authority(t: &TempDir, dir: &str, alg: &str, name: &str, code: &str, usages: &[&str]) {
    let d = t.path();
    let mut args = vec![
        "authority".to_owned(),
        "new".into(),
        "--root-key".into(),
        owned(&d.join("sh/root.key.pem")),
        "--root-cert".into(),
        owned(&d.join("sh/root.cert.pem")),
        "--name".into(),
        name.into(),
        "--credit-code".into(),
        code.into(),
        "--out".into(),
        owned(&d.join(dir)),
        "--alg".into(),
        alg.into(),
    ];
    for u in usages {
        args.extend(["--usage".into(), (*u).to_owned()]);
    }
    ok(&args);
}

fn make_seal(t: &TempDir, owner_dir: &str, owner: &str, code: &str, index: &str, extra: &[&str]) {
    let d = t.path();
    let mut args = vec![
        "seal".to_owned(),
        "make".into(),
        "--key".into(),
        owned(&d.join("psb/authority.key.pem")),
        "--cert".into(),
        owned(&d.join("psb/authority.cert.pem")),
        "--esid".into(),
        format!("310100000000{index}"),
        "--name".into(),
        format!("{owner}公章"),
        "--owner-name".into(),
        owner.into(),
        "--owner-code".into(),
        code.into(),
        "--signer-cert".into(),
        owned(&d.join(format!("{owner_dir}/authority.cert.pem"))),
        "--valid-from".into(),
        "2025-01-01".into(),
        "--valid-until".into(),
        "2029-01-01".into(),
        "--status-index".into(),
        index.into(),
        "--out".into(),
        owned(&d.join(format!("{owner_dir}.seal"))),
        "--json".into(),
    ];
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    let r = ok(&args);
    let j = r.json();
    assert_eq!(j["status_index"], index.parse::<u64>().unwrap(), "{r}");
}

fn sign(t: &TempDir, owner_dir: &str, digest: &str) -> String {
    let d = t.path();
    let out = owned(&d.join(format!("notice.pdf.{owner_dir}.sig")));
    let r = ok(&[
        "seal",
        "sign",
        &owned(&d.join("notice.pdf")),
        "--seal",
        &owned(&d.join(format!("{owner_dir}.seal"))),
        "--key",
        &owned(&d.join(format!("{owner_dir}/authority.key.pem"))),
        "--cert",
        &owned(&d.join(format!("{owner_dir}/authority.cert.pem"))),
        "--page",
        "1",
        "--x",
        "150",
        "--y",
        "240",
        "--out",
        &out,
        "--json",
    ]);
    assert_eq!(r.json()["digest_algorithm"], digest, "{r}");
    out
}

#[test]
fn make_show_sign_and_verify_a_jointly_sealed_file() {
    let t = TempDir::new().unwrap();
    let d = t.path();
    ok(&[
        "region",
        "init",
        "--region",
        "310000",
        "--name",
        "上海市电子证照根CA",
        "--out",
        &owned(&d.join("sh")),
    ]);
    // GB/T 38540's SM2 for the maker and one department; Ed25519 for the other.
    authority(
        &t,
        "psb",
        "sm2",
        "上海市公安局",
        "11310000002421441F",
        &["seal-making", "status-list-signing"],
    );
    authority(
        &t,
        "samr",
        "sm2",
        "上海市市场监督管理局",
        "11310000MB2F31727A",
        &["document-sealing"],
    );
    authority(
        &t,
        "sepb",
        "ed25519",
        "上海市生态环境局",
        "11310000002417920A",
        &["document-sealing"],
    );

    // A generated picture for one seal, a PNG file for the other.
    make_seal(
        &t,
        "samr",
        "上海市市场监督管理局",
        "11310000MB2F31727A",
        "0",
        &["--purpose", "行政审批专用章"],
    );
    let png = d.join("seal.png");
    ok(&[
        "seal",
        "show",
        &owned(&d.join("samr.seal")),
        "--png",
        &owned(&png),
        "--svg",
        &owned(&d.join("seal.svg")),
    ]);
    let png_bytes = fs::read(&png).unwrap();
    assert_eq!(&png_bytes[..8], b"\x89PNG\r\n\x1a\n");
    assert!(fs::read_to_string(d.join("seal.svg"))
        .unwrap()
        .starts_with("<svg"));
    make_seal(
        &t,
        "sepb",
        "上海市生态环境局",
        "11310000002417920A",
        "1",
        &["--picture", &owned(&png), "--picture-size", "42x42"],
    );
    let shown = ok(&["seal", "show", &owned(&d.join("sepb.seal")), "--json"]).json();
    assert_eq!(shown["untrusted"], true);
    assert_eq!(shown["seal"]["picture"]["type"], "png");

    let mut doc = b"%PDF-1.7\n".to_vec();
    doc.extend((0..100_000u32).map(|i| (i % 251) as u8));
    fs::write(d.join("notice.pdf"), &doc).unwrap();
    let sig_a = sign(&t, "samr", "SM3");
    let sig_b = sign(&t, "sepb", "SHA-256");
    // `seal show` reads the seal inside a signature too.
    ok(&["seal", "show", &sig_a]);

    let verify = |extra: &[&str]| {
        let mut args = vec![
            "seal".to_owned(),
            "verify".into(),
            owned(&d.join("notice.pdf")),
            sig_a.clone(),
            sig_b.clone(),
            "--root".into(),
            owned(&d.join("sh/root.cert.pem")),
            "--authority".into(),
            owned(&d.join("psb/authority.cert.pem")),
        ];
        args.extend(extra.iter().map(|s| (*s).to_owned()));
        run(&args)
    };
    let r = verify(&["--json"]);
    assert_eq!(r.code, 0, "{r}");
    let j = r.json();
    assert_eq!(j["summary"]["verdict"], "VALID");
    assert_eq!(j["summary"]["valid"], 2);
    assert_eq!(j["reports"][0]["checks"][7]["check"], "SIGNER_CERTIFICATE");
    assert_eq!(j["reports"][0]["checks"][7]["step"], 6);
    assert_eq!(
        j["reports"][1]["sealed"]["signer"]["name"],
        "上海市生态环境局"
    );
    let text = verify(&[]);
    assert!(
        text.stdout.contains("Summary: VALID: 2 signature(s)"),
        "{text}"
    );
    assert!(
        text.stdout.contains("  ✓ 7. Document unchanged: passed"),
        "{text}"
    );

    // One byte altered: both INVALID with DOCUMENT_DIGEST_MISMATCH, exit 3.
    doc[5000] ^= 1;
    fs::write(d.join("notice.pdf"), &doc).unwrap();
    let r = verify(&["--json"]);
    assert_eq!(r.code, 3, "{r}");
    let j = r.json();
    for i in 0..2 {
        assert_eq!(j["reports"][i]["reason"], "DOCUMENT_DIGEST_MISMATCH");
        assert_eq!(j["reports"][i]["problem"], "DOCUMENT");
        assert_eq!(j["reports"][i]["category"], "NOT_GENUINE");
    }
    assert_eq!(j["summary"]["invalid"], 2);
    doc[5000] ^= 1;
    fs::write(d.join("notice.pdf"), &doc).unwrap();

    // A truncated signature file: INVALID for it alone.
    let sig = fs::read(&sig_a).unwrap();
    fs::write(&sig_a, &sig[..sig.len() / 2]).unwrap();
    let r = verify(&["--json"]);
    assert_eq!(r.code, 3, "{r}");
    let j = r.json();
    assert_eq!(j["reports"][0]["reason"], "CBOR_MALFORMED");
    assert_eq!(j["reports"][0]["problem"], "FORMAT");
    assert_eq!(j["reports"][0]["category"], "UNREADABLE");
    assert_eq!(j["reports"][1]["verdict"], "VALID");

    // A seal for a certificate without the document-sealing usage is
    // refused when sealing.
    let r = run([
        "seal",
        "sign",
        &owned(&d.join("notice.pdf")),
        "--seal",
        &owned(&d.join("samr.seal")),
        "--key",
        &owned(&d.join("sepb/authority.key.pem")),
        "--cert",
        &owned(&d.join("sepb/authority.cert.pem")),
        "--out",
        &owned(&d.join("x.sig")),
    ]);
    r.assert_error("SIGNER_NOT_IN_SEAL");
    // An SVG picture with a script is refused.
    fs::write(
        d.join("evil.svg"),
        r#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#,
    )
    .unwrap();
    let r = run([
        "seal",
        "make",
        "--key",
        &owned(&d.join("psb/authority.key.pem")),
        "--cert",
        &owned(&d.join("psb/authority.cert.pem")),
        "--esid",
        "9",
        "--name",
        "章",
        "--owner-name",
        "上海市市场监督管理局",
        "--owner-code",
        "11310000MB2F31727A",
        "--signer-cert",
        &owned(&d.join("samr/authority.cert.pem")),
        "--valid-until",
        "2029-01-01",
        "--status-index",
        "9",
        "--picture",
        &owned(&d.join("evil.svg")),
        "--out",
        &owned(&d.join("evil.seal")),
    ]);
    r.assert_error("SEAL_PICTURE_UNSAFE");
}
