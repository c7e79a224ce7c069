use indexmap::IndexMap;
use serde_json::json;

use super::*;
use crate::outcome::fixtures::{bound, call, observation, results, suite, summary, thresholds};
use crate::outcome::{CheckStatus, ThresholdCheck};
use crate::suite::ResolvedThresholds;
use crate::suite::model::NoAssertions;

fn judged(
    t: ResolvedThresholds,
    summary: serde_json::Value,
    calls: Vec<serde_json::Value>,
) -> SuiteOutcome {
    judge(observation(
        suite("s", t),
        Some(results(summary, calls)),
        RunEnd::Finished,
    ))
}

pub(super) fn check<'a>(outcome: &'a SuiteOutcome, name: &str) -> &'a ThresholdCheck {
    outcome
        .checks
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no check `{name}` in {:#?}", outcome.checks))
}

fn passed_call(case: &str) -> serde_json::Value {
    call(case, "PASSED", &[])
}

#[test]
fn all_passed_calls_pass_the_default_pass_rate() {
    let outcome = judged(
        thresholds(),
        json!({}),
        vec![passed_call("a"), passed_call("b")],
    );
    assert_eq!(outcome.verdict, Verdict::Passed);
    let c = check(&outcome, "min_test_pass_rate");
    assert_eq!(c.status, CheckStatus::Passed);
    assert_eq!(c.expected, ">= 1.0 (default)");
    assert_eq!(c.measured.as_deref(), Some("1.0 (2/2 calls passed)"));
    assert_eq!(outcome.pass_rate, Some(1.0));
    assert_eq!(outcome.counts.passed, 2);
}

#[test]
fn a_failed_call_fails_the_default_pass_rate() {
    let outcome = judged(
        thresholds(),
        json!({}),
        vec![
            passed_call("a"),
            call("b", "FAILED", &[("Greets", "FAILED", Some("no greeting"))]),
        ],
    );
    assert_eq!(outcome.verdict, Verdict::Failed);
    assert_eq!(outcome.verdict.exit_code(), crate::exit::GATE_FAILED);
    let c = check(&outcome, "min_test_pass_rate");
    assert_eq!(c.status, CheckStatus::Failed);
    assert!(
        c.reason.contains("pass rate 0.5 is below 1.0"),
        "{}",
        c.reason
    );
    let failing: Vec<_> = outcome.failing_calls().collect();
    assert_eq!(failing.len(), 1);
    assert_eq!(
        failing[0].reason.as_deref(),
        Some("the call FAILED: `Greets` FAILED: no greeting")
    );
}

#[test]
fn pending_calls_count_as_not_passed() {
    let t = ResolvedThresholds {
        min_test_pass_rate: 0.6,
        ..thresholds()
    };
    let outcome = judged(
        t,
        json!({}),
        vec![passed_call("a"), call("b", "PENDING", &[])],
    );
    assert_eq!(
        check(&outcome, "min_test_pass_rate").status,
        CheckStatus::Failed
    );
    assert_eq!(outcome.counts.pending, 1);
    assert_eq!(check(&outcome, "min_test_pass_rate").expected, ">= 0.6");
}

#[test]
fn zero_calls_are_a_platform_error_not_a_pass() {
    let outcome = judged(thresholds(), json!({ "status": "COMPLETED" }), vec![]);
    assert_eq!(outcome.verdict, Verdict::Error);
    assert_eq!(outcome.reason, NO_CALLS);
    // A run that cannot be judged judges no threshold: none may read as passed or failed.
    assert_eq!(
        check(&outcome, "min_test_pass_rate").status,
        CheckStatus::NotEvaluated
    );
    let no_body = judge(observation(
        suite("s", thresholds()),
        None,
        RunEnd::Finished,
    ));
    assert_eq!(no_body.verdict, Verdict::Error);
}

#[test]
fn assertion_score_passes_and_fails_on_the_0_to_100_scale() {
    let t = ResolvedThresholds {
        min_assertion_score: Some(0.9),
        ..thresholds()
    };
    let ok = judged(t.clone(), summary(92.0, json!([])), vec![passed_call("a")]);
    let c = check(&ok, "min_assertion_score");
    assert_eq!(c.status, CheckStatus::Passed);
    assert_eq!(c.measured.as_deref(), Some("0.92"));
    assert_eq!(ok.assertion_score, Some(0.92));
    let low = judged(
        t,
        summary(89.5, json!([{ "name": "x", "score": 89.5 }])),
        vec![passed_call("a")],
    );
    let c = check(&low, "min_assertion_score");
    assert_eq!(c.status, CheckStatus::Failed);
    assert_eq!(c.reason, "overall assertion score 0.895 is below 0.9");
    assert_eq!(low.verdict, Verdict::Failed);
}

#[test]
fn no_assertions_fails_an_assertion_threshold_by_default() {
    let t = ResolvedThresholds {
        min_assertion_score: Some(0.9),
        must_pass_assertions: vec!["Verifies identity".into()],
        ..thresholds()
    };
    let outcome = judged(t, summary(0.0, json!([])), vec![passed_call("a")]);
    assert_eq!(outcome.verdict, Verdict::Failed);
    let c = check(&outcome, "min_assertion_score");
    assert_eq!(c.status, CheckStatus::Failed);
    assert!(
        c.reason
            .starts_with("no assertions are configured for this run"),
        "{}",
        c.reason
    );
    assert!(c.reason.contains("no_assertions: skip"));
    assert_eq!(
        check(&outcome, "must_pass_assertions.Verifies identity").status,
        CheckStatus::Failed
    );
}

#[test]
fn no_assertions_skip_reports_the_check_as_skipped() {
    let t = ResolvedThresholds {
        min_assertion_score: Some(0.9),
        categories: IndexMap::from([("Compliance".into(), 0.9)]),
        no_assertions: NoAssertions::Skip,
        ..thresholds()
    };
    let outcome = judged(t, summary(0.0, json!([])), vec![passed_call("a")]);
    assert_eq!(outcome.verdict, Verdict::Passed);
    assert_eq!(
        check(&outcome, "min_assertion_score").status,
        CheckStatus::Skipped
    );
    assert_eq!(
        check(&outcome, "categories.Compliance").status,
        CheckStatus::Skipped
    );
}

#[test]
fn no_assertions_policy_is_silent_without_an_assertion_threshold() {
    let outcome = judged(
        thresholds(),
        summary(0.0, json!([])),
        vec![passed_call("a")],
    );
    assert_eq!(outcome.verdict, Verdict::Passed);
    assert_eq!(outcome.checks.len(), 1);
}

#[test]
fn category_minimums_pass_fail_and_name_missing_categories() {
    let t = ResolvedThresholds {
        categories: IndexMap::from([
            ("Compliance".into(), 0.95),
            ("Tone".into(), 0.8),
            ("Accuracy".into(), 0.5),
        ]),
        ..thresholds()
    };
    let cats = json!([
        { "name": "Compliance", "score": 97 },
        { "name": "tone", "score": 70 },
        { "name": "Empathy", "score": 90 }
    ]);
    let outcome = judged(t, summary(85.0, cats), vec![passed_call("a")]);
    assert_eq!(
        check(&outcome, "categories.Compliance").status,
        CheckStatus::Passed
    );
    let tone = check(&outcome, "categories.Tone");
    assert_eq!(tone.status, CheckStatus::Failed);
    assert_eq!(tone.reason, "category `Tone` scored 0.7, below 0.8");
    let missing = check(&outcome, "categories.Accuracy");
    assert_eq!(missing.status, CheckStatus::Failed);
    assert_eq!(
        missing.reason,
        "category `Accuracy` is not in the results; categories in the run: `Compliance`, `tone`, `Empathy`"
    );
}

#[test]
fn must_pass_assertions_need_every_evaluation_to_pass() {
    let t = ResolvedThresholds {
        must_pass_assertions: vec![
            "Verifies identity".into(),
            "Says goodbye".into(),
            "Never run".into(),
        ],
        ..thresholds()
    };
    let outcome = judged(
        t,
        summary(80.0, json!([{ "name": "c", "score": 80 }])),
        vec![
            call(
                "a",
                "PASSED",
                &[
                    ("Verifies identity", "PASSED", None),
                    ("Says goodbye", "PASSED", None),
                ],
            ),
            call(
                "b",
                "FAILED",
                &[
                    ("Verifies identity", "FAILED", Some("skipped the check")),
                    ("Says goodbye", "PASSED", None),
                ],
            ),
        ],
    );
    let identity = check(&outcome, "must_pass_assertions.Verifies identity");
    assert_eq!(identity.status, CheckStatus::Failed);
    assert_eq!(
        identity.measured.as_deref(),
        Some("failed in 1 of 2 evaluations")
    );
    assert_eq!(identity.test_case_id.as_deref(), Some("b"));
    assert!(
        identity.reason.ends_with(": skipped the check"),
        "{}",
        identity.reason
    );
    assert_eq!(
        check(&outcome, "must_pass_assertions.Says goodbye").status,
        CheckStatus::Passed
    );
    let never = check(&outcome, "must_pass_assertions.Never run");
    assert_eq!(never.status, CheckStatus::Failed);
    assert_eq!(never.reason, "assertion `Never run` was never evaluated");
}

#[test]
fn metric_bounds_use_the_summary_value_first() {
    let t = ResolvedThresholds {
        metrics: IndexMap::from([
            ("latencyP90".into(), bound(None, Some(2.0))),
            ("latencyP50".into(), bound(Some(0.1), Some(0.5))),
        ]),
        ..thresholds()
    };
    let s =
        json!({ "metrics": { "latencyP90": { "value": 2.4, "unit": "s" }, "latencyP50": 0.3 } });
    let outcome = judged(t, s, vec![passed_call("a")]);
    let p90 = check(&outcome, "metrics.latencyP90");
    assert_eq!(p90.status, CheckStatus::Failed);
    assert_eq!(p90.measured.as_deref(), Some("2.4 s"));
    assert_eq!(
        p90.reason,
        "metric `latencyP90` (run summary): 2.4 is above the maximum 2.0"
    );
    assert_eq!(
        check(&outcome, "metrics.latencyP50").status,
        CheckStatus::Passed
    );
}

#[test]
fn metric_bounds_fall_back_to_the_worst_call_and_name_missing_metrics() {
    let t = ResolvedThresholds {
        metrics: IndexMap::from([
            ("latencyP90".into(), bound(None, Some(2.0))),
            ("interactivityScore".into(), bound(Some(0.5), None)),
        ]),
        ..thresholds()
    };
    // Every fixture call reports latencyP90 = 1.8 and nothing else.
    let outcome = judged(t, json!({}), vec![passed_call("a"), passed_call("b")]);
    let p90 = check(&outcome, "metrics.latencyP90");
    assert_eq!(p90.status, CheckStatus::Passed);
    assert_eq!(p90.measured.as_deref(), Some("1.8 (highest of 2 calls)"));
    let missing = check(&outcome, "metrics.interactivityScore");
    assert_eq!(missing.status, CheckStatus::Failed);
    assert_eq!(
        missing.reason,
        "metric `interactivityScore` is not in the results; metrics in the results: latencyP90"
    );

    let strict = ResolvedThresholds {
        metrics: IndexMap::from([("latencyP90".into(), bound(None, Some(1.5)))]),
        ..thresholds()
    };
    let outcome = judged(strict, json!({}), vec![passed_call("a")]);
    assert_eq!(
        check(&outcome, "metrics.latencyP90").status,
        CheckStatus::Failed
    );
}

#[test]
fn flaky_cases_are_reported_and_judged_per_case() {
    let t = ResolvedThresholds {
        min_test_pass_rate: 0.5,
        min_case_pass_rate: Some(0.6),
        ..thresholds()
    };
    let outcome = judged(
        t,
        json!({}),
        vec![
            passed_call("a"),
            call("a", "FAILED", &[]),
            call("a", "ERROR", &[]),
            passed_call("b"),
            passed_call("b"),
            passed_call("b"),
        ],
    );
    assert_eq!(outcome.flaky.len(), 1);
    let flaky = &outcome.flaky[0];
    assert_eq!(
        (
            flaky.test_case_id.as_str(),
            flaky.passed,
            flaky.failed,
            flaky.errored
        ),
        ("a", 1, 1, 1)
    );
    assert!(
        outcome
            .calls
            .iter()
            .filter(|c| c.test_case_id == "a")
            .all(|c| c.flaky)
    );
    assert!(
        outcome
            .calls
            .iter()
            .filter(|c| c.test_case_id == "b")
            .all(|c| !c.flaky)
    );
    let indexes: Vec<u32> = outcome.calls.iter().map(|c| c.index).collect();
    assert_eq!(indexes, [1, 2, 3, 1, 2, 3]);
    let case = check(&outcome, "min_case_pass_rate");
    assert_eq!(case.status, CheckStatus::Failed);
    assert_eq!(case.test_case_id.as_deref(), Some("a"));
    assert_eq!(case.measured.as_deref(), Some("0.333 (1/3 calls passed)"));
    assert_eq!(outcome.verdict, Verdict::Failed);
}

#[test]
fn case_pass_rate_passes_when_every_case_clears_it() {
    let t = ResolvedThresholds {
        min_case_pass_rate: Some(0.5),
        min_test_pass_rate: 0.5,
        ..thresholds()
    };
    let outcome = judged(
        t,
        json!({}),
        vec![passed_call("a"), call("a", "FAILED", &[]), passed_call("b")],
    );
    let case = check(&outcome, "min_case_pass_rate");
    assert_eq!(case.status, CheckStatus::Passed);
    assert_eq!(case.measured.as_deref(), Some("lowest 0.5 ([a])"));
    assert_eq!(outcome.verdict, Verdict::Passed);
    assert_eq!(
        outcome.flaky.len(),
        1,
        "a flaky case is reported even when the gate holds"
    );
}

#[test]
fn a_timeout_judges_the_partial_results() {
    let obs = observation(
        suite("s", thresholds()),
        Some(results(
            json!({ "status": "RUNNING" }),
            vec![passed_call("a"), call("b", "PENDING", &[])],
        )),
        RunEnd::TimedOut,
    );
    let outcome = judge(obs);
    assert_eq!(outcome.verdict, Verdict::TimedOut);
    assert_eq!(outcome.end, EndKind::TimedOut);
    assert_eq!(outcome.verdict.exit_code(), crate::exit::TIMEOUT);
    assert_eq!(
        outcome.reason,
        "timed out after 1m35s with 1 of 2 calls finished; the finished calls were judged"
    );
    assert_eq!(
        check(&outcome, "min_test_pass_rate").status,
        CheckStatus::Failed
    );
    assert_eq!(outcome.calls.len(), 2);
}

#[test]
fn an_interruption_is_reported_as_such() {
    let obs = observation(
        suite("s", thresholds()),
        Some(results(json!({}), vec![passed_call("a")])),
        RunEnd::Interrupted,
    );
    let outcome = judge(obs);
    assert_eq!(outcome.verdict, Verdict::Interrupted);
    assert_eq!(outcome.verdict.exit_code(), crate::exit::INTERRUPTED);
}

#[test]
fn failed_and_canceled_runs_are_platform_errors() {
    for status in [RunStatus::Failed, RunStatus::Canceled] {
        let mut obs = observation(
            suite("s", thresholds()),
            Some(results(json!({}), vec![passed_call("a")])),
            RunEnd::Finished,
        );
        obs.last_status = Some(status.clone());
        let outcome = judge(obs);
        assert_eq!(outcome.verdict, Verdict::Error, "{status:?}");
        assert_eq!(outcome.verdict.exit_code(), crate::exit::PLATFORM);
        assert_eq!(
            outcome.reason,
            format!(
                "run cmrun0000000000000000001 ended {} on Hamming; its results cannot be judged",
                status.as_str()
            )
        );
        assert_eq!(outcome.run_status.as_deref(), Some(status.as_str()));
        // The calls passed, but a run that cannot be judged judges no threshold.
        let check = check(&outcome, "min_test_pass_rate");
        assert_eq!(check.status, CheckStatus::NotEvaluated, "{status:?}");
        assert_eq!(check.reason, "not evaluated: the run cannot be judged");
        assert_eq!(check.measured.as_deref(), Some("1.0 (1/1 calls passed)"));
    }
}

#[test]
fn a_refused_suite_is_refused_with_nothing_judged() {
    let outcome = judge(observation(
        suite("s", thresholds()),
        None,
        RunEnd::Refused {
            message: "unknown agent `cmagent2`".into(),
        },
    ));
    assert_eq!(outcome.verdict, Verdict::Refused);
    assert_eq!(outcome.end, EndKind::NotStarted);
    assert!(outcome.checks.is_empty());
    assert_eq!(
        outcome.reason,
        "refused before its run was created (nothing was placed): unknown agent `cmagent2`"
    );
}

#[test]
fn a_threshold_that_fails_per_case_is_named_once_with_a_count() {
    let t = ResolvedThresholds {
        min_test_pass_rate: 0.0,
        min_case_pass_rate: Some(1.0),
        ..thresholds()
    };
    let outcome = judged(
        t,
        json!({}),
        vec![
            call("a", "FAILED", &[]),
            call("b", "FAILED", &[]),
            passed_call("c"),
        ],
    );
    assert_eq!(
        outcome.reason,
        "2 of 3 threshold checks failed: min_case_pass_rate (×2)"
    );
}

#[test]
fn an_interrupted_run_says_it_goes_on_and_is_billed() {
    let outcome = judge(observation(
        suite("s", thresholds()),
        Some(results(json!({}), vec![passed_call("a")])),
        RunEnd::Interrupted,
    ));
    assert_eq!(outcome.verdict, Verdict::Interrupted);
    assert!(
        outcome.reason.ends_with(
            "run cmrun0000000000000000001 goes on on Hamming, where its calls are still placed (and billed)"
        ),
        "{}",
        outcome.reason
    );
}

#[test]
fn runs_that_never_started_or_could_not_be_followed_are_platform_errors() {
    let mut obs = observation(
        suite("s", thresholds()),
        None,
        RunEnd::NotStarted {
            message: "401 Unauthorized".into(),
        },
    );
    obs.run_id = None;
    let outcome = judge(obs);
    assert_eq!(outcome.verdict, Verdict::Error);
    assert_eq!(outcome.end, EndKind::NotStarted);
    assert_eq!(
        outcome.reason,
        "the run could not be created: 401 Unauthorized"
    );
    assert!(outcome.checks.is_empty());

    let obs = observation(
        suite("s", thresholds()),
        None,
        RunEnd::PlatformError {
            message: "status polls failed for 5m".into(),
        },
    );
    let outcome = judge(obs);
    assert_eq!(outcome.verdict, Verdict::Error);
    assert_eq!(
        outcome.reason,
        "run cmrun0000000000000000001 could not be followed: status polls failed for 5m"
    );
}

#[test]
fn calls_link_to_the_transcript_else_the_recording_else_the_run() {
    let mut bare = passed_call("a");
    bare["recordingUrl"] = json!(null);
    let outcome = judged(thresholds(), json!({}), vec![bare, passed_call("b")]);
    assert_eq!(
        outcome.calls[0].link.as_deref(),
        Some("https://app.hamming.ai/test-runs/cmrun0000000000000000001")
    );
    assert_eq!(
        outcome.calls[1].link.as_deref(),
        Some("https://storage.example/tcr_b_passed.wav")
    );
}

#[test]
fn case_lines_come_from_the_suite_source() {
    let outcome = judged(thresholds(), json!({}), vec![passed_call("a")]);
    assert_eq!(outcome.source.line, 12);
    assert_eq!(
        outcome.source.test_case_lines.get("case_billing"),
        Some(&19)
    );
    assert_eq!(outcome.calls[0].title, None);
}

#[test]
fn must_pass_assertions_may_be_named_by_id() {
    let t = ResolvedThresholds {
        must_pass_assertions: vec!["as_verifies_identity".into()],
        ..thresholds()
    };
    let outcome = judged(
        t,
        json!({}),
        vec![call(
            "a",
            "PASSED",
            &[("Verifies identity", "PASSED", None)],
        )],
    );
    let c = check(&outcome, "must_pass_assertions.as_verifies_identity");
    assert_eq!(c.status, CheckStatus::Passed);
}

#[test]
fn the_summary_status_stands_in_when_no_status_was_seen() {
    let mut obs = observation(
        suite("s", thresholds()),
        Some(results(
            json!({ "status": "CANCELLED" }),
            vec![passed_call("a")],
        )),
        RunEnd::Finished,
    );
    obs.last_status = None;
    let outcome = judge(obs);
    assert_eq!(outcome.verdict, Verdict::Error);
    assert_eq!(outcome.run_status.as_deref(), Some("CANCELLED"));
}
