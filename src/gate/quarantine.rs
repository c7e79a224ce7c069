//! Quarantined cases in the gate. Their calls are kept in the outcome (reported, counted,
//! marked with the reason) but left out of every check: the checks see the other calls, and
//! the run-wide assertion scores Hamming reports, which include the quarantined calls, are
//! measured again from the other calls where the results allow it (the overall score from
//! each call's share of passed assertions, a category's from its assertions' ids). A figure
//! the calls cannot give (a metric's percentile, a category the results tie to no assertion
//! ids) stays the run's own.

use std::borrow::Cow;

use crate::api::wire::ResultsBody;
use crate::outcome::{CallOutcome, QuarantinedCase};
use crate::suite::ResolvedSuite;

use super::evidence;
use super::waves::Wave;

/// Why a check has nothing to measure when every call belongs to a quarantined case.
pub const ALL_QUARANTINED: &str = "every call belongs to a quarantined case, so nothing is left to judge; a suite that judges nothing is never a pass";

/// Marks the calls of the cases whose quarantine holds with its reason.
pub(super) fn mark(suite: &ResolvedSuite, calls: &mut [CallOutcome]) {
    for call in calls {
        call.quarantined = suite
            .quarantine
            .iter()
            .find(|q| q.active() && q.test_case_id == call.test_case_id)
            .map(|q| q.reason.clone());
    }
}

/// The calls that gate (all but the quarantined ones), with each wave's share of them set in
/// `Wave::gated`. Borrowed when nothing is in quarantine.
pub(super) fn gating<'a>(calls: &'a [CallOutcome], waves: &mut [Wave]) -> Cow<'a, [CallOutcome]> {
    if calls.iter().all(|c| c.quarantined.is_none()) {
        for wave in waves.iter_mut() {
            wave.gated = wave.calls.clone();
        }
        return Cow::Borrowed(calls);
    }
    let mut kept = Vec::with_capacity(calls.len());
    for wave in waves.iter_mut() {
        let start = kept.len();
        kept.extend(
            calls[wave.calls.clone()]
                .iter()
                .filter(|c| c.quarantined.is_none())
                .cloned(),
        );
        wave.gated = start..kept.len();
    }
    Cow::Owned(kept)
}

/// The run summary the checks read when calls were left out: the overall assertion score,
/// and each category's score whose assertions the summary names by id, measured again over
/// the calls that gate (each call counts once, with its share of passed assertions, as the
/// statistical gate counts them). `None` when nothing was left out, or nothing changes.
pub(super) fn summary_without(
    summary: Option<&ResultsBody>,
    gating: &[CallOutcome],
    all: usize,
) -> Option<ResultsBody> {
    if gating.len() == all {
        return None;
    }
    let mut body = summary?.clone();
    let scores = body.summary.as_mut()?.assertions.as_mut()?;
    if scores.none_configured() && gating.iter().all(|c| c.assertions.is_empty()) {
        return None;
    }
    let overall = evidence::assertion_shares(gating, evidence::judged);
    if overall.trials > 0 {
        scores.overall_score = Some(overall.rate() * 100.0);
    }
    for category in &mut scores.categories {
        if category.assertion_ids.is_empty() {
            continue;
        }
        let ids = &category.assertion_ids;
        let tally = evidence::assertion_shares(gating, |a| {
            evidence::judged(a) && a.id.as_ref().is_some_and(|id| ids.contains(id))
        });
        if tally.trials > 0 {
            category.score = Some(tally.rate() * 100.0);
        }
    }
    Some(body)
}

/// The quarantine entries the reports show: the suite's own, and inherited ones whose case
/// ran, each with how its calls went.
pub(super) fn outcomes(suite: &ResolvedSuite, calls: &[CallOutcome]) -> Vec<QuarantinedCase> {
    suite
        .quarantine
        .iter()
        .filter_map(|q| {
            let own: Vec<&CallOutcome> = calls
                .iter()
                .filter(|c| c.test_case_id == q.test_case_id)
                .collect();
            if q.inherited && own.is_empty() {
                return None;
            }
            Some(QuarantinedCase {
                test_case_id: q.test_case_id.clone(),
                title: own.iter().find_map(|c| c.title.clone()),
                until: q.until.to_string(),
                reason: q.reason.clone(),
                expired: q.expired,
                calls: own.len() as u64,
                passed: own.iter().filter(|c| c.passed()).count() as u64,
                line: q.line,
            })
        })
        .collect()
}

/// A clause for the suite's reason when quarantined calls were left out, e.g. "3 calls of 1
/// quarantined case were reported but not judged".
pub fn note(calls: &[CallOutcome]) -> Option<String> {
    let left_out: Vec<&CallOutcome> = calls.iter().filter(|c| c.quarantined.is_some()).collect();
    if left_out.is_empty() {
        return None;
    }
    let mut cases: Vec<&str> = left_out.iter().map(|c| c.test_case_id.as_str()).collect();
    cases.sort_unstable();
    cases.dedup();
    Some(format!(
        "{} call{} of {} quarantined case{} {} reported but not judged",
        left_out.len(),
        if left_out.len() == 1 { "" } else { "s" },
        cases.len(),
        if cases.len() == 1 { "" } else { "s" },
        if left_out.len() == 1 { "was" } else { "were" }
    ))
}
