//! `catalogue build|inspect`: the licence catalogue (证照目录): sign one from
//! its JSON form, show one as a table in Chinese and English.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use elicense::artifact::CertifiedSigner;
use elicense::catalogue::{
    Catalogue, CatalogueError, CodeCheck, ItemDefinition, LicenceType, Publisher, ValueType,
};
use elicense::envelope::{ArtifactType, Sign1};
use elicense::ReasonCode;
use serde_json::{json, Value};

use crate::error::{CliError, Context};
use crate::pki::{hex, load_signing_pair};
use crate::{files, print_out, time};

/// Largest catalogue file read (JSON or signed).
const MAX_CATALOGUE_FILE: u64 = 4 << 20;

const BUILD_LONG_ABOUT: &str = "\
Sign a licence catalogue (证照目录, GB/T 36902/36903) from its JSON form \
(docs/FORMAT.md §19.2): for each licence type, its names in Chinese and English \
and its numbered data items (name, value type, unit, required or not, display \
order).\n\n\
The national catalogue (\"publisher\": \"federation\") is signed with the \
federation root's key (`federation init`); a region's extension (\"publisher\": \
the region code) with that region's root key (`region init`), and may define only \
types whose ministry credit code was registered within the region \
[CREDIT_CODE_REGION_MISMATCH], never a national type \
[CATALOGUE_NATIONAL_TYPE_REDEFINED]. Any other signer is refused \
[CATALOGUE_SIGNER_INVALID]. Every catalogue has a version that only grows: a bundle \
refuses an older one [CATALOGUE_ROLLBACK].\n\n\
The catalogue is checked before it is signed: duplicate type codes, item numbers \
or keys [CATALOGUE_CONFLICT], empty names or control characters in them \
[CATALOGUE_MALFORMED], unknown value types [CATALOGUE_VALUE_TYPE_UNKNOWN], too many \
types, items or labels [CATALOGUE_TOO_LARGE]. The signed file goes into a trust \
bundle with `bundle build --catalogue` or `bundle update --catalogue`.";

const BUILD_AFTER_HELP: &str = "\
Examples:
  # The national catalogue, from the one built into elicense:
  elicense catalogue build data/catalogue/national.json \\
      --key fed/federation.key.pem --cert fed/federation.cert.pem --out national.cat
  # Guangdong's extension, signed by Guangdong's root:
  elicense catalogue build gd-catalogue.json --key gd/root.key.pem \\
      --cert gd/root.cert.pem --issued-at 2026-01-01 --out gd.cat --json";

const INSPECT_LONG_ABOUT: &str = "\
Show a licence catalogue as a table in Chinese and English: its publisher, \
version and time of issue, then each licence type with its data items in display \
order (number, key, names, value type with its unit, check or labels, required or \
not).\n\n\
FILE is a signed catalogue (from `catalogue build`) or its JSON form. A signed one \
is checked against --root when given (the federation root for the national \
catalogue, the region's root for an extension); without --root it is shown \
WITHOUT verifying its signature, and says so. With no FILE, the catalogue built \
into elicense is shown.";

const INSPECT_AFTER_HELP: &str = "\
Examples:
  elicense catalogue inspect
  elicense catalogue inspect national.cat --root fed/federation.cert.pem
  elicense catalogue inspect gd.cat --root gd/root.cert.pem --json";

/// The catalogue subcommands.
#[derive(Debug, Subcommand)]
pub enum CatalogueCommand {
    /// Sign a licence catalogue (证照目录) from its JSON form, with the federation root
    /// (national) or a region root (the region's extension).
    #[command(long_about = BUILD_LONG_ABOUT, after_help = BUILD_AFTER_HELP)]
    Build(CatalogueBuildArgs),
    /// Show a licence catalogue (signed or JSON; default: the built-in one) as a table in
    /// Chinese and English.
    #[command(long_about = INSPECT_LONG_ABOUT, after_help = INSPECT_AFTER_HELP)]
    Inspect(CatalogueInspectArgs),
}

impl CatalogueCommand {
    /// Whether `--json` was given.
    pub fn json(&self) -> bool {
        match self {
            CatalogueCommand::Build(a) => a.json,
            CatalogueCommand::Inspect(a) => a.json,
        }
    }

    /// Runs the subcommand.
    pub fn run(&self) -> Result<ExitCode, CliError> {
        match self {
            CatalogueCommand::Build(a) => run_build(a),
            CatalogueCommand::Inspect(a) => run_inspect(a),
        }
    }
}

/// Arguments of `catalogue build`.
#[derive(Debug, Clone, Args)]
pub struct CatalogueBuildArgs {
    /// The catalogue's JSON form (docs/FORMAT.md §19.2).
    #[arg(value_name = "CATALOGUE.json")]
    pub spec: PathBuf,
    /// The signer's private key (PKCS#8 PEM): the federation root's for the national
    /// catalogue, the region root's for a region's extension.
    #[arg(long, value_name = "FILE")]
    pub key: PathBuf,
    /// The signer's certificate (PEM): the federation root or the region root.
    #[arg(long, value_name = "FILE")]
    pub cert: PathBuf,
    /// The time of issue (Unix seconds, YYYY-MM-DD or RFC 3339), within the signer
    /// certificate's validity [default: now; the JSON's "issued_at" is not used].
    #[arg(long, value_name = "TIME", value_parser = time::parse_time)]
    pub issued_at: Option<i64>,
    /// Where to write the signed catalogue.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `catalogue inspect`.
#[derive(Debug, Clone, Args)]
pub struct CatalogueInspectArgs {
    /// A signed catalogue or its JSON form [default: the catalogue built into elicense].
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Verify a signed catalogue against this root certificate (PEM): the federation
    /// root, or the region root of an extension.
    #[arg(long, value_name = "FILE")]
    pub root: Option<PathBuf>,
    /// Print JSON instead of the table.
    #[arg(long)]
    pub json: bool,
}

/// Reads a catalogue's JSON form, its time of issue from the JSON, else
/// `now`.
fn read_json(text: &str, now: i64) -> Result<Catalogue, CatalogueError> {
    let has_time = serde_json::from_str::<Value>(text)
        .ok()
        .is_some_and(|v| v.get("issued_at").is_some());
    if has_time {
        Catalogue::from_json(text)
    } else {
        Catalogue::from_json_issued_at(text, now)
    }
}

fn read_text(path: &Path) -> Result<String, CliError> {
    let bytes = files::read_bytes(path, MAX_CATALOGUE_FILE)?;
    String::from_utf8(bytes)
        .map_err(|_| CliError::msg(format!("{} is not UTF-8 text", path.display())))
}

/// Signs the catalogue `args` names and writes it.
pub fn build(args: &CatalogueBuildArgs, now: i64) -> Result<(Catalogue, Vec<u8>), CliError> {
    let (key, cert) = load_signing_pair(&args.key, &args.cert)?;
    let text = read_text(&args.spec)?;
    let catalogue = Catalogue::from_json_issued_at(&text, args.issued_at.unwrap_or(now))
        .context(args.spec.display())?;
    let signer = CertifiedSigner::new(cert, key)?;
    let cose = catalogue.sign(&signer).map_err(|e| {
        let hint = match e.reason() {
            ReasonCode::CertNotYetValid | ReasonCode::CertExpired => {
                " (the catalogue's time of issue must lie within the certificate's validity: \
                 give --issued-at)"
            }
            _ => "",
        };
        CliError::with_reason(
            format!("cannot sign {}: {e}{hint}", args.spec.display()),
            e.reason(),
        )
    })?;
    files::write_atomic(&args.out, &cose)?;
    Ok((catalogue, cose))
}

fn publisher_words(p: &Publisher) -> (String, String) {
    match p {
        Publisher::Federation => ("全国（联盟）".into(), "the federation (national)".into()),
        Publisher::Region(r) => (format!("地区 {r}"), format!("region {r}")),
    }
}

fn check_words(c: CodeCheck) -> (&'static str, &'static str) {
    match c {
        CodeCheck::CreditCode => ("统一社会信用代码校验", "GB 32100 credit code"),
        CodeCheck::ResidentId => ("公民身份号码校验", "GB 11643 identity number"),
        _ => ("无校验", "no check"),
    }
}

/// A value type in Chinese and in English.
fn value_type_words(v: &ValueType) -> (String, String) {
    match v {
        ValueType::Text { max_len } => (
            format!("文本（至多{max_len}字）"),
            format!("text (at most {max_len} characters)"),
        ),
        ValueType::Integer { unit: Some(u) } if u.scale == 1 => {
            (format!("整数（{}）", u.zh), format!("integer ({})", u.en))
        }
        ValueType::Integer { unit: Some(u) } => (
            format!("整数（{}）", u.zh),
            format!("integer ({}; × {} in {})", u.zh, u.scale, u.en),
        ),
        ValueType::Integer { unit: None } => ("整数".into(), "integer".into()),
        ValueType::Date => ("日期".into(), "date".into()),
        ValueType::Code { check } => {
            let (zh, en) = check_words(*check);
            (format!("代码（{zh}）"), format!("code ({en})"))
        }
        ValueType::Enumeration { labels } => (
            format!(
                "枚举：{}",
                labels
                    .iter()
                    .map(|l| format!("{} {}", l.value, l.name.zh))
                    .collect::<Vec<_>>()
                    .join("；")
            ),
            format!(
                "enumeration: {}",
                labels
                    .iter()
                    .map(|l| format!("{} {}", l.value, l.name.en))
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        ),
        _ => ("未知".into(), "unknown".into()),
    }
}

fn item_json(i: &ItemDefinition) -> Value {
    let mut j = json!({
        "number": i.number,
        "key": i.key,
        "name": {"zh": i.name.zh, "en": i.name.en},
        "type": i.value_type.name(),
        "required": i.required,
        "order": i.order,
    });
    match &i.value_type {
        ValueType::Text { max_len } => j["max_length"] = json!(max_len),
        ValueType::Integer { unit: Some(u) } => j["unit"] = json!(u),
        ValueType::Code { check } => j["check"] = json!(check.as_str()),
        ValueType::Enumeration { labels } => {
            j["labels"] = json!(labels
                .iter()
                .map(|l| json!({"value": l.value, "zh": l.name.zh, "en": l.name.en}))
                .collect::<Vec<_>>())
        }
        _ => {}
    }
    j
}

fn type_json(t: &LicenceType) -> Value {
    json!({
        "code": t.code().as_str(),
        "name": {"zh": t.name().zh, "en": t.name().en},
        "items": t.items_in_display_order().map(item_json).collect::<Vec<_>>(),
    })
}

/// A catalogue as JSON (items in display order).
pub fn to_json(c: &Catalogue) -> Value {
    json!({
        "publisher": c.publisher().as_str(),
        "version": c.version(),
        "issued_at": c.issued_at(),
        "types": c.types().map(type_json).collect::<Vec<_>>(),
    })
}

/// A catalogue as a table in Chinese and English, `source` saying where
/// it comes from and whether its signature was checked.
pub fn to_text(c: &Catalogue, source: &str) -> String {
    let (pzh, pen) = publisher_words(c.publisher());
    let mut s = format!(
        "证照目录 Licence catalogue\n  发布者 Publisher: {pzh} / {pen}\n  版本 Version: {}\n  \
         签发时间 Issued: {}\n  来源 Source: {source}\n  证照类型 Licence types: {}\n",
        c.version(),
        time::fmt_time(c.issued_at()),
        c.types().count()
    );
    for t in c.types() {
        s.push_str(&format!(
            "\n{} {} ({})\n  编号 No. | 键 Key | 名称 Name | 类型 Type | 必填 Required\n",
            t.name().zh,
            t.name().en,
            t.code()
        ));
        for i in t.items_in_display_order() {
            let (tzh, ten) = match &i.value_type {
                ValueType::Enumeration { .. } => ("枚举".to_owned(), "enumeration".to_owned()),
                other => value_type_words(other),
            };
            s.push_str(&format!(
                "  {} | {} | {} / {} | {} / {} | {}\n",
                i.number,
                i.key,
                i.name.zh,
                i.name.en,
                tzh,
                ten,
                if i.required { "是 yes" } else { "否 no" }
            ));
            if let ValueType::Enumeration { labels } = &i.value_type {
                for l in labels {
                    s.push_str(&format!(
                        "      {} = {} / {}\n",
                        l.value, l.name.zh, l.name.en
                    ));
                }
            }
        }
    }
    s
}

/// What `catalogue inspect` shows: the catalogue and how it was checked.
pub struct Inspected {
    /// The catalogue.
    pub catalogue: Catalogue,
    /// `built-in`, `json`, `verified` or `not verified`.
    pub source: &'static str,
    /// The signer's kid (signed files).
    pub kid: Option<String>,
}

/// Reads the catalogue `args` names.
pub fn inspect(args: &CatalogueInspectArgs) -> Result<Inspected, CliError> {
    let Some(path) = &args.file else {
        if args.root.is_some() {
            return Err(CliError::msg(
                "--root needs a signed catalogue FILE; the built-in catalogue is not signed",
            ));
        }
        return Ok(Inspected {
            catalogue: Catalogue::national().clone(),
            source: "built-in",
            kid: None,
        });
    };
    let bytes = files::read_bytes(path, MAX_CATALOGUE_FILE)?;
    if bytes.first() != Some(&0xd2) {
        let text = String::from_utf8(bytes).map_err(|_| {
            CliError::msg(format!(
                "{} is neither a signed catalogue nor UTF-8 JSON",
                path.display()
            ))
        })?;
        if args.root.is_some() {
            return Err(CliError::msg(format!(
                "{} is a JSON catalogue: it has no signature to check against --root",
                path.display()
            )));
        }
        return Ok(Inspected {
            catalogue: read_json(&text, time::now()?).context(path.display())?,
            source: "json",
            kid: None,
        });
    }
    let sign1 = Sign1::decode(&bytes, ArtifactType::Catalogue).context(path.display())?;
    let kid = Some(hex(sign1.kid()));
    match &args.root {
        Some(root) => {
            let root = files::load_cert(root)?;
            Ok(Inspected {
                catalogue: Catalogue::verify_with_root(&bytes, &root).context(path.display())?,
                source: "verified",
                kid,
            })
        }
        None => Ok(Inspected {
            catalogue: Catalogue::from_claims(sign1.payload()).context(path.display())?,
            source: "not verified",
            kid,
        }),
    }
}

fn run_build(args: &CatalogueBuildArgs) -> Result<ExitCode, CliError> {
    let (c, cose) = build(args, time::now()?)?;
    if args.json {
        let mut j = to_json(&c);
        j["file"] = json!(args.out.display().to_string());
        j["bytes"] = json!(cose.len());
        print_out(&format!("{j}\n"))?;
    } else {
        let (pzh, pen) = publisher_words(c.publisher());
        let mut s = format!(
            "已签署证照目录 Signed the licence catalogue of {pen} ({pzh}), version {}\n  \
             签发时间 Issued: {}\n  证照类型 Licence types: {}\n",
            c.version(),
            time::fmt_time(c.issued_at()),
            c.types().count()
        );
        for t in c.types() {
            s.push_str(&format!(
                "    {} {} / {} ({} items)\n",
                t.code(),
                t.name().zh,
                t.name().en,
                t.items().len()
            ));
        }
        s.push_str(&format!(
            "wrote {} ({} bytes)\n",
            args.out.display(),
            cose.len()
        ));
        print_out(&s)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn run_inspect(args: &CatalogueInspectArgs) -> Result<ExitCode, CliError> {
    let i = inspect(args)?;
    if args.json {
        let mut j = to_json(&i.catalogue);
        j["source"] = json!(i.source);
        j["kid"] = json!(i.kid);
        print_out(&format!("{j}\n"))?;
        return Ok(ExitCode::SUCCESS);
    }
    let note = match i.source {
        "built-in" => "内置目录 the catalogue built into elicense (not signed)".to_owned(),
        "json" => "JSON 文件，未签名 a JSON file, not signed".to_owned(),
        "verified" => format!(
            "签名已验证 signature verified (kid {})",
            i.kid.unwrap_or_default()
        ),
        _ => format!(
            "签名未验证 signature NOT verified (kid {}; give --root to check it)",
            i.kid.unwrap_or_default()
        ),
    };
    print_out(&to_text(&i.catalogue, &note))?;
    Ok(ExitCode::SUCCESS)
}
