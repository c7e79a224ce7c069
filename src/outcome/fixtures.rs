//! Builders of observations and outcomes for the gate's and the reports' tests.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use indexmap::IndexMap;
use serde_json::{Value, json};

use crate::api::wire::{ResultsBody, RunStatus};
use crate::gate::judge;
use crate::outcome::{Outcome, RunEnd, RunObservation, SuiteOutcome, ToolInfo, WaveObservation};
use crate::stats::IntervalMethod;
use crate::suite::model::{MetricBound, NoAssertions, TestCaseSpec};
use crate::suite::{
    AdaptiveSamples, OnInconclusive, ResolvedSuite, ResolvedThresholds, Selection, Statistics,
    SuiteSource,
};

/// A fixed instant, so reports are stable.
pub fn epoch() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_767_225_600)
}

pub fn thresholds() -> ResolvedThresholds {
    ResolvedThresholds {
        min_test_pass_rate: 1.0,
        min_assertion_score: None,
        no_assertions: NoAssertions::Fail,
        categories: IndexMap::new(),
        must_pass_assertions: Vec::new(),
        metrics: IndexMap::new(),
        min_case_pass_rate: None,
        statistics: None,
        regression: Default::default(),
    }
}

pub fn bound(min: Option<f64>, max: Option<f64>) -> MetricBound {
    MetricBound { min, max }
}

pub fn suite(name: &str, thresholds: ResolvedThresholds) -> ResolvedSuite {
    let case = |id: &str| TestCaseSpec {
        id: id.to_owned(),
        scenario_facts: None,
        persona: None,
    };
    ResolvedSuite {
        name: name.to_owned(),
        description: Some(format!("{name} checks")),
        agent_id: "agt_0000000000000000000001".to_owned(),
        phone_numbers: vec!["+14155550100".to_owned()],
        selection: Selection::TestCases(vec![case("case_refund"), case("case_billing")]),
        samples: 1,
        adaptive: None,
        max_concurrent_calls: None,
        max_calls: None,
        timeout: Duration::from_secs(900),
        poll_interval: Duration::from_secs(10),
        thresholds,
        quarantine: Vec::new(),
        source: SuiteSource {
            file: PathBuf::from("hamming.yaml"),
            line: 12,
            column: 3,
            test_case_lines: vec![16, 19],
        },
    }
}

/// One call of the results body.
pub fn call(case: &str, status: &str, assertions: &[(&str, &str, Option<&str>)]) -> Value {
    let id = format!("tcr_{case}_{status}").to_lowercase();
    json!({
        "id": id,
        "testCaseId": case,
        "status": status,
        "durationSeconds": 42.5,
        "recordingUrl": format!("https://storage.example/{id}.wav"),
        "transcriptionDataUrl": null,
        "assertionResults": assertions.iter().map(|(name, status, reason)| json!({
            "assertionId": format!("as_{}", name.to_lowercase().replace(' ', "_")),
            "assertionName": name,
            "status": status,
            "reason": reason,
        })).collect::<Vec<_>>(),
        "metrics": { "latencyP90": 1.8 },
    })
}

pub fn results(summary: Value, calls: Vec<Value>) -> ResultsBody {
    serde_json::from_value(json!({ "summary": summary, "results": calls })).unwrap_or_default()
}

pub fn observation(
    suite: ResolvedSuite,
    results: Option<ResultsBody>,
    end: RunEnd,
) -> RunObservation {
    RunObservation {
        suite,
        run_id: Some("cmrun0000000000000000001".to_owned()),
        results_url: Some("https://app.hamming.ai/test-runs/cmrun0000000000000000001".to_owned()),
        last_status: Some(match end {
            RunEnd::Finished => RunStatus::Completed,
            _ => RunStatus::Running,
        }),
        results,
        end,
        started_at: epoch(),
        elapsed: Duration::from_secs(95),
        case_titles: IndexMap::from([
            ("case_refund".to_owned(), "Refund request".to_owned()),
            ("case_billing".to_owned(), "Billing question".to_owned()),
        ]),
        follow_ups: Vec::new(),
    }
}

pub fn summary(score: f64, categories: Value) -> Value {
    json!({
        "status": "COMPLETED",
        "assertions": { "overallScore": score, "categories": categories },
        "metrics": { "latencyP90": { "value": 1.9, "unit": "s" } },
    })
}

/// An outcome with a fixed tool version and fixed timestamps.
pub fn outcome(suites: Vec<SuiteOutcome>) -> Outcome {
    let mut outcome = Outcome::new(
        "hamming.yaml",
        epoch(),
        epoch() + Duration::from_secs(95),
        suites,
    );
    outcome.tool = ToolInfo {
        name: "hamming-runner".to_owned(),
        version: "0.0.0-test".to_owned(),
    };
    outcome
}

fn strict() -> ResolvedThresholds {
    ResolvedThresholds {
        min_assertion_score: Some(0.9),
        categories: IndexMap::from([("Compliance".to_owned(), 0.95)]),
        must_pass_assertions: vec!["Verifies identity".to_owned()],
        metrics: IndexMap::from([("latencyP90".to_owned(), bound(None, Some(2.5)))]),
        ..thresholds()
    }
}

fn compliance(score: f64) -> Value {
    json!([{ "name": "Compliance", "score": score, "status": "passed" }])
}

/// Every call passed and every threshold held.
pub fn passing() -> Outcome {
    let body = results(
        summary(96.0, compliance(98.0)),
        vec![
            call(
                "case_refund",
                "PASSED",
                &[("Verifies identity", "PASSED", None)],
            ),
            call(
                "case_billing",
                "PASSED",
                &[("Verifies identity", "PASSED", None)],
            ),
        ],
    );
    outcome(vec![judge(observation(
        suite("smoke", strict()),
        Some(body),
        RunEnd::Finished,
    ))])
}

/// A completed run that misses its thresholds.
pub fn gate_failure() -> Outcome {
    let body = results(
        summary(72.0, compliance(80.0)),
        vec![
            call(
                "case_refund",
                "PASSED",
                &[("Verifies identity", "PASSED", None)],
            ),
            call(
                "case_billing",
                "FAILED",
                &[(
                    "Verifies identity",
                    "FAILED",
                    Some("The agent never asked for the account number, | and went on."),
                )],
            ),
        ],
    );
    outcome(vec![judge(observation(
        suite("billing", strict()),
        Some(body),
        RunEnd::Finished,
    ))])
}

/// Tags a results call with the number it dialled.
fn at(mut call: Value, number: &str) -> Value {
    call["phoneNumber"] = json!(number);
    call
}

/// A case that passed at one number and failed at the other; the failed call's recording
/// is not out yet.
pub fn flaky() -> Outcome {
    let mut suite = suite(
        "regression",
        ResolvedThresholds {
            min_test_pass_rate: 0.5,
            min_case_pass_rate: Some(0.5),
            ..thresholds()
        },
    );
    suite.phone_numbers = vec!["+14155550100".to_owned(), "+14155550101".to_owned()];
    let mut failed = call(
        "case_refund",
        "FAILED",
        &[("Offers refund", "FAILED", Some("no refund offered"))],
    );
    failed["recordingUrl"] = json!("");
    let body = results(
        summary(0.0, json!([])),
        vec![
            at(call("case_refund", "PASSED", &[]), "+14155550100"),
            at(failed, "+14155550101"),
            at(call("case_billing", "PASSED", &[]), "+14155550100"),
            at(call("case_billing", "PASSED", &[]), "+14155550101"),
        ],
    );
    outcome(vec![judge(observation(
        suite,
        Some(body),
        RunEnd::Finished,
    ))])
}

/// A suite that hit its deadline with one call still pending, next to one that passed.
pub fn timeout() -> Outcome {
    let body = results(
        json!({ "status": "RUNNING" }),
        vec![
            call("case_refund", "PASSED", &[]),
            call("case_billing", "PENDING", &[]),
        ],
    );
    // Two numbers dialled, and results that name neither.
    let mut nightly = suite("nightly", thresholds());
    nightly.phone_numbers = vec!["+14155550100".to_owned(), "+442071838750".to_owned()];
    let timed_out = judge(observation(nightly, Some(body), RunEnd::TimedOut));
    let passing = passing().suites.remove(0);
    outcome(vec![passing, timed_out])
}

/// A run that could not be created, and one that ended FAILED.
pub fn platform_error() -> Outcome {
    let mut not_started = observation(
        suite("smoke", thresholds()),
        None,
        RunEnd::NotStarted {
            message: "POST /test-runs/test-inbound-agent returned 401 Unauthorized: check HAMMING_API_KEY".to_owned(),
        },
    );
    not_started.run_id = None;
    not_started.results_url = None;
    not_started.last_status = None;
    let mut failed = observation(
        suite("billing", thresholds()),
        Some(results(
            json!({ "status": "FAILED" }),
            vec![call("case_refund", "ERROR", &[])],
        )),
        RunEnd::Finished,
    );
    failed.last_status = Some(RunStatus::Failed);
    outcome(vec![judge(not_started), judge(failed)])
}

/// A run interrupted with one call finished, and a suite that never started because of it.
pub fn interrupted() -> Outcome {
    let body = results(
        json!({ "status": "RUNNING" }),
        vec![
            call(
                "case_refund",
                "FAILED",
                &[("Offers refund", "FAILED", None)],
            ),
            call("case_billing", "PENDING", &[]),
        ],
    );
    let interrupted = judge(observation(
        suite("smoke", thresholds()),
        Some(body),
        RunEnd::Interrupted,
    ));
    let skipped = crate::gate::not_run(
        &suite("billing", thresholds()),
        "not started: the run was interrupted before this suite began",
        epoch(),
    );
    outcome(vec![interrupted, skipped])
}

/// `confidence: 0.95`, `margin: 0.1`, the exact interval, `on_inconclusive: fail`.
pub fn statistics() -> Statistics {
    Statistics {
        confidence: 0.95,
        margin: 0.1,
        on_inconclusive: OnInconclusive::Fail,
        interval: IntervalMethod::ClopperPearson,
    }
}

/// Calls of one case: `passed` passes, then `failed` failures.
pub fn calls_of(case: &str, passed: usize, failed: usize) -> Vec<Value> {
    let mut calls = vec![call(case, "PASSED", &[]); passed];
    calls.extend(vec![call(case, "FAILED", &[]); failed]);
    calls
}

/// Follow-up wave `wave` (2 or more), finished with these results.
pub fn follow_up(wave: u32, body: ResultsBody, cases: &[&str], samples: u32) -> WaveObservation {
    WaveObservation {
        run_id: Some(format!("cmrun{wave:020}")),
        results_url: None,
        last_status: Some(RunStatus::Completed),
        results: Some(body),
        end: RunEnd::Finished,
        elapsed: Duration::from_secs(60),
        cases: cases.iter().map(|c| (*c).to_owned()).collect(),
        samples,
    }
}

/// A suite judged with `confidence` on five samples per case: 9 of 10 calls passed, which is
/// neither confidently below 0.9 nor confidently at or above 0.8.
pub fn inconclusive() -> Outcome {
    let mut suite = suite(
        "voice",
        ResolvedThresholds {
            min_test_pass_rate: 0.9,
            statistics: Some(statistics()),
            ..thresholds()
        },
    );
    suite.samples = 5;
    let mut calls = calls_of("case_refund", 5, 0);
    calls.extend(calls_of("case_billing", 4, 1));
    let body = results(summary(0.0, json!([])), calls);
    outcome(vec![judge(observation(
        suite,
        Some(body),
        RunEnd::Finished,
    ))])
}

/// A suite with `t` but a bar of 0.8, `confidence: 0.95` and a margin of 0.3, so that eight
/// straight passes decide the sequential test (8 × ln(0.8/0.5) ≥ ln 39).
pub fn wide_margin_suite(name: &str, t: ResolvedThresholds) -> ResolvedSuite {
    suite(
        name,
        ResolvedThresholds {
            min_test_pass_rate: 0.8,
            statistics: Some(Statistics {
                margin: 0.3,
                ..statistics()
            }),
            ..t
        },
    )
}

/// An adaptive suite (bar 0.8, margin 0.3) decided by the sequential test after its third
/// wave, with a flaky case.
pub fn adaptive() -> Outcome {
    let mut suite = wide_margin_suite("adaptive", thresholds());
    suite.samples = 2;
    suite.adaptive = Some(AdaptiveSamples {
        min: 2,
        max: 10,
        wave: None,
    });
    let both = ["case_refund", "case_billing"];
    let wave = |refund: (usize, usize), billing: (usize, usize)| {
        let mut calls = calls_of("case_refund", refund.0, refund.1);
        calls.extend(calls_of("case_billing", billing.0, billing.1));
        results(summary(0.0, json!([])), calls)
    };
    let mut first = observation(suite, Some(wave((2, 0), (2, 0))), RunEnd::Finished);
    first.follow_ups = vec![
        follow_up(2, wave((2, 0), (1, 1)), &both, 2),
        follow_up(3, wave((2, 0), (2, 0)), &both, 2),
    ];
    outcome(vec![judge(first)])
}

/// Every outcome above, by the name its snapshots carry.
pub fn all() -> Vec<(&'static str, Outcome)> {
    vec![
        ("pass", passing()),
        ("gate_failure", gate_failure()),
        ("flaky", flaky()),
        ("timeout", timeout()),
        ("platform_error", platform_error()),
        ("interrupted", interrupted()),
        ("inconclusive", inconclusive()),
        ("adaptive", adaptive()),
        ("refused", refused()),
    ]
}

/// A suite refused for an unknown agent beside one whose gate failed: calls were placed, so
/// the refusal is a 3, never "nothing was run".
pub fn refused() -> Outcome {
    let mut refused = observation(
        suite("typo-agent", thresholds()),
        None,
        RunEnd::Refused {
            message: "unknown agent `cmagent0000000000000000002`; did you mean `cmagent0000000000000000001` (Front desk)?".to_owned(),
        },
    );
    refused.run_id = None;
    refused.results_url = None;
    refused.last_status = None;
    let mut refused = judge(refused);
    refused.source.line = 20;
    let mut suites = gate_failure().suites;
    suites.push(refused);
    outcome(suites)
}
