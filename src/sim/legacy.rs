//! The legacy ("v1") flow: `POST /voice-agent/{agentId}/run`, `GET /voice-experiment/{id}`
//! and `GET /voice-experiment/{id}/calls`, snake_case on the wire.

use std::time::Instant;

use serde_json::{Map, Value, json};

use super::create::{draw, is_e164, parse_object};
use super::error::ApiError;
use super::ids;
use super::outcome::{self, DEFAULT_DURATION};
use super::runs::{Call, CallState, Drawn, Phase, Run};
use super::state::SimState;
use super::workspace::RunOutcome;

/// Legacy experiments place at most this many calls at once.
const LEGACY_CONCURRENCY: usize = 10;

/// Starts a voice experiment; answers `{ voice_experiment_id }`.
pub fn run(
    state: &SimState,
    agent_id: &str,
    body: &[u8],
    forced: Option<RunOutcome>,
) -> Result<Value, ApiError> {
    let request = parse_object(body)?;
    let dataset_id = match request.get("dataset_id").cloned().unwrap_or(Value::Null) {
        Value::String(s) => s,
        other => {
            return Err(ApiError::invalid(
                vec![json!("dataset_id")],
                "string",
                &other,
            ));
        }
    };
    let numbers = match request.get("to_number").cloned().unwrap_or(Value::Null) {
        Value::String(s) => vec![s],
        Value::Array(items) => items
            .iter()
            .map(|v| v.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| {
                ApiError::bad_request("to_number must be a string or a list of strings")
            })?,
        other => {
            return Err(ApiError::invalid(
                vec![json!("to_number")],
                "string",
                &other,
            ));
        }
    };
    if numbers.is_empty() {
        return Err(ApiError::bad_request(
            "to_number must contain at least one number",
        ));
    }
    if let Some(bad) = numbers.iter().find(|n| !is_e164(n)) {
        return Err(ApiError::bad_request(format!(
            "to_number: {bad:?} is not an E.164 number like +14155550100"
        )));
    }
    let ws = &state.ws;
    let index = &state.index;
    let Some(agent) = index.agent(agent_id).map(|at| &ws.agents[at]) else {
        return Err(ApiError::not_found(format!(
            "Voice agent not found: {agent_id}"
        )));
    };
    let Some(dataset) = index.dataset(&dataset_id).map(|at| &ws.datasets[at]) else {
        return Err(ApiError::not_found(format!(
            "Dataset not found: {dataset_id}"
        )));
    };
    let mut store = state.experiments();
    let seq = store.next_seq();
    let id = ids::derive(ws.seed, &["voice-experiment", &seq.to_string()]);
    let mut calls = Vec::new();
    let mut case_outcome = None;
    for case_id in &dataset.test_cases {
        let Some(case_index) = index.case(case_id) else {
            continue;
        };
        let case = &ws.test_cases[case_index];
        case_outcome = case_outcome.or(case.run_outcome);
        for (number, dialled) in numbers.iter().enumerate() {
            let n = calls.len().to_string();
            calls.push(Call {
                id: ids::derive(ws.seed, &["voice-call", &seq.to_string(), &n]),
                case: case_index,
                drawn: draw(ws.seed, seq, case, 0, number),
                duration: case.duration_seconds.unwrap_or(DEFAULT_DURATION),
                start: 0.0,
                end: 0.0,
                overrides: None,
                number: dialled.clone(),
            });
        }
    }
    let outcome = forced
        .or(case_outcome)
        .or(agent.run_outcome)
        .unwrap_or(RunOutcome::Completed);
    let run = Run::new(
        id.clone(),
        calls,
        LEGACY_CONCURRENCY,
        outcome,
        agent.run_ends_after_seconds,
        state.scoring,
        state.clock,
    );
    store.insert(run, Instant::now());
    Ok(json!({ "voice_experiment_id": id }))
}

/// The legacy status of an experiment in a phase.
pub fn experiment_status(phase: Phase) -> &'static str {
    match phase {
        Phase::Queued => "CREATED",
        Phase::Running => "RUNNING",
        Phase::Scoring => "SCORING",
        Phase::Ended(RunOutcome::Completed) => "FINISHED",
        Phase::Ended(RunOutcome::ScoringFailed) => "SCORING_FAILED",
        Phase::Ended(_) => "FAILED",
    }
}

/// `{ id, status }`.
pub fn experiment(run: &Run, now: Instant) -> Value {
    json!({ "id": run.id, "status": experiment_status(run.phase(now)) })
}

/// `{ calls: [{ id, status, scores }] }`; scores appear once the experiment has FINISHED.
pub fn calls(state: &SimState, run: &Run, now: Instant) -> Value {
    let scored = run.phase(now) == Phase::Ended(RunOutcome::Completed);
    let calls: Vec<Value> = run
        .calls
        .iter()
        .filter_map(|call| {
            let case = state.ws.test_cases.get(call.case)?;
            let status = match run.call_state(call, now) {
                CallState::Waiting => "queued",
                CallState::InProgress => "in_progress",
                CallState::Aborted => "failed",
                CallState::Done if matches!(call.drawn, Drawn::Error | Drawn::Hang) => "failed",
                CallState::Done => "ended",
            };
            let mut scores = Map::new();
            if scored && status == "ended" {
                let verdicts = outcome::verdicts(&state.ws, case, call.drawn);
                if verdicts.is_empty() {
                    let passed = call.drawn == Drawn::Pass;
                    scores.insert(
                        "overall".into(),
                        json!({ "value": if passed { 1 } else { 0 }, "reason": if passed { "the call met its goal" } else { "the call did not meet its goal" } }),
                    );
                }
                for v in verdicts {
                    let value = if v.status == "PASSED" { 1 } else { 0 };
                    scores.insert(v.name, json!({ "value": value, "reason": v.reason }));
                }
            }
            Some(json!({ "id": call.id, "status": status, "scores": scores }))
        })
        .collect();
    json!({ "calls": calls })
}
