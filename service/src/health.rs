//! `GET /healthz`: the bundle served, how fresh each of its lists is, and
//! the reload history. The staleness rules are in the crate documentation
//! ("Health").

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use elicense::status::Freshness;
use elicense::trust::check_fresh;
use serde::Serialize;

use crate::reload::Refusal;
use crate::{json_response, AppState};

/// A trust list's state in [`Health`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TrustListHealth {
    /// The region (`null` for the federation list).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Its sequence number.
    pub sequence: u64,
    /// When it was issued (Unix seconds).
    pub issued_at: i64,
    /// When the next list is due (Unix seconds).
    pub next_update: i64,
    /// The last second it is used: `next_update` plus the grace period.
    pub fresh_until: i64,
    /// Whether it is fresh now.
    pub fresh: bool,
}

/// A status list's state in [`Health`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StatusListHealth {
    /// The authority's unified social credit code.
    pub authority: String,
    /// The region whose trust list names the authority (a status list
    /// speaks for the authority as that region lists it).
    pub region: String,
    /// When it was issued (`iat`, Unix seconds).
    pub issued_at: i64,
    /// Its freshness now: `{"state": "fresh", "until": …}` or
    /// `{"state": "stale", "cause": "max_age" | "expired" | "ttl_elapsed", "until": …}`.
    pub freshness: Freshness,
}

/// The answer of `GET /healthz`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Health {
    /// `"ok"` when every list is fresh, `"stale"` otherwise (answered with `503`).
    pub status: &'static str,
    /// The time the lists were judged at (Unix seconds, [`crate::Config::clock`]).
    pub checked_at: i64,
    /// The `ETag` of `GET /v1/bundle`.
    pub etag: String,
    /// The bundle file, when the service was started from one.
    pub bundle_file: Option<String>,
    /// The federation trust list.
    pub federation: TrustListHealth,
    /// The region trust lists, by region code.
    pub regions: Vec<TrustListHealth>,
    /// The status lists, by authority.
    pub status_lists: Vec<StatusListHealth>,
    /// When the service started serving (Unix seconds).
    pub started_at: i64,
    /// When a reload last replaced the bundle, if ever.
    pub last_reload: Option<i64>,
    /// The last refused reload, if any: time, reason code and message.
    pub last_refused: Option<Refusal>,
}

impl Health {
    /// Whether every list is fresh.
    pub fn is_fresh(&self) -> bool {
        self.federation.fresh
            && self.regions.iter().all(|r| r.fresh)
            && self.status_lists.iter().all(|s| s.freshness.is_fresh())
    }
}

impl AppState {
    /// The health of the bundle served, judged now ([`crate::Config::clock`]).
    pub fn health(&self) -> Health {
        let config = &self.shared.config;
        let now = (config.clock)();
        let grace = config.options.trust_list_grace_seconds;
        let snapshot = self.snapshot();
        let trust_list =
            |region: Option<String>, sequence, issued_at, next_update: i64| TrustListHealth {
                region,
                sequence,
                issued_at,
                next_update,
                fresh_until: next_update.saturating_add(grace),
                fresh: check_fresh(next_update, elicense::UnixTime::from_secs(now), grace).is_ok(),
            };
        let (federation, regions, status_lists) = match snapshot.bundle() {
            Some(bundle) => {
                let f = bundle.federation();
                let max_age = bundle
                    .policy()
                    .map_or(i64::MAX, |p| p.max_status_age_seconds());
                (
                    trust_list(None, f.sequence, f.issued_at, f.next_update),
                    bundle
                        .region_lists()
                        .map(|l| {
                            trust_list(
                                Some(l.region.to_string()),
                                l.sequence,
                                l.issued_at,
                                l.next_update,
                            )
                        })
                        .collect(),
                    bundle
                        .status_lists()
                        .map(|(authority, token)| StatusListHealth {
                            authority: authority.credit_code.to_string(),
                            region: authority.region.to_string(),
                            issued_at: token.issued_at(),
                            freshness: token.freshness(elicense::UnixTime::from_secs(now), max_age),
                        })
                        .collect(),
                )
            }
            // Every snapshot is made from a bundle.
            None => (trust_list(None, 0, 0, i64::MIN), Vec::new(), Vec::new()),
        };
        let events = self
            .shared
            .events
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone();
        let mut health = Health {
            status: "ok",
            checked_at: now,
            etag: snapshot.etag.to_str().unwrap_or_default().to_owned(),
            bundle_file: self.bundle_path().map(|p| p.display().to_string()),
            federation,
            regions,
            status_lists,
            started_at: self.shared.started_at,
            last_reload: events.last_reload,
            last_refused: events.last_refused,
        };
        if !health.is_fresh() {
            health.status = "stale";
        }
        health
    }
}

/// `GET /healthz`.
pub(crate) async fn healthz(State(state): State<AppState>) -> Response {
    let health = state.health();
    let status = if health.is_fresh() {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = serde_json::to_string(&health).unwrap_or_else(|_| {
        format!(
            r#"{{"status":"{}","message":"the health report could not be written"}}"#,
            health.status
        )
    });
    json_response(status, body)
}
