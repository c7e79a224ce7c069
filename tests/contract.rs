//! The contract: every body the simulator serves (create, status, results, a call's
//! details), in every call and run outcome, at every stage of a run, plain and through each
//! fault rewrite that claims to be well-formed (`sparse-json`, `extra-fields`), holds
//! against strict models of the Hamming bodies written from the public evidence
//! (`hamming_models`). The second half shows that the models reject each kind of drift, so
//! this test cannot pass by accident.

mod common;
mod hamming_models;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use common::*;
use hamming_models::{Created, Details, Results, Status, check};
use serde_json::{Value, json};

/// The rewrites that claim to keep a body well-formed; `None` is the plain body.
const REWRITES: [Option<&str>; 3] = [None, Some("sparse-json"), Some("extra-fields")];

/// Names the `extra-fields` rewrite adds, and the keyed maps it must not add them to.
const EXTRA: [&str; 2] = ["unexpectedField", "anotherNewThing"];
const KEYED_MAPS: [&str; 4] = ["metrics", "stats", "scores", "scenarioFacts"];

/// Cases of every call outcome, agents of every run outcome, a case without assertions.
const WORKSPACE: &str = r#"
seed: 11
speed: 2000
queue_delay_seconds: 200
agents:
  - id: agent-ok
  - id: agent-failed
    run_outcome: failed
    run_ends_after_seconds: 300
  - id: agent-canceled
    run_outcome: canceled
    run_ends_after_seconds: 300
  - id: agent-stuck
    run_outcome: never_finishes
  - id: agent-scoring
    run_outcome: scoring_failed
tags:
  - name: all
test_cases:
  - id: case-pass
    title: Passes
    tags: [all]
    agent_ids: [agent-ok, agent-failed, agent-canceled, agent-stuck, agent-scoring]
    duration_seconds: 150
    assertions:
      - { name: Verifies identity, category: Compliance }
      - { name: Confirms the slot, category: Booking }
    metrics: { userInterruptionCount: 2, latencyP90: 3.1 }
  - id: case-fail
    title: Fails
    tags: [all]
    agent_ids: [agent-ok, agent-failed, agent-canceled, agent-stuck, agent-scoring]
    outcome: fail
    duration_seconds: 121.4
    assertions:
      - { name: Verifies identity, category: Compliance, failure_reason: Never asked. }
      - { name: Polite, category: Tone, fails_on_failure: false }
  - id: case-error
    title: Errors
    tags: [all]
    agent_ids: [agent-ok, agent-failed, agent-canceled, agent-stuck, agent-scoring]
    outcome: error
    duration_seconds: 90
    assertions: [{ name: Verifies identity, category: Compliance }]
  - id: case-flaky
    title: Flaky
    tags: [all]
    agent_ids: [agent-ok, agent-failed, agent-canceled, agent-stuck, agent-scoring]
    outcome: flaky
    duration_seconds: 100
  - id: case-bare
    title: No assertions
    agent_ids: [agent-ok]
    duration_seconds: 100
  - id: case-hang
    title: Hangs
    agent_ids: [agent-ok]
    outcome: hang
"#;

/// What the harness saw, so that it can insist every stage was actually checked.
#[derive(Default)]
struct Seen {
    run_statuses: BTreeSet<String>,
    call_statuses: BTreeSet<String>,
    bodies: usize,
    partial: bool,
    late_recording: bool,
    without_number: bool,
}

/// Removes what `extra-fields` added to records, never entries of a keyed map (which must
/// then be of the map's type to pass).
fn strip_extra(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                match (KEYED_MAPS.contains(&key.as_str()), child) {
                    (true, Value::Object(entries)) => entries.values_mut().for_each(strip_extra),
                    (_, child) => strip_extra(child),
                }
            }
            for name in EXTRA {
                map.remove(name);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(strip_extra),
        _ => {}
    }
}

/// Checks one body, as served under one rewrite, against its model.
fn hold<T: serde::de::DeserializeOwned + hamming_models::Rules>(
    what: &str,
    rewrite: Option<&str>,
    mut body: Value,
) -> Value {
    if rewrite == Some("extra-fields") {
        assert!(
            body.get(EXTRA[0]).is_some(),
            "{what}: extra-fields added nothing: {body}"
        );
        strip_extra(&mut body);
    }
    if let Err(e) = check::<T>(&body) {
        panic!(
            "{what} under {}: {e}\n{body:#}",
            rewrite.unwrap_or("no fault")
        );
    }
    body
}

async fn get(api: &Api, path: &str, rewrite: Option<&str>) -> Value {
    let mut request = api.client.get(api.url(path)).bearer_auth(KEY);
    if let Some(fault) = rewrite {
        request = request.header("X-Hamming-Sim-Fault", fault);
    }
    let reply = api.send(request).await;
    assert_eq!(reply.status, 200, "{path}: {}", reply.text);
    reply.json()
}

/// Creates a run under every rewrite (the plain one is followed) and checks each answer.
async fn create(api: &Api, body: &Value, seen: &mut Seen) -> String {
    let mut id = String::new();
    for rewrite in REWRITES {
        let mut request = api
            .client
            .post(api.url("/test-runs/test-inbound-agent"))
            .bearer_auth(KEY)
            .json(body);
        if let Some(fault) = rewrite {
            request = request.header("X-Hamming-Sim-Fault", fault);
        }
        let reply = api.send(request).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        let created = hold::<Created>("create", rewrite, reply.json());
        seen.bodies += 1;
        if rewrite.is_none() {
            id = created["testRunId"].as_str().unwrap_or_default().to_owned();
        }
    }
    id
}

/// Follows a run, checking its status, results and every call's details under every rewrite
/// at every poll, until it ends or `limit` passes.
async fn follow(api: &Api, id: &str, limit: Duration, seen: &mut Seen) {
    let deadline = Instant::now() + limit;
    loop {
        let mut status = String::new();
        for rewrite in REWRITES {
            let body = hold::<Status>(
                "status",
                rewrite,
                get(api, &format!("/test-runs/{id}/status"), rewrite).await,
            );
            status = body["status"].as_str().unwrap_or_default().to_owned();
            let results = hold::<Results>(
                "results",
                rewrite,
                get(api, &format!("/test-runs/{id}/results"), rewrite).await,
            );
            seen.bodies += 2;
            let calls = results["results"].as_array().cloned().unwrap_or_default();
            for call in &calls {
                let call_id = call["id"].as_str().unwrap_or_default();
                let path = format!("/test-case-runs/{call_id}/details");
                hold::<Details>("details", rewrite, get(api, &path, rewrite).await);
                seen.bodies += 1;
                if rewrite.is_none() {
                    let call_status = call["status"].as_str().unwrap_or_default();
                    seen.call_statuses.insert(call_status.to_owned());
                    seen.late_recording |=
                        call_status == "PASSED" && call["recordingUrl"].is_null();
                    seen.without_number |= call.get("phoneNumber").is_none();
                }
            }
            if rewrite.is_none() {
                let finished = calls.iter().filter(|c| c["status"] != "PENDING").count();
                seen.partial |= status == "RUNNING" && finished > 0 && finished < calls.len();
            }
        }
        seen.run_statuses.insert(status.clone());
        if !matches!(status.as_str(), "QUEUED" | "RUNNING") || Instant::now() > deadline {
            return;
        }
        tokio::time::sleep(Duration::from_millis(15)).await;
    }
}

fn run_body(agent: &str, configurations: Value) -> Value {
    json!({
        "agentId": agent,
        "phoneNumbers": ["+14155550100", "+442071838750"],
        "testConfigurations": configurations,
        "samplingCount": 2,
        "maxConcurrentCalls": 2,
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn every_body_in_every_outcome_holds_against_the_strict_models() {
    let mut seen = Seen::default();
    let mut ws = workspace(WORKSPACE);
    ws.recording_delay_seconds = Some(400.0);
    let api = start(ws).await;
    let all = tag_id(&api, "all").await;
    let everything = json!([{ "tagId": all }, { "testCaseId": "case-bare",
        "overrides": { "scenarioFacts": { "plan": "premium" }, "persona": { "name": "Caller" } } }]);
    // Every call outcome in a completed run, then every run outcome.
    let id = create(&api, &run_body("agent-ok", everything), &mut seen).await;
    follow(&api, &id, Duration::from_secs(20), &mut seen).await;
    for agent in ["agent-failed", "agent-canceled", "agent-scoring"] {
        let id = create(&api, &run_body(agent, json!([{ "tagId": all }])), &mut seen).await;
        follow(&api, &id, Duration::from_secs(20), &mut seen).await;
    }
    // Runs that never end: a hanging call, and an agent whose runs stay RUNNING.
    let hang = run_body(
        "agent-ok",
        json!([{ "testCaseId": "case-hang" }, { "testCaseId": "case-pass" }]),
    );
    let id = create(&api, &hang, &mut seen).await;
    follow(&api, &id, Duration::from_millis(600), &mut seen).await;
    let id = create(
        &api,
        &run_body("agent-stuck", json!([{ "testCaseId": "case-pass" }])),
        &mut seen,
    )
    .await;
    follow(&api, &id, Duration::from_millis(600), &mut seen).await;

    // Results without phone numbers, and an older server's run of no calls.
    let mut ws = workspace(WORKSPACE);
    ws.omit_phone_number = true;
    ws.empty_selection = Some(hamming_runner::sim::EmptySelection::Accept);
    ws.tags
        .push(serde_json::from_value(json!({ "name": "empty" })).unwrap());
    let terse = start(ws).await;
    let id = create(
        &terse,
        &run_body("agent-ok", json!([{ "testCaseId": "case-fail" }])),
        &mut seen,
    )
    .await;
    follow(&terse, &id, Duration::from_secs(20), &mut seen).await;
    let empty = run_body(
        "agent-ok",
        json!([{ "tagId": tag_id(&terse, "empty").await }]),
    );
    let id = create(&terse, &empty, &mut seen).await;
    follow(&terse, &id, Duration::from_secs(20), &mut seen).await;

    let want = |set: &BTreeSet<String>, items: &[&str]| items.iter().all(|i| set.contains(*i));
    assert!(
        want(
            &seen.run_statuses,
            &["QUEUED", "RUNNING", "COMPLETED", "FAILED", "CANCELED"]
        ),
        "run statuses seen: {:?}",
        seen.run_statuses
    );
    assert!(
        want(
            &seen.call_statuses,
            &["PENDING", "PASSED", "FAILED", "ERROR"]
        ),
        "call statuses seen: {:?}",
        seen.call_statuses
    );
    assert!(seen.partial, "no partial results were checked");
    assert!(
        seen.late_recording,
        "no call waiting for its recording was checked"
    );
    assert!(
        seen.without_number,
        "no result without a phone number was checked"
    );
    assert!(seen.bodies > 300, "only {} bodies checked", seen.bodies);
}

/// A tag's id, through the catalog.
async fn tag_id(api: &Api, name: &str) -> String {
    let tags = get(api, &format!("/test-tags?search={name}"), None).await;
    tags["tags"][0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

// ---------------------------------------------------------------------------------------------
// The models reject drift: each mutation of a well-formed body is refused.

fn good_results() -> Value {
    json!({
        "summary": {
            "id": "cmrun00000000000000000001", "status": "COMPLETED",
            "stats": { "total": 1, "completed": 1, "failed": 0, "pending": 0, "inProgress": 0, "passed": 1, "errored": 0 },
            "metrics": { "overallScore": 100, "latencyP90": { "value": 1.7, "unit": "s", "status": "pass" } },
            "assertions": { "overallScore": 100, "categories": [
                { "name": "Compliance", "score": 100, "status": "passed",
                  "stats": { "passed": 1, "failed": 0, "skipped": 0, "pending": 0 }, "assertionIds": ["a1"] } ] },
            "topIssues": []
        },
        "results": [ {
            "id": "r1", "testCaseId": "c1", "status": "PASSED", "phoneNumber": "+14155550100",
            "durationSeconds": 150, "recordingUrl": null, "transcriptionDataUrl": null,
            "transcript": { "messages": [] },
            "assertions": { "overallScore": 100, "categories": ["Compliance"] },
            "assertionResults": [ { "assertionId": "a1", "assertionName": "Verifies identity", "status": "PASSED", "reason": "ok" } ],
            "metrics": { "latencyP50": 1.1, "interruptionCount": 0 }
        } ]
    })
}

#[test]
fn the_models_accept_the_documented_shape() {
    assert_eq!(check::<Results>(&good_results()), Ok(()));
    let created = json!({ "testRunId": "cmrun00000000000000000001", "resultsUrl": "https://app.hamming.ai/test-runs/x",
                          "testCaseRuns": [ { "testCase": { "id": "c1", "title": "T" } } ] });
    assert_eq!(check::<Created>(&created), Ok(()));
    assert_eq!(check::<Status>(&json!({ "status": "CANCELED" })), Ok(()));
    assert_eq!(check::<Details>(&json!({ "recordingUrl": "" })), Ok(()));
}

#[test]
fn the_models_reject_every_kind_of_drift() {
    type Mutation = (&'static str, fn(&mut Value));
    let drifts: &[Mutation] = &[
        ("a call's category as an object", |b| {
            b["results"][0]["assertions"]["categories"][0] = json!({ "name": "Compliance" })
        }),
        ("a fractional duration", |b| {
            b["results"][0]["durationSeconds"] = json!(150.5)
        }),
        ("a duration as a float", |b| {
            b["results"][0]["durationSeconds"] = json!(150.0)
        }),
        ("a call metric as an object", |b| {
            b["results"][0]["metrics"]["latencyP50"] = json!({ "value": 1.1 })
        }),
        ("a fractional interruption count", |b| {
            b["results"][0]["metrics"]["interruptionCount"] = json!(0.5)
        }),
        ("a missing call id", |b| {
            b["results"][0].as_object_mut().map(|o| o.remove("id"));
        }),
        ("a missing test case id", |b| {
            b["results"][0]
                .as_object_mut()
                .map(|o| o.remove("testCaseId"));
        }),
        ("a missing summary id", |b| {
            b["summary"].as_object_mut().map(|o| o.remove("id"));
        }),
        ("a category without a name", |b| {
            b["summary"]["assertions"]["categories"][0]
                .as_object_mut()
                .map(|o| o.remove("name"));
        }),
        ("an unknown call status", |b| {
            b["results"][0]["status"] = json!("DONE")
        }),
        ("an unknown run status", |b| {
            b["summary"]["status"] = json!("FINISHED")
        }),
        ("a renamed field", |b| {
            let o = b["results"][0].as_object_mut();
            o.map(|o| o.insert("duration".into(), json!(1)));
        }),
        ("a summary metric status in other words", |b| {
            b["summary"]["metrics"]["latencyP90"]["status"] = json!("passed")
        }),
        ("a summary metric unit nobody reads", |b| {
            b["summary"]["metrics"]["latencyP90"]["unit"] = json!("ms")
        }),
        ("a category stats key not observed", |b| {
            b["summary"]["assertions"]["categories"][0]["stats"]["total"] = json!(1)
        }),
        ("a score on another scale", |b| {
            b["summary"]["assertions"]["overallScore"] = json!(1000)
        }),
        ("a phone number without +", |b| {
            b["results"][0]["phoneNumber"] = json!("14155550100")
        }),
        ("stats that do not add up", |b| {
            b["summary"]["stats"]["pending"] = json!(3)
        }),
        ("an assertion result without a name", |b| {
            b["results"][0]["assertionResults"][0]
                .as_object_mut()
                .map(|o| o.remove("assertionName"));
        }),
        ("details of an assertion as text", |b| {
            b["results"][0]["assertionResults"][0]["details"] = json!("x")
        }),
    ];
    for (what, mutate) in drifts {
        let mut body = good_results();
        mutate(&mut body);
        assert!(
            check::<Results>(&body).is_err(),
            "the models accepted {what}"
        );
    }
    let created = json!({ "testRunId": "cmrun00000000000000000001", "testCaseRuns": [] });
    assert!(
        check::<Created>(&created).is_err(),
        "a create without resultsUrl"
    );
    assert!(check::<Status>(&json!({ "status": "CANCELLED" })).is_err());
    assert!(check::<Details>(&json!({ "recordingUrl": 1 })).is_err());
    // An extra field a rewrite put into a keyed map stays there and is refused.
    let mut body = good_results();
    body["results"][0]["metrics"]["unexpectedField"] = json!({ "nested": [] });
    body["unexpectedField"] = json!(1);
    strip_extra(&mut body);
    assert!(check::<Results>(&body).is_err());
}
