use super::*;
use crate::alg::SecretKey;
use crate::pki::{
    create_federation_root, create_region_root, FederationRootParams, RegionRootParams,
};
use crate::trust::ListedRegion;

const Y2024: i64 = 1_704_067_200;
const Y2030: i64 = 1_893_456_000;
/// When the tests load bundles.
const NOW: i64 = Y2024 + 86_400;

struct Fixture {
    anchor: Certificate,
    federation: Vec<u8>,
    region: Vec<u8>,
}

fn fixture() -> Fixture {
    let fkey = SecretKey::from_seed(&[50; 32]);
    let anchor = create_federation_root(
        &fkey,
        &FederationRootParams {
            name: "federation".into(),
            not_before: Y2024,
            not_after: Y2030,
            serial_number: Some(vec![50]),
        },
    )
    .unwrap();
    let rkey = SecretKey::from_seed(&[51; 32]);
    let root = create_region_root(
        &rkey,
        &RegionRootParams {
            region: "310000".parse().unwrap(),
            name: "root".into(),
            not_before: Y2024,
            not_after: Y2030,
            serial_number: Some(vec![51]),
        },
    )
    .unwrap();
    let federation = FederationTrustList {
        name: "f".into(),
        sequence: 1,
        issued_at: Y2024,
        next_update: Y2030,
        regions: vec![ListedRegion {
            region: "310000".parse().unwrap(),
            name: "上海".into(),
            root: root.clone(),
        }],
    }
    .sign(
        &crate::artifact::CertifiedSigner::new(anchor.clone(), fkey.clone())
            .expect("the key is the certificate's"),
    )
    .unwrap();
    let region = RegionTrustList {
        region: "310000".parse().unwrap(),
        sequence: 1,
        issued_at: Y2024,
        next_update: Y2030,
        authorities: vec![],
    }
    .sign(
        &crate::artifact::CertifiedSigner::new(root.clone(), rkey.clone())
            .expect("the key is the certificate's"),
    )
    .unwrap();
    Fixture {
        anchor,
        federation,
        region,
    }
}

fn file(fields: Vec<(Value, Value)>) -> Vec<u8> {
    cbor::encode(&Value::Map(fields))
}

fn base(f: &Fixture) -> Vec<(Value, Value)> {
    vec![
        (1.into(), BUNDLE_FORMAT.into()),
        (2.into(), 1.into()),
        (3.into(), Value::Bytes(f.federation.clone())),
        (4.into(), Value::Array(vec![])),
        (5.into(), Value::Array(vec![])),
    ]
}

/// `base` with field `key` set to `value`.
fn with(f: &Fixture, key: u64, value: Value) -> Vec<(Value, Value)> {
    let mut fields = base(f);
    fields.retain(|(k, _)| *k != Value::from(key));
    fields.push((key.into(), value));
    fields
}

#[test]
fn round_trip() {
    let f = fixture();
    let mut b = TrustBundle::new(f.anchor.clone(), f.federation.clone()).unwrap();
    b.add_region_list(f.region.clone()).unwrap();
    b.set_policy(include_str!("../../examples/data/policy-shanghai.json"))
        .unwrap();
    let bytes = b.to_bytes();
    let back =
        TrustBundle::from_bytes(&bytes, f.anchor.clone(), crate::UnixTime::from_secs(NOW)).unwrap();
    assert_eq!(back.to_bytes(), bytes);
    assert_eq!(back.region_lists().count(), 1);
    assert!(back.policy().is_some());
    // Adding the same list again changes nothing; updating with itself neither.
    let mut again = back.clone();
    again.add_region_list(f.region.clone()).unwrap();
    assert_eq!(
        again
            .update(&back, crate::UnixTime::from_secs(NOW))
            .unwrap(),
        UpdateSummary::default()
    );
}

#[test]
fn hostile_bundle_files() {
    let f = fixture();
    let load = |bytes: &[u8]| {
        TrustBundle::from_bytes(bytes, f.anchor.clone(), crate::UnixTime::from_secs(NOW))
            .unwrap_err()
    };
    let malformed = |fields| {
        let e = load(&file(fields));
        assert!(matches!(e, BundleError::Malformed(_)), "{e:?}");
        assert_eq!(e.reason(), ReasonCode::BundleMalformed);
    };
    // The minimal bundle loads.
    TrustBundle::from_bytes(
        &file(base(&f)),
        f.anchor.clone(),
        crate::UnixTime::from_secs(NOW),
    )
    .unwrap();
    // Not a bundle, wrong version, unknown field.
    let mut fields = base(&f);
    fields[0].1 = "something-else".into();
    malformed(fields);
    let mut fields = base(&f);
    fields[1].1 = 2.into();
    malformed(fields);
    let mut fields = base(&f);
    fields.push((9.into(), 0.into()));
    malformed(fields);
    // Fields 3, 4 and 5 are required, and of their types.
    for key in [3u64, 4, 5] {
        let mut fields = base(&f);
        fields.retain(|(k, _)| *k != Value::from(key));
        malformed(fields);
        malformed(with(&f, key, Value::Text("x".into())));
    }
    malformed(with(&f, 4, Value::Array(vec![Value::from(1)])));
    // The same region twice.
    let twice = Value::Array(vec![
        Value::Bytes(f.region.clone()),
        Value::Bytes(f.region.clone()),
    ]);
    let e = load(&file(with(&f, 4, twice)));
    assert_eq!(e.reason(), ReasonCode::TrustListConflict, "{e}");
    // An invalid policy.
    let fields = with(&f, 6, r#"{"version": 1, "oops": true}"#.into());
    assert_eq!(load(&file(fields)).reason(), ReasonCode::PolicyInvalid);
    // A region list where a status list is expected.
    let mut fields = with(&f, 4, Value::Array(vec![Value::Bytes(f.region.clone())]));
    fields.retain(|(k, _)| *k != Value::from(5));
    fields.push((5.into(), Value::Array(vec![Value::Bytes(f.region.clone())])));
    assert_eq!(load(&file(fields)).reason(), ReasonCode::CoseTypMismatch);
    // Nesting deeper than a map of arrays of byte strings.
    let nested = Value::Array(vec![Value::Array(vec![Value::from(0)])]);
    assert_eq!(
        load(&file(with(&f, 5, nested))).reason(),
        ReasonCode::CborTooDeep
    );
    // Over the size limit.
    assert_eq!(
        load(&vec![0; MAX_BUNDLE_LEN + 1]).reason(),
        ReasonCode::InputTooLarge
    );
    // Duplicate map keys in the file itself, and garbage.
    let mut dup = file(base(&f));
    dup[0] += 1;
    dup.extend_from_slice(&[0x01, 0x60]);
    assert_eq!(load(&dup).reason(), ReasonCode::CborDuplicateKey);
    assert_eq!(load(&[0xff]).reason(), ReasonCode::CborMalformed);
}

/// A file of the bundle's largest size whose field 4 declares 8.4 million
/// entries is refused at that array's head, before any value is built.
#[test]
fn a_huge_array_is_refused_before_it_is_built() {
    let f = fixture();
    let n = 8 << 20;
    let mut bytes = vec![0xa4]; // map of 4
    bytes.extend_from_slice(&cbor::encode(&Value::from(1)));
    bytes.extend_from_slice(&cbor::encode(&Value::Text(BUNDLE_FORMAT.into())));
    bytes.extend_from_slice(&cbor::encode(&Value::from(2)));
    bytes.extend_from_slice(&cbor::encode(&Value::from(1)));
    bytes.extend_from_slice(&cbor::encode(&Value::from(3)));
    bytes.extend_from_slice(&cbor::encode(&Value::Bytes(f.federation.clone())));
    bytes.extend_from_slice(&cbor::encode(&Value::from(4)));
    bytes.push(0x9a); // array, 4-byte length
    bytes.extend_from_slice(&(n as u32).to_be_bytes());
    bytes.resize(bytes.len() + n, 0);
    let e = TrustBundle::from_bytes(&bytes, f.anchor.clone(), crate::UnixTime::from_secs(NOW))
        .unwrap_err();
    assert_eq!(e.reason(), ReasonCode::CborItemTooLarge, "{e}");
    assert!(
        e.to_string().contains(&MAX_BUNDLE_ENTRIES.to_string()),
        "{e}"
    );
}
