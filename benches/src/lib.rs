//! Shared setup for the elicense benchmarks (`benches/elicense.rs`).
//!
//! Everything is built once, outside the measured loops: the demo region and
//! authority (fixed keys), the reference sample licence, its signed QR text,
//! the exact `Sig_structure` bytes that were signed and their signature, and
//! the rendered QR code.

use elicense::alg::{Algorithm, PublicKey, SecretKey};
use elicense::artifact::CertifiedSigner;
use elicense::demo::Demo;
use elicense::envelope::{from_qr_text, ArtifactType, Sign1};
use elicense::licence::Licence;
use elicense::qr::{EccLevel, QrCode};
use elicense::verify::{Verdict, Verifier};

/// 2025-01-01T00:00:00Z: after the sample's issue date, inside the demo
/// authority certificate's validity.
pub const NOW: i64 = 1_735_689_600;

/// PNG scale (pixels per module) of the rendering and scanning benchmarks.
pub const PNG_SCALE: u32 = 4;

/// The shared benchmark inputs.
pub struct Setup {
    /// Demo region root and authority.
    pub demo: Demo,
    /// The authority's certificate and key, as a signer.
    pub signer: CertifiedSigner,
    /// A verifier trusting the demo region.
    pub verifier: Verifier,
    /// The reference sample licence.
    pub licence: Licence,
    /// Its COSE_Sign1 bytes.
    pub cose: Vec<u8>,
    /// Its `EL1:` QR text.
    pub qr_text: String,
    /// The `Sig_structure` bytes its signature covers.
    pub sig_structure: Vec<u8>,
    /// Its signature.
    pub signature: Vec<u8>,
    /// The authority's public key.
    pub public_key: PublicKey,
    /// The QR code of `qr_text` at ECC level Q.
    pub qr: QrCode,
    /// `qr` rendered as PNG at [`PNG_SCALE`].
    pub png: Vec<u8>,
}

impl Setup {
    /// Builds the inputs (Ed25519) and checks they are what the benchmarks
    /// claim to measure (the sample verifies as VALID, the PNG scans back).
    pub fn new() -> Self {
        Self::with_algorithm(Algorithm::EdDsa)
    }

    /// [`Setup::new`] with the region root and authority keys of `algorithm`
    /// (fixed keys).
    pub fn with_algorithm(algorithm: Algorithm) -> Self {
        let key = |byte: u8| SecretKey::from_bytes(algorithm, &[byte; 32]).expect("a fixed key");
        let demo = Demo::with_keys(key(1), key(2)).expect("demo setup");
        let verifier = demo.verifier();
        let licence = Demo::sample_licence().expect("sample licence");
        let signer = CertifiedSigner::new(demo.authority.clone(), demo.authority_key.clone())
            .expect("the key is the certificate's");
        let signed = licence.sign(&signer).expect("sign the sample");
        let qr_text = signed.qr_text();
        let cose = signed.into_cose();
        assert_eq!(from_qr_text(&qr_text).expect("QR text decodes"), cose);
        let sign1 = Sign1::decode(&cose, ArtifactType::Licence).expect("COSE decodes");
        let sig_structure = sign1.to_be_signed();
        let signature = sign1.signature().to_vec();
        let public_key = demo.authority_key.public_key();
        public_key
            .verify(&sig_structure, &signature)
            .expect("the signature covers these Sig_structure bytes");
        let report = verifier.verify_qr(&qr_text, elicense::UnixTime::from_secs(NOW));
        assert_eq!(report.verdict, Verdict::Valid, "{}", report.to_text());
        let qr = QrCode::encode(&qr_text, EccLevel::Q).expect("QR encodes");
        let png = qr.to_png(PNG_SCALE).expect("PNG renders");
        let scanned = elicense::qr::scan_png(&png).expect("PNG scans");
        assert_eq!(
            scanned,
            vec![qr_text.clone()],
            "the PNG scans back to the QR text"
        );
        Setup {
            demo,
            signer,
            verifier,
            licence,
            cose,
            qr_text,
            sig_structure,
            signature,
            public_key,
            qr,
            png,
        }
    }
}

impl Default for Setup {
    fn default() -> Self {
        Self::new()
    }
}

/// A signed status list of `n` entries (about 1% revoked or suspended) by an
/// authority of the demo region that may sign status lists.
pub struct StatusSetup {
    /// The authority's certificate.
    pub cert: elicense::pki::Certificate,
    /// The token.
    pub token: elicense::status::StatusListToken,
    /// Its signed bytes.
    pub cose: Vec<u8>,
    /// Size of its compressed list (`lst`).
    pub compressed_len: usize,
    subject: String,
}

impl StatusSetup {
    /// Builds it.
    pub fn new(s: &Setup, n: usize) -> Self {
        use elicense::pki::{create_authority, AuthorityParams, Usage};
        use elicense::status::{subject_for, StatusList, StatusListToken};
        let key = SecretKey::from_seed(&[3; 32]);
        let cert = create_authority(
            &s.demo.root_key,
            &s.demo.root,
            &key.public_key(),
            &AuthorityParams {
                name: "status signer".into(),
                credit_code: "11310000002417920A".parse().expect("valid code"),
                usages: vec![Usage::StatusListSigning],
                not_before: s.demo.authority.not_before(),
                not_after: s.demo.authority.not_after(),
                serial_number: Some(vec![3, 3]),
            },
        )
        .expect("certificate");
        let mut list = StatusList::new(2, n).expect("list");
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for i in 0..n as u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            match x % 200 {
                0 => list.revoke(i).expect("revoke"),
                1 => list.suspend(i).expect("suspend"),
                _ => {}
            }
        }
        let compressed_len = list.compress().len();
        let subject = subject_for(&"11310000002417920A".parse().expect("valid code"));
        let token = StatusListToken::new(subject.clone(), NOW - 60, None, Some(86_400), list)
            .expect("token");
        let cose = token
            .sign(
                &elicense::artifact::CertifiedSigner::new(cert.clone(), key.clone())
                    .expect("the key is the certificate's"),
            )
            .expect("sign");
        StatusSetup {
            cert,
            token,
            cose,
            compressed_len,
            subject,
        }
    }

    /// Verifies the signed token (envelope, signature, inflation of the list).
    pub fn verify(&self, now: i64) -> usize {
        elicense::status::StatusListToken::verify(
            &self.cose,
            &self.cert,
            &self.subject,
            elicense::UnixTime::from_secs(now),
            86_400,
        )
        .expect("verifies")
        .token
        .list()
        .len()
    }
}

/// A trust bundle file whose one region list names `n` authorities.
pub struct BundleSetup {
    anchor: elicense::pki::Certificate,
    /// The bundle file.
    pub bytes: Vec<u8>,
}

impl BundleSetup {
    /// Builds it.
    pub fn new(n: usize) -> Self {
        use elicense::bundle::TrustBundle;
        use elicense::pki::{create_authority, AuthorityParams, Usage};
        use elicense::policy::TrustLevel;
        use elicense::trust::{AuthorityState, ListedAuthority, RegionTrustList};
        let (nb, na) = (NOW - 86_400, NOW + 365 * 86_400);
        let Federation {
            anchor,
            federation,
            root,
            root_key: rkey,
        } = Federation::guangdong(60, nb, na);
        let authorities = (0..n)
            .map(|i| {
                let key = SecretKey::from_seed(&{
                    let mut seed = [7u8; 32];
                    seed[..8].copy_from_slice(&(i as u64).to_le_bytes());
                    seed
                });
                let certificate = create_authority(
                    &rkey,
                    &root,
                    &key.public_key(),
                    &AuthorityParams {
                        name: format!("authority {i}"),
                        credit_code: "114400000073356321".parse().expect("code"),
                        usages: vec![Usage::LicenceSigning],
                        not_before: nb,
                        not_after: na,
                        serial_number: Some(vec![1, (i >> 8) as u8, i as u8]),
                    },
                )
                .expect("authority");
                ListedAuthority {
                    certificate,
                    types: vec!["11100000000013338W011".parse().expect("type")],
                    level: TrustLevel::A,
                    state: AuthorityState::Active,
                }
            })
            .collect();
        let region = RegionTrustList {
            region: "440000".parse().expect("region"),
            sequence: 1,
            issued_at: NOW - 60,
            next_update: na,
            authorities,
        }
        .sign(
            &elicense::artifact::CertifiedSigner::new(root.clone(), rkey.clone())
                .expect("the key is the certificate's"),
        )
        .expect("region list");
        let mut bundle = TrustBundle::new(anchor.clone(), federation).expect("bundle");
        bundle
            .add_region_list(region)
            .expect("region list verifies");
        BundleSetup {
            anchor,
            bytes: bundle.to_bytes(),
        }
    }

    /// The pinned federation root the bundle verifies against.
    pub fn anchor_cert(&self) -> elicense::pki::Certificate {
        self.anchor.clone()
    }

    /// Loads and verifies the bundle file.
    pub fn load(&self, bytes: &[u8]) -> usize {
        elicense::bundle::TrustBundle::from_bytes(
            bytes,
            self.anchor.clone(),
            elicense::UnixTime::from_secs(NOW),
        )
        .expect("loads")
        .region_lists()
        .count()
    }
}

/// `licences` licences from `authorities` authorities of one region, each
/// authority with its own status list, in a trust bundle: the input of the
/// batch-verification benchmark (every licence verifies VALID).
pub struct BatchSetup {
    /// A verifier made from the bundle.
    pub verifier: Verifier,
    /// The licences' QR texts, authorities interleaved.
    pub texts: Vec<String>,
}

impl BatchSetup {
    /// Builds it and checks that every licence verifies VALID, alone and in
    /// a batch.
    pub fn new(authorities: usize, licences: usize) -> Self {
        use elicense::bundle::TrustBundle;
        use elicense::identifiers::{mod31_check, CreditCode};
        use elicense::licence::LicenceSpec;
        use elicense::pki::{create_authority, AuthorityParams, Usage};
        use elicense::policy::TrustLevel;
        use elicense::status::{subject_for, StatusList, StatusListToken};
        use elicense::trust::{AuthorityState, ListedAuthority, RegionTrustList};
        let (nb, na) = (NOW - 400 * 86_400, NOW + 365 * 86_400);
        let Federation {
            anchor,
            federation,
            root,
            root_key: rkey,
        } = Federation::guangdong(70, nb, na);
        let per_authority = licences.div_ceil(authorities);
        let mut keys = Vec::new();
        let mut listed = Vec::new();
        for i in 0..authorities {
            let first17 = format!("114400000{:08}", i + 1);
            let code: CreditCode = format!(
                "{first17}{}",
                mod31_check(&first17).expect("valid characters")
            )
            .parse()
            .expect("a valid credit code");
            let key = SecretKey::from_seed(&{
                let mut seed = [72u8; 32];
                seed[..8].copy_from_slice(&(i as u64).to_le_bytes());
                seed
            });
            let certificate = create_authority(
                &rkey,
                &root,
                &key.public_key(),
                &AuthorityParams {
                    name: format!("authority {i}"),
                    credit_code: code.clone(),
                    usages: vec![Usage::LicenceSigning, Usage::StatusListSigning],
                    not_before: nb,
                    not_after: na,
                    serial_number: Some(vec![2, (i >> 8) as u8, i as u8]),
                },
            )
            .expect("authority");
            listed.push(ListedAuthority {
                certificate: certificate.clone(),
                types: vec!["11100000000013338W011".parse().expect("type")],
                level: TrustLevel::A,
                state: AuthorityState::Active,
            });
            keys.push((code, key, certificate));
        }
        let region = RegionTrustList {
            region: "440000".parse().expect("region"),
            sequence: 1,
            issued_at: NOW - 60,
            next_update: na,
            authorities: listed,
        }
        .sign(
            &elicense::artifact::CertifiedSigner::new(root.clone(), rkey.clone())
                .expect("the key is the certificate's"),
        )
        .expect("region list");
        let mut bundle = TrustBundle::new(anchor, federation).expect("bundle");
        bundle.add_region_list(region).expect("region list");
        for (code, key, cert) in &keys {
            let list = StatusList::new(2, per_authority.max(8)).expect("list");
            let token = StatusListToken::new(subject_for(code), NOW - 60, None, Some(86_400), list)
                .expect("token");
            bundle
                .add_status_list(
                    token
                        .sign(
                            &elicense::artifact::CertifiedSigner::new(cert.clone(), key.clone())
                                .expect("the key is the certificate's"),
                        )
                        .expect("sign"),
                    elicense::UnixTime::from_secs(NOW),
                )
                .expect("status list");
        }
        let texts: Vec<String> = (0..licences)
            .map(|n| {
                let (_, key, cert) = &keys[n % authorities];
                let mut spec =
                    LicenceSpec::from_json(elicense::demo::SAMPLE_LICENCE_JSON).expect("sample");
                spec.serial = format!("{n:011}");
                spec.status_index = Some((n / authorities) as u64);
                spec.to_licence(NOW - 86_400)
                    .expect("licence")
                    .sign(
                        &elicense::artifact::CertifiedSigner::new(cert.clone(), key.clone())
                            .expect("the key is the certificate's"),
                    )
                    .expect("sign")
                    .qr_text()
            })
            .collect();
        let verifier = Verifier::from_bundle(bundle).expect("verifier");
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        for (text, r) in texts
            .iter()
            .zip(verifier.verify_qr_batch(&refs, elicense::UnixTime::from_secs(NOW)))
        {
            assert_eq!(r.verdict, Verdict::Valid, "{}", r.to_text());
            let single = verifier.verify_qr(text, elicense::UnixTime::from_secs(NOW));
            assert_eq!(single.verdict, Verdict::Valid, "{}", single.to_text());
        }
        BatchSetup { verifier, texts }
    }

    /// Verifies every licence one by one; returns how many are VALID.
    pub fn one_by_one(&self) -> usize {
        self.texts
            .iter()
            .filter(|t| {
                self.verifier
                    .verify_qr(t, elicense::UnixTime::from_secs(NOW))
                    .verdict
                    == Verdict::Valid
            })
            .count()
    }

    /// Verifies every licence with [`Verifier::verify_qr_batch`]; returns
    /// how many are VALID.
    pub fn batched(&self) -> usize {
        let refs: Vec<&str> = self.texts.iter().map(String::as_str).collect();
        self.verifier
            .verify_qr_batch(&refs, elicense::UnixTime::from_secs(NOW))
            .iter()
            .filter(|r| r.verdict == Verdict::Valid)
            .count()
    }
}

/// A federation whose one region is Guangdong (440000): the federation root
/// (the bundle's anchor), its signed list, and the region root with its key.
struct Federation {
    anchor: elicense::pki::Certificate,
    federation: Vec<u8>,
    root: elicense::pki::Certificate,
    root_key: SecretKey,
}

impl Federation {
    /// Keys from the seeds `[seed; 32]` (federation) and `[seed + 1; 32]`
    /// (region); certificates valid from `nb` to `na`.
    fn guangdong(seed: u8, nb: i64, na: i64) -> Self {
        use elicense::pki::{
            create_federation_root, create_region_root, FederationRootParams, RegionRootParams,
        };
        use elicense::trust::{FederationTrustList, ListedRegion};
        let fkey = SecretKey::from_seed(&[seed; 32]);
        let anchor = create_federation_root(
            &fkey,
            &FederationRootParams {
                name: "federation".into(),
                not_before: nb,
                not_after: na,
                serial_number: Some(vec![seed]),
            },
        )
        .expect("federation root");
        let root_key = SecretKey::from_seed(&[seed + 1; 32]);
        let root = create_region_root(
            &root_key,
            &RegionRootParams {
                region: "440000".parse().expect("region"),
                name: "广东".into(),
                not_before: nb,
                not_after: na,
                serial_number: Some(vec![seed + 1]),
            },
        )
        .expect("region root");
        let federation = FederationTrustList {
            name: "federation".into(),
            sequence: 1,
            issued_at: NOW - 60,
            next_update: na,
            regions: vec![ListedRegion {
                region: "440000".parse().expect("region"),
                name: "广东".into(),
                root: root.clone(),
            }],
        }
        .sign(
            &elicense::artifact::CertifiedSigner::new(anchor.clone(), fkey.clone())
                .expect("the key is the certificate's"),
        )
        .expect("federation list");
        Federation {
            anchor,
            federation,
            root,
            root_key,
        }
    }
}
