//! UTF-8 → recognition policy, then decisions on fixed licences.
//!
//! Properties: an error names a position (line and column from 1) unless
//! the input is over the size limit; a policy decides every input, the same
//! way twice, with `RECOGNISED` exactly when the reason is `OK`; a licence
//! of the policy's own region is never mapped, one from a region the policy
//! does not accept is refused for that, and an unmapped recognition keeps
//! the licence's type.
#![no_main]

use elicense::policy::{Decision, Policy, PolicyError, RecognitionInput, TrustLevel};
use elicense::ReasonCode;
use libfuzzer_sys::fuzz_target;

fn input(
    region: &str,
    type_code: &str,
    level: TrustLevel,
    purpose: Option<&str>,
) -> RecognitionInput {
    RecognitionInput {
        issuing_region: region.parse().expect("region code"),
        type_code: type_code.parse().expect("type code"),
        trust_level: level,
        purpose: purpose.map(str::to_owned),
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let policy = match Policy::from_json(text) {
        Ok(policy) => policy,
        Err(PolicyError::TooLarge { .. }) => return,
        Err(e) => {
            assert!(
                e.line() >= 1 && e.column() >= 1,
                "error without a position: {e}"
            );
            let _ = e.reason();
            return;
        }
    };
    let inputs = [
        input("310000", "11100000000013338W011", TrustLevel::A, None),
        input(
            "440000",
            "11100000000013338W101",
            TrustLevel::B,
            Some("business_registration"),
        ),
        input(
            "510000",
            "11100000000013338W032",
            TrustLevel::D,
            Some("something else"),
        ),
        input(
            policy.region().as_str(),
            "11100000000013338W009",
            TrustLevel::C,
            Some("x"),
        ),
    ];
    for i in &inputs {
        let decision = policy.decide(i);
        assert_eq!(policy.decide(i), decision, "decide is not deterministic");
        assert_eq!(
            decision.is_recognised(),
            decision.reason() == ReasonCode::Ok,
            "recognition and reason disagree: {decision:?}"
        );
        let _ = decision.to_string();
        match &decision {
            Decision::Recognised { local_type, mapped } => {
                if !mapped {
                    assert_eq!(local_type, &i.type_code, "unmapped but retyped");
                }
                if i.issuing_region == *policy.region() {
                    assert!(!mapped, "a licence of the policy's own region was mapped");
                }
            }
            Decision::NotRecognised { reason, .. } => {
                assert_ne!(*reason, ReasonCode::Ok);
            }
        }
        if i.issuing_region != *policy.region() && !policy.accepts_region(&i.issuing_region) {
            assert_eq!(
                decision.reason(),
                ReasonCode::RegionNotAccepted,
                "{decision:?}"
            );
        }
    }
});
