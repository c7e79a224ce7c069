//! The wire format against documented bodies, in old and new shapes.

use super::*;

#[test]
fn create_body_uses_the_confirmed_wire_names() {
    let body = CreateTestRun {
        agent_id: "agent".into(),
        phone_numbers: vec!["+14155550100".into()],
        test_configurations: vec![
            TestConfiguration::for_tag("tag1"),
            TestConfiguration::for_case(
                "case1",
                Some(IndexMap::from([(
                    "plan".to_owned(),
                    Value::from("premium"),
                )])),
                Some(PersonaOverride {
                    name: Some("Caller".into()),
                    voice: None,
                    prompt: None,
                }),
            ),
        ],
        sampling_count: Some(3),
        max_concurrent_calls: None,
    };
    assert_eq!(
        serde_json::to_value(&body).unwrap_or_default(),
        serde_json::json!({
            "agentId": "agent",
            "phoneNumbers": ["+14155550100"],
            "testConfigurations": [
                { "tagId": "tag1" },
                { "testCaseId": "case1",
                  "overrides": { "scenarioFacts": { "plan": "premium" },
                                 "persona": { "name": "Caller" } } }
            ],
            "samplingCount": 3
        })
    );
}

#[test]
fn results_parse_leniently() {
    let body: ResultsBody = serde_json::from_value(serde_json::json!({
        "summary": {
            "status": "RUNNING",
            "stats": { "total": "4", "completed": 2, "pending": null, "weird": true },
            "assertions": { "overallScore": 87.5, "categories": [ { "name": "Compliance", "score": 90 }, 7 ] },
            "metrics": { "latencyP90": { "value": 1.2, "unit": "s" }, "odd": 3, "bad": [] },
            "newField": { "x": 1 }
        },
        "results": [
            { "id": "r1", "testCaseId": "c1", "status": "PASSED", "durationSeconds": "12.5",
              "metrics": { "latencyP50": 0.8, "nested": { "value": 2 }, "text": "n/a" },
              "transcript": "hello" },
            "not an object",
            { "status": "PENDING", "assertionResults": null }
        ]
    }))
    .unwrap_or_default();
    let summary = body.summary.unwrap_or_default();
    let stats = summary.stats.unwrap_or_default();
    assert_eq!(stats.total, Some(4));
    assert_eq!(stats.pending, None);
    let assertions = summary.assertions.unwrap_or_default();
    assert_eq!(assertions.overall_score, Some(87.5));
    assert_eq!(assertions.categories.len(), 1);
    assert_eq!(summary.metrics.len(), 2);
    assert_eq!(body.results.len(), 2);
    assert_eq!(body.results[0].duration_seconds, Some(12.5));
    assert_eq!(body.results[0].metrics.len(), 2);
    assert_eq!(
        CallStatus::parse(body.results[1].status.as_deref()),
        CallStatus::Pending
    );
}

#[test]
fn statuses_parse_with_both_cancel_spellings() {
    assert_eq!(RunStatus::parse("CANCELLED"), RunStatus::Canceled);
    assert_eq!(RunStatus::parse("canceled"), RunStatus::Canceled);
    assert!(!RunStatus::parse("ARCHIVING").is_terminal());
    assert!(RunStatus::parse("FAILED").is_terminal());
}

#[test]
fn ids_cannot_escape_their_path_segment() {
    assert_eq!(path::status("../x?y"), "/test-runs/..%2Fx%3Fy/status");
}

/// A results body in the shape of Hamming's current client model: per-call categories as
/// names, whole-second durations, plain-number metrics with `interruptionCount`, a summary
/// whose metrics mix a bare `overallScore` with `{ value, unit, status }` objects.
#[test]
fn results_in_the_current_client_shape_parse() {
    let body: ResultsBody = serde_json::from_value(serde_json::json!({
        "summary": {
            "id": "cmrun0000000000000000001", "status": "COMPLETED",
            "stats": { "total": 2, "completed": 2, "failed": 1, "pending": 0, "inProgress": 0 },
            "metrics": {
                "overallScore": 75,
                "latencyP90": { "value": 1.7, "unit": "s", "status": "pass" },
                "userTalkRatio": { "value": 0.42, "unit": "ratio", "status": "warn" }
            },
            "assertions": { "overallScore": 75.0, "categories": [
                { "name": "Compliance", "score": 50, "status": "failed",
                  "stats": { "passed": 1, "failed": 1, "skipped": 0, "pending": 0 },
                  "assertionIds": ["a1"] } ] },
            "topIssues": [ { "title": "Verifies identity failed", "severity": "HIGH",
                             "affectedCallCount": 1, "recommendation": "Ask first." } ]
        },
        "results": [
            { "id": "r1", "testCaseId": "c1", "status": "PASSED", "phoneNumber": "+14155550100",
              "durationSeconds": 150, "recordingUrl": "https://media.example/r1.wav",
              "transcriptionDataUrl": null, "transcript": { "messages": [] },
              "assertions": { "overallScore": 100, "categories": ["Compliance", "Booking"] },
              "assertionResults": [ { "assertionId": "a1", "assertionName": "Verifies identity",
                                      "status": "PASSED", "details": { "turn": 2 } } ],
              "metrics": { "latencyP50": 0.9, "latencyP90": 1.6, "interruptionCount": 2,
                           "interactivityScore": 0.86 } },
            { "id": "r2", "testCaseId": "c2", "status": "FAILED", "durationSeconds": 90,
              "recordingUrl": "",
              "assertions": { "overallScore": 50, "categories": ["Compliance"] },
              "metrics": { "interruptionCount": 0 } }
        ]
    }))
    .unwrap_or_default();
    let summary = body.summary.unwrap_or_default();
    assert_eq!(summary.metrics["overallScore"].value, Some(75.0));
    assert_eq!(summary.metrics["latencyP90"].value, Some(1.7));
    assert_eq!(
        summary.metrics["latencyP90"].status.as_deref(),
        Some("pass")
    );
    let summary_categories = summary.assertions.unwrap_or_default().categories;
    assert_eq!(summary_categories[0].score, Some(50.0));
    assert_eq!(summary_categories[0].assertion_ids, ["a1"]);
    let first = &body.results[0];
    assert_eq!(first.number(), Some("+14155550100"));
    assert_eq!(first.duration_seconds, Some(150.0));
    assert_eq!(first.recording(), Some("https://media.example/r1.wav"));
    let names: Vec<Option<&str>> = first
        .assertions
        .as_ref()
        .map(|a| a.categories.iter().map(|c| c.name.as_deref()).collect())
        .unwrap_or_default();
    assert_eq!(names, [Some("Compliance"), Some("Booking")]);
    assert_eq!(first.metrics["interruptionCount"], 2.0);
    assert_eq!(first.metrics.len(), 4);
    assert_eq!(
        first.assertion_results[0].details,
        Some(serde_json::json!({ "turn": 2 }))
    );
    // No number, an empty recording link: neither is guessed.
    assert_eq!(body.results[1].number(), None);
    assert_eq!(body.results[1].recording(), None);
}

/// The older shape: category objects on a call, a fractional duration (as text), metric
/// objects and the earlier metric names, `toNumber` instead of `phoneNumber`, a transcript
/// as a string.
#[test]
fn results_in_the_older_shape_parse() {
    let body: ResultsBody = serde_json::from_value(serde_json::json!({
        "summary": { "id": "run", "status": "COMPLETED",
                     "metrics": { "latencyP95": { "value": "2.0", "unit": "s" } } },
        "results": [
            { "id": "r1", "testCaseId": "c1", "status": "PASSED", "toNumber": "+442071838750",
              "durationSeconds": "12.5", "transcript": "agent: hello",
              "assertions": { "overallScore": 100,
                              "categories": [ { "name": "Compliance", "score": 100 }, 7, null ] },
              "metrics": { "latencyP95": { "value": 2.0 }, "userInterruptionCount": 1,
                           "assistantInterruptionCount": { "value": "0" }, "callDuration": 12.5 } }
        ]
    }))
    .unwrap_or_default();
    let call = &body.results[0];
    assert_eq!(call.number(), Some("+442071838750"));
    assert_eq!(call.duration_seconds, Some(12.5));
    assert_eq!(
        call.transcript_messages().collect::<Vec<_>>(),
        [(None, "agent: hello".to_owned())]
    );
    let categories = &call
        .assertions
        .as_ref()
        .map(|a| a.categories.clone())
        .unwrap_or_default();
    assert_eq!(categories.len(), 1);
    assert_eq!(categories[0].score, Some(100.0));
    assert_eq!(call.metrics["latencyP95"], 2.0);
    assert_eq!(call.metrics["assistantInterruptionCount"], 0.0);
    assert_eq!(call.metrics.len(), 4);
    let summary = body.summary.unwrap_or_default();
    assert_eq!(summary.metrics["latencyP95"].value, Some(2.0));
}

#[test]
fn a_call_is_tied_to_a_number_only_when_the_results_name_one() {
    let call = |v: serde_json::Value| serde_json::from_value::<CallResult>(v).unwrap_or_default();
    let both =
        call(serde_json::json!({ "phoneNumber": "+14155550100", "toNumber": "+14155550199" }));
    assert_eq!(both.number(), Some("+14155550100"));
    let blank = call(serde_json::json!({ "phoneNumber": " ", "toNumber": "+14155550199" }));
    assert_eq!(blank.number(), Some("+14155550199"));
    assert_eq!(
        call(serde_json::json!({ "phoneNumber": null })).number(),
        None
    );
    assert_eq!(call(serde_json::json!({})).number(), None);
}

#[test]
fn details_give_a_recording_only_when_it_is_there() {
    let details =
        |v: serde_json::Value| serde_json::from_value::<CallDetails>(v).unwrap_or_default();
    let ready = details(serde_json::json!({ "id": "r1", "recordingUrl": " https://m/r1.wav " }));
    assert_eq!(ready.recording(), Some("https://m/r1.wav"));
    assert_eq!(
        details(serde_json::json!({ "recordingUrl": "" })).recording(),
        None
    );
    assert_eq!(
        details(serde_json::json!({ "recordingUrl": null })).recording(),
        None
    );
    assert_eq!(details(serde_json::json!({})).recording(), None);
    assert_eq!(path::call_details("a/b"), "/test-case-runs/a%2Fb/details");
}

#[test]
fn only_an_object_with_an_id_like_run_id_is_a_created_run() {
    let created = read_create_answer(
        r#"{"testRunId":"cmc220l4i00zsgn0gvqkvpvxh","resultsUrl":"https://x","testCaseRuns":[{}]}"#,
        false,
    )
    .unwrap();
    assert_eq!(
        created.test_run_id.as_deref(),
        Some("cmc220l4i00zsgn0gvqkvpvxh")
    );
    let problem = |text: &str| read_create_answer(text, false).unwrap_err();
    assert_eq!(problem(""), CreateAnswerProblem::Empty);
    assert_eq!(problem("  \n"), CreateAnswerProblem::Empty);
    assert_eq!(problem("null"), CreateAnswerProblem::NotAnObject("null"));
    assert_eq!(
        problem(r#"["1","2"]"#),
        CreateAnswerProblem::NotAnObject("an array")
    );
    assert_eq!(problem("<html>oops</html>"), CreateAnswerProblem::NotJson);
    assert_eq!(
        read_create_answer("<html>oops</html>", true).unwrap_err(),
        CreateAnswerProblem::Html
    );
    assert_eq!(problem("{}"), CreateAnswerProblem::MissingId("testRunId"));
    assert_eq!(
        problem(r#"{"testRunId":"  "}"#),
        CreateAnswerProblem::BlankId("testRunId")
    );
    assert_eq!(
        problem(r#"{"testRunId":1}"#),
        CreateAnswerProblem::IdNotAString {
            field: "testRunId",
            kind: "a number"
        }
    );
    let hostile = problem(r#"{"testRunId":"c1\n::error::pwned"}"#);
    assert!(
        matches!(&hostile, CreateAnswerProblem::NotAnId { shown, .. } if !shown.contains('\n'))
    );
    assert!(read_legacy_answer(r#"{"voice_experiment_id":"exp-1"}"#, false).is_ok());
}

#[test]
fn run_ids_are_single_words() {
    assert!(looks_like_run_id("cmc220l4i00zsgn0gvqkvpvxh"));
    assert!(looks_like_run_id("exp_1-A"));
    for bad in [
        "",
        " c1",
        "c1 ",
        "a/b",
        "a.b",
        "c1\n",
        "c\u{202e}1",
        &"x".repeat(129),
    ] {
        assert!(!looks_like_run_id(bad), "{bad:?}");
    }
}

#[test]
fn impossible_values_read_as_absent_and_ids_are_trimmed() {
    let body: ResultsBody = serde_json::from_value(serde_json::json!({
        "summary": { "id": " r1 ", "assertions": { "overallScore": 150,
            "categories": [ { "name": "A", "score": -3 }, { "name": "B", "score": 80 } ] } },
        "results": [ { "id": "x", "testCaseId": "case-1 ", "durationSeconds": -5,
                       "assertions": { "overallScore": 100.5 } },
                     { "testCaseId": "case-1", "durationSeconds": 12 } ]
    }))
    .unwrap_or_default();
    let body = body.without_impossible_values();
    let summary = body.summary.unwrap_or_default();
    assert_eq!(summary.id.as_deref(), Some("r1"));
    let assertions = summary.assertions.unwrap_or_default();
    assert_eq!(assertions.overall_score, None);
    assert_eq!(assertions.rejected_score, Some(150.0));
    // Set aside, not read as "no assertions configured".
    assert!(!assertions.none_configured());
    assert_eq!(assertions.categories[0].score, None);
    assert_eq!(assertions.categories[1].score, Some(80.0));
    assert_eq!(body.results[0].test_case_id.as_deref(), Some("case-1"));
    assert_eq!(body.results[0].duration_seconds, None);
    assert_eq!(
        body.results[0]
            .assertions
            .as_ref()
            .and_then(|a| a.overall_score),
        None
    );
    assert_eq!(body.results[1].duration_seconds, Some(12.0));
}

#[test]
fn a_results_body_is_read_from_its_text_as_from_a_value() {
    let text = r#"{
        "extra": { "deep": [1, 2, { "x": null }] },
        "summary": { "id": " r1 ", "status": "COMPLETED", "stats": { "total": "2" },
                     "assertions": { "overallScore": 150 } },
        "results": [
            { "id": "c1", "testCaseId": "case-1 ", "status": "PASSED", "durationSeconds": -4,
              "transcript": { "messages": [ { "role": "user", "content": "hi" } ] },
              "unknown": [ { "a": 1 } ] },
            7, "text", null, true,
            { "id": "c2", "status": "FAILED", "metrics": { "latencyP90": "2.5" } }
        ]
    }"#;
    let read = ResultsBody::read(text).unwrap_or_default();
    let value: Value = serde_json::from_str(text).unwrap_or_default();
    assert_eq!(read, ResultsBody::read_value(&value));
    assert_eq!(read.results.len(), 2);
    assert_eq!(read.results[0].test_case_id.as_deref(), Some("case-1"));
    assert_eq!(read.results[0].duration_seconds, None);
    assert_eq!(read.results[1].metrics.get("latencyP90"), Some(&2.5));
    let summary = read.summary.unwrap_or_default();
    assert_eq!(summary.id.as_deref(), Some("r1"));
    assert_eq!(summary.stats.unwrap_or_default().total, Some(2));
    let assertions = summary.assertions.unwrap_or_default();
    assert_eq!(assertions.rejected_score, Some(150.0));
}

#[test]
fn a_key_sent_twice_counts_once_with_its_last_value() {
    let text = r#"{ "results": [ { "id": "old" } ], "summary": 3,
                    "results": [ { "id": "a" }, { "id": "b" } ], "summary": { "id": "s" } }"#;
    let read = ResultsBody::read(text).unwrap_or_default();
    assert_eq!(read.results.len(), 2);
    assert_eq!(read.results[0].id.as_deref(), Some("a"));
    assert_eq!(read.summary.and_then(|s| s.id).as_deref(), Some("s"));
    // A call's own fields too (a call is read whole, as a value, before it is typed).
    let read = ResultsBody::read(r#"{ "results": [ { "id": "a", "id": "b" } ] }"#);
    assert_eq!(read.unwrap_or_default().results[0].id.as_deref(), Some("b"));
}

#[test]
fn a_body_that_is_not_an_object_is_no_results_and_only_bad_json_is_an_error() {
    for text in [
        "null",
        "[]",
        "[{\"id\":\"a\"}]",
        "\"results\"",
        "12",
        "true",
        "{}",
    ] {
        assert_eq!(
            ResultsBody::read(text).ok(),
            Some(ResultsBody::default()),
            "{text}"
        );
    }
    for text in [
        "",
        "{",
        "{\"results\": [1, 2}",
        "{\"results\": []} trailing",
        "<html></html>",
    ] {
        assert!(ResultsBody::read(text).is_err(), "{text}");
    }
    // Nested deeper than a JSON value may be, anywhere (an unknown field too): the same
    // error as reading the body as a value, never a stack overflow.
    let deep = "[".repeat(5000) + &"]".repeat(5000);
    for text in [
        format!("{{\"results\": {deep}}}"),
        format!("{{\"unknown\": {deep}, \"results\": []}}"),
        format!("{{\"summary\": {{\"x\": {deep}}}}}"),
        deep.clone(),
    ] {
        assert!(ResultsBody::read(&text).is_err());
        assert!(serde_json::from_str::<Value>(&text).is_err());
    }
}
