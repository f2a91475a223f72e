use super::create::bad::{authority as bad_authority, Options};
use super::*;
use crate::alg::SecretKey;

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
        basic_constraints: true,
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
    assert!(a.has_basic_constraints());
    assert_eq!(
        a.usages(),
        &[Usage::LicenceSigning, Usage::StatusListSigning]
    );
    // RFC 7093 key identifiers: the authority's own, and its root's as AKI.
    let root_id = s.root_key.public_key().key_identifier();
    assert_eq!(s.root.subject_key_identifier(), Some(&root_id[..]));
    assert_eq!(s.root.authority_key_identifier(), None);
    assert_eq!(
        a.subject_key_identifier(),
        Some(&s.key.public_key().key_identifier()[..])
    );
    assert_eq!(a.authority_key_identifier(), Some(&root_id[..]));
    // Exactly as encoded: extnID 2.5.29.14 and an OCTET STRING holding the
    // 20-byte OCTET STRING; extnID 2.5.29.35 and `SEQUENCE { [0] id }`.
    let ski_ext = [
        &[0x06, 0x03, 0x55, 0x1d, 0x0e, 0x04, 0x16, 0x04, 0x14][..],
        &s.key.public_key().key_identifier(),
    ]
    .concat();
    let aki_ext = [
        &[
            0x06, 0x03, 0x55, 0x1d, 0x23, 0x04, 0x18, 0x30, 0x16, 0x80, 0x14,
        ][..],
        &root_id,
    ]
    .concat();
    assert!(contains(a.der(), &ski_ext), "SKI extension");
    assert!(contains(a.der(), &aki_ext), "AKI extension");
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

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
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
    // Guangdong's credit code under Shanghai's root (issue 7, item 1).
    let foreign = check(
        Options {
            credit_code: Some("114400000073356321"),
            ..good_options(&sh)
        },
        &s.root_key,
    );
    assert_eq!(
        foreign,
        PkiError::CreditCodeRegionMismatch {
            credit_code: "114400000073356321".into(),
            division: "440000".into(),
            root_region: "310000".into(),
        }
    );
    assert_eq!(foreign.reason(), ReasonCode::CreditCodeRegionMismatch);
    assert_eq!(
        foreign.to_string(),
        "the credit code 114400000073356321 was registered in division 440000, \
         which is not within the root's region 310000"
    );
    // A nationally registered body (division 100000): no region root certifies it.
    let national = check(
        Options {
            credit_code: Some("12100000400012345P"),
            ..good_options(&sh)
        },
        &s.root_key,
    );
    assert_eq!(national.reason(), ReasonCode::CreditCodeRegionMismatch);
    // A district of the root's region is within it.
    assert!(validate_chain(
        &bad_authority(
            &s.root_key,
            &s.root,
            &pk,
            Options {
                credit_code: Some("11310115MB2F317277"),
                ..good_options(&sh)
            },
            Y2024,
            Y2030
        ),
        &roots,
        Usage::LicenceSigning
    )
    .is_ok());
}

#[test]
fn an_authority_certificate_without_basic_constraints_is_refused() {
    let s = setup();
    let sh: RegionCode = "310000".parse().unwrap();
    let cert = bad_authority(
        &s.root_key,
        &s.root,
        &s.key.public_key(),
        Options {
            basic_constraints: false,
            ..good_options(&sh)
        },
        Y2024,
        Y2030,
    );
    // Only basicConstraints is missing: key identifiers, usage, region and
    // credit code are those of a good certificate.
    assert!(!cert.has_basic_constraints());
    assert!(!cert.is_ca());
    assert!(!contains(cert.der(), &[0x06, 0x03, 0x55, 0x1d, 0x13]));
    assert_eq!(
        cert.subject_key_identifier(),
        Some(&s.key.public_key().key_identifier()[..])
    );
    assert_eq!(
        cert.authority_key_identifier(),
        s.root.subject_key_identifier()
    );
    let e =
        validate_chain(&cert, std::slice::from_ref(&s.root), Usage::LicenceSigning).unwrap_err();
    assert_eq!(e, PkiError::BasicConstraintsMissing);
    assert_eq!(e.reason(), ReasonCode::CertBasicConstraintsMissing);
    // The same certificate with basicConstraints passes.
    let good = bad_authority(
        &s.root_key,
        &s.root,
        &s.key.public_key(),
        good_options(&sh),
        Y2024,
        Y2030,
    );
    assert!(good.has_basic_constraints());
    assert!(contains(good.der(), &[0x06, 0x03, 0x55, 0x1d, 0x13]));
    assert!(validate_chain(&good, std::slice::from_ref(&s.root), Usage::LicenceSigning).is_ok());
}

#[test]
fn credit_codes_lie_within_their_root_region() {
    let code = |c: &str| CreditCode::parse(c).unwrap();
    let region = |r: &str| r.parse::<RegionCode>().unwrap();
    let cases = [
        // (credit code, division, region, within)
        ("114400000073356321", "440000", true), // the province itself
        ("11440304MB0000001Q", "440000", true), // a district of the province
        ("11440300MB0000001Y", "440000", true), // a prefecture of the province
        ("114400000073356321", "310000", false), // another province
        ("11440304MB0000001Q", "440300", true), // a district of the prefecture
        ("11440300MB0000001Y", "440300", true), // the prefecture itself
        ("11440100MB0000001L", "440300", false), // another prefecture
        ("114400000073356321", "440300", false), // the province, above the prefecture
        ("11440304MB0000001Q", "440304", true), // the county itself
        ("11440300MB0000001Y", "440304", false), // above the county
        ("12100000400012345P", "310000", false), // national
        ("12100000400012345P", "110000", false), // national, not Beijing's
    ];
    for (c, r, within) in cases {
        assert_eq!(
            credit_code_in_region(&code(c), &region(r)),
            within,
            "{c} in {r}"
        );
    }
}

#[test]
fn create_authority_refuses_a_credit_code_from_another_region() {
    let s = setup();
    let params = |c: &str| AuthorityParams {
        name: "广东省市场监督管理局".into(),
        credit_code: CreditCode::parse(c).unwrap(),
        usages: vec![Usage::LicenceSigning],
        not_before: Y2024,
        not_after: Y2030,
        serial_number: None,
    };
    for (c, division) in [
        ("114400000073356321", "440000"),
        ("12100000400012345P", "100000"),
    ] {
        let e =
            create_authority(&s.root_key, &s.root, &s.key.public_key(), &params(c)).unwrap_err();
        assert_eq!(
            e,
            PkiError::CreditCodeRegionMismatch {
                credit_code: c.into(),
                division: division.into(),
                root_region: "310000".into(),
            }
        );
        assert_eq!(e.reason(), ReasonCode::CreditCodeRegionMismatch);
    }
    // A prefecture-level root certifies its districts, not its province's bodies.
    let sz_key = SecretKey::from_seed(&[3; 32]);
    let sz = create_region_root(
        &sz_key,
        &RegionRootParams {
            region: "440300".parse().unwrap(),
            name: "深圳市电子证照根CA".into(),
            not_before: Y2020,
            not_after: Y2030,
            serial_number: None,
        },
    )
    .unwrap();
    let a = create_authority(
        &sz_key,
        &sz,
        &s.key.public_key(),
        &params("11440304MB0000001Q"),
    )
    .unwrap();
    assert_eq!(
        validate_chain(&a, std::slice::from_ref(&sz), Usage::LicenceSigning)
            .unwrap()
            .credit_code
            .as_str(),
        "11440304MB0000001Q"
    );
    assert_eq!(
        create_authority(
            &sz_key,
            &sz,
            &s.key.public_key(),
            &params("114400000073356321")
        )
        .unwrap_err()
        .reason(),
        ReasonCode::CreditCodeRegionMismatch
    );
}

#[test]
fn messages_name_usages_in_words() {
    assert_eq!(
        PkiError::WrongEku(Usage::StatusListSigning).to_string(),
        "the certificate is not authorised for status-list signing: its extended key usage \
         lacks it (create the authority's certificate with \
         `elicense authority new --usage status-list-signing`)"
    );
    assert_eq!(Usage::LicenceSigning.to_string(), "licence signing");
    assert_eq!(Usage::SealMaking.flag(), "seal-making");
    assert_eq!(
        PkiError::RegionMismatch {
            authority: None,
            root: Some("310000".into())
        }
        .to_string(),
        "the authority's region (none given) does not match its root's region (310000)"
    );
    let e = webpki::Error::PathLenConstraintViolated;
    assert_eq!(webpki_words(&e), "path len constraint violated");
    assert_eq!(
        webpki_words(&webpki::Error::UnsupportedSignatureAlgorithmContext(
            webpki::UnsupportedSignatureAlgorithmContext {
                signature_algorithm_id: vec![1],
                supported_algorithms: vec![],
            }
        )),
        "unsupported signature algorithm context"
    );
}

#[test]
fn roots_without_a_key_identifier_still_issue_with_one() {
    // Roots made before key identifiers were written carry an empty SKI.
    let s = setup();
    let legacy = super::create::bad::legacy_root(&s.root_key, Y2020, Y2030);
    assert_eq!(legacy.subject_key_identifier(), Some(&[][..]));
    let a = create_authority(
        &s.root_key,
        &legacy,
        &s.key.public_key(),
        &AuthorityParams {
            name: "上海市市场监督管理局".into(),
            credit_code: CreditCode::parse("11310000MB2F31727A").unwrap(),
            usages: vec![Usage::LicenceSigning],
            not_before: Y2024,
            not_after: Y2030,
            serial_number: None,
        },
    )
    .unwrap();
    assert_eq!(
        a.authority_key_identifier(),
        Some(&s.root_key.public_key().key_identifier()[..])
    );
    assert!(validate_chain(&a, &[legacy], Usage::LicenceSigning).is_ok());
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
fn a_certificate_with_another_key_algorithm_names_it() {
    // `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-384
    // -subj /CN=p384 -days 1 -nodes` (OpenSSL 3.0); test data only.
    let pem = "-----BEGIN CERTIFICATE-----
MIIBsDCCATagAwIBAgIUdwnGgz9WCGqPxBCBpQrKiDwy+dgwCgYIKoZIzj0EAwIw
DzENMAsGA1UEAwwEcDM4NDAeFw0yNjExMjYwNjEwMTlaFw0yNjExMjcwNjEwMTla
MA8xDTALBgNVBAMMBHAzODQwdjAQBgcqhkjOPQIBBgUrgQQAIgNiAAT/T24uuMqc
rzh8pSVuI6kFPGjIgthKi4ndeB61hVj9XmKyfPzk1FY6+wl+hYODsWwjnYcmno88
/gKSUED9ugm5B6qlYHIO62mFYc8uNspCw5xOnR4gM7f8l/BcxO2btNqjUzBRMB0G
A1UdDgQWBBTxkpAM76LqzCo1KjLnVOqsyzWc2zAfBgNVHSMEGDAWgBTxkpAM76Lq
zCo1KjLnVOqsyzWc2zAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA2gAMGUC
MAgrSqmJGQdwVpUNe5TKBBCMwhan9FM7YjeOio+rFWghIxi5UrdG/Dj3q1qedxjA
ZQIxANP8jVJ9J1n7lYtj4ri7qERQs2BgQfBQEKmeQORhhNbY34k6lbP2oWcHp5tb
Fsh16w==
-----END CERTIFICATE-----
";
    assert_eq!(
        Certificate::from_pem(pem).unwrap_err(),
        PkiError::Malformed("its key is id-ecPublicKey (P-384), not Ed25519, SM2 or P-256".into())
    );
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

/// Item 1 of issue 7 through the trust-list API: Sichuan's root certifies
/// an authority carrying Guangdong's credit code. The region list naming it
/// is refused when signed, and a list signed anyway is refused when
/// verified (and so by every trust bundle, which verifies region lists).
#[test]
fn a_region_list_vouching_for_a_foreign_credit_code_is_refused() {
    use crate::envelope::{ArtifactType, PreparedSign1};
    use crate::policy::TrustLevel;
    use crate::trust::{AuthorityState, ListedAuthority, RegionTrustList};
    let sc_key = SecretKey::from_seed(&[51; 32]);
    let sc: RegionCode = "510000".parse().unwrap();
    let sc_root = create_region_root(
        &sc_key,
        &RegionRootParams {
            region: sc.clone(),
            name: "四川省电子证照根CA".into(),
            not_before: Y2020,
            not_after: Y2030,
            serial_number: None,
        },
    )
    .unwrap();
    let rogue = bad_authority(
        &sc_key,
        &sc_root,
        &SecretKey::from_seed(&[52; 32]).public_key(),
        Options {
            usages: vec![Usage::LicenceSigning, Usage::StatusListSigning],
            credit_code: Some("114400000073356321"),
            ..good_options(&sc)
        },
        Y2024,
        Y2030,
    );
    let list = RegionTrustList {
        region: sc.clone(),
        sequence: 1,
        issued_at: Y2024,
        next_update: Y2024 + 86_400,
        authorities: vec![ListedAuthority {
            certificate: rogue,
            types: vec!["11100000000013338W011".parse().unwrap()],
            level: TrustLevel::A,
            state: AuthorityState::Active,
        }],
    };
    assert_eq!(
        list.sign(
            &crate::artifact::CertifiedSigner::new(sc_root.clone(), sc_key.clone())
                .expect("the key is the certificate's")
        )
        .unwrap_err()
        .reason(),
        ReasonCode::CreditCodeRegionMismatch
    );
    let prepared = PreparedSign1::new(
        ArtifactType::RegionTrustList,
        crate::alg::Algorithm::EdDsa,
        *sc_root.kid(),
        list.to_claims(),
    );
    let cose = prepared
        .clone()
        .complete(
            &sc_key.sign_bytes(&prepared.to_be_signed()),
            &sc_key.public_key(),
        )
        .unwrap();
    assert_eq!(
        RegionTrustList::verify(&cose, &sc_root)
            .unwrap_err()
            .reason(),
        ReasonCode::CreditCodeRegionMismatch
    );
}
