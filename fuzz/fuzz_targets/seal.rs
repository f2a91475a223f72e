//! Bytes → seals: the signed seal decoder (envelope, claims, picture), the
//! claims decoder under each algorithm, and the picture checks.
//!
//! Properties: a decoded seal's claims re-encode to claims that decode to
//! an equal seal, stably; a decoded seal's picture passes the picture
//! checks; a seal that verifies under the fixed maker is the seal decoded;
//! the picture checks never panic and accept only pictures of at most
//! `MAX_PICTURE_LEN` bytes.
#![no_main]

use std::sync::OnceLock;

use elicense::alg::Algorithm;
use elicense::seal::picture::{check, PictureType, MAX_PICTURE_LEN};
use elicense::seal::{Seal, SignedSeal};
use elicense_fuzz::world::{seal_world, SealWorld};
use libfuzzer_sys::fuzz_target;

fn trust() -> &'static SealWorld {
    static W: OnceLock<SealWorld> = OnceLock::new();
    W.get_or_init(seal_world)
}

fn round_trip(seal: &Seal, algorithm: Algorithm) {
    let claims = seal.to_claims();
    let back = Seal::from_claims(&claims, algorithm).expect("re-encoded seal claims decode");
    assert_eq!(&back, seal, "seal round trip changed the seal");
    assert_eq!(back.to_claims(), claims, "seal claims encoding is not stable");
    let p = seal.picture();
    assert!(check(p.kind(), p.data()).is_ok(), "a decoded seal's picture fails its checks");
}

fuzz_target!(|data: &[u8]| {
    if let Ok(signed) = SignedSeal::decode(data) {
        round_trip(signed.seal(), signed.algorithm());
        if signed.verify_maker(&trust().maker).is_ok() {
            assert_eq!(
                SignedSeal::decode(data).as_ref(),
                Ok(&signed),
                "a verified seal decodes differently"
            );
        }
    }
    for algorithm in Algorithm::ALL {
        if let Ok(seal) = Seal::from_claims(data, algorithm) {
            round_trip(&seal, algorithm);
        }
    }
    for kind in [PictureType::Svg, PictureType::Png] {
        if check(kind, data).is_ok() {
            assert!(data.len() <= MAX_PICTURE_LEN, "an oversized picture passed");
        }
    }
});
