//! QR text (any UTF-8) → `from_qr_text`, then the whole verification
//! pipeline against the demo trust store.
#![no_main]

use elicense::envelope::{from_qr_text, MAX_COSE_LEN};
use elicense_fuzz::{trust, NOW};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(cose) = from_qr_text(text) {
        // Inflation is bounded.
        assert!(
            cose.len() <= MAX_COSE_LEN,
            "from_qr_text returned {} bytes",
            cose.len()
        );
    }
    let report = trust().verifier.verify_qr(text, elicense::UnixTime::from_secs(NOW));
    // The report always renders.
    let _ = report.to_json();
    let _ = report.to_text();
});
