//! Certificate creation (feature `issuer`): region roots, federation roots
//! and authority certificates of the profile (docs/FORMAT.md §5), in any of
//! the three algorithms, and mixed (an SM2 root certifies an Ed25519
//! authority, and so on).
//!
//! The TBSCertificate is written here as DER with the `der` crate: one
//! builder for all three algorithms. rcgen (used before) cannot sign with
//! SM2. RustCrypto's `x509-cert` 0.2 builder wants a `signature::Keypair`
//! signer rather than our `&dyn Signer`, writes SHA-1 key identifiers in
//! its profiles instead of RFC 7093's, and its `const-oid` 0.9 holds 32-bit
//! arcs only, so our `2.25.<UUID>` OIDs ([`super::oid::ARC`]) would go in as
//! raw bytes anyway. The `der` crate is already in the tree (through `sm2`,
//! `p256` and `pkcs8`): this builder adds no dependency.
//!
//! What goes into every certificate comes from the algorithm table
//! ([`Algorithm::spec`]): the SubjectPublicKeyInfo of the subject's key
//! ([`PublicKey::to_spki_der`]) and the signature AlgorithmIdentifier of
//! the issuer's key, parameters absent for all three (RFC 8410 §3 for
//! Ed25519, RFC 5758 §3.2 for ecdsa-with-SHA256, and for SM3withSM2 as
//! OpenSSL 3 writes it). The signature value is the 64-byte Ed25519
//! signature, or for SM2 and ECDSA the DER `SEQUENCE { r, s }` (GM/T 0015,
//! RFC 5758); an SM2 signature is made with the default distinguishing
//! identifier [`crate::alg::SM2_DISTID`].
//!
//! Signing goes through [`Signer`], so a root key can live in an HSM: its
//! signature may come back as `r ‖ s` or DER, and is checked under the
//! issuer's key before the certificate is returned, so a faulty signer can
//! never produce a certificate that does not verify.

use core::time::Duration;

use der::asn1::{
    AnyRef, BitStringRef, GeneralizedTime, OctetStringRef, PrintableStringRef, UintRef, UtcTime,
    Utf8StringRef,
};
use der::{DateTime, Encode, Tag, TagNumber};

use super::{oid, Certificate, PkiError, Usage};
use crate::alg::{Algorithm, PublicKey, Signer};
use crate::identifiers::{CreditCode, RegionCode};

/// Parameters of a region root CA.
#[derive(Clone, Debug)]
pub struct RegionRootParams {
    /// The region's GB/T 2260 code.
    pub region: RegionCode,
    /// The root's common name, e.g. "上海市电子证照根CA".
    pub name: String,
    /// Start of validity (Unix seconds, from 1970).
    pub not_before: i64,
    /// End of validity (Unix seconds, up to the year 9999).
    pub not_after: i64,
    /// Certificate serial number (up to 20 bytes). `None`, the normal case,
    /// draws 16 random bytes; a fixed value is for reproducible tests.
    pub serial_number: Option<Vec<u8>>,
}

/// Parameters of a federation root: the national hub's self-signed CA, whose
/// key signs the federation trust list of region roots.
#[derive(Clone, Debug)]
pub struct FederationRootParams {
    /// The federation's common name, e.g. "全国一体化政务服务平台电子证照信任根".
    pub name: String,
    /// Start of validity (Unix seconds, from 1970).
    pub not_before: i64,
    /// End of validity (Unix seconds, up to the year 9999).
    pub not_after: i64,
    /// Certificate serial number; `None` draws 16 random bytes.
    pub serial_number: Option<Vec<u8>>,
}

/// Parameters of an authority certificate.
#[derive(Clone, Debug)]
pub struct AuthorityParams {
    /// The authority's name (common name and organisation).
    pub name: String,
    /// The authority's unified social credit code (organizationIdentifier).
    pub credit_code: CreditCode,
    /// What it may sign.
    pub usages: Vec<Usage>,
    /// Start of validity (Unix seconds, from 1970).
    pub not_before: i64,
    /// End of validity (Unix seconds, up to the year 9999).
    pub not_after: i64,
    /// Certificate serial number (up to 20 bytes). `None`, the normal case,
    /// draws 16 random bytes; a fixed value is for reproducible tests.
    pub serial_number: Option<Vec<u8>>,
}

// --- DER writing --------------------------------------------------------

fn encoding_error(e: der::Error) -> PkiError {
    PkiError::Create(format!("DER encoding: {e}"))
}

/// One TLV: `tag`, the DER length of `content`, `content`.
fn tlv(tag: Tag, content: &[u8]) -> Result<Vec<u8>, PkiError> {
    AnyRef::new(tag, content)
        .and_then(|any| any.to_der())
        .map_err(encoding_error)
}

/// A SEQUENCE of already encoded elements.
fn sequence(elements: &[&[u8]]) -> Result<Vec<u8>, PkiError> {
    tlv(Tag::Sequence, &elements.concat())
}

/// Context-specific tag `[n]`, constructed (EXPLICIT) or primitive
/// (IMPLICIT of a primitive type).
fn context(number: TagNumber, constructed: bool, content: &[u8]) -> Result<Vec<u8>, PkiError> {
    tlv(
        Tag::ContextSpecific {
            constructed,
            number,
        },
        content,
    )
}

/// An OBJECT IDENTIFIER from its content octets (our arcs do not fit the
/// `der` crate's `ObjectIdentifier`, whose arcs are 32-bit).
fn oid(content: &[u8]) -> Result<Vec<u8>, PkiError> {
    tlv(Tag::ObjectIdentifier, content)
}

fn encode<T: Encode>(value: Result<T, der::Error>) -> Result<Vec<u8>, PkiError> {
    value.and_then(|v| v.to_der()).map_err(encoding_error)
}

/// An AlgorithmIdentifier from its DER content (the OID, no parameters:
/// the algorithm table's `x509_signature_der`).
fn algorithm_identifier(content: &[u8]) -> Result<Vec<u8>, PkiError> {
    tlv(Tag::Sequence, content)
}

// Attribute types (X.520) and extensions (RFC 5280 §4.2.1), content octets.
const OID_COUNTRY_NAME: &[u8] = &[0x55, 0x04, 0x06];
const OID_ORGANIZATION_NAME: &[u8] = &[0x55, 0x04, 0x0a];
const OID_COMMON_NAME: &[u8] = &[0x55, 0x04, 0x03];
const OID_ORGANIZATION_IDENTIFIER: &[u8] = &[0x55, 0x04, 0x61];
const OID_SUBJECT_DIRECTORY_ATTRIBUTES: &[u8] = &[0x55, 0x1d, 0x09];
const OID_SUBJECT_KEY_IDENTIFIER: &[u8] = &[0x55, 0x1d, 0x0e];
const OID_KEY_USAGE: &[u8] = &[0x55, 0x1d, 0x0f];
const OID_BASIC_CONSTRAINTS: &[u8] = &[0x55, 0x1d, 0x13];
const OID_AUTHORITY_KEY_IDENTIFIER: &[u8] = &[0x55, 0x1d, 0x23];
const OID_EXTENDED_KEY_USAGE: &[u8] = &[0x55, 0x1d, 0x25];

/// An attribute value of a distinguished name.
#[derive(Clone, Copy)]
enum DnValue<'a> {
    /// PrintableString (countryName, X.520 / RFC 5280 Appendix A).
    Printable(&'a str),
    /// UTF8String (names and the credit code).
    Utf8(&'a str),
}

/// `Name ::= SEQUENCE OF SET { SEQUENCE { type, value } }`, one attribute per RDN.
fn name(attributes: &[(&[u8], DnValue<'_>)]) -> Result<Vec<u8>, PkiError> {
    let mut rdns = Vec::new();
    for (attribute, value) in attributes {
        let value = match value {
            DnValue::Printable(s) => encode(PrintableStringRef::new(*s))?,
            DnValue::Utf8(s) => encode(Utf8StringRef::new(*s))?,
        };
        let atv = sequence(&[&oid(attribute)?, &value])?;
        rdns.extend_from_slice(&tlv(Tag::Set, &atv)?);
    }
    tlv(Tag::Sequence, &rdns)
}

/// The subject of a root: `C=CN, CN=<name>`.
fn root_name(common_name: &str) -> Result<Vec<u8>, PkiError> {
    name(&[
        (OID_COUNTRY_NAME, DnValue::Printable("CN")),
        (OID_COMMON_NAME, DnValue::Utf8(common_name)),
    ])
}

/// `Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }`.
fn extension(id: &[u8], critical: bool, value: &[u8]) -> Result<Vec<u8>, PkiError> {
    let id = oid(id)?;
    let value = encode(OctetStringRef::new(value))?;
    if critical {
        sequence(&[&id, &[0x01, 0x01, 0xff], &value])
    } else {
        sequence(&[&id, &value])
    }
}

/// keyUsage (critical) with the named bits set (0 digitalSignature,
/// 5 keyCertSign, 6 cRLSign), trailing zero bits dropped as DER requires.
fn key_usage(bits: &[u8]) -> Result<Vec<u8>, PkiError> {
    let byte = bits.iter().fold(0u8, |acc, bit| acc | (0x80 >> bit));
    let unused = byte.trailing_zeros().min(7) as u8;
    let value = encode(BitStringRef::new(unused, &[byte]))?;
    extension(OID_KEY_USAGE, true, &value)
}

const DIGITAL_SIGNATURE: u8 = 0;
const KEY_CERT_SIGN: u8 = 5;
const CRL_SIGN: u8 = 6;

/// basicConstraints (critical): `cA TRUE, pathLenConstraint 0`, or the empty
/// SEQUENCE (cA FALSE, the DEFAULT, is not written in DER).
fn basic_constraints(ca: bool) -> Result<Vec<u8>, PkiError> {
    let value: &[u8] = if ca {
        &[0x30, 0x06, 0x01, 0x01, 0xff, 0x02, 0x01, 0x00]
    } else {
        &[0x30, 0x00]
    };
    extension(OID_BASIC_CONSTRAINTS, true, value)
}

/// subjectKeyIdentifier (not critical): `KeyIdentifier ::= OCTET STRING`.
fn subject_key_identifier(id: &[u8]) -> Result<Vec<u8>, PkiError> {
    extension(
        OID_SUBJECT_KEY_IDENTIFIER,
        false,
        &encode(OctetStringRef::new(id))?,
    )
}

/// authorityKeyIdentifier (not critical): `SEQUENCE { [0] keyIdentifier }`.
fn authority_key_identifier(id: &[u8]) -> Result<Vec<u8>, PkiError> {
    let value = sequence(&[&context(TagNumber::N0, false, id)?])?;
    extension(OID_AUTHORITY_KEY_IDENTIFIER, false, &value)
}

/// Subject Directory Attributes (not critical):
/// `SEQUENCE { SEQUENCE { regionCode OID, SET { PrintableString } } }`.
fn region_extension(region: &RegionCode) -> Result<Vec<u8>, PkiError> {
    let value = tlv(Tag::Set, &encode(PrintableStringRef::new(region.as_str()))?)?;
    let attribute = sequence(&[&oid(&oid::ATTR_REGION_CODE_DER)?, &value])?;
    extension(
        OID_SUBJECT_DIRECTORY_ATTRIBUTES,
        false,
        &sequence(&[&attribute])?,
    )
}

/// `ExtKeyUsageSyntax ::= SEQUENCE OF KeyPurposeId`, not critical (RFC 5280 allows either).
fn eku_extension(usages: &[Usage]) -> Result<Vec<u8>, PkiError> {
    let mut purposes = Vec::new();
    for u in usages {
        purposes.extend_from_slice(&oid(u.oid_der())?);
    }
    extension(
        OID_EXTENDED_KEY_USAGE,
        false,
        &tlv(Tag::Sequence, &purposes)?,
    )
}

/// A validity time: UTCTime through 2049, GeneralizedTime from 2050 (RFC
/// 5280 §4.1.2.5).
fn time(unix: i64, field: &str) -> Result<Vec<u8>, PkiError> {
    let out_of_range = || PkiError::Create(format!("{field} is out of range (1970 to 9999)"));
    let seconds = u64::try_from(unix).map_err(|_| out_of_range())?;
    let at =
        DateTime::from_unix_duration(Duration::from_secs(seconds)).map_err(|_| out_of_range())?;
    if at.year() <= UtcTime::MAX_YEAR {
        encode(UtcTime::from_date_time(at))
    } else {
        encode(Ok(GeneralizedTime::from_date_time(at)))
    }
}

/// The serial number's content: a fixed one (1 to 20 bytes, positive, not
/// zero; leading zero bytes are dropped, as DER requires), or 16 random
/// bytes.
fn serial(fixed: Option<&[u8]>) -> Result<Vec<u8>, PkiError> {
    let bytes = match fixed {
        Some(bytes) => {
            // RFC 5280 §4.1.2.2: a positive integer of at most 20 octets.
            if bytes.is_empty()
                || bytes.len() > 20
                || bytes[0] & 0x80 != 0
                || bytes.iter().all(|b| *b == 0)
            {
                return Err(PkiError::Create(
                    "a serial number must be 1 to 20 bytes, positive and not zero".into(),
                ));
            }
            bytes.to_vec()
        }
        None => {
            let mut bytes = [0u8; 16];
            getrandom::getrandom(&mut bytes)
                .map_err(|e| PkiError::Create(format!("random serial: {e}")))?;
            bytes[0] &= 0x7f; // positive INTEGER
            bytes[0] |= 0x01; // no leading zero byte to strip
            bytes.to_vec()
        }
    };
    encode(UintRef::new(&bytes))
}

fn check_window(not_before: i64, not_after: i64) -> Result<(), PkiError> {
    if not_after <= not_before {
        return Err(PkiError::Create(
            "not_after must be later than not_before".into(),
        ));
    }
    Ok(())
}

// --- The certificate ----------------------------------------------------

/// The fields of a TBSCertificate (RFC 5280 §4.1), each already DER.
struct Tbs {
    serial: Vec<u8>,
    issuer: Vec<u8>,
    not_before: Vec<u8>,
    not_after: Vec<u8>,
    subject: Vec<u8>,
    spki: Vec<u8>,
    extensions: Vec<Vec<u8>>,
}

impl Tbs {
    /// The TBSCertificate with `signature_algorithm` (a DER
    /// AlgorithmIdentifier): version 3, serial, signature, issuer,
    /// validity, subject, subjectPublicKeyInfo, `[3]` extensions.
    fn to_der(&self, signature_algorithm: &[u8]) -> Result<Vec<u8>, PkiError> {
        let version = context(TagNumber::N0, true, &[0x02, 0x01, 0x02])?;
        let validity = sequence(&[&self.not_before, &self.not_after])?;
        let extensions = context(
            TagNumber::N3,
            true,
            &tlv(Tag::Sequence, &self.extensions.concat())?,
        )?;
        sequence(&[
            &version,
            &self.serial,
            signature_algorithm,
            &self.issuer,
            &validity,
            &self.subject,
            &self.spki,
            &extensions,
        ])
    }
}

/// `Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING }`.
fn certificate_der(
    tbs: &[u8],
    signature_algorithm: &[u8],
    signature_value: &[u8],
) -> Result<Vec<u8>, PkiError> {
    let value = encode(BitStringRef::new(0, signature_value))?;
    sequence(&[tbs, signature_algorithm, &value])
}

/// The X.509 signatureValue of `signature` (from `signer`, over `tbs`): the
/// 64 bytes for Ed25519, DER `SEQUENCE { r, s }` for SM2 and ECDSA. The
/// signer's answer may be `r ‖ s` or DER; it must verify under the
/// signer's public key.
fn x509_signature(key: &PublicKey, tbs: &[u8], signature: &[u8]) -> Result<Vec<u8>, PkiError> {
    let raw = crate::alg::signature_for_cose(key, signature)
        .map_err(|e| PkiError::Create(format!("the signer's answer is not a signature: {e}")))?;
    key.verify(tbs, &raw).map_err(|e| {
        PkiError::Create(format!(
            "the signer's signature does not verify under its public key ({e})"
        ))
    })?;
    Ok(match key.algorithm() {
        Algorithm::EdDsa => raw.to_vec(),
        Algorithm::Sm2Sm3 | Algorithm::Es256 => crate::alg::raw_to_der(&raw),
    })
}

/// Signs `tbs` with `signer` (the issuer's key) and returns the parsed
/// certificate, whose signature has been checked as chain validation
/// checks it.
fn sign(tbs: &Tbs, signer: &dyn Signer) -> Result<Certificate, PkiError> {
    let key = signer.public_key();
    let algorithm = key.algorithm();
    let signature_algorithm = algorithm_identifier(algorithm.spec().x509_signature_der)?;
    let tbs_der = tbs.to_der(&signature_algorithm)?;
    let answer = signer
        .sign(&tbs_der)
        .map_err(|e| PkiError::Create(e.to_string()))?;
    let value = x509_signature(&key, &tbs_der, &answer)?;
    crate::alg::verify_certificate_signature(algorithm, key.as_bytes(), &tbs_der, &value)
        .map_err(|e| PkiError::Create(format!("the certificate's signature: {e}")))?;
    Certificate::from_der(&certificate_der(&tbs_der, &signature_algorithm, &value)?)
}

/// A self-signed CA with path length 0: the shape of region and federation roots.
fn self_signed_ca(
    key: &dyn Signer,
    common_name: &str,
    (not_before, not_after): (i64, i64),
    serial_number: Option<&[u8]>,
    key_usages: &[u8],
    region: Option<&RegionCode>,
) -> Result<Certificate, PkiError> {
    check_window(not_before, not_after)?;
    let public = key.public_key();
    let subject = root_name(common_name)?;
    let mut extensions = vec![
        key_usage(key_usages)?,
        subject_key_identifier(&public.key_identifier())?,
        basic_constraints(true)?,
    ];
    if let Some(region) = region {
        extensions.push(region_extension(region)?);
    }
    let tbs = Tbs {
        serial: serial(serial_number)?,
        issuer: subject.clone(),
        not_before: time(not_before, "not_before")?,
        not_after: time(not_after, "not_after")?,
        subject,
        spki: public.to_spki_der(),
        extensions,
    };
    sign(&tbs, key)
}

/// Creates a self-signed region root CA (path length 0) carrying its region
/// code, in the algorithm of `key`.
pub fn create_region_root(
    key: &dyn Signer,
    params: &RegionRootParams,
) -> Result<Certificate, PkiError> {
    self_signed_ca(
        key,
        &params.name,
        (params.not_before, params.not_after),
        params.serial_number.as_deref(),
        // digitalSignature: the root also signs its region's trust list.
        &[KEY_CERT_SIGN, CRL_SIGN, DIGITAL_SIGNATURE],
        Some(&params.region),
    )
}

/// Creates a self-signed federation root (CA, path length 0, no region
/// code), in the algorithm of `key`. Verifiers pin it; it signs the
/// federation trust list.
pub fn create_federation_root(
    key: &dyn Signer,
    params: &FederationRootParams,
) -> Result<Certificate, PkiError> {
    self_signed_ca(
        key,
        &params.name,
        (params.not_before, params.not_after),
        params.serial_number.as_deref(),
        &[KEY_CERT_SIGN, DIGITAL_SIGNATURE],
        None,
    )
}

/// Creates an authority certificate for `subject_key`, issued by `root` with `root_key`.
///
/// The subject key and the root key may be of different algorithms: the
/// certificate carries `subject_key`'s SubjectPublicKeyInfo and the
/// signature algorithm of `root_key`. It carries the RFC 7093 identifier of
/// `subject_key` as its Subject Key Identifier and the root's Subject Key
/// Identifier as its Authority Key Identifier (the RFC 7093 identifier of
/// the root's key when the root has none); its issuer is the root's subject,
/// byte for byte. Refused: a root that is not a region root, a `root_key`
/// that is not the root's ([`PkiError::KeyMismatch`]), no usage, a credit
/// code failing its check character, and a credit code registered outside
/// the root's region ([`PkiError::CreditCodeRegionMismatch`]).
pub fn create_authority(
    root_key: &dyn Signer,
    root: &Certificate,
    subject_key: &PublicKey,
    params: &AuthorityParams,
) -> Result<Certificate, PkiError> {
    check_window(params.not_before, params.not_after)?;
    let region = root.check_region_root()?.clone();
    if root_key.public_key() != *root.public_key() {
        return Err(PkiError::KeyMismatch);
    }
    if params.usages.is_empty() {
        return Err(PkiError::Create(
            "an authority needs at least one usage".into(),
        ));
    }
    if !params.credit_code.check_valid() {
        return Err(PkiError::Create(
            "an authority's credit code must pass its check character".into(),
        ));
    }
    super::check_credit_code_region(&params.credit_code, &region)?;
    let subject = name(&[
        (OID_COUNTRY_NAME, DnValue::Printable("CN")),
        (OID_ORGANIZATION_NAME, DnValue::Utf8(&params.name)),
        (OID_COMMON_NAME, DnValue::Utf8(&params.name)),
        (
            OID_ORGANIZATION_IDENTIFIER,
            DnValue::Utf8(params.credit_code.as_str()),
        ),
    ])?;
    let tbs = Tbs {
        serial: serial(params.serial_number.as_deref())?,
        issuer: root_subject(root)?,
        not_before: time(params.not_before, "not_before")?,
        not_after: time(params.not_after, "not_after")?,
        subject,
        spki: subject_key.to_spki_der(),
        extensions: vec![
            authority_key_identifier(&root_key_identifier(root))?,
            key_usage(&[DIGITAL_SIGNATURE])?,
            subject_key_identifier(&subject_key.key_identifier())?,
            basic_constraints(false)?,
            eku_extension(&params.usages)?,
            region_extension(&region)?,
        ],
    };
    sign(&tbs, root_key)
}

/// The root's subject Name, as encoded in the root (the issuer of the
/// certificates it signs must match it byte for byte, RFC 5280 §7.1).
fn root_subject(root: &Certificate) -> Result<Vec<u8>, PkiError> {
    use x509_parser::prelude::FromDer;
    let (_, x509) = x509_parser::prelude::X509Certificate::from_der(root.der())
        .map_err(|e| PkiError::Create(format!("root certificate: {e}")))?;
    Ok(x509.subject().as_raw().to_vec())
}

/// The root's Subject Key Identifier, or the RFC 7093 identifier of its key
/// when it has none (or an empty one, as roots made before key identifiers
/// were written carry).
fn root_key_identifier(root: &Certificate) -> Vec<u8> {
    match root.subject_key_identifier() {
        Some(id) if !id.is_empty() => id.to_vec(),
        _ => root.public_key().key_identifier().to_vec(),
    }
}

/// Test helpers: certificates that break one rule each (used by this crate's tests).
#[cfg(test)]
pub(crate) mod bad {
    use super::*;

    /// An authority certificate with arbitrary flags, for negative tests.
    pub(crate) struct Options<'a> {
        pub usages: Vec<Usage>,
        pub ca: bool,
        /// `false`: no basicConstraints extension at all (everything else
        /// as in a good certificate).
        pub basic_constraints: bool,
        pub critical_unknown: bool,
        pub region: Option<&'a RegionCode>,
        pub credit_code: Option<&'a str>,
        pub issuer_name_override: Option<&'a str>,
    }

    /// The signature as the issuer's key algorithm writes it in X.509, not
    /// checked: Ed25519 as is, SM2 and ECDSA in DER.
    fn unchecked_signature(signer: &dyn Signer, tbs: &[u8]) -> Vec<u8> {
        let sig = signer.sign(tbs).unwrap();
        match signer.public_key().algorithm() {
            Algorithm::EdDsa => sig,
            _ if sig.len() == 64 => crate::alg::raw_to_der(&sig.try_into().unwrap()),
            _ => sig,
        }
    }

    /// Signs `tbs` with `signer` under the claimed `signature_algorithm`
    /// (DER content of the AlgorithmIdentifier), without checking anything.
    fn assemble(tbs: &Tbs, signer: &dyn Signer, signature_algorithm: &[u8]) -> Certificate {
        let alg = algorithm_identifier(signature_algorithm).unwrap();
        let tbs_der = tbs.to_der(&alg).unwrap();
        let value = unchecked_signature(signer, &tbs_der);
        Certificate::from_der(&certificate_der(&tbs_der, &alg, &value).unwrap()).unwrap()
    }

    /// A region root as this crate made them before key identifiers were
    /// written: its Subject Key Identifier is empty (`04 00`).
    pub(crate) fn legacy_root(key: &dyn Signer, not_before: i64, not_after: i64) -> Certificate {
        let subject = root_name("上海市电子证照根CA").unwrap();
        let tbs = Tbs {
            serial: serial(None).unwrap(),
            issuer: subject.clone(),
            not_before: time(not_before, "").unwrap(),
            not_after: time(not_after, "").unwrap(),
            subject,
            spki: key.public_key().to_spki_der(),
            extensions: vec![
                key_usage(&[KEY_CERT_SIGN, DIGITAL_SIGNATURE]).unwrap(),
                subject_key_identifier(&[]).unwrap(),
                basic_constraints(true).unwrap(),
                region_extension(&"310000".parse().unwrap()).unwrap(),
            ],
        };
        sign(&tbs, key).unwrap()
    }

    /// A region root whose SubjectPublicKeyInfo is `spki` (DER), signed by
    /// `key` under `signature_algorithm`: for keys written in other ways
    /// (GmSSL's SM2 OID as key algorithm, a curve OID that is not the key's).
    pub(crate) fn root_with_spki(
        key: &dyn Signer,
        spki: Vec<u8>,
        signature_algorithm: &[u8],
        not_before: i64,
        not_after: i64,
    ) -> Result<Certificate, PkiError> {
        let subject = root_name("SPKI test root").unwrap();
        let tbs = Tbs {
            serial: serial(None).unwrap(),
            issuer: subject.clone(),
            not_before: time(not_before, "").unwrap(),
            not_after: time(not_after, "").unwrap(),
            subject,
            spki,
            extensions: vec![
                key_usage(&[KEY_CERT_SIGN, CRL_SIGN, DIGITAL_SIGNATURE]).unwrap(),
                subject_key_identifier(&key.public_key().key_identifier()).unwrap(),
                basic_constraints(true).unwrap(),
                region_extension(&"310000".parse().unwrap()).unwrap(),
            ],
        };
        let alg = algorithm_identifier(signature_algorithm).unwrap();
        let tbs_der = tbs.to_der(&alg).unwrap();
        let value = unchecked_signature(key, &tbs_der);
        Certificate::from_der(&certificate_der(&tbs_der, &alg, &value).unwrap())
    }

    /// `cert` with its signatureValue replaced by `value` (its TBS and
    /// signature algorithm kept).
    pub(crate) fn with_signature_value(cert: &Certificate, value: &[u8]) -> Certificate {
        use x509_parser::prelude::FromDer;
        let (_, x) = x509_parser::prelude::X509Certificate::from_der(cert.der()).unwrap();
        let tbs = x.tbs_certificate.as_ref();
        // Our signature algorithms have no parameters.
        let alg = algorithm_identifier(&oid(x.signature_algorithm.algorithm.as_bytes()).unwrap())
            .unwrap();
        Certificate::from_der(&certificate_der(tbs, &alg, value).unwrap()).unwrap()
    }

    /// An authority certificate signed by `root_key` under its own
    /// algorithm's signature OID.
    pub(crate) fn authority(
        root_key: &dyn Signer,
        root: &Certificate,
        subject_key: &PublicKey,
        o: Options<'_>,
        not_before: i64,
        not_after: i64,
    ) -> Certificate {
        let alg = root_key.public_key().algorithm().spec().x509_signature_der;
        authority_claiming(root_key, alg, root, subject_key, o, not_before, not_after)
    }

    /// An authority certificate signed by `root_key` but claiming
    /// `signature_algorithm` (DER content of the AlgorithmIdentifier).
    pub(crate) fn authority_claiming(
        root_key: &dyn Signer,
        signature_algorithm: &[u8],
        root: &Certificate,
        subject_key: &PublicKey,
        o: Options<'_>,
        not_before: i64,
        not_after: i64,
    ) -> Certificate {
        let mut attributes = vec![(OID_COMMON_NAME, DnValue::Utf8("Test authority"))];
        if let Some(c) = o.credit_code {
            attributes.push((OID_ORGANIZATION_IDENTIFIER, DnValue::Utf8(c)));
        }
        let issuer = match o.issuer_name_override {
            None => root_subject(root).unwrap(),
            Some(n) => name(&[(OID_COMMON_NAME, DnValue::Utf8(n))]).unwrap(),
        };
        let mut extensions = vec![
            authority_key_identifier(&root_key_identifier(root)).unwrap(),
            key_usage(&[DIGITAL_SIGNATURE]).unwrap(),
            subject_key_identifier(&subject_key.key_identifier()).unwrap(),
        ];
        if o.ca {
            extensions.push(basic_constraints(true).unwrap());
        } else if o.basic_constraints {
            extensions.push(basic_constraints(false).unwrap());
        }
        if !o.usages.is_empty() {
            extensions.push(eku_extension(&o.usages).unwrap());
        }
        if let Some(r) = o.region {
            extensions.push(region_extension(r).unwrap());
        }
        if o.critical_unknown {
            extensions.push(extension(&[0x2a, 0x03, 0x04], true, &[0x05, 0x00]).unwrap());
        }
        let tbs = Tbs {
            serial: serial(None).unwrap(),
            issuer,
            not_before: time(not_before, "").unwrap(),
            not_after: time(not_after, "").unwrap(),
            subject: name(&attributes).unwrap(),
            spki: subject_key.to_spki_der(),
            extensions,
        };
        assemble(&tbs, root_key, signature_algorithm)
    }
}
