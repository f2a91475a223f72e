//! Pictures → the QR scanner: arbitrary file bytes (PNG, JPEG or anything
//! else), and raw luma and RGBA frames of arbitrary sizes, with buffer
//! lengths that match or not. Nothing may panic; whatever is read is a list
//! of texts, each once.
#![no_main]

use elicense::qr::{scan_image, scan_luma, scan_rgba, QrError};
use libfuzzer_sys::fuzz_target;

fn check(result: Result<Vec<String>, QrError>) {
    match result {
        Ok(texts) => {
            assert!(!texts.is_empty(), "a successful scan returns a text");
            for (i, t) in texts.iter().enumerate() {
                assert!(!texts[..i].contains(t), "{t:?} returned twice");
            }
        }
        Err(e) => {
            // Every error renders and has a reason code.
            let _ = (e.to_string(), e.reason());
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    match mode % 4 {
        // The bytes of an image file.
        0 => check(scan_image(rest)),
        // A luma frame: width 1..=256 from one byte, height from the rest.
        1 | 2 => {
            let Some((&w, pixels)) = rest.split_first() else {
                return;
            };
            let width = usize::from(w) + 1;
            let height = pixels.len() / width;
            let pixels = &pixels[..width * height];
            if mode % 4 == 1 {
                check(scan_luma(width, height, pixels));
            } else {
                let rgba: Vec<u8> = pixels.iter().flat_map(|&p| [p, p, p, 255]).collect();
                check(scan_rgba(width, height, &rgba));
            }
        }
        // Declared sizes that need not match the buffer.
        _ => {
            if rest.len() < 4 {
                return;
            }
            let width = usize::from(u16::from_le_bytes([rest[0], rest[1]]));
            let height = usize::from(u16::from_le_bytes([rest[2], rest[3]]));
            check(scan_luma(width, height, &rest[4..]));
        }
    }
});
