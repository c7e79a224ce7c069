//! Quarantine in the gate: a quarantined case's calls are reported and marked but judged by
//! no check, the run-wide assertion score is measured without them, and an expired
//! quarantine gates again.

use serde_json::json;

use super::tests::check;
use super::*;
use crate::outcome::CheckStatus;
use crate::outcome::fixtures::{
    call, calls_of, epoch, observation, results, statistics, suite, summary, thresholds,
};
use crate::suite::{Date, Quarantine, ResolvedThresholds};

fn entry(case: &str, expired: bool) -> Quarantine {
    Quarantine {
        test_case_id: case.to_owned(),
        until: Date::of(epoch()).plus_days(if expired { -1 } else { 30 }),
        reason: "known bug".to_owned(),
        expired,
        pointer: String::new(),
        line: 0,
        inherited: false,
    }
}

fn judged(
    t: ResolvedThresholds,
    quarantine: Vec<Quarantine>,
    summary: serde_json::Value,
    calls: Vec<serde_json::Value>,
) -> SuiteOutcome {
    let mut observed = observation(
        suite("s", t),
        Some(results(summary, calls)),
        RunEnd::Finished,
    );
    observed.suite.quarantine = quarantine;
    judge(observed)
}

fn strict() -> ResolvedThresholds {
    ResolvedThresholds {
        min_assertion_score: Some(0.9),
        categories: [("Compliance".to_owned(), 0.9)].into_iter().collect(),
        ..thresholds()
    }
}

/// A refund call that fails its Compliance assertion and a billing call that passes it; the
/// run summary (scores over both calls) says 50.
fn mixed() -> (serde_json::Value, Vec<serde_json::Value>) {
    let summary = summary(
        50.0,
        json!([{ "name": "Compliance", "score": 50.0, "assertionIds": ["as_verifies_identity"] }]),
    );
    let calls = vec![
        call(
            "case_refund",
            "FAILED",
            &[("Verifies identity", "FAILED", Some("no id check"))],
        ),
        call(
            "case_billing",
            "PASSED",
            &[("Verifies identity", "PASSED", None)],
        ),
    ];
    (summary, calls)
}

#[test]
fn a_quarantined_case_is_reported_but_gates_nothing() {
    let (summary, calls) = mixed();
    let outcome = judged(strict(), vec![entry("case_refund", false)], summary, calls);
    assert_eq!(outcome.verdict, Verdict::Passed, "{:#?}", outcome.checks);
    assert_eq!(
        outcome.counts.total, 2,
        "the quarantined call is still counted"
    );
    assert_eq!(outcome.calls[0].quarantined.as_deref(), Some("known bug"));
    assert_eq!(outcome.calls[1].quarantined, None);
    let rate = check(&outcome, "min_test_pass_rate");
    assert_eq!(rate.measured.as_deref(), Some("1.0 (1/1 calls passed)"));
    // The run's own score (50) counts the quarantined call; the gate measures the others.
    assert_eq!(
        check(&outcome, "min_assertion_score").measured.as_deref(),
        Some("1.0")
    );
    assert_eq!(
        check(&outcome, "categories.Compliance").status,
        CheckStatus::Passed
    );
    assert_eq!(
        outcome.assertion_score,
        Some(0.5),
        "the reported score is the run's"
    );
    assert!(
        outcome
            .reason
            .ends_with("1 call of 1 quarantined case was reported but not judged"),
        "{}",
        outcome.reason
    );
    let listed = &outcome.quarantine[0];
    assert_eq!((listed.calls, listed.passed, listed.expired), (1, 0, false));
    assert_eq!(listed.title.as_deref(), Some("Refund request"));
}

#[test]
fn an_expired_quarantine_gates_again() {
    let (summary, calls) = mixed();
    let outcome = judged(strict(), vec![entry("case_refund", true)], summary, calls);
    assert_eq!(outcome.verdict, Verdict::Failed);
    assert!(outcome.calls.iter().all(|c| c.quarantined.is_none()));
    assert_eq!(
        check(&outcome, "min_assertion_score").measured.as_deref(),
        Some("0.5")
    );
    assert!(outcome.quarantine[0].expired);
    assert!(
        !outcome.reason.contains("quarantined"),
        "{}",
        outcome.reason
    );
}

#[test]
fn a_suite_whose_every_call_is_quarantined_is_never_a_pass() {
    let outcome = judged(
        thresholds(),
        vec![entry("case_refund", false)],
        json!({}),
        calls_of("case_refund", 2, 0),
    );
    assert_eq!(outcome.verdict, Verdict::Failed);
    assert_eq!(
        check(&outcome, "min_test_pass_rate").reason,
        quarantine::ALL_QUARANTINED
    );
}

#[test]
fn an_inherited_entry_is_listed_only_when_its_case_ran() {
    let mut inherited = entry("case_elsewhere", false);
    inherited.inherited = true;
    let outcome = judged(
        thresholds(),
        vec![inherited, entry("case_missing", false)],
        json!({}),
        calls_of("case_refund", 1, 0),
    );
    let listed: Vec<&str> = outcome
        .quarantine
        .iter()
        .map(|q| q.test_case_id.as_str())
        .collect();
    assert_eq!(
        listed,
        ["case_missing"],
        "the suite's own entry is listed even without calls"
    );
    assert_eq!(outcome.verdict, Verdict::Passed);
}

#[test]
fn with_confidence_a_quarantined_case_is_no_case_rate_check_but_keeps_its_rate() {
    let t = ResolvedThresholds {
        min_test_pass_rate: 0.5,
        min_case_pass_rate: Some(0.5),
        statistics: Some(statistics()),
        ..thresholds()
    };
    let mut calls = calls_of("case_refund", 0, 40);
    calls.extend(calls_of("case_billing", 40, 0));
    let outcome = judged(t, vec![entry("case_refund", false)], json!({}), calls);
    assert_eq!(outcome.verdict, Verdict::Passed, "{:#?}", outcome.checks);
    assert!(
        outcome
            .checks
            .iter()
            .all(|c| c.test_case_id.as_deref() != Some("case_refund"))
    );
    let cases = &outcome.statistics.as_ref().unwrap().cases;
    assert_eq!(cases.len(), 2, "every case's rate is still reported");
}
