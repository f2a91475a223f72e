//! Trust lists: who may issue licences, region by region.
//!
//! A trust list is a signed list of trusted authorities (from a region
//! root) or of trusted region roots (from the federation). Trust lists carry
//! a sequence number that only grows and a next-update time: a verifier
//! refuses rollback and reports a stale list (docs/FORMAT.md §10).
//!
//! * A [`FederationTrustList`] (`typ` `application/el-tlf+cwt`) is signed by
//!   the federation root, which verifiers pin. It names every region root.
//! * A [`RegionTrustList`] (`typ` `application/el-tlr+cwt`) is signed by a
//!   region root. It names the region's authorities: each one's certificate,
//!   the licence types it may issue, its trust level (A–D), and its state
//!   (active, retired since T, or compromised since T).
//!
//! Both are CWT claims sets `{6: iat, -65537: body}`, each a COSE_Sign1 under
//! the envelope rules of [`crate::envelope`]:
//!
//! ```cddl
//! federation-body = [name: tstr, sequence: uint, next-update: uint, [* region-entry]]
//! region-entry    = [region: tstr, name: tstr, root: bstr]        ; root: certificate DER
//! region-body     = [region: tstr, sequence: uint, next-update: uint, [* authority-entry]]
//! authority-entry = [certificate: bstr, types: [* tstr], level: "A" / "B" / "C" / "D", state]
//! state           = 0 / [1, retired-since: uint] / [2, compromised-since: uint]
//! ```
//!
//! A list is refused when it names the same region or the same authority
//! certificate twice, when a region entry's root does not carry that region's
//! code, or when an authority certificate does not chain to the region root
//! that signed the list.

use ciborium::Value;
use thiserror::Error;

use crate::alg::SignatureError;
use crate::artifact::{Artifact, ArtifactError, CertifiedSigner, SignerRole};
use crate::cbor::{self, Limits};
use crate::envelope::{ArtifactType, EnvelopeError, Sign1};
use crate::identifiers::{CreditCode, LicenceTypeCode, RegionCode};
use crate::licence::CLAIM_LICENCE as CLAIM_BODY;
use crate::pki::{validate_chain, Certificate, PkiError, Usage, ValidatedAuthority};
use crate::policy::TrustLevel;
use crate::time::UnixTime;
use crate::ReasonCode;

/// CWT `iat`.
const CLAIM_IAT: i64 = 6;

/// CBOR limits of a trust list's claims: up to 65536 entries, certificates up to 16 KiB.
pub(crate) const TRUST_LIST_LIMITS: Limits = Limits {
    max_depth: 6,
    max_len: 65_536,
    max_entries: 65_536,
    max_input: crate::envelope::MAX_LIST_LEN,
};

/// Errors building, signing or verifying trust lists.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TrustError {
    /// The envelope was refused.
    #[error("{0}")]
    Envelope(#[from] EnvelopeError),
    /// Strict CBOR decoding of the claims failed.
    #[error("the trust list claims are not strict CBOR: {0}")]
    Cbor(#[from] cbor::CborError),
    /// The claims do not follow the format.
    #[error("the trust list is malformed: {0}")]
    Malformed(String),
    /// Not signed by the expected key.
    #[error("the trust list is not signed by {expected}: {detail}")]
    Signer {
        /// Who should have signed it.
        expected: String,
        /// What went wrong.
        detail: String,
    },
    /// Duplicate or contradictory entries.
    #[error("the trust list has conflicting entries: {0}")]
    Conflict(String),
    /// An entry's certificate is not acceptable.
    #[error("trust list entry {index}: {error}")]
    Entry {
        /// Position of the entry.
        index: usize,
        /// The certificate problem.
        error: PkiError,
    },
    /// Older than a list already seen.
    #[error("trust list sequence {found} is older than the {seen} already seen (rollback)")]
    Rollback {
        /// Sequence number offered.
        found: u64,
        /// Highest sequence number already seen.
        seen: u64,
    },
    /// Past its next update plus grace.
    #[error("the trust list was due for update at {}; it is stale", crate::pki::cst(*next_update))]
    Stale {
        /// The list's next-update time.
        next_update: i64,
    },
    /// Signing or opening the list's envelope failed: the signer (a key,
    /// an HSM, a KMS), its certificate's role, the `kid` or the signature.
    #[error("the trust list of {signer}: {error}")]
    Artifact {
        /// Who signs or should have signed it.
        signer: String,
        /// What failed.
        error: ArtifactError,
    },
}

impl TrustError {
    /// The stable reason code.
    pub fn reason(&self) -> ReasonCode {
        match self {
            TrustError::Envelope(e) => e.reason(),
            TrustError::Cbor(e) => e.reason(),
            TrustError::Malformed(_) => ReasonCode::TrustListMalformed,
            // A kid or a signature that is not the expected signer's says the
            // list is not from its signer; a wrong alg is key confusion.
            TrustError::Artifact { error, .. } => match error {
                ArtifactError::Signature(SignatureError::AlgorithmMismatch { .. }) => {
                    ReasonCode::AlgKeyMismatch
                }
                e if e.is_signature() => ReasonCode::TrustListSignerInvalid,
                e => e.reason(),
            },
            TrustError::Signer { .. } => ReasonCode::TrustListSignerInvalid,
            TrustError::Conflict(_) => ReasonCode::TrustListConflict,
            TrustError::Entry { error, .. } => error.reason(),
            TrustError::Rollback { .. } => ReasonCode::TrustListRollback,
            TrustError::Stale { .. } => ReasonCode::TrustListStale,
        }
    }
}

fn malformed(msg: impl Into<String>) -> TrustError {
    TrustError::Malformed(msg.into())
}

/// Refuses a list whose sequence number is below the highest already seen.
/// An equal number is the same list seen again and is accepted.
pub fn check_sequence(seen: Option<u64>, found: u64) -> Result<(), TrustError> {
    match seen {
        Some(seen) if found < seen => Err(TrustError::Rollback { found, seen }),
        _ => Ok(()),
    }
}

/// Whether a list is fresh at `now`, allowing `grace` seconds past its next update.
pub fn check_fresh(next_update: i64, now: UnixTime, grace: i64) -> Result<(), TrustError> {
    if now.as_secs() > next_update.saturating_add(grace) {
        Err(TrustError::Stale { next_update })
    } else {
        Ok(())
    }
}

/// Which authority a status list speaks for, and which authority a licence's
/// status is looked up under: the authority with this credit code **as
/// listed by this region** (docs/FORMAT.md, "Status lists: binding").
///
/// A status list applies only to licences whose signer certificate is
/// vouched for by the same region's list, under the same credit code, as the
/// list's own signer. A namesake listed by another region (the same credit
/// code on another region's list) is another authority.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct AuthorityId {
    /// The region whose trust list (or root) vouches for the authority.
    pub region: RegionCode,
    /// The authority's unified social credit code.
    pub credit_code: CreditCode,
}

impl core::fmt::Display for AuthorityId {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "{} as listed by region {}",
            self.credit_code, self.region
        )
    }
}

/// An authority's state on its region's list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "state", content = "since", rename_all = "snake_case")]
pub enum AuthorityState {
    /// Issuing normally.
    Active,
    /// No longer issues; licences issued before `since` stay valid.
    Retired(i64),
    /// Its key is compromised; licences issued at or after `since` are invalid.
    Compromised(i64),
}

impl core::fmt::Display for AuthorityState {
    /// `active`, `retired since 2026-01-01T08:00:00+08:00`, `compromised since …`.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match *self {
            AuthorityState::Active => f.write_str("active"),
            AuthorityState::Retired(t) => write!(f, "retired since {}", crate::pki::cst(t)),
            AuthorityState::Compromised(t) => {
                write!(f, "compromised since {}", crate::pki::cst(t))
            }
        }
    }
}

impl AuthorityState {
    /// Checks a licence issued at `iat` against this state.
    pub fn check(&self, iat: i64) -> Result<(), ReasonCode> {
        match *self {
            AuthorityState::Retired(since) if iat >= since => Err(ReasonCode::AuthorityRetired),
            AuthorityState::Compromised(since) if iat >= since => {
                Err(ReasonCode::AuthorityCompromised)
            }
            _ => Ok(()),
        }
    }

    /// Checks a status list issued at `iat` against this state: a list
    /// issued at or after the time the key was retired or compromised is
    /// refused, as a licence would be.
    pub fn check_status_list(&self, iat: i64) -> Result<(), crate::status::StatusError> {
        use crate::status::StatusError;
        match *self {
            AuthorityState::Retired(since) if iat >= since => Err(StatusError::SignerRetired {
                issued_at: iat,
                since,
            }),
            AuthorityState::Compromised(since) if iat >= since => {
                Err(StatusError::SignerCompromised {
                    issued_at: iat,
                    since,
                })
            }
            _ => Ok(()),
        }
    }

    fn to_value(self) -> Value {
        match self {
            AuthorityState::Active => Value::Integer(0.into()),
            AuthorityState::Retired(t) => Value::Array(vec![1.into(), t.into()]),
            AuthorityState::Compromised(t) => Value::Array(vec![2.into(), t.into()]),
        }
    }

    fn from_value(v: &Value) -> Result<Self, TrustError> {
        let bad = || malformed("an authority state is not 0, [1, since] or [2, since]");
        match v {
            Value::Integer(i) if i128::from(*i) == 0 => Ok(AuthorityState::Active),
            Value::Array(a) => match a.as_slice() {
                [Value::Integer(k), Value::Integer(t)] => {
                    let t = i64::try_from(*t).ok().filter(|t| *t >= 0).ok_or_else(bad)?;
                    match i128::from(*k) {
                        1 => Ok(AuthorityState::Retired(t)),
                        2 => Ok(AuthorityState::Compromised(t)),
                        _ => Err(bad()),
                    }
                }
                _ => Err(bad()),
            },
            _ => Err(bad()),
        }
    }
}

/// One authority on a region trust list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListedAuthority {
    /// Its certificate (issued by the region root).
    pub certificate: Certificate,
    /// The licence types it may issue.
    pub types: Vec<LicenceTypeCode>,
    /// Its trust level.
    pub level: TrustLevel,
    /// Its state.
    pub state: AuthorityState,
}

impl ListedAuthority {
    /// Whether it may issue `type_code`.
    pub fn may_issue(&self, type_code: &LicenceTypeCode) -> bool {
        self.types.iter().any(|t| t == type_code)
    }
}

/// A region's list of authorities, signed by its region root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegionTrustList {
    /// The region.
    pub region: RegionCode,
    /// Sequence number: every new list has a higher one.
    pub sequence: u64,
    /// Time of issue (Unix seconds).
    pub issued_at: i64,
    /// When the next list is due (Unix seconds).
    pub next_update: i64,
    /// The authorities.
    pub authorities: Vec<ListedAuthority>,
}

fn uint(v: &Value, what: &str) -> Result<u64, TrustError> {
    match v {
        Value::Integer(i) => {
            u64::try_from(*i).map_err(|_| malformed(format!("{what} is negative or too large")))
        }
        _ => Err(malformed(format!("{what} is not an unsigned integer"))),
    }
}

fn time_value(v: &Value, what: &str) -> Result<i64, TrustError> {
    i64::try_from(uint(v, what)?).map_err(|_| malformed(format!("{what} is out of range")))
}

fn text<'a>(v: &'a Value, what: &str) -> Result<&'a str, TrustError> {
    match v {
        Value::Text(t) => Ok(t),
        _ => Err(malformed(format!("{what} is not text"))),
    }
}

fn byte_string<'a>(v: &'a Value, what: &str) -> Result<&'a [u8], TrustError> {
    match v {
        Value::Bytes(b) => Ok(b),
        _ => Err(malformed(format!("{what} is not a byte string"))),
    }
}

/// Encodes `{6: iat, -65537: body}`.
fn claims(issued_at: i64, body: Value) -> Vec<u8> {
    cbor::encode(&Value::Map(vec![
        (CLAIM_IAT.into(), issued_at.into()),
        (CLAIM_BODY.into(), body),
    ]))
}

/// Decodes `{6: iat, -65537: [4 items]}`; unknown claims are refused.
fn parse_claims(bytes: &[u8]) -> Result<(i64, [Value; 4]), TrustError> {
    let Value::Map(entries) = cbor::decode(bytes, &TRUST_LIST_LIMITS)? else {
        return Err(malformed("the claims set is not a map"));
    };
    let (mut iat, mut body) = (None, None);
    for (k, v) in entries {
        match k {
            Value::Integer(i) if i128::from(i) == i128::from(CLAIM_IAT) => {
                iat = Some(time_value(&v, "iat")?)
            }
            Value::Integer(i) if i128::from(i) == i128::from(CLAIM_BODY) => body = Some(v),
            _ => return Err(malformed("unknown claim")),
        }
    }
    let iat = iat.ok_or_else(|| malformed("iat is missing"))?;
    let Some(Value::Array(body)) = body else {
        return Err(malformed("the list body is missing or not an array"));
    };
    let body: [Value; 4] = body
        .try_into()
        .map_err(|_| malformed("the list body does not have 4 items"))?;
    Ok((iat, body))
}

/// Opens a signed list against the certificate that must have signed it.
fn open<A: Artifact>(cose: &[u8], signer: &Certificate, who: &str) -> Result<Sign1, TrustError> {
    crate::artifact::open(cose, A::TYPE, A::ROLE, signer).map_err(|error| match error {
        ArtifactError::Envelope(e) => TrustError::Envelope(e),
        error => TrustError::Artifact {
            signer: who.to_owned(),
            error,
        },
    })
}

/// Signs a list, as `who`.
fn sign_list<A: Artifact>(
    list: &A,
    signer: &CertifiedSigner,
    who: &str,
) -> Result<Vec<u8>, TrustError> {
    crate::artifact::sign(list, signer).map_err(|error| TrustError::Artifact {
        signer: who.to_owned(),
        error,
    })
}

impl RegionTrustList {
    /// The claims, deterministically encoded.
    pub fn to_claims(&self) -> Vec<u8> {
        let entries = self
            .authorities
            .iter()
            .map(|a| {
                Value::Array(vec![
                    Value::Bytes(a.certificate.der().to_vec()),
                    Value::Array(
                        a.types
                            .iter()
                            .map(|t| Value::Text(t.as_str().to_owned()))
                            .collect(),
                    ),
                    Value::Text(a.level.to_string()),
                    a.state.to_value(),
                ])
            })
            .collect();
        claims(
            self.issued_at,
            Value::Array(vec![
                Value::Text(self.region.as_str().to_owned()),
                self.sequence.into(),
                self.next_update.into(),
                Value::Array(entries),
            ]),
        )
    }

    /// Signs the list with the region root's key.
    pub fn sign(&self, root_signer: &CertifiedSigner) -> Result<Vec<u8>, TrustError> {
        let root = root_signer.certificate();
        let expected = || format!("the region root of {}", self.region);
        let region = root.check_region_root().map_err(|e| TrustError::Artifact {
            signer: expected(),
            error: ArtifactError::Certificate(e),
        })?;
        if *region != self.region {
            return Err(TrustError::Signer {
                expected: expected(),
                detail: format!("{} is the root of region {region}", root.common_name()),
            });
        }
        self.check_entries(root)?;
        sign_list(self, root_signer, &expected())
    }

    /// Verifies a signed region list against its region root (taken from
    /// the federation list) and decodes it. Every authority certificate must
    /// chain to `root`; duplicates are refused.
    pub fn verify(cose: &[u8], root: &Certificate) -> Result<Self, TrustError> {
        Self::verify_with_chains(cose, root).map(|(list, _)| list)
    }

    /// [`RegionTrustList::verify`], also returning each entry's chain as a
    /// licence signer (see `check_entries`), so that a verifier built from
    /// the list need not validate the chains again.
    pub(crate) fn verify_with_chains(
        cose: &[u8],
        root: &Certificate,
    ) -> Result<(Self, Vec<Result<ValidatedAuthority, PkiError>>), TrustError> {
        let who = format!("the region root {}", root.common_name());
        let sign1 = open::<Self>(cose, root, &who)?;
        let list = Self::from_claims(sign1.payload())?;
        let region = root.check_region_root().map_err(|e| TrustError::Artifact {
            signer: who.clone(),
            error: ArtifactError::Certificate(e),
        })?;
        if *region != list.region {
            return Err(TrustError::Signer {
                expected: who,
                detail: format!(
                    "the list is for region {}, the root for {region}",
                    list.region
                ),
            });
        }
        let chains = list.check_entries(root)?;
        Ok((list, chains))
    }

    /// Decodes the claims without checking any signature.
    pub fn from_claims(bytes: &[u8]) -> Result<Self, TrustError> {
        let (issued_at, [region, sequence, next_update, entries]) = parse_claims(bytes)?;
        let region: RegionCode = text(&region, "region")?
            .parse()
            .map_err(|e| malformed(format!("region: {e}")))?;
        let Value::Array(entries) = entries else {
            return Err(malformed("the authorities are not an array"));
        };
        let mut authorities = Vec::with_capacity(entries.len());
        for (i, e) in entries.iter().enumerate() {
            let Value::Array(fields) = e else {
                return Err(malformed(format!("authority {i} is not an array")));
            };
            let [cert, types, level, state] = fields.as_slice() else {
                return Err(malformed(format!("authority {i} does not have 4 items")));
            };
            let certificate = Certificate::from_der(byte_string(cert, "certificate")?)
                .map_err(|error| TrustError::Entry { index: i, error })?;
            let Value::Array(types) = types else {
                return Err(malformed(format!("authority {i}: types is not an array")));
            };
            let types = types
                .iter()
                .map(|t| {
                    text(t, "type code")?
                        .parse::<LicenceTypeCode>()
                        .map_err(|e| malformed(format!("authority {i}: {e}")))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let level = text(level, "level")?
                .parse::<TrustLevel>()
                .map_err(|_| malformed(format!("authority {i}: level is not A, B, C or D")))?;
            authorities.push(ListedAuthority {
                certificate,
                types,
                level,
                state: AuthorityState::from_value(state)?,
            });
        }
        Ok(RegionTrustList {
            region,
            sequence: uint(&sequence, "sequence")?,
            issued_at,
            next_update: time_value(&next_update, "next_update")?,
            authorities,
        })
    }

    /// Checks every entry against `root` and returns, per entry, its chain
    /// as a licence signer: the validated chain when the certificate has the
    /// licence-signing usage, else the error a licence it signed would get.
    fn check_entries(
        &self,
        root: &Certificate,
    ) -> Result<Vec<Result<ValidatedAuthority, PkiError>>, TrustError> {
        let mut seen = std::collections::HashSet::with_capacity(self.authorities.len());
        let mut chains = Vec::with_capacity(self.authorities.len());
        for (i, a) in self.authorities.iter().enumerate() {
            if !seen.insert(a.certificate.kid()) {
                return Err(TrustError::Conflict(format!(
                    "authority {i} repeats the certificate of an earlier entry"
                )));
            }
            let usage = if a.certificate.usages().contains(&Usage::LicenceSigning) {
                Usage::LicenceSigning
            } else {
                *a.certificate.usages().first().ok_or(TrustError::Entry {
                    index: i,
                    error: PkiError::WrongEku(Usage::LicenceSigning),
                })?
            };
            let validated = validate_chain(&a.certificate, std::slice::from_ref(root), usage)
                .map_err(|error| TrustError::Entry { index: i, error })?;
            if usage == Usage::LicenceSigning {
                chains.push(Ok(validated));
            } else if a.types.is_empty() {
                chains.push(Err(PkiError::WrongEku(Usage::LicenceSigning)));
            } else {
                return Err(TrustError::Entry {
                    index: i,
                    error: PkiError::WrongEku(Usage::LicenceSigning),
                });
            }
        }
        Ok(chains)
    }

    /// The entry for exactly this certificate.
    pub fn authority(&self, cert: &Certificate) -> Option<&ListedAuthority> {
        self.authorities.iter().find(|a| a.certificate == *cert)
    }

    /// The authority entries whose credit code is `code`.
    pub fn authorities_with_code<'a>(
        &'a self,
        code: &'a CreditCode,
    ) -> impl Iterator<Item = &'a ListedAuthority> {
        self.authorities
            .iter()
            .filter(move |a| a.certificate.organization_identifier() == Some(code.as_str()))
    }
}

impl Artifact for RegionTrustList {
    const TYPE: ArtifactType = ArtifactType::RegionTrustList;
    const ROLE: SignerRole = SignerRole::RegionRoot;
    fn payload(&self) -> Vec<u8> {
        self.to_claims()
    }
    fn issued_at(&self) -> i64 {
        self.issued_at
    }
}

/// One region on the federation list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListedRegion {
    /// Its GB/T 2260 code.
    pub region: RegionCode,
    /// Its name.
    pub name: String,
    /// Its root certificate.
    pub root: Certificate,
}

impl Artifact for FederationTrustList {
    const TYPE: ArtifactType = ArtifactType::FederationTrustList;
    const ROLE: SignerRole = SignerRole::FederationRoot;
    fn payload(&self) -> Vec<u8> {
        self.to_claims()
    }
    fn issued_at(&self) -> i64 {
        self.issued_at
    }
}

/// The federation's list of region roots, signed by the federation root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FederationTrustList {
    /// The federation's name.
    pub name: String,
    /// Sequence number.
    pub sequence: u64,
    /// Time of issue.
    pub issued_at: i64,
    /// When the next list is due.
    pub next_update: i64,
    /// The regions.
    pub regions: Vec<ListedRegion>,
}

impl FederationTrustList {
    /// The claims, deterministically encoded.
    pub fn to_claims(&self) -> Vec<u8> {
        let entries = self
            .regions
            .iter()
            .map(|r| {
                Value::Array(vec![
                    Value::Text(r.region.as_str().to_owned()),
                    Value::Text(r.name.clone()),
                    Value::Bytes(r.root.der().to_vec()),
                ])
            })
            .collect();
        claims(
            self.issued_at,
            Value::Array(vec![
                Value::Text(self.name.clone()),
                self.sequence.into(),
                self.next_update.into(),
                Value::Array(entries),
            ]),
        )
    }

    /// Signs the list with the federation root's key.
    pub fn sign(&self, anchor: &CertifiedSigner) -> Result<Vec<u8>, TrustError> {
        self.check_entries()?;
        sign_list(self, anchor, "the federation root")
    }

    /// Verifies a signed federation list against the pinned federation root.
    pub fn verify(cose: &[u8], anchor: &Certificate) -> Result<Self, TrustError> {
        let who = format!("the federation root {}", anchor.common_name());
        let sign1 = open::<Self>(cose, anchor, &who)?;
        let list = Self::from_claims(sign1.payload())?;
        list.check_entries()?;
        Ok(list)
    }

    /// Decodes the claims without checking any signature.
    pub fn from_claims(bytes: &[u8]) -> Result<Self, TrustError> {
        let (issued_at, [name, sequence, next_update, entries]) = parse_claims(bytes)?;
        let Value::Array(entries) = entries else {
            return Err(malformed("the regions are not an array"));
        };
        let mut regions = Vec::with_capacity(entries.len());
        for (i, e) in entries.iter().enumerate() {
            let Value::Array(fields) = e else {
                return Err(malformed(format!("region {i} is not an array")));
            };
            let [region, name, root] = fields.as_slice() else {
                return Err(malformed(format!("region {i} does not have 3 items")));
            };
            regions.push(ListedRegion {
                region: text(region, "region")?
                    .parse()
                    .map_err(|e| malformed(format!("region {i}: {e}")))?,
                name: text(name, "name")?.to_owned(),
                root: Certificate::from_der(byte_string(root, "root")?)
                    .map_err(|error| TrustError::Entry { index: i, error })?,
            });
        }
        Ok(FederationTrustList {
            name: text(&name, "name")?.to_owned(),
            sequence: uint(&sequence, "sequence")?,
            issued_at,
            next_update: time_value(&next_update, "next_update")?,
            regions,
        })
    }

    fn check_entries(&self) -> Result<(), TrustError> {
        for (i, r) in self.regions.iter().enumerate() {
            if self.regions[..i].iter().any(|o| o.region == r.region) {
                return Err(TrustError::Conflict(format!(
                    "region {} is listed twice",
                    r.region
                )));
            }
            if self.regions[..i]
                .iter()
                .any(|o| o.root.kid() == r.root.kid())
            {
                return Err(TrustError::Conflict(format!(
                    "region {i} repeats an earlier root certificate"
                )));
            }
            let code = r
                .root
                .check_region_root()
                .map_err(|error| TrustError::Entry { index: i, error })?;
            if *code != r.region {
                return Err(TrustError::Conflict(format!(
                    "region {} is listed with the root of region {code}",
                    r.region
                )));
            }
        }
        Ok(())
    }

    /// The root of `region`, if listed.
    pub fn root_of(&self, region: &RegionCode) -> Option<&Certificate> {
        self.regions
            .iter()
            .find(|r| r.region == *region)
            .map(|r| &r.root)
    }
}

#[cfg(test)]
mod tests;
