//! The generated round red seal, rasterised and checked as a person would
//! look at it: a red ring, a star in the centre, text on the upper arc and
//! below the star, a transparent background.
//!
//! Needs Debian's fonts-noto-cjk (scripts/test.sh installs it) or a CJK
//! font named by ELICENSE_SEAL_FONT. `ELICENSE_WRITE_SEAL_PNG=path` writes
//! the rendered PNG (docs/seal-example.png is made this way).
#![cfg(feature = "seal-picture")]

use elicense::seal::generate::{render_png, round_seal, round_seal_svg, SealDesign, SealFont};
use elicense::seal::picture::{check_svg, PictureType};

const DPI: u32 = 300;

fn font() -> SealFont {
    SealFont::system().unwrap_or_else(|e| {
        panic!("{e}\n(scripts/test.sh installs fonts-noto-cjk: apt-get install fonts-noto-cjk)")
    })
}

struct Raster {
    width: usize,
    rgba: Vec<u8>,
    px_per_mm: f64,
}

impl Raster {
    fn decode(png_bytes: &[u8]) -> Self {
        let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
        let mut reader = decoder.read_info().unwrap();
        let info = reader.info().clone();
        assert_eq!(info.color_type, png::ColorType::Rgba);
        let dims = info.pixel_dims.expect("a pHYs chunk");
        assert_eq!(dims.unit, png::Unit::Meter);
        let mut rgba = vec![0; reader.output_buffer_size().unwrap()];
        reader.next_frame(&mut rgba).unwrap();
        Raster {
            width: info.width as usize,
            rgba,
            px_per_mm: f64::from(dims.xppu) / 1000.0,
        }
    }
    /// The pixel at (x, y) millimetres.
    fn at(&self, x_mm: f64, y_mm: f64) -> [u8; 4] {
        let x = (x_mm * self.px_per_mm) as usize;
        let y = (y_mm * self.px_per_mm) as usize;
        let i = (y * self.width + x) * 4;
        self.rgba[i..i + 4].try_into().unwrap()
    }
    fn pixels(&self) -> impl Iterator<Item = [u8; 4]> + '_ {
        self.rgba.chunks(4).map(|p| p.try_into().unwrap())
    }
}

fn is_red(p: [u8; 4]) -> bool {
    p[3] > 200 && p[0] > 180 && p[1] < 60 && p[2] < 80
}

/// The share of red pixels in the ring between radii `r0` and `r1` (mm)
/// around the centre, over angles `a0`..`a1` (degrees clockwise from the top).
fn red_share(r: &Raster, c: f64, r0: f64, r1: f64, a0: f64, a1: f64) -> f64 {
    let (mut red, mut all) = (0u32, 0u32);
    let mut a = a0;
    while a < a1 {
        let mut rr = r0;
        while rr < r1 {
            let (s, co) = a.to_radians().sin_cos();
            all += 1;
            if is_red(r.at(c + rr * s, c - rr * co)) {
                red += 1;
            }
            rr += 0.1;
        }
        a += 0.5;
    }
    f64::from(red) / f64::from(all)
}

#[test]
fn the_generated_seal_looks_like_an_official_seal() {
    let design = SealDesign::new("上海市市场监督管理局", "行政审批专用章");
    let picture = round_seal(&design, &font()).unwrap();
    assert_eq!(picture.kind(), PictureType::Svg);
    assert_eq!((picture.width_mm(), picture.height_mm()), (42, 42));
    // Self-contained: no text element, no reference, the safe subset.
    let svg = std::str::from_utf8(picture.data()).unwrap();
    assert!(!svg.contains("<text") && !svg.contains("href") && !svg.contains("url("));
    check_svg(picture.data()).unwrap();

    let png_bytes = render_png(&picture, DPI).unwrap();
    if let Some(path) = std::env::var_os("ELICENSE_WRITE_SEAL_PNG") {
        std::fs::write(path, &png_bytes).unwrap();
    }
    let r = Raster::decode(&png_bytes);
    assert_eq!(r.width, 496); // 42 mm at 300 dpi
    let c = 21.0;

    // Transparent background: the corners, and everything outside the ring.
    for (x, y) in [
        (0.3, 0.3),
        (41.6, 0.3),
        (0.3, 41.6),
        (41.6, 41.6),
        (3.0, 3.0),
    ] {
        assert_eq!(r.at(x, y)[3], 0, "({x}, {y}) is not transparent");
    }
    for k in 0..4 {
        let a = (45.0 + 90.0 * f64::from(k)).to_radians();
        let mut rr = 21.2;
        while rr < 29.0 {
            let (x, y) = (c + rr * a.sin(), c - rr * a.cos());
            assert_eq!(r.at(x, y)[3], 0, "({x:.1}, {y:.1}) outside the ring");
            rr += 0.2;
        }
    }

    // The ring: red all the way round at radius 20.3 mm.
    assert!(red_share(&r, c, 20.1, 20.5, 0.0, 360.0) > 0.98);

    // Dominant colour red: nearly every visible pixel is seal red.
    let visible: Vec<[u8; 4]> = r.pixels().filter(|p| p[3] > 200).collect();
    let red = visible.iter().filter(|p| is_red(**p)).count();
    assert!(
        red * 100 / visible.len() >= 95,
        "{red} of {}",
        visible.len()
    );

    // The star: its centre and its five points are red, the notches between
    // the points at the same radius are not.
    assert!(is_red(r.at(c, c)));
    for k in 0..5 {
        let a = f64::from(k) * 72.0;
        let (s, co) = a.to_radians().sin_cos();
        assert!(is_red(r.at(c + 6.0 * s, c - 6.0 * co)), "star point {k}");
        let b = a + 36.0;
        let (s, co) = b.to_radians().sin_cos();
        assert!(!is_red(r.at(c + 6.0 * s, c - 6.0 * co)), "star notch {k}");
    }

    // Text on the upper arc: the band between the star and the ring is well
    // inked over the upper 240°, and empty in the lower gap (where the arc
    // ends) except for the purpose line.
    let upper = red_share(&r, c, 13.0, 18.6, -110.0, 110.0);
    assert!(upper > 0.15, "upper arc ink {upper}");
    let gap = red_share(&r, c, 16.5, 18.6, 150.0, 210.0);
    assert!(gap < 0.01, "lower arc ink {gap}");
    // Each of the ten characters inks its own sector of the arc.
    let step = 25.0;
    for i in 0..10 {
        let a = -125.0 + step * (f64::from(i) + 0.5);
        let share = red_share(&r, c, 13.0, 18.6, a - 8.0, a + 8.0);
        assert!(share > 0.1, "character {i} at {a}°: {share}");
    }
    // The purpose line below the star: inked in a horizontal band.
    let (mut ink, mut all) = (0, 0);
    let mut x = 10.0;
    while x < 32.0 {
        let mut y = 29.0;
        while y < 33.5 {
            all += 1;
            if is_red(r.at(x, y)) {
                ink += 1;
            }
            y += 0.1;
        }
        x += 0.1;
    }
    assert!(ink * 100 / all > 15, "purpose line ink {ink} of {all}");
}

#[test]
fn long_names_are_squeezed_onto_the_arc_and_bad_designs_refused() {
    let f = font();
    let long = "广东省广州市天河区人民政府政务服务数据管理局";
    let svg = round_seal_svg(&SealDesign::new(long, "合同专用章"), &f).unwrap();
    check_svg(&svg).unwrap();
    assert_eq!(
        svg.windows(5).filter(|w| w == b"<path").count(),
        long.chars().count() + "合同专用章".chars().count() + 1 // + the star
    );
    for design in [
        SealDesign::new("", "x"),
        SealDesign::new("甲".repeat(25), ""),
        SealDesign::new("上海<script>", ""),
        SealDesign {
            diameter_mm: 10,
            ..SealDesign::new("上海", "")
        },
    ] {
        assert_eq!(
            round_seal_svg(&design, &f).unwrap_err().reason(),
            elicense::ReasonCode::InvalidArgument
        );
    }
}
