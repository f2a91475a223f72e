//! Verification: QR text (or COSE bytes) + trust + time → [`Report`].
//!
//! The report has a verdict (VALID, INVALID, or INDETERMINATE when something
//! needed is missing or stale), each check in order with its outcome and a
//! stable reason code, the decoded licence with the authority's name and
//! region (docs/FORMAT.md §6, §15). Reading the QR and verifying the
//! signature come before any claim is trusted. Clock-skew leeway is
//! configurable.
//!
//! The checks run in this order, each only if the one before passed:
//!
//! | check | what | failing codes |
//! |---|---|---|
//! | `DECODE` | `EL2:` prefix, Base45, bounded inflation over the dictionary | `QR_PREFIX_INVALID`, `QR_VERSION_UNSUPPORTED`, `BASE45_*`, `DICTIONARY_UNKNOWN`, `ZLIB_*`, `INPUT_TOO_LARGE`, `PAYLOAD_ENCODING_UNKNOWN` |
//! | `ENVELOPE` | strict CBOR, tag 18, protected `alg`/`kid`/`typ` | `CBOR_*`, `COSE_*` |
//! | `SIGNER` | a trusted certificate with the `kid` | `SIGNER_UNKNOWN` (INDETERMINATE) |
//! | `SIGNATURE` | strict Ed25519 under each candidate certificate | `SIGNATURE_INVALID`, `SIGNATURE_NON_CANONICAL` |
//! | `CLAIMS` | the licence claims, now authenticated | `LICENCE_MALFORMED`, `LICENCE_FIELD_INVALID`, `CBOR_*` |
//! | `CERTIFICATE` | chain to a region root, EKU, region, validity at `iat` | `CERT_*`, `ISSUER_NOT_TRUSTED` |
//! | `CATALOGUE` | the type and data items against the licence catalogue (the national one, or the signer's region's extension): defined, of their value types, valid, required items present | `LICENCE_FIELD_INVALID`; `LICENCE_TYPE_UNKNOWN` (INDETERMINATE) |
//! | `VALIDITY` | `iat`, `nbf`, `exp` against the time given, with leeway | `LICENCE_ISSUED_IN_FUTURE`, `LICENCE_NOT_YET_VALID`, `LICENCE_EXPIRED` |
//! | `STATUS` | the licence's entry in its authority's status list (revoked is final, even in a stale list) | `LICENCE_REVOKED`, `LICENCE_SUSPENDED`, `STATUS_*`; outcome `NOT_CHECKED` (`STATUS_NOT_CHECKED`, with a warning) when no list is held for the authority |
//!
//! Without a bundle, status lists are given to the [`TrustStore`]
//! ([`TrustStore::add_status_list`]); without one for a licence's
//! authority, nobody checked revocation and the report says so. A verifier
//! made from a trust bundle ([`Verifier::from_bundle`]) adds two checks:
//! `TRUST_LIST` after `CERTIFICATE` (the authority on its region's current
//! list, its state at `iat`, the licence type allowed) and `RECOGNITION`
//! (the recognition policy's decision) after `STATUS`, and takes status
//! lists from the bundle, each bound to the region-list entry of its signer
//! ([`crate::trust::AuthorityId`]); docs/FORMAT.md §11.7 and §14 give the
//! rules and codes.
//!
//! The verdict is VALID when every check passes; INDETERMINATE when trust
//! material needed to decide is missing or stale (the signer's certificate,
//! a trust list, or a status list when the policy says so); INVALID
//! otherwise. Warnings (such
//! as a pilot credit code failing its check character) never change the
//! verdict and are listed separately.
//!
//! Beside the verdict, its [`Category`] says what it means for the holder:
//! unreadable, not genuine, genuine but not in force, genuine but not
//! accepted here, or cannot tell (docs/FORMAT.md §15 gives the table). A
//! report reads in Chinese or English ([`Report::render`], with times in
//! China Standard Time and the zone written) and as JSON with its messages
//! in either language ([`Report::to_json_in`]).
//!
//! [`Verifier::verify_qr_batch`] verifies many licences at once with Ed25519
//! batch verification ([`crate::alg::verify_batch`]), about twice the
//! throughput of one-by-one verification, and returns the same reports.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde::Serialize;

use crate::bundle::TrustBundle;
use crate::catalogue::CatalogueSet;
use crate::envelope::{self, ArtifactType, Sign1};
use crate::identifiers::{CreditCode, LicenceIdentifier, RegionCode};
use crate::licence::{cst_date, Licence, LicenceWarning};
use crate::pki::{validate_chain, Certificate, PkiError, Usage, ValidatedAuthority};
use crate::policy::{Decision, Policy, RecognitionInput, StatusMissing, TrustLevel};
use crate::status::{subject_for, Freshness, Status, StatusError, StatusListToken};
use crate::time::UnixTime;
use crate::trust::{check_fresh, AuthorityId};
use crate::ReasonCode;

/// How many licences [`Verifier::verify_qr_batch`] puts in one batch
/// signature verification. Larger batches cost a little less per signature
/// but more when one bad signature sends its batch back to one-by-one
/// verification; scripts/bench.sh measures the choice.
pub const BATCH_SIZE: usize = 256;

/// The `SIGNATURE` detail of a signature verified on its own.
const VERIFIED_ALONE: &str = "Ed25519 signature verified (strict)";

/// The `SIGNATURE` detail of a signature verified on its own, by algorithm.
fn verified_alone(algorithm: crate::alg::Algorithm) -> &'static str {
    use crate::alg::Algorithm;
    match algorithm {
        Algorithm::EdDsa => VERIFIED_ALONE,
        Algorithm::Sm2Sm3 => "SM2-SM3 signature verified (GB/T 32918.2, strict)",
        Algorithm::Es256 => "ES256 signature verified (strict)",
    }
}
/// The `SIGNATURE` detail of a signature verified in a batch.
const VERIFIED_IN_BATCH: &str = "Ed25519 signature verified (batch, strict encoding checks)";

pub use crate::DEFAULT_LEEWAY_SECONDS;
pub use words::Category;

pub(crate) mod render;
mod words;

/// Trusted region roots, the authority certificates a verifier knows, and
/// optionally their status lists.
///
/// Each authority's chain is validated once, when the store is built; the
/// result (success or the exact failure) is kept, so a licence signed by an
/// authority whose chain is broken reports that failure rather than an
/// unknown signer.
///
/// Without a status list for a licence's authority
/// ([`TrustStore::add_status_list`]), nobody checks whether the licence was
/// revoked: its report's `STATUS` check says `NOT_CHECKED`, with the warning
/// `STATUS_NOT_CHECKED`.
#[derive(Clone, Debug, Default)]
pub struct TrustStore {
    roots: Vec<Certificate>,
    authorities: Vec<AuthorityEntry>,
    by_kid: HashMap<[u8; 8], Vec<Candidate>>,
    status: BTreeMap<AuthorityId, StatusListToken>,
}

#[derive(Clone, Debug)]
struct AuthorityEntry {
    cert: Certificate,
    chain: Result<ValidatedAuthority, PkiError>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Candidate {
    Authority(usize),
    Root(usize),
}

impl TrustStore {
    /// Builds a store. Every root must be a CA carrying a region code.
    pub fn new(roots: Vec<Certificate>, authorities: Vec<Certificate>) -> Result<Self, PkiError> {
        for r in &roots {
            r.check_region_root()?;
        }
        let validated = authorities
            .into_iter()
            .map(|cert| {
                let chain = validate_chain(&cert, &roots, Usage::LicenceSigning);
                (cert, chain)
            })
            .collect();
        Ok(Self::from_validated(roots, validated))
    }

    /// A store from region roots and authority certificates whose chains
    /// (as licence signers, `root_index` into `roots`) were validated
    /// already.
    fn from_validated(
        roots: Vec<Certificate>,
        authorities: Vec<(Certificate, Result<ValidatedAuthority, PkiError>)>,
    ) -> Self {
        let mut store = TrustStore {
            roots,
            ..TrustStore::default()
        };
        for (i, r) in store.roots.iter().enumerate() {
            store
                .by_kid
                .entry(*r.kid())
                .or_default()
                .push(Candidate::Root(i));
        }
        for (cert, chain) in authorities {
            let i = store.authorities.len();
            store
                .by_kid
                .entry(*cert.kid())
                .or_default()
                .push(Candidate::Authority(i));
            store.authorities.push(AuthorityEntry { cert, chain });
        }
        store
    }

    /// Builds a store from PEM texts (each may hold several certificates).
    pub fn from_pem(roots: &[&str], authorities: &[&str]) -> Result<Self, PkiError> {
        let mut r = Vec::new();
        for pem in roots {
            r.extend(Certificate::all_from_pem(pem)?);
        }
        let mut a = Vec::new();
        for pem in authorities {
            a.extend(Certificate::all_from_pem(pem)?);
        }
        Self::new(r, a)
    }

    /// The trusted roots.
    pub fn roots(&self) -> &[Certificate] {
        &self.roots
    }

    /// The known authority certificates.
    pub fn authorities(&self) -> impl Iterator<Item = &Certificate> {
        self.authorities.iter().map(|a| &a.cert)
    }

    /// Adds a status list, checked at `now` (Unix seconds), and returns the
    /// authority it speaks for.
    ///
    /// Its signer must be a known authority certificate (every one whose
    /// kid matches is tried) chaining to a trusted root with the
    /// status-list usage; the token must verify under it with the subject
    /// of its credit code, and its `iat` must not lie beyond `now` plus
    /// [`crate::DEFAULT_LEEWAY_SECONDS`]. It then applies to the licences of
    /// every known certificate with the same credit code under the same
    /// root's region ([`AuthorityId`]). A list not newer than the one held
    /// for the same authority is refused (`TRUST_LIST_ROLLBACK`), unless it
    /// is the same list. Freshness is judged when a licence is checked.
    pub fn add_status_list(
        &mut self,
        cose: &[u8],
        now: UnixTime,
    ) -> Result<AuthorityId, StatusError> {
        let sign1 = Sign1::decode(cose, ArtifactType::StatusList)?;
        let mut first_error = None;
        let mut found = None;
        for c in self.by_kid.get(sign1.kid()).into_iter().flatten() {
            let Candidate::Authority(i) = *c else {
                continue;
            };
            let cert = &self.authorities[i].cert;
            let bound = validate_chain(cert, &self.roots, Usage::StatusListSigning)
                .map_err(StatusError::from)
                .and_then(|v| {
                    let token =
                        StatusListToken::verify(cose, cert, &subject_for(&v.credit_code), now, 0)?
                            .token;
                    token.check_not_future(now, crate::DEFAULT_LEEWAY_SECONDS)?;
                    let id = AuthorityId {
                        region: v.region,
                        credit_code: v.credit_code,
                    };
                    Ok((id, token))
                });
            match bound {
                Ok(b) => {
                    found = Some(b);
                    break;
                }
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        let (id, token) = found.ok_or_else(|| {
            first_error.unwrap_or_else(|| StatusError::SignerNotKnown {
                kid: crate::pki::hex_string(sign1.kid()),
            })
        })?;
        if let Some(held) = self.status.get(&id) {
            if held != &token && token.issued_at() <= held.issued_at() {
                return Err(StatusError::NotNewer {
                    issued_at: token.issued_at(),
                    held: held.issued_at(),
                });
            }
        }
        self.status.insert(id.clone(), token);
        Ok(id)
    }

    /// The status list held for an authority.
    pub fn status_list(&self, authority: &AuthorityId) -> Option<&StatusListToken> {
        self.status.get(authority)
    }
}

/// The overall verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Verdict {
    /// Every check passed.
    Valid,
    /// A check failed.
    Invalid,
    /// Something needed to decide is missing or stale.
    Indeterminate,
}

impl Verdict {
    /// The verdict as on every boundary: `VALID`, `INVALID`, `INDETERMINATE`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Verdict::Valid => "VALID",
            Verdict::Invalid => "INVALID",
            Verdict::Indeterminate => "INDETERMINATE",
        }
    }
}

/// The checks, in the order they run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
pub enum CheckKind {
    /// QR text to COSE bytes.
    Decode,
    /// Strict COSE_Sign1 and its protected header.
    Envelope,
    /// A certificate with the `kid`.
    Signer,
    /// The signature.
    Signature,
    /// The licence claims.
    Claims,
    /// The signer certificate's chain and its validity at `iat`.
    Certificate,
    /// The issuing authority on its region's trust list (bundle only).
    TrustList,
    /// The licence's type and data items against the licence catalogue
    /// (docs/FORMAT.md §19): the type known, every item defined, of its
    /// value type and valid, every required item present.
    Catalogue,
    /// The licence's own validity period.
    Validity,
    /// The licence's entry in its authority's status list; `NOT_CHECKED`
    /// when the verifier holds no list for the authority and has no bundle.
    Status,
    /// The recognition policy's decision (bundle only).
    Recognition,
}

impl CheckKind {
    /// Stable name.
    pub const fn as_str(self) -> &'static str {
        match self {
            CheckKind::Decode => "DECODE",
            CheckKind::Envelope => "ENVELOPE",
            CheckKind::Signer => "SIGNER",
            CheckKind::Signature => "SIGNATURE",
            CheckKind::Claims => "CLAIMS",
            CheckKind::Certificate => "CERTIFICATE",
            CheckKind::TrustList => "TRUST_LIST",
            CheckKind::Catalogue => "CATALOGUE",
            CheckKind::Validity => "VALIDITY",
            CheckKind::Status => "STATUS",
            CheckKind::Recognition => "RECOGNITION",
        }
    }
    const ALL: [CheckKind; 11] = [
        CheckKind::Decode,
        CheckKind::Envelope,
        CheckKind::Signer,
        CheckKind::Signature,
        CheckKind::Claims,
        CheckKind::Certificate,
        CheckKind::TrustList,
        CheckKind::Catalogue,
        CheckKind::Validity,
        CheckKind::Status,
        CheckKind::Recognition,
    ];
    const BUNDLE_ONLY: [CheckKind; 2] = [CheckKind::TrustList, CheckKind::Recognition];
}

/// The outcome of one check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
pub enum Outcome {
    /// Passed.
    Pass,
    /// Failed: the licence is not valid.
    Fail,
    /// Could not be decided: trust material is missing.
    Indeterminate,
    /// Not run, because an earlier check did not pass.
    Skipped,
    /// Deliberately not performed: the verifier lacks what the check needs
    /// and its configuration accepts that (`STATUS` without a status list for
    /// the authority). The report carries a warning saying so.
    NotChecked,
}

/// One check in the report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Check {
    /// Which check.
    pub check: CheckKind,
    /// Its outcome.
    pub outcome: Outcome,
    /// Stable reason code (`OK` when passed, `NOT_CHECKED` when skipped).
    pub reason: ReasonCode,
    /// One sentence for people.
    pub detail: Cow<'static, str>,
}

/// The issuing authority, as its certificate says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct AuthorityInfo {
    /// Name (certificate common name).
    pub name: String,
    /// Unified social credit code, when the chain is valid.
    pub credit_code: Option<CreditCode>,
    /// GB/T 2260 region code.
    pub region: Option<RegionCode>,
    /// Name of the region root that issued its certificate, when the chain is valid.
    pub root_name: Option<String>,
    /// The certificate's `kid`, hex.
    pub kid: String,
}

/// The decoded licence, with the fields a person reads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct DecodedLicence {
    /// The GB/T 36904 identifier, when the authority's credit code is known.
    pub identifier: Option<LicenceIdentifier>,
    /// Issue date (CST date of `iat`).
    pub issue_date: NaiveDate,
    /// The licence.
    #[serde(flatten)]
    pub licence: Licence,
    /// Its type's names and its items named, typed and formatted by the
    /// licence catalogue, once the `CATALOGUE` check has passed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub catalogue: Option<crate::catalogue::CheckedLicence>,
}

/// The verification report. Serialises as [`Report::to_json`]; reads as
/// [`Report::render`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Report {
    /// VALID, INVALID or INDETERMINATE.
    pub verdict: Verdict,
    /// What the verdict means for the holder ([`Category::of`] the verdict
    /// and its reason): valid, unreadable, not genuine, not in force, not
    /// accepted here, or cannot tell.
    pub category: Category,
    /// The code that decided the verdict: `OK`, or the first check that did not pass.
    pub reason: ReasonCode,
    /// The time the licence was checked against.
    pub checked_at: UnixTime,
    /// Every check, in order.
    pub checks: Vec<Check>,
    /// The licence, once its signature has verified (never before).
    pub licence: Option<DecodedLicence>,
    /// The issuing authority, once the signature has verified.
    pub authority: Option<AuthorityInfo>,
    /// Warnings that do not change the verdict.
    pub warnings: Vec<LicenceWarning>,
    /// The licence's status from its authority's status list, when read.
    pub status: Option<Status>,
    /// The recognition policy's decision (bundle with a policy only).
    pub recognition: Option<Decision>,
}

impl Report {
    fn new(now: UnixTime, include_decode: bool, bundle: bool) -> Self {
        let checks = CheckKind::ALL
            .iter()
            .filter(|k| include_decode || **k != CheckKind::Decode)
            .filter(|k| bundle || !CheckKind::BUNDLE_ONLY.contains(k))
            .map(|&check| Check {
                check,
                outcome: Outcome::Skipped,
                reason: ReasonCode::NotChecked,
                detail: Cow::Borrowed("not checked"),
            })
            .collect();
        Report {
            verdict: Verdict::Invalid,
            category: Category::CannotTell,
            reason: ReasonCode::NotChecked,
            checked_at: now,
            checks,
            licence: None,
            authority: None,
            warnings: Vec::new(),
            status: None,
            recognition: None,
        }
    }

    /// Records an undecidable check (missing or stale trust material) and closes the report.
    fn indeterminate(
        mut self,
        kind: CheckKind,
        reason: ReasonCode,
        detail: impl Into<Cow<'static, str>>,
    ) -> Self {
        self.set(kind, Outcome::Indeterminate, reason, detail);
        self.verdict = Verdict::Indeterminate;
        self.reason = reason;
        self.category = Category::of(self.verdict, reason);
        self
    }

    fn set(
        &mut self,
        kind: CheckKind,
        outcome: Outcome,
        reason: ReasonCode,
        detail: impl Into<Cow<'static, str>>,
    ) {
        if let Some(c) = self.checks.iter_mut().find(|c| c.check == kind) {
            c.outcome = outcome;
            c.reason = reason;
            c.detail = detail.into();
        }
    }

    fn pass(&mut self, kind: CheckKind, detail: impl Into<Cow<'static, str>>) {
        self.set(kind, Outcome::Pass, ReasonCode::Ok, detail);
    }

    /// Records a failure and closes the report.
    fn fail(
        mut self,
        kind: CheckKind,
        reason: ReasonCode,
        detail: impl Into<Cow<'static, str>>,
    ) -> Self {
        self.set(kind, Outcome::Fail, reason, detail);
        self.verdict = Verdict::Invalid;
        self.reason = reason;
        self.category = Category::of(self.verdict, reason);
        self
    }

    /// The check of this kind, if it is part of the report.
    pub fn check(&self, kind: CheckKind) -> Option<&Check> {
        self.checks.iter().find(|c| c.check == kind)
    }
}

/// Why a status list is stale, in words.
fn stale_cause(cause: crate::status::StaleCause) -> &'static str {
    use crate::status::StaleCause;
    match cause {
        StaleCause::MaxAge => "older than the policy's maximum age",
        StaleCause::Expired => "past its expiry",
        StaleCause::TtlElapsed => "past its time to live",
    }
}

/// Default grace period past a trust list's next update: one day.
pub const DEFAULT_TRUST_LIST_GRACE_SECONDS: i64 = 86_400;

/// A check that did not pass: its outcome, reason and detail.
type CheckFailure = (Outcome, ReasonCode, Cow<'static, str>);

/// Verification options.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct VerifyOptions {
    /// Clock-skew leeway in seconds, applied to `iat`, `nbf` and `exp` (default 300).
    pub leeway_seconds: i64,
    /// How long past its next-update time a trust list is still used (default one day).
    pub trust_list_grace_seconds: i64,
    /// What the licence is being checked for, matched against the recognition
    /// policy's purposes; `None` skips that check.
    pub purpose: Option<String>,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        VerifyOptions {
            leeway_seconds: DEFAULT_LEEWAY_SECONDS,
            trust_list_grace_seconds: DEFAULT_TRUST_LIST_GRACE_SECONDS,
            purpose: None,
        }
    }
}

impl VerifyOptions {
    /// These options with a clock-skew leeway of `seconds`.
    pub fn with_leeway(mut self, seconds: i64) -> Self {
        self.leeway_seconds = seconds;
        self
    }

    /// These options with a trust-list grace period of `seconds`.
    pub fn with_trust_list_grace(mut self, seconds: i64) -> Self {
        self.trust_list_grace_seconds = seconds;
        self
    }

    /// These options checking licences for `purpose` (or for no particular
    /// purpose with `None`).
    pub fn with_purpose(mut self, purpose: Option<String>) -> Self {
        self.purpose = purpose;
        self
    }
}

/// Verifies licences against a [`TrustStore`].
#[derive(Clone, Debug)]
pub struct Verifier {
    trust: TrustStore,
    options: VerifyOptions,
    bundle: Option<TrustBundle>,
    catalogues: std::sync::Arc<CatalogueSet>,
}

impl Verifier {
    /// A verifier with default options, trusting a set of region roots and
    /// knowing a set of authority certificates (no trust lists, status lists
    /// or recognition policy: those checks are not part of its reports).
    pub fn new(trust: TrustStore) -> Self {
        Verifier {
            trust,
            options: VerifyOptions::default(),
            bundle: None,
            catalogues: std::sync::Arc::new(CatalogueSet::national()),
        }
    }

    /// A verifier for a trust bundle: the region roots of its federation
    /// list, the authorities of its region lists, their status lists and its
    /// recognition policy. Reports add the `TRUST_LIST`, `STATUS` and
    /// `RECOGNITION` checks.
    pub fn from_bundle(bundle: TrustBundle) -> Result<Self, PkiError> {
        let roots: Vec<Certificate> = bundle
            .federation()
            .regions
            .iter()
            .map(|r| r.root.clone())
            .collect();
        // Only listed certificates are known: a licence signed by any other
        // is SIGNER_UNKNOWN (INDETERMINATE). A certificate on two lists is
        // known once. Their chains were validated when the lists were taken
        // in, and are not validated again.
        for r in &roots {
            r.check_region_root()?;
        }
        Ok(Verifier {
            trust: TrustStore::from_validated(roots, bundle.listed_chains()),
            options: VerifyOptions::default(),
            catalogues: std::sync::Arc::new(bundle.catalogues().clone()),
            bundle: Some(bundle),
        })
    }

    /// The trust bundle, if the verifier was made from one.
    pub fn bundle(&self) -> Option<&TrustBundle> {
        self.bundle.as_ref()
    }

    /// Checks licences' types and items against `catalogues` instead of
    /// the built-in national catalogue (a verifier made from a bundle uses
    /// the bundle's, [`TrustBundle::catalogues`]).
    pub fn with_catalogues(mut self, catalogues: CatalogueSet) -> Self {
        self.catalogues = std::sync::Arc::new(catalogues);
        self
    }

    /// The licence catalogues licences are checked against.
    pub fn catalogues(&self) -> &CatalogueSet {
        &self.catalogues
    }

    /// Sets the options.
    pub fn with_options(mut self, options: VerifyOptions) -> Self {
        self.options = options;
        self
    }

    /// The trust store.
    pub fn trust(&self) -> &TrustStore {
        &self.trust
    }

    /// The options reports are made with (see [`Verifier::with_options`]).
    pub fn options(&self) -> &VerifyOptions {
        &self.options
    }

    /// Verifies QR text at `now` (Unix seconds).
    pub fn verify_qr(&self, text: &str, now: UnixTime) -> Report {
        self.verify_qr_with(text, now, &self.options)
    }

    /// Verifies QR text at `now` (Unix seconds) with `options` instead of
    /// the verifier's own: for a service whose requests each name their
    /// purpose, without a verifier per purpose.
    pub fn verify_qr_with(&self, text: &str, now: UnixTime, options: &VerifyOptions) -> Report {
        let mut report = Report::new(now, true, self.bundle.is_some());
        match envelope::from_qr_text(text) {
            Ok(cose) => {
                report.pass(CheckKind::Decode, "EL2: text decoded");
                self.verify_inner(&cose, options, report)
            }
            Err(e) => report.fail(CheckKind::Decode, e.reason(), e.to_string()),
        }
    }

    /// Verifies COSE_Sign1 bytes at `now` (Unix seconds).
    pub fn verify_cose(&self, cose: &[u8], now: UnixTime) -> Report {
        self.verify_cose_with(cose, now, &self.options)
    }

    /// Verifies COSE_Sign1 bytes at `now` (Unix seconds) with `options`
    /// instead of the verifier's own.
    pub fn verify_cose_with(&self, cose: &[u8], now: UnixTime, options: &VerifyOptions) -> Report {
        self.verify_inner(
            cose,
            options,
            Report::new(now, false, self.bundle.is_some()),
        )
    }

    fn verify_inner(&self, cose: &[u8], options: &VerifyOptions, report: Report) -> Report {
        let (sign1, candidates, report) = match self.envelope_and_signer(cose, report) {
            Ok(found) => found,
            Err(closed) => return closed,
        };
        // SIGNATURE: try every candidate; kids can collide.
        let tbs = sign1.to_be_signed();
        match self.signature_one_by_one(&sign1, &tbs, candidates) {
            Ok(signer) => {
                let how = verified_alone(sign1.algorithm());
                self.after_signature(&sign1, signer, how, options, report)
            }
            Err(e) => report.fail(CheckKind::Signature, e.reason(), e.to_string()),
        }
    }

    /// The `ENVELOPE` and `SIGNER` checks. `Err` carries a closed report.
    #[allow(clippy::result_large_err)] // the one report, moved through
    fn envelope_and_signer<'s>(
        &'s self,
        cose: &[u8],
        mut report: Report,
    ) -> Result<(Sign1, &'s [Candidate], Report), Report> {
        // ENVELOPE
        let sign1 = match Sign1::decode(cose, ArtifactType::Licence) {
            Ok(s) => s,
            Err(e) => return Err(report.fail(CheckKind::Envelope, e.reason(), e.to_string())),
        };
        report.pass(
            CheckKind::Envelope,
            match sign1.algorithm() {
                crate::alg::Algorithm::EdDsa => "strict COSE_Sign1, EdDSA, typ 65100",
                crate::alg::Algorithm::Sm2Sm3 => "strict COSE_Sign1, SM2-SM3, typ 65100",
                crate::alg::Algorithm::Es256 => "strict COSE_Sign1, ES256, typ 65100",
            },
        );
        // SIGNER
        let Some(candidates) = self.trust.by_kid.get(sign1.kid()) else {
            let detail = format!(
                "no known certificate has kid {}",
                crate::pki::hex_string(sign1.kid())
            );
            return Err(report.indeterminate(CheckKind::Signer, ReasonCode::SignerUnknown, detail));
        };
        report.pass(
            CheckKind::Signer,
            match candidates.len() {
                1 => Cow::Borrowed("one certificate has this kid"),
                n => Cow::Owned(format!("{n} certificates share this kid; each is tried")),
            },
        );
        Ok((sign1, candidates, report))
    }

    /// Strict verification under each candidate in turn: the first that
    /// verifies is the signer; if none does, the first candidate's error.
    fn signature_one_by_one(
        &self,
        sign1: &Sign1,
        tbs: &[u8],
        candidates: &[Candidate],
    ) -> Result<Candidate, crate::alg::SignatureError> {
        let mut first_err = None;
        for c in candidates {
            match crate::alg::verify_as(
                sign1.algorithm(),
                self.candidate_cert(*c).public_key(),
                tbs,
                sign1.signature(),
            ) {
                Ok(()) => return Ok(*c),
                Err(e) => {
                    first_err.get_or_insert(e);
                }
            }
        }
        Err(first_err.expect("a kid maps to at least one candidate"))
    }

    /// Verifies many QR texts at `now`, using Ed25519 batch verification for
    /// bulk work (docs/FORMAT.md §6, "Bulk verification"); SM2 and ES256
    /// signatures are verified one by one.
    ///
    /// Returns one report per text, in order, equal to what
    /// [`Verifier::verify_qr`] returns for it (a test checks this over
    /// valid, tampered, malformed, colliding and revoked licences). The
    /// texts are processed in chunks of [`BATCH_SIZE`]: every licence whose
    /// `kid` names exactly one certificate joins its chunk's batch; if the
    /// batch equation fails, each of its signatures is verified on its own,
    /// so one bad licence costs its chunk the batch speed-up, never a wrong
    /// report. See [`crate::alg::verify_batch`] for the one kind of
    /// signature (deliberately made by the key's holder) on which batch and
    /// single verification can disagree.
    pub fn verify_qr_batch(&self, texts: &[&str], now: UnixTime) -> Vec<Report> {
        self.verify_qr_batch_with(texts, now, &self.options)
    }

    /// [`Verifier::verify_qr_batch`] with `options` instead of the
    /// verifier's own.
    pub fn verify_qr_batch_with(
        &self,
        texts: &[&str],
        now: UnixTime,
        options: &VerifyOptions,
    ) -> Vec<Report> {
        let mut reports = Vec::with_capacity(texts.len());
        for chunk in texts.chunks(BATCH_SIZE) {
            self.verify_chunk(chunk, now, options, &mut reports);
        }
        reports
    }

    fn verify_chunk(
        &self,
        texts: &[&str],
        now: UnixTime,
        options: &VerifyOptions,
        reports: &mut Vec<Report>,
    ) {
        /// A licence whose envelope and signer checks passed.
        struct Pending<'s> {
            slot: usize,
            sign1: Sign1,
            tbs: Vec<u8>,
            candidates: &'s [Candidate],
            report: Report,
        }
        let mut slots: Vec<Option<Report>> = Vec::with_capacity(texts.len());
        let mut pending: Vec<Pending<'_>> = Vec::new();
        for (slot, text) in texts.iter().enumerate() {
            let mut report = Report::new(now, true, self.bundle.is_some());
            let cose = match envelope::from_qr_text(text) {
                Ok(cose) => cose,
                Err(e) => {
                    slots.push(Some(report.fail(
                        CheckKind::Decode,
                        e.reason(),
                        e.to_string(),
                    )));
                    continue;
                }
            };
            report.pass(CheckKind::Decode, "EL2: text decoded");
            match self.envelope_and_signer(&cose, report) {
                Ok((sign1, candidates, report)) => {
                    slots.push(None); // filled once the signature is decided
                    let tbs = sign1.to_be_signed();
                    pending.push(Pending {
                        slot,
                        sign1,
                        tbs,
                        candidates,
                        report,
                    });
                }
                Err(closed) => slots.push(Some(closed)),
            }
        }
        // One batch over every licence with a single candidate signer whose
        // algorithm batches (Ed25519), named as such in the header.
        let batchable = |p: &Pending<'_>| {
            p.candidates.len() == 1 && {
                let key = self.candidate_cert(p.candidates[0]).public_key();
                key.algorithm().spec().batch && p.sign1.algorithm() == key.algorithm()
            }
        };
        let batched: Vec<usize> = (0..pending.len())
            .filter(|&i| batchable(&pending[i]))
            .collect();
        let batch_ok = batched.len() > 1 && {
            let messages: Vec<&[u8]> = batched.iter().map(|&i| &pending[i].tbs[..]).collect();
            let signatures: Vec<&[u8]> = batched
                .iter()
                .map(|&i| pending[i].sign1.signature())
                .collect();
            let keys: Vec<&crate::alg::PublicKey> = batched
                .iter()
                .map(|&i| self.candidate_cert(pending[i].candidates[0]).public_key())
                .collect();
            crate::alg::verify_batch(&messages, &signatures, &keys).is_ok()
        };
        for p in pending {
            let decided = if batch_ok && batchable(&p) {
                Ok((p.candidates[0], VERIFIED_IN_BATCH))
            } else {
                self.signature_one_by_one(&p.sign1, &p.tbs, p.candidates)
                    .map(|signer| (signer, verified_alone(p.sign1.algorithm())))
            };
            slots[p.slot] = Some(match decided {
                Ok((signer, how)) => self.after_signature(&p.sign1, signer, how, options, p.report),
                Err(e) => p
                    .report
                    .fail(CheckKind::Signature, e.reason(), e.to_string()),
            });
        }
        reports.extend(slots.into_iter().flatten());
    }

    /// Every check after `SIGNATURE`, for a licence whose signature verified
    /// under `signer`.
    fn after_signature(
        &self,
        sign1: &Sign1,
        signer: Candidate,
        how: &'static str,
        options: &VerifyOptions,
        mut report: Report,
    ) -> Report {
        let now = report.checked_at.as_secs();
        let leeway = options.leeway_seconds;
        report.pass(CheckKind::Signature, how);
        let cert = self.candidate_cert(signer);
        let chain = match signer {
            Candidate::Authority(i) => self.trust.authorities[i]
                .chain
                .as_ref()
                .map_err(Clone::clone),
            Candidate::Root(_) => Err(PkiError::CaAsEndEntity),
        };
        report.authority = Some(AuthorityInfo {
            name: cert.common_name().to_owned(),
            credit_code: chain.as_ref().ok().map(|v| v.credit_code.clone()),
            region: cert.region().cloned(),
            root_name: chain
                .as_ref()
                .ok()
                .map(|v| self.trust.roots[v.root_index].common_name().to_owned()),
            kid: crate::pki::hex_string(cert.kid()),
        });
        // CLAIMS (authenticated from here on)
        let licence = match Licence::from_claims(sign1.payload()) {
            Ok(l) => l,
            Err(e) => return report.fail(CheckKind::Claims, e.reason(), e.to_string()),
        };
        report.pass(CheckKind::Claims, "licence claims well-formed");
        report.warnings = licence.warnings();
        let iat = licence.issued_at();
        report.licence = Some(DecodedLicence {
            identifier: chain
                .as_ref()
                .ok()
                .map(|v| licence.identifier(&v.credit_code)),
            issue_date: cst_date(iat).expect("iat was range-checked"),
            licence,
            catalogue: None,
        });
        // CERTIFICATE: chain (validated once per store) and validity at iat.
        let validated = match chain.and_then(|v| cert.check_time(iat).map(|()| v)) {
            Ok(v) => v,
            Err(e) => return report.fail(CheckKind::Certificate, e.reason(), e.to_string()),
        };
        report.pass(
            CheckKind::Certificate,
            "chains to a trusted region root; valid at iat",
        );
        // The authority as its region vouches for it: the key of its status list.
        let authority = AuthorityId {
            region: validated.region.clone(),
            credit_code: validated.credit_code.clone(),
        };
        // TRUST_LIST (bundle only)
        let listed = match &self.bundle {
            None => None,
            Some(bundle) => {
                let licence = &report.licence.as_ref().expect("set above").licence;
                match self.check_trust_list(bundle, cert, &authority.region, licence, now, options)
                {
                    Ok((detail, level)) => {
                        report.pass(CheckKind::TrustList, detail);
                        Some(level)
                    }
                    Err((Outcome::Indeterminate, reason, detail)) => {
                        return report.indeterminate(CheckKind::TrustList, reason, detail)
                    }
                    Err((_, reason, detail)) => {
                        return report.fail(CheckKind::TrustList, reason, detail)
                    }
                }
            }
        };
        // CATALOGUE: the type and its items, as the national catalogue or
        // the signer's region's extension defines them.
        let decoded = report.licence.as_ref().expect("set above");
        match self.catalogues.check(
            decoded.licence.type_code(),
            &authority.region,
            decoded.licence.items(),
        ) {
            Ok(checked) => {
                let detail = format!(
                    "{} items of type {} ({})",
                    checked.items().len(),
                    checked.licence_type().code(),
                    checked.licence_type().name().en
                );
                report.licence.as_mut().expect("set above").catalogue = Some(checked);
                report.pass(CheckKind::Catalogue, detail);
            }
            Err(e) if e.reason() == ReasonCode::LicenceTypeUnknown => {
                return report.indeterminate(CheckKind::Catalogue, e.reason(), e.to_string())
            }
            Err(e) => return report.fail(CheckKind::Catalogue, e.reason(), e.to_string()),
        }
        // VALIDITY
        let licence = &report.licence.as_ref().expect("set above").licence;
        let v = *licence.validity();
        if iat > now.saturating_add(leeway) {
            return report.fail(
                CheckKind::Validity,
                ReasonCode::LicenceIssuedInFuture,
                format!(
                    "issued at {}, after the time checked ({}) plus {leeway} s leeway",
                    crate::pki::cst(iat),
                    crate::pki::cst(now)
                ),
            );
        }
        if now.saturating_add(leeway) < v.not_before() {
            return report.fail(
                CheckKind::Validity,
                ReasonCode::LicenceNotYetValid,
                format!("valid only from {}", v.from),
            );
        }
        if let Some(exp) = v.expires() {
            if now.saturating_sub(leeway) >= exp {
                return report.fail(
                    CheckKind::Validity,
                    ReasonCode::LicenceExpired,
                    format!("expired after {}", v.until.expect("exp implies until")),
                );
            }
        }
        report.pass(
            CheckKind::Validity,
            if v.until.is_none() {
                Cow::Borrowed("within its validity (long-term)")
            } else {
                Cow::Borrowed("within its validity period")
            },
        );
        // STATUS
        report = match self.check_status(&authority, report) {
            Ok(passed) => passed,
            Err(closed) => return closed,
        };
        // RECOGNITION (bundle only)
        if let (Some(bundle), Some(level)) = (&self.bundle, listed) {
            report = match self.check_recognition(bundle, &authority.region, level, options, report)
            {
                Ok(passed) => passed,
                Err(closed) => return closed,
            };
        }
        report.verdict = Verdict::Valid;
        report.reason = ReasonCode::Ok;
        report.category = Category::Valid;
        report
    }

    /// The `TRUST_LIST` check: the issuing region's list is held and fresh,
    /// the authority is on it, its state allows a licence issued at `iat`,
    /// and it may issue the licence's type.
    fn check_trust_list(
        &self,
        bundle: &TrustBundle,
        cert: &Certificate,
        region: &RegionCode,
        licence: &Licence,
        now: i64,
        options: &VerifyOptions,
    ) -> Result<(Cow<'static, str>, TrustLevel), CheckFailure> {
        let grace = options.trust_list_grace_seconds;
        let undecided =
            |reason, detail: String| (Outcome::Indeterminate, reason, Cow::Owned(detail));
        let fail = |reason, detail: String| (Outcome::Fail, reason, Cow::Owned(detail));
        let federation = bundle.federation();
        check_fresh(federation.next_update, UnixTime::from_secs(now), grace)
            .map_err(|e| undecided(e.reason(), format!("the federation trust list: {e}")))?;
        let list = bundle.region_list(region).ok_or_else(|| {
            undecided(
                ReasonCode::TrustListMissing,
                format!("the trust bundle has no trust list for region {region}"),
            )
        })?;
        check_fresh(list.next_update, UnixTime::from_secs(now), grace).map_err(|e| {
            undecided(
                e.reason(),
                format!("the trust list of region {region}: {e}"),
            )
        })?;
        let entry = list.authority(cert).ok_or_else(|| {
            fail(
                ReasonCode::AuthorityNotListed,
                format!(
                    "{} is not on the trust list of region {region}",
                    cert.common_name()
                ),
            )
        })?;
        entry.state.check(licence.issued_at()).map_err(|reason| {
            fail(
                reason,
                format!(
                    "{} is {} on the trust list of region {region}, and the licence was issued at {}",
                    cert.common_name(),
                    entry.state,
                    crate::pki::cst(licence.issued_at())
                ),
            )
        })?;
        if !entry.may_issue(licence.type_code()) {
            return Err(fail(
                ReasonCode::AuthorityTypeNotAuthorised,
                format!(
                    "{} may not issue licences of type {}",
                    cert.common_name(),
                    licence.type_code()
                ),
            ));
        }
        Ok((
            Cow::Owned(format!(
                "listed by region {region} (sequence {}), trust level {}",
                list.sequence, entry.level
            )),
            entry.level,
        ))
    }

    /// The `STATUS` check: the licence's entry in the status list of its
    /// authority as its region lists it. `Err` carries a closed report.
    ///
    /// * Revoked is final: a list that says revoked proves it however old
    ///   the list is (`LICENCE_REVOKED`).
    /// * A suspended entry of a fresh list is `LICENCE_SUSPENDED`; of a stale
    ///   list, INDETERMINATE (`STATUS_LIST_STALE`) whatever the policy says:
    ///   the suspension may have been lifted, or turned into a revocation,
    ///   since.
    /// * A valid entry of a stale list, or a missing list, is INDETERMINATE,
    ///   unless the policy's `status_missing` is `"warn"`: then the check
    ///   passes with a warning.
    /// * A licence without a status index is refused when the policy sets
    ///   `require_status`, and earns the warning `STATUS_INDEX_MISSING`
    ///   otherwise.
    /// * A verifier without a bundle that holds no status list for the
    ///   authority does not check: outcome `NOT_CHECKED` and the warning
    ///   `STATUS_NOT_CHECKED`.
    // Both arms hold the one report, moved through and never copied.
    #[allow(clippy::result_large_err)]
    fn check_status(&self, authority: &AuthorityId, mut report: Report) -> Result<Report, Report> {
        let now = report.checked_at.as_secs();
        let policy = self.bundle.as_ref().and_then(TrustBundle::policy);
        let index = report
            .licence
            .as_ref()
            .expect("set before")
            .licence
            .status_index();
        let warn = |report: &mut Report, code, message: String| {
            report.warnings.push(LicenceWarning {
                code,
                field: "status_index",
                message,
            });
        };
        let Some(i) = index else {
            if policy.is_some_and(Policy::require_status) {
                return Err(report.fail(
                    CheckKind::Status,
                    ReasonCode::StatusIndexMissing,
                    "the licence has no status-list index, so it can never be revoked; \
                     the recognition policy requires one",
                ));
            }
            warn(
                &mut report,
                ReasonCode::StatusIndexMissing,
                "the licence has no status-list index: it can never be revoked or suspended".into(),
            );
            report.pass(
                CheckKind::Status,
                "the licence has no status-list index (see the warning)",
            );
            return Ok(report);
        };
        let token = match &self.bundle {
            Some(bundle) => bundle.status_list(authority),
            None => self.trust.status_list(authority),
        };
        let missing_is_warning = matches!(
            policy.map(Policy::status_missing),
            Some(StatusMissing::Warn)
        );
        let undecidable = |mut report: Report, reason: ReasonCode, detail: String| {
            if missing_is_warning {
                warn(
                    &mut report,
                    reason,
                    format!("{detail}; the policy accepts the licence with this warning"),
                );
                report.pass(
                    CheckKind::Status,
                    "not checked: status list unavailable (see the warning)",
                );
                Ok(report)
            } else {
                Err(report.indeterminate(CheckKind::Status, reason, detail))
            }
        };
        let Some(token) = token else {
            if self.bundle.is_none() {
                warn(
                    &mut report,
                    ReasonCode::StatusNotChecked,
                    format!(
                        "nobody checked whether this licence was revoked or suspended: \
                         no status list of {authority} was given"
                    ),
                );
                report.set(
                    CheckKind::Status,
                    Outcome::NotChecked,
                    ReasonCode::StatusNotChecked,
                    format!("not checked: no status list of {authority} was given"),
                );
                return Ok(report);
            }
            return undecidable(
                report,
                ReasonCode::StatusListMissing,
                format!("the trust bundle has no status list of {authority}"),
            );
        };
        let status = match token.status(i) {
            Ok(status) => status,
            Err(e) => return Err(report.fail(CheckKind::Status, e.reason(), e.to_string())),
        };
        report.status = Some(status);
        let max_age = policy.map_or(i64::MAX, Policy::max_status_age_seconds);
        let issued = crate::pki::cst(token.issued_at());
        let entry = format!("entry {i} of the status list of {authority}, issued at {issued},");
        match (status, token.freshness(UnixTime::from_secs(now), max_age)) {
            (Status::Revoked, freshness) => Err(report.fail(
                CheckKind::Status,
                ReasonCode::LicenceRevoked,
                if freshness.is_fresh() {
                    format!("{entry} is revoked")
                } else {
                    format!("{entry} is revoked (the list is stale, but revocation is final)")
                },
            )),
            (Status::Suspended, Freshness::Fresh { .. }) => Err(report.fail(
                CheckKind::Status,
                ReasonCode::LicenceSuspended,
                format!("{entry} is suspended"),
            )),
            (Status::Suspended, Freshness::Stale { cause, until }) => Err(report.indeterminate(
                CheckKind::Status,
                ReasonCode::StatusListStale,
                format!(
                    "{entry} is suspended, but the list is stale ({}) since {}: \
                     the licence may have been reinstated or revoked since",
                    stale_cause(cause),
                    crate::pki::cst(until.saturating_add(1))
                ),
            )),
            (Status::Valid, Freshness::Stale { cause, until }) => undecidable(
                report,
                ReasonCode::StatusListStale,
                format!(
                    "the status list of {authority} is stale ({}) since {}",
                    stale_cause(cause),
                    crate::pki::cst(until.saturating_add(1))
                ),
            ),
            (Status::Valid, Freshness::Fresh { .. }) => {
                report.pass(CheckKind::Status, format!("{entry} is valid"));
                Ok(report)
            }
        }
    }

    /// The `RECOGNITION` check. `Err` carries a closed report.
    #[allow(clippy::result_large_err)]
    fn check_recognition(
        &self,
        bundle: &TrustBundle,
        region: &RegionCode,
        level: TrustLevel,
        options: &VerifyOptions,
        mut report: Report,
    ) -> Result<Report, Report> {
        let Some(policy) = bundle.policy() else {
            report.pass(
                CheckKind::Recognition,
                "the trust bundle has no recognition policy",
            );
            return Ok(report);
        };
        let type_code = report
            .licence
            .as_ref()
            .expect("set before")
            .licence
            .type_code()
            .clone();
        let decision = policy.decide(&RecognitionInput {
            issuing_region: region.clone(),
            type_code,
            trust_level: level,
            purpose: options.purpose.clone(),
        });
        report.recognition = Some(decision.clone());
        match decision {
            Decision::Recognised { local_type, mapped } => {
                report.pass(
                    CheckKind::Recognition,
                    if mapped {
                        format!("recognised as local type {local_type}")
                    } else {
                        format!("recognised as type {local_type}")
                    },
                );
                Ok(report)
            }
            Decision::NotRecognised { reason, detail } => {
                Err(report.fail(CheckKind::Recognition, reason, detail))
            }
        }
    }

    fn candidate_cert(&self, c: Candidate) -> &Certificate {
        match c {
            Candidate::Authority(i) => &self.trust.authorities[i].cert,
            Candidate::Root(i) => &self.trust.roots[i],
        }
    }
}

/// What [`inspect_qr`] finds, without trusting anything.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Inspection {
    /// Always `true`: nothing here has been verified.
    pub untrusted: bool,
    /// The `kid`, hex.
    pub kid: String,
    /// The `typ`.
    pub typ: crate::envelope::Typ,
    /// Size of the COSE_Sign1 in bytes.
    pub cose_len: usize,
    /// The claims as decoded, if they decode.
    pub licence: Option<Licence>,
    /// The licence's claimed time of issue in China Standard Time
    /// (`2024-05-20T10:00:00+08:00`), beside its `issued_at`.
    pub issued_at_cst: Option<String>,
    /// Why the claims did not decode, if they did not.
    pub claims_error: Option<String>,
    /// The claimed type's names and items as the built-in national
    /// catalogue names them, when it defines the type and the items follow
    /// it (as untrusted as the rest).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub catalogue: Option<crate::catalogue::CheckedLicence>,
}

/// Decodes QR text without verifying anything. For display and debugging
/// only: every field is untrusted.
pub fn inspect_qr(text: &str) -> Result<Inspection, envelope::EnvelopeError> {
    let cose = envelope::from_qr_text(text)?;
    let sign1 = Sign1::decode(&cose, ArtifactType::Licence)?;
    let (licence, claims_error) = match Licence::from_claims(sign1.payload()) {
        Ok(l) => (Some(l), None),
        Err(e) => (None, Some(e.to_string())),
    };
    Ok(Inspection {
        untrusted: true,
        kid: crate::pki::hex_string(sign1.kid()),
        typ: ArtifactType::Licence.typ(),
        cose_len: cose.len(),
        issued_at_cst: licence
            .as_ref()
            .map(|l| UnixTime::from_secs(l.issued_at()).cst_rfc3339()),
        catalogue: licence.as_ref().and_then(|l| {
            crate::catalogue::Catalogue::national()
                .type_arc(l.type_code())
                .and_then(|t| t.check(l.items()).ok())
        }),
        licence,
        claims_error,
    })
}

#[cfg(test)]
mod tests;
