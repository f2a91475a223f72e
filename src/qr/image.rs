//! Pictures in: PNG and JPEG files and raw RGBA / luma buffers, read into
//! 8-bit luma under size limits checked before any decoding.

use super::QrError;

/// Longest side, in pixels, of a picture the scanner accepts.
pub const MAX_SCAN_SIDE: u32 = 8192;

/// Largest number of pixels (16 Mi = 16 777 216, e.g. 4096 × 4096; a
/// 12-megapixel phone photo is 4000 × 3000) of a picture the scanner
/// accepts.
pub const MAX_SCAN_PIXELS: u64 = 16 * 1024 * 1024;

/// Largest image file (PNG or JPEG), in bytes, the scanner accepts: 32 MiB.
pub const MAX_IMAGE_BYTES: usize = 32 * 1024 * 1024;

/// Bytes the PNG decoder may allocate for its own bookkeeping (row buffers,
/// ancillary chunks); the frame itself is bounded by the size checks.
const PNG_DECODER_LIMIT_BYTES: usize = 8 * 1024 * 1024;

/// Most scans a progressive JPEG may have (a normal one has about 10; each
/// scan is a pass over the whole picture, so this bounds the work).
const MAX_JPEG_SCANS: usize = 64;

/// The file format of a picture, from its first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ImageFormat {
    /// PNG (`89 50 4E 47 0D 0A 1A 0A`).
    Png,
    /// JPEG (`FF D8 FF`).
    Jpeg,
}

impl ImageFormat {
    /// The format of `bytes`, or `None` when they start like neither a PNG
    /// nor a JPEG file.
    pub fn sniff(bytes: &[u8]) -> Option<ImageFormat> {
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(ImageFormat::Png)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(ImageFormat::Jpeg)
        } else {
            None
        }
    }
}

/// Checks picture dimensions against [`MAX_SCAN_SIDE`] and
/// [`MAX_SCAN_PIXELS`].
pub(crate) fn check_dimensions(width: u64, height: u64) -> Result<(), QrError> {
    if width == 0 || height == 0 {
        return Err(QrError::ImageUnreadable(format!(
            "empty image ({width}×{height} pixels)"
        )));
    }
    if width > u64::from(MAX_SCAN_SIDE)
        || height > u64::from(MAX_SCAN_SIDE)
        || width.saturating_mul(height) > MAX_SCAN_PIXELS
    {
        return Err(QrError::ImageTooLarge { width, height });
    }
    Ok(())
}

/// An 8-bit greyscale picture: one byte per pixel, 0 black to 255 white,
/// row by row from the top-left corner.
///
/// Every `LumaImage` is within the scan limits ([`MAX_SCAN_SIDE`],
/// [`MAX_SCAN_PIXELS`]) and not empty: each constructor checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LumaImage {
    width: usize,
    height: usize,
    pixels: Vec<u8>,
}

impl LumaImage {
    /// Wraps `width × height` luma bytes.
    ///
    /// # Errors
    ///
    /// [`QrError::ImageTooLarge`] over the scan limits,
    /// [`QrError::ImageUnreadable`] for a zero dimension,
    /// [`QrError::PixelCountMismatch`] when `pixels.len() != width × height`.
    pub fn new(width: usize, height: usize, pixels: Vec<u8>) -> Result<LumaImage, QrError> {
        check_buffer(width, height, 1, pixels.len())?;
        Ok(LumaImage {
            width,
            height,
            pixels,
        })
    }

    /// Converts `width × height` RGBA pixels (4 bytes each, as a browser
    /// canvas's `ImageData` holds them) to luma: Rec. 601 weights, with
    /// transparency composited over white.
    ///
    /// # Errors
    ///
    /// As [`LumaImage::new`], with `expected` counting bytes
    /// (`width × height × 4`).
    pub fn from_rgba(width: usize, height: usize, rgba: &[u8]) -> Result<LumaImage, QrError> {
        check_buffer(width, height, 4, rgba.len())?;
        let mut pixels = Vec::with_capacity(width * height);
        push_luma_row(&mut pixels, rgba, 4);
        Ok(LumaImage {
            width,
            height,
            pixels,
        })
    }

    /// Decodes a PNG or JPEG file (told apart by their first bytes).
    ///
    /// PNG: any colour type and bit depth (palette and low depths are
    /// expanded, 16-bit samples stripped to 8, transparency composited over
    /// white), interlaced or not; only the first frame of an animated PNG is
    /// read. JPEG: baseline and progressive, grey, YCbCr, RGB or CMYK,
    /// converted to luma by the decoder; the EXIF orientation is ignored (the
    /// scanner reads codes at any angle).
    ///
    /// The file length is checked against [`MAX_IMAGE_BYTES`] and the
    /// picture's size, read from its header, against [`MAX_SCAN_SIDE`] and
    /// [`MAX_SCAN_PIXELS`], before any buffer of the picture's size is
    /// allocated.
    ///
    /// # Errors
    ///
    /// [`QrError::ImageTooLarge`] for an oversized file or picture,
    /// [`QrError::ImageUnreadable`] for bytes that are not a readable PNG or
    /// JPEG (empty, truncated, corrupt, another format).
    pub fn decode(bytes: &[u8]) -> Result<LumaImage, QrError> {
        if bytes.len() > MAX_IMAGE_BYTES {
            return Err(QrError::ImageFileTooLarge {
                len: bytes.len(),
                max: MAX_IMAGE_BYTES,
            });
        }
        match ImageFormat::sniff(bytes) {
            Some(ImageFormat::Png) => decode_png(bytes),
            Some(ImageFormat::Jpeg) => decode_jpeg(bytes),
            None => Err(QrError::ImageUnreadable(
                "not a PNG or JPEG image".to_owned(),
            )),
        }
    }

    /// Width in pixels.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> usize {
        self.height
    }

    /// The `width × height` luma bytes, row by row.
    pub fn pixels(&self) -> &[u8] {
        &self.pixels
    }

    /// The luma bytes, taking them out of the image.
    pub fn into_pixels(self) -> Vec<u8> {
        self.pixels
    }
}

/// Checks the dimensions and the length of a raw buffer of `channels`
/// bytes per pixel.
fn check_buffer(width: usize, height: usize, channels: usize, len: usize) -> Result<(), QrError> {
    let (w64, h64) = (
        u64::try_from(width).unwrap_or(u64::MAX),
        u64::try_from(height).unwrap_or(u64::MAX),
    );
    check_dimensions(w64, h64)?;
    let expected = width * height * channels; // at most 64 Mi after the check
    if len != expected {
        return Err(QrError::PixelCountMismatch {
            expected,
            actual: len,
        });
    }
    Ok(())
}

/// Decodes a PNG into luma, enforcing the scan limits.
fn decode_png(png_bytes: &[u8]) -> Result<LumaImage, QrError> {
    use png::{ColorType, Transformations};

    let unreadable = |e: png::DecodingError| match e {
        png::DecodingError::LimitsExceeded => {
            QrError::ImageUnreadable("PNG exceeds the decoder's memory limit".to_owned())
        }
        e => QrError::ImageUnreadable(format!("invalid PNG: {e}")),
    };

    let limits = png::Limits {
        bytes: PNG_DECODER_LIMIT_BYTES,
    };
    let mut decoder = png::Decoder::new_with_limits(std::io::Cursor::new(png_bytes), limits);
    decoder.set_transformations(Transformations::EXPAND | Transformations::STRIP_16);
    decoder.set_ignore_text_chunk(true);
    decoder.set_ignore_iccp_chunk(true);

    // The header (IHDR) comes first: check the size before anything else.
    let (w, h) = {
        let info = decoder.read_header_info().map_err(unreadable)?;
        (info.width, info.height)
    };
    check_dimensions(u64::from(w), u64::from(h))?;
    // Both fit in usize: at most 8192, product at most 16 Mi.
    let (width, height) = (w as usize, h as usize);

    let mut reader = decoder.read_info().map_err(unreadable)?;
    let (colour, depth) = reader.output_color_type();
    let channels = match colour {
        ColorType::Grayscale => 1,
        ColorType::GrayscaleAlpha => 2,
        ColorType::Rgb => 3,
        ColorType::Rgba => 4,
        ColorType::Indexed => 0,
    };
    if channels == 0 || depth != png::BitDepth::Eight {
        return Err(QrError::ImageUnreadable(format!(
            "unexpected PNG output format {colour:?} at {depth:?}"
        )));
    }
    let row_len = width * channels;
    let mut luma = Vec::with_capacity(width * height);

    if reader.info().interlaced {
        // Adam7 rows arrive pass by pass: let the decoder assemble the frame.
        let size = reader.output_buffer_size().ok_or_else(|| {
            QrError::ImageUnreadable("PNG frame does not fit in memory".to_owned())
        })?;
        let mut frame = vec![0u8; size];
        let out = reader.next_frame(&mut frame).map_err(unreadable)?;
        if out.width != w || out.height != h || out.line_size != row_len {
            return Err(QrError::ImageUnreadable(
                "first PNG frame is not the full image".to_owned(),
            ));
        }
        for row in frame.chunks_exact(row_len).take(height) {
            push_luma_row(&mut luma, row, channels);
        }
    } else {
        for _ in 0..height {
            let row = reader
                .next_row()
                .map_err(unreadable)?
                .ok_or_else(|| QrError::ImageUnreadable("PNG ends early".to_owned()))?;
            let data = row.data();
            if data.len() != row_len {
                return Err(QrError::ImageUnreadable(
                    "first PNG frame is not the full image".to_owned(),
                ));
            }
            push_luma_row(&mut luma, data, channels);
        }
    }
    if luma.len() != width * height {
        return Err(QrError::ImageUnreadable("PNG ends early".to_owned()));
    }
    Ok(LumaImage {
        width,
        height,
        pixels: luma,
    })
}

/// Decodes a JPEG into luma, enforcing the scan limits.
fn decode_jpeg(bytes: &[u8]) -> Result<LumaImage, QrError> {
    use zune_core::bytestream::ZCursor;
    use zune_core::colorspace::ColorSpace;
    use zune_core::options::DecoderOptions;

    let unreadable =
        |e: zune_jpeg::errors::DecodeErrors| QrError::ImageUnreadable(format!("invalid JPEG: {e}"));
    let side = MAX_SCAN_SIDE as usize;
    let options = DecoderOptions::default()
        .jpeg_set_out_colorspace(ColorSpace::Luma)
        .jpeg_set_max_scans(MAX_JPEG_SCANS)
        // A truncated or corrupt file is an error, not a half-grey picture.
        .set_strict_mode(true)
        // Past the limits the decoder stops at the header; the check
        // below says so with the picture's own size.
        .set_max_width(1 << 16)
        .set_max_height(1 << 16);
    let mut decoder = zune_jpeg::JpegDecoder::new_with_options(ZCursor::new(bytes), options);
    decoder.decode_headers().map_err(unreadable)?;
    let (w, h) = decoder
        .dimensions()
        .ok_or_else(|| QrError::ImageUnreadable("JPEG has no frame header".to_owned()))?;
    check_dimensions(w as u64, h as u64)?;
    debug_assert!(w <= side && h <= side);
    let size = decoder
        .output_buffer_size()
        .ok_or_else(|| QrError::ImageUnreadable("JPEG frame does not fit in memory".to_owned()))?;
    if size != w * h {
        return Err(QrError::ImageUnreadable(format!(
            "JPEG decoder gives {size} bytes for {w}×{h} luma pixels"
        )));
    }
    let mut pixels = vec![0u8; size];
    decoder.decode_into(&mut pixels).map_err(unreadable)?;
    Ok(LumaImage {
        width: w,
        height: h,
        pixels,
    })
}

/// Converts one row of 8-bit samples with `channels` channels (grey, grey +
/// alpha, RGB, RGBA) to luma, compositing transparency over white.
fn push_luma_row(luma: &mut Vec<u8>, row: &[u8], channels: usize) {
    fn grey(r: u8, g: u8, b: u8) -> u32 {
        (299 * u32::from(r) + 587 * u32::from(g) + 114 * u32::from(b) + 500) / 1000
    }
    fn over_white(l: u32, a: u8) -> u8 {
        let a = u32::from(a);
        // At most (255·a + 255·(255 − a) + 127) / 255 = 255.
        ((l * a + 255 * (255 - a) + 127) / 255) as u8
    }
    match channels {
        1 => luma.extend_from_slice(row),
        2 => luma.extend(
            row.chunks_exact(2)
                .map(|p| over_white(u32::from(p[0]), p[1])),
        ),
        3 => luma.extend(row.chunks_exact(3).map(|p| grey(p[0], p[1], p[2]) as u8)),
        _ => luma.extend(
            row.chunks_exact(4)
                .map(|p| over_white(grey(p[0], p[1], p[2]), p[3])),
        ),
    }
}
