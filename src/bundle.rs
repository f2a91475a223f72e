//! The trust bundle: everything an offline verifier needs, in one file.
//!
//! One file an offline verifier loads: the federation's list of region
//! roots, the region trust lists, the authorities' status lists and the
//! recognition policy. The bundle itself is not signed: every list inside it
//! is, and [`TrustBundle::from_bytes`] verifies each one against the
//! federation root the verifier pins (it is never taken from the file).
//! docs/FORMAT.md §12 specifies the file:
//!
//! ```cddl
//! bundle = {
//!   1 => "elicense-bundle",     ; format name
//!   2 => 1,                     ; format version
//!   3 => bstr,                  ; the federation trust list (COSE_Sign1)
//!   4 => [* bstr],              ; region trust lists (COSE_Sign1), at most one per region
//!   5 => [* bstr],              ; status list tokens (COSE_Sign1), at most one per listed authority
//!   ? 6 => tstr,                ; the recognition policy (JSON, see docs/POLICY.md)
//!   ? 7 => [* bstr],            ; licence catalogues (COSE_Sign1): at most one national, one per region
//! }
//! ```
//!
//! # Who vouches for what
//!
//! * The federation list is signed by the pinned federation root.
//! * A region list is signed by the root the federation list names for its
//!   region.
//! * The national licence catalogue (key 7) is signed by the pinned
//!   federation root; a region's extension by the root the federation list
//!   names for its region, and it may define only types of its region
//!   (docs/FORMAT.md §19). A bundle without a national catalogue uses the
//!   library's built-in one ([`TrustBundle::catalogues`]).
//! * A status list is signed by a certificate on a region list held, and is
//!   **bound to that entry**: it speaks for the authority with that credit
//!   code as listed by that region ([`AuthorityId`]), never for a namesake
//!   another region lists. Its signer's state applies to it as to licences
//!   (a list issued at or after `retired_since` / `compromised_since` is
//!   refused), and a list whose `iat` lies beyond the time of loading plus
//!   [`crate::DEFAULT_LEEWAY_SECONDS`] is refused, so that a list dated in
//!   the future can never count as the newest and lock out the ones before
//!   it.
//!
//! # Updates
//!
//! [`TrustBundle::update`] merges a newer bundle: a list replaces the one
//! held for the same region (or authority) only if its sequence number (for
//! status lists, its issue time) is not lower; a lower one is a rollback and
//! refused, the same number with other bytes a conflict. When a region list
//! changes, every status list held is checked again against it: a list whose
//! signer is no longer on its region's list, or whose signer's state now
//! forbids its issue time, leaves the bundle and the update says so
//! ([`UpdateSummary::dropped`]). A bundle written after any sequence of
//! accepted updates therefore always loads.

use std::collections::BTreeMap;

use ciborium::Value;
use thiserror::Error;

use crate::catalogue::{Catalogue, CatalogueError, CatalogueSet, Publisher};
use crate::cbor::{self, CborError, Limits};
use crate::envelope::{ArtifactType, Sign1};
use crate::identifiers::{CreditCode, RegionCode};
use crate::pki::{validate_chain, Certificate, PkiError, Usage, ValidatedAuthority};
use crate::policy::{Policy, PolicyError};
use crate::status::{subject_for, StatusError, StatusListToken, MAX_TOKEN_LEN};
use crate::time::UnixTime;
use crate::trust::{check_sequence, AuthorityId, FederationTrustList, RegionTrustList, TrustError};
use crate::ReasonCode;

/// The format name in every bundle.
pub const BUNDLE_FORMAT: &str = "elicense-bundle";
/// The format version this library writes and reads.
pub const BUNDLE_VERSION: u64 = 1;
/// Largest bundle accepted: 64 MiB.
pub const MAX_BUNDLE_LEN: usize = 64 << 20;
/// Most region lists, and most status lists, one bundle holds: 65,536 each.
pub const MAX_BUNDLE_ENTRIES: usize = 65_536;

/// The bundle file's CBOR limits: a map of arrays of byte strings (depth 2),
/// at most [`MAX_BUNDLE_ENTRIES`] entries per array, byte strings up to
/// [`crate::envelope::MAX_LIST_LEN`]. They are checked in one pass before
/// any value is built, so a hostile file costs memory proportional to its
/// entries, never to its bytes.
const BUNDLE_LIMITS: Limits = Limits {
    max_depth: 2,
    max_len: crate::envelope::MAX_LIST_LEN,
    max_entries: MAX_BUNDLE_ENTRIES,
    max_input: MAX_BUNDLE_LEN,
};

/// Errors reading, building or updating a bundle.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum BundleError {
    /// The file is strict CBOR but not a bundle of this format
    /// (`BUNDLE_MALFORMED`), or larger than [`MAX_BUNDLE_LEN`]
    /// (`INPUT_TOO_LARGE`).
    #[error("the bundle is malformed: {0}")]
    Malformed(String),
    /// The file is larger than [`MAX_BUNDLE_LEN`].
    #[error("the bundle is {0} bytes, over the limit of {MAX_BUNDLE_LEN}")]
    TooLarge(usize),
    /// Strict CBOR decoding of the file failed (its `CBOR_*` code).
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
    /// Two entries for the same region or authority, or two different lists
    /// with the same sequence number (issue time).
    #[error("the bundle has conflicting entries: {0}")]
    Conflict(String),
    /// A list is older than the one held.
    #[error("{0} (rollback)")]
    Rollback(String),
    /// A status list's signer is not a listed authority.
    #[error("{0}")]
    UnknownSigner(String),
    /// A licence catalogue inside was refused (its code: wrong signer,
    /// rollback, conflict, a type outside its region, …).
    #[error("{context}: {error}")]
    Catalogue {
        /// Which catalogue.
        context: String,
        /// Why (boxed: the error stays small).
        error: Box<CatalogueError>,
    },
}

impl BundleError {
    /// The stable reason code.
    pub fn reason(&self) -> ReasonCode {
        match self {
            BundleError::Malformed(_) => ReasonCode::BundleMalformed,
            BundleError::TooLarge(_) => ReasonCode::InputTooLarge,
            BundleError::Cbor(e) => e.reason(),
            BundleError::Trust { error, .. } => error.reason(),
            BundleError::Status { error, .. } => error.reason(),
            BundleError::Policy(e) => e.reason(),
            BundleError::Conflict(_) => ReasonCode::TrustListConflict,
            BundleError::Rollback(_) => ReasonCode::TrustListRollback,
            BundleError::UnknownSigner(_) => ReasonCode::AuthorityNotListed,
            BundleError::Catalogue { error, .. } => error.reason(),
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
    /// The root that signed it (as the federation list named it then).
    pub(crate) root: Certificate,
    /// Each listed authority's chain as a licence signer, validated when
    /// the list was taken in (`root_index` 0 is `root`).
    pub(crate) chains: Vec<Result<ValidatedAuthority, PkiError>>,
}

/// A verified status list with its signed bytes and signer.
#[derive(Clone, Debug)]
pub(crate) struct StatusEntry {
    pub(crate) token: StatusListToken,
    pub(crate) cose: Vec<u8>,
    /// The listed certificate that signed it.
    pub(crate) signer: Certificate,
}

/// A status list that left the bundle because the trust list that vouched
/// for its signer no longer does.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct DroppedStatusList {
    /// Whose list it was.
    pub authority: AuthorityId,
    /// Its issue time.
    pub issued_at: i64,
    /// Why it left: `AUTHORITY_NOT_LISTED` (its signer left the region
    /// list), `AUTHORITY_RETIRED` / `AUTHORITY_COMPROMISED` (its signer's new
    /// state forbids its issue time) or `TRUST_LIST_MISSING` (the region left
    /// the federation).
    pub reason: ReasonCode,
    /// One sentence for people.
    pub detail: String,
}

/// A region's catalogue extension that left the bundle: its region's root
/// left (or changed on) the federation list, or a newer national catalogue
/// now defines one of its types.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct DroppedCatalogue {
    /// Whose extension it was.
    pub region: RegionCode,
    /// Its version.
    pub version: u64,
    /// Why it left: `TRUST_LIST_MISSING` (its region's root is no longer
    /// the one on the federation list) or `CATALOGUE_NATIONAL_TYPE_REDEFINED`.
    pub reason: ReasonCode,
    /// One sentence for people.
    pub detail: String,
}

/// What [`TrustBundle::update`] changed.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct UpdateSummary {
    /// How many lists (federation, region, status) and catalogues were
    /// added or replaced.
    pub changed: usize,
    /// Status lists that left the bundle, and why.
    pub dropped: Vec<DroppedStatusList>,
    /// Region catalogue extensions that left the bundle, and why.
    pub dropped_catalogues: Vec<DroppedCatalogue>,
}

/// A verified region catalogue extension with its signed bytes.
#[derive(Clone, Debug)]
struct CatalogueEntry {
    cose: Vec<u8>,
    version: u64,
    /// The root that signed it (as the federation list named it then).
    root: Certificate,
}

/// Verified trust material: the federation list, region lists, status lists
/// and the recognition policy.
#[derive(Clone, Debug)]
pub struct TrustBundle {
    anchor: Certificate,
    federation: FederationTrustList,
    federation_cose: Vec<u8>,
    regions: BTreeMap<RegionCode, RegionEntry>,
    status: BTreeMap<AuthorityId, StatusEntry>,
    policy: Option<(Policy, String)>,
    /// The catalogues in force: the signed national one (else the
    /// built-in one) and the region extensions held.
    catalogues: CatalogueSet,
    /// The signed national catalogue, if the bundle has one.
    national_catalogue: Option<Vec<u8>>,
    /// The signed region extensions.
    region_catalogues: BTreeMap<RegionCode, CatalogueEntry>,
}

impl TrustBundle {
    /// Starts a bundle from a signed federation list, verified against the
    /// pinned federation root `anchor`.
    pub fn new(anchor: Certificate, federation_cose: Vec<u8>) -> Result<Self, BundleError> {
        let federation = verify_federation(&federation_cose, &anchor)?;
        Ok(TrustBundle {
            anchor,
            federation,
            federation_cose,
            regions: BTreeMap::new(),
            status: BTreeMap::new(),
            policy: None,
            catalogues: CatalogueSet::national(),
            national_catalogue: None,
            region_catalogues: BTreeMap::new(),
        })
    }

    /// The licence catalogues in force: the bundle's national catalogue, or
    /// the library's built-in one when the bundle carries none
    /// ([`Catalogue::national`]), and the region extensions it carries.
    pub fn catalogues(&self) -> &CatalogueSet {
        &self.catalogues
    }

    /// The signed national catalogue the bundle carries, as published.
    pub fn national_catalogue_cose(&self) -> Option<&[u8]> {
        self.national_catalogue.as_deref()
    }

    /// The signed catalogue extension of `region` the bundle carries, as
    /// published.
    pub fn region_catalogue_cose(&self, region: &RegionCode) -> Option<&[u8]> {
        self.region_catalogues
            .get(region)
            .map(|e| e.cose.as_slice())
    }

    /// Adds or replaces a licence catalogue (`typ`
    /// `application/el-cat+cwt`, docs/FORMAT.md §19).
    ///
    /// The national catalogue must be signed by the pinned federation root;
    /// a region's extension by the root the federation list names for its
    /// region (`CATALOGUE_SIGNER_INVALID`), and may define only types whose
    /// ministry credit code was registered within the region
    /// (`CREDIT_CODE_REGION_MISMATCH`) and none of the national catalogue
    /// (`CATALOGUE_NATIONAL_TYPE_REDEFINED`). A lower version than the one
    /// held from the same publisher is a rollback (`CATALOGUE_ROLLBACK`),
    /// the same version with other bytes a conflict (`CATALOGUE_CONFLICT`).
    /// The first signed national catalogue replaces the built-in one
    /// whatever their versions. Region extensions that a new national
    /// catalogue contradicts leave the bundle and are returned.
    pub fn add_catalogue(
        &mut self,
        cose: Vec<u8>,
    ) -> Result<(Publisher, Vec<DroppedCatalogue>), BundleError> {
        let refused = |context: String| {
            move |error| BundleError::Catalogue {
                context,
                error: Box::new(error),
            }
        };
        let catalogue = Catalogue::verify(&cose, &self.anchor, &self.federation)
            .map_err(refused("a licence catalogue".into()))?;
        let publisher = catalogue.publisher().clone();
        let context = format!("the licence catalogue of {publisher}");
        match &publisher {
            Publisher::Federation => {
                if self.national_catalogue.as_ref() == Some(&cose) {
                    return Ok((publisher, Vec::new()));
                }
                let version = catalogue.version();
                let dropped = if self.national_catalogue.is_none() {
                    // The first signed one replaces the built-in catalogue.
                    let mut set = CatalogueSet::new(catalogue).map_err(refused(context))?;
                    let mut dropped = Vec::new();
                    for ext in self.catalogues.regions() {
                        if let Err(error) = set.add_region(ext.clone()) {
                            if let Publisher::Region(region) = ext.publisher() {
                                dropped.push((region.clone(), error));
                            }
                        }
                    }
                    self.catalogues = set;
                    dropped
                } else {
                    self.catalogues
                        .replace_national(catalogue)
                        .map_err(refused(context))?
                };
                self.national_catalogue = Some(cose);
                let dropped = dropped
                    .into_iter()
                    .filter_map(|(region, error)| {
                        let entry = self.region_catalogues.remove(&region)?;
                        Some(DroppedCatalogue {
                            region,
                            version: entry.version,
                            reason: error.reason(),
                            detail: format!(
                                "the national catalogue version {version} now defines it: {error}"
                            ),
                        })
                    })
                    .collect();
                Ok((publisher, dropped))
            }
            Publisher::Region(region) => {
                if let Some(held) = self.region_catalogues.get(region) {
                    if held.cose == cose {
                        return Ok((publisher, Vec::new()));
                    }
                }
                let region = region.clone();
                let root = self.federation.root_of(&region).cloned().ok_or_else(|| {
                    BundleError::Catalogue {
                        context: context.clone(),
                        error: Box::new(CatalogueError::Signer {
                            expected: format!("the region root of {region}"),
                            detail: "the region is not on the federation trust list".into(),
                        }),
                    }
                })?;
                let version = catalogue.version();
                self.catalogues
                    .add_region(catalogue)
                    .map_err(refused(context))?;
                self.region_catalogues.insert(
                    region,
                    CatalogueEntry {
                        cose,
                        version,
                        root,
                    },
                );
                Ok((publisher, Vec::new()))
            }
        }
    }

    /// Removes the region catalogue extensions whose region's root is no
    /// longer the one the federation list names.
    fn prune_catalogues(&mut self) -> Vec<DroppedCatalogue> {
        let federation = &self.federation;
        let gone: Vec<RegionCode> = self
            .region_catalogues
            .iter()
            .filter(|(code, e)| federation.root_of(code) != Some(&e.root))
            .map(|(code, _)| code.clone())
            .collect();
        gone.into_iter()
            .filter_map(|region| {
                let entry = self.region_catalogues.remove(&region)?;
                self.catalogues.remove_region(&region);
                Some(DroppedCatalogue {
                    detail: format!(
                        "the federation trust list no longer names the root that signed the \
                         catalogue of region {region}"
                    ),
                    region,
                    version: entry.version,
                    reason: ReasonCode::TrustListMissing,
                })
            })
            .collect()
    }

    /// The pinned federation root.
    pub fn anchor(&self) -> &Certificate {
        &self.anchor
    }
    /// The federation list.
    pub fn federation(&self) -> &FederationTrustList {
        &self.federation
    }
    /// The region lists, by region code.
    pub fn region_lists(&self) -> impl Iterator<Item = &RegionTrustList> {
        self.regions.values().map(|e| &e.list)
    }
    /// The region list of `region`.
    pub fn region_list(&self, region: &RegionCode) -> Option<&RegionTrustList> {
        self.regions.get(region).map(|e| &e.list)
    }
    /// The status lists, by listed authority.
    pub fn status_lists(&self) -> impl Iterator<Item = (&AuthorityId, &StatusListToken)> {
        self.status.iter().map(|(k, e)| (k, &e.token))
    }
    /// The status list of an authority as listed by a region.
    pub fn status_list(&self, authority: &AuthorityId) -> Option<&StatusListToken> {
        self.status.get(authority).map(|e| &e.token)
    }
    /// The signed status list of an authority, as published.
    pub fn status_list_cose(&self, authority: &AuthorityId) -> Option<&[u8]> {
        self.status.get(authority).map(|e| e.cose.as_slice())
    }
    /// The listed authorities with this credit code that have a status list
    /// here (one per region listing the code; normally at most one).
    pub fn status_lists_with_code<'a>(
        &'a self,
        code: &'a CreditCode,
    ) -> impl Iterator<Item = &'a AuthorityId> {
        self.status.keys().filter(move |k| k.credit_code == *code)
    }
    /// Every listed authority certificate, each once, with its chain as a
    /// licence signer validated when its list was taken in (`root_index`
    /// counts in the federation list's regions), in the order of the region
    /// codes and then of the lists.
    pub(crate) fn listed_chains(&self) -> Vec<(Certificate, Result<ValidatedAuthority, PkiError>)> {
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        for e in self.regions.values() {
            let Some(root_index) = self
                .federation
                .regions
                .iter()
                .position(|r| r.root == e.root)
            else {
                continue; // cannot happen: regions follow the federation list
            };
            for (a, chain) in e.list.authorities.iter().zip(&e.chains) {
                if seen.insert(a.certificate.der()) {
                    let chain = chain
                        .clone()
                        .map(|v| ValidatedAuthority { root_index, ..v });
                    out.push((a.certificate.clone(), chain));
                }
            }
        }
        out
    }

    /// The recognition policy, if any.
    pub fn policy(&self) -> Option<&Policy> {
        self.policy.as_ref().map(|(p, _)| p)
    }

    /// Adds or replaces a region list. It must be signed by the region root
    /// the federation list names for its region (every root whose kid
    /// matches is tried); a lower sequence number than the one held is a
    /// rollback, and the same number with different content a conflict.
    /// Status lists held that the new list no longer vouches for leave the
    /// bundle and are returned.
    pub fn add_region_list(
        &mut self,
        cose: Vec<u8>,
    ) -> Result<(RegionCode, Vec<DroppedStatusList>), BundleError> {
        let sign1 = Sign1::decode(&cose, ArtifactType::RegionTrustList).map_err(|e| {
            BundleError::Trust {
                context: "a region trust list".into(),
                error: e.into(),
            }
        })?;
        let mut first_error = None;
        let mut verified = None;
        for listed in self
            .federation
            .regions
            .iter()
            .filter(|r| r.root.kid() == sign1.kid())
        {
            match RegionTrustList::verify_with_chains(&cose, &listed.root) {
                Ok((list, chains)) => {
                    verified = Some((list, chains, listed.root.clone()));
                    break;
                }
                Err(error) => {
                    first_error.get_or_insert(BundleError::Trust {
                        context: format!("the trust list of region {}", listed.region),
                        error,
                    });
                }
            }
        }
        let Some((list, chains, root)) = verified else {
            return Err(first_error.unwrap_or_else(|| BundleError::Trust {
                context: "a region trust list".into(),
                error: TrustError::Signer {
                    expected: "a region root on the federation list".into(),
                    detail: "no listed region root has its kid".into(),
                },
            }));
        };
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
                root,
                chains,
            },
        );
        let dropped = self.prune_status_lists();
        Ok((region, dropped))
    }

    /// Adds or replaces an authority's status list, checked at `now` (Unix
    /// seconds).
    ///
    /// Its signer must be a certificate on a region list held (every entry
    /// whose kid matches is tried), authorised for status lists and chaining
    /// to that region's root; its subject must be the authority's
    /// (`urn:elicense:status:<credit code>`); its `iat` must not lie beyond
    /// `now` plus [`crate::DEFAULT_LEEWAY_SECONDS`], nor at or after the time
    /// its signer was retired or compromised. The list is held for that
    /// listed authority ([`AuthorityId`]: the region and the credit code).
    /// An older list (earlier `iat`) than the one held for the same
    /// authority is a rollback; the same `iat` with different content a
    /// conflict. Freshness is judged when a licence is checked, not here.
    pub fn add_status_list(
        &mut self,
        cose: Vec<u8>,
        now: UnixTime,
    ) -> Result<AuthorityId, BundleError> {
        let ctx = |m: &str| format!("a status list: {m}");
        if cose.len() > MAX_TOKEN_LEN {
            return Err(BundleError::Status {
                context: ctx("size"),
                error: crate::envelope::EnvelopeError::TooLarge {
                    len: cose.len(),
                    limit: MAX_TOKEN_LEN,
                }
                .into(),
            });
        }
        let sign1 =
            Sign1::decode(&cose, ArtifactType::StatusList).map_err(|e| BundleError::Status {
                context: ctx("envelope"),
                error: e.into(),
            })?;
        let mut first_error = None;
        let mut bound = None;
        'regions: for entry in self.regions.values() {
            let region = &entry.list.region;
            for authority in entry
                .list
                .authorities
                .iter()
                .filter(|a| a.certificate.kid() == sign1.kid())
            {
                match bind_status_list(&cose, region, &entry.root, authority, now) {
                    Ok(found) => {
                        bound = Some((found, authority.certificate.clone()));
                        break 'regions;
                    }
                    Err(e) => {
                        first_error.get_or_insert(e);
                    }
                }
            }
        }
        let Some(((id, token), signer)) = bound else {
            return Err(first_error.unwrap_or_else(|| {
                BundleError::UnknownSigner(ctx("its signer is on no region trust list held"))
            }));
        };
        if let Some(held) = self.status.get(&id) {
            let (seen, found) = (held.token.issued_at(), token.issued_at());
            if found < seen {
                return Err(BundleError::Rollback(format!(
                    "the status list of {id} issued at {} is older than the one held ({})",
                    crate::pki::cst(found),
                    crate::pki::cst(seen)
                )));
            }
            if found == seen && held.cose != cose {
                return Err(BundleError::Conflict(format!(
                    "two different status lists of {id} issued at {}",
                    crate::pki::cst(found)
                )));
            }
        }
        self.status.insert(
            id.clone(),
            StatusEntry {
                token,
                cose,
                signer,
            },
        );
        Ok(id)
    }

    /// Checks every status list held against the region lists held, and
    /// removes those no longer vouched for.
    fn prune_status_lists(&mut self) -> Vec<DroppedStatusList> {
        let regions = &self.regions;
        let mut dropped = Vec::new();
        self.status.retain(|id, e| {
            let iat = e.token.issued_at();
            let refusal = match regions.get(&id.region) {
                None => Some((
                    ReasonCode::TrustListMissing,
                    format!("region {} is no longer in the bundle", id.region),
                )),
                Some(r) => match r.list.authority(&e.signer) {
                    None => Some((
                        ReasonCode::AuthorityNotListed,
                        format!(
                            "its signer {} is no longer on the trust list of region {} (sequence {})",
                            e.signer.common_name(),
                            id.region,
                            r.list.sequence
                        ),
                    )),
                    Some(a) => a
                        .state
                        .check_status_list(iat)
                        .err()
                        .map(|err| (err.reason(), err.to_string())),
                },
            };
            match refusal {
                None => true,
                Some((reason, detail)) => {
                    dropped.push(DroppedStatusList {
                        authority: id.clone(),
                        issued_at: iat,
                        reason,
                        detail,
                    });
                    false
                }
            }
        });
        dropped
    }

    /// Sets the recognition policy from its JSON text.
    pub fn set_policy(&mut self, json: &str) -> Result<(), BundleError> {
        let policy = Policy::from_json(json)?;
        self.policy = Some((policy, json.to_owned()));
        Ok(())
    }

    /// Reads and verifies a bundle file against the pinned federation root,
    /// at `now` (Unix seconds; it dates the status lists, see
    /// [`TrustBundle::add_status_list`]).
    ///
    /// The file's size and CBOR structure (depth, entries per array) are
    /// checked before any value is built. Fields 1 to 5 are required, 6
    /// (the policy) and 7 (the licence catalogues) are optional, any other
    /// key is refused (`BUNDLE_MALFORMED`); the lists inside may come in any
    /// order, and two lists for the same region or authority are a
    /// conflict, as are two national catalogues or two catalogues of one
    /// region (`CATALOGUE_CONFLICT`). Catalogues are taken in after the
    /// region lists, the national one first ([`TrustBundle::add_catalogue`]).
    pub fn from_bytes(
        bytes: &[u8],
        anchor: Certificate,
        now: UnixTime,
    ) -> Result<Self, BundleError> {
        if bytes.len() > MAX_BUNDLE_LEN {
            return Err(BundleError::TooLarge(bytes.len()));
        }
        let Value::Map(entries) = cbor::decode(bytes, &BUNDLE_LIMITS)? else {
            return Err(malformed("not a CBOR map"));
        };
        let mut fields: [Option<Value>; 8] = Default::default();
        for (k, v) in entries {
            let key = match k {
                Value::Integer(i) => usize::try_from(i128::from(i))
                    .ok()
                    .filter(|k| (1..=7).contains(k)),
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
            return Err(malformed(
                "the federation trust list (field 3) is missing or not a byte string",
            ));
        };
        let list_of = |v: Option<Value>, what: &str| -> Result<Vec<Vec<u8>>, BundleError> {
            match v {
                None => Err(malformed(format!("{what} is missing"))),
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
        let regions = list_of(fields[4].take(), "the region trust lists (field 4)")?;
        let statuses = list_of(fields[5].take(), "the status lists (field 5)")?;
        let policy = match fields[6].take() {
            None => None,
            Some(Value::Text(json)) => Some(json),
            Some(_) => return Err(malformed("the policy (field 6) is not text")),
        };
        let catalogues = match fields[7].take() {
            None => Vec::new(),
            some => list_of(some, "the licence catalogues (field 7)")?,
        };
        let mut bundle = TrustBundle::new(anchor, federation)?;
        for cose in regions {
            let before = bundle.regions.len();
            let (region, _) = bundle.add_region_list(cose)?;
            if bundle.regions.len() == before {
                return Err(BundleError::Conflict(format!(
                    "region {region} has two trust lists"
                )));
            }
        }
        for cose in statuses {
            let before = bundle.status.len();
            let authority = bundle.add_status_list(cose, now)?;
            if bundle.status.len() == before {
                return Err(BundleError::Conflict(format!(
                    "{authority} has two status lists"
                )));
            }
        }
        // The national catalogue first, so that the extensions are checked
        // against it whatever the order of the array.
        let mut extensions = Vec::new();
        let mut national_seen = false;
        for cose in catalogues {
            let national = Sign1::decode(&cose, ArtifactType::Catalogue)
                .ok()
                .and_then(|s| Catalogue::from_claims(s.payload()).ok())
                .is_some_and(|c| *c.publisher() == Publisher::Federation);
            if !national {
                extensions.push(cose);
                continue;
            }
            if national_seen {
                return Err(BundleError::Catalogue {
                    context: "the licence catalogues (field 7)".into(),
                    error: Box::new(CatalogueError::Conflict("two national catalogues".into())),
                });
            }
            national_seen = true;
            bundle.add_catalogue(cose)?;
        }
        for cose in extensions {
            let before = bundle.region_catalogues.len();
            let (publisher, _) = bundle.add_catalogue(cose)?;
            if bundle.region_catalogues.len() == before {
                return Err(BundleError::Catalogue {
                    context: "the licence catalogues (field 7)".into(),
                    error: Box::new(CatalogueError::Conflict(format!(
                        "{publisher} has two catalogues"
                    ))),
                });
            }
        }
        if let Some(json) = policy {
            bundle.set_policy(&json)?;
        }
        Ok(bundle)
    }

    /// Writes the bundle file (deterministic CBOR; region lists in the order
    /// of their region codes, status lists in the order of their region
    /// codes, then credit codes).
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
        if self.national_catalogue.is_some() || !self.region_catalogues.is_empty() {
            let catalogues = self
                .national_catalogue
                .iter()
                .chain(self.region_catalogues.values().map(|e| &e.cose))
                .map(|c| Value::Bytes(c.clone()))
                .collect();
            m.push((Value::from(7), Value::Array(catalogues)));
        }
        cbor::encode(&Value::Map(m))
    }

    /// Merges `newer` into this bundle at `now`: its federation list, region
    /// lists and status lists replace the ones held when not older (rollback
    /// is refused, and nothing changes when any part is refused); its policy
    /// replaces the one held. Status lists no longer vouched for leave the
    /// bundle (see the [module documentation](self)); the summary says which
    /// and why.
    pub fn update(
        &mut self,
        newer: &TrustBundle,
        now: UnixTime,
    ) -> Result<UpdateSummary, BundleError> {
        let mut next = self.clone();
        let mut summary = UpdateSummary::default();
        if newer.federation_cose != next.federation_cose {
            let federation = verify_federation(&newer.federation_cose, &next.anchor)?;
            let trust = |error| BundleError::Trust {
                context: "the federation trust list".into(),
                error,
            };
            check_sequence(Some(next.federation.sequence), federation.sequence).map_err(trust)?;
            if federation.sequence == next.federation.sequence {
                return Err(BundleError::Conflict(format!(
                    "the federation trust list: two different lists with sequence {}",
                    federation.sequence
                )));
            }
            next.federation = federation;
            next.federation_cose = newer.federation_cose.clone();
            // Regions whose root left the federation list (or changed) go,
            // with the status lists they vouched for.
            let federation = &next.federation;
            next.regions
                .retain(|code, e| federation.root_of(code) == Some(&e.root));
            summary.dropped.extend(next.prune_status_lists());
            summary.dropped_catalogues.extend(next.prune_catalogues());
            summary.changed += 1;
        }
        for e in newer.regions.values() {
            if next.regions.get(&e.list.region).map(|h| &h.cose) != Some(&e.cose) {
                let (_, dropped) = next.add_region_list(e.cose.clone())?;
                summary.dropped.extend(dropped);
                summary.changed += 1;
            }
        }
        for (id, e) in &newer.status {
            if next.status.get(id).map(|h| &h.cose) != Some(&e.cose) {
                next.add_status_list(e.cose.clone(), now)?;
                summary.changed += 1;
            }
        }
        if let Some(cose) = &newer.national_catalogue {
            if next.national_catalogue.as_ref() != Some(cose) {
                let (_, dropped) = next.add_catalogue(cose.clone())?;
                summary.dropped_catalogues.extend(dropped);
                summary.changed += 1;
            }
        }
        for e in newer.region_catalogues.values() {
            if !next.region_catalogues.values().any(|h| h.cose == e.cose) {
                next.add_catalogue(e.cose.clone())?;
                summary.changed += 1;
            }
        }
        if let Some(p) = &newer.policy {
            next.policy = Some(p.clone());
        }
        *self = next;
        Ok(summary)
    }
}

fn verify_federation(
    cose: &[u8],
    anchor: &Certificate,
) -> Result<FederationTrustList, BundleError> {
    FederationTrustList::verify(cose, anchor).map_err(|error| BundleError::Trust {
        context: "the federation trust list".into(),
        error,
    })
}

/// Verifies a status list as the list of `authority` on `region`'s list:
/// the signer chains to the region's root with the status-list usage, the
/// token verifies under it with the subject of its credit code, its `iat`
/// is not in the future and its signer's state allows that `iat`.
fn bind_status_list(
    cose: &[u8],
    region: &RegionCode,
    root: &Certificate,
    authority: &crate::trust::ListedAuthority,
    now: UnixTime,
) -> Result<(AuthorityId, StatusListToken), BundleError> {
    let cert = &authority.certificate;
    let who = |code: &dyn core::fmt::Display| {
        format!(
            "the status list signed by {} ({code}, region {region})",
            cert.common_name()
        )
    };
    let validated = validate_chain(cert, std::slice::from_ref(root), Usage::StatusListSigning)
        .map_err(|e| BundleError::Status {
            context: who(&"its signer"),
            error: e.into(),
        })?;
    let code = validated.credit_code;
    let status = |error| BundleError::Status {
        context: who(&code),
        error,
    };
    // Freshness is not judged here: `now` and `max_age` do not matter to it.
    let verified =
        StatusListToken::verify(cose, cert, &subject_for(&code), now, i64::MAX).map_err(status)?;
    let token = verified.token;
    token
        .check_not_future(now, crate::DEFAULT_LEEWAY_SECONDS)
        .map_err(status)?;
    authority
        .state
        .check_status_list(token.issued_at())
        .map_err(status)?;
    Ok((
        AuthorityId {
            region: region.clone(),
            credit_code: code,
        },
        token,
    ))
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod catalogue_tests;
