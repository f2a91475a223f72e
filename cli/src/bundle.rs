//! `bundle build|inspect|update`: the trust bundle an offline verifier loads.

use std::path::Path;
use std::process::ExitCode;

use elicense::bundle::{DroppedCatalogue, DroppedStatusList, TrustBundle};
use elicense::catalogue::{Catalogue, Publisher};
use elicense::policy::{Policy, TypeRule, MAX_POLICY_BYTES};
use elicense::status::{Freshness, StaleCause};
use elicense::trust::check_fresh;
use elicense::verify::DEFAULT_TRUST_LIST_GRACE_SECONDS;
use elicense::ReasonCode;
use serde_json::{json, Value};

use crate::error::{CliError, Context};
use crate::pki::hex;
use crate::status::count_statuses;
use crate::trustlist::{authority_json, authority_line};
use crate::verify::load_bundle;
use crate::{files, print_out, time, BundleBuildArgs, BundleInspectArgs, BundleUpdateArgs};

/// Reads a policy file; one over the size limit is left to the library to
/// refuse (`INPUT_TOO_LARGE`).
fn read_policy(path: &Path) -> Result<String, CliError> {
    let bytes = files::read_bytes(path, MAX_POLICY_BYTES as u64 + 1)?;
    String::from_utf8(bytes)
        .map_err(|_| CliError::msg(format!("{} is not UTF-8 text", path.display())))
}

/// Adds region lists to `b`; a second list for a region already added by
/// this call is refused (`TRUST_LIST_CONFLICT`). Returns the status lists
/// that left the bundle because a new region list no longer vouches for
/// their signer.
fn add_regions(
    b: &mut TrustBundle,
    paths: &[impl AsRef<Path>],
) -> Result<Vec<DroppedStatusList>, CliError> {
    let mut seen = Vec::new();
    let mut dropped = Vec::new();
    for p in paths {
        let p = p.as_ref();
        let cose = files::read_signed(p)?;
        let (region, gone) = b.add_region_list(cose).context(p.display())?;
        dropped.extend(gone);
        if seen.contains(&region) {
            return Err(CliError::with_reason(
                format!(
                    "{}: a second trust list for region {region}; give one list per region",
                    p.display()
                ),
                ReasonCode::TrustListConflict,
            ));
        }
        seen.push(region);
    }
    Ok(dropped)
}

/// Adds status lists to `b`, one per authority.
fn add_statuses(b: &mut TrustBundle, paths: &[impl AsRef<Path>]) -> Result<(), CliError> {
    let mut seen = Vec::new();
    for p in paths {
        let p = p.as_ref();
        let cose = files::read_signed(p)?;
        let code = b
            .add_status_list(cose, elicense::UnixTime::from_secs(time::now()?))
            .context(p.display())?;
        if seen.contains(&code) {
            return Err(CliError::with_reason(
                format!(
                    "{}: a second status list for {code}; give one list per authority",
                    p.display()
                ),
                ReasonCode::TrustListConflict,
            ));
        }
        seen.push(code);
    }
    Ok(())
}

/// Adds signed licence catalogues to `b`; a second catalogue of one
/// publisher given to this call is refused (`CATALOGUE_CONFLICT`). Returns
/// the region extensions that left the bundle.
fn add_catalogues(
    b: &mut TrustBundle,
    paths: &[impl AsRef<Path>],
) -> Result<Vec<DroppedCatalogue>, CliError> {
    let mut seen: Vec<Publisher> = Vec::new();
    let mut dropped = Vec::new();
    for p in paths {
        let p = p.as_ref();
        let cose = files::read_signed(p)?;
        let (publisher, gone) = b.add_catalogue(cose).context(p.display())?;
        if seen.contains(&publisher) {
            return Err(CliError::with_reason(
                format!(
                    "{}: a second catalogue of {publisher}; give one per publisher",
                    p.display()
                ),
                ReasonCode::CatalogueConflict,
            ));
        }
        seen.push(publisher);
        dropped.extend(gone);
    }
    Ok(dropped)
}

/// The catalogue extensions that left a bundle, as JSON.
fn dropped_catalogues_json(dropped: &[DroppedCatalogue]) -> Value {
    json!(dropped
        .iter()
        .map(|d| json!({
            "region": d.region.as_str(),
            "version": d.version,
            "reason": d.reason.as_str(),
            "detail": d.detail,
        }))
        .collect::<Vec<_>>())
}

/// One line per catalogue extension that left a bundle.
fn dropped_catalogues_text(dropped: &[DroppedCatalogue]) -> String {
    dropped
        .iter()
        .map(|d| {
            format!(
                "licence catalogue of region {} (version {}) left the bundle: {} [{}]\n",
                d.region,
                d.version,
                d.detail,
                d.reason.as_str()
            )
        })
        .collect()
}

/// A catalogue's summary as JSON.
fn catalogue_json(c: &Catalogue, signed: bool) -> Value {
    json!({
        "publisher": c.publisher().as_str(),
        "version": c.version(),
        "issued_at": c.issued_at(),
        "types": c.types().map(|t| json!({
            "code": t.code().as_str(), "name": {"zh": t.name().zh, "en": t.name().en},
        })).collect::<Vec<_>>(),
        "signed": signed,
    })
}

/// The bundle's bytes, once they are known to load again (as `bundle
/// inspect`, `verify` and the service will load them) at `now`: a bundle
/// that would not load is never written.
fn loadable_bytes(b: &TrustBundle, now: i64) -> Result<Vec<u8>, CliError> {
    let bytes = b.to_bytes();
    TrustBundle::from_bytes(
        &bytes,
        b.anchor().clone(),
        elicense::UnixTime::from_secs(now),
    )
    .map_err(|e| {
        CliError::with_reason(
            format!("the new bundle would not load ({e}); nothing was written"),
            e.reason(),
        )
    })?;
    Ok(bytes)
}

/// A bundle just built or updated.
#[derive(Debug)]
pub struct Written {
    /// The bundle.
    pub bundle: TrustBundle,
    /// Its size in bytes.
    pub len: usize,
    /// Status lists that left it, and why.
    pub dropped: Vec<DroppedStatusList>,
    /// Catalogue extensions that left it, and why.
    pub dropped_catalogues: Vec<DroppedCatalogue>,
}

/// Builds a bundle as `args` says and writes it.
pub fn build(args: &BundleBuildArgs) -> Result<Written, CliError> {
    let anchor = files::load_cert(&args.anchor)?;
    let federation = files::read_signed(&args.federation)?;
    let mut b = TrustBundle::new(anchor, federation).context(args.federation.display())?;
    let dropped = add_regions(&mut b, &args.region)?;
    add_statuses(&mut b, &args.status)?;
    let dropped_catalogues = add_catalogues(&mut b, &args.catalogue)?;
    if let Some(p) = &args.policy {
        b.set_policy(&read_policy(p)?).context(p.display())?;
    }
    let bytes = loadable_bytes(&b, time::now()?)?;
    files::write_atomic(&args.out, &bytes)?;
    Ok(Written {
        bundle: b,
        len: bytes.len(),
        dropped,
        dropped_catalogues,
    })
}

/// The status lists that left a bundle, as JSON.
fn dropped_json(dropped: &[DroppedStatusList]) -> Value {
    json!(dropped
        .iter()
        .map(|d| json!({
            "authority": d.authority.credit_code.as_str(),
            "region": d.authority.region.as_str(),
            "issued_at": d.issued_at,
            "reason": d.reason.as_str(),
            "detail": d.detail,
        }))
        .collect::<Vec<_>>())
}

/// One line per status list that left a bundle: whose, when issued, why.
fn dropped_text(dropped: &[DroppedStatusList]) -> String {
    let mut s = String::new();
    for d in dropped {
        s.push_str(&format!(
            "status list of {} (issued {}) left the bundle: {} [{}]\n",
            d.authority,
            time::fmt_time(d.issued_at),
            d.detail,
            d.reason.as_str()
        ));
    }
    s
}

/// Freshness of a trust list at `now`, as JSON and text.
fn list_freshness(next_update: i64, now: i64) -> (Value, String) {
    let grace = DEFAULT_TRUST_LIST_GRACE_SECONDS;
    match check_fresh(next_update, elicense::UnixTime::from_secs(now), grace) {
        Ok(()) if now <= next_update => (
            json!({"state": "fresh", "until": next_update}),
            format!("fresh until {}", time::fmt_time(next_update)),
        ),
        Ok(()) => (
            json!({"state": "due", "until": next_update.saturating_add(grace)}),
            format!(
                "due for update since {} (usable for a day's grace)",
                time::fmt_time(next_update)
            ),
        ),
        Err(_) => (
            json!({"state": "stale", "until": next_update.saturating_add(grace),
                   "reason": ReasonCode::TrustListStale.as_str()}),
            format!(
                "STALE since {} [{}]",
                time::fmt_time(next_update.saturating_add(grace)),
                ReasonCode::TrustListStale.as_str()
            ),
        ),
    }
}

fn stale_cause(c: StaleCause) -> &'static str {
    match c {
        StaleCause::MaxAge => "older than the policy's maximum age",
        StaleCause::Expired => "expired",
        StaleCause::TtlElapsed => "time to live elapsed",
    }
}

fn policy_json(p: &Policy) -> Value {
    let rules: Vec<Value> = p
        .types()
        .map(|(code, name, rule)| {
            let mut r = json!({"type": code.as_str(), "name": name});
            match rule {
                TypeRule::Accept { min_trust_level } => {
                    r["decision"] = json!("accept");
                    r["min_trust_level"] = json!(min_trust_level.map(|l| l.as_str()));
                }
                TypeRule::Map {
                    local_type,
                    min_trust_level,
                } => {
                    r["decision"] = json!("map");
                    r["local_type"] = json!(local_type.as_str());
                    r["min_trust_level"] = json!(min_trust_level.map(|l| l.as_str()));
                }
                TypeRule::Refuse { .. } => r["decision"] = json!("refuse"),
                _ => r["decision"] = json!("other"),
            }
            r
        })
        .collect();
    json!({
        "region": p.region().as_str(),
        "description": p.description(),
        "accept_regions": p.accept_regions().map_or_else(
            || json!("*"),
            |rs| json!(rs.iter().map(|r| r.as_str()).collect::<Vec<_>>())),
        "min_trust_level": p.min_trust_level().as_str(),
        "max_status_age_seconds": p.max_status_age_seconds(),
        "status_missing": p.status_missing(),
        "require_status": p.require_status(),
        "purposes": p.purposes().map_or_else(|| json!("*"), |ps| json!(ps)),
        "default": rule_word(p.default_rule()),
        "types": rules,
    })
}

fn rule_word(r: &TypeRule) -> &'static str {
    match r {
        TypeRule::Accept { .. } => "accept",
        TypeRule::Map { .. } => "map",
        TypeRule::Refuse { .. } => "refuse",
        _ => "other",
    }
}

/// The bundle's contents as JSON, freshness judged at `now`.
pub fn to_json(b: &TrustBundle, now: i64) -> Value {
    let f = b.federation();
    let max_age = b.policy().map_or(i64::MAX, Policy::max_status_age_seconds);
    json!({
        "checked_at": now,
        "anchor": {"name": b.anchor().common_name(), "kid": hex(b.anchor().kid())},
        "federation": {
            "name": f.name,
            "sequence": f.sequence,
            "issued_at": f.issued_at,
            "next_update": f.next_update,
            "freshness": list_freshness(f.next_update, now).0,
            "regions": f.regions.iter().map(|r| json!({
                "region": r.region.as_str(), "name": r.name, "kid": hex(r.root.kid()),
            })).collect::<Vec<_>>(),
        },
        "regions": b.region_lists().map(|l| json!({
            "region": l.region.as_str(),
            "sequence": l.sequence,
            "issued_at": l.issued_at,
            "next_update": l.next_update,
            "freshness": list_freshness(l.next_update, now).0,
            "authorities": l.authorities.iter().map(authority_json).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "status_lists": b.status_lists().map(|(code, t)| {
            let [_, revoked, suspended, _] = count_statuses(t.list());
            json!({
                "authority": code.credit_code.as_str(),
                "region": code.region.as_str(),
                "subject": t.subject(),
                "issued_at": t.issued_at(),
                "expires": t.expires(),
                "ttl": t.ttl(),
                "entries": t.list().len(),
                "revoked": revoked,
                "suspended": suspended,
                "bytes": b.status_list_cose(code).map(<[u8]>::len),
                "freshness": t.freshness(elicense::UnixTime::from_secs(now), max_age),
            })
        }).collect::<Vec<_>>(),
        "policy": b.policy().map(policy_json),
        "catalogues": {
            "national": catalogue_json(
                b.catalogues().national_catalogue(),
                b.national_catalogue_cose().is_some(),
            ),
            "regions": b.catalogues().regions().map(|c| catalogue_json(c, true)).collect::<Vec<_>>(),
        },
    })
}

/// The bundle's contents as text, freshness judged at `now`.
pub fn to_text(b: &TrustBundle, now: i64) -> String {
    let f = b.federation();
    let mut s = format!(
        "Trust bundle, verified against {} (kid {}), as of {}\n",
        b.anchor().common_name(),
        hex(b.anchor().kid()),
        time::fmt_time(now)
    );
    s.push_str(&format!(
        "Federation: {}, sequence {}, issued {}, {}\n",
        f.name,
        f.sequence,
        time::fmt_time(f.issued_at),
        list_freshness(f.next_update, now).1
    ));
    for r in &f.regions {
        let held = b.region_list(&r.region).is_some();
        s.push_str(&format!(
            "  {} {}{}\n",
            r.region,
            r.name,
            if held { "" } else { " (no region list)" }
        ));
    }
    let regions: Vec<_> = b.region_lists().collect();
    s.push_str(&format!("Region lists: {}\n", regions.len()));
    for l in regions {
        s.push_str(&format!(
            "  {}: sequence {}, issued {}, {}, {} authorities\n",
            l.region,
            l.sequence,
            time::fmt_time(l.issued_at),
            list_freshness(l.next_update, now).1,
            l.authorities.len()
        ));
        for a in &l.authorities {
            s.push_str(&format!("    {}\n", authority_line(a)));
        }
    }
    let national = b.catalogues().national_catalogue();
    s.push_str(&format!(
        "Licence catalogue (证照目录): national version {}, {} types{}\n",
        national.version(),
        national.types().count(),
        if b.national_catalogue_cose().is_some() {
            ", signed by the federation root"
        } else {
            " (built into elicense; the bundle carries none)"
        }
    ));
    for c in b.catalogues().regions() {
        s.push_str(&format!(
            "  extension of {}: version {}, issued {}, types: {}\n",
            c.publisher(),
            c.version(),
            time::fmt_time(c.issued_at()),
            c.types()
                .map(|t| format!("{} {}", t.code(), t.name().zh))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let max_age = b.policy().map_or(i64::MAX, Policy::max_status_age_seconds);
    let statuses: Vec<_> = b.status_lists().collect();
    s.push_str(&format!("Status lists: {}\n", statuses.len()));
    for (code, t) in statuses {
        let [_, revoked, suspended, _] = count_statuses(t.list());
        let mut line = format!("  {code}: issued {}", time::fmt_time(t.issued_at()));
        if let Some(ttl) = t.ttl() {
            line.push_str(&format!(", ttl {}", time::fmt_duration(ttl)));
        }
        if let Some(exp) = t.expires() {
            line.push_str(&format!(", expires {}", time::fmt_time(exp)));
        }
        line.push_str(&format!(
            ", {} entries ({revoked} revoked, {suspended} suspended), ",
            t.list().len()
        ));
        match t.freshness(elicense::UnixTime::from_secs(now), max_age) {
            Freshness::Fresh { until } => {
                line.push_str(&format!("fresh until {}", time::fmt_time(until)))
            }
            Freshness::Stale { cause, until } => line.push_str(&format!(
                "STALE since {} ({}) [{}]",
                time::fmt_time(until.saturating_add(1)),
                stale_cause(cause),
                ReasonCode::StatusListStale.as_str()
            )),
        }
        s.push_str(&line);
        s.push('\n');
    }
    match b.policy() {
        None => s.push_str("Policy: none (licences are not checked for recognition)\n"),
        Some(p) => {
            s.push_str(&format!("Policy of region {}", p.region()));
            if let Some(d) = p.description() {
                s.push_str(&format!(": {d}"));
            }
            s.push('\n');
            let regions = p.accept_regions().map_or_else(
                || "*".to_owned(),
                |rs| rs.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", "),
            );
            s.push_str(&format!(
                "  accepts regions {regions}; minimum trust level {}; status lists at most {} old \
                 (else {}); licences without a status index {}; purposes: {}\n",
                p.min_trust_level(),
                time::fmt_duration(p.max_status_age_seconds().unsigned_abs()),
                match p.status_missing() {
                    elicense::policy::StatusMissing::Indeterminate => "INDETERMINATE",
                    elicense::policy::StatusMissing::Warn => "a warning",
                },
                if p.require_status() {
                    "refused"
                } else {
                    "accepted with a warning"
                },
                p.purposes()
                    .map_or_else(|| "*".to_owned(), |ps| ps.join(", "))
            ));
            for (code, name, rule) in p.types() {
                let what = match rule {
                    TypeRule::Accept { .. } => "accept".to_owned(),
                    TypeRule::Map { local_type, .. } => format!("map to {local_type}"),
                    TypeRule::Refuse { .. } => "refuse".to_owned(),
                    _ => "other".to_owned(),
                };
                s.push_str(&format!(
                    "  {code}{}: {what}\n",
                    name.map(|n| format!(" ({n})")).unwrap_or_default()
                ));
            }
            s.push_str(&format!("  other types: {}\n", rule_word(p.default_rule())));
        }
    }
    s
}

/// `elicense bundle build`.
pub fn run_build(args: &BundleBuildArgs) -> Result<ExitCode, CliError> {
    let w = build(args)?;
    let now = time::now()?;
    if args.json {
        let mut j = to_json(&w.bundle, now);
        j["file"] = json!(args.out.display().to_string());
        j["bytes"] = json!(w.len);
        j["dropped"] = dropped_json(&w.dropped);
        j["dropped_catalogues"] = dropped_catalogues_json(&w.dropped_catalogues);
        print_out(&format!("{j}\n"))?;
    } else {
        print_out(&format!(
            "{}{}{}wrote {} ({} bytes)\n",
            to_text(&w.bundle, now),
            dropped_text(&w.dropped),
            dropped_catalogues_text(&w.dropped_catalogues),
            args.out.display(),
            w.len
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `elicense bundle inspect`.
pub fn run_inspect(args: &BundleInspectArgs) -> Result<ExitCode, CliError> {
    let b = load_bundle(&args.bundle, &args.anchor)?;
    let now = args.at.map_or_else(time::now, Ok)?;
    if args.json {
        print_out(&format!("{}\n", to_json(&b, now)))?;
    } else {
        print_out(&to_text(&b, now))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Applies the updates `args` names to `held`, all or none; returns the
/// new bundle and the status lists that left it, and why.
pub fn update(held: &TrustBundle, args: &BundleUpdateArgs) -> Result<Updated, CliError> {
    let mut next = held.clone();
    let mut dropped = Vec::new();
    let mut dropped_catalogues = Vec::new();
    if let Some(p) = &args.with {
        let newer = load_bundle(p, &args.anchor)?;
        let summary = next
            .update(&newer, elicense::UnixTime::from_secs(time::now()?))
            .context(p.display())?;
        dropped.extend(summary.dropped);
        dropped_catalogues.extend(summary.dropped_catalogues);
    }
    if let Some(p) = &args.federation {
        let cose = files::read_signed(p)?;
        let only = TrustBundle::new(next.anchor().clone(), cose).context(p.display())?;
        let summary = next
            .update(&only, elicense::UnixTime::from_secs(time::now()?))
            .context(p.display())?;
        dropped.extend(summary.dropped);
        dropped_catalogues.extend(summary.dropped_catalogues);
    }
    dropped.extend(add_regions(&mut next, &args.region)?);
    add_statuses(&mut next, &args.status)?;
    dropped_catalogues.extend(add_catalogues(&mut next, &args.catalogue)?);
    if let Some(p) = &args.policy {
        next.set_policy(&read_policy(p)?).context(p.display())?;
    }
    Ok(Updated {
        bundle: next,
        dropped,
        dropped_catalogues,
    })
}

/// A bundle after `bundle update`, with what left it.
#[derive(Debug)]
pub struct Updated {
    /// The new bundle.
    pub bundle: TrustBundle,
    /// Status lists that left it, and why.
    pub dropped: Vec<DroppedStatusList>,
    /// Catalogue extensions that left it, and why.
    pub dropped_catalogues: Vec<DroppedCatalogue>,
}

/// Lines describing what differs between two bundles; status lists that
/// left it (`dropped`) are told apart, with their reason.
fn differences(old: &TrustBundle, new: &TrustBundle, dropped: &[DroppedStatusList]) -> Vec<String> {
    let mut out = Vec::new();
    let (fo, fnew) = (old.federation(), new.federation());
    if fo != fnew {
        out.push(format!(
            "federation list: sequence {} → {}",
            fo.sequence, fnew.sequence
        ));
    }
    for l in new.region_lists() {
        match old.region_list(&l.region) {
            None => out.push(format!(
                "region {}: added, sequence {}",
                l.region, l.sequence
            )),
            Some(o) if o != l => out.push(format!(
                "region {}: sequence {} → {}",
                l.region, o.sequence, l.sequence
            )),
            Some(_) => {}
        }
    }
    for l in old.region_lists() {
        if new.region_list(&l.region).is_none() {
            out.push(format!("region {}: removed", l.region));
        }
    }
    for (code, t) in new.status_lists() {
        match old.status_list(code) {
            None => out.push(format!(
                "status list of {code}: added, issued {}",
                time::fmt_time(t.issued_at())
            )),
            Some(o) if o != t => out.push(format!(
                "status list of {code}: issued {} → {}",
                time::fmt_time(o.issued_at()),
                time::fmt_time(t.issued_at())
            )),
            Some(_) => {}
        }
    }
    for (code, _) in old.status_lists() {
        if new.status_list(code).is_none() && !dropped.iter().any(|d| &d.authority == code) {
            out.push(format!("status list of {code}: removed"));
        }
    }
    if old.policy() != new.policy() {
        out.push("policy: replaced".to_owned());
    }
    let (co, cn) = (old.catalogues(), new.catalogues());
    if co.national_catalogue() != cn.national_catalogue() {
        out.push(format!(
            "national licence catalogue: version {} → {}",
            co.national_catalogue().version(),
            cn.national_catalogue().version()
        ));
    }
    for c in cn.regions() {
        if let Publisher::Region(r) = c.publisher() {
            match co.region(r) {
                None => out.push(format!(
                    "licence catalogue of region {r}: added, version {}",
                    c.version()
                )),
                Some(o) if o != c => out.push(format!(
                    "licence catalogue of region {r}: version {} → {}",
                    o.version(),
                    c.version()
                )),
                Some(_) => {}
            }
        }
    }
    out
}

/// `elicense bundle update`.
pub fn run_update(args: &BundleUpdateArgs) -> Result<ExitCode, CliError> {
    let held = load_bundle(&args.bundle, &args.anchor)?;
    let Updated {
        bundle: next,
        dropped,
        dropped_catalogues,
    } = update(&held, args)?;
    let changes = differences(&held, &next, &dropped);
    let bytes = loadable_bytes(&next, time::now()?)?;
    let out = args.out.as_deref().unwrap_or(&args.bundle);
    let changed = bytes != held.to_bytes();
    if changed || args.out.is_some() {
        files::write_atomic(out, &bytes)?;
    }
    if args.json {
        let j = json!({
            "file": out.display().to_string(),
            "changed": changed,
            "changes": changes,
            "dropped": dropped_json(&dropped),
            "dropped_catalogues": dropped_catalogues_json(&dropped_catalogues),
            "bytes": bytes.len(),
        });
        print_out(&format!("{j}\n"))?;
    } else if changed {
        let mut s = String::new();
        for c in &changes {
            s.push_str(&format!("{c}\n"));
        }
        s.push_str(&dropped_text(&dropped));
        s.push_str(&dropped_catalogues_text(&dropped_catalogues));
        s.push_str(&format!(
            "wrote {} ({} bytes)\n",
            out.display(),
            bytes.len()
        ));
        print_out(&s)?;
    } else {
        print_out(&format!(
            "nothing newer: {} is unchanged\n",
            args.bundle.display()
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}
