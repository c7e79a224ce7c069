//! A saved JSON report that is read back (`report`, `merge`, `run --rerun-failed`) is not
//! trusted for its conclusions: each suite's verdict is recomputed from what the suite
//! records (how it ended, the run's status, its calls and its threshold checks), and the
//! exit code is never lower than the verdicts say. A report edited by hand, or by a step that
//! should not have, cannot turn a failure into a pass.

use super::model::{
    CheckStatus, EndKind, Outcome, SuiteOutcome, Verdict, suite_codes, verdict_for,
};
use crate::api::wire::RunStatus;
use crate::exit;

/// The verdict a suite's own record supports.
pub fn verdict_of(suite: &SuiteOutcome) -> Verdict {
    let ended_badly = suite
        .run_status
        .as_deref()
        .map(RunStatus::parse)
        .is_some_and(|s| matches!(s, RunStatus::Failed | RunStatus::Canceled));
    let calls = suite.calls.len() as u64;
    match suite.end {
        EndKind::NotRun => Verdict::NotRun,
        // A refusal leaves no run and no call behind: nothing else can be recorded so.
        EndKind::NotStarted
            if suite.verdict == Verdict::Refused && suite.run_id.is_none() && calls == 0 =>
        {
            Verdict::Refused
        }
        EndKind::NotStarted | EndKind::PlatformError => Verdict::Error,
        _ if ended_badly => Verdict::Error,
        EndKind::TimedOut => Verdict::TimedOut,
        EndKind::Interrupted => Verdict::Interrupted,
        EndKind::Finished if suite.counts.total.max(calls) == 0 => Verdict::Error,
        EndKind::Finished
            if suite.checks.iter().any(|c| c.status == CheckStatus::Failed)
                || suite.calls.len() as u64 != suite.counts.total
                || suite.counts.passed > suite.counts.total =>
        {
            Verdict::Failed
        }
        EndKind::Finished => Verdict::Passed,
    }
}

/// Recomputes the verdicts and the exit code of a report read back, in place; returns one
/// line per correction.
pub fn recheck(outcome: &mut Outcome) -> Vec<String> {
    let mut notes = Vec::new();
    for suite in &mut outcome.suites {
        let supported = verdict_of(suite);
        // A suite may be judged more harshly than its record alone shows (a gate only the
        // run knew); it may never be judged more leniently.
        if exit::worst([supported.exit_code(), suite.verdict.exit_code()])
            != suite.verdict.exit_code()
            || (suite.verdict == Verdict::Passed && supported != Verdict::Passed)
        {
            notes.push(format!(
                "suite `{}` is recorded as {} but its record shows {}; reporting it as {}",
                suite.name,
                suite.verdict.as_str(),
                supported.as_str(),
                supported.as_str()
            ));
            suite.verdict = supported;
        }
    }
    let supported = exit::worst(suite_codes(&outcome.suites));
    let code = exit::worst([outcome.exit_code, supported]);
    if code != outcome.exit_code {
        notes.push(format!(
            "the report records exit code {} but its suites give {code}; exiting {code}",
            outcome.exit_code
        ));
        outcome.exit_code = code;
    }
    let verdict = verdict_for(&outcome.suites, outcome.exit_code);
    if verdict != Verdict::Passed && verdict != outcome.verdict {
        outcome.verdict = verdict;
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::fixtures;

    #[test]
    fn honest_reports_are_left_alone() {
        for fixture in [
            fixtures::passing(),
            fixtures::gate_failure(),
            fixtures::flaky(),
            fixtures::timeout(),
            fixtures::platform_error(),
            fixtures::interrupted(),
            fixtures::refused(),
        ] {
            let mut read = fixture.clone();
            assert_eq!(recheck(&mut read), Vec::<String>::new(), "{fixture:#?}");
            assert_eq!(read, fixture);
        }
    }

    #[test]
    fn an_edited_pass_is_judged_again() {
        let mut edited = fixtures::gate_failure();
        edited.exit_code = exit::SUCCESS;
        edited.verdict = Verdict::Passed;
        edited.suites[0].verdict = Verdict::Passed;
        let notes = recheck(&mut edited);
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert_eq!(edited.suites[0].verdict, Verdict::Failed);
        assert_eq!(edited.exit_code, exit::GATE_FAILED);
        assert_eq!(edited.verdict, Verdict::Failed);

        let mut edited = fixtures::platform_error();
        edited.exit_code = exit::SUCCESS;
        edited.suites[0].verdict = Verdict::Passed;
        recheck(&mut edited);
        assert_eq!(edited.exit_code, exit::PLATFORM);
    }

    #[test]
    fn a_harsher_recorded_code_is_kept() {
        // A run that also had a usage error records exit 2 over passing suites.
        let mut read = fixtures::passing();
        read.exit_code = exit::USAGE;
        assert!(recheck(&mut read).is_empty());
        assert_eq!(read.exit_code, exit::USAGE);
    }
}
