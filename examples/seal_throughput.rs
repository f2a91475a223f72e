//! Sealing and verifying a 10 MB document: throughput against the bare
//! digest, and the time to verify the seal itself.
//!
//! `cargo run --release --example seal_throughput [MEGABYTES] [ROUNDS]`
//!
//! Prints medians over ROUNDS (default 9) of: bare SHA-256 and SM3 over the
//! document (the `sha2` and `sm3` crates directly), the library's digest of
//! the same bytes ([`DocumentDigest::of`], and read in pieces as the CLI
//! does), sealing ([`SealedSignature::sign`]) and verifying
//! ([`SealVerifier::verify`]) the document, each in MB/s and as a ratio to
//! the bare digest; then the verification of a sealed signature with the
//! document's digest given ([`SealVerifier::verify_digests`]): the seal's
//! own cost. The machine is shared: compare ratios from one run.

use std::hint::black_box;
use std::time::{Duration, Instant};

use elicense::alg::{Algorithm, SecretKey};
use elicense::artifact::CertifiedSigner;
use elicense::pki::{
    create_authority, create_region_root, AuthorityParams, RegionRootParams, Usage,
};
use elicense::seal::verify::SealVerifier;
use elicense::seal::{
    DigestAlgorithm, DocumentDigest, DocumentProperties, Picture, PictureType, Seal, SealKind,
    SealedSignature,
};
use elicense::verify::{TrustStore, Verdict, Verifier};
use elicense::UnixTime;
use sha2::Digest as _;

const NOW: i64 = 1_748_736_000;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// The median time of `op`, and the median over rounds of (time of `bare`
/// / time of `op`), the two timed back to back in each round so that the
/// machine's load changes both alike.
fn versus<A, B>(
    rounds: usize,
    mut bare: impl FnMut() -> A,
    mut op: impl FnMut() -> B,
) -> (Duration, f64) {
    let _ = black_box((bare(), op())); // warm up
    let mut times = Vec::with_capacity(rounds);
    let mut ratios = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let t = Instant::now();
        black_box(bare());
        let b = t.elapsed();
        let t = Instant::now();
        black_box(op());
        let o = t.elapsed();
        times.push(o);
        ratios.push(b.as_secs_f64() / o.as_secs_f64());
    }
    ratios.sort_by(f64::total_cmp);
    (median(times), ratios[ratios.len() / 2])
}

fn time<T>(rounds: usize, mut f: impl FnMut() -> T) -> Duration {
    let _ = black_box(f()); // warm up
    median(
        (0..rounds)
            .map(|_| {
                let t = Instant::now();
                black_box(f());
                t.elapsed()
            })
            .collect(),
    )
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let mb: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(10);
    let rounds: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(9);
    let len = mb * 1_000_000;
    // A deterministic, incompressible-looking document.
    let mut doc = Vec::with_capacity(len);
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    while doc.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        doc.extend_from_slice(&x.to_le_bytes());
    }
    doc.truncate(len);

    let root_key = SecretKey::from_seed(&[1; 32]);
    let root = create_region_root(
        &root_key,
        &RegionRootParams {
            region: "310000".parse()?,
            name: "上海市电子证照根CA".into(),
            not_before: 1_704_067_200,
            not_after: 1_893_456_000,
            serial_number: Some(vec![1]),
        },
    )?;
    let authority = |seed: u8, alg: Algorithm, name: &str, code: &str, usages| {
        let key = SecretKey::from_bytes(alg, &[seed; 32])?;
        let cert = create_authority(
            &root_key,
            &root,
            &key.public_key(),
            &AuthorityParams {
                name: name.into(),
                credit_code: code.parse()?,
                usages,
                not_before: 1_704_067_200,
                not_after: 1_893_456_000,
                serial_number: Some(vec![seed]),
            },
        )?;
        Ok::<_, Box<dyn std::error::Error>>(CertifiedSigner::new(cert, key)?)
    };
    let maker = authority(
        10,
        Algorithm::Sm2Sm3,
        "上海市公安局",
        "11310000002421441F",
        vec![Usage::SealMaking],
    )?;
    let store = TrustStore::new(vec![root.clone()], vec![maker.certificate().clone()])?;
    let verifier = SealVerifier::new(Verifier::new(store));
    let svg = br##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 42 42"><circle cx="21" cy="21" r="20.3" fill="none" stroke="#E60012" stroke-width="1.2"/></svg>"##;
    let secs = |d: Duration| d.as_secs_f64();
    let rate = |d: Duration| len as f64 / 1e6 / secs(d);

    println!("document: {mb} MB, {rounds} rounds, medians");
    println!(
        "{:<46} {:>10} {:>9} {:>8}",
        "operation", "time", "MB/s", "× bare"
    );
    let bare = |alg: DigestAlgorithm, doc: &[u8]| -> [u8; 32] {
        match alg {
            DigestAlgorithm::Sha256 => sha2::Sha256::digest(doc).into(),
            _ => sm3::Sm3::digest(doc).into(),
        }
    };
    let row = |name: &str, (d, ratio): (Duration, f64)| {
        println!(
            "{name:<46} {:>8.2}ms {:>9.1} {:>8.3}",
            secs(d) * 1e3,
            rate(d),
            ratio
        );
    };
    for alg in [DigestAlgorithm::Sha256, DigestAlgorithm::Sm3] {
        let b = || bare(alg, &doc);
        row(&format!("bare {alg}"), versus(rounds, b, b));
        row(
            &format!("DocumentDigest::of {alg}"),
            versus(rounds, b, || DocumentDigest::of(alg, &doc)),
        );
        row(
            &format!("DocumentDigest::of_reader {alg} (64 KiB)"),
            versus(rounds, b, || DocumentDigest::of_reader(alg, &mut &doc[..])),
        );
    }
    // SM2 owners digest with SM3; EdDSA and ES256 owners with SHA-256.
    for (seed, alg, code) in [
        (13, Algorithm::Sm2Sm3, "11310000MB2F31727A"),
        (11, Algorithm::EdDsa, "11310000MB2F31727A"),
        (12, Algorithm::Es256, "11310000002417920A"),
    ] {
        let digest_alg = DigestAlgorithm::for_algorithm(alg);
        let b = || bare(digest_alg, &doc);
        let owner = authority(
            seed,
            alg,
            "上海市市场监督管理局",
            code,
            vec![Usage::DocumentSealing],
        )?;
        let seal = Seal::builder()
            .esid(format!("31010000000{seed}"))
            .kind(SealKind::Organisation)
            .name("公章")
            .owner("上海市市场监督管理局", code)
            .certificate(owner.certificate())
            .picture(Picture::new(PictureType::Svg, svg.to_vec(), 42, 42)?)
            .created_at(NOW - 86_400)
            .valid(NOW - 86_400, NOW + 86_400 * 365)
            .status_index(0)
            .build_for(maker.algorithm())?
            .sign(&maker)?;
        let props = || DocumentProperties::file("doc.pdf");
        let sign = versus(rounds, b, || {
            SealedSignature::sign(&seal, &doc, props(), NOW - 3600, &owner).expect("signs")
        });
        let sig = SealedSignature::sign(&seal, &doc, props(), NOW - 3600, &owner)?;
        let report = verifier.verify(&sig, &doc, UnixTime::from_secs(NOW));
        assert_eq!(report.verdict, Verdict::Valid, "{}", report.to_text());
        let verify = versus(rounds, b, || {
            verifier.verify(&sig, &doc, UnixTime::from_secs(NOW))
        });
        row(&format!("seal sign ({alg} owner, {digest_alg})"), sign);
        row(&format!("seal verify ({alg} owner, {digest_alg})"), verify);
        let digest = [DocumentDigest::of(digest_alg, &doc)];
        let seal_only = time(rounds.max(101), || {
            verifier.verify_digests(&sig, &digest, UnixTime::from_secs(NOW))
        });
        println!(
            "{:<46} {:>8.3}ms  (signature {} bytes)",
            format!("seal verification alone ({alg} owner)"),
            secs(seal_only) * 1e3,
            sig.len()
        );
    }
    Ok(())
}
