//! Prints the reference sample's QR code size, signed with each algorithm:
//! characters of its `EL2:` text, COSE_Sign1 bytes and the QR version at
//! ECC Q. `scripts/bench.sh` prints it beside the benchmarks; the design
//! goal is version 13 or lower at Q (docs/FORMAT.md §9).

use elicense::alg::Algorithm;
use elicense_benches::Setup;

fn main() {
    for (name, algorithm) in [
        ("Ed25519", Algorithm::EdDsa),
        ("SM2-SM3", Algorithm::Sm2Sm3),
        ("ES256", Algorithm::Es256),
    ] {
        let s = Setup::with_algorithm(algorithm);
        let version = s.qr.version();
        println!(
            "{:<40}version {version:>2} at ECC Q  ({} characters, COSE {} bytes)  {}",
            format!("reference sample QR code ({name})"),
            s.qr_text.len(),
            s.cose.len(),
            if version <= 13 {
                "goal <= 13 met"
            } else {
                "goal <= 13 MISSED"
            }
        );
    }
}
