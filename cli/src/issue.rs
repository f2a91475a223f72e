//! `issue`: sign a licence and render its QR code.

use std::path::PathBuf;
use std::process::ExitCode;

use elicense::identifiers::CreditCode;
use elicense::licence::{Licence, LicenceSpec, LicenceWarning};
use elicense::qr::{QrCode, SvgOptions};
use elicense::ReasonCode;

use crate::error::{CliError, Context};
use crate::{files, note, print_out, time, IssueArgs};

/// A licence just issued.
#[derive(Debug)]
pub struct Issued {
    /// The `EL1:` QR text.
    pub qr_text: String,
    /// The GB/T 36904 identifier.
    pub identifier: String,
    /// The QR code.
    pub qr: QrCode,
    /// Size of the COSE_Sign1 in bytes.
    pub cose_len: usize,
    /// The licence.
    pub licence: Licence,
    /// Warnings that do not stop issuing.
    pub warnings: Vec<LicenceWarning>,
    /// Files written, with what they hold.
    pub written: Vec<(PathBuf, &'static str)>,
}

/// Signs the licence of `args.licence`, writes the files asked for.
pub fn issue(args: &IssueArgs, now: i64) -> Result<Issued, CliError> {
    let key = files::load_key(&args.key)?;
    let cert = files::load_cert(&args.cert)?;
    let json = files::read_text(&args.licence)?;
    let mut spec = LicenceSpec::from_json(&json).context(args.licence.display())?;
    if let Some(t) = args.issued_at {
        spec.issued_at = Some(t);
    }
    let licence = spec.to_licence(now).context(args.licence.display())?;
    let signed = licence.sign(&cert, &key).context(format_args!(
        "cannot sign with {} and {}",
        args.key.display(),
        args.cert.display()
    ))?;
    let authority = cert
        .organization_identifier()
        .and_then(|c| CreditCode::parse(c).ok())
        .ok_or_else(|| {
            CliError::with_reason(
                format!(
                    "{}: the certificate has no valid credit code in organizationIdentifier, \
                     so the licence identifier cannot be formed",
                    args.cert.display()
                ),
                ReasonCode::CertAuthorityCodeMissing,
            )
        })?;
    let qr_text = signed.qr_text();
    let qr = QrCode::encode(&qr_text, args.ecc).context("cannot make the QR code")?;

    let mut written = Vec::new();
    if let Some(p) = &args.out {
        files::write_public(p, format!("{qr_text}\n").as_bytes())?;
        written.push((p.clone(), "QR text"));
    }
    if let Some(p) = &args.svg {
        files::write_public(p, qr.to_svg(&SvgOptions::default()).as_bytes())?;
        written.push((p.clone(), "SVG image"));
    }
    if let Some(p) = &args.png {
        let png = qr
            .to_png(args.png_scale)
            .context("cannot render the PNG image")?;
        files::write_public(p, &png)?;
        written.push((p.clone(), "PNG image"));
    }
    Ok(Issued {
        identifier: licence.identifier(&authority).to_string(),
        warnings: licence.warnings(),
        cose_len: signed.cose().len(),
        qr_text,
        qr,
        licence,
        written,
    })
}

/// The JSON summary of an issued licence.
pub fn to_json(i: &Issued) -> serde_json::Value {
    serde_json::json!({
        "qr_text": i.qr_text,
        "identifier": i.identifier,
        "qr_version": i.qr.version(),
        "ecc": i.qr.ecc().as_str(),
        "cose_bytes": i.cose_len,
        "qr_chars": i.qr_text.len(),
        "warnings": i.warnings,
        "files": i.written.iter().map(|(p, _)| p.display().to_string()).collect::<Vec<_>>(),
    })
}

/// One line about the QR code, e.g. `version 12, ECC Q, 530 characters (COSE 380 bytes)`.
pub fn qr_summary(i: &Issued) -> String {
    format!(
        "version {}, ECC {}, {} characters (COSE {} bytes)",
        i.qr.version(),
        i.qr.ecc(),
        i.qr_text.len(),
        i.cose_len
    )
}

/// `elicense issue`.
pub fn run_issue(args: &IssueArgs) -> Result<ExitCode, CliError> {
    let issued = issue(args, time::now()?)?;
    for w in &issued.warnings {
        note!("warning: {} [{}]", w.message, w.code);
    }
    if args.json {
        print_out(&format!("{}\n", to_json(&issued)))?;
        return Ok(ExitCode::SUCCESS);
    }
    note!("identifier: {}", issued.identifier);
    note!("QR code: {}", qr_summary(&issued));
    for (p, what) in &issued.written {
        note!("wrote {} ({what})", p.display());
    }
    if args.out.is_none() {
        print_out(&format!("{}\n", issued.qr_text))?;
    }
    Ok(ExitCode::SUCCESS)
}
