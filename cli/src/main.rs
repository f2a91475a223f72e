//! `elicense`: create region roots and authorities, issue licences as QR
//! codes, and verify or inspect them.
//!
//! Every command returns through one error type, [`error::CliError`], which
//! `main` prints as a single `error: …` line (with the library's reason code
//! in brackets) before exiting with status 1. Verification outcomes are not
//! errors: `verify` exits 0 for VALID, 3 for INVALID and 4 for
//! INDETERMINATE. clap exits 2 on a usage error.

#![forbid(unsafe_code)]

mod demo;
mod error;
mod files;
mod issue;
mod pki;
mod time;
mod verify;

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use elicense::qr::EccLevel;

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

Exit status:
  0  success; for verify: the licence is VALID
  1  error (unreadable file, bad key or certificate, …), printed as one
     `error: …` line with the reason code in brackets
  2  usage error (unknown option, missing argument)
  3  verify: the licence is INVALID
  4  verify: INDETERMINATE (e.g. the signer's certificate is not known;
     give it with --authority)";

/// Issue, sign and verify electronic licences (电子证照) carried in QR codes.
#[derive(Debug, Parser)]
#[command(
    name = "elicense",
    version,
    about,
    long_about = "Issue, sign and verify electronic licences (电子证照) carried in QR codes.\n\n\
        A region runs a root certificate authority; its authorities (departments) hold \
        Ed25519 keys certified by that root and sign licences, which travel as `EL1:` QR \
        text. Anyone holding the region's root certificate and the authority's certificate \
        can verify a licence offline.",
    after_help = MAIN_AFTER_HELP,
    propagate_version = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
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
    /// Sign a licence (JSON) and output its QR text, optionally as SVG or PNG.
    #[command(
        long_about = "Sign a licence with an authority's key and output its `EL1:` QR text.\n\n\
            The licence is given as JSON (see examples/data/business-licence.json). The QR \
            text goes to standard output (or to --out); the identifier, QR version and any \
            warnings (such as a pilot credit code failing its check character) go to \
            standard error. With --json, one JSON object with qr_text, identifier, \
            qr_version, ecc, cose_bytes, qr_chars and warnings goes to standard output.",
        after_help = "Examples:\n  elicense issue --key sh/authority.key.pem --cert sh/authority.cert.pem \\\n      \
            --licence examples/data/business-licence.json\n  \
            elicense issue --key sh/authority.key.pem --cert sh/authority.cert.pem \\\n      \
            --licence licence.json --issued-at 2024-05-20T10:00:00+08:00 \\\n      \
            --out licence.txt --svg licence.svg --png licence.png --ecc H --json"
    )]
    Issue(IssueArgs),
    /// Verify a licence QR code against trusted roots and authority certificates.
    #[command(
        long_about = "Verify a licence QR code: decode it, check its signature against the \
            authority certificates given, check those chain to a trusted region root, and \
            check the licence's validity at the time given.\n\n\
            Prints the report (every check in order with its reason code, then the \
            licence), or the report as JSON with --json. The exit status tells the verdict.",
        after_help = "Examples:\n  elicense verify --qr-file licence.txt --root sh/root.cert.pem \\\n      \
            --authority sh/authority.cert.pem\n  \
            elicense verify --image licence.png --root sh/root.cert.pem --root gd/root.cert.pem \\\n      \
            --authority sh/authority.cert.pem --at 2030-01-01 --json\n  \
            elicense verify 'EL1:6BF…' --root sh/root.cert.pem --authority sh/authority.cert.pem\n\n\
            Exit status:\n  \
            0  VALID: every check passed\n  \
            1  error (unreadable file, bad certificate, no QR code in the image, …)\n  \
            2  usage error\n  \
            3  INVALID: a check failed (the reason code says which)\n  \
            4  INDETERMINATE: something needed is missing\n     \
            (e.g. the signer's certificate: give it with --authority)"
    )]
    Verify(VerifyArgs),
    /// Decode a licence QR code WITHOUT verifying it (for debugging only).
    #[command(
        long_about = "Decode a licence QR code and show what it claims, WITHOUT verifying \
            anything: no signature, no certificate, no validity check. Use `verify` to \
            decide whether a licence is genuine.",
        after_help = "Examples:\n  elicense inspect --qr-file licence.txt\n  elicense inspect --image licence.png --json"
    )]
    Inspect(InspectArgs),
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
enum RegionCommand {
    /// Create a region root CA: a new private key and a self-signed certificate.
    #[command(
        long_about = "Create a region root CA: a new Ed25519 private key and a self-signed \
            X.509 certificate carrying the region's GB/T 2260 code.\n\n\
            Writes DIR/root.key.pem (the private key, mode 0600; keep it offline) and \
            DIR/root.cert.pem (the certificate verifiers trust). An existing key or \
            certificate is never replaced unless --force is given.",
        after_help = "Examples:\n  elicense region init --region 310000 --name 上海市电子证照根CA --out sh\n  \
            elicense region init --region 440000 --name 广东省电子证照根CA --years 25 --out gd"
    )]
    Init(RegionInitArgs),
}

#[derive(Debug, Subcommand)]
enum AuthorityCommand {
    /// Create an authority: a new private key and a certificate signed by the region root.
    #[command(
        long_about = "Create an authority (a department that issues licences): a new Ed25519 \
            private key and an X.509 certificate issued by the region root, carrying the \
            authority's unified social credit code and what it may sign.\n\n\
            Writes DIR/authority.key.pem (mode 0600) and DIR/authority.cert.pem. The \
            certificate never outlives the root's.",
        after_help = "Examples:\n  elicense authority new --root-key sh/root.key.pem --root-cert sh/root.cert.pem \\\n      \
            --name 上海市市场监督管理局 --credit-code 11310000MB2F31727A --out sh\n  \
            elicense authority new --root-key sh/root.key.pem --root-cert sh/root.cert.pem \\\n      \
            --name 上海市市场监督管理局 --credit-code 11310000MB2F31727A \\\n      \
            --usage licence-signing --usage status-list-signing --years 3 --out sh-2"
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
    /// Replace existing key and certificate files in DIR.
    #[arg(long)]
    pub force: bool,
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
}

impl UsageArg {
    /// The library's usage.
    pub fn usage(self) -> elicense::pki::Usage {
        match self {
            UsageArg::LicenceSigning => elicense::pki::Usage::LicenceSigning,
            UsageArg::SealMaking => elicense::pki::Usage::SealMaking,
            UsageArg::StatusListSigning => elicense::pki::Usage::StatusListSigning,
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
    /// What the authority may sign; repeat for several.
    #[arg(
        long,
        value_enum,
        value_name = "USAGE",
        default_value = "licence-signing"
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
    /// Replace existing key and certificate files in DIR.
    #[arg(long)]
    pub force: bool,
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
    /// Write the QR text to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Also write the QR code as an SVG image.
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,
    /// Also write the QR code as a PNG image.
    #[arg(long, value_name = "FILE")]
    pub png: Option<PathBuf>,
    /// Pixels per QR module in the PNG image.
    #[arg(long, value_name = "PIXELS", default_value_t = 8,
          value_parser = clap::value_parser!(u32).range(1..=64))]
    pub png_scale: u32,
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
    /// The QR text itself (`EL1:…`).
    #[arg(value_name = "QR_TEXT")]
    pub qr_text: Option<String>,
    /// Read the QR text from FILE (`-` for standard input); surrounding whitespace is
    /// ignored.
    #[arg(long, value_name = "FILE")]
    pub qr_file: Option<PathBuf>,
    /// Read the QR code from a PNG image.
    #[arg(long, value_name = "FILE.png")]
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
    #[arg(long, value_name = "FILE", required = true)]
    pub root: Vec<PathBuf>,
    /// A known authority certificate (PEM; a file may hold several). Repeat for several.
    #[arg(long, value_name = "FILE")]
    pub authority: Vec<PathBuf>,
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
        .map_err(|e| CliError::msg(format!("cannot write to standard output: {e}")))
}

fn run(cli: Cli) -> Result<ExitCode, CliError> {
    match cli.command {
        Command::Region {
            command: RegionCommand::Init(a),
        } => pki::run_region_init(&a),
        Command::Authority {
            command: AuthorityCommand::New(a),
        } => pki::run_authority_new(&a),
        Command::Issue(a) => issue::run_issue(&a),
        Command::Verify(a) => verify::run_verify(&a),
        Command::Inspect(a) => verify::run_inspect(&a),
        Command::Demo(a) => demo::run_demo(&a),
    }
}

fn main() -> ExitCode {
    // Usage errors exit 2, --help and --version exit 0 (clap).
    let cli = Cli::parse();
    // A bug must still end in one line, never a backtrace.
    std::panic::set_hook(Box::new(|info| {
        let payload = info.payload();
        let msg = payload
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
            .unwrap_or("unknown panic");
        note!("error: internal error (a bug in elicense; please report it): {msg}");
    }));
    match std::panic::catch_unwind(move || run(cli)) {
        Ok(Ok(code)) => code,
        Ok(Err(e)) => {
            note!("error: {e}");
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
