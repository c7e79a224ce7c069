//! Runs suites: each one resolved, created, followed to its end and handed to the gate.
//! Suites run in file order, or up to `jobs` at once; `--fail-fast` stops starting new ones
//! after the first failure. Async lives here, in `api` and in `sim`; nothing here prints a
//! report.

pub mod agents;
pub mod cancel;
pub mod follow;
pub mod legacy;
pub mod progress;
pub mod recordings;
pub mod selection;
pub mod start;
pub mod state;
pub mod ticker;
pub mod wave_plan;
pub mod waves;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::sync::Semaphore;

use crate::api::Client;
use crate::outcome::{RunEnd, RunObservation};
use crate::suite::ResolvedSuite;

pub use cancel::Cancel;
pub use follow::{Followed, Pacing};
pub use progress::Progress;

/// How a set of suites is run.
#[derive(Clone)]
pub struct RunOptions {
    pub jobs: usize,
    pub fail_fast: bool,
    pub max_calls: Option<u64>,
    pub pacing: Pacing,
}

/// Callback deciding whether a followed suite counts as a failure, for `--fail-fast`.
pub type IsFailure = dyn Fn(&RunObservation) -> bool + Send + Sync;

/// Runs every suite and returns what was seen of each, in the order given.
pub async fn run_suites(
    client: &Client,
    suites: Vec<ResolvedSuite>,
    options: &RunOptions,
    progress: Arc<Progress>,
    cancel: Cancel,
    is_failure: Arc<IsFailure>,
    state: Option<Arc<state::StateFile>>,
) -> Vec<Followed> {
    let jobs = options.jobs.max(1);
    let permits = Arc::new(Semaphore::new(jobs));
    let stop_new = Arc::new(AtomicBool::new(false));
    let mut tasks = tokio::task::JoinSet::new();
    // Which suite each task follows, so a task that panics is still reported.
    let mut spawned = std::collections::HashMap::new();
    let count = suites.len();
    for (index, suite) in suites.into_iter().enumerate() {
        // Permits are taken here, in file order, so suites start in the order written and a
        // suite never starts after --fail-fast has stopped the run.
        let Ok(permit) = Arc::clone(&permits).acquire_owned().await else {
            break;
        };
        if stop_new.load(Ordering::SeqCst) {
            tasks.spawn(async move { (index, skipped(suite)) });
            continue;
        }
        let stop_new = Arc::clone(&stop_new);
        let spare = suite.clone();
        let client = client.clone();
        let progress = Arc::clone(&progress);
        let cancel = cancel.clone();
        let is_failure = Arc::clone(&is_failure);
        let state = state.clone();
        let options = options.clone();
        let handle = tasks.spawn(async move {
            let ctx = follow::Context {
                client: &client,
                progress: &progress,
                cancel,
                pacing: options.pacing,
                max_calls: options.max_calls,
                state: state.as_deref(),
            };
            let followed = match &suite.selection {
                crate::suite::Selection::Dataset(dataset) => {
                    let dataset = dataset.clone();
                    legacy::follow(&ctx, suite, dataset).await
                }
                _ if suite.adaptive.is_some() => {
                    waves::follow(&ctx, suite, options.max_calls).await
                }
                _ => follow::follow(&ctx, suite).await,
            };
            if options.fail_fast && is_failure(&followed.observation) {
                stop_new.store(true, Ordering::SeqCst);
            }
            drop(permit);
            (index, followed)
        });
        spawned.insert(handle.id(), (index, spare));
    }
    let mut out: Vec<Option<Followed>> = (0..count).map(|_| None).collect();
    while let Some(joined) = tasks.join_next_with_id().await {
        match joined {
            Ok((_, (index, followed))) => out[index] = Some(followed),
            Err(err) => {
                if let Some((index, suite)) = spawned.remove(&err.id()) {
                    out[index] = Some(crashed(suite));
                }
            }
        }
    }
    out.into_iter().flatten().collect()
}

fn skipped(suite: ResolvedSuite) -> Followed {
    Followed {
        observation: RunObservation {
            suite,
            run_id: None,
            results_url: None,
            last_status: None,
            results: None,
            end: RunEnd::NotStarted {
                message: SKIPPED_BY_FAIL_FAST.into(),
            },
            started_at: std::time::SystemTime::now(),
            elapsed: std::time::Duration::ZERO,
            case_titles: Default::default(),
            follow_ups: Vec::new(),
        },
        skipped: Some(SKIPPED_BY_FAIL_FAST.into()),
    }
}

/// A suite whose task panicked: reported as a platform error rather than lost.
fn crashed(suite: ResolvedSuite) -> Followed {
    let mut followed = skipped(suite);
    followed.skipped = None;
    followed.observation.end = RunEnd::PlatformError {
        message: "internal error: following this suite crashed; its run, if created, is in the state file".into(),
    };
    followed
}

const SKIPPED_BY_FAIL_FAST: &str = "not run: an earlier suite failed and --fail-fast is set";
