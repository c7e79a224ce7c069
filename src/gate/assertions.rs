//! Checks on assertions: the overall score, per-category minimums and assertions that must
//! pass, and what each does when the run has no assertions configured (`no_assertions`).

use crate::api::wire::{AssertionScores, ResultsBody};
use crate::outcome::{AssertionOutcome, CallOutcome, CheckStatus, ThresholdCheck};
use crate::suite::model::NoAssertions;

use super::checks::check;
use super::number::num;

/// Whether the run has assertions, and their summary scores.
pub(super) enum AssertionState<'a> {
    NoneConfigured,
    Configured(Option<&'a AssertionScores>),
}

impl<'a> AssertionState<'a> {
    pub(super) fn of(results: Option<&'a ResultsBody>, calls: &[CallOutcome]) -> Self {
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

pub(super) fn score(min: f64, state: &AssertionState, policy: NoAssertions) -> ThresholdCheck {
    let name = "min_assertion_score".to_owned();
    let expected = format!(">= {}", num(min));
    let scores = match state {
        AssertionState::NoneConfigured => return no_assertions(name, expected, policy),
        AssertionState::Configured(scores) => scores,
    };
    match scores.and_then(|s| s.overall_score) {
        None => match scores.and_then(|s| s.rejected_score) {
            Some(sent) => check(
                name,
                expected,
                None,
                false,
                format!(
                    "the overall assertion score the server sent ({}) is outside 0 to 100, so it cannot be judged",
                    num(sent)
                ),
            ),
            None => check(
                name,
                expected,
                None,
                false,
                "the results carry no overall assertion score",
            ),
        },
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

pub(super) fn category(
    name: &str,
    min: f64,
    state: &AssertionState,
    policy: NoAssertions,
) -> ThresholdCheck {
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

pub(super) fn must_pass(
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
        // Suite files may name an assertion by its name or by its id.
        let named = |a: &&AssertionOutcome| a.name == name || a.id.as_deref() == Some(name);
        for assertion in call.assertions.iter().filter(named) {
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
