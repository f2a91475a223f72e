//! Times: the clock, parsing `--at`/`--issued-at`, printing.

use std::time::{SystemTime, UNIX_EPOCH};

use chrono::{DateTime, FixedOffset, Months, NaiveDate};

use crate::error::CliError;

/// One day in seconds.
pub const DAY: i64 = 86_400;
/// China Standard Time, UTC+8: the time zone of licence dates.
const CST_OFFSET_SECONDS: i32 = 8 * 3600;

/// The current time in Unix seconds.
pub fn now() -> Result<i64, CliError> {
    let d = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|_| CliError::msg("the system clock is set before 1970"))?;
    i64::try_from(d.as_secs()).map_err(|_| CliError::msg("the system clock is out of range"))
}

/// Parses a time given on the command line: Unix seconds (`1716170400`),
/// a date (`2024-05-20`, taken as 00:00 China Standard Time, the zone of
/// licence dates) or RFC 3339 (`2024-05-20T10:00:00+08:00`).
pub fn parse_time(s: &str) -> Result<i64, String> {
    let s = s.trim();
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return s
            .parse::<i64>()
            .map_err(|_| format!("{s} is too large for Unix seconds"));
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        let cst = FixedOffset::east_opt(CST_OFFSET_SECONDS).expect("UTC+8 is a valid offset");
        return d
            .and_hms_opt(0, 0, 0)
            .and_then(|t| t.and_local_timezone(cst).single())
            .map(|t| t.timestamp())
            .ok_or_else(|| format!("{s} is out of range"));
    }
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.timestamp())
        .map_err(|_| {
            format!(
                "{s:?} is not a time: give Unix seconds (1716170400), a date (2024-05-20, \
                 00:00 China Standard Time) or RFC 3339 (2024-05-20T10:00:00+08:00)"
            )
        })
}

/// Parses a duration: whole seconds (`86400`) or a number with a unit,
/// `s`, `m`, `h` or `d` (`90m`, `12h`, `7d`). It must be positive.
pub fn parse_duration(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let (digits, unit) = match t.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => (&t[..i], c.to_ascii_lowercase()),
        _ => (t, 's'),
    };
    let scale: u64 = match unit {
        's' => 1,
        'm' => 60,
        'h' => 3600,
        'd' => 86_400,
        _ => 0,
    };
    let n = if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        digits.parse::<u64>().ok()
    } else {
        None
    };
    match n.and_then(|n| n.checked_mul(scale)) {
        Some(v) if v > 0 && v <= MAX_DURATION => Ok(v),
        _ => Err(format!(
            "{s:?} is not a duration: give seconds (86400) or a positive number with a unit \
             s, m, h or d (90m, 12h, 7d), at most 100 years"
        )),
    }
}

/// Longest duration accepted: 100 years of 366 days.
const MAX_DURATION: u64 = 100 * 366 * 86_400;

/// A duration in seconds, as its largest exact unit (`2d`, `36h`, `90m`, `45s`).
pub fn fmt_duration(seconds: u64) -> String {
    for (unit, scale) in [("d", 86_400), ("h", 3600), ("m", 60)] {
        if seconds >= scale && seconds % scale == 0 {
            return format!("{}{unit}", seconds / scale);
        }
    }
    format!("{seconds}s")
}

/// `unix` plus `years` calendar years.
pub fn add_years(unix: i64, years: u32) -> Result<i64, CliError> {
    DateTime::from_timestamp(unix, 0)
        .and_then(|t| t.checked_add_months(Months::new(years.checked_mul(12)?)))
        .map(|t| t.timestamp())
        .ok_or_else(|| CliError::msg(format!("{years} years from now is out of range")))
}

/// A Unix time in China Standard Time with the zone written,
/// `2024-05-20 10:00:00 CST (UTC+8)`, for the command's own (English)
/// lines; reports write their times in the language of `--lang`.
pub fn fmt_time(unix: i64) -> String {
    if DateTime::from_timestamp(unix, 0).is_none() {
        return format!("{unix} (Unix seconds)");
    }
    elicense::UnixTime::from_secs(unix).cst_text(elicense::Lang::En)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_three_forms() {
        assert_eq!(parse_time("1716170400"), Ok(1_716_170_400));
        // 2024-05-20 00:00 CST = 2024-05-19 16:00 UTC
        assert_eq!(parse_time("2024-05-20"), Ok(1_716_134_400));
        assert_eq!(parse_time("2024-05-20T10:00:00+08:00"), Ok(1_716_170_400));
        assert_eq!(parse_time("2024-05-20T02:00:00Z"), Ok(1_716_170_400));
        assert!(parse_time("yesterday").is_err());
        assert!(parse_time("").is_err());
        assert!(parse_time("99999999999999999999999").is_err());
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("86400"), Ok(86_400));
        assert_eq!(parse_duration("90m"), Ok(5_400));
        assert_eq!(parse_duration("12h"), Ok(43_200));
        assert_eq!(parse_duration("7d"), Ok(604_800));
        assert_eq!(parse_duration("7D"), Ok(604_800));
        for bad in [
            "",
            "0",
            "0d",
            "d",
            "-1",
            "1w",
            "1.5h",
            "99999999999999999999",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
        assert_eq!(fmt_duration(86_400), "1d");
        assert_eq!(fmt_duration(129_600), "36h");
        assert_eq!(fmt_duration(61), "61s");
    }

    #[test]
    fn years_are_calendar_years() {
        assert_eq!(
            add_years(1_716_170_400, 1).unwrap(),
            1_716_170_400 + 365 * DAY
        );
        assert_eq!(fmt_time(0), "1970-01-01 08:00:00 CST (UTC+8)");
        assert_eq!(fmt_time(1_716_170_400), "2024-05-20 10:00:00 CST (UTC+8)");
        assert_eq!(fmt_time(i64::MAX), format!("{} (Unix seconds)", i64::MAX));
    }
}
