//! Per-call results: each call's status and reason, the counts, and flaky cases.

use indexmap::IndexMap;

use crate::api::wire::{CallResult, CallStatus};
use crate::outcome::{AssertionOutcome, CallOutcome, Counts, FlakyCase, NumberCounts, Transcript};

/// The key under which a call without a `testCaseId` is grouped.
const UNKNOWN_CASE: &str = "unknown";

/// Turns the results' calls into call outcomes. Each call is tied to the number its result
/// names (`phoneNumber`, else `toNumber`), never to a guessed one, and the calls of each case
/// at each number are numbered in the order the results list them. `seen` holds the calls
/// already numbered per case and number, so a later wave's calls continue the count.
pub(super) fn call_outcomes(
    results: &[CallResult],
    titles: &IndexMap<String, String>,
    results_url: Option<&str>,
    seen: &mut IndexMap<(String, Option<String>), u32>,
    wave: Option<u32>,
) -> Vec<CallOutcome> {
    results
        .iter()
        .map(|call| {
            let case_id = call
                .test_case_id
                .clone()
                .unwrap_or_else(|| UNKNOWN_CASE.to_owned());
            let phone_number = call.number().map(str::to_owned);
            let index = seen
                .entry((case_id.clone(), phone_number.clone()))
                .or_insert(0);
            *index += 1;
            let status = CallStatus::parse(call.status.as_deref());
            let recording_url = call.recording().map(str::to_owned);
            // A judged call has a recording; when its link is not out yet, say so.
            let recording_pending = recording_url.is_none()
                && matches!(status, CallStatus::Passed | CallStatus::Failed);
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
                phone_number,
                index: *index,
                status: status.as_str().to_owned(),
                duration_seconds: call.duration_seconds,
                flaky: false,
                reason,
                assertions,
                metrics: call.metrics.clone(),
                link: call
                    .transcription_data_url
                    .clone()
                    .or_else(|| recording_url.clone())
                    .or_else(|| results_url.map(str::to_owned)),
                recording_url,
                recording_pending,
                transcript_url: call.transcription_data_url.clone(),
                wave,
                // Only the calls a reader will look into keep their words.
                transcript: (status != CallStatus::Passed)
                    .then(|| Transcript::bounded(call.transcript_messages()))
                    .flatten(),
                quarantined: None,
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

/// Counts the calls by status (never from the summary's `stats`); anything not finished or
/// unknown counts as pending.
pub(super) fn counts(calls: &[CallOutcome]) -> Counts {
    counts_of(calls.iter())
}

fn counts_of<'a>(calls: impl Iterator<Item = &'a CallOutcome>) -> Counts {
    let mut counts = Counts::default();
    for call in calls {
        counts.total += 1;
        match call.status.as_str() {
            "PASSED" => counts.passed += 1,
            "FAILED" => counts.failed += 1,
            "ERROR" => counts.errored += 1,
            _ => counts.pending += 1,
        }
    }
    counts
}

/// The calls counted per number, numbers in the order they first appear; calls whose
/// results name no number are counted together, under no number.
pub(super) fn by_number(calls: &[CallOutcome]) -> Vec<NumberCounts> {
    let mut numbers: Vec<Option<&str>> = Vec::new();
    for call in calls {
        let number = call.phone_number.as_deref();
        if !numbers.contains(&number) {
            numbers.push(number);
        }
    }
    numbers
        .into_iter()
        .map(|number| NumberCounts {
            phone_number: number.map(str::to_owned),
            counts: counts_of(calls.iter().filter(|c| c.phone_number.as_deref() == number)),
        })
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn outcomes(results: serde_json::Value) -> Vec<CallOutcome> {
        let body: crate::api::wire::ResultsBody =
            serde_json::from_value(json!({ "results": results })).unwrap_or_default();
        call_outcomes(
            &body.results,
            &IndexMap::new(),
            Some("https://ui/run"),
            &mut IndexMap::new(),
            None,
        )
    }

    #[test]
    fn calls_are_numbered_per_case_and_number_and_never_tied_to_a_guessed_number() {
        let calls = outcomes(json!([
            { "testCaseId": "c", "status": "PASSED", "phoneNumber": "+14155550100" },
            { "testCaseId": "c", "status": "PASSED", "toNumber": "+14155550101" },
            { "testCaseId": "c", "status": "FAILED", "phoneNumber": "+14155550100" },
            { "testCaseId": "c", "status": "PASSED" },
            { "testCaseId": "c", "status": "PENDING" },
        ]));
        let names: Vec<String> = calls.iter().map(CallOutcome::display_name).collect();
        assert_eq!(
            names,
            [
                "[c] +14155550100 #1",
                "[c] +14155550101 #1",
                "[c] +14155550100 #2",
                "[c] #1",
                "[c] #2"
            ]
        );
        let numbers = by_number(&calls);
        let rows: Vec<(Option<&str>, u64, u64)> = numbers
            .iter()
            .map(|n| (n.phone_number.as_deref(), n.counts.total, n.counts.passed))
            .collect();
        assert_eq!(
            rows,
            [
                (Some("+14155550100"), 2, 1),
                (Some("+14155550101"), 1, 1),
                (None, 2, 1)
            ]
        );
    }

    #[test]
    fn a_judged_call_without_its_recording_link_is_recording_pending() {
        let calls = outcomes(json!([
            { "testCaseId": "c", "status": "PASSED", "recordingUrl": "https://m/1.wav" },
            { "testCaseId": "c", "status": "FAILED", "recordingUrl": "" },
            { "testCaseId": "c", "status": "PASSED", "recordingUrl": null },
            { "testCaseId": "c", "status": "ERROR" },
            { "testCaseId": "c", "status": "PENDING" },
        ]));
        let pending: Vec<bool> = calls.iter().map(|c| c.recording_pending).collect();
        assert_eq!(pending, [false, true, true, false, false]);
        assert_eq!(calls[1].recording_url, None);
        assert_eq!(calls[1].link.as_deref(), Some("https://ui/run"));
    }
}
