//! The simulator's shared state: the workspace, the runs, the clock and the request log.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::watch;

use super::faults::FaultRules;
use super::index::Index;
use super::record::RequestLog;
use super::runs::{Clock, RunStore};
use super::workspace::Workspace;

/// Defaults for the workspace's optional settings.
pub const DEFAULT_SPEED: f64 = 60.0;
/// Simulated seconds a run stays QUEUED.
pub const DEFAULT_QUEUE_DELAY: f64 = 5.0;
/// Simulated seconds a legacy experiment stays SCORING.
pub const DEFAULT_SCORING: f64 = 10.0;
/// Real seconds a finished run stays readable.
pub const DEFAULT_RUN_TTL: f64 = 3600.0;
/// Most runs held at once.
pub const DEFAULT_MAX_RUNS: usize = 1000;

/// Everything the handlers share.
#[derive(Debug)]
pub struct SimState {
    /// The workspace (its seed already replaced by an override, if any).
    pub ws: Workspace,
    /// The workspace's ids, indexed.
    pub index: Index,
    /// Test runs.
    pub runs: Mutex<RunStore>,
    /// Legacy voice experiments.
    pub experiments: Mutex<RunStore>,
    /// Speed and queue delay.
    pub clock: Clock,
    /// Legacy scoring time in simulated seconds.
    pub scoring: f64,
    /// Workspace fault rules.
    pub faults: FaultRules,
    /// Every request received.
    pub log: RequestLog,
    /// `http://127.0.0.1:PORT`.
    pub origin: String,
    /// Flips to true when the simulator shuts down, so requests held open give up.
    pub shutdown: watch::Receiver<bool>,
}

impl SimState {
    /// State for a workspace; `speed` overrides the workspace's.
    pub fn new(
        ws: Workspace,
        speed: Option<f64>,
        log: RequestLog,
        origin: String,
        shutdown: watch::Receiver<bool>,
    ) -> Arc<SimState> {
        let clock = Clock {
            speed: speed.or(ws.speed).unwrap_or(DEFAULT_SPEED),
            queue_delay: ws.queue_delay_seconds.unwrap_or(DEFAULT_QUEUE_DELAY),
        };
        let ttl = Duration::try_from_secs_f64(ws.run_ttl_seconds.unwrap_or(DEFAULT_RUN_TTL))
            .unwrap_or(Duration::from_secs(3600));
        let cap = ws.max_runs.unwrap_or(DEFAULT_MAX_RUNS);
        Arc::new(SimState {
            runs: Mutex::new(RunStore::new(ttl, cap)),
            experiments: Mutex::new(RunStore::new(ttl, cap)),
            clock,
            scoring: ws.scoring_seconds.unwrap_or(DEFAULT_SCORING),
            faults: FaultRules::new(ws.seed, &ws.faults),
            log,
            origin,
            shutdown,
            index: Index::new(&ws),
            ws,
        })
    }

    /// The test-run store (a poisoned lock is taken over: the store stays consistent because
    /// every mutation completes before any code that could panic).
    pub fn runs(&self) -> MutexGuard<'_, RunStore> {
        self.runs.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The legacy experiment store.
    pub fn experiments(&self) -> MutexGuard<'_, RunStore> {
        self.experiments.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits until the simulator shuts down.
    pub async fn until_shutdown(&self) {
        let mut rx = self.shutdown.clone();
        while !*rx.borrow_and_update() {
            if rx.changed().await.is_err() {
                return;
            }
        }
    }
}
