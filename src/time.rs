//! Points in time.
//!
//! Every time the library takes or gives at its boundary (the time a licence
//! is checked at, the time trust material is taken in, a report's
//! `checked_at`) is a [`UnixTime`]: seconds since 1970-01-01T00:00:00Z,
//! leap seconds not counted (POSIX time, as CWT's NumericDate, RFC 8392).
//! Durations (leeways, maximum ages) stay plain seconds.

use core::fmt;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use serde::Serialize;

use crate::lang::Lang;

/// China Standard Time's offset from UTC, seconds (UTC+8, no daylight saving).
pub const CST_OFFSET_SECONDS: i64 = 8 * 3600;

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

impl UnixTime {
    /// This time in China Standard Time as RFC 3339 with its offset written,
    /// `2024-05-20T10:00:00+08:00`: the form beside every Unix time in JSON
    /// reports (the `_cst` members, docs/FORMAT.md §15). The number of
    /// seconds for a time outside the years chrono can represent.
    pub fn cst_rfc3339(self) -> String {
        match self.cst() {
            Some(t) => t.format("%Y-%m-%dT%H:%M:%S+08:00").to_string(),
            None => self.0.to_string(),
        }
    }

    /// This time in China Standard Time for people, with the zone written:
    /// `2024年5月20日 10:00:00（北京时间 UTC+8）` in Chinese,
    /// `2024-05-20 10:00:00 CST (UTC+8)` in English.
    pub fn cst_text(self, lang: Lang) -> String {
        let Some(t) = self.cst() else {
            return self.0.to_string();
        };
        match lang {
            Lang::Zh => format!(
                "{} {}（北京时间 UTC+8）",
                date_text(t.date(), Lang::Zh),
                t.format("%H:%M:%S")
            ),
            Lang::En => t.format("%Y-%m-%d %H:%M:%S CST (UTC+8)").to_string(),
        }
    }

    /// The China Standard Time calendar date of this time.
    pub fn cst_date(self) -> Option<NaiveDate> {
        self.cst().map(|t| t.date())
    }

    /// The wall-clock time in China Standard Time.
    fn cst(self) -> Option<NaiveDateTime> {
        let shifted = self.0.checked_add(CST_OFFSET_SECONDS)?;
        chrono::DateTime::from_timestamp(shifted, 0).map(|t| t.naive_utc())
    }
}

/// A calendar date for people: `2024年5月20日` in Chinese, `2024-05-20`
/// in English (ISO 8601). Licence dates are China Standard Time dates.
pub fn date_text(date: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{}年{}月{}日", date.year(), date.month(), date.day()),
        Lang::En => date.format("%Y-%m-%d").to_string(),
    }
}

impl fmt::Display for UnixTime {
    /// RFC 3339 in UTC (`2025-06-01T00:00:00Z`), or the number of seconds
    /// for a time outside the years chrono can represent.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match chrono::DateTime::from_timestamp(self.0, 0) {
            Some(t) => write!(f, "{}", t.format("%Y-%m-%dT%H:%M:%SZ")),
            None => write!(f, "{}", self.0),
        }
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

    #[test]
    fn china_standard_time_with_the_zone_written() {
        // 2024-05-20T02:00:00Z is 10:00 in Beijing.
        let t = UnixTime::from_secs(1_716_170_400);
        assert_eq!(t.cst_rfc3339(), "2024-05-20T10:00:00+08:00");
        assert_eq!(
            t.cst_text(Lang::Zh),
            "2024年5月20日 10:00:00（北京时间 UTC+8）"
        );
        assert_eq!(t.cst_text(Lang::En), "2024-05-20 10:00:00 CST (UTC+8)");
        // 16:00 UTC is already the next day in China.
        let late = UnixTime::from_secs(1_716_220_800);
        assert_eq!(late.to_string(), "2024-05-20T16:00:00Z");
        assert_eq!(late.cst_rfc3339(), "2024-05-21T00:00:00+08:00");
        assert_eq!(late.cst_date(), NaiveDate::from_ymd_opt(2024, 5, 21));
        assert_eq!(
            date_text(NaiveDate::from_ymd_opt(2019, 1, 2).unwrap(), Lang::Zh),
            "2019年1月2日"
        );
        assert_eq!(
            date_text(NaiveDate::from_ymd_opt(2019, 1, 2).unwrap(), Lang::En),
            "2019-01-02"
        );
        // Beyond chrono's years: the seconds, never a panic.
        let far = UnixTime::from_secs(i64::MAX);
        assert_eq!(far.cst_rfc3339(), i64::MAX.to_string());
        assert_eq!(far.cst_text(Lang::Zh), i64::MAX.to_string());
        assert_eq!(far.cst_date(), None);
    }
}
