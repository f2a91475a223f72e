//! A QR payload (the Base45-decoded bytes after `EL2:`, first byte 0x01
//! forced) → bounded raw inflation over the preset dictionary
//! (`decode_qr_payload`), checked against miniz_oxide inflating over a
//! buffer that starts with the dictionary: the same bytes, or both refuse;
//! never more than `MAX_COSE_LEN` bytes of output.
#![no_main]

use elicense::envelope::{
    decode_qr_payload, EnvelopeError, DICTIONARY_1, MAX_COSE_LEN, PAYLOAD_DICTIONARY_1,
};
use libfuzzer_sys::fuzz_target;
use miniz_oxide::inflate::core::{decompress, inflate_flags, DecompressorOxide};
use miniz_oxide::inflate::TINFLStatus;

/// miniz over the dictionary: the output, or `None` (corrupt, truncated,
/// trailing bytes, or more than the limit).
fn reference(raw: &[u8]) -> Option<Vec<u8>> {
    let d = DICTIONARY_1.len();
    let mut buf = DICTIONARY_1.to_vec();
    buf.resize(d + MAX_COSE_LEN + 1, 0);
    let mut state = Box::<DecompressorOxide>::default();
    let (status, consumed, written) = decompress(
        &mut state,
        raw,
        &mut buf,
        d,
        inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF,
    );
    (status == TINFLStatus::Done && consumed == raw.len() && written <= MAX_COSE_LEN)
        .then(|| buf[d..d + written].to_vec())
}

fuzz_target!(|data: &[u8]| {
    let mut payload = Vec::with_capacity(data.len() + 1);
    payload.push(PAYLOAD_DICTIONARY_1);
    payload.extend_from_slice(data);
    let ours = decode_qr_payload(payload);
    if let Ok(out) = &ours {
        assert!(out.len() <= MAX_COSE_LEN, "{} bytes inflated", out.len());
    }
    if let Err(e) = &ours {
        assert!(
            matches!(
                e,
                EnvelopeError::Zlib | EnvelopeError::ZlibTrailing | EnvelopeError::ZlibTooLarge
            ),
            "unexpected refusal {e:?}"
        );
    }
    assert_eq!(ours.ok(), reference(data), "the inflaters disagree");
});
