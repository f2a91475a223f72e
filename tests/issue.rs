//! Issuing: the one-step path, the HSM path (prepare → external signature →
//! complete), and signers that misbehave.

use elicense::alg::{PublicKey, SecretKey, Signer, SignerError};
use elicense::demo::{sample_issued_at, Demo};
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
    let signed = prepared
        .complete(&d.authority_key.sign_bytes(&tbs))
        .unwrap();
    // Same bytes as the one-step path (Ed25519 is deterministic).
    assert_eq!(
        signed,
        licence.sign(&d.authority, &d.authority_key).unwrap()
    );
    let r = d
        .verifier()
        .verify_qr(&signed.qr_text(), sample_issued_at() + 60);
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
    let good = Hsm {
        key: SecretKey::from_seed(&[2; 32]),
        fault: None,
    };
    assert!(licence.sign(&d.authority, &good).is_ok());
    for fault in ["flip", "short", "offline"] {
        let hsm = Hsm {
            key: SecretKey::from_seed(&[2; 32]),
            fault: Some(fault),
        };
        let err = licence.sign(&d.authority, &hsm).unwrap_err();
        assert_eq!(err.reason(), ReasonCode::SignerFailed, "{fault}: {err}");
    }
    let wrong = Hsm {
        key: SecretKey::from_seed(&[8; 32]),
        fault: None,
    };
    let err = licence.sign(&d.authority, &wrong).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the signing key does not match the signer certificate"
    );
}

#[test]
fn the_root_certificate_cannot_issue() {
    let d = demo();
    let err = Demo::sample_licence()
        .unwrap()
        .sign(&d.root, &d.root_key)
        .unwrap_err();
    assert_eq!(err.reason(), ReasonCode::CertCaAsEndEntity);
}
