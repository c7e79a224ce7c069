//! The statistical gate (`thresholds.confidence`): every rate threshold judged on the data.
//!
//! With a fixed number of samples a rate is judged by its interval at the suite's confidence:
//! failed when the whole interval lies below the bar, passed when it lies at or above
//! `bar − margin`, inconclusive otherwise. With adaptive samples it is judged by Wald's
//! sequential test, replayed wave by wave: the first wave after which the test crosses a
//! boundary decides, and a decision, once taken, is never revisited. Either way the check
//! shows the rate as `0.87 [0.79, 0.92] 95 %`.
//!
//! Thresholds that are not rates (metric bounds) and scores whose assertions the results do
//! not tie to calls are judged as without `confidence`.

use crate::api::wire::ResultsBody;
use crate::outcome::{CallOutcome, CaseRate, CheckStatus, PassK, ThresholdCheck};
use crate::stats::consistency::pass_hat_k;
use crate::suite::{ResolvedSuite, Statistics};

use super::assertions::{self, AssertionState};
use super::checks::{self, NO_CALLS, check};
use super::evidence::{self, Tally};
use super::number::num;
use super::rate::{Judge, Rate, estimate};
use super::waves::Wave;

/// How many calls pass^k is reported for at most.
const MAX_PASS_K: u64 = 10;

/// Every check the thresholds ask for, in the same order as without `confidence`.
pub(super) fn all(
    suite: &ResolvedSuite,
    statistics: &Statistics,
    waves: &[Wave],
    calls: &[CallOutcome],
    summary: Option<&ResultsBody>,
) -> Vec<ThresholdCheck> {
    let t = &suite.thresholds;
    let judge = Judge {
        statistics,
        sequential: suite.adaptive.is_some(),
        waves,
        calls,
    };
    let mut out = vec![judge.rate(
        Rate {
            name: "min_test_pass_rate".into(),
            bar: t.min_test_pass_rate,
            default_bar: t.min_test_pass_rate == crate::suite::resolve::DEFAULT_MIN_TEST_PASS_RATE,
            unit: "calls passed",
            test_case_id: None,
        },
        evidence::calls_passed,
    )];
    if calls.is_empty() {
        out[0] = check(
            "min_test_pass_rate",
            out[0].expected.clone(),
            None,
            false,
            NO_CALLS,
        );
    }
    let state = AssertionState::of(summary, calls);
    let configured = matches!(state, AssertionState::Configured(_));
    if let Some(min) = t.min_assertion_score {
        let shares = |c: &[CallOutcome]| evidence::assertion_shares(c, evidence::judged);
        out.push(if configured && shares(calls).trials > 0 {
            judge.rate(
                Rate::named("min_assertion_score", min, "calls' assertions passed"),
                shares,
            )
        } else {
            assertions::score(min, &state, t.no_assertions)
        });
    }
    for (name, min) in &t.categories {
        let ids = category_ids(summary, name);
        let in_category = |a: &crate::outcome::AssertionOutcome| {
            evidence::judged(a) && a.id.as_ref().is_some_and(|id| ids.contains(id))
        };
        let shares = |c: &[CallOutcome]| evidence::assertion_shares(c, in_category);
        out.push(if configured && shares(calls).trials > 0 {
            judge.rate(
                Rate::named(
                    &format!("categories.{name}"),
                    *min,
                    "calls' category assertions passed",
                ),
                shares,
            )
        } else {
            // The results do not tie the category's assertions to calls: its score is all
            // there is, and a score is not a count to build an interval from.
            let mut point = assertions::category(name, *min, &state, t.no_assertions);
            if configured && point.status != CheckStatus::Skipped {
                point.reason.push_str("; judged on its score without an interval, since the results tie no call's assertions to this category");
            }
            point
        });
    }
    for name in &t.must_pass_assertions {
        let named = |a: &crate::outcome::AssertionOutcome| {
            a.name == *name || a.id.as_deref() == Some(name.as_str())
        };
        let shares = |c: &[CallOutcome]| evidence::assertion_shares(c, named);
        out.push(if configured && shares(calls).trials > 0 {
            let mut rate = Rate::named(
                &format!("must_pass_assertions.{name}"),
                1.0,
                "calls passed it",
            );
            rate.default_bar = false;
            let mut judged = judge.rate(rate, shares);
            judged.expected = format!(
                "passes in every call (a rate of 1.0, margin {})",
                num(statistics.margin)
            );
            judged
        } else {
            assertions::must_pass(name, calls, &state, t.no_assertions)
        });
    }
    for (name, bound) in &t.metrics {
        out.push(metric_over_waves(name, bound, waves, calls));
    }
    if let Some(min) = t.min_case_pass_rate {
        out.extend(case_checks(&judge, min, calls));
    }
    out
}

/// Each case's pass rate with its interval (against `min_case_pass_rate` when set) and
/// pass^k.
pub(super) fn case_rates(
    suite: &ResolvedSuite,
    statistics: &Statistics,
    calls: &[CallOutcome],
) -> Vec<CaseRate> {
    let bar = suite.thresholds.min_case_pass_rate.unwrap_or(0.0);
    evidence::by_case(calls)
        .into_iter()
        .map(|(case, tally)| {
            let title = calls
                .iter()
                .find(|c| c.test_case_id == case)
                .and_then(|c| c.title.clone());
            let passed = tally.successes as u64;
            CaseRate {
                test_case_id: case.to_owned(),
                title,
                calls: tally.trials,
                passed,
                rate: estimate(statistics, bar, tally, None),
                pass_k: (2..=tally.trials.min(MAX_PASS_K))
                    .filter_map(|k| {
                        pass_hat_k(passed, tally.trials, k).map(|value| PassK { k, value })
                    })
                    .collect(),
            }
        })
        .collect()
}

/// `min_case_pass_rate`: one check per case that failed or is undecided; one passed check
/// when every case passed.
fn case_checks(judge: &Judge<'_>, min: f64, calls: &[CallOutcome]) -> Vec<ThresholdCheck> {
    let cases = evidence::by_case(calls);
    if cases.is_empty() {
        return vec![check(
            "min_case_pass_rate",
            format!(">= {} per case", num(min)),
            None,
            false,
            NO_CALLS,
        )];
    }
    let mut open = Vec::new();
    let mut lowest: Option<(f64, String)> = None;
    for case in cases.keys() {
        let per_wave: Vec<Tally> = judge
            .waves
            .iter()
            .map(|w| {
                evidence::by_case(&calls[w.gated.clone()])
                    .get(case)
                    .copied()
                    .unwrap_or_default()
            })
            .collect();
        let label = calls
            .iter()
            .find(|c| c.test_case_id == *case)
            .map(|c| match &c.title {
                Some(title) => format!("{title} [{case}]"),
                None => format!("[{case}]"),
            })
            .unwrap_or_default();
        let mut judged = judge.rate_from(
            Rate {
                name: "min_case_pass_rate".into(),
                bar: min,
                default_bar: false,
                unit: "calls passed",
                test_case_id: Some((*case).to_owned()),
            },
            &per_wave,
        );
        judged.expected = format!(
            ">= {} per case, margin {}",
            num(min),
            num(judge.statistics.margin)
        );
        judged.reason = format!("case {label}: {}", judged.reason);
        let rate = judged.rate.as_ref().map_or(0.0, |r| r.estimate);
        if lowest.as_ref().is_none_or(|(low, _)| rate < *low) {
            lowest = Some((rate, label));
        }
        if judged.status != CheckStatus::Passed {
            open.push(judged);
        }
    }
    if !open.is_empty() {
        return open;
    }
    let (rate, label) = lowest.unwrap_or((1.0, String::new()));
    vec![check(
        "min_case_pass_rate",
        format!(
            ">= {} per case, margin {}",
            num(min),
            num(judge.statistics.margin)
        ),
        Some(format!("lowest {} ({label})", num(rate))),
        true,
        format!(
            "every one of {} cases is confidently at or above {}",
            cases.len(),
            num((min - judge.statistics.margin).max(0.0))
        ),
    )]
}

/// The assertion ids of a category, from the run summaries.
fn category_ids(summary: Option<&ResultsBody>, name: &str) -> Vec<String> {
    summary
        .and_then(|r| r.summary.as_ref())
        .and_then(|s| s.assertions.as_ref())
        .map(|a| {
            a.categories
                .iter()
                .filter(|c| {
                    c.name
                        .as_deref()
                        .is_some_and(|n| n == name || n.eq_ignore_ascii_case(name))
                })
                .flat_map(|c| c.assertion_ids.iter().cloned())
                .collect()
        })
        .unwrap_or_default()
}

/// A metric bound holds when it holds in every wave's run (each run has its own summary).
fn metric_over_waves(
    name: &str,
    bound: &crate::suite::MetricBound,
    waves: &[Wave],
    calls: &[CallOutcome],
) -> ThresholdCheck {
    let per_wave: Vec<ThresholdCheck> = waves
        .iter()
        .map(|w| checks::metric(name, bound, w.results.as_ref(), &calls[w.gated.clone()]))
        .collect();
    if per_wave.len() <= 1 {
        return per_wave
            .into_iter()
            .next()
            .unwrap_or_else(|| checks::metric(name, bound, None, calls));
    }
    let count = per_wave.len();
    match per_wave
        .iter()
        .position(|c| c.status == CheckStatus::Failed)
    {
        Some(i) => {
            let mut failed = per_wave[i].clone();
            failed.reason = format!("wave {}: {}", i + 1, failed.reason);
            failed
        }
        None => {
            let mut held = per_wave[count - 1].clone();
            held.reason = format!("{} in every one of {count} waves", held.reason);
            held
        }
    }
}
