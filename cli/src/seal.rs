//! `seal make`, `seal show`, `seal sign` and `seal verify`: electronic
//! seals (电子印章) and sealed signatures (电子签章) over any file.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use elicense::alg::Algorithm;
use elicense::artifact::CertifiedSigner;
use elicense::envelope::{MAX_SEALED_SIGNATURE_LEN, MAX_SEAL_LEN};
use elicense::seal::generate::{render_png, round_seal, SealDesign, SealFont};
use elicense::seal::verify::{summarise, SealReport, SealVerifier};
use elicense::seal::{
    DigestAlgorithm, DocumentDigest, DocumentProperties, Hasher, Picture, PictureType, Seal,
    SealKind, SealedSignature, SignedSeal,
};
use elicense::verify::{Verdict, Verifier, VerifyOptions};
use elicense::UnixTime;
use serde::Serialize;

use crate::error::{CliError, Context};
use crate::verify::{add_status_lists, exit_for, load_bundle, trust_store};
use crate::{files, note, print_out, time};

/// The seal subcommands.
#[derive(Debug, Subcommand)]
pub enum SealCommand {
    /// Make a seal (印章) with a seal-making authority's key: from a picture file, or the
    /// round red seal drawn for the owner.
    #[command(
        long_about = "Make an electronic seal (印章), signed with the key of a seal-making \
            authority (`authority new --usage seal-making`). The seal binds its identifier \
            (esID), name, owner (credit code or resident ID number), picture and validity to \
            the certificates allowed to use it (--signer-cert, each an authority certificate \
            with the document-sealing usage: `authority new --usage document-sealing`), and \
            carries an index in the maker's status list so that it can be revoked or \
            suspended (`status revoke|suspend`, `status publish`).\n\n\
            Without --picture, the round red official seal is drawn: the owner's name along \
            the upper arc, a five-pointed star, and --purpose below it, 42 mm across \
            (--diameter), the characters taken as vector paths from a CJK font (Debian's \
            fonts-noto-cjk, or the file named by ELICENSE_SEAL_FONT).\n\n\
            GB/T 38540 requires SM2/SM3: give an SM2 maker key (`authority new --alg sm2`); \
            another algorithm works and is noted.",
        after_help = "Examples:\n  elicense seal make --key psb/authority.key.pem --cert psb/authority.cert.pem \\\n      \
            --esid 3101000000001 --name 上海市市场监督管理局行政审批专用章 \\\n      \
            --owner-name 上海市市场监督管理局 --owner-code 11310000MB2F31727A \\\n      \
            --purpose 行政审批专用章 --signer-cert samr/authority.cert.pem \\\n      \
            --valid-until 2030-12-31 --status-index 0 --out samr.seal\n  \
            elicense seal make ... --picture seal.png --picture-size 40x40 --out samr.seal --json"
    )]
    Make(SealMakeArgs),
    /// Show a seal (or the seal in a sealed signature) WITHOUT verifying it, and write its
    /// picture as SVG or PNG.
    #[command(
        long_about = "Show the fields of a seal file, or of the seal inside a sealed-signature \
            file, WITHOUT verifying anything (use `seal verify` for that), and write its \
            picture: --svg writes an SVG picture as it is, --png renders it (--dpi) with its \
            printed size recorded in the PNG. A PNG picture is written as it is with --png.",
        after_help = "Examples:\n  elicense seal show samr.seal --png seal.png\n  \
            elicense seal show notice.pdf.sig --svg seal.svg --json"
    )]
    Show(SealShowArgs),
    /// Seal a file (PDF, OFD, image, anything): write a detached sealed signature beside it.
    #[command(
        long_about = "Seal any file with a seal and its owner's key: the sealed signature \
            carries the seal, the signer's certificate, the signing time, the file's digest \
            (SM3 with an SM2 key, SHA-256 otherwise) and its name, and optionally the page and \
            position (millimetres from the page's top-left corner) of the visible seal. It is \
            written to --out, beside the document, which is not changed. Several departments \
            seal one document by each writing their own signature file (joint issuance).",
        after_help = "Examples:\n  elicense seal sign notice.pdf --seal samr.seal --key samr/authority.key.pem \\\n      \
            --cert samr/authority.cert.pem --page 1 --x 150 --y 240 --out notice.pdf.samr.sig\n  \
            elicense seal sign notice.pdf --seal sepb.seal --key sepb/authority.key.pem \\\n      \
            --cert sepb/authority.cert.pem --out notice.pdf.sepb.sig --json"
    )]
    Sign(SealSignArgs),
    /// Verify a file's sealed signatures in GB/T 38540's order: one report each, and a summary.
    #[command(
        long_about = "Verify one or more sealed signatures of a file, each in GB/T 38540's \
            order: the signature over the signed data, the signer certificate listed in the \
            seal, the seal maker's signature over the seal, the maker's certificate and trust, \
            the seal's validity and status at the signing time, the signer certificate's \
            validity, and the file's digest. Prints one report per signature, then a summary \
            (VALID only if every signature is), or one JSON object {\"reports\": [...], \
            \"summary\": {...}} with --json. The file is read once, whatever the number of \
            signatures.\n\n\
            Trust comes from --root and --authority (the seal makers' certificates; --status \
            their status lists), or from a trust bundle (--bundle, --anchor) where makers and \
            owners must be on their region's list.",
        after_help = "Examples:\n  elicense seal verify notice.pdf notice.pdf.samr.sig notice.pdf.sepb.sig \\\n      \
            --root sh/root.cert.pem --authority psb/authority.cert.pem --status psb.sl\n  \
            elicense seal verify notice.pdf notice.pdf.samr.sig --bundle trust.elb \\\n      \
            --anchor fed/federation.cert.pem --json\n\n\
            Exit status:\n  \
            0  every signature is VALID\n  \
            1  error (unreadable file, bad certificate, …)\n  \
            2  usage error\n  \
            3  at least one signature is INVALID\n  \
            4  none is INVALID, at least one is INDETERMINATE"
    )]
    Verify(SealVerifyArgs),
}

impl SealCommand {
    /// Whether `--json` was given.
    pub fn json(&self) -> bool {
        match self {
            SealCommand::Make(a) => a.json,
            SealCommand::Show(a) => a.json,
            SealCommand::Sign(a) => a.json,
            SealCommand::Verify(a) => a.json,
        }
    }

    /// Runs the subcommand.
    pub fn run(&self) -> Result<ExitCode, CliError> {
        match self {
            SealCommand::Make(a) => run_make(a),
            SealCommand::Show(a) => run_show(a),
            SealCommand::Sign(a) => run_sign(a),
            SealCommand::Verify(a) => run_verify(a),
        }
    }
}

fn parse_size(s: &str) -> Result<(u32, u32), String> {
    let bad = || format!("{s:?} is not WIDTHxHEIGHT in whole millimetres, e.g. 42x42");
    let (w, h) = s.split_once(['x', 'X', '×']).ok_or_else(bad)?;
    Ok((
        w.trim().parse().map_err(|_| bad())?,
        h.trim().parse().map_err(|_| bad())?,
    ))
}

/// Arguments of `seal make`.
#[derive(Debug, Clone, Args)]
pub struct SealMakeArgs {
    /// The seal maker's private key (PKCS#8 PEM).
    #[arg(long, value_name = "FILE")]
    pub key: PathBuf,
    /// The seal maker's certificate (PEM), with the seal-making usage.
    #[arg(long, value_name = "FILE")]
    pub cert: PathBuf,
    /// The seal's identifier (esID): 1 to 64 characters of 0-9 A-Z a-z - . _
    #[arg(long, value_name = "ID")]
    pub esid: String,
    /// The seal's name, e.g. "上海市市场监督管理局行政审批专用章".
    #[arg(long)]
    pub name: String,
    /// The owner's name (drawn along the upper arc of a generated picture).
    #[arg(long, value_name = "NAME")]
    pub owner_name: String,
    /// The owner's code: a credit code, or with --personal a resident ID number.
    #[arg(long, value_name = "CODE")]
    pub owner_code: String,
    /// A personal seal (个人印章) instead of an organisation's.
    #[arg(long)]
    pub personal: bool,
    /// A certificate allowed to use the seal (PEM); repeat for several.
    #[arg(long, value_name = "FILE", required = true)]
    pub signer_cert: Vec<PathBuf>,
    /// The picture: an .svg (safe subset) or .png file. Without it, the round red seal
    /// is drawn.
    #[arg(long, value_name = "FILE")]
    pub picture: Option<PathBuf>,
    /// Printed size of --picture, WIDTHxHEIGHT millimetres [default: the diameter, square].
    #[arg(long, value_name = "WxH", value_parser = parse_size, requires = "picture")]
    pub picture_size: Option<(u32, u32)>,
    /// The purpose drawn below the star of a generated picture, e.g. 行政审批专用章.
    #[arg(long, default_value = "", conflicts_with = "picture")]
    pub purpose: String,
    /// Diameter of a generated picture, millimetres.
    #[arg(long, default_value_t = 42, value_parser = clap::value_parser!(u32).range(20..=100))]
    pub diameter: u32,
    /// When the seal is made [default: now].
    #[arg(long, value_name = "TIME", value_parser = time::parse_time)]
    pub created_at: Option<i64>,
    /// Start of validity [default: the time of making].
    #[arg(long, value_name = "TIME", value_parser = time::parse_time)]
    pub valid_from: Option<i64>,
    /// End of validity (exclusive).
    #[arg(long, value_name = "TIME", value_parser = time::parse_time)]
    pub valid_until: i64,
    /// The seal's index in the maker's status list.
    #[arg(long, value_name = "N")]
    pub status_index: u64,
    /// Where to write the signed seal.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `seal show`.
#[derive(Debug, Clone, Args)]
pub struct SealShowArgs {
    /// A seal file, or a sealed-signature file.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Write the picture as SVG (an SVG picture only).
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,
    /// Write the picture as PNG (an SVG picture is rendered at --dpi).
    #[arg(long, value_name = "FILE")]
    pub png: Option<PathBuf>,
    /// Resolution of a rendered PNG, dots per inch.
    #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u32).range(72..=1200))]
    pub dpi: u32,
    /// Print JSON (with "untrusted": true) instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `seal sign`.
#[derive(Debug, Clone, Args)]
pub struct SealSignArgs {
    /// The file to seal.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The seal (from `seal make`).
    #[arg(long, value_name = "FILE")]
    pub seal: PathBuf,
    /// The owner's private key (PKCS#8 PEM).
    #[arg(long, value_name = "FILE")]
    pub key: PathBuf,
    /// The owner's certificate (PEM): one the seal lists, with the document-sealing usage.
    #[arg(long, value_name = "FILE")]
    pub cert: PathBuf,
    /// The page of the visible seal, from 1.
    #[arg(long, value_name = "N", requires_all = ["x", "y"])]
    pub page: Option<u32>,
    /// The seal's centre, millimetres from the page's left edge.
    #[arg(long, value_name = "MM", requires = "page")]
    pub x: Option<u32>,
    /// The seal's centre, millimetres from the page's top edge.
    #[arg(long, value_name = "MM", requires = "page")]
    pub y: Option<u32>,
    /// The signing time [default: now].
    #[arg(long, value_name = "TIME", value_parser = time::parse_time)]
    pub at: Option<i64>,
    /// Where to write the sealed signature.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `seal verify`.
#[derive(Debug, Clone, Args)]
pub struct SealVerifyArgs {
    /// The sealed file.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Its sealed signatures.
    #[arg(value_name = "SIGNATURE", required = true)]
    pub signatures: Vec<PathBuf>,
    /// A trusted region root certificate (PEM); repeat for several.
    #[arg(long, value_name = "FILE", required_unless_present = "bundle")]
    pub root: Vec<PathBuf>,
    /// A seal maker's certificate (PEM); repeat for several.
    #[arg(long, value_name = "FILE", conflicts_with = "bundle")]
    pub authority: Vec<PathBuf>,
    /// A seal maker's signed status list; repeat for several makers.
    #[arg(long, value_name = "FILE", conflicts_with = "bundle")]
    pub status: Vec<PathBuf>,
    /// Verify against this trust bundle instead of --root and --authority.
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with = "root",
        requires = "anchor"
    )]
    pub bundle: Option<PathBuf>,
    /// The pinned federation root certificate (PEM) the bundle is checked against.
    #[arg(long, value_name = "FILE", requires = "bundle")]
    pub anchor: Option<PathBuf>,
    /// Check as of this time [default: now].
    #[arg(long, value_name = "TIME", value_parser = time::parse_time)]
    pub at: Option<i64>,
    /// Clock-skew leeway in seconds, applied to the signing time.
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    pub leeway: i64,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// The owner's name characters, as drawn.
fn generated_picture(args: &SealMakeArgs) -> Result<Picture, CliError> {
    let font = SealFont::system().map_err(|e| CliError::with_reason(e.to_string(), e.reason()))?;
    let design = SealDesign {
        diameter_mm: args.diameter,
        ..SealDesign::new(&args.owner_name, &args.purpose)
    };
    round_seal(&design, &font).map_err(|e| CliError::with_reason(e.to_string(), e.reason()))
}

fn picture_from_file(
    path: &Path,
    size: Option<(u32, u32)>,
    diameter: u32,
) -> Result<Picture, CliError> {
    let kind = match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("svg") => PictureType::Svg,
        Some("png") => PictureType::Png,
        _ => {
            return Err(CliError::msg(format!(
                "{}: a seal picture is an .svg or a .png file",
                path.display()
            )))
        }
    };
    let data = files::read_bytes(path, elicense::seal::picture::MAX_PICTURE_LEN as u64)?;
    let (w, h) = size.unwrap_or((diameter, diameter));
    Picture::new(kind, data, w, h).context(path.display())
}

#[derive(Serialize)]
struct MakeSummary<'a> {
    out: String,
    esid: &'a str,
    name: &'a str,
    kind: SealKind,
    owner: &'a str,
    algorithm: Algorithm,
    certificates: usize,
    picture: PictureType,
    picture_bytes: usize,
    width_mm: u32,
    height_mm: u32,
    seal_bytes: usize,
    valid_from: String,
    valid_until: String,
    status_index: u64,
}

fn run_make(args: &SealMakeArgs) -> Result<ExitCode, CliError> {
    let maker = CertifiedSigner::new(files::load_cert(&args.cert)?, files::load_key(&args.key)?)
        .context(args.cert.display())?;
    if maker.algorithm() != Algorithm::Sm2Sm3 {
        note!(
            "note: GB/T 38540 seals use SM2/SM3; this seal is signed with {} (an SM2 maker key: `authority new --alg sm2`)",
            maker.algorithm()
        );
    }
    let now = time::now()?;
    let created_at = args.created_at.unwrap_or(now);
    let picture = match &args.picture {
        Some(p) => picture_from_file(p, args.picture_size, args.diameter)?,
        None => generated_picture(args)?,
    };
    let mut builder = Seal::builder()
        .esid(&args.esid)
        .kind(if args.personal {
            SealKind::Personal
        } else {
            SealKind::Organisation
        })
        .name(&args.name)
        .owner(&args.owner_name, &args.owner_code)
        .picture(picture)
        .created_at(created_at)
        .valid(args.valid_from.unwrap_or(created_at), args.valid_until)
        .status_index(args.status_index);
    for p in &args.signer_cert {
        builder = builder.certificate(&files::load_cert(p)?);
    }
    let seal = builder
        .build_for(maker.algorithm())
        .map_err(|e| CliError::with_reason(e.to_string(), e.reason()))?;
    let signed = seal
        .sign(&maker)
        .map_err(|e| CliError::with_reason(e.to_string(), e.reason()))?;
    files::write_public(&args.out, signed.cose())?;
    let summary = MakeSummary {
        out: args.out.display().to_string(),
        esid: seal.esid(),
        name: seal.name(),
        kind: seal.kind(),
        owner: seal.owner().code.as_str(),
        algorithm: maker.algorithm(),
        certificates: seal.cert_digests().len(),
        picture: seal.picture().kind(),
        picture_bytes: seal.picture().data().len(),
        width_mm: seal.picture().width_mm(),
        height_mm: seal.picture().height_mm(),
        seal_bytes: signed.cose().len(),
        valid_from: time::fmt_time(seal.valid_from()),
        valid_until: time::fmt_time(seal.valid_until()),
        status_index: seal.status_index(),
    };
    if args.json {
        print_out(&format!("{}\n", json(&summary)?))?;
    } else {
        print_out(&format!(
            "seal {} ({}) of {} written to {}: {} {} × {} mm picture, {} certificate(s), {} bytes, signed with {}\n",
            seal.esid(),
            seal.name(),
            seal.owner().name,
            summary.out,
            summary.picture,
            summary.width_mm,
            summary.height_mm,
            summary.certificates,
            summary.seal_bytes,
            summary.algorithm
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn json(v: &impl Serialize) -> Result<String, CliError> {
    serde_json::to_string(v).map_err(|e| CliError::msg(format!("cannot write JSON: {e}")))
}

/// A seal file, or the seal inside a sealed-signature file (undecided
/// before reading: the envelope's `typ` tells).
fn read_seal(path: &Path) -> Result<SignedSeal, CliError> {
    let bytes = files::read_bytes(path, MAX_SEALED_SIGNATURE_LEN as u64)?;
    if bytes.len() <= MAX_SEAL_LEN {
        if let Ok(seal) = SignedSeal::decode(&bytes) {
            return Ok(seal);
        }
    }
    match SealedSignature::decode(&bytes) {
        Ok((_, s)) => Ok(s.seal().clone()),
        // Neither: say why it is not a seal.
        Err(_) => SignedSeal::decode(&bytes)
            .map_err(|e| CliError::with_reason(format!("{}: {e}", path.display()), e.reason())),
    }
}

#[derive(Serialize)]
struct ShowJson<'a> {
    untrusted: bool,
    algorithm: Algorithm,
    kid: String,
    seal: &'a Seal,
}

fn run_show(args: &SealShowArgs) -> Result<ExitCode, CliError> {
    let signed = read_seal(&args.file)?;
    let seal = signed.seal();
    let picture = seal.picture();
    if let Some(p) = &args.svg {
        if picture.kind() != PictureType::Svg {
            return Err(CliError::msg(
                "the seal's picture is a PNG; write it with --png",
            ));
        }
        files::write_public(p, picture.data())?;
    }
    if let Some(p) = &args.png {
        let png = render_png(picture, args.dpi)
            .map_err(|e| CliError::with_reason(e.to_string(), e.reason()))?;
        files::write_public(p, &png)?;
    }
    if args.json {
        let kid: String = signed.kid().iter().map(|b| format!("{b:02x}")).collect();
        print_out(&format!(
            "{}\n",
            json(&ShowJson {
                untrusted: true,
                algorithm: signed.algorithm(),
                kid,
                seal,
            })?
        ))?;
    } else {
        let mut s =
            String::from("NOT VERIFIED: this shows what the seal claims; use `seal verify`.\n");
        s.push_str(&format!("Seal: {} ({})\n", seal.name(), seal.esid()));
        s.push_str(&format!(
            "  kind: {}\n  owner: {} ({})\n",
            seal.kind().as_str(),
            seal.owner().name,
            seal.owner().code.as_str()
        ));
        s.push_str(&format!(
            "  valid: {} until {}\n  made: {}\n  status index: {}\n",
            time::fmt_time(seal.valid_from()),
            time::fmt_time(seal.valid_until()),
            time::fmt_time(seal.created_at()),
            seal.status_index()
        ));
        s.push_str(&format!(
            "  certificates: {} ({})\n  picture: {}, {} × {} mm, {} bytes\n  signed with: {}\n",
            seal.cert_digests().len(),
            seal.cert_digest_algorithm(),
            picture.kind(),
            picture.width_mm(),
            picture.height_mm(),
            picture.data().len(),
            signed.algorithm()
        ));
        print_out(&s)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Hashes a file once with each of `algorithms`, in 1 MiB pieces.
fn digest_file(
    path: &Path,
    algorithms: &[DigestAlgorithm],
) -> Result<Vec<DocumentDigest>, CliError> {
    let mut file = File::open(path).map_err(|e| CliError::io("read", path, &e))?;
    let mut hashers: Vec<Hasher> = algorithms.iter().map(|a| Hasher::new(*a)).collect();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(CliError::io("read", path, &e)),
        };
        for h in &mut hashers {
            h.update(&buf[..n]);
        }
    }
    Ok(algorithms
        .iter()
        .zip(hashers)
        .map(|(a, h)| DocumentDigest {
            algorithm: *a,
            value: h.finish(),
        })
        .collect())
}

#[derive(Serialize)]
struct SignSummary {
    out: String,
    file: String,
    esid: String,
    signer: String,
    signed_at: String,
    digest_algorithm: DigestAlgorithm,
    digest: String,
    signature_bytes: usize,
}

fn run_sign(args: &SealSignArgs) -> Result<ExitCode, CliError> {
    let seal = read_seal_file(&args.seal)?;
    let signer = CertifiedSigner::new(files::load_cert(&args.cert)?, files::load_key(&args.key)?)
        .context(args.cert.display())?;
    let algorithm = DigestAlgorithm::for_algorithm(signer.algorithm());
    let digest = digest_file(&args.file, &[algorithm])?.remove(0);
    let file_name = args
        .file
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| {
            CliError::msg(format!(
                "{}: the file name is not UTF-8",
                args.file.display()
            ))
        })?;
    let mut properties = DocumentProperties::file(file_name);
    if let (Some(page), Some(x), Some(y)) = (args.page, args.x, args.y) {
        properties = properties.at(page, x, y);
    }
    let signed_at = match args.at {
        Some(t) => t,
        None => time::now()?,
    };
    let signature = SealedSignature::sign_digest(&seal, digest, properties, signed_at, &signer)
        .map_err(|e| CliError::with_reason(e.to_string(), e.reason()))?;
    files::write_public(&args.out, &signature)?;
    let summary = SignSummary {
        out: args.out.display().to_string(),
        file: file_name.to_owned(),
        esid: seal.seal().esid().to_owned(),
        signer: signer.certificate().common_name().to_owned(),
        signed_at: time::fmt_time(signed_at),
        digest_algorithm: algorithm,
        digest: digest.value.iter().map(|b| format!("{b:02x}")).collect(),
        signature_bytes: signature.len(),
    };
    if args.json {
        print_out(&format!("{}\n", json(&summary)?))?;
    } else {
        print_out(&format!(
            "{} sealed by {} with seal {} at {} ({} {}); signature written to {}\n",
            summary.file,
            summary.signer,
            summary.esid,
            summary.signed_at,
            summary.digest_algorithm,
            summary.digest,
            summary.out
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn read_seal_file(path: &Path) -> Result<SignedSeal, CliError> {
    let bytes = files::read_bytes(path, MAX_SEAL_LEN as u64)?;
    SignedSeal::decode(&bytes)
        .map_err(|e| CliError::with_reason(format!("{}: {e}", path.display()), e.reason()))
}

#[derive(Serialize)]
struct VerifyJson {
    reports: Vec<Named>,
    summary: elicense::seal::verify::Summary,
}

#[derive(Serialize)]
struct Named {
    signature: String,
    /// The report's JSON in the language of `--lang` ([`SealReport::to_json_in`]).
    #[serde(flatten)]
    report: serde_json::Value,
}

fn run_verify(args: &SealVerifyArgs) -> Result<ExitCode, CliError> {
    let now = time::now()?;
    let verifier = match (&args.bundle, &args.anchor) {
        (Some(b), Some(a)) => Verifier::from_bundle(load_bundle(b, a)?).context(b.display())?,
        _ => {
            let mut store = trust_store(&args.root, &args.authority)?;
            add_status_lists(&mut store, &args.status, now)?;
            Verifier::new(store)
        }
    }
    .with_options(VerifyOptions::default().with_leeway(args.leeway));
    let verifier = SealVerifier::new(verifier);
    let mut signatures = Vec::with_capacity(args.signatures.len());
    for p in &args.signatures {
        signatures.push(files::read_bytes(p, MAX_SEALED_SIGNATURE_LEN as u64 + 1)?);
    }
    // Hash the file once per algorithm the signatures need.
    let mut algorithms: Vec<DigestAlgorithm> = signatures
        .iter()
        .filter_map(|s| SealedSignature::digest_algorithm_of(s).ok())
        .collect();
    algorithms.sort_by_key(|a| a.as_str());
    algorithms.dedup();
    let digests = digest_file(&args.file, &algorithms)?;
    let at = UnixTime::from_secs(args.at.unwrap_or(now));
    let reports: Vec<SealReport> = signatures
        .iter()
        .map(|s| verifier.verify_digests(s, &digests, at))
        .collect();
    let summary = summarise(&reports);
    if args.json {
        let named = args
            .signatures
            .iter()
            .zip(&reports)
            .map(|(p, r)| Named {
                signature: p.display().to_string(),
                report: serde_json::from_str(&r.to_json_in(crate::lang()))
                    .expect("a report is JSON"),
            })
            .collect();
        print_out(&format!(
            "{}\n",
            json(&VerifyJson {
                reports: named,
                summary: summary.clone(),
            })?
        ))?;
    } else {
        let mut s = String::new();
        for (p, r) in args.signatures.iter().zip(&reports) {
            s.push_str(&format!("== {}\n", p.display()));
            s.push_str(&r.render(crate::lang()));
            s.push('\n');
        }
        s.push_str(&match crate::lang() {
            elicense::Lang::En => format!(
                "Summary: {}: {} signature(s), {} valid, {} invalid, {} indeterminate\n",
                summary.verdict.as_str(),
                summary.signatures,
                summary.valid,
                summary.invalid,
                summary.indeterminate
            ),
            elicense::Lang::Zh => format!(
                "总结：{}：共 {} 个签章，有效 {} 个，无效 {} 个，无法确定 {} 个\n",
                summary.verdict.message(elicense::Lang::Zh),
                summary.signatures,
                summary.valid,
                summary.invalid,
                summary.indeterminate
            ),
        });
        print_out(&s)?;
    }
    Ok(match summary.verdict {
        Verdict::Valid => ExitCode::SUCCESS,
        v => exit_for(v),
    })
}
