//! The one error type every command returns.
//!
//! An error prints as one sentence after `error: `, with the library's
//! stable reason code in brackets when there is one, e.g.
//! `error: /tmp/k.pem: the key is not a PKCS#8 PEM Ed25519 private key: … [KEY_INVALID]`.
//! It is never printed with `{:?}`.

use std::fmt;
use std::io;
use std::path::Path;

use elicense::ReasonCode;

/// A failed command: a sentence for people and, when the library gave one,
/// its stable reason code.
#[derive(Debug)]
pub struct CliError {
    message: String,
    reason: Option<ReasonCode>,
}

impl CliError {
    /// An error with no reason code.
    pub fn msg(message: impl Into<String>) -> Self {
        CliError {
            message: message.into(),
            reason: None,
        }
    }

    /// An error carrying the library's reason code.
    pub fn with_reason(message: impl Into<String>, reason: ReasonCode) -> Self {
        CliError {
            message: message.into(),
            reason: Some(reason),
        }
    }

    /// A file-system error, naming the path and what was being done.
    pub fn io(action: &str, path: &Path, e: &io::Error) -> Self {
        CliError::msg(format!(
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

    /// The reason code, if any.
    #[cfg(test)]
    pub fn reason(&self) -> Option<ReasonCode> {
        self.reason
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(r) = self.reason {
            write!(f, " [{}]", r.as_str())?;
        }
        Ok(())
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
    elicense::keys::KeyError,
    elicense::pki::PkiError,
    elicense::licence::LicenceError,
    elicense::licence::IssueError,
    elicense::identifiers::IdentifierError,
    elicense::envelope::EnvelopeError,
    elicense::qr::QrError,
    elicense::trust::TrustError,
    elicense::status::StatusError,
    elicense::bundle::BundleError,
    elicense::policy::PolicyError,
    elicense_registry::RegistryError,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_has_reason_in_brackets() {
        let e = CliError::with_reason("the key is bad", ReasonCode::KeyInvalid);
        assert_eq!(e.to_string(), "the key is bad [KEY_INVALID]");
        assert_eq!(e.reason(), Some(ReasonCode::KeyInvalid));
        assert_eq!(CliError::msg("plain").to_string(), "plain");
    }

    #[test]
    fn io_error_names_path_without_os_error_suffix() {
        let e = io::Error::from(io::ErrorKind::NotFound);
        let s = CliError::io("read", Path::new("/x/y.pem"), &e).to_string();
        assert!(s.starts_with("cannot read /x/y.pem: "), "{s}");
        assert!(!s.contains("os error"), "{s}");
    }
}
