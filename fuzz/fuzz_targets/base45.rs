//! Text → Base45 decoding. Base45 has one encoding per byte string, so
//! whatever decodes re-encodes to the same text.
#![no_main]

use elicense::internals::base45::{decode, decoded_len, encode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(bytes) = decode(text) {
        assert_eq!(
            Some(bytes.len()),
            decoded_len(text.len()),
            "decoded_len disagrees"
        );
        assert_eq!(encode(&bytes), text, "Base45 round trip changed the text");
    }
});
