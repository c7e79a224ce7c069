//! The quarantined cases of a suite as its reports show them: which, until when and why,
//! whether the quarantine still holds, and how the case's calls went.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A quarantine entry of a suite (its own, or an inherited one whose case ran).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct QuarantinedCase {
    pub test_case_id: String,
    #[serde(default)]
    pub title: Option<String>,
    /// The first day (UTC) the case gates again, `YYYY-MM-DD`.
    pub until: String,
    pub reason: String,
    /// `until` had come when the suite was judged: the case gated like any other.
    pub expired: bool,
    /// The case's calls in this run.
    pub calls: u64,
    pub passed: u64,
    /// 1-based line of the entry in the suite file (0 when unknown).
    #[serde(default)]
    pub line: u32,
}

impl QuarantinedCase {
    /// `<title> [<id>]`, or `[<id>]`.
    pub fn name(&self) -> String {
        super::model::case_name(self.title.as_deref(), &self.test_case_id)
    }

    /// One line for people: "in quarantine until 2026-03-01 (reason): 0 of 3 calls passed;
    /// gates nothing", or the expiry.
    pub fn summary(&self) -> String {
        let calls = if self.calls == 0 {
            "no calls in this run".to_owned()
        } else {
            format!("{} of {} calls passed", self.passed, self.calls)
        };
        if self.expired {
            format!(
                "quarantine expired on {}, so the case gates again ({}); {calls}",
                self.until, self.reason
            )
        } else {
            format!(
                "in quarantine until {} ({}): {calls}; gates nothing",
                self.until, self.reason
            )
        }
    }

    /// The warning an expired quarantine gets.
    pub fn expiry_warning(&self, suite: &str) -> String {
        format!(
            "suite `{suite}`: the quarantine of case {} expired on {}, so it gates again ({}); fix the case, or renew the quarantine with a later `until`",
            self.name(),
            self.until,
            self.reason
        )
    }
}
