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
