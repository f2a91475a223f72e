//! Unit tests of the seal model and its pictures.

use super::picture::{check, check_png, check_svg, PictureError, PictureType};
use super::verify::data_uri;
use super::*;
use crate::ReasonCode;

/// A PNG built by hand: `width` × `height`, RGBA 8-bit, image data `idat`
/// (a zlib stream), with correct CRCs.
fn png(width: u32, height: u32, idat: &[u8]) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], body: &[u8]) {
        out.extend_from_slice(&(body.len() as u32).to_be_bytes());
        out.extend_from_slice(kind);
        out.extend_from_slice(body);
        out.extend_from_slice(&super::picture::tests_crc32(&[kind, body]).to_be_bytes());
    }
    let mut out = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", idat);
    chunk(&mut out, b"IEND", &[]);
    out
}

fn raw(width: u32, height: u32) -> Vec<u8> {
    vec![0u8; (height * (1 + 4 * width)) as usize]
}

#[test]
fn crc32_of_iend_is_the_known_value() {
    // Every PNG ends with IEND and this CRC.
    assert_eq!(super::picture::tests_crc32(&[b"IEND", &[]]), 0xae42_6082);
}

#[test]
fn a_well_formed_png_passes_and_gives_its_size() {
    let idat = miniz_oxide::deflate::compress_to_vec_zlib(&raw(3, 2), 6);
    assert_eq!(check_png(&png(3, 2, &idat)), Ok((3, 2)));
}

#[test]
fn a_png_bomb_is_refused_without_expanding_it() {
    // The header says 16 × 16, the data inflates to 16 MiB of zeros.
    let bomb = miniz_oxide::deflate::compress_to_vec_zlib(&vec![0u8; 16 << 20], 10);
    assert!(bomb.len() < 64 << 10);
    let e = check(PictureType::Png, &png(16, 16, &bomb)).unwrap_err();
    assert_eq!(e.reason(), ReasonCode::SealPictureInvalid);
    assert!(e.to_string().contains("decompression bomb"), "{e}");
}

#[test]
fn pngs_outside_the_limits_are_refused() {
    let idat = miniz_oxide::deflate::compress_to_vec_zlib(&raw(1, 1), 6);
    // Too many pixels declared (the data is never inflated that far).
    let e = check_png(&png(4096, 4096, &idat)).unwrap_err();
    assert!(e.to_string().contains("over the limit"), "{e}");
    // Too little data for the header.
    let e = check_png(&png(2, 2, &idat)).unwrap_err();
    assert!(e.to_string().contains("not the"), "{e}");
    // A flipped byte breaks a CRC.
    let mut bad = png(1, 1, &idat);
    bad[20] ^= 1;
    assert!(check_png(&bad).unwrap_err().to_string().contains("CRC"));
    // Truncated, and trailing bytes.
    let good = png(1, 1, &idat);
    assert!(check_png(&good[..good.len() - 1]).is_err());
    let mut trailing = good.clone();
    trailing.push(0);
    assert!(check_png(&trailing)
        .unwrap_err()
        .to_string()
        .contains("follow"));
    assert!(check_png(b"GIF89a").is_err());
}

const OK_SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="42mm" height="42mm" viewBox="0 0 42 42"><title>章</title><circle cx="21" cy="21" r="20" fill="none" stroke="#E60012" stroke-width="1.2"/><path fill="#E60012" d="M1 1L2 2Z" transform="rotate(30 21 21)"/></svg>"##;

#[test]
fn the_safe_svg_subset_passes() {
    assert_eq!(check_svg(OK_SVG.as_bytes()), Ok(()));
}

#[test]
fn unsafe_svgs_are_refused_with_their_code() {
    let cases = [
        // A script.
        r#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#,
        // An event handler.
        r#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>"#,
        // External references.
        r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><image xlink:href="http://example.invalid/x.png"/></svg>"#,
        r#"<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1" fill="url(http://example.invalid/#p)"/></svg>"#,
        // CSS.
        r#"<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(x.css);</style></svg>"#,
        r#"<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:red"/></svg>"#,
        // Text that would need a font.
        r#"<svg xmlns="http://www.w3.org/2000/svg"><text>上海</text></svg>"#,
        // A DTD (entity expansion).
        r#"<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg"/>"#,
        // A stylesheet processing instruction.
        r#"<?xml-stylesheet href="x.css"?><svg xmlns="http://www.w3.org/2000/svg"/>"#,
        // foreignObject, use.
        r#"<svg xmlns="http://www.w3.org/2000/svg"><foreignObject/></svg>"#,
        r##"<svg xmlns="http://www.w3.org/2000/svg"><use href="#a"/></svg>"##,
        // Not SVG at all.
        r#"<html xmlns="http://www.w3.org/1999/xhtml"/>"#,
    ];
    for svg in cases {
        let e = check_svg(svg.as_bytes()).unwrap_err();
        assert!(matches!(e, PictureError::Unsafe(_)), "{svg}: {e}");
        assert_eq!(e.reason(), ReasonCode::SealPictureUnsafe);
    }
    // Malformed XML and oversized input are invalid, not unsafe.
    for bad in [&b"<svg"[..], &[0xff, 0xfe][..]] {
        assert_eq!(
            check_svg(bad).unwrap_err().reason(),
            ReasonCode::SealPictureInvalid
        );
    }
    let mut big = OK_SVG.as_bytes().to_vec();
    big.resize(picture::MAX_PICTURE_LEN + 1, b' ');
    assert_eq!(
        check(PictureType::Svg, &big).unwrap_err().reason(),
        ReasonCode::SealPictureInvalid
    );
}

#[test]
fn data_uris_are_base64() {
    assert_eq!(
        data_uri(PictureType::Svg, b"<svg/>"),
        "data:image/svg+xml;base64,PHN2Zy8+"
    );
    assert_eq!(
        data_uri(PictureType::Png, b"ab"),
        "data:image/png;base64,YWI="
    );
    assert_eq!(
        data_uri(PictureType::Png, b"a"),
        "data:image/png;base64,YQ=="
    );
}

#[test]
fn digests_are_the_standard_ones() {
    // GB/T 32905 example 1 and FIPS 180 "abc".
    assert_eq!(
        crate::pki::hex_string(&DigestAlgorithm::Sm3.digest(b"abc")),
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    );
    assert_eq!(
        crate::pki::hex_string(&DigestAlgorithm::Sha256.digest(b"abc")),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    let mut reader: &[u8] = b"abc";
    assert_eq!(
        DocumentDigest::of_reader(DigestAlgorithm::Sm3, &mut reader).unwrap(),
        DocumentDigest::of(DigestAlgorithm::Sm3, b"abc")
    );
    assert_eq!(
        DigestAlgorithm::for_algorithm(crate::Algorithm::Sm2Sm3),
        DigestAlgorithm::Sm3
    );
    assert_eq!(
        DigestAlgorithm::for_algorithm(crate::Algorithm::EdDsa),
        DigestAlgorithm::Sha256
    );
}

fn builder() -> SealBuilder {
    Seal::builder()
        .esid("3101000000001")
        .kind(SealKind::Organisation)
        .name("上海市市场监督管理局行政审批专用章")
        .owner("上海市市场监督管理局", "11310000MB2F31727A")
        .picture(Picture::new(PictureType::Svg, OK_SVG.as_bytes().to_vec(), 42, 42).unwrap())
        .created_at(1_716_170_400)
        .valid(1_716_170_400, 1_874_000_000)
        .status_index(3)
}

#[test]
fn seal_claims_round_trip_and_bind_the_digest_algorithm() {
    let seal = Seal {
        cert_digests: vec![[7; 32], [9; 32]],
        ..builder().build_for_digests(DigestAlgorithm::Sha256)
    };
    let claims = seal.to_claims();
    assert_eq!(
        Seal::from_claims(&claims, Algorithm::EdDsa),
        Ok(seal.clone())
    );
    // The same claims under an SM2 signature must list SM3 digests.
    assert_eq!(
        Seal::from_claims(&claims, Algorithm::Sm2Sm3)
            .unwrap_err()
            .reason(),
        ReasonCode::SealMalformed
    );
}

#[test]
fn seal_builder_refuses_bad_fields_by_name() {
    let err = |b: SealBuilder| b.build_for(Algorithm::EdDsa).unwrap_err();
    // No certificate listed.
    assert!(err(builder()).to_string().contains("1 to 16 certificates"));
    let with_cert = || builder().digests_for_tests(vec![[1; 32]]);
    assert!(with_cert().build_for(Algorithm::EdDsa).is_ok());
    // A wrong check character in the owner's credit code.
    let e = err(with_cert().owner("上海市市场监督管理局", "11310000MB2F31727B"));
    assert_eq!(e.reason(), ReasonCode::IdentifierCheckFailed);
    // A personal seal needs a resident ID number.
    let e = err(with_cert().kind(SealKind::Personal));
    assert!(matches!(e, SealError::Owner(_)), "{e}");
    // Times.
    assert!(err(with_cert().valid(10, 10))
        .to_string()
        .contains("not after"));
    assert!(err(with_cert().esid("a b")).to_string().contains("esid"));
    assert!(err(with_cert().name("印章\u{202e}"))
        .to_string()
        .contains("U+202E"));
    // A repeated certificate.
    let e = err(builder().digests_for_tests(vec![[1; 32], [1; 32]]));
    assert!(e.to_string().contains("twice"), "{e}");
}

#[test]
fn document_properties_follow_their_rules() {
    let bad = |p: DocumentProperties| p.check(sig_malformed).unwrap_err().reason();
    assert_eq!(
        bad(DocumentProperties::file("a/b.pdf")),
        ReasonCode::SealedSignatureMalformed
    );
    assert_eq!(
        bad(DocumentProperties::file("a.pdf").at(0, 1, 1)),
        ReasonCode::SealedSignatureMalformed
    );
    assert_eq!(
        bad(DocumentProperties {
            position_mm: Some((1, 1)),
            ..DocumentProperties::file("a.pdf")
        }),
        ReasonCode::SealedSignatureMalformed
    );
    assert!(DocumentProperties::file("批复.pdf")
        .at(1, 150, 240)
        .check(sig_malformed)
        .is_ok());
}

impl SealBuilder {
    fn digests_for_tests(mut self, digests: Vec<[u8; 32]>) -> Self {
        self.digests = Some((DigestAlgorithm::Sha256, digests));
        self
    }
    fn build_for_digests(self, alg: DigestAlgorithm) -> Seal {
        let mut b = self;
        b.digests = Some((alg, vec![[0; 32]]));
        b.build_for(Algorithm::EdDsa).unwrap()
    }
}
