//! Starting a run: resolve the selection through the catalog, then send the create POST.
//! Shared by `run` (which then follows the run) and `create` (which prints its id).

use crate::api::wire::CreateTestRun;
use crate::api::{ApiError, Client};
use crate::outcome::RunEnd;
use crate::suite::ResolvedSuite;

use super::cancel::Cancel;
use super::selection::{self, ResolvedSelection, SelectionError};
use super::state::StateFile;

/// A run that exists on the server.
#[derive(Debug, Clone, PartialEq)]
pub struct StartedRun {
    pub run_id: String,
    pub results_url: Option<String>,
}

/// Why a run did not start.
#[derive(Debug, Clone, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Selection(#[from] SelectionError),
    #[error("suite `{suite}`: could not create the test run: {source}")]
    Create {
        suite: String,
        #[source]
        source: ApiError,
    },
    #[error(
        "suite `{suite}`: the create was not sent, because the state file could not record it first: {reason}"
    )]
    State { suite: String, reason: String },
    #[error(
        "run {run_id} was created with no test case runs: the selection resolved to no runnable test cases; an empty selection is never a pass"
    )]
    Empty {
        run_id: String,
        results_url: Option<String>,
    },
    #[error("interrupted before the run was created; no calls were placed")]
    Interrupted,
}

impl StartError {
    /// Problems of the suite file as the workspace sees it (an unknown agent, tag or test
    /// case, an empty selection, `max_calls`): the suite is refused, nothing was placed.
    pub fn is_refusal(&self) -> bool {
        self.exit_code() == crate::exit::USAGE
    }

    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Selection(e) => e.exit_code(),
            Self::Interrupted => crate::exit::INTERRUPTED,
            Self::Create { source, .. } => source.exit_code(),
            Self::State { .. } | Self::Empty { .. } => crate::exit::PLATFORM,
        }
    }

    /// How the suite ended, for the gate.
    pub fn to_end(&self) -> RunEnd {
        match self {
            Self::Interrupted => RunEnd::Interrupted,
            Self::Empty { .. } => RunEnd::PlatformError {
                message: self.to_string(),
            },
            _ if self.is_refusal() => RunEnd::Refused {
                message: self.short(),
            },
            _ => RunEnd::NotStarted {
                message: self.short(),
            },
        }
    }

    /// The message without the leading "suite `x`: ", for places that already name it.
    pub fn short(&self) -> String {
        let text = self.to_string();
        match text
            .strip_prefix("suite `")
            .and_then(|rest| rest.split_once("`: "))
        {
            Some((_, rest)) => rest.to_owned(),
            None => text,
        }
    }
}

/// Resolves the selection (interruptible) and creates the run (not interruptible: once the
/// POST is sent, its answer is the only record of the run it may have started).
pub async fn start_run(
    client: &Client,
    suite: &ResolvedSuite,
    max_calls: Option<u64>,
    cancel: &Cancel,
) -> Result<(StartedRun, ResolvedSelection), StartError> {
    start_recorded(client, suite, max_calls, cancel, None).await
}

/// `start_run`, with the create recorded as pending in `state` before it is sent; the entry
/// is dropped again when the server refuses the create, and kept when the run may exist.
/// The caller records the run once it has it.
pub async fn start_recorded(
    client: &Client,
    suite: &ResolvedSuite,
    max_calls: Option<u64>,
    cancel: &Cancel,
    state: Option<&StateFile>,
) -> Result<(StartedRun, ResolvedSelection), StartError> {
    let resolved = tokio::select! {
        r = selection::resolve(client, suite, max_calls) => r?,
        _ = cancel.cancelled() => return Err(StartError::Interrupted),
    };
    if cancel.is_cancelled() {
        return Err(StartError::Interrupted);
    }
    if let crate::suite::Selection::Dataset(dataset) = &suite.selection {
        return Err(SelectionError::LegacyOnlyInRun {
            suite: suite.name.clone(),
            dataset: dataset.clone(),
        }
        .into());
    }
    let started = create_run(
        client,
        suite,
        resolved.configurations.clone(),
        suite.samples,
        state,
    )
    .await?;
    Ok((started, resolved))
}

/// Sends the create POST for these configurations and samples, recorded as pending in
/// `state` first. Every run of a suite goes through here: the first, and each follow-up wave
/// of an adaptive suite.
pub async fn create_run(
    client: &Client,
    suite: &ResolvedSuite,
    configurations: Vec<crate::api::wire::TestConfiguration>,
    samples: u32,
    state: Option<&StateFile>,
) -> Result<StartedRun, StartError> {
    let body = CreateTestRun {
        agent_id: suite.agent_id.clone(),
        phone_numbers: suite.phone_numbers.clone(),
        test_configurations: configurations,
        sampling_count: Some(samples),
        max_concurrent_calls: suite.max_concurrent_calls,
    };
    if let Some(state) = state {
        state.begin_create(suite).map_err(|e| StartError::State {
            suite: suite.name.clone(),
            reason: e.to_string(),
        })?;
    }
    let created = match client.create_test_run(&body).await {
        Ok(created) => created,
        Err(source) => {
            if !matches!(source, ApiError::CreateUncertain { .. }) {
                settle_refused(state, suite);
            }
            return Err(StartError::Create {
                suite: suite.name.clone(),
                source,
            });
        }
    };
    // The answer was read strictly: a created run always has an id-like run id.
    let run_id = created.test_run_id.clone().unwrap_or_default();
    // Older servers accepted an empty selection with 200 and no test case runs.
    if created.test_case_runs.as_ref().is_some_and(Vec::is_empty) {
        // A run of no calls costs nothing; a re-run may create the suite again.
        settle_refused(state, suite);
        return Err(StartError::Empty {
            run_id,
            results_url: created.results_url,
        });
    }
    Ok(StartedRun {
        run_id,
        results_url: created.results_url,
    })
}

/// Drops a pending create the server refused. If that cannot be written, the entry stays,
/// and a re-run stops for the user to check: the cautious way to be wrong.
fn settle_refused(state: Option<&StateFile>, suite: &ResolvedSuite) {
    if let Some(state) = state {
        let _ = state.create_refused(suite);
    }
}
