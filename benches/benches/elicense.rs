//! Criterion benchmarks: verification and issuance against their bare
//! Ed25519 operations, and QR encoding, rendering and scanning.
//!
//! Set `ELICENSE_BENCH_QUICK=1` (what `scripts/bench.sh --quick` does) for
//! short measurements. Ratios are only meaningful between results of the same
//! run: the machines this runs on are shared and noisy.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};
use elicense::qr::{EccLevel, QrCode, SvgOptions};
use elicense_benches::{Setup, NOW, PNG_SCALE};

/// Measurement settings for one group.
struct Timing {
    warm_up: Duration,
    measure: Duration,
    samples: usize,
}

fn quick() -> bool {
    std::env::var_os("ELICENSE_BENCH_QUICK").is_some_and(|v| !v.is_empty() && v != "0")
}

/// Settings for microsecond-scale benchmarks.
fn fast_timing() -> Timing {
    if quick() {
        Timing {
            warm_up: Duration::from_millis(300),
            measure: Duration::from_secs(1),
            samples: 20,
        }
    } else {
        Timing {
            warm_up: Duration::from_secs(1),
            measure: Duration::from_secs(4),
            samples: 60,
        }
    }
}

/// Settings for millisecond-scale benchmarks (flat sampling).
fn slow_timing() -> Timing {
    if quick() {
        Timing {
            warm_up: Duration::from_millis(300),
            measure: Duration::from_secs(1),
            samples: 10,
        }
    } else {
        Timing {
            warm_up: Duration::from_secs(1),
            measure: Duration::from_secs(4),
            samples: 30,
        }
    }
}

/// Whether a benchmark whose id starts with `prefix` can pass the name
/// filters given on the command line (`scripts/bench.sh -- batch`), so that
/// expensive setups run only when needed.
fn wanted(prefix: &str) -> bool {
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    filters.is_empty()
        || filters
            .iter()
            .any(|f| prefix.starts_with(f.as_str()) || f.starts_with(prefix))
}

fn group<'a>(
    c: &'a mut Criterion,
    name: &str,
    t: Timing,
) -> criterion::BenchmarkGroup<'a, criterion::measurement::WallTime> {
    let mut g = c.benchmark_group(name);
    g.warm_up_time(t.warm_up)
        .measurement_time(t.measure)
        .sample_size(t.samples);
    g
}

fn benches(c: &mut Criterion) {
    let s = Setup::new();

    let mut g = group(c, "verify", fast_timing());
    // QR text → report: Base45, inflate, strict COSE, signature, claims,
    // chain/time checks, report.
    g.bench_function("full", |b| {
        b.iter(|| {
            s.verifier
                .verify_qr(black_box(&s.qr_text), elicense::UnixTime::from_secs(NOW))
        })
    });
    // COSE bytes → report: `full` without the QR text decoding.
    g.bench_function("cose", |b| {
        b.iter(|| {
            s.verifier
                .verify_cose(black_box(&s.cose), elicense::UnixTime::from_secs(NOW))
        })
    });
    // The signature check alone, over the very Sig_structure bytes `full` checks.
    g.bench_function("bare_verify_strict", |b| {
        b.iter(|| {
            s.public_key
                .verify(black_box(&s.sig_structure), black_box(&s.signature))
        })
    });
    g.finish();

    let mut g = group(c, "issue", fast_timing());
    let (cert, key) = (&s.demo.authority, &s.demo.authority_key);
    // Licence → QR text: claims, envelope, signature (checked), zlib, Base45.
    g.bench_function("full", |b| {
        b.iter(|| {
            black_box(&s.licence)
                .sign(
                    &elicense::artifact::CertifiedSigner::new(cert.clone(), key.clone())
                        .expect("the key is the certificate's"),
                )
                .expect("sign")
                .qr_text()
        })
    });
    // Licence → COSE bytes: `full` without the QR text.
    g.bench_function("cose", |b| {
        b.iter(|| {
            black_box(&s.licence)
                .sign(
                    &elicense::artifact::CertifiedSigner::new(cert.clone(), key.clone())
                        .expect("the key is the certificate's"),
                )
                .expect("sign")
        })
    });
    // The signature alone, over the same Sig_structure bytes.
    g.bench_function("bare_sign", |b| {
        b.iter(|| key.sign_bytes(black_box(&s.sig_structure)))
    });
    g.finish();

    let mut g = group(c, "qr", slow_timing());
    g.sampling_mode(SamplingMode::Flat);
    g.bench_function("encode", |b| {
        b.iter(|| QrCode::encode(black_box(&s.qr_text), EccLevel::Q).expect("encode"))
    });
    g.bench_function("render_svg", |b| {
        b.iter(|| black_box(&s.qr).to_svg(&SvgOptions::default()))
    });
    g.bench_function("render_png", |b| {
        b.iter(|| black_box(&s.qr).to_png(PNG_SCALE).expect("png"))
    });
    g.bench_function("scan_png", |b| {
        b.iter(|| elicense::qr::scan_png(black_box(&s.png)).expect("scan"))
    });
    g.finish();

    // Status lists: 1,000,000 entries, about 1% revoked or suspended.
    let status = elicense_benches::StatusSetup::new(&s, 1_000_000);
    println!(
        "status list: {} entries, {} bytes compressed, {} bytes signed",
        status.token.list().len(),
        status.compressed_len,
        status.cose.len()
    );
    let mut g = group(c, "status", fast_timing());
    let mut i = 0u64;
    g.bench_function("lookup_1m", |b| {
        b.iter(|| {
            i = (i + 7919) % 1_000_000;
            status.token.status(black_box(i)).expect("in range")
        })
    });
    g.finish();
    let mut g = group(c, "status", slow_timing());
    g.sampling_mode(SamplingMode::Flat);
    g.bench_function("verify_1m", |b| b.iter(|| status.verify(black_box(NOW))));
    g.finish();

    // Batch verification: 10,000 licences from 50 authorities through a
    // trust bundle (TRUST_LIST, STATUS, RECOGNITION included), one by one
    // and with `verify_qr_batch`. Filtered out, the setup is skipped.
    // `cargo test` runs each benchmark once (no `--bench` argument): a
    // smaller set, still several batches, keeps that quick.
    if wanted("batch/") {
        let n = if std::env::args().any(|a| a == "--bench") {
            10_000
        } else {
            600
        };
        let batch = elicense_benches::BatchSetup::new(50, n);
        let mut g = group(c, "batch", slow_timing());
        g.sampling_mode(SamplingMode::Flat);
        g.bench_function("one_by_one_10k", |b| {
            b.iter(|| assert_eq!(black_box(&batch).one_by_one(), n))
        });
        g.bench_function("verify_qr_batch_10k", |b| {
            b.iter(|| assert_eq!(black_box(&batch).batched(), n))
        });
        g.finish();
    }

    // Loading a trust bundle whose region list names 1,000 authorities.
    let bundle = elicense_benches::BundleSetup::new(1000);
    println!(
        "trust bundle: 1000 authorities, {} bytes",
        bundle.bytes.len()
    );
    let mut g = group(c, "bundle", slow_timing());
    g.sampling_mode(SamplingMode::Flat);
    g.bench_function("load_1000", |b| {
        b.iter(|| bundle.load(black_box(&bundle.bytes)))
    });
    g.finish();
}

fn config() -> Criterion {
    // Fewer bootstrap resamples than the default 100 000: without rayon the
    // analysis is single-threaded, and medians need far fewer.
    Criterion::default().nresamples(20_000).without_plots()
}

criterion_group! {
    name = elicense_benches;
    config = config();
    targets = benches
}
criterion_main!(elicense_benches);
