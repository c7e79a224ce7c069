//! The Hamming simulator: a local HTTP server that answers like the Hamming REST API, seeded
//! from a workspace file, with compressed time and fault injection. It is the test double
//! for every HTTP test and the engine of `run --simulate`.
//!
//! See `docs/simulator.md` for what it serves and which behaviours are our own invention.

mod catalog;
mod create;
mod error;
mod faults;
mod hostile;
mod ids;
mod index;
mod legacy;
mod outcome;
mod record;
mod results;
mod runs;
mod seed;
mod server;
mod state;
mod workspace;
mod workspace_file;
mod workspace_rules;

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use faults::FAULT_HEADER;
pub use hostile::{HOSTILE_LINK, HOSTILE_TEXT};
pub use ids::looks_like_id;
pub use record::RecordedRequest;
pub use seed::{Seed, SeedAssertion};
pub use server::PREFIX;
pub use workspace::{
    Agent, Assertion, CallOutcome, Dataset, EmptySelection, FaultRule, NOT_STARTED, RunOutcome,
    Tag, TestCase, TranscriptMessage, Workspace, WorkspaceError, json_schema,
};

use record::RequestLog;
use state::SimState;

/// How to start the simulator; each setting overrides the workspace's.
#[derive(Debug, Clone, Default)]
pub struct SimOptions {
    /// Simulated seconds per real second.
    pub speed: Option<f64>,
    /// Seed for ids and random draws.
    pub seed: Option<u64>,
    /// Write every request as a JSON line to this file.
    pub record: Option<PathBuf>,
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
}

/// Why the simulator could not start.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// The workspace is inconsistent.
    #[error(transparent)]
    Workspace(#[from] WorkspaceError),
    /// The speed is not a positive number.
    #[error("invalid simulator speed {0}: it must be a number greater than 0")]
    Speed(f64),
    /// The port could not be bound.
    #[error("{}", bind_message(*port, source))]
    Bind {
        /// The port asked for.
        port: u16,
        /// Why.
        source: std::io::Error,
    },
    /// The record file could not be created.
    #[error("failed to create the request log {path}: {source}")]
    Record {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
}

/// Why a port could not be bound, as one sentence that says what to do.
fn bind_message(port: u16, err: &std::io::Error) -> String {
    const PICK: &str = "pick another port with --port (0 picks a free one)";
    match err.kind() {
        std::io::ErrorKind::AddrInUse => format!(
            "port {port} on 127.0.0.1 is already in use, so the simulator cannot listen there; stop what is listening on it, or {PICK}"
        ),
        std::io::ErrorKind::PermissionDenied => {
            format!("port {port} on 127.0.0.1 needs privileges this user does not have; {PICK}")
        }
        _ => format!("the simulator cannot listen on 127.0.0.1:{port} ({err}); {PICK}"),
    }
}

/// A running simulator.
#[derive(Debug)]
pub struct SimHandle {
    addr: SocketAddr,
    state: Arc<SimState>,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

/// Starts the simulator on 127.0.0.1 and returns once it accepts connections.
pub async fn start(mut workspace: Workspace, options: SimOptions) -> Result<SimHandle, SimError> {
    if let Some(seed) = options.seed {
        workspace.seed = seed;
    }
    let problems = workspace.problems();
    if !problems.is_empty() {
        return Err(WorkspaceError::Invalid {
            path: "<workspace>".to_owned(),
            problems,
        }
        .into());
    }
    if let Some(speed) = options.speed
        && !(speed.is_finite() && speed > 0.0)
    {
        return Err(SimError::Speed(speed));
    }
    let log = RequestLog::new(options.record.as_deref()).map_err(|source| SimError::Record {
        path: options
            .record
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default(),
        source,
    })?;
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, options.port))
        .await
        .map_err(|source| SimError::Bind {
            port: options.port,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| SimError::Bind {
        port: options.port,
        source,
    })?;
    let (stop, stopped) = watch::channel(false);
    let state = SimState::new(
        workspace,
        options.speed,
        log,
        format!("http://{addr}"),
        stopped.clone(),
    );
    let app = server::router(state.clone());
    let mut signal = stopped;
    let task = tokio::spawn(async move {
        let shutdown = async move {
            while !*signal.borrow_and_update() {
                if signal.changed().await.is_err() {
                    return;
                }
            }
        };
        // An accept error ends the server; the handle's users then see connection errors,
        // which is what a dead server looks like.
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await;
    });
    Ok(SimHandle {
        addr,
        state,
        stop,
        task: Some(task),
    })
}

impl SimHandle {
    /// The socket address served.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT/api/rest`, the value for `HAMMING_API_BASE_URL`.
    pub fn base_url(&self) -> String {
        format!("http://{}{}", self.addr, PREFIX)
    }

    /// Every request received so far, oldest first (at most the last 10,000).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state.log.snapshot()
    }

    /// How many test runs and legacy experiments are held in memory.
    pub fn stored_runs(&self) -> usize {
        let now = std::time::Instant::now();
        let mut runs = self.state.runs();
        runs.sweep(now);
        let mut experiments = self.state.experiments();
        experiments.sweep(now);
        runs.len() + experiments.len()
    }

    /// Stops serving: requests held open by faults are released, connections are closed.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(mut task) = self.task.take()
            && tokio::time::timeout(Duration::from_secs(2), &mut task)
                .await
                .is_err()
        {
            task.abort();
        }
    }
}

impl Drop for SimHandle {
    /// A handle dropped without `shutdown` still stops the server, so an in-process simulator
    /// never outlives the run that started it.
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}
