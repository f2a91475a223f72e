//! `trustlist federation` and `trustlist region`: sign trust lists.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use elicense::pki::Certificate;
use elicense::trust::{
    AuthorityState, FederationTrustList, ListedAuthority, ListedRegion, RegionTrustList, TrustError,
};
use elicense::ReasonCode;

use crate::error::{CliError, Context};
use crate::pki::{hex, load_signing_pair};
use crate::spec::{self, NextUpdate};
use crate::time::{self, DAY};
use crate::{files, print_out, ListTimes, TrustlistFederationArgs, TrustlistRegionArgs};

/// Days until the next list is due when nothing says otherwise.
pub const DEFAULT_VALID_DAYS: u32 = 30;

/// Largest spec file read.
const MAX_SPEC_FILE: u64 = 1024 * 1024;

/// The time of issue and next update from the command line, else the spec,
/// else now and [`DEFAULT_VALID_DAYS`] later.
fn list_times(
    times: &ListTimes,
    spec_issued_at: Option<i64>,
    spec_next: Option<NextUpdate>,
    now: i64,
) -> Result<(i64, i64), CliError> {
    let issued_at = times.issued_at.or(spec_issued_at).unwrap_or(now);
    let next = match (times.next_update, times.valid_days) {
        (Some(t), _) => NextUpdate::At(t),
        (None, Some(d)) => NextUpdate::Days(d),
        (None, None) => spec_next.unwrap_or(NextUpdate::Days(DEFAULT_VALID_DAYS)),
    };
    let next_update = match next {
        NextUpdate::At(t) => t,
        NextUpdate::Days(d) => issued_at.saturating_add(i64::from(d) * DAY),
    };
    if issued_at < 0 {
        return Err(CliError::msg("the time of issue is before 1970"));
    }
    if next_update <= issued_at {
        return Err(CliError::msg(format!(
            "the next update ({}) must be after the time of issue ({})",
            time::fmt_time(next_update),
            time::fmt_time(issued_at)
        )));
    }
    Ok((issued_at, next_update))
}

/// Writes a signed list and says how big it is.
fn write_list(out: &Path, cose: &[u8]) -> Result<(), CliError> {
    files::write_atomic(out, cose)
}

/// The state as text: `active`, `retired since …`, `compromised since …`.
pub fn state_text(s: &AuthorityState) -> String {
    match s {
        AuthorityState::Active => "active".into(),
        AuthorityState::Retired(t) => format!("retired since {}", time::fmt_time(*t)),
        AuthorityState::Compromised(t) => format!("compromised since {}", time::fmt_time(*t)),
    }
}

/// JSON for an authority entry.
pub fn authority_json(a: &ListedAuthority) -> serde_json::Value {
    serde_json::json!({
        "name": a.certificate.common_name(),
        "credit_code": a.certificate.organization_identifier(),
        "kid": hex(a.certificate.kid()),
        "types": a.types.iter().map(|t| t.as_str()).collect::<Vec<_>>(),
        "level": a.level.as_str(),
        "state": a.state,
    })
}

/// One line for an authority entry.
pub fn authority_line(a: &ListedAuthority) -> String {
    let types: Vec<&str> = a.types.iter().map(|t| t.as_str()).collect();
    format!(
        "{} ({}), level {}, {}; types: {}",
        a.certificate.common_name(),
        a.certificate
            .organization_identifier()
            .unwrap_or("no credit code"),
        a.level,
        state_text(&a.state),
        if types.is_empty() {
            "none".to_owned()
        } else {
            types.join(", ")
        }
    )
}

/// Signs the federation list as `args` says.
pub fn federation_list(
    args: &TrustlistFederationArgs,
    now: i64,
) -> Result<(FederationTrustList, Vec<u8>), CliError> {
    let (key, cert) = load_signing_pair(&args.key, &args.cert)?;
    if !cert.is_ca() || cert.region().is_some() {
        return Err(CliError::with_reason(
            format!(
                "{} is not a federation root (a CA certificate without a region code, from \
                 `federation init`)",
                args.cert.display()
            ),
            ReasonCode::CertMalformed,
        ));
    }
    let mut regions = Vec::new();
    for p in &args.region_root {
        for root in files::load_certs(p)? {
            let code = root
                .check_region_root()
                .context(format_args!("{} is not a region root", p.display()))?
                .clone();
            regions.push(ListedRegion {
                region: code,
                name: root.common_name().to_owned(),
                root,
            });
        }
    }
    let name = match &args.name {
        Some(n) if n.trim().is_empty() => return Err(CliError::msg("--name must not be empty")),
        Some(n) => n.trim().to_owned(),
        None => cert.common_name().to_owned(),
    };
    let (issued_at, next_update) = list_times(&args.times, None, None, now)?;
    let list = FederationTrustList {
        name,
        sequence: args.sequence,
        issued_at,
        next_update,
        regions,
    };
    let cose = list
        .sign(&elicense::artifact::CertifiedSigner::new(
            cert.clone(),
            key.clone(),
        )?)
        .context("cannot sign the federation trust list")?;
    write_list(&args.out, &cose)?;
    Ok((list, cose))
}

/// Loads a spec's certificates and signs the region list as `args` says.
pub fn region_list(
    args: &TrustlistRegionArgs,
    now: i64,
) -> Result<(RegionTrustList, Vec<u8>), CliError> {
    let (key, root) = load_signing_pair(&args.key, &args.cert)?;
    let region = root
        .check_region_root()
        .context(format_args!("{} is not a region root", args.cert.display()))?
        .clone();
    let bytes = files::read_bytes(&args.spec, MAX_SPEC_FILE)?;
    let text = String::from_utf8(bytes)
        .map_err(|_| CliError::msg(format!("{} is not UTF-8 text", args.spec.display())))?;
    let base = match args.spec.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    };
    let spec = spec::parse_region_spec(&text, &base).map_err(|e| {
        CliError::with_reason(
            format!("{}: {e}", args.spec.display()),
            ReasonCode::InvalidArgument,
        )
    })?;
    if let Some(r) = &spec.region {
        if *r != region {
            return Err(CliError::with_reason(
                format!(
                    "{}: region: the spec is for region {r}, but {} is the root of region {region}",
                    args.spec.display(),
                    args.cert.display()
                ),
                ReasonCode::InvalidArgument,
            ));
        }
    }
    let sequence = args.sequence.or(spec.sequence).ok_or_else(|| {
        CliError::msg(format!(
            "no sequence number: give --sequence N or \"sequence\" in {}",
            args.spec.display()
        ))
    })?;
    let (issued_at, next_update) = list_times(&args.times, spec.issued_at, spec.next_update, now)?;
    let mut authorities = Vec::with_capacity(spec.authorities.len());
    for (i, a) in spec.authorities.iter().enumerate() {
        let certificate: Certificate = files::load_cert(&a.certificate).map_err(|e| {
            e.within(format_args!(
                "{}: authorities[{i}].certificate",
                args.spec.display()
            ))
        })?;
        authorities.push(ListedAuthority {
            certificate,
            types: a.types.clone(),
            level: a.level,
            state: a.state,
        });
    }
    let list = RegionTrustList {
        region,
        sequence,
        issued_at,
        next_update,
        authorities,
    };
    let cose = list
        .sign(&elicense::artifact::CertifiedSigner::new(
            root.clone(),
            key.clone(),
        )?)
        .map_err(|e| {
            let what = format!("cannot sign the trust list of {}", args.spec.display());
            match &e {
                TrustError::Entry { index, error } => CliError::with_reason(
                    format!(
                        "{what}: authorities[{index}] ({}): {error}",
                        spec.authorities
                            .get(*index)
                            .map(|a| a.certificate.display().to_string())
                            .unwrap_or_default()
                    ),
                    e.reason(),
                ),
                _ => CliError::with_reason(format!("{what}: {e}"), e.reason()),
            }
        })?;
    write_list(&args.out, &cose)?;
    Ok((list, cose))
}

/// `elicense trustlist federation`.
pub fn run_federation_list(args: &TrustlistFederationArgs) -> Result<ExitCode, CliError> {
    let (list, cose) = federation_list(args, time::now()?)?;
    if args.json {
        let json = serde_json::json!({
            "kind": "federation",
            "name": list.name,
            "sequence": list.sequence,
            "issued_at": list.issued_at,
            "next_update": list.next_update,
            "regions": list.regions.iter().map(|r| serde_json::json!({
                "region": r.region.as_str(),
                "name": r.name,
                "kid": hex(r.root.kid()),
            })).collect::<Vec<_>>(),
            "file": args.out.display().to_string(),
            "bytes": cose.len(),
        });
        print_out(&format!("{json}\n"))?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut s = format!(
        "Signed the federation trust list of {}, sequence {}\n  issued:      {}\n  next update: {}\n  regions:     {}\n",
        list.name,
        list.sequence,
        time::fmt_time(list.issued_at),
        time::fmt_time(list.next_update),
        list.regions.len()
    );
    for r in &list.regions {
        s.push_str(&format!("    {} {}\n", r.region, r.name));
    }
    s.push_str(&format!(
        "wrote {} ({} bytes)\n",
        args.out.display(),
        cose.len()
    ));
    print_out(&s)?;
    Ok(ExitCode::SUCCESS)
}

/// `elicense trustlist region`.
pub fn run_region_list(args: &TrustlistRegionArgs) -> Result<ExitCode, CliError> {
    let (list, cose) = region_list(args, time::now()?)?;
    if args.json {
        let json = serde_json::json!({
            "kind": "region",
            "region": list.region.as_str(),
            "sequence": list.sequence,
            "issued_at": list.issued_at,
            "next_update": list.next_update,
            "authorities": list.authorities.iter().map(authority_json).collect::<Vec<_>>(),
            "file": args.out.display().to_string(),
            "bytes": cose.len(),
        });
        print_out(&format!("{json}\n"))?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut s = format!(
        "Signed the trust list of region {}, sequence {}\n  issued:      {}\n  next update: {}\n  authorities: {}\n",
        list.region,
        list.sequence,
        time::fmt_time(list.issued_at),
        time::fmt_time(list.next_update),
        list.authorities.len()
    );
    for a in &list.authorities {
        s.push_str(&format!("    {}\n", authority_line(a)));
    }
    s.push_str(&format!(
        "wrote {} ({} bytes)\n",
        args.out.display(),
        cose.len()
    ));
    print_out(&s)?;
    Ok(ExitCode::SUCCESS)
}
