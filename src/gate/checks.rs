//! One function per threshold kind: each measures the run and compares it with the bound,
//! producing a check that shows measured against expected and says why in one line.

use indexmap::IndexMap;

use crate::api::wire::ResultsBody;
use crate::outcome::{CallOutcome, CheckStatus, ThresholdCheck};
use crate::suite::ResolvedThresholds;
use crate::suite::model::MetricBound;
use crate::suite::resolve::DEFAULT_MIN_TEST_PASS_RATE;

use super::assertions::{self, AssertionState};
use super::number::num;

/// The reason a run with no calls fails its pass rate.
pub const NO_CALLS: &str = "the run has no calls; an empty selection is never a pass";

/// Runs every check the thresholds ask for, in a fixed order.
pub(super) fn all(
    thresholds: &ResolvedThresholds,
    results: Option<&ResultsBody>,
    calls: &[CallOutcome],
) -> Vec<ThresholdCheck> {
    let mut checks = vec![pass_rate(thresholds.min_test_pass_rate, calls)];
    let assertions = AssertionState::of(results, calls);
    if let Some(min) = thresholds.min_assertion_score {
        checks.push(assertions::score(
            min,
            &assertions,
            thresholds.no_assertions,
        ));
    }
    for (name, min) in &thresholds.categories {
        checks.push(assertions::category(
            name,
            *min,
            &assertions,
            thresholds.no_assertions,
        ));
    }
    for name in &thresholds.must_pass_assertions {
        checks.push(assertions::must_pass(
            name,
            calls,
            &assertions,
            thresholds.no_assertions,
        ));
    }
    for (name, bound) in &thresholds.metrics {
        checks.push(metric(name, bound, results, calls));
    }
    if let Some(min) = thresholds.min_case_pass_rate {
        checks.extend(case_pass_rates(min, calls));
    }
    checks
}

pub(super) fn check(
    name: impl Into<String>,
    expected: impl Into<String>,
    measured: Option<String>,
    passed: bool,
    reason: impl Into<String>,
) -> ThresholdCheck {
    ThresholdCheck {
        name: name.into(),
        expected: expected.into(),
        measured,
        status: if passed {
            CheckStatus::Passed
        } else {
            CheckStatus::Failed
        },
        reason: reason.into(),
        test_case_id: None,
        rate: None,
    }
}

fn pass_rate(min: f64, calls: &[CallOutcome]) -> ThresholdCheck {
    let default = if min == DEFAULT_MIN_TEST_PASS_RATE {
        " (default)"
    } else {
        ""
    };
    let expected = format!(">= {}{default}", num(min));
    if calls.is_empty() {
        return check("min_test_pass_rate", expected, None, false, NO_CALLS);
    }
    let passed = calls.iter().filter(|c| c.passed()).count();
    let rate = passed as f64 / calls.len() as f64;
    let measured = format!("{} ({passed}/{} calls passed)", num(rate), calls.len());
    let ok = rate >= min;
    let reason = if ok {
        format!("{passed} of {} calls passed", calls.len())
    } else {
        format!(
            "{passed} of {} calls passed, pass rate {} is below {}",
            calls.len(),
            num(rate),
            num(min)
        )
    };
    check("min_test_pass_rate", expected, Some(measured), ok, reason)
}

pub(super) fn metric(
    name: &str,
    bound: &MetricBound,
    results: Option<&ResultsBody>,
    calls: &[CallOutcome],
) -> ThresholdCheck {
    let check_name = format!("metrics.{name}");
    let expected = match (bound.min, bound.max) {
        (Some(min), Some(max)) => format!(">= {}, <= {}", num(min), num(max)),
        (Some(min), None) => format!(">= {}", num(min)),
        (None, Some(max)) => format!("<= {}", num(max)),
        (None, None) => "any value".to_owned(),
    };
    let summary = results.and_then(|r| r.summary.as_ref());
    let summary_metric = summary.and_then(|s| s.metrics.get(name));
    // The summary value is the run's own figure; without it, the worst call stands in.
    let (low, high, measured, source) = if let Some(value) = summary_metric.and_then(|m| m.value) {
        let unit = summary_metric
            .and_then(|m| m.unit.as_deref())
            .map(|u| format!(" {u}"))
            .unwrap_or_default();
        (value, value, format!("{}{unit}", num(value)), "run summary")
    } else {
        let values: Vec<f64> = calls
            .iter()
            .filter_map(|c| c.metrics.get(name))
            .copied()
            .collect();
        if values.is_empty() {
            let mut present: Vec<&str> = summary
                .map(|s| s.metrics.keys().map(String::as_str).collect())
                .unwrap_or_default();
            for call in calls {
                for key in call.metrics.keys() {
                    if !present.contains(&key.as_str()) {
                        present.push(key);
                    }
                }
            }
            let present = if present.is_empty() {
                "the results carry no metrics".to_owned()
            } else {
                format!("metrics in the results: {}", present.join(", "))
            };
            return check(
                check_name,
                expected,
                None,
                false,
                format!("metric `{name}` is not in the results; {present}"),
            );
        }
        let low = values.iter().copied().fold(f64::INFINITY, f64::min);
        let high = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let measured = match (bound.min, bound.max) {
            (Some(_), None) => format!("{} (lowest of {} calls)", num(low), values.len()),
            (None, Some(_)) => format!("{} (highest of {} calls)", num(high), values.len()),
            _ => format!(
                "{} to {} across {} calls",
                num(low),
                num(high),
                values.len()
            ),
        };
        (low, high, measured, "worst call")
    };
    let mut problems = Vec::new();
    if let Some(min) = bound.min.filter(|min| low < *min) {
        problems.push(format!("{} is below the minimum {}", num(low), num(min)));
    }
    if let Some(max) = bound.max.filter(|max| high > *max) {
        problems.push(format!("{} is above the maximum {}", num(high), num(max)));
    }
    let ok = problems.is_empty();
    let reason = if ok {
        format!("metric `{name}` is within bounds ({source})")
    } else {
        format!("metric `{name}` ({source}): {}", problems.join(" and "))
    };
    check(check_name, expected, Some(measured), ok, reason)
}

fn case_pass_rates(min: f64, calls: &[CallOutcome]) -> Vec<ThresholdCheck> {
    let expected = format!(">= {} per case", num(min));
    let mut by_case: IndexMap<&str, (usize, usize, String)> = IndexMap::new();
    for call in calls {
        let entry = by_case
            .entry(call.test_case_id.as_str())
            .or_insert_with(|| {
                let label = match &call.title {
                    Some(title) => format!("{title} [{}]", call.test_case_id),
                    None => format!("[{}]", call.test_case_id),
                };
                (0, 0, label)
            });
        entry.1 += 1;
        if call.passed() {
            entry.0 += 1;
        }
    }
    if by_case.is_empty() {
        return vec![check("min_case_pass_rate", expected, None, false, NO_CALLS)];
    }
    let mut failing = Vec::new();
    let mut lowest: Option<(f64, &str)> = None;
    for (case_id, (passed, total, label)) in &by_case {
        let rate = *passed as f64 / *total as f64;
        if lowest.is_none_or(|(low, _)| rate < low) {
            lowest = Some((rate, label.as_str()));
        }
        if rate < min {
            let mut failed = check(
                "min_case_pass_rate",
                expected.clone(),
                Some(format!("{} ({passed}/{total} calls passed)", num(rate))),
                false,
                format!(
                    "case {label} passed {passed} of {total} calls, {} is below {}",
                    num(rate),
                    num(min)
                ),
            );
            failed.test_case_id = Some((*case_id).to_owned());
            failing.push(failed);
        }
    }
    if !failing.is_empty() {
        return failing;
    }
    let (rate, label) = lowest.unwrap_or((1.0, ""));
    vec![check(
        "min_case_pass_rate",
        expected,
        Some(format!("lowest {} ({label})", num(rate))),
        true,
        format!("every one of {} cases passed often enough", by_case.len()),
    )]
}
