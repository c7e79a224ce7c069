//! The gate: what the runner observed plus the suite's thresholds → a verdict.
//!
//! Pure functions, no I/O and no runtime. A platform problem (the run was not created, ended
//! FAILED or CANCELED, or has no calls) is an `error`, never a gate failure, so CI can tell
//! "the agent regressed" from "the run could not be judged". On a timeout or interruption
//! the calls that finished are still judged and every check is reported.

mod assertions;
mod calls;
mod checks;
mod evidence;
pub mod number;
pub mod power;
pub mod quarantine;
mod rate;
mod statistical;
mod verdict;
mod waves;

#[cfg(test)]
mod quarantine_tests;
#[cfg(test)]
mod statistical_tests;
#[cfg(test)]
mod tests;

use std::time::SystemTime;

use indexmap::IndexMap;

use crate::api::wire::RunStatus;
use crate::outcome::{
    CallOutcome, CheckStatus, Counts, EndKind, RunEnd, RunObservation, SourceRef, SuiteOutcome,
    SuiteStatistics, Verdict, WaveOutcome, rfc3339,
};
use crate::suite::{ResolvedSuite, Selection};

pub use checks::NO_CALLS;
pub use verdict::rejudge;

/// Judges one suite's run (and, with adaptive samples, its follow-up waves).
pub fn judge(mut observation: RunObservation) -> SuiteOutcome {
    let cases_asked = observation.case_titles.len() as u64;
    let mut waves = waves::of(&mut observation, cases_asked);
    let RunObservation {
        suite,
        started_at,
        elapsed,
        case_titles,
        ..
    } = observation;
    let adaptive = suite.adaptive.is_some();

    // Calls of every wave, numbered per case across the waves.
    let mut calls: Vec<CallOutcome> = Vec::new();
    let mut seen = IndexMap::new();
    for wave in &mut waves {
        let start = calls.len();
        calls.extend(calls::call_outcomes(
            wave.results
                .as_ref()
                .map(|r| r.results.as_slice())
                .unwrap_or_default(),
            &case_titles,
            wave.results_url.as_deref(),
            &mut seen,
            adaptive.then_some(wave.number),
        ));
        wave.calls = start..calls.len();
    }
    let flaky = calls::mark_flaky(&mut calls);
    quarantine::mark(&suite, &mut calls);
    // Quarantined cases are reported with every call but gate nothing: the checks see the
    // other calls, and the run's assertion scores as measured over them.
    let gating = quarantine::gating(&calls, &mut waves);
    let counts = calls::counts(&calls);
    let by_number = calls::by_number(&calls);
    // The suite ends as its last wave ended: waves stop at the first that does not finish.
    let last = waves.len() - 1;
    let end = waves[last].end.clone();
    let last_status = waves[last].last_status.clone();
    // Without results from a run that never started or could not be followed there is
    // nothing to measure, and failed checks would wrongly blame the agent.
    let started = matches!(
        end,
        RunEnd::Finished | RunEnd::TimedOut | RunEnd::Interrupted
    ) || waves.iter().any(|w| w.results.is_some());
    let merged = if waves.len() > 1 {
        waves::merged_summary(&waves)
    } else {
        None
    };
    let summary_body = merged.as_ref().or(waves[0].results.as_ref());
    let gating_summary = quarantine::summary_without(summary_body, &gating, calls.len());
    let checked_summary = gating_summary.as_ref().or(summary_body);
    let mut checks = match (&suite.thresholds.statistics, started) {
        (_, false) => Vec::new(),
        (Some(statistics), true) => {
            statistical::all(&suite, statistics, &waves, &gating, checked_summary)
        }
        (None, true) => checks::all(
            &suite.thresholds,
            gating_summary.as_ref().or(waves[0].results.as_ref()),
            &gating,
        ),
    };
    if gating.is_empty() && !calls.is_empty() {
        for check in checks.iter_mut().filter(|c| c.reason == NO_CALLS) {
            check.reason = quarantine::ALL_QUARANTINED.to_owned();
        }
    }
    let pass_rate = (counts.total > 0).then(|| counts.passed as f64 / counts.total as f64);
    let assertion_score = summary_body
        .and_then(|r| r.summary.as_ref())
        .and_then(|s| s.assertions.as_ref())
        .filter(|a| !a.none_configured())
        .and_then(|a| a.overall_score)
        .map(|score| score / 100.0);
    let results = waves[last].results.as_ref();
    let run_id = waves[0].run_id.clone();
    let results_url = waves[0].results_url.clone();
    let last_run_label = waves[last].run_id.clone();

    let run_status = last_status
        .as_ref()
        .map(|s| s.as_str().to_owned())
        .or_else(|| {
            results
                .and_then(|r| r.summary.as_ref())
                .and_then(|s| s.status.clone())
        });
    // The status endpoint is authoritative; the results' own summary status stands in when
    // the runner never saw a status.
    let terminal_failure = last_status
        .clone()
        .or_else(|| {
            results
                .and_then(|r| r.summary.as_ref())
                .and_then(|s| s.status.as_deref())
                .map(RunStatus::parse)
        })
        .filter(|s| matches!(s, RunStatus::Failed | RunStatus::Canceled));
    let run_label = last_run_label
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
            let policy = suite
                .thresholds
                .statistics
                .map(|s| s.on_inconclusive)
                .unwrap_or_default();
            let (verdict, reason) = verdict::of_checks(&checks, &counts, policy);
            (EndKind::Finished, verdict, reason)
        }
    };
    let reason = match quarantine::note(&calls) {
        Some(note) if started => format!("{reason}; {note}"),
        _ => reason,
    };

    // A run that cannot be judged is not judged: its thresholds are shown with what was
    // measured, but none passes or fails.
    if verdict == Verdict::Error {
        for check in &mut checks {
            check.status = CheckStatus::NotEvaluated;
            check.reason = "not evaluated: the run cannot be judged".to_owned();
        }
    }

    let statistics = suite.thresholds.statistics.map(|s| SuiteStatistics {
        confidence: s.confidence,
        margin: s.margin,
        on_inconclusive: s.on_inconclusive,
        interval: s.interval,
        adaptive: suite.adaptive,
        waves: wave_outcomes(
            &suite,
            &s,
            &waves,
            &calls,
            &gating,
            checked_summary,
            verdict,
        ),
        cases: statistical::case_rates(&suite, &s, &calls),
    });
    let quarantine = quarantine::outcomes(&suite, &calls);
    let regression = suite.thresholds.regression;

    SuiteOutcome {
        source: source_ref(&suite),
        selection: suite.selection.describe(),
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
        statistics,
        regression,
        quarantine,
        baseline: None,
    }
}

/// Each wave with the suite's verdict on the waves up to it: the last wave carries the
/// final verdict; an earlier one the verdict its rate checks gave at that point.
fn wave_outcomes(
    suite: &ResolvedSuite,
    statistics: &crate::suite::Statistics,
    waves: &[waves::Wave],
    calls: &[CallOutcome],
    gating: &[CallOutcome],
    summary: Option<&crate::api::wire::ResultsBody>,
    verdict: Verdict,
) -> Vec<WaveOutcome> {
    waves
        .iter()
        .enumerate()
        .map(|(i, wave)| {
            let running = if i + 1 == waves.len() {
                verdict
            } else {
                let upto = wave.gated.end;
                let checks =
                    statistical::all(suite, statistics, &waves[..=i], &gating[..upto], summary);
                if checks.iter().any(|c| c.status == CheckStatus::Failed) {
                    Verdict::Failed
                } else if checks.iter().any(|c| c.status == CheckStatus::Inconclusive) {
                    Verdict::Inconclusive
                } else {
                    Verdict::Passed
                }
            };
            WaveOutcome {
                wave: wave.number,
                run_id: wave.run_id.clone(),
                results_url: wave.results_url.clone(),
                cases: if wave.cases_asked > 0 {
                    wave.cases_asked
                } else {
                    evidence::by_case(&calls[wave.calls.clone()]).len() as u64
                },
                samples: wave.samples,
                calls: wave.calls.len() as u64,
                verdict: running,
            }
        })
        .collect()
}

/// The outcome of a suite that was selected but never started, e.g. after an interruption;
/// `at` is when it was given up.
pub fn not_run(suite: &ResolvedSuite, reason: impl Into<String>, at: SystemTime) -> SuiteOutcome {
    SuiteOutcome {
        name: suite.name.clone(),
        description: suite.description.clone(),
        source: source_ref(suite),
        selection: suite.selection.describe(),
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
        statistics: None,
        regression: suite.thresholds.regression,
        quarantine: Vec::new(),
        baseline: None,
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

fn end_kind_of(end: &RunEnd) -> EndKind {
    match end {
        RunEnd::Finished => EndKind::Finished,
        RunEnd::TimedOut => EndKind::TimedOut,
        RunEnd::Interrupted => EndKind::Interrupted,
        RunEnd::PlatformError { .. } => EndKind::PlatformError,
        RunEnd::NotStarted { .. } | RunEnd::Refused { .. } => EndKind::NotStarted,
    }
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
