//! Follows one suite from start to end: resolve the selection, create the run, poll its
//! status once per tick until it ends, the deadline passes or the user interrupts, then fetch
//! the results (partial ones too) and hand everything to the gate.

use std::time::{Duration, Instant, SystemTime};

use crate::api::client::ReadProgress;
use crate::api::wire::{ResultsBody, RunStatus};
use crate::api::{ApiError, Client};
use crate::outcome::{RunEnd, RunObservation};
use crate::suite::ResolvedSuite;
use crate::untrusted::LinkPolicy;

use super::cancel::Cancel;
use super::progress::Progress;
use super::start;
use super::state::StateFile;
use super::ticker::{Stop, Ticker};

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
    /// The longest wait for partial results after a timeout.
    pub partial_results_budget: Duration,
    /// The longest end-of-run re-check of recording links still missing from a completed
    /// run's results.
    pub recording_budget: Duration,
    /// The longest wait for partial results after Ctrl-C or SIGTERM: CI sends SIGKILL a few
    /// seconds after SIGTERM, and the reports must be written before that.
    pub interrupted_results_budget: Duration,
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
            recording_budget: Duration::from_secs(5),
            interrupted_results_budget: Duration::from_secs(4),
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

    /// When a run's deadline starts counting: at `began` (before the create), except under
    /// compressed time just after a create, when it starts now. The simulated run's clock
    /// starts when the create is answered, and creating a run of thousands of cases can take
    /// longer than a whole compressed deadline: counted from the answer, the deadline is
    /// never shorter than the runner's own work.
    pub fn deadline_start(&self, began: Instant, look: FirstLook) -> Instant {
        if self.time_scale < 1.0 && look == FirstLook::AfterCreate {
            Instant::now()
        } else {
            began
        }
    }

    /// The wait before the first poll, in real time: after a create, `first_poll` (or one
    /// interval, if shorter); none for a run that existed before.
    pub fn first_wait(&self, look: FirstLook, interval: Duration) -> Duration {
        match look {
            FirstLook::AfterCreate => self.scale(self.first_poll).min(interval),
            FirstLook::AtOnce => Duration::ZERO,
        }
    }

    /// The longest wait for partial results, in real time (never under half a second).
    pub fn partial_results_wait(&self) -> Duration {
        self.scale(self.partial_results_budget)
            .max(Duration::from_millis(500))
    }

    /// The longest re-check of recording links, in real time (never under a quarter second,
    /// which a few HTTP round trips alone can take), and the pause between its rounds.
    pub fn recording_wait(&self) -> (Duration, Duration) {
        let budget = self.scale(self.recording_budget);
        let round = self.scale(Duration::from_secs(1));
        if self.time_scale < 1.0 {
            (
                budget.max(Duration::from_millis(250)),
                round.max(Duration::from_millis(25)),
            )
        } else {
            (budget, round)
        }
    }

    /// The longest wait for partial results once a suite ended so, in real time: shorter
    /// after an interruption. The interruption budget is never scaled: it bounds a real
    /// wait the CI system imposes.
    pub fn partial_results_wait_after(&self, end: &RunEnd) -> Duration {
        let wait = self.partial_results_wait();
        if *end == RunEnd::Interrupted {
            wait.min(self.interrupted_results_budget)
        } else {
            wait
        }
    }

    /// The suite's poll interval in real time: `--poll-interval`, else the suite's, kept
    /// between `--max-poll-interval` and `--min-poll-interval` (the floor wins a conflict).
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
        // The recorded run may have ended while no one watched: look at once.
        let mut followed = attach(ctx, obs, began, FirstLook::AtOnce, Keep::Parsed)
            .await
            .0;
        super::recordings::recheck(ctx, &mut followed.observation).await;
        return followed;
    }
    if let Some(note) = ctx
        .state
        .and_then(|state| state.new_attempt_note(&obs.suite))
    {
        ctx.progress.note(&note);
    }

    // A create an earlier attempt sent and never learnt the run of: it may have placed the
    // calls, so the suite is not created again until the user has looked (or says --fresh).
    if let Some(message) = ctx
        .state
        .and_then(|state| pending_stop(ctx, state, &obs.suite))
    {
        ctx.progress
            .finished(&name, &format!("not started: {message}"));
        obs.end = RunEnd::NotStarted { message };
        return finish(obs, began);
    }

    // Resolve the selection and create the run. The POST is not abandoned midway on Ctrl-C:
    // once sent, its answer is the only record of the run it may have started.
    let started = start::start_recorded(
        ctx.client,
        &obs.suite,
        ctx.max_calls,
        &ctx.cancel,
        ctx.state,
    )
    .await;
    let (created, resolved) = match started {
        Ok(pair) => pair,
        Err(err) => {
            if let start::StartError::Empty {
                run_id,
                results_url,
            } = &err
            {
                obs.run_id = Some(run_id.clone());
                obs.results_url = results_url.clone();
            }
            obs.end = err.to_end();
            if let Some(state) = ctx.state {
                note_recorded_attempt(&err, state, &mut obs.end);
            }
            let label = if err.is_refusal() {
                "refused"
            } else {
                "not started"
            };
            ctx.progress
                .finished(&name, &format!("{label}: {}", err.short()));
            return finish(obs, began);
        }
    };
    for note in &resolved.notes {
        ctx.progress.note(&format!("{name}: note: {note}"));
    }
    obs.case_titles = resolved.cases.clone();
    let run_id = created.run_id.clone();
    obs.run_id = Some(run_id.clone());
    obs.results_url = created
        .results_url
        .as_deref()
        .and_then(|url| LinkPolicy::for_api(ctx.client.base_url()).vet(url));
    if let Some(state) = ctx.state
        && let Err(e) = state.record(&obs.suite, &run_id, obs.results_url.as_deref())
    {
        // The calls are placed either way: keep following, but say loudly that a re-run
        // of this command cannot follow this run (it finds the create pending and stops).
        ctx.progress.note(&format!(
            "{name}: warning: {e}; run {run_id} is not recorded, so a re-run cannot re-attach to it (it stops on the pending create instead): note the run id"
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
    let mut followed = attach(ctx, obs, began, FirstLook::AfterCreate, Keep::Parsed)
        .await
        .0;
    super::recordings::recheck(ctx, &mut followed.observation).await;
    followed
}

/// When the first status poll of a run comes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FirstLook {
    /// Just after creating the run: after `Pacing::first_poll` (or one interval, if
    /// shorter), since a new run is queued for a while.
    AfterCreate,
    /// At once: the run existed before (re-attached, or `wait ID`) and may have ended.
    AtOnce,
}

/// What is kept of a results body once it is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// Only the typed results, in the observation.
    Parsed,
    /// Its text too, exactly as the server sent it, for a command that passes it on
    /// (`wait --output`).
    Text,
}

/// Follows a run that already exists (`obs.run_id` is set) until it ends, the deadline
/// (counted from `began`) passes, or the user interrupts. With `Keep::Text`, returns the
/// results body's text as the server sent it too, for commands that pass it on untouched.
pub async fn attach(
    ctx: &Context<'_>,
    mut obs: RunObservation,
    began: Instant,
    first_look: FirstLook,
    keep: Keep,
) -> (Followed, Option<String>) {
    let Some(run_id) = obs.run_id.clone() else {
        obs.end = RunEnd::NotStarted {
            message: "no run to follow".into(),
        };
        return (finish(obs, began), None);
    };
    let timeout = ctx.pacing.timeout_for(&obs.suite);
    let from = ctx.pacing.deadline_start(began, first_look);
    let text = poll(ctx, &mut obs, &run_id, from, timeout, first_look, keep).await;
    let summary = super::progress::end_line(&obs, &run_id, began.elapsed());
    ctx.progress.finished(&obs.suite.name, &summary);
    (finish(obs, began), text)
}

/// Fetches a run's results, with the body's text when `keep` asks for it.
async fn fetch_results(
    client: &Client,
    run_id: &str,
    keep: Keep,
) -> Result<(ResultsBody, Option<String>), ApiError> {
    match keep {
        Keep::Parsed => client.results(run_id).await.map(|body| (body, None)),
        Keep::Text => client
            .results_and_text(run_id)
            .await
            .map(|(body, text)| (body, Some(text))),
    }
}

async fn poll(
    ctx: &Context<'_>,
    obs: &mut RunObservation,
    run_id: &str,
    start: Instant,
    timeout: Duration,
    first_look: FirstLook,
    keep: Keep,
) -> Option<String> {
    let interval = ctx.pacing.interval_for(&obs.suite);
    let first_wait = ctx.pacing.first_wait(first_look, interval);
    let mut ticker = Ticker::new(&ctx.cancel, start, timeout, interval, first_wait);
    let name = obs.suite.name.clone();
    // Failed attempts of the status read in flight, to say why when the deadline cuts it.
    let watch = ReadProgress::default();
    let mut ever_read = false;
    loop {
        let status = match ticker.next(ctx.client.status_watched(run_id, &watch)).await {
            Ok(status) => status,
            Err(stop) => {
                obs.end = stop.end();
                if stop == Stop::TimedOut {
                    explain_unreadable_status(ctx, obs, run_id, &watch, ever_read, timeout);
                }
                break;
            }
        };
        match status {
            Ok(body) => {
                ever_read = true;
                watch.clear();
                let status = RunStatus::parse(body.status.as_deref().unwrap_or("UNKNOWN"));
                ctx.progress
                    .status(&name, &status, start.elapsed(), timeout);
                let terminal = status.is_terminal();
                obs.last_status = Some(status);
                if terminal {
                    match fetch_results(ctx.client, run_id, keep).await {
                        Ok((results, text)) => {
                            obs.results = Some(results);
                            obs.end = RunEnd::Finished;
                            return text;
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
    let (results, text) = partial_results(ctx, run_id, &obs.end, keep).await?;
    obs.results = Some(results);
    text
}

/// Reads a results body held as a JSON value leniently, as `ResultsBody::read` reads one
/// from its text: a body that is not an object reads as empty results, and values no valid
/// answer can hold (a score of 150, a negative duration) read as absent.
pub fn parse_results(raw: &serde_json::Value) -> ResultsBody {
    ResultsBody::read_value(raw)
}

/// Says why a suite timed out when its status could not be read: never within the whole
/// timeout (then the run could not be followed at all: a platform error), or not at the end
/// (a note beside the timeout).
fn explain_unreadable_status(
    ctx: &Context<'_>,
    obs: &mut RunObservation,
    run_id: &str,
    watch: &ReadProgress,
    ever_read: bool,
    timeout: Duration,
) {
    let (failures, Some(last)) = watch.failures() else {
        return;
    };
    if ever_read {
        ctx.progress.note(&format!(
            "{}: the status of run {run_id} could not be read when the timeout came ({failures} failed attempt(s); last error: {last})",
            obs.suite.name
        ));
    } else {
        obs.end = RunEnd::PlatformError {
            message: format!(
                "the status of run {run_id} could not be read at all within the suite's timeout of {}: {failures} attempt(s) failed, the last with: {last}",
                crate::suite::duration::format(timeout)
            ),
        };
    }
}

/// The stop message of a suite whose create an earlier attempt sent and never recorded the
/// run of; a pending create for an older version of the suite is only noted.
pub(super) fn pending_stop(
    ctx: &Context<'_>,
    state: &StateFile,
    suite: &ResolvedSuite,
) -> Option<String> {
    let (pending, same) = state.pending(suite)?;
    if same {
        return Some(pending.stop_message(state.path()));
    }
    ctx.progress.note(&format!(
        "{}: note: an earlier attempt sent a create for a different version of this suite at {} and never recorded its run; that run may exist in the Hamming app (agent {})",
        suite.name, pending.sent_at, pending.agent_id
    ));
    None
}

/// After a create whose run may exist, says that the state file remembers the attempt.
fn note_recorded_attempt(err: &start::StartError, state: &StateFile, end: &mut RunEnd) {
    if let (
        start::StartError::Create {
            source: ApiError::CreateUncertain { .. },
            ..
        },
        RunEnd::NotStarted { message },
    ) = (err, end)
    {
        message.push_str(&format!(
            "; {} records the attempt, so running this command again stops here until you pass --fresh",
            state.path().display()
        ));
    }
}

async fn partial_results(
    ctx: &Context<'_>,
    run_id: &str,
    end: &RunEnd,
    keep: Keep,
) -> Option<(ResultsBody, Option<String>)> {
    let budget = ctx.pacing.partial_results_wait_after(end);
    match tokio::time::timeout(budget, fetch_results(ctx.client, run_id, keep)).await {
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

fn finish(mut obs: RunObservation, start: Instant) -> Followed {
    obs.elapsed = start.elapsed();
    Followed {
        observation: obs,
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
    fn a_compressed_deadline_after_a_create_counts_from_the_answer() {
        let began = Instant::now() - Duration::from_secs(3);
        let compressed = Pacing {
            time_scale: 1.0 / 600.0,
            ..Pacing::default()
        };
        // The create took 3 s, longer than the compressed deadline's floor: the deadline
        // starts after it.
        let from = compressed.deadline_start(began, FirstLook::AfterCreate);
        assert!(from >= began + Duration::from_secs(3));
        // A run that existed before, and every run against the real API, count from `began`.
        assert_eq!(compressed.deadline_start(began, FirstLook::AtOnce), began);
        let real = Pacing::default();
        assert_eq!(real.deadline_start(began, FirstLook::AfterCreate), began);
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
