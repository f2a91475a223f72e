//! Shared setup for the elicense benchmarks (`benches/elicense.rs`).
//!
//! Everything is built once, outside the measured loops: the demo region and
//! authority (fixed keys), the reference sample licence, its signed QR text,
//! the exact `Sig_structure` bytes that were signed and their signature, and
//! the rendered QR code.

use elicense::demo::Demo;
use elicense::envelope::{from_qr_text, ArtifactType, Sign1};
use elicense::keys::{PublicKey, SecretKey};
use elicense::licence::Licence;
use elicense::qr::{EccLevel, QrCode};
use elicense::verify::{Verdict, Verifier};

/// 2025-01-01T00:00:00Z: after the sample's issue date, inside the demo
/// authority certificate's validity.
pub const NOW: i64 = 1_735_689_600;

/// PNG scale (pixels per module) of the rendering and scanning benchmarks.
pub const PNG_SCALE: u32 = 4;

/// The shared benchmark inputs.
pub struct Setup {
    /// Demo region root and authority.
    pub demo: Demo,
    /// A verifier trusting the demo region.
    pub verifier: Verifier,
    /// The reference sample licence.
    pub licence: Licence,
    /// Its COSE_Sign1 bytes.
    pub cose: Vec<u8>,
    /// Its `EL1:` QR text.
    pub qr_text: String,
    /// The `Sig_structure` bytes its signature covers.
    pub sig_structure: Vec<u8>,
    /// Its signature.
    pub signature: Vec<u8>,
    /// The authority's public key.
    pub public_key: PublicKey,
    /// The QR code of `qr_text` at ECC level Q.
    pub qr: QrCode,
    /// `qr` rendered as PNG at [`PNG_SCALE`].
    pub png: Vec<u8>,
}

impl Setup {
    /// Builds the inputs and checks they are what the benchmarks claim to
    /// measure (the sample verifies as VALID, the PNG scans back).
    pub fn new() -> Self {
        let demo = Demo::with_keys(
            SecretKey::from_seed(&[1; 32]),
            SecretKey::from_seed(&[2; 32]),
        )
        .expect("demo setup");
        let verifier = demo.verifier();
        let licence = Demo::sample_licence().expect("sample licence");
        let signed = licence
            .sign(&demo.authority, &demo.authority_key)
            .expect("sign the sample");
        let qr_text = signed.qr_text();
        let cose = signed.into_cose();
        assert_eq!(from_qr_text(&qr_text).expect("QR text decodes"), cose);
        let sign1 = Sign1::decode(&cose, ArtifactType::Licence).expect("COSE decodes");
        let sig_structure = sign1.to_be_signed();
        let signature = sign1.signature().to_vec();
        let public_key = demo.authority_key.public_key();
        public_key
            .verify_strict(&sig_structure, &signature)
            .expect("the signature covers these Sig_structure bytes");
        let report = verifier.verify_qr(&qr_text, NOW);
        assert_eq!(report.verdict, Verdict::Valid, "{}", report.to_text());
        let qr = QrCode::encode(&qr_text, EccLevel::Q).expect("QR encodes");
        let png = qr.to_png(PNG_SCALE).expect("PNG renders");
        let scanned = elicense::qr::scan_png(&png).expect("PNG scans");
        assert_eq!(
            scanned,
            vec![qr_text.clone()],
            "the PNG scans back to the QR text"
        );
        Setup {
            demo,
            verifier,
            licence,
            cose,
            qr_text,
            sig_structure,
            signature,
            public_key,
            qr,
            png,
        }
    }
}

impl Default for Setup {
    fn default() -> Self {
        Self::new()
    }
}
