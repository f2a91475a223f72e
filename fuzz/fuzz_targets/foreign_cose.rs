//! Any bytes → the foreign-COSE reader (src/cose.rs): input form (binary,
//! hex, `HC1:`, `EL2:`) → strict COSE_Sign1 decoding → verification under
//! the demo authority's key; and the same bytes as a signer certificate
//! of any X.509 profile (PEM or DER).
#![no_main]

use std::sync::OnceLock;

use elicense::cose::{self, CoseOptions, CoseSign1, SignerCertificate, VerificationKey};
use libfuzzer_sys::fuzz_target;

fn key() -> &'static VerificationKey {
    static KEY: OnceLock<VerificationKey> = OnceLock::new();
    KEY.get_or_init(|| VerificationKey::from(elicense_fuzz::trust().authority.public_key().clone()))
}

fuzz_target!(|data: &[u8]| {
    if let Ok((_, bytes)) = cose::read_input(data) {
        if let Ok(sign1) = CoseSign1::decode(&bytes) {
            let _ = sign1.to_be_signed(b"external");
            let _ = sign1.verify(key(), &CoseOptions::default());
        }
    }
    if let Ok(cert) = SignerCertificate::from_bytes(data) {
        let _ = cert.key().description();
    }
});
