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

// --- Certificates in all three algorithms (issue 8) ----------------------

use crate::alg::{Algorithm, PublicKey, Signer, SignerError};

/// A key of `alg` from a one-byte seed (a valid scalar for SM2 and P-256).
fn key_of(alg: Algorithm, seed: u8) -> SecretKey {
    SecretKey::from_bytes(alg, &[seed; 32]).unwrap()
}

fn region_root(key: &dyn Signer, region: &str, serial: u8) -> Certificate {
    create_region_root(
        key,
        &RegionRootParams {
            region: region.parse().unwrap(),
            name: "上海市电子证照根CA".into(),
            not_before: Y2020,
            not_after: Y2030,
            serial_number: Some(vec![serial]),
        },
    )
    .unwrap()
}

fn authority_params() -> AuthorityParams {
    AuthorityParams {
        name: "上海市市场监督管理局".into(),
        credit_code: CreditCode::parse("11310000MB2F31727A").unwrap(),
        usages: vec![Usage::LicenceSigning, Usage::StatusListSigning],
        not_before: Y2024,
        not_after: Y2030,
        serial_number: Some(vec![0x42]),
    }
}

/// The signatureAlgorithm and signatureValue of a certificate, as parsed
/// by x509-parser: (OID, parameters present, value bytes).
fn signature_fields(cert: &Certificate) -> (String, bool, Vec<u8>, String) {
    use x509_parser::prelude::FromDer;
    let (_, x) = X509Certificate::from_der(cert.der()).unwrap();
    assert_eq!(
        x.tbs_certificate.signature, x.signature_algorithm,
        "the TBS and outer signature algorithms agree"
    );
    (
        x.signature_algorithm.algorithm.to_id_string(),
        x.signature_algorithm.parameters.is_some(),
        x.signature_value.data.to_vec(),
        x.public_key().algorithm.algorithm.to_id_string(),
    )
}

#[test]
fn every_algorithm_certifies_every_algorithm() {
    for root_alg in Algorithm::ALL {
        let root_key = key_of(root_alg, 11);
        let root = region_root(&root_key, "310000", 1);
        assert_eq!(root.public_key(), &root_key.public_key());
        let spec = root_alg.spec();
        let (sig_oid, params, value, key_oid) = signature_fields(&root);
        assert_eq!(sig_oid, spec.x509_signature_oid, "{root_alg}");
        assert!(
            !params,
            "{root_alg}: signature algorithm parameters are absent"
        );
        assert_eq!(key_oid, spec.spki_oid);
        match root_alg {
            Algorithm::EdDsa => assert_eq!(value.len(), 64),
            // DER SEQUENCE { r, s }, 70 to 72 bytes for 256-bit r and s
            // (fewer only when r or s has leading zero bytes).
            _ => {
                assert_eq!(value[0], 0x30, "{root_alg}");
                assert!(crate::alg::der_to_raw(&value).is_ok(), "{root_alg}");
            }
        }
        // The SubjectPublicKeyInfo is the key's, and the SKI is RFC 7093 of
        // its raw bytes (65 for SM2 and P-256).
        assert!(contains(root.der(), &root_key.public_key().to_spki_der()));
        assert_eq!(
            root.subject_key_identifier(),
            Some(&root_key.public_key().key_identifier()[..])
        );
        for subject_alg in Algorithm::ALL {
            let subject = key_of(subject_alg, 22).public_key();
            let a = create_authority(&root_key, &root, &subject, &authority_params()).unwrap();
            assert_eq!(a.public_key(), &subject, "{root_alg} → {subject_alg}");
            assert_eq!(a.public_key().algorithm(), subject_alg);
            let (sig_oid, params, _, key_oid) = signature_fields(&a);
            assert_eq!(
                sig_oid, spec.x509_signature_oid,
                "signed by the root's algorithm"
            );
            assert!(!params);
            assert_eq!(key_oid, subject_alg.spec().spki_oid);
            assert_eq!(
                a.authority_key_identifier(),
                root.subject_key_identifier(),
                "{root_alg} → {subject_alg}"
            );
            assert_eq!(
                a.subject_key_identifier(),
                Some(&subject.key_identifier()[..])
            );
            assert_eq!(a.organization_identifier(), Some("11310000MB2F31727A"));
            assert_eq!(a.region().unwrap().as_str(), "310000");
            let v = validate_chain(&a, std::slice::from_ref(&root), Usage::LicenceSigning)
                .unwrap_or_else(|e| panic!("{root_alg} → {subject_alg}: {e}"));
            assert_eq!(v.credit_code.as_str(), "11310000MB2F31727A");
            assert_eq!(
                validate_chain(&a, std::slice::from_ref(&root), Usage::SealMaking).unwrap_err(),
                PkiError::WrongEku(Usage::SealMaking)
            );
        }
        // Federation roots too.
        let fed = create_federation_root(
            &root_key,
            &FederationRootParams {
                name: "全国一体化政务服务平台电子证照信任根".into(),
                not_before: Y2020,
                not_after: Y2030,
                serial_number: None,
            },
        )
        .unwrap();
        assert!(fed.is_ca());
        assert_eq!(fed.region(), None);
        assert_eq!(signature_fields(&fed).0, spec.x509_signature_oid);
    }
}

#[test]
fn a_root_certifies_only_under_its_own_region_and_key_in_every_algorithm() {
    // Two roots of different algorithms: each authority validates under its
    // own root only.
    let sm2_key = key_of(Algorithm::Sm2Sm3, 31);
    let p256_key = key_of(Algorithm::Es256, 32);
    let sm2_root = region_root(&sm2_key, "310000", 1);
    let p256_root = region_root(&p256_key, "310000", 2);
    let subject = key_of(Algorithm::EdDsa, 33).public_key();
    let a = create_authority(&sm2_key, &sm2_root, &subject, &authority_params()).unwrap();
    let roots = [p256_root.clone(), sm2_root.clone()];
    assert_eq!(
        validate_chain(&a, &roots, Usage::LicenceSigning)
            .unwrap()
            .root_index,
        1
    );
    // Same subject name, other key: webpki tries the P-256 root and finds
    // the SM3withSM2 signature is not for its key; reported as such.
    let e =
        validate_chain(&a, std::slice::from_ref(&p256_root), Usage::LicenceSigning).unwrap_err();
    assert_eq!(e.reason(), ReasonCode::AlgKeyMismatch);
    // The P-256 root's key cannot sign for the SM2 root.
    assert_eq!(
        create_authority(&p256_key, &sm2_root, &subject, &authority_params()).unwrap_err(),
        PkiError::KeyMismatch
    );
}

/// An HSM: signs with `key`, answers in DER (`der`) or `r ‖ s`, or with
/// another key's signature (`wrong`).
struct Hsm {
    key: SecretKey,
    der: bool,
    wrong: Option<SecretKey>,
    garbage: bool,
}

impl Signer for Hsm {
    fn public_key(&self) -> PublicKey {
        self.key.public_key()
    }
    fn sign(&self, tbs: &[u8]) -> Result<Vec<u8>, SignerError> {
        if self.garbage {
            return Ok(vec![0x30, 0x03, 0x02, 0x01, 0x01]);
        }
        let raw = self.wrong.as_ref().unwrap_or(&self.key).sign_bytes(tbs);
        Ok(if self.der {
            crate::alg::raw_to_der(&raw)
        } else {
            raw.to_vec()
        })
    }
}

#[test]
fn signers_may_answer_in_der_and_a_faulty_signer_makes_no_certificate() {
    for alg in [Algorithm::Sm2Sm3, Algorithm::Es256] {
        let key = key_of(alg, 41);
        let local = region_root(&key, "310000", 7);
        let hsm = Hsm {
            key: key.clone(),
            der: true,
            wrong: None,
            garbage: false,
        };
        // Deterministic signatures (RFC 6979): the same certificate.
        let from_hsm = region_root(&hsm, "310000", 7);
        assert_eq!(from_hsm.der(), local.der(), "{alg}");
        let subject = key_of(Algorithm::EdDsa, 42).public_key();
        let a = create_authority(&hsm, &from_hsm, &subject, &authority_params()).unwrap();
        assert!(validate_chain(&a, &[local], Usage::LicenceSigning).is_ok());
        for faulty in [
            Hsm {
                key: key.clone(),
                der: true,
                wrong: Some(key_of(alg, 43)),
                garbage: false,
            },
            Hsm {
                key: key.clone(),
                der: false,
                wrong: Some(key_of(alg, 43)),
                garbage: false,
            },
            Hsm {
                key: key.clone(),
                der: false,
                wrong: None,
                garbage: true,
            },
        ] {
            let e = create_region_root(
                &faulty,
                &RegionRootParams {
                    region: "310000".parse().unwrap(),
                    name: "x".into(),
                    not_before: Y2020,
                    not_after: Y2030,
                    serial_number: None,
                },
            )
            .unwrap_err();
            assert!(matches!(e, PkiError::Create(_)), "{alg}: {e:?}");
            assert_eq!(e.reason(), ReasonCode::CertMalformed);
        }
    }
}

#[test]
fn sm2_certificates_are_gm_t_0015() {
    let key = key_of(Algorithm::Sm2Sm3, 51);
    let root = region_root(&key, "310000", 3);
    // SPKI: id-ecPublicKey with the SM2 curve, the 65-byte point.
    let spki_alg = [
        0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x81,
        0x1c, 0xcf, 0x55, 0x01, 0x82, 0x2d, 0x03, 0x42, 0x00, 0x04,
    ];
    assert!(contains(root.der(), &spki_alg));
    // signatureAlgorithm SM3withSM2 (1.2.156.10197.1.501), no parameters,
    // in the TBS and outside it.
    let sig_alg = [
        0x30, 0x0a, 0x06, 0x08, 0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x83, 0x75,
    ];
    assert_eq!(
        root.der()
            .windows(sig_alg.len())
            .filter(|w| *w == sig_alg)
            .count(),
        2
    );
    // The value is DER r, s, and verifies with the default distinguishing
    // identifier over the TBSCertificate.
    let (_, _, value, _) = signature_fields(&root);
    let raw = crate::alg::der_to_raw(&value).unwrap();
    use x509_parser::prelude::FromDer;
    let (_, x) = X509Certificate::from_der(root.der()).unwrap();
    let tbs = x.tbs_certificate.as_ref();
    assert_eq!(key.public_key().verify(tbs, &raw), Ok(()));
    // With another identifier (OpenSSL's `distid:ALICE…` would use it) the
    // same signature fails: the identifier is in Z.
    let other =
        sm2::dsa::VerifyingKey::from_sec1_bytes("ALICE123@YAHOO.COM", key.public_key().as_bytes())
            .unwrap();
    use sm2::dsa::signature::Verifier as _;
    assert!(other
        .verify(tbs, &sm2::dsa::Signature::from_slice(&raw).unwrap())
        .is_err());
}

/// An SM2 signer with a distinguishing identifier other than the default.
struct OtherDistid(SecretKey, [u8; 32]);

impl Signer for OtherDistid {
    fn public_key(&self) -> PublicKey {
        self.0.public_key()
    }
    fn sign(&self, tbs: &[u8]) -> Result<Vec<u8>, SignerError> {
        use sm2::dsa::signature::Signer as _;
        let secret = sm2::SecretKey::from_slice(&self.1).unwrap();
        let key = sm2::dsa::SigningKey::new("ALICE123@YAHOO.COM", &secret).unwrap();
        let sig: sm2::dsa::Signature = key.sign(tbs);
        Ok(sig.to_bytes().to_vec())
    }
}

#[test]
fn hostile_chains_across_algorithms_have_their_codes() {
    let sh: RegionCode = "310000".parse().unwrap();
    let ed_key = key_of(Algorithm::EdDsa, 61);
    let sm2_key = key_of(Algorithm::Sm2Sm3, 62);
    let p256_key = key_of(Algorithm::Es256, 63);
    let subject = key_of(Algorithm::EdDsa, 64).public_key();
    let sm3_with_sm2 = Algorithm::Sm2Sm3.spec().x509_signature_der;
    let ecdsa_sha256 = Algorithm::Es256.spec().x509_signature_der;
    let ed25519 = Algorithm::EdDsa.spec().x509_signature_der;
    let cases: [(&SecretKey, &[u8], &str, &str); 5] = [
        // An Ed25519-signed certificate claiming SM3withSM2.
        (&ed_key, sm3_with_sm2, "SM3withSM2", "Ed25519"),
        // An SM2 root whose child claims ecdsa-with-SHA256.
        (
            &sm2_key,
            ecdsa_sha256,
            "ecdsa-with-SHA256",
            "id-ecPublicKey (SM2)",
        ),
        // A P-256 root whose child claims SM3withSM2.
        (
            &p256_key,
            sm3_with_sm2,
            "SM3withSM2",
            "id-ecPublicKey (P-256)",
        ),
        // An SM2 root whose child claims Ed25519 (64-byte r ‖ s would fit).
        (&sm2_key, ed25519, "Ed25519", "id-ecPublicKey (SM2)"),
        // A P-256 root whose child claims Ed25519.
        (&p256_key, ed25519, "Ed25519", "id-ecPublicKey (P-256)"),
    ];
    for (root_key, claimed, signature, issuer_key) in cases {
        let root = region_root(root_key, "310000", 9);
        let cert = super::create::bad::authority_claiming(
            root_key,
            claimed,
            &root,
            &subject,
            good_options(&sh),
            Y2024,
            Y2030,
        );
        let e =
            validate_chain(&cert, std::slice::from_ref(&root), Usage::LicenceSigning).unwrap_err();
        assert_eq!(
            e,
            PkiError::SignatureAlgorithmMismatch {
                signature: signature.into(),
                issuer_key: issuer_key.into(),
            }
        );
        assert_eq!(e.reason(), ReasonCode::AlgKeyMismatch);
        assert_eq!(e.reason().as_str(), "ALG_KEY_MISMATCH");
        // The same certificate claiming its root's own algorithm passes.
        let good = bad_authority(root_key, &root, &subject, good_options(&sh), Y2024, Y2030);
        assert!(validate_chain(&good, &[root], Usage::LicenceSigning).is_ok());
    }
    assert_eq!(
        PkiError::SignatureAlgorithmMismatch {
            signature: "SM3withSM2".into(),
            issuer_key: "Ed25519".into()
        }
        .to_string(),
        "the certificate's signature algorithm is SM3withSM2, but its issuer's key is Ed25519"
    );

    // An SM2 certificate signed with another distinguishing identifier.
    let sm2_root = region_root(&sm2_key, "310000", 10);
    let other = OtherDistid(sm2_key.clone(), [62; 32]);
    let cert = bad_authority(&other, &sm2_root, &subject, good_options(&sh), Y2024, Y2030);
    let e = validate_chain(
        &cert,
        std::slice::from_ref(&sm2_root),
        Usage::LicenceSigning,
    )
    .unwrap_err();
    assert_eq!(e, PkiError::BadSignature);
    assert_eq!(e.reason(), ReasonCode::CertSignatureInvalid);
    // The SM2 signature as r ‖ s (the COSE form) where X.509 has DER, and
    // a DER value with trailing bytes: refused, not converted.
    let good = bad_authority(
        &sm2_key,
        &sm2_root,
        &subject,
        good_options(&sh),
        Y2024,
        Y2030,
    );
    let raw = {
        use x509_parser::prelude::FromDer;
        let (_, x) = X509Certificate::from_der(good.der()).unwrap();
        x.signature_value.data.to_vec()
    };
    assert!(validate_chain(
        &good,
        std::slice::from_ref(&sm2_root),
        Usage::LicenceSigning
    )
    .is_ok());
    let same = super::create::bad::with_signature_value(&good, &raw);
    assert_eq!(same.der(), good.der(), "the surgery changes nothing else");
    let rs = crate::alg::der_to_raw(&raw).unwrap();
    let mut trailing = raw.clone();
    trailing.push(0);
    for value in [&rs[..], &trailing] {
        let cert = super::create::bad::with_signature_value(&good, value);
        let e = validate_chain(
            &cert,
            std::slice::from_ref(&sm2_root),
            Usage::LicenceSigning,
        )
        .unwrap_err();
        assert_eq!(e, PkiError::BadSignature);
        assert_eq!(e.reason(), ReasonCode::CertSignatureInvalid);
    }
    // ... and our builder refuses to make one.
    assert!(matches!(
        create_authority(&other, &sm2_root, &subject, &authority_params()),
        Err(PkiError::Create(_))
    ));
}

/// A DER SubjectPublicKeyInfo: `alg` (AlgorithmIdentifier content) and a
/// 65-byte point.
fn ec_spki(alg: &[u8], point: &[u8]) -> Vec<u8> {
    let mut body = vec![0x30, alg.len() as u8];
    body.extend_from_slice(alg);
    body.extend_from_slice(&[0x03, 0x42, 0x00]);
    body.extend_from_slice(point);
    [&[0x30, body.len() as u8][..], &body].concat()
}

#[test]
fn curve_confusion_inside_a_certificate_is_refused() {
    let sm2_key = key_of(Algorithm::Sm2Sm3, 71);
    let p256_key = key_of(Algorithm::Es256, 72);
    let sm2_spki = Algorithm::Sm2Sm3.spec().spki_algorithm_der;
    let p256_spki = Algorithm::Es256.spec().spki_algorithm_der;
    for (key, claimed, curve) in [
        // An SM2 key carrying the P-256 curve OID ...
        (&sm2_key, p256_spki, "P-256"),
        // ... and a P-256 key carrying the SM2 curve OID.
        (&p256_key, sm2_spki, "SM2"),
    ] {
        let spki = ec_spki(claimed, key.public_key().as_bytes());
        let alg = key.algorithm().spec().x509_signature_der;
        let e = super::create::bad::root_with_spki(key, spki, alg, Y2020, Y2030).unwrap_err();
        assert_eq!(
            e,
            PkiError::Malformed(
                "the public key bytes are not a valid point of the key's curve".into()
            ),
            "a point off {curve}"
        );
        assert_eq!(e.reason(), ReasonCode::CertMalformed);
    }
    // The right curve OID reads (control).
    let spki = ec_spki(sm2_spki, sm2_key.public_key().as_bytes());
    let root =
        super::create::bad::root_with_spki(&sm2_key, spki, sm3_with_sm2(), Y2020, Y2030).unwrap();
    assert_eq!(root.public_key(), &sm2_key.public_key());
}

fn sm3_with_sm2() -> &'static [u8] {
    Algorithm::Sm2Sm3.spec().x509_signature_der
}

#[test]
fn a_gmssl_style_sm2_root_issues_and_validates() {
    // GmSSL writes the SM2 OID itself as the key algorithm, no parameters.
    let key = key_of(Algorithm::Sm2Sm3, 81);
    let spki = ec_spki(
        crate::alg::OID_SM2_AS_KEY_ALGORITHM_DER,
        key.public_key().as_bytes(),
    );
    let root =
        super::create::bad::root_with_spki(&key, spki, sm3_with_sm2(), Y2020, Y2030).unwrap();
    assert_eq!(root.public_key(), &key.public_key());
    assert_eq!(signature_fields(&root).3, "1.2.156.10197.1.301");
    for subject_alg in Algorithm::ALL {
        let subject = key_of(subject_alg, 82).public_key();
        let a = create_authority(&key, &root, &subject, &authority_params()).unwrap();
        assert!(
            validate_chain(&a, std::slice::from_ref(&root), Usage::LicenceSigning).is_ok(),
            "{subject_alg}"
        );
    }
}

#[test]
fn validity_times_cover_1970_to_9999() {
    let key = key_of(Algorithm::Sm2Sm3, 91);
    let params = |not_before: i64, not_after: i64| RegionRootParams {
        region: "310000".parse().unwrap(),
        name: "x".into(),
        not_before,
        not_after,
        serial_number: Some(vec![1]),
    };
    // 2049-12-31T23:59:59Z is the last UTCTime; 2050 is GeneralizedTime.
    let root = create_region_root(&key, &params(0, 2_524_607_999)).unwrap();
    assert!(contains(root.der(), b"\x17\x0d491231235959Z"));
    assert!(contains(root.der(), b"\x17\x0d700101000000Z"));
    assert_eq!((root.not_before(), root.not_after()), (0, 2_524_607_999));
    let root = create_region_root(&key, &params(0, 2_524_608_000)).unwrap();
    assert!(contains(root.der(), b"\x18\x0f20500101000000Z"));
    assert_eq!(root.not_after(), 2_524_608_000);
    let root = create_region_root(&key, &params(0, 253_402_300_799)).unwrap();
    assert!(contains(root.der(), b"\x18\x0f99991231235959Z"));
    for (nb, na) in [(-1, 10), (0, 253_402_300_800)] {
        assert!(
            matches!(
                create_region_root(&key, &params(nb, na)),
                Err(PkiError::Create(_))
            ),
            "{nb} {na}"
        );
    }
}
