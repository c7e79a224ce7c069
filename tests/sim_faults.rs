//! Fault injection over real HTTP: every kind through the `X-Hamming-Sim-Fault` header, and
//! workspace rules with after/count/probability.

mod common;

use std::time::{Duration, Instant, SystemTime};

use common::*;
use hamming_runner::sim::{FAULT_HEADER, SimOptions};
use serde_json::Value;

async fn faulted(api: &Api, path: &str, fault: &str) -> reqwest::Response {
    api.client
        .get(api.url(path))
        .bearer_auth(KEY)
        .header(FAULT_HEADER, fault)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn server_errors_with_json_or_html_bodies() {
    let api = start(workspace(MIXED)).await;
    let r = faulted(&api, "/agents", "status=503").await;
    assert_eq!(r.status(), 503);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["httpStatus"], 503);
    assert!(body["message"].is_string());

    let r = faulted(&api, "/agents", "status=502;body=html").await;
    assert_eq!(r.status(), 502);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let text = r.text().await.unwrap();
    assert!(text.starts_with("<!DOCTYPE html>") && text.contains("502 Bad Gateway"));
}

#[tokio::test]
async fn rate_limits_with_and_without_retry_after() {
    let api = start(workspace(MIXED)).await;
    let r = faulted(&api, "/agents", "status=429;retry-after=2").await;
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["retry-after"], "2");

    let r = faulted(&api, "/agents", "status=429").await;
    assert_eq!(r.status(), 429);
    assert!(r.headers().get("retry-after").is_none());

    let r = faulted(&api, "/agents", "retry-after-date=5").await;
    assert_eq!(r.status(), 429);
    let date = httpdate::parse_http_date(r.headers()["retry-after"].to_str().unwrap()).unwrap();
    let ahead = date.duration_since(SystemTime::now()).unwrap_or_default();
    assert!(
        ahead > Duration::from_secs(3) && ahead <= Duration::from_secs(6),
        "{ahead:?}"
    );
}

#[tokio::test]
async fn slow_responses_arrive_late_but_intact() {
    let api = start(workspace(MIXED)).await;
    let started = Instant::now();
    let r = faulted(&api, "/agents", "delay=300ms").await;
    assert_eq!(r.status(), 200);
    assert!(started.elapsed() >= Duration::from_millis(300));
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["agents"][0]["id"], "agent-1");
}

#[tokio::test]
async fn malformed_and_truncated_json() {
    let api = start(workspace(MIXED)).await;
    let id = api.create(&by_tag("agent-1", "tag-smoke")).await["testRunId"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/test-runs/{id}/results");
    // A finished run's results no longer change, so the truncated body below is a prefix of
    // this one however long the machine takes between the two reads.
    assert_eq!(api.wait(&id, Duration::from_secs(10)).await, "COMPLETED");
    let whole = api.get(&path).await.text;

    let r = faulted(&api, &path, "malformed-json").await;
    assert_eq!(r.status(), 200);
    let text = r.text().await.unwrap();
    assert!(serde_json::from_str::<Value>(&text).is_err(), "{text}");

    let r = faulted(&api, &path, "truncated-json").await;
    assert_eq!(r.status(), 200);
    let text = r.text().await.unwrap();
    assert!(serde_json::from_str::<Value>(&text).is_err());
    assert!(whole.starts_with(&text) && text.len() < whole.len());
}

#[tokio::test]
async fn connection_reset_mid_body() {
    let api = start(workspace(MIXED)).await;
    let r = faulted(&api, "/test-cases", "reset").await;
    assert_eq!(r.status(), 200);
    assert!(r.text().await.is_err(), "the body should break off");
    // The simulator keeps serving afterwards.
    assert_eq!(api.get("/agents").await.status, 200);
}

#[tokio::test]
async fn accept_and_never_answer() {
    let api = start(workspace(MIXED)).await;
    let started = Instant::now();
    let error = api
        .client
        .get(api.url("/agents"))
        .bearer_auth(KEY)
        .header(FAULT_HEADER, "no-response")
        .timeout(Duration::from_millis(300))
        .send()
        .await
        .unwrap_err();
    assert!(error.is_timeout(), "{error}");
    assert!(started.elapsed() >= Duration::from_millis(300));
    let log = api.handle.requests();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].status, None);
    // A request held open does not keep the simulator from shutting down.
    let shutdown = Instant::now();
    api.handle.shutdown().await;
    assert!(shutdown.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn a_rejected_create_starts_nothing_but_a_late_error_does() {
    let api = start(workspace(MIXED)).await;
    let post = |fault: &'static str| {
        api.client
            .post(api.url("/test-runs/test-inbound-agent"))
            .bearer_auth(KEY)
            .header(FAULT_HEADER, fault)
            .json(&by_tag("agent-1", "tag-smoke"))
            .send()
    };
    assert_eq!(post("status=503").await.unwrap().status(), 503);
    assert_eq!(api.handle.stored_runs(), 0);
    // phase=after: the run was created, the client still sees 502.
    assert_eq!(
        post("status=502;phase=after;body=html")
            .await
            .unwrap()
            .status(),
        502
    );
    assert_eq!(api.handle.stored_runs(), 1);
    let posts = api
        .handle
        .requests()
        .iter()
        .filter(|r| r.method == "POST")
        .count();
    assert_eq!(posts, 2);
}

#[tokio::test]
async fn faults_on_reads_leave_runs_alone() {
    let mut ws = workspace(MIXED);
    ws.speed = Some(100_000.0);
    let api = start(ws).await;
    let id = api.create(&by_tag("agent-1", "tag-smoke")).await["testRunId"]
        .as_str()
        .unwrap()
        .to_owned();
    api.wait(&id, Duration::from_secs(5)).await;
    let before = api.results(&id).await;
    for fault in [
        "status=500",
        "status=503;body=html",
        "status=429;retry-after=1",
        "malformed-json",
        "truncated-json",
        "reset",
        "delay=10ms",
    ] {
        let _ = faulted(&api, &format!("/test-runs/{id}/results"), fault)
            .await
            .text()
            .await;
        let _ = faulted(&api, &format!("/test-runs/{id}/status"), fault)
            .await
            .text()
            .await;
    }
    assert_eq!(api.results(&id).await, before);
    assert_eq!(api.status(&id).await, "COMPLETED");
}

#[tokio::test]
async fn workspace_rules_fire_after_n_for_count_requests() {
    let yaml = format!(
        "{MIXED}\nfaults:\n  - method: GET\n    path: /test-runs/*/status\n    fault: status=503;body=html\n    after: 1\n    count: 2\n  - path: /agents\n    fault: status=500\n    probability: 0.5\n"
    );
    let api = start(workspace(&yaml)).await;
    let id = api.create(&by_tag("agent-1", "tag-smoke")).await["testRunId"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut codes = Vec::new();
    for _ in 0..5 {
        codes.push(api.get(&format!("/test-runs/{id}/status")).await.status);
    }
    assert_eq!(codes, [200, 503, 503, 200, 200]);
    assert_eq!(
        api.get(&format!("/test-runs/{id}/results")).await.status,
        200
    );

    let mut agents = Vec::new();
    for _ in 0..40 {
        agents.push(api.get("/agents").await.status);
    }
    assert!(agents.contains(&500) && agents.contains(&200), "{agents:?}");
    // The draw is seeded: a second simulator with the same seed fails the same requests.
    let again = start_with(workspace(&yaml), SimOptions::default()).await;
    let mut repeat = Vec::new();
    for _ in 0..40 {
        repeat.push(again.get("/agents").await.status);
    }
    assert_eq!(agents, repeat);
}

#[tokio::test]
async fn a_bad_fault_header_is_a_400() {
    let api = start(workspace(MIXED)).await;
    let r = faulted(&api, "/agents", "status=teapot").await;
    assert_eq!(r.status(), 400);
    let body: Value = r.json().await.unwrap();
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("x-hamming-sim-fault")
    );
}
