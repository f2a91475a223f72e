//! Verifying sealed signatures in GB/T 38540's order.
//!
//! A [`SealVerifier`] uses the trust of a licence [`Verifier`]: its region
//! roots, the authority certificates it knows (seal makers among them), their
//! status lists, and, when made from a trust bundle, the region trust lists.
//! Each sealed signature gives a [`SealReport`] shaped like a licence
//! report: a verdict ([`Verdict`]) with its [`Category`] (the words of
//! licence reports), a [`Problem`] telling a person what
//! kind of problem decided it, every check in order with its [`Outcome`],
//! reason code and one sentence, then the seal (once its maker's signature
//! has verified) with its picture for display.
//!
//! The checks, in the standard's order, each only if the one before passed
//! (docs/FORMAT.md §18.4):
//!
//! | check | GB/T 38540 step | what | failing codes |
//! |---|---|---|---|
//! | `FORMAT` | — | strict envelope of the sealed signature, its claims, the signer certificate, the embedded seal and its picture | `CBOR_*`, `COSE_*`, `INPUT_TOO_LARGE`, `SEALED_SIGNATURE_MALFORMED`, `SEAL_MALFORMED`, `SEAL_PICTURE_*`, `CERT_MALFORMED`, `IDENTIFIER_*` |
//! | `SIGNATURE` | 1 | the signature over the signed data, under the carried signer certificate (its `kid`, its algorithm) | `SIGNATURE_INVALID`, `SIGNATURE_NON_CANONICAL`, `ALG_KEY_MISMATCH` |
//! | `SIGNER_LISTED` | 2 | the signer certificate's digest is in the seal's list | `SIGNER_NOT_IN_SEAL` |
//! | `SEAL_SIGNATURE` | 3 | the seal maker's signature over the seal, under a known authority certificate with the seal's `kid` | `SIGNER_UNKNOWN` (INDETERMINATE), `SIGNATURE_INVALID`, `ALG_KEY_MISMATCH` |
//! | `SEAL_MAKER` | 4 | the maker's certificate: the seal-making usage, a chain to a trusted region root, valid when the seal was made; with a bundle, on its region's current list and neither retired nor compromised by then | `CERT_*`, `ISSUER_NOT_TRUSTED`, `AUTHORITY_*`, `TRUST_LIST_*` |
//! | `SEAL_VALIDITY` | 5 | the signing time within the seal's validity, and not in the future | `SEAL_NOT_YET_VALID`, `SEAL_EXPIRED`, `SEALED_IN_FUTURE` |
//! | `SEAL_STATUS` | 5 | the seal's entry in its maker's status list | `SEAL_REVOKED`, `SEAL_SUSPENDED`, `STATUS_*`; `NOT_CHECKED` without a list and without a bundle |
//! | `SIGNER_CERTIFICATE` | 6 | the signer certificate: the document-sealing usage, a chain to a trusted region root, valid at the signing time, the owner of an organisation seal; with a bundle, on its region's current list and neither retired nor compromised at the signing time | `CERT_*`, `ISSUER_NOT_TRUSTED`, `SEAL_OWNER_MISMATCH`, `AUTHORITY_*`, `TRUST_LIST_*` |
//! | `DOCUMENT_DIGEST` | 7 | the document's digest equals the sealed one | `DOCUMENT_DIGEST_MISMATCH` |

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write as _;

use serde::Serialize;

use super::{
    DigestAlgorithm, DocumentDigest, DocumentProperties, Owner, SealKind, SealedSignature,
};
use crate::artifact::SignerRole;
use crate::bundle::TrustBundle;
use crate::envelope::{ArtifactType, Sign1};
use crate::lang::Lang;
use crate::licence::LicenceWarning;
use crate::pki::{
    cst, hex_string, validate_chain, Certificate, PkiError, Usage, ValidatedAuthority,
};
use crate::policy::{Policy, StatusMissing};
use crate::status::{Freshness, Status};
use crate::time::UnixTime;
use crate::trust::{check_fresh, AuthorityId};
use crate::verify::{Category, Outcome, Verdict, Verifier};
use crate::ReasonCode;

/// The checks of a sealed signature, in the order they run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
pub enum SealCheckKind {
    /// Strict decoding of the signature file and the seal in it.
    Format,
    /// GB/T 38540 step 1: the signature over the signed data.
    Signature,
    /// Step 2: the signer certificate is listed in the seal.
    SignerListed,
    /// Step 3: the seal maker's signature over the seal.
    SealSignature,
    /// Step 4: the seal maker's certificate and trust.
    SealMaker,
    /// Step 5: the seal's validity at the signing time.
    SealValidity,
    /// Step 5: the seal's status (revoked, suspended).
    SealStatus,
    /// Step 6: the signer certificate's validity at the signing time.
    SignerCertificate,
    /// Step 7: the document's digest.
    DocumentDigest,
}

impl SealCheckKind {
    /// Every check, in order.
    pub const ALL: [SealCheckKind; 9] = [
        SealCheckKind::Format,
        SealCheckKind::Signature,
        SealCheckKind::SignerListed,
        SealCheckKind::SealSignature,
        SealCheckKind::SealMaker,
        SealCheckKind::SealValidity,
        SealCheckKind::SealStatus,
        SealCheckKind::SignerCertificate,
        SealCheckKind::DocumentDigest,
    ];

    /// Stable name.
    pub const fn as_str(self) -> &'static str {
        match self {
            SealCheckKind::Format => "FORMAT",
            SealCheckKind::Signature => "SIGNATURE",
            SealCheckKind::SignerListed => "SIGNER_LISTED",
            SealCheckKind::SealSignature => "SEAL_SIGNATURE",
            SealCheckKind::SealMaker => "SEAL_MAKER",
            SealCheckKind::SealValidity => "SEAL_VALIDITY",
            SealCheckKind::SealStatus => "SEAL_STATUS",
            SealCheckKind::SignerCertificate => "SIGNER_CERTIFICATE",
            SealCheckKind::DocumentDigest => "DOCUMENT_DIGEST",
        }
    }

    /// The step of GB/T 38540's verification this check performs (1 to 7),
    /// or `None` for decoding.
    pub const fn standard_step(self) -> Option<u8> {
        match self {
            SealCheckKind::Format => None,
            SealCheckKind::Signature => Some(1),
            SealCheckKind::SignerListed => Some(2),
            SealCheckKind::SealSignature => Some(3),
            SealCheckKind::SealMaker => Some(4),
            SealCheckKind::SealValidity | SealCheckKind::SealStatus => Some(5),
            SealCheckKind::SignerCertificate => Some(6),
            SealCheckKind::DocumentDigest => Some(7),
        }
    }
}

/// What kind of problem decided a report, for people and user interfaces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
pub enum Problem {
    /// Nothing: the sealed signature is valid.
    None,
    /// The signature file is not a sealed signature of this format
    /// (truncated, re-tagged, malformed, an unsafe picture).
    Format,
    /// The signature over the signed data does not verify: the signature
    /// file was altered.
    Signature,
    /// The seal does not allow this signer, or is not the maker's.
    Seal,
    /// Trust: a certificate does not chain to a trusted root, lacks its
    /// usage, or its authority is not (or no longer) listed; or trust
    /// material needed is missing.
    Trust,
    /// A time: the seal or a certificate was not valid at the signing time,
    /// or the signing time lies in the future.
    Validity,
    /// The seal's status: revoked or suspended, or its status list stale.
    Status,
    /// The document is not the one sealed.
    Document,
}

impl Problem {
    /// Stable name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Problem::None => "NONE",
            Problem::Format => "FORMAT",
            Problem::Signature => "SIGNATURE",
            Problem::Seal => "SEAL",
            Problem::Trust => "TRUST",
            Problem::Validity => "VALIDITY",
            Problem::Status => "STATUS",
            Problem::Document => "DOCUMENT",
        }
    }

    fn of(kind: SealCheckKind, reason: ReasonCode) -> Self {
        use ReasonCode as R;
        match (kind, reason) {
            (_, R::CertExpired | R::CertNotYetValid) => Problem::Validity,
            (SealCheckKind::Format, _) => Problem::Format,
            (SealCheckKind::Signature, _) => Problem::Signature,
            (SealCheckKind::SignerListed, _) => Problem::Seal,
            (SealCheckKind::SealSignature, R::SignerUnknown) => Problem::Trust,
            (SealCheckKind::SealSignature, _) => Problem::Seal,
            (SealCheckKind::SealMaker, _) => Problem::Trust,
            (SealCheckKind::SealValidity, _) => Problem::Validity,
            (SealCheckKind::SealStatus, _) => Problem::Status,
            (SealCheckKind::SignerCertificate, R::SealOwnerMismatch) => Problem::Seal,
            (SealCheckKind::SignerCertificate, _) => Problem::Trust,
            (SealCheckKind::DocumentDigest, R::InvalidArgument) => Problem::Format,
            (SealCheckKind::DocumentDigest, _) => Problem::Document,
        }
    }
}

/// One check of a [`SealReport`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SealCheck {
    /// Which check.
    pub check: SealCheckKind,
    /// Its step in GB/T 38540's order (1 to 7), `null` for decoding.
    pub step: Option<u8>,
    /// Its outcome.
    pub outcome: Outcome,
    /// Stable reason code (`OK` when passed, `NOT_CHECKED` when not run).
    pub reason: ReasonCode,
    /// One sentence for people.
    pub detail: Cow<'static, str>,
}

/// A seal's picture, for display: its type, printed size and bytes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct PictureInfo {
    /// `svg` or `png`.
    #[serde(rename = "type")]
    pub kind: super::PictureType,
    /// Printed width, millimetres.
    pub width_mm: u32,
    /// Printed height, millimetres.
    pub height_mm: u32,
    /// The picture as a `data:` URI (base64), ready for an `<img>`.
    pub data_uri: String,
    /// The picture's bytes (not in the JSON: see `data_uri`).
    #[serde(skip)]
    pub data: Vec<u8>,
}

/// The seal, as its maker signed it (shown only once that signature verified).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SealInfo {
    /// The seal's identifier (esID).
    pub esid: String,
    /// Organisation or personal.
    pub kind: SealKind,
    /// The seal's name.
    pub name: String,
    /// Its owner.
    pub owner: Owner,
    /// When it was made (Unix seconds).
    pub created_at: i64,
    /// Start of validity.
    pub valid_from: i64,
    /// End of validity (exclusive).
    pub valid_until: i64,
    /// Its index in the maker's status list.
    pub status_index: u64,
    /// The maker's name (certificate common name), credit code and region.
    pub maker: Party,
    /// The picture.
    pub picture: PictureInfo,
}

/// An authority as its certificate says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Party {
    /// Certificate common name.
    pub name: String,
    /// `organizationIdentifier` (the credit code), if any.
    pub credit_code: Option<String>,
    /// Region code, if any.
    pub region: Option<String>,
    /// The certificate's kid, hex.
    pub kid: String,
}

impl Party {
    fn of(cert: &Certificate) -> Self {
        Party {
            name: cert.common_name().to_owned(),
            credit_code: cert.organization_identifier().map(str::to_owned),
            region: cert.region().map(|r| r.as_str().to_owned()),
            kid: hex_string(cert.kid()),
        }
    }
}

/// What was sealed, as the signer signed it (shown once the signature verified).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SealedInfo {
    /// The signer, as its certificate says.
    pub signer: Party,
    /// The signing time (Unix seconds), as the signer claims it.
    pub signed_at: i64,
    /// The document's properties.
    pub document: DocumentProperties,
    /// The digest algorithm.
    pub digest_algorithm: DigestAlgorithm,
    /// The sealed digest, hex.
    pub digest: String,
}

/// The report on one sealed signature.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SealReport {
    /// VALID, INVALID or INDETERMINATE.
    pub verdict: Verdict,
    /// What the verdict means for the holder of the sealed document, in
    /// the words of licence reports ([`Category`]): valid, unreadable, not
    /// genuine, not in force, not accepted here, or cannot tell.
    pub category: Category,
    /// Which part of the sealed signature decided it (`NONE` when valid).
    pub problem: Problem,
    /// The code that decided the verdict: `OK`, or the first check that did not pass.
    pub reason: ReasonCode,
    /// The time the signature was checked at.
    pub checked_at: UnixTime,
    /// Every check, in order.
    pub checks: Vec<SealCheck>,
    /// What was sealed, once the signature verified.
    pub sealed: Option<SealedInfo>,
    /// The seal, once its maker's signature verified.
    pub seal: Option<SealInfo>,
    /// The seal's status in its maker's status list, when read.
    pub status: Option<Status>,
    /// Warnings that do not change the verdict (`STATUS_NOT_CHECKED`, …).
    pub warnings: Vec<LicenceWarning>,
}

impl SealReport {
    fn new(now: UnixTime) -> Self {
        SealReport {
            verdict: Verdict::Invalid,
            category: Category::CannotTell,
            problem: Problem::None,
            reason: ReasonCode::NotChecked,
            checked_at: now,
            checks: SealCheckKind::ALL
                .iter()
                .map(|&check| SealCheck {
                    check,
                    step: check.standard_step(),
                    outcome: Outcome::Skipped,
                    reason: ReasonCode::NotChecked,
                    detail: Cow::Borrowed("not checked"),
                })
                .collect(),
            sealed: None,
            seal: None,
            status: None,
            warnings: Vec::new(),
        }
    }

    fn set(
        &mut self,
        kind: SealCheckKind,
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

    fn pass(&mut self, kind: SealCheckKind, detail: impl Into<Cow<'static, str>>) {
        self.set(kind, Outcome::Pass, ReasonCode::Ok, detail);
    }

    fn close(mut self, failure: Failure) -> Self {
        let (kind, outcome, reason, detail) = failure;
        self.set(kind, outcome, reason, detail);
        self.verdict = if outcome == Outcome::Indeterminate {
            Verdict::Indeterminate
        } else {
            Verdict::Invalid
        };
        self.reason = reason;
        self.problem = Problem::of(kind, reason);
        // A signature file that does not decode is unreadable, whatever
        // the code (a malformed certificate inside it too).
        self.category = match (self.verdict, self.problem) {
            (Verdict::Invalid, Problem::Format) => Category::Unreadable,
            (verdict, _) => Category::of(verdict, reason),
        };
        self
    }

    /// The check of this kind.
    pub fn check(&self, kind: SealCheckKind) -> Option<&SealCheck> {
        self.checks.iter().find(|c| c.check == kind)
    }

    /// The report as JSON, with English messages: [`SealReport::to_json_in`].
    pub fn to_json(&self) -> String {
        self.to_json_in(Lang::En)
    }

    /// The report as JSON (docs/FORMAT.md §18.4), shaped like a licence
    /// report's (§15): its members, plus `lang`, `message` (the verdict and
    /// its category in `lang`), `checked_at_cst`, each check's `name` and
    /// `message` in `lang`, each warning's `message` in `lang` and `detail`,
    /// and the China Standard Time form beside every Unix time of the seal
    /// (`created_at_cst`, `valid_from_cst`, `valid_until_cst`) and of what
    /// was sealed (`signed_at_cst`).
    pub fn to_json_in(&self, lang: Lang) -> String {
        use serde_json::Value;
        let mut v = serde_json::to_value(self).expect("a report always serializes");
        let cst = |t: i64| Value::String(UnixTime::from_secs(t).cst_rfc3339());
        let m = v.as_object_mut().expect("a report is an object");
        m.insert("lang".into(), Value::String(lang.as_str().into()));
        m.insert("message".into(), Value::String(self.headline(lang)));
        m.insert(
            "checked_at_cst".into(),
            Value::String(self.checked_at.cst_rfc3339()),
        );
        if let Some(Value::Array(checks)) = m.get_mut("checks") {
            for (json, c) in checks.iter_mut().zip(&self.checks) {
                if let Some(o) = json.as_object_mut() {
                    o.insert("name".into(), c.check.message(lang).into());
                    let message = match c.outcome {
                        Outcome::Pass | Outcome::Skipped => c.outcome.message(lang),
                        _ => c.reason.message(lang),
                    };
                    o.insert("message".into(), message.into());
                }
            }
        }
        m.insert(
            "warnings".into(),
            serde_json::to_value(crate::verify::render::JsonWarnings(&self.warnings, lang))
                .expect("warnings always serialize"),
        );
        if let (Some(seal), Some(Value::Object(o))) = (&self.seal, m.get_mut("seal")) {
            o.insert("created_at_cst".into(), cst(seal.created_at));
            o.insert("valid_from_cst".into(), cst(seal.valid_from));
            o.insert("valid_until_cst".into(), cst(seal.valid_until));
        }
        if let (Some(sealed), Some(Value::Object(o))) = (&self.sealed, m.get_mut("sealed")) {
            o.insert("signed_at_cst".into(), cst(sealed.signed_at));
        }
        v.to_string()
    }

    /// The verdict for people and, unless valid, what it means:
    /// `无效 — 签章不是真实的，或文件已被改动` / `INVALID — the seal or
    /// signature is not genuine, or the document was changed`.
    pub fn headline(&self, lang: Lang) -> String {
        self.verdict
            .headline(self.category.seal_message(lang), lang)
    }

    /// The report as text in English: [`SealReport::render`].
    pub fn to_text(&self) -> String {
        self.render(Lang::En)
    }

    /// The report as text for people, in `lang`: the verdict and its
    /// category, the reason in words, the time checked (China Standard
    /// Time), the seal and what was sealed, then every check with its
    /// GB/T 38540 step and the warnings.
    pub fn render(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        let label = |zh_label: &str, en: &str| {
            if zh {
                format!("{zh_label}：")
            } else {
                format!("{en}: ")
            }
        };
        let aside = |t: &str| {
            if zh {
                format!("（{t}）")
            } else {
                format!(" ({t})")
            }
        };
        let mut s = String::new();
        let _ = writeln!(s, "{}{}", label("结论", "Verdict"), self.headline(lang));
        if self.verdict != Verdict::Valid {
            let _ = writeln!(
                s,
                "{}{} [{}]",
                label("原因", "Reason"),
                self.reason.message(lang),
                self.reason
            );
        }
        let _ = writeln!(
            s,
            "{}{}",
            label("核验时间", "Checked at"),
            self.checked_at.cst_text(lang)
        );
        let time = |t: i64| UnixTime::from_secs(t).cst_text(lang);
        if let Some(seal) = &self.seal {
            let _ = writeln!(
                s,
                "{}{}{}",
                label("印章", "Seal"),
                seal.name,
                aside(&seal.esid)
            );
            let _ = writeln!(
                s,
                "  {}{}{}",
                label("所有者", "owner"),
                seal.owner.name,
                aside(seal.owner.code.as_str())
            );
            let _ = writeln!(
                s,
                "  {}{}{}{}",
                label("有效期", "valid"),
                time(seal.valid_from),
                if zh { " 至 " } else { " until " },
                time(seal.valid_until)
            );
            let maker_code = seal
                .maker
                .credit_code
                .as_deref()
                .map(&aside)
                .unwrap_or_default();
            let _ = writeln!(
                s,
                "  {}{}{maker_code}",
                label("制作者", "made by"),
                seal.maker.name
            );
            let _ = writeln!(
                s,
                "  {}{}{}",
                label("图片", "picture"),
                seal.picture.kind,
                if zh {
                    format!(
                        "，{} × {} 毫米，{} 字节",
                        seal.picture.width_mm,
                        seal.picture.height_mm,
                        seal.picture.data.len()
                    )
                } else {
                    format!(
                        ", {} × {} mm, {} bytes",
                        seal.picture.width_mm,
                        seal.picture.height_mm,
                        seal.picture.data.len()
                    )
                }
            );
        }
        if let Some(d) = &self.sealed {
            let signer_code = d
                .signer
                .credit_code
                .as_deref()
                .map(&aside)
                .unwrap_or_default();
            let _ = writeln!(
                s,
                "{}{}{signer_code}",
                label("签章人", "Sealed by"),
                d.signer.name
            );
            let _ = writeln!(s, "  {}{}", label("盖章时间", "at"), time(d.signed_at));
            let mut document = d.document.file_name.clone();
            if let Some(p) = d.document.page {
                let _ = if zh {
                    write!(document, "，第 {p} 页")
                } else {
                    write!(document, ", page {p}")
                };
            }
            if let Some((x, y)) = d.document.position_mm {
                let _ = if zh {
                    write!(document, "，位置 ({x}, {y}) 毫米")
                } else {
                    write!(document, " at ({x}, {y}) mm")
                };
            }
            let _ = writeln!(s, "  {}{document}", label("文件", "document"));
            let _ = writeln!(s, "  {}: {}", d.digest_algorithm, d.digest);
        }
        s.push('\n');
        let _ = writeln!(s, "{}", label("校验项目", "Checks").trim_end());
        for c in &self.checks {
            let name = match c.step {
                Some(n) => format!("{n}. {}", c.check.message(lang)),
                None => c.check.message(lang).to_owned(),
            };
            crate::verify::render::write_check(&mut s, lang, c.outcome, &name, c.reason, &c.detail);
        }
        let warnings: Vec<LicenceWarning> = self
            .warnings
            .iter()
            .filter(|w| !self.checks.iter().any(|c| c.reason == w.code))
            .cloned()
            .collect();
        crate::verify::render::warning_lines(&mut s, lang, &warnings);
        s
    }
}

/// A check that did not pass.
type Failure = (SealCheckKind, Outcome, ReasonCode, Cow<'static, str>);

fn fail(kind: SealCheckKind, reason: ReasonCode, detail: impl Into<Cow<'static, str>>) -> Failure {
    (kind, Outcome::Fail, reason, detail.into())
}
fn undecided(
    kind: SealCheckKind,
    reason: ReasonCode,
    detail: impl Into<Cow<'static, str>>,
) -> Failure {
    (kind, Outcome::Indeterminate, reason, detail.into())
}

/// What the verdicts of several sealed signatures on one document say together.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Summary {
    /// VALID when every signature is; INVALID when one is; INDETERMINATE otherwise.
    pub verdict: Verdict,
    /// Number of signatures.
    pub signatures: usize,
    /// How many are VALID.
    pub valid: usize,
    /// How many are INVALID.
    pub invalid: usize,
    /// How many are INDETERMINATE.
    pub indeterminate: usize,
}

/// The summary of the reports on one document's sealed signatures (joint
/// issuance): VALID only when there is at least one and all are.
pub fn summarise(reports: &[SealReport]) -> Summary {
    let count = |v| reports.iter().filter(|r| r.verdict == v).count();
    let (valid, invalid, indeterminate) = (
        count(Verdict::Valid),
        count(Verdict::Invalid),
        count(Verdict::Indeterminate),
    );
    let verdict = if invalid > 0 || reports.is_empty() {
        Verdict::Invalid
    } else if indeterminate > 0 {
        Verdict::Indeterminate
    } else {
        Verdict::Valid
    };
    Summary {
        verdict,
        signatures: reports.len(),
        valid,
        invalid,
        indeterminate,
    }
}

/// A known authority certificate and its chain as a seal maker.
#[derive(Clone, Debug)]
struct Known {
    cert: Certificate,
    maker_chain: Result<ValidatedAuthority, PkiError>,
}

/// Verifies sealed signatures with the trust of a licence [`Verifier`].
#[derive(Clone, Debug)]
pub struct SealVerifier {
    verifier: Verifier,
    by_kid: HashMap<[u8; 8], Vec<usize>>,
    known: Vec<Known>,
}

impl SealVerifier {
    /// A seal verifier trusting what `verifier` trusts: its region roots,
    /// its authority certificates (the seal makers must be among them; with
    /// a bundle, the listed certificates), their status lists, and its
    /// options (clock-skew leeway, trust-list grace). Each authority's chain
    /// as a seal maker is validated once, here.
    pub fn new(verifier: Verifier) -> Self {
        let roots = verifier.trust().roots();
        let mut by_kid: HashMap<[u8; 8], Vec<usize>> = HashMap::new();
        let known: Vec<Known> = verifier
            .trust()
            .authorities()
            .map(|cert| Known {
                cert: cert.clone(),
                maker_chain: validate_chain(cert, roots, Usage::SealMaking),
            })
            .collect();
        for (i, k) in known.iter().enumerate() {
            by_kid.entry(*k.cert.kid()).or_default().push(i);
        }
        SealVerifier {
            verifier,
            by_kid,
            known,
        }
    }

    /// A seal verifier for a trust bundle (see [`Verifier::from_bundle`]).
    pub fn from_bundle(bundle: TrustBundle) -> Result<Self, PkiError> {
        Ok(Self::new(Verifier::from_bundle(bundle)?))
    }

    /// The licence verifier whose trust this one uses.
    pub fn verifier(&self) -> &Verifier {
        &self.verifier
    }

    /// Verifies the sealed signature `cose` over `document` at `now`.
    pub fn verify(&self, cose: &[u8], document: &[u8], now: UnixTime) -> SealReport {
        let algorithm =
            SealedSignature::digest_algorithm_of(cose).unwrap_or(DigestAlgorithm::Sha256);
        self.verify_digests(cose, &[DocumentDigest::of(algorithm, document)], now)
    }

    /// Verifies the sealed signature `cose` at `now` against the document's
    /// digests computed by the caller (a large file hashed once for several
    /// signatures): the one of the signature's algorithm is used; without
    /// it, `DOCUMENT_DIGEST` is INDETERMINATE (`INVALID_ARGUMENT`).
    pub fn verify_digests(
        &self,
        cose: &[u8],
        digests: &[DocumentDigest],
        now: UnixTime,
    ) -> SealReport {
        let report = SealReport::new(now);
        match self.run(cose, digests, now, report) {
            Ok(mut report) => {
                report.verdict = Verdict::Valid;
                report.reason = ReasonCode::Ok;
                report.problem = Problem::None;
                report.category = Category::Valid;
                report
            }
            Err((report, failure)) => report.close(failure),
        }
    }

    #[allow(clippy::result_large_err)] // the one report, moved through
    fn run(
        &self,
        cose: &[u8],
        digests: &[DocumentDigest],
        now: UnixTime,
        mut report: SealReport,
    ) -> Result<SealReport, (SealReport, Failure)> {
        use SealCheckKind as K;
        let options = self.verifier.options();
        let leeway = options.leeway_seconds;
        macro_rules! bail {
            ($f:expr) => {
                return Err((report, $f))
            };
        }
        // FORMAT
        let (sign1, sealed) = match SealedSignature::decode(cose) {
            Ok(x) => x,
            Err(e) => bail!(fail(K::Format, e.reason(), e.to_string())),
        };
        report.pass(
            K::Format,
            format!(
                "strict COSE_Sign1 ({}), typ {}; seal and picture ({}) well-formed",
                sign1.algorithm(),
                ArtifactType::SealedSignature.typ(),
                sealed.seal().seal().picture().kind()
            ),
        );
        // 1. SIGNATURE
        let signer = sealed.signer();
        if sign1.kid() != signer.kid() {
            bail!(fail(
                K::Signature,
                ReasonCode::SignatureInvalid,
                format!(
                    "the envelope's kid {} is not the carried signer certificate's ({})",
                    hex_string(sign1.kid()),
                    hex_string(signer.kid())
                )
            ));
        }
        if let Err(e) = sign1.verify(signer.public_key()) {
            bail!(fail(K::Signature, e.reason(), e.to_string()));
        }
        report.pass(
            K::Signature,
            format!(
                "{} signature of {} verified",
                sign1.algorithm(),
                signer.common_name()
            ),
        );
        report.sealed = Some(SealedInfo {
            signer: Party::of(signer),
            signed_at: sealed.signed_at(),
            document: sealed.document().clone(),
            digest_algorithm: sealed.digest().algorithm,
            digest: hex_string(&sealed.digest().value),
        });
        // 2. SIGNER_LISTED
        let signed_seal = sealed.seal();
        let seal = signed_seal.seal();
        if !seal.lists(signer) {
            bail!(fail(
                K::SignerListed,
                ReasonCode::SignerNotInSeal,
                format!(
                    "the seal {} lists {} certificate(s) ({} digests); the signer's is not one of them",
                    seal.esid(),
                    seal.cert_digests().len(),
                    seal.cert_digest_algorithm()
                )
            ));
        }
        report.pass(
            K::SignerListed,
            format!(
                "the seal lists the signer's certificate ({} digest)",
                seal.cert_digest_algorithm()
            ),
        );
        // 3. SEAL_SIGNATURE
        let maker = match self.seal_maker(signed_seal.cose()) {
            Ok(k) => k,
            Err(f) => bail!(f),
        };
        report.pass(
            K::SealSignature,
            format!(
                "{} signature of the seal maker {} verified",
                signed_seal.algorithm(),
                maker.cert.common_name()
            ),
        );
        report.seal = Some(SealInfo {
            esid: seal.esid().to_owned(),
            kind: seal.kind(),
            name: seal.name().to_owned(),
            owner: seal.owner().clone(),
            created_at: seal.created_at(),
            valid_from: seal.valid_from(),
            valid_until: seal.valid_until(),
            status_index: seal.status_index(),
            maker: Party::of(&maker.cert),
            picture: PictureInfo {
                kind: seal.picture().kind(),
                width_mm: seal.picture().width_mm(),
                height_mm: seal.picture().height_mm(),
                data_uri: data_uri(seal.picture().kind(), seal.picture().data()),
                data: seal.picture().data().to_vec(),
            },
        });
        // 4. SEAL_MAKER
        let maker_id = match self.check_authority(
            K::SealMaker,
            &maker.cert,
            maker.maker_chain.clone(),
            Usage::SealMaking,
            seal.created_at(),
            "the seal was made",
            now,
        ) {
            Ok((id, detail)) => {
                report.pass(K::SealMaker, detail);
                id
            }
            Err(f) => bail!(f),
        };
        // 5. SEAL_VALIDITY
        let signed_at = sealed.signed_at();
        if signed_at > now.as_secs().saturating_add(leeway) {
            bail!(fail(
                K::SealValidity,
                ReasonCode::SealedInFuture,
                format!(
                    "sealed at {}, after the time checked ({}) plus {leeway} s leeway",
                    cst(signed_at),
                    cst(now.as_secs())
                )
            ));
        }
        if signed_at < seal.valid_from() {
            bail!(fail(
                K::SealValidity,
                ReasonCode::SealNotYetValid,
                format!(
                    "sealed at {}, before the seal's validity starts ({})",
                    cst(signed_at),
                    cst(seal.valid_from())
                )
            ));
        }
        if signed_at >= seal.valid_until() {
            bail!(fail(
                K::SealValidity,
                ReasonCode::SealExpired,
                format!(
                    "sealed at {}, after the seal's validity ended ({})",
                    cst(signed_at),
                    cst(seal.valid_until())
                )
            ));
        }
        report.pass(
            K::SealValidity,
            format!("sealed at {}, within the seal's validity", cst(signed_at)),
        );
        // 5. SEAL_STATUS
        report = self.check_status(&maker_id, seal.status_index(), now, report)?;
        // 6. SIGNER_CERTIFICATE
        if let Err(e) = SignerRole::Authority(Usage::DocumentSealing).check(signer) {
            bail!(fail(K::SignerCertificate, e.reason(), e.to_string()));
        }
        let chain = validate_chain(
            signer,
            self.verifier.trust().roots(),
            Usage::DocumentSealing,
        );
        match self.check_authority(
            K::SignerCertificate,
            signer,
            chain,
            Usage::DocumentSealing,
            signed_at,
            "the document was sealed",
            now,
        ) {
            Ok((_, detail)) => {
                if let Err(e) = super::check_owner(seal, signer) {
                    bail!(fail(K::SignerCertificate, e.reason(), e.to_string()));
                }
                report.pass(K::SignerCertificate, detail);
            }
            Err(f) => bail!(f),
        }
        // 7. DOCUMENT_DIGEST
        let sealed_digest = sealed.digest();
        let Some(given) = digests
            .iter()
            .find(|d| d.algorithm == sealed_digest.algorithm)
        else {
            bail!(undecided(
                K::DocumentDigest,
                ReasonCode::InvalidArgument,
                format!(
                    "no {} digest of the document was given to compare",
                    sealed_digest.algorithm
                )
            ));
        };
        if given.value != sealed_digest.value {
            bail!(fail(
                K::DocumentDigest,
                ReasonCode::DocumentDigestMismatch,
                format!(
                    "the document's {} digest is {}, not the sealed {}",
                    given.algorithm,
                    hex_string(&given.value),
                    hex_string(&sealed_digest.value)
                )
            ));
        }
        report.pass(
            K::DocumentDigest,
            format!(
                "the document's {} digest is the sealed one",
                given.algorithm
            ),
        );
        Ok(report)
    }

    /// Step 3: the known authority certificate whose key verifies the seal
    /// (every certificate with the seal's kid is tried).
    fn seal_maker(&self, seal_cose: &[u8]) -> Result<&Known, Failure> {
        let k = SealCheckKind::SealSignature;
        let sign1 = Sign1::decode(seal_cose, ArtifactType::Seal)
            .map_err(|e| fail(k, e.reason(), e.to_string()))?;
        let candidates = self.by_kid.get(sign1.kid()).ok_or_else(|| {
            undecided(
                k,
                ReasonCode::SignerUnknown,
                format!(
                    "no known authority certificate has the seal's kid {}",
                    hex_string(sign1.kid())
                ),
            )
        })?;
        let mut first_error = None;
        for &i in candidates {
            let known = &self.known[i];
            match sign1.verify(known.cert.public_key()) {
                Ok(()) => return Ok(known),
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        let e = first_error.expect("candidates are never empty");
        Err(fail(
            k,
            e.reason(),
            format!("the seal maker's signature: {e}"),
        ))
    }

    /// Steps 4 and 6: an authority certificate in its role, its chain, its
    /// validity at `at`, and with a bundle its listing and state at `at`.
    #[allow(clippy::too_many_arguments)]
    fn check_authority(
        &self,
        kind: SealCheckKind,
        cert: &Certificate,
        chain: Result<ValidatedAuthority, PkiError>,
        usage: Usage,
        at: i64,
        event: &str,
        now: UnixTime,
    ) -> Result<(AuthorityId, Cow<'static, str>), Failure> {
        let name = cert.common_name();
        let validated = SignerRole::Authority(usage)
            .check(cert)
            .and(chain)
            .and_then(|v| cert.check_time(at).map(|()| v))
            .map_err(|e| fail(kind, e.reason(), format!("{name}: {e}")))?;
        let id = AuthorityId {
            region: validated.region.clone(),
            credit_code: validated.credit_code.clone(),
        };
        let root = self.verifier.trust().roots()[validated.root_index].common_name();
        let Some(bundle) = self.verifier.bundle() else {
            return Ok((
                id,
                Cow::Owned(format!(
                    "{name} ({usage}) chains to {root}; valid when {event}"
                )),
            ));
        };
        let grace = self.verifier.options().trust_list_grace_seconds;
        let region = &validated.region;
        check_fresh(bundle.federation().next_update, now, grace)
            .map_err(|e| undecided(kind, e.reason(), format!("the federation trust list: {e}")))?;
        let list = bundle.region_list(region).ok_or_else(|| {
            undecided(
                kind,
                ReasonCode::TrustListMissing,
                format!("the trust bundle has no trust list for region {region}"),
            )
        })?;
        check_fresh(list.next_update, now, grace).map_err(|e| {
            undecided(
                kind,
                e.reason(),
                format!("the trust list of region {region}: {e}"),
            )
        })?;
        let entry = list.authority(cert).ok_or_else(|| {
            fail(
                kind,
                ReasonCode::AuthorityNotListed,
                format!("{name} is not on the trust list of region {region}"),
            )
        })?;
        entry.state.check(at).map_err(|reason| {
            fail(
                kind,
                reason,
                format!(
                    "{name} is {} on the trust list of region {region}, and {event} at {}",
                    entry.state,
                    cst(at)
                ),
            )
        })?;
        Ok((
            id,
            Cow::Owned(format!(
                "{name} ({usage}) chains to {root}, listed by region {region} (sequence {}); valid when {event}",
                list.sequence
            )),
        ))
    }

    /// Step 5: the seal's entry in its maker's status list, as for licences
    /// (docs/FORMAT.md §18.4): revoked is final, a suspension needs a fresh
    /// list, a missing or stale list is INDETERMINATE with a bundle (unless
    /// the policy accepts it with a warning) and `NOT_CHECKED` without one.
    #[allow(clippy::result_large_err)]
    fn check_status(
        &self,
        maker: &AuthorityId,
        index: u64,
        now: UnixTime,
        mut report: SealReport,
    ) -> Result<SealReport, (SealReport, Failure)> {
        let k = SealCheckKind::SealStatus;
        let bundle = self.verifier.bundle();
        let policy = bundle.and_then(TrustBundle::policy);
        let token = match bundle {
            Some(b) => b.status_list(maker),
            None => self.verifier.trust().status_list(maker),
        };
        let warn = |report: &mut SealReport, code, message: String| {
            report.warnings.push(LicenceWarning {
                code,
                field: "status_index",
                message,
            });
        };
        let missing_is_warning = matches!(
            policy.map(Policy::status_missing),
            Some(StatusMissing::Warn)
        );
        let undecidable = |mut report: SealReport, reason: ReasonCode, detail: String| {
            if missing_is_warning {
                warn(
                    &mut report,
                    reason,
                    format!("{detail}; the policy accepts the seal with this warning"),
                );
                report.pass(k, "not checked: status list unavailable (see the warning)");
                Ok(report)
            } else {
                Err((report, undecided(k, reason, detail)))
            }
        };
        let Some(token) = token else {
            if bundle.is_none() {
                warn(
                    &mut report,
                    ReasonCode::StatusNotChecked,
                    format!(
                        "nobody checked whether this seal was revoked or suspended: \
                         no status list of its maker {maker} was given"
                    ),
                );
                report.set(
                    k,
                    Outcome::NotChecked,
                    ReasonCode::StatusNotChecked,
                    format!("not checked: no status list of {maker} was given"),
                );
                return Ok(report);
            }
            return undecidable(
                report,
                ReasonCode::StatusListMissing,
                format!("the trust bundle has no status list of {maker}"),
            );
        };
        let status = match token.status(index) {
            Ok(s) => s,
            Err(e) => return Err((report, fail(k, e.reason(), e.to_string()))),
        };
        report.status = Some(status);
        let max_age = policy.map_or(i64::MAX, Policy::max_status_age_seconds);
        let entry = format!(
            "entry {index} of the status list of {maker}, issued at {},",
            cst(token.issued_at())
        );
        match (status, token.freshness(now, max_age)) {
            (Status::Revoked, _) => Err((
                report,
                fail(k, ReasonCode::SealRevoked, format!("{entry} is revoked")),
            )),
            (Status::Suspended, Freshness::Fresh { .. }) => Err((
                report,
                fail(k, ReasonCode::SealSuspended, format!("{entry} is suspended")),
            )),
            (Status::Suspended, Freshness::Stale { until, .. }) => Err((
                report,
                undecided(
                    k,
                    ReasonCode::StatusListStale,
                    format!(
                        "{entry} is suspended, but the list is stale since {}: the seal may have been reinstated or revoked since",
                        cst(until.saturating_add(1))
                    ),
                ),
            )),
            (Status::Valid, Freshness::Stale { until, .. }) => undecidable(
                report,
                ReasonCode::StatusListStale,
                format!(
                    "the status list of {maker} is stale since {}",
                    cst(until.saturating_add(1))
                ),
            ),
            (Status::Valid, Freshness::Fresh { .. }) => {
                report.pass(k, format!("{entry} is valid"));
                Ok(report)
            }
        }
    }
}

/// `data:<media type>;base64,<bytes>` (RFC 2397, RFC 4648 base64).
pub fn data_uri(kind: super::PictureType, data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let prefix = format!("data:{};base64,", kind.media_type());
    let mut out = String::with_capacity(prefix.len() + data.len().div_ceil(3) * 4);
    out.push_str(&prefix);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18u32, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> shift) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}
