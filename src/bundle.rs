//! The trust bundle: everything an offline verifier needs, in one file.
//!
//! DESIGN §2: "Trust bundle: one file an offline verifier loads: anchors,
//! trust lists, status lists, policy." The bundle itself is not signed:
//! every list inside it is, and [`TrustBundle::from_bytes`] verifies each one
//! against the federation root the verifier pins (it is never taken from the
//! file). The file is deterministic CBOR:
//!
//! ```cddl
//! bundle = {
//!   1 => "elicense-bundle",     ; format name
//!   2 => 1,                     ; format version
//!   3 => bstr,                  ; the federation trust list (COSE_Sign1)
//!   4 => [* bstr],              ; region trust lists (COSE_Sign1), at most one per region
//!   5 => [* bstr],              ; status list tokens (COSE_Sign1), at most one per authority
//!   ? 6 => tstr,                ; the recognition policy (JSON, see docs/POLICY.md)
//! }
//! ```
//!
//! A bundle naming a region twice, or an authority's status list twice, is
//! refused (`TRUST_LIST_CONFLICT`). [`TrustBundle::update`] merges a newer
//! bundle: a list replaces the one it has for the same region or authority
//! only if its sequence number (for status lists, its issue time) is not
//! lower; a lower one is a rollback and refused. When a newer federation list
//! no longer names a region's root, that region's list and its authorities'
//! status lists leave the bundle.

use std::collections::BTreeMap;

use ciborium::Value;
use thiserror::Error;

use crate::cbor::{self, CborError, Limits};
use crate::envelope::{ArtifactType, Sign1};
use crate::identifiers::{CreditCode, RegionCode};
use crate::pki::{validate_chain, Certificate, Usage};
use crate::policy::{Policy, PolicyError};
use crate::status::{subject_for, StatusError, StatusListToken};
use crate::trust::{check_sequence, FederationTrustList, RegionTrustList, TrustError};
use crate::ReasonCode;

/// The format name in every bundle.
pub const BUNDLE_FORMAT: &str = "elicense-bundle";
/// The format version this library writes and reads.
pub const BUNDLE_VERSION: u64 = 1;
/// Largest bundle accepted: 64 MiB.
pub const MAX_BUNDLE_LEN: usize = 64 << 20;

const BUNDLE_LIMITS: Limits = Limits {
    max_depth: 4,
    max_len: crate::envelope::MAX_LIST_LEN,
    max_input: MAX_BUNDLE_LEN,
};

/// Errors reading, building or updating a bundle.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum BundleError {
    /// The file is not a bundle of this format.
    #[error("the bundle is malformed: {0}")]
    Malformed(String),
    /// Strict CBOR decoding failed.
    #[error("the bundle is not strict CBOR: {0}")]
    Cbor(#[from] CborError),
    /// A trust list inside was refused.
    #[error("{context}: {error}")]
    Trust {
        /// Which list.
        context: String,
        /// Why.
        error: TrustError,
    },
    /// A status list inside was refused.
    #[error("{context}: {error}")]
    Status {
        /// Which list.
        context: String,
        /// Why.
        error: StatusError,
    },
    /// The policy inside was refused.
    #[error("the policy: {0}")]
    Policy(#[from] PolicyError),
    /// Two entries for the same region or authority.
    #[error("the bundle has conflicting entries: {0}")]
    Conflict(String),
    /// A list is older than the one held.
    #[error("{0} (rollback)")]
    Rollback(String),
    /// A status list's signer is not a listed authority.
    #[error("{0}")]
    UnknownSigner(String),
}

impl BundleError {
    /// The stable reason code.
    pub fn reason(&self) -> ReasonCode {
        match self {
            BundleError::Malformed(_) => ReasonCode::TrustListMalformed,
            BundleError::Cbor(e) => e.reason(),
            BundleError::Trust { error, .. } => error.reason(),
            BundleError::Status { error, .. } => error.reason(),
            BundleError::Policy(e) => e.reason(),
            BundleError::Conflict(_) => ReasonCode::TrustListConflict,
            BundleError::Rollback(_) => ReasonCode::TrustListRollback,
            BundleError::UnknownSigner(_) => ReasonCode::AuthorityNotListed,
        }
    }
}

fn malformed(msg: impl Into<String>) -> BundleError {
    BundleError::Malformed(msg.into())
}

/// A verified region list with its signed bytes.
#[derive(Clone, Debug)]
pub(crate) struct RegionEntry {
    pub(crate) list: RegionTrustList,
    pub(crate) cose: Vec<u8>,
    /// The kid of the root that signed it.
    pub(crate) root_kid: [u8; 8],
}

/// A verified status list with its signed bytes and signer.
#[derive(Clone, Debug)]
pub(crate) struct StatusEntry {
    pub(crate) token: StatusListToken,
    pub(crate) cose: Vec<u8>,
}

/// Verified trust material: the federation list, region lists, status lists
/// and the recognition policy.
#[derive(Clone, Debug)]
pub struct TrustBundle {
    anchor: Certificate,
    federation: FederationTrustList,
    federation_cose: Vec<u8>,
    regions: BTreeMap<RegionCode, RegionEntry>,
    status: BTreeMap<CreditCode, StatusEntry>,
    policy: Option<(Policy, String)>,
}

impl TrustBundle {
    /// Starts a bundle from a signed federation list, verified against the
    /// pinned federation root `anchor`.
    pub fn new(anchor: Certificate, federation_cose: Vec<u8>) -> Result<Self, BundleError> {
        let federation =
            FederationTrustList::verify(&federation_cose, &anchor).map_err(|error| {
                BundleError::Trust {
                    context: "the federation trust list".into(),
                    error,
                }
            })?;
        Ok(TrustBundle {
            anchor,
            federation,
            federation_cose,
            regions: BTreeMap::new(),
            status: BTreeMap::new(),
            policy: None,
        })
    }

    /// The pinned federation root.
    pub fn anchor(&self) -> &Certificate {
        &self.anchor
    }
    /// The federation list.
    pub fn federation(&self) -> &FederationTrustList {
        &self.federation
    }
    /// The region lists.
    pub fn region_lists(&self) -> impl Iterator<Item = &RegionTrustList> {
        self.regions.values().map(|e| &e.list)
    }
    /// The region list of `region`.
    pub fn region_list(&self, region: &RegionCode) -> Option<&RegionTrustList> {
        self.regions.get(region).map(|e| &e.list)
    }
    /// The status lists, by authority.
    pub fn status_lists(&self) -> impl Iterator<Item = (&CreditCode, &StatusListToken)> {
        self.status.iter().map(|(k, e)| (k, &e.token))
    }
    /// The status list of an authority.
    pub fn status_list(&self, authority: &CreditCode) -> Option<&StatusListToken> {
        self.status.get(authority).map(|e| &e.token)
    }
    /// The signed status list of an authority, as published.
    pub fn status_list_cose(&self, authority: &CreditCode) -> Option<&[u8]> {
        self.status.get(authority).map(|e| e.cose.as_slice())
    }
    /// The recognition policy, if any.
    pub fn policy(&self) -> Option<&Policy> {
        self.policy.as_ref().map(|(p, _)| p)
    }

    /// Adds or replaces a region list. It must be signed by the region root
    /// the federation list names; a lower sequence number than the one held
    /// is a rollback, and the same number with different content a conflict.
    pub fn add_region_list(&mut self, cose: Vec<u8>) -> Result<&RegionTrustList, BundleError> {
        let sign1 = Sign1::decode(&cose, ArtifactType::RegionTrustList).map_err(|e| {
            BundleError::Trust {
                context: "a region trust list".into(),
                error: e.into(),
            }
        })?;
        // Find the signer among the federation's roots by kid, then verify fully.
        let root = self
            .federation
            .regions
            .iter()
            .find(|r| r.root.kid() == sign1.kid())
            .map(|r| r.root.clone())
            .ok_or_else(|| BundleError::Trust {
                context: "a region trust list".into(),
                error: TrustError::Signer {
                    expected: "a region root on the federation list".into(),
                    detail: "no listed region root has its kid".into(),
                },
            })?;
        let list = RegionTrustList::verify(&cose, &root).map_err(|error| BundleError::Trust {
            context: format!(
                "the trust list of region {}",
                root.region().map(|r| r.as_str()).unwrap_or("?")
            ),
            error,
        })?;
        let context = format!("the trust list of region {}", list.region);
        if let Some(held) = self.regions.get(&list.region) {
            check_sequence(Some(held.list.sequence), list.sequence).map_err(|error| {
                BundleError::Trust {
                    context: context.clone(),
                    error,
                }
            })?;
            if held.list.sequence == list.sequence && held.cose != cose {
                return Err(BundleError::Conflict(format!(
                    "{context}: two different lists with sequence {}",
                    list.sequence
                )));
            }
        }
        let region = list.region.clone();
        self.regions.insert(
            region.clone(),
            RegionEntry {
                list,
                cose,
                root_kid: *root.kid(),
            },
        );
        Ok(&self.regions[&region].list)
    }

    /// Adds or replaces an authority's status list. Its signer must be a
    /// certificate on a region list held, authorised for status lists and
    /// chaining to that region's root; its subject must be the authority's
    /// (`urn:elicense:status:<credit code>`). An older list (earlier `iat`)
    /// than the one held is a rollback; the same `iat` with different content
    /// a conflict. Freshness is judged when a licence is checked, not here.
    pub fn add_status_list(&mut self, cose: Vec<u8>) -> Result<&CreditCode, BundleError> {
        let ctx = |m: &str| format!("a status list: {m}");
        let sign1 =
            Sign1::decode(&cose, ArtifactType::StatusList).map_err(|e| BundleError::Status {
                context: ctx("envelope"),
                error: e.into(),
            })?;
        let (region, authority) = self
            .regions
            .values()
            .flat_map(|e| e.list.authorities.iter().map(move |a| (&e.list.region, a)))
            .find(|(_, a)| a.certificate.kid() == sign1.kid())
            .ok_or_else(|| {
                BundleError::UnknownSigner(ctx("its signer is on no region trust list held"))
            })?;
        let root = self.federation.root_of(region).ok_or_else(|| {
            BundleError::UnknownSigner(ctx("its region is not on the federation list"))
        })?;
        let validated = validate_chain(
            &authority.certificate,
            std::slice::from_ref(root),
            Usage::StatusListSigning,
        )
        .map_err(|e| BundleError::Status {
            context: ctx("its signer"),
            error: e.into(),
        })?;
        let code = validated.credit_code;
        let subject = subject_for(&code);
        // Freshness is not judged here: `now` and `max_age` do not matter.
        let verified =
            StatusListToken::verify(&cose, &authority.certificate, &subject, 0, i64::MAX).map_err(
                |error| BundleError::Status {
                    context: format!("the status list of {code}"),
                    error,
                },
            )?;
        if let Some(held) = self.status.get(&code) {
            let (seen, found) = (held.token.issued_at(), verified.token.issued_at());
            if found < seen {
                return Err(BundleError::Rollback(format!(
                    "the status list of {code} issued at {found} is older than the one held ({seen})"
                )));
            }
            if found == seen && held.cose != cose {
                return Err(BundleError::Conflict(format!(
                    "two different status lists of {code} issued at {found}"
                )));
            }
        }
        self.status.insert(
            code.clone(),
            StatusEntry {
                token: verified.token,
                cose,
            },
        );
        Ok(self
            .status
            .keys()
            .find(|k| **k == code)
            .expect("just inserted"))
    }

    /// Sets the recognition policy from its JSON text.
    pub fn set_policy(&mut self, json: &str) -> Result<(), BundleError> {
        let policy = Policy::from_json(json)?;
        self.policy = Some((policy, json.to_owned()));
        Ok(())
    }

    /// Reads and verifies a bundle file against the pinned federation root.
    pub fn from_bytes(bytes: &[u8], anchor: Certificate) -> Result<Self, BundleError> {
        if bytes.len() > MAX_BUNDLE_LEN {
            return Err(malformed(format!(
                "{} bytes, over the limit of {MAX_BUNDLE_LEN}",
                bytes.len()
            )));
        }
        let Value::Map(entries) = cbor::decode(bytes, &BUNDLE_LIMITS)? else {
            return Err(malformed("not a CBOR map"));
        };
        let mut fields: [Option<Value>; 7] = Default::default();
        for (k, v) in entries {
            let key = match k {
                Value::Integer(i) => usize::try_from(i128::from(i))
                    .ok()
                    .filter(|k| (1..=6).contains(k)),
                _ => None,
            }
            .ok_or_else(|| malformed("unknown field"))?;
            fields[key] = Some(v);
        }
        match fields[1].take() {
            Some(Value::Text(t)) if t == BUNDLE_FORMAT => {}
            _ => return Err(malformed("not an elicense bundle (field 1)")),
        }
        match fields[2].take() {
            Some(Value::Integer(i)) if i128::from(i) == i128::from(BUNDLE_VERSION) => {}
            _ => return Err(malformed("unsupported bundle version (field 2)")),
        }
        let Some(Value::Bytes(federation)) = fields[3].take() else {
            return Err(malformed("the federation trust list (field 3) is missing"));
        };
        let mut bundle = TrustBundle::new(anchor, federation)?;
        let list_of = |v: Option<Value>, what: &str| -> Result<Vec<Vec<u8>>, BundleError> {
            match v {
                None => Ok(Vec::new()),
                Some(Value::Array(items)) => items
                    .into_iter()
                    .map(|i| match i {
                        Value::Bytes(b) => Ok(b),
                        _ => Err(malformed(format!("{what}: an entry is not a byte string"))),
                    })
                    .collect(),
                Some(_) => Err(malformed(format!("{what} is not an array"))),
            }
        };
        for cose in list_of(fields[4].take(), "the region trust lists (field 4)")? {
            let before = bundle.regions.len();
            let region = bundle.add_region_list(cose)?.region.clone();
            if bundle.regions.len() == before {
                return Err(BundleError::Conflict(format!(
                    "region {region} has two trust lists"
                )));
            }
        }
        for cose in list_of(fields[5].take(), "the status lists (field 5)")? {
            let before = bundle.status.len();
            let authority = bundle.add_status_list(cose)?.clone();
            if bundle.status.len() == before {
                return Err(BundleError::Conflict(format!(
                    "authority {authority} has two status lists"
                )));
            }
        }
        match fields[6].take() {
            None => {}
            Some(Value::Text(json)) => bundle.set_policy(&json)?,
            Some(_) => return Err(malformed("the policy (field 6) is not text")),
        }
        Ok(bundle)
    }

    /// Writes the bundle file (deterministic CBOR).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut m = vec![
            (Value::from(1), Value::Text(BUNDLE_FORMAT.into())),
            (Value::from(2), Value::from(BUNDLE_VERSION)),
            (Value::from(3), Value::Bytes(self.federation_cose.clone())),
            (
                Value::from(4),
                Value::Array(
                    self.regions
                        .values()
                        .map(|e| Value::Bytes(e.cose.clone()))
                        .collect(),
                ),
            ),
            (
                Value::from(5),
                Value::Array(
                    self.status
                        .values()
                        .map(|e| Value::Bytes(e.cose.clone()))
                        .collect(),
                ),
            ),
        ];
        if let Some((_, json)) = &self.policy {
            m.push((Value::from(6), Value::Text(json.clone())));
        }
        cbor::encode(&Value::Map(m))
    }

    /// Merges `newer` into this bundle: its federation list, region lists and
    /// status lists replace the ones held when not older (rollback is
    /// refused, and nothing changes when any part is refused); its policy
    /// replaces the one held. Returns how many lists changed.
    pub fn update(&mut self, newer: &TrustBundle) -> Result<usize, BundleError> {
        let mut next = self.clone();
        let mut changed = 0;
        if newer.federation_cose != next.federation_cose {
            check_sequence(Some(next.federation.sequence), newer.federation.sequence).map_err(
                |error| BundleError::Trust {
                    context: "the federation trust list".into(),
                    error,
                },
            )?;
            next.federation = FederationTrustList::verify(&newer.federation_cose, &next.anchor)
                .map_err(|error| BundleError::Trust {
                    context: "the federation trust list".into(),
                    error,
                })?;
            next.federation_cose = newer.federation_cose.clone();
            // Regions whose root left the federation list (or changed) go,
            // with the status lists of their authorities.
            let federation = &next.federation;
            next.regions
                .retain(|code, e| federation.root_of(code).map(|r| *r.kid()) == Some(e.root_kid));
            let regions = &next.regions;
            next.status.retain(|code, _| {
                regions
                    .values()
                    .any(|e| e.list.authorities_with_code(code).next().is_some())
            });
            changed += 1;
        }
        for e in newer.regions.values() {
            if next.regions.get(&e.list.region).map(|h| &h.cose) != Some(&e.cose) {
                next.add_region_list(e.cose.clone())?;
                changed += 1;
            }
        }
        for e in newer.status.values() {
            let held = next
                .status
                .values()
                .find(|h| h.token.subject() == e.token.subject());
            if held.map(|h| &h.cose) != Some(&e.cose) {
                next.add_status_list(e.cose.clone())?;
                changed += 1;
            }
        }
        if let Some(p) = &newer.policy {
            next.policy = Some(p.clone());
        }
        *self = next;
        Ok(changed)
    }
}

#[cfg(test)]
mod tests;
