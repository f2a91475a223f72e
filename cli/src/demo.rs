//! `demo`: the whole flow on built-in sample data, through the same
//! functions as `region init`, `authority new`, `issue` and `verify`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use elicense::demo::{
    DEMO_AUTHORITY_CODE, DEMO_AUTHORITY_NAME, DEMO_REGION, DEMO_ROOT_NAME, SAMPLE_LICENCE_JSON,
};
use elicense::qr::EccLevel;
use elicense::status::{subject_for, StatusList, StatusListToken, PROFILE_BITS};
use elicense::verify::DEFAULT_LEEWAY_SECONDS;

use crate::error::CliError;
use crate::pki::{self, Created};
use crate::{files, issue, print_out, time, verify};
use crate::{
    AlgArg, AuthorityNewArgs, DemoArgs, IssueArgs, QrInput, RegionInitArgs, UsageArg, VerifyArgs,
};

/// Entries in the demo authority's status list.
const DEMO_STATUS_ENTRIES: usize = 1024;
/// The demo status list's time to live: one day.
const DEMO_STATUS_TTL: u64 = 86_400;

/// Everything the demo made.
struct Outcome {
    root: Created,
    authority: Created,
    issued: issue::Issued,
    /// The authority's status list (nothing revoked), which the
    /// verification checks the licence's entry in.
    status: PathBuf,
    report: elicense::verify::Report,
    image: PathBuf,
}

fn run_flow(dir: &Path, now: i64) -> Result<Outcome, CliError> {
    let root = pki::region_init(
        &RegionInitArgs {
            region: DEMO_REGION.to_owned(),
            name: DEMO_ROOT_NAME.to_owned(),
            out: dir.to_owned(),
            years: 20,
            valid_from: None,
            alg: AlgArg::Ed25519,
            force: false,
        },
        now,
    )?;
    let authority = pki::authority_new(
        &AuthorityNewArgs {
            root_key: root.key_path.clone(),
            root_cert: root.cert_path.clone(),
            name: DEMO_AUTHORITY_NAME.to_owned(),
            credit_code: DEMO_AUTHORITY_CODE.to_owned(),
            usage: vec![UsageArg::LicenceSigning, UsageArg::StatusListSigning],
            years: 5,
            valid_from: None,
            out: dir.to_owned(),
            alg: AlgArg::Ed25519,
            force: false,
        },
        now,
    )?;
    let licence = dir.join("licence.json");
    files::write_public(&licence, SAMPLE_LICENCE_JSON.as_bytes())?;
    let image = dir.join("licence.png");
    let issued = issue::issue(
        &IssueArgs {
            key: authority.key_path.clone(),
            cert: authority.cert_path.clone(),
            licence,
            issued_at: Some(now),
            registry: None,
            out: Some(dir.join("licence.txt")),
            svg: Some(dir.join("licence.svg")),
            png: Some(image.clone()),
            png_scale: 8,
            module_mm: crate::ModuleSize {
                um: elicense::qr::DEFAULT_MODULE_UM,
            },
            ecc: EccLevel::Q,
            json: false,
        },
        now,
    )?;
    // The authority publishes its status list: nothing revoked yet.
    let status = dir.join("status.sl");
    let code = authority
        .cert
        .organization_identifier()
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| CliError::msg("the demo authority has no credit code"))?;
    let token = StatusListToken::new(
        subject_for(&code),
        now,
        None,
        Some(DEMO_STATUS_TTL),
        StatusList::new(PROFILE_BITS, DEMO_STATUS_ENTRIES)?,
    )?;
    let key = files::load_key(&authority.key_path)?;
    files::write_public(
        &status,
        &token.sign(&elicense::artifact::CertifiedSigner::new(
            authority.cert.clone(),
            key.clone(),
        )?)?,
    )?;
    // Read the licence back from the PNG, as a camera would, and check its
    // entry in the status list.
    let report = verify::verify(
        &VerifyArgs {
            input: QrInput {
                qr_text: None,
                qr_file: None,
                image: Some(image.clone()),
            },
            root: vec![root.cert_path.clone()],
            authority: vec![authority.cert_path.clone()],
            status: vec![status.clone()],
            bundle: None,
            anchor: None,
            purpose: None,
            at: None,
            leeway: DEFAULT_LEEWAY_SECONDS,
            json: false,
        },
        now,
    )?;
    Ok(Outcome {
        root,
        authority,
        issued,
        status,
        report,
        image,
    })
}

fn cert_json(c: &Created) -> serde_json::Value {
    serde_json::json!({
        "name": c.cert.common_name(),
        "region": c.cert.region().map(|r| r.as_str()),
        "credit_code": c.cert.organization_identifier(),
        "kid": pki::hex(c.cert.kid()),
        "not_before": c.cert.not_before(),
        "not_after": c.cert.not_after(),
        "key_file": c.key_path.display().to_string(),
        "cert_file": c.cert_path.display().to_string(),
    })
}

fn text(o: &Outcome, dir: &Path, kept: bool, terminal: bool) -> String {
    let qr = if terminal {
        o.issued.qr.to_terminal()
    } else {
        o.issued.qr.to_terminal_plain()
    };
    let l = &o.issued.licence;
    let mut s = String::new();
    s.push_str("elicense demo: a region, an authority, a licence, and its verification\n");
    s.push_str(&format!(
        "files in {}{}\n\n",
        dir.display(),
        if kept { "" } else { " (deleted on exit)" }
    ));
    s.push_str(&format!(
        "1. elicense region init --region {DEMO_REGION} --name {DEMO_ROOT_NAME}\n"
    ));
    s.push_str(&indent(&pki::describe(&o.root, "region root")));
    s.push_str(&format!(
        "\n2. elicense authority new --name {DEMO_AUTHORITY_NAME} --credit-code {DEMO_AUTHORITY_CODE}\n"
    ));
    s.push_str(&indent(&pki::describe(&o.authority, "authority")));
    s.push_str(
        "\n3. elicense issue --licence licence.json (the sample business licence, issued now)\n",
    );
    let type_name = elicense::catalogue::Catalogue::national()
        .licence_type(l.type_code())
        .map(|t| format!("{} ({}), ", t.name().zh, t.name().en))
        .unwrap_or_default();
    s.push_str(&format!(
        "   {type_name}type {} for {}\n",
        l.type_code(),
        l.holder().name
    ));
    s.push_str(&format!("   identifier: {}\n", o.issued.identifier));
    s.push_str(&format!(
        "   QR code:    {}\n\n",
        issue::qr_summary(&o.issued)
    ));
    s.push_str(&qr);
    s.push_str(&format!("\n{}\n", o.issued.qr_text));
    let name = |p: &Path| {
        p.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    s.push_str(&format!(
        "\n4. the authority signs its status list {} (nothing revoked)\n",
        name(&o.status)
    ));
    s.push_str(&format!(
        "\n5. elicense verify --image {} --status {} (read back from the PNG)\n\n",
        name(&o.image),
        name(&o.status)
    ));
    s.push_str(&o.report.render(crate::lang()));
    if kept {
        s.push_str(&format!(
            "\nTry it yourself:\n  elicense verify --qr-file {d}/licence.txt --root {d}/root.cert.pem --authority {d}/authority.cert.pem --status {d}/status.sl\n",
            d = dir.display()
        ));
    }
    s
}

fn indent(s: &str) -> String {
    s.lines().map(|l| format!("   {l}\n")).collect()
}

/// `elicense demo`.
pub fn run_demo(args: &DemoArgs) -> Result<ExitCode, CliError> {
    let now = time::now()?;
    // Kept alive until the end: dropping it deletes the directory.
    let tmp;
    let (dir, kept) = match &args.out {
        Some(d) => {
            files::ensure_dir(d)?;
            (d.clone(), true)
        }
        None => {
            tmp = tempfile::Builder::new()
                .prefix("elicense-demo-")
                .tempdir()
                .map_err(|e| {
                    CliError::storage(format!("cannot create a temporary directory: {e}"))
                })?;
            (tmp.path().to_owned(), false)
        }
    };
    let outcome = run_flow(&dir, now)?;
    if args.json {
        let json = serde_json::json!({
            "directory": dir.display().to_string(),
            "kept": kept,
            "region_root": cert_json(&outcome.root),
            "authority": cert_json(&outcome.authority),
            "licence": issue::to_json(&outcome.issued),
            "report": serde_json::from_str::<serde_json::Value>(&outcome.report.to_json_in(crate::lang()))
                .expect("a report is JSON"),
        });
        print_out(&format!("{json}\n"))?;
    } else {
        print_out(&text(&outcome, &dir, kept, std::io::stdout().is_terminal()))?;
    }
    Ok(verify::exit_for(outcome.report.verdict))
}
