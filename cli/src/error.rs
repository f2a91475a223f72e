//! The one error type every command returns.
//!
//! An error prints as one sentence after `error: `, ending with its stable
//! reason code in brackets, e.g.
//! `error: /tmp/k.pem: the key is not a PKCS#8 PEM Ed25519 private key: … [KEY_INVALID]`.
//! Every error has a code: the library's when it gave one, otherwise
//! `INVALID_ARGUMENT` for what the caller gave (an argument, a file's
//! contents) and `STORAGE_FAILED` for a file or stream that could not be
//! read or written. With `--json` the error is one JSON object on standard
//! error instead, `{"reason": "KEY_INVALID", "message": "…", "reason_message": "…"}`
//! ([`CliError::to_json`]). With `--lang zh` (or a Chinese locale) the line
//! starts with what the code says in Chinese ([`CliError::render`]).
//! It is never printed with `{:?}`.

use std::fmt;
use std::io;
use std::path::Path;

use elicense::{Lang, ReasonCode};

/// A failed command: a sentence for people and its stable reason code.
#[derive(Debug)]
pub struct CliError {
    message: String,
    reason: ReasonCode,
}

impl CliError {
    /// An error in what the caller gave (an argument, a file's contents):
    /// `INVALID_ARGUMENT`.
    pub fn msg(message: impl Into<String>) -> Self {
        CliError::with_reason(message, ReasonCode::InvalidArgument)
    }

    /// A file or stream that could not be read or written: `STORAGE_FAILED`.
    pub fn storage(message: impl Into<String>) -> Self {
        CliError::with_reason(message, ReasonCode::StorageFailed)
    }

    /// An error carrying the library's reason code.
    pub fn with_reason(message: impl Into<String>, reason: ReasonCode) -> Self {
        CliError {
            message: message.into(),
            reason,
        }
    }

    /// A file-system error, naming the path and what was being done:
    /// `STORAGE_FAILED`.
    pub fn io(action: &str, path: &Path, e: &io::Error) -> Self {
        CliError::storage(format!(
            "cannot {action} {}: {}",
            path.display(),
            io_text(e)
        ))
    }

    /// The same error with `what: ` before its sentence, keeping its reason code.
    pub fn within(self, what: impl fmt::Display) -> Self {
        CliError {
            message: format!("{what}: {}", self.message),
            reason: self.reason,
        }
    }

    /// The reason code.
    pub fn reason(&self) -> ReasonCode {
        self.reason
    }

    /// The error as one line of JSON, for `--json`:
    /// `{"reason":"KEY_INVALID","message":"…","reason_message":"…"}` (the
    /// message without the bracketed code; `reason_message`, what the code
    /// says, in `lang`).
    pub fn to_json(&self, lang: Lang) -> String {
        #[derive(serde::Serialize)]
        struct Json<'a> {
            reason: ReasonCode,
            message: &'a str,
            reason_message: &'static str,
        }
        serde_json::to_string(&Json {
            reason: self.reason,
            message: &self.message,
            reason_message: self.reason.message(lang),
        })
        .expect("a reason code and a string always serialize")
    }

    /// The error as the line printed on standard error, in `lang`, ending
    /// with its code in brackets: `error: <sentence> [CODE]` in English;
    /// in Chinese, what the code says comes first,
    /// `错误：密钥无法读取：<sentence> [KEY_INVALID]` (the sentence itself
    /// names files and values, and stays in English).
    pub fn render(&self, lang: Lang) -> String {
        match lang {
            Lang::En => format!("error: {self}"),
            Lang::Zh => format!("错误：{}：{self}", self.reason.message(lang)),
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} [{}]", self.message, self.reason.as_str())
    }
}

/// An I/O error as a short phrase ("No such file or directory"), without
/// the "(os error 2)" suffix.
fn io_text(e: &io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_owned(),
        None => s,
    }
}

/// Adds context to library errors, keeping their reason code.
pub trait Context<T> {
    /// Prefixes the error's sentence with `what: `.
    fn context(self, what: impl fmt::Display) -> Result<T, CliError>;
}

macro_rules! impl_context {
    ($($ty:ty),* $(,)?) => {$(
        impl<T> Context<T> for Result<T, $ty> {
            fn context(self, what: impl fmt::Display) -> Result<T, CliError> {
                self.map_err(|e| CliError::with_reason(format!("{what}: {e}"), e.reason()))
            }
        }
        impl From<$ty> for CliError {
            fn from(e: $ty) -> Self {
                CliError::with_reason(e.to_string(), e.reason())
            }
        }
    )*};
}

impl_context!(
    elicense::alg::KeyError,
    elicense::pki::PkiError,
    elicense::licence::LicenceError,
    elicense::licence::IssueError,
    elicense::identifiers::IdentifierError,
    elicense::envelope::EnvelopeError,
    elicense::qr::QrError,
    elicense::trust::TrustError,
    elicense::status::StatusError,
    elicense::bundle::BundleError,
    elicense::catalogue::CatalogueError,
    elicense::policy::PolicyError,
    elicense::seal::SealError,
    elicense::seal::PictureError,
    elicense::seal::generate::GenerateError,
    elicense_registry::RegistryError,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_ends_with_the_reason_in_brackets() {
        let e = CliError::with_reason("the key is bad", ReasonCode::KeyInvalid);
        assert_eq!(e.to_string(), "the key is bad [KEY_INVALID]");
        assert_eq!(e.render(Lang::En), "error: the key is bad [KEY_INVALID]");
        assert_eq!(
            e.render(Lang::Zh),
            "错误：密钥无法读取：the key is bad [KEY_INVALID]"
        );
        assert_eq!(e.reason(), ReasonCode::KeyInvalid);
        assert_eq!(
            CliError::msg("plain").to_string(),
            "plain [INVALID_ARGUMENT]"
        );
        assert_eq!(
            CliError::storage("disk full").to_string(),
            "disk full [STORAGE_FAILED]"
        );
        assert_eq!(
            CliError::msg("plain").within("a.pem").to_string(),
            "a.pem: plain [INVALID_ARGUMENT]"
        );
    }

    #[test]
    fn json_has_reason_and_message() {
        let e = CliError::with_reason("the key is \"bad\"", ReasonCode::KeyInvalid);
        assert_eq!(
            e.to_json(Lang::En),
            r#"{"reason":"KEY_INVALID","message":"the key is \"bad\"","reason_message":"The key could not be read"}"#
        );
        assert_eq!(
            e.to_json(Lang::Zh),
            r#"{"reason":"KEY_INVALID","message":"the key is \"bad\"","reason_message":"密钥无法读取"}"#
        );
    }

    #[test]
    fn io_error_names_path_without_os_error_suffix() {
        let e = io::Error::from(io::ErrorKind::NotFound);
        let e = CliError::io("read", Path::new("/x/y.pem"), &e);
        assert_eq!(e.reason(), ReasonCode::StorageFailed);
        let s = e.to_string();
        assert!(s.starts_with("cannot read /x/y.pem: "), "{s}");
        assert!(!s.contains("os error"), "{s}");
    }
}
