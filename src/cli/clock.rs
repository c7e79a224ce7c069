//! The time the commands judge by: the clock, or for tests the moment `HAMMING_RUNNER_NOW`
//! names (RFC 3339, or a day `YYYY-MM-DD` at midnight UTC). It decides which quarantines have
//! expired and how old a baseline is; everything below the command line takes it as a
//! value, so the gate and the reports never read the clock themselves.

use std::time::SystemTime;

use crate::suite::Date;

/// The variable that fixes the time, for tests and rehearsals.
pub const NOW_ENV: &str = "HAMMING_RUNNER_NOW";

/// The time to judge by: `HAMMING_RUNNER_NOW` when set, else the clock (with a warning when
/// the variable holds no time).
pub fn now() -> SystemTime {
    match std::env::var(NOW_ENV) {
        Ok(text) if !text.trim().is_empty() => parse(text.trim()).unwrap_or_else(|| {
            crate::console::err(&format!(
                "warning: {NOW_ENV}={text:?} is not a time (RFC 3339, or a day such as 2026-03-01); using the clock"
            ));
            SystemTime::now()
        }),
        _ => SystemTime::now(),
    }
}

/// The UTC day to judge by.
pub fn today() -> Date {
    Date::of(now())
}

fn parse(text: &str) -> Option<SystemTime> {
    humantime::parse_rfc3339_weak(text)
        .ok()
        .or_else(|| Date::parse(text).ok().map(Date::start))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_time_is_a_moment_or_a_day() {
        let day = parse("2026-03-01").unwrap();
        assert_eq!(Date::of(day).to_string(), "2026-03-01");
        let moment = parse("2026-03-01T23:59:00Z").unwrap();
        assert_eq!(Date::of(moment).to_string(), "2026-03-01");
        assert!(parse("tomorrow").is_none());
    }
}
