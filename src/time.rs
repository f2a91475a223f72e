//! Points in time.
//!
//! Every time the library takes or gives at its boundary (the time a licence
//! is checked at, the time trust material is taken in, a report's
//! `checked_at`) is a [`UnixTime`]: seconds since 1970-01-01T00:00:00Z,
//! leap seconds not counted (POSIX time, as CWT's NumericDate, RFC 8392).
//! Durations (leeways, maximum ages) stay plain seconds.

use core::fmt;

use serde::Serialize;

/// Seconds since 1970-01-01T00:00:00Z (Unix time), the way every time is
/// given to and returned by the library. Serialises as the bare number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct UnixTime(i64);

impl UnixTime {
    /// The time `secs` seconds after 1970-01-01T00:00:00Z (negative: before).
    pub const fn from_secs(secs: i64) -> Self {
        Self(secs)
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    pub const fn as_secs(self) -> i64 {
        self.0
    }

    /// The system clock. Not available in WebAssembly without a host clock:
    /// there the caller passes the time (JavaScript's `Date.now()`).
    #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
    pub fn now() -> Self {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        Self(secs)
    }

    /// This time plus `secs` seconds, saturating at the ends of `i64`.
    pub const fn saturating_add_secs(self, secs: i64) -> Self {
        Self(self.0.saturating_add(secs))
    }
}

impl fmt::Display for UnixTime {
    /// RFC 3339 in UTC (`2025-06-01T00:00:00Z`), or the number of seconds
    /// for a time outside the years chrono can represent.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::pki::utc(self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_display_and_json() {
        let t = UnixTime::from_secs(1_748_736_000);
        assert_eq!(t.as_secs(), 1_748_736_000);
        assert_eq!(t.to_string(), "2025-06-01T00:00:00Z");
        assert_eq!(serde_json::to_string(&t).unwrap(), "1748736000");
        assert_eq!(
            UnixTime::from_secs(i64::MAX).saturating_add_secs(1),
            UnixTime::from_secs(i64::MAX)
        );
        assert!(UnixTime::now() > t);
    }
}
