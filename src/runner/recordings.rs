//! The end-of-run re-check of recording links. Hamming fills a call's `recordingUrl` in
//! after its result (its own LiveKit plugin polls a call's details for it), so a completed
//! run's results can lack links that appear seconds later. Before the run is judged and
//! reported, the links still missing are asked for once more through each call's details,
//! in short rounds within a budget of a few seconds; a link still missing after that is
//! reported as "recording pending".
//!
//! Only a run that completed is re-checked: a timed-out, interrupted, failed or canceled run
//! is never held up by it, and Ctrl-C ends the re-check at once.

use std::sync::Arc;
use std::time::Instant;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::api::ApiError;
use crate::api::wire::{CallStatus, RunStatus};
use crate::outcome::{RunEnd, RunObservation};

use super::follow::Context;

/// Details requests in flight at once, so a run of hundreds of calls neither floods the
/// server nor takes a round per call.
const IN_FLIGHT: usize = 8;

/// Re-checks the recording links missing from a completed run's results, filling in the
/// ones that have appeared. Sends nothing when no link is missing.
pub async fn recheck(ctx: &Context<'_>, obs: &mut RunObservation) {
    if obs.end != RunEnd::Finished
        || obs.last_status != Some(RunStatus::Completed)
        || ctx.cancel.is_cancelled()
    {
        return;
    }
    let Some(results) = obs.results.as_mut() else {
        return;
    };
    // Judged calls (passed or failed) had a conversation, so they have a recording; a call
    // that ended in error may never have one.
    let mut missing: Vec<(usize, String)> = results
        .results
        .iter()
        .enumerate()
        .filter(|(_, call)| {
            call.recording().is_none()
                && matches!(
                    CallStatus::parse(call.status.as_deref()),
                    CallStatus::Passed | CallStatus::Failed
                )
        })
        .filter_map(|(index, call)| Some((index, call.id.clone()?)))
        .collect();
    if missing.is_empty() {
        return;
    }
    let (budget, round) = ctx.pacing.recording_wait();
    let deadline = Instant::now() + budget;
    let wanted = missing.len();
    loop {
        let (found, gone) = tokio::select! {
            found = round_of(ctx, &missing, deadline) => found,
            () = ctx.cancel.cancelled() => break,
        };
        for (index, url) in &found {
            if let Some(call) = results.results.get_mut(*index) {
                call.recording_url = Some(url.clone());
            }
        }
        missing.retain(|(index, _)| !found.iter().any(|(i, _)| i == index));
        let now = Instant::now();
        if missing.is_empty() || gone || now + round >= deadline {
            break;
        }
        tokio::select! {
            () = tokio::time::sleep(round) => {}
            () = ctx.cancel.cancelled() => break,
        }
    }
    if !missing.is_empty() {
        ctx.progress.note(&format!(
            "{}: {} of {wanted} recording links still pending after a {} re-check; the reports say \"recording pending\"",
            obs.suite.name,
            missing.len(),
            crate::suite::duration::format(budget)
        ));
    }
}

/// One round: the details of every call still missing its link, at most `IN_FLIGHT` at a
/// time, each bounded by the deadline. Returns the links found, and whether the server does
/// not know the details endpoint or these calls (a 404), so that further rounds are futile.
async fn round_of(
    ctx: &Context<'_>,
    missing: &[(usize, String)],
    deadline: Instant,
) -> (Vec<(usize, String)>, bool) {
    let permits = Arc::new(Semaphore::new(IN_FLIGHT));
    let mut tasks = JoinSet::new();
    for (index, id) in missing.iter().cloned() {
        let client = ctx.client.clone();
        let permits = Arc::clone(&permits);
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await.ok()?;
            let left = deadline.saturating_duration_since(Instant::now());
            let answer = tokio::time::timeout(left, client.call_details(&id))
                .await
                .ok()?;
            Some((index, answer))
        });
    }
    let mut found = Vec::new();
    let mut gone = false;
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(Some((index, Ok(details)))) => {
                if let Some(url) = details.recording() {
                    found.push((index, url.to_owned()));
                }
            }
            Ok(Some((_, Err(ApiError::NotFound { .. })))) => gone = true,
            // A timeout, an error or a task that did not finish leaves the link pending.
            _ => {}
        }
    }
    (found, gone)
}
