//! One function per threshold kind: each measures the run and compares it with the bound,
//! producing a check that shows measured against expected and says why in one line.

use indexmap::IndexMap;

use crate::api::wire::{AssertionScores, ResultsBody};
use crate::outcome::{CallOutcome, CheckStatus, ThresholdCheck};
use crate::suite::ResolvedThresholds;
use crate::suite::model::{MetricBound, NoAssertions};
use crate::suite::resolve::DEFAULT_MIN_TEST_PASS_RATE;

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
        checks.push(assertion_score(min, &assertions, thresholds.no_assertions));
    }
    for (name, min) in &thresholds.categories {
        checks.push(category(name, *min, &assertions, thresholds.no_assertions));
    }
    for name in &thresholds.must_pass_assertions {
        checks.push(must_pass(
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

fn check(
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

/// Whether the run has assertions, and their summary scores.
enum AssertionState<'a> {
    NoneConfigured,
    Configured(Option<&'a AssertionScores>),
}

impl<'a> AssertionState<'a> {
    fn of(results: Option<&'a ResultsBody>, calls: &[CallOutcome]) -> Self {
        let summary = results
            .and_then(|r| r.summary.as_ref())
            .and_then(|s| s.assertions.as_ref());
        let summary_says_none = summary.is_none_or(AssertionScores::none_configured);
        // Assertion results on calls prove assertions exist even if the summary is empty.
        if summary_says_none && calls.iter().all(|c| c.assertions.is_empty()) {
            Self::NoneConfigured
        } else {
            Self::Configured(summary)
        }
    }
}

/// The check for an assertion threshold on a run without assertions.
fn no_assertions(name: String, expected: String, policy: NoAssertions) -> ThresholdCheck {
    match policy {
        NoAssertions::Fail => check(
            name.clone(),
            expected,
            None,
            false,
            format!(
                "no assertions are configured for this run, so `{name}` cannot be judged; \
                 configure assertions on the test cases in Hamming or set `no_assertions: skip`"
            ),
        ),
        NoAssertions::Skip => ThresholdCheck {
            status: CheckStatus::Skipped,
            ..check(
                name,
                expected,
                None,
                true,
                "no assertions are configured for this run; skipped (no_assertions: skip)",
            )
        },
    }
}

fn assertion_score(min: f64, state: &AssertionState, policy: NoAssertions) -> ThresholdCheck {
    let name = "min_assertion_score".to_owned();
    let expected = format!(">= {}", num(min));
    let scores = match state {
        AssertionState::NoneConfigured => return no_assertions(name, expected, policy),
        AssertionState::Configured(scores) => scores,
    };
    match scores.and_then(|s| s.overall_score) {
        None => check(
            name,
            expected,
            None,
            false,
            "the results carry no overall assertion score",
        ),
        Some(score) => {
            let score = score / 100.0;
            let ok = score >= min;
            let reason = if ok {
                format!("overall assertion score {}", num(score))
            } else {
                format!(
                    "overall assertion score {} is below {}",
                    num(score),
                    num(min)
                )
            };
            check(name, expected, Some(num(score)), ok, reason)
        }
    }
}

fn category(name: &str, min: f64, state: &AssertionState, policy: NoAssertions) -> ThresholdCheck {
    let check_name = format!("categories.{name}");
    let expected = format!(">= {}", num(min));
    let scores = match state {
        AssertionState::NoneConfigured => return no_assertions(check_name, expected, policy),
        AssertionState::Configured(scores) => scores,
    };
    let categories = scores.map(|s| s.categories.as_slice()).unwrap_or_default();
    let found = categories
        .iter()
        .find(|c| c.name.as_deref() == Some(name))
        .or_else(|| {
            categories.iter().find(|c| {
                c.name
                    .as_deref()
                    .is_some_and(|n| n.eq_ignore_ascii_case(name))
            })
        });
    let Some(found) = found else {
        let existing: Vec<String> = categories
            .iter()
            .filter_map(|c| c.name.as_deref())
            .map(|n| format!("`{n}`"))
            .collect();
        let existing = if existing.is_empty() {
            "the run has no categories".to_owned()
        } else {
            format!("categories in the run: {}", existing.join(", "))
        };
        return check(
            check_name,
            expected,
            None,
            false,
            format!("category `{name}` is not in the results; {existing}"),
        );
    };
    match found.score {
        None => check(
            check_name,
            expected,
            None,
            false,
            format!("category `{name}` has no score in the results"),
        ),
        Some(score) => {
            let score = score / 100.0;
            let ok = score >= min;
            let reason = if ok {
                format!("category `{name}` scored {}", num(score))
            } else {
                format!(
                    "category `{name}` scored {}, below {}",
                    num(score),
                    num(min)
                )
            };
            check(check_name, expected, Some(num(score)), ok, reason)
        }
    }
}

fn must_pass(
    name: &str,
    calls: &[CallOutcome],
    state: &AssertionState,
    policy: NoAssertions,
) -> ThresholdCheck {
    let check_name = format!("must_pass_assertions.{name}");
    let expected = "passes in every call".to_owned();
    if matches!(state, AssertionState::NoneConfigured) {
        return no_assertions(check_name, expected, policy);
    }
    let mut evaluated = 0usize;
    let mut failed_evaluations = 0usize;
    let mut failing: Vec<&CallOutcome> = Vec::new();
    let mut first_reason: Option<String> = None;
    for call in calls {
        for assertion in call.assertions.iter().filter(|a| a.name == name) {
            evaluated += 1;
            if !assertion.passed() {
                failed_evaluations += 1;
                if failing.last().is_none_or(|c| !std::ptr::eq(*c, call)) {
                    failing.push(call);
                }
                if first_reason.is_none() {
                    first_reason = assertion.reason.clone();
                }
            }
        }
    }
    if evaluated == 0 {
        return check(
            check_name,
            expected,
            None,
            false,
            format!("assertion `{name}` was never evaluated"),
        );
    }
    let measured = format!("failed in {failed_evaluations} of {evaluated} evaluations");
    if failing.is_empty() {
        return check(
            check_name,
            expected,
            Some(format!("passed in {evaluated} of {evaluated} evaluations")),
            true,
            format!("assertion `{name}` passed every time it was evaluated"),
        );
    }
    let names: Vec<String> = failing.iter().map(|c| c.display_name()).collect();
    let mut reason = format!("assertion `{name}` did not pass in {}", names.join(", "));
    if let Some(first) = first_reason {
        reason.push_str(&format!(": {first}"));
    }
    let mut result = check(check_name, expected, Some(measured), false, reason);
    // Tie the check to a case when every failure belongs to one, so an annotation can point
    // at that case's entry in the suite file.
    if failing
        .iter()
        .all(|c| c.test_case_id == failing[0].test_case_id)
    {
        result.test_case_id = Some(failing[0].test_case_id.clone());
    }
    result
}

fn metric(
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
