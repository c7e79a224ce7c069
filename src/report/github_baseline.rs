//! The annotations of the comparison with a baseline and of quarantine: a warning per check
//! that only warns, a notice per suite not compared, a warning per quarantined case that
//! failed and per quarantine that expired (at its entry), and the baseline's own warnings
//! (its age) once.

use super::github::{Annotation, Level, check_text};
use crate::outcome::{BaselineStatus, CheckStatus, Outcome, SuiteOutcome};

/// A suite's notes as (level, line, title, message); the line 0 for the suite's own.
pub(super) fn suite_notes(suite: &SuiteOutcome) -> Vec<(Level, u32, String, String)> {
    let mut notes = Vec::new();
    // A regression that only warns (`thresholds.regression: warn`).
    for check in suite
        .checks
        .iter()
        .filter(|c| c.status == CheckStatus::Warning)
    {
        let (title, message) = check_text(suite, check, "warns");
        let line = check
            .test_case_id
            .as_deref()
            .and_then(|id| suite.source.test_case_lines.get(id).copied())
            .unwrap_or(suite.source.line);
        notes.push((Level::Warning, line, title, message));
    }
    if let Some(comparison) = suite
        .baseline
        .as_ref()
        .filter(|b| b.status == BaselineStatus::NotCompared)
    {
        notes.push((
            Level::Notice,
            suite.source.line,
            format!("suite {}: not compared with the baseline", suite.name),
            comparison.reason.clone(),
        ));
    }
    // Quarantine stays visible: a case that failed while quarantined, and a quarantine
    // that expired, each warn at the entry.
    for case in &suite.quarantine {
        let line = if case.line > 0 {
            case.line
        } else {
            suite.source.line
        };
        if case.expired {
            notes.push((
                Level::Warning,
                line,
                format!(
                    "suite {}: quarantine of {} expired",
                    suite.name,
                    case.name()
                ),
                case.expiry_warning(&suite.name),
            ));
        } else if case.passed < case.calls {
            notes.push((
                Level::Warning,
                line,
                format!(
                    "suite {}: quarantined case {} did not pass",
                    suite.name,
                    case.name()
                ),
                case.summary(),
            ));
        }
    }
    notes
}

/// A warning about the baseline itself (its age), the same for every suite: once.
pub(super) fn baseline_warnings(outcome: &Outcome) -> Vec<Annotation> {
    let mut said: Vec<&str> = Vec::new();
    let mut notes = Vec::new();
    for warning in outcome
        .suites
        .iter()
        .filter_map(|s| s.baseline.as_ref())
        .flat_map(|b| &b.warnings)
    {
        if !said.contains(&warning.as_str()) {
            said.push(warning);
            notes.push(Annotation {
                level: Level::Warning,
                file: String::new(),
                line: 0,
                col: 0,
                title: "hamming-runner: baseline".to_owned(),
                message: warning.clone(),
            });
        }
    }
    notes
}
