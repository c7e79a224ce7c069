//! The test-run endpoints of the simulator over real HTTP: creation, validation, auth,
//! lifecycle, partial results, run outcomes, determinism, expiry and the request log.

mod common;

use std::time::Duration;

use common::*;
use hamming_runner::sim::{Seed, SimOptions, Workspace};
use serde_json::{Value, json};

#[tokio::test]
async fn create_answers_with_the_documented_shape() {
    let api = start(workspace(MIXED)).await;
    let body = api.create(&by_tag("agent-1", "tag-smoke")).await;
    let keys: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["testRunId", "resultsUrl", "testCaseRuns"]);
    let id = body["testRunId"].as_str().unwrap();
    assert!(hamming_runner::sim::looks_like_id(id), "{id}");
    assert!(
        body["resultsUrl"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/test-runs/{id}"))
    );
    let runs = body["testCaseRuns"].as_array().unwrap();
    // The smoke tag selects three cases of agent-1 (given by tag id or name in the file).
    assert_eq!(runs.len(), 3);
    assert_eq!(runs[0]["testCaseId"], "case-pass");
    assert_eq!(runs[0]["status"], "PENDING");
    assert_eq!(
        runs[0]["testCase"],
        json!({ "id": "case-pass", "title": "Books an appointment" })
    );
    assert!(hamming_runner::sim::looks_like_id(
        runs[0]["id"].as_str().unwrap()
    ));
}

#[tokio::test]
async fn calls_are_cases_times_samples_times_numbers() {
    let api = start(workspace(MIXED)).await;
    let body = api
        .create(&json!({
            "agentId": "agent-1",
            "phoneNumbers": ["+14155550100", "+442071838750"],
            "testConfigurations": [{ "testCaseId": "case-pass" }, { "testCaseId": "case-fail" }],
            "samplingCount": 3,
            "maxConcurrentCalls": 4,
        }))
        .await;
    assert_eq!(body["testCaseRuns"].as_array().unwrap().len(), 2 * 3 * 2);
    let results = api.results(body["testRunId"].as_str().unwrap()).await;
    assert_eq!(results["results"].as_array().unwrap().len(), 12);
    assert_eq!(results["summary"]["stats"]["total"], 12);
}

#[tokio::test]
async fn validation_errors_match_the_real_service() {
    let api = start(workspace(MIXED)).await;
    let path = "/test-runs/test-inbound-agent";
    let message = |reply: &Reply| reply.json()["message"].as_str().unwrap().to_owned();

    // The early-plan shape with a top-level tagIds array.
    let reply = api
        .post(path, &json!({ "agentId": "agent-1", "phoneNumbers": ["+14155550100"], "tagIds": ["tag-smoke"] }))
        .await;
    assert_eq!(reply.status, 400);
    assert_eq!(
        message(&reply),
        "Invalid input: expected array, received undefined"
    );

    // A tag whose only case belongs to another agent selects nothing.
    let reply = api.post(path, &by_tag("agent-1", "tag-other")).await;
    assert_eq!(reply.status, 400);
    assert_eq!(
        message(&reply),
        "Requested run selection resolved to no runnable test cases"
    );

    let bad_items = [
        json!({}),
        json!({ "tagId": "tag-smoke", "testCaseId": "case-pass" }),
    ];
    for item in bad_items {
        let mut body = by_tag("agent-1", "tag-smoke");
        body["testConfigurations"] = json!([item]);
        let reply = api.post(path, &body).await;
        assert_eq!(reply.status, 400, "{}", reply.text);
        assert!(message(&reply).contains("exactly one of tagId or testCaseId"));
    }

    for number in ["14155550100", "+0155550100", "+1 415 555 0100", ""] {
        let mut body = by_tag("agent-1", "tag-smoke");
        body["phoneNumbers"] = json!([number]);
        let reply = api.post(path, &body).await;
        assert_eq!(reply.status, 400, "{number}: {}", reply.text);
        assert!(message(&reply).contains("E.164"));
    }

    for (field, values) in [("samplingCount", [0, 51]), ("maxConcurrentCalls", [0, 101])] {
        for value in values {
            let mut body = by_tag("agent-1", "tag-smoke");
            body[field] = json!(value);
            let reply = api.post(path, &body).await;
            assert_eq!(reply.status, 400, "{field}={value}");
            assert!(message(&reply).starts_with(field), "{}", reply.text);
        }
    }
    for (field, value) in [("samplingCount", 50), ("maxConcurrentCalls", 100)] {
        let mut body = by_tag("agent-1", "tag-smoke");
        body[field] = json!(value);
        assert_eq!(api.post(path, &body).await.status, 200);
    }

    let reply = api.post(path, &by_tag("no-such-agent", "tag-smoke")).await;
    assert_eq!(
        (reply.status, message(&reply)),
        (404, "Agent not found: no-such-agent".into())
    );
    let reply = api.post(path, &by_tag("agent-1", "no-such-tag")).await;
    assert_eq!(reply.status, 404);
    let reply = api
        .post(path, &by_cases("agent-1", &["no-such-case"]))
        .await;
    assert_eq!(reply.status, 404);
    for endpoint in ["status", "results"] {
        let reply = api
            .get(&format!("/test-runs/cmc220l4i00zsgn0gvqkvpvxh/{endpoint}"))
            .await;
        assert_eq!(reply.status, 404);
        assert!(reply.json()["message"].is_string());
    }

    let reply = api
        .send(
            api.client
                .post(api.url(path))
                .bearer_auth(KEY)
                .body("{not json"),
        )
        .await;
    assert_eq!(reply.status, 400);
}

#[tokio::test]
async fn auth_checks_the_bearer_key() {
    let mut ws = workspace(MIXED);
    ws.api_keys = Some(vec![KEY.to_owned()]);
    let api = start(ws).await;
    let url = api.url("/agents");
    assert_eq!(api.send(api.client.get(&url)).await.status, 401);
    assert_eq!(
        api.send(api.client.get(&url).bearer_auth("sk-wrong"))
            .await
            .status,
        401
    );
    assert_eq!(
        api.send(api.client.get(&url).header("Authorization", KEY))
            .await
            .status,
        401
    );
    assert_eq!(
        api.send(api.client.get(&url).bearer_auth(KEY)).await.status,
        200
    );
    let reply = api
        .send(
            api.client
                .post(api.url("/test-runs/test-inbound-agent"))
                .json(&by_tag("agent-1", "tag-smoke")),
        )
        .await;
    assert_eq!(reply.status, 401);
    assert!(
        api.handle.stored_runs() == 0,
        "an unauthorised create must not start a run"
    );

    // Without api_keys any non-empty token works, an empty one does not.
    let open = start(workspace(MIXED)).await;
    let url = open.url("/agents");
    assert_eq!(
        open.send(open.client.get(&url).bearer_auth("anything"))
            .await
            .status,
        200
    );
    assert_eq!(
        open.send(open.client.get(&url).header("Authorization", "Bearer "))
            .await
            .status,
        401
    );
    assert_eq!(open.send(open.client.get(&url)).await.status, 401);
}

#[tokio::test]
async fn lifecycle_goes_queued_running_completed_with_partial_results() {
    // speed 200 with a 60 s queue: QUEUED for 300 ms; four calls one at a time.
    let mut ws = workspace(MIXED);
    ws.speed = Some(200.0);
    ws.queue_delay_seconds = Some(60.0);
    let api = start(ws).await;
    let body = api
        .create(&json!({
            "agentId": "agent-1",
            "phoneNumbers": ["+14155550100"],
            "testConfigurations": [{ "tagId": "tag-smoke" }, { "testCaseId": "case-flaky" }],
            "maxConcurrentCalls": 1,
        }))
        .await;
    let id = body["testRunId"].as_str().unwrap().to_owned();
    assert_eq!(api.status(&id).await, "QUEUED");
    let queued = api.results(&id).await;
    assert_eq!(queued["summary"]["status"], "QUEUED");
    assert_eq!(queued["summary"]["stats"]["pending"], 4);

    let mut seen_partial = false;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let results = api.results(&id).await;
        let summary = &results["summary"];
        let stats = &summary["stats"];
        let n = |k: &str| stats[k].as_u64().unwrap();
        assert_eq!(n("total"), 4);
        assert_eq!(
            n("completed") + n("pending") + n("inProgress"),
            4,
            "{stats}"
        );
        assert_eq!(n("completed"), n("passed") + n("failed") + n("errored"));
        assert!(
            n("inProgress") <= 1,
            "maxConcurrentCalls 1 was not respected: {stats}"
        );
        let statuses: Vec<&str> = results["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["status"].as_str().unwrap())
            .collect();
        assert_eq!(
            statuses.iter().filter(|s| **s == "PENDING").count() as u64,
            n("pending") + n("inProgress")
        );
        if summary["status"] == "RUNNING" && n("completed") > 0 && n("completed") < 4 {
            seen_partial = true;
            let done = results["results"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["status"] != "PENDING")
                .unwrap();
            assert!(done["durationSeconds"].is_number());
            let pending = results["results"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["status"] == "PENDING")
                .unwrap();
            assert_eq!(pending["assertionResults"], json!([]));
        }
        if summary["status"] == "COMPLETED" {
            assert_eq!(n("completed"), 4);
            break;
        }
        assert!(std::time::Instant::now() < deadline, "run did not complete");
        tokio::time::sleep(Duration::from_millis(15)).await;
    }
    assert!(seen_partial, "never saw a RUNNING run with some calls done");
}

#[tokio::test]
async fn finished_results_carry_verdicts_metrics_and_scores() {
    let api = start(workspace(MIXED)).await;
    let body = api.create(&by_tag("agent-1", "tag-smoke")).await;
    let id = body["testRunId"].as_str().unwrap();
    assert_eq!(api.wait(id, Duration::from_secs(5)).await, "COMPLETED");
    let results = api.results(id).await;
    let summary = &results["summary"];
    assert_eq!(summary["id"], id);
    assert_eq!(
        summary["stats"],
        json!({ "total": 3, "completed": 3, "passed": 1, "failed": 1, "errored": 1, "pending": 0, "inProgress": 0 })
    );
    // Assertions: pass case 2/2, fail case 1/2 (Polite holds), error case has none.
    assert_eq!(summary["assertions"]["overallScore"], json!(75.0));
    let categories = summary["assertions"]["categories"].as_array().unwrap();
    let compliance = categories
        .iter()
        .find(|c| c["name"] == "Compliance")
        .unwrap();
    assert_eq!(compliance["status"], "failed");
    assert_eq!(compliance["score"], json!(50.0));
    assert_eq!(
        compliance["stats"],
        json!({ "passed": 1, "failed": 1, "skipped": 0, "pending": 0 })
    );
    assert_eq!(compliance["assertionIds"].as_array().unwrap().len(), 1);
    let tone = categories.iter().find(|c| c["name"] == "Tone").unwrap();
    assert_eq!(tone["status"], "passed");
    let latency = &summary["metrics"]["latencyP50"];
    assert!(latency["value"].is_number() && latency["unit"] == "s" && latency["status"] == "pass");
    // The summary's metrics mix a bare overall score with the metric objects.
    assert_eq!(summary["metrics"]["overallScore"], json!(75.0));
    let issues = summary["topIssues"].as_array().unwrap();
    let identity = issues
        .iter()
        .find(|i| i["title"] == "Verifies identity failed")
        .unwrap();
    assert_eq!(identity["affectedCallCount"], 1);
    assert_eq!(identity["severity"], "HIGH");
    assert!(
        identity["recommendation"]
            .as_str()
            .unwrap()
            .contains("date of birth")
    );

    let entries = results["results"].as_array().unwrap();
    let failed = entries
        .iter()
        .find(|r| r["testCaseId"] == "case-fail")
        .unwrap();
    assert_eq!(failed["status"], "FAILED");
    for key in [
        "id",
        "durationSeconds",
        "recordingUrl",
        "transcriptionDataUrl",
        "transcript",
        "assertions",
        "assertionResults",
        "metrics",
    ] {
        assert!(failed.get(key).is_some(), "missing {key}");
    }
    assert_eq!(failed["phoneNumber"], "+14155550100");
    // Whole seconds, plain-number metrics and category names, as Hamming's client reads them.
    assert_eq!(failed["durationSeconds"], json!(90));
    assert_eq!(failed["metrics"]["callDuration"], json!(90.0));
    assert!(failed["metrics"]["latencyP90"].is_number());
    assert_eq!(failed["metrics"]["interruptionCount"], json!(0));
    assert_eq!(
        failed["assertions"]["categories"],
        json!(["Compliance", "Tone"])
    );
    assert!(failed["transcript"]["messages"][0]["role"].is_string());
    let verdicts = failed["assertionResults"].as_array().unwrap();
    assert_eq!(verdicts[0]["assertionName"], "Verifies identity");
    assert_eq!(verdicts[0]["status"], "FAILED");
    assert_eq!(
        verdicts[0]["reason"],
        "The agent never asked for the date of birth."
    );
    assert_eq!(verdicts[1]["status"], "PASSED");
    assert_eq!(failed["assertions"]["overallScore"], json!(50.0));
    let errored = entries
        .iter()
        .find(|r| r["testCaseId"] == "case-error")
        .unwrap();
    assert_eq!(errored["status"], "ERROR");
    assert_eq!(
        errored["assertions"],
        json!({ "overallScore": 0, "categories": [] })
    );
}

#[tokio::test]
async fn a_run_without_assertions_scores_zero_with_no_categories() {
    let ws = Workspace::seeded(&Seed {
        agents: vec!["agent".into()],
        tags: vec!["smoke".into()],
        test_cases: vec![],
        ..Default::default()
    });
    let api = start_with(
        ws,
        SimOptions {
            speed: Some(100_000.0),
            ..Default::default()
        },
    )
    .await;
    let tags = api.get("/test-tags?search=smoke").await.json();
    let tag_id = tags["tags"][0]["id"].as_str().unwrap().to_owned();
    let body = api.create(&by_tag("agent", &tag_id)).await;
    let id = body["testRunId"].as_str().unwrap();
    assert_eq!(api.wait(id, Duration::from_secs(5)).await, "COMPLETED");
    let summary = &api.results(id).await["summary"];
    assert_eq!(
        summary["assertions"],
        json!({ "overallScore": 0, "categories": [] })
    );
    assert_eq!(summary["stats"]["passed"], 1);
}

#[tokio::test]
async fn seeded_workspace_serves_what_the_seed_names() {
    let ws = Workspace::seeded(&Seed {
        agents: vec!["agent-a".into(), "agent-b".into()],
        tags: vec!["smoke".into(), "cmc220l4i00zsgn0gvqkvpvxh".into()],
        test_cases: vec!["case-1".into()],
        ..Default::default()
    });
    let api = start_with(
        ws,
        SimOptions {
            speed: Some(100_000.0),
            ..Default::default()
        },
    )
    .await;
    for agent in ["agent-a", "agent-b"] {
        let body = api
            .create(&by_tag(agent, "cmc220l4i00zsgn0gvqkvpvxh"))
            .await;
        let id = body["testRunId"].as_str().unwrap();
        assert_eq!(api.wait(id, Duration::from_secs(5)).await, "COMPLETED");
        assert_eq!(api.results(id).await["summary"]["stats"]["passed"], 1);
        api.create(&by_cases(agent, &["case-1"])).await;
    }
}

#[tokio::test]
async fn run_outcomes_failed_canceled_and_never_finishing() {
    let yaml = r#"
speed: 5000
agents:
  - id: failing-agent
    run_outcome: failed
  - id: canceling-agent
    run_outcome: canceled
    run_ends_after_seconds: 150
  - id: ok-agent
test_cases:
  - id: c1
    title: one
    agent_ids: [failing-agent, canceling-agent, ok-agent]
    duration_seconds: 100
  - id: c2
    title: two
    agent_ids: [canceling-agent, ok-agent]
    duration_seconds: 100
  - id: c-hang
    title: hangs
    agent_ids: [ok-agent]
    outcome: hang
"#;
    let api = start(workspace(yaml)).await;
    let wait = Duration::from_secs(5);
    let id = api.create(&by_cases("failing-agent", &["c1"])).await["testRunId"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(api.wait(&id, wait).await, "FAILED");
    assert_eq!(api.results(&id).await["summary"]["status"], "FAILED");

    // One line: c1 ends at 100 s, the run is canceled at 150 s while c2 is on the line.
    let mut body = by_cases("canceling-agent", &["c1", "c2"]);
    body["maxConcurrentCalls"] = json!(1);
    let id = api.create(&body).await["testRunId"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(api.wait(&id, wait).await, "CANCELED");
    let results = api.results(&id).await;
    assert_eq!(results["results"][0]["status"], "PASSED");
    assert_eq!(results["results"][1]["status"], "ERROR");

    // The fault header can force an outcome on a create.
    let reply = api
        .send(
            api.client
                .post(api.url("/test-runs/test-inbound-agent"))
                .bearer_auth(KEY)
                .header("X-Hamming-Sim-Fault", "run=canceled")
                .json(&by_cases("ok-agent", &["c1"])),
        )
        .await;
    let id = reply.json()["testRunId"].as_str().unwrap().to_owned();
    assert_eq!(api.wait(&id, wait).await, "CANCELED");

    // A hanging call keeps the run RUNNING long after the other calls ended.
    let id = api.create(&by_cases("ok-agent", &["c1", "c-hang"])).await["testRunId"]
        .as_str()
        .unwrap()
        .to_owned();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(api.status(&id).await, "RUNNING");
    let stats = &api.results(&id).await["summary"]["stats"];
    assert_eq!(
        (stats["completed"].as_u64(), stats["inProgress"].as_u64()),
        (Some(1), Some(1))
    );
}

async fn transcript_of_runs(seed: u64) -> (Vec<Value>, Vec<Value>) {
    let mut ws = workspace(MIXED);
    ws.speed = Some(100_000.0);
    let api = start_with(
        ws,
        SimOptions {
            seed: Some(seed),
            ..Default::default()
        },
    )
    .await;
    let mut creates = Vec::new();
    let mut results = Vec::new();
    for _ in 0..2 {
        let mut body = by_cases("agent-1", &["case-flaky", "case-pass"]);
        body["samplingCount"] = json!(20);
        body["phoneNumbers"] = json!(["+14155550100", "+14155550101"]);
        let mut created = api.create(&body).await;
        let id = created["testRunId"].as_str().unwrap().to_owned();
        api.wait(&id, Duration::from_secs(5)).await;
        // The results URL names the simulator's port, which differs between simulators.
        created.as_object_mut().unwrap().remove("resultsUrl");
        creates.push(created);
        results.push(api.results(&id).await);
    }
    (creates, results)
}

#[tokio::test]
async fn the_same_seed_gives_the_same_runs() {
    let (c1, r1) = transcript_of_runs(11).await;
    let (c2, r2) = transcript_of_runs(11).await;
    assert_eq!(c1, c2);
    assert_eq!(r1, r2);
    let (c3, r3) = transcript_of_runs(12).await;
    assert_ne!(c1[0]["testRunId"], c3[0]["testRunId"]);
    let statuses = |r: &Value| -> Vec<Value> {
        r["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["status"].clone())
            .collect()
    };
    assert_ne!(
        statuses(&r1[0]),
        statuses(&r3[0]),
        "seed 12 drew the same 80 flaky outcomes"
    );
    // Flaky at 0.5 over 40 flaky calls: both outcomes appear, and two runs differ.
    let flaky: Vec<Value> = statuses(&r1[0]).into_iter().take(40).collect();
    assert!(flaky.contains(&json!("PASSED")) && flaky.contains(&json!("FAILED")));
    assert_ne!(statuses(&r1[0]), statuses(&r1[1]));
}

#[tokio::test]
async fn finished_runs_expire_and_memory_stays_bounded() {
    let mut ws = workspace(MIXED);
    ws.speed = Some(100_000.0);
    ws.run_ttl_seconds = Some(0.2);
    ws.max_runs = Some(5);
    let api = start(ws).await;
    let mut ids = Vec::new();
    for _ in 0..20 {
        let body = api.create(&by_cases("agent-1", &["case-pass"])).await;
        ids.push(body["testRunId"].as_str().unwrap().to_owned());
        assert!(api.handle.stored_runs() <= 5);
    }
    // The cap evicted the oldest runs at once.
    assert_eq!(
        api.get(&format!("/test-runs/{}/status", ids[0]))
            .await
            .status,
        404
    );
    let last = ids.last().unwrap();
    // Its call takes under a millisecond of real time, which two loopback round trips can
    // still beat: wait for it rather than assume it is over.
    assert_eq!(api.wait(last, Duration::from_secs(5)).await, "COMPLETED");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        api.get(&format!("/test-runs/{last}/results")).await.status,
        404
    );
    assert_eq!(api.handle.stored_runs(), 0);
}

#[tokio::test]
async fn overrides_are_accepted_and_echoed() {
    let api = start(workspace(MIXED)).await;
    let persona =
        json!({ "name": "Impatient caller", "voice": "en-US-male-2", "prompt": "Hurry." });
    let body = json!({
        "agentId": "agent-1",
        "phoneNumbers": ["+14155550100"],
        "testConfigurations": [
            { "testCaseId": "case-pass", "overrides": { "scenarioFacts": { "plan": "premium" }, "persona": persona } },
            { "testCaseId": "case-fail", "scenarioFacts": { "plan": "basic" } },
        ],
    });
    let id = api.create(&body).await["testRunId"]
        .as_str()
        .unwrap()
        .to_owned();
    let results = api.results(&id).await;
    assert_eq!(results["results"][0]["overrides"]["persona"], persona);
    assert_eq!(
        results["results"][1]["overrides"],
        json!({ "scenarioFacts": { "plan": "basic" } })
    );
    let bad = json!({
        "agentId": "agent-1", "phoneNumbers": ["+14155550100"],
        "testConfigurations": [{ "testCaseId": "case-pass", "overrides": "loud" }],
    });
    assert_eq!(
        api.post("/test-runs/test-inbound-agent", &bad).await.status,
        400
    );
}

#[tokio::test]
async fn the_request_log_records_what_clients_sent_without_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("requests.jsonl");
    let api = start_with(
        workspace(MIXED),
        SimOptions {
            record: Some(file.clone()),
            ..Default::default()
        },
    )
    .await;
    let body = by_tag("agent-1", "tag-smoke");
    let id = api.create(&body).await["testRunId"]
        .as_str()
        .unwrap()
        .to_owned();
    api.status(&id).await;
    api.get("/test-cases?limit=2&offset=1").await;
    let log = api.handle.requests();
    let posts: Vec<_> = log.iter().filter(|r| r.method == "POST").collect();
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].path, "/api/rest/test-runs/test-inbound-agent");
    assert_eq!(posts[0].body, body);
    assert_eq!(posts[0].status, Some(200));
    assert_eq!(log[2].query.as_deref(), Some("limit=2&offset=1"));
    assert_eq!(log.len(), 3);

    let text = std::fs::read_to_string(&file).unwrap();
    assert!(!text.contains(KEY), "the API key reached the record file");
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    let keys: Vec<&str> = lines[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["ts", "method", "path", "query", "status", "body"]);
    assert_eq!(lines[1]["path"], format!("/api/rest/test-runs/{id}/status"));
    api.handle.shutdown().await;
}

#[tokio::test]
async fn an_older_server_accepts_an_empty_selection() {
    let mut ws = workspace(MIXED);
    ws.empty_selection = Some(hamming_runner::sim::EmptySelection::Accept);
    ws.speed = Some(100_000.0);
    let api = start(ws).await;
    let body = api.create(&by_tag("agent-1", "tag-other")).await;
    assert_eq!(body["testCaseRuns"], json!([]));
    let id = body["testRunId"].as_str().unwrap();
    assert_eq!(api.wait(id, Duration::from_secs(5)).await, "COMPLETED");
    let results = api.results(id).await;
    assert_eq!(results["summary"]["stats"]["total"], 0);
    assert_eq!(results["results"], json!([]));
}
