//! The two elliptic-curve algorithms: SM2 with SM3 (GB/T 32918.2, GB/T
//! 35276) and ECDSA P-256 with SHA-256 (ES256, FIPS 186-5), through the
//! RustCrypto `sm2` and `p256` crates.
//!
//! Both have 32-byte scalars, 64-byte `r ‖ s` signatures in COSE (RFC 9053
//! §2.1; GB/T 35276 for SM2) and DER `SEQUENCE { r INTEGER, s INTEGER }` in
//! X.509 and from most HSMs. Public keys are uncompressed SEC1 points
//! (`04 ‖ x ‖ y`, 65 bytes); the identity and points not on the curve are
//! refused when a key is read.

use super::{KeyError, SignatureError};

/// The SM2 distinguishing identifier every signature of this profile uses:
/// the default of GB/T 35276-2017 §5.3 (`1234567812345678`). It enters the
/// signature through Z = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xA ‖ yA)
/// (GB/T 32918.2 §5.5); a signature made with another identifier does not
/// verify.
pub const SM2_DISTID: &str = "1234567812345678";

/// Length of an uncompressed SEC1 point of a 256-bit curve.
pub(super) const POINT_LEN: usize = 65;

/// An SM2 verifying key (with Z computed for [`SM2_DISTID`]).
pub(super) fn sm2_public_key(sec1: &[u8]) -> Result<sm2::dsa::VerifyingKey, KeyError> {
    check_uncompressed(sec1)?;
    sm2::dsa::VerifyingKey::from_sec1_bytes(SM2_DISTID, sec1).map_err(|_| KeyError::BadPoint)
}

/// A P-256 verifying key.
pub(super) fn p256_public_key(sec1: &[u8]) -> Result<p256::ecdsa::VerifyingKey, KeyError> {
    check_uncompressed(sec1)?;
    p256::ecdsa::VerifyingKey::from_sec1_bytes(sec1).map_err(|_| KeyError::BadPoint)
}

/// Keys are written uncompressed everywhere in this profile (as OpenSSL
/// writes them); a compressed point or the identity (`00`) is refused.
fn check_uncompressed(sec1: &[u8]) -> Result<(), KeyError> {
    match sec1 {
        [0x04, rest @ ..] if rest.len() == POINT_LEN - 1 => Ok(()),
        _ => Err(KeyError::BadPoint),
    }
}

/// Verifies an SM2 signature (`r ‖ s`, 64 bytes) over `message` with the
/// default distinguishing identifier: r and s in [1, n − 1] (GB/T 32918.2
/// §7.1 B1–B2), t = r + s ≠ 0, and R = e + x₁ (B7).
pub(super) fn sm2_verify(
    key: &sm2::dsa::VerifyingKey,
    message: &[u8],
    signature: &[u8],
) -> Result<(), SignatureError> {
    use sm2::dsa::signature::Verifier as _;
    let sig = sm2::dsa::Signature::from_slice(fixed(signature)?)
        .map_err(|_| SignatureError::OutOfRange)?;
    key.verify(message, &sig)
        .map_err(|_| SignatureError::Invalid)
}

/// Verifies an ES256 signature (`r ‖ s`, 64 bytes): r and s in [1, n − 1].
/// A high-S signature (s > n/2) is accepted: ECDSA signatures are
/// malleable by nature, other ecosystems (the EU Digital COVID Certificate
/// among them) produce both forms, and nothing in this profile takes a
/// signature's bytes for an identifier. Ours are always low-S.
pub(super) fn p256_verify(
    key: &p256::ecdsa::VerifyingKey,
    message: &[u8],
    signature: &[u8],
) -> Result<(), SignatureError> {
    use p256::ecdsa::signature::Verifier as _;
    let sig = p256::ecdsa::Signature::from_slice(fixed(signature)?)
        .map_err(|_| SignatureError::OutOfRange)?;
    key.verify(message, &sig)
        .map_err(|_| SignatureError::Invalid)
}

/// The 64 bytes of an `r ‖ s` signature; a DER signature where `r ‖ s` is
/// required is named as such.
fn fixed(signature: &[u8]) -> Result<&[u8], SignatureError> {
    if signature.len() == 64 {
        Ok(signature)
    } else {
        Err(super::length_error(signature))
    }
}

/// Signs with SM2 (deterministic nonce, RFC 6979 over SM3 as the `sm2`
/// crate does), returning `r ‖ s`.
pub(super) fn sm2_sign(key: &sm2::dsa::SigningKey, message: &[u8]) -> [u8; 64] {
    use sm2::dsa::signature::Signer as _;
    let sig: sm2::dsa::Signature = key.sign(message);
    sig.to_bytes()
}

/// Signs with ES256 (deterministic nonce, RFC 6979), returning `r ‖ s`
/// with s normalised to the lower half.
pub(super) fn p256_sign(key: &p256::ecdsa::SigningKey, message: &[u8]) -> [u8; 64] {
    use p256::ecdsa::signature::Signer as _;
    let sig: p256::ecdsa::Signature = key.sign(message);
    let sig = sig.normalize_s().unwrap_or(sig);
    sig.to_bytes().into()
}

/// Converts a DER `ECDSA-Sig-Value` / `SM2Signature`
/// (`SEQUENCE { r INTEGER, s INTEGER }`, strict DER: minimal, positive
/// integers of at most 32 significant bytes) to the 64-byte `r ‖ s` form.
/// Anything else, or trailing bytes, is [`SignatureError::Malformed`].
pub fn der_to_raw(der: &[u8]) -> Result<[u8; 64], SignatureError> {
    let bad = SignatureError::Malformed;
    let body = match der {
        [0x30, len, body @ ..] if usize::from(*len) == body.len() && *len < 0x80 => body,
        _ => return Err(bad),
    };
    let (r, rest) = der_uint(body).ok_or(bad)?;
    let (s, rest) = der_uint(rest).ok_or(bad)?;
    if !rest.is_empty() {
        return Err(bad);
    }
    let mut out = [0u8; 64];
    out[32 - r.len()..32].copy_from_slice(r);
    out[64 - s.len()..].copy_from_slice(s);
    Ok(out)
}

/// One DER INTEGER holding a positive value of at most 32 bytes, without
/// its sign octet; and the bytes after it.
fn der_uint(input: &[u8]) -> Option<(&[u8], &[u8])> {
    let [0x02, len, rest @ ..] = input else {
        return None;
    };
    let len = usize::from(*len);
    if len == 0 || len > 33 || rest.len() < len {
        return None;
    }
    let (value, rest) = rest.split_at(len);
    // Negative numbers, and non-minimal encodings, are not DER of r or s.
    if value[0] & 0x80 != 0 {
        return None;
    }
    let value = match value {
        [0x00, next, ..] if next & 0x80 != 0 => &value[1..],
        [0x00, ..] if value.len() > 1 => return None,
        v => v,
    };
    (value.len() <= 32).then_some((value, rest))
}

/// The DER form of a 64-byte `r ‖ s` signature (for X.509).
pub fn raw_to_der(raw: &[u8; 64]) -> Vec<u8> {
    fn int(out: &mut Vec<u8>, v: &[u8]) {
        let v = match v.iter().position(|&b| b != 0) {
            Some(i) => &v[i..],
            None => &[0][..],
        };
        out.push(0x02);
        if v[0] & 0x80 != 0 {
            out.push(v.len() as u8 + 1);
            out.push(0);
        } else {
            out.push(v.len() as u8);
        }
        out.extend_from_slice(v);
    }
    let mut body = Vec::with_capacity(70);
    int(&mut body, &raw[..32]);
    int(&mut body, &raw[32..]);
    let mut out = Vec::with_capacity(body.len() + 2);
    out.push(0x30);
    out.push(body.len() as u8);
    out.extend_from_slice(&body);
    out
}
