//! # elicense-service
//!
//! An HTTP/1.1 verification service for [`elicense`]: it verifies licence QR
//! texts against a trust bundle and publishes that bundle and the signed
//! status lists inside it. [`router`] builds the [`axum::Router`] from an
//! [`AppState`]; [`serve`] runs it on a listener with the connection limits
//! below, [`serve_until`] until told to stop, then drains it;
//! [`watch_bundle`] reloads the bundle file. `examples/verify_service.rs` is
//! the runnable program:
//!
//! ```sh
//! cargo run -p elicense-service --example verify_service             # demo federation
//! cargo run -p elicense-service --example verify_service -- \
//!     --bundle trust.bundle --anchor federation.cert.pem --listen 0.0.0.0:8080
//! ```
//!
//! ## Endpoints
//!
//! | request | answer |
//! |---|---|
//! | `POST /v1/verify`, body `text/plain` QR text (`EL1:…`; trailing CR/LF ignored) | `200` and the report JSON ([`Report`]), whatever its verdict |
//! | `POST /v1/verify`, body `application/json` `{"qr_text": "EL1:…", "at": 1748736000, "purpose": "business_registration"}` (`at`: Unix seconds, default now; `purpose`: matched against the recognition policy; both optional; no other field) | the same |
//! | `GET /v1/bundle` | `200`, the trust bundle file ([`TrustBundle::to_bytes`]), `application/octet-stream`, with an `ETag`; `304` when `If-None-Match` names it |
//! | `GET /v1/status/{authority}` (18-character unified social credit code) | `200`, the authority's signed status list token (COSE_Sign1), `application/statuslist+cwt` |
//! | `GET /healthz` | `200` when every list in the bundle is fresh, `503` when any is stale; JSON ([`Health`]): sequences, next updates, freshness, reload history |
//!
//! The report's messages (its `message`, each check's `name` and
//! `message`, each warning's `message`) are in English, or in Chinese with
//! `?lang=zh` (`/v1/verify?lang=zh`) or an `Accept-Language` header that
//! prefers Chinese (`zh-CN,zh;q=0.9,en;q=0.8`); `?lang=` wins over the
//! header, and a value other than `zh` or `en` is a `400`
//! (`INVALID_ARGUMENT`). Codes never change with the language.
//!
//! VALID, INVALID and INDETERMINATE are results, all answered with `200`.
//! Every error is JSON, `{"reason": "<CODE>", "message": "…"}`:
//!
//! | status | reason | when |
//! |---|---|---|
//! | 400 | the `DECODE` or `ENVELOPE` check's code, e.g. `QR_PREFIX_INVALID`, `BASE45_INVALID_CHARACTER`, `CBOR_MALFORMED`; the body also has `"report"` | the text is not a licence at all |
//! | 400 | `INVALID_ARGUMENT` | body not UTF-8, not JSON, missing `qr_text`, unknown field, `at` outside 0 ..= [`MAX_AT`] |
//! | 400 | `IDENTIFIER_MALFORMED`, `IDENTIFIER_CHECK_FAILED` | `{authority}` is not a credit code |
//! | 404 | `STATUS_LIST_MISSING` | no status list of that authority in the bundle |
//! | 404 | `HTTP_NOT_FOUND` | unknown path |
//! | 405 | `HTTP_METHOD_NOT_ALLOWED` | e.g. `GET /v1/verify` (the `Allow` header lists the methods) |
//! | 408 | `HTTP_TIMEOUT` | the request took longer than [`REQUEST_TIMEOUT`] (e.g. a slow body) |
//! | 413 | `INPUT_TOO_LARGE` | the verify body is over [`MAX_VERIFY_BODY_BYTES`], by `Content-Length` or while a chunked body is read |
//! | 415 | `HTTP_UNSUPPORTED_MEDIA_TYPE` | verify body without `Content-Type`, or not `text/plain` / `application/json` (UTF-8) |
//!
//! Reason codes are the core's stable [`ReasonCode`]s (`docs/REASONS.md`),
//! plus the `HTTP_…` codes of [`ErrorCode`] for errors of the HTTP layer
//! itself. A QR text within [`MAX_VERIFY_BODY_BYTES`] but over the core's
//! [`MAX_QR_TEXT_LEN`] is a `400` with `INPUT_TOO_LARGE` from the `DECODE`
//! check.
//!
//! ## Limits
//!
//! * Verify bodies: [`MAX_VERIFY_BODY_BYTES`] (8 KiB; the core accepts QR
//!   texts up to [`MAX_QR_TEXT_LEN`], 4,296 characters, the capacity of the
//!   largest QR code). A `Content-Length` over it is refused before the body
//!   is read; a chunked body is cut off as soon as it passes it.
//! * Request headers: [`MAX_HEADER_BYTES`] and [`MAX_HEADERS`] (hyper answers
//!   `431` with an empty body, before any handler runs), read within
//!   [`HEADER_READ_TIMEOUT`] (hyper starts that timer whenever it waits for
//!   a request head, so it also closes idle keep-alive connections);
//!   per-connection buffer [`MAX_BUFFER_BYTES`].
//! * Each request: [`REQUEST_TIMEOUT`] (configurable in [`Config`]), from
//!   routing to the answer, including reading the body.
//! * Connections: at most [`MAX_CONNECTIONS`] at once; further ones wait in
//!   the listener's backlog.
//!
//! Verification is CPU-bound (tens of microseconds) and runs inline on the
//! runtime's worker threads; the request timeout cannot interrupt it, only
//! the I/O around it.
//!
//! ## Reloading the bundle
//!
//! A service started from a file ([`AppState::from_file`]: the bundle file
//! and the pinned federation root it is verified against) reads the file
//! again while it runs. [`watch_bundle`] looks at it every
//! [`Config::reload_interval`] (default [`RELOAD_INTERVAL`], 2 s): a look at
//! an unchanged file is one `stat` (length, modification time, inode); a
//! changed one is read, and contents already merged or refused are not
//! taken again. `SIGHUP` reads the file at once, whatever it looked like
//! ([`AppState::reload`]).
//!
//! The file read is verified against the pinned root
//! ([`TrustBundle::from_bytes`]), then merged into the bundle served with
//! [`TrustBundle::update`]; that is the rollback check:
//!
//! * each list in the file replaces the served one only when it is not
//!   older (sequence number; issue time for status lists); an older list
//!   (`TRUST_LIST_ROLLBACK`), or the same sequence with other bytes
//!   (`TRUST_LIST_CONFLICT`), refuses the whole file;
//! * lists the file lacks stay served, so a file cannot withdraw a
//!   revocation by leaving its status list out; a newer federation list
//!   that drops a region removes that region's lists;
//! * the merged bundle is written and read back once more before it is
//!   served, so `GET /v1/bundle` always serves a file that loads.
//!
//! A bundle that differs from the one served replaces it atomically: a
//! request takes the bundle served when it starts and finishes with it; the
//! requests after it see the new one and the new `ETag`. A file that is
//! refused (unreadable `STORAGE_FAILED`, over [`MAX_BUNDLE_LEN`]
//! `INPUT_TOO_LARGE`, malformed, signed for another federation
//! `TRUST_LIST_SIGNER_INVALID`, a rollback…) changes nothing: the old
//! bundle, its verifier and its `ETag` stay. Every reload and refusal is a
//! line on stderr:
//!
//! ```text
//! elicense-service: bundle reloaded (1 list(s) changed), ETag "sha256-…"
//! elicense-service: bundle reload refused, still serving ETag "sha256-…": trust.bundle is refused against the bundle served: … (rollback) [TRUST_LIST_ROLLBACK]
//! ```
//!
//! and `GET /healthz` shows the time of the last reload and of the last
//! refusal, with its reason code. The rollback check holds while the
//! process runs: a restarted service takes the file as it finds it. Replace
//! the file atomically (a temporary file in the same directory renamed over
//! it, as `elicense bundle update` does): a look that catches a file half
//! written refuses it, and the next look takes the complete one.
//! [`AppState::update_bundle`] merges a bundle given in memory the same way.
//!
//! ## Health
//!
//! `GET /healthz` judges every list at the service's clock
//! ([`Config::clock`]) as the verifier does: the federation list and each
//! region list are stale past their next update plus
//! [`VerifyOptions::trust_list_grace_seconds`] (`TRUST_LIST_STALE` in a
//! report); a status list past its `exp`, `iat + ttl` or the policy's
//! `max_status_age_seconds` ([`StatusListToken::freshness`],
//! `STATUS_LIST_STALE`). It answers `503` when any list is stale, even when
//! a `"warn"` policy still lets licences verify: the bundle needs updating.
//!
//! ```json
//! {"status": "ok", "checked_at": 1748736000, "etag": "\"sha256-…\"",
//!  "bundle_file": "trust.bundle",
//!  "federation": {"sequence": 1, "issued_at": 1748732400, "next_update": 1751328000, "fresh_until": 1751414400, "fresh": true},
//!  "regions": [{"region": "440000", "sequence": 1, "issued_at": 1748732400, "next_update": 1749340800, "fresh_until": 1749427200, "fresh": true}],
//!  "status_lists": [{"authority": "114400000073356321", "issued_at": 1748732400, "freshness": {"state": "fresh", "until": 1748818800}}],
//!  "started_at": 1748736000, "last_reload": null,
//!  "last_refused": {"at": 1748736100, "reason": "TRUST_LIST_ROLLBACK", "message": "…"}}
//! ```
//!
//! A stale status list's `freshness` is
//! `{"state": "stale", "cause": "max_age" | "expired" | "ttl_elapsed", "until": …}`
//! (`until`: the last second it was fresh).
//!
//! ## Stopping
//!
//! [`serve_until`] stops when its `shutdown` future completes
//! ([`shutdown_signal`]: `SIGTERM` or `SIGINT`/Ctrl-C): it closes the
//! listener, lets each request in flight finish and be answered, closes
//! idle keep-alive connections, and returns once every connection is
//! closed, or after [`Config::drain_timeout`] (default [`DRAIN_TIMEOUT`],
//! 30 s) for a client that does not read its answer. The program then exits
//! 0.
//!
//! ## Example
//!
//! ```sh
//! curl -s -H 'Content-Type: text/plain' --data-binary 'EL1:…' http://127.0.0.1:8080/v1/verify
//! curl -s -H 'Content-Type: application/json' \
//!     -d '{"qr_text": "EL1:…", "purpose": "business_registration"}' http://127.0.0.1:8080/v1/verify
//! curl -s -o trust.bundle http://127.0.0.1:8080/v1/bundle
//! curl -s -o status.cwt http://127.0.0.1:8080/v1/status/114400000073356321
//! curl -s http://127.0.0.1:8080/healthz
//! kill -HUP $(pidof verify_service)        # read the bundle file now
//! ```
//!
//! [`MAX_QR_TEXT_LEN`]: elicense::envelope::MAX_QR_TEXT_LEN
//! [`MAX_BUNDLE_LEN`]: elicense::bundle::MAX_BUNDLE_LEN
//! [`VerifyOptions::trust_list_grace_seconds`]: elicense::verify::VerifyOptions::trust_list_grace_seconds
//! [`StatusListToken::freshness`]: elicense::status::StatusListToken::freshness
#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::{Body, Bytes};
use axum::extract::rejection::PathRejection;
use axum::extract::{DefaultBodyLimit, FromRequest, Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use elicense::bundle::TrustBundle;
use elicense::identifiers::CreditCode;
use elicense::pki::PkiError;
use elicense::verify::{CheckKind, Outcome, Report, Verifier, VerifyOptions};
use elicense::{Lang, ReasonCode};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::net::TcpListener;

#[cfg(feature = "demo")]
pub mod demo;
mod health;
mod reload;

pub use health::{Health, StatusListHealth, TrustListHealth};
pub use reload::{watch_bundle, LoadError, Refusal, Reload};

/// Largest `POST /v1/verify` body: 8 KiB, room for the core's largest QR
/// text ([`elicense::envelope::MAX_QR_TEXT_LEN`], 4,296 characters) in JSON.
pub const MAX_VERIFY_BODY_BYTES: usize = 8 * 1024;
/// Largest request head (request line and headers): 16 KiB.
pub const MAX_HEADER_BYTES: usize = 16 * 1024;
/// Most request headers: 64.
pub const MAX_HEADERS: usize = 64;
/// Largest read buffer of one connection: 64 KiB (hyper's default is about 400 KiB).
pub const MAX_BUFFER_BYTES: usize = 64 * 1024;
/// Time allowed to send a request head: 10 seconds.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time allowed for one request, body included: 10 seconds.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Most connections served at once.
pub const MAX_CONNECTIONS: usize = 512;
/// Default interval between two looks at the bundle file: 2 seconds.
pub const RELOAD_INTERVAL: Duration = Duration::from_secs(2);
/// Default time a shutdown waits for the requests in flight: 30 seconds.
pub const DRAIN_TIMEOUT: Duration = Duration::from_secs(30);
/// Latest time a verify request may name (`at`): 9999-12-31T23:59:59Z.
pub const MAX_AT: i64 = elicense::status::MAX_TIME;
/// Media type of `GET /v1/bundle`.
pub const BUNDLE_CONTENT_TYPE: &str = "application/octet-stream";
/// Media type of `GET /v1/status/{authority}`: the IETF Token Status List's
/// CWT form.
pub const STATUS_LIST_CONTENT_TYPE: &str = "application/statuslist+cwt";

/// The `reason` of an error answer: a core [`ReasonCode`], or one of the
/// codes of the HTTP layer itself (spelt with an `HTTP_` prefix, which no
/// core code has).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorCode {
    /// A core reason code.
    Reason(ReasonCode),
    /// `HTTP_NOT_FOUND`: no such path.
    NotFound,
    /// `HTTP_METHOD_NOT_ALLOWED`: the path does not take this method.
    MethodNotAllowed,
    /// `HTTP_UNSUPPORTED_MEDIA_TYPE`: the body's `Content-Type` is missing or not accepted.
    UnsupportedMediaType,
    /// `HTTP_TIMEOUT`: the request took longer than the request timeout.
    Timeout,
    /// `HTTP_INTERNAL_ERROR`: the service failed.
    Internal,
}

impl ErrorCode {
    /// The codes of the HTTP layer.
    pub const HTTP: [ErrorCode; 5] = [
        ErrorCode::NotFound,
        ErrorCode::MethodNotAllowed,
        ErrorCode::UnsupportedMediaType,
        ErrorCode::Timeout,
        ErrorCode::Internal,
    ];

    /// The code as it appears in the `reason` field.
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Reason(r) => r.as_str(),
            ErrorCode::NotFound => "HTTP_NOT_FOUND",
            ErrorCode::MethodNotAllowed => "HTTP_METHOD_NOT_ALLOWED",
            ErrorCode::UnsupportedMediaType => "HTTP_UNSUPPORTED_MEDIA_TYPE",
            ErrorCode::Timeout => "HTTP_TIMEOUT",
            ErrorCode::Internal => "HTTP_INTERNAL_ERROR",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error answer: status, reason code, message and, for a text that is
/// not a licence, the report.
#[derive(Debug)]
struct ApiError {
    status: StatusCode,
    code: ErrorCode,
    message: String,
    /// The report of a text that is not a licence, and the language asked for.
    report: Option<(Box<Report>, Lang)>,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    reason: &'static str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    report: Option<serde_json::Value>,
}

impl ApiError {
    fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            report: None,
        }
    }

    fn invalid(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::Reason(ReasonCode::InvalidArgument),
            message,
        )
    }

    fn too_large() -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::Reason(ReasonCode::InputTooLarge),
            format!("the request body is over the limit of {MAX_VERIFY_BODY_BYTES} bytes"),
        )
    }

    /// The error for a status that axum or a layer produced without a JSON body.
    fn from_status(status: StatusCode) -> Self {
        let code = match status {
            StatusCode::NOT_FOUND => ErrorCode::NotFound,
            StatusCode::METHOD_NOT_ALLOWED => ErrorCode::MethodNotAllowed,
            StatusCode::UNSUPPORTED_MEDIA_TYPE => ErrorCode::UnsupportedMediaType,
            StatusCode::REQUEST_TIMEOUT => ErrorCode::Timeout,
            StatusCode::PAYLOAD_TOO_LARGE => ErrorCode::Reason(ReasonCode::InputTooLarge),
            s if s.is_server_error() => ErrorCode::Internal,
            _ => ErrorCode::Reason(ReasonCode::InvalidArgument),
        };
        let message = match code {
            ErrorCode::NotFound => {
                "no such endpoint: see GET /v1/bundle, GET /v1/status/{authority}, POST /v1/verify, GET /healthz"
                    .into()
            }
            ErrorCode::MethodNotAllowed => {
                "this endpoint does not take this method (see the Allow header)".into()
            }
            _ => status
                .canonical_reason()
                .unwrap_or("the request was refused")
                .to_owned(),
        };
        Self::new(status, code, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::to_string(&ErrorBody {
            reason: self.code.as_str(),
            message: &self.message,
            report: self
                .report
                .as_ref()
                .and_then(|(report, lang)| serde_json::from_str(&report.to_json_in(*lang)).ok()),
        })
        .unwrap_or_else(|_| {
            format!(
                r#"{{"reason":"{}","message":"the error could not be written"}}"#,
                self.code.as_str()
            )
        });
        let mut response = json_response(self.status, body);
        if self.status == StatusCode::PAYLOAD_TOO_LARGE {
            // The rest of the body is not read: the connection cannot be reused.
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
        response
    }
}

fn json_response(status: StatusCode, body: String) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    // Reports name licence holders: nothing on the way should keep them.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Where the time of verification comes from when a request names none.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

/// The system clock, in Unix seconds.
pub fn system_clock() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Settings of the service.
#[derive(Clone)]
pub struct Config {
    /// Time allowed for one request, body included (default [`REQUEST_TIMEOUT`]).
    pub request_timeout: Duration,
    /// Verification options (leeway, trust-list grace). Their `purpose` is
    /// used when a request names none; a request's `purpose` replaces it.
    pub options: VerifyOptions,
    /// The time licences are checked at when a request gives no `at`, and
    /// `GET /healthz` judges freshness at (default [`system_clock`]).
    pub clock: Clock,
    /// How often [`watch_bundle`] looks at the bundle file (default
    /// [`RELOAD_INTERVAL`]); zero turns polling off (`SIGHUP` still reloads).
    pub reload_interval: Duration,
    /// How long [`serve_until`] waits for the requests in flight once told
    /// to stop (default [`DRAIN_TIMEOUT`]).
    pub drain_timeout: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            request_timeout: REQUEST_TIMEOUT,
            options: VerifyOptions::default(),
            clock: Arc::new(system_clock),
            reload_interval: RELOAD_INTERVAL,
            drain_timeout: DRAIN_TIMEOUT,
        }
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("request_timeout", &self.request_timeout)
            .field("options", &self.options)
            .field("reload_interval", &self.reload_interval)
            .field("drain_timeout", &self.drain_timeout)
            .finish_non_exhaustive()
    }
}

/// What one bundle serves: its verifier and its file.
struct Snapshot {
    verifier: Arc<Verifier>,
    bundle_bytes: Bytes,
    etag: HeaderValue,
}

impl Snapshot {
    fn build(bundle: TrustBundle, options: &VerifyOptions) -> Result<Self, PkiError> {
        let bundle_bytes = Bytes::from(bundle.to_bytes());
        let etag = etag_for(&bundle_bytes);
        let verifier = Arc::new(Verifier::from_bundle(bundle)?.with_options(options.clone()));
        Ok(Snapshot {
            verifier,
            bundle_bytes,
            etag,
        })
    }

    fn bundle(&self) -> Option<&TrustBundle> {
        self.verifier.bundle()
    }
}

/// A strong ETag: `"sha256-<hex of the SHA-256 of the bytes>"`.
fn etag_for(bytes: &[u8]) -> HeaderValue {
    let hex: String = Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    HeaderValue::try_from(format!("\"sha256-{hex}\"")).unwrap_or(HeaderValue::from_static("\"\""))
}

/// Whether `If-None-Match` (any of its values) names `etag` or is `*`
/// (weak comparison, RFC 9110 §13.1.2).
fn if_none_match(headers: &HeaderMap, etag: &HeaderValue) -> bool {
    let Ok(etag) = etag.to_str() else {
        return false;
    };
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag)
}

struct Shared {
    current: RwLock<Arc<Snapshot>>,
    config: Config,
    /// The bundle file, for a service started with [`AppState::from_file`].
    source: Option<reload::BundleSource>,
    /// What the bundle file looked like last; its lock serialises reloads.
    seen: Mutex<reload::Seen>,
    /// Reload history, for `GET /healthz`.
    events: Mutex<reload::Events>,
    /// When the state was made (Unix seconds, by the configured clock).
    started_at: i64,
}

/// The service's state: the current trust bundle with its verifiers, and
/// the [`Config`]. Cheap to clone (shared).
#[derive(Clone)]
pub struct AppState {
    shared: Arc<Shared>,
}

impl fmt::Debug for AppState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppState")
            .field("config", &self.shared.config)
            .finish_non_exhaustive()
    }
}

impl AppState {
    /// Serves `bundle` (already verified against its federation root, as
    /// [`TrustBundle::from_bytes`] does) with the default [`Config`].
    pub fn new(bundle: TrustBundle) -> Result<Self, PkiError> {
        Self::with_config(bundle, Config::default())
    }

    /// Serves `bundle` with `config`. Fails when the bundle's federation
    /// list names a root that is not a region root.
    pub fn with_config(bundle: TrustBundle, config: Config) -> Result<Self, PkiError> {
        let snapshot = Snapshot::build(bundle, &config.options)?;
        Ok(Self::from_parts(snapshot, config, None))
    }

    fn from_parts(
        snapshot: Snapshot,
        config: Config,
        source: Option<reload::BundleSource>,
    ) -> Self {
        let started_at = (config.clock)();
        AppState {
            shared: Arc::new(Shared {
                current: RwLock::new(Arc::new(snapshot)),
                config,
                source,
                seen: Mutex::default(),
                events: Mutex::default(),
                started_at,
            }),
        }
    }

    /// Replaces the bundle served, whatever it holds (no rollback check:
    /// [`AppState::update_bundle`] has one); requests already running
    /// finish with the old one.
    pub fn replace_bundle(&self, bundle: TrustBundle) -> Result<(), PkiError> {
        let snapshot = Snapshot::build(bundle, &self.shared.config.options)?;
        self.install(snapshot);
        Ok(())
    }

    /// Serves `snapshot` to every request that starts from now on.
    fn install(&self, snapshot: Snapshot) {
        let snapshot = Arc::new(snapshot);
        let mut current = self
            .shared
            .current
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *current = snapshot;
    }

    /// The `ETag` of the bundle served.
    pub fn bundle_etag(&self) -> String {
        self.snapshot().etag.to_str().unwrap_or_default().to_owned()
    }

    fn snapshot(&self) -> Arc<Snapshot> {
        self.shared
            .current
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }
}

/// The service's routes, with JSON errors for every refusal (including
/// axum's own) and the request timeout.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route(
            "/v1/verify",
            post(verify).layer(DefaultBodyLimit::max(MAX_VERIFY_BODY_BYTES)),
        )
        .route("/v1/bundle", get(bundle))
        .route("/v1/status/{authority}", get(status))
        .route("/healthz", get(health::healthz))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state.clone(), timeout))
        .layer(middleware::map_response(json_errors))
        .with_state(state)
}

/// Serves [`router`] on `listener` until the task is dropped: HTTP/1.1 with
/// keep-alive, [`MAX_HEADER_BYTES`], [`MAX_HEADERS`],
/// [`HEADER_READ_TIMEOUT`], [`MAX_BUFFER_BYTES`] and at most
/// [`MAX_CONNECTIONS`] connections at once. Failed accepts (such as running
/// out of file descriptors) are retried after 50 ms. [`serve_until`] also
/// stops.
pub async fn serve(listener: TcpListener, state: AppState) {
    serve_until(listener, state, std::future::pending::<()>()).await;
}

/// How a shutdown went ([`serve_until`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Drained {
    /// Connections open when the shutdown began.
    pub open: usize,
    /// Connections still open when [`Config::drain_timeout`] ran out (then
    /// dropped).
    pub abandoned: usize,
}

/// Serves as [`serve`] does until `shutdown` completes, then drains: it
/// stops accepting (the listener is closed), lets every request in flight
/// finish and be answered (with `Connection: close`), closes idle
/// keep-alive connections, and returns once all connections are closed, or
/// after [`Config::drain_timeout`].
pub async fn serve_until(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()>,
) -> Drained {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::service::TowerToHyperService;

    let drain_timeout = state.shared.config.drain_timeout;
    let app = router(state);
    let permits = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    let (stop, stopped) = tokio::sync::watch::channel(false);
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break, // the semaphore is never closed
            },
            () = &mut shutdown => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(app.clone());
        let mut stopped = stopped.clone();
        tokio::spawn(async move {
            let mut http = hyper::server::conn::http1::Builder::new();
            http.timer(TokioTimer::new())
                .header_read_timeout(HEADER_READ_TIMEOUT)
                .max_header_size(MAX_HEADER_BYTES)
                .max_headers(MAX_HEADERS)
                .max_buf_size(MAX_BUFFER_BYTES);
            let connection = http.serve_connection(TokioIo::new(stream), service);
            tokio::pin!(connection);
            // A connection's errors (a client gone, a malformed request
            // hyper answered with 400) end that connection only.
            tokio::select! {
                _ = connection.as_mut() => {}
                _ = stopped.changed() => {
                    // Finish the request in flight, then close.
                    connection.as_mut().graceful_shutdown();
                    let _ = connection.await;
                }
            }
            drop(permit);
        });
    }
    drop(listener);
    let open = MAX_CONNECTIONS - permits.available_permits();
    let _ = stop.send(true);
    let all = u32::try_from(MAX_CONNECTIONS).unwrap_or(u32::MAX);
    let abandoned = match tokio::time::timeout(drain_timeout, permits.acquire_many(all)).await {
        Ok(_) => 0,
        Err(_) => MAX_CONNECTIONS - permits.available_permits(),
    };
    Drained { open, abandoned }
}

/// Returns a future that completes on `SIGTERM` or `SIGINT` (Ctrl-C), with
/// the signal's name. The handlers are installed before this returns, so
/// from then on neither signal ends the process by itself.
pub fn shutdown_signal() -> std::io::Result<impl Future<Output = &'static str> + Send> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut term = signal(SignalKind::terminate())?;
        let mut int = signal(SignalKind::interrupt())?;
        Ok(async move {
            tokio::select! {
                _ = term.recv() => "SIGTERM",
                _ = int.recv() => "SIGINT",
            }
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            let _ = tokio::signal::ctrl_c().await;
            "Ctrl-C"
        })
    }
}

/// Answers `408 HTTP_TIMEOUT` when a request takes longer than the configured timeout.
async fn timeout(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let limit = state.shared.config.request_timeout;
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            let mut response = ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                ErrorCode::Timeout,
                format!("the request took longer than {} ms", limit.as_millis()),
            )
            .into_response();
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
            response
        }
    }
}

/// Turns every error answer that is not JSON yet (axum's 404, 405, body
/// rejections) into the JSON error shape, keeping its status and headers.
async fn json_errors(response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes() == b"application/json");
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (parts, _) = response.into_parts();
    let mut fixed = ApiError::from_status(status).into_response();
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            fixed.headers_mut().insert(name.clone(), value.clone());
        }
    }
    fixed
}

async fn not_found() -> ApiError {
    ApiError::from_status(StatusCode::NOT_FOUND)
}

/// The JSON form of a verify request.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct VerifyRequest {
    qr_text: String,
    #[serde(default)]
    at: Option<i64>,
    #[serde(default)]
    purpose: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BodyKind {
    Text,
    Json,
}

/// The kind of verify body, from `Content-Type`: `text/plain` or
/// `application/json`, with no charset or a UTF-8 (or ASCII) one.
fn body_kind(headers: &HeaderMap) -> Result<BodyKind, ApiError> {
    let unsupported = |detail: &str| {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::UnsupportedMediaType,
            format!("{detail}: send text/plain (the QR text) or application/json"),
        )
    };
    let value = headers
        .get(header::CONTENT_TYPE)
        .ok_or_else(|| unsupported("the request has no Content-Type"))?
        .to_str()
        .map_err(|_| unsupported("the Content-Type is not ASCII"))?;
    let mut parts = value.split(';');
    let essence = parts.next().unwrap_or_default().trim();
    let charset_ok = parts.all(|p| match p.split_once('=') {
        Some((name, value)) if name.trim().eq_ignore_ascii_case("charset") => {
            let v = value.trim().trim_matches('"');
            ["utf-8", "utf8", "us-ascii"]
                .iter()
                .any(|c| v.eq_ignore_ascii_case(c))
        }
        _ => true,
    });
    if !charset_ok {
        return Err(unsupported("only the UTF-8 charset is accepted"));
    }
    if essence.eq_ignore_ascii_case("text/plain") {
        Ok(BodyKind::Text)
    } else if essence.eq_ignore_ascii_case("application/json") {
        Ok(BodyKind::Json)
    } else {
        Err(unsupported("the Content-Type is not accepted"))
    }
}

/// `POST /v1/verify`.
async fn verify(State(state): State<AppState>, request: Request) -> Result<Response, ApiError> {
    let kind = body_kind(request.headers())?;
    let lang = request_lang(request.uri().query(), request.headers())?;
    // Refuse a declared length over the limit before reading anything.
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_VERIFY_BODY_BYTES as u64) {
        return Err(ApiError::too_large());
    }
    // Bounded by DefaultBodyLimit: a chunked body fails as soon as it passes it.
    let body = Bytes::from_request(request, &state)
        .await
        .map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::too_large()
            } else {
                ApiError::invalid(format!(
                    "the request body could not be read: {}",
                    rejection.body_text()
                ))
            }
        })?;
    let (text, at, purpose) = match kind {
        BodyKind::Text => {
            let text = std::str::from_utf8(&body)
                .map_err(|e| ApiError::invalid(format!("the body is not UTF-8: {e}")))?;
            // A file sent with curl --data-binary ends with a newline; the
            // Base45 alphabet has a space, so only CR and LF are dropped.
            (text.trim_end_matches(['\r', '\n']).to_owned(), None, None)
        }
        BodyKind::Json => {
            // serde would also read a struct from an array (`["EL1:…"]`).
            if body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
                return Err(ApiError::invalid(
                    "the body is not a JSON object: {\"qr_text\": \"EL1:…\", \"at\"?: seconds, \"purpose\"?: \"…\"}",
                ));
            }
            let r: VerifyRequest = serde_json::from_slice(&body).map_err(|e| {
                ApiError::invalid(format!(
                    "the body is not a verify request ({{\"qr_text\": \"EL1:…\", \"at\"?: seconds, \"purpose\"?: \"…\"}}): {e}"
                ))
            })?;
            (r.qr_text, r.at, r.purpose)
        }
    };
    if let Some(at) = at {
        if !(0..=MAX_AT).contains(&at) {
            return Err(ApiError::invalid(format!(
                "at ({at}) is outside 0 ..= {MAX_AT} (Unix seconds)"
            )));
        }
    }
    let config = &state.shared.config;
    let now = at.unwrap_or_else(|| (config.clock)());
    let snapshot = state.snapshot();
    // A request's purpose replaces the configured one, for this call only.
    let report = match purpose {
        None => snapshot
            .verifier
            .verify_qr(&text, elicense::UnixTime::from_secs(now)),
        Some(purpose) => {
            let options = config.options.clone().with_purpose(Some(purpose));
            snapshot
                .verifier
                .verify_qr_with(&text, elicense::UnixTime::from_secs(now), &options)
        }
    };
    let not_a_licence = [CheckKind::Decode, CheckKind::Envelope]
        .into_iter()
        .filter_map(|kind| report.check(kind))
        .find(|c| c.outcome == Outcome::Fail)
        .map(|c| {
            (
                c.reason,
                format!("not a licence: {} ({})", c.detail, c.check.as_str()),
            )
        });
    if let Some((reason, message)) = not_a_licence {
        return Err(ApiError {
            status: StatusCode::BAD_REQUEST,
            code: ErrorCode::Reason(reason),
            message,
            report: Some((Box::new(report), lang)),
        });
    }
    Ok(json_response(StatusCode::OK, report.to_json_in(lang)))
}

/// The language of a verify request's report: `?lang=zh` or `?lang=en`
/// (another value is refused, `INVALID_ARGUMENT`), otherwise the
/// `Accept-Language` header's preferred one of the two, otherwise English.
fn request_lang(query: Option<&str>, headers: &HeaderMap) -> Result<Lang, ApiError> {
    let asked = query
        .into_iter()
        .flat_map(|q| q.split('&'))
        .filter_map(|pair| pair.strip_prefix("lang="))
        .next_back();
    if let Some(value) = asked {
        return Lang::parse(value)
            .ok_or_else(|| ApiError::invalid(format!("lang={value}: give lang=zh or lang=en")));
    }
    Ok(headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Lang::from_accept_language)
        .unwrap_or_default())
}

/// `GET /v1/bundle`.
async fn bundle(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let snapshot = state.snapshot();
    let mut response = if if_none_match(&headers, &snapshot.etag) {
        let mut r = Response::new(Body::empty());
        *r.status_mut() = StatusCode::NOT_MODIFIED;
        r
    } else {
        let mut r = Response::new(Body::from(snapshot.bundle_bytes.clone()));
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(BUNDLE_CONTENT_TYPE),
        );
        r
    };
    let headers = response.headers_mut();
    headers.insert(header::ETAG, snapshot.etag.clone());
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// `GET /v1/status/{authority}`.
async fn status(
    State(state): State<AppState>,
    authority: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let bad = |reason: ReasonCode, message: String| {
        ApiError::new(StatusCode::BAD_REQUEST, ErrorCode::Reason(reason), message)
    };
    let Path(authority) = authority.map_err(|r| {
        bad(
            ReasonCode::IdentifierMalformed,
            format!("the authority is not a credit code: {}", r.body_text()),
        )
    })?;
    let code = CreditCode::parse(&authority).map_err(|e| {
        bad(
            e.reason(),
            format!("the authority is not a credit code: {e}"),
        )
    })?;
    let snapshot = state.snapshot();
    // A status list belongs to an authority as listed by one region; a
    // credit code listed by two regions names two authorities, and the
    // service does not guess which one is meant.
    let ids: Vec<_> = snapshot
        .bundle()
        .map(|b| b.status_lists_with_code(&code).collect())
        .unwrap_or_default();
    let cose = match ids.as_slice() {
        [id] => snapshot.bundle().and_then(|b| b.status_list_cose(id)),
        [] => None,
        several => {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                ErrorCode::Reason(ReasonCode::TrustListConflict),
                format!(
                    "{} regions list an authority with the credit code {code}",
                    several.len()
                ),
            ))
        }
    };
    let Some(cose) = cose else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            ErrorCode::Reason(ReasonCode::StatusListMissing),
            format!("the trust bundle has no status list of authority {code}"),
        ));
    };
    let mut response = Response::new(Body::from(Bytes::copy_from_slice(cose)));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(STATUS_LIST_CONTENT_TYPE),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_codes_are_not_core_codes() {
        for code in ErrorCode::HTTP {
            assert!(code.as_str().starts_with("HTTP_"), "{code}");
            assert_eq!(ReasonCode::from_str_code(code.as_str()), None, "{code}");
        }
        assert!(ReasonCode::ALL
            .iter()
            .all(|r| !r.as_str().starts_with("HTTP_")));
        assert_eq!(
            ErrorCode::Reason(ReasonCode::InputTooLarge).as_str(),
            "INPUT_TOO_LARGE"
        );
    }

    fn content_type(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_str(value).unwrap());
        h
    }

    #[test]
    fn body_kinds() {
        let kind = |v: &str| body_kind(&content_type(v)).map_err(|e| (e.status, e.code));
        assert_eq!(kind("text/plain"), Ok(BodyKind::Text));
        assert_eq!(kind("Text/Plain; charset=UTF-8"), Ok(BodyKind::Text));
        assert_eq!(kind("application/json"), Ok(BodyKind::Json));
        assert_eq!(
            kind("application/json;charset=\"utf-8\""),
            Ok(BodyKind::Json)
        );
        let refused = Err((
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::UnsupportedMediaType,
        ));
        assert_eq!(kind("text/plain; charset=gbk"), refused);
        assert_eq!(kind("application/x-www-form-urlencoded"), refused);
        assert_eq!(kind("application/jsonx"), refused);
        assert_eq!(
            body_kind(&HeaderMap::new()).map_err(|e| (e.status, e.code)),
            refused
        );
    }

    #[test]
    fn etags_and_if_none_match() {
        let etag = etag_for(b"bundle");
        let s = etag.to_str().unwrap();
        assert!(
            s.starts_with("\"sha256-") && s.ends_with('"') && s.len() == 73,
            "{s}"
        );
        assert_ne!(etag_for(b"other"), etag);
        let matches = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::IF_NONE_MATCH, HeaderValue::from_str(v).unwrap());
            if_none_match(&h, &etag)
        };
        assert!(matches(s));
        assert!(matches(&format!("W/{s}")));
        assert!(matches(&format!("\"x\", {s}")));
        assert!(matches("*"));
        assert!(!matches("\"sha256-00\""));
        assert!(!if_none_match(&HeaderMap::new(), &etag));
    }

    #[test]
    fn error_body_shape() {
        let e = ApiError::from_status(StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(e.code, ErrorCode::MethodNotAllowed);
        let body = serde_json::to_value(ErrorBody {
            reason: e.code.as_str(),
            message: &e.message,
            report: None,
        })
        .unwrap();
        assert_eq!(body["reason"], "HTTP_METHOD_NOT_ALLOWED");
        assert!(body.get("report").is_none());
        assert_eq!(
            ApiError::from_status(StatusCode::PAYLOAD_TOO_LARGE).code,
            ErrorCode::Reason(ReasonCode::InputTooLarge)
        );
        assert_eq!(
            ApiError::from_status(StatusCode::UNPROCESSABLE_ENTITY).code,
            ErrorCode::Reason(ReasonCode::InvalidArgument)
        );
    }
}
