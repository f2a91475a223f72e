use super::*;

const RFC8032_SEED: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
const RFC8032_PUB: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

fn test_key() -> SecretKey {
    SecretKey::from_seed(&hex::decode(RFC8032_SEED).unwrap().try_into().unwrap())
}

#[test]
fn rfc8032_test1_signature() {
    let key = test_key();
    assert_eq!(hex::encode(key.public_key().as_bytes()), RFC8032_PUB);
    // RFC 8032 §7.1 TEST 1: empty message.
    assert_eq!(
            hex::encode(key.sign_bytes(b"")),
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
        );
    assert_eq!(key.public_key().verify(b"", &key.sign_bytes(b"")), Ok(()));
}

#[test]
fn pem_round_trip_and_debug_hides_secret() {
    let key = test_key();
    let pem = key.to_pkcs8_pem();
    assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
    let back = SecretKey::from_pkcs8_pem(&pem).unwrap();
    assert_eq!(back.public_key(), key.public_key());
    let dbg = format!("{key:?}");
    assert!(dbg.contains(RFC8032_PUB), "{dbg}");
    assert!(
        !dbg.contains(RFC8032_SEED) && !dbg.contains("9d61b1"),
        "{dbg}"
    );
    let pub_pem = key.public_key().to_pem();
    assert_eq!(PublicKey::from_pem(&pub_pem).unwrap(), key.public_key());
    assert!(matches!(
        SecretKey::from_pkcs8_pem(&pub_pem),
        Err(KeyError::BadPrivateKey(_))
    ));
    assert!(matches!(
        SecretKey::from_pkcs8_pem("garbage"),
        Err(KeyError::BadPrivateKey(_))
    ));
}

/// What `openssl pkey` writes for the RFC 8032 test 1 key (checked with
/// OpenSSL 3.0: `openssl pkey -inform DER` of the 48 bytes below, and
/// `-pubout`).
const OPENSSL_RFC8032_PRIVATE: &str = "-----BEGIN PRIVATE KEY-----\n\
        MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n\
        -----END PRIVATE KEY-----\n";
const OPENSSL_RFC8032_PUBLIC: &str = "-----BEGIN PUBLIC KEY-----\n\
        MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n\
        -----END PUBLIC KEY-----\n";

fn pem_of(label: &str, der: &[u8]) -> String {
    pem::encode_string(label, pem::LineEnding::LF, der).unwrap()
}

#[test]
fn keys_are_written_as_openssl_writes_them() {
    let key = test_key();
    let pem_text = key.to_pkcs8_pem();
    assert_eq!(pem_text.as_str(), OPENSSL_RFC8032_PRIVATE);
    let (_, der) = pem::decode_vec(pem_text.as_bytes()).unwrap();
    assert_eq!(
        hex::encode(&der),
        format!("302e020100300506032b657004220420{RFC8032_SEED}"),
        "PKCS#8 version 1 (INTEGER 0), no attributes, no public key"
    );
    assert_eq!(key.public_key().to_pem(), OPENSSL_RFC8032_PUBLIC);
    assert_eq!(
        SecretKey::from_pkcs8_pem(OPENSSL_RFC8032_PRIVATE)
            .unwrap()
            .public_key(),
        key.public_key()
    );
    assert_eq!(
        PublicKey::from_pem(OPENSSL_RFC8032_PUBLIC).unwrap(),
        key.public_key()
    );
}

#[test]
fn pkcs8_version_2_is_read_when_its_public_key_matches() {
    let key = test_key();
    let v2 = |public: &[u8]| {
        let mut der = hex::decode(format!(
            "3051020101300506032b657004220420{RFC8032_SEED}812100"
        ))
        .unwrap();
        der.extend_from_slice(public);
        pem_of("PRIVATE KEY", &der)
    };
    // What this crate wrote before (ed25519-dalek's v2 encoding) reads back.
    {
        use ed25519_dalek::pkcs8::EncodePrivateKey;
        let Secret::Ed25519(inner) = &key.inner else {
            unreachable!("an Ed25519 key")
        };
        let old = inner.to_pkcs8_pem(pem::LineEnding::LF).unwrap().to_string();
        assert_eq!(old, v2(key.public_key().as_bytes()));
        assert_eq!(
            SecretKey::from_pkcs8_pem(&old).unwrap().public_key(),
            key.public_key()
        );
    }
    let other = SecretKey::from_seed(&[5; 32]).public_key();
    let e = SecretKey::from_pkcs8_pem(&v2(other.as_bytes())).unwrap_err();
    assert!(
        matches!(&e, KeyError::BadPrivateKey(m) if m.contains("not its private key's")),
        "{e}"
    );
    // A 31-byte private key, and one not wrapped in its inner OCTET STRING.
    let mut short = hex::decode(format!("302d020100300506032b65700421041f{RFC8032_SEED}")).unwrap();
    short.pop();
    assert!(matches!(
        SecretKey::from_pkcs8_pem(&pem_of("PRIVATE KEY", &short)),
        Err(KeyError::BadPrivateKey(_))
    ));
    let bare = hex::decode(format!("302c020100300506032b65700420{RFC8032_SEED}")).unwrap();
    assert!(matches!(
        SecretKey::from_pkcs8_pem(&pem_of("PRIVATE KEY", &bare)),
        Err(KeyError::BadPrivateKey(_))
    ));
    // Parameters after the Ed25519 OID (RFC 8410 §3: absent).
    let params = hex::decode(format!(
        "3030020100300706032b6570050004220420{RFC8032_SEED}"
    ))
    .unwrap();
    assert!(matches!(
        SecretKey::from_pkcs8_pem(&pem_of("PRIVATE KEY", &params)),
        Err(KeyError::BadPrivateKey(_))
    ));
}

// Keys of other algorithms, generated with OpenSSL 3.0 (`openssl genpkey
// -algorithm EC -pkeyopt ec_paramgen_curve:P-256`, `-algorithm RSA
// -pkeyopt rsa_keygen_bits:512`, `-algorithm ED448`; `openssl ec` for
// the SEC1 form; `-pubout` for the public key). Test data only.
const P256_PKCS8: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg4PynBz9TL6ao0PGx
2efc2Bet5/T4Pl2ORQlm5QWvfRChRANCAATVsI8SETwmEZE2Kvz00ZKQT9gPKOQI
fZ1yFMPFgvatwH36D4uB32eQWy5kjAxDXps7z1I+JGmJPxm7KxnVk8pV
-----END PRIVATE KEY-----
";
const P256_SEC1: &str = "-----BEGIN EC PRIVATE KEY-----
MHcCAQEEIOD8pwc/Uy+mqNDxsdnn3NgXref0+D5djkUJZuUFr30QoAoGCCqGSM49
AwEHoUQDQgAE1bCPEhE8JhGRNir89NGSkE/YDyjkCH2dchTDxYL2rcB9+g+Lgd9n
kFsuZIwMQ16bO89SPiRpiT8ZuysZ1ZPKVQ==
-----END EC PRIVATE KEY-----
";
const P256_PUBLIC: &str = "-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE1bCPEhE8JhGRNir89NGSkE/YDyjk
CH2dchTDxYL2rcB9+g+Lgd9nkFsuZIwMQ16bO89SPiRpiT8ZuysZ1ZPKVQ==
-----END PUBLIC KEY-----
";
const RSA_PKCS8: &str = "-----BEGIN PRIVATE KEY-----
MIIBVgIBADANBgkqhkiG9w0BAQEFAASCAUAwggE8AgEAAkEAvGzQQLd1XQhBmnPz
JdI8eTS0efmNMLmefQG4NXsN4Q6Tw/JPTDanMjLkSAAjZ1ll67ZlxwbRea4yIx1d
OhfJWQIDAQABAkEAsyWp4r4KwgcliJoRZbY7dOndZdMUoGz6+NN3trFmgsBb1KNt
zlXYww17uZr0ymIWkB8A2tpcCk0nk7CB3ij44QIhAPFQD4N7TMU6skCu2GihWSsG
25VJ73sFkbmlhZJGUVwNAiEAx+SzKzEHb0VAJAqnTgZBCq0Fq4/nLrre9Xem1wMU
c30CIQCqVj4tLHr7ebxbxlACQ2qC4btcfS0rpLnB1uIbZ8GEfQIhAK/9ZtGMJSOO
MN6KkqpbT0B6/RcDZ2L5G/u6EKYVDBhxAiBI4nqZoaUcWut7cXkgfSZz9C73GLXV
azN0nCFMTTRmqQ==
-----END PRIVATE KEY-----
";
const ED448_PKCS8: &str = "-----BEGIN PRIVATE KEY-----
MEcCAQAwBQYDK2VxBDsEOctXLz3ZdEXH4K2cDrgMIypOh/j1jMFqKunXIGUS4rid
UxbhJpAArBehs50BJfC7JWZoJ/DXdgh3qg==
-----END PRIVATE KEY-----
";

#[test]
fn p256_keys_written_by_openssl_are_read() {
    let pkcs8 = SecretKey::from_pkcs8_pem(P256_PKCS8).unwrap();
    let sec1 = SecretKey::from_pkcs8_pem(P256_SEC1).unwrap();
    let public = PublicKey::from_pem(P256_PUBLIC).unwrap();
    assert_eq!(pkcs8.algorithm(), Algorithm::Es256);
    assert_eq!(pkcs8.public_key(), public);
    assert_eq!(sec1.public_key(), public);
    // Written back as OpenSSL wrote it.
    assert_eq!(pkcs8.to_pkcs8_pem().as_str(), P256_PKCS8);
    assert_eq!(public.to_pem(), P256_PUBLIC);
}

#[test]
fn keys_of_other_algorithms_are_named_as_found() {
    let cases = [
        (
            SecretKey::from_pkcs8_pem(RSA_PKCS8).unwrap_err(),
            "rsaEncryption",
        ),
        (SecretKey::from_pkcs8_pem(ED448_PKCS8).unwrap_err(), "Ed448"),
        (
            SecretKey::from_pkcs8_pem(&pem_of("RSA PRIVATE KEY", &[0x30, 0x00])).unwrap_err(),
            "rsaEncryption",
        ),
    ];
    for (e, found) in cases {
        assert_eq!(
            e,
            KeyError::UnsupportedAlgorithm {
                found: found.into()
            }
        );
        assert_eq!(
            e.to_string(),
            format!("the key is {found}; elicense uses Ed25519, SM2 and P-256 keys only")
        );
        assert_eq!(e.reason(), ReasonCode::KeyInvalid);
    }
    assert_eq!(
        algorithm_name_from_oids("1.2.840.10045.2.1", Some("1.3.132.0.34")),
        "id-ecPublicKey (P-384)"
    );
    assert_eq!(
        algorithm_name_from_oids("1.2.840.10045.2.1", Some("1.2.3")),
        "id-ecPublicKey (curve 1.2.3)"
    );
    assert_eq!(
        algorithm_name_from_oids("1.2.3.4", None),
        "algorithm 1.2.3.4"
    );
}

#[test]
fn files_that_are_not_private_keys_say_what_they_are() {
    let says = |pem_text: &str, what: &str| match SecretKey::from_pkcs8_pem(pem_text) {
        Err(KeyError::BadPrivateKey(m)) => assert!(m.contains(what), "{m}"),
        other => panic!("{other:?}"),
    };
    says(
        &pem_of("ENCRYPTED PRIVATE KEY", &[0x30, 0x00]),
        "it is encrypted",
    );
    says(OPENSSL_RFC8032_PUBLIC, "it is a public key");
    says(&pem_of("CERTIFICATE", &[0x30, 0x00]), "it is a certificate");
    says(&pem_of("OPENSSH PRIVATE KEY", b"openssh-key-v1"), "OpenSSH");
    says(&pem_of("X", &[0x30, 0x00]), "labelled \"X\"");
    says(
        &pem_of("PRIVATE KEY", &[0x30, 0x00]),
        "not a PKCS#8 PrivateKeyInfo",
    );
    says("", "not PEM");
    match PublicKey::from_pem(OPENSSL_RFC8032_PRIVATE) {
        Err(KeyError::BadPublicKey(m)) => assert!(m.contains("\"PRIVATE KEY\""), "{m}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn text_around_the_pem_block_is_ignored_and_a_second_block_refused() {
    let key = test_key();
    let with_text = format!(
        "Ed25519 key for tests\r\n{}ED25519 Private-Key:\npriv: …\n",
        OPENSSL_RFC8032_PRIVATE.replace('\n', "\r\n")
    );
    assert_eq!(
        SecretKey::from_pkcs8_pem(&with_text).unwrap().public_key(),
        key.public_key()
    );
    let two = format!("{OPENSSL_RFC8032_PRIVATE}{OPENSSL_RFC8032_PRIVATE}");
    match SecretKey::from_pkcs8_pem(&two) {
        Err(KeyError::BadPrivateKey(m)) => {
            assert!(m.contains("more than one PEM block"), "{m}")
        }
        other => panic!("{other:?}"),
    }
    let public = format!("# public\n{OPENSSL_RFC8032_PUBLIC}\n");
    assert_eq!(PublicKey::from_pem(&public).unwrap(), key.public_key());
    for truncated in [
        "-----BEGIN PRIVATE KEY-----\nMC4CAQAw",
        "-----BEGIN PRIVATE KEY-----\nMC4CAQAw\n-----END PRIV",
        "no PEM here",
    ] {
        assert!(matches!(
            SecretKey::from_pkcs8_pem(truncated),
            Err(KeyError::BadPrivateKey(_))
        ));
    }
}

#[test]
fn key_identifier_is_rfc7093_method_1() {
    // `echo <RFC8032_PUB> | xxd -r -p | sha256sum`, first 40 hex digits.
    assert_eq!(
        hex::encode(test_key().public_key().key_identifier()),
        "21fe31dfa154a261626bf854046fd2271b7bed4b"
    );
}

#[test]
fn non_canonical_signature_refused() {
    let key = test_key();
    let mut sig = key.sign_bytes(b"msg");
    // Add ℓ to S: the same signature in a malleable form.
    let mut carry = 0u16;
    for i in 0..32 {
        let v = sig[32 + i] as u16 + ed25519::ELL[i] as u16 + carry;
        sig[32 + i] = v as u8;
        carry = v >> 8;
    }
    let err = key.public_key().verify(b"msg", &sig).unwrap_err();
    assert_eq!(err, SignatureError::NonCanonical);
    assert_eq!(err.reason(), ReasonCode::SignatureNonCanonical);
    assert!(!ed25519::scalar_is_canonical(&ed25519::ELL));
    let mut below = ed25519::ELL;
    below[0] -= 1;
    assert!(ed25519::scalar_is_canonical(&below));
}

#[test]
fn small_order_key_refused() {
    // The identity point (y = 1) has order 1.
    let mut identity = [0u8; 32];
    identity[0] = 1;
    assert_eq!(PublicKey::from_bytes(&identity), Err(KeyError::WeakKey));
    assert_eq!(KeyError::WeakKey.reason(), ReasonCode::KeyWeak);
    assert_eq!(PublicKey::from_bytes(&[0u8; 31]), Err(KeyError::BadPoint));
}

#[test]
fn altered_signature_and_length() {
    let key = test_key();
    let mut sig = key.sign_bytes(b"msg");
    sig[0] ^= 1;
    assert_eq!(
        key.public_key().verify(b"msg", &sig),
        Err(SignatureError::Invalid)
    );
    assert_eq!(
        key.public_key().verify(b"msg", &sig[..63]),
        Err(SignatureError::BadLength(63))
    );
}

/// A signature of `msg` under the key with `seed`, made by hand with a
/// nonce point R = r·B + `torsion` (the identity gives an honest one).
fn sign_with_torsion(
    seed: &[u8; 32],
    msg: &[u8],
    torsion: curve25519_dalek::edwards::EdwardsPoint,
) -> [u8; 64] {
    use curve25519_dalek::constants::ED25519_BASEPOINT_POINT;
    use curve25519_dalek::scalar::Scalar;
    use sha2::{Digest, Sha512};
    let h = Sha512::digest(seed);
    let mut a = [0u8; 32];
    a.copy_from_slice(&h[..32]);
    a[0] &= 248;
    a[31] &= 127;
    a[31] |= 64;
    let a = Scalar::from_bytes_mod_order(a);
    let public = (ED25519_BASEPOINT_POINT * a).compress();
    assert_eq!(
        public.as_bytes(),
        SecretKey::from_seed(seed).public_key().as_bytes()
    );
    let r = Scalar::from_bytes_mod_order_wide(&Sha512::digest(msg).into());
    let big_r = (ED25519_BASEPOINT_POINT * r + torsion).compress();
    let mut hram = Sha512::new();
    hram.update(big_r.as_bytes());
    hram.update(public.as_bytes());
    hram.update(msg);
    let k = Scalar::from_bytes_mod_order_wide(&hram.finalize().into());
    let s = r + k * a;
    let mut sig = [0u8; 64];
    sig[..32].copy_from_slice(big_r.as_bytes());
    sig[32..].copy_from_slice(s.as_bytes());
    sig
}

#[test]
fn batch_accepts_good_signatures_and_refuses_any_bad_one() {
    let keys: Vec<SecretKey> = (1..=5u8).map(|i| SecretKey::from_seed(&[i; 32])).collect();
    let messages: Vec<Vec<u8>> = (0..40u8).map(|i| vec![i; 10 + i as usize]).collect();
    let signer = |i: usize| &keys[i % keys.len()];
    let mut sigs: Vec<[u8; 64]> = (0..messages.len())
        .map(|i| signer(i).sign_bytes(&messages[i]))
        .collect();
    let publics: Vec<PublicKey> = (0..messages.len())
        .map(|i| signer(i).public_key())
        .collect();
    let run = |sigs: &[[u8; 64]]| {
        let m: Vec<&[u8]> = messages.iter().map(|m| &m[..]).collect();
        let s: Vec<&[u8]> = sigs.iter().map(|s| &s[..]).collect();
        verify_batch(&m, &s, &publics.iter().collect::<Vec<_>>())
    };
    assert_eq!(run(&sigs), Ok(()));
    // One altered signature fails the whole batch.
    sigs[17][40] ^= 0x01;
    assert_eq!(run(&sigs), Err(SignatureError::Invalid));
    sigs[17][40] ^= 0x01;
    // A signature under another key fails it too.
    sigs[3] = keys[4].sign_bytes(&messages[3]);
    assert_eq!(run(&sigs), Err(SignatureError::Invalid));
    sigs[3] = signer(3).sign_bytes(&messages[3]);
    assert_eq!(run(&sigs), Ok(()));
    // S + ℓ: refused before the equation, as by verify_strict.
    let mut carry = 0u16;
    for i in 0..32 {
        let v = sigs[9][32 + i] as u16 + ed25519::ELL[i] as u16 + carry;
        sigs[9][32 + i] = v as u8;
        carry = v >> 8;
    }
    assert_eq!(run(&sigs), Err(SignatureError::NonCanonical));
    sigs[9] = signer(9).sign_bytes(&messages[9]);
    // Lengths must agree.
    let m: Vec<&[u8]> = messages.iter().map(|m| &m[..]).collect();
    let s: Vec<&[u8]> = sigs.iter().map(|s| &s[..]).collect();
    assert_eq!(
        verify_batch(&m[1..], &s, &publics.iter().collect::<Vec<_>>()),
        Err(SignatureError::Invalid)
    );
    let mut short = s.clone();
    short[0] = &sigs[0][..63];
    assert_eq!(
        verify_batch(&m, &short, &publics.iter().collect::<Vec<_>>()),
        Err(SignatureError::BadLength(63))
    );
    assert_eq!(verify_batch(&[], &[], &[]), Ok(()));
}

#[test]
fn batch_refuses_non_canonical_and_small_order_r() {
    let key = test_key();
    let sig = key.sign_bytes(b"msg");
    let one = |sig: &[u8; 64]| verify_batch(&[b"msg"], &[&sig[..]], &[&key.public_key()]);
    assert_eq!(one(&sig), Ok(()));
    // R = the identity (small order): refused, as by verify_strict.
    let mut small = sig;
    small[..32].copy_from_slice(&{
        let mut id = [0u8; 32];
        id[0] = 1;
        id
    });
    assert_eq!(one(&small), Err(SignatureError::Invalid));
    assert_eq!(
        key.public_key().verify(b"msg", &small),
        Err(SignatureError::Invalid)
    );
    // A non-canonical encoding of R: y + p for a small y whose point is
    // on the curve and not of small order. It decodes, but is not how
    // that point encodes.
    let p_plus = |y: u8| {
        let mut b = [0xffu8; 32];
        b[0] = 0xed + y; // p = 2^255 - 19 = 0x7fff…ffed (little-endian)
        b[31] = 0x7f;
        b
    };
    let y = (2..19u8)
        .find(|&y| {
            curve25519_dalek::edwards::CompressedEdwardsY(p_plus(y))
                .decompress()
                .is_some_and(|pt| !pt.is_small_order())
        })
        .expect("some y < 19 lies on the curve");
    let mut non_canonical = sig;
    non_canonical[..32].copy_from_slice(&p_plus(y));
    assert_eq!(one(&non_canonical), Err(SignatureError::Invalid));
    assert_eq!(
        key.public_key().verify(b"msg", &non_canonical),
        Err(SignatureError::Invalid)
    );
}

#[test]
fn y_canonical_boundary() {
    let mut p = [0xffu8; 32];
    p[0] = 0xed;
    p[31] = 0x7f; // p itself
    assert!(!ed25519::y_is_canonical(&p));
    p[31] = 0xff; // p with the sign bit set
    assert!(!ed25519::y_is_canonical(&p));
    p[0] = 0xec; // p − 1, either sign
    assert!(ed25519::y_is_canonical(&p));
    p[31] = 0x7f;
    assert!(ed25519::y_is_canonical(&p));
    p[0] = 0xff; // 2^255 − 1
    assert!(!ed25519::y_is_canonical(&p));
    p[15] = 0xfe;
    assert!(ed25519::y_is_canonical(&p));
    assert!(ed25519::y_is_canonical(&[0u8; 32]));
}

#[test]
fn keys_outside_the_prime_order_subgroup_are_weak() {
    use curve25519_dalek::constants::EIGHT_TORSION;
    use curve25519_dalek::edwards::CompressedEdwardsY;
    let key = test_key().public_key();
    let point = CompressedEdwardsY(key.as_bytes().try_into().unwrap())
        .decompress()
        .unwrap();
    for t in &EIGHT_TORSION[1..] {
        let mixed = (point + t).compress();
        assert_eq!(
            PublicKey::from_bytes(mixed.as_bytes()),
            Err(KeyError::WeakKey)
        );
        // verify_strict's own rule (small order only) lets it through.
        assert!(ed25519::public_key_small_order_checked(mixed.as_bytes()).is_ok());
    }
    assert_eq!(PublicKey::from_bytes(key.as_bytes()), Ok(key));
}

/// The one documented disagreement: a signature whose R carries a
/// small-order component, which only the key's holder can make. Strict
/// verification refuses it every time; the batch equation cancels the
/// component when the coefficient drawn for it is even (the order-2
/// point), so some of these pass a batch. The coefficients are derived
/// from the inputs, so the outcome for each message is fixed.
#[test]
fn torsion_in_r_is_refused_alone_and_can_pass_a_batch() {
    use curve25519_dalek::constants::EIGHT_TORSION;
    let seed = [9u8; 32];
    let public = SecretKey::from_seed(&seed).public_key();
    // The hand-made signer is right: with no torsion it verifies.
    let honest = sign_with_torsion(&seed, b"honest", EIGHT_TORSION[0]);
    assert_eq!(public.verify(b"honest", &honest), Ok(()));
    let mut passed_batch = 0;
    for i in 0..16u8 {
        let msg = [b'm', i];
        let sig = sign_with_torsion(&seed, &msg, EIGHT_TORSION[4]);
        assert_eq!(public.verify(&msg, &sig), Err(SignatureError::Invalid));
        if verify_batch(&[&msg], &[&sig], &[&public]).is_ok() {
            passed_batch += 1;
        }
    }
    assert!(
        (1..16).contains(&passed_batch),
        "{passed_batch} of 16 passed a batch"
    );
}

// ---------------------------------------------------------------------------
// SM2-SM3 and ES256.

/// `openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2` (OpenSSL
/// 3.0.19); test data only.
const OPENSSL_SM2_KEY: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqBHM9VAYItBG0wawIBAQQgQiRnxs5ENuplPvbJ
pw7CJ0N5vi7lUNMrCK6Wv2LXcm+hRANCAATZBt9/hrb+I812X1z/l/ylgV6l/+M2
rqeoifNwu3MA2ksFMUtninBTYf0cDLrXCcrQBJ+M2Zq6zpLvF5e+llH/
-----END PRIVATE KEY-----
";
/// `openssl pkey -pubout -outform DER` of that key.
const OPENSSL_SM2_SPKI: &str = "3059301306072a8648ce3d020106082a811ccf5501822d03420004d906df7f86b6fe23cd765f5cff97fca5815ea5ffe336aea7a889f370bb7300da4b05314b678a705361fd1c0cbad709cad0049f8cd99abace92ef1797be9651ff";
/// `openssl pkeyutl -sign -rawin -digest sm3 -pkeyopt
/// distid:1234567812345678` of "hello" with that key (DER).
const OPENSSL_SM2_SIG: &str = "304402203ea298c35bd8f8dec33b8a4a71d403ba04d805472dec7b98f22ef159be373b10022043c5288f8b37880714c5cb418c02167b8631eae36191fa4f8f8c686ca77ba66c";
/// `openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256`, and
/// `openssl pkeyutl -sign -rawin -digest sha256` of "hello" with it.
const OPENSSL_P256_KEY: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgIwlNoGcbrPmQvBeN
l/wx2ObpmF5KqOYw1WYR4nu9gpmhRANCAAQCV8dNh6hJxFXFXm02wls8gfhI02py
XhqTfP5Xle0ND4OmV6VZLG3CWGVXiErQhqkKXdI/5aF+Hfc2ak74D9TQ
-----END PRIVATE KEY-----
";
const OPENSSL_P256_SIG: &str = "3045022100e2d622e2656b621a70383456e9a28256a20b5bf113ab6afbc04259c6a221344d022073e0bd9679a3f4d319e4d9e664377e09db54f2f802181541106379dc6dd7cb7a";

fn sm2_key() -> SecretKey {
    SecretKey::from_pkcs8_pem(OPENSSL_SM2_KEY).unwrap()
}

#[test]
fn the_table_is_consistent() {
    for a in Algorithm::ALL {
        let spec = a.spec();
        assert_eq!(spec.algorithm, a);
        assert_eq!(Algorithm::from_cose_id(spec.cose_id), Some(a));
        assert_eq!(Algorithm::from_name(spec.name), Some(a));
        assert_eq!(spec.signature_len, 64);
    }
    assert_eq!(Algorithm::from_cose_id(-37), None, "PS256 is not accepted");
    const _: () = assert!(
        COSE_ALG_SM2_SM3 < -65536,
        "private-use range (RFC 9053 §16.4)"
    );
    // The DER in the table is the OIDs it names.
    assert_eq!(
        hex::encode(Algorithm::Sm2Sm3.spec().x509_signature_der),
        "06082a811ccf55018375"
    );
}

#[test]
fn sm2_keys_and_signatures_of_openssl_are_read_and_verified() {
    let key = sm2_key();
    assert_eq!(key.algorithm(), Algorithm::Sm2Sm3);
    // Written back byte for byte as OpenSSL wrote it.
    assert_eq!(key.to_pkcs8_pem().as_str(), OPENSSL_SM2_KEY);
    let public = PublicKey::from_spki_der(&hex::decode(OPENSSL_SM2_SPKI).unwrap()).unwrap();
    assert_eq!(public, key.public_key());
    assert_eq!(hex::encode(public.to_spki_der()), OPENSSL_SM2_SPKI);
    // OpenSSL's signature (default distinguishing identifier, DER) verifies.
    let raw = der_to_raw(&hex::decode(OPENSSL_SM2_SIG).unwrap()).unwrap();
    assert_eq!(public.verify(b"hello", &raw), Ok(()));
    assert_eq!(public.verify(b"hellO", &raw), Err(SignatureError::Invalid));
    // Ours verifies under ours and round-trips through DER.
    let sig = key.sign_bytes(b"hello");
    assert_eq!(public.verify(b"hello", &sig), Ok(()));
    assert_eq!(der_to_raw(&raw_to_der(&sig)), Ok(sig));
    // A DER signature where COSE wants r ‖ s is named as such.
    assert_eq!(
        public.verify(b"hello", &hex::decode(OPENSSL_SM2_SIG).unwrap()),
        Err(SignatureError::DerInCose)
    );
    assert_eq!(
        SignatureError::DerInCose.reason(),
        ReasonCode::SignatureInvalid
    );
}

#[test]
fn sm2_with_another_distinguishing_identifier_does_not_verify() {
    use sm2::dsa::signature::Signer as _;
    let Secret::Sm2(k) = &sm2_key().inner else {
        unreachable!("an SM2 key")
    };
    let secret = sm2::SecretKey::from(k.as_nonzero_scalar());
    let other = sm2::dsa::SigningKey::new("ALICE123@YAHOO.COM", &secret).unwrap();
    let sig: sm2::dsa::Signature = other.sign(b"hello");
    assert_eq!(
        sm2_key().public_key().verify(b"hello", &sig.to_bytes()),
        Err(SignatureError::Invalid)
    );
}

/// The SM2 and P-256 group orders, big-endian.
const SM2_N: &str = "fffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123";
const P256_N: &str = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551";

#[test]
fn r_or_s_zero_or_not_below_n_is_refused_before_any_arithmetic() {
    for (key, n) in [
        (sm2_key(), SM2_N),
        (SecretKey::from_pkcs8_pem(OPENSSL_P256_KEY).unwrap(), P256_N),
    ] {
        let public = key.public_key();
        let good = key.sign_bytes(b"m");
        let n: [u8; 32] = hex::decode(n).unwrap().try_into().unwrap();
        for (half, value) in [
            (0, [0u8; 32]),
            (1, [0u8; 32]),
            (0, n),
            (1, n),
            (1, [0xff; 32]),
        ] {
            let mut sig = good;
            sig[half * 32..half * 32 + 32].copy_from_slice(&value);
            assert_eq!(
                public.verify(b"m", &sig),
                Err(SignatureError::OutOfRange),
                "{} half {half}",
                key.algorithm()
            );
        }
        assert_eq!(
            public.verify(b"m", &good[..63]),
            Err(SignatureError::BadLength(63))
        );
    }
}

#[test]
fn es256_reads_openssl_accepts_high_s_and_writes_low_s() {
    let key = SecretKey::from_pkcs8_pem(OPENSSL_P256_KEY).unwrap();
    assert_eq!(key.to_pkcs8_pem().as_str(), OPENSSL_P256_KEY);
    let public = key.public_key();
    let raw = der_to_raw(&hex::decode(OPENSSL_P256_SIG).unwrap()).unwrap();
    assert_eq!(public.verify(b"hello", &raw), Ok(()));
    // s' = n − s verifies too (other ecosystems produce either).
    let high = |sig: &[u8; 64]| {
        use p256::elliptic_curve::ops::Reduce;
        let s = <p256::Scalar as Reduce<p256::U256>>::reduce_bytes(sig[32..].into());
        let mut out = *sig;
        out[32..].copy_from_slice(&(-s).to_bytes());
        out
    };
    let flipped = high(&raw);
    assert_ne!(flipped, raw);
    assert_eq!(public.verify(b"hello", &flipped), Ok(()));
    // Ours are low-S: s ≤ n/2, so flipping gives the high form.
    for m in 0..16u8 {
        let sig = key.sign_bytes(&[m]);
        assert_eq!(public.verify(&[m], &sig), Ok(()));
        assert!(high(&sig)[32..] > sig[32..], "message {m}: high S written");
    }
}

#[test]
fn points_off_the_curve_the_identity_and_curve_confusion_are_refused() {
    let spki = hex::decode(OPENSSL_SM2_SPKI).unwrap();
    let point = &spki[spki.len() - 65..];
    let mut off = point.to_vec();
    off[64] ^= 1;
    for alg in [Algorithm::Sm2Sm3, Algorithm::Es256] {
        assert_eq!(PublicKey::from_raw(alg, &off), Err(KeyError::BadPoint));
        assert_eq!(PublicKey::from_raw(alg, &[0x00]), Err(KeyError::BadPoint));
        let mut compressed = vec![0x02 | (point[64] & 1)];
        compressed.extend_from_slice(&point[1..33]);
        assert_eq!(
            PublicKey::from_raw(alg, &compressed),
            Err(KeyError::BadPoint)
        );
    }
    // The SM2 point under the P-256 curve OID is not a P-256 point, and
    // the P-256 key under the SM2 OID is not an SM2 point.
    assert_eq!(
        PublicKey::from_raw(Algorithm::Es256, point),
        Err(KeyError::BadPoint)
    );
    let mut as_p256 = spki.clone();
    let sm2_oid = hex::decode("2a811ccf5501822d").unwrap();
    let p256_oid = hex::decode("2a8648ce3d030107").unwrap();
    let at = spki.windows(8).position(|w| w == sm2_oid).unwrap();
    as_p256[at..at + 8].copy_from_slice(&p256_oid);
    assert_eq!(PublicKey::from_spki_der(&as_p256), Err(KeyError::BadPoint));
    let p256_point = SecretKey::from_pkcs8_pem(OPENSSL_P256_KEY)
        .unwrap()
        .public_key();
    assert_eq!(
        PublicKey::from_raw(Algorithm::Sm2Sm3, p256_point.as_bytes()),
        Err(KeyError::BadPoint)
    );
    // GmSSL's form, with the SM2 OID as the key algorithm, is read.
    let gmssl = {
        let body = [
            &[0x30, 0x0a][..],
            OID_SM2_AS_KEY_ALGORITHM_DER,
            &[0x03, 0x42, 0x00],
            point,
        ]
        .concat();
        [&[0x30, body.len() as u8][..], &body].concat()
    };
    assert_eq!(
        PublicKey::from_spki_der(&gmssl).unwrap(),
        sm2_key().public_key()
    );
}

#[test]
fn the_header_alg_must_be_the_keys() {
    let ed = test_key();
    let sig = ed.sign_bytes(b"m");
    let e = verify_as(Algorithm::Es256, &ed.public_key(), b"m", &sig).unwrap_err();
    assert_eq!(
        e,
        SignatureError::AlgorithmMismatch {
            header: Algorithm::Es256,
            key: Algorithm::EdDsa
        }
    );
    assert_eq!(e.reason(), ReasonCode::AlgKeyMismatch);
    assert_eq!(
        verify_as(Algorithm::EdDsa, &ed.public_key(), b"m", &sig),
        Ok(())
    );
    // An Ed25519 signature under an SM2 key is refused, never tried as Ed25519.
    assert_eq!(
        verify_as(Algorithm::EdDsa, &sm2_key().public_key(), b"m", &sig),
        Err(SignatureError::AlgorithmMismatch {
            header: Algorithm::EdDsa,
            key: Algorithm::Sm2Sm3
        })
    );
}

#[test]
fn der_signatures_are_strict() {
    let raw = sm2_key().sign_bytes(b"x");
    let der = raw_to_der(&raw);
    assert_eq!(der_to_raw(&der), Ok(raw));
    let bad = |h: &str| der_to_raw(&hex::decode(h).unwrap());
    // Trailing byte, negative r, non-minimal r, empty r, wrong outer tag.
    let mut trailing = der.clone();
    trailing.push(0);
    assert_eq!(der_to_raw(&trailing), Err(SignatureError::Malformed));
    assert_eq!(bad("3006020180020101"), Err(SignatureError::Malformed));
    assert_eq!(bad("300702020001020101"), Err(SignatureError::Malformed));
    assert_eq!(bad("30050200020101"), Err(SignatureError::Malformed));
    assert_eq!(bad("3106020101020101"), Err(SignatureError::Malformed));
    assert_eq!(
        bad("3006020101020101"),
        Ok({
            let mut r = [0u8; 64];
            r[31] = 1;
            r[63] = 1;
            r
        })
    );
    // An HSM's DER answer is converted for COSE; anything else is refused.
    let key = sm2_key().public_key();
    assert_eq!(signature_for_cose(&key, &der), Ok(raw));
    assert_eq!(
        signature_for_cose(&test_key().public_key(), &der),
        Err(SignatureError::BadLength(der.len()))
    );
}

#[test]
fn every_algorithm_generates_round_trips_and_signs() {
    for a in Algorithm::ALL {
        let key = SecretKey::generate(a).unwrap();
        assert_eq!(key.algorithm(), a);
        let back = SecretKey::from_pkcs8_pem(&key.to_pkcs8_pem()).unwrap();
        assert_eq!(back.public_key(), key.public_key());
        let public = PublicKey::from_pem(&key.public_key().to_pem()).unwrap();
        assert_eq!(public.algorithm(), a);
        assert_eq!(public.as_bytes().len(), a.spec().public_key_len);
        let sig = back.sign_bytes(b"payload");
        assert_eq!(verify_as(a, &public, b"payload", &sig), Ok(()));
        assert!(!format!("{key:?}").contains(&hex::encode(&key.to_pkcs8_der()[..])));
    }
    for bad in [[0u8; 32], [0xff; 32]] {
        assert_eq!(
            SecretKey::from_bytes(Algorithm::Sm2Sm3, &bad).unwrap_err(),
            KeyError::BadScalar
        );
    }
}
