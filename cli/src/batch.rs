//! `verify-batch`: verify a file of QR texts against a trust bundle, one
//! JSON line per input line and a summary.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use elicense::envelope::{trim_line_ends, MAX_QR_TEXT_LEN};
use elicense::policy::Decision;
use elicense::verify::{Outcome, Report, Verdict, Verifier};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::json;

use crate::error::CliError;
use crate::verify::{bundle_verifier, load_bundle};
use crate::{note, time, VerifyBatchArgs, EXIT_INDETERMINATE, EXIT_INVALID};

/// Lines verified together (and between two progress bar updates).
pub const CHUNK: usize = 256;

/// Bytes of a line kept before it is judged too long: the QR text limit
/// plus room for surrounding whitespace.
const LINE_CAP: usize = MAX_QR_TEXT_LEN + 64;

/// One input line to verify.
#[derive(Debug)]
struct Pending {
    line: u64,
    text: String,
    /// Why the line was not read as it is, if so.
    note: Option<&'static str>,
}

/// Reads one line of at most [`LINE_CAP`] bytes into `buf` (without its
/// `\n`), skipping the rest of a longer line. Returns `None` at the end of
/// the input, else whether the line was cut and how many bytes it took.
fn read_capped<R: BufRead + ?Sized>(
    r: &mut R,
    buf: &mut Vec<u8>,
) -> io::Result<Option<(bool, u64)>> {
    buf.clear();
    let (mut cut, mut consumed, mut any) = (false, 0u64, false);
    loop {
        let available = match r.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok(any.then_some((cut, consumed)));
        }
        any = true;
        let (body, used, done) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (&available[..i], i + 1, true),
            None => (available, available.len(), false),
        };
        let room = LINE_CAP.saturating_sub(buf.len());
        if body.len() > room {
            cut = true;
        }
        buf.extend_from_slice(&body[..body.len().min(room)]);
        r.consume(used);
        consumed += used as u64;
        if done {
            return Ok(Some((cut, consumed)));
        }
    }
}

/// Counts per verdict and reason.
#[derive(Debug, Default)]
pub struct Summary {
    /// Lines verified.
    pub licences: u64,
    /// Blank lines skipped.
    pub blank: u64,
    /// Per verdict: VALID, INVALID, INDETERMINATE.
    pub verdicts: [u64; 3],
    /// Per reason code.
    pub reasons: BTreeMap<&'static str, u64>,
    /// Time taken.
    pub elapsed: Duration,
}

impl Summary {
    fn add(&mut self, r: &Report) {
        self.licences += 1;
        let slot = match r.verdict {
            Verdict::Valid => 0,
            Verdict::Invalid => 1,
            Verdict::Indeterminate => 2,
        };
        self.verdicts[slot] += 1;
        *self.reasons.entry(r.reason.as_str()).or_default() += 1;
    }

    fn rate(&self) -> f64 {
        let s = self.elapsed.as_secs_f64();
        if s > 0.0 {
            self.licences as f64 / s
        } else {
            0.0
        }
    }

    /// The exit status: 3 if any INVALID, else 4 if any INDETERMINATE, else 0.
    pub fn exit_code(&self) -> ExitCode {
        if self.verdicts[1] > 0 {
            ExitCode::from(EXIT_INVALID)
        } else if self.verdicts[2] > 0 {
            ExitCode::from(EXIT_INDETERMINATE)
        } else {
            ExitCode::SUCCESS
        }
    }

    /// The summary as JSON.
    pub fn to_json(&self) -> serde_json::Value {
        json!({
            "licences": self.licences,
            "blank_lines": self.blank,
            "verdicts": {
                "VALID": self.verdicts[0],
                "INVALID": self.verdicts[1],
                "INDETERMINATE": self.verdicts[2],
            },
            "reasons": self.reasons,
            "elapsed_seconds": self.elapsed.as_secs_f64(),
            "licences_per_second": self.rate(),
        })
    }

    /// The summary as text.
    pub fn to_text(&self) -> String {
        let mut s = format!(
            "verified {} licence{} in {:.3} s ({:.0} licences/s)",
            self.licences,
            if self.licences == 1 { "" } else { "s" },
            self.elapsed.as_secs_f64(),
            self.rate()
        );
        if self.blank > 0 {
            s.push_str(&format!(
                "; {} blank line{} skipped",
                self.blank,
                if self.blank == 1 { "" } else { "s" }
            ));
        }
        s.push('\n');
        for (name, n) in ["VALID", "INVALID", "INDETERMINATE"]
            .iter()
            .zip(self.verdicts)
        {
            s.push_str(&format!("  {name:<15}{n}\n"));
        }
        if !self.reasons.is_empty() {
            s.push_str("by reason:\n");
            for (r, n) in &self.reasons {
                s.push_str(&format!("  {r:<30}{n}\n"));
            }
        }
        s
    }
}

/// The JSON line for one report.
fn line_json(line: u64, r: &Report, note: Option<&str>) -> serde_json::Value {
    let failed = r
        .checks
        .iter()
        .find(|c| matches!(c.outcome, Outcome::Fail | Outcome::Indeterminate));
    let detail = failed.map(|c| match note {
        Some(n) => format!("{n}: {}", c.detail),
        None => c.detail.to_string(),
    });
    let (recognised_as, mapped) = match &r.recognition {
        Some(Decision::Recognised { local_type, mapped }) => {
            (Some(local_type.as_str().to_owned()), Some(*mapped))
        }
        _ => (None, None),
    };
    let lang = crate::lang();
    json!({
        "line": line,
        "verdict": r.verdict.as_str(),
        "category": r.category.as_str(),
        "reason": r.reason.as_str(),
        "message": match (r.verdict, lang) {
            (Verdict::Valid, _) => r.headline(lang),
            (_, elicense::Lang::Zh) => format!("{}：{}", r.headline(lang), r.reason.message(lang)),
            (_, elicense::Lang::En) => format!("{}: {}", r.headline(lang), r.reason.message(lang)),
        },
        "check": failed.map(|c| c.check.as_str()),
        "detail": detail,
        "identifier": r.licence.as_ref()
            .and_then(|l| l.identifier.as_ref())
            .map(|i| i.to_string()),
        "status": r.status.map(|s| s.as_str()),
        "recognised_as": recognised_as,
        "mapped": mapped,
    })
}

/// The progress bar, drawn on standard error only when it is a terminal.
fn progress(args: &VerifyBatchArgs, input_len: Option<u64>) -> ProgressBar {
    if args.no_progress || !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::with_draw_target(input_len, ProgressDrawTarget::stderr());
    let template = if input_len.is_some() {
        "{wide_bar} {percent:>3}% {msg} ({elapsed} elapsed, {eta} left)"
    } else {
        "{spinner} {msg} ({elapsed} elapsed)"
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        pb.set_style(style);
    }
    pb
}

/// Verifies one chunk and writes its lines.
fn flush(
    verifier: &Verifier,
    pending: &mut Vec<Pending>,
    now: i64,
    out: &mut dyn Write,
    summary: &mut Summary,
) -> io::Result<()> {
    let texts: Vec<&str> = pending.iter().map(|p| p.text.as_str()).collect();
    // The same reports as `verify_qr` on each text, with the Ed25519
    // signatures checked as batches.
    let reports = verifier.verify_qr_batch(&texts, elicense::UnixTime::from_secs(now));
    for (p, r) in pending.iter().zip(&reports) {
        summary.add(r);
        serde_json::to_writer(&mut *out, &line_json(p.line, r, p.note))?;
        out.write_all(b"\n")?;
    }
    pending.clear();
    Ok(())
}

/// Reads `input`, verifies every non-blank line and writes the JSON lines.
fn run_lines(
    verifier: &Verifier,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
    now: i64,
    pb: &ProgressBar,
    input_name: &Path,
) -> Result<Summary, CliError> {
    let started = Instant::now();
    let mut summary = Summary::default();
    let mut pending: Vec<Pending> = Vec::with_capacity(CHUNK);
    let (mut buf, mut line, mut position) = (Vec::with_capacity(LINE_CAP), 0u64, 0u64);
    let write_err = |e: io::Error| CliError::storage(format!("cannot write the results: {e}"));
    while let Some((cut, used)) =
        read_capped(input, &mut buf).map_err(|e| CliError::io("read", input_name, &e))?
    {
        line += 1;
        position += used;
        let (text, note) = match std::str::from_utf8(&buf) {
            // Only the line end goes (docs/FORMAT.md §2): a space before or
            // after the text is refused for what it is.
            Ok(t) => (trim_line_ends(t).to_owned(), None),
            Err(_) => (
                trim_line_ends(&String::from_utf8_lossy(&buf)).to_owned(),
                Some("the line is not UTF-8 text"),
            ),
        };
        if text.trim().is_empty() && !cut {
            summary.blank += 1;
            continue;
        }
        let (text, note) = if cut {
            // Too long for any QR code: keep only enough for the verifier to
            // refuse it for its length (INPUT_TOO_LARGE).
            let mut t = text;
            let mut end = MAX_QR_TEXT_LEN + 1;
            while end < t.len() && !t.is_char_boundary(end) {
                end += 1;
            }
            t.truncate(end);
            (t, Some("the line is longer than any QR code"))
        } else {
            (text, note)
        };
        pending.push(Pending { line, text, note });
        if pending.len() == CHUNK {
            flush(verifier, &mut pending, now, out, &mut summary).map_err(write_err)?;
            pb.set_position(position);
            pb.set_message(format!("{} licences", summary.licences));
        }
    }
    flush(verifier, &mut pending, now, out, &mut summary).map_err(write_err)?;
    out.flush().map_err(write_err)?;
    summary.elapsed = started.elapsed();
    Ok(summary)
}

/// Whether two paths name one existing file.
fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// `elicense verify-batch`.
pub fn run_verify_batch(args: &VerifyBatchArgs) -> Result<ExitCode, CliError> {
    let bundle = load_bundle(&args.bundle, &args.anchor)?;
    let verifier = bundle_verifier(bundle, &args.bundle, args.leeway, args.purpose.as_deref())?;
    let now = args.at.map_or_else(time::now, Ok)?;

    let stdin = io::stdin();
    let (mut input, len): (Box<dyn BufRead>, Option<u64>) = if args.input == Path::new("-") {
        (Box::new(stdin.lock()), None)
    } else {
        let f = File::open(&args.input).map_err(|e| CliError::io("read", &args.input, &e))?;
        let len = f.metadata().ok().map(|m| m.len());
        (Box::new(BufReader::with_capacity(1 << 16, f)), len)
    };
    if let Some(o) = &args.out {
        if same_file(o, &args.input) {
            return Err(CliError::msg(format!(
                "--out {} is the input file; write the results elsewhere",
                o.display()
            )));
        }
    }
    let mut out: Box<dyn Write> = match &args.out {
        Some(p) => Box::new(BufWriter::new(
            File::create(p).map_err(|e| CliError::io("create", p, &e))?,
        )),
        None => Box::new(BufWriter::new(io::stdout().lock())),
    };
    let pb = progress(args, len);
    let result = run_lines(&verifier, &mut *input, &mut *out, now, &pb, &args.input);
    pb.finish_and_clear();
    let summary = result?;
    if args.json {
        note!("{}", summary.to_json());
    } else {
        let text = summary.to_text();
        note!("{}", text.trim_end());
    }
    if summary.licences == 0 {
        note!("note: {} holds no QR text", args.input.display());
    }
    Ok(summary.exit_code())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8]) -> Vec<(Vec<u8>, bool)> {
        let mut r = io::Cursor::new(input.to_vec());
        let mut buf = Vec::new();
        let mut out = Vec::new();
        while let Some((cut, _)) = read_capped(&mut r, &mut buf).unwrap() {
            out.push((buf.clone(), cut));
        }
        out
    }

    #[test]
    fn lines_are_split_and_capped() {
        assert_eq!(
            lines(b"a\n\nb\r\nc"),
            vec![
                (b"a".to_vec(), false),
                (b"".to_vec(), false),
                (b"b\r".to_vec(), false),
                (b"c".to_vec(), false)
            ]
        );
        let mut long = vec![b'x'; LINE_CAP + 10];
        long.extend_from_slice(b"\nnext\n");
        let got = lines(&long);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].0.len(), LINE_CAP);
        assert!(got[0].1);
        assert_eq!(got[1], (b"next".to_vec(), false));
        assert!(lines(b"").is_empty());
    }

    #[test]
    fn exit_code_follows_the_worst_verdict() {
        let mut s = Summary::default();
        assert_eq!(s.exit_code(), ExitCode::SUCCESS);
        s.verdicts = [3, 0, 1];
        assert_eq!(s.exit_code(), ExitCode::from(EXIT_INDETERMINATE));
        s.verdicts = [3, 1, 1];
        assert_eq!(s.exit_code(), ExitCode::from(EXIT_INVALID));
        assert!(s.to_text().contains("INDETERMINATE  1"));
    }
}
