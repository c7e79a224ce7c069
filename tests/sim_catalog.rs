//! The simulator's catalog endpoints and the legacy voice-experiment flow over real HTTP.

mod common;

use std::time::{Duration, Instant};

use common::*;
use serde_json::{Value, json};

#[tokio::test]
async fn agents_are_listed() {
    let api = start(workspace(MIXED)).await;
    let body = api.get("/agents").await.json();
    assert_eq!(
        body,
        json!({ "agents": [{ "id": "agent-1", "name": "Front desk" }, { "id": "agent-2", "name": "agent-2" }] })
    );
}

#[tokio::test]
async fn tags_filter_by_search_and_agent_and_count_cases() {
    let api = start(workspace(MIXED)).await;
    let all = api.get("/test-tags").await.json();
    assert_eq!(all["tags"].as_array().unwrap().len(), 2);
    assert!(all["tags"][0].get("testCaseCount").is_none());

    let counted = api.get("/test-tags?includeTestCaseCount=true").await.json();
    assert_eq!(
        counted["tags"][0],
        json!({ "id": "tag-smoke", "name": "smoke", "description": "Quick checks", "testCaseCount": 3 })
    );

    // Search matches the description too, case-insensitively.
    let found = api.get("/test-tags?search=QUICK").await.json();
    assert_eq!(found["tags"].as_array().unwrap().len(), 1);
    assert_eq!(found["tags"][0]["id"], "tag-smoke");

    let for_agent = api
        .get("/test-tags?agentId=agent-2&includeTestCaseCount=true")
        .await
        .json();
    assert_eq!(
        for_agent["tags"],
        json!([{ "id": "tag-other", "name": "other-agent-only", "testCaseCount": 1 }])
    );

    let nested = api.get("/agents/agent-1/test-tags").await.json();
    assert_eq!(nested["tags"].as_array().unwrap().len(), 1);
    assert_eq!(nested["tags"][0]["testCaseCount"], 3);

    assert_eq!(api.get("/agents/nobody/test-tags").await.status, 404);
    assert_eq!(api.get("/test-tags?agentId=nobody").await.status, 404);
}

#[tokio::test]
async fn test_cases_page_and_filter() {
    let api = start(workspace(MIXED)).await;
    let all = api.get("/test-cases").await.json();
    assert_eq!(all["total"], 5);
    let first = &all["testCases"][0];
    assert_eq!(
        *first,
        json!({ "id": "case-pass", "title": "Books an appointment", "tags": [{ "id": "tag-smoke", "name": "smoke" }], "agentIds": ["agent-1"] })
    );
    let page = api.get("/test-cases?limit=2&offset=3").await.json();
    let ids: Vec<&str> = page["testCases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["case-flaky", "case-agent2"]);
    assert_eq!(page["total"], 5);
    let mine = api.get("/test-cases?agentId=agent-2").await.json();
    assert_eq!(mine["total"], 1);
    let searched = api.get("/test-cases?search=appointment").await.json();
    assert_eq!(searched["total"], 2);
    assert_eq!(api.get("/test-cases?limit=500").await.status, 200);
    for bad in ["limit=501", "limit=0", "limit=ten", "offset=-1"] {
        assert_eq!(
            api.get(&format!("/test-cases?{bad}")).await.status,
            400,
            "{bad}"
        );
    }
    assert_eq!(api.get("/test-cases?agentId=nobody").await.status, 404);
}

#[tokio::test]
async fn unknown_routes_answer_404_json() {
    let api = start(workspace(MIXED)).await;
    let reply = api.get("/no-such-thing").await;
    assert_eq!(reply.status, 404);
    assert!(
        reply.json()["message"]
            .as_str()
            .unwrap()
            .contains("/api/rest/no-such-thing")
    );
}

const LEGACY: &str = r#"
speed: 2000
queue_delay_seconds: 400
scoring_seconds: 1000
agents:
  - id: agent-1
  - id: agent-broken
    run_outcome: failed
  - id: agent-judge-down
    run_outcome: scoring_failed
test_cases:
  - id: greet
    title: Greets
    agent_ids: [agent-1]
    duration_seconds: 400
    assertions:
      - name: Greeting
        reason: Said hello.
  - id: refund
    title: Refund
    agent_ids: [agent-1]
    outcome: fail
    duration_seconds: 400
  - id: broken
    title: Errors
    outcome: error
    duration_seconds: 400
datasets:
  - id: ds-good
    name: Good calls
    description: Always passes
    test_cases: [greet]
  - id: ds-mixed
    name: Mixed
    test_cases: [greet, refund, broken]
"#;

async fn legacy_run(api: &Api, agent: &str, body: Value) -> String {
    let reply = api.post(&format!("/voice-agent/{agent}/run"), &body).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let body = reply.json();
    assert_eq!(body.as_object().unwrap().len(), 1);
    body["voice_experiment_id"].as_str().unwrap().to_owned()
}

async fn legacy_trace(api: &Api, id: &str) -> Vec<String> {
    let mut trace: Vec<String> = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let body = api.get(&format!("/voice-experiment/{id}")).await.json();
        assert_eq!(body["id"], id);
        let status = body["status"].as_str().unwrap().to_owned();
        if trace.last() != Some(&status) {
            trace.push(status.clone());
        }
        if ["FINISHED", "FAILED", "SCORING_FAILED"].contains(&status.as_str()) {
            return trace;
        }
        assert!(Instant::now() < deadline, "experiment stuck: {trace:?}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test]
async fn legacy_flow_runs_created_running_scoring_finished() {
    let api = start(workspace(LEGACY)).await;
    let datasets = api.get("/datasets").await.json();
    assert_eq!(
        datasets["datasets"][0],
        json!({ "id": "ds-good", "name": "Good calls", "description": "Always passes" })
    );

    let id = legacy_run(
        &api,
        "agent-1",
        json!({ "dataset_id": "ds-good", "to_number": "+14155550100" }),
    )
    .await;
    let calls = api
        .get(&format!("/voice-experiment/{id}/calls"))
        .await
        .json();
    assert_eq!(calls["calls"][0]["status"], "queued");
    assert_eq!(calls["calls"][0]["scores"], json!({}));
    assert_eq!(
        legacy_trace(&api, &id).await,
        ["CREATED", "RUNNING", "SCORING", "FINISHED"]
    );
    let calls = api
        .get(&format!("/voice-experiment/{id}/calls"))
        .await
        .json();
    assert_eq!(calls["calls"][0]["status"], "ended");
    assert_eq!(
        calls["calls"][0]["scores"],
        json!({ "Greeting": { "value": 1, "reason": "Said hello." } })
    );

    let id = legacy_run(
        &api,
        "agent-1",
        json!({ "dataset_id": "ds-mixed", "to_number": ["+14155550100", "+14155550101"] }),
    )
    .await;
    assert_eq!(legacy_trace(&api, &id).await.last().unwrap(), "FINISHED");
    let calls = api
        .get(&format!("/voice-experiment/{id}/calls"))
        .await
        .json();
    let calls = calls["calls"].as_array().unwrap();
    assert_eq!(calls.len(), 6);
    assert_eq!(calls[2]["scores"]["overall"]["value"], 0);
    assert_eq!(calls[4]["status"], "failed");
}

#[tokio::test]
async fn legacy_failures_and_errors() {
    let api = start(workspace(LEGACY)).await;
    let body = json!({ "dataset_id": "ds-good", "to_number": "+14155550100" });
    let id = legacy_run(&api, "agent-broken", body.clone()).await;
    assert_eq!(legacy_trace(&api, &id).await.last().unwrap(), "FAILED");
    let id = legacy_run(&api, "agent-judge-down", body.clone()).await;
    let trace = legacy_trace(&api, &id).await;
    assert_eq!(trace.last().unwrap(), "SCORING_FAILED");
    assert!(trace.contains(&"SCORING".to_owned()));

    assert_eq!(api.post("/voice-agent/nobody/run", &body).await.status, 404);
    let unknown = json!({ "dataset_id": "nope", "to_number": "+14155550100" });
    assert_eq!(
        api.post("/voice-agent/agent-1/run", &unknown).await.status,
        404
    );
    for bad in [
        json!({ "to_number": "+14155550100" }),
        json!({ "dataset_id": "ds-good" }),
        json!({ "dataset_id": "ds-good", "to_number": "555" }),
    ] {
        assert_eq!(
            api.post("/voice-agent/agent-1/run", &bad).await.status,
            400,
            "{bad}"
        );
    }
    assert_eq!(api.get("/voice-experiment/nope").await.status, 404);
    assert_eq!(api.get("/voice-experiment/nope/calls").await.status, 404);
}
