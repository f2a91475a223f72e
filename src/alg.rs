//! The algorithm layer: one table of the signature algorithms this profile
//! accepts, and the keys, signers and strict verification every artifact
//! and certificate goes through.
//!
//! | algorithm | COSE `alg` | key | SPKI algorithm (parameters) | X.509 signature | signature in COSE | strict rule | batch |
//! |---|---|---|---|---|---|---|---|
//! | EdDSA | -8 | Ed25519 | 1.3.101.112 | 1.3.101.112 | R ‖ S, 64 bytes | `verify_strict`, S < ℓ, key in the prime-order subgroup | yes |
//! | SM2-SM3 | [`COSE_ALG_SM2_SM3`] (private use) | SM2 (GB/T 32918) | 1.2.840.10045.2.1 (1.2.156.10197.1.301); also read: 1.2.156.10197.1.301 | 1.2.156.10197.1.501 | r ‖ s, 64 bytes (GB/T 35276) | r, s ∈ [1, n − 1]; distinguishing identifier `1234567812345678` | no |
//! | ES256 | -7 | P-256 | 1.2.840.10045.2.1 (1.2.840.10045.3.1.7) | 1.2.840.10045.4.3.2 | r ‖ s, 64 bytes (RFC 9053) | r, s ∈ [1, n − 1]; high S accepted | no |
//!
//! [`Algorithm::spec`] gives the row of the table; the envelope, the
//! certificate profile (`pki`) and chain validation read it from there.
//!
//! * [`SecretKey`] holds a key of any of the three algorithms. It moves in
//!   and out as PKCS#8 PEM as OpenSSL writes it (Ed25519: version 1, RFC
//!   8410; EC keys: RFC 5915 inside PKCS#8 with the curve as parameter),
//!   and is never printed by `Debug`.
//! * [`PublicKey`] carries its algorithm; [`PublicKey::verify`] is the one
//!   place where signatures are checked, with the strict rule of its row.
//! * [`Signer`] is the signing abstraction: a local [`SecretKey`], or a key
//!   in an HSM or KMS.
//!
//! Ed25519 goes through `ed25519-dalek` (`alg::ed25519`, the only module
//! that uses it); SM2 and P-256 through RustCrypto's `sm2` and `p256`
//! crates. **Those two crates have not been independently audited**, and
//! `sm2` 0.13's signing key does not zeroize its scalar on drop (our own
//! copies of key material are zeroized).
//!
//! SM2 signatures here are GB/T 32918.2 signatures with the default
//! distinguishing identifier of GB/T 35276 ([`SM2_DISTID`]) over SM3, as
//! OpenSSL 3 makes them with `-sigopt distid:1234567812345678`.

use core::fmt;

use sm2::pkcs8;
use sm2::pkcs8::der::pem;
use sm2::pkcs8::spki::{AlgorithmIdentifierRef, SubjectPublicKeyInfoRef};
use sm2::pkcs8::PrivateKeyInfo;
use thiserror::Error;
use zeroize::Zeroizing;

use crate::ReasonCode;

mod ec;
mod ed25519;

pub use ec::{der_to_raw, raw_to_der, SM2_DISTID};

/// The COSE algorithm identifier this profile gives SM2 with SM3. IANA has
/// registered none; this one is from the range RFC 9053 §16.4 reserves for
/// private use (values below -65536). docs/FORMAT.md §3 documents it.
pub const COSE_ALG_SM2_SM3: i64 = -65_601;

/// A signature algorithm of this profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[non_exhaustive]
pub enum Algorithm {
    /// EdDSA over Ed25519 (COSE `alg` -8, RFC 9053 §2.2).
    #[serde(rename = "EdDSA")]
    EdDsa,
    /// SM2 with SM3 (GB/T 32918.2, GB/T 32905, GB/T 35276).
    #[serde(rename = "SM2-SM3")]
    Sm2Sm3,
    /// ECDSA over P-256 with SHA-256 (COSE `alg` -7, RFC 9053 §2.1).
    #[serde(rename = "ES256")]
    Es256,
}

/// One row of the algorithm table.
#[derive(Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct AlgorithmSpec {
    /// The algorithm.
    pub algorithm: Algorithm,
    /// Its name on every boundary: `EdDSA`, `SM2-SM3`, `ES256`.
    pub name: &'static str,
    /// The COSE `alg` value.
    pub cose_id: i64,
    /// The key type: `Ed25519`, `SM2`, `P-256`.
    pub key_type: &'static str,
    /// The SubjectPublicKeyInfo algorithm OID.
    pub spki_oid: &'static str,
    /// Its parameter (the named curve), if any.
    pub spki_curve_oid: Option<&'static str>,
    /// The X.509 signature algorithm OID of certificates signed with this key.
    pub x509_signature_oid: &'static str,
    /// DER content of the SPKI AlgorithmIdentifier (OIDs, no outer SEQUENCE).
    pub spki_algorithm_der: &'static [u8],
    /// DER content of the X.509 signature AlgorithmIdentifier.
    pub x509_signature_der: &'static [u8],
    /// Signature length in COSE, bytes.
    pub signature_len: usize,
    /// Raw public key length (the subjectPublicKey BIT STRING's value).
    pub public_key_len: usize,
    /// The strict verification rule, in words.
    pub strict_rule: &'static str,
    /// Whether bulk verification batches signatures.
    pub batch: bool,
}

const OID_ED25519: &[u8] = &[0x06, 0x03, 0x2b, 0x65, 0x70];
const OID_EC_PUBLIC_KEY_P256: &[u8] = &[
    0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d,
    0x03, 0x01, 0x07,
];
const OID_EC_PUBLIC_KEY_SM2: &[u8] = &[
    0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x81, 0x1c, 0xcf, 0x55,
    0x01, 0x82, 0x2d,
];
const OID_SM3_WITH_SM2: &[u8] = &[0x06, 0x08, 0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x83, 0x75];
const OID_ECDSA_SHA256: &[u8] = &[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02];

/// The SM2 curve OID used as the key algorithm itself (GmSSL and some
/// vendors write SubjectPublicKeyInfo this way): read, never written.
pub const OID_SM2_AS_KEY_ALGORITHM_DER: &[u8] =
    &[0x06, 0x08, 0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x82, 0x2d];

/// The table, in the order of [`Algorithm::ALL`].
const TABLE: [AlgorithmSpec; 3] = [
    AlgorithmSpec {
        algorithm: Algorithm::EdDsa,
        name: "EdDSA",
        cose_id: -8,
        key_type: "Ed25519",
        spki_oid: "1.3.101.112",
        spki_curve_oid: None,
        x509_signature_oid: "1.3.101.112",
        spki_algorithm_der: OID_ED25519,
        x509_signature_der: OID_ED25519,
        signature_len: 64,
        public_key_len: 32,
        strict_rule: "RFC 8032 verify_strict: S < ℓ, R and A not of small order, A in the prime-order subgroup",
        batch: true,
    },
    AlgorithmSpec {
        algorithm: Algorithm::Sm2Sm3,
        name: "SM2-SM3",
        cose_id: COSE_ALG_SM2_SM3,
        key_type: "SM2",
        spki_oid: "1.2.840.10045.2.1",
        spki_curve_oid: Some("1.2.156.10197.1.301"),
        x509_signature_oid: "1.2.156.10197.1.501",
        spki_algorithm_der: OID_EC_PUBLIC_KEY_SM2,
        x509_signature_der: OID_SM3_WITH_SM2,
        signature_len: 64,
        public_key_len: ec::POINT_LEN,
        strict_rule: "GB/T 32918.2 §7: r, s in [1, n-1], t = r + s ≠ 0, distinguishing identifier 1234567812345678",
        batch: false,
    },
    AlgorithmSpec {
        algorithm: Algorithm::Es256,
        name: "ES256",
        cose_id: -7,
        key_type: "P-256",
        spki_oid: "1.2.840.10045.2.1",
        spki_curve_oid: Some("1.2.840.10045.3.1.7"),
        x509_signature_oid: "1.2.840.10045.4.3.2",
        spki_algorithm_der: OID_EC_PUBLIC_KEY_P256,
        x509_signature_der: OID_ECDSA_SHA256,
        signature_len: 64,
        public_key_len: ec::POINT_LEN,
        strict_rule: "FIPS 186-5 ECDSA: r, s in [1, n-1]; high S accepted",
        batch: false,
    },
];

impl Algorithm {
    /// Every algorithm of the profile.
    pub const ALL: [Algorithm; 3] = [Algorithm::EdDsa, Algorithm::Sm2Sm3, Algorithm::Es256];

    /// The row of the algorithm table.
    pub const fn spec(self) -> &'static AlgorithmSpec {
        match self {
            Algorithm::EdDsa => &TABLE[0],
            Algorithm::Sm2Sm3 => &TABLE[1],
            Algorithm::Es256 => &TABLE[2],
        }
    }

    /// The COSE algorithm identifier.
    pub const fn cose_id(self) -> i64 {
        self.spec().cose_id
    }

    /// The algorithm with this COSE identifier, if the profile accepts it.
    pub fn from_cose_id(id: i64) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.cose_id() == id)
    }

    /// The name on every boundary: `EdDSA`, `SM2-SM3`, `ES256`.
    pub const fn name(self) -> &'static str {
        self.spec().name
    }

    /// The algorithm of this name (as [`Algorithm::name`] spells it, or
    /// the CLI's `ed25519`, `sm2`, `es256`), case-insensitive.
    pub fn from_name(name: &str) -> Option<Self> {
        let n = name.to_ascii_lowercase();
        match n.as_str() {
            "eddsa" | "ed25519" => Some(Algorithm::EdDsa),
            "sm2-sm3" | "sm2" => Some(Algorithm::Sm2Sm3),
            "es256" | "p-256" | "p256" => Some(Algorithm::Es256),
            _ => None,
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Errors reading, writing or using keys.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyError {
    /// The PEM text is not a PKCS#8 private key of this profile.
    #[error("the key is not a PKCS#8 PEM private key of Ed25519, SM2 or P-256: {0}")]
    BadPrivateKey(String),
    /// The PEM text is not a SubjectPublicKeyInfo of this profile.
    #[error("the key is not a PEM public key of Ed25519, SM2 or P-256: {0}")]
    BadPublicKey(String),
    /// A well-formed key of another algorithm, named as found (e.g.
    /// `id-ecPublicKey (P-384)`, `rsaEncryption`).
    #[error("the key is {found}; elicense uses Ed25519, SM2 and P-256 keys only")]
    UnsupportedAlgorithm {
        /// The algorithm found, in words (with its parameters when they
        /// name a curve).
        found: String,
    },
    /// Raw public key bytes do not decode to a curve point (not on the
    /// curve, the identity, a compressed or wrong-length encoding).
    #[error("the public key bytes are not a valid point of the key's curve")]
    BadPoint,
    /// An Ed25519 public key of small order, or with a small-order
    /// component (outside the prime-order subgroup, which no honestly
    /// generated key leaves).
    #[error(
        "the public key is a weak Ed25519 point (small order, or outside the prime-order subgroup)"
    )]
    WeakKey,
    /// A private scalar of zero or not below the group order.
    #[error("the private key is not a valid scalar of its curve")]
    BadScalar,
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
    /// A DER `SEQUENCE { r, s }` where COSE requires the 64-byte `r ‖ s`.
    #[error("the signature is DER-encoded; COSE requires the 64-byte r ‖ s form")]
    DerInCose,
    /// A DER signature (X.509, an HSM) that is not a strict
    /// `SEQUENCE { r INTEGER, s INTEGER }` of 32-byte values.
    #[error("the DER signature is malformed")]
    Malformed,
    /// Ed25519: S ≥ ℓ, a malleable signature (RFC 8032 §5.1.7).
    #[error("the signature's S value is not reduced modulo the group order")]
    NonCanonical,
    /// SM2 or ECDSA: r or s is 0 or not below the group order n.
    #[error("the signature's r or s is zero or not below the group order")]
    OutOfRange,
    /// The signature does not verify.
    #[error("the signature does not verify")]
    Invalid,
    /// The envelope's `alg` is not the algorithm of the signer
    /// certificate's key (key confusion is refused, never tried).
    #[error("the header's alg is {header}, but the signer's key is {key_type} ({key})", key_type = key.spec().key_type)]
    AlgorithmMismatch {
        /// The `alg` of the protected header.
        header: Algorithm,
        /// The algorithm of the key.
        key: Algorithm,
    },
}

impl SignatureError {
    /// The stable reason code for this error.
    pub fn reason(&self) -> ReasonCode {
        match self {
            SignatureError::NonCanonical => ReasonCode::SignatureNonCanonical,
            SignatureError::AlgorithmMismatch { .. } => ReasonCode::AlgKeyMismatch,
            _ => ReasonCode::SignatureInvalid,
        }
    }
}

/// The error for a signature of the wrong length: a DER signature is named.
fn length_error(signature: &[u8]) -> SignatureError {
    if signature.first() == Some(&0x30) && der_to_raw(signature).is_ok() {
        SignatureError::DerInCose
    } else {
        SignatureError::BadLength(signature.len())
    }
}

/// Errors from a [`Signer`].
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[error("the signer failed: {0}")]
pub struct SignerError(pub String);

/// A secret key of one of the profile's algorithms: never printed, written
/// as PKCS#8 the way OpenSSL writes it.
#[derive(Clone)]
pub struct SecretKey {
    inner: Secret,
}

#[derive(Clone)]
enum Secret {
    Ed25519(ed25519_dalek::SigningKey),
    Sm2(Box<sm2::dsa::SigningKey>),
    P256(p256::ecdsa::SigningKey),
}

impl SecretKey {
    /// Generates a new key of `algorithm` from the operating system's random
    /// number generator.
    #[cfg(feature = "issuer")]
    pub fn generate(algorithm: Algorithm) -> Result<Self, KeyError> {
        loop {
            let mut bytes = Zeroizing::new([0u8; 32]);
            getrandom::getrandom(bytes.as_mut()).map_err(|e| KeyError::Random(e.to_string()))?;
            match Self::from_bytes(algorithm, &bytes) {
                // A scalar of zero or ≥ n: about 2^-32 for SM2 and P-256; draw again.
                Err(KeyError::BadScalar) => continue,
                other => return other,
            }
        }
    }

    /// An Ed25519 key from its 32-byte seed (RFC 8032 private key).
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        Self {
            inner: Secret::Ed25519(ed25519::signing_key(seed)),
        }
    }

    /// A key of `algorithm` from 32 bytes: the Ed25519 seed, or the SM2 or
    /// P-256 private scalar (big-endian, in [1, n − 1], else
    /// [`KeyError::BadScalar`]).
    pub fn from_bytes(algorithm: Algorithm, bytes: &[u8; 32]) -> Result<Self, KeyError> {
        let inner = match algorithm {
            Algorithm::EdDsa => Secret::Ed25519(ed25519::signing_key(bytes)),
            Algorithm::Sm2Sm3 => {
                let secret = sm2::SecretKey::from_slice(bytes).map_err(|_| KeyError::BadScalar)?;
                Secret::Sm2(Box::new(sm2_signing_key(&secret)?))
            }
            Algorithm::Es256 => Secret::P256(
                p256::ecdsa::SigningKey::from_slice(bytes).map_err(|_| KeyError::BadScalar)?,
            ),
        };
        Ok(Self { inner })
    }

    /// The key's algorithm.
    pub fn algorithm(&self) -> Algorithm {
        match self.inner {
            Secret::Ed25519(_) => Algorithm::EdDsa,
            Secret::Sm2(_) => Algorithm::Sm2Sm3,
            Secret::P256(_) => Algorithm::Es256,
        }
    }

    /// Reads a PKCS#8 PEM ("PRIVATE KEY") key of any of the three
    /// algorithms, or a traditional SEC1 `EC PRIVATE KEY` of SM2 or P-256.
    ///
    /// * Ed25519: version 1 (RFC 8410 §7, as OpenSSL writes it) or version 2
    ///   (with the public key, which must then match the private key).
    /// * SM2 and P-256: `id-ecPublicKey` with the named curve as parameter
    ///   (as `openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:…`
    ///   writes it); a public key it carries must match.
    ///
    /// A key of another algorithm is refused as
    /// [`KeyError::UnsupportedAlgorithm`] naming the algorithm found; an
    /// encrypted PKCS#8 key, a public key or a certificate is refused as
    /// [`KeyError::BadPrivateKey`] saying what it is.
    pub fn from_pkcs8_pem(pem_text: &str) -> Result<Self, KeyError> {
        let bad = |m: &str| KeyError::BadPrivateKey(m.to_owned());
        let block = single_pem_block(pem_text).map_err(KeyError::BadPrivateKey)?;
        let (label, der) = pem::decode_vec(block.as_bytes())
            .map_err(|e| KeyError::BadPrivateKey(format!("not PEM: {e}")))?;
        let der = Zeroizing::new(der);
        match label {
            "PRIVATE KEY" => Self::from_pkcs8_der(&der),
            "EC PRIVATE KEY" => Self::from_sec1_der(&der),
            "RSA PRIVATE KEY" => Err(KeyError::UnsupportedAlgorithm {
                found: "rsaEncryption".into(),
            }),
            "DSA PRIVATE KEY" => Err(KeyError::UnsupportedAlgorithm {
                found: "DSA".into(),
            }),
            "ENCRYPTED PRIVATE KEY" => {
                Err(bad("it is encrypted (PKCS#8 EncryptedPrivateKeyInfo); \
                 decrypt it first (`openssl pkey -in KEY -out PLAIN.pem`)"))
            }
            "OPENSSH PRIVATE KEY" => Err(bad("it is an OpenSSH private key, not PKCS#8")),
            "PUBLIC KEY" => Err(bad("it is a public key, not a private key")),
            "CERTIFICATE" => Err(bad("it is a certificate, not a private key")),
            other => Err(KeyError::BadPrivateKey(format!(
                "the PEM block is labelled {other:?}, not \"PRIVATE KEY\""
            ))),
        }
    }

    /// Reads a DER PKCS#8 `PrivateKeyInfo` (see [`SecretKey::from_pkcs8_pem`]).
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, KeyError> {
        let bad = |m: &str| KeyError::BadPrivateKey(m.to_owned());
        let info = PrivateKeyInfo::try_from(der)
            .map_err(|e| KeyError::BadPrivateKey(format!("not a PKCS#8 PrivateKeyInfo: {e}")))?;
        match key_algorithm(&info.algorithm)? {
            Algorithm::EdDsa => {
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
            Algorithm::Sm2Sm3 => {
                use pkcs8::DecodePrivateKey as _;
                let secret = sm2::SecretKey::from_pkcs8_der(der)
                    .map_err(|e| KeyError::BadPrivateKey(format!("not an SM2 private key: {e}")))?;
                Ok(Self {
                    inner: Secret::Sm2(Box::new(sm2_signing_key(&secret)?)),
                })
            }
            Algorithm::Es256 => {
                use pkcs8::DecodePrivateKey as _;
                let secret = p256::SecretKey::from_pkcs8_der(der).map_err(|e| {
                    KeyError::BadPrivateKey(format!("not a P-256 private key: {e}"))
                })?;
                Ok(Self {
                    inner: Secret::P256(secret.into()),
                })
            }
        }
    }

    /// Reads a traditional SEC1 `ECPrivateKey` (RFC 5915) of SM2 or P-256,
    /// named by its curve parameter.
    fn from_sec1_der(der: &[u8]) -> Result<Self, KeyError> {
        let curve = sec1_curve(der);
        match curve.as_deref() {
            Some("1.2.156.10197.1.301") => {
                let secret = sm2::SecretKey::from_sec1_der(der).map_err(|e| {
                    KeyError::BadPrivateKey(format!("not an SM2 EC PRIVATE KEY: {e}"))
                })?;
                Ok(Self {
                    inner: Secret::Sm2(Box::new(sm2_signing_key(&secret)?)),
                })
            }
            Some("1.2.840.10045.3.1.7") => {
                let secret = p256::SecretKey::from_sec1_der(der).map_err(|e| {
                    KeyError::BadPrivateKey(format!("not a P-256 EC PRIVATE KEY: {e}"))
                })?;
                Ok(Self {
                    inner: Secret::P256(secret.into()),
                })
            }
            _ => Err(KeyError::UnsupportedAlgorithm {
                found: algorithm_name_from_oids("1.2.840.10045.2.1", curve.as_deref()),
            }),
        }
    }

    /// Writes the key as PKCS#8 PEM, as OpenSSL writes it: for Ed25519 the
    /// 48-byte version 1 `PrivateKeyInfo` of RFC 8410 §7; for SM2 and P-256
    /// `id-ecPublicKey` with the named curve and an RFC 5915 `ECPrivateKey`
    /// holding the public key. The returned string is zeroized on drop.
    pub fn to_pkcs8_pem(&self) -> Zeroizing<String> {
        let der = self.to_pkcs8_der();
        Zeroizing::new(
            pem::encode_string("PRIVATE KEY", pem::LineEnding::LF, &der)
                // A few hundred bytes always fit a PEM document.
                .expect("PEM encoding of a private key"),
        )
    }

    /// The DER PKCS#8 `PrivateKeyInfo` (see [`SecretKey::to_pkcs8_pem`]),
    /// zeroized on drop.
    pub fn to_pkcs8_der(&self) -> Zeroizing<Vec<u8>> {
        use pkcs8::EncodePrivateKey as _;
        match &self.inner {
            Secret::Ed25519(k) => {
                let mut der = Zeroizing::new(Vec::with_capacity(48));
                der.extend_from_slice(&ed25519::PKCS8_V1_PREFIX);
                der.extend_from_slice(k.as_bytes());
                der
            }
            Secret::Sm2(k) => {
                let secret = sm2::SecretKey::from(k.as_nonzero_scalar());
                Zeroizing::new(
                    secret
                        .to_pkcs8_der()
                        .expect("an SM2 key encodes")
                        .as_bytes()
                        .to_vec(),
                )
            }
            Secret::P256(k) => {
                let secret = p256::SecretKey::from(k.as_nonzero_scalar());
                Zeroizing::new(
                    secret
                        .to_pkcs8_der()
                        .expect("a P-256 key encodes")
                        .as_bytes()
                        .to_vec(),
                )
            }
        }
    }

    /// The matching public key.
    pub fn public_key(&self) -> PublicKey {
        let inner = match &self.inner {
            Secret::Ed25519(k) => Key::Ed25519(k.verifying_key()),
            Secret::Sm2(k) => {
                let key = k.verifying_key().clone();
                let sec1 = point(&key.to_sec1_bytes());
                Key::Sm2(Box::new((key, sec1)))
            }
            Secret::P256(k) => {
                let key = *k.verifying_key();
                let sec1 = point(key.to_encoded_point(false).as_bytes());
                Key::P256(Box::new((key, sec1)))
            }
        };
        PublicKey { inner }
    }

    /// Signs `message`, returning the 64-byte signature as COSE carries it
    /// (Ed25519 R ‖ S; SM2 and ES256 r ‖ s). Deterministic for all three
    /// (RFC 8032; RFC 6979 nonces).
    pub fn sign_bytes(&self, message: &[u8]) -> [u8; 64] {
        match &self.inner {
            Secret::Ed25519(k) => ed25519::sign(k, message),
            Secret::Sm2(k) => ec::sm2_sign(k, message),
            Secret::P256(k) => ec::p256_sign(k, message),
        }
    }
}

fn sm2_signing_key(secret: &sm2::SecretKey) -> Result<sm2::dsa::SigningKey, KeyError> {
    sm2::dsa::SigningKey::new(SM2_DISTID, secret).map_err(|_| KeyError::BadScalar)
}

/// A 65-byte uncompressed point (the crates always give one).
fn point(sec1: &[u8]) -> [u8; ec::POINT_LEN] {
    sec1.try_into().expect("an uncompressed 256-bit point")
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretKey")
            .field("public", &self.public_key())
            .finish_non_exhaustive()
    }
}

/// A public (verifying) key of one of the profile's algorithms.
#[derive(Clone)]
pub struct PublicKey {
    inner: Key,
}

#[derive(Clone)]
enum Key {
    Ed25519(ed25519_dalek::VerifyingKey),
    Sm2(Box<(sm2::dsa::VerifyingKey, [u8; ec::POINT_LEN])>),
    P256(Box<(p256::ecdsa::VerifyingKey, [u8; ec::POINT_LEN])>),
}

impl PartialEq for PublicKey {
    fn eq(&self, other: &Self) -> bool {
        self.algorithm() == other.algorithm() && self.as_bytes() == other.as_bytes()
    }
}
impl Eq for PublicKey {}

impl PublicKey {
    /// The key's algorithm.
    pub fn algorithm(&self) -> Algorithm {
        match self.inner {
            Key::Ed25519(_) => Algorithm::EdDsa,
            Key::Sm2(_) => Algorithm::Sm2Sm3,
            Key::P256(_) => Algorithm::Es256,
        }
    }

    /// Reads the raw key of `algorithm`: 32 bytes for Ed25519 (a point of
    /// small order or outside the prime-order subgroup is
    /// [`KeyError::WeakKey`]), the 65-byte uncompressed point for SM2 and
    /// P-256 (not on the curve, the identity or compressed:
    /// [`KeyError::BadPoint`]).
    pub fn from_raw(algorithm: Algorithm, bytes: &[u8]) -> Result<Self, KeyError> {
        let inner = match algorithm {
            Algorithm::EdDsa => Key::Ed25519(ed25519::public_key(bytes)?),
            Algorithm::Sm2Sm3 => Key::Sm2(Box::new((ec::sm2_public_key(bytes)?, point(bytes)))),
            Algorithm::Es256 => Key::P256(Box::new((ec::p256_public_key(bytes)?, point(bytes)))),
        };
        Ok(Self { inner })
    }

    /// An Ed25519 key from its 32 raw bytes ([`PublicKey::from_raw`]).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, KeyError> {
        Self::from_raw(Algorithm::EdDsa, bytes)
    }

    /// Reads a DER SubjectPublicKeyInfo, its algorithm named by its OIDs
    /// (the table's SPKI columns; an SM2 key may also carry the SM2 OID as
    /// its algorithm, as GmSSL writes it). Another algorithm is
    /// [`KeyError::UnsupportedAlgorithm`] naming it.
    pub fn from_spki_der(der: &[u8]) -> Result<Self, KeyError> {
        let spki = SubjectPublicKeyInfoRef::try_from(der)
            .map_err(|e| KeyError::BadPublicKey(format!("not a SubjectPublicKeyInfo: {e}")))?;
        let algorithm = key_algorithm(&spki.algorithm).map_err(|e| match e {
            KeyError::BadPrivateKey(m) => KeyError::BadPublicKey(m),
            other => other,
        })?;
        let bytes = spki
            .subject_public_key
            .as_bytes()
            .ok_or_else(|| KeyError::BadPublicKey("the key's BIT STRING has unused bits".into()))?;
        Self::from_raw(algorithm, bytes)
    }

    /// Reads a PEM SubjectPublicKeyInfo ("PUBLIC KEY").
    pub fn from_pem(pem_text: &str) -> Result<Self, KeyError> {
        let block = single_pem_block(pem_text).map_err(KeyError::BadPublicKey)?;
        let (label, der) = pem::decode_vec(block.as_bytes())
            .map_err(|e| KeyError::BadPublicKey(format!("not PEM: {e}")))?;
        if label != "PUBLIC KEY" {
            return Err(KeyError::BadPublicKey(format!(
                "the PEM block is labelled {label:?}, not \"PUBLIC KEY\""
            )));
        }
        Self::from_spki_der(&der)
    }

    /// The DER SubjectPublicKeyInfo (RFC 8410 §4 for Ed25519; RFC 5480
    /// with the named curve for SM2 and P-256).
    pub fn to_spki_der(&self) -> Vec<u8> {
        match &self.inner {
            Key::Ed25519(k) => {
                let mut der = Vec::with_capacity(44);
                der.extend_from_slice(&ed25519::SPKI_PREFIX);
                der.extend_from_slice(k.as_bytes());
                der
            }
            Key::Sm2(_) | Key::P256(_) => {
                let alg = self.algorithm().spec().spki_algorithm_der;
                let mut der = Vec::with_capacity(91);
                der.extend_from_slice(&[0x30, 0x59, 0x30, alg.len() as u8]);
                der.extend_from_slice(alg);
                der.extend_from_slice(&[0x03, 0x42, 0x00]);
                der.extend_from_slice(self.as_bytes());
                der
            }
        }
    }

    /// Writes the key as a PEM SubjectPublicKeyInfo.
    pub fn to_pem(&self) -> String {
        pem::encode_string("PUBLIC KEY", pem::LineEnding::LF, &self.to_spki_der())
            .expect("PEM encoding of a public key")
    }

    /// The RFC 7093 (method 1) key identifier: the leftmost 160 bits of the
    /// SHA-256 hash of the subjectPublicKey BIT STRING's value (the raw key
    /// bytes). Certificates carry it as their Subject Key Identifier, and as
    /// the Authority Key Identifier of those they issue (docs/FORMAT.md §5).
    pub fn key_identifier(&self) -> [u8; 20] {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(self.as_bytes());
        let mut id = [0u8; 20];
        id.copy_from_slice(&digest[..20]);
        id
    }

    /// The raw key bytes: 32 for Ed25519, the 65-byte uncompressed point
    /// for SM2 and P-256.
    pub fn as_bytes(&self) -> &[u8] {
        match &self.inner {
            Key::Ed25519(k) => k.as_bytes(),
            Key::Sm2(k) => &k.1,
            Key::P256(k) => &k.1,
        }
    }

    /// Verifies `signature` (the 64-byte COSE form) over `message` with the
    /// strict rule of the key's algorithm (see the [module table](self)).
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), SignatureError> {
        match &self.inner {
            Key::Ed25519(k) => ed25519::verify(k, message, signature),
            Key::Sm2(k) => ec::sm2_verify(&k.0, message, signature),
            Key::P256(k) => ec::p256_verify(&k.0, message, signature),
        }
    }

    /// The Ed25519 key, for batch verification.
    fn ed25519(&self) -> Option<&ed25519_dalek::VerifyingKey> {
        match &self.inner {
            Key::Ed25519(k) => Some(k),
            _ => None,
        }
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({} ", self.algorithm())?;
        for b in self.as_bytes() {
            write!(f, "{b:02x}")?;
        }
        write!(f, ")")
    }
}

/// Verifies many signatures at once, accepting exactly when every
/// `signatures[i]` is a valid signature of `messages[i]` under `keys[i]`
/// (with overwhelming probability). Every key must be of an algorithm with
/// batch verification (Ed25519, [`AlgorithmSpec::batch`]); any other is
/// an `Err`. On `Err`, verify the signatures one by one with
/// [`PublicKey::verify`] to find the bad one (the verifier does exactly
/// that, so a batch never changes a report). See `alg::ed25519` for the
/// equation and the one kind of signature on which batch and single
/// verification can differ.
pub fn verify_batch(
    messages: &[&[u8]],
    signatures: &[&[u8]],
    keys: &[&PublicKey],
) -> Result<(), SignatureError> {
    let keys: Vec<&ed25519_dalek::VerifyingKey> = keys
        .iter()
        .map(|k| k.ed25519().ok_or(SignatureError::Invalid))
        .collect::<Result<_, _>>()?;
    ed25519::verify_batch(messages, signatures, &keys)
}

/// Verifies a certificate's signature (X.509: DER `r, s` for SM2 and
/// ECDSA, 64 bytes for Ed25519) by the issuer key `spki_key` (the raw
/// subjectPublicKey) of `algorithm`, for chain validation. An Ed25519
/// issuer key is checked only against small order here: it was read with
/// [`PublicKey::from_raw`] (prime-order subgroup) when its certificate
/// entered a trust store or list.
pub(crate) fn verify_certificate_signature(
    algorithm: Algorithm,
    spki_key: &[u8],
    message: &[u8],
    signature: &[u8],
) -> Result<(), SignatureError> {
    match algorithm {
        Algorithm::EdDsa => {
            let key = ed25519::public_key_small_order_checked(spki_key)
                .map_err(|_| SignatureError::Invalid)?;
            ed25519::verify(&key, message, signature)
        }
        Algorithm::Sm2Sm3 | Algorithm::Es256 => {
            let raw = der_to_raw(signature)?;
            let key =
                PublicKey::from_raw(algorithm, spki_key).map_err(|_| SignatureError::Invalid)?;
            key.verify(message, &raw)
        }
    }
}

/// Checks that `header` (a COSE `alg`) is the algorithm of `key`, then
/// verifies `signature` (COSE form) over `message` under it.
pub fn verify_as(
    header: Algorithm,
    key: &PublicKey,
    message: &[u8],
    signature: &[u8],
) -> Result<(), SignatureError> {
    if header != key.algorithm() {
        return Err(SignatureError::AlgorithmMismatch {
            header,
            key: key.algorithm(),
        });
    }
    key.verify(message, signature)
}

/// The 64-byte COSE form of a signature returned by a signer for `key`: as
/// is when it is 64 bytes, converted when an SM2 or ECDSA signer answered
/// with DER (as many HSMs do).
pub fn signature_for_cose(key: &PublicKey, signature: &[u8]) -> Result<[u8; 64], SignatureError> {
    match (key.algorithm(), signature.len()) {
        (_, 64) => Ok(signature.try_into().expect("64 bytes")),
        (Algorithm::Sm2Sm3 | Algorithm::Es256, _) if signature.first() == Some(&0x30) => {
            der_to_raw(signature)
        }
        (_, n) => Err(SignatureError::BadLength(n)),
    }
}

/// Something that signs: a local key, or a key in an HSM or KMS.
///
/// `sign` receives the exact bytes to be signed (the COSE `Sig_structure`,
/// or a certificate's TBSCertificate) and returns the signature of
/// [`Signer::algorithm`]: 64 bytes (R ‖ S or r ‖ s). An HSM that returns
/// a DER `SEQUENCE { r, s }` for SM2 or ECDSA is accepted too; artifacts
/// convert it ([`der_to_raw`]). Artifacts check the returned signature
/// against [`Signer::public_key`] before using it, so a faulty signer can
/// never produce a bad artifact.
pub trait Signer: Send + Sync {
    /// The public half of the key.
    fn public_key(&self) -> PublicKey;
    /// The algorithm of the key (that of its public key).
    fn algorithm(&self) -> Algorithm {
        self.public_key().algorithm()
    }
    /// Signs `to_be_signed`.
    fn sign(&self, to_be_signed: &[u8]) -> Result<Vec<u8>, SignerError>;
}

impl Signer for SecretKey {
    fn public_key(&self) -> PublicKey {
        SecretKey::public_key(self)
    }
    fn algorithm(&self) -> Algorithm {
        SecretKey::algorithm(self)
    }
    fn sign(&self, to_be_signed: &[u8]) -> Result<Vec<u8>, SignerError> {
        Ok(self.sign_bytes(to_be_signed).to_vec())
    }
}

/// The profile algorithm of a key's AlgorithmIdentifier, or the error
/// naming what it is.
fn key_algorithm(alg: &AlgorithmIdentifierRef<'_>) -> Result<Algorithm, KeyError> {
    let oid = alg.oid.to_string();
    let parameter = alg.parameters_oid().ok().map(|o| o.to_string());
    match (oid.as_str(), parameter.as_deref()) {
        ("1.3.101.112", _) if alg.parameters.is_some() => Err(KeyError::BadPrivateKey(
            "the Ed25519 algorithm identifier has parameters (RFC 8410 §3: absent)".into(),
        )),
        ("1.3.101.112", None) => Ok(Algorithm::EdDsa),
        ("1.2.840.10045.2.1", Some("1.2.156.10197.1.301")) => Ok(Algorithm::Sm2Sm3),
        ("1.2.156.10197.1.301", _) => Ok(Algorithm::Sm2Sm3),
        ("1.2.840.10045.2.1", Some("1.2.840.10045.3.1.7")) => Ok(Algorithm::Es256),
        _ => Err(KeyError::UnsupportedAlgorithm {
            found: algorithm_name(alg),
        }),
    }
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

/// The curve OID of a traditional `EC PRIVATE KEY` (SEC1, RFC 5915):
/// `SEQUENCE { INTEGER 1, OCTET STRING, [0] { OID curve } OPTIONAL, … }`.
fn sec1_curve(der: &[u8]) -> Option<String> {
    use pkcs8::der::asn1::{AnyRef, ObjectIdentifier};
    use pkcs8::der::{Decode, SliceReader, Tag, TagNumber, Tagged};
    (|| -> Option<String> {
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
    })()
}

#[cfg(test)]
mod tests;
