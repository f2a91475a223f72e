//! `issue`: sign a licence and render its QR code.

use std::path::PathBuf;
use std::process::ExitCode;

use elicense::alg::SecretKey;
use elicense::catalogue::{Catalogue, CatalogueSet};
use elicense::identifiers::CreditCode;
use elicense::licence::{Licence, LicenceSpec, LicenceWarning, SignedLicence};
use elicense::pki::Certificate;
use elicense::qr::{QrCode, SvgOptions, MIN_MODULE_UM, MIN_PNG_SCALE};
use elicense::ReasonCode;
use elicense_registry::{format_serial, IssuedRecord, Registry, SqliteRegistry};

use crate::error::{CliError, Context};
use crate::{files, note, print_out, time, IssueArgs};

/// A licence just issued.
#[derive(Debug)]
pub struct Issued {
    /// The `EL2:` QR text.
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
    /// Warnings about the images written: modules too small to print or scan.
    pub image_warnings: Vec<String>,
    /// Files written, with what they hold.
    pub written: Vec<(PathBuf, &'static str)>,
    /// The registry the licence was recorded in, if any.
    pub registry: Option<PathBuf>,
}

/// The authority's credit code, from its certificate.
pub fn authority_code(cert: &Certificate, path: &std::path::Path) -> Result<CreditCode, CliError> {
    cert.organization_identifier()
        .and_then(|c| CreditCode::parse(c).ok())
        .ok_or_else(|| {
            CliError::with_reason(
                format!(
                    "{}: the certificate has no valid credit code in organizationIdentifier",
                    path.display()
                ),
                ReasonCode::CertAuthorityCodeMissing,
            )
        })
}

/// Opens an issuer registry (creating it if missing).
pub fn open_registry(path: &std::path::Path) -> Result<SqliteRegistry, CliError> {
    SqliteRegistry::open(path).context(format_args!("registry {}", path.display()))
}

fn sign(
    spec: &LicenceSpec,
    args: &IssueArgs,
    cert: &Certificate,
    key: &SecretKey,
    now: i64,
) -> Result<(Licence, SignedLicence), CliError> {
    let licence = spec.to_licence(now).context(args.licence.display())?;
    // The items must follow the type's entry in the national catalogue, or
    // every verifier would refuse the licence (LICENCE_FIELD_INVALID). A
    // type the national catalogue does not define (a region's local type)
    // is issued with a warning (see `issue`).
    if let Some(region) = cert.region() {
        match CatalogueSet::national().check(licence.type_code(), region, licence.items()) {
            Err(e) if e.reason() != ReasonCode::LicenceTypeUnknown => {
                return Err(e).context(args.licence.display())
            }
            _ => {}
        }
    }
    let signed = licence
        .sign(&elicense::artifact::CertifiedSigner::new(
            cert.clone(),
            key.clone(),
        )?)
        .context(format_args!(
            "cannot sign with {} and {}",
            args.key.display(),
            args.cert.display()
        ))?;
    Ok((licence, signed))
}

/// Signs with a serial and status index allocated by the registry at
/// `db`, then records the licence there. The licence is first signed with
/// the values the registry will hand out next, so that a licence that
/// cannot be signed does not use up an allocation.
fn sign_with_registry(
    mut spec: LicenceSpec,
    db: &std::path::Path,
    args: &IssueArgs,
    cert: &Certificate,
    key: &SecretKey,
    authority: &CreditCode,
    now: i64,
) -> Result<(Licence, SignedLicence), CliError> {
    let ctx = || format!("registry {}", db.display());
    let mut registry = open_registry(db)?;
    let next = registry.counters(authority).context(ctx())?;
    let (json_serial, json_index) = (spec.serial.clone(), spec.status_index);
    spec.serial = format_serial(next.next_serial);
    spec.status_index = Some(next.next_index);
    sign(&spec, args, cert, key, now)?;
    let allocation = registry.allocate(authority).context(ctx())?;
    spec.serial = allocation.serial;
    spec.status_index = Some(allocation.status_index);
    if json_serial != spec.serial || json_index.is_some_and(|i| i != allocation.status_index) {
        note!(
            "note: the registry allocated serial {} and status index {} for {authority}; \
             they replace the serial {json_serial:?}{} of {}",
            spec.serial,
            allocation.status_index,
            json_index
                .map(|i| format!(" and status index {i}"))
                .unwrap_or_default(),
            args.licence.display()
        );
    }
    let (licence, signed) = sign(&spec, args, cert, key, now)?;
    let record = IssuedRecord::from_licence(&licence, signed.cose()).context(ctx())?;
    registry.record_issued(authority, &record).context(ctx())?;
    Ok((licence, signed))
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
    let authority = authority_code(&cert, &args.cert)
        .map_err(|e| e.within("the licence identifier cannot be formed"))?;
    let (licence, signed) = match &args.registry {
        Some(db) => sign_with_registry(spec, db, args, &cert, &key, &authority, now)?,
        None => sign(&spec, args, &cert, &key, now)?,
    };
    let qr_text = signed.qr_text();
    let qr = QrCode::encode(&qr_text, args.ecc).context("cannot make the QR code")?;

    let mut written = Vec::new();
    if let Some(p) = &args.out {
        files::write_public(p, format!("{qr_text}\n").as_bytes())?;
        written.push((p.clone(), "QR text"));
    }
    let image_warnings = image_warnings(args);
    if let Some(p) = &args.svg {
        let opts = SvgOptions {
            module_um: Some(args.module_mm.um),
            ..SvgOptions::default()
        };
        files::write_public(p, qr.to_svg(&opts).as_bytes())?;
        written.push((p.clone(), "SVG image"));
    }
    if let Some(p) = &args.png {
        let png = qr
            .to_png_printed(args.png_scale, args.module_mm.um)
            .context("cannot render the PNG image")?;
        files::write_public(p, &png)?;
        written.push((p.clone(), "PNG image"));
    }
    let mut warnings = licence.warnings();
    if Catalogue::national()
        .licence_type(licence.type_code())
        .is_none()
    {
        warnings.push(LicenceWarning {
            code: ReasonCode::LicenceTypeUnknown,
            field: "type_code",
            message: format!(
                "the national licence catalogue does not define type {}: verifiers can check \
                 and name its items only with the catalogue extension of the authority's region \
                 in their trust bundle (elicense catalogue build)",
                licence.type_code()
            ),
        });
    }
    if licence.status_index().is_none() {
        warnings.push(LicenceWarning {
            code: ReasonCode::StatusIndexMissing,
            field: "status_index",
            message: "the licence has no status-list index, so it can never be revoked or \
                      suspended, and verifiers whose recognition policy requires one refuse it; \
                      give --registry DB to allocate one, or set \"status_index\" in the \
                      licence JSON"
                .to_owned(),
        });
    }
    Ok(Issued {
        identifier: licence.identifier(&authority).to_string(),
        warnings,
        image_warnings,
        cose_len: signed.cose().len(),
        qr_text,
        qr,
        licence,
        written,
        registry: args.registry.clone(),
    })
}

/// Warnings about the images `args` asks for: a PNG scale below
/// [`MIN_PNG_SCALE`] pixels per module, or a printed module below
/// [`MIN_MODULE_UM`]. The images are still written, as asked.
pub fn image_warnings(args: &IssueArgs) -> Vec<String> {
    let mut out = Vec::new();
    if args.png.is_some() && args.png_scale < MIN_PNG_SCALE {
        out.push(format!(
            "--png-scale {} draws each QR module {} pixel(s) wide: below {MIN_PNG_SCALE}, a \
             camera may not read the PNG on a screen or printed at its pixel size",
            args.png_scale, args.png_scale
        ));
    }
    if (args.png.is_some() || args.svg.is_some()) && args.module_mm.um < MIN_MODULE_UM {
        out.push(format!(
            "--module-mm {} prints each QR module {} mm wide: below {} mm, printers and \
             phone cameras may not resolve the code",
            f64::from(args.module_mm.um) / 1000.0,
            f64::from(args.module_mm.um) / 1000.0,
            f64::from(MIN_MODULE_UM) / 1000.0
        ));
    }
    out
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
        "serial": i.licence.serial(),
        "status_index": i.licence.status_index(),
        "registry": i.registry.as_ref().map(|p| p.display().to_string()),
        "warnings": i.warnings,
        "image_warnings": i.image_warnings,
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
    for w in &issued.image_warnings {
        note!("warning: {w}");
    }
    if args.json {
        print_out(&format!("{}\n", to_json(&issued)))?;
        return Ok(ExitCode::SUCCESS);
    }
    note!("identifier: {}", issued.identifier);
    if let Some(db) = &issued.registry {
        note!(
            "recorded in {} (serial {}, status index {})",
            db.display(),
            issued.licence.serial(),
            issued
                .licence
                .status_index()
                .map_or_else(|| "none".to_owned(), |i| i.to_string())
        );
    }
    note!("QR code: {}", qr_summary(&issued));
    for (p, what) in &issued.written {
        note!("wrote {} ({what})", p.display());
    }
    if args.out.is_none() {
        print_out(&format!("{}\n", issued.qr_text))?;
    }
    Ok(ExitCode::SUCCESS)
}
