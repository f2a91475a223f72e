//! `region init` and `authority new`.

use std::path::PathBuf;
use std::process::ExitCode;

use elicense::alg::SecretKey;
use elicense::identifiers::{CreditCode, RegionCode};
use elicense::pki::{
    create_authority, create_federation_root, create_region_root, AuthorityParams, Certificate,
    FederationRootParams, RegionRootParams, Usage,
};

use crate::error::{CliError, Context};
use crate::files;
use crate::time::{self, DAY};
use crate::{note, print_out, AuthorityNewArgs, FederationInitArgs, RegionInitArgs};

/// File names written into the output directory.
pub const ROOT_KEY_FILE: &str = "root.key.pem";
/// Region root certificate file name.
pub const ROOT_CERT_FILE: &str = "root.cert.pem";
/// Federation root key file name.
pub const FEDERATION_KEY_FILE: &str = "federation.key.pem";
/// Federation root certificate file name.
pub const FEDERATION_CERT_FILE: &str = "federation.cert.pem";
/// Authority key file name.
pub const AUTHORITY_KEY_FILE: &str = "authority.key.pem";
/// Authority certificate file name.
pub const AUTHORITY_CERT_FILE: &str = "authority.cert.pem";

/// A key and certificate just written.
#[derive(Debug)]
pub struct Created {
    /// The private key file.
    pub key_path: PathBuf,
    /// The certificate file.
    pub cert_path: PathBuf,
    /// The certificate.
    pub cert: Certificate,
    /// Notes for the user (e.g. a validity that was capped).
    pub notes: Vec<String>,
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The usage as written on the command line (`--usage` value).
pub fn usage_name(u: Usage) -> &'static str {
    u.flag()
}

fn non_empty<'a>(value: &'a str, flag: &str) -> Result<&'a str, CliError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(CliError::msg(format!("{flag} must not be empty")));
    }
    Ok(v)
}

/// Creates a region root key and certificate in `args.out`.
pub fn region_init(args: &RegionInitArgs, now: i64) -> Result<Created, CliError> {
    let region =
        RegionCode::parse(args.region.trim()).context(format!("--region {:?}", args.region))?;
    let name = non_empty(&args.name, "--name")?;
    let start = args.valid_from.unwrap_or(now - DAY);
    let not_after = time::add_years(args.valid_from.unwrap_or(now), args.years)?;
    let key_path = args.out.join(ROOT_KEY_FILE);
    let cert_path = args.out.join(ROOT_CERT_FILE);
    files::ensure_dir(&args.out)?;
    files::refuse_existing(&key_path, args.force)?;
    files::refuse_existing(&cert_path, args.force)?;

    let key = SecretKey::generate(args.alg.algorithm()).context("cannot generate the root key")?;
    let cert = create_region_root(
        &key,
        &RegionRootParams {
            region,
            name: name.to_owned(),
            not_before: start,
            not_after,
            serial_number: None,
        },
    )
    .context("cannot create the root certificate")?;
    files::write_secret(&key_path, key.to_pkcs8_pem().as_bytes(), args.force)?;
    files::write_public(&cert_path, cert.to_pem().as_bytes())?;
    Ok(Created {
        key_path,
        cert_path,
        cert,
        notes: Vec::new(),
    })
}

/// Creates a federation root key and certificate in `args.out`.
pub fn federation_init(args: &FederationInitArgs, now: i64) -> Result<Created, CliError> {
    let name = non_empty(&args.name, "--name")?;
    let start = args.valid_from.unwrap_or(now - DAY);
    let not_after = time::add_years(args.valid_from.unwrap_or(now), args.years)?;
    let key_path = args.out.join(FEDERATION_KEY_FILE);
    let cert_path = args.out.join(FEDERATION_CERT_FILE);
    files::ensure_dir(&args.out)?;
    files::refuse_existing(&key_path, args.force)?;
    files::refuse_existing(&cert_path, args.force)?;

    let key = SecretKey::generate(args.alg.algorithm())
        .context("cannot generate the federation root key")?;
    let cert = create_federation_root(
        &key,
        &FederationRootParams {
            name: name.to_owned(),
            not_before: start,
            not_after,
            serial_number: None,
        },
    )
    .context("cannot create the federation root certificate")?;
    files::write_secret(&key_path, key.to_pkcs8_pem().as_bytes(), args.force)?;
    files::write_public(&cert_path, cert.to_pem().as_bytes())?;
    Ok(Created {
        key_path,
        cert_path,
        cert,
        notes: Vec::new(),
    })
}

/// Loads a CA's private key and certificate and checks that they belong
/// together (`KEY_INVALID` otherwise).
pub fn load_signing_pair(
    key_path: &std::path::Path,
    cert_path: &std::path::Path,
) -> Result<(SecretKey, Certificate), CliError> {
    let key = files::load_key(key_path)?;
    let cert = files::load_cert(cert_path)?;
    if key.public_key() != *cert.public_key() {
        return Err(CliError::with_reason(
            format!(
                "the key {} is not the key of the certificate {}",
                key_path.display(),
                cert_path.display()
            ),
            elicense::ReasonCode::KeyInvalid,
        ));
    }
    Ok((key, cert))
}

/// Creates an authority key and a certificate from the region root.
pub fn authority_new(args: &AuthorityNewArgs, now: i64) -> Result<Created, CliError> {
    let name = non_empty(&args.name, "--name")?;
    let credit_code = CreditCode::parse(args.credit_code.trim())
        .context(format!("--credit-code {:?}", args.credit_code))?;
    let root_key = files::load_key(&args.root_key)?;
    let root = files::load_cert(&args.root_cert)?;
    root.check_region_root().context(args.root_cert.display())?;
    if root_key.public_key() != *root.public_key() {
        return Err(CliError::msg(format!(
            "the key {} is not the key of the root certificate {}",
            args.root_key.display(),
            args.root_cert.display()
        )));
    }
    let mut usages: Vec<Usage> = Vec::new();
    for u in &args.usage {
        if !usages.contains(&u.usage()) {
            usages.push(u.usage());
        }
    }

    let mut notes = Vec::new();
    let mut start = args.valid_from.unwrap_or(now - DAY);
    if start < root.not_before() {
        notes.push(format!(
            "the certificate starts when the root does, {}",
            time::fmt_time(root.not_before())
        ));
        start = root.not_before();
    }
    let mut not_after = time::add_years(args.valid_from.unwrap_or(now), args.years)?;
    if not_after > root.not_after() {
        notes.push(format!(
            "the certificate ends when the root does, {}",
            time::fmt_time(root.not_after())
        ));
        not_after = root.not_after();
    }

    let key_path = args.out.join(AUTHORITY_KEY_FILE);
    let cert_path = args.out.join(AUTHORITY_CERT_FILE);
    files::ensure_dir(&args.out)?;
    files::refuse_existing(&key_path, args.force)?;
    files::refuse_existing(&cert_path, args.force)?;

    let key =
        SecretKey::generate(args.alg.algorithm()).context("cannot generate the authority key")?;
    let cert = create_authority(
        &root_key,
        &root,
        &key.public_key(),
        &AuthorityParams {
            name: name.to_owned(),
            credit_code,
            usages,
            not_before: start,
            not_after,
            serial_number: None,
        },
    )
    .context("cannot create the authority certificate")?;
    files::write_secret(&key_path, key.to_pkcs8_pem().as_bytes(), args.force)?;
    files::write_public(&cert_path, cert.to_pem().as_bytes())?;
    Ok(Created {
        key_path,
        cert_path,
        cert,
        notes,
    })
}

/// One line per fact about a created certificate, then what was written.
pub fn describe(c: &Created, what: &str) -> String {
    let cert = &c.cert;
    let mut s = format!("Created {what} {}", cert.common_name());
    if let Some(code) = cert.organization_identifier() {
        s.push_str(&format!(" ({code})"));
    }
    s.push('\n');
    if let Some(r) = cert.region() {
        s.push_str(&format!("  region:   {}\n", r.as_str()));
    }
    if !cert.is_ca() {
        let usages: Vec<&str> = cert.usages().iter().map(|u| usage_name(*u)).collect();
        s.push_str(&format!("  may sign: {}\n", usages.join(", ")));
    }
    let key = cert.public_key().algorithm();
    s.push_str(&format!("  key:      {} ({key})\n", key.spec().key_type));
    s.push_str(&format!(
        "  valid:    {} to {}\n  kid:      {}\n",
        time::fmt_time(cert.not_before()),
        time::fmt_time(cert.not_after()),
        hex(cert.kid())
    ));
    s.push_str(&format!(
        "wrote {} (private key, mode 0600: keep it secret)\nwrote {} (certificate)\n",
        c.key_path.display(),
        c.cert_path.display()
    ));
    s
}

/// `elicense region init`.
pub fn run_region_init(args: &RegionInitArgs) -> Result<ExitCode, CliError> {
    let created = region_init(args, time::now()?)?;
    print_out(&describe(&created, "region root"))?;
    Ok(ExitCode::SUCCESS)
}

/// `elicense federation init`.
pub fn run_federation_init(args: &FederationInitArgs) -> Result<ExitCode, CliError> {
    let created = federation_init(args, time::now()?)?;
    print_out(&describe(&created, "federation root"))?;
    Ok(ExitCode::SUCCESS)
}

/// `elicense authority new`.
pub fn run_authority_new(args: &AuthorityNewArgs) -> Result<ExitCode, CliError> {
    let created = authority_new(args, time::now()?)?;
    for n in &created.notes {
        note!("note: {n}");
    }
    print_out(&describe(&created, "authority"))?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::UsageArg;
    use clap::ValueEnum;

    #[test]
    fn the_flag_a_message_names_is_the_usage_it_grants() {
        for arg in UsageArg::value_variants() {
            let usage = arg.usage();
            assert_eq!(UsageArg::from_str(usage.flag(), false), Ok(*arg));
            assert_eq!(usage_name(usage), usage.flag());
        }
    }
}
