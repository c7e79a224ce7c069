//! What the runner hands the gate once a suite's run has ended, however it ended.

use std::time::{Duration, SystemTime};

use indexmap::IndexMap;

use crate::api::wire::{ResultsBody, RunStatus};
use crate::suite::ResolvedSuite;

/// Everything the runner saw of one suite's run.
#[derive(Debug, Clone)]
pub struct RunObservation {
    pub suite: ResolvedSuite,
    /// `None` when the run could not be created.
    pub run_id: Option<String>,
    pub results_url: Option<String>,
    /// The last status the status endpoint reported.
    pub last_status: Option<RunStatus>,
    /// The last results body fetched; partial when the run timed out or was interrupted.
    pub results: Option<ResultsBody>,
    pub end: RunEnd,
    pub started_at: SystemTime,
    pub elapsed: Duration,
    /// Test case id → title, from the catalog (may be empty).
    pub case_titles: IndexMap<String, String>,
    /// With adaptive samples: the runs after the first, one per follow-up wave, in order.
    /// The fields above describe the first run.
    pub follow_ups: Vec<WaveObservation>,
}

/// One follow-up wave of an adaptive suite: a run created for the cases still undecided.
#[derive(Debug, Clone)]
pub struct WaveObservation {
    pub run_id: Option<String>,
    pub results_url: Option<String>,
    pub last_status: Option<RunStatus>,
    pub results: Option<ResultsBody>,
    pub end: RunEnd,
    pub elapsed: Duration,
    /// The cases the wave asked for.
    pub cases: Vec<String>,
    /// Samples per case and number the wave asked for.
    pub samples: u32,
}

impl RunObservation {
    /// The status the run was seen to end with, when its end was observed: `FAILED`,
    /// `CANCELED` or legacy `SCORING_FAILED` as soon as the status says so, `COMPLETED` (or
    /// legacy `FINISHED`) once its results were fetched for judging. `None` for a run that was
    /// never created, or whose end was not seen (timed out, interrupted, unreadable).
    pub fn observed_end(&self) -> Option<&str> {
        self.run_id.as_ref()?;
        let first = seen_end(self.last_status.as_ref(), &self.end, self.results.is_some())?;
        // With adaptive samples the suite has ended only when every wave's run was seen to
        // end: a wave still going (timed out, interrupted) is re-attached by the next attempt,
        // which therefore must not start the suite over. A wave never created has no run.
        let mut last = first;
        for wave in self.follow_ups.iter().filter(|w| w.run_id.is_some()) {
            last = seen_end(wave.last_status.as_ref(), &wave.end, wave.results.is_some())?;
        }
        Some(last)
    }
}

/// How the runner stopped following a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunEnd {
    /// The run reached a terminal status (which may still be FAILED or CANCELED).
    Finished,
    /// The suite's deadline passed before the run finished.
    TimedOut,
    /// Ctrl-C or SIGTERM arrived before the run finished.
    Interrupted,
    /// The run was created but could not be followed (exhausted retries, auth, …).
    PlatformError { message: String },
    /// The run could not be created at all.
    NotStarted { message: String },
    /// The suite was refused before its run was created, for a reason of its own (an
    /// unknown agent, tag or test case, an empty selection, `max_calls`): nothing was placed.
    Refused { message: String },
}

/// The status a run was seen to end with, if its end was observed.
fn seen_end<'a>(status: Option<&'a RunStatus>, end: &RunEnd, has_results: bool) -> Option<&'a str> {
    let status = status?.as_str();
    match status {
        "FAILED" | "CANCELED" | "SCORING_FAILED" => Some(status),
        "COMPLETED" | "FINISHED" if *end == RunEnd::Finished && has_results => Some(status),
        _ => None,
    }
}
