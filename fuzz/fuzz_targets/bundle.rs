//! Bytes → trust bundle file, verified against the fixed federation root of
//! `elicense_fuzz::world`.
//!
//! Properties: a bundle that loads writes a file that loads again and
//! writes the same bytes (its canonical form); every region and status
//! list it holds is one the federation list vouches for, and every status
//! list is filed under an authority its region's list names.
#![no_main]

use elicense::bundle::TrustBundle;
use elicense_fuzz::{world, NOW};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let anchor = &world().fed;
    let Ok(bundle) = TrustBundle::from_bytes(data, anchor.clone(), elicense::UnixTime::from_secs(NOW)) else {
        return;
    };
    for list in bundle.region_lists() {
        assert!(
            bundle.federation().root_of(&list.region).is_some(),
            "bundle holds a list for region {}, which is not on the federation list",
            list.region
        );
    }
    for (id, token) in bundle.status_lists() {
        assert_eq!(
            token.subject(),
            elicense::status::subject_for(&id.credit_code),
            "status list filed under the wrong authority"
        );
        let list = bundle
            .region_list(&id.region)
            .unwrap_or_else(|| panic!("a status list of {id} without its region's list"));
        assert!(
            list.authorities_with_code(&id.credit_code).next().is_some(),
            "a status list of {id}, whom its region does not list"
        );
    }
    let bytes = bundle.to_bytes();
    let again = TrustBundle::from_bytes(&bytes, anchor.clone(), elicense::UnixTime::from_secs(NOW))
        .unwrap_or_else(|e| panic!("a written bundle does not load: {e}"));
    assert_eq!(again.to_bytes(), bytes, "bundle file is not a fixed point");
    assert_eq!(again.federation(), bundle.federation());
    assert_eq!(again.policy(), bundle.policy());
});
