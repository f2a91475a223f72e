//! QR codes: rendering (feature `render`) and scanning (feature `scan`).
//!
//! The QR text of a licence (docs/FORMAT.md §2) is `EL2:` followed by Base45, which
//! uses only characters of the QR *alphanumeric* set (`0-9A-Z $%*+-./:`), so
//! `QrCode::encode` puts such text in alphanumeric mode (5.5 bits per
//! character instead of 8) and picks the smallest QR version that holds it.
//! Error correction level Q is the default ([`EccLevel::default`]).
//!
//! Rendering (feature `render`, backed by `fast_qr`'s module matrix and the
//! `png` crate):
//!
//! * `QrCode::to_svg`: a standalone SVG with a single compact `<path>`,
//!   sized for print (`width`/`height` in millimetres, 0.5 mm per module by
//!   default: `DEFAULT_MODULE_UM`);
//! * `QrCode::to_png` / `QrCode::to_png_printed`: an 8-bit greyscale PNG
//!   whose `pHYs` chunk prints each module at that size;
//! * `QrCode::to_terminal` / `QrCode::to_terminal_plain`: Unicode half
//!   blocks for a terminal.
//!
//! Every renderer draws the quiet zone the QR specification asks for (4
//! modules), except the terminal renderers, which draw 2 modules to save
//! screen space. `MIN_MODULE_UM` and `MIN_PNG_SCALE` are the sizes below
//! which a code may not print or scan (`elicense issue` warns).
//!
//! Scanning (feature `scan`): `LumaImage` reads a PNG or JPEG file, or wraps
//! a raw luma or RGBA buffer (what a browser canvas gives); `scan` finds and
//! decodes every QR code in it (`scan_image`, `scan_luma` and `scan_rgba`
//! do both steps). File length (`MAX_IMAGE_BYTES`) and picture size
//! (`MAX_SCAN_SIDE`, `MAX_SCAN_PIXELS`) are checked from the file's header
//! before anything of the picture's size is allocated or decoded.
//!
//! The reader is `rxing`'s QR reader (its port of zxing-cpp's detector),
//! with passes of our own (inverted, contrast-stretched, sharpened, half
//! size); it was chosen by measurement on the corpus that
//! `scripts/qr-corpus.sh` builds from licences the project issues: see the
//! README, "Reading QR codes from pictures", for the table.
//!
//! ## Panics
//!
//! Scanning is meant to run in WebAssembly under `panic = "abort"`, where a
//! panic would lose the whole instance, so it must not panic on any input.
//! The image decoders (`png`, `zune-jpeg`) get only bounded sizes; `rxing`
//! gets only frames that `LumaImage` has checked (1 to 8192 pixels a side,
//! at most 16 Mi pixels, buffer length exactly `width × height`), through
//! `Luma8LuminanceSource::new`, whose own checks return errors. The
//! `qr_image` fuzz target (fuzz/) drives all of it with arbitrary file
//! bytes, and with luma and RGBA frames of arbitrary sizes and lengths, in
//! every smoke run (`scripts/fuzz-smoke.sh`). rqrr, the former reader, was
//! dropped: it can panic inside its detector on ordinary photos (its issue
//! #54, an assertion in `Perspective::map`), where no input check can
//! prevent it.
//!
//! # Errors and reason codes
//!
//! Every failure is a [`QrError`]; [`QrError::reason`] maps it to a stable
//! [`ReasonCode`]:
//!
//! | Variant | Reason code |
//! |---|---|
//! | [`QrError::TextTooLarge`], [`QrError::ImageTooLarge`], `QrError::ImageFileTooLarge` | [`ReasonCode::InputTooLarge`] |
//! | [`QrError::NoCodeFound`], [`QrError::ImageUnreadable`] | [`ReasonCode::QrNotFound`] |
//! | [`QrError::PixelCountMismatch`], [`QrError::InvalidEccLevel`], [`QrError::InvalidColour`], [`QrError::InvalidScale`], [`QrError::InvalidModuleSize`], [`QrError::PngEncode`] | [`ReasonCode::InvalidArgument`] |

use crate::ReasonCode;
use core::fmt;

#[cfg(feature = "scan")]
mod image;
#[cfg(feature = "scan")]
mod scan;
use core::str::FromStr;
#[cfg(feature = "scan")]
pub use image::{ImageFormat, LumaImage, MAX_IMAGE_BYTES, MAX_SCAN_PIXELS, MAX_SCAN_SIDE};
#[cfg(feature = "scan")]
pub use scan::*;
use serde::{Deserialize, Serialize};

/// Quiet zone, in modules, around the SVG and PNG renderings (ISO/IEC 18004
/// asks for 4).
#[cfg(feature = "render")]
const QUIET_ZONE: usize = 4;

/// Quiet zone, in modules, around the terminal renderings.
#[cfg(feature = "render")]
const TERMINAL_QUIET_ZONE: usize = 2;

/// Largest PNG scale (pixels per module) `QrCode::to_png` accepts.
#[cfg(feature = "render")]
pub const MAX_PNG_SCALE: u32 = 64;

/// Longest user-supplied string echoed back in an error message.
const MAX_ECHO: usize = 32;

/// Errors from encoding, rendering and scanning QR codes.
///
/// See the [module documentation](self) for the mapping to reason codes.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum QrError {
    /// The text does not fit in any QR version (1 to 40) at this error
    /// correction level.
    #[error("text of {len} bytes does not fit in a QR code at error correction level {ecc}")]
    TextTooLarge {
        /// Length of the text, in bytes.
        len: usize,
        /// The requested error correction level.
        ecc: EccLevel,
    },
    /// The image is larger than `MAX_SCAN_SIDE` on a side or has more than
    /// `MAX_SCAN_PIXELS` pixels.
    #[error("image of {width}×{height} pixels is larger than the scanner accepts")]
    ImageTooLarge {
        /// Width declared by the image, in pixels.
        width: u64,
        /// Height declared by the image, in pixels.
        height: u64,
    },
    /// The image file is larger than [`MAX_IMAGE_BYTES`].
    #[cfg(feature = "scan")]
    #[error("image file of {len} bytes is larger than the scanner accepts ({max} bytes)")]
    ImageFileTooLarge {
        /// Length of the file, in bytes.
        len: usize,
        /// The limit, [`MAX_IMAGE_BYTES`].
        max: usize,
    },
    /// The image was read but holds no QR code that decodes.
    #[error("no decodable QR code found in the image")]
    NoCodeFound,
    /// The image could not be read: not a PNG or JPEG, truncated, corrupt
    /// or empty.
    #[error("image unreadable: {0}")]
    ImageUnreadable(String),
    /// `scan_luma` was given a pixel buffer whose length is not
    /// `width × height`.
    #[error("pixel buffer holds {actual} bytes, expected width × height = {expected}")]
    PixelCountMismatch {
        /// `width × height`.
        expected: usize,
        /// The length of the buffer given.
        actual: usize,
    },
    /// An error correction level name other than `L`, `M`, `Q` or `H`.
    #[error("unknown error correction level {0:?} (expected L, M, Q or H)")]
    InvalidEccLevel(String),
    /// A colour other than `#rgb` or `#rrggbb`.
    #[error("invalid colour {0:?} (expected #rgb or #rrggbb)")]
    InvalidColour(String),
    /// A PNG scale outside `1..=64`.
    #[error("PNG scale {0} is outside 1..=64 pixels per module")]
    InvalidScale(u32),
    /// A physical module size outside 1 µm..=10 mm.
    #[error("module size of {0} µm is outside 1..=10000 µm")]
    InvalidModuleSize(u32),
    /// The PNG encoder failed (not expected when writing to memory).
    #[error("PNG encoding failed: {0}")]
    PngEncode(String),
}

impl QrError {
    /// The stable reason code of this error (see the
    /// [module documentation](self) for the table).
    pub fn reason(&self) -> ReasonCode {
        match self {
            QrError::TextTooLarge { .. } | QrError::ImageTooLarge { .. } => {
                ReasonCode::InputTooLarge
            }
            #[cfg(feature = "scan")]
            QrError::ImageFileTooLarge { .. } => ReasonCode::InputTooLarge,
            QrError::NoCodeFound | QrError::ImageUnreadable(_) => ReasonCode::QrNotFound,
            QrError::PixelCountMismatch { .. }
            | QrError::InvalidEccLevel(_)
            | QrError::InvalidColour(_)
            | QrError::InvalidScale(_)
            | QrError::InvalidModuleSize(_)
            | QrError::PngEncode(_) => ReasonCode::InvalidArgument,
        }
    }
}

/// `um` micrometres as millimetres, without trailing zeros (`50500` →
/// `50.5`).
#[cfg(feature = "render")]
fn millimetres(um: u64) -> String {
    let mut s = format!("{}.{:03}", um / 1000, um % 1000);
    while s.ends_with('0') {
        s.pop();
    }
    if s.ends_with('.') {
        s.pop();
    }
    s
}

/// Shortens user input echoed in an error message (on a char boundary).
fn echo(s: &str) -> String {
    match s.char_indices().nth(MAX_ECHO) {
        Some((end, _)) => format!("{}…", &s[..end]),
        None => s.to_owned(),
    }
}

/// QR error correction level.
///
/// Serialised (serde) as `"L"`, `"M"`, `"Q"` or `"H"`; parsed
/// ([`FromStr`]) from those letters in either case.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EccLevel {
    /// Low: about 7 % of the code can be restored.
    L,
    /// Medium: about 15 %.
    M,
    /// Quartile: about 25 %. The default (docs/FORMAT.md §2).
    #[default]
    Q,
    /// High: about 30 %.
    H,
}

impl EccLevel {
    /// The level as one upper-case letter.
    pub const fn as_str(self) -> &'static str {
        match self {
            EccLevel::L => "L",
            EccLevel::M => "M",
            EccLevel::Q => "Q",
            EccLevel::H => "H",
        }
    }

    #[cfg(feature = "render")]
    fn to_fast_qr(self) -> fast_qr::ECL {
        match self {
            EccLevel::L => fast_qr::ECL::L,
            EccLevel::M => fast_qr::ECL::M,
            EccLevel::Q => fast_qr::ECL::Q,
            EccLevel::H => fast_qr::ECL::H,
        }
    }
}

impl fmt::Display for EccLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for EccLevel {
    type Err = QrError;

    /// Parses `l`, `m`, `q` or `h` in either case.
    fn from_str(s: &str) -> Result<Self, QrError> {
        match s {
            "L" | "l" => Ok(EccLevel::L),
            "M" | "m" => Ok(EccLevel::M),
            "Q" | "q" => Ok(EccLevel::Q),
            "H" | "h" => Ok(EccLevel::H),
            _ => Err(QrError::InvalidEccLevel(echo(s))),
        }
    }
}

/// True when every character of `text` is in the QR alphanumeric set
/// `0-9A-Z $%*+-./:` (ISO/IEC 18004 table 5).
#[cfg(feature = "render")]
fn is_qr_alphanumeric(text: &str) -> bool {
    text.bytes().all(|b| {
        matches!(b, b'0'..=b'9' | b'A'..=b'Z' | b' ' | b'$' | b'%' | b'*' | b'+' | b'-' | b'.' | b'/' | b':')
    })
}

/// An sRGB colour for [`SvgOptions`], always written as `#rrggbb`.
///
/// It can only be built from three bytes or parsed from `#rgb` / `#rrggbb`,
/// so nothing but a hex colour ever reaches the SVG: no markup can be
/// injected through it.
#[cfg(feature = "render")]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Colour {
    r: u8,
    g: u8,
    b: u8,
}

#[cfg(feature = "render")]
impl Colour {
    /// Black, `#000000`.
    pub const BLACK: Colour = Colour::rgb(0, 0, 0);
    /// White, `#ffffff`.
    pub const WHITE: Colour = Colour::rgb(255, 255, 255);

    /// A colour from its red, green and blue components.
    pub const fn rgb(r: u8, g: u8, b: u8) -> Colour {
        Colour { r, g, b }
    }

    /// The red, green and blue components.
    pub const fn components(self) -> (u8, u8, u8) {
        (self.r, self.g, self.b)
    }

    /// Parses `#rgb` or `#rrggbb` (hex digits in either case).
    ///
    /// # Errors
    ///
    /// [`QrError::InvalidColour`] for anything else.
    pub fn parse(s: &str) -> Result<Colour, QrError> {
        let bad = || QrError::InvalidColour(echo(s));
        let hex = s.strip_prefix('#').ok_or_else(bad)?;
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad());
        }
        let nibble = |i: usize| u8::from_str_radix(&hex[i..=i], 16).map_err(|_| bad());
        match hex.len() {
            3 => Ok(Colour::rgb(
                nibble(0)? * 17,
                nibble(1)? * 17,
                nibble(2)? * 17,
            )),
            6 => Ok(Colour::rgb(
                nibble(0)? * 16 + nibble(1)?,
                nibble(2)? * 16 + nibble(3)?,
                nibble(4)? * 16 + nibble(5)?,
            )),
            _ => Err(bad()),
        }
    }
}

#[cfg(feature = "render")]
impl FromStr for Colour {
    type Err = QrError;

    fn from_str(s: &str) -> Result<Self, QrError> {
        Colour::parse(s)
    }
}

#[cfg(feature = "render")]
impl fmt::Display for Colour {
    /// Writes `#rrggbb` in lower case.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{:02x}{:02x}{:02x}", self.r, self.g, self.b)
    }
}

/// Physical size of one module in printed renderings by default: 0.5 mm
/// (a version 13 code, the sample licence's, is then 38.5 mm wide with its
/// quiet zone).
#[cfg(feature = "render")]
pub const DEFAULT_MODULE_UM: u32 = 500;

/// Smallest module, in micrometres (0.4 mm), that prints and scans
/// reliably with phone cameras and office printers; `elicense issue` warns
/// below it.
#[cfg(feature = "render")]
pub const MIN_MODULE_UM: u32 = 400;

/// Fewest pixels per module a PNG needs to be read from a screen or from a
/// print at its pixel size (the scanner itself reads sharp pictures from
/// 1.5 px/module, but blur and resampling then lose the code); `elicense
/// issue` warns below it.
#[cfg(feature = "render")]
pub const MIN_PNG_SCALE: u32 = 3;

// The default size never draws the warning.
#[cfg(feature = "render")]
const _: () = assert!(DEFAULT_MODULE_UM >= MIN_MODULE_UM);

/// Largest physical module size accepted, in micrometres (10 mm).
#[cfg(feature = "render")]
pub const MAX_MODULE_UM: u32 = 10_000;

/// Options for [`QrCode::to_svg`].
#[cfg(feature = "render")]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SvgOptions {
    /// Width and height of the image in CSS pixels. Takes precedence over
    /// `module_um`.
    pub width_px: Option<u32>,
    /// Physical size of one module in micrometres: the SVG's `width` and
    /// `height` are then `(size + 8) × module_um / 1000` millimetres, so it
    /// prints at that size. Default [`DEFAULT_MODULE_UM`]; `None` (with no
    /// `width_px`) leaves the SVG without `width`/`height`, so it scales to
    /// its container.
    pub module_um: Option<u32>,
    /// Colour of dark modules (default black).
    pub dark: Colour,
    /// Colour of light modules and of the quiet zone (default white).
    pub light: Colour,
}

#[cfg(feature = "render")]
impl Default for SvgOptions {
    fn default() -> Self {
        SvgOptions {
            width_px: None,
            module_um: Some(DEFAULT_MODULE_UM),
            dark: Colour::BLACK,
            light: Colour::WHITE,
        }
    }
}

/// An encoded QR code: a square matrix of dark and light modules.
#[cfg(feature = "render")]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QrCode {
    version: u8,
    size: usize,
    ecc: EccLevel,
    /// `size × size` modules, row by row; `true` is dark.
    modules: Vec<bool>,
}

#[cfg(feature = "render")]
impl QrCode {
    /// Encodes `text` at error correction level `ecc` in the smallest QR
    /// version that holds it.
    ///
    /// Text made only of QR alphanumeric characters (`0-9A-Z $%*+-./:`,
    /// which includes every `EL2:` + Base45 text) is encoded in alphanumeric
    /// mode, anything else in byte mode (UTF-8). Numeric and mixed-mode
    /// segments are never used, so the output is the same for the same input
    /// whatever the encoder's heuristics.
    ///
    /// # Errors
    ///
    /// [`QrError::TextTooLarge`] when the text does not fit in version 40.
    pub fn encode(text: &str, ecc: EccLevel) -> Result<QrCode, QrError> {
        let mode = if is_qr_alphanumeric(text) {
            fast_qr::Mode::Alphanumeric
        } else {
            fast_qr::Mode::Byte
        };
        let too_large = || QrError::TextTooLarge {
            len: text.len(),
            ecc,
        };
        // fast_qr picks the smallest version for the forced mode from the
        // ISO/IEC 18004 capacity tables.
        let qr = fast_qr::QRBuilder::new(text.as_bytes())
            .ecl(ecc.to_fast_qr())
            .mode(mode)
            .build()
            .map_err(|_| too_large())?;
        let version = qr.version.ok_or_else(too_large)? as u8 + 1;
        let size = qr.size;
        debug_assert_eq!(size, 17 + 4 * usize::from(version));
        let modules = qr.data[..size * size].iter().map(|m| m.value()).collect();
        Ok(QrCode {
            version,
            size,
            ecc,
            modules,
        })
    }

    /// The QR version, 1 to 40.
    pub fn version(&self) -> u8 {
        self.version
    }

    /// Modules per side (`17 + 4 × version`), without quiet zone.
    pub fn size(&self) -> usize {
        self.size
    }

    /// The error correction level.
    pub fn ecc(&self) -> EccLevel {
        self.ecc
    }

    /// Whether the module in column `x`, row `y` (from the top-left corner,
    /// quiet zone excluded) is dark. Coordinates outside the code are light.
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        x < self.size && y < self.size && self.modules[y * self.size + x]
    }

    /// Like [`is_dark`](Self::is_dark) with coordinates that include a quiet
    /// zone of `quiet` modules.
    fn is_dark_with_margin(&self, x: usize, y: usize, quiet: usize) -> bool {
        match (x.checked_sub(quiet), y.checked_sub(quiet)) {
            (Some(x), Some(y)) => self.is_dark(x, y),
            _ => false,
        }
    }

    /// A standalone SVG image of the code.
    ///
    /// The image has a 4-module quiet zone; its `viewBox` is in modules
    /// (`0 0 size+8 size+8`) and it sets `shape-rendering="crispEdges"`. By
    /// default its `width` and `height` are in millimetres, one module
    /// being [`DEFAULT_MODULE_UM`] (see [`SvgOptions`]). The
    /// light colour fills the background; the dark modules are one `<path>`
    /// with one rectangle subpath per horizontal run of dark modules.
    pub fn to_svg(&self, opts: &SvgOptions) -> String {
        use fmt::Write as _;

        let side = self.size + 2 * QUIET_ZONE;
        let mut out = String::with_capacity(256 + self.size * self.size * 2);
        out.push_str("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\"");
        let _ = write!(out, " viewBox=\"0 0 {side} {side}\"");
        if let Some(w) = opts.width_px {
            let _ = write!(out, " width=\"{w}\" height=\"{w}\"");
        } else if let Some(um) = opts.module_um {
            let mm = millimetres(side as u64 * u64::from(um));
            let _ = write!(out, " width=\"{mm}mm\" height=\"{mm}mm\"");
        }
        out.push_str(" shape-rendering=\"crispEdges\">");
        let _ = write!(
            out,
            "<rect width=\"{side}\" height=\"{side}\" fill=\"{}\"/>",
            opts.light
        );
        let _ = write!(out, "<path fill=\"{}\" d=\"", opts.dark);
        for y in 0..self.size {
            let mut x = 0;
            while x < self.size {
                if !self.is_dark(x, y) {
                    x += 1;
                    continue;
                }
                let start = x;
                while x < self.size && self.is_dark(x, y) {
                    x += 1;
                }
                let run = x - start;
                let _ = write!(
                    out,
                    "M{} {}h{run}v1h-{run}z",
                    start + QUIET_ZONE,
                    y + QUIET_ZONE
                );
            }
        }
        out.push_str("\"/></svg>\n");
        out
    }

    /// An 8-bit greyscale PNG of the code: black modules on white, a
    /// 4-module quiet zone, each module `scale` × `scale` pixels, with a
    /// `pHYs` resolution that prints each module [`DEFAULT_MODULE_UM`]
    /// wide (see [`to_png_printed`](Self::to_png_printed)).
    ///
    /// # Errors
    ///
    /// As [`to_png_printed`](Self::to_png_printed).
    pub fn to_png(&self, scale: u32) -> Result<Vec<u8>, QrError> {
        self.to_png_printed(scale, DEFAULT_MODULE_UM)
    }

    /// Like [`to_png`](Self::to_png), with a `pHYs` chunk giving the
    /// resolution (pixels per metre, `round(scale × 10⁶ / module_um)`) at
    /// which one module prints `module_um` micrometres wide.
    ///
    /// The image is streamed row by row into the encoder, so memory use is
    /// about one pixel row plus the compressed output.
    ///
    /// # Errors
    ///
    /// [`QrError::InvalidScale`] unless `1 <= scale <= 64`;
    /// [`QrError::InvalidModuleSize`] unless `1 <= module_um <= 10 000`;
    /// [`QrError::PngEncode`] if the encoder fails (not expected).
    pub fn to_png_printed(&self, scale: u32, module_um: u32) -> Result<Vec<u8>, QrError> {
        use std::io::Write as _;

        if !(1..=MAX_PNG_SCALE).contains(&scale) {
            return Err(QrError::InvalidScale(scale));
        }
        if !(1..=MAX_MODULE_UM).contains(&module_um) {
            return Err(QrError::InvalidModuleSize(module_um));
        }
        let per_metre =
            (u64::from(scale) * 1_000_000 + u64::from(module_um) / 2) / u64::from(module_um);
        let scale_px = scale as usize;
        let side_modules = self.size + 2 * QUIET_ZONE;
        let side_px = side_modules * scale_px; // at most 185 × 64 = 11 840
        let side_u32 = u32::try_from(side_px).map_err(|_| QrError::InvalidScale(scale))?;
        let enc_err = |e: png::EncodingError| QrError::PngEncode(e.to_string());

        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, side_u32, side_u32);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::Eight);
        // At most 64 × 10⁶ pixels per metre: fits in u32.
        let ppu = u32::try_from(per_metre).map_err(|_| QrError::InvalidModuleSize(module_um))?;
        encoder.set_pixel_dims(Some(png::PixelDimensions {
            xppu: ppu,
            yppu: ppu,
            unit: png::Unit::Meter,
        }));
        let mut writer = encoder.write_header().map_err(enc_err)?;
        let mut stream = writer.stream_writer().map_err(enc_err)?;
        let mut row = vec![0u8; side_px];
        for my in 0..side_modules {
            for (mx, px) in row.chunks_exact_mut(scale_px).enumerate() {
                let value = if self.is_dark_with_margin(mx, my, QUIET_ZONE) {
                    0
                } else {
                    255
                };
                px.fill(value);
            }
            for _ in 0..scale_px {
                stream
                    .write_all(&row)
                    .map_err(|e| QrError::PngEncode(e.to_string()))?;
            }
        }
        stream.finish().map_err(enc_err)?;
        writer.finish().map_err(enc_err)?;
        Ok(out)
    }

    /// The code as Unicode half blocks, forced black on white with ANSI
    /// escapes so that it scans on light and dark terminals alike.
    ///
    /// Each text line shows two module rows (`▀`, `▄`, `█` and space, drawn
    /// in the foreground colour for dark modules); a quiet zone of 2 modules
    /// surrounds the code. Every line starts with `ESC[38;5;16m` followed by
    /// `ESC[48;5;231m` (256-colour palette: black foreground, white
    /// background) and ends with `ESC[0m` (reset) and a newline. There are `ceil((size + 4) / 2)` lines.
    pub fn to_terminal(&self) -> String {
        self.terminal_lines("\x1b[38;5;16m\x1b[48;5;231m", "\x1b[0m")
    }

    /// Like [`to_terminal`](Self::to_terminal) without escape sequences:
    /// dark modules are drawn as block glyphs (`█` for two dark modules),
    /// light ones as spaces. It scans only where the terminal draws dark
    /// text on a light background (or when printed).
    pub fn to_terminal_plain(&self) -> String {
        self.terminal_lines("", "")
    }

    fn terminal_lines(&self, prefix: &str, suffix: &str) -> String {
        let side = self.size + 2 * TERMINAL_QUIET_ZONE;
        let lines = side.div_ceil(2);
        let mut out = String::with_capacity(lines * (prefix.len() + suffix.len() + side * 3 + 1));
        for line in 0..lines {
            out.push_str(prefix);
            let top = 2 * line;
            for x in 0..side {
                let upper = self.is_dark_with_margin(x, top, TERMINAL_QUIET_ZONE);
                let lower = self.is_dark_with_margin(x, top + 1, TERMINAL_QUIET_ZONE);
                out.push(match (upper, lower) {
                    (true, true) => '█',
                    (true, false) => '▀',
                    (false, true) => '▄',
                    (false, false) => ' ',
                });
            }
            out.push_str(suffix);
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "render")]
    const BASE45: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

    /// `EL2:` followed by `n` pseudo-random Base45 characters.
    #[cfg(feature = "render")]
    fn el1_text(n: usize, seed: u64) -> String {
        let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
        let mut s = String::from("EL2:");
        for _ in 0..n {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            s.push(BASE45[((state >> 33) % 45) as usize] as char);
        }
        s
    }

    /// `n` pseudo-random Base45 characters (no prefix).
    #[cfg(feature = "render")]
    fn base45_text(n: usize, seed: u64) -> String {
        el1_text(n, seed)[4..].to_owned()
    }

    #[test]
    fn ecc_level_parse_display_serde() {
        for (s, level) in [
            ("l", EccLevel::L),
            ("M", EccLevel::M),
            ("q", EccLevel::Q),
            ("H", EccLevel::H),
        ] {
            assert_eq!(s.parse::<EccLevel>(), Ok(level));
            assert_eq!(level.to_string(), s.to_ascii_uppercase());
            let json = serde_json::to_string(&level).unwrap();
            assert_eq!(json, format!("\"{}\"", s.to_ascii_uppercase()));
            assert_eq!(serde_json::from_str::<EccLevel>(&json).unwrap(), level);
        }
        assert_eq!(EccLevel::default(), EccLevel::Q);
        for bad in ["", "x", "LL", "quartile", " q"] {
            let err = bad.parse::<EccLevel>().unwrap_err();
            assert!(matches!(err, QrError::InvalidEccLevel(_)), "{bad:?}");
            assert_eq!(err.reason(), ReasonCode::InvalidArgument);
        }
        assert!(serde_json::from_str::<EccLevel>("\"X\"").is_err());
    }

    #[test]
    fn error_reasons() {
        let too_large = QrError::TextTooLarge {
            len: 5000,
            ecc: EccLevel::Q,
        };
        assert_eq!(too_large.reason(), ReasonCode::InputTooLarge);
        assert_eq!(
            QrError::ImageTooLarge {
                width: 1,
                height: 1
            }
            .reason(),
            ReasonCode::InputTooLarge
        );
        assert_eq!(QrError::NoCodeFound.reason(), ReasonCode::QrNotFound);
        // User input echoed in messages is bounded.
        let long = "x".repeat(10_000);
        let msg = long.parse::<EccLevel>().unwrap_err().to_string();
        assert!(msg.len() < 200, "{msg}");
    }

    #[cfg(feature = "render")]
    mod render {
        use super::*;

        #[test]
        fn versions_follow_the_alphanumeric_capacity_table() {
            // "EL2:" + 300 = 304 characters. ISO/IEC 18004 table 7,
            // alphanumeric capacities: 8-L 279, 9-L 335; 9-M 262, 10-M 311;
            // 12-Q 296, 13-Q 352; 14-H 283, 15-H 321.
            let text = el1_text(300, 1);
            assert_eq!(text.len(), 304);
            for (ecc, version) in [
                (EccLevel::L, 9),
                (EccLevel::M, 10),
                (EccLevel::Q, 13),
                (EccLevel::H, 15),
            ] {
                let qr = QrCode::encode(&text, ecc).unwrap();
                assert_eq!(qr.version(), version, "{ecc}");
                assert_eq!(qr.size(), 17 + 4 * usize::from(version));
                assert_eq!(qr.ecc(), ecc);
            }
        }

        #[test]
        fn alphanumeric_mode_and_smallest_version_at_the_boundary() {
            // 13-Q holds 352 alphanumeric characters (but only 241 bytes in
            // byte mode): fitting 352 in version 13 proves alphanumeric mode.
            let at = QrCode::encode(&base45_text(352, 2), EccLevel::Q).unwrap();
            assert_eq!((at.version(), at.size()), (13, 69));
            let over = QrCode::encode(&base45_text(353, 2), EccLevel::Q).unwrap();
            assert_eq!((over.version(), over.size()), (14, 73));
            // 296 is the 12-Q capacity, 297 needs 13.
            assert_eq!(
                QrCode::encode(&base45_text(296, 3), EccLevel::Q)
                    .unwrap()
                    .version(),
                12
            );
            assert_eq!(
                QrCode::encode(&base45_text(297, 3), EccLevel::Q)
                    .unwrap()
                    .version(),
                13
            );
            // All digits: still alphanumeric mode (not numeric), 13-Q.
            let digits = "7".repeat(352);
            assert_eq!(QrCode::encode(&digits, EccLevel::Q).unwrap().version(), 13);
            // Lower case forces byte mode: 13-Q holds 241 bytes.
            let lower = "a".repeat(241);
            assert_eq!(QrCode::encode(&lower, EccLevel::Q).unwrap().version(), 13);
            let lower = "a".repeat(242);
            assert_eq!(QrCode::encode(&lower, EccLevel::Q).unwrap().version(), 14);
        }

        #[test]
        fn matrix_orientation_and_decodability() {
            let text = el1_text(352 - 4, 4);
            let qr = QrCode::encode(&text, EccLevel::Q).unwrap();
            // The "dark module" sits at column 8, row size-8.
            assert!(qr.is_dark(8, qr.size() - 8));
            // Finder pattern corners; outside the code is light.
            assert!(qr.is_dark(0, 0) && qr.is_dark(qr.size() - 1, 0));
            assert!(qr.is_dark(0, qr.size() - 1));
            assert!(!qr.is_dark(qr.size(), 0) && !qr.is_dark(0, usize::MAX));
            // The scanner reads the matrix back at 1 pixel per module.
            #[cfg(feature = "scan")]
            {
                let side = qr.size() + 8;
                let px: Vec<u8> = (0..side * side)
                    .map(|i| {
                        if qr.is_dark_with_margin(i % side, i / side, 4) {
                            0
                        } else {
                            255
                        }
                    })
                    .collect();
                assert_eq!(qr.version(), 13);
                assert_eq!(scan_luma(side, side, &px).unwrap(), vec![text]);
            }
        }

        #[test]
        fn too_large() {
            // 40-L holds 4296 alphanumeric characters, 2953 bytes.
            assert_eq!(
                QrCode::encode(&base45_text(4296, 5), EccLevel::L)
                    .unwrap()
                    .version(),
                40
            );
            let err = QrCode::encode(&base45_text(4297, 5), EccLevel::L).unwrap_err();
            assert_eq!(
                err,
                QrError::TextTooLarge {
                    len: 4297,
                    ecc: EccLevel::L
                }
            );
            assert_eq!(err.reason(), ReasonCode::InputTooLarge);
            let err = QrCode::encode(&"a".repeat(2954), EccLevel::L).unwrap_err();
            assert!(matches!(err, QrError::TextTooLarge { len: 2954, .. }));
        }

        #[test]
        fn empty_text_encodes() {
            let qr = QrCode::encode("", EccLevel::H).unwrap();
            assert_eq!((qr.version(), qr.size()), (1, 21));
        }

        /// Rebuilds the module grid from the SVG path and checks it against
        /// `is_dark`.
        #[test]
        fn svg_structure_and_module_count() {
            let qr = QrCode::encode(&el1_text(120, 6), EccLevel::Q).unwrap();
            let svg = qr.to_svg(&SvgOptions::default());
            let side = qr.size() + 8;
            assert!(svg.starts_with("<svg"));
            assert!(svg.contains(&format!("viewBox=\"0 0 {side} {side}\"")));
            assert!(svg.contains("shape-rendering=\"crispEdges\""));
            assert!(svg.contains("fill=\"#ffffff\"") && svg.contains("fill=\"#000000\""));
            // Printed size by default: 0.5 mm per module.
            let mm = millimetres(side as u64 * 500);
            assert!(svg.contains(&format!(" width=\"{mm}mm\" height=\"{mm}mm\"")));
            // No width/height when asked for none.
            let bare = qr.to_svg(&SvgOptions {
                module_um: None,
                ..SvgOptions::default()
            });
            assert!(!bare[..bare.find('>').unwrap()].contains("width"));
            assert_eq!(svg.matches("<path").count(), 1);
            assert!(svg.trim_end().ends_with("</svg>"));

            let d_start = svg.find(" d=\"").unwrap() + 4;
            let d_end = d_start + svg[d_start..].find('"').unwrap();
            let d = &svg[d_start..d_end];
            let mut drawn = vec![false; side * side];
            let mut count = 0;
            for sub in d.split('z').filter(|s| !s.is_empty()) {
                // M{x} {y}h{n}v1h-{n}
                let rest = sub.strip_prefix('M').unwrap();
                let (x, rest) = rest.split_once(' ').unwrap();
                let (y, rest) = rest.split_once('h').unwrap();
                let (n, rest) = rest.split_once("v1h-").unwrap();
                assert_eq!(n, rest);
                let (x, y, n): (usize, usize, usize) =
                    (x.parse().unwrap(), y.parse().unwrap(), n.parse().unwrap());
                for i in 0..n {
                    assert!(!drawn[y * side + x + i], "module drawn twice");
                    drawn[y * side + x + i] = true;
                }
                count += n;
            }
            let mut dark = 0;
            for y in 0..side {
                for x in 0..side {
                    let expected = x >= 4 && y >= 4 && qr.is_dark(x - 4, y - 4);
                    assert_eq!(drawn[y * side + x], expected, "module ({x}, {y})");
                    dark += usize::from(expected);
                }
            }
            assert_eq!(count, dark);

            let custom = SvgOptions {
                width_px: Some(300),
                module_um: Some(400),
                dark: "#1A2b3C".parse().unwrap(),
                light: Colour::parse("#fe0").unwrap(),
            };
            let svg = qr.to_svg(&custom);
            assert!(svg.contains("width=\"300\" height=\"300\""));
            assert!(svg.contains("fill=\"#1a2b3c\"") && svg.contains("fill=\"#ffee00\""));
        }

        #[test]
        fn physical_sizes() {
            assert_eq!(millimetres(50_500), "50.5");
            assert_eq!(millimetres(101 * 400), "40.4");
            assert_eq!(millimetres(45_000), "45");
            assert_eq!(millimetres(1), "0.001");
            // The sample licence's version (19) at the default size: every
            // module at least 0.4 mm.
            let qr = QrCode::encode(&el1_text(606, 2), EccLevel::Q).unwrap();
            assert_eq!(qr.version(), 19);
            let svg = qr.to_svg(&SvgOptions::default());
            assert!(
                svg.contains(" width=\"50.5mm\" height=\"50.5mm\""),
                "{}",
                &svg[..200]
            );
        }

        /// The PNG's pHYs chunk: pixels per metre for the module size.
        #[cfg(feature = "scan")]
        #[test]
        fn png_resolution() {
            let qr = QrCode::encode("EL2:PHYS", EccLevel::Q).unwrap();
            let dims = |png: &[u8]| {
                let reader = png::Decoder::new(std::io::Cursor::new(png))
                    .read_info()
                    .unwrap();
                reader.info().pixel_dims.unwrap()
            };
            // 8 px per 0.5 mm module = 16,000 px/m (406.4 dpi).
            let d = dims(&qr.to_png(8).unwrap());
            assert_eq!((d.xppu, d.yppu, d.unit), (16_000, 16_000, png::Unit::Meter));
            // 3 px per 0.33 mm module = 9,091 px/m.
            let d = dims(&qr.to_png_printed(3, 330).unwrap());
            assert_eq!((d.xppu, d.yppu), (9_091, 9_091));
            assert_eq!(qr.to_png_printed(3, 0), Err(QrError::InvalidModuleSize(0)));
            assert_eq!(
                qr.to_png_printed(3, 10_001).unwrap_err().reason(),
                ReasonCode::InvalidArgument
            );
        }

        #[test]
        fn colour_validation() {
            for bad in [
                "",
                "#",
                "red",
                "#12",
                "#1234",
                "#12345g",
                "000000",
                "#000000\"/><script>",
                "#+12",
                "#ｆｆｆ",
            ] {
                let err = Colour::parse(bad).unwrap_err();
                assert!(matches!(err, QrError::InvalidColour(_)), "{bad:?}");
            }
            assert_eq!(
                Colour::parse("#ABC").unwrap(),
                Colour::rgb(0xaa, 0xbb, 0xcc)
            );
            assert_eq!(Colour::rgb(1, 2, 255).to_string(), "#0102ff");
            assert_eq!(Colour::BLACK.components(), (0, 0, 0));
        }

        #[test]
        fn terminal_output() {
            let qr = QrCode::encode(&el1_text(60, 7), EccLevel::Q).unwrap();
            let side = qr.size() + 4;
            for out in [qr.to_terminal(), qr.to_terminal_plain()] {
                assert_eq!(out.lines().count(), side.div_ceil(2));
                assert!(out.ends_with('\n'));
            }
            let plain = qr.to_terminal_plain();
            for line in plain.lines() {
                assert_eq!(line.chars().count(), side);
                assert!(line.chars().all(|c| matches!(c, ' ' | '▀' | '▄' | '█')));
            }
            // The first line is quiet zone; with a 2-module quiet zone the
            // second line shows module rows 0 and 1: the finder's top edge
            // (dark) over its light inner ring at columns 1-5.
            assert!(plain.lines().next().unwrap().chars().all(|c| c == ' '));
            let second: Vec<char> = plain.lines().nth(1).unwrap().chars().collect();
            assert_eq!(&second[..4], &[' ', ' ', '█', '▀']);
            // Reading the half blocks back gives the matrix.
            for (line_no, line) in plain.lines().enumerate() {
                for (x, c) in line.chars().enumerate() {
                    let (upper, lower) = match c {
                        '█' => (true, true),
                        '▀' => (true, false),
                        '▄' => (false, true),
                        _ => (false, false),
                    };
                    for (dy, dark) in [(0, upper), (1, lower)] {
                        let y = 2 * line_no + dy;
                        let expected = x >= 2 && y >= 2 && qr.is_dark(x - 2, y - 2);
                        assert_eq!(dark, expected, "module ({x}, {y})");
                    }
                }
            }
            let coloured = qr.to_terminal();
            for line in coloured.lines() {
                assert!(line.starts_with("\x1b[38;5;16m\x1b[48;5;231m"));
                assert!(line.ends_with("\x1b[0m"));
            }
        }

        #[test]
        fn png_scale_validation() {
            let qr = QrCode::encode("EL2:ABC", EccLevel::Q).unwrap();
            assert_eq!(qr.to_png(0), Err(QrError::InvalidScale(0)));
            assert_eq!(qr.to_png(65), Err(QrError::InvalidScale(65)));
            let png = qr.to_png(1).unwrap();
            assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
        }
    }

    #[cfg(feature = "scan")]
    mod scan {
        use super::*;

        fn crc32(bytes: &[u8]) -> u32 {
            let mut crc = 0xffff_ffffu32;
            for &b in bytes {
                crc ^= u32::from(b);
                for _ in 0..8 {
                    crc = if crc & 1 != 0 {
                        (crc >> 1) ^ 0xedb8_8320
                    } else {
                        crc >> 1
                    };
                }
            }
            !crc
        }

        /// A PNG of the given size and colour type, every sample `value`.
        fn png_of(width: u32, height: u32, colour: png::ColorType, value: u8) -> Vec<u8> {
            let channels = match colour {
                png::ColorType::Grayscale => 1,
                png::ColorType::GrayscaleAlpha => 2,
                png::ColorType::Rgb => 3,
                png::ColorType::Rgba => 4,
                png::ColorType::Indexed => unreachable!(),
            };
            let mut out = Vec::new();
            let mut enc = png::Encoder::new(&mut out, width, height);
            enc.set_color(colour);
            enc.set_depth(png::BitDepth::Eight);
            let mut w = enc.write_header().unwrap();
            w.write_image_data(&vec![value; (width * height) as usize * channels])
                .unwrap();
            w.finish().unwrap();
            out
        }

        /// Rewrites the IHDR width and height (and its CRC).
        fn patch_ihdr(png: &mut [u8], width: u32, height: u32) {
            assert_eq!(&png[12..16], b"IHDR");
            png[16..20].copy_from_slice(&width.to_be_bytes());
            png[20..24].copy_from_slice(&height.to_be_bytes());
            let crc = crc32(&png[12..29]);
            png[29..33].copy_from_slice(&crc.to_be_bytes());
        }

        #[test]
        fn crc32_known_value() {
            assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
        }

        #[test]
        fn empty_and_garbage_bytes() {
            for bytes in [&b""[..], b"\x89PNG", b"GIF89a......", &[0u8; 100]] {
                let err = scan_png(bytes).unwrap_err();
                assert!(matches!(err, QrError::ImageUnreadable(_)), "{err:?}");
                assert_eq!(err.reason(), ReasonCode::QrNotFound);
            }
        }

        #[test]
        fn truncated_png() {
            // Incompressible content, so cutting the file loses image rows.
            let mut state = 99u64;
            let noise: Vec<u8> = (0..64 * 64)
                .map(|_| {
                    state = state
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    (state >> 56) as u8
                })
                .collect();
            let mut png = Vec::new();
            let mut enc = png::Encoder::new(&mut png, 64, 64);
            enc.set_color(png::ColorType::Grayscale);
            enc.set_depth(png::BitDepth::Eight);
            let mut w = enc.write_header().unwrap();
            w.write_image_data(&noise).unwrap();
            w.finish().unwrap();
            for cut in [33, 40, png.len() / 2, png.len() - 200] {
                let err = scan_png(&png[..cut]).unwrap_err();
                assert!(matches!(err, QrError::ImageUnreadable(_)), "{cut}: {err:?}");
            }
            assert_eq!(scan_png(&png), Err(QrError::NoCodeFound));
        }

        /// A rendered code cut in half is an unreadable image, not a
        /// partial result.
        #[cfg(feature = "render")]
        #[test]
        fn truncated_qr_png() {
            let qr = QrCode::encode(&el1_text(200, 11), EccLevel::Q).unwrap();
            let png = qr.to_png(4).unwrap();
            let err = scan_png(&png[..png.len() / 2]).unwrap_err();
            assert!(matches!(err, QrError::ImageUnreadable(_)), "{err:?}");
        }

        #[test]
        fn huge_declared_dimensions_are_refused_before_allocation() {
            for (w, h) in [
                (100_000, 100_000),
                (8193, 1),
                (1, 8193),
                (4097, 4096),
                (u32::MAX >> 1, u32::MAX >> 1),
            ] {
                let mut png = png_of(1, 1, png::ColorType::Rgba, 0);
                patch_ihdr(&mut png, w, h);
                let err = scan_png(&png).unwrap_err();
                assert_eq!(
                    err,
                    QrError::ImageTooLarge {
                        width: u64::from(w),
                        height: u64::from(h)
                    }
                );
                assert_eq!(err.reason(), ReasonCode::InputTooLarge);
            }
            // A zero dimension is not a PNG png accepts.
            let mut png = png_of(1, 1, png::ColorType::Grayscale, 0);
            patch_ihdr(&mut png, 0, 5);
            assert!(matches!(
                scan_png(&png).unwrap_err(),
                QrError::ImageUnreadable(_)
            ));
        }

        #[test]
        fn scan_luma_validates_its_input() {
            assert_eq!(
                scan_luma(10, 10, &[255; 99]),
                Err(QrError::PixelCountMismatch {
                    expected: 100,
                    actual: 99
                })
            );
            assert!(matches!(
                scan_luma(0, 10, &[]),
                Err(QrError::ImageUnreadable(_))
            ));
            assert!(matches!(
                scan_luma(9000, 1, &[]),
                Err(QrError::ImageTooLarge {
                    width: 9000,
                    height: 1
                })
            ));
            assert!(matches!(
                scan_luma(usize::MAX, usize::MAX, &[]),
                Err(QrError::ImageTooLarge { .. })
            ));
        }

        #[test]
        fn blank_images_have_no_code() {
            assert_eq!(
                scan_luma(200, 100, &[255; 20_000]),
                Err(QrError::NoCodeFound)
            );
            assert_eq!(scan_luma(1, 1, &[0]), Err(QrError::NoCodeFound));
            for colour in [
                png::ColorType::Grayscale,
                png::ColorType::GrayscaleAlpha,
                png::ColorType::Rgb,
                png::ColorType::Rgba,
            ] {
                let png = png_of(120, 80, colour, 255);
                assert_eq!(scan_png(&png), Err(QrError::NoCodeFound), "{colour:?}");
            }
        }

        #[cfg(feature = "render")]
        #[test]
        fn png_round_trip_every_level() {
            let text = el1_text(300, 8);
            for ecc in [EccLevel::L, EccLevel::M, EccLevel::Q, EccLevel::H] {
                let qr = QrCode::encode(&text, ecc).unwrap();
                let png = qr.to_png(4).unwrap();
                assert_eq!(scan_png(&png).unwrap(), vec![text.clone()], "{ecc}");
            }
        }

        #[cfg(feature = "render")]
        #[test]
        fn png_round_trip_byte_mode_and_capacity_edge() {
            let unicode = "EL2:电子证照 licence/ünïcode";
            let qr = QrCode::encode(unicode, EccLevel::M).unwrap();
            assert_eq!(scan_png(&qr.to_png(3).unwrap()).unwrap(), vec![unicode]);
            // Full 13-Q, read back from pixels at 2 px per module.
            let full = base45_text(352, 9);
            let qr = QrCode::encode(&full, EccLevel::Q).unwrap();
            assert_eq!(qr.version(), 13);
            assert_eq!(scan_png(&qr.to_png(2).unwrap()).unwrap(), vec![full]);
        }

        /// Two codes side by side in one luma frame come back left to right.
        #[cfg(feature = "render")]
        #[test]
        fn two_codes_in_image_order() {
            let a = QrCode::encode("EL2:FIRST", EccLevel::Q).unwrap();
            let b = QrCode::encode("EL2:SECOND", EccLevel::Q).unwrap();
            let scale = 4;
            let cell = (a.size().max(b.size()) + 8) * scale;
            let (w, h) = (2 * cell, cell);
            let mut px = vec![255u8; w * h];
            for (i, qr) in [&a, &b].into_iter().enumerate() {
                for y in 0..qr.size() * scale {
                    for x in 0..qr.size() * scale {
                        if qr.is_dark(x / scale, y / scale) {
                            px[(y + 4 * scale) * w + i * cell + x + 4 * scale] = 0;
                        }
                    }
                }
            }
            assert_eq!(
                scan_luma(w, h, &px).unwrap(),
                vec!["EL2:FIRST", "EL2:SECOND"]
            );
        }

        /// PNGs in other colour types / bit depths / interlacing decode too.
        #[cfg(feature = "render")]
        #[test]
        fn png_formats_are_normalised() {
            let text = "EL2:FORMATS";
            let qr = QrCode::encode(text, EccLevel::Q).unwrap();
            let scale = 3usize;
            let side = (qr.size() + 8) * scale;
            let dark = |x: usize, y: usize| qr.is_dark_with_margin(x / scale, y / scale, 4);
            let encode = |colour: png::ColorType, depth: png::BitDepth, data: Vec<u8>| {
                let mut out = Vec::new();
                let mut enc = png::Encoder::new(&mut out, side as u32, side as u32);
                enc.set_color(colour);
                enc.set_depth(depth);
                if colour == png::ColorType::Indexed {
                    enc.set_palette(vec![0, 0, 0, 255, 255, 255]);
                }
                let mut w = enc.write_header().unwrap();
                w.write_image_data(&data).unwrap();
                w.finish().unwrap();
                out
            };
            let mut cases = Vec::new();
            // RGBA with a transparent background: composited over white.
            let mut rgba = Vec::new();
            for y in 0..side {
                for x in 0..side {
                    rgba.extend_from_slice(if dark(x, y) {
                        &[20, 30, 90, 255]
                    } else {
                        &[0, 0, 0, 0]
                    });
                }
            }
            cases.push(encode(png::ColorType::Rgba, png::BitDepth::Eight, rgba));
            // 16-bit grey.
            let mut g16 = Vec::new();
            for y in 0..side {
                for x in 0..side {
                    g16.extend_from_slice(if dark(x, y) { &[0, 0] } else { &[255, 255] });
                }
            }
            cases.push(encode(
                png::ColorType::Grayscale,
                png::BitDepth::Sixteen,
                g16,
            ));
            // 1-bit palette (black, white).
            let mut pal = Vec::new();
            for y in 0..side {
                let mut byte = 0u8;
                for x in 0..side {
                    if !dark(x, y) {
                        byte |= 0x80 >> (x % 8);
                    }
                    if x % 8 == 7 || x == side - 1 {
                        pal.push(byte);
                        byte = 0;
                    }
                }
            }
            cases.push(encode(png::ColorType::Indexed, png::BitDepth::One, pal));
            for (i, png) in cases.iter().enumerate() {
                assert_eq!(scan_png(png).unwrap(), vec![text], "case {i}");
            }
        }

        /// Paints `qr` into a luma frame of width `w` at (`x0`, `y0`) with
        /// `scale` pixels per module (quiet zone not drawn: the frame is
        /// white).
        #[cfg(feature = "render")]
        fn paint(px: &mut [u8], w: usize, qr: &QrCode, x0: usize, y0: usize, scale: usize) {
            for y in 0..qr.size() * scale {
                for x in 0..qr.size() * scale {
                    if qr.is_dark(x / scale, y / scale) {
                        px[(y0 + y) * w + x0 + x] = 0;
                    }
                }
            }
        }

        /// A decompression bomb: a 30,000 × 30,000 PNG header over a tiny
        /// body is refused from its header.
        #[test]
        fn png_bomb_is_refused_from_its_header() {
            let mut png = png_of(1, 1, png::ColorType::Grayscale, 0);
            patch_ihdr(&mut png, 30_000, 30_000);
            assert!(png.len() < 100);
            let err = scan_image(&png).unwrap_err();
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
        fn files_over_the_byte_limit_are_refused_unread() {
            let mut big = vec![0u8; MAX_IMAGE_BYTES + 1];
            big[..8].copy_from_slice(b"\x89PNG\r\n\x1a\n");
            let err = scan_image(&big).unwrap_err();
            assert_eq!(
                err,
                QrError::ImageFileTooLarge {
                    len: MAX_IMAGE_BYTES + 1,
                    max: MAX_IMAGE_BYTES
                }
            );
            assert_eq!(err.reason(), ReasonCode::InputTooLarge);
        }

        #[test]
        fn degenerate_sizes() {
            assert!(matches!(
                LumaImage::new(0, 0, Vec::new()),
                Err(QrError::ImageUnreadable(_))
            ));
            assert!(matches!(
                LumaImage::from_rgba(0, 7, &[]),
                Err(QrError::ImageUnreadable(_))
            ));
            for (w, h) in [(1, 1), (1, 500), (500, 1), (2, 3000), (3000, 2)] {
                assert_eq!(
                    scan_luma(w, h, &vec![0; w * h]),
                    Err(QrError::NoCodeFound),
                    "{w}×{h}"
                );
                let png = png_of(w as u32, h as u32, png::ColorType::Rgb, 77);
                assert_eq!(scan_image(&png), Err(QrError::NoCodeFound), "{w}×{h}");
            }
            assert_eq!(
                LumaImage::from_rgba(2, 2, &[0; 15]),
                Err(QrError::PixelCountMismatch {
                    expected: 16,
                    actual: 15
                })
            );
        }

        #[test]
        fn image_format_sniffing() {
            assert_eq!(
                ImageFormat::sniff(b"\x89PNG\r\n\x1a\nrest"),
                Some(ImageFormat::Png)
            );
            assert_eq!(
                ImageFormat::sniff(&[0xFF, 0xD8, 0xFF, 0xE0]),
                Some(ImageFormat::Jpeg)
            );
            assert_eq!(ImageFormat::sniff(b"GIF89a"), None);
            assert_eq!(ImageFormat::sniff(&[0xFF, 0xD8]), None);
            assert_eq!(
                scan_image(b"GIF89a\x01\x00\x01\x00"),
                Err(QrError::ImageUnreadable(
                    "not a PNG or JPEG image".to_owned()
                ))
            );
        }

        /// RGBA frames (a browser canvas) are composited over white.
        #[cfg(feature = "render")]
        #[test]
        fn rgba_frames_scan() {
            let text = "EL2:RGBA";
            let qr = QrCode::encode(text, EccLevel::Q).unwrap();
            let scale = 4;
            let side = (qr.size() + 8) * scale;
            let mut rgba = Vec::with_capacity(side * side * 4);
            for y in 0..side {
                for x in 0..side {
                    let dark = qr.is_dark_with_margin(x / scale, y / scale, 4);
                    // Dark modules opaque navy, light ones fully transparent.
                    rgba.extend_from_slice(if dark {
                        &[10, 20, 80, 255]
                    } else {
                        &[0, 0, 0, 0]
                    });
                }
            }
            assert_eq!(scan_rgba(side, side, &rgba).unwrap(), vec![text]);
            let luma = LumaImage::from_rgba(side, side, &rgba).unwrap();
            assert_eq!(luma.pixels()[0], 255);
            // (299·10 + 587·20 + 114·80) / 1000 = 24.35.
            assert_eq!(luma.pixels()[(4 * scale) * side + 4 * scale], 24);
        }

        /// Light modules on a dark background, and a low-contrast grey code.
        #[cfg(feature = "render")]
        #[test]
        fn inverted_and_low_contrast_codes() {
            let text = el1_text(150, 3);
            let qr = QrCode::encode(&text, EccLevel::Q).unwrap();
            let scale = 3;
            let side = (qr.size() + 8) * scale;
            let mut px = vec![255u8; side * side];
            paint(&mut px, side, &qr, 4 * scale, 4 * scale, scale);
            let inverted: Vec<u8> = px.iter().map(|p| 255 - p).collect();
            assert_eq!(
                scan_luma(side, side, &inverted).unwrap(),
                vec![text.clone()]
            );
            let grey: Vec<u8> = px.iter().map(|&p| if p == 0 { 120 } else { 160 }).collect();
            assert_eq!(scan_luma(side, side, &grey).unwrap(), vec![text]);
        }

        /// A code seen from the back of a transparency (mirrored), and
        /// turned by 90°, reads the same.
        #[cfg(feature = "render")]
        #[test]
        fn mirrored_and_turned_codes() {
            let text = el1_text(100, 5);
            let qr = QrCode::encode(&text, EccLevel::Q).unwrap();
            let scale = 3;
            let side = (qr.size() + 8) * scale;
            let module = |x: usize, y: usize| {
                if qr.is_dark_with_margin(x / scale, y / scale, 4) {
                    0u8
                } else {
                    255
                }
            };
            let mirrored: Vec<u8> = (0..side * side)
                .map(|i| module(side - 1 - i % side, i / side))
                .collect();
            assert_eq!(
                scan_luma(side, side, &mirrored).unwrap(),
                vec![text.clone()]
            );
            let turned: Vec<u8> = (0..side * side)
                .map(|i| module(i / side, side - 1 - i % side))
                .collect();
            assert_eq!(scan_luma(side, side, &turned).unwrap(), vec![text]);
        }

        /// A code whose bytes are not UTF-8 is read (as the decoder's best
        /// guess at their character set), never a panic or an error.
        #[cfg(feature = "render")]
        #[test]
        fn non_utf8_byte_mode_code() {
            let bytes: Vec<u8> = (0..60u8).map(|i| 0x80 | i.wrapping_mul(37)).collect();
            assert!(std::str::from_utf8(&bytes).is_err());
            let qr = fast_qr::QRBuilder::new(bytes.clone())
                .ecl(fast_qr::ECL::Q)
                .mode(fast_qr::Mode::Byte)
                .build()
                .unwrap();
            let scale = 4;
            let n = qr.size;
            let side = (n + 8) * scale;
            let mut px = vec![255u8; side * side];
            for y in 0..n * scale {
                for x in 0..n * scale {
                    if qr.data[(y / scale) * n + x / scale].value() {
                        px[(y + 4 * scale) * side + x + 4 * scale] = 0;
                    }
                }
            }
            let texts = scan_luma(side, side, &px).unwrap();
            assert_eq!(texts.len(), 1);
            assert!(!texts[0].starts_with("EL2:"));
            assert!(!texts[0].is_empty());
        }

        /// 500 small codes in one picture: every one comes back, once,
        /// within bounded time.
        #[cfg(feature = "render")]
        #[test]
        fn five_hundred_small_codes() {
            let codes: Vec<QrCode> = (0..500)
                .map(|i| QrCode::encode(&format!("EL2:{i:03}"), EccLevel::L).unwrap())
                .collect();
            let scale = 3;
            let cell = (codes[0].size() + 6) * scale;
            let (cols, rows) = (25, 20);
            let (w, h) = (cols * cell, rows * cell);
            let mut px = vec![255u8; w * h];
            for (i, qr) in codes.iter().enumerate() {
                let (cx, cy) = (i % cols, i / cols);
                paint(
                    &mut px,
                    w,
                    qr,
                    cx * cell + 3 * scale,
                    cy * cell + 3 * scale,
                    scale,
                );
            }
            let start = std::time::Instant::now();
            let texts = scan_luma(w, h, &px).unwrap();
            let elapsed = start.elapsed();
            eprintln!("500 codes in {w}×{h}: {} read in {elapsed:?}", texts.len());
            let mut sorted = texts.clone();
            sorted.sort();
            let want: Vec<String> = (0..500).map(|i| format!("EL2:{i:03}")).collect();
            assert_eq!(sorted, want);
        }

        /// Random bytes after a valid signature and IHDR never panic.
        #[test]
        fn fuzzish_inputs_do_not_panic() {
            let base = png_of(40, 40, png::ColorType::Rgb, 128);
            let mut state = 0x1234_5678_u64;
            for i in 0..300 {
                let mut bytes = base.clone();
                for _ in 0..1 + i % 8 {
                    state = state
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    let pos = (state >> 33) as usize % bytes.len();
                    bytes[pos] = (state >> 20) as u8;
                }
                let cut = (state >> 40) as usize % (bytes.len() + 1);
                let _ = scan_png(&bytes[..cut]);
                let _ = scan_png(&bytes);
            }
        }
    }

    /// Rough timing of an encode of a 350-character text at Q; run with
    /// `cargo test --release --lib qr::tests::timing -- --ignored --nocapture`.
    #[cfg(feature = "render")]
    #[test]
    #[ignore = "timing only"]
    fn timing_encode_350_chars_at_q() {
        let text = el1_text(346, 10);
        let mut times = Vec::new();
        for _ in 0..200 {
            let start = std::time::Instant::now();
            let qr = QrCode::encode(&text, EccLevel::Q).unwrap();
            times.push(start.elapsed());
            assert_eq!(qr.version(), 13);
        }
        times.sort();
        eprintln!(
            "encode 350 chars at Q (version 13): median {:?}, min {:?}, max {:?}",
            times[times.len() / 2],
            times[0],
            times[times.len() - 1]
        );
        #[cfg(feature = "scan")]
        {
            let png = QrCode::encode(&text, EccLevel::Q)
                .unwrap()
                .to_png(4)
                .unwrap();
            let mut scans = Vec::new();
            for _ in 0..20 {
                let start = std::time::Instant::now();
                let found = scan_png(&png).unwrap();
                scans.push(start.elapsed());
                assert_eq!(found, vec![text.clone()]);
            }
            scans.sort();
            eprintln!(
                "scan_png of that code at 4 px/module ({} bytes): median {:?}",
                png.len(),
                scans[scans.len() / 2]
            );
        }
    }
}
