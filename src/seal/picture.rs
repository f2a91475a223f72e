//! Seal pictures: what a seal may show, checked before anyone renders it.
//!
//! A seal carries its picture as SVG or PNG bytes with its printed size in
//! millimetres. Pictures come from seal makers, but a verifier shows them
//! to people, so both kinds are checked when a seal is made and again when
//! it is decoded (docs/FORMAT.md §17.3):
//!
//! * **PNG**: a well-formed PNG (signature, chunk lengths, CRCs, `IHDR`
//!   first, `IEND` last and nothing after), 8-bit or less per sample, not
//!   interlaced, at most [`MAX_PNG_SIDE`] pixels a side and
//!   [`MAX_PNG_PIXELS`] pixels, and image data that inflates to exactly the
//!   size its header declares: a decompression bomb is refused after at
//!   most that many bytes, never expanded further.
//! * **SVG**: well-formed XML in a safe subset, refused (never stripped)
//!   when it leaves it: no DTD, no processing instruction, only the
//!   elements and attributes of [`SVG_ELEMENTS`] and [`SVG_ATTRIBUTES`] —
//!   so no `script`, `style`, `foreignObject`, `image`, `use`, `text` (text
//!   must be vector paths: a verifier never needs a font), no event handler,
//!   no `href` of any kind, and no `(` in any value but `transform` (no
//!   `url(…)`, no CSS function). Such a picture cannot run code or fetch
//!   anything when displayed.

use core::fmt;

use serde::Serialize;

/// Largest picture, in bytes: 256 KiB.
pub const MAX_PICTURE_LEN: usize = 256 << 10;
/// Largest printed width or height of a picture, in millimetres.
pub const MAX_PICTURE_MM: u32 = 500;
/// Most pixels on either side of a PNG picture.
pub const MAX_PNG_SIDE: u32 = 4096;
/// Most pixels of a PNG picture (2048 × 2048).
pub const MAX_PNG_PIXELS: u64 = 2048 * 2048;
/// Most XML nodes of an SVG picture.
pub const MAX_SVG_NODES: u32 = 20_000;

/// The SVG elements a picture may use (SVG namespace only).
pub const SVG_ELEMENTS: &[&str] = &[
    "svg", "g", "path", "circle", "ellipse", "rect", "line", "polyline", "polygon", "title", "desc",
];

/// The attributes a picture's elements may carry (no namespace), besides
/// namespace declarations of the SVG namespace.
pub const SVG_ATTRIBUTES: &[&str] = &[
    "version",
    "width",
    "height",
    "viewBox",
    "preserveAspectRatio",
    "id",
    "d",
    "transform",
    "fill",
    "fill-rule",
    "fill-opacity",
    "stroke",
    "stroke-width",
    "stroke-linejoin",
    "stroke-linecap",
    "stroke-miterlimit",
    "stroke-opacity",
    "opacity",
    "cx",
    "cy",
    "r",
    "rx",
    "ry",
    "x",
    "y",
    "x1",
    "y1",
    "x2",
    "y2",
    "points",
];

const SVG_NS: &str = "http://www.w3.org/2000/svg";

/// The kind of a seal picture.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PictureType {
    /// SVG (image/svg+xml), in the safe subset.
    Svg,
    /// PNG (image/png).
    Png,
}

impl PictureType {
    /// The name on the wire: `svg` or `png`.
    pub const fn as_str(self) -> &'static str {
        match self {
            PictureType::Svg => "svg",
            PictureType::Png => "png",
        }
    }
    /// The type with this wire name.
    pub fn from_name(s: &str) -> Option<Self> {
        match s {
            "svg" => Some(PictureType::Svg),
            "png" => Some(PictureType::Png),
            _ => None,
        }
    }
    /// The media type: `image/svg+xml` or `image/png`.
    pub const fn media_type(self) -> &'static str {
        match self {
            PictureType::Svg => "image/svg+xml",
            PictureType::Png => "image/png",
        }
    }
}

impl fmt::Display for PictureType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a picture was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PictureError {
    /// Malformed, too large, or a bomb (`SEAL_PICTURE_INVALID`).
    #[error("the seal picture is invalid: {0}")]
    Invalid(String),
    /// An SVG outside the safe subset (`SEAL_PICTURE_UNSAFE`).
    #[error("the SVG seal picture is refused: {0}")]
    Unsafe(String),
}

impl PictureError {
    /// The stable reason code.
    pub fn reason(&self) -> crate::ReasonCode {
        match self {
            PictureError::Invalid(_) => crate::ReasonCode::SealPictureInvalid,
            PictureError::Unsafe(_) => crate::ReasonCode::SealPictureUnsafe,
        }
    }
}

fn invalid(msg: impl Into<String>) -> PictureError {
    PictureError::Invalid(msg.into())
}
fn unsafe_(msg: impl Into<String>) -> PictureError {
    PictureError::Unsafe(msg.into())
}

/// A seal picture: its kind, bytes and printed size, checked.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct Picture {
    #[serde(rename = "type")]
    kind: PictureType,
    #[serde(skip)]
    data: Vec<u8>,
    width_mm: u32,
    height_mm: u32,
}

impl fmt::Debug for Picture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Picture")
            .field("type", &self.kind)
            .field("bytes", &self.data.len())
            .field("width_mm", &self.width_mm)
            .field("height_mm", &self.height_mm)
            .finish()
    }
}

impl Picture {
    /// A picture of `kind` from `data`, printed `width_mm` × `height_mm`
    /// (1 to [`MAX_PICTURE_MM`] each), after the checks of the module
    /// documentation.
    pub fn new(
        kind: PictureType,
        data: Vec<u8>,
        width_mm: u32,
        height_mm: u32,
    ) -> Result<Self, PictureError> {
        for (name, v) in [("width", width_mm), ("height", height_mm)] {
            if !(1..=MAX_PICTURE_MM).contains(&v) {
                return Err(invalid(format!(
                    "its {name} is {v} mm; it must be 1 to {MAX_PICTURE_MM}"
                )));
            }
        }
        check(kind, &data)?;
        Ok(Picture {
            kind,
            data,
            width_mm,
            height_mm,
        })
    }

    /// SVG or PNG.
    pub fn kind(&self) -> PictureType {
        self.kind
    }
    /// The picture's bytes.
    pub fn data(&self) -> &[u8] {
        &self.data
    }
    /// Printed width in millimetres.
    pub fn width_mm(&self) -> u32 {
        self.width_mm
    }
    /// Printed height in millimetres.
    pub fn height_mm(&self) -> u32 {
        self.height_mm
    }
}

/// Checks picture bytes of `kind` (see the module documentation).
pub fn check(kind: PictureType, data: &[u8]) -> Result<(), PictureError> {
    if data.len() > MAX_PICTURE_LEN {
        return Err(invalid(format!(
            "it is {} bytes, over the limit of {MAX_PICTURE_LEN}",
            data.len()
        )));
    }
    match kind {
        PictureType::Png => check_png(data).map(|_| ()),
        PictureType::Svg => check_svg(data),
    }
}

/// CRC-32 (ISO 3309, as PNG uses it), with a table built at compile time.
const CRC_TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut n = 0;
    while n < 256 {
        let mut c = n as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                0xedb8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        table[n] = c;
        n += 1;
    }
    table
};

fn crc32(parts: &[&[u8]]) -> u32 {
    let mut c = 0xffff_ffffu32;
    for part in parts {
        for &b in *part {
            c = CRC_TABLE[((c ^ u32::from(b)) & 0xff) as usize] ^ (c >> 8);
        }
    }
    c ^ 0xffff_ffff
}

/// CRC-32 for the tests, which build PNGs by hand.
#[cfg(test)]
pub(super) fn tests_crc32(parts: &[&[u8]]) -> u32 {
    crc32(parts)
}

const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];

/// Checks a PNG and returns its size in pixels.
pub fn check_png(data: &[u8]) -> Result<(u32, u32), PictureError> {
    let rest = data
        .strip_prefix(&PNG_SIGNATURE)
        .ok_or_else(|| invalid("it does not start with the PNG signature"))?;
    let mut pos = 0usize;
    let mut header: Option<(u32, u32, u64)> = None;
    let mut idat: Vec<u8> = Vec::new();
    let (mut seen_idat, mut idat_ended, mut palette) = (false, false, false);
    loop {
        let chunk = rest.get(pos..).unwrap_or_default();
        if chunk.len() < 12 {
            return Err(invalid("a PNG chunk is truncated, or IEND is missing"));
        }
        let len = u32::from_be_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]) as usize;
        let kind = &chunk[4..8];
        if len > chunk.len() - 12 {
            return Err(invalid("a PNG chunk runs past the end of the data"));
        }
        let body = &chunk[8..8 + len];
        let crc = u32::from_be_bytes([
            chunk[8 + len],
            chunk[9 + len],
            chunk[10 + len],
            chunk[11 + len],
        ]);
        if crc != crc32(&[kind, body]) {
            return Err(invalid(format!(
                "the CRC of the PNG chunk {} is wrong",
                String::from_utf8_lossy(kind)
            )));
        }
        pos += 12 + len;
        if header.is_none() && kind != b"IHDR" {
            return Err(invalid("the first PNG chunk is not IHDR"));
        }
        match kind {
            b"IHDR" if header.is_some() => return Err(invalid("the PNG has two IHDR chunks")),
            b"IHDR" => header = Some(png_header(body)?),
            b"PLTE" => palette = true,
            b"IDAT" => {
                if idat_ended {
                    return Err(invalid("the PNG's IDAT chunks are not consecutive"));
                }
                seen_idat = true;
                // At most the picture's own size: the input is bounded.
                idat.extend_from_slice(body);
            }
            b"IEND" => {
                if len != 0 {
                    return Err(invalid("the PNG's IEND chunk is not empty"));
                }
                if pos != rest.len() {
                    return Err(invalid("bytes follow the PNG's IEND chunk"));
                }
                break;
            }
            _ => {}
        }
        if seen_idat && kind != b"IDAT" {
            idat_ended = true;
        }
    }
    let (width, height, raw_len) = header.ok_or_else(|| invalid("the PNG has no IHDR"))?;
    if !seen_idat {
        return Err(invalid("the PNG has no image data (IDAT)"));
    }
    if data.get(25) == Some(&3) && !palette {
        return Err(invalid("the indexed-colour PNG has no palette (PLTE)"));
    }
    let raw_len = usize::try_from(raw_len).map_err(|_| invalid("the PNG is too large"))?;
    let inflated = crate::envelope::inflate_bounded(&idat, raw_len).map_err(|e| match e {
        crate::envelope::EnvelopeError::ZlibTooLarge => invalid(format!(
            "the PNG's image data inflates past the {raw_len} bytes its header declares (a decompression bomb)"
        )),
        _ => invalid("the PNG's image data is not a valid zlib stream"),
    })?;
    if inflated.len() != raw_len {
        return Err(invalid(format!(
            "the PNG's image data inflates to {} bytes, not the {raw_len} its header declares",
            inflated.len()
        )));
    }
    Ok((width, height))
}

/// Reads IHDR: width, height and the size of the filtered image data.
fn png_header(body: &[u8]) -> Result<(u32, u32, u64), PictureError> {
    let [w0, w1, w2, w3, h0, h1, h2, h3, depth, colour, compression, filter, interlace] = *body
    else {
        return Err(invalid("the PNG's IHDR is not 13 bytes"));
    };
    let width = u32::from_be_bytes([w0, w1, w2, w3]);
    let height = u32::from_be_bytes([h0, h1, h2, h3]);
    if width == 0 || height == 0 {
        return Err(invalid("the PNG has no pixels"));
    }
    if width > MAX_PNG_SIDE
        || height > MAX_PNG_SIDE
        || u64::from(width) * u64::from(height) > MAX_PNG_PIXELS
    {
        return Err(invalid(format!(
            "the PNG is {width} × {height} pixels, over the limit of {MAX_PNG_SIDE} a side and {MAX_PNG_PIXELS} in all"
        )));
    }
    let channels: u64 = match (colour, depth) {
        (0, 1 | 2 | 4 | 8) => 1,
        (3, 1 | 2 | 4 | 8) => 1,
        (2, 8) => 3,
        (4, 8) => 2,
        (6, 8) => 4,
        (_, 16) => return Err(invalid("16-bit PNG pictures are not accepted")),
        _ => {
            return Err(invalid(format!(
                "the PNG's colour type {colour} with bit depth {depth} is not valid"
            )))
        }
    };
    if compression != 0 || filter != 0 {
        return Err(invalid("the PNG's compression or filter method is unknown"));
    }
    match interlace {
        0 => {}
        1 => return Err(invalid("interlaced PNG pictures are not accepted")),
        _ => return Err(invalid("the PNG's interlace method is unknown")),
    }
    let row = (u64::from(width) * channels * u64::from(depth)).div_ceil(8) + 1;
    Ok((width, height, row * u64::from(height)))
}

/// Checks an SVG against the safe subset.
pub fn check_svg(data: &[u8]) -> Result<(), PictureError> {
    let text = core::str::from_utf8(data).map_err(|_| invalid("the SVG is not UTF-8"))?;
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_SVG_NODES,
        ..roxmltree::ParsingOptions::default()
    };
    let doc = roxmltree::Document::parse_with_options(text, options).map_err(|e| match e {
        roxmltree::Error::DtdDetected => unsafe_("it has a DTD (entities are not accepted)"),
        roxmltree::Error::NodesLimitReached => {
            invalid(format!("it has more than {MAX_SVG_NODES} XML nodes"))
        }
        e => invalid(format!("it is not well-formed XML: {e}")),
    })?;
    let root = doc.root_element();
    if root.tag_name().name() != "svg" || root.tag_name().namespace() != Some(SVG_NS) {
        return Err(unsafe_("its root element is not an SVG <svg>"));
    }
    for node in doc.descendants() {
        match node.node_type() {
            roxmltree::NodeType::Root | roxmltree::NodeType::Comment => {}
            roxmltree::NodeType::PI => {
                return Err(unsafe_("it has a processing instruction"));
            }
            roxmltree::NodeType::Text => {
                let parent = node.parent_element().map(|p| p.tag_name().name());
                let in_label = matches!(parent, Some("title" | "desc"));
                if !in_label && !node.text().unwrap_or_default().trim().is_empty() {
                    return Err(unsafe_(
                        "it has text outside <title> and <desc> (text must be drawn as paths)",
                    ));
                }
            }
            roxmltree::NodeType::Element => check_element(node)?,
        }
    }
    Ok(())
}

fn check_element(node: roxmltree::Node<'_, '_>) -> Result<(), PictureError> {
    let tag = node.tag_name();
    if tag.namespace() != Some(SVG_NS) || !SVG_ELEMENTS.contains(&tag.name()) {
        return Err(unsafe_(format!(
            "the element <{}> is not accepted",
            tag.name()
        )));
    }
    for ns in node.namespaces() {
        if ns.uri() != SVG_NS {
            return Err(unsafe_(format!(
                "the namespace {:?} is not accepted",
                ns.uri()
            )));
        }
    }
    for attr in node.attributes() {
        let name = attr.name();
        if attr.namespace().is_some() || !SVG_ATTRIBUTES.contains(&name) {
            return Err(unsafe_(format!(
                "the attribute {name:?} of <{}> is not accepted",
                tag.name()
            )));
        }
        let value = attr.value();
        let allowed = |c: char| {
            if name == "transform" {
                c.is_ascii_alphanumeric() || " \t\r\n.,()+-".contains(c)
            } else {
                c != '(' && !c.is_control() || c == ' ' || c == '\n' || c == '\t' || c == '\r'
            }
        };
        if let Some(c) = value.chars().find(|c| !allowed(*c)) {
            return Err(unsafe_(format!(
                "the attribute {name:?} of <{}> holds the character {c:?}",
                tag.name()
            )));
        }
    }
    Ok(())
}
