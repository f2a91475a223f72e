//! Reloading the trust bundle while the service runs: reading the file
//! ([`AppState::from_file`], [`AppState::reload`],
//! [`AppState::reload_if_changed`]), merging it into the bundle served with
//! the rollback check ([`AppState::update_bundle`]), and [`watch_bundle`].
//! The rules are in the crate documentation ("Reloading the bundle").

use std::fs::File;
use std::future::Future;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use elicense::bundle::{TrustBundle, MAX_BUNDLE_LEN};
use elicense::pki::Certificate;
use elicense::ReasonCode;
use sha2::{Digest, Sha256};

use crate::{AppState, Config, Snapshot};

/// A bundle that could not be loaded or was refused: its reason code and
/// what happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadError {
    /// The stable reason code: the core's code for a refused bundle (e.g.
    /// `TRUST_LIST_ROLLBACK`, `TRUST_LIST_SIGNER_INVALID`, `CBOR_MALFORMED`),
    /// `STORAGE_FAILED` when the file cannot be read, `INPUT_TOO_LARGE`
    /// when it is over [`MAX_BUNDLE_LEN`], `INVALID_ARGUMENT` when the
    /// service has no bundle file.
    pub reason: ReasonCode,
    /// What happened, naming the file.
    pub message: String,
}

impl LoadError {
    fn new(reason: ReasonCode, message: impl Into<String>) -> Self {
        LoadError {
            reason,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} [{}]", self.message, self.reason)
    }
}

impl std::error::Error for LoadError {}

/// What a reload did.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reload {
    /// Nothing in the file is newer than the bundle served: it stays.
    Unchanged,
    /// The bundle served was replaced.
    Replaced {
        /// How many lists changed (federation, region and status lists).
        lists_changed: usize,
        /// The new bundle's `ETag`.
        etag: String,
    },
}

/// A bundle file and the federation root it is verified against.
pub(crate) struct BundleSource {
    pub(crate) path: PathBuf,
    pub(crate) anchor: Certificate,
}

/// What identifies a version of the file without reading it. Writing the
/// file changes its modification time; renaming another file over it also
/// changes its inode.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FileStamp {
    len: u64,
    modified: Option<SystemTime>,
    #[cfg(unix)]
    inode: (u64, u64, i64, i64),
}

impl FileStamp {
    fn of(meta: &std::fs::Metadata) -> Self {
        #[cfg(unix)]
        use std::os::unix::fs::MetadataExt;
        FileStamp {
            len: meta.len(),
            modified: meta.modified().ok(),
            #[cfg(unix)]
            inode: (meta.dev(), meta.ino(), meta.ctime(), meta.ctime_nsec()),
        }
    }
}

/// The file as last looked at, and what became of its contents.
#[derive(Default)]
pub(crate) struct Seen {
    /// The file's stamp at the last look; `None` when it could not be read.
    stamp: Option<FileStamp>,
    /// The last look could not read the file (reported once).
    unreadable: bool,
    /// SHA-256 of the contents last merged (or loaded at the start).
    merged: Option<[u8; 32]>,
    /// SHA-256 of the contents last refused (reported once by polls).
    refused: Option<[u8; 32]>,
}

/// A refused reload, for `GET /healthz`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Refusal {
    /// When (Unix seconds, by [`Config::clock`]).
    pub at: i64,
    /// The reason code.
    pub reason: ReasonCode,
    /// What was refused and why.
    pub message: String,
}

/// The reload history shown by `GET /healthz`.
#[derive(Clone, Debug, Default)]
pub(crate) struct Events {
    pub(crate) last_reload: Option<i64>,
    pub(crate) last_refused: Option<Refusal>,
}

fn storage(path: &Path, what: &str, e: &std::io::Error) -> LoadError {
    LoadError::new(
        ReasonCode::StorageFailed,
        format!("cannot {what} {}: {e}", path.display()),
    )
}

fn no_file() -> LoadError {
    LoadError::new(
        ReasonCode::InvalidArgument,
        "the service was not started from a bundle file: nothing to reload",
    )
}

/// Reads the bundle file, at most [`MAX_BUNDLE_LEN`] bytes; the stamp is
/// that of the file opened (which a rename over the path does not change).
fn read_file(path: &Path) -> Result<(Vec<u8>, FileStamp), LoadError> {
    // Opening a FIFO would wait for a writer.
    let kind = std::fs::metadata(path).map_err(|e| storage(path, "open", &e))?;
    if !kind.is_file() {
        return Err(LoadError::new(
            ReasonCode::StorageFailed,
            format!("{} is not a regular file", path.display()),
        ));
    }
    let file = File::open(path).map_err(|e| storage(path, "open", &e))?;
    let meta = file.metadata().map_err(|e| storage(path, "read", &e))?;
    let too_large = |len: u64| {
        LoadError::new(
            ReasonCode::InputTooLarge,
            format!(
                "{}: {len} bytes, over the limit of {MAX_BUNDLE_LEN}",
                path.display()
            ),
        )
    };
    if meta.len() > MAX_BUNDLE_LEN as u64 {
        return Err(too_large(meta.len()));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(MAX_BUNDLE_LEN as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| storage(path, "read", &e))?;
    if bytes.len() > MAX_BUNDLE_LEN {
        return Err(too_large(bytes.len() as u64));
    }
    Ok((bytes, FileStamp::of(&meta)))
}

/// Verifies a bundle file at `now` (the service's clock: a status list dated
/// beyond it is refused).
fn verify_file(bytes: &[u8], source: &BundleSource, now: i64) -> Result<TrustBundle, LoadError> {
    TrustBundle::from_bytes(
        bytes,
        source.anchor.clone(),
        elicense::UnixTime::from_secs(now),
    )
    .map_err(|e| {
        LoadError::new(
            e.reason(),
            format!("{} is refused: {e}", source.path.display()),
        )
    })
}

impl AppState {
    /// Serves the bundle file at `path`, verified against the pinned
    /// federation root `anchor`, with `config`; [`AppState::reload`],
    /// [`AppState::reload_if_changed`] and [`watch_bundle`] read it again.
    pub fn from_file(
        path: impl Into<PathBuf>,
        anchor: Certificate,
        config: Config,
    ) -> Result<Self, LoadError> {
        let source = BundleSource {
            path: path.into(),
            anchor,
        };
        let (bytes, stamp) = read_file(&source.path)?;
        let bundle = verify_file(&bytes, &source, (config.clock)())?;
        let snapshot = Snapshot::build(bundle, &config.options)
            .map_err(|e| LoadError::new(e.reason(), format!("{}: {e}", source.path.display())))?;
        let state = AppState::from_parts(snapshot, config, Some(source));
        *state.seen() = Seen {
            stamp: Some(stamp),
            merged: Some(Sha256::digest(&bytes).into()),
            ..Seen::default()
        };
        Ok(state)
    }

    /// The bundle file served, if the service was started from one.
    pub fn bundle_path(&self) -> Option<&Path> {
        self.shared.source.as_ref().map(|s| s.path.as_path())
    }

    /// Merges `newer` into the bundle served with [`TrustBundle::update`]
    /// (rollback refused) and serves the result when it differs. On `Err`
    /// nothing changes; the refusal is kept for `GET /healthz`.
    pub fn update_bundle(&self, newer: &TrustBundle) -> Result<Reload, LoadError> {
        let _serialised = self.seen();
        let result = self.merge(newer);
        self.record(&result);
        result
    }

    /// Reads the bundle file now and merges it as
    /// [`AppState::update_bundle`] does. On `Err` the bundle served stays.
    pub fn reload(&self) -> Result<Reload, LoadError> {
        if self.shared.source.is_none() {
            return Err(no_file());
        }
        let mut seen = self.seen();
        let result = self
            .read_and_merge(&mut seen, true)
            .unwrap_or(Ok(Reload::Unchanged));
        self.record(&result);
        result
    }

    /// Like [`AppState::reload`], but only when the file changed since it
    /// was last looked at: `None` when its length, modification time and
    /// inode are the same, or its contents (SHA-256) are those merged or
    /// refused last time. A file that cannot be read is reported once,
    /// until it can be read again.
    pub fn reload_if_changed(&self) -> Option<Result<Reload, LoadError>> {
        let source = self.shared.source.as_ref()?;
        let mut seen = self.seen();
        match std::fs::metadata(&source.path) {
            Ok(meta) if seen.stamp.as_ref() == Some(&FileStamp::of(&meta)) => return None,
            Err(_) if seen.unreadable => return None,
            _ => {}
        }
        let result = self.read_and_merge(&mut seen, false)?;
        self.record(&result);
        Some(result)
    }

    fn seen(&self) -> std::sync::MutexGuard<'_, Seen> {
        self.shared
            .seen
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Reads the file and merges it, remembering what was read. Unless
    /// `force`, contents already merged or refused give `None`.
    fn read_and_merge(&self, seen: &mut Seen, force: bool) -> Option<Result<Reload, LoadError>> {
        let Some(source) = &self.shared.source else {
            return Some(Err(no_file()));
        };
        let (bytes, stamp) = match read_file(&source.path) {
            Ok(read) => read,
            Err(e) => {
                seen.stamp = None;
                seen.unreadable = true;
                return Some(Err(e));
            }
        };
        seen.stamp = Some(stamp);
        seen.unreadable = false;
        let digest: [u8; 32] = Sha256::digest(&bytes).into();
        if seen.merged == Some(digest) {
            return force.then_some(Ok(Reload::Unchanged));
        }
        if seen.refused == Some(digest) && !force {
            return None;
        }
        let now = (self.shared.config.clock)();
        let result = verify_file(&bytes, source, now).and_then(|newer| self.merge(&newer));
        if result.is_ok() {
            (seen.merged, seen.refused) = (Some(digest), None);
        } else {
            seen.refused = Some(digest);
        }
        Some(result)
    }

    /// Merges `newer` into the bundle served; replaces the snapshot when the
    /// result differs. The caller holds the `seen` lock, which serialises
    /// merges.
    fn merge(&self, newer: &TrustBundle) -> Result<Reload, LoadError> {
        let served = self.snapshot();
        let Some(current) = served.bundle() else {
            return Err(LoadError::new(
                ReasonCode::InvalidArgument,
                "the service was not started from a trust bundle",
            ));
        };
        let what = match &self.shared.source {
            Some(s) => s.path.display().to_string(),
            None => "the new bundle".into(),
        };
        let now = (self.shared.config.clock)();
        let mut merged = current.clone();
        let summary = merged
            .update(newer, elicense::UnixTime::from_secs(now))
            .map_err(|e| {
                LoadError::new(
                    e.reason(),
                    format!("{what} is refused against the bundle served: {e}"),
                )
            })?;
        for d in &summary.dropped {
            eprintln!(
                "elicense-service: the status list of {} leaves the bundle: {} [{}]",
                d.authority, d.detail, d.reason
            );
        }
        let lists_changed = summary.changed;
        let bytes = merged.to_bytes();
        if bytes == served.bundle_bytes {
            return Ok(Reload::Unchanged);
        }
        // What GET /v1/bundle will serve must load as a client loads it.
        let merged = TrustBundle::from_bytes(
            &bytes,
            current.anchor().clone(),
            elicense::UnixTime::from_secs(now),
        )
        .map_err(|e| {
            LoadError::new(
                e.reason(),
                format!("{what} merged into the bundle served would not load: {e}"),
            )
        })?;
        let snapshot = Snapshot::build(merged, &self.shared.config.options)
            .map_err(|e| LoadError::new(e.reason(), format!("{what} cannot be served: {e}")))?;
        let etag = snapshot.etag.to_str().unwrap_or_default().to_owned();
        self.install(snapshot);
        Ok(Reload::Replaced {
            lists_changed,
            etag,
        })
    }

    /// Keeps the time of a replacement or of a refusal for `GET /healthz`.
    fn record(&self, result: &Result<Reload, LoadError>) {
        let now = (self.shared.config.clock)();
        let mut events = self
            .shared
            .events
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match result {
            Ok(Reload::Replaced { .. }) => events.last_reload = Some(now),
            Ok(Reload::Unchanged) => {}
            Err(e) => {
                events.last_refused = Some(Refusal {
                    at: now,
                    reason: e.reason,
                    message: e.message.clone(),
                });
            }
        }
    }
}

/// Writes a reload's outcome to stderr, one line.
fn log(state: &AppState, result: &Result<Reload, LoadError>) {
    match result {
        Ok(Reload::Unchanged) => eprintln!("elicense-service: bundle reload: nothing newer"),
        Ok(Reload::Replaced {
            lists_changed,
            etag,
        }) => eprintln!(
            "elicense-service: bundle reloaded ({lists_changed} list(s) changed), ETag {etag}"
        ),
        Err(e) => eprintln!(
            "elicense-service: bundle reload refused, still serving ETag {}: {} [{}]",
            state.bundle_etag(),
            e.message,
            e.reason
        ),
    }
}

/// Runs a blocking reload off the runtime's worker threads (verifying a
/// large bundle takes a while).
async fn blocking<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&AppState) -> T + Send + 'static,
) -> Option<T> {
    let state = state.clone();
    tokio::task::spawn_blocking(move || f(&state)).await.ok()
}

/// Returns a task that keeps the bundle file fresh: it polls the file every
/// [`Config::reload_interval`] ([`AppState::reload_if_changed`]; a zero
/// interval turns polling off) and reloads it on `SIGHUP`
/// ([`AppState::reload`]), logging every reload and refusal to stderr. The
/// `SIGHUP` handler is installed before this returns, so the signal never
/// ends the process once it has. A service without a bundle file logs that
/// there is nothing to reload. The task runs until dropped.
pub fn watch_bundle(state: AppState) -> std::io::Result<impl Future<Output = ()> + Send> {
    #[cfg(unix)]
    let mut hangup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())?;
    let interval = state.shared.config.reload_interval;
    Ok(async move {
        let mut ticks = (!interval.is_zero() && state.shared.source.is_some()).then(|| {
            let mut t = tokio::time::interval(interval);
            t.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            t
        });
        loop {
            let tick = async {
                match &mut ticks {
                    Some(t) => {
                        t.tick().await;
                    }
                    None => std::future::pending().await,
                }
            };
            #[cfg(unix)]
            let hup = hangup.recv();
            #[cfg(not(unix))]
            let hup = std::future::pending::<Option<()>>();
            tokio::select! {
                () = tick => {
                    if let Some(Some(result)) = blocking(&state, AppState::reload_if_changed).await {
                        log(&state, &result);
                    }
                }
                signal = hup => {
                    if signal.is_none() {
                        return;
                    }
                    if state.shared.source.is_none() {
                        eprintln!("elicense-service: SIGHUP: no bundle file to reload");
                        continue;
                    }
                    eprintln!("elicense-service: SIGHUP: reloading {}",
                        state.bundle_path().map(|p| p.display().to_string()).unwrap_or_default());
                    if let Some(result) = blocking(&state, AppState::reload).await {
                        log(&state, &result);
                    }
                }
            }
        }
    })
}
