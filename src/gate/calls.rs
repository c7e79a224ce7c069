//! Per-call results: each call's status and reason, the counts, and flaky cases.

use indexmap::IndexMap;

use crate::api::wire::{CallResult, CallStatus};
use crate::outcome::{AssertionOutcome, CallOutcome, Counts, FlakyCase};

/// The key under which a call without a `testCaseId` is grouped.
const UNKNOWN_CASE: &str = "unknown";

/// Turns the results' calls into call outcomes, numbering the calls of each case in the
/// order the results list them (results carry no phone number to tell them apart). `seen`
/// holds the calls already numbered per case, so a later wave's calls continue the count.
pub(super) fn call_outcomes(
    results: &[CallResult],
    titles: &IndexMap<String, String>,
    results_url: Option<&str>,
    seen: &mut IndexMap<String, u32>,
    wave: Option<u32>,
) -> Vec<CallOutcome> {
    results
        .iter()
        .map(|call| {
            let case_id = call
                .test_case_id
                .clone()
                .unwrap_or_else(|| UNKNOWN_CASE.to_owned());
            let index = seen.entry(case_id.clone()).or_insert(0);
            *index += 1;
            let status = CallStatus::parse(call.status.as_deref());
            let assertions: Vec<AssertionOutcome> = call
                .assertion_results
                .iter()
                .map(|a| AssertionOutcome {
                    id: a.assertion_id.clone(),
                    name: a
                        .assertion_name
                        .clone()
                        .or_else(|| a.assertion_id.clone())
                        .unwrap_or_else(|| "unnamed assertion".to_owned()),
                    status: a
                        .status
                        .clone()
                        .map(|s| s.trim().to_ascii_uppercase())
                        .unwrap_or_else(|| "UNKNOWN".to_owned()),
                    reason: a.reason.as_deref().map(one_line),
                })
                .collect();
            let reason = call_reason(&status, &assertions);
            CallOutcome {
                id: call.id.clone(),
                title: titles.get(&case_id).cloned(),
                test_case_id: case_id,
                index: *index,
                status: status.as_str().to_owned(),
                duration_seconds: call.duration_seconds,
                flaky: false,
                reason,
                assertions,
                metrics: call.metrics.clone(),
                recording_url: call.recording_url.clone(),
                transcript_url: call.transcription_data_url.clone(),
                link: call
                    .transcription_data_url
                    .clone()
                    .or_else(|| call.recording_url.clone())
                    .or_else(|| results_url.map(str::to_owned)),
                wave,
            }
        })
        .collect()
}

/// Why a call did not pass, in one line; `None` for a passed call.
fn call_reason(status: &CallStatus, assertions: &[AssertionOutcome]) -> Option<String> {
    let failing: Vec<String> = assertions
        .iter()
        .filter(|a| matches!(a.status.as_str(), "FAILED" | "ERROR"))
        .map(|a| match &a.reason {
            Some(reason) => format!("`{}` {}: {reason}", a.name, a.status),
            None => format!("`{}` {}", a.name, a.status),
        })
        .collect();
    let detail = if failing.is_empty() {
        String::new()
    } else {
        format!(": {}", failing.join("; "))
    };
    match status {
        CallStatus::Passed => None,
        CallStatus::Failed if failing.is_empty() => {
            Some("the call FAILED; no failing assertion was reported".to_owned())
        }
        CallStatus::Failed => Some(format!("the call FAILED{detail}")),
        CallStatus::Error => Some(format!("the call ended in ERROR{detail}")),
        CallStatus::Pending => {
            Some("the call had not finished when the results were last fetched".to_owned())
        }
        CallStatus::Other(s) => Some(format!(
            "the call has the unknown status `{s}`, counted as not passed"
        )),
    }
}

/// Collapses a multi-line text into one line.
pub(super) fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Counts the calls by status; anything not finished or unknown counts as pending.
pub(super) fn counts(calls: &[CallOutcome]) -> Counts {
    let mut counts = Counts {
        total: calls.len() as u64,
        ..Counts::default()
    };
    for call in calls {
        match call.status.as_str() {
            "PASSED" => counts.passed += 1,
            "FAILED" => counts.failed += 1,
            "ERROR" => counts.errored += 1,
            _ => counts.pending += 1,
        }
    }
    counts
}

/// Finds the cases whose calls include both a pass and a failure or error, and marks their
/// calls as flaky.
pub(super) fn mark_flaky(calls: &mut [CallOutcome]) -> Vec<FlakyCase> {
    let mut by_case: IndexMap<&str, FlakyCase> = IndexMap::new();
    for call in calls.iter() {
        let case = by_case
            .entry(call.test_case_id.as_str())
            .or_insert_with(|| FlakyCase {
                test_case_id: call.test_case_id.clone(),
                title: call.title.clone(),
                calls: 0,
                passed: 0,
                failed: 0,
                errored: 0,
            });
        case.calls += 1;
        match call.status.as_str() {
            "PASSED" => case.passed += 1,
            "FAILED" => case.failed += 1,
            "ERROR" => case.errored += 1,
            _ => {}
        }
    }
    let flaky: Vec<FlakyCase> = by_case
        .into_values()
        .filter(|c| c.passed > 0 && c.failed + c.errored > 0)
        .collect();
    for call in calls.iter_mut() {
        call.flaky = flaky.iter().any(|f| f.test_case_id == call.test_case_id);
    }
    flaky
}
