//! Issuing: the one-step path, the HSM path (prepare → external signature →
//! complete), and signers that misbehave.

use std::sync::Arc;

use elicense::alg::{PublicKey, SecretKey, Signer, SignerError};
use elicense::artifact::{ArtifactError, CertifiedSigner};
use elicense::demo::{sample_issued_at, Demo};
use elicense::licence::SignedLicence;
use elicense::verify::Verdict;
use elicense::ReasonCode;

fn demo() -> Demo {
    Demo::with_keys(
        SecretKey::from_seed(&[1; 32]),
        SecretKey::from_seed(&[2; 32]),
    )
    .unwrap()
}

/// A signer standing for an HSM: it signs with the right key, or misbehaves.
struct Hsm {
    key: SecretKey,
    fault: Option<&'static str>,
}

impl Signer for Hsm {
    fn public_key(&self) -> PublicKey {
        self.key.public_key()
    }
    fn sign(&self, tbs: &[u8]) -> Result<Vec<u8>, SignerError> {
        match self.fault {
            None => Ok(self.key.sign_bytes(tbs).to_vec()),
            Some("flip") => {
                let mut s = self.key.sign_bytes(tbs).to_vec();
                s[5] ^= 1;
                Ok(s)
            }
            Some("short") => Ok(vec![0; 63]),
            Some(other) => Err(SignerError(format!("HSM unavailable: {other}"))),
        }
    }
}

#[test]
fn external_signature_path_verifies() {
    let d = demo();
    let licence = Demo::sample_licence().unwrap();
    let prepared = licence.prepare(&d.authority).unwrap();
    // The bytes an HSM signs are the COSE Sig_structure.
    let tbs = prepared.to_be_signed();
    assert_eq!(&tbs[..12], b"\x84\x6aSignature1");
    let signed = SignedLicence::from_cose(
        prepared
            .complete(&d.authority_key.sign_bytes(&tbs))
            .unwrap(),
    );
    // Same bytes as the one-step path (Ed25519 is deterministic).
    let signer = CertifiedSigner::new(d.authority.clone(), d.authority_key.clone()).unwrap();
    assert_eq!(signed, licence.sign(&signer).unwrap());
    let r = d.verifier().verify_qr(
        &signed.qr_text(),
        elicense::UnixTime::from_secs(sample_issued_at() + 60),
    );
    assert_eq!(r.verdict, Verdict::Valid, "{}", r.to_text());
}

#[test]
fn a_wrong_external_signature_is_refused() {
    let d = demo();
    let licence = Demo::sample_licence().unwrap();
    let prepared = licence.prepare(&d.authority).unwrap();
    let other = SecretKey::from_seed(&[9; 32]).sign_bytes(&prepared.to_be_signed());
    let err = prepared.complete(&other).unwrap_err();
    assert_eq!(err.reason(), ReasonCode::SignerFailed);
}

#[test]
fn misbehaving_signers_never_produce_an_artifact() {
    let d = demo();
    let licence = Demo::sample_licence().unwrap();
    let hsm = |seed: u8, fault| -> Arc<dyn Signer> {
        Arc::new(Hsm {
            key: SecretKey::from_seed(&[seed; 32]),
            fault,
        })
    };
    let good = CertifiedSigner::external(d.authority.clone(), hsm(2, None)).unwrap();
    assert!(licence.sign(&good).is_ok());
    for fault in ["flip", "short", "offline"] {
        let signer = CertifiedSigner::external(d.authority.clone(), hsm(2, Some(fault))).unwrap();
        let err = licence.sign(&signer).unwrap_err();
        assert_eq!(err.reason(), ReasonCode::SignerFailed, "{fault}: {err}");
    }
    // A signer whose key is not the certificate's is refused when the pair
    // is made, before anything is signed.
    let err = CertifiedSigner::external(d.authority.clone(), hsm(8, None)).unwrap_err();
    assert!(matches!(err, ArtifactError::KeyMismatch { .. }), "{err:?}");
    assert_eq!(err.reason(), ReasonCode::SignerFailed);
    assert_eq!(
        err.to_string(),
        "the signing key (EdDSA) does not match the signer certificate (EdDSA)"
    );
}

#[test]
fn the_root_certificate_cannot_issue() {
    let d = demo();
    let err = Demo::sample_licence()
        .unwrap()
        .sign(&CertifiedSigner::new(d.root.clone(), d.root_key.clone()).unwrap())
        .unwrap_err();
    assert_eq!(err.reason(), ReasonCode::CertCaAsEndEntity);
}
