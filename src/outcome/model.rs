//! The judged outcome of a run: the one model that every report renders.
//!
//! It is the content of the JSON report, so its shape is versioned (`schema_version`) and its
//! JSON Schema is published under `schemas/`. Change a field's meaning and the version moves.

use std::time::SystemTime;

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::baseline::SuiteBaseline;
use super::quarantine::QuarantinedCase;
use super::statistics::{RateEstimate, SuiteStatistics};
use crate::exit;
use crate::suite::{OnInconclusive, RegressionPolicy};

/// The version of the JSON report's shape that this build writes. Version 2 added the
/// statistical gate (`inconclusive`, intervals, waves, per-case rates); version 3 the
/// comparison with a baseline and quarantine. A report is written as the lowest version
/// whose fields it uses (1 with none of either), so older readers still read it.
pub const SCHEMA_VERSION: u32 = 3;

/// The oldest report version this build reads.
pub const OLDEST_SCHEMA_VERSION: u32 = 1;

/// The result of one `hamming-runner` invocation: every suite it judged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Outcome {
    /// The version of this report's shape; readers reject versions they do not know.
    pub schema_version: u32,
    /// The tool that wrote the report.
    pub tool: ToolInfo,
    /// When the first suite started (RFC 3339, UTC).
    pub started_at: String,
    /// When the last suite ended (RFC 3339, UTC).
    pub finished_at: String,
    /// The suite file as the user named it.
    pub suite_file: String,
    /// One entry per selected suite, in the order they were selected.
    pub suites: Vec<SuiteOutcome>,
    /// The worst verdict of all suites (by exit code).
    pub verdict: Verdict,
    /// The exit code this outcome maps to; `report FILE.json` exits with it too.
    pub exit_code: u8,
}

/// The tool that wrote a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ToolInfo {
    pub name: String,
    pub version: String,
}

impl ToolInfo {
    /// This build of `hamming-runner`.
    pub fn current() -> Self {
        Self {
            name: env!("CARGO_PKG_NAME").to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
        }
    }
}

impl Outcome {
    /// Assembles the outcome of an invocation; the verdict and exit code follow from the
    /// suites' verdicts.
    pub fn new(
        suite_file: impl Into<String>,
        started_at: SystemTime,
        finished_at: SystemTime,
        suites: Vec<SuiteOutcome>,
    ) -> Self {
        let exit_code = exit::worst(suite_codes(&suites));
        let verdict = verdict_for(&suites, exit_code);
        Self {
            schema_version: schema_version_for(&suites),
            tool: ToolInfo::current(),
            started_at: rfc3339(started_at),
            finished_at: rfc3339(finished_at),
            suite_file: suite_file.into(),
            suites,
            verdict,
            exit_code,
        }
    }

    /// Recomputes the verdict, exit code and report version after suites were judged again
    /// (a check added); the exit code never drops below what it was.
    pub fn refresh(&mut self) {
        self.exit_code = exit::worst(suite_codes(&self.suites).chain([self.exit_code]));
        self.verdict = verdict_for(&self.suites, self.exit_code);
        self.schema_version = schema_version_for(&self.suites);
    }

    /// Whether every suite passed.
    pub fn passed(&self) -> bool {
        self.exit_code == exit::SUCCESS
    }

    /// Each kind of verdict present, the most actionable first (as the exit code ranks
    /// them), for the headline of a report: only `passed` when every suite passed.
    pub fn kinds(&self) -> Vec<Verdict> {
        let codes = suite_codes_all(&self.suites);
        let mut kinds: Vec<(Verdict, u8)> = Vec::new();
        for (suite, code) in self.suites.iter().zip(codes) {
            if suite.verdict != Verdict::Passed && !kinds.iter().any(|(v, _)| *v == suite.verdict) {
                kinds.push((suite.verdict, code.unwrap_or(exit::SUCCESS)));
            }
        }
        // Most actionable first; a stable sort keeps the order of first appearance on ties.
        kinds.sort_by_key(|(_, code)| std::cmp::Reverse(rank(*code)));
        if kinds.is_empty() {
            return vec![Verdict::Passed];
        }
        kinds.into_iter().map(|(v, _)| v).collect()
    }
}

/// How actionable an exit code is (`exit::worst`'s order), as a number.
fn rank(code: u8) -> u8 {
    [
        exit::GATE_FAILED,
        exit::TIMEOUT,
        exit::PLATFORM,
        exit::USAGE,
        exit::INTERRUPTED,
    ]
    .iter()
    .position(|c| *c == code)
    .map_or(0, |at| at as u8 + 1)
}

/// The exit codes the suites contribute. A suite that was never started (`not_run`, kept
/// back by `--fail-fast`) contributes none: what stopped the run carries the code. A
/// refused suite contributes 2 (nothing was run) only when every contributing suite was
/// refused; once any other suite ran (or tried to), a refusal is a suite that could not be
/// judged, 3, and never claims that nothing was run.
pub fn suite_codes(suites: &[SuiteOutcome]) -> impl Iterator<Item = u8> + '_ {
    suite_codes_all(suites).into_iter().flatten()
}

/// `suite_codes`, one entry per suite (`None` for a suite that contributes none).
fn suite_codes_all(suites: &[SuiteOutcome]) -> Vec<Option<u8>> {
    let contributing = || suites.iter().filter(|s| s.verdict != Verdict::NotRun);
    let only_refusals = contributing().all(|s| s.verdict == Verdict::Refused);
    suites
        .iter()
        .map(|s| match s.verdict {
            Verdict::NotRun => None,
            Verdict::Refused if !only_refusals => Some(exit::PLATFORM),
            _ => Some(s.exit_code()),
        })
        .collect()
}

/// The verdict that stands for the whole outcome: that of a suite whose code is the
/// outcome's exit code, preferring a definite one (`failed` over `inconclusive` at exit 1)
/// and an `inconclusive` over `passed` at exit 0, so an undecided suite is never summarised
/// as a plain pass; `passed` when no suite has the code.
pub fn verdict_for(suites: &[SuiteOutcome], exit_code: u8) -> Verdict {
    let codes = suite_codes_all(suites);
    let with_code = || {
        suites
            .iter()
            .zip(&codes)
            .filter(move |(_, code)| **code == Some(exit_code))
            .map(|(suite, _)| suite.verdict)
    };
    with_code()
        .find(|v| !matches!(v, Verdict::Inconclusive | Verdict::Passed))
        .or_else(|| with_code().find(|v| *v == Verdict::Inconclusive))
        .or_else(|| with_code().next())
        .unwrap_or(Verdict::Passed)
}

/// The report version the suites need: 3 when any of them carries a baseline comparison or
/// quarantine, else 2 when any carries statistics, else 1.
pub fn schema_version_for(suites: &[SuiteOutcome]) -> u32 {
    if suites.iter().any(SuiteOutcome::uses_baseline_or_quarantine) {
        3
    } else if suites.iter().any(SuiteOutcome::uses_statistics) {
        2
    } else {
        OLDEST_SCHEMA_VERSION
    }
}

/// A timestamp as RFC 3339 in UTC, to the second.
pub fn rfc3339(time: SystemTime) -> String {
    humantime::format_rfc3339_seconds(time).to_string()
}

/// What a suite's run amounted to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The run completed and every threshold held.
    Passed,
    /// The run completed and at least one threshold did not hold: the agent regressed.
    Failed,
    /// The run could not be judged: it was not created, ended FAILED or CANCELED, had no
    /// calls, or could not be followed.
    Error,
    /// The suite was refused before its run was created, for a reason of its own: an
    /// unknown agent, tag or test case, an empty selection, `max_calls`. Nothing was placed.
    Refused,
    /// The deadline passed; the calls that had finished were judged and reported.
    TimedOut,
    /// Ctrl-C or SIGTERM; the calls that had finished were judged and reported.
    Interrupted,
    /// The suite was selected but never started (for example after an interruption).
    NotRun,
    /// The run completed, no threshold failed, but at least one rate could not be decided
    /// at the suite's confidence. Exit 1, or 0 with `on_inconclusive: pass`.
    Inconclusive,
}

impl Verdict {
    /// The exit code of a suite with this verdict. A suite that never ran is not a pass: it
    /// maps to the platform code, since nothing could be judged. An inconclusive suite maps
    /// to a gate failure here; `SuiteOutcome::exit_code` applies its `on_inconclusive`.
    pub fn exit_code(self) -> u8 {
        match self {
            Self::Passed => exit::SUCCESS,
            Self::Failed | Self::Inconclusive => exit::GATE_FAILED,
            Self::Error | Self::NotRun => exit::PLATFORM,
            // Alone, a refusal means nothing was run; beside a suite that ran it is a 3
            // (see `suite_codes`).
            Self::Refused => exit::USAGE,
            Self::TimedOut => exit::TIMEOUT,
            Self::Interrupted => exit::INTERRUPTED,
        }
    }

    /// The wire name, as in the JSON report.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Passed => "passed",
            Self::Failed => "failed",
            Self::Error => "error",
            Self::Refused => "refused",
            Self::TimedOut => "timed_out",
            Self::Interrupted => "interrupted",
            Self::NotRun => "not_run",
            Self::Inconclusive => "inconclusive",
        }
    }

    /// A short label for people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Passed => "passed",
            Self::Failed => "gate failed",
            Self::Error => "platform error",
            Self::Refused => "refused",
            Self::TimedOut => "timed out",
            Self::Interrupted => "interrupted",
            Self::NotRun => "not run",
            Self::Inconclusive => "inconclusive",
        }
    }
}

/// How the runner stopped following the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EndKind {
    Finished,
    TimedOut,
    Interrupted,
    PlatformError,
    NotStarted,
    NotRun,
}

/// Where a suite is defined, so annotations can point at it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SourceRef {
    /// The suite file as the user named it.
    pub file: String,
    /// 1-based line of the suite's name (0 when unknown).
    pub line: u32,
    /// 1-based column of the suite's name (0 when unknown).
    pub column: u32,
    /// 1-based line of each explicit test case entry, by test case id.
    pub test_case_lines: IndexMap<String, u32>,
}

/// The judged result of one suite.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SuiteOutcome {
    pub name: String,
    pub description: Option<String>,
    pub source: SourceRef,
    pub agent_id: String,
    /// What the suite selects, as `Selection::describe` words it (`tags: smoke-test`, `test
    /// cases`, …), so a later run can tell whether it selects alike; absent when unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selection: Option<String>,
    /// The numbers the suite dialled (empty when not known, e.g. `check` of a saved file).
    #[serde(default)]
    pub phone_numbers: Vec<String>,
    pub run_id: Option<String>,
    /// The run's page on Hamming.
    pub results_url: Option<String>,
    /// The last run status seen (`QUEUED`, `RUNNING`, `COMPLETED`, `FAILED`, `CANCELED`, …).
    pub run_status: Option<String>,
    pub end: EndKind,
    pub verdict: Verdict,
    /// One line on why the suite got its verdict.
    pub reason: String,
    /// When the suite started (RFC 3339, UTC).
    pub started_at: String,
    pub elapsed_seconds: f64,
    /// Share of calls whose status is PASSED (pending calls count as not passed); `None`
    /// when the run has no calls.
    pub pass_rate: Option<f64>,
    /// `summary.assertions.overallScore / 100`; `None` when no assertions are configured.
    pub assertion_score: Option<f64>,
    /// Every threshold check, passed, failed or skipped.
    pub checks: Vec<ThresholdCheck>,
    pub counts: Counts,
    /// The calls counted per phone number, in the order the numbers first appear in the
    /// results; calls whose results name no number are counted under `phone_number: null`.
    #[serde(default)]
    pub by_number: Vec<NumberCounts>,
    /// Cases whose calls both passed and failed (or errored).
    pub flaky: Vec<FlakyCase>,
    /// Every call, in the order the results list them (wave after wave).
    pub calls: Vec<CallOutcome>,
    /// With `thresholds.confidence`: how the rates were judged, the waves and each case's
    /// rate. Absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statistics: Option<SuiteStatistics>,
    /// `thresholds.regression` when it is `warn` (a regression against a baseline only
    /// warns); absent for the default, `fail`.
    #[serde(default, skip_serializing_if = "RegressionPolicy::is_fail")]
    pub regression: RegressionPolicy,
    /// The suite's quarantined cases (expired ones included, marked). Absent when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub quarantine: Vec<QuarantinedCase>,
    /// With `--baseline`: the comparison with the same suite in the baseline report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<SuiteBaseline>,
}

impl SuiteOutcome {
    /// The exit code this suite contributes: its verdict's, except that an inconclusive
    /// suite with `on_inconclusive: pass` contributes 0.
    pub fn exit_code(&self) -> u8 {
        let passes = self
            .statistics
            .as_ref()
            .is_some_and(|s| s.on_inconclusive == OnInconclusive::Pass);
        if self.verdict == Verdict::Inconclusive && passes {
            exit::SUCCESS
        } else {
            self.verdict.exit_code()
        }
    }

    /// Whether the suite carries anything of report version 2.
    pub fn uses_statistics(&self) -> bool {
        self.statistics.is_some()
            || self.verdict == Verdict::Inconclusive
            || self.checks.iter().any(|c| c.rate.is_some())
            || self.calls.iter().any(|c| c.wave.is_some())
    }

    /// The ids of every run of the suite: the first, then each later wave's.
    pub fn run_ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = self.run_id.as_deref().into_iter().collect();
        if let Some(statistics) = &self.statistics {
            for id in statistics.waves.iter().filter_map(|w| w.run_id.as_deref()) {
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
        ids
    }

    /// The failed threshold checks.
    pub fn failed_checks(&self) -> impl Iterator<Item = &ThresholdCheck> {
        self.checks
            .iter()
            .filter(|c| c.status == CheckStatus::Failed)
    }

    /// The calls that did not pass (failed, errored, pending or of an unknown status).
    pub fn failing_calls(&self) -> impl Iterator<Item = &CallOutcome> {
        self.calls.iter().filter(|c| !c.passed())
    }

    /// Whether the calls are worth breaking down by number: several numbers were dialled or
    /// appear in the results.
    pub fn shows_numbers(&self) -> bool {
        self.by_number.len() > 1 || (self.phone_numbers.len() > 1 && !self.by_number.is_empty())
    }

    /// What to say about a call's number beside its name, which already carries a known
    /// number: "number unknown" when the results name none and the suite did not dial exactly
    /// one number, else nothing.
    pub fn unknown_number_note(&self, call: &CallOutcome) -> Option<&'static str> {
        (call.phone_number.is_none() && self.phone_numbers.len() != 1).then_some(NUMBER_UNKNOWN)
    }
}

/// The confidence of a comparison with a baseline when the suite sets none.
pub const DEFAULT_CONFIDENCE: f64 = 0.95;

/// A case as reports name it: `<title> [<id>]`, or `[<id>]` without a title.
pub fn case_name(title: Option<&str>, test_case_id: &str) -> String {
    match title {
        Some(title) if !title.is_empty() => format!("{title} [{test_case_id}]"),
        _ => format!("[{test_case_id}]"),
    }
}

/// How reports name the number of a call whose results name none: it is never guessed.
pub const NUMBER_UNKNOWN: &str = "number unknown";

/// The calls at one phone number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct NumberCounts {
    /// The number, from the results' `phoneNumber` (or `toNumber`); `null` for calls whose
    /// results name no number.
    pub phone_number: Option<String>,
    pub counts: Counts,
}

impl NumberCounts {
    /// The number, or "number unknown".
    pub fn label(&self) -> &str {
        self.phone_number.as_deref().unwrap_or(NUMBER_UNKNOWN)
    }
}

/// The result of one threshold check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ThresholdCheck {
    /// The threshold, e.g. `min_test_pass_rate`, `categories.Compliance`,
    /// `must_pass_assertions.Verifies identity`, `metrics.latencyP90`.
    pub name: String,
    /// The bound, e.g. `>= 0.9`; `(default)` when the suite file does not set it.
    pub expected: String,
    /// What the run measured, when it could be measured.
    pub measured: Option<String>,
    pub status: CheckStatus,
    /// One line explaining the result.
    pub reason: String,
    /// The test case the check is about, when it is about one.
    pub test_case_id: Option<String>,
    /// With `thresholds.confidence`, for a rate: the rate with its interval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<RateEstimate>,
}

/// The result of a threshold check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    Passed,
    Failed,
    /// Not judged, and said so (e.g. `no_assertions: skip` on a run without assertions).
    Skipped,
    /// A rate neither confidently below its bar nor confidently at or above `bar − margin`.
    Inconclusive,
    /// Not judged because the run cannot be judged at all (it ended FAILED or CANCELED, or
    /// could not be followed): the measured value is shown, but it neither passes nor fails.
    NotEvaluated,
    /// Did not hold, but only warns (`thresholds.regression: warn`); the gate holds.
    Warning,
}

impl CheckStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Passed => "passed",
            Self::Failed => "failed",
            Self::Skipped => "skipped",
            Self::Inconclusive => "inconclusive",
            Self::NotEvaluated => "not_evaluated",
            Self::Warning => "warning",
        }
    }
}

/// Call counts of a suite, taken from the calls themselves.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Counts {
    pub total: u64,
    pub passed: u64,
    pub failed: u64,
    pub errored: u64,
    /// Not finished when the results were fetched (including unknown statuses).
    pub pending: u64,
}

/// A case whose calls disagree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FlakyCase {
    pub test_case_id: String,
    pub title: Option<String>,
    pub calls: u64,
    pub passed: u64,
    pub failed: u64,
    pub errored: u64,
}

/// One call: one test case, at one phone number, one sample.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CallOutcome {
    /// The test-case run id.
    pub id: Option<String>,
    pub test_case_id: String,
    pub title: Option<String>,
    /// The number the call dialled, when the results name it (`phoneNumber`, else
    /// `toNumber`); never guessed.
    #[serde(default)]
    pub phone_number: Option<String>,
    /// 1-based position of this call among the calls of its case at its number (its sample),
    /// in the results' order; among all calls of its case when the number is unknown.
    pub index: u32,
    /// `PASSED`, `FAILED`, `ERROR`, `PENDING`, or the status as the server sent it.
    pub status: String,
    pub duration_seconds: Option<f64>,
    /// Whether the call's case is flaky.
    pub flaky: bool,
    /// One line on why the call did not pass; `None` when it passed.
    pub reason: Option<String>,
    pub assertions: Vec<AssertionOutcome>,
    pub metrics: IndexMap<String, f64>,
    pub recording_url: Option<String>,
    /// The call was judged but its recording link was not out yet, even after the runner's
    /// end-of-run re-check (Hamming fills it in after the result).
    #[serde(default)]
    pub recording_pending: bool,
    pub transcript_url: Option<String>,
    /// The best page to look at this call: the transcript, else the run's results page.
    pub link: Option<String>,
    /// With adaptive samples: the wave (1-based) the call belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wave: Option<u32>,
    /// The transcript of a call that did not pass, bounded, for the HTML report. Never part
    /// of the JSON report: its shape stays as published, and a report re-rendered from JSON
    /// links to the transcript instead.
    #[serde(skip)]
    #[schemars(skip)]
    pub transcript: Option<super::transcript::Transcript>,
    /// The call's case is in quarantine: the reason. The call is reported but gates nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quarantined: Option<String>,
}

impl CallOutcome {
    pub fn passed(&self) -> bool {
        self.status == "PASSED"
    }

    /// `<title> [<case id>] <number> #<k>`; without the title when it is unknown, and
    /// without the number when the results do not name it.
    pub fn display_name(&self) -> String {
        let mut name = match &self.title {
            Some(title) => format!("{title} [{}]", self.test_case_id),
            None => format!("[{}]", self.test_case_id),
        };
        if let Some(number) = &self.phone_number {
            name.push(' ');
            name.push_str(number);
        }
        name.push_str(&format!(" #{}", self.index));
        name
    }
}

/// One assertion evaluated on one call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AssertionOutcome {
    pub id: Option<String>,
    pub name: String,
    /// `PASSED`, `FAILED`, `ERROR`, `SKIPPED`, as the server sent it.
    pub status: String,
    pub reason: Option<String>,
}

impl AssertionOutcome {
    pub fn passed(&self) -> bool {
        self.status.eq_ignore_ascii_case("PASSED")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn outcome_takes_the_worst_verdict() {
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let outcome = Outcome::new("suites.yaml", at, at, Vec::new());
        assert_eq!(outcome.exit_code, exit::SUCCESS);
        assert_eq!(outcome.verdict, Verdict::Passed);
        assert_eq!(outcome.started_at, "2023-11-14T22:13:20Z");
        assert_eq!(Verdict::TimedOut.exit_code(), exit::TIMEOUT);
        assert_eq!(Verdict::NotRun.exit_code(), exit::PLATFORM);
    }

    fn with_verdicts(verdicts: &[Verdict]) -> Outcome {
        let at = SystemTime::UNIX_EPOCH;
        let suites = verdicts
            .iter()
            .enumerate()
            .map(|(i, verdict)| {
                let mut suite = crate::outcome::fixtures::passing().suites[0].clone();
                suite.name = format!("s{i}");
                suite.verdict = *verdict;
                suite
            })
            .collect();
        Outcome::new("suites.yaml", at, at, suites)
    }

    /// 2 means that nothing was run: a refusal alone (or beside suites kept back) is a 2, a
    /// refusal beside a suite that ran is a 3, and the outcome's verdict follows the code.
    #[test]
    fn a_refusal_claims_nothing_was_run_only_when_nothing_was() {
        let alone = with_verdicts(&[Verdict::Refused, Verdict::NotRun]);
        assert_eq!(
            (alone.exit_code, alone.verdict),
            (exit::USAGE, Verdict::Refused)
        );
        let beside = with_verdicts(&[Verdict::Failed, Verdict::Refused]);
        assert_eq!(
            (beside.exit_code, beside.verdict),
            (exit::PLATFORM, Verdict::Refused)
        );
        let passed = with_verdicts(&[Verdict::Passed, Verdict::Refused]);
        assert_eq!(passed.exit_code, exit::PLATFORM);
        let interrupted = with_verdicts(&[Verdict::Refused, Verdict::Interrupted]);
        assert_eq!(interrupted.exit_code, exit::INTERRUPTED);
    }

    #[test]
    fn the_kinds_present_are_named_most_actionable_first() {
        let outcome = with_verdicts(&[
            Verdict::Passed,
            Verdict::Failed,
            Verdict::NotRun,
            Verdict::Refused,
            Verdict::Failed,
            Verdict::TimedOut,
        ]);
        assert_eq!(
            outcome.kinds(),
            vec![
                Verdict::Refused,
                Verdict::TimedOut,
                Verdict::Failed,
                Verdict::NotRun
            ]
        );
        assert_eq!(
            with_verdicts(&[Verdict::Passed]).kinds(),
            vec![Verdict::Passed]
        );
    }
}
