//! The gate: what the runner observed plus the suite's thresholds → a verdict.
//!
//! Pure functions, no I/O and no runtime. A platform problem (the run was not created, ended
//! FAILED or CANCELED, or has no calls) is an `error`, never a gate failure, so CI can tell
//! "the agent regressed" from "the run could not be judged". On a timeout or interruption
//! the calls that finished are still judged and every check is reported.

mod assertions;
mod calls;
mod checks;
pub mod number;

#[cfg(test)]
mod tests;

use std::time::SystemTime;

use crate::api::wire::RunStatus;
use crate::outcome::{
    CheckStatus, Counts, EndKind, RunEnd, RunObservation, SourceRef, SuiteOutcome, Verdict, rfc3339,
};
use crate::suite::{ResolvedSuite, Selection};

pub use checks::NO_CALLS;
use number::num;

/// Judges one suite's run.
pub fn judge(observation: RunObservation) -> SuiteOutcome {
    let RunObservation {
        suite,
        run_id,
        results_url,
        last_status,
        results,
        end,
        started_at,
        elapsed,
        case_titles,
    } = observation;

    let mut calls = calls::call_outcomes(
        results
            .as_ref()
            .map(|r| r.results.as_slice())
            .unwrap_or_default(),
        &case_titles,
        results_url.as_deref(),
    );
    let flaky = calls::mark_flaky(&mut calls);
    let counts = calls::counts(&calls);
    let by_number = calls::by_number(&calls);
    // Without results from a run that never started or could not be followed there is
    // nothing to measure, and failed checks would wrongly blame the agent.
    let started = matches!(
        end,
        RunEnd::Finished | RunEnd::TimedOut | RunEnd::Interrupted
    ) || results.is_some();
    let checks = if started {
        checks::all(&suite.thresholds, results.as_ref(), &calls)
    } else {
        Vec::new()
    };
    let pass_rate = (counts.total > 0).then(|| counts.passed as f64 / counts.total as f64);
    let assertion_score = results
        .as_ref()
        .and_then(|r| r.summary.as_ref())
        .and_then(|s| s.assertions.as_ref())
        .filter(|a| !a.none_configured())
        .and_then(|a| a.overall_score)
        .map(|score| score / 100.0);

    let run_status = last_status
        .as_ref()
        .map(|s| s.as_str().to_owned())
        .or_else(|| {
            results
                .as_ref()
                .and_then(|r| r.summary.as_ref())
                .and_then(|s| s.status.clone())
        });
    // The status endpoint is authoritative; the results' own summary status stands in when
    // the runner never saw a status.
    let terminal_failure = last_status
        .clone()
        .or_else(|| {
            results
                .as_ref()
                .and_then(|r| r.summary.as_ref())
                .and_then(|s| s.status.as_deref())
                .map(RunStatus::parse)
        })
        .filter(|s| matches!(s, RunStatus::Failed | RunStatus::Canceled));
    let run_label = run_id
        .as_deref()
        .map(|id| format!("run {id}"))
        .unwrap_or_else(|| "the run".to_owned());
    let waited = crate::suite::duration::format(elapsed);
    let finished = counts.passed + counts.failed + counts.errored;

    let (end_kind, verdict, reason) = match (&end, terminal_failure) {
        (RunEnd::Refused { message }, _) => (
            EndKind::NotStarted,
            Verdict::Refused,
            format!("refused before its run was created (nothing was placed): {message}"),
        ),
        (RunEnd::NotStarted { message }, _) => (
            EndKind::NotStarted,
            Verdict::Error,
            format!("the run could not be created: {message}"),
        ),
        (RunEnd::PlatformError { message }, _) => (
            EndKind::PlatformError,
            Verdict::Error,
            format!("{run_label} could not be followed: {message}"),
        ),
        (_, Some(status)) => (
            end_kind_of(&end),
            Verdict::Error,
            format!(
                "{run_label} ended {} on Hamming; its results cannot be judged",
                status.as_str()
            ),
        ),
        (RunEnd::TimedOut, None) => (
            EndKind::TimedOut,
            Verdict::TimedOut,
            format!(
                "timed out after {waited} with {finished} of {} calls finished; the finished calls were judged",
                counts.total
            ),
        ),
        (RunEnd::Interrupted, None) => (
            EndKind::Interrupted,
            Verdict::Interrupted,
            format!(
                "interrupted after {waited} with {finished} of {} calls finished; the finished calls were judged; {}",
                counts.total,
                goes_on(run_id.as_deref())
            ),
        ),
        (RunEnd::Finished, None) if counts.total == 0 => {
            (EndKind::Finished, Verdict::Error, NO_CALLS.to_owned())
        }
        (RunEnd::Finished, None) => {
            let failed = failed_names(&checks);
            if failed.is_empty() {
                (
                    EndKind::Finished,
                    Verdict::Passed,
                    format!(
                        "every threshold held ({} check{}, {})",
                        checks.len(),
                        if checks.len() == 1 { "" } else { "s" },
                        pass_rate_phrase(&counts)
                    ),
                )
            } else {
                (
                    EndKind::Finished,
                    Verdict::Failed,
                    format!(
                        "{} of {} threshold check{} failed: {}",
                        checks
                            .iter()
                            .filter(|c| c.status == CheckStatus::Failed)
                            .count(),
                        checks.len(),
                        if checks.len() == 1 { "" } else { "s" },
                        failed.join(", ")
                    ),
                )
            }
        }
    };

    // A run that cannot be judged is not judged: its thresholds are shown with what was
    // measured, but none passes or fails.
    let mut checks = checks;
    if verdict == Verdict::Error {
        for check in &mut checks {
            check.status = CheckStatus::NotEvaluated;
            check.reason = "not evaluated: the run cannot be judged".to_owned();
        }
    }

    SuiteOutcome {
        source: source_ref(&suite),
        name: suite.name,
        description: suite.description,
        agent_id: suite.agent_id,
        phone_numbers: suite.phone_numbers,
        run_id,
        results_url,
        run_status,
        end: end_kind,
        verdict,
        reason,
        started_at: rfc3339(started_at),
        elapsed_seconds: elapsed.as_secs_f64(),
        pass_rate,
        assertion_score,
        checks,
        counts,
        by_number,
        flaky,
        calls,
    }
}

/// The outcome of a suite that was selected but never started, e.g. after an interruption;
/// `at` is when it was given up.
pub fn not_run(suite: &ResolvedSuite, reason: impl Into<String>, at: SystemTime) -> SuiteOutcome {
    SuiteOutcome {
        name: suite.name.clone(),
        description: suite.description.clone(),
        source: source_ref(suite),
        agent_id: suite.agent_id.clone(),
        phone_numbers: suite.phone_numbers.clone(),
        run_id: None,
        results_url: None,
        run_status: None,
        end: EndKind::NotRun,
        verdict: Verdict::NotRun,
        reason: reason.into(),
        started_at: rfc3339(at),
        elapsed_seconds: 0.0,
        pass_rate: None,
        assertion_score: None,
        checks: Vec::new(),
        counts: Counts::default(),
        by_number: Vec::new(),
        flaky: Vec::new(),
        calls: Vec::new(),
    }
}

/// What an interruption leaves behind: Hamming has no cancel, so the run goes on and its
/// calls are placed (and billed) anyway. Every report shows the run's link beside this.
fn goes_on(run_id: Option<&str>) -> String {
    match run_id {
        Some(id) => {
            format!("run {id} goes on on Hamming, where its calls are still placed (and billed)")
        }
        None => "no run was created, so no calls were placed".to_owned(),
    }
}

/// The names of the failed checks, each once, in order, with a count where a threshold
/// failed more than once (`min_case_pass_rate` fails per case).
fn failed_names(checks: &[crate::outcome::ThresholdCheck]) -> Vec<String> {
    let mut counted: Vec<(&str, usize)> = Vec::new();
    for check in checks.iter().filter(|c| c.status == CheckStatus::Failed) {
        match counted.iter_mut().find(|(name, _)| *name == check.name) {
            Some((_, n)) => *n += 1,
            None => counted.push((&check.name, 1)),
        }
    }
    counted
        .into_iter()
        .map(|(name, n)| match n {
            1 => name.to_owned(),
            n => format!("{name} (×{n})"),
        })
        .collect()
}

fn end_kind_of(end: &RunEnd) -> EndKind {
    match end {
        RunEnd::Finished => EndKind::Finished,
        RunEnd::TimedOut => EndKind::TimedOut,
        RunEnd::Interrupted => EndKind::Interrupted,
        RunEnd::PlatformError { .. } => EndKind::PlatformError,
        RunEnd::NotStarted { .. } | RunEnd::Refused { .. } => EndKind::NotStarted,
    }
}

fn pass_rate_phrase(counts: &Counts) -> String {
    let rate = counts.passed as f64 / counts.total.max(1) as f64;
    format!(
        "{} of {} calls passed, pass rate {}",
        counts.passed,
        counts.total,
        num(rate)
    )
}

/// The suite's place in its file, with each explicit test case's line keyed by case id.
fn source_ref(suite: &ResolvedSuite) -> SourceRef {
    let test_case_lines = match &suite.selection {
        Selection::TestCases(cases) => cases
            .iter()
            .zip(&suite.source.test_case_lines)
            .filter(|(_, line)| **line > 0)
            .map(|(case, line)| (case.id.clone(), *line))
            .collect(),
        Selection::Tags(_) | Selection::Expression(_) | Selection::Dataset(_) => Default::default(),
    };
    SourceRef {
        file: suite.source.file.display().to_string(),
        line: suite.source.line,
        column: suite.source.column,
        test_case_lines,
    }
}
