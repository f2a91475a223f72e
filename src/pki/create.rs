//! Certificate creation with rcgen (feature `issuer`).
//!
//! rcgen takes object identifiers as `u64` arcs, which cannot hold the 128-bit
//! arc of a `2.25.<UUID>` OID. So the two extensions that carry our OIDs are
//! written here as DER and handed to rcgen as custom extensions under their
//! standard OIDs: extendedKeyUsage (2.5.29.37) and Subject Directory
//! Attributes (2.5.29.9). Signing goes through [`Signer`], so a root key can
//! live in an HSM.
//!
//! Key identifiers are RFC 7093 method 1 ([`PublicKey::key_identifier`]),
//! handed to rcgen as pre-specified values: rcgen's own `KeyIdMethod::Sha256`
//! needs its `crypto` feature (ring or aws-lc-rs, which this crate does not
//! use) and hashes the whole SubjectPublicKeyInfo, which is not RFC 7093's
//! input (the subjectPublicKey BIT STRING's value).

use rcgen::{
    BasicConstraints, CertificateParams, CustomExtension, DistinguishedName, DnType, IsCa, Issuer,
    KeyIdMethod, KeyUsagePurpose, PublicKeyData, SerialNumber, SignatureAlgorithm, SigningKey,
};
use time::OffsetDateTime;

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
    /// Start of validity (Unix seconds).
    pub not_before: i64,
    /// End of validity (Unix seconds).
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
    /// Start of validity (Unix seconds).
    pub not_before: i64,
    /// End of validity (Unix seconds).
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
    /// Start of validity (Unix seconds).
    pub not_before: i64,
    /// End of validity (Unix seconds).
    pub not_after: i64,
    /// Certificate serial number (up to 20 bytes). `None`, the normal case,
    /// draws 16 random bytes; a fixed value is for reproducible tests.
    pub serial_number: Option<Vec<u8>>,
}

/// Adapts a [`Signer`] (or just a public key) to rcgen.
struct RcgenKey<'a> {
    public: PublicKey,
    signer: Option<&'a dyn Signer>,
}

impl<'a> RcgenKey<'a> {
    fn new(public: PublicKey, signer: Option<&'a dyn Signer>) -> Result<Self, PkiError> {
        if public.algorithm() == Algorithm::Sm2Sm3 {
            return Err(PkiError::Create(
                "certificates for SM2 keys are not made through rcgen".into(),
            ));
        }
        Ok(Self { public, signer })
    }
}

impl PublicKeyData for RcgenKey<'_> {
    fn der_bytes(&self) -> &[u8] {
        self.public.as_bytes()
    }
    fn algorithm(&self) -> &'static SignatureAlgorithm {
        match self.public.algorithm() {
            Algorithm::Es256 => &rcgen::PKCS_ECDSA_P256_SHA256,
            _ => &rcgen::PKCS_ED25519,
        }
    }
}

impl SigningKey for RcgenKey<'_> {
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, rcgen::Error> {
        let signer = self.signer.ok_or(rcgen::Error::RemoteKeyError)?;
        let sig = signer.sign(msg).map_err(|_| rcgen::Error::RemoteKeyError)?;
        let key = signer.public_key();
        let raw: [u8; 64] = match key.algorithm() {
            Algorithm::EdDsa => sig.as_slice().try_into().ok(),
            // An HSM may answer in DER already.
            _ if sig.len() != 64 => crate::alg::der_to_raw(&sig).ok(),
            _ => sig.as_slice().try_into().ok(),
        }
        .ok_or(rcgen::Error::RemoteKeyError)?;
        // Never emit a certificate whose signature does not verify.
        key.verify(msg, &raw)
            .map_err(|_| rcgen::Error::RemoteKeyError)?;
        Ok(match key.algorithm() {
            Algorithm::EdDsa => raw.to_vec(),
            _ => crate::alg::raw_to_der(&raw),
        })
    }
}

fn der(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let n = content.len();
    if n < 0x80 {
        out.push(n as u8);
    } else if n <= 0xff {
        out.extend_from_slice(&[0x81, n as u8]);
    } else {
        out.extend_from_slice(&[0x82, (n >> 8) as u8, n as u8]);
    }
    out.extend_from_slice(content);
    out
}

/// `SubjectDirectoryAttributes ::= SEQUENCE { SEQUENCE { regionCode OID, SET { PrintableString } } }`
fn region_extension(region: &RegionCode) -> CustomExtension {
    let value = der(0x31, &der(0x13, region.as_str().as_bytes()));
    let mut attr = der(0x06, &oid::ATTR_REGION_CODE_DER);
    attr.extend_from_slice(&value);
    CustomExtension::from_oid_content(&[2, 5, 29, 9], der(0x30, &der(0x30, &attr)))
}

/// `ExtKeyUsageSyntax ::= SEQUENCE OF KeyPurposeId`, not critical (RFC 5280 allows either).
fn eku_extension(usages: &[Usage]) -> CustomExtension {
    let mut seq = Vec::new();
    for u in usages {
        seq.extend_from_slice(&der(0x06, u.oid_der()));
    }
    CustomExtension::from_oid_content(&[2, 5, 29, 37], der(0x30, &seq))
}

fn time(unix: i64, field: &str) -> Result<OffsetDateTime, PkiError> {
    OffsetDateTime::from_unix_timestamp(unix)
        .map_err(|_| PkiError::Create(format!("{field} is out of range")))
}

fn serial(fixed: Option<&[u8]>) -> Result<SerialNumber, PkiError> {
    if let Some(bytes) = fixed {
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
        return Ok(SerialNumber::from_slice(bytes));
    }
    let mut bytes = [0u8; 16];
    getrandom::getrandom(&mut bytes)
        .map_err(|e| PkiError::Create(format!("random serial: {e}")))?;
    bytes[0] &= 0x7f; // positive INTEGER
    bytes[0] |= 0x01; // no leading zero byte to strip
    Ok(SerialNumber::from_slice(&bytes))
}

fn check_window(not_before: i64, not_after: i64) -> Result<(), PkiError> {
    if not_after <= not_before {
        return Err(PkiError::Create(
            "not_after must be later than not_before".into(),
        ));
    }
    Ok(())
}

/// A self-signed CA with path length 0: the shape of region and federation roots.
fn self_signed_ca(
    key: &dyn Signer,
    name: &str,
    (not_before, not_after): (i64, i64),
    serial_number: Option<&[u8]>,
    key_usages: Vec<KeyUsagePurpose>,
    custom_extensions: Vec<CustomExtension>,
) -> Result<Certificate, PkiError> {
    check_window(not_before, not_after)?;
    let mut p = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CountryName, "CN");
    dn.push(DnType::CommonName, name);
    p.distinguished_name = dn;
    p.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    p.key_identifier_method = KeyIdMethod::PreSpecified(key.public_key().key_identifier().to_vec());
    p.key_usages = key_usages;
    p.custom_extensions = custom_extensions;
    p.not_before = time(not_before, "not_before")?;
    p.not_after = time(not_after, "not_after")?;
    p.serial_number = Some(serial(serial_number)?);
    let rk = RcgenKey::new(key.public_key(), Some(key))?;
    let cert = p
        .self_signed(&rk)
        .map_err(|e| PkiError::Create(e.to_string()))?;
    Certificate::from_der(cert.der())
}

/// Creates a self-signed region root CA (path length 0) carrying its region code.
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
        vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ],
        vec![region_extension(&params.region)],
    )
}

/// Creates a self-signed federation root (CA, path length 0, no region code).
/// Verifiers pin it; it signs the federation trust list.
pub fn create_federation_root(
    key: &dyn Signer,
    params: &FederationRootParams,
) -> Result<Certificate, PkiError> {
    self_signed_ca(
        key,
        &params.name,
        (params.not_before, params.not_after),
        params.serial_number.as_deref(),
        vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::DigitalSignature,
        ],
        vec![],
    )
}

/// Creates an authority certificate for `subject_key`, issued by `root` with `root_key`.
///
/// The certificate carries the RFC 7093 identifier of `subject_key` as its
/// Subject Key Identifier and the root's Subject Key Identifier as its
/// Authority Key Identifier (the RFC 7093 identifier of the root's key when
/// the root has none). Refused: a root that is not a region root, a
/// `root_key` that is not the root's ([`PkiError::KeyMismatch`]), no usage,
/// a credit code failing its check character, and a credit code registered
/// outside the root's region ([`PkiError::CreditCodeRegionMismatch`]).
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
    let mut p = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CountryName, "CN");
    dn.push(DnType::OrganizationName, params.name.as_str());
    dn.push(DnType::CommonName, params.name.as_str());
    dn.push(
        DnType::CustomDnType(vec![2, 5, 4, 97]),
        rcgen::DnValue::Utf8String(params.credit_code.as_str().to_owned()),
    );
    p.distinguished_name = dn;
    p.is_ca = IsCa::ExplicitNoCa;
    p.key_identifier_method = KeyIdMethod::PreSpecified(subject_key.key_identifier().to_vec());
    p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    p.custom_extensions = vec![eku_extension(&params.usages), region_extension(&region)];
    p.use_authority_key_identifier_extension = true;
    p.not_before = time(params.not_before, "not_before")?;
    p.not_after = time(params.not_after, "not_after")?;
    p.serial_number = Some(serial(params.serial_number.as_deref())?);
    let issuer = root_issuer(root, root_key)?;
    let subject = RcgenKey::new(subject_key.clone(), None)?;
    let cert = p
        .signed_by(&subject, &issuer)
        .map_err(|e| PkiError::Create(e.to_string()))?;
    Certificate::from_der(cert.der())
}

/// The root's subject, attribute by attribute with the same string types, so
/// the issuer name of the new certificate matches the root's subject byte for
/// byte (rcgen's own parser needs ring, which this crate does not use).
fn root_dn(root: &Certificate) -> Result<DistinguishedName, PkiError> {
    use x509_parser::prelude::FromDer;
    let (_, x509) = x509_parser::prelude::X509Certificate::from_der(root.der())
        .map_err(|e| PkiError::Create(format!("root certificate: {e}")))?;
    let mut dn = DistinguishedName::new();
    for attr in x509.subject().iter_attributes() {
        let arcs: Vec<u64> = attr
            .attr_type()
            .iter()
            .ok_or_else(|| PkiError::Create("root subject has an OID arc over 64 bits".into()))?
            .collect();
        let value = attr.attr_value();
        let text = value
            .as_str()
            .map_err(|_| PkiError::Create("root subject has a non-string attribute".into()))?
            .to_owned();
        let v =
            match value.tag().0 {
                0x13 => rcgen::DnValue::PrintableString(text.try_into().map_err(|_| {
                    PkiError::Create("root subject has a bad PrintableString".into())
                })?),
                0x0c => rcgen::DnValue::Utf8String(text),
                t => {
                    return Err(PkiError::Create(format!(
                        "root subject uses string type {t}, which is not supported"
                    )))
                }
            };
        dn.push(DnType::from_oid(&arcs), v);
    }
    Ok(dn)
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

fn root_issuer<'a>(
    root: &Certificate,
    root_key: &'a dyn Signer,
) -> Result<Issuer<'static, RcgenKey<'a>>, PkiError> {
    let mut ip = CertificateParams::default();
    ip.distinguished_name = root_dn(root)?;
    ip.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ip.key_identifier_method = KeyIdMethod::PreSpecified(root_key_identifier(root));
    Ok(Issuer::new(
        ip,
        RcgenKey::new(root_key.public_key().clone(), Some(root_key))?,
    ))
}

/// Test helpers: certificates that break one rule each (used by this crate's tests).
#[cfg(test)]
pub(crate) mod bad {
    use super::*;

    /// An authority certificate with arbitrary flags, for negative tests.
    pub(crate) struct Options<'a> {
        pub usages: Vec<Usage>,
        pub ca: bool,
        /// `false`: no basicConstraints extension at all (the key
        /// identifiers are then written as custom extensions, so that only
        /// basicConstraints is missing).
        pub basic_constraints: bool,
        pub critical_unknown: bool,
        pub region: Option<&'a RegionCode>,
        pub credit_code: Option<&'a str>,
        pub issuer_name_override: Option<&'a str>,
    }

    /// A region root as this crate made them before key identifiers were
    /// written: its Subject Key Identifier is empty (`04 00`).
    pub(crate) fn legacy_root(key: &dyn Signer, not_before: i64, not_after: i64) -> Certificate {
        let mut p = CertificateParams::default();
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CountryName, "CN");
        dn.push(DnType::CommonName, "上海市电子证照根CA");
        p.distinguished_name = dn;
        p.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        p.key_identifier_method = KeyIdMethod::PreSpecified(Vec::new());
        p.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        p.custom_extensions = vec![region_extension(&"310000".parse().unwrap())];
        p.not_before = time(not_before, "").unwrap();
        p.not_after = time(not_after, "").unwrap();
        p.serial_number = Some(serial(None).unwrap());
        let rk = RcgenKey::new(key.public_key().clone(), Some(key)).unwrap();
        Certificate::from_der(p.self_signed(&rk).unwrap().der()).unwrap()
    }

    pub(crate) fn authority(
        root_key: &dyn Signer,
        root: &Certificate,
        subject_key: &PublicKey,
        o: Options<'_>,
        not_before: i64,
        not_after: i64,
    ) -> Certificate {
        let mut p = CertificateParams::default();
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, "Test authority");
        if let Some(c) = o.credit_code {
            dn.push(
                DnType::CustomDnType(vec![2, 5, 4, 97]),
                rcgen::DnValue::Utf8String(c.to_owned()),
            );
        }
        p.distinguished_name = dn;
        p.is_ca = if o.ca {
            IsCa::Ca(BasicConstraints::Constrained(0))
        } else if o.basic_constraints {
            IsCa::ExplicitNoCa
        } else {
            // rcgen writes neither basicConstraints nor the Subject Key
            // Identifier for `NoCa`: add the latter by hand.
            p.custom_extensions.push(CustomExtension::from_oid_content(
                &[2, 5, 29, 14],
                der(0x04, &subject_key.key_identifier()),
            ));
            IsCa::NoCa
        };
        p.key_identifier_method = KeyIdMethod::PreSpecified(subject_key.key_identifier().to_vec());
        p.use_authority_key_identifier_extension = true;
        p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        if !o.usages.is_empty() {
            p.custom_extensions.push(eku_extension(&o.usages));
        }
        if let Some(r) = o.region {
            p.custom_extensions.push(region_extension(r));
        }
        if o.critical_unknown {
            let mut ext = CustomExtension::from_oid_content(&[1, 2, 3, 4], vec![0x05, 0x00]);
            ext.set_criticality(true);
            p.custom_extensions.push(ext);
        }
        p.not_before = time(not_before, "").unwrap();
        p.not_after = time(not_after, "").unwrap();
        p.serial_number = Some(serial(None).unwrap());
        let rk = RcgenKey::new(root_key.public_key().clone(), Some(root_key)).unwrap();
        let issuer = match o.issuer_name_override {
            None => {
                let mut ip = CertificateParams::default();
                ip.distinguished_name = root_dn(root).unwrap();
                ip.key_identifier_method = KeyIdMethod::PreSpecified(root_key_identifier(root));
                Issuer::new(ip, rk)
            }
            Some(name) => {
                let mut ip = CertificateParams::default();
                let mut dn = DistinguishedName::new();
                dn.push(DnType::CommonName, name);
                ip.distinguished_name = dn;
                ip.key_identifier_method = KeyIdMethod::PreSpecified(root_key_identifier(root));
                Issuer::new(ip, rk)
            }
        };
        let subject = RcgenKey::new(subject_key.clone(), None).unwrap();
        Certificate::from_der(p.signed_by(&subject, &issuer).unwrap().der()).unwrap()
    }
}
