//! Human durations such as `15m`, `10s`, `1h30m` or `500ms`.
//!
//! The text is kept as written so that errors and reports can quote it; `parse` turns it into
//! a `Duration`. The schema carries the same grammar as a regex so an IDE flags a bad value.

use std::fmt;
use std::time::Duration;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::resolve::{MAX_POLL_INTERVAL, MAX_TIMEOUT, MIN_POLL_INTERVAL, MIN_TIMEOUT};

/// The grammar, shared by the schema and by `parse`.
/// A templated value (`{{ … }}`) is also accepted, so that editors do not flag it; the loader
/// checks the rendered text.
pub const PATTERN: &str = r"^(\s*([0-9]+\s*(ms|s|m|h|d)\s*)+|.*\{\{.*\}\}.*)$";

/// A duration as written in the suite file: one or more `<number><unit>` parts, with units
/// `ms`, `s`, `m`, `h` and `d` (days).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct HumanDuration(
    #[schemars(
        pattern(r"^(\s*([0-9]+\s*(ms|s|m|h|d)\s*)+|.*\{\{.*\}\}.*)$"),
        example = &"15m",
        example = &"1h30m",
        example = &"500ms"
    )]
    pub String,
);

/// Why a duration did not parse, worded to follow "invalid duration: ".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    #[error("`{0}` has no unit; write for example `{0}s` or `{0}m`")]
    MissingUnit(String),
    #[error("`{text}` has an unknown unit `{unit}`; use ms, s, m, h or d")]
    UnknownUnit { text: String, unit: String },
    #[error("`{0}` is not a duration; write for example `15m`, `90s` or `1h30m`")]
    Malformed(String),
    #[error("`{0}` is too long")]
    Overflow(String),
}

impl HumanDuration {
    pub fn new(text: impl Into<String>) -> Self {
        Self(text.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn parse(&self) -> Result<Duration, DurationError> {
        parse(&self.0)
    }
}

impl fmt::Display for HumanDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Parses `15m`, `1h 30m`, `500ms`, `90s`, `14d`.
pub fn parse(text: &str) -> Result<Duration, DurationError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(DurationError::Malformed(text.to_owned()));
    }
    if trimmed.chars().all(|c| c.is_ascii_digit()) {
        return Err(DurationError::MissingUnit(trimmed.to_owned()));
    }
    let mut total_ms: u64 = 0;
    let mut rest = trimmed;
    while !rest.is_empty() {
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        if digits == 0 {
            return Err(DurationError::Malformed(text.to_owned()));
        }
        let number: u64 = rest[..digits]
            .parse()
            .map_err(|_| DurationError::Overflow(text.to_owned()))?;
        rest = rest[digits..].trim_start();
        let unit_len = rest.chars().take_while(char::is_ascii_alphabetic).count();
        let unit = &rest[..unit_len];
        let factor_ms = match unit {
            "ms" => 1,
            "s" => 1_000,
            "m" => 60_000,
            "h" => 3_600_000,
            "d" => 86_400_000,
            "" => return Err(DurationError::Malformed(text.to_owned())),
            other => {
                return Err(DurationError::UnknownUnit {
                    text: text.to_owned(),
                    unit: other.to_owned(),
                });
            }
        };
        let part = number
            .checked_mul(factor_ms)
            .ok_or_else(|| DurationError::Overflow(text.to_owned()))?;
        total_ms = total_ms
            .checked_add(part)
            .ok_or_else(|| DurationError::Overflow(text.to_owned()))?;
        rest = rest[unit_len..].trim_start();
    }
    Ok(Duration::from_millis(total_ms))
}

/// Parses a duration given on the command line (`--timeout 15m`), worded for a flag.
pub fn parse_flag(text: &str) -> Result<Duration, String> {
    parse(text).map_err(|e| format!("invalid duration: {e}"))
}

/// Parses a timeout flag: a duration within the range a suite file allows (1s to 48h), so
/// the command line cannot do what the file may not (`--timeout 0s` would create a run and
/// abandon it at once).
pub fn parse_timeout_flag(text: &str) -> Result<Duration, String> {
    within(parse_flag(text)?, text, (MIN_TIMEOUT, MAX_TIMEOUT))
}

/// Parses a poll-interval flag: a duration within the range a suite file allows (100ms to
/// 10m), so the command line cannot poll in a tight loop.
pub fn parse_poll_interval_flag(text: &str) -> Result<Duration, String> {
    within(
        parse_flag(text)?,
        text,
        (MIN_POLL_INTERVAL, MAX_POLL_INTERVAL),
    )
}

/// Whole (or fractional) seconds, as Hamming's v2 scripts take them, or a duration such as
/// `15m`; within the timeout's range.
pub fn parse_timeout_seconds(text: &str) -> Result<Duration, String> {
    let parsed = match text.trim().parse::<f64>() {
        Ok(secs) if secs.is_finite() && secs > 0.0 => {
            Duration::from_millis((secs * 1000.0).round() as u64)
        }
        Ok(_) => return Err(format!("`{text}` is not a positive number of seconds")),
        Err(_) => parse_flag(text)?,
    };
    within(parsed, text, (MIN_TIMEOUT, MAX_TIMEOUT))
}

/// Parses a duration flag that must be above zero (`--request-timeout`).
pub fn parse_positive_flag(text: &str) -> Result<Duration, String> {
    match parse_flag(text)? {
        d if d.is_zero() => Err(format!(
            "`{}` is zero; give a duration above zero",
            text.trim()
        )),
        d => Ok(d),
    }
}

fn within(
    value: Duration,
    text: &str,
    (min, max): (Duration, Duration),
) -> Result<Duration, String> {
    if value < min || value > max {
        return Err(format!(
            "`{}` is outside {} to {}, the range a suite file allows",
            text.trim(),
            format(min),
            format(max)
        ));
    }
    Ok(value)
}

/// Formats a duration the way the suite file writes them: `15m`, `1h30m`, `2.5s` for display.
pub fn format(duration: Duration) -> String {
    let ms = duration.as_millis();
    if ms == 0 {
        return "0s".to_owned();
    }
    if !ms.is_multiple_of(1_000) {
        return if ms < 1_000 {
            format!("{ms}ms")
        } else {
            format!("{:.1}s", duration.as_secs_f64())
        };
    }
    let secs = duration.as_secs();
    let (h, m, s) = (secs / 3600, (secs % 3600) / 60, secs % 60);
    let mut out = String::new();
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if m > 0 {
        out.push_str(&format!("{m}m"));
    }
    if s > 0 {
        out.push_str(&format!("{s}s"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_pattern_matches_the_grammar() {
        let schema = crate::suite::json_schema();
        let pattern = schema["$defs"]["HumanDuration"]["pattern"].as_str();
        assert_eq!(pattern, Some(PATTERN));
    }

    #[test]
    fn parses_units_and_sums_parts() {
        assert_eq!(parse("15m"), Ok(Duration::from_secs(900)));
        assert_eq!(parse("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse(" 1h 30m 5s "), Ok(Duration::from_secs(5405)));
        assert_eq!(parse("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse("14d"), Ok(Duration::from_secs(14 * 86_400)));
        assert_eq!(parse("1d12h"), Ok(Duration::from_secs(36 * 3_600)));
    }

    #[test]
    fn rejects_bare_numbers_and_unknown_units() {
        assert_eq!(parse("900"), Err(DurationError::MissingUnit("900".into())));
        assert!(matches!(
            parse("15min"),
            Err(DurationError::UnknownUnit { .. })
        ));
        assert!(matches!(parse("m"), Err(DurationError::Malformed(_))));
        assert!(matches!(parse(""), Err(DurationError::Malformed(_))));
        assert!(matches!(
            parse("99999999999999999999h"),
            Err(DurationError::Overflow(_))
        ));
    }

    #[test]
    fn flags_keep_the_suite_file_ranges() {
        assert_eq!(parse_timeout_flag("30m"), Ok(Duration::from_secs(1800)));
        assert!(
            parse_timeout_flag("0s")
                .unwrap_err()
                .contains("the range a suite file allows")
        );
        assert!(parse_poll_interval_flag("50ms").is_err());
        assert_eq!(parse_timeout_seconds("90"), Ok(Duration::from_secs(90)));
        assert_eq!(
            parse_timeout_seconds("1.5"),
            Ok(Duration::from_millis(1500))
        );
        assert_eq!(parse_timeout_seconds("15m"), Ok(Duration::from_secs(900)));
        assert!(parse_timeout_seconds("0").is_err());
        assert!(parse_positive_flag("0s").is_err());
        assert_eq!(parse_positive_flag("5s"), Ok(Duration::from_secs(5)));
    }

    #[test]
    fn formats_round_values_compactly() {
        assert_eq!(format(Duration::from_secs(900)), "15m");
        assert_eq!(format(Duration::from_secs(5405)), "1h30m5s");
        assert_eq!(format(Duration::from_millis(250)), "250ms");
        assert_eq!(format(Duration::from_millis(2500)), "2.5s");
    }
}
