//! Stable reason codes.
//!
//! Every check in a verification report carries a stable reason code,
//! SCREAMING_SNAKE_CASE and identical in Rust, C and JS (docs/FORMAT.md §6,
//! §15). Every error
//! type in this crate maps to exactly one [`ReasonCode`] through its
//! `reason()` method, so a caller that only looks at codes never has to parse
//! error messages.
//!
//! The codes are part of the public contract: a code, once published, keeps
//! its spelling and its meaning. `docs/REASONS.md` lists them all with their
//! meaning and its messages; a test checks that list against
//! [`ReasonCode::ALL`]. Each code also says what it means to people in
//! Chinese and English ([`ReasonCode::message`], the table in
//! `src/reason/messages.rs`).

use core::fmt;
use serde::{Serialize, Serializer};

mod messages;

macro_rules! reason_codes {
    ($( $(#[$doc:meta])* $variant:ident = $number:literal => $text:literal, )*) => {
        /// A stable, machine-readable reason code.
        ///
        /// Each has a spelling ([`ReasonCode::as_str`]) and a fixed number
        /// ([`ReasonCode::number`], the enum's `u16` discriminant), both
        /// documented in `docs/REASONS.md`. A number is never given to
        /// another code, even after a code is retired, so C and JavaScript
        /// can switch on it.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        #[repr(u16)]
        pub enum ReasonCode {
            $( $(#[$doc])* $variant = $number, )*
        }

        impl ReasonCode {
            /// Every code, in documentation order.
            pub const ALL: &'static [ReasonCode] = &[ $( ReasonCode::$variant, )* ];

            /// The code's fixed number (as in the C ABI and JavaScript).
            pub const fn number(self) -> u16 {
                self as u16
            }

            /// The code with this number, if any.
            pub const fn from_number(number: u16) -> Option<Self> {
                match number { $( $number => Some(ReasonCode::$variant), )* _ => None }
            }

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
    Ok = 0 => "OK",
    /// The check was not run because an earlier check failed or its input is absent.
    NotChecked = 1 => "NOT_CHECKED",

    // --- QR text and transport encoding ---
    /// QR text does not start with the `EL2:` prefix (nor with `EL1:`).
    QrPrefixInvalid = 2 => "QR_PREFIX_INVALID",
    /// Input (QR text, COSE bytes, certificate) is longer than the documented limit.
    InputTooLarge = 3 => "INPUT_TOO_LARGE",
    /// A character outside the RFC 9285 Base45 alphabet.
    Base45InvalidCharacter = 4 => "BASE45_INVALID_CHARACTER",
    /// A Base45 group decodes to a value out of range (RFC 9285 §6).
    Base45ValueOutOfRange = 5 => "BASE45_VALUE_OUT_OF_RANGE",
    /// The Base45 text has a length that no encoding produces (a lone trailing character).
    Base45InvalidLength = 6 => "BASE45_INVALID_LENGTH",
    /// Hex text (a COSE message given as hex) has an odd number of digits.
    HexInvalidLength = 88 => "HEX_INVALID_LENGTH",
    /// The decoded bytes are empty (`EL2:` alone) or start neither with 0xD2 (tagged COSE_Sign1) nor with a dictionary version 0x01–0x1F.
    PayloadEncodingUnknown = 7 => "PAYLOAD_ENCODING_UNKNOWN",
    /// The compressed stream (raw DEFLATE over the dictionary, or zlib) is corrupt or truncated, or bytes follow its end.
    ZlibInvalid = 8 => "ZLIB_INVALID",
    /// The compressed stream inflates past the size limit (a zip bomb).
    ZlibTooLarge = 9 => "ZLIB_TOO_LARGE",
    /// The QR text is of an earlier format version (`EL1:`), which this verifier no longer reads: the licence must be reissued.
    QrVersionUnsupported = 115 => "QR_VERSION_UNSUPPORTED",
    /// The payload is compressed over a preset dictionary this verifier does not have (first byte 0x02–0x1F, the dictionary's version).
    DictionaryUnknown = 116 => "DICTIONARY_UNKNOWN",
    /// No readable QR code was found in the image, or the image could not be read.
    QrNotFound = 10 => "QR_NOT_FOUND",
    /// A caller-supplied parameter is invalid (ECC level, colour, scale, buffer size).
    InvalidArgument = 11 => "INVALID_ARGUMENT",
    /// Durable storage (an issuer registry's database, a file) failed or holds data this library did not write; nothing was applied.
    StorageFailed = 12 => "STORAGE_FAILED",
    /// A bug in elicense: an internal invariant failed (the command-line tool reports a panic with it). Please report it.
    InternalError = 13 => "INTERNAL_ERROR",

    // --- CBOR ---
    /// CBOR is malformed or truncated.
    CborMalformed = 14 => "CBOR_MALFORMED",
    /// CBOR uses an indefinite-length item.
    CborIndefiniteLength = 15 => "CBOR_INDEFINITE_LENGTH",
    /// A CBOR map repeats a key.
    CborDuplicateKey = 16 => "CBOR_DUPLICATE_KEY",
    /// Bytes follow the top-level CBOR item.
    CborTrailingBytes = 17 => "CBOR_TRAILING_BYTES",
    /// CBOR nesting is deeper than the limit.
    CborTooDeep = 18 => "CBOR_TOO_DEEP",
    /// A CBOR string, array or map is larger than the limit.
    CborItemTooLarge = 19 => "CBOR_ITEM_TOO_LARGE",
    /// A CBOR feature outside the profile (float, undefined simple value, unknown tag where one is not allowed).
    CborUnsupported = 20 => "CBOR_UNSUPPORTED",

    // --- COSE envelope ---
    /// The COSE_Sign1 is not wrapped in CBOR tag 18.
    CoseUntagged = 21 => "COSE_UNTAGGED",
    /// The structure is not a COSE_Sign1 (wrong arity or field types, detached payload).
    CoseMalformed = 22 => "COSE_MALFORMED",
    /// `alg` is absent from the protected header.
    CoseAlgMissing = 23 => "COSE_ALG_MISSING",
    /// `alg` appears in the unprotected header (it is read only from the protected header).
    CoseAlgUnprotected = 24 => "COSE_ALG_UNPROTECTED",
    /// `alg` names an algorithm this profile does not accept.
    CoseAlgUnsupported = 25 => "COSE_ALG_UNSUPPORTED",
    /// `kid` is absent from the protected header or is not 8 bytes.
    CoseKidMissing = 26 => "COSE_KID_MISSING",
    /// `typ` is absent from the protected header.
    CoseTypMissing = 27 => "COSE_TYP_MISSING",
    /// `typ` names a different kind of artifact than the one expected.
    CoseTypMismatch = 28 => "COSE_TYP_MISMATCH",
    /// The protected header lists a critical parameter this profile does not understand.
    CoseCriticalHeader = 29 => "COSE_CRITICAL_HEADER",

    // --- Signature ---
    /// No trusted certificate has the `kid` of the signature.
    SignerUnknown = 30 => "SIGNER_UNKNOWN",
    /// The signature does not verify under any candidate certificate.
    SignatureInvalid = 31 => "SIGNATURE_INVALID",
    /// The signature's S value is not reduced (S ≥ ℓ): a malleable signature.
    SignatureNonCanonical = 32 => "SIGNATURE_NON_CANONICAL",
    /// The envelope's `alg` is not the algorithm of the signer certificate's key (no key confusion).
    AlgKeyMismatch = 33 => "ALG_KEY_MISMATCH",
    /// The signer's public key is a small-order (weak) point.
    KeyWeak = 34 => "KEY_WEAK",
    /// A key could not be read (bad PEM, wrong algorithm, bad length).
    KeyInvalid = 35 => "KEY_INVALID",
    /// An external signer (HSM, KMS) failed or returned a signature that does not verify.
    SignerFailed = 36 => "SIGNER_FAILED",

    // --- PKI ---
    /// A certificate could not be parsed, or is outside the profile.
    CertMalformed = 37 => "CERT_MALFORMED",
    /// The certificate had expired at the time that matters (the licence's `iat`).
    CertExpired = 38 => "CERT_EXPIRED",
    /// The certificate was not yet valid at the time that matters (the licence's `iat`).
    CertNotYetValid = 39 => "CERT_NOT_YET_VALID",
    /// The certificate lacks the extended key usage required for this artifact.
    CertWrongEku = 40 => "CERT_WRONG_EKU",
    /// A CA certificate was used as an end-entity (signer) certificate.
    CertCaAsEndEntity = 41 => "CERT_CA_AS_END_ENTITY",
    /// A certificate carries a critical extension this profile does not understand.
    CertUnknownCriticalExtension = 42 => "CERT_UNKNOWN_CRITICAL_EXTENSION",
    /// A certificate's signature does not verify under its issuer's key.
    CertSignatureInvalid = 43 => "CERT_SIGNATURE_INVALID",
    /// The certificate does not chain to any trusted region root.
    IssuerNotTrusted = 44 => "ISSUER_NOT_TRUSTED",
    /// The certificate chain is invalid for another reason (path length, names, algorithm).
    CertChainInvalid = 45 => "CERT_CHAIN_INVALID",
    /// The authority certificate's region differs from its root's, or is absent.
    CertRegionMismatch = 46 => "CERT_REGION_MISMATCH",
    /// The authority certificate has no valid credit code in organizationIdentifier.
    CertAuthorityCodeMissing = 47 => "CERT_AUTHORITY_CODE_MISSING",
    /// An authority certificate has no basicConstraints extension (the profile requires it, with cA false).
    CertBasicConstraintsMissing = 48 => "CERT_BASIC_CONSTRAINTS_MISSING",
    /// The authority's credit code was registered outside its root's region (characters 3–8, GB 32100).
    CreditCodeRegionMismatch = 49 => "CREDIT_CODE_REGION_MISMATCH",

    // --- Licence content ---
    /// The CWT claims or the licence structure do not follow the format.
    LicenceMalformed = 50 => "LICENCE_MALFORMED",
    /// A licence field breaks its rule (check character, code, date, length).
    LicenceFieldInvalid = 51 => "LICENCE_FIELD_INVALID",
    /// A holder code fails its check character but is of a kind in legal use (GB 32100 pilot codes): a warning.
    HolderCodeCheckFailed = 52 => "HOLDER_CODE_CHECK_FAILED",
    /// The licence's `iat` lies in the future beyond the allowed clock skew.
    LicenceIssuedInFuture = 53 => "LICENCE_ISSUED_IN_FUTURE",
    /// The licence's validity has not started yet.
    LicenceNotYetValid = 54 => "LICENCE_NOT_YET_VALID",
    /// The licence's validity has ended.
    LicenceExpired = 55 => "LICENCE_EXPIRED",

    // --- Trust bundles ---
    /// A trust bundle file is strict CBOR but not a bundle of this format: a field missing, of the wrong type, or unknown (docs/FORMAT.md §12).
    BundleMalformed = 56 => "BUNDLE_MALFORMED",

    // --- Trust lists ---
    /// A trust list does not follow the format.
    TrustListMalformed = 57 => "TRUST_LIST_MALFORMED",
    /// A trust list is not signed by the key that must sign it (its region root, or the federation).
    TrustListSignerInvalid = 58 => "TRUST_LIST_SIGNER_INVALID",
    /// A trust list is older (lower sequence number) than one already seen: a rollback.
    TrustListRollback = 59 => "TRUST_LIST_ROLLBACK",
    /// A trust list is past its next-update time plus the grace period.
    TrustListStale = 60 => "TRUST_LIST_STALE",
    /// The trust list needed (the issuing region's) is not in the trust bundle.
    TrustListMissing = 61 => "TRUST_LIST_MISSING",
    /// A trust list names the same certificate, region or authority twice, or contradicts itself.
    TrustListConflict = 62 => "TRUST_LIST_CONFLICT",
    /// The signer is not on its region's current trust list.
    AuthorityNotListed = 63 => "AUTHORITY_NOT_LISTED",
    /// The authority is not authorised to issue this licence type.
    AuthorityTypeNotAuthorised = 64 => "AUTHORITY_TYPE_NOT_AUTHORISED",
    /// The authority was marked compromised before the licence was issued.
    AuthorityCompromised = 65 => "AUTHORITY_COMPROMISED",
    /// The authority was retired before the licence was issued.
    AuthorityRetired = 66 => "AUTHORITY_RETIRED",

    // --- Status lists ---
    /// The status list token's claims or its list do not follow the format (docs/FORMAT.md §11).
    StatusListMalformed = 67 => "STATUS_LIST_MALFORMED",
    /// The issuing authority's status list is not in the trust bundle.
    StatusListMissing = 68 => "STATUS_LIST_MISSING",
    /// The status list's `bits` is not 1, 2, 4 or 8, or too small for the status to be written.
    StatusListBitsInvalid = 69 => "STATUS_LIST_BITS_INVALID",
    /// The status list is larger than the limit (4 MiB decompressed), or its `lst` inflates past it.
    StatusListTooLarge = 70 => "STATUS_LIST_TOO_LARGE",
    /// The licence's status index lies outside its authority's status list.
    StatusIndexOutOfRange = 71 => "STATUS_INDEX_OUT_OF_RANGE",
    /// The status list holds a value this profile does not define (3, or above 2 with 4 or 8 bits).
    StatusValueUnknown = 72 => "STATUS_VALUE_UNKNOWN",
    /// The status list token names another list (its subject is not the one expected for the authority).
    StatusListWrongSubject = 73 => "STATUS_LIST_WRONG_SUBJECT",
    /// The status list is older than the maximum age allowed, past its `exp`, or past `iat + ttl`.
    StatusListStale = 74 => "STATUS_LIST_STALE",
    /// The status change is not allowed from the licence's current status (e.g. reinstating a revoked licence).
    StatusTransitionInvalid = 75 => "STATUS_TRANSITION_INVALID",
    /// A status list's `iat` lies beyond the current time plus the clock-skew leeway: it is refused, so it can never lock out the lists issued before it.
    StatusListIssuedInFuture = 76 => "STATUS_LIST_ISSUED_IN_FUTURE",
    /// Nobody checked whether the licence was revoked or suspended: the verifier has no status list for its authority (a check outcome and a warning).
    StatusNotChecked = 77 => "STATUS_NOT_CHECKED",
    /// The licence has no status-list index, so it can never be revoked: refused when the recognition policy sets `require_status`, a warning otherwise.
    StatusIndexMissing = 78 => "STATUS_INDEX_MISSING",
    /// The licence has been revoked: its status list entry is 1.
    LicenceRevoked = 79 => "LICENCE_REVOKED",
    /// The licence is suspended: its status list entry is 2.
    LicenceSuspended = 80 => "LICENCE_SUSPENDED",

    // --- Identifiers ---
    /// A licence identifier, credit code, resident ID number or region code is malformed.
    IdentifierMalformed = 81 => "IDENTIFIER_MALFORMED",
    /// An identifier's check character is wrong.
    IdentifierCheckFailed = 82 => "IDENTIFIER_CHECK_FAILED",

    // --- Recognition policy ---
    /// The recognition policy does not accept licences from the issuing region.
    RegionNotAccepted = 83 => "REGION_NOT_ACCEPTED",
    /// The recognition policy refuses this licence type from other regions (by a rule or by its default).
    TypeNotRecognised = 84 => "TYPE_NOT_RECOGNISED",
    /// The licence's trust level (A–D) is below the minimum the recognition policy requires.
    TrustLevelTooLow = 85 => "TRUST_LEVEL_TOO_LOW",
    /// The recognition policy does not accept other regions' licences for the purpose named in the request.
    PurposeNotAccepted = 86 => "PURPOSE_NOT_ACCEPTED",
    /// A recognition policy file is not valid JSON or breaks a rule of its format (docs/POLICY.md).
    PolicyInvalid = 87 => "POLICY_INVALID",

    // --- Electronic seals ---
    /// A seal's claims do not follow the format (docs/FORMAT.md §17), or a field breaks its rule.
    SealMalformed = 89 => "SEAL_MALFORMED",
    /// A seal picture is malformed or too large: a PNG that is not well-formed, too many pixels, or inflates past what its header declares (a bomb); an SVG that is not well-formed XML.
    SealPictureInvalid = 90 => "SEAL_PICTURE_INVALID",
    /// An SVG seal picture leaves the safe subset (docs/FORMAT.md §17): scripts, styles, text, external references, a DTD, or any element or attribute not on the list. It is refused, never stripped.
    SealPictureUnsafe = 91 => "SEAL_PICTURE_UNSAFE",
    /// A sealed signature's claims do not follow the format (docs/FORMAT.md §18), or a field breaks its rule.
    SealedSignatureMalformed = 92 => "SEALED_SIGNATURE_MALFORMED",
    /// The sealed signature's signer certificate is not among the certificates the seal lists (GB/T 38540 step 2).
    SignerNotInSeal = 93 => "SIGNER_NOT_IN_SEAL",
    /// The signer certificate's organisation (credit code) is not the owner of the organisation seal it signs with.
    SealOwnerMismatch = 94 => "SEAL_OWNER_MISMATCH",
    /// The document was sealed before the seal's validity starts.
    SealNotYetValid = 95 => "SEAL_NOT_YET_VALID",
    /// The document was sealed after the seal's validity ended.
    SealExpired = 96 => "SEAL_EXPIRED",
    /// The seal has been revoked: its entry in its maker's status list is 1.
    SealRevoked = 97 => "SEAL_REVOKED",
    /// The seal is suspended: its entry in its maker's status list is 2.
    SealSuspended = 98 => "SEAL_SUSPENDED",
    /// The document's digest is not the one sealed: the document changed, or the signature belongs to another document.
    DocumentDigestMismatch = 99 => "DOCUMENT_DIGEST_MISMATCH",
    /// The sealed signature's signing time lies beyond the time of checking plus the clock-skew leeway.
    SealedInFuture = 100 => "SEALED_IN_FUTURE",

    // --- Licence catalogue ---
    /// A licence catalogue (its JSON or its signed claims) does not follow the format (docs/FORMAT.md §19): a field missing, of the wrong type or unknown, an empty name, a control or direction character in a name, a bad key or item number.
    CatalogueMalformed = 101 => "CATALOGUE_MALFORMED",
    /// A licence catalogue defines a licence type, an item number or an item key twice, or contradicts itself (an enumeration repeating a value, two catalogues with the same version but other content).
    CatalogueConflict = 102 => "CATALOGUE_CONFLICT",
    /// A licence catalogue is over its limits (docs/FORMAT.md §7): too many types, items per type or enumeration labels, or names too long.
    CatalogueTooLarge = 103 => "CATALOGUE_TOO_LARGE",
    /// A licence catalogue is older (lower version) than the one already held from the same publisher: a rollback.
    CatalogueRollback = 104 => "CATALOGUE_ROLLBACK",
    /// A licence catalogue is not signed by the root that must sign it: the federation root for the national catalogue, the region's root (as the federation list names it) for a region extension.
    CatalogueSignerInvalid = 105 => "CATALOGUE_SIGNER_INVALID",
    /// A licence catalogue item has a value type, or a code item a check algorithm, that this version does not know.
    CatalogueValueTypeUnknown = 106 => "CATALOGUE_VALUE_TYPE_UNKNOWN",
    /// A region's catalogue extension defines a licence type the national catalogue already defines: regions may only add local types.
    CatalogueNationalTypeRedefined = 107 => "CATALOGUE_NATIONAL_TYPE_REDEFINED",
    /// No licence catalogue held defines the licence's type (for the signer's region): its items cannot be checked or named.
    LicenceTypeUnknown = 108 => "LICENCE_TYPE_UNKNOWN",
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
            QrPrefixInvalid => "The QR text does not start with the EL2: prefix.",
            QrVersionUnsupported => {
                "The QR text is of format version 1 (EL1:), which is no longer read; the licence must be reissued."
            }
            DictionaryUnknown => {
                "The payload is compressed with a preset dictionary this verifier does not have."
            }
            InputTooLarge => "The input is longer than the documented limit.",
            Base45InvalidCharacter => "The QR text has a character outside the Base45 alphabet.",
            Base45ValueOutOfRange => "A Base45 group decodes to a value out of range.",
            Base45InvalidLength => "The Base45 text has a length no encoder produces.",
            HexInvalidLength => "The hex text has an odd number of digits.",
            PayloadEncodingUnknown => {
                "The decoded bytes are empty, or neither a compressed form nor a tagged COSE_Sign1."
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
            SealMalformed => "The seal does not follow the format.",
            SealPictureInvalid => "The seal picture is malformed or too large.",
            SealPictureUnsafe => {
                "The SVG seal picture leaves the safe subset (scripts, external references, …)."
            }
            SealedSignatureMalformed => "The sealed signature does not follow the format.",
            SignerNotInSeal => "The signer's certificate is not one the seal lists.",
            SealOwnerMismatch => "The signer is not the owner of the organisation seal.",
            SealNotYetValid => "The document was sealed before the seal became valid.",
            SealExpired => "The document was sealed after the seal expired.",
            SealRevoked => "The seal has been revoked.",
            SealSuspended => "The seal is suspended.",
            DocumentDigestMismatch => "The document is not the one that was sealed.",
            SealedInFuture => "The sealing time lies in the future.",
            PolicyInvalid => "The recognition policy file is invalid.",
            CatalogueMalformed => "A licence catalogue does not follow the format.",
            CatalogueConflict => "A licence catalogue has duplicate or conflicting definitions.",
            CatalogueTooLarge => "A licence catalogue is over its size limits.",
            CatalogueRollback => "A licence catalogue is older than the one already held.",
            CatalogueSignerInvalid => {
                "A licence catalogue is not signed by the root that must sign it."
            }
            CatalogueValueTypeUnknown => {
                "A licence catalogue uses a value type or code check this version does not know."
            }
            CatalogueNationalTypeRedefined => {
                "A region's catalogue redefines a licence type of the national catalogue."
            }
            LicenceTypeUnknown => "No licence catalogue held defines this licence type.",
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
                doc.contains(&format!("| {} | `{}` |", code.number(), code.as_str())),
                "docs/REASONS.md does not list {} with its number {}",
                code.as_str(),
                code.number()
            );
            let messages = format!(
                " | {} | {} |\n",
                code.message(crate::Lang::Zh),
                code.message(crate::Lang::En)
            );
            assert!(
                doc.contains(&messages),
                "docs/REASONS.md lacks the messages of {}: run python3 scripts/gen-reasons.py",
                code.as_str()
            );
        }
    }

    #[test]
    fn numbers_are_fixed_and_round_trip() {
        // Published numbers never move: a few pinned here.
        assert_eq!(ReasonCode::Ok.number(), 0);
        assert_eq!(ReasonCode::QrPrefixInvalid.number(), 2);
        assert_eq!(ReasonCode::LicenceRevoked.number(), 79);
        for code in ReasonCode::ALL {
            assert_eq!(ReasonCode::from_number(code.number()), Some(*code));
            assert_eq!(ReasonCode::from_str_code(code.as_str()), Some(*code));
        }
        assert_eq!(ReasonCode::from_number(u16::MAX), None);
    }
}
