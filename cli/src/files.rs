//! Reading and writing the files the commands use.
//!
//! Private keys are written with mode 0600 from the moment the file exists
//! (`O_CREAT | O_EXCL` with that mode, never a chmod afterwards), and an
//! existing key file is replaced only when asked, by renaming a fresh 0600
//! file over it.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use elicense::alg::SecretKey;
use elicense::pki::Certificate;
use zeroize::Zeroizing;

use crate::error::{CliError, Context};

/// Largest key, certificate or QR text file read (far above any real one).
pub const MAX_TEXT_FILE: u64 = 1024 * 1024;
/// Largest image file read.
pub const MAX_IMAGE_FILE: u64 = 64 * 1024 * 1024;

/// Reads at most `limit` bytes of `path` (or standard input for `-`).
pub fn read_bytes(path: &Path, limit: u64) -> Result<Vec<u8>, CliError> {
    let mut buf = Vec::new();
    let res = if path == Path::new("-") {
        io::stdin().lock().take(limit + 1).read_to_end(&mut buf)
    } else {
        File::open(path).and_then(|f| f.take(limit + 1).read_to_end(&mut buf))
    };
    res.map_err(|e| CliError::io("read", path, &e))?;
    if buf.len() as u64 > limit {
        return Err(CliError::with_reason(
            format!(
                "{} is larger than {limit} bytes; it is not a file this command reads",
                path.display()
            ),
            elicense::ReasonCode::InputTooLarge,
        ));
    }
    Ok(buf)
}

/// Reads a UTF-8 text file (or standard input for `-`).
pub fn read_text(path: &Path) -> Result<String, CliError> {
    let bytes = read_bytes(path, MAX_TEXT_FILE)?;
    String::from_utf8(bytes)
        .map_err(|_| CliError::msg(format!("{} is not UTF-8 text", path.display())))
}

/// Loads a PKCS#8 PEM Ed25519 private key, warning on stderr when the file
/// is readable by others.
pub fn load_key(path: &Path) -> Result<SecretKey, CliError> {
    let pem = Zeroizing::new(read_text(path)?);
    let key = SecretKey::from_pkcs8_pem(&pem).context(path.display())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = fs::metadata(path) {
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                crate::note!(
                    "warning: the private key {} is readable by other users (mode {mode:04o}); \
                     run `chmod 600` on it",
                    path.display()
                );
            }
        }
    }
    Ok(key)
}

/// Loads exactly one certificate.
pub fn load_cert(path: &Path) -> Result<Certificate, CliError> {
    let mut certs = load_certs(path)?;
    if certs.len() > 1 {
        return Err(CliError::msg(format!(
            "{} holds {} certificates; give a file with exactly one",
            path.display(),
            certs.len()
        )));
    }
    Ok(certs.remove(0))
}

/// Loads every certificate of a PEM file (at least one).
pub fn load_certs(path: &Path) -> Result<Vec<Certificate>, CliError> {
    let pem = read_text(path)?;
    let certs = Certificate::all_from_pem(&pem).context(path.display())?;
    if certs.is_empty() {
        return Err(CliError::msg(format!(
            "{} holds no PEM certificate",
            path.display()
        )));
    }
    Ok(certs)
}

/// Creates `dir` (and its parents) if needed.
pub fn ensure_dir(dir: &Path) -> Result<(), CliError> {
    fs::create_dir_all(dir).map_err(|e| CliError::io("create the directory", dir, &e))
}

/// Refuses to go on when `path` exists and `force` is not set.
pub fn refuse_existing(path: &Path, force: bool) -> Result<(), CliError> {
    if !force && fs::symlink_metadata(path).is_ok() {
        return Err(CliError::msg(format!(
            "{} already exists; refusing to overwrite it (use --force to replace it)",
            path.display()
        )));
    }
    Ok(())
}

/// Writes a private key file with mode 0600.
///
/// Without `force` the file is created with `O_EXCL`, so an existing file
/// (or symlink) is never touched. With `force` a fresh 0600 file is written
/// beside it and renamed over it.
pub fn write_secret(path: &Path, contents: &[u8], force: bool) -> Result<(), CliError> {
    if !force {
        let file = match create_private(path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                return Err(CliError::msg(format!(
                    "{} already exists; refusing to overwrite a key file (use --force to replace it)",
                    path.display()
                )))
            }
            Err(e) => return Err(CliError::io("create", path, &e)),
        };
        return fill(file, path, contents).inspect_err(|_| {
            let _ = fs::remove_file(path);
        });
    }
    let tmp = temp_sibling(path);
    let file = create_private(&tmp).map_err(|e| CliError::io("create", &tmp, &e))?;
    let res = fill(file, &tmp, contents)
        .and_then(|()| fs::rename(&tmp, path).map_err(|e| CliError::io("replace", path, &e)));
    if res.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    res
}

/// Writes a public file (certificate, QR text, image), replacing any old one.
pub fn write_public(path: &Path, contents: &[u8]) -> Result<(), CliError> {
    fs::write(path, contents).map_err(|e| CliError::io("write", path, &e))
}

/// Writes a public file atomically: a temporary file in the same directory,
/// synced, then renamed over `path`, so a reader sees the old file or the
/// new one, never a part. A file replaced keeps its permissions; a new one
/// is readable by all (0644).
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<(), CliError> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".elicense-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| CliError::io("create a temporary file in", dir, &e))?;
    tmp.write_all(contents)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| CliError::io("write", tmp.path(), &e))?;
    let perms = match fs::metadata(path) {
        Ok(m) => Some(m.permissions()),
        #[cfg(unix)]
        Err(_) => {
            use std::os::unix::fs::PermissionsExt;
            Some(fs::Permissions::from_mode(0o644))
        }
        #[cfg(not(unix))]
        Err(_) => None,
    };
    if let Some(p) = perms {
        fs::set_permissions(tmp.path(), p)
            .map_err(|e| CliError::io("set the mode of", path, &e))?;
    }
    tmp.persist(path)
        .map_err(|e| CliError::io("replace", path, &e.error))?;
    Ok(())
}

/// Reads a signed list (trust list or status list: COSE_Sign1 bytes, at
/// most [`elicense::envelope::MAX_LIST_LEN`]). A file holding a licence's
/// `EL2:` QR text is decoded to its COSE bytes, so that offering a licence
/// where a list is expected is refused for what it is (`COSE_TYP_MISMATCH`).
pub fn read_signed(path: &Path) -> Result<Vec<u8>, CliError> {
    let bytes = read_bytes(path, elicense::envelope::MAX_LIST_LEN as u64)?;
    let prefix = elicense::envelope::QR_PREFIX.as_bytes();
    if bytes.starts_with(prefix) {
        let text = std::str::from_utf8(&bytes)
            .map_err(|_| CliError::msg(format!("{} is not UTF-8 text", path.display())))?;
        let text = elicense::envelope::trim_line_ends(text);
        return elicense::envelope::from_qr_text(text).context(path.display());
    }
    Ok(bytes)
}

fn create_private(path: &Path) -> io::Result<File> {
    let mut opts = OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path)
}

fn fill(mut file: File, path: &Path, contents: &[u8]) -> Result<(), CliError> {
    file.write_all(contents)
        .and_then(|()| file.sync_all())
        .map_err(|e| CliError::io("write", path, &e))
}

fn temp_sibling(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn secret_is_0600_and_not_overwritten_without_force() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("k.pem");
        write_secret(&p, b"one", false).unwrap();
        assert_eq!(
            fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o600
        );
        let e = write_secret(&p, b"two", false).unwrap_err().to_string();
        assert!(e.contains("--force"), "{e}");
        assert_eq!(fs::read(&p).unwrap(), b"one");
        // A world-readable old file is replaced by a 0600 one.
        fs::set_permissions(&p, fs::Permissions::from_mode(0o644)).unwrap();
        write_secret(&p, b"three", true).unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"three");
        assert_eq!(
            fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o600
        );
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temp file left"
        );
    }

    #[test]
    fn read_limit_is_enforced() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big");
        fs::write(&p, vec![b'a'; 11]).unwrap();
        assert!(read_bytes(&p, 10).is_err());
        assert_eq!(read_bytes(&p, 11).unwrap().len(), 11);
    }
}
