//! The QR scanner on pictures: the committed fixtures of `tests/data/qr/`
//! (a phone-style photo, a small JPEG, a Kanji-mode code) and hostile
//! JPEGs made from them, and the corpus of `scripts/qr-corpus.sh`.
//!
//! The corpus test reads the directory named by `ELICENSE_QR_CORPUS`
//! (`scripts/test.sh` builds it with `scripts/qr-corpus.sh --floor`) and
//! fails when the scanner reads a smaller share of its pictures than zbar
//! did (`results-zbar.jsonl` in that directory): zbar's rate is the floor.
//! Without `ELICENSE_QR_CORPUS` the corpus test is skipped with a message,
//! except under `CI`, where it fails.
#![cfg(feature = "scan")]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use elicense::qr::{scan, scan_image, LumaImage, QrError};
use elicense::ReasonCode;

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/qr")
        .join(name)
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(data(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn phone_photo_of_a_printed_licence() {
    let want = std::fs::read_to_string(data("photo.qr.txt")).unwrap();
    let texts = scan_image(&read("photo.jpg")).unwrap();
    assert_eq!(texts, vec![want.trim()]);
    assert!(texts[0].starts_with("EL2:"));
}

#[test]
fn small_jpeg_code() {
    let texts = scan_image(&read("small-code.jpg")).unwrap();
    assert_eq!(texts.len(), 1);
    assert!(texts[0].starts_with("EL2:"), "{texts:?}");
}

/// A Kanji-mode code (Shift JIS) comes back as its text.
#[test]
fn kanji_mode_code() {
    assert_eq!(scan_image(&read("kanji.png")).unwrap(), vec!["電子証照"]);
}

/// Offset of the SOF0/SOF2 segment's height field in a JPEG.
fn sof_dimensions_offset(jpeg: &[u8]) -> usize {
    let mut i = 2;
    while i + 4 < jpeg.len() {
        assert_eq!(jpeg[i], 0xFF, "marker expected at {i}");
        let marker = jpeg[i + 1];
        let len = usize::from(u16::from_be_bytes([jpeg[i + 2], jpeg[i + 3]]));
        if marker == 0xC0 || marker == 0xC2 {
            return i + 5; // FF Cx, length (2), precision (1), then height
        }
        i += 2 + len;
    }
    panic!("no SOF segment");
}

#[test]
fn jpeg_declaring_a_huge_frame_is_refused_from_its_header() {
    let mut jpeg = read("small-code.jpg");
    let at = sof_dimensions_offset(&jpeg);
    jpeg[at..at + 2].copy_from_slice(&30_000u16.to_be_bytes());
    jpeg[at + 2..at + 4].copy_from_slice(&30_000u16.to_be_bytes());
    let err = scan_image(&jpeg).unwrap_err();
    assert_eq!(
        err,
        QrError::ImageTooLarge {
            width: 30_000,
            height: 30_000
        }
    );
    assert_eq!(err.reason(), ReasonCode::InputTooLarge);
}

#[test]
fn truncated_and_corrupt_jpegs() {
    let jpeg = read("small-code.jpg");
    for cut in [0, 2, 3, 20, 100, 400] {
        let err = scan_image(&jpeg[..cut]).unwrap_err();
        assert!(
            matches!(err, QrError::ImageUnreadable(_)),
            "cut {cut}: {err:?}"
        );
        assert_eq!(err.reason(), ReasonCode::QrNotFound);
    }
    // Cut in the entropy-coded data, or with bytes flipped there: an error
    // or a picture without the code, never a panic.
    for cut in [jpeg.len() / 2, jpeg.len() - 10] {
        let r = scan_image(&jpeg[..cut]);
        assert!(r.is_err() || r.as_ref().unwrap().len() <= 1, "{r:?}");
    }
    let mut state = 7u64;
    for _ in 0..40 {
        let mut bad = jpeg.clone();
        for _ in 0..4 {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let pos = (state >> 33) as usize % bad.len();
            bad[pos] = (state >> 24) as u8;
        }
        let _ = scan_image(&bad);
    }
}

/// One picture of the corpus manifest.
struct Entry {
    file: String,
    category: String,
    texts: Vec<String>,
}

fn manifest(dir: &Path) -> Vec<Entry> {
    let text = std::fs::read_to_string(dir.join("manifest.json"))
        .unwrap_or_else(|e| panic!("{}/manifest.json: {e}", dir.display()));
    let json: serde_json::Value = serde_json::from_str(&text).expect("manifest.json parses");
    json["images"]
        .as_array()
        .expect("images")
        .iter()
        .map(|i| Entry {
            file: i["file"].as_str().expect("file").to_owned(),
            category: i["category"].as_str().expect("category").to_owned(),
            texts: i["texts"]
                .as_array()
                .expect("texts")
                .iter()
                .map(|t| t.as_str().expect("text").to_owned())
                .collect(),
        })
        .collect()
}

/// file → read, from a results file of `scripts/qr-compare.py`.
fn results(path: &Path) -> BTreeMap<String, bool> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e} (run scripts/qr-corpus.sh --floor)", path.display()));
    text.lines()
        .map(|l| {
            let r: serde_json::Value = serde_json::from_str(l).expect("result line parses");
            (
                r["file"].as_str().expect("file").to_owned(),
                r["ok"].as_bool().expect("ok"),
            )
        })
        .collect()
}

#[test]
fn corpus_at_least_as_well_as_zbar() {
    let Some(dir) = std::env::var_os("ELICENSE_QR_CORPUS") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but ELICENSE_QR_CORPUS is not: scripts/test.sh builds the corpus"
        );
        eprintln!("skipped: set ELICENSE_QR_CORPUS (scripts/qr-corpus.sh --floor builds it)");
        return;
    };
    let dir = PathBuf::from(dir);
    let images = manifest(&dir);
    let zbar = results(&dir.join("results-zbar.jsonl"));
    assert!(images.len() >= 100, "only {} pictures", images.len());
    assert_eq!(zbar.len(), images.len(), "zbar ran over another corpus");

    // category → (pictures, read by us, read by zbar)
    let mut by_cat: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    let mut missed = Vec::new();
    for e in &images {
        let bytes = std::fs::read(dir.join(&e.file)).expect("corpus picture");
        let image = LumaImage::decode(&bytes).expect("corpus picture decodes");
        let found = scan(&image).unwrap_or_default();
        let ok = e.texts.iter().all(|t| found.contains(t));
        let z = *zbar.get(&e.file).expect("zbar result for every picture");
        let c = by_cat.entry(&e.category).or_default();
        c.0 += 1;
        c.1 += usize::from(ok);
        c.2 += usize::from(z);
        if !ok {
            missed.push(e.file.as_str());
        }
    }
    let (n, ours, theirs) = by_cat
        .values()
        .fold((0, 0, 0), |a, c| (a.0 + c.0, a.1 + c.1, a.2 + c.2));
    eprintln!(
        "{:<12} {:>6} {:>9} {:>9}",
        "category", "images", "elicense", "zbar"
    );
    for (cat, (n, o, z)) in &by_cat {
        eprintln!("{cat:<12} {n:>6} {o:>9} {z:>9}");
    }
    eprintln!("{:<12} {n:>6} {ours:>9} {theirs:>9}", "all");
    eprintln!("not read: {missed:?}");
    assert!(
        ours >= theirs,
        "the scanner read {ours} of {n} pictures, below zbar's {theirs} (the floor)"
    );
}
