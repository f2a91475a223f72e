//! Bytes → licence catalogues: claims decoding (unsigned), the JSON form,
//! and signed-catalogue verification against the fixed roots of
//! `elicense_fuzz::world`; then the built-in national catalogue checks the
//! bytes read as licence items.
//!
//! Properties: whatever decodes re-encodes to claims (and JSON) that decode
//! to an equal catalogue, and the encoding is stable; a catalogue that
//! verifies is the one its payload decodes to, and a region's extension
//! defines only types of its region; checking items never panics and keeps
//! the display order.
#![no_main]

use elicense::catalogue::{Catalogue, CatalogueSet, Publisher};
use elicense::envelope::{ArtifactType, Sign1};
use elicense::licence::{Item, ItemValue};
use elicense_fuzz::world;
use libfuzzer_sys::fuzz_target;

fn round_trip(c: &Catalogue) {
    let claims = c.to_claims();
    let back = Catalogue::from_claims(&claims).expect("re-encoded claims decode");
    assert_eq!(&back, c, "claims round trip changed the catalogue");
    assert_eq!(back.to_claims(), claims, "claims encoding is not stable");
    let json = Catalogue::from_json(&c.to_json()).expect("its JSON form reads back");
    assert_eq!(&json, c, "JSON round trip changed the catalogue");
}

/// Reads `data` as up to 64 licence items: a number byte, a kind byte and
/// an 8-byte integer or a short text.
fn items(data: &[u8]) -> Vec<Item> {
    let mut out = Vec::new();
    let mut rest = data;
    while let [number, kind, tail @ ..] = rest {
        if out.len() == 64 {
            break;
        }
        let (value, tail) = if kind & 1 == 0 {
            let n = tail.len().min(8);
            let mut b = [0u8; 8];
            b[..n].copy_from_slice(&tail[..n]);
            (ItemValue::Integer(i64::from_le_bytes(b)), &tail[n..])
        } else {
            let n = tail.len().min(usize::from(kind >> 1));
            (
                ItemValue::Text(String::from_utf8_lossy(&tail[..n]).into_owned()),
                &tail[n..],
            )
        };
        out.push(Item {
            number: u16::from(*number % 16),
            value,
        });
        rest = tail;
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let w = world();
    if let Ok(c) = Catalogue::from_claims(data) {
        round_trip(&c);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(c) = Catalogue::from_json(text) {
            round_trip(&c);
        }
    }
    let federation = w.federation_list();
    if let Ok(c) = Catalogue::verify(data, &w.fed, &federation) {
        let sign1 = Sign1::decode(data, ArtifactType::Catalogue)
            .expect("a verified catalogue decodes as COSE");
        assert_eq!(
            Catalogue::from_claims(sign1.payload()).as_ref(),
            Ok(&c),
            "verify returned a catalogue other than its payload"
        );
        if let Publisher::Region(region) = c.publisher() {
            assert!(
                federation.root_of(region).is_some(),
                "a verified extension of an unlisted region"
            );
            for t in c.types() {
                let ministry = t.code().ministry_code().parse().expect("a strict credit code");
                assert!(
                    elicense::pki::credit_code_in_region(&ministry, region),
                    "a verified extension defines a type outside its region"
                );
            }
        }
        round_trip(&c);
    }
    // Items checked against every built-in type.
    let set = CatalogueSet::national();
    let items = items(data);
    let region = "310000".parse().expect("a region code");
    for t in set.national_catalogue().types() {
        if let Ok(checked) = set.check(t.code(), &region, &items) {
            let orders: Vec<(u16, u16)> = checked
                .items()
                .iter()
                .map(|i| (i.definition().order, i.definition().number))
                .collect();
            assert!(orders.windows(2).all(|p| p[0] < p[1]), "not in display order");
            for i in checked.items() {
                let _ = (i.zh(), i.en());
            }
        }
    }
});
