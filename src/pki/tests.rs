use super::create::bad::{authority as bad_authority, Options};
use super::*;
use crate::keys::SecretKey;

const Y2020: i64 = 1_577_836_800;
const Y2024: i64 = 1_704_067_200;
const Y2030: i64 = 1_893_456_000;

struct Setup {
    root_key: SecretKey,
    root: Certificate,
    key: SecretKey,
}

fn setup() -> Setup {
    let root_key = SecretKey::from_seed(&[1; 32]);
    let root = create_region_root(
        &root_key,
        &RegionRootParams {
            region: "310000".parse().unwrap(),
            name: "上海市电子证照根CA".into(),
            not_before: Y2020,
            not_after: Y2030 + 3650 * 86_400,
            serial_number: None,
        },
    )
    .unwrap();
    Setup {
        root_key,
        root,
        key: SecretKey::from_seed(&[2; 32]),
    }
}

fn good_options<'a>(region: &'a RegionCode) -> Options<'a> {
    Options {
        usages: vec![Usage::LicenceSigning],
        ca: false,
        critical_unknown: false,
        region: Some(region),
        credit_code: Some("11310000MB2F31727A"),
        issuer_name_override: None,
    }
}

#[test]
fn created_certificates_follow_the_profile() {
    let s = setup();
    assert!(s.root.is_ca());
    assert_eq!(s.root.region().unwrap().as_str(), "310000");
    assert_eq!(s.root.common_name(), "上海市电子证照根CA");
    assert_eq!(
        s.root.kid(),
        &crate::envelope::kid_for_certificate(s.root.der())
    );
    let a = create_authority(
        &s.root_key,
        &s.root,
        &s.key.public_key(),
        &AuthorityParams {
            name: "上海市市场监督管理局".into(),
            credit_code: CreditCode::parse("11310000MB2F31727A").unwrap(),
            usages: vec![Usage::LicenceSigning, Usage::StatusListSigning],
            not_before: Y2024,
            not_after: Y2030,
            serial_number: None,
        },
    )
    .unwrap();
    assert!(!a.is_ca());
    assert_eq!(
        a.usages(),
        &[Usage::LicenceSigning, Usage::StatusListSigning]
    );
    assert_eq!(a.organization_identifier(), Some("11310000MB2F31727A"));
    assert_eq!(a.region().unwrap().as_str(), "310000");
    assert_eq!((a.not_before(), a.not_after()), (Y2024, Y2030));
    assert_eq!(a.public_key(), &s.key.public_key());
    let v = validate_chain(&a, std::slice::from_ref(&s.root), Usage::LicenceSigning).unwrap();
    assert_eq!(v.root_index, 0);
    assert_eq!(v.credit_code.as_str(), "11310000MB2F31727A");
    assert_eq!(
        validate_chain(&a, std::slice::from_ref(&s.root), Usage::SealMaking).unwrap_err(),
        PkiError::WrongEku(Usage::SealMaking)
    );
    // PEM round trip.
    assert_eq!(Certificate::from_pem(&a.to_pem()).unwrap(), a);
    let both = format!("{}{}", s.root.to_pem(), a.to_pem());
    assert_eq!(Certificate::all_from_pem(&both).unwrap().len(), 2);
    assert!(matches!(
        Certificate::from_pem(&both),
        Err(PkiError::Malformed(_))
    ));
    // Time window.
    assert_eq!(a.check_time(Y2024), Ok(()));
    assert_eq!(
        a.check_time(Y2024 - 1).unwrap_err().reason(),
        ReasonCode::CertNotYetValid
    );
    assert_eq!(
        a.check_time(Y2030 + 1).unwrap_err().reason(),
        ReasonCode::CertExpired
    );
}

#[test]
fn chain_failures_have_their_own_codes() {
    let s = setup();
    let sh: RegionCode = "310000".parse().unwrap();
    let gd: RegionCode = "440000".parse().unwrap();
    let roots = [s.root.clone()];
    let pk = s.key.public_key();
    let check = |o: Options<'_>, signer: &SecretKey| {
        let cert = bad_authority(signer, &s.root, &pk, o, Y2024, Y2030);
        validate_chain(&cert, &roots, Usage::LicenceSigning).unwrap_err()
    };
    assert!(validate_chain(
        &bad_authority(&s.root_key, &s.root, &pk, good_options(&sh), Y2024, Y2030),
        &roots,
        Usage::LicenceSigning
    )
    .is_ok());
    let wrong_eku = check(
        Options {
            usages: vec![Usage::SealMaking],
            ..good_options(&sh)
        },
        &s.root_key,
    );
    assert_eq!(wrong_eku.reason(), ReasonCode::CertWrongEku);
    let no_eku = check(
        Options {
            usages: vec![],
            ..good_options(&sh)
        },
        &s.root_key,
    );
    assert_eq!(no_eku.reason(), ReasonCode::CertWrongEku);
    let ca = check(
        Options {
            ca: true,
            ..good_options(&sh)
        },
        &s.root_key,
    );
    assert_eq!(ca, PkiError::CaAsEndEntity);
    let crit = check(
        Options {
            critical_unknown: true,
            ..good_options(&sh)
        },
        &s.root_key,
    );
    assert_eq!(crit, PkiError::UnknownCriticalExtension);
    let issuer = check(
        Options {
            issuer_name_override: Some("Someone else"),
            ..good_options(&sh)
        },
        &s.root_key,
    );
    assert_eq!(issuer, PkiError::UnknownIssuer);
    let bad_sig = check(good_options(&sh), &SecretKey::from_seed(&[9; 32]));
    assert_eq!(bad_sig, PkiError::BadSignature);
    assert_eq!(bad_sig.reason(), ReasonCode::CertSignatureInvalid);
    let region = check(
        Options {
            region: Some(&gd),
            ..good_options(&sh)
        },
        &s.root_key,
    );
    assert_eq!(region.reason(), ReasonCode::CertRegionMismatch);
    let no_region = check(
        Options {
            region: None,
            ..good_options(&sh)
        },
        &s.root_key,
    );
    assert_eq!(no_region.reason(), ReasonCode::CertRegionMismatch);
    let no_code = check(
        Options {
            credit_code: None,
            ..good_options(&sh)
        },
        &s.root_key,
    );
    assert_eq!(no_code, PkiError::AuthorityCodeMissing);
    let bad_code = check(
        Options {
            credit_code: Some("91350203M0001QAY9B"),
            ..good_options(&sh)
        },
        &s.root_key,
    );
    assert_eq!(bad_code, PkiError::AuthorityCodeMissing);
}

#[test]
fn issuer_side_refusals() {
    let s = setup();
    let params = AuthorityParams {
        name: "x".into(),
        credit_code: CreditCode::parse("11310000MB2F31727A").unwrap(),
        usages: vec![Usage::LicenceSigning],
        not_before: Y2024,
        not_after: Y2030,
        serial_number: None,
    };
    // Wrong root key.
    let e = create_authority(
        &SecretKey::from_seed(&[7; 32]),
        &s.root,
        &s.key.public_key(),
        &params,
    )
    .unwrap_err();
    assert_eq!(e, PkiError::KeyMismatch);
    assert_eq!(e.reason(), ReasonCode::KeyInvalid);
    // A pilot credit code cannot identify an authority.
    let e = create_authority(
        &s.root_key,
        &s.root,
        &s.key.public_key(),
        &AuthorityParams {
            credit_code: CreditCode::parse_lenient("91350203M0001QAY9B").unwrap(),
            ..params.clone()
        },
    )
    .unwrap_err();
    assert!(matches!(e, PkiError::Create(_)), "{e:?}");
    // not_after before not_before.
    let e = create_authority(
        &s.root_key,
        &s.root,
        &s.key.public_key(),
        &AuthorityParams {
            not_after: Y2024 - 1,
            ..params
        },
    )
    .unwrap_err();
    assert!(matches!(e, PkiError::Create(_)), "{e:?}");
}

#[test]
fn hostile_der() {
    assert!(matches!(
        Certificate::from_der(&[]),
        Err(PkiError::Malformed(_))
    ));
    assert!(matches!(
        Certificate::from_der(&[0x30, 0x82, 0xff, 0xff]),
        Err(PkiError::Malformed(_))
    ));
    assert!(matches!(
        Certificate::from_der(&vec![0x30; MAX_CERT_LEN + 1]),
        Err(PkiError::Malformed(_))
    ));
    let s = setup();
    let mut trailing = s.root.der().to_vec();
    trailing.push(0);
    assert!(matches!(
        Certificate::from_der(&trailing),
        Err(PkiError::Malformed(_))
    ));
    // Every truncation of a real certificate is refused without panicking.
    for n in 0..s.root.der().len() {
        assert!(Certificate::from_der(&s.root.der()[..n]).is_err());
    }
    assert!(Certificate::from_pem(
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"
    )
    .is_err());
}

/// Decodes DER OID content octets into dotted form, with 128-bit arcs.
fn dotted(der: &[u8]) -> String {
    let mut arcs: Vec<u128> = Vec::new();
    let mut acc: u128 = 0;
    for b in der {
        acc = (acc << 7) | u128::from(b & 0x7f);
        if b & 0x80 == 0 {
            arcs.push(acc);
            acc = 0;
        }
    }
    let first = arcs.remove(0);
    let (a, b) = if first >= 80 {
        (2, first - 80)
    } else {
        (first / 40, first % 40)
    };
    let mut out = format!("{a}.{b}");
    for arc in arcs {
        out.push_str(&format!(".{arc}"));
    }
    out
}

#[test]
fn oid_bytes_match_the_dotted_arc() {
    assert_eq!(dotted(&oid::ARC_DER), oid::ARC);
    assert_eq!(
        dotted(&oid::EKU_LICENCE_SIGNING_DER),
        oid::EKU_LICENCE_SIGNING
    );
    assert_eq!(dotted(&oid::EKU_SEAL_MAKING_DER), oid::EKU_SEAL_MAKING);
    assert_eq!(
        dotted(&oid::EKU_STATUS_LIST_SIGNING_DER),
        oid::EKU_STATUS_LIST_SIGNING
    );
    assert_eq!(dotted(&oid::ATTR_REGION_CODE_DER), oid::ATTR_REGION_CODE);
    // The arc is the UUID baaaa92f-4558-48a7-8e68-8dcd7ebb6dcf read as an integer.
    assert_eq!(
        u128::from_str_radix("baaaa92f455848a78e688dcd7ebb6dcf", 16)
            .unwrap()
            .to_string(),
        oid::ARC.trim_start_matches("2.25.")
    );
}

#[test]
fn fixed_serial_numbers_make_certificates_reproducible() {
    let key = SecretKey::from_seed(&[1; 32]);
    let params = |serial: Option<Vec<u8>>| RegionRootParams {
        region: "310000".parse().unwrap(),
        name: "根".into(),
        not_before: Y2020,
        not_after: Y2030,
        serial_number: serial,
    };
    let a = create_region_root(&key, &params(Some(vec![0x12, 0x34]))).unwrap();
    let b = create_region_root(&key, &params(Some(vec![0x12, 0x34]))).unwrap();
    assert_eq!(a.der(), b.der());
    let r1 = create_region_root(&key, &params(None)).unwrap();
    let r2 = create_region_root(&key, &params(None)).unwrap();
    assert_ne!(r1.kid(), r2.kid(), "random serials differ");
    for bad in [vec![], vec![0x80], vec![0; 4], vec![1; 21]] {
        assert!(
            matches!(
                create_region_root(&key, &params(Some(bad.clone()))),
                Err(PkiError::Create(_))
            ),
            "{bad:?}"
        );
    }
}
