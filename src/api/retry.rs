//! When to try a request again, and how long to wait.
//!
//! Reads back off exponentially with equal jitter, honour `Retry-After`, and stop after a
//! bounded time. The create POST follows a stricter rule, applied in `client.rs`.

use std::time::{Duration, SystemTime};

/// Backoff settings for one kind of request.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// The first wait.
    pub initial: Duration,
    /// No single wait is longer than this (a longer `Retry-After` is capped to it).
    pub max_delay: Duration,
    /// Give up once this much time has passed since the first attempt.
    pub max_elapsed: Duration,
    /// Give up after this many attempts in all.
    pub max_attempts: u32,
}

impl RetryPolicy {
    /// For status, results and catalog reads: about two minutes of trying.
    pub const READS: Self = Self {
        initial: Duration::from_millis(500),
        max_delay: Duration::from_secs(30),
        max_elapsed: Duration::from_secs(120),
        max_attempts: 10,
    };

    /// For the create POST, which is retried only when provably not accepted.
    pub const CREATE: Self = Self {
        initial: Duration::from_secs(1),
        max_delay: Duration::from_secs(30),
        max_elapsed: Duration::from_secs(90),
        max_attempts: 5,
    };

    /// The wait before attempt `attempt + 1` (attempt counts from 1), with equal jitter:
    /// half the exponential step plus a random share of the other half, so many runners
    /// that failed together do not retry together, while every wait still grows with the
    /// step (full jitter, a random wait from zero, could retry at once).
    pub fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(wait) = retry_after {
            return wait.min(self.max_delay);
        }
        let exp = self
            .initial
            .saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1).min(16)));
        let capped = exp.min(self.max_delay);
        let half = capped / 2;
        half + capped.mul_f64(fastrand::f64() * 0.5)
    }

    /// Scales every duration, for the simulator's compressed time.
    pub fn scaled(&self, factor: f64) -> Self {
        let scale = |d: Duration| d.mul_f64(factor.clamp(0.0001, 1.0));
        Self {
            initial: scale(self.initial),
            max_delay: scale(self.max_delay),
            max_elapsed: scale(self.max_elapsed),
            max_attempts: self.max_attempts,
        }
    }
}

/// Parses a `Retry-After` header: delay-seconds or an HTTP-date.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_within_bounds() {
        let p = RetryPolicy::READS;
        for attempt in 1..=12 {
            let d = p.delay(attempt, None);
            let step = p
                .initial
                .saturating_mul(2u32.pow(attempt - 1))
                .min(p.max_delay);
            assert!(
                d >= step / 2 && d <= step,
                "attempt {attempt}: {d:?} vs {step:?}"
            );
        }
    }

    #[test]
    fn retry_after_wins_but_is_capped() {
        let p = RetryPolicy::READS;
        assert_eq!(
            p.delay(1, Some(Duration::from_secs(3))),
            Duration::from_secs(3)
        );
        assert_eq!(p.delay(1, Some(Duration::from_secs(3600))), p.max_delay);
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        assert_eq!(
            parse_retry_after(&later, now),
            Some(Duration::from_secs(30))
        );
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(30));
        assert_eq!(parse_retry_after(&earlier, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
    }
}
