use super::*;

use crate::alg::{PublicKey, SecretKey, Signer, SignerError};
use crate::demo::{sample_issued_at, Demo, DEMO_AUTHORITY_CODE};
use crate::envelope::{PreparedSign1, Sign1};
use crate::identifiers::mod31_check;
use crate::pki::{create_authority, AuthorityParams};

fn ts(y: i32, m: u32, d: u32) -> i64 {
    chrono::NaiveDate::from_ymd_opt(y, m, d)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp()
}

fn hex(s: &str) -> Vec<u8> {
    let s: String = s.split_whitespace().collect();
    hex::decode(s).unwrap()
}

/// A credit code with a valid check character from its first 17 characters.
fn credit_code(first17: &str) -> CreditCode {
    CreditCode::parse(&format!("{first17}{}", mod31_check(first17).unwrap())).unwrap()
}

struct Setup {
    demo: Demo,
    /// The demo authority's status-list-signing key and certificate.
    key: SecretKey,
    cert: Certificate,
    code: CreditCode,
}

fn authority(demo: &Demo, key: &SecretKey, code: &CreditCode, usages: Vec<Usage>) -> Certificate {
    create_authority(
        &demo.root_key,
        &demo.root,
        &key.public_key(),
        &AuthorityParams {
            name: "上海市市场监督管理局（状态列表）".into(),
            credit_code: code.clone(),
            usages,
            not_before: ts(2024, 1, 1),
            not_after: ts(2029, 1, 1),
            serial_number: None,
        },
    )
    .unwrap()
}

fn setup() -> Setup {
    let demo = Demo::with_keys(
        SecretKey::from_seed(&[1; 32]),
        SecretKey::from_seed(&[2; 32]),
    )
    .unwrap();
    let key = SecretKey::from_seed(&[3; 32]);
    let code = CreditCode::parse(DEMO_AUTHORITY_CODE).unwrap();
    let cert = authority(&demo, &key, &code, vec![Usage::StatusListSigning]);
    Setup {
        demo,
        key,
        cert,
        code,
    }
}

fn small_list() -> StatusList {
    let mut list = StatusList::new(PROFILE_BITS, 16).unwrap();
    list.set(1, Status::Revoked).unwrap();
    list.set(2, Status::Suspended).unwrap();
    list.set(6, Status::Revoked).unwrap();
    list.set(15, Status::Suspended).unwrap();
    list
}

fn token(s: &Setup, list: StatusList) -> StatusListToken {
    let iat = sample_issued_at();
    StatusListToken::new(
        subject_for(&s.code),
        iat,
        Some(iat + 7 * 86_400),
        Some(86_400),
        list,
    )
    .unwrap()
}

/// A deterministic pseudo-random stream (xorshift64).
fn rng(mut x: u64) -> impl FnMut() -> u64 {
    move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    }
}

// --- Bit layout: the draft's own examples ------------------------------------

/// draft-ietf-oauth-status-list-17 §4.1, the 2-bit example, quoted:
///
/// ```text
/// status[0] = 0b01   status[1] = 0b10   status[2] = 0b00   status[3] = 0b11
/// status[4] = 0b0    status[5] = 0b01   status[6] = 0b00   status[7] = 0b01
/// status[8] = 0b01   status[9] = 0b10   status[10] = 0b11  status[11] = 0b11
///
/// byte value       0xC9               0x44               0xF9
///
/// compressed array (hex): 78da3be9f2130003df0207
/// ```
#[test]
fn two_bit_layout_matches_the_drafts_example() {
    let values = [1u8, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3];
    let mut list = StatusList::new(2, 12).unwrap();
    for (i, v) in values.iter().enumerate() {
        list.set_value(i as u64, *v).unwrap();
    }
    assert_eq!(list.as_bytes(), &[0xc9, 0x44, 0xf9]);

    // The draft's compressed array decodes to the same bytes and values.
    let decoded = StatusList::decompress(2, &hex("78da3be9f2130003df0207")).unwrap();
    assert_eq!(decoded.as_bytes(), &[0xc9, 0x44, 0xf9]);
    assert_eq!(decoded.len(), 12);
    for (i, v) in values.iter().enumerate() {
        assert_eq!(decoded.get_value(i as u64).unwrap(), *v, "status[{i}]");
    }
    assert_eq!(decoded.get(0).unwrap(), Status::Revoked);
    assert_eq!(decoded.get(1).unwrap(), Status::Suspended);
    assert_eq!(decoded.get(2).unwrap(), Status::Valid);
    // 0b11 is application specific in the draft; this profile does not define it.
    let e = decoded.get(3).unwrap_err();
    assert_eq!(e, StatusError::UnknownValue { index: 3, value: 3 });
    assert_eq!(e.reason(), ReasonCode::StatusValueUnknown);
}

/// draft-ietf-oauth-status-list-17 §4.1, the 1-bit example: statuses
/// 1,0,0,1,1,1,0,1, 1,1,0,0,0,1,0,1 give "0xB9 0xA3", compressed
/// "78dadbb918000217015d".
#[test]
fn one_bit_layout_matches_the_drafts_example() {
    let values = [1u8, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1];
    let mut list = StatusList::new(1, 16).unwrap();
    for (i, v) in values.iter().enumerate() {
        if *v == 1 {
            list.revoke(i as u64).unwrap();
        }
    }
    assert_eq!(list.as_bytes(), &[0xb9, 0xa3]);
    let decoded = StatusList::decompress(1, &hex("78dadbb918000217015d")).unwrap();
    assert_eq!(decoded, list);
    assert_eq!(decoded.get(0).unwrap(), Status::Revoked);
    assert_eq!(decoded.get(1).unwrap(), Status::Valid);
    // One bit cannot say "suspended".
    let mut one = decoded.clone();
    let e = one.suspend(1).unwrap_err();
    assert_eq!(e, StatusError::ValueTooWide { value: 2, bits: 1 });
    assert_eq!(e.reason(), ReasonCode::StatusListBitsInvalid);
}

/// draft-ietf-oauth-status-list-17 Appendix C.2, the 2-bit test vector (a
/// list of 2^20 entries, CBOR with the draft's text keys), decoded through
/// the same code as a token's `status_list` claim.
#[test]
fn appendix_c2_test_vector_decodes() {
    let cbor_hex = "
        a2646269747302636c737459013d78daeddb310d00211000412ea1a04004fe5520ed
        357c28c81d3312b6df68bc65480000000000406e2101000000000000000000000000
        0000000000000000000000000000000000000040795b020000000000000000000000
        00000000000000000000000000000000000000000000000000000000000000000000
        00000000000000000000000000000000000000000000000000000000000000000000
        0080f4ba0400000000000000000000000000406d764a000000000000000000000000
        000000000000000000e0922101000000000000000000000000000000000000fc1312
        00000000000000000000000000000000000000000000000000000000000000c0912e
        01000000000000000000000000000000000000c07d4b020000000000000000000000
        00000000a8614a0000000000000000000000406a1fcd60010c";
    let value = cbor::decode(&hex(cbor_hex), &CLAIMS_LIMITS).unwrap();
    let list = StatusList::from_value(value).unwrap();
    assert_eq!(list.bits(), 2);
    assert_eq!(list.len(), 1 << 20);
    let expected: [(u64, u8); 11] = [
        (0, 0b01),
        (1993, 0b10),
        (25460, 0b01),
        (159495, 0b11),
        (495669, 0b01),
        (554353, 0b01),
        (645645, 0b10),
        (723232, 0b01),
        (854545, 0b01),
        (934534, 0b10),
        (1000345, 0b11),
    ];
    for (i, v) in expected {
        assert_eq!(list.get_value(i).unwrap(), v, "status[{i}]");
    }
    let nonzero = (0..list.len() as u64)
        .filter(|&i| list.get_value(i).unwrap() != 0)
        .count();
    assert_eq!(nonzero, expected.len());
    assert_eq!(list.get(1993).unwrap(), Status::Suspended);
    assert_eq!(list.get(25460).unwrap(), Status::Revoked);
}

#[test]
fn every_bit_width_packs_lsb_first() {
    for (bits, index, value, byte, byte_value) in [
        (1u8, 9u64, 1u8, 1usize, 0x02u8),
        (2, 7, 2, 1, 0x80),
        (4, 3, 0xa, 1, 0xa0),
        (8, 2, 0xfe, 2, 0xfe),
    ] {
        let mut list = StatusList::new(bits, 16).unwrap();
        list.set_value(index, value).unwrap();
        let mut expected = vec![0u8; 16 * usize::from(bits) / 8];
        expected[byte] = byte_value;
        assert_eq!(list.as_bytes(), &expected[..], "bits {bits}");
        assert_eq!(list.get_value(index).unwrap(), value);
        // Neighbours are untouched by a second write.
        list.set_value(index, 0).unwrap();
        assert!(list.as_bytes().iter().all(|b| *b == 0));
    }
}

// --- Size and speed: a million licences --------------------------------------

#[test]
fn a_million_entries_round_trip_compressed_and_signed() {
    let s = setup();
    const N: usize = 1_000_000;
    let mut list = StatusList::new(PROFILE_BITS, N).unwrap();
    let mut next = rng(0x9e37_79b9_7f4a_7c15);
    let (mut revoked, mut suspended) = (0, 0);
    for i in 0..N as u64 {
        if next() % 100 == 0 {
            if next() % 2 == 0 {
                list.revoke(i).unwrap();
                revoked += 1;
            } else {
                list.suspend(i).unwrap();
                suspended += 1;
            }
        }
    }
    assert_eq!(list.as_bytes().len(), 250_000);

    let ours = list.compress();
    let greedy = crate::deflate::zlib(list.as_bytes());
    let miniz9 = miniz_oxide::deflate::compress_to_vec_zlib(list.as_bytes(), 9);
    println!(
        "1,000,000 entries, {revoked} revoked, {suspended} suspended: 250000 bytes; \
         lst {} bytes (miniz level {COMPRESSION_LEVEL}), {} bytes (miniz level 9), \
         {} bytes (crate::deflate::zlib, greedy fixed-Huffman)",
        ours.len(),
        miniz9.len(),
        greedy.len(),
    );
    // Our QR encoder is far worse on large lists: that is why lists use miniz.
    assert!(ours.len() <= miniz9.len());
    assert!(greedy.len() > ours.len() * 13 / 10);
    for z in [&ours, &greedy, &miniz9] {
        assert_eq!(StatusList::decompress(2, z).unwrap(), list);
    }

    let token = token(&s, list.clone());
    let cose = token
        .sign(
            &crate::artifact::CertifiedSigner::new(s.cert.clone(), s.key.clone())
                .expect("the key is the certificate's"),
        )
        .unwrap();
    println!("signed token: {} bytes", cose.len());
    let verified = StatusListToken::verify(
        &cose,
        &s.cert,
        &subject_for(&s.code),
        crate::UnixTime::from_secs(token.issued_at() + 60),
        86_400,
    )
    .unwrap();
    assert_eq!(verified.token, token);
    assert!(verified.freshness.is_fresh());

    // Lookup speed (meaningful with --release).
    let list = verified.token.list();
    let start = std::time::Instant::now();
    let mut counts = [0usize; 3];
    for i in 0..N as u64 {
        counts[std::hint::black_box(list.get(i)).unwrap().value() as usize] += 1;
    }
    let elapsed = start.elapsed();
    println!(
        "1,000,000 get() calls: {elapsed:?} ({:.2} ns each)",
        elapsed.as_nanos() as f64 / N as f64
    );
    assert_eq!(counts, [N - revoked - suspended, revoked, suspended]);
}

// --- Transitions -------------------------------------------------------------

#[test]
fn transitions_follow_the_rules() {
    let mut list = StatusList::new(2, 8).unwrap();
    // valid → suspended → valid
    list.suspend(3).unwrap();
    assert_eq!(list.get(3).unwrap(), Status::Suspended);
    list.reinstate(3).unwrap();
    assert_eq!(list.get(3).unwrap(), Status::Valid);
    // suspended → revoked
    list.suspend(3).unwrap();
    list.revoke(3).unwrap();
    assert_eq!(list.get(3).unwrap(), Status::Revoked);
    // revoked is final
    let e = list.reinstate(3).unwrap_err();
    assert_eq!(
        e,
        StatusError::Transition {
            index: 3,
            action: Transition::Reinstate,
            from: Status::Revoked
        }
    );
    assert_eq!(e.reason(), ReasonCode::StatusTransitionInvalid);
    assert_eq!(
        e.to_string(),
        "cannot reinstate the licence at index 3: it is revoked, and only a suspended \
         licence can be reinstated"
    );
    assert_eq!(
        list.revoke(3).unwrap_err(),
        StatusError::Transition {
            index: 3,
            action: Transition::Revoke,
            from: Status::Revoked
        }
    );
    assert_eq!(
        list.suspend(3).unwrap_err(),
        StatusError::Transition {
            index: 3,
            action: Transition::Suspend,
            from: Status::Revoked
        }
    );
    // valid → reinstate is an error naming "valid"
    assert_eq!(
        list.reinstate(0).unwrap_err(),
        StatusError::Transition {
            index: 0,
            action: Transition::Reinstate,
            from: Status::Valid
        }
    );
    // suspended → suspend again is an error
    list.suspend(1).unwrap();
    assert_eq!(
        list.suspend(1).unwrap_err(),
        StatusError::Transition {
            index: 1,
            action: Transition::Suspend,
            from: Status::Suspended
        }
    );
    // valid → revoked
    list.revoke(0).unwrap();
    assert_eq!(list.get(0).unwrap(), Status::Revoked);
    // Only the entries touched changed: 0 revoked, 1 suspended, 3 revoked.
    assert_eq!(list.as_bytes(), &[0b0100_1001, 0x00]);
    // An undefined value blocks transitions with its own code.
    list.set_value(4, 3).unwrap();
    assert_eq!(
        list.revoke(4).unwrap_err(),
        StatusError::UnknownValue { index: 4, value: 3 }
    );
}

#[test]
fn statuses_map_to_reason_codes() {
    assert_eq!(Status::Valid.reason(), ReasonCode::Ok);
    assert_eq!(Status::Revoked.reason(), ReasonCode::LicenceRevoked);
    assert_eq!(Status::Suspended.reason(), ReasonCode::LicenceSuspended);
    for s in [Status::Valid, Status::Revoked, Status::Suspended] {
        assert_eq!(Status::from_value(s.value()), Some(s));
    }
    assert_eq!(Status::from_value(3), None);
}

#[test]
fn index_out_of_range_is_refused() {
    let mut list = StatusList::new(2, 10).unwrap();
    let oob = StatusError::IndexOutOfRange { index: 10, len: 10 };
    assert_eq!(list.get(10).unwrap_err(), oob);
    assert_eq!(
        list.get(10).unwrap_err().reason(),
        ReasonCode::StatusIndexOutOfRange
    );
    assert_eq!(list.set(10, Status::Revoked).unwrap_err(), oob);
    assert_eq!(list.revoke(10).unwrap_err(), oob);
    assert_eq!(
        list.get(u64::MAX).unwrap_err(),
        StatusError::IndexOutOfRange {
            index: u64::MAX,
            len: 10
        }
    );
    // The padding entries of the last byte exist only after a round trip:
    // the token does not carry the number of entries.
    let decoded = StatusList::decompress(2, &list.compress()).unwrap();
    assert_eq!(decoded.len(), 12);
    assert_eq!(decoded.get(11).unwrap(), Status::Valid);
    assert_eq!(
        decoded.get(12).unwrap_err(),
        StatusError::IndexOutOfRange { index: 12, len: 12 }
    );
}

#[test]
fn bits_other_than_1_2_4_8_are_refused() {
    for bits in [0u8, 3, 5, 16] {
        let e = StatusList::new(bits, 8).unwrap_err();
        assert_eq!(e, StatusError::BitsInvalid(u64::from(bits)));
        assert_eq!(e.reason(), ReasonCode::StatusListBitsInvalid);
    }
    // In a token's claims, before anything is inflated.
    let list = StatusList::new(2, 8).unwrap();
    let claims = claims_with(&list, |sl| {
        sl[0].1 = Value::Integer(3.into());
    });
    let e = StatusListToken::from_claims(&claims).unwrap_err();
    assert_eq!(e, StatusError::BitsInvalid(3));
    assert_eq!(e.reason(), ReasonCode::StatusListBitsInvalid);
    // 1, 4 and 8 bits are read, as the draft allows.
    for bits in [1u8, 4, 8] {
        let l = StatusList::new(bits, 8).unwrap();
        assert_eq!(
            StatusList::decompress(u64::from(bits), &l.compress()).unwrap(),
            l
        );
    }
}

#[test]
fn list_size_is_limited() {
    // 2^24 entries of 2 bits is exactly the limit.
    let max = StatusList::new(2, 1 << 24).unwrap();
    assert_eq!(max.as_bytes().len(), MAX_LIST_BYTES);
    let e = StatusList::new(2, (1 << 24) + 1).unwrap_err();
    assert_eq!(
        e,
        StatusError::TooManyEntries {
            len: (1 << 24) + 1,
            bits: 2
        }
    );
    assert_eq!(e.reason(), ReasonCode::StatusListTooLarge);
    assert_eq!(
        StatusList::new(8, 0).unwrap_err().reason(),
        ReasonCode::StatusListMalformed
    );
    // A full-size list inflates; one byte more does not.
    let z = miniz_oxide::deflate::compress_to_vec_zlib(&vec![0u8; MAX_LIST_BYTES], 1);
    assert_eq!(StatusList::decompress(2, &z).unwrap().len(), 1 << 24);
    let z = miniz_oxide::deflate::compress_to_vec_zlib(&vec![0u8; MAX_LIST_BYTES + 1], 1);
    assert_eq!(
        StatusList::decompress(2, &z).unwrap_err(),
        StatusError::InflatesTooLarge
    );
}

/// A zlib stream of fixed-Huffman blocks: one literal 0, then `repeats`
/// copies of 258 bytes at distance 1 (1 + 258 × repeats bytes of output).
/// With `split`, the copies sit in a non-final block followed by an empty
/// final one, which sends the stream to the general inflater.
fn fixed_bomb(repeats: usize, split: bool) -> Vec<u8> {
    struct W {
        out: Vec<u8>,
        acc: u64,
        n: u32,
    }
    impl W {
        fn put(&mut self, value: u32, bits: u32) {
            self.acc |= u64::from(value) << self.n;
            self.n += bits;
            while self.n >= 8 {
                self.out.push(self.acc as u8);
                self.acc >>= 8;
                self.n -= 8;
            }
        }
        /// A Huffman code: written most significant bit first.
        fn code(&mut self, code: u32, bits: u32) {
            self.put(code.reverse_bits() >> (32 - bits), bits);
        }
    }
    let mut w = W {
        out: vec![0x78, 0x01],
        acc: 0,
        n: 0,
    };
    w.put(u32::from(!split), 1); // BFINAL
    w.put(1, 2); // BTYPE 01: fixed Huffman
    w.code(0x30, 8); // literal 0
    for _ in 0..repeats {
        w.code(0xc5, 8); // length symbol 285: 258 bytes
        w.code(0, 5); // distance code 0: distance 1
    }
    w.code(0, 7); // end of block
    if split {
        w.put(1, 1);
        w.put(1, 2);
        w.code(0, 7);
    }
    if w.n > 0 {
        w.out.push(w.acc as u8);
    }
    w.out.extend_from_slice(&[0, 0, 0, 0]); // Adler-32: never reached
    w.out
}

#[test]
fn a_zlib_bomb_is_refused_at_the_limit() {
    // About a gigabyte of zeros in 6.5 MB, through both inflaters.
    for split in [false, true] {
        let bomb = fixed_bomb(4_000_000, split);
        let start = std::time::Instant::now();
        let e = StatusList::decompress(2, &bomb).unwrap_err();
        assert_eq!(e, StatusError::InflatesTooLarge, "split {split}");
        assert_eq!(e.reason(), ReasonCode::StatusListTooLarge);
        // Expanding a gigabyte would take far longer than stopping at 4 MiB.
        assert!(start.elapsed().as_secs() < 10);
    }

    // Inside a signed token (258 MB of zeros in 1.6 MB): refused after the
    // signature, when the claims are read.
    let s = setup();
    let mut claims = token(&s, StatusList::new(2, 8).unwrap()).to_claims();
    let Value::Map(mut entries) = cbor::decode(&claims, &CLAIMS_LIMITS).unwrap() else {
        unreachable!()
    };
    for (k, v) in &mut entries {
        if *k == Value::Integer(CLAIM_STATUS_LIST.into()) {
            *v = Value::Map(vec![
                (Value::Text("bits".into()), Value::Integer(2.into())),
                (
                    Value::Text("lst".into()),
                    Value::Bytes(fixed_bomb(1_000_000, false)),
                ),
            ]);
        }
    }
    claims = cbor::encode(&Value::Map(entries));
    let cose = sign_claims(&s, claims);
    assert!(cose.len() < MAX_TOKEN_LEN);
    let e = StatusListToken::verify(
        &cose,
        &s.cert,
        &subject_for(&s.code),
        crate::UnixTime::from_secs(sample_issued_at()),
        60,
    )
    .unwrap_err();
    assert_eq!(e, StatusError::InflatesTooLarge);
}

#[test]
fn corrupt_lst_is_zlib_invalid() {
    let list = small_list();
    let mut z = list.compress();
    let last = z.len() - 1;
    z[last] ^= 1; // Adler-32
    let e = StatusList::decompress(2, &z).unwrap_err();
    assert!(matches!(e, StatusError::Zlib(_)), "{e:?}");
    assert_eq!(e.reason(), ReasonCode::ZlibInvalid);
    let mut z = list.compress();
    z.push(0);
    assert_eq!(
        StatusList::decompress(2, &z).unwrap_err().reason(),
        ReasonCode::ZlibInvalid
    );
    // An empty array is not a list.
    let z = miniz_oxide::deflate::compress_to_vec_zlib(&[], 9);
    assert_eq!(
        StatusList::decompress(2, &z).unwrap_err().reason(),
        ReasonCode::StatusListMalformed
    );
}

// --- Claims ------------------------------------------------------------------

/// Entries of a CBOR map.
type Members = Vec<(Value, Value)>;

/// The claims of a token over `list` with its status_list map edited by `f`
/// (entries in deterministic order: "lst" then "bits").
fn claims_with(list: &StatusList, mut f: impl FnMut(&mut Members)) -> Vec<u8> {
    let s = subject_for(&CreditCode::parse(DEMO_AUTHORITY_CODE).unwrap());
    let t = StatusListToken::new(s, sample_issued_at(), None, None, list.clone()).unwrap();
    let Value::Map(mut entries) = cbor::decode(&t.to_claims(), &CLAIMS_LIMITS).unwrap() else {
        unreachable!()
    };
    for (k, v) in &mut entries {
        if *k == Value::Integer(CLAIM_STATUS_LIST.into()) {
            let Value::Map(sl) = v else { unreachable!() };
            // Put "bits" first for the editing closure.
            sl.sort_by_key(|(k, _)| k != &Value::Text("bits".into()));
            f(sl);
        }
    }
    cbor::encode(&Value::Map(entries))
}

fn edit_claims(t: &StatusListToken, f: impl FnOnce(&mut Vec<(Value, Value)>)) -> Vec<u8> {
    let Value::Map(mut entries) = cbor::decode(&t.to_claims(), &CLAIMS_LIMITS).unwrap() else {
        unreachable!()
    };
    f(&mut entries);
    cbor::encode(&Value::Map(entries))
}

fn int(i: i64) -> Value {
    Value::Integer(i.into())
}

#[test]
fn claims_round_trip_deterministically() {
    let s = setup();
    let t = token(&s, small_list());
    let claims = t.to_claims();
    assert_eq!(StatusListToken::from_claims(&claims).unwrap(), t);
    // Deterministic: re-encoding the decoded value gives the same bytes.
    assert_eq!(
        cbor::encode(&cbor::decode(&claims, &CLAIMS_LIMITS).unwrap()),
        claims
    );
    // Keys in deterministic order: 2, 4, 6, 65533, 65534; "lst" before "bits".
    assert_eq!(claims[0], 0xa5);
    assert_eq!(&claims[1..3], &[0x02, 0x78]);
    // Without exp and ttl.
    let bare = StatusListToken::new(
        subject_for(&s.code),
        sample_issued_at(),
        None,
        None,
        small_list(),
    )
    .unwrap();
    assert_eq!(
        StatusListToken::from_claims(&bare.to_claims()).unwrap(),
        bare
    );
}

#[test]
fn claims_are_decoded_strictly() {
    let s = setup();
    let t = token(&s, small_list());
    let err = |claims: Vec<u8>| StatusListToken::from_claims(&claims).unwrap_err();
    let m = |msg: &str| StatusError::Malformed(msg.into());

    // Unknown claims, including iss (1): refused.
    for key in [1i64, 3, 65535, -65537] {
        let c = edit_claims(&t, |e| e.push((int(key), int(0))));
        assert_eq!(err(c), m(&format!("unknown claim {key}")));
    }
    let c = edit_claims(&t, |e| e.push((Value::Text("sub".into()), int(0))));
    assert_eq!(err(c), m("a claim key is not an integer"));
    // Wrong types.
    let set = |key: i64, v: Value| {
        edit_claims(&t, |e| {
            for (k, x) in e.iter_mut() {
                if *k == int(key) {
                    *x = v.clone();
                }
            }
        })
    };
    assert_eq!(
        err(set(CLAIM_SUB, int(5))),
        m("sub (2) is not a text string")
    );
    assert_eq!(
        err(set(CLAIM_IAT, Value::Text("now".into()))),
        m("iat (6) is not an unsigned integer")
    );
    assert_eq!(
        err(set(CLAIM_IAT, int(-1))),
        m("iat (6) is not an unsigned integer")
    );
    assert_eq!(
        err(set(CLAIM_EXP, Value::Bool(true))),
        m("exp (4) is not an unsigned integer")
    );
    assert_eq!(
        err(set(CLAIM_TTL, int(-5))),
        m("ttl (65534) is not an unsigned integer")
    );
    assert_eq!(
        err(set(CLAIM_STATUS_LIST, Value::Array(vec![]))),
        m("status_list (65533) is not a map")
    );
    assert_eq!(
        err(set(CLAIM_IAT, int(MAX_TIME + 1))),
        m("iat (6) is after the year 9999")
    );
    // Nesting deeper than the claims map and the status list map.
    assert_eq!(
        err(set(CLAIM_SUB, Value::Array(vec![Value::Array(vec![])]))).reason(),
        ReasonCode::CborTooDeep
    );
    // Values out of range.
    assert_eq!(
        err(set(CLAIM_TTL, int(0))),
        m("ttl (65534) must be a positive number of seconds, at most 253402300799")
    );
    assert_eq!(
        err(set(CLAIM_EXP, int(t.issued_at()))),
        m("exp (4) is not after iat (6)")
    );
    assert_eq!(
        err(set(CLAIM_SUB, Value::Text("no scheme".into()))),
        m("sub \"no scheme\" is not a URI")
    );
    // Missing claims.
    for (key, name) in [
        (CLAIM_SUB, "sub (2)"),
        (CLAIM_IAT, "iat (6)"),
        (CLAIM_STATUS_LIST, "status_list (65533)"),
    ] {
        let c = edit_claims(&t, |e| e.retain(|(k, _)| *k != int(key)));
        assert_eq!(err(c), m(&format!("{name} is missing")));
    }
    // Not a map at all; not CBOR.
    assert_eq!(
        err(cbor::encode(&Value::Array(vec![]))),
        m("the claims set is not a map")
    );
    assert_eq!(err(vec![0xa1, 0x02]).reason(), ReasonCode::CborMalformed);
    // Duplicate keys are refused by the strict CBOR layer.
    let mut dup = t.to_claims();
    dup[0] = 0xa6;
    dup.extend_from_slice(&[0x06, 0x00]);
    assert_eq!(err(dup).reason(), ReasonCode::CborDuplicateKey);

    // The StatusList map.
    let list = small_list();
    let sl = |f: &dyn Fn(&mut Members)| err(claims_with(&list, f));
    assert_eq!(
        sl(&|e| e.push((
            Value::Text("aggregation_uri".into()),
            Value::Text("https://x".into())
        ))),
        m("status_list.aggregation_uri is not used by this profile")
    );
    assert_eq!(
        sl(&|e| e.push((Value::Text("idx".into()), int(1)))),
        m("unknown status_list member \"idx\"")
    );
    assert_eq!(
        sl(&|e| e.push((int(1), int(2)))),
        m("a status_list member name is not a text string")
    );
    assert_eq!(
        sl(&|e| e[0].1 = Value::Text("2".into())),
        m("status_list.bits is not an unsigned integer")
    );
    assert_eq!(
        sl(&|e| e[1].1 = Value::Text("x".into())),
        m("status_list.lst is not a byte string")
    );
    assert_eq!(sl(&|e| e.truncate(1)), m("status_list.lst is missing"));
    assert_eq!(
        sl(&|e| {
            e.remove(0);
        }),
        m("status_list.bits is missing")
    );
    // Integer keys 1 and 2 (as some early drafts' readers assume) are not the draft's keys.
    let e = sl(&|e| {
        e[0].0 = int(1);
        e[1].0 = int(2);
    });
    assert_eq!(e, m("a status_list member name is not a text string"));
    assert_eq!(e.reason(), ReasonCode::StatusListMalformed);
}

#[test]
fn tokens_are_checked_when_built() {
    let list = small_list();
    let iat = sample_issued_at();
    let new = |sub: &str, exp, ttl| StatusListToken::new(sub, iat, exp, ttl, list.clone());
    assert!(new(
        "urn:elicense:status:11310000MB2F31727A",
        Some(iat + 1),
        Some(1)
    )
    .is_ok());
    assert!(new("https://status.example.cn/310000/1", None, None).is_ok());
    for bad in ["", "urn", ":x", "1urn:x", "urn:a b", "urn:a\u{7}"] {
        assert_eq!(
            new(bad, None, None).unwrap_err().reason(),
            ReasonCode::StatusListMalformed,
            "{bad:?}"
        );
    }
    assert!(new(&format!("urn:{}", "x".repeat(MAX_SUBJECT_LEN)), None, None).is_err());
    assert!(new("urn:x", Some(iat), None).is_err());
    assert!(new("urn:x", None, Some(0)).is_err());
    assert!(StatusListToken::new("urn:x", -1, None, None, list.clone()).is_err());
}

#[test]
fn subject_names_the_authority() {
    let code = CreditCode::parse(DEMO_AUTHORITY_CODE).unwrap();
    assert_eq!(subject_for(&code), "urn:elicense:status:11310000MB2F31727A");
}

// --- Signing -----------------------------------------------------------------

fn sign_claims(s: &Setup, claims: Vec<u8>) -> Vec<u8> {
    let p = PreparedSign1::new(
        ArtifactType::StatusList,
        crate::alg::Algorithm::EdDsa,
        *s.cert.kid(),
        claims,
    );
    let sig = s.key.sign_bytes(&p.to_be_signed());
    p.complete(&sig, &s.key.public_key()).unwrap()
}

#[test]
fn only_a_status_list_signing_certificate_signs() {
    let s = setup();
    let t = token(&s, small_list());
    // The demo authority's licence-signing certificate lacks the EKU.
    let e = t
        .sign(
            &crate::artifact::CertifiedSigner::new(
                s.demo.authority.clone(),
                s.demo.authority_key.clone(),
            )
            .expect("the key is the certificate's"),
        )
        .unwrap_err();
    assert_eq!(
        e,
        StatusError::Certificate(PkiError::WrongEku(Usage::StatusListSigning))
    );
    assert_eq!(e.reason(), ReasonCode::CertWrongEku);
    // The region root is a CA.
    let e = t
        .sign(
            &crate::artifact::CertifiedSigner::new(s.demo.root.clone(), s.demo.root_key.clone())
                .expect("the key is the certificate's"),
        )
        .unwrap_err();
    assert_eq!(e, StatusError::Certificate(PkiError::CaAsEndEntity));
    assert_eq!(e.reason(), ReasonCode::CertCaAsEndEntity);
    // The key must be the certificate's: refused when the pair is made.
    let e = crate::artifact::CertifiedSigner::new(s.cert.clone(), s.demo.authority_key.clone())
        .unwrap_err();
    assert!(matches!(e, ArtifactError::KeyMismatch { .. }), "{e:?}");
    assert_eq!(e.reason(), ReasonCode::SignerFailed);
    // The certificate must be valid at iat.
    let late = StatusListToken::new(
        subject_for(&s.code),
        ts(2030, 1, 1),
        None,
        None,
        small_list(),
    )
    .unwrap();
    let e = late
        .sign(
            &crate::artifact::CertifiedSigner::new(s.cert.clone(), s.key.clone())
                .expect("the key is the certificate's"),
        )
        .unwrap_err();
    assert_eq!(e.reason(), ReasonCode::CertExpired);
    // A certificate with both usages signs.
    let both = authority(
        &s.demo,
        &s.key,
        &s.code,
        vec![Usage::LicenceSigning, Usage::StatusListSigning],
    );
    assert!(t
        .sign(
            &crate::artifact::CertifiedSigner::new(both.clone(), s.key.clone())
                .expect("the key is the certificate's")
        )
        .is_ok());
}

/// An external signer (as an HSM would be): its signatures are checked.
struct External(SecretKey, bool);

impl Signer for External {
    fn public_key(&self) -> PublicKey {
        self.0.public_key()
    }
    fn sign(&self, tbs: &[u8]) -> Result<Vec<u8>, SignerError> {
        let mut sig = self.0.sign_bytes(tbs).to_vec();
        if self.1 {
            sig[0] ^= 1;
        }
        Ok(sig)
    }
}

#[test]
fn external_signers_are_checked_and_prepare_complete_works() {
    use crate::artifact::CertifiedSigner;
    let s = setup();
    let t = token(&s, small_list());
    let in_process = t
        .sign(&CertifiedSigner::new(s.cert.clone(), s.key.clone()).unwrap())
        .unwrap();
    let external = |faulty| {
        CertifiedSigner::external(
            s.cert.clone(),
            std::sync::Arc::new(External(s.key.clone(), faulty)),
        )
        .unwrap()
    };
    // Ed25519 is deterministic: the same bytes through every path.
    assert_eq!(t.sign(&external(false)).unwrap(), in_process);
    let p = t.prepare(&s.cert).unwrap();
    let sig = s.key.sign_bytes(&p.to_be_signed());
    assert_eq!(p.complete(&sig).unwrap(), in_process);
    let e = t.sign(&external(true)).unwrap_err();
    assert!(
        matches!(
            e,
            StatusError::Artifact(ArtifactError::SignerBadSignature(_))
        ),
        "{e:?}"
    );
    assert_eq!(e.reason(), ReasonCode::SignerFailed);
}

// --- Verification ------------------------------------------------------------

#[test]
fn a_signed_list_verifies_and_reads() {
    let s = setup();
    let t = token(&s, small_list());
    let cose = t
        .sign(
            &crate::artifact::CertifiedSigner::new(s.cert.clone(), s.key.clone())
                .expect("the key is the certificate's"),
        )
        .unwrap();
    let v = StatusListToken::verify(
        &cose,
        &s.cert,
        &subject_for(&s.code),
        crate::UnixTime::from_secs(t.issued_at()),
        86_400,
    )
    .unwrap();
    assert_eq!(v.token, t);
    assert_eq!(
        v.freshness,
        Freshness::Fresh {
            until: t.issued_at() + 86_400
        }
    );
    assert_eq!(v.status(1).unwrap(), Status::Revoked);
    assert_eq!(v.status(2).unwrap(), Status::Suspended);
    assert_eq!(v.status(0).unwrap(), Status::Valid);
    assert_eq!(
        v.status(16).unwrap_err(),
        StatusError::IndexOutOfRange { index: 16, len: 16 }
    );
    // The envelope is the profile's: typ application/statuslist+cwt.
    let sign1 = Sign1::decode(&cose, ArtifactType::StatusList).unwrap();
    assert_eq!(sign1.kid(), s.cert.kid());
    assert!(cose.windows(26).any(|w| w == b"application/statuslist+cwt"));
}

#[test]
fn a_licence_is_not_a_status_list() {
    let s = setup();
    let licence = Demo::sample_licence().unwrap();
    let cose = licence
        .sign(
            &crate::artifact::CertifiedSigner::new(
                s.demo.authority.clone(),
                s.demo.authority_key.clone(),
            )
            .expect("the key is the certificate's"),
        )
        .unwrap()
        .into_cose();
    let e = StatusListToken::verify(
        &cose,
        &s.cert,
        &subject_for(&s.code),
        crate::UnixTime::from_secs(sample_issued_at()),
        60,
    )
    .unwrap_err();
    assert_eq!(
        e,
        StatusError::Envelope(EnvelopeError::TypMismatch {
            expected: crate::envelope::Typ::MediaType("application/statuslist+cwt"),
            found: "65100".into()
        })
    );
    assert_eq!(e.reason(), ReasonCode::CoseTypMismatch);
    // And a status list is not a licence.
    let list = token(&s, small_list())
        .sign(
            &crate::artifact::CertifiedSigner::new(s.cert.clone(), s.key.clone())
                .expect("the key is the certificate's"),
        )
        .unwrap();
    assert_eq!(
        Sign1::decode(&list, ArtifactType::Licence)
            .unwrap_err()
            .reason(),
        ReasonCode::CoseTypMismatch
    );
}

#[test]
fn another_authoritys_list_is_refused() {
    let s = setup();
    let other_key = SecretKey::from_seed(&[4; 32]);
    let other_code = credit_code("11310000MB2F31728");
    let other_cert = authority(
        &s.demo,
        &other_key,
        &other_code,
        vec![Usage::StatusListSigning],
    );
    let other = StatusListToken::new(
        subject_for(&other_code),
        sample_issued_at(),
        None,
        None,
        small_list(),
    )
    .unwrap();
    let cose = other
        .sign(
            &crate::artifact::CertifiedSigner::new(other_cert.clone(), other_key.clone())
                .expect("the key is the certificate's"),
        )
        .unwrap();
    let expected = subject_for(&s.code);
    let now = sample_issued_at();

    // Signed by another certificate: its kid is not ours.
    let e = StatusListToken::verify(
        &cose,
        &s.cert,
        &expected,
        crate::UnixTime::from_secs(now),
        60,
    )
    .unwrap_err();
    assert_eq!(
        e,
        StatusError::Artifact(ArtifactError::KidMismatch {
            expected: hex::encode(s.cert.kid()),
            found: hex::encode(other_cert.kid()),
        })
    );
    assert_eq!(e.reason(), ReasonCode::SignerUnknown);

    // Genuinely signed, but it is the other authority's list.
    let e = StatusListToken::verify(
        &cose,
        &other_cert,
        &expected,
        crate::UnixTime::from_secs(now),
        60,
    )
    .unwrap_err();
    assert_eq!(
        e,
        StatusError::WrongSubject {
            expected: expected.clone(),
            found: subject_for(&other_code),
        }
    );
    assert_eq!(e.reason(), ReasonCode::StatusListWrongSubject);

    // Our kid, the other key's signature.
    let p = PreparedSign1::new(
        ArtifactType::StatusList,
        crate::alg::Algorithm::EdDsa,
        *s.cert.kid(),
        other.to_claims(),
    );
    let sig = other_key.sign_bytes(&p.to_be_signed());
    let forged = p.complete(&sig, &other_key.public_key()).unwrap();
    let e = StatusListToken::verify(
        &forged,
        &s.cert,
        &expected,
        crate::UnixTime::from_secs(now),
        60,
    )
    .unwrap_err();
    assert_eq!(e.reason(), ReasonCode::SignatureInvalid);

    // A tampered list.
    let mut cose = token(&s, small_list())
        .sign(
            &crate::artifact::CertifiedSigner::new(s.cert.clone(), s.key.clone())
                .expect("the key is the certificate's"),
        )
        .unwrap();
    let i = cose.len() - 64 - 3;
    cose[i] ^= 0x40;
    let e = StatusListToken::verify(
        &cose,
        &s.cert,
        &expected,
        crate::UnixTime::from_secs(now),
        60,
    )
    .unwrap_err();
    assert_eq!(e.reason(), ReasonCode::SignatureInvalid);

    // A certificate not authorised for status lists cannot have signed one.
    let cose = token(&s, small_list())
        .sign(
            &crate::artifact::CertifiedSigner::new(s.cert.clone(), s.key.clone())
                .expect("the key is the certificate's"),
        )
        .unwrap();
    let wrong_eku = authority(&s.demo, &s.key, &s.code, vec![Usage::LicenceSigning]);
    assert_ne!(wrong_eku.kid(), s.cert.kid());
    let p = PreparedSign1::new(
        ArtifactType::StatusList,
        crate::alg::Algorithm::EdDsa,
        *wrong_eku.kid(),
        token(&s, small_list()).to_claims(),
    );
    let sig = s.key.sign_bytes(&p.to_be_signed());
    let cose_eku = p.complete(&sig, &s.key.public_key()).unwrap();
    let e = StatusListToken::verify(
        &cose_eku,
        &wrong_eku,
        &expected,
        crate::UnixTime::from_secs(now),
        60,
    )
    .unwrap_err();
    assert_eq!(e.reason(), ReasonCode::CertWrongEku);
    assert!(StatusListToken::verify(
        &cose,
        &s.cert,
        &expected,
        crate::UnixTime::from_secs(now),
        60
    )
    .is_ok());
}

#[test]
fn oversized_tokens_are_refused_before_decoding() {
    let s = setup();
    let big = vec![0u8; MAX_TOKEN_LEN + 1];
    let e = StatusListToken::verify(&big, &s.cert, "urn:x", crate::UnixTime::from_secs(0), 0)
        .unwrap_err();
    assert_eq!(
        e,
        StatusError::Envelope(EnvelopeError::TooLarge {
            len: MAX_TOKEN_LEN + 1,
            limit: MAX_TOKEN_LEN
        })
    );
    assert_eq!(e.reason(), ReasonCode::InputTooLarge);
}

#[test]
fn stale_lists_are_reported_and_still_readable() {
    let s = setup();
    let iat = sample_issued_at();
    let subject = subject_for(&s.code);
    let make = |exp, ttl| {
        let t = StatusListToken::new(subject.clone(), iat, exp, ttl, small_list()).unwrap();
        t.sign(
            &crate::artifact::CertifiedSigner::new(s.cert.clone(), s.key.clone())
                .expect("the key is the certificate's"),
        )
        .unwrap()
    };
    let verify = |cose: &[u8], now, max_age| {
        StatusListToken::verify(
            cose,
            &s.cert,
            &subject,
            crate::UnixTime::from_secs(now),
            max_age,
        )
        .unwrap()
    };

    // By the verifier's maximum age.
    let cose = make(None, None);
    assert_eq!(
        verify(&cose, iat + 600, 600).freshness,
        Freshness::Fresh { until: iat + 600 }
    );
    let v = verify(&cose, iat + 601, 600);
    assert_eq!(
        v.freshness,
        Freshness::Stale {
            cause: StaleCause::MaxAge,
            until: iat + 600
        }
    );
    assert_eq!(v.freshness.reason(), ReasonCode::StatusListStale);
    // Stale, yet the status can be read if the policy allows…
    assert_eq!(v.status(1).unwrap(), Status::Revoked);
    // …or refused.
    let e = v.require_fresh().unwrap_err();
    assert_eq!(
        e,
        StatusError::Stale {
            cause: StaleCause::MaxAge,
            until: iat + 600
        }
    );
    assert_eq!(e.reason(), ReasonCode::StatusListStale);

    // By exp: stale from exp on.
    let cose = make(Some(iat + 3_600), None);
    assert!(verify(&cose, iat + 3_599, 86_400).freshness.is_fresh());
    assert_eq!(
        verify(&cose, iat + 3_600, 86_400).freshness,
        Freshness::Stale {
            cause: StaleCause::Expired,
            until: iat + 3_599
        }
    );
    assert_eq!(
        verify(&cose, iat + 3_600, 86_400)
            .require_fresh()
            .unwrap_err()
            .to_string(),
        "the status list is stale: it expired at 2024-05-20T11:00:00+08:00"
    );

    // By ttl: stale after iat + ttl.
    let cose = make(Some(iat + 86_400), Some(1_800));
    assert!(verify(&cose, iat + 1_800, 86_400).freshness.is_fresh());
    assert_eq!(
        verify(&cose, iat + 1_801, 86_400).freshness,
        Freshness::Stale {
            cause: StaleCause::TtlElapsed,
            until: iat + 1_800
        }
    );
    // The earliest limit is the one reported.
    assert_eq!(
        verify(&cose, iat + 100_000, 86_400).freshness,
        Freshness::Stale {
            cause: StaleCause::TtlElapsed,
            until: iat + 1_800
        }
    );
    assert!(verify(&cose, iat + 100_000, 86_400)
        .require_fresh()
        .is_err());
}

// --- docs/FORMAT.md §11 ----------------------------------------------------------

/// The example's signing key and kid: those of docs/FORMAT.md's example.
const DOC_SEED: [u8; 32] = [2; 32];
const DOC_KID: [u8; 8] = [0x3c, 0x1f, 0x2a, 0x9b, 0x55, 0x07, 0xe4, 0x6d];

/// CBOR diagnostic notation of the values the example uses.
fn diag(v: &Value, indent: usize) -> String {
    match v {
        Value::Integer(i) => i128::from(*i).to_string(),
        Value::Text(t) => format!("{t:?}"),
        Value::Bytes(b) => format!("h'{}'", hex::encode(b)),
        Value::Map(entries) => {
            let pad = "  ".repeat(indent + 1);
            let items: Vec<String> = entries
                .iter()
                .map(|(k, x)| format!("{pad}{}: {}", diag(k, indent + 1), diag(x, indent + 1)))
                .collect();
            format!("{{\n{}\n{}}}", items.join(",\n"), "  ".repeat(indent))
        }
        other => panic!("unexpected CBOR in the example: {other:?}"),
    }
}

fn wrap_hex(bytes: &[u8]) -> String {
    hex::encode(bytes)
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The fenced block after `<!-- example:NAME -->`.
fn block(doc: &str, name: &str) -> String {
    let marker = format!("<!-- example:{name} -->");
    let start = doc
        .find(&marker)
        .unwrap_or_else(|| panic!("FORMAT.md lacks {marker}"));
    let rest = &doc[start + marker.len()..];
    let open = rest.find("```").unwrap();
    let body = open + rest[open..].find('\n').unwrap() + 1;
    let close = body + rest[body..].find("```").unwrap();
    rest[body..close].trim_end().to_owned()
}

#[test]
fn status_md_worked_example_matches_the_code() {
    let list = small_list();
    let iat = sample_issued_at();
    let code = CreditCode::parse(DEMO_AUTHORITY_CODE).unwrap();
    let t = StatusListToken::new(
        subject_for(&code),
        iat,
        Some(iat + 7 * 86_400),
        Some(86_400),
        list.clone(),
    )
    .unwrap();
    let key = SecretKey::from_seed(&DOC_SEED);
    let claims = t.to_claims();
    let p = PreparedSign1::new(
        ArtifactType::StatusList,
        crate::alg::Algorithm::EdDsa,
        DOC_KID,
        claims.clone(),
    );
    let sig = key.sign_bytes(&p.to_be_signed());
    let cose = p.complete(&sig, &key.public_key()).unwrap();
    let sign1 = Sign1::decode(&cose, ArtifactType::StatusList).unwrap();
    let generated = [
        ("status-bytes", wrap_hex(list.as_bytes())),
        ("status-lst", wrap_hex(&list.compress())),
        (
            "status-claims-diag",
            diag(&cbor::decode(&claims, &CLAIMS_LIMITS).unwrap(), 0),
        ),
        ("status-claims-hex", wrap_hex(&claims)),
        ("status-protected-hex", wrap_hex(sign1.protected_bytes())),
        ("status-cose-hex", wrap_hex(&cose)),
    ];
    if std::env::var_os("ELICENSE_PRINT_EXAMPLE").is_some() {
        for (name, value) in &generated {
            println!("<!-- example:{name} -->\n```\n{value}\n```\n");
        }
        println!("claims {} bytes, COSE {} bytes", claims.len(), cose.len());
    }
    let doc = include_str!("../../docs/FORMAT.md");
    for (name, value) in &generated {
        assert_eq!(
            &block(doc, name),
            value,
            "FORMAT.md example:{name} differs from the code"
        );
    }
    // The example reads back.
    sign1.verify(&key.public_key()).unwrap();
    let back = StatusListToken::from_claims(sign1.payload()).unwrap();
    assert_eq!(back, t);
    assert_eq!(back.status(1).unwrap(), Status::Revoked);
    assert_eq!(back.status(15).unwrap(), Status::Suspended);
}
