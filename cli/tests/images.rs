//! `verify --image` on pictures (a phone-style JPEG photo, several codes in
//! one picture, hostile files) and the images `issue` writes for print (SVG
//! size in millimetres, PNG pHYs, warnings on modules too small).

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{assert_verdict, p, run, Run};
use elicense::qr::{EccLevel, QrCode};

/// The fixtures written by `scripts/qr-corpus.sh --fixtures`.
fn fixture(name: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/data/qr")
        .join(name);
    p.to_str().expect("UTF-8 path").to_owned()
}

/// A time inside the validity of the fixture's certificates and licence.
const PHOTO_AT: &str = "2027-01-01";

fn verify_photo_trust(image: &str) -> Run {
    run([
        "verify",
        "--image",
        image,
        "--root",
        &fixture("photo.root.cert.pem"),
        "--authority",
        &fixture("photo.authority.cert.pem"),
        "--at",
        PHOTO_AT,
    ])
}

#[test]
fn verify_image_reads_a_phone_photo_jpeg() {
    let r = verify_photo_trust(&fixture("photo.jpg"));
    assert_eq!(r.code, 0, "{r}");
    assert_verdict(&r, "VALID", "OK");
    assert!(r.stdout.contains("上海浦江智联科技有限公司"), "{r}");
}

/// Writes a greyscale PNG of `codes` side by side at 4 px/module.
fn png_of_codes(path: &Path, codes: &[&QrCode]) {
    let scale = 4;
    let cell = codes.iter().map(|q| q.size()).max().unwrap_or(21) + 8;
    let (w, h) = (cell * scale * codes.len().max(1), cell * scale);
    let mut px = vec![255u8; w * h];
    for (i, qr) in codes.iter().enumerate() {
        for y in 0..qr.size() * scale {
            for x in 0..qr.size() * scale {
                if qr.is_dark(x / scale, y / scale) {
                    px[(y + 4 * scale) * w + i * cell * scale + x + 4 * scale] = 0;
                }
            }
        }
    }
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, w as u32, h as u32);
    enc.set_color(png::ColorType::Grayscale);
    enc.set_depth(png::BitDepth::Eight);
    let mut writer = enc.write_header().unwrap();
    writer.write_image_data(&px).unwrap();
    writer.finish().unwrap();
    fs::write(path, out).unwrap();
}

/// A picture with a web address code left of the licence code: the
/// verifier takes the `EL2:` one.
#[test]
fn verify_image_picks_the_licence_among_several_codes() {
    let dir = tempfile::tempdir().unwrap();
    let text = fs::read_to_string(fixture("photo.qr.txt")).unwrap();
    let url = QrCode::encode("https://example.invalid/licence-help", EccLevel::M).unwrap();
    let licence = QrCode::encode(text.trim(), EccLevel::Q).unwrap();
    let both = dir.path().join("both.png");
    png_of_codes(&both, &[&url, &licence]);
    let r = verify_photo_trust(p(&both));
    assert_eq!(r.code, 0, "{r}");
    assert_verdict(&r, "VALID", "OK");

    // Only the web address: verification says it is not a licence.
    let url_only = dir.path().join("url.png");
    png_of_codes(&url_only, &[&url]);
    let r = verify_photo_trust(p(&url_only));
    assert_eq!(r.code, 3, "{r}");
    assert_verdict(&r, "INVALID", "QR_PREFIX_INVALID");
}

/// A Kanji-mode code is read and refused as not a licence.
#[test]
fn verify_image_kanji_code_is_not_a_licence() {
    let r = verify_photo_trust(&fixture("kanji.png"));
    assert_eq!(r.code, 3, "{r}");
    assert_verdict(&r, "INVALID", "QR_PREFIX_INVALID");
}

#[test]
fn verify_image_hostile_files_are_one_error() {
    let dir = tempfile::tempdir().unwrap();
    let photo = fs::read(fixture("photo.jpg")).unwrap();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "truncated.jpg",
            photo[..photo.len() / 3].to_vec(),
            "[QR_NOT_FOUND]",
        ),
        ("empty.png", Vec::new(), "[QR_NOT_FOUND]"),
        (
            "text.png",
            b"not a picture".to_vec(),
            "not a PNG or JPEG image",
        ),
        (
            "blank.png",
            {
                let blank = dir.path().join("blank-src.png");
                png_of_codes(&blank, &[]);
                fs::read(&blank).unwrap()
            },
            "no decodable QR code",
        ),
    ];
    for (name, bytes, want) in cases {
        let path = dir.path().join(name);
        fs::write(&path, bytes).unwrap();
        let r = verify_photo_trust(p(&path));
        assert_eq!(r.code, 1, "{name}: {r}");
        assert!(r.stdout.is_empty(), "{name}: {r}");
        assert_eq!(r.stderr.lines().count(), 1, "{name}: one error line: {r}");
        assert!(r.stderr.contains(name), "{name}: names the file: {r}");
        assert!(r.stderr.contains(want), "{name}: {r}");
    }
}

/// Issues the sample licence with `extra` image options, from a demo
/// authority; returns (exit, stderr, dir).
fn issue(extra: &[&str]) -> (Run, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let pki: PathBuf = dir.path().join("pki");
    let r = run(["demo", "--out", p(&pki)]);
    assert_eq!(r.code, 0, "{r}");
    let (key, cert, licence) = (
        pki.join("authority.key.pem"),
        pki.join("authority.cert.pem"),
        pki.join("licence.json"),
    );
    let out = dir.path().join("licence.txt");
    let mut args = vec![
        "issue",
        "--key",
        p(&key),
        "--cert",
        p(&cert),
        "--licence",
        p(&licence),
        "--out",
        p(&out),
    ];
    args.extend_from_slice(extra);
    let r = run(&args);
    (r, dir)
}

#[test]
fn issue_writes_print_sized_images() {
    let (r, dir) = issue(&[]);
    assert_eq!(r.code, 0, "{r}");
    let (svg, png) = (dir.path().join("c.svg"), dir.path().join("c.png"));
    let (r, dir2) = issue(&["--svg", p(&svg), "--png", p(&png)]);
    drop(dir2);
    assert_eq!(r.code, 0, "{r}");
    assert!(!r.stderr.contains("warning"), "{r}");
    // The sample is version 13: 77 modules with the quiet zone, 0.5 mm each.
    assert!(r.stderr.contains("QR code: version 13,"), "{r}");
    let svg = fs::read_to_string(&svg).unwrap();
    assert!(
        svg.contains(" width=\"38.5mm\" height=\"38.5mm\""),
        "{svg:.200}"
    );
    // pHYs: 8 px per 0.5 mm = 16,000 px per metre, unit 1 (metre).
    let png = fs::read(&png).unwrap();
    let at = png
        .windows(4)
        .position(|w| w == b"pHYs")
        .expect("a pHYs chunk");
    assert_eq!(
        &png[at + 4..at + 13],
        &[0, 0, 0x3e, 0x80, 0, 0, 0x3e, 0x80, 1]
    );

    let svg2 = dir.path().join("d.svg");
    let (r, _d) = issue(&["--svg", p(&svg2), "--module-mm", "0.45"]);
    assert_eq!(r.code, 0, "{r}");
    let svg2 = fs::read_to_string(&svg2).unwrap();
    assert!(svg2.contains(" width=\"34.65mm\""), "{svg2:.200}");
}

#[test]
fn issue_warns_about_modules_too_small() {
    let dir = tempfile::tempdir().unwrap();
    let (png, svg) = (dir.path().join("x.png"), dir.path().join("x.svg"));
    let (r, _d) = issue(&[
        "--png",
        p(&png),
        "--png-scale",
        "1",
        "--svg",
        p(&svg),
        "--module-mm",
        "0.3",
    ]);
    assert_eq!(r.code, 0, "{r}");
    assert!(
        r.stderr
            .contains("warning: --png-scale 1 draws each QR module 1 pixel(s) wide: below 3"),
        "{r}"
    );
    assert!(
        r.stderr
            .contains("warning: --module-mm 0.3 prints each QR module 0.3 mm wide: below 0.4 mm"),
        "{r}"
    );
    assert!(png.exists() && svg.exists(), "the images are still written");

    let (r, _d) = issue(&["--png", p(&png), "--png-scale", "2", "--json"]);
    assert_eq!(r.code, 0, "{r}");
    let j = r.json();
    let w = j["image_warnings"].as_array().unwrap();
    assert_eq!(w.len(), 1, "{j}");
    assert!(
        w[0].as_str().unwrap().starts_with("--png-scale 2 draws"),
        "{j}"
    );

    // No image asked for: nothing to warn about.
    let (r, _d) = issue(&["--png-scale", "1", "--module-mm", "0.1"]);
    assert_eq!(r.code, 0, "{r}");
    assert!(!r.stderr.contains("warning"), "{r}");

    for bad in ["0", "-1", "10.001", "nan", "inf", "abc"] {
        let arg = format!("--module-mm={bad}");
        let (r, _d) = issue(&[&arg]);
        assert_eq!(r.code, 2, "{bad}: {r}");
        assert!(
            r.stderr.contains("is not a size from 0.001 to 10"),
            "{bad}: {r}"
        );
    }
}
