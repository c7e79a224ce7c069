//! The statistical gate: interval decisions, the sequential test replayed over waves, the
//! verdict and exit code of an inconclusive suite, flaky cases under every mode, and that a
//! decision never goes back to undecided as waves are added.

use proptest::prelude::*;
use serde_json::json;

use super::tests::check;
use super::*;
use crate::outcome::CheckStatus;
use crate::outcome::fixtures::{
    self, call, calls_of, follow_up, observation, results, statistics, suite, summary, thresholds,
};
use crate::suite::{AdaptiveSamples, OnInconclusive, ResolvedThresholds, Statistics};

fn confident(bar: f64) -> ResolvedThresholds {
    ResolvedThresholds {
        min_test_pass_rate: bar,
        statistics: Some(statistics()),
        ..thresholds()
    }
}

fn judged(t: ResolvedThresholds, calls: Vec<serde_json::Value>) -> SuiteOutcome {
    judge(observation(
        suite("s", t),
        Some(results(summary(0.0, json!([])), calls)),
        RunEnd::Finished,
    ))
}

#[test]
fn a_rate_confidently_above_bar_minus_margin_passes() {
    // 60 of 60: Clopper-Pearson [0.940, 1.0] lies above 0.8.
    let outcome = judged(confident(0.9), calls_of("case_refund", 60, 0));
    let c = check(&outcome, "min_test_pass_rate");
    assert_eq!(c.status, CheckStatus::Passed);
    assert_eq!(
        c.measured.as_deref(),
        Some("1.00 [0.94, 1.00] 95 % (60/60 calls passed)")
    );
    assert_eq!(c.expected, ">= 0.9, margin 0.1");
    assert_eq!(outcome.verdict, Verdict::Passed);
    let rate = c.rate.as_ref().unwrap();
    assert_eq!((rate.successes, rate.trials), (60.0, 60));
    assert!(rate.sequential.is_none());
}

#[test]
fn a_rate_confidently_below_the_bar_fails() {
    // 30 of 50: [0.452, 0.736] lies below 0.9.
    let outcome = judged(confident(0.9), calls_of("case_refund", 30, 20));
    let c = check(&outcome, "min_test_pass_rate");
    assert_eq!(c.status, CheckStatus::Failed);
    assert!(c.reason.contains("lies below the bar 0.9"), "{}", c.reason);
    assert_eq!(outcome.verdict, Verdict::Failed);
    assert_eq!(outcome.exit_code(), crate::exit::GATE_FAILED);
}

#[test]
fn a_rate_that_cannot_be_told_from_either_is_inconclusive_and_fails_by_default() {
    let outcome = fixtures::inconclusive().suites.remove(0);
    let c = check(&outcome, "min_test_pass_rate");
    assert_eq!(c.status, CheckStatus::Inconclusive);
    assert_eq!(
        c.measured.as_deref(),
        Some("0.90 [0.55, 1.00] 95 % (9/10 calls passed)")
    );
    assert!(c.reason.starts_with("inconclusive: "), "{}", c.reason);
    assert_eq!(outcome.verdict, Verdict::Inconclusive);
    assert_eq!(outcome.exit_code(), crate::exit::GATE_FAILED);
    assert!(
        outcome
            .reason
            .contains("on_inconclusive: fail makes this exit 1"),
        "{}",
        outcome.reason
    );
}

#[test]
fn on_inconclusive_pass_exits_0_but_still_says_inconclusive() {
    let t = ResolvedThresholds {
        statistics: Some(Statistics {
            on_inconclusive: OnInconclusive::Pass,
            ..statistics()
        }),
        ..confident(0.9)
    };
    let mut calls = calls_of("case_refund", 5, 0);
    calls.extend(calls_of("case_billing", 4, 1));
    let suite = judged(t, calls);
    assert_eq!(suite.verdict, Verdict::Inconclusive);
    assert_eq!(suite.exit_code(), crate::exit::SUCCESS);
    let outcome = fixtures::outcome(vec![suite]);
    assert_eq!(outcome.exit_code, crate::exit::SUCCESS);
    assert_eq!(outcome.verdict, Verdict::Inconclusive);
    assert_eq!(
        outcome.schema_version, 2,
        "the statistical gate alone is version 2"
    );
}

#[test]
fn a_failed_check_outranks_an_inconclusive_one() {
    let t = ResolvedThresholds {
        min_case_pass_rate: Some(0.9),
        ..confident(0.5)
    };
    // The suite's 0.5 bar fails on [0.0, 0.31]; the cases are inconclusive or failed too.
    let mut calls = calls_of("case_refund", 0, 10);
    calls.extend(calls_of("case_billing", 1, 0));
    let outcome = judged(t, calls);
    assert_eq!(outcome.verdict, Verdict::Failed);
}

#[test]
fn the_wilson_interval_is_used_when_asked() {
    let t = ResolvedThresholds {
        statistics: Some(Statistics {
            interval: crate::stats::IntervalMethod::Wilson,
            ..statistics()
        }),
        ..confident(0.9)
    };
    let outcome = judged(t, calls_of("case_refund", 29, 1));
    let rate = check(&outcome, "min_test_pass_rate").rate.clone().unwrap();
    assert_eq!(rate.method, crate::stats::IntervalMethod::Wilson);
    assert!((rate.lower - 0.8333).abs() < 1e-4, "{rate:?}");
}

#[test]
fn must_pass_is_a_rate_of_one() {
    let t = ResolvedThresholds {
        min_test_pass_rate: 0.0,
        must_pass_assertions: vec!["Greets".into()],
        statistics: Some(statistics()),
        ..thresholds()
    };
    let greets = |status| call("case_refund", status, &[("Greets", status, None)]);
    // One failure is confidently below a bar of 1.
    let mut calls = vec![greets("PASSED"); 40];
    calls.push(greets("FAILED"));
    let failed = judged(t.clone(), calls);
    assert_eq!(
        check(&failed, "must_pass_assertions.Greets").status,
        CheckStatus::Failed
    );
    // Ten passes are not enough to be confident the rate is at least 0.9...
    let few = judged(t.clone(), vec![greets("PASSED"); 10]);
    assert_eq!(
        check(&few, "must_pass_assertions.Greets").status,
        CheckStatus::Inconclusive
    );
    // ...nor are 35 ((0.025)^(1/35) = 0.89998), but 36 are (0.9026).
    let not_quite = judged(t.clone(), vec![greets("PASSED"); 35]);
    assert_eq!(
        check(&not_quite, "must_pass_assertions.Greets").status,
        CheckStatus::Inconclusive
    );
    let many = judged(t, vec![greets("PASSED"); 36]);
    let c = check(&many, "must_pass_assertions.Greets");
    assert_eq!(c.status, CheckStatus::Passed, "{c:#?}");
}

#[test]
fn a_category_is_a_rate_over_calls_when_the_summary_ties_its_assertions() {
    let t = ResolvedThresholds {
        min_test_pass_rate: 0.0,
        categories: IndexMap::from([("Compliance".to_owned(), 0.9)]),
        statistics: Some(statistics()),
        ..thresholds()
    };
    let categories =
        json!([{ "name": "Compliance", "score": 95.0, "assertionIds": ["as_verifies_identity"] }]);
    let body_calls = vec![
        call(
            "case_refund",
            "PASSED",
            &[
                ("Verifies identity", "PASSED", None),
                ("Polite", "FAILED", None)
            ]
        );
        40
    ];
    let outcome = judge(observation(
        suite("s", t.clone()),
        Some(results(summary(95.0, categories), body_calls.clone())),
        RunEnd::Finished,
    ));
    let c = check(&outcome, "categories.Compliance");
    // Only the category's own assertion counts: 40 of 40 calls.
    assert_eq!(c.status, CheckStatus::Passed, "{c:#?}");
    assert_eq!(c.rate.as_ref().map(|r| r.trials), Some(40));
    // Without assertion ids, the category is judged on its score, and says so.
    let outcome = judge(observation(
        suite("s", t),
        Some(results(
            summary(95.0, json!([{ "name": "Compliance", "score": 95.0 }])),
            body_calls,
        )),
        RunEnd::Finished,
    ));
    let c = check(&outcome, "categories.Compliance");
    assert_eq!(c.status, CheckStatus::Passed);
    assert!(c.rate.is_none());
    assert!(c.reason.contains("without an interval"), "{}", c.reason);
}

#[test]
fn shares_of_several_assertions_use_the_chernoff_bound() {
    let t = ResolvedThresholds {
        min_test_pass_rate: 0.0,
        min_assertion_score: Some(0.5),
        statistics: Some(statistics()),
        ..thresholds()
    };
    let calls = vec![
        call(
            "case_refund",
            "PASSED",
            &[("A", "PASSED", None), ("B", "FAILED", None)]
        );
        30
    ];
    let outcome = judged(t, calls);
    let c = check(&outcome, "min_assertion_score");
    let rate = c.rate.as_ref().unwrap();
    assert_eq!(rate.method, crate::stats::IntervalMethod::Chernoff);
    assert_eq!((rate.successes, rate.trials), (15.0, 30));
}

#[test]
fn case_rates_carry_an_interval_and_pass_k() {
    let outcome = fixtures::inconclusive().suites.remove(0);
    let statistics = outcome.statistics.as_ref().unwrap();
    let billing = statistics
        .cases
        .iter()
        .find(|c| c.test_case_id == "case_billing")
        .unwrap();
    assert_eq!((billing.passed, billing.calls), (4, 5));
    // C(4, 3) / C(5, 3) = 4 / 10.
    let three = billing.headline_pass_k().unwrap();
    assert_eq!(three.k, 3);
    assert!((three.value - 0.4).abs() < 1e-12);
    assert_eq!(billing.pass_k.len(), 4);
}

#[test]
fn flaky_cases_are_reported_under_every_mode() {
    let flaky_calls = || {
        let mut calls = calls_of("case_refund", 3, 1);
        calls.extend(calls_of("case_billing", 4, 0));
        calls
    };
    let plain = judged(
        ResolvedThresholds {
            min_test_pass_rate: 0.5,
            ..thresholds()
        },
        flaky_calls(),
    );
    let fixed = judged(confident(0.5), flaky_calls());
    let adaptive = fixtures::adaptive().suites.remove(0);
    for outcome in [&plain, &fixed, &adaptive] {
        let ids: Vec<&str> = outcome
            .flaky
            .iter()
            .map(|f| f.test_case_id.as_str())
            .collect();
        let expected = if outcome.name == "adaptive" {
            "case_billing"
        } else {
            "case_refund"
        };
        assert_eq!(ids, vec![expected], "{}", outcome.name);
        assert!(outcome.calls.iter().any(|c| c.flaky));
    }
}

#[test]
fn the_sequential_test_decides_after_the_wave_that_crosses_a_boundary() {
    let outcome = fixtures::adaptive().suites.remove(0);
    let c = check(&outcome, "min_test_pass_rate");
    assert_eq!(c.status, CheckStatus::Passed);
    let sequential = c.rate.as_ref().unwrap().sequential.as_ref().unwrap();
    assert_eq!(sequential.decided_in_wave, Some(3));
    assert!(c.reason.contains("passed after wave 3"), "{}", c.reason);
    let statistics = outcome.statistics.as_ref().unwrap();
    let verdicts: Vec<Verdict> = statistics.waves.iter().map(|w| w.verdict).collect();
    assert_eq!(
        verdicts,
        vec![
            Verdict::Inconclusive,
            Verdict::Inconclusive,
            Verdict::Passed
        ]
    );
    assert_eq!(outcome.counts.total, 12);
    // Calls are numbered per case across the waves and carry their wave.
    let last = outcome.calls.last().unwrap();
    assert_eq!((last.index, last.wave), (6, Some(3)));
    assert_eq!(outcome.run_ids().len(), 3);
}

#[test]
fn a_decision_is_not_revisited_by_later_waves() {
    // Decided passed after the first wave (8 of 8 at bar 0.8, margin 0.3); a bad second wave
    // (kept for a per-case threshold) does not turn it.
    let mut s = fixtures::wide_margin_suite("s", thresholds());
    s.adaptive = Some(AdaptiveSamples {
        min: 4,
        max: 10,
        wave: None,
    });
    let mut first_calls = calls_of("case_refund", 4, 0);
    first_calls.extend(calls_of("case_billing", 4, 0));
    let mut obs = observation(
        s,
        Some(results(summary(0.0, json!([])), first_calls)),
        RunEnd::Finished,
    );
    obs.follow_ups = vec![follow_up(
        2,
        results(summary(0.0, json!([])), calls_of("case_refund", 0, 4)),
        &["case_refund"],
        4,
    )];
    let outcome = judge(obs);
    let c = check(&outcome, "min_test_pass_rate");
    assert_eq!(c.status, CheckStatus::Passed);
    assert_eq!(
        c.rate
            .as_ref()
            .and_then(|r| r.sequential.as_ref())
            .and_then(|s| s.decided_in_wave),
        Some(1)
    );
    assert_eq!(c.rate.as_ref().map(|r| r.trials), Some(8));
}

#[test]
fn reports_without_statistics_keep_version_1() {
    assert_eq!(fixtures::passing().schema_version, 1);
    assert_eq!(fixtures::flaky().schema_version, 1);
    assert_eq!(fixtures::inconclusive().schema_version, 2);
    assert_eq!(fixtures::adaptive().schema_version, 2);
}

/// An adaptive suite's waves, each a list of (passes, failures) for the two cases.
fn waves_strategy() -> impl Strategy<Value = Vec<[(usize, usize); 2]>> {
    prop::collection::vec(
        prop::array::uniform2((0usize..4, 0usize..3))
            .prop_filter("a wave has calls", |w| w.iter().any(|(p, f)| p + f > 0)),
        1..8,
    )
}

fn adaptive_observation(waves: &[[(usize, usize); 2]]) -> RunObservation {
    let mut s = fixtures::wide_margin_suite(
        "s",
        ResolvedThresholds {
            min_case_pass_rate: Some(0.6),
            ..thresholds()
        },
    );
    s.adaptive = Some(AdaptiveSamples {
        min: 1,
        max: 50,
        wave: None,
    });
    let body = |wave: &[(usize, usize); 2]| {
        let mut calls = calls_of("case_refund", wave[0].0, wave[0].1);
        calls.extend(calls_of("case_billing", wave[1].0, wave[1].1));
        results(summary(0.0, json!([])), calls)
    };
    let mut obs = observation(s, Some(body(&waves[0])), RunEnd::Finished);
    obs.follow_ups = waves[1..]
        .iter()
        .enumerate()
        .map(|(i, w)| follow_up(i as u32 + 2, body(w), &["case_refund", "case_billing"], 1))
        .collect();
    obs
}

/// Each check's status by name (and case).
fn statuses(outcome: &SuiteOutcome) -> Vec<(String, Option<String>, CheckStatus)> {
    outcome
        .checks
        .iter()
        .map(|c| (c.name.clone(), c.test_case_id.clone(), c.status))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn a_decided_rate_never_goes_back_to_undecided(waves in waves_strategy()) {
        let mut decided: Vec<(String, Option<String>, CheckStatus)> = Vec::new();
        for upto in 1..=waves.len() {
            let outcome = judge(adaptive_observation(&waves[..upto]));
            let now = statuses(&outcome);
            for (name, case, status) in &decided {
                // A per-case check that passed folds into the summary check; every other
                // decided check keeps its status once decided.
                if let Some((_, _, later)) = now.iter().find(|(n, c, _)| n == name && c == case) {
                    prop_assert_eq!(later, status, "{} {:?} after {} waves", name, case, upto);
                } else {
                    prop_assert!(*status == CheckStatus::Passed && case.is_some(), "{} {:?} vanished", name, case);
                }
            }
            for (name, case, status) in now {
                if status != CheckStatus::Inconclusive && !decided.iter().any(|(n, c, _)| *n == name && *c == case) {
                    decided.push((name, case, status));
                }
            }
            if outcome.verdict == Verdict::Failed {
                // A failed rate stays failed, so the suite stays failed.
                for later in upto + 1..=waves.len() {
                    let verdict = judge(adaptive_observation(&waves[..later])).verdict;
                    prop_assert_eq!(verdict, Verdict::Failed);
                }
            }
        }
    }
}
