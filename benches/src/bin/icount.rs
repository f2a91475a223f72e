//! Runs one operation N times, for instruction counting under callgrind.
//!
//! `scripts/bench.sh` runs this under `valgrind --tool=callgrind` with N = 0
//! and N > 0 and divides the difference by N: instructions per operation,
//! which, unlike wall-clock time, do not depend on what else the shared
//! machine is doing.
//!
//! Usage: `icount <verify_full|verify_bare|issue_full|issue_bare|batch_one_by_one|batch_batched> <N>`
//!
//! The two `batch_` operations verify 1,000 licences from 50 authorities
//! through a trust bundle, one by one or with `verify_qr_batch`.

use std::hint::black_box;

use elicense_benches::{BatchSetup, Setup, NOW};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(op), Some(n)) = (args.get(1), args.get(2).and_then(|n| n.parse::<u32>().ok())) else {
        eprintln!(
            "usage: icount <verify_full|verify_bare|issue_full|issue_bare|batch_one_by_one|batch_batched> <N>"
        );
        std::process::exit(2);
    };
    let batch = op.starts_with("batch_").then(|| BatchSetup::new(50, 1000));
    let s = Setup::new();
    let key = &s.demo.authority_key;
    let cert = &s.demo.authority;
    for _ in 0..n {
        match op.as_str() {
            "verify_full" => {
                black_box(s.verifier.verify_qr(black_box(&s.qr_text), NOW));
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
                        .sign(
                            &elicense::artifact::CertifiedSigner::new(cert.clone(), key.clone())
                                .expect("the key is the certificate's"),
                        )
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
