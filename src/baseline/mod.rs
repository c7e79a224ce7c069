//! The comparison with a baseline (`--baseline REPORT.json`): each suite of an outcome
//! against the suite of the same name in an earlier JSON report (typically the last green
//! run on the main branch), cases matched by test case id.
//!
//! A suite **regressed** when its pass rate is confidently lower than the baseline's: an exact
//! one-sided test of two proportions (Boschloo's, or Fisher's for very large samples; see
//! `stats::two_proportion`) at the suite's `thresholds.confidence` (0.95 when unset), over the
//! calls of the cases both runs have, every wave pooled, quarantined cases left out. A
//! regression fails the suite's `baseline` check (or warns, with `thresholds.regression:
//! warn`); the absolute thresholds apply as before. A suite the baseline cannot speak for (no
//! such suite, another agent or selection, a run that was not judged) says so and is not
//! compared.
//!
//! Pure: the baseline is read first (`Baseline::read`), and the time it is judged against is
//! a value in `Options`.

mod cases;
mod read;
mod suite;
#[cfg(test)]
mod tests;

use std::time::{Duration, SystemTime};

pub use read::{Baseline, BaselineSuite, MAX_BYTES, ReadError};
pub use suite::p_text;

use crate::outcome::Outcome;

/// The name of the check a comparison adds to each suite.
pub const CHECK: &str = "baseline";

/// A baseline older than this is worth a warning, unless `--baseline-max-age` says otherwise.
pub const DEFAULT_MAX_AGE: Duration = Duration::from_secs(14 * 24 * 3600);

/// What a comparison is judged against.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// The time now (the age of the baseline is measured to it).
    pub now: SystemTime,
    /// A baseline whose run finished longer ago than this gets a warning.
    pub max_age: Duration,
}

/// Compares every suite of `outcome` with its namesake in `baseline`: each suite gets its
/// comparison and, when compared, its `baseline` check (replacing any from an earlier
/// comparison), and is judged again; the outcome's verdict and exit code follow (never lower
/// than they were). Returns the warnings worth printing once (an old baseline).
pub fn compare(outcome: &mut Outcome, baseline: &Baseline, options: &Options) -> Vec<String> {
    let warnings: Vec<String> = age_warning(baseline, options).into_iter().collect();
    for suite in &mut outcome.suites {
        suite.checks.retain(|c| c.name != CHECK);
        let mut comparison = suite::compare(suite, baseline);
        comparison.warnings.clone_from(&warnings);
        if let Some(check) = suite::check(&comparison) {
            suite.checks.push(check);
        }
        suite.baseline = Some(comparison);
        crate::gate::rejudge(suite);
    }
    outcome.refresh();
    warnings
}

/// The warning for a baseline older than `max_age`, or whose age is unknown.
fn age_warning(baseline: &Baseline, options: &Options) -> Option<String> {
    let Some(finished) = baseline.finished else {
        return Some(format!(
            "the baseline report {} does not say when its run finished, so its age is unknown",
            baseline.path
        ));
    };
    let age = options.now.duration_since(finished).ok()?;
    (age > options.max_age).then(|| {
        format!(
            "the baseline report {} is {} old (its run finished {}), older than --baseline-max-age {}; compare with a recent run",
            baseline.path,
            days(age),
            baseline.finished_at.as_deref().unwrap_or("at an unknown time"),
            days(options.max_age)
        )
    })
}

/// A duration in days (`20 days`), or hours below two days.
fn days(duration: Duration) -> String {
    let hours = duration.as_secs() / 3600;
    if hours < 48 {
        format!("{hours} hour{}", if hours == 1 { "" } else { "s" })
    } else {
        format!("{} days", hours / 24)
    }
}
