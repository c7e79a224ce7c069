//! Whatever a server sends, the response side never panics and never hangs: random JSON and
//! mutated real bodies go through every wire type, the lenient results reader, status parsing,
//! the gate and the JSON, JUnit and terminal reports.

use std::path::Path;
use std::time::{Duration, SystemTime};

use hamming_runner::api::wire::{
    AgentsBody, CreatedTestRun, ErrorBody, LegacyCallsBody, ResultsBody, RunStatus, StatusBody,
    TagsBody, TestCasesBody,
};
use hamming_runner::gate;
use hamming_runner::load::{LoadOptions, Source, load_source};
use hamming_runner::outcome::{Outcome, RunEnd, RunObservation};
use hamming_runner::report::{json::write_json, junit::write_junit, terminal::write_terminal};
use hamming_runner::runner::follow::parse_results;
use hamming_runner::suite::ResolvedSuite;
use proptest::prelude::*;
use serde_json::{Value, json};

/// A results body shaped like the real one, with every field the parser reads.
fn real_results() -> Value {
    json!({
        "summary": {
            "id": "cmc220l4i00zsgn0gvqkvpvxh",
            "status": "COMPLETED",
            "stats": { "total": 2, "completed": 2, "passed": 1, "failed": 1, "errored": 0, "pending": 0, "inProgress": 0 },
            "metrics": { "latencyP90": { "value": 1.2, "unit": "s", "status": "passed" } },
            "assertions": {
                "overallScore": 50.0,
                "categories": [{ "name": "Compliance", "score": 50.0, "status": "failed", "stats": { "total": 2 }, "assertionIds": ["a1"] }]
            },
            "topIssues": [{ "title": "Skips identity check", "severity": "HIGH", "affectedCallCount": 1, "recommendation": "Ask first" }]
        },
        "results": [
            {
                "id": "r1", "testCaseId": "case-pass", "status": "PASSED", "durationSeconds": 120.5,
                "recordingUrl": "https://media.example.invalid/r1.wav", "transcriptionDataUrl": null,
                "transcript": { "messages": [{ "role": "user", "content": "hi" }] },
                "assertions": { "overallScore": 100, "categories": [] },
                "assertionResults": [{ "assertionId": "a1", "assertionName": "Verifies identity", "status": "PASSED", "reason": "ok" }],
                "metrics": { "latencyP90": 1.2, "userInterruptionCount": 0 }
            },
            {
                "id": "r2", "testCaseId": "case-fail", "status": "FAILED", "durationSeconds": 98,
                "transcript": "an older, string transcript",
                "assertionResults": [{ "assertionId": "a1", "assertionName": "Verifies identity", "status": "FAILED", "reason": "never asked" }]
            }
        ]
    })
}

/// Any JSON value, nested a few levels, with hostile leaves (huge and odd numbers, long and
/// odd strings).
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        Just(json!(1e308)),
        Just(json!(-0.0)),
        ".{0,40}".prop_map(Value::String),
        Just(Value::String("x".repeat(100_000))),
        prop_oneof![
            Just("COMPLETED"),
            Just("RUNNING"),
            Just("FAILED"),
            Just("PASSED"),
            Just("ERROR"),
            Just("cancelled"),
            Just("")
        ]
        .prop_map(|s| Value::String(s.into())),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            proptest::collection::vec(
                (
                    prop_oneof![
                        Just("status".to_owned()),
                        Just("summary".to_owned()),
                        Just("results".to_owned()),
                        Just("stats".to_owned()),
                        Just("assertions".to_owned()),
                        Just("metrics".to_owned()),
                        Just("message".to_owned()),
                        Just("testRunId".to_owned()),
                        "[a-zA-Z]{1,10}",
                    ],
                    inner
                ),
                0..8
            )
            .prop_map(|entries| Value::Object(entries.into_iter().collect())),
        ]
    })
}

/// Replaces the node that a walk chosen by `path_seed` reaches in `value` with `new`.
fn mutate(value: &mut Value, path_seed: u64, new: Value) {
    let step = (path_seed % 7) as usize;
    let rest = path_seed / 7;
    if rest > 0 {
        let child = match value {
            Value::Object(map) if !map.is_empty() => {
                let index = step % map.len();
                map.values_mut().nth(index)
            }
            Value::Array(items) if !items.is_empty() => {
                let index = step % items.len();
                items.get_mut(index)
            }
            _ => None,
        };
        if let Some(child) = child {
            return mutate(child, rest, new);
        }
    }
    *value = new;
}

fn suite() -> ResolvedSuite {
    let text = "version: 1\nsuites:\n  s:\n    agent_id: agent-1\n    phone_numbers: [\"+14155550100\"]\n    tags: [smoke]\n    samples: 2\n    thresholds:\n      min_test_pass_rate: 0.5\n      min_assertion_score: 0.5\n      min_case_pass_rate: 0.5\n      categories: { Compliance: 0.5 }\n      must_pass_assertions: [Verifies identity]\n      metrics: { latencyP90: { max: 2.5 } }\n";
    let source = Source::from_bytes(Path::new("s.yaml"), text.as_bytes().to_vec()).unwrap();
    load_source(&source, &LoadOptions::default())
        .unwrap()
        .suites
        .remove(0)
}

/// Every consumer of a response body, end to end: nothing may panic, reports must render.
fn consume(value: &Value) {
    let text = value.to_string();
    let _ = serde_json::from_value::<StatusBody>(value.clone());
    let _ = serde_json::from_value::<CreatedTestRun>(value.clone());
    let _ = serde_json::from_value::<ErrorBody>(value.clone()).map(|e| e.text().map(str::len));
    let _ = serde_json::from_value::<TagsBody>(value.clone());
    let _ = serde_json::from_value::<TestCasesBody>(value.clone());
    let _ = serde_json::from_value::<AgentsBody>(value.clone());
    let _ = serde_json::from_value::<LegacyCallsBody>(value.clone());
    let _ = serde_json::from_str::<ResultsBody>(&text);
    if let Some(status) = value.get("status").and_then(Value::as_str) {
        let parsed = RunStatus::parse(status);
        let _ = (parsed.is_terminal(), parsed.as_str().len());
    }
    let results = parse_results(value);
    // Read from the text, as the client reads a body: the same results, or (for text no
    // JSON value can hold) an error, never a panic.
    let reparsed: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    assert_eq!(
        ResultsBody::read(&text).ok(),
        Some(parse_results(&reparsed)),
        "{text}"
    );
    let observation = RunObservation {
        suite: suite(),
        run_id: Some("cmc220l4i00zsgn0gvqkvpvxh".into()),
        results_url: None,
        last_status: Some(RunStatus::Completed),
        results: Some(results),
        end: RunEnd::Finished,
        started_at: SystemTime::UNIX_EPOCH,
        elapsed: Duration::from_secs(1),
        case_titles: Default::default(),
        follow_ups: Vec::new(),
    };
    let judged = gate::judge(observation);
    let outcome = Outcome::new(
        "s.yaml",
        SystemTime::UNIX_EPOCH,
        SystemTime::UNIX_EPOCH,
        vec![judged],
    );
    let mut sink = Vec::new();
    write_json(&outcome, &mut sink).unwrap();
    write_junit(&outcome, &mut sink).unwrap();
    write_terminal(&outcome, &mut sink).unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_json_never_panics(value in any_json()) {
        consume(&value);
    }

    #[test]
    fn mutated_real_bodies_never_panic(seed in any::<u64>(), new in any_json()) {
        let mut body = real_results();
        mutate(&mut body, seed, new);
        consume(&body);
    }

    #[test]
    fn random_and_cut_text_never_panics(
        bytes in proptest::collection::vec(any::<u8>(), 0..300),
        cut in 0usize..2000,
        at in 0usize..2000,
        byte in any::<u8>(),
    ) {
        let _ = serde_json::from_slice::<ResultsBody>(&bytes);
        let _ = serde_json::from_slice::<ErrorBody>(&bytes);
        let _ = serde_json::from_slice::<StatusBody>(&bytes);
        let mut text = real_results().to_string().into_bytes();
        let mut cut_text = text.clone();
        cut_text.truncate(cut % (text.len() + 1));
        let _ = serde_json::from_slice::<ResultsBody>(&cut_text);
        if let Ok(cut_text) = std::str::from_utf8(&cut_text) {
            // Either reading of a cut body: both fail, or both read the same results.
            let as_value = serde_json::from_str::<Value>(cut_text).ok();
            prop_assert_eq!(
                ResultsBody::read(cut_text).ok(),
                as_value.as_ref().map(parse_results)
            );
        }
        let index = at % text.len();
        text[index] = byte;
        if let Ok(value) = serde_json::from_slice::<Value>(&text) {
            consume(&value);
        }
    }

    #[test]
    fn any_status_text_parses(text in ".{0,30}") {
        let status = RunStatus::parse(&text);
        // Only the five known words (in any case, with CANCELLED too) are terminal.
        let upper = text.trim().to_ascii_uppercase();
        let known = ["COMPLETED", "FAILED", "CANCELED", "CANCELLED"].contains(&upper.as_str());
        prop_assert_eq!(status.is_terminal(), known);
    }
}

#[test]
fn the_real_body_judges_as_expected() {
    // The baseline the mutations start from is read in full, so mutations exercise real paths.
    let results = parse_results(&real_results());
    assert_eq!(results.results.len(), 2);
    consume(&real_results());
}

#[test]
fn a_deeply_nested_body_is_an_error_not_a_stack_overflow() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(serde_json::from_str::<ResultsBody>(&deep).is_err());
    let deep_object = format!(
        "{{\"results\":{}{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    assert!(serde_json::from_str::<Value>(&deep_object).is_err());
}
