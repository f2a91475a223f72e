//! Bytes → strict CBOR validation and decoding with the default limits.
//!
//! Properties: `validate` and `decode` agree; the deterministic re-encoding
//! of anything decoded validates again and is a fixed point of decode +
//! encode. (Decoded values are not compared directly: re-encoding sorts map
//! entries, so the `Value`s may differ in order.)
#![no_main]

use elicense::internals::cbor::{decode, encode, validate, Limits};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default();
    let valid = validate(data, &limits);
    let decoded = decode(data, &limits);
    match (&valid, &decoded) {
        (Ok(()), Ok(value)) => {
            let encoded = encode(value);
            // Re-encoding may be a little longer than the input (a bignum
            // that fits 64 bits becomes a plain integer, e.g. tag 3 with a
            // 6-byte string, 8 bytes, becomes a 9-byte integer), so only the
            // input size limit is relaxed.
            let relaxed = Limits {
                max_input: limits.max_input.max(encoded.len()),
                ..limits
            };
            if let Err(e) = validate(&encoded, &relaxed) {
                panic!("re-encoding does not validate: {e:?}");
            }
            let again = decode(&encoded, &relaxed).expect("re-encoding decodes");
            assert_eq!(
                encode(&again),
                encoded,
                "deterministic encoding is not a fixed point"
            );
        }
        (Ok(()), Err(e)) => panic!("validate accepted but decode failed: {e:?}"),
        (Err(_), Ok(_)) => panic!("validate rejected but decode succeeded"),
        (Err(_), Err(_)) => {}
    }
});
