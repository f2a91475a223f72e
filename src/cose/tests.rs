//! Unit tests of the foreign COSE_Sign1 verifier: header rules (RFC 9052
//! §3), tags, strict CBOR, input forms and their limits, certificates and
//! keys, PS256. Public vectors (EU DCC, cose-wg) are in
//! tests/cose_vectors.rs.

use ciborium::Value;

use super::*;
use crate::alg::SecretKey;

fn int(i: i64) -> Value {
    Value::Integer(i.into())
}

fn text(t: &str) -> Value {
    Value::Text(t.into())
}

fn bytes(b: &[u8]) -> Value {
    Value::Bytes(b.to_vec())
}

const PAYLOAD: &[u8] = b"a payload from elsewhere";

fn key(alg: Algorithm) -> SecretKey {
    SecretKey::from_bytes(alg, &[7; 32]).unwrap()
}

/// A COSE_Sign1 with these header maps (the protected one encoded as
/// given), signed by `signer`, wrapped by `wrap`.
fn message(
    signer: &SecretKey,
    protected: Vec<(Value, Value)>,
    unprotected: Vec<(Value, Value)>,
    wrap: impl Fn(Value) -> Value,
) -> Vec<u8> {
    let protected = if protected.is_empty() {
        Vec::new()
    } else {
        cbor::encode(&Value::Map(protected))
    };
    let sign1 = CoseSign1 {
        protected: protected.clone(),
        algorithm: CoseAlgorithm::Profile(signer.algorithm()),
        kid: None,
        tagging: Tagging::Tagged,
        payload: PAYLOAD.to_vec(),
        signature: Vec::new(),
    };
    let signature = signer.sign_bytes(&sign1.to_be_signed(&[]));
    cbor::encode(&wrap(Value::Array(vec![
        Value::Bytes(protected),
        Value::Map(unprotected),
        bytes(PAYLOAD),
        bytes(&signature),
    ])))
}

fn tag18(v: Value) -> Value {
    Value::Tag(18, Box::new(v))
}

fn alg_header(signer: &SecretKey) -> Vec<(Value, Value)> {
    vec![(int(1), int(signer.algorithm().cose_id()))]
}

fn verify_with(cose: &[u8], signer: &SecretKey) -> Result<Verified, CoseError> {
    verify(
        cose,
        &VerificationKey::from(signer.public_key()),
        &CoseOptions::default(),
    )
}

fn reason(r: Result<Verified, CoseError>) -> ReasonCode {
    r.expect_err("refused").reason()
}

#[test]
fn each_profile_algorithm_verifies_with_kid_in_either_bucket() {
    for alg in Algorithm::ALL {
        let k = key(alg);
        let mut protected = alg_header(&k);
        protected.push((int(4), bytes(b"signer-1")));
        let ok = verify_with(&message(&k, protected, vec![], tag18), &k).unwrap();
        assert_eq!(ok.algorithm, CoseAlgorithm::Profile(alg));
        assert_eq!(
            ok.kid,
            Some(Kid {
                bytes: b"signer-1".to_vec(),
                protected: true
            })
        );
        assert_eq!(ok.payload, PAYLOAD);

        let unprotected = vec![(int(4), bytes(b"k"))];
        let ok = verify_with(&message(&k, alg_header(&k), unprotected, tag18), &k).unwrap();
        assert_eq!(
            ok.kid,
            Some(Kid {
                bytes: b"k".to_vec(),
                protected: false
            })
        );
        let ok = verify_with(&message(&k, alg_header(&k), vec![], tag18), &k).unwrap();
        assert_eq!(ok.kid, None);
    }
}

#[test]
fn tags() {
    let k = key(Algorithm::Es256);
    let cose = |wrap: fn(Value) -> Value| message(&k, alg_header(&k), vec![], wrap);
    let ok = verify_with(&cose(|v| v), &k).unwrap();
    assert_eq!(ok.tagging, Tagging::Untagged);
    let ok = verify_with(&cose(|v| Value::Tag(61, Box::new(tag18(v)))), &k).unwrap();
    assert_eq!(ok.tagging, Tagging::CwtTagged);
    // Tag 98 is COSE_Sign (several signers), 17 COSE_Mac0.
    for t in [98, 17, 0] {
        let e = verify_with(
            &message(&k, alg_header(&k), vec![], |v| Value::Tag(t, Box::new(v))),
            &k,
        )
        .unwrap_err();
        assert_eq!(e, CoseError::WrongTag(t));
        assert_eq!(e.reason(), ReasonCode::CoseMalformed);
    }
    // The CWT tag must wrap a tagged COSE_Sign1.
    let e = verify_with(&cose(|v| Value::Tag(61, Box::new(v))), &k).unwrap_err();
    assert_eq!(e.reason(), ReasonCode::CoseMalformed);
    let e = verify_with(
        &cose(|v| Value::Tag(61, Box::new(Value::Tag(98, Box::new(v))))),
        &k,
    )
    .unwrap_err();
    assert_eq!(e, CoseError::WrongTag(98));
    let e = verify_with(&cose(|v| tag18(tag18(v))), &k).unwrap_err();
    assert_eq!(
        e.to_string(),
        "not a COSE_Sign1: tag 18 does not hold an array"
    );
}

#[test]
fn alg_rules() {
    let k = key(Algorithm::EdDsa);
    // Only unprotected: refused, even with the right value.
    let cose = message(&k, vec![], alg_header(&k), tag18);
    assert_eq!(
        reason(verify_with(&cose, &k)),
        ReasonCode::CoseAlgUnprotected
    );
    // In both buckets: ambiguous.
    let cose = message(&k, alg_header(&k), alg_header(&k), tag18);
    let e = verify_with(&cose, &k).unwrap_err();
    assert_eq!(
        e.to_string(),
        "not a COSE_Sign1: label 1 is in both the protected and the unprotected header"
    );
    // Absent.
    let cose = message(&k, vec![(int(4), bytes(b"x"))], vec![], tag18);
    assert_eq!(reason(verify_with(&cose, &k)), ReasonCode::CoseAlgMissing);
    // A name instead of a number, and a value of the wrong type.
    let cose = message(&k, vec![(int(1), text("EdDSA"))], vec![], tag18);
    let e = verify_with(&cose, &k).unwrap_err();
    assert_eq!(e, CoseError::AlgUnsupported("\"EdDSA\"".into()));
    let cose = message(&k, vec![(int(1), bytes(&[0xf8]))], vec![], tag18);
    assert_eq!(reason(verify_with(&cose, &k)), ReasonCode::CoseMalformed);
    // An unregistered number beyond i64.
    let cose = message(
        &k,
        vec![(int(1), Value::Integer((-(1i128 << 64)).try_into().unwrap()))],
        vec![],
        tag18,
    );
    assert_eq!(
        verify_with(&cose, &k).unwrap_err(),
        CoseError::AlgUnsupported("-18446744073709551616".into())
    );
    // A registered algorithm this verifier does not implement is named.
    let cose = message(&k, vec![(int(1), int(-36))], vec![], tag18);
    assert_eq!(
        verify_with(&cose, &k).unwrap_err().to_string(),
        "the algorithm ES512 (-36) is not supported"
    );
}

#[test]
fn crit_rules() {
    let k = key(Algorithm::Es256);
    let with_crit = |crit: Value| {
        let mut p = alg_header(&k);
        p.push((int(2), crit));
        p.push((int(4), bytes(b"1")));
        message(&k, p, vec![], tag18)
    };
    // Labels RFC 9052 defines are understood.
    let ok = verify_with(&with_crit(Value::Array(vec![int(1), int(4)])), &k).unwrap();
    assert_eq!(ok.algorithm.name(), "ES256");
    // Counter signatures (7), typ (16), an application's label: not understood.
    for (crit, label) in [
        (int(7), "label 7"),
        (int(16), "label 16"),
        (int(-70000), "label -70000"),
        (text("exp"), "label \"exp\""),
    ] {
        let e = verify_with(&with_crit(Value::Array(vec![int(1), crit])), &k).unwrap_err();
        assert_eq!(e, CoseError::Critical(label.into()));
        assert_eq!(e.reason(), ReasonCode::CoseCriticalHeader);
    }
    // Empty, not an array, a label of the wrong type: malformed.
    for crit in [
        Value::Array(vec![]),
        int(1),
        Value::Array(vec![bytes(b"1")]),
    ] {
        assert_eq!(
            reason(verify_with(&with_crit(crit), &k)),
            ReasonCode::CoseMalformed
        );
    }
    // In the unprotected header: malformed, whatever it lists.
    let cose = message(
        &k,
        alg_header(&k),
        vec![(int(2), Value::Array(vec![int(1)]))],
        tag18,
    );
    assert_eq!(
        verify_with(&cose, &k).unwrap_err().to_string(),
        "not a COSE_Sign1: crit is in the unprotected header (RFC 9052 §3.1: protected only)"
    );
}

#[test]
fn header_shapes() {
    let k = key(Algorithm::Es256);
    // kid of the wrong type, in either bucket; kid in both.
    for (p, u) in [
        (vec![(int(4), text("k"))], vec![]),
        (vec![], vec![(int(4), int(3))]),
        (vec![(int(4), bytes(b"a"))], vec![(int(4), bytes(b"a"))]),
    ] {
        let mut protected = alg_header(&k);
        protected.extend(p);
        let cose = message(&k, protected, u, tag18);
        assert_eq!(reason(verify_with(&cose, &k)), ReasonCode::CoseMalformed);
    }
    // A byte-string label.
    let cose = message(&k, alg_header(&k), vec![(bytes(b"l"), int(1))], tag18);
    assert_eq!(
        verify_with(&cose, &k).unwrap_err().to_string(),
        "not a COSE_Sign1: a label of the unprotected header is neither an integer nor text"
    );
    // Text labels and other parameters are carried and ignored.
    let cose = message(
        &k,
        vec![(int(1), int(-7)), (int(3), int(61)), (text("x"), int(1))],
        vec![(text("note"), text("hi")), (int(33), bytes(b"chain"))],
        tag18,
    );
    assert!(verify_with(&cose, &k).is_ok());
}

#[test]
fn structure() {
    let k = key(Algorithm::Es256);
    let good = message(&k, alg_header(&k), vec![], tag18);
    let Value::Tag(18, inner) = cbor::decode(&good, &COSE_LIMITS).unwrap() else {
        unreachable!()
    };
    let Value::Array(items) = *inner else {
        unreachable!()
    };
    let with = |i: usize, v: Value| {
        let mut items = items.clone();
        items[i] = v;
        cbor::encode(&tag18(Value::Array(items)))
    };
    let e = verify_with(&with(2, Value::Null), &k).unwrap_err();
    assert_eq!(e, CoseError::DetachedPayload);
    assert_eq!(e.reason(), ReasonCode::CoseMalformed);
    for (i, v) in [
        (0, Value::Map(vec![])),
        (1, Value::Bytes(vec![0xa0])),
        (2, text("payload")),
        (3, Value::Null),
    ] {
        assert_eq!(
            reason(verify_with(&with(i, v), &k)),
            ReasonCode::CoseMalformed
        );
    }
    // The protected header is a byte string holding something else than a map.
    assert_eq!(
        reason(verify_with(&with(0, bytes(&[0x80])), &k)),
        ReasonCode::CoseMalformed
    );
    // Three items.
    let three = cbor::encode(&tag18(Value::Array(items[..3].to_vec())));
    assert_eq!(reason(verify_with(&three, &k)), ReasonCode::CoseMalformed);
    // A map, an integer.
    assert_eq!(reason(verify_with(&[0xa0], &k)), ReasonCode::CoseMalformed);
    assert_eq!(reason(verify_with(&[0x01], &k)), ReasonCode::CoseMalformed);
}

#[test]
fn strict_cbor() {
    let k = key(Algorithm::Es256);
    let good = message(&k, alg_header(&k), vec![], tag18);
    // Trailing byte.
    let mut bad = good.clone();
    bad.push(0);
    assert_eq!(reason(verify_with(&bad, &k)), ReasonCode::CborTrailingBytes);
    // Truncated.
    assert_eq!(
        reason(verify_with(&good[..good.len() - 1], &k)),
        ReasonCode::CborMalformed
    );
    // A duplicate key in the protected header (inside its byte string).
    let protected = [0xa2, 0x01, 0x26, 0x01, 0x26];
    let mut dup = vec![0xd2, 0x84, 0x45];
    dup.extend_from_slice(&protected);
    dup.extend_from_slice(&[0xa0, 0x41, 0x00, 0x40]);
    assert_eq!(reason(verify_with(&dup, &k)), ReasonCode::CborDuplicateKey);
    // An indefinite-length unprotected map.
    let indefinite = [
        0xd2, 0x84, 0x43, 0xa1, 0x01, 0x26, 0xbf, 0xff, 0x41, 0x00, 0x40,
    ];
    assert_eq!(
        reason(verify_with(&indefinite, &k)),
        ReasonCode::CborIndefiniteLength
    );
    // A float in the unprotected header.
    let float = [
        0xd2, 0x84, 0x43, 0xa1, 0x01, 0x26, 0xa1, 0x20, 0xf9, 0x3c, 0x00, 0x41, 0x00, 0x40,
    ];
    assert_eq!(reason(verify_with(&float, &k)), ReasonCode::CborUnsupported);
    // Too large, before any decoding.
    let big = vec![0u8; MAX_COSE_LEN + 1];
    assert_eq!(
        verify_with(&big, &k).unwrap_err(),
        CoseError::TooLarge {
            len: MAX_COSE_LEN + 1,
            limit: MAX_COSE_LEN
        }
    );
}

#[test]
fn signatures() {
    let k = key(Algorithm::Es256);
    let protected = cbor::encode(&Value::Map(alg_header(&k)));
    let sign1 = |signature: Vec<u8>| {
        cbor::encode(&tag18(Value::Array(vec![
            Value::Bytes(protected.clone()),
            Value::Map(vec![]),
            bytes(PAYLOAD),
            Value::Bytes(signature),
        ])))
    };
    let tbs = CoseSign1::decode(&sign1(vec![])).unwrap().to_be_signed(&[]);
    let raw = k.sign_bytes(&tbs);
    assert!(verify_with(&sign1(raw.to_vec()), &k).is_ok());
    // The same signature in DER, as X.509 and HSMs write it: refused.
    let der = crate::alg::raw_to_der(&raw);
    let e = verify_with(&sign1(der), &k).unwrap_err();
    assert_eq!(e, CoseError::Signature(SignatureError::DerInCose));
    assert_eq!(e.reason(), ReasonCode::SignatureInvalid);
    // r = 0.
    let mut zero = raw;
    zero[..32].fill(0);
    assert_eq!(
        verify_with(&sign1(zero.to_vec()), &k).unwrap_err(),
        CoseError::Signature(SignatureError::OutOfRange)
    );
    // Another key of the same algorithm.
    let other = SecretKey::from_bytes(Algorithm::Es256, &[8; 32]).unwrap();
    assert_eq!(
        verify_with(&sign1(raw.to_vec()), &other).unwrap_err(),
        CoseError::Signature(SignatureError::Invalid)
    );
    // External AAD changes the bytes signed.
    let with_aad = CoseSign1::decode(&sign1(vec![]))
        .unwrap()
        .to_be_signed(b"aad");
    assert_ne!(with_aad, tbs);
    let signed_with_aad = sign1(k.sign_bytes(&with_aad).to_vec());
    let key = VerificationKey::from(k.public_key());
    assert!(verify(
        &signed_with_aad,
        &key,
        &CoseOptions::with_external_aad(*b"aad")
    )
    .is_ok());
    assert_eq!(
        reason(verify(&signed_with_aad, &key, &CoseOptions::default())),
        ReasonCode::SignatureInvalid
    );
}

#[test]
fn key_mismatch() {
    let ed = key(Algorithm::EdDsa);
    let sm2 = key(Algorithm::Sm2Sm3);
    let cose = message(&ed, alg_header(&ed), vec![], tag18);
    let e = verify_with(&cose, &sm2).unwrap_err();
    assert_eq!(
        e,
        CoseError::AlgKeyMismatch {
            header: CoseAlgorithm::Profile(Algorithm::EdDsa),
            key: "SM2".into()
        }
    );
    assert_eq!(e.reason(), ReasonCode::AlgKeyMismatch);
}

/// SubjectPublicKeyInfo of OpenSSL 3.0's `openssl genpkey -algorithm RSA
/// -pkeyopt rsa_keygen_bits:2048` key (`openssl pkey -pubout -outform DER`).
const RSA_SPKI: &str = "30820122300d06092a864886f70d01010105000382010f003082010a0282010100aee1582c4fb07b992508daddfbf2742c59030b10f5b07e5b90e1ae863ecf15c07b838d542bb998d405e09c40f8db2fc81798322430fa47420b4abdf1c5daaeae6e26c74c5daa8cc389c045da5c44ed7fedefe3e9bb5a4e993c199acbeb0221c741153ddd2481617cdfca67cb2ab53dff6cc84ce37c7caddcd95fda088713ab02d124955b8605433fd496edd269e47512ab92af5944cbb938e04bc691b5640fbcc5b4d662b29742dd7a656e563aadd2b3eba222a246da1f0e7aec368438f9a2216957d2492d286a8466f34c9330fbfd4dcf074eb715291cb12b4fc54ad4e2b6c5f9a0247b43dac551e02ea1bf42798be3614ef2bc84a964b46d6f12780e21c4050203010001";

/// The protected header `{1: -37}` (PS256) and the payload the PS256
/// signatures below sign, with an empty external AAD.
const PS256_PROTECTED: [u8; 4] = [0xa1, 0x01, 0x38, 0x24];
const PS256_PAYLOAD: &[u8] = b"PS256 on the foreign path";

/// `openssl pkeyutl -sign -rawin -digest sha256 -pkeyopt
/// rsa_padding_mode:pss -pkeyopt rsa_mgf1_md:sha256 -pkeyopt
/// rsa_pss_saltlen:N` over the Sig_structure, with that key, for N = 32
/// (RFC 8230), 20 and 64.
const PS256_SALT_32: &str = "7e5c4a78246b19cc492c6a98029e67e49b5e92abb0db0ad4dc647d875a6885e1bdaaf0e010239ca260f731722c6c538e7702ed944b24d23e30ab3ebaa92212ff28c1bd230d86f65de883c5d8b6166b41ab261f673615823f14c1f8f750b04cc6bdebf74c396c49f7bbe192d7636cfb5bfc5b0d0d374d0f8418145956a8df54e1f11daa38400bacae5115104cca9d925c554c62dc03d91c43d7d54733ba429e9f452aae567b00df0b44c68e393394dc1d2b636366a06e1a661bdcd4f2904cc75c60691c6c5a45f7c19f4d1af77ceb861036df73dcf754ebc1846ed9291ddd31c29fc7807912ba067db82982bdac2b4ca9caf053fdc89af5440b558da554af638e";
#[cfg(feature = "ps256")]
const PS256_SALT_20: &str = "3d2730ec48fa9f5ed8985412e94134c6362fe1f1eb4fc323089581c9b50ababd580033d55367c2b332423c65c70d8748a2d4f1e4d97614418a938a312ab7c9bc7213aed7aa0c30dfc3f56c06697ff496c82433668a5c0f8632ea9b081de08424915a52463e87005e0cab3fb7db05edf2877bb924d1e39d29a9d54d04743e442a3397adb6d2eb5759403fda12b609806df34f24bb8041750cea94b563b089aeb8d0ea04da8ff235360b4f6dbf68264e050fd126fc83a3cdbb56c7f68330b374e9f9953c9bbac927ffe401eaa32dd76e08e94ce0b68a0b923196cb8c15aa653847826f1d734b40b7a9c7c2fd44faa83c41e5f138bc86fd08abf3fb848e5edea827";
#[cfg(feature = "ps256")]
const PS256_SALT_64: &str = "8668dd4e0c38fa5934206eb780d69748f062a65fa4dbe1cd7266b437dd8cae7b32775359ecbce31feaec5c32605c6e6b01dc888e77809e316f5e168bee9d3b070aab1dda91717a8c822d106689a94375c63b8e6a50f49b2d9081772f7b803ecb86a6b304b9ae3f767d4b15141df5203e401790540147f76eee8032de81291d9fbd6001b25205c92eaeb8bd18c5b8a08f602656769671f34e22af9988727538424acbed2d7dd137df2cdb2ca33229d57c03cb416b2ae67b7ef91c59d249d1fba086f3302a7d1886836457185396258d0e593768184288375b8f0af72b87894c55485395ff48ac97b3b2d0069e24da4ef8c3a054f3ecc8bdecdb28ee1fe71472f3";

fn ps256_message(signature: &[u8]) -> Vec<u8> {
    cbor::encode(&tag18(Value::Array(vec![
        bytes(&PS256_PROTECTED),
        Value::Map(vec![]),
        bytes(PS256_PAYLOAD),
        bytes(signature),
    ])))
}

fn unhex(s: &str) -> Vec<u8> {
    decode_hex(s.as_bytes()).unwrap().unwrap()
}

/// An RSA SubjectPublicKeyInfo with this modulus and exponent 65537.
#[cfg(feature = "ps256")]
fn rsa_spki(modulus: &[u8]) -> Vec<u8> {
    rsa_spki_e(modulus, &[1, 0, 1])
}

/// An RSA SubjectPublicKeyInfo with this modulus and exponent.
#[cfg(feature = "ps256")]
fn rsa_spki_e(modulus: &[u8], exponent: &[u8]) -> Vec<u8> {
    fn tlv(tag: u8, body: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        match body.len() {
            n if n < 0x80 => out.push(n as u8),
            n if n < 0x100 => out.extend_from_slice(&[0x81, n as u8]),
            n => out.extend_from_slice(&[0x82, (n >> 8) as u8, n as u8]),
        }
        out.extend_from_slice(body);
        out
    }
    let mut n = vec![0];
    n.extend_from_slice(modulus);
    let mut rsa_key = tlv(0x02, &n);
    rsa_key.extend(tlv(0x02, exponent));
    let mut bit_string = vec![0];
    bit_string.extend(tlv(0x30, &rsa_key));
    let mut body = tlv(0x30, &unhex("06092a864886f70d0101010500"));
    body.extend(tlv(0x03, &bit_string));
    tlv(0x30, &body)
}

#[cfg(feature = "ps256")]
#[test]
fn ps256() {
    let key = VerificationKey::from_spki_der(&unhex(RSA_SPKI)).unwrap();
    assert_eq!(key.description(), "RSA 2048 bits");
    assert_eq!(key.algorithm(), Some(CoseAlgorithm::Ps256));
    let opts = CoseOptions::default();
    let ok = verify(&ps256_message(&unhex(PS256_SALT_32)), &key, &opts).unwrap();
    assert_eq!(
        (ok.algorithm.name(), &ok.payload[..]),
        ("PS256", PS256_PAYLOAD)
    );
    // RFC 8230 fixes the salt at the hash length: other salts are refused.
    for other in [PS256_SALT_20, PS256_SALT_64] {
        let e = verify(&ps256_message(&unhex(other)), &key, &opts).unwrap_err();
        assert_eq!(e, CoseError::Signature(SignatureError::Invalid));
    }
    // A changed byte; a signature of the wrong length; one above the modulus.
    let mut sig = unhex(PS256_SALT_32);
    sig[100] ^= 1;
    assert_eq!(
        reason(verify(&ps256_message(&sig), &key, &opts)),
        ReasonCode::SignatureInvalid
    );
    let e = verify(&ps256_message(&sig[1..]), &key, &opts).unwrap_err();
    assert_eq!(
        e,
        CoseError::SignatureLength {
            len: 255,
            expected: 256
        }
    );
    assert_eq!(e.reason(), ReasonCode::SignatureInvalid);
    assert_eq!(
        reason(verify(&ps256_message(&[0xff; 256]), &key, &opts)),
        ReasonCode::SignatureInvalid
    );
    // An ES256 message under the RSA key, a PS256 message under a P-256 key.
    let p256 = SecretKey::from_bytes(Algorithm::Es256, &[7; 32]).unwrap();
    let es = message(&p256, alg_header(&p256), vec![], tag18);
    assert_eq!(reason(verify(&es, &key, &opts)), ReasonCode::AlgKeyMismatch);
    assert_eq!(
        reason(verify_with(&ps256_message(&unhex(PS256_SALT_32)), &p256)),
        ReasonCode::AlgKeyMismatch
    );
}

#[cfg(feature = "ps256")]
#[test]
fn rsa_key_sizes() {
    // 1024 bits: below RFC 8230's minimum. 8192: above our bound.
    for (bits, message) in [
        (
            1024,
            "the RSA key has 1024 bits; PS256 needs 2048 to 4096 (RFC 8230 §6.1)",
        ),
        (8192, ""),
    ] {
        let mut modulus = vec![0xc3; bits / 8];
        modulus[bits / 8 - 1] = 0x01;
        let e = VerificationKey::from_spki_der(&rsa_spki(&modulus)).unwrap_err();
        assert_eq!(e.reason(), ReasonCode::KeyInvalid, "{bits}: {e}");
        if !message.is_empty() {
            assert_eq!(
                e.to_string(),
                format!("the RSA key cannot be used: {message}")
            );
        }
    }
    // An even modulus, an even exponent, an exponent of 1, one of 2^40 + 1.
    for (modulus, exponent) in [
        (0xc2, &[1, 0, 1][..]),
        (0xc3, &[4]),
        (0xc3, &[1]),
        (0xc3, &[1, 0, 0, 0, 0, 1]),
    ] {
        let e = VerificationKey::from_spki_der(&rsa_spki_e(&[modulus; 256], exponent)).unwrap_err();
        assert_eq!(e.reason(), ReasonCode::KeyInvalid, "{e}");
    }
    let mut modulus = vec![0xc3; 512];
    modulus[511] = 1;
    assert_eq!(
        VerificationKey::from_spki_der(&rsa_spki(&modulus))
            .unwrap()
            .description(),
        "RSA 4096 bits"
    );
}

#[cfg(not(feature = "ps256"))]
#[test]
fn ps256_without_the_feature() {
    let key = VerificationKey::from_spki_der(&unhex(RSA_SPKI)).unwrap();
    assert_eq!(key.description(), "an RSA key");
    assert_eq!(key.algorithm(), None);
    let e = verify(
        &ps256_message(&unhex(PS256_SALT_32)),
        &key,
        &CoseOptions::default(),
    )
    .unwrap_err();
    assert_eq!(e, CoseError::AlgUnsupported("PS256 (-37)".into()));
}

#[test]
fn other_keys() {
    // Ed448 and P-384 keys are read, named, and refuse every message.
    let ed448 = unhex("3043300506032b6571033a005fd7449b59b461fd2ce787ec616ad46a1da1342485a70e1f8a0ea75d80e96778edf124769b46c7061bd6783df1e50f6cd1fa1abeafe8256180");
    let ed448_key = VerificationKey::from_spki_der(&ed448).unwrap();
    assert_eq!(ed448_key.description(), "Ed448");
    assert!(ed448_key.profile_key().is_none());
    let es = key(Algorithm::Es256);
    let cose = message(&es, alg_header(&es), vec![], tag18);
    assert_eq!(
        verify(&cose, &ed448_key, &CoseOptions::default()).unwrap_err(),
        CoseError::AlgKeyMismatch {
            header: CoseAlgorithm::Profile(Algorithm::Es256),
            key: "Ed448".into()
        }
    );
    let ed = key(Algorithm::EdDsa);
    let cose = message(&ed, alg_header(&ed), vec![], tag18);
    assert_eq!(
        verify(&cose, &ed448_key, &CoseOptions::default()).unwrap_err(),
        CoseError::AlgUnsupported("EdDSA with an Ed448 key".into())
    );
    // A weak Ed25519 key (the identity), a point off the curve, garbage.
    let mut weak = unhex("302a300506032b6570032100");
    weak.push(1);
    weak.extend([0; 31]);
    assert_eq!(
        VerificationKey::from_spki_der(&weak).unwrap_err().reason(),
        ReasonCode::KeyWeak
    );
    let mut off = unhex("3059301306072a8648ce3d020106082a8648ce3d030107034200");
    off.push(4);
    off.extend([1; 64]);
    assert_eq!(
        VerificationKey::from_spki_der(&off).unwrap_err(),
        CoseError::Key(KeyError::BadPoint)
    );
    assert_eq!(
        VerificationKey::from_spki_der(b"not a key")
            .unwrap_err()
            .reason(),
        ReasonCode::KeyInvalid
    );
}

#[cfg(feature = "issuer")]
#[test]
fn certificates() {
    for bad in [
        &b""[..],
        b"\x30\x03\x02\x01\x01",
        b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    ] {
        assert_eq!(
            SignerCertificate::from_bytes(bad).unwrap_err().reason(),
            ReasonCode::CertMalformed
        );
    }
    let demo = crate::demo::Demo::with_keys(key(Algorithm::EdDsa), key(Algorithm::Es256)).unwrap();
    let cert = SignerCertificate::from_bytes(demo.authority.der()).unwrap();
    assert_eq!(cert.key().description(), "P-256");
    assert_eq!(cert.not_before(), demo.authority.not_before());
    assert!(cert.subject().contains("CN="), "{}", cert.subject());
    // Trailing bytes; two PEM certificates; another PEM label.
    let mut trailing = demo.authority.der().to_vec();
    trailing.push(0);
    assert_eq!(
        SignerCertificate::from_der(&trailing)
            .unwrap_err()
            .to_string(),
        "the certificate cannot be read: bytes follow the certificate"
    );
    let two = format!("{}{}", demo.authority.to_pem(), demo.root.to_pem());
    assert_eq!(
        SignerCertificate::from_bytes(two.as_bytes())
            .unwrap_err()
            .to_string(),
        "the certificate cannot be read: more than one certificate; give the signer's alone"
    );
    let key_pem = demo.authority_key.public_key().to_pem();
    assert_eq!(
        SignerCertificate::from_bytes(key_pem.as_bytes())
            .unwrap_err()
            .to_string(),
        "the certificate cannot be read: the PEM block is labelled \"PUBLIC KEY\", not CERTIFICATE"
    );
    // The demo authority signs an ES256 licence; it verifies as plain COSE.
    let licence = crate::demo::Demo::sample_licence().unwrap();
    let signed = licence
        .sign(
            &crate::artifact::CertifiedSigner::new(
                demo.authority.clone(),
                demo.authority_key.clone(),
            )
            .expect("the key is the certificate's"),
        )
        .unwrap();
    let (form, ok) =
        verify_input(signed.qr_text().as_bytes(), &cert, &CoseOptions::default()).unwrap();
    assert_eq!((form, ok.algorithm.name()), (InputForm::El2, "ES256"));
    assert_eq!(ok.kid.unwrap().bytes, cert.sha256_kid());
}

#[test]
fn input_forms() {
    let k = key(Algorithm::EdDsa);
    let cose = message(&k, alg_header(&k), vec![], tag18);
    let hex_text = format!(" {}\n", hex(&cose).to_uppercase());
    assert_eq!(
        read_input(hex_text.as_bytes()).unwrap(),
        (InputForm::Hex, cose.clone())
    );
    let spaced: String = hex(&cose)
        .as_bytes()
        .chunks(2)
        .map(|p| format!("{} ", core::str::from_utf8(p).unwrap()))
        .collect();
    assert_eq!(read_input(spaced.as_bytes()).unwrap().1, cose);
    assert_eq!(
        read_input(&cose).unwrap(),
        (InputForm::Binary, cose.clone())
    );
    let raw_hc1 = format!("HC1:{}", crate::base45::encode(&cose));
    assert_eq!(
        read_input(raw_hc1.as_bytes()).unwrap(),
        (InputForm::Hc1, cose.clone())
    );
    let zlib = crate::deflate::zlib(&cose);
    let hc1 = format!("HC1:{}\n", crate::base45::encode(&zlib));
    assert_eq!(read_input(hc1.as_bytes()).unwrap(), (InputForm::Hc1, cose));

    let err = |input: &[u8]| read_input(input).unwrap_err();
    assert_eq!(err(b""), CoseError::Empty);
    assert_eq!(err(b" \r\n").reason(), ReasonCode::CborMalformed);
    assert_eq!(err(b"d28\n"), CoseError::HexOddLength(3));
    assert_eq!(err(b"d28\n").reason(), ReasonCode::HexInvalidLength);
    assert_eq!(err(b"HC1:").reason(), ReasonCode::PayloadEncodingUnknown);
    assert_eq!(err(b"HC1:a").reason(), ReasonCode::Base45InvalidCharacter);
    assert_eq!(err(b"HC1:A").reason(), ReasonCode::Base45InvalidLength);
    assert_eq!(
        err(b"HC1:\xff\xfe").reason(),
        ReasonCode::Base45InvalidCharacter
    );
    // First decoded byte 0x00: neither zlib nor COSE.
    assert_eq!(err(b"HC1:00").reason(), ReasonCode::PayloadEncodingUnknown);
    let long = format!("HC1:{}", "0".repeat(crate::envelope::MAX_QR_TEXT_LEN));
    assert_eq!(err(long.as_bytes()).reason(), ReasonCode::InputTooLarge);
    // A zlib stream inflating past the limit: refused, not expanded.
    let bomb = crate::deflate::zlib(&vec![0u8; MAX_COSE_LEN + 1]);
    let text = format!("HC1:{}", crate::base45::encode(&bomb));
    assert_eq!(err(text.as_bytes()).reason(), ReasonCode::ZlibTooLarge);
    // EL2: goes through the licence QR decoder unchanged; EL1: is refused there.
    assert_eq!(err(b"EL2:").reason(), ReasonCode::PayloadEncodingUnknown);
    assert_eq!(err(b"EL2:00").reason(), ReasonCode::PayloadEncodingUnknown);
    assert_eq!(err(b"EL1:00").reason(), ReasonCode::QrVersionUnsupported);
    // Hex of more than the message limit; input over its own limit.
    let big_hex = "00".repeat(MAX_COSE_LEN + 1);
    assert_eq!(
        err(big_hex.as_bytes()),
        CoseError::TooLarge {
            len: MAX_COSE_LEN + 1,
            limit: MAX_COSE_LEN
        }
    );
    assert_eq!(
        err(&vec![b'0'; MAX_INPUT_LEN + 1]).reason(),
        ReasonCode::InputTooLarge
    );
    // Text that is none of the forms is read as binary, and is not CBOR.
    assert_eq!(
        read_input(b"hello").unwrap(),
        (InputForm::Binary, b"hello".to_vec())
    );
}

#[test]
fn algorithms() {
    assert_eq!(
        CoseAlgorithm::from_cose_id(-7),
        Some(CoseAlgorithm::Profile(Algorithm::Es256))
    );
    assert_eq!(CoseAlgorithm::from_cose_id(-35), None);
    assert_eq!(
        CoseAlgorithm::from_cose_id(-37),
        cfg!(feature = "ps256").then_some(CoseAlgorithm::Ps256)
    );
    for a in [
        CoseAlgorithm::Ps256,
        CoseAlgorithm::Profile(Algorithm::Sm2Sm3),
    ] {
        assert_eq!(
            serde_json::to_string(&a).unwrap(),
            format!("\"{}\"", a.name())
        );
    }
    assert_eq!(CoseAlgorithm::Ps256.cose_id(), -37);
    assert_eq!(
        CoseAlgorithm::Profile(Algorithm::Sm2Sm3).cose_id(),
        crate::alg::COSE_ALG_SM2_SM3
    );
}
