//! Bytes → sealed signatures: the strict decoder (envelope, claims, signer
//! certificate, the embedded seal) and the whole verification in GB/T
//! 38540's order against the fixed seal world (a region root and a seal
//! maker).
//!
//! Properties: a decoded signature's claims re-encode to claims that
//! decode to an equal signature, stably; every report has the nine checks
//! in order, a verdict that agrees with them (VALID only when every check
//! passed; otherwise the first check that did not pass carries the
//! report's reason and every later check is skipped); no seal is shown
//! unless its maker's signature verified, nothing sealed is shown unless the
//! signature verified; a VALID report is over the sealed document.
#![no_main]

use std::sync::OnceLock;

use elicense::seal::verify::{SealCheckKind, SealVerifier};
use elicense::seal::SealedSignature;
use elicense::verify::{Outcome, TrustStore, Verdict, Verifier};
use elicense_fuzz::world::{seal_world, SEALED_DOCUMENT};
use elicense_fuzz::NOW;
use libfuzzer_sys::fuzz_target;

fn verifier() -> &'static SealVerifier {
    static V: OnceLock<SealVerifier> = OnceLock::new();
    V.get_or_init(|| {
        let w = seal_world();
        let store = TrustStore::new(vec![w.root], vec![w.maker]).expect("trust store");
        SealVerifier::new(Verifier::new(store))
    })
}

fuzz_target!(|data: &[u8]| {
    if let Ok((sign1, sealed)) = SealedSignature::decode(data) {
        let claims = sealed.to_claims();
        let back = SealedSignature::from_claims(&claims, sign1.algorithm())
            .expect("re-encoded sealed-signature claims decode");
        assert_eq!(back, sealed, "sealed-signature round trip changed it");
        assert_eq!(back.to_claims(), claims, "claims encoding is not stable");
    }
    let report = verifier().verify(data, SEALED_DOCUMENT, elicense::UnixTime::from_secs(NOW));
    let kinds: Vec<SealCheckKind> = report.checks.iter().map(|c| c.check).collect();
    assert_eq!(kinds, SealCheckKind::ALL, "checks out of order");
    let first_open = report
        .checks
        .iter()
        .position(|c| !matches!(c.outcome, Outcome::Pass | Outcome::NotChecked));
    match first_open {
        None => assert_eq!(report.verdict, Verdict::Valid, "every check passed but not VALID"),
        Some(i) => {
            assert_ne!(report.verdict, Verdict::Valid, "VALID with a failed check");
            assert_eq!(report.checks[i].reason, report.reason, "the reason is not the first failure's");
            assert!(
                report.checks[i + 1..].iter().all(|c| c.outcome == Outcome::Skipped),
                "a check ran after a failure"
            );
        }
    }
    let passed = |k: SealCheckKind| report.check(k).is_some_and(|c| c.outcome == Outcome::Pass);
    assert_eq!(report.seal.is_some(), passed(SealCheckKind::SealSignature), "seal shown unverified");
    assert_eq!(report.sealed.is_some(), passed(SealCheckKind::Signature), "content shown unverified");
    let _ = report.to_json();
    let _ = report.to_text();
});
