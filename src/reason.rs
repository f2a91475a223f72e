//! Stable reason codes.
//!
//! DESIGN §5: every check in a verification report carries "a stable reason
//! code (SCREAMING_SNAKE_CASE, identical in Rust, C and JS)". Every error
//! type in this crate maps to exactly one [`ReasonCode`] through its
//! `reason()` method, so a caller that only looks at codes never has to parse
//! error messages.
//!
//! The codes are part of the public contract: a code, once published, keeps
//! its spelling and its meaning. `docs/REASONS.md` lists them all with their
//! meaning; a test checks that list against [`ReasonCode::ALL`].

use core::fmt;
use serde::{Serialize, Serializer};

macro_rules! reason_codes {
    ($( $(#[$doc:meta])* $variant:ident => $text:literal, )*) => {
        /// A stable, machine-readable reason code.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum ReasonCode {
            $( $(#[$doc])* $variant, )*
        }

        impl ReasonCode {
            /// Every code, in documentation order.
            pub const ALL: &'static [ReasonCode] = &[ $( ReasonCode::$variant, )* ];

            /// The code as it appears on every boundary (Rust, C, JS, JSON).
            pub const fn as_str(self) -> &'static str {
                match self { $( ReasonCode::$variant => $text, )* }
            }

            /// Parses a code from its stable spelling.
            pub fn from_str_code(s: &str) -> Option<Self> {
                match s { $( $text => Some(ReasonCode::$variant), )* _ => None }
            }
        }
    };
}

reason_codes! {
    /// The check passed.
    Ok => "OK",
    /// The check was not run because an earlier check failed or its input is absent.
    NotChecked => "NOT_CHECKED",

    // --- QR text and transport encoding ---
    /// QR text does not start with the `EL1:` prefix.
    QrPrefixInvalid => "QR_PREFIX_INVALID",
    /// Input (QR text, COSE bytes, certificate) is longer than the documented limit.
    InputTooLarge => "INPUT_TOO_LARGE",
    /// A character outside the RFC 9285 Base45 alphabet.
    Base45InvalidCharacter => "BASE45_INVALID_CHARACTER",
    /// A Base45 group decodes to a value out of range (RFC 9285 §6).
    Base45ValueOutOfRange => "BASE45_VALUE_OUT_OF_RANGE",
    /// The Base45 text has a length that no encoding produces (a lone trailing character).
    Base45InvalidLength => "BASE45_INVALID_LENGTH",
    /// Hex text (a COSE message given as hex) has an odd number of digits.
    HexInvalidLength => "HEX_INVALID_LENGTH",
    /// The decoded bytes are empty (`EL1:` alone) or start neither with 0x78 (zlib) nor 0xD2 (tagged COSE_Sign1).
    PayloadEncodingUnknown => "PAYLOAD_ENCODING_UNKNOWN",
    /// The zlib stream is corrupt or truncated.
    ZlibInvalid => "ZLIB_INVALID",
    /// The zlib stream inflates past the size limit (a zip bomb).
    ZlibTooLarge => "ZLIB_TOO_LARGE",
    /// No readable QR code was found in the image, or the image could not be read.
    QrNotFound => "QR_NOT_FOUND",
    /// A caller-supplied parameter is invalid (ECC level, colour, scale, buffer size).
    InvalidArgument => "INVALID_ARGUMENT",
    /// Durable storage (an issuer registry's database, a file) failed or holds data this library did not write; nothing was applied.
    StorageFailed => "STORAGE_FAILED",
    /// A bug in elicense: an internal invariant failed (the command-line tool reports a panic with it). Please report it.
    InternalError => "INTERNAL_ERROR",

    // --- CBOR ---
    /// CBOR is malformed or truncated.
    CborMalformed => "CBOR_MALFORMED",
    /// CBOR uses an indefinite-length item.
    CborIndefiniteLength => "CBOR_INDEFINITE_LENGTH",
    /// A CBOR map repeats a key.
    CborDuplicateKey => "CBOR_DUPLICATE_KEY",
    /// Bytes follow the top-level CBOR item.
    CborTrailingBytes => "CBOR_TRAILING_BYTES",
    /// CBOR nesting is deeper than the limit.
    CborTooDeep => "CBOR_TOO_DEEP",
    /// A CBOR string, array or map is larger than the limit.
    CborItemTooLarge => "CBOR_ITEM_TOO_LARGE",
    /// A CBOR feature outside the profile (float, undefined simple value, unknown tag where one is not allowed).
    CborUnsupported => "CBOR_UNSUPPORTED",

    // --- COSE envelope ---
    /// The COSE_Sign1 is not wrapped in CBOR tag 18.
    CoseUntagged => "COSE_UNTAGGED",
    /// The structure is not a COSE_Sign1 (wrong arity or field types, detached payload).
    CoseMalformed => "COSE_MALFORMED",
    /// `alg` is absent from the protected header.
    CoseAlgMissing => "COSE_ALG_MISSING",
    /// `alg` appears in the unprotected header (it is read only from the protected header).
    CoseAlgUnprotected => "COSE_ALG_UNPROTECTED",
    /// `alg` names an algorithm this profile does not accept.
    CoseAlgUnsupported => "COSE_ALG_UNSUPPORTED",
    /// `kid` is absent from the protected header or is not 8 bytes.
    CoseKidMissing => "COSE_KID_MISSING",
    /// `typ` is absent from the protected header.
    CoseTypMissing => "COSE_TYP_MISSING",
    /// `typ` names a different kind of artifact than the one expected.
    CoseTypMismatch => "COSE_TYP_MISMATCH",
    /// The protected header lists a critical parameter this profile does not understand.
    CoseCriticalHeader => "COSE_CRITICAL_HEADER",

    // --- Signature ---
    /// No trusted certificate has the `kid` of the signature.
    SignerUnknown => "SIGNER_UNKNOWN",
    /// The signature does not verify under any candidate certificate.
    SignatureInvalid => "SIGNATURE_INVALID",
    /// The signature's S value is not reduced (S ≥ ℓ): a malleable signature.
    SignatureNonCanonical => "SIGNATURE_NON_CANONICAL",
    /// The envelope's `alg` is not the algorithm of the signer certificate's key (no key confusion).
    AlgKeyMismatch => "ALG_KEY_MISMATCH",
    /// The signer's public key is a small-order (weak) point.
    KeyWeak => "KEY_WEAK",
    /// A key could not be read (bad PEM, wrong algorithm, bad length).
    KeyInvalid => "KEY_INVALID",
    /// An external signer (HSM, KMS) failed or returned a signature that does not verify.
    SignerFailed => "SIGNER_FAILED",

    // --- PKI ---
    /// A certificate could not be parsed, or is outside the profile.
    CertMalformed => "CERT_MALFORMED",
    /// The certificate had expired at the time that matters (the licence's `iat`).
    CertExpired => "CERT_EXPIRED",
    /// The certificate was not yet valid at the time that matters (the licence's `iat`).
    CertNotYetValid => "CERT_NOT_YET_VALID",
    /// The certificate lacks the extended key usage required for this artifact.
    CertWrongEku => "CERT_WRONG_EKU",
    /// A CA certificate was used as an end-entity (signer) certificate.
    CertCaAsEndEntity => "CERT_CA_AS_END_ENTITY",
    /// A certificate carries a critical extension this profile does not understand.
    CertUnknownCriticalExtension => "CERT_UNKNOWN_CRITICAL_EXTENSION",
    /// A certificate's signature does not verify under its issuer's key.
    CertSignatureInvalid => "CERT_SIGNATURE_INVALID",
    /// The certificate does not chain to any trusted region root.
    IssuerNotTrusted => "ISSUER_NOT_TRUSTED",
    /// The certificate chain is invalid for another reason (path length, names, algorithm).
    CertChainInvalid => "CERT_CHAIN_INVALID",
    /// The authority certificate's region differs from its root's, or is absent.
    CertRegionMismatch => "CERT_REGION_MISMATCH",
    /// The authority certificate has no valid credit code in organizationIdentifier.
    CertAuthorityCodeMissing => "CERT_AUTHORITY_CODE_MISSING",
    /// An authority certificate has no basicConstraints extension (the profile requires it, with cA false).
    CertBasicConstraintsMissing => "CERT_BASIC_CONSTRAINTS_MISSING",
    /// The authority's credit code was registered outside its root's region (characters 3–8, GB 32100).
    CreditCodeRegionMismatch => "CREDIT_CODE_REGION_MISMATCH",

    // --- Licence content ---
    /// The CWT claims or the licence structure do not follow the format.
    LicenceMalformed => "LICENCE_MALFORMED",
    /// A licence field breaks its rule (check character, code, date, length).
    LicenceFieldInvalid => "LICENCE_FIELD_INVALID",
    /// A holder code fails its check character but is of a kind in legal use (GB 32100 pilot codes): a warning.
    HolderCodeCheckFailed => "HOLDER_CODE_CHECK_FAILED",
    /// The licence's `iat` lies in the future beyond the allowed clock skew.
    LicenceIssuedInFuture => "LICENCE_ISSUED_IN_FUTURE",
    /// The licence's validity has not started yet.
    LicenceNotYetValid => "LICENCE_NOT_YET_VALID",
    /// The licence's validity has ended.
    LicenceExpired => "LICENCE_EXPIRED",

    // --- Trust bundles ---
    /// A trust bundle file is strict CBOR but not a bundle of this format: a field missing, of the wrong type, or unknown (docs/FORMAT.md §12).
    BundleMalformed => "BUNDLE_MALFORMED",

    // --- Trust lists ---
    /// A trust list does not follow the format.
    TrustListMalformed => "TRUST_LIST_MALFORMED",
    /// A trust list is not signed by the key that must sign it (its region root, or the federation).
    TrustListSignerInvalid => "TRUST_LIST_SIGNER_INVALID",
    /// A trust list is older (lower sequence number) than one already seen: a rollback.
    TrustListRollback => "TRUST_LIST_ROLLBACK",
    /// A trust list is past its next-update time plus the grace period.
    TrustListStale => "TRUST_LIST_STALE",
    /// The trust list needed (the issuing region's) is not in the trust bundle.
    TrustListMissing => "TRUST_LIST_MISSING",
    /// A trust list names the same certificate, region or authority twice, or contradicts itself.
    TrustListConflict => "TRUST_LIST_CONFLICT",
    /// The signer is not on its region's current trust list.
    AuthorityNotListed => "AUTHORITY_NOT_LISTED",
    /// The authority is not authorised to issue this licence type.
    AuthorityTypeNotAuthorised => "AUTHORITY_TYPE_NOT_AUTHORISED",
    /// The authority was marked compromised before the licence was issued.
    AuthorityCompromised => "AUTHORITY_COMPROMISED",
    /// The authority was retired before the licence was issued.
    AuthorityRetired => "AUTHORITY_RETIRED",

    // --- Status lists ---
    /// The status list token's claims or its list do not follow the format (docs/FORMAT.md §11).
    StatusListMalformed => "STATUS_LIST_MALFORMED",
    /// The issuing authority's status list is not in the trust bundle.
    StatusListMissing => "STATUS_LIST_MISSING",
    /// The status list's `bits` is not 1, 2, 4 or 8, or too small for the status to be written.
    StatusListBitsInvalid => "STATUS_LIST_BITS_INVALID",
    /// The status list is larger than the limit (4 MiB decompressed), or its `lst` inflates past it.
    StatusListTooLarge => "STATUS_LIST_TOO_LARGE",
    /// The licence's status index lies outside its authority's status list.
    StatusIndexOutOfRange => "STATUS_INDEX_OUT_OF_RANGE",
    /// The status list holds a value this profile does not define (3, or above 2 with 4 or 8 bits).
    StatusValueUnknown => "STATUS_VALUE_UNKNOWN",
    /// The status list token names another list (its subject is not the one expected for the authority).
    StatusListWrongSubject => "STATUS_LIST_WRONG_SUBJECT",
    /// The status list is older than the maximum age allowed, past its `exp`, or past `iat + ttl`.
    StatusListStale => "STATUS_LIST_STALE",
    /// The status change is not allowed from the licence's current status (e.g. reinstating a revoked licence).
    StatusTransitionInvalid => "STATUS_TRANSITION_INVALID",
    /// A status list's `iat` lies beyond the current time plus the clock-skew leeway: it is refused, so it can never lock out the lists issued before it.
    StatusListIssuedInFuture => "STATUS_LIST_ISSUED_IN_FUTURE",
    /// Nobody checked whether the licence was revoked or suspended: the verifier has no status list for its authority (a check outcome and a warning).
    StatusNotChecked => "STATUS_NOT_CHECKED",
    /// The licence has no status-list index, so it can never be revoked: refused when the recognition policy sets `require_status`, a warning otherwise.
    StatusIndexMissing => "STATUS_INDEX_MISSING",
    /// The licence has been revoked: its status list entry is 1.
    LicenceRevoked => "LICENCE_REVOKED",
    /// The licence is suspended: its status list entry is 2.
    LicenceSuspended => "LICENCE_SUSPENDED",

    // --- Identifiers ---
    /// A licence identifier, credit code, resident ID number or region code is malformed.
    IdentifierMalformed => "IDENTIFIER_MALFORMED",
    /// An identifier's check character is wrong.
    IdentifierCheckFailed => "IDENTIFIER_CHECK_FAILED",

    // --- Recognition policy ---
    /// The recognition policy does not accept licences from the issuing region.
    RegionNotAccepted => "REGION_NOT_ACCEPTED",
    /// The recognition policy refuses this licence type from other regions (by a rule or by its default).
    TypeNotRecognised => "TYPE_NOT_RECOGNISED",
    /// The licence's trust level (A–D) is below the minimum the recognition policy requires.
    TrustLevelTooLow => "TRUST_LEVEL_TOO_LOW",
    /// The recognition policy does not accept other regions' licences for the purpose named in the request.
    PurposeNotAccepted => "PURPOSE_NOT_ACCEPTED",
    /// A recognition policy file is not valid JSON or breaks a rule of its format (docs/POLICY.md).
    PolicyInvalid => "POLICY_INVALID",
}

impl ReasonCode {
    /// One-sentence meaning of the code, for people.
    pub fn meaning(self) -> &'static str {
        use ReasonCode::*;
        match self {
            Ok => "The check passed.",
            NotChecked => {
                "The check was not run because an earlier check failed or its input is absent."
            }
            QrPrefixInvalid => "The QR text does not start with the EL1: prefix.",
            InputTooLarge => "The input is longer than the documented limit.",
            Base45InvalidCharacter => "The QR text has a character outside the Base45 alphabet.",
            Base45ValueOutOfRange => "A Base45 group decodes to a value out of range.",
            Base45InvalidLength => "The Base45 text has a length no encoder produces.",
            HexInvalidLength => "The hex text has an odd number of digits.",
            PayloadEncodingUnknown => {
                "The decoded bytes are empty, or neither zlib nor a tagged COSE_Sign1."
            }
            ZlibInvalid => "The compressed data is corrupt or truncated.",
            ZlibTooLarge => "The compressed data inflates past the size limit.",
            QrNotFound => "No readable QR code was found in the image.",
            InvalidArgument => "A parameter given by the caller is invalid.",
            StorageFailed => "Durable storage failed; nothing of the operation was applied.",
            InternalError => "A bug in elicense: an internal invariant failed.",
            CborMalformed => "The CBOR data is malformed or truncated.",
            CborIndefiniteLength => "The CBOR data uses an indefinite-length item.",
            CborDuplicateKey => "A CBOR map repeats a key.",
            CborTrailingBytes => "Bytes follow the end of the CBOR data.",
            CborTooDeep => "The CBOR data is nested deeper than allowed.",
            CborItemTooLarge => "A CBOR item is larger than allowed.",
            CborUnsupported => "The CBOR data uses a feature outside the profile.",
            CoseUntagged => "The COSE_Sign1 lacks its CBOR tag 18.",
            CoseMalformed => "The data is not a well-formed COSE_Sign1.",
            CoseAlgMissing => "The protected header has no algorithm.",
            CoseAlgUnprotected => "The algorithm is given only in the unprotected header.",
            CoseAlgUnsupported => "The signature algorithm is not accepted.",
            CoseKidMissing => "The protected header has no 8-byte key identifier.",
            CoseTypMissing => "The protected header has no content type (typ).",
            CoseTypMismatch => "The artifact is of a different kind than expected.",
            CoseCriticalHeader => "The protected header marks an unknown parameter as critical.",
            SignerUnknown => "No trusted certificate matches the signer's key identifier.",
            SignatureInvalid => "The signature does not verify.",
            SignatureNonCanonical => "The signature is not in canonical form (S ≥ ℓ).",
            AlgKeyMismatch => "The signature algorithm named is not that of the signer's key.",
            KeyWeak => "The signer's public key is a weak, small-order point.",
            KeyInvalid => "The key could not be read.",
            SignerFailed => "The external signer failed or returned a bad signature.",
            CertMalformed => "A certificate could not be read or is outside the profile.",
            CertExpired => "The signer's certificate had expired when the licence was issued.",
            CertNotYetValid => {
                "The signer's certificate was not yet valid when the licence was issued."
            }
            CertWrongEku => {
                "The signer's certificate is not authorised for this kind of signature."
            }
            CertCaAsEndEntity => "A CA certificate was used to sign a licence.",
            CertUnknownCriticalExtension => {
                "A certificate has a critical extension that is not understood."
            }
            CertSignatureInvalid => "A certificate's signature does not verify.",
            IssuerNotTrusted => "The signer's certificate does not chain to a trusted region root.",
            CertChainInvalid => "The certificate chain is invalid.",
            CertRegionMismatch => "The authority's region does not match its root's region.",
            CertAuthorityCodeMissing => "The authority certificate has no valid credit code.",
            CertBasicConstraintsMissing => {
                "The authority certificate has no basicConstraints extension."
            }
            CreditCodeRegionMismatch => {
                "The authority's credit code was registered outside its root's region."
            }
            LicenceMalformed => "The licence content does not follow the format.",
            LicenceFieldInvalid => "A licence field breaks its rule.",
            HolderCodeCheckFailed => {
                "The holder's code fails its check character (legal pilot code)."
            }
            LicenceIssuedInFuture => "The licence claims to be issued in the future.",
            LicenceNotYetValid => "The licence is not valid yet.",
            LicenceExpired => "The licence has expired.",
            BundleMalformed => "The trust bundle file does not follow the format.",
            TrustListMalformed => "A trust list does not follow the format.",
            TrustListSignerInvalid => "A trust list is not signed by the key that must sign it.",
            TrustListRollback => "A trust list is older than one already seen.",
            TrustListStale => "A trust list is past its next update.",
            TrustListMissing => "The issuing region's trust list is not available.",
            StatusListMissing => "The issuing authority's status list is not available.",
            TrustListConflict => "A trust list has duplicate or conflicting entries.",
            AuthorityNotListed => "The issuing authority is not on its region's trust list.",
            AuthorityTypeNotAuthorised => "The authority may not issue this type of licence.",
            AuthorityCompromised => "The authority was compromised before this licence was issued.",
            AuthorityRetired => "The authority was retired before this licence was issued.",
            StatusListMalformed => "The status list does not follow the format.",
            StatusListBitsInvalid => {
                "The status list's bits per entry are not allowed or too few for the status."
            }
            StatusListTooLarge => "The status list is larger than allowed.",
            StatusIndexOutOfRange => "The licence's status index is outside the status list.",
            StatusValueUnknown => "The status list gives a status value that is not defined.",
            StatusListWrongSubject => "The status list is not the one expected for this authority.",
            StatusListStale => "The status list is too old, expired, or past its time to live.",
            StatusTransitionInvalid => {
                "The status change is not allowed from the licence's current status."
            }
            StatusListIssuedInFuture => "The status list claims to be issued in the future.",
            StatusNotChecked => "Nobody checked whether the licence was revoked or suspended.",
            StatusIndexMissing => "The licence has no status-list index and can never be revoked.",
            LicenceRevoked => "The licence has been revoked.",
            LicenceSuspended => "The licence is suspended.",
            IdentifierMalformed => "An identifier or code is malformed.",
            IdentifierCheckFailed => "An identifier's check character is wrong.",
            RegionNotAccepted => {
                "The recognition policy does not accept licences from the issuing region."
            }
            TypeNotRecognised => "The recognition policy does not recognise this licence type.",
            TrustLevelTooLow => "The licence's trust level is below the policy's minimum.",
            PurposeNotAccepted => {
                "The recognition policy does not accept other regions' licences for this purpose."
            }
            PolicyInvalid => "The recognition policy file is invalid.",
        }
    }
}

impl fmt::Display for ReasonCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ReasonCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_screaming_snake_case() {
        let mut seen = std::collections::HashSet::new();
        for code in ReasonCode::ALL {
            let s = code.as_str();
            assert!(seen.insert(s), "duplicate code {s}");
            assert!(
                s.bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_'),
                "{s} is not SCREAMING_SNAKE_CASE"
            );
            assert_eq!(ReasonCode::from_str_code(s), Some(*code));
            assert!(code.meaning().ends_with('.'));
        }
        assert_eq!(ReasonCode::from_str_code("NO_SUCH_CODE"), None);
    }

    #[test]
    fn documented_in_reasons_md() {
        let doc = include_str!("../docs/REASONS.md");
        for code in ReasonCode::ALL {
            assert!(
                doc.contains(&format!("`{}`", code.as_str())),
                "docs/REASONS.md does not list {}",
                code.as_str()
            );
        }
    }
}
