//! Placeholder for the outcome model (replaced on merge).

use std::time::{Duration, SystemTime};

use indexmap::IndexMap;

use crate::api::wire::{ResultsBody, RunStatus};
use crate::suite::ResolvedSuite;

#[derive(Debug, Clone)]
pub struct RunObservation {
    pub suite: ResolvedSuite,
    pub run_id: Option<String>,
    pub results_url: Option<String>,
    pub last_status: Option<RunStatus>,
    pub results: Option<ResultsBody>,
    pub end: RunEnd,
    pub started_at: SystemTime,
    pub elapsed: Duration,
    pub case_titles: IndexMap<String, String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RunEnd {
    Finished,
    TimedOut,
    Interrupted,
    PlatformError { message: String },
    NotStarted { message: String },
}
