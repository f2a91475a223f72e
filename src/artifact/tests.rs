use super::*;
use crate::demo::Demo;

fn demo() -> Demo {
    Demo::with_keys(
        SecretKey::from_seed(&[1; 32]),
        SecretKey::from_seed(&[2; 32]),
    )
    .unwrap()
}

/// A signer answering like an HSM: DER for EC keys, or a broken signature.
struct Hsm {
    key: SecretKey,
    der: bool,
}

impl Signer for Hsm {
    fn public_key(&self) -> PublicKey {
        self.key.public_key()
    }
    fn sign(&self, tbs: &[u8]) -> Result<Vec<u8>, SignerError> {
        let raw = self.key.sign_bytes(tbs);
        Ok(if self.der {
            crate::alg::raw_to_der(&raw)
        } else {
            raw.to_vec()
        })
    }
}

#[test]
fn every_algorithm_signs_every_artifact_through_one_path() {
    let d = demo();
    for alg in Algorithm::ALL {
        let key = SecretKey::generate(alg).unwrap();
        let cert = crate::pki::create_authority(
            &d.root_key,
            &d.root,
            &key.public_key(),
            &crate::pki::AuthorityParams {
                name: format!("{alg} authority"),
                credit_code: crate::demo::DEMO_AUTHORITY_CODE.parse().unwrap(),
                usages: vec![Usage::LicenceSigning, Usage::StatusListSigning],
                not_before: d.authority.not_before(),
                not_after: d.authority.not_after(),
                serial_number: None,
            },
        );
        // SM2 certificates come from the certificate builder (pki::create).
        let Ok(cert) = cert else { continue };
        let signer = CertifiedSigner::new(cert.clone(), key.clone()).unwrap();
        let licence = Demo::sample_licence().unwrap();
        let cose = sign(&licence, &signer).unwrap();
        let sign1 = open(
            &cose,
            ArtifactType::Licence,
            SignerRole::Authority(Usage::LicenceSigning),
            &cert,
        )
        .unwrap();
        assert_eq!(sign1.algorithm(), alg);
        assert_eq!(sign1.payload(), licence.to_claims());
        // The external path, with an HSM answering in DER for EC keys,
        // gives a signature that verifies under the same checks.
        let hsm = CertifiedSigner::external(
            cert.clone(),
            Arc::new(Hsm {
                key: key.clone(),
                der: alg != Algorithm::EdDsa,
            }),
        )
        .unwrap();
        let external = sign(&licence, &hsm).unwrap();
        open(
            &external,
            ArtifactType::Licence,
            SignerRole::Authority(Usage::LicenceSigning),
            &cert,
        )
        .unwrap();
        // Opened as a status list, the typ is wrong; opened against the
        // wrong role, the certificate is refused.
        assert_eq!(
            open(
                &cose,
                ArtifactType::StatusList,
                SignerRole::Authority(Usage::StatusListSigning),
                &cert
            )
            .unwrap_err()
            .reason(),
            ReasonCode::CoseTypMismatch
        );
        assert_eq!(
            open(
                &cose,
                ArtifactType::Licence,
                SignerRole::Authority(Usage::SealMaking),
                &cert
            )
            .unwrap_err()
            .reason(),
            ReasonCode::CertWrongEku
        );
    }
}

#[test]
fn prepare_checks_role_and_validity_and_complete_converts_der() {
    let d = demo();
    let licence = Demo::sample_licence().unwrap();
    // A root cannot issue licences.
    assert_eq!(
        prepare(&licence, &d.root).unwrap_err().reason(),
        ReasonCode::CertCaAsEndEntity
    );
    let prepared = prepare(&licence, &d.authority).unwrap();
    assert_eq!(prepared.algorithm(), Algorithm::EdDsa);
    // A DER answer for an Ed25519 key is not a signature.
    let der = crate::alg::raw_to_der(&d.authority_key.sign_bytes(&prepared.to_be_signed()));
    assert_eq!(
        prepared.clone().complete(&der).unwrap_err().reason(),
        ReasonCode::SignerFailed
    );
    let cose = prepared
        .clone()
        .complete(&d.authority_key.sign_bytes(&prepared.to_be_signed()))
        .unwrap();
    assert!(open(
        &cose,
        ArtifactType::Licence,
        SignerRole::Authority(Usage::LicenceSigning),
        &d.authority
    )
    .is_ok());
    // Another certificate's kid.
    let e = open(
        &cose,
        ArtifactType::Licence,
        SignerRole::Authority(Usage::LicenceSigning),
        &d.root,
    )
    .unwrap_err();
    assert!(e.is_signature(), "{e:?}");
    assert_eq!(e.reason(), ReasonCode::SignerUnknown);
    // A licence dated after the certificate expired cannot be prepared.
    let sample = Demo::sample_licence().unwrap();
    let late = crate::licence::Licence::builder()
        .type_code(sample.type_code().as_str())
        .serial("1")
        .version(1)
        .organisation("上海浦江智联科技有限公司", "91310115MA1K4LQX58")
        .issued_at(d.authority.not_after() + 1)
        .valid_from(chrono::NaiveDate::from_ymd_opt(2019, 5, 20).unwrap())
        .long_term()
        .build()
        .unwrap();
    assert_eq!(
        prepare(&late, &d.authority).unwrap_err().reason(),
        ReasonCode::CertExpired
    );
}
