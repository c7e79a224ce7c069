//! The comparison on judged outcomes: what regresses, what only warns, what cannot be
//! compared, and that comparing again replaces the earlier comparison.

use std::path::Path;
use std::time::Duration;

use super::*;
use crate::outcome::fixtures::{epoch, outcome};
use crate::outcome::fixtures_compared::lenient;
use crate::outcome::{BaselineStatus, CaseChangeKind, CheckStatus, EndKind, Verdict};
use crate::suite::RegressionPolicy;

fn baseline_of(outcome: &Outcome) -> Baseline {
    Baseline::from_value(
        Path::new("base.json"),
        &serde_json::to_value(outcome).unwrap_or_default(),
    )
    .unwrap()
}

fn options() -> Options {
    Options {
        now: epoch() + Duration::from_secs(3600),
        max_age: DEFAULT_MAX_AGE,
    }
}

/// Two cases of five calls each: both passing before, one failing now.
fn before_and_after() -> (Outcome, Outcome) {
    let before = outcome(vec![lenient(
        "s",
        &[("case_refund", 5), ("case_billing", 5)],
    )]);
    let after = outcome(vec![lenient(
        "s",
        &[("case_refund", 0), ("case_billing", 5)],
    )]);
    (before, after)
}

#[test]
fn a_confident_drop_fails_the_suite_with_its_own_check() {
    let (before, mut after) = before_and_after();
    assert_eq!(after.exit_code, 0, "the absolute bar of 0.2 holds");
    let warnings = compare(&mut after, &baseline_of(&before), &options());
    assert!(warnings.is_empty(), "{warnings:?}");
    let suite = &after.suites[0];
    assert_eq!(suite.verdict, Verdict::Failed);
    assert_eq!(suite.reason, "1 of 2 threshold checks failed: baseline");
    let check = suite.checks.iter().find(|c| c.name == CHECK).unwrap();
    assert_eq!(check.status, CheckStatus::Failed);
    assert_eq!(
        check.test_case_id.as_deref(),
        Some("case_refund"),
        "one new failure explains it: the check points at its case"
    );
    assert_eq!((after.exit_code, after.schema_version), (1, 3));
    let comparison = suite.baseline.as_ref().unwrap();
    assert_eq!(comparison.status, BaselineStatus::Regressed);
    assert_eq!(comparison.cases[0].change, CaseChangeKind::NewFailure);
    assert_eq!(comparison.cases[1].change, CaseChangeKind::StillPassing);
}

#[test]
fn regression_warn_keeps_the_gate_and_warns() {
    let (before, mut after) = before_and_after();
    after.suites[0].regression = RegressionPolicy::Warn;
    compare(&mut after, &baseline_of(&before), &options());
    let suite = &after.suites[0];
    let check = suite.checks.iter().find(|c| c.name == CHECK).unwrap();
    assert_eq!(check.status, CheckStatus::Warning);
    assert!(
        check
            .reason
            .ends_with("thresholds.regression: warn makes this a warning")
    );
    assert_eq!(suite.verdict, Verdict::Passed);
    assert!(
        suite.reason.ends_with("; 1 check warns"),
        "{}",
        suite.reason
    );
    assert_eq!(after.exit_code, 0);
}

#[test]
fn comparing_again_replaces_the_earlier_comparison_but_never_lowers_the_exit_code() {
    let (before, mut after) = before_and_after();
    compare(&mut after, &baseline_of(&before), &options());
    let equal = after.clone();
    compare(&mut after, &baseline_of(&equal), &options());
    let suite = &after.suites[0];
    let checks: Vec<&str> = suite
        .checks
        .iter()
        .filter(|c| c.name == CHECK)
        .map(|c| c.status.as_str())
        .collect();
    assert_eq!(checks, ["passed"]);
    assert_eq!(suite.verdict, Verdict::Passed);
    assert_eq!(
        after.exit_code, 1,
        "an exit code the outcome already carried stays (as a shard's does in merge)"
    );
}

#[test]
fn a_run_that_was_not_judged_or_shares_no_case_is_not_compared() {
    let (before, mut after) = before_and_after();
    after.suites[0].end = EndKind::TimedOut;
    after.suites[0].verdict = Verdict::TimedOut;
    compare(&mut after, &baseline_of(&before), &options());
    let suite = &after.suites[0];
    assert_eq!(
        suite.verdict,
        Verdict::TimedOut,
        "a comparison never rejudges it"
    );
    assert!(suite.checks.iter().all(|c| c.name != CHECK));
    let comparison = suite.baseline.as_ref().unwrap();
    assert_eq!(comparison.status, BaselineStatus::NotCompared);
    assert!(comparison.reason.contains("was not judged (timed out)"));

    let other = outcome(vec![lenient("s", &[("case_hours", 5)])]);
    let (_, mut after) = before_and_after();
    compare(&mut after, &baseline_of(&other), &options());
    let comparison = after.suites[0].baseline.as_ref().unwrap();
    assert_eq!(comparison.status, BaselineStatus::NotCompared);
    let kinds: Vec<CaseChangeKind> = comparison.cases.iter().map(|c| c.change).collect();
    assert_eq!(
        kinds,
        [
            CaseChangeKind::New,
            CaseChangeKind::New,
            CaseChangeKind::Gone
        ]
    );
}

#[test]
fn a_quarantined_case_is_left_out_of_the_test_but_still_listed() {
    let (before, mut after) = before_and_after();
    for call in &mut after.suites[0].calls {
        if call.test_case_id == "case_refund" {
            call.quarantined = Some("known bug".to_owned());
        }
    }
    after.suites[0].quarantine = vec![crate::outcome::QuarantinedCase {
        test_case_id: "case_refund".to_owned(),
        title: None,
        until: "2026-02-01".to_owned(),
        reason: "known bug".to_owned(),
        expired: false,
        calls: 5,
        passed: 0,
        line: 0,
    }];
    compare(&mut after, &baseline_of(&before), &options());
    let comparison = after.suites[0].baseline.as_ref().unwrap();
    assert_eq!(comparison.status, BaselineStatus::Held);
    assert_eq!(comparison.now.map(|n| (n.passed, n.calls)), Some((5, 5)));
    assert!(comparison.cases[0].quarantined);
    assert!(
        !comparison.reason.contains("new failures"),
        "{}",
        comparison.reason
    );
}

#[test]
fn an_old_baseline_warns_once_with_its_age() {
    let (before, mut after) = before_and_after();
    let late = Options {
        now: epoch() + Duration::from_secs(20 * 24 * 3600),
        max_age: DEFAULT_MAX_AGE,
    };
    let warnings = compare(&mut after, &baseline_of(&before), &late);
    assert_eq!(warnings.len(), 1);
    assert!(
        warnings[0].starts_with("the baseline report base.json is 19 days old"),
        "{}",
        warnings[0]
    );
    assert_eq!(
        after.suites[0].baseline.as_ref().unwrap().warnings,
        warnings
    );
}

#[test]
fn p_values_read_with_two_significant_figures() {
    assert_eq!(p_text(0.4683), "0.47");
    assert_eq!(p_text(0.035_56), "0.036");
    assert_eq!(p_text(0.002_13), "0.0021");
    assert_eq!(p_text(0.000_096_3), "9.6e-5");
    assert_eq!(p_text(1.0), "1.00");
}

#[test]
fn an_adaptive_suite_is_compared_on_every_wave_at_its_own_confidence() {
    let before = crate::outcome::fixtures::adaptive();
    let mut after = crate::outcome::fixtures::adaptive();
    if let Some(statistics) = after.suites[0].statistics.as_mut() {
        statistics.confidence = 0.99;
    }
    let waves = after.suites[0].statistics.as_ref().unwrap().waves.len();
    assert!(waves > 1, "the fixture runs in waves");
    compare(&mut after, &baseline_of(&before), &options());
    let suite = &after.suites[0];
    let comparison = suite.baseline.as_ref().unwrap();
    let total = suite.counts.total;
    assert_eq!(
        comparison.now.map(|n| n.calls),
        Some(total),
        "the calls of all {waves} waves are pooled"
    );
    assert_eq!(comparison.baseline.map(|b| b.calls), Some(total));
    let test = comparison.test.as_ref().unwrap();
    assert_eq!(test.confidence, 0.99);
    assert_eq!(comparison.status, BaselineStatus::Held);
    let check = suite.checks.iter().find(|c| c.name == CHECK).unwrap();
    assert!(check.expected.ends_with("at 99 %)"), "{}", check.expected);
}
