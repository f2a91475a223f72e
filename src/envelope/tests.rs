use super::*;
use crate::alg::SecretKey;
use coset::{iana, CoseSign1Builder, HeaderBuilder, TaggedCborSerializable};

fn vector(name: &str) -> serde_json::Value {
    let path = format!(
        "{}/../shared/vectors/cose-wg/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(&path).expect(&path)).unwrap()
}

fn output_bytes(v: &serde_json::Value) -> Vec<u8> {
    hex::decode(v["output"]["cbor"].as_str().unwrap()).unwrap()
}

fn rfc8032_key() -> SecretKey {
    let v = vector("eddsa-sig-01");
    let d = hex::decode(v["input"]["sign0"]["key"]["d_hex"].as_str().unwrap()).unwrap();
    SecretKey::from_seed(&d.try_into().unwrap())
}

/// A profile-conforming envelope signed by the RFC 8032 test key.
fn good_envelope() -> (Vec<u8>, SecretKey) {
    let key = rfc8032_key();
    let prepared = PreparedSign1::new(
        ArtifactType::Licence,
        crate::alg::Algorithm::EdDsa,
        [7; 8],
        b"payload".to_vec(),
    );
    let sig = key.sign_bytes(&prepared.to_be_signed());
    (prepared.complete(&sig, &key.public_key()).unwrap(), key)
}

#[test]
fn eddsa_sig_01_signed_byte_for_byte() {
    let v = vector("eddsa-sig-01");
    let expected = output_bytes(&v);
    let payload = v["input"]["plaintext"].as_str().unwrap().as_bytes();
    // The protected header of the vector: {1: -8, 3: 0}.
    let protected = hex::decode("A201270300").unwrap();
    let tbs = sig_structure(&protected, payload);
    assert_eq!(
        hex::encode_upper(&tbs),
        v["intermediates"]["ToBeSign_hex"].as_str().unwrap()
    );
    let key = rfc8032_key();
    assert_eq!(
        hex::encode(key.public_key().as_bytes()),
        v["input"]["sign0"]["key"]["x_hex"].as_str().unwrap()
    );
    let signature = key.sign_bytes(&tbs);
    let cose = CoseSign1Builder::new()
        .protected(
            HeaderBuilder::new()
                .algorithm(iana::Algorithm::EdDSA)
                .content_format(iana::CoapContentFormat::TextPlainUtf8)
                .build(),
        )
        .unprotected(HeaderBuilder::new().key_id(b"11".to_vec()).build())
        .payload(payload.to_vec())
        .signature(signature.to_vec())
        .build()
        .to_tagged_vec()
        .unwrap();
    assert_eq!(
        cose, expected,
        "re-signed COSE_Sign1 differs from output.cbor"
    );
    // It is a valid generic COSE_Sign1, but outside our profile: kid unprotected, no typ.
    assert_eq!(
        Sign1::decode(&expected, ArtifactType::Licence).unwrap_err(),
        EnvelopeError::KidMissing
    );
}

#[test]
fn cose_wg_vectors_outside_the_profile_are_rejected_with_their_reason() {
    let cases: &[(&str, ReasonCode)] = &[
        // Wrong CBOR tag (998 instead of 18).
        ("sign-fail-01", ReasonCode::CoseUntagged),
        // ES256 is an algorithm of the profile, but the licence profile
        // wants the kid in the protected header: rejected before any
        // signature work.
        ("sign-fail-02", ReasonCode::CoseKidMissing),
        ("sign-fail-06", ReasonCode::CoseKidMissing),
        ("sign-fail-07", ReasonCode::CoseKidMissing),
        ("sign-pass-02", ReasonCode::CoseKidMissing),
        ("ecdsa-sig-01", ReasonCode::CoseKidMissing),
        // alg -999 and alg "unknown".
        ("sign-fail-03", ReasonCode::CoseAlgUnsupported),
        ("sign-fail-04", ReasonCode::CoseAlgUnsupported),
        // alg only in the unprotected header.
        ("sign-pass-01", ReasonCode::CoseAlgUnprotected),
        // No tag.
        ("sign-pass-03", ReasonCode::CoseUntagged),
    ];
    for (name, reason) in cases {
        let err = Sign1::decode(&output_bytes(&vector(name)), ArtifactType::Licence).unwrap_err();
        assert_eq!(err.reason(), *reason, "{name}: {err}");
    }
    // sign-fail-03 carries alg -999, sign-fail-04 the text "unknown".
    assert_eq!(
        Sign1::decode(
            &output_bytes(&vector("sign-fail-04")),
            ArtifactType::Licence
        )
        .unwrap_err(),
        EnvelopeError::AlgUnsupported("\"unknown\"".into())
    );
}

/// The sign-fail mutations applied to an EdDSA envelope of our profile.
#[test]
fn sign_fail_mutations_on_eddsa() {
    let (good, key) = good_envelope();
    let pk = key.public_key();
    let decoded = Sign1::decode(&good, ArtifactType::Licence).unwrap();
    assert_eq!(decoded.verify(&pk), Ok(()));
    assert_eq!(decoded.kid(), &[7; 8]);
    assert_eq!(decoded.payload(), b"payload");

    // ChangeCBORTag: 18 → 998.
    let mut wrong_tag = vec![0xd9, 0x03, 0xe6];
    wrong_tag.extend_from_slice(&good[1..]);
    assert_eq!(
        Sign1::decode(&wrong_tag, ArtifactType::Licence).unwrap_err(),
        EnvelopeError::Untagged
    );
    // RemoveCBORTag.
    assert_eq!(
        Sign1::decode(&good[1..], ArtifactType::Licence).unwrap_err(),
        EnvelopeError::Untagged
    );
    // Change signature.
    let mut bad_sig = good.clone();
    let last = bad_sig.len() - 1;
    bad_sig[last] ^= 0x01;
    let d = Sign1::decode(&bad_sig, ArtifactType::Licence).unwrap();
    assert_eq!(d.verify(&pk), Err(SignatureError::Invalid));

    let resign = |protected: Vec<u8>| -> Vec<u8> {
        let tbs = sig_structure(&protected, b"payload");
        CoseSign1Builder::new()
            .payload(b"payload".to_vec())
            .signature(key.sign_bytes(&tbs).to_vec())
            .build()
            .to_tagged_vec()
            .map(|v| {
                // Splice the raw protected bytes in place of coset's empty header.
                let mut out = vec![0xd2, 0x84];
                write_bstr(&mut out, &protected);
                out.extend_from_slice(&v[3..]);
                out
            })
            .unwrap()
    };
    let kid_typ = {
        let mut p = vec![0x48];
        p.extend_from_slice(&[7; 8]);
        p.extend_from_slice(&[0x10, 0x19, 0xfe, 0x4c]); // typ: 65100
        p
    };
    // Change alg to -999 and to "unknown".
    let mut p = vec![0xa3, 0x01, 0x39, 0x03, 0xe6, 0x04];
    p.extend_from_slice(&kid_typ);
    assert_eq!(
        Sign1::decode(&resign(p), ArtifactType::Licence).unwrap_err(),
        EnvelopeError::AlgUnsupported("-999".into())
    );
    let mut p = vec![0xa3, 0x01, 0x67];
    p.extend_from_slice(b"unknown");
    p.push(0x04);
    p.extend_from_slice(&kid_typ);
    assert_eq!(
        Sign1::decode(&resign(p), ArtifactType::Licence)
            .unwrap_err()
            .reason(),
        ReasonCode::CoseAlgUnsupported
    );
    // AddProtected: ctyp 0 added after signing → the signature no longer verifies.
    // The protected header is 17 bytes: bstr head 0x51.
    assert_eq!(good[2], 0x51);
    let prot_end = 3 + 17;
    let mut new_prot = good[3..prot_end].to_vec();
    new_prot[0] = 0xa4;
    new_prot.splice(3..3, [0x03, 0x00]);
    let mut added = vec![0xd2, 0x84];
    write_bstr(&mut added, &new_prot);
    added.extend_from_slice(&good[prot_end..]);
    let d = Sign1::decode(&added, ArtifactType::Licence).unwrap();
    assert_eq!(d.verify(&pk), Err(SignatureError::Invalid));
    // RemoveProtected: typ removed → refused before any signature work.
    let mut p = vec![0xa2, 0x01, 0x27, 0x04, 0x48];
    p.extend_from_slice(&[7; 8]);
    assert_eq!(
        Sign1::decode(&resign(p), ArtifactType::Licence).unwrap_err(),
        EnvelopeError::TypMissing
    );
}

#[test]
fn protected_header_rules() {
    let key = rfc8032_key();
    let build = |protected: Vec<u8>, unprotected: Vec<u8>| -> Vec<u8> {
        let mut out = vec![0xd2, 0x84];
        write_bstr(&mut out, &protected);
        out.extend_from_slice(&unprotected);
        write_bstr(&mut out, b"p");
        write_bstr(&mut out, &key.sign_bytes(&sig_structure(&protected, b"p")));
        out
    };
    let typ = |p: &mut Vec<u8>, t: &str| {
        p.push(0x10);
        match t.parse::<u64>() {
            Ok(n) => write_head(p, 0, n),
            Err(_) => {
                write_head(p, 3, t.len() as u64);
                p.extend_from_slice(t.as_bytes());
            }
        }
    };
    // alg missing everywhere.
    let mut p = vec![0xa2, 0x04, 0x48, 1, 2, 3, 4, 5, 6, 7, 8];
    typ(&mut p, "65100");
    assert_eq!(
        Sign1::decode(&build(p.clone(), vec![0xa0]), ArtifactType::Licence).unwrap_err(),
        EnvelopeError::AlgMissing
    );
    // alg only unprotected.
    assert_eq!(
        Sign1::decode(&build(p, vec![0xa1, 0x01, 0x27]), ArtifactType::Licence).unwrap_err(),
        EnvelopeError::AlgUnprotected
    );
    // Wrong typ.
    let with_typ = |t: &str| {
        let mut p = vec![0xa3, 0x01, 0x27, 0x04, 0x48, 1, 2, 3, 4, 5, 6, 7, 8];
        typ(&mut p, t);
        build(p, vec![0xa0])
    };
    let licence_typ = Typ::ContentFormat(65100);
    assert_eq!(ArtifactType::Licence.typ(), licence_typ);
    assert!(Sign1::decode(&with_typ("65100"), ArtifactType::Licence).is_ok());
    for (found, expected) in [
        ("application/el-seal+cwt", ArtifactType::Licence),
        // The text typ of wire format version 1.
        ("application/el-lic+cwt", ArtifactType::Licence),
        ("65101", ArtifactType::Licence),
        ("0", ArtifactType::Licence),
        ("65100", ArtifactType::Seal),
    ] {
        assert_eq!(
            Sign1::decode(&with_typ(found), expected).unwrap_err(),
            EnvelopeError::TypMismatch {
                expected: expected.typ(),
                found: found.into()
            }
        );
    }
    assert_eq!(
        EnvelopeError::TypMismatch {
            expected: licence_typ,
            found: "65101".into()
        }
        .to_string(),
        "typ is \"65101\", expected 65100"
    );
    // A negative typ is an integer too, and not the licence's.
    let mut p = vec![0xa3, 0x01, 0x27, 0x04, 0x48, 1, 2, 3, 4, 5, 6, 7, 8];
    p.extend_from_slice(&[0x10, 0x39, 0xfe, 0x4b]); // -65100
    assert_eq!(
        Sign1::decode(&build(p, vec![0xa0]), ArtifactType::Licence).unwrap_err(),
        EnvelopeError::TypMismatch {
            expected: licence_typ,
            found: "-65100".into()
        }
    );
    // kid of the wrong length.
    let mut p = vec![0xa3, 0x01, 0x27, 0x04, 0x42, 1, 2];
    typ(&mut p, "65100");
    assert_eq!(
        Sign1::decode(&build(p, vec![0xa0]), ArtifactType::Licence).unwrap_err(),
        EnvelopeError::KidMissing
    );
    // crit present.
    let mut p = vec![
        0xa4, 0x01, 0x27, 0x02, 0x81, 0x0a, 0x04, 0x48, 1, 2, 3, 4, 5, 6, 7, 8,
    ];
    typ(&mut p, "65100");
    assert_eq!(
        Sign1::decode(&build(p, vec![0xa0]), ArtifactType::Licence).unwrap_err(),
        EnvelopeError::Critical
    );
    // Duplicate key inside the protected header.
    let mut p = vec![
        0xa4, 0x01, 0x27, 0x01, 0x27, 0x04, 0x48, 1, 2, 3, 4, 5, 6, 7, 8,
    ];
    typ(&mut p, "65100");
    assert_eq!(
        Sign1::decode(&build(p, vec![0xa0]), ArtifactType::Licence)
            .unwrap_err()
            .reason(),
        ReasonCode::CborDuplicateKey
    );
}

#[test]
fn strict_cbor_before_any_signature_work() {
    let (good, _) = good_envelope();
    // Truncated.
    assert_eq!(
        Sign1::decode(&good[..good.len() - 1], ArtifactType::Licence)
            .unwrap_err()
            .reason(),
        ReasonCode::CborMalformed
    );
    // Trailing bytes.
    let mut trailing = good.clone();
    trailing.push(0x00);
    assert_eq!(
        Sign1::decode(&trailing, ArtifactType::Licence)
            .unwrap_err()
            .reason(),
        ReasonCode::CborTrailingBytes
    );
    // Indefinite-length array.
    let mut indefinite = good.clone();
    indefinite[1] = 0x9f;
    indefinite.push(0xff);
    assert_eq!(
        Sign1::decode(&indefinite, ArtifactType::Licence)
            .unwrap_err()
            .reason(),
        ReasonCode::CborIndefiniteLength
    );
    // Deep nesting in the unprotected header.
    let mut deep = vec![0xd2, 0x84, 0x40, 0xa1, 0x01];
    deep.extend(std::iter::repeat_n(0x81, 40));
    deep.extend_from_slice(&[0x00, 0x40, 0x40]);
    assert_eq!(
        Sign1::decode(&deep, ArtifactType::Licence)
            .unwrap_err()
            .reason(),
        ReasonCode::CborTooDeep
    );
    // A 10 MB string: refused on size before parsing.
    let mut huge = vec![0xd2, 0x84, 0x40, 0xa0, 0x5a, 0x00, 0x98, 0x96, 0x80];
    huge.resize(10_000_000 + 9, 0);
    assert_eq!(
        Sign1::decode(&huge, ArtifactType::Licence).unwrap_err(),
        EnvelopeError::TooLarge {
            len: 10_000_009,
            limit: MAX_COSE_LEN
        }
    );
    // The same string header without its bytes: refused on the declared
    // length, not a 10 MB allocation.
    assert_eq!(
        Sign1::decode(&huge[..12], ArtifactType::Licence)
            .unwrap_err()
            .reason(),
        ReasonCode::CborItemTooLarge
    );
    // Detached payload.
    let mut detached = vec![0xd2, 0x84];
    detached.extend_from_slice(&good[2..3 + 17]);
    detached.extend_from_slice(&[0xa0, 0xf6, 0x40]);
    assert_eq!(
        Sign1::decode(&detached, ArtifactType::Licence).unwrap_err(),
        EnvelopeError::Malformed("detached payloads are not accepted")
    );
}

#[test]
fn qr_text_round_trip_and_choice_of_encoding() {
    let (good, _) = good_envelope();
    let text = to_qr_text(&good);
    assert!(text.starts_with("EL2:"));
    assert_eq!(from_qr_text(&text).unwrap(), good);
    // Random-looking bytes do not compress: the raw form is chosen (first
    // byte 0xD2). A kilobyte of them, so that the fixed-Huffman cost of
    // random bytes outweighs the dictionary's match of the header.
    let key = rfc8032_key();
    let random_payload: Vec<u8> = (0u32..32)
        .flat_map(|i| Sha256::digest(i.to_be_bytes()).to_vec())
        .collect();
    let prepared = PreparedSign1::new(
        ArtifactType::Licence,
        crate::alg::Algorithm::EdDsa,
        kid_for_certificate(b"kid"),
        random_payload,
    );
    let random = prepared
        .clone()
        .complete(&key.sign_bytes(&prepared.to_be_signed()), &key.public_key())
        .unwrap();
    let text = to_qr_text(&random);
    assert_eq!(base45::decode(&text[4..]).unwrap()[0], PAYLOAD_RAW);
    assert_eq!(from_qr_text(&text).unwrap(), random);
    // Highly repetitive content compresses: the dictionary form is chosen.
    let prepared = PreparedSign1::new(
        ArtifactType::Licence,
        crate::alg::Algorithm::EdDsa,
        [7; 8],
        vec![b'a'; 600],
    );
    let cose = prepared
        .clone()
        .complete(&key.sign_bytes(&prepared.to_be_signed()), &key.public_key())
        .unwrap();
    let text = to_qr_text(&cose);
    let payload = base45::decode(&text[4..]).unwrap();
    assert_eq!(payload[0], PAYLOAD_DICTIONARY_1);
    assert!(text.len() < cose.len());
    assert_eq!(from_qr_text(&text).unwrap(), cose);
    // The payload after its first byte is raw DEFLATE that an independent
    // inflater, given the dictionary as history, reads.
    let mut history = DICTIONARY_1.to_vec();
    history.resize(DICTIONARY_1.len() + MAX_COSE_LEN, 0);
    let mut state = Box::<miniz_oxide::inflate::core::DecompressorOxide>::default();
    let (status, consumed, written) = miniz_oxide::inflate::core::decompress(
        &mut state,
        &payload[1..],
        &mut history,
        DICTIONARY_1.len(),
        miniz_oxide::inflate::core::inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF,
    );
    assert_eq!(status, miniz_oxide::inflate::TINFLStatus::Done);
    assert_eq!(consumed, payload.len() - 1);
    assert_eq!(&history[DICTIONARY_1.len()..][..written], &cose[..]);
    // Chinese text that the dictionary holds compresses to far less than
    // its UTF-8: two business-scope phrases and a region name.
    let text =
        "上海市浦东新区；技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广；软件开发"
            .as_bytes();
    let z = crate::deflate::deflate_dictionary_1(text);
    assert!(z.len() < 20, "{} bytes", z.len());
    assert_eq!(
        inflate_with_dictionary(&z, DICTIONARY_1, MAX_COSE_LEN).unwrap(),
        text
    );
}

#[test]
fn line_ends_are_not_part_of_the_qr_text() {
    let (good, _) = good_envelope();
    let text = to_qr_text(&good);
    let body_len = text.len() - QR_PREFIX.len();
    // The library decodes exactly the text given (FORMAT §2).
    for (suffix, character) in [("\n", '\n'), ("\r\n", '\r'), (" ", ' '), ("\t", '\t')] {
        let err = from_qr_text(&format!("{text}{suffix}")).unwrap_err();
        let expected = if suffix == " " {
            // A space is in the alphabet: the length is then the fault, or
            // the range of the last group (a space as the last character of
            // a group means a value of at least 36 × 45 or 36 × 2025).
            let len = body_len + 1;
            EnvelopeError::Base45(match len % 3 {
                1 => Base45Error::InvalidLength { len },
                2 => Base45Error::ValueOutOfRange { position: len - 2 },
                _ => Base45Error::ValueOutOfRange { position: len - 3 },
            })
        } else {
            EnvelopeError::Base45(Base45Error::InvalidCharacter {
                position: body_len,
                character,
            })
        };
        assert_eq!(err, expected, "suffix {suffix:?}");
    }
    let err = from_qr_text(&format!(" {text}")).unwrap_err();
    assert_eq!(err, EnvelopeError::QrPrefix);
    // Carriers drop trailing CR and LF, and only those.
    for suffix in ["", "\n", "\r\n", "\n\n", "\r"] {
        let carried = format!("{text}{suffix}");
        assert_eq!(trim_line_ends(&carried), text, "{suffix:?}");
        assert_eq!(from_qr_text(trim_line_ends(&carried)).unwrap(), good);
    }
    assert_eq!(trim_line_ends("EL2:AB \n"), "EL2:AB ");
    assert_eq!(trim_line_ends("\nEL2:AB"), "\nEL2:AB");
}

/// `EL2:` and the Base45 of `payload`.
fn qr(payload: &[u8]) -> String {
    format!("EL2:{}", base45::encode(payload))
}

/// The payload byte 0x01 and `raw`.
fn dict1(raw: &[u8]) -> Vec<u8> {
    let mut p = vec![PAYLOAD_DICTIONARY_1];
    p.extend_from_slice(raw);
    p
}

#[test]
fn hostile_qr_text() {
    assert_eq!(
        from_qr_text("HC1:ABC").unwrap_err(),
        EnvelopeError::QrPrefix
    );
    assert_eq!(
        from_qr_text("el2:ABC").unwrap_err(),
        EnvelopeError::QrPrefix
    );
    assert_eq!(
        from_qr_text("EL3:ABC").unwrap_err(),
        EnvelopeError::QrPrefix
    );
    // Format version 1 is refused by its prefix alone, whatever follows.
    for old in ["EL1:", "EL1:abc", "EL1:NCF%RN%TSMAHG$HC1"] {
        assert_eq!(
            from_qr_text(old).unwrap_err(),
            EnvelopeError::QrVersionUnsupported,
            "{old}"
        );
    }
    assert_eq!(
        EnvelopeError::QrVersionUnsupported.reason(),
        ReasonCode::QrVersionUnsupported
    );
    assert_eq!(
        from_qr_text("EL2:abc").unwrap_err().reason(),
        ReasonCode::Base45InvalidCharacter
    );
    assert_eq!(
        from_qr_text("EL2:GGW").unwrap_err().reason(),
        ReasonCode::Base45ValueOutOfRange
    );
    assert_eq!(
        from_qr_text("EL2:A").unwrap_err().reason(),
        ReasonCode::Base45InvalidLength
    );
    // The first byte: 0xD2 raw, 0x01 dictionary 1, 0x02–0x1F dictionaries
    // this build does not have, anything else unknown (0x78, the zlib
    // header of format version 1, included).
    for b in [0x00u8, 0x20, 0x78, 0xd3, 0xff] {
        let err = from_qr_text(&qr(&[b, 0x01])).unwrap_err();
        assert_eq!(err, EnvelopeError::UnknownEncoding(b));
        assert_eq!(err.reason(), ReasonCode::PayloadEncodingUnknown);
    }
    for b in [0x02u8, 0x03, 0x1f] {
        let err = from_qr_text(&qr(&[b, 0x03, 0x00])).unwrap_err();
        assert_eq!(err, EnvelopeError::DictionaryUnknown(b));
        assert_eq!(err.reason(), ReasonCode::DictionaryUnknown);
    }
    // The prefix alone: no first byte, so no known encoding (FORMAT §2).
    assert_eq!(from_qr_text("EL2:").unwrap_err(), EnvelopeError::NoData);
    assert_eq!(
        EnvelopeError::NoData.reason(),
        ReasonCode::PayloadEncodingUnknown
    );
    // The limit counts bytes of UTF-8: 1431 three-byte characters are 4293
    // bytes, under it; one more character passes it.
    let han = |n: usize| format!("EL2:{}", "证".repeat(n));
    assert_eq!(han(1430).len(), 4294);
    assert_eq!(
        from_qr_text(&han(1430)).unwrap_err().reason(),
        ReasonCode::Base45InvalidCharacter
    );
    assert_eq!(
        from_qr_text(&han(1431)).unwrap_err(),
        EnvelopeError::TooLarge {
            len: 4297,
            limit: MAX_QR_TEXT_LEN
        }
    );
    // Size first, then the prefix.
    assert_eq!(
        from_qr_text(&"a".repeat(MAX_QR_TEXT_LEN + 1))
            .unwrap_err()
            .reason(),
        ReasonCode::InputTooLarge
    );
    assert_eq!(
        from_qr_text(&format!("EL1:{}", "A".repeat(MAX_QR_TEXT_LEN)))
            .unwrap_err()
            .reason(),
        ReasonCode::InputTooLarge
    );
    // A zip bomb (dynamic Huffman, the general inflater): 1 MiB of zeros
    // compresses to about a kilobyte.
    let bomb = miniz_oxide::deflate::compress_to_vec(&vec![0u8; 1 << 20], 10);
    assert!(bomb.len() < 2000, "{}", bomb.len());
    assert_eq!(
        from_qr_text(&qr(&dict1(&bomb))).unwrap_err(),
        EnvelopeError::ZlibTooLarge
    );
    // A bomb through the dictionary (fixed Huffman, the fast inflater):
    // the whole dictionary, copied from itself, is four times the limit.
    let copies = crate::deflate::deflate_dictionary_1(DICTIONARY_1);
    assert!(copies.len() < 1000, "{}", copies.len());
    assert_eq!(
        from_qr_text(&qr(&dict1(&copies))).unwrap_err(),
        EnvelopeError::ZlibTooLarge
    );
    // Bytes after the end of a valid stream, from either inflater.
    for mut z in [
        crate::deflate::deflate_dictionary_1(&[0xd2; 50]),
        miniz_oxide::deflate::compress_to_vec(&[0xd2; 50], 9),
    ] {
        assert_eq!(from_qr_text(&qr(&dict1(&z))).unwrap(), vec![0xd2; 50]);
        z.extend_from_slice(b"x");
        let err = from_qr_text(&qr(&dict1(&z))).unwrap_err();
        assert_eq!(err, EnvelopeError::ZlibTrailing);
        assert_eq!(err.reason(), ReasonCode::ZlibInvalid);
    }
    // Exactly at the limit inflates; one byte more does not (both inflaters).
    for deflate in [crate::deflate::deflate_dictionary_1, |d: &[u8]| {
        miniz_oxide::deflate::compress_to_vec(d, 9)
    }] {
        let at = deflate(&vec![0xd2; MAX_COSE_LEN]);
        assert_eq!(from_qr_text(&qr(&dict1(&at))).unwrap().len(), MAX_COSE_LEN);
        let over = deflate(&vec![0xd2; MAX_COSE_LEN + 1]);
        assert_eq!(
            from_qr_text(&qr(&dict1(&over))).unwrap_err(),
            EnvelopeError::ZlibTooLarge
        );
    }
    // Truncated streams, from either inflater.
    for z in [
        crate::deflate::deflate_dictionary_1(b"hello hello hello hello"),
        miniz_oxide::deflate::compress_to_vec(&vec![7u8; 3000], 9),
    ] {
        for n in [0, 1, z.len() - 1] {
            let err = from_qr_text(&qr(&dict1(&z[..n]))).unwrap_err();
            assert_eq!(err, EnvelopeError::Zlib, "{n} of {} bytes", z.len());
            assert_eq!(err.reason(), ReasonCode::ZlibInvalid);
        }
    }
    // The farthest distance DEFLATE has, 32768, at the start of the output
    // reaches the dictionary's first byte (it fills the window); a distance
    // past the history is refused in `deflate::tests`.
    let farthest = fixed_stream_bits(&[
        (0b011, 3),     // BFINAL, fixed Huffman
        (0b1000000, 7), // symbol 257 (length 3): code 0000001, sent MSB first
        (0b10111, 5),   // distance code 29 (11101), sent MSB first
        (8191, 13),     // extra bits: 24577 + 8191 = 32768
        (0, 7),         // end of block
    ]);
    let reached = from_qr_text(&qr(&dict1(&farthest)));
    if DICTIONARY_1.len() == 32768 {
        assert_eq!(reached.unwrap(), DICTIONARY_1[..3].to_vec());
    } else {
        assert_eq!(reached.unwrap_err(), EnvelopeError::Zlib);
    }
}

/// Packs (value, bit count) fields LSB first, as DEFLATE does.
fn fixed_stream_bits(fields: &[(u64, u32)]) -> Vec<u8> {
    let (mut acc, mut n) = (0u64, 0u32);
    for &(v, bits) in fields {
        acc |= v << n;
        n += bits;
    }
    acc.to_le_bytes()[..n.div_ceil(8) as usize].to_vec()
}

#[test]
fn kid_is_sha256_prefix() {
    // SHA-256("abc") = ba7816bf8f01cfea…
    assert_eq!(
        kid_for_certificate(b"abc"),
        [0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea]
    );
}

/// coset, an independent COSE implementation, reads what we produce and
/// computes the same Sig_structure.
#[test]
fn coset_cross_check() {
    let (good, key) = good_envelope();
    let parsed = coset::CoseSign1::from_tagged_slice(&good).unwrap();
    assert_eq!(
        parsed.protected.header.alg,
        Some(coset::Algorithm::Assigned(iana::Algorithm::EdDSA))
    );
    assert_eq!(parsed.protected.header.key_id, vec![7; 8]);
    assert_eq!(
        parsed.protected.header.rest,
        vec![(
            coset::Label::Int(16),
            ciborium::Value::Integer(65100.into())
        )]
    );
    let ours = Sign1::decode(&good, ArtifactType::Licence).unwrap();
    assert_eq!(parsed.tbs_data(b""), ours.to_be_signed());
    parsed
        .verify_signature(b"", |sig, data| key.public_key().verify(data, sig))
        .unwrap();
}
