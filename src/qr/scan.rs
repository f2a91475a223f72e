//! Finding and reading QR codes in pictures.
//!
//! The detector and decoder are `rxing`'s QR reader (its port of
//! zxing-cpp's finder-pattern detector, with the hybrid local binariser),
//! chosen by measurement on the project's corpus (README, "Reading QR codes
//! from pictures"). Around it, this module adds passes that pay on that
//! corpus: when the picture as given yields nothing, it is tried inverted,
//! with its contrast stretched (when it is low), sharpened, and at half size
//! (which narrows blur and averages noise away), straight and inverted.
//! Scanning stops at the first pass that reads a code.

use rxing::common::HybridBinarizer;
use rxing::multi::MultipleBarcodeReader;
use rxing::{BinaryBitmap, DecodeHints, Luma8LuminanceSource};

use super::image::LumaImage;
use super::QrError;

/// Pictures whose darkest and lightest percentiles are closer than this
/// (in grey levels) get a contrast-stretched pass.
const LOW_CONTRAST: u8 = 200;

/// Smallest side, in pixels, of a half-size pass: below it the code would
/// have too few pixels per module to gain anything.
const MIN_HALF_SIDE: usize = 64;

/// Reads every QR code in a PNG or JPEG file and returns their texts, as
/// [`scan`] does.
///
/// # Errors
///
/// Those of [`LumaImage::decode`], and [`QrError::NoCodeFound`] when the
/// picture holds no QR code that decodes.
pub fn scan_image(bytes: &[u8]) -> Result<Vec<String>, QrError> {
    scan(&LumaImage::decode(bytes)?)
}

/// Reads every QR code in a PNG file: the same as [`scan_image`], kept for
/// callers that only ever pass PNGs.
///
/// # Errors
///
/// As [`scan_image`].
pub fn scan_png(png_bytes: &[u8]) -> Result<Vec<String>, QrError> {
    scan_image(png_bytes)
}

/// Reads every QR code in an 8-bit greyscale frame (0 black, 255 white, row
/// by row, `width × height` bytes), as [`scan`] does.
///
/// # Errors
///
/// Those of [`LumaImage::new`], and [`QrError::NoCodeFound`].
pub fn scan_luma(width: usize, height: usize, pixels: &[u8]) -> Result<Vec<String>, QrError> {
    scan(&LumaImage::new(width, height, pixels.to_vec())?)
}

/// Reads every QR code in an RGBA frame (4 bytes per pixel, as a browser
/// canvas's `ImageData` holds them), as [`scan`] does.
///
/// # Errors
///
/// Those of [`LumaImage::from_rgba`], and [`QrError::NoCodeFound`].
pub fn scan_rgba(width: usize, height: usize, rgba: &[u8]) -> Result<Vec<String>, QrError> {
    scan(&LumaImage::from_rgba(width, height, rgba)?)
}

/// Reads every QR code in a picture and returns their texts, in image
/// order (by the topmost corner of each code, then the leftmost), each
/// text once.
///
/// Codes are read at any angle, mirrored, inverted (light on dark), under
/// perspective, blur, noise, low contrast and JPEG artefacts, from about 1.5
/// pixels per module up. Byte-mode content that is not UTF-8, and Kanji
/// mode, come back as the decoder's best reading of the declared or guessed
/// character set: never an error on their own (a verifier then refuses the
/// text as not a licence).
///
/// # Errors
///
/// [`QrError::NoCodeFound`] when no QR code decodes.
pub fn scan(image: &LumaImage) -> Result<Vec<String>, QrError> {
    let (w, h) = (image.width(), image.height());
    let mut found = read(w, h, image.pixels().to_vec());
    if found.is_empty() {
        let inverted: Vec<u8> = image.pixels().iter().map(|&p| 255 - p).collect();
        found = read(w, h, inverted);
    }
    let mut base: Option<Vec<u8>> = None;
    if found.is_empty() {
        if let Some(stretched) = stretch(image.pixels()) {
            found = read(w, h, stretched.clone());
            base = Some(stretched);
        }
    }
    if found.is_empty() {
        found = read(
            w,
            h,
            sharpen(w, h, base.as_deref().unwrap_or(image.pixels())),
        );
    }
    if found.is_empty() && w / 2 >= MIN_HALF_SIDE && h / 2 >= MIN_HALF_SIDE {
        let pixels = base.as_deref().unwrap_or(image.pixels());
        let (hw, hh, half) = half_size(w, h, pixels);
        found = read(hw, hh, half.clone());
        if found.is_empty() {
            found = read(hw, hh, half.iter().map(|&p| 255 - p).collect());
        }
    }
    if found.is_empty() {
        return Err(QrError::NoCodeFound);
    }
    found.sort_by_key(|(pos, _)| *pos);
    let mut texts: Vec<String> = Vec::with_capacity(found.len());
    for (_, text) in found {
        if !texts.contains(&text) {
            texts.push(text);
        }
    }
    Ok(texts)
}

/// One pass of the QR reader over a luma frame: every code it decodes,
/// with the (top, left) of its corner points.
fn read(width: usize, height: usize, pixels: Vec<u8>) -> Vec<((i64, i64), String)> {
    // LumaImage guarantees 1 ≤ width, height ≤ 8192 and the buffer length.
    let (Ok(w), Ok(h)) = (u32::try_from(width), u32::try_from(height)) else {
        return Vec::new();
    };
    let Ok(source) = Luma8LuminanceSource::new(pixels, w, h) else {
        return Vec::new();
    };
    let hints = DecodeHints {
        TryHarder: Some(true),
        PossibleFormats: Some([rxing::BarcodeFormat::QR_CODE].into_iter().collect()),
        ..DecodeHints::default()
    };
    let mut bitmap = BinaryBitmap::new(HybridBinarizer::new(source));
    let Ok(results) =
        rxing::qrcode::cpp_port::QrReader.decode_multiple_with_hints(&mut bitmap, &hints)
    else {
        return Vec::new();
    };
    results
        .into_iter()
        .map(|r| {
            let points = r.getPoints();
            let top = points.iter().map(|p| p.y).fold(f32::INFINITY, f32::min);
            let left = points.iter().map(|p| p.x).fold(f32::INFINITY, f32::min);
            let key = |v: f32| if v.is_finite() { v as i64 } else { 0 };
            ((key(top), key(left)), r.getText().to_owned())
        })
        .collect()
}

/// The picture with its 1st..99th percentile grey range stretched to
/// 0..255, or `None` when that range is already wide.
fn stretch(pixels: &[u8]) -> Option<Vec<u8>> {
    let mut hist = [0usize; 256];
    for &p in pixels {
        hist[usize::from(p)] += 1;
    }
    let cut = pixels.len() / 100;
    let mut acc = 0;
    let lo = (0..=255u8)
        .find(|&v| {
            acc += hist[usize::from(v)];
            acc > cut
        })
        .unwrap_or(0);
    acc = 0;
    let hi = (0..=255u8)
        .rev()
        .find(|&v| {
            acc += hist[usize::from(v)];
            acc > cut
        })
        .unwrap_or(255);
    if hi <= lo || hi - lo >= LOW_CONTRAST {
        return None;
    }
    let (lo, range) = (u32::from(lo), u32::from(hi - lo));
    let map: Vec<u8> = (0..=255u32)
        .map(|v| (v.saturating_sub(lo) * 255 / range).min(255) as u8)
        .collect();
    Some(pixels.iter().map(|&p| map[usize::from(p)]).collect())
}

/// The picture at half size, each pixel the mean of a 2 × 2 block.
fn half_size(width: usize, height: usize, pixels: &[u8]) -> (usize, usize, Vec<u8>) {
    let (hw, hh) = (width / 2, height / 2);
    let mut out = Vec::with_capacity(hw * hh);
    for y in 0..hh {
        let r0 = &pixels[2 * y * width..][..width];
        let r1 = &pixels[(2 * y + 1) * width..][..width];
        for x in 0..hw {
            let s = u32::from(r0[2 * x])
                + u32::from(r0[2 * x + 1])
                + u32::from(r1[2 * x])
                + u32::from(r1[2 * x + 1]);
            out.push(((s + 2) / 4) as u8);
        }
    }
    (hw, hh, out)
}

/// The picture sharpened by a 3 × 3 Laplacian (`5·centre − 4 neighbours`);
/// border pixels are kept.
fn sharpen(width: usize, height: usize, pixels: &[u8]) -> Vec<u8> {
    let mut out = pixels.to_vec();
    for y in 1..height.saturating_sub(1) {
        for x in 1..width.saturating_sub(1) {
            let c = i32::from(pixels[y * width + x]);
            let n = i32::from(pixels[(y - 1) * width + x])
                + i32::from(pixels[(y + 1) * width + x])
                + i32::from(pixels[y * width + x - 1])
                + i32::from(pixels[y * width + x + 1]);
            out[y * width + x] = (5 * c - n).clamp(0, 255) as u8;
        }
    }
    out
}
