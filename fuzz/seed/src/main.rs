//! Writes seed corpora for the elicense fuzz targets.
//!
//! Usage: `elicense-fuzz-seed [CORPUS_DIR]` (default: `corpus` next to this
//! crate's parent, i.e. `fuzz/corpus`). Creates `<dir>/<target>/seed-*`
//! files from real artefacts: the demo region's certificates, the sample
//! licence's claims, COSE_Sign1 and QR text. Also writes the certificates
//! the seeds were signed with to `<dir>/trust/` so the `qr_text` and
//! `certificate` targets verify the seeds against the same trust
//! (certificates carry random serial numbers; see `fuzz/src/lib.rs`). When
//! `<dir>/trust/` already holds certificates for the fixed demo keys, they
//! are reused, so earlier corpus entries keep verifying.
//!
//! The `trust_list`, `status_list`, `bundle` and `policy` seeds (signed
//! region and federation lists and their claims, signed status lists, their
//! claims and `lst`, bundle files, the Shanghai policy) are made with the
//! deterministic federation of `fuzz/src/world.rs`, which the targets build
//! identically, so they need no saved certificates.
//!
//! Inputs too slow to mutate (a status list inflating past the 4 MiB limit)
//! go to `regressions/<target>/` beside the corpus directory instead:
//! `scripts/fuzz-smoke.sh` runs each of them once.

use std::fs;
use std::path::{Path, PathBuf};

use elicense::internals::base45;
use elicense::bundle::TrustBundle;
use elicense::demo::Demo;
use elicense::envelope::{sig_structure, ArtifactType, Sign1, QR_PREFIX};
use elicense::alg::SecretKey;
use elicense::pki::Certificate;
use elicense::qr::{EccLevel, QrCode};
use elicense::status::StatusListToken;
use elicense::trust::{FederationTrustList, RegionTrustList};
use elicense::verify::Verdict;

const ROOT_SEED: [u8; 32] = [1; 32];
const AUTHORITY_SEED: [u8; 32] = [2; 32];
/// The time the fuzz targets verify at (`elicense_fuzz::NOW`).
const NOW: i64 = 1_735_689_600;

/// The deterministic federation shared with the fuzz targets.
#[allow(dead_code)]
#[path = "../../src/world.rs"]
mod world;

/// The recognition policy seeded for `policy` and put in the bundle.
const POLICY: &str = include_str!("../../../examples/data/policy-shanghai.json");

fn write(dir: &Path, target: &str, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    let d = dir.join(target);
    fs::create_dir_all(&d)?;
    fs::write(d.join(format!("seed-{name}")), bytes)
}

/// A zlib stream of one fixed-Huffman block inflating to `n` zero bytes,
/// mostly as length-258 matches at distance 1: about 26 KB for 4 MiB. The
/// status-list target once showed that the inflater's fast path grew its
/// buffer past the limit on such a stream; these seeds keep that path in
/// every smoke run.
fn fixed_huffman_zeros(n: usize) -> Vec<u8> {
    struct Bits {
        out: Vec<u8>,
        used: u32,
    }
    impl Bits {
        /// `count` bits of `v`, least significant first (header, extra bits).
        fn lsb(&mut self, v: u32, count: u32) {
            for i in 0..count {
                self.bit((v >> i) & 1);
            }
        }
        /// A Huffman code of `count` bits, most significant first.
        fn code(&mut self, v: u32, count: u32) {
            for i in (0..count).rev() {
                self.bit((v >> i) & 1);
            }
        }
        fn bit(&mut self, b: u32) {
            if self.used % 8 == 0 {
                self.out.push(0);
            }
            *self.out.last_mut().expect("pushed") |= (b as u8) << (self.used % 8);
            self.used += 1;
        }
    }
    let mut w = Bits {
        out: vec![0x78, 0x01],
        used: 0,
    };
    w.lsb(1, 1); // BFINAL
    w.lsb(1, 2); // BTYPE 01: fixed Huffman
    let literal_zero = |w: &mut Bits| w.code(0x30, 8);
    literal_zero(&mut w);
    let mut produced = 1;
    while produced + 258 <= n {
        w.code(0xc0 + 5, 8); // symbol 285: length 258
        w.code(0, 5); // distance code 0: distance 1
        produced += 258;
    }
    while produced < n {
        literal_zero(&mut w);
        produced += 1;
    }
    w.code(0, 7); // symbol 256: end of block

    // Adler-32 of n zero bytes: a stays 1, b = n mod 65521.
    let adler = (((n % 65_521) as u32) << 16) | 1;
    w.out.extend_from_slice(&adler.to_be_bytes());
    w.out
}

fn demo(trust: &Path) -> Demo {
    let root_key = SecretKey::from_seed(&ROOT_SEED);
    let authority_key = SecretKey::from_seed(&AUTHORITY_SEED);
    let saved = (|| {
        let root = Certificate::from_der(&fs::read(trust.join("root.der")).ok()?).ok()?;
        let authority = Certificate::from_der(&fs::read(trust.join("authority.der")).ok()?).ok()?;
        (*root.public_key() == root_key.public_key()
            && *authority.public_key() == authority_key.public_key())
        .then_some((root, authority))
    })();
    match saved {
        Some((root, authority)) => Demo {
            root_key,
            root,
            authority_key,
            authority,
        },
        None => Demo::with_keys(root_key, authority_key).expect("demo setup"),
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .parent()
                .expect("the seed crate lives in fuzz/")
                .join("corpus")
        });
    let trust = dir.join("trust");
    let demo = demo(&trust);
    fs::create_dir_all(&trust)?;
    fs::write(trust.join("root.der"), demo.root.der())?;
    fs::write(trust.join("authority.der"), demo.authority.der())?;

    // Licences: the reference sample, and a citizen licence with an end date.
    let mut licences = vec![("sample", Demo::sample_licence()?)];
    // Specified as JSON, like the sample, so this crate needs no chrono.
    // A residence permit (居住证), with the items its catalogue entry requires.
    let citizen_json = r#"{"type_code":"11100000000012065E010",
        "serial":"7","version":2,
        "holder":{"kind":"citizen","name":"王芳","code":"11010519491231002X"},
        "valid_from":"2024-01-01","valid_until":"2030-12-31","items":[
            {"key":"gender","label":"女"},{"key":"ethnicity","text":"汉"},
            {"key":"birth_date","date":"1949-12-31"},
            {"key":"residence_address","text":"上海市徐汇区漕溪北路88号"}]}"#;
    match elicense::licence::LicenceSpec::from_json(citizen_json)
        .and_then(|s| s.to_licence(elicense::demo::sample_issued_at()))
    {
        Ok(l) => licences.push(("citizen", l)),
        Err(e) => eprintln!("seed: skipping the citizen sample: {e}"),
    }

    let mut n = 0usize;
    let mut put = |target: &str, name: &str, bytes: &[u8]| -> std::io::Result<()> {
        n += 1;
        write(&dir, target, name, bytes)
    };
    for (name, licence) in &licences {
        let claims = licence.to_claims();
        let signed = licence.sign(&elicense::artifact::CertifiedSigner::new(demo.authority.clone(), demo.authority_key.clone())?)?;
        let cose = signed.cose();
        let qr = signed.qr_text();
        // Both QR text forms, whichever one `qr_text` picks: raw COSE, and
        // raw DEFLATE over the dictionary (payload byte 0x01; miniz writes
        // dynamic Huffman blocks, which the library's encoder does not).
        let raw_qr = format!("{QR_PREFIX}{}", base45::encode(cose));
        let zlib = miniz_oxide::deflate::compress_to_vec_zlib(cose, 9);
        let mut dict_payload = vec![elicense::envelope::PAYLOAD_DICTIONARY_1];
        dict_payload.extend(miniz_oxide::deflate::compress_to_vec(cose, 9));
        let zlib_qr = format!("{QR_PREFIX}{}", base45::encode(&dict_payload));
        let sign1 = Sign1::decode(cose, ArtifactType::Licence)?;
        // The seeds must go all the way through the pipeline in the fuzzer.
        for text in [&qr, &raw_qr, &zlib_qr] {
            let report = demo.verifier().verify_qr(text, elicense::UnixTime::from_secs(NOW));
            if report.verdict != Verdict::Valid {
                return Err(format!("seed {name} does not verify: {}", report.to_text()).into());
            }
        }

        put("claims", name, &claims)?;
        put("cose", name, cose)?;
        // The foreign-COSE reader: every input form, untagged, kid unprotected.
        let hc1 = format!("{}{}", elicense::cose::DCC_PREFIX, base45::encode(&zlib));
        let untagged = &cose[1..];
        let mut hex_text = elicense::cose::hex(cose);
        hex_text.push('\n');
        for (form, bytes) in [
            ("binary", cose),
            ("untagged", untagged),
            ("el2", qr.as_bytes()),
            ("hc1", hc1.as_bytes()),
            ("hex", hex_text.as_bytes()),
        ] {
            let key = elicense::cose::VerificationKey::from(demo.authority.public_key().clone());
            let (_, bytes_read) = elicense::cose::read_input(bytes)?;
            elicense::cose::verify(&bytes_read, &key, &Default::default())
                .map_err(|e| format!("foreign_cose seed {name}-{form} does not verify: {e}"))?;
            put("foreign_cose", &format!("{name}-{form}"), bytes)?;
        }
        for (form, text) in [("raw", &raw_qr), ("deflate", &zlib_qr), ("ours", &qr)] {
            let seed = format!("{name}-{form}");
            put("qr_text", &seed, text.as_bytes())?;
            put("base45", &seed, &text.as_bytes()[QR_PREFIX.len()..])?;
            // The payload after its first byte, for `qr_payload`.
            let payload = base45::decode(&text[QR_PREFIX.len()..])?;
            if payload[0] == elicense::envelope::PAYLOAD_DICTIONARY_1 {
                put("qr_payload", &seed, &payload[1..])?;
            }
        }
        put("cbor", &format!("{name}-claims"), &claims)?;
        put("cbor", &format!("{name}-cose"), cose)?;
        put(
            "cbor",
            &format!("{name}-protected"),
            sign1.protected_bytes(),
        )?;
        put(
            "cbor",
            &format!("{name}-sig-structure"),
            &sig_structure(sign1.protected_bytes(), sign1.payload()),
        )?;
    }
    put("qr_text", "empty", QR_PREFIX.as_bytes())?;
    put("qr_text", "version-1", b"EL1:6BFOXN*TS0BI$ZD4N9:9S6RCVN5+O30K3/XIV0W23NTDEXWK G2EP4J0B")?;
    // A bomb through the dictionary: 9000 bytes copied from the
    // dictionary's text, in one fixed-Huffman block of a few dozen bytes.
    let bomb_text = elicense::envelope::to_qr_text(
        &elicense::envelope::DICTIONARY_1[..20_000].iter().copied().cycle().take(9000).collect::<Vec<_>>(),
    );
    let bomb = base45::decode(&bomb_text[QR_PREFIX.len()..])?;
    if bomb[0] != elicense::envelope::PAYLOAD_DICTIONARY_1 || bomb.len() > 300 {
        return Err(format!("the dictionary bomb seed is {} bytes", bomb.len()).into());
    }
    put("qr_payload", "dictionary-bomb", &bomb[1..])?;
    put("qr_text", "dictionary-bomb", bomb_text.as_bytes())?;
    put("base45", "ietf", b"QED8WEX0")?; // RFC 9285: "ietf!"
    put("base45", "hello", b"%69 VD92EX0")?; // RFC 9285: "Hello!!"
                                             // Tag 3 (negative bignum) that fits 64 bits: re-encodes as a plain,
                                             // longer, integer (found by the cbor target).
    put(
        "cbor",
        "bignum",
        &[0xc3, 0x46, 0x46, 0x46, 0x46, 0x49, 0x46, 0x00],
    )?;
    put("foreign_cose", "authority-der", demo.authority.der())?;
    put("foreign_cose", "authority-pem", demo.authority.to_pem().as_bytes())?;
    put("certificate", "root", demo.root.der())?;
    put("certificate", "authority", demo.authority.der())?;

    // Trust lists, status lists and bundles of the deterministic federation,
    // each checked the way its target checks it.
    let w = world::world();
    assert_eq!(world::WORLD_NOW, NOW);
    let federation = w.federation_list();
    let federation_cose = federation.sign(&elicense::artifact::CertifiedSigner::new(w.fed.clone(), w.fed_key.clone())?)?;
    FederationTrustList::verify(&federation_cose, &w.fed)?;
    put("trust_list", "federation", &federation_cose)?;
    put("trust_list", "federation-claims", &federation.to_claims())?;
    put(
        "bundle",
        "federation-only",
        &TrustBundle::new(w.fed.clone(), federation_cose.clone())?.to_bytes(),
    )?;
    let mut bundle = TrustBundle::new(w.fed.clone(), federation_cose)?;
    for r in &w.regions {
        let list = w.region_list(r);
        let cose = list.sign(&elicense::artifact::CertifiedSigner::new(r.root.clone(), r.key.clone())?)?;
        RegionTrustList::verify(&cose, &r.root)?;
        put("trust_list", &format!("region-{}", r.code), &cose)?;
        put(
            "trust_list",
            &format!("region-{}-claims", r.code),
            &list.to_claims(),
        )?;
        bundle.add_region_list(cose)?;
    }
    for r in &w.regions {
        let token = w.status_token(r);
        let cose = token.sign(&elicense::artifact::CertifiedSigner::new(r.authority.clone(), r.authority_key.clone())?)?;
        let subject = world::status_subject(&r.authority);
        let verified = StatusListToken::verify(&cose, &r.authority, &subject, elicense::UnixTime::from_secs(NOW), world::MAX_AGE)?;
        if !verified.freshness.is_fresh() {
            return Err(format!("the status list of {} is stale at NOW", r.code).into());
        }
        put("status_list", &format!("token-{}", r.code), &cose)?;
        put(
            "status_list",
            &format!("claims-{}", r.code),
            &token.to_claims(),
        )?;
        put(
            "status_list",
            &format!("lst-{}", r.code),
            &token.list().compress(),
        )?;
        bundle.add_status_list(cose, elicense::UnixTime::from_secs(NOW))?;
    }
    // A raw `lst` stream inflating one byte past the limit: a regression
    // input, run once per smoke run rather than mutated (with it in the
    // corpus, every mutation inflated up to 4 MiB, and the target's
    // executions in 5 s fell from about 20,000 to 600).
    let len = elicense::status::MAX_LIST_BYTES + 1;
    let z = fixed_huffman_zeros(len);
    let inflated = miniz_oxide::inflate::decompress_to_vec_zlib(&z)
        .map_err(|e| format!("the fixed-Huffman seed does not inflate: {e:?}"))?;
    if inflated.len() != len || inflated.iter().any(|&b| b != 0) {
        return Err("the fixed-Huffman seed inflates to the wrong bytes".into());
    }
    let regressions = dir.with_file_name("regressions").join("status_list");
    fs::create_dir_all(&regressions)?;
    fs::write(regressions.join("lst-fixed-huffman-past-limit"), &z)?;
    bundle.set_policy(POLICY)?;
    let file = bundle.to_bytes();
    if TrustBundle::from_bytes(&file, w.fed.clone(), elicense::UnixTime::from_secs(NOW))?.to_bytes() != file {
        return Err("the seeded bundle does not reload to the same bytes".into());
    }
    put("bundle", "full", &file)?;
    // Licence catalogues: the built-in national one as claims, JSON and
    // signed by the federation root (each must read back in the target).
    let national = elicense::catalogue::Catalogue::national();
    put("catalogue", "national-claims", &national.to_claims())?;
    put("catalogue", "national-json", national.to_json().as_bytes())?;
    let national_cose = national.sign(&elicense::artifact::CertifiedSigner::new(
        w.fed.clone(),
        w.fed_key.clone(),
    )?)?;
    elicense::catalogue::Catalogue::verify(&national_cose, &w.fed, &w.federation_list())?;
    put("catalogue", "national-signed", &national_cose)?;
    put("policy", "shanghai", POLICY.as_bytes())?;
    // Pictures for `qr_image` (first byte: the mode the target reads).
    for (name, text, scale) in [
        ("v1", "EL1:QR", 2usize),
        ("v3", "EL1:SEED-PICTURE-OF-A-SMALL-LICENCE-CODE", 2),
        ("v1-fine", "EL1:1PX", 1),
    ] {
        let qr = QrCode::encode(text, EccLevel::Q)?;
        let mut png = vec![0u8];
        png.extend(qr.to_png(scale as u32)?);
        put("qr_image", &format!("png-{name}"), &png)?;
        // The same picture as a raw luma frame (mode 1: width − 1, pixels).
        let side = (qr.size() + 8) * scale;
        if side <= 256 {
            let mut luma = vec![1u8, (side - 1) as u8];
            for y in 0..side {
                for x in 0..side {
                    let (mx, my) = ((x / scale).checked_sub(4), (y / scale).checked_sub(4));
                    let dark = matches!((mx, my), (Some(mx), Some(my)) if qr.is_dark(mx, my));
                    luma.push(if dark { 0 } else { 255 });
                }
            }
            put("qr_image", &format!("luma-{name}"), &luma)?;
        }
    }
    // A small JPEG of a code (written by scripts/qr-corpus.py --fixtures).
    let mut jpeg = vec![0u8];
    jpeg.extend_from_slice(include_bytes!("../../../tests/data/qr/small-code.jpg"));
    put("qr_image", "jpeg-small-code", &jpeg)?;
    // Seals and sealed signatures (the deterministic seal world of
    // fuzz/src/world.rs): each must verify in the target.
    let sw = world::seal_world();
    let seal = elicense::seal::SignedSeal::decode(&sw.seal)?;
    seal.verify_maker(&sw.maker)?;
    put("seal", "ed25519", &sw.seal)?;
    put("seal", "claims", &seal.seal().to_claims())?;
    put("seal", "picture-svg", seal.seal().picture().data())?;
    let verifier = elicense::seal::verify::SealVerifier::new(elicense::verify::Verifier::new(
        elicense::verify::TrustStore::new(vec![sw.root.clone()], vec![sw.maker.clone()])?,
    ));
    let report = verifier.verify(&sw.signature, world::SEALED_DOCUMENT, elicense::UnixTime::from_secs(NOW));
    if report.verdict != Verdict::Valid {
        return Err(format!("the sealed-signature seed does not verify: {}", report.to_text()).into());
    }
    put("sealed_signature", "ed25519", &sw.signature)?;
    println!("seeded {n} files under {}", dir.display());
    Ok(())
}
