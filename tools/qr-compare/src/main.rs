//! Runs the Rust QR decoders over the corpus of `scripts/qr-corpus.sh` and
//! prints one JSON object per line: `{"decoder", "file", "ok", "ms",
//! "panicked"}`.
//!
//! Usage: elicense-qr-compare CORPUS_DIR [DECODER...]
//!        elicense-qr-compare --worst
//!
//! `--worst` times `elicense::qr::scan` on pictures without a code (noise
//! and flat grey) up to the size limit: the cost of every pass failing.
//!
//! Decoders: `elicense` (the project's scanner, `elicense::qr::scan`),
//! `rqrr`, `quircs`, `rxing` (QR reader only, try-harder and inverted),
//! `zedbar` (QR only, with its retries). Every decoder gets the same luma
//! picture, decoded once by `elicense::qr::LumaImage::decode`; only the
//! decoding is timed (best of `QR_COMPARE_RUNS`, default 2, runs). A panic
//! is caught (this harness unwinds) and counted as a failure.

use std::collections::HashSet;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::time::Instant;

use elicense::qr::LumaImage;

const DECODERS: &[&str] = &["elicense", "rqrr", "quircs", "rxing", "zedbar"];

fn decode(decoder: &str, img: &LumaImage) -> Vec<String> {
    let (w, h, px) = (img.width(), img.height(), img.pixels());
    match decoder {
        "elicense" => elicense::qr::scan(img).unwrap_or_default(),
        "rqrr" => {
            let mut prepared =
                rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| px[y * w + x]);
            prepared
                .detect_grids()
                .iter()
                .filter_map(|g| g.decode().ok().map(|(_, t)| t))
                .collect()
        }
        "quircs" => {
            let mut q = quircs::Quirc::default();
            q.identify(w, h, px)
                .filter_map(|c| c.ok())
                .filter_map(|c| c.decode().ok())
                .filter_map(|d| String::from_utf8(d.payload).ok())
                .collect()
        }
        "rxing" => {
            let mut hints = rxing::DecodeHints {
                TryHarder: Some(true),
                AlsoInverted: Some(true),
                PossibleFormats: Some(HashSet::from([rxing::BarcodeFormat::QR_CODE])),
                ..Default::default()
            };
            rxing::helpers::detect_multiple_in_luma_with_hints(
                px.to_vec(),
                w as u32,
                h as u32,
                &mut hints,
            )
            .map(|rs| rs.iter().map(|r| r.getText().to_owned()).collect())
            .unwrap_or_default()
        }
        "zedbar" => {
            use zedbar::config::QrCode;
            let config = zedbar::DecoderConfig::new()
                .enable(QrCode)
                .test_inverted(true)
                .retry_undecoded_regions(true)
                .retry_downscaled(true)
                .retry_smoothed(true);
            let mut scanner = zedbar::Scanner::with_config(config);
            let Ok(mut image) = zedbar::Image::from_gray(px, w as u32, h as u32) else {
                return Vec::new();
            };
            scanner
                .scan(&mut image)
                .symbols()
                .iter()
                .filter_map(|s| s.data_string().map(str::to_owned))
                .collect()
        }
        other => panic!("unknown decoder {other}"),
    }
}

/// Times the scanner on pictures where every pass fails.
fn worst() {
    for (w, h) in [
        (640usize, 480usize),
        (2000, 1500),
        (4000, 3000),
        (4096, 4096),
    ] {
        let mut s = 1u64;
        let noise: Vec<u8> = (0..w * h)
            .map(|_| {
                s = s
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (s >> 56) as u8
            })
            .collect();
        for (what, px) in [("noise", noise), ("flat grey", vec![128u8; w * h])] {
            let img = LumaImage::new(w, h, px).expect("within the limits");
            let start = Instant::now();
            let r = elicense::qr::scan(&img);
            println!(
                "{w}x{h} {what}: {:?} in {:.0} ms",
                r.map(|v| v.len()),
                start.elapsed().as_secs_f64() * 1e3
            );
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--worst") {
        worst();
        return;
    }
    let Some(dir) = args.first() else {
        eprintln!("usage: elicense-qr-compare CORPUS_DIR [DECODER...]");
        std::process::exit(2);
    };
    let dir = Path::new(dir);
    let decoders: Vec<&str> = if args.len() > 1 {
        args[1..].iter().map(String::as_str).collect()
    } else {
        DECODERS.to_vec()
    };
    let runs: usize = std::env::var("QR_COMPARE_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2)
        .max(1);
    let manifest: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.join("manifest.json")).expect("read manifest.json"),
    )
    .expect("parse manifest.json");
    // Panics are expected from some decoders: keep their messages short.
    std::panic::set_hook(Box::new(|info| {
        eprintln!("panic: {}", info.to_string().lines().next().unwrap_or(""));
    }));
    for entry in manifest["images"].as_array().expect("images") {
        let file = entry["file"].as_str().expect("file");
        let want: Vec<&str> = entry["texts"]
            .as_array()
            .expect("texts")
            .iter()
            .map(|t| t.as_str().expect("text"))
            .collect();
        let bytes = std::fs::read(dir.join(file)).expect("read image");
        let img = LumaImage::decode(&bytes).expect("corpus image decodes");
        for &d in &decoders {
            let mut best = f64::INFINITY;
            let mut ok = false;
            let mut panicked = false;
            for _ in 0..runs {
                let start = Instant::now();
                let got = catch_unwind(AssertUnwindSafe(|| decode(d, &img)));
                best = best.min(start.elapsed().as_secs_f64() * 1e3);
                match got {
                    Ok(found) => ok = want.iter().all(|w| found.iter().any(|f| f == w)),
                    Err(_) => {
                        panicked = true;
                        ok = false;
                        break;
                    }
                }
            }
            println!(
                "{}",
                serde_json::json!({"decoder": d, "file": file, "ok": ok, "ms": best, "panicked": panicked})
            );
        }
    }
}
