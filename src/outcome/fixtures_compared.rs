//! Outcomes compared with a baseline, and with cases in quarantine, for the reports' tests.

use std::path::Path;
use std::time::Duration;

use indexmap::IndexMap;
use serde_json::{Value, json};

use super::fixtures::{calls_of, epoch, observation, outcome, results, suite, summary, thresholds};
use crate::baseline::{Baseline, Options, compare};
use crate::gate::judge;
use crate::outcome::{Outcome, RunEnd};
use crate::suite::{Date, Quarantine, ResolvedThresholds};

/// Five calls of each case: `(case, passed)`, the rest failed.
fn calls(cases: &[(&str, usize)]) -> Vec<Value> {
    cases
        .iter()
        .flat_map(|(case, passed)| calls_of(case, *passed, 5 - passed))
        .collect()
}

/// A suite `name` that lets half its calls fail, judged on `cases`.
pub fn lenient(name: &str, cases: &[(&str, usize)]) -> super::SuiteOutcome {
    let mut observed = observation(
        suite(
            name,
            ResolvedThresholds {
                min_test_pass_rate: 0.2,
                ..thresholds()
            },
        ),
        Some(results(summary(0.0, json!([])), calls(cases))),
        RunEnd::Finished,
    );
    observed.suite.samples = 5;
    observed.case_titles = IndexMap::from_iter(
        [
            ("case_refund", "Refund request"),
            ("case_billing", "Billing question"),
            ("case_booking", "Books a table"),
            ("case_address", "Changes the address"),
            ("case_hours", "Opening hours"),
            ("case_transfer", "Transfer to a human"),
            ("case_legacy", "Old flow"),
        ]
        .map(|(id, title)| (id.to_owned(), title.to_owned())),
    );
    judge(observed)
}

/// `regression` fell from 15 of 25 passes to 5 of 25 on the cases both runs have: three new
/// failures, one still failing, one fixed, one new and one gone; `smoke` is not in the
/// baseline. The baseline is 30 days old.
pub fn regressed() -> Outcome {
    let before = outcome(vec![lenient(
        "regression",
        &[
            ("case_refund", 5),
            ("case_billing", 5),
            ("case_booking", 5),
            ("case_address", 0),
            ("case_hours", 0),
            ("case_legacy", 5),
        ],
    )]);
    let mut now = outcome(vec![
        lenient(
            "regression",
            &[
                ("case_refund", 0),
                ("case_billing", 0),
                ("case_booking", 0),
                ("case_address", 0),
                ("case_hours", 5),
                ("case_transfer", 5),
            ],
        ),
        lenient("smoke", &[("case_refund", 5)]),
    ]);
    let baseline = Baseline::from_value(
        Path::new("baseline/report.json"),
        &serde_json::to_value(&before).unwrap_or_default(),
    )
    .expect("the fixture baseline reads");
    compare(
        &mut now,
        &baseline,
        &Options {
            now: epoch() + Duration::from_secs(30 * 24 * 3600),
            max_age: crate::baseline::DEFAULT_MAX_AGE,
        },
    );
    now
}

/// `case_refund` fails in quarantine (gating nothing); `case_address` fails after its
/// quarantine expired, and fails the suite.
pub fn quarantined() -> Outcome {
    let entry = |case: &str, until: &str, expired: bool, line: u32| Quarantine {
        test_case_id: case.to_owned(),
        until: Date::parse(until).unwrap_or(Date::of(epoch())),
        reason: format!("{case} is broken, see TICKET-7"),
        expired,
        pointer: String::new(),
        line,
        inherited: false,
    };
    let mut observed = observation(
        suite("regression", thresholds()),
        Some(results(
            summary(0.0, json!([])),
            calls(&[("case_refund", 0), ("case_billing", 5), ("case_address", 3)]),
        )),
        RunEnd::Finished,
    );
    observed.suite.samples = 5;
    observed.suite.quarantine = vec![
        entry("case_refund", "2026-02-01", false, 22),
        entry("case_address", "2025-12-31", true, 23),
    ];
    outcome(vec![judge(observed)])
}
