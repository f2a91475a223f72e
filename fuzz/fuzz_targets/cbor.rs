//! Bytes → strict CBOR validation and decoding with the default limits.
//!
//! Properties: `validate` and `decode` agree; the deterministic re-encoding
//! of anything decoded is no longer than the input, validates again, and is
//! a fixed point of decode + encode. (Decoded values are not compared
//! directly: re-encoding sorts map entries, so the `Value`s differ in order.)
#![no_main]

use elicense::cbor::{decode, encode, validate, Limits};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default();
    let valid = validate(data, &limits);
    let decoded = decode(data, &limits);
    match (&valid, &decoded) {
        (Ok(()), Ok(value)) => {
            let encoded = encode(value);
            assert!(encoded.len() <= data.len(), "re-encoding grew: {} > {}", encoded.len(), data.len());
            if let Err(e) = validate(&encoded, &limits) {
                panic!("re-encoding does not validate: {e:?}");
            }
            let again = decode(&encoded, &limits).expect("re-encoding decodes");
            assert_eq!(encode(&again), encoded, "deterministic encoding is not a fixed point");
        }
        (Ok(()), Err(e)) => panic!("validate accepted but decode failed: {e:?}"),
        (Err(_), Ok(_)) => panic!("validate rejected but decode succeeded"),
        (Err(_), Err(_)) => {}
    }
});
