//! `cose-verify`: verify any COSE_Sign1 (an EU Digital COVID Certificate,
//! a COSE working group example, one of our licences read as plain COSE)
//! against a certificate, through `elicense::cose`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use elicense::cose::{
    self, CoseError, CoseOptions, CoseSign1, InputForm, SignerCertificate, Verified,
};
use elicense::ReasonCode;
use serde::Serialize;

use crate::error::CliError;
use crate::{files, print_out, time, EXIT_INVALID};

/// `long_about` of the command.
pub const LONG_ABOUT: &str = "Verify a COSE_Sign1 from any ecosystem against a certificate: \
    an EU Digital COVID Certificate (HC1: QR text), a COSE example, or an elicense licence \
    read as plain COSE.\n\n\
    FILE may be binary COSE, hex text, or QR text starting with HC1: (Base45 of zlib of \
    COSE) or EL2:; the form is told from its first bytes. `-` reads standard input. The \
    message may be tagged (18) or not; its kid may be in either header or absent; its alg \
    must be in the protected header. Accepted algorithms: ES256, EdDSA (Ed25519), SM2-SM3 \
    and PS256; the header's alg must be that of the certificate's key.\n\n\
    CERT is one X.509 certificate, PEM or DER, of any profile: only its public key is used. \
    Its validity dates are shown but NOT checked, nor is any chain: deciding whether to \
    trust the certificate is yours. docs/FORMAT.md §16 says what is accepted and how it \
    differs from the licence profile.\n\n\
    Prints the verdict (VALID, or INVALID with its reason code), the algorithm, the kid \
    and the certificate; with --json, one JSON object.";

/// `after_help` of the command.
pub const AFTER_HELP: &str = "Examples:\n  elicense cose-verify --cert dsc.pem dcc.txt\n  \
    elicense cose-verify --cert dsc.der message.cbor --json\n  \
    elicense cose-verify --cert signer.pem --external-aad 11aa22bb33cc44dd55006699 sign.hex\n  \
    elicense cose-verify --cert sh/authority.cert.pem licence.txt\n\n\
    Exit status:\n  \
    0  VALID: the signature verifies under the certificate's key\n  \
    1  error (unreadable file, bad certificate or key)\n  \
    2  usage error\n  \
    3  INVALID: the message is refused (the reason code says why)";

/// Arguments of `cose-verify`.
#[derive(Debug, Clone, Args)]
pub struct CoseVerifyArgs {
    /// The signer's X.509 certificate, PEM or DER (any profile: only its key is used).
    #[arg(long, value_name = "CERT")]
    pub cert: PathBuf,
    /// The message: binary COSE, hex, or HC1:/EL2: QR text; `-` for standard input.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// External additional authenticated data the message was signed with
    /// (RFC 9052 §4.3), as hex; empty by default.
    #[arg(long, value_name = "HEX", value_parser = parse_hex)]
    pub external_aad: Option<HexBytes>,
    /// Print the result as one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// Bytes given as hex on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HexBytes(pub Vec<u8>);

fn parse_hex(s: &str) -> Result<HexBytes, String> {
    let digits = s.trim();
    if digits.len() % 2 != 0 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!(
            "{s:?} is not hex: give an even number of digits 0-9, a-f"
        ));
    }
    Ok(HexBytes(
        (0..digits.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&digits[i..i + 2], 16).expect("checked hex digits"))
            .collect(),
    ))
}

#[derive(Serialize)]
struct CertificateJson<'a> {
    subject: &'a str,
    issuer: &'a str,
    serial: &'a str,
    key: String,
    not_before: String,
    not_after: String,
}

#[derive(Serialize)]
struct ResultJson<'a> {
    verdict: &'static str,
    reason: ReasonCode,
    message: Option<String>,
    form: Option<InputForm>,
    algorithm: Option<&'static str>,
    kid: Option<cose::Kid>,
    kid_is_certificate_hash: Option<bool>,
    tagging: Option<cose::Tagging>,
    payload_hex: Option<String>,
    certificate: CertificateJson<'a>,
}

/// What was learnt about the message, whether or not it verified.
#[derive(Default)]
struct Seen {
    form: Option<InputForm>,
    sign1: Option<CoseSign1>,
}

fn check(
    input: &[u8],
    cert: &SignerCertificate,
    options: &CoseOptions,
    seen: &mut Seen,
) -> Result<Verified, CoseError> {
    let (form, bytes) = cose::read_input(input)?;
    seen.form = Some(form);
    let sign1 = CoseSign1::decode(&bytes)?;
    seen.sign1 = Some(sign1.clone());
    sign1.verify(cert.key(), options)
}

/// `elicense cose-verify`.
pub fn run_cose_verify(args: &CoseVerifyArgs) -> Result<ExitCode, CliError> {
    let cert_bytes = files::read_bytes(&args.cert, files::MAX_TEXT_FILE)?;
    let cert = SignerCertificate::from_bytes(&cert_bytes)
        .map_err(|e| CliError::with_reason(format!("{}: {e}", args.cert.display()), e.reason()))?;
    let input = files::read_bytes(&args.file, cose::MAX_INPUT_LEN as u64)?;
    let options = CoseOptions::with_external_aad(
        args.external_aad
            .as_ref()
            .map(|h| h.0.clone())
            .unwrap_or_default(),
    );
    let mut seen = Seen::default();
    let result = check(&input, &cert, &options, &mut seen);

    let kid = seen.sign1.as_ref().and_then(|s| s.kid().cloned());
    let kid_is_hash = kid.as_ref().map(|k| k.bytes == cert.sha256_kid());
    let algorithm = seen.sign1.as_ref().map(|s| s.algorithm().name());
    if args.json {
        let json = ResultJson {
            verdict: if result.is_ok() { "VALID" } else { "INVALID" },
            reason: result
                .as_ref()
                .err()
                .map_or(ReasonCode::Ok, CoseError::reason),
            message: result.as_ref().err().map(ToString::to_string),
            form: seen.form,
            algorithm,
            kid,
            kid_is_certificate_hash: kid_is_hash,
            tagging: seen.sign1.as_ref().map(CoseSign1::tagging),
            payload_hex: result.as_ref().ok().map(|v| cose::hex(&v.payload)),
            certificate: CertificateJson {
                subject: cert.subject(),
                issuer: cert.issuer(),
                serial: cert.serial(),
                key: cert.key().description(),
                not_before: time::fmt_time(cert.not_before()),
                not_after: time::fmt_time(cert.not_after()),
            },
        };
        let text = serde_json::to_string(&json)
            .map_err(|e| CliError::msg(format!("cannot write the result as JSON: {e}")))?;
        print_out(&format!("{text}\n"))?;
    } else {
        let mut out = match &result {
            Ok(_) => "VALID: the signature verifies under the certificate's key\n".to_owned(),
            Err(e) => format!("INVALID [{}]: {e}\n", e.reason()),
        };
        let mut line = |label: &str, value: &str| {
            out.push_str(&format!("  {label:<12} {value}\n"));
        };
        if let Some(form) = seen.form {
            let tagging = match seen.sign1.as_ref().map(CoseSign1::tagging) {
                Some(cose::Tagging::Untagged) => ", untagged",
                Some(cose::Tagging::Tagged) => ", tag 18",
                Some(cose::Tagging::CwtTagged) => ", CWT tag 61 and tag 18",
                _ => "",
            };
            line("input", &format!("{}{tagging}", form.name()));
        }
        line("algorithm", algorithm.unwrap_or("(not read)"));
        if let Some(k) = &kid {
            let bucket = if k.protected {
                "protected"
            } else {
                "unprotected, not signed"
            };
            let hash = if kid_is_hash == Some(true) {
                "; SHA-256 of the certificate"
            } else {
                ""
            };
            line("kid", &format!("{} ({bucket}{hash})", cose::hex(&k.bytes)));
        } else if seen.sign1.is_some() {
            line("kid", "(none)");
        }
        if let Ok(v) = &result {
            line("payload", &format!("{} bytes", v.payload.len()));
        }
        line("certificate", cert.subject());
        line("key", &cert.key().description());
        line(
            "validity",
            &format!(
                "{} to {} (not checked)",
                time::fmt_time(cert.not_before()),
                time::fmt_time(cert.not_after())
            ),
        );
        print_out(&out)?;
    }
    Ok(match result {
        Ok(_) => ExitCode::SUCCESS,
        Err(_) => ExitCode::from(EXIT_INVALID),
    })
}
