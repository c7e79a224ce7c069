//! Calendar dates as a suite file writes them (`YYYY-MM-DD`), counted in UTC days: when a
//! quarantine ends.
//!
//! The conversions are H. Hinnant's `days_from_civil` and `civil_from_days` (proleptic
//! Gregorian calendar), so no date crate is needed for this one field.

use std::fmt;
use std::time::{Duration, SystemTime};

/// A day, as the number of days since 1970-01-01 (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    days: i64,
}

/// Why a text is not a date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("`{0}` is not a date written YYYY-MM-DD")]
    Format(String),
    #[error("`{0}` is not a day of the calendar")]
    NoSuchDay(String),
}

impl Date {
    /// Parses `YYYY-MM-DD` (years 1970 to 9999).
    pub fn parse(text: &str) -> Result<Self, DateError> {
        let format = || DateError::Format(text.to_owned());
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return Err(format());
        }
        let number = |range: std::ops::Range<usize>| -> Result<i64, DateError> {
            let part = &text[range];
            if part.bytes().all(|b| b.is_ascii_digit()) {
                part.parse().map_err(|_| format())
            } else {
                Err(format())
            }
        };
        let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
        if year < 1970 || !(1..=12).contains(&month) || day < 1 || day > days_in(year, month) {
            return Err(DateError::NoSuchDay(text.to_owned()));
        }
        Ok(Self {
            days: days_from_civil(year, month, day),
        })
    }

    /// The UTC day a moment falls on (1970-01-01 for moments before it).
    pub fn of(time: SystemTime) -> Self {
        let seconds = time
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs();
        Self {
            days: (seconds / 86_400) as i64,
        }
    }

    /// The first moment of the day (midnight UTC).
    pub fn start(self) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(self.days.max(0) as u64 * 86_400)
    }

    /// The day `days` after this one.
    pub fn plus_days(self, days: i64) -> Self {
        Self {
            days: self.days + days,
        }
    }

    /// Days from this day to `later` (negative when `later` is earlier).
    pub fn days_until(self, later: Date) -> i64 {
        later.days - self.days
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (year, month, day) = civil_from_days(self.days);
        write!(f, "{year:04}-{month:02}-{day:02}")
    }
}

fn leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in(year: i64, month: i64) -> i64 {
    match month {
        2 if leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_and_print_as_written() {
        for text in ["1970-01-01", "2024-02-29", "2026-12-31", "2100-03-01"] {
            assert_eq!(Date::parse(text).unwrap().to_string(), text);
        }
        let d = Date::parse("2026-02-27").unwrap();
        assert_eq!(d.plus_days(2).to_string(), "2026-03-01");
        assert_eq!(d.days_until(Date::parse("2026-05-28").unwrap()), 90);
        assert_eq!(Date::of(d.start()), d);
        assert_eq!(
            Date::of(SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000)).to_string(),
            "2023-11-14"
        );
    }

    #[test]
    fn only_real_days_are_dates() {
        for bad in [
            "2026-2-01",
            "2026/02/01",
            "26-02-01",
            "2026-02-01T00:00:00Z",
            "+026-02-01",
        ] {
            assert!(
                matches!(Date::parse(bad), Err(DateError::Format(_))),
                "{bad}"
            );
        }
        for bad in [
            "2025-02-29",
            "2026-13-01",
            "2026-04-31",
            "2026-00-10",
            "1969-12-31",
        ] {
            assert!(
                matches!(Date::parse(bad), Err(DateError::NoSuchDay(_))),
                "{bad}"
            );
        }
    }
}
