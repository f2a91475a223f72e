//! DER → certificate parsing under the PKI profile, then chain validation
//! against the demo region root.
#![no_main]

use elicense::pki::{validate_chain, Certificate, Usage};
use elicense_fuzz::trust;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(cert) = Certificate::from_der(data) {
        let _ = cert.check_region_root();
        let _ = cert.check_time(elicense_fuzz::NOW);
        let roots = std::slice::from_ref(&trust().root);
        let _ = validate_chain(&cert, roots, Usage::LicenceSigning);
    }
});
