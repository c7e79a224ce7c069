//! `POST /test-runs/test-inbound-agent`: validate the body, resolve the selection, plan the
//! calls and start the run.

use std::time::Instant;

use serde_json::{Map, Value, json};

use super::error::ApiError;
use super::ids;
use super::outcome::DEFAULT_DURATION;
use super::runs::{Call, Drawn, Run};
use super::state::SimState;
use super::workspace::{CallOutcome, EmptySelection, RunOutcome, TestCase};

/// Creates a test run from a request body; `forced` is a run outcome asked for by a fault.
pub fn create_run(
    state: &SimState,
    body: &[u8],
    forced: Option<RunOutcome>,
) -> Result<Value, ApiError> {
    let request = parse_object(body)?;
    let field = |name: &str| request.get(name).cloned().unwrap_or(Value::Null);

    let agent_id = match field("agentId") {
        Value::String(s) => s,
        other => return Err(ApiError::invalid(vec![json!("agentId")], "string", &other)),
    };
    let phone_numbers = string_array(&field("phoneNumbers"), "phoneNumbers")?;
    let configurations = match field("testConfigurations") {
        Value::Array(items) => items,
        other => {
            return Err(ApiError::invalid(
                vec![json!("testConfigurations")],
                "array",
                &other,
            ));
        }
    };
    let sampling = bounded_int(&field("samplingCount"), "samplingCount", 1, 50, 1)?;
    let max_concurrent = bounded_int(
        &field("maxConcurrentCalls"),
        "maxConcurrentCalls",
        1,
        100,
        10,
    )?;

    if phone_numbers.is_empty() {
        return Err(ApiError::bad_request(
            "phoneNumbers must contain at least one number",
        ));
    }
    for (index, number) in phone_numbers.iter().enumerate() {
        if !is_e164(number) {
            return Err(ApiError::bad_request(format!(
                "phoneNumbers[{index}]: {number:?} is not an E.164 number like +14155550100"
            )));
        }
    }
    let mut selections = Vec::with_capacity(configurations.len());
    for (index, item) in configurations.iter().enumerate() {
        selections.push(parse_configuration(index, item)?);
    }

    let ws = &state.ws;
    let index = &state.index;
    let Some(agent) = index.agent(&agent_id).map(|at| &ws.agents[at]) else {
        return Err(ApiError::not_found(format!("Agent not found: {agent_id}")));
    };
    // Cases in selection order, each once; the first configuration that selects a case
    // decides its overrides.
    let mut selected: Vec<(usize, Option<Value>)> = Vec::new();
    let mut chosen = vec![false; ws.test_cases.len()];
    for selection in &selections {
        let cases: Vec<usize> = match &selection.target {
            Target::Tag(tag_id) => {
                if !index.has_tag_id(tag_id) {
                    return Err(ApiError::not_found(format!("Tag not found: {tag_id}")));
                }
                index
                    .cases_tagged(tag_id)
                    .iter()
                    .copied()
                    .filter(|&i| ws.test_cases[i].agent_ids.contains(&agent_id))
                    .collect()
            }
            Target::Case(case_id) => match index.case(case_id) {
                Some(i) => vec![i],
                None => {
                    return Err(ApiError::not_found(format!(
                        "Test case not found: {case_id}"
                    )));
                }
            },
        };
        for case in cases {
            if !std::mem::replace(&mut chosen[case], true) {
                selected.push((case, selection.overrides.clone()));
            }
        }
    }
    if selected.is_empty() && ws.empty_selection != Some(EmptySelection::Accept) {
        return Err(ApiError::bad_request(
            "Requested run selection resolved to no runnable test cases",
        ));
    }

    let now = Instant::now();
    let mut store = state.runs();
    let seq = store.next_seq();
    let run_id = ids::derive(ws.seed, &["test-run", &seq.to_string()]);
    let mut calls = Vec::new();
    for (case_index, overrides) in &selected {
        let case = &ws.test_cases[*case_index];
        for sample in 0..sampling {
            for (number, dialled) in phone_numbers.iter().enumerate() {
                let n = calls.len().to_string();
                calls.push(Call {
                    id: ids::derive(ws.seed, &["test-case-run", &seq.to_string(), &n]),
                    case: *case_index,
                    drawn: draw(ws.seed, seq, case, sample, number),
                    duration: case.duration_seconds.unwrap_or(DEFAULT_DURATION),
                    start: 0.0,
                    end: 0.0,
                    overrides: overrides.clone(),
                    number: dialled.clone(),
                });
            }
        }
    }
    let case_outcome = selected
        .iter()
        .find_map(|(i, _)| ws.test_cases[*i].run_outcome);
    let outcome = forced
        .or(case_outcome)
        .or(agent.run_outcome)
        .unwrap_or(RunOutcome::Completed);
    let test_case_runs: Vec<Value> = calls
        .iter()
        .map(|call| {
            let case = &ws.test_cases[call.case];
            json!({
                "id": call.id,
                "testCaseId": case.id,
                "status": "PENDING",
                "testCase": { "id": case.id, "title": case.title },
            })
        })
        .collect();
    let mut run = Run::new(
        run_id.clone(),
        calls,
        max_concurrent as usize,
        outcome,
        agent.run_ends_after_seconds,
        0.0,
        state.clock,
    );
    run.recording_delay = ws.recording_delay_seconds.unwrap_or(0.0);
    store.insert(run, now);
    let ui = ws
        .ui_base_url
        .clone()
        .unwrap_or_else(|| state.origin.clone());
    Ok(json!({
        "testRunId": run_id,
        "resultsUrl": format!("{}/test-runs/{run_id}", ui.trim_end_matches('/')),
        "testCaseRuns": test_case_runs,
    }))
}

/// Draws what one call does; flaky cases draw from the seed, keyed by run, case, sample and
/// number.
pub fn draw(seed: u64, seq: u64, case: &TestCase, sample: u32, number: usize) -> Drawn {
    match case.outcome.unwrap_or(CallOutcome::Pass) {
        CallOutcome::Pass => Drawn::Pass,
        CallOutcome::Fail => Drawn::Fail,
        CallOutcome::Error => Drawn::Error,
        CallOutcome::Hang => Drawn::Hang,
        CallOutcome::Flaky => {
            let p = case.fail_probability.unwrap_or(0.5);
            let u = ids::unit(
                seed,
                &[
                    "flaky",
                    &seq.to_string(),
                    &case.id,
                    &sample.to_string(),
                    &number.to_string(),
                ],
            );
            if u < p { Drawn::Fail } else { Drawn::Pass }
        }
    }
}

enum Target {
    Tag(String),
    Case(String),
}

struct Selection {
    target: Target,
    overrides: Option<Value>,
}

/// Parses a request body that must be a JSON object.
pub fn parse_object(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("Invalid JSON body: {e}")))?;
    match value {
        Value::Object(map) => Ok(map),
        other => Err(ApiError::invalid(vec![], "object", &other)),
    }
}

fn string_array(value: &Value, name: &str) -> Result<Vec<String>, ApiError> {
    let Value::Array(items) = value else {
        return Err(ApiError::invalid(vec![json!(name)], "array", value));
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| match item {
            Value::String(s) => Ok(s.clone()),
            other => Err(ApiError::invalid(
                vec![json!(name), json!(i)],
                "string",
                other,
            )),
        })
        .collect()
}

fn bounded_int(
    value: &Value,
    name: &str,
    min: u32,
    max: u32,
    default: u32,
) -> Result<u32, ApiError> {
    match value {
        Value::Null => Ok(default),
        Value::Number(n) => match n.as_u64() {
            Some(v) if (u64::from(min)..=u64::from(max)).contains(&v) => Ok(v as u32),
            _ => Err(ApiError::bad_request(format!(
                "{name} must be an integer from {min} to {max}, got {n}"
            ))),
        },
        other => Err(ApiError::invalid(vec![json!(name)], "number", other)),
    }
}

/// `+`, a non-zero digit, then up to 14 more digits.
pub fn is_e164(number: &str) -> bool {
    let Some(digits) = number.strip_prefix('+') else {
        return false;
    };
    (2..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
}

fn parse_configuration(index: usize, item: &Value) -> Result<Selection, ApiError> {
    let Value::Object(map) = item else {
        return Err(ApiError::invalid(
            vec![json!("testConfigurations"), json!(index)],
            "object",
            item,
        ));
    };
    let text = |key: &str| match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(ApiError::invalid(
            vec![json!("testConfigurations"), json!(index), json!(key)],
            "string",
            other,
        )),
    };
    let target = match (text("tagId")?, text("testCaseId")?) {
        (Some(tag), None) => Target::Tag(tag),
        (None, Some(case)) => Target::Case(case),
        _ => {
            return Err(ApiError::bad_request(format!(
                "testConfigurations[{index}] must have exactly one of tagId or testCaseId"
            )));
        }
    };
    Ok(Selection {
        target,
        overrides: overrides(index, map)?,
    })
}

/// `overrides: { scenarioFacts, persona }`, or the same two keys directly on the item.
fn overrides(index: usize, item: &Map<String, Value>) -> Result<Option<Value>, ApiError> {
    let source = match item.get("overrides") {
        None | Some(Value::Null) => item,
        Some(Value::Object(map)) => map,
        Some(other) => {
            return Err(ApiError::invalid(
                vec![
                    json!("testConfigurations"),
                    json!(index),
                    json!("overrides"),
                ],
                "object",
                other,
            ));
        }
    };
    let mut out = Map::new();
    for key in ["scenarioFacts", "persona"] {
        match source.get(key) {
            None | Some(Value::Null) => {}
            Some(Value::Object(map)) => {
                if key == "persona"
                    && let Some((field, _)) = map.iter().find(|(k, v)| {
                        !["name", "voice", "prompt"].contains(&k.as_str()) || !v.is_string()
                    })
                {
                    return Err(ApiError::bad_request(format!(
                        "testConfigurations[{index}].persona.{field} is not one of the string fields name, voice, prompt"
                    )));
                }
                out.insert(key.to_owned(), Value::Object(map.clone()));
            }
            Some(other) => {
                return Err(ApiError::invalid(
                    vec![json!("testConfigurations"), json!(index), json!(key)],
                    "object",
                    other,
                ));
            }
        }
    }
    Ok((!out.is_empty()).then_some(Value::Object(out)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn e164() {
        assert!(is_e164("+14155550100"));
        assert!(!is_e164("14155550100"));
        assert!(!is_e164("+0123"));
        assert!(!is_e164("+1415555010012345"));
        assert!(!is_e164("+1 415 555"));
    }
}
