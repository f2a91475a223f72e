//! Ed25519 (RFC 8032) under this profile's strict rules: keys in the
//! prime-order subgroup, `verify_strict` with S reduced, PKCS#8 version 1 as
//! OpenSSL writes it, and batch verification for bulk work.
//!
//! This is the only module (with its tests) that uses `ed25519-dalek` and
//! `curve25519-dalek`; everything else goes through [`super::PublicKey`] and
//! [`super::SecretKey`].

use ed25519_dalek::{Signature, SigningKey, VerifyingKey};

use super::{KeyError, SignatureError};

/// DER of an Ed25519 PKCS#8 v1 `PrivateKeyInfo` up to the 32 key bytes:
/// `SEQUENCE { INTEGER 0, SEQUENCE { OID 1.3.101.112 }, OCTET STRING { OCTET STRING (32) } }`.
pub(super) const PKCS8_V1_PREFIX: [u8; 16] = [
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
];

/// DER of an Ed25519 SubjectPublicKeyInfo up to the 32 key bytes (RFC 8410 §4).
pub(super) const SPKI_PREFIX: [u8; 12] = [
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
];

/// The signing key of a 32-byte seed (RFC 8032 private key).
pub(super) fn signing_key(seed: &[u8; 32]) -> SigningKey {
    SigningKey::from_bytes(seed)
}

/// Signs `message` (pure Ed25519).
pub(super) fn sign(key: &SigningKey, message: &[u8]) -> [u8; 64] {
    use ed25519_dalek::Signer as _;
    key.sign(message).to_bytes()
}

/// Reads 32 raw bytes. A point of small order, or with a small-order
/// component (outside the prime-order subgroup), is refused as
/// [`KeyError::WeakKey`].
///
/// `verify_strict` itself refuses only small-order keys. Refusing every key
/// with a torsion component as well costs one scalar multiplication per key
/// read, and makes [`verify_batch`] agree with strict verification on every
/// key a verifier can hold.
pub(super) fn public_key(bytes: &[u8]) -> Result<VerifyingKey, KeyError> {
    let key = public_key_small_order_checked(bytes)?;
    if !key.to_edwards().is_torsion_free() {
        return Err(KeyError::WeakKey);
    }
    Ok(key)
}

/// Reads 32 raw bytes, refusing only small-order points: the rule of
/// `verify_strict`. Used where a key is used once for a single strict
/// verification (certificate signatures during chain validation, whose
/// issuer keys were read with [`public_key`] already).
pub(super) fn public_key_small_order_checked(bytes: &[u8]) -> Result<VerifyingKey, KeyError> {
    let arr: &[u8; 32] = bytes.try_into().map_err(|_| KeyError::BadPoint)?;
    let inner = VerifyingKey::from_bytes(arr).map_err(|_| KeyError::BadPoint)?;
    if inner.is_weak() {
        return Err(KeyError::WeakKey);
    }
    Ok(inner)
}

/// Strict verification: S must be reduced and the cofactorless equation
/// must hold (`verify_strict`). The key was checked not to be of small
/// order when it was read.
pub(super) fn verify(
    key: &VerifyingKey,
    message: &[u8],
    signature: &[u8],
) -> Result<(), SignatureError> {
    let sig: &[u8; 64] = signature
        .try_into()
        .map_err(|_| super::length_error(signature))?;
    if !scalar_is_canonical(sig[32..].try_into().expect("32-byte half")) {
        return Err(SignatureError::NonCanonical);
    }
    key.verify_strict(message, &Signature::from_bytes(sig))
        .map_err(|_| SignatureError::Invalid)
}

/// Verifies many Ed25519 signatures at once, accepting exactly when every
/// `signatures[i]` is a valid signature of `messages[i]` under `keys[i]`
/// (with overwhelming probability; see below). On `Err`, at least one
/// signature is bad but the error does not say which: verify them one by
/// one with [`super::PublicKey::verify`] to find out (the verifier does
/// exactly that, so a batch never changes a report).
///
/// Each signature first passes the encoding checks of `verify_strict`:
/// S < ℓ ([`SignatureError::NonCanonical`]), and R the canonical encoding
/// of a point that is not of small order ([`SignatureError::Invalid`]).
/// Keys were checked when read ([`public_key`]: prime-order subgroup). Then one equation checks them all, with 128-bit coefficients
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
    keys: &[&VerifyingKey],
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
            key_points.push(keys[i].to_edwards());
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
pub(super) fn y_is_canonical(p: &[u8; 32]) -> bool {
    // y ≥ p exactly when bits 8..254 are all ones and the low byte ≥ 0xed.
    !(p[31] & 0x7f == 0x7f && p[1..31].iter().all(|&b| b == 0xff) && p[0] >= 0xed)
}

/// The Ed25519 group order ℓ = 2^252 + 27742317777372353535851937790883648493, little-endian.
pub(super) const ELL: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];

/// True when the little-endian scalar `s` is < ℓ.
pub(super) fn scalar_is_canonical(s: &[u8; 32]) -> bool {
    for i in (0..32).rev() {
        match s[i].cmp(&ELL[i]) {
            core::cmp::Ordering::Less => return true,
            core::cmp::Ordering::Greater => return false,
            core::cmp::Ordering::Equal => {}
        }
    }
    false // s == ℓ
}
