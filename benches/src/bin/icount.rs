//! Runs one operation N times, for instruction counting under callgrind.
//!
//! `scripts/bench.sh` runs this under `valgrind --tool=callgrind` with N = 0
//! and N > 0 and divides the difference by N: instructions per operation,
//! which, unlike wall-clock time, do not depend on what else the shared
//! machine is doing.
//!
//! Usage: `icount <verify_full|verify_bare|issue_full|issue_bare|batch_one_by_one|batch_batched>[_sm2|_es256] <N>`
//!
//! Without a suffix the keys are Ed25519; `_sm2` and `_es256` run the same
//! operation with SM2-SM3 and ES256 keys. The two `batch_` operations
//! verify 1,000 licences from 50 authorities through a trust bundle, one by
//! one or with `verify_qr_batch` (Ed25519 only).

use std::hint::black_box;

use elicense::alg::Algorithm;
use elicense_benches::{BatchSetup, Setup, NOW};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(op), Some(n)) = (args.get(1), args.get(2).and_then(|n| n.parse::<u32>().ok())) else {
        eprintln!(
            "usage: icount <verify_full|verify_bare|issue_full|issue_bare|batch_one_by_one|batch_batched> <N>"
        );
        std::process::exit(2);
    };
    let (op, algorithm) = match op.rsplit_once('_') {
        Some((base, "sm2")) => (base, Algorithm::Sm2Sm3),
        Some((base, "es256")) => (base, Algorithm::Es256),
        _ => (op.as_str(), Algorithm::EdDsa),
    };
    let batch = op.starts_with("batch_").then(|| BatchSetup::new(50, 1000));
    let s = Setup::with_algorithm(algorithm);
    let key = &s.demo.authority_key;
    for _ in 0..n {
        match op {
            "verify_full" => {
                black_box(
                    s.verifier
                        .verify_qr(black_box(&s.qr_text), elicense::UnixTime::from_secs(NOW)),
                );
            }
            "verify_bare" => {
                black_box(
                    s.public_key
                        .verify(black_box(&s.sig_structure), &s.signature),
                )
                .expect("the sample signature verifies");
            }
            "issue_full" => {
                black_box(
                    s.licence
                        .sign(black_box(&s.signer))
                        .expect("the sample signs")
                        .qr_text(),
                );
            }
            "issue_bare" => {
                black_box(key.sign_bytes(black_box(&s.sig_structure)));
            }
            "batch_one_by_one" => {
                let b = batch.as_ref().expect("built for batch_ operations");
                assert_eq!(black_box(b).one_by_one(), 1000);
            }
            "batch_batched" => {
                let b = batch.as_ref().expect("built for batch_ operations");
                assert_eq!(black_box(b).batched(), 1000);
            }
            other => {
                eprintln!("unknown operation {other}");
                std::process::exit(2);
            }
        }
    }
}
