//! The round red organisation seal, drawn as SVG, and seal pictures
//! rendered as PNG (feature `seal-picture`, native only).
//!
//! [`round_seal_svg`] draws the familiar official seal (docs/FORMAT.md
//! §17.4): a red ring, the owner's name along the upper arc with each
//! character facing the centre, a five-pointed star in the centre, and the
//! seal's purpose (e.g. 行政审批专用章) in a line below it; 42 mm across by
//! default, in #E60012, on a transparent background. The proportions follow
//! common practice for 42 mm official seals (star about 14 mm across, ring
//! about 1.2 mm wide), scaled with the diameter.
//!
//! Every character becomes vector paths read from a CJK font file
//! ([`SealFont`]), so the SVG is self-contained: a verifier shows it without
//! any font, and the picture passes the safe subset of [`super::picture`].
//! The scripts install Debian's `fonts-noto-cjk` and use Noto Serif CJK SC
//! Bold (a Song typeface, as official seals use) from it; that font is
//! under the SIL Open Font License 1.1, which allows its glyphs to be
//! embedded in documents, as outlines here. No font file is part of this
//! repository.
//!
//! [`render_png`] rasterises a picture with resvg at a given resolution and
//! writes a PNG whose `pHYs` chunk keeps the printed size.

use std::path::Path;

use super::picture::{check, Picture, PictureType};

/// Where Debian's `fonts-noto-cjk` puts Noto Serif CJK Bold.
pub const DEFAULT_FONT_PATH: &str = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc";
/// The environment variable that names another font file.
pub const FONT_ENV: &str = "ELICENSE_SEAL_FONT";
/// The face chosen in a font collection when it has one of this family.
pub const PREFERRED_FAMILY: &str = "Noto Serif CJK SC";
/// The default diameter, millimetres.
pub const DEFAULT_DIAMETER_MM: u32 = 42;
/// The default colour: the red of Chinese official seals.
pub const DEFAULT_COLOUR: [u8; 3] = [0xE6, 0x00, 0x12];
/// Largest font file read: 64 MiB.
pub const MAX_FONT_LEN: u64 = 64 << 20;
/// Most characters of the owner's name.
pub const MAX_NAME_CHARS: usize = 24;
/// Most characters of the purpose line.
pub const MAX_PURPOSE_CHARS: usize = 12;
/// Highest resolution [`render_png`] accepts, dots per inch.
pub const MAX_DPI: u32 = 1200;

/// Errors drawing or rendering a seal picture.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GenerateError {
    /// The font file could not be read or is not a font (`INVALID_ARGUMENT`).
    #[error("the seal font {path}: {message} (install Debian's fonts-noto-cjk, or name a CJK font file in ELICENSE_SEAL_FONT)")]
    Font {
        /// The file.
        path: String,
        /// What went wrong.
        message: String,
    },
    /// The font has no glyph for a character (`INVALID_ARGUMENT`).
    #[error("the seal font has no glyph for {0:?}")]
    MissingGlyph(char),
    /// The design is not drawable: empty or too long a name, a diameter out
    /// of range (`INVALID_ARGUMENT`).
    #[error("the seal design is invalid: {0}")]
    Design(String),
    /// The picture cannot be rendered (`SEAL_PICTURE_INVALID`).
    #[error("the seal picture cannot be rendered: {0}")]
    Render(String),
}

impl GenerateError {
    /// The stable reason code.
    pub fn reason(&self) -> crate::ReasonCode {
        match self {
            GenerateError::Render(_) => crate::ReasonCode::SealPictureInvalid,
            _ => crate::ReasonCode::InvalidArgument,
        }
    }
}

/// A CJK font to draw seal text with: the file's bytes and the face chosen.
pub struct SealFont {
    data: Vec<u8>,
    index: u32,
    family: String,
}

impl core::fmt::Debug for SealFont {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SealFont")
            .field("family", &self.family)
            .field("index", &self.index)
            .field("bytes", &self.data.len())
            .finish()
    }
}

impl SealFont {
    /// The font named by `ELICENSE_SEAL_FONT`, else [`DEFAULT_FONT_PATH`].
    pub fn system() -> Result<Self, GenerateError> {
        match std::env::var_os(FONT_ENV) {
            Some(p) => Self::from_file(Path::new(&p)),
            None => Self::from_file(Path::new(DEFAULT_FONT_PATH)),
        }
    }

    /// A font file (TrueType, OpenType or a collection; in a collection
    /// the face of [`PREFERRED_FAMILY`], else the first).
    pub fn from_file(path: &Path) -> Result<Self, GenerateError> {
        let err = |message: String| GenerateError::Font {
            path: path.display().to_string(),
            message,
        };
        let len = std::fs::metadata(path)
            .map_err(|e| err(e.to_string()))?
            .len();
        if len > MAX_FONT_LEN {
            return Err(err(format!("larger than {MAX_FONT_LEN} bytes")));
        }
        let data = std::fs::read(path).map_err(|e| err(e.to_string()))?;
        Self::from_bytes(data).map_err(|e| match e {
            GenerateError::Font { message, .. } => err(message),
            other => other,
        })
    }

    /// A font from its bytes.
    pub fn from_bytes(data: Vec<u8>) -> Result<Self, GenerateError> {
        let err = |message: &str| GenerateError::Font {
            path: "(bytes)".into(),
            message: message.into(),
        };
        let count = ttf_parser::fonts_in_collection(&data).unwrap_or(1);
        let mut chosen = None;
        for index in 0..count {
            let Ok(face) = ttf_parser::Face::parse(&data, index) else {
                continue;
            };
            let family = face
                .names()
                .into_iter()
                .filter(|n| n.name_id == ttf_parser::name_id::FAMILY)
                .find_map(|n| n.to_string())
                .unwrap_or_default();
            let preferred = family == PREFERRED_FAMILY;
            if chosen.is_none() || preferred {
                chosen = Some((index, family));
            }
            if preferred {
                break;
            }
        }
        let (index, family) = chosen.ok_or_else(|| err("not a font file ttf-parser reads"))?;
        Ok(SealFont {
            data,
            index,
            family,
        })
    }

    /// The family of the face chosen.
    pub fn family(&self) -> &str {
        &self.family
    }

    fn face(&self) -> ttf_parser::Face<'_> {
        ttf_parser::Face::parse(&self.data, self.index).expect("parsed when the font was loaded")
    }
}

/// What the generated seal says and how it looks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SealDesign {
    /// The owner's name, along the upper arc (1 to 24 characters).
    pub owner_name: String,
    /// The seal's purpose below the star, e.g. "行政审批专用章" (0 to 12
    /// characters; empty for none).
    pub purpose: String,
    /// Diameter in millimetres (20 to 100; 42 by default).
    pub diameter_mm: u32,
    /// The colour.
    pub colour: [u8; 3],
}

impl SealDesign {
    /// A 42 mm red seal for `owner_name` with `purpose` below the star.
    pub fn new(owner_name: impl Into<String>, purpose: impl Into<String>) -> Self {
        SealDesign {
            owner_name: owner_name.into(),
            purpose: purpose.into(),
            diameter_mm: DEFAULT_DIAMETER_MM,
            colour: DEFAULT_COLOUR,
        }
    }
}

/// A number in millimetres as the SVG writes it: two decimals at most.
fn num(out: &mut String, v: f64) {
    use std::fmt::Write as _;
    let r = (v * 100.0).round() / 100.0;
    let r = if r == 0.0 { 0.0 } else { r }; // no "-0"
    let _ = write!(out, "{r}");
}

/// Writes a glyph's outline as SVG path data through an affine map.
struct PathWriter<'a, F: Fn(f32, f32) -> (f64, f64)> {
    out: &'a mut String,
    map: F,
}

impl<F: Fn(f32, f32) -> (f64, f64)> PathWriter<'_, F> {
    fn point(&mut self, x: f32, y: f32) {
        let (x, y) = (self.map)(x, y);
        num(self.out, x);
        self.out.push(' ');
        num(self.out, y);
    }
}

impl<F: Fn(f32, f32) -> (f64, f64)> ttf_parser::OutlineBuilder for PathWriter<'_, F> {
    fn move_to(&mut self, x: f32, y: f32) {
        self.out.push('M');
        self.point(x, y);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.out.push('L');
        self.point(x, y);
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        self.out.push('Q');
        self.point(x1, y1);
        self.out.push(' ');
        self.point(x, y);
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        self.out.push('C');
        self.point(x1, y1);
        self.out.push(' ');
        self.point(x2, y2);
        self.out.push(' ');
        self.point(x, y);
    }
    fn close(&mut self) {
        self.out.push('Z');
    }
}

/// One character placed on the seal: its em box centred at (`cx`, `cy`),
/// `size` mm high, squeezed to `x_scale` of its width, turned `angle`
/// radians clockwise (its top pointing away from the centre on the arc).
struct Placement {
    c: char,
    cx: f64,
    cy: f64,
    size: f64,
    x_scale: f64,
    angle: f64,
}

fn glyph_path(
    face: &ttf_parser::Face<'_>,
    p: &Placement,
    fill: &str,
    out: &mut String,
) -> Result<(), GenerateError> {
    let gid = face
        .glyph_index(p.c)
        .filter(|g| g.0 != 0)
        .ok_or(GenerateError::MissingGlyph(p.c))?;
    let upem = f64::from(face.units_per_em());
    let advance = f64::from(face.glyph_hor_advance(gid).unwrap_or(face.units_per_em()));
    // The ideographic em box: OS/2 typographic ascender and descender
    // (880 and -120 in Noto CJK), else hhea's.
    let (asc, desc) = match (face.typographic_ascender(), face.typographic_descender()) {
        (Some(a), Some(d)) => (f64::from(a), f64::from(d)),
        _ => (f64::from(face.ascender()), f64::from(face.descender())),
    };
    let (mid_x, mid_y) = (advance / 2.0, (asc + desc) / 2.0);
    let scale = p.size / upem;
    let (sin, cos) = p.angle.sin_cos();
    let mut path = String::new();
    let map = |u: f32, v: f32| {
        let lx = (f64::from(u) - mid_x) * scale * p.x_scale;
        let ly = -(f64::from(v) - mid_y) * scale;
        (p.cx + lx * cos - ly * sin, p.cy + lx * sin + ly * cos)
    };
    let mut writer = PathWriter {
        out: &mut path,
        map,
    };
    if face.outline_glyph(gid, &mut writer).is_none() {
        // A glyph without an outline (a space): nothing to draw.
        return Ok(());
    }
    out.push_str("<path fill=\"");
    out.push_str(fill);
    out.push_str("\" d=\"");
    out.push_str(&path);
    out.push_str("\"/>\n");
    Ok(())
}

/// Draws the round red organisation seal as SVG (see the module
/// documentation). The result passes [`super::picture::check_svg`].
pub fn round_seal_svg(design: &SealDesign, font: &SealFont) -> Result<Vec<u8>, GenerateError> {
    let name: Vec<char> = design.owner_name.trim().chars().collect();
    let purpose: Vec<char> = design.purpose.trim().chars().collect();
    if name.is_empty() || name.len() > MAX_NAME_CHARS {
        return Err(GenerateError::Design(format!(
            "the owner's name has {} characters; it must have 1 to {MAX_NAME_CHARS}",
            name.len()
        )));
    }
    if purpose.len() > MAX_PURPOSE_CHARS {
        return Err(GenerateError::Design(format!(
            "the purpose has {} characters; it may have at most {MAX_PURPOSE_CHARS}",
            purpose.len()
        )));
    }
    if let Some(c) = name
        .iter()
        .chain(&purpose)
        .find(|c| c.is_control() || matches!(**c, '<' | '>' | '&' | '"'))
    {
        return Err(GenerateError::Design(format!(
            "the character {c:?} cannot be drawn on a seal"
        )));
    }
    if !(20..=100).contains(&design.diameter_mm) {
        return Err(GenerateError::Design(format!(
            "the diameter is {} mm; it must be 20 to 100",
            design.diameter_mm
        )));
    }
    let face = font.face();
    let d = f64::from(design.diameter_mm);
    let k = d / 42.0; // proportions are those of a 42 mm seal
    let c = d / 2.0;
    let [r, g, b] = design.colour;
    let fill = format!("#{r:02X}{g:02X}{b:02X}");
    let mut svg = String::with_capacity(64 * 1024);
    svg.push_str("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"");
    num(&mut svg, d);
    svg.push_str("mm\" height=\"");
    num(&mut svg, d);
    svg.push_str("mm\" viewBox=\"0 0 ");
    num(&mut svg, d);
    svg.push(' ');
    num(&mut svg, d);
    svg.push_str("\">\n<title>");
    svg.extend(name.iter());
    if !purpose.is_empty() {
        svg.push(' ');
        svg.extend(purpose.iter());
    }
    svg.push_str("</title>\n");
    // The ring.
    let ring = 1.2 * k;
    let ring_r = c - ring / 2.0 - 0.1 * k;
    svg.push_str("<circle cx=\"");
    num(&mut svg, c);
    svg.push_str("\" cy=\"");
    num(&mut svg, c);
    svg.push_str("\" r=\"");
    num(&mut svg, ring_r);
    svg.push_str("\" fill=\"none\" stroke=\"");
    svg.push_str(&fill);
    svg.push_str("\" stroke-width=\"");
    num(&mut svg, ring);
    svg.push_str("\"/>\n");
    // The star: five points, 14 mm across on a 42 mm seal.
    let outer = 7.0 * k;
    let inner = outer * 0.381_966; // (3 - √5) / 2: the regular star's ratio
    svg.push_str("<path fill=\"");
    svg.push_str(&fill);
    svg.push_str("\" d=\"");
    for i in 0..10 {
        let radius = if i % 2 == 0 { outer } else { inner };
        let a = std::f64::consts::PI / 5.0 * f64::from(i);
        svg.push(if i == 0 { 'M' } else { 'L' });
        num(&mut svg, c + radius * a.sin());
        svg.push(' ');
        num(&mut svg, c - radius * a.cos());
    }
    svg.push_str("Z\"/>\n");
    // The owner's name along the upper arc, each character facing the centre.
    let size = 6.6 * k;
    let text_r = c - ring - 0.9 * k - size / 2.0;
    let natural = (size * 1.08) / text_r; // radians per character, unsqueezed
    let max_span = 250f64.to_radians();
    let n = name.len() as f64;
    let (step, x_scale) = if natural * n <= max_span {
        (natural, 1.0)
    } else {
        (max_span / n, (max_span / n) / natural)
    };
    // Short names still spread over a pleasing arc: at least 150°.
    let step = if n > 1.0 {
        step.max(150f64.to_radians().min(max_span) / n)
    } else {
        step
    };
    let span = step * n;
    for (i, ch) in name.iter().enumerate() {
        let angle = -span / 2.0 + step * (i as f64 + 0.5);
        glyph_path(
            &face,
            &Placement {
                c: *ch,
                cx: c + text_r * angle.sin(),
                cy: c - text_r * angle.cos(),
                size,
                x_scale,
                angle,
            },
            &fill,
            &mut svg,
        )?;
    }
    // The purpose, in a line below the star.
    if !purpose.is_empty() {
        let size = 4.6 * k;
        let y = c + 10.2 * k;
        let inner_r = c - ring - 0.9 * k;
        let half_chord = (inner_r * inner_r - (y - c + size / 2.0).powi(2)).sqrt();
        let m = purpose.len() as f64;
        let width = (2.0 * half_chord * 0.86).min(size * m);
        let cell = width / m;
        let x_scale = (cell / size).min(1.0);
        for (i, ch) in purpose.iter().enumerate() {
            glyph_path(
                &face,
                &Placement {
                    c: *ch,
                    cx: c - width / 2.0 + cell * (i as f64 + 0.5),
                    cy: y,
                    size,
                    x_scale,
                    angle: 0.0,
                },
                &fill,
                &mut svg,
            )?;
        }
    }
    svg.push_str("</svg>\n");
    let bytes = svg.into_bytes();
    check(PictureType::Svg, &bytes).map_err(|e| GenerateError::Render(e.to_string()))?;
    Ok(bytes)
}

/// The generated seal as a [`Picture`] (SVG, `diameter_mm` square).
pub fn round_seal(design: &SealDesign, font: &SealFont) -> Result<Picture, GenerateError> {
    let svg = round_seal_svg(design, font)?;
    Picture::new(
        PictureType::Svg,
        svg,
        design.diameter_mm,
        design.diameter_mm,
    )
    .map_err(|e| GenerateError::Render(e.to_string()))
}

/// Renders a picture as PNG at `dpi` dots per inch (72 to [`MAX_DPI`]),
/// with a `pHYs` chunk that keeps its printed size. An SVG picture is
/// checked against the safe subset first and rasterised by resvg on a
/// transparent background; a PNG picture is returned as it is.
pub fn render_png(picture: &Picture, dpi: u32) -> Result<Vec<u8>, GenerateError> {
    if picture.kind() == PictureType::Png {
        return Ok(picture.data().to_vec());
    }
    if !(72..=MAX_DPI).contains(&dpi) {
        return Err(GenerateError::Design(format!(
            "the resolution is {dpi} dpi; it must be 72 to {MAX_DPI}"
        )));
    }
    check(PictureType::Svg, picture.data()).map_err(|e| GenerateError::Render(e.to_string()))?;
    let render = |e: &dyn std::fmt::Display| GenerateError::Render(e.to_string());
    let tree = resvg::usvg::Tree::from_data(picture.data(), &resvg::usvg::Options::default())
        .map_err(|e| render(&e))?;
    let px = |mm: u32| ((f64::from(mm) / 25.4 * f64::from(dpi)).round() as u32).max(1);
    let (w, h) = (px(picture.width_mm()), px(picture.height_mm()));
    let mut pixmap = resvg::tiny_skia::Pixmap::new(w, h)
        .ok_or_else(|| GenerateError::Render("the picture is too large to render".into()))?;
    let size = tree.size();
    let transform =
        resvg::tiny_skia::Transform::from_scale(w as f32 / size.width(), h as f32 / size.height());
    resvg::render(&tree, transform, &mut pixmap.as_mut());
    let mut rgba = Vec::with_capacity((w * h * 4) as usize);
    for p in pixmap.pixels() {
        let c = p.demultiply();
        rgba.extend_from_slice(&[c.red(), c.green(), c.blue(), c.alpha()]);
    }
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, w, h);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        let per_metre = (f64::from(dpi) / 0.0254).round() as u32;
        encoder.set_pixel_dims(Some(png::PixelDimensions {
            xppu: per_metre,
            yppu: per_metre,
            unit: png::Unit::Meter,
        }));
        let mut writer = encoder.write_header().map_err(|e| render(&e))?;
        writer.write_image_data(&rgba).map_err(|e| render(&e))?;
    }
    Ok(out)
}
