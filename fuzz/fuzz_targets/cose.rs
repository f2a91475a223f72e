//! Bytes → strict COSE_Sign1 decoding (licence `typ`), then the claims
//! decoder on the (unauthenticated) payload.
#![no_main]

use elicense::envelope::{ArtifactType, Sign1};
use elicense::licence::Licence;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(sign1) = Sign1::decode(data, ArtifactType::Licence) {
        let _ = sign1.to_be_signed();
        if let Ok(licence) = Licence::from_claims(sign1.payload()) {
            let _ = licence.warnings();
        }
    }
});
