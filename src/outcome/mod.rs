//! The outcome of a test run: what the runner observed (`RunObservation`, the gate's input)
//! and the judged result every report renders (`Outcome`, versioned and serializable so a
//! saved JSON report can be re-rendered without the network).

pub mod baseline;
mod merge;
mod model;
mod observation;
pub mod quarantine;
pub mod scrub;
pub mod statistics;
pub mod transcript;
pub mod verify;

pub use baseline::{
    BaselineStatus, CaseChange, CaseChangeKind, PassCount, RateChange, RegressionTest,
    SuiteBaseline,
};
pub use merge::{MergeError, in_file_order, merge};
pub use model::{
    AssertionOutcome, CallOutcome, CheckStatus, Counts, DEFAULT_CONFIDENCE, EndKind, FlakyCase,
    NUMBER_UNKNOWN, NumberCounts, OLDEST_SCHEMA_VERSION, Outcome, SCHEMA_VERSION, SourceRef,
    SuiteOutcome, ThresholdCheck, ToolInfo, Verdict, case_name, rfc3339, schema_version_for,
    suite_codes, verdict_for,
};
pub use observation::{RunEnd, RunObservation, WaveObservation};
pub use quarantine::QuarantinedCase;
pub use scrub::{ScrubError, Scrubbed, scrub};
pub use statistics::{
    CaseRate, PassK, RateEstimate, SequentialEvidence, SuiteStatistics, WaveOutcome,
};
pub use transcript::{Transcript, TranscriptMessage};
pub use verify::recheck;

#[cfg(test)]
pub(crate) mod fixtures;
#[cfg(test)]
pub(crate) mod fixtures_compared;
