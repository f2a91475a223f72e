//! Bytes → region and federation trust lists: claims decoding (unsigned)
//! and signed-list verification against the fixed roots of
//! `elicense_fuzz::world`.
//!
//! Properties: whatever claims decode re-encode to claims that decode to an
//! equal list, and the encoding is stable; a list that verifies is the one
//! its payload decodes to, is for the root's region (region lists), and has
//! only authorities that chain to the root.
#![no_main]

use elicense::envelope::{ArtifactType, Sign1};
use elicense::pki::{validate_chain, Usage};
use elicense::trust::{FederationTrustList, RegionTrustList};
use elicense_fuzz::world;
use libfuzzer_sys::fuzz_target;

fn region_round_trip(list: &RegionTrustList) {
    let claims = list.to_claims();
    let back = RegionTrustList::from_claims(&claims).expect("re-encoded region claims decode");
    assert_eq!(&back, list, "region list round trip changed the list");
    assert_eq!(
        back.to_claims(),
        claims,
        "region claims encoding is not stable"
    );
}

fn federation_round_trip(list: &FederationTrustList) {
    let claims = list.to_claims();
    let back =
        FederationTrustList::from_claims(&claims).expect("re-encoded federation claims decode");
    assert_eq!(&back, list, "federation list round trip changed the list");
    assert_eq!(
        back.to_claims(),
        claims,
        "federation claims encoding is not stable"
    );
}

fuzz_target!(|data: &[u8]| {
    let w = world();
    if let Ok(list) = RegionTrustList::from_claims(data) {
        region_round_trip(&list);
    }
    if let Ok(list) = FederationTrustList::from_claims(data) {
        federation_round_trip(&list);
    }
    for r in &w.regions {
        if let Ok(list) = RegionTrustList::verify(data, &r.root) {
            let sign1 = Sign1::decode(data, ArtifactType::RegionTrustList)
                .expect("a verified region list decodes as COSE");
            assert_eq!(
                RegionTrustList::from_claims(sign1.payload()).as_ref(),
                Ok(&list),
                "verify returned a list other than its payload"
            );
            assert_eq!(list.region.as_str(), r.code, "verified for another region");
            for a in &list.authorities {
                let usages = a.certificate.usages();
                let usage = if usages.contains(&Usage::LicenceSigning) {
                    Usage::LicenceSigning
                } else {
                    *usages
                        .first()
                        .expect("a verified list's authority has a usage")
                };
                assert!(
                    validate_chain(&a.certificate, std::slice::from_ref(&r.root), usage).is_ok(),
                    "a verified list names an authority that does not chain to the root"
                );
            }
            region_round_trip(&list);
        }
    }
    if let Ok(list) = FederationTrustList::verify(data, &w.fed) {
        let sign1 = Sign1::decode(data, ArtifactType::FederationTrustList)
            .expect("a verified federation list decodes as COSE");
        assert_eq!(
            FederationTrustList::from_claims(sign1.payload()).as_ref(),
            Ok(&list),
            "verify returned a list other than its payload"
        );
        for (i, r) in list.regions.iter().enumerate() {
            assert!(
                list.regions[..i].iter().all(|e| e.region != r.region),
                "a verified federation list names region {} twice",
                r.region
            );
            assert_eq!(
                r.root.check_region_root().ok(),
                Some(&r.region),
                "a verified federation list gives region {} another region's root",
                r.region
            );
        }
        federation_round_trip(&list);
    }
});
