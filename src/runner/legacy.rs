//! Follows a `dataset` suite through Hamming's legacy ("v1") flow: start a voice experiment
//! (`POST /voice-agent/{agentId}/run`), poll it until `FINISHED`, `FAILED` or
//! `SCORING_FAILED`, then read its calls.
//!
//! The calls are mapped onto the same observation a test run gives, so the gate and every
//! report work unchanged: a call that `ended` with no score of 0 is `PASSED`, one that ended
//! with a score of 0 is `FAILED` (each score becomes an assertion result), one still going is
//! `PENDING`, and any other status is `ERROR`. With the default `min_test_pass_rate` of 1.0
//! that is exactly Hamming's v1 check: every call ended and no score is 0.

use std::time::{Duration, Instant, SystemTime};

use indexmap::IndexMap;
use serde_json::Value;

use crate::api::ApiError;
use crate::api::wire::{
    AssertionResult, CallResult, LegacyCall, LegacyExperiment, LegacyRun, ResultsBody, RunStatus,
};
use crate::outcome::{RunEnd, RunObservation};
use crate::suite::ResolvedSuite;

use super::follow::{Context, FirstLook, Followed};
use super::selection;
use super::start::StartError;
use super::ticker::Ticker;

/// Follows one dataset suite from start to end.
pub async fn follow(ctx: &Context<'_>, suite: ResolvedSuite, dataset: String) -> Followed {
    let began = Instant::now();
    let mut obs = RunObservation {
        suite,
        run_id: None,
        results_url: None,
        last_status: None,
        results: None,
        end: RunEnd::Finished,
        started_at: SystemTime::now(),
        elapsed: Duration::ZERO,
        case_titles: IndexMap::new(),
        follow_ups: Vec::new(),
    };
    let name = obs.suite.name.clone();
    if ctx.cancel.is_cancelled() {
        obs.end = RunEnd::Interrupted;
        return finish(obs, began);
    }
    // A recorded experiment may have ended while no one watched: look at it at once.
    let mut first_look = FirstLook::AtOnce;

    // An experiment recorded by an earlier attempt of this command is followed, not started
    // again: it placed paid calls too.
    if let Some(recorded) = ctx.state.and_then(|state| state.recorded(&obs.suite)) {
        ctx.progress.note(&format!(
            "{name}: re-attaching to voice experiment {} recorded in the state file (pass --fresh to start a new one)",
            recorded.run_id
        ));
        obs.run_id = Some(recorded.run_id);
    } else if let Some(message) = ctx
        .state
        .and_then(|state| super::follow::pending_stop(ctx, state, &obs.suite))
    {
        ctx.progress
            .finished(&name, &format!("not started: {message}"));
        obs.end = RunEnd::NotStarted { message };
        return finish(obs, began);
    } else {
        first_look = FirstLook::AfterCreate;
        if let Some(note) = ctx
            .state
            .and_then(|state| state.new_attempt_note(&obs.suite))
        {
            ctx.progress.note(&note);
        }
        match start(ctx, &obs.suite, &dataset).await {
            Ok(id) => {
                if let Some(state) = ctx.state
                    && let Err(e) = state.record(&obs.suite, &id, None)
                {
                    ctx.progress.note(&format!(
                        "{name}: warning: {e}; voice experiment {id} is not recorded, so a re-run cannot re-attach to it (it stops on the pending create instead): note the id"
                    ));
                }
                ctx.progress.note(&format!(
                    "{name}: started voice experiment {id} (dataset {dataset}, {} number(s), legacy flow)",
                    obs.suite.phone_numbers.len()
                ));
                obs.run_id = Some(id);
            }
            Err(Start::Interrupted) => {
                obs.end = RunEnd::Interrupted;
                return finish(obs, began);
            }
            Err(Start::Failed { message, usage }) => {
                let label = if usage { "refused" } else { "not started" };
                ctx.progress.finished(&name, &format!("{label}: {message}"));
                obs.end = if usage {
                    RunEnd::Refused { message }
                } else {
                    RunEnd::NotStarted { message }
                };
                return finish(obs, began);
            }
        }
    }
    let Some(id) = obs.run_id.clone() else {
        return finish(obs, began);
    };
    poll(ctx, &mut obs, &id, began, first_look).await;
    let summary = super::progress::end_line(&obs, &id, began.elapsed());
    ctx.progress.finished(&name, &summary);
    finish(obs, began)
}

enum Start {
    Interrupted,
    Failed { message: String, usage: bool },
}

async fn start(ctx: &Context<'_>, suite: &ResolvedSuite, dataset: &str) -> Result<String, Start> {
    // Hamming's own v1 scripts send one number as a string; several go as a list.
    let to_number = match suite.phone_numbers.as_slice() {
        [one] => Value::String(one.clone()),
        many => Value::from(many.to_vec()),
    };
    let body = LegacyRun {
        dataset_id: dataset.to_owned(),
        to_number,
    };
    // The dataset is checked against the workspace first, as a selection is.
    let resolved = tokio::select! {
        r = selection::resolve(ctx.client, suite, ctx.max_calls) => r,
        _ = ctx.cancel.cancelled() => return Err(Start::Interrupted),
    };
    match resolved {
        Ok(resolved) => {
            for note in &resolved.notes {
                ctx.progress.note(&format!("{}: note: {note}", suite.name));
            }
        }
        Err(err) => {
            let usage = err.exit_code() == crate::exit::USAGE;
            return Err(Start::Failed {
                message: StartError::from(err).short(),
                usage,
            });
        }
    }
    if ctx.cancel.is_cancelled() {
        return Err(Start::Interrupted);
    }
    // Recorded as pending before it is sent, like a test run's create.
    if let Some(state) = ctx.state
        && let Err(e) = state.begin_create(suite)
    {
        return Err(Start::Failed {
            message: format!(
                "the voice experiment was not started, because the state file could not record it first: {e}"
            ),
            usage: false,
        });
    }
    // The POST is not abandoned midway on Ctrl-C: once sent, its answer is the only record
    // of the experiment it may have started.
    match ctx.client.legacy_run(&suite.agent_id, &body).await {
        // The answer was read strictly: it always has an id-like experiment id.
        Ok(created) => Ok(created.voice_experiment_id.unwrap_or_default()),
        Err(err) => {
            let uncertain = matches!(err, ApiError::CreateUncertain { .. });
            let mut message =
                format!("could not start the voice experiment for dataset `{dataset}`: {err}");
            match ctx.state {
                Some(state) if uncertain => message.push_str(&format!(
                    "; {} records the attempt, so running this command again stops here until you pass --fresh",
                    state.path().display()
                )),
                Some(state) => {
                    let _ = state.create_refused(suite);
                }
                None => {}
            }
            Err(Start::Failed {
                usage: matches!(
                    err,
                    ApiError::NotFound { .. } | ApiError::KeyInRequest { .. }
                ),
                message,
            })
        }
    }
}

async fn poll(
    ctx: &Context<'_>,
    obs: &mut RunObservation,
    id: &str,
    began: Instant,
    first_look: FirstLook,
) {
    let timeout = ctx.pacing.timeout_for(&obs.suite);
    let interval = ctx.pacing.interval_for(&obs.suite);
    let first_wait = ctx.pacing.first_wait(first_look, interval);
    let from = ctx.pacing.deadline_start(began, first_look);
    let mut ticker = Ticker::new(&ctx.cancel, from, timeout, interval, first_wait);
    let name = obs.suite.name.clone();
    loop {
        let read = match ticker.next(ctx.client.legacy_experiment(id)).await {
            Ok(read) => read,
            Err(stop) => {
                obs.end = stop.end();
                break;
            }
        };
        match read {
            Ok(experiment) => {
                let status = run_status(&experiment);
                ctx.progress
                    .status(&name, &status, began.elapsed(), timeout);
                obs.last_status = Some(status);
                if experiment.is_terminal() {
                    if experiment.status.as_deref() == Some("SCORING_FAILED") {
                        obs.end = RunEnd::PlatformError {
                            message: format!(
                                "voice experiment {id} ended SCORING_FAILED: Hamming could not score its calls"
                            ),
                        };
                    }
                    break;
                }
            }
            Err(err) => {
                obs.end = RunEnd::PlatformError {
                    message: format!("could not read the status of voice experiment {id}: {err}"),
                };
                break;
            }
        }
    }
    // Whatever ended the wait, keep the calls that exist.
    let budget = ctx.pacing.partial_results_wait_after(&obs.end);
    match tokio::time::timeout(budget, ctx.client.legacy_calls(id)).await {
        Ok(Ok(body)) => {
            let (results, titles) = observe_calls(&body.calls, id);
            obs.results = Some(results);
            obs.case_titles = titles;
        }
        Ok(Err(err)) => {
            if obs.end == RunEnd::Finished {
                obs.end = RunEnd::PlatformError {
                    message: format!(
                        "voice experiment {id} ended but its calls could not be fetched: {err}"
                    ),
                };
            } else {
                ctx.progress.note(&format!(
                    "could not fetch the calls of voice experiment {id}: {err}"
                ));
            }
        }
        Err(_) => ctx.progress.note(&format!(
            "gave up fetching the calls of voice experiment {id} after {}s",
            budget.as_secs()
        )),
    }
}

/// The experiment's status as a run status: `FAILED` is a failed run; every other status
/// keeps its legacy name (and `FINISHED` is judged like `COMPLETED`).
fn run_status(experiment: &LegacyExperiment) -> RunStatus {
    match experiment.status.as_deref() {
        Some("FAILED") => RunStatus::Failed,
        Some(other) => RunStatus::Other(other.to_owned()),
        None => RunStatus::Other("UNKNOWN".into()),
    }
}

/// Maps legacy calls onto results the gate reads, and a title for each. A legacy call names
/// no test case, so each call stands for itself: its id is its case id.
pub fn observe_calls(
    calls: &[LegacyCall],
    experiment: &str,
) -> (ResultsBody, IndexMap<String, String>) {
    let mut titles = IndexMap::new();
    let results = calls
        .iter()
        .enumerate()
        .map(|(i, call)| {
            let id = call
                .id
                .clone()
                .unwrap_or_else(|| format!("{experiment}-call-{}", i + 1));
            titles.insert(id.clone(), format!("voice experiment call {}", i + 1));
            CallResult {
                id: Some(id.clone()),
                test_case_id: Some(id),
                status: Some(call_status(call).to_owned()),
                assertion_results: call
                    .scores
                    .iter()
                    .map(|(name, score)| AssertionResult {
                        assertion_id: None,
                        assertion_name: Some(name.clone()),
                        status: Some(
                            if score.value == Some(0.0) {
                                "FAILED"
                            } else {
                                "PASSED"
                            }
                            .to_owned(),
                        ),
                        reason: score.reason.clone(),
                        details: None,
                    })
                    .collect(),
                ..CallResult::default()
            }
        })
        .collect();
    (
        ResultsBody {
            summary: None,
            results,
        },
        titles,
    )
}

/// Hamming's v1 reading of a call: ended with no score of 0 passes.
fn call_status(call: &LegacyCall) -> &'static str {
    match call
        .status
        .as_deref()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("ended") if call.scores.values().any(|s| s.value == Some(0.0)) => "FAILED",
        Some("ended") => "PASSED",
        Some("queued" | "created" | "in_progress" | "ringing" | "running") | None => "PENDING",
        Some(_) => "ERROR",
    }
}

fn finish(mut obs: RunObservation, began: Instant) -> Followed {
    obs.elapsed = began.elapsed();
    Followed {
        observation: obs,
        skipped: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::wire::LegacyCallsBody;

    fn calls(json: Value) -> Vec<LegacyCall> {
        serde_json::from_value::<LegacyCallsBody>(json)
            .unwrap()
            .calls
    }

    #[test]
    fn calls_map_like_hammings_v1_check() {
        let calls = calls(serde_json::json!({ "calls": [
            { "id": "c1", "status": "ended", "scores": { "goal": { "value": 1 } } },
            { "id": "c2", "status": "ended", "scores": { "goal": { "value": 0, "reason": "hung up early" } } },
            { "id": "c3", "status": "failed", "scores": {} },
            { "id": "c4", "status": "in_progress", "scores": {} },
            { "status": "ended" }
        ]}));
        let (results, titles) = observe_calls(&calls, "exp");
        let statuses: Vec<&str> = results
            .results
            .iter()
            .map(|r| r.status.as_deref().unwrap())
            .collect();
        assert_eq!(statuses, ["PASSED", "FAILED", "ERROR", "PENDING", "PASSED"]);
        let failed = &results.results[1].assertion_results[0];
        assert_eq!(failed.assertion_name.as_deref(), Some("goal"));
        assert_eq!(failed.status.as_deref(), Some("FAILED"));
        assert_eq!(failed.reason.as_deref(), Some("hung up early"));
        assert_eq!(
            results.results[4].test_case_id.as_deref(),
            Some("exp-call-5")
        );
        assert_eq!(titles.len(), 5);
    }

    #[test]
    fn only_failed_is_a_failed_run() {
        let status = |s: &str| {
            run_status(&LegacyExperiment {
                id: None,
                status: Some(s.into()),
            })
        };
        assert_eq!(status("FAILED"), RunStatus::Failed);
        assert_eq!(status("FINISHED"), RunStatus::Other("FINISHED".into()));
        assert!(!status("SCORING").is_terminal());
    }
}
