//! `elicense`: create federation and region roots and authorities, sign
//! trust lists and status lists, build trust bundles, issue licences as QR
//! codes, and verify (one or many) or inspect them.
//!
//! Every command returns through one error type, [`error::CliError`], which
//! `main` prints as a single `error: …` line ending with its reason code in
//! brackets before exiting with status 1; with `--json`, as one JSON object
//! `{"reason": "…", "message": "…"}` on standard error instead. Verification
//! outcomes are not errors: `verify` and `verify-batch` exit 0 for VALID, 3
//! for INVALID and 4 for INDETERMINATE. A usage error exits 2 (clap's
//! message, or `INVALID_ARGUMENT` as JSON when `--json` is among the
//! arguments); a bug exits 1 with `INTERNAL_ERROR`.

#![forbid(unsafe_code)]

mod batch;
mod bundle;
mod catalogue;
mod cose;
mod demo;
mod error;
mod files;
mod issue;
mod pki;
mod seal;
mod spec;
mod status;
mod time;
mod trustlist;
mod verify;

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use elicense::qr::EccLevel;
use elicense::status::Transition;

use crate::error::CliError;

/// Writes a line to standard error, ignoring failure (there is nowhere else
/// to report it).
macro_rules! note {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr().lock(), $($arg)*);
    }};
}
pub(crate) use note;

/// Exit status: an error (bad file, bad key, …).
pub const EXIT_ERROR: u8 = 1;
/// Exit status: verdict INVALID.
pub const EXIT_INVALID: u8 = 3;
/// Exit status: verdict INDETERMINATE.
pub const EXIT_INDETERMINATE: u8 = 4;

const MAIN_AFTER_HELP: &str = "\
Examples:
  # See everything work end to end, in a temporary directory:
  elicense demo

  # Set up a region and an authority, issue a licence, verify it:
  elicense region init --region 310000 --name 上海市电子证照根CA --out sh
  elicense authority new --root-key sh/root.key.pem --root-cert sh/root.cert.pem \\
      --name 上海市市场监督管理局 --credit-code 11310000MB2F31727A --out sh
  elicense issue --key sh/authority.key.pem --cert sh/authority.cert.pem \\
      --licence examples/data/business-licence.json --out licence.txt --png licence.png
  elicense verify --qr-file licence.txt --root sh/root.cert.pem \\
      --authority sh/authority.cert.pem

  # Across regions: a federation root, its list of region roots, a region's
  # list of authorities, a registry and status list, one trust bundle:
  elicense federation init --name 全国电子证照信任根 --out fed
  elicense trustlist federation --key fed/federation.key.pem \\
      --cert fed/federation.cert.pem --region-root sh/root.cert.pem \\
      --region-root gd/root.cert.pem --sequence 1 --out federation.tl
  elicense trustlist region --key gd/root.key.pem --cert gd/root.cert.pem \\
      --spec gd-list.json --sequence 1 --out gd.tl
  elicense issue --key gd/authority.key.pem --cert gd/authority.cert.pem \\
      --licence licence.json --registry gd.db --out licence.txt
  elicense status revoke --registry gd.db --authority-cert gd/authority.cert.pem --index 0
  elicense status publish --registry gd.db --key gd/authority.key.pem \\
      --cert gd/authority.cert.pem --out gd.sl
  elicense bundle build --anchor fed/federation.cert.pem --federation federation.tl \\
      --region gd.tl --status gd.sl --policy policy-shanghai.json --out trust.elb
  elicense verify --qr-file licence.txt --bundle trust.elb --anchor fed/federation.cert.pem
  elicense verify-batch --bundle trust.elb --anchor fed/federation.cert.pem \\
      --input codes.txt --out results.jsonl

Exit status:
  0  success; for verify: the licence is VALID; for verify-batch: every
     licence is VALID
  1  error (unreadable file, bad key or certificate, a trust list refused,
     …), printed as one `error: …` line with the reason code in brackets
  2  usage error (unknown option, missing argument)
  3  verify: the licence is INVALID; verify-batch: at least one is INVALID
  4  verify: INDETERMINATE (e.g. the signer's certificate is not known, or a
     status list is stale); verify-batch: none INVALID, at least one
     INDETERMINATE";

/// Issue, sign and verify electronic licences (电子证照) carried in QR codes.
#[derive(Debug, Parser)]
#[command(
    name = "elicense",
    version,
    about,
    long_about = "Issue, sign and verify electronic licences (电子证照) carried in QR codes.\n\n\
        A region runs a root certificate authority; its authorities (departments) hold \
        keys certified by that root (Ed25519, SM2 with SM3, or ECDSA P-256) and sign licences, which travel as `EL2:` QR \
        text. Anyone holding the region's root certificate and the authority's certificate \
        can verify a licence offline.\n\n\
        Across regions, a federation root signs the list of region roots, each region root \
        signs the list of its authorities (licence types, trust level, state), each \
        authority signs the status list of its licences (revoked, suspended), and a \
        verifier loads all of them, with its region's recognition policy, as one trust \
        bundle checked against the federation root it pins.",
    after_help = MAIN_AFTER_HELP,
    propagate_version = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// The language of reports and messages: zh (Chinese) or en (English).
    /// Default: from the environment (LC_ALL, LC_MESSAGES, LANG; Chinese
    /// for a zh locale, English otherwise). Reason codes, check names in
    /// JSON and verdicts keep their stable spelling in either language.
    #[arg(long, global = true, value_name = "zh|en", value_parser = parse_lang)]
    lang: Option<elicense::Lang>,
}

/// Parses `--lang`: `zh` or `en` (also `zh-CN`, `en_US.UTF-8`, …).
fn parse_lang(s: &str) -> Result<elicense::Lang, String> {
    s.parse()
        .map_err(|e: elicense::lang::UnknownLang| e.to_string())
}

/// The language chosen for this run (`--lang`, or the environment's).
static LANG: std::sync::OnceLock<elicense::Lang> = std::sync::OnceLock::new();

/// The language of reports and messages for this run: `--lang`, or the
/// environment's ([`elicense::Lang::from_env`]).
pub fn lang() -> elicense::Lang {
    *LANG.get_or_init(elicense::Lang::from_env)
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Manage a region root CA (create one with `region init`).
    #[command(
        after_help = "Example:\n  elicense region init --region 310000 --name 上海市电子证照根CA --out sh"
    )]
    Region {
        #[command(subcommand)]
        command: RegionCommand,
    },
    /// Manage authority certificates (create one with `authority new`).
    #[command(
        after_help = "Example:\n  elicense authority new --root-key sh/root.key.pem --root-cert sh/root.cert.pem \\\n      --name 上海市市场监督管理局 --credit-code 11310000MB2F31727A --out sh"
    )]
    Authority {
        #[command(subcommand)]
        command: AuthorityCommand,
    },
    /// Manage a federation root (create one with `federation init`).
    #[command(
        after_help = "Example:\n  elicense federation init --name 全国一体化政务服务平台电子证照信任根 --out fed"
    )]
    Federation {
        #[command(subcommand)]
        command: FederationCommand,
    },
    /// Sign trust lists: the federation's list of region roots, a region's list of authorities.
    #[command(
        long_about = "Sign trust lists.\n\n\
            `trustlist federation` signs, with the federation root's key, the list of region \
            roots verifiers accept. `trustlist region` signs, with a region root's key, the \
            list of that region's authorities: for each, its certificate, the licence types \
            it may issue, its trust level and its state (active, retired since T, compromised \
            since T). Every list carries a sequence number that must grow with each new list \
            (verifiers refuse a lower one: rollback) and a next-update time (past it, plus a \
            day's grace, verification is INDETERMINATE).",
        after_help = "Examples:\n  elicense trustlist federation --key fed/federation.key.pem \\\n      \
            --cert fed/federation.cert.pem --region-root sh/root.cert.pem \\\n      \
            --region-root gd/root.cert.pem --sequence 1 --out federation.tl\n  \
            elicense trustlist region --key gd/root.key.pem --cert gd/root.cert.pem \\\n      \
            --spec gd-list.json --sequence 2 --valid-days 7 --out gd.tl --json"
    )]
    Trustlist {
        #[command(subcommand)]
        command: TrustlistCommand,
    },
    /// Sign a licence (JSON) and output its QR text, optionally as SVG or PNG.
    #[command(
        long_about = "Sign a licence with an authority's key and output its `EL2:` QR text.\n\n\
            The licence is given as JSON (see examples/data/business-licence.json). The QR \
            text goes to standard output (or to --out); the identifier, QR version and any \
            warnings (such as a pilot credit code failing its check character) go to \
            standard error. With --json, one JSON object with qr_text, identifier, \
            qr_version, ecc, cose_bytes, qr_chars and warnings goes to standard output.\n\n\
            A licence without a status-list index can never be revoked or suspended, and \
            verifiers whose recognition policy requires one refuse it [STATUS_INDEX_MISSING]: \
            issuing one warns, with that code. Give the index as `status_index` in the JSON, \
            or let a registry allocate it (--registry).\n\n\
            With --registry DB (an SQLite file, created on first use), the registry allocates \
            the licence's serial number and status-list index for the authority (its credit \
            code is taken from --cert); they replace any `serial` and `status_index` in the \
            JSON (a note on standard error says so when they differ). The signed licence is \
            then recorded, so that `status revoke|suspend|reinstate` can change its status \
            and `status publish` can sign the authority's status list. An allocation is never \
            handed out again, even if signing fails.",
        after_help = "Examples:\n  elicense issue --key sh/authority.key.pem --cert sh/authority.cert.pem \\\n      \
            --licence examples/data/business-licence.json\n  \
            elicense issue --key sh/authority.key.pem --cert sh/authority.cert.pem \\\n      \
            --licence licence.json --issued-at 2024-05-20T10:00:00+08:00 \\\n      \
            --out licence.txt --svg licence.svg --png licence.png --ecc H --json\n  \
            elicense issue --key gd/authority.key.pem --cert gd/authority.cert.pem \\\n      \
            --licence licence.json --registry gd.db --out licence.txt"
    )]
    Issue(IssueArgs),
    /// Revoke, suspend or reinstate licences in a registry; sign its status list.
    #[command(
        long_about = "Change the status of licences recorded in an issuer registry (see `issue \
            --registry`), and sign an authority's status list.\n\n\
            `status revoke|suspend|reinstate` change licences given by status-list index \
            (--index) or serial number (--serial), all or none: if one change is not allowed \
            (revoked is final; only a valid licence can be suspended; only a suspended one \
            reinstated), nothing changes and the error says why [STATUS_TRANSITION_INVALID]. \
            Verifiers see a change only once a new status list is published (`status \
            publish`) and their trust bundle updated (`bundle update`).",
        after_help = "Examples:\n  elicense status revoke --registry gd.db --authority-cert gd/authority.cert.pem \\\n      \
            --index 7 --index 9\n  \
            elicense status suspend --registry gd.db --credit-code 114400000073356321 \\\n      \
            --serial 000000000008\n  \
            elicense status publish --registry gd.db --key gd/authority.key.pem \\\n      \
            --cert gd/authority.cert.pem --ttl 1d --out gd.sl"
    )]
    Status {
        #[command(subcommand)]
        command: StatusCommand,
    },
    /// Build, inspect and update trust bundles (what an offline verifier loads).
    #[command(
        long_about = "Build, inspect and update trust bundles.\n\n\
            A trust bundle is one file holding the federation trust list, region trust \
            lists, authorities' status lists and the verifying region's recognition policy. \
            It is not signed itself: every list in it is, and every command that reads a \
            bundle verifies each list against the federation root given with --anchor \
            (never one taken from the file).",
        after_help = "Examples:\n  elicense bundle build --anchor fed/federation.cert.pem --federation federation.tl \\\n      \
            --region sh.tl --region gd.tl --status gd.sl --policy policy-shanghai.json \\\n      \
            --out trust.elb\n  \
            elicense bundle inspect trust.elb --anchor fed/federation.cert.pem\n  \
            elicense bundle update trust.elb --anchor fed/federation.cert.pem --status gd.sl"
    )]
    Bundle {
        #[command(subcommand)]
        command: BundleCommand,
    },
    /// Verify a licence QR code against trusted roots and authority certificates.
    #[command(
        long_about = "Verify a licence QR code: decode it, check its signature against the \
            authority certificates given, check those chain to a trusted region root, and \
            check the licence's validity at the time given.\n\n\
            Revocation: the STATUS check reads the licence's entry in its authority's status \
            list, given with --status FILE (signed by a certificate given with --authority). \
            Without one, STATUS is NOT_CHECKED [STATUS_NOT_CHECKED] and the report warns that \
            nobody checked whether the licence was revoked or suspended; the verdict can still \
            be VALID.\n\n\
            With --bundle and --anchor instead of --root and --authority, the roots, \
            authorities and status lists come from a trust bundle checked against the pinned \
            federation root, and the report adds two checks: TRUST_LIST (the authority on its \
            region's current list, its state and licence types) and RECOGNITION (the bundle's \
            recognition policy: recognised as which local type, for --purpose).\n\n\
            Prints the report (every check in order with its reason code, then the \
            licence), or the report as JSON with --json. The exit status tells the verdict.",
        after_help = "Examples:\n  elicense verify --qr-file licence.txt --root sh/root.cert.pem \\\n      \
            --authority sh/authority.cert.pem\n  \
            elicense verify --qr-file licence.txt --root gd/root.cert.pem \\\n      \
            --authority gd/authority.cert.pem --status gd.sl\n  \
            elicense verify --qr-file licence.txt --bundle trust.elb \\\n      \
            --anchor fed/federation.cert.pem --purpose business_registration --json\n  \
            elicense verify --image licence.png --root sh/root.cert.pem --root gd/root.cert.pem \\\n      \
            --authority sh/authority.cert.pem --at 2030-01-01 --json\n  \
            elicense verify 'EL2:6BF…' --root sh/root.cert.pem --authority sh/authority.cert.pem\n\n\
            Exit status:\n  \
            0  VALID: every check passed\n  \
            1  error (unreadable file, bad certificate, no QR code in the image, …)\n  \
            2  usage error\n  \
            3  INVALID: a check failed (the reason code says which)\n  \
            4  INDETERMINATE: something needed is missing\n     \
            (e.g. the signer's certificate: give it with --authority)"
    )]
    Verify(VerifyArgs),
    /// Verify many licence QR texts (one per line) against a trust bundle.
    #[command(
        long_about = "Verify a file of licence QR texts, one per line, against a trust bundle, \
            as `verify --bundle` would each one. Signatures are checked in batches (Ed25519 \
            batch verification, 256 lines at a time), with the same results as one by one.\n\n\
            Writes one JSON object per input line to standard output (or --out): \
            {\"line\": N, \"verdict\": \"VALID\"|\"INVALID\"|\"INDETERMINATE\", \"reason\": CODE, \
            \"check\": the check that decided it (null when VALID), \"detail\": its sentence, \
            \"identifier\": the licence identifier or null, \"status\": \"valid\"|\"revoked\"|\
            \"suspended\"|null, \"recognised_as\": the local type code or null, \"mapped\": \
            true|false|null}. Blank lines are skipped. A line that is too long for a QR code \
            (over 4296 bytes) or not UTF-8 is an INVALID result for that line, not an error.\n\n\
            Then writes a summary to standard error: the counts per verdict and per reason \
            code, the time taken and licences per second (as JSON with --json). A progress \
            bar is drawn on standard error when it is a terminal.",
        after_help = "Examples:\n  elicense verify-batch --bundle trust.elb --anchor fed/federation.cert.pem \\\n      \
            --input codes.txt --out results.jsonl\n  \
            cat codes.txt | elicense verify-batch --bundle trust.elb \\\n      \
            --anchor fed/federation.cert.pem --input - --json > results.jsonl 2> summary.json\n\n\
            Exit status:\n  \
            0  every licence is VALID (or there were none)\n  \
            1  error (unreadable input, bad bundle or anchor, …)\n  \
            2  usage error\n  \
            3  at least one licence is INVALID\n  \
            4  none is INVALID, at least one is INDETERMINATE"
    )]
    VerifyBatch(VerifyBatchArgs),
    /// Verify any COSE_Sign1 (EU DCC HC1:, EL2:, hex or binary) against a certificate.
    #[command(long_about = cose::LONG_ABOUT, after_help = cose::AFTER_HELP)]
    CoseVerify(cose::CoseVerifyArgs),
    /// Decode a licence QR code WITHOUT verifying it (for debugging only).
    #[command(
        long_about = "Decode a licence QR code and show what it claims, WITHOUT verifying \
            anything: no signature, no certificate, no validity check. Use `verify` to \
            decide whether a licence is genuine.",
        after_help = "Examples:\n  elicense inspect --qr-file licence.txt\n  elicense inspect --image licence.png --json"
    )]
    Inspect(InspectArgs),
    /// Electronic seals (电子印章): make seals, seal any file, verify sealed files (GB/T 38540).
    #[command(
        long_about = "Electronic seals (电子印章) and sealed signatures (电子签章), after GB/T 38540.\n\n\
            A seal-making authority makes a seal (`seal make`), drawn as the familiar round red \
            seal unless a picture is given; the seal's owner seals any file with it (`seal \
            sign`), writing a detached signature beside the file; anyone verifies the file's \
            signatures in the standard's order (`seal verify`). `seal show` writes a seal's \
            picture as SVG or PNG.",
        after_help = "Examples:\n  elicense seal make --key psb/authority.key.pem --cert psb/authority.cert.pem \\\n      \
            --esid 3101000000001 --name 上海市市场监督管理局行政审批专用章 \\\n      \
            --owner-name 上海市市场监督管理局 --owner-code 11310000MB2F31727A \\\n      \
            --purpose 行政审批专用章 --signer-cert samr/authority.cert.pem \\\n      \
            --valid-until 2030-12-31 --status-index 0 --out samr.seal\n  \
            elicense seal show samr.seal --png seal.png\n  \
            elicense seal sign notice.pdf --seal samr.seal --key samr/authority.key.pem \\\n      \
            --cert samr/authority.cert.pem --out notice.pdf.samr.sig\n  \
            elicense seal verify notice.pdf notice.pdf.samr.sig --root sh/root.cert.pem \\\n      \
            --authority psb/authority.cert.pem"
    )]
    Seal {
        #[command(subcommand)]
        command: seal::SealCommand,
    },
    /// The licence catalogue (证照目录): sign one from JSON, show one in Chinese and English.
    #[command(
        long_about = "The licence catalogue (证照目录, GB/T 36902/36903): for each licence type, \
            its names in Chinese and English and its numbered data items (照面信息项: name, value \
            type, unit, required or not, display order). Licences carry item numbers; verifiers \
            show the catalogue's names. The national catalogue is signed by the federation root, \
            a region's extension by its region root; both travel in the trust bundle \
            (`bundle build --catalogue`). elicense has the national catalogue built in \
            (`catalogue inspect`).",
        after_help = "Examples:\n  elicense catalogue inspect\n  \
            elicense catalogue build data/catalogue/national.json --key fed/federation.key.pem \\\n      \
            --cert fed/federation.cert.pem --out national.cat\n  \
            elicense catalogue inspect national.cat --root fed/federation.cert.pem --json"
    )]
    Catalogue {
        #[command(subcommand)]
        command: catalogue::CatalogueCommand,
    },
    /// Run the whole flow on built-in sample data: region, authority, issue, verify.
    #[command(
        long_about = "Run the whole flow on built-in sample data, through the same code as the \
            other commands: create the Shanghai region root (310000), the Shanghai market \
            regulation authority, issue the sample business licence now, show its QR code \
            in the terminal, and verify it.\n\n\
            Files go to a temporary directory deleted on exit, or to --out DIR to keep them.",
        after_help = "Examples:\n  elicense demo\n  elicense demo --out demo-files\n  elicense demo --json"
    )]
    Demo(DemoArgs),
}

#[derive(Debug, Subcommand)]
enum FederationCommand {
    /// Create a federation root: a new private key and a self-signed certificate.
    #[command(
        long_about = "Create a federation root: a new private key (Ed25519, or SM2 or P-256 \
            with --alg) and a self-signed X.509 CA certificate (no region code). Its key signs the federation trust list of \
            region roots (`trustlist federation`); verifiers pin its certificate (--anchor).\n\n\
            Writes DIR/federation.key.pem (the private key, mode 0600; keep it offline) and \
            DIR/federation.cert.pem. An existing key or certificate is never replaced unless \
            --force is given.",
        after_help = "Examples:\n  elicense federation init --name 全国一体化政务服务平台电子证照信任根 --out fed\n  \
            elicense federation init --name \"Test federation\" --years 5 --out fed-test\n  \
            elicense federation init --alg sm2 --name 全国一体化政务服务平台电子证照信任根 --out fed-sm2"
    )]
    Init(FederationInitArgs),
}

#[derive(Debug, Subcommand)]
enum TrustlistCommand {
    /// Sign the federation trust list: the region roots verifiers accept.
    #[command(
        long_about = "Sign the federation trust list with the federation root's key: the list \
            of region roots (each with its region code, read from its certificate, and its \
            name, the certificate's common name) that verifiers pinning the federation root \
            accept.\n\n\
            Writes the signed list (COSE_Sign1 bytes) to --out, and a summary to standard \
            output (JSON with --json).",
        after_help = "Examples:\n  elicense trustlist federation --key fed/federation.key.pem \\\n      \
            --cert fed/federation.cert.pem --region-root sh/root.cert.pem \\\n      \
            --region-root gd/root.cert.pem --region-root sc/root.cert.pem \\\n      \
            --sequence 1 --valid-days 90 --out federation.tl"
    )]
    Federation(TrustlistFederationArgs),
    /// Sign a region trust list: the region's authorities, their types, levels and states.
    #[command(
        long_about = "Sign a region trust list with the region root's key: the region's \
            authorities, each with its certificate (which must be issued by this root), the \
            licence types it may issue, its trust level (A strongest to D) and its state. The \
            authorities are read from a JSON spec file (below); --sequence, --issued-at, \
            --next-update and --valid-days override the spec's values.\n\n\
            Writes the signed list (COSE_Sign1 bytes) to --out, and a summary to standard \
            output (JSON with --json).",
        after_help = spec::SPEC_HELP
    )]
    Region(TrustlistRegionArgs),
}

#[derive(Debug, Subcommand)]
enum StatusCommand {
    /// Revoke licences (final): valid or suspended → revoked.
    #[command(
        long_about = "Revoke licences recorded in the registry, given by status-list index or \
            serial number: valid or suspended → revoked. Revocation is final. All or none: if \
            one is refused (already revoked), nothing changes [STATUS_TRANSITION_INVALID].\n\n\
            Prints each licence's new status (JSON with --json). Publish a new status list \
            (`status publish`) for verifiers to see the change.",
        after_help = "Examples:\n  elicense status revoke --registry gd.db --authority-cert gd/authority.cert.pem --index 7\n  \
            elicense status revoke --registry gd.db --credit-code 114400000073356321 \\\n      \
            --serial 000000000008 --serial 000000000009 --json"
    )]
    Revoke(StatusChangeArgs),
    /// Suspend licences (暂扣): valid → suspended.
    #[command(
        long_about = "Suspend licences recorded in the registry, given by status-list index or \
            serial number: valid → suspended. All or none: if one is refused (not valid), \
            nothing changes [STATUS_TRANSITION_INVALID].\n\n\
            Prints each licence's new status (JSON with --json). Publish a new status list \
            (`status publish`) for verifiers to see the change.",
        after_help = "Example:\n  elicense status suspend --registry gd.db --authority-cert gd/authority.cert.pem --index 7"
    )]
    Suspend(StatusChangeArgs),
    /// Reinstate suspended licences: suspended → valid.
    #[command(
        long_about = "Reinstate suspended licences recorded in the registry, given by \
            status-list index or serial number: suspended → valid. All or none: if one is \
            refused (not suspended), nothing changes [STATUS_TRANSITION_INVALID].\n\n\
            Prints each licence's new status (JSON with --json). Publish a new status list \
            (`status publish`) for verifiers to see the change.",
        after_help = "Example:\n  elicense status reinstate --registry gd.db --authority-cert gd/authority.cert.pem --index 7"
    )]
    Reinstate(StatusChangeArgs),
    /// Sign the authority's current status list (IETF Token Status List, CWT).
    #[command(
        long_about = "Sign the authority's current status list from the registry, as an IETF \
            Token Status List token (CWT, 2 bits per licence), with the authority's key and \
            certificate (which must allow status-list signing: `authority new --usage \
            status-list-signing`). The authority is the one named in the certificate.\n\n\
            The list covers every status-list index allocated so far, and at least \
            --min-entries entries, so that its size does not tell how many licences were \
            issued. Its subject is urn:elicense:status:<credit code>, the only one a trust \
            bundle accepts; --subject names it otherwise (for verifiers outside elicense).\n\n\
            Each list is issued strictly after the authority's last one: the registry \
            records every publication's issue time, and when the time asked for (now, or \
            --issued-at) is not later than the last, the list is issued one second after \
            it, with a note. A trust bundle needs that: it refuses a second list issued in \
            the same second [TRUST_LIST_CONFLICT] and an older one [TRUST_LIST_ROLLBACK].\n\n\
            Writes the signed token (COSE_Sign1 bytes) to --out, and a summary to standard \
            output (JSON with --json).",
        after_help = "Examples:\n  elicense status publish --registry gd.db --key gd/authority.key.pem \\\n      \
            --cert gd/authority.cert.pem --out gd.sl\n  \
            elicense status publish --registry gd.db --key gd/authority.key.pem \\\n      \
            --cert gd/authority.cert.pem --ttl 12h --expires-in 7d --min-entries 100000 \\\n      \
            --out gd.sl --json"
    )]
    Publish(StatusPublishArgs),
}

#[derive(Debug, Subcommand)]
enum BundleCommand {
    /// Build a trust bundle from signed lists and a recognition policy.
    #[command(
        long_about = "Build a trust bundle: the federation trust list (verified against \
            --anchor), region trust lists (each verified against the region root the \
            federation list names), status lists (each signed by an authority on a region \
            list held, for its own subject) and, optionally, the recognition policy \
            (docs/POLICY.md). Any list refused stops the build, naming the file and the \
            reason code; nothing is written. A status list dated beyond the current time, or \
            issued after its signer's retired or compromised time, is refused.\n\n\
            Writes the bundle to --out (atomically: a temporary file renamed over it) and a \
            summary to standard output (JSON with --json).",
        after_help = "Example:\n  elicense bundle build --anchor fed/federation.cert.pem --federation federation.tl \\\n      \
            --region sh.tl --region gd.tl --region sc.tl --status gd.sl --status sc.sl \\\n      \
            --policy examples/data/policy-shanghai.json --out trust.elb"
    )]
    Build(BundleBuildArgs),
    /// Show what a trust bundle holds, after verifying it.
    #[command(
        long_about = "Verify a trust bundle against the pinned federation root and show what it \
            holds: the federation list (sequence, issue and next-update times, regions), each \
            region list (sequence, times, freshness, authorities with their types, levels and \
            states), each status list (authority, issue time, time to live, entries, revoked \
            and suspended counts, freshness) and the recognition policy's summary.\n\n\
            Freshness is judged at --at (default now), with the policy's maximum status-list \
            age when there is a policy.",
        after_help = "Examples:\n  elicense bundle inspect trust.elb --anchor fed/federation.cert.pem\n  \
            elicense bundle inspect trust.elb --anchor fed/federation.cert.pem --at 2025-07-01 --json"
    )]
    Inspect(BundleInspectArgs),
    /// Replace a bundle's lists with newer ones (rollback refused).
    #[command(
        long_about = "Update a trust bundle with newer lists: those of another bundle (--with), \
            a federation list (--federation), region lists (--region), status lists \
            (--status) and a policy (--policy). A list replaces the one held for the same \
            region or authority when its sequence number (status lists: issue time) is not \
            lower; a lower one refuses the whole update [TRUST_LIST_ROLLBACK], the same \
            number with different content too [TRUST_LIST_CONFLICT], and nothing changes. \
            A status list dated beyond the current time is refused \
            [STATUS_LIST_ISSUED_IN_FUTURE], and so is one issued after its signer's retired or \
            compromised time [AUTHORITY_RETIRED, AUTHORITY_COMPROMISED].\n\n\
            A status list applies only to the authority as listed by its signer's region. \
            When a newer federation list drops a region's root, that region's list and its \
            authorities' status lists leave the bundle [TRUST_LIST_MISSING]; when a newer \
            region list no longer vouches for the certificate that signed a status list held \
            (it left the list [AUTHORITY_NOT_LISTED], or is now retired or compromised since \
            a time at or before the list's issue), that status list leaves the bundle. Each list that left is \
            printed with its reason code (`dropped` in the JSON); publish and add a list \
            signed with a listed certificate to check those licences again.\n\n\
            The bundle is rewritten atomically (a temporary file renamed over it), or written \
            to --out, and only once it is known to load again.",
        after_help = "Examples:\n  elicense bundle update trust.elb --anchor fed/federation.cert.pem --status gd.sl\n  \
            elicense bundle update trust.elb --anchor fed/federation.cert.pem \\\n      \
            --with fresh.elb --out trust-new.elb --json"
    )]
    Update(BundleUpdateArgs),
}

#[derive(Debug, Subcommand)]
enum RegionCommand {
    /// Create a region root CA: a new private key and a self-signed certificate.
    #[command(
        long_about = "Create a region root CA: a new private key (Ed25519, or SM2 or P-256 \
            with --alg) and a self-signed X.509 certificate carrying the region's GB/T 2260 \
            code. A root of any algorithm certifies authorities of any algorithm.\n\n\
            Writes DIR/root.key.pem (the private key, mode 0600; keep it offline) and \
            DIR/root.cert.pem (the certificate verifiers trust). An existing key or \
            certificate is never replaced unless --force is given.",
        after_help = "Examples:\n  elicense region init --region 310000 --name 上海市电子证照根CA --out sh\n  \
            elicense region init --region 440000 --name 广东省电子证照根CA --years 25 --out gd\n  \
            elicense region init --alg sm2 --region 440000 --name 广东省电子证照根CA --out gd-sm2"
    )]
    Init(RegionInitArgs),
}

#[derive(Debug, Subcommand)]
enum AuthorityCommand {
    /// Create an authority: a new private key and a certificate signed by the region root.
    #[command(
        long_about = "Create an authority (a department that issues licences): a new private \
            key (Ed25519, or SM2 or P-256 with --alg, whatever the root's algorithm) and an \
            X.509 certificate issued by the region root, carrying the \
            authority's unified social credit code and what it may sign: by default \
            licences and the status lists that suspend or revoke them.\n\n\
            The credit code must have been registered within the root's region (its \
            characters 3 to 8, the registering body's division, lie within the root's \
            region code) [CREDIT_CODE_REGION_MISMATCH].\n\n\
            Writes DIR/authority.key.pem (PKCS#8, mode 0600) and DIR/authority.cert.pem. \
            The certificate never outlives the root's.",
        after_help = "Examples:\n  elicense authority new --root-key sh/root.key.pem --root-cert sh/root.cert.pem \\\n      \
            --name 上海市市场监督管理局 --credit-code 11310000MB2F31727A --out sh\n  \
            elicense authority new --root-key sh/root.key.pem --root-cert sh/root.cert.pem \\\n      \
            --name 上海市市场监督管理局 --credit-code 11310000MB2F31727A \\\n      \
            --usage seal-making --years 3 --out sh-seal\n  \
            elicense authority new --alg es256 --root-key gd-sm2/root.key.pem \\\n      \
            --root-cert gd-sm2/root.cert.pem --name 深圳市市场监督管理局 \\\n      \
            --credit-code 11440300MB0000001Y --out gd-es256"
    )]
    New(AuthorityNewArgs),
}

/// Arguments of `region init`.
#[derive(Debug, Clone, Args)]
pub struct RegionInitArgs {
    /// The region's six-digit GB/T 2260 administrative code, e.g. 310000 (Shanghai).
    #[arg(long, value_name = "CODE")]
    pub region: String,
    /// The root's name (certificate common name), e.g. "上海市电子证照根CA".
    #[arg(long)]
    pub name: String,
    /// Directory to write root.key.pem and root.cert.pem into (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// How many years the root certificate is valid, counted from --valid-from or now.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub years: u32,
    /// Start of validity (Unix seconds, YYYY-MM-DD or RFC 3339) [default: one day ago,
    /// to allow for clock skew].
    #[arg(long, value_name = "TIME", value_parser = time::parse_time)]
    pub valid_from: Option<i64>,
    /// The new key's signature algorithm. The key file is PKCS#8 as OpenSSL writes it;
    /// every other command takes the algorithm from the key file.
    #[arg(long, value_enum, value_name = "ALG", default_value = "ed25519")]
    pub alg: AlgArg,
    /// Replace existing key and certificate files in DIR.
    #[arg(long)]
    pub force: bool,
}

/// Arguments of `federation init`.
#[derive(Debug, Clone, Args)]
pub struct FederationInitArgs {
    /// The federation root's name (certificate common name).
    #[arg(long)]
    pub name: String,
    /// Directory to write federation.key.pem and federation.cert.pem into (created if
    /// missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// How many years the certificate is valid, counted from --valid-from or now.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub years: u32,
    /// Start of validity (Unix seconds, YYYY-MM-DD or RFC 3339) [default: one day ago].
    #[arg(long, value_name = "TIME", value_parser = time::parse_time)]
    pub valid_from: Option<i64>,
    /// The new key's signature algorithm. The key file is PKCS#8 as OpenSSL writes it;
    /// every other command takes the algorithm from the key file.
    #[arg(long, value_enum, value_name = "ALG", default_value = "ed25519")]
    pub alg: AlgArg,
    /// Replace existing key and certificate files in DIR.
    #[arg(long)]
    pub force: bool,
}

/// When a list is issued and when the next one is due.
#[derive(Debug, Clone, Args)]
pub struct ListTimes {
    /// The list's time of issue (Unix seconds, YYYY-MM-DD or RFC 3339) [default: now].
    #[arg(long, value_name = "TIME", value_parser = time::parse_time)]
    pub issued_at: Option<i64>,
    /// When the next list is due; past it (plus a day's grace) verifiers report the list
    /// stale [default: 30 days after the time of issue].
    #[arg(long, value_name = "TIME", value_parser = time::parse_time, conflicts_with = "valid_days")]
    pub next_update: Option<i64>,
    /// The next list is due this many days after the time of issue.
    #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(u32).range(1..=3660))]
    pub valid_days: Option<u32>,
}

/// Arguments of `trustlist federation`.
#[derive(Debug, Clone, Args)]
pub struct TrustlistFederationArgs {
    /// The federation root's private key (PKCS#8 PEM), from `federation init`.
    #[arg(long, value_name = "FILE")]
    pub key: PathBuf,
    /// The federation root's certificate (PEM), from `federation init`.
    #[arg(long, value_name = "FILE")]
    pub cert: PathBuf,
    /// A region root certificate to list (PEM; a file may hold several). Repeat for
    /// each region.
    #[arg(long, value_name = "FILE", required = true)]
    pub region_root: Vec<PathBuf>,
    /// The federation's name in the list [default: the certificate's common name].
    #[arg(long)]
    pub name: Option<String>,
    /// The list's sequence number: higher than that of every earlier list.
    #[arg(long, value_name = "N")]
    pub sequence: u64,
    #[command(flatten)]
    pub times: ListTimes,
    /// Where to write the signed list.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `trustlist region`.
#[derive(Debug, Clone, Args)]
pub struct TrustlistRegionArgs {
    /// The region root's private key (PKCS#8 PEM), from `region init`.
    #[arg(long, value_name = "FILE")]
    pub key: PathBuf,
    /// The region root's certificate (PEM), from `region init`.
    #[arg(long, value_name = "FILE")]
    pub cert: PathBuf,
    /// The list's content: a JSON spec file (below).
    #[arg(long, value_name = "FILE.json")]
    pub spec: PathBuf,
    /// The list's sequence number (overrides the spec's `sequence`): higher than that of
    /// every earlier list of the region.
    #[arg(long, value_name = "N")]
    pub sequence: Option<u64>,
    #[command(flatten)]
    pub times: ListTimes,
    /// Where to write the signed list.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Whose registry entries a status command changes.
#[derive(Debug, Clone, Args)]
#[group(required = true, multiple = false)]
pub struct AuthoritySelector {
    /// The authority's certificate (PEM): its credit code names the authority.
    #[arg(long, value_name = "FILE")]
    pub authority_cert: Option<PathBuf>,
    /// The authority's 18-character unified social credit code.
    #[arg(long, value_name = "CODE")]
    pub credit_code: Option<String>,
}

/// Which licences a status command changes.
#[derive(Debug, Clone, Args)]
#[group(required = true, multiple = true)]
pub struct LicenceSelector {
    /// A licence's status-list index; repeat for several.
    #[arg(long, value_name = "N")]
    pub index: Vec<u64>,
    /// A licence's serial number; repeat for several.
    #[arg(long, value_name = "SERIAL")]
    pub serial: Vec<String>,
}

/// Arguments of `status revoke`, `status suspend` and `status reinstate`.
#[derive(Debug, Clone, Args)]
pub struct StatusChangeArgs {
    /// The issuer registry (SQLite file) the licences were recorded in.
    #[arg(long, value_name = "DB")]
    pub registry: PathBuf,
    #[command(flatten)]
    pub authority: AuthoritySelector,
    #[command(flatten)]
    pub licences: LicenceSelector,
    /// Print the new statuses as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `status publish`.
#[derive(Debug, Clone, Args)]
pub struct StatusPublishArgs {
    /// The issuer registry (SQLite file).
    #[arg(long, value_name = "DB")]
    pub registry: PathBuf,
    /// The authority's private key (PKCS#8 PEM).
    #[arg(long, value_name = "FILE")]
    pub key: PathBuf,
    /// The authority's certificate (PEM); it must allow status-list signing and be valid
    /// at the time of issue.
    #[arg(long, value_name = "FILE")]
    pub cert: PathBuf,
    /// Time to live: how long verifiers may use the list before a newer one should be
    /// fetched (seconds, or with a unit: 90m, 12h, 1d).
    #[arg(long, value_name = "DURATION", default_value = "1d", value_parser = time::parse_duration)]
    pub ttl: u64,
    /// Also set an expiry (`exp`) this long after the time of issue; from then on the list
    /// must not be used at all.
    #[arg(long, value_name = "DURATION", value_parser = time::parse_duration)]
    pub expires_in: Option<u64>,
    /// The list's time of issue (Unix seconds, YYYY-MM-DD or RFC 3339) [default: now]; not
    /// beyond the current time plus 300 s, which verifiers refuse
    /// [STATUS_LIST_ISSUED_IN_FUTURE].
    #[arg(long, value_name = "TIME", value_parser = time::parse_time)]
    pub issued_at: Option<i64>,
    /// The list has at least this many entries (more when more indices are allocated).
    #[arg(long, value_name = "N", default_value_t = 16_384,
          value_parser = clap::value_parser!(u64).range(1..=16_777_216))]
    pub min_entries: u64,
    /// Name the list with this URI instead of urn:elicense:status:<credit code>. A trust
    /// bundle refuses any other subject [STATUS_LIST_WRONG_SUBJECT].
    #[arg(long, value_name = "URI")]
    pub subject: Option<String>,
    /// Where to write the signed status list.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `bundle build`.
#[derive(Debug, Clone, Args)]
pub struct BundleBuildArgs {
    /// The pinned federation root certificate (PEM): the federation list must be signed
    /// by it.
    #[arg(long, value_name = "FILE")]
    pub anchor: PathBuf,
    /// The signed federation trust list.
    #[arg(long, value_name = "FILE")]
    pub federation: PathBuf,
    /// A signed region trust list; repeat for each region (one list per region).
    #[arg(long, value_name = "FILE")]
    pub region: Vec<PathBuf>,
    /// A signed status list; repeat for each authority (one list per authority).
    #[arg(long, value_name = "FILE")]
    pub status: Vec<PathBuf>,
    /// The verifying region's recognition policy (JSON, docs/POLICY.md).
    #[arg(long, value_name = "FILE.json")]
    pub policy: Option<PathBuf>,
    /// A signed licence catalogue (`catalogue build`): the national one (signed by the
    /// federation root) or a region's extension (signed by its root); repeat for several.
    /// Without a national one, verifiers use the catalogue built into elicense.
    #[arg(long, value_name = "FILE")]
    pub catalogue: Vec<PathBuf>,
    /// Where to write the bundle.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `bundle inspect`.
#[derive(Debug, Clone, Args)]
pub struct BundleInspectArgs {
    /// The bundle file.
    #[arg(value_name = "BUNDLE")]
    pub bundle: PathBuf,
    /// The pinned federation root certificate (PEM).
    #[arg(long, value_name = "FILE")]
    pub anchor: PathBuf,
    /// Judge freshness at this time (Unix seconds, YYYY-MM-DD or RFC 3339) [default: now].
    #[arg(long, value_name = "TIME", value_parser = time::parse_time)]
    pub at: Option<i64>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `bundle update`.
#[derive(Debug, Clone, Args)]
#[command(group(clap::ArgGroup::new("source").required(true).multiple(true)
    .args(["with", "federation", "region", "status", "policy", "catalogue"])))]
pub struct BundleUpdateArgs {
    /// The bundle file to update.
    #[arg(value_name = "BUNDLE")]
    pub bundle: PathBuf,
    /// The pinned federation root certificate (PEM).
    #[arg(long, value_name = "FILE")]
    pub anchor: PathBuf,
    /// Take every newer list (and the policy) of this bundle.
    #[arg(long, value_name = "BUNDLE")]
    pub with: Option<PathBuf>,
    /// A newer signed federation trust list.
    #[arg(long, value_name = "FILE")]
    pub federation: Option<PathBuf>,
    /// A newer signed region trust list; repeat for several.
    #[arg(long, value_name = "FILE")]
    pub region: Vec<PathBuf>,
    /// A newer signed status list; repeat for several.
    #[arg(long, value_name = "FILE")]
    pub status: Vec<PathBuf>,
    /// Replace the recognition policy (JSON, docs/POLICY.md).
    #[arg(long, value_name = "FILE.json")]
    pub policy: Option<PathBuf>,
    /// A newer signed licence catalogue (national or a region's extension); repeat for
    /// several. An older version than the one held is refused [CATALOGUE_ROLLBACK].
    #[arg(long, value_name = "FILE")]
    pub catalogue: Vec<PathBuf>,
    /// Write the updated bundle here instead of over BUNDLE.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `verify-batch`.
#[derive(Debug, Clone, Args)]
pub struct VerifyBatchArgs {
    /// The trust bundle.
    #[arg(long, value_name = "FILE")]
    pub bundle: PathBuf,
    /// The pinned federation root certificate (PEM).
    #[arg(long, value_name = "FILE")]
    pub anchor: PathBuf,
    /// The QR texts, one per line (`-` for standard input).
    #[arg(long, value_name = "FILE")]
    pub input: PathBuf,
    /// Write the JSON lines to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Check the licences as of this time (Unix seconds, YYYY-MM-DD or RFC 3339)
    /// [default: now].
    #[arg(long, value_name = "TIME", value_parser = time::parse_time)]
    pub at: Option<i64>,
    /// Clock-skew leeway in seconds.
    #[arg(long, value_name = "SECONDS", default_value = "300", value_parser = parse_leeway)]
    pub leeway: i64,
    /// What the licences are checked for (a purpose name of the recognition policy).
    #[arg(long, value_name = "PURPOSE")]
    pub purpose: Option<String>,
    /// Write the summary to standard error as JSON.
    #[arg(long)]
    pub json: bool,
    /// Never draw a progress bar.
    #[arg(long)]
    pub no_progress: bool,
}

/// What an authority certificate may sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum UsageArg {
    /// Sign licences.
    LicenceSigning,
    /// Make electronic seals.
    SealMaking,
    /// Sign status lists (suspension and revocation).
    StatusListSigning,
    /// Seal documents with a seal that lists the certificate (`seal sign`).
    DocumentSealing,
}

impl UsageArg {
    /// The library's usage.
    pub fn usage(self) -> elicense::pki::Usage {
        match self {
            UsageArg::LicenceSigning => elicense::pki::Usage::LicenceSigning,
            UsageArg::SealMaking => elicense::pki::Usage::SealMaking,
            UsageArg::StatusListSigning => elicense::pki::Usage::StatusListSigning,
            UsageArg::DocumentSealing => elicense::pki::Usage::DocumentSealing,
        }
    }
}

/// The signature algorithm of a new key (`--alg`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum AlgArg {
    /// EdDSA over Ed25519 (RFC 8032).
    #[default]
    Ed25519,
    /// SM2 with SM3 (GB/T 32918, GB/T 32905; GM/T 0015 certificates).
    Sm2,
    /// ECDSA over P-256 with SHA-256 (COSE ES256).
    Es256,
}

impl AlgArg {
    /// The library's algorithm.
    pub fn algorithm(self) -> elicense::alg::Algorithm {
        match self {
            AlgArg::Ed25519 => elicense::alg::Algorithm::EdDsa,
            AlgArg::Sm2 => elicense::alg::Algorithm::Sm2Sm3,
            AlgArg::Es256 => elicense::alg::Algorithm::Es256,
        }
    }
}

/// Arguments of `authority new`.
#[derive(Debug, Clone, Args)]
pub struct AuthorityNewArgs {
    /// The region root's private key (PKCS#8 PEM), from `region init`.
    #[arg(long, value_name = "FILE")]
    pub root_key: PathBuf,
    /// The region root's certificate (PEM), from `region init`.
    #[arg(long, value_name = "FILE")]
    pub root_cert: PathBuf,
    /// The authority's name, e.g. "上海市市场监督管理局".
    #[arg(long)]
    pub name: String,
    /// The authority's 18-character unified social credit code (GB 32100); its check
    /// character must be right.
    #[arg(long, value_name = "CODE")]
    pub credit_code: String,
    /// What the authority may sign; repeat for several. Given, it replaces the
    /// default: an authority that issues licences must also sign the status lists
    /// that revoke them.
    #[arg(
        long,
        value_enum,
        value_name = "USAGE",
        default_values = ["licence-signing", "status-list-signing"]
    )]
    pub usage: Vec<UsageArg>,
    /// How many years the certificate is valid, counted from --valid-from or now (capped
    /// at the root's expiry).
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub years: u32,
    /// Start of validity (Unix seconds, YYYY-MM-DD or RFC 3339) [default: one day ago].
    #[arg(long, value_name = "TIME", value_parser = time::parse_time)]
    pub valid_from: Option<i64>,
    /// Directory to write authority.key.pem and authority.cert.pem into (created if
    /// missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// The new key's signature algorithm. The key file is PKCS#8 as OpenSSL writes it;
    /// every other command takes the algorithm from the key file.
    #[arg(long, value_enum, value_name = "ALG", default_value = "ed25519")]
    pub alg: AlgArg,
    /// Replace existing key and certificate files in DIR.
    #[arg(long)]
    pub force: bool,
}

/// A printed module size, kept in micrometres.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModuleSize {
    /// Micrometres, 1 to 10,000.
    pub um: u32,
}

fn parse_module_mm(s: &str) -> Result<ModuleSize, String> {
    let bad = || format!("{s:?} is not a size from 0.001 to 10 (millimetres)");
    let mm: f64 = s.trim().parse().map_err(|_| bad())?;
    if !mm.is_finite() {
        return Err(bad());
    }
    let um = (mm * 1000.0).round();
    if !(1.0..=f64::from(elicense::qr::MAX_MODULE_UM)).contains(&um) {
        return Err(bad());
    }
    Ok(ModuleSize { um: um as u32 })
}

fn parse_ecc(s: &str) -> Result<EccLevel, String> {
    s.parse::<EccLevel>().map_err(|e| e.to_string())
}

/// Arguments of `issue`.
#[derive(Debug, Clone, Args)]
pub struct IssueArgs {
    /// The authority's private key (PKCS#8 PEM).
    #[arg(long, value_name = "FILE")]
    pub key: PathBuf,
    /// The authority's certificate (PEM); it must allow licence signing and be valid at
    /// the time of issue.
    #[arg(long, value_name = "FILE")]
    pub cert: PathBuf,
    /// The licence to issue, as JSON.
    #[arg(long, value_name = "FILE.json")]
    pub licence: PathBuf,
    /// Time of issue (Unix seconds, YYYY-MM-DD or RFC 3339); overrides `issued_at` in the
    /// JSON [default: the JSON's `issued_at`, else now].
    #[arg(long, value_name = "TIME", value_parser = time::parse_time)]
    pub issued_at: Option<i64>,
    /// Take the serial number and status-list index from this issuer registry (SQLite
    /// file, created if missing) and record the licence there.
    #[arg(long, value_name = "DB")]
    pub registry: Option<PathBuf>,
    /// Write the QR text to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Also write the QR code as an SVG image, sized for print (`width`/`height` in
    /// millimetres, see --module-mm).
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,
    /// Also write the QR code as a PNG image, with a resolution (pHYs) that prints each
    /// module --module-mm wide.
    #[arg(long, value_name = "FILE")]
    pub png: Option<PathBuf>,
    /// Pixels per QR module in the PNG image; below 3 a warning says the code may not
    /// scan.
    #[arg(long, value_name = "PIXELS", default_value_t = 8,
          value_parser = clap::value_parser!(u32).range(1..=64))]
    pub png_scale: u32,
    /// Printed size of one QR module, in millimetres, for the SVG and PNG images (0.001
    /// to 10); below 0.4 a warning says the code may not print or scan.
    #[arg(long, value_name = "MM", default_value = "0.5", value_parser = parse_module_mm)]
    pub module_mm: ModuleSize,
    /// QR error correction level: L (7 %), M (15 %), Q (25 %) or H (30 %).
    #[arg(long, value_name = "L|M|Q|H", default_value = "Q", value_parser = parse_ecc)]
    pub ecc: EccLevel,
    /// Print one JSON object instead of the QR text.
    #[arg(long)]
    pub json: bool,
}

/// Where a QR code is read from: exactly one of these.
#[derive(Debug, Clone, Args)]
#[group(required = true, multiple = false)]
pub struct QrInput {
    /// The QR text itself (`EL2:…`).
    #[arg(value_name = "QR_TEXT")]
    pub qr_text: Option<String>,
    /// Read the QR text from FILE (`-` for standard input); surrounding whitespace is
    /// ignored.
    #[arg(long, value_name = "FILE")]
    pub qr_file: Option<PathBuf>,
    /// Read the QR code from a picture: PNG or JPEG (a phone photo, a screenshot, a
    /// scan). When it holds several QR codes, the licence (`EL2:`) one is read.
    #[arg(long, value_name = "IMAGE")]
    pub image: Option<PathBuf>,
}

fn parse_leeway(s: &str) -> Result<i64, String> {
    match s.parse::<i64>() {
        Ok(n) if (0..=366 * 86_400).contains(&n) => Ok(n),
        _ => Err(format!(
            "{s:?} is not a number of seconds from 0 to 31622400"
        )),
    }
}

/// Arguments of `verify`.
#[derive(Debug, Clone, Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub input: QrInput,
    /// A trusted region root certificate (PEM; a file may hold several). Repeat for
    /// several regions.
    #[arg(long, value_name = "FILE", required_unless_present = "bundle")]
    pub root: Vec<PathBuf>,
    /// A known authority certificate (PEM; a file may hold several). Repeat for several.
    #[arg(long, value_name = "FILE", conflicts_with = "bundle")]
    pub authority: Vec<PathBuf>,
    /// A signed status list (from `status publish`) of an authority given with
    /// --authority, checked at the current time; repeat for several authorities. Without
    /// one, the report says that nobody checked revocation (STATUS NOT_CHECKED). A trust
    /// bundle holds its own status lists (`bundle update --status`).
    #[arg(long, value_name = "FILE", conflicts_with = "bundle")]
    pub status: Vec<PathBuf>,
    /// Verify against this trust bundle instead of --root and --authority.
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with = "root",
        requires = "anchor"
    )]
    pub bundle: Option<PathBuf>,
    /// The pinned federation root certificate (PEM) the bundle is checked against.
    #[arg(long, value_name = "FILE", requires = "bundle")]
    pub anchor: Option<PathBuf>,
    /// What the licence is checked for (a purpose name of the bundle's recognition policy).
    #[arg(long, value_name = "PURPOSE", requires = "bundle")]
    pub purpose: Option<String>,
    /// Check the licence as of this time: Unix seconds, YYYY-MM-DD (00:00 China Standard
    /// Time) or RFC 3339 [default: now].
    #[arg(long, value_name = "TIME", value_parser = time::parse_time)]
    pub at: Option<i64>,
    /// Clock-skew leeway in seconds, applied to the time of issue and the validity
    /// period.
    #[arg(long, value_name = "SECONDS", default_value = "300", value_parser = parse_leeway)]
    pub leeway: i64,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `inspect`.
#[derive(Debug, Clone, Args)]
pub struct InspectArgs {
    #[command(flatten)]
    pub input: QrInput,
    /// Print JSON (with "untrusted": true) instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `demo`.
#[derive(Debug, Clone, Args)]
pub struct DemoArgs {
    /// Keep the generated keys, certificates and QR files in DIR (created if missing;
    /// existing key files are not replaced).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Print one JSON object (files, QR facts and the report) instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Writes `s` to standard output.
pub fn print_out(s: &str) -> Result<(), CliError> {
    let mut out = io::stdout().lock();
    out.write_all(s.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| CliError::storage(format!("cannot write to standard output: {e}")))
}

fn run(cli: Cli) -> Result<ExitCode, CliError> {
    match cli.command {
        Command::Region {
            command: RegionCommand::Init(a),
        } => pki::run_region_init(&a),
        Command::Authority {
            command: AuthorityCommand::New(a),
        } => pki::run_authority_new(&a),
        Command::Federation {
            command: FederationCommand::Init(a),
        } => pki::run_federation_init(&a),
        Command::Trustlist { command } => match command {
            TrustlistCommand::Federation(a) => trustlist::run_federation_list(&a),
            TrustlistCommand::Region(a) => trustlist::run_region_list(&a),
        },
        Command::Issue(a) => issue::run_issue(&a),
        Command::Status { command } => match command {
            StatusCommand::Revoke(a) => status::run_change(&a, Transition::Revoke),
            StatusCommand::Suspend(a) => status::run_change(&a, Transition::Suspend),
            StatusCommand::Reinstate(a) => status::run_change(&a, Transition::Reinstate),
            StatusCommand::Publish(a) => status::run_publish(&a),
        },
        Command::Bundle { command } => match command {
            BundleCommand::Build(a) => bundle::run_build(&a),
            BundleCommand::Inspect(a) => bundle::run_inspect(&a),
            BundleCommand::Update(a) => bundle::run_update(&a),
        },
        Command::Verify(a) => verify::run_verify(&a),
        Command::VerifyBatch(a) => batch::run_verify_batch(&a),
        Command::CoseVerify(a) => cose::run_cose_verify(&a),
        Command::Inspect(a) => verify::run_inspect(&a),
        Command::Seal { command } => command.run(),
        Command::Catalogue { command } => command.run(),
        Command::Demo(a) => demo::run_demo(&a),
    }
}

impl Command {
    /// Whether `--json` was given: the command's errors are then JSON too.
    fn json(&self) -> bool {
        match self {
            Command::Region { .. } | Command::Authority { .. } | Command::Federation { .. } => {
                false
            }
            Command::Trustlist { command } => match command {
                TrustlistCommand::Federation(a) => a.json,
                TrustlistCommand::Region(a) => a.json,
            },
            Command::Issue(a) => a.json,
            Command::Status { command } => match command {
                StatusCommand::Revoke(a)
                | StatusCommand::Suspend(a)
                | StatusCommand::Reinstate(a) => a.json,
                StatusCommand::Publish(a) => a.json,
            },
            Command::Bundle { command } => match command {
                BundleCommand::Build(a) => a.json,
                BundleCommand::Inspect(a) => a.json,
                BundleCommand::Update(a) => a.json,
            },
            Command::Verify(a) => a.json,
            Command::VerifyBatch(a) => a.json,
            Command::CoseVerify(a) => a.json,
            Command::Inspect(a) => a.json,
            Command::Seal { command } => command.json(),
            Command::Catalogue { command } => command.json(),
            Command::Demo(a) => a.json,
        }
    }
}

/// Prints `e` on standard error: `error: … [CODE]` (in Chinese
/// `错误：<what the code says>：… [CODE]`), or its JSON with `--json`.
fn report_error(e: &CliError, json: bool) {
    if json {
        note!("{}", e.to_json(lang()));
    } else {
        note!("{}", e.render(lang()));
    }
}

/// A command line clap refused. `--help` and `--version` print as ever
/// (exit 0), and so does every usage error (exit 2) unless `--json` is among
/// the arguments: then the error is JSON, `INVALID_ARGUMENT`, with the first
/// line of clap's message.
fn usage_error(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    let json = std::env::args_os().skip(1).any(|a| a == "--json");
    if !json
        || matches!(
            e.kind(),
            ErrorKind::DisplayHelp
                | ErrorKind::DisplayVersion
                | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
        )
    {
        e.exit()
    }
    let text = e.render().to_string();
    let first = text.lines().next().unwrap_or_default();
    let message = first.strip_prefix("error: ").unwrap_or(first).trim();
    report_error(&CliError::msg(message), true);
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
    if let Some(lang) = cli.lang {
        let _ = LANG.set(lang);
    }
    let json = cli.command.json();
    // A bug must still end in one line, never a backtrace.
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let msg = payload
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
            .unwrap_or("unknown panic");
        let e = CliError::with_reason(
            format!("internal error (a bug in elicense; please report it): {msg}"),
            elicense::ReasonCode::InternalError,
        );
        report_error(&e, json);
    }));
    match std::panic::catch_unwind(move || run(cli)) {
        Ok(Ok(code)) => code,
        Ok(Err(e)) => {
            report_error(&e, json);
            ExitCode::from(EXIT_ERROR)
        }
        Err(_) => ExitCode::from(EXIT_ERROR),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
