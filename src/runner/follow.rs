//! Follows one suite from start to end: resolve the selection, create the run, poll its
//! status once per tick until it ends, the deadline passes or the user interrupts, then fetch
//! the results (partial ones too) and hand everything to the gate.

use std::time::{Duration, Instant, SystemTime};

use crate::api::wire::{ResultsBody, RunStatus};
use crate::api::{ApiError, Client};
use crate::outcome::{RunEnd, RunObservation};
use crate::suite::ResolvedSuite;

use super::cancel::Cancel;
use super::progress::Progress;
use super::start;
use super::state::StateFile;
use super::ticker::Ticker;

/// How the runner paces itself. Under the simulator every duration is compressed by the same
/// factor as the simulator's clock.
#[derive(Debug, Clone, Copy)]
pub struct Pacing {
    /// Multiplies the suite's timeout and poll interval (1.0 against the real API).
    pub time_scale: f64,
    /// The wait before the first status poll, so a run that fails at once is noticed at once.
    pub first_poll: Duration,
    /// Overrides the suite's poll interval (`--poll-interval`).
    pub poll_interval: Option<Duration>,
    /// No suite polls more often than this (`--min-poll-interval`).
    pub poll_floor: Option<Duration>,
    /// No suite polls less often than this (`--max-poll-interval`).
    pub poll_ceiling: Option<Duration>,
    /// Overrides every suite's timeout (`--timeout`).
    pub timeout: Option<Duration>,
    /// The longest wait for partial results after a timeout or interruption.
    pub partial_results_budget: Duration,
}

impl Default for Pacing {
    fn default() -> Self {
        Self {
            time_scale: 1.0,
            first_poll: Duration::from_secs(2),
            poll_interval: None,
            poll_floor: None,
            poll_ceiling: None,
            timeout: None,
            partial_results_budget: Duration::from_secs(30),
        }
    }
}

impl Pacing {
    fn scale(&self, d: Duration) -> Duration {
        d.mul_f64(self.time_scale)
    }

    /// The suite's deadline in real time. Under compressed time it never drops below a
    /// quarter second, which the HTTP round trips alone can take.
    pub fn timeout_for(&self, suite: &ResolvedSuite) -> Duration {
        let timeout = self.timeout.unwrap_or(suite.timeout);
        if self.time_scale < 1.0 {
            self.scale(timeout).max(Duration::from_millis(250))
        } else {
            timeout
        }
    }

    /// The suite's poll interval in real time: `--poll-interval`, else the suite's, kept
    /// between `--max-poll-interval` and `--min-poll-interval` (the floor wins a conflict).
    /// The wait before the first poll, in real time.
    pub fn first_poll_wait(&self) -> Duration {
        self.scale(self.first_poll)
    }

    /// The longest wait for partial results, in real time (never under half a second).
    pub fn partial_results_wait(&self) -> Duration {
        self.scale(self.partial_results_budget)
            .max(Duration::from_millis(500))
    }

    pub fn interval_for(&self, suite: &ResolvedSuite) -> Duration {
        let mut interval = self.poll_interval.unwrap_or(suite.poll_interval);
        if let Some(ceiling) = self.poll_ceiling {
            interval = interval.min(ceiling);
        }
        if let Some(floor) = self.poll_floor {
            interval = interval.max(floor);
        }
        self.scale(interval).max(Duration::from_millis(10))
    }
}

/// What following a suite produced.
#[derive(Debug, Clone)]
pub struct Followed {
    pub observation: RunObservation,
    /// Set when the suite could not start because of the suite file (unknown tag, empty
    /// selection, too many calls): exit code 2 rather than 3.
    pub usage_error: bool,
    /// Set when the suite was never started because `--fail-fast` stopped the run: the
    /// reason, for the report. Such a suite does not raise the exit code; the failure that
    /// stopped the run does.
    pub skipped: Option<String>,
}

/// Everything a suite needs that is shared across suites.
pub struct Context<'a> {
    pub client: &'a Client,
    pub progress: &'a Progress,
    pub cancel: Cancel,
    pub pacing: Pacing,
    pub max_calls: Option<u64>,
    /// Where created runs are recorded before polling, and re-attached from.
    pub state: Option<&'a StateFile>,
}

pub async fn follow(ctx: &Context<'_>, suite: ResolvedSuite) -> Followed {
    let started_at = SystemTime::now();
    let began = Instant::now();
    let mut obs = RunObservation {
        suite,
        run_id: None,
        results_url: None,
        last_status: None,
        results: None,
        end: RunEnd::Finished,
        started_at,
        elapsed: Duration::ZERO,
        case_titles: Default::default(),
        follow_ups: Vec::new(),
    };
    let name = obs.suite.name.clone();

    if ctx.cancel.is_cancelled() {
        obs.end = RunEnd::Interrupted;
        return Followed {
            observation: obs,
            usage_error: false,
            skipped: None,
        };
    }

    // A run recorded by an earlier attempt of this command is followed, not created again.
    if let Some(recorded) = ctx.state.and_then(|state| state.recorded(&obs.suite)) {
        ctx.progress.note(&format!(
            "{name}: re-attaching to run {} recorded in {} (pass --fresh to start a new run)",
            recorded.run_id,
            ctx.state
                .map(|s| s.path().display().to_string())
                .unwrap_or_default()
        ));
        obs.run_id = Some(recorded.run_id);
        obs.results_url = recorded.results_url;
        return attach(ctx, obs, began).await.0;
    }

    // Resolve the selection and create the run. The POST is not abandoned midway on Ctrl-C:
    // once sent, its answer is the only record of the run it may have started.
    let started = start::start_run(ctx.client, &obs.suite, ctx.max_calls, &ctx.cancel).await;
    let (created, resolved) = match started {
        Ok(pair) => pair,
        Err(err) => {
            let usage = err.is_usage();
            if let start::StartError::Empty {
                run_id,
                results_url,
            } = &err
            {
                obs.run_id = Some(run_id.clone());
                obs.results_url = results_url.clone();
            }
            obs.end = err.to_end();
            ctx.progress
                .finished(&name, &format!("not started: {}", err.short()));
            return finish(obs, began, usage);
        }
    };
    for note in &resolved.notes {
        ctx.progress.note(&format!("{name}: note: {note}"));
    }
    obs.case_titles = resolved.cases.clone();
    let run_id = created.run_id.clone();
    obs.run_id = Some(run_id.clone());
    obs.results_url = created.results_url.clone();
    if let Some(state) = ctx.state
        && let Err(e) = state.record(&obs.suite, &run_id, obs.results_url.as_deref())
    {
        // The calls are placed either way: keep following, but say loudly that a re-run
        // of this command would not know about this run.
        ctx.progress.note(&format!(
            "{name}: warning: {e}; run {run_id} is not recorded, so a re-run would start a new one"
        ));
    }

    let timeout = ctx.pacing.timeout_for(&obs.suite);
    ctx.progress.created(
        &name,
        &run_id,
        obs.results_url.as_deref(),
        resolved.calls,
        timeout,
    );
    attach(ctx, obs, began).await.0
}

/// Follows a run that already exists (`obs.run_id` is set) until it ends, the deadline
/// (counted from `began`) passes, or the user interrupts. Returns the results body as the
/// server sent it too, for commands that pass it on untouched.
pub async fn attach(
    ctx: &Context<'_>,
    mut obs: RunObservation,
    began: Instant,
) -> (Followed, Option<serde_json::Value>) {
    let Some(run_id) = obs.run_id.clone() else {
        obs.end = RunEnd::NotStarted {
            message: "no run to follow".into(),
        };
        return (finish(obs, began, false), None);
    };
    let timeout = ctx.pacing.timeout_for(&obs.suite);
    let raw = poll(ctx, &mut obs, &run_id, began, timeout).await;
    (finish(obs, began, false), raw)
}

async fn poll(
    ctx: &Context<'_>,
    obs: &mut RunObservation,
    run_id: &str,
    start: Instant,
    timeout: Duration,
) -> Option<serde_json::Value> {
    let interval = ctx.pacing.interval_for(&obs.suite);
    let mut ticker = Ticker::new(&ctx.pacing, &ctx.cancel, start, timeout, interval);
    let name = obs.suite.name.clone();
    loop {
        let status = match ticker.next(ctx.client.status(run_id)).await {
            Ok(status) => status,
            Err(stop) => {
                obs.end = stop.end();
                break;
            }
        };
        match status {
            Ok(body) => {
                let status = RunStatus::parse(body.status.as_deref().unwrap_or("UNKNOWN"));
                ctx.progress
                    .status(&name, &status, start.elapsed(), timeout);
                let terminal = status.is_terminal();
                obs.last_status = Some(status);
                if terminal {
                    match ctx.client.results_json(run_id).await {
                        Ok(raw) => {
                            obs.results = Some(parse_results(&raw));
                            obs.end = RunEnd::Finished;
                            return Some(raw);
                        }
                        Err(err) => {
                            obs.end = RunEnd::PlatformError {
                                message: format!(
                                    "run {run_id} ended {} but its results could not be fetched: {err}",
                                    obs.last_status
                                        .as_ref()
                                        .map(RunStatus::as_str)
                                        .unwrap_or("?")
                                ),
                            };
                        }
                    }
                    return None;
                }
            }
            Err(ApiError::NotFound { .. }) => {
                // The server no longer knows the run: it expired, the key belongs to another
                // workspace, or (against a simulator) the server restarted. Polling longer
                // cannot help, and creating a new run silently would place the calls again.
                obs.end = RunEnd::PlatformError {
                    message: format!(
                        "run {run_id} is unknown to the server (HTTP 404 on its status): it may have expired, belong to another workspace, or the server lost it; look for run {run_id} in the Hamming app, and to start over with a new run (placing the calls again) re-run `run` with --fresh"
                    ),
                };
                break;
            }
            Err(err) => {
                obs.end = RunEnd::PlatformError {
                    message: format!("could not read the status of run {run_id}: {err}"),
                };
                break;
            }
        }
    }
    // Timed out, interrupted, or the status could not be read: keep whatever results exist.
    let raw = partial_results(ctx, run_id).await;
    obs.results = raw.as_ref().map(parse_results);
    raw
}

/// Reads a results body leniently; a body that is not an object reads as empty results.
pub fn parse_results(raw: &serde_json::Value) -> ResultsBody {
    // Read through a reference: a results body with transcripts can be megabytes, and
    // cloning it whole first would hold it twice.
    serde::Deserialize::deserialize(raw).unwrap_or_default()
}

async fn partial_results(ctx: &Context<'_>, run_id: &str) -> Option<serde_json::Value> {
    let budget = ctx.pacing.partial_results_wait();
    match tokio::time::timeout(budget, ctx.client.results_json(run_id)).await {
        Ok(Ok(results)) => Some(results),
        Ok(Err(err)) => {
            ctx.progress.note(&format!(
                "could not fetch partial results of run {run_id}: {err}"
            ));
            None
        }
        Err(_) => {
            ctx.progress.note(&format!(
                "gave up fetching partial results of run {run_id} after {}s",
                budget.as_secs()
            ));
            None
        }
    }
}

fn finish(mut obs: RunObservation, start: Instant, usage_error: bool) -> Followed {
    obs.elapsed = start.elapsed();
    Followed {
        observation: obs,
        usage_error,
        skipped: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn suite_polling_every(interval: Duration) -> ResolvedSuite {
        let mut suite =
            crate::outcome::fixtures::suite("s", crate::outcome::fixtures::thresholds());
        suite.poll_interval = interval;
        suite
    }

    #[test]
    fn poll_interval_is_overridden_then_clamped() {
        let secs = Duration::from_secs;
        let suite = suite_polling_every(secs(10));
        let pacing = |poll_interval, poll_floor, poll_ceiling| Pacing {
            poll_interval,
            poll_floor,
            poll_ceiling,
            ..Pacing::default()
        };
        assert_eq!(pacing(None, None, None).interval_for(&suite), secs(10));
        assert_eq!(
            pacing(Some(secs(3)), None, None).interval_for(&suite),
            secs(3)
        );
        assert_eq!(
            pacing(None, Some(secs(15)), None).interval_for(&suite),
            secs(15)
        );
        assert_eq!(
            pacing(None, None, Some(secs(5))).interval_for(&suite),
            secs(5)
        );
        assert_eq!(
            pacing(Some(secs(1)), Some(secs(2)), None).interval_for(&suite),
            secs(2)
        );
        // A floor above the ceiling wins: polling too often is the costlier mistake.
        assert_eq!(
            pacing(None, Some(secs(20)), Some(secs(5))).interval_for(&suite),
            secs(20)
        );
    }
}
