//! The signed-artifact layer: signing (in one step, or *prepare → external
//! signature → complete* for an HSM or KMS) and opening (decode, strict
//! checks, signer certificate, signature) written once for every kind of
//! artifact: licences, region and federation trust lists, status lists,
//! and seals.
//!
//! * A [`CertifiedSigner`] is a certificate with the signer of its key,
//!   matched once when it is made.
//! * An [`Artifact`] says what an artifact signs: its `typ`
//!   ([`ArtifactType`]), the role its signer must have ([`SignerRole`]), its
//!   claims and its time of issue.
//! * [`sign`] and [`prepare`] / [`Prepared::complete`] make the tagged
//!   COSE_Sign1; [`open`] checks one against a certificate.
//!
//! The envelope carries the signer's algorithm from the table of
//! [`crate::alg`] in its protected `alg`; a signature is checked under the
//! certificate's key only if that `alg` is the key's (no key confusion).

use std::sync::Arc;

use thiserror::Error;

use crate::alg::{Algorithm, KeyError, PublicKey, SecretKey, SignatureError, Signer, SignerError};
use crate::envelope::{ArtifactType, EnvelopeError, PreparedSign1, Sign1};
use crate::pki::{hex_string, Certificate, PkiError, Usage};
use crate::ReasonCode;

/// Errors signing or opening an artifact. Each nests its cause.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ArtifactError {
    /// The envelope was refused (strict COSE_Sign1 rules, wrong `typ`, size).
    #[error("{0}")]
    Envelope(#[from] EnvelopeError),
    /// The envelope names another certificate (`kid`) than the one given.
    #[error("the artifact is signed by the certificate with kid {found}, not {expected}")]
    KidMismatch {
        /// The certificate's kid, hex.
        expected: String,
        /// The kid in the envelope, hex.
        found: String,
    },
    /// The certificate may not sign this artifact (role, usage, validity).
    #[error("the signer certificate cannot sign this: {0}")]
    Certificate(#[from] PkiError),
    /// A key file could not be read.
    #[error("{0}")]
    Key(#[from] KeyError),
    /// The signing key is not the certificate's key.
    #[error("the signing key ({found}) does not match the signer certificate ({expected})")]
    KeyMismatch {
        /// The certificate's key algorithm.
        expected: Algorithm,
        /// The signer's key algorithm.
        found: Algorithm,
    },
    /// The external signer (an HSM, a KMS) failed.
    #[error("{0}")]
    Signer(#[from] SignerError),
    /// The signature the signer returned does not verify.
    #[error("the signature returned by the signer does not verify: {0}")]
    SignerBadSignature(SignatureError),
    /// The signature does not verify under the certificate's key (or names
    /// another algorithm than the key's).
    #[error("{0}")]
    Signature(SignatureError),
}

impl ArtifactError {
    /// The stable reason code.
    pub fn reason(&self) -> ReasonCode {
        match self {
            ArtifactError::Envelope(e) => e.reason(),
            ArtifactError::KidMismatch { .. } => ReasonCode::SignerUnknown,
            ArtifactError::Certificate(e) => e.reason(),
            ArtifactError::Key(e) => e.reason(),
            ArtifactError::KeyMismatch { .. }
            | ArtifactError::Signer(_)
            | ArtifactError::SignerBadSignature(_) => ReasonCode::SignerFailed,
            ArtifactError::Signature(e) => e.reason(),
        }
    }

    /// Whether the error is about who signed (kid, signature, algorithm),
    /// as opposed to the envelope's shape or the signer's certificate.
    pub fn is_signature(&self) -> bool {
        matches!(
            self,
            ArtifactError::KidMismatch { .. } | ArtifactError::Signature(_)
        )
    }
}

/// A certificate and the signer of its key, matched once.
///
/// Local keys ([`CertifiedSigner::new`]) sign in process; external signers
/// ([`CertifiedSigner::external`]: an HSM, a KMS, a remote service) have
/// every signature they return checked before it is used, so a fault or a
/// wrong key there can never produce a bad artifact.
#[derive(Clone)]
pub struct CertifiedSigner {
    certificate: Certificate,
    signer: SignerKind,
}

#[derive(Clone)]
enum SignerKind {
    Local(Box<SecretKey>),
    External(Arc<dyn Signer>),
}

impl core::fmt::Debug for CertifiedSigner {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("CertifiedSigner")
            .field("certificate", &self.certificate)
            .field(
                "signer",
                &match self.signer {
                    SignerKind::Local(_) => "local key",
                    SignerKind::External(_) => "external",
                },
            )
            .finish()
    }
}

fn check_key(certificate: &Certificate, key: &PublicKey) -> Result<(), ArtifactError> {
    if key != certificate.public_key() {
        return Err(ArtifactError::KeyMismatch {
            expected: certificate.public_key().algorithm(),
            found: key.algorithm(),
        });
    }
    Ok(())
}

impl CertifiedSigner {
    /// A certificate with its local key; the key must be the certificate's.
    pub fn new(certificate: Certificate, key: SecretKey) -> Result<Self, ArtifactError> {
        check_key(&certificate, &key.public_key())?;
        Ok(Self {
            certificate,
            signer: SignerKind::Local(Box::new(key)),
        })
    }

    /// A certificate with an external signer (HSM, KMS) whose public key
    /// must be the certificate's.
    pub fn external(
        certificate: Certificate,
        signer: Arc<dyn Signer>,
    ) -> Result<Self, ArtifactError> {
        check_key(&certificate, &signer.public_key())?;
        Ok(Self {
            certificate,
            signer: SignerKind::External(signer),
        })
    }

    /// A certificate and its key from PEM texts (the certificate may be
    /// followed by others; the first is the signer's).
    pub fn from_pem(certificate_pem: &str, key_pem: &str) -> Result<Self, ArtifactError> {
        let certificate = Certificate::from_pem(certificate_pem)?;
        let key = SecretKey::from_pkcs8_pem(key_pem)?;
        Self::new(certificate, key)
    }

    /// The signer's certificate.
    pub fn certificate(&self) -> &Certificate {
        &self.certificate
    }

    /// The algorithm it signs with.
    pub fn algorithm(&self) -> Algorithm {
        self.certificate.public_key().algorithm()
    }

    /// Signs `message` with the certificate's key: a certificate's
    /// TBSCertificate or an envelope's `Sig_structure`. The signature is in
    /// the 64-byte COSE form, and verified first unless the key is local.
    pub fn sign_bytes(&self, message: &[u8]) -> Result<[u8; 64], ArtifactError> {
        match &self.signer {
            SignerKind::Local(key) => Ok(key.sign_bytes(message)),
            SignerKind::External(signer) => {
                let signature = signer.sign(message)?;
                let key = self.certificate.public_key();
                let raw = crate::alg::signature_for_cose(key, &signature)
                    .map_err(ArtifactError::SignerBadSignature)?;
                key.verify(message, &raw)
                    .map_err(ArtifactError::SignerBadSignature)?;
                Ok(raw)
            }
        }
    }
}

/// Who may sign an artifact.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignerRole {
    /// An authority certificate (not a CA) with this extended key usage.
    Authority(Usage),
    /// A region root (a CA carrying a region code).
    RegionRoot,
    /// The federation root the verifier pins (a CA).
    FederationRoot,
}

impl SignerRole {
    /// Checks that `certificate` may act in this role.
    pub fn check(self, certificate: &Certificate) -> Result<(), PkiError> {
        match self {
            SignerRole::Authority(usage) => {
                if certificate.is_ca() {
                    return Err(PkiError::CaAsEndEntity);
                }
                if !certificate.usages().contains(&usage) {
                    return Err(PkiError::WrongEku(usage));
                }
                Ok(())
            }
            SignerRole::RegionRoot => certificate.check_region_root().map(|_| ()),
            SignerRole::FederationRoot => {
                if certificate.is_ca() {
                    Ok(())
                } else {
                    Err(PkiError::Malformed(
                        "a federation root must be a CA certificate".into(),
                    ))
                }
            }
        }
    }
}

/// What a kind of artifact signs.
pub trait Artifact {
    /// Its `typ`.
    const TYPE: ArtifactType;
    /// Who may sign it.
    const ROLE: SignerRole;
    /// Its claims (the COSE payload), deterministically encoded.
    fn payload(&self) -> Vec<u8>;
    /// Its time of issue (Unix seconds): the signer certificate must be
    /// valid then.
    fn issued_at(&self) -> i64;
}

/// An artifact ready for an external signature (HSM, KMS): call
/// [`Prepared::to_be_signed`], have the key sign those bytes, then
/// [`Prepared::complete`]. One type for every artifact.
#[derive(Clone, Debug)]
pub struct Prepared {
    sign1: PreparedSign1,
    key: PublicKey,
}

impl Prepared {
    /// The exact bytes to sign (the COSE `Sig_structure`).
    pub fn to_be_signed(&self) -> Vec<u8> {
        self.sign1.to_be_signed()
    }

    /// The algorithm the signature must be made with.
    pub fn algorithm(&self) -> Algorithm {
        self.sign1.algorithm()
    }

    /// Attaches the signature (64 bytes; an SM2 or ECDSA signature in DER,
    /// as many HSMs return it, is converted) after checking that it verifies
    /// under the signer certificate's key, and returns the tagged
    /// COSE_Sign1 bytes.
    pub fn complete(self, signature: &[u8]) -> Result<Vec<u8>, ArtifactError> {
        self.sign1
            .complete(signature, &self.key)
            .map_err(ArtifactError::SignerBadSignature)
    }
}

/// First step of signing `artifact` with the key of `signer`: checks that
/// `signer` may act in the artifact's role and was valid at its time of
/// issue, and prepares the envelope.
pub fn prepare<A: Artifact + ?Sized>(
    artifact: &A,
    signer: &Certificate,
) -> Result<Prepared, ArtifactError> {
    A::ROLE.check(signer)?;
    signer.check_time(artifact.issued_at())?;
    Ok(Prepared {
        sign1: PreparedSign1::new(
            A::TYPE,
            signer.public_key().algorithm(),
            *signer.kid(),
            artifact.payload(),
        ),
        key: signer.public_key().clone(),
    })
}

/// Signs `artifact` in one step and returns the tagged COSE_Sign1 bytes.
pub fn sign<A: Artifact + ?Sized>(
    artifact: &A,
    signer: &CertifiedSigner,
) -> Result<Vec<u8>, ArtifactError> {
    let prepared = prepare(artifact, signer.certificate())?;
    let signature = signer.sign_bytes(&prepared.to_be_signed())?;
    Ok(prepared.sign1.assemble(&signature))
}

/// Opens a signed artifact of type `artifact` against `certificate`, in
/// this order: strict envelope with the artifact's `typ`
/// ([`Sign1::decode`]), `kid` equal to the certificate's, the certificate
/// in `role`, and the signature under the certificate's key with the
/// envelope's `alg` equal to the key's algorithm. The payload is not
/// trustworthy before this returns `Ok`; the caller then decodes it and
/// checks the certificate's validity at its time of issue.
pub fn open(
    cose: &[u8],
    artifact: ArtifactType,
    role: SignerRole,
    certificate: &Certificate,
) -> Result<Sign1, ArtifactError> {
    let sign1 = Sign1::decode(cose, artifact)?;
    if sign1.kid() != certificate.kid() {
        return Err(ArtifactError::KidMismatch {
            expected: hex_string(certificate.kid()),
            found: hex_string(sign1.kid()),
        });
    }
    role.check(certificate)?;
    sign1
        .verify(certificate.public_key())
        .map_err(ArtifactError::Signature)?;
    Ok(sign1)
}

#[cfg(test)]
mod tests;
