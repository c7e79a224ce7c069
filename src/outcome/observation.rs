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
}
