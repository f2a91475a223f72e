//! Keys and signing.
//!
//! DESIGN §3: "`alg` is EdDSA (-8) over Ed25519; verification uses strict
//! rules (ed25519-dalek `verify_strict`: no malleable or small-order
//! signatures). Leave room for more algorithms … behind one signature
//! abstraction."
//!
//! * [`SecretKey`] holds an Ed25519 secret key. It is zeroized on drop, never
//!   printed by `Debug`, and moves in and out as PKCS#8 PEM.
//! * [`PublicKey`] is a verifying key; [`PublicKey::verify_strict`] is the one
//!   place where signatures are checked, returning a precise [`SignatureError`].
//! * [`Signer`] is the signing abstraction. A key held in an HSM or KMS
//!   implements it, or the caller uses the two-step
//!   *prepare → external signature → complete* flow offered by the artifacts
//!   (see [`crate::licence::PreparedLicence`]).

use core::fmt;

use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use ed25519_dalek::{Signature, SigningKey, VerifyingKey};
use thiserror::Error;
use zeroize::Zeroizing;

use crate::ReasonCode;

/// A COSE signature algorithm accepted by this profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Algorithm {
    /// EdDSA over Ed25519 (COSE `alg` -8, RFC 9053 §2.2).
    EdDsa,
}

impl Algorithm {
    /// The COSE algorithm identifier.
    pub const fn cose_id(self) -> i64 {
        match self {
            Algorithm::EdDsa => -8,
        }
    }

    /// The algorithm with this COSE identifier, if the profile accepts it.
    pub const fn from_cose_id(id: i64) -> Option<Self> {
        match id {
            -8 => Some(Algorithm::EdDsa),
            _ => None,
        }
    }
}

/// Errors reading, writing or using keys.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyError {
    /// The PEM text is not a PKCS#8 Ed25519 private key.
    #[error("the key is not a PKCS#8 PEM Ed25519 private key: {0}")]
    BadPrivateKey(String),
    /// The PEM text is not an Ed25519 SubjectPublicKeyInfo.
    #[error("the key is not a PEM Ed25519 public key: {0}")]
    BadPublicKey(String),
    /// Raw public key bytes do not decode to a curve point.
    #[error("the public key bytes are not a valid Ed25519 point")]
    BadPoint,
    /// The public key is a small-order point: anyone could forge signatures for it.
    #[error("the public key is a weak (small-order) Ed25519 point")]
    WeakKey,
    /// The operating system's random number generator failed.
    #[error("the system random number generator failed: {0}")]
    Random(String),
}

impl KeyError {
    /// The stable reason code for this error.
    pub fn reason(&self) -> ReasonCode {
        match self {
            KeyError::WeakKey => ReasonCode::KeyWeak,
            _ => ReasonCode::KeyInvalid,
        }
    }
}

/// Why a signature was refused.
#[derive(Debug, Error, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureError {
    /// The signature is not 64 bytes.
    #[error("the signature is {0} bytes long, not 64")]
    BadLength(usize),
    /// S ≥ ℓ: the signature is malleable and refused (RFC 8032 §5.1.7).
    #[error("the signature's S value is not reduced modulo the group order")]
    NonCanonical,
    /// The signature does not verify.
    #[error("the signature does not verify")]
    Invalid,
}

impl SignatureError {
    /// The stable reason code for this error.
    pub fn reason(&self) -> ReasonCode {
        match self {
            SignatureError::BadLength(_) | SignatureError::Invalid => ReasonCode::SignatureInvalid,
            SignatureError::NonCanonical => ReasonCode::SignatureNonCanonical,
        }
    }
}

/// Errors from a [`Signer`].
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[error("the signer failed: {0}")]
pub struct SignerError(pub String);

/// An Ed25519 secret key: zeroized on drop, never printed.
#[derive(Clone)]
pub struct SecretKey {
    inner: SigningKey,
}

impl SecretKey {
    /// Generates a new key from the operating system's random number generator.
    #[cfg(feature = "issuer")]
    pub fn generate() -> Result<Self, KeyError> {
        let mut seed = Zeroizing::new([0u8; 32]);
        getrandom::getrandom(seed.as_mut()).map_err(|e| KeyError::Random(e.to_string()))?;
        Ok(Self::from_seed(&seed))
    }

    /// Builds a key from its 32-byte seed (RFC 8032 private key).
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        Self {
            inner: SigningKey::from_bytes(seed),
        }
    }

    /// Reads a PKCS#8 PEM ("PRIVATE KEY") Ed25519 key.
    pub fn from_pkcs8_pem(pem: &str) -> Result<Self, KeyError> {
        SigningKey::from_pkcs8_pem(pem)
            .map(|inner| Self { inner })
            .map_err(|e| KeyError::BadPrivateKey(e.to_string()))
    }

    /// Writes the key as PKCS#8 PEM. The returned string is zeroized on drop.
    pub fn to_pkcs8_pem(&self) -> Zeroizing<String> {
        self.inner
            .to_pkcs8_pem(ed25519_dalek::pkcs8::spki::der::pem::LineEnding::LF)
            // Encoding a well-formed 32-byte Ed25519 key into PKCS#8 cannot fail.
            .expect("PKCS#8 encoding of an Ed25519 key")
    }

    /// The matching public key.
    pub fn public_key(&self) -> PublicKey {
        PublicKey {
            inner: self.inner.verifying_key(),
        }
    }

    /// Signs `message` (pure Ed25519, RFC 8032).
    pub fn sign_bytes(&self, message: &[u8]) -> [u8; 64] {
        use ed25519_dalek::Signer as _;
        self.inner.sign(message).to_bytes()
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretKey")
            .field("public", &self.public_key())
            .finish_non_exhaustive()
    }
}

/// An Ed25519 public (verifying) key.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PublicKey {
    inner: VerifyingKey,
}

impl PublicKey {
    /// Reads 32 raw bytes. Weak (small-order) points are refused.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, KeyError> {
        let arr: &[u8; 32] = bytes.try_into().map_err(|_| KeyError::BadPoint)?;
        let inner = VerifyingKey::from_bytes(arr).map_err(|_| KeyError::BadPoint)?;
        if inner.is_weak() {
            return Err(KeyError::WeakKey);
        }
        Ok(Self { inner })
    }

    /// Reads a PEM SubjectPublicKeyInfo ("PUBLIC KEY").
    pub fn from_pem(pem: &str) -> Result<Self, KeyError> {
        let inner = VerifyingKey::from_public_key_pem(pem)
            .map_err(|e| KeyError::BadPublicKey(e.to_string()))?;
        Self::from_bytes(inner.as_bytes())
    }

    /// Writes the key as a PEM SubjectPublicKeyInfo.
    pub fn to_pem(&self) -> String {
        self.inner
            .to_public_key_pem(ed25519_dalek::pkcs8::spki::der::pem::LineEnding::LF)
            .expect("SPKI encoding of an Ed25519 key")
    }

    /// The 32 raw bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        self.inner.as_bytes()
    }

    /// Verifies `signature` over `message` with the strict rules of DESIGN §3:
    /// S must be reduced and the cofactorless equation must hold
    /// (`verify_strict`). The key itself was checked not to be of small order
    /// when it was read.
    pub fn verify_strict(&self, message: &[u8], signature: &[u8]) -> Result<(), SignatureError> {
        let sig: &[u8; 64] = signature
            .try_into()
            .map_err(|_| SignatureError::BadLength(signature.len()))?;
        if !scalar_is_canonical(sig[32..].try_into().expect("32-byte half")) {
            return Err(SignatureError::NonCanonical);
        }
        // Weak keys never get here: `PublicKey::from_bytes` refuses them.
        self.inner
            .verify_strict(message, &Signature::from_bytes(sig))
            .map_err(|_| SignatureError::Invalid)
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey(")?;
        for b in self.as_bytes() {
            write!(f, "{b:02x}")?;
        }
        write!(f, ")")
    }
}

/// The Ed25519 group order ℓ = 2^252 + 27742317777372353535851937790883648493, little-endian.
const ELL: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];

/// True when the little-endian scalar `s` is < ℓ.
fn scalar_is_canonical(s: &[u8; 32]) -> bool {
    for i in (0..32).rev() {
        match s[i].cmp(&ELL[i]) {
            core::cmp::Ordering::Less => return true,
            core::cmp::Ordering::Greater => return false,
            core::cmp::Ordering::Equal => {}
        }
    }
    false // s == ℓ
}

/// Something that signs: a local key, or a key in an HSM or KMS.
///
/// `sign` receives the exact bytes to be signed (the COSE `Sig_structure`)
/// and returns the 64-byte Ed25519 signature. Artifacts check the returned
/// signature against [`Signer::public_key`] before using it, so a faulty
/// signer can never produce a bad artifact.
pub trait Signer {
    /// The algorithm of the key.
    fn algorithm(&self) -> Algorithm {
        Algorithm::EdDsa
    }
    /// The public half of the key.
    fn public_key(&self) -> PublicKey;
    /// Signs `to_be_signed`.
    fn sign(&self, to_be_signed: &[u8]) -> Result<Vec<u8>, SignerError>;

    /// Whether signatures from this signer may be used without checking them
    /// first. Only an in-process software key ([`SecretKey`]) says yes; keys in
    /// an HSM, a KMS or a remote service keep the default `false`, so a fault
    /// or a wrong key there can never produce a bad artifact.
    fn signatures_are_trusted(&self) -> bool {
        false
    }
}

impl Signer for SecretKey {
    fn public_key(&self) -> PublicKey {
        SecretKey::public_key(self)
    }
    fn sign(&self, to_be_signed: &[u8]) -> Result<Vec<u8>, SignerError> {
        Ok(self.sign_bytes(to_be_signed).to_vec())
    }
    /// ed25519-dalek signs deterministically in process with the key it holds.
    fn signatures_are_trusted(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RFC8032_SEED: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
    const RFC8032_PUB: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

    fn test_key() -> SecretKey {
        SecretKey::from_seed(&hex::decode(RFC8032_SEED).unwrap().try_into().unwrap())
    }

    #[test]
    fn rfc8032_test1_signature() {
        let key = test_key();
        assert_eq!(hex::encode(key.public_key().as_bytes()), RFC8032_PUB);
        // RFC 8032 §7.1 TEST 1: empty message.
        assert_eq!(
            hex::encode(key.sign_bytes(b"")),
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
        );
        assert_eq!(
            key.public_key().verify_strict(b"", &key.sign_bytes(b"")),
            Ok(())
        );
    }

    #[test]
    fn pem_round_trip_and_debug_hides_secret() {
        let key = test_key();
        let pem = key.to_pkcs8_pem();
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
        let back = SecretKey::from_pkcs8_pem(&pem).unwrap();
        assert_eq!(back.public_key(), key.public_key());
        let dbg = format!("{key:?}");
        assert!(dbg.contains(RFC8032_PUB), "{dbg}");
        assert!(
            !dbg.contains(RFC8032_SEED) && !dbg.contains("9d61b1"),
            "{dbg}"
        );
        let pub_pem = key.public_key().to_pem();
        assert_eq!(PublicKey::from_pem(&pub_pem).unwrap(), key.public_key());
        assert!(matches!(
            SecretKey::from_pkcs8_pem(&pub_pem),
            Err(KeyError::BadPrivateKey(_))
        ));
        assert!(matches!(
            SecretKey::from_pkcs8_pem("garbage"),
            Err(KeyError::BadPrivateKey(_))
        ));
    }

    #[test]
    fn non_canonical_signature_refused() {
        let key = test_key();
        let mut sig = key.sign_bytes(b"msg");
        // Add ℓ to S: the same signature in a malleable form.
        let mut carry = 0u16;
        for i in 0..32 {
            let v = sig[32 + i] as u16 + ELL[i] as u16 + carry;
            sig[32 + i] = v as u8;
            carry = v >> 8;
        }
        let err = key.public_key().verify_strict(b"msg", &sig).unwrap_err();
        assert_eq!(err, SignatureError::NonCanonical);
        assert_eq!(err.reason(), ReasonCode::SignatureNonCanonical);
        assert!(!scalar_is_canonical(&ELL));
        let mut below = ELL;
        below[0] -= 1;
        assert!(scalar_is_canonical(&below));
    }

    #[test]
    fn small_order_key_refused() {
        // The identity point (y = 1) has order 1.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        assert_eq!(PublicKey::from_bytes(&identity), Err(KeyError::WeakKey));
        assert_eq!(KeyError::WeakKey.reason(), ReasonCode::KeyWeak);
        assert_eq!(PublicKey::from_bytes(&[0u8; 31]), Err(KeyError::BadPoint));
    }

    #[test]
    fn altered_signature_and_length() {
        let key = test_key();
        let mut sig = key.sign_bytes(b"msg");
        sig[0] ^= 1;
        assert_eq!(
            key.public_key().verify_strict(b"msg", &sig),
            Err(SignatureError::Invalid)
        );
        assert_eq!(
            key.public_key().verify_strict(b"msg", &sig[..63]),
            Err(SignatureError::BadLength(63))
        );
    }
}
