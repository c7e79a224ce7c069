//! The comparison with a baseline and the quarantine as plain text, shared by the terminal
//! and the Markdown summary: the suite's comparison in a line, the cases grouped by change
//! (new failures first), and each rate as `baseline → now`.

use crate::outcome::statistics::fixed2;
use crate::outcome::{
    BaselineStatus, CaseChange, CaseChangeKind, PassCount, RateChange, SuiteBaseline,
};

/// How many cases of one change a report lists before counting the rest.
pub const MAX_CASES: usize = 20;

/// The groups reports list, in order: what needs a look first. Cases that passed in both
/// runs are only counted.
pub const GROUPS: [CaseChangeKind; 5] = [
    CaseChangeKind::NewFailure,
    CaseChangeKind::StillFailing,
    CaseChangeKind::New,
    CaseChangeKind::Gone,
    CaseChangeKind::Fixed,
];

/// `regressed`, `held`, `not compared`.
pub fn status(comparison: &SuiteBaseline) -> &'static str {
    match comparison.status {
        BaselineStatus::Held => "held",
        BaselineStatus::Regressed => "regressed",
        BaselineStatus::NotCompared => "not compared",
    }
}

/// `1.00 → 0.50`.
pub fn delta(rate: &RateChange) -> String {
    format!("{} → {}", fixed2(rate.baseline), fixed2(rate.now))
}

/// The headline of a comparison: `1.00 → 0.50, regressed (p = 0.00012)`, `held`, or `not
/// compared`.
pub fn headline(comparison: &SuiteBaseline) -> String {
    match (comparison.baseline, comparison.now, &comparison.test) {
        (Some(before), Some(now), Some(test)) => format!(
            "{} → {}, {} (p = {})",
            fixed2(before.rate()),
            fixed2(now.rate()),
            status(comparison),
            crate::baseline::p_text(test.p_value)
        ),
        _ => status(comparison).to_owned(),
    }
}

/// `3/3`, or `–` for no calls.
fn count(count: Option<PassCount>) -> String {
    count.map_or_else(|| "–".to_owned(), |c| format!("{}/{}", c.passed, c.calls))
}

/// One case: `Title [id]: 3/3 passed → 0/3 (quarantined)`.
pub fn case_line(case: &CaseChange) -> String {
    format!(
        "{}: {} passed → {}{}",
        case.name(),
        count(case.baseline),
        count(case.now),
        if case.quarantined {
            " (quarantined)"
        } else {
            ""
        }
    )
}

/// The cases of each listed group that has any, in order.
pub fn groups(comparison: &SuiteBaseline) -> Vec<(CaseChangeKind, Vec<&CaseChange>)> {
    GROUPS
        .iter()
        .map(|kind| (*kind, comparison.cases_of(*kind).collect::<Vec<_>>()))
        .filter(|(_, cases)| !cases.is_empty())
        .collect()
}

/// `and 12 more cases still passing`-style counts: the cases that passed in both runs.
pub fn still_passing(comparison: &SuiteBaseline) -> usize {
    comparison.cases_of(CaseChangeKind::StillPassing).count()
}
