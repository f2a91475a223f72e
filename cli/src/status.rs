//! `status revoke|suspend|reinstate|publish`: change licences' statuses in
//! an issuer registry and sign the authority's status list.

use std::path::Path;
use std::process::ExitCode;

use elicense::identifiers::CreditCode;
use elicense::status::{subject_for, Status, StatusList, StatusListToken, Transition};
use elicense::{ReasonCode, DEFAULT_LEEWAY_SECONDS};
use elicense_registry::{Registry, SqliteRegistry, MAX_ENTRIES};

use crate::error::{CliError, Context};
use crate::issue::{authority_code, open_registry};
use crate::pki::{hex, load_signing_pair};
use crate::{files, note, print_out, time, StatusChangeArgs, StatusPublishArgs};

/// Opens a registry that must exist already.
fn open_existing(path: &Path) -> Result<SqliteRegistry, CliError> {
    if std::fs::metadata(path).is_err() {
        return Err(CliError::msg(format!(
            "{}: no such registry; licences are recorded in one by `issue --registry`",
            path.display()
        )));
    }
    open_registry(path)
}

/// The authority a status command is about.
fn selected_authority(args: &StatusChangeArgs) -> Result<CreditCode, CliError> {
    match (&args.authority.authority_cert, &args.authority.credit_code) {
        (Some(p), _) => authority_code(&files::load_cert(p)?, p),
        (None, Some(c)) => CreditCode::parse(c.trim()).context(format_args!("--credit-code {c:?}")),
        (None, None) => Err(CliError::msg(
            "give --authority-cert FILE or --credit-code CODE",
        )),
    }
}

/// One licence whose status changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changed {
    /// Its status-list index.
    pub index: u64,
    /// Its serial, when it was given by serial.
    pub serial: Option<String>,
    /// Its new status.
    pub status: Status,
}

/// Applies `action` to the licences `args` names, all or none.
pub fn change(args: &StatusChangeArgs, action: Transition) -> Result<Vec<Changed>, CliError> {
    let authority = selected_authority(args)?;
    let mut registry = open_existing(&args.registry)?;
    let ctx = || format!("registry {}", args.registry.display());
    let mut targets: Vec<(u64, Option<String>)> = Vec::new();
    for &i in &args.licences.index {
        if !targets.iter().any(|(t, _)| *t == i) {
            targets.push((i, None));
        }
    }
    for serial in &args.licences.serial {
        let serial = serial.trim();
        let record = registry
            .record(&authority, serial)
            .context(ctx())?
            .ok_or_else(|| {
                CliError::with_reason(
                    format!(
                        "{}: no licence with serial {serial:?} is recorded for {authority}",
                        ctx()
                    ),
                    ReasonCode::InvalidArgument,
                )
            })?;
        match targets.iter_mut().find(|(t, _)| *t == record.status_index) {
            Some(t) => t.1 = Some(serial.to_owned()),
            None => targets.push((record.status_index, Some(serial.to_owned()))),
        }
    }
    let indices: Vec<u64> = targets.iter().map(|(i, _)| *i).collect();
    let statuses = registry
        .set_status_batch(&authority, &indices, action)
        .map_err(|e| {
            let reason = e.reason();
            CliError::with_reason(format!("{}: {e}; nothing was changed", ctx()), reason)
        })?;
    Ok(targets
        .into_iter()
        .zip(statuses)
        .map(|((index, serial), status)| Changed {
            index,
            serial,
            status,
        })
        .collect())
}

/// `elicense status revoke|suspend|reinstate`.
pub fn run_change(args: &StatusChangeArgs, action: Transition) -> Result<ExitCode, CliError> {
    let changed = change(args, action)?;
    if args.json {
        let json = serde_json::json!({
            "action": action.as_str(),
            "registry": args.registry.display().to_string(),
            "licences": changed.iter().map(|c| serde_json::json!({
                "index": c.index,
                "serial": c.serial,
                "status": c.status.as_str(),
            })).collect::<Vec<_>>(),
        });
        print_out(&format!("{json}\n"))?;
    } else {
        let mut s = String::new();
        for c in &changed {
            s.push_str(&format!("index {}", c.index));
            if let Some(serial) = &c.serial {
                s.push_str(&format!(" (serial {serial})"));
            }
            s.push_str(&format!(": {}\n", c.status.as_str()));
        }
        print_out(&s)?;
    }
    note!("note: verifiers see this once a new status list is published (`elicense status publish`) and their trust bundle updated");
    Ok(ExitCode::SUCCESS)
}

/// How many entries of a list hold each value: valid, revoked, suspended, other.
pub fn count_statuses(list: &StatusList) -> [u64; 4] {
    let mut counts = [0u64; 4];
    for i in 0..list.len() as u64 {
        let slot = match list.get(i) {
            Ok(Status::Valid) => 0,
            Ok(Status::Revoked) => 1,
            Ok(Status::Suspended) => 2,
            Err(_) => 3,
        };
        counts[slot] += 1;
    }
    counts
}

/// A status list token just signed.
#[derive(Debug)]
pub struct Published {
    /// The authority.
    pub authority: CreditCode,
    /// The token.
    pub token: StatusListToken,
    /// Its signed bytes.
    pub cose: Vec<u8>,
    /// The signer's kid.
    pub kid: [u8; 8],
    /// Licences recorded in the registry for the authority.
    pub recorded: u64,
}

/// Signs the authority's current status list as `args` says.
pub fn publish(args: &StatusPublishArgs, now: i64) -> Result<Published, CliError> {
    let (key, cert) = load_signing_pair(&args.key, &args.cert)?;
    let authority = authority_code(&cert, &args.cert)?;
    let mut registry = open_existing(&args.registry)?;
    let ctx = || format!("registry {}", args.registry.display());
    // A multiple of 4 entries (whole bytes at 2 bits), within the limit.
    let len = args.min_entries.min(MAX_ENTRIES).div_ceil(4) * 4;
    let len = usize::try_from(len.min(MAX_ENTRIES))
        .map_err(|_| CliError::msg("--min-entries is too large for this machine"))?;
    let list = registry.status_list(&authority, len).context(ctx())?;
    let recorded = registry.issued_count(&authority).context(ctx())?;
    let wanted = args.issued_at.unwrap_or(now);
    // Verifiers refuse a list dated beyond their clock (plus the leeway):
    // never sign one, nor let it push the registry's publication time ahead.
    let latest = now.saturating_add(DEFAULT_LEEWAY_SECONDS);
    let future = |at: i64, why: &str| {
        CliError::with_reason(
            format!(
                "{why} {}, after the current time {} (plus {DEFAULT_LEEWAY_SECONDS} s leeway): \
                 verifiers and trust bundles refuse such a list; nothing was signed",
                time::fmt_time(at),
                time::fmt_time(now)
            ),
            ReasonCode::StatusListIssuedInFuture,
        )
    };
    if wanted > latest {
        return Err(future(wanted, "--issued-at is"));
    }
    let issued_at = registry
        .reserve_publication_time(&authority, wanted)
        .context(ctx())?;
    if issued_at > latest {
        return Err(future(
            issued_at,
            &format!(
                "{}: the authority's last list was published with a later time of issue, so \
                 the next one would be issued at",
                ctx()
            ),
        ));
    }
    if issued_at != wanted {
        note!(
            "note: the list is issued at {}, one second after this authority's last published \
             list (a trust bundle takes only newer lists)",
            time::fmt_time(issued_at)
        );
    }
    let expires = match args.expires_in {
        Some(d) => Some(
            i64::try_from(d)
                .ok()
                .and_then(|d| issued_at.checked_add(d))
                .ok_or_else(|| CliError::msg("--expires-in is too far in the future"))?,
        ),
        None => None,
    };
    let default_subject = subject_for(&authority);
    let subject = args
        .subject
        .clone()
        .unwrap_or_else(|| default_subject.clone());
    if subject != default_subject {
        note!(
            "warning: the subject {subject:?} is not {default_subject:?}; a trust bundle refuses \
             this list [{}]",
            ReasonCode::StatusListWrongSubject.as_str()
        );
    }
    let token = StatusListToken::new(subject, issued_at, expires, Some(args.ttl), list)
        .context("cannot make the status list")?;
    let cose = token
        .sign(&elicense::artifact::CertifiedSigner::new(
            cert.clone(),
            key.clone(),
        )?)
        .context(format_args!(
            "cannot sign the status list with {}",
            args.cert.display()
        ))?;
    files::write_atomic(&args.out, &cose)?;
    Ok(Published {
        authority,
        token,
        cose,
        kid: *cert.kid(),
        recorded,
    })
}

/// `elicense status publish`.
pub fn run_publish(args: &StatusPublishArgs) -> Result<ExitCode, CliError> {
    let p = publish(args, time::now()?)?;
    let [_, revoked, suspended, _] = count_statuses(p.token.list());
    let t = &p.token;
    if args.json {
        let json = serde_json::json!({
            "authority": p.authority.as_str(),
            "subject": t.subject(),
            "kid": hex(&p.kid),
            "issued_at": t.issued_at(),
            "expires": t.expires(),
            "ttl": t.ttl(),
            "entries": t.list().len(),
            "recorded": p.recorded,
            "revoked": revoked,
            "suspended": suspended,
            "file": args.out.display().to_string(),
            "bytes": p.cose.len(),
        });
        print_out(&format!("{json}\n"))?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut s = format!(
        "Signed the status list of {}\n  subject:   {}\n  issued:    {}\n",
        p.authority,
        t.subject(),
        time::fmt_time(t.issued_at())
    );
    if let Some(ttl) = t.ttl() {
        s.push_str(&format!("  ttl:       {}\n", time::fmt_duration(ttl)));
    }
    if let Some(exp) = t.expires() {
        s.push_str(&format!("  expires:   {}\n", time::fmt_time(exp)));
    }
    s.push_str(&format!(
        "  entries:   {} ({} recorded; {revoked} revoked, {suspended} suspended)\n",
        t.list().len(),
        match p.recorded {
            1 => "1 licence".to_owned(),
            n => format!("{n} licences"),
        }
    ));
    s.push_str(&format!(
        "wrote {} ({} bytes)\n",
        args.out.display(),
        p.cose.len()
    ));
    print_out(&s)?;
    Ok(ExitCode::SUCCESS)
}
