//! `verify` and `inspect`, and reading a QR code from text, a file or an image.

use std::path::Path;
use std::process::ExitCode;

use elicense::bundle::{TrustBundle, MAX_BUNDLE_LEN};
use elicense::envelope::trim_line_ends;
use elicense::pki::Certificate;
use elicense::verify::{
    inspect_qr, CheckKind, Outcome, Report, TrustStore, Verdict, Verifier, VerifyOptions,
};
use elicense::{Lang, ReasonCode};

use crate::error::{CliError, Context};
use crate::files::{self, MAX_IMAGE_FILE};
use crate::{note, print_out, time, InspectArgs, QrInput, VerifyArgs};
use crate::{EXIT_INDETERMINATE, EXIT_INVALID};

/// Reads the QR text from wherever `input` says, without the line ends at
/// its end and nothing else (docs/FORMAT.md §2).
pub fn read_qr(input: &QrInput) -> Result<String, CliError> {
    if let Some(t) = &input.qr_text {
        return Ok(trim_line_ends(t).to_owned());
    }
    if let Some(p) = &input.qr_file {
        return Ok(trim_line_ends(&files::read_text(p)?).to_owned());
    }
    if let Some(p) = &input.image {
        return read_image(p);
    }
    // clap's group makes exactly one of them present.
    Err(CliError::msg(
        "give the QR text, --qr-file FILE or --image IMAGE",
    ))
}

/// Reads the QR codes of a PNG or JPEG picture and picks the licence one.
fn read_image(path: &Path) -> Result<String, CliError> {
    let bytes = files::read_bytes(path, MAX_IMAGE_FILE)?;
    let codes = elicense::qr::scan_image(&bytes).context(path.display())?;
    let mut licences = codes.iter().filter(|c| {
        // A format-version-1 code is a licence too: verifying it says
        // QR_VERSION_UNSUPPORTED (reissue it), not "not a licence".
        c.starts_with(elicense::envelope::QR_PREFIX)
            || c.starts_with(elicense::envelope::QR_PREFIX_VERSION_1)
    });
    let chosen = match licences.next() {
        Some(c) => {
            if licences.next().is_some() {
                note!(
                    "note: {} holds several licence QR codes; reading the first",
                    path.display()
                );
            }
            c
        }
        // A code that is not a licence: let verification say why.
        None => codes.first().ok_or_else(|| {
            CliError::with_reason(
                format!("{}: no QR code found in the image", path.display()),
                elicense::ReasonCode::QrNotFound,
            )
        })?,
    };
    Ok(trim_line_ends(chosen).to_owned())
}

/// Builds the trust store from root and authority certificate files.
pub fn trust_store(
    roots: &[impl AsRef<Path>],
    authorities: &[impl AsRef<Path>],
) -> Result<TrustStore, CliError> {
    let mut r: Vec<Certificate> = Vec::new();
    for p in roots {
        let p = p.as_ref();
        for c in files::load_certs(p)? {
            c.check_region_root()
                .context(format_args!("{} is not a region root", p.display()))?;
            r.push(c);
        }
    }
    let mut a = Vec::new();
    for p in authorities {
        a.extend(files::load_certs(p.as_ref())?);
    }
    Ok(TrustStore::new(r, a)?)
}

/// Adds the status lists in `paths` to `store`, one per authority, each
/// checked at `now`: the current time, not `--at` (a list dated beyond the
/// current time is refused [`STATUS_LIST_ISSUED_IN_FUTURE`]; `--at` is the
/// time the licence is checked at, and the list's freshness with it).
///
/// [`STATUS_LIST_ISSUED_IN_FUTURE`]: ReasonCode::StatusListIssuedInFuture
pub fn add_status_lists(
    store: &mut TrustStore,
    paths: &[impl AsRef<Path>],
    now: i64,
) -> Result<(), CliError> {
    let mut seen = Vec::new();
    for p in paths {
        let p = p.as_ref();
        let cose = files::read_signed(p)?;
        let id = store
            .add_status_list(&cose, elicense::UnixTime::from_secs(now))
            .map_err(|e| match e.reason() {
                ReasonCode::SignerUnknown => CliError::with_reason(
                    format!(
                        "{}: the status list's signer is none of the authority certificates given \
                     with --authority",
                        p.display()
                    ),
                    e.reason(),
                ),
                _ => CliError::with_reason(format!("{}: {e}", p.display()), e.reason()),
            })?;
        if seen.contains(&id) {
            return Err(CliError::with_reason(
                format!(
                    "{}: a second status list of {id}; give one list per authority",
                    p.display()
                ),
                ReasonCode::TrustListConflict,
            ));
        }
        seen.push(id);
    }
    Ok(())
}

/// The report as text in `lang` ([`Report::render`]). When nobody checked
/// the licence's status (no status list given), a line under the verdict
/// says how to check it, so that a VALID verdict is not read as "not
/// revoked".
pub fn report_text(report: &Report, lang: Lang) -> String {
    let text = report.render(lang);
    let unchecked = report
        .check(CheckKind::Status)
        .is_some_and(|c| c.outcome == Outcome::NotChecked);
    if !unchecked {
        return text;
    }
    let hint = match lang {
        Lang::Zh => {
            "  如需核查，请用 --status 文件 给出签发机关的状态列表，或用信任包核验（--bundle）"
        }
        Lang::En => {
            "  REVOCATION NOT CHECKED: this licence may have been revoked or suspended; \
             give its authority's status list with --status FILE, or verify with a trust bundle \
             (--bundle)"
        }
    };
    // After the `Note:` / `注意：` line the report writes under the verdict.
    let mut out = String::with_capacity(text.len() + hint.len() + 1);
    let mut placed = false;
    for line in text.split_inclusive('\n') {
        out.push_str(line);
        if !placed && line.contains(ReasonCode::StatusNotChecked.as_str()) {
            out.push_str(hint);
            out.push('\n');
            placed = true;
        }
    }
    out
}

/// Reads a trust bundle and verifies every list in it against the pinned
/// federation root in `anchor`, at the current time (a status list dated
/// beyond it is refused, whatever `--at` says: `--at` is the time a licence
/// is checked against, not the time the lists were received).
pub fn load_bundle(bundle: &Path, anchor: &Path) -> Result<TrustBundle, CliError> {
    let anchor_cert = files::load_cert(anchor)?;
    let bytes = files::read_bytes(bundle, MAX_BUNDLE_LEN as u64)?;
    TrustBundle::from_bytes(
        &bytes,
        anchor_cert,
        elicense::UnixTime::from_secs(time::now()?),
    )
    .context(bundle.display())
}

/// A verifier for a trust bundle, with the options given.
pub fn bundle_verifier(
    bundle: TrustBundle,
    bundle_path: &Path,
    leeway: i64,
    purpose: Option<&str>,
) -> Result<Verifier, CliError> {
    let verifier = Verifier::from_bundle(bundle).context(bundle_path.display())?;
    Ok(verifier.with_options(
        VerifyOptions::default()
            .with_leeway(leeway)
            .with_purpose(purpose.map(str::to_owned)),
    ))
}

/// Verifies as `args` says, at `now` unless `--at` is given; status lists
/// given with `--status` are checked at `now`.
pub fn verify(args: &VerifyArgs, now: i64) -> Result<Report, CliError> {
    let text = read_qr(&args.input)?;
    let verifier = match (&args.bundle, &args.anchor) {
        (Some(b), Some(a)) => {
            bundle_verifier(load_bundle(b, a)?, b, args.leeway, args.purpose.as_deref())?
        }
        (Some(_), None) => {
            return Err(CliError::msg(
                "--bundle needs --anchor, the pinned federation root certificate",
            ))
        }
        (None, _) => {
            let mut store = trust_store(&args.root, &args.authority)?;
            add_status_lists(&mut store, &args.status, now)?;
            Verifier::new(store).with_options(VerifyOptions::default().with_leeway(args.leeway))
        }
    };
    Ok(verifier.verify_qr(&text, elicense::UnixTime::from_secs(args.at.unwrap_or(now))))
}

/// The exit status for a verdict.
pub fn exit_for(verdict: Verdict) -> ExitCode {
    match verdict {
        Verdict::Valid => ExitCode::SUCCESS,
        Verdict::Invalid => ExitCode::from(EXIT_INVALID),
        Verdict::Indeterminate => ExitCode::from(EXIT_INDETERMINATE),
    }
}

/// `elicense verify`.
pub fn run_verify(args: &VerifyArgs) -> Result<ExitCode, CliError> {
    let report = verify(args, time::now()?)?;
    if args.json {
        print_out(&format!("{}\n", report.to_json_in(crate::lang())))?;
    } else {
        print_out(&report_text(&report, crate::lang()))?;
    }
    Ok(exit_for(report.verdict))
}

/// `elicense inspect`.
pub fn run_inspect(args: &InspectArgs) -> Result<ExitCode, CliError> {
    let text = read_qr(&args.input)?;
    let inspection = inspect_qr(&text).context("cannot decode the QR text")?;
    if args.json {
        let json = serde_json::to_string(&inspection)
            .map_err(|e| CliError::msg(format!("cannot write the inspection as JSON: {e}")))?;
        print_out(&format!("{json}\n"))?;
    } else {
        print_out(&inspection.render(crate::lang()))?;
    }
    Ok(ExitCode::SUCCESS)
}
