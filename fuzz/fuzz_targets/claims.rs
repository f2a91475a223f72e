//! Bytes → licence claims decoding. Whatever decodes re-encodes to claims
//! that decode to the same licence.
#![no_main]

use elicense::licence::Licence;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(licence) = Licence::from_claims(data) {
        let _ = licence.warnings();
        let again = licence.to_claims();
        let back = Licence::from_claims(&again).expect("re-encoded claims decode");
        assert_eq!(back.to_claims(), again, "claims encoding is not stable");
    }
});
