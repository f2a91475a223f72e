//! Keys and signing.
//!
//! DESIGN §3: "`alg` is EdDSA (-8) over Ed25519; verification uses strict
//! rules (ed25519-dalek `verify_strict`: no malleable or small-order
//! signatures). Leave room for more algorithms … behind one signature
//! abstraction."
//!
//! * [`SecretKey`] holds an Ed25519 secret key. It is zeroized on drop, never
//!   printed by `Debug`, and moves in and out as PKCS#8 PEM: written as
//!   OpenSSL writes it (version 1, RFC 8410 §7, no public key), read in
//!   version 1 or 2 (docs/FORMAT.md §5, "Keys").
//! * [`PublicKey`] is a verifying key; [`PublicKey::verify_strict`] is the one
//!   place where signatures are checked, returning a precise [`SignatureError`].
//! * [`Signer`] is the signing abstraction. A key held in an HSM or KMS
//!   implements it, or the caller uses the two-step
//!   *prepare → external signature → complete* flow offered by the artifacts
//!   (see [`crate::licence::PreparedLicence`]).

use core::fmt;

use ed25519_dalek::pkcs8::spki::der::pem;
use ed25519_dalek::pkcs8::spki::{AlgorithmIdentifierRef, SubjectPublicKeyInfoRef};
use ed25519_dalek::pkcs8::PrivateKeyInfo;
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
    /// A well-formed key of another algorithm, named as found (e.g.
    /// `id-ecPublicKey (P-256)`, `rsaEncryption`): this profile signs with
    /// Ed25519 only.
    #[error("the key is {found}, not Ed25519; elicense uses Ed25519 keys only")]
    UnsupportedAlgorithm {
        /// The algorithm found, in words (with its parameters when they
        /// name a curve).
        found: String,
    },
    /// Raw public key bytes do not decode to a curve point.
    #[error("the public key bytes are not a valid Ed25519 point")]
    BadPoint,
    /// The public key is a small-order point (anyone could forge signatures
    /// for it), or has a small-order component (it is not in the prime-order
    /// subgroup, which no honestly generated key leaves).
    #[error(
        "the public key is a weak Ed25519 point (small order, or outside the prime-order subgroup)"
    )]
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

    /// Reads a PKCS#8 PEM ("PRIVATE KEY") Ed25519 key, version 1 (RFC 8410
    /// §7, as OpenSSL writes it) or version 2 (with the public key, which
    /// must then match the private key).
    ///
    /// A key of another algorithm is refused as
    /// [`KeyError::UnsupportedAlgorithm`] naming the algorithm found, whether
    /// it is PKCS#8 or a traditional `EC PRIVATE KEY` / `RSA PRIVATE KEY`
    /// file; an encrypted PKCS#8 key, a public key or a certificate is
    /// refused as [`KeyError::BadPrivateKey`] saying what it is.
    pub fn from_pkcs8_pem(pem_text: &str) -> Result<Self, KeyError> {
        let bad = |m: &str| KeyError::BadPrivateKey(m.to_owned());
        let block = single_pem_block(pem_text).map_err(KeyError::BadPrivateKey)?;
        let (label, der) = pem::decode_vec(block.as_bytes())
            .map_err(|e| KeyError::BadPrivateKey(format!("not PEM: {e}")))?;
        let der = Zeroizing::new(der);
        match label {
            "PRIVATE KEY" => {}
            "EC PRIVATE KEY" => {
                return Err(KeyError::UnsupportedAlgorithm {
                    found: sec1_algorithm(&der),
                })
            }
            "RSA PRIVATE KEY" => {
                return Err(KeyError::UnsupportedAlgorithm {
                    found: "rsaEncryption".into(),
                })
            }
            "DSA PRIVATE KEY" => {
                return Err(KeyError::UnsupportedAlgorithm {
                    found: "DSA".into(),
                })
            }
            "ENCRYPTED PRIVATE KEY" => {
                return Err(bad("it is encrypted (PKCS#8 EncryptedPrivateKeyInfo); \
                     decrypt it first (`openssl pkey -in KEY -out PLAIN.pem`)"))
            }
            "OPENSSH PRIVATE KEY" => {
                return Err(bad("it is an OpenSSH private key, not PKCS#8"));
            }
            "PUBLIC KEY" => return Err(bad("it is a public key, not a private key")),
            "CERTIFICATE" => return Err(bad("it is a certificate, not a private key")),
            other => {
                return Err(KeyError::BadPrivateKey(format!(
                    "the PEM block is labelled {other:?}, not \"PRIVATE KEY\""
                )))
            }
        }
        let info = PrivateKeyInfo::try_from(der.as_slice())
            .map_err(|e| KeyError::BadPrivateKey(format!("not a PKCS#8 PrivateKeyInfo: {e}")))?;
        if info.algorithm.oid.to_string() != ED25519_OID {
            return Err(KeyError::UnsupportedAlgorithm {
                found: algorithm_name(&info.algorithm),
            });
        }
        if info.algorithm.parameters.is_some() {
            return Err(bad(
                "the Ed25519 algorithm identifier has parameters (RFC 8410 §3: absent)",
            ));
        }
        // RFC 8410 §7: CurvePrivateKey ::= OCTET STRING, inside privateKey.
        let seed: Zeroizing<[u8; 32]> = match info.private_key {
            [0x04, 0x20, rest @ ..] => Zeroizing::new(
                rest.try_into()
                    .map_err(|_| bad("the private key is not 32 bytes"))?,
            ),
            _ => return Err(bad("the private key is not a 32-byte OCTET STRING")),
        };
        let key = Self::from_seed(&seed);
        if let Some(public) = info.public_key {
            if public != key.public_key().as_bytes() {
                return Err(bad(
                    "the public key it carries (PKCS#8 version 2) is not its private key's",
                ));
            }
        }
        Ok(key)
    }

    /// Writes the key as PKCS#8 PEM, version 1 without the public key: the
    /// 48-byte `PrivateKeyInfo` of RFC 8410 §7, as OpenSSL writes it. The
    /// returned string is zeroized on drop.
    pub fn to_pkcs8_pem(&self) -> Zeroizing<String> {
        let mut der = Zeroizing::new(Vec::with_capacity(48));
        der.extend_from_slice(&PKCS8_V1_PREFIX);
        der.extend_from_slice(self.inner.as_bytes());
        Zeroizing::new(
            pem::encode_string("PRIVATE KEY", pem::LineEnding::LF, &der)
                // 48 bytes always fit a PEM document.
                .expect("PEM encoding of a 48-byte key"),
        )
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
    /// Reads 32 raw bytes. A point of small order, or with a small-order
    /// component (outside the prime-order subgroup), is refused as
    /// [`KeyError::WeakKey`].
    ///
    /// `verify_strict` itself refuses only small-order keys. Refusing every
    /// key with a torsion component as well costs one scalar multiplication
    /// per key read, and makes [`verify_batch`] agree with
    /// [`PublicKey::verify_strict`] on every key a verifier can hold.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, KeyError> {
        let key = Self::from_bytes_small_order_checked(bytes)?;
        if !key.inner.to_edwards().is_torsion_free() {
            return Err(KeyError::WeakKey);
        }
        Ok(key)
    }

    /// Reads 32 raw bytes, refusing only small-order points: the rule of
    /// `verify_strict`. Used where a key is used once for a single strict
    /// verification (certificate signatures during chain validation, whose
    /// issuer keys were read with [`PublicKey::from_bytes`] already).
    pub(crate) fn from_bytes_small_order_checked(bytes: &[u8]) -> Result<Self, KeyError> {
        let arr: &[u8; 32] = bytes.try_into().map_err(|_| KeyError::BadPoint)?;
        let inner = VerifyingKey::from_bytes(arr).map_err(|_| KeyError::BadPoint)?;
        if inner.is_weak() {
            return Err(KeyError::WeakKey);
        }
        Ok(Self { inner })
    }

    /// Reads a PEM SubjectPublicKeyInfo ("PUBLIC KEY"). A key of another
    /// algorithm is refused as [`KeyError::UnsupportedAlgorithm`] naming it.
    pub fn from_pem(pem_text: &str) -> Result<Self, KeyError> {
        let block = single_pem_block(pem_text).map_err(KeyError::BadPublicKey)?;
        let (label, der) = pem::decode_vec(block.as_bytes())
            .map_err(|e| KeyError::BadPublicKey(format!("not PEM: {e}")))?;
        if label != "PUBLIC KEY" {
            return Err(KeyError::BadPublicKey(format!(
                "the PEM block is labelled {label:?}, not \"PUBLIC KEY\""
            )));
        }
        let spki = SubjectPublicKeyInfoRef::try_from(der.as_slice())
            .map_err(|e| KeyError::BadPublicKey(format!("not a SubjectPublicKeyInfo: {e}")))?;
        if spki.algorithm.oid.to_string() != ED25519_OID {
            return Err(KeyError::UnsupportedAlgorithm {
                found: algorithm_name(&spki.algorithm),
            });
        }
        if spki.algorithm.parameters.is_some() {
            return Err(KeyError::BadPublicKey(
                "the Ed25519 algorithm identifier has parameters (RFC 8410 §3: absent)".into(),
            ));
        }
        let bytes = spki
            .subject_public_key
            .as_bytes()
            .ok_or_else(|| KeyError::BadPublicKey("the key's BIT STRING has unused bits".into()))?;
        Self::from_bytes(bytes)
    }

    /// Writes the key as a PEM SubjectPublicKeyInfo (RFC 8410 §4).
    pub fn to_pem(&self) -> String {
        let mut der = Vec::with_capacity(44);
        der.extend_from_slice(&SPKI_PREFIX);
        der.extend_from_slice(self.as_bytes());
        pem::encode_string("PUBLIC KEY", pem::LineEnding::LF, &der)
            .expect("PEM encoding of a 44-byte key")
    }

    /// The RFC 7093 (method 1) key identifier: the leftmost 160 bits of the
    /// SHA-256 hash of the subjectPublicKey BIT STRING's value, here the 32
    /// key bytes. Certificates carry it as their Subject Key Identifier,
    /// and as the Authority Key Identifier of those they issue
    /// (docs/FORMAT.md §5).
    pub fn key_identifier(&self) -> [u8; 20] {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(self.as_bytes());
        let mut id = [0u8; 20];
        id.copy_from_slice(&digest[..20]);
        id
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

/// Verifies many Ed25519 signatures at once, accepting exactly when every
/// `signatures[i]` is a valid signature of `messages[i]` under `keys[i]`
/// (with overwhelming probability; see below). On `Err`, at least one
/// signature is bad but the error does not say which: verify them one by
/// one with [`PublicKey::verify_strict`] to find out (the verifier does
/// exactly that, so a batch never changes a report).
///
/// Each signature first passes the encoding checks of `verify_strict`:
/// S < ℓ ([`SignatureError::NonCanonical`]), and R the canonical encoding
/// of a point that is not of small order ([`SignatureError::Invalid`]).
/// Keys were checked when read ([`PublicKey::from_bytes`]: prime-order
/// subgroup). Then one equation checks them all, with 128-bit coefficients
/// zᵢ derived by SHA-512 from every R, S and H(R‖A‖M) of the batch (so no
/// signer can choose a signature knowing its coefficient):
///
/// ```text
/// [−Σ zᵢ·Sᵢ]·B + Σ zᵢ·Rᵢ + Σ_A (Σ_{i: Aᵢ = A} zᵢ·H(Rᵢ‖A‖Mᵢ))·A = identity
/// ```
///
/// The terms of signatures made with the same key are merged into one
/// point (a batch from 50 authorities multiplies 50 key points, not one
/// per licence), and each R is decompressed once. ed25519-dalek's own
/// `verify_batch` does neither, and our R checks would decompress each R
/// a second time: built on it, this function took about 256,000
/// instructions per signature in batches of 128 from 50 keys, against
/// 146,000 for this one (callgrind), which is why this is ours.
///
/// **Where batch and strict verification can differ.** The batch equation
/// cancels a small-order component of R when its random coefficient is a
/// multiple of that component's order; strict verification refuses such a
/// signature. Only the holder of the private key can make such a signature
/// (its prime-order part must verify), so it forges nothing: it can only
/// make its own, otherwise valid, signature verify in a batch and fail
/// alone. Honest signers never produce one.
pub fn verify_batch(
    messages: &[&[u8]],
    signatures: &[&[u8]],
    keys: &[PublicKey],
) -> Result<(), SignatureError> {
    use curve25519_dalek::constants::ED25519_BASEPOINT_POINT;
    use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
    use curve25519_dalek::scalar::Scalar;
    use curve25519_dalek::traits::{IsIdentity, VartimeMultiscalarMul};
    use sha2::{Digest, Sha512};
    use std::collections::HashMap;

    if messages.len() != signatures.len() || messages.len() != keys.len() {
        return Err(SignatureError::Invalid);
    }
    let n = signatures.len();
    let mut r_points = Vec::with_capacity(n);
    let mut s_scalars = Vec::with_capacity(n);
    let mut hrams = Vec::with_capacity(n);
    // Everything the coefficients must depend on.
    let mut transcript = Sha512::new();
    transcript.update(b"elicense Ed25519 batch v1");
    transcript.update((n as u64).to_le_bytes());
    for i in 0..n {
        let sig: &[u8; 64] = signatures[i]
            .try_into()
            .map_err(|_| SignatureError::BadLength(signatures[i].len()))?;
        let (r_bytes, s_bytes) = sig.split_at(32);
        let s_bytes: [u8; 32] = s_bytes.try_into().expect("32-byte half");
        if !scalar_is_canonical(&s_bytes) {
            return Err(SignatureError::NonCanonical);
        }
        let r_bytes: [u8; 32] = r_bytes.try_into().expect("32-byte half");
        if !y_is_canonical(&r_bytes) {
            return Err(SignatureError::Invalid);
        }
        let r = CompressedEdwardsY(r_bytes)
            .decompress()
            .ok_or(SignatureError::Invalid)?;
        // With y < p, the encoding is canonical unless x = 0 with the sign
        // bit set; x = 0 only for y = ±1, both of small order.
        if r.is_small_order() {
            return Err(SignatureError::Invalid);
        }
        let hram: [u8; 64] = Sha512::new()
            .chain_update(r_bytes)
            .chain_update(keys[i].as_bytes())
            .chain_update(messages[i])
            .finalize()
            .into();
        transcript.update(r_bytes);
        transcript.update(s_bytes);
        transcript.update(hram);
        r_points.push(r);
        s_scalars.push(Scalar::from_bytes_mod_order(s_bytes));
        hrams.push(Scalar::from_bytes_mod_order_wide(&hram));
    }
    let seed = transcript.finalize();
    let mut b_coefficient = Scalar::ZERO;
    let mut r_coefficients = Vec::with_capacity(n);
    // One coefficient per distinct key, in order of first appearance.
    let mut key_index: HashMap<[u8; 32], usize> = HashMap::new();
    let mut key_points: Vec<EdwardsPoint> = Vec::new();
    let mut key_coefficients: Vec<Scalar> = Vec::new();
    for i in 0..n {
        let z: [u8; 64] = Sha512::new()
            .chain_update(seed)
            .chain_update((i as u64).to_le_bytes())
            .finalize()
            .into();
        let z = Scalar::from(u128::from_le_bytes(z[..16].try_into().expect("16 bytes")));
        b_coefficient -= z * s_scalars[i];
        r_coefficients.push(z);
        let k = *key_index.entry(*keys[i].as_bytes()).or_insert_with(|| {
            key_points.push(keys[i].inner.to_edwards());
            key_coefficients.push(Scalar::ZERO);
            key_points.len() - 1
        });
        key_coefficients[k] += z * hrams[i];
    }
    let sum = EdwardsPoint::vartime_multiscalar_mul(
        std::iter::once(&b_coefficient)
            .chain(&r_coefficients)
            .chain(&key_coefficients),
        std::iter::once(&ED25519_BASEPOINT_POINT)
            .chain(&r_points)
            .chain(&key_points),
    );
    if sum.is_identity() {
        Ok(())
    } else {
        Err(SignatureError::Invalid)
    }
}

/// True when the y coordinate of the encoded point `p` (bit 255, the sign
/// of x, aside) is below the field prime 2²⁵⁵ − 19: the encoding rule of
/// RFC 8032 §5.1.3, which point decompression itself does not enforce.
fn y_is_canonical(p: &[u8; 32]) -> bool {
    // y ≥ p exactly when bits 8..254 are all ones and the low byte ≥ 0xed.
    !(p[31] & 0x7f == 0x7f && p[1..31].iter().all(|&b| b == 0xff) && p[0] >= 0xed)
}

/// The one PEM block of `text`, from its `-----BEGIN ` line to the end of
/// its `-----END …-----` line. Explanatory text before and after it is
/// ignored (RFC 7468 §2: `openssl pkey -text` writes some after the key); a
/// second block is refused, so that a file never stands for two keys.
fn single_pem_block(text: &str) -> Result<&str, String> {
    const BEGIN: &str = "-----BEGIN ";
    const END: &str = "-----END ";
    let start = text
        .find(BEGIN)
        .ok_or_else(|| "not PEM: no \"-----BEGIN\" line".to_owned())?;
    let rest = &text[start..];
    let end = rest
        .find(END)
        .and_then(|e| {
            let tail = &rest[e + END.len()..];
            tail.find("-----").map(|d| e + END.len() + d + 5)
        })
        .ok_or_else(|| "not PEM: no \"-----END\" line".to_owned())?;
    if rest[end..].contains(BEGIN) {
        return Err("the file holds more than one PEM block; give one key per file".into());
    }
    Ok(&rest[..end])
}

/// Ed25519's OID (RFC 8410).
const ED25519_OID: &str = "1.3.101.112";

/// DER of an Ed25519 PKCS#8 v1 `PrivateKeyInfo` up to the 32 key bytes:
/// `SEQUENCE { INTEGER 0, SEQUENCE { OID 1.3.101.112 }, OCTET STRING { OCTET STRING (32) } }`.
const PKCS8_V1_PREFIX: [u8; 16] = [
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
];

/// DER of an Ed25519 SubjectPublicKeyInfo up to the 32 key bytes (RFC 8410 §4).
const SPKI_PREFIX: [u8; 12] = [
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
];

/// Names a public-key algorithm (and its curve, for elliptic-curve keys)
/// in words, for messages: `id-ecPublicKey (P-256)`, `rsaEncryption`, or
/// `algorithm 1.2.3.4` for one we do not know.
pub fn algorithm_name_from_oids(algorithm: &str, parameter: Option<&str>) -> String {
    let curve = |oid: &str| -> String {
        match oid {
            "1.2.840.10045.3.1.7" => "P-256".into(),
            "1.3.132.0.34" => "P-384".into(),
            "1.3.132.0.35" => "P-521".into(),
            "1.3.132.0.10" => "secp256k1".into(),
            "1.2.156.10197.1.301" => "SM2".into(),
            "1.3.36.3.3.2.8.1.1.7" => "brainpoolP256r1".into(),
            "1.3.36.3.3.2.8.1.1.11" => "brainpoolP384r1".into(),
            "1.3.36.3.3.2.8.1.1.13" => "brainpoolP512r1".into(),
            other => format!("curve {other}"),
        }
    };
    match algorithm {
        "1.3.101.112" => "Ed25519".into(),
        "1.3.101.113" => "Ed448".into(),
        "1.3.101.110" => "X25519".into(),
        "1.3.101.111" => "X448".into(),
        "1.2.840.10045.2.1" => match parameter {
            Some(p) => format!("id-ecPublicKey ({})", curve(p)),
            None => "id-ecPublicKey".into(),
        },
        "1.2.840.113549.1.1.1" => "rsaEncryption".into(),
        "1.2.840.113549.1.1.10" => "RSASSA-PSS".into(),
        "1.2.840.10040.4.1" => "DSA".into(),
        "1.2.156.10197.1.301" => "SM2".into(),
        other => format!("algorithm {other}"),
    }
}

fn algorithm_name(alg: &AlgorithmIdentifierRef<'_>) -> String {
    let parameter = alg.parameters_oid().ok().map(|o| o.to_string());
    algorithm_name_from_oids(&alg.oid.to_string(), parameter.as_deref())
}

/// The algorithm of a traditional `EC PRIVATE KEY` (SEC1, RFC 5915):
/// `SEQUENCE { INTEGER 1, OCTET STRING, [0] { OID curve } OPTIONAL, … }`.
fn sec1_algorithm(der: &[u8]) -> String {
    use ed25519_dalek::pkcs8::spki::der::asn1::{AnyRef, ObjectIdentifier};
    use ed25519_dalek::pkcs8::spki::der::{Decode, SliceReader, Tag, TagNumber, Tagged};
    let curve = (|| -> Option<String> {
        let outer = AnyRef::from_der(der).ok()?;
        if outer.tag() != Tag::Sequence {
            return None;
        }
        let mut r = SliceReader::new(outer.value()).ok()?;
        let _version = AnyRef::decode(&mut r).ok()?;
        let _key = AnyRef::decode(&mut r).ok()?;
        let params = AnyRef::decode(&mut r).ok()?;
        let expected = Tag::ContextSpecific {
            constructed: true,
            number: TagNumber::N0,
        };
        if params.tag() != expected {
            return None;
        }
        let oid = ObjectIdentifier::from_der(params.value()).ok()?;
        Some(oid.to_string())
    })();
    algorithm_name_from_oids("1.2.840.10045.2.1", curve.as_deref())
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

    /// What `openssl pkey` writes for the RFC 8032 test 1 key (checked with
    /// OpenSSL 3.0: `openssl pkey -inform DER` of the 48 bytes below, and
    /// `-pubout`).
    const OPENSSL_RFC8032_PRIVATE: &str = "-----BEGIN PRIVATE KEY-----\n\
        MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n\
        -----END PRIVATE KEY-----\n";
    const OPENSSL_RFC8032_PUBLIC: &str = "-----BEGIN PUBLIC KEY-----\n\
        MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n\
        -----END PUBLIC KEY-----\n";

    fn pem_of(label: &str, der: &[u8]) -> String {
        pem::encode_string(label, pem::LineEnding::LF, der).unwrap()
    }

    #[test]
    fn keys_are_written_as_openssl_writes_them() {
        let key = test_key();
        let pem_text = key.to_pkcs8_pem();
        assert_eq!(pem_text.as_str(), OPENSSL_RFC8032_PRIVATE);
        let (_, der) = pem::decode_vec(pem_text.as_bytes()).unwrap();
        assert_eq!(
            hex::encode(&der),
            format!("302e020100300506032b657004220420{RFC8032_SEED}"),
            "PKCS#8 version 1 (INTEGER 0), no attributes, no public key"
        );
        assert_eq!(key.public_key().to_pem(), OPENSSL_RFC8032_PUBLIC);
        assert_eq!(
            SecretKey::from_pkcs8_pem(OPENSSL_RFC8032_PRIVATE)
                .unwrap()
                .public_key(),
            key.public_key()
        );
        assert_eq!(
            PublicKey::from_pem(OPENSSL_RFC8032_PUBLIC).unwrap(),
            key.public_key()
        );
    }

    #[test]
    fn pkcs8_version_2_is_read_when_its_public_key_matches() {
        let key = test_key();
        let v2 = |public: &[u8; 32]| {
            let mut der = hex::decode(format!(
                "3051020101300506032b657004220420{RFC8032_SEED}812100"
            ))
            .unwrap();
            der.extend_from_slice(public);
            pem_of("PRIVATE KEY", &der)
        };
        // What this crate wrote before (ed25519-dalek's v2 encoding) reads back.
        {
            use ed25519_dalek::pkcs8::EncodePrivateKey;
            let old = key
                .inner
                .to_pkcs8_pem(pem::LineEnding::LF)
                .unwrap()
                .to_string();
            assert_eq!(old, v2(key.public_key().as_bytes()));
            assert_eq!(
                SecretKey::from_pkcs8_pem(&old).unwrap().public_key(),
                key.public_key()
            );
        }
        let other = SecretKey::from_seed(&[5; 32]).public_key();
        let e = SecretKey::from_pkcs8_pem(&v2(other.as_bytes())).unwrap_err();
        assert!(
            matches!(&e, KeyError::BadPrivateKey(m) if m.contains("not its private key's")),
            "{e}"
        );
        // A 31-byte private key, and one not wrapped in its inner OCTET STRING.
        let mut short =
            hex::decode(format!("302d020100300506032b65700421041f{RFC8032_SEED}")).unwrap();
        short.pop();
        assert!(matches!(
            SecretKey::from_pkcs8_pem(&pem_of("PRIVATE KEY", &short)),
            Err(KeyError::BadPrivateKey(_))
        ));
        let bare = hex::decode(format!("302c020100300506032b65700420{RFC8032_SEED}")).unwrap();
        assert!(matches!(
            SecretKey::from_pkcs8_pem(&pem_of("PRIVATE KEY", &bare)),
            Err(KeyError::BadPrivateKey(_))
        ));
        // Parameters after the Ed25519 OID (RFC 8410 §3: absent).
        let params = hex::decode(format!(
            "3030020100300706032b6570050004220420{RFC8032_SEED}"
        ))
        .unwrap();
        assert!(matches!(
            SecretKey::from_pkcs8_pem(&pem_of("PRIVATE KEY", &params)),
            Err(KeyError::BadPrivateKey(_))
        ));
    }

    // Keys of other algorithms, generated with OpenSSL 3.0 (`openssl genpkey
    // -algorithm EC -pkeyopt ec_paramgen_curve:P-256`, `-algorithm RSA
    // -pkeyopt rsa_keygen_bits:512`, `-algorithm ED448`; `openssl ec` for
    // the SEC1 form; `-pubout` for the public key). Test data only.
    const P256_PKCS8: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg4PynBz9TL6ao0PGx
2efc2Bet5/T4Pl2ORQlm5QWvfRChRANCAATVsI8SETwmEZE2Kvz00ZKQT9gPKOQI
fZ1yFMPFgvatwH36D4uB32eQWy5kjAxDXps7z1I+JGmJPxm7KxnVk8pV
-----END PRIVATE KEY-----
";
    const P256_SEC1: &str = "-----BEGIN EC PRIVATE KEY-----
MHcCAQEEIOD8pwc/Uy+mqNDxsdnn3NgXref0+D5djkUJZuUFr30QoAoGCCqGSM49
AwEHoUQDQgAE1bCPEhE8JhGRNir89NGSkE/YDyjkCH2dchTDxYL2rcB9+g+Lgd9n
kFsuZIwMQ16bO89SPiRpiT8ZuysZ1ZPKVQ==
-----END EC PRIVATE KEY-----
";
    const P256_PUBLIC: &str = "-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE1bCPEhE8JhGRNir89NGSkE/YDyjk
CH2dchTDxYL2rcB9+g+Lgd9nkFsuZIwMQ16bO89SPiRpiT8ZuysZ1ZPKVQ==
-----END PUBLIC KEY-----
";
    const RSA_PKCS8: &str = "-----BEGIN PRIVATE KEY-----
MIIBVgIBADANBgkqhkiG9w0BAQEFAASCAUAwggE8AgEAAkEAvGzQQLd1XQhBmnPz
JdI8eTS0efmNMLmefQG4NXsN4Q6Tw/JPTDanMjLkSAAjZ1ll67ZlxwbRea4yIx1d
OhfJWQIDAQABAkEAsyWp4r4KwgcliJoRZbY7dOndZdMUoGz6+NN3trFmgsBb1KNt
zlXYww17uZr0ymIWkB8A2tpcCk0nk7CB3ij44QIhAPFQD4N7TMU6skCu2GihWSsG
25VJ73sFkbmlhZJGUVwNAiEAx+SzKzEHb0VAJAqnTgZBCq0Fq4/nLrre9Xem1wMU
c30CIQCqVj4tLHr7ebxbxlACQ2qC4btcfS0rpLnB1uIbZ8GEfQIhAK/9ZtGMJSOO
MN6KkqpbT0B6/RcDZ2L5G/u6EKYVDBhxAiBI4nqZoaUcWut7cXkgfSZz9C73GLXV
azN0nCFMTTRmqQ==
-----END PRIVATE KEY-----
";
    const ED448_PKCS8: &str = "-----BEGIN PRIVATE KEY-----
MEcCAQAwBQYDK2VxBDsEOctXLz3ZdEXH4K2cDrgMIypOh/j1jMFqKunXIGUS4rid
UxbhJpAArBehs50BJfC7JWZoJ/DXdgh3qg==
-----END PRIVATE KEY-----
";

    #[test]
    fn keys_of_other_algorithms_are_named_as_found() {
        let cases = [
            (
                SecretKey::from_pkcs8_pem(P256_PKCS8).unwrap_err(),
                "id-ecPublicKey (P-256)",
            ),
            (
                SecretKey::from_pkcs8_pem(P256_SEC1).unwrap_err(),
                "id-ecPublicKey (P-256)",
            ),
            (
                SecretKey::from_pkcs8_pem(RSA_PKCS8).unwrap_err(),
                "rsaEncryption",
            ),
            (SecretKey::from_pkcs8_pem(ED448_PKCS8).unwrap_err(), "Ed448"),
            (
                PublicKey::from_pem(P256_PUBLIC).unwrap_err(),
                "id-ecPublicKey (P-256)",
            ),
            (
                SecretKey::from_pkcs8_pem(&pem_of("RSA PRIVATE KEY", &[0x30, 0x00])).unwrap_err(),
                "rsaEncryption",
            ),
        ];
        for (e, found) in cases {
            assert_eq!(
                e,
                KeyError::UnsupportedAlgorithm {
                    found: found.into()
                }
            );
            assert_eq!(
                e.to_string(),
                format!("the key is {found}, not Ed25519; elicense uses Ed25519 keys only")
            );
            assert_eq!(e.reason(), ReasonCode::KeyInvalid);
        }
        assert_eq!(
            algorithm_name_from_oids("1.2.840.10045.2.1", Some("1.3.132.0.34")),
            "id-ecPublicKey (P-384)"
        );
        assert_eq!(
            algorithm_name_from_oids("1.2.840.10045.2.1", Some("1.2.3")),
            "id-ecPublicKey (curve 1.2.3)"
        );
        assert_eq!(
            algorithm_name_from_oids("1.2.3.4", None),
            "algorithm 1.2.3.4"
        );
    }

    #[test]
    fn files_that_are_not_private_keys_say_what_they_are() {
        let says = |pem_text: &str, what: &str| match SecretKey::from_pkcs8_pem(pem_text) {
            Err(KeyError::BadPrivateKey(m)) => assert!(m.contains(what), "{m}"),
            other => panic!("{other:?}"),
        };
        says(
            &pem_of("ENCRYPTED PRIVATE KEY", &[0x30, 0x00]),
            "it is encrypted",
        );
        says(OPENSSL_RFC8032_PUBLIC, "it is a public key");
        says(&pem_of("CERTIFICATE", &[0x30, 0x00]), "it is a certificate");
        says(&pem_of("OPENSSH PRIVATE KEY", b"openssh-key-v1"), "OpenSSH");
        says(&pem_of("X", &[0x30, 0x00]), "labelled \"X\"");
        says(
            &pem_of("PRIVATE KEY", &[0x30, 0x00]),
            "not a PKCS#8 PrivateKeyInfo",
        );
        says("", "not PEM");
        match PublicKey::from_pem(OPENSSL_RFC8032_PRIVATE) {
            Err(KeyError::BadPublicKey(m)) => assert!(m.contains("\"PRIVATE KEY\""), "{m}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn text_around_the_pem_block_is_ignored_and_a_second_block_refused() {
        let key = test_key();
        let with_text = format!(
            "Ed25519 key for tests\r\n{}ED25519 Private-Key:\npriv: …\n",
            OPENSSL_RFC8032_PRIVATE.replace('\n', "\r\n")
        );
        assert_eq!(
            SecretKey::from_pkcs8_pem(&with_text).unwrap().public_key(),
            key.public_key()
        );
        let two = format!("{OPENSSL_RFC8032_PRIVATE}{OPENSSL_RFC8032_PRIVATE}");
        match SecretKey::from_pkcs8_pem(&two) {
            Err(KeyError::BadPrivateKey(m)) => {
                assert!(m.contains("more than one PEM block"), "{m}")
            }
            other => panic!("{other:?}"),
        }
        let public = format!("# public\n{OPENSSL_RFC8032_PUBLIC}\n");
        assert_eq!(PublicKey::from_pem(&public).unwrap(), key.public_key());
        for truncated in [
            "-----BEGIN PRIVATE KEY-----\nMC4CAQAw",
            "-----BEGIN PRIVATE KEY-----\nMC4CAQAw\n-----END PRIV",
            "no PEM here",
        ] {
            assert!(matches!(
                SecretKey::from_pkcs8_pem(truncated),
                Err(KeyError::BadPrivateKey(_))
            ));
        }
    }

    #[test]
    fn key_identifier_is_rfc7093_method_1() {
        // `echo <RFC8032_PUB> | xxd -r -p | sha256sum`, first 40 hex digits.
        assert_eq!(
            hex::encode(test_key().public_key().key_identifier()),
            "21fe31dfa154a261626bf854046fd2271b7bed4b"
        );
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

    /// A signature of `msg` under the key with `seed`, made by hand with a
    /// nonce point R = r·B + `torsion` (the identity gives an honest one).
    fn sign_with_torsion(
        seed: &[u8; 32],
        msg: &[u8],
        torsion: curve25519_dalek::edwards::EdwardsPoint,
    ) -> [u8; 64] {
        use curve25519_dalek::constants::ED25519_BASEPOINT_POINT;
        use curve25519_dalek::scalar::Scalar;
        use sha2::{Digest, Sha512};
        let h = Sha512::digest(seed);
        let mut a = [0u8; 32];
        a.copy_from_slice(&h[..32]);
        a[0] &= 248;
        a[31] &= 127;
        a[31] |= 64;
        let a = Scalar::from_bytes_mod_order(a);
        let public = (ED25519_BASEPOINT_POINT * a).compress();
        assert_eq!(
            public.as_bytes(),
            SecretKey::from_seed(seed).public_key().as_bytes()
        );
        let r = Scalar::from_bytes_mod_order_wide(&Sha512::digest(msg).into());
        let big_r = (ED25519_BASEPOINT_POINT * r + torsion).compress();
        let mut hram = Sha512::new();
        hram.update(big_r.as_bytes());
        hram.update(public.as_bytes());
        hram.update(msg);
        let k = Scalar::from_bytes_mod_order_wide(&hram.finalize().into());
        let s = r + k * a;
        let mut sig = [0u8; 64];
        sig[..32].copy_from_slice(big_r.as_bytes());
        sig[32..].copy_from_slice(s.as_bytes());
        sig
    }

    #[test]
    fn batch_accepts_good_signatures_and_refuses_any_bad_one() {
        let keys: Vec<SecretKey> = (1..=5u8).map(|i| SecretKey::from_seed(&[i; 32])).collect();
        let messages: Vec<Vec<u8>> = (0..40u8).map(|i| vec![i; 10 + i as usize]).collect();
        let signer = |i: usize| &keys[i % keys.len()];
        let mut sigs: Vec<[u8; 64]> = (0..messages.len())
            .map(|i| signer(i).sign_bytes(&messages[i]))
            .collect();
        let publics: Vec<PublicKey> = (0..messages.len())
            .map(|i| signer(i).public_key())
            .collect();
        let run = |sigs: &[[u8; 64]]| {
            let m: Vec<&[u8]> = messages.iter().map(|m| &m[..]).collect();
            let s: Vec<&[u8]> = sigs.iter().map(|s| &s[..]).collect();
            verify_batch(&m, &s, &publics)
        };
        assert_eq!(run(&sigs), Ok(()));
        // One altered signature fails the whole batch.
        sigs[17][40] ^= 0x01;
        assert_eq!(run(&sigs), Err(SignatureError::Invalid));
        sigs[17][40] ^= 0x01;
        // A signature under another key fails it too.
        sigs[3] = keys[4].sign_bytes(&messages[3]);
        assert_eq!(run(&sigs), Err(SignatureError::Invalid));
        sigs[3] = signer(3).sign_bytes(&messages[3]);
        assert_eq!(run(&sigs), Ok(()));
        // S + ℓ: refused before the equation, as by verify_strict.
        let mut carry = 0u16;
        for i in 0..32 {
            let v = sigs[9][32 + i] as u16 + ELL[i] as u16 + carry;
            sigs[9][32 + i] = v as u8;
            carry = v >> 8;
        }
        assert_eq!(run(&sigs), Err(SignatureError::NonCanonical));
        sigs[9] = signer(9).sign_bytes(&messages[9]);
        // Lengths must agree.
        let m: Vec<&[u8]> = messages.iter().map(|m| &m[..]).collect();
        let s: Vec<&[u8]> = sigs.iter().map(|s| &s[..]).collect();
        assert_eq!(
            verify_batch(&m[1..], &s, &publics),
            Err(SignatureError::Invalid)
        );
        let mut short = s.clone();
        short[0] = &sigs[0][..63];
        assert_eq!(
            verify_batch(&m, &short, &publics),
            Err(SignatureError::BadLength(63))
        );
        assert_eq!(verify_batch(&[], &[], &[]), Ok(()));
    }

    #[test]
    fn batch_refuses_non_canonical_and_small_order_r() {
        let key = test_key();
        let sig = key.sign_bytes(b"msg");
        let one = |sig: &[u8; 64]| verify_batch(&[b"msg"], &[&sig[..]], &[key.public_key()]);
        assert_eq!(one(&sig), Ok(()));
        // R = the identity (small order): refused, as by verify_strict.
        let mut small = sig;
        small[..32].copy_from_slice(&{
            let mut id = [0u8; 32];
            id[0] = 1;
            id
        });
        assert_eq!(one(&small), Err(SignatureError::Invalid));
        assert_eq!(
            key.public_key().verify_strict(b"msg", &small),
            Err(SignatureError::Invalid)
        );
        // A non-canonical encoding of R: y + p for a small y whose point is
        // on the curve and not of small order. It decodes, but is not how
        // that point encodes.
        let p_plus = |y: u8| {
            let mut b = [0xffu8; 32];
            b[0] = 0xed + y; // p = 2^255 - 19 = 0x7fff…ffed (little-endian)
            b[31] = 0x7f;
            b
        };
        let y = (2..19u8)
            .find(|&y| {
                curve25519_dalek::edwards::CompressedEdwardsY(p_plus(y))
                    .decompress()
                    .is_some_and(|pt| !pt.is_small_order())
            })
            .expect("some y < 19 lies on the curve");
        let mut non_canonical = sig;
        non_canonical[..32].copy_from_slice(&p_plus(y));
        assert_eq!(one(&non_canonical), Err(SignatureError::Invalid));
        assert_eq!(
            key.public_key().verify_strict(b"msg", &non_canonical),
            Err(SignatureError::Invalid)
        );
    }

    #[test]
    fn y_canonical_boundary() {
        let mut p = [0xffu8; 32];
        p[0] = 0xed;
        p[31] = 0x7f; // p itself
        assert!(!y_is_canonical(&p));
        p[31] = 0xff; // p with the sign bit set
        assert!(!y_is_canonical(&p));
        p[0] = 0xec; // p − 1, either sign
        assert!(y_is_canonical(&p));
        p[31] = 0x7f;
        assert!(y_is_canonical(&p));
        p[0] = 0xff; // 2^255 − 1
        assert!(!y_is_canonical(&p));
        p[15] = 0xfe;
        assert!(y_is_canonical(&p));
        assert!(y_is_canonical(&[0u8; 32]));
    }

    #[test]
    fn keys_outside_the_prime_order_subgroup_are_weak() {
        use curve25519_dalek::constants::EIGHT_TORSION;
        use curve25519_dalek::edwards::CompressedEdwardsY;
        let key = test_key().public_key();
        let point = CompressedEdwardsY(*key.as_bytes()).decompress().unwrap();
        for t in &EIGHT_TORSION[1..] {
            let mixed = (point + t).compress();
            assert_eq!(
                PublicKey::from_bytes(mixed.as_bytes()),
                Err(KeyError::WeakKey)
            );
            // verify_strict's own rule (small order only) lets it through.
            assert!(PublicKey::from_bytes_small_order_checked(mixed.as_bytes()).is_ok());
        }
        assert_eq!(PublicKey::from_bytes(key.as_bytes()), Ok(key));
    }

    /// The one documented disagreement: a signature whose R carries a
    /// small-order component, which only the key's holder can make. Strict
    /// verification refuses it every time; the batch equation cancels the
    /// component when the coefficient drawn for it is even (the order-2
    /// point), so some of these pass a batch. The coefficients are derived
    /// from the inputs, so the outcome for each message is fixed.
    #[test]
    fn torsion_in_r_is_refused_alone_and_can_pass_a_batch() {
        use curve25519_dalek::constants::EIGHT_TORSION;
        let seed = [9u8; 32];
        let public = SecretKey::from_seed(&seed).public_key();
        // The hand-made signer is right: with no torsion it verifies.
        let honest = sign_with_torsion(&seed, b"honest", EIGHT_TORSION[0]);
        assert_eq!(public.verify_strict(b"honest", &honest), Ok(()));
        let mut passed_batch = 0;
        for i in 0..16u8 {
            let msg = [b'm', i];
            let sig = sign_with_torsion(&seed, &msg, EIGHT_TORSION[4]);
            assert_eq!(
                public.verify_strict(&msg, &sig),
                Err(SignatureError::Invalid)
            );
            if verify_batch(&[&msg], &[&sig], &[public]).is_ok() {
                passed_batch += 1;
            }
        }
        assert!(
            (1..16).contains(&passed_batch),
            "{passed_batch} of 16 passed a batch"
        );
    }
}
