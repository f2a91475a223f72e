//! The words of a report for people, in Chinese and English: the name of
//! every check, outcome and verdict, and the verdict's [`Category`].
//!
//! Reason codes have theirs in [`ReasonCode::message`]. The stable codes
//! (`STATUS`, `FAIL`, `INVALID`, `NOT_CURRENT`) are what programs compare;
//! these words are what people read, and may be reworded between releases.

use serde::Serialize;

use super::{CheckKind, Outcome, Verdict};
use crate::lang::Lang;
use crate::seal::verify::SealCheckKind;
use crate::ReasonCode;

/// Picks the word of `lang` from a `(zh, en)` pair.
const fn pick(lang: Lang, (zh, en): (&'static str, &'static str)) -> &'static str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

impl CheckKind {
    /// What the check does, for people: `核查证照状态` /
    /// `Status (revoked, suspended)` for `STATUS`.
    pub const fn message(self, lang: Lang) -> &'static str {
        pick(
            lang,
            match self {
                CheckKind::Decode => ("读取二维码", "Read the code"),
                CheckKind::Envelope => ("检查签名结构", "Signed structure"),
                CheckKind::Signer => ("查找签发机关证书", "Find the issuer's certificate"),
                CheckKind::Signature => ("验证签名", "Signature"),
                CheckKind::Claims => ("读取证照内容", "Licence content"),
                CheckKind::Certificate => ("核验签发机关证书", "Issuer's certificate"),
                CheckKind::TrustList => ("核对信任列表", "Trust list"),
                CheckKind::Catalogue => ("核对证照类型与信息项", "Licence type and data items"),
                CheckKind::Validity => ("核对有效期", "Validity period"),
                CheckKind::Status => ("核查证照状态（注销、暂停）", "Status (revoked, suspended)"),
                CheckKind::Recognition => ("跨地区互认", "Recognition here"),
            },
        )
    }
}

impl SealCheckKind {
    /// What the check does, for people: `核对文件是否被改动` /
    /// `Document unchanged` for `DOCUMENT_DIGEST`.
    pub const fn message(self, lang: Lang) -> &'static str {
        pick(
            lang,
            match self {
                SealCheckKind::Format => ("读取签章文件", "Read the signature file"),
                SealCheckKind::Signature => ("验证签章签名", "Signature"),
                SealCheckKind::SignerListed => {
                    ("签章人证书是否列于印章中", "Signer listed in the seal")
                }
                SealCheckKind::SealSignature => ("验证印章制作者的签名", "Seal maker's signature"),
                SealCheckKind::SealMaker => ("核验印章制作者证书", "Seal maker's certificate"),
                SealCheckKind::SealValidity => ("核对印章有效期", "Seal validity"),
                SealCheckKind::SealStatus => (
                    "核查印章状态（注销、暂停）",
                    "Seal status (revoked, suspended)",
                ),
                SealCheckKind::SignerCertificate => ("核验签章人证书", "Signer's certificate"),
                SealCheckKind::DocumentDigest => ("核对文件是否被改动", "Document unchanged"),
            },
        )
    }
}

impl Outcome {
    /// The outcome as on every boundary: `PASS`, `FAIL`, `INDETERMINATE`,
    /// `SKIPPED`, `NOT_CHECKED`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Outcome::Pass => "PASS",
            Outcome::Fail => "FAIL",
            Outcome::Indeterminate => "INDETERMINATE",
            Outcome::Skipped => "SKIPPED",
            Outcome::NotChecked => "NOT_CHECKED",
        }
    }

    /// The outcome for people: `通过` / `passed`, …
    pub const fn message(self, lang: Lang) -> &'static str {
        pick(
            lang,
            match self {
                Outcome::Pass => ("通过", "passed"),
                Outcome::Fail => ("未通过", "failed"),
                Outcome::Indeterminate => ("无法确定", "undecided"),
                Outcome::Skipped => ("未进行", "not run"),
                Outcome::NotChecked => ("未核查", "not checked"),
            },
        )
    }

    /// A one-character mark for text reports: `✓` passed, `✗` failed, `?`
    /// undecided, `–` not run, `!` deliberately not checked.
    pub const fn mark(self) -> char {
        match self {
            Outcome::Pass => '✓',
            Outcome::Fail => '✗',
            Outcome::Indeterminate => '?',
            Outcome::Skipped => '–',
            Outcome::NotChecked => '!',
        }
    }
}

impl Verdict {
    /// The headline of a report: the verdict and, unless valid, what it
    /// means (`category_message`): `无效 — 证照不是真实的` / `INVALID — the
    /// licence is not genuine`. English keeps the stable verdict word, as
    /// exit statuses and JSON name it.
    pub(crate) fn headline(self, category_message: &str, lang: Lang) -> String {
        let verdict = match lang {
            Lang::Zh => self.message(lang),
            Lang::En => self.as_str(),
        };
        if self == Verdict::Valid {
            verdict.to_owned()
        } else {
            format!("{verdict} — {category_message}")
        }
    }

    /// The verdict for people: `有效` / `valid`, `无效` / `invalid`,
    /// `无法确定` / `undecided`.
    pub const fn message(self, lang: Lang) -> &'static str {
        pick(
            lang,
            match self {
                Verdict::Valid => ("有效", "valid"),
                Verdict::Invalid => ("无效", "invalid"),
                Verdict::Indeterminate => ("无法确定", "undecided"),
            },
        )
    }
}

/// What a verdict means for the person holding the licence (or the sealed
/// document), beside the verdict in every report: the code could not be
/// read; it is not genuine; it is genuine but not in force; it is genuine
/// but not accepted here or not for this purpose; or nobody can tell yet.
///
/// Derived from the verdict and the reason code that decided it
/// ([`Category::of`], docs/FORMAT.md §15 gives the table). The licence
/// report ([`super::Report::category`]) and the seal report
/// ([`crate::seal::verify::SealReport::category`]) share it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
pub enum Category {
    /// Every check passed: genuine and in force.
    Valid,
    /// The code (or file) could not be read as a licence: not a licence
    /// code, corrupt, truncated, or content that breaks the format.
    Unreadable,
    /// Not genuine: the signature does not verify, the signer is not a
    /// trusted authority (or was compromised), or the sealed document
    /// changed.
    NotGenuine,
    /// Genuine but not in force: revoked, suspended, expired, not yet valid.
    NotCurrent,
    /// Genuine but not accepted here, or not for this purpose: the
    /// recognition policy's or the trust lists' decision.
    NotAccepted,
    /// Nobody can tell yet: something needed to decide (a certificate, a
    /// trust list, a status list) is missing or out of date.
    CannotTell,
}

impl Category {
    /// Every category, valid first.
    pub const ALL: [Category; 6] = [
        Category::Valid,
        Category::Unreadable,
        Category::NotGenuine,
        Category::NotCurrent,
        Category::NotAccepted,
        Category::CannotTell,
    ];

    /// The category as on every boundary: `VALID`, `UNREADABLE`,
    /// `NOT_GENUINE`, `NOT_CURRENT`, `NOT_ACCEPTED`, `CANNOT_TELL`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Category::Valid => "VALID",
            Category::Unreadable => "UNREADABLE",
            Category::NotGenuine => "NOT_GENUINE",
            Category::NotCurrent => "NOT_CURRENT",
            Category::NotAccepted => "NOT_ACCEPTED",
            Category::CannotTell => "CANNOT_TELL",
        }
    }

    /// What the category says about a licence: `证照不是真实的` /
    /// `the licence is not genuine`, …
    pub const fn message(self, lang: Lang) -> &'static str {
        pick(
            lang,
            match self {
                Category::Valid => ("证照真实，当前有效", "the licence is genuine and in force"),
                Category::Unreadable => ("二维码无法识读", "the code could not be read"),
                Category::NotGenuine => ("证照不是真实的", "the licence is not genuine"),
                Category::NotCurrent => (
                    "证照是真实的，但当前无效（已被注销、暂停，已过期或尚未生效）",
                    "the licence is genuine but not in force (revoked, suspended, expired or not yet valid)",
                ),
                Category::NotAccepted => (
                    "证照是真实的，但本地不予认可或不适用于此用途",
                    "the licence is genuine but not accepted here, or not for this purpose",
                ),
                Category::CannotTell => (
                    "缺少判断所需的信息，或信息已过期",
                    "cannot tell: something needed to decide is missing or out of date",
                ),
            },
        )
    }

    /// What the category says about a sealed signature (电子签章), in the
    /// same order as [`Category::message`].
    pub const fn seal_message(self, lang: Lang) -> &'static str {
        pick(
            lang,
            match self {
                Category::Valid => ("签章真实，文件未被改动", "the seal is genuine and the document unchanged"),
                Category::Unreadable => ("签章文件无法识读", "the signature file could not be read"),
                Category::NotGenuine => (
                    "签章不是真实的，或文件已被改动",
                    "the seal or signature is not genuine, or the document was changed",
                ),
                Category::NotCurrent => (
                    "签章是真实的，但印章或证书在盖章时或现在无效（已被注销、暂停，已过期或尚未生效）",
                    "genuine, but the seal or a certificate was not in force (revoked, suspended, expired or not yet valid)",
                ),
                Category::NotAccepted => ("签章是真实的，但本地不予认可", "genuine, but not accepted here"),
                Category::CannotTell => (
                    "缺少判断所需的信息，或信息已过期",
                    "cannot tell: something needed to decide is missing or out of date",
                ),
            },
        )
    }

    /// The category of a verdict decided by `reason`: `VALID` for a valid
    /// verdict, `CANNOT_TELL` for an undecided one (trust material missing
    /// or stale), and for an invalid one by the reason code:
    ///
    /// | category | reason codes |
    /// |---|---|
    /// | `UNREADABLE` | the code's transport (`QR_*`, `BASE45_*`, `ZLIB_*`, `PAYLOAD_ENCODING_UNKNOWN`, `INPUT_TOO_LARGE`, `HEX_INVALID_LENGTH`), its structure (`CBOR_*`, `COSE_*`), its content (`LICENCE_MALFORMED`, `LICENCE_FIELD_INVALID`, `IDENTIFIER_*`, `SEAL_MALFORMED`, `SEAL_PICTURE_*`, `SEALED_SIGNATURE_MALFORMED`), `KEY_INVALID`, `INVALID_ARGUMENT` |
    /// | `NOT_GENUINE` | `SIGNATURE_*`, `ALG_KEY_MISMATCH`, `KEY_WEAK`, every `CERT_*`, `ISSUER_NOT_TRUSTED`, `CREDIT_CODE_REGION_MISMATCH`, `AUTHORITY_COMPROMISED` (its key was out of its hands before it signed), `SIGNER_NOT_IN_SEAL`, `SEAL_OWNER_MISMATCH`, `DOCUMENT_DIGEST_MISMATCH` |
    /// | `NOT_CURRENT` | `LICENCE_REVOKED`, `LICENCE_SUSPENDED`, `LICENCE_EXPIRED`, `LICENCE_NOT_YET_VALID`, `LICENCE_ISSUED_IN_FUTURE`, `STATUS_INDEX_OUT_OF_RANGE`, `STATUS_VALUE_UNKNOWN` (its status entry does not say it is in force), `SEAL_REVOKED`, `SEAL_SUSPENDED`, `SEAL_EXPIRED`, `SEAL_NOT_YET_VALID`, `SEALED_IN_FUTURE` |
    /// | `NOT_ACCEPTED` | `REGION_NOT_ACCEPTED`, `TYPE_NOT_RECOGNISED`, `TRUST_LEVEL_TOO_LOW`, `PURPOSE_NOT_ACCEPTED`, `STATUS_INDEX_MISSING` (the policy requires one), `AUTHORITY_NOT_LISTED`, `AUTHORITY_RETIRED`, `AUTHORITY_TYPE_NOT_AUTHORISED` |
    /// | `CANNOT_TELL` | trust material (`SIGNER_UNKNOWN`, `TRUST_LIST_*`, `STATUS_LIST_*`, `BUNDLE_MALFORMED`, `POLICY_INVALID`), and codes that never decide a verdict (`OK`, `NOT_CHECKED`, `STATUS_NOT_CHECKED`, `STATUS_TRANSITION_INVALID`, `HOLDER_CODE_CHECK_FAILED`, `STORAGE_FAILED`, `INTERNAL_ERROR`, `SIGNER_FAILED`) |
    pub const fn of(verdict: Verdict, reason: ReasonCode) -> Category {
        use ReasonCode::*;
        match verdict {
            Verdict::Valid => return Category::Valid,
            Verdict::Indeterminate => return Category::CannotTell,
            Verdict::Invalid => {}
        }
        match reason {
            QrPrefixInvalid
            | InputTooLarge
            | Base45InvalidCharacter
            | Base45ValueOutOfRange
            | Base45InvalidLength
            | HexInvalidLength
            | PayloadEncodingUnknown
            | QrVersionUnsupported
            | DictionaryUnknown
            | ZlibInvalid
            | ZlibTooLarge
            | QrNotFound
            | InvalidArgument
            | CborMalformed
            | CborIndefiniteLength
            | CborDuplicateKey
            | CborTrailingBytes
            | CborTooDeep
            | CborItemTooLarge
            | CborUnsupported
            | CoseUntagged
            | CoseMalformed
            | CoseAlgMissing
            | CoseAlgUnprotected
            | CoseAlgUnsupported
            | CoseKidMissing
            | CoseTypMissing
            | CoseTypMismatch
            | CoseCriticalHeader
            | KeyInvalid
            | LicenceMalformed
            | LicenceFieldInvalid
            | IdentifierMalformed
            | IdentifierCheckFailed
            | SealMalformed
            | SealPictureInvalid
            | SealPictureUnsafe
            | SealedSignatureMalformed => Category::Unreadable,
            SignatureInvalid
            | SignatureNonCanonical
            | AlgKeyMismatch
            | KeyWeak
            | CertMalformed
            | CertExpired
            | CertNotYetValid
            | CertWrongEku
            | CertCaAsEndEntity
            | CertUnknownCriticalExtension
            | CertSignatureInvalid
            | IssuerNotTrusted
            | CertChainInvalid
            | CertRegionMismatch
            | CertAuthorityCodeMissing
            | CertBasicConstraintsMissing
            | CreditCodeRegionMismatch
            | AuthorityCompromised
            | SignerNotInSeal
            | SealOwnerMismatch
            | DocumentDigestMismatch => Category::NotGenuine,
            LicenceIssuedInFuture
            | LicenceNotYetValid
            | LicenceExpired
            | LicenceRevoked
            | LicenceSuspended
            | StatusIndexOutOfRange
            | StatusValueUnknown
            | SealNotYetValid
            | SealExpired
            | SealRevoked
            | SealSuspended
            | SealedInFuture => Category::NotCurrent,
            AuthorityNotListed
            | AuthorityTypeNotAuthorised
            | AuthorityRetired
            | StatusIndexMissing
            | RegionNotAccepted
            | TypeNotRecognised
            | TrustLevelTooLow
            | PurposeNotAccepted => Category::NotAccepted,
            Ok
            | NotChecked
            | StorageFailed
            | InternalError
            | SignerUnknown
            | SignerFailed
            | HolderCodeCheckFailed
            | BundleMalformed
            | TrustListMalformed
            | TrustListSignerInvalid
            | TrustListRollback
            | TrustListStale
            | TrustListMissing
            | TrustListConflict
            | StatusListMalformed
            | StatusListMissing
            | StatusListBitsInvalid
            | StatusListTooLarge
            | StatusListWrongSubject
            | StatusListStale
            | StatusTransitionInvalid
            | StatusListIssuedInFuture
            | StatusNotChecked
            | PolicyInvalid
            | CatalogueMalformed
            | CatalogueConflict
            | CatalogueTooLarge
            | CatalogueRollback
            | CatalogueSignerInvalid
            | CatalogueValueTypeUnknown
            | CatalogueNationalTypeRedefined
            | LicenceTypeUnknown => Category::CannotTell,
        }
    }
}

impl core::fmt::Display for Category {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn checks_outcomes_verdicts_and_categories_have_words_in_both_languages() {
        let mut words: Vec<(&str, &str, String)> = Vec::new();
        for k in CheckKind::ALL {
            words.push((k.message(Lang::Zh), k.message(Lang::En), k.as_str().into()));
        }
        for k in SealCheckKind::ALL {
            words.push((k.message(Lang::Zh), k.message(Lang::En), k.as_str().into()));
        }
        for o in [
            Outcome::Pass,
            Outcome::Fail,
            Outcome::Indeterminate,
            Outcome::Skipped,
            Outcome::NotChecked,
        ] {
            words.push((o.message(Lang::Zh), o.message(Lang::En), o.as_str().into()));
        }
        for v in [Verdict::Valid, Verdict::Invalid, Verdict::Indeterminate] {
            words.push((v.message(Lang::Zh), v.message(Lang::En), v.as_str().into()));
        }
        for c in Category::ALL {
            words.push((c.message(Lang::Zh), c.message(Lang::En), c.as_str().into()));
            words.push((
                c.seal_message(Lang::Zh),
                c.seal_message(Lang::En),
                c.as_str().into(),
            ));
        }
        for (zh, en, code) in &words {
            assert!(
                zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{code}: {zh}"
            );
            assert!(en.is_ascii() && !en.is_empty(), "{code}: {en}");
        }
        // Within each kind, no two say the same thing.
        let distinct = |f: &dyn Fn(Lang) -> Vec<&'static str>| {
            for lang in Lang::ALL {
                let v = f(lang);
                assert_eq!(v.iter().collect::<HashSet<_>>().len(), v.len(), "{v:?}");
            }
        };
        distinct(&|l| CheckKind::ALL.iter().map(|k| k.message(l)).collect());
        distinct(&|l| SealCheckKind::ALL.iter().map(|k| k.message(l)).collect());
        distinct(&|l| Category::ALL.iter().map(|c| c.message(l)).collect());
        distinct(&|l| Category::ALL.iter().map(|c| c.seal_message(l)).collect());
        assert_eq!(CheckKind::Decode.message(Lang::Zh), "读取二维码");
        assert_eq!(Verdict::Valid.message(Lang::Zh), "有效");
        assert_eq!(Category::NotGenuine.message(Lang::Zh), "证照不是真实的");
        assert_eq!(
            serde_json::to_string(&Category::NotCurrent).unwrap(),
            "\"NOT_CURRENT\""
        );
    }

    /// The category table, written out once more by hand: every code that
    /// can decide an INVALID verdict, by what it means for the holder.
    #[test]
    fn every_deciding_reason_code_has_its_category() {
        use ReasonCode as R;
        let table: [(Category, &[ReasonCode]); 5] = [
            (
                Category::Unreadable,
                &[
                    R::QrPrefixInvalid,
                    R::InputTooLarge,
                    R::Base45InvalidCharacter,
                    R::Base45ValueOutOfRange,
                    R::Base45InvalidLength,
                    R::HexInvalidLength,
                    R::PayloadEncodingUnknown,
                    R::QrVersionUnsupported,
                    R::DictionaryUnknown,
                    R::ZlibInvalid,
                    R::ZlibTooLarge,
                    R::QrNotFound,
                    R::InvalidArgument,
                    R::CborMalformed,
                    R::CborIndefiniteLength,
                    R::CborDuplicateKey,
                    R::CborTrailingBytes,
                    R::CborTooDeep,
                    R::CborItemTooLarge,
                    R::CborUnsupported,
                    R::CoseUntagged,
                    R::CoseMalformed,
                    R::CoseAlgMissing,
                    R::CoseAlgUnprotected,
                    R::CoseAlgUnsupported,
                    R::CoseKidMissing,
                    R::CoseTypMissing,
                    R::CoseTypMismatch,
                    R::CoseCriticalHeader,
                    R::KeyInvalid,
                    R::LicenceMalformed,
                    R::LicenceFieldInvalid,
                    R::IdentifierMalformed,
                    R::IdentifierCheckFailed,
                    R::SealMalformed,
                    R::SealPictureInvalid,
                    R::SealPictureUnsafe,
                    R::SealedSignatureMalformed,
                ],
            ),
            (
                Category::NotGenuine,
                &[
                    R::SignatureInvalid,
                    R::SignatureNonCanonical,
                    R::AlgKeyMismatch,
                    R::KeyWeak,
                    R::CertMalformed,
                    R::CertExpired,
                    R::CertNotYetValid,
                    R::CertWrongEku,
                    R::CertCaAsEndEntity,
                    R::CertUnknownCriticalExtension,
                    R::CertSignatureInvalid,
                    R::IssuerNotTrusted,
                    R::CertChainInvalid,
                    R::CertRegionMismatch,
                    R::CertAuthorityCodeMissing,
                    R::CertBasicConstraintsMissing,
                    R::CreditCodeRegionMismatch,
                    R::AuthorityCompromised,
                    R::SignerNotInSeal,
                    R::SealOwnerMismatch,
                    R::DocumentDigestMismatch,
                ],
            ),
            (
                Category::NotCurrent,
                &[
                    R::LicenceIssuedInFuture,
                    R::LicenceNotYetValid,
                    R::LicenceExpired,
                    R::LicenceRevoked,
                    R::LicenceSuspended,
                    R::StatusIndexOutOfRange,
                    R::StatusValueUnknown,
                    R::SealNotYetValid,
                    R::SealExpired,
                    R::SealRevoked,
                    R::SealSuspended,
                    R::SealedInFuture,
                ],
            ),
            (
                Category::NotAccepted,
                &[
                    R::AuthorityNotListed,
                    R::AuthorityTypeNotAuthorised,
                    R::AuthorityRetired,
                    R::StatusIndexMissing,
                    R::RegionNotAccepted,
                    R::TypeNotRecognised,
                    R::TrustLevelTooLow,
                    R::PurposeNotAccepted,
                ],
            ),
            (
                Category::CannotTell,
                &[
                    R::SignerUnknown,
                    R::TrustListMalformed,
                    R::TrustListSignerInvalid,
                    R::TrustListRollback,
                    R::TrustListStale,
                    R::TrustListMissing,
                    R::TrustListConflict,
                    R::StatusListMalformed,
                    R::StatusListMissing,
                    R::StatusListBitsInvalid,
                    R::StatusListTooLarge,
                    R::StatusListWrongSubject,
                    R::StatusListStale,
                    R::StatusListIssuedInFuture,
                    R::BundleMalformed,
                    R::PolicyInvalid,
                    R::CatalogueMalformed,
                    R::CatalogueConflict,
                    R::CatalogueTooLarge,
                    R::CatalogueRollback,
                    R::CatalogueSignerInvalid,
                    R::CatalogueValueTypeUnknown,
                    R::CatalogueNationalTypeRedefined,
                    R::LicenceTypeUnknown,
                ],
            ),
        ];
        // Codes that never decide a verdict (a pass, a warning, an error of
        // the caller's own storage or signer).
        let never_decide = [
            R::Ok,
            R::NotChecked,
            R::StatusNotChecked,
            R::StatusTransitionInvalid,
            R::HolderCodeCheckFailed,
            R::StorageFailed,
            R::InternalError,
            R::SignerFailed,
        ];
        let mut listed = HashSet::new();
        for (category, codes) in table {
            for &code in codes {
                assert!(listed.insert(code), "{code} listed twice");
                assert_eq!(Category::of(Verdict::Invalid, code), category, "{code}");
            }
        }
        for code in never_decide {
            assert!(listed.insert(code), "{code} listed twice");
            assert_eq!(Category::of(Verdict::Invalid, code), Category::CannotTell);
        }
        for &code in ReasonCode::ALL {
            assert!(
                listed.contains(&code),
                "{code} has no category in this table"
            );
            // Whatever the code, the verdict comes first.
            assert_eq!(Category::of(Verdict::Valid, code), Category::Valid);
            assert_eq!(
                Category::of(Verdict::Indeterminate, code),
                Category::CannotTell
            );
        }
    }
}
