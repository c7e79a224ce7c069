//! A suite compared with the same suite in a baseline report (`--baseline`): whether its pass
//! rate is confidently lower, each rate before and after, and each case's change. Part of
//! the outcome so that every report renders it the same way; written only when a baseline
//! was given (report version 3).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::model::{CallOutcome, CheckStatus, DEFAULT_CONFIDENCE, SuiteOutcome};
use super::quarantine::QuarantinedCase;
use crate::suite::RegressionPolicy;

/// What the comparison with a baseline and quarantine add to a suite's outcome.
impl SuiteOutcome {
    /// Whether the suite carries anything of report version 3.
    pub fn uses_baseline_or_quarantine(&self) -> bool {
        self.baseline.is_some()
            || !self.quarantine.is_empty()
            || !self.regression.is_fail()
            || self.calls.iter().any(|c| c.quarantined.is_some())
            || self.checks.iter().any(|c| c.status == CheckStatus::Warning)
    }

    /// The confidence of the suite's statistical judgements (`thresholds.confidence`), or the
    /// default 0.95.
    pub fn confidence(&self) -> f64 {
        self.statistics
            .as_ref()
            .map_or(DEFAULT_CONFIDENCE, |s| s.confidence)
    }

    /// The quarantine entry that keeps a case from gating, if any.
    pub fn quarantined(&self, test_case_id: &str) -> Option<&QuarantinedCase> {
        self.quarantine
            .iter()
            .find(|q| !q.expired && q.test_case_id == test_case_id)
    }

    /// The calls that did not pass: those of cases that newly fail against the baseline
    /// first, those of quarantined cases last (each group in the results' order).
    pub fn failing_calls_ranked(&self) -> Vec<&CallOutcome> {
        let new_failure = |call: &CallOutcome| {
            self.baseline.as_ref().is_some_and(|b| {
                b.cases.iter().any(|c| {
                    c.change == CaseChangeKind::NewFailure && c.test_case_id == call.test_case_id
                })
            })
        };
        let mut calls: Vec<&CallOutcome> = self.failing_calls().collect();
        calls.sort_by_key(|c| (c.quarantined.is_some(), !new_failure(c)));
        calls
    }
}

/// The comparison of one suite with its baseline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SuiteBaseline {
    /// The baseline report as the user named it.
    pub report: String,
    /// When the baseline's run finished (RFC 3339), as the report says.
    #[serde(default)]
    pub finished_at: Option<String>,
    /// The baseline suite's (first) run.
    #[serde(default)]
    pub run_id: Option<String>,
    #[serde(default)]
    pub results_url: Option<String>,
    pub status: BaselineStatus,
    /// One line on the comparison, or on why there is none.
    pub reason: String,
    /// The calls compared in the baseline: the cases both runs have, over every wave,
    /// quarantined cases left out.
    #[serde(default)]
    pub baseline: Option<PassCount>,
    /// The same cases' calls now.
    #[serde(default)]
    pub now: Option<PassCount>,
    /// The exact test of "now passes less often than the baseline".
    #[serde(default)]
    pub test: Option<RegressionTest>,
    /// Each rate both reports measured, baseline and now.
    #[serde(default)]
    pub rates: Vec<RateChange>,
    /// Every case of either report, new failures first.
    #[serde(default)]
    pub cases: Vec<CaseChange>,
    /// Things to know about the comparison (a baseline older than `--baseline-max-age`).
    #[serde(default)]
    pub warnings: Vec<String>,
}

impl SuiteBaseline {
    /// A suite that could not be compared, and why.
    pub fn not_compared(report: &str, reason: impl Into<String>) -> Self {
        Self {
            report: report.to_owned(),
            finished_at: None,
            run_id: None,
            results_url: None,
            status: BaselineStatus::NotCompared,
            reason: reason.into(),
            baseline: None,
            now: None,
            test: None,
            rates: Vec::new(),
            cases: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// The cases of one kind of change, in order.
    pub fn cases_of(&self, change: CaseChangeKind) -> impl Iterator<Item = &CaseChange> {
        self.cases.iter().filter(move |c| c.change == change)
    }

    /// The change of a rate, by the name of the threshold check it belongs to.
    pub fn rate(&self, name: &str) -> Option<&RateChange> {
        self.rates.iter().find(|r| r.name == name)
    }
}

/// Whether a suite regressed against its baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BaselineStatus {
    /// Compared: the pass rate is not confidently lower.
    Held,
    /// Compared: the pass rate is confidently lower than the baseline's.
    Regressed,
    /// Not compared (no such suite in the baseline, another agent or selection, a run that
    /// could not be judged); `reason` says why.
    NotCompared,
}

impl BaselineStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Held => "held",
            Self::Regressed => "regressed",
            Self::NotCompared => "not_compared",
        }
    }
}

/// Passes among calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PassCount {
    pub passed: u64,
    pub calls: u64,
}

impl PassCount {
    /// The pass rate; 0 without calls.
    pub fn rate(&self) -> f64 {
        if self.calls == 0 {
            0.0
        } else {
            self.passed as f64 / self.calls as f64
        }
    }

    /// `0.95 (19/20)`.
    pub fn display(&self) -> String {
        format!(
            "{} ({}/{})",
            crate::gate::number::num(self.rate()),
            self.passed,
            self.calls
        )
    }
}

/// The exact one-sided test of the pass rates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RegressionTest {
    /// `boschloo` (Boschloo's exact test) or `fisher` (Fisher's exact test, for samples too
    /// large for Boschloo's).
    pub method: String,
    /// The one-sided p-value of "now passes less often than the baseline".
    pub p_value: f64,
    /// The suite's confidence: a regression when `p_value <= 1 − confidence`.
    pub confidence: f64,
    /// What a regression does to the gate.
    pub policy: RegressionPolicy,
}

/// One rate in the baseline and now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RateChange {
    /// The threshold check the rate belongs to, e.g. `min_test_pass_rate`.
    pub name: String,
    pub baseline: f64,
    pub now: f64,
}

/// How a case changed since the baseline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CaseChange {
    pub test_case_id: String,
    #[serde(default)]
    pub title: Option<String>,
    pub change: CaseChangeKind,
    /// The case's calls in the baseline; absent for a new case.
    #[serde(default)]
    pub baseline: Option<PassCount>,
    /// The case's calls now; absent for a case that is gone.
    #[serde(default)]
    pub now: Option<PassCount>,
    /// The case is in quarantine now: listed, but no part of the regression.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub quarantined: bool,
}

impl CaseChange {
    /// `<title> [<id>]`, or `[<id>]`.
    pub fn name(&self) -> String {
        super::model::case_name(self.title.as_deref(), &self.test_case_id)
    }
}

/// A case's change. A case passes when every one of its calls passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CaseChangeKind {
    /// Passed in the baseline, fails now.
    NewFailure,
    /// Failed in the baseline, passes now.
    Fixed,
    /// Failed in both.
    StillFailing,
    /// Passed in both.
    StillPassing,
    /// Not in the baseline.
    New,
    /// In the baseline, not run now.
    Gone,
}

impl CaseChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NewFailure => "new_failure",
            Self::Fixed => "fixed",
            Self::StillFailing => "still_failing",
            Self::StillPassing => "still_passing",
            Self::New => "new",
            Self::Gone => "gone",
        }
    }

    /// For people: "new failure", "still failing", …
    pub fn label(self) -> &'static str {
        match self {
            Self::NewFailure => "new failure",
            Self::Fixed => "fixed",
            Self::StillFailing => "still failing",
            Self::StillPassing => "still passing",
            Self::New => "new",
            Self::Gone => "gone",
        }
    }

    /// The order reports list changes in: what needs a look first.
    pub fn rank(self) -> u8 {
        match self {
            Self::NewFailure => 0,
            Self::StillFailing => 1,
            Self::New => 2,
            Self::Gone => 3,
            Self::Fixed => 4,
            Self::StillPassing => 5,
        }
    }
}
