//! JUnit's account of the comparison with a baseline and of quarantine: the comparison in
//! the suite's properties (its failure text is the `baseline` check's, under `thresholds`),
//! and each call of a quarantined case that did not pass as skipped, with why.

use quick_junit::{Property, TestCaseStatus};

use super::baseline_text;
use super::junit::{details, line, text};
use crate::outcome::{CallOutcome, SuiteOutcome};

/// The suite's properties of the comparison (`baseline_*`) and of quarantine.
pub(super) fn properties(suite: &SuiteOutcome) -> Vec<Property> {
    let mut out = Vec::new();
    if let Some(comparison) = &suite.baseline {
        out.push(Property::new("baseline_report", line(&comparison.report)));
        out.push(Property::new("baseline_status", comparison.status.as_str()));
        out.push(Property::new(
            "baseline",
            line(&baseline_text::headline(comparison)),
        ));
        if let Some(test) = &comparison.test {
            out.push(Property::new("baseline_p_value", test.p_value.to_string()));
            out.push(Property::new("baseline_test", line(&test.method)));
        }
        for rate in &comparison.rates {
            out.push(Property::new(
                format!("baseline_{}", line(&rate.name)),
                baseline_text::delta(rate),
            ));
        }
        for kind in baseline_text::GROUPS {
            let ids: Vec<&str> = comparison
                .cases_of(kind)
                .map(|c| c.test_case_id.as_str())
                .collect();
            if !ids.is_empty() {
                out.push(Property::new(
                    format!("baseline_{}", kind.as_str()),
                    line(&ids.join(",")),
                ));
            }
        }
        out.push(Property::new("baseline_reason", line(&comparison.reason)));
    }
    if !suite.quarantine.is_empty() {
        let entries: Vec<String> = suite
            .quarantine
            .iter()
            .map(|q| {
                format!(
                    "{} until {}{}",
                    q.test_case_id,
                    q.until,
                    if q.expired { " (expired)" } else { "" }
                )
            })
            .collect();
        out.push(Property::new("quarantined_cases", line(&entries.join(","))));
    }
    out
}

/// A call of a quarantined case that did not pass: skipped, with the quarantine and the
/// call's own account.
pub(super) fn quarantined(
    suite: &SuiteOutcome,
    call: &CallOutcome,
    status: &str,
    reason: &str,
) -> TestCaseStatus {
    let until = suite
        .quarantined(&call.test_case_id)
        .map(|q| format!(" until {}", q.until))
        .unwrap_or_default();
    let what = call
        .reason
        .clone()
        .unwrap_or_else(|| format!("the call ended {status}"));
    let mut skipped = TestCaseStatus::skipped();
    skipped
        .set_message(line(&format!("quarantined{until} ({reason}): {what}")))
        .set_type("quarantined");
    let lines = details(suite, call);
    if !lines.is_empty() {
        skipped.set_description(text(&lines.join("\n")));
    }
    skipped
}
